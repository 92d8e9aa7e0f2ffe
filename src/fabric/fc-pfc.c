/* Priority-based flow control, the "pfc" flow-control provider; see
 * pfc.h for the model and fc-provider.h for the contract. */
#include "fabric/pfc.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/fabric-spec.h"
#include "fabric/fc.h"
#include "fabric/mmu.h"
#include "fabric/net.h"
#include "fabric/node.h"
#include "fabric/port.h"
#include "fabric/switch.h"
#include "pkt/pkt.h"

/* FC as PFC state, in the members of fc_pfc: they are only ever called
 * through fc->class, so the class is known (pfc_port_cast() checks it
 * where it is not). */
static inline struct pfc_port *
pfc_of(struct fc_port *fc)
{
    return CONTAINER_OF(fc, struct pfc_port, up);
}

static void pfc_expire(struct sim *, struct event *);
static void pfc_refresh(struct sim *, struct event *);
static void pfc_watchdog(struct sim *, struct event *);

struct pfc_port *
pfc_port_create(struct sim *sim, struct port *port,
                const struct pfc_spec *spec, const struct qos_spec *qos,
                uint8_t lossless, uint64_t response_ps)
{
    struct pfc_port *pf = xcalloc(1, sizeof *pf);
    pf->spec = spec;
    pf->qos = qos;
    pf->host = port->node->class != &switch_class;
    pf->lossless = lossless;
    pf->response_ps = response_ps;
    event_init(sim, &pf->expire, pfc_expire);
    event_init(sim, &pf->refresh, pfc_refresh);
    /* A registered event costs the queue ~44 B (sim.h): the watchdog's
     * only where it can run. */
    if (spec->watchdog)
        event_init(sim, &pf->watchdog, pfc_watchdog);
    fc_port_attach(&pf->up, &fc_pfc, port);
    return pf;
}

/* IEEE 802.1Qbb Annex N's higher-layer response delay D_resp, in bit
 * times at the tabulated rates (Cisco Press, "Data Center Bridging",
 * ch. 7; ../shared/data/published-values.tsv), linear in between and
 * clamped outside. */
uint64_t
pfc_default_response_ps(uint64_t rate_bps)
{
    static const struct {
        uint64_t gbps, bits;
    } t[] = {
        { 10, 30720 }, { 25, 40960 }, { 40, 60416 }, { 100, 201728 },
        { 400, 463360 },
    };
    const size_t n = sizeof t / sizeof t[0];
    double g = (double)rate_bps / 1e9, bits;
    if (g <= (double)t[0].gbps) {
        bits = (double)t[0].bits;
    } else if (g >= (double)t[n - 1].gbps) {
        bits = (double)t[n - 1].bits;
    } else {
        size_t i = 1;
        while ((double)t[i].gbps < g)
            i++;
        double f = (g - (double)t[i - 1].gbps) /
                   (double)(t[i].gbps - t[i - 1].gbps);
        bits = (double)t[i - 1].bits +
               f * (double)(t[i].bits - t[i - 1].bits);
    }
    return (uint64_t)(bits * 1e12 / (double)rate_bps + 0.5);
}

/* What can arrive at PORT's lossless ingress after the frame that
 * crossed XOFF (all in wire bytes at the link rate):
 *   - bytes already on the way: the peer's link delay (its propagation
 *     plus our forwarding latency, which dcsim spends before admission);
 *   - the pause waits for a frame in progress on our egress (one max
 *     frame), then takes the wire itself (one PFC frame per lossless
 *     class, in the worst case queued behind the others) and travels our
 *     link's propagation;
 *   - the peer reacts after its response time, and finishes a frame in
 *     progress (one max frame);
 * the IEEE 802.1Qbb Annex N delay model (2 x cable delay + 2 x max frame
 * + PFC frame + response), with dcsim's own latency in the data path. */
