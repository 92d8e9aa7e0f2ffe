/* Results of the scenario's events: events.csv (one row per event), the
 * "events" object of summary.json and the events line of the human
 * summary.  Written only for runs with events; docs/output.md describes
 * every column. */
#ifndef DCSIM_CONTROL_REPORT_H
#define DCSIM_CONTROL_REPORT_H 1

#include <stdbool.h>
#include <stdio.h>

struct world;
struct run_info;

void control_report_csv(FILE *, const struct world *, const struct run_info *);
void control_report_json(FILE *, const struct world *,
                         const struct run_info *);
/* control.csv: one row per BGP speaker; written when a routing model
 * runs BGP. */
bool control_report_speakers_wanted(const struct world *);
void control_report_speakers_csv(FILE *, const struct world *,
                                 const struct run_info *);
void control_report_print(FILE *, const struct world *,
                          const struct run_info *);

#endif
