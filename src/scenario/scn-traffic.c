/* The `traffic` section (docs/scenario.md, "traffic"): one entry per
 * pattern (flows, permutation, incast, all-to-all, random) with its
 * protocol, sizes (or a flow-size CDF), rates, arrivals and RDMA verb, into
 * struct traffic_spec (workload/workload-spec.h).  Host names are read
 * first and resolved once the graph is built (scn_resolve_traffic()). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "transport/transport.h"
#include "workload/cdf.h"
#include "workload/flowfile.h"

static const char *const pattern_names[] = {
    [PATTERN_FLOWS] = "flows",
    [PATTERN_PERMUTATION] = "permutation",
    [PATTERN_INCAST] = "incast",
    [PATTERN_ALL_TO_ALL] = "all-to-all",
    [PATTERN_RANDOM] = "random",
    [PATTERN_FILE] = "file",
};

static const char *const pattern_variants[] = {
    [PATTERN_FLOWS] = "pattern flows",
    [PATTERN_PERMUTATION] = "pattern permutation",
    [PATTERN_INCAST] = "pattern incast",
    [PATTERN_ALL_TO_ALL] = "pattern all-to-all",
    [PATTERN_RANDOM] = "pattern random",
    [PATTERN_FILE] = "pattern file",
};

/* Keys of a traffic entry; each pattern takes those whose bit it has,
 * in this order. */
#define FLOWS (1u << PATTERN_FLOWS)
#define PERM (1u << PATTERN_PERMUTATION)
#define INCAST (1u << PATTERN_INCAST)
#define A2A (1u << PATTERN_ALL_TO_ALL)
#define RANDOM (1u << PATTERN_RANDOM)
#define FILE_ (1u << PATTERN_FILE)
#define GENERATED (PERM | INCAST | A2A | RANDOM)
#define T(F) offsetof(struct traffic_spec, F)
static const struct key traffic_keys[] = {
    { "pattern", KEY_CUSTOM,
      .what = "flows, permutation, incast, all-to-all, random, file",
      .note = "required", .help = "How flows are made." },
    { "protocol", KEY_CUSTOM, .what = "udp, tcp, roce, rocev1, iwarp, ib",
      .note = "udp; ib with fabric infiniband",
      .help = "Transport of the flows." },
    { "flows", KEY_CUSTOM, .what = "non-empty sequence of flow mappings",
      .note = "required", .variants = FLOWS,
      .help = "The flows, one by one." },
    { "file", KEY_CUSTOM, .what = "path of a flow file", .note = "required",
      .variants = FILE_, .help = "The flows, read from this file as the "
      "run goes." },
    { "format", KEY_CUSTOM, .what = "csv, ns3", .dflt = "csv",
      .variants = FILE_, .help = "The flow file's format." },
    { "size", KEY_CUSTOM,
      .what = "size > 0, at most 1TiB, or {cdf: NAME_OR_PATH}",
      .note = "required", .variants = GENERATED,
      .help = "Bytes per flow, or a distribution of them." },
    { "rate", KEY_RATE_LINE, T(rate_bps), .dflt = "line",
      .variants = GENERATED, .help = "Pacing rate of each flow." },
    { "tc", KEY_TC, T(tc), .dflt = "0", .variants = GENERATED,
      .help = "Traffic class of the flows." },
    { "start", KEY_DURATION, T(start_ps), .dflt = "0",
      .variants = GENERATED, .help = "When the flows start." },
    { "interarrival", KEY_DURATION, T(interarrival_ps), 1, .note = "none",
      .variants = GENERATED, .help = "Mean gap of Poisson starts." },
    { "senders", KEY_U32, T(count), 1, UINT32_MAX, .note = "required",
      .variants = INCAST, .help = "Number of distinct senders." },
    { "receiver", KEY_CUSTOM, .what = "host name", .note = "required",
      .variants = INCAST, .help = "The host all senders send to." },
    { "rounds", KEY_U32, T(rounds), 1, UINT32_MAX, .dflt = "1",
      .variants = INCAST, .help = "Rounds of the incast, one after "
      "another." },
    { "gap", KEY_DURATION, T(gap_ps), .dflt = "0", .variants = INCAST,
      .help = "From a round's completion to the next round's start." },
    { "load", KEY_FRACTION, T(load), .lo_open = true, .hi = 1,
      .form = "a fraction of the link rate, 0 < load <= 1, e.g. 0.5",
      .note = "none", .variants = RANDOM,
      .help = "Offered load of every host, a fraction of its link rate." },
    { "count", KEY_U32, T(count), 1, UINT32_MAX,
      .note = "required, or duration", .variants = RANDOM,
      .help = "Number of flows." },
    { "duration", KEY_DURATION, T(duration_ps), 1, .note = "none",
      .variants = RANDOM, .help = "Instead of count: flows arriving within "
      "it." },
    { "cross_rack", KEY_BOOL, T(cross_rack_only), .dflt = "false",
      .variants = PERM | RANDOM,
      .help = "Only pairs in different racks." },
    { "tcp", KEY_CUSTOM, .what = "mapping of tcp keys",
      .note = "the top-level tcp",
      .help = "TCP parameters of this entry's flows (protocol tcp)." },
    { "verb", KEY_CUSTOM, .what = "write, send, read, write_imm",
      .note = "write", .help = "RDMA operation of each flow (roce, rocev1, "
      "ib)." },
    { "recv_at", KEY_DURATION, T(recv_at_ps), .note = "0",
      .help = "verb send or write_imm: when the receiver posts its "
      "receives." },
};
#undef T
#undef FLOWS
#undef PERM
#undef INCAST
#undef A2A
#undef RANDOM
#undef FILE_
#undef GENERATED

