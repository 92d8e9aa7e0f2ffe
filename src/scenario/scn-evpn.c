/* The `evpn` section (BGP EVPN over the fabric: speakers on the VTEPs,
 * software or the leaves', and route reflectors), docs/scenario.md
 * "evpn", into struct evpn_spec (control/evpn-spec.h), and the `vm_move`
 * event's target.  Route reflectors name hosts (switches with leaf
 * VTEPs), so they are resolved once the graph and the overlay's tenants
 * are known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    { "update_cpu", KEY_DURATION, E(update_cpu_ps), 0, .dflt = "20us",
      .help = "A speaker's CPU time per UPDATE received, a switch's "
              "control CPU's too (an assumption; docs/models.md)." },
    { "core", KEY_U32, E(cpu_core), 0, 2047, .dflt = "0",
      .help = "On a server: the core that runs the BGP daemon." },
    { "type5", KEY_BOOL, E(type5), .dflt = "false",
      .help = "Each VTEP also advertises its tenant's subnet (type 5)." },
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
};
#undef E

const struct key_section scn_evpn_keys = KEY_SECTION("evpn", evpn_keys);

static const struct key policy_keys[] = {
    { "community", KEY_CUSTOM,
      .what = "\"AS:VALUE\" (each 0..65535), own, any",
      .note = "required",
      .help = "The community a route must carry (own: the VTEP's "
              "tenant's; any: every route)." },
    { "action", KEY_CUSTOM, .what = "permit, deny", .note = "required",
      .help = "What a matching route gets." },
};

const struct key_section scn_evpn_policy_keys =
    KEY_SECTION("evpn.policy[]", policy_keys);

void
scn_evpn_defaults(struct evpn_spec *e)
{
    keys_defaults(&scn_evpn_keys, e);
    e->topology = EVPN_FULL_MESH;
    e->import = EVPN_IMPORT_RT;
}

/* A community "AS:VALUE" (RFC 1997), or own, of policy entry N. */
static bool
read_community(struct ctx *c, const struct ynode *n, const char *path,
               struct evpn_policy *pe)
{
    static const char form[] = "a community \"AS:VALUE\" (each 0..65535), "
                               "own or any";
    const char *text;
    if (!read_string(c, n, path, form, &text))
        return false;
    if (!strcmp(text, "own") || !strcmp(text, "any")) {
        pe->own = text[0] == 'o';
        pe->any = text[0] == 'a';
        return true;
    }
    unsigned a, b;
    char end;
    if (sscanf(text, "%5u:%5u%c", &a, &b, &end) != 2 || a > 65535 ||
        b > 65535 || strspn(text, "0123456789:") != strlen(text))
        return fail_value(c, n, path, NULL, form);
    pe->community = (uint32_t)a << 16 | b;
    return true;
}

