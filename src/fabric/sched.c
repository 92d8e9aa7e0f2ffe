/* Scheduler registry; see sched.h. */
#include "fabric/sched.h"

#include <string.h>

#include "fabric/sched-provider.h"
#include "sim/util.h"

static const struct sched_class *const sched_table[] = {
    &sched_strict,
    &sched_ets,
};

const struct sched_class *
sched_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(sched_table); i++)
        if (!strcmp(sched_table[i]->name, name))
            return sched_table[i];
    return NULL;
}

size_t
sched_count(void)
{
    return ARRAY_SIZE(sched_table);
}

const char *
sched_name(size_t i)
{
    return sched_table[i]->name;
}

int
sched_pick_class(const struct sched_class *c, struct port *port,
                 uint8_t eligible)
{
    return c->pick(port, eligible);
}
