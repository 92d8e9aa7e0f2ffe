/* Egress schedulers picked directly, without a network: the `ets`
 * scheduler (sched-ets.c) on a port whose queues the test fills and
 * drains, one frame per pick as port_kick() does.  Checked: quanta, byte
 * shares of link time with unequal frame sizes, strict classes above
 * DWRR, unweighted classes below it, work conservation, a paused class
 * (packets but not eligible) gaining no credit, and a class found empty
 * losing its leftover deficit (DRR). */
#include <stdlib.h>
#include <string.h>

#include "fabric/arena.h"
#include "fabric/port.h"
#include "fabric/sched.h"
#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "tap.h"

/* Largest frame at MTU 1500 with an 802.1Q tag, on the wire:
 * 14 + 4 + 1500 + 4 + 8 + 12. */
#define MAX_WIRE 1542
#define OVERHEAD (ETH_PREAMBLE_BYTES + ETH_IFG_BYTES)

struct bench {
    struct port port;
    struct arena arena;       /* The port's queues. */
    struct ets_spec ets;
    const struct sched_class *sched;
    /* Frame sizes of class tc cycle through sizes[tc][0..n_sizes-1]. */
    uint32_t sizes[N_TC][4];
    uint32_t n_sizes[N_TC];
    uint64_t made[N_TC];
    /* Saturating classes are topped up to this many frames before each
     * pick (1: like a host NIC, which pulls one frame per class). */
    uint32_t depth[N_TC];
    uint8_t paused;           /* Left out of `eligible` (PFC-like). */
    uint64_t wire[N_TC];      /* Served, wire bytes. */
    uint64_t frames[N_TC];
    uint64_t bad_picks;       /* Picks of a class that was not eligible. */
};

/* STRICT: bit mask; WEIGHTS: percentages of classes 0..7. */
static void
bench_init(struct bench *b, uint8_t strict, const uint8_t weights[N_TC])
{
    memset(b, 0, sizeof *b);
    b->sched = sched_find("ets");
    b->ets.strict_mask = strict;
    for (int tc = 0; tc < N_TC; tc++) {
        b->ets.weight_pct[tc] = weights[tc];
        if (weights[tc])
            b->ets.weighted_mask |= (uint8_t)(1u << tc);
        b->sizes[tc][0] = 1518;
        b->n_sizes[tc] = 1;
    }
    b->ets.ets_mask = b->ets.weighted_mask;
    sched_ets_set_quanta(&b->ets, MAX_WIRE);
    b->port.ets = &b->ets;
    b->port.framing_bytes = OVERHEAD;
}

static void
bench_sizes(struct bench *b, int tc, uint32_t n, const uint32_t *frame_bytes)
{
    memcpy(b->sizes[tc], frame_bytes, n * sizeof *frame_bytes);
    b->n_sizes[tc] = n;
}

static void
bench_push(struct bench *b, int tc, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        struct pkt *p = calloc(1, sizeof *p);
        p->frame_bytes =
            (uint16_t)b->sizes[tc][b->made[tc]++ % b->n_sizes[tc]];
        queue_push(&port_queue_get(&b->arena, &b->port, (unsigned)tc)->q, p,
                   0);
    }
}

/* One transmission opportunity: top up, pick, send.  Returns the class
 * sent, or -1. */
static int
bench_step(struct bench *b)
{
    uint8_t eligible = 0;
    for (int tc = 0; tc < N_TC; tc++) {
        while (port_queue_view(&b->port, (unsigned)tc)->q.packets <
               b->depth[tc])
            bench_push(b, tc, 1);
        if (port_queue_view(&b->port, (unsigned)tc)->q.head)
            eligible |= (uint8_t)(1u << tc);
    }
    eligible &= (uint8_t)~b->paused;
    int tc = sched_pick(b->sched, &b->port, eligible);
    if (tc < 0)
        return -1;
    if (!(eligible >> tc & 1)) {
        b->bad_picks++;
        return tc;
    }
    struct pkt *p = queue_pop(port_q(&b->port, (unsigned)tc), 0);
    b->wire[tc] += p->frame_bytes + OVERHEAD;
    b->frames[tc]++;
    free(p);
    return tc;
}

static void
bench_run(struct bench *b, uint32_t picks)
{
    for (uint32_t i = 0; i < picks; i++)
        bench_step(b);
}

static void
bench_clear_counts(struct bench *b)
{
    memset(b->wire, 0, sizeof b->wire);
    memset(b->frames, 0, sizeof b->frames);
}

static void
bench_uninit(struct bench *b)
{
    for (int tc = 0; tc < N_TC; tc++)
        while (port_queue_view(&b->port, (unsigned)tc)->q.head)
            free(queue_pop(port_q(&b->port, (unsigned)tc), 0));
    port_uninit(&b->arena, &b->port);
    arena_uninit(&b->arena);
}

