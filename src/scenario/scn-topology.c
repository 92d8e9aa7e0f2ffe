/* The `topology` section (docs/scenario.md, "topology"): the class
 * (spine-leaf, three-tier, fat-tree, explicit) and its parameters into
 * struct topo_spec (fabric/topo.h), and the graph built from it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/topo.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

enum topo_kind {
    TOPO_SPINE_LEAF,
    TOPO_THREE_TIER,
    TOPO_FAT_TREE,
    TOPO_EXPLICIT,
};

/* Keys of each topology class, `type` first.  The links' defaults differ
 * by class and are set by link_default() before the keys are read. */
#define TYPE_KEY                                                             \
    { "type", KEY_CUSTOM, .what = "spine-leaf, three-tier, fat-tree, "     \
      "explicit", .note = "required", .help = "The topology class." }
#define COUNT_KEY(NAME, MEMBER, HELP)                                        \
    { NAME, KEY_U32, offsetof(struct topo_spec, MEMBER), 1, UINT32_MAX,     \
      .note = "required", .help = HELP }
#define LINK_KEY(NAME, DFLT, HELP)                                           \
    { NAME, KEY_CUSTOM, .what = "link {rate, delay}", .note = DFLT,         \
      .help = HELP }

static const struct key spine_leaf_keys[] = {
    TYPE_KEY,
    COUNT_KEY("spines", spine_leaf.spines, "Spine switches."),
    COUNT_KEY("leaves", spine_leaf.leaves, "Leaf (top-of-rack) switches."),
    COUNT_KEY("servers_per_leaf", spine_leaf.servers_per_leaf,
              "Hosts under each leaf."),
    LINK_KEY("server_link", "25Gbps, 1us", "Host <-> leaf."),
    LINK_KEY("uplink", "100Gbps, 1us", "Leaf <-> spine."),
};

static const struct key three_tier_keys[] = {
    TYPE_KEY,
    COUNT_KEY("cores", three_tier.cores, "Core switches."),
    COUNT_KEY("pods", three_tier.pods, "Pods."),
    COUNT_KEY("aggs_per_pod", three_tier.aggs_per_pod,
              "Aggregation switches per pod."),
    COUNT_KEY("access_per_pod", three_tier.access_per_pod,
              "Access switches per pod."),
    COUNT_KEY("servers_per_access", three_tier.servers_per_access,
              "Hosts under each access switch."),
    LINK_KEY("server_link", "10Gbps, 1us", "Host <-> access."),
    LINK_KEY("access_uplink", "40Gbps, 1us", "Access <-> aggregation."),
    LINK_KEY("agg_uplink", "100Gbps, 1us", "Aggregation <-> core."),
};

static const struct key fat_tree_keys[] = {
    TYPE_KEY,
    { "k", KEY_CUSTOM, .what = "even integer >= 2", .note = "required",
      .help = "Ports per switch." },
    LINK_KEY("server_link", "100Gbps, 1us", "Host <-> edge."),
    LINK_KEY("fabric_link", "100Gbps, 1us", "Every switch <-> switch link."),
};

static const struct key explicit_keys[] = {
    TYPE_KEY,
    { "nodes", KEY_CUSTOM, .what = "non-empty sequence of node mappings",
      .note = "required", .help = "Every host and switch." },
    { "links", KEY_CUSTOM, .what = "non-empty sequence of link mappings",
      .note = "required", .help = "Every cable." },
};
#undef TYPE_KEY
#undef COUNT_KEY
#undef LINK_KEY

static const struct key link_keys[] = {
    { "rate", KEY_RATE, offsetof(struct link_spec, rate_bps),
      .note = "by class", .help = "Rate in each direction." },
    { "delay", KEY_DURATION, offsetof(struct link_spec, delay_ps),
      .note = "1us", .help = "One-way propagation delay." },
};

static const struct key node_keys[] = {
    { "name", KEY_CUSTOM, .what = "string without spaces",
      .note = "required", .help = "Unique among the nodes." },
    { "kind", KEY_CUSTOM, .what = "host, switch", .note = "required",
      .help = "A host or a switch." },
    { "tier", KEY_U8, offsetof(struct topo_node, tier), 1,
      TOPO_MAX_TIERS - 1, .note = "inferred",
      .help = "Switches only: 1 next to hosts, 2 above, 3 core." },
};

static const struct key cable_keys[] = {
    { "a", KEY_CUSTOM, .what = "node name", .note = "required",
      .help = "One end." },
    { "b", KEY_CUSTOM, .what = "node name", .note = "required",
      .help = "The other end." },
    { "rate", KEY_RATE, offsetof(struct topo_link, rate_bps),
      .note = "required", .help = "Rate in each direction." },
    { "delay", KEY_DURATION, offsetof(struct topo_link, delay_ps),
      .dflt = "1us", .help = "One-way propagation delay." },
};

