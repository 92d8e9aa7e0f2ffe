/* Flow files, read a line at a time; see flowfile.h for the formats. */
#include "workload/flowfile.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/topo.h"
#include "sim/util.h"
#include "workload/workload-spec.h"

const char *const flowfile_format_names[2] = {
    [FLOWFILE_CSV] = "csv",
    [FLOWFILE_NS3] = "ns3",
};

/* The CSV columns a reader knows; any other is skipped. */
enum column {
    COL_SRC, COL_DST, COL_SIZE, COL_START, COL_TC, COL_RATE, COL_DPORT,
    N_COLUMNS,
};

static const char *const column_names[N_COLUMNS] = {
    "src", "dst", "size_bytes", "start_ps", "tc", "rate_bps", "dport",
};

/* The most columns of a CSV file, and fields of an ns3 line looked at. */
#define MAX_FIELDS 64

/* The longest start time, as in scenario files: 10^6 s (units.h). */
#define START_MAX_PS (UINT64_C(1000000) * UINT64_C(1000000000000))

struct flowfile {
    FILE *fp;
    char *path;
    enum flowfile_format format;
    const struct topo_graph *graph;
    char *line;               /* The line read, NUL-terminated. */
    size_t line_cap;
    uint64_t line_no;         /* Of the line in LINE. */
    size_t line_len;          /* Of LINE, NULs included. */
    bool overlong;            /* LINE is the first LINE_MAX_BYTES of a
                               * longer line, the rest unread. */
    char chunk[65536];        /* Read from FP, CHUNK_AT..CHUNK_END not */
    size_t chunk_at, chunk_end;  /* yet taken into a line. */
    int col_of[N_COLUMNS];    /* CSV: the field of each column, or -1. */
    int n_header;             /* CSV: fields of the header. */
    uint64_t left;            /* ns3: flows still to read. */
    uint64_t last_start_ps;   /* Of the flow read last. */
    bool any;                 /* A flow has been read. */
};

static int PRINTF_FMT(4, 5)
fail(const struct flowfile *ff, size_t col, char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    *err = xasprintf("%s:%" PRIu64 ":%zu: %s", ff->path, ff->line_no, col,
                     msg);
    free(msg);
    return 2;
}

/* The longest line read.  A flow is a short line; a file without line
 * ends (a device such as /dev/zero, a binary file) would otherwise be
 * read whole into memory, without end. */
#define LINE_MAX_BYTES (1u << 20)

/* The next line into FF->line, without its line end (at most
 * LINE_MAX_BYTES of it, FF->overlong set if there is more): true, or
 * false at the end of the file.  Lines are cut from chunks of the file
 * (memchr() finds each end) rather than read with getline(), which
 * would take a line of any length whole. */
static bool
read_line(struct flowfile *ff)
{
    size_t n = 0;
    bool any = false, end = false;
    ff->overlong = false;
    while (!end) {
        if (ff->chunk_at == ff->chunk_end) {
            ff->chunk_at = 0;
            ff->chunk_end = fread(ff->chunk, 1, sizeof ff->chunk, ff->fp);
            if (!ff->chunk_end)
                break;
        }
        any = true;
        const char *from = ff->chunk + ff->chunk_at;
        size_t left = ff->chunk_end - ff->chunk_at;
        const char *nl = memchr(from, '\n', left);
        size_t take = nl ? (size_t)(nl - from) : left;
        ff->chunk_at += take + (nl != NULL);
        end = nl != NULL;
        if (n + take > LINE_MAX_BYTES) {
            ff->overlong = true;
            take = LINE_MAX_BYTES - n;
            end = true;
        }
        if (n + take + 1 > ff->line_cap) {
            while (n + take + 1 > ff->line_cap)
                ff->line_cap = ff->line_cap ? 2 * ff->line_cap : 256;
            ff->line = xrealloc(ff->line, ff->line_cap);
        }
        memcpy(ff->line + n, from, take);
        n += take;
    }
    if (!any)
        return false;
    ff->line_no++;
    while (n > 0 && ff->line[n - 1] == '\r')
        n--;
    ff->line[n] = '\0';
    ff->line_len = n;
    return true;
}

