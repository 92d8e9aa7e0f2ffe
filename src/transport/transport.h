/* Transports carry a flow's bytes from its source host to its
 * destination.  Each is a `static const struct transport_class`,
 * registered by name (the scenario's `protocol`) in transport.c.  Issue 2
 * has UDP (udp.c); TCP and RDMA join the table. */
#ifndef DCSIM_TRANSPORT_H
#define DCSIM_TRANSPORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/transport-spec.h"

struct flow;
struct host;
struct tx_source;
struct net;
struct pkt;

struct transport_class {
    const char *name;       /* Scenario `protocol` value.  Required. */
    /* The NIC runs it (RDMA): with a server model, no CPU per packet,
     * only a work-request post and a completion poll. */
    bool nic_offload;
    /* Called once for every flow of this transport before it starts (at
     * build time, or during the run for flows added then, such as later
     * incast rounds): allocate per-flow state (in f->tp) and compute
     * f->ideal_fct_ps.  Required. */
    void (*setup)(struct net *, struct flow *);
    /* At f->start_ps: begin sending.  Required. */
    void (*start)(struct net *, struct flow *);
    /* A packet of F arrived at its destination host; the transport owns
     * it and frees it.  Required. */
    void (*receive)(struct net *, struct flow *, struct pkt *);
    /* P, of F, is to arrive at its destination host a few events from
     * now (the host's prefetch hook, host.c): a chance to start fetching
     * what receive() will touch of f->tp, which is nonnull.  It must
     * change nothing.  Optional. */
    void (*prefetch_rx)(const struct flow *, const struct pkt *);
    /* Frees per-flow state.  Optional. */
    void (*teardown)(struct net *, struct flow *);
    /* Before the run: can F be carried at all in this network?  Returns
     * 0, or 2 with *ERR allocated ("FILE:LINE:COL: ...").  Optional. */
    int (*check)(const struct net *, const struct flow *, char **err);
    /* Message streams (a flow whose edge entry has `stream`, opened by
     * transport_open_stream()): queues a message of BYTES (> 0) on F,
     * behind every message posted on F before it; VERB is the RDMA
     * operation (SEND, WRITE or READ; other transports ignore it).  A
     * nic_offload transport sends it only when `start` is called for it
     * (once per post, in order: the work request's post has run on the
     * CPU); any other may send it at once.  When the message's last
     * byte has been delivered in order the transport calls
     * transport_msg_done(F, TAG); for a READ (F's source fetching BYTES
     * from its destination, at most the entry's rd_max outstanding)
     * when its last byte is back at F's source, which may be after
     * messages posted behind it were delivered.  Optional: transports
     * without streams leave it NULL. */
    void (*post)(struct net *, struct flow *, uint64_t bytes,
                 enum rdma_verb verb, uint64_t tag);
    /* Message streams A and B, both open on this transport, are the two
     * directions of one connection (transport_pair_streams()).  A
     * transport whose responder answers in the NIC sends the answer on
     * the other direction: iWARP's RDMA Read Responses (RFC 5040), so a
     * READ posted on an iWARP stream needs its pair.  Optional. */
    void (*pair)(struct net *, struct flow *a, struct flow *b);
    /* F's transmit sources (F set up, f->tp set): up to
     * TRANSPORT_MAX_SOURCES into OUT, each with whether it sends from
     * F's source end (AT_SRC) or its destination end; returns how many.
     * Called when an end's VM moves to another server (vm_move).
     * Optional: without it a flow's ends stay where they were. */
    size_t (*sources)(struct flow *, struct tx_source **out, bool *at_src);
    /* Message streams: abandons F's connection (a BGP session that went
     * down closes its TCP connection): nothing more is sent or resent,
     * messages not yet delivered never will be, and what of it is still
     * in the network is discarded on arrival.  F->tp is NULL once the
     * connection's last queued packet has left (perhaps at once); F may
     * then be opened again (transport_open_stream(), after resetting
     * its size) as a new connection, from another source port: packets
     * of the old one that still arrive are discarded.  Optional. */
    void (*close)(struct net *, struct flow *);
};

#define TRANSPORT_MAX_SOURCES 3

/* F's end at its source (AT_SRC) or destination now sends from host TO:
 * its VM has moved there (vm_move).  Its state (windows, sequence
 * numbers, timers) stays with F; what its old server had already built
 * still leaves from there. */
void transport_move_end(struct net *, struct flow *, bool at_src,
                        struct host *to);

const struct transport_class *transport_find(const char *name);
/* The registered names, for validation and messages: I < transport_count(). */
size_t transport_count(void);
const char *transport_name(size_t i);

/* Sets P's route hash (pkt->hash0, what switches pick next hops by): the
 * CRC of its 5-tuple (pkt_set_route_hash()), or under switch.ecmp_hash
 * ns3 the HPCC simulator's ports word for SPORT and DPORT (ns3-ecmp.h),
 * which may differ from P's own (RoCEv2's destination port is 4791). */
void transport_route_hash(const struct net *, struct pkt *, uint16_t sport,
                          uint16_t dport);

/* Fills P, a header template for F's packets from its source host to
 * its destination: addresses, DSCP class selector CS<tc>, TTL, protocol
 * PROTO and ports, and the 5-tuple hash.  Lengths are left unset. */
void transport_proto_pkt(const struct net *, const struct flow *,
                         uint8_t proto, struct pkt *p);
/* Sets F->ideal_fct_ps: F's SIZE bytes in segments of at most MSS
 * payload bytes, each with HDR_BYTES of IP + L4 headers, back to back
 * (or paced at F->rate_bps) over the path HASH0 takes (flow_ideal_fct()). */
