/* The `evpn` section (BGP EVPN over the fabric: speakers on the VTEPs,
 * software or the leaves', and route reflectors), docs/scenario.md
 * "evpn", into struct evpn_spec (control/evpn-spec.h), and the `vm_move`
 * event's target.  Route reflectors name hosts (switches with leaf
 * VTEPs), so they are resolved once the graph and the overlay's tenants
 * are known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/evpn.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

#define E(F) offsetof(struct evpn_spec, F)
static const struct key evpn_keys[] = {
    { "topology", KEY_CUSTOM, .what = "full_mesh, route_reflectors",
      .dflt = "full_mesh",
      .help = "iBGP sessions: every VTEP pair, or VTEPs to route "
              "reflectors (RFC 4456)." },
    { "route_reflectors", KEY_CUSTOM, .what = "sequence of node names",
      .note = "required (route_reflectors)",
      .help = "Nodes that run the route reflectors (not VTEPs): hosts, "
              "or switches (e.g. spines) with overlay.vteps: leaf." },
    { "cluster_size", KEY_U32, E(cluster_size), 1, 64, .dflt = "2",
      .help = "RRs per cluster: redundant RRs every client of the cluster "
              "peers with." },
    { "asn", KEY_U32, E(asn), 1, UINT32_MAX, .dflt = "65000",
      .help = "The AS of every speaker (iBGP; RFC 6996 private range)." },
    { "tc", KEY_TC, E(tc), .dflt = "6",
      .help = "Traffic class of BGP's packets (CS6, network control: RFC "
              "4594)." },
    { "start", KEY_DURATION, E(start_ps), 0, .dflt = "0",
      .help = "When every session opens (OPEN sent)." },
    { "keepalive", KEY_DURATION, E(keepalive_ps), 1, .dflt = "30s",
      .help = "KEEPALIVE interval (RFC 4271 10: a third of the 90 s hold "
              "time)." },
    { "hold", KEY_DURATION_AUTO, E(hold_ps), .word = "off", .dflt = "off",
      .help = "Hold time: a session that hears nothing for this long is "
              "dropped with its routes (RFC 4271); keepalive defaults to "
              "a third of it." },
    { "connect_retry", KEY_DURATION, E(connect_retry_ps), 1,
      .dflt = "10s",
      .help = "ConnectRetryTime: a session that went down tries a new TCP "
              "connection this often (FRR datacenter: 10 s; RFC 4271: "
              "120 s)." },
    { "bfd", KEY_BOOL, E(bfd), .dflt = "false",
      .help = "With overlay.vteps: leaf, BFD on every session (RFC 5883 "
              "multihop; FRR's neighbor X bfd): a side whose peer's switch "
              "fails goes down after bfd_interval x bfd_multiplier, not at "
              "its hold timer." },
    { "bfd_interval", KEY_DURATION, E(bfd_interval_ps), 1, .dflt = "300ms",
      .help = "BFD's agreed transmit interval (FRR bfdd's default "
              "transmit-interval and receive-interval).  Only with bfd: "
              "true." },
    { "bfd_multiplier", KEY_U32, E(bfd_multiplier), 1, 255, .dflt = "3",
      .help = "BFD's Detect Mult (FRR bfdd's default detect-multiplier).  "
              "Only with bfd: true." },
    { "mac_aging", KEY_DURATION, E(mac_aging_ps), 1, .dflt = "300s",
      .help = "With overlay.vteps: leaf and host_routes: false, how long a "
              "leaf keeps a host of its own it learned from the host's "
              "frames (the Linux bridge's ageing_time; IEEE 802.1Q's "
              "recommended 300 s)." },
    { "idle_hold", KEY_DURATION, E(idle_hold_ps), 0, .dflt = "0",
      .help = "IdleHoldTime: a session that fell from Established waits "
              "this long in Idle before it starts again, doubling per "
              "flap (RFC 4271 8.1.1 DampPeerOscillations; FRR: 1 s; 0: "
              "none)." },
    { "idle_hold_max", KEY_DURATION, E(idle_hold_max_ps), 1,
      .dflt = "120s",
      .help = "Cap of the doubling IdleHoldTime, and how long a session "
              "stays Established to start again from idle_hold (FRR: "
              "120 s)." },
    { "update_cpu", KEY_DURATION, E(update_cpu_ps), 0, .dflt = "20us",
      .help = "A speaker's CPU time per UPDATE received, a switch's "
              "control CPU's too (an assumption; docs/models.md)." },
    { "core", KEY_U32, E(cpu_core), 0, 2047, .dflt = "0",
      .help = "On a server: the core that runs the BGP daemon." },
    { "type5", KEY_BOOL, E(type5), .dflt = "false",
      .help = "Each VTEP also advertises a prefix per tenant it serves "
              "(type 5)." },
    { "arp_suppression", KEY_BOOL, E(arp_suppression), .dflt = "false",
      .help = "Drop traffic to MACs without a type 2 route instead of "
              "ingress replication." },
    { "type5_prefix", KEY_CUSTOM,
      .what = "integer 8..32, or a mapping of VTEP host names to them",
      .note = "the tenant's prefix length",
      .help = "Length of each VTEP's type 5 prefix around its tenant "
              "address (with type5)." },
    { "host_routes", KEY_BOOL, E(host_routes), .dflt = "true",
      .help = "Each VTEP advertises its VMs as type 2 routes (false: type "
              "5 only, with type5)." },
    { "import", KEY_CUSTOM, .what = "route_target, all",
      .dflt = "route_target",
      .help = "A VTEP keeps its tenant's routes only, or every route." },
    { "policy", KEY_CUSTOM, .what = "sequence of {community, action}",
      .note = "none (permit all)",
      .help = "Import route-map at every VTEP, by RFC 1997 community." },
    { "rt_constraint", KEY_BOOL, E(rt_constraint), .dflt = "false",
      .help = "RFC 4684: a speaker is sent only routes of the route "
              "targets it asked for." },
    { "rr_policy", KEY_CUSTOM, .what = "sequence of {community, action, set}",
      .note = "none (permit all)",
      .help = "Outbound route-map at every route reflector, by community: "
              "routes denied are not sent, permitted ones may be tagged." },
    { "neighbor_policy", KEY_CUSTOM,
      .what = "sequence of {speaker, neighbor, direction, route_map}",
      .note = "none",
      .help = "Route-maps a speaker applies to one neighbour's routes (or "
              "its clients'), inbound or outbound (FRR: neighbor X "
              "route-map NAME in|out)." },
    { "large_community", KEY_BOOL, E(large_community), .dflt = "false",
      .help = "Every route a VTEP originates also carries the large "
              "community ASN:VNI:DATA2 (RFC 8092, 12 B)." },
    { "large_community_data2", KEY_U32, E(large_data2), 0, UINT32_MAX,
      .dflt = "0",
      .help = "DATA2 of that large community: its Local Data Part 2 "
              "(RFC 8092 section 3).  Only with large_community: true." },
};
#undef E

const struct key_section scn_evpn_keys = KEY_SECTION("evpn", evpn_keys);

static const struct key policy_keys[] = {
    { "community", KEY_CUSTOM,
      .what = "\"AS:VALUE\" (each 0..65535), \"ASN:LOCAL1:LOCAL2\" (each "
              "0..4294967295), own, any",
      .note = "required",
      .help = "The community a route must carry (own: one of the VTEP's "
              "tenants'; any: every route)." },
    { "action", KEY_CUSTOM, .what = "permit, deny", .note = "required",
      .help = "What a matching route gets." },
};

const struct key_section scn_evpn_policy_keys =
    KEY_SECTION("evpn.policy[]", policy_keys);

static const struct key rr_policy_keys[] = {
    { "community", KEY_CUSTOM,
      .what = "\"AS:VALUE\" (each 0..65535), \"ASN:LOCAL1:LOCAL2\" (each "
              "0..4294967295), any",
      .note = "required",
      .help = "The community a route must carry (any: every route)." },
    { "action", KEY_CUSTOM, .what = "permit, deny", .note = "required",
      .help = "Whether a matching route is sent (a neighbour's inbound "
              "route-map: kept)." },
    { "set", KEY_CUSTOM,
      .what = "\"AS:VALUE\" or \"ASN:LOCAL1:LOCAL2\"",
      .note = "none",
      .help = "A community a permitted route gets besides its own "
              "(additive)." },
};

const struct key_section scn_evpn_rr_policy_keys =
    KEY_SECTION("evpn.rr_policy[]", rr_policy_keys);

static const struct key neighbor_keys[] = {
    { "speaker", KEY_CUSTOM, .what = "node name", .note = "required",
      .help = "The speaker that applies the route-map: a VTEP (its host, "
              "or leaf with overlay.vteps: leaf) or a route reflector." },
    { "neighbor", KEY_CUSTOM, .what = "node name, clients",
      .note = "required",
      .help = "The peer whose routes it applies to, or clients: every "
              "route-reflector client of the speaker (a peer-group; a "
              "peer's own entry overrides it)." },
    { "direction", KEY_CUSTOM, .what = "in, out", .note = "required",
      .help = "out: routes sent to the neighbour; in: routes received "
              "from it, before the VTEP's import (evpn.policy)." },
    { "route_map", KEY_CUSTOM, .what = "sequence of {community, action, set}",
      .note = "required",
      .help = "Its entries: the first whose community matches decides." },
};

const struct key_section scn_evpn_neighbor_keys =
    KEY_SECTION("evpn.neighbor_policy[]", neighbor_keys);

/* A neighbour's route-map has the entries of rr_policy's. */
const struct key_section scn_evpn_neighbor_map_keys =
    KEY_SECTION("evpn.neighbor_policy[].route_map[]", rr_policy_keys);

