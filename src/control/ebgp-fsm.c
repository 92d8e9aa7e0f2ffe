/* The underlay's eBGP sessions' finite state machine (RFC 4271 section
 * 8): connection attempts (a SYN on the cable, SYN-ACK, simultaneous
 * open), the ConnectRetryTimer (control.bgp_connect_retry), OPEN and
 * KEEPALIVE bringing a session to Established, sessions that fall with
 * their port and start again, and switches that fail and come back.
 * ebgp.c carries the messages and keeps the RIBs; see ebgp.h, and
 * ebgp-int.h for what they share. */
#include "control/ebgp-int.h"

#include "fabric/port.h"

/* Session SI is Established: it advertises its switch's whole table
 * (its Adj-RIB-Out was emptied when it went down). */
static void
sess_established(struct ebgp *eb, uint32_t si, uint32_t tag)
{
    struct sess *s = &eb->sess[si];
    s->state = SESS_ESTABLISHED;
    s->up_ps = eb->net->sim.now_ps;
    if (s->fell) {
        speaker_of(eb, s->sw)->reconnects++;
        s->fell = false;
    }
    for (uint32_t g = 0; g < eb->n_pfx; g++)
        if (eb->best[(size_t)s->sw * eb->n_pfx + g] != PATH_NONE)
            ebgp_sess_mark(eb, si, g);
    ebgp_sess_flush(eb, si, tag);
}

/* Session RI's side has processed the peer's OPEN or KEEPALIVE (TYPE):
 * an OPEN in OpenSent brings OpenConfirm and a KEEPALIVE, a KEEPALIVE in
 * OpenConfirm Established. */
void
ebgp_fsm_receive(struct ebgp *eb, uint32_t ri, uint8_t type, uint32_t tag)
{
    struct sess *r = &eb->sess[ri];
    if (type == MSG_OPEN && r->state == SESS_OPEN_SENT) {
        r->state = SESS_OPEN_CONFIRM;
        ebgp_send_simple(eb, ri, MSG_KEEPALIVE, tag);
    } else if (type == MSG_KEEPALIVE && r->state == SESS_OPEN_CONFIRM) {
        sess_established(eb, ri, tag);
    }
}

/* The finite state machine's connection (RFC 4271 section 8). */

static void sess_reset(struct ebgp *, uint32_t si, struct u32_list *l);
static void retry_fire(struct sim *, void *, uint64_t);

/* Whether session SI's switch has its cable: a port it has seen go down
 * (withdrawn) neither sends nor accepts a connection, its interface down
 * (FRR: no valid next hop to the peer). */
static bool
sess_port_up(const struct ebgp *eb, uint32_t si)
{
    const struct sess *s = &eb->sess[si];
    return !eb->net->switches[s->sw].up.ports[s->port].link.withdrawn;
}

/* Session SI tries a TCP connection: a SYN on its cable; none when its
 * port is down, the attempt failing at once. */
static void
sess_try(struct ebgp *eb, uint32_t si, uint32_t tag)
{
    if (!sess_port_up(eb, si))
        return;
    uint32_t i = ebgp_msg_new(eb, MSG_SYN, si, tag);
    eb->msgs[i].bytes = 0;
    eb->sess[si].trying = true;
    ebgp_msg_transmit(eb, i);
}

/* Arms session SI's ConnectRetryTimer for now + control.bgp_connect_retry;
 * not past the run's stop (without one it does not keep the run going,
 * control_timer()). */
static void
retry_arm(struct ebgp *eb, uint32_t si)
{
    struct sim *sim = &eb->net->sim;
    struct sess *s = &eb->sess[si];
    bool armed = s->retry_at_ps > sim->now_ps;
    s->retry_at_ps = sim->now_ps + eb->spec->bgp_connect_retry_ps;
    if (!armed && s->retry_at_ps <= sim->end_ps)
        control_timer(sim, s->retry_at_ps, retry_fire, eb,
                      (uint64_t)si | (uint64_t)s->gen << 32);
}

/* Session SI starts (AutomaticStart, RFC 4271 8.1.1 event 3): Connect,
 * an attempt now and the ConnectRetryTimer. */
static void
sess_start(struct ebgp *eb, uint32_t si, uint32_t tag)
{
    eb->sess[si].state = SESS_CONNECT;
    eb->sess[si].retry_at_ps = 0;
    retry_arm(eb, si);
    sess_try(eb, si, tag);
}

/* The ConnectRetryTimer expired (event 9): another attempt.  Attempts
 * the timer makes belong to no event (it runs as long as the cable is
 * down, which an event's convergence does not wait for). */
static void
retry_fire(struct sim *sim, void *obj, uint64_t arg)
{
    struct ebgp *eb = obj;
    uint32_t si = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
    struct sess *s = &eb->sess[si];
    if (gen != s->gen || s->state != SESS_CONNECT)
        return;
    if (sim->now_ps < s->retry_at_ps) {
        control_timer(sim, s->retry_at_ps, retry_fire, eb, arg);
        return;
    }
    retry_arm(eb, si);
    sess_try(eb, si, UINT32_MAX);
}

