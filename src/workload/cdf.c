/* Flow-size CDFs: parsing, the interpolated distribution, sampling; see
 * cdf.h and docs/models.md. */
#include "workload/cdf.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/util.h"
#include "workload/cdf-data.h"
#include "workload/workload-spec.h"

/* The largest flow (FLOW_SIZE_MAX_BYTES, workload-spec.h: its packets
 * are counted in 32 bits); well below 2^53, where sizes would no longer be
 * whole numbers as doubles. */
#define SIZE_MAX_BYTES ((double)FLOW_SIZE_MAX_BYTES)
#define SIZE_FORM "a number of bytes, 0 to 2^40 (1 TiB, the largest flow)"
#define CDF_FORM "a fraction 0..1"
#define LINE_FORM "two columns: size_bytes cdf"

/* A CDF file is read whole; this bounds what a wrong path (a device, a
 * huge log) can make dcsim allocate. */
#define MAX_FILE_BYTES (UINT64_C(64) << 20)

/* Where the parser is, for messages. */
struct cursor {
    const char *file;
    const char *p, *end;      /* Unread text. */
    const char *line_start;
    uint32_t line;            /* 1-based. */
    char *err;
};

/* One number as written in the file. */
struct token {
    const char *s;
    size_t len;
    uint32_t line, col;
};

static bool PRINTF_FMT(3, 4)
fail_at(struct cursor *c, const struct token *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    c->err = xasprintf("%s:%" PRIu32 ":%" PRIu32 ": %s", c->file, at->line,
                       at->col, msg);
    free(msg);
    return false;
}

/* A token as it reads in a message: at most 32 bytes, control
 * characters as '?'.  OUT holds 40 bytes. */
static const char *
quote(const struct token *t, char *out)
{
    size_t n = MIN(t->len, 32), k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t->s[i];
        out[k++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (n < t->len) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
    return out;
}

static bool
is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* At the end of the line's content: newline, comment or end of text. */
static bool
at_line_end(const struct cursor *c)
{
    return c->p == c->end || *c->p == '\n' || *c->p == '#';
}

static void
skip_blanks(struct cursor *c)
{
    while (c->p < c->end && is_blank(*c->p))
        c->p++;
}

/* The cursor's position as an empty token, for messages. */
static struct token
here(const struct cursor *c)
{
    struct token t = { c->p, 0, c->line,
                       (uint32_t)(c->p - c->line_start) + 1 };
    return t;
}

static struct token
next_token(struct cursor *c)
{
    struct token t = here(c);
    while (!at_line_end(c) && !is_blank(*c->p))
        c->p++;
    t.len = (size_t)(c->p - t.s);
    return t;
}

/* Moves past the rest of the line (a comment, the newline). */
static void
next_line(struct cursor *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->line++;
        c->line_start = c->p;
    }
}

static bool
is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Digits, an optional fraction and an optional exponent ("1500",
 * "0.15", "2.5e6"), nothing else: no sign, "inf", "nan" or hex, which
 * strtod() would take. */
static bool
number_syntax(const char *s, size_t len)
{
    size_t i = 0, digits = 0;
    while (i < len && is_digit(s[i]))
        i++, digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && is_digit(s[i]); i++)
            digits++;
    if (!digits)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i == len || !is_digit(s[i]))
            return false;
        while (i < len && is_digit(s[i]))
            i++;
    }
    return i == len;
}

/* Sets *WHY and returns false if T is not a number. */
static bool
token_number(const struct token *t, double *v, const char **why)
{
    char buf[64];
    if (t->len && t->s[0] == '-') {
        *why = "negative";
        return false;
    }
    if (!number_syntax(t->s, t->len)) {
        *why = "not a number";
        return false;
    }
    if (t->len >= sizeof buf) {
        *why = "too many digits";
        return false;
    }
    memcpy(buf, t->s, t->len);
    buf[t->len] = '\0';
    *v = strtod(buf, NULL);
    if (!isfinite(*v)) {
        *why = "too large";
        return false;
    }
    return true;
}

