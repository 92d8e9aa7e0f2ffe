/* Storage over the fabric: fio-style jobs at initiators issue block I/Os
 * to NVMe SSDs at targets, through NVMe-oF over RDMA or iWARP, NVMe/TCP
 * or iSCSI, or to their own SSD (local), or put and get objects.
 *
 * An I/O is a short program of steps (storage.c builds one per job and
 * operation): software at the initiator (submission), the protocol's
 * messages, software at the target, the SSD (host/blk.h, nvme_submit()),
 * more messages, and the initiator's completion.  Each message has the
 * protocol's real size and is carried by the existing transports: a
 * RoCE SEND, RDMA WRITE or RDMA READ posted on the worker's RDMA
 * message stream to its peer (one queue pair's send queue,
 * transport/rdma.c), or the PDUs one side writes at once appended to the
 * worker's TCP stream (transport/tcp.c).  The next step starts when the
 * message has been delivered (the edge's owner hands a stream message's
 * completion to storage_msg_done()).  Software steps run on the servers'
 * cores, when the hosts have a `server` section; without one they cost
 * nothing.
 *
 * The streams' flows live in edge->flows after the
 * workload's room (from FIRST_FLOW on), beyond edge->n_flows, so
 * flows.csv and the flow statistics hold the workload's flows only;
 * storage.csv holds the jobs (report/storage-report.c). */
#ifndef DCSIM_STORAGE_H
#define DCSIM_STORAGE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "host/blk.h"
#include "sim/rng.h"
#include "storage/storage-spec.h"

struct edge_entry;
struct flow;
struct net;
struct storage;
struct tcp_spec;

/* Where an I/O's time goes (storage.csv's breakdown): the time from
 * the start of each of its steps to the start of the next, by kind. */
enum storage_stage {
    STORAGE_STAGE_SUBMIT,     /* Initiator software before, its wait for
                               * a core included. */
    STORAGE_STAGE_FABRIC,     /* Messages: from posting to delivery (the
                               * transports' queues, the wire, the
                               * switches, the receiving host's stack). */
    STORAGE_STAGE_TARGET,     /* Target software per command, its wait
                               * for a core included. */
    STORAGE_STAGE_DEVICE,     /* The SSD: its queue, media and data path. */
    STORAGE_STAGE_REPLICAS,   /* Object PUT at the primary: its own write
                               * and the replicas', in parallel. */
    STORAGE_STAGE_COMPLETE,   /* Initiator software after. */
    STORAGE_N_STAGES,
};

/* What a job has done (storage.csv). */
struct storage_job_stats {
    uint64_t issued, completed, reads, writes, bytes;
    uint64_t first_ps, last_ps;   /* First issue, last completion. */
    double *lat_ps;               /* Per completed I/O, in order. */
    uint64_t lat_cap;
    /* Summed over the completed I/Os. */
    uint64_t stage_ps[STORAGE_N_STAGES];
};

/* The edge entries storage's messages use (edge.h, flow->entry), from
 * FIRST_ENTRY on: STORAGE_N_ENTRIES of them. */
#define STORAGE_N_ENTRIES 5

/* The flows SPEC's jobs can need at most (their streams); 0 with only
 * local jobs.  MOVED (N_MOVED of them) holds the host of every vm_move,
 * whose initiators open new sessions.  Returns false, with *ERR
 * allocated, if there would be more than the model keeps (a duration
 * too long for the device). */
bool storage_flow_cap(const struct storage_spec *, const char *file,
                      const uint32_t *moved, size_t n_moved, uint32_t *cap,
                      char **err);

/* The bytes job I of SPEC holds: its workers, their I/O slots (iodepth
 * each, with an object job's replica legs) and the latency of every I/O
 * it can complete (job_ios_max() in storage.c), ALLOC_OVERHEAD counted
 * for each allocation the build makes per worker and I/O slot.  A move's
 * list of held I/Os (a pointer per slot, made at the move) is left out. */
double storage_job_bytes(const struct storage_spec *, size_t i,
                         size_t alloc_overhead);

/* Builds the storage of SPEC on NET (its hosts and servers built, its
 * flow array with room for CAP flows from FIRST_FLOW) and schedules its
 * jobs.  ENTRIES (STORAGE_N_ENTRIES of them, edge->cfg.entries from
 * FIRST_ENTRY on) get what its messages ask of the transports; TCP's
 * start from the scenario's TCP parameters.  Returns 0, or 2 with *ERR
 * allocated if a job's messages cannot be carried here. */
int storage_create(struct storage **, struct net *, const struct storage_spec *,
                   const char *file, uint32_t first_flow, uint32_t cap,
                   const struct tcp_spec *tcp, struct edge_entry *entries,
                   uint16_t first_entry, char **err);
/* Frees it and its flows' transport state. */
void storage_destroy(struct storage *, struct net *);

/* Its streams opened so far are the flows of ids [*FIRST, *END). */
void storage_flow_range(const struct storage *, uint32_t *first,
                        uint32_t *end);
/* Whether F is one of storage's streams (id >= its first flow). */
bool storage_owns_flow(const struct storage *, const struct flow *);
/* A message posted on storage's stream F with TAG has been delivered. */
void storage_msg_done(struct storage *, struct net *, struct flow *,
                      uint64_t tag);

/* The VMs of host MAC run on server TO from now (a vm_move): the sessions
 * of its jobs' workers (as initiator) drain their I/Os in flight and
 * TO opens new ones to the same targets (migrate.c). */
void storage_vm_moved(struct storage *, struct net *, uint32_t mac,
                      uint32_t to);

/* Results, for report/. */
size_t storage_n_jobs(const struct storage *);
const struct storage_job_spec *storage_job(const struct storage *, size_t i);
const struct storage_job_stats *storage_job_stats(const struct storage *,
                                                  size_t i);
/* Messages and their payload bytes on the wire, over the run. */
uint64_t storage_messages(const struct storage *);
uint64_t storage_message_bytes(const struct storage *);
/* CPU time of host H's server over the run spent on storage's behalf in
 * ROLE (true: as a target), picoseconds: every core's busy time, and an
 * SPDK target's polling app_cores for all of [first I/O, last]. */
uint64_t storage_cpu_ps(const struct storage *, const struct net *,
                        uint32_t h, bool target);
/* I/Os completed by the jobs with host H as initiator (TARGET false) or
 * as target. */
uint64_t storage_host_ios(const struct storage *, uint32_t h, bool target);

#endif
