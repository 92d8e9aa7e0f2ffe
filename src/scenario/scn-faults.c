/* The `faults` section (docs/scenario.md, "faults"): loss and reordering
 * injected at every switch, into struct fault_spec
 * (fabric/fabric-spec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

bool
scn_parse_faults(struct ctx *c, const struct ynode *map, struct fault_spec *f)
{
    static const char *const keys[] = { "loss", "reorder", "reorder_delay" };
    static const char prob[] = "a probability in [0, 1)";
    if (!need_mapping(c, map, "faults", "a mapping of fault probabilities") ||
        !check_keys(c, map, "in faults", keys, ARRAY_SIZE(keys)) ||
        !get_fraction(c, map, "faults", "loss", 0, false, 0.999999, prob,
                  &f->loss) ||
        !get_fraction(c, map, "faults", "reorder", 0, false, 0.999999, prob,
                  &f->reorder) ||
        !get_duration(c, map, "faults", "reorder_delay", true,
                      &f->reorder_delay_ps))
        return false;
    if (f->reorder > 0 && !f->reorder_delay_ps)
        return require_key(c, map, "faults", "reorder_delay");
    return true;
}