/* evpn.policy: the import route-map's entries, in order. */
static bool
parse_policy(struct ctx *c, const struct ynode *seq, struct evpn_spec *e)
{
    static const char *const required[] = { "community", "action" };
    static const char *const actions[] = { "permit", "deny" };
    if (!need_sequence(c, seq, "evpn.policy", true,
                       "a non-empty sequence of {community, action}"))
        return false;
    e->policy = xcalloc(seq->n_items, sizeof *e->policy);
    for (size_t i = 0; i < seq->n_items; i++) {
        char path[PATH_BYTES], sub[PATH_BYTES], where[PATH_BYTES + 8];
        const struct ynode *m = seq->items[i];
        struct evpn_policy *pe = &e->policy[i];
        size_t k;
        path_index(path, "evpn.policy", i);
        snprintf(where, sizeof where, "in %s", path);
        if (!need_mapping(c, m, path, "a mapping {community, action}") ||
            !keys_check(c, m, where, &scn_evpn_policy_keys, 0) ||
            !require_keys(c, m, path, required, 2))
            return false;
        path_key(sub, path, "community");
        if (!read_community(c, ytree_get(m, "community"), sub, pe))
            return false;
        path_key(sub, path, "action");
        if (!read_choice(c, ytree_get(m, "action"), sub, actions, 2, &k))
            return false;
        pe->permit = k == 0;
        e->n_policy++;
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
    if (!need_mapping(c, map, "evpn", "a mapping of EVPN settings") ||
        !keys_check(c, map, "in evpn", sec, 0) ||
        !keys_read(c, map, "evpn", sec, 0, e))
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
    n = ytree_get(map, "policy");
    if (n && !parse_policy(c, n, e))
        return false;
    const struct ypair *pr = ytree_pair(map, "hold");
    if (pr && e->hold_ps && !ytree_get(map, "keepalive"))
        e->keepalive_ps = e->hold_ps / 3 ? e->hold_ps / 3 : 1;
    else if (pr && e->hold_ps && e->hold_ps <= e->keepalive_ps)
        return fail_at(c, &pr->value->mark, "evpn.hold: %s is not longer "
                       "than evpn.keepalive; expected a hold time above the "
                       "KEEPALIVE interval (RFC 4271: three of them)",
                       pr->value->text);
    pr = ytree_pair(map, "type5_prefix");
    if (pr && !e->type5)
        return fail_at(c, &pr->key_mark, "evpn.type5_prefix: only with "
                       "type5: true");
    pr = ytree_pair(map, "host_routes");
    if (pr && !e->host_routes && !e->type5)
        return fail_at(c, &pr->value->mark, "evpn.host_routes: false needs "
                       "type5: true (type 5 routes are then the only ones "
                       "that lead to a VM)");
    return true;
}

/* With leaf VTEPs: every leaf serves one tenant (its speaker imports one
 * route target). */
static bool
check_leaves(struct ctx *c, const struct ypair *pr, const struct scenario *scn)
{
    const struct topo_graph *g = &scn->graph;
    const uint32_t *tenant = scn->overlay.host_tenant;
    uint32_t *of = xcalloc(g->n_nodes, sizeof *of);
    bool ok = true;
    for (uint32_t i = 0; i < g->n_links && ok; i++) {
        uint32_t h = g->links[i].a, x = g->links[i].b;
        if (h >= g->n_hosts) {
            h = g->links[i].b;
            x = g->links[i].a;
        }
        if (h >= g->n_hosts || x < g->n_hosts || !tenant[h])
            continue;
        if (of[x] && of[x] != tenant[h])
            ok = fail_at(c, &pr->key_mark, "evpn: leaf %s has hosts of "
                         "tenants %s and %s; with overlay.vteps: leaf each "
                         "leaf's speaker serves one tenant in dcsim",
                         g->nodes[x].name,
                         scn->overlay.tenants[of[x] - 1].name,
                         scn->overlay.tenants[tenant[h] - 1].name);
        of[x] = tenant[h];
    }
    free(of);
    return ok;
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
    if (o->vteps == VTEP_LEAF) {
        if (o->vswitch.enabled && o->vswitch.tables == VSW_EVPN)
            return fail_at(c, &tables->mark, "overlay.vswitch.tables: evpn "
                           "fills software VTEPs' tables; with vteps: leaf "
                           "EVPN fills the leaves'");
        return check_leaves(c, pr, scn);
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
        if (!read_u32(c, pr->value, path, 8, 32, &len))
            return false;
        e->type5_len[h] = (uint8_t)len;
    }
    return true;
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
    if (e->type5 && e->leaf)
        return fail_at(c, &ytree_get(map, "type5")->mark,
                       "evpn.type5: type 5 prefixes are modelled with "
                       "software VTEPs only (overlay.vteps: server); the "
                       "leaves' tables take type 2 routes");
    if (e->type5 && !resolve_type5(c, map, scn))
        return false;
    const struct ynode *seq = ytree_get(map, "route_reflectors");
    if (!seq)
        return true;
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
    return true;
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
}
