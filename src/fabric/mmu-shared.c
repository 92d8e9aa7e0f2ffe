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
 * ports faster than the NICs, as the simulator's pfc_a_shift makes it.
 * Lossy queues are limited at egress by the same dynamic rule on the
 * queue's length (reserve + alpha x free), as Broadcom-style egress
 * service pools do.  Admission and release are in mmu-admit.h, inline
 * for the transmit path. */
#include <math.h>
#include <stdlib.h>

#include "fabric/mmu-provider.h"
#include "fabric/mmu-admit.h"
#include "fabric/mmu.h"
#include "fabric/port.h"
#include "sim/util.h"

/* G's dynamic threshold factor becomes ALPHA, a power of two from 2^-7
 * to 2^6 (qos.alpha's range), which the thresholds' integer arithmetic
 * needs (mmu-admit.h). */
static void
pg_set_alpha(struct mmu_pg *g, double alpha)
{
    int exp;
    sim_assert(frexp(alpha, &exp) == 0.5 && exp - 1 >= -7 && exp - 1 <= 6);
    g->alpha_shl = (uint8_t)(exp - 1 > 0 ? exp - 1 : 0);
    g->alpha_shr = (uint8_t)(exp - 1 < 0 ? 1 - exp : 0);
}

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
    /* Every group starts as its class's, alpha included. */
    struct mmu_pg fresh[8] = { { 0 } };
    for (int i = 0; i < 8; i++) {
        m->alpha[i] = alpha[i];
        pg_set_alpha(&fresh[i], alpha[i]);
    }
    for (uint16_t port = 0; port < n_ports; port++)
        for (uint8_t c = 0; c < 8; c++)
            *mmu_pg_at(m, port, c) = fresh[c];
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
        double alpha = m->alpha[c];
        for (uint64_t r = rate_bps; r > nic_bps && alpha < 1; r /= 2)
            alpha *= 2;
        pg_set_alpha(mmu_pg_at(m, port, (uint8_t)c), alpha);
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
    m->shared_free = m->shared_size;
    return 0;
}

static int
shared_admit(struct mmu *m, const struct port *port, uint8_t tc,
             uint8_t in_port, uint32_t frame_bytes)
{
    return mmu_shared_admit(m, port, tc, in_port, frame_bytes);
}

static bool
shared_release(struct mmu *m, const struct port *port, uint8_t tc,
               uint8_t in_port, uint32_t frame_bytes)
{
    return mmu_shared_release(m, port, tc, in_port, frame_bytes);
}

bool
mmu_pg_past_xoff(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return mmu_shared_past_xoff(m, mmu_pg_at(m, port, pg));
}

bool
mmu_pg_at_xon(const struct mmu *m, uint16_t port, uint8_t pg)
{
    return mmu_shared_at_xon(m, mmu_pg_at(m, port, pg));
}

const struct mmu_class mmu_shared = {
    .name = "shared",
    .admit = shared_admit,
    .release = shared_release,
};
