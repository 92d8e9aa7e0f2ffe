/* Flow generation for the traffic patterns; see workload.h and
 * docs/scenario.md for what each pattern means. */
#include "workload/workload.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "sim/rng.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "transport/transport.h"
#include "workload/cdf.h"
#include "workload/flowfile.h"
#include "workload/workload-spec.h"

struct flow_vec {
    struct flow *v;
    uint32_t n, cap;
};

/* Ephemeral source ports (IANA: 49152-65535); destination port 5001, the
 * port iperf uses. */
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u
#define APP_DPORT 5001

/* One entry being generated. */
struct gen {
    const struct workload_config *cfg;
    const struct traffic_spec *t;
    const struct transport_class *tp;
    struct rng r;                /* The entry's stream. */
    uint64_t clock_ps;           /* Last arrival. */
    double mean_gap_ps;          /* Of the Poisson arrivals; 0: every flow
                                  * starts at `start`. */
    const uint64_t *cum_rate;    /* cum_rate[h]: link rates of hosts
                                  * 0..h, summed. */
    struct flow_vec *fv;
    struct workload_entry *e;
};

/* F as flow ID from SRC to DST of SIZE bytes, starting at START_PS at
 * RATE_BPS in class TC over TP; every counter zero. */
static void
flow_init(struct flow *f, uint32_t id, uint32_t src, uint32_t dst,
          uint64_t size, uint64_t start_ps, uint64_t rate_bps, uint8_t tc,
          const struct transport_class *tp)
{
    memset(f, 0, sizeof *f);
    f->id = id;
    f->src = src;
    f->dst = dst;
    f->size_bytes = size;
    f->start_ps = start_ps;
    f->rate_bps = rate_bps;
    f->tc = tc;
    f->transport = tp;
}

static struct flow *
flow_add(struct flow_vec *fv, struct rng *r, uint32_t src, uint32_t dst,
         uint64_t size, uint64_t start_ps, uint64_t rate_bps, uint8_t tc,
         const struct transport_class *tp)
{
    if (fv->n == fv->cap) {
        /* On huge pages once it reaches 1 MiB: a hop's sender and
         * receiver read their flow (sim/util.h). */
        fv->cap = fv->cap ? fv->cap * 2 : 1024;
        fv->v = xrealloc_huge(fv->v, fv->n * sizeof *fv->v,
                              fv->cap * sizeof *fv->v);
    }
    struct flow *f = &fv->v[fv->n];
    flow_init(f, fv->n, src, dst, size, start_ps, rate_bps, tc, tp);
    fv->n++;
    f->sport = (uint16_t)(EPHEMERAL_FIRST + rng_below(r, EPHEMERAL_COUNT));
    f->dport = APP_DPORT;
    return f;
}

/* A flow of the entry from SRC to DST at START_PS, its size fixed or
 * drawn from the entry's CDF. */
static void
gen_add(struct gen *g, uint32_t src, uint32_t dst, uint64_t start_ps)
{
    const struct traffic_spec *t = g->t;
    uint64_t size = t->size_cdf ? cdf_sample(t->size_cdf, &g->r)
                                : t->size_bytes;
    flow_add(g->fv, &g->r, src, dst, size, start_ps, t->rate_bps, t->tc,
             g->tp);
    g->e->flows++;
    g->e->bytes += size;
}

/* Start time of the next flow of an entry: all at `start`, or the next
 * arrival of a Poisson process from `start`. */
static uint64_t
next_start(struct gen *g)
{
    if (!g->mean_gap_ps)
        return g->t->start_ps;
    g->clock_ps += (uint64_t)(rng_exponential(&g->r, g->mean_gap_ps) + 0.5);
    return g->clock_ps;
}

static uint32_t
rack_of(const struct workload_config *cfg, uint32_t host)
{
    return (uint32_t)cfg->graph->nodes[host].rack;
}

/* A permutation with no fixed point (and, with CROSS, no host mapped into
 * its own rack): a uniformly shuffled list, then any bad position is
 * repaired by swapping its target with a random position where both
 * become good.  Returns false if none could be found. */
