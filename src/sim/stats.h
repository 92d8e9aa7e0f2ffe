/* Summary statistics, for results and measurements (report/, the KVM
 * probe): percentiles by the nearest-rank method (the smallest value with
 * at least p of the samples at or below it: sorted[ceil(p * n) - 1]),
 * which always returns an observed value. */
#ifndef DCSIM_STATS_H
#define DCSIM_STATS_H 1

#include <stddef.h>
#include <stdint.h>

struct pctl {
    size_t n;
    double p50, p90, p99, p999, max;
};

/* Appends X to *V, which holds *N values and has room for *CAP (grown
 * by doubling, from 64): samples collected during a run. */
void stats_append(double **v, uint64_t *n, uint64_t *cap, double x);

/* Sorts V in place and fills OUT. */
void stats_percentiles(double *v, size_t n, struct pctl *out);

/* The pieces, for other sets of percentiles: sorts V ascending; the P-th
 * (0 < P <= 1) nearest-rank percentile of N > 0 SORTED values. */
void stats_sort(double *v, size_t n);
double stats_rank(const double *sorted, size_t n, double p);

#endif