#define F(M) offsetof(struct flow_spec, M)
static const struct key flow_keys[] = {
    { "src", KEY_CUSTOM, .what = "host name", .note = "required",
      .help = "Sender." },
    { "dst", KEY_CUSTOM, .what = "host name", .note = "required",
      .help = "Receiver; not the sender." },
    { "size", KEY_SIZE, F(size_bytes), 1, FLOW_SIZE_MAX_BYTES,
      .limit = FLOW_SIZE_LIMIT, .note = "required",
      .help = "Application bytes." },
    { "start", KEY_DURATION, F(start_ps), .dflt = "0",
      .help = "When it starts." },
    { "rate", KEY_RATE_LINE, F(rate_bps), .dflt = "line",
      .help = "Pacing rate." },
    { "tc", KEY_TC, F(tc), .dflt = "0", .help = "Traffic class." },
};
#undef F

static const struct key flow_size_keys[] = {
    { "cdf", KEY_CUSTOM, .what = "built-in name or file path",
      .note = "required", .help = "Distribution each flow's size is drawn "
      "from." },
};

const struct key_section scn_traffic_keys =
    KEY_SECTION_V("traffic[]", traffic_keys, pattern_variants);
const struct key_section scn_flow_keys =
    KEY_SECTION_ONLY("traffic[].flows[]", "pattern flows", flow_keys);
const struct key_section scn_flow_size_keys =
    KEY_SECTION("traffic[].size", flow_size_keys);

/* Indexed by enum traffic_pattern: the keys required. */
static const struct pattern_desc {
    const char *const *required;
    size_t n_required;
} pattern_descs[] = {
    [PATTERN_FLOWS] = { (const char *const[]){ "flows" }, 1 },
    [PATTERN_PERMUTATION] = { (const char *const[]){ "size" }, 1 },
    [PATTERN_INCAST] = { (const char *const[]){ "size", "senders",
                                                "receiver" }, 3 },
    [PATTERN_ALL_TO_ALL] = { (const char *const[]){ "size" }, 1 },
    /* `count` or `duration`: checked by check_arrivals(). */
    [PATTERN_RANDOM] = { (const char *const[]){ "size" }, 1 },
    [PATTERN_FILE] = { (const char *const[]){ "file" }, 1 },
};

