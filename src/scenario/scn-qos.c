/* The `qos` section (docs/scenario.md, "qos"): classification (trust,
 * DSCP and PCP maps), lossless priorities, dynamic-threshold factors and
 * per-node classification, into struct qos_spec (fabric/fabric-spec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/units.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* QoS keys; every one is a map, a list or a choice, read below.  The
 * defaults (scenario_defaults()): DSCP class selectors (RFC 2474: CSn ->
 * n), PCP as priority, lossless 3, 4, 5 (the seeds' RDMA, iSCSI, FCoE),
 * alpha 1/8 lossless with PFC (HPCC third.cc pfc_a_shift 3), else 8
 * (SONiC egress_lossy_profile dynamic_th 3). */
#define CLASSIFY_KEYS                                                        \
    { "trust", KEY_CUSTOM, .what = "dscp, pcp", .note = "dscp",             \
      .help = "The field switches classify on." },                          \
    { "dscp", KEY_CUSTOM, .what = "mapping DSCP 0..63 -> priority 0..7",    \
      .note = "DSCP >> 3", .help = "Entries override the default map." },   \
    { "pcp", KEY_CUSTOM, .what = "mapping PCP 0..7 -> priority 0..7",       \
      .note = "identity", .help = "Entries override the default map." }
static const struct key qos_keys[] = {
    CLASSIFY_KEYS,
    { "lossless", KEY_CUSTOM, .what = "list of priorities 0..7",
      .note = "[3, 4, 5]", .help = "Classes PFC protects when it is on." },
    { "alpha", KEY_CUSTOM,
      .what = "mapping priority -> power of two 1/128..64",
      .note = "1/8 lossless with pfc, 8 lossy",
      .help = "Dynamic-threshold factor of each class (shared MMU)." },
    { "nodes", KEY_CUSTOM, .what = "mapping node name -> {trust, dscp, pcp}",
      .note = "none", .help = "One switch's or host's own classification." },
};

static const struct key qos_node_keys[] = { CLASSIFY_KEYS };
#undef CLASSIFY_KEYS

const struct key_section scn_qos_keys = KEY_SECTION("qos", qos_keys);
const struct key_section scn_qos_node_keys =
    KEY_SECTION("qos.nodes.NODE", qos_node_keys);

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
 * (scn_resolve_qos_nodes()). */
bool
scn_parse_qos_nodes(struct ctx *c, const struct ynode *map,
                    struct scenario *scn)
{
    char sub[PATH_BYTES];
    if (!need_mapping(c, map, "qos.nodes",
                      "a mapping of node names to {trust, dscp, pcp}"))
        return false;
    scn->qos_nodes = xcalloc(map->n_pairs + 1, sizeof *scn->qos_nodes);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const struct ypair *pr = &map->pairs[i];
        struct qos_node *qn = &scn->qos_nodes[scn->n_qos_nodes++];
        qn->qos = scn->qos;
        path_key(sub, "qos.nodes", pr->key);
        if (!need_keyed(c, pr->value, sub, &scn_qos_node_keys,
                        "a mapping with trust, dscp and/or pcp") ||
            !parse_classify(c, pr->value, sub, &qn->qos))
            return false;
    }
    return true;
}

bool
scn_parse_qos(struct ctx *c, const struct ynode *map, struct qos_spec *q)
{
    if (!need_keyed(c, map, "qos", &scn_qos_keys,
                    "a mapping of QoS settings") ||
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

bool
scn_resolve_qos_nodes(struct ctx *c, const struct ynode *root,
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
