/* Result files and the human summary; see results.h and docs/output.md. */
#include "report/results.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/fc.h"
#include "fabric/mmu.h"
#include "fabric/net.h"
#include "fabric/path.h"
#include "world/world.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "host/host.h"
#include "report/blk-report.h"
#include "control/control.h"
#include "report/control-report.h"
#include "report/storage-report.h"
#include "report/breakdown.h"
#include "report/ib-report.h"
#include "report/monitor.h"
#include "overlay/vtep.h"
#include "report/overlay-report.h"
#include "report/results-dir.h"
#include "report/pfc-report.h"
#include "host/server.h"
#include "report/host-report.h"
#include "sim/stats.h"
#include "report/workload-report.h"
#include "scenario/scenario.h"
#include "transport/transport.h"
#include "transport/flow.h"

void
results_summarize(const struct world *world, struct run_info *ri)
{
    const struct edge *edge = &world->edge;
    struct flow_summary *s = &ri->flows;
    double *fct = xmalloc((edge->n_flows + 1) * sizeof *fct);
    double *slow = xmalloc((edge->n_flows + 1) * sizeof *slow);
    size_t n = 0, n_sender = 0;
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < edge->n_flows; i++) {
        const struct flow *f = &edge->flows[i];
        if (fct_sender_done(f))
            fct[n_sender++] = fct_sender_slowdown(f);
    }
    stats_percentiles(fct, n_sender, &s->slowdown_sender);
    for (uint32_t i = 0; i < edge->n_flows; i++) {
        const struct flow *f = &edge->flows[i];
        if (!f->completed) {
            s->incomplete++;
            continue;
        }
        fct[n] = (double)(f->end_ps - f->start_ps);
        slow[n] = fct_slowdown(f);
        n++;
    }
    stats_percentiles(fct, n, &s->fct_ps);
    stats_percentiles(slow, n, &s->slowdown);
    free(fct);
    free(slow);
    fct_by_size_compute(edge->flows, edge->n_flows, &s->by_size);
}

static void
json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* The key and object of percentiles P, its closing brace left for the
 * caller to write after any more members. */
static void
json_pctl_open(FILE *f, const char *key, const struct pctl *p, int integer)
{
    fprintf(f, "  \"%s\": ", key);
    if (!p->n) {
        fprintf(f, "{\"count\": 0, \"p50\": null, \"p90\": null, \"p99\": "
                   "null, \"p999\": null, \"max\": null");
        return;
    }
    const char *names[5] = { "p50", "p90", "p99", "p999", "max" };
    double vals[5] = { p->p50, p->p90, p->p99, p->p999, p->max };
    fprintf(f, "{\"count\": %zu", p->n);
    for (int i = 0; i < 5; i++) {
        if (integer)
            fprintf(f, ", \"%s\": %.0f", names[i], vals[i]);
        else
            fprintf(f, ", \"%s\": %.6f", names[i], vals[i]);
    }
}

static void
json_pctl(FILE *f, const char *key, const struct pctl *p, int integer)
{
    json_pctl_open(f, key, p, integer);
    fputc('}', f);
}

static uint64_t
total_drops(const struct world *world)
{
    const struct net *net = world_net_const(world);
    uint64_t d = 0;
    for (int r = 0; r < DROP_N_REASONS; r++)
        d += net->st.drops[r];
    return d;
}