static bool
derangement(const struct workload_config *cfg, struct rng *r, uint32_t *to, bool cross)
{
    uint32_t n = cfg->graph->n_hosts;
    for (uint32_t i = 0; i < n; i++)
        to[i] = i;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t j = (uint32_t)rng_below(r, i + 1);
        uint32_t x = to[i];
        to[i] = to[j];
        to[j] = x;
    }
#define BAD(i, d) ((d) == (i) || (cross && rack_of(cfg, d) == rack_of(cfg, i)))
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

static int
gen_flows(struct gen *g, char **err)
{
    const struct traffic_spec *t = g->t;
    for (size_t i = 0; i < t->n_flows; i++) {
        const struct flow_spec *fs = &t->flows[i];
        flow_add(g->fv, &g->r, fs->src, fs->dst, fs->size_bytes,
                 fs->start_ps, fs->rate_bps, fs->tc, g->tp);
        g->e->flows++;
        g->e->bytes += fs->size_bytes;
    }
    return 0;
}

static int
gen_permutation(struct gen *g, char **err)
{
    const struct workload_config *cfg = g->cfg;
    const struct traffic_spec *t = g->t;
    uint32_t nh = cfg->graph->n_hosts;
    uint32_t *to = xmalloc(nh * sizeof *to);
    if (!derangement(cfg, &g->r, to, t->cross_rack_only)) {
        free(to);
        *err = xasprintf("%s:%u:%u: no cross-rack permutation exists: a "
                         "rack holds more than half the hosts; expected "
                         "cross_rack: false", cfg->file, t->loc.line,
                         t->loc.col);
        return 2;
    }
    for (uint32_t i = 0; i < nh; i++)
        gen_add(g, i, to[i], next_start(g));
    free(to);
    return 0;
}

/* COUNT distinct senders other than the receiver: a partial Fisher-Yates
 * shuffle of the other hosts. */
static int
gen_incast(struct gen *g, char **err)
{
    const struct traffic_spec *t = g->t;
    uint32_t nh = g->cfg->graph->n_hosts;
    uint32_t *pool = xmalloc(nh * sizeof *pool);
    uint32_t m = 0;
    for (uint32_t i = 0; i < nh; i++)
        if (i != t->receiver)
            pool[m++] = i;
    sim_assert(t->count <= m);
    for (uint32_t i = 0; i < t->count; i++) {
        uint32_t j = i + (uint32_t)rng_below(&g->r, m - i);
        uint32_t x = pool[i];
        pool[i] = pool[j];
        pool[j] = x;
        gen_add(g, pool[i], t->receiver, next_start(g));
    }
    free(pool);
    return 0;
}

static int
gen_all_to_all(struct gen *g, char **err)
{
    uint32_t nh = g->cfg->graph->n_hosts;
    for (uint32_t s = 0; s < nh; s++)
        for (uint32_t d = 0; d < nh; d++)
            if (s != d)
                gen_add(g, s, d, next_start(g));
    return 0;
}

/* A source host with probability proportional to its link rate: the
 * host whose share of [0, total rate) holds a uniform draw. */
