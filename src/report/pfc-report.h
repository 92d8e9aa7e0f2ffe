/* PFC results: pfc.csv (per port and class), the "pfc" object of
 * summary.json, and the PFC line of the human summary.  Written only for
 * runs with PFC on; docs/output.md describes every column. */
#ifndef DCSIM_PFC_REPORT_H
#define DCSIM_PFC_REPORT_H 1

#include <stdio.h>

struct world;
struct run_info;

void pfc_report_csv(FILE *, const struct world *, const struct run_info *);
void pfc_report_json(FILE *, const struct world *, const struct run_info *);
void pfc_report_print(FILE *, const struct world *, const struct run_info *);

#endif
