/* `dcsim run FILE`: load, build, check the results directory, simulate,
 * write results.
 *
 * Everything that can be wrong with the input or the results directory is
 * found before the first event runs, so bad input never leaves a results
 * directory behind and a run never simulates for nothing.  SIGINT, SIGTERM
 * and SIGHUP stop the simulation at the next event boundary and write the
 * results reached so far, marked incomplete; a second one quits at once. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "control/control.h"
#include "fabric/fc.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "report/monitor.h"
#include "report/breakdown.h"
#include "report/capture.h"
#include "report/results.h"
#include "report/report-page.h"
#include "report/results-dir.h"
#include "scenario/scenario.h"
#include "workload/workload.h"
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
    int lines;                /* Not a terminal: a line every second
                               * instead of one line redrawn. */
};

/* Simulated time T_PS in the unit that suits SCALE_PS (the run's length,
 * or T_PS itself without one): "850.000 us", "12.345 ms", "1.500 s". */
static void
print_sim_time(uint64_t t_ps, uint64_t scale_ps)
{
    if (scale_ps < 10 * PS_PER_MS)
        fprintf(stderr, "%.3f us", (double)t_ps / 1e6);
    else if (scale_ps < 10 * PS_PER_S)
        fprintf(stderr, "%.3f ms", (double)t_ps / 1e9);
    else
        fprintf(stderr, "%.3f s", (double)t_ps / 1e12);
}

/* The progress line on stderr: simulated time done (of the total when
 * the scenario has a stop time), events/s, wall time so far and an ETA
 * from the fraction of the stop time or, without one, of the flows'
 * bytes delivered or lost.  On a terminal one line redrawn four times a
 * second; otherwise (--progress) a line a second, and one at the end
 * saying END ("done", "stopped") instead of the ETA. */
static void
print_progress(struct sim *s, struct progress *pr, double now,
               const char *end)
{
    const struct world *world = world_of(net_of(s));
    const struct edge *edge = &world->edge;
    uint64_t stop_ps = world->scn->stop_ps;
    double rate = now > pr->last ? (double)(s->events - pr->last_events) /
                                       (now - pr->last)
                                 : 0;
    double frac = 0;
    if (stop_ps)
        frac = (double)s->now_ps / (double)stop_ps;
    else if (edge->total_flow_bytes)
        frac = (double)(edge->st.bytes_delivered + edge->net.st.bytes_lost) /
               (double)edge->total_flow_bytes;
    uint64_t scale_ps = stop_ps ? stop_ps : s->now_ps;
    fprintf(stderr, "%s  sim ", pr->lines ? "" : "\r");
    print_sim_time(s->now_ps, scale_ps);
    if (stop_ps) {
        fprintf(stderr, " / ");
        print_sim_time(stop_ps, scale_ps);
    }
    fprintf(stderr, "  %.2f M events/s  %.0f s wall", rate / 1e6,
            now - pr->t0);
    if (end)
        fprintf(stderr, "  %s", end);
    else if (frac > 0.001)
        fprintf(stderr, "  %3.0f%%  ETA %.0f s", frac * 100,
                (now - pr->t0) * (1 - frac) / frac);
    /* On a terminal, room for a longer line before it. */
    fputs(pr->lines ? "\n" : "   ", stderr);
    pr->last = now;
    pr->last_events = s->events;
    pr->shown = !pr->lines;
}

static void
show_progress(struct sim *s, void *aux)
{
    struct progress *pr = aux;
    double now = wall_now();
    if (now - pr->last >= (pr->lines ? 1.0 : 0.25))
        print_progress(s, pr, now, NULL);
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

/* What the signal handlers reach.  A handler gets nothing but the signal
 * number, so these are the program's only globals: set before the
 * handlers are installed, cleared after they are removed. */
static struct sim *run_sim;
static struct results_dir *run_dir;
static volatile sig_atomic_t run_signal;  /* The first stop signal. */

/* SIGINT, SIGTERM and SIGHUP end the run at the next event boundary with
 * the results reached so far (exit status 128 + the signal); their exit
 * statuses and names. */
static const struct {
    int sig;
    const char *name;
} stop_signals[] = {
    { SIGINT, "SIGINT" },
    { SIGTERM, "SIGTERM" },
    { SIGHUP, "SIGHUP" },
};

/* Signals that end the process (an internal error's abort(), a fault):
 * the staging directory is removed and the earlier disposition (the
 * default, or a sanitizer's report) takes over. */
static const int fatal_signals[] = { SIGABRT, SIGFPE, SIGSEGV, SIGBUS };

#define N_HANDLED (ARRAY_SIZE(stop_signals) + ARRAY_SIZE(fatal_signals))
static struct sigaction saved_actions[N_HANDLED];

static const char *
stop_signal_name(int sig)
{
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        if (stop_signals[i].sig == sig)
            return stop_signals[i].name;
    return "a signal";
}

static void
on_stop_signal(int sig)
{
    if (run_signal) {
        /* The second: quit at once, without results. */
        results_dir_discard_now(run_dir);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        raise(sig);
        _exit(128 + sig);
    }
    run_signal = sig;
    sim_stop(run_sim);
}

static void
on_fatal_signal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    results_dir_discard_now(run_dir);
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
        if (fatal_signals[i] == sig)
            sigaction(sig, &saved_actions[ARRAY_SIZE(stop_signals) + i],
                      NULL);
    /* With the earlier disposition back, a fault repeats when the handler
     * returns; a sent signal (kill, abort()'s raise) is sent again and
     * delivered on return. */
    if (info->si_code <= 0)
        raise(sig);
}

