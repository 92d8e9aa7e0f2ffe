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

#include "fabric/topo.h"
#include "pkt/pkt.h"

enum traffic_pattern {
    PATTERN_FLOWS,        /* An explicit list of flows. */
    PATTERN_PERMUTATION,  /* Every host sends to one other; each host
                           * receives exactly one flow (a derangement). */
    PATTERN_INCAST,       /* N senders to one receiver, in rounds. */
    PATTERN_ALL_TO_ALL,   /* Every ordered pair of distinct hosts. */
    PATTERN_RANDOM,       /* Flows between random distinct pairs: COUNT,
                           * or as many as arrive within DURATION. */
};

struct flow_spec {
    uint32_t src, dst;        /* Host numbers (0..n_hosts-1). */
    uint64_t size_bytes;      /* Application payload bytes, > 0. */
    uint64_t start_ps;
    uint64_t rate_bps;        /* 0 = the source's line rate. */
    uint8_t tc;               /* Traffic class 0..7. */
    struct src_loc loc;
};

struct cdf;

/* TCP parameters (docs/scenario.md, `tcp`): the top-level section sets
 * them for every TCP traffic entry, and an entry's own `tcp` mapping
 * overrides them for its flows. */
struct tcp_spec {
    const char *cc;           /* Congestion control: tcp_cc_find() name. */
    bool ecn;                 /* ECT on data, react to ECE (RFC 3168);
                               * always on with dctcp. */
    bool handshake;           /* SYN, SYN-ACK before data. */
    uint32_t init_cwnd;       /* Segments (RFC 6928: 10). */
    uint64_t min_rto_ps;      /* RTO floor (Linux: 200 ms). */
    uint64_t init_rto_ps;     /* Before the first RTT sample (RFC 6298). */
    uint64_t max_rto_ps;      /* Backoff ceiling (Linux TCP_RTO_MAX). */
    uint32_t max_retries;     /* Timeouts in a row before the connection
                               * is abandoned (Linux tcp_retries2). */
    uint32_t delack_segs;     /* ACK every Nth full segment; 1 = each. */
    uint32_t quickacks;       /* Segments acked at once at the start
                               * (Linux TCP_MAX_QUICKACKS: 16). */
    uint64_t delack_ps;       /* Delayed-ACK timeout. */
    uint64_t ack_jitter_ps;   /* Receive-path delay before an ACK leaves:
                               * uniform in [0, this]; 0 = none. */
    uint64_t rcv_buf_bytes;   /* Receive buffer = largest window. */
    uint32_t dupack_thresh;   /* Duplicate ACKs that trigger fast
                               * retransmit (RFC 5681: 3). */
    double dctcp_g;           /* DCTCP alpha gain (RFC 8257: 1/16). */
};

/* RDMA parameters (docs/scenario.md, `rdma`): RoCEv2 reliable
 * connections. */
enum rdma_cc {
    RDMA_CC_NONE,             /* Line rate; PFC keeps it lossless. */
    RDMA_CC_DCQCN,            /* DCQCN (Zhu et al., SIGCOMM 2015). */
    RDMA_CC_HPCC,             /* HPCC (Li et al., SIGCOMM 2019). */
};

/* DCQCN's parameters (rdma.c cites each profile's sources). */
struct dcqcn_params {
    double g;                 /* Alpha gain. */
    double alpha0;            /* Alpha at start. */
    uint64_t cnp_interval_ps; /* NP: at most one CNP per QP per this. */
    uint64_t alpha_period_ps; /* RP: alpha decays every this. */
    uint64_t dec_period_ps;   /* RP: at most one cut per this. */
    uint64_t inc_period_ps;   /* RP: rate-increase timer T. */
    uint64_t byte_counter;    /* RP: rate-increase byte counter B. */
    uint32_t fast_recovery;   /* F: steps before additive increase. */
    uint64_t ai_bps, hai_bps; /* Additive and hyper increase steps. */
    uint64_t min_rate_bps;
    double min_dec_factor;    /* A cut leaves at least this share. */
};

