/* Scenario files: YAML -> checked `struct scenario` (see scenario.h and
 * docs/scenario.md, which documents every key).  This file is the top
 * level: defaults, the file, overrides and the order in which the
 * sections are read; each section's schema and parser is in its own
 * scn-*.c file, and the readers they share are in read.c.
 *
 * Loading runs in four steps:
 *   1. ytree_parse() turns the file into a tree of nodes with positions;
 *   2. ytree_set() applies each --set override to the tree;
 *   3. the schema walk checks every key and value and fills the
 *      structs, stopping at the first error;
 *   4. topo_build() makes the graph, and host names in `traffic` are
 *      resolved against it.
 * Every error is one message naming the offending place: "FILE:LINE:COL:"
 * for what the file says, "--set KEY=VALUE:" for what an override put
 * there.  Values are never clamped or defaulted when they are wrong.
 *
 * Paths in messages ("topology.spines", "traffic.0.flows.2.dst") are the
 * ones --set takes, so a message says how to override the value too. */
#include "scenario/scenario.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/ib.h"
#include "fabric/sched.h"
#include "pkt/pkt.h"
#include "scenario/read.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "transport/tcp.h"
#include "transport/transport.h"
#include "workload/cdf.h"

/* Refuse to read more than this: a scenario is a description, and this
 * keeps /dev/zero and the like from eating memory. */
#define MAX_FILE_BYTES (UINT64_C(256) << 20)

/* Reads PATH whole into *TEXT (NUL-terminated) and *LEN. */
/* Top-level keys; the sections are read by their scn-*.c files. */
#define S(F) offsetof(struct scenario, F)
#define SECTION(NAME, NOTE, HELP)                                            \
    { NAME, KEY_CUSTOM, .what = "mapping", .note = NOTE, .help = HELP }
static const struct key top_keys[] = {
    { "name", KEY_CUSTOM, .what = "string without /, not . or ..",
      .note = "the file's base name",
      .help = "Names the run (results/NAME)." },
    { "seed", KEY_U64, S(seed), 0, UINT64_MAX, .dflt = "1",
      .help = "Root of every random stream." },
    { "stop", KEY_DURATION, S(stop_ps), 1, .note = "none",
      .help = "Simulated time at which the run stops." },
    { "mtu", KEY_U32, S(mtu_bytes), MTU_MIN, MTU_MAX, .dflt = "1500",
      .help = "IP MTU in bytes." },
    SECTION("topology", "required", "The fabric's topology."),
    { "fabric", KEY_CUSTOM, .what = "ethernet, infiniband, ns3",
      .note = "ethernet", .help = "The link layer of every link; ns3: the "
      "HPCC ns-3 simulator's PPP frames and RDMA headers." },
    SECTION("ib", "all defaults", "InfiniBand link parameters."),
    SECTION("switch", "all defaults", "Parameters every switch shares."),
    SECTION("host", "as switch", "The hosts' NICs."),
    SECTION("qos", "all defaults", "Classification and per-class buffers."),
    SECTION("pfc", "off", "Priority flow control and its watchdog."),
    SECTION("tcp", "all defaults", "TCP parameters of TCP traffic."),
    SECTION("rdma", "all defaults", "RDMA reliable connections."),
    SECTION("faults", "no faults", "Loss and reordering at switches."),
    { "traffic", KEY_CUSTOM, .what = "sequence of traffic mappings",
      .note = "no traffic", .help = "What the hosts send." },
    SECTION("monitor", "no monitor",
            "Time series, latency breakdown and packet capture."),
    SECTION("server", "none", "CPU, NUMA, PCIe and VMs of every host."),
    SECTION("overlay", "none", "VXLAN/Geneve tunnels and tenants."),
    { "events", KEY_CUSTOM, .what = "sequence of event mappings",
      .note = "none", .help = "Links and switches that fail and come back." },
    SECTION("control", "all defaults",
            "Failure detection and route reconvergence."),
    SECTION("evpn", "none",
            "BGP EVPN speakers on the software VTEPs, route reflectors."),
    SECTION("storage", "none", "NVMe SSDs, storage protocols and jobs."),
};
#undef S
#undef SECTION

