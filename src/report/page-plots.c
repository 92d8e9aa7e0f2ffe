/* The plots of report.html, each from the result files it reads; a
 * plot whose files are absent or empty is left out, or noted on the
 * page.  See report-page.h and docs/output.md. */
#include "report/page-plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/results-dir.h"

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

/* The monitored ports' pauses over time (pfc_series.csv): a line per
 * port and class that was paused at all. */
static void
plot_pfc_series(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "pfc_series.csv", &c))
        return;
    struct series_set ss = { 0 };
    read_port_series(&c, "paused_fraction", true, false, &ss);
    /* Only the series with a pause; a rank is the sum of fractions. */
    size_t n_rows = ss.n, kept = 0;
    for (size_t i = 0; i < ss.n; i++) {
        if (ss.s[i].rank > 0) {
            ss.s[kept++] = ss.s[i];
        } else {
            free(ss.s[i].key);
            free(ss.s[i].label);
            free(ss.s[i].x);
            free(ss.s[i].y);
        }
    }
    ss.n = kept;
    ss.next = 0;
    if (n_rows && !kept)
        page_note(pg, "No monitored port was paused "
                      "(<a href=\"pfc_series.csv\">pfc_series.csv</a>).");
    plot_lines(pg, &ss, "PFC pauses over time",
               xasprintf("The fraction of each interval that a monitored "
                         "port's class could not send because its peer "
                         "paused it (the %d most paused of %zu paused "
                         "classes; <a href=\"pfc_series.csv\">"
                         "pfc_series.csv</a>).",
                         kept < MAX_LINES ? (int)kept : MAX_LINES, kept),
               "fraction paused", 1.0, THIN_MEAN, "steps");
    series_free(&ss);
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

void
page_plots_draw(struct page *pg)
{
        plot_slowdown_by_size(pg);
        plot_slowdown_cdf(pg);
        plot_links(pg);
        plot_queues(pg);
        plot_pfc(pg);
        plot_pfc_series(pg);
        plot_drops(pg);
        plot_cpu(pg);
        plot_exits(pg);
        plot_flow_series(pg, "rate_series.csv", "rate_bps",
                         "DCQCN / HPCC rates", "Sending rate", "Gb/s",
                         1e-9);
        plot_flow_series(pg, "tcp_series.csv", "cwnd_bytes",
                         "TCP congestion windows", "Congestion window",
                         "cwnd (KB)", 1e-3);
}