uint64_t
pfc_headroom_bytes(const struct net *net, const struct port *port,
                   uint32_t mtu, int n_lossless)
{
    const struct link *l = &port->link;
    const struct port *peer = &l->peer->ports[l->peer_port];
    uint64_t rate_bps = port->rate_bps;
    uint64_t data_delay_ps = peer->link.delay_ps;
    uint64_t pause_delay_ps = link_prop_ps(net, l);
    uint64_t response_ps = pfc_port_cast(peer->fc)->response_ps;
    uint64_t max_frame = (uint64_t)mtu + ETH_HDR_BYTES + VLAN_TAG_BYTES +
                         ETH_FCS_BYTES + ETH_PREAMBLE_BYTES + ETH_IFG_BYTES;
    uint64_t pfc_wire = PFC_FRAME_BYTES + ETH_PREAMBLE_BYTES + ETH_IFG_BYTES;
    u128 bits = (u128)rate_bps *
                             (data_delay_ps + pause_delay_ps + response_ps);
    u128 in_flight = (bits + 8 * PS_PER_S - 1) / (8 * PS_PER_S);
    /* Saturated: a headroom past 64 bits is refused as too large for any
     * buffer all the same. */
    return sat_add_u64(in_flight > UINT64_MAX ? UINT64_MAX
                                              : (uint64_t)in_flight,
                       2 * max_frame + (uint64_t)n_lossless * pfc_wire);
}

/* simulation/scratch/third.cc: headroom = rate * delay / 8 / 1000000000
 * * 3, the delay in ns-3 time steps (ns); rounded down before the
 * product as there. */
uint64_t
pfc_headroom_ns3_bytes(const struct net *net, const struct port *port)
{
    u128 bits = (u128)port->rate_bps * link_prop_ps(net, &port->link);
    u128 bytes = bits / (8 * PS_PER_S) * 3;
    return bytes > UINT64_MAX ? UINT64_MAX : (uint64_t)bytes;
}

static uint64_t
pause_ps(const struct port *port, uint16_t quanta)
{
    u128 bits = (u128)quanta * PFC_QUANTUM_BITS;
    return (uint64_t)((bits * PS_PER_S + port->rate_bps - 1) / port->rate_bps);
}

static void
port_mac(const struct port *port, uint8_t mac[6])
{
    const struct node *n = port->node;
    if (n->class->mac) {
        n->class->mac(n, mac);
        return;
    }
    /* Locally administered, from the switch's node id and the port. */
    mac[0] = 0x02;
    mac[1] = 0xdd;
    mac[2] = (uint8_t)(n->id >> 16);
    mac[3] = (uint8_t)(n->id >> 8);
    mac[4] = (uint8_t)n->id;
    mac[5] = port->index;
}

/* The priorities to name in a frame about our ingress CLASSES. */
static uint8_t
priorities_of(const struct pfc_port *pf, uint8_t classes)
{
    if (pf->host || pf->qos->trust != QOS_TRUST_PCP)
        return classes;
    uint8_t prios = 0;
    for (int p = 0; p < 8; p++)
        if (classes >> pf->qos->pcp_prio[p] & 1)
            prios |= (uint8_t)(1u << p);
    return prios;
}

/* Our egress class that priority PRIO is sent in. */
static int
class_of(const struct pfc_port *pf, int prio)
{
    if (pf->host || pf->qos->trust != QOS_TRUST_PCP)
        return prio;
    return pf->qos->pcp_prio[prio];
}

/* Class C's state at PF, allocated at the first use. */
static struct pfc_class *
class_state(struct pfc_port *pf, int c)
{
    if (UNLIKELY(!pf->cls))
        pf->cls = xcalloc(8, sizeof *pf->cls);
    return &pf->cls[c];
}

static struct pfc_stats *
stats_of(struct pfc_port *pf, int c)
{
    return &class_state(pf, c)->st;
}

static void
pfc_send(struct net *net, struct pfc_port *pf, uint8_t classes,
         uint16_t quanta)
{
    struct port *port = pf->up.port;
    uint8_t prios = priorities_of(pf, classes);
    if (!prios)
        return;  /* No priority reaches the class: nothing to pause. */
    struct pkt *p = pkt_alloc(&net->pool);
    uint8_t mac[6];
    port_mac(port, mac);
    pkt_make_pfc(p, mac, prios, quanta);
    if (port->ns3_time)
        p->frame_bytes = NS3_PFC_FRAME_BYTES;
    net->st.ctrl_in_use++;
    p->next = NULL;
    if (pf->ctrl_tail)
        pf->ctrl_tail->next = p;
    else
        pf->ctrl_head = p;
    pf->ctrl_tail = p;
    port->fc_ctrl = 1;
    for (int c = 0; c < 8; c++)
        if (classes >> c & 1) {
            if (quanta)
                stats_of(pf, c)->pause_sent++;
            else
                stats_of(pf, c)->resume_sent++;
        }
    /* Under `fabric: ns3` an end of transmission still to come (filed now
     * if it was not: port_ns3_end_pending()) sends it, ahead of the queued
     * data (port_set_ns3(); the simulator's SendPfc queues it in its
     * control queue for TransmitComplete to take). */
    if (port->ns3_time && port_ns3_end_pending(net, port))
        return;
    port_kick(net, port);
}

