/* Overlay results; see overlay-report.h. */
#include "report/overlay-report.h"

#include <inttypes.h>

#include "fabric/net.h"
#include "fabric/node.h"
#include "overlay/vtep.h"
#include "report/results.h"
#include "scenario/scenario.h"
#include "world/world.h"

static void
totals(const struct overlay *ov, struct vtep_stats *t)
{
    *t = (struct vtep_stats){ 0 };
    for (uint32_t i = 0; i < ov->n_vteps; i++) {
        const struct vtep_stats *s = &ov->vteps[i].st;
        t->encap_pkts += s->encap_pkts;
        t->encap_bytes += s->encap_bytes;
        t->decap_pkts += s->decap_pkts;
        t->decap_bytes += s->decap_bytes;
        t->overhead_bytes += s->overhead_bytes;
        t->local_pkts += s->local_pkts;
        t->mtu_drops += s->mtu_drops;
        t->isolation_drops += s->isolation_drops;
    }
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
    fprintf(f, "vtep,address,encap_packets,encap_bytes,decap_packets,"
               "decap_bytes,overhead_bytes,local_packets,mtu_drops,"
               "isolation_drops\n");
    for (uint32_t i = 0; i < ov->n_vteps; i++) {
        const struct vtep *v = &ov->vteps[i];
        char ip[16];
        ip_text(v->ip, ip);
        fprintf(f, "%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                   ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                net->nodes[v->switch_id]->name, ip, v->st.encap_pkts,
                v->st.encap_bytes, v->st.decap_pkts, v->st.decap_bytes,
                v->st.overhead_bytes, v->st.local_pkts, v->st.mtu_drops,
                v->st.isolation_drops);
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
               ", \"isolation_drops\": %" PRIu64 "}",
            encap_name(&ov->encap), encap_overhead_bytes(&ov->encap),
            ov->underlay_mtu_bytes, ov->spec->n_tenants, ov->n_vteps, t.encap_pkts, t.encap_bytes,
            t.decap_pkts, t.decap_bytes, t.overhead_bytes, t.local_pkts,
            t.mtu_drops, t.isolation_drops);
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
            encap_name(&ov->encap), ov->spec->n_tenants, ov->n_vteps,
            t.encap_pkts, t.overhead_bytes, t.decap_pkts, t.mtu_drops);
}

const char *
overlay_report_tenant(const struct world *world, uint32_t h)
{
    const struct overlay_spec *o = &world->scn->overlay;
    uint32_t t = o->enabled ? o->host_tenant[h] : 0;
    return t ? o->tenants[t - 1].name : "";
}
