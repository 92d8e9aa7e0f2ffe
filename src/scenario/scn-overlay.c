/* The `overlay` section (docs/scenario.md, "overlay"): the tunnel
 * encapsulation, where the VTEPs live and the tenants, into struct
 * overlay_spec (overlay/overlay-spec.h); and the checks that need the
 * built graph and the traffic: tenants' hosts, and no flow between
 * tenants. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "transport/transport.h"
#include "workload/flowfile.h"

#define O(F) offsetof(struct overlay_spec, F)
static const struct key overlay_keys[] = {
    { "encapsulation", KEY_CUSTOM, .what = "vxlan, geneve, vlan",
      .dflt = "vxlan",
      .help = "VXLAN (RFC 7348, UDP 4789), Geneve (RFC 8926, UDP 6081) or "
              "802.1Q VLAN segments." },
    { "geneve_option_bytes", KEY_U16, O(encap.opt_bytes), 0,
      GENEVE_OPT_MAX_BYTES, .dflt = "0",
      .help = "Geneve TLV option bytes per packet, headers included; a "
              "multiple of 4." },
    { "vteps", KEY_CUSTOM, .what = "leaf, server", .dflt = "leaf",
      .help = "Where packets are encapsulated: the switches hosts attach "
              "to, or each server's vswitch." },
    { "source_port", KEY_CUSTOM, .what = "hash, or integer 1..65535",
      .dflt = "hash",
      .help = "Outer UDP source port: a hash of the inner headers, or "
              "fixed." },
    { "underlay_mtu", KEY_U32, O(underlay_mtu_bytes), MTU_MIN, MTU_MAX,
      .note = "mtu",
      .help = "IP MTU of the fabric's links, which tunnel packets must "
              "fit." },
    { "tenants", KEY_CUSTOM, .what = "sequence of tenant mappings",
      .note = "required", .help = "The virtual networks." },
    { "vswitch", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "An Open vSwitch-style switch on every tenant server with "
              "VMs." },
};
#undef O

#define V(F) offsetof(struct vswitch_spec, F)
static const struct key vswitch_keys[] = {
    { "tables", KEY_CUSTOM,
      .what = "prepopulated, learning, reactive, evpn",
      .dflt = "prepopulated",
      .help = "How the OpenFlow tables get their forwarding entries." },
    { "microflow_entries", KEY_U32, V(microflow_entries), 1, 1u << 20,
      .dflt = "8192",
      .help = "Exact-match cache entries, a power of two (OVS's EMC)." },
    { "megaflow_entries", KEY_U32, V(megaflow_entries), 1, 1u << 24,
      .dflt = "200000",
      .help = "Megaflow cache bound (OVS's flow-limit); LRU eviction." },
    { "upcall", KEY_DURATION, V(upcall_ps), 1, .dflt = "5.4us",
      .help = "Handler-thread time per cache miss (Pfaff et al. 2015)." },
    { "mask_probe", KEY_CYCLES, V(mask_probe), .dflt = "100",
      .help = "Cycles per megaflow mask probed after a microflow miss." },
    { "controller_delay", KEY_DURATION, V(controller_delay_ps), 1,
      .note = "required (reactive)",
      .help = "Reactive: from a packet-in to the entry's installation." },
    { "mac_aging", KEY_DURATION, V(mac_aging_ps), 1, .dflt = "300s",
      .help = "Learning: a learned MAC's lifetime after it was last "
              "seen." },
    { "handler_core", KEY_U32, V(handler_core), 0, 2047,
      .note = "the server's last core",
      .help = "Core of the handler thread that runs upcalls." },
    { "deny_ports", KEY_CUSTOM, .what = "sequence of ports 1..65535",
      .note = "none",
      .help = "ACL: TCP and UDP packets from or to these ports are "
              "dropped." },
    { "identities", KEY_CUSTOM, .what = "sequence of identity mappings",
      .note = "none",
      .help = "Cilium-style security identities (Geneve option)." },
    { "allow", KEY_CUSTOM, .what = "sequence of {from, to} mappings",
      .note = "none",
      .help = "Identity pairs allowed; others are dropped." },
};
#undef V

static const struct key identity_keys[] = {
    { "name", KEY_CUSTOM, .what = "string", .note = "required",
      .help = "Names the identity (in allow)." },
    { "hosts", KEY_CUSTOM, .what = "sequence of host names",
      .note = "required",
      .help = "Hosts whose VMs carry it; a host has one at most." },
};

static const struct key allow_keys[] = {
    { "from", KEY_CUSTOM, .what = "identity name", .note = "required",
      .help = "Source identity." },
    { "to", KEY_CUSTOM, .what = "identity name", .note = "required",
      .help = "Destination identity." },
};

#define T(F) offsetof(struct tenant_spec, F)
static const struct key tenant_keys[] = {
    { "name", KEY_CUSTOM, .what = "string", .note = "required",
      .help = "Names the tenant (flows.csv, overlay.csv)." },
    { "vni", KEY_U32, T(vni), 1, VNI_MAX, .note = "required (vxlan, geneve)",
      .help = "VXLAN/Geneve network identifier, 24 bits, unique." },
    { "vlan", KEY_CUSTOM, .what = "integer 1..4094",
      .note = "required (vlan)",
      .help = "802.1Q VLAN ID of the tenant's segment, 12 bits, unique." },
    { "hosts", KEY_CUSTOM, .what = "sequence of host names",
      .note = "required", .help = "Member hosts; a host is in one tenant "
                                  "at most." },
    { "subnet", KEY_CUSTOM, .what = "IPv4 prefix A.B.C.D/8..30",
      .dflt = "192.168.0.0/24",
      .help = "Tenant addresses, given to members in order; tenants may "
              "overlap." },
};
#undef T

const struct key_section scn_overlay_keys =
    KEY_SECTION("overlay", overlay_keys);
const struct key_section scn_tenant_keys =
    KEY_SECTION("overlay.tenants[]", tenant_keys);
const struct key_section scn_vswitch_keys =
    KEY_SECTION("overlay.vswitch", vswitch_keys);
const struct key_section scn_identity_keys =
    KEY_SECTION("overlay.vswitch.identities[]", identity_keys);
const struct key_section scn_allow_keys =
    KEY_SECTION("overlay.vswitch.allow[]", allow_keys);

static const char subnet_form[] = "an IPv4 prefix A.B.C.D/LEN, LEN 8..30";

static bool
parse_subnet(struct ctx *c, const struct ynode *n, const char *path,
             struct tenant_spec *t)
{
    const char *text;
    unsigned a, b, cc, d, len;
    char end;
    if (!read_string(c, n, path, subnet_form, &text))
        return false;
    if (sscanf(text, "%u.%u.%u.%u/%u%c", &a, &b, &cc, &d, &len, &end) != 5 ||
        a > 255 || b > 255 || cc > 255 || d > 255)
        return fail_value(c, n, path, NULL, subnet_form);
    if (len < 8 || len > 30)
        return fail_value(c, n, path, "prefix length out of range",
                          subnet_form);
    uint32_t ip = a << 24 | b << 16 | cc << 8 | d;
    uint32_t mask = ~0u << (32 - len);
    if (ip & ~mask)
        return fail_value(c, n, path, "host bits set",
                          "a prefix whose host bits are zero");
    t->subnet = ip;
    t->prefix_len = (uint8_t)len;
    return true;
}

/* The tenant's VLAN ID, into t->vni: 12 bits, 0 and 4095 reserved. */
static bool
parse_vlan(struct ctx *c, const struct ynode *n, const char *path,
           struct tenant_spec *t)
{
    static const char form[] = "a VLAN ID 1..4094";
    uint64_t vid;
    if (!read_u64_form(c, n, path, 0, UINT32_MAX, form, &vid))
        return false;
    if (vid == 0)
        return fail_value(c, n, path, "IEEE 802.1Q's VID 0 tags a frame's "
                          "priority only, in no VLAN", form);
    if (vid == 4095)
        return fail_value(c, n, path, "reserved by IEEE 802.1Q: the VID is "
                          "12 bits and 0 and 4095 are not VLANs", form);
    if (vid > 4095)
        return fail_value(c, n, path, "the 802.1Q VID is 12 bits", form);
    t->vni = (uint32_t)vid;
    return true;
}

