/* HPCC's reaction point: the window and rate of one RoCE queue pair, from
 * the in-band telemetry (pkt.h, struct int_hdr) that its ACKs echo.
 *
 * HPCC (Li et al., "HPCC: High Precision Congestion Control", SIGCOMM
 * 2019) as its ns-3 simulator runs it (github.com/alibaba-edu/
 * High-Precision-Congestion-Control, simulation/src/point-to-point/model/
 * rdma-hw.cc HandleAckHp and UpdateRateHp, with run.py's configuration
 * for `hp`: one rate for the whole path (MULTI_RATE 0), fast reaction on
 * every ACK (FAST_REACT 1), a window that follows the rate (VAR_WIN 1)).
 *
 * Per ACK, for every hop i of its INT against the record the previous ACK
 * brought of the same hop:
 *
 *     txRate_i = (txBytes_i - txBytes_i') / (ts_i - ts_i')
 *     u_i      = txRate_i / B_i + min(qlen_i, qlen_i') / (B_i T)
 *
 * (the simulator takes the smaller of the two queue samples).  U is the
 * largest u_i, and tau the time between that hop's two records; the QP
 * keeps an average over T: u = (u (T - tau) + U tau) / T, tau at most T.
 * Then, with W_c the reference window,
 *
 *     u / eta >= 1 or incStage >= maxStage:  W = W_c / (u / eta) + W_AI
 *     otherwise:                             W = W_c + W_AI, incStage + 1
 *
 * bounded by [R_min T, line rate x T].  W applies at once (fast reaction);
 * W_c and incStage take the new values only once per round trip: on the
 * first ACK beyond the packet that was next to send at the previous such
 * update (the simulator's lastUpdateSeq).  The QP sends at W / T and keeps
 * at most W bytes of payload unacknowledged.
 *
 * The simulator's other options (`rdma.hpcc`): FAST_REACT 0, W changes
 * only on a round's ACK (FastReactHp does nothing); SAMPLE_FEEDBACK 1,
 * between rounds a hop whose record shows an empty queue is neither used
 * nor kept (UpdateRateHp); INT_MULTI m, each record read as the
 * simulator's IntHop stores it: bytes sent in units of 128 m B, the
 * queue in units of 80 m B, time in ns (int-header.h); HAS_WIN/VAR_WIN,
 * the window bound (rdma.c).
 *
 * Units: windows in bytes (doubles, as the simulator's rates), times in
 * picoseconds. */
#ifndef DCSIM_RDMA_HPCC_H
#define DCSIM_RDMA_HPCC_H 1

#include <stdbool.h>
#include <stdint.h>

#include "pkt/pkt.h"

struct hpcc_params;

/* The floor of HPCC's rate: the simulator's MIN_RATE (run.py's
 * configuration template, 1000 Mb/s), or the line rate if that is lower. */
#define HPCC_MIN_RATE_BPS UINT64_C(1000000000)

/* The default R_AI is the NIC's rate / HPCC_AI_DIVISOR: run.py's
 * 10 x bw / 25 Mb/s for bw in Gb/s, 40 Mb/s at 100 Gb/s. */
#define HPCC_AI_DIVISOR 2500

struct hpcc {
    double eta;               /* Target utilization. */
    uint32_t max_stage;       /* Additive-only rounds allowed in a row. */
    uint64_t t_ps;            /* Base RTT T. */
    uint64_t line_bps;        /* The NIC's rate. */
    double w_max, w_min;      /* Line rate x T, minimum rate x T. */
    double w_ai;              /* W_AI = R_AI x T. */
    double w_c;               /* Reference window W_c. */
    double w;                 /* Current window W. */
    double u;                 /* Normalized inflight, averaged over T. */
    uint32_t inc_stage;       /* Additive-only rounds since the last
                               * multiplicative one. */
    uint64_t last_update;     /* Packet index: an ACK of more starts a new
                               * round (lastUpdateSeq). */
    bool fast_react;          /* W changes on every ACK, else per round. */
    bool sample_feedback;     /* Between rounds, skip hops with no queue. */
    uint32_t int_multi;       /* Telemetry rounding (INT_MULTI); 0: none. */
    uint32_t tx_unit, q_unit; /* With int_multi: its units of bytes sent
                               * and of queue, 128 and 80 x int_multi. */
    uint64_t tx_magic, q_magic;  /* UINT64_MAX / unit + 1, to take the
                                  * remainder without dividing. */
    uint64_t b_rate_bps[INT_MAX_HOPS];  /* Per hop of `last`: the rate
                                         * b and b_t were computed for
                                         * (0: none yet). */
    double b[INT_MAX_HOPS];   /* That rate in bytes per ps. */
    double b_t[INT_MAX_HOPS]; /* b x T, in bytes. */
    bool started;             /* `last` holds a first ACK's records. */
    struct int_hdr last;      /* The previous ACK's records. */
};

/* Starts H at line rate: W = W_c = line rate x T (T_PS > 0), u = 1 (the
 * simulator's start), with P's eta, maxStage and R_AI. */
void hpcc_init(struct hpcc *h, const struct hpcc_params *p, uint64_t line_bps,
               uint64_t t_ps);

/* u of one hop from its record CUR and the previous one PREV
 * (PREV->ts_ps < CUR->ts_ps), for a base RTT of T_PS. */
double hpcc_hop_util(const struct int_hop *cur, const struct int_hop *prev,
                     uint64_t t_ps);

/* An ACK arrived, echoing INT, acknowledging every packet below index
 * ACKED; NEXT is the index of the next packet to send.  Returns true if
 * W changed. */
bool hpcc_ack(struct hpcc *h, const struct int_hdr *in, uint64_t acked,
              uint64_t next);

/* W / T, the pacing rate: exactly the line rate when W is at its
 * largest. */
double hpcc_rate_bps(const struct hpcc *h);

#endif
