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

/* COLS[i]: the index of column PREFIX NAMES[i] of C, or -1. */
static void
csv_cols_prefixed(const struct csv *c, const char *prefix,
                  const char *const *names, size_t n, int *cols)
{
    for (size_t i = 0; i < n; i++) {
        char *name = xasprintf("%s%s", prefix, names[i]);
        cols[i] = csv_col(c, name);
        free(name);
    }
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
    csv_cols_prefixed(&c, "exits_", reasons, ARRAY_SIZE(reasons), col);
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

/* ---- Storage (storage.csv). ---- */

/* Reads storage.csv's jobs that completed an I/O into five sets of
 * bars, one per plot, each bar labelled "jobN initiator>target
 * protocol" (an object job's with its op) and ranked so that the first MAX_BARS jobs show.  False if
 * the run wrote no storage.csv. */
static bool
read_storage(struct page *pg, struct bars *iops, struct bars *lat,
             struct bars *parts, struct bars *cpu)
{
    static const char *const lat_cols[] = { "lat_p50_us", "lat_p99_us",
                                            "lat_p999_us", "lat_max_us" };
    /* The breakdown's stages, the initiator's two summed. */
    static const char *const part_cols[][2] = {
        { "submit_us", "complete_us" }, { "fabric_us", NULL },
        { "target_us", NULL }, { "device_us", NULL },
        { "replicas_us", NULL },
    };
    struct csv c;
    if (!csv_open(pg, "storage.csv", &c))
        return false;
    int job = csv_col(&c, "job"), ini = csv_col(&c, "initiator"),
        tgt = csv_col(&c, "target"), proto = csv_col(&c, "protocol"),
        ops = csv_col(&c, "rw"),
        ios = csv_col(&c, "ios"), iops_col = csv_col(&c, "iops"),
        cpu_ini = csv_col(&c, "initiator_cpu_us_per_io"),
        cpu_tgt = csv_col(&c, "target_cpu_us_per_io");
    int lat_col[ARRAY_SIZE(lat_cols)], part_col[ARRAY_SIZE(part_cols)][2];
    for (size_t i = 0; i < ARRAY_SIZE(lat_cols); i++)
        lat_col[i] = csv_col(&c, lat_cols[i]);
    for (size_t i = 0; i < ARRAY_SIZE(part_cols); i++)
        for (size_t k = 0; k < 2; k++)
            part_col[i][k] = part_cols[i][k] ? csv_col(&c, part_cols[i][k])
                                             : -1;
    while (csv_next(&c)) {
        if (csv_num(&c, ios) <= 0)
            continue;
        /* An object job's bars say what it does: get, put or mix. */
        bool object = !strncmp(csv_get(&c, proto), "object-", 7);
        char *label = xasprintf("job%s %s>%s %s%s%s", csv_get(&c, job),
                                csv_get(&c, ini), csv_get(&c, tgt),
                                csv_get(&c, proto), object ? " " : "",
                                object ? csv_get(&c, ops) : "");
        double rank = -csv_num(&c, job);
        struct bar *b = bars_add(iops, label);
        b->v[0] = csv_num(&c, iops_col) * 1e-3;
        b->rank = rank;
        b = bars_add(lat, label);
        for (size_t i = 0; i < ARRAY_SIZE(lat_cols); i++)
            b->v[i] = csv_num(&c, lat_col[i]);
        b->rank = rank;
        b = bars_add(parts, label);
        for (size_t i = 0; i < ARRAY_SIZE(part_cols); i++)
            for (size_t k = 0; k < 2; k++)
                b->v[i] += part_col[i][k] >= 0 ? csv_num(&c, part_col[i][k])
                                               : 0;
        b->rank = rank;
        b = bars_add(cpu, label);
        b->v[0] = csv_num(&c, cpu_ini);
        b->v[1] = csv_num(&c, cpu_tgt);
        b->rank = rank;
        free(label);
    }
    csv_close(&c);
    return true;
}

/* The storage jobs: IOPS, latency percentiles, where an I/O's time
 * goes, CPU per I/O. */
static void
plot_storage(struct page *pg)
{
    struct bars iops = { 0 }, lat = { 0 }, parts = { 0 }, cpu = { 0 };
    if (!read_storage(pg, &iops, &lat, &parts, &cpu))
        return;
    if (!iops.n) {
        page_note(pg, "No storage job completed an I/O "
                      "(<a href=\"storage.csv\">storage.csv</a>).");
    } else {
        page_section(pg, "Storage");
        static const char *const iops_names[] = { "kIOPS" };
        plot_bars(pg, &iops, "Storage IOPS per job",
                  xasprintf("Thousands of I/Os completed per second by each "
                            "storage job%s (<a href=\"storage.csv\">"
                            "storage.csv</a> <code>iops</code>).",
                            iops.n > MAX_BARS ? " (the first 16)" : ""),
                  "kIOPS", iops_names, 1, false, true, false);
        double lo = INFINITY, hi = 0;
        for (size_t i = 0; i < lat.n; i++) {
            lo = lat.b[i].v[0] < lo ? lat.b[i].v[0] : lo;
            hi = lat.b[i].v[3] > hi ? lat.b[i].v[3] : hi;
        }
        static const char *const lat_names[] = { "p50", "p99", "p99.9",
                                                 "max" };
        plot_bars(pg, &lat, "Storage completion latency",
                  xstrdup("Percentiles of each job's completion latency, "
                          "from an I/O's issue to its completion at the "
                          "initiator (<a href=\"storage.csv\">storage.csv"
                          "</a> <code>lat_p50_us</code> to <code>"
                          "lat_max_us</code>)."),
                  "latency (us)", lat_names, 4, false, true,
                  lo > 0 && hi / lo > 20);
        static const char *const part_names[] = {
            "initiator stack", "network", "target software", "device",
            "replicas",
        };
        /* The replicas' stage only where an object PUT had one. */
        size_t n_parts = ARRAY_SIZE(part_names) - 1;
        for (size_t i = 0; i < parts.n; i++)
            if (parts.b[i].v[n_parts] > 0)
                n_parts = ARRAY_SIZE(part_names);
        plot_bars(pg, &parts, "Where an I/O's time goes",
                  xstrdup("Each job's mean latency by stage, stacked to "
                          "<code>lat_mean_us</code>: the initiator's "
                          "submission and completion work (<code>submit_us"
                          "</code> + <code>complete_us</code>), the messages "
                          "on the network (<code>fabric_us</code>), the "
                          "target's software (<code>target_us</code>), the "
                          "SSD (<code>device_us</code>) and an object PUT's "
                          "replicas (<code>replicas_us</code>), each with "
                          "its waits (<a href=\"storage.csv\">storage.csv"
                          "</a>)."),
                  "mean latency (us)", part_names, n_parts, true, true,
                  false);
        static const char *const cpu_names[] = { "initiator", "target" };
        plot_bars(pg, &cpu, "Storage CPU per I/O",
                  xstrdup("CPU time per I/O of the initiator's and the "
                          "target's server (every core's busy time over "
                          "the I/Os completed in that role; jobs sharing a "
                          "server show the same figure; <a href=\""
                          "storage.csv\">storage.csv</a> <code>"
                          "initiator_cpu_us_per_io</code>, <code>"
                          "target_cpu_us_per_io</code>)."),
                  "CPU us per I/O", cpu_names, 2, false, true, false);
    }
    bars_free(&iops);
    bars_free(&lat);
    bars_free(&parts);
    bars_free(&cpu);
}

/* ---- Overlay (overlay.csv). ---- */

/* One of overlay.csv's plots: a bar per VTEP or vswitch, of N_VALUES
 * values, value i the sum of the columns COLS[j] (of N_COLS, at most 8)
 * whose GROUP[j] is i; the 16 rows of highest total.  Rows whose columns
 * are all zero are left out, and with them a plot that has none or a
 * file without the columns. */
struct overlay_plot {
    const char *title;
    const char *what;         /* The caption's start, HTML. */
    const char *ylabel;
    const char *const *names; /* The values' legend. */
    size_t n_values;
    const char *const *cols;
    const size_t *group;      /* Each column's value. */
    size_t n_cols;
    bool log_y;               /* Log scale when values span decades. */
};

static void
plot_overlay_one(struct page *pg, const struct overlay_plot *op)
{
    struct csv c;
    if (!csv_open(pg, "overlay.csv", &c))
        return;
    int vtep = csv_col(&c, "vtep"), col[8];
    sim_assert(op->n_cols <= ARRAY_SIZE(col));
    bool have = true;
    for (size_t i = 0; i < op->n_cols; i++)
        have &= (col[i] = csv_col(&c, op->cols[i])) >= 0;
    struct bars bs = { 0 };
    double lo = INFINITY, hi = 0;
    while (have && csv_next(&c)) {
        double v[8] = { 0 }, total = 0;
        for (size_t i = 0; i < op->n_cols; i++) {
            v[op->group[i]] += csv_num(&c, col[i]);
            total += csv_num(&c, col[i]);
        }
        if (total <= 0)
            continue;
        struct bar *b = bars_add(&bs, csv_get(&c, vtep));
        memcpy(b->v, v, sizeof v);
        b->rank = total;
        for (size_t i = 0; i < op->n_values; i++) {
            lo = v[i] > 0 && v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
    }
    csv_close(&c);
    plot_bars(pg, &bs, op->title,
              xasprintf("%s; %s of the %zu VTEPs and vswitches with any "
                        "(<a href=\"overlay.csv\">overlay.csv</a>).",
                        op->what, bs.n > MAX_BARS ? "the 16 with most" : "each",
                        bs.n),
              op->ylabel, op->names, op->n_values, false, true,
              op->log_y && hi / lo > 100);
    bars_free(&bs);
}

/* The overlay's tunnels, overhead, vswitch caches, floods and drops. */
static void
plot_overlay(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "overlay.csv", &c))
        return;
    bool rows = csv_next(&c), vswitch = csv_col(&c, "upcalls") >= 0;
    csv_close(&c);
    if (!rows)
        return;
    page_section(pg, "Overlay");
    static const char *const tun_cols[] = { "encap_packets",
                                            "decap_packets" };
    static const size_t tun_group[] = { 0, 1 };
    static const char *const tun_names[] = { "encapsulated",
                                             "decapsulated" };
    const struct overlay_plot tunnels = {
        "Tunnel packets per VTEP",
        "Packets each VTEP encapsulated (or tagged) and decapsulated "
        "(<code>encap_packets</code>, <code>decap_packets</code>)",
        "packets", tun_names, 2, tun_cols, tun_group, 2, false,
    };
    static const char *const ovh_cols[] = { "overhead_bytes" };
    static const size_t ovh_group[] = { 0 };
    static const char *const ovh_names[] = { "overhead" };
    const struct overlay_plot overhead = {
        "Encapsulation overhead",
        "Bytes each VTEP's encapsulation added to the frames it sent "
        "(<code>overhead_bytes</code>: 50 per VXLAN packet, more with "
        "Geneve options, 4 per VLAN tag)",
        "overhead (bytes)", ovh_names, 1, ovh_cols, ovh_group, 1, false,
    };
    plot_overlay_one(pg, &tunnels);
    plot_overlay_one(pg, &overhead);
    if (vswitch) {
        static const char *const cache_cols[] = {
            "microflow_hits", "megaflow_hits", "upcalls", "pending_upcalls",
        };
        static const size_t cache_group[] = { 0, 1, 2, 3 };
        static const char *const cache_names[] = {
            "microflow hits", "megaflow hits", "upcalls",
            "pending upcalls",
        };
        const struct overlay_plot cache = {
            "vswitch datapath caches",
            "Packets each vswitch found in its exact-match (microflow) "
            "cache, then in its megaflow cache, and the misses sent to "
            "the handler thread (<code>upcalls</code>; of them "
            "<code>pending_upcalls</code> missed while their megaflow's "
            "upcall was still queued); log scale when hits dwarf misses",
            "packets", cache_names, 4, cache_cols, cache_group, 4, true,
        };
        plot_overlay_one(pg, &cache);
    }
    /* Floods and drops: a leaf VTEP's file has only the drops. */
    static const char *const drop_cols[] = {
        "floods", "policy_drops", "mtu_drops", "table_drops",
        "isolation_drops",
    };
    static const size_t drop_group[] = { 0, 1, 2, 3, 3 };
    static const char *const drop_names[] = {
        "floods", "policy drops", "MTU drops", "no-entry drops",
    };
    const struct overlay_plot drops = {
        "Overlay floods and drops",
        "Packets each vswitch flooded (<code>floods</code>) and packets "
        "dropped for its policy (<code>policy_drops</code>), for the "
        "underlay MTU (<code>mtu_drops</code>) and for want of a table "
        "entry (<code>table_drops</code> + <code>isolation_drops</code>)",
        "packets", drop_names, 4, drop_cols, drop_group, 5, false,
    };
    static const char *const ldrop_cols[] = { "mtu_drops",
                                              "isolation_drops" };
    static const size_t ldrop_group[] = { 0, 1 };
    static const char *const ldrop_names[] = { "MTU drops",
                                               "no-entry drops" };
    const struct overlay_plot leaf_drops = {
        "Overlay drops",
        "Packets each VTEP dropped for the underlay MTU (<code>mtu_drops"
        "</code>) and for want of an entry for their VNI and address "
        "(<code>isolation_drops</code>)",
        "packets", ldrop_names, 2, ldrop_cols, ldrop_group, 2, false,
    };
    size_t before = pg->n_plots;
    plot_overlay_one(pg, vswitch ? &drops : &leaf_drops);
    if (pg->n_plots == before && !pg->err)
        page_note(pg, "No VTEP or vswitch flooded or dropped a packet "
                      "(<a href=\"overlay.csv\">overlay.csv</a>).");
}

