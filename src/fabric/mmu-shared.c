/* The shared-buffer MMU; see mmu.h for the model and docs/models.md for
 * its sources.
 *
 * Ingress accounting follows the HPCC simulator's SwitchMmu
 * (simulation/src/point-to-point/model/switch-mmu.cc): a priority group
 * fills its reserve first, then the shared pool up to its threshold, then
 * (lossless only) its headroom.  Leaving frames are taken from headroom
 * first, then from the shared part, so headroom is the first to empty.
 * The pause threshold of a priority group is alpha x the free shared pool
 * (the dynamic threshold of Choudhury and Hahne, IEEE/ACM ToN 1998), or a
 * static XOFF; alpha is the class's, or with pfc.alpha_by_rate larger on
 * ports faster than the NICs, as the simulator's pfc_a_shift makes it.  Lossy queues are limited at egress by the same dynamic
 * rule on the queue's length (reserve + alpha x free), as Broadcom-style
 * egress service pools do. */
#include <stdlib.h>

#include "fabric/mmu-provider.h"
#include "fabric/mmu.h"
#include "fabric/port.h"
#include "sim/util.h"

void
mmu_shared_setup(struct mmu *m, struct mmu_pg *pg, uint16_t n_ports,
                 uint64_t reserve, uint8_t lossless, const double alpha[8],
                 uint64_t xoff_static, uint64_t xon_offset)
{
    m->n_ports = n_ports;
    m->pg = pg;
    m->headroom = xcalloc((size_t)n_ports + 1, sizeof *m->headroom);
    m->reserve = reserve;
    m->lossless = lossless;
    for (int i = 0; i < 8; i++)
        m->alpha[i] = alpha[i];
    m->xoff_static = xoff_static;
    m->xon_offset = xon_offset;
}

void
mmu_scale_alpha(struct mmu *m, uint16_t port, uint64_t rate_bps,
                uint64_t nic_bps)
{
    for (int c = 0; c < 8; c++) {
        if (!(m->lossless >> c & 1))
            continue;
        struct mmu_pg *g = &m->pg[port * 8 + c];
        double alpha = m->alpha[c];
        for (uint64_t r = rate_bps; r > nic_bps && alpha < 1; r /= 2) {
            alpha *= 2;
            g->alpha_shift++;
        }
    }
}

void
mmu_set_headroom(struct mmu *m, uint16_t port, uint32_t bytes)
{
    m->headroom[port] = bytes;
}

uint64_t
mmu_shared_commit(struct mmu *m)
{
    uint64_t need = m->reserve * 8 * m->n_ports;
    int n_lossless = __builtin_popcount(m->lossless);
    for (uint16_t i = 0; i < m->n_ports; i++)
        need += (uint64_t)m->headroom[i] * (uint64_t)n_lossless;
    if (need > m->buffer_bytes)
        return need - m->buffer_bytes;
    m->shared_size = m->buffer_bytes - need;
    return 0;
}

static inline uint64_t
shared_part(const struct mmu *m, uint64_t bytes)
{
    return bytes > m->reserve ? bytes - m->reserve : 0;
}

static inline double
free_shared(const struct mmu *m)
{
    return (double)(m->shared_size - m->shared_used);
}

/* G, of class C: its dynamic threshold's factor, the class's alpha
 * doubled alpha_shift times (exact: scaling a double by a power of two
 * does not round). */
static inline double
pg_alpha(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    double a = m->alpha[c];
    return UNLIKELY(g->alpha_shift) ? a * (double)(UINT64_C(1)
                                                   << g->alpha_shift)
                                    : a;
}

/* Would G, of class C, holding BYTES, be past its pause threshold? */
static inline bool
over_threshold(const struct mmu *m, const struct mmu_pg *g, uint8_t c,
               uint64_t bytes)
{
    if (m->xoff_static)
        return bytes > m->xoff_static;
    return (double)shared_part(m, bytes) >
           pg_alpha(m, g, c) * free_shared(m);
}

/* Is G, of class C, past XOFF: in its headroom, or at its pause
 * threshold? */
