/* Scenario files: valid files fill `struct scenario` as documented in
 * docs/scenario.md (defaults included), --set overrides change the tree
 * before validation, and every class of bad input is rejected with rc 2,
 * one message that starts with FILE:LINE:COL (checked exactly) or
 * "--set KEY=VALUE", and a zeroed struct. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/scenario.h"
#include "sim/util.h"
#include "tap.h"

/* The temporary directory the scenario files are written to. */
struct files {
    char dir[64];
    char *paths[32];
    size_t n;
};

/* Writes TEXT to DIR/NAME; returns the path, owned by FS. */
static const char *
write_file(struct files *fs, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", fs->dir, name);
    size_t i = 0;
    while (i < fs->n && strcmp(fs->paths[i], path))
        i++;
    if (i < fs->n) {
        free(path);
        path = fs->paths[i];
    } else if (fs->n < ARRAY_SIZE(fs->paths)) {
        fs->paths[fs->n++] = path;
    } else {
        diag("too many scenario files");
        exit(1);
    }
    tap_write_file(path, text);
    return path;
}

static bool
is_zeroed(const struct scenario *scn)
{
    return tap_is_zero(scn, sizeof *scn);
}

/* Loads TEXT (written as t.yaml) with overrides; returns rc. */
static int
load(struct files *fs, const char *text, const struct scenario_override *ov,
     size_t n_ov, struct scenario *scn, char **err)
{
    const char *path = write_file(fs, "t.yaml", text);
    return scenario_load(path, ov, n_ov, scn, err);
}

/* Expects TEXT to fail with a message starting "PATH:LINECOL: " (or
 * exactly PREFIX when LINECOL starts with "--set" or is empty) and
 * containing WANT. */
static void
expect_error_ov(struct files *fs, const char *what, const char *text,
                const struct scenario_override *ov, size_t n_ov,
                const char *linecol, const char *want)
{
    struct scenario scn;
    char *err = NULL;
    const char *path = write_file(fs, "t.yaml", text);
    int rc = scenario_load(path, ov, n_ov, &scn, &err);
    char *prefix = !strncmp(linecol, "--set", 5)
                       ? xasprintf("%s: ", linecol)
                       : xasprintf("%s:%s: ", path, linecol);
    bool good = rc == 2 && err && !strncmp(err, prefix, strlen(prefix)) &&
                strstr(err, want) && is_zeroed(&scn);
    if (!ok(good, "%s: rc 2 at %s", what, linecol)) {
        diag("rc %d, zeroed %d", rc, is_zeroed(&scn));
        diag("got:  %s", err ? err : "(no message)");
        diag("want: %s...%s", prefix, want);
    }
    if (rc == 0)
        scenario_free(&scn);
    free(prefix);
    free(err);
}

static void
expect_error(struct files *fs, const char *what, const char *text,
             const char *linecol, const char *want)
{
    expect_error_ov(fs, what, text, NULL, 0, linecol, want);
}

#define SPINE_LEAF                                                           \
    "topology:\n"                                                            \
    "  type: spine-leaf\n"                                                   \
    "  spines: 4\n"                                                          \
    "  leaves: 32\n"                                                         \
    "  servers_per_leaf: 32\n"