void
scn_evpn_defaults(struct evpn_spec *e)
{
    keys_defaults(&scn_evpn_keys, e);
    e->topology = EVPN_FULL_MESH;
    e->import = EVPN_IMPORT_RT;
}

/* A community of TEXT: "AS:VALUE" (RFC 1997, each 0..65535) into *STD,
 * or "ASN:LOCAL1:LOCAL2" (RFC 8092, each 0..4294967295) into LC with
 * *LARGE set.  Returns whether TEXT is one. */
static bool
parse_community(const char *text, uint32_t *std, bool *large, uint32_t lc[3])
{
    uint64_t v[3] = { 0, 0, 0 };
    int n = 0, digits = 0;
    for (const char *q = text;; q++) {
        if (*q >= '0' && *q <= '9') {
            if (++digits > 10)
                return false;
            v[n] = v[n] * 10 + (uint64_t)(*q - '0');
            continue;
        }
        if (!digits || v[n] > UINT32_MAX || (*q && *q != ':'))
            return false;
        n++;
        if (!*q)
            break;
        if (n == 3)
            return false;
        digits = 0;
    }
    if (n == 2) {
        if (v[0] > 65535 || v[1] > 65535)
            return false;
        *large = false;
        *std = (uint32_t)(v[0] << 16 | v[1]);
        return true;
    }
    if (n != 3)
        return false;
    *large = true;
    for (int i = 0; i < 3; i++)
        lc[i] = (uint32_t)v[i];
    return true;
}

