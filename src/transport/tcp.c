/* TCP: one connection per flow, carrying the flow's bytes reliably.
 *
 * What is modelled (RFC numbers in the comments where each rule is):
 *   - segments of MSS = MTU - 40 bytes (IPv4 + TCP headers without
 *     options), real 32-bit sequence and acknowledgment numbers from a
 *     random ISN, a 16-bit window with a scale factor (RFC 7323);
 *   - optional three-way handshake (SYN, SYN-ACK, then data carrying the
 *     third ACK); without it the connection starts established;
 *   - slow start and congestion avoidance by the connection's congestion
 *     control class (tcp.h), fast retransmit and NewReno fast recovery
 *     (RFC 6582), retransmission timeout with RFC 6298 RTT estimation and
 *     exponential backoff, go-back-N resending after a timeout;
 *   - delayed ACKs (every Nth segment or a timeout; out-of-order data and
 *     the message's last segment are acknowledged at once);
 *   - ECN (RFC 3168): ECT(0) on new data, CE echoed as ECE, CWR; DCTCP's
 *     receiver echoes CE per packet with the RFC 8257 delayed-ACK rule;
 *   - a receive window: the receive buffer less the bytes held out of
 *     order (the application reads in-order data at once);
 *   - the window's restart after idle (RFC 5681 4.1, RFC 2861; Linux's
 *     tcp_slow_start_after_idle): a message stream that writes after
 *     sending nothing for longer than an RTO restarts from its initial
 *     window.
 * Not modelled: FIN/close, SACK, timestamps, Nagle (the application
 * writes the whole message at once), zero-window probes (a sender with
 * nothing in flight may always send one segment).
 *
 * Connection state is taken from a pool at the flow's start and returned
 * when both ends are done, so the events it registers scale with the
 * connections open at once rather than with the flows of a run.
 *
 * A message stream (transport_open_stream()) is a connection that stays
 * open: each message posted appends its bytes to the byte stream (the
 * flow's size grows), segments may carry the end of one message and the
 * start of the next, and each message completes when the receiver has
 * its last byte in order.  One direction: a session that talks both ways
 * is two streams, so their ACKs are not piggybacked on data. */
#include "transport/tcp.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "sim/rng.h"
#include "transport/transport.h"
#include "transport/flow.h"
#include "transport/iwarp.h"

#define TCP_IP_HDR_BYTES (IPV4_HDR_BYTES + TCP_HDR_BYTES)

struct tcp_pool {
    struct tcp_conn *free;
    struct tcp_conn **all;
    uint32_t n_all, cap_all;
    struct rng jitter;           /* For tcp.ack_jitter. */
};

static void tcp_rto_fire(struct sim *, struct event *);
static void tcp_delack_fire(struct sim *, struct event *);
static struct pkt *tcp_data_pull(struct net *, struct tx_source *,
                                 uint64_t *);
static struct pkt *tcp_ack_pull(struct net *, struct tx_source *,
                                uint64_t *);

static const struct tx_source_class tcp_data_class = {
    .name = "tcp-data",
    .pull = tcp_data_pull,
};

static const struct tx_source_class tcp_ack_class = {
    .name = "tcp-ack",
    .pull = tcp_ack_pull,
    .rx_driven = true,
};

static const struct tcp_spec *
flow_tcp_spec(const struct net *net, const struct flow *f)
{
    return edge_of_const(net)->cfg.entries[f->entry].tcp;
}

/* ------------------------------------------------------------------ */
/* Sequence numbers. */

/* The ISN of flow F's sender: random per (seed, flow), so that numbers
 * wrap at different points in different flows. */
static uint32_t
isn_of(const struct net *net, const struct flow *f)
{
    return (uint32_t)rng_mix64(net->sim.seed ^ rng_stream_id("tcp/isn") ^
                               ((uint64_t)f->id << 20));
}

/* The 64-bit offset that 32-bit number SEQ (relative to BASE, the wire
 * number of offset 0) names, taking the one nearest NEAR. */
static uint64_t
seq_unwrap(uint32_t seq, uint32_t base, uint64_t near)
{
    int32_t d = (int32_t)(seq - (uint32_t)(base + (uint32_t)near));
    if (d < 0 && (uint64_t)-(int64_t)d > near)
        return 0;
    return (uint64_t)((int64_t)near + d);
}

/* Window scale: the smallest shift that fits BUF in 16 bits. */
static uint8_t
wscale_for(uint64_t buf)
{
    uint8_t s = 0;
    while ((buf >> s) > 0xFFFF)
        s++;
    return s;
}

/* ------------------------------------------------------------------ */
/* The pool. */

