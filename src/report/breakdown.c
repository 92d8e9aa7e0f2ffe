/* The per-packet latency breakdown; see breakdown.h. */
#include "report/breakdown.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "scenario/scenario.h"
#include "world/world.h"
#include "report/results.h"
#include "sim/stats.h"

const char *const bd_part_names[BD_N] = {
    "app", "stack", "irq", "exits", "backend", "rate_limit", "iommu",
    "pcie", "nic", "wire", "switch",
};

/* Where a core's time by activity goes. */
static const uint8_t act_part[ACT_N] = {
    [ACT_APP] = BD_APP,     [ACT_STACK] = BD_STACK, [ACT_IRQ] = BD_IRQ,
    [ACT_VHOST] = BD_BACKEND, [ACT_VMM] = BD_BACKEND, [ACT_EXIT] = BD_EXITS,
    [ACT_RDMA] = BD_APP, [ACT_UPCALL] = BD_STACK,
};

void
breakdown_destroy(struct breakdown *bd)
{
    if (!bd)
        return;
    free(bd->rec);
    free(bd);
}

static struct bd_rec *
rec_of(struct breakdown *bd, const struct pkt *p)
{
    sim_assert(pkt_traced(p) && p->bd_rec < bd->n);
    return &bd->rec[p->bd_rec];
}

static struct breakdown *
of_host(struct host_observer *obs)
{
    return CONTAINER_OF(obs, struct breakdown, up_host);
}

static struct breakdown *
of_net(struct net_observer *obs)
{
    return CONTAINER_OF(obs, struct breakdown, up_net);
}

/* P has just been created by its transport; its first stage is PART.
 * Traces it if it is a data packet of the chosen flow. */
static void
bd_begin(struct host_observer *obs, struct net *net, struct pkt *p,
         enum bd_part part)
{
    struct breakdown *bd = of_host(obs);
    if (p->flow_id != bd->flow || !p->payload_bytes)
        return;
    if (bd->n == bd->cap) {
        bd->cap = bd->cap ? 2 * bd->cap : 256;
        bd->rec = xrealloc(bd->rec, bd->cap * sizeof *bd->rec);
    }
    sim_assert(bd->n < UINT32_MAX);
    struct bd_rec *r = &bd->rec[bd->n];
    memset(r, 0, sizeof *r);
    r->start_ps = r->stamp_ps = net->sim.now_ps;
    r->seq = p->seq;
    r->cur = (uint8_t)part;
    r->status = BD_IN_FLIGHT;
    p->hooks |= PKT_HOOK_TRACE;
    p->bd_rec = (uint32_t)bd->n++;
}

/* Ends the open stage at NOW, giving its time to the parts. */
static void
close_stage(struct bd_rec *r, uint64_t now)
{
    sim_assert(now >= r->stamp_ps);
    uint64_t span = now - r->stamp_ps;
    if (r->wait) {
        uint64_t busy[ACT_N], sum = 0;
        core_busy_at(r->wait, now, busy);
        for (int a = 0; a < ACT_N; a++) {
            uint64_t d = busy[a] - r->snap_ps[a];
            r->part_ps[act_part[a]] += d;
            sum += d;
        }
        /* A core does one thing at a time. */
        sim_assert(sum <= span);
        r->part_ps[r->idle] += span - sum;
        r->wait = NULL;
    } else {
        r->part_ps[r->cur] += span;
    }
    r->stamp_ps = now;
}

static void
bd_to(struct host_observer *obs, struct net *net, struct pkt *p,
      enum bd_part part)
{
    struct bd_rec *r = rec_of(of_host(obs), p);
    close_stage(r, net->sim.now_ps);
    r->cur = (uint8_t)part;
}

static void
bd_wait(struct host_observer *obs, struct net *net, struct pkt *p,
        const struct core *c, enum bd_part idle)
{
    struct bd_rec *r = rec_of(of_host(obs), p);
    uint64_t now = net->sim.now_ps;
    close_stage(r, now);
    r->wait = c;
    r->idle = (uint8_t)idle;
    core_busy_at(c, now, r->snap_ps);
}

