/* BGP EVPN sessions' finite state machine (RFC 4271 section 8): the
 * TCP connections a session opens and closes, hold timers (evpn.hold),
 * going down, damping (evpn.idle_hold) and connecting again
 * (evpn.connect_retry), KEEPALIVEs,
 * opening every session at evpn.start, and switches that fail and come
 * back.  evpn.c carries the messages and keeps the RIBs; see evpn.h,
 * and evpn-int.h for what they share. */
#include "control/evpn-int.h"

#include <stdlib.h>

#include "control/bgp-msg.h"
#include "control/control.h"
#include "control/evpn-leaf.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "sim/util.h"
#include "transport/flow.h"
#include "transport/transport.h"

/* ---- The finite state machine: hold timers (evpn.hold), going down,
 * connecting again (evpn.connect_retry). ---- */

static void sess_start(struct evpn *, uint32_t si, int k);

/* Session SI's connection closes: both flows' TCP connections are
 * abandoned (transport_close_stream(); leaf VTEPs' transport,
 * evpn_leaf_close()) and what they still carried is lost. */
static void
conn_close(struct evpn *ev, uint32_t si)
{
    struct session *s = &ev->sess[si];
    if (s->closed)
        return;
    s->closed = true;
    if (ev->leaf)
        evpn_leaf_close(ev->leaf, si);
    for (int k = 0; k < 2; k++) {
        if (!ev->leaf)
            transport_close_stream(ev->net,
                                   &edge_of(ev->net)->flows[s->flow[k]]);
        s->q[k].head = s->q[k].n = 0;
    }
}

/* Session SI's next connection opens (replacing the current one, if a
 * side still uses it); false if a closed TCP connection still holds a
 * flow (its last packets waiting to leave): the attempt fails. */
static bool
conn_open(struct evpn *ev, uint32_t si)
{
    struct session *s = &ev->sess[si];
    conn_close(ev, si);
    struct flow *flows = edge_of(ev->net)->flows;
    for (int k = 0; !ev->leaf && k < 2; k++)
        if (flows[s->flow[k]].tp)
            return false;
    s->conn++;
    s->closed = false;
    for (int k = 0; !ev->leaf && k < 2; k++) {
        evpn_flow_init(ev, si, k, ev->net->sim.now_ps);
        transport_open_stream(ev->net, s->flow[k]);
    }
    return true;
}

/* Side K of session SI forgets every path its peer sent it, withdrawing
 * them from its own peers in turn (RFC 4271 6.5, 8). */
static void
drop_paths(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    uint32_t self = s->end[k], peer = s->end[1 - k];
    struct rib *r = &ev->sp[self].rib;
    /* The NLRI first: removing paths may grow the table (rib_get). */
    struct nlri *gone = xmalloc((r->n_keys + 1) * sizeof *gone);
    uint32_t n = 0;
    for (uint32_t i = 0; i < r->cap; i++)
        if (r->v[i].used && evpn_path_from(&r->v[i], peer) != NONE)
            gone[n++] = r->v[i].nlri;
    for (uint32_t i = 0; i < n; i++)
        evpn_rib_set(ev, self, &gone[i], peer, NULL);
    free(gone);
}

/* Side K of session SI goes Idle: a flap if it was Established; its
 * peer's route target membership is forgotten. */
static void
side_idle(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    if (s->state[k] == FSM_ESTABLISHED) {
        evpn_row(ev, &ev->sp[s->end[k]])->flaps++;
        s->fell[k] = true;
    }
    s->state[k] = FSM_IDLE;
    s->idle_gen[k]++;
    s->want[k] = 0;
    s->rtc_in[k] = false;
}

static void
idle_fire(struct sim *sim, void *obj, uint64_t x)
{
    (void)sim;
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)x / 2, gen = (uint32_t)(x >> 32);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    if (gen == s->idle_gen[k] && s->state[k] == FSM_IDLE)
        sess_start(ev, si, k);
}

