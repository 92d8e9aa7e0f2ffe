/* Tail drop: a frame is refused when its egress queue would exceed the
 * per-queue limit, or the switch as a whole would exceed its buffer.
 * This is the static-threshold buffer of ns-3's DropTailQueue and of
 * htsim's queues; it has no sharing between queues beyond the common
 * total. */
#include "fabric/mmu-provider.h"
#include "fabric/mmu.h"
#include "fabric/port.h"

static int
taildrop_admit(struct mmu *m, const struct port *port, uint8_t tc,
               uint8_t in_port, uint32_t frame_bytes)
{
    (void)in_port;
    if (port_q(port, tc)->bytes + frame_bytes > m->queue_limit_bytes)
        return DROP_QUEUE_FULL;
    if (m->buffer_bytes && m->used_bytes + frame_bytes > m->buffer_bytes)
        return DROP_BUFFER_FULL;
    m->used_bytes += frame_bytes;
    if (m->used_bytes > m->max_used_bytes)
        m->max_used_bytes = m->used_bytes;
    return MMU_ADMITTED;
}

static bool
taildrop_release(struct mmu *m, const struct port *port, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes)
{
    (void)in_port;
    (void)port;
    (void)tc;
    m->used_bytes -= frame_bytes;
    return false;
}

const struct mmu_class mmu_taildrop = {
    .name = "taildrop",
    .admit = taildrop_admit,
    .release = taildrop_release,
};