/* A file that opens but cannot be read (a directory): said as such,
 * not as an empty file. */
static int
read_error(const struct flowfile *ff, char **err)
{
    *err = xasprintf("%s: cannot read the flow file: %s", ff->path,
                     strerror(errno));
    return 2;
}

/* Refuses a NUL byte in the line just read, which would silently end
 * it there (a field cut short, the rest of the line unread), and a line
 * too long to be read whole. */
static int
check_text(const struct flowfile *ff, char **err)
{
    size_t len = strlen(ff->line);
    if (len != ff->line_len)
        return fail(ff, len + 1, err, "a NUL byte; expected text");
    if (ff->overlong)
        return fail(ff, LINE_MAX_BYTES + 1, err, "a line longer than %u "
                    "bytes; expected one flow a line", LINE_MAX_BYTES);
    return 0;
}

/* A line of spaces and tabs only (not one that a NUL byte or its length
 * cut short, which check_text() refuses). */
static bool
blank(const struct flowfile *ff)
{
    return !ff->overlong &&
           strspn(ff->line, " \t") == ff->line_len;
}

/* A decimal integer 0..MAX in TEXT (of LEN bytes). */
static bool
parse_uint(const char *text, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!len || len > 20)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        unsigned d = (unsigned)(text[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

/* Seconds as a decimal ("2", "2.000001234") into picoseconds, exactly:
 * at most 12 decimals. */
static bool
parse_seconds(const char *text, size_t len, uint64_t *ps)
{
    const char *dot = memchr(text, '.', len);
    size_t ilen = dot ? (size_t)(dot - text) : len;
    size_t flen = dot ? len - ilen - 1 : 0;
    uint64_t whole, frac = 0;
    if (!parse_uint(text, ilen, START_MAX_PS / UINT64_C(1000000000000),
                    &whole) ||
        flen > 12 || (dot && !flen) ||
        (flen && !parse_uint(dot + 1, flen, UINT64_MAX, &frac)))
        return false;
    for (size_t i = flen; i < 12; i++)
        frac *= 10;
    *ps = whole * UINT64_C(1000000000000) + frac;
    return *ps <= START_MAX_PS;
}

/* The start the HPCC simulator gives a flow whose start_time reads TEXT
 * (LEN bytes, a valid decimal by parse_seconds()), in picoseconds: its
 * third.cc reads the decimal into a double (the nearest, as strtod()
 * rounds) and makes it a Time with Seconds(double), at the default 1 ns
 * resolution.  That is ns-3's 128-bit int64x64_t (INT64X64_USE_128, what
 * its build picks where the compiler has __int128): the double becomes
 * floor(d) << 64 plus its fraction times 2^64 truncated (int64x64-128.h),
 * is multiplied by 10^9 << 64 (Umul(), exact here) and the Time keeps the
 * high 64 bits, so the nanoseconds are floor(d) * 10^9 plus the high half
 * of the 64-bit fraction times 10^9: rounded down.  A decimal whose double
 * lies below it (2.000005414) thus starts 1 ns early.  Every step is exact
 * (floor, subtraction of the floor and scaling by 2^64 are exact on a
 * double), so this is the simulator's start to the nanosecond. */
static uint64_t
ns3_start_ps(const char *text, size_t len)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", (int)len, text);
    double d = strtod(buf, NULL);
    double whole = floor(d);
    uint64_t frac64 = (uint64_t)ldexp(d - whole, 64);
    uint64_t ns = (uint64_t)whole * UINT64_C(1000000000) +
                  (uint64_t)(((u128)frac64 * 1000000000u) >> 64);
    return ns * 1000;
}

/* The host named NAME (LEN bytes), or -1. */
static int64_t
find_host(const struct topo_graph *g, const char *name, size_t len)
{
    char *s = xasprintf("%.*s", (int)len, name);
    int64_t i = topo_find(g, s);
    free(s);
    return i >= 0 && g->nodes[i].is_host ? i : -1;
}

/* One field of a flow: its text and 1-based column. */
struct field {
    const char *text;
    size_t len, col;
};

/* Splits FF->line at SEPS (runs of them with SQUEEZE) into at most MAX
 * fields; returns how many. */
static int
split(struct flowfile *ff, const char *seps, bool squeeze, struct field *out,
      int max)
{
    const char *s = ff->line;
    int n = 0;
    for (;;) {
        if (squeeze)
            s += strspn(s, seps);
        if (squeeze && !*s)
            break;
        size_t len = strcspn(s, seps);
        if (n < max)
            out[n] = (struct field){ s, len, (size_t)(s - ff->line) + 1 };
        n++;
        s += len;
        if (!*s)
            break;
        s++;
    }
    return n;
}

/* The header of a CSV file: which field holds each column. */
static int
read_header(struct flowfile *ff, char **err)
{
    struct field fl[MAX_FIELDS + 1];
    for (int c = 0; c < N_COLUMNS; c++)
        ff->col_of[c] = -1;
    if (!read_line(ff)) {
        if (ferror(ff->fp))
            return read_error(ff, err);
        ff->line_no = 1;
        return fail(ff, 1, err, "empty file; expected a header line naming "
                    "the columns src,dst,size_bytes,start_ps (and "
                    "optionally tc, rate_bps, dport)");
    }
    if (check_text(ff, err))
        return 2;
    /* A UTF-8 byte-order mark, which spreadsheets write first, is not
     * part of the first column's name. */
    if (!strncmp(ff->line, "\xef\xbb\xbf", 3)) {
        ff->line_len -= 3;
        memmove(ff->line, ff->line + 3, ff->line_len + 1);
    }
    int n = split(ff, ",", false, fl, MAX_FIELDS + 1);
    /* Each line is split into as many fields as the header has. */
    if (n > MAX_FIELDS)
        return fail(ff, fl[MAX_FIELDS].col, err, "a column after the "
                    "%dth; expected at most %d", MAX_FIELDS, MAX_FIELDS);
    for (int i = 0; i < n; i++)
        for (int c = 0; c < N_COLUMNS; c++)
            if (fl[i].len == strlen(column_names[c]) &&
                !memcmp(fl[i].text, column_names[c], fl[i].len)) {
                if (ff->col_of[c] >= 0)
                    return fail(ff, fl[i].col, err, "column %s named "
                                "twice; expected each column once",
                                column_names[c]);
                ff->col_of[c] = i;
            }
    for (int c = COL_SRC; c <= COL_START; c++)
        if (ff->col_of[c] < 0)
            return fail(ff, 1, err, "no column %s in the header; expected "
                        "a header line naming the columns "
                        "src,dst,size_bytes,start_ps (and optionally tc, "
                        "rate_bps, dport)", column_names[c]);
    ff->n_header = n;
    return 0;
}

/* Reads the next line that is not blank.  A CSV file's blank lines are
 * nothing; neither are an ns3 file's before the count and between flows,
 * since the simulator reads its flow file word by word (third.cc's
 * `flowf >>`). */
static bool
read_nonblank_line(struct flowfile *ff)
{
    do {
        if (!read_line(ff))
            return false;
    } while (blank(ff));
    return true;
}

/* The ns3 file's first line that is not blank: the number of flows. */
static int
read_count(struct flowfile *ff, char **err)
{
    struct field fl[2];
    if (!read_nonblank_line(ff)) {
        if (ferror(ff->fp))
            return read_error(ff, err);
        ff->line_no = 1;
        return fail(ff, 1, err, "empty file; expected the number of flows "
                    "on the first line");
    }
    if (check_text(ff, err))
        return 2;
    int n = split(ff, " \t", true, fl, 2);
    if (n != 1 || !parse_uint(fl[0].text, fl[0].len, UINT32_MAX, &ff->left))
        return fail(ff, n ? fl[0].col : 1, err, "'%s' is not a flow count; "
                    "expected the number of flows (0..%" PRIu32 ") alone "
                    "on the first line", ff->line, UINT32_MAX);
    return 0;
}

int
flowfile_open(const char *path, enum flowfile_format format,
              const struct topo_graph *graph, struct flowfile **out,
              char **err)
{
    struct flowfile *ff = xcalloc(1, sizeof *ff);
    ff->path = xstrdup(path);
    ff->format = format;
    ff->graph = graph;
    ff->fp = fopen(path, "r");
    *out = NULL;
    if (!ff->fp) {
        *err = xasprintf("%s: cannot open the flow file: %s", path,
                         strerror(errno));
        flowfile_close(ff);
        return 2;
    }
    int rc = format == FLOWFILE_CSV ? read_header(ff, err)
                                    : read_count(ff, err);
    if (rc) {
        flowfile_close(ff);
        return rc;
    }
    *out = ff;
    return 0;
}

void
flowfile_close(struct flowfile *ff)
{
    if (!ff)
        return;
    if (ff->fp)
        fclose(ff->fp);
    free(ff->line);
    free(ff->path);
    free(ff);
}

/* A host field: a name (csv) or an ns-3 node id (ns3). */
static int
read_host(struct flowfile *ff, const struct field *fl, const char *what,
          uint32_t *out, char **err)
{
    int64_t h;
    if (ff->format == FLOWFILE_NS3) {
        uint64_t id;
        if (!parse_uint(fl->text, fl->len, UINT32_MAX, &id))
            return fail(ff, fl->col, err, "%s '%.*s' is not a node id; "
                        "expected a host's node id, an integer", what,
                        (int)fl->len, fl->text);
        char name[16];
        snprintf(name, sizeof name, "h%" PRIu64, id);
        h = find_host(ff->graph, name, strlen(name));
        if (h < 0)
            return fail(ff, fl->col, err, "%s node %" PRIu64 ": no host "
                        "named %s; expected the id N of a host named hN",
                        what, id, name);
    } else {
        h = find_host(ff->graph, fl->text, fl->len);
        if (h < 0)
            return fail(ff, fl->col, err, "%s '%.*s': no host of that "
                        "name; expected a host name", what, (int)fl->len,
                        fl->text);
    }
    *out = (uint32_t)h;
    return 0;
}

/* An integer field 0..MAX (MIN..MAX). */
static int
read_int(struct flowfile *ff, const struct field *fl, const char *what,
         uint64_t min, uint64_t max, uint64_t *out, char **err)
{
    if (!parse_uint(fl->text, fl->len, max, out) || *out < min)
        return fail(ff, fl->col, err, "%s '%.*s'; expected an integer "
                    "%" PRIu64 "..%" PRIu64, what, (int)fl->len, fl->text,
                    min, max);
    return 0;
}

/* The fields of one flow line into *F. */
static int
parse_flow(struct flowfile *ff, struct flowfile_flow *f, char **err)
{
    struct field fl[MAX_FIELDS];
    uint64_t v;
    memset(f, 0, sizeof *f);
    if (check_text(ff, err))
        return 2;
    if (ff->format == FLOWFILE_NS3) {
        int n = split(ff, " \t", true, fl, MAX_FIELDS);
        if (n != 6)
            return fail(ff, n > 6 ? fl[6].col : strlen(ff->line) + 1, err,
                        "%d fields; expected 6: src dst pg dport size "
                        "start_time", n);
        if (read_host(ff, &fl[0], "src", &f->src, err) ||
            read_host(ff, &fl[1], "dst", &f->dst, err) ||
            read_int(ff, &fl[2], "pg", 0, 7, &v, err))
            return 2;
        f->tc = (uint8_t)v;
        if (read_int(ff, &fl[3], "dport", 1, 65535, &v, err))
            return 2;
        f->dport = (uint16_t)v;
        if (read_int(ff, &fl[4], "size", 1, FLOW_SIZE_MAX_BYTES,
                     &f->size_bytes, err))
            return 2;
        if (!parse_seconds(fl[5].text, fl[5].len, &f->start_ps))
            return fail(ff, fl[5].col, err, "start_time '%.*s'; expected "
                        "seconds, a decimal 0..1000000 with at most 12 "
                        "decimals, e.g. 2.000001", (int)fl[5].len,
                        fl[5].text);
        f->start_ps = ns3_start_ps(fl[5].text, fl[5].len);
        if (f->src == f->dst)
            return fail(ff, fl[1].col, err, "dst is the same host as src; "
                        "expected another host");
        fl[0] = fl[5];
    } else {
        int n = split(ff, ",", false, fl, MAX_FIELDS);
        if (n != ff->n_header)
            return fail(ff, strlen(ff->line) + 1, err, "%d fields; "
                        "expected %d, as the header has", n, ff->n_header);
        const int *c = ff->col_of;
        if (read_host(ff, &fl[c[COL_SRC]], "src", &f->src, err) ||
            read_host(ff, &fl[c[COL_DST]], "dst", &f->dst, err) ||
            read_int(ff, &fl[c[COL_SIZE]], "size_bytes", 1,
                     FLOW_SIZE_MAX_BYTES, &f->size_bytes, err) ||
            read_int(ff, &fl[c[COL_START]], "start_ps", 0, START_MAX_PS,
                     &f->start_ps, err))
            return 2;
        if (c[COL_TC] >= 0 && fl[c[COL_TC]].len) {
            if (read_int(ff, &fl[c[COL_TC]], "tc", 0, 7, &v, err))
                return 2;
            f->tc = (uint8_t)v;
        }
        if (c[COL_RATE] >= 0 && fl[c[COL_RATE]].len &&
            read_int(ff, &fl[c[COL_RATE]], "rate_bps", 0, UINT64_MAX,
                     &f->rate_bps, err))
            return 2;
        if (c[COL_DPORT] >= 0 && fl[c[COL_DPORT]].len) {
            if (read_int(ff, &fl[c[COL_DPORT]], "dport", 1, 65535, &v, err))
                return 2;
            f->dport = (uint16_t)v;
        }
        if (f->src == f->dst)
            return fail(ff, fl[c[COL_DST]].col, err, "dst is the same host "
                        "as src; expected another host");
        fl[0] = fl[c[COL_START]];
    }
    if (ff->any && f->start_ps < ff->last_start_ps)
        return fail(ff, fl[0].col, err, "starts before the flow above it; "
                    "expected start times that do not decrease, so that "
                    "the file can be read as the run goes");
    ff->any = true;
    ff->last_start_ps = f->start_ps;
    return 0;
}

int
flowfile_next(struct flowfile *ff, struct flowfile_flow *f, char **err)
{
    if (ff->format == FLOWFILE_NS3) {
        if (!ff->left)
            return 0;
        if (!read_nonblank_line(ff)) {
            ff->line_no++;
            return fail(ff, 1, err, "the file ends %" PRIu64 " flow%s "
                        "short of the count on its first line; expected "
                        "as many flow lines as that count", ff->left,
                        ff->left == 1 ? "" : "s");
        }
        ff->left--;
        return parse_flow(ff, f, err) ? 2 : 1;
    }
    if (!read_nonblank_line(ff))
        return 0;
    return parse_flow(ff, f, err) ? 2 : 1;
}

uint64_t
flowfile_line(const struct flowfile *ff)
{
    return ff->line_no;
}

int
flowfile_scan(const char *path, enum flowfile_format format,
              const struct topo_graph *graph, struct flowfile_stats *stats,
              char **err)
{
    struct flowfile *ff;
    struct flowfile_flow f;
    int rc = flowfile_open(path, format, graph, &ff, err);
    memset(stats, 0, sizeof *stats);
    if (rc)
        return rc;
    while ((rc = flowfile_next(ff, &f, err)) == 1) {
        if (stats->flows == UINT32_MAX) {
            rc = fail(ff, 1, err, "more than %" PRIu32 " flows; expected "
                      "fewer (flow ids are 32-bit)", UINT32_MAX);
            break;
        }
        if (!stats->flows)
            stats->first_start_ps = f.start_ps;
        stats->flows++;
        stats->bytes += f.size_bytes;
        stats->last_start_ps = f.start_ps;
    }
    flowfile_close(ff);
    return rc;
}
