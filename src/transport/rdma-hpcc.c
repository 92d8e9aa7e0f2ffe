/* HPCC's reaction point; see rdma-hpcc.h. */
#include "transport/rdma-hpcc.h"

#include <string.h>

#include "sim/util.h"
#include "transport/transport-spec.h"

/* Bytes a rate of RATE_BPS sends in T_PS. */
static double
bytes_in(double rate_bps, uint64_t t_ps)
{
    return rate_bps * (double)t_ps / (8.0 * (double)PS_PER_S);
}

void
hpcc_init(struct hpcc *h, const struct hpcc_params *p, uint64_t line_bps,
          uint64_t t_ps)
{
    sim_assert(t_ps > 0 && line_bps > 0);
    memset(h, 0, sizeof *h);
    h->eta = p->eta;
    h->max_stage = p->max_stage;
    h->t_ps = t_ps;
    h->line_bps = line_bps;
    uint64_t r_ai = p->r_ai_bps ? p->r_ai_bps : line_bps / HPCC_AI_DIVISOR;
    uint64_t r_min = line_bps < HPCC_MIN_RATE_BPS ? line_bps
                                                  : HPCC_MIN_RATE_BPS;
    h->w_max = bytes_in((double)line_bps, t_ps);
    h->w_min = bytes_in((double)r_min, t_ps);
    h->w_ai = p->w_ai_bytes ? (double)p->w_ai_bytes
                            : bytes_in((double)r_ai, t_ps);
    h->fast_react = p->fast_react;
    h->sample_feedback = p->sample_feedback;
    h->int_multi = p->int_multi;
    h->w = h->w_c = h->w_max;
    h->u = 1;
}

double
hpcc_hop_util(const struct int_hop *cur, const struct int_hop *prev,
              uint64_t t_ps)
{
    double tau_ps = (double)(cur->ts_ps - prev->ts_ps);
    double bytes = (double)(uint32_t)(cur->tx_bytes - prev->tx_bytes);
    double b = (double)cur->rate_bps / (8.0 * (double)PS_PER_S);  /* B/ps */
    uint32_t q = cur->qlen_bytes < prev->qlen_bytes ? cur->qlen_bytes
                                                    : prev->qlen_bytes;
    return bytes / tau_ps / b + (double)q / (b * (double)t_ps);
}

/* Keeps IN's records as the ones the next ACK is measured against. */
static void
keep(struct hpcc *h, const struct int_hdr *in)
{
    h->last.nhop = in->nhop;
    memcpy(h->last.hop, in->hop, in->nhop * sizeof in->hop[0]);
}

/* IN's records as the simulator's IntHop holds them with INT_MULTI M
 * (int-header.h, IntHop::Set): time in whole ns, bytes sent in units of
 * 128 M B and the queue in units of 80 M B, rounded down.  (The byte
 * counter wraps at 2^32 here, at 2^20 units there.) */
static void
int_round(const struct int_hdr *in, uint32_t m, struct int_hdr *out)
{
    out->nhop = in->nhop;
    for (uint32_t i = 0; i < in->nhop; i++) {
        struct int_hop *o = &out->hop[i];
        *o = in->hop[i];
        o->ts_ps -= o->ts_ps % PS_PER_NS;
        o->tx_bytes -= o->tx_bytes % (128 * m);
        o->qlen_bytes -= o->qlen_bytes % (80 * m);
    }
}

bool
hpcc_ack(struct hpcc *h, const struct int_hdr *in, uint64_t acked,
         uint64_t next)
{
    sim_assert(in->nhop <= INT_MAX_HOPS);
    struct int_hdr rounded;
    if (h->int_multi) {
        int_round(in, h->int_multi, &rounded);
        in = &rounded;
    }
    if (!h->started) {
        /* The first round: nothing to compare with yet. */
        h->started = true;
        keep(h, in);
        h->last_update = next;
        return false;
    }
    bool round = acked > h->last_update;
    if (!round && !h->fast_react)
        return false;
    bool any = false;
    if (in->nhop == h->last.nhop) {
        double max_u = 0;
        uint64_t tau = 0;
        for (uint32_t i = 0; i < in->nhop; i++) {
            const struct int_hop *cur = &in->hop[i], *prev = &h->last.hop[i];
            /* The same record again, or an older one (ACKs reordered):
             * no interval to measure. */
            if (cur->ts_ps <= prev->ts_ps)
                continue;
            if (h->sample_feedback && !round && cur->qlen_bytes == 0)
                continue;
            double u = hpcc_hop_util(cur, prev, h->t_ps);
            if (!any || u > max_u) {
                max_u = u;
                tau = cur->ts_ps - prev->ts_ps;
            }
            any = true;
            h->last.hop[i] = *cur;
        }
        if (any) {
            if (tau > h->t_ps)
                tau = h->t_ps;
            h->u = (h->u * (double)(h->t_ps - tau) + max_u * (double)tau) /
                   (double)h->t_ps;
            double c = h->u / h->eta;
            double w;
            uint32_t stage;
            if (c >= 1 || h->inc_stage >= h->max_stage) {
                w = c > 0 ? h->w_c / c + h->w_ai : h->w_max;
                stage = 0;
            } else {
                w = h->w_c + h->w_ai;
                stage = h->inc_stage + 1;
            }
            if (w < h->w_min)
                w = h->w_min;
            if (w > h->w_max)
                w = h->w_max;
            h->w = w;
            if (round) {
                h->w_c = w;
                h->inc_stage = stage;
            }
        }
    } else {
        /* Another number of hops (a new path): start measuring it. */
        keep(h, in);
    }
    if (round && next > h->last_update)
        h->last_update = next;
    return any;
}

double
hpcc_rate_bps(const struct hpcc *h)
{
    if (h->w >= h->w_max)
        return (double)h->line_bps;
    return h->w * 8.0 * (double)PS_PER_S / (double)h->t_ps;
}
