/* HPCC's reaction point (src/transport/rdma-hpcc.c) against hand-computed
 * figures: one hop's normalized inflight from two INT records, the
 * window after fast reactions and once-per-round updates, additive rounds
 * up to maxStage, and the INT slots of a packet pool. */
#include <math.h>
#include <string.h>

#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "tap.h"
#include "transport/rdma-hpcc.h"

#define US UINT64_C(1000000)          /* Picoseconds. */
#define LINE UINT64_C(100000000000)   /* 100 Gb/s: 12.5 B/ns. */
#define T (4 * US)                    /* B x T = 50000 B. */

static bool
near(double got, double want)
{
    return fabs(got - want) <= 1e-9 * fabs(want);
}

static struct int_hop
hop(uint64_t ts_ps, uint32_t tx_bytes, uint32_t qlen_bytes)
{
    struct int_hop h = { .ts_ps = ts_ps, .rate_bps = LINE,
                         .tx_bytes = tx_bytes, .qlen_bytes = qlen_bytes };
    return h;
}

/* One hop: 11000 B sent in 1 us at 100 Gb/s is 0.88 of the line; the
 * smaller queue sample, 20000 B, is 0.4 of B x T.  u = 1.28. */
static void
test_hop_util(void)
{
    struct int_hop prev = hop(1 * US, 1000, 30000);
    struct int_hop cur = hop(2 * US, 12000, 20000);
    double u = hpcc_hop_util(&cur, &prev, T);
    ok(near(u, 1.28), "u = 11000 B / 1 us / 12.5 B/ns + 20000 B / 50000 B "
                      "= 0.88 + 0.4 = 1.28 (got %.12f)", u);
    /* The simulator takes the smaller queue sample either way round. */
    double v = hpcc_hop_util(&prev, &(struct int_hop){ .ts_ps = 0,
                                                       .rate_bps = LINE,
                                                       .tx_bytes = 1000,
                                                       .qlen_bytes = 50000 },
                             T);
    ok(near(v, 30000.0 / 50000), "the smaller queue of the two: 30000 B, "
                                 "nothing sent: u = 0.6 (got %.12f)", v);
    /* The port's byte counter wraps at 2^32. */
    prev.tx_bytes = 4294960000u;
    cur.tx_bytes = (uint32_t)(4294960000u + 11000u);
    u = hpcc_hop_util(&cur, &prev, T);
    ok(near(u, 1.28), "the same across the counter's wrap (tx %u -> %u): "
                      "%.12f", prev.tx_bytes, cur.tx_bytes, u);
}

static struct int_hdr
one_hop(struct int_hop h)
{
    struct int_hdr in;
    memset(&in, 0, sizeof in);
    in.nhop = 1;
    in.hop[0] = h;
    return in;
}

/* eta 0.95, maxStage 0, R_AI 100 Gb/s / 2500 = 40 Mb/s: W_AI = 40 Mb/s x
 * 4 us = 20 B; W_max = 50000 B; W_min = 1 Gb/s x 4 us = 500 B. */
