/* report.html from a results directory's files, with gnuplot's plots;
 * see report-page.h and docs/output.md. */
#define _DEFAULT_SOURCE 1     /* fdopendir(), setpgid(). */
#include "report/report-page.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/results-dir.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* The work directory in the staging directory, and its files: static
 * names, because the signal-time discard removes them by name. */
#define WORK_DIR "report.tmp"
#define MAX_PLOTS 12
#define PLOT_NAMES(ext) { \
    WORK_DIR "/p0." ext, WORK_DIR "/p1." ext, WORK_DIR "/p2." ext, \
    WORK_DIR "/p3." ext, WORK_DIR "/p4." ext, WORK_DIR "/p5." ext, \
    WORK_DIR "/p6." ext, WORK_DIR "/p7." ext, WORK_DIR "/p8." ext, \
    WORK_DIR "/p9." ext, WORK_DIR "/p10." ext, WORK_DIR "/p11." ext }
static const char *const dat_names[MAX_PLOTS] = PLOT_NAMES("dat");
static const char *const svg_names[MAX_PLOTS] = PLOT_NAMES("svg");
static const char script_name[] = WORK_DIR "/plots.gp";
static const char errors_name[] = WORK_DIR "/gnuplot.err";

/* Lines a plot draws at most (the ones that rank highest), and points a
 * line keeps: longer series are cut into that many runs of consecutive
 * samples, each drawn as one point (the runs' mean, or for queues their
 * peak), so that a page stays small however long the run. */
#define MAX_LINES 6
#define MAX_POINTS 600
/* Bars a bar chart shows at most (the highest). */
#define MAX_BARS 16

struct plot {
    const char *title;
    char *caption;            /* HTML. */
};

struct page {
    struct results_dir *rd;
    FILE *gp;                 /* The gnuplot script. */
    struct plot plots[MAX_PLOTS];
    size_t n_plots;
    char *notes;              /* HTML list items: what has no plot. */
    int err;                  /* The first error, with `msg`. */
    char *msg;
};

static void page_fail(struct page *, int e, const char *fmt, ...)
    PRINTF_FMT(3, 4);

static void
page_fail(struct page *pg, int e, const char *fmt, ...)
{
    if (pg->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *what = xvasprintf(fmt, ap);
    va_end(ap);
    pg->err = e;
    pg->msg = xasprintf("cannot write %s/%s: %s", pg->rd->dir,
                        REPORT_PAGE_FILE, what);
    free(what);
}

static void page_note(struct page *, const char *fmt, ...) PRINTF_FMT(2, 3);

static void
page_note(struct page *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = xvasprintf(fmt, ap);
    va_end(ap);
    char *all = xasprintf("%s<li>%s</li>\n", pg->notes ? pg->notes : "",
                          line);
    free(line);
    free(pg->notes);
    pg->notes = all;
}

/* Text as HTML. */
static void
html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Text as a gnuplot string between double quotes (a label in a data
 * file or a title in the script): quotes, backslashes and control
 * characters become '_'. */
static void
gp_text(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ? '_'
                                                                  : *s,
              f);
    fputc('"', f);
}

/* ---- Reading the result files: CSV by column name. ---- */

struct csv {
    FILE *f;
    char *line;
    size_t cap;
    char **names;             /* The header's column names. */
    size_t n_names;
    char **fields;            /* This row's, pointing into `line`. */
    size_t n_fields, cap_fields;
};

/* Splits LINE at commas into C's fields. */
static void
csv_split(struct csv *c, char *line)
{
    line[strcspn(line, "\r\n")] = '\0';
    c->n_fields = 0;
    for (char *s = line;;) {
        if (c->n_fields == c->cap_fields) {
            c->cap_fields = c->cap_fields ? 2 * c->cap_fields : 32;
            c->fields = xrealloc(c->fields,
                                 c->cap_fields * sizeof *c->fields);
        }
        c->fields[c->n_fields++] = s;
        char *comma = strchr(s, ',');
        if (!comma)
            break;
        *comma = '\0';
        s = comma + 1;
    }
}

/* Opens result file NAME and reads its header.  False if the run did not
 * write it (or it has no header); an error other than its absence fails
 * the page. */
static bool
csv_open(struct page *pg, const char *name, struct csv *c)
{
    memset(c, 0, sizeof *c);
    int fd = openat(pg->rd->tmp_fd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            page_fail(pg, errno, "cannot read %s: %s", name,
                      strerror(errno));
        return false;
    }
    c->f = fdopen(fd, "r");
    if (!c->f) {
        close(fd);
        return false;
    }
    if (getline(&c->line, &c->cap, c->f) < 0) {
        fclose(c->f);
        free(c->line);
        return false;
    }
    csv_split(c, c->line);
    c->n_names = c->n_fields;
    c->names = xmalloc(c->n_names * sizeof *c->names);
    for (size_t i = 0; i < c->n_names; i++)
        c->names[i] = xstrdup(c->fields[i]);
    return true;
}

static bool
csv_next(struct csv *c)
{
    if (getline(&c->line, &c->cap, c->f) < 0)
        return false;
    csv_split(c, c->line);
    return true;
}

