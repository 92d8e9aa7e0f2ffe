/* Scenario files: YAML -> checked `struct scenario` (see scenario.h and
 * docs/scenario.md, which documents every key).
 *
 * Loading runs in four steps:
 *   1. ytree_parse() turns the file into a tree of nodes with positions;
 *   2. ytree_set() applies each --set override to the tree;
 *   3. the schema walk below checks every key and value and fills the
 *      structs, stopping at the first error;
 *   4. topo_build() makes the graph, and host names in `traffic` are
 *      resolved against it.
 * Every error is one message naming the offending place: "FILE:LINE:COL:"
 * for what the file says, "--set KEY=VALUE:" for what an override put
 * there.  Values are never clamped or defaulted when they are wrong.
 *
 * Paths in messages ("topology.spines", "traffic.0.flows.2.dst") are the
 * ones --set takes, so a message says how to override the value too. */
#include "scenario/scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/mmu.h"
#include "fabric/sched.h"
#include "host/kvm-profile.h"
#include "pkt/pkt.h"
#include "scenario/units.h"
#include "transport/transport.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "workload/cdf.h"

/* Refuse to read more than this: a scenario is a description, and this
 * keeps /dev/zero and the like from eating memory. */
#define MAX_FILE_BYTES (UINT64_C(256) << 20)

/* Room for a path such as "traffic.12.flows.345.src"; longer ones are
 * truncated in messages only. */
#define PATH_BYTES 160

struct ctx {
    const char *file;         /* As given, for messages. */
    char *err;                /* The first error. */
};

/* Schedulers and transports are validated against their registries
 * (src/fabric/sched.c, src/transport/transport.c), so a new one is added
 * in one place.  The first registered is the default. */
#define MAX_CHOICES 32

static size_t
registry_names(size_t (*count)(void), const char *(*name)(size_t),
               const char **out)
{
    size_t n = count();
    sim_assert(n <= MAX_CHOICES);
    for (size_t i = 0; i < n; i++)
        out[i] = name(i);
    return n;
}

/* ------------------------------------------------------------------ */
/* Messages. */


/* Records an error at MARK (a file position, or the override that made
 * the node) unless one is already recorded.  Always returns false. */
static bool PRINTF_FMT(3, 4)
fail_at(struct ctx *c, const struct ymark *mark, const char *fmt, ...)
{
    if (c->err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    c->err = ytree_vmessage(c->file, mark, fmt, ap);
    va_end(ap);
    return false;
}

/* How a value reads in a message: "'abc'", "a mapping", "empty". */
struct desc {
    char buf[64];
};

static const char *
describe(const struct ynode *n, struct desc *d)
{
    if (n->kind == YNODE_MAPPING)
        return "a mapping";
    if (n->kind == YNODE_SEQUENCE)
        return "a sequence";
    if (ytree_is_null(n))
        return "empty";

    const size_t max = sizeof d->buf - 6;   /* Quotes, "...", NUL. */
    const char *t = n->text;
    size_t len = strlen(t), k = 0;
    bool cut = len > max;
    if (cut) {
        len = max;
        while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
            len--;          /* Do not split a UTF-8 sequence. */
    }
    d->buf[k++] = '\'';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[i];
        d->buf[k++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(&d->buf[k], "...", 3);
        k += 3;
    }
    d->buf[k++] = '\'';
    d->buf[k] = '\0';
    return d->buf;
}

/* Where MARK is, as fail_at() would name it, for errors found later;
 * replaces *WHERE (owned). */
static void
set_where(struct ctx *c, const struct ymark *mark, char **where)
{
    free(*where);
    *where = mark->origin ? xstrdup(mark->origin)
                          : xasprintf("%s:%" PRIu32 ":%" PRIu32, c->file,
                                      mark->line, mark->col);
}

/* "PATH is VALUE (WHY); expected FORM", at the value. */
static bool
fail_value(struct ctx *c, const struct ynode *n, const char *path,
           const char *why, const char *form)
{
    struct desc d;
    if (why)
        return fail_at(c, &n->mark, "%s is %s (%s); expected %s", path,
                       describe(n, &d), why, form);
    return fail_at(c, &n->mark, "%s is %s; expected %s", path,
                   describe(n, &d), form);
}

/* Formats a path into OUT (PATH_BYTES); a long one is cut short, which
 * only shortens a message. */
static void PRINTF_FMT(2, 3)
path_format(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_BYTES, fmt, ap);
    va_end(ap);
}

static void
path_key(char *out, const char *parent, const char *key)
{
    if (*parent)
        path_format(out, "%s.%s", parent, key);
    else
        path_format(out, "%s", key);
}

static void
path_index(char *out, const char *parent, size_t i)
{
    path_format(out, "%s.%zu", parent, i);
}

/* "a, b, c" into OUT (SIZE bytes). */
static void
join_names(char *out, size_t size, const char *const *names, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++) {
        int w = snprintf(out + k, size - k, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* ------------------------------------------------------------------ */
/* Keys of a mapping. */

/* Rejects the first key of MAP not in VALID.  WHERE completes "unknown
 * key 'x' ...": "at the top level", "in topology (type fat-tree)". */
static bool
check_keys(struct ctx *c, const struct ynode *map, const char *where,
           const char *const *valid, size_t n_valid)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const struct ypair *pair = &map->pairs[i];
        bool known = false;
        for (size_t j = 0; j < n_valid && !known; j++)
            known = !strcmp(pair->key, valid[j]);
        if (!known) {
            char list[512];
            join_names(list, sizeof list, valid, n_valid);
            return fail_at(c, &pair->key_mark,
                           "unknown key '%s' %s; expected one of: %s",
                           pair->key, where, list);
        }
    }
    return true;
}

/* Requires KEY in MAP; the error points at the mapping.  PARENT is the
 * mapping's path ("" at the top). */
static bool
require_key(struct ctx *c, const struct ynode *map, const char *parent,
            const char *key)
{
    if (ytree_get(map, key))
        return true;
    if (*parent)
        return fail_at(c, &map->mark, "missing required key '%s' in %s",
                       key, parent);
    return fail_at(c, &map->mark,
                   "missing required key '%s' at the top level", key);
}

static bool
require_keys(struct ctx *c, const struct ynode *map, const char *parent,
             const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!require_key(c, map, parent, keys[i]))
            return false;
    return true;
}

static bool
need_mapping(struct ctx *c, const struct ynode *n, const char *path,
             const char *form)
{
    return n->kind == YNODE_MAPPING || fail_value(c, n, path, NULL, form);
}

static bool
need_sequence(struct ctx *c, const struct ynode *n, const char *path,
              bool nonempty, const char *form)
{
    if (n->kind != YNODE_SEQUENCE || (nonempty && n->n_items == 0))
        return fail_value(c, n, path, NULL, form);
    return true;
}

/* ------------------------------------------------------------------ */
/* Values. */

static bool
need_scalar(struct ctx *c, const struct ynode *n, const char *path,
            const char *form)
{
    if (n->kind != YNODE_SCALAR || ytree_is_null(n))
        return fail_value(c, n, path, NULL, form);
    return true;
}

static bool
read_u64_form(struct ctx *c, const struct ynode *n, const char *path,
              uint64_t min, uint64_t max, const char *form, uint64_t *out)
{
    uint64_t v;
    const char *why;
    if (!need_scalar(c, n, path, form))
        return false;
    if (!units_parse_u64(n->text, &v, &why))
        return fail_value(c, n, path, why, form);
    if (n->quoted)
        return fail_value(c, n, path, "a quoted string", form);
    if (v < min || v > max)
        return fail_value(c, n, path, NULL, form);
    *out = v;
    return true;
}

/* An integer MIN..MAX.  A MAX that is only the limit of the field's
 * type (2^32-1, 2^64-1) is left out of the expected form. */
static bool
read_u64(struct ctx *c, const struct ynode *n, const char *path,
         uint64_t min, uint64_t max, uint64_t *out)
{
    char form[80];
    if (max == UINT32_MAX || max == UINT64_MAX)
        snprintf(form, sizeof form, "an integer >= %" PRIu64, min);
    else
        snprintf(form, sizeof form, "an integer %" PRIu64 "..%" PRIu64, min,
                 max);
    uint64_t v;
    if (!read_u64_form(c, n, path, min, UINT64_MAX, form, &v))
        return false;
    if (v > max) {
        char why[48];
        snprintf(why, sizeof why, "greater than %" PRIu64, max);
        return fail_value(c, n, path, max == UINT32_MAX ? why : NULL, form);
    }
    *out = v;
    return true;
}

