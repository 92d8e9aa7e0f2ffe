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
    if (p->int_multi) {
        h->tx_unit = 128 * p->int_multi;
        h->q_unit = 80 * p->int_multi;
        h->tx_magic = UINT64_MAX / h->tx_unit + 1;
        h->q_magic = UINT64_MAX / h->q_unit + 1;
    }
    h->w = h->w_c = h->w_max;
    h->u = 1;
}

/* u of one hop (hpcc_hop_util()), given B, the hop's rate in bytes per
 * ps, and B_T = B x T.  An empty queue adds nothing (x + 0.0 is x), so
 * its division is skipped. */
static inline double
hop_util(const struct int_hop *cur, const struct int_hop *prev, double b,
         double b_t)
{
    double tau_ps = (double)(cur->ts_ps - prev->ts_ps);
    double bytes = (double)(uint32_t)(cur->tx_bytes - prev->tx_bytes);
    uint32_t q = cur->qlen_bytes < prev->qlen_bytes ? cur->qlen_bytes
                                                    : prev->qlen_bytes;
    double u = bytes / tau_ps / b;
    if (q)
        u += (double)q / b_t;
    return u;
}

double
hpcc_hop_util(const struct int_hop *cur, const struct int_hop *prev,
              uint64_t t_ps)
{
    double b = (double)cur->rate_bps / (8.0 * (double)PS_PER_S);  /* B/ps */
    return hop_util(cur, prev, b, b * (double)t_ps);
}

/* Keeps IN's records as the ones the next ACK is measured against. */
static void
keep(struct hpcc *h, const struct int_hdr *in)
{
    h->last.nhop = in->nhop;
    memcpy(h->last.hop, in->hop, in->nhop * sizeof in->hop[0]);
}

/* A % D, given MAGIC = UINT64_MAX / D + 1 (hpcc_init()), by two
 * multiplications instead of a division: exact for every 32-bit A and D
 * (Lemire, Kaser and Kurz, "Faster remainder by direct computation",
 * Software: Practice and Experience 49(6), 2019, fastmod_u32). */
static inline uint32_t
mod_u32(uint32_t a, uint64_t magic, uint32_t d)
{
    return (uint32_t)(((u128)(magic * a) * d) >> 64);
}

/* Record IN as the simulator's IntHop holds it with INT_MULTI m
 * (int-header.h, IntHop::Set): time in whole ns, bytes sent in units of
 * 128 m B and the queue in units of 80 m B, rounded down.  (The byte
 * counter wraps at 2^32 here, at 2^20 units there.) */
static inline struct int_hop
hop_round(const struct hpcc *h, const struct int_hop *in)
{
    struct int_hop o = *in;
    o.ts_ps -= o.ts_ps % PS_PER_NS;
    o.tx_bytes -= mod_u32(o.tx_bytes, h->tx_magic, h->tx_unit);
    o.qlen_bytes -= mod_u32(o.qlen_bytes, h->q_magic, h->q_unit);
    return o;
}

/* Keeps IN's records, rounded with INT_MULTI (hop_round()). */
static void
keep_rounded(struct hpcc *h, const struct int_hdr *in)
{
    if (!h->int_multi) {
        keep(h, in);
        return;
    }
    h->last.nhop = in->nhop;
    for (uint32_t i = 0; i < in->nhop; i++)
        h->last.hop[i] = hop_round(h, &in->hop[i]);
}

bool
hpcc_ack(struct hpcc *h, const struct int_hdr *in, uint64_t acked,
         uint64_t next)
{
    sim_assert(in->nhop <= INT_MAX_HOPS);
    if (!h->started) {
        /* The first round: nothing to compare with yet. */
        h->started = true;
        keep_rounded(h, in);
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
            struct int_hop rounded;
            if (h->int_multi) {
                rounded = hop_round(h, cur);
                cur = &rounded;
            }
            /* The same record again, or an older one (ACKs reordered):
             * no interval to measure. */
            if (cur->ts_ps <= prev->ts_ps)
                continue;
            if (h->sample_feedback && !round && cur->qlen_bytes == 0)
                continue;
            /* The hop's B and B x T, kept while its rate stays. */
            if (cur->rate_bps != h->b_rate_bps[i]) {
                h->b_rate_bps[i] = cur->rate_bps;
                h->b[i] = (double)cur->rate_bps / (8.0 * (double)PS_PER_S);
                h->b_t[i] = h->b[i] * (double)h->t_ps;
            }
            double u = hop_util(cur, prev, h->b[i], h->b_t[i]);
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
        keep_rounded(h, in);
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