/* The `community` of a route-map entry: a community, any, or (at the
 * VTEPs' import, NO_OWN NULL) own; NO_OWN says why not. */
static bool
read_community(struct ctx *c, const struct ynode *n, const char *path,
               const char *no_own, struct evpn_policy *pe)
{
    bool rr = no_own != NULL;
    const char *form = rr ? "a community \"AS:VALUE\" (each 0..65535), a "
                            "large community \"ASN:LOCAL1:LOCAL2\" (each "
                            "0..4294967295) or any"
                          : "a community \"AS:VALUE\" (each 0..65535), a "
                            "large community \"ASN:LOCAL1:LOCAL2\" (each "
                            "0..4294967295), own or any";
    const char *text;
    if (!read_string(c, n, path, form, &text))
        return false;
    if ((!strcmp(text, "own") && !rr) || !strcmp(text, "any")) {
        pe->own = text[0] == 'o';
        pe->any = text[0] == 'a';
        return true;
    }
    if (!parse_community(text, &pe->community, &pe->large, pe->lc))
        return fail_value(c, n, path, rr && !strcmp(text, "own") ? no_own
                                                                 : NULL,
                          form);
    return true;
}

/* The communities the route-maps that set them set, all together: a path
 * gathers them (evpn_policy_set()), at most EVPN_MAX_SET of each kind. */
struct set_seen {
    uint32_t v[2][EVPN_MAX_SET][3];
    size_t n[2];
};

/* Entry PE's set, counted in SEEN; false if it is one too many of its
 * kind (SET, at PATH, is where to say so; NULL: cannot be). */
static bool
note_set(struct ctx *c, const struct ynode *set, const char *path,
         const struct evpn_policy *pe, struct set_seen *seen)
{
    int kind = pe->set_large;
    uint32_t key[3] = { pe->set_community, 0, 0 };
    if (kind)
        memcpy(key, pe->set_lc, sizeof key);
    for (size_t j = 0; j < seen->n[kind]; j++)
        if (!memcmp(seen->v[kind][j], key, sizeof key))
            return true;
    if (seen->n[kind] == EVPN_MAX_SET)
        return fail_at(c, &set->mark, "%s: more than %d distinct %s "
                       "communities set; expected at most %d", path,
                       EVPN_MAX_SET, kind ? "large" : "standard",
                       EVPN_MAX_SET);
    memcpy(seen->v[kind][seen->n[kind]++], key, sizeof key);
    return true;
}

/* What kind of route-map parse_route_map() reads. */
struct map_kind {
    const struct key_section *sec;  /* Its entries' keys. */
    const char *no_own;       /* Why `own` is refused; NULL: allowed. */
    const char *seq_form, *entry_form;
    const char *deny_set;     /* Why `set` needs permit. */
};

static const struct map_kind import_map = {
    &scn_evpn_policy_keys, NULL,
    "a non-empty sequence of {community, action}",
    "a mapping {community, action}", NULL,
};
static const struct map_kind rr_map = {
    &scn_evpn_rr_policy_keys, "a route reflector serves no tenant",
    "a non-empty sequence of {community, action, set}",
    "a mapping {community, action, set}", "a denied route is not sent",
};
static const struct map_kind neighbor_map = {
    &scn_evpn_neighbor_map_keys, "own is the import route-map's "
    "(evpn.policy)",
    "a non-empty sequence of {community, action, set}",
    "a mapping {community, action, set}", "a denied route gets nothing",
};

/* A route-map of kind K at NAME (evpn.policy, evpn.rr_policy, a
 * neighbour's): its entries, in order, into *OUT and *N; the communities
 * it sets counted in SEEN. */
