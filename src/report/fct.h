/* Flow completion time slowdown by flow size: the table behind
 * fct_by_size.csv and summary.json's `slowdown_by_size` (docs/output.md).
 *
 * Datacenter studies (pFabric, HPCC, the DCTCP evaluations) report FCT
 * slowdown, fct / ideal fct, per flow-size range, because one percentile
 * over all flows is dominated by whichever sizes are most numerous: mice
 * suffer from queueing, elephants from bandwidth sharing.  The buckets are
 * the usual five, in SI bytes like every size in dcsim (1 KB = 1000 B):
 *
 *   (0, 10 KB], (10 KB, 100 KB], (100 KB, 1 MB], (1 MB, 10 MB], (10 MB, inf)
 *
 * Statistics are kept for all flows together ("all") and for each
 * transport separately, so that a run mixing, say, DCTCP and UDP can be
 * read one transport at a time.
 *
 * Beside it, the same table for the FCT as the HPCC simulator (ns-3)
 * defines it, for RDMA flows that the sender saw complete: from the start
 * to the sender's receipt of the last ACK (`acked_ps`), over the
 * standalone FCT, the flow alone on its path including that ACK's trip
 * back (ideal_fct_ps + ideal_ack_ps).  Its columns and keys are
 * "sender_*" (docs/output.md). */
#ifndef DCSIM_FCT_H
#define DCSIM_FCT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct flow;
struct transport_class;

#define FCT_N_BUCKETS 5
/* "all" plus one group per transport and congestion control; the
 * registries are far smaller. */
#define FCT_MAX_GROUPS 16

struct fct_bucket {
    uint64_t flows;           /* Flows whose size is in the bucket. */
    uint64_t completed;       /* Of those, completed. */
    /* Slowdown over the completed flows (nearest-rank percentiles,
     * stats.h); 0 when none completed. */
    double mean, p50, p95, p99;
    /* The same over the flows the sender saw complete (RDMA). */
    uint64_t sender_completed;
    double sender_mean, sender_p50, sender_p95, sender_p99;
};

struct fct_group {
    char protocol[48];        /* "all", a transport's name, or
                               * "transport/cc" ("tcp/dctcp"). */
    const struct transport_class *transport;  /* NULL for "all". */
    const char *cc;           /* Flows' cc, or NULL. */
    struct fct_bucket b[FCT_N_BUCKETS];
};

struct fct_by_size {
    struct fct_group groups[FCT_MAX_GROUPS];
    size_t n_groups;          /* "all" first, then each transport (and
                               * cc) in the order its first flow appears. */
};

/* The bucket of a flow of SIZE_BYTES: 0 .. FCT_N_BUCKETS - 1. */
int fct_bucket_of(uint64_t size_bytes);
/* Bucket B holds sizes s with above < s <= upto; the last has no upper
 * edge (upto UINT64_MAX).  The name is "<=10KB", "10KB-100KB", ... */
uint64_t fct_bucket_above(int b);
uint64_t fct_bucket_upto(int b);
const char *fct_bucket_name(int b);

/* fct / ideal fct of a completed flow. */
double fct_slowdown(const struct flow *);

/* Whether the sender of F saw it complete (an RDMA flow whose requester
 * received the last ACK, or a READ's last response). */
bool fct_sender_done(const struct flow *);
/* F's FCT as the sender sees it, its standalone FCT (both ps), and their
 * ratio, for a flow fct_sender_done(). */
uint64_t fct_sender_ps(const struct flow *);
uint64_t fct_standalone_ps(const struct flow *);
double fct_sender_slowdown(const struct flow *);

/* Fills OUT from N flows. */
void fct_by_size_compute(const struct flow *flows, uint32_t n,
                         struct fct_by_size *out);

/* fct_by_size.csv, whole. */
void fct_by_size_write_csv(FILE *, const struct fct_by_size *);
/* The value of summary.json's "slowdown_by_size" key, or with SENDER of
 * "slowdown_sender"'s "by_size": an object of groups, each an object of
 * buckets; INDENT spaces before each line but the first. */
void fct_by_size_write_json(FILE *, const struct fct_by_size *, int indent,
                            bool sender);

#endif
