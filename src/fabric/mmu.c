/* MMU registry and call wrappers; see mmu.h. */
#include "fabric/mmu.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/mmu-provider.h"
#include "sim/util.h"

static const struct mmu_class *const mmu_table[] = {
    &mmu_taildrop,
    &mmu_shared,
};

size_t
mmu_count(void)
{
    return ARRAY_SIZE(mmu_table);
}

const char *
mmu_name(size_t i)
{
    return mmu_table[i]->name;
}

void
mmu_init(struct mmu *m, const char *class_name, uint64_t queue_limit_bytes,
         uint64_t buffer_bytes)
{
    memset(m, 0, sizeof *m);
    for (size_t i = 0; i < ARRAY_SIZE(mmu_table); i++)
        if (!strcmp(mmu_table[i]->name, class_name))
            m->class = mmu_table[i];
    sim_assert(m->class != NULL);
    m->queue_limit_bytes = queue_limit_bytes;
    m->buffer_bytes = buffer_bytes;
}

void
mmu_free(struct mmu *m)
{
    free(m->headroom);
    m->pg = NULL;
    m->headroom = NULL;
}
