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
      1, .note = "required with queues, qps, links or tcp",
      .help = "Time between samples." },
    { "queues", KEY_CUSTOM, .what = "non-empty sequence of port names",
      .note = "none",
      .help = "Ports whose queues (with PFC, pauses too) are sampled." },
    { "qps", KEY_CUSTOM, .what = "non-empty sequence of flow ids",
      .note = "none", .help = "RoCE flows whose sending rate is sampled." },
    { "breakdown", KEY_CUSTOM, .what = "flow id", .note = "none",
      .help = "A flow whose packets' latency is broken down." },
    { "links", KEY_CUSTOM, .what = "non-empty sequence of port names",
      .note = "none",
      .help = "Ports whose links' utilization is sampled." },
    { "tcp", KEY_CUSTOM, .what = "non-empty sequence of flow ids",
      .note = "none",
      .help = "TCP flows whose window and RTT estimate are sampled." },
    { "pcap", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "Frames of chosen ports written to monitor.pcap." },
    { "fct_txt", KEY_BOOL, offsetof(struct monitor_spec, fct_txt),
      .dflt = "false",
      .help = "Write fct.txt, the HPCC simulator's FCT file." },
};

#define P(f) offsetof(struct monitor_pcap, f)
static const struct key pcap_keys[] = {
    { "ports", KEY_CUSTOM, .what = "non-empty sequence of port names",
      .note = "required", .help = "Ports whose frames are captured." },
    { "start", KEY_DURATION, P(start_ps), 0, .dflt = "0",
      .help = "Capture frames that start onto the link from this time." },
    { "stop", KEY_DURATION_AUTO, P(stop_ps), .word = "end", .dflt = "end",
      .help = "Capture frames that start before this time." },
    { "snaplen", KEY_U32, P(snaplen), 1, 262144, .dflt = "262144",
      .help = "Bytes of each frame kept in the file." },
};
#undef P

const struct key_section scn_monitor_keys =
    KEY_SECTION("monitor", monitor_keys);
const struct key_section scn_monitor_pcap_keys =
    KEY_SECTION("monitor.pcap", pcap_keys);

static const char monitor_port_form[] =
    "a node name (all its ports) or NODE->PEER (its ports cabled to PEER)";

/* A non-empty sequence of port names at N (key PATH), checked to be
 * strings; they are resolved once the graph is built.  *OUT gets room
 * for them. */
static bool
read_ports(struct ctx *c, const struct ynode *n, const char *path,
           struct monitor_select **out, size_t *n_out)
{
    if (!need_sequence(c, n, path, true, "a non-empty sequence of port names"))
        return false;
    for (size_t i = 0; i < n->n_items; i++) {
        char p[PATH_BYTES];
        const char *name;
        path_index(p, path, i);
        if (!read_string(c, n->items[i], p, monitor_port_form, &name))
            return false;
    }
    *out = xcalloc(n->n_items, sizeof **out);
    *n_out = n->n_items;
    return true;
}

/* A non-empty sequence of flow ids at N (key PATH) into *OUT. */
static bool
read_flow_ids(struct ctx *c, const struct ynode *n, const char *path,
              uint32_t **out, size_t *n_out, struct src_loc *loc)
{
    if (!need_sequence(c, n, path, true,
                       "a non-empty sequence of flow ids (flows.csv id)"))
        return false;
    *out = xcalloc(n->n_items, sizeof **out);
    *loc = (struct src_loc){ n->mark.line, n->mark.col };
    for (size_t i = 0; i < n->n_items; i++) {
        char p[PATH_BYTES];
        path_index(p, path, i);
        if (!read_u32(c, n->items[i], p, 0, UINT32_MAX - 1, &(*out)[*n_out]))
            return false;
        (*n_out)++;
    }
    return true;
}

static bool
parse_pcap(struct ctx *c, const struct ynode *map, struct monitor_pcap *pc)
{
    const struct key_section *sec = &scn_monitor_pcap_keys;
    keys_defaults(sec, pc);
    pc->on = true;
    if (!need_keyed(c, map, "monitor.pcap", sec,
                    "a mapping with ports and optionally start, stop and "
                    "snaplen") ||
        !require_key(c, map, "monitor.pcap", "ports") ||
        !keys_read(c, map, "monitor.pcap", sec, 0, pc) ||
        !read_ports(c, ytree_get(map, "ports"), "monitor.pcap.ports",
                    &pc->select, &pc->n_select))
        return false;
    const struct ynode *stop = ytree_get(map, "stop");
    if (pc->stop_ps && pc->stop_ps <= pc->start_ps)
        return fail_value(c, stop, "monitor.pcap.stop",
                          "not after monitor.pcap.start",
                          "a duration after start, or end");
    return true;
}

