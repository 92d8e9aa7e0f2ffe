/* The registered MMUs' admission and release (mmu-provider.h), inline:
 * every hop through a switch runs both, so the transmit path (port.c,
 * mmu_admit_inline()) runs them without the class's indirect call.
 * mmu-taildrop.c and mmu-shared.c wrap them for their classes and have
 * the models and their sources.  Internal to the fabric: everyone else
 * goes through mmu.h. */
#ifndef DCSIM_MMU_ADMIT_H
#define DCSIM_MMU_ADMIT_H 1

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
    if (m->used_bytes > m->max_used_bytes)
        m->max_used_bytes = m->used_bytes;
    return MMU_ADMITTED;
}

static ALWAYS_INLINE bool
mmu_taildrop_release(struct mmu *m, uint32_t frame_bytes)
{
    m->used_bytes -= frame_bytes;
    return false;
}

/* The shared buffer (mmu-shared.c). */
static inline uint64_t
mmu_shared_part(const struct mmu *m, uint64_t bytes)
{
    return bytes > m->reserve ? bytes - m->reserve : 0;
}

static inline double
mmu_free_shared(const struct mmu *m)
{
    return (double)(m->shared_size - m->shared_used);
}

/* G, of class C: its dynamic threshold's factor, the class's alpha
 * doubled alpha_shift times (exact: scaling a double by a power of two
 * does not round). */
static inline double
mmu_pg_alpha(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    double a = m->alpha[c];
    return UNLIKELY(g->alpha_shift) ? a * (double)(UINT64_C(1)
                                                   << g->alpha_shift)
                                    : a;
}

/* Would G, of class C, holding BYTES, be past its pause threshold? */
static inline bool
mmu_over_threshold(const struct mmu *m, const struct mmu_pg *g, uint8_t c,
                   uint64_t bytes)
{
    if (m->xoff_static)
        return bytes > m->xoff_static;
    return (double)mmu_shared_part(m, bytes) >
           mmu_pg_alpha(m, g, c) * mmu_free_shared(m);
}

/* Is G, of class C, past XOFF: in its headroom, or at its pause
 * threshold? */
static inline bool
mmu_shared_past_xoff(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    return g->hdrm > 0 ||
           (m->xoff_static ? g->bytes >= m->xoff_static
                           : (double)mmu_shared_part(m, g->bytes) >=
                                 mmu_pg_alpha(m, g, c) * mmu_free_shared(m));
}

/* Is G, of class C, back at XON: headroom empty and xon_offset below its
 * pause threshold? */
static inline bool
mmu_shared_at_xon(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    if (g->hdrm > 0)
        return false;
    if (m->xoff_static)
        return g->bytes + m->xon_offset <= m->xoff_static;
    uint64_t sh = mmu_shared_part(m, g->bytes);
    return sh == 0 ||
           (double)(sh + m->xon_offset) <=
               mmu_pg_alpha(m, g, c) * mmu_free_shared(m);
}

static inline void
mmu_hold(struct mmu *m, uint32_t frame_bytes)
{
    m->used_bytes += frame_bytes;
    if (m->used_bytes > m->max_used_bytes)
        m->max_used_bytes = m->used_bytes;
}

/* Charges G's reserve and the shared pool: its bytes become AFTER, of
 * which GROW more are shared. */
static inline void
mmu_charge(struct mmu *m, struct mmu_pg *g, uint64_t after, uint64_t grow,
           uint32_t frame_bytes)
{
    m->shared_used += grow;
    g->bytes = (uint32_t)after;
    mmu_hold(m, frame_bytes);
}

/* The shared MMU's admit (mmu-provider.h). */
static ALWAYS_INLINE int
mmu_shared_admit(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    struct mmu_pg *g = mmu_pg_at(m, in_port, tc);
    uint64_t after = (uint64_t)g->bytes + frame_bytes;
    uint64_t grow = mmu_shared_part(m, after) - mmu_shared_part(m, g->bytes);
    bool pool_ok = grow <= m->shared_size - m->shared_used;
    if (m->lossless >> tc & 1) {
        if (pool_ok && !mmu_over_threshold(m, g, tc, after)) {
            mmu_charge(m, g, after, grow, frame_bytes);
        } else {
            if ((uint64_t)g->hdrm + frame_bytes > m->headroom[in_port])
                return DROP_HEADROOM;
            g->hdrm += frame_bytes;
            if (g->hdrm > g->hdrm_max)
                g->hdrm_max = g->hdrm;
            mmu_hold(m, frame_bytes);
        }
        /* mmu_pg_pause_due(), on the counters just written. */
        return !g->held && mmu_shared_past_xoff(m, g, tc)
                   ? MMU_ADMITTED_PAUSE
                   : MMU_ADMITTED;
    }
    double limit = (double)m->reserve + m->alpha[tc] * mmu_free_shared(m);
    if ((double)(port_q(port, tc)->bytes + frame_bytes) > limit)
        return DROP_THRESHOLD;
    if (!pool_ok)
        return DROP_BUFFER_FULL;
    mmu_charge(m, g, after, grow, frame_bytes);
    return MMU_ADMITTED;
}

/* The shared MMU's release (mmu-provider.h). */
static ALWAYS_INLINE bool
mmu_shared_release(struct mmu *m, const struct port *port, uint8_t tc,
                   uint8_t in_port, uint32_t frame_bytes)
{
    (void)port;
    struct mmu_pg *g = mmu_pg_at(m, in_port, tc);
    uint32_t from_hdrm = g->hdrm < frame_bytes ? g->hdrm : frame_bytes;
    uint32_t rest = frame_bytes - from_hdrm;
    g->hdrm -= from_hdrm;
    sim_assert(g->bytes >= rest);
    m->shared_used -= mmu_shared_part(m, g->bytes) -
                      mmu_shared_part(m, g->bytes - rest);
    g->bytes -= rest;
    m->used_bytes -= frame_bytes;
    /* mmu_pg_resume_due(): the bit is set only while PFC holds a
     * lossless group, so it is the rare case and goes first. */
    return UNLIKELY(g->held) && (m->lossless >> tc & 1) &&
           mmu_shared_at_xon(m, g, tc);
}

/* mmu_admit() and mmu_release() for the transmit path: the two
 * registered MMUs' inline, any other's through its class. */
static ALWAYS_INLINE int
mmu_admit_inline(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    if (LIKELY(m->class == &mmu_shared))
        return mmu_shared_admit(m, port, tc, in_port, frame_bytes);
    if (m->class == &mmu_taildrop)
        return mmu_taildrop_admit(m, port, tc, frame_bytes);
    return mmu_admit(m, port, tc, in_port, frame_bytes);
}

static ALWAYS_INLINE bool
mmu_release_inline(struct mmu *m, const struct port *port, uint8_t tc,
                   uint8_t in_port, uint32_t frame_bytes)
{
    if (LIKELY(m->class == &mmu_shared))
        return mmu_shared_release(m, port, tc, in_port, frame_bytes);
    if (m->class == &mmu_taildrop)
        return mmu_taildrop_release(m, frame_bytes);
    return mmu_release(m, port, tc, in_port, frame_bytes);
}

#endif
