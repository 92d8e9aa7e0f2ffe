/* Workload results; see workload-report.h. */
#include "report/workload-report.h"

#include <stdlib.h>

#include "fabric/net.h"
#include "world/world.h"
#include "sim/stats.h"
#include "scenario/scenario.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "workload/workload.h"

/* Payload bytes delivered to the receiver in round R of IC (so far). */
static uint64_t
round_bytes(const struct world *world, const struct incast *ic,
            const struct incast_round *r)
{
    const struct edge *edge = &world->edge;
    uint64_t bytes = 0;
    for (uint32_t k = 0; r->started && k < ic->senders; k++)
        bytes += edge->flows[r->first_flow + k].bytes_delivered;
    return bytes;
}

/* Of a completed round: its bytes over its completion time. */
static double
round_goodput_bps(const struct world *world, const struct incast *ic,
                  const struct incast_round *r)
{
    return (double)round_bytes(world, ic, r) * 8.0 * (double)PS_PER_S /
           (double)(r->end_ps - r->start_ps);
}

/* Completion times and goodput of the completed rounds of IC. */
struct incast_summary {
    uint32_t started, completed;
    struct pctl completion_ps;
    double mean_completion_ps, mean_goodput_bps;
};

static void
incast_summarize(const struct world *world, const struct incast *ic,
                 struct incast_summary *s)
{
    double *t = xmalloc(ic->rounds * sizeof *t);
    double sum_t = 0, sum_g = 0;
    s->started = s->completed = 0;
    for (uint32_t i = 0; i < ic->rounds; i++) {
        const struct incast_round *r = &ic->round[i];
        s->started += r->started;
        if (!r->completed)
            continue;
        double c = (double)(r->end_ps - r->start_ps);
        t[s->completed++] = c;
        sum_t += c;
        sum_g += round_goodput_bps(world, ic, r);
    }
    stats_percentiles(t, s->completed, &s->completion_ps);
    s->mean_completion_ps = s->completed ? sum_t / s->completed : 0;
    s->mean_goodput_bps = s->completed ? sum_g / s->completed : 0;
    free(t);
}

static void
incast_json(FILE *f, const struct world *world)
{
    const struct workload *wl = world->wl;
    fprintf(f, ",\n  \"incast\": [");
    for (size_t i = 0; i < wl->n_incasts; i++) {
        const struct incast *ic = &wl->incasts[i];
        struct incast_summary s;
        incast_summarize(world, ic, &s);
        fprintf(f, "%s\n    {\"entry\": %zu, \"senders\": %u, \"rounds\": "
                   "%u, \"rounds_started\": %u, \"rounds_completed\": %u",
                i ? "," : "", ic->entry, ic->senders, ic->rounds, s.started,
                s.completed);
        if (s.completed)
            fprintf(f, ", \"completion_ps\": {\"mean\": %.0f, \"p50\": "
                       "%.0f, \"p99\": %.0f, \"max\": %.0f}, "
                       "\"goodput_bps\": {\"mean\": %.0f}}",
                    s.mean_completion_ps, s.completion_ps.p50,
                    s.completion_ps.p99, s.completion_ps.max,
                    s.mean_goodput_bps);
        else
            fprintf(f, ", \"completion_ps\": null, \"goodput_bps\": null}");
    }
    fprintf(f, "%s]", wl->n_incasts ? "\n  " : "");
}

static void
incast_print(FILE *f, const struct world *world)
{
    const struct workload *wl = world->wl;
    for (size_t i = 0; i < wl->n_incasts; i++) {
        const struct incast *ic = &wl->incasts[i];
        struct incast_summary s;
        incast_summarize(world, ic, &s);
        fprintf(f, "  incast traffic.%zu: %u of %u rounds completed",
                ic->entry, s.completed, ic->rounds);
        if (s.completed)
            fprintf(f, "; completion mean %.3f us, p99 %.3f us; goodput "
                       "mean %.3f Gb/s", s.mean_completion_ps / 1e6,
                    s.completion_ps.p99 / 1e6, s.mean_goodput_bps / 1e9);
        fprintf(f, "\n");
    }
}

void
workload_report_incast_csv(FILE *f, const struct world *world,
                           const struct run_info *ri)
{
    const struct workload *wl = world->wl;
    fprintf(f, "entry,round,start_ps,end_ps,completion_ps,bytes,goodput_bps,"
               "completed\n");
    for (size_t i = 0; i < wl->n_incasts; i++) {
        const struct incast *ic = &wl->incasts[i];
        for (uint32_t k = 0; k < ic->rounds; k++) {
            const struct incast_round *r = &ic->round[k];
            fprintf(f, "%zu,%u,", ic->entry, k);
            if (r->started)
                fprintf(f, "%llu", (unsigned long long)r->start_ps);
            if (r->completed)
                fprintf(f, ",%llu,%llu,%llu,%.0f,1\n",
                        (unsigned long long)r->end_ps,
                        (unsigned long long)(r->end_ps - r->start_ps),
                        (unsigned long long)round_bytes(world, ic, r),
                        round_goodput_bps(world, ic, r));
            else
                fprintf(f, ",,,%llu,,0\n",
                        (unsigned long long)round_bytes(world, ic, r));
        }
    }
}

void
workload_report_json(FILE *f, const struct world *world)
{
    const struct workload *wl = world->wl;
    fprintf(f, ",\n  \"traffic\": [");
    for (size_t i = 0; i < wl->n_entries; i++) {
        const struct workload_entry *e = &wl->entries[i];
        const struct traffic_spec *t = &world->scn->traffic[i];
        double load;
        fprintf(f, "%s\n    {\"entry\": %zu, \"flows\": %llu, \"bytes\": "
                   "%llu, \"window_ps\": %llu", i ? "," : "", i,
                (unsigned long long)e->flows, (unsigned long long)e->bytes,
                (unsigned long long)e->window_ps);
        if (t->load)
            fprintf(f, ", \"target_load\": %.6f", t->load);
        else
            fprintf(f, ", \"target_load\": null");
        if (workload_offered_load(wl, i, &load))
            fprintf(f, ", \"offered_load\": %.6f}", load);
        else
            fprintf(f, ", \"offered_load\": null}");
    }
    fprintf(f, "%s]", wl->n_entries ? "\n  " : "");
    incast_json(f, world);
}

void
workload_report_print(FILE *f, const struct world *world)
{
    const struct workload *wl = world->wl;
    for (size_t i = 0; i < wl->n_entries; i++) {
        const struct traffic_spec *t = &world->scn->traffic[i];
        double load;
        if (!workload_offered_load(wl, i, &load))
            continue;
        fprintf(f, "  traffic.%zu: %llu flows, offered load %.4f of the "
                   "hosts' link capacity", i,
                (unsigned long long)wl->entries[i].flows, load);
        if (t->load)
            fprintf(f, " (target %.4f)", t->load);
        fprintf(f, "\n");
    }
    incast_print(f, world);
}