static struct tcp_conn *
conn_get(struct net *net)
{
    struct tcp_pool *pool = edge_of(net)->tcp;
    if (!pool) {
        pool = edge_of(net)->tcp = xcalloc(1, sizeof *pool);
        rng_init(&pool->jitter, net->sim.seed, rng_stream_id("tcp/jitter"));
    }
    struct tcp_conn *c = pool->free;
    if (c) {
        pool->free = c->next_free;
        struct tcp_conn keep = *c;
        memset(c, 0, sizeof *c);
        c->data_src = keep.data_src;
        c->ack_src = keep.ack_src;
        c->rto_ev = keep.rto_ev;
        c->delack = keep.delack;
        c->ooo = keep.ooo;
        c->cap_ooo = keep.cap_ooo;
        c->acks = keep.acks;
        c->cap_acks = keep.cap_acks;
        c->msgs = keep.msgs;
        c->cap_msgs = keep.cap_msgs;
        return c;
    }
    /* Aligned for the packet templates inside, in the net's arena beside
     * the others (on huge pages: fabric/arena.h). */
    c = memset(arena_carve(&net->arena, sizeof *c), 0, sizeof *c);
    tx_source_init(&c->data_src, &net->sim, &tcp_data_class, NULL, 0);
    tx_source_init(&c->ack_src, &net->sim, &tcp_ack_class, NULL, 0);
    event_init(&net->sim, &c->rto_ev, tcp_rto_fire);
    sim_timer_init(&net->sim, &c->delack, tcp_delack_fire);
    if (pool->n_all == pool->cap_all) {
        pool->cap_all = pool->cap_all ? 2 * pool->cap_all : 64;
        pool->all = xrealloc(pool->all, pool->cap_all * sizeof *pool->all);
    }
    pool->all[pool->n_all++] = c;
    return c;
}

/* Returns C to the pool once both ends are finished and nothing of it is
 * queued or scheduled.  Packets of the flow still in the network find
 * f->tp NULL and are discarded (a closed connection). */
static void
conn_maybe_release(struct net *net, struct tcp_conn *c)
{
    struct flow *f = c->flow;
    bool done = c->aborted || (f->completed && c->snd_una == f->size_bytes);
    if (!done || c->n_acks || c->data_src.ready || c->ack_src.ready ||
        event_is_scheduled(&net->sim, &c->ack_src.wake))
        return;
    sim_cancel(&net->sim, &c->rto_ev);
    sim_cancel(&net->sim, &c->delack.ev);
    f->tp = NULL;
    c->flow = NULL;
    c->next_free = edge_of(net)->tcp->free;
    edge_of(net)->tcp->free = c;
}

void
tcp_pool_free(struct net *net)
{
    struct tcp_pool *pool = edge_of(net)->tcp;
    if (!pool)
        return;
    for (uint32_t i = 0; i < pool->n_all; i++) {
        free(pool->all[i]->ooo);
        free(pool->all[i]->acks);
        free(pool->all[i]->msgs);
    }
    free(pool->all);
    free(pool);
    edge_of(net)->tcp = NULL;
}

/* ------------------------------------------------------------------ */
/* Timers.  The RTO is restarted on nearly every ACK; instead of moving
 * the event each time, the deadline is stored and an event that fires
 * before it simply re-arms itself for it. */

static void
rto_restart(struct net *net, struct tcp_conn *c)
{
    uint64_t d = net->sim.now_ps + c->rto_ps;
    c->rto_deadline_ps = d;
    if (!event_is_scheduled(&net->sim, &c->rto_ev) || c->rto_ev.time_ps > d)
        sim_schedule(&net->sim, &c->rto_ev, d);
}

static void
rto_stop(struct net *net, struct tcp_conn *c)
{
    c->rto_deadline_ps = TIME_NEVER;
    sim_cancel(&net->sim, &c->rto_ev);
}

static uint64_t
clamp_rto(const struct tcp_spec *cfg, uint64_t rto)
{
    if (rto < cfg->min_rto_ps)
        return cfg->min_rto_ps;
    return rto > cfg->max_rto_ps ? cfg->max_rto_ps : rto;
}

/* RFC 6298 section 2. */
static void
rtt_sample(struct tcp_conn *c, uint64_t r)
{
    if (!c->rtt_valid) {
        c->srtt_ps = r;
        c->rttvar_ps = r / 2;
        c->rtt_valid = true;
    } else {
        uint64_t diff = c->srtt_ps > r ? c->srtt_ps - r : r - c->srtt_ps;
        c->rttvar_ps = (3 * c->rttvar_ps + diff) / 4;
        c->srtt_ps = (7 * c->srtt_ps + r) / 8;
    }
    c->rto_ps = clamp_rto(c->cfg, c->srtt_ps + 4 * c->rttvar_ps);
}

/* ------------------------------------------------------------------ */
/* Sender. */

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* The message of stream C holding byte OFF of its byte stream (on
 * iWARP those delivered stay until acknowledged, so that a segment sent
 * again is cut as it was the first time). */
static const struct tcp_msg *
msg_at(const struct tcp_conn *c, uint64_t off)
{
    const struct tcp_msg *m = &c->msgs[c->msg_head];
    uint32_t n = c->n_msgs - c->n_posted, i = 0;
    while (i < n && m[i].end <= off)
        i++;
    sim_assert(i < n);
    return &m[i];
}

/* The length of the segment that starts at byte OFF, sent by LIMIT: an
 * MSS at most; on iWARP one FPDU, which ends with its message at the
 * latest (its framing in *EXTRA).  It, can_send_new() and make_pkt() are
 * inline: tcp_data_pull() asks can_send_new() twice per segment (whether
 * to send, whether to stay ready), and their calls were ~1% of a DCTCP
 * run's instructions. */
static ALWAYS_INLINE uint32_t
seg_len(const struct tcp_conn *c, uint64_t off, uint64_t limit,
        uint8_t *extra)
{
    uint64_t len = min_u64(c->mss, limit - off);
    *extra = 0;
    if (LIKELY(!c->iwarp))
        return (uint32_t)len;
    uint32_t ddp = DDP_TAGGED_BYTES;
    if (c->stream) {
        const struct tcp_msg *m = msg_at(c, off);
        ddp = iwarp_ddp_bytes(m->kind);
        len = min_u64(len, m->end - off);
        len = min_u64(len, c->mss - (ddp - DDP_TAGGED_BYTES));
    }
    *extra = iwarp_overhead(ddp, (uint32_t)len);
    return (uint32_t)len;
}

