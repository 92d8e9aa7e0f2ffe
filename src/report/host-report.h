/* Server results (runs with a `server` section): hosts.csv (per core:
 * utilization by activity), vms.csv (per VM: exits by reason,
 * interrupts, notifications) and the "servers" object of summary.json.
 * docs/output.md describes every column. */
#ifndef DCSIM_HOST_REPORT_H
#define DCSIM_HOST_REPORT_H 1

#include <stdio.h>

struct world;
struct run_info;

void host_report_csv(FILE *, const struct world *, const struct run_info *);
void host_report_vms_csv(FILE *, const struct world *, const struct run_info *);
void host_report_json(FILE *, const struct world *, const struct run_info *);
void host_report_print(FILE *, const struct world *, const struct run_info *);

#endif