/* Session SI's connection has failed before it was Established (its
 * SYN-ACK lost: TCP_connection_fails): back to Connect, a new
 * generation; it had no routes yet. */
void
ebgp_sess_fail(struct ebgp *eb, uint32_t si, uint32_t tag)
{
    sess_reset(eb, si, NULL);
    sess_start(eb, si, tag);
}

/* Switch X's BGP Identifier (RFC 4271 section 4.2): its loopback
 * address, 172.16.0.0/12 plus its index (pkt_switch_ip()), as RFC 7938
 * fabrics set the router ID; unique per switch, so the collision rule
 * always has a winner. */
uint32_t
ebgp_router_id(uint32_t x)
{
    return pkt_switch_ip(x);
}

/* Session RI's side receives a SYN or a SYN-ACK of a current attempt of
 * its peer.  In Connect it accepts (a SYN: TCP_CR_Acked, answered with a
 * SYN-ACK) or completes (a SYN-ACK: TCP_CR_Acked) the connection and
 * sends its OPEN.  Elsewhere the attempt is refused (a collision with a
 * connection further on, RFC 4271 6.8) and the peer retries.
 *
 * Both ends' SYNs crossing are two connections, each to the other's port
 * 179 (BGP's connections never make TCP's simultaneous open: the ports
 * differ), and RFC 4271 section 6.8 keeps the one initiated by the
 * speaker with the higher BGP Identifier, compared as unsigned 32-bit
 * integers.  Both ends know both Identifiers (the peer's is configured
 * with the neighbour, as a datacenter's unnumbered sessions learn it),
 * so a side whose own SYN is out refuses the peer's when its own
 * Identifier is higher, and waits for the answer to its own; the lower
 * side accepts the higher's and gives its own up (the answer to it never
 * comes: the higher side refuses it).  The losing connection's OPENs and
 * its Cease NOTIFICATION (RFC 4486 subcode 7) are not sent. */
void
ebgp_tcp_handshake(struct ebgp *eb, uint32_t ri, uint8_t type, uint32_t tag)
{
    struct sess *r = &eb->sess[ri];
    struct sess *p = &eb->sess[r->peer];
    if (r->state != SESS_CONNECT || !sess_port_up(eb, ri)) {
        p->trying = false;
        return;
    }
    if (type == MSG_SYN && r->trying &&
        ebgp_router_id(r->sw) > ebgp_router_id(p->sw)) {
        p->trying = false;
        return;
    }
    r->trying = false;
    if (type == MSG_SYN) {
        uint32_t i = ebgp_msg_new(eb, MSG_SYN_ACK, ri, tag);
        eb->msgs[i].bytes = 0;
        ebgp_msg_transmit(eb, i);
    }
    r->state = SESS_OPEN_SENT;
    ebgp_send_simple(eb, ri, MSG_OPEN, tag);
}

/* Peer oscillation damping (RFC 4271 8.1.1, DampPeerOscillations; the
 * method is left to implementations).  A session that falls from
 * Established waits its IdleHoldTime in Idle before it starts again: the
 * first flap control.bgp_idle_hold, each later one twice the previous,
 * up to control.bgp_idle_hold_max, as FRR doubles its start timer
 * (bgpd/bgp_fsm.c, peer->v_start: 1 s, doubled up to 120 s); a session
 * that stayed Established for bgp_idle_hold_max before it fell starts
 * over from bgp_idle_hold (FRR resets at every Established, so its delay
 * grows only while sessions fail before it). */
static void
idle_fire(struct sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    struct ebgp *eb = obj;
    uint32_t si = (uint32_t)arg, gen = (uint32_t)(arg >> 32);
    struct sess *s = &eb->sess[si];
    if (gen != s->gen || !s->idle_held)
        return;
    uint32_t tag = s->up_tag;
    s->idle_held = false;
    s->up_tag = UINT32_MAX;
    sess_start(eb, si, tag);
    if (tag != UINT32_MAX)
        control_work(eb->ctl, tag, -1);
}

/* Session SI, fallen from Established, waits its IdleHoldTime (not past
 * the run's stop, as the ConnectRetryTimer). */
static void
idle_hold(struct ebgp *eb, uint32_t si)
{
    struct sim *sim = &eb->net->sim;
    struct sess *s = &eb->sess[si];
    const struct control_spec *c = eb->spec;
    uint64_t at = sim->now_ps +
                  control_idle_hold_ps(&s->idle_hold_ps, s->up_ps, sim->now_ps,
                                       c->bgp_idle_hold_ps,
                                       c->bgp_idle_hold_max_ps);
    s->idle_held = true;
    s->up_tag = UINT32_MAX;
    if (at <= sim->end_ps)
        control_timer(sim, at, idle_fire, eb,
                      (uint64_t)si | (uint64_t)s->gen << 32);
}

/* Sessions going down and coming up. */