/* "transports": per protocol that has flows, its totals. */
static void
write_transport_totals(FILE *f, const struct world *world)
{
    const struct edge *edge = &world->edge;
    fprintf(f, ",\n  \"transports\": {");
    int first = 1;
    for (size_t t = 0; t < transport_count(); t++) {
        const char *name = transport_name(t);
        uint64_t n = 0, done = 0, bytes = 0, lost = 0, retx = 0, to = 0,
                 naks = 0, cnps = 0;
        for (uint32_t i = 0; i < edge->n_flows; i++) {
            const struct flow *fl = &edge->flows[i];
            if (strcmp(fl->transport->name, name))
                continue;
            n++;
            done += fl->completed;
            bytes += fl->bytes_delivered;
            lost += fl->bytes_lost;
            retx += fl->retx_pkts;
            to += fl->timeouts;
            naks += fl->naks;
            cnps += fl->cnps;
        }
        if (!n)
            continue;
        fprintf(f, "%s\n    \"%s\": {\"flows\": %llu, \"completed\": %llu, "
                   "\"bytes_delivered\": %llu, \"bytes_lost\": %llu, "
                   "\"retx_pkts\": %llu, \"timeouts\": %llu, \"naks\": %llu, "
                   "\"cnps\": %llu}",
                first ? "" : ",", name, (unsigned long long)n,
                (unsigned long long)done, (unsigned long long)bytes,
                (unsigned long long)lost, (unsigned long long)retx,
                (unsigned long long)to, (unsigned long long)naks,
                (unsigned long long)cnps);
        first = 0;
    }
    fprintf(f, "%s}", first ? "" : "\n  ");
}

static void
write_summary(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    const struct flow_summary *s = &ri->flows;
    const struct net_stats *st = &net->st;
    fprintf(f, "{\n  \"scenario\": ");
    json_string(f, world->scn->name);
    fprintf(f, ",\n  \"dcsim_version\": \"%s\"", DCSIM_VERSION);
    fprintf(f, ",\n  \"seed\": %llu", (unsigned long long)world->scn->seed);
    fprintf(f, ",\n  \"sim_time_ps\": %llu",
            (unsigned long long)ri->sim_time_ps);
    fprintf(f, ",\n  \"complete\": %s,\n  \"interrupted_by\": ",
            ri->interrupted_by ? "false" : "true");
    if (ri->interrupted_by)
        json_string(f, ri->interrupted_by);
    else
        fprintf(f, "null");
    fprintf(f, ",\n  \"wall_seconds\": %.3f", ri->wall_seconds);
    fprintf(f, ",\n  \"events\": %llu", (unsigned long long)net->sim.events);
    fprintf(f, ",\n  \"packet_hops\": %llu",
            (unsigned long long)st->packet_hops);
    fprintf(f, ",\n  \"hosts\": %u,\n  \"switches\": %u,\n  \"links\": %u",
            net->n_hosts, net->n_switches, net->n_ports / 2);
    fprintf(f, ",\n  \"flows\": %u", edge->n_flows);
    fprintf(f, ",\n  \"flows_started\": %llu",
            (unsigned long long)edge->st.flows_started);
    fprintf(f, ",\n  \"flows_completed\": %llu",
            (unsigned long long)edge->st.flows_completed);
    fprintf(f, ",\n  \"flows_incomplete\": %llu",
            (unsigned long long)s->incomplete);
    fprintf(f, ",\n  \"packets_sent\": %llu",
            (unsigned long long)(edge->st.pkts_sent + st->flood_copies));
    fprintf(f, ",\n  \"packets_delivered\": %llu",
            (unsigned long long)edge->st.pkts_delivered);
    /* The pool also holds the control frames (PFC, IB flow control) in
     * flight, which no source sent: they are counted apart. */
    fprintf(f, ",\n  \"packets_in_flight\": %llu",
            (unsigned long long)(net->pool.in_use - st->ctrl_in_use));
    fprintf(f, ",\n  \"control_frames_in_flight\": %llu",
            (unsigned long long)st->ctrl_in_use);
    fprintf(f, ",\n  \"bytes_delivered\": %llu",
            (unsigned long long)edge->st.bytes_delivered);
    fprintf(f, ",\n  \"bytes_lost\": %llu", (unsigned long long)st->bytes_lost);
    fprintf(f, ",\n  \"drops_total\": %llu",
            (unsigned long long)total_drops(world));
    fprintf(f, ",\n  \"drops\": {");
    for (int r = 0; r < DROP_N_REASONS; r++) {
        /* Only an overlay drops for its MTU: the key is there with one. */
        if (r == DROP_MTU_EXCEEDED && !world->overlay)
            continue;
        /* Only scenario events fail links and switches. */
        if ((r == DROP_LINK_DOWN || r == DROP_SWITCH_DOWN) &&
            !world->control)
            continue;
        /* Only a vswitch drops by policy. */
        if (r == DROP_POLICY &&
            !(world->overlay && overlay_has_vswitch(world->overlay)))
            continue;
        /* Only an EVPN's VM moves leave packets at an old server. */
        if (r == DROP_VM_MOVED && !(world->control && world->control->evpn))
            continue;
        /* Only leaf VTEPs under EVPN flood an unknown unicast that may
         * miss. */
        if (r == DROP_FLOOD_MISSED &&
            !(world->overlay && overlay_evpn_leaf(world->overlay)))
            continue;
        fprintf(f, "%s\"%s\": %llu", r ? ", " : "",
                drop_reason_name((enum drop_reason)r),
                (unsigned long long)st->drops[r]);
    }
    fprintf(f, "},\n");
    json_pctl(f, "fct_ps", &s->fct_ps, 1);
    fprintf(f, ",\n");
    json_pctl(f, "slowdown", &s->slowdown, 0);
    fprintf(f, ",\n  \"slowdown_by_size\": ");
    fct_by_size_write_json(f, &s->by_size, 2, false);
    fprintf(f, ",\n");
    json_pctl_open(f, "slowdown_sender", &s->slowdown_sender, 0);
    fprintf(f, ", \"by_size\": ");
    fct_by_size_write_json(f, &s->by_size, 2, true);
    fprintf(f, "}");
    write_transport_totals(f, world);
    workload_report_json(f, world);
    if (net->fc == &fc_pfc)
        pfc_report_json(f, world, ri);
    if (edge->servers)
        host_report_json(f, world, ri);
    if (net->fc == &fc_ib)
        ib_report_json(f, world, ri);
    if (blk_report_wanted(world))
        blk_report_json(f, world, ri);
    if (storage_report_wanted(world))
        storage_report_json(f, world, ri);
    if (ri->breakdown)
        breakdown_json(f, world, ri);
    if (world->overlay)
        overlay_report_json(f, world, ri);
    if (world->control)
        control_report_json(f, world, ri);
    fprintf(f, ",\n  \"warnings\": [");
    for (size_t i = 0; i < net->n_warnings; i++) {
        fprintf(f, "%s", i ? ", " : "");
        json_string(f, net->warnings[i]);
    }
    fprintf(f, "]\n}\n");
}