/* The index of column NAME, or -1. */
static int
csv_col(const struct csv *c, const char *name)
{
    for (size_t i = 0; i < c->n_names; i++)
        if (!strcmp(c->names[i], name))
            return (int)i;
    return -1;
}

/* Column COL of this row ("" for a column the file lacks). */
static const char *
csv_get(const struct csv *c, int col)
{
    return col >= 0 && (size_t)col < c->n_fields ? c->fields[col] : "";
}

static double
csv_num(const struct csv *c, int col)
{
    return strtod(csv_get(c, col), NULL);
}

static void
csv_close(struct csv *c)
{
    if (c->f)
        fclose(c->f);
    for (size_t i = 0; i < c->n_names; i++)
        free(c->names[i]);
    free(c->names);
    free(c->fields);
    free(c->line);
}

/* ---- Plots. ---- */

/* Starts plot TITLE: its data file (returned; NULL after an error or
 * when the page has MAX_PLOTS) and its part of the script, which the
 * caller finishes with a `plot` command naming pg_dat(). */
static FILE *
plot_begin(struct page *pg, const char *title, char *caption)
{
    if (pg->err || pg->n_plots == MAX_PLOTS) {
        free(caption);
        return NULL;
    }
    size_t i = pg->n_plots;
    int e;
    FILE *f = results_dir_create(pg->rd, dat_names[i], &e);
    if (!f || (e = results_dir_note(pg->rd, svg_names[i]))) {
        if (f)
            fclose(f);
        page_fail(pg, e, "cannot create %s: %s", dat_names[i], strerror(e));
        free(caption);
        return NULL;
    }
    pg->plots[i].title = title;
    pg->plots[i].caption = caption;
    pg->n_plots++;
    fprintf(pg->gp, "\nreset\nset terminal svg size 760,330 dynamic "
                    "font \"sans,11\" background \"#ffffff\"\n"
                    "set termoption noenhanced\nset output \"p%zu.svg\"\n"
                    "set grid\nset border 3\nset tics nomirror\n"
                    "set key outside right top\n",
            i);
    return f;
}

/* The current plot's data file, as the script names it. */
static const char *
plot_dat(const struct page *pg)
{
    return dat_names[pg->n_plots - 1] + sizeof WORK_DIR;
}

static void
plot_end(struct page *pg, FILE *f)
{
    int e = ferror(f) ? (errno ? errno : EIO) : 0;
    if (fclose(f) && !e)
        e = errno;
    if (e)
        page_fail(pg, e, "cannot write %s: %s", dat_names[pg->n_plots - 1],
                  strerror(e));
}

/* Keyed series: (x, y) points of one port, queue or flow. */
struct series {
    char *key;                /* Identity, e.g. "leaf0,3,0". */
    char *label;              /* The plot's legend. */
    double *x, *y;
    size_t n, cap;
    double rank;              /* The highest rank are drawn. */
};

struct series_set {
    struct series *s;
    size_t n, cap;
    size_t next;              /* Where the next key probably is: rows
                               * cycle through the keys in one order. */
};

static struct series *
series_find(struct series_set *ss, const char *key, const char *label)
{
    for (size_t k = 0; k < ss->n; k++) {
        size_t i = (ss->next + k) % ss->n;
        if (!strcmp(ss->s[i].key, key)) {
            ss->next = i + 1;
            return &ss->s[i];
        }
    }
    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? 2 * ss->cap : 16;
        ss->s = xrealloc(ss->s, ss->cap * sizeof *ss->s);
    }
    struct series *s = &ss->s[ss->n++];
    memset(s, 0, sizeof *s);
    s->key = xstrdup(key);
    s->label = xstrdup(label);
    ss->next = ss->n;
    return s;
}

static void
series_add(struct series *s, double x, double y)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->x = xrealloc(s->x, s->cap * sizeof *s->x);
        s->y = xrealloc(s->y, s->cap * sizeof *s->y);
    }
    s->x[s->n] = x;
    s->y[s->n] = y;
    s->n++;
}

static void
series_free(struct series_set *ss)
{
    for (size_t i = 0; i < ss->n; i++) {
        free(ss->s[i].key);
        free(ss->s[i].label);
        free(ss->s[i].x);
        free(ss->s[i].y);
    }
    free(ss->s);
}

/* Higher rank first; ties in the order the series appeared. */
static int
cmp_rank(const void *a, const void *b)
{
    const struct series *const *x = a, *const *y = b;
    if ((*x)->rank != (*y)->rank)
        return (*x)->rank < (*y)->rank ? 1 : -1;
    return *x < *y ? -1 : *x > *y;
}

enum thin { THIN_MEAN, THIN_MAX };

/* A time axis: picoseconds shown in us, or in ms for runs of 10 ms and
 * more. */
static double
time_scale(const struct series_set *ss, const char **unit)
{
    double end = 0;
    for (size_t i = 0; i < ss->n; i++)
        if (ss->s[i].n && ss->s[i].x[ss->s[i].n - 1] > end)
            end = ss->s[i].x[ss->s[i].n - 1];
    *unit = end >= 1e10 ? "ms" : "us";
    return end >= 1e10 ? 1e9 : 1e6;
}