static bool
parse_tenant(struct ctx *c, const struct ynode *map, const char *path,
             struct overlay_spec *o, size_t i)
{
    static const char *const required[] = { "name", "vni", "hosts" };
    static const char *const required_vlan[] = { "name", "vlan", "hosts" };
    bool vlan = o->encap.kind == ENCAP_VLAN;
    const char *id = vlan ? "vlan" : "vni";
    struct tenant_spec *t = &o->tenants[i];
    char sub[PATH_BYTES];
    t->subnet = 0xC0A80000u;  /* 192.168.0.0/24 */
    t->prefix_len = 24;
    if (!need_keyed(c, map, path, &scn_tenant_keys,
                    vlan ? "a mapping with name, vlan and hosts"
                         : "a mapping with name, vni and hosts") ||
        !require_keys(c, map, path, vlan ? required_vlan : required, 3))
        return false;
    const struct ynode *n = ytree_get(map, vlan ? "vni" : "vlan");
    if (n) {
        path_key(sub, path, vlan ? "vni" : "vlan");
        return fail_at(c, &n->mark, vlan ? "%s: a VLAN segment has a VLAN "
                       "ID, not a VNI (encapsulation: vlan)"
                                         : "%s: only with encapsulation: "
                       "vlan (VXLAN and Geneve segments have a VNI)", sub);
    }
    path_key(sub, path, "vlan");
    if (!keys_read(c, map, path, &scn_tenant_keys, 0, t) ||
        (vlan && !parse_vlan(c, ytree_get(map, "vlan"), sub, t)))
        return false;
    n = ytree_get(map, "name");
    const char *name;
    path_key(sub, path, "name");
    if (!read_string(c, n, sub, "a non-empty string", &name))
        return false;
    /* flows.csv's tenant column holds it unquoted. */
    if (strpbrk(name, ",\"\n\r"))
        return fail_value(c, n, sub, "a comma, double quote or line break",
                          "a name without them (flows.csv's tenant column "
                          "holds it)");
    for (size_t j = 0; j < i; j++) {
        if (!strcmp(o->tenants[j].name, name))
            return fail_value(c, n, sub, "another tenant has this name",
                              "a name no other tenant has");
        if (o->tenants[j].vni == t->vni) {
            path_key(sub, path, id);
            return fail_value(c, ytree_get(map, id), sub,
                              vlan ? "another tenant has this VLAN ID"
                                   : "another tenant has this VNI",
                              vlan ? "a VLAN ID no other tenant has"
                                   : "a VNI no other tenant has");
        }
    }
    t->name = xstrdup(name);
    n = ytree_get(map, "subnet");
    path_key(sub, path, "subnet");
    if (n && !parse_subnet(c, n, sub, t))
        return false;
    n = ytree_get(map, "hosts");
    path_key(sub, path, "hosts");
    return need_sequence(c, n, sub, true, "a non-empty sequence of host "
                                          "names");
}

