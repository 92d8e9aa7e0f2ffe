/* The `faults` section (docs/scenario.md, "faults"): loss and reordering
 * injected at every switch, into struct fault_spec
 * (fabric/fabric-spec.h). */

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

#define PROB "a probability in [0, 1)"

static const struct key fault_keys[] = {
    { "loss", KEY_FRACTION, offsetof(struct fault_spec, loss),
      .hi = 0.999999, .form = PROB, .dflt = "0",
      .help = "Probability that a packet is dropped at a switch." },
    { "reorder", KEY_FRACTION, offsetof(struct fault_spec, reorder),
      .hi = 0.999999, .form = PROB, .dflt = "0",
      .help = "Probability that a packet is held back by reorder_delay." },
    { "reorder_delay", KEY_DURATION,
      offsetof(struct fault_spec, reorder_delay_ps), .min = 1,
      .note = "required with reorder", .help = "How long." },
};

const struct key_section scn_faults_keys = KEY_SECTION("faults", fault_keys);

bool
scn_parse_faults(struct ctx *c, const struct ynode *map, struct fault_spec *f)
{
    const struct key_section *sec = &scn_faults_keys;
    if (!read_keyed(c, map, "faults", sec,
                    "a mapping of fault probabilities", f))
        return false;
    if (f->reorder > 0 && !f->reorder_delay_ps)
        return require_key(c, map, "faults", "reorder_delay");
    return true;
}
