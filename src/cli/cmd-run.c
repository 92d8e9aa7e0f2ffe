/* `dcsim run FILE`: load, build, simulate, write results.
 *
 * Everything that can be wrong with the input is found before the first
 * event runs, so bad input never leaves a results directory behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "fabric/ib.h"
#include "fabric/pfc.h"
#include "report/monitor.h"
#include "report/breakdown.h"
#include "report/results.h"
#include "scenario/scenario.h"
#include "world/world.h"

static double
wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct progress {
    double t0, last;
    uint64_t last_events;
    int shown;
};

/* The live line on stderr: simulated time done (of the total when the
 * scenario has a stop time), events/s, and an ETA from the fraction of
 * the stop time or, without one, of the flows' bytes delivered or lost. */
static void
show_progress(struct sim *s, void *aux)
{
    struct progress *pr = aux;
    const struct edge *edge = edge_of(net_of(s));
    double now = wall_now();
    if (now - pr->last < 0.25)
        return;
    double rate = (double)(s->events - pr->last_events) / (now - pr->last);
    double frac = 0;
    if (edge->scn->stop_ps)
        frac = (double)s->now_ps / (double)edge->scn->stop_ps;
    else if (edge->total_flow_bytes)
        frac = (double)(edge->st.bytes_delivered + edge->net.st.bytes_lost) /
               (double)edge->total_flow_bytes;
    fprintf(stderr, "\r  sim %.3f us", (double)s->now_ps / 1e6);
    if (edge->scn->stop_ps)
        fprintf(stderr, " / %.3f us", (double)edge->scn->stop_ps / 1e6);
    fprintf(stderr, "  %.2f M events/s", rate / 1e6);
    if (frac > 0.001)
        fprintf(stderr, "  %3.0f%%  ETA %.0f s   ", frac * 100,
                (now - pr->t0) * (1 - frac) / frac);
    pr->last = now;
    pr->last_events = s->events;
    pr->shown = 1;
}

static double
user_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
}

static uint64_t
peak_rss_bytes(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (uint64_t)ru.ru_maxrss * 1024; /* Linux reports KiB. */
}

int
cmd_run(int argc, char **argv)
{
    double t_start = wall_now();
    struct scenario_args a;
    struct scenario scn;
    if (cli_parse_args("run", argc, argv, 1, &a))
        return 2;
    if (a.out_dir) {
        struct stat st;
        if (!*a.out_dir ||
            (stat(a.out_dir, &st) == 0 && !S_ISDIR(st.st_mode))) {
            fprintf(stderr, "dcsim run: -o %s: not a directory\n", a.out_dir);
            cli_args_free(&a);
            return 2;
        }
    }
    struct world *world;
    if (cli_build(&a, &scn, &world)) {
        cli_args_free(&a);
        return 2;
    }
    char *err = NULL;
    char *dir = a.out_dir ? xstrdup(a.out_dir)
                          : xasprintf("results/%s", scn.name);

    struct net *net = world_net(world);
    const struct edge *edge = &world->edge;
    for (size_t i = 0; i < net->n_warnings; i++)
        fprintf(stderr, "dcsim: warning: %s\n", net->warnings[i]);
    struct monitor *mon = monitor_create(world);
    struct breakdown *bd = breakdown_attach(world);
    struct progress pr = { 0 };
    pr.t0 = pr.last = wall_now();
    int live = !a.quiet && isatty(STDERR_FILENO);
    double cpu0 = user_cpu_seconds();
    sim_run(&net->sim, live ? show_progress : NULL, &pr);
    struct run_info ri = { 0 };
    ri.wall_seconds = wall_now() - pr.t0;
    ri.cpu_seconds = user_cpu_seconds() - cpu0;
    ri.setup_seconds = pr.t0 - t_start;
    if (pr.shown)
        fprintf(stderr, "\n");
    /* Cut by the stop time (events remain) or ran dry. */
    ri.sim_time_ps = sim_pending(&net->sim) ? scn.stop_ps : net->sim.now_ps;
    ri.peak_rss_bytes = peak_rss_bytes();
    if (net->pfc)
        pfc_finish(net, ri.sim_time_ps);
    if (net->ib)
        ib_finish(net, ri.sim_time_ps);
    results_summarize(world, &ri);
    if (mon)
        monitor_finish(mon, ri.sim_time_ps);
    ri.monitor = mon;
    ri.breakdown = bd;

    /* Conservation: every packet sent was delivered, dropped (with a
     * reason) or is still in the network. */
    uint64_t drops = 0;
    for (int r = 0; r < DROP_N_REASONS; r++)
        drops += net->st.drops[r];
    sim_assert(edge->st.pkts_sent + net->st.ctrl_in_use ==
               edge->st.pkts_delivered + drops + net->pool.in_use);

    int rc = 0;
    if (results_write(world, &ri, dir, &err)) {
        fprintf(stderr, "dcsim run: %s\n", err);
        free(err);
        rc = 1;
    } else if (!a.quiet) {
        results_print_summary(world, &ri, dir, stdout);
    }
    free(dir);
    monitor_destroy(mon);
    breakdown_destroy(bd);
    world_destroy(world);
    scenario_free(&scn);
    cli_args_free(&a);
    return rc;
}