const struct key_section scn_topology_keys[] = {
    [TOPO_SPINE_LEAF] = KEY_SECTION_ONLY("topology", "type spine-leaf",
                                         spine_leaf_keys),
    [TOPO_THREE_TIER] = KEY_SECTION_ONLY("topology", "type three-tier",
                                         three_tier_keys),
    [TOPO_FAT_TREE] = KEY_SECTION_ONLY("topology", "type fat-tree",
                                       fat_tree_keys),
    [TOPO_EXPLICIT] = KEY_SECTION_ONLY("topology", "type explicit",
                                       explicit_keys),
};
const struct key_section scn_link_keys =
    KEY_SECTION("topology.LINK", link_keys);
const struct key_section scn_node_keys =
    KEY_SECTION_ONLY("topology.nodes[]", "type explicit", node_keys);
const struct key_section scn_cable_keys =
    KEY_SECTION_ONLY("topology.links[]", "type explicit", cable_keys);

/* Indexed by enum topo_kind: the name, and how many keys after `type`
 * are required. */
static const struct topo_kind_desc {
    const char *name;
    size_t n_required;
} topo_kinds[] = {
    [TOPO_SPINE_LEAF] = { "spine-leaf", 3 },
    [TOPO_THREE_TIER] = { "three-tier", 5 },
    [TOPO_FAT_TREE] = { "fat-tree", 1 },
    [TOPO_EXPLICIT] = { "explicit", 2 },
};

/* Node names of an explicit topology, sorted for duplicate checks and
 * look-ups. */
struct name_ref {
    const char *name;
    uint32_t index;
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
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    if (!n)
        return true;
    path_key(path, parent, key);
    return read_keyed(c, n, path, &scn_link_keys,
                      "a link mapping with rate and delay", ls);
}

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
    static const char *const required[] = { "name", "kind" };
    static const char *const kinds[] = { "host", "switch" };

    if (seq->n_items > UINT32_MAX)
        return fail_at(c, &seq->mark, "too many nodes; expected at most %"
                       PRIu32, UINT32_MAX);
    ex->nodes = xcalloc(seq->n_items, sizeof *ex->nodes);
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *item = seq->items[i];
        char path[PATH_BYTES];
        path_index(path, "topology.nodes", i);
        const char *name;
        size_t kind;
        if (!need_keyed(c, item, path, &scn_node_keys,
                        "a node mapping with name, kind and tier") ||
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
        /* Results' CSV columns hold node names unquoted. */
        const char *bad = strpbrk(name, ",\"");
        if (bad)
            return fail_value(c, name_node, sub, bad[0] == ',' ? "a comma"
                              : "a double quote", "a node name without "
                              "spaces, commas or double quotes (the "
                              "results' CSV columns hold it)");

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
        if (!keys_read(c, item, path, &scn_node_keys, 0, node))
            return false;
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
    static const char *const required[] = { "a", "b", "rate" };
    static const char form[] = "the name of a node in topology.nodes";

    if (seq->n_items > UINT32_MAX)
        return fail_at(c, &seq->mark, "too many links; expected at most %"
                       PRIu32, UINT32_MAX);
    ex->links = xcalloc(seq->n_items, sizeof *ex->links);
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *item = seq->items[i];
        char path[PATH_BYTES];
        path_index(path, "topology.links", i);
        if (!need_keyed(c, item, path, &scn_cable_keys,
                        "a link mapping with a, b, rate and delay") ||
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
        keys_defaults(&scn_cable_keys, l);
        l->loc.line = item->mark.line;
        l->loc.col = item->mark.col;
        if (!keys_read(c, item, path, &scn_cable_keys, 0, l))
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

bool
scn_parse_topology(struct ctx *c, const struct ypair *pair,
                   struct topo_spec *t)
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
    const struct key_section *sec = &scn_topology_keys[kind];
    char where[64];
    snprintf(where, sizeof where, "in topology (type %s)", desc->name);
    t->type = desc->name;
    if (!keys_check(c, map, where, sec, 0))
        return false;
    for (size_t i = 1; i <= desc->n_required; i++)
        if (!require_key(c, map, "topology", sec->keys[i].name))
            return false;

    switch ((enum topo_kind)kind) {
    case TOPO_SPINE_LEAF: {
        struct topo_spine_leaf *sl = &t->spine_leaf;
        link_default(&sl->server_link, 25);
        link_default(&sl->uplink, 100);
        return keys_read(c, map, "topology", sec, 0, t) &&
               get_link(c, map, "topology", "server_link", &sl->server_link) &&
               get_link(c, map, "topology", "uplink", &sl->uplink);
    }
    case TOPO_THREE_TIER: {
        struct topo_three_tier *tt = &t->three_tier;
        link_default(&tt->server_link, 10);
        link_default(&tt->access_uplink, 40);
        link_default(&tt->agg_uplink, 100);
        return keys_read(c, map, "topology", sec, 0, t) &&
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

/* Builds the graph.  A failure the topology class places at the
 * `topology` key as a whole may come from overrides of its values; the
 * message then names them too. */
bool
scn_build_graph(struct ctx *c, const struct ynode *root,
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