const struct key_section scn_top_keys = KEY_SECTION("", top_keys);

static bool
read_file(struct ctx *c, const char *path, char **text, size_t *len)
{
    return !read_whole_file(path, MAX_FILE_BYTES >> 20, "a scenario file",
                            text, len, &c->err);
}

/* The file's base name without a .yaml or .yml suffix; "stdin" for
 * standard input. */
static char *
default_name(const char *path)
{
    if (!strcmp(path, SCENARIO_STDIN_NAME))
        return xstrdup("stdin");
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const char *const suffixes[] = { ".yaml", ".yml" };
    for (size_t i = 0; i < ARRAY_SIZE(suffixes); i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !strcmp(base + n - k, suffixes[i])) {
            n -= k;
            break;
        }
    }
    char *name = xmalloc(n + 1);
    memcpy(name, base, n);
    name[n] = '\0';
    return name;
}

/* Refuses MAP's `start` (PATH.start) at or after the stop time: what it
 * starts (WHAT) would never happen, most likely a unit written wrong, as
 * control events at or after stop are refused (scn-control.c).  A start
 * left at its default, or a run without a stop time, passes. */
static bool
check_start(struct ctx *c, const struct ynode *map, const char *path,
            uint64_t start_ps, uint64_t stop_ps, const char *what)
{
    const struct ynode *n = map ? ytree_get(map, "start") : NULL;
    if (!n || !stop_ps || start_ps < stop_ps)
        return true;
    return fail_at(c, &n->mark, "%s.start is %.6g us, at or after stop "
                   "(%.6g us): %s; expected an earlier time", path,
                   (double)start_ps / 1e6, (double)stop_ps / 1e6, what);
}

