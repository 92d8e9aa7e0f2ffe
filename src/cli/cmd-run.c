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
#include "fabric/fc.h"
#include "fabric/net.h"
#include "report/monitor.h"
#include "report/results.h"

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
    struct net *net = net_of(s);
    double now = wall_now();
    if (now - pr->last < 0.25)
        return;
    double rate = (double)(s->events - pr->last_events) / (now - pr->last);
    double frac = 0;
    if (net->scn->stop_ps)
        frac = (double)s->now_ps / (double)net->scn->stop_ps;
    else if (net->total_flow_bytes)
        frac = (double)(net->st.bytes_delivered + net->st.bytes_lost) /
               (double)net->total_flow_bytes;
    fprintf(stderr, "\r  sim %.3f us", (double)s->now_ps / 1e6);
    if (net->scn->stop_ps)
        fprintf(stderr, " / %.3f us", (double)net->scn->stop_ps / 1e6);
    fprintf(stderr, "  %.2f M events/s", rate / 1e6);
    if (frac > 0.001)
        fprintf(stderr, "  %3.0f%%  ETA %.0f s   ", frac * 100,
                (now - pr->t0) * (1 - frac) / frac);
    pr->last = now;
    pr->last_events = s->events;
    pr->shown = 1;
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
    struct net *net;
    if (cli_build(&a, &scn, &net)) {
        cli_args_free(&a);
        return 2;
    }
    char *err = NULL;
    char *dir = a.out_dir ? xstrdup(a.out_dir)
                          : xasprintf("results/%s", scn.name);

    for (size_t i = 0; i < net->n_warnings; i++)
        fprintf(stderr, "dcsim: warning: %s\n", net->warnings[i]);
    struct monitor *mon = monitor_create(net);
    struct progress pr = { 0 };
    pr.t0 = pr.last = wall_now();
    int live = !a.quiet && isatty(STDERR_FILENO);
    sim_run(&net->sim, live ? show_progress : NULL, &pr);
    struct run_info ri = { 0 };
    ri.wall_seconds = wall_now() - pr.t0;
    if (pr.shown)
        fprintf(stderr, "\n");
    /* Cut by the stop time (events remain) or ran dry. */
    ri.sim_time_ps = sim_pending(&net->sim) ? scn.stop_ps : net->sim.now_ps;
    ri.peak_rss_bytes = peak_rss_bytes();
    fc_finish(net, ri.sim_time_ps);
    results_summarize(net, &ri);
    if (mon)
        monitor_finish(mon, ri.sim_time_ps);
    ri.monitor = mon;

    /* Conservation: every packet sent was delivered, dropped (with a
     * reason) or is still in the network. */
    uint64_t drops = 0;
    for (int r = 0; r < DROP_N_REASONS; r++)
        drops += net->st.drops[r];
    sim_assert(net->st.pkts_sent + net->st.ctrl_in_use ==
               net->st.pkts_delivered + drops + net->pool.in_use);

    int rc = 0;
    if (results_write(net, &ri, dir, &err)) {
        fprintf(stderr, "dcsim run: %s\n", err);
        free(err);
        rc = 1;
    } else if (!a.quiet) {
        results_print_summary(net, &ri, dir, stdout);
    }
    free(dir);
    monitor_destroy(mon);
    net_destroy(net);
    scenario_free(&scn);
    cli_args_free(&a);
    return rc;
}
