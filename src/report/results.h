/* Results of a run: the files `dcsim run -o DIR` writes (summary.json,
 * flows.csv, fct_by_size.csv, links.csv, queues.csv, incast.csv,
 * queue_series.csv with a monitor, pfc.csv with PFC, ib.csv on an IB
 * fabric; every key and column is documented in
 * docs/output.md) and the short human summary printed at the end.
 *
 * Files are written into the staging directory of a results_dir
 * (report/results-dir.h), which replaces DIR as a whole once all are
 * written, so a run that fails to write leaves no partial result files. */
#ifndef DCSIM_RESULTS_H
#define DCSIM_RESULTS_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/fct.h"
#include "sim/stats.h"

struct breakdown;
struct monitor;
struct results_dir;
struct world;

/* Flow figures over the whole run, computed once by results_summarize(). */
struct flow_summary {
    struct pctl fct_ps, slowdown;   /* Over completed flows. */
    struct pctl slowdown_sender;    /* Over the flows whose sender saw
                                     * them complete (fct.h). */
    uint64_t incomplete;            /* Flows not completed. */
    struct fct_by_size by_size;     /* Slowdown by flow size. */
};

struct run_info {
    uint64_t sim_time_ps;     /* End of the simulated interval. */
    const char *interrupted_by;  /* NULL for a run that ended by itself
                                  * (stop time or no events left); else
                                  * what cut it short, e.g. "SIGINT". */
    double wall_seconds;      /* Time spent in the event loop. */
    double setup_seconds;     /* Wall time to load and build the model. */
    double cpu_seconds;       /* User CPU time of the event loop. */
    uint64_t peak_rss_bytes;  /* Of the process, at the end. */
    struct flow_summary flows;
    const struct monitor *monitor;  /* NULL: no queue_series.csv. */
    const struct breakdown *breakdown;  /* NULL: no breakdown.csv. */
    bool report_page;         /* report.html is written (gnuplot is there):
                               * the summary says to open it. */
};

/* PS as a share of the simulated interval (0 for an empty run). */
static inline double
run_fraction(const struct run_info *ri, uint64_t ps)
{
    return ri->sim_time_ps ? (double)ps / (double)ri->sim_time_ps : 0.0;
}

/* Fills RI->flows from the net's flows (sorts their FCTs once). */
void results_summarize(const struct world *, struct run_info *);

/* Writes every file of the run into RD's staging directory.  Returns 0,
 * or an errno value with *ERR allocated naming the file; the caller then
 * discards RD. */
int results_write(const struct world *, const struct run_info *,
                  struct results_dir *rd, char **err);
void results_print_summary(const struct world *, const struct run_info *,
                           const char *dir, FILE *);

#endif
