/* The queue monitor: occupancy of chosen egress ports sampled at a fixed
 * interval of simulated time, for queue_series.csv (docs/output.md), so
 * that a user can watch queues build and drain.  queues.csv has only each
 * queue's peak and time average.
 *
 * The scenario's `monitor` section names the ports (resolved to topology
 * nodes by the scenario parser); monitor_create() finds them in the net
 * and schedules a background event (sim.h) at time 0 that records every
 * chosen port's eight queues and comes back one interval later.  Being a
 * background event, it only reads the model and never keeps the run going
 * or moves its clock, so results are the same with and without a monitor.
 * monitor_finish() records the samples due between the last tick and the
 * end of the run, when nothing changes any more.
 *
 * Queue and QP samples are kept in memory until the results are written:
 * 96 bytes per chosen port per sample.  Link utilization
 * (link_series.csv, monitor.links), TCP state (tcp_series.csv,
 * monitor.tcp) and, with PFC, the time the chosen ports' classes were
 * paused in each interval (pfc_series.csv) are written as they are
 * sampled, into files that monitor_open_series() creates before the
 * run. */
#ifndef DCSIM_MONITOR_H
#define DCSIM_MONITOR_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct world;
struct monitor;
struct monitor_select;
struct port;
struct results_dir;

/* The ports SEL (N_SEL selections of the scenario's monitor section)
 * name, each once, in the order of net->ports (links.csv's); an array of
 * *N_OUT that the caller frees. */
struct port **monitor_select_ports(struct world *,
                                   const struct monitor_select *sel,
                                   size_t n_sel, size_t *n_out);

/* A monitor for NET's scenario, sampling from the current time (0), or
 * NULL if the scenario has no `monitor` section. */
struct monitor *monitor_create(struct world *);
void monitor_destroy(struct monitor *);

/* Creates link_series.csv, tcp_series.csv and pfc_series.csv in RD's
 * staging directory for the series the scenario asks for, before the
 * first sample (a NULL monitor: nothing).  Returns 0, or an errno value with *ERR allocated. */
int monitor_open_series(struct monitor *, struct results_dir *rd,
                        char **err);
/* Flushes and closes them after monitor_finish().  Returns 0, or an
 * errno value with *ERR allocated naming the file. */
int monitor_close_series(struct monitor *, char **err);

/* Records the samples due at or before END_PS (the end of the run) that
 * the tick has not taken, and pfc_series.csv's rows for the part of an
 * interval before END_PS.  Before fc_finish(), which ends the pauses in
 * progress. */
void monitor_finish(struct monitor *, uint64_t end_ps);

/* queue_series.csv, whole. */
void monitor_write_csv(FILE *, const struct monitor *);
/* rate_series.csv (monitor.qps: each chosen RoCE flow's DCQCN rate, target
 * and alpha), whole; only when monitor_has_qps(). */
bool monitor_has_qps(const struct monitor *);
void monitor_write_rates_csv(FILE *, const struct monitor *);

#endif