/* HPCC's parameters (`rdma.hpcc`; rdma-hpcc.h cites the defaults). */
struct hpcc_params {
    double eta;               /* Target utilization. */
    uint32_t max_stage;       /* Additive-only rounds before a
                               * multiplicative one (maxStage). */
    uint64_t r_ai_bps;        /* Additive increase R_AI; 0: the NIC's rate
                               * / 2500 (40 Mb/s at 100 Gb/s). */
    uint64_t t_ps;            /* Base RTT T; 0: each flow's own. */
};

struct rdma_spec {
    uint32_t mtu;             /* Path MTU: payload bytes per packet. */
    enum rdma_cc cc;
    const char *cc_name;      /* "none", "dcqcn", "hpcc", for reports. */
    const char *profile;      /* DCQCN: "paper" or "mellanox". */
    struct dcqcn_params dcqcn;
    struct hpcc_params hpcc;
    uint8_t cnp_tc;           /* Class CNPs travel in. */
    uint32_t ack_every;       /* The responder ACKs every Nth packet (and
                               * a message's last). */
    uint64_t timeout_ps;      /* Requester's retransmission timeout. */
    uint32_t retry_cnt;       /* Timeouts in a row before the QP fails. */
    uint64_t rnr_timer_ps;    /* Wait after an RNR NAK before retrying. */
    uint32_t rnr_retry;       /* RNR retries before failing; 7: forever. */
};

enum rdma_verb {
    RDMA_VERB_WRITE,          /* RDMA WRITE: no receive consumed. */
    RDMA_VERB_SEND,           /* SEND: consumes a posted receive. */
    RDMA_VERB_READ,           /* RDMA READ: the destination sends. */
    RDMA_VERB_WRITE_IMM,      /* WRITE with immediate: consumes a posted
                               * receive with its last packet. */
};

/* "write", "send", "read", "write_imm": the scenario's names. */
const char *rdma_verb_name(enum rdma_verb);

struct traffic_spec {
    enum traffic_pattern pattern;
    const char *protocol;     /* transport_find() name: "udp" by default,
                               * "ib" under fabric: infiniband. */
    uint64_t size_bytes;      /* Per flow (generated patterns). */
    struct cdf *size_cdf;     /* Non-NULL: each flow's size is drawn from
                               * this distribution instead (owned). */
    uint64_t rate_bps;        /* 0 = line rate. */
    uint8_t tc;
    uint64_t start_ps;        /* First (or every) flow's start time. */
    uint64_t interarrival_ps; /* Nonzero: Poisson starts with this mean
                               * gap, beginning at start_ps; zero: every
                               * flow starts at start_ps. */
    double load;              /* random: offered load of each host, as a
                               * fraction (0, 1] of its link rate, from
                               * which Poisson arrivals are derived; 0 =
                               * not given. */
    uint64_t duration_ps;     /* random: flows start within [start_ps,
                               * start_ps + duration_ps); 0 = `count`
                               * flows. */
    uint32_t count;           /* random: number of flows; incast: senders. */
    uint32_t receiver;        /* incast: host number. */
    uint32_t rounds;          /* incast: rounds, >= 1; each starts gap_ps
                               * after the previous one completed. */
    uint64_t gap_ps;          /* incast: between rounds. */
    bool cross_rack_only;     /* random/permutation: src and dst racks
                               * differ. */
    struct flow_spec *flows;  /* PATTERN_FLOWS. */
    size_t n_flows;
    struct tcp_spec tcp;      /* protocol tcp: the top level's, overridden
                               * by the entry's own `tcp`. */
    enum rdma_verb verb;      /* protocol roce/rocev1. */
    uint64_t recv_at_ps;      /* verb send: the receiver posts its receive
                               * at this time; SENDs before get RNR NAKs. */
    struct src_loc loc;
};