static void
bd_credit(struct host_observer *obs, struct net *net, struct pkt *p,
          enum bd_part part, uint64_t ps)
{
    (void)net;
    struct bd_rec *r = rec_of(of_host(obs), p);
    sim_assert(!r->wait);
    r->part_ps[part] += ps;
    r->stamp_ps += ps;
}

/* P starts onto PORT's link now: SER_PS of serialization and the link's
 * propagation; then the next node (a switch, or a host's NIC) has it. */
static void
bd_wire(struct net_observer *obs, struct net *net, const struct port *port,
        struct pkt *p, uint64_t ser_ps)
{
    struct bd_rec *r = rec_of(of_net(obs), p);
    uint64_t prop_ps = link_prop_ps(net, &port->link);
    bool to_switch = port->link.peer->class == &switch_class;
    close_stage(r, net->sim.now_ps);
    r->part_ps[BD_WIRE] += ser_ps + prop_ps;
    r->stamp_ps += ser_ps + prop_ps;
    /* A switch's forwarding latency is in its inbound links' delay
     * (net.c): it falls to the switch, after the wire. */
    r->cur = to_switch ? BD_SWITCH : BD_NIC;
}

static void
bd_end(struct host_observer *obs, struct net *net, struct pkt *p)
{
    struct bd_rec *r = rec_of(of_host(obs), p);
    close_stage(r, net->sim.now_ps);
    r->end_ps = net->sim.now_ps;
    r->status = BD_DELIVERED;
    p->hooks &= (uint8_t)~PKT_HOOK_TRACE;
}

static void
bd_drop(struct net_observer *obs, struct net *net, struct pkt *p,
        enum drop_reason why)
{
    struct bd_rec *r = rec_of(of_net(obs), p);
    close_stage(r, net->sim.now_ps);
    r->end_ps = net->sim.now_ps;
    r->status = BD_DROPPED;
    r->drop = (uint8_t)why;
    p->hooks &= (uint8_t)~PKT_HOOK_TRACE;
}

static const struct net_observer_class bd_net_class = {
    .name = "breakdown",
    .depart = bd_wire,
    .drop = bd_drop,
};

static const struct host_observer_class bd_host_class = {
    .name = "breakdown",
    .begin = bd_begin,
    .to = bd_to,
    .wait = bd_wait,
    .credit = bd_credit,
    .end = bd_end,
};

struct breakdown *
breakdown_attach(struct world *w)
{
    const struct monitor_spec *ms = &w->scn->monitor;
    if (!ms->breakdown)
        return NULL;
    struct breakdown *bd = xcalloc(1, sizeof *bd);
    bd->up_net.class = &bd_net_class;
    bd->up_host.class = &bd_host_class;
    bd->flow = ms->breakdown_flow;
    net_observe(world_net(w), PKT_HOOK_TRACE, &bd->up_net);
    w->edge.obs = &bd->up_host;
    return bd;
}

/* ---- Results. ---- */

static double
ns(uint64_t ps)
{
    return (double)ps / 1e3;
}

void
breakdown_csv(FILE *f, const struct world *w, const struct run_info *ri)
{
    (void)w;
    const struct breakdown *bd = ri->breakdown;
    fprintf(f, "flow,seq,start_ns,end_ns,status,total_ns");
    for (int k = 0; k < BD_N; k++)
        fprintf(f, ",%s_ns", bd_part_names[k]);
    fputc('\n', f);
    for (size_t i = 0; i < bd->n; i++) {
        const struct bd_rec *r = &bd->rec[i];
        fprintf(f, "%u,%u,%.3f,", bd->flow, r->seq, ns(r->start_ps));
        if (r->status == BD_IN_FLIGHT)
            fprintf(f, ",in_flight,");
        else
            fprintf(f, "%.3f,%s,%.3f", ns(r->end_ps),
                    r->status == BD_DELIVERED
                        ? "delivered"
                        : drop_reason_name((enum drop_reason)r->drop),
                    ns(r->end_ps - r->start_ps));
        for (int k = 0; k < BD_N; k++)
            fprintf(f, ",%.3f", ns(r->part_ps[k]));
        fputc('\n', f);
    }
}

