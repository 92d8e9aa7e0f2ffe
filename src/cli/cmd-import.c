/* `dcsim import ns3 CONFIG [-o SCENARIO]`: turns a run of the HPCC
 * repository's ns-3 simulator (alibaba-edu/High-Precision-Congestion-
 * Control, simulation/scratch/third.cc) into a dcsim scenario.
 *
 * It reads the simulator's config file (KEY VALUE... tokens, as third.cc
 * reads them) and the topology, flow and trace files it names, and writes
 * SCENARIO (default: the config's base name with .yaml, in the current
 * directory) and beside it SCENARIO's stem + ".flows.csv", the flows as a
 * dcsim flow file (workload/flowfile.h).  docs/ns3.md gives the mapping
 * of every key.  Whatever the scenario cannot express (an option with no
 * dcsim equivalent, a value dcsim would run differently) is listed in a
 * comment at the top of the scenario and on stderr, one line each, never
 * dropped in silence.
 *
 * The simulator opens the files its config names from its working
 * directory (simulation/, with names like mix/topology.txt); the importer
 * looks there (the current directory), then in the config file's
 * directory and in its parent.
 *
 * Bad input (a value not of its key's form, a topology or flow line that
 * does not parse or names a missing node) is reported as FILE:LINE:COL
 * with exit status 2, and nothing is written.  The written scenario is
 * loaded back and built before the files are put in place, so an import
 * that would not validate is refused too.
 *
 * Here, in order: the tokens of the simulator's files; its config keys
 * and the checks of their values; what the scenario's sections are
 * written from (ECN with the RED maps, the flows, the trace, RDMA);
 * import_write() putting them together; the command.  The topology file
 * is read and checked in import-topo.c; import.h holds what the two
 * share. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/import.h"
#include "fabric/topo.h"
#include "pkt/pkt.h"
#include "scenario/units.h"
#include "workload/flowfile.h"
#include "world/world.h"

int
tokens_read(struct tokens *t, const char *path, char **err)
{
    size_t len, cap = 0;
    memset(t, 0, sizeof *t);
    t->path = path;
    if (read_whole_file(path, 1024, "an input file of the simulator",
                        &t->buf, &len, err))
        return 2;
    uint32_t line = 1, col = 1;
    for (size_t i = 0; i < len;) {
        char c = t->buf[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            t->buf[i++] = '\0';
            line += c == '\n';
            col = c == '\n' ? 1 : col + 1;
            continue;
        }
        /* A token ends at a NUL (strchr() below finds the terminator), so
         * one that starts there would never end. */
        if (c == '\0') {
            *err = xasprintf("%s:%" PRIu32 ":%" PRIu32 ": a NUL byte; "
                             "expected text", path, line, col);
            free(t->buf);
            free(t->v);
            memset(t, 0, sizeof *t);
            return 2;
        }
        if (t->n == cap) {
            cap = cap ? 2 * cap : 256;
            t->v = xrealloc(t->v, cap * sizeof *t->v);
        }
        t->v[t->n++] = (struct tok){ path, &t->buf[i], line, col };
        while (i < len && !strchr(" \t\r\n", t->buf[i]))
            i++, col++;
    }
    return 0;
}

void
tokens_free(struct tokens *t)
{
    free(t->buf);
    free(t->v);
}

/* Each config key's name as third.cc reads it, and the number of values
 * it takes (-1: a map, a count N then N pairs). */
static const struct {
    const char *name;
    int arity;
} cfg_keys[N_KEYS] = {
#define K(N, A) [K_##N] = { #N, A }
    K(ENABLE_QCN, 1), K(USE_DYNAMIC_PFC_THRESHOLD, 1),
    K(CLAMP_TARGET_RATE, 1), K(PAUSE_TIME, 1), K(DATA_RATE, 1),
    K(LINK_DELAY, 1), K(PACKET_PAYLOAD_SIZE, 1), K(L2_CHUNK_SIZE, 1),
    K(L2_ACK_INTERVAL, 1), K(L2_BACK_TO_ZERO, 1), K(TOPOLOGY_FILE, 1),
    K(FLOW_FILE, 1), K(TRACE_FILE, 1), K(TRACE_OUTPUT_FILE, 1),
    K(SIMULATOR_STOP_TIME, 1), K(ALPHA_RESUME_INTERVAL, 1), K(RP_TIMER, 1),
    K(EWMA_GAIN, 1), K(FAST_RECOVERY_TIMES, 1), K(RATE_AI, 1),
    K(RATE_HAI, 1), K(ERROR_RATE_PER_LINK, 1), K(CC_MODE, 1),
    K(RATE_DECREASE_INTERVAL, 1), K(MIN_RATE, 1), K(FCT_OUTPUT_FILE, 1),
    K(HAS_WIN, 1), K(GLOBAL_T, 1), K(MI_THRESH, 1), K(VAR_WIN, 1),
    K(FAST_REACT, 1), K(U_TARGET, 1), K(INT_MULTI, 1), K(RATE_BOUND, 1),
    K(ACK_HIGH_PRIO, 1), K(DCTCP_RATE_AI, 1), K(PFC_OUTPUT_FILE, 1),
    K(LINK_DOWN, 3), K(ENABLE_TRACE, 1), K(KMAX_MAP, -1), K(KMIN_MAP, -1),
    K(PMAX_MAP, -1), K(BUFFER_SIZE, 1), K(QLEN_MON_FILE, 1),
    K(QLEN_MON_START, 1), K(QLEN_MON_END, 1), K(MULTI_RATE, 1),
    K(SAMPLE_FEEDBACK, 1), K(PINT_LOG_BASE, 1), K(PINT_PROB, 1),
#undef K
};

bool PRINTF_FMT(3, 4)
fail(struct import *im, const struct tok *at, const char *fmt, ...)
{
    if (im->err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    im->err = xasprintf("%s:%u:%u: %s", at->path, at->line, at->col, msg);
    free(msg);
    return false;
}

/* The length of the UTF-8 character at S if a YAML comment or quoted
 * scalar holds it on its line (libyaml's printable characters but its
 * line breaks), else 0: a control character, a byte that is not UTF-8,
 * NEL, the line and paragraph separators. */
static size_t
yaml_char_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c == '\t' || (c >= 0x20 && c < 0x7f))
        return 1;
    size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    uint32_t cp = c & (n == 2 ? 0x1fu : n == 3 ? 0x0fu : 0x07u);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if (!n || (n == 3 && cp < 0x800) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0xfeff || cp == 0xfffe || cp == 0xffff)
        return 0;
    return n;
}

