/* report.html: one self-contained page that shows a run's results, built
 * from the result files themselves (so `dcsim run` and `dcsim report
 * DIR` share every step): the summary (summary.json but for wall-clock
 * figures), and plots drawn by gnuplot as SVG and inlined, of whatever
 * the files hold: FCT slowdown by flow size and its CDF, link
 * utilization (over time with monitor.links, else the run's average for
 * the busiest links), queue occupancy of the monitored ports, PFC pause
 * time, drops by traffic class, CPU by activity and VM exits with a
 * server model, DCQCN/HPCC rates and TCP windows of the chosen flows.
 *
 * report_page_write() reads the files in a results directory's staging
 * directory, writes each plot's data and one gnuplot script into a work
 * directory there (`report.tmp`), runs gnuplot (found on PATH, in its own
 * process group so that a Ctrl-C meant for dcsim does not kill it), then
 * writes report.html and removes the work directory.  The page names
 * files by relative links only and loads nothing: it reads the same with
 * no network.  Same files, same page, byte for byte (gnuplot's SVG holds
 * no date).  docs/output.md describes the page. */
#ifndef DCSIM_REPORT_PAGE_H
#define DCSIM_REPORT_PAGE_H 1

#include <stdbool.h>

struct results_dir;

/* The page's file name in a results directory. */
#define REPORT_PAGE_FILE "report.html"

/* Whether gnuplot is on PATH (an executable file named gnuplot). */
bool report_page_gnuplot(void);

/* Writes report.html into RD's staging directory from the result files
 * there.  Returns 0, or an errno value with *ERR allocated (a file that
 * cannot be read or written, gnuplot failing: its first line of
 * errors); the caller then discards RD. */
int report_page_write(struct results_dir *rd, char **err);

#endif
