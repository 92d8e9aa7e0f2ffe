/* FCT slowdown by flow size (report/fct.c): bucket edges, the statistics
 * of each bucket on a hand-made set of flows, one group per transport, and
 * the CSV rows.  Expected figures are worked out in the comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fct.h"
#include "transport/transport.h"
#include "transport/flow.h"
#include "tap.h"

/* Only the name is read. */
static const struct transport_class tp_a = { .name = "tpa" };
static const struct transport_class tp_b = { .name = "tpb" };

static void
test_edges(void)
{
    /* Every edge from both sides: (0,1e4], (1e4,1e5], (1e5,1e6],
     * (1e6,1e7], (1e7,inf). */
    static const struct {
        uint64_t size;
        int bucket;
    } cases[] = {
        { 1, 0 },        { 10000, 0 },     { 10001, 1 },
        { 100000, 1 },   { 100001, 2 },    { 1000000, 2 },
        { 1000001, 3 },  { 10000000, 3 },  { 10000001, 4 },
        { UINT64_MAX, 4 },
        /* 10 KiB is more than 10 KB: SI edges. */
        { 10240, 1 },
    };
    bool good = true;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int b = fct_bucket_of(cases[i].size);
        if (b != cases[i].bucket) {
            diag("size %llu: bucket %d, want %d",
                 (unsigned long long)cases[i].size, b, cases[i].bucket);
            good = false;
        }
    }
    ok(good, "sizes on either side of every edge land in the right bucket");

    bool edges = true;
    for (int b = 0; b < FCT_N_BUCKETS; b++) {
        /* Each bucket holds (above, upto]: above + 1 and upto are in. */
        edges &= fct_bucket_of(fct_bucket_above(b) + 1) == b;
        if (b < FCT_N_BUCKETS - 1)
            edges &= fct_bucket_of(fct_bucket_upto(b)) == b &&
                     fct_bucket_above(b + 1) == fct_bucket_upto(b);
    }
    edges &= fct_bucket_upto(FCT_N_BUCKETS - 1) == UINT64_MAX;
    ok(edges, "above/upto describe the same buckets, contiguous");
    ok(!strcmp(fct_bucket_name(0), "<=10KB") &&
       !strcmp(fct_bucket_name(4), ">10MB"), "bucket names");
}

static void
set_flow(struct flow *f, const struct transport_class *t, uint64_t size,
         uint64_t slowdown_x1000, bool completed)
{
    memset(f, 0, sizeof *f);
    f->transport = t;
    f->size_bytes = size;
    f->start_ps = 5000;
    f->ideal_fct_ps = 1000;
    f->completed = completed;
    if (completed)
        f->end_ps = f->start_ps + slowdown_x1000;
}

/* fct_by_size.csv of S into BUF (SIZE bytes, NUL-terminated). */
static void
csv_of(const struct fct_by_size *s, char *buf, size_t size)
{
    FILE *f = tmpfile();
    size_t len = 0;
    if (f) {
        fct_by_size_write_csv(f, s);
        rewind(f);
        len = fread(buf, 1, size - 1, f);
        fclose(f);
    }
    buf[len] = '\0';
}

static bool
bucket_is(const struct fct_bucket *b, uint64_t flows, uint64_t completed,
          double mean, double p50, double p95, double p99)
{
    bool good = b->flows == flows && b->completed == completed &&
                b->mean == mean && b->p50 == p50 && b->p95 == p95 &&
                b->p99 == p99;
    if (!good)
        diag("got flows %llu completed %llu mean %g p50 %g p95 %g p99 %g",
             (unsigned long long)b->flows, (unsigned long long)b->completed,
             b->mean, b->p50, b->p95, b->p99);
    return good;
}

/* 10KB-100KB: 20 completed flows with slowdowns 1..20 given in a scrambled
 * order, odd ones on transport A, even on B, and 2 incomplete ones.  All:
 * mean 10.5; nearest rank p50 = 10th = 10, p95 = ceil(19)th = 19, p99 =
 * ceil(19.8)th = 20.  A (1, 3, ..., 19): mean 10, p50 = 5th = 9, p95 =
 * ceil(9.5)th = 19, p99 = 10th = 19.  B (2, ..., 20): mean 11, p50 10,
 * p95 and p99 20.  The first flow (slowdown 1) is A's, so A's group comes
 * before B's.  <=10KB: one flow of exactly 10000 bytes, slowdown 3, on B.
 * 100KB-1MB: one of 100001 bytes, slowdown 1.5.  1MB-10MB: none.  >10MB:
 * one incomplete flow. */
