/* The `host` section (docs/scenario.md, "host"): the NICs' scheduler,
 * VLAN tag, receive drain rate and buffer, and the receive stall, into
 * struct host_spec (host/host-spec.h). */
#include <stdlib.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* The hosts' NICs.  *H starts as a copy of the switches' settings. */
/* host.rx_stall's times; its hosts are resolved once the graph exists
 * (scn_resolve_stall()). */
/* Host keys.  The scheduler and ETS classes start as the switches'
 * (scenario.c); the rest is off unless given. */
#define H(F) offsetof(struct host_spec, F)
static const struct key host_keys[] = {
    { "scheduler", KEY_CUSTOM, .what = "strict, ets",
      .note = "switch.scheduler", .help = "As switch.scheduler, for every "
      "host port." },
    { "ets", KEY_CUSTOM, .what = "mapping", .note = "switch.ets",
      .help = "As switch.ets; keys given replace the switches'." },
    { "vlan", KEY_U16, H(vid), 0, 4094, .note = "none (untagged)",
      .help = "Tag every frame with this 802.1Q VLAN id." },
    { "rx_rate", KEY_RATE, H(rx_rate_bps), .note = "none",
      .help = "Rate at which every NIC hands received frames to the host." },
    { "rx_buffer", KEY_SIZE, H(rx_buffer_bytes), 1,
      .note = "required with rx_rate", .help = "The NIC's receive buffer." },
    { "rx_stall", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "Hosts whose NICs hand nothing to the host for a while." },
};

static const struct key stall_keys[] = {
    { "hosts", KEY_CUSTOM, .what = "non-empty list of host names",
      .note = "required", .help = "The stalled hosts." },
    { "start", KEY_DURATION, H(stall_start_ps), .dflt = "0",
      .help = "When the stall begins." },
    { "duration", KEY_DURATION, H(stall_ps), 1, .note = "required",
      .help = "How long it lasts." },
};
#undef H

const struct key_section scn_host_keys = KEY_SECTION("host", host_keys);
const struct key_section scn_stall_keys =
    KEY_SECTION("host.rx_stall", stall_keys);

static bool
parse_rx_stall(struct ctx *c, const struct ynode *map, struct host_spec *h)
{
    static const char *const required[] = { "hosts", "duration" };
    const struct ynode *n;
    if (!need_keyed(c, map, "host.rx_stall", &scn_stall_keys,
                    "a mapping with hosts, start and duration") ||
        !require_keys(c, map, "host.rx_stall", required,
                      ARRAY_SIZE(required)) ||
        !keys_read(c, map, "host.rx_stall", &scn_stall_keys, 0, h))
        return false;
    n = ytree_get(map, "hosts");
    return need_sequence(c, n, "host.rx_stall.hosts", true,
                         "a non-empty list of host names");
}

/* IB: the receive buffer is ib.vl_buffer per VL (host.rx_buffer is
 * refused, see ib_refused). */
bool
scn_parse_host(struct ctx *c, const struct ynode *map, struct host_spec *h,
               bool ib)
{
    /* vlan after the others, the order in which errors have always
     * come. */
    static const char *const first[] = { "rx_rate", "rx_buffer" };
    if (!need_keyed(c, map, "host", &scn_host_keys,
                    "a mapping of host parameters") ||
        !scn_parse_scheduler(c, map, "host", &h->scheduler, &h->ets) ||
        !keys_read_first(c, map, "host", &scn_host_keys, 0, h, first,
                         ARRAY_SIZE(first)))
        return false;
    h->vlan = ytree_get(map, "vlan") != NULL;
    /* The buffer and the stall mean nothing without a drain rate, and a
     * drain rate needs a buffer to drain. */
    static const char *const needs_rate[] = { "rx_buffer", "rx_stall" };
    for (size_t i = 0; i < ARRAY_SIZE(needs_rate); i++)
        if (ytree_get(map, needs_rate[i]) && !h->rx_rate_bps)
            return require_key(c, map, "host", "rx_rate");
    if (h->rx_rate_bps && !h->rx_buffer_bytes && !ib)
        return require_key(c, map, "host", "rx_buffer");
    if (h->rx_rate_bps && !ib) {
        const struct ymark *m = &ytree_pair(map, "rx_buffer")->key_mark;
        h->rx_loc = (struct src_loc){ m->line, m->col };
    }
    const struct ynode *n = ytree_get(map, "rx_stall");
    return !n || parse_rx_stall(c, n, h);
}

bool
scn_resolve_stall(struct ctx *c, const struct ynode *root,
                  struct scenario *scn)
{
    const struct ynode *host = ytree_get(root, "host");
    const struct ynode *st = host ? ytree_get(host, "rx_stall") : NULL;
    if (!st)
        return true;
    const struct ynode *seq = ytree_get(st, "hosts");
    struct host_spec *h = &scn->host;
    h->stall_hosts = xcalloc(seq->n_items, sizeof *h->stall_hosts);
    for (size_t i = 0; i < seq->n_items; i++) {
        char sub[PATH_BYTES];
        path_index(sub, "host.rx_stall.hosts", i);
        if (!need_scalar(c, seq->items[i], sub, "a host name") ||
            !scn_resolve_host(c, scn, seq->items[i], sub, &h->stall_hosts[i]))
            return false;
        h->n_stall_hosts++;
    }
    return true;
}