/* The switches FL's data packets cross, in order, joined by '>'
 * ("leaf0>spine3>leaf5"); nothing for a flow not set up, or whose hosts
 * share no switch (a direct cable). */
static void
write_path(FILE *f, const struct net *net, const struct flow *fl)
{
    if (!fl->route_set)
        return;
    struct path path;
    path_trace(net, fl->route_reversed ? fl->dst : fl->src,
               fl->route_reversed ? fl->src : fl->dst, fl->route_hash, &path);
    for (uint32_t i = 1; i < path.n_links; i++)
        fprintf(f, "%s%s", i > 1 ? ">" : "", net->nodes[path.node[i]]->name);
}

static void
write_flows(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct edge *edge = &world->edge;
    fprintf(f, "id,src,dst,protocol,tc,size_bytes,start_ps,end_ps,fct_ps,"
               "ideal_fct_ps,slowdown,completed,bytes_delivered,bytes_lost,"
               "packets_sent,packets_dropped,retx_pkts,timeouts,cc,acked_ps,naks,cnps,verb,"
               "entry,path,sender_fct_ps,standalone_fct_ps,"
               "sender_slowdown%s\n",
            world->overlay ? ",tenant" : "");
    for (uint32_t i = 0; i < edge->n_flows; i++) {
        const struct flow *fl = &edge->flows[i];
        fprintf(f, "%u,%s,%s,%s,%u,%llu,%llu,", fl->id,
                edge->hosts[fl->src].up.name, edge->hosts[fl->dst].up.name,
                fl->transport->name, fl->tc,
                (unsigned long long)fl->size_bytes,
                (unsigned long long)fl->start_ps);
        if (fl->completed)
            fprintf(f, "%llu,%llu,%llu,%.6f,1,",
                    (unsigned long long)fl->end_ps,
                    (unsigned long long)(fl->end_ps - fl->start_ps),
                    (unsigned long long)fl->ideal_fct_ps, fct_slowdown(fl));
        else
            fprintf(f, ",,%llu,,0,", (unsigned long long)fl->ideal_fct_ps);
        fprintf(f, "%llu,%llu,%u,%u,%u,%u,%s,",
                (unsigned long long)fl->bytes_delivered,
                (unsigned long long)fl->bytes_lost, fl->pkts_sent,
                fl->pkts_dropped, fl->retx_pkts, fl->timeouts,
                fl->cc ? fl->cc : "");
        if (fl->acked_ps)
            fprintf(f, "%llu", (unsigned long long)fl->acked_ps);
        bool rdma = !strncmp(fl->transport->name, "roce", 4) ||
                    !strcmp(fl->transport->name, "iwarp") ||
                    fl->transport == &transport_ib;
        fprintf(f, ",%u,%u,%s,%u,", fl->naks, fl->cnps,
                rdma ? rdma_verb_name(world->scn->traffic[fl->entry].verb) : "",
                fl->entry);
        write_path(f, world_net_const(world), fl);
        if (fct_sender_done(fl))
            fprintf(f, ",%llu,%llu,%.6f",
                    (unsigned long long)fct_sender_ps(fl),
                    (unsigned long long)fct_standalone_ps(fl),
                    fct_sender_slowdown(fl));
        else
            fprintf(f, ",,,");
        if (world->overlay)
            fprintf(f, ",%s", overlay_report_tenant(world, fl->src));
        fputc('\n', f);
    }
}