static inline bool
pg_past_xoff(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    return g->hdrm > 0 || (m->xoff_static
                               ? g->bytes >= m->xoff_static
                               : (double)shared_part(m, g->bytes) >=
                                     pg_alpha(m, g, c) * free_shared(m));
}

/* Is G, of class C, back at XON: headroom empty and xon_offset below its
 * pause threshold? */
static inline bool
pg_at_xon(const struct mmu *m, const struct mmu_pg *g, uint8_t c)
{
    if (g->hdrm > 0)
        return false;
    if (m->xoff_static)
        return g->bytes + m->xon_offset <= m->xoff_static;
    uint64_t sh = shared_part(m, g->bytes);
    return sh == 0 ||
           (double)(sh + m->xon_offset) <= pg_alpha(m, g, c) * free_shared(m);
}

static void
hold(struct mmu *m, uint32_t frame_bytes)
{
    m->used_bytes += frame_bytes;
    if (m->used_bytes > m->max_used_bytes)
        m->max_used_bytes = m->used_bytes;
}

/* Charges G's reserve and the shared pool: its bytes become AFTER, of
 * which GROW more are shared. */
static void
charge(struct mmu *m, struct mmu_pg *g, uint64_t after, uint64_t grow,
       uint32_t frame_bytes)
{
    m->shared_used += grow;
    g->bytes = (uint32_t)after;
    hold(m, frame_bytes);
}

static int
shared_admit(struct mmu *m, const struct port *port, uint8_t tc,
             uint8_t in_port, uint32_t frame_bytes)
{
    struct mmu_pg *g = &m->pg[in_port * 8 + tc];
    uint64_t after = (uint64_t)g->bytes + frame_bytes;
    uint64_t grow = shared_part(m, after) - shared_part(m, g->bytes);
    bool pool_ok = grow <= m->shared_size - m->shared_used;
    if (m->lossless >> tc & 1) {
        if (pool_ok && !over_threshold(m, g, tc, after)) {
            charge(m, g, after, grow, frame_bytes);
        } else {
            if ((uint64_t)g->hdrm + frame_bytes > m->headroom[in_port])
                return DROP_HEADROOM;
            g->hdrm += frame_bytes;
            if (g->hdrm > g->hdrm_max)
                g->hdrm_max = g->hdrm;
            hold(m, frame_bytes);
        }
        /* mmu_pg_pause_due(), on the counters just written. */
        return !g->held && pg_past_xoff(m, g, tc) ? MMU_ADMITTED_PAUSE
                                                  : MMU_ADMITTED;
    }
    double limit = (double)m->reserve + m->alpha[tc] * free_shared(m);
    if ((double)(port_q(port, tc)->bytes + frame_bytes) > limit)
        return DROP_THRESHOLD;
    if (!pool_ok)
        return DROP_BUFFER_FULL;
    charge(m, g, after, grow, frame_bytes);
    return MMU_ADMITTED;
}

static bool
shared_release(struct mmu *m, const struct port *port, uint8_t tc,
               uint8_t in_port, uint32_t frame_bytes)
{
    (void)port;
    struct mmu_pg *g = &m->pg[in_port * 8 + tc];
    uint32_t from_hdrm = g->hdrm < frame_bytes ? g->hdrm : frame_bytes;
    uint32_t rest = frame_bytes - from_hdrm;
    g->hdrm -= from_hdrm;
    sim_assert(g->bytes >= rest);
    m->shared_used -= shared_part(m, g->bytes) - shared_part(m, g->bytes - rest);
    g->bytes -= rest;
    m->used_bytes -= frame_bytes;
    /* mmu_pg_resume_due(): the bit is set only while PFC holds a
     * lossless group, so it is the rare case and goes first. */
    return UNLIKELY(g->held) && (m->lossless >> tc & 1) &&
           pg_at_xon(m, g, tc);
}

bool
mmu_pg_past_xoff(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return pg_past_xoff(m, &m->pg[port * 8 + pg], pg);
}

bool
mmu_pg_at_xon(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return pg_at_xon(m, &m->pg[port * 8 + pg], pg);
}

const struct mmu_class mmu_shared = {
    .name = "shared",
    .admit = shared_admit,
    .release = shared_release,
};