static bool
parse_top(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    const struct ynode *n;

    if (!keys_check(c, root, "at the top level", &scn_top_keys, 0) ||
        !require_key(c, root, "", "topology"))
        return false;

    n = ytree_get(root, "name");
    if (n) {
        /* `dcsim run` writes to results/<name> by default. */
        static const char form[] =
            "a non-empty string usable as a directory name";
        const char *name;
        if (!read_string(c, n, "name", form, &name))
            return false;
        if (strchr(name, '/'))
            return fail_value(c, n, "name", "contains '/'", form);
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            return fail_value(c, n, "name", NULL, form);
        scn->name = xstrdup(name);
    } else {
        scn->name = default_name(scn->file);
    }

    if (!keys_read(c, root, "", &scn_top_keys, 0, scn) ||
        !scn_parse_topology(c, ytree_pair(root, "topology"), &scn->topo) ||
        !scn_parse_fabric(c, root, scn))
        return false;

    /* PFC first: it makes the shared-buffer MMU the default. */
    n = ytree_get(root, "pfc");
    if (n && !scn_parse_pfc(c, n, &scn->pfc))
        return false;
    if (scn->pfc.enabled && scn->fabric == FABRIC_INFINIBAND)
        return scn_check_ib(c, root, scn);
    if (scn->pfc.enabled) {
        scn->sw.mmu = "shared";
        set_where(c, &ytree_get(root, "pfc")->mark, &scn->sw.where);
        /* A PFC deadlock holds traffic forever while pauses keep being
         * refreshed; only an end time ends such a run. */
        if (!scn->stop_ps)
            return fail_at(c, &ytree_get(root, "pfc")->mark,
                           "a run with PFC needs a stop time: paused "
                           "traffic can wait forever (a PFC deadlock); "
                           "expected a top-level 'stop', e.g. stop: 10ms");
    }
    n = ytree_get(root, "switch");
    if (n && !scn_parse_switch(c, n, &scn->sw, scn->pfc.enabled))
        return false;
    if (scn->pfc.enabled && strcmp(scn->sw.mmu, "shared"))
        return fail_at(c, &ytree_get(ytree_get(root, "switch"), "mmu")->mark,
                       "switch.mmu is %s, but PFC needs the shared-buffer "
                       "MMU (ingress accounting and headroom); expected "
                       "shared, or pfc.enabled: false",
                       scn->sw.mmu);
    n = ytree_get(root, "qos");
    if (n && !scn_parse_qos(c, n, &scn->qos))
        return false;
    /* Without PFC every class is lossy, and gets the lossy default. */
    for (int i = 0; i < 8; i++)
        if (scn->qos.alpha[i] == 0)
            scn->qos.alpha[i] = scn->pfc.enabled && scn->qos.lossless >> i & 1
                                    ? 1.0 / 8
                                    : 8.0;
    n = n ? ytree_get(n, "nodes") : NULL;
    if (n && !scn_parse_qos_nodes(c, n, scn))
        return false;
    scn->host.scheduler = scn->sw.scheduler;
    scn->host.ets = scn->sw.ets;
    n = ytree_get(root, "host");
    if (n && !scn_parse_host(c, n, &scn->host,
                         scn->fabric == FABRIC_INFINIBAND))
        return false;
    uint32_t max_wire = wire_bytes_for_ip(scn->mtu_bytes, true);
    sched_ets_set_quanta(&scn->sw.ets, max_wire);
    sched_ets_set_quanta(&scn->host.ets, max_wire);
    n = ytree_get(root, "server");
    if (n && !scn_parse_server(c, n, scn))
        return false;
    if (n && scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, &ytree_pair(root, "server")->key_mark,
                       "a server section is not supported on a "
                       "fabric: infiniband yet (the HCA's credits are "
                       "returned by the fabric-only receive path); "
                       "expected fabric: ethernet, or no server section");
    if (n && scn->host.rx_rate_bps)
        return fail_at(c, &ytree_pair(ytree_get(root, "host"), "rx_rate")
                               ->key_mark,
                       "host.rx_rate models a receiver of fixed speed in a "
                       "fabric-only run; with a server section the host's "
                       "cores are the receiver; expected one of the two");
    n = ytree_get(root, "faults");
    if (n && !scn_parse_faults(c, n, &scn->faults))
        return false;
    n = ytree_get(root, "control");
    if (n && !scn_parse_control(c, n, &scn->control))
        return false;
    n = ytree_get(root, "evpn");
    if (n && (!scn_parse_evpn(c, n, &scn->control.evpn) ||
              !check_start(c, n, "evpn", scn->control.evpn.start_ps,
                           scn->stop_ps, "no BGP session would open")))
        return false;
    n = ytree_get(root, "rdma");
    if (n && !scn_parse_rdma(c, n, &scn->rdma))
        return false;
    if (!scn_check_ib(c, root, scn))
        return false;
    /* Before traffic: entries start from these TCP parameters. */
    n = ytree_get(root, "tcp");
    if (n && !scn_parse_tcp(c, n, "tcp", &scn->tcp))
        return false;
    n = ytree_get(root, "traffic");
    if (n && !scn_parse_traffic(c, n, scn))
        return false;
    if (!scn_check_rdma(c, root, scn))
        return false;
    n = ytree_get(root, "monitor");
    if (n && (!scn_parse_monitor(c, n, &scn->monitor) ||
              !check_start(c, ytree_get(n, "pcap"), "monitor.pcap",
                           scn->monitor.pcap.start_ps, scn->stop_ps,
                           "no frame would be captured")))
        return false;
    n = ytree_get(root, "overlay");
    if (n && !scn_parse_overlay(c, n, &scn->overlay))
        return false;
    n = ytree_get(root, "storage");
    if (n && !scn_parse_storage(c, n, &scn->storage))
        return false;
    if (n && scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, &ytree_pair(root, "storage")->key_mark,
                       "a storage section is not supported on a fabric: "
                       "infiniband yet (its TCP protocols need IP); "
                       "expected fabric: ethernet, or no storage section");
    return true;
}

