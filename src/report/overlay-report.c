/* Overlay results; see overlay-report.h. */
#include "report/overlay-report.h"

#include <inttypes.h>

#include "fabric/net.h"
#include "fabric/node.h"
#include "host/host.h"
#include "overlay/vswitch.h"
#include "overlay/vtep.h"
#include "report/results.h"
#include "scenario/scenario.h"
#include "world/world.h"

static void
add_vtep(struct vtep_stats *t, const struct vtep_stats *s)
{
    t->encap_pkts += s->encap_pkts;
        t->encap_bytes += s->encap_bytes;
        t->decap_pkts += s->decap_pkts;
        t->decap_bytes += s->decap_bytes;
        t->overhead_bytes += s->overhead_bytes;
        t->local_pkts += s->local_pkts;
        t->mtu_drops += s->mtu_drops;
        t->isolation_drops += s->isolation_drops;
}

static bool
server_vteps(const struct overlay *ov)
{
    return ov->spec->vteps == VTEP_SERVER;
}

/* The VTEPs' counters summed: the leaves', or the vswitches'. */
static void
totals(const struct overlay *ov, struct vtep_stats *t)
{
    *t = (struct vtep_stats){ 0 };
    for (uint32_t i = 0; i < ov->n_vteps && !server_vteps(ov); i++)
        add_vtep(t, &ov->vteps[i].st);
    for (uint32_t i = 0; i < ov->n_vswitches; i++)
        add_vtep(t, &ov->vswitches[i].st.tun);
}

static uint32_t
n_vteps(const struct overlay *ov)
{
    return server_vteps(ov) ? ov->n_vswitches : ov->n_vteps;
}

/* The vswitches' counters summed. */
static void
vswitch_totals(const struct overlay *ov, struct vswitch_stats *t,
               uint64_t *megaflows, uint64_t *rules)
{
    *t = (struct vswitch_stats){ 0 };
    *megaflows = *rules = 0;
    for (uint32_t i = 0; i < ov->n_vswitches; i++) {
        const struct vswitch *v = &ov->vswitches[i];
        const struct vswitch_stats *s = &v->st;
        t->pkts += s->pkts;
        t->microflow_hits += s->microflow_hits;
        t->megaflow_hits += s->megaflow_hits;
        t->upcalls += s->upcalls;
        t->pending_upcalls += s->pending_upcalls;
        t->installs += s->installs;
        t->evictions += s->evictions;
        t->floods += s->floods;
        t->flood_copies += s->flood_copies;
        t->flood_wire += s->flood_wire;
        t->flood_ignored += s->flood_ignored;
        t->controller_pkts += s->controller_pkts;
        t->learned += s->learned;
        t->policy_drops += s->policy_drops;
        t->table_drops += s->table_drops;
        *megaflows += v->mf_n;
        *rules += vswitch_rules(v);
    }
}

/* One row's vswitch columns (zeros for a leaf VTEP's row). */
static void
vswitch_cols(FILE *f, const struct vswitch *v)
{
    static const struct vswitch zero;
    if (!v)
        v = &zero;
    const struct vswitch_stats *s = &v->st;
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%" PRIu64 ",%" PRIu64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64
               ",%" PRIu64 ",%" PRIu64 ",%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%" PRIu64,
            s->pkts, s->microflow_hits, s->megaflow_hits, s->upcalls,
            s->pending_upcalls, s->installs, s->evictions, v->mf_n, s->floods,
            s->flood_copies, s->flood_wire, s->flood_ignored,
            vswitch_rules(v), s->learned, s->controller_pkts,
            s->policy_drops, s->table_drops);
}

static void
vtep_cols(FILE *f, const struct vtep_stats *st)
{
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
            st->encap_pkts, st->encap_bytes, st->decap_pkts, st->decap_bytes,
            st->overhead_bytes, st->local_pkts, st->mtu_drops,
            st->isolation_drops);
}

static void
ip_text(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255,
             ip & 255);
}

void
overlay_report_csv(FILE *f, const struct world *world,
                   const struct run_info *ri)
{
    const struct overlay *ov = world->overlay;
    const struct net *net = world_net_const(world);
    bool vsw = ov->n_vswitches > 0;
    (void)ri;
    fprintf(f, "vtep,address,encap_packets,encap_bytes,decap_packets,"
               "decap_bytes,overhead_bytes,local_packets,mtu_drops,"
               "isolation_drops%s\n",
            vsw ? ",vswitch_packets,microflow_hits,megaflow_hits,upcalls,"
                  "pending_upcalls,"
                  "megaflows_installed,megaflow_evictions,megaflows,floods,"
                  "flood_copies,flood_copies_sent,flood_copies_ignored,"
                  "openflow_entries,macs_learned,"
                  "controller_packets,policy_drops,table_drops"
                : "");
    char ip[16];
    for (uint32_t i = 0; i < ov->n_vteps && !server_vteps(ov); i++) {
        const struct vtep *v = &ov->vteps[i];
        ip_text(v->ip, ip);
        fprintf(f, "%s,%s", net->nodes[v->switch_id]->name, ip);
        vtep_cols(f, &v->st);
        if (vsw)
            vswitch_cols(f, NULL);
        fprintf(f, "\n");
    }
    for (uint32_t i = 0; i < ov->n_vswitches; i++) {
        const struct vswitch *v = &ov->vswitches[i];
        const struct host *h = &world->edge.hosts[v->host];
        ip_text(h->ip, ip);
        fprintf(f, "%s,%s", h->up.name, server_vteps(ov) ? ip : "");
        vtep_cols(f, &v->st.tun);
        vswitch_cols(f, v);
        fprintf(f, "\n");
    }
}