/* An identity's name in overlay.vswitch.allow (index into *OUT). */
static bool
read_identity(struct ctx *c, const struct ynode *map, const char *path,
              const char *key, const struct vswitch_spec *v, uint32_t *out)
{
    char sub[PATH_BYTES];
    const char *name;
    const struct ynode *n = ytree_get(map, key);
    path_key(sub, path, key);
    if (!read_string(c, n, sub, "the name of an identity", &name))
        return false;
    for (size_t i = 0; i < v->n_identities; i++) {
        if (!strcmp(v->identities[i], name)) {
            *out = (uint32_t)i;
            return true;
        }
    }
    return fail_value(c, n, sub, "no identity has this name",
                      "the name of one of overlay.vswitch.identities");
}

static bool
parse_vswitch(struct ctx *c, const struct ynode *map, struct overlay_spec *o)
{
    static const char *const tables[] = { "prepopulated", "learning",
                                          "reactive", "evpn" };
    static const char *const ident_required[] = { "name", "hosts" };
    static const char *const allow_required[] = { "from", "to" };
    struct vswitch_spec *v = &o->vswitch;
    const struct key_section *sec = &scn_vswitch_keys;
    v->enabled = true;
    v->handler_core = UINT32_MAX;
    keys_defaults(sec, v);
    if (!read_keyed(c, map, "overlay.vswitch", sec,
                    "a mapping of vswitch settings", v))
        return false;
    const struct ynode *n = ytree_get(map, "tables");
    size_t k;
    if (n) {
        if (!read_choice(c, n, "overlay.vswitch.tables", tables, 4, &k))
            return false;
        v->tables = (enum vsw_tables)k;
    }
    n = ytree_get(map, "microflow_entries");
    if (n && (v->microflow_entries & (v->microflow_entries - 1)))
        return fail_value(c, n, "overlay.vswitch.microflow_entries",
                          "the exact-match cache is indexed by hash bits",
                          "a power of two, 1..1048576");
    n = ytree_get(map, "controller_delay");
    if (v->tables == VSW_REACTIVE && !n)
        return fail_at(c, &map->mark, "overlay.vswitch: tables: reactive "
                       "needs controller_delay (the time from a packet-in "
                       "to the controller's entry)");
    if (n && v->tables != VSW_REACTIVE)
        return fail_at(c, &n->mark, "overlay.vswitch.controller_delay: "
                       "only with tables: reactive");
    n = ytree_get(map, "mac_aging");
    if (n && v->tables != VSW_LEARNING)
        return fail_at(c, &n->mark, "overlay.vswitch.mac_aging: only with "
                       "tables: learning");
    n = ytree_get(map, "deny_ports");
    if (n) {
        if (!need_sequence(c, n, "overlay.vswitch.deny_ports", false,
                           "a sequence of ports 1..65535"))
            return false;
        v->deny_ports = xcalloc(n->n_items + 1, sizeof *v->deny_ports);
        v->n_deny_ports = n->n_items;
        for (size_t i = 0; i < n->n_items; i++) {
            char path[PATH_BYTES];
            uint32_t port;
            path_index(path, "overlay.vswitch.deny_ports", i);
            if (!read_u32(c, n->items[i], path, 1, 65535, &port))
                return false;
            v->deny_ports[i] = (uint16_t)port;
        }
    }
    n = ytree_get(map, "identities");
    if (n) {
        if (!need_sequence(c, n, "overlay.vswitch.identities", true,
                           "a non-empty sequence of identity mappings"))
            return false;
        v->identities = xcalloc(n->n_items, sizeof *v->identities);
        for (size_t i = 0; i < n->n_items; i++) {
            const struct ynode *m = n->items[i];
            char path[PATH_BYTES], sub[PATH_BYTES];
            const char *name;
            path_index(path, "overlay.vswitch.identities", i);
            if (!need_keyed(c, m, path, &scn_identity_keys,
                            "a mapping with name and hosts") ||
                !require_keys(c, m, path, ident_required, 2))
                return false;
            path_key(sub, path, "name");
            if (!read_string(c, ytree_get(m, "name"), sub,
                             "a non-empty string", &name))
                return false;
            for (size_t j = 0; j < i; j++)
                if (!strcmp(v->identities[j], name))
                    return fail_value(c, ytree_get(m, "name"), sub,
                                      "another identity has this name",
                                      "a name no other identity has");
            path_key(sub, path, "hosts");
            if (!need_sequence(c, ytree_get(m, "hosts"), sub, true,
                               "a non-empty sequence of host names"))
                return false;
            v->identities[v->n_identities++] = xstrdup(name);
        }
    }
    n = ytree_get(map, "allow");
    if (n && !v->n_identities)
        return fail_at(c, &n->mark, "overlay.vswitch.allow: names pairs of "
                       "identities, and overlay.vswitch.identities is not "
                       "given");
    if (n) {
        if (!need_sequence(c, n, "overlay.vswitch.allow", false,
                           "a sequence of {from, to} mappings"))
            return false;
        v->allow = xcalloc(n->n_items + 1, sizeof *v->allow);
        for (size_t i = 0; i < n->n_items; i++) {
            const struct ynode *m = n->items[i];
            char path[PATH_BYTES];
            path_index(path, "overlay.vswitch.allow", i);
            if (!need_keyed(c, m, path, &scn_allow_keys,
                            "a mapping with from and to") ||
                !require_keys(c, m, path, allow_required, 2) ||
                !read_identity(c, m, path, "from", v, &v->allow[i][0]) ||
                !read_identity(c, m, path, "to", v, &v->allow[i][1]))
                return false;
            v->n_allow++;
        }
    }
    return true;
}