/* Orders flows by when their sender saw them complete, then by id. */
static int
by_acked(const void *a, const void *b)
{
    const struct flow *x = *(const struct flow *const *)a;
    const struct flow *y = *(const struct flow *const *)b;
    if (x->acked_ps != y->acked_ps)
        return x->acked_ps < y->acked_ps ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The address the HPCC simulator gives host H: node N's is 11.0.0.1 +
 * (N / 256) << 16 + (N % 256) << 8 (its node_id_to_ip()), with N read
 * from a host name hN (dcsim's generated names, and `dcsim import ns3`'s
 * for node N); a host named otherwise keeps its dcsim address. */
static uint32_t
ns3_ip(const struct host *h)
{
    const char *name = h->up.name;
    char *end;
    if (name[0] != 'h' || name[1] < '0' || name[1] > '9' ||
        (name[1] == '0' && name[2]))
        return h->ip;
    unsigned long n = strtoul(name + 1, &end, 10);
    if (*end || n > 0xFFFF)
        return h->ip;
    return 0x0b000001u + (uint32_t)(n / 256) * 0x10000u +
           (uint32_t)(n % 256) * 0x100u;
}

/* fct.txt (monitor.fct_txt): the HPCC simulator's FCT file, one line per
 * flow whose sender saw it complete, in the order it did, as its
 * qp_finish() prints them: source and destination IPv4 addresses in hex
 * (ns3_ip()), ports, size, start, FCT and standalone FCT in ns
 * (fct.h). */
static void
write_fct_txt(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct edge *edge = &world->edge;
    const struct flow **v = xmalloc((edge->n_flows + 1) * sizeof *v);
    size_t n = 0;
    (void)ri;
    for (uint32_t i = 0; i < edge->n_flows; i++)
        if (fct_sender_done(&edge->flows[i]))
            v[n++] = &edge->flows[i];
    qsort(v, n, sizeof *v, by_acked);
    for (size_t i = 0; i < n; i++) {
        const struct flow *fl = v[i];
        fprintf(f, "%08x %08x %u %u %llu %llu %llu %llu\n",
                ns3_ip(&edge->hosts[fl->src]), ns3_ip(&edge->hosts[fl->dst]),
                fl->sport,
                fl->dport, (unsigned long long)fl->size_bytes,
                (unsigned long long)(fl->start_ps / PS_PER_NS),
                (unsigned long long)(fct_sender_ps(fl) / PS_PER_NS),
                (unsigned long long)(fct_standalone_ps(fl) / PS_PER_NS));
    }
    free(v);
}

static void
write_fct_by_size(FILE *f, const struct world *world, const struct run_info *ri)
{
    fct_by_size_write_csv(f, &ri->flows.by_size);
}

static void
write_links(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    fprintf(f, "from,to,from_port,to_port,rate_bps,delay_ps,bytes,packets,"
               "utilization\n");
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        double util = ri->sim_time_ps
                          ? (double)p->link.wire_bytes * 8.0 * 1e12 /
                                ((double)p->rate_bps * (double)ri->sim_time_ps)
                          : 0.0;
        fprintf(f, "%s,%s,%u,%u,%llu,%llu,%llu,%llu,%.6f\n", p->node->name,
                p->link.peer->name, p->index, p->link.peer_port,
                (unsigned long long)p->rate_bps,
                (unsigned long long)link_prop_ps(net, &p->link),
                (unsigned long long)p->link.wire_bytes,
                (unsigned long long)p->link.packets, util);
    }
}