static bool
parse_route_map(struct ctx *c, const struct ynode *seq, const char *name,
                const struct map_kind *k, struct set_seen *seen,
                struct evpn_policy **out, size_t *n_out)
{
    static const char *const required[] = { "community", "action" };
    static const char *const actions[] = { "permit", "deny" };
    static const char set_form[] = "a community \"AS:VALUE\" (each "
                                   "0..65535) or a large community "
                                   "\"ASN:LOCAL1:LOCAL2\" (each "
                                   "0..4294967295)";
    if (!need_sequence(c, seq, name, true, k->seq_form))
        return false;
    struct evpn_policy *v = xcalloc(seq->n_items, sizeof *v);
    *out = v;
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES], sub[PATH_BYTES];
        const struct ynode *m = seq->items[i];
        struct evpn_policy *pe = &v[i];
        size_t a;
        path_index(path, name, i);
        if (!need_keyed(c, m, path, k->sec, k->entry_form) ||
            !require_keys(c, m, path, required, 2))
            return false;
        path_key(sub, path, "community");
        if (!read_community(c, ytree_get(m, "community"), sub, k->no_own,
                            pe))
            return false;
        path_key(sub, path, "action");
        if (!read_choice(c, ytree_get(m, "action"), sub, actions, 2, &a))
            return false;
        pe->permit = a == 0;
        (*n_out)++;
        const struct ynode *set = ytree_get(m, "set");
        if (!set)
            continue;
        path_key(sub, path, "set");
        const char *text;
        if (!read_string(c, set, sub, set_form, &text))
            return false;
        if (!pe->permit)
            return fail_at(c, &set->mark, "%s: only with action: permit (%s)",
                           sub, k->deny_set);
        if (!parse_community(text, &pe->set_community, &pe->set_large,
                             pe->set_lc))
            return fail_value(c, set, sub, NULL, set_form);
        pe->set = true;
        if (!note_set(c, set, sub, pe, seen))
            return false;
    }
    return true;
}

bool
scn_parse_evpn(struct ctx *c, const struct ynode *map, struct evpn_spec *e)
{
    static const char *const topologies[] = { "full_mesh",
                                              "route_reflectors" };
    static const char *const imports[] = { "route_target", "all" };
    const struct key_section *sec = &scn_evpn_keys;
    if (!read_keyed(c, map, "evpn", sec, "a mapping of EVPN settings", e))
        return false;
    e->enabled = true;
    const struct ynode *n = ytree_get(map, "topology");
    size_t k;
    if (n) {
        if (!read_choice(c, n, "evpn.topology", topologies, 2, &k))
            return false;
        e->topology = (enum evpn_topology)k;
    }
    n = ytree_get(map, "route_reflectors");
    if (e->topology == EVPN_ROUTE_REFLECTORS && !n)
        return fail_at(c, &map->mark, "evpn: topology: route_reflectors "
                       "needs route_reflectors (the hosts that run them)");
    if (n && e->topology != EVPN_ROUTE_REFLECTORS)
        return fail_at(c, &n->mark, "evpn.route_reflectors: only with "
                       "topology: route_reflectors");
    if (n && !need_sequence(c, n, "evpn.route_reflectors", true,
                            "a non-empty sequence of host names"))
        return false;
    n = ytree_get(map, "import");
    if (n) {
        if (!read_choice(c, n, "evpn.import", imports, 2, &k))
            return false;
        e->import = (enum evpn_import)k;
    }
    struct set_seen seen = { .n = { 0, 0 } };
    n = ytree_get(map, "policy");
    if (n && !parse_route_map(c, n, "evpn.policy", &import_map, &seen,
                              &e->policy, &e->n_policy))
        return false;
    n = ytree_get(map, "rr_policy");
    if (n && e->topology != EVPN_ROUTE_REFLECTORS)
        return fail_at(c, &ytree_pair(map, "rr_policy")->key_mark,
                       "evpn.rr_policy: only with topology: "
                       "route_reflectors (it is the reflectors' outbound "
                       "route-map)");
    if (n && !parse_route_map(c, n, "evpn.rr_policy", &rr_map, &seen,
                              &e->rr_policy, &e->n_rr_policy))
        return false;
    const struct ypair *pr = ytree_pair(map, "hold");
    if (pr && e->hold_ps && !ytree_get(map, "keepalive")) {
        /* A third of a hold time under 3 ps would be no interval at
         * all: refused, not rounded up to one that is not a third. */
        if (e->hold_ps < 3)
            return fail_at(c, &pr->value->mark, "evpn.hold: %s leaves no "
                           "KEEPALIVE interval (a third of it); expected "
                           "at least 3ps, or a keepalive below it",
                           pr->value->text);
        e->keepalive_ps = e->hold_ps / 3;
    } else if (pr && e->hold_ps && e->hold_ps <= e->keepalive_ps)
        return fail_at(c, &pr->value->mark, "evpn.hold: %s is not longer "
                       "than evpn.keepalive; expected a hold time above the "
                       "KEEPALIVE interval (RFC 4271: three of them)",
                       pr->value->text);
    if (e->idle_hold_ps > e->idle_hold_max_ps) {
        const char *key = ytree_get(map, "idle_hold_max")
                              ? "evpn.idle_hold_max"
                              : "evpn.idle_hold";
        return fail_value(c, ytree_get(map, key + 5), key,
                          "idle_hold is greater than idle_hold_max",
                          "idle_hold <= idle_hold_max (default 120s)");
    }
    pr = ytree_pair(map, "large_community_data2");
    if (pr && !e->large_community)
        return fail_at(c, &pr->key_mark, "evpn.large_community_data2: only "
                       "with large_community: true");
    pr = ytree_pair(map, "type5_prefix");
    if (pr && !e->type5)
        return fail_at(c, &pr->key_mark, "evpn.type5_prefix: only with "
                       "type5: true");
    pr = ytree_pair(map, "bfd_interval");
    if (!pr)
        pr = ytree_pair(map, "bfd_multiplier");
    if (pr && !e->bfd)
        return fail_at(c, &pr->key_mark, "evpn.%s: only with bfd: true",
                       pr->key);
    pr = ytree_pair(map, "mac_aging");
    if (pr && e->host_routes)
        return fail_at(c, &pr->key_mark, "evpn.mac_aging: only with "
                       "host_routes: false (with type 2 routes for its own "
                       "hosts a leaf knows them from the start)");
    pr = ytree_pair(map, "host_routes");
    if (pr && !e->host_routes && !e->type5)
        return fail_at(c, &pr->value->mark, "evpn.host_routes: false needs "
                       "type5: true (type 5 routes are then the only ones "
                       "that lead to a VM)");
    return true;
}

