/* Percentiles; see stats.h. */
#include "sim/stats.h"

#include <math.h>
#include <stdlib.h>

#include "sim/util.h"

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void
stats_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double
stats_rank(const double *sorted, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n);
    return sorted[k ? k - 1 : 0];
}

void
stats_percentiles(double *v, size_t n, struct pctl *out)
{
    out->n = n;
    if (!n) {
        out->p50 = out->p90 = out->p99 = out->p999 = out->max = 0;
        return;
    }
    stats_sort(v, n);
    out->p50 = stats_rank(v, n, 0.50);
    out->p90 = stats_rank(v, n, 0.90);
    out->p99 = stats_rank(v, n, 0.99);
    out->p999 = stats_rank(v, n, 0.999);
    out->max = v[n - 1];
}

void
stats_append(double **v, uint64_t *n, uint64_t *cap, double x)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = x;
}
