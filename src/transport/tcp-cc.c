/* TCP congestion control: the registry, Reno's window growth and
 * NewReno.  CUBIC and DCTCP are in their own files. */
#include <string.h>

#include "sim/util.h"
#include "transport/tcp.h"
#include "transport/transport.h"

/* The first is the default (`tcp.cc`). */
static const struct tcp_cc_class *const cc_table[] = {
    &tcp_cc_newreno,
    &tcp_cc_cubic,
    &tcp_cc_dctcp,
};

const struct tcp_cc_class *
tcp_cc_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(cc_table); i++)
        if (!strcmp(cc_table[i]->name, name))
            return cc_table[i];
    return NULL;
}

size_t
tcp_cc_count(void)
{
    return ARRAY_SIZE(cc_table);
}

const char *
tcp_cc_name(size_t i)
{
    return cc_table[i]->name;
}

/* Slow start grows cwnd by the bytes acknowledged, as Linux does
 * (tcp_slow_start(); RFC 3465 with no limit L), up to ssthresh; the rest
 * of the ACK counts toward congestion avoidance: one MSS per cwnd of
 * bytes acknowledged (RFC 5681 3.1, byte counting). */
void
tcp_reno_cong_avoid(struct tcp_conn *c, uint64_t acked)
{
    if (c->cwnd < c->ssthresh) {
        uint64_t room = c->ssthresh - c->cwnd;
        if (acked <= room) {
            c->cwnd += acked;
            return;
        }
        c->cwnd = c->ssthresh;
        acked -= room;
    }
    c->cwnd_cnt += acked;
    while (c->cwnd_cnt >= c->cwnd) {
        c->cwnd_cnt -= c->cwnd;
        c->cwnd += c->mss;
    }
}

static void
newreno_init(struct tcp_conn *c)
{
    (void)c;
}

/* Half the window, at least two segments (RFC 5681 eq. 4, on cwnd as
 * Linux's tcp_reno_ssthresh() does, rather than the flight size). */
static uint64_t
newreno_ssthresh(struct tcp_conn *c, enum tcp_cut why)
{
    (void)why;
    uint64_t half = c->cwnd / 2, floor = 2 * (uint64_t)c->mss;
    return half > floor ? half : floor;
}

const struct tcp_cc_class tcp_cc_newreno = {
    .name = "newreno",
    .init = newreno_init,
    .cong_avoid = tcp_reno_cong_avoid,
    .ssthresh = newreno_ssthresh,
};
