/* The transports' configuration: the scenario's `tcp` and `rdma`
 * sections (docs/scenario.md), read by scenario/scn-tcp.c and
 * scenario/scn-rdma.c. */
#ifndef DCSIM_TRANSPORT_SPEC_H
#define DCSIM_TRANSPORT_SPEC_H 1

#include <stdbool.h>
#include <stdint.h>

/* TCP parameters (docs/scenario.md, `tcp`): the top-level section sets
 * them for every TCP traffic entry, and an entry's own `tcp` mapping
 * overrides them for its flows. */
struct tcp_spec {
    const char *cc;           /* Congestion control: tcp_cc_find() name. */
    bool ecn;                 /* ECT on data, react to ECE (RFC 3168);
                               * always on with dctcp. */
    bool handshake;           /* SYN, SYN-ACK before data. */
    uint32_t init_cwnd;       /* Segments (RFC 6928: 10). */
    uint64_t min_rto_ps;      /* RTO floor (Linux: 200 ms). */
    uint64_t init_rto_ps;     /* Before the first RTT sample (RFC 6298). */
    uint64_t max_rto_ps;      /* Backoff ceiling (Linux TCP_RTO_MAX). */
    uint32_t max_retries;     /* Timeouts in a row before the connection
                               * is abandoned (Linux tcp_retries2). */
    uint32_t delack_segs;     /* ACK every Nth full segment; 1 = each. */
    uint32_t quickacks;       /* Segments acked at once at the start
                               * (Linux TCP_MAX_QUICKACKS: 16). */
    uint64_t delack_ps;       /* Delayed-ACK timeout. */
    uint64_t ack_jitter_ps;   /* Receive-path delay before an ACK leaves:
                               * uniform in [0, this]; 0 = none. */
    uint64_t rcv_buf_bytes;   /* Receive buffer = largest window. */
    uint32_t dupack_thresh;   /* Duplicate ACKs that trigger fast
                               * retransmit (RFC 5681: 3). */
    double dctcp_g;           /* DCTCP alpha gain (RFC 8257: 1/16). */
    bool slow_start_after_idle;  /* Restart the window after an idle
                               * period longer than the RTO (RFC 5681
                               * 4.1, RFC 2861; Linux
                               * tcp_slow_start_after_idle). */
};

/* RDMA parameters (docs/scenario.md, `rdma`): RoCEv2 reliable
 * connections. */
enum rdma_cc {
    RDMA_CC_NONE,             /* Line rate; PFC keeps it lossless. */
    RDMA_CC_DCQCN,            /* DCQCN (Zhu et al., SIGCOMM 2015). */
    RDMA_CC_HPCC,             /* HPCC (Li et al., SIGCOMM 2019). */
};

/* DCQCN's hyper-increase step: the n-th hyper increase since a cut adds
 * n x R_HAI (the paper's i x R_HAI) or R_HAI each time (Mellanox
 * firmware, the HPCC simulator's HyperIncreaseMlx). */
enum dcqcn_hyper {
    DCQCN_HYPER_LINEAR,       /* i x R_HAI. */
    DCQCN_HYPER_CONSTANT,     /* R_HAI per step. */
};

/* DCQCN's parameters (`rdma.dcqcn`; rdma.c cites each preset's
 * sources). */
struct dcqcn_params {
    double g;                 /* Alpha gain. */
    double alpha0;            /* Alpha at start. */
    uint64_t cnp_interval_ps; /* NP: at most one CNP per QP per this;
                               * 0: one per CE-marked packet. */
    uint64_t alpha_period_ps; /* RP: alpha decays every this. */
    uint64_t dec_period_ps;   /* RP: at most one cut per this. */
    uint64_t inc_period_ps;   /* RP: rate-increase timer T. */
    uint64_t byte_counter;    /* RP: rate-increase byte counter B, in
                               * wire bytes; 0: off, the timer alone
                               * counts increase events. */
    uint32_t fast_recovery;   /* F: steps before additive increase. */
    uint64_t ai_bps, hai_bps; /* Additive and hyper increase steps. */
    uint64_t min_rate_bps;
    double min_dec_factor;    /* A cut leaves at least this share. */
    bool clamp;               /* A cut sets Rt = Rc always; false: only
                               * if the timer raised the rate since the
                               * last cut. */
    enum dcqcn_hyper hyper;   /* The hyper-increase step. */
    bool cnp_on_ack;          /* NP: no CNP packet; the next ACK or NAK
                               * carries it (BTH BECN), as the HPCC
                               * simulator's ACKs do. */
    bool free_timers;         /* RP: from the first CNP on, the alpha and
                               * decrease timers tick every period to the
                               * end and a CNP waits for the next decrease
                               * tick (the HPCC simulator's); false: the
                               * decrease timer starts with a CNP, which
                               * then cuts at once. */
};

