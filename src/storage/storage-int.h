/* Storage's internals, private to src/storage/: the I/Os, workers,
 * jobs and streams that storage.c (programs, sessions, running an I/O's
 * steps, results) and object.c (the object store's placement and its
 * PUTs' replica legs) share, and the functions that cross between them.
 * Callers outside storage/ use storage.h. */
#ifndef DCSIM_STORAGE_INT_H
#define DCSIM_STORAGE_INT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/blk.h"
#include "host/cpu.h"
#include "sim/rng.h"
#include "storage/storage.h"
#include "transport/transport-spec.h"

struct flow;
struct net;

#define OBJECT_PORT 6800             /* Ceph's OSDs: 6800 on. */
/* An object store's acknowledgments and GET requests: 16 B (their
 * messengers' headers are left out, as are the PUT's). */
#define OBJECT_SMALL_BYTES 16
/* Initiators' ports: from the dynamic range, one per worker. */
#define INITIATOR_PORT0 49152

/* What carries a message. */
enum carrier {
    CARRY_SEND,               /* RoCE SEND, on the RDMA stream. */
    CARRY_WRITE,              /* RDMA WRITE, on the RDMA stream. */
    CARRY_READ,               /* RDMA READ, on the RDMA stream from its
                               * requester; the data comes to it. */
    CARRY_TCP,                /* Bytes of the TCP stream. */
    CARRY_IWARP_SEND,         /* The same three as RDMAP messages on the */
    CARRY_IWARP_WRITE,        /* iWARP stream; a READ's Read Response   */
    CARRY_IWARP_READ,         /* comes back on the other one. */
};

/* Storage's edge entries after the workload's (STORAGE_N_ENTRIES). */
enum sto_entry {
    ENTRY_RDMA_STREAM,
    ENTRY_TCP_STREAM,
    ENTRY_IWARP_STREAM,
    ENTRY_TCP_LOGIN,          /* A session opened after a vm_move: TCP */
    ENTRY_IWARP_LOGIN,        /* with its handshake (migrate.c). */
};

/* A message's tag (transport_post()): its worker, its I/O's slot and its
 * leg + 1 (0: the I/O's own step), or TAG_NOWAIT for a message no step
 * waits for. */
#define TAG_NOWAIT UINT64_MAX
#define TAG_SLOT_BITS 24
/* The leg of a session's setup message (migrate.c). */
#define LEG_LOGIN 254

enum step_kind {
    STEP_SUBMIT,              /* Initiator software, before. */
    STEP_TARGET,              /* Target software, per command. */
    STEP_DEVICE,              /* The SSD. */
    STEP_MSG,                 /* A message. */
    STEP_FANOUT,              /* Object PUT at the primary: its own write
                               * and every replica's, in parallel. */
    STEP_COMPLETE,            /* Initiator software, after. */
    STEP_END,
};

struct step {
    uint8_t kind;             /* enum step_kind */
    uint8_t carrier;          /* STEP_MSG: enum carrier. */
    bool to_initiator;        /* STEP_MSG: the flow's source is the
                               * target. */
    bool nowait;              /* STEP_MSG: the next step is a message of
                               * the same sender on the same stream: go
                               * on once this one is posted. */
    uint64_t bytes;           /* STEP_MSG: its size. */
};

#define MAX_STEPS 10
struct program {
    struct step s[MAX_STEPS];
    uint8_t n, msgs;
};

struct sto_worker;
struct sto_io;

/* One replica's part of an object PUT (leg 0: the primary's own write):
 * the object to it, its software and SSD, its acknowledgment. */
struct sto_leg {
    struct sto_io *io;
    struct nvme_cmd cmd;
    uint32_t host;
    uint8_t stage;
};

struct sto_io {
    struct sto_worker *w;
    struct nvme_cmd cmd;
    bool write;
    uint8_t step;
    uint32_t target;          /* The target, or the object's primary. */
    uint64_t issued_ps;
    uint64_t step_ps;         /* When its current step began. */
    uint64_t stage_ps[STORAGE_N_STAGES];  /* Its time so far, by stage. */
    struct sto_leg *legs;     /* Object jobs: replicas of them. */
    uint32_t legs_left;
};

struct sto_job {
    const struct storage_job_spec *spec;
    struct program prog[2];   /* Read, write. */
    struct program login;     /* A new session's setup (migrate.c). */
    struct storage_job_stats st;
    struct rng rng;           /* Read or write, for mixes. */
    struct rng names;         /* With objects: the names drawn. */
    double zetan, eta, alpha; /* With zipf: Gray's constants. */
};