bool
scn_parse_monitor(struct ctx *c, const struct ynode *map,
                  struct monitor_spec *m)
{
    if (!need_keyed(c, map, "monitor", &scn_monitor_keys,
                    "a mapping with interval and queues and/or qps, "
                    "and/or breakdown"))
        return false;
    const struct ynode *bd = ytree_get(map, "breakdown");
    if (bd) {
        if (!read_u32(c, bd, "monitor.breakdown", 0, UINT32_MAX - 1,
                      &m->breakdown_flow))
            return false;
        m->breakdown = true;
        m->breakdown_loc = (struct src_loc){ bd->mark.line, bd->mark.col };
    }
    const struct ynode *pcap = ytree_get(map, "pcap");
    if (pcap && !parse_pcap(c, pcap, &m->pcap))
        return false;
    const struct ynode *fct_txt = ytree_get(map, "fct_txt");
    if (!key_get(c, map, "monitor", &scn_monitor_keys, "fct_txt", m))
        return false;
    const struct ynode *qps = ytree_get(map, "qps");
    const struct ynode *seq = ytree_get(map, "queues");
    const struct ynode *links = ytree_get(map, "links");
    const struct ynode *tcp = ytree_get(map, "tcp");
    if ((bd || pcap || fct_txt) && !qps && !seq && !links && !tcp) {
        /* The breakdown, the capture and fct.txt alone sample nothing. */
        const struct ynode *iv = ytree_get(map, "interval");
        if (iv) {
            return fail_at(c, &iv->mark, "monitor.interval: nothing to "
                                         "sample; expected queues, qps, "
                                         "links or tcp beside it, or no "
                                         "interval");
        }
        return true;
    }
    if (!require_key(c, map, "monitor", "interval") ||
        !keys_read(c, map, "monitor", &scn_monitor_keys, 0, m))
        return false;
    const struct ynode *iv = ytree_get(map, "interval");
    m->interval_loc = (struct src_loc){ iv->mark.line, iv->mark.col };
    if (qps && !read_flow_ids(c, qps, "monitor.qps", &m->qps, &m->n_qps,
                              &m->qps_loc))
        return false;
    if (tcp && !read_flow_ids(c, tcp, "monitor.tcp", &m->tcp, &m->n_tcp,
                              &m->tcp_loc))
        return false;
    if (links && !read_ports(c, links, "monitor.links", &m->links,
                             &m->n_links))
        return false;
    if (!seq && (qps || links || tcp))
        return true;
    if (!seq)
        return require_key(c, map, "monitor", "queues");
    return read_ports(c, seq, "monitor.queues", &m->select, &m->n_select);
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

/* Resolves the port names of sequence SEQ (key PATH) into SEL. */
static bool
resolve_ports(struct ctx *c, const struct topo_graph *g,
              const struct ynode *seq, const char *path,
              struct monitor_select *sel, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char p[PATH_BYTES];
        path_index(p, path, i);
        if (!resolve_port(c, g, seq->items[i], p, &sel[i]))
            return false;
    }
    return true;
}

bool
scn_resolve_monitor(struct ctx *c, const struct ynode *map,
                    struct scenario *scn)
{
    struct monitor_spec *m = &scn->monitor;
    if (!map)
        return true;
    const struct ynode *pcap = m->pcap.on ? ytree_get(map, "pcap") : NULL;
    return resolve_ports(c, &scn->graph, ytree_get(map, "queues"),
                         "monitor.queues", m->select, m->n_select) &&
           resolve_ports(c, &scn->graph, ytree_get(map, "links"),
                         "monitor.links", m->links, m->n_links) &&
           (!pcap ||
            resolve_ports(c, &scn->graph, ytree_get(pcap, "ports"),
                          "monitor.pcap.ports", m->pcap.select,
                          m->pcap.n_select));
}