/* HPCC's window (the simulator's HAS_WIN and VAR_WIN). */
enum hpcc_window {
    HPCC_WINDOW_VARIABLE,     /* At most W unacknowledged (VAR_WIN 1). */
    HPCC_WINDOW_FIXED,        /* At most line rate x T (VAR_WIN 0). */
    HPCC_WINDOW_OFF,          /* No bound but the pacing (HAS_WIN 0). */
};

/* HPCC's parameters (`rdma.hpcc`; rdma-hpcc.h cites the defaults). */
struct hpcc_params {
    double eta;               /* Target utilization. */
    uint32_t max_stage;       /* Additive-only rounds before a
                               * multiplicative one (maxStage). */
    uint64_t r_ai_bps;        /* Additive increase R_AI; 0: the NIC's rate
                               * / 2500 (40 Mb/s at 100 Gb/s). */
    uint64_t w_ai_bytes;      /* W_AI given instead; 0: R_AI x T. */
    uint64_t t_ps;            /* Base RTT T; 0: each flow's own. */
    bool fast_react;          /* W follows every ACK, not only one per
                               * round (FAST_REACT). */
    bool sample_feedback;     /* Between rounds, a hop with an empty
                               * queue is skipped (SAMPLE_FEEDBACK). */
    uint32_t int_multi;       /* Telemetry in the simulator's units
                               * (INT_MULTI): bytes sent in 128 x this,
                               * queue in 80 x this, time in ns; 0:
                               * exact. */
    enum hpcc_window window;
};

/* rdma.ack_tc `data`: ACKs travel in their flow's class. */
#define RDMA_ACK_TC_DATA UINT8_MAX

struct rdma_spec {
    uint32_t mtu;             /* Path MTU: payload bytes per packet. */
    enum rdma_cc cc;
    const char *cc_name;      /* "none", "dcqcn", "hpcc", for reports. */
    const char *profile;      /* DCQCN's preset: "paper", "mellanox" or
                               * "ns3". */
    struct dcqcn_params dcqcn;
    struct hpcc_params hpcc;
    uint8_t cnp_tc;           /* Class CNPs travel in. */
    uint8_t ack_tc;           /* Class ACKs, NAKs and READ requests
                               * travel in; RDMA_ACK_TC_DATA: the
                               * flow's. */
    bool ack_first;           /* The NIC sends them and CNPs before data
                               * of their class (ns-3's ACK queue). */
    uint32_t ack_every;       /* The responder ACKs every Nth packet (and
                               * a message's last). */
    uint64_t timeout_ps;      /* Requester's retransmission timeout. */
    uint32_t retry_cnt;       /* Timeouts in a row before the QP fails. */
    uint64_t rnr_timer_ps;    /* Wait after an RNR NAK before retrying. */
    uint32_t rnr_retry;       /* RNR retries before failing; 7: forever. */
};

enum rdma_verb {
    RDMA_VERB_WRITE,          /* RDMA WRITE: no receive consumed. */
    RDMA_VERB_SEND,           /* SEND: consumes a posted receive. */
    RDMA_VERB_READ,           /* RDMA READ: the destination sends. */
    RDMA_VERB_WRITE_IMM,      /* WRITE with immediate: consumes a posted
                               * receive with its last packet. */
};


#endif
