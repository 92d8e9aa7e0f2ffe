/* Transport registry and shared helpers; see transport.h. */
#include "transport/transport.h"

#include <string.h>

#include "fabric/net.h"
#include "fabric/ns3-ecmp.h"
#include "host/edge.h"
#include "fabric/path.h"
#include "host/host.h"
#include "host/server.h"
#include "sim/util.h"
#include "transport/flow.h"

static const struct transport_class *const transport_table[] = {
    &transport_udp,
    &transport_tcp,
    &transport_roce,
    &transport_rocev1,
    &transport_iwarp,
    &transport_ib,
};

const struct transport_class *
transport_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(transport_table); i++)
        if (!strcmp(transport_table[i]->name, name))
            return transport_table[i];
    return NULL;
}

size_t
transport_count(void)
{
    return ARRAY_SIZE(transport_table);
}

const char *
transport_name(size_t i)
{
    return transport_table[i]->name;
}

void
transport_flow_done(struct net *net, struct flow *f)
{
    sim_assert(!f->completed);
    f->completed = true;
    f->end_ps = net->sim.now_ps;
    edge_of(net)->st.flows_completed++;
    if (UNLIKELY(edge_of(net)->servers) && f->transport->nic_offload)
        server_rdma_poll(net, f);
    edge_of(net)->owner->flow_done(edge_of(net), f);
}

void
transport_open_stream(struct net *net, uint32_t id)
{
    struct flow *f = &edge_of(net)->flows[id];
    sim_assert(f->transport->post && f->size_bytes == 0 &&
               edge_of(net)->cfg.entries[f->entry].stream);
    f->transport->setup(net, f);
    edge_of(net)->st.flows_started++;
    if (!f->transport->nic_offload)
        f->transport->start(net, f);
}

void
transport_close_stream(struct net *net, struct flow *f)
{
    sim_assert(f->transport->close != NULL);
    f->transport->close(net, f);
}

void
transport_post(struct net *net, struct flow *f, uint64_t bytes,
               enum rdma_verb verb, uint64_t tag)
{
    f->transport->post(net, f, bytes, verb, tag);
    edge_of(net)->total_flow_bytes += bytes;
    if (!f->transport->nic_offload)
        return;
    /* The work request runs on the CPU first; `start` then lets the
     * NIC have the message. */
    if (UNLIKELY(edge_of(net)->servers))
        server_rdma_post(net, f);
    else
        f->transport->start(net, f);
}

void
transport_pair_streams(struct net *net, struct flow *a, struct flow *b)
{
    sim_assert(a->transport == b->transport && a->src == b->dst &&
               a->dst == b->src);
    if (a->transport->pair)
        a->transport->pair(net, a, b);
}

void
transport_msg_done(struct net *net, struct flow *f, uint64_t tag)
{
    if (UNLIKELY(edge_of(net)->servers) && f->transport->nic_offload)
        server_rdma_poll(net, f);
    edge_of(net)->owner->msg_done(edge_of(net), f, tag);
}

static void
flow_start(struct sim *s, void *obj, uint64_t arg)
{
    struct net *net = net_of(s);
    struct flow *f = &edge_of(net)->flows[arg];
    (void)obj;
    edge_of(net)->st.flows_started++;
    /* An RDMA message starts when its work request has been posted. */
    if (UNLIKELY(edge_of(net)->servers) && f->transport->nic_offload)
        server_rdma_post(net, f);
    else
        f->transport->start(net, f);
}

void
transport_launch_flow(struct net *net, uint32_t id)
{
    struct flow *f = &edge_of(net)->flows[id];
    f->transport->setup(net, f);
    edge_of(net)->total_flow_bytes += f->size_bytes;
    sim_call(&net->sim, f->start_ps, flow_start, NULL, id);
}

