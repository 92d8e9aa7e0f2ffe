/* The registered MMUs' admission and release (mmu-provider.h), inline:
 * every hop through a switch runs both, so the transmit path (port.c,
 * mmu_admit_inline()) runs them without the class's indirect call.
 * mmu-taildrop.c and mmu-shared.c wrap them for their classes and have
 * the models and their sources.  Internal to the fabric: everyone else
 * goes through mmu.h. */
#ifndef DCSIM_MMU_ADMIT_H
#define DCSIM_MMU_ADMIT_H 1

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "fabric/mmu.h"
#include "fabric/port.h"
#include "sim/util.h"

/* Tail drop (mmu-taildrop.c): a per-queue limit and an optional
 * whole-switch one. */
static ALWAYS_INLINE int
mmu_taildrop_admit(struct mmu *m, const struct port *port, uint8_t tc,
                   uint32_t frame_bytes)
{
    if (port_q(port, tc)->bytes + frame_bytes > m->queue_limit_bytes)
        return DROP_QUEUE_FULL;
    if (m->buffer_bytes && m->used_bytes + frame_bytes > m->buffer_bytes)
        return DROP_BUFFER_FULL;
    m->used_bytes += frame_bytes;
    return MMU_ADMITTED;
}

static ALWAYS_INLINE bool
mmu_taildrop_release(struct mmu *m, uint32_t frame_bytes)
{
    m->used_bytes -= frame_bytes;
    return false;
}

/* The shared buffer (mmu-shared.c).
 *
 * The dynamic thresholds compare a count of bytes with alpha x F, F the
 * free shared pool.  The model states them in doubles; they are integer
 * arithmetic here wherever that decides exactly as the doubles (every
 * case short of a lossy limit of 32 TiB), and the doubles beyond.
 * Alpha is a power of two from 2^-7 to 2^6 (qos.alpha; mmu_scale_alpha()
 * doubles it only while below 1), and a scenario's sizes are at most
 * 2^50 B (its units), so F <= switch.buffer <= 2^50:
 * - F and each count compared with alpha x F (a group's shared bytes,
 *   below 2^33; an egress queue plus the frame, at most the buffer and
 *   a frame) convert to doubles exactly, and alpha x F, F times a power
 *   of two, is exact too: the doubles compare exact values;
 * - N >= alpha x F exactly when N x 2^alpha_shr >= F x 2^alpha_shl, and
 *   N > alpha x F when the same holds with >: integers below 2^57 for
 *   a group's shared bytes (mmu_pg_at_threshold(),
 *   mmu_pg_past_threshold());
 * - for an integer N and a real X, N > X exactly when N > floor(X), and
 *   N <= X when N <= floor(X); floor(alpha x F) is F shifted
 *   (mmu_pg_threshold());
 * - two sums can need more than a double's 53 bits: a lossy queue's
 *   limit, reserve + alpha x F, a multiple of 2^-7, is exact below 2^45
 *   (mmu_pg_over_limit()), and a group's shared bytes plus pfc.xon_offset,
 *   which wraps in 64 bits as it did, below 2^53 (mmu_pg_within());
 *   beyond, those two compare in doubles as the model states them.
 * tests/unit/test-fabric.c checks each against its double expression. */
#define MMU_EXACT_LIMIT_BYTES (UINT64_C(1) << 45)
#define MMU_EXACT_COUNT_BYTES (UINT64_C(1) << 53)

static inline uint64_t
mmu_shared_part(const struct mmu *m, uint64_t bytes)
{
    return bytes > m->reserve ? bytes - m->reserve : 0;
}

/* Whether SHARED_BYTES of G (below 2^33) are at least alpha x
 * FREE_BYTES. */
static inline bool
mmu_pg_at_threshold(const struct mmu_pg *g, uint64_t shared_bytes,
                    uint64_t free_bytes)
{
    return shared_bytes << g->alpha_shr >= free_bytes << g->alpha_shl;
}

