/* The `control` section (how switches detect failures and reconverge)
 * and the `events` list (links and switches that fail and come back),
 * docs/scenario.md "control" and "events", into struct control_spec
 * (control/control-spec.h).  Events name nodes, so they are read once
 * the graph is built. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

#define C(F) offsetof(struct control_spec, F)
static const struct key control_keys[] = {
    { "detection", KEY_CUSTOM, .what = "carrier, bfd", .dflt = "carrier",
      .help = "How a switch notices a dead neighbour: loss of light on the "
              "port, or BFD." },
    { "carrier_down", KEY_DURATION, C(carrier_down_ps), 0, .dflt = "0",
      .help = "Carrier delay before a port reports down (IOS XR, VRP: "
              "none)." },
    { "carrier_up", KEY_DURATION, C(carrier_up_ps), 0, .dflt = "200ms",
      .help = "Carrier delay before a port reports up again (IOS XR, VRP: "
              "200 ms)." },
    { "bfd_interval", KEY_DURATION, C(bfd_interval_ps), 1, .dflt = "50ms",
      .help = "BFD's agreed transmit interval (NX-OS default: 50 ms)." },
    { "bfd_multiplier", KEY_U32, C(bfd_multiplier), 1, 255, .dflt = "3",
      .help = "BFD's Detect Mult: packets missed before down (NX-OS: 3)." },
    { "convergence", KEY_CUSTOM, .what = "oracle, bgp", .dflt = "oracle",
      .help = "How switches recompute routes after a detection: all at "
              "once, or eBGP per cable (RFC 7938)." },
    { "oracle_delay", KEY_DURATION, C(oracle_delay_ps), 0, .dflt = "0",
      .help = "From detection to every switch's new routes (HPCC's "
              "simulator: none).  Only with oracle." },
    { "bgp_processing", KEY_DURATION, C(bgp_processing_ps), 0,
      .dflt = "1ms",
      .help = "CPU time a switch spends on each UPDATE, OPEN or session "
              "down, one at a time.  Only with bgp." },
    { "bgp_mrai", KEY_DURATION, C(bgp_mrai_ps), 0, .dflt = "0",
      .help = "MinRouteAdvertisementInterval per peer; withdrawals are "
              "not delayed (FRR's eBGP default: 0).  Only with bgp." },
    { "bgp_tc", KEY_TC, C(bgp_tc), .dflt = "6",
      .help = "Traffic class of BGP messages, DSCP CS<tc> (RFC 4594 "
              "network control: CS6).  Only with bgp." },
    { "bgp_connect_retry", KEY_DURATION, C(bgp_connect_retry_ps), 1,
      .dflt = "10s",
      .help = "ConnectRetryTime: a session that went down tries a new TCP "
              "connection this often (FRR datacenter: 10 s; RFC 4271: "
              "120 s).  Only with bgp." },
    { "bgp_idle_hold", KEY_DURATION, C(bgp_idle_hold_ps), 0, .dflt = "0",
      .help = "IdleHoldTime: a session that fell from Established waits "
              "this long in Idle before it starts again, doubling per "
              "flap (RFC 4271 8.1.1 DampPeerOscillations; FRR: 1 s; 0: "
              "none).  Only with bgp." },
    { "bgp_idle_hold_max", KEY_DURATION, C(bgp_idle_hold_max_ps), 1,
      .dflt = "120s",
      .help = "Cap of the doubling IdleHoldTime, and how long a session "
              "stays Established to start again from bgp_idle_hold (FRR: "
              "120 s).  Only with bgp." },
    { "bgp_tor_asn", KEY_CUSTOM, .what = "unique, shared", .dflt = "unique",
      .help = "The switches hosts hang from: an AS each, or one AS for "
              "all (RFC 7938 5.2.4: ASN reuse; needs bgp_allowas_in).  "
              "Only with bgp." },
    { "bgp_allowas_in", KEY_U32, C(bgp_allowas_in), 0, 10, .dflt = "0",
      .help = "Accept paths holding the switch's own AS this many times "
              "(allowas-in; 0: RFC 4271's loop check).  Only with bgp." },
};
#undef C

#define E(F) offsetof(struct ctl_event_spec, F)
static const struct key event_keys[] = {
    { "at", KEY_DURATION, E(at_ps), 0, .note = "required",
      .help = "Simulated time of the event." },
    { "link_down", KEY_CUSTOM, .what = "sequence of two node names",
      .help = "Cuts every cable between the two nodes." },
    { "link_up", KEY_CUSTOM, .what = "sequence of two node names",
      .help = "Mends every cable between the two nodes." },
    { "switch_down", KEY_CUSTOM, .what = "switch name",
      .help = "The switch fails: its cables go dark, its buffers are lost." },
    { "switch_up", KEY_CUSTOM, .what = "switch name",
      .help = "The switch comes back, with empty buffers." },
    { "vm_move", KEY_CUSTOM, .what = "sequence of two host names",
      .help = "The first host's VMs move to the second server (BGP "
              "EVPN)." },
};
#undef E

const struct key_section scn_control_keys =
    KEY_SECTION("control", control_keys);
const struct key_section scn_event_keys = KEY_SECTION("events[]", event_keys);

static const char *const action_keys[] = {
    [CTL_LINK_DOWN] = "link_down",
    [CTL_LINK_UP] = "link_up",
    [CTL_SWITCH_DOWN] = "switch_down",
    [CTL_SWITCH_UP] = "switch_up",
    [CTL_VM_MOVE] = "vm_move",
};

bool
scn_parse_control(struct ctx *c, const struct ynode *map,
                  struct control_spec *s)
{
    static const char *const detections[] = { "carrier", "bfd" };
    const struct key_section *sec = &scn_control_keys;
    if (!read_keyed(c, map, "control", sec,
                    "a mapping of control settings", s))
        return false;
    const struct ynode *n = ytree_get(map, "detection");
    size_t k;
    if (n) {
        if (!read_choice(c, n, "control.detection", detections, 2, &k))
            return false;
        s->detection = (enum ctl_detection)k;
    }
    n = ytree_get(map, "convergence");
    static const char *const models[] = { "oracle", "bgp" };
    if (n) {
        if (!read_choice(c, n, "control.convergence", models, 2, &k))
            return false;
        s->convergence = (enum ctl_convergence)k;
    }
    n = ytree_get(map, "bgp_tor_asn");
    static const char *const tor_asns[] = { "unique", "shared" };
    if (n) {
        if (!read_choice(c, n, "control.bgp_tor_asn", tor_asns, 2, &k))
            return false;
        s->bgp_tor_asn_shared = k == 1;
    }
    /* A key of the other model would be ignored: say so. */
    static const char *const bgp_only[] = { "bgp_processing", "bgp_mrai",
                                            "bgp_tc", "bgp_connect_retry",
                                            "bgp_idle_hold",
                                            "bgp_idle_hold_max",
                                            "bgp_tor_asn", "bgp_allowas_in" };
    static const char *const oracle_only[] = { "oracle_delay" };
    bool bgp = s->convergence == CTL_CONVERGE_BGP;
    const char *const *other = bgp ? oracle_only : bgp_only;
    size_t n_other = bgp ? ARRAY_SIZE(oracle_only) : ARRAY_SIZE(bgp_only);
    for (size_t i = 0; i < n_other; i++) {
        const struct ypair *pr = ytree_pair(map, other[i]);
        if (pr)
            return fail_at(c, &pr->key_mark, "control.%s is only read with "
                           "convergence: %s; expected convergence: %s, or "
                           "no %s", other[i], bgp ? "oracle" : "bgp",
                           bgp ? "oracle" : "bgp", other[i]);
    }
    if (s->bgp_idle_hold_ps > s->bgp_idle_hold_max_ps) {
        const char *key = ytree_get(map, "bgp_idle_hold_max")
                              ? "control.bgp_idle_hold_max"
                              : "control.bgp_idle_hold";
        return fail_value(c, ytree_get(map, key + 8), key,
                          "bgp_idle_hold is greater than bgp_idle_hold_max",
                          "bgp_idle_hold <= bgp_idle_hold_max (default "
                          "120s)");
    }
    return true;
}

