/* Strict priority: the highest eligible traffic class always goes first
 * (IEEE 802.1Q 8.6.8.1, strict priority transmission selection). */
#include "fabric/sched-provider.h"

static int
strict_pick(struct port *port, uint8_t eligible)
{
    (void)port;
    return sched_strict_highest(eligible);
}

const struct sched_class sched_strict = {
    .name = "strict",
    .pick = strict_pick,
};
