/* Switch memory management: buffer admission.
 *
 * Every packet entering an egress queue of a switch asks the switch's MMU
 * first; a refused packet is dropped with the reason the MMU gives.  The
 * MMU is told when a packet leaves so it can release buffer.  Issue 2's
 * MMU is "taildrop" (mmu-taildrop.c): a per-queue limit and an optional
 * whole-switch limit.  A shared-buffer MMU with dynamic thresholds and PFC
 * headroom plugs in through mmu-provider.h. */
#ifndef DCSIM_MMU_H
#define DCSIM_MMU_H 1

#include <stdint.h>

#include "fabric/drop.h"

struct port;
struct mmu_class;

struct mmu {
    const struct mmu_class *class;
    uint64_t queue_limit_bytes;  /* Per egress queue. */
    uint64_t buffer_bytes;       /* Whole switch; 0 = unlimited. */
    uint64_t used_bytes;         /* Frame bytes held now. */
    uint64_t max_used_bytes;
};

void mmu_init(struct mmu *, const char *class_name, uint64_t queue_limit_bytes,
              uint64_t buffer_bytes);

/* Returns -1 if a frame of FRAME_BYTES may join queue TC of PORT (and
 * charges it), else the enum drop_reason to drop it with. */
int mmu_admit(struct mmu *, const struct port *, uint8_t tc,
              uint32_t frame_bytes);
/* A frame of FRAME_BYTES left queue TC of PORT. */
void mmu_release(struct mmu *, const struct port *, uint8_t tc,
                 uint32_t frame_bytes);

#endif