/* ---- Control: events and BGP (events.csv, control.csv). ---- */

/* The events on a time line: each a row, a mark at its time, a bar to
 * its detection and one on to its convergence (to the run's end when
 * the run ended first). */
static void
plot_events_timeline(struct page *pg)
{
    struct csv c;
    if (!csv_open(pg, "events.csv", &c))
        return;
    int ev = csv_col(&c, "event"), time = csv_col(&c, "time_ps"),
        kind = csv_col(&c, "kind"), node = csv_col(&c, "node"),
        peer = csv_col(&c, "peer"), det = csv_col(&c, "detected_ps"),
        conv = csv_col(&c, "converged_ps");
    struct row { char *label; double t, det, conv; } *rows = NULL;
    size_t n = 0;
    double end = 0;
    while (csv_next(&c)) {
        rows = xrealloc(rows, (n + 1) * sizeof *rows);
        struct row *r = &rows[n++];
        const char *p = csv_get(&c, peer);
        r->label = xasprintf("%s %s %s%s%s", csv_get(&c, ev),
                             csv_get(&c, kind), csv_get(&c, node),
                             *p ? "-" : "", p);
        r->t = csv_num(&c, time);
        r->det = *csv_get(&c, det) ? csv_num(&c, det) : -1;
        r->conv = *csv_get(&c, conv) ? csv_num(&c, conv) : -1;
        end = r->t > end ? r->t : end;
        end = r->det > end ? r->det : end;
        end = r->conv > end ? r->conv : end;
    }
    csv_close(&c);
    /* A bar the run cut short ends where the run did. */
    double stop = n ? page_summary_num(pg, "sim_time_ps") : -1;
    end = stop > end ? stop : end;
    FILE *f = NULL;
    if (n) {
        page_section(pg, "Control plane and events");
        f = plot_begin(pg, "Events: failure, detection, convergence",
                       xasprintf("Each of the %zu events (<a href=\""
                                 "events.csv\">events.csv</a>): a mark at "
                                 "its time, a bar from it to its detection "
                                 "(<code>detected_ps</code>) and one on to "
                                 "every switch's new routes (<code>"
                                 "converged_ps</code>); a bar missing its "
                                 "end (the run ended first) stops at the "
                                 "run's end.", n));
    }
    if (f) {
        double ts = end >= 1e10 ? 1e9 : 1e6;
        /* Columns: row, time, detection, convergence (the times in the
         * axis' unit). */
        for (size_t i = 0; i < n; i++) {
            double d = rows[i].det >= 0 ? rows[i].det : end;
            double v = rows[i].conv >= 0 ? rows[i].conv : end;
            fprintf(f, "%zu %.9g %.9g %.9g\n", i, rows[i].t / ts, d / ts,
                    v / ts);
        }
        plot_end(pg, f);
        fprintf(pg->gp, "set xlabel \"simulated time (%s)\"\nset yrange "
                        "[%zu.5:-0.5]\nset ytics (",
                ts == 1e9 ? "ms" : "us", n - 1);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ", " : "", pg->gp);
            gp_text(pg->gp, rows[i].label);
            fprintf(pg->gp, " %zu", i);
        }
        fprintf(pg->gp, ")\nset grid noytics\nset style fill solid 0.85 "
                        "border -1\nplot \"%s\" using (($2+$3)/2):1:2:3:"
                        "($1-0.3):($1+0.3) with boxxyerror title "
                        "\"to detection\", \"\" using (($3+$4)/2):1:3:4:"
                        "($1-0.3):($1+0.3) with boxxyerror title \"to "
                        "convergence\", \"\" using 2:1 with points pt 7 "
                        "ps 1.2 lc rgb \"#000000\" title \"event\"\n",
                plot_dat(pg));
    }
    for (size_t i = 0; i < n; i++)
        free(rows[i].label);
    free(rows);
}

