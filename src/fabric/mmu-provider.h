/* Contract for MMU implementations (see mmu.h).  Registered by name in
 * the table in mmu.c. */
#ifndef DCSIM_MMU_PROVIDER_H
#define DCSIM_MMU_PROVIDER_H 1

#include <stdint.h>

struct mmu;
struct port;

struct mmu_class {
    const char *name;  /* Required. */
    /* Decide whether a frame that entered by IN_PORT may be queued at
     * queue TC of PORT; on yes, account for it and return -1, else return
     * an enum drop_reason.  Required.  Called on every enqueue, so it
     * must be cheap. */
    int (*admit)(struct mmu *, const struct port *, uint8_t tc,
                 uint8_t in_port, uint32_t frame_bytes);
    /* Give back what admit() charged.  Required. */
    void (*release)(struct mmu *, const struct port *, uint8_t tc,
                    uint8_t in_port, uint32_t frame_bytes);
};

extern const struct mmu_class mmu_taildrop;
extern const struct mmu_class mmu_shared;

#endif