/* Draws the MAX_LINES highest-ranked series of SS as lines over time
 * (y multiplied by Y_SCALE), each thinned to MAX_POINTS by THIN. */
static void
plot_lines(struct page *pg, struct series_set *ss, const char *title,
           char *caption, const char *ylabel, double y_scale,
           enum thin thin, const char *style)
{
    if (!ss->n) {
        free(caption);
        return;
    }
    FILE *f = plot_begin(pg, title, caption);
    if (!f)
        return;
    struct series **order = xmalloc(ss->n * sizeof *order);
    for (size_t i = 0; i < ss->n; i++)
        order[i] = &ss->s[i];
    qsort(order, ss->n, sizeof *order, cmp_rank);
    size_t n_lines = ss->n < MAX_LINES ? ss->n : MAX_LINES;
    const char *unit;
    double ts = time_scale(ss, &unit);
    for (size_t l = 0; l < n_lines; l++) {
        const struct series *s = order[l];
        size_t per = (s->n + MAX_POINTS - 1) / MAX_POINTS;
        if (l)
            fputs("\n\n", f);
        for (size_t i = 0; i < s->n; i += per) {
            size_t end = i + per < s->n ? i + per : s->n;
            double y = thin == THIN_MAX ? s->y[i] : 0;
            for (size_t j = i; j < end; j++) {
                if (thin == THIN_MAX)
                    y = s->y[j] > y ? s->y[j] : y;
                else
                    y += s->y[j] / (double)(end - i);
            }
            fprintf(f, "%.9g %.9g\n", s->x[end - 1] / ts, y * y_scale);
        }
    }
    plot_end(pg, f);
    fprintf(pg->gp, "set xlabel \"simulated time (%s)\"\nset ylabel "
                    "\"%s\"\nset yrange [0:*]\nplot ",
            unit, ylabel);
    for (size_t l = 0; l < n_lines; l++) {
        fprintf(pg->gp, "%s\"%s\" index %zu with %s lw 1.5 title ",
                l ? ", " : "", l ? "" : plot_dat(pg), l, style);
        gp_text(pg->gp, order[l]->label);
    }
    fputc('\n', pg->gp);
    free(order);
}

/* Bars: a label and up to 8 values stacked or side by side. */
struct bar {
    char *label;
    double v[8];
    double rank;
    size_t index;             /* Order of addition: breaks rank ties. */
};

struct bars {
    struct bar *b;
    size_t n, cap;
};

static struct bar *
bars_add(struct bars *bs, const char *label)
{
    if (bs->n == bs->cap) {
        bs->cap = bs->cap ? 2 * bs->cap : 16;
        bs->b = xrealloc(bs->b, bs->cap * sizeof *bs->b);
    }
    struct bar *b = &bs->b[bs->n];
    memset(b, 0, sizeof *b);
    b->label = xstrdup(label);
    b->index = bs->n++;
    return b;
}

static struct bar *
bars_find(struct bars *bs, const char *label)
{
    for (size_t i = bs->n; i-- > 0;)
        if (!strcmp(bs->b[i].label, label))
            return &bs->b[i];
    return bars_add(bs, label);
}

static void
bars_free(struct bars *bs)
{
    for (size_t i = 0; i < bs->n; i++)
        free(bs->b[i].label);
    free(bs->b);
}

static int
cmp_bar_rank(const void *a, const void *b)
{
    const struct bar *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Draws BS's bars (the MAX_BARS of highest rank when RANKED, else all in
 * order), values NAMES[0..N_VALUES), clustered or stacked. */
static void
plot_bars(struct page *pg, struct bars *bs, const char *title,
          char *caption, const char *ylabel, const char *const *names,
          size_t n_values, bool stacked, bool ranked, bool log_y)
{
    if (!bs->n) {
        free(caption);
        return;
    }
    FILE *f = plot_begin(pg, title, caption);
    if (!f)
        return;
    size_t n = bs->n;
    if (ranked) {
        qsort(bs->b, n, sizeof *bs->b, cmp_bar_rank);
        if (n > MAX_BARS)
            n = MAX_BARS;
    }
    for (size_t i = 0; i < n; i++) {
        gp_text(f, bs->b[i].label);
        for (size_t v = 0; v < n_values; v++)
            fprintf(f, " %.9g", bs->b[i].v[v]);
        fputc('\n', f);
    }
    plot_end(pg, f);
    fprintf(pg->gp, "set style data histograms\nset style histogram %s\n"
                    "set style fill solid 0.85 border -1\nset boxwidth "
                    "0.85\nset ylabel \"%s\"\n%s\n",
            stacked ? "rowstacked" : "clustered gap 1", ylabel,
            log_y ? "set logscale y\nset yrange [1:*]" : "set yrange [0:*]");
    if (n > 5)
        fputs("set xtics rotate by -35\n", pg->gp);
    fputs("plot ", pg->gp);
    for (size_t v = 0; v < n_values; v++) {
        fprintf(pg->gp, "%s\"%s\" using %zu%s title ", v ? ", " : "",
                v ? "" : plot_dat(pg), v + 2, v ? "" : ":xtic(1)");
        gp_text(pg->gp, names[v]);
    }
    fputc('\n', pg->gp);
}

