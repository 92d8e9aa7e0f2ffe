/* Virtual block device results; see blk-report.h. */
#include "report/blk-report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "world/world.h"
#include "host/host.h"
#include "host/server.h"
#include "report/results.h"
#include "sim/stats.h"

/* Calls FN for every VM with a drive. */
#define FOR_EACH_DRIVE(edge, h, i, d)                                        \
    for (uint32_t h = 0; (edge)->servers && h < (edge)->net.n_hosts; h++)    \
        for (uint32_t i = 0; i < (edge)->servers[h].n_vms; i++)              \
            for (const struct vblk *d = (edge)->servers[h].vms[i].blk; d;    \
                 d = NULL)

bool
blk_report_wanted(const struct world *world)
{
    FOR_EACH_DRIVE(&world->edge, h, i, d)
        return true;
    return false;
}

/* Percentiles of N latencies (ps) in us; sorts a copy. */
static void
lat_pctl(const double *lat_ps, size_t n, struct pctl *out)
{
    double *v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t k = 0; k < n; k++)
        v[k] = lat_ps[k] / 1e6;
    stats_percentiles(v, n, out);
    free(v);
}

static double
seconds(const struct vblk *d)
{
    return d->completed ? (double)(d->last_ps - d->first_ps) / 1e12 : 0;
}

void
blk_report_csv(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct edge *edge = &world->edge;
    (void)ri;
    fprintf(f, "host,vm,op,size_bytes,iodepth,engine,requests,completed,"
               "bytes,seconds,iops,mb_per_s,lat_mean_us,lat_p50_us,"
               "lat_p99_us,lat_max_us,kicks,kicks_suppressed,irqs,"
               "throttles,throttled_fraction\n");
    FOR_EACH_DRIVE(&world->edge, h, i, d) {
        const struct blk_spec *b = &edge->servers[h].spec->vm.blk;
        struct pctl p;
        lat_pctl(d->lat_ps, d->completed, &p);
        double sum = 0, s = seconds(d);
        for (uint64_t k = 0; k < d->completed; k++)
            sum += d->lat_ps[k] / 1e6;
        fprintf(f, "%s,%u,%s,%" PRIu64 ",%u,%s,%" PRIu64 ",%" PRIu64
                   ",%" PRIu64 ",%.9f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%" PRIu64
                   ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f\n",
                edge->hosts[h].up.name, i, b->write ? "write" : "read",
                b->size, b->iodepth, b->async ? "async" : "sync",
                b->requests, d->completed, d->bytes, s,
                s > 0 ? (double)d->completed / s : 0,
                s > 0 ? (double)d->bytes / s / 1e6 : 0,
                d->completed ? sum / (double)d->completed : 0, p.p50, p.p99,
                p.max, d->kicks, d->kicks_suppressed, d->irqs, d->throttles,
                s > 0 ? (double)d->throttled_ps / 1e12 / s : 0);
    }
}

struct blk_totals {
    size_t drives;
    uint64_t requests, completed, bytes, throttled_ps, span_ps;
    double iops, mbps;
    struct pctl lat_us;
};

static void
totals(const struct world *world, struct blk_totals *t)
{
    const struct edge *edge = &world->edge;
    memset(t, 0, sizeof *t);
    size_t n = 0;
    FOR_EACH_DRIVE(&world->edge, h, i, d)
        n += d->completed;
    double *all = xcalloc(n ? n : 1, sizeof *all);
    n = 0;
    FOR_EACH_DRIVE(&world->edge, h, i, d) {
        double s = seconds(d);
        t->drives++;
        t->requests += edge->servers[h].spec->vm.blk.requests;
        t->completed += d->completed;
        t->bytes += d->bytes;
        t->throttled_ps += d->throttled_ps;
        t->span_ps += d->completed ? d->last_ps - d->first_ps : 0;
        t->iops += s > 0 ? (double)d->completed / s : 0;
        t->mbps += s > 0 ? (double)d->bytes / s / 1e6 : 0;
        for (uint64_t k = 0; k < d->completed; k++)
            all[n++] = d->lat_ps[k] / 1e6;
    }
    stats_percentiles(all, n, &t->lat_us);
    free(all);
}

void
blk_report_json(FILE *f, const struct world *world, const struct run_info *ri)
{
    (void)ri;
    struct blk_totals t;
    totals(world, &t);
    fprintf(f, ",\n  \"block\": {\"drives\": %zu, \"requests\": %" PRIu64
               ", \"completed\": %" PRIu64 ", \"bytes\": %" PRIu64
               ", \"iops\": %.3f, \"mb_per_s\": %.3f, "
               "\"throttled_fraction\": %.6f, \"latency_us\": ",
            t.drives, t.requests, t.completed, t.bytes, t.iops, t.mbps,
            t.span_ps ? (double)t.throttled_ps / (double)t.span_ps : 0);
    if (!t.lat_us.n)
        fprintf(f, "null}");
    else
        fprintf(f, "{\"p50\": %.3f, \"p99\": %.3f, \"max\": %.3f}}",
                t.lat_us.p50, t.lat_us.p99, t.lat_us.max);
}

void
blk_report_print(FILE *f, const struct world *world, const struct run_info *ri)
{
    (void)ri;
    struct blk_totals t;
    totals(world, &t);
    fprintf(f, "  block: %zu drives, %" PRIu64 " of %" PRIu64
               " requests completed, %.0f IOPS, %.1f MB/s",
            t.drives, t.completed, t.requests, t.iops, t.mbps);
    if (t.lat_us.n)
        fprintf(f, "; latency p50 %.1f us, p99 %.1f us", t.lat_us.p50,
                t.lat_us.p99);
    if (t.throttled_ps)
        fprintf(f, "; rate-limited %.1f%% of the time",
                100.0 * (double)t.throttled_ps / (double)t.span_ps);
    fprintf(f, "\n");
}
