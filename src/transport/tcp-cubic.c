/* CUBIC (RFC 9438).
 *
 * After a congestion event the window follows
 *     W_cubic(t) = C (t - K)^3 + W_max,   K = cbrt((W_max - cwnd_epoch) / C)
 * in segments, t in seconds since the epoch began (the first ACK after
 * the cut): concave up to the window where the loss happened, then
 * convex beyond it.  Each ACK moves cwnd toward W_cubic(t + RTT), by at
 * most half of cwnd per RTT (4.2, 4.4, 4.5).  Where Reno would be
 * faster (small RTT x bandwidth, as in datacenters), the Reno-friendly
 * estimate W_est wins (4.3).  A cut multiplies by beta = 0.7, with fast
 * convergence lowering W_max when the window is still shrinking (4.6,
 * 4.7).  Slow start is Reno's; HyStart++ is not modelled. */
#include <math.h>

#include "transport/tcp.h"

#define CUBIC_C 0.4      /* RFC 9438 4.1. */
#define CUBIC_BETA 0.7

static double
cwnd_segments(const struct tcp_conn *c)
{
    /* The fractional window kept here, unless the connection has set
     * cwnd itself since (recovery, timeout). */
    double w = c->ccs.cubic.cwnd_seg;
    if (fabs(w * c->mss - (double)c->cwnd) >= 1.0)
        w = (double)c->cwnd / c->mss;
    return w;
}

static void
cubic_init(struct tcp_conn *c)
{
    c->ccs.cubic.w_max = 0;
    c->ccs.cubic.k_s = 0;
    c->ccs.cubic.w_est = 0;
    c->ccs.cubic.cwnd_seg = (double)c->cwnd / c->mss;
    c->ccs.cubic.epoch_ps = TIME_NEVER;
}

static void
cubic_cong_avoid(struct tcp_conn *c, uint64_t acked)
{
    if (c->cwnd < c->ssthresh) {
        /* Slow start; whatever passes ssthresh is lost to rounding. */
        uint64_t room = c->ssthresh - c->cwnd;
        c->cwnd += acked < room ? acked : room;
        c->ccs.cubic.cwnd_seg = (double)c->cwnd / c->mss;
        return;
    }
    double w = cwnd_segments(c);
    double segs = (double)acked / c->mss;
    uint64_t now = c->sim->now_ps;
    if (c->ccs.cubic.epoch_ps == TIME_NEVER) {
        c->ccs.cubic.epoch_ps = now;
        if (w < c->ccs.cubic.w_max) {
            c->ccs.cubic.k_s = cbrt((c->ccs.cubic.w_max - w) / CUBIC_C);
        } else {
            c->ccs.cubic.k_s = 0;
            c->ccs.cubic.w_max = w;
        }
        c->ccs.cubic.w_est = w;
    }
    double t = (double)(now - c->ccs.cubic.epoch_ps) * 1e-12;
    double rtt = (double)c->srtt_ps * 1e-12;
    double k = c->ccs.cubic.k_s, w_max = c->ccs.cubic.w_max;
    double target = CUBIC_C * pow(t + rtt - k, 3) + w_max;
    if (target < w)
        target = w;
    else if (target > 1.5 * w)
        target = 1.5 * w;

    /* 4.3: alpha makes W_est grow as fast as Reno's average; once past
     * W_max it is Reno's own 1. */
    double alpha = c->ccs.cubic.w_est >= w_max
                       ? 1.0
                       : 3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);
    c->ccs.cubic.w_est += alpha * segs / w;
    if (CUBIC_C * pow(t - k, 3) + w_max < c->ccs.cubic.w_est)
        w = c->ccs.cubic.w_est;
    else
        w += (target - w) / w * segs;
    c->ccs.cubic.cwnd_seg = w;
    c->cwnd = (uint64_t)(w * c->mss);
}

static uint64_t
cubic_ssthresh(struct tcp_conn *c, enum tcp_cut why)
{
    (void)why;
    double w = cwnd_segments(c);
    /* Fast convergence (4.7): still below the last W_max, so release
     * bandwidth to newer flows. */
    if (w < c->ccs.cubic.w_max)
        c->ccs.cubic.w_max = w * (1 + CUBIC_BETA) / 2;
    else
        c->ccs.cubic.w_max = w;
    c->ccs.cubic.epoch_ps = TIME_NEVER;
    uint64_t ss = (uint64_t)(w * CUBIC_BETA * c->mss);
    uint64_t floor = 2 * (uint64_t)c->mss;
    ss = ss > floor ? ss : floor;
    c->ccs.cubic.cwnd_seg = (double)ss / c->mss;
    return ss;
}

const struct tcp_cc_class tcp_cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .cong_avoid = cubic_cong_avoid,
    .ssthresh = cubic_ssthresh,
};
