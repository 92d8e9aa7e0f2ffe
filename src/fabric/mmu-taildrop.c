/* Tail drop: a frame is refused when its egress queue would exceed the
 * per-queue limit, or the switch as a whole would exceed its buffer.
 * This is the static-threshold buffer of ns-3's DropTailQueue and of
 * htsim's queues; it has no sharing between queues beyond the common
 * total.  Admission and release are in mmu-admit.h, inline for the
 * transmit path. */
#include "fabric/mmu-admit.h"
#include "fabric/mmu-provider.h"
#include "fabric/mmu.h"

static int
taildrop_admit(struct mmu *m, const struct port *port, uint8_t tc,
               uint8_t in_port, uint32_t frame_bytes)
{
    (void)in_port;
    return mmu_taildrop_admit(m, port, tc, frame_bytes);
}

static bool
taildrop_release(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    (void)port;
    (void)tc;
    (void)in_port;
    return mmu_taildrop_release(m, frame_bytes);
}

const struct mmu_class mmu_taildrop = {
    .name = "taildrop",
    .admit = taildrop_admit,
    .release = taildrop_release,
};
