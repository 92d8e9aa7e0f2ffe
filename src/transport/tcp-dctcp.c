/* DCTCP (RFC 8257; Alizadeh et al., SIGCOMM 2010).
 *
 * The receiver echoes every CE mark (tcp.c: ECE per packet, with the
 * immediate ACK when the CE state changes).  The sender keeps alpha, an
 * estimate of the fraction of its bytes that were marked:
 *     alpha = (1 - g) * alpha + g * F
 * once per window of data, F being the marked fraction of the bytes
 * acknowledged in that window; on ECN-Echo (once per window) it cuts
 *     cwnd = cwnd * (1 - alpha / 2).
 * Growth is Reno's.  A loss is handled as by conventional TCP: halve
 * (RFC 8257 3.5). */
#include "transport/tcp.h"
#include "transport/transport-spec.h"

static void
dctcp_init(struct tcp_conn *c)
{
    /* RFC 8257 3.3 leaves the initial alpha to the implementation; 1 is
     * Linux's default (dctcp_alpha_on_init = DCTCP_MAX_ALPHA), the
     * cautious choice: the first marks cut by half. */
    c->ccs.dctcp.alpha = 1.0;
    c->ccs.dctcp.win_end = c->snd_nxt;
    c->ccs.dctcp.acked = 0;
    c->ccs.dctcp.acked_ce = 0;
}

static void
dctcp_on_ack(struct tcp_conn *c, uint64_t acked, bool ece)
{
    c->ccs.dctcp.acked += acked;
    if (ece)
        c->ccs.dctcp.acked_ce += acked;
    if (c->snd_una < c->ccs.dctcp.win_end || !c->ccs.dctcp.acked)
        return;
    double g = c->cfg->dctcp_g;
    double f = (double)c->ccs.dctcp.acked_ce / (double)c->ccs.dctcp.acked;
    c->ccs.dctcp.alpha = (1 - g) * c->ccs.dctcp.alpha + g * f;
    c->ccs.dctcp.acked = 0;
    c->ccs.dctcp.acked_ce = 0;
    c->ccs.dctcp.win_end = c->snd_nxt;
}

static uint64_t
dctcp_ssthresh(struct tcp_conn *c, enum tcp_cut why)
{
    uint64_t floor = 2 * (uint64_t)c->mss, w;
    if (why == TCP_CUT_ECN)
        w = c->cwnd - (uint64_t)((double)c->cwnd * c->ccs.dctcp.alpha / 2);
    else
        w = c->cwnd / 2;
    return w > floor ? w : floor;
}

const struct tcp_cc_class tcp_cc_dctcp = {
    .name = "dctcp",
    .ecn = true,
    .ece_per_packet = true,
    .init = dctcp_init,
    .cong_avoid = tcp_reno_cong_avoid,
    .on_ack = dctcp_on_ack,
    .ssthresh = dctcp_ssthresh,
};