bool
scn_parse_overlay(struct ctx *c, const struct ynode *map,
                  struct overlay_spec *o)
{
    static const char *const encaps[] = { "vxlan", "geneve", "vlan" };
    static const char *const places[] = { "leaf", "server" };
    const struct key_section *sec = &scn_overlay_keys;
    o->enabled = true;
    if (!need_keyed(c, map, "overlay", sec, "a mapping of overlay settings") ||
        !require_key(c, map, "overlay", "tenants") ||
        !keys_read(c, map, "overlay", sec, 0, o))
        return false;
    const struct ynode *n = ytree_get(map, "encapsulation");
    size_t k;
    if (n) {
        if (!read_choice(c, n, "overlay.encapsulation", encaps, 3, &k))
            return false;
        o->encap.kind = (enum encap_kind)k;
    }
    n = ytree_get(map, "geneve_option_bytes");
    if (n && o->encap.kind != ENCAP_GENEVE)
        return fail_at(c, &n->mark, "overlay.geneve_option_bytes: only "
                       "with encapsulation: geneve (VXLAN and VLAN tags "
                       "have no options)");
    if (n && o->encap.opt_bytes % 4)
        return fail_value(c, n, "overlay.geneve_option_bytes",
                          "Geneve options are whole 4-byte words",
                          "a multiple of 4, 0..252");
    n = ytree_get(map, "vteps");
    if (n) {
        if (!read_choice(c, n, "overlay.vteps", places, 2, &k))
            return false;
        o->vteps = (enum vtep_place)k;
    }
    n = ytree_get(map, "source_port");
    if (n && !(n->kind == YNODE_SCALAR && !strcmp(n->text, "hash"))) {
        uint32_t port;
        if (!read_u32(c, n, "overlay.source_port", 1, 65535, &port))
            return false;
        o->encap.fixed_sport = true;
        o->encap.sport = (uint16_t)port;
    }
    if (n && o->encap.kind == ENCAP_VLAN)
        return fail_at(c, &n->mark, "overlay.source_port: only with "
                       "encapsulation: vxlan or geneve (a VLAN tag has no "
                       "outer UDP header)");
    n = ytree_get(map, "tenants");
    if (!need_sequence(c, n, "overlay.tenants", true,
                       "a non-empty sequence of tenant mappings"))
        return false;
    if (o->encap.kind == ENCAP_VLAN && n->n_items > VLAN_VID_MAX)
        return fail_at(c, &n->mark, "overlay.tenants: %zu VLAN segments, "
                       "but the 802.1Q VID is 12 bits and gives 4094 (1..4094;"
                       " 0 and 4095 are reserved); expected at most 4094 "
                       "tenants, or encapsulation: vxlan or geneve (24-bit "
                       "VNIs)", n->n_items);
    o->tenants = xcalloc(n->n_items, sizeof *o->tenants);
    o->n_tenants = n->n_items;
    for (size_t i = 0; i < n->n_items; i++) {
        char path[PATH_BYTES];
        path_index(path, "overlay.tenants", i);
        if (!parse_tenant(c, n->items[i], path, o, i))
            return false;
    }
    n = ytree_get(map, "vswitch");
    if (n && !parse_vswitch(c, n, o))
        return false;
    n = ytree_get(map, "vteps");
    if (o->vteps == VTEP_SERVER && !o->vswitch.enabled)
        return fail_at(c, &n->mark, "overlay.vteps: server puts the VTEPs "
                       "in the servers' vswitches, and overlay.vswitch is "
                       "not given");
    n = ytree_get(map, "vswitch");
    if (o->vswitch.n_identities &&
        !(o->encap.kind == ENCAP_GENEVE && o->vteps == VTEP_SERVER &&
          o->encap.opt_bytes >= 8))
        return fail_at(c, &ytree_get(n, "identities")->mark,
                       "overlay.vswitch.identities: the source's identity "
                       "travels in a Geneve option (4 B header + 4 B "
                       "identity) between software VTEPs; expected "
                       "encapsulation: geneve, geneve_option_bytes >= 8 and "
                       "vteps: server");
    return true;
}