static void
scenario_defaults(struct scenario *scn)
{
    scn_server_defaults(&scn->server);
    scn_storage_defaults(&scn->storage);
    keys_defaults(&scn_top_keys, scn);
    /* The switch's sizes and latency: scn-switch.c's table; the choices
     * follow. */
    keys_defaults(&scn_switch_keys, &scn->sw);
    scn->sw.mmu = "taildrop";
    scn->sw.scheduler = sched_name(0);
    /* IEEE 802.1Qaz's example split, as the seeds give it: RDMA
     * (priority 3) and best effort (0) 50% each; CNPs and control (6)
     * and network control (7) strict above them. */
    scn->sw.ets.strict_mask = 1u << 6 | 1u << 7;
    scn->sw.ets.ets_mask = scn->sw.ets.weighted_mask = 1u << 0 | 1u << 3;
    scn->sw.ets.weight_pct[0] = 50;
    scn->sw.ets.weight_pct[3] = 50;
    scn->sw.ecmp_seed_mode = ECMP_SEED_PER_SWITCH;
    scn->sw.ecn.mode = ECN_MARK_OFF;

    /* Classification: DSCP class selectors (RFC 2474: CSn -> n), PCP as
     * priority.  Lossless: the seeds' priorities 3 (RDMA), 4 (iSCSI) and
     * 5 (FCoE).  Alpha: 1/8 for lossless ingress (HPCC third.cc
     * pfc_a_shift 3 at NIC rate), 8 for lossy egress queues (SONiC
     * egress_lossy_profile dynamic_th 3). */
    struct qos_spec *q = &scn->qos;
    q->trust = QOS_TRUST_DSCP;
    for (int i = 0; i < 64; i++)
        q->dscp_prio[i] = (uint8_t)(i >> 3);
    for (int i = 0; i < 8; i++)
        q->pcp_prio[i] = (uint8_t)i;
    q->lossless = 1u << 3 | 1u << 4 | 1u << 5;

    /* PFC: off; the rest of its defaults, and RDMA's, are in their key
     * tables (scn-pfc.c, scn-rdma.c). */
    keys_defaults(&scn_pfc_keys, &scn->pfc);
    keys_defaults(&scn_pfc_watchdog_keys, &scn->pfc);
    scn->pfc.wd_action = PFC_WD_DROP;
    scn->pfc.response_ps = PFC_RESPONSE_AUTO;
    keys_defaults(&scn_rdma_keys, &scn->rdma);
    keys_defaults(&scn_hpcc_keys, &scn->rdma.hpcc);
    /* Not plain values: the path MTU is a choice of five, and so are the
     * congestion control (none) and DCQCN's profile ("paper"). */
    scn->rdma.mtu = 1024;
    scn->rdma.ack_tc = RDMA_ACK_TC_DATA;
    scn->rdma.cc = RDMA_CC_NONE;
    scn->rdma.cc_name = "none";
    scn->rdma.profile = "paper";
    rdma_dcqcn_profile(scn->rdma.profile, &scn->rdma.dcqcn);

    /* InfiniBand: scn-ib.c's table. */
    scn->fabric = FABRIC_ETHERNET;
    keys_defaults(&scn_ib_keys, &scn->ib);

    /* TCP: the key table's defaults (scn-tcp.c); the congestion control
     * is the first registered. */
    keys_defaults(&scn_tcp_keys, &scn->tcp);
    scn_control_defaults(&scn->control);
    scn_evpn_defaults(&scn->control.evpn);
    scn->tcp.cc = tcp_cc_name(0);
}