void
transport_proto_pkt(const struct net *net, const struct flow *f, uint8_t proto,
                    struct pkt *p)
{
    const struct host *src = &edge_of_const(net)->hosts[f->src];
    const struct host *dst = &edge_of_const(net)->hosts[f->dst];
    memset(p, 0, sizeof *p);
    p->flow_id = f->id;
    memcpy(p->eth.src, src->mac, 6);
    memcpy(p->eth.dst, dst->mac, 6);
    p->eth.ethertype = ETHERTYPE_IPV4;
    if (edge_of_const(net)->cfg.ppp)
        p->framing = PKT_PPP;
    if (edge_of_const(net)->cfg.host->vlan) {
        /* 802.1Q: the priority travels as the PCP too. */
        p->eth.vlan = true;
        p->eth.vid = edge_of_const(net)->cfg.host->vid;
        p->eth.pcp = f->tc;
    }
    p->ip.src = src->ip;
    p->ip.dst = dst->ip;
    p->ip.dscp = (uint8_t)(f->tc << 3);  /* Class selector CS<tc>. */
    p->ip.ecn = ECN_NOT_ECT;
    p->ip.ttl = 64;
    p->ip.proto = proto;
    /* UDP and TCP headers both begin with the two ports. */
    if (proto == IPPROTO_NUM_UDP) {
        p->l4.udp.sport = f->sport;
        p->l4.udp.dport = f->dport;
    } else {
        p->l4.tcp.sport = f->sport;
        p->l4.tcp.dport = f->dport;
    }
    transport_route_hash(net, p, f->sport, f->dport);
}

void
transport_route_hash(const struct net *net, struct pkt *p, uint16_t sport,
                     uint16_t dport)
{
    if (net->ns3_ip)
        p->hash0 = ns3_ports_word(sport, dport);
    else
        pkt_set_route_hash(p);
}

uint64_t
transport_ideal_fct(const struct net *net, uint32_t from, uint32_t to,
                    uint64_t size, uint32_t mss, uint32_t hdr_bytes,
                    uint64_t rate_bps, uint32_t hash0)
{
    uint64_t n = size ? (size + mss - 1) / mss : 1;
    uint32_t last = (uint32_t)(size - (n - 1) * mss);
    bool vlan = edge_of_const(net)->cfg.host->vlan;
    uint32_t wire, last_wire;
    if (edge_of_const(net)->cfg.infiniband) {
        /* Native IB: the packet alone, HDR_BYTES from LRH to VCRC. */
        wire = ib_packet_bytes(hdr_bytes, mss);
        last_wire = ib_packet_bytes(hdr_bytes, last);
    } else if (edge_of_const(net)->cfg.ppp) {
        wire = PPP_HDR_BYTES + hdr_bytes + mss;
        last_wire = PPP_HDR_BYTES + hdr_bytes + last;
    } else {
        wire = wire_bytes_for_ip(hdr_bytes + mss, vlan);
        last_wire = wire_bytes_for_ip(hdr_bytes + last, vlan);
    }
    struct path path;
    path_trace(net, from, to, hash0, &path);
    uint64_t gap = rate_bps ? ser_time_link_ps(wire, rate_bps, path.ns3_time)
                            : 0;
    return flow_ideal_fct(n, wire, last_wire, gap, path.rate_bps,
                          path.delay_ps, path.n_links, path.ns3_time);
}

void
transport_set_ideal_fct(const struct net *net, struct flow *f, uint32_t mss,
                        uint32_t hdr_bytes, uint32_t hash0)
{
    f->ideal_fct_ps = transport_ideal_fct(net, f->src, f->dst, f->size_bytes,
                                          mss, hdr_bytes, f->rate_bps, hash0);
    f->route_hash = hash0;
    f->route_set = true;
}

void
transport_move_end(struct net *net, struct flow *f, bool at_src,
                   struct host *to)
{
    struct tx_source *src[TRANSPORT_MAX_SOURCES];
    bool end[TRANSPORT_MAX_SOURCES];
    if (!f->tp || !f->transport->sources)
        return;
    size_t n = f->transport->sources(f, src, end);
    for (size_t i = 0; i < n; i++)
        if (end[i] == at_src)
            tx_source_move(net, src[i], to);
}
