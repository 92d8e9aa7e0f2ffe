/* report.html from a results directory's files, with gnuplot's plots;
 * see report-page.h and docs/output.md. */
#define _DEFAULT_SOURCE 1     /* fdopendir(), setpgid(). */
#include "report/report-page.h"
#include "report/page-plot.h"

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
#define PLOT_NAMES(ext) { \
    WORK_DIR "/p0." ext, WORK_DIR "/p1." ext, WORK_DIR "/p2." ext, \
    WORK_DIR "/p3." ext, WORK_DIR "/p4." ext, WORK_DIR "/p5." ext, \
    WORK_DIR "/p6." ext, WORK_DIR "/p7." ext, WORK_DIR "/p8." ext, \
    WORK_DIR "/p9." ext, WORK_DIR "/p10." ext, WORK_DIR "/p11." ext, \
    WORK_DIR "/p12." ext, WORK_DIR "/p13." ext, WORK_DIR "/p14." ext, \
    WORK_DIR "/p15." ext, WORK_DIR "/p16." ext, WORK_DIR "/p17." ext, \
    WORK_DIR "/p18." ext, WORK_DIR "/p19." ext, WORK_DIR "/p20." ext, \
    WORK_DIR "/p21." ext, WORK_DIR "/p22." ext, WORK_DIR "/p23." ext, \
    WORK_DIR "/p24." ext, WORK_DIR "/p25." ext, WORK_DIR "/p26." ext, \
    WORK_DIR "/p27." ext, WORK_DIR "/p28." ext, WORK_DIR "/p29." ext, \
    WORK_DIR "/p30." ext, WORK_DIR "/p31." ext }
static const char *const dat_names[] = PLOT_NAMES("dat");
static const char *const svg_names[] = PLOT_NAMES("svg");
_Static_assert(ARRAY_SIZE(dat_names) == MAX_PLOTS,
               "a work file name per plot");
static const char script_name[] = WORK_DIR "/plots.gp";
static const char errors_name[] = WORK_DIR "/gnuplot.err";



void
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

void
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

/* The plots begun from now on go under HEADING (a static string), a
 * section of their own after the page's first, "Plots". */
void
page_section(struct page *pg, const char *heading)
{
    pg->section = heading;
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
void
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
bool
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

bool
csv_next(struct csv *c)
{
    if (getline(&c->line, &c->cap, c->f) < 0)
        return false;
    csv_split(c, c->line);
    return true;
}

/* The index of column NAME, or -1. */
int
csv_col(const struct csv *c, const char *name)
{
    for (size_t i = 0; i < c->n_names; i++)
        if (!strcmp(c->names[i], name))
            return (int)i;
    return -1;
}

/* Column COL of this row ("" for a column the file lacks). */
const char *
csv_get(const struct csv *c, int col)
{
    return col >= 0 && (size_t)col < c->n_fields ? c->fields[col] : "";
}

double
csv_num(const struct csv *c, int col)
{
    return strtod(csv_get(c, col), NULL);
}

void
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
FILE *
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
    pg->plots[i].section = pg->section;
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
const char *
plot_dat(const struct page *pg)
{
    return dat_names[pg->n_plots - 1] + sizeof WORK_DIR;
}

void
plot_end(struct page *pg, FILE *f)
{
    int e = ferror(f) ? (errno ? errno : EIO) : 0;
    if (fclose(f) && !e)
        e = errno;
    if (e)
        page_fail(pg, e, "cannot write %s: %s", dat_names[pg->n_plots - 1],
                  strerror(e));
}



struct series *
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

void
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

void
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
void
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



struct bar *
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

struct bar *
bars_find(struct bars *bs, const char *label)
{
    for (size_t i = bs->n; i-- > 0;)
        if (!strcmp(bs->b[i].label, label))
            return &bs->b[i];
    return bars_add(bs, label);
}

void
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
void
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

/* Number KEY at summary.json's top level, or -1 if it has none. */
double
page_summary_num(struct page *pg, const char *key)
{
    size_t len;
    char *text = read_whole(pg, "summary.json", &len);
    struct ynode *root = NULL;
    char *err = NULL;
    double v = -1;
    if (text && ytree_parse("summary.json", text, len, &root, &err) &&
        root && root->kind == YNODE_MAPPING) {
        const struct ynode *n = ytree_get(root, key);
        if (n && n->kind == YNODE_SCALAR)
            v = strtod(n->text, NULL);
    }
    free(err);
    ytree_free(root);
    free(text);
    return v;
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
        /* Every reference starts with one of these letters: the text up
         * to the next of them goes out whole. */
        size_t run = strcspn(s, "ihu");
        fwrite(s, 1, run, out);
        s += run;
        if (!*s)
            break;
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
        page_plots_draw(&pg);
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
            const char *h = pg.plots[i].section;
            if (h && (!i || h != pg.plots[i - 1].section)) {
                fputs("<h2>", f);
                html_text(f, h);
                fputs("</h2>\n", f);
            }
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