/* Whether all of S is what yaml_char_len() accepts. */
static bool
yaml_text(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    while (*p && (n = yaml_char_len(p)))
        p += n;
    return !*p;
}

/* Writes S to OUT for a YAML comment: each byte that yaml_char_len()
 * refuses as \xHH, so that a word of the simulator's files or a file
 * name can neither end the comment nor make the scenario unreadable. */
static void
put_comment_text(const char *s, FILE *out)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = yaml_char_len(p);
        if (n) {
            fwrite(p, 1, n, out);
            p += n;
        } else {
            fprintf(out, "\\x%02x", *p++);
        }
    }
}

/* Writes S as a YAML scalar that reads back as S (yaml_text() holds):
 * plain if it is a word of letters, digits and . _ + - that starts with
 * a letter, a digit or _, else single-quoted. */
static void
put_scalar(const char *s, FILE *out)
{
    bool plain = s[0] && (isalnum((unsigned char)s[0]) || s[0] == '_') &&
                 strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                        "vwxyz0123456789._+-") == strlen(s);
    if (plain) {
        fputs(s, out);
        return;
    }
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

/* One line of the not-expressed list: LINE after "#   ". */
static void
note_line(struct import *im, const char *line)
{
    fputs("#   ", im->notes);
    put_comment_text(line, im->notes);
    fputc('\n', im->notes);
    im->n_notes++;
}

/* One line of the not-expressed list, about KEY (of the config) if
 * given. */
void PRINTF_FMT(3, 4)
note(struct import *im, enum cfg_key k, const char *fmt, ...)
{
    va_list ap;
    const struct tok *at = k < N_KEYS ? im->key[k] : NULL;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    char *line = at ? xasprintf("%s:%u: %s: %s", at->path, at->line,
                                cfg_keys[k].name, msg)
                    : xstrdup(msg);
    note_line(im, line);
    free(line);
    free(msg);
}

/* The value of key K as a number: an integer 0..MAX. */
static bool
cfg_uint(struct import *im, enum cfg_key k, uint64_t max, uint64_t dflt,
         uint64_t *out)
{
    const char *why = "more than the largest accepted";
    const struct tok *v = im->val[k];
    *out = dflt;
    if (!v)
        return true;
    if (!units_parse_u64(v->text, out, &why) || *out > max)
        return fail(im, v, "%s '%s' (%s); expected an integer 0..%" PRIu64,
                    cfg_keys[k].name, v->text, why, max);
    return true;
}

static bool
cfg_bool(struct import *im, enum cfg_key k, bool dflt, bool *out)
{
    uint64_t v;
    if (!cfg_uint(im, k, UINT32_MAX, dflt, &v))
        return false;
    *out = v != 0;
    return true;
}

/* A non-negative decimal. */
static bool
cfg_real(struct import *im, enum cfg_key k, double dflt, double *out)
{
    const char *why;
    const struct tok *v = im->val[k];
    *out = dflt;
    if (v && !units_parse_decimal(v->text, out, &why))
        return fail(im, v, "%s '%s' (%s); expected a decimal number, e.g. "
                    "0.5", cfg_keys[k].name, v->text, why);
    return true;
}

/* A rate as ns-3's DataRate writes it ("50Mb/s", "100Gbps"); dcsim reads
 * the same forms. */
bool
check_rate(struct import *im, const struct tok *v, const char *what,
           uint64_t *bps)
{
    uint64_t r;
    const char *why;
    if (!units_parse_rate(v->text, &r, &why))
        return fail(im, v, "%s '%s' (%s); expected %s", what, v->text, why,
                    UNITS_RATE_FORM);
    if (bps)
        *bps = r;
    return true;
}

/* A number of microseconds as the config gives DCQCN's periods. */
static bool
check_us(struct import *im, enum cfg_key k, char *out, size_t size)
{
    uint64_t ps;
    const char *why = "zero";      /* Set by a failed parse. */
    const struct tok *v = im->val[k];
    snprintf(out, size, "%sus", v->text);
    if (!units_parse_duration(out, &ps, &why) || !ps)
        return fail(im, v, "%s '%s' (%s); expected a number of "
                    "microseconds > 0", cfg_keys[k].name, v->text, why);
    return true;
}

/* Reads the config's tokens: each known key and its values; an unknown
 * word is skipped with what follows it on its line, as third.cc skips
 * it (it reads every word as a key, and matches none). */
static bool
read_config(struct import *im)
{
    struct tokens *t = &im->conf;
    for (size_t i = 0; i < t->n;) {
        const struct tok *kt = &t->v[i++];
        int k = 0;
        while (k < N_KEYS && strcmp(cfg_keys[k].name, kt->text))
            k++;
        if (k == N_KEYS) {
            char *line = xasprintf("%s:%u: %s: not a key of the simulator "
                                   "(it ignores it too)", kt->path, kt->line,
                                   kt->text);
            note_line(im, line);
            free(line);
            while (i < t->n && t->v[i].line == kt->line)
                i++;
            continue;
        }
        im->key[k] = kt;
        int arity = cfg_keys[k].arity;
        if (arity < 0) {
            struct rate_map *m = &im->map[k - K_KMAX_MAP];
            uint64_t n;
            const char *why = "more than 16";
            if (i == t->n)
                return fail(im, kt, "%s without its count; expected %s N "
                            "then N pairs RATE VALUE", kt->text, kt->text);
            if (!units_parse_u64(t->v[i].text, &n, &why) || n > 16)
                return fail(im, &t->v[i], "%s count '%s' (%s); expected "
                            "0..16", kt->text, t->v[i].text, why);
            i++;
            m->at = kt;
            m->n = n;
            for (size_t j = 0; j < n; j++, i += 2) {
                if (i + 1 >= t->n)
                    return fail(im, kt, "%s: %zu pairs of %" PRIu64 "; "
                                "expected N pairs RATE VALUE", kt->text, j,
                                n);
                if (!units_parse_u64(t->v[i].text, &m->rate[j], &why) ||
                    !m->rate[j])
                    return fail(im, &t->v[i], "%s rate '%s'; expected a "
                                "link rate in bit/s, e.g. 100000000000",
                                kt->text, t->v[i].text);
                m->value[j] = &t->v[i + 1];
            }
            continue;
        }
        if (i + (size_t)arity > t->n)
            return fail(im, kt, "%s without its value%s; expected %s and "
                        "%d value%s", kt->text, arity > 1 ? "s" : "",
                        kt->text, arity, arity > 1 ? "s" : "");
        im->val[k] = &t->v[i];
        i += (size_t)arity;
    }
    return true;
}