enum ecmp_seed_mode {
    ECMP_SEED_PER_SWITCH,     /* Each switch its own seed (default). */
    ECMP_SEED_SAME,           /* Every switch the same seed (polarizes). */
};

enum ecn_mark_mode {
    ECN_MARK_OFF,
    ECN_MARK_STEP,            /* CE when the queue exceeds K (DCTCP). */
    ECN_MARK_RED,             /* Probability 0 at Kmin rising to Pmax at
                               * Kmax, 1 above (RED on the instantaneous
                               * queue, as DCQCN and HPCC configure it). */
};

/* Switch ECN marking (RFC 3168 CE on ECT packets), per egress queue. */
struct ecn_spec {
    enum ecn_mark_mode mode;
    bool at_enqueue;          /* Mark on arrival; default on departure. */
    uint64_t k_bytes;         /* step */
    uint64_t kmin_bytes, kmax_bytes;  /* red */
    double pmax;              /* red */
};

/* Fault injection at every switch a packet crosses (a test knob): drop
 * with probability LOSS, or hold back by REORDER_DELAY with probability
 * REORDER so that later packets overtake it. */
struct fault_spec {
    double loss, reorder;
    uint64_t reorder_delay_ps;
};

/* ETS transmission selection (IEEE 802.1Qaz), read by the `ets`
 * scheduler (sched-ets.c).  Classes in neither mask, or weighted 0, are
 * served only when no strict or positively weighted class can be. */
struct ets_spec {
    uint8_t strict_mask;      /* Bit tc: class tc is strict priority. */
    uint8_t ets_mask;         /* Bit tc: class tc is listed in weights. */
    uint8_t weighted_mask;    /* Bit tc: weight_pct[tc] > 0. */
    uint8_t weight_pct[N_TC]; /* Bandwidth percentages, summing to 100. */
    uint32_t quantum_bytes[N_TC]; /* DWRR quantum, wire bytes per round;
                               * set from the weights and the MTU by
                               * sched_ets_set_quanta(). */
};

struct switch_spec {
    const char *mmu;          /* "taildrop" or "shared" (mmu.h). */
    uint64_t queue_bytes;     /* taildrop: limit of each egress queue. */
    uint64_t buffer_bytes;    /* Whole switch; 0 = no shared limit
                               * (taildrop only). */
    uint64_t reserve_bytes;   /* shared: guaranteed per (port, class). */
    uint64_t latency_ps;      /* Forwarding latency per switch hop. */
    const char *scheduler;    /* sched_find() name: "strict", "ets". */
    struct ets_spec ets;      /* With scheduler "ets". */
    enum ecmp_seed_mode ecmp_seed_mode;
    uint32_t ecmp_seed;       /* With ECMP_SEED_SAME. */
    struct ecn_spec ecn;
    char *where;              /* For buffer errors found at build time:
                               * "FILE:LINE:COL" of switch.buffer, switch
                               * or pfc, or the "--set KEY=VALUE" that
                               * made it; NULL without either (owned). */
};

enum qos_trust {
    QOS_TRUST_DSCP,           /* Classify IP packets by DSCP. */
    QOS_TRUST_PCP,            /* By the 802.1Q tag's PCP (untagged: 0). */
};

/* Classification and per-class buffer policy (docs/scenario.md `qos`),
 * the same at every switch and host.  Priority and traffic class are one
 * number: priority p uses egress queue p and ingress priority group p. */
struct qos_spec {
    enum qos_trust trust;
    uint8_t dscp_prio[64];    /* DSCP -> priority. */
    uint8_t pcp_prio[8];      /* PCP -> priority. */
    uint8_t lossless;         /* Bit p: priority p is lossless (with PFC). */
    double alpha[8];          /* Dynamic-threshold factor per class. */
};

/* qos.nodes: one node's own classification (the rest as `qos`). */
struct qos_node {
    uint32_t node;            /* Topology node index. */
    struct qos_spec qos;
};

