/* The `monitor` section (docs/scenario.md, "monitor"): queue occupancy
 * series of chosen ports, RDMA rate series of chosen flows, and the
 * latency breakdown of one flow, into struct monitor_spec
 * (scenario/scenario.h).  Port names need the graph, so as with traffic
 * they are read first and resolved after it is built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

static const struct key monitor_keys[] = {
    { "interval", KEY_DURATION, offsetof(struct monitor_spec, interval_ps),
      1, .note = "required with queues or qps",
      .help = "Time between samples." },
    { "queues", KEY_CUSTOM, .what = "non-empty sequence of port names",
      .note = "none", .help = "Ports whose queues are sampled." },
    { "qps", KEY_CUSTOM, .what = "non-empty sequence of flow ids",
      .note = "none", .help = "RoCE flows whose sending rate is sampled." },
    { "breakdown", KEY_CUSTOM, .what = "flow id", .note = "none",
      .help = "A flow whose packets' latency is broken down." },
};

const struct key_section scn_monitor_keys =
    KEY_SECTION("monitor", monitor_keys);

static const char monitor_port_form[] =
    "a node name (all its ports) or NODE->PEER (its ports cabled to PEER)";

bool
scn_parse_monitor(struct ctx *c, const struct ynode *map,
                  struct monitor_spec *m)
{
    if (!need_mapping(c, map, "monitor",
                      "a mapping with interval and queues and/or qps, "
                      "and/or breakdown") ||
        !keys_check(c, map, "in monitor", &scn_monitor_keys, 0))
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
        !keys_read(c, map, "monitor", &scn_monitor_keys, 0, m))
        return false;
    const struct ynode *iv = ytree_get(map, "interval");
    m->interval_loc = (struct src_loc){ iv->mark.line, iv->mark.col };
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

bool
scn_resolve_monitor(struct ctx *c, const struct ynode *map,
                    struct scenario *scn)
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
