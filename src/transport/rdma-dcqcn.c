/* DCQCN (Zhu et al., "Congestion Control for Large-Scale RDMA
 * Deployments", SIGCOMM 2015) on a RoCE queue pair: the reaction point
 * at the requester (periodic alpha update and decrease check, rate
 * increase by timer and byte counter) and the notification point at the
 * responder (CNPs for CE-marked packets, as packets of their own or on
 * the next ACK), each rule's variant a key of rdma.dcqcn
 * (docs/models.md says which implementation does what).  The queue
 * pair's state is rdma-qp.h's; rdma.c calls in here, also for a message
 * stream's READ responses, whose reaction point is the responder's end
 * (rdma-qp.h's struct rdma_read_cc, made by rdma-stream.c). */
#include <string.h>

#include "fabric/net.h"
#include "host/host.h"
#include "transport/flow.h"
#include "transport/rdma-qp.h"
#include "transport/transport.h"

/* DCQCN's presets, by name; the first is the default. */
static const struct dcqcn_preset {
    const char *name;
    struct dcqcn_params p;
} dcqcn_presets[] = {
    /* The paper's values (published-values.tsv dcqcn_paper): g = 1/256,
     * CNPs at most every 50 us, alpha timer K = 55 us, rate-increase
     * timer T = 55 us, byte counter B = 10 MB, F = 5, R_AI = 40 Mb/s.
     * R_HAI is not in that summary: 10 x R_AI, the ratio of the HPCC
     * simulator's run.py (rate_ai 5, rate_hai 50 per 25G).  One cut per
     * CNP interval; alpha starts at 1 (ns-3 RdmaHw); no floor on a cut
     * but a 1 Mb/s minimum rate; a cut always clamps the target, the i-th
     * hyper increase adds i x R_HAI. */
    { "paper", {
        .g = 1.0 / 256, .alpha0 = 1.0, .cnp_interval_ps = 50 * PS_PER_US,
        .alpha_period_ps = 55 * PS_PER_US, .dec_period_ps = 50 * PS_PER_US,
        .inc_period_ps = 55 * PS_PER_US, .byte_counter = 10000000,
        .fast_recovery = 5, .ai_bps = 40000000, .hai_bps = 400000000,
        .min_rate_bps = 1000000, .min_dec_factor = 0, .clamp = true,
        .hyper = DCQCN_HYPER_LINEAR } },
    /* NVIDIA/Mellanox firmware defaults (mlxconfig dump and DOCA's DCQCN
     * parameter table; published-values.tsv mlnx_fw): dce_tcp_g 1019/1024
     * keeps 1019/1024 of alpha per update, so g = 5/1024; alpha period
     * 1 us; rate_reduce_monitor_period 4 us; min_time_between_cnps 4 us
     * (the doc table; a dump shows 2); rpg_time_reset 300 us;
     * rpg_byte_reset 32767 B; rpg_threshold 1; rpg_ai_rate 5 Mb/s;
     * rpg_hai_rate 50 Mb/s; rpg_min_rate 1 Mb/s; rpg_min_dec_fac 50%;
     * initial alpha 1023/1024.  Clamp and hyper increase as dcsim has
     * always run this profile (the firmware's clamp_tgt_rate is 0:
     * `clamp: false`). */
    { "mellanox", {
        .g = 5.0 / 1024, .alpha0 = 1023.0 / 1024,
        .cnp_interval_ps = 4 * PS_PER_US, .alpha_period_ps = 1 * PS_PER_US,
        .dec_period_ps = 4 * PS_PER_US, .inc_period_ps = 300 * PS_PER_US,
        .byte_counter = 32767, .fast_recovery = 1, .ai_bps = 5000000,
        .hai_bps = 50000000, .min_rate_bps = 1000000, .min_dec_factor = 0.5,
        .clamp = true, .hyper = DCQCN_HYPER_LINEAR } },
    /* The HPCC repository's ns-3 simulator as its shipped
     * simulation/mix/config.txt sets it (CC_MODE 1 with that file's DCQCN
     * lines) and rdma-hw.cc runs it (RdmaHw::*Mlx): EWMA_GAIN 0.00390625;
     * alpha 1 at the first CNP (cnp_received_mlx); ALPHA_RESUME_INTERVAL
     * 1 us; RATE_DECREASE_INTERVAL 4 us; RP_TIMER 900 us; no byte counter
     * (RateIncEventTimerMlx is the only increase event);
     * FAST_RECOVERY_TIMES 1; RATE_AI 50 Mb/s; RATE_HAI 100 Mb/s, added
     * once per step (HyperIncreaseMlx); MIN_RATE 100 Mb/s; no floor on a
     * cut; CLAMP_TARGET_RATE 0 (CheckRateDecreaseMlx: the target follows
     * a cut only after a timer increase); every ACK of a CE-marked packet
     * carries a CNP (ReceiveUdp; L2_ACK_INTERVAL 1: an ACK per packet), so
     * no CNP interval; the alpha and decrease timers start at the first
     * CNP and tick to the end (cnp_received_mlx, UpdateAlphaMlx,
     * CheckRateDecreaseMlx: free_timers). */
    { "ns3", {
        .g = 1.0 / 256, .alpha0 = 1.0, .cnp_interval_ps = 0,
        .alpha_period_ps = 1 * PS_PER_US, .dec_period_ps = 4 * PS_PER_US,
        .inc_period_ps = 900 * PS_PER_US, .byte_counter = 0,
        .fast_recovery = 1, .ai_bps = 50000000, .hai_bps = 100000000,
        .min_rate_bps = 100000000, .min_dec_factor = 0, .clamp = false,
        .hyper = DCQCN_HYPER_CONSTANT, .free_timers = true } },
};