/* May a new segment go out now?  Within min(cwnd, rwnd) of snd_una; a
 * sender with nothing in flight may always send one.  Limited transmit
 * (RFC 3042): each of the first two duplicate ACKs lets one more new
 * segment out beyond cwnd, so that a window too small to produce three
 * duplicate ACKs can still recover without a timeout. */
static ALWAYS_INLINE bool
can_send_new(const struct tcp_conn *c)
{
    uint64_t size = c->flow->size_bytes;
    if (!c->established || c->snd_nxt >= size)
        return false;
    uint64_t flight = c->snd_nxt - c->snd_una;
    uint8_t extra;
    uint64_t len = seg_len(c, c->snd_nxt, size, &extra);
    uint64_t cwnd = c->cwnd;
    if (!c->in_recovery && c->dupacks < c->cfg->dupack_thresh)
        cwnd += (uint64_t)(c->dupacks < 2 ? c->dupacks : 2) * c->mss;
    return flight == 0 || flight + len <= min_u64(cwnd, c->rwnd);
}

/* The application writes: if the connection has sent nothing for longer
 * than an RTO and has nothing in flight, its window restarts (RFC 5681
 * 4.1, RFC 2861 section 3), as Linux does under
 * net.ipv4.tcp_slow_start_after_idle (tcp_slow_start_after_idle_check()
 * in include/net/tcp.h, called as data is queued; tcp_cwnd_restart() in
 * net/ipv4/tcp_output.c): cwnd halves once per RTO of idle time beyond
 * the first, down to the restart window min(initial window, cwnd), and
 * ssthresh keeps at least 3/4 of the old cwnd (tcp_current_ssthresh()).
 * Linux's initial window is tcp_init_cwnd(): the route's `initcwnd` if
 * set, else TCP_INIT_CWND (10); here the connection's own `init_cwnd`,
 * which storage raises for its sessions as a route's initcwnd would. */
void
restart_after_idle(const struct net *net, struct tcp_conn *c)
{
    if (!c->cfg->slow_start_after_idle || !c->established ||
        c->snd_una != c->snd_max)
        return;
    uint64_t idle = net->sim.now_ps - c->last_data_ps;
    if (idle <= c->rto_ps)
        return;
    uint64_t restart = min_u64((uint64_t)c->cfg->init_cwnd * c->mss,
                               c->cwnd);
    if (!c->in_recovery && !c->in_cwr) {
        uint64_t keep = (c->cwnd >> 1) + (c->cwnd >> 2);
        if (c->ssthresh < keep)
            c->ssthresh = keep;
    }
    uint64_t cwnd = c->cwnd;
    while (idle > c->rto_ps && cwnd > restart) {
        idle -= c->rto_ps;
        cwnd >>= 1;
    }
    c->cwnd = cwnd > restart ? cwnd : restart;
}

void
sender_wake(struct net *net, struct tcp_conn *c)
{
    if (c->aborted)
        return;
    if (c->syn_pending || c->rtx_pending || can_send_new(c))
        nic_activate(net, &c->data_src);
}

/* The two header templates: data (sender to receiver) and ACKs (the
 * reverse: addresses and ports swapped). */
static void
make_protos(const struct net *net, struct tcp_conn *c)
{
    transport_proto_pkt(net, c->flow, IPPROTO_NUM_TCP, &c->data_proto);
    struct pkt *r = &c->ack_proto;
    *r = c->data_proto;
    memcpy(r->eth.src, c->data_proto.eth.dst, 6);
    memcpy(r->eth.dst, c->data_proto.eth.src, 6);
    r->ip.src = c->data_proto.ip.dst;
    r->ip.dst = c->data_proto.ip.src;
    r->l4.tcp.sport = c->data_proto.l4.tcp.dport;
    r->l4.tcp.dport = c->data_proto.l4.tcp.sport;
    transport_route_hash(net, r, r->l4.tcp.sport, r->l4.tcp.dport);
}

static ALWAYS_INLINE struct pkt *
make_pkt(struct net *net, const struct tcp_conn *c, bool reverse)
{
    struct pkt *p = pkt_alloc(&net->pool);
    *p = reverse ? c->ack_proto : c->data_proto;
    return p;
}

/* Times the segment ending at END, sent now, unless one is timed already
 * (one RTT sample per round trip). */
static void
start_timing(struct tcp_conn *c, uint64_t end, uint64_t now_ps)
{
    if (c->timing)
        return;
    c->timing = true;
    c->timed_end = end;
    c->timed_at_ps = now_ps;
}

static struct pkt *
make_syn(struct net *net, struct tcp_conn *c)
{
    struct pkt *p = make_pkt(net, c, false);
    p->l4.tcp.seq = c->isn_snd;
    p->l4.tcp.flags = TCP_F_SYN;
    /* RFC 3168 6.1.1: an ECN-setup SYN carries ECE and CWR. */
    if (c->ecn)
        p->l4.tcp.flags |= TCP_F_ECE | TCP_F_CWR;
    p->l4.tcp.window = 0xFFFF;
    pkt_set_lengths(p);
    c->syn_pending = false;
    start_timing(c, 0, net->sim.now_ps);
    rto_restart(net, c);
    return p;
}