/* PATH, found for config key K, unless it is a directory (which opens,
 * and would read as an empty file): then NULL, PATH freed. */
static char *
input_file(struct import *im, enum cfg_key k, char *path)
{
    struct stat sb;
    if (stat(path, &sb) || !S_ISDIR(sb.st_mode))
        return path;
    fail(im, im->val[k], "%s %s: a directory; expected the path of a file, "
         "as the simulator opens it", cfg_keys[k].name, im->val[k]->text);
    free(path);
    return NULL;
}

/* The file NAME of config key K: from the working directory, else from
 * the config's directory or its parent (the simulator runs in
 * simulation/ with its files in mix/). */
static char *
find_input(struct import *im, enum cfg_key k)
{
    const struct tok *v = im->val[k];
    if (!v)
        return NULL;
    if (!access(v->text, R_OK) || v->text[0] == '/')
        return input_file(im, k, xstrdup(v->text));
    char *dir = xstrdup(im->config);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    char *p = xasprintf("%s/%s", dir, v->text);
    if (access(p, R_OK)) {
        free(p);
        p = xasprintf("%s/../%s", dir, v->text);
    }
    free(dir);
    if (access(p, R_OK)) {
        free(p);
        fail(im, v, "%s %s: cannot open it (%s) from the working "
             "directory, the config's directory or its parent; expected "
             "the path of a file, as the simulator opens it",
             cfg_keys[k].name, v->text, strerror(errno));
        return NULL;
    }
    return input_file(im, k, p);
}

/* An integer token 0..MAX of a topology or trace file. */
bool
tok_uint(struct import *im, const struct tokens *t, size_t i,
         const char *what, uint64_t max, uint64_t *out)
{
    const char *why = "more than the largest accepted";
    if (i >= t->n) {
        struct tok end = { t->path, "", t->n ? t->v[t->n - 1].line + 1 : 1,
                           1 };
        return fail(im, &end, "the file ends before its %s; expected %s",
                    what, what);
    }
    if (!units_parse_u64(t->v[i].text, out, &why) || *out > max)
        return fail(im, &t->v[i], "%s '%s' (%s); expected an integer "
                    "0..%" PRIu64, what, t->v[i].text, why, max);
    return true;
}

/* Parses one link rate's RED thresholds, the maps' values at KMIN,
 * KMAX and PMAX, as switch.ecn's kmin (KB), kmax (KB) and pmax. */
static bool
red_parse(struct import *im, const struct tok *kmin_tok,
          const struct tok *kmax_tok, const struct tok *pmax_tok,
          uint64_t *kmin, uint64_t *kmax)
{
    double pmax;
    const char *why = "";
    if (!units_parse_u64(kmax_tok->text, kmax, &why) ||
        !units_parse_u64(kmin_tok->text, kmin, &why) || *kmin >= *kmax ||
        *kmax > UINT64_MAX / 1000)  /* Written in KB: bytes must fit. */
        return fail(im, kmin_tok, "KMIN %s and KMAX %s; expected integers "
                    "(KB) with KMIN < KMAX <= %" PRIu64, kmin_tok->text,
                    kmax_tok->text, UINT64_MAX / 1000);
    if (!units_parse_fraction(pmax_tok->text, &pmax, &why) || pmax <= 0)
        return fail(im, pmax_tok, "PMAX '%s'; expected a probability in "
                    "(0, 1]", pmax_tok->text);
    return true;
}

/* A link rate as the scenario writes it: 100Gbps, 2500Mbps, ... */
static void
rate_format(uint64_t bps, char *buf, size_t size)
{
    if (bps % 1000000000 == 0)
        snprintf(buf, size, "%" PRIu64 "Gbps", bps / 1000000000);
    else if (bps % 1000000 == 0)
        snprintf(buf, size, "%" PRIu64 "Mbps", bps / 1000000);
    else
        snprintf(buf, size, "%" PRIu64 "bps", bps);
}

/* ECN: red with the maps' values at the hosts' link rate, and, if the
 * maps give other values at other link rates of the topology, those in
 * switch.ecn.by_rate, as the simulator configures each switch port from
 * its own rate.  Each link rate needs an entry in each map (the
 * simulator asserts it). */
