/* Contract for MMU implementations (see mmu.h).  Registered by name in
 * the table in mmu.c. */
#ifndef DCSIM_MMU_PROVIDER_H
#define DCSIM_MMU_PROVIDER_H 1

#include <stdint.h>

struct mmu;
struct port;

struct mmu_class {
    const char *name;  /* Required. */
    /* Decide whether a frame may be queued; on yes, account for it and
     * return -1, else return an enum drop_reason.  Required.  Called on
     * every enqueue, so it must be cheap. */
    int (*admit)(struct mmu *, const struct port *, uint8_t tc,
                 uint32_t frame_bytes);
    /* Give back what admit() charged.  Required. */
    void (*release)(struct mmu *, const struct port *, uint8_t tc,
                    uint32_t frame_bytes);
};

extern const struct mmu_class mmu_taildrop;

#endif
