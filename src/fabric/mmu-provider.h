/* Contract for MMU implementations (see mmu.h).  Registered by name in
 * the table in mmu.c. */
#ifndef DCSIM_MMU_PROVIDER_H
#define DCSIM_MMU_PROVIDER_H 1

#include <stdbool.h>
#include <stdint.h>

struct mmu;
struct port;

struct mmu_class {
    const char *name;  /* Required. */
    /* Decide whether a frame that entered by IN_PORT may be queued at
     * queue TC of PORT; on yes, account for it and return MMU_ADMITTED,
     * or MMU_ADMITTED_PAUSE if TC is lossless and its ingress group is
     * past XOFF and not held after it (mmu.h), else return an enum
     * drop_reason.  Required.  Called on every enqueue, so it must be
     * cheap. */
    int (*admit)(struct mmu *, const struct port *, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes);
    /* Give back what admit() charged; return true if TC is lossless and
     * its ingress group is held and back at XON after it.  Required. */
    bool (*release)(struct mmu *, const struct port *, uint8_t tc,
                    uint8_t in_port, uint32_t frame_bytes);
};

extern const struct mmu_class mmu_taildrop;
extern const struct mmu_class mmu_shared;

#endif