static bool
write_ecn(struct import *im, FILE *out, uint64_t nic_bps)
{
    bool on;
    if (!cfg_bool(im, K_ENABLE_QCN, true, &on))
        return false;
    if (!on) {
        fprintf(out, "  ecn: {mode: off}\n");
        return true;
    }
    /* v[m][l]: map m's value for link l's rate; at: the NIC rate's. */
    uint32_t n_links = im->g.n_links;
    const struct tok **v[3];
    const struct tok *at[3] = { NULL, NULL, NULL };
    bool several = false, ok = true;
    for (int m = 0; m < 3; m++)
        v[m] = xmalloc((n_links + 1) * sizeof *v[m]);
    for (int m = 0; ok && m < 3; m++) {
        const struct rate_map *rm = &im->map[m];
        if (!rm->at) {
            note(im, N_KEYS, "%s not given: the simulator stops (it needs "
                 "a value for each link rate); the scenario has no ECN",
                 cfg_keys[K_KMAX_MAP + m].name);
            fprintf(out, "  ecn: {mode: off}\n");
            goto out;
        }
        for (uint32_t l = 0; ok && l < n_links; l++) {
            v[m][l] = NULL;
            for (size_t j = 0; j < rm->n; j++)
                if (rm->rate[j] == im->g.links[l].rate_bps)
                    v[m][l] = rm->value[j];
            if (!v[m][l])
                ok = fail(im, rm->at, "%s has no entry for the link rate "
                          "%" PRIu64 " bit/s of the topology; expected "
                          "one for each link rate (the simulator stops "
                          "without)", cfg_keys[K_KMAX_MAP + m].name,
                          im->g.links[l].rate_bps);
            else if (im->g.links[l].rate_bps == nic_bps)
                at[m] = v[m][l];
        }
        if (ok && !at[m])
            ok = fail(im, rm->at, "%s: no link at the hosts' rate; "
                      "expected a topology with hosts",
                      cfg_keys[K_KMAX_MAP + m].name);
        for (uint32_t l = 0; ok && l < n_links; l++)
            several |= strcmp(v[m][l]->text, at[m]->text) != 0;
    }
    uint64_t kmin, kmax;
    if (!ok || !red_parse(im, at[1], at[0], at[2], &kmin, &kmax)) {
        ok = false;
        goto out;
    }
    if (!several) {
        fprintf(out, "  ecn: {mode: red, kmin: %" PRIu64 "KB, kmax: %"
                PRIu64 "KB, pmax: %s}\n", kmin, kmax, at[2]->text);
        goto out;
    }
    fprintf(out, "  ecn:\n    mode: red\n    kmin: %" PRIu64 "KB\n"
            "    kmax: %" PRIu64 "KB\n    pmax: %s\n    by_rate:\n",
            kmin, kmax, at[2]->text);
    /* Each other rate once, at its first link. */
    for (uint32_t l = 0; ok && l < n_links; l++) {
        uint64_t bps = im->g.links[l].rate_bps;
        bool first = bps != nic_bps;
        for (uint32_t e = 0; first && e < l; e++)
            first = im->g.links[e].rate_bps != bps;
        if (!first)
            continue;
        char rate[32];
        rate_format(bps, rate, sizeof rate);
        ok = red_parse(im, v[1][l], v[0][l], v[2][l], &kmin, &kmax);
        if (ok)
            fprintf(out, "      %s: {kmin: %" PRIu64 "KB, kmax: %" PRIu64
                    "KB, pmax: %s}\n", rate, kmin, kmax, v[2][l]->text);
    }
out:
    for (int m = 0; m < 3; m++)
        free(v[m]);
    return ok;
}

/* The flow file: converted line by line into OUT, a dcsim CSV flow file,
 * with the simulator's node ids as host names. */
static bool
convert_flows(struct import *im, FILE *out)
{
    struct flowfile *ff;
    struct flowfile_flow f;
    char *err = NULL;
    int rc = flowfile_open(im->flow_path, FLOWFILE_NS3, &im->g, &ff, &err);
    if (rc) {
        im->err = err;
        return false;
    }
    fprintf(out, "src,dst,size_bytes,start_ps,tc,dport\n");
    while ((rc = flowfile_next(ff, &f, &err)) == 1) {
        fprintf(out, "%s,%s,%" PRIu64 ",%" PRIu64 ",%u,%u\n",
                im->g.nodes[f.src].name, im->g.nodes[f.dst].name,
                f.size_bytes, f.start_ps, f.tc, f.dport);
        im->pg_used[f.tc] = true;
        im->n_flows++;
    }
    flowfile_close(ff);
    if (rc) {
        im->err = err;
        return false;
    }
    return true;
}

/* The trace file: a count then node ids, whose packet-level events the
 * simulator writes to TRACE_OUTPUT_FILE. */
static bool
read_trace(struct import *im)
{
    struct tokens t;
    uint64_t n, id;
    bool on;
    if (!cfg_bool(im, K_ENABLE_TRACE, true, &on))
        return false;
    if (!im->trace_path)
        return true;
    if (tokens_read(&t, im->trace_path, &im->err))
        return false;
    bool ok = tok_uint(im, &t, 0, "trace node count", UINT32_MAX, &n);
    for (uint64_t i = 0; ok && i < n; i++)
        ok = tok_uint(im, &t, 1 + i, "traced node id", UINT32_MAX, &id);
    if (ok && on && n)
        note(im, K_TRACE_FILE, "the packet-level events (enqueue, dequeue, "
             "PFC) of %" PRIu64 " nodes in %s: dcsim writes no such trace "
             "(monitor.pcap captures the frames of chosen ports, "
             "monitor.queues samples their queues)", n,
             im->val[K_TRACE_OUTPUT_FILE] ? im->val[K_TRACE_OUTPUT_FILE]->text
                                          : "mix.tr");
    tokens_free(&t);
    return ok;
}

/* Options third.cc reads that the scenario cannot express, or that only
 * name outputs dcsim writes otherwise. */
