/* Traffic generation: turns the scenario's `traffic` entries into the list
 * of flows to simulate, and keeps what the results report about them.
 * Each entry draws from its own random stream ("workload/<index>"), so
 * adding an entry never changes another's flows.
 *
 * Flow sizes are fixed or drawn from a CDF (cdf.h); start times are all
 * at `start`, or a Poisson process: with a given mean gap
 * (`interarrival`), or, for `random` entries, derived from a target
 * offered `load` on the hosts' links (docs/models.md has the formula).
 *
 * Every flow is made at build time except those of incast rounds after
 * the first: a round is closed-loop, starting `gap` after the previous
 * one's last flow completed, so workload_flow_done() (called by the
 * world, which transport_flow_done() tells) adds its flows to the edge's
 * (host/edge.h) then, as copies of the first round's.  Room for them is
 * reserved in the flow array up front, so flows never move. */
#ifndef DCSIM_WORKLOAD_H
#define DCSIM_WORKLOAD_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workload/flowfile.h"

struct flow;
struct net;
struct transport_class;


/* What one traffic entry generated. */
struct workload_entry {
    uint32_t first_flow;      /* Id of its first flow. */
    uint64_t flows;           /* Flows generated (incast: round 0's). */
    uint64_t bytes;           /* Their sizes, summed. */
    uint64_t window_ps;       /* `random` with arrivals: the time they
                               * span from `start` (`duration`, or up to
                               * the arrival after the last flow); 0 for
                               * other entries. */
};

/* One round of an incast entry. */
struct incast_round {
    uint64_t start_ps;        /* When its flows start (round 0 with
                               * `interarrival`: its first flow's). */
    uint64_t end_ps;          /* When its last flow completed. */
    uint32_t first_flow;      /* Its flows are first_flow .. first_flow +
                               * senders - 1 in the net's flows. */
    uint32_t flows_done;      /* Of its flows, completed so far. */
    bool started;             /* Its flows exist (round 0: always). */
    bool completed;           /* Every flow completed (end_ps valid). */
};

/* An incast entry and its rounds, one after another. */
struct incast {
    size_t entry;             /* Index of the traffic entry. */
    uint32_t senders;         /* Flows per round. */
    uint32_t rounds;
    uint64_t gap_ps;          /* From a round's end to the next's start. */
    uint32_t current;         /* The round running, or the last started. */
    struct incast_round *round;   /* [rounds]. */
};

/* A file entry's reader and the flow it has read but not yet made. */
struct workload_feed {
    struct flowfile *ff;              /* NULL once the file is done. */
    struct flowfile_flow next;
    size_t entry;                     /* Index of the traffic entry. */
    const struct transport_class *tp;
};

struct workload {
    struct workload_entry *entries;   /* One per traffic entry. */
    size_t n_entries;
    uint64_t host_capacity_bps;       /* Sum over hosts of the rates of
                                       * their links. */
    struct incast *incasts;           /* Incast entries, in file order. */
    size_t n_incasts;
    uint32_t flow_cap;                /* Flows the flow array has room for:
                                       * every round of every incast. */
    uint32_t *incast_of;              /* By flow id (< flow_cap): 1 + index
                                       * in incasts, or WORKLOAD_NO_INCAST. */
    struct workload_feed *feeds;      /* File entries, in file order. */
    size_t n_feeds;
    uint32_t *feed_sport;             /* By source host: source ports its
                                       * file flows have taken. */
    uint64_t *pair_key;               /* switch.ecmp_hash ns3: source ports
                                       * by host pair instead, an open-
                                       * addressing table of keys
                                       * (src << 32 | dst) + 1 (0: empty) */
    uint32_t *pair_sport;             /* and the ports each pair took. */
    uint32_t pair_cap, n_pairs;       /* Slots (a power of two), used. */
    char *err;                        /* A flow file's bad line met during
                                       * the run, or NULL. */
};

#define WORKLOAD_NO_INCAST 0

/* What the workload reads of the configuration (the structs it points to
 * outlive the workload). */
struct workload_config {
    const char *file;                  /* The scenario's path, for
                                        * messages. */
    uint64_t seed;                     /* Roots each entry's stream. */
    const struct topo_graph *graph;    /* Hosts, their racks and rates. */
    const struct traffic_spec *traffic;
    size_t n_traffic;
};

/* Generates every entry's flows into *FLOWS (allocated with room for
 * WL->flow_cap) and *N, and makes *WL.  Returns 0, or 2 with *ERR
 * allocated ("FILE:LINE:COL: ...") and nothing made when an entry cannot
 * be satisfied (e.g. a cross-rack permutation where one rack holds more
 * than half the hosts). */
int workload_create(const struct workload_config *, struct workload **wl,
                     struct flow **flows, uint32_t *n, char **err);
void workload_destroy(struct workload *);

/* Opens the flow files of CFG's file entries and schedules the making of
 * their first flows (each is made at its start time, the next line read
 * then).  Returns 0, or 2 with *ERR for a file that cannot be opened or
 * whose first flow is bad. */
int workload_launch(struct workload *, struct net *,
                    const struct workload_config *cfg, char **err);

/* A flow file's error met during the run (it stopped the run: the
 * results must not be written), or NULL. */
const char *workload_error(const struct workload *);

/* What the entries of CFG will generate, known before generating them:
 * *FLOWS flows over the whole run (every incast round; for `random` with
 * arrivals over a `duration`, the expected number, duration / mean gap,
 * plus six standard deviations of the Poisson count, so that a run
 * exceeds it with a probability below 1e-9), *BYTES their sizes summed
 * (CDF sizes at the mean), and *LAST_START_PS the latest start.
 * Cheap: nothing is allocated per flow, so `validate` can size a run of
 * billions of flows before deciding whether to build it. */
void workload_estimate(const struct workload_config *, double *flows,
                       double *bytes, uint64_t *last_start_ps);

/* F (of NET's edge, whose flows WL made) completed now: if that completes an
 * incast round, schedules the next round, if any, gap_ps later. */
void workload_flow_done(struct workload *, struct net *, struct flow *);

/* The load entry I offered the hosts: its bytes over its window, as a
 * fraction of host_capacity_bps.  False if it has no window. */
bool workload_offered_load(const struct workload *, size_t i, double *load);

#endif