static bool
read_u32(struct ctx *c, const struct ynode *n, const char *path,
         uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!read_u64(c, n, path, min, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool
read_bool(struct ctx *c, const struct ynode *n, const char *path, bool *out)
{
    static const char form[] = "true or false";
    if (!need_scalar(c, n, path, form))
        return false;
    const char *t = n->text;
    if (!n->quoted && (!strcmp(t, "true") || !strcmp(t, "True") ||
                       !strcmp(t, "TRUE"))) {
        *out = true;
        return true;
    }
    if (!n->quoted && (!strcmp(t, "false") || !strcmp(t, "False") ||
                       !strcmp(t, "FALSE"))) {
        *out = false;
        return true;
    }
    return fail_value(c, n, path, n->quoted ? "a quoted string" : NULL,
                      form);
}

/* A non-empty string without control characters.  *OUT points into the
 * tree. */
static bool
read_string(struct ctx *c, const struct ynode *n, const char *path,
            const char *form, const char **out)
{
    if (!need_scalar(c, n, path, form))
        return false;
    if (!n->text[0])
        return fail_value(c, n, path, NULL, form);
    for (const char *p = n->text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return fail_value(c, n, path, "a control character", form);
    *out = n->text;
    return true;
}

/* One of NAMES; *INDEX is its position. */
static bool
read_choice(struct ctx *c, const struct ynode *n, const char *path,
            const char *const *names, size_t n_names, size_t *index)
{
    char form[256];
    size_t k = (size_t)snprintf(form, sizeof form, "one of: ");
    join_names(form + k, sizeof form - k, names, n_names);
    if (!need_scalar(c, n, path, form))
        return false;
    for (size_t i = 0; i < n_names; i++) {
        if (!strcmp(n->text, names[i])) {
            *index = i;
            return true;
        }
    }
    return fail_value(c, n, path, NULL, form);
}

/* A rate; with LINE_OK the word "line" too, stored as 0. */
static bool
read_rate(struct ctx *c, const struct ynode *n, const char *path,
          bool line_ok, uint64_t *out)
{
    const char *form = line_ok ? UNITS_RATE_FORM ", or line"
                               : UNITS_RATE_FORM;
    const char *why;
    if (!need_scalar(c, n, path, form))
        return false;
    if (line_ok && !strcmp(n->text, "line")) {
        *out = 0;
        return true;
    }
    if (!units_parse_rate(n->text, out, &why))
        return fail_value(c, n, path, why, form);
    return true;
}

static bool
read_size(struct ctx *c, const struct ynode *n, const char *path,
          bool positive, uint64_t *out)
{
    const char *why;
    uint64_t v;
    if (!need_scalar(c, n, path, UNITS_SIZE_FORM))
        return false;
    if (!units_parse_size(n->text, &v, &why))
        return fail_value(c, n, path, why, UNITS_SIZE_FORM);
    if (positive && v == 0)
        return fail_value(c, n, path, "must be greater than zero",
                          UNITS_SIZE_FORM);
    *out = v;
    return true;
}

static bool
read_duration(struct ctx *c, const struct ynode *n, const char *path,
              bool positive, uint64_t *out)
{
    const char *why;
    uint64_t v;
    if (!need_scalar(c, n, path, UNITS_DURATION_FORM))
        return false;
    if (!units_parse_duration(n->text, &v, &why))
        return fail_value(c, n, path, why, UNITS_DURATION_FORM);
    if (positive && v == 0)
        return fail_value(c, n, path, "must be greater than zero",
                          UNITS_DURATION_FORM);
    *out = v;
    return true;
}

/* A number PARSE accepts (units_parse_decimal(), units_parse_fraction())
 * within [LO, HI]; with LO_OPEN, LO itself is excluded. */
static bool
read_number(struct ctx *c, const struct ynode *n, const char *path,
            bool (*parse)(const char *, double *, const char **),
            double lo, bool lo_open, double hi, const char *form,
            double *out)
{
    const char *why;
    double v;
    if (!need_scalar(c, n, path, form))
        return false;
    if (!parse(n->text, &v, &why))
        return fail_value(c, n, path, why, form);
    if (n->quoted)
        return fail_value(c, n, path, "a quoted string", form);
    if (v < lo || (lo_open && v == lo) || v > hi)
        return fail_value(c, n, path, NULL, form);
    *out = v;
    return true;
}

static bool
read_fraction(struct ctx *c, const struct ynode *n, const char *path,
              double lo, bool lo_open, double hi, const char *form,
              double *out)
{
    return read_number(c, n, path, units_parse_fraction, lo, lo_open, hi,
                       form, out);
}

static bool
read_decimal(struct ctx *c, const struct ynode *n, const char *path,
             double lo, bool lo_open, double hi, const char *form,
             double *out)
{
    return read_number(c, n, path, units_parse_decimal, lo, lo_open, hi,
                       form, out);
}

/* Optional keys: each get_*() leaves *OUT (the default) alone when KEY is
 * absent from MAP, whose path is PARENT. */

static bool
get_u32(struct ctx *c, const struct ynode *map, const char *parent,
        const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_u32(c, n, path, min, max, out);
}

static bool
get_rate(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, bool line_ok, uint64_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_rate(c, n, path, line_ok, out);
}

static bool
get_size(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, bool positive, uint64_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_size(c, n, path, positive, out);
}

static bool
get_duration(struct ctx *c, const struct ynode *map, const char *parent,
             const char *key, bool positive, uint64_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_duration(c, n, path, positive, out);
}

static bool
get_fraction(struct ctx *c, const struct ynode *map, const char *parent,
             const char *key, double lo, bool lo_open, double hi,
             const char *form, double *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_fraction(c, n, path, lo, lo_open, hi, form, out);
}

static bool
get_bool(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, bool *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_bool(c, n, path, out);
}

static bool
get_tc(struct ctx *c, const struct ynode *map, const char *parent,
       uint8_t *out)
{
    uint32_t tc = *out;
    if (!get_u32(c, map, parent, "tc", 0, N_TC - 1, &tc))
        return false;
    *out = (uint8_t)tc;
    return true;
}

/* ------------------------------------------------------------------ */
/* Topology. */

enum topo_kind {
    TOPO_SPINE_LEAF,
    TOPO_THREE_TIER,
    TOPO_FAT_TREE,
    TOPO_EXPLICIT,
};

static const char *const spine_leaf_keys[] = {
    "type", "spines", "leaves", "servers_per_leaf", "server_link", "uplink",
};
static const char *const three_tier_keys[] = {
    "type", "cores", "pods", "aggs_per_pod", "access_per_pod",
    "servers_per_access", "server_link", "access_uplink", "agg_uplink",
};
static const char *const fat_tree_keys[] = {
    "type", "k", "server_link", "fabric_link",
};
static const char *const explicit_keys[] = { "type", "nodes", "links" };

/* Indexed by enum topo_kind. */
static const struct topo_kind_desc {
    const char *name;
    const char *const *keys;
    size_t n_keys;
    size_t n_required;        /* keys[1..n_required] are required. */
} topo_kinds[] = {
    [TOPO_SPINE_LEAF] = { "spine-leaf", spine_leaf_keys,
                          ARRAY_SIZE(spine_leaf_keys), 3 },
    [TOPO_THREE_TIER] = { "three-tier", three_tier_keys,
                          ARRAY_SIZE(three_tier_keys), 5 },
    [TOPO_FAT_TREE] = { "fat-tree", fat_tree_keys,
                        ARRAY_SIZE(fat_tree_keys), 1 },
    [TOPO_EXPLICIT] = { "explicit", explicit_keys,
                        ARRAY_SIZE(explicit_keys), 2 },
};

static void
link_default(struct link_spec *ls, uint64_t rate_gbps)
{
    ls->rate_bps = rate_gbps * UINT64_C(1000000000);
    ls->delay_ps = PS_PER_US;
}

/* A link mapping {rate, delay} under KEY; absent fields keep *LS. */
static bool
get_link(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, struct link_spec *ls)
{
    static const char *const keys[] = { "rate", "delay" };
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES], where[PATH_BYTES + 8];
    if (!n)
        return true;
    path_key(path, parent, key);
    snprintf(where, sizeof where, "in %s", path);
    return need_mapping(c, n, path, "a link mapping with rate and delay") &&
           check_keys(c, n, where, keys, ARRAY_SIZE(keys)) &&
           get_rate(c, n, path, "rate", false, &ls->rate_bps) &&
           get_duration(c, n, path, "delay", false, &ls->delay_ps);
}

/* Node names of an explicit topology, sorted for duplicate checks and
 * look-ups. */
struct name_ref {
    const char *name;
    uint32_t index;
};

static int
name_ref_cmp(const void *a_, const void *b_)
{
    const struct name_ref *a = a_, *b = b_;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static bool
has_space(const char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
            *s == '\v' || *s == '\f')
            return true;
    return false;
}

static bool
parse_explicit_nodes(struct ctx *c, const struct ynode *seq,
                     struct topo_explicit *ex, struct name_ref **sorted)
{
    static const char *const keys[] = { "name", "kind", "tier" };
    static const char *const required[] = { "name", "kind" };
    static const char *const kinds[] = { "host", "switch" };

    if (seq->n_items > UINT32_MAX)
        return fail_at(c, &seq->mark, "too many nodes; expected at most %"
                       PRIu32, UINT32_MAX);
    ex->nodes = xcalloc(seq->n_items, sizeof *ex->nodes);
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *item = seq->items[i];
        char path[PATH_BYTES], where[PATH_BYTES + 8];
        path_index(path, "topology.nodes", i);
        snprintf(where, sizeof where, "in %s", path);
        const char *name;
        size_t kind;
        if (!need_mapping(c, item, path,
                          "a node mapping with name, kind and tier") ||
            !check_keys(c, item, where, keys, ARRAY_SIZE(keys)) ||
            !require_keys(c, item, path, required, ARRAY_SIZE(required)))
            return false;

        char sub[PATH_BYTES];
        const struct ynode *name_node = ytree_get(item, "name");
        path_key(sub, path, "name");
        if (!read_string(c, name_node, sub, "a node name without spaces",
                         &name))
            return false;
        if (has_space(name))
            return fail_value(c, name_node, sub, "contains a space",
                              "a node name without spaces");

        path_key(sub, path, "kind");
        if (!read_choice(c, ytree_get(item, "kind"), sub, kinds,
                         ARRAY_SIZE(kinds), &kind))
            return false;

        struct topo_node *node = &ex->nodes[ex->n_nodes++];
        node->name = xstrdup(name);
        node->is_host = kind == 0;
        node->rack = -1;
        node->loc.line = item->mark.line;
        node->loc.col = item->mark.col;

        const struct ypair *tier = ytree_pair(item, "tier");
        if (tier && node->is_host)
            return fail_at(c, &tier->key_mark,
                           "%s is a host and hosts have no tier; expected "
                           "'tier' on switches only", path);
        uint32_t t = 0;
        if (!get_u32(c, item, path, "tier", 1, TOPO_MAX_TIERS - 1, &t))
            return false;
        node->tier = (uint8_t)t;
    }

    /* Unique names: sort (name, index) and report the earliest second
     * occurrence. */
    struct name_ref *refs = xmalloc(ex->n_nodes * sizeof *refs);
    for (uint32_t i = 0; i < ex->n_nodes; i++) {
        refs[i].name = ex->nodes[i].name;
        refs[i].index = i;
    }
    qsort(refs, ex->n_nodes, sizeof *refs, name_ref_cmp);
    uint32_t dup = UINT32_MAX, first = 0, run = 0;
    for (uint32_t i = 1; i < ex->n_nodes; i++) {
        if (strcmp(refs[i].name, refs[i - 1].name))
            run = i;
        else if (refs[i].index < dup) {
            dup = refs[i].index;
            first = refs[run].index;
        }
    }
    *sorted = refs;
    if (dup != UINT32_MAX) {
        char sub[PATH_BYTES];
        snprintf(sub, sizeof sub, "topology.nodes.%" PRIu32 ".name", dup);
        const struct ynode *n = ytree_get(seq->items[dup], "name");
        const struct ynode *f = ytree_get(seq->items[first], "name");
        char why[96];
        if (f->mark.line)
            snprintf(why, sizeof why, "already the name of node %" PRIu32
                     " at line %" PRIu32, first, f->mark.line);
        else
            snprintf(why, sizeof why, "already the name of node %" PRIu32,
                     first);
        return fail_value(c, n, sub, why, "a unique node name");
    }
    return true;
}

static int
name_ref_find(const struct name_ref *refs, uint32_t n, const char *name)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(name, refs[mid].name);
        if (!cmp)
            return (int)refs[mid].index;
        if (cmp < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static bool
parse_explicit_links(struct ctx *c, const struct ynode *seq,
                     struct topo_explicit *ex, const struct name_ref *refs)
{
    static const char *const keys[] = { "a", "b", "rate", "delay" };
    static const char *const required[] = { "a", "b", "rate" };
    static const char form[] = "the name of a node in topology.nodes";

    if (seq->n_items > UINT32_MAX)
        return fail_at(c, &seq->mark, "too many links; expected at most %"
                       PRIu32, UINT32_MAX);
    ex->links = xcalloc(seq->n_items, sizeof *ex->links);
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *item = seq->items[i];
        char path[PATH_BYTES], where[PATH_BYTES + 8];
        path_index(path, "topology.links", i);
        snprintf(where, sizeof where, "in %s", path);
        if (!need_mapping(c, item, path,
                          "a link mapping with a, b, rate and delay") ||
            !check_keys(c, item, where, keys, ARRAY_SIZE(keys)) ||
            !require_keys(c, item, path, required, ARRAY_SIZE(required)))
            return false;

        int end[2];
        for (int e = 0; e < 2; e++) {
            char sub[PATH_BYTES];
            const char *key = e ? "b" : "a";
            const struct ynode *n = ytree_get(item, key);
            const char *name;
            path_key(sub, path, key);
            if (!read_string(c, n, sub, form, &name))
                return false;
            end[e] = name_ref_find(refs, ex->n_nodes, name);
            if (end[e] < 0)
                return fail_value(c, n, sub, "no such node", form);
            if (e == 1 && end[1] == end[0])
                return fail_value(c, n, sub, "the same node as a",
                                  "a node other than a");
        }

        struct topo_link *l = &ex->links[ex->n_links];
        l->a = (uint32_t)end[0];
        l->b = (uint32_t)end[1];
        l->delay_ps = PS_PER_US;
        l->loc.line = item->mark.line;
        l->loc.col = item->mark.col;
        if (!get_rate(c, item, path, "rate", false, &l->rate_bps) ||
            !get_duration(c, item, path, "delay", false, &l->delay_ps))
            return false;
        ex->n_links++;
    }
    return true;
}

static bool
parse_explicit(struct ctx *c, const struct ynode *map,
               struct topo_explicit *ex)
{
    const struct ynode *nodes = ytree_get(map, "nodes");
    const struct ynode *links = ytree_get(map, "links");
    struct name_ref *refs = NULL;
    bool good =
        need_sequence(c, nodes, "topology.nodes", true,
                      "a non-empty sequence of node mappings") &&
        parse_explicit_nodes(c, nodes, ex, &refs) &&
        need_sequence(c, links, "topology.links", true,
                      "a non-empty sequence of link mappings") &&
        parse_explicit_links(c, links, ex, refs);
    free(refs);
    return good;
}

static bool
parse_topology(struct ctx *c, const struct ypair *pair, struct topo_spec *t)
{
    static const char *const type_names[] = {
        "spine-leaf", "three-tier", "fat-tree", "explicit",
    };
    const struct ynode *map = pair->value;
    size_t kind;

    t->loc.line = pair->key_mark.line;
    t->loc.col = pair->key_mark.col;
    if (!need_mapping(c, map, "topology",
                      "a mapping with at least 'type'") ||
        !require_key(c, map, "topology", "type") ||
        !read_choice(c, ytree_get(map, "type"), "topology.type", type_names,
                     ARRAY_SIZE(type_names), &kind))
        return false;

    const struct topo_kind_desc *desc = &topo_kinds[kind];
    char where[64];
    snprintf(where, sizeof where, "in topology (type %s)", desc->name);
    t->type = desc->name;
    if (!check_keys(c, map, where, desc->keys, desc->n_keys) ||
        !require_keys(c, map, "topology", desc->keys + 1, desc->n_required))
        return false;

    const uint32_t max = UINT32_MAX;
    switch ((enum topo_kind)kind) {
    case TOPO_SPINE_LEAF: {
        struct topo_spine_leaf *sl = &t->spine_leaf;
        link_default(&sl->server_link, 25);
        link_default(&sl->uplink, 100);
        return get_u32(c, map, "topology", "spines", 1, max, &sl->spines) &&
               get_u32(c, map, "topology", "leaves", 1, max, &sl->leaves) &&
               get_u32(c, map, "topology", "servers_per_leaf", 1, max,
                       &sl->servers_per_leaf) &&
               get_link(c, map, "topology", "server_link", &sl->server_link) &&
               get_link(c, map, "topology", "uplink", &sl->uplink);
    }
    case TOPO_THREE_TIER: {
        struct topo_three_tier *tt = &t->three_tier;
        link_default(&tt->server_link, 10);
        link_default(&tt->access_uplink, 40);
        link_default(&tt->agg_uplink, 100);
        return get_u32(c, map, "topology", "cores", 1, max, &tt->cores) &&
               get_u32(c, map, "topology", "pods", 1, max, &tt->pods) &&
               get_u32(c, map, "topology", "aggs_per_pod", 1, max,
                       &tt->aggs_per_pod) &&
               get_u32(c, map, "topology", "access_per_pod", 1, max,
                       &tt->access_per_pod) &&
               get_u32(c, map, "topology", "servers_per_access", 1, max,
                       &tt->servers_per_access) &&
               get_link(c, map, "topology", "server_link", &tt->server_link) &&
               get_link(c, map, "topology", "access_uplink",
                        &tt->access_uplink) &&
               get_link(c, map, "topology", "agg_uplink", &tt->agg_uplink);
    }
    case TOPO_FAT_TREE: {
        struct topo_fat_tree *ft = &t->fat_tree;
        const struct ynode *k = ytree_get(map, "k");
        uint64_t v;
        static const char form[] = "an even integer >= 2";
        link_default(&ft->server_link, 100);
        link_default(&ft->fabric_link, 100);
        if (!read_u64_form(c, k, "topology.k", 2, UINT32_MAX - 1, form, &v))
            return false;
        if (v % 2)
            return fail_value(c, k, "topology.k", "odd", form);
        ft->k = (uint32_t)v;
        return get_link(c, map, "topology", "server_link", &ft->server_link) &&
               get_link(c, map, "topology", "fabric_link", &ft->fabric_link);
    }
    case TOPO_EXPLICIT:
        return parse_explicit(c, map, &t->explicit_);
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Switch parameters. */

static const char *const ecn_mode_names[] = {
    [ECN_MARK_OFF] = "off",
    [ECN_MARK_STEP] = "step",
    [ECN_MARK_RED] = "red",
};

static bool
parse_ecn(struct ctx *c, const struct ynode *map, struct ecn_spec *e)
{
    static const char *const mode_keys[][5] = {
        [ECN_MARK_OFF] = { "mode" },
        [ECN_MARK_STEP] = { "mode", "k", "at" },
        [ECN_MARK_RED] = { "mode", "kmin", "kmax", "pmax", "at" },
    };
    static const size_t n_mode_keys[] = { 1, 3, 5 };
    static const char *const at_names[] = { "dequeue", "enqueue" };
    size_t i;
    if (!need_mapping(c, map, "switch.ecn",
                      "a mapping with mode: off, step or red") ||
        !require_key(c, map, "switch.ecn", "mode") ||
        !read_choice(c, ytree_get(map, "mode"), "switch.ecn.mode",
                     ecn_mode_names, ARRAY_SIZE(ecn_mode_names), &i))
        return false;
    e->mode = (enum ecn_mark_mode)i;
    char where[48];
    snprintf(where, sizeof where, "in switch.ecn (mode %s)",
             ecn_mode_names[i]);
    if (!check_keys(c, map, where, mode_keys[i], n_mode_keys[i]))
        return false;

    const struct ynode *n = ytree_get(map, "at");
    if (n) {
        if (!read_choice(c, n, "switch.ecn.at", at_names,
                         ARRAY_SIZE(at_names), &i))
            return false;
        e->at_enqueue = i == 1;
    }
    if (e->mode == ECN_MARK_STEP)
        return require_key(c, map, "switch.ecn", "k") &&
               get_size(c, map, "switch.ecn", "k", true, &e->k_bytes);
    if (e->mode == ECN_MARK_RED) {
        static const char *const req[] = { "kmin", "kmax", "pmax" };
        if (!require_keys(c, map, "switch.ecn", req, ARRAY_SIZE(req)) ||
            !get_size(c, map, "switch.ecn", "kmin", false, &e->kmin_bytes) ||
            !get_size(c, map, "switch.ecn", "kmax", true, &e->kmax_bytes) ||
            !get_fraction(c, map, "switch.ecn", "pmax", 0, true, 1,
                      "a probability in (0, 1]", &e->pmax))
            return false;
        if (e->kmax_bytes <= e->kmin_bytes)
            return fail_value(c, ytree_get(map, "kmax"), "switch.ecn.kmax",
                              "not above kmin", "a size greater than kmin");
    }
    return true;
}

/* `ets` (at PATH): keys given replace those of *ETS, which holds the
 * defaults (or, for `host.ets`, the switches'). */
static bool
parse_ets(struct ctx *c, const struct ynode *map, const char *path,
          struct ets_spec *ets)
{
    static const char *const keys[] = { "strict", "weights" };
    static const char class_form[] = "a traffic class 0..7";
    char where[PATH_BYTES + 8], sub[PATH_BYTES], item[PATH_BYTES];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping with strict and weights") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;

    const struct ynode *strict = ytree_get(map, "strict");
    size_t strict_at[N_TC] = { 0 };     /* 1 + index in strict; 0: not. */
    if (strict) {
        path_key(sub, path, "strict");
        if (!need_sequence(c, strict, sub, false,
                           "a sequence of traffic classes, e.g. [6, 7]"))
            return false;
        ets->strict_mask = 0;
        for (size_t i = 0; i < strict->n_items; i++) {
            const struct ynode *n = strict->items[i];
            uint32_t tc;
            path_index(item, sub, i);
            if (!read_u32(c, n, item, 0, N_TC - 1, &tc))
                return false;
            if (strict_at[tc])
                return fail_value(c, n, item, "already listed",
                                  "each class listed once");
            strict_at[tc] = i + 1;
            ets->strict_mask |= (uint8_t)(1u << tc);
        }
    }

    const struct ynode *weights = ytree_get(map, "weights");
    const struct ymark *weight_at[N_TC] = { NULL };
    if (weights) {
        path_key(sub, path, "weights");
        if (!need_mapping(c, weights, sub, "a mapping of traffic class to "
                          "percentage, e.g. {0: 50, 3: 50}"))
            return false;
        char key_path[PATH_BYTES + 8];
        snprintf(key_path, sizeof key_path, "%s key", sub);
        memset(ets->weight_pct, 0, sizeof ets->weight_pct);
        ets->ets_mask = ets->weighted_mask = 0;
        uint32_t sum = 0;
        for (size_t i = 0; i < weights->n_pairs; i++) {
            const struct ypair *pair = &weights->pairs[i];
            /* The key as a node, so that it reads like a value. */
            struct ynode key = { .kind = YNODE_SCALAR,
                                 .mark = pair->key_mark,
                                 .text = pair->key };
            uint64_t tc;
            uint32_t pct;
            if (!read_u64_form(c, &key, key_path, 0, N_TC - 1, class_form,
                               &tc))
                return false;
            path_key(item, sub, pair->key);
            if (!read_u32(c, pair->value, item, 0, 100, &pct))
                return false;
            weight_at[tc] = &pair->key_mark;
            ets->ets_mask |= (uint8_t)(1u << tc);
            ets->weighted_mask |= (uint8_t)((pct > 0) << tc);
            ets->weight_pct[tc] = (uint8_t)pct;
            sum += pct;
        }
        if (sum != 100)
            return fail_at(c, &weights->mark, "%s sum to %" PRIu32 "; "
                           "expected percentages that sum to 100", sub, sum);
    }

    uint32_t both = ets->strict_mask & ets->ets_mask;
    if (!both)
        return true;
    /* Reported where this mapping names the class. */
    int tc = __builtin_ctz(both);
    if (weight_at[tc])
        return fail_at(c, weight_at[tc], "%s.weights.%d: class %d is also "
                       "strict; expected each class in strict or in "
                       "weights, not both", path, tc, tc);
    size_t i = strict_at[tc] - 1;
    return fail_at(c, &strict->items[i]->mark, "%s.strict.%zu: class %d is "
                   "also in weights; expected each class in strict or in "
                   "weights, not both", path, i, tc);
}

/* `scheduler` and `ets` of MAP (`switch` or `host`, at PATH). */
static bool
parse_scheduler(struct ctx *c, const struct ynode *map, const char *path,
                const char **scheduler, struct ets_spec *ets)
{
    char sub[PATH_BYTES];
    const struct ynode *n = ytree_get(map, "scheduler");
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(sched_count, sched_name, names), i;
        path_key(sub, path, "scheduler");
        if (!read_choice(c, n, sub, names, k, &i))
            return false;
        *scheduler = names[i];
    }
    const struct ypair *pair = ytree_pair(map, "ets");
    if (!pair)
        return true;
    path_key(sub, path, "ets");
    /* A section that would be ignored is a mistake. */
    if (strcmp(*scheduler, "ets"))
        return fail_at(c, &pair->key_mark, "%s given with scheduler %s; "
                       "expected scheduler: ets, or no ets key", sub,
                       *scheduler);
    return parse_ets(c, pair->value, sub, ets);
}

static bool
parse_switch(struct ctx *c, const struct ynode *map, struct switch_spec *sw,
             bool pfc)
{
    static const char *const keys[] = {
        "mmu", "queue", "buffer", "reserve", "latency", "scheduler",
        "ecmp_seed", "ecn", "ets",
    };
    if (!need_mapping(c, map, "switch", "a mapping of switch parameters"))
        return false;
    /* The key in the file; a --set replaces only the value. */
    const struct ypair *bp = ytree_pair(map, "buffer");
    set_where(c,
              !bp                       ? &map->mark
              : bp->value->mark.origin ? &bp->value->mark
                                       : &bp->key_mark,
              &sw->where);
    if (!check_keys(c, map, "in switch", keys, ARRAY_SIZE(keys)) ||
        !get_size(c, map, "switch", "queue", true, &sw->queue_bytes) ||
        !get_size(c, map, "switch", "buffer", false, &sw->buffer_bytes) ||
        !get_size(c, map, "switch", "reserve", false, &sw->reserve_bytes) ||
        !get_duration(c, map, "switch", "latency", false, &sw->latency_ps) ||
        !parse_scheduler(c, map, "switch", &sw->scheduler, &sw->ets))
        return false;

    const struct ynode *n = ytree_get(map, "mmu");
    size_t i;
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(mmu_count, mmu_name, names);
        if (!read_choice(c, n, "switch.mmu", names, k, &i))
            return false;
        sw->mmu = names[i];
    }
    /* Keys of the other MMU would be silently ignored.  Without
     * switch.mmu the MMU is the default: shared with PFC, else taildrop. */
    bool shared = !strcmp(sw->mmu, "shared");
    const char *dflt = ytree_get(map, "mmu") ? ""
                       : pfc                 ? " (the default with PFC)"
                                             : " (the default)";
    const struct ypair *other = ytree_pair(map, shared ? "queue" : "reserve");
    if (other && shared)
        return fail_at(c, &other->key_mark,
                       "switch.queue applies only to the taildrop MMU, but "
                       "switch.mmu is shared%s; expected no switch.queue "
                       "(the shared MMU limits queues by qos.alpha)%s",
                       dflt, pfc ? "" : ", or switch.mmu: taildrop");
    if (other)
        return fail_at(c, &other->key_mark,
                       "switch.reserve applies only to the shared MMU, but "
                       "switch.mmu is taildrop%s; expected switch.mmu: "
                       "shared, or no switch.reserve",
                       dflt);
    if (shared && !sw->buffer_bytes)
        return fail_value(c, ytree_get(map, "buffer"), "switch.buffer",
                          "the shared MMU needs a finite buffer",
                          UNITS_SIZE_FORM);

    n = ytree_get(map, "ecmp_seed");
    if (n) {
        static const char form[] = "per-switch or an integer 0..4294967295";
        uint64_t v;
        if (n->kind == YNODE_SCALAR && !strcmp(n->text, "per-switch")) {
            sw->ecmp_seed_mode = ECMP_SEED_PER_SWITCH;
        } else {
            if (!read_u64_form(c, n, "switch.ecmp_seed", 0, UINT32_MAX, form,
                               &v))
                return false;
            sw->ecmp_seed_mode = ECMP_SEED_SAME;
            sw->ecmp_seed = (uint32_t)v;
        }
    }
    n = ytree_get(map, "ecn");
    return !n || parse_ecn(c, n, &sw->ecn);
}

/* The hosts' NICs.  *H starts as a copy of the switches' settings. */
/* host.rx_stall's times; its hosts are resolved once the graph exists
 * (resolve_stall()). */
static bool
parse_rx_stall(struct ctx *c, const struct ynode *map, struct host_spec *h)
{
    static const char *const keys[] = { "hosts", "start", "duration" };
    static const char *const required[] = { "hosts", "duration" };
    const struct ynode *n;
    if (!need_mapping(c, map, "host.rx_stall",
                      "a mapping with hosts, start and duration") ||
        !check_keys(c, map, "in host.rx_stall", keys, ARRAY_SIZE(keys)) ||
        !require_keys(c, map, "host.rx_stall", required,
                      ARRAY_SIZE(required)) ||
        !get_duration(c, map, "host.rx_stall", "start", false,
                      &h->stall_start_ps) ||
        !get_duration(c, map, "host.rx_stall", "duration", true,
                      &h->stall_ps))
        return false;
    n = ytree_get(map, "hosts");
    return need_sequence(c, n, "host.rx_stall.hosts", true,
                         "a non-empty list of host names");
}

/* IB: the receive buffer is ib.vl_buffer per VL (host.rx_buffer is
 * refused, see ib_refused). */
static bool
parse_host(struct ctx *c, const struct ynode *map, struct host_spec *h,
           bool ib)
{
    static const char *const keys[] = {
        "scheduler", "ets", "vlan", "rx_rate", "rx_buffer", "rx_stall",
    };
    uint32_t vid = UINT32_MAX;
    if (!need_mapping(c, map, "host", "a mapping of host parameters") ||
        !check_keys(c, map, "in host", keys, ARRAY_SIZE(keys)) ||
        !parse_scheduler(c, map, "host", &h->scheduler, &h->ets) ||
        !get_rate(c, map, "host", "rx_rate", false, &h->rx_rate_bps) ||
        !get_size(c, map, "host", "rx_buffer", true, &h->rx_buffer_bytes) ||
        !get_u32(c, map, "host", "vlan", 0, 4094, &vid))
        return false;
    if (vid != UINT32_MAX) {
        h->vlan = true;
        h->vid = (uint16_t)vid;
    }
    /* The buffer and the stall mean nothing without a drain rate, and a
     * drain rate needs a buffer to drain. */
    static const char *const needs_rate[] = { "rx_buffer", "rx_stall" };
    for (size_t i = 0; i < ARRAY_SIZE(needs_rate); i++)
        if (ytree_get(map, needs_rate[i]) && !h->rx_rate_bps)
            return require_key(c, map, "host", "rx_rate");
    if (h->rx_rate_bps && !h->rx_buffer_bytes && !ib)
        return require_key(c, map, "host", "rx_buffer");
    if (h->rx_rate_bps && !ib) {
        const struct ymark *m = &ytree_pair(map, "rx_buffer")->key_mark;
        h->rx_loc = (struct src_loc){ m->line, m->col };
    }
    const struct ynode *n = ytree_get(map, "rx_stall");
    return !n || parse_rx_stall(c, n, h);
}

/* ------------------------------------------------------------------ */
/* Servers: CPU, NUMA, PCIe, VMs (server.h).  Costs are in cycles. */

static bool
get_cycles(struct ctx *c, const struct ynode *map, const char *parent,
           const char *key, double *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_decimal(c, n, path, 0, false, 1e9,
                              "a number of cycles, 0..1e9", out);
}

/* A list of core numbers below N_CORES. */
static bool
get_cores(struct ctx *c, const struct ynode *map, const char *parent,
          const char *key, uint32_t n_cores, uint32_t **out, size_t *n_out)
{
    const struct ynode *n = ytree_get(map, key);
    if (!n)
        return true;
    char path[PATH_BYTES], item[PATH_BYTES], form[96];
    path_key(path, parent, key);
    snprintf(form, sizeof form, "a non-empty list of core numbers 0..%u",
             n_cores - 1);
    if (!need_sequence(c, n, path, true, form))
        return false;
    uint32_t *v = xcalloc(n->n_items, sizeof *v);
    for (size_t i = 0; i < n->n_items; i++) {
        path_index(item, path, i);
        uint64_t core;
        if (!read_u64_form(c, n->items[i], item, 0, n_cores - 1, form,
                           &core)) {
            free(v);
            return false;
        }
        v[i] = (uint32_t)core;
    }
    free(*out);
    *out = v;
    *n_out = n->n_items;
    return true;
}

static bool
get_page(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, uint32_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    if (!n)
        return true;
    char path[PATH_BYTES];
    path_key(path, parent, key);
    static const char form[] = "a page size: 4KiB, 2MiB or 1GiB";
    uint64_t v;
    if (!read_size(c, n, path, true, &v))
        return false;
    if (v != 4096 && v != (UINT64_C(2) << 20) && v != (UINT64_C(1) << 30))
        return fail_value(c, n, path, NULL, form);
    *out = (uint32_t)v;
    return true;
}

static bool
parse_cpu_costs(struct ctx *c, const struct ynode *map, const char *parent,
                struct cpu_costs *k)
{
    static const char *const keys[] = {
        "syscall", "tx_pkt", "rx_pkt", "ack_pkt", "driver_pkt", "copy_byte",
        "remote_byte", "irq", "bridge_pkt", "rdma_post", "rdma_poll",
        "walk_ref",
    };
    double *const fields[] = {
        &k->syscall, &k->tx_pkt, &k->rx_pkt, &k->ack_pkt, &k->driver_pkt,
        &k->copy_byte, &k->remote_byte, &k->irq, &k->bridge_pkt,
        &k->rdma_post, &k->rdma_poll, &k->walk_ref,
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", parent);
    if (!need_mapping(c, map, parent, "a mapping of costs in cycles") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (!get_cycles(c, map, parent, keys[i], fields[i]))
            return false;
    return true;
}

static bool
parse_vm_costs(struct ctx *c, const struct ynode *map, const char *parent,
               struct vm_costs *k)
{
    static const char *const keys[] = {
        "exit_entry", "exit_user", "io", "mmio", "hlt", "ept_violation",
        "interrupt_window", "eoi", "external_interrupt", "emulate",
        "backend_pkt", "vhost_pkt", "iotlb_miss",
    };
    double *const fields[] = {
        &k->exit_entry, &k->exit_user, &k->handle[EXIT_IO],
        &k->handle[EXIT_MMIO], &k->handle[EXIT_HLT],
        &k->handle[EXIT_EPT_VIOLATION], &k->handle[EXIT_INTR_WINDOW],
        &k->handle[EXIT_EOI], &k->handle[EXIT_EXTINT], &k->emulate,
        &k->backend_pkt, &k->vhost_pkt,
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", parent);
    if (!need_mapping(c, map, parent, "a mapping of costs in cycles") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (!get_cycles(c, map, parent, keys[i], fields[i]))
            return false;
    return get_duration(c, map, parent, "iotlb_miss", false, &k->iotlb_miss_ps);
}

/* A file named in a scenario (a CDF, a kvm-probe profile) is relative to
 * the scenario file's directory, so a scenario and its files move
 * together. */
static char *
scenario_file_path(const char *scenario_file, const char *name)
{
    const char *slash = strrchr(scenario_file, '/');
    if (name[0] == '/' || !slash)
        return xstrdup(name);
    return xasprintf("%.*s/%s", (int)(slash - scenario_file), scenario_file,
                     name);
}

/* `profile: FILE`, a host profile written by `dcsim kvm-probe` (relative
 * to the scenario's directory): its medians, in time, become the exit
 * costs in cycles of this server's clock (docs/models.md, "KVM exit
 * costs"): an exit handled in KVM is CPUID's round trip; one returning to
 * the user-space VMM costs a port write's round trip, the difference
 * being exit_user; an MMIO exit's decoding is what an MMIO read costs
 * beyond a port write. */
static bool
read_vm_profile(struct ctx *c, const struct ynode *n, const char *path,
                struct vm_spec *v)
{
    const char *name;
    if (!read_string(c, n, path, "the path of a kvm-probe profile", &name))
        return false;
    char *file = scenario_file_path(c->file, name), *msg = NULL;
    struct kvm_profile prof;
    int e = kvm_profile_load(file, &prof, &msg);
    free(file);
    if (e) {
        fail_at(c, &n->mark, "%s: %s", path, msg);
        free(msg);
        return false;
    }
    v->profile_ghz_ns = true;
    v->prof_kernel_ns = prof.cpuid_kernel.median_ns;
    v->prof_user_ns = prof.pio_user.median_ns;
    v->prof_mmio_ns = prof.mmio_user.median_ns;
    return true;
}

/* A mapping with exactly KEYS allowed, at PATH (its parent's key). */
static bool
need_keyed(struct ctx *c, const struct ynode *map, const char *path,
           const char *const *keys, size_t n_keys, const char *form)
{
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", path);
    return need_mapping(c, map, path, form) &&
           check_keys(c, map, where, keys, n_keys);
}

/* A token bucket (struct token_bucket_spec) at PATH; BYTES: its tokens
 * are bytes (sizes), else operations (integers). */
static bool
parse_token_bucket(struct ctx *c, const struct ynode *map, const char *path,
                   bool bytes, struct token_bucket_spec *tb)
{
    static const char *const keys[] = { "size", "refill_time",
                                        "one_time_burst" };
    if (!need_keyed(c, map, path, keys, ARRAY_SIZE(keys),
                    "a mapping with size, refill_time and optionally "
                    "one_time_burst (Firecracker's TokenBucket)") ||
        !require_keys(c, map, path, keys, 2) ||
        !get_duration(c, map, path, "refill_time", true, &tb->refill_ps))
        return false;
    char sub[PATH_BYTES];
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "one_time_burst" : "size";
        uint64_t *out = k ? &tb->one_time_burst : &tb->size;
        const struct ynode *n = ytree_get(map, key);
        if (!n)
            continue;
        path_key(sub, path, key);
        if (bytes ? !read_size(c, n, sub, !k, out)
                  : !read_u64(c, n, sub, k ? 0 : 1, UINT64_MAX, out))
            return false;
    }
    return true;
}

/* server.vm.block (struct blk_spec). */
static bool
parse_blk(struct ctx *c, const struct ynode *map, const char *path,
          struct blk_spec *b)
{
    static const char *const keys[] = { "device", "rate_limiter", "job",
                                        "costs", "engine" };
    static const char *const engines[] = { "sync", "async" };
    static const char *const dev_keys[] = { "read_latency", "write_latency",
                                            "read_rate", "write_rate" };
    static const char *const rl_keys[] = { "bandwidth", "ops" };
    static const char *const job_keys[] = { "op", "size", "iodepth",
                                            "requests", "start" };
    static const char *const cost_keys[] = { "submit", "complete" };
    static const char *const ops[] = { "read", "write" };
    char sub[PATH_BYTES], sub2[PATH_BYTES];
    if (!need_keyed(c, map, path, keys, ARRAY_SIZE(keys),
                    "a mapping with job and optionally engine, device, "
                    "rate_limiter and costs") ||
        !require_key(c, map, path, "job"))
        return false;
    b->on = true;
    const struct ynode *n = ytree_get(map, "engine");
    if (n) {
        size_t e;
        path_key(sub, path, "engine");
        if (!read_choice(c, n, sub, engines, ARRAY_SIZE(engines), &e))
            return false;
        b->async = e == 1;
    }
    n = ytree_get(map, "device");
    path_key(sub, path, "device");
    if (n && (!need_keyed(c, n, sub, dev_keys, ARRAY_SIZE(dev_keys),
                          "a mapping of the device's latencies and rates") ||
              !get_duration(c, n, sub, "read_latency", false,
                            &b->read_latency_ps) ||
              !get_duration(c, n, sub, "write_latency", false,
                            &b->write_latency_ps) ||
              !get_rate(c, n, sub, "read_rate", false, &b->read_rate_bps) ||
              !get_rate(c, n, sub, "write_rate", false, &b->write_rate_bps)))
        return false;
    n = ytree_get(map, "rate_limiter");
    path_key(sub, path, "rate_limiter");
    if (n) {
        if (!need_keyed(c, n, sub, rl_keys, ARRAY_SIZE(rl_keys),
                        "a mapping with bandwidth and/or ops (Firecracker's "
                        "RateLimiter)"))
            return false;
        for (int k = 0; k < 2; k++) {
            const struct ynode *t = ytree_get(n, rl_keys[k]);
            path_key(sub2, sub, rl_keys[k]);
            if (t && !parse_token_bucket(c, t, sub2, !k, k ? &b->ops : &b->bw))
                return false;
        }
    }
    n = ytree_get(map, "costs");
    path_key(sub, path, "costs");
    if (n && (!need_keyed(c, n, sub, cost_keys, ARRAY_SIZE(cost_keys),
                          "a mapping of per-request cycles") ||
              !get_cycles(c, n, sub, "submit", &b->submit) ||
              !get_cycles(c, n, sub, "complete", &b->complete)))
        return false;
    n = ytree_get(map, "job");
    path_key(sub, path, "job");
    if (!need_keyed(c, n, sub, job_keys, ARRAY_SIZE(job_keys),
                    "a mapping with requests and optionally op, size, "
                    "iodepth and start") ||
        !require_key(c, n, sub, "requests") ||
        !get_size(c, n, sub, "size", true, &b->size) ||
        !get_u32(c, n, sub, "iodepth", 1, 4096, &b->iodepth) ||
        !get_duration(c, n, sub, "start", false, &b->start_ps))
        return false;
    path_key(sub2, sub, "requests");
    if (!read_u64(c, ytree_get(n, "requests"), sub2, 1, UINT64_C(10000000),
                  &b->requests))
        return false;
    const struct ynode *op = ytree_get(n, "op");
    size_t which = 0;
    path_key(sub2, sub, "op");
    if (op && !read_choice(c, op, sub2, ops, ARRAY_SIZE(ops), &which))
        return false;
    b->write = which == 1;
    /* A request takes its bytes from the bandwidth bucket at once: one
     * larger than the bucket's size would wait forever once the one-time
     * burst is spent. */
    if (b->bw.size && b->size > b->bw.size) {
        const struct ynode *sz = ytree_get(n, "size");
        char why[96];
        snprintf(why, sizeof why,
                 "more than the bandwidth bucket's size, %" PRIu64 " B",
                 b->bw.size);
        path_key(sub2, sub, "size");
        if (sz)
            return fail_value(c, sz, sub2, why,
                              "a request no larger than the bucket");
        return fail_at(c, &n->mark, "%s: the default request size (%" PRIu64
                       " B) is %s; expected a smaller size, or a larger "
                       "bucket", sub2, b->size, why);
    }
    return true;
}

static bool
parse_vm(struct ctx *c, const struct ynode *map, const char *parent,
         uint32_t n_cores, struct vm_spec *v)
{
    static const char *const keys[] = {
        "io", "count", "vcpus", "vcpu_cores", "backend_cores", "event_idx",
        "posted_interrupts", "vpid", "mmio", "migrate", "guest_page",
        "iotlb_entries", "e1000_tx_exits", "e1000_irq_exits", "rate_limit",
        "costs", "profile", "block",
    };
    static const char *const ios[] = { "emulated", "virtio", "vhost", "sriov" };
    char path[PATH_BYTES], where[PATH_BYTES + 8];
    path_key(path, parent, "vm");
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of VM parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)) ||
        !require_key(c, map, path, "io"))
        return false;
    size_t io;
    char sub[PATH_BYTES];
    path_key(sub, path, "io");
    if (!read_choice(c, ytree_get(map, "io"), sub, ios, ARRAY_SIZE(ios), &io))
        return false;
    v->io = (enum vm_io)io;
    v->loc = (struct src_loc){ map->mark.line, map->mark.col };
    if (!get_u32(c, map, path, "count", 1, 4096, &v->count) ||
        !get_u32(c, map, path, "vcpus", 1, 256, &v->vcpus) ||
        !get_cores(c, map, path, "vcpu_cores", n_cores, &v->vcpu_cores,
                   &v->n_vcpu_cores) ||
        !get_cores(c, map, path, "backend_cores", n_cores, &v->backend_cores,
                   &v->n_backend_cores) ||
        !get_bool(c, map, path, "event_idx", &v->event_idx) ||
        !get_bool(c, map, path, "posted_interrupts", &v->posted_interrupts) ||
        !get_bool(c, map, path, "vpid", &v->vpid) ||
        !get_bool(c, map, path, "mmio", &v->mmio) ||
        !get_bool(c, map, path, "migrate", &v->migrate) ||
        !get_page(c, map, path, "guest_page", &v->guest_page) ||
        !get_u32(c, map, path, "iotlb_entries", 1, 1u << 20,
                 &v->iotlb_entries) ||
        !get_u32(c, map, path, "e1000_tx_exits", 0, 64, &v->e1000_tx_exits) ||
        !get_u32(c, map, path, "e1000_irq_exits", 0, 64, &v->e1000_irq_exits))
        return false;
    if (v->migrate && v->io == VM_IO_SRIOV)
        return fail_at(c, &ytree_pair(map, "migrate")->key_mark,
                       "%s.migrate: a VM with an SR-IOV VF cannot be live-"
                       "migrated: the VF's state lives in the NIC and its "
                       "DMA mappings in the IOMMU; expected migrate: false, "
                       "or io: virtio or vhost",
                       path);
    const struct ynode *n = ytree_get(map, "rate_limit");
    if (n) {
        static const char *const rl_keys[] = { "rate", "burst" };
        path_key(sub, path, "rate_limit");
        char w2[PATH_BYTES + 8];
        snprintf(w2, sizeof w2, "in %s", sub);
        if (!need_mapping(c, n, sub, "a mapping with rate and burst") ||
            !check_keys(c, n, w2, rl_keys, ARRAY_SIZE(rl_keys)) ||
            !require_keys(c, n, sub, rl_keys, ARRAY_SIZE(rl_keys)) ||
            !get_rate(c, n, sub, "rate", false, &v->rl_rate_bps) ||
            !get_size(c, n, sub, "burst", true, &v->rl_burst_bytes))
            return false;
        if (v->rl_burst_bytes < MTU_MAX + ETH_HDR_BYTES + 8u)
            return fail_value(c, ytree_get(n, "burst"), "burst",
                              "smaller than one frame",
                              "a size of at least 9238 B (one jumbo frame)");
    }
    n = ytree_get(map, "profile");
    if (n) {
        path_key(sub, path, "profile");
        if (!read_vm_profile(c, n, sub, v))
            return false;
    }
    /* Costs given explicitly override the profile's. */
    n = ytree_get(map, "costs");
    if (n) {
        path_key(sub, path, "costs");
        if (!parse_vm_costs(c, n, sub, &v->cost))
            return false;
    }
    n = ytree_get(map, "block");
    if (n) {
        path_key(sub, path, "block");
        if (!parse_blk(c, n, sub, &v->blk))
            return false;
    }
    return true;
}

static bool
parse_server_map(struct ctx *c, const struct ynode *map, const char *path,
                 bool top, struct server_spec *s)
{
    static const char *const keys[] = {
        "sockets", "cores_per_socket", "ghz", "memory_per_node", "nic_node",
        "buffer_node", "pcie_rate", "pcie_latency", "app_cores", "irq_cores",
        "rx_usecs", "rx_frames", "tx_ring", "write_size", "tlb_entries",
        "page", "app_buffer", "tso", "gro", "costs", "vm", "nodes",
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of server parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys) - (top ? 0 : 1)) ||
        !get_u32(c, map, path, "sockets", 1, 8, &s->sockets) ||
        !get_u32(c, map, path, "cores_per_socket", 1, 256,
                 &s->cores_per_socket))
        return false;
    const struct ynode *n = ytree_get(map, "ghz");
    char sub[PATH_BYTES];
    if (n) {
        path_key(sub, path, "ghz");
        if (!read_decimal(c, n, sub, 0, true, 10, "a clock in GHz, (0, 10]",
                          &s->ghz))
            return false;
    }
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    if (!get_size(c, map, path, "memory_per_node", true, &s->memory_per_node) ||
        !get_u32(c, map, path, "nic_node", 0, s->sockets - 1, &s->nic_node) ||
        !get_u32(c, map, path, "buffer_node", 0, s->sockets - 1,
                 &s->buffer_node) ||
        !get_rate(c, map, path, "pcie_rate", false, &s->pcie_rate_bps) ||
        !get_duration(c, map, path, "pcie_latency", false,
                      &s->pcie_latency_ps) ||
        !get_cores(c, map, path, "app_cores", n_cores, &s->app_cores,
                   &s->n_app_cores) ||
        !get_cores(c, map, path, "irq_cores", n_cores, &s->irq_cores,
                   &s->n_irq_cores) ||
        !get_duration(c, map, path, "rx_usecs", false, &s->coalesce_ps) ||
        !get_u32(c, map, path, "rx_frames", 1, 65536, &s->coalesce_frames) ||
        !get_u32(c, map, path, "tx_ring", 1, 65536, &s->tx_ring) ||
        !get_size(c, map, path, "write_size", true, &s->write_bytes) ||
        !get_u32(c, map, path, "tlb_entries", 8, 1u << 20,
                 &s->tlb_entries) ||
        !get_page(c, map, path, "page", &s->page_bytes) ||
        !get_size(c, map, path, "app_buffer", true, &s->app_buffer_bytes) ||
        !get_bool(c, map, path, "tso", &s->tso) ||
        !get_bool(c, map, path, "gro", &s->gro))
        return false;
    n = ytree_get(map, "costs");
    if (n) {
        path_key(sub, path, "costs");
        if (!parse_cpu_costs(c, n, sub, &s->cost))
            return false;
    }
    n = ytree_get(map, "vm");
    if (n) {
        s->has_vm = true;
        if (!parse_vm(c, n, path, n_cores, &s->vm))
            return false;
    }
    return true;
}