static void
test_window(void)
{
    struct hpcc_params p = { .eta = 0.95, .max_stage = 0,
                             .fast_react = true };
    struct hpcc h;
    hpcc_init(&h, &p, LINE, T);
    ok(near(h.w, 50000) && near(h.w_c, 50000) && near(h.w_ai, 20) &&
           near(h.w_min, 500) && h.u == 1,
       "start: W = W_c = 50000 B, W_AI 20 B, W_min 500 B, u 1");
    ok(hpcc_rate_bps(&h) == (double)LINE, "at line rate");

    struct int_hdr a = one_hop(hop(1 * US, 0, 30000));
    ok(!hpcc_ack(&h, &a, 1, 10) && near(h.w, 50000),
       "the first ACK only stores its INT");

    /* Within the round (acked 2 <= 10): u = (1 x 3 + 1.28 x 1) / 4 =
     * 1.07; W = 50000 / (1.07 / 0.95) + 20 = 44412.523364 B; W_c kept. */
    struct int_hdr b = one_hop(hop(2 * US, 11000, 20000));
    bool changed = hpcc_ack(&h, &b, 2, 12);
    double w1 = 50000 / (1.07 / 0.95) + 20;
    ok(changed && near(h.u, 1.07) && near(h.w, w1) && near(h.w_c, 50000),
       "fast reaction: u %.6f, W %.6f = %.6f, W_c %.0f", h.u, h.w, w1,
       h.w_c);

    /* A new round (acked 11 > 10): 12500 B in 1 us is the line, queue
     * min(10000, 20000) = 0.2: U = 1.2; u = (1.07 x 3 + 1.2) / 4 = 1.1025;
     * W = W_c = 50000 / (1.1025 / 0.95) + 20 = 43103.900227 B. */
    struct int_hdr c = one_hop(hop(3 * US, 23500, 10000));
    hpcc_ack(&h, &c, 11, 20);
    double w2 = 50000 / (1.1025 / 0.95) + 20;
    ok(near(h.u, 1.1025) && near(h.w, w2) && near(h.w_c, w2),
       "round update: u %.6f, W = W_c = %.6f (want %.6f)", h.u, h.w, w2);
    double r = w2 * 8 / 4e-6;
    ok(near(hpcc_rate_bps(&h), r), "rate W / T = %.0f b/s", hpcc_rate_bps(&h));

    /* The same records again (a duplicate echo): nothing to measure. */
    ok(!hpcc_ack(&h, &c, 21, 30) && near(h.w, w2),
       "a record no newer than the last is skipped");

    /* An interval of T or more weighs T: u becomes this ACK's U. 50000 B
     * in 10 us is 0.4 of the line, no queue.  W = w2 / (0.4 / 0.95) + 20
     * exceeds W_max: 50000. */
    struct int_hdr d = one_hop(hop(13 * US, 73500, 0));
    hpcc_ack(&h, &d, 31, 40);
    ok(near(h.u, 0.4) && near(h.w, 50000),
       "tau 10 us > T: u = U = %.6f; W capped at W_max %.0f", h.u, h.w);
}

/* maxStage 2: after a cut, two additive rounds (u / eta < 1), then a
 * multiplicative one. */
static void
test_stages(void)
{
    struct hpcc_params p = { .eta = 0.95, .max_stage = 2,
                             .fast_react = true };
    struct hpcc h;
    hpcc_init(&h, &p, LINE, T);
    struct int_hdr in = one_hop(hop(1 * US, 0, 30000));
    hpcc_ack(&h, &in, 1, 10);
    in = one_hop(hop(2 * US, 11000, 20000));
    hpcc_ack(&h, &in, 11, 20);  /* u 1.07: cut. */
    double w = 50000 / (1.07 / 0.95) + 20;
    ok(near(h.w_c, w) && h.inc_stage == 0, "cut: W_c %.6f, stage 0", h.w_c);
    /* 5000 B per us: U = 0.4.  u = (1.07 x 3 + 0.4) / 4 = 0.9025, then
     * (0.9025 x 3 + 0.4) / 4 = 0.776875: both below eta. */
    uint64_t tx = 11000;
    double u = 1.07;
    for (uint32_t k = 1; k <= 2; k++) {
        tx += 5000;
        in = one_hop(hop((2 + k) * US, (uint32_t)tx, 0));
        hpcc_ack(&h, &in, 11 + 10 * k, 20 + 10 * k);
        u = (u * 3 + 0.4) / 4;
        w += 20;
        ok(near(h.u, u) && near(h.w, w) && near(h.w_c, w) &&
               h.inc_stage == k,
           "additive round %u: u %.6f < eta, W = W_c + W_AI = %.6f, "
           "stage %u", k, h.u, h.w, h.inc_stage);
    }
    /* Stage 2 = maxStage: multiplicative although u < eta. */
    tx += 5000;
    in = one_hop(hop(5 * US, (uint32_t)tx, 0));
    hpcc_ack(&h, &in, 41, 50);
    u = (u * 3 + 0.4) / 4;
    double want = w / (u / 0.95) + 20;
    if (want > 50000)
        want = 50000;
    ok(near(h.w, want) && h.inc_stage == 0,
       "at maxStage: W = W_c / (u / eta) + W_AI = %.3f (want %.3f), stage "
       "0", h.w, want);
}

