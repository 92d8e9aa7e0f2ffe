/* The fabric's configuration: what the scenario's `switch`, `qos`, `pfc`,
 * `faults`, `fabric` and `ib` sections describe (docs/scenario.md).
 * scenario/ reads files into these structs (scn-switch.c, scn-qos.c,
 * scn-pfc.c, scn-faults.c, scn-ib.c); the fabric builds from them.  The
 * topology's own parameters are in topo.h.  This header includes nothing
 * above the packet floor. */
#ifndef DCSIM_FABRIC_SPEC_H
#define DCSIM_FABRIC_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

enum ecmp_seed_mode {
    ECMP_SEED_PER_SWITCH,     /* Each switch its own seed (default). */
    ECMP_SEED_SAME,           /* Every switch the same seed (polarizes). */
};

/* How a switch picks among equal next hops (switch.ecmp_hash). */
enum ecmp_hash_mode {
    ECMP_HASH_CRC,            /* dcsim's seeded CRC-32 (switch.h). */
    ECMP_HASH_NS3,            /* The HPCC ns-3 simulator's (ns3-ecmp.h). */
};

enum ecn_mark_mode {
    ECN_MARK_OFF,
    ECN_MARK_STEP,            /* CE when the queue exceeds K (DCTCP). */
    ECN_MARK_RED,             /* Probability 0 at Kmin rising to Pmax at
                               * Kmax, 1 above (RED on the instantaneous
                               * queue, as DCQCN and HPCC configure it). */
};

struct ecn_rate;

/* Switch ECN marking (RFC 3168 CE on ECT packets), per egress queue. */
struct ecn_spec {
    enum ecn_mark_mode mode;
    bool at_enqueue;          /* Mark on arrival; default on departure. */
    uint64_t k_bytes;         /* step */
    uint64_t kmin_bytes, kmax_bytes;  /* red */
    double pmax;              /* red */
    struct ecn_rate *by_rate; /* red: the thresholds of ports of these
                               * link rates (switch.ecn.by_rate), in the
                               * file's order; the ones above for other
                               * rates.  Owned; NULL when none. */
    size_t n_by_rate;
};

/* The marking of switch ports whose link runs at RATE_BPS: SPEC is the
 * switch's with kmin, kmax and pmax of this rate (and no by_rate), as
 * the HPCC simulator's KMIN_MAP, KMAX_MAP and PMAX_MAP give them. */
struct ecn_rate {
    uint64_t rate_bps;
    struct ecn_spec spec;
};

/* Fault injection at every switch a packet crosses (a test knob): drop
 * with probability LOSS, or hold back by REORDER_DELAY with probability
 * REORDER so that later packets overtake it. */
struct fault_spec {
    double loss, reorder;
    uint64_t reorder_delay_ps;
};

/* ETS transmission selection (IEEE 802.1Qaz), read by the `ets`
 * scheduler (sched-ets.c).  Classes in neither mask, or weighted 0, are
 * served only when no strict or positively weighted class can be. */
struct ets_spec {
    uint8_t strict_mask;      /* Bit tc: class tc is strict priority. */
    uint8_t ets_mask;         /* Bit tc: class tc is listed in weights. */
    uint8_t weighted_mask;    /* Bit tc: weight_pct[tc] > 0. */
    uint8_t weight_pct[N_TC]; /* Bandwidth percentages, summing to 100. */
    uint32_t quantum_bytes[N_TC]; /* DWRR quantum, wire bytes per round;
                               * set from the weights and the MTU by
                               * sched_ets_set_quanta(). */
};