static void
write_queues(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    fprintf(f, "switch,port,to,tc,max_bytes,avg_bytes,packets,drops,"
               "ecn_marked,headroom_max_bytes\n");
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        if (p->node->class != &switch_class)
            continue;
        for (int tc = 0; tc < N_TC; tc++) {
            const struct port_queue *pq = port_queue_view(p, (unsigned)tc);
            const struct queue *q = &pq->q;
            /* Headroom belongs to the ingress side of the same port. */
            uint64_t hdrm = mmu_headroom_peak(p->mmu, p->index, (uint8_t)tc);
            uint64_t enqueued = port_queue_enqueued(p, (unsigned)tc);
            if (!enqueued && !pq->st.drops && !hdrm)
                continue;
            /* Close the occupancy integral at the end of the run. */
            uint64_t area = q->area_byte_ps;
            if (ri->sim_time_ps > q->area_since_ps)
                area += q->bytes * (ri->sim_time_ps - q->area_since_ps);
            double avg = ri->sim_time_ps
                             ? (double)area / (double)ri->sim_time_ps
                             : 0.0;
            fprintf(f, "%s,%u,%s,%d,%llu,%.3f,%llu,%llu,%llu,%llu\n",
                    p->node->name, p->index, p->link.peer->name, tc,
                    (unsigned long long)port_queue_max_bytes(
                        p, (unsigned)tc),
                    avg, (unsigned long long)enqueued,
                    (unsigned long long)pq->st.drops,
                    (unsigned long long)pq->st.ecn_marked,
                    (unsigned long long)hdrm);
        }
    }
}

static void
write_queue_series(FILE *f, const struct world *world,
                   const struct run_info *ri)
{
    monitor_write_csv(f, ri->monitor);
}

static void
write_rate_series(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    (void)net;
    monitor_write_rates_csv(f, ri->monitor);
}

typedef void writer_fn(FILE *, const struct world *, const struct run_info *);