/* Packets lost in each event's window, by reason (events.csv). */
static void
plot_events_lost(struct page *pg)
{
    static const char *const reasons[] = { "link_down", "switch_down",
                                           "no_route", "ttl_expired",
                                           "vm_moved" };
    struct csv c;
    if (!csv_open(pg, "events.csv", &c))
        return;
    int ev = csv_col(&c, "event"), kind = csv_col(&c, "kind"),
        col[ARRAY_SIZE(reasons)];
    csv_cols_prefixed(&c, "lost_", reasons, ARRAY_SIZE(reasons), col);
    struct bars bs = { 0 };
    double total = 0;
    while (csv_next(&c)) {
        char *label = xasprintf("%s %s", csv_get(&c, ev), csv_get(&c, kind));
        struct bar *b = bars_add(&bs, label);
        free(label);
        for (size_t r = 0; r < ARRAY_SIZE(reasons); r++) {
            b->v[r] = col[r] >= 0 ? csv_num(&c, col[r]) : 0;
            total += b->v[r];
        }
        b->rank = -(double)b->index;
    }
    csv_close(&c);
    if (bs.n && !total)
        page_note(pg, "No packet was lost after an event "
                      "(<a href=\"events.csv\">events.csv</a>).");
    else
        plot_bars(pg, &bs, "Packets lost per event",
                  xasprintf("Packets the fabric dropped from each event to "
                            "the next (the last: to the end of the run), by "
                            "reason (<a href=\"events.csv\">events.csv</a> "
                            "<code>lost_*</code>)%s.",
                            bs.n > MAX_BARS ? "; the first 16 events" : ""),
                  "packets lost", reasons, ARRAY_SIZE(reasons), true, true,
                  false);
    bars_free(&bs);
}