struct switch_spec {
    const char *mmu;          /* "taildrop" or "shared" (mmu.h). */
    uint64_t queue_bytes;     /* taildrop: limit of each egress queue. */
    uint64_t buffer_bytes;    /* Whole switch; 0 = no shared limit
                               * (taildrop only). */
    uint64_t reserve_bytes;   /* shared: guaranteed per (port, class). */
    uint64_t latency_ps;      /* Forwarding latency per switch hop. */
    const char *scheduler;    /* sched_find() name: "strict", "ets". */
    struct ets_spec ets;      /* With scheduler "ets". */
    enum ecmp_seed_mode ecmp_seed_mode;
    uint32_t ecmp_seed;       /* With ECMP_SEED_SAME. */
    enum ecmp_hash_mode ecmp_hash;
    struct ecn_spec ecn;
    char *where;              /* For buffer errors found at build time:
                               * "FILE:LINE:COL" of switch.buffer, switch
                               * or pfc, or the "--set KEY=VALUE" that
                               * made it; NULL without either (owned). */
};

enum qos_trust {
    QOS_TRUST_DSCP,           /* Classify IP packets by DSCP. */
    QOS_TRUST_PCP,            /* By the 802.1Q tag's PCP (untagged: 0). */
};

/* Classification and per-class buffer policy (docs/scenario.md `qos`),
 * the same at every switch and host.  Priority and traffic class are one
 * number: priority p uses egress queue p and ingress priority group p. */
struct qos_spec {
    enum qos_trust trust;
    uint8_t dscp_prio[64];    /* DSCP -> priority. */
    uint8_t pcp_prio[8];      /* PCP -> priority. */
    uint8_t lossless;         /* Bit p: priority p is lossless (with PFC). */
    double alpha[8];          /* Dynamic-threshold factor per class. */
};

/* qos.nodes: one node's own classification (the rest as `qos`). */
struct qos_node {
    uint32_t node;            /* Topology node index. */
    struct qos_spec qos;
};

enum pfc_wd_action {
    PFC_WD_DROP,              /* Drop the stormed queue's packets. */
    PFC_WD_FORWARD,           /* Ignore pauses and transmit. */
};

/* pfc.response given as `auto`: 802.1Qbb's response time by link rate
 * (0 is a response time of zero). */
#define PFC_RESPONSE_AUTO UINT64_MAX

/* Priority-based flow control (IEEE 802.1Qbb) on lossless classes. */
struct pfc_spec {
    bool enabled;
    uint64_t headroom_bytes;  /* Per port and lossless class; 0 = the
                               * delay-model value for each port. */
    bool headroom_ns3;        /* With headroom_bytes 0: the HPCC
                               * simulator's 3 x rate x propagation
                               * instead of the delay model. */
    bool alpha_by_rate;       /* A switch port faster than the host NICs
                               * doubles its lossless classes' alpha per
                               * factor of two, up to 1 (the simulator's
                               * pfc_a_shift). */
    uint64_t xoff_bytes;      /* Static XOFF threshold on a priority
                               * group's reserved + shared bytes; 0 =
                               * dynamic (alpha x free shared buffer). */
    uint64_t xon_offset_bytes;/* XON this far below XOFF. */
    uint16_t quanta;          /* Pause time sent, in 512-bit quanta. */
    uint64_t response_ps;     /* Time from a pause frame's arrival to its
                               * effect; PFC_RESPONSE_AUTO = by link rate
                               * (table). */
    bool watchdog;
    uint64_t wd_detect_ps;    /* Paused this long with packets: storm. */
    uint64_t wd_restore_ps;   /* No pause received this long: restore. */
    enum pfc_wd_action wd_action;
};


/* The link layer of every link: Ethernet (the default), native
 * InfiniBand (`fabric: infiniband`, docs/scenario.md), or the HPCC ns-3
 * simulator's PPP-framed point-to-point links (`fabric: ns3`, pkt.h). */
enum fabric {
    FABRIC_ETHERNET,
    FABRIC_INFINIBAND,
    FABRIC_NS3,
};

/* Native InfiniBand's link-level flow control (fabric/ib.h). */
struct ib_spec {
    uint64_t vl_buffer_bytes; /* Receive buffer of every port (switch
                               * input port, HCA) per virtual lane, a
                               * multiple of the 64-byte credit. */
};

#endif