enum pfc_wd_action {
    PFC_WD_DROP,              /* Drop the stormed queue's packets. */
    PFC_WD_FORWARD,           /* Ignore pauses and transmit. */
};

/* Priority-based flow control (IEEE 802.1Qbb) on lossless classes. */
struct pfc_spec {
    bool enabled;
    uint64_t headroom_bytes;  /* Per port and lossless class; 0 = the
                               * delay-model value for each port. */
    uint64_t xoff_bytes;      /* Static XOFF threshold on a priority
                               * group's reserved + shared bytes; 0 =
                               * dynamic (alpha x free shared buffer). */
    uint64_t xon_offset_bytes;/* XON this far below XOFF. */
    uint16_t quanta;          /* Pause time sent, in 512-bit quanta. */
    uint64_t response_ps;     /* Time from a pause frame's arrival to its
                               * effect; 0 = by link rate (table). */
    bool watchdog;
    uint64_t wd_detect_ps;    /* Paused this long with packets: storm. */
    uint64_t wd_restore_ps;   /* No pause received this long: restore. */
    enum pfc_wd_action wd_action;
};

/* The hosts' NICs (the `host` section); each field defaults to the
 * switches' one. */
struct host_spec {
    const char *scheduler;    /* Egress scheduler of every host port. */
    struct ets_spec ets;      /* With scheduler "ets". */
    bool vlan;                /* Tag every frame (802.1Q), VID vid and */
    uint16_t vid;             /* PCP = the flow's traffic class. */
    uint64_t rx_rate_bps;     /* NIC receive drain rate; 0: none. */
    uint64_t rx_buffer_bytes; /* NIC receive buffer (with rx_rate). */
    uint32_t *stall_hosts;    /* rx_stall: these hosts drain nothing */
    size_t n_stall_hosts;     /* in [stall_start_ps, + stall_ps). */
    uint64_t stall_start_ps, stall_ps;
    struct src_loc rx_loc;    /* Of host.rx_buffer, for build errors. */
};

/* Servers (the `server` section, docs/scenario.md): CPU cores on NUMA
 * sockets that pay for network processing, the NIC on PCIe, and virtual
 * machines with their I/O paths.  Absent: hosts cost nothing and the NIC
 * runs every transport (the fabric-only model). */

/* CPU work in cycles at the core's clock (per byte: cycles per byte). */
struct cpu_costs {
    double syscall;           /* One send() or recv() system call. */
    double tx_pkt;            /* Kernel TCP/IP + driver, per packet sent. */
    double rx_pkt;            /* Driver + IP + TCP, per packet received. */
    double ack_pkt;           /* An ACK: built and sent, or received. */
    double driver_pkt;        /* Driver work per frame received (with GRO
                               * the stack sees merged packets). */
    double copy_byte;         /* User <-> kernel copy, per byte. */
    double remote_byte;       /* Extra per byte copied from memory on the
                               * other NUMA node. */
    double irq;               /* One interrupt: hard IRQ + softirq entry. */
    double bridge_pkt;        /* Host bridge/tap forwarding of a VM's
                               * packet. */
    double rdma_post;         /* One RDMA work request posted. */
    double rdma_poll;         /* One completion polled. */
    double walk_ref;          /* One memory reference of a page walk. */
};

/* VM exit and I/O-path costs, cycles. */
struct vm_costs {
    double exit_entry;        /* Hardware exit + entry round trip. */
    double exit_user;         /* Extra for an exit handled by the user-space
                               * VMM (the ioctl return and re-entry). */
    double handle[8];         /* By reason (enum vm_exit_reason). */
    double emulate;           /* Device-model work per emulated register
                               * access (user-space VMM). */
    double backend_pkt;       /* virtio user-space backend, per packet. */
    double vhost_pkt;         /* vhost-net worker, per packet. */
    uint64_t iotlb_miss_ps;   /* IOMMU page walk on an IOTLB miss (time:
                               * the NIC waits, no CPU). */
};