/* The RDMA keys of a traffic entry: the verb and when the receiver posts
 * its receives. */
static const char *const verbs[] = {
    [RDMA_VERB_WRITE] = "write",
    [RDMA_VERB_SEND] = "send",
    [RDMA_VERB_READ] = "read",
    [RDMA_VERB_WRITE_IMM] = "write_imm",
};

static bool
parse_flow(struct ctx *c, const struct ynode *item, const char *path,
           struct flow_spec *f)
{
    static const char *const required[] = { "src", "dst", "size" };
    char sub[PATH_BYTES];
    const char *name;

    f->loc.line = item->mark.line;
    f->loc.col = item->mark.col;
    if (!need_keyed(c, item, path, &scn_flow_keys,
                    "a flow mapping with src, dst and size") ||
        !require_keys(c, item, path, required, ARRAY_SIZE(required)))
        return false;
    /* Names are resolved once the graph exists; check the form now. */
    path_key(sub, path, "src");
    if (!read_string(c, ytree_get(item, "src"), sub, "a host name", &name))
        return false;
    path_key(sub, path, "dst");
    if (!read_string(c, ytree_get(item, "dst"), sub, "a host name", &name))
        return false;
    return keys_read(c, item, path, &scn_flow_keys, 0, f);
}

/* How many flows a random entry makes and when: `count` or `duration`,
 * the latter only with an arrival process (`load` or `interarrival`).
 * Incast rounds start all their flows together, so not with
 * `interarrival`. */
static bool
check_arrivals(struct ctx *c, const struct ynode *map, const char *path,
               const struct traffic_spec *ts)
{
    if (!exclusive(c, map, path, "load", "interarrival") ||
        !exclusive(c, map, path, "count", "duration") ||
        !exclusive(c, map, path, "interarrival", "rounds"))
        return false;
    if (ts->pattern != PATTERN_RANDOM)
        return true;
    if (!ts->count && !ts->duration_ps)
        return fail_at(c, &map->mark, "missing required key 'count' in %s; "
                       "expected count, or duration with load or "
                       "interarrival", path);
    const struct ypair *d = ytree_pair(map, "duration");
    if (d && !ts->load && !ts->interarrival_ps)
        return fail_at(c, &d->key_mark, "%s.duration needs an arrival "
                       "process; expected load or interarrival with "
                       "duration", path);
    return true;
}

/* `cdf: NAME_OR_PATH` (node N at PATH): a built-in name, else a file.
 * *OUT is allocated first so that scenario_free() frees it on error. */
static bool
read_cdf(struct ctx *c, const struct ynode *n, const char *path,
         struct cdf **out)
{
    const char *names[MAX_CHOICES];
    size_t k = registry_names(cdf_builtin_count, cdf_builtin_name, names);
    char list[192], form[256];
    join_names(list, sizeof list, names, k);
    snprintf(form, sizeof form, "%s, or the path of a CDF file", list);
    const char *name;
    if (!read_string(c, n, path, form, &name))
        return false;

    *out = xcalloc(1, sizeof **out);
    if (cdf_builtin(name, *out))
        return true;
    char *file = scenario_file_path(c->file, name), *msg = NULL;
    int e = cdf_load(file, *out, &msg);
    free(file);
    if (e == EINVAL)
        fail_at(c, &n->mark, "%s: %s", path, msg);
    else if (e)
        fail_value(c, n, path, msg, form);
    free(msg);
    return !e;
}

