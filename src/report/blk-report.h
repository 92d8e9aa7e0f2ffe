/* Virtual block device results (runs with server.vm.block): block.csv
 * (per drive: requests, IOPS, bandwidth, latency, notifications, rate
 * limiting), the "block" object of summary.json and a line of the human
 * summary.  docs/output.md describes every column. */
#ifndef DCSIM_BLK_REPORT_H
#define DCSIM_BLK_REPORT_H 1

#include <stdbool.h>
#include <stdio.h>

struct world;
struct run_info;

bool blk_report_wanted(const struct world *);
void blk_report_csv(FILE *, const struct world *, const struct run_info *);
void blk_report_json(FILE *, const struct world *, const struct run_info *);
void blk_report_print(FILE *, const struct world *, const struct run_info *);

#endif