static void
test_stats(void)
{
    struct flow fl[25];
    size_t n = 0;
    for (uint64_t i = 0; i < 20; i++) {
        uint64_t s = (i * 7) % 20 + 1;      /* 1, 8, 15, 2, ... */
        set_flow(&fl[n++], s % 2 ? &tp_a : &tp_b, 50000, s * 1000, true);
    }
    set_flow(&fl[n++], &tp_a, 20000, 0, false);
    set_flow(&fl[n++], &tp_b, 90000, 0, false);
    set_flow(&fl[n++], &tp_b, 10000, 3000, true);
    set_flow(&fl[n++], &tp_a, 100001, 1500, true);
    set_flow(&fl[n++], &tp_a, 10000001, 0, false);

    struct fct_by_size s;
    fct_by_size_compute(fl, (uint32_t)n, &s);
    ok(s.n_groups == 3 && !strcmp(s.groups[0].protocol, "all") &&
       !strcmp(s.groups[1].protocol, "tpa") &&
       !strcmp(s.groups[2].protocol, "tpb"),
       "groups: all, then transports in order of first appearance");

    const struct fct_group *all = &s.groups[0], *a = &s.groups[1],
                           *b = &s.groups[2];
    ok(bucket_is(&all->b[1], 22, 20, 10.5, 10, 19, 20),
       "all 10KB-100KB: 22 flows, 20 completed, mean 10.5, p50 10, p95 19, "
       "p99 20");
    ok(bucket_is(&a->b[1], 11, 10, 10, 9, 19, 19),
       "tpa 10KB-100KB: mean 10, p50 9, p95 19, p99 19");
    ok(bucket_is(&b->b[1], 11, 10, 11, 10, 20, 20),
       "tpb 10KB-100KB: mean 11, p50 10, p95 20, p99 20");
    ok(bucket_is(&all->b[0], 1, 1, 3, 3, 3, 3) &&
       bucket_is(&b->b[0], 1, 1, 3, 3, 3, 3) &&
       bucket_is(&a->b[0], 0, 0, 0, 0, 0, 0),
       "<=10KB holds the flow of exactly 10000 bytes, on tpb only");
    ok(bucket_is(&all->b[2], 1, 1, 1.5, 1.5, 1.5, 1.5),
       "100KB-1MB holds the flow of 100001 bytes");
    ok(bucket_is(&all->b[3], 0, 0, 0, 0, 0, 0), "1MB-10MB is empty");
    ok(bucket_is(&all->b[4], 1, 0, 0, 0, 0, 0) &&
       bucket_is(&a->b[4], 1, 0, 0, 0, 0, 0),
       ">10MB: one flow, not completed, no statistics");

    /* The CSV: one row per group and bucket, empty statistics where no
     * flow completed, no upper edge on the last bucket. */
    char buf[4096];
    csv_of(&s, buf, sizeof buf);
    ok(!strncmp(buf, "protocol,bucket,above_bytes,upto_bytes,flows,"
                     "completed,mean,p50,p95,p99\n", 70),
       "CSV header");
    ok(strstr(buf, "\nall,10KB-100KB,10000,100000,22,20,10.500000,"
                   "10.000000,19.000000,20.000000,0,,,,\n") != NULL,
       "CSV row of a bucket with completed flows");
    ok(strstr(buf, "\ntpa,>10MB,10000000,,1,0,,,,,0,,,,\n") != NULL,
       "CSV row of a bucket without completed flows");
    size_t rows = 0;
    for (const char *p = buf; *p; p++)
        rows += *p == '\n';
    is_u64(rows, 1 + 3 * FCT_N_BUCKETS, "CSV: header + 3 groups x 5 rows");
}

/* The sender's FCT (the HPCC simulator's): over the flows whose sender
 * saw the last ACK, (acked - start) / (ideal + ideal ACK).  Four RDMA-like
 * flows of 50 KB, ideal 1000 ps plus an ACK's 1000 ps back, completed at
 * the receiver after 1500 ps and acked after 8000, 6000, 4000 and 2000
 * ps: sender slowdowns 4, 3, 2, 1; a fifth completed (slowdown 1) but not
 * acked, which counts at the receiver only; and one acked after 2000 ps
 * (sender slowdown 1) but not completed at the receiver, which counts at
 * the sender only (the two views are independent). */
static void
test_sender(void)
{
    struct flow fl[6];
    for (int i = 0; i < 4; i++) {
        set_flow(&fl[i], &tp_a, 50000, 1500, true);
        fl[i].ideal_ack_ps = 1000;
        fl[i].acked_ps = fl[i].start_ps + 2000 * (uint64_t)(4 - i);
    }
    set_flow(&fl[4], &tp_a, 50000, 1000, true);
    set_flow(&fl[5], &tp_a, 50000, 0, false);
    fl[5].ideal_ack_ps = 1000;
    fl[5].acked_ps = fl[5].start_ps + 2000;
    ok(fct_sender_done(&fl[0]) && !fct_sender_done(&fl[4]) &&
       fct_sender_ps(&fl[0]) == 8000 && fct_standalone_ps(&fl[0]) == 2000 &&
       fct_sender_slowdown(&fl[0]) == 4.0,
       "a flow acked 8000 ps after its start, standalone 1000 + 1000 ps: "
       "sender slowdown 4");
    struct fct_by_size s;
    fct_by_size_compute(fl, 6, &s);
    const struct fct_bucket *b = &s.groups[0].b[1];
    ok(b->flows == 6 && b->completed == 5 && b->mean == 1.4 &&
       b->p50 == 1.5 && b->sender_completed == 5 && b->sender_mean == 2.2 &&
       b->sender_p50 == 2.0 && b->sender_p95 == 4.0 && b->sender_p99 == 4.0,
       "10KB-100KB: 6 flows; 5 completed at the receiver (slowdowns 1.5 x 4 "
       "and 1: mean 1.4, p50 1.5); 5 acked (sender slowdowns 1 1 2 3 4: "
       "mean 2.2, p50 2, p95 and p99 4)");
    diag("sender: completed %llu mean %g p50 %g p95 %g p99 %g",
         (unsigned long long)b->sender_completed, b->sender_mean,
         b->sender_p50, b->sender_p95, b->sender_p99);
    char buf[4096];
    csv_of(&s, buf, sizeof buf);
    ok(strstr(buf, "\nall,10KB-100KB,10000,100000,6,5,1.400000,1.500000,"
                   "1.500000,1.500000,5,2.200000,2.000000,4.000000,"
                   "4.000000\n") != NULL,
       "CSV row with the sender's columns");
}

int
main(void)
{
    test_edges();
    test_stats();
    test_sender();
    return done_testing();
}