/* Peer oscillation damping (RFC 4271 8.1.1, DampPeerOscillations), as
 * the underlay's (ebgp-fsm.c idle_hold(), FRR's doubling start timer):
 * side K of session SI, fallen from Established, waits its IdleHoldTime
 * in Idle (refusing the peer's OPENs) before it starts again: the first
 * fall evpn.idle_hold, each later one twice the previous, up to
 * evpn.idle_hold_max; a side that had stayed Established for
 * idle_hold_max before it fell starts over from idle_hold.  Not past
 * the run's stop, as the ConnectRetryTimer. */
static void
idle_hold(struct evpn *ev, uint32_t si, int k)
{
    struct sim *sim = &ev->net->sim;
    struct session *s = &ev->sess[si];
    const struct evpn_spec *c = ev->spec;
    uint64_t at = sim->now_ps +
                  control_idle_hold_ps(&s->idle_hold_ps[k], s->up_ps[k],
                                       sim->now_ps, c->idle_hold_ps,
                                       c->idle_hold_max_ps);
    if (!ev->stop_ps || at < ev->stop_ps)
        control_timer(sim, at, idle_fire, ev,
                      (2 * (uint64_t)si + (uint64_t)k) |
                          (uint64_t)s->idle_gen[k] << 32);
}

/* Side K of session SI goes down (RFC 4271 6.5, 8): Idle, and every path
 * its peer sent it is gone; with NOTIFY it tells the peer first (Hold
 * Timer Expired).  It closes the connection it was on and starts again
 * (AutomaticStart, RFC 4271 8.1.1 event 3): at once, or, fallen from
 * Established with evpn.idle_hold, after its IdleHoldTimer. */
void
evpn_session_down(struct evpn *ev, uint32_t si, int k, bool notify)
{
    struct session *s = &ev->sess[si];
    bool flap = s->state[k] == FSM_ESTABLISHED;
    if (notify) {
        struct msg m = { .type = BGP_NOTIFICATION,
                         .bytes = BGP_NOTIFICATION_BYTES };
        evpn_send_msg(ev, si, k, &m);
    }
    side_idle(ev, si, k);
    drop_paths(ev, si, k);
    if (s->side_conn[k] == s->conn)
        conn_close(ev, si);
    if (flap && ev->spec->idle_hold_ps)
        idle_hold(ev, si, k);
    else
        sess_start(ev, si, k);
}

static void
hold_check(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    if (s->state[k] == FSM_IDLE || s->state[k] == FSM_CONNECT) {
        s->hold_armed[k] = false;
        return;
    }
    uint64_t deadline = s->last_rx_ps[k] + ev->spec->hold_ps;
    if (sim->now_ps < deadline) {
        control_timer(sim, deadline, hold_check, ev, x);
    } else {
        s->hold_armed[k] = false;
        evpn_session_down(ev, si, k, true);
    }
}

/* Side K of session SI has the peer's OPEN: its hold timer starts (one
 * event at a time, pushed back lazily to the last message's arrival plus
 * the hold time). */
void
evpn_hold_start(struct evpn *ev, uint32_t si, int k)
{
    struct sim *sim = &ev->net->sim;
    struct session *s = &ev->sess[si];
    s->last_rx_ps[k] = sim->now_ps;
    if (s->hold_armed[k])
        return;
    s->hold_armed[k] = true;
    control_timer(sim, sim->now_ps + ev->spec->hold_ps, hold_check, ev,
                  2 * (uint64_t)si + (uint64_t)k);
}

uint32_t
evpn_router_id(const struct evpn *ev, uint32_t sp)
{
    uint32_t node = ev->sp[sp].host;
    return node < ev->n_hosts ? pkt_host_ip(node)
                              : pkt_switch_ip(node - ev->n_hosts);
}