/* The points parsed so far, with the tokens of the last one. */
struct points {
    struct cdf *cdf;
    size_t cap;
    struct token last_size, last_p;
};

static void
points_add(struct points *pts, double size, double p)
{
    struct cdf *d = pts->cdf;
    if (d->n == pts->cap) {
        pts->cap = pts->cap ? 2 * pts->cap : 16;
        d->size_bytes = xrealloc(d->size_bytes,
                                 pts->cap * sizeof *d->size_bytes);
        d->p = xrealloc(d->p, pts->cap * sizeof *d->p);
    }
    d->size_bytes[d->n] = size;
    d->p[d->n] = p;
    d->n++;
}

static bool
parse_size(struct cursor *c, const struct token *t, const struct points *pts,
           double *size)
{
    char q[40], prev[40];
    const char *why;
    if (!token_number(t, size, &why))
        return fail_at(c, t, "size is '%s' (%s); expected " SIZE_FORM,
                       quote(t, q), why);
    if (*size > SIZE_MAX_BYTES)
        return fail_at(c, t, "size is '%s' (too large); expected " SIZE_FORM,
                       quote(t, q));
    const struct cdf *d = pts->cdf;
    if (d->n && *size < d->size_bytes[d->n - 1])
        return fail_at(c, t, "size is '%s' (less than %s on line %" PRIu32
                       "); expected sizes in non-decreasing order",
                       quote(t, q), quote(&pts->last_size, prev),
                       pts->last_size.line);
    return true;
}

static bool
parse_p(struct cursor *c, const struct token *t, const struct points *pts,
        double *p)
{
    char q[40], prev[40];
    const char *why;
    if (!token_number(t, p, &why))
        return fail_at(c, t, "cdf is '%s' (%s); expected " CDF_FORM,
                       quote(t, q), why);
    if (*p > 1)
        return fail_at(c, t, "cdf is '%s' (greater than 1); expected "
                       CDF_FORM, quote(t, q));
    const struct cdf *d = pts->cdf;
    if (d->n && *p < d->p[d->n - 1])
        return fail_at(c, t, "cdf is '%s' (less than %s on line %" PRIu32
                       "); expected cdf values in non-decreasing order",
                       quote(t, q), quote(&pts->last_p, prev),
                       pts->last_p.line);
    return true;
}

/* One "size cdf" line at the cursor (past leading blanks). */
static bool
parse_point(struct cursor *c, struct points *pts)
{
    struct token ts = next_token(c);
    double size, p;
    if (!parse_size(c, &ts, pts, &size))
        return false;
    skip_blanks(c);
    if (at_line_end(c)) {
        struct token at = here(c);
        return fail_at(c, &at, "missing the cdf value; expected " LINE_FORM);
    }
    struct token tp = next_token(c);
    if (!parse_p(c, &tp, pts, &p))
        return false;
    skip_blanks(c);
    if (!at_line_end(c)) {
        struct token extra = next_token(c);
        char q[40];
        return fail_at(c, &extra, "unexpected '%s' after the cdf value; "
                       "expected " LINE_FORM, quote(&extra, q));
    }
    points_add(pts, size, p);
    pts->last_size = ts;
    pts->last_p = tp;
    return true;
}

/* The whole distribution: at least one point, ending at cdf 1 and at a
 * size of at least one byte (the mean is then positive, which the load
 * computation divides by). */
static bool
check_ends(struct cursor *c, const struct points *pts)
{
    const struct cdf *d = pts->cdf;
    char q[40];
    if (!d->n) {
        struct token start = { NULL, 0, 1, 1 };
        return fail_at(c, &start, "no points; expected lines of " LINE_FORM);
    }
    if (fabs(d->p[d->n - 1] - 1.0) > 1e-9)
        return fail_at(c, &pts->last_p, "the last cdf is '%s'; expected 1 "
                       "(every flow is at most the largest size)",
                       quote(&pts->last_p, q));
    if (d->size_bytes[d->n - 1] < 1)
        return fail_at(c, &pts->last_size, "the largest size is '%s'; "
                       "expected at least 1 byte", quote(&pts->last_size, q));
    return true;
}