/* NULL if hosts A and B are in one tenant; else what is wrong with a
 * flow between them (one may be in none), allocated. */
static char *
tenant_clash(const struct scenario *scn, uint32_t a, uint32_t b)
{
    const struct overlay_spec *o = &scn->overlay;
    uint32_t ta = o->host_tenant[a], tb = o->host_tenant[b];
    if (ta == tb)
        return NULL;
    const struct topo_graph *g = &scn->graph;
    return xasprintf("%s (%s) and %s (%s) are in different tenants; traffic "
                     "never crosses tenants", g->nodes[a].name,
                     ta ? o->tenants[ta - 1].name : "no tenant",
                     g->nodes[b].name,
                     tb ? o->tenants[tb - 1].name : "no tenant");
}

/* Fails at the traffic entry or flow N if hosts A and B are in
 * different tenants (or one in none). */
static bool
same_tenant(struct ctx *c, const struct scenario *scn, const struct ynode *n,
            const char *path, uint32_t a, uint32_t b)
{
    char *why = tenant_clash(scn, a, b);
    if (!why)
        return true;
    fail_at(c, &n->mark, "%s: %s", path, why);
    free(why);
    return false;
}

/* Fails at the first line of TS's flow file whose hosts are in
 * different tenants (PATH naming the entry). */
