/* The workload's configuration: the scenario's `traffic` entries
 * (docs/scenario.md), read by scenario/scn-traffic.c. */
#ifndef DCSIM_WORKLOAD_SPEC_H
#define DCSIM_WORKLOAD_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/topo.h"
#include "transport/transport-spec.h"

enum traffic_pattern {
    PATTERN_FLOWS,        /* An explicit list of flows. */
    PATTERN_PERMUTATION,  /* Every host sends to one other; each host
                           * receives exactly one flow (a derangement). */
    PATTERN_INCAST,       /* N senders to one receiver, in rounds. */
    PATTERN_ALL_TO_ALL,   /* Every ordered pair of distinct hosts. */
    PATTERN_RANDOM,       /* Flows between random distinct pairs: COUNT,
                           * or as many as arrive within DURATION. */
    PATTERN_FILE,         /* The flows of a flow file (flowfile.h), made
                           * as the run reaches their start times. */
};

/* The largest flow: its packets are counted in 32 bits, and 1 TiB is
 * fewer than 2^32 packets at the smallest payload per packet (a UDP
 * datagram at the 576-byte MTU carries 548 B, an RDMA packet at least
 * 256 B: 2^32 of those). */
#define FLOW_SIZE_MAX_BYTES (UINT64_C(1) << 40)
#define FLOW_SIZE_LIMIT "1TiB: a flow's packets are counted in 32 bits"

struct flow_spec {
    uint32_t src, dst;        /* Host numbers (0..n_hosts-1). */
    uint64_t size_bytes;      /* Application payload bytes, > 0. */
    uint64_t start_ps;
    uint64_t rate_bps;        /* 0 = the source's line rate. */
    uint8_t tc;               /* Traffic class 0..7. */
    struct src_loc loc;
};

struct cdf;
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
    char *file;               /* PATTERN_FILE: the flow file's path (as
                               * given, joined to the scenario file's
                               * directory if relative). */
    uint8_t file_format;      /* enum flowfile_format. */
    uint64_t file_flows;      /* Its flows, bytes and first and last */
    uint64_t file_bytes;      /* start, counted when the scenario is */
    uint64_t file_first_ps;   /* read (flowfile_scan()). */
    uint64_t file_last_ps;
    struct tcp_spec tcp;      /* protocol tcp: the top level's, overridden
                               * by the entry's own `tcp`. */
    enum rdma_verb verb;      /* protocol roce/rocev1. */
    uint64_t recv_at_ps;      /* verb send: the receiver posts its receive
                               * at this time; SENDs before get RNR NAKs. */
    struct src_loc loc;
};

#endif