/* FCT slowdown by flow size: fct_by_size.csv's rows for all flows. */
static void
plot_slowdown_by_size(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "fct_by_size.csv", &c))
        return;
    int protocol = csv_col(&c, "protocol"), bucket = csv_col(&c, "bucket"),
        completed = csv_col(&c, "completed"), p50 = csv_col(&c, "p50"),
        p95 = csv_col(&c, "p95"), p99 = csv_col(&c, "p99");
    struct bars bs = { 0 };
    double lo = INFINITY, hi = 0;
    while (csv_next(&c)) {
        if (strcmp(csv_get(&c, protocol), "all") || !csv_num(&c, completed))
            continue;
        struct bar *b = bars_add(&bs, csv_get(&c, bucket));
        b->v[0] = csv_num(&c, p50);
        b->v[1] = csv_num(&c, p95);
        b->v[2] = csv_num(&c, p99);
        lo = b->v[0] < lo ? b->v[0] : lo;
        hi = b->v[2] > hi ? b->v[2] : hi;
    }
    csv_close(&c);
    static const char *const names[] = { "p50", "p95", "p99" };
    if (!bs.n)
        page_note(pg, "No flow completed: no FCT slowdown to plot.");
    plot_bars(pg, &bs, "FCT slowdown by flow size",
              xstrdup("Percentiles of FCT / ideal FCT over the completed "
                      "flows of each size bucket (<a href=\"fct_by_size.csv"
                      "\">fct_by_size.csv</a>, protocol <code>all</code>)."),
              "slowdown", names, 3, false, false, lo > 0 && hi / lo > 20);
    bars_free(&bs);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The CDF of every completed flow's slowdown (flows.csv). */
static void
plot_slowdown_cdf(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "flows.csv", &c))
        return;
    int slowdown = csv_col(&c, "slowdown"),
        completed = csv_col(&c, "completed");
    double *v = NULL;
    size_t n = 0, cap = 0;
    while (csv_next(&c)) {
        if (strcmp(csv_get(&c, completed), "1"))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = csv_num(&c, slowdown);
    }
    csv_close(&c);
    if (n) {
        qsort(v, n, sizeof *v, cmp_double);
        FILE *f = plot_begin(pg, "FCT slowdown CDF",
                             xasprintf("The fraction of the %zu completed "
                                       "flows whose slowdown is at most x "
                                       "(<a href=\"flows.csv\">flows.csv"
                                       "</a>).", n));
        if (f) {
            /* At most MAX_POINTS steps: the nearest-rank quantiles. */
            size_t steps = n < MAX_POINTS ? n : MAX_POINTS;
            for (size_t i = 1; i <= steps; i++) {
                size_t rank = (size_t)ceil((double)i * (double)n /
                                           (double)steps);
                fprintf(f, "%.9g %.9g\n", v[rank - 1],
                        (double)rank / (double)n);
            }
            plot_end(pg, f);
            fprintf(pg->gp, "set xlabel \"FCT slowdown\"\nset ylabel "
                            "\"fraction of flows\"\nset yrange [0:1]\n%s"
                            "plot \"%s\" using 1:2 with steps lw 2 title "
                            "\"all flows\"\n",
                    v[0] > 0 && v[n - 1] / v[0] > 10 ? "set logscale x\n"
                                                      : "",
                    plot_dat(pg));
        }
    }
    free(v);
}

/* Reads a file of per-port samples (link_series.csv, queue_series.csv)
 * into SS: one series per port (and class, when BY_TC) of column VALUE
 * over time_ps, ranked by the sum of its values, or their peak when PEAK.
 * Closes C. */
static void
read_port_series(struct csv *c, const char *value, bool by_tc, bool peak,
                 struct series_set *ss)
{
    int t = csv_col(c, "time_ps"), node = csv_col(c, "node"),
        port = csv_col(c, "port"), to = csv_col(c, "to"),
        tc = csv_col(c, "tc"), v = csv_col(c, value);
    while (csv_next(c)) {
        const char *k = by_tc ? csv_get(c, tc) : "";
        char *key = xasprintf("%s,%s,%s", csv_get(c, node), csv_get(c, port),
                              k);
        char *label = xasprintf("%s > %s%s%s", csv_get(c, node),
                                csv_get(c, to), by_tc ? " tc " : "", k);
        struct series *s = series_find(ss, key, label);
        free(key);
        free(label);
        double y = csv_num(c, v);
        series_add(s, csv_num(c, t), y);
        s->rank = peak ? (y > s->rank ? y : s->rank) : s->rank + y;
    }
    csv_close(c);
}

/* Reads into BS one bar per row of FILE whose column VALUE is positive,
 * ranked by it and labelled "FROM>to" (and " tcN" with column TC).
 * False if the run did not write FILE. */
static bool
read_ranked_bars(struct page *pg, const char *file, const char *from,
                 const char *tc, const char *value, struct bars *bs)
{
    struct csv c;
    if (!csv_open(pg, file, &c))
        return false;
    int a = csv_col(&c, from), b = csv_col(&c, "to"),
        k = tc ? csv_col(&c, tc) : -1, v = csv_col(&c, value);
    while (csv_next(&c)) {
        if (csv_num(&c, v) <= 0)
            continue;
        char *label = xasprintf("%s>%s%s%s", csv_get(&c, a), csv_get(&c, b),
                                tc ? " tc" : "", csv_get(&c, k));
        struct bar *bar = bars_add(bs, label);
        free(label);
        bar->v[0] = bar->rank = csv_num(&c, v);
    }
    csv_close(&c);
    return true;
}