static bool
file_same_tenant(struct ctx *c, const struct scenario *scn,
                 const struct traffic_spec *ts, const char *path)
{
    struct flowfile *ff = NULL;
    struct flowfile_flow f;
    char *err = NULL;
    /* The traffic section has read the file through already. */
    if (!flowfile_open(ts->file, (enum flowfile_format)ts->file_format,
                       &scn->graph, &ff, &err))
        while (!err && flowfile_next(ff, &f, &err) == 1) {
            char *why = tenant_clash(scn, f.src, f.dst);
            if (why)
                err = xasprintf("%s:%" PRIu64 ":1: %s (%s.file)", ts->file,
                                flowfile_line(ff), why, path);
            free(why);
        }
    flowfile_close(ff);
    if (!err)
        return true;
    if (!c->err)
        c->err = err;
    else
        free(err);
    return false;
}

/* No flow between tenants: explicit flows pair by pair, and a flow
 * file's line by line; a generated pattern pairs any hosts, so every
 * host must be in one tenant. */
static bool
check_traffic(struct ctx *c, const struct ynode *root,
              const struct scenario *scn)
{
    const struct ynode *seq = ytree_get(root, "traffic");
    for (size_t i = 0; i < scn->n_traffic; i++) {
        const struct traffic_spec *ts = &scn->traffic[i];
        const struct ynode *map = seq->items[i];
        char path[PATH_BYTES];
        path_index(path, "traffic", i);
        if (ts->pattern == PATTERN_FILE) {
            if (!file_same_tenant(c, scn, ts, path))
                return false;
            continue;
        }
        if (ts->pattern != PATTERN_FLOWS) {
            for (uint32_t h = 1; h < scn->graph.n_hosts; h++)
                if (!same_tenant(c, scn, ytree_get(map, "pattern"), path, 0,
                                 h))
                    return false;
            continue;
        }
        for (size_t j = 0; j < ts->n_flows; j++) {
            char fpath[PATH_BYTES];
            path_format(fpath, "%s.flows.%zu", path, j);
            if (!same_tenant(c, scn, ytree_get(map, "flows")->items[j],
                             fpath, ts->flows[j].src, ts->flows[j].dst))
                return false;
        }
    }
    return true;
}