static struct pkt *
pfc_ctrl_next(struct net *net, struct fc_port *fc)
{
    struct pfc_port *pf = pfc_of(fc);
    struct pkt *p = pf->ctrl_head;
    (void)net;
    pf->ctrl_head = p->next;
    if (!pf->ctrl_head) {
        pf->ctrl_tail = NULL;
        fc->port->fc_ctrl = 0;
    }
    p->next = NULL;
    return p;
}

static void
pause_begin(struct pfc_port *pf, int c, uint64_t now)
{
    pf->up.port->paused |= (uint8_t)(1u << c);
    class_state(pf, c)->since_ps = now;
}

/* Counts class C's pause from its start to NOW. */
static void
pause_account(struct pfc_port *pf, int c, uint64_t now)
{
    struct pfc_stats *st = stats_of(pf, c);
    uint64_t d = now - class_state(pf, c)->since_ps;
    st->paused_ps += d;
    if (d > st->longest_ps)
        st->longest_ps = d;
}

static void
pause_end(struct pfc_port *pf, int c, uint64_t now)
{
    pf->up.port->paused &= (uint8_t)~(1u << c);
    pause_account(pf, c, now);
}

static void
arm(struct sim *sim, struct event *ev, uint64_t t)
{
    if (!event_is_scheduled(sim, ev) || ev->time_ps > t)
        sim_schedule(sim, ev, t);
}

/* A PFC frame arrived at PORT and its response time has passed. */
static void
pfc_apply(struct net *net, struct pfc_port *pf, const struct pfc_hdr *h)
{
    struct port *port = pf->up.port;
    uint64_t now = net->sim.now_ps;
    bool resumed = false;
    for (int prio = 0; prio < 8; prio++) {
        if (!(h->enable >> prio & 1))
            continue;
        uint16_t q = h->quanta[prio];
        int c = class_of(pf, prio);
        uint8_t bit = (uint8_t)(1u << c);
        if (q)
            stats_of(pf, c)->pause_rcvd++;
        else
            stats_of(pf, c)->resume_rcvd++;
        if (pf->storm & bit) {
            /* The watchdog ignores pauses, and restores the class only
             * after a quiet `restoration` period. */
            if (q)
                class_state(pf, c)->storm_rx_ps = now;
            continue;
        }
        if (!q) {
            if (port->paused & bit) {
                pause_end(pf, c, now);
                resumed = true;
            }
            continue;
        }
        if (!(port->paused & bit)) {
            pause_begin(pf, c, now);
            if (pf->spec->watchdog)
                arm(&net->sim, &pf->watchdog, now + pf->spec->wd_detect_ps);
        }
        uint64_t until = now + pause_ps(port, q);
        class_state(pf, c)->until_ps = until;
        arm(&net->sim, &pf->expire, until);
    }
    if (resumed)
        port_kick(net, port);
}

static void
pfc_arrive(struct sim *sim, void *obj, uint64_t port_index)
{
    struct net *net = net_of(sim);
    struct pkt *p = obj;
    struct port *port = &net->ports[port_index];
    /* A frame on a cable cut meanwhile (port_link_set_down()) is lost:
     * a pause from a dead peer is never refreshed, and expires. */
    const struct port *from = &port->link.peer->ports[port->link.peer_port];
    if (port->fc && !from->link.down)
        pfc_apply(net, pfc_port_cast(port->fc), &p->l4.pfc);
    net->st.ctrl_in_use--;
    pkt_free(&net->pool, p);
}

static void
pfc_ctrl_sent(struct net *net, struct fc_port *fc, struct pkt *p,
              uint64_t end_ps)
{
    const struct link *l = &fc->port->link;
    struct port *peer = &l->peer->ports[l->peer_port];
    uint64_t response = peer->fc ? pfc_port_cast(peer->fc)->response_ps : 0;
    sim_call(&net->sim, end_ps + link_prop_ps(net, l) + response, pfc_arrive,
             p, (uint64_t)(peer - net->ports));
}