static uint32_t *
dup_u32s(const uint32_t *v, size_t n)
{
    if (!v)
        return NULL;
    uint32_t *d = xcalloc(n, sizeof *d);
    memcpy(d, v, n * sizeof *d);
    return d;
}

/* A deep copy: server.nodes entries start from the section's values. */
static void
server_spec_copy(struct server_spec *d, const struct server_spec *s)
{
    *d = *s;
    d->app_cores = dup_u32s(s->app_cores, s->n_app_cores);
    d->irq_cores = dup_u32s(s->irq_cores, s->n_irq_cores);
    d->vm.vcpu_cores = dup_u32s(s->vm.vcpu_cores, s->vm.n_vcpu_cores);
    d->vm.backend_cores = dup_u32s(s->vm.backend_cores, s->vm.n_backend_cores);
}

static void
server_spec_free(struct server_spec *s)
{
    free(s->app_cores);
    free(s->irq_cores);
    free(s->vm.vcpu_cores);
    free(s->vm.backend_cores);
}

/* Checks what only the whole description can: that every core list
 * fits the server, and the core defaults. */
static bool
server_finish(struct ctx *c, const struct ynode *map, const char *path,
              struct server_spec *s)
{
    struct vm_spec *v = &s->vm;
    if (v->profile_ghz_ns) {
        /* Explicit vm.costs keys win over the profile. */
        const struct ynode *vm = ytree_get(map, "vm");
        const struct ynode *k = vm ? ytree_get(vm, "costs") : NULL;
        double user = v->prof_user_ns - v->prof_kernel_ns;
        double mmio = v->prof_mmio_ns - v->prof_user_ns;
        if (!k || !ytree_get(k, "exit_entry"))
            v->cost.exit_entry = v->prof_kernel_ns * s->ghz;
        if (!k || !ytree_get(k, "exit_user"))
            v->cost.exit_user = (user > 0 ? user : 0) * s->ghz;
        if (!k || !ytree_get(k, "mmio"))
            v->cost.handle[EXIT_MMIO] = (mmio > 0 ? mmio : 0) * s->ghz;
    }
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    static const uint32_t core0 = 0, core1 = 1;
    if (!s->irq_cores) {
        s->irq_cores = dup_u32s(&core0, 1);
        s->n_irq_cores = 1;
    }
    if (!s->app_cores) {
        s->app_cores = dup_u32s(n_cores > 1 ? &core1 : &core0, 1);
        s->n_app_cores = 1;
    }
    if (s->has_vm && !s->vm.backend_cores) {
        s->vm.backend_cores = dup_u32s(n_cores > 1 ? &core1 : &core0, 1);
        s->vm.n_backend_cores = 1;
    }
    const uint32_t *lists[] = { s->app_cores, s->irq_cores, s->vm.vcpu_cores,
                                s->vm.backend_cores };
    const size_t counts[] = { s->n_app_cores, s->n_irq_cores,
                              s->vm.n_vcpu_cores, s->vm.n_backend_cores };
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (lists[l][i] >= n_cores)
                return fail_at(c, &map->mark,
                               "%s: core %u is listed, but the server has "
                               "%u cores (sockets x cores_per_socket); "
                               "expected core numbers 0..%u",
                               path, lists[l][i], n_cores, n_cores - 1);
    return true;
}