const struct server_spec *
scn_server_spec_of(const struct scenario *scn, uint32_t h)
{
    for (size_t i = 0; i < scn->n_server_nodes; i++)
        if (scn->server_nodes[i].host == h)
            return &scn->server_nodes[i].spec;
    return &scn->server;
}

/* A vswitch needs every tenant host to be a server with VMs behind a
 * software I/O path, and its handler core; identities name hosts. */
static bool
check_vswitch(struct ctx *c, const struct ynode *root, const struct ynode *map,
              struct scenario *scn)
{
    struct vswitch_spec *v = &scn->overlay.vswitch;
    const struct overlay_spec *o = &scn->overlay;
    if (!v->enabled)
        return true;
    const struct ynode *vm = ytree_get(map, "vswitch");
    for (uint32_t h = 0; h < scn->graph.n_hosts; h++) {
        if (!o->host_tenant[h])
            continue;
        const struct server_spec *s = scn_server_spec_of(scn, h);
        const char *name = scn->graph.nodes[h].name;
        if (!scn->has_server || !s->has_vm)
            return fail_at(c, &vm->mark, "overlay.vswitch: host %s has no "
                           "VMs; a vswitch sits between VMs and the NIC "
                           "(expected a server section with vm)", name);
        if (s->vm.io == VM_IO_SRIOV)
            return fail_at(c, &vm->mark, "overlay.vswitch: host %s's VMs "
                           "use SR-IOV VFs, which bypass the host's switch "
                           "(expected server.vm.io emulated, virtio or "
                           "vhost)", name);
        uint32_t cores = s->sockets * s->cores_per_socket;
        if (v->handler_core != UINT32_MAX && v->handler_core >= cores)
            return fail_at(c, &ytree_get(vm, "handler_core")->mark,
                           "overlay.vswitch.handler_core: host %s has %u "
                           "cores (0..%u)", name, cores, cores - 1);
    }
    /* RDMA runs in the NIC, past the host's switch: with software VTEPs
     * its packets would leave untunneled. */
    const struct ynode *traffic = ytree_get(root, "traffic");
    for (size_t i = 0; o->vteps == VTEP_SERVER && i < scn->n_traffic; i++) {
        const struct transport_class *tp =
            transport_find(scn->traffic[i].protocol);
        if (tp && tp->nic_offload)
            return fail_at(c, &ytree_get(traffic->items[i], "protocol")->mark,
                           "traffic.%zu.protocol: %s runs in the NIC and "
                           "bypasses the vswitch, which holds the VTEPs with "
                           "overlay.vteps: server; expected tcp or udp, or "
                           "vteps: leaf", i, tp->name);
    }
    const struct ynode *seq = ytree_get(vm, "identities");
    if (!seq)
        return true;
    v->host_identity = xcalloc(scn->graph.n_hosts, sizeof *v->host_identity);
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *hosts = ytree_get(seq->items[i], "hosts");
        for (size_t j = 0; j < hosts->n_items; j++) {
            char sub[PATH_BYTES];
            uint32_t h;
            path_format(sub, "overlay.vswitch.identities.%zu.hosts.%zu", i,
                        j);
            if (!scn_resolve_host(c, scn, hosts->items[j], sub, &h))
                return false;
            if (v->host_identity[h])
                return fail_at(c, &hosts->items[j]->mark, "%s: host %s "
                               "already has identity %s", sub,
                               hosts->items[j]->text,
                               v->identities[v->host_identity[h] - 1]);
            v->host_identity[h] = (uint32_t)i + 1;
        }
    }
    return true;
}