enum vm_exit_reason {
    EXIT_IO,                  /* Port I/O (a virtio-pci kick). */
    EXIT_MMIO,                /* MMIO (EPT misconfig): register access. */
    EXIT_HLT,
    EXIT_EPT_VIOLATION,
    EXIT_INTR_WINDOW,
    EXIT_EOI,                 /* APIC EOI write without virtual EOI. */
    EXIT_EXTINT,              /* External interrupt / IPI to the vCPU. */
    EXIT_N_REASONS,
};

enum vm_io {
    VM_IO_EMULATED,           /* e1000-like: register accesses trap. */
    VM_IO_VIRTIO,             /* virtio-net, user-space backend. */
    VM_IO_VHOST,              /* virtio-net, vhost-net kernel backend. */
    VM_IO_SRIOV,              /* SR-IOV VF passed through (VFIO). */
};

/* Firecracker's TokenBucket (its API's RateLimiter.bandwidth and .ops):
 * SIZE tokens, refilled from empty in REFILL_PS (continuously, at
 * SIZE / REFILL_PS), full at the start, plus ONE_TIME_BURST tokens spent
 * first and never refilled.  SIZE 0: no bucket. */
struct token_bucket_spec {
    uint64_t size;
    uint64_t one_time_burst;
    uint64_t refill_ps;
};

/* server.vm.block: a virtio-blk drive in every VM, its requests served by
 * the VMM's block backend from a device shared by the host's VMs, behind
 * a rate limiter; each VM runs a closed-loop job on it (fio-like). */
struct blk_spec {
    bool on;
    uint64_t read_latency_ps, write_latency_ps;  /* The device's. */
    uint64_t read_rate_bps, write_rate_bps;
    struct token_bucket_spec bw, ops;            /* Bytes; requests. */
    bool async;               /* io_engine Async (io_uring), else Sync:
                               * the backend waits for each I/O. */
    bool write;                                  /* The job's op. */
    uint64_t size;                               /* Bytes per request. */
    uint32_t iodepth;                            /* Outstanding. */
    uint64_t requests;                           /* Per VM. */
    uint64_t start_ps;
    double submit, complete;  /* Guest block layer + driver per request,
                               * cycles. */
};

struct vm_spec {
    enum vm_io io;
    uint32_t count;           /* VMs per host; flows spread over them. */
    uint32_t vcpus;           /* Per VM. */
    uint32_t *vcpu_cores;     /* Pinning: vCPU i of VM v on core
                               * vcpu_cores[(v * vcpus + i) % n]; NULL:
                               * after the host's own cores. */
    size_t n_vcpu_cores;
    uint32_t *backend_cores;  /* virtio/vhost backend threads. */
    size_t n_backend_cores;
    bool event_idx;           /* VIRTIO_RING_F_EVENT_IDX. */
    bool posted_interrupts;   /* APICv/AVIC posted interrupts (and virtual
                               * EOI). */
    bool vpid;                /* Tagged TLB: entries survive exits. */
    bool mmio;                /* virtio-mmio transport (Firecracker). */
    bool migrate;             /* Live migration wanted (refused with a
                               * VF). */
    uint32_t guest_page;      /* Guest page size: 4 KiB, 2 MiB or 1 GiB. */
    uint32_t iotlb_entries;   /* SR-IOV: the IOMMU's IOTLB. */
    uint32_t e1000_tx_exits;  /* Register writes per packet sent. */
    uint32_t e1000_irq_exits; /* Register accesses per interrupt. */
    uint64_t rl_rate_bps;     /* Firecracker token bucket on the vNIC: */
    uint64_t rl_burst_bytes;  /* refill rate and size; 0: none. */
    bool profile_ghz_ns;      /* vm.profile given: its medians (ns), */
    double prof_kernel_ns;    /* applied to the costs once the clock */
    double prof_user_ns;      /* is known. */
    double prof_mmio_ns;
    struct vm_costs cost;
    struct blk_spec blk;
    struct src_loc loc;       /* Of the `vm` key. */
};