int
scenario_load(const char *path, const struct scenario_override *overrides,
              size_t n_overrides, struct scenario *scn, char **err)
{
    /* "-" is standard input, named so in messages. */
    bool from_stdin = !strcmp(path, "-");
    const char *shown = from_stdin ? SCENARIO_STDIN_NAME : path;
    struct ctx c = { .file = shown, .err = NULL };
    struct ynode *root = NULL;
    char **origins = xcalloc(n_overrides, sizeof *origins);
    char *text = NULL;
    size_t len = 0;

    memset(scn, 0, sizeof *scn);
    scn->file = xstrdup(shown);
    scenario_defaults(scn);

    if (!read_file(&c, from_stdin ? "/dev/stdin" : path, &text, &len) ||
        !ytree_parse(shown, text, len, &root, &c.err))
        goto out;

    if (!root || ytree_is_null(root)) {
        struct ymark mark = { 1, 1, NULL };
        fail_at(&c, root ? &root->mark : &mark,
                "empty scenario; expected a mapping with at least "
                "'topology'");
        goto out;
    }
    if (root->kind != YNODE_MAPPING) {
        fail_value(&c, root, "the scenario",  NULL,
                   "a mapping with at least 'topology'");
        goto out;
    }

    for (size_t i = 0; i < n_overrides; i++) {
        const char *key = overrides[i].key ? overrides[i].key : "";
        const char *value = overrides[i].value ? overrides[i].value : "";
        origins[i] = xasprintf("--set %s=%s", key, value);
        if (!ytree_set(root, key, value, origins[i], &c.err))
            goto out;
    }

    if (parse_top(&c, root, scn) &&
        scn_build_graph(&c, root, overrides, n_overrides, scn) &&
        scn_check_ib_lids(&c, root, scn) &&
        scn_check_ecmp_hash(&c, root, scn) &&
        scn_resolve_traffic(&c, ytree_get(root, "traffic"), scn) &&
        scn_resolve_monitor(&c, ytree_get(root, "monitor"), scn) &&
        scn_resolve_qos_nodes(&c, root, scn) &&
        scn_resolve_server_nodes(&c, root, scn) &&
        scn_resolve_stall(&c, root, scn) &&
        scn_resolve_overlay(&c, root, scn) &&
        scn_resolve_evpn(&c, root, scn) &&
        scn_resolve_events(&c, root, scn))
        scn_resolve_storage(&c, ytree_get(root, "storage"), scn);

out:
    ytree_free(root);
    for (size_t i = 0; i < n_overrides; i++)
        free(origins[i]);
    free(origins);
    free(text);
    if (c.err) {
        scenario_free(scn);
        *err = c.err;
        return 2;
    }
    *err = NULL;
    return 0;
}

void
scenario_free(struct scenario *scn)
{
    if (!scn)
        return;
    free(scn->file);
    free(scn->name);
    struct topo_explicit *ex = &scn->topo.explicit_;
    for (uint32_t i = 0; i < ex->n_nodes; i++)
        free(ex->nodes[i].name);
    free(ex->nodes);
    free(ex->links);
    if (scn->graph.nodes || scn->graph.links)
        topo_graph_free(&scn->graph);
    for (size_t i = 0; i < scn->n_traffic; i++) {
        free(scn->traffic[i].flows);
        free(scn->traffic[i].file);
        cdf_uninit(scn->traffic[i].size_cdf);
        free(scn->traffic[i].size_cdf);
    }
    free(scn->traffic);
    free(scn->monitor.select);
    free(scn->monitor.links);
    free(scn->monitor.tcp);
    free(scn->monitor.pcap.select);
    free(scn->monitor.qps);
    free(scn->host.stall_hosts);
    free(scn->qos_nodes);
    scn_server_spec_free(&scn->server);
    for (size_t i = 0; i < scn->n_server_nodes; i++)
        scn_server_spec_free(&scn->server_nodes[i].spec);
    free(scn->server_nodes);
    free(scn->sw.where);
    free(scn->sw.ecn.by_rate);
    scn_overlay_spec_free(&scn->overlay);
    scn_evpn_spec_free(&scn->control.evpn);
    scn_control_spec_free(&scn->control);
    scn_storage_spec_free(&scn->storage);
    memset(scn, 0, sizeof *scn);
}