void
overlay_report_json(FILE *f, const struct world *world,
                    const struct run_info *ri)
{
    const struct overlay *ov = world->overlay;
    struct vtep_stats t;
    totals(ov, &t);
    fprintf(f, ",\n  \"overlay\": {\"encapsulation\": \"%s\", "
               "\"overhead_bytes_per_packet\": %" PRIu32 ", "
               "\"underlay_mtu\": %" PRIu32 ", \"tenants\": %zu, "
               "\"vteps\": %" PRIu32 ",\n    \"encap_packets\": %" PRIu64
               ", \"encap_bytes\": %" PRIu64 ", \"decap_packets\": %" PRIu64
               ", \"decap_bytes\": %" PRIu64 ", \"overhead_bytes\": %" PRIu64
               ", \"local_packets\": %" PRIu64 ", \"mtu_drops\": %" PRIu64
               ", \"isolation_drops\": %" PRIu64,
            encap_name(&ov->encap), encap_overhead_bytes(&ov->encap),
            ov->underlay_mtu_bytes, ov->spec->n_tenants, n_vteps(ov),
            t.encap_pkts, t.encap_bytes, t.decap_pkts, t.decap_bytes,
            t.overhead_bytes, t.local_pkts, t.mtu_drops, t.isolation_drops);
    if (!ov->n_vswitches) {
        fprintf(f, "}");
        return;
    }
    static const char *const tables[] = { "prepopulated", "learning",
                                          "reactive", "evpn" };
    struct vswitch_stats v;
    uint64_t megaflows, rules;
    vswitch_totals(ov, &v, &megaflows, &rules);
    fprintf(f, ",\n    \"vswitch\": {\"vswitches\": %" PRIu32 ", \"vteps\": "
               "\"%s\", \"tables\": \"%s\", \"packets\": %" PRIu64
               ", \"microflow_hits\": %" PRIu64 ", \"megaflow_hits\": %" PRIu64
               ", \"upcalls\": %" PRIu64 ", \"pending_upcalls\": %" PRIu64
               ", \"megaflows_installed\": %" PRIu64
               ", \"megaflow_evictions\": %" PRIu64 ", \"megaflows\": %" PRIu64
               ", \"floods\": %" PRIu64 ", \"flood_copies\": %" PRIu64
               ", \"flood_copies_sent\": %" PRIu64
               ", \"flood_copies_ignored\": %" PRIu64
               ", \"openflow_entries\": %" PRIu64 ", \"macs_learned\": %" PRIu64
               ", \"controller_packets\": %" PRIu64 ", \"policy_drops\": %" PRIu64
               ", \"table_drops\": %" PRIu64 "}}",
            ov->n_vswitches, server_vteps(ov) ? "server" : "leaf",
            tables[ov->spec->vswitch.tables], v.pkts, v.microflow_hits,
            v.megaflow_hits, v.upcalls, v.pending_upcalls, v.installs,
            v.evictions, megaflows,
            v.floods, v.flood_copies, v.flood_wire, v.flood_ignored, rules, v.learned, v.controller_pkts,
            v.policy_drops, v.table_drops);
}

void
overlay_report_print(FILE *f, const struct world *world,
                     const struct run_info *ri)
{
    const struct overlay *ov = world->overlay;
    struct vtep_stats t;
    totals(ov, &t);
    fprintf(f, "  overlay: %s, %zu tenants, %" PRIu32 " VTEPs; %" PRIu64
               " packets encapsulated (+%" PRIu64 " B), %" PRIu64
               " decapsulated, %" PRIu64 " MTU drops\n",
            encap_name(&ov->encap), ov->spec->n_tenants, n_vteps(ov),
            t.encap_pkts, t.overhead_bytes, t.decap_pkts, t.mtu_drops);
    if (!ov->n_vswitches)
        return;
    struct vswitch_stats v;
    uint64_t megaflows, rules;
    vswitch_totals(ov, &v, &megaflows, &rules);
    fprintf(f, "  vswitch: %" PRIu32 " vswitches; %" PRIu64 " packets, %"
               PRIu64 " microflow hits, %" PRIu64 " megaflow hits, %" PRIu64
               " upcalls, %" PRIu64 " evictions, %" PRIu64 " floods, %"
               PRIu64 " policy drops\n",
            ov->n_vswitches, v.pkts, v.microflow_hits, v.megaflow_hits,
            v.upcalls, v.evictions, v.floods, v.policy_drops);
}

const char *
overlay_report_tenant(const struct world *world, uint32_t h)
{
    const struct overlay_spec *o = &world->scn->overlay;
    uint32_t t = o->enabled ? o->host_tenant[h] : 0;
    return t ? o->tenants[t - 1].name : "";
}
