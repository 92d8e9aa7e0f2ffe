/* The workload's part of the results (see docs/output.md): per traffic
 * entry, the flows and bytes it generated and the load it offered the
 * hosts' links against its target, in summary.json and in the human
 * summary.  results.c calls these; they read the net's workload. */
#ifndef DCSIM_WORKLOAD_REPORT_H
#define DCSIM_WORKLOAD_REPORT_H 1

#include <stdio.h>

struct net;

/* Writes ",\n  \"traffic\": [...]", the keys summary.json gains. */
void workload_report_json(FILE *, const struct net *);
/* One line per entry with an offered load. */
void workload_report_print(FILE *, const struct net *);

#endif