static bool
note_unexpressed(struct import *im, uint64_t cc)
{
    bool b;
    uint64_t v;
    double x;
    if (im->val[K_DATA_RATE] || im->val[K_LINK_DELAY])
        note(im, im->val[K_DATA_RATE] ? K_DATA_RATE : K_LINK_DELAY,
             "unused by the simulator (each link's rate and delay come "
             "from the topology file)");
    if (im->val[K_PAUSE_TIME])
        note(im, K_PAUSE_TIME, "the simulator's pause time; dcsim pauses "
             "for pfc.quanta (default 65535 quanta), re-sent while the "
             "class stays past XON");
    if (!cfg_bool(im, K_USE_DYNAMIC_PFC_THRESHOLD, true, &b))
        return false;
    if (!b)
        note(im, K_USE_DYNAMIC_PFC_THRESHOLD, "0 (a static threshold of "
             "the simulator's own); the scenario keeps pfc.xoff dynamic");
    if (!cfg_bool(im, K_L2_BACK_TO_ZERO, false, &b))
        return false;
    if (b)
        note(im, K_L2_BACK_TO_ZERO, "1 (go back to the chunk's start): "
             "dcsim goes back N, to the NAKed packet");
    if (!cfg_real(im, K_ERROR_RATE_PER_LINK, 0, &x))
        return false;
    if (x > 0)
        note(im, K_ERROR_RATE_PER_LINK, "%s: dcsim has no per-link error "
             "rate", im->val[K_ERROR_RATE_PER_LINK]->text);
    if (im->val[K_LINK_DOWN]) {
        if (!cfg_uint(im, K_LINK_DOWN, UINT64_MAX, 0, &v))
            return false;
        if (v)
            note(im, K_LINK_DOWN, "a link taken down during the run: dcsim "
                 "has no link failures");
    }
    if (cc == 1) {
        if (!cfg_bool(im, K_HAS_WIN, true, &b))
            return false;
        if (b)
            note(im, K_HAS_WIN, "1 with CC_MODE 1: the simulator bounds "
                 "each DCQCN QP's bytes in flight by the largest BDP; "
                 "dcsim's DCQCN QPs have no window");
    }
    if (cc == 3) {
        if (!cfg_bool(im, K_MULTI_RATE, true, &b))
            return false;
        if (b)
            note(im, K_MULTI_RATE, "1 (a rate per hop): dcsim's HPCC keeps "
                 "one rate for the path");
        if (!cfg_bool(im, K_RATE_BOUND, true, &b))
            return false;
        if (!b)
            note(im, K_RATE_BOUND, "0 (no rate limiter): dcsim's HPCC "
                 "always paces at W / T");
    }
    for (enum cfg_key k = K_TRACE_OUTPUT_FILE; k < N_KEYS;
         k = k == K_TRACE_OUTPUT_FILE ? K_PFC_OUTPUT_FILE
             : k == K_PFC_OUTPUT_FILE ? K_QLEN_MON_FILE : N_KEYS)
        if (im->val[k])
            note(im, k, "%s: an output file of the simulator; dcsim writes "
                 "its results to the run's directory (docs/output.md: "
                 "pfc.csv, queues.csv, queue_series.csv with monitor)",
                 im->val[k]->text);
    if (im->val[K_FCT_OUTPUT_FILE])
        note(im, K_FCT_OUTPUT_FILE, "%s: written as fct.txt in the run's "
             "directory (monitor.fct_txt)", im->val[K_FCT_OUTPUT_FILE]->text);
    if (im->val[K_DCTCP_RATE_AI] && cc != 8)
        note(im, K_DCTCP_RATE_AI, "only for CC_MODE 8, unused here");
    if ((im->val[K_PINT_LOG_BASE] || im->val[K_PINT_PROB]) && cc != 10)
        note(im, im->val[K_PINT_PROB] ? K_PINT_PROB : K_PINT_LOG_BASE,
             "only for CC_MODE 10 (HPCC-PINT), unused here");
    return true;
}