static void
stop_signal_set(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigaddset(set, stop_signals[i].sig);
}

static void
install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    stop_signal_set(&sa.sa_mask);
    sa.sa_handler = on_stop_signal;
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
        /* A signal ignored by whoever started us (nohup) stays so. */
        sigaction(stop_signals[i].sig, NULL, &saved_actions[i]);
        if (saved_actions[i].sa_handler != SIG_IGN)
            sigaction(stop_signals[i].sig, &sa, NULL);
    }
    sa.sa_handler = NULL;
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO;
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
        sigaction(fatal_signals[i], &sa,
                  &saved_actions[ARRAY_SIZE(stop_signals) + i]);
}

static void
remove_handlers(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigaction(stop_signals[i].sig, &saved_actions[i], NULL);
    for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
        sigaction(fatal_signals[i],
                  &saved_actions[ARRAY_SIZE(stop_signals) + i], NULL);
}

/* Closes the files written during the run (capture, series), writes the
 * results and, with gnuplot, report.html from them into RD and puts them
 * in place, or discards RD.  Returns 0, or 1 after printing why not. */
static int
write_results(const struct world *world, const struct run_info *ri,
              struct capture *cap, struct monitor *mon,
              struct results_dir *rd)
{
    char *err = NULL;
    if (capture_finish(cap, &err) || monitor_close_series(mon, &err) ||
        results_write(world, ri, rd, &err) ||
        (ri->report_page && report_page_write(rd, &err))) {
        results_dir_discard(rd);
    } else if (!results_dir_commit(rd, &err)) {
        return 0;
    }
    fprintf(stderr, "dcsim run: %s\n", err);
    free(err);
    return 1;
}

/* A run that ends without results: discards RD and frees the rest;
 * returns RC. */
static int
abandon(struct results_dir *rd, struct capture *cap, struct monitor *mon,
        struct breakdown *bd, char *dir, struct world *world,
        struct scenario *scn, struct scenario_args *a, int rc)
{
    results_dir_discard(rd);
    capture_destroy(cap);
    monitor_destroy(mon);
    breakdown_destroy(bd);
    remove_handlers();
    run_dir = NULL;
    run_sim = NULL;
    free(dir);
    world_destroy(world);
    scenario_free(scn);
    cli_args_free(a);
    return rc;
}