static uint32_t
pick_source(struct gen *g)
{
    uint32_t nh = g->cfg->graph->n_hosts;
    uint64_t x = rng_below(&g->r, g->cum_rate[nh - 1]);
    uint32_t lo = 0, hi = nh - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (g->cum_rate[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The pair of a random flow.  Under a load, flows arrive at each host in
 * proportion to its link rate and go to a uniformly chosen other host
 * (other rack); otherwise the pair is uniform among the allowed ones. */
static void
pick_pair(struct gen *g, uint32_t *src, uint32_t *dst)
{
    const struct workload_config *cfg = g->cfg;
    bool cross = g->t->cross_rack_only;
    uint32_t nh = cfg->graph->n_hosts, s, d;
    if (g->t->load) {
        s = pick_source(g);
        do
            d = (uint32_t)rng_below(&g->r, nh);
        while (d == s || (cross && rack_of(cfg, s) == rack_of(cfg, d)));
    } else {
        do {
            s = (uint32_t)rng_below(&g->r, nh);
            d = (uint32_t)rng_below(&g->r, nh);
        } while (s == d || (cross && rack_of(cfg, s) == rack_of(cfg, d)));
    }
    *src = s;
    *dst = d;
}

/* `count` flows, or those arriving within `duration`.  With `count` and
 * arrivals, the window ends at the arrival after the last flow: the
 * window is then the sum of N + 1 exponential gaps, and N / window
 * estimates the arrival rate without bias (E[N / T_{N+1}] = rate), so
 * the offered load reported is unbiased too. */
static int
gen_random(struct gen *g, char **err)
{
    const struct traffic_spec *t = g->t;
    uint64_t end = t->start_ps + t->duration_ps;
    if (end < t->start_ps)
        end = UINT64_MAX;
    for (uint64_t i = 0;; i++) {
        if (!t->duration_ps && i == t->count) {
            if (g->mean_gap_ps)
                g->e->window_ps = next_start(g) - t->start_ps;
            return 0;
        }
        uint32_t s, d;
        pick_pair(g, &s, &d);
        uint64_t start = next_start(g);
        if (t->duration_ps && start >= end) {
            g->e->window_ps = t->duration_ps;
            return 0;
        }
        gen_add(g, s, d, start);
    }
}

/* A file entry's flows are made as the run goes (workload_launch()). */
static int
gen_file(struct gen *g, char **err)
{
    (void)g;
    (void)err;
    return 0;
}

typedef int gen_fn(struct gen *, char **err);

/* Indexed by enum traffic_pattern. */
static gen_fn *const generators[] = {
    [PATTERN_FLOWS] = gen_flows,
    [PATTERN_PERMUTATION] = gen_permutation,
    [PATTERN_INCAST] = gen_incast,
    [PATTERN_ALL_TO_ALL] = gen_all_to_all,
    [PATTERN_RANDOM] = gen_random,
    [PATTERN_FILE] = gen_file,
};

/* cum_rate[h] = the link rates of hosts 0..h, summed (a host's rate is
 * that of all its links). */
static uint64_t *
host_cum_rates(const struct topo_graph *g)
{
    uint64_t *cum = xcalloc(g->n_hosts ? g->n_hosts : 1, sizeof *cum);
    for (uint32_t l = 0; l < g->n_links; l++) {
        const struct topo_link *tl = &g->links[l];
        if (tl->a < g->n_hosts)
            cum[tl->a] += tl->rate_bps;
        if (tl->b < g->n_hosts)
            cum[tl->b] += tl->rate_bps;
    }
    for (uint32_t h = 1; h < g->n_hosts; h++)
        cum[h] += cum[h - 1];
    return cum;
}

/* The mean gap between the entry's arrivals.  Under a load, each host h
 * starts flows as a Poisson process of rate load * R_h / (8 * mean size)
 * (HPCC's traffic_gen.py does the same per host); their superposition is
 * one Poisson process with the summed rate, each arrival from host h with
 * probability R_h / sum R (pick_source()). */
static double
mean_gap_ps(const struct traffic_spec *t, uint64_t capacity_bps)
{
    if (!t->load)
        return (double)t->interarrival_ps;
    double mean = t->size_cdf ? t->size_cdf->mean_bytes
                              : (double)t->size_bytes;
    return 8.0 * mean * (double)PS_PER_S / (t->load * (double)capacity_bps);
}

void
workload_estimate(const struct workload_config *cfg, double *flows,
                  double *bytes, uint64_t *last_start_ps)
{
    uint64_t *cum = host_cum_rates(cfg->graph);
    uint64_t capacity = cfg->graph->n_hosts ? cum[cfg->graph->n_hosts - 1]
                                            : 0;
    double nh = cfg->graph->n_hosts;
    *flows = *bytes = 0;
    *last_start_ps = 0;
    for (size_t i = 0; i < cfg->n_traffic; i++) {
        const struct traffic_spec *t = &cfg->traffic[i];
        double n = 0, gap = mean_gap_ps(t, capacity);
        double size = t->size_cdf ? t->size_cdf->mean_bytes
                                  : (double)t->size_bytes;
        uint64_t last = t->start_ps;
        switch (t->pattern) {
        case PATTERN_FLOWS:
            for (size_t k = 0; k < t->n_flows; k++) {
                *bytes += (double)t->flows[k].size_bytes;
                last = MAX(last, t->flows[k].start_ps);
            }
            n = (double)t->n_flows;
            size = 0;
            break;
        case PATTERN_PERMUTATION:
            n = nh;
            break;
        case PATTERN_INCAST:
            n = (double)t->count * t->rounds;
            break;
        case PATTERN_ALL_TO_ALL:
            n = nh * (nh - 1);
            break;
        case PATTERN_RANDOM:
            /* Arrivals closer than 1 ps are refused by the builder
             * (too_fast()): count none here, so that its message is the
             * one given. */
            n = t->count;
            if (t->duration_ps) {
                n = gap >= 1 ? (double)t->duration_ps / gap : 0;
                n += 6 * sqrt(n);
            }
            if (t->load && gap < 1)
                n = 0;
            break;
        case PATTERN_FILE:
            n = (double)t->file_flows;
            *bytes += (double)t->file_bytes;
            last = t->file_last_ps;
            size = 0;
            break;
        }
        if (gap > 0)
            last = (uint64_t)MIN((double)last + gap * n, (double)UINT64_MAX);
        if (t->pattern == PATTERN_RANDOM && t->duration_ps)
            last = MIN(last, t->start_ps + MIN(t->duration_ps,
                                               UINT64_MAX - t->start_ps));
        *flows += n;
        *bytes += n * size;
        *last_start_ps = MAX(*last_start_ps, last);
    }
    free(cum);
}

/* Picoseconds are the clock's grain: arrivals closer than that on
 * average would mostly coincide, and a `duration` would never fill. */
static int
too_fast(const struct workload_config *cfg, size_t i, double gap_ps, char **err)
{
    const struct traffic_spec *t = &cfg->traffic[i];
    *err = xasprintf("%s:%u:%u: traffic.%zu.load %g needs a flow every "
                     "%.3g ps on average; expected at least 1 ps between "
                     "flows (a lower load, or larger flows)", cfg->file,
                     t->loc.line, t->loc.col, i, t->load, gap_ps);
    return 2;
}

/* The flows of every incast round after the first and of every flow file,
 * summed, into *RESERVE; 2 with *ERR if they and the N flows made take flow ids past
 * 32 bits. */
static int
rounds_reserve(const struct workload_config *cfg, uint32_t n, uint32_t *reserve,
               char **err)
{
    uint64_t total = n;
    for (size_t i = 0; i < cfg->n_traffic; i++) {
        const struct traffic_spec *t = &cfg->traffic[i];
        if (t->pattern == PATTERN_FILE)
            total += t->file_flows;
        else if (t->pattern == PATTERN_INCAST)
            total += (uint64_t)t->count * (t->rounds - 1);
        else
            continue;
        if (total > UINT32_MAX) {
            *err = xasprintf("%s:%u:%u: traffic.%zu: %s makes more than "
                             "%" PRIu32 " flows in all; expected fewer %s",
                             cfg->file, t->loc.line, t->loc.col, i,
                             t->pattern == PATTERN_FILE ? "the flow file"
                                                        : "senders x rounds",
                             UINT32_MAX,
                             t->pattern == PATTERN_FILE ? "flows"
                                                        : "rounds or senders");
            return 2;
        }
    }
    *reserve = (uint32_t)(total - n);
    return 0;
}

/* Round 0 of the incast entry E: its flows as generated. */
static void
incast_init(struct incast *ic, const struct workload_config *cfg, size_t e,
            const struct workload_entry *we, const struct flow_vec *fv)
{
    const struct traffic_spec *t = &cfg->traffic[e];
    struct incast_round *r0;
    ic->entry = e;
    ic->senders = t->count;
    ic->rounds = t->rounds;
    ic->gap_ps = t->gap_ps;
    ic->round = xcalloc(t->rounds, sizeof *ic->round);
    r0 = &ic->round[0];
    r0->first_flow = we->first_flow;
    r0->started = true;
    r0->start_ps = UINT64_MAX;
    for (uint32_t k = 0; k < ic->senders; k++)
        r0->start_ps = MIN(r0->start_ps, fv->v[we->first_flow + k].start_ps);
}

/* The incasts' state, and room in the flow array for every round. */
static int
incasts_make(const struct workload_config *cfg, struct workload *wl,
             struct flow_vec *fv, char **err)
{
    uint32_t reserve;
    int rc = rounds_reserve(cfg, fv->n, &reserve, err);
    if (rc)
        return rc;
    wl->flow_cap = fv->n + reserve;
    if (wl->flow_cap > fv->cap) {
        fv->cap = wl->flow_cap;
        fv->v = xrealloc_huge(fv->v, fv->n * sizeof *fv->v,
                              fv->cap * sizeof *fv->v);
    }
    /* Zeroed, so that the room reserved for a flow file's flows costs
     * no memory until they are made. */
    wl->incast_of = xcalloc(wl->flow_cap ? wl->flow_cap : 1,
                            sizeof *wl->incast_of);
    /* At most one incast per entry. */
    wl->incasts = xcalloc(cfg->n_traffic ? cfg->n_traffic : 1,
                          sizeof *wl->incasts);
    for (size_t e = 0; e < cfg->n_traffic; e++) {
        if (cfg->traffic[e].pattern != PATTERN_INCAST)
            continue;
        const struct workload_entry *we = &wl->entries[e];
        incast_init(&wl->incasts[wl->n_incasts], cfg, e, we, fv);
        for (uint32_t k = 0; k < we->flows; k++)
            wl->incast_of[we->first_flow + k] = (uint32_t)wl->n_incasts + 1;
        wl->n_incasts++;
    }
    return 0;
}

int
workload_create(const struct workload_config *cfg, struct workload **out,
                struct flow **flows, uint32_t *n, char **err)
{
    struct workload *wl = xcalloc(1, sizeof *wl);
    struct flow_vec fv = { 0 };
    uint64_t *cum = host_cum_rates(cfg->graph);
    int rc = 0;
    wl->n_entries = cfg->n_traffic;
    wl->entries = xcalloc(cfg->n_traffic ? cfg->n_traffic : 1,
                          sizeof *wl->entries);
    wl->host_capacity_bps = cfg->graph->n_hosts
                                ? cum[cfg->graph->n_hosts - 1] : 0;
    for (size_t i = 0; i < cfg->n_traffic && !rc; i++) {
        const struct traffic_spec *t = &cfg->traffic[i];
        char name[32];
        snprintf(name, sizeof name, "workload/%zu", i);
        struct gen g = {
            .cfg = cfg, .t = t, .tp = transport_find(t->protocol),
            .clock_ps = t->start_ps,
            .mean_gap_ps = mean_gap_ps(t, wl->host_capacity_bps),
            .cum_rate = cum, .fv = &fv, .e = &wl->entries[i],
        };
        sim_assert(g.tp != NULL);
        rng_init(&g.r, cfg->seed, rng_stream_id(name));
        g.e->first_flow = fv.n;
        if (t->load && g.mean_gap_ps < 1)
            rc = too_fast(cfg, i, g.mean_gap_ps, err);
        else
            rc = generators[t->pattern](&g, err);
        for (uint32_t k = g.e->first_flow; k < fv.n; k++)
            fv.v[k].entry = (uint16_t)i;
    }
    free(cum);
    if (!rc)
        rc = incasts_make(cfg, wl, &fv, err);
    if (rc) {
        free(fv.v);
        workload_destroy(wl);
        return rc;
    }
    *out = wl;
    *flows = fv.v;
    *n = fv.n;
    return 0;
}

void
workload_destroy(struct workload *wl)
{
    if (!wl)
        return;
    for (size_t i = 0; i < wl->n_feeds; i++)
        flowfile_close(wl->feeds[i].ff);
    free(wl->feeds);
    free(wl->feed_sport);
    free(wl->pair_key);
    free(wl->pair_sport);
    free(wl->err);
    for (size_t i = 0; i < wl->n_incasts; i++)
        free(wl->incasts[i].round);
    free(wl->incasts);
    free(wl->incast_of);
    free(wl->entries);
    free(wl);
}

/* F's counterpart in a later round: the same hosts, size, ports and
 * class (a round reuses its connections), starting at START_PS. */
static void
flow_repeat(struct flow *f, const struct flow *tmpl, uint32_t id,
            uint64_t start_ps)
{
    flow_init(f, id, tmpl->src, tmpl->dst, tmpl->size_bytes, start_ps,
              tmpl->rate_bps, tmpl->tc, tmpl->transport);
    f->sport = tmpl->sport;
    f->dport = tmpl->dport;
    f->entry = tmpl->entry;
}

/* The next round of incast ARG of workload OBJ: copies of round 0's
 * flows, starting now, appended to the edge's flows (into the room
 * reserved for them). */
static void
round_start(struct sim *s, void *obj, uint64_t arg)
{
    struct net *net = net_of(s);
    struct edge *edge = edge_of(net);
    struct workload *wl = obj;
    struct incast *ic = &wl->incasts[arg];
    const struct incast_round *r0 = &ic->round[0];
    struct incast_round *r = &ic->round[++ic->current];
    r->started = true;
    r->start_ps = s->now_ps;
    r->first_flow = edge->n_flows;
    for (uint32_t k = 0; k < ic->senders; k++) {
        uint32_t id = edge->n_flows;
        sim_assert(id < wl->flow_cap);
        flow_repeat(&edge->flows[id], &edge->flows[r0->first_flow + k], id,
                    s->now_ps);
        wl->incast_of[id] = (uint32_t)arg + 1;
        edge->n_flows++;
        transport_launch_flow(net, id);
    }
}

void
workload_flow_done(struct workload *wl, struct net *net, struct flow *f)
{
    uint32_t k = wl->incast_of[f->id];
    if (k == WORKLOAD_NO_INCAST)
        return;
    k--;
    struct incast *ic = &wl->incasts[k];
    struct incast_round *r = &ic->round[ic->current];
    sim_assert(f->id - r->first_flow < ic->senders);
    if (++r->flows_done < ic->senders)
        return;
    r->completed = true;
    r->end_ps = net->sim.now_ps;
    /* A gap beyond the end of time (2^64 ps) is a next round never. */
    if (ic->current + 1 < ic->rounds && ic->gap_ps < TIME_NEVER - r->end_ps)
        sim_call(&net->sim, r->end_ps + ic->gap_ps, round_start, wl, k);
}

bool
workload_offered_load(const struct workload *wl, size_t i, double *load)
{
    const struct workload_entry *e = &wl->entries[i];
    if (!e->window_ps || !wl->host_capacity_bps)
        return false;
    *load = (double)e->bytes * 8.0 * (double)PS_PER_S /
            ((double)e->window_ps * (double)wl->host_capacity_bps);
    return true;
}

/* The source port slot of the host pair SRC, DST (pair_key, pair_sport). */
static uint32_t *
pair_sport(struct workload *wl, uint32_t src, uint32_t dst)
{
    if ((wl->n_pairs + 1) * 2 > wl->pair_cap) {
        uint32_t old = wl->pair_cap;
        uint64_t *keys = wl->pair_key;
        uint32_t *ports = wl->pair_sport;
        wl->pair_cap = old ? 2 * old : 64;
        wl->pair_key = xcalloc(wl->pair_cap, sizeof *wl->pair_key);
        wl->pair_sport = xcalloc(wl->pair_cap, sizeof *wl->pair_sport);
        wl->n_pairs = 0;
        for (uint32_t i = 0; i < old; i++)
            if (keys[i]) {
                uint64_t k = keys[i] - 1;
                *pair_sport(wl, (uint32_t)(k >> 32), (uint32_t)k) = ports[i];
            }
        free(keys);
        free(ports);
    }
    uint64_t key = ((uint64_t)src << 32 | dst) + 1;
    uint32_t i = (uint32_t)rng_mix64(key) & (wl->pair_cap - 1);
    while (wl->pair_key[i] && wl->pair_key[i] != key)
        i = (i + 1) & (wl->pair_cap - 1);
    if (!wl->pair_key[i]) {
        wl->pair_key[i] = key;
        wl->n_pairs++;
    }
    return &wl->pair_sport[i];
}

/* Makes FEED's pending flow, the next of its file, in the room reserved
 * for it, and launches it (it starts now or later at its start time). */
static void
feed_make(struct net *net, struct workload *wl, struct workload_feed *fd)
{
    struct edge *edge = edge_of(net);
    const struct flowfile_flow *ff = &fd->next;
    uint32_t id = edge->n_flows;
    sim_assert(id < wl->flow_cap);
    struct flow *f = &edge->flows[id];
    flow_init(f, id, ff->src, ff->dst, ff->size_bytes, ff->start_ps,
              ff->rate_bps, ff->tc, fd->tp);
    f->entry = (uint16_t)fd->entry;
    /* From 10000, per source; under switch.ecmp_hash ns3 per host pair,
     * as the HPCC simulator numbers them (its third.cc, wrapping as its
     * uint16_t does), so that its ECMP key is the flow's. */
    if (net->ns3_ip)
        f->sport = (uint16_t)(10000 + (*pair_sport(wl, ff->src, ff->dst))++);
    else
        f->sport = (uint16_t)(10000 + wl->feed_sport[ff->src]++ % 55536);
    f->dport = ff->dport ? ff->dport : APP_DPORT;
    edge->n_flows++;
    wl->entries[fd->entry].flows++;
    wl->entries[fd->entry].bytes += ff->size_bytes;
    transport_launch_flow(net, id);
}

static void feed_run(struct sim *, void *obj, uint64_t arg);

/* Reads FEED's next flow into fd->next: true, or false at the end of
 * the file (closed then) or at a bad line (the error kept in WL). */
static bool
feed_read(struct workload *wl, struct workload_feed *fd, char **err)
{
    int rc = flowfile_next(fd->ff, &fd->next, err);
    if (rc == 1)
        return true;
    flowfile_close(fd->ff);
    fd->ff = NULL;
    return false;
}

/* Makes every flow of feed ARG that starts now, then schedules the making
 * of the next one, as the simulator's ScheduleFlowInputs() does.  A bad
 * line stops the run with the error kept in the workload. */
static void
feed_run(struct sim *s, void *obj, uint64_t arg)
{
    struct workload *wl = obj;
    struct net *net = net_of(s);
    struct workload_feed *fd = &wl->feeds[arg];
    char *err = NULL;
    do {
        feed_make(net, wl, fd);
        if (!feed_read(wl, fd, &err)) {
            if (err && !wl->err) {
                wl->err = err;
                sim_stop(s);
            } else {
                free(err);
            }
            return;
        }
    } while (fd->next.start_ps <= s->now_ps);
    sim_call(s, fd->next.start_ps, feed_run, wl, arg);
}

int
workload_launch(struct workload *wl, struct net *net,
                const struct workload_config *cfg, char **err)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_traffic; i++)
        n += cfg->traffic[i].pattern == PATTERN_FILE;
    if (!n)
        return 0;
    wl->feeds = xcalloc(n, sizeof *wl->feeds);
    wl->feed_sport = xcalloc(cfg->graph->n_hosts ? cfg->graph->n_hosts : 1,
                             sizeof *wl->feed_sport);
    for (size_t i = 0; i < cfg->n_traffic; i++) {
        const struct traffic_spec *t = &cfg->traffic[i];
        if (t->pattern != PATTERN_FILE)
            continue;
        struct workload_feed *fd = &wl->feeds[wl->n_feeds++];
        fd->entry = i;
        fd->tp = transport_find(t->protocol);
        sim_assert(fd->tp != NULL);
        if (flowfile_open(t->file, (enum flowfile_format)t->file_format,
                          cfg->graph, &fd->ff, err))
            return 2;
        *err = NULL;
        if (!feed_read(wl, fd, err)) {
            if (*err)
                return 2;
            continue;
        }
        sim_call(&net->sim, fd->next.start_ps, feed_run, wl,
                 (uint64_t)(wl->n_feeds - 1));
    }
    return 0;
}

const char *
workload_error(const struct workload *wl)
{
    return wl ? wl->err : NULL;
}