static bool
parse_server(struct ctx *c, const struct ynode *map, struct scenario *scn)
{
    scn->has_server = true;
    if (!parse_server_map(c, map, "server", true, &scn->server))
        return false;
    const struct ynode *nodes = ytree_get(map, "nodes");
    if (nodes && !need_mapping(c, nodes, "server.nodes",
                               "a mapping of host names to server "
                               "parameters"))
        return false;
    size_t n = nodes ? nodes->n_pairs : 0;
    scn->server_nodes = xcalloc(n + 1, sizeof *scn->server_nodes);
    char sub[PATH_BYTES];
    for (size_t i = 0; i < n; i++) {
        const struct ypair *pr = &nodes->pairs[i];
        struct server_spec *s = &scn->server_nodes[i].spec;
        server_spec_copy(s, &scn->server);
        scn->n_server_nodes++;
        path_key(sub, "server.nodes", pr->key);
        if (!parse_server_map(c, pr->value, sub, false, s) ||
            !server_finish(c, pr->value, sub, s))
            return false;
    }
    return server_finish(c, map, "server", &scn->server);
}

static bool
resolve_server_nodes(struct ctx *c, const struct ynode *root,
                     struct scenario *scn)
{
    const struct ynode *s = ytree_get(root, "server");
    const struct ynode *map = s ? ytree_get(s, "nodes") : NULL;
    for (size_t i = 0; map && i < map->n_pairs; i++) {
        int64_t k = topo_find(&scn->graph, map->pairs[i].key);
        if (k < 0 || (uint64_t)k >= scn->graph.n_hosts)
            return fail_at(c, &map->pairs[i].key_mark,
                           "server.nodes: no host named '%s'",
                           map->pairs[i].key);
        for (size_t j = 0; j < i; j++)
            if (scn->server_nodes[j].host == (uint32_t)k)
                return fail_at(c, &map->pairs[i].key_mark,
                               "server.nodes: '%s' is listed twice",
                               map->pairs[i].key);
        scn->server_nodes[i].host = (uint32_t)k;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Classification, buffer policy per class, PFC. */

/* An integer key of a mapping, 0..MAX. */
static bool
read_int_key(struct ctx *c, const struct ypair *pair, const char *path,
             const char *what, uint32_t max, uint32_t *out)
{
    uint64_t v;
    const char *why;
    if (!units_parse_u64(pair->key, &v, &why) || v > max)
        return fail_at(c, &pair->key_mark,
                       "%s: key '%s' is not %s; expected an integer 0..%u",
                       path, pair->key, what, max);
    *out = (uint32_t)v;
    return true;
}

/* A mapping {CODE: PRIORITY, ...}: code points 0..KEY_MAX (DSCP, PCP)
 * overriding entries of MAP. */
static bool
read_prio_map(struct ctx *c, const struct ynode *n, const char *path,
              const char *what, uint32_t key_max, uint8_t *map)
{
    char form[96], value[32], sub[PATH_BYTES];
    snprintf(value, sizeof value, "a %s value", what);
    snprintf(form, sizeof form,
             "a mapping of %s values 0..%u to priorities 0..7, e.g. {%u: 3}",
             what, key_max, key_max == 63 ? 26 : 3);
    if (!need_mapping(c, n, path, form))
        return false;
    for (size_t i = 0; i < n->n_pairs; i++) {
        uint32_t code = 0, prio;
        path_key(sub, path, n->pairs[i].key);
        if (!read_int_key(c, &n->pairs[i], path, value, key_max, &code) ||
            !read_u32(c, n->pairs[i].value, sub, 0, 7, &prio))
            return false;
        map[code] = (uint8_t)prio;
    }
    return true;
}

/* A list of distinct priorities [3, 4, ...] as a bit mask. */
static bool
read_prio_set(struct ctx *c, const struct ynode *n, const char *path,
              uint8_t *mask)
{
    char sub[PATH_BYTES];
    if (!need_sequence(c, n, path, false,
                       "a list of distinct priorities 0..7, e.g. [3, 4]"))
        return false;
    *mask = 0;
    for (size_t i = 0; i < n->n_items; i++) {
        uint32_t p;
        path_index(sub, path, i);
        if (!read_u32(c, n->items[i], sub, 0, 7, &p))
            return false;
        if (*mask >> p & 1)
            return fail_value(c, n->items[i], sub, "listed twice",
                              "a list of distinct priorities 0..7");
        *mask |= (uint8_t)(1u << p);
    }
    return true;
}

/* A dynamic-threshold factor: a power of two from 1/128 to 64, written
 * "1/8" or "8" (switch ASICs take alpha as an exponent: SAI
 * SAI_BUFFER_PROFILE_ATTR_SHARED_DYNAMIC_TH, SONiC dynamic_th). */
static bool
read_alpha(struct ctx *c, const struct ynode *n, const char *path,
           double *out)
{
    static const char form[] =
        "a power of two from 1/128 to 64, e.g. 1/8 or 8";
    if (!need_scalar(c, n, path, form))
        return false;
    const char *t = n->text, *why;
    bool inverse = !strncmp(t, "1/", 2);
    uint64_t v;
    if (n->quoted || !units_parse_u64(inverse ? t + 2 : t, &v, &why) ||
        v == 0 || (v & (v - 1)) || v > (inverse ? 128u : 64u))
        return fail_value(c, n, path, NULL, form);
    *out = inverse ? 1.0 / (double)v : (double)v;
    return true;
}

/* The classification keys of MAP (at PATH): trust, dscp, pcp. */
static bool
parse_classify(struct ctx *c, const struct ynode *map, const char *path,
               struct qos_spec *q)
{
    static const char *const trusts[] = { "dscp", "pcp" };
    char sub[PATH_BYTES];
    const struct ynode *n = ytree_get(map, "trust");
    size_t i;
    if (n) {
        path_key(sub, path, "trust");
        if (!read_choice(c, n, sub, trusts, 2, &i))
            return false;
        q->trust = (enum qos_trust)i;
    }
    n = ytree_get(map, "dscp");
    path_key(sub, path, "dscp");
    if (n && !read_prio_map(c, n, sub, "DSCP", 63, q->dscp_prio))
        return false;
    n = ytree_get(map, "pcp");
    path_key(sub, path, "pcp");
    return !n || read_prio_map(c, n, sub, "PCP", 7, q->pcp_prio);
}

/* qos.nodes: per-node classification on top of the rest of `qos` (which
 * must be complete).  Names are resolved once the graph exists
 * (resolve_qos_nodes()). */
static bool
parse_qos_nodes(struct ctx *c, const struct ynode *map, struct scenario *scn)
{
    static const char *const keys[] = { "trust", "dscp", "pcp" };
    char sub[PATH_BYTES], where[PATH_BYTES + 8];
    if (!need_mapping(c, map, "qos.nodes",
                      "a mapping of node names to {trust, dscp, pcp}"))
        return false;
    scn->qos_nodes = xcalloc(map->n_pairs + 1, sizeof *scn->qos_nodes);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const struct ypair *pr = &map->pairs[i];
        struct qos_node *qn = &scn->qos_nodes[scn->n_qos_nodes++];
        qn->qos = scn->qos;
        path_key(sub, "qos.nodes", pr->key);
        snprintf(where, sizeof where, "in %s", sub);
        if (!need_mapping(c, pr->value, sub,
                          "a mapping with trust, dscp and/or pcp") ||
            !check_keys(c, pr->value, where, keys, ARRAY_SIZE(keys)) ||
            !parse_classify(c, pr->value, sub, &qn->qos))
            return false;
    }
    return true;
}

static bool
parse_qos(struct ctx *c, const struct ynode *map, struct qos_spec *q)
{
    static const char *const keys[] = {
        "trust", "dscp", "pcp", "lossless", "alpha", "nodes",
    };
    if (!need_mapping(c, map, "qos", "a mapping of QoS settings") ||
        !check_keys(c, map, "in qos", keys, ARRAY_SIZE(keys)) ||
        !parse_classify(c, map, "qos", q))
        return false;
    size_t i;
    const struct ynode *n = ytree_get(map, "lossless");
    if (n && !read_prio_set(c, n, "qos.lossless", &q->lossless))
        return false;
    n = ytree_get(map, "alpha");
    if (n) {
        char sub[PATH_BYTES];
        if (!need_mapping(c, n, "qos.alpha",
                          "a mapping of priorities to dynamic-threshold "
                          "factors, e.g. {0: 8, 3: 1/8}"))
            return false;
        for (i = 0; i < n->n_pairs; i++) {
            uint32_t p = 0;
            path_key(sub, "qos.alpha", n->pairs[i].key);
            if (!read_int_key(c, &n->pairs[i], "qos.alpha", "a priority", 7,
                              &p) ||
                !read_alpha(c, n->pairs[i].value, sub, &q->alpha[p]))
                return false;
        }
    }
    return true;
}

static bool
parse_pfc_watchdog(struct ctx *c, const struct ynode *map,
                   struct pfc_spec *p)
{
    static const char *const keys[] = {
        "enabled", "detection", "restoration", "action",
    };
    static const char *const actions[] = { "drop", "forward" };
    p->watchdog = true;
    if (!need_mapping(c, map, "pfc.watchdog",
                      "a mapping of PFC watchdog settings") ||
        !check_keys(c, map, "in pfc.watchdog", keys, ARRAY_SIZE(keys)) ||
        !get_bool(c, map, "pfc.watchdog", "enabled", &p->watchdog) ||
        !get_duration(c, map, "pfc.watchdog", "detection", true,
                      &p->wd_detect_ps) ||
        !get_duration(c, map, "pfc.watchdog", "restoration", true,
                      &p->wd_restore_ps))
        return false;
    const struct ynode *n = ytree_get(map, "action");
    size_t i;
    if (n) {
        if (!read_choice(c, n, "pfc.watchdog.action", actions, 2, &i))
            return false;
        p->wd_action = (enum pfc_wd_action)i;
    }
    return true;
}

/* KEY of MAP: WORD (stored as 0, the computed default) or a positive
 * size (DURATION false) or duration. */
static bool
get_auto(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, const char *word, bool duration, uint64_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    if (!n)
        return true;
    if (n->kind == YNODE_SCALAR && !n->quoted && !strcmp(n->text, word)) {
        *out = 0;
        return true;
    }
    return duration ? read_duration(c, n, path, true, out)
                    : read_size(c, n, path, true, out);
}

static bool
parse_pfc(struct ctx *c, const struct ynode *map, struct pfc_spec *p)
{
    static const char *const keys[] = {
        "enabled", "headroom", "xoff", "xon_offset", "quanta", "response",
        "watchdog",
    };
    uint32_t quanta = p->quanta;
    p->enabled = true;
    if (!need_mapping(c, map, "pfc", "a mapping of PFC settings") ||
        !check_keys(c, map, "in pfc", keys, ARRAY_SIZE(keys)) ||
        !get_bool(c, map, "pfc", "enabled", &p->enabled) ||
        !get_auto(c, map, "pfc", "headroom", "auto", false,
                  &p->headroom_bytes) ||
        !get_auto(c, map, "pfc", "xoff", "dynamic", false, &p->xoff_bytes) ||
        !get_size(c, map, "pfc", "xon_offset", false,
                  &p->xon_offset_bytes) ||
        !get_u32(c, map, "pfc", "quanta", 1, 65535, &quanta) ||
        !get_auto(c, map, "pfc", "response", "auto", true, &p->response_ps))
        return false;
    /* A static XON is XOFF - xon_offset; below zero, a priority group
     * would never be resumed (the dynamic threshold resumes an empty
     * group whatever the offset). */
    if (p->xoff_bytes && p->xon_offset_bytes > p->xoff_bytes) {
        const struct ynode *off = ytree_get(map, "xon_offset");
        char why[96];
        if (off) {
            snprintf(why, sizeof why,
                     "above pfc.xoff, %" PRIu64 " B: XON would be below 0",
                     p->xoff_bytes);
            return fail_value(c, off, "pfc.xon_offset", why,
                              "a size not above pfc.xoff");
        }
        snprintf(why, sizeof why,
                 "below pfc.xon_offset, %" PRIu64 " B by default",
                 p->xon_offset_bytes);
        return fail_value(c, ytree_get(map, "xoff"), "pfc.xoff", why,
                          "dynamic, or a size not below pfc.xon_offset");
    }
    p->quanta = (uint16_t)quanta;
    const struct ynode *n = ytree_get(map, "watchdog");
    return !n || parse_pfc_watchdog(c, n, p);
}

/* ------------------------------------------------------------------ */
/* TCP parameters and fault injection. */

static bool
parse_tcp(struct ctx *c, const struct ynode *map, const char *path,
          struct tcp_spec *t)
{
    static const char *const keys[] = {
        "cc", "ecn", "handshake", "init_cwnd", "min_rto", "init_rto",
        "max_rto", "max_retries", "delayed_ack", "delayed_ack_timeout",
        "quickack", "ack_jitter", "rcv_buf", "dupack_threshold", "dctcp_g",
    };
    char where[PATH_BYTES + 8], sub[PATH_BYTES];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of TCP parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    const struct ynode *n = ytree_get(map, "cc");
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(tcp_cc_count, tcp_cc_name, names), i;
        path_key(sub, path, "cc");
        if (!read_choice(c, n, sub, names, k, &i))
            return false;
        t->cc = names[i];
    }
    if (!get_bool(c, map, path, "ecn", &t->ecn) ||
        !get_bool(c, map, path, "handshake", &t->handshake) ||
        !get_u32(c, map, path, "init_cwnd", 1, 1u << 20, &t->init_cwnd) ||
        !get_duration(c, map, path, "min_rto", true, &t->min_rto_ps) ||
        !get_duration(c, map, path, "init_rto", true, &t->init_rto_ps) ||
        !get_duration(c, map, path, "max_rto", true, &t->max_rto_ps) ||
        !get_u32(c, map, path, "max_retries", 1, 1000, &t->max_retries) ||
        !get_u32(c, map, path, "delayed_ack", 1, 64, &t->delack_segs) ||
        !get_u32(c, map, path, "quickack", 0, 1u << 20, &t->quickacks) ||
        !get_duration(c, map, path, "ack_jitter", false,
                      &t->ack_jitter_ps) ||
        !get_duration(c, map, path, "delayed_ack_timeout", true,
                      &t->delack_ps) ||
        !get_size(c, map, path, "rcv_buf", true, &t->rcv_buf_bytes) ||
        !get_u32(c, map, path, "dupack_threshold", 1, 1000,
                 &t->dupack_thresh) ||
        !get_fraction(c, map, path, "dctcp_g", 0, true, 1,
                  "a real number in (0, 1], e.g. 0.0625", &t->dctcp_g))
        return false;
    /* A window larger than 2^30 cannot be advertised (RFC 7323 2.3). */
    if (t->rcv_buf_bytes > (UINT64_C(1) << 30)) {
        path_key(sub, path, "rcv_buf");
        return fail_value(c, ytree_get(map, "rcv_buf"), sub,
                          "larger than the 1 GiB TCP window limit",
                          "a size of at most 1GiB");
    }
    if (t->min_rto_ps > t->max_rto_ps) {
        const char *key = ytree_get(map, "min_rto") ? "min_rto" : "max_rto";
        path_key(sub, path, key);
        return fail_value(c, ytree_get(map, key), sub,
                          "min_rto is greater than max_rto",
                          "min_rto <= max_rto");
    }
    return true;
}