/* The switch host H hangs from (its first cable's), or UINT32_MAX. */
static uint32_t
host_leaf(const struct topo_graph *g, uint32_t h)
{
    for (uint32_t i = 0; i < g->n_links; i++) {
        if (g->links[i].a == h)
            return g->links[i].b;
        if (g->links[i].b == h)
            return g->links[i].a;
    }
    return UINT32_MAX;
}

/* What EVPN needs of the overlay: VTEPs that tunnel, and (software
 * VTEPs) vswitch tables that EVPN fills. */
static bool
check_overlay(struct ctx *c, const struct ynode *root,
              const struct scenario *scn)
{
    const struct overlay_spec *o = &scn->overlay;
    const struct ypair *pr = ytree_pair(root, "evpn");
    const struct ynode *ov = ytree_get(root, "overlay");
    const struct ynode *tables = ytree_get(ytree_get(ov, "vswitch"), "tables");
    if (!scn->control.evpn.enabled) {
        if (o->vswitch.enabled && o->vswitch.tables == VSW_EVPN)
            return fail_at(c, &tables->mark, "overlay.vswitch.tables: evpn "
                           "needs an evpn section (the BGP speakers that "
                           "install the entries)");
        return true;
    }
    if (!o->enabled)
        return fail_at(c, &pr->key_mark, "evpn: the speakers run on the "
                       "VTEPs; expected an overlay (vteps: server or leaf)");
    if (o->encap.kind == ENCAP_VLAN)
        return fail_at(c, &pr->key_mark, "evpn: EVPN's routes carry VNIs of "
                       "VXLAN or Geneve tunnels; expected overlay."
                       "encapsulation vxlan or geneve");
    const struct ynode *em = ytree_get(root, "evpn");
    const struct ypair *kp = ytree_pair(em, "mac_aging");
    if (!kp && scn->control.evpn.bfd)
        kp = ytree_pair(em, "bfd");
    if (kp && o->vteps != VTEP_LEAF)
        return fail_at(c, &kp->key_mark, "evpn.%s: only with overlay.vteps: "
                       "leaf (a leaf's %s)", kp->key,
                       strcmp(kp->key, "bfd") ? "MAC learning on its access "
                       "ports" : "sessions with switches that may fail");
    if (o->vteps == VTEP_LEAF) {
        if (o->vswitch.enabled && o->vswitch.tables == VSW_EVPN)
            return fail_at(c, &tables->mark, "overlay.vswitch.tables: evpn "
                           "fills software VTEPs' tables; with vteps: leaf "
                           "EVPN fills the leaves'");
        return true;
    }
    if (o->vswitch.tables != VSW_EVPN)
        return fail_at(c, tables ? &tables->mark : &pr->key_mark,
                       "evpn: the vswitches' tables must come from EVPN; "
                       "expected overlay.vswitch.tables: evpn");
    return true;
}

/* The server cores of host H (0: no server). */
static uint32_t
host_cores(const struct scenario *scn, uint32_t h)
{
    if (!scn->has_server)
        return 0;
    const struct server_spec *s = scn_server_spec_of(scn, h);
    return s->sockets * s->cores_per_socket;
}

static bool
check_core(struct ctx *c, const struct ynode *map, const struct scenario *scn,
           uint32_t h)
{
    uint32_t cores = host_cores(scn, h), core = scn->control.evpn.cpu_core;
    if (!cores || core < cores)
        return true;
    const struct ynode *n = ytree_get(map, "core");
    return fail_at(c, n ? &n->mark : &map->mark, "evpn.core: host %s has %u "
                   "cores (0..%u)", scn->graph.nodes[h].name, cores,
                   cores - 1);
}

