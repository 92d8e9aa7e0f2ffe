/* FCT slowdown by flow size; see fct.h. */
#include "report/fct.h"

#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"
#include "sim/util.h"
#include "transport/transport.h"
#include "transport/flow.h"

/* Upper edges, inclusive, of every bucket but the last. */
static const uint64_t bucket_upto[FCT_N_BUCKETS - 1] = {
    UINT64_C(10000), UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000),
};

static const char *const bucket_names[FCT_N_BUCKETS] = {
    "<=10KB", "10KB-100KB", "100KB-1MB", "1MB-10MB", ">10MB",
};

int
fct_bucket_of(uint64_t size_bytes)
{
    int b = 0;
    while (b < FCT_N_BUCKETS - 1 && size_bytes > bucket_upto[b])
        b++;
    return b;
}

uint64_t
fct_bucket_above(int b)
{
    return b ? bucket_upto[b - 1] : 0;
}

uint64_t
fct_bucket_upto(int b)
{
    return b < FCT_N_BUCKETS - 1 ? bucket_upto[b] : UINT64_MAX;
}

const char *
fct_bucket_name(int b)
{
    return bucket_names[b];
}

double
fct_slowdown(const struct flow *f)
{
    return (double)(f->end_ps - f->start_ps) / (double)f->ideal_fct_ps;
}

bool
fct_sender_done(const struct flow *f)
{
    return f->acked_ps != 0;
}

uint64_t
fct_sender_ps(const struct flow *f)
{
    return f->acked_ps - f->start_ps;
}

uint64_t
fct_standalone_ps(const struct flow *f)
{
    return f->ideal_fct_ps + f->ideal_ack_ps;
}

double
fct_sender_slowdown(const struct flow *f)
{
    return (double)fct_sender_ps(f) / (double)fct_standalone_ps(f);
}

/* Mean and the three percentiles of the N slowdowns in V (sorted here)
 * into OUT[0..3]. */
static void
bucket_stats(double out[4], double *v, size_t n)
{
    if (!n)
        return;
    stats_sort(v, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    out[0] = sum / (double)n;
    out[1] = stats_rank(v, n, 0.50);
    out[2] = stats_rank(v, n, 0.95);
    out[3] = stats_rank(v, n, 0.99);
}

/* Whether F belongs to group G. */
static bool
in_group(const struct fct_group *g, const struct flow *f)
{
    return !g->transport || (f->transport == g->transport && f->cc == g->cc);
}

/* One group's statistics of SLOWDOWN over the flows for which DONE holds
 * from the N FLOWS, whose numbers per bucket are COUNT[]: the slowdowns go
 * into SCRATCH bucket by bucket (a counting sort on the bucket), so that
 * each bucket is one contiguous run to sort, and each bucket's mean and
 * percentiles into OUT[k][0..3]. */
static void
group_stats(const struct fct_group *g, const struct flow *flows, uint32_t n,
            bool (*done)(const struct flow *),
            double (*slowdown)(const struct flow *),
            const uint64_t count[FCT_N_BUCKETS], double out[][4],
            double *scratch)
{
    size_t start[FCT_N_BUCKETS], fill[FCT_N_BUCKETS] = { 0 };
    size_t off = 0;
    for (int k = 0; k < FCT_N_BUCKETS; k++) {
        start[k] = off;
        off += count[k];
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct flow *f = &flows[i];
        if (!in_group(g, f) || !done(f))
            continue;
        int k = fct_bucket_of(f->size_bytes);
        scratch[start[k] + fill[k]++] = slowdown(f);
    }
    for (int k = 0; k < FCT_N_BUCKETS; k++)
        bucket_stats(out[k], scratch + start[k], count[k]);
}

static bool
flow_done(const struct flow *f)
{
    return f->completed;
}

/* One group from the N FLOWS. */
static void
group_compute(struct fct_group *g, const struct flow *flows, uint32_t n,
              double *scratch)
{
    uint64_t done[FCT_N_BUCKETS] = { 0 }, sender[FCT_N_BUCKETS] = { 0 };
    double st[FCT_N_BUCKETS][4] = { { 0 } }, ss[FCT_N_BUCKETS][4] = { { 0 } };
    for (uint32_t i = 0; i < n; i++) {
        const struct flow *f = &flows[i];
        if (!in_group(g, f))
            continue;
        int k = fct_bucket_of(f->size_bytes);
        g->b[k].flows++;
        done[k] += f->completed;
        sender[k] += fct_sender_done(f);
    }
    group_stats(g, flows, n, flow_done, fct_slowdown, done, st, scratch);
    group_stats(g, flows, n, fct_sender_done, fct_sender_slowdown, sender, ss,
                scratch);
    for (int k = 0; k < FCT_N_BUCKETS; k++) {
        struct fct_bucket *b = &g->b[k];
        b->completed = done[k];
        b->mean = st[k][0], b->p50 = st[k][1];
        b->p95 = st[k][2], b->p99 = st[k][3];
        b->sender_completed = sender[k];
        b->sender_mean = ss[k][0], b->sender_p50 = ss[k][1];
        b->sender_p95 = ss[k][2], b->sender_p99 = ss[k][3];
    }
}

/* Adds a group for F's transport and congestion control unless it has
 * one already. */
static void
add_group(struct fct_by_size *out, const struct flow *f)
{
    for (size_t i = 1; i < out->n_groups; i++)
        if (out->groups[i].transport == f->transport &&
            out->groups[i].cc == f->cc)
            return;
    sim_assert(out->n_groups < FCT_MAX_GROUPS);
    struct fct_group *g = &out->groups[out->n_groups++];
    g->transport = f->transport;
    g->cc = f->cc;
    snprintf(g->protocol, sizeof g->protocol, "%s%s%s", f->transport->name,
             f->cc ? "/" : "", f->cc ? f->cc : "");
}

void
fct_by_size_compute(const struct flow *flows, uint32_t n,
                    struct fct_by_size *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->groups[0].protocol, sizeof out->groups[0].protocol, "all");
    out->n_groups = 1;
    for (uint32_t i = 0; i < n; i++)
        add_group(out, &flows[i]);

    double *scratch = xmalloc((n + 1) * sizeof *scratch);
    for (size_t g = 0; g < out->n_groups; g++)
        group_compute(&out->groups[g], flows, n, scratch);
    free(scratch);
}

