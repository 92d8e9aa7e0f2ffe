/* Scenario files: YAML in, a validated model description out.
 *
 * scenario_load() reads a YAML file (libyaml), applies command-line
 * overrides (--set KEY=VALUE), checks every key against the schema
 * documented in docs/scenario.md, builds the topology graph and resolves
 * host names.  On any error it returns nonzero with one message naming
 * FILE:LINE:COLUMN and what was expected; nothing else has been done, so
 * the caller exits 2 without writing anything.
 *
 * Everything in `struct scenario` is owned by it and freed by
 * scenario_free(). */
#ifndef DCSIM_SCENARIO_H
#define DCSIM_SCENARIO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/control-spec.h"
#include "fabric/fabric-spec.h"
#include "fabric/topo.h"
#include "host/host-spec.h"
#include "overlay/overlay-spec.h"
#include "pkt/pkt.h"
#include "storage/storage-spec.h"
#include "transport/transport-spec.h"
#include "workload/workload-spec.h"

/* "write", "send", "read", "write_imm": the scenario's names. */
const char *rdma_verb_name(enum rdma_verb);

/* One entry of monitor.queues, resolved against the graph: the egress
 * ports of NODE, all of them or only those cabled to PEER. */
struct monitor_select {
    uint32_t node;            /* Topology node index. */
    uint32_t peer;            /* Node index; MONITOR_ALL_PORTS: every port. */
};

#define MONITOR_ALL_PORTS UINT32_MAX

/* monitor.pcap: frames of chosen ports written to monitor.pcap. */
struct monitor_pcap {
    bool on;                  /* The key is present. */
    struct monitor_select *select;  /* monitor.pcap.ports. */
    size_t n_select;
    uint64_t start_ps;        /* Frames that start onto the link from */
    uint64_t stop_ps;         /* START up to (not at) STOP; 0: the end. */
    uint32_t snaplen;         /* Bytes of each frame kept. */
};

/* The `monitor` section: queue occupancy sampled every interval. */
struct monitor_spec {
    uint64_t interval_ps;     /* 0: no series sampled. */
    struct src_loc interval_loc;
    struct monitor_select *select;
    size_t n_select;
    struct monitor_select *links;  /* monitor.links: link_series.csv. */
    size_t n_links;
    uint32_t *tcp;            /* monitor.tcp: flow ids whose TCP state is */
    size_t n_tcp;             /* sampled (tcp_series.csv). */
    struct src_loc tcp_loc;
    struct monitor_pcap pcap;
    uint32_t *qps;            /* monitor.qps: flow ids whose RDMA rate is */
    size_t n_qps;             /* sampled (rate_series.csv). */
    struct src_loc qps_loc;
    bool breakdown;           /* monitor.breakdown: the flow whose */
    uint32_t breakdown_flow;  /* packets' latency is broken down. */
    struct src_loc breakdown_loc;
    bool fct_txt;             /* monitor.fct_txt: write fct.txt. */
};

struct scenario {
    char *file;               /* Path as given. */
    char *name;               /* `name`, default: file's base name. */
    uint64_t seed;
    uint64_t stop_ps;         /* 0 = run until no event is left. */
    uint32_t mtu_bytes;       /* IP MTU. */
    enum fabric fabric;
    struct ib_spec ib;        /* With FABRIC_INFINIBAND. */
    struct topo_spec topo;
    struct topo_graph graph;  /* Built from `topo`. */
    struct switch_spec sw;
    struct qos_spec qos;
    struct qos_node *qos_nodes;
    size_t n_qos_nodes;
    struct pfc_spec pfc;
    struct host_spec host;
    bool has_server;          /* A `server` section: the CPU model is on. */
    struct server_spec server;
    struct server_node *server_nodes;
    size_t n_server_nodes;
    struct tcp_spec tcp;      /* Defaults for TCP traffic entries. */
    struct rdma_spec rdma;
    struct fault_spec faults;
    struct traffic_spec *traffic;
    size_t n_traffic;
    struct monitor_spec monitor;
    struct overlay_spec overlay;  /* enabled: an `overlay` section. */
    struct control_spec control;  /* `control` and `events`; no events: no
                                   * control plane is built. */
    struct storage_spec storage;  /* on: a `storage` section. */
};

/* One --set override: a dotted path ("topology.spines", "traffic.0.size")
 * and a value parsed as a YAML scalar. */
struct scenario_override {
    const char *key;
    const char *value;
};

/* Returns 0 on success.  On failure returns 2 and sets *ERR to an
 * allocated message of the form "FILE:LINE:COL: what is wrong; expected
 * ..." (or "--set KEY=VALUE: ..." for overrides), and leaves *SCN empty.
 * PATH "-" reads standard input, called SCENARIO_STDIN_NAME in messages
 * and scn->file (its default name is "stdin"; files it names, such as a
 * CDF, are relative to the working directory). */
#define SCENARIO_STDIN_NAME "<stdin>"

int scenario_load(const char *path, const struct scenario_override *,
                  size_t n_overrides, struct scenario *scn, char **err);
void scenario_free(struct scenario *);

#endif
