/* The `pfc` section (docs/scenario.md, "pfc"): IEEE 802.1Qbb priority
 * flow control and its watchdog, into struct pfc_spec
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

static bool
parse_pfc_watchdog(struct ctx *c, const struct ynode *map,
                   struct pfc_spec *p)
{
    static const char *const keys[] = {
        "enabled", "detection", "restoration", "action",
    };
    static const char *const actions[] = { "drop", "forward" };
    p->watchdog = true;
    if (!need_mapping(c, map, "pfc.watchdog",
                      "a mapping of PFC watchdog settings") ||
        !check_keys(c, map, "in pfc.watchdog", keys, ARRAY_SIZE(keys)) ||
        !get_bool(c, map, "pfc.watchdog", "enabled", &p->watchdog) ||
        !get_duration(c, map, "pfc.watchdog", "detection", true,
                      &p->wd_detect_ps) ||
        !get_duration(c, map, "pfc.watchdog", "restoration", true,
                      &p->wd_restore_ps))
        return false;
    const struct ynode *n = ytree_get(map, "action");
    size_t i;
    if (n) {
        if (!read_choice(c, n, "pfc.watchdog.action", actions, 2, &i))
            return false;
        p->wd_action = (enum pfc_wd_action)i;
    }
    return true;
}

bool
scn_parse_pfc(struct ctx *c, const struct ynode *map, struct pfc_spec *p)
{
    static const char *const keys[] = {
        "enabled", "headroom", "xoff", "xon_offset", "quanta", "response",
        "watchdog",
    };
    uint32_t quanta = p->quanta;
    p->enabled = true;
    if (!need_mapping(c, map, "pfc", "a mapping of PFC settings") ||
        !check_keys(c, map, "in pfc", keys, ARRAY_SIZE(keys)) ||
        !get_bool(c, map, "pfc", "enabled", &p->enabled) ||
        !get_auto(c, map, "pfc", "headroom", "auto", false,
                  &p->headroom_bytes) ||
        !get_auto(c, map, "pfc", "xoff", "dynamic", false, &p->xoff_bytes) ||
        !get_size(c, map, "pfc", "xon_offset", false,
                  &p->xon_offset_bytes) ||
        !get_u32(c, map, "pfc", "quanta", 1, 65535, &quanta) ||
        !get_auto(c, map, "pfc", "response", "auto", true, &p->response_ps))
        return false;
    /* A static XON is XOFF - xon_offset; below zero, a priority group
     * would never be resumed (the dynamic threshold resumes an empty
     * group whatever the offset). */
    if (p->xoff_bytes && p->xon_offset_bytes > p->xoff_bytes) {
        const struct ynode *off = ytree_get(map, "xon_offset");
        char why[96];
        if (off) {
            snprintf(why, sizeof why,
                     "above pfc.xoff, %" PRIu64 " B: XON would be below 0",
                     p->xoff_bytes);
            return fail_value(c, off, "pfc.xon_offset", why,
                              "a size not above pfc.xoff");
        }
        snprintf(why, sizeof why,
                 "below pfc.xon_offset, %" PRIu64 " B by default",
                 p->xon_offset_bytes);
        return fail_value(c, ytree_get(map, "xoff"), "pfc.xoff", why,
                          "dynamic, or a size not below pfc.xon_offset");
    }
    p->quanta = (uint16_t)quanta;
    const struct ynode *n = ytree_get(map, "watchdog");
    return !n || parse_pfc_watchdog(c, n, p);
}
