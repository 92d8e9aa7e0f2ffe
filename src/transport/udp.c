/* UDP message source and sink.
 *
 * The source cuts the flow's bytes into datagrams of MTU - 28 bytes of
 * payload (IPv4 20 + UDP 8 headers), the last one shorter, and offers them
 * to its NIC at line rate or, with a rate, one every
 * wire_bytes * 8 / rate (a pacer).  There is no feedback: a dropped
 * datagram is lost, and the flow is then reported incomplete with the
 * bytes it lost.  The sink counts payload bytes; the flow completes when
 * all of them have arrived. */
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "host/host.h"
#include "transport/transport.h"
#include "transport/flow.h"

struct udp_sender {
    struct tx_source src;
    struct flow *flow;
    uint64_t offset;           /* Payload bytes sent so far. */
    uint32_t seq;              /* Next packet index. */
    uint32_t mss;              /* Payload bytes per full datagram. */
    struct pkt proto;          /* Header template for every datagram. */
};

static struct pkt *
udp_pull(struct net *net, struct tx_source *src, uint64_t *next_ready_ps)
{
    struct udp_sender *u = CONTAINER_OF(src, struct udp_sender, src);
    struct flow *f = u->flow;
    struct pkt *p = pkt_alloc(&net->pool);
    uint64_t left = f->size_bytes - u->offset;
    *p = u->proto;
    p->seq = u->seq++;
    p->payload_bytes = left < u->mss ? (uint32_t)left : u->mss;
    p->ip.id = (uint16_t)p->seq;
    pkt_set_lengths(p);
    u->offset += p->payload_bytes;
    f->bytes_sent += p->payload_bytes;
    f->pkts_sent++;

    if (u->offset == f->size_bytes)
        *next_ready_ps = TIME_NEVER;
    else if (f->rate_bps == 0)
        *next_ready_ps = net->sim.now_ps;
    else
        *next_ready_ps = net->sim.now_ps +
                         ser_time_ps(pkt_wire_bytes(p), f->rate_bps);
    return p;
}

static const struct tx_source_class udp_source_class = {
    .name = "udp",
    .pull = udp_pull,
};

static size_t
udp_sources(struct flow *f, struct tx_source **out, bool *at_src)
{
    struct udp_sender *u = f->tp;
    out[0] = &u->src;
    at_src[0] = true;
    return 1;
}

static void
udp_setup(struct net *net, struct flow *f)
{
    struct udp_sender *u = xcalloc(1, sizeof *u);
    f->tp = u;
    u->flow = f;
    u->mss = edge_of(net)->cfg.mtu_bytes - IPV4_HDR_BYTES - UDP_HDR_BYTES;
    tx_source_init(&u->src, &net->sim, &udp_source_class,
                   host_running(net, f->src), f->tc);
    u->src.flow_id = f->id;

    transport_proto_pkt(net, f, IPPROTO_NUM_UDP, &u->proto);
    transport_set_ideal_fct(net, f, u->mss, IPV4_HDR_BYTES + UDP_HDR_BYTES,
                            u->proto.hash0);
}

static void
udp_start(struct net *net, struct flow *f)
{
    struct udp_sender *u = f->tp;
    nic_activate(net, &u->src);
}

static void
udp_receive(struct net *net, struct flow *f, struct pkt *p)
{
    f->bytes_delivered += p->payload_bytes;
    edge_of(net)->st.bytes_delivered += p->payload_bytes;
    pkt_free(&net->pool, p);
    if (f->bytes_delivered == f->size_bytes)
        transport_flow_done(net, f);
}

static void
udp_teardown(struct net *net, struct flow *f)
{
    (void)net;
    free(f->tp);
    f->tp = NULL;
}

const struct transport_class transport_udp = {
    .name = "udp",
    .setup = udp_setup,
    .start = udp_start,
    .sources = udp_sources,
    .receive = udp_receive,
    .teardown = udp_teardown,
};