/* A route reflector with leaf VTEPs: a switch with no tenant host. */
static bool
resolve_rr_switch(struct ctx *c, const struct scenario *scn,
                  const struct ynode *n, const char *path, uint32_t *out)
{
    const struct topo_graph *g = &scn->graph;
    int64_t i = topo_find(g, n->text);
    if (i < 0 || (uint64_t)i < g->n_hosts)
        return fail_at(c, &n->mark, "%s: no switch named '%s'%s (with "
                       "overlay.vteps: leaf the route reflectors run on "
                       "switches, e.g. the spines)", path, n->text,
                       i >= 0 ? " (it is a host)" : "");
    for (uint32_t k = 0; k < g->n_links; k++) {
        const struct topo_link *l = &g->links[k];
        uint32_t h = l->a == (uint64_t)i ? l->b : l->b == (uint64_t)i ? l->a
                                                                    : UINT32_MAX;
        if (h < g->n_hosts && scn->overlay.host_tenant[h])
            return fail_at(c, &n->mark, "%s: switch %s is a VTEP (tenant "
                           "host %s hangs from it); expected a switch "
                           "without tenant hosts, e.g. a spine", path,
                           n->text, g->nodes[h].name);
    }
    *out = (uint32_t)i;
    return true;
}

/* evpn.type5_prefix: every VTEP's type 5 prefix length, the tenant's
 * own unless the key says otherwise. */
static bool
resolve_type5(struct ctx *c, const struct ynode *map, struct scenario *scn)
{
    static const char form[] = "an integer 8..32, or a mapping of VTEP "
                               "host names to integers 8..32";
    struct evpn_spec *e = &scn->control.evpn;
    const struct overlay_spec *o = &scn->overlay;
    uint32_t n_hosts = scn->graph.n_hosts;
    e->type5_len = xcalloc(n_hosts, 1);
    for (uint32_t h = 0; h < n_hosts; h++)
        if (o->host_tenant[h])
            e->type5_len[h] = o->tenants[o->host_tenant[h] - 1].prefix_len;
    const struct ynode *n = ytree_get(map, "type5_prefix");
    uint32_t len;
    if (!n)
        return true;
    if (n->kind == YNODE_SCALAR) {
        if (!read_u32(c, n, "evpn.type5_prefix", 8, 32, &len))
            return false;
        for (uint32_t h = 0; h < n_hosts; h++)
            if (o->host_tenant[h])
                e->type5_len[h] = (uint8_t)len;
        return true;
    }
    if (!need_mapping(c, n, "evpn.type5_prefix", form))
        return false;
    for (size_t i = 0; i < n->n_pairs; i++) {
        const struct ypair *pr = &n->pairs[i];
        char path[PATH_BYTES];
        struct ynode name = { .kind = YNODE_SCALAR, .mark = pr->key_mark,
                              .text = pr->key };
        uint32_t h;
        path_key(path, "evpn.type5_prefix", pr->key);
        if (!scn_resolve_host(c, scn, &name, path, &h))
            return false;
        if (!o->host_tenant[h])
            return fail_at(c, &pr->key_mark, "%s: host %s is in no tenant; "
                           "expected a VTEP", path, pr->key);
        uint32_t first = h;
        for (uint32_t x = 0; e->leaf && x < h && first == h; x++)
            if (o->host_tenant[x] == o->host_tenant[h] &&
                host_leaf(&scn->graph, x) == host_leaf(&scn->graph, h))
                first = x;
        if (first != h)
            return fail_at(c, &pr->key_mark, "%s: with overlay.vteps: leaf, "
                           "%s's prefix for tenant %s is around its "
                           "first host of the tenant; expected %s",
                           path, scn->graph.nodes[host_leaf(&scn->graph, h)].name,
                           o->tenants[o->host_tenant[h] - 1].name,
                           scn->graph.nodes[first].name);
        if (!read_u32(c, pr->value, path, 8, 32, &len))
            return false;
        e->type5_len[h] = (uint8_t)len;
    }
    return true;
}

/* Per node of the graph: its VTEP speaker's number, as control/evpn.c
 * numbers them (the nodes with a tenant's VMs behind them, in node
 * order: tenant hosts, or with leaf VTEPs the leaves they hang from), or
 * UINT32_MAX for none. */
static uint32_t *
vtep_numbers(const struct scenario *scn)
{
    const struct topo_graph *g = &scn->graph;
    uint32_t *v = xmalloc((g->n_nodes + 1) * sizeof *v);
    for (uint32_t x = 0; x < g->n_nodes; x++)
        v[x] = UINT32_MAX;
    for (uint32_t h = 0; h < g->n_hosts; h++) {
        uint32_t x = scn->control.evpn.leaf ? host_leaf(g, h) : h;
        if (scn->overlay.host_tenant[h] && x != UINT32_MAX)
            v[x] = 0;
    }
    for (uint32_t x = 0, n = 0; x < g->n_nodes; x++)
        if (v[x] == 0)
            v[x] = n++;
    return v;
}

/* Node X's place in evpn.route_reflectors, or UINT32_MAX. */
static uint32_t
rr_index(const struct evpn_spec *e, uint32_t x)
{
    for (size_t r = 0; r < e->n_rr; r++)
        if (e->rr_hosts[r] == x)
            return (uint32_t)r;
    return UINT32_MAX;
}