/* `size` of a generated pattern: a size, or {cdf: NAME_OR_PATH}. */
static bool
get_flow_size(struct ctx *c, const struct ynode *map, const char *parent,
              struct traffic_spec *ts)
{
    const struct ynode *n = ytree_get(map, "size");
    char path[PATH_BYTES], sub[PATH_BYTES], where[PATH_BYTES + 8];
    path_key(path, parent, "size");
    if (!n)
        return true;
    if (n->kind == YNODE_SEQUENCE)
        return fail_value(c, n, path, NULL,
                          "a size, or a mapping {cdf: NAME_OR_PATH}");
    if (n->kind != YNODE_MAPPING)
        return read_size_max(c, n, path, true, FLOW_SIZE_MAX_BYTES,
                             FLOW_SIZE_LIMIT, &ts->size_bytes);
    snprintf(where, sizeof where, "in %s", path);
    path_key(sub, path, "cdf");
    return keys_check(c, n, where, &scn_flow_size_keys, 0) &&
           require_key(c, n, path, "cdf") &&
           read_cdf(c, ytree_get(n, "cdf"), sub, &ts->size_cdf);
}

const char *
rdma_verb_name(enum rdma_verb v)
{
    return verbs[v];
}

static bool
parse_verb(struct ctx *c, const struct ynode *map, const char *path,
           struct traffic_spec *ts)
{
    static const char *const keys[] = { "verb", "recv_at" };
    bool rdma = !strncmp(ts->protocol, "roce", 4) ||
                !strcmp(ts->protocol, "ib");
    char sub[PATH_BYTES];
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        const struct ypair *pr = ytree_pair(map, keys[k]);
        if (pr && !rdma)
            return fail_at(c, &pr->key_mark,
                           "%s.%s on a %s entry; expected protocol roce, "
                           "rocev1 or ib, or no %s key",
                           path, keys[k], ts->protocol, keys[k]);
    }
    const struct ynode *n = ytree_get(map, "verb");
    size_t i;
    if (n) {
        path_key(sub, path, "verb");
        if (!read_choice(c, n, sub, verbs, ARRAY_SIZE(verbs), &i))
            return false;
        ts->verb = (enum rdma_verb)i;
    }
    if (!key_get(c, map, path, &scn_traffic_keys, "recv_at", ts))
        return false;
    if (ytree_get(map, "recv_at") && ts->verb != RDMA_VERB_SEND &&
        ts->verb != RDMA_VERB_WRITE_IMM)
        return fail_at(c, &ytree_pair(map, "recv_at")->key_mark,
                       "%s.recv_at: only a SEND or a WRITE with immediate "
                       "consumes a posted receive; expected verb: send or "
                       "write_imm, or no recv_at key", path);
    return true;
}

/* PROTOCOL (read from N, or NULL: the default) against the fabric: a
 * native IB fabric carries only `ib`, and `ib` needs one. */
static bool
check_protocol_fabric(struct ctx *c, const struct ynode *n, const char *path,
                      const char *protocol, enum fabric fabric)
{
    bool ib = !strcmp(protocol, "ib");
    if (fabric == FABRIC_INFINIBAND && !ib)
        return fail_value(c, n, path,
                          "fabric infiniband carries no Ethernet, IP, UDP "
                          "or TCP",
                          "ib (RDMA reliable connections over native IB)");
    if (fabric != FABRIC_INFINIBAND && ib)
        return fail_value(c, n, path,
                          "native InfiniBand needs fabric: infiniband",
                          "udp, tcp, roce, rocev1 or iwarp, or a top-level "
                          "fabric: infiniband");
    return true;
}

/* `file` and `format` of a file entry.  The file is read once the
 * graph is built (scn_resolve_traffic()). */