/* The simulator's options.  The records of test_window: a first ACK with
 * (1 us, 0 B sent, 30000 B queued), then one within the round. */
static void
test_options(void)
{
    struct hpcc_params p = { .eta = 0.95, .fast_react = false };
    struct hpcc h;
    struct int_hdr a = one_hop(hop(1 * US, 0, 30000));
    struct int_hdr b = one_hop(hop(2 * US, 11000, 20000));
    hpcc_init(&h, &p, LINE, T);
    hpcc_ack(&h, &a, 1, 10);
    bool changed = hpcc_ack(&h, &b, 2, 12);
    ok(!changed && near(h.w, 50000) && h.u == 1,
       "fast_react off: an ACK within the round changes nothing (W %.0f)",
       h.w);
    hpcc_ack(&h, &b, 11, 20);
    double w1 = 50000 / (1.07 / 0.95) + 20;
    ok(near(h.w, w1) && near(h.w_c, w1),
       "fast_react off: the round's ACK updates W = W_c = %.6f", h.w);

    /* Sample feedback: within a round, a record of an empty queue is
     * skipped; the same with a queue is used. */
    p = (struct hpcc_params){ .eta = 0.95, .fast_react = true,
                              .sample_feedback = true };
    hpcc_init(&h, &p, LINE, T);
    hpcc_ack(&h, &a, 1, 10);
    struct int_hdr e = one_hop(hop(2 * US, 11000, 0));
    changed = hpcc_ack(&h, &e, 2, 12);
    ok(!changed && near(h.w, 50000),
       "sample_feedback: no queue, within the round: skipped");
    changed = hpcc_ack(&h, &b, 3, 12);
    ok(changed && near(h.w, w1),
       "sample_feedback: a queue of 20000 B is used: W %.6f", h.w);

    /* INT_MULTI 1: 11000 B sent reads 85 x 128 = 10880 B, 0 stays 0; the
     * queues 20000 and 30000 B are whole units of 80.  U = 10880 B / 1 us
     * / 12.5 B/ns + 0.4 = 1.2704; u = (3 + 1.2704) / 4 = 1.0676. */
    p = (struct hpcc_params){ .eta = 0.95, .fast_react = true,
                              .int_multi = 1 };
    hpcc_init(&h, &p, LINE, T);
    hpcc_ack(&h, &a, 1, 10);
    hpcc_ack(&h, &b, 2, 12);
    ok(near(h.u, 1.0676), "int_multi 1: bytes sent in units of 128 B: "
                          "u %.6f (exact: 1.07)", h.u);
    /* INT_MULTI 4: units of 512 and 320 B: 11000 -> 10752 B, 20000 ->
     * 19840, 30000 -> 29760 B: U = 0.86016 + 0.3968 = 1.25696. */
    p.int_multi = 4;
    hpcc_init(&h, &p, LINE, T);
    hpcc_ack(&h, &a, 1, 10);
    hpcc_ack(&h, &b, 2, 12);
    ok(near(h.u, (3 + 1.25696) / 4), "int_multi 4: units of 512 and 320 B: "
                                    "u %.6f", h.u);
    /* W_AI given: 1000 B instead of R_AI x T. */
    p = (struct hpcc_params){ .eta = 0.95, .w_ai_bytes = 1000 };
    hpcc_init(&h, &p, LINE, T);
    ok(near(h.w_ai, 1000), "w_ai 1000 B: W_AI %.0f", h.w_ai);
}

/* Record H as the simulator stores it with INT_MULTI M, by the division
 * the definition states (rdma-hpcc.c takes the remainders by
 * multiplication). */
static struct int_hop
round_ref(struct int_hop h, uint32_t m)
{
    h.ts_ps -= h.ts_ps % 1000;
    h.tx_bytes -= h.tx_bytes % (128 * m);
    h.qlen_bytes -= h.qlen_bytes % (80 * m);
    return h;
}