/* rdma: the payload, ACKs, and the congestion control of CC_MODE. */
static bool
write_rdma(struct import *im, FILE *out, uint64_t nic_bps)
{
    uint64_t cc, payload, ack, chunk, v;
    double x;
    char buf[4][64];
    if (!cfg_uint(im, K_CC_MODE, UINT32_MAX, 1, &cc) ||
        !cfg_uint(im, K_PACKET_PAYLOAD_SIZE, 4096, 1000, &payload) ||
        !cfg_uint(im, K_L2_ACK_INTERVAL, UINT32_MAX, 0, &ack) ||
        !cfg_uint(im, K_L2_CHUNK_SIZE, UINT32_MAX, 0, &chunk))
        return false;
    if (!payload)
        return fail(im, im->val[K_PACKET_PAYLOAD_SIZE], "PACKET_PAYLOAD_SIZE "
                    "0; expected 1..4096 bytes");
    if (!ack)
        return fail(im, im->key[K_L2_ACK_INTERVAL] ? im->val[K_L2_ACK_INTERVAL]
                                                   : &im->conf.v[0],
                    "L2_ACK_INTERVAL %s: the simulator's responder then "
                    "sends no ACK and its QPs never complete; expected a "
                    "number of bytes >= 1", im->val[K_L2_ACK_INTERVAL]
                                                ? "0" : "not given (0)");
    /* The simulator ACKs an in-order packet once the bytes received reach
     * the interval, and at each multiple of the chunk before: ReceiveUdp
     * sets the milestone back to the interval on every packet, so past
     * the first interval every packet is ACKed (rdma-hw.cc, ReceiveUdp
     * and ReceiverCheckSeq).  dcsim ACKs every packet. */
    if (ack > payload)
        note(im, K_L2_ACK_INTERVAL, "%" PRIu64 " bytes (with L2_CHUNK_SIZE "
             "%" PRIu64 "): the simulator ACKs each packet once a QP has "
             "received %" PRIu64 " bytes, before that only at chunk "
             "multiples; dcsim ACKs every packet", ack, chunk, ack);
    /* No IP MTU bounds the simulator's packets; dcsim's (1500 unless
     * raised) must hold one of PAYLOAD with a WRITE's headers and HPCC's
     * INT (scn-rdma.c's check), else the scenario would be refused. */
    uint64_t ip_bytes = payload + IPV4_HDR_BYTES + UDP_HDR_BYTES +
                        IB_BTH_BYTES + IB_RETH_BYTES + IB_ICRC_BYTES +
                        (cc == 3 ? INT_HDR_BYTES : 0);
    if (ip_bytes > 1500)
        fprintf(out, "mtu: %" PRIu64 "\n", ip_bytes);
    fprintf(out, "rdma:\n  payload: %" PRIu64 "\n  ack_every: 1\n",
            payload);
    if (payload > 1024)
        fprintf(out, "  mtu: %u\n", payload > 2048 ? 4096 : 2048);
    /* The simulator's NIC sends its ACK queue (ACKs, NAKs, and CNPs,
     * which ride on ACKs) before any QP's data, whatever ACK_HIGH_PRIO
     * (RdmaEgressQueue::GetNextQindex).  ACK_HIGH_PRIO 1 only makes
     * that queue the NIC's queue 0, never paused (third.cc: ack_q_idx);
     * switches would put ACKs in queue 0 with SwitchNode's AckHighPrio,
     * which third.cc never sets, so there they keep the flow's class
     * (ch.ack.pg, the data's pg): rdma.ack_tc data. */
    bool high;
    if (!cfg_bool(im, K_ACK_HIGH_PRIO, false, &high))
        return false;
    fprintf(out, "  ack_first: true\n");
    if (high) {
        fprintf(out, "  ack_tc: data            # ACK_HIGH_PRIO 1: switches "
                "keep ACKs in the flow's class\n");
        note(im, K_ACK_HIGH_PRIO, "1: the simulator's NIC sends ACKs from "
             "its queue 0, which PFC never pauses; dcsim sends them first "
             "in the flow's class (rdma.ack_first), held while a pause "
             "stops that class at the host's port (switches keep ACKs in "
             "the flow's class in both: third.cc never sets SwitchNode's "
             "AckHighPrio)");
    }
    if (cc == 1) {
        /* The simulator's CNP is a flag on the ACK of the marked packet
         * (ReceiveUdp: SetCnp). */
        fprintf(out, "  cc: dcqcn\n  dcqcn:\n    preset: ns3\n"
                     "    cnp_on_ack: true\n");
        const char *why;
        if (im->val[K_EWMA_GAIN]) {
            if (!units_parse_fraction(im->val[K_EWMA_GAIN]->text, &x, &why) ||
                x <= 0)
                return fail(im, im->val[K_EWMA_GAIN], "EWMA_GAIN '%s'; "
                            "expected a gain in (0, 1]",
                            im->val[K_EWMA_GAIN]->text);
            fprintf(out, "    g: %s\n", im->val[K_EWMA_GAIN]->text);
        }
        static const struct { enum cfg_key k; const char *name; } periods[] = {
            { K_ALPHA_RESUME_INTERVAL, "alpha_period" },
            { K_RATE_DECREASE_INTERVAL, "decrease_period" },
            { K_RP_TIMER, "increase_timer" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(periods); i++)
            if (im->val[periods[i].k]) {
                if (!check_us(im, periods[i].k, buf[0], sizeof buf[0]))
                    return false;
                fprintf(out, "    %s: %s\n", periods[i].name, buf[0]);
            }
        if (!cfg_uint(im, K_FAST_RECOVERY_TIMES, 1000, 5, &v))
            return false;
        if (im->val[K_FAST_RECOVERY_TIMES])
            fprintf(out, "    fast_recovery: %" PRIu64 "\n", v);
        static const struct { enum cfg_key k; const char *name; } rates[] = {
            { K_RATE_AI, "r_ai" }, { K_RATE_HAI, "r_hai" },
            { K_MIN_RATE, "min_rate" },
        };
        for (size_t i = 0; i < ARRAY_SIZE(rates); i++)
            if (im->val[rates[i].k]) {
                if (!check_rate(im, im->val[rates[i].k],
                                cfg_keys[rates[i].k].name, NULL))
                    return false;
                fprintf(out, "    %s: %s\n", rates[i].name,
                        im->val[rates[i].k]->text);
            }
        bool clamp;
        if (!cfg_bool(im, K_CLAMP_TARGET_RATE, false, &clamp))
            return false;
        fprintf(out, "    clamp: %s\n", clamp ? "true" : "false");
    } else if (cc == 3) {
        bool has_win, var_win, fast_react, sample, global_t;
        uint64_t mi, multi;
        double eta;
        if (!cfg_bool(im, K_HAS_WIN, true, &has_win) ||
            !cfg_bool(im, K_VAR_WIN, false, &var_win) ||
            !cfg_bool(im, K_FAST_REACT, true, &fast_react) ||
            !cfg_bool(im, K_SAMPLE_FEEDBACK, false, &sample) ||
            !cfg_bool(im, K_GLOBAL_T, true, &global_t) ||
            !cfg_uint(im, K_MI_THRESH, 1000, 5, &mi) ||
            !cfg_uint(im, K_INT_MULTI, 1024, 1, &multi) ||
            !cfg_real(im, K_U_TARGET, 0.95, &eta))
            return false;
        if (eta <= 0 || eta > 1)
            return fail(im, im->val[K_U_TARGET], "U_TARGET %s; expected a "
                        "utilization in (0, 1]", im->val[K_U_TARGET]->text);
        fprintf(out, "  cc: hpcc\n  hpcc:\n    eta: %s\n    max_stage: %"
                PRIu64 "\n    fast_react: %s\n    sample_feedback: %s\n"
                "    int_multi: %" PRIu64 "\n    window: %s\n",
                im->val[K_U_TARGET] ? im->val[K_U_TARGET]->text : "0.95", mi,
                fast_react ? "true" : "false", sample ? "true" : "false",
                multi, !has_win ? "off" : var_win ? "variable" : "fixed");
        if (im->val[K_RATE_AI]) {
            if (!check_rate(im, im->val[K_RATE_AI], "RATE_AI", NULL))
                return false;
            fprintf(out, "    r_ai: %s\n", im->val[K_RATE_AI]->text);
        }
        if (global_t)
            fprintf(out, "    t: %" PRIu64 "ns\n",
                    max_rtt_ns(im, payload));
    } else {
        fprintf(out, "  cc: none\n");
        note(im, K_CC_MODE, "%" PRIu64 " (%s): dcsim's RDMA has DCQCN (1) "
             "and HPCC (3) only; the scenario runs without congestion "
             "control", cc, cc == 7 ? "TIMELY" : cc == 8 ? "DCTCP"
                            : cc == 10 ? "HPCC-PINT" : "unknown");
    }
    (void)nic_bps;
    return note_unexpressed(im, cc);
}

/* Records that the line OUT is at is written from config key K. */
static void
mark_origin(struct import *im, FILE *out, enum cfg_key k)
{
    sim_assert(im->n_origins < ARRAY_SIZE(im->origin));
    im->origin[im->n_origins++] = (struct import_origin){ ftell(out), k,
                                                          im->val[k] };
}

/* Writes the scenario and flow file of IM into OUT and FLOWS (FLOWS_NAME
 * as the scenario names it). */
static bool
import_write(struct import *im, FILE *out, FILE *flows, const char *name,
             const char *flows_name)
{
    uint64_t buffer, ps;
    const char *why = "zero";      /* Set by a failed parse. */
    char stop[64];
    /* Below 4 GiB with the default switch.reserve, as the shared MMU's
     * 32-bit counts need (scn-switch.c). */
    if (!cfg_uint(im, K_BUFFER_SIZE, 4095, 16, &buffer))
        return false;
    if (!buffer)
        return fail(im, im->val[K_BUFFER_SIZE], "BUFFER_SIZE 0; expected "
                    "a switch's buffer in MiB, 1..4095");
    snprintf(stop, sizeof stop, "%ss", im->val[K_SIMULATOR_STOP_TIME]
                                           ? im->val[K_SIMULATOR_STOP_TIME]->text
                                           : "3.01");
    if (!units_parse_duration(stop, &ps, &why) || !ps)
        return fail(im, im->val[K_SIMULATOR_STOP_TIME], "SIMULATOR_STOP_TIME "
                    "'%s' (%s); expected seconds > 0, e.g. 4.00",
                    im->val[K_SIMULATOR_STOP_TIME]->text, why);
    /* Its links: PPP frames, no preamble or gap; its RDMA headers. */
    fputs("name: ", out);
    put_scalar(name, out);
    fprintf(out, "\nseed: 1\nstop: %s\nfabric: ns3\n", stop);
    if (!read_topology(im, out) || !convert_flows(im, flows) ||
        !read_trace(im))
        return false;
    uint64_t nic_bps = 0;
    for (uint32_t n = 0; n < im->g.n_nodes && !nic_bps; n++)
        if (im->g.nodes[n].is_host)
            nic_bps = im->host_rate[n];
    /* Its ECMP choice: every flow on the simulator's path.  A buffer too
     * small for the PFC headroom is refused at its line, by the builder. */
    fputs("switch:\n", out);
    mark_origin(im, out, K_BUFFER_SIZE);
    fprintf(out, "  buffer: %" PRIu64 "MiB\n  ecmp_hash: ns3\n", buffer);
    if (!write_ecn(im, out, nic_bps))
        return false;
    fprintf(out, "qos: {lossless: [");
    bool any = false;
    for (int pg = 0; pg < 8; pg++)
        if (im->pg_used[pg] || (!im->n_flows && pg == 3)) {
            fprintf(out, "%s%d", any ? ", " : "", pg);
            any = true;
        }
    /* The simulator's switch MMU: headroom 3 x rate x delay per port,
     * pause on receipt, and alpha 1/8 (qos.alpha's default) doubled per
     * factor of two a port is faster than the first host's NIC. */
    fprintf(out, "]}\npfc: {enabled: true, headroom: ns3, response: 0, "
            "alpha_by_rate: true}\n");
    uint64_t slowest = nic_bps;
    for (uint32_t n = 0; n < im->g.n_nodes; n++)
        if (im->g.nodes[n].is_host && im->host_rate[n])
            slowest = MIN(slowest, im->host_rate[n]);
    if (slowest != nic_bps)
        note(im, N_KEYS, "hosts of several link rates: the simulator scales "
             "each switch port's PFC alpha by its rate over the first "
             "host's (%" PRIu64 " bit/s), pfc.alpha_by_rate over the "
             "slowest host's (%" PRIu64 " bit/s)", nic_bps, slowest);
    if (!write_rdma(im, out, nic_bps))
        return false;
    fprintf(out, "monitor: {fct_txt: true}\n");
    if (im->n_flows) {
        fputs("traffic:\n  - {pattern: file, file: ", out);
        put_scalar(flows_name, out);
        fputs(", protocol: roce}\n", out);
    }
    return true;
}

/* The scenario file written to be checked: TMP, put in place as PATH if
 * it passes, of the comment HEAD then BODY. */
struct written {
    const char *tmp, *path;
    const char *head;
    size_t head_len;
    const char *body;
};

/* The number of lines of the LEN bytes at S. */
static uint32_t
lines_in(const char *s, size_t len)
{
    uint32_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

/* The message for ERR, what loading or building the scenario W of IM
 * refused it for (HOW: "does not load", "is refused"), in the names the
 * user wrote: at the config key a line of the scenario was written from
 * (IM's origins) if ERR is at such a line, else with the scenario's own
 * name for its temporary file's. */
static char *
refusal(const struct import *im, const struct written *w, const char *how,
        const char *err)
{
    size_t tmp_len = strlen(w->tmp);
    unsigned line, col;
    int at = 0;
    if (!strncmp(err, w->tmp, tmp_len) &&
        sscanf(err + tmp_len, ":%u:%u: %n", &line, &col, &at) == 2 && at) {
        uint32_t head_lines = lines_in(w->head, w->head_len);
        for (size_t i = 0; i < im->n_origins; i++) {
            const struct import_origin *o = &im->origin[i];
            if (o->at && line == head_lines + 1 +
                                     lines_in(w->body, (size_t)o->offset))
                return xasprintf("%s:%u:%u: %s %s: the scenario made from "
                                 "it %s: %s", o->at->path, o->at->line,
                                 o->at->col, cfg_keys[o->key].name,
                                 o->at->text, how, err + tmp_len + at);
        }
    }
    char *named = xstrdup(err);
    for (char *t = strstr(named, w->tmp); t;) {
        size_t before = (size_t)(t - named);
        char *next = xasprintf("%.*s%s%s", (int)before, named, w->path,
                               t + tmp_len);
        free(named);
        named = next;
        t = strstr(named + before + strlen(w->path), w->tmp);
    }
    char *msg = xasprintf("dcsim import: the scenario made from %s %s, so "
                          "it is not written: %s", im->config, how, named);
    free(named);
    return msg;
}

/* Base name of PATH without its directory and its last extension. */
static char *
stem_of(const char *path)
{
    const char *b = strrchr(path, '/');
    char *s = xstrdup(b ? b + 1 : path);
    char *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = '\0';
    return s;
}

int
cmd_import(int argc, char **argv)
{
    const char *config = NULL, *out_path = NULL;
    if (argc < 1 || strcmp(argv[0], "ns3"))
        return cli_usage_error("import", "%s%s%s; expected import ns3 CONFIG "
                               "[-o SCENARIO]", argc ? "unknown format '" : "",
                               argc ? argv[0] : "no format",
                               argc ? "'" : "");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o")) {
            if (++i == argc)
                return cli_usage_error("import", "-o needs a file name");
            out_path = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error("import", "unknown option '%s'", argv[i]);
        } else if (config) {
            return cli_usage_error("import", "unexpected argument '%s'",
                                   argv[i]);
        } else {
            config = argv[i];
        }
    }
    if (!config)
        return cli_usage_error("import", "no config file; expected import "
                               "ns3 CONFIG [-o SCENARIO]");

    struct import im = { .config = config };
    char *stem = stem_of(out_path ? out_path : config);
    /* The scenario names itself and its flow file by the stem.  (A config
     * path that gives none ends in '/', and is refused as it is read.) */
    if (!*stem && out_path) {
        int rc = cli_usage_error("import", "-o '%s': no file name; expected "
                                 "the scenario file to write, e.g. "
                                 "run.yaml", out_path);
        free(stem);
        return rc;
    }
    if (!yaml_text(stem)) {
        int rc = cli_usage_error("import", "%s '%s': a name with a control "
                                 "character or bytes that are not UTF-8, "
                                 "which a scenario cannot name its flow "
                                 "file by; expected a printable file name",
                                 out_path ? "-o" : "config", out_path
                                                       ? out_path : config);
        free(stem);
        return rc;
    }
    char *scn_path = out_path ? xstrdup(out_path) : xasprintf("%s.yaml", stem);
    char *dir = xstrdup(scn_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[1] = '\0';
    else
        dir[0] = '\0';
    char *flows_name = xasprintf("%s.flows.csv", stem);
    char *flows_path = xasprintf("%s%s", dir, flows_name);
    char *scn_tmp = xasprintf("%s.tmp", scn_path);
    char *flows_tmp = xasprintf("%s.tmp", flows_path);
    char *body = NULL, *head_buf = NULL;
    size_t body_len = 0, head_len = 0;
    FILE *out = open_memstream(&body, &body_len), *head = NULL;
    im.notes = open_memstream(&im.notes_buf, &im.notes_len);
    FILE *flows = NULL, *scn = NULL;
    int rc = 2;

    if (tokens_read(&im.conf, config, &im.err) || !read_config(&im))
        goto done;
    for (enum cfg_key k = K_TOPOLOGY_FILE; k <= K_FLOW_FILE; k++)
        if (!im.val[k]) {
            struct tok at = { config, "", 1, 1 };
            fail(&im, &at, "no %s; expected the simulator's %s key",
                 cfg_keys[k].name, cfg_keys[k].name);
            goto done;
        }
    if (!(im.topo_path = find_input(&im, K_TOPOLOGY_FILE)) ||
        !(im.flow_path = find_input(&im, K_FLOW_FILE)) ||
        (im.val[K_TRACE_FILE] &&
         !(im.trace_path = find_input(&im, K_TRACE_FILE))))
        goto done;
    flows = fopen(flows_tmp, "w");
    if (!flows) {
        im.err = xasprintf("%s: cannot create: %s", flows_path,
                           strerror(errno));
        goto done;
    }
    if (!import_write(&im, out, flows, stem, flows_name))
        goto done;
    fflush(out);
    fflush(im.notes);
    scn = fopen(scn_tmp, "w");
    if (!scn) {
        im.err = xasprintf("%s: cannot create: %s", scn_path,
                           strerror(errno));
        goto done;
    }
    head = open_memstream(&head_buf, &head_len);
    fputs("# Imported by dcsim import ns3 from ", head);
    put_comment_text(config, head);
    fprintf(head, " (the HPCC simulator's config;\n# docs/ns3.md maps each "
            "key).  %zu flow%s in %s.\n", (size_t)im.n_flows,
            im.n_flows == 1 ? "" : "s", flows_name);
    if (im.n_notes)
        fprintf(head, "# Not expressed: the simulator's run differs here "
                "(%zu):\n%s", im.n_notes, im.notes_buf);
    else
        fprintf(head, "# Everything in it is expressed.\n");
    fflush(head);
    fwrite(head_buf, 1, head_len, scn);
    fwrite(body, 1, body_len, scn);
    if (fclose(scn) | fclose(flows)) {
        scn = flows = NULL;
        im.err = xasprintf("%s: cannot write: %s", scn_path, strerror(errno));
        goto done;
    }
    scn = flows = NULL;
    /* The scenario names its flow file; load it under its final name. */
    if (rename(flows_tmp, flows_path)) {
        im.err = xasprintf("%s: cannot create: %s", flows_path,
                           strerror(errno));
        goto done;
    }
    struct scenario check;
    char *err = NULL;
    struct written wr = { scn_tmp, scn_path, head_buf, head_len, body };
    if (scenario_load(scn_tmp, NULL, 0, &check, &err)) {
        im.err = refusal(&im, &wr, "does not load", err);
        free(err);
        unlink(flows_path);
        goto done;
    }
    /* And built, as `dcsim validate` builds it: the builder refuses what
     * only the whole world shows (a switch buffer too small for the
     * reserves and PFC headroom of its ports). */
    struct world *w;
    if (world_create(&w, &check, &err)) {
        im.err = refusal(&im, &wr, "is refused", err);
        free(err);
        scenario_free(&check);
        unlink(flows_path);
        goto done;
    }
    world_destroy(w);
    scenario_free(&check);
    if (rename(scn_tmp, scn_path)) {
        im.err = xasprintf("%s: cannot create: %s", scn_path,
                           strerror(errno));
        unlink(flows_path);
        goto done;
    }
    /* The same list as the scenario's comment, on stderr. */
    if (im.n_notes)
        fprintf(stderr, "dcsim import: %zu option%s of %s not expressed "
                "(listed at the top of %s):\n%s", im.n_notes,
                im.n_notes == 1 ? "" : "s", config, scn_path, im.notes_buf);
    rc = 0;
done:
    if (rc) {
        fprintf(stderr, "%s\n", im.err);
        if (scn)
            fclose(scn);
        if (flows)
            fclose(flows);
        unlink(scn_tmp);
        unlink(flows_tmp);
    }
    fclose(out);
    if (head)
        fclose(head);
    fclose(im.notes);
    free(body);
    free(head_buf);
    free(im.notes_buf);
    free(im.err);
    tokens_free(&im.conf);
    free(im.topo_path);
    free(im.flow_path);
    free(im.trace_path);
    free(im.host_rate);
    topo_graph_free(&im.g);
    free(stem);
    free(scn_path);
    free(dir);
    free(flows_name);
    free(flows_path);
    free(scn_tmp);
    free(flows_tmp);
    return rc;
}
