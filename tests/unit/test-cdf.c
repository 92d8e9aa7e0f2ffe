/* Flow-size CDFs (src/workload/cdf.c): the built-ins load with the means
 * their sources give, the mean and the inverse of small hand CDFs are
 * exact, samples follow the interpolated CDF (Kolmogorov-Smirnov), and
 * every kind of bad file is rejected with FILE:LINE:COL and the reason. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/util.h"
#include "tap.h"
#include "workload/cdf.h"

static bool
parse(const char *text, struct cdf *d)
{
    char *err = NULL;
    if (cdf_parse("t.txt", text, strlen(text), d, &err))
        return true;
    diag("%s", err);
    free(err);
    return false;
}

static bool
near(double got, double want)
{
    return fabs(got - want) <= 1e-9 * fmax(1.0, fabs(want));
}

/* The means are the trapezoid sums over each file's points, by hand (and
 * as ../shared/data/cdf/SOURCES.md gives them: 1.711 MB, 120.4 KB,
 * 40.9 KB).  WebSearch: 0.15*5000 + 0.05*15000 + 0.1*25000 + 0.1*40000
 * + 0.13*65000 + 0.07*140000 + 0.1*600000 + 0.1*1500000 + 0.1*3500000
 * + 0.07*7500000 + 0.03*20000000 = 1711250. */
static void
test_builtins(void)
{
    static const struct {
        const char *name;
        size_t n;
        double mean;
    } want[] = {
        { "alistorage", 9, 40869.8 },
        { "fb_hadoop", 20, 120420.75 },
        { "websearch", 12, 1711250.0 },
    };
    is_u64(cdf_builtin_count(), ARRAY_SIZE(want), "three built-in CDFs");
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        struct cdf d;
        ok(!strcmp(cdf_builtin_name(i), want[i].name), "built-in %zu is %s",
           i, want[i].name);
        if (!ok(cdf_builtin(want[i].name, &d), "%s loads", want[i].name))
            continue;
        is_u64(d.n, want[i].n, "%s has %zu points", want[i].name, want[i].n);
        if (!ok(near(d.mean_bytes, want[i].mean), "%s mean is %.2f bytes",
                want[i].name, want[i].mean))
            diag("got %.6f", d.mean_bytes);
        cdf_uninit(&d);
    }
    struct cdf d;
    ok(!cdf_builtin("WebSearch", &d), "built-in names are case-sensitive");
}

/* Means and inverses worked by hand. */
static void
test_exact(void)
{
    struct cdf d;
    /* Mass 0.5 at 100 (below the first point), then uniform on
     * [100, 200] with probability 0.5: 0.5*100 + 0.5*150 = 125. */
    if (parse("100 0.5\n200 1\n", &d)) {
        ok(near(d.mean_bytes, 125), "mass at the first point: mean 125");
        ok(cdf_quantile(&d, 0.0) == 100 && cdf_quantile(&d, 0.49) == 100,
           "below the first cdf value the first size is drawn");
        ok(near(cdf_quantile(&d, 0.75), 150), "quantile 0.75 is 150");
        ok(cdf_prob(&d, 99.9) == 0 && cdf_prob(&d, 100) == 0.5,
           "cdf is 0 below the first size and its value at it");
        ok(near(cdf_prob(&d, 150), 0.75) && cdf_prob(&d, 200) == 1 &&
               cdf_prob(&d, 1e9) == 1, "cdf 0.75 at 150, 1 at and above 200");
        cdf_uninit(&d);
    }
    /* From 0: 0.5*5 + 0.5*20 = 12.5. */
    if (parse("0 0\n10 0.5\n30 1\n", &d)) {
        ok(near(d.mean_bytes, 12.5), "three points from 0: mean 12.5");
        ok(near(cdf_quantile(&d, 0.25), 5) && near(cdf_quantile(&d, 0.9), 26),
           "linear interpolation between points");
        cdf_uninit(&d);
    }
    /* A vertical step is a mass (0.4 at 10), a flat one has no mass:
     * 0.2*10 + 0.4*10 + 0 + 0.4*25 = 16. */
    if (parse("10 0.2\n10 0.6\n20 0.6\n30 1\n", &d)) {
        ok(near(d.mean_bytes, 16), "vertical and flat segments: mean 16");
        ok(cdf_quantile(&d, 0.5) == 10 && cdf_prob(&d, 10) == 0.6,
           "a vertical segment is a mass at its size");
        ok(cdf_quantile(&d, 0.6) == 20 && cdf_prob(&d, 15) == 0.6,
           "a flat segment holds no flows");
        cdf_uninit(&d);
    }
    /* Comments, blank lines, tabs, CRLF, exponents, trailing comments;
     * a last value within 1e-9 of 1 counts as 1. */
    if (parse("# size cdf\n\n\t1e3\t0.5  # half\r\n2000 0.9999999995\n",
              &d)) {
        ok(d.n == 2 && d.size_bytes[0] == 1000 && d.p[1] == 1.0,
           "comments, blanks, CRLF and 1e3 parse; the last cdf becomes 1");
        cdf_uninit(&d);
    }
}

