/* Overlay results: overlay.csv (one row per VTEP), the "overlay" object
 * of summary.json and the overlay line of the human summary.  Written
 * only for runs with an `overlay` section; docs/output.md describes every
 * column. */
#ifndef DCSIM_OVERLAY_REPORT_H
#define DCSIM_OVERLAY_REPORT_H 1

#include <stdint.h>
#include <stdio.h>

struct world;
struct run_info;

void overlay_report_csv(FILE *, const struct world *, const struct run_info *);
void overlay_report_json(FILE *, const struct world *,
                         const struct run_info *);
void overlay_report_print(FILE *, const struct world *,
                          const struct run_info *);
/* The tenant of host H, or "" when it is in none (or no overlay). */
const char *overlay_report_tenant(const struct world *, uint32_t h);

#endif