void
scn_control_defaults(struct control_spec *s)
{
    keys_defaults(&scn_control_keys, s);
    s->detection = CTL_DETECT_CARRIER;
    s->convergence = CTL_CONVERGE_ORACLE;
}

static const char node_pair_form[] =
    "a sequence of two node names joined by a cable, e.g. [leaf0, spine1]";

/* The node named by scalar N (at PATH), into *OUT. */
static bool
resolve_node(struct ctx *c, const struct topo_graph *g, const struct ynode *n,
             const char *path, const char *form, uint32_t *out)
{
    const char *name;
    if (!read_string(c, n, path, form, &name))
        return false;
    int64_t i = topo_find(g, name);
    if (i < 0) {
        char *why = xasprintf("no node named '%s'", name);
        fail_value(c, n, path, why, form);
        free(why);
        return false;
    }
    *out = (uint32_t)i;
    return true;
}

static bool
cabled(const struct topo_graph *g, uint32_t a, uint32_t b)
{
    for (uint32_t i = 0; i < g->n_links; i++) {
        const struct topo_link *l = &g->links[i];
        if ((l->a == a && l->b == b) || (l->a == b && l->b == a))
            return true;
    }
    return false;
}

static bool
parse_target(struct ctx *c, const struct topo_graph *g, const struct ynode *n,
             const char *path, struct ctl_event_spec *e)
{
    if (e->kind == CTL_SWITCH_DOWN || e->kind == CTL_SWITCH_UP) {
        static const char form[] = "the name of a switch";
        if (!resolve_node(c, g, n, path, form, &e->a))
            return false;
        if (g->nodes[e->a].is_host)
            return fail_value(c, n, path, "a host", form);
        return true;
    }
    if (!need_sequence(c, n, path, true, node_pair_form))
        return false;
    if (n->n_items != 2)
        return fail_value(c, n, path, NULL, node_pair_form);
    char p0[PATH_BYTES], p1[PATH_BYTES];
    path_index(p0, path, 0);
    path_index(p1, path, 1);
    if (!resolve_node(c, g, n->items[0], p0, node_pair_form, &e->a) ||
        !resolve_node(c, g, n->items[1], p1, node_pair_form, &e->b))
        return false;
    if (!cabled(g, e->a, e->b)) {
        char *why = xasprintf("no cable joins %s and %s", g->nodes[e->a].name,
                              g->nodes[e->b].name);
        fail_value(c, n, path, why, node_pair_form);
        free(why);
        return false;
    }
    return true;
}