/* Samples: whole bytes, at least 1. */
static void
test_sample_rounding(void)
{
    struct cdf d;
    struct rng r;
    rng_init(&r, 1, rng_stream_id("test/cdf"));
    if (parse("0 0\n1 1\n", &d)) {
        bool all_one = true;
        for (int i = 0; i < 1000; i++)
            all_one &= cdf_sample(&d, &r) == 1;
        ok(all_one, "sizes in [0, 1] round to 1 byte at least");
        cdf_uninit(&d);
    }
    if (parse("2 0.5\n3 1\n", &d)) {
        int n2 = 0, n3 = 0, other = 0;
        for (int i = 0; i < 10000; i++) {
            uint64_t s = cdf_sample(&d, &r);
            n2 += s == 2;
            n3 += s == 3;
            other += s != 2 && s != 3;
        }
        /* P(2) = 0.5 + 0.5 * 0.5 (the lower half of [2, 3] rounds
         * down) = 0.75; binomial sd sqrt(10000*.75*.25) = 43. */
        ok(other == 0 && abs(n2 - 7500) < 300 && n2 + n3 == 10000,
           "rounding to the nearest byte: P(2) = 0.75 (got %d of 10000)", n2);
        cdf_uninit(&d);
    }
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The CDF of a rounded sample: S = max(1, round(X)) <= v iff X < v + 0.5
 * for integers v >= 1. */
static double
rounded_cdf(const struct cdf *d, double v)
{
    return v < 1 ? 0 : cdf_prob(d, v + 0.5);
}

/* Kolmogorov-Smirnov distance between the empirical distribution of the
 * N sorted samples S and the distribution of rounded draws from D.  Both
 * are step functions with steps at integers, so the supremum is at an
 * integer: at a sample value V (empirical value Fn(V)), or just before
 * it, at V - 1, where the empirical CDF still has the previous value. */
static double
ks_distance(const uint64_t *s, size_t n, const struct cdf *d)
{
    double dist = 0, prev = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] == s[i])
            j++;
        double fn = (double)j / (double)n;
        double v = (double)s[i];
        dist = fmax(dist, fabs(fn - rounded_cdf(d, v)));
        dist = fmax(dist, fabs(prev - rounded_cdf(d, v - 1)));
        prev = fn;
        i = j;
    }
    return dist;
}

/* N samples from each built-in against its own interpolated CDF.  The
 * bound is the asymptotic 99.9% critical value of the one-sample KS test,
 * 1.95 / sqrt(N) (Kolmogorov's limit law: P(sqrt(N) D > 1.95) = 0.001).
 * For a distribution with steps, as here after rounding to bytes, the
 * test is conservative (Noether 1963): a correct sampler exceeds the
 * bound with probability at most 0.1%, and with a fixed seed the result
 * is reproducible.  To show the test can fail, each sample set is also
 * compared with another built-in's CDF, which must exceed the bound. */
static void
test_ks(void)
{
    static const char *const names[] = { "websearch", "fb_hadoop",
                                         "alistorage" };
    enum { N = 100000 };
    const double bound = 1.95 / sqrt((double)N);
    uint64_t *s = xmalloc(N * sizeof *s);
    for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
        struct cdf d, other;
        struct rng r;
        if (!cdf_builtin(names[k], &d) ||
            !cdf_builtin(names[(k + 1) % ARRAY_SIZE(names)], &other))
            continue;
        rng_init(&r, 7, rng_stream_id(names[k]));
        for (size_t i = 0; i < N; i++)
            s[i] = cdf_sample(&d, &r);
        qsort(s, N, sizeof *s, cmp_u64);
        double ks = ks_distance(s, N, &d);
        ok(ks < bound, "%s: KS distance of %d samples %.5f < %.5f",
           names[k], N, ks, bound);
        double ks_other = ks_distance(s, N, &other);
        ok(ks_other > bound, "%s samples against %s's CDF: %.5f > %.5f",
           names[k], names[(k + 1) % ARRAY_SIZE(names)], ks_other, bound);
        cdf_uninit(&d);
        cdf_uninit(&other);
    }
    free(s);
}

