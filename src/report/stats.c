/* Percentiles; see stats.h. */
#include "report/stats.h"

#include <math.h>
#include <stdlib.h>

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
rank(const double *v, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n);
    return v[k ? k - 1 : 0];
}

void
stats_percentiles(double *v, size_t n, struct pctl *out)
{
    out->n = n;
    if (!n) {
        out->p50 = out->p90 = out->p99 = out->p999 = out->max = 0;
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    out->p50 = rank(v, n, 0.50);
    out->p90 = rank(v, n, 0.90);
    out->p99 = rank(v, n, 0.99);
    out->p999 = rank(v, n, 0.999);
    out->max = v[n - 1];
}
