/* The `tcp` section and a traffic entry's `tcp` mapping (docs/scenario.md,
 * "tcp") into struct tcp_spec (transport/transport-spec.h). */
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
#include "transport/transport.h"

bool
scn_parse_tcp(struct ctx *c, const struct ynode *map, const char *path,
          struct tcp_spec *t)
{
    static const char *const keys[] = {
        "cc", "ecn", "handshake", "init_cwnd", "min_rto", "init_rto",
        "max_rto", "max_retries", "delayed_ack", "delayed_ack_timeout",
        "quickack", "ack_jitter", "rcv_buf", "dupack_threshold", "dctcp_g",
    };
    char where[PATH_BYTES + 8], sub[PATH_BYTES];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of TCP parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    const struct ynode *n = ytree_get(map, "cc");
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(tcp_cc_count, tcp_cc_name, names), i;
        path_key(sub, path, "cc");
        if (!read_choice(c, n, sub, names, k, &i))
            return false;
        t->cc = names[i];
    }
    if (!get_bool(c, map, path, "ecn", &t->ecn) ||
        !get_bool(c, map, path, "handshake", &t->handshake) ||
        !get_u32(c, map, path, "init_cwnd", 1, 1u << 20, &t->init_cwnd) ||
        !get_duration(c, map, path, "min_rto", true, &t->min_rto_ps) ||
        !get_duration(c, map, path, "init_rto", true, &t->init_rto_ps) ||
        !get_duration(c, map, path, "max_rto", true, &t->max_rto_ps) ||
        !get_u32(c, map, path, "max_retries", 1, 1000, &t->max_retries) ||
        !get_u32(c, map, path, "delayed_ack", 1, 64, &t->delack_segs) ||
        !get_u32(c, map, path, "quickack", 0, 1u << 20, &t->quickacks) ||
        !get_duration(c, map, path, "ack_jitter", false,
                      &t->ack_jitter_ps) ||
        !get_duration(c, map, path, "delayed_ack_timeout", true,
                      &t->delack_ps) ||
        !get_size(c, map, path, "rcv_buf", true, &t->rcv_buf_bytes) ||
        !get_u32(c, map, path, "dupack_threshold", 1, 1000,
                 &t->dupack_thresh) ||
        !get_fraction(c, map, path, "dctcp_g", 0, true, 1,
                  "a real number in (0, 1], e.g. 0.0625", &t->dctcp_g))
        return false;
    /* A window larger than 2^30 cannot be advertised (RFC 7323 2.3). */
    if (t->rcv_buf_bytes > (UINT64_C(1) << 30)) {
        path_key(sub, path, "rcv_buf");
        return fail_value(c, ytree_get(map, "rcv_buf"), sub,
                          "larger than the 1 GiB TCP window limit",
                          "a size of at most 1GiB");
    }
    if (t->min_rto_ps > t->max_rto_ps) {
        const char *key = ytree_get(map, "min_rto") ? "min_rto" : "max_rto";
        path_key(sub, path, key);
        return fail_value(c, ytree_get(map, key), sub,
                          "min_rto is greater than max_rto",
                          "min_rto <= max_rto");
    }
    return true;
}