static void
bad(const char *what, const char *text, const char *want)
{
    struct cdf d;
    char *err = NULL;
    bool r = cdf_parse("t.txt", text, strlen(text), &d, &err);
    if (!ok(!r && err && !strcmp(err, want) && d.n == 0 && !d.p,
            "%s: %s", what, want))
        diag("got: %s", err ? err : "(accepted)");
    if (r)
        cdf_uninit(&d);
    free(err);
}

static void
test_errors(void)
{
    bad("not a number", "abc 0.5\n",
        "t.txt:1:1: size is 'abc' (not a number); expected a number of "
        "bytes, 0 to 2^40 (1 TiB, the largest flow)");
    bad("negative size", "0 0\n  -5 1\n",
        "t.txt:2:3: size is '-5' (negative); expected a number of bytes, 0 "
        "to 2^40 (1 TiB, the largest flow)");
    bad("hex", "0x10 1\n", "t.txt:1:1: size is '0x10' (not a number); "
        "expected a number of bytes, 0 to 2^40 (1 TiB, the largest flow)");
    bad("infinite", "1e400 1\n", "t.txt:1:1: size is '1e400' (too large); "
        "expected a number of bytes, 0 to 2^40 (1 TiB, the largest flow)");
    bad("above 2^40", "1099511627777 1\n", "t.txt:1:1: size is "
        "'1099511627777' (too large); expected a number of bytes, 0 to 2^40 "
        "(1 TiB, the largest flow)");
    bad("decreasing size", "100 0.5\n# x\n50 1\n",
        "t.txt:3:1: size is '50' (less than 100 on line 1); expected sizes "
        "in non-decreasing order");
    bad("nan", "100 nan\n", "t.txt:1:5: cdf is 'nan' (not a number); "
        "expected a fraction 0..1");
    bad("cdf above 1", "100 0.5\n200\t1.5\n", "t.txt:2:5: cdf is '1.5' "
        "(greater than 1); expected a fraction 0..1");
    bad("decreasing cdf", "100 0.5\n200 0.4\n300 1\n",
        "t.txt:2:5: cdf is '0.4' (less than 0.5 on line 1); expected cdf "
        "values in non-decreasing order");
    bad("last below 1", "100 0.5\n200 0.999999998\n",
        "t.txt:2:5: the last cdf is '0.999999998'; expected 1 (every flow "
        "is at most the largest size)");
    bad("missing column", "100 0.5\n200   # oops\n",
        "t.txt:2:7: missing the cdf value; expected two columns: size_bytes "
        "cdf");
    bad("third column", "100 1 7\n", "t.txt:1:7: unexpected '7' after the "
        "cdf value; expected two columns: size_bytes cdf");
    bad("empty", "", "t.txt:1:1: no points; expected lines of two columns: "
        "size_bytes cdf");
    bad("only comments", "# nothing\n\n  \n", "t.txt:1:1: no points; "
        "expected lines of two columns: size_bytes cdf");
    bad("all zero", "0 0\n0 1\n", "t.txt:2:1: the largest size is '0'; "
        "expected at least 1 byte");
    bad("control character", "1\x01 1\n", "t.txt:1:1: size is '1?' (not a "
        "number); expected a number of bytes, 0 to 2^40 (1 TiB, the largest "
        "flow)");

    struct cdf d;
    char *err = NULL;
    ok(cdf_load("/nonexistent/x.txt", &d, &err) == ENOENT && err &&
           !strcmp(err, "/nonexistent/x.txt: cannot open: No such file or "
                        "directory"),
       "a missing file: PATH: cannot open: REASON");
    free(err);
}

int
main(void)
{
    test_builtins();
    test_exact();
    test_sample_rounding();
    test_ks();
    test_errors();
    return done_testing();
}
