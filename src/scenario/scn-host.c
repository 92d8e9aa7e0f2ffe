/* The `host` section (docs/scenario.md, "host"): the NICs' scheduler,
 * VLAN tag, receive drain rate and buffer, and the receive stall, into
 * struct host_spec (host/host-spec.h). */
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

/* The hosts' NICs.  *H starts as a copy of the switches' settings. */
/* host.rx_stall's times; its hosts are resolved once the graph exists
 * (scn_resolve_stall()). */
static bool
parse_rx_stall(struct ctx *c, const struct ynode *map, struct host_spec *h)
{
    static const char *const keys[] = { "hosts", "start", "duration" };
    static const char *const required[] = { "hosts", "duration" };
    const struct ynode *n;
    if (!need_mapping(c, map, "host.rx_stall",
                      "a mapping with hosts, start and duration") ||
        !check_keys(c, map, "in host.rx_stall", keys, ARRAY_SIZE(keys)) ||
        !require_keys(c, map, "host.rx_stall", required,
                      ARRAY_SIZE(required)) ||
        !get_duration(c, map, "host.rx_stall", "start", false,
                      &h->stall_start_ps) ||
        !get_duration(c, map, "host.rx_stall", "duration", true,
                      &h->stall_ps))
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
    static const char *const keys[] = {
        "scheduler", "ets", "vlan", "rx_rate", "rx_buffer", "rx_stall",
    };
    uint32_t vid = UINT32_MAX;
    if (!need_mapping(c, map, "host", "a mapping of host parameters") ||
        !check_keys(c, map, "in host", keys, ARRAY_SIZE(keys)) ||
        !scn_parse_scheduler(c, map, "host", &h->scheduler, &h->ets) ||
        !get_rate(c, map, "host", "rx_rate", false, &h->rx_rate_bps) ||
        !get_size(c, map, "host", "rx_buffer", true, &h->rx_buffer_bytes) ||
        !get_u32(c, map, "host", "vlan", 0, 4094, &vid))
        return false;
    if (vid != UINT32_MAX) {
        h->vlan = true;
        h->vid = (uint16_t)vid;
    }
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
scn_resolve_stall(struct ctx *c, const struct ynode *root, struct scenario *scn)
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