/* Link utilization over time (link_series.csv), or without it the run's
 * average for the busiest links (links.csv). */
static void
plot_links(struct page *pg)
{
    struct csv c;
    if (csv_open(pg, "link_series.csv", &c)) {
        struct series_set ss = { 0 };
        read_port_series(&c, "utilization", false, false, &ss);
        plot_lines(pg, &ss, "Link utilization over time",
                   xasprintf("The %d busiest of the %zu monitored links "
                             "(highest mean utilization), each interval's "
                             "utilization (<a href=\"link_series.csv\">"
                             "link_series.csv</a>).",
                             ss.n < MAX_LINES ? (int)ss.n : MAX_LINES,
                             ss.n),
                   "utilization", 1.0, THIN_MEAN, "lines");
        series_free(&ss);
        return;
    }
    struct bars bs = { 0 };
    if (!read_ranked_bars(pg, "links.csv", "from", NULL, "utilization", &bs))
        return;
    static const char *const names[] = { "utilization" };
    plot_bars(pg, &bs, "Busiest links",
              xstrdup("Average utilization over the run of the busiest link "
                      "directions (<a href=\"links.csv\">links.csv</a>); "
                      "<code>monitor.links</code> samples it over time."),
              "utilization", names, 1, false, true, false);
    if (!bs.n)
        page_note(pg, "No link carried a byte.");
    bars_free(&bs);
}

/* Queue occupancy of the monitored ports (queue_series.csv). */
static void
plot_queues(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "queue_series.csv", &c))
        return;
    struct series_set ss = { 0 };
    read_port_series(&c, "bytes", true, true, &ss);
    plot_lines(pg, &ss, "Queue occupancy",
               xasprintf("Egress queue bytes of the monitored ports: the %d "
                         "with the highest peak of %zu queues, each point "
                         "the peak of its samples (<a href=\""
                         "queue_series.csv\">queue_series.csv</a>).",
                         ss.n < MAX_LINES ? (int)ss.n : MAX_LINES, ss.n),
               "queued (KB)", 1e-3, THIN_MAX, "steps");
    series_free(&ss);
}

/* Time each port and class spent paused (pfc.csv). */
static void
plot_pfc(struct page *pg)
{
    struct bars bs = { 0 };
    if (!read_ranked_bars(pg, "pfc.csv", "node", "tc", "paused_fraction",
                          &bs))
        return;
    static const char *const names[] = { "paused fraction" };
    if (!bs.n)
        page_note(pg, "PFC is on and no port was paused.");
    plot_bars(pg, &bs, "PFC pauses",
              xstrdup("The fraction of the run each port's class could not "
                      "send because its peer paused it, most paused first "
                      "(<a href=\"pfc.csv\">pfc.csv</a>)."),
              "fraction of the run paused", names, 1, false, true, false);
    bars_free(&bs);
}

/* Drops by traffic class: queues.csv's switch queues. */
static void
plot_drops(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "queues.csv", &c))
        return;
    int tc = csv_col(&c, "tc"), drops = csv_col(&c, "drops");
    double by_tc[8] = { 0 }, total = 0;
    while (csv_next(&c)) {
        long k = strtol(csv_get(&c, tc), NULL, 10);
        if (k >= 0 && k < 8) {
            by_tc[k] += csv_num(&c, drops);
            total += csv_num(&c, drops);
        }
    }
    csv_close(&c);
    if (!total) {
        page_note(pg, "No switch queue dropped a packet "
                      "(<a href=\"queues.csv\">queues.csv</a>).");
        return;
    }
    struct bars bs = { 0 };
    for (int k = 0; k < 8; k++) {
        char label[16];
        snprintf(label, sizeof label, "tc %d", k);
        bars_add(&bs, label)->v[0] = by_tc[k];
    }
    static const char *const names[] = { "drops" };
    plot_bars(pg, &bs, "Drops by traffic class",
              xstrdup("Packets the switch queues of each class refused "
                      "(<a href=\"queues.csv\">queues.csv</a>; by reason in "
                      "summary.json's <code>drops</code>)."),
              "packets dropped", names, 1, false, false, false);
    bars_free(&bs);
}

/* Cores busy per host, by activity (hosts.csv). */
static void
plot_cpu(struct page *pg)
{
    static const char *const acts[] = { "app", "stack", "irq", "vhost",
                                        "vmm", "exits", "rdma" };
    struct csv c;
    if (!csv_open(pg, "hosts.csv", &c))
        return;
    int host = csv_col(&c, "host"), col[ARRAY_SIZE(acts)];
    for (size_t a = 0; a < ARRAY_SIZE(acts); a++)
        col[a] = csv_col(&c, acts[a]);
    struct bars bs = { 0 };
    while (csv_next(&c)) {
        struct bar *b = bars_find(&bs, csv_get(&c, host));
        for (size_t a = 0; a < ARRAY_SIZE(acts); a++) {
            b->v[a] += csv_num(&c, col[a]);
            b->rank += csv_num(&c, col[a]);
        }
    }
    csv_close(&c);
    plot_bars(pg, &bs, "CPU by activity",
              xstrdup("Cores busy per host (the busiest), by what they ran "
                      "(<a href=\"hosts.csv\">hosts.csv</a>, summed over each "
                      "host's cores)."),
              "cores busy", acts, ARRAY_SIZE(acts), true, true, false);
    bars_free(&bs);
}