/* Side K of session SI tries a connection: the session's next TCP
 * connection, its OPEN the first thing on it; the peer's OPEN in answer
 * completes it.  While the path is down the OPEN does not arrive and the
 * ConnectRetryTimer tries again.
 *
 * A collision (RFC 4271 6.8): if the peer is opening a connection of its
 * own (not yet Established) and the peer's BGP Identifier is the higher
 * (unsigned), that connection wins: this side takes it instead of
 * opening one, its OPEN the answer the peer waits for (a real speaker
 * would open its own as well and close it with a Cease NOTIFICATION once
 * the OPENs showed the Identifiers; that losing connection is not
 * modelled).  Otherwise this side's new connection replaces the peer's,
 * which the peer gives up when this side's OPEN arrives.  A leaf VTEP's
 * peer connection whose SYN was refused or lost (evpn_leaf_syn_lost())
 * never reached this side: there is nothing to collide with, and this
 * side opens its own, as a real speaker whose peer's SYN it never
 * answered would (taking that connection would leave this side waiting
 * for the peer's OPEN until the SYN's RTO, and the peer for this side's
 * KEEPALIVE until its hold timer). */
static void
sess_try(struct evpn *ev, uint32_t si, int k)
{
    struct session *s = &ev->sess[si];
    int p = 1 - k;
    if (!s->closed && s->conn_by == p && s->side_conn[p] == s->conn &&
        s->state[p] != FSM_IDLE && s->state[p] != FSM_ESTABLISHED &&
        !(ev->leaf && evpn_leaf_syn_lost(ev->leaf, si, p)) &&
        evpn_router_id(ev, s->end[p]) > evpn_router_id(ev, s->end[k])) {
        if (s->side_conn[k] != s->conn) {
            s->side_conn[k] = s->conn;
            evpn_send_simple(ev, si, k, BGP_OPEN);
        }
        return;
    }
    if (!conn_open(ev, si))
        return;
    s->conn_by = (uint8_t)k;
    s->side_conn[k] = s->conn;
    evpn_send_simple(ev, si, k, BGP_OPEN);
}

/* Arms side K's ConnectRetryTimer for now + evpn.connect_retry (not past
 * the run's stop; without one it does not keep the run going,
 * control_timer()). */
static void retry_fire(struct sim *, void *, uint64_t);

static void
retry_arm(struct evpn *ev, uint32_t si, int k)
{
    struct sim *sim = &ev->net->sim;
    struct session *s = &ev->sess[si];
    s->retry_at_ps[k] = sim->now_ps + ev->spec->connect_retry_ps;
    if (s->retry_armed[k] || (ev->stop_ps && s->retry_at_ps[k] >= ev->stop_ps))
        return;
    s->retry_armed[k] = true;
    control_timer(sim, s->retry_at_ps[k], retry_fire, ev,
                  2 * (uint64_t)si + (uint64_t)k);
}

static void
retry_fire(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    s->retry_armed[k] = false;
    if (s->state[k] != FSM_CONNECT)
        return;
    if (sim->now_ps < s->retry_at_ps[k]) {
        s->retry_armed[k] = true;
        control_timer(sim, s->retry_at_ps[k], retry_fire, ev, x);
        return;
    }
    retry_arm(ev, si, k);
    sess_try(ev, si, k);
}

/* Side K of session SI starts: Connect, an attempt now and the
 * ConnectRetryTimer. */
static void
sess_start(struct evpn *ev, uint32_t si, int k)
{
    ev->sess[si].state[k] = FSM_CONNECT;
    retry_arm(ev, si, k);
    sess_try(ev, si, k);
}

/* ---- Opening the sessions, keeping them alive. ---- */

static void
keepalive(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    /* Down: none until it is up again. */
    if (ev->sess[si].state[k] > FSM_CONNECT)
        evpn_send_simple(ev, si, k, BGP_KEEPALIVE);
    uint64_t next = sim->now_ps + ev->spec->keepalive_ps;
    if (!ev->stop_ps || next < ev->stop_ps)
        control_timer(sim, next, keepalive, ev, x);
}

/* At evpn.start: each direction of every session opens its stream (its
 * TCP connection, with the handshake if `tcp.handshake`) and posts its
 * OPEN on it. */
