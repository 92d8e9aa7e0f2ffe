/* The `tcp` section and a traffic entry's `tcp` mapping (docs/scenario.md,
 * "tcp") into struct tcp_spec (transport/transport-spec.h). */
#include <stdio.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "transport/transport.h"

/* Defaults: RFC 6928 (init_cwnd), RFC 6298 2.1 (init_rto), RFC 5681 4.2
 * and 3.2 (delayed_ack, dupack_threshold), RFC 8257 4.2 (dctcp_g), and
 * Linux's TCP_RTO_MIN, TCP_RTO_MAX, tcp_retries2, TCP_MAX_QUICKACKS,
 * TCP_DELACK_MIN, tcp_rmem[2] and net.ipv4.tcp_slow_start_after_idle
 * for the rest.  `cc`'s is the first
 * registered algorithm (scenario_defaults()). */
#define T(F) offsetof(struct tcp_spec, F)
static const struct key tcp_keys[] = {
    { "cc", KEY_CUSTOM, .what = "newreno, cubic, dctcp", .note = "newreno",
      .help = "Congestion control (tcp_cc_find() names)." },
    { "ecn", KEY_BOOL, T(ecn), .dflt = "false",
      .help = "Negotiate ECN (RFC 3168); always on with dctcp." },
    { "handshake", KEY_BOOL, T(handshake), .dflt = "false",
      .help = "Open with SYN, SYN-ACK before data." },
    { "init_cwnd", KEY_U32, T(init_cwnd), 1, 1u << 20, .dflt = "10",
      .help = "Initial window in segments." },
    { "min_rto", KEY_DURATION, T(min_rto_ps), 1, .dflt = "200ms",
      .help = "Floor of the retransmission timeout." },
    { "init_rto", KEY_DURATION, T(init_rto_ps), 1, .dflt = "1s",
      .help = "RTO before the first RTT sample." },
    { "max_rto", KEY_DURATION, T(max_rto_ps), 1, .dflt = "120s",
      .help = "Ceiling of the backed-off RTO, >= min_rto." },
    { "max_retries", KEY_U32, T(max_retries), 1, 1000, .dflt = "15",
      .help = "Timeouts in a row before the connection is abandoned." },
    { "delayed_ack", KEY_U32, T(delack_segs), 1, 64, .dflt = "2",
      .help = "Acknowledge every Nth in-order segment." },
    { "delayed_ack_timeout", KEY_DURATION, T(delack_ps), 1, .dflt = "40ms",
      .help = "Longest an in-order segment waits for its ACK." },
    { "quickack", KEY_U32, T(quickacks), 0, 1u << 20, .dflt = "16",
      .help = "Segments acknowledged at once at a connection's start." },
    { "ack_jitter", KEY_DURATION, T(ack_jitter_ps), .dflt = "0",
      .help = "ACKs leave after a uniform random 0..this delay." },
    { "rcv_buf", KEY_SIZE, T(rcv_buf_bytes), 1, .dflt = "6291456",
      .help = "Receive buffer (largest window), at most 1GiB." },
    { "dupack_threshold", KEY_U32, T(dupack_thresh), 1, 1000, .dflt = "3",
      .help = "Duplicate ACKs that trigger fast retransmit." },
    { "dctcp_g", KEY_FRACTION, T(dctcp_g), .lo_open = true, .hi = 1,
      .form = "a real number in (0, 1], e.g. 0.0625", .dflt = "0.0625",
      .help = "DCTCP's alpha gain g." },
    { "slow_start_after_idle", KEY_BOOL, T(slow_start_after_idle),
      .dflt = "true",
      .help = "Restart the window after idling longer than the RTO." },
};
#undef T

const struct key_section scn_tcp_keys = KEY_SECTION("tcp", tcp_keys);

bool
scn_parse_tcp(struct ctx *c, const struct ynode *map, const char *path,
              struct tcp_spec *t)
{
    const struct key_section *sec = &scn_tcp_keys;
    char sub[PATH_BYTES];
    if (!need_keyed(c, map, path, sec, "a mapping of TCP parameters"))
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
    /* quickack and ack_jitter before delayed_ack_timeout, the order in
     * which errors have always come. */
    static const char *const first[] = {
        "ecn", "handshake", "init_cwnd", "min_rto", "init_rto", "max_rto",
        "max_retries", "delayed_ack", "quickack", "ack_jitter",
    };
    if (!keys_read_first(c, map, path, sec, 0, t, first, ARRAY_SIZE(first)))
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