void
fct_by_size_write_csv(FILE *f, const struct fct_by_size *s)
{
    fprintf(f, "protocol,bucket,above_bytes,upto_bytes,flows,completed,"
               "mean,p50,p95,p99,sender_completed,sender_mean,sender_p50,"
               "sender_p95,sender_p99\n");
    for (size_t g = 0; g < s->n_groups; g++) {
        for (int k = 0; k < FCT_N_BUCKETS; k++) {
            const struct fct_bucket *b = &s->groups[g].b[k];
            fprintf(f, "%s,%s,%llu,", s->groups[g].protocol,
                    fct_bucket_name(k),
                    (unsigned long long)fct_bucket_above(k));
            if (k < FCT_N_BUCKETS - 1)
                fprintf(f, "%llu", (unsigned long long)fct_bucket_upto(k));
            fprintf(f, ",%llu,%llu,", (unsigned long long)b->flows,
                    (unsigned long long)b->completed);
            if (b->completed)
                fprintf(f, "%.6f,%.6f,%.6f,%.6f,", b->mean, b->p50, b->p95,
                        b->p99);
            else
                fprintf(f, ",,,,");
            fprintf(f, "%llu,", (unsigned long long)b->sender_completed);
            if (b->sender_completed)
                fprintf(f, "%.6f,%.6f,%.6f,%.6f\n", b->sender_mean,
                        b->sender_p50, b->sender_p95, b->sender_p99);
            else
                fprintf(f, ",,,\n");
        }
    }
}

/* A bucket's object; SENDER: of its statistics over the flows the sender
 * saw complete ("completed" counts those). */
static void
json_bucket(FILE *f, const struct fct_bucket *b, bool sender)
{
    uint64_t done = sender ? b->sender_completed : b->completed;
    fprintf(f, "{\"flows\": %llu, \"completed\": %llu",
            (unsigned long long)b->flows, (unsigned long long)done);
    if (done && sender)
        fprintf(f, ", \"mean\": %.6f, \"p50\": %.6f, \"p95\": %.6f, "
                   "\"p99\": %.6f}", b->sender_mean, b->sender_p50,
                b->sender_p95, b->sender_p99);
    else if (done)
        fprintf(f, ", \"mean\": %.6f, \"p50\": %.6f, \"p95\": %.6f, "
                   "\"p99\": %.6f}", b->mean, b->p50, b->p95, b->p99);
    else
        fprintf(f, ", \"mean\": null, \"p50\": null, \"p95\": null, "
                   "\"p99\": null}");
}

void
fct_by_size_write_json(FILE *f, const struct fct_by_size *s, int indent,
                       bool sender)
{
    fprintf(f, "{");
    for (size_t g = 0; g < s->n_groups; g++) {
        /* Names are transport names and fixed bucket labels: nothing
         * to escape. */
        fprintf(f, "%s\n%*s\"%s\": {", g ? "," : "", indent + 2, "",
                s->groups[g].protocol);
        for (int k = 0; k < FCT_N_BUCKETS; k++) {
            fprintf(f, "%s\n%*s\"%s\": ", k ? "," : "", indent + 4, "",
                    fct_bucket_name(k));
            json_bucket(f, &s->groups[g].b[k], sender);
        }
        fprintf(f, "\n%*s}", indent + 2, "");
    }
    fprintf(f, "\n%*s}", indent, "");
}