void
rdma_dcqcn_profile(const char *name, struct dcqcn_params *d)
{
    const struct dcqcn_preset *pr = &dcqcn_presets[0];
    for (size_t i = 0; name && i < ARRAY_SIZE(dcqcn_presets); i++)
        if (!strcmp(name, dcqcn_presets[i].name))
            pr = &dcqcn_presets[i];
    *d = pr->p;
}

/* A rate-increase event.  With the byte counter (the paper's rule, after
 * QCN): T and B count events since the cut, this one included; fewer
 * than F of both, fast recovery; F or more of one, additive
 * increase; F or more of both, hyper increase, the i-th adding i x R_HAI
 * (or R_HAI).  Without it (Mellanox firmware, the HPCC simulator's
 * RateIncEventMlx): the timer's stage before the event; below F, fast
 * recovery; F, additive; above F, hyper, the i-th (stage F + i) adding
 * i x R_HAI (or R_HAI). */
static void
dcqcn_increase(struct net *net, struct rdma_qp *qp)
{
    const struct dcqcn_params *d = &qp->cfg->dcqcn;
    uint32_t f = d->fast_recovery;
    uint32_t hyper = 0;   /* The i of a hyper increase; 0: none. */
    bool additive = false;
    if (d->byte_counter == 0) {
        uint32_t s = qp->t_stage - 1;  /* Counted already. */
        hyper = s > f ? s - f : 0;
        additive = s == f;
    } else if (qp->t_stage >= f && qp->b_stage >= f) {
        hyper = (qp->t_stage < qp->b_stage ? qp->t_stage : qp->b_stage) -
                f + 1;
    } else {
        additive = qp->t_stage >= f || qp->b_stage >= f;
    }
    if (hyper)
        qp->target += (d->hyper == DCQCN_HYPER_LINEAR ? (double)hyper : 1.0) *
                      (double)d->hai_bps;
    else if (additive)
        qp->target += (double)d->ai_bps;
    if (qp->target > (double)qp->line_bps)
        qp->target = (double)qp->line_bps;
    qp->rate = (qp->rate + qp->target) / 2;
    /* Back at line rate: let the NIC send as fast as it can again. */
    if (qp->rate > (double)qp->line_bps * 0.999999)
        qp->rate = (double)qp->line_bps;
    (void)net;
}

