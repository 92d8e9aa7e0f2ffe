/* Storage results (runs with a `storage` section): storage.csv (per
 * job: I/Os, IOPS, bandwidth, completion latency, CPU per I/O at the
 * initiator and the target), the "storage" object of summary.json and a
 * line of the human summary.  docs/output.md describes every column. */
#ifndef DCSIM_STORAGE_REPORT_H
#define DCSIM_STORAGE_REPORT_H 1

#include <stdbool.h>
#include <stdio.h>

struct world;
struct run_info;

bool storage_report_wanted(const struct world *);
void storage_report_csv(FILE *, const struct world *, const struct run_info *);
void storage_report_json(FILE *, const struct world *,
                         const struct run_info *);
void storage_report_print(FILE *, const struct world *,
                          const struct run_info *);

#endif