/* The mean of the interpolated distribution: the mass p[0] at the first
 * size, then each segment's probability times its midpoint (the density
 * is uniform within a segment). */
static double
cdf_mean(const struct cdf *d)
{
    double m = d->p[0] * d->size_bytes[0];
    for (size_t i = 1; i < d->n; i++)
        m += (d->p[i] - d->p[i - 1]) *
             (d->size_bytes[i - 1] + d->size_bytes[i]) / 2;
    return m;
}

bool
cdf_parse(const char *file, const char *text, size_t len, struct cdf *out,
          char **err)
{
    struct cursor c = { file, text, text + len, text, 1, NULL };
    struct points pts = { out, 0, { 0 }, { 0 } };
    memset(out, 0, sizeof *out);
    for (; c.p < c.end; next_line(&c)) {
        skip_blanks(&c);
        if (!at_line_end(&c) && !parse_point(&c, &pts))
            break;
    }
    if (!c.err && check_ends(&c, &pts)) {
        out->p[out->n - 1] = 1.0;   /* Exact, for cdf_quantile(). */
        out->mean_bytes = cdf_mean(out);
        *err = NULL;
        return true;
    }
    cdf_uninit(out);
    *err = c.err;
    return false;
}

int
cdf_load(const char *path, struct cdf *out, char **err)
{
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    int e = read_whole_file(path, MAX_FILE_BYTES >> 20, "a CDF file", &text,
                            &len, err);
    if (e)
        return e;
    e = cdf_parse(path, text, len, out, err) ? 0 : EINVAL;
    free(text);
    return e;
}

size_t
cdf_builtin_count(void)
{
    return cdf_data_count;
}

const char *
cdf_builtin_name(size_t i)
{
    sim_assert(i < cdf_data_count);
    return cdf_data[i].name;
}

bool
cdf_builtin(const char *name, struct cdf *out)
{
    for (size_t i = 0; i < cdf_data_count; i++) {
        const struct cdf_data *b = &cdf_data[i];
        if (strcmp(b->name, name))
            continue;
        char *err = NULL;
        /* The tests parse every built-in; failing here is a build bug. */
        if (!cdf_parse(b->file, b->text, strlen(b->text), out, &err))
            sim_abort(__FILE__, __LINE__, "built-in CDF: %s", err);
        return true;
    }
    return false;
}

void
cdf_uninit(struct cdf *d)
{
    if (!d)
        return;
    free(d->size_bytes);
    free(d->p);
    memset(d, 0, sizeof *d);
}

double
cdf_prob(const struct cdf *d, double x)
{
    /* The first point above X; the last at or below it is just before. */
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->size_bytes[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo == 0)
        return 0;
    if (lo == d->n)
        return 1;
    size_t i = lo - 1;
    return d->p[i] + (d->p[lo] - d->p[i]) * (x - d->size_bytes[i]) /
                         (d->size_bytes[lo] - d->size_bytes[i]);
}

double
cdf_quantile(const struct cdf *d, double u)
{
    /* The first point whose cdf exceeds U (there is one: the last is 1
     * and U < 1).  Below the first point: its size (the mass there). */
    size_t lo = 0, hi = d->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->p[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo == 0)
        return d->size_bytes[0];
    size_t i = lo - 1;
    return d->size_bytes[i] + (d->size_bytes[lo] - d->size_bytes[i]) *
                                  (u - d->p[i]) / (d->p[lo] - d->p[i]);
}

uint64_t
cdf_sample(const struct cdf *d, struct rng *r)
{
    uint64_t size = (uint64_t)(cdf_quantile(d, rng_uniform(r)) + 0.5);
    return size ? size : 1;
}