static bool
parse_file(struct ctx *c, const struct ynode *map, const char *path,
           struct traffic_spec *ts)
{
    char sub[PATH_BYTES];
    const char *name;
    size_t i;
    path_key(sub, path, "file");
    if (!read_string(c, ytree_get(map, "file"), sub, "the path of a flow "
                     "file", &name))
        return false;
    ts->file = scenario_file_path(c->file, name);
    const struct ynode *n = ytree_get(map, "format");
    path_key(sub, path, "format");
    if (n && !read_choice(c, n, sub, flowfile_format_names,
                          ARRAY_SIZE(flowfile_format_names), &i))
        return false;
    ts->file_format = n ? (uint8_t)i : FLOWFILE_CSV;
    /* A RoCEv1 flow is checked against the switches its hosts hang off
     * when it is made; a file's flows are made during the run. */
    if (!strcmp(ts->protocol, "rocev1"))
        return fail_at(c, &ytree_pair(map, "protocol")->key_mark,
                       "%s.protocol rocev1 with pattern file: RoCEv1 "
                       "flows are checked against the topology before the "
                       "run, and a file's are made during it; expected "
                       "protocol roce, udp, tcp, iwarp or ib", path);
    return true;
}

static bool
parse_traffic_entry(struct ctx *c, const struct ynode *map, const char *path,
                    const struct tcp_spec *tcp, enum fabric fabric,
                    struct traffic_spec *ts)
{
    char where[PATH_BYTES + 32], sub[PATH_BYTES];
    size_t i;

    /* Native IB carries nothing but its own transport. */
    ts->protocol = fabric == FABRIC_INFINIBAND ? "ib" : transport_name(0);
    ts->tcp = *tcp;
    ts->rounds = 1;
    ts->loc.line = map->mark.line;
    ts->loc.col = map->mark.col;
    path_key(sub, path, "pattern");
    if (!need_mapping(c, map, path, "a traffic mapping with a pattern") ||
        !require_key(c, map, path, "pattern") ||
        !read_choice(c, ytree_get(map, "pattern"), sub, pattern_names,
                     ARRAY_SIZE(pattern_names), &i))
        return false;
    ts->pattern = (enum traffic_pattern)i;

    const struct pattern_desc *pd = &pattern_descs[ts->pattern];
    snprintf(where, sizeof where, "in %s (pattern %s)", path,
             pattern_names[ts->pattern]);
    if (!keys_check(c, map, where, &scn_traffic_keys, 1u << ts->pattern) ||
        !require_keys(c, map, path, pd->required, pd->n_required))
        return false;

    const struct ynode *n = ytree_get(map, "protocol");
    if (n) {
        path_key(sub, path, "protocol");
        const char *names[MAX_CHOICES];
        size_t k = registry_names(transport_count, transport_name, names);
        if (!read_choice(c, n, sub, names, k, &i) ||
            !check_protocol_fabric(c, n, sub, names[i], fabric))
            return false;
        ts->protocol = names[i];
    }
    n = ytree_get(map, "tcp");
    if (n) {
        path_key(sub, path, "tcp");
        if (strcmp(ts->protocol, "tcp") && strcmp(ts->protocol, "iwarp"))
            return fail_at(c, &ytree_pair(map, "tcp")->key_mark,
                           "%s: TCP parameters on a %s entry; expected "
                           "protocol: tcp, or no tcp key", sub,
                           ts->protocol);
        if (!scn_parse_tcp(c, n, sub, &ts->tcp))
            return false;
    }

    if (!parse_verb(c, map, path, ts))
        return false;
    /* The typed keys in the order their errors have always come in (the
     * pattern's keys were checked above); cross_rack after the arrivals
     * and the receiver, and the table's walk last. */
    static const char *const first[] = {
        "rate", "tc", "start", "interarrival", "load", "duration", "count",
        "senders", "rounds", "gap",
    };
    if (!get_flow_size(c, map, path, ts))
        return false;
    for (size_t k = 0; k < ARRAY_SIZE(first); k++)
        if (!key_get(c, map, path, &scn_traffic_keys, first[k], ts))
            return false;
    if (!check_arrivals(c, map, path, ts))
        return false;

    n = ytree_get(map, "receiver");
    const char *name;
    path_key(sub, path, "receiver");
    if (n && !read_string(c, n, sub, "a host name", &name))
        return false;

