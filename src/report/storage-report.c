/* Storage results; see storage-report.h. */
#include "report/storage-report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/host.h"
#include "report/results.h"
#include "sim/stats.h"
#include "storage/storage.h"
#include "world/world.h"

bool
storage_report_wanted(const struct world *world)
{
    return world->storage != NULL;
}

/* One job's figures, or the run's (JOB SIZE_MAX). */
struct sto_fig {
    uint64_t ios, bytes;
    double seconds, iops, mbps, mean_us;
    struct pctl lat_us;
};

static void
figures(const struct storage *st, size_t job, struct sto_fig *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 0;
    uint64_t first = UINT64_MAX, last = 0;
    for (size_t i = 0; i < storage_n_jobs(st); i++)
        if (job == SIZE_MAX || job == i)
            n += storage_job_stats(st, i)->completed;
    double *v = xcalloc(n ? n : 1, sizeof *v);
    double sum = 0;
    n = 0;
    for (size_t i = 0; i < storage_n_jobs(st); i++) {
        if (job != SIZE_MAX && job != i)
            continue;
        const struct storage_job_stats *s = storage_job_stats(st, i);
        for (uint64_t k = 0; k < s->completed; k++) {
            v[n++] = s->lat_ps[k] / 1e6;
            sum += s->lat_ps[k] / 1e6;
        }
        out->bytes += s->bytes;
        if (s->completed) {
            first = MIN(first, s->first_ps);
            last = MAX(last, s->last_ps);
        }
    }
    out->ios = n;
    out->seconds = n ? (double)(last - first) / 1e12 : 0;
    out->iops = out->seconds > 0 ? (double)n / out->seconds : 0;
    out->mbps = out->seconds > 0 ? (double)out->bytes / out->seconds / 1e6 : 0;
    out->mean_us = n ? sum / (double)n : 0;
    stats_percentiles(v, n, &out->lat_us);
    free(v);
}

/* CPU microseconds per I/O of host H's server in its role. */
static double
cpu_us_per_io(const struct world *world, uint32_t h, bool target)
{
    const struct storage *st = world->storage;
    uint64_t ios = storage_host_ios(st, h, target);
    return ios ? (double)storage_cpu_ps(st, world_net_const(world), h, target)
                     / 1e6 / (double)ios
               : 0;
}

/* The GETs and PUTs the object jobs issued; false if no job is one. */
static bool
object_ops(const struct storage *st, uint64_t *gets, uint64_t *puts)
{
    bool any = false;
    *gets = *puts = 0;
    for (size_t i = 0; i < storage_n_jobs(st); i++) {
        if (!storage_proto_object(storage_job(st, i)->proto))
            continue;
        const struct storage_job_stats *s = storage_job_stats(st, i);
        *gets += s->reads;
        *puts += s->writes;
        any = true;
    }
    return any;
}

void
storage_report_csv(FILE *f, const struct world *world,
                   const struct run_info *ri)
{
    (void)ri;
    const struct storage *st = world->storage;
    const struct edge *edge = &world->edge;
    fprintf(f, "job,initiator,target,protocol,rw,bs_bytes,iodepth,numjobs,"
               "ios,reads,writes,bytes,seconds,iops,mb_per_s,lat_mean_us,"
               "lat_p50_us,lat_p99_us,lat_p999_us,lat_max_us,"
               "initiator_cpu_us_per_io,target_cpu_us_per_io,submit_us,"
               "fabric_us,target_us,device_us,replicas_us,complete_us\n");
    for (size_t i = 0; i < storage_n_jobs(st); i++) {
        const struct storage_job_spec *j = storage_job(st, i);
        const struct storage_job_stats *s = storage_job_stats(st, i);
        struct sto_fig g;
        figures(st, i, &g);
        bool local = j->proto == STORAGE_LOCAL;
        fprintf(f, "%zu,%s,%s,%s,%s,%" PRIu64 ",%u,%u,%" PRIu64 ",%" PRIu64
                   ",%" PRIu64 ",%" PRIu64 ",%.9f,%.3f,%.3f,%.3f,%.3f,%.3f,"
                   "%.3f,%.3f,%.3f,%.3f,",
                i, edge->hosts[j->initiator].up.name,
                j->n_pool ? "pool" : edge->hosts[j->target].up.name,
                storage_proto_names[j->proto],
                storage_job_ops(j), j->bs, j->iodepth, j->numjobs, g.ios,
                s->reads, s->writes, g.bytes, g.seconds, g.iops, g.mbps,
                g.mean_us, g.lat_us.p50, g.lat_us.p99, g.lat_us.p999,
                g.lat_us.max, cpu_us_per_io(world, j->initiator, false),
                local ? 0 : cpu_us_per_io(world, j->target, true));
        /* The mean latency's breakdown, by stage (storage.h). */
        for (int k = 0; k < STORAGE_N_STAGES; k++)
            fprintf(f, "%s%.3f", k ? "," : "",
                    s->completed ? (double)s->stage_ps[k] / 1e6 /
                                       (double)s->completed
                                 : 0.0);
        fputc('\n', f);
    }
}

void
storage_report_json(FILE *f, const struct world *world,
                    const struct run_info *ri)
{
    (void)ri;
    const struct storage *st = world->storage;
    struct sto_fig g;
    figures(st, SIZE_MAX, &g);
    uint64_t gets, puts;
    fprintf(f, ",\n  \"storage\": {\"jobs\": %zu", storage_n_jobs(st));
    if (object_ops(st, &gets, &puts))
        fprintf(f, ", \"gets\": %" PRIu64 ", \"puts\": %" PRIu64, gets,
                puts);
    fprintf(f, ", \"ios\": %" PRIu64
               ", \"bytes\": %" PRIu64 ", \"iops\": %.3f, \"mb_per_s\": "
               "%.3f, \"messages\": %" PRIu64 ", \"message_bytes\": %" PRIu64
               ", \"latency_us\": ",
            g.ios, g.bytes, g.iops, g.mbps,
            storage_messages(st), storage_message_bytes(st));
    if (!g.lat_us.n)
        fprintf(f, "null}");
    else
        fprintf(f, "{\"mean\": %.3f, \"p50\": %.3f, \"p99\": %.3f, "
                   "\"p999\": %.3f, \"max\": %.3f}}",
                g.mean_us, g.lat_us.p50, g.lat_us.p99, g.lat_us.p999,
                g.lat_us.max);
}

void
storage_report_print(FILE *f, const struct world *world,
                     const struct run_info *ri)
{
    (void)ri;
    struct sto_fig g;
    figures(world->storage, SIZE_MAX, &g);
    uint64_t gets, puts;
    fprintf(f, "  storage: %zu jobs, %" PRIu64 " I/Os",
            storage_n_jobs(world->storage), g.ios);
    if (object_ops(world->storage, &gets, &puts))
        fprintf(f, " (objects: %" PRIu64 " GETs, %" PRIu64 " PUTs issued)",
                gets, puts);
    fprintf(f, ", %.0f IOPS, %.1f MB/s", g.iops, g.mbps);
    if (g.lat_us.n)
        fprintf(f, "; latency p50 %.1f us, p99 %.1f us", g.lat_us.p50,
                g.lat_us.p99);
    fprintf(f, "\n");
}