struct sto_worker {
    struct storage *st;
    struct sto_job *job;
    uint32_t index;           /* Over every job: its port and cores. */
    struct sto_io *ios;       /* iodepth of them. */
    uint64_t issued;
    uint64_t next_ok_ps;      /* rate: the next issue no earlier. */
    uint32_t host;            /* The server its initiator's software and
                               * sessions run on: the job's initiator, or
                               * the one its VMs last moved to. */
    uint32_t inflight;        /* I/Os issued, not ended nor held. */
    /* A vm_move (migrate.c). */
    bool moving;              /* Draining the old session or opening the
                               * new one: I/Os issued are held. */
    bool own;                 /* Its sessions are the servers' own traffic
                               * (since a move). */
    bool handshake;           /* Its new connections open with TCP's
                               * handshake (the new session's). */
    uint32_t to;              /* Where its VMs moved. */
    uint8_t login_step;       /* The next message of the session's setup. */
    struct sto_io **held;     /* Held I/Os, n_held of them (room for
                               * iodepth). */
    uint32_t n_held;
};

struct sto_host {
    struct nvme_dev *dev;     /* spec->devices of them... */
    uint32_t next_dev;        /* ...taking commands in turn. */
    uint64_t ios_init, ios_target;
    uint64_t first_ps, last_ps;  /* As a target: first command, last. */
    bool used;
};

/* A message stream: worker W's from host SRC to DST, flow ID. */
struct sto_stream {
    uint32_t w, src, dst, id;
};

struct storage {
    const struct storage_spec *spec;
    struct sto_job *jobs;
    struct sto_worker *workers;
    uint32_t n_workers;
    struct sto_host *hosts;   /* Per host. */
    uint32_t first_flow, next_flow, end_flow;
    uint16_t first_entry;
    struct sto_stream *streams;  /* Open addressing by (w, src, dst);
                                  * id UINT32_MAX: empty. */
    uint32_t n_streams, cap_streams;
    struct tcp_spec tcp;      /* Its TCP messages' parameters. */
    struct tcp_spec tcp_login;/* A new session's after a vm_move. */
    uint64_t msgs, msg_bytes;
};

/* ---- storage.c ---- */

/* Runs IO's steps until one has to wait. */
void sto_advance(struct net *, struct sto_io *);
/* Flow F (its id set): BYTES by CARRIER from host SRC (port SPORT) to
 * DST (DPORT) in job J's class. */
void sto_flow_fill(const struct net *, const struct storage *,
                   const struct storage_job_spec *j, uint32_t src,
                   uint16_t sport, uint32_t dst, uint16_t dport,
                   enum carrier, uint64_t bytes, struct flow *f);
/* Sends message TEMPLATE by CARRIER for IO's LEG (-1: its own step). */
void sto_msg_send(struct net *, struct storage *, struct sto_io *io, int leg,
                  const struct flow *template, enum carrier, bool nowait);
/* Posts message TEMPLATE by CARRIER on worker W's stream, tagged TAG. */
void sto_post(struct net *, struct storage *, struct sto_worker *w,
              uint64_t tag, const struct flow *template, enum carrier);
/* Message STEP of worker W's I/O to or from TARGET. */
void sto_flow_fill_step(const struct net *, const struct storage *,
                        const struct sto_worker *w, uint32_t target,
                        const struct step *step, struct flow *f);
/* Host H's SSD for its next command. */
struct nvme_dev *sto_host_dev(struct storage *, uint32_t h);
/* Runs the target's software for one command on host H's core for
 * WORKER, then DONE(OBJ); false without a server (nothing to run). */
bool sto_target_work(struct net *, struct storage *, uint32_t h,
                     uint32_t worker, bool rdma, cpu_done_fn *done,
                     void *obj);

/* ---- object.c ---- */

/* Runs LEG of an object PUT at its primary until it has to wait; the
 * last leg to finish advances the I/O. */
void object_leg_advance(struct net *, struct sto_leg *);
/* Gray's constants for a Zipf law of exponent THETA over N names. */
void object_zipf_init(struct sto_job *, uint64_t n, double theta);
/* The rank of the name JOB's next I/O uses. */
uint64_t object_name_draw(struct sto_job *);
/* Places object SEQ of job J (index JI) on its replicas, LEGS. */
void object_place(const struct storage_job_spec *j, size_t ji, uint64_t seq,
                  struct sto_leg *legs);

/* ---- migrate.c ---- */

/* Worker W issued IO while moving: held until its new session is up. */
void migrate_hold(struct sto_worker *w, struct sto_io *io);
/* One of moving worker W's I/Os has ended: once the last has, the new
 * session opens. */
void migrate_io_ended(struct net *, struct sto_worker *w);
/* Worker W's last setup message has been delivered: the next. */
void migrate_login_next(struct net *, struct sto_worker *w);

#endif
