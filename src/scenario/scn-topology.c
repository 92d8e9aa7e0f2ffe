/* The `topology` section (docs/scenario.md, "topology"): the class
 * (spine-leaf, three-tier, fat-tree, explicit) and its parameters into
 * struct topo_spec (fabric/topo.h), and the graph built from it. */
#include <errno.h>
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

bool
scn_parse_topology(struct ctx *c, const struct ypair *pair, struct topo_spec *t)
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