/* VM exits by reason (vms.csv). */
static void
plot_exits(struct page *pg)
{
    static const char *const reasons[] = {
        "io", "mmio", "hlt", "ept_violation", "interrupt_window", "eoi",
        "external_interrupt",
    };
    struct csv c;
    if (!csv_open(pg, "vms.csv", &c))
        return;
    int host = csv_col(&c, "host"), vm = csv_col(&c, "vm"),
        col[ARRAY_SIZE(reasons)];
    for (size_t r = 0; r < ARRAY_SIZE(reasons); r++) {
        char name[40];
        snprintf(name, sizeof name, "exits_%s", reasons[r]);
        col[r] = csv_col(&c, name);
    }
    struct bars bs = { 0 };
    while (csv_next(&c)) {
        char *label = xasprintf("%s/%s", csv_get(&c, host), csv_get(&c, vm));
        struct bar *b = bars_add(&bs, label);
        free(label);
        for (size_t r = 0; r < ARRAY_SIZE(reasons); r++) {
            b->v[r] = csv_num(&c, col[r]);
            b->rank += b->v[r];
        }
    }
    csv_close(&c);
    plot_bars(pg, &bs, "VM exits",
              xstrdup("VM exits of each VM (the most), by reason "
                      "(<a href=\"vms.csv\">vms.csv</a>)."),
              "exits", reasons, ARRAY_SIZE(reasons), true, true, false);
    bars_free(&bs);
}

/* A chosen flow's series over time, from FILE's column COLUMN. */
static void
plot_flow_series(struct page *pg, const char *file, const char *column,
                 const char *title, const char *what, const char *ylabel,
                 double y_scale)
{
    struct csv c;
    if (!csv_open(pg, file, &c))
        return;
    int t = csv_col(&c, "time_ps"), flow = csv_col(&c, "flow"),
        y = csv_col(&c, column);
    struct series_set ss = { 0 };
    while (csv_next(&c)) {
        char *label = xasprintf("flow %s", csv_get(&c, flow));
        struct series *s = series_find(&ss, csv_get(&c, flow), label);
        free(label);
        series_add(s, csv_num(&c, t), csv_num(&c, y));
    }
    csv_close(&c);
    /* The first flows chosen, in the file's order. */
    for (size_t i = 0; i < ss.n; i++)
        ss.s[i].rank = -(double)i;
    plot_lines(pg, &ss, title,
               xasprintf("%s of the first %d of the %zu chosen flows "
                         "(<a href=\"%s\">%s</a>).",
                         what, ss.n < MAX_LINES ? (int)ss.n : MAX_LINES,
                         ss.n, file, file),
               ylabel, y_scale, THIN_MEAN, "steps");
    series_free(&ss);
}

/* ---- The summary. ---- */

/* NODE as inline HTML: scalars as they are, mappings as "key value"
 * lists, sequences comma-separated. */
static void
html_node(FILE *f, const struct ynode *node, int depth)
{
    switch (node->kind) {
    case YNODE_SCALAR:
        html_text(f, node->text);
        break;
    case YNODE_MAPPING:
        if (depth)
            fputs("{", f);
        for (size_t i = 0; i < node->n_pairs; i++) {
            fprintf(f, "%s<span class=\"k\">", i ? ", " : "");
            html_text(f, node->pairs[i].key);
            fputs("</span> ", f);
            html_node(f, node->pairs[i].value, depth + 1);
        }
        if (depth)
            fputs("}", f);
        break;
    case YNODE_SEQUENCE:
        fputs("[", f);
        for (size_t i = 0; i < node->n_items; i++) {
            fputs(i ? ", " : "", f);
            html_node(f, node->items[i], depth + 1);
        }
        fputs("]", f);
        break;
    }
}

