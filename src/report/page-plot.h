/* The report page's parts that its plots share (report-page.c), and the
 * plots themselves (page-plots.c): the page being written, result files
 * read as CSV by column name, keyed series and bar sets, and the two
 * kinds of chart (lines over time, bars) a plot writes into the gnuplot
 * script.  Internal to src/report/. */
#ifndef DCSIM_REPORT_PAGE_PLOT_H
#define DCSIM_REPORT_PAGE_PLOT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/util.h"

struct results_dir;

/* Plots a page holds at most: every kind of plot page-plots.c draws
 * fits. */
#define MAX_PLOTS 32
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
    const char *section;      /* Its heading on the page, or NULL for
                               * the first one, "Plots". */
};

struct page {
    struct results_dir *rd;
    FILE *gp;                 /* The gnuplot script. */
    struct plot plots[MAX_PLOTS];
    size_t n_plots;
    const char *section;      /* The section the next plot opens in
                               * (page_section()); NULL: "Plots". */
    char *notes;              /* HTML list items: what has no plot. */
    int err;                  /* The first error, with `msg`. */
    char *msg;
};

struct csv {
    FILE *f;
    char *line;
    size_t cap;
    char **names;             /* The header's column names. */
    size_t n_names;
    char **fields;            /* This row's, pointing into `line`. */
    size_t n_fields, cap_fields;
};

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

/* How plot_lines() cuts a long series to MAX_POINTS: each run's mean,
 * or its peak. */
enum thin { THIN_MEAN, THIN_MAX };

/* Defined, and described, in report-page.c. */
void page_note(struct page *pg, const char *fmt, ...) PRINTF_FMT(2, 3);
void page_section(struct page *pg, const char *heading);
void gp_text(FILE *f, const char *s);
double page_summary_num(struct page *pg, const char *key);
void page_fail(struct page *pg, int e, const char *fmt, ...)
    PRINTF_FMT(3, 4);
bool csv_open(struct page *pg, const char *name, struct csv *c);
bool csv_next(struct csv *c);
int csv_col(const struct csv *c, const char *name);
const char *csv_get(const struct csv *c, int col);
double csv_num(const struct csv *c, int col);
void csv_close(struct csv *c);
FILE *plot_begin(struct page *pg, const char *title, char *caption);
const char *plot_dat(const struct page *pg);
void plot_end(struct page *pg, FILE *f);
struct series *series_find(struct series_set *ss, const char *key,
                           const char *label);
void series_add(struct series *s, double x, double y);
void series_free(struct series_set *ss);
void plot_lines(struct page *pg, struct series_set *ss, const char *title,
                char *caption, const char *ylabel, double y_scale,
                enum thin thin, const char *style);
struct bar *bars_add(struct bars *bs, const char *label);
struct bar *bars_find(struct bars *bs, const char *label);
void bars_free(struct bars *bs);
void plot_bars(struct page *pg, struct bars *bs, const char *title,
               char *caption, const char *ylabel, const char *const *names,
               size_t n_values, bool stacked, bool ranked, bool log_y);

/* Every plot whose data the results directory holds (page-plots.c). */
void page_plots_draw(struct page *pg);

#endif