void
dcqcn_inc_timer(struct sim *sim, struct event *ev)
{
    struct rdma_qp *qp = CONTAINER_OF(ev, struct rdma_qp, inc_timer);
    if (!qp_active(qp) || qp->rate >= (double)qp->line_bps)
        return;
    qp->t_stage++;
    dcqcn_increase(net_of(sim), qp);
    sim_schedule(sim, ev, sim->now_ps + qp->cfg->dcqcn.inc_period_ps);
}

/* The byte counter (dcqcn_sent() has seen the rate cut and a counter
 * configured): every B bytes sent since the last cut is an increase
 * event. */
void
dcqcn_count_bytes(struct net *net, struct rdma_qp *qp, uint32_t wire_bytes)
{
    qp->inc_bytes += wire_bytes;
    if (qp->inc_bytes >= qp->cfg->dcqcn.byte_counter) {
        qp->inc_bytes -= qp->cfg->dcqcn.byte_counter;
        qp->b_stage++;
        dcqcn_increase(net, qp);
    }
}

static void
dcqcn_cut(struct net *net, struct rdma_qp *qp)
{
    const struct dcqcn_params *d = &qp->cfg->dcqcn;
    double keep = 1 - qp->alpha / 2;
    if (keep < d->min_dec_factor)
        keep = d->min_dec_factor;
    /* Clamp off: cuts in a row keep the target of the first (Mellanox
     * clamp_tgt_rate 0 with clamp_tgt_rate_after_time_inc 1; the HPCC
     * simulator's CheckRateDecreaseMlx with ClampTargetRate false). */
    if (d->clamp || qp->t_stage > 0)
        qp->target = qp->rate;
    qp->rate *= keep;
    if (qp->rate < (double)d->min_rate_bps)
        qp->rate = (double)d->min_rate_bps;
    qp->t_stage = qp->b_stage = 0;
    qp->inc_bytes = 0;
    sim_schedule(&net->sim, &qp->inc_timer, net->sim.now_ps + d->inc_period_ps);
}

/* The decrease timer: a cut if a CNP came since the last tick.  It stops
 * after a quiet period (the next CNP cuts at once), or with free_timers
 * ticks on (the simulator's CheckRateDecreaseMlx reschedules itself
 * first, then looks at m_decrease_cnp_arrived). */
void
dcqcn_dec_timer(struct sim *sim, struct event *ev)
{
    struct rdma_qp *qp = CONTAINER_OF(ev, struct rdma_qp, dec_timer);
    if (!qp_active(qp) || (!qp->cnp_dec && !qp->cfg->dcqcn.free_timers))
        return;
    sim_schedule(sim, ev, sim->now_ps + qp->cfg->dcqcn.dec_period_ps);
    if (qp->cnp_dec) {
        qp->cnp_dec = false;
        dcqcn_cut(net_of(sim), qp);
    }
}

void
dcqcn_alpha_timer(struct sim *sim, struct event *ev)
{
    struct rdma_qp *qp = CONTAINER_OF(ev, struct rdma_qp, alpha_timer);
    const struct dcqcn_params *d = &qp->cfg->dcqcn;
    if (!qp_active(qp))
        return;
    qp->alpha = (1 - d->g) * qp->alpha + (qp->cnp_alpha ? d->g : 0);
    qp->cnp_alpha = false;
    sim_schedule(sim, ev, sim->now_ps + d->alpha_period_ps);
}

/* A CNP reached the RP.  With free_timers, the first one starts the
 * timers as the simulator's cnp_received_mlx does: alpha set to its
 * initial value without counting this CNP in it, the alpha update a
 * period later, the first decrease tick a decrease period and 1 ns later
 * ("after alpha update"), which cuts for this CNP. */