static void
pfc_expire(struct sim *sim, struct event *ev)
{
    struct pfc_port *pf = CONTAINER_OF(ev, struct pfc_port, expire);
    struct net *net = net_of(sim);
    uint64_t now = sim->now_ps, next = TIME_NEVER;
    bool resumed = false;
    for (int c = 0; c < 8; c++) {
        if (!(pf->up.port->paused >> c & 1))
            continue;
        uint64_t until = class_state(pf, c)->until_ps;
        if (until <= now) {
            pause_end(pf, c, now);
            resumed = true;
        } else if (until < next) {
            next = until;
        }
    }
    if (next != TIME_NEVER)
        sim_schedule(sim, ev, next);
    if (resumed)
        port_kick(net, pf->up.port);
}

static uint64_t
refresh_interval(const struct pfc_port *pf)
{
    uint64_t t = pause_ps(pf->up.port, pf->spec->quanta) / 2;
    return t ? t : 1;
}

/* Sets the classes PF's ingress holds paused, and on a switch records
 * them beside the MMU's counters, where the transmit path looks
 * (mmu_pg_pause_due()). */
static void
set_xoff(struct pfc_port *pf, uint8_t xoff)
{
    struct port *port = pf->up.port;
    uint8_t changed = pf->xoff ^ xoff;
    pf->xoff = xoff;
    if (port->mmu && port->mmu->pg)
        for (uint8_t c = 0; changed >> c; c++)
            if (changed >> c & 1)
                mmu_pg_set_held(port->mmu, port->index, c, xoff >> c & 1);
}

/* The ingress of PF's port asks its peer to stop (or restart) class PG;
 * no-op if it already has. */
static void
pfc_pause(struct net *net, struct pfc_port *pf, uint8_t pg)
{
    uint8_t bit = (uint8_t)(1u << pg);
    if (pf->xoff & bit)
        return;
    set_xoff(pf, pf->xoff | bit);
    pfc_send(net, pf, bit, pf->spec->quanta);
    arm(&net->sim, &pf->refresh, net->sim.now_ps + refresh_interval(pf));
}

static void
pfc_resume(struct net *net, struct pfc_port *pf, uint8_t pg)
{
    uint8_t bit = (uint8_t)(1u << pg);
    if (!(pf->xoff & bit))
        return;
    set_xoff(pf, pf->xoff & (uint8_t)~bit);
    pfc_send(net, pf, bit, 0);
    if (!pf->xoff)
        sim_cancel(&net->sim, &pf->refresh);
}

/* A lossless frame of class PG entered by the port was admitted by its
 * switch's MMU past XOFF, or one left and the group is back at XON
 * (fc-provider.h: the transmit path checked the thresholds and the held
 * bit that set_xoff() keeps): pause or resume the upstream class. */
static void
pfc_rx_admitted(struct net *net, struct fc_port *fc, uint8_t pg)
{
    pfc_pause(net, pfc_of(fc), pg);
}

static void
pfc_rx_released(struct net *net, struct fc_port *fc, uint8_t pg)
{
    pfc_resume(net, pfc_of(fc), pg);
}

/* A host NIC's receive buffer: past XOFF for PG, or back at XON. */
static void
pfc_rx_pause(struct net *net, struct fc_port *fc, uint8_t pg)
{
    pfc_pause(net, pfc_of(fc), pg);
}

static void
pfc_rx_resume(struct net *net, struct fc_port *fc, uint8_t classes)
{
    struct pfc_port *pf = pfc_of(fc);
    for (uint8_t c = 0; pf->xoff & classes && c < 8; c++)
        if (classes >> c & 1)
            pfc_resume(net, pf, c);
}

/* The ingress of PORT may let class PG flow again. */
static bool
at_xon(const struct port *port, uint8_t pg)
{
    if (port->mmu)
        return mmu_pg_at_xon(port->mmu, port->index, pg);
    return port->node->class->rx_at_xon(port->node);
}

/* Before a pause we sent would lapse: resume what is back at XON, pause
 * the rest again. */