/* (Also records HASH0 as F's route_hash, flow.h.) */
void transport_set_ideal_fct(const struct net *, struct flow *, uint32_t mss,
                             uint32_t hdr_bytes, uint32_t hash0);
/* The same for SIZE bytes from host FROM to host TO (0 bytes: one
 * header-only packet).  On a `fabric: infiniband` HDR_BYTES are a native
 * IB packet's headers and CRCs, LRH through VCRC. */
uint64_t transport_ideal_fct(const struct net *, uint32_t from, uint32_t to,
                             uint64_t size, uint32_t mss, uint32_t hdr_bytes,
                             uint64_t rate_bps, uint32_t hash0);

/* Sets up flow ID (< edge->n_flows, host/edge.h) with its transport and
 * schedules its start at its start_ps (>= now).  For every flow: at build
 * time, and for flows added during the run (later incast rounds). */
void transport_launch_flow(struct net *, uint32_t id);

/* Records that F's last byte was delivered now and tells the edge's
 * owner (whose workload may start flows in response).  Every transport
 * calls it exactly once per completed flow. */
void transport_flow_done(struct net *, struct flow *);

/* Message streams: one long-lived connection or queue pair carrying a
 * sequence of messages in order, each with its own completion (a
 * storage session's RC queue pair or TCP connection, one direction of a
 * BGP EVPN session).  A stream is a flow of size 0 whose edge entry has
 * `stream`; its size grows by the messages posted and it never
 * completes.  Per direction: the flow's source sends, its destination
 * receives (a bidirectional session is two streams).
 *
 * Sets up flow ID (its transport has `post`) and opens it now: it can
 * take messages at once. */
void transport_open_stream(struct net *, uint32_t id);
/* Closes stream F (transport_class.close; F's transport must have it). */
void transport_close_stream(struct net *, struct flow *);
/* Posts a message of BYTES on stream F (transport_class.post); with a
 * server model an RDMA post first costs the source's CPU its work
 * request (server_rdma_post()), as a flow's start does. */
void transport_post(struct net *, struct flow *, uint64_t bytes,
                    enum rdma_verb verb, uint64_t tag);
/* Streams A and B (open, of one transport) are the two directions of one
 * connection: A's source is B's destination (transport_class.pair; a
 * no-op for transports without it). */
void transport_pair_streams(struct net *, struct flow *a, struct flow *b);
/* A message posted on stream F with TAG has been delivered whole, in
 * order: its completion polled (RDMA with a server model), the edge's
 * owner told (edge_owner_class.msg_done).  Transports call it once per
 * message, in the order posted (an RDMA READ: once its data is back). */
void transport_msg_done(struct net *, struct flow *, uint64_t tag);

extern const struct transport_class transport_udp;
extern const struct transport_class transport_tcp;
extern const struct transport_class transport_roce;
extern const struct transport_class transport_rocev1;
/* The RC transport in native InfiniBand packets (fabric: infiniband). */
extern const struct transport_class transport_ib;
/* RDMA WRITEs over dcsim's TCP (tcp.c): TCP's reliability and congestion
 * control, with iWARP's per-segment framing on the wire. */
extern const struct transport_class transport_iwarp;

/* A RoCE queue pair's congestion control at one moment (monitor.qps,
 * rate_series.csv). */
struct rdma_qp_sample {
    double rate_bps;          /* Sending rate: DCQCN's Rc, HPCC's W / T;
                               * without congestion control the QP's rate
                               * limit, 0 for line rate. */
    double target_bps;        /* DCQCN's Rt; HPCC's W_c / T. */
    double alpha;             /* DCQCN's alpha; else 0. */
    double window_bytes;      /* HPCC's window W; else 0 (none). */
    double util;              /* HPCC's U averaged over T; else 0. */
    /* A message stream's READ responses under DCQCN (0 before its first
     * READ, or without DCQCN): the responder's rate now and its lowest,
     * the CE-marked responses the requester received and the CNPs it
     * sent that reached the responder. */
    double read_rate_bps, read_min_rate_bps;
    uint64_t read_marked, read_cnps;
};

/* Samples RDMA (roce, rocev1, ib) flow F's queue pair into *OUT.  False
 * if F is not such a flow or has not been set up. */
bool rdma_qp_sample(const struct flow *f, struct rdma_qp_sample *out);

/* A TCP connection's sender at one moment (monitor.tcp,
 * tcp_series.csv). */
struct tcp_sample {
    uint64_t cwnd_bytes;
    uint64_t ssthresh_bytes;  /* UINT64_MAX until the first cut. */
    uint64_t inflight_bytes;  /* Sent and not yet acknowledged. */
    uint64_t srtt_ps;         /* RFC 6298's smoothed RTT; 0 before the
                               * first measurement. */
    uint64_t rto_ps;
};

/* Samples TCP (tcp, iwarp) flow F's sender into *OUT.  False if F is not
 * such a flow or has no open connection (not started, or closed). */
bool tcp_sample(const struct flow *f, struct tcp_sample *out);

struct dcqcn_params;
/* DCQCN's parameters of preset NAME ("paper", "mellanox" or "ns3"). */
void rdma_dcqcn_profile(const char *name, struct dcqcn_params *);

/* TCP congestion-control algorithms by name (tcp-cc.c), for the
 * scenario's `tcp.cc`: I < tcp_cc_count(); the first is the default. */
size_t tcp_cc_count(void);
const char *tcp_cc_name(size_t i);
/* Frees the edge's pool of TCP connection state (world_destroy()). */
void tcp_pool_free(struct net *);
/* Drops the queue pairs released during the run, whose memory is the
 * net's arena's (rdma.c). */
void rdma_pool_free(struct net *);

#endif