static void
test_defaults(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;
    const char *path = write_file(fs, "my-run.yaml", SPINE_LEAF);
    int rc = scenario_load(path, NULL, 0, &scn, &err);
    if (!ok(rc == 0, "minimal spine-leaf loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    ok(err == NULL, "no message on success");
    ok(!strcmp(scn.file, path), "file is the path as given");
    ok(!strcmp(scn.name, "my-run"), "name defaults to the base name");
    is_u64(scn.seed, 1, "seed defaults to 1");
    is_u64(scn.stop_ps, 0, "stop defaults to none");
    is_u64(scn.mtu_bytes, 1500, "mtu defaults to 1500");
    ok(!strcmp(scn.topo.type, "spine-leaf"), "topology type");
    is_u64(scn.topo.loc.line, 1, "topology loc line");
    is_u64(scn.topo.loc.col, 1, "topology loc col");
    is_u64(scn.topo.spine_leaf.spines, 4, "spines");
    is_u64(scn.topo.spine_leaf.leaves, 32, "leaves");
    is_u64(scn.topo.spine_leaf.servers_per_leaf, 32, "servers_per_leaf");
    is_u64(scn.topo.spine_leaf.server_link.rate_bps, UINT64_C(25000000000),
           "server_link rate defaults to 25Gbps");
    is_u64(scn.topo.spine_leaf.server_link.delay_ps, PS_PER_US,
           "server_link delay defaults to 1us");
    is_u64(scn.topo.spine_leaf.uplink.rate_bps, UINT64_C(100000000000),
           "uplink rate defaults to 100Gbps");
    is_u64(scn.topo.spine_leaf.uplink.delay_ps, PS_PER_US,
           "uplink delay defaults to 1us");
    is_u64(scn.sw.queue_bytes, 1000000, "queue defaults to 1MB");
    is_u64(scn.sw.buffer_bytes, 32 << 20, "buffer defaults to 32MiB");
    is_u64(scn.sw.latency_ps, 0, "latency defaults to 0");
    ok(!strcmp(scn.sw.scheduler, "strict"), "scheduler defaults to strict");
    ok(scn.sw.ecmp_seed_mode == ECMP_SEED_PER_SWITCH,
       "ecmp_seed defaults to per-switch");
    is_u64(scn.n_traffic, 0, "no traffic");
    is_u64(scn.graph.n_hosts, 1024, "graph has 1024 hosts");
    is_u64(scn.graph.n_nodes, 1024 + 32 + 4, "graph has 1060 nodes");
    scenario_free(&scn);
    ok(is_zeroed(&scn), "scenario_free zeroes");
    scenario_free(&scn);
    ok(true, "scenario_free is safe on a zeroed struct");

    static const char *const names[][2] = {
        { "a.yml", "a" },
        { "b", "b" },
        { "c.txt", "c.txt" },
        { ".yaml", ".yaml" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        path = write_file(fs, names[i][0], SPINE_LEAF);
        rc = scenario_load(path, NULL, 0, &scn, &err);
        ok(rc == 0 && !strcmp(scn.name, names[i][1]),
           "file %s: name '%s'", names[i][0], names[i][1]);
        if (rc == 0)
            scenario_free(&scn);
        free(err);
        err = NULL;
    }
}

static void
test_full(struct files *fs)
{
    static const char text[] =
        "name: full test\n"
        "seed: 42\n"
        "stop: 10ms\n"
        "mtu: 9000\n"
        "topology:\n"
        "  type: spine-leaf\n"
        "  spines: 2\n"
        "  leaves: 4\n"
        "  servers_per_leaf: 8\n"
        "  server_link: {rate: 2.5Gbps, delay: 500ns}\n"
        "  uplink:\n"
        "    rate: 40 Gb/s\n"
        "switch:\n"
        "  queue: 64KiB\n"
        "  buffer: 0\n"
        "  latency: 300ns\n"
        "  scheduler: strict\n"
        "  ecmp_seed: 4294967295\n"
        "traffic:\n"
        "  - pattern: flows\n"
        "    protocol: udp\n"
        "    flows:\n"
        "      - {src: h0, dst: h31, size: 1MB}\n"
        "      - src: h5\n"
        "        dst: h6\n"
        "        size: 1500\n"
        "        start: 2.5us\n"
        "        rate: 1Gbps\n"
        "        tc: 7\n"
        "  - pattern: permutation\n"
        "    size: 4MB\n"
        "    cross_rack: true\n"
        "    interarrival: 10us\n"
        "  - pattern: incast\n"
        "    size: 100KB\n"
        "    senders: 31\n"
        "    receiver: h3\n"
        "    rate: line\n"
        "    tc: 3\n"
        "    start: 1ms\n"
        "  - pattern: all-to-all\n"
        "    size: 1KB\n"
        "  - pattern: random\n"
        "    size: 10KB\n"
        "    count: 1000\n"
        "    cross_rack: false\n"
        "    rate: 10Gbps\n";
    struct scenario scn;
    char *err = NULL;
    int rc = load(fs, text, NULL, 0, &scn, &err);
    if (!ok(rc == 0, "full scenario loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    ok(!strcmp(scn.name, "full test"), "name");
    is_u64(scn.seed, 42, "seed");
    is_u64(scn.stop_ps, 10 * PS_PER_MS, "stop");
    is_u64(scn.mtu_bytes, 9000, "mtu");
    is_u64(scn.topo.loc.line, 5, "topology loc line");
    is_u64(scn.topo.spine_leaf.server_link.rate_bps, 2500000000,
           "server_link rate");
    is_u64(scn.topo.spine_leaf.server_link.delay_ps, 500 * PS_PER_NS,
           "server_link delay");
    is_u64(scn.topo.spine_leaf.uplink.rate_bps, UINT64_C(40000000000),
           "uplink rate");
    is_u64(scn.topo.spine_leaf.uplink.delay_ps, PS_PER_US,
           "uplink delay keeps its default");
    is_u64(scn.sw.queue_bytes, 65536, "queue");
    is_u64(scn.sw.buffer_bytes, 0, "buffer 0 = no shared limit");
    is_u64(scn.sw.latency_ps, 300 * PS_PER_NS, "latency");
    ok(scn.sw.ecmp_seed_mode == ECMP_SEED_SAME &&
       scn.sw.ecmp_seed == UINT32_MAX, "ecmp_seed integer");
    if (!is_u64(scn.n_traffic, 5, "5 traffic entries")) {
        scenario_free(&scn);
        return;
    }

    const struct traffic_spec *t = scn.traffic;
    ok(t[0].pattern == PATTERN_FLOWS && !strcmp(t[0].protocol, "udp"),
       "traffic 0 is flows over udp");
    is_u64(t[0].loc.line, 20, "traffic 0 loc line");
    is_u64(t[0].loc.col, 5, "traffic 0 loc col");
    is_u64(t[0].n_flows, 2, "two flows");
    const struct flow_spec *f = t[0].flows;
    ok(f[0].src == 0 && f[0].dst == 31 && f[0].size_bytes == 1000000 &&
       f[0].start_ps == 0 && f[0].rate_bps == 0 && f[0].tc == 0,
       "flow 0 and its defaults");
    is_u64(f[0].loc.line, 23, "flow 0 loc line");
    is_u64(f[0].loc.col, 9, "flow 0 loc col");
    ok(f[1].src == 5 && f[1].dst == 6 && f[1].size_bytes == 1500 &&
       f[1].start_ps == 2500000 && f[1].rate_bps == 1000000000 &&
       f[1].tc == 7, "flow 1");
    is_u64(f[1].loc.line, 24, "flow 1 loc line");
    is_u64(f[1].loc.col, 9, "flow 1 loc col");

    ok(t[1].pattern == PATTERN_PERMUTATION && t[1].size_bytes == 4000000 &&
       t[1].cross_rack_only && t[1].interarrival_ps == 10 * PS_PER_US &&
       t[1].rate_bps == 0 && t[1].start_ps == 0,
       "permutation");
    ok(t[2].pattern == PATTERN_INCAST && t[2].size_bytes == 100000 &&
       t[2].count == 31 && t[2].receiver == 3 && t[2].rate_bps == 0 &&
       t[2].tc == 3 && t[2].start_ps == PS_PER_MS &&
       t[2].interarrival_ps == 0, "incast");
    ok(t[3].pattern == PATTERN_ALL_TO_ALL && t[3].size_bytes == 1000,
       "all-to-all");
    ok(t[4].pattern == PATTERN_RANDOM && t[4].size_bytes == 10000 &&
       t[4].count == 1000 && !t[4].cross_rack_only &&
       t[4].rate_bps == UINT64_C(10000000000), "random");
    scenario_free(&scn);
}

static void
test_other_topologies(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;

    int rc = load(fs,
                  "topology:\n"
                  "  type: three-tier\n"
                  "  cores: 2\n"
                  "  pods: 2\n"
                  "  aggs_per_pod: 2\n"
                  "  access_per_pod: 3\n"
                  "  servers_per_access: 4\n"
                  "  agg_uplink: {rate: 400Gbps}\n",
                  NULL, 0, &scn, &err);
    if (ok(rc == 0, "three-tier loads")) {
        const struct topo_three_tier *tt = &scn.topo.three_tier;
        ok(tt->cores == 2 && tt->pods == 2 && tt->aggs_per_pod == 2 &&
           tt->access_per_pod == 3 && tt->servers_per_access == 4,
           "three-tier counts");
        ok(tt->server_link.rate_bps == UINT64_C(10000000000) &&
           tt->access_uplink.rate_bps == UINT64_C(40000000000) &&
           tt->agg_uplink.rate_bps == UINT64_C(400000000000) &&
           tt->agg_uplink.delay_ps == PS_PER_US,
           "three-tier links and defaults");
        is_u64(scn.graph.n_hosts, 2 * 3 * 4, "three-tier hosts");
        scenario_free(&scn);
    } else {
        diag("%s", err);
        free(err);
    }

    rc = load(fs, "topology: {type: fat-tree, k: 4}\n", NULL, 0, &scn,
              &err);
    if (ok(rc == 0, "fat-tree loads")) {
        ok(scn.topo.fat_tree.k == 4 &&
           scn.topo.fat_tree.server_link.rate_bps ==
               UINT64_C(100000000000) &&
           scn.topo.fat_tree.fabric_link.rate_bps ==
               UINT64_C(100000000000), "fat-tree k and link defaults");
        is_u64(scn.graph.n_hosts, 16, "k=4 fat-tree has 16 hosts");
        scenario_free(&scn);
    } else {
        diag("%s", err);
        free(err);
    }

    rc = load(fs,
              "topology:\n"
              "  type: explicit\n"
              "  nodes:\n"
              "    - {name: tor, kind: switch, tier: 1}\n"
              "    - {name: web, kind: host}\n"
              "    - {name: db, kind: host}\n"
              "    - {name: core, kind: switch}\n"
              "  links:\n"
              "    - {a: web, b: tor, rate: 25Gbps}\n"
              "    - {a: tor, b: db, rate: 25Gbps, delay: 5us}\n"
              "    - {a: tor, b: core, rate: 100Gbps}\n"
              "traffic:\n"
              "  - pattern: flows\n"
              "    flows: [{src: db, dst: web, size: 10MB}]\n",
              NULL, 0, &scn, &err);
    if (ok(rc == 0, "explicit topology loads")) {
        const struct topo_explicit *x = &scn.topo.explicit_;
        ok(x->n_nodes == 4 && !strcmp(x->nodes[0].name, "tor") &&
           !x->nodes[0].is_host && x->nodes[0].tier == 1 &&
           x->nodes[1].is_host && x->nodes[1].tier == 0 &&
           x->nodes[3].tier == 0 && x->nodes[1].rack == -1,
           "explicit nodes in file order");
        ok(x->nodes[0].loc.line == 4 && x->nodes[0].loc.col == 7,
           "explicit node loc");
        ok(x->n_links == 3 && x->links[0].a == 1 && x->links[0].b == 0 &&
           x->links[0].delay_ps == PS_PER_US &&
           x->links[1].delay_ps == 5 * PS_PER_US &&
           x->links[2].rate_bps == UINT64_C(100000000000),
           "explicit links, delay default 1us");
        ok(x->links[1].loc.line == 10 && x->links[1].loc.col == 7,
           "explicit link loc");
        /* Hosts come first in the graph, in file order: web = 0, db = 1. */
        ok(scn.graph.n_hosts == 2 && scn.traffic[0].flows[0].src == 1 &&
           scn.traffic[0].flows[0].dst == 0, "host numbers are node indices");
        scenario_free(&scn);
    } else {
        diag("%s", err);
        free(err);
    }
}

static void
test_overrides(struct files *fs)
{
    static const char text[] = SPINE_LEAF
        "traffic:\n"
        "  - pattern: permutation\n"
        "    size: 4MB\n";
    struct scenario scn;
    char *err = NULL;
    const struct scenario_override ov[] = {
        { "topology.spines", "8" },
        { "traffic.0.size", "2MB" },
        { "switch.ecmp_seed", "7" },
        { "name", "over" },
        { "topology.uplink.rate", "400Gbps" },
        { "traffic.0.cross_rack", "true" },
    };
    int rc = load(fs, text, ov, ARRAY_SIZE(ov), &scn, &err);
    if (ok(rc == 0, "overrides apply")) {
        is_u64(scn.topo.spine_leaf.spines, 8, "--set topology.spines=8");
        is_u64(scn.traffic[0].size_bytes, 2000000, "--set traffic.0.size");
        ok(scn.sw.ecmp_seed_mode == ECMP_SEED_SAME && scn.sw.ecmp_seed == 7,
           "--set creates the switch mapping");
        ok(!strcmp(scn.name, "over"), "--set name");
        ok(scn.topo.spine_leaf.uplink.rate_bps == UINT64_C(400000000000) &&
           scn.topo.spine_leaf.uplink.delay_ps == PS_PER_US,
           "--set creates a link mapping with one field");
        ok(scn.traffic[0].cross_rack_only, "--set a bool");
        scenario_free(&scn);
    } else {
        diag("%s", err);
        free(err);
    }

    /* The later of two overrides of one key wins. */
    const struct scenario_override twice[] = {
        { "seed", "5" },
        { "seed", "6" },
    };
    rc = load(fs, text, twice, 2, &scn, &err);
    ok(rc == 0 && scn.seed == 6, "the last --set of a key wins");
    if (rc == 0)
        scenario_free(&scn);

    /* An override may fill a key the file leaves empty. */
    const struct scenario_override fill[] = { { "switch.queue", "2MB" } };
    rc = load(fs, SPINE_LEAF "switch:\n", fill, 1, &scn, &err);
    ok(rc == 0 && scn.sw.queue_bytes == 2000000,
       "--set into a mapping the file left empty");
    if (rc == 0)
        scenario_free(&scn);

#define OV(k, v) (const struct scenario_override[]){ { k, v } }, 1
    expect_error_ov(fs, "--set an unknown key", text,
                    OV("topology.bogus", "1"), "--set topology.bogus=1",
                    "unknown key 'bogus' in topology (type spine-leaf); "
                    "expected one of: type, spines, leaves, "
                    "servers_per_leaf, server_link, uplink");
    expect_error_ov(fs, "--set an unknown top-level key", text,
                    OV("topolgy.spines", "8"), "--set topolgy.spines=8",
                    "unknown key 'topolgy' at the top level");
    expect_error_ov(fs, "--set a bad value", text,
                    OV("topology.spines", "abc"), "--set topology.spines=abc",
                    "topology.spines is 'abc' (not an integer); expected an "
                    "integer >= 1");
    expect_error_ov(fs, "--set an empty value", text,
                    OV("topology.spines", ""), "--set topology.spines=",
                    "topology.spines is empty; expected an integer >= 1");
    expect_error_ov(fs, "--set past the end of a sequence", text,
                    OV("traffic.1.size", "1MB"), "--set traffic.1.size=1MB",
                    "index 1 is out of range: 'traffic' has 1 entries");
    expect_error_ov(fs, "--set a name into a sequence", text,
                    OV("traffic.first.size", "1MB"),
                    "--set traffic.first.size=1MB",
                    "'traffic' is a sequence");
    expect_error_ov(fs, "--set through a scalar", text,
                    OV("topology.type.x", "1"), "--set topology.type.x=1",
                    "'topology.type' is a single value");
    expect_error_ov(fs, "--set an empty path component", text,
                    OV("topology..spines", "1"), "--set topology..spines=1",
                    "empty component");
    expect_error_ov(fs, "--set replacing a mapping by a scalar", text,
                    OV("topology", "fat"), "--set topology=fat",
                    "topology is 'fat'; expected a mapping");
    expect_error_ov(fs, "--set making the topology fail to build", text,
                    OV("topology.spines", "300"), "1:1",
                    "each leaf would have 332 links; a node has at most 255 "
                    "ports (after --set topology.spines=300)");
    expect_error_ov(fs, "--set creating a topology that lacks keys",
                    "seed: 1\n", OV("topology.type", "fat-tree"),
                    "--set topology.type=fat-tree",
                    "missing required key 'k' in topology");
    expect_error_ov(fs, "errors in the file still name the file", text,
                    OV("topology.type", "fat-tree"), "3:3",
                    "unknown key 'spines' in topology (type fat-tree)");
#undef OV
}

static void
test_yaml_errors(struct files *fs)
{
    expect_error(fs, "YAML syntax error",
                 "topology:\n  type: spine-leaf\n spines: 4\n", "3:2",
                 "invalid YAML: ");
    expect_error(fs, "unterminated flow mapping",
                 "topology: {type: spine-leaf\nseed: 1\n", "2:5",
                 "invalid YAML: did not find expected ',' or '}' (while "
                 "parsing a flow mapping at line 1, column 11)");
    expect_error(fs, "unterminated quoted string",
                 "name: \"abc\n", "2:1", "invalid YAML: ");
    expect_error(fs, "tab indentation",
                 "topology:\n\ttype: spine-leaf\n", "2:1", "invalid YAML");
    expect_error(fs, "invalid UTF-8", "name: a\nseed: \xff\n", "2:7",
                 "invalid input: ");
    expect_error(fs, "anchor", SPINE_LEAF "switch: &sw {queue: 1MB}\n",
                 "6:9", "YAML anchors (&sw) are not supported");
    expect_error(fs, "alias",
                 "topology:\n  type: spine-leaf\n  spines: &n 4\n"
                 "  leaves: *n\n  servers_per_leaf: 2\n", "3:11",
                 "YAML anchors (&n) are not supported");
    expect_error(fs, "alias alone",
                 SPINE_LEAF "seed: *x\n", "6:7", "YAML aliases (*x)");
    expect_error(fs, "tag", SPINE_LEAF "seed: !!int 3\n", "6:7",
                 "YAML tags (tag:yaml.org,2002:int) are not supported");
    expect_error(fs, "duplicate key",
                 SPINE_LEAF "seed: 1\nseed: 2\n", "7:1",
                 "duplicate key 'seed' (first at line 6, column 1)");
    expect_error(fs, "duplicate key in a nested mapping",
                 "topology:\n  type: spine-leaf\n  spines: 4\n"
                 "  leaves: 2\n  spines: 5\n  servers_per_leaf: 2\n",
                 "5:3", "duplicate key 'spines' (first at line 3, column 3)");
    expect_error(fs, "complex key", SPINE_LEAF "? [a, b]\n: 1\n", "6:3",
                 "a sequence as a mapping key");
    expect_error(fs, "two documents", SPINE_LEAF "---\nseed: 1\n", "6:1",
                 "a second YAML document");
    expect_error(fs, "empty file", "", "1:1",
                 "empty scenario; expected a mapping with at least "
                 "'topology'");
    expect_error(fs, "comments only", "# nothing\n\n", "1:1",
                 "empty scenario");
    expect_error(fs, "null document", "~\n", "1:1", "empty scenario");
    expect_error(fs, "document marker only", "---\n", "2:1",
                 "empty scenario");
    expect_error(fs, "top level is a sequence", "- a\n- b\n", "1:1",
                 "the scenario is a sequence; expected a mapping with at "
                 "least 'topology'");
    expect_error(fs, "top level is a scalar", "hello\n", "1:1",
                 "the scenario is 'hello'; expected a mapping");

    struct scenario scn;
    char *err = NULL;
    char *path = xasprintf("%s/no-such-file.yaml", fs->dir);
    char *want = xasprintf("%s: cannot open: No such file or directory",
                           path);
    int rc = scenario_load(path, NULL, 0, &scn, &err);
    ok(rc == 2 && err && !strcmp(err, want) && is_zeroed(&scn),
       "missing file: %s", err ? err : "(no message)");
    free(err);
    free(want);
    err = NULL;
    rc = scenario_load(fs->dir, NULL, 0, &scn, &err);
    ok(rc == 2 && err && strstr(err, "cannot read: Is a directory") &&
       is_zeroed(&scn), "a directory: %s", err ? err : "(no message)");
    free(err);
    free(path);
}

static void
test_schema_errors(struct files *fs)
{
    expect_error(fs, "missing topology", "seed: 1\nmtu: 1500\n", "1:1",
                 "missing required key 'topology' at the top level");
    expect_error(fs, "unknown top-level key", SPINE_LEAF "bogus: 1\n", "6:1",
                 "unknown key 'bogus' at the top level; expected one of: "
                 "name, seed, stop, mtu, topology, fabric, ib, switch, "
                 "host, qos, pfc, tcp, rdma, faults, traffic");
    expect_error(fs, "key of another topology type",
                 "topology:\n  type: fat-tree\n  k: 4\n  spines: 2\n", "4:3",
                 "unknown key 'spines' in topology (type fat-tree); "
                 "expected one of: type, k, server_link, fabric_link");
    expect_error(fs, "missing type", "topology:\n  spines: 4\n", "2:3",
                 "missing required key 'type' in topology");
    expect_error(fs, "unknown type",
                 "topology:\n  type: torus\n", "2:9",
                 "topology.type is 'torus'; expected one of: spine-leaf, "
                 "three-tier, fat-tree, explicit");
    expect_error(fs, "missing spines",
                 "topology:\n  type: spine-leaf\n  leaves: 4\n"
                 "  servers_per_leaf: 2\n", "2:3",
                 "missing required key 'spines' in topology");
    expect_error(fs, "topology is a scalar", "topology: big\n", "1:11",
                 "topology is 'big'; expected a mapping");
    expect_error(fs, "integer as text",
                 "topology:\n  type: spine-leaf\n  spines: abc\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:11",
                 "topology.spines is 'abc' (not an integer); expected an "
                 "integer >= 1");
    expect_error(fs, "fractional integer",
                 "topology:\n  type: spine-leaf\n  spines: 1.5\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:11",
                 "topology.spines is '1.5' (not an integer)");
    expect_error(fs, "negative integer",
                 "topology:\n  type: spine-leaf\n  spines: -3\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:11",
                 "topology.spines is '-3' (negative); expected an integer "
                 ">= 1");
    expect_error(fs, "zero count",
                 "topology:\n  type: spine-leaf\n  spines: 4\n"
                 "  leaves: 0\n  servers_per_leaf: 2\n", "4:11",
                 "topology.leaves is '0'; expected an integer >= 1");
    expect_error(fs, "integer overflow",
                 "topology:\n  type: spine-leaf\n  spines: 4294967296\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:11",
                 "topology.spines is '4294967296' (greater than 4294967295); "
                 "expected an integer >= 1");
    expect_error(fs, "quoted integer", SPINE_LEAF "seed: \"42\"\n", "6:7",
                 "seed is '42' (a quoted string); expected an integer >= 0");
    expect_error(fs, "mapping for an integer",
                 "topology:\n  type: spine-leaf\n  spines: {n: 4}\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:11",
                 "topology.spines is a mapping; expected an integer >= 1");
    expect_error(fs, "empty value",
                 "topology:\n  type: spine-leaf\n  spines:\n"
                 "  leaves: 2\n  servers_per_leaf: 2\n", "3:10",
                 "topology.spines is empty; expected an integer >= 1");
    expect_error(fs, "mtu too small", SPINE_LEAF "mtu: 500\n", "6:6",
                 "mtu is '500'; expected an integer 576..9216");
    expect_error(fs, "mtu with a unit", SPINE_LEAF "mtu: 1500B\n", "6:6",
                 "mtu is '1500B' (not an integer)");
    expect_error(fs, "stop zero", SPINE_LEAF "stop: 0\n", "6:7",
                 "stop is '0' (must be greater than zero); expected a "
                 "duration with a unit: ps, ns, us, ms, s");
    expect_error(fs, "stop without unit", SPINE_LEAF "stop: 10\n", "6:7",
                 "stop is '10' (missing unit); expected a duration with a "
                 "unit: ps, ns, us, ms, s");
    expect_error(fs, "empty name", SPINE_LEAF "name: ''\n", "6:7",
                 "name is ''; expected a non-empty string usable as a "
                 "directory name");
    expect_error(fs, "name is a sequence", SPINE_LEAF "name: [a]\n", "6:7",
                 "name is a sequence; expected a non-empty string");
    expect_error(fs, "name with a slash", SPINE_LEAF "name: ../etc\n", "6:7",
                 "name is '../etc' (contains '/')");
    expect_error(fs, "name ..", SPINE_LEAF "name: ..\n", "6:7",
                 "name is '..'; expected a non-empty string");
    expect_error(fs, "odd k", "topology: {type: fat-tree, k: 5}\n", "1:31",
                 "topology.k is '5' (odd); expected an even integer >= 2");
    expect_error(fs, "zero rate",
                 SPINE_LEAF "  uplink: {rate: 0Gbps}\n", "6:18",
                 "topology.uplink.rate is '0Gbps' (must be greater than "
                 "zero); expected a rate with a unit, e.g. 25Gbps");
    expect_error(fs, "negative rate",
                 SPINE_LEAF "  server_link:\n    rate: -25Gbps\n", "7:11",
                 "topology.server_link.rate is '-25Gbps' (negative)");
    expect_error(fs, "rate without unit",
                 SPINE_LEAF "  server_link: {rate: 25}\n", "6:23",
                 "topology.server_link.rate is '25' (missing unit); "
                 "expected a rate with a unit, e.g. 25Gbps");
    expect_error(fs, "link is a scalar", SPINE_LEAF "  uplink: 100Gbps\n",
                 "6:11", "topology.uplink is '100Gbps'; expected a link "
                 "mapping with rate and delay");
    expect_error(fs, "unknown link key",
                 SPINE_LEAF "  uplink: {rate: 1Gbps, latency: 1us}\n",
                 "6:25", "unknown key 'latency' in topology.uplink; "
                 "expected one of: rate, delay");
    expect_error(fs, "queue zero", SPINE_LEAF "switch: {queue: 0}\n", "6:17",
                 "switch.queue is '0' (must be greater than zero)");
    expect_error(fs, "fractional size", SPINE_LEAF "switch: {queue: 1.5}\n",
                 "6:17", "switch.queue is '1.5' (not a whole number of "
                 "bytes)");
    expect_error(fs, "unknown scheduler",
                 SPINE_LEAF "switch: {scheduler: wfq}\n", "6:21",
                 "switch.scheduler is 'wfq'; expected one of: strict");
    expect_error(fs, "ecmp_seed too large",
                 SPINE_LEAF "switch: {ecmp_seed: 4294967296}\n", "6:21",
                 "switch.ecmp_seed is '4294967296'; expected per-switch or "
                 "an integer 0..4294967295");
    expect_error(fs, "ecmp_seed word",
                 SPINE_LEAF "switch: {ecmp_seed: same}\n", "6:21",
                 "expected per-switch or an integer 0..4294967295");
    expect_error(fs, "unknown switch key",
                 SPINE_LEAF "switch: {pfc: true}\n", "6:10",
                 "unknown key 'pfc' in switch; expected one of: mmu, queue, "
                 "buffer, reserve, latency, scheduler, ecmp_seed");
}

static void
test_traffic_errors(struct files *fs)
{
    expect_error(fs, "traffic is a mapping",
                 SPINE_LEAF "traffic: {pattern: flows}\n", "6:10",
                 "traffic is a mapping; expected a sequence of traffic "
                 "mappings");
    expect_error(fs, "missing pattern",
                 SPINE_LEAF "traffic:\n  - size: 1MB\n", "7:5",
                 "missing required key 'pattern' in traffic.0");
    expect_error(fs, "unknown pattern",
                 SPINE_LEAF "traffic:\n  - pattern: storm\n", "7:14",
                 "traffic.0.pattern is 'storm'; expected one of: flows, "
                 "permutation, incast, all-to-all, random");
    expect_error(fs, "key of another pattern",
                 SPINE_LEAF "traffic:\n  - pattern: permutation\n"
                 "    size: 1MB\n    count: 5\n", "9:5",
                 "unknown key 'count' in traffic.0 (pattern permutation); "
                 "expected one of: pattern, protocol, size, rate, tc, "
                 "start, interarrival, cross_rack");
    expect_error(fs, "interarrival with flows",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n"
                 "    interarrival: 1us\n"
                 "    flows: [{src: h0, dst: h1, size: 1}]\n", "8:5",
                 "unknown key 'interarrival' in traffic.0 (pattern flows)");
    expect_error(fs, "missing size",
                 SPINE_LEAF "traffic:\n  - pattern: all-to-all\n", "7:5",
                 "missing required key 'size' in traffic.0");
    expect_error(fs, "random without count",
                 SPINE_LEAF "traffic:\n  - {pattern: random, size: 1MB}\n",
                 "7:5", "missing required key 'count' in traffic.0");
    expect_error(fs, "unknown protocol",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "protocol: sctp}\n", "7:48",
                 "traffic.0.protocol is 'sctp'; expected one of: udp, tcp");
    expect_error(fs, "tc out of range",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "tc: 8}\n", "7:42",
                 "traffic.0.tc is '8'; expected an integer 0..7");
    expect_error(fs, "interarrival zero",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "interarrival: 0}\n", "7:52",
                 "traffic.0.interarrival is '0' (must be greater than zero)");
    expect_error(fs, "cross_rack not a bool",
                 SPINE_LEAF "traffic:\n  - {pattern: permutation, size: 1MB, "
                 "cross_rack: yes}\n", "7:51",
                 "traffic.0.cross_rack is 'yes'; expected true or false");
    expect_error(fs, "zero flow rate",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows:\n"
                 "      - {src: h0, dst: h1, size: 1MB, rate: 0bps}\n",
                 "9:45", "traffic.0.flows.0.rate is '0bps' (must be greater "
                 "than zero); expected a rate with a unit, e.g. 25Gbps, or "
                 "line");
    expect_error(fs, "flow without size",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows:\n"
                 "      - {src: h0, dst: h1}\n",
                 "9:9", "missing required key 'size' in traffic.0.flows.0");
    expect_error(fs, "empty flows",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows: []\n",
                 "8:12", "traffic.0.flows is a sequence; expected a non-empty "
                 "sequence of flow mappings");
    expect_error(fs, "flow to a host that does not exist",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows:\n"
                 "      - {src: h0, dst: h1, size: 1MB}\n"
                 "      - {src: h0, dst: h9999, size: 1MB}\n",
                 "10:24", "traffic.0.flows.1.dst: no host named 'h9999' "
                 "(hosts are h0..h1023)");
    expect_error(fs, "flow from a switch",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows:\n"
                 "      - {src: leaf0, dst: h1, size: 1MB}\n",
                 "9:15", "traffic.0.flows.0.src: no host named 'leaf0' (it "
                 "is a switch; hosts are h0..h1023)");
    expect_error(fs, "flow to itself",
                 SPINE_LEAF "traffic:\n  - pattern: flows\n    flows:\n"
                 "      - {src: h3, dst: h3, size: 1MB}\n",
                 "9:24", "traffic.0.flows.0.dst is 'h3' (the same host as "
                 "src); expected a host other than src");
    expect_error(fs, "incast with too many senders",
                 SPINE_LEAF "traffic:\n  - pattern: incast\n    size: 1MB\n"
                 "    senders: 1024\n    receiver: h0\n", "9:14",
                 "traffic.0.senders is '1024'; expected an integer 1..1023 "
                 "(the topology has 1024 hosts)");
    expect_error(fs, "incast to an unknown receiver",
                 SPINE_LEAF "traffic:\n  - pattern: incast\n    size: 1MB\n"
                 "    senders: 10\n    receiver: server7\n", "10:15",
                 "traffic.0.receiver: no host named 'server7'");
    expect_error(fs, "permutation with one host",
                 "topology: {type: spine-leaf, spines: 1, leaves: 1, "
                 "servers_per_leaf: 1}\n"
                 "traffic: [{pattern: permutation, size: 1MB}]\n", "2:21",
                 "traffic.0.pattern: pattern permutation needs at least 2 "
                 "hosts and the topology has 1");
    expect_error(fs, "cross-rack traffic in one rack",
                 "topology: {type: spine-leaf, spines: 1, leaves: 1, "
                 "servers_per_leaf: 4}\n"
                 "traffic: [{pattern: random, size: 1MB, count: 3, "
                 "cross_rack: true}]\n", "2:62",
                 "traffic.0.cross_rack is 'true' (every host is in the same "
                 "rack)");
}

static void
test_explicit_errors(struct files *fs)
{
#define EXPLICIT_HEAD "topology:\n  type: explicit\n  nodes:\n"
    expect_error(fs, "explicit without links",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n", "2:3",
                 "missing required key 'links' in topology");
    expect_error(fs, "explicit node without kind",
                 EXPLICIT_HEAD "    - {name: a}\n  links: []\n", "4:7",
                 "missing required key 'kind' in topology.nodes.0");
    expect_error(fs, "explicit node name with a space",
                 EXPLICIT_HEAD "    - {name: 'a b', kind: host}\n"
                 "  links: []\n", "4:14",
                 "topology.nodes.0.name is 'a b' (contains a space)");
    /* The results' CSV columns hold node names unquoted: a comma once
     * made links.csv rows of an extra column. */
    expect_error(fs, "explicit node name with a comma",
                 EXPLICIT_HEAD "    - {name: 'a,b', kind: host}\n"
                 "  links: []\n", "4:14",
                 "topology.nodes.0.name is 'a,b' (a comma); expected a node "
                 "name without spaces, commas or double quotes");
    expect_error(fs, "explicit node name with a double quote",
                 EXPLICIT_HEAD "    - {name: 'a\"b', kind: host}\n"
                 "  links: []\n", "4:14",
                 "topology.nodes.0.name is 'a\"b' (a double quote)");
    expect_error(fs, "explicit node kind",
                 EXPLICIT_HEAD "    - {name: a, kind: router}\n"
                 "  links: []\n", "4:23",
                 "topology.nodes.0.kind is 'router'; expected one of: host, "
                 "switch");
    expect_error(fs, "explicit host with a tier",
                 EXPLICIT_HEAD "    - {name: a, kind: host, tier: 1}\n"
                 "  links: []\n", "4:29",
                 "topology.nodes.0 is a host and hosts have no tier");
    expect_error(fs, "explicit tier out of range",
                 EXPLICIT_HEAD "    - {name: s, kind: switch, tier: 4}\n"
                 "  links: []\n", "4:37",
                 "topology.nodes.0.tier is '4'; expected an integer 1..3");
    expect_error(fs, "explicit duplicate name",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: s, kind: switch}\n"
                 "    - {name: a, kind: switch}\n  links: []\n", "6:14",
                 "topology.nodes.2.name is 'a' (already the name of node 0 at "
                 "line 4); expected a unique node name");
    expect_error(fs, "explicit empty links",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n  links: []\n",
                 "5:10", "topology.links is a sequence; expected a non-empty "
                 "sequence of link mappings");
    expect_error(fs, "explicit link to an unknown node",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: s, kind: switch}\n  links:\n"
                 "    - {a: a, b: t, rate: 1Gbps}\n", "7:17",
                 "topology.links.0.b is 't' (no such node); expected the name "
                 "of a node in topology.nodes");
    expect_error(fs, "explicit self loop",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: s, kind: switch}\n  links:\n"
                 "    - {a: s, b: s, rate: 1Gbps}\n", "7:17",
                 "topology.links.0.b is 's' (the same node as a)");
    expect_error(fs, "explicit link without rate",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: s, kind: switch}\n  links:\n"
                 "    - {a: a, b: s}\n", "7:7",
                 "missing required key 'rate' in topology.links.0");
    expect_error(fs, "unreachable host in an explicit topology",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: b, kind: host}\n"
                 "    - {name: s1, kind: switch}\n"
                 "    - {name: s2, kind: switch}\n  links:\n"
                 "    - {a: a, b: s1, rate: 1Gbps}\n"
                 "    - {a: b, b: s2, rate: 1Gbps}\n", "5:7",
                 "host 'b' cannot reach host 'a'");
    expect_error(fs, "host without a link",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: b, kind: host}\n"
                 "    - {name: s1, kind: switch}\n  links:\n"
                 "    - {a: a, b: s1, rate: 1Gbps}\n", "5:7",
                 "host 'b' has no link");
    expect_error(fs, "explicit flow to an unknown host",
                 EXPLICIT_HEAD "    - {name: a, kind: host}\n"
                 "    - {name: b, kind: host}\n"
                 "    - {name: s, kind: switch}\n  links:\n"
                 "    - {a: a, b: s, rate: 1Gbps}\n"
                 "    - {a: b, b: s, rate: 1Gbps}\n"
                 "traffic:\n  - pattern: flows\n"
                 "    flows: [{src: a, dst: c, size: 1}]\n", "12:27",
                 "traffic.0.flows.0.dst: no host named 'c'");
    expect_error(fs, "topology too large to build",
                 "topology:\n  type: spine-leaf\n  spines: 4\n  leaves: 300\n"
                 "  servers_per_leaf: 2\n", "1:1",
                 "spine-leaf topology: ");
