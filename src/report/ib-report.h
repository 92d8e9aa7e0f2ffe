/* InfiniBand results: ib.csv (per port and virtual lane), the "ib" object
 * of summary.json, and the IB line of the human summary.  Written only for
 * runs on a `fabric: infiniband`; docs/output.md describes every column. */
#ifndef DCSIM_IB_REPORT_H
#define DCSIM_IB_REPORT_H 1

#include <stdio.h>

struct world;
struct run_info;

void ib_report_csv(FILE *, const struct world *, const struct run_info *);
void ib_report_json(FILE *, const struct world *, const struct run_info *);
void ib_report_print(FILE *, const struct world *, const struct run_info *);

#endif