static struct pkt *
tcp_data_pull(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct tcp_conn *c = CONTAINER_OF(src, struct tcp_conn, data_src);
    struct flow *f = c->flow;
    *next_ready = TIME_NEVER;
    if (UNLIKELY(c->aborted)) {
        /* Closed while it waited in the ready list. */
        conn_maybe_release(net, c);
        return NULL;
    }
    if (c->syn_pending)
        return make_syn(net, c);

    uint64_t off;
    uint32_t len;
    uint8_t extra;
    bool retx;
    if (c->rtx_pending) {
        c->rtx_pending = false;
        off = c->rtx_off;
        len = seg_len(c, off, c->snd_max, &extra);
        retx = true;
    } else if (can_send_new(c)) {
        off = c->snd_nxt;
        len = seg_len(c, off, f->size_bytes, &extra);
        retx = off < c->snd_max;   /* Resending after a timeout. */
        c->snd_nxt += len;
        if (c->snd_nxt > c->snd_max)
            c->snd_max = c->snd_nxt;
    } else {
        /* Acknowledged while it waited in the ready list. */
        conn_maybe_release(net, c);
        return NULL;
    }

    struct pkt *p = make_pkt(net, c, false);
    p->payload_bytes = len;
    p->l4_extra = extra;
    p->l4.tcp.seq = c->isn_snd + 1 + (uint32_t)off;
    p->l4.tcp.ack = c->isn_peer + 1;
    p->l4.tcp.flags = TCP_F_ACK;
    if (off + len == f->size_bytes)
        p->l4.tcp.flags |= TCP_F_PSH;
    p->l4.tcp.window = 0xFFFF;
    p->ip.id = (uint16_t)(off / c->mss);
    p->seq = (uint32_t)(off / c->mss);
    /* RFC 3168 6.1.5: retransmissions are not ECN-capable. */
    if (c->ecn && !retx) {
        p->ip.ecn = ECN_ECT0;
        if (c->send_cwr) {
            p->l4.tcp.flags |= TCP_F_CWR;
            c->send_cwr = false;
        }
    }
    pkt_set_lengths(p);

    f->pkts_sent++;
    f->bytes_sent += len;
    c->last_data_ps = net->sim.now_ps;
    if (retx) {
        f->retx_pkts++;
        /* Karn: a retransmitted segment gives no RTT sample. */
        if (c->timing && off < c->timed_end)
            c->timing = false;
    } else {
        start_timing(c, off + len, net->sim.now_ps);
    }
    if (c->rto_deadline_ps == TIME_NEVER)
        rto_restart(net, c);
    if (c->rtx_pending || can_send_new(c))
        *next_ready = net->sim.now_ps;
    return p;
}

/* Cuts the window for a loss detected by duplicate ACKs and starts
 * NewReno fast recovery (RFC 6582 3.2 steps 2-3). */
static void
enter_recovery(struct tcp_conn *c)
{
    c->ssthresh = c->cc->ssthresh(c, TCP_CUT_LOSS);
    c->cwnd = c->ssthresh + 3 * (uint64_t)c->mss;
    c->cwnd_cnt = 0;
    c->in_recovery = true;
    c->in_cwr = false;
    c->recover = c->snd_max;
    c->rtx_pending = true;
    c->rtx_off = c->snd_una;
}

static void
on_dupack(struct tcp_conn *c)
{
    c->dupacks++;
    if (c->in_recovery) {
        c->cwnd += c->mss;   /* Inflation: a segment has left. */
    } else if (c->dupacks == c->cfg->dupack_thresh &&
               c->snd_una >= c->recover) {
        /* (RFC 6582 4.1: not again for losses of the window that a
         * recovery or timeout already handled.) */
        enter_recovery(c);
    }
}

/* New data acknowledged inside fast recovery. */
static void
recovery_ack(struct tcp_conn *c, uint64_t acked)
{
    if (c->snd_una >= c->recover) {
        /* Full ACK: deflate (RFC 6582 3.2 step 3, option 1). */
        uint64_t flight = c->snd_max - c->snd_una;
        c->cwnd = min_u64(c->ssthresh,
                          (flight > c->mss ? flight : c->mss) + c->mss);
        c->in_recovery = false;
        c->dupacks = 0;
        return;
    }
    /* Partial ACK: the next hole is lost too; resend it and deflate by
     * the amount acknowledged (step 4). */
    c->rtx_pending = true;
    c->rtx_off = c->snd_una;
    c->cwnd = c->cwnd > acked ? c->cwnd - acked : c->mss;
    if (acked >= c->mss)
        c->cwnd += c->mss;
}

/* ECN-Echo: cut once per window of data (RFC 3168 6.1.2, RFC 8257 3.3). */
static void
ecn_echo(struct tcp_conn *c)
{
    if (c->in_cwr || c->in_recovery)
        return;
    c->ssthresh = c->cc->ssthresh(c, TCP_CUT_ECN);
    c->cwnd = c->ssthresh;
    c->cwnd_cnt = 0;
    c->in_cwr = true;
    c->cwr_end = c->snd_nxt;
    c->send_cwr = true;
}

/* iWARP: forgets the delivered messages the sender has seen
 * acknowledged. */
static void
msgs_acked(struct tcp_conn *c)
{
    while (c->n_rcvd && c->msgs[c->msg_head].end <= c->snd_una) {
        c->n_rcvd--;
        c->msg_head = --c->n_msgs ? c->msg_head + 1 : 0;
    }
}