enum writer_when {
    ALWAYS,
    WITH_MONITOR,             /* The run has a monitor. */
    WITH_PFC,                 /* PFC is on. */
    WITH_QPS,                 /* The monitor samples QP rates. */
    WITH_SERVERS,             /* A `server` section. */
    WITH_VMS,                 /* Some server runs VMs. */
    WITH_IB,                  /* The fabric is InfiniBand. */
    WITH_BREAKDOWN,           /* monitor.breakdown names a flow. */
    WITH_BLOCK,               /* Some VM has a drive (server.vm.block). */
    WITH_OVERLAY,             /* An `overlay` section. */
    WITH_FCT_TXT,             /* monitor.fct_txt. */
    WITH_EVENTS,              /* An `events` list. */
    WITH_STORAGE,             /* A `storage` section. */
    WITH_SPEAKERS,            /* A routing model runs BGP. */
};

static const struct {
    const char *name;
    writer_fn *write;
    enum writer_when when;
} writers[] = {
    { "summary.json", write_summary, ALWAYS },
    { "flows.csv", write_flows, ALWAYS },
    { "fct_by_size.csv", write_fct_by_size, ALWAYS },
    { "links.csv", write_links, ALWAYS },
    { "queues.csv", write_queues, ALWAYS },
    { "incast.csv", workload_report_incast_csv, ALWAYS },
    { "queue_series.csv", write_queue_series, WITH_MONITOR },
    { "pfc.csv", pfc_report_csv, WITH_PFC },
    { "rate_series.csv", write_rate_series, WITH_QPS },
    { "hosts.csv", host_report_csv, WITH_SERVERS },
    { "vms.csv", host_report_vms_csv, WITH_VMS },
    { "ib.csv", ib_report_csv, WITH_IB },
    { "breakdown.csv", breakdown_csv, WITH_BREAKDOWN },
    { "block.csv", blk_report_csv, WITH_BLOCK },
    { "overlay.csv", overlay_report_csv, WITH_OVERLAY },
    { "fct.txt", write_fct_txt, WITH_FCT_TXT },
    { "events.csv", control_report_csv, WITH_EVENTS },
    { "storage.csv", storage_report_csv, WITH_STORAGE },
    { "control.csv", control_report_speakers_csv, WITH_SPEAKERS },
};

static bool
writer_wanted(size_t i, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    switch (writers[i].when) {
    case WITH_MONITOR:
        return ri->monitor != NULL && world->scn->monitor.n_select > 0;
    case WITH_PFC:
        return net->fc == &fc_pfc;
    case WITH_QPS:
        return monitor_has_qps(ri->monitor);
    case WITH_SERVERS:
        return edge->servers != NULL;
    case WITH_VMS:
        for (uint32_t h = 0; edge->servers && h < net->n_hosts; h++)
            if (edge->servers[h].n_vms)
                return true;
        return false;
    case WITH_IB:
        return net->fc == &fc_ib;
    case WITH_BREAKDOWN:
        return ri->breakdown != NULL;
    case WITH_BLOCK:
        return blk_report_wanted(world);
    case WITH_OVERLAY:
        return world->overlay != NULL;
    case WITH_FCT_TXT:
        return world->scn->monitor.fct_txt;
    case WITH_EVENTS:
        return world->control && world->control->n_rec;
    case WITH_STORAGE:
        return storage_report_wanted(world);
    case WITH_SPEAKERS:
        return control_report_speakers_wanted(world);
    default:
        return true;
    }
}

int
results_write(const struct world *world, const struct run_info *ri,
              struct results_dir *rd, char **err)
{
    int e = 0;
    for (size_t i = 0; i < ARRAY_SIZE(writers) && !e; i++) {
        if (!writer_wanted(i, world, ri))
            continue;
        FILE *f = results_dir_create(rd, writers[i].name, &e);
        if (f) {
            /* A failed write sets errno (ENOSPC, EFBIG...) but the
             * stream keeps only an error flag: errno is read here, and a
             * last fflush() that fails sets it afresh. */
            errno = 0;
            writers[i].write(f, world, ri);
            int werr = ferror(f) ? (errno ? errno : EIO) : 0;
            if (fflush(f))
                werr = errno;
            if (fclose(f) && !werr)
                werr = errno;
            e = werr;
        }
        if (e)
            *err = xasprintf("cannot write %s/%s: %s", rd->dir,
                             writers[i].name, strerror(e));
    }
    return e;
}