void
dcqcn_cnp(struct net *net, struct rdma_qp *qp)
{
    const struct dcqcn_params *d = &qp->cfg->dcqcn;
    uint64_t now = net->sim.now_ps;
    if (d->free_timers && !event_is_scheduled(&net->sim, &qp->dec_timer)) {
        qp->flow->cnps++;
        qp->alpha = d->alpha0;
        qp->cnp_alpha = false;
        qp->cnp_dec = true;
        qp->target = qp->rate;
        sim_schedule(&net->sim, &qp->alpha_timer, now + d->alpha_period_ps);
        sim_schedule(&net->sim, &qp->dec_timer,
                     now + d->dec_period_ps + PS_PER_NS);
        return;
    }
    qp->flow->cnps++;
    qp->cnp_alpha = qp->cnp_dec = true;
    if (!event_is_scheduled(&net->sim, &qp->alpha_timer))
        sim_schedule(&net->sim, &qp->alpha_timer,
                     net->sim.now_ps + qp->cfg->dcqcn.alpha_period_ps);
    if (!event_is_scheduled(&net->sim, &qp->dec_timer))
        sim_schedule(&net->sim, &qp->dec_timer, net->sim.now_ps);
}

/* A stream QP that went idle with its rate cut has let its increase
 * timer lapse (it stops while nothing is to send); new data starts it
 * again, as a NIC's timers would have run on. */
void
dcqcn_resume_idle(struct net *net, struct rdma_qp *qp)
{
    if (qp->cfg->cc == RDMA_CC_DCQCN && qp->rate < (double)qp->line_bps &&
        !event_is_scheduled(&net->sim, &qp->inc_timer))
        sim_schedule(&net->sim, &qp->inc_timer,
                     net->sim.now_ps + qp->cfg->dcqcn.inc_period_ps);
}

static struct pkt *
rdma_pull_cnp(struct net *net, struct tx_source *src, uint64_t *next_ready)
{
    struct rdma_qp *qp = CONTAINER_OF(src, struct rdma_qp, cnp_src);
    *next_ready = TIME_NEVER;
    if (!qp->cnp_pending)
        return NULL;
    if (--qp->cnp_pending)
        *next_ready = net->sim.now_ps;
    struct pkt *p = rdma_ctl_packet(net, qp, IB_OP_CNP);
    p->ip.dscp = (uint8_t)(qp->cfg->cnp_tc << 3);
    /* BTH, 16 reserved bytes, ICRC (RoCEv2 CNP, IBTA A17.9.4); under
     * fabric: ns3 the size of the simulator's ACK, which carries its CNPs. */
    p->l4_extra = ns3_headers(qp) ? ns3_ctl_extra(qp)
                                  : IB_BTH_BYTES + 16 + IB_ICRC_BYTES;
    pkt_set_lengths(p);
    return p;
}

const struct tx_source_class rdma_cnp_class = {
    .name = "roce-cnp",
    .pull = rdma_pull_cnp,
};

/* NP: a CE-marked packet asks for a CNP, at most one per interval; with
 * interval 0, one each (as the HPCC simulator's ReceiveUdp flags every
 * ACK of a marked packet), sent one after another if they wait. */
void
dcqcn_marked(struct net *net, struct rdma_qp *qp)
{
    uint64_t now = net->sim.now_ps;
    uint64_t interval = qp->cfg->dcqcn.cnp_interval_ps;
    if (qp->cnp_ever && now - qp->last_cnp_ps < interval)
        return;
    qp->cnp_ever = true;
    qp->last_cnp_ps = now;
    if (qp->cfg->dcqcn.cnp_on_ack) {
        /* The ACK this packet asks for (queued next) or, if it asks for
         * none, the next one carries the CNP. */
        qp->ack_becn = true;
        return;
    }
    if (qp->cnp_pending < 1 || interval == 0)
        qp->cnp_pending++;
    nic_activate(net, &qp->cnp_src);
}
