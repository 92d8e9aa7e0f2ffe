/* DCQCN on RDMA READ responses (transport/rdma.c, struct rdma_read_cc):
 * a READ-heavy incast.  Four initiators write 64 KiB blocks over
 * NVMe-oF/RDMA to one target; beyond in_capsule the target fetches each
 * block with an RDMA READ, so the four initiators' READ responses meet
 * at the leaf's port to the target, a 100 Gb/s link offered 400 Gb/s.
 * The responses are ECN-capable: the switch marks them (RED from 12 KB),
 * the target, their requester and notification point, sends CNPs to the
 * initiators, whose queue pairs are the reaction points and cut their
 * responses' rate.  The same run with rdma.cc none marks nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "scenario/scenario.h"
#include "storage/storage.h"
#include "tap.h"
#include "transport/flow.h"
#include "transport/transport.h"
#include "world/world.h"

static const char scenario_fmt[] =
    "stop: 20ms\n"
    "topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 5,\n"
    "           server_link: {rate: 100Gbps, delay: 1us}}\n"
    "switch:\n"
    "  buffer: 16MB\n"
    "  ecn: {mode: red, kmin: 12KB, kmax: 500KB, pmax: 0.01}\n"
    "pfc: {enabled: true}\n"
    "rdma: {cc: %s}\n"
    "storage:\n"
    "  jobs:\n"
    "    - {initiator: h0, target: h4, protocol: nvme-rdma, rw: write,\n"
    "       bs: 64KiB, iodepth: 16, count: 200, tc: 3}\n"
    "    - {initiator: h1, target: h4, protocol: nvme-rdma, rw: write,\n"
    "       bs: 64KiB, iodepth: 16, count: 200, tc: 3}\n"
    "    - {initiator: h2, target: h4, protocol: nvme-rdma, rw: write,\n"
    "       bs: 64KiB, iodepth: 16, count: 200, tc: 3}\n"
    "    - {initiator: h3, target: h4, protocol: nvme-rdma, rw: write,\n"
    "       bs: 64KiB, iodepth: 16, count: 200, tc: 3}\n";

/* What the storage streams' READ responses saw, summed over them. */
struct seen {
    uint64_t marked, cnps;
    uint32_t streams;        /* Streams whose responder was cut. */
    bool wrong_way;          /* A cut responder other than an initiator. */
    double min_rate_bps;
};

/* Runs the incast with rdma.cc CC; false if it would not build. */
static bool
run(const char *dir, const char *cc, struct seen *out)
{
    char path[128], text[sizeof scenario_fmt + 16];
    snprintf(path, sizeof path, "%s/%s.yaml", dir, cc);
    snprintf(text, sizeof text, scenario_fmt, cc);
    struct scenario scn;
    struct world *world = tap_world(path, text, &scn);
    if (!world)
        return false;
    struct net *net = world_net(world);
    sim_run(&net->sim, NULL, NULL);
    memset(out, 0, sizeof *out);
    out->min_rate_bps = 1e300;
    const struct edge *edge = &world->edge;
    uint32_t first, end;
    storage_flow_range(world->storage, &first, &end);
    for (uint32_t id = first; id < end; id++) {
        const struct flow *fl = &edge->flows[id];
        struct rdma_qp_sample q;
        if (!rdma_qp_sample(fl, &q) || !q.read_min_rate_bps)
            continue;
        out->marked += q.read_marked;
        out->cnps += q.read_cnps;
        if (q.read_min_rate_bps < 100e9) {
            out->streams++;
            /* The READ's requester is the target h4 (host 4), the stream's
             * source; its responder an initiator h0..h3. */
            out->wrong_way |= fl->src != 4 || fl->dst > 3;
        }
        if (q.read_min_rate_bps < out->min_rate_bps)
            out->min_rate_bps = q.read_min_rate_bps;
    }
    world_destroy(world);
    scenario_free(&scn);
    return true;
}

int
main(void)
{
    char dir[] = "/tmp/dcsim-test-read-cc-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    struct seen d, again, none;
    bool built = run(dir, "dcqcn", &d) && run(dir, "dcqcn", &again) &&
                 run(dir, "none", &none);
    if (!ok(built, "the incast builds and runs, with and without DCQCN"))
        return done_testing();
    diag("dcqcn: %llu READ responses marked, %llu CNPs to the responders, "
         "%u responders cut, lowest rate %.2f Gb/s",
         (unsigned long long)d.marked, (unsigned long long)d.cnps,
         d.streams, d.min_rate_bps / 1e9);
    ok(d.marked > 0, "the congested port marks READ responses (%llu)",
       (unsigned long long)d.marked);
    /* With the paper's preset a QP's NP sends at most one CNP per 50 us,
     * so fewer CNPs than marks, and each reaches its responder. */
    ok(d.cnps > 0 && d.cnps <= d.marked,
       "the requester sends CNPs to the responders (%llu, at most one per "
       "mark)", (unsigned long long)d.cnps);
    ok(d.streams >= 1 && !d.wrong_way,
       "the responders' queue pairs (initiators) cut their READ responses' "
       "rate (%u of them)", d.streams);
    ok(d.min_rate_bps < 0.75 * 100e9,
       "a responder's rate drops below 75 Gb/s (%.2f Gb/s)",
       d.min_rate_bps / 1e9);
    ok(!memcmp(&d, &again, sizeof d), "the same run twice: the same figures");
    /* Without DCQCN the responses are not ECN-capable and nothing reacts. */
    ok(none.marked == 0 && none.cnps == 0 && none.streams == 0,
       "with rdma.cc none: no marks, no CNPs, no cut");
    char path[160];
    snprintf(path, sizeof path, "%s/dcqcn.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/none.yaml", dir);
    unlink(path);
    rmdir(dir);
    return done_testing();
}
