/* The `pfc` section (docs/scenario.md, "pfc"): IEEE 802.1Qbb priority
 * flow control and its watchdog, into struct pfc_spec
 * (fabric/fabric-spec.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* Defaults: XON 3 KiB below XOFF (HPCC switch-mmu.cc resume_offset), the
 * largest pause time, and SONiC pfcwd's 200 ms detection and
 * restoration with action drop.  `enabled` is true once the section is
 * there (PFC is off without it), and so is the watchdog's once its
 * mapping is. */
#define P(F) offsetof(struct pfc_spec, F)
static const struct key pfc_keys[] = {
    { "enabled", KEY_BOOL, P(enabled), .note = "true with a pfc section",
      .help = "PFC on or off." },
    { "headroom", KEY_CUSTOM,
      .what = "auto, ns3, or size > 0, at most 4294967295B", .note = "auto",
      .help = "Headroom per (switch port, lossless class); auto: the "
              "delay model's; ns3: 3 x rate x propagation." },
    { "xoff", KEY_SIZE_AUTO, P(xoff_bytes), .word = "dynamic",
      .dflt = "dynamic",
      .help = "Pause threshold of an ingress priority group." },
    { "xon_offset", KEY_SIZE, P(xon_offset_bytes), .dflt = "3KiB",
      .help = "Resume this far below the pause threshold." },
    { "quanta", KEY_U16, P(quanta), 1, 65535, .dflt = "65535",
      .help = "Pause time sent, in quanta of 512 bit times." },
    { "response", KEY_CUSTOM, .what = "auto, or duration", .note = "auto",
      .help = "Pause frame arrival to transmission stop; auto: 802.1Qbb's "
              "by link rate." },
    { "alpha_by_rate", KEY_BOOL, P(alpha_by_rate), .dflt = "false",
      .help = "Ports faster than the NICs double alpha per factor of two, "
              "up to 1." },
    { "watchdog", KEY_CUSTOM, .what = "mapping", .note = "off",
      .help = "PFC storm watchdog; its presence turns it on." },
};

static const struct key watchdog_keys[] = {
    { "enabled", KEY_BOOL, P(watchdog), .note = "true with a watchdog "
      "mapping", .help = "The watchdog on or off." },
    { "detection", KEY_DURATION, P(wd_detect_ps), 1, .dflt = "200ms",
      .help = "A class paused this long with packets waiting is stormed." },
    { "restoration", KEY_DURATION, P(wd_restore_ps), 1, .dflt = "200ms",
      .help = "A stormed class returns after this long without a pause." },
    { "action", KEY_CUSTOM, .what = "drop, forward", .note = "drop",
      .help = "Drop the stormed queue's packets, or ignore pauses." },
};
#undef P

const struct key_section scn_pfc_keys = KEY_SECTION("pfc", pfc_keys);
const struct key_section scn_pfc_watchdog_keys =
    KEY_SECTION("pfc.watchdog", watchdog_keys);

static bool
parse_pfc_watchdog(struct ctx *c, const struct ynode *map,
                   struct pfc_spec *p)
{
    const struct key_section *sec = &scn_pfc_watchdog_keys;
    static const char *const actions[] = { "drop", "forward" };
    p->watchdog = true;
    if (!read_keyed(c, map, "pfc.watchdog", sec,
                    "a mapping of PFC watchdog settings", p))
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

/* An unquoted scalar N that is WORD. */
static bool
is_word(const struct ynode *n, const char *word)
{
    return n->kind == YNODE_SCALAR && !n->quoted && !strcmp(n->text, word);
}

/* pfc.headroom: auto, ns3 (the HPCC simulator's third.cc), or a size
 * that fits the MMU's 32-bit counters. */
static bool
read_headroom(struct ctx *c, const struct ynode *n, struct pfc_spec *p)
{
    p->headroom_bytes = 0;
    p->headroom_ns3 = is_word(n, "ns3");
    if (p->headroom_ns3 || is_word(n, "auto"))
        return true;
    return read_size_max(c, n, "pfc.headroom", true, UINT32_MAX,
                         "4294967295B: a port's headroom is counted in 32 "
                         "bits",
                         &p->headroom_bytes);
}

/* pfc.response: auto, or a duration, zero included (the pause then
 * stops the class as it arrives, as in the HPCC simulator). */
static bool
read_response(struct ctx *c, const struct ynode *n, struct pfc_spec *p)
{
    if (is_word(n, "auto")) {
        p->response_ps = PFC_RESPONSE_AUTO;
        return true;
    }
    return read_duration(c, n, "pfc.response", false, 0, NULL,
                         &p->response_ps);
}

bool
scn_parse_pfc(struct ctx *c, const struct ynode *map, struct pfc_spec *p)
{
    const struct key_section *sec = &scn_pfc_keys;
    p->enabled = true;
    if (!need_keyed(c, map, "pfc", sec, "a mapping of PFC settings"))
        return false;
    const struct ynode *hr = ytree_get(map, "headroom");
    if (hr && !read_headroom(c, hr, p))
        return false;
    if (!keys_read(c, map, "pfc", sec, 0, p))
        return false;
    const struct ynode *rs = ytree_get(map, "response");
    if (rs && !read_response(c, rs, p))
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
    const struct ynode *n = ytree_get(map, "watchdog");
    return !n || parse_pfc_watchdog(c, n, p);
}