uint32_t
ebgp_sess_of_port(const struct ebgp *eb, uint32_t x, uint8_t port)
{
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++)
        if (eb->sess[si].port == port)
            return si;
    return UINT32_MAX;
}

/* Session SI stops: its connection's messages and timers are dropped;
 * returns the prefixes it had routes for (into L). */
static void
sess_reset(struct ebgp *eb, uint32_t si, struct u32_list *l)
{
    struct sess *s = &eb->sess[si];
    if (s->state == SESS_ESTABLISHED) {
        speaker_of(eb, s->sw)->flaps++;
        s->fell = true;
    }
    s->state = SESS_IDLE;
    s->trying = false;
    if (s->idle_held && s->up_tag != UINT32_MAX)
        control_work(eb->ctl, s->up_tag, -1);
    s->idle_held = false;
    s->up_tag = UINT32_MAX;
    s->gen++;
    s->tx_seq = s->rx_seq = 0;
    for (uint32_t k = 0; k < s->held.n; k++)
        ebgp_msg_release(eb, s->held.v[k]);
    for (uint32_t k = 0; k < s->rtx.n; k++)
        ebgp_msg_release(eb, s->rtx.v[k]);
    s->held.n = s->rtx.n = 0;
    size_t base = (size_t)si * eb->n_pfx;
    for (uint32_t k = 0; k < s->pending.n; k++)
        eb->dirty[base + s->pending.v[k]] = 0;
    s->pending.n = 0;
    ebgp_release_held_tags(eb, s);
    s->mrai_ready_ps = 0;
    for (uint32_t g = 0; g < eb->n_pfx; g++) {
        eb->rib_out[base + g] = PATH_NONE;
        if (eb->rib_in[base + g] != PATH_NONE) {
            ebgp_rib_in_set(eb, si, g, PATH_NONE);
            if (l)
                list_push(l, g);
        }
    }
}

void
ebgp_port_down(struct ebgp *eb, struct sw *sw, uint8_t port, uint32_t tag)
{
    uint32_t x = (uint32_t)(sw - eb->net->switches);
    uint32_t si = ebgp_sess_of_port(eb, x, port);
    if (si == UINT32_MAX || eb->sess[si].state == SESS_IDLE ||
        eb->sess[si].state == SESS_CONNECT)
        return;
    /* The session falls at once (BFD or the carrier tells BGP, RFC
     * 5882); its routes' consequences are one job for the CPU.  It
     * starts again at once, and its attempts fail while the port is
     * down. */
    uint32_t i = ebgp_msg_new(eb, MSG_DOWN, si, tag);
    bool flap = eb->sess[si].state == SESS_ESTABLISHED;
    sess_reset(eb, si, &eb->msgs[i].pfx);
    ebgp_cpu_queue(eb, x, i);
    if (flap && eb->spec->bgp_idle_hold_ps)
        idle_hold(eb, si);
    else
        sess_start(eb, si, tag);
}

void
ebgp_port_up(struct ebgp *eb, struct sw *sw, uint8_t port, uint32_t tag)
{
    uint32_t x = (uint32_t)(sw - eb->net->switches);
    uint32_t si = ebgp_sess_of_port(eb, x, port);
    if (si == UINT32_MAX)
        return;
    struct sess *s = &eb->sess[si];
    if (s->idle_held) {
        /* Its start, when the IdleHoldTimer expires, is this event's. */
        if (s->up_tag != UINT32_MAX)
            control_work(eb->ctl, s->up_tag, -1);
        s->up_tag = tag;
        control_work(eb->ctl, tag, 1);
        return;
    }
    if (s->state != SESS_CONNECT)
        return;
    /* The peer is reachable again: FRR's next-hop tracking
     * (bgp_fsm_nht_update()) ends the wait for the ConnectRetryTimer
     * at once, an attempt now and the timer restarted. */
    retry_arm(eb, si);
    sess_try(eb, si, tag);
}

void
ebgp_switch_down(struct ebgp *eb, struct sw *sw)
{
    uint32_t x = (uint32_t)(sw - eb->net->switches);
    eb->sw_gen[x]++;
    eb->cpu_free_ps[x] = eb->net->sim.now_ps;
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++)
        sess_reset(eb, si, NULL);
    /* It comes back knowing nothing but its own racks (its sessions
     * stay Idle until then). */
    for (uint32_t g = 0; g < eb->n_pfx; g++) {
        if (is_home(eb, x, g))
            continue;
        uint32_t *b = &eb->best[(size_t)x * eb->n_pfx + g];
        if (*b != PATH_NONE)
            ebgp_rib_count(eb, x, -1);
        *b = PATH_NONE;
        route_set(eb->net, sw, g, eb->ports, 0);
    }
}

void
ebgp_switch_up(struct ebgp *eb, struct sw *sw, uint32_t tag)
{
    uint32_t x = (uint32_t)(sw - eb->net->switches);
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++)
        sess_start(eb, si, tag);
}