static double
share(const struct bench *b, int tc)
{
    uint64_t total = 0;
    for (int i = 0; i < N_TC; i++)
        total += b->wire[i];
    return total ? (double)b->wire[tc] / (double)total : 0;
}

static bool
near(double got, double want, double tol)
{
    return got >= want - tol && got <= want + tol;
}

/* Quantum = weight x ceil(max_wire / smallest positive weight). */
static void
test_quanta(void)
{
    struct bench b;
    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 50, [3] = 50 });
    /* ceil(1542 / 50) = 31; 50 x 31 = 1550. */
    is_u64(b.ets.quantum_bytes[0], 1550, "50/50: quantum 1550 (one max frame)");
    is_u64(b.ets.quantum_bytes[3], 1550, "50/50: both the same");
    is_u64(b.ets.quantum_bytes[1], 0, "unweighted class: no quantum");
    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 70, [3] = 30 });
    /* ceil(1542 / 30) = 52: 3640 and 1560. */
    is_u64(b.ets.quantum_bytes[0], 3640, "70/30: 70 x 52 = 3640");
    is_u64(b.ets.quantum_bytes[3], 1560, "70/30: 30 x 52 = 1560 >= 1542");
    bench_init(&b, 0, (const uint8_t[N_TC]){ [1] = 1, [2] = 99 });
    is_u64(b.ets.quantum_bytes[1], 1542, "1/99: the 1%% class gets one frame");
    is_u64(b.ets.quantum_bytes[2], 99 * 1542, "1/99: the other 99 of them");
}

/* Shares of link time (wire bytes) follow the weights even when the
 * classes' frames differ in size, and not the frame counts. */
static void
test_shares(void)
{
    struct bench b;
    static const uint32_t small[] = { 64 }, mixed[] = { 64, 500, 1518 },
                          other[] = { 1518, 200, 900, 1200 };

    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 50, [3] = 50 });
    bench_sizes(&b, 3, 1, small);
    b.depth[0] = b.depth[3] = 3;
    bench_run(&b, 200000);
    ok(near(share(&b, 0), 0.5, 0.005) && !b.bad_picks,
       "50/50, 1518 B vs 64 B frames: class 0 has %.4f of link time",
       share(&b, 0));
    /* 84 B vs 1538 B on the wire: about 18 small frames per large one. */
    ok(b.frames[3] > 15 * b.frames[0],
       "50/50: by bytes, not frames (%llu vs %llu frames)",
       (unsigned long long)b.frames[3], (unsigned long long)b.frames[0]);
    bench_uninit(&b);

    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 70, [3] = 30 });
    bench_sizes(&b, 0, 3, mixed);
    bench_sizes(&b, 3, 4, other);
    b.depth[0] = 1;
    b.depth[3] = 5;
    bench_run(&b, 200000);
    ok(near(share(&b, 0), 0.7, 0.005) && near(share(&b, 3), 0.3, 0.005),
       "70/30, mixed frame sizes: %.4f / %.4f", share(&b, 0), share(&b, 3));
    bench_uninit(&b);

    bench_init(&b, 0,
               (const uint8_t[N_TC]){ [1] = 20, [2] = 30, [5] = 50 });
    bench_sizes(&b, 1, 1, small);
    bench_sizes(&b, 2, 3, mixed);
    b.depth[1] = b.depth[2] = b.depth[5] = 2;
    bench_run(&b, 300000);
    ok(near(share(&b, 1), 0.2, 0.005) && near(share(&b, 2), 0.3, 0.005) &&
           near(share(&b, 5), 0.5, 0.005),
       "20/30/50: %.4f / %.4f / %.4f", share(&b, 1), share(&b, 2),
       share(&b, 5));
    bench_uninit(&b);
}

/* Strict classes go first, highest first; unweighted classes only when
 * no strict or weighted class is eligible. */