static void
new_ack(struct net *net, struct tcp_conn *c, uint64_t ack, bool ece)
{
    uint64_t acked = ack - c->snd_una;
    bool cwnd_limited = c->snd_nxt - c->snd_una + c->mss > c->cwnd;
    if (c->timing && ack >= c->timed_end) {
        rtt_sample(c, net->sim.now_ps - c->timed_at_ps);
        c->timing = false;
    }
    c->snd_una = ack;
    if (c->snd_nxt < ack)
        c->snd_nxt = ack;   /* Going back after a timeout. */
    c->backoff = 0;
    if (c->cc->on_ack)
        c->cc->on_ack(c, acked, ece);
    if (c->in_cwr && ack >= c->cwr_end)
        c->in_cwr = false;

    if (c->in_recovery) {
        recovery_ack(c, acked);
    } else {
        c->dupacks = 0;
        if (ece && c->ecn)
            ecn_echo(c);
        else if (!c->in_cwr && cwnd_limited)
            c->cc->cong_avoid(c, acked);
    }
    if (c->n_rcvd)
        msgs_acked(c);
    if (c->snd_una == c->snd_max)
        rto_stop(net, c);
    else
        rto_restart(net, c);
}

static void
sender_receive(struct net *net, struct tcp_conn *c, const struct pkt *p)
{
    const struct tcp_hdr *h = &p->l4.tcp;
    if (!c->established) {
        if ((h->flags & (TCP_F_SYN | TCP_F_ACK)) != (TCP_F_SYN | TCP_F_ACK) ||
            h->ack != c->isn_snd + 1)
            return;
        c->established = true;
        c->isn_peer = h->seq;
        if (c->timing && c->backoff == 0)
            rtt_sample(c, net->sim.now_ps - c->timed_at_ps);
        c->timing = false;
        c->backoff = 0;
        /* RFC 3168 6.1.1: ECN is on only if the SYN-ACK agrees. */
        c->ecn = c->ecn && (h->flags & TCP_F_ECE) && !(h->flags & TCP_F_CWR);
        c->rwnd = (uint64_t)h->window << c->wscale;
        rto_stop(net, c);
        sender_wake(net, c);
        return;
    }
    if (h->flags & TCP_F_SYN)
        return;   /* A duplicate SYN-ACK. */
    uint64_t ack = seq_unwrap(h->ack, c->isn_snd + 1, c->snd_una);
    if (ack > c->snd_max)
        return;   /* Acknowledges data never sent: ignore (RFC 9293). */
    c->rwnd = (uint64_t)h->window << c->wscale;
    bool ece = (h->flags & TCP_F_ECE) != 0;
    if (ack > c->snd_una)
        new_ack(net, c, ack, ece);
    else if (ack == c->snd_una && c->snd_una < c->snd_max)
        on_dupack(c);

    if (c->snd_una == c->flow->size_bytes)
        conn_maybe_release(net, c);
    else
        sender_wake(net, c);
}

static void
tcp_rto_fire(struct sim *s, struct event *ev)
{
    struct net *net = net_of(s);
    struct tcp_conn *c = CONTAINER_OF(ev, struct tcp_conn, rto_ev);
    if (c->rto_deadline_ps == TIME_NEVER)
        return;
    if (s->now_ps < c->rto_deadline_ps) {
        sim_schedule(s, ev, c->rto_deadline_ps);
        return;
    }
    c->flow->timeouts++;
    if (c->backoff >= c->cfg->max_retries) {
        /* Give up, as Linux does after tcp_retries2 timeouts: the flow
         * stays incomplete. */
        c->aborted = true;
        c->rto_deadline_ps = TIME_NEVER;
        c->rtx_pending = c->syn_pending = false;
        conn_maybe_release(net, c);
        return;
    }
    /* RFC 6298 5.4-5.6: back off, and resend from the oldest unacked. */
    c->rto_ps = clamp_rto(c->cfg, c->rto_ps * 2);
    c->backoff++;
    c->timing = false;
    if (!c->established) {
        c->syn_pending = true;
        sender_wake(net, c);
        return;
    }
    /* RFC 5681 eq. 4 and 7: ssthresh from the class, loss window. */
    c->ssthresh = c->cc->ssthresh(c, TCP_CUT_RTO);
    c->cwnd = c->mss;
    c->cwnd_cnt = 0;
    c->in_recovery = false;
    c->in_cwr = false;
    c->dupacks = 0;
    c->recover = c->snd_max;
    c->rtx_pending = false;
    c->snd_nxt = c->snd_una;
    rto_restart(net, c);
    sender_wake(net, c);
}

/* ------------------------------------------------------------------ */
/* Receiver. */

static void
queue_ack(struct net *net, struct tcp_conn *c, bool ece, uint8_t flags)
{
    if (c->n_acks == c->cap_acks) {
        /* Grow the ring, unrolling it into the new array. */
        uint32_t cap = c->cap_acks ? 2 * c->cap_acks : 4;
        struct tcp_ack *a = xmalloc(cap * sizeof *a);
        for (uint32_t i = 0; i < c->n_acks; i++)
            a[i] = c->acks[(c->ack_head + i) % c->cap_acks];
        free(c->acks);
        c->acks = a;
        c->cap_acks = cap;
        c->ack_head = 0;
    }
    /* The ring's size is a power of two (4, doubled as it grows): a mask
     * in place of a division, here and in tcp_ack_pull(). */
    struct tcp_ack *a =
        &c->acks[(c->ack_head + c->n_acks) & (c->cap_acks - 1)];
    a->ack = c->rcv_nxt;
    a->ece = ece;
    a->flags = flags;
    c->n_acks++;
    c->unacked_segs = 0;
    /* A stream stays open: a delayed ACK's timer, with nothing left to
     * acknowledge, would keep the run going to its deadline. */
    if (c->stream)
        sim_cancel(&net->sim, &c->delack.ev);
    uint64_t j = c->cfg->ack_jitter_ps;
    if (!j) {
        nic_activate(net, &c->ack_src);
    } else if (!c->ack_src.ready &&
               !event_is_scheduled(&net->sim, &c->ack_src.wake)) {
        /* The receive path takes a variable time; ACKs that queue up
         * meanwhile leave together. */
        uint64_t d = rng_below(&edge_of(net)->tcp->jitter, j + 1);
        sim_schedule(&net->sim, &c->ack_src.wake, net->sim.now_ps + d);
    }
}