static void
print_time(FILE *f, double ps)
{
    if (ps >= 1e12)
        fprintf(f, "%.3f s", ps / 1e12);
    else if (ps >= 1e9)
        fprintf(f, "%.3f ms", ps / 1e9);
    else if (ps >= 1e6)
        fprintf(f, "%.3f us", ps / 1e6);
    else
        fprintf(f, "%.3f ns", ps / 1e3);
}

void
results_print_summary(const struct world *world, const struct run_info *ri,
                      const char *dir, FILE *f)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    const struct flow_summary *s = &ri->flows;
    const struct net_stats *st = &net->st;
    double wall = ri->wall_seconds > 0 ? ri->wall_seconds : 1e-9;
    fprintf(f, "%s: %u hosts, %u switches, %u flows, seed %llu\n",
            world->scn->name, net->n_hosts, net->n_switches, edge->n_flows,
            (unsigned long long)world->scn->seed);
    if (ri->interrupted_by) {
        fprintf(f, "  INTERRUPTED by %s at simulated ", ri->interrupted_by);
        print_time(f, (double)ri->sim_time_ps);
        fprintf(f, ": partial results, complete up to then\n");
    }
    fprintf(f, "  simulated ");
    print_time(f, (double)ri->sim_time_ps);
    fprintf(f, " in %.2f s: %llu events, %llu packet-hops "
               "(%.2f M packet-hops/s), peak RSS %.1f MiB\n",
            ri->wall_seconds, (unsigned long long)net->sim.events,
            (unsigned long long)st->packet_hops,
            (double)st->packet_hops / wall / 1e6,
            (double)ri->peak_rss_bytes / (1024.0 * 1024.0));
    fprintf(f, "  setup %.2f s; event loop %.2f s of user CPU (%.2f M "
               "packet-hops per CPU second)\n",
            ri->setup_seconds, ri->cpu_seconds,
            (double)st->packet_hops /
                (ri->cpu_seconds > 0 ? ri->cpu_seconds : 1e-9) / 1e6);
    fprintf(f, "  flows: %llu completed, %llu incomplete; %llu bytes "
               "delivered, %llu lost; %llu drops\n",
            (unsigned long long)edge->st.flows_completed,
            (unsigned long long)s->incomplete,
            (unsigned long long)edge->st.bytes_delivered,
            (unsigned long long)st->bytes_lost,
            (unsigned long long)total_drops(world));
    if (s->fct_ps.n) {
        fprintf(f, "  FCT p50 ");
        print_time(f, s->fct_ps.p50);
        fprintf(f, ", p99 ");
        print_time(f, s->fct_ps.p99);
        fprintf(f, ", max ");
        print_time(f, s->fct_ps.max);
        fprintf(f, "; slowdown p50 %.3f, p99 %.3f, max %.3f\n",
                s->slowdown.p50, s->slowdown.p99, s->slowdown.max);
    }
    workload_report_print(f, world);
    if (net->fc == &fc_pfc)
        pfc_report_print(f, world, ri);
    if (edge->servers)
        host_report_print(f, world, ri);
    if (net->fc == &fc_ib)
        ib_report_print(f, world, ri);
    if (blk_report_wanted(world))
        blk_report_print(f, world, ri);
    if (storage_report_wanted(world))
        storage_report_print(f, world, ri);
    if (world->overlay)
        overlay_report_print(f, world, ri);
    if (world->control)
        control_report_print(f, world, ri);
    if (ri->breakdown)
        breakdown_print(f, world, ri);
    if (dir)
        fprintf(f, "  results in %s/\n", dir);
    if (dir && ri->report_page)
        fprintf(f, "  next: open %s/report.html (the summary and plots)\n",
                dir);
}
