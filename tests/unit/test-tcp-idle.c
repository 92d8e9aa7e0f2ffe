/* TCP's window restart after idle (tcp.slow_start_after_idle; RFC 5681
 * 4.1, RFC 2861, Linux's tcp_cwnd_restart()) on a storage session: an
 * NVMe/TCP job whose I/Os are further apart than several RTOs.  The
 * target's stream (target to initiator, which carries each 1 MiB read's
 * data) is sampled every microsecond; its window is compared before and
 * after the idle period, with the key on and off. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "scenario/scenario.h"
#include "tap.h"
#include "transport/flow.h"
#include "transport/transport.h"
#include "world/world.h"

/* Two hosts under one leaf, 100 Gb/s and 10 us a link (a
 * window of 44 segments is less than the 0.5 MB path).  rcv_buf 64 KiB:
 * storage starts its sessions with the receive buffer's worth of
 * segments, 65536 / 1460 = 44 (above init_cwnd's 10), and the window
 * can grow past that only while it limits the sender (a segment or two
 * beyond the receive window).  min_rto 1ms: a session's RTO is 1 ms
 * (its RTT is 40 us).  rate 100: the second read is issued 10 ms
 * after the first, which is over in about 1 ms (16 windows of 64 KiB a
 * round trip), so the target's stream idles for more than 4 RTOs. */
static const char scenario_fmt[] =
    "topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 2,\n"
    "           server_link: {rate: 100Gbps, delay: 10us}}\n"
    "tcp: {min_rto: 1ms, rcv_buf: 64KiB, slow_start_after_idle: %s}\n"
    "storage: {jobs: [{initiator: h0, target: h1, protocol: nvme-tcp,\n"
    "                  bs: 1MiB, rate: 100, count: 2}]}\n";

#define MSS 1460
#define SECOND_IO_PS (10 * PS_PER_MS)

struct probe {
    struct net *net;
    uint64_t before;          /* cwnd at the last sample before the second read. */
    uint64_t after_min;       /* Its least from then on. */
    uint64_t rto_ps;          /* The RTO when the idle period began. */
    uint64_t last_tx_ps;      /* When the stream last had data in flight
                               * before the second read. */
};

/* The target's stream: the storage flow from h1 (host 1) over TCP. */
static const struct flow *
target_stream(struct net *net)
{
    struct edge *e = edge_of(net);
    for (uint32_t i = e->n_flows; i < e->n_flows + 2; i++)
        if (e->flows[i].transport == &transport_tcp &&
            e->flows[i].src == 1 && e->flows[i].tp)
            return &e->flows[i];
    return NULL;
}

static void
sample(struct sim *s, void *obj, uint64_t arg)
{
    struct probe *p = obj;
    (void)arg;
    const struct flow *f = target_stream(p->net);
    struct tcp_sample t;
    if (f && tcp_sample(f, &t)) {
        if (s->now_ps < SECOND_IO_PS) {
            p->before = t.cwnd_bytes;
            p->rto_ps = t.rto_ps;
            if (t.inflight_bytes)
                p->last_tx_ps = s->now_ps;
        } else if (!p->after_min || t.cwnd_bytes < p->after_min) {
            p->after_min = t.cwnd_bytes;
        }
    }
    if (s->now_ps < SECOND_IO_PS + PS_PER_MS)
        sim_call(s, s->now_ps + PS_PER_US, sample, p, 0);
}

/* Runs the scenario with the key ON ("true"/"false") into *P. */
static bool
run(const char *dir, const char *on, struct probe *p)
{
    char path[128], text[sizeof scenario_fmt + 16];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, on);
    snprintf(text, sizeof text, scenario_fmt, on);
    struct scenario scn;
    struct world *world = tap_world(path, text, &scn);
    if (!world)
        return false;
    memset(p, 0, sizeof *p);
    p->net = world_net(world);
    sim_call(&p->net->sim, 0, sample, p, 0);
    sim_run(&p->net->sim, NULL, NULL);
    world_destroy(world);
    scenario_free(&scn);
    unlink(path);
    return true;
}

int
main(void)
{
    char dir[] = "/tmp/dcsim-test-tcp-idle-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    struct probe on, off;
    if (!ok(run(dir, "true", &on) && run(dir, "false", &off),
            "both runs build and run")) {
        rmdir(dir);
        return done_testing();
    }

    /* The restart window: min(initial window, cwnd), the session's
     * initial window being 44 segments.  Idle from the first read's last
     * ACK to the second read's data, K whole RTOs beyond the first:
     * cwnd halves K times, but not below the restart window. */
    uint64_t init = (65536 / MSS) * MSS;
    uint64_t restart = on.before < init ? on.before : init;
    uint64_t idle = SECOND_IO_PS - on.last_tx_ps;
    uint64_t cwnd = on.before;
    for (uint64_t d = idle; d > on.rto_ps && cwnd > restart; d -= on.rto_ps)
        cwnd >>= 1;
    uint64_t want = cwnd > restart ? cwnd : restart;
    diag("before the idle period cwnd %" PRIu64 " B (%.1f segments), RTO "
         "%.3f ms, idle at least %.3f ms",
         on.before, (double)on.before / MSS, (double)on.rto_ps / 1e9,
         (double)idle / 1e9);
    diag("restart window %" PRIu64 " B; expected cwnd %" PRIu64
         " B, got %" PRIu64 " B (key off: %" PRIu64 " B)",
         restart, want, on.after_min, off.after_min);
    ok(on.before > init,
       "the window grew past the session's initial window (%" PRIu64
       " > %" PRIu64 ")", on.before, init);
    ok(idle > 4 * on.rto_ps, "the stream idled for more than 4 RTOs");
    is_u64(on.after_min, want,
           "slow_start_after_idle: the window restarts at min(initial "
           "window, cwnd)");
    is_u64(off.before, on.before, "the same window before the idle period");
    is_u64(off.after_min, off.before,
           "slow_start_after_idle false: the window is kept");
    rmdir(dir);
    return done_testing();
}