/* Whether they are more than alpha x FREE_BYTES. */
static inline bool
mmu_pg_past_threshold(const struct mmu_pg *g, uint64_t shared_bytes,
                      uint64_t free_bytes)
{
    return shared_bytes << g->alpha_shr > free_bytes << g->alpha_shl;
}

/* floor(alpha x FREE_BYTES), alpha G's. */
static inline uint64_t
mmu_pg_threshold(const struct mmu_pg *g, uint64_t free_bytes)
{
    return free_bytes << g->alpha_shl >> g->alpha_shr;
}

/* alpha x FREE_BYTES as the model's double, exact. */
static inline double
mmu_pg_alpha_free(const struct mmu_pg *g, uint64_t free_bytes)
{
    return ldexp((double)free_bytes, g->alpha_shl - g->alpha_shr);
}

/* Whether BYTES are more than RESERVE + alpha x FREE_BYTES (a lossy
 * queue's limit). */
static inline bool
mmu_pg_over_limit(const struct mmu_pg *g, uint64_t reserve, uint64_t bytes,
                  uint64_t free_bytes)
{
    uint64_t limit = reserve + mmu_pg_threshold(g, free_bytes);
    if (LIKELY(limit < MMU_EXACT_LIMIT_BYTES))
        return bytes > limit;
    return (double)bytes > (double)reserve + mmu_pg_alpha_free(g, free_bytes);
}

/* Whether BYTES are at most alpha x FREE_BYTES. */
static inline bool
mmu_pg_within(const struct mmu_pg *g, uint64_t bytes, uint64_t free_bytes)
{
    if (LIKELY(bytes < MMU_EXACT_COUNT_BYTES))
        return bytes <= mmu_pg_threshold(g, free_bytes);
    return (double)bytes <= mmu_pg_alpha_free(g, free_bytes);
}

/* Is G past XOFF: in its headroom, or at its pause threshold? */
static inline bool
mmu_shared_past_xoff(const struct mmu *m, const struct mmu_pg *g)
{
    return g->hdrm > 0 ||
           (m->xoff_static ? g->bytes >= m->xoff_static
                           : mmu_pg_at_threshold(g, mmu_shared_part(m, g->bytes),
                                                 m->shared_free));
}

/* Is G back at XON: headroom empty and xon_offset below its pause
 * threshold? */
static inline bool
mmu_shared_at_xon(const struct mmu *m, const struct mmu_pg *g)
{
    if (g->hdrm > 0)
        return false;
    if (m->xoff_static)
        return g->bytes + m->xon_offset <= m->xoff_static;
    uint64_t sh = mmu_shared_part(m, g->bytes);
    return sh == 0 || mmu_pg_within(g, sh + m->xon_offset, m->shared_free);
}

/* Charges G's reserve and the shared pool: its bytes become AFTER, of
 * which GROW more are shared. */
static inline void
mmu_charge(struct mmu *m, struct mmu_pg *g, uint64_t after, uint64_t grow)
{
    m->shared_free -= grow;
    g->bytes = (uint32_t)after;
}