static void
pfc_refresh(struct sim *sim, struct event *ev)
{
    struct pfc_port *pf = CONTAINER_OF(ev, struct pfc_port, refresh);
    struct net *net = net_of(sim);
    uint8_t resume = 0;
    for (int c = 0; c < 8; c++)
        if ((pf->xoff >> c & 1) && at_xon(pf->up.port, (uint8_t)c))
            resume |= (uint8_t)(1u << c);
    set_xoff(pf, pf->xoff & (uint8_t)~resume);
    if (resume)
        pfc_send(net, pf, resume, 0);
    if (pf->xoff) {
        pfc_send(net, pf, pf->xoff, pf->spec->quanta);
        sim_schedule(sim, ev, sim->now_ps + refresh_interval(pf));
    }
}

static void
declare_storm(struct net *net, struct pfc_port *pf, int c)
{
    struct port *port = pf->up.port;
    uint64_t now = net->sim.now_ps;
    uint8_t bit = (uint8_t)(1u << c);
    pause_end(pf, c, now);
    pf->storm |= bit;
    class_state(pf, c)->storm_rx_ps = now;
    stats_of(pf, c)->storms++;
    net_pfc_event(net, port, (uint8_t)c, "storm");
    if (pf->spec->wd_action == PFC_WD_DROP) {
        port->fc_drop |= bit;
        stats_of(pf, c)->wd_drops += port_flush(net, port, (uint8_t)c,
                                         DROP_PFC_WATCHDOG);
    }
    port_kick(net, port);
}

/* Detection: a class paused for `detection` with packets waiting.  The
 * queue is looked at when its pause has lasted that long and, if it is
 * empty then, again every quarter of the detection time while the pause
 * lasts (as a poller would).  Restoration: `restoration` without a
 * pause frame. */
static void
pfc_watchdog(struct sim *sim, struct event *ev)
{
    struct pfc_port *pf = CONTAINER_OF(ev, struct pfc_port, watchdog);
    struct net *net = net_of(sim);
    const struct pfc_spec *spec = pf->spec;
    struct port *port = pf->up.port;
    uint64_t now = sim->now_ps, next = TIME_NEVER, t;
    for (int c = 0; c < 8; c++) {
        uint8_t bit = (uint8_t)(1u << c);
        if (pf->storm & bit) {
            t = class_state(pf, c)->storm_rx_ps + spec->wd_restore_ps;
            if (t <= now) {
                pf->storm &= (uint8_t)~bit;
                port->fc_drop &= (uint8_t)~bit;
                stats_of(pf, c)->restores++;
                net_pfc_event(net, port, (uint8_t)c, "restore");
                port_kick(net, port);
                continue;
            }
        } else if (port->paused & bit) {
            t = class_state(pf, c)->since_ps + spec->wd_detect_ps;
            if (t <= now) {
                if (port->eligible & bit) {
                    declare_storm(net, pf, c);
                    t = now + spec->wd_restore_ps;
                } else {
                    t = now + (spec->wd_detect_ps / 4 ? spec->wd_detect_ps / 4
                                                      : 1);
                }
            }
        } else {
            continue;
        }
        if (t < next)
            next = t;
    }
    if (next != TIME_NEVER)
        sim_schedule(sim, ev, next);
}

static int
pfc_tx_refuse(struct fc_port *fc, uint8_t tc)
{
    stats_of(pfc_of(fc), tc)->wd_drops++;
    return DROP_PFC_WATCHDOG;
}

/* Still paused at the end: count the pause up to the end of the run, and
 * leave the class marked paused for the reports. */
static void
pfc_finish(struct fc_port *fc, uint64_t end_ps)
{
    struct pfc_port *pf = pfc_of(fc);
    for (int c = 0; c < 8; c++)
        if (fc->port->paused >> c & 1)
            pause_account(pf, c, end_ps);
}

static void
pfc_destroy(struct fc_port *fc)
{
    free(pfc_of(fc)->cls);
    free(pfc_of(fc));
}

const struct fc_class fc_pfc = {
    .name = "pfc",
    .ctrl_next = pfc_ctrl_next,
    .ctrl_sent = pfc_ctrl_sent,
    .tx_refuse = pfc_tx_refuse,
    .rx_admitted = pfc_rx_admitted,
    .rx_released = pfc_rx_released,
    .rx_pause = pfc_rx_pause,
    .rx_resume = pfc_rx_resume,
    .finish = pfc_finish,
    .destroy = pfc_destroy,
};