/* Reads result file NAME whole: allocated, NUL-terminated, *LEN bytes. */
static char *
read_whole(struct page *pg, const char *name, size_t *len)
{
    int fd = openat(pg->rd->tmp_fd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        page_fail(pg, errno, "cannot read %s: %s", name, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *text = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            text = xrealloc(text, cap *= 2);
        ssize_t r = read(fd, text + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            page_fail(pg, errno, "cannot read %s: %s", name,
                      strerror(errno));
            free(text);
            close(fd);
            return NULL;
        }
        if (!r)
            break;
        n += (size_t)r;
    }
    close(fd);
    text[n] = '\0';
    *len = n;
    return text;
}

/* The page's head and summary table: summary.json but for its
 * wall-clock figures. */
static void
write_summary(struct page *pg, FILE *f)
{
    size_t len;
    char *text = read_whole(pg, "summary.json", &len);
    struct ynode *root = NULL;
    char *err = NULL;
    if (text && (!ytree_parse("summary.json", text, len, &root, &err) ||
                 !root || root->kind != YNODE_MAPPING)) {
        page_fail(pg, EINVAL, "%s", err ? err : "summary.json: no mapping");
        free(err);
    }
    const struct ynode *name = root ? ytree_get(root, "scenario") : NULL;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
          "\"utf-8\">\n<title>dcsim report: ", f);
    html_text(f, name && name->kind == YNODE_SCALAR ? name->text : "?");
    fputs("</title>\n<style>\n"
          "body { font: 15px/1.45 sans-serif; margin: 2em auto; "
          "max-width: 1000px; padding: 0 1em; color: #222; }\n"
          "h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; "
          "border-bottom: 1px solid #ccc; }\n"
          "table.summary { border-collapse: collapse; font-size: 0.9em; }\n"
          "table.summary th, table.summary td { text-align: left; "
          "vertical-align: top; padding: 2px 8px; "
          "border-bottom: 1px solid #eee; }\n"
          "table.summary th { white-space: nowrap; font-weight: 600; }\n"
          ".k { color: #666; }\n"
          "figure { margin: 1.2em 0; } figure svg { width: 100%; "
          "height: auto; max-width: 900px; }\n"
          "figcaption { color: #444; font-size: 0.9em; }\n"
          "</style>\n</head>\n<body>\n<h1>dcsim report: ", f);
    html_text(f, name && name->kind == YNODE_SCALAR ? name->text : "?");
    fputs("</h1>\n<p>What the run wrote, drawn: the summary, then the plots "
          "of the files it holds (each names its file), then the files "
          "themselves. Rebuild this page with <code>dcsim report DIR"
          "</code>; what each figure means: docs/output.md.</p>\n"
          "<h2>Summary</h2>\n<table class=\"summary\">\n", f);
    for (size_t i = 0; root && i < root->n_pairs; i++) {
        const struct ypair *p = &root->pairs[i];
        /* Wall-clock figures differ between runs; the page does not. */
        if (!strcmp(p->key, "wall_seconds"))
            continue;
        fputs("<tr><th>", f);
        html_text(f, p->key);
        fputs("</th><td>", f);
        html_node(f, p->value, 0);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    ytree_free(root);
    free(text);
}

/* ---- gnuplot. ---- */

bool
report_page_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (const char *s = path;;) {
        size_t n = strcspn(s, ":");
        char *exe = xasprintf("%.*s%sgnuplot", (int)n, n ? s : "",
                              n ? "/" : "");
        struct stat st;
        bool ok = !stat(exe, &st) && S_ISREG(st.st_mode) &&
                  !access(exe, X_OK);
        free(exe);
        if (ok)
            return true;
        if (!s[n])
            return false;
        s += n + 1;
    }
}

/* Runs gnuplot on the script in the work directory WORK_FD.  0, or an
 * error set on PG with gnuplot's first line of errors. */