/* u after an ACK of record CUR against PREV, from U: u (T - tau) + U tau
 * over T, tau at most T; unchanged when CUR is no later. */
static double
u_after(double u, const struct int_hop *cur, const struct int_hop *prev)
{
    if (cur->ts_ps <= prev->ts_ps)
        return u;
    uint64_t tau = cur->ts_ps - prev->ts_ps;
    if (tau > T)
        tau = T;
    double max_u = hpcc_hop_util(cur, prev, T);
    return (u * (double)(T - tau) + max_u * (double)tau) / (double)T;
}

/* The telemetry's rounding (INT_MULTI, powers of two or not, up to the
 * key's largest) and each hop's rate kept from one ACK to the next,
 * against round_ref() and hpcc_hop_util(): u to the bit over three ACKs
 * of pseudo-random records (queues empty or not, the byte counter
 * wrapping, the hop's rate changing at the third). */
static void
test_rounding(void)
{
    static const uint32_t multis[] = { 0, 1, 3, 4, 7, 1024 };
    uint64_t x = 88172645463325252u;
    for (size_t k = 0; k < sizeof multis / sizeof multis[0]; k++) {
        uint32_t m = multis[k];
        int bad = 0;
        for (int n = 0; n < 500; n++) {
            struct int_hop r[3];
            uint64_t ts = 0;
            uint32_t tx = 0;
            for (int j = 0; j < 3; j++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                ts += x % (3 * T);
                tx += (uint32_t)(x >> 20);
                r[j] = (struct int_hop){
                    .ts_ps = ts, .rate_bps = j < 2 ? LINE : 4 * LINE,
                    .tx_bytes = tx,
                    .qlen_bytes = x >> 40 & 1 ? 0 : (uint32_t)(x >> 44)
                };
            }
            struct hpcc_params p = { .eta = 0.95, .fast_react = true,
                                     .int_multi = m };
            struct hpcc h;
            hpcc_init(&h, &p, LINE, T);
            double want = h.u;
            for (int j = 0; j < 3; j++) {
                struct int_hdr in = one_hop(r[j]);
                hpcc_ack(&h, &in, (uint64_t)j + 1, 10);
                if (j > 0) {
                    struct int_hop c = m ? round_ref(r[j], m) : r[j];
                    struct int_hop q = m ? round_ref(r[j - 1], m) : r[j - 1];
                    want = u_after(want, &c, &q);
                }
            }
            bad += h.u != want;
        }
        ok(bad == 0, "int_multi %u: u over 3 ACKs as rounded by %% and "
                     "hpcc_hop_util(), 500 draws: %d differ", m, bad);
    }
}

/* Two packets of a pool with INT have separate slots, apart from the
 * packets (ASan would see an overrun). */
static void
test_pool_slots(void)
{
    struct pkt_pool pool;
    pkt_pool_init(&pool);
    pkt_pool_enable_int(&pool);
    struct pkt *a = pkt_alloc(&pool), *b = pkt_alloc(&pool);
    memset(a, 0xAA, sizeof *a);
    memset(b, 0xBB, sizeof *b);
    memset(pkt_int(a), 0, sizeof(struct int_hdr));
    memset(pkt_int(b), 0, sizeof(struct int_hdr));
    pkt_int(a)->nhop = 3;
    pkt_int(b)->nhop = 5;
    ok(pkt_int(a)->nhop == 3 && pkt_int(b)->nhop == 5 &&
           a->flow_id == 0xAAAAAAAAu && b->flow_id == 0xBBBBBBBBu,
       "INT slots are the packets' own and leave the packets alone");
    pkt_free(&pool, a);
    pkt_free(&pool, b);
    pkt_pool_uninit(&pool);
    is_u64(INT_HDR_BYTES, 42, "INT header: 5 hops x 8 B + 2 B");
}

int
main(void)
{
    test_hop_util();
    test_window();
    test_stages();
    test_options();
    test_rounding();
    test_pool_slots();
    return done_testing();
}
