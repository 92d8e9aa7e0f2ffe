/* Switch memory management: buffer admission.
 *
 * Every packet entering an egress queue of a switch asks the switch's MMU
 * first; a refused packet is dropped with the reason the MMU gives.  The
 * MMU is told when a packet leaves so it can release buffer.  Two MMUs
 * are registered (mmu.c):
 *
 *   taildrop (mmu-taildrop.c): a per-queue limit and an optional
 *     whole-switch limit, as ns-3's DropTailQueue and htsim's queues.
 *   shared (mmu-shared.c): a shared-buffer switch as Broadcom-style ASICs
 *     and the HPCC simulator model it.  The buffer is split into a
 *     reserved part (guaranteed bytes per ingress port and class), PFC
 *     headroom (per ingress port and lossless class) and a shared pool.
 *     Packets are charged at ingress, to (ingress port, priority group);
 *     a lossy class is limited at egress by a dynamic threshold (a queue
 *     may hold reserve + alpha x the free shared pool), a lossless class
 *     at ingress: beyond its threshold a priority group spills into its
 *     headroom and the PFC logic (fc-pfc.c) pauses the upstream neighbour.
 *     Details, defaults and sources: docs/models.md. */
#ifndef DCSIM_MMU_H
#define DCSIM_MMU_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/drop.h"
#include "fabric/mmu-provider.h"

struct port;
struct mmu_class;

/* Ingress accounting of one (port, priority group). */
struct mmu_pg {
    uint32_t bytes;              /* Charged to reserve + shared pool. */
    uint32_t hdrm;               /* Charged to headroom. */
    uint32_t hdrm_max;           /* Peak of hdrm. */
    /* The dynamic threshold's factor alpha, a power of two: 2^alpha_shl
     * / 2^alpha_shr, one of the two 0.  It is mmu.alpha[class], for a
     * lossless class doubled per mmu_scale_alpha(); the thresholds are
     * integer arithmetic on these (mmu-admit.h). */
    uint8_t alpha_shl;
    uint8_t alpha_shr;
    bool held;                   /* Flow control keeps the upstream
                                  * stopped (mmu_pg_set_held()). */
};

struct mmu {
    /* What every admission and release reads, in one cache line (struct
     * sw aligns it): the class bits and the port count included; alpha,
     * the headroom and the taildrop limits in the next. */
    const struct mmu_class *class;
    struct mmu_pg *pg;           /* shared: by class, then ingress port
                                  * (mmu_pg_at());
                                  * not the MMU's (mmu_shared_setup()). */
    uint64_t reserve;            /* Per (ingress port, class). */
    uint64_t shared_size;        /* Buffer - reserves - headroom. */
    uint64_t shared_free;        /* What the groups leave of it. */
    uint64_t xoff_static;        /* 0: dynamic threshold. */
    uint64_t used_bytes;         /* taildrop: frame bytes held now (the
                                  * shared MMU's groups count its). */
    uint8_t lossless;            /* Bit c: class c is lossless (PFC on). */
    uint16_t n_ports;            /* Here, in the first line, since
                                  * mmu_pg_at() reads it. */
    double alpha[8];             /* qos.alpha, powers of two from 1/128
                                  * to 64 (each group keeps its own as
                                  * mmu_pg.alpha_shl and alpha_shr). */
    uint32_t *headroom;          /* Per port: bytes per lossless class. */
    uint64_t xon_offset;
    uint64_t queue_limit_bytes;  /* taildrop: per egress queue. */
    uint64_t buffer_bytes;       /* Whole switch; 0 = unlimited. */
};

void mmu_init(struct mmu *, const char *class_name, uint64_t queue_limit_bytes,
              uint64_t buffer_bytes);
/* The shared MMU's parameters and per-port state for N_PORTS ports, its
 * groups in PG (N_PORTS * 8 zeroed, the caller's: the net keeps every
 * switch's in one array, arena.h).  LOSSLESS is 0 without PFC.
 * XOFF_STATIC 0 means dynamic. */
void mmu_shared_setup(struct mmu *, struct mmu_pg *pg, uint16_t n_ports,
                      uint64_t reserve,
                      uint8_t lossless, const double alpha[8],
                      uint64_t xoff_static, uint64_t xon_offset);
/* pfc.alpha_by_rate: ingress PORT, of RATE_BPS, doubles the alpha of
 * each lossless class below 1 while its rate, halved each time, is above
 * NIC_BPS (the HPCC simulator's pfc_a_shift, third.cc). */