/* The ECE bit for an ACK sent now. */
static bool
ece_now(const struct tcp_conn *c)
{
    if (!c->ecn)
        return false;
    return c->cc->ece_per_packet ? c->ce_state : c->ece_latch;
}

static struct pkt *
tcp_ack_pull(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct tcp_conn *c = CONTAINER_OF(src, struct tcp_conn, ack_src);
    struct tcp_ack a = c->acks[c->ack_head];
    c->ack_head = (c->ack_head + 1) & (c->cap_acks - 1);
    c->n_acks--;

    struct pkt *p = make_pkt(net, c, true);
    uint32_t isn_r = ~c->isn_rcv;   /* The receiver's own ISN. */
    p->l4.tcp.seq = a.flags & TCP_F_SYN ? isn_r : isn_r + 1;
    p->l4.tcp.ack = c->isn_rcv + 1 + (uint32_t)a.ack;
    p->l4.tcp.flags = (uint8_t)(TCP_F_ACK | a.flags | (a.ece ? TCP_F_ECE : 0));
    uint64_t buf = c->cfg->rcv_buf_bytes;
    uint64_t wnd = buf > c->ooo_bytes ? buf - c->ooo_bytes : 0;
    p->l4.tcp.window = (uint16_t)(wnd >> c->wscale);
    pkt_set_lengths(p);   /* Pure ACKs are not ECN-capable (6.1.4). */
    *next_ready = c->n_acks ? net->sim.now_ps : TIME_NEVER;
    if (!c->n_acks)
        conn_maybe_release(net, c);
    return p;
}

static void
tcp_delack_fire(struct sim *s, struct event *ev)
{
    struct tcp_conn *c = CONTAINER_OF(ev, struct tcp_conn, delack.ev);
    if (c->unacked_segs)
        queue_ack(net_of(s), c, ece_now(c), 0);
}

/* Stores [START, END), beyond rcv_nxt, merging it with the ranges it
 * overlaps or touches; ooo_bytes grows by the bytes that were new. */
static void
ooo_insert(struct tcp_conn *c, uint64_t start, uint64_t end)
{
    uint32_t i = 0;
    while (i < c->n_ooo && c->ooo[i].end < start)
        i++;
    uint32_t j = i;
    while (j < c->n_ooo && c->ooo[j].start <= end) {
        if (c->ooo[j].start < start)
            start = c->ooo[j].start;
        if (c->ooo[j].end > end)
            end = c->ooo[j].end;
        c->ooo_bytes -= c->ooo[j].end - c->ooo[j].start;
        j++;
    }
    /* Ranges i..j-1 become the one range at i. */
    if (j == i) {
        if (c->n_ooo == c->cap_ooo) {
            c->cap_ooo = c->cap_ooo ? 2 * c->cap_ooo : 8;
            c->ooo = xrealloc(c->ooo, c->cap_ooo * sizeof *c->ooo);
        }
        memmove(&c->ooo[i + 1], &c->ooo[i], (c->n_ooo - i) * sizeof *c->ooo);
        c->n_ooo++;
    } else if (j > i + 1) {
        memmove(&c->ooo[i + 1], &c->ooo[j], (c->n_ooo - j) * sizeof *c->ooo);
        c->n_ooo -= j - i - 1;
    }
    c->ooo[i].start = start;
    c->ooo[i].end = end;
    c->ooo_bytes += end - start;
}

/* Moves rcv_nxt over the out-of-order ranges it now reaches. */
static void
ooo_drain(struct tcp_conn *c)
{
    uint32_t k = 0;
    while (k < c->n_ooo && c->ooo[k].start <= c->rcv_nxt) {
        if (c->ooo[k].end > c->rcv_nxt)
            c->rcv_nxt = c->ooo[k].end;
        c->ooo_bytes -= c->ooo[k].end - c->ooo[k].start;
        k++;
    }
    memmove(&c->ooo[0], &c->ooo[k], (c->n_ooo - k) * sizeof *c->ooo);
    c->n_ooo -= k;
}

/* Room for one more message at the end of C's array: the messages left
 * moved to the front, or the array grown. */
void
msgs_room(struct tcp_conn *c)
{
    if (c->msg_head + c->n_msgs < c->cap_msgs)
        return;
    if (c->msg_head) {
        memmove(c->msgs, c->msgs + c->msg_head, c->n_msgs * sizeof *c->msgs);
        c->msg_head = 0;
    } else {
        c->cap_msgs = c->cap_msgs ? 2 * c->cap_msgs : 8;
        c->msgs = xrealloc(c->msgs, c->cap_msgs * sizeof *c->msgs);
    }
}

/* Stream: the messages whose last byte rcv_nxt has passed are delivered,
 * in order: each completes, but an iWARP Read Request draws its
 * response, and a Read Response completes its request.  True if one
 * was. */