static bool
parse_hpcc(struct ctx *c, const struct ynode *map, struct hpcc_params *h)
{
    static const char *const keys[] = { "eta", "max_stage", "r_ai", "t" };
    return need_mapping(c, map, "rdma.hpcc", "a mapping of HPCC parameters") &&
           check_keys(c, map, "in rdma.hpcc", keys, ARRAY_SIZE(keys)) &&
           get_fraction(c, map, "rdma.hpcc", "eta", 0, true, 1,
                        "a real number in (0, 1], e.g. 0.95", &h->eta) &&
           get_u32(c, map, "rdma.hpcc", "max_stage", 0, 1000,
                   &h->max_stage) &&
           get_rate(c, map, "rdma.hpcc", "r_ai", false, &h->r_ai_bps) &&
           get_duration(c, map, "rdma.hpcc", "t", true, &h->t_ps);
}

static bool
parse_rdma(struct ctx *c, const struct ynode *map, struct rdma_spec *r)
{
    static const char *const keys[] = {
        "mtu", "ack_every", "timeout", "retry_cnt", "cc", "dcqcn_profile",
        "cnp_tc", "rnr_timer", "rnr_retry", "hpcc",
    };
    static const char *const ccs[] = { "none", "dcqcn", "hpcc" };
    static const char *const profiles[] = { "paper", "mellanox" };
    size_t i;
    if (!need_mapping(c, map, "rdma", "a mapping of RDMA parameters") ||
        !check_keys(c, map, "in rdma", keys, ARRAY_SIZE(keys)))
        return false;
    const struct ynode *cc = ytree_get(map, "cc");
    if (cc) {
        if (!read_choice(c, cc, "rdma.cc", ccs, ARRAY_SIZE(ccs), &i))
            return false;
        r->cc = (enum rdma_cc)i;
        r->cc_name = ccs[i];
    }
    const struct ynode *pr = ytree_get(map, "dcqcn_profile");
    if (pr) {
        if (!read_choice(c, pr, "rdma.dcqcn_profile", profiles, 2, &i))
            return false;
        if (r->cc != RDMA_CC_DCQCN)
            return fail_at(c, &ytree_pair(map, "dcqcn_profile")->key_mark,
                           "rdma.dcqcn_profile given with rdma.cc %s; "
                           "expected cc: dcqcn, or no dcqcn_profile",
                           r->cc_name);
        r->profile = profiles[i];
    }
    const struct ynode *hp = ytree_get(map, "hpcc");
    if (hp) {
        if (r->cc != RDMA_CC_HPCC)
            return fail_at(c, &ytree_pair(map, "hpcc")->key_mark,
                           "rdma.hpcc given with rdma.cc %s; expected cc: "
                           "hpcc, or no hpcc key",
                           r->cc_name);
        if (!parse_hpcc(c, hp, &r->hpcc))
            return false;
    }
    uint32_t tc = r->cnp_tc;
    if (!get_u32(c, map, "rdma", "cnp_tc", 0, N_TC - 1, &tc) ||
        !get_u32(c, map, "rdma", "ack_every", 1, 1u << 16, &r->ack_every) ||
        !get_duration(c, map, "rdma", "timeout", true, &r->timeout_ps) ||
        !get_u32(c, map, "rdma", "retry_cnt", 0, 7, &r->retry_cnt) ||
        !get_duration(c, map, "rdma", "rnr_timer", true, &r->rnr_timer_ps) ||
        !get_u32(c, map, "rdma", "rnr_retry", 0, 7, &r->rnr_retry))
        return false;
    r->cnp_tc = (uint8_t)tc;
    const struct ynode *n = ytree_get(map, "mtu");
    if (n) {
        /* IBTA path MTUs: 256, 512, 1024, 2048, 4096. */
        uint32_t v;
        if (!read_u32(c, n, "rdma.mtu", 256, 4096, &v))
            return false;
        if (v & (v - 1))
            return fail_value(c, n, "rdma.mtu", NULL,
                              "one of 256, 512, 1024, 2048, 4096");
        r->mtu = v;
    }
    return true;
}