static void
test_strict_and_unweighted(void)
{
    struct bench b;
    bench_init(&b, 1u << 6 | 1u << 7,
               (const uint8_t[N_TC]){ [0] = 50, [3] = 50, [4] = 0 });
    b.depth[0] = b.depth[3] = 2;
    bench_push(&b, 6, 5);
    bench_push(&b, 7, 5);
    bench_push(&b, 4, 3);  /* Weight 0. */
    bench_push(&b, 5, 3);  /* Listed nowhere. */
    int seq[10];
    for (int i = 0; i < 10; i++)
        seq[i] = bench_step(&b);
    bool order = true;
    for (int i = 0; i < 10; i++)
        order = order && seq[i] == (i < 5 ? 7 : 6);
    ok(order, "strict: five of class 7, then five of class 6, before any "
              "ETS class");
    bench_run(&b, 1000);
    ok(b.frames[4] == 0 && b.frames[5] == 0,
       "weight 0 and unlisted classes wait while weighted ones have frames");
    b.depth[0] = b.depth[3] = 0;
    while (port_queue_view(&b.port, 0)->q.head ||
           port_queue_view(&b.port, 3)->q.head)
        bench_step(&b);
    int a = bench_step(&b), c = bench_step(&b);
    ok(a == 5 && c == 5, "then the unlisted and weight-0 classes, highest "
                         "first (%d, %d)", a, c);
    ok(!b.bad_picks, "only eligible classes picked");
    bench_uninit(&b);

    /* A paced strict class takes what it sends; the ETS classes share
     * the rest 50/50. */
    bench_init(&b, 1u << 6, (const uint8_t[N_TC]){ [0] = 50, [3] = 50 });
    b.depth[0] = b.depth[3] = 2;
    for (int i = 0; i < 100000; i++) {
        if (i % 5 == 0)
            bench_push(&b, 6, 1);
        bench_step(&b);
    }
    ok(near(share(&b, 6), 0.2, 0.001) && near(share(&b, 0), 0.4, 0.005) &&
           near(share(&b, 3), 0.4, 0.005),
       "strict class 6 at 20%%: ETS classes share the other 80%%: "
       "%.4f / %.4f / %.4f", share(&b, 6), share(&b, 0), share(&b, 3));
    bench_uninit(&b);
}

/* Work conservation: an ETS class alone gets the whole link, whatever
 * its weight. */
static void
test_work_conserving(void)
{
    struct bench b;
    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 90, [3] = 10 });
    b.depth[3] = 1;
    bench_run(&b, 1000);
    is_u64(b.frames[3], 1000, "the 10%% class alone sends at every pick");
    bench_push(&b, 0, 1);
    bench_run(&b, 50);
    is_u64(b.frames[0], 1, "a lone frame of the other class gets out");
    ok(!b.bad_picks, "only eligible classes picked");
    bench_uninit(&b);
}

/* A class with packets but not eligible (PFC pause): the other class has
 * the link meanwhile, and the paused one gains no credit, so once resumed
 * it is back to its share at once rather than bursting. */
static void
test_paused(void)
{
    struct bench b;
    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 50, [3] = 50 });
    b.depth[0] = b.depth[3] = 3;
    bench_run(&b, 101);   /* Class 3 ends up mid-turn or between. */
    bench_clear_counts(&b);
    b.paused = 1u << 3;
    bench_run(&b, 5000);
    ok(b.frames[0] == 5000 && b.frames[3] == 0 && !b.bad_picks,
       "class 3 paused: class 0 has every pick, class 3 none");
    b.paused = 0;
    bench_clear_counts(&b);
    /* All frames are 1538 B on the wire and each quantum 1550: the two
     * alternate, so after resuming neither leads by more than a quantum
     * plus a frame at any time. */
    int64_t lead = 0, worst = 0;
    for (int i = 0; i < 200; i++) {
        int tc = bench_step(&b);
        lead += tc == 3 ? 1538 : -1538;
        if (llabs(lead) > worst)
            worst = llabs(lead);
    }
    ok(worst <= 1550 + 1538 && b.frames[3] >= 99 && b.frames[3] <= 101,
       "resumed: shares 50/50 at once (%llu vs %llu frames, widest lead "
       "%lld B)", (unsigned long long)b.frames[3],
       (unsigned long long)b.frames[0], (long long)worst);
    bench_uninit(&b);
}

/* A class found empty loses its leftover deficit (DRR). */
static void
test_empty_loses_deficit(void)
{
    struct bench b;
    static const uint32_t frame100[] = { 100 };  /* 120 B on the wire. */
    bench_init(&b, 0, (const uint8_t[N_TC]){ [0] = 50, [3] = 50 });
    bench_sizes(&b, 3, 1, frame100);
    b.depth[0] = 3;
    bench_push(&b, 3, 1);
    /* Class 0's turn (1550 covers one 1538 B frame), then class 3's:
     * 1550 - 120 leaves 1430, and the queue is empty. */
    int a = bench_step(&b), c = bench_step(&b);
    ok(a == 0 && c == 3, "class 0, then class 3's only frame (%d, %d)", a, c);
    ok(bench_step(&b) == 0, "class 3 found empty: class 0 again");
    bench_push(&b, 3, 100);
    int first = bench_step(&b), run = 0;
    while (bench_step(&b) == 3)
        run++;
    /* Fresh quantum only: floor(1550 / 120) = 12 frames, not the
     * (1430 + 1550) / 120 = 24 a kept deficit would allow. */
    ok(first == 3 && run + 1 == 12,
       "its next turn sends 12 frames, not 24 (got %d)", run + 1);
    bench_uninit(&b);
}

int
main(void)
{
    test_quanta();
    test_shares();
    test_strict_and_unweighted();
    test_work_conserving();
    test_paused();
    test_empty_loses_deficit();
    return done_testing();
}