static bool
parse_event(struct ctx *c, const struct scenario *scn, const struct ynode *n,
            const char *path, struct ctl_event_spec *e)
{
    const struct key_section *sec = &scn_event_keys;
    if (!need_mapping(c, n, path, "a mapping with 'at' and one action"))
        return false;
    /* A host's address moves with its VMs: vm_move says it. */
    const struct ypair *hm = ytree_pair(n, "host_move");
    if (hm)
        return fail_at(c, &hm->key_mark, "%s.host_move: a host's tenant "
                       "address moves with its VMs; expected vm_move: "
                       "[HOST, TO]", path);
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", path);
    if (!keys_check(c, n, where, sec, 0) || !require_key(c, n, path, "at") ||
        !keys_read(c, n, path, sec, 0, e))
        return false;
    e->loc = (struct src_loc){ n->mark.line, n->mark.col };
    const struct ynode *action = NULL;
    for (size_t i = 0; i < n->n_pairs; i++) {
        const struct ypair *pr = &n->pairs[i];
        for (size_t k = 0; k < ARRAY_SIZE(action_keys); k++) {
            if (strcmp(pr->key, action_keys[k]))
                continue;
            if (action)
                return fail_at(c, &pr->key_mark, "%s: both %s and %s; "
                               "expected one action per event", path,
                               action_keys[e->kind], action_keys[k]);
            action = pr->value;
            e->kind = (enum ctl_event_kind)k;
        }
    }
    if (!action)
        return fail_at(c, &n->mark, "%s: no action; expected one of "
                       "link_down, link_up, switch_down, switch_up, vm_move",
                       path);
    char p[PATH_BYTES];
    path_key(p, path, action_keys[e->kind]);
    if (e->kind == CTL_VM_MOVE
            ? !scn_resolve_vm_move(c, scn, action, p, &e->a, &e->b)
            : !parse_target(c, &scn->graph, action, p, e))
        return false;
    const struct ynode *at = ytree_get(n, "at");
    if (scn->stop_ps && e->at_ps >= scn->stop_ps) {
        char p_at[PATH_BYTES];
        path_key(p_at, path, "at");
        return fail_at(c, &at->mark, "%s is %.6g us, at or after stop "
                       "(%.6g us): the event would never happen; expected "
                       "an earlier time", p_at, (double)e->at_ps / 1e6,
                       (double)scn->stop_ps / 1e6);
    }
    return true;
}

bool
scn_resolve_events(struct ctx *c, const struct ynode *root,
                   struct scenario *scn)
{
    const struct ypair *pr = ytree_pair(root, "events");
    if (!pr)
        return true;
    const struct ynode *seq = pr->value;
    if (!need_sequence(c, seq, "events", true,
                       "a non-empty sequence of event mappings"))
        return false;
    if (scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, &pr->key_mark, "events are not supported on a "
                       "fabric: infiniband yet (credits lost on a cut "
                       "link are never returned); expected fabric: "
                       "ethernet, or no events");
    struct control_spec *s = &scn->control;
    s->events = xcalloc(seq->n_items, sizeof *s->events);
    s->n_events = seq->n_items;
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES];
        path_index(path, "events", i);
        if (!parse_event(c, scn, seq->items[i], path, &s->events[i]))
            return false;
    }
    /* In time order, ties in file order: a stable insertion sort (lists
     * are short). */
    for (size_t i = 1; i < s->n_events; i++) {
        struct ctl_event_spec e = s->events[i];
        size_t j = i;
        for (; j > 0 && s->events[j - 1].at_ps > e.at_ps; j--)
            s->events[j] = s->events[j - 1];
        s->events[j] = e;
    }
    return true;
}

void
scn_control_spec_free(struct control_spec *s)
{
    free(s->events);
}