bool
scn_resolve_overlay(struct ctx *c, const struct ynode *root,
                    struct scenario *scn)
{
    struct overlay_spec *o = &scn->overlay;
    if (!o->enabled)
        return true;
    const struct ynode *map = ytree_get(root, "overlay");
    if (scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, &map->mark, "overlay: VXLAN and Geneve run over "
                       "an Ethernet/IPv4 underlay, not fabric: infiniband");
    const struct ynode *hv = ytree_get(ytree_get(root, "host"), "vlan");
    if (o->encap.kind == ENCAP_VLAN && hv)
        return fail_at(c, &hv->mark, "host.vlan: with overlay.encapsulation: "
                       "vlan the hosts send untagged frames and their "
                       "leaf's access port tags them with the tenant's VLAN");
    const struct ynode *seq = ytree_get(map, "tenants");
    o->host_tenant = xcalloc(scn->graph.n_hosts, sizeof *o->host_tenant);
    for (size_t i = 0; i < o->n_tenants; i++) {
        struct tenant_spec *t = &o->tenants[i];
        const struct ynode *hosts = ytree_get(seq->items[i], "hosts");
        char path[PATH_BYTES];
        path_format(path, "overlay.tenants.%zu.hosts", i);
        uint64_t room = (UINT64_C(1) << (32 - t->prefix_len)) - 2;
        if (hosts->n_items > room)
            return fail_at(c, &hosts->mark, "%s: %zu hosts do not fit the "
                           "tenant's subnet, which has %" PRIu64 " addresses",
                           path, hosts->n_items, room);
        t->hosts = xcalloc(hosts->n_items, sizeof *t->hosts);
        t->n_hosts = hosts->n_items;
        for (size_t j = 0; j < hosts->n_items; j++) {
            char sub[PATH_BYTES];
            path_index(sub, path, j);
            uint32_t h;
            if (!scn_resolve_host(c, scn, hosts->items[j], sub, &h))
                return false;
            if (o->host_tenant[h])
                return fail_at(c, &hosts->items[j]->mark, "%s: host %s is "
                               "already in tenant %s", sub,
                               hosts->items[j]->text,
                               o->tenants[o->host_tenant[h] - 1].name);
            o->host_tenant[h] = (uint32_t)i + 1;
            t->hosts[j] = h;
        }
    }
    return check_vswitch(c, root, map, scn) && check_traffic(c, root, scn);
}

void
scn_overlay_spec_free(struct overlay_spec *o)
{
    for (size_t i = 0; i < o->n_tenants; i++) {
        free(o->tenants[i].name);
        free(o->tenants[i].hosts);
    }
    free(o->tenants);
    free(o->host_tenant);
    struct vswitch_spec *v = &o->vswitch;
    for (size_t i = 0; i < v->n_identities; i++)
        free(v->identities[i]);
    free(v->identities);
    free(v->host_identity);
    free(v->deny_ports);
    free(v->allow);
}
