/* Empirical flow-size distributions: a CDF given as points, sampled by
 * inverse transform with linear interpolation between the points, as the
 * HPCC traffic generator does (traffic_gen/custom_rand.py in
 * alibaba-edu/High-Precision-Congestion-Control).
 *
 * A CDF file has one point per line, two numbers separated by white
 * space: a flow size in bytes and the fraction of flows no larger than it
 * (size_bytes cdf).  Blank lines and '#' comments are allowed.  Sizes and
 * cdf values must be non-decreasing, cdf values within [0, 1] and the
 * last one 1.  The built-in distributions (data/cdf/NAME.txt) are compiled
 * into the binary and found by name (cdf_builtin()).
 *
 * Below the first point the distribution has no density: the first
 * point's cdf value is a probability mass at its size.  docs/models.md
 * states the model precisely; the scenario parser (scenario.c) loads the
 * CDFs, the workload (workload.c) samples them. */
#ifndef DCSIM_CDF_H
#define DCSIM_CDF_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rng;

struct cdf {
    size_t n;                 /* Points, >= 1. */
    double *size_bytes;       /* Non-decreasing; the last >= 1. */
    double *p;                /* Non-decreasing in [0, 1]; p[n-1] == 1. */
    double mean_bytes;        /* Of the interpolated distribution. */
};

/* Parses LEN bytes of TEXT, named FILE in messages, into *OUT.  Returns
 * true, or false with *ERR allocated ("FILE:LINE:COL: what is wrong;
 * expected ...") and *OUT empty. */
bool cdf_parse(const char *file, const char *text, size_t len,
               struct cdf *out, char **err);
/* Reads and parses the file at PATH.  Returns 0; or, with *ERR allocated
 * and *OUT empty, EINVAL for contents that are not a valid CDF (a
 * cdf_parse() message), EFBIG for a file larger than 64 MiB, or the errno
 * of opening or reading it ("PATH: cannot open: REASON"). */
int cdf_load(const char *path, struct cdf *out, char **err);

/* The built-in distributions, by name ("websearch", ...): I <
 * cdf_builtin_count().  cdf_builtin() fills *OUT and returns true, or
 * returns false if NAME is not built in. */
size_t cdf_builtin_count(void);
const char *cdf_builtin_name(size_t i);
bool cdf_builtin(const char *name, struct cdf *out);

void cdf_uninit(struct cdf *);

/* P(size <= X) under the interpolation. */
double cdf_prob(const struct cdf *, double x);
/* The size at cumulative probability U in [0, 1): the inverse of
 * cdf_prob(), continuous (not rounded). */
double cdf_quantile(const struct cdf *, double u);
/* One flow size: cdf_quantile() of a uniform draw, rounded to the
 * nearest byte, at least 1. */
uint64_t cdf_sample(const struct cdf *, struct rng *);

#endif