static bool
parse_faults(struct ctx *c, const struct ynode *map, struct fault_spec *f)
{
    static const char *const keys[] = { "loss", "reorder", "reorder_delay" };
    static const char prob[] = "a probability in [0, 1)";
    if (!need_mapping(c, map, "faults", "a mapping of fault probabilities") ||
        !check_keys(c, map, "in faults", keys, ARRAY_SIZE(keys)) ||
        !get_fraction(c, map, "faults", "loss", 0, false, 0.999999, prob,
                  &f->loss) ||
        !get_fraction(c, map, "faults", "reorder", 0, false, 0.999999, prob,
                  &f->reorder) ||
        !get_duration(c, map, "faults", "reorder_delay", true,
                      &f->reorder_delay_ps))
        return false;
    if (f->reorder > 0 && !f->reorder_delay_ps)
        return require_key(c, map, "faults", "reorder_delay");
    return true;
}

/* ------------------------------------------------------------------ */
/* Traffic, first pass: everything but host names, which need the graph. */

static const char *const pattern_names[] = {
    [PATTERN_FLOWS] = "flows",
    [PATTERN_PERMUTATION] = "permutation",
    [PATTERN_INCAST] = "incast",
    [PATTERN_ALL_TO_ALL] = "all-to-all",
    [PATTERN_RANDOM] = "random",
};

static const char *const flows_keys[] = {
    "pattern", "protocol", "flows", "tcp", "verb", "recv_at",
};
static const char *const permutation_keys[] = {
    "pattern", "protocol", "size", "rate", "tc", "start", "interarrival",
    "cross_rack", "tcp", "verb", "recv_at",
};
static const char *const incast_keys[] = {
    "pattern", "protocol", "size", "rate", "tc", "start", "interarrival",
    "senders", "receiver", "rounds", "gap", "tcp", "verb", "recv_at",
};
static const char *const all_to_all_keys[] = {
    "pattern", "protocol", "size", "rate", "tc", "start", "interarrival",
    "tcp", "verb", "recv_at",
};
static const char *const random_keys[] = {
    "pattern", "protocol", "size", "rate", "tc", "start", "interarrival",
    "load", "count", "duration", "cross_rack", "tcp", "verb", "recv_at",
};

/* Indexed by enum traffic_pattern. */
static const struct pattern_desc {
    const char *const *keys;
    size_t n_keys;
    const char *const *required;
    size_t n_required;
} pattern_descs[] = {
    [PATTERN_FLOWS] = { flows_keys, ARRAY_SIZE(flows_keys),
                        (const char *const[]){ "flows" }, 1 },
    [PATTERN_PERMUTATION] = { permutation_keys, ARRAY_SIZE(permutation_keys),
                              (const char *const[]){ "size" }, 1 },
    [PATTERN_INCAST] = { incast_keys, ARRAY_SIZE(incast_keys),
                         (const char *const[]){ "size", "senders",
                                                "receiver" }, 3 },
    [PATTERN_ALL_TO_ALL] = { all_to_all_keys, ARRAY_SIZE(all_to_all_keys),
                             (const char *const[]){ "size" }, 1 },
    /* `count` or `duration`: checked by check_arrivals(). */
    [PATTERN_RANDOM] = { random_keys, ARRAY_SIZE(random_keys),
                         (const char *const[]){ "size" }, 1 },
};

static bool
parse_flow(struct ctx *c, const struct ynode *item, const char *path,
           struct flow_spec *f)
{
    static const char *const keys[] = {
        "src", "dst", "size", "start", "rate", "tc",
    };
    static const char *const required[] = { "src", "dst", "size" };
    char where[PATH_BYTES + 8], sub[PATH_BYTES];
    const char *name;

    snprintf(where, sizeof where, "in %s", path);
    f->loc.line = item->mark.line;
    f->loc.col = item->mark.col;
    if (!need_mapping(c, item, path,
                      "a flow mapping with src, dst and size") ||
        !check_keys(c, item, where, keys, ARRAY_SIZE(keys)) ||
        !require_keys(c, item, path, required, ARRAY_SIZE(required)))
        return false;
    /* Names are resolved once the graph exists; check the form now. */
    path_key(sub, path, "src");
    if (!read_string(c, ytree_get(item, "src"), sub, "a host name", &name))
        return false;
    path_key(sub, path, "dst");
    if (!read_string(c, ytree_get(item, "dst"), sub, "a host name", &name))
        return false;
    return get_size(c, item, path, "size", true, &f->size_bytes) &&
           get_duration(c, item, path, "start", false, &f->start_ps) &&
           get_rate(c, item, path, "rate", true, &f->rate_bps) &&
           get_tc(c, item, path, &f->tc);
}

/* `load`: a fraction of the link rate, 0 < load <= 1. */
static bool
get_load(struct ctx *c, const struct ynode *map, const char *parent,
         double *out)
{
    return get_fraction(c, map, parent, "load", 0, true, 1,
                        "a fraction of the link rate, 0 < load <= 1, "
                        "e.g. 0.5", out);
}

/* Keys A and B of MAP may not both be given; the error is at B. */
static bool
exclusive(struct ctx *c, const struct ynode *map, const char *path,
          const char *a, const char *b)
{
    const struct ypair *pb = ytree_pair(map, b);
    if (!ytree_get(map, a) || !pb)
        return true;
    return fail_at(c, &pb->key_mark, "%s.%s cannot be given with %s; "
                   "expected either %s or %s", path, b, a, a, b);
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
    static const char *const keys[] = { "cdf" };
    const struct ynode *n = ytree_get(map, "size");
    char path[PATH_BYTES], sub[PATH_BYTES], where[PATH_BYTES + 8];
    path_key(path, parent, "size");
    if (!n)
        return true;
    if (n->kind == YNODE_SEQUENCE)
        return fail_value(c, n, path, NULL,
                          "a size, or a mapping {cdf: NAME_OR_PATH}");
    if (n->kind != YNODE_MAPPING)
        return read_size(c, n, path, true, &ts->size_bytes);
    snprintf(where, sizeof where, "in %s", path);
    path_key(sub, path, "cdf");
    return check_keys(c, n, where, keys, ARRAY_SIZE(keys)) &&
           require_key(c, n, path, "cdf") &&
           read_cdf(c, ytree_get(n, "cdf"), sub, &ts->size_cdf);
}

/* The RDMA keys of a traffic entry: the verb and when the receiver posts
 * its receives. */
static const char *const verbs[] = {
    [RDMA_VERB_WRITE] = "write",
    [RDMA_VERB_SEND] = "send",
    [RDMA_VERB_READ] = "read",
    [RDMA_VERB_WRITE_IMM] = "write_imm",
};

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
    if (!get_duration(c, map, path, "recv_at", false, &ts->recv_at_ps))
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
    if (!check_keys(c, map, where, pd->keys, pd->n_keys) ||
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
        if (!parse_tcp(c, n, sub, &ts->tcp))
            return false;
    }

    if (!parse_verb(c, map, path, ts))
        return false;
    uint32_t count = 0;
    if (!get_flow_size(c, map, path, ts) ||
        !get_rate(c, map, path, "rate", true, &ts->rate_bps) ||
        !get_tc(c, map, path, &ts->tc) ||
        !get_duration(c, map, path, "start", false, &ts->start_ps) ||
        !get_duration(c, map, path, "interarrival", true,
                      &ts->interarrival_ps) ||
        !get_load(c, map, path, &ts->load) ||
        !get_duration(c, map, path, "duration", true, &ts->duration_ps) ||
        !get_u32(c, map, path, "count", 1, UINT32_MAX, &count) ||
        !get_u32(c, map, path, "senders", 1, UINT32_MAX, &count) ||
        !get_u32(c, map, path, "rounds", 1, UINT32_MAX, &ts->rounds) ||
        !get_duration(c, map, path, "gap", false, &ts->gap_ps))
        return false;
    ts->count = count;
    if (!check_arrivals(c, map, path, ts))
        return false;

    n = ytree_get(map, "receiver");
    const char *name;
    path_key(sub, path, "receiver");
    if (n && !read_string(c, n, sub, "a host name", &name))
        return false;

    if (!get_bool(c, map, path, "cross_rack", &ts->cross_rack_only))
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

static bool
parse_traffic(struct ctx *c, const struct ynode *seq, struct scenario *scn)
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

/* ------------------------------------------------------------------ */
/* Traffic, second pass: host names against the built graph. */