/* Whether speakers A and B (nodes; VTEP numbers in VTEP) have a session:
 * every two VTEPs in a full mesh; with route reflectors, VTEP number i
 * and the RRs of cluster i mod the clusters, and every two RRs (the
 * layout control/evpn.c builds: evpn_vtep_cluster(), evpn_rr_cluster()). */
static bool
have_session(const struct evpn_spec *e, const uint32_t *vtep, uint32_t a,
             uint32_t b)
{
    uint32_t ra = rr_index(e, a), rb = rr_index(e, b);
    if (a == b)
        return false;
    if (e->topology == EVPN_FULL_MESH)
        return vtep[a] != UINT32_MAX && vtep[b] != UINT32_MAX;
    if (ra != UINT32_MAX && rb != UINT32_MAX)
        return true;
    if (ra != UINT32_MAX && vtep[b] != UINT32_MAX)
        return evpn_vtep_cluster(e, vtep[b]) == evpn_rr_cluster(e, ra);
    if (rb != UINT32_MAX && vtep[a] != UINT32_MAX)
        return evpn_vtep_cluster(e, vtep[a]) == evpn_rr_cluster(e, rb);
    return false;
}

/* One evpn.neighbor_policy entry M at PATH into NM: its speaker, its
 * neighbour, its direction and its route-map (sets counted in SEEN). */
static bool
read_neighbor_map(struct ctx *c, const struct ynode *m, const char *path,
                  const struct scenario *scn, const uint32_t *vtep,
                  struct set_seen *seen, struct evpn_neighbor_map *nm)
{
    static const char *const required[] = { "speaker", "neighbor",
                                            "direction", "route_map" };
    static const char *const dirs[] = { "in", "out" };
    const struct evpn_spec *e = &scn->control.evpn;
    const struct topo_graph *g = &scn->graph;
    char sub[PATH_BYTES];
    const char *text;
    size_t k;
    if (!need_keyed(c, m, path, &scn_evpn_neighbor_keys,
                    "a mapping {speaker, neighbor, direction, route_map}") ||
        !require_keys(c, m, path, required, 4))
        return false;
    const struct ynode *n = ytree_get(m, "speaker");
    path_key(sub, path, "speaker");
    if (!read_string(c, n, sub, "a node name", &text))
        return false;
    int64_t x = topo_find(g, text);
    if (x < 0 || (vtep[x] == UINT32_MAX && rr_index(e, (uint32_t)x) ==
                                               UINT32_MAX))
        return fail_at(c, &n->mark, "%s: %s '%s'%s; expected a VTEP (%s) "
                       "or a route reflector", sub,
                       x < 0 ? "no node named" : "node", text,
                       x < 0 ? "" : " runs no BGP speaker",
                       e->leaf ? "a leaf with tenant hosts"
                               : "a host in a tenant");
    nm->speaker = (uint32_t)x;
    n = ytree_get(m, "neighbor");
    path_key(sub, path, "neighbor");
    if (!read_string(c, n, sub, "a node name or clients", &text))
        return false;
    if (!strcmp(text, "clients")) {
        if (rr_index(e, nm->speaker) == UINT32_MAX)
            return fail_at(c, &n->mark, "%s: clients: %s is no route "
                           "reflector (only an RR has clients); expected "
                           "a peer's name", sub, g->nodes[x].name);
        nm->neighbor = EVPN_CLIENTS;
    } else {
        int64_t y = topo_find(g, text);
        if (y < 0 || !have_session(e, vtep, nm->speaker, (uint32_t)y))
            return fail_at(c, &n->mark, "%s: %s has no session with "
                           "'%s'; expected one of its peers%s", sub,
                           g->nodes[x].name, text,
                           rr_index(e, nm->speaker) != UINT32_MAX
                               ? " or clients" : "");
        nm->neighbor = (uint32_t)y;
    }
    path_key(sub, path, "direction");
    if (!read_choice(c, ytree_get(m, "direction"), sub, dirs, 2, &k))
        return false;
    nm->in = k == 0;
    path_key(sub, path, "route_map");
    return parse_route_map(c, ytree_get(m, "route_map"), sub, &neighbor_map,
                           seen, &nm->map, &nm->n_map);
}

/* evpn.neighbor_policy: every entry, once its speakers are known; a
 * speaker has one route-map per neighbour (or peer group) and
 * direction. */