void mmu_scale_alpha(struct mmu *, uint16_t port, uint64_t rate_bps,
                     uint64_t nic_bps);
/* Headroom of each lossless class of ingress PORT. */
void mmu_set_headroom(struct mmu *, uint16_t port, uint32_t bytes);
/* Sizes the shared pool once headrooms are set.  Returns the bytes that
 * reserves and headroom need beyond the buffer (0 when they fit). */
uint64_t mmu_shared_commit(struct mmu *);
void mmu_free(struct mmu *);

/* What mmu_admit() returns for a frame it takes: MMU_ADMITTED, or
 * MMU_ADMITTED_PAUSE when the frame's class is lossless and its ingress
 * group is now past XOFF and not held (mmu_pg_pause_due()), so that the
 * transmit path tells flow control without asking again.  Any other
 * value (>= 0) is the enum drop_reason to drop the frame with. */
#define MMU_ADMITTED (-1)
#define MMU_ADMITTED_PAUSE (-2)

/* Admits a frame of FRAME_BYTES that entered by port IN_PORT to queue TC
 * of PORT (and charges it), or refuses it: see MMU_ADMITTED.  Inline,
 * as mmu_release(): both run on every hop through a switch. */
static inline int
mmu_admit(struct mmu *m, const struct port *port, uint8_t tc,
          uint8_t in_port, uint32_t frame_bytes)
{
    return m->class->admit(m, port, tc, in_port, frame_bytes);
}
/* A frame of FRAME_BYTES that entered by IN_PORT left queue TC of PORT.
 * Returns true when TC is lossless and the ingress group is held and now
 * back at XON (mmu_pg_resume_due()): flow control may restart the peer. */
static inline bool
mmu_release(struct mmu *m, const struct port *port, uint8_t tc,
            uint8_t in_port, uint32_t frame_bytes)
{
    return m->class->release(m, port, tc, in_port, frame_bytes);
}
/* PFC thresholds of ingress (PORT, lossless class PG), shared MMU only:
 * past XOFF (in headroom, or at the pause threshold), and back at XON
 * (headroom empty and XON_OFFSET below the threshold). */
bool mmu_pg_past_xoff(const struct mmu *, uint16_t port, uint8_t pg);
bool mmu_pg_at_xon(const struct mmu *, uint16_t port, uint8_t pg);
/* The counters of ingress (PORT, class PG).  The array is class-major:
 * the groups of one class at a switch's ports sit side by side, four to
 * a line, so that a class's traffic through a switch touches a quarter
 * of the lines a port-major array would, and each of them four times as
 * often (at 8 192 hosts a line touched once per frame of one port, every
 * ~82 ns of simulated time, has left every cache by the next frame:
 * docs/performance.md). */
static inline struct mmu_pg *
mmu_pg_at(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return &m->pg[(size_t)pg * m->n_ports + port];
}

/* Whether the flow control of ingress PORT holds its upstream's class PG
 * stopped, as it records with mmu_pg_set_held().  The transmit path
 * tells flow control of a lossless frame admitted only when the group is
 * not held and past XOFF, and of one released only when it is held and
 * back at XON (fc-provider.h): the bit sits beside the counters the
 * admission has just touched, so a hop reads no flow-control state.
 * The MMU answers both as it admits and releases (MMU_ADMITTED_PAUSE,
 * mmu_release()'s result); these say the same of a group at any time. */
static inline bool
mmu_pg_pause_due(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return !mmu_pg_at(m, port, pg)->held && mmu_pg_past_xoff(m, port, pg);
}
static inline bool
mmu_pg_resume_due(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return mmu_pg_at(m, port, pg)->held && mmu_pg_at_xon(m, port, pg);
}
static inline void
mmu_pg_set_held(struct mmu *m, uint16_t port, uint8_t pg, bool held)
{
    mmu_pg_at(m, port, pg)->held = held;
}
/* Peak PFC headroom use of ingress (PORT, PG); 0 without a shared MMU. */
static inline uint32_t
mmu_headroom_peak(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return m && m->pg ? mmu_pg_at(m, port, pg)->hdrm_max : 0;
}

/* The registered MMUs, for validation: I < mmu_count(). */
size_t mmu_count(void);
const char *mmu_name(size_t i);

#endif