static bool
resolve_host(struct ctx *c, const struct scenario *scn, const struct ynode *n,
             const char *path, uint32_t *host)
{
    const struct topo_graph *g = &scn->graph;
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

static bool
resolve_traffic(struct ctx *c, const struct ynode *seq, struct scenario *scn)
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
            if (!resolve_host(c, scn, ytree_get(item, "src"), sub, &f->src))
                return false;
            path_key(sub, fpath, "dst");
            const struct ynode *dst = ytree_get(item, "dst");
            if (!resolve_host(c, scn, dst, sub, &f->dst))
                return false;
            if (f->dst == f->src)
                return fail_value(c, dst, sub, "the same host as src",
                                  "a host other than src");
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
            if (!resolve_host(c, scn, ytree_get(map, "receiver"), sub,
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

/* ------------------------------------------------------------------ */
/* Monitor: the queue occupancy time series.  Port names need the graph,
 * so as with traffic they are read first and resolved after it is built. */

static const char monitor_port_form[] =
    "a node name (all its ports) or NODE->PEER (its ports cabled to PEER)";

static bool
parse_monitor(struct ctx *c, const struct ynode *map, struct monitor_spec *m)
{
    static const char *const keys[] = { "interval", "queues", "qps",
                                        "breakdown" };
    if (!need_mapping(c, map, "monitor",
                      "a mapping with interval and queues and/or qps, "
                      "and/or breakdown") ||
        !check_keys(c, map, "in monitor", keys, ARRAY_SIZE(keys)))
        return false;
    const struct ynode *bd = ytree_get(map, "breakdown");
    if (bd) {
        if (!read_u32(c, bd, "monitor.breakdown", 0, UINT32_MAX - 1,
                      &m->breakdown_flow))
            return false;
        m->breakdown = true;
        m->breakdown_loc = (struct src_loc){ bd->mark.line, bd->mark.col };
    }
    const struct ynode *qps = ytree_get(map, "qps");
    if (bd && !qps && !ytree_get(map, "queues")) {
        /* The breakdown alone samples nothing. */
        const struct ynode *iv = ytree_get(map, "interval");
        if (iv) {
            return fail_at(c, &iv->mark, "monitor.interval: nothing to "
                                         "sample; expected queues or qps "
                                         "beside it, or no interval");
        }
        return true;
    }
    if (!require_key(c, map, "monitor", "interval") ||
        !get_duration(c, map, "monitor", "interval", true, &m->interval_ps))
        return false;
    if (qps) {
        if (!need_sequence(c, qps, "monitor.qps", true,
                           "a non-empty sequence of flow ids (flows.csv id)"))
            return false;
        m->qps = xcalloc(qps->n_items, sizeof *m->qps);
        m->qps_loc = (struct src_loc){ qps->mark.line, qps->mark.col };
        for (size_t i = 0; i < qps->n_items; i++) {
            char path[PATH_BYTES];
            path_index(path, "monitor.qps", i);
            if (!read_u32(c, qps->items[i], path, 0, UINT32_MAX - 1,
                          &m->qps[m->n_qps]))
                return false;
            m->n_qps++;
        }
    }

    const struct ynode *seq = ytree_get(map, "queues");
    if (!seq && qps)
        return true;
    if (!seq)
        return require_key(c, map, "monitor", "queues");
    if (!need_sequence(c, seq, "monitor.queues", true,
                       "a non-empty sequence of port names"))
        return false;
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES];
        const char *name;
        path_index(path, "monitor.queues", i);
        if (!read_string(c, seq->items[i], path, monitor_port_form, &name))
            return false;
    }
    m->select = xcalloc(seq->n_items, sizeof *m->select);
    m->n_select = seq->n_items;
    return true;
}

/* Whether a link joins nodes A and B; with B MONITOR_ALL_PORTS, whether A
 * has any link. */
static bool
graph_has_link(const struct topo_graph *g, uint32_t a, uint32_t b)
{
    for (uint32_t i = 0; i < g->n_links; i++) {
        const struct topo_link *l = &g->links[i];
        if ((l->a == a && (b == MONITOR_ALL_PORTS || l->b == b)) ||
            (l->b == a && (b == MONITOR_ALL_PORTS || l->a == b)))
            return true;
    }
    return false;
}

/* The node named by the LEN bytes at NAME, or fails (at N, whose path is
 * PATH) saying there is none. */
static bool
find_node(struct ctx *c, const struct topo_graph *g, const struct ynode *n,
          const char *path, const char *name, size_t len, uint32_t *out)
{
    char *s = xasprintf("%.*s", (int)len, name);
    int64_t i = topo_find(g, s);
    if (i < 0) {
        char *why = len ? xasprintf("no node named '%s'", s)
                        : xstrdup("an empty node name");
        fail_value(c, n, path, why, monitor_port_form);
        free(why);
    }
    free(s);
    *out = (uint32_t)i;
    return i >= 0;
}

/* A whole node name selects all the node's ports, so that a name holding
 * "->" (possible in explicit topologies) still works; any other name is
 * split at its first "->". */
static bool
resolve_port(struct ctx *c, const struct topo_graph *g, const struct ynode *n,
             const char *path, struct monitor_select *sel)
{
    const char *text = n->text, *arrow = strstr(text, "->");
    if (topo_find(g, text) >= 0 || !arrow) {
        sel->peer = MONITOR_ALL_PORTS;
        if (!find_node(c, g, n, path, text, strlen(text), &sel->node))
            return false;
    } else if (!find_node(c, g, n, path, text, (size_t)(arrow - text),
                          &sel->node) ||
               !find_node(c, g, n, path, arrow + 2, strlen(arrow + 2),
                          &sel->peer)) {
        return false;
    }
    if (graph_has_link(g, sel->node, sel->peer))
        return true;
    char *why = sel->peer == MONITOR_ALL_PORTS
                    ? xasprintf("%s has no links", text)
                    : xasprintf("%s has no link to %s",
                                g->nodes[sel->node].name,
                                g->nodes[sel->peer].name);
    fail_value(c, n, path, why, monitor_port_form);
    free(why);
    return false;
}

static bool
resolve_qos_nodes(struct ctx *c, const struct ynode *root,
                  struct scenario *scn)
{
    const struct ynode *q = ytree_get(root, "qos");
    const struct ynode *map = q ? ytree_get(q, "nodes") : NULL;
    for (size_t i = 0; map && i < map->n_pairs; i++) {
        int64_t k = topo_find(&scn->graph, map->pairs[i].key);
        if (k < 0)
            return fail_at(c, &map->pairs[i].key_mark,
                           "qos.nodes: no node named '%s'",
                           map->pairs[i].key);
        for (size_t j = 0; j < i; j++)
            if (scn->qos_nodes[j].node == (uint32_t)k)
                return fail_at(c, &map->pairs[i].key_mark,
                               "qos.nodes: '%s' is listed twice",
                               map->pairs[i].key);
        scn->qos_nodes[i].node = (uint32_t)k;
    }
    return true;
}

static bool
resolve_stall(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    const struct ynode *host = ytree_get(root, "host");
    const struct ynode *st = host ? ytree_get(host, "rx_stall") : NULL;
    if (!st)
        return true;
    const struct ynode *seq = ytree_get(st, "hosts");
    struct host_spec *h = &scn->host;
    h->stall_hosts = xcalloc(seq->n_items, sizeof *h->stall_hosts);
    for (size_t i = 0; i < seq->n_items; i++) {
        char sub[PATH_BYTES];
        path_index(sub, "host.rx_stall.hosts", i);
        if (!need_scalar(c, seq->items[i], sub, "a host name") ||
            !resolve_host(c, scn, seq->items[i], sub, &h->stall_hosts[i]))
            return false;
        h->n_stall_hosts++;
    }
    return true;
}

static bool
resolve_monitor(struct ctx *c, const struct ynode *map, struct scenario *scn)
{
    for (size_t i = 0; i < scn->monitor.n_select; i++) {
        char path[PATH_BYTES];
        path_index(path, "monitor.queues", i);
        if (!resolve_port(c, &scn->graph, ytree_get(map, "queues")->items[i],
                          path, &scn->monitor.select[i]))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The file and the top level. */

/* Reads PATH whole into *TEXT (NUL-terminated) and *LEN. */
static bool
read_file(struct ctx *c, const char *path, char **text, size_t *len)
{
    return !read_whole_file(path, MAX_FILE_BYTES >> 20, "a scenario file",
                            text, len, &c->err);
}

/* The file's base name without a .yaml or .yml suffix. */
static char *
default_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const suffixes[] = { ".yaml", ".yml" };
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !strcmp(base + n - k, suffixes[i])) {
            n -= k;
            break;
        }
    }
    char *name = xmalloc(n + 1);
    memcpy(name, base, n);
    name[n] = '\0';
    return name;
}

/* ------------------------------------------------------------------ */
/* Native InfiniBand: `fabric` and `ib`, and the Ethernet keys that mean
 * nothing on an IB fabric. */

static const char *const fabric_names[] = {
    [FABRIC_ETHERNET] = "ethernet",
    [FABRIC_INFINIBAND] = "infiniband",
};

/* The largest native IB packet of path MTU MTU: LRH + BTH + the longest
 * extended headers (RETH + ImmDt, a WRITE with immediate's only packet)
 * + payload + ICRC + VCRC. */
static uint32_t
ib_max_packet_bytes(uint32_t mtu)
{
    return ib_packet_bytes(IB_LRH_BYTES + IB_BTH_BYTES + IB_RETH_BYTES +
                               IB_IMMDT_BYTES + IB_ICRC_BYTES +
                               IB_VCRC_BYTES,
                           mtu);
}

/* FCCL and FCTBS are 12 bits: a receiver can grant at most 2048 credits
 * beyond what it has received (IBTA 7.9.4). */
#define IB_VL_BUFFER_MAX (2048 * IB_CREDIT_BYTES)

static bool
parse_ib(struct ctx *c, const struct ynode *map, struct ib_spec *ib)
{
    static const char *const keys[] = { "vl_buffer" };
    if (!need_mapping(c, map, "ib", "a mapping of InfiniBand parameters") ||
        !check_keys(c, map, "in ib", keys, ARRAY_SIZE(keys)) ||
        !get_size(c, map, "ib", "vl_buffer", true, &ib->vl_buffer_bytes))
        return false;
    const struct ynode *n = ytree_get(map, "vl_buffer");
    static const char form[] =
        "a multiple of 64 B (one credit) up to 128KiB (2048 credits)";
    if (n && ib->vl_buffer_bytes % IB_CREDIT_BYTES)
        return fail_value(c, n, "ib.vl_buffer",
                          "not a whole number of 64-byte credits", form);
    if (n && ib->vl_buffer_bytes > IB_VL_BUFFER_MAX)
        return fail_value(c, n, "ib.vl_buffer",
                          "more than the 2048 credits a 12-bit credit "
                          "limit can grant",
                          form);
    return true;
}

/* Keys of an Ethernet fabric that an IB fabric refuses, and why. */
static const struct {
    const char *section;      /* "" for the top level. */
    const char *key;
    const char *why;
} ib_refused[] = {
    { "", "mtu", "the IP MTU sizes Ethernet frames; IB packets carry up "
                 "to rdma.mtu bytes of payload" },
    { "", "qos", "each service level travels in the virtual lane of the "
                 "same number (tc = SL = VL); DSCP and PCP classification "
                 "are Ethernet's" },
    { "switch", "mmu", "IB switches buffer per input port and VL "
                       "(ib.vl_buffer), filled only against credits" },
    { "switch", "queue", "IB switches buffer per input port and VL "
                         "(ib.vl_buffer), filled only against credits" },
    { "switch", "buffer", "IB switches buffer per input port and VL "
                          "(ib.vl_buffer), filled only against credits" },
    { "switch", "reserve", "IB switches buffer per input port and VL "
                           "(ib.vl_buffer), filled only against credits" },
    { "switch", "ecn", "IB packets have no IP ECN field (IB's FECN/BECN "
                       "congestion control is not modeled)" },
    { "host", "vlan", "IB packets have no Ethernet header to tag" },
    { "host", "rx_buffer", "an HCA receives into ib.vl_buffer per VL" },
};

static bool
check_ib_refused(struct ctx *c, const struct ynode *root)
{
    for (size_t i = 0; i < ARRAY_SIZE(ib_refused); i++) {
        const char *sec = ib_refused[i].section;
        const struct ynode *map = *sec ? ytree_get(root, sec) : root;
        const struct ypair *pr = map && map->kind == YNODE_MAPPING
                                     ? ytree_pair(map, ib_refused[i].key)
                                     : NULL;
        if (pr)
            return fail_at(c, &pr->key_mark,
                           "%s%s%s under fabric: infiniband: %s; expected "
                           "no %s key",
                           sec, *sec ? "." : "", ib_refused[i].key,
                           ib_refused[i].why, ib_refused[i].key);
    }
    return true;
}

/* `fabric` and `ib`, before the sections they constrain. */
static bool
parse_fabric(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    const struct ynode *n = ytree_get(root, "fabric");
    size_t i;
    if (n) {
        if (!read_choice(c, n, "fabric", fabric_names,
                         ARRAY_SIZE(fabric_names), &i))
            return false;
        scn->fabric = (enum fabric)i;
    }
    const struct ypair *ib = ytree_pair(root, "ib");
    if (ib && scn->fabric != FABRIC_INFINIBAND)
        return fail_at(c, &ib->key_mark,
                       "ib given with fabric %s; expected fabric: "
                       "infiniband, or no ib key",
                       fabric_names[scn->fabric]);
    if (scn->fabric != FABRIC_INFINIBAND)
        return true;
    return (!ib || parse_ib(c, ib->value, &scn->ib)) &&
           check_ib_refused(c, root);
}

/* Once `pfc` and `rdma` are read: what an IB fabric cannot have. */
static bool
check_ib(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    if (scn->fabric != FABRIC_INFINIBAND)
        return true;
    if (scn->pfc.enabled)
        return fail_at(c, &ytree_pair(root, "pfc")->key_mark,
                       "pfc under fabric: infiniband: IB links are "
                       "lossless by credit-based flow control (ib.vl_buffer"
                       "); PFC is Ethernet's; expected no pfc section, or "
                       "pfc.enabled: false");
    if (scn->rdma.cc == RDMA_CC_DCQCN)
        return fail_value(c, ytree_get(ytree_get(root, "rdma"), "cc"),
                          "rdma.cc",
                          "DCQCN reacts to ECN marks in IP headers, which "
                          "native IB packets do not have",
                          "none under fabric: infiniband");
    if (scn->rdma.cc == RDMA_CC_HPCC)
        return fail_value(c, ytree_get(ytree_get(root, "rdma"), "cc"),
                          "rdma.cc",
                          "HPCC's INT records are written by Ethernet "
                          "switches' egress pipelines, which dcsim's IB "
                          "switches do not have",
                          "none under fabric: infiniband");
    uint32_t need = ib_blocks(ib_max_packet_bytes(scn->rdma.mtu)) *
                    IB_CREDIT_BYTES;
    if (scn->ib.vl_buffer_bytes < need) {
        char why[128];
        snprintf(why, sizeof why,
                 "smaller than one packet of rdma.mtu %" PRIu32 ": %" PRIu32
                 " B in %" PRIu32 " credits",
                 scn->rdma.mtu, need, need / IB_CREDIT_BYTES);
        char form[96];
        snprintf(form, sizeof form,
                 "a multiple of 64 B from %" PRIu32 " B up to 128KiB", need);
        return fail_value(c, ytree_get(ytree_get(root, "ib"), "vl_buffer"),
                          "ib.vl_buffer", why, form);
    }
    return true;
}

static bool
parse_top(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    static const char *const keys[] = {
        "name", "seed", "stop", "mtu", "topology", "fabric", "ib", "switch",
        "host", "qos", "pfc", "tcp", "rdma", "faults", "traffic", "monitor",
        "server",
    };
    const struct ynode *n;

    if (!check_keys(c, root, "at the top level", keys, ARRAY_SIZE(keys)) ||
        !require_key(c, root, "", "topology"))
        return false;

    n = ytree_get(root, "name");
    if (n) {
        /* `dcsim run` writes to results/<name> by default. */
        static const char form[] =
            "a non-empty string usable as a directory name";
        const char *name;
        if (!read_string(c, n, "name", form, &name))
            return false;
        if (strchr(name, '/'))
            return fail_value(c, n, "name", "contains '/'", form);
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            return fail_value(c, n, "name", NULL, form);
        scn->name = xstrdup(name);
    } else {
        scn->name = default_name(scn->file);
    }

    n = ytree_get(root, "seed");
    if (n && !read_u64(c, n, "seed", 0, UINT64_MAX, &scn->seed))
        return false;
    if (!get_duration(c, root, "", "stop", true, &scn->stop_ps) ||
        !get_u32(c, root, "", "mtu", MTU_MIN, MTU_MAX, &scn->mtu_bytes) ||
        !parse_topology(c, ytree_pair(root, "topology"), &scn->topo) ||
        !parse_fabric(c, root, scn))
        return false;

    /* PFC first: it makes the shared-buffer MMU the default. */
    n = ytree_get(root, "pfc");
    if (n && !parse_pfc(c, n, &scn->pfc))
        return false;
    if (scn->pfc.enabled && scn->fabric == FABRIC_INFINIBAND)
        return check_ib(c, root, scn);
    if (scn->pfc.enabled) {
        scn->sw.mmu = "shared";
        set_where(c, &ytree_get(root, "pfc")->mark, &scn->sw.where);
        /* A PFC deadlock holds traffic forever while pauses keep being
         * refreshed; only an end time ends such a run. */
        if (!scn->stop_ps)
            return fail_at(c, &ytree_get(root, "pfc")->mark,
                           "a run with PFC needs a stop time: paused "
                           "traffic can wait forever (a PFC deadlock); "
                           "expected a top-level 'stop', e.g. stop: 10ms");
    }
    n = ytree_get(root, "switch");
    if (n && !parse_switch(c, n, &scn->sw, scn->pfc.enabled))
        return false;
    if (scn->pfc.enabled && strcmp(scn->sw.mmu, "shared"))
        return fail_at(c, &ytree_get(ytree_get(root, "switch"), "mmu")->mark,
                       "switch.mmu is %s, but PFC needs the shared-buffer "
                       "MMU (ingress accounting and headroom); expected "
                       "shared, or pfc.enabled: false",
                       scn->sw.mmu);
    n = ytree_get(root, "qos");
    if (n && !parse_qos(c, n, &scn->qos))
        return false;
    /* Without PFC every class is lossy, and gets the lossy default. */
    for (int i = 0; i < 8; i++)
        if (scn->qos.alpha[i] == 0)
            scn->qos.alpha[i] = scn->pfc.enabled && scn->qos.lossless >> i & 1
                                    ? 1.0 / 8
                                    : 8.0;
    n = n ? ytree_get(n, "nodes") : NULL;
    if (n && !parse_qos_nodes(c, n, scn))
        return false;
    scn->host.scheduler = scn->sw.scheduler;
    scn->host.ets = scn->sw.ets;
    n = ytree_get(root, "host");
    if (n && !parse_host(c, n, &scn->host,
                         scn->fabric == FABRIC_INFINIBAND))
        return false;
    uint32_t max_wire = wire_bytes_for_ip(scn->mtu_bytes, true);
    sched_ets_set_quanta(&scn->sw.ets, max_wire);
    sched_ets_set_quanta(&scn->host.ets, max_wire);
    n = ytree_get(root, "server");
    if (n && !parse_server(c, n, scn))
        return false;
    if (n && scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, &ytree_pair(root, "server")->key_mark,
                       "a server section is not supported on a "
                       "fabric: infiniband yet (the HCA's credits are "
                       "returned by the fabric-only receive path); "
                       "expected fabric: ethernet, or no server section");
    if (n && scn->host.rx_rate_bps)
        return fail_at(c, &ytree_pair(ytree_get(root, "host"), "rx_rate")
                               ->key_mark,
                       "host.rx_rate models a receiver of fixed speed in a "
                       "fabric-only run; with a server section the host's "
                       "cores are the receiver; expected one of the two");
    n = ytree_get(root, "faults");
    if (n && !parse_faults(c, n, &scn->faults))
        return false;
    n = ytree_get(root, "rdma");
    if (n && !parse_rdma(c, n, &scn->rdma))
        return false;
    rdma_dcqcn_profile(scn->rdma.profile, &scn->rdma.dcqcn);
    if (!check_ib(c, root, scn))
        return false;
    /* Before traffic: entries start from these TCP parameters. */
    n = ytree_get(root, "tcp");
    if (n && !parse_tcp(c, n, "tcp", &scn->tcp))
        return false;
    n = ytree_get(root, "traffic");
    if (n && !parse_traffic(c, n, scn))
        return false;
    n = ytree_get(root, "monitor");
    if (n && !parse_monitor(c, n, &scn->monitor))
        return false;
    return true;
}