static bool
stream_delivered(struct net *net, struct tcp_conn *c)
{
    bool any = false;
    while (c->n_msgs - c->n_posted > c->n_rcvd &&
           c->msgs[c->msg_head + c->n_rcvd].end <= c->rcv_nxt) {
        struct tcp_msg m = c->msgs[c->msg_head + c->n_rcvd];
        if (c->iwarp)
            c->n_rcvd++;
        else
            c->msg_head = --c->n_msgs ? c->msg_head + 1 : 0;
        any = true;
        if (m.kind == TCP_MSG_READ_REQ)
            iwarp_read_respond(net, c, &m);
        else if (m.kind == TCP_MSG_READ_RESP)
            iwarp_read_done(net, c, m.tag);
        else
            transport_msg_done(net, c->flow, m.tag);
    }
    return any;
}

/* In-order data up to rcv_nxt has arrived.  True if it ends a message:
 * the flow's, or one of a stream's. */
static bool
deliver(struct net *net, struct tcp_conn *c, uint64_t old_nxt)
{
    struct flow *f = c->flow;
    uint64_t n = c->rcv_nxt - old_nxt;
    f->bytes_delivered += n;
    edge_of(net)->st.bytes_delivered += n;
    sim_assert(f->bytes_delivered <= f->size_bytes);
    if (c->stream)
        return stream_delivered(net, c);
    if (c->rcv_nxt == f->size_bytes) {
        transport_flow_done(net, f);
        return true;
    }
    return false;
}

static void
receiver_data(struct net *net, struct tcp_conn *c, const struct pkt *p)
{
    const struct tcp_hdr *h = &p->l4.tcp;
    if (h->flags & TCP_F_SYN) {
        /* (Re)answer the SYN; ECN only if the SYN asked for it. */
        c->isn_rcv = h->seq;
        bool ecn_ok = (h->flags & (TCP_F_ECE | TCP_F_CWR)) ==
                      (TCP_F_ECE | TCP_F_CWR);
        queue_ack(net, c, ecn_ok, TCP_F_SYN);
        return;
    }
    bool ce = p->ip.ecn == ECN_CE;
    if (c->ecn && c->cc->ece_per_packet && ce != c->ce_state) {
        /* RFC 8257 3.2: acknowledge what came before the change at once,
         * with the old state, so the sender sees exactly which bytes were
         * marked. */
        if (c->unacked_segs)
            queue_ack(net, c, c->ce_state, 0);
        c->ce_state = ce;
    }
    if (h->flags & TCP_F_CWR)
        c->ece_latch = false;
    if (ce)
        c->ece_latch = true;

    uint64_t off = seq_unwrap(h->seq, c->isn_rcv + 1, c->rcv_nxt);
    uint64_t end = off + p->payload_bytes;
    if (end <= c->rcv_nxt) {
        /* All old: a spurious retransmission.  Say where we are. */
        queue_ack(net, c, ece_now(c), 0);
        return;
    }
    if (off > c->rcv_nxt) {
        /* A hole before it: keep it and send a duplicate ACK at once
         * (RFC 5681 4.2). */
        ooo_insert(c, off, end);
        queue_ack(net, c, ece_now(c), 0);
        return;
    }
    uint64_t old = c->rcv_nxt;
    c->rcv_nxt = end;
    bool filled = c->n_ooo > 0;
    if (filled)
        ooo_drain(c);
    bool msg_end = deliver(net, c, old);
    c->unacked_segs++;
    bool quick = c->quickacks > 0;
    if (quick)
        c->quickacks--;
    if (quick || filled || c->unacked_segs >= c->cfg->delack_segs ||
        msg_end) {
        queue_ack(net, c, ece_now(c), 0);
    } else if (c->unacked_segs == 1) {
        sim_timer_arm(&net->sim, &c->delack,
                     net->sim.now_ps + c->cfg->delack_ps);
    }
}

/* ------------------------------------------------------------------ */
/* The transport class. */

/* Application bytes per full segment. */
static uint32_t
tcp_mss(const struct net *net, const struct flow *f)
{
    uint32_t mss = edge_of_const(net)->cfg.mtu_bytes - TCP_IP_HDR_BYTES;
    /* iWARP: a tagged FPDU's payload at most (MPA's MULPDU less the
     * DDP header); an untagged one carries 4 B less. */
    if (is_iwarp(f))
        mss = (mss - MPA_FRAMING_BYTES - DDP_TAGGED_BYTES) & ~3u;
    return mss;
}

void
tcp_setup(struct net *net, struct flow *f)
{
    struct pkt p;
    f->cc = tcp_cc_find(flow_tcp_spec(net, f)->cc)->name;
    transport_proto_pkt(net, f, IPPROTO_NUM_TCP, &p);
    uint32_t mss = tcp_mss(net, f);
    transport_set_ideal_fct(net, f, mss,
                            TCP_IP_HDR_BYTES +
                                (is_iwarp(f) ? iwarp_overhead(DDP_TAGGED_BYTES,
                                                              mss)
                                             : 0),
                            p.hash0);
}

size_t
tcp_sources(struct flow *f, struct tx_source **out, bool *at_src)
{
    struct tcp_conn *c = f->tp;
    out[0] = &c->data_src;
    at_src[0] = true;
    out[1] = &c->ack_src;
    at_src[1] = false;
    return 2;
}

