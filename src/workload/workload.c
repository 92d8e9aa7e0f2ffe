/* Flow generation for the traffic patterns; see workload.h and
 * docs/scenario.md for what each pattern means. */
#include "workload/workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "sim/rng.h"
#include "sim/util.h"
#include "transport/transport.h"
#include "workload/cdf.h"
#include "workload/flow.h"

struct flow_vec {
    struct flow *v;
    uint32_t n, cap;
};

/* Ephemeral source ports (IANA: 49152-65535); destination port 5001, the
 * port iperf uses. */
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u
#define APP_DPORT 5001

static struct flow *
flow_add(struct flow_vec *fv, struct rng *r, uint32_t src, uint32_t dst,
         uint64_t size, uint64_t start_ps, uint64_t rate_bps, uint8_t tc,
         const struct transport_class *tp)
{
    if (fv->n == fv->cap) {
        fv->cap = fv->cap ? fv->cap * 2 : 1024;
        fv->v = xrealloc(fv->v, fv->cap * sizeof *fv->v);
    }
    struct flow *f = &fv->v[fv->n];
    memset(f, 0, sizeof *f);
    f->id = fv->n++;
    f->src = src;
    f->dst = dst;
    f->size_bytes = size;
    f->start_ps = start_ps;
    f->rate_bps = rate_bps;
    f->tc = tc;
    f->transport = tp;
    f->sport = (uint16_t)(EPHEMERAL_FIRST + rng_below(r, EPHEMERAL_COUNT));
    f->dport = APP_DPORT;
    return f;
}

/* The size of the entry's next flow: fixed, or drawn from its CDF. */
static uint64_t
entry_size(const struct traffic_spec *t, struct rng *r)
{
    return t->size_cdf ? cdf_sample(t->size_cdf, r) : t->size_bytes;
}

/* Start time of the next flow of an entry: all at `start`, or a Poisson
 * process from `start` with mean gap `interarrival`. */
static uint64_t
next_start(const struct traffic_spec *t, struct rng *r, uint64_t *clock)
{
    if (!t->interarrival_ps)
        return t->start_ps;
    *clock += (uint64_t)(rng_exponential(r, (double)t->interarrival_ps) + 0.5);
    return *clock;
}

static uint32_t
rack_of(const struct scenario *scn, uint32_t host)
{
    return (uint32_t)scn->graph.nodes[host].rack;
}

/* A permutation with no fixed point (and, with CROSS, no host mapped into
 * its own rack): a uniformly shuffled list, then any bad position is
 * repaired by swapping its target with a random position where both
 * become good.  Returns false if none could be found. */
static bool
derangement(const struct scenario *scn, struct rng *r, uint32_t *to, bool cross)
{
    uint32_t n = scn->graph.n_hosts;
    for (uint32_t i = 0; i < n; i++)
        to[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)rng_below(r, i + 1);
        uint32_t x = to[i];
        to[i] = to[j];
        to[j] = x;
    }
#define BAD(i, d) ((d) == (i) || (cross && rack_of(scn, d) == rack_of(scn, i)))
    for (uint32_t i = 0; i < n; i++) {
        uint32_t tries = 0;
        while (BAD(i, to[i])) {
            if (++tries > 64 * n)
                return false;
            uint32_t j = (uint32_t)rng_below(r, n);
            if (!BAD(i, to[j]) && !BAD(j, to[i])) {
                uint32_t x = to[i];
                to[i] = to[j];
                to[j] = x;
            }
        }
    }
#undef BAD
    return true;
}

int
workload_generate(const struct scenario *scn, struct flow **flows, uint32_t *n,
                  char **err)
{
    struct flow_vec fv = { 0 };
    uint32_t nh = scn->graph.n_hosts;
    for (size_t ti = 0; ti < scn->n_traffic; ti++) {
        const struct traffic_spec *t = &scn->traffic[ti];
        const struct transport_class *tp = transport_find(t->protocol);
        sim_assert(tp != NULL);
        char name[32];
        snprintf(name, sizeof name, "workload/%zu", ti);
        struct rng r;
        rng_init(&r, scn->seed, rng_stream_id(name));
        uint64_t clock = t->start_ps;

        switch (t->pattern) {
        case PATTERN_FLOWS:
            for (size_t i = 0; i < t->n_flows; i++) {
                const struct flow_spec *fs = &t->flows[i];
                flow_add(&fv, &r, fs->src, fs->dst, fs->size_bytes,
                         fs->start_ps, fs->rate_bps, fs->tc, tp);
            }
            break;
        case PATTERN_PERMUTATION: {
            uint32_t *to = xmalloc(nh * sizeof *to);
            if (!derangement(scn, &r, to, t->cross_rack_only)) {
                free(to);
                free(fv.v);
                *err = xasprintf("%s:%u:%u: no cross-rack permutation "
                                 "exists: a rack holds more than half the "
                                 "hosts; expected cross_rack: false",
                                 scn->file, t->loc.line, t->loc.col);
                return 2;
            }
            for (uint32_t i = 0; i < nh; i++) {
                uint64_t start = next_start(t, &r, &clock);
                flow_add(&fv, &r, i, to[i], entry_size(t, &r), start,
                         t->rate_bps, t->tc, tp);
            }
            free(to);
            break;
        }
        case PATTERN_INCAST: {
            /* COUNT distinct senders other than the receiver: a partial
             * Fisher-Yates shuffle of the other hosts. */
            uint32_t *pool = xmalloc(nh * sizeof *pool);
            uint32_t m = 0;
            for (uint32_t i = 0; i < nh; i++)
                if (i != t->receiver)
                    pool[m++] = i;
            sim_assert(t->count <= m);
            for (uint32_t i = 0; i < t->count; i++) {
                uint32_t j = i + (uint32_t)rng_below(&r, m - i);
                uint32_t x = pool[i];
                pool[i] = pool[j];
                pool[j] = x;
                uint64_t start = next_start(t, &r, &clock);
                flow_add(&fv, &r, pool[i], t->receiver, entry_size(t, &r),
                         start, t->rate_bps, t->tc, tp);
            }
            free(pool);
            break;
        }
        case PATTERN_ALL_TO_ALL:
            for (uint32_t s = 0; s < nh; s++)
                for (uint32_t d = 0; d < nh; d++) {
                    if (s == d)
                        continue;
                    uint64_t start = next_start(t, &r, &clock);
                    flow_add(&fv, &r, s, d, entry_size(t, &r), start,
                             t->rate_bps, t->tc, tp);
                }
            break;
        case PATTERN_RANDOM:
            for (uint32_t i = 0; i < t->count; i++) {
                uint32_t s, d;
                do {
                    s = (uint32_t)rng_below(&r, nh);
                    d = (uint32_t)rng_below(&r, nh);
                } while (s == d || (t->cross_rack_only &&
                                    rack_of(scn, s) == rack_of(scn, d)));
                uint64_t start = next_start(t, &r, &clock);
                flow_add(&fv, &r, s, d, entry_size(t, &r), start,
                         t->rate_bps, t->tc, tp);
            }
            break;
        }
    }
    *flows = fv.v;
    *n = fv.n;
    return 0;
}