/* Over the delivered packets: each part's mean, and the latency's
 * percentiles. */
struct bd_sum {
    size_t delivered, dropped, in_flight;
    double mean_ns[BD_N];
    double mean_total_ns;
    struct pctl total_ns;
};

static void
summarize(const struct breakdown *bd, struct bd_sum *s)
{
    memset(s, 0, sizeof *s);
    double *tot = xcalloc(bd->n ? bd->n : 1, sizeof *tot);
    for (size_t i = 0; i < bd->n; i++) {
        const struct bd_rec *r = &bd->rec[i];
        if (r->status == BD_DROPPED)
            s->dropped++;
        if (r->status == BD_IN_FLIGHT)
            s->in_flight++;
        if (r->status != BD_DELIVERED)
            continue;
        for (int k = 0; k < BD_N; k++)
            s->mean_ns[k] += ns(r->part_ps[k]);
        tot[s->delivered++] = ns(r->end_ps - r->start_ps);
    }
    for (size_t i = 0; i < s->delivered; i++)
        s->mean_total_ns += tot[i];
    if (s->delivered) {
        for (int k = 0; k < BD_N; k++)
            s->mean_ns[k] /= (double)s->delivered;
        s->mean_total_ns /= (double)s->delivered;
    }
    stats_percentiles(tot, s->delivered, &s->total_ns);
    free(tot);
}

void
breakdown_json(FILE *f, const struct world *w, const struct run_info *ri)
{
    (void)w;
    const struct breakdown *bd = ri->breakdown;
    struct bd_sum s;
    summarize(bd, &s);
    fprintf(f, ",\n  \"breakdown\": {\"flow\": %u, \"packets\": %zu, "
               "\"delivered\": %zu, \"dropped\": %zu, \"in_flight\": %zu",
            bd->flow, bd->n, s.delivered, s.dropped, s.in_flight);
    if (!s.delivered) {
        fprintf(f, ", \"mean_ns\": null, \"latency_ns\": null}");
        return;
    }
    fprintf(f, ", \"mean_ns\": {\"total\": %.3f", s.mean_total_ns);
    for (int k = 0; k < BD_N; k++)
        fprintf(f, ", \"%s\": %.3f", bd_part_names[k], s.mean_ns[k]);
    fprintf(f, "}, \"latency_ns\": {\"p50\": %.3f, \"p90\": %.3f, "
               "\"p99\": %.3f, \"max\": %.3f}}",
            s.total_ns.p50, s.total_ns.p90, s.total_ns.p99, s.total_ns.max);
}

void
breakdown_print(FILE *f, const struct world *w, const struct run_info *ri)
{
    (void)w;
    const struct breakdown *bd = ri->breakdown;
    struct bd_sum s;
    summarize(bd, &s);
    fprintf(f, "  latency breakdown of flow %u: %zu packets delivered",
            bd->flow, s.delivered);
    if (s.dropped)
        fprintf(f, ", %zu dropped", s.dropped);
    if (!s.delivered) {
        fprintf(f, "\n");
        return;
    }
    fprintf(f, "; p50 %.3f us, mean %.3f us =", s.total_ns.p50 / 1e3,
            s.mean_total_ns / 1e3);
    bool first = true;
    for (int k = 0; k < BD_N; k++) {
        if (s.mean_ns[k] < 0.0005)
            continue;
        fprintf(f, "%s %s %.3f", first ? "" : " +", bd_part_names[k],
                s.mean_ns[k] / 1e3);
        first = false;
    }
    fprintf(f, "\n");
}