int
cmd_run(int argc, char **argv)
{
    double t_start = wall_now();
    struct scenario_args a;
    struct scenario scn;
    struct world *world;
    struct world_estimate est;
    if (cli_parse_args("run", argc, argv, 1, &a) ||
        cli_build(&a, &scn, &est, &world))
        return 2;
    char *dir = a.out_dir ? xstrdup(a.out_dir)
                          : xasprintf("results/%s", scn.name);

    struct net *net = world_net(world);
    const struct edge *edge = &world->edge;
    /* The results directory is checked and staged before the first
     * event; from then on a stop signal ends the run with results and
     * any ending removes the staging directory. */
    sigset_t stops, saved_mask;
    stop_signal_set(&stops);
    sigprocmask(SIG_BLOCK, &stops, &saved_mask);
    struct results_dir rd;
    char *err = NULL;
    if (results_dir_open(&rd, dir, &err)) {
        sigprocmask(SIG_SETMASK, &saved_mask, NULL);
        fprintf(stderr, "dcsim run: %s\n", err);
        free(err);
        free(dir);
        world_destroy(world);
        scenario_free(&scn);
        cli_args_free(&a);
        return 2;
    }
    run_sim = &net->sim;
    run_dir = &rd;
    run_signal = 0;
    install_handlers();
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);

    cli_print_warnings(net);
    /* Once, before the run: without gnuplot there is no report page;
     * --no-report asks for none, so gnuplot is neither looked for nor
     * run. */
    bool report_page = !a.no_report && report_page_gnuplot();
    if (!report_page && !a.no_report)
        fprintf(stderr, "dcsim run: warning: gnuplot not found on PATH "
                        "(Debian package gnuplot-nox): no %s\n",
                REPORT_PAGE_FILE);
    struct capture *cap;
    struct monitor *mon = monitor_create(world);
    if (capture_attach(world, &rd, &cap, &err) ||
        monitor_open_series(mon, &rd, &err)) {
        fprintf(stderr, "dcsim run: %s\n", err);
        free(err);
        return abandon(&rd, cap, mon, NULL, dir, world, &scn, &a, 1);
    }
    struct breakdown *bd = breakdown_attach(world);
    struct progress pr = { 0 };
    pr.t0 = pr.last = wall_now();
    int tty = isatty(STDERR_FILENO);
    int live = a.progress || (!a.quiet && tty);
    pr.lines = !tty;
    double cpu0 = user_cpu_seconds();
    sim_run(&net->sim, live ? show_progress : NULL, &pr);
    /* A log of progress lines gets one for the end, however short the
     * run: whether a periodic line came depends on the machine. */
    if (live && pr.lines)
        print_progress(&net->sim, &pr, wall_now(),
                       run_signal ? "stopped" : "done");
    if (pr.shown && workload_error(world->wl))
        fprintf(stderr, "\n");
    if (workload_error(world->wl)) {
        /* A flow file changed under the run to hold a bad line: bad
         * input, so no results. */
        fprintf(stderr, "%s\n", workload_error(world->wl));
        return abandon(&rd, cap, mon, bd, dir, world, &scn, &a, 2);
    }
    int sig = run_signal;
    struct run_info ri = { 0 };
    ri.wall_seconds = wall_now() - pr.t0;
    ri.cpu_seconds = user_cpu_seconds() - cpu0;
    ri.setup_seconds = pr.t0 - t_start;
    if (pr.shown)
        fprintf(stderr, "\n");
    if (sig) {
        /* Stopped at an event boundary: the results reach that far. */
        ri.interrupted_by = stop_signal_name(sig);
        ri.sim_time_ps = net->sim.now_ps;
        fprintf(stderr, "dcsim run: %s: stopped at simulated time "
                        "%.6f ms; writing the results reached so far (a "
                        "second signal quits without them)\n",
                ri.interrupted_by, (double)ri.sim_time_ps / 1e9);
    } else {
        /* Cut by the stop time (events remain) or ran dry (but for
         * events that would happen after the end of time, sim.h). */
        ri.sim_time_ps = sim_pending(&net->sim) && scn.stop_ps
                             ? scn.stop_ps : net->sim.now_ps;
    }
    ri.peak_rss_bytes = peak_rss_bytes();
    ri.report_page = report_page;
    /* The monitor's last samples first: they read pauses still in
     * progress, which fc_finish() then counts up to the end. */
    if (mon)
        monitor_finish(mon, ri.sim_time_ps);
    fc_finish(net, ri.sim_time_ps);
    if (world->control)
        control_finish(world->control);
    results_summarize(world, &ri);
    ri.monitor = mon;
    ri.breakdown = bd;

    /* Conservation: every packet sent was delivered, dropped (with a
     * reason) or is still in the network, and so was every copy the
     * switches made of a VLAN's flooded frame; the switches' own messages
     * (fabric/sw-cpu.h) were received, lost or are in flight. */
    uint64_t drops = 0;
    for (int r = 0; r < DROP_N_REASONS; r++)
        drops += net->st.drops[r];
    sim_assert(edge->st.pkts_sent + net->st.flood_copies +
               net->st.ctrl_in_use + net->st.ctrl_lost ==
               edge->st.pkts_delivered + drops + net->pool.in_use);

    int rc = write_results(world, &ri, cap, mon, &rd);
    remove_handlers();
    run_dir = NULL;
    run_sim = NULL;
    if (!rc && !a.quiet)
        results_print_summary(world, &ri, dir, stdout);
    if (!rc && sig)
        rc = 128 + sig;
    free(dir);
    monitor_destroy(mon);
    breakdown_destroy(bd);
    capture_destroy(cap);
    world_destroy(world);
    scenario_free(&scn);
    cli_args_free(&a);
    return rc;
}