    /* The walk finds every typed key read and valid, and reads any the
     * list above lacks. */
    if (!key_get(c, map, path, &scn_traffic_keys, "cross_rack", ts) ||
        !keys_read(c, map, path, &scn_traffic_keys, 1u << ts->pattern, ts))
        return false;

    if (ts->pattern == PATTERN_FILE && !parse_file(c, map, path, ts))
        return false;
    if (ts->pattern == PATTERN_FLOWS) {
        const struct ynode *seq = ytree_get(map, "flows");
        path_key(sub, path, "flows");
        if (!need_sequence(c, seq, sub, true,
                           "a non-empty sequence of flow mappings"))
            return false;
        ts->flows = xcalloc(seq->n_items, sizeof *ts->flows);
        for (size_t j = 0; j < seq->n_items; j++) {
            char fpath[PATH_BYTES];
            path_index(fpath, sub, j);
            if (!parse_flow(c, seq->items[j], fpath, &ts->flows[j]))
                return false;
            ts->n_flows++;
        }
    }
    return true;
}

bool
scn_parse_traffic(struct ctx *c, const struct ynode *seq, struct scenario *scn)
{
    if (!need_sequence(c, seq, "traffic", false,
                       "a sequence of traffic mappings"))
        return false;
    if (seq->n_items > UINT16_MAX)
        return fail_at(c, &seq->mark, "traffic: %zu entries; expected at "
                       "most %u", seq->n_items, UINT16_MAX);
    scn->traffic = xcalloc(seq->n_items, sizeof *scn->traffic);
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES];
        path_index(path, "traffic", i);
        /* Counted first so that scenario_free() sees partial flows. */
        scn->n_traffic++;
        if (!parse_traffic_entry(c, seq->items[i], path, &scn->tcp,
                                 scn->fabric, &scn->traffic[i]))
            return false;
        /* HPCC's feedback rides on ACKs, and READ responses have none. */
        if (scn->traffic[i].verb == RDMA_VERB_READ &&
            scn->rdma.cc == RDMA_CC_HPCC)
            return fail_at(c, &ytree_pair(seq->items[i], "verb")->key_mark,
                           "%s.verb read with rdma.cc hpcc: READ responses "
                           "are not acknowledged, so no ACK brings their "
                           "INT back to the responder that sends them; "
                           "expected verb write, write_imm or send, or "
                           "rdma.cc none or dcqcn", path);
    }
    return true;
}

bool
scn_resolve_host(struct ctx *c, const struct scenario *scn,
                 const struct ynode *n, const char *path, uint32_t *host)
{
    const struct topo_graph *g = &scn->graph;
    /* A list of names may hold a mapping or a list where a name belongs
     * ("[h0, x: 1]" is a list of a name and a mapping). */
    if (n->kind != YNODE_SCALAR)
        return need_scalar(c, n, path, "a host name");
    int64_t i = topo_find(g, n->text);
    if (i >= 0 && (uint64_t)i < g->n_hosts && g->nodes[i].is_host) {
        *host = (uint32_t)i;
        return true;
    }
    const char *what = i >= 0 ? "it is a switch" : "";
    if (strcmp(scn->topo.type, "explicit") && g->n_hosts > 0)
        return fail_at(c, &n->mark, "%s: no host named '%s' (%s%shosts are "
                       "%s..%s)", path, n->text, what, *what ? "; " : "",
                       g->nodes[0].name, g->nodes[g->n_hosts - 1].name);
    if (*what)
        return fail_at(c, &n->mark, "%s: no host named '%s' (%s)", path,
                       n->text, what);
    return fail_at(c, &n->mark, "%s: no host named '%s'", path, n->text);
}

static bool
graph_has_two_racks(const struct topo_graph *g)
{
    for (uint32_t i = 1; i < g->n_hosts; i++)
        if (g->nodes[i].rack != g->nodes[0].rack)
            return true;
    return false;
}