void
tcp_start(struct net *net, struct flow *f)
{
    const struct tcp_spec *cfg = flow_tcp_spec(net, f);
    struct tcp_conn *c = conn_get(net);
    f->tp = c;
    c->flow = f;
    c->sim = &net->sim;
    c->cfg = cfg;
    c->cc = tcp_cc_find(cfg->cc);
    sim_assert(c->cc != NULL);
    c->mss = tcp_mss(net, f);
    c->isn_snd = isn_of(net, f);
    c->ecn = cfg->ecn || c->cc->ecn;
    c->cwnd = (uint64_t)cfg->init_cwnd * c->mss;
    c->ssthresh = UINT64_MAX;
    c->rwnd = cfg->rcv_buf_bytes;
    c->wscale = wscale_for(cfg->rcv_buf_bytes);
    c->rto_ps = clamp_rto(cfg, cfg->init_rto_ps);
    c->rto_deadline_ps = TIME_NEVER;
    c->quickacks = cfg->quickacks;
    c->last_data_ps = net->sim.now_ps;
    make_protos(net, c);
    /* From the servers that run the ends' VMs now (a vm_move). */
    tx_source_rebind(&c->data_src, host_running(net, f->src), f->tc);
    tx_source_rebind(&c->ack_src, host_running(net, f->dst), f->tc);
    c->data_src.flow_id = c->ack_src.flow_id = f->id;
    c->stream = edge_of(net)->cfg.entries[f->entry].stream;
    c->iwarp = is_iwarp(f);
    c->rd_max = edge_of(net)->cfg.entries[f->entry].rd_max;
    c->cc->init(c);
    if (cfg->handshake) {
        c->syn_pending = true;
    } else {
        c->established = true;
        c->isn_rcv = c->isn_snd;
        c->isn_peer = ~c->isn_snd;
    }
    sender_wake(net, c);
}

void
tcp_receive(struct net *net, struct flow *f, struct pkt *p)
{
    struct tcp_conn *c = f->tp;
    /* A closed stream's packets still on their way are discarded, as are
     * those of an earlier connection of a stream opened again (another
     * source port: transport_class.close). */
    if (c && UNLIKELY(c->stream) &&
        (c->aborted ||
         (p->ip.dst == c->data_proto.ip.dst ? p->l4.tcp.sport
                                            : p->l4.tcp.dport) !=
             c->data_proto.l4.tcp.sport))
        c = NULL;
    if (c) {
        if (p->ip.dst == c->data_proto.ip.dst)
            receiver_data(net, c, p);
        else
            sender_receive(net, c, p);
    }
    pkt_free(&net->pool, p);
}

/* Stream: the application closes the connection (transport_class.close):
 * as an abort after too many timeouts, without the FIN and RST that are
 * not modelled. */
static void
tcp_close(struct net *net, struct flow *f)
{
    struct tcp_conn *c = f->tp;
    if (!c || c->aborted)
        return;
    c->aborted = true;
    c->rto_deadline_ps = TIME_NEVER;
    c->rtx_pending = c->syn_pending = false;
    conn_maybe_release(net, c);
}

/* P is to arrive (host.c's prefetch hook): the line that tells the
 * direction (the data template's), then, for data (it carries payload),
 * the receiver's source, its state and the ACK template, and for an ACK
 * the sender's lines (rtt, window, congestion control, its source for
 * sending more). */
void
tcp_prefetch_rx(const struct flow *f, const struct pkt *p)
{
    const struct tcp_conn *c = f->tp;
    __builtin_prefetch(&c->data_proto);
    const char *from, *to;
    if (p->payload_bytes) {
        from = (const char *)&c->ack_src;
        to = (const char *)(&c->ack_proto + 1);
    } else {
        from = (const char *)c;
        to = (const char *)&c->ccs + sizeof c->ccs;
    }
    for (; from < to; from += 64)
        __builtin_prefetch(from);
}

/* Stream: BYTES more of the byte stream, a message ending with them;
 * on iWARP an RDMAP message of VERB (a READ's request its 28 B, the
 * BYTES coming back on the peer stream) once its work request has run
 * (iwarp_start()). */
void
tcp_post(struct net *net, struct flow *f, uint64_t bytes,
         enum rdma_verb verb, uint64_t tag)
{
    struct tcp_conn *c = f->tp;
    sim_assert(c && c->stream && bytes > 0);
    msgs_room(c);
    if (c->iwarp) {
        iwarp_post(c, bytes, verb, tag);
        return;
    }
    restart_after_idle(net, c);
    f->size_bytes += bytes;
    c->msgs[c->msg_head + c->n_msgs++] =
        (struct tcp_msg){ .end = f->size_bytes, .tag = tag };
    sender_wake(net, c);
}

bool
tcp_sample(const struct flow *f, struct tcp_sample *out)
{
    const struct tcp_conn *c = f->tp;
    if (!c || (f->transport != &transport_tcp &&
               f->transport != &transport_iwarp))
        return false;
    out->cwnd_bytes = c->cwnd;
    out->ssthresh_bytes = c->ssthresh;
    out->inflight_bytes = c->snd_nxt - c->snd_una;
    out->srtt_ps = c->rtt_valid ? c->srtt_ps : 0;
    out->rto_ps = c->rto_ps;
    return true;
}

const struct transport_class transport_tcp = {
    .name = "tcp",
    .setup = tcp_setup,
    .start = tcp_start,
    .sources = tcp_sources,
    .close = tcp_close,
    .receive = tcp_receive,
    .prefetch_rx = tcp_prefetch_rx,
    .post = tcp_post,
};