static void
run_gnuplot(struct page *pg, int work_fd)
{
    int e = results_dir_note(pg->rd, errors_name);
    if (e) {
        page_fail(pg, e, "%s", strerror(e));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        page_fail(pg, errno, "cannot start gnuplot: %s", strerror(errno));
        return;
    }
    if (!pid) {
        /* Its own process group: a terminal's Ctrl-C is for dcsim, which
         * then still writes its results, report included. */
        setpgid(0, 0);
        int out = openat(work_fd, "gnuplot.err",
                         O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int in = open("/dev/null", O_RDONLY);
        if (out < 0 || in < 0 || fchdir(work_fd) || dup2(in, 0) < 0 ||
            dup2(out, 1) < 0 || dup2(out, 2) < 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
        _exit(127);
    }
    pg->rd->helper_pid = pid;
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        continue;
    pg->rd->helper_pid = 0;
    if (WIFEXITED(status) && !WEXITSTATUS(status))
        return;
    /* Its first line of complaint. */
    char line[200] = "";
    int fd = openat(work_fd, "gnuplot.err", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t r = read(fd, line, sizeof line - 1);
        line[r > 0 ? r : 0] = '\0';
        close(fd);
        for (char *s = line; *s; s++)
            if (*s == '\n' && s[1])
                *s = ' ';
        line[strcspn(line, "\n")] = '\0';
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        page_fail(pg, ENOENT, "cannot run gnuplot");
    else
        page_fail(pg, EIO, "gnuplot failed (%s %d)%s%s",
                  WIFEXITED(status) ? "exit status" : "signal",
                  WIFEXITED(status) ? WEXITSTATUS(status)
                                    : WTERMSIG(status),
                  *line ? ": " : "", line);
}

/* Copies plot I's SVG into the page, with every id and reference to one
 * prefixed "pI-" (each SVG of gnuplot's defines the same ids). */
static void
inline_svg(struct page *pg, FILE *out, size_t i)
{
    size_t len;
    char *svg = read_whole(pg, svg_names[i], &len);
    if (!svg)
        return;
    const char *s = strstr(svg, "<svg");
    if (!s) {
        page_fail(pg, EINVAL, "%s holds no <svg>", svg_names[i]);
        free(svg);
        return;
    }
    static const char *const refs[] = { "id='", "id=\"", "href='#",
                                        "href=\"#", "url(#" };
    while (*s) {
        size_t r;
        for (r = 0; r < ARRAY_SIZE(refs); r++)
            if (!strncmp(s, refs[r], strlen(refs[r])))
                break;
        if (r < ARRAY_SIZE(refs)) {
            fprintf(out, "%sp%zu-", refs[r], i);
            s += strlen(refs[r]);
        } else {
            fputc(*s++, out);
        }
    }
    free(svg);
}

static int
cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The list of result files, linked. */
static void
write_files(struct page *pg, FILE *f)
{
    int fd = openat(pg->rd->tmp_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        page_fail(pg, errno, "cannot list the results: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0;
    const struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        if (de->d_name[0] == '.' || !strcmp(de->d_name, REPORT_PAGE_FILE) ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
            !S_ISREG(st.st_mode))
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    fputs("<h2>Files</h2>\n<ul>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<li><a href=\"", f);
        html_text(f, names[i]);
        fputs("\">", f);
        html_text(f, names[i]);
        fputs("</a></li>\n", f);
        free(names[i]);
    }
    fputs("</ul>\n", f);
    free(names);
}

static void
remove_work(struct page *pg, int work_fd)
{
    for (size_t i = 0; i < pg->n_plots; i++) {
        unlinkat(pg->rd->tmp_fd, dat_names[i], 0);
        unlinkat(pg->rd->tmp_fd, svg_names[i], 0);
    }
    unlinkat(pg->rd->tmp_fd, script_name, 0);
    unlinkat(pg->rd->tmp_fd, errors_name, 0);
    if (work_fd >= 0)
        close(work_fd);
    unlinkat(pg->rd->tmp_fd, WORK_DIR, AT_REMOVEDIR);
    pg->rd->work_dir = NULL;
}

int
report_page_write(struct results_dir *rd, char **err)
{
    struct page pg = { .rd = rd };
    int work_fd = -1;
    int e = results_dir_mkwork(rd, WORK_DIR, &work_fd);
    if (e) {
        page_fail(&pg, e, "cannot create %s: %s", WORK_DIR, strerror(e));
    } else if (!(pg.gp = results_dir_create(rd, script_name, &e))) {
        page_fail(&pg, e, "cannot create %s: %s", script_name, strerror(e));
    } else {
        fputs("# The plots of report.html (dcsim report-page.c).\n", pg.gp);
        plot_slowdown_by_size(&pg);
        plot_slowdown_cdf(&pg);
        plot_links(&pg);
        plot_queues(&pg);
        plot_pfc(&pg);
        plot_drops(&pg);
        plot_cpu(&pg);
        plot_exits(&pg);
        plot_flow_series(&pg, "rate_series.csv", "rate_bps",
                         "DCQCN / HPCC rates", "Sending rate", "Gb/s",
                         1e-9);
        plot_flow_series(&pg, "tcp_series.csv", "cwnd_bytes",
                         "TCP congestion windows", "Congestion window",
                         "cwnd (KB)", 1e-3);
        e = ferror(pg.gp) ? EIO : 0;
        if (fclose(pg.gp) && !e)
            e = errno;
        if (e)
            page_fail(&pg, e, "cannot write %s: %s", script_name,
                      strerror(e));
        if (pg.n_plots && !pg.err)
            run_gnuplot(&pg, work_fd);
    }
    FILE *f = NULL;
    if (!pg.err && !(f = results_dir_create(rd, REPORT_PAGE_FILE, &e)))
        page_fail(&pg, e, "%s", strerror(e));
    if (f) {
        errno = 0;
        write_summary(&pg, f);
        fputs("<h2>Plots</h2>\n", f);
        if (!pg.n_plots)
            fputs("<p>The run's files hold nothing to plot.</p>\n", f);
        for (size_t i = 0; i < pg.n_plots && !pg.err; i++) {
            fprintf(f, "<figure id=\"plot-%zu\">\n<h3>", i);
            html_text(f, pg.plots[i].title);
            fputs("</h3>\n", f);
            inline_svg(&pg, f, i);
            fprintf(f, "<figcaption>%s</figcaption>\n</figure>\n",
                    pg.plots[i].caption);
        }
        if (pg.notes)
            fprintf(f, "<h2>Not plotted</h2>\n<ul>\n%s</ul>\n", pg.notes);
        write_files(&pg, f);
        fputs("<p>Drawn by gnuplot; dcsim " DCSIM_VERSION ".</p>\n"
              "</body>\n</html>\n", f);
        e = ferror(f) ? (errno ? errno : EIO) : 0;
        if (fflush(f) && !e)
            e = errno;
        if (fclose(f) && !e)
            e = errno;
        if (e)
            page_fail(&pg, e, "%s", strerror(e));
    }
    if (work_fd >= 0 || rd->work_dir)
        remove_work(&pg, work_fd);
    for (size_t i = 0; i < pg.n_plots; i++)
        free(pg.plots[i].caption);
    free(pg.notes);
    if (pg.err)
        *err = pg.msg;
    return pg.err;
}