bool
scn_resolve_traffic(struct ctx *c, const struct ynode *seq,
                    struct scenario *scn)
{
    const struct topo_graph *g = &scn->graph;
    for (size_t i = 0; i < scn->n_traffic; i++) {
        struct traffic_spec *ts = &scn->traffic[i];
        const struct ynode *map = seq->items[i];
        char path[PATH_BYTES], sub[PATH_BYTES];
        path_index(path, "traffic", i);

        for (size_t j = 0; j < ts->n_flows; j++) {
            const struct ynode *item =
                ytree_get(map, "flows")->items[j];
            struct flow_spec *f = &ts->flows[j];
            char fpath[PATH_BYTES];
            path_format(fpath, "%s.flows.%zu", path, j);
            path_key(sub, fpath, "src");
            if (!scn_resolve_host(c, scn, ytree_get(item, "src"), sub,
                                  &f->src))
                return false;
            path_key(sub, fpath, "dst");
            const struct ynode *dst = ytree_get(item, "dst");
            if (!scn_resolve_host(c, scn, dst, sub, &f->dst))
                return false;
            if (f->dst == f->src)
                return fail_value(c, dst, sub, "the same host as src",
                                  "a host other than src");
        }

        if (ts->pattern == PATTERN_FILE) {
            struct flowfile_stats st;
            char *err = NULL;
            FILE *fp = fopen(ts->file, "r");
            struct stat sb;
            path_key(sub, path, "file");
            if (!fp)
                return fail_at(c, &ytree_get(map, "file")->mark,
                               "%s: cannot open %s: %s; expected the path "
                               "of a flow file, relative to the scenario's "
                               "directory", sub, ts->file, strerror(errno));
            /* A directory opens, and would read as an empty file. */
            bool dir = !fstat(fileno(fp), &sb) && S_ISDIR(sb.st_mode);
            fclose(fp);
            if (dir)
                return fail_at(c, &ytree_get(map, "file")->mark,
                               "%s: %s is a directory; expected the path "
                               "of a flow file, relative to the scenario's "
                               "directory", sub, ts->file);
            if (flowfile_scan(ts->file, (enum flowfile_format)ts->file_format,
                              g, &st, &err)) {
                /* The flow file's own position first. */
                path_key(sub, path, "file");
                if (!c->err)
                    c->err = xasprintf("%s (%s)", err, sub);
                free(err);
                return false;
            }
            ts->file_flows = st.flows;
            ts->file_bytes = st.bytes;
            ts->file_first_ps = st.first_start_ps;
            ts->file_last_ps = st.last_start_ps;
        }

        const struct ynode *pattern = ytree_get(map, "pattern");
        path_key(sub, path, "pattern");
        if (ts->pattern != PATTERN_FLOWS && g->n_hosts < 2)
            return fail_at(c, &pattern->mark,
                           "%s: pattern %s needs at least 2 hosts and the "
                           "topology has %" PRIu32, sub,
                           pattern_names[ts->pattern], g->n_hosts);

        if (ts->pattern == PATTERN_INCAST) {
            const struct ynode *n = ytree_get(map, "senders");
            path_key(sub, path, "senders");
            char form[96];
            snprintf(form, sizeof form, "an integer 1..%" PRIu32
                     " (the topology has %" PRIu32 " hosts)",
                     g->n_hosts - 1, g->n_hosts);
            if (ts->count > g->n_hosts - 1)
                return fail_value(c, n, sub, NULL, form);
            path_key(sub, path, "receiver");
            if (!scn_resolve_host(c, scn, ytree_get(map, "receiver"), sub,
                              &ts->receiver))
                return false;
        }

        if (ts->cross_rack_only && !graph_has_two_racks(g)) {
            path_key(sub, path, "cross_rack");
            return fail_value(c, ytree_get(map, "cross_rack"), sub,
                              "every host is in the same rack",
                              "false, or a topology with at least 2 racks");
        }
    }
    return true;
}