#undef EXPLICIT_HEAD
}

static void
test_tcp_ecn_faults(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;
    const char *path = write_file(
        fs, "tcp.yaml",
        SPINE_LEAF
        "switch: {ecn: {mode: red, kmin: 5KB, kmax: 200KB, pmax: 0.01, "
        "at: enqueue}}\n"
        "tcp: {cc: cubic, min_rto: 1ms, delayed_ack: 1, dctcp_g: 0.125}\n"
        "faults: {loss: 0.001, reorder: 0.5, reorder_delay: 3us}\n"
        "traffic:\n"
        "  - {pattern: all-to-all, size: 1MB, protocol: tcp}\n"
        "  - {pattern: all-to-all, size: 1MB, protocol: tcp,\n"
        "     tcp: {cc: dctcp, handshake: true}}\n");
    int rc = scenario_load(path, NULL, 0, &scn, &err);
    if (!ok(rc == 0, "tcp/ecn/faults scenario loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    ok(scn.sw.ecn.mode == ECN_MARK_RED && scn.sw.ecn.at_enqueue,
       "ecn: red at enqueue");
    is_u64(scn.sw.ecn.kmin_bytes, 5000, "ecn kmin");
    is_u64(scn.sw.ecn.kmax_bytes, 200000, "ecn kmax");
    ok(scn.sw.ecn.pmax == 0.01, "ecn pmax");
    ok(!strcmp(scn.tcp.cc, "cubic"), "top-level cc");
    is_u64(scn.tcp.min_rto_ps, PS_PER_MS, "top-level min_rto");
    is_u64(scn.tcp.init_cwnd, 10, "init_cwnd defaults to 10");
    ok(scn.tcp.slow_start_after_idle,
       "slow_start_after_idle defaults to true (Linux's default)");
    is_u64(scn.tcp.max_rto_ps, 120 * PS_PER_S, "max_rto defaults to 120 s");
    ok(scn.faults.loss == 0.001 && scn.faults.reorder == 0.5 &&
           scn.faults.reorder_delay_ps == 3 * PS_PER_US,
       "faults");
    const struct tcp_spec *a = &scn.traffic[0].tcp, *b = &scn.traffic[1].tcp;
    ok(!strcmp(a->cc, "cubic") && !a->handshake && a->delack_segs == 1,
       "entry 0 inherits the top-level tcp");
    ok(!strcmp(b->cc, "dctcp") && b->handshake && b->delack_segs == 1 &&
           b->min_rto_ps == PS_PER_MS && b->dctcp_g == 0.125,
       "entry 1 overrides cc and handshake, inherits the rest");
    scenario_free(&scn);

    expect_error(fs, "ecn without mode",
                 SPINE_LEAF "switch: {ecn: {k: 10KB}}\n", "6:15",
                 "missing required key 'mode' in switch.ecn");
    expect_error(fs, "step without k",
                 SPINE_LEAF "switch: {ecn: {mode: step}}\n", "6:15",
                 "missing required key 'k' in switch.ecn");
    expect_error(fs, "red key in step mode",
                 SPINE_LEAF "switch: {ecn: {mode: step, k: 1KB, pmax: 1}}\n",
                 "6:36", "unknown key 'pmax' in switch.ecn (mode step)");
    expect_error(fs, "kmax not above kmin",
                 SPINE_LEAF "switch: {ecn: {mode: red, kmin: 9KB, kmax: 9KB, "
                 "pmax: 0.1}}\n", "6:44",
                 "switch.ecn.kmax is '9KB' (not above kmin)");
    expect_error(fs, "pmax out of range",
                 SPINE_LEAF "switch: {ecn: {mode: red, kmin: 1KB, kmax: 9KB, "
                 "pmax: 1.5}}\n", "6:55",
                 "switch.ecn.pmax is '1.5' (greater than 1); expected a "
                 "probability in (0, 1]");
    expect_error(fs, "pmax not a number",
                 SPINE_LEAF "switch: {ecn: {mode: red, kmin: 1KB, kmax: 9KB, "
                 "pmax: nan}}\n", "6:55",
                 "switch.ecn.pmax is 'nan' (not a number)");
    expect_error(fs, "unknown cc",
                 SPINE_LEAF "tcp: {cc: vegas}\n", "6:11",
                 "tcp.cc is 'vegas'; expected one of: newreno, cubic, dctcp");
    expect_error(fs, "min_rto above max_rto",
                 SPINE_LEAF "tcp: {min_rto: 2s, max_rto: 1s}\n", "6:16",
                 "tcp.min_rto is '2s' (min_rto is greater than max_rto)");
    expect_error(fs, "rcv_buf too large",
                 SPINE_LEAF "tcp: {rcv_buf: 2GiB}\n", "6:16",
                 "tcp.rcv_buf is '2GiB' (larger than the 1 GiB TCP window "
                 "limit)");
    expect_error(fs, "zero delayed_ack",
                 SPINE_LEAF "tcp: {delayed_ack: 0}\n", "6:20",
                 "tcp.delayed_ack is '0'; expected an integer 1..64");
    expect_error(fs, "slow_start_after_idle not a bool",
                 SPINE_LEAF "tcp: {slow_start_after_idle: 1}\n", "6:30",
                 "tcp.slow_start_after_idle is '1'");
    expect_error(fs, "entry slow_start_after_idle not a bool",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "protocol: tcp, tcp: {slow_start_after_idle: off}}\n", "7:82",
                 "traffic.0.tcp.slow_start_after_idle is 'off'");
    expect_error(fs, "tcp on a udp entry",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "tcp: {cc: cubic}}\n", "7:38",
                 "traffic.0.tcp: TCP parameters on a udp entry");
    expect_error(fs, "bad entry tcp key",
                 SPINE_LEAF "traffic:\n  - {pattern: all-to-all, size: 1MB, "
                 "protocol: tcp, tcp: {cwnd: 3}}\n", "7:59",
                 "unknown key 'cwnd' in traffic.0.tcp");
    expect_error(fs, "loss of 1",
                 SPINE_LEAF "faults: {loss: 1}\n", "6:16",
                 "faults.loss is '1'; expected a probability in [0, 1)");
    expect_error(fs, "reorder without delay",
                 SPINE_LEAF "faults: {reorder: 0.1}\n", "6:9",
                 "missing required key 'reorder_delay' in faults");
}

/* Loads TEXT (a valid scenario) with overrides; NULL on failure. */
static struct scenario *
load_ok(struct files *fs, const char *what, const char *text,
        const struct scenario_override *ov, size_t n_ov,
        struct scenario *scn)
{
    char *err = NULL;
    if (ok(load(fs, text, ov, n_ov, scn, &err) == 0, "%s loads", what))
        return scn;
    diag("%s", err);
    free(err);
    return NULL;
}

/* ETS configuration: the defaults (802.1Qaz's example), keys replacing
 * them one by one, the host section inheriting from the switch, quanta
 * from the MTU, and mistakes that would otherwise go unnoticed. */
static void
test_ets(struct files *fs)
{
    struct scenario scn;
    if (load_ok(fs, "default switch", SPINE_LEAF, NULL, 0, &scn)) {
        const struct ets_spec *e = &scn.sw.ets;
        ok(e->strict_mask == 0xC0 && e->weighted_mask == 0x09 &&
               e->weight_pct[0] == 50 && e->weight_pct[3] == 50,
           "ets defaults: strict [6, 7], weights {0: 50, 3: 50}");
        /* ceil(1542 / 50) x 50 at MTU 1500. */
        ok(e->quantum_bytes[0] == 1550 && e->quantum_bytes[3] == 1550,
           "quanta 1550 at MTU 1500");
        ok(!strcmp(scn.host.scheduler, "strict") &&
               !memcmp(&scn.host.ets, e, sizeof *e),
           "host defaults to the switch's scheduler and ets");
        scenario_free(&scn);
    }
    if (load_ok(fs, "ets weights only",
                SPINE_LEAF "mtu: 9000\n"
                "switch: {scheduler: ets, ets: {weights: {0: 70, 3: 30}}}\n"
                "host: {ets: {strict: [7], weights: {1: 0, 2: 100}}}\n",
                NULL, 0, &scn)) {
        const struct ets_spec *e = &scn.sw.ets, *h = &scn.host.ets;
        ok(e->strict_mask == 0xC0 && e->weight_pct[0] == 70 &&
               e->weight_pct[3] == 30,
           "switch: weights replaced, strict kept");
        /* 9000 + 42 = 9042 B; ceil(9042 / 30) = 302. */
        ok(e->quantum_bytes[0] == 70 * 302 && e->quantum_bytes[3] == 30 * 302,
           "quanta from MTU 9000: %u, %u", e->quantum_bytes[0],
           e->quantum_bytes[3]);
        ok(!strcmp(scn.host.scheduler, "ets"), "host: scheduler inherited");
        ok(h->strict_mask == 0x80 && h->ets_mask == 0x06 &&
               h->weighted_mask == 0x04 && h->weight_pct[0] == 0 &&
               h->quantum_bytes[2] == 100 * 91,
           "host: its own strict and weights, quantum 100 x ceil(9042 / "
           "100)");
        scenario_free(&scn);
    }
    static const struct scenario_override ov[] = {
        { "switch.scheduler", "ets" },
        { "switch.ets.weights.5", "100" },
        { "host.scheduler", "strict" },
    };
    if (load_ok(fs, "ets by --set", SPINE_LEAF, ov, ARRAY_SIZE(ov), &scn)) {
        ok(scn.sw.ets.weighted_mask == 0x20 &&
               !strcmp(scn.host.scheduler, "strict"),
           "--set switch.ets.weights.5=100, host.scheduler=strict");
        scenario_free(&scn);
    }

    expect_error(fs, "host ets against inherited strict",
                 SPINE_LEAF "switch: {scheduler: ets}\n"
                 "host: {ets: {weights: {0: 50, 7: 50}}}\n", "7:31",
                 "host.ets.weights.7: class 7 is also strict");
    expect_error(fs, "host ets with the switch's strict scheduler",
                 SPINE_LEAF "host: {ets: {strict: [5]}}\n", "6:8",
                 "host.ets given with scheduler strict; expected "
                 "scheduler: ets, or no ets key");
    static const struct scenario_override ov70[] = {
        { "switch.scheduler", "ets" },
        { "switch.ets.weights.3", "70" },
    };
    expect_error_ov(fs, "weights by --set not summing to 100", SPINE_LEAF,
                    ov70, ARRAY_SIZE(ov70), "--set switch.ets.weights.3=70",
                    "switch.ets.weights sum to 70; expected percentages "
                    "that sum to 100");
}

/* qos and pfc: a full section read back, and the static XON that would
 * lie below zero (a class that, once paused, is never resumed). */
static void
test_qos_pfc(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;
    const char *path = write_file(
        fs, "pfc.yaml",
        "stop: 5ms\n" SPINE_LEAF
        "qos: {trust: pcp, dscp: {46: 5}, pcp: {1: 3}, lossless: [3, 6],\n"
        "      alpha: {0: 4, 3: 1/16}}\n"
        "pfc: {headroom: 64KB, xoff: 20KB, xon_offset: 20KB, quanta: 1000,\n"
        "      response: 2us, watchdog: {detection: 10ms, action: forward}}\n");
    int rc = scenario_load(path, NULL, 0, &scn, &err);
    if (!ok(rc == 0, "qos/pfc scenario loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    ok(scn.qos.trust == QOS_TRUST_PCP && scn.qos.dscp_prio[46] == 5 &&
           scn.qos.dscp_prio[26] == 3 && scn.qos.pcp_prio[1] == 3 &&
           scn.qos.pcp_prio[2] == 2,
       "qos: trust pcp; dscp and pcp maps over the defaults");
    is_u64(scn.qos.lossless, 1u << 3 | 1u << 6, "qos.lossless [3, 6]");
    ok(scn.qos.alpha[0] == 4 && scn.qos.alpha[3] == 1.0 / 16 &&
           scn.qos.alpha[6] == 1.0 / 8 && scn.qos.alpha[1] == 8,
       "alpha as given; else 1/8 lossless, 8 lossy");
    ok(scn.pfc.enabled && !strcmp(scn.sw.mmu, "shared"),
       "a pfc section turns PFC on, and the shared MMU with it");
    is_u64(scn.pfc.headroom_bytes, 64000, "pfc.headroom");
    is_u64(scn.pfc.xoff_bytes, 20000, "pfc.xoff");
    is_u64(scn.pfc.xon_offset_bytes, 20000, "pfc.xon_offset may equal xoff");
    is_u64(scn.pfc.quanta, 1000, "pfc.quanta");
    is_u64(scn.pfc.response_ps, 2000000, "pfc.response");
    ok(scn.pfc.watchdog && scn.pfc.wd_detect_ps == 10000000000u &&
           scn.pfc.wd_restore_ps == 200000000000u &&
           scn.pfc.wd_action == PFC_WD_FORWARD,
       "pfc.watchdog: on, detection given, restoration default, forward");
    scenario_free(&scn);

    expect_error(fs, "xon_offset above a static xoff",
                 "stop: 5ms\n" SPINE_LEAF
                 "pfc: {xoff: 10KB, xon_offset: 20KB}\n", "7:31",
                 "pfc.xon_offset is '20KB' (above pfc.xoff, 10000 B: XON "
                 "would be below 0); expected a size not above pfc.xoff");
    expect_error(fs, "static xoff below the default xon_offset",
                 "stop: 5ms\n" SPINE_LEAF "pfc: {xoff: 2KB}\n", "7:13",
                 "pfc.xoff is '2KB' (below pfc.xon_offset, 3072 B by "
                 "default); expected dynamic, or a size not below "
                 "pfc.xon_offset");
    expect_error(fs, "switch.queue with the shared MMU PFC implies",
                 "stop: 5ms\n" SPINE_LEAF "switch: {queue: 1MB}\npfc: {}\n",
                 "7:10",
                 "switch.queue applies only to the taildrop MMU, but "
                 "switch.mmu is shared (the default with PFC); expected no "
                 "switch.queue (the shared MMU limits queues by qos.alpha)");
    expect_error(fs, "switch.queue with switch.mmu: shared",
                 SPINE_LEAF "switch: {mmu: shared, queue: 1MB}\n", "6:23",
                 "switch.queue applies only to the taildrop MMU, but "
                 "switch.mmu is shared; expected no switch.queue (the shared "
                 "MMU limits queues by qos.alpha), or switch.mmu: taildrop");
    expect_error(fs, "switch.reserve with the default MMU",
                 SPINE_LEAF "switch: {reserve: 1KB}\n", "6:10",
                 "switch.reserve applies only to the shared MMU, but "
                 "switch.mmu is taildrop (the default); expected switch.mmu: "
                 "shared, or no switch.reserve");
    expect_error(fs, "DSCP 64",
                 SPINE_LEAF "qos: {dscp: {64: 3}}\n", "6:14",
                 "qos.dscp: key '64' is not a DSCP value; expected an "
                 "integer 0..63");
}

/* rdma.cc: hpcc and rdma.hpcc: the simulator's defaults (eta 0.95,
 * maxStage 0, R_AI and T derived per flow), and each key as given. */
static void
test_hpcc(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;
    int rc = load(fs, SPINE_LEAF "rdma: {cc: hpcc}\n", NULL, 0, &scn, &err);
    if (!ok(rc == 0, "rdma.cc hpcc loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    const struct hpcc_params *h = &scn.rdma.hpcc;
    ok(scn.rdma.cc == RDMA_CC_HPCC && !strcmp(scn.rdma.cc_name, "hpcc") &&
           h->eta == 0.95 && h->max_stage == 0 && h->r_ai_bps == 0 &&
           h->t_ps == 0,
       "hpcc defaults: eta 0.95, max_stage 0, r_ai and t per flow");
    scenario_free(&scn);
    rc = load(fs, SPINE_LEAF
              "rdma: {cc: hpcc, hpcc: {eta: 0.9, max_stage: 5, r_ai: 50Mbps, "
              "t: 9us}}\n",
              NULL, 0, &scn, &err);
    h = &scn.rdma.hpcc;
    ok(rc == 0 && h->eta == 0.9 && h->max_stage == 5 &&
           h->r_ai_bps == 50000000 && h->t_ps == 9 * PS_PER_US,
       "rdma.hpcc keys as given");
    scenario_free(&scn);
}

/* rdma.dcqcn: the ns3 preset holds the HPCC repository's ns-3 simulator's
 * DCQCN values (simulation/mix/config.txt: EWMA_GAIN 0.00390625,
 * ALPHA_RESUME_INTERVAL 1, RATE_DECREASE_INTERVAL 4, RP_TIMER 900,
 * FAST_RECOVERY_TIMES 1, RATE_AI 50Mb/s, RATE_HAI 100Mb/s, MIN_RATE
 * 100Mb/s, CLAMP_TARGET_RATE 0; rdma-hw.cc: alpha 1 at the first CNP, no
 * byte counter, a CNP on every ACK of a marked packet, R_HAI per hyper
 * step); keys given override the preset, in either spelling of it; the
 * old profiles are unchanged. */
static void
test_dcqcn(struct files *fs)
{
    struct scenario scn;
    char *err = NULL;
    int rc = load(fs, SPINE_LEAF "rdma: {cc: dcqcn, dcqcn: {preset: ns3}}\n",
                  NULL, 0, &scn, &err);
    if (!ok(rc == 0, "rdma.dcqcn.preset ns3 loads")) {
        diag("%s", err);
        free(err);
        return;
    }
    const struct dcqcn_params *d = &scn.rdma.dcqcn;
    ok(d->g == 0.00390625 && d->alpha0 == 1 && d->alpha_period_ps == PS_PER_US &&
           d->dec_period_ps == 4 * PS_PER_US &&
           d->inc_period_ps == 900 * PS_PER_US && d->byte_counter == 0 &&
           d->fast_recovery == 1 && d->ai_bps == 50000000 &&
           d->hai_bps == 100000000 && d->min_rate_bps == 100000000 &&
           d->min_dec_factor == 0 && d->cnp_interval_ps == 0 && !d->clamp &&
           d->hyper == DCQCN_HYPER_CONSTANT,
       "ns3 preset: g 1/256, alpha 1, periods 1/4/900 us, no byte counter, "
       "F 1, R_AI 50M, R_HAI 100M per step, min 100M, clamp off, CNP per mark");
    scenario_free(&scn);
    rc = load(fs, SPINE_LEAF
              "rdma: {cc: dcqcn, dcqcn_profile: ns3, dcqcn: {g: 0.0625, "
              "r_ai: 5Mbps, byte_counter: 1MB, clamp: true, hyper: linear, "
              "cnp_interval: 2us, initial_alpha: 0.5, alpha_period: 55us, "
              "decrease_period: 50us, increase_timer: 300us, "
              "fast_recovery: 5, r_hai: 1Gbps, min_rate: 1Gbps, "
              "min_dec_factor: 0.5}}\n",
              NULL, 0, &scn, &err);
    d = &scn.rdma.dcqcn;
    ok(rc == 0 && d->g == 0.0625 && d->ai_bps == 5000000 &&
           d->byte_counter == 1000000 && d->clamp &&
           d->hyper == DCQCN_HYPER_LINEAR &&
           d->cnp_interval_ps == 2 * PS_PER_US && d->alpha0 == 0.5 &&
           d->alpha_period_ps == 55 * PS_PER_US &&
           d->dec_period_ps == 50 * PS_PER_US &&
           d->inc_period_ps == 300 * PS_PER_US && d->fast_recovery == 5 &&
           d->hai_bps == 1000000000 && d->min_rate_bps == 1000000000 &&
           d->min_dec_factor == 0.5,
       "rdma.dcqcn keys override the preset");
    scenario_free(&scn);
    rc = load(fs, SPINE_LEAF "rdma: {cc: dcqcn, dcqcn: {r_ai: 1Gbps}}\n",
              NULL, 0, &scn, &err);
    d = &scn.rdma.dcqcn;
    ok(rc == 0 && !strcmp(scn.rdma.profile, "paper") && d->g == 1.0 / 256 &&
           d->byte_counter == 10000000 && d->ai_bps == 1000000000 &&
           d->clamp && d->hyper == DCQCN_HYPER_LINEAR,
       "without a preset the keys override the paper's");
    scenario_free(&scn);
    rc = load(fs, SPINE_LEAF "rdma: {cc: dcqcn, dcqcn_profile: mellanox}\n",
              NULL, 0, &scn, &err);
    d = &scn.rdma.dcqcn;
    ok(rc == 0 && d->g == 5.0 / 1024 && d->byte_counter == 32767 &&
           d->cnp_interval_ps == 4 * PS_PER_US && d->clamp &&
           d->hyper == DCQCN_HYPER_LINEAR,
       "dcqcn_profile mellanox unchanged");
    scenario_free(&scn);
}

int
main(void)
{
    struct files fs = { .n = 0 };
    snprintf(fs.dir, sizeof fs.dir, "/tmp/test-scenario-XXXXXX");
    if (!mkdtemp(fs.dir)) {
        perror("mkdtemp");
        return 1;
    }

    test_defaults(&fs);
    test_full(&fs);
    test_other_topologies(&fs);
    test_overrides(&fs);
    test_yaml_errors(&fs);
    test_schema_errors(&fs);
    test_traffic_errors(&fs);
    test_explicit_errors(&fs);
    test_tcp_ecn_faults(&fs);
    test_ets(&fs);
    test_qos_pfc(&fs);
    test_hpcc(&fs);
    test_dcqcn(&fs);

    /* Remove the files (each path is recorded once). */
    for (size_t i = 0; i < fs.n; i++) {
        unlink(fs.paths[i]);
        free(fs.paths[i]);
    }
    rmdir(fs.dir);
    return done_testing();
}