/* Server defaults: docs/models.md ("Servers") gives each one's source.
 * Costs are cycles of the default 3 GHz core; a published time t ns is
 * 3 t cycles. */
static void
server_defaults(struct server_spec *s)
{
    *s = (struct server_spec){
        .sockets = 2,
        .cores_per_socket = 16,
        .ghz = 3.0,
        .memory_per_node = UINT64_C(192) << 30,
        .pcie_rate_bps = UINT64_C(126000000000),  /* Gen3 x16. */
        .pcie_latency_ps = 500000,
        .coalesce_ps = 8000000,   /* mlx5 DIM default: 8 us, 128 frames. */
        .coalesce_frames = 128,
        .tx_ring = 1024,          /* mlx5 send queue. */
        .write_bytes = 65536,
        .tso = true,
        .gro = true,
        .tlb_entries = 1536,      /* Skylake STLB. */
        .page_bytes = 4096,
        .app_buffer_bytes = UINT64_C(64) << 20,
        .cost = {
            .syscall = 450,       /* 150 ns. */
            .tx_pkt = 1500,       /* 500 ns. */
            .rx_pkt = 2400,       /* 800 ns. */
            .ack_pkt = 600,       /* 200 ns. */
            .driver_pkt = 300,    /* 100 ns. */
            .copy_byte = 0.3,     /* 0.1 ns/B: 10 GB/s. */
            .remote_byte = 0.15,  /* Remote copy 1.5x local. */
            .irq = 3000,          /* 1 us. */
            .bridge_pkt = 900,    /* 300 ns. */
            .rdma_post = 450,     /* 150 ns. */
            .rdma_poll = 150,     /* 50 ns. */
            .walk_ref = 44,       /* An L3 hit. */
        },
        .vm = {
            .io = VM_IO_VIRTIO,
            .count = 1,
            .vcpus = 1,
            .event_idx = true,
            .posted_interrupts = true,
            .vpid = true,
            .guest_page = 4096,
            .iotlb_entries = 64,
            .e1000_tx_exits = 1,
            .e1000_irq_exits = 3,
            .cost = {
                .exit_entry = 1500,   /* Exit handled in KVM: 0.5 us. */
                .exit_user = 5000,    /* To QEMU and back. */
                .handle = { [EXIT_MMIO] = 600 },  /* Decode. */
                .emulate = 2500,      /* Device model per access. */
                .backend_pkt = 4500,  /* 1.5 us. */
                .vhost_pkt = 3000,    /* 1 us. */
                .iotlb_miss_ps = 300000,
            },
            .blk = {
                /* Intel SSD DC P4510 (2 TB) datasheet: 4 KiB random
                 * read latency 77 us, write 18 us; sequential read
                 * 3200 MB/s, write 2000 MB/s. */
                .read_latency_ps = 77000000,
                .write_latency_ps = 18000000,
                .read_rate_bps = UINT64_C(25600000000),
                .write_rate_bps = UINT64_C(16000000000),
                .size = 4096,
                .iodepth = 1,
                .submit = 3000,   /* 1 us. */
                .complete = 3000, /* 1 us. */
            },
        },
    };
}

static void
scenario_defaults(struct scenario *scn)
{
    server_defaults(&scn->server);
    scn->seed = 1;
    scn->stop_ps = 0;
    scn->mtu_bytes = MTU_DEFAULT;
    scn->sw.mmu = "taildrop";
    scn->sw.queue_bytes = UINT64_C(1000000);            /* 1MB */
    /* HPCC's simulator (simulation/src/point-to-point/model/
     * switch-mmu.cc): reserve = 4 KB. */
    scn->sw.reserve_bytes = 4096;
    /* 32 MiB: HPCC's simulator (simulation/scratch/third.cc) sizes each
     * switch's buffer as buffer_size * 1024 * 1024 with buffer_size 32 in
     * its run.py for 100G links. */
    scn->sw.buffer_bytes = UINT64_C(32) << 20;
    scn->sw.latency_ps = 0;
    scn->sw.scheduler = sched_name(0);
    /* IEEE 802.1Qaz's example split, as the seeds give it: RDMA
     * (priority 3) and best effort (0) 50% each; CNPs and control (6)
     * and network control (7) strict above them. */
    scn->sw.ets.strict_mask = 1u << 6 | 1u << 7;
    scn->sw.ets.ets_mask = scn->sw.ets.weighted_mask = 1u << 0 | 1u << 3;
    scn->sw.ets.weight_pct[0] = 50;
    scn->sw.ets.weight_pct[3] = 50;
    scn->sw.ecmp_seed_mode = ECMP_SEED_PER_SWITCH;
    scn->sw.ecn.mode = ECN_MARK_OFF;

    /* Classification: DSCP class selectors (RFC 2474: CSn -> n), PCP as
     * priority.  Lossless: the seeds' priorities 3 (RDMA), 4 (iSCSI) and
     * 5 (FCoE).  Alpha: 1/8 for lossless ingress (HPCC third.cc
     * pfc_a_shift 3 at NIC rate), 8 for lossy egress queues (SONiC
     * egress_lossy_profile dynamic_th 3). */
    struct qos_spec *q = &scn->qos;
    q->trust = QOS_TRUST_DSCP;
    for (int i = 0; i < 64; i++)
        q->dscp_prio[i] = (uint8_t)(i >> 3);
    for (int i = 0; i < 8; i++)
        q->pcp_prio[i] = (uint8_t)i;
    q->lossless = 1u << 3 | 1u << 4 | 1u << 5;

    /* PFC: off.  XON 3 KB below XOFF (HPCC switch-mmu.cc resume_offset);
     * the largest pause time; watchdog (when on) as SONiC's pfcwd
     * defaults: 200 ms detection and restoration, action drop. */
    struct pfc_spec *pf = &scn->pfc;
    pf->xon_offset_bytes = 3072;
    pf->quanta = 65535;
    pf->wd_detect_ps = 200 * PS_PER_MS;
    pf->wd_restore_ps = 200 * PS_PER_MS;
    pf->wd_action = PFC_WD_DROP;

    /* RDMA: path MTU 1024 as the HPCC simulator's packets (1000 B payload,
     * rounded to the IBTA MTU); an ACK per packet (its L2_ACK_INTERVAL
     * 1); timeout 4.096 us x 2^14 = 67 ms (IBTA 9.7.6.1.3, the common
     * Local ACK Timeout 14); retry count 7, the IBTA maximum. */
    scn->rdma.mtu = 1024;
    scn->rdma.ack_every = 1;
    scn->rdma.timeout_ps = UINT64_C(4096000) << 14;
    scn->rdma.retry_cnt = 7;
    /* RNR: the IBTA minimum RNR NAK timer code 12, 0.64 ms (table 45),
     * what libibverbs examples and most applications set; rnr_retry 7
     * means retry forever. */
    scn->rdma.rnr_timer_ps = 640 * PS_PER_US;
    scn->rdma.rnr_retry = 7;
    /* No congestion control; DCQCN's profile "paper"; CNPs in priority 6
     * (Mellanox firmware: cnp_802p_prio 6, cnp_dscp 48 = CS6). */
    scn->rdma.cc = RDMA_CC_NONE;
    scn->rdma.cc_name = "none";
    scn->rdma.profile = "paper";
    scn->rdma.cnp_tc = 6;
    /* HPCC as the simulator's run.py runs it (published-values.tsv rows
     * hpcc): eta 0.95 (--utgt 95), maxStage 0 (--mi 0: every round
     * multiplicative; the project page calls the paper's maxStage = 5 a
     * typo), R_AI 10 x bw / 25 Mb/s, 40 Mb/s at 100 Gb/s (scaled to each
     * NIC: r_ai_bps 0), T each flow's base RTT (t_ps 0). */
    scn->rdma.hpcc.eta = 0.95;
    scn->rdma.hpcc.max_stage = 0;
    scn->rdma.hpcc.r_ai_bps = 0;
    scn->rdma.hpcc.t_ps = 0;

    /* InfiniBand: 200 credits (12800 B) per VL at every input port, as
     * Mellanox's flit-level IB model sets its input buffers
     * (ib_flit_sim, src/modules.ini: ibuf.maxStatic 200 flits of 64 B,
     * "IN Is4 Total of flits in IBUF = 1000"). */
    scn->fabric = FABRIC_ETHERNET;
    scn->ib.vl_buffer_bytes = 200 * IB_CREDIT_BYTES;

    struct tcp_spec *t = &scn->tcp;
    t->cc = tcp_cc_name(0);
    t->init_cwnd = 10;                       /* RFC 6928. */
    t->min_rto_ps = 200 * PS_PER_MS;         /* Linux TCP_RTO_MIN. */
    t->init_rto_ps = PS_PER_S;               /* RFC 6298 2.1. */
    t->max_rto_ps = 120 * PS_PER_S;          /* Linux TCP_RTO_MAX. */
    t->max_retries = 15;                     /* Linux tcp_retries2. */
    t->delack_segs = 2;                      /* RFC 5681 4.2. */
    t->quickacks = 16;                       /* Linux TCP_MAX_QUICKACKS. */
    t->delack_ps = 40 * PS_PER_MS;           /* Linux TCP_DELACK_MIN. */
    t->rcv_buf_bytes = 6291456;              /* Linux tcp_rmem[2]. */
    t->dupack_thresh = 3;                    /* RFC 5681 3.2. */
    t->dctcp_g = 1.0 / 16;                   /* RFC 8257 4.2. */
}

/* Builds the graph.  A failure the topology class places at the
 * `topology` key as a whole may come from overrides of its values; the
 * message then names them too. */
static bool
build_graph(struct ctx *c, const struct ynode *root,
            const struct scenario_override *overrides, size_t n_overrides,
            struct scenario *scn)
{
    char *msg = NULL;
    struct src_loc loc = { 0, 0 };
    if (!topo_build(&scn->topo, &scn->graph, &msg, &loc))
        return true;

    /* topo_build() frees what it built on failure. */
    memset(&scn->graph, 0, sizeof scn->graph);
    struct ymark mark = { loc.line, loc.col, NULL };
    const struct ymark *key_mark = &ytree_pair(root, "topology")->key_mark;
    bool at_key = loc.line == 0 || (loc.line == key_mark->line &&
                                    loc.col == key_mark->col);
    if (at_key)
        mark = *key_mark;

    char *text = xstrdup(msg ? msg : "cannot build the topology");
    free(msg);
    for (size_t i = 0; at_key && !mark.origin && i < n_overrides; i++) {
        const char *key = overrides[i].key;
        if (!strncmp(key, "topology", 8) && (!key[8] || key[8] == '.')) {
            char *t = xasprintf("%s (after --set %s=%s)", text, key,
                                overrides[i].value ? overrides[i].value
                                                   : "");
            free(text);
            text = t;
        }
    }
    fail_at(c, &mark, "%s", text);
    free(text);
    return false;
}

/* One IB subnet addresses at most 49151 end ports by unicast LID. */
static bool
check_ib_lids(struct ctx *c, const struct ynode *root,
              const struct scenario *scn)
{
    if (scn->fabric != FABRIC_INFINIBAND ||
        scn->graph.n_hosts <= IB_LID_UNICAST_MAX)
        return true;
    return fail_at(c, &ytree_get(root, "fabric")->mark,
                   "fabric infiniband: %" PRIu32 " hosts, more than the "
                   "%u unicast LIDs of one IB subnet; expected at most %u "
                   "hosts",
                   scn->graph.n_hosts, IB_LID_UNICAST_MAX,
                   IB_LID_UNICAST_MAX);
}

int
scenario_load(const char *path, const struct scenario_override *overrides,
              size_t n_overrides, struct scenario *scn, char **err)
{
    struct ctx c = { .file = path, .err = NULL };
    struct ynode *root = NULL;
    char **origins = xcalloc(n_overrides, sizeof *origins);
    char *text = NULL;
    size_t len = 0;

    memset(scn, 0, sizeof *scn);
    scn->file = xstrdup(path);
    scenario_defaults(scn);

    if (!read_file(&c, path, &text, &len) ||
        !ytree_parse(path, text, len, &root, &c.err))
        goto out;

    if (!root || ytree_is_null(root)) {
        struct ymark mark = { 1, 1, NULL };
        fail_at(&c, root ? &root->mark : &mark,
                "empty scenario; expected a mapping with at least "
                "'topology'");
        goto out;
    }
    if (root->kind != YNODE_MAPPING) {
        fail_value(&c, root, "the scenario",  NULL,
                   "a mapping with at least 'topology'");
        goto out;
    }

    for (size_t i = 0; i < n_overrides; i++) {
        const char *key = overrides[i].key ? overrides[i].key : "";
        const char *value = overrides[i].value ? overrides[i].value : "";
        origins[i] = xasprintf("--set %s=%s", key, value);
        if (!ytree_set(root, key, value, origins[i], &c.err))
            goto out;
    }

    if (parse_top(&c, root, scn) &&
        build_graph(&c, root, overrides, n_overrides, scn) &&
        check_ib_lids(&c, root, scn) &&
        resolve_traffic(&c, ytree_get(root, "traffic"), scn) &&
        resolve_monitor(&c, ytree_get(root, "monitor"), scn) &&
        resolve_qos_nodes(&c, root, scn) &&
        resolve_server_nodes(&c, root, scn))
        resolve_stall(&c, root, scn);

out:
    ytree_free(root);
    for (size_t i = 0; i < n_overrides; i++)
        free(origins[i]);
    free(origins);
    free(text);
    if (c.err) {
        scenario_free(scn);
        *err = c.err;
        return 2;
    }
    *err = NULL;
    return 0;
}

void
scenario_free(struct scenario *scn)
{
    if (!scn)
        return;
    free(scn->file);
    free(scn->name);
    struct topo_explicit *ex = &scn->topo.explicit_;
    for (uint32_t i = 0; i < ex->n_nodes; i++)
        free(ex->nodes[i].name);
    free(ex->nodes);
    free(ex->links);
    if (scn->graph.nodes || scn->graph.links)
        topo_graph_free(&scn->graph);
    for (size_t i = 0; i < scn->n_traffic; i++) {
        free(scn->traffic[i].flows);
        cdf_uninit(scn->traffic[i].size_cdf);
        free(scn->traffic[i].size_cdf);
    }
    free(scn->traffic);
    free(scn->monitor.select);
    free(scn->monitor.qps);
    free(scn->host.stall_hosts);
    free(scn->qos_nodes);
    server_spec_free(&scn->server);
    for (size_t i = 0; i < scn->n_server_nodes; i++)
        server_spec_free(&scn->server_nodes[i].spec);
    free(scn->server_nodes);
    free(scn->sw.where);
    memset(scn, 0, sizeof *scn);
}