/* The shared MMU's admit (mmu-provider.h). */
static ALWAYS_INLINE int
mmu_shared_admit(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    struct mmu_pg *g = mmu_pg_at(m, in_port, tc);
    uint64_t after = (uint64_t)g->bytes + frame_bytes;
    uint64_t shared_after = mmu_shared_part(m, after);
    /* The frame's shared part: all of it once the reserve is full. */
    uint64_t grow = LIKELY(g->bytes >= m->reserve) ? frame_bytes
                                                   : shared_after;
    uint64_t free_bytes = m->shared_free;
    bool pool_ok = grow <= free_bytes;
    if (m->lossless >> tc & 1) {
        /* Charged to reserve and pool unless that would take the group
         * past its pause threshold, and then past XOFF (as
         * mmu_shared_past_xoff() on the counters charged: a group's
         * 32-bit count cannot wrap, since the scenario keeps
         * switch.buffer + switch.reserve below 4 GiB, scn-switch.c). */
        bool charge, past;
        if (UNLIKELY(m->xoff_static)) {
            charge = pool_ok && after <= m->xoff_static;
            past = after >= m->xoff_static;
        } else {
            /* Against the pool now, and against what the frame leaves
             * of it. */
            charge = pool_ok &&
                     !mmu_pg_past_threshold(g, shared_after, free_bytes);
            past = mmu_pg_at_threshold(g, shared_after, free_bytes - grow);
        }
        if (LIKELY(charge)) {
            mmu_charge(m, g, after, grow);
            past = past || g->hdrm > 0;
        } else {
            if ((uint64_t)g->hdrm + frame_bytes > m->headroom[in_port])
                return DROP_HEADROOM;
            g->hdrm += frame_bytes;
            if (g->hdrm > g->hdrm_max)
                g->hdrm_max = g->hdrm;
            past = true;  /* In headroom: a frame is never empty. */
        }
        /* mmu_pg_pause_due(). */
        return !g->held && past ? MMU_ADMITTED_PAUSE : MMU_ADMITTED;
    }
    if (mmu_pg_over_limit(g, m->reserve, port_q(port, tc)->bytes + frame_bytes,
                          free_bytes))
        return DROP_THRESHOLD;
    if (!pool_ok)
        return DROP_BUFFER_FULL;
    mmu_charge(m, g, after, grow);
    return MMU_ADMITTED;
}

/* The shared MMU's release (mmu-provider.h). */
static ALWAYS_INLINE bool
mmu_shared_release(struct mmu *m, const struct port *port, uint8_t tc,
                   uint8_t in_port, uint32_t frame_bytes)
{
    (void)port;
    struct mmu_pg *g = mmu_pg_at(m, in_port, tc);
    /* Headroom first; it holds nothing but while PFC pauses. */
    uint32_t rest = frame_bytes;
    if (UNLIKELY(g->hdrm)) {
        uint32_t from_hdrm = g->hdrm < frame_bytes ? g->hdrm : frame_bytes;
        g->hdrm -= from_hdrm;
        rest -= from_hdrm;
    }
    sim_assert(g->bytes >= rest);
    uint32_t left = g->bytes - rest;
    /* All of REST was shared while the reserve stays full. */
    m->shared_free += LIKELY(left >= m->reserve)
                          ? rest
                          : mmu_shared_part(m, g->bytes);
    g->bytes = left;
    /* mmu_pg_resume_due(): the bit is set only while PFC holds a
     * lossless group, so it is the rare case and goes first. */
    return UNLIKELY(g->held) && (m->lossless >> tc & 1) &&
           mmu_shared_at_xon(m, g);
}

/* mmu_admit() and mmu_release() for the transmit path: the two
 * registered MMUs' inline (the shared one known by its groups, which
 * no other has), any other's through its class. */
static ALWAYS_INLINE int
mmu_admit_inline(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    if (LIKELY(m->pg != NULL))
        return mmu_shared_admit(m, port, tc, in_port, frame_bytes);
    if (m->class == &mmu_taildrop)
        return mmu_taildrop_admit(m, port, tc, frame_bytes);
    return mmu_admit(m, port, tc, in_port, frame_bytes);
}

static ALWAYS_INLINE bool
mmu_release_inline(struct mmu *m, const struct port *port, uint8_t tc,
                   uint8_t in_port, uint32_t frame_bytes)
{
    if (LIKELY(m->pg != NULL))
        return mmu_shared_release(m, port, tc, in_port, frame_bytes);
    if (m->class == &mmu_taildrop)
        return mmu_taildrop_release(m, frame_bytes);
    return mmu_release(m, port, tc, in_port, frame_bytes);
}

#endif