struct server_spec {
    uint32_t sockets;
    uint32_t cores_per_socket;
    double ghz;
    uint64_t memory_per_node;
    uint32_t nic_node;        /* NUMA node the NIC's PCIe slot hangs off. */
    uint32_t buffer_node;     /* NUMA node of the application's buffers. */
    uint64_t pcie_rate_bps;
    uint64_t pcie_latency_ps;
    uint32_t *app_cores;      /* Flows' application threads, by flow. */
    size_t n_app_cores;
    uint32_t *irq_cores;      /* RSS: receive queues' interrupts. */
    size_t n_irq_cores;
    uint64_t coalesce_ps;     /* NIC interrupt moderation: rx-usecs */
    uint32_t coalesce_frames; /* and rx-frames. */
    uint32_t tx_ring;         /* Descriptors of the NIC's send ring. */
    uint64_t write_bytes;     /* The application's send()/recv() size. */
    bool tso;                 /* The NIC segments: the stack builds one
                               * packet per 64 KiB of a flow. */
    bool gro;                 /* NAPI merges a flow's consecutive frames
                               * (up to 64 KiB) before the stack. */
    uint32_t tlb_entries;     /* Data TLB entries (second level). */
    uint32_t page_bytes;      /* Host pages (and EPT pages under VMs). */
    uint64_t app_buffer_bytes;/* Each flow's application buffer: its
                               * copies walk through it. */
    struct cpu_costs cost;
    bool has_vm;
    struct vm_spec vm;
};

/* server.nodes: one host's own server description. */
struct server_node {
    uint32_t host;
    struct server_spec spec;
};

/* The link layer of every link: Ethernet (the default) or native
 * InfiniBand (`fabric: infiniband`, docs/scenario.md). */
enum fabric {
    FABRIC_ETHERNET,
    FABRIC_INFINIBAND,
};

/* Native InfiniBand's link-level flow control (fabric/ib.h). */
struct ib_spec {
    uint64_t vl_buffer_bytes; /* Receive buffer of every port (switch
                               * input port, HCA) per virtual lane, a
                               * multiple of the 64-byte credit. */
};

/* One entry of monitor.queues, resolved against the graph: the egress
 * ports of NODE, all of them or only those cabled to PEER. */
struct monitor_select {
    uint32_t node;            /* Topology node index. */
    uint32_t peer;            /* Node index; MONITOR_ALL_PORTS: every port. */
};

#define MONITOR_ALL_PORTS UINT32_MAX

/* The `monitor` section: queue occupancy sampled every interval. */
struct monitor_spec {
    uint64_t interval_ps;     /* 0: no monitor section. */
    struct monitor_select *select;
    size_t n_select;
    uint32_t *qps;            /* monitor.qps: flow ids whose RDMA rate is */
    size_t n_qps;             /* sampled (rate_series.csv). */
    struct src_loc qps_loc;
    bool breakdown;           /* monitor.breakdown: the flow whose */
    uint32_t breakdown_flow;  /* packets' latency is broken down. */
    struct src_loc breakdown_loc;
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
};

/* One --set override: a dotted path ("topology.spines", "traffic.0.size")
 * and a value parsed as a YAML scalar. */
struct scenario_override {
    const char *key;
    const char *value;
};

/* Returns 0 on success.  On failure returns 2 and sets *ERR to an
 * allocated message of the form "FILE:LINE:COL: what is wrong; expected
 * ..." (or "--set KEY=VALUE: ..." for overrides), and leaves *SCN empty. */
int scenario_load(const char *path, const struct scenario_override *,
                  size_t n_overrides, struct scenario *scn, char **err);
void scenario_free(struct scenario *);

#endif