static bool
resolve_neighbors(struct ctx *c, const struct ynode *map,
                  struct scenario *scn)
{
    struct evpn_spec *e = &scn->control.evpn;
    const struct ynode *seq = ytree_get(map, "neighbor_policy");
    if (!seq)
        return true;
    if (!need_sequence(c, seq, "evpn.neighbor_policy", true,
                       "a non-empty sequence of {speaker, neighbor, "
                       "direction, route_map}"))
        return false;
    struct set_seen seen = { .n = { 0, 0 } };
    for (size_t i = 0; i < e->n_rr_policy; i++)
        if (e->rr_policy[i].set)
            note_set(c, NULL, NULL, &e->rr_policy[i], &seen);
    uint32_t *vtep = vtep_numbers(scn);
    e->nbr = xcalloc(seq->n_items, sizeof *e->nbr);
    e->n_nbr = seq->n_items;   /* Each freed, read or not. */
    bool ok = true;
    for (size_t i = 0; ok && i < seq->n_items; i++) {
        char path[PATH_BYTES];
        struct evpn_neighbor_map *nm = &e->nbr[i];
        path_index(path, "evpn.neighbor_policy", i);
        ok = read_neighbor_map(c, seq->items[i], path, scn, vtep, &seen, nm);
        for (size_t j = 0; ok && j < i; j++)
            if (e->nbr[j].speaker == nm->speaker &&
                e->nbr[j].neighbor == nm->neighbor && e->nbr[j].in == nm->in)
                ok = fail_at(c, &seq->items[i]->mark, "%s: %s already has "
                             "a route-map %s %s (entry %zu); expected one "
                             "per neighbour and direction", path,
                             scn->graph.nodes[nm->speaker].name,
                             nm->in ? "in from" : "out to",
                             nm->neighbor == EVPN_CLIENTS
                                 ? "clients"
                                 : scn->graph.nodes[nm->neighbor].name, j);
    }
    free(vtep);
    return ok;
}

bool
scn_resolve_evpn(struct ctx *c, const struct ynode *root,
                 struct scenario *scn)
{
    if (!check_overlay(c, root, scn))
        return false;
    struct evpn_spec *e = &scn->control.evpn;
    if (!e->enabled)
        return true;
    e->leaf = scn->overlay.vteps == VTEP_LEAF;
    const struct ynode *map = ytree_get(root, "evpn");
    const uint32_t *tenant = scn->overlay.host_tenant;
    for (uint32_t h = 0; h < scn->graph.n_hosts; h++)
        if (tenant[h] && !check_core(c, map, scn, h))
            return false;
    if (e->type5 && !resolve_type5(c, map, scn))
        return false;
    const struct ynode *seq = ytree_get(map, "route_reflectors");
    if (!seq)
        return resolve_neighbors(c, map, scn);
    e->rr_hosts = xcalloc(seq->n_items, sizeof *e->rr_hosts);
    e->n_rr = seq->n_items;
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES];
        const struct ynode *n = seq->items[i];
        path_index(path, "evpn.route_reflectors", i);
        if (!need_scalar(c, n, path, e->leaf ? "a switch name"
                                              : "a host name"))
            return false;
        if (e->leaf) {
            if (!resolve_rr_switch(c, scn, n, path, &e->rr_hosts[i]))
                return false;
        } else if (!scn_resolve_host(c, scn, n, path, &e->rr_hosts[i])) {
            return false;
        }
        uint32_t h = e->rr_hosts[i];
        if (!e->leaf && tenant[h])
            return fail_at(c, &n->mark, "%s: host %s is a VTEP (in tenant "
                           "%s); expected a host outside every tenant",
                           path, n->text,
                           scn->overlay.tenants[tenant[h] - 1].name);
        for (size_t j = 0; j < i; j++)
            if (e->rr_hosts[j] == h)
                return fail_at(c, &n->mark, "%s: %s %s is already a "
                               "route reflector", path,
                               e->leaf ? "switch" : "host", n->text);
        if (!e->leaf && !check_core(c, map, scn, h))
            return false;
    }
    return resolve_neighbors(c, map, scn);
}

bool
scn_resolve_vm_move(struct ctx *c, const struct scenario *scn,
                    const struct ynode *n, const char *path, uint32_t *from,
                    uint32_t *to)
{
    static const char form[] = "a sequence of two hosts of one tenant: the "
                               "host whose VMs move and the server they "
                               "move to (itself: back home), e.g. [h0, h5]";
    if (!scn->control.evpn.enabled)
        return fail_at(c, &n->mark, "%s: VM moves are learned through BGP "
                       "EVPN; expected an evpn section", path);
    if (!need_sequence(c, n, path, true, form))
        return false;
    if (n->n_items != 2)
        return fail_value(c, n, path, NULL, form);
    uint32_t h[2];
    for (size_t i = 0; i < 2; i++) {
        char sub[PATH_BYTES];
        path_index(sub, path, i);
        if (!need_scalar(c, n->items[i], sub, form) ||
            !scn_resolve_host(c, scn, n->items[i], sub, &h[i]))
            return false;
        if (!scn->overlay.host_tenant[h[i]])
            return fail_value(c, n->items[i], sub, "in no tenant", form);
    }
    const uint32_t *t = scn->overlay.host_tenant;
    if (t[h[0]] != t[h[1]])
        return fail_value(c, n, path, "hosts of two tenants", form);
    *from = h[0];
    *to = h[1];
    return true;
}

void
scn_evpn_spec_free(struct evpn_spec *e)
{
    free(e->rr_hosts);
    free(e->type5_len);
    free(e->policy);
    free(e->rr_policy);
    for (size_t i = 0; i < e->n_nbr; i++)
        free(e->nbr[i].map);
    free(e->nbr);
}
