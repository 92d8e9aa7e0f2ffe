/* The workload's part of the results (see docs/output.md): per traffic
 * entry, the flows and bytes it generated and the load it offered the
 * hosts' links against its target; per incast entry, its rounds'
 * completion times and goodput (incast.csv, and summarized).  In
 * summary.json and the human summary too.  results.c calls these; they
 * read the net's workload. */
#ifndef DCSIM_WORKLOAD_REPORT_H
#define DCSIM_WORKLOAD_REPORT_H 1

#include <stdio.h>

struct world;
struct run_info;

/* Writes ",\n  \"traffic\": [...],\n  \"incast\": [...]", the keys
 * summary.json gains. */
void workload_report_json(FILE *, const struct world *);
/* One line per entry with an offered load, one per incast entry. */
void workload_report_print(FILE *, const struct world *);
/* incast.csv: one row per round of every incast entry. */
void workload_report_incast_csv(FILE *, const struct world *,
                                const struct run_info *);

#endif