void
evpn_open_all(struct sim *sim, void *obj, uint64_t unused)
{
    (void)unused;
    struct evpn *ev = obj;
    for (uint32_t i = 0; !ev->leaf && i < 2 * ev->n_sess; i++)
        transport_open_stream(ev->net, ev->first_flow + i);
    for (uint32_t si = 0; si < ev->n_sess; si++) {
        /* Both sides open at once: the connection that survives the
         * collision is the higher Identifier's (sess_try()). */
        struct session *s = &ev->sess[si];
        s->conn_by = evpn_router_id(ev, s->end[1]) >
                     evpn_router_id(ev, s->end[0]);
        for (int k = 0; k < 2; k++) {
            ev->sess[si].state[k] = FSM_OPEN_SENT;
            evpn_send_simple(ev, si, k, BGP_OPEN);
            uint64_t next = sim->now_ps + ev->spec->keepalive_ps;
            if (!ev->stop_ps || next < ev->stop_ps)
                control_timer(sim, next, keepalive, ev,
                              2 * (uint64_t)si + (uint64_t)k);
        }
    }
}

/* ---- Switches that fail and come back. ---- */

/* evpn.bfd: side K of session SI runs a BFD session with its peer (RFC
 * 5883's multihop BFD between their addresses, FRR's `neighbor X bfd`);
 * the peer's switch failed and its BFD packets stopped.  When the
 * detection time has run out (control_bfd_down_ps(), as the underlay's
 * BFD, control.c) with the peer still down since, BFD is down and so is
 * the BGP session: Cease NOTIFICATION, BFD Down (RFC 9384), Idle, the
 * peer's paths gone, and a new connection tried (evpn_session_down()),
 * as at the hold timer's expiry but sooner.  A side in Idle or Connect
 * has no session to close. */
static void
bfd_fire(struct sim *sim, void *obj, uint64_t x)
{
    struct evpn *ev = obj;
    uint32_t si = (uint32_t)(x / 2);
    int k = (int)(x % 2);
    struct session *s = &ev->sess[si];
    const struct speaker *peer = &ev->sp[s->end[1 - k]];
    if (!peer->down || ev->sp[s->end[k]].down ||
        control_bfd_down_ps(ev->spec->bfd_interval_ps,
                            ev->spec->bfd_multiplier, peer->down_ps) !=
            sim->now_ps ||
        s->state[k] == FSM_IDLE || s->state[k] == FSM_CONNECT)
        return;
    evpn_session_down(ev, si, k, true);
}

/* Speaker I's switch has failed: with evpn.bfd each of its peers' sides
 * finds out by BFD (bfd_fire()). */
static void
bfd_watch(struct evpn *ev, uint32_t i)
{
    struct sim *sim = &ev->net->sim;
    const struct speaker *sp = &ev->sp[i];
    uint64_t at = control_bfd_down_ps(ev->spec->bfd_interval_ps,
                                      ev->spec->bfd_multiplier, sp->down_ps);
    for (uint32_t j = 0; j < sp->n_sess; j++) {
        uint32_t si = sp->sess[j];
        int peer_side = ev->sess[si].end[0] == i ? 1 : 0;
        if (at != UINT64_MAX && (!ev->stop_ps || at < ev->stop_ps))
            control_timer(sim, at, bfd_fire, ev,
                          2 * (uint64_t)si + (uint64_t)peer_side);
    }
}

void
evpn_switch_down(struct evpn *ev, uint32_t node)
{
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        struct speaker *sp = &ev->sp[i];
        if (sp->host != node)
            continue;
        sp->down = true;
        sp->down_ps = ev->net->sim.now_ps;
        if (ev->spec->bfd)
            bfd_watch(ev, i);
        /* Every side Idle first, so that forgetting the paths sends
         * nothing: the box is dead, its peers learn it by their hold
         * timers. */
        for (uint32_t j = 0; j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            side_idle(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
        for (uint32_t j = 0; j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            drop_paths(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
    }
}

void
evpn_switch_up(struct evpn *ev, uint32_t node)
{
    for (uint32_t i = 0; i < ev->n_sp; i++) {
        struct speaker *sp = &ev->sp[i];
        if (sp->host == node)
            sp->down = false;
        for (uint32_t j = 0; sp->host == node && j < sp->n_sess; j++) {
            uint32_t si = sp->sess[j];
            sess_start(ev, si, ev->sess[si].end[0] == i ? 0 : 1);
        }
    }
}