/* BGP per speaker (control.csv): UPDATEs, bytes, RIB sizes; each bar
 * labelled with its speaker, role and sessions up of configured. */
static void
plot_control(struct page *pg)
{
    plot_events_timeline(pg);
    plot_events_lost(pg);
    struct csv c;
    if (!csv_open(pg, "control.csv", &c))
        return;
    int speaker = csv_col(&c, "speaker"), role = csv_col(&c, "role"),
        sessions = csv_col(&c, "sessions"), up = csv_col(&c, "sessions_up"),
        utx = csv_col(&c, "updates_tx"), urx = csv_col(&c, "updates_rx"),
        wtx = csv_col(&c, "withdrawals_tx"),
        wrx = csv_col(&c, "withdrawals_rx"), btx = csv_col(&c, "bytes_tx"),
        brx = csv_col(&c, "bytes_rx"), rib = csv_col(&c, "rib_entries"),
        peak = csv_col(&c, "rib_peak");
    struct bars msgs = { 0 }, bytes = { 0 }, ribs = { 0 };
    while (csv_next(&c)) {
        char *label = xasprintf("%s %s %s/%s", csv_get(&c, speaker),
                                csv_get(&c, role), csv_get(&c, up),
                                csv_get(&c, sessions));
        struct bar *b = bars_add(&msgs, label);
        b->v[0] = csv_num(&c, utx);
        b->v[1] = csv_num(&c, urx);
        b->v[2] = csv_num(&c, wtx) + csv_num(&c, wrx);
        b->rank = b->v[0] + b->v[1];
        b = bars_add(&bytes, label);
        b->v[0] = csv_num(&c, btx);
        b->v[1] = csv_num(&c, brx);
        b->rank = b->v[0] + b->v[1];
        b = bars_add(&ribs, label);
        b->v[0] = csv_num(&c, rib);
        b->v[1] = csv_num(&c, peak);
        b->rank = b->v[1];
        free(label);
    }
    csv_close(&c);
    if (msgs.n) {
        page_section(pg, "Control plane and events");
        const char *which = msgs.n > MAX_BARS ? "the 16 with most of "
                                              : "each of ";
        static const char *const msg_names[] = { "UPDATEs sent",
                                                 "UPDATEs received",
                                                 "routes withdrawn" };
        plot_bars(pg, &msgs, "BGP UPDATEs per speaker",
                  xasprintf("UPDATE messages %sthe %zu BGP speakers sent "
                            "and received, and the routes they withdrew "
                            "(sent and received); each labelled with its "
                            "role and sessions Established of configured "
                            "(<a href=\"control.csv\">control.csv</a>).",
                            which, msgs.n),
                  "messages", msg_names, 3, false, true, false);
        static const char *const byte_names[] = { "sent", "received" };
        plot_bars(pg, &bytes, "BGP bytes per speaker",
                  xasprintf("BGP message bytes %sthe %zu speakers sent and "
                            "received (<a href=\"control.csv\">control.csv"
                            "</a> <code>bytes_tx</code>, <code>bytes_rx"
                            "</code>).", which, msgs.n),
                  "bytes", byte_names, 2, false, true, false);
        static const char *const rib_names[] = { "at the end", "peak" };
        plot_bars(pg, &ribs, "RIB size per speaker",
                  xasprintf("Routes %sthe %zu speakers held (Adj-RIB-In and "
                            "Loc-RIB) at the end and at most (<a href=\""
                            "control.csv\">control.csv</a> <code>"
                            "rib_entries</code>, <code>rib_peak</code>).",
                            msgs.n > MAX_BARS ? "the 16 largest of " : "each of ",
                            msgs.n),
                  "routes", rib_names, 2, false, true, false);
    }
    bars_free(&msgs);
    bars_free(&bytes);
    bars_free(&ribs);
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
        plot_storage(pg);
        plot_overlay(pg);
        plot_control(pg);
}
