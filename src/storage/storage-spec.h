/* The storage configuration: the scenario's `storage` section
 * (docs/scenario.md, "storage"), read by scenario/scn-storage.c. */
#ifndef DCSIM_STORAGE_SPEC_H
#define DCSIM_STORAGE_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/topo.h"
#include "host/host-spec.h"

/* How an initiator reaches its target's SSD. */
enum storage_proto {
    STORAGE_LOCAL,            /* The initiator's own SSD, over PCIe. */
    STORAGE_NVME_RDMA,        /* NVMe-oF 1.1, RDMA transport (RoCEv2). */
    STORAGE_NVME_TCP,         /* NVMe/TCP (NVMe-oF TCP transport, TP 8000). */
    STORAGE_ISCSI,            /* iSCSI (RFC 7143) over TCP. */
    STORAGE_OBJECT_TCP,       /* Replicated object store (Ceph-style),
                               * its messages over TCP, */
    STORAGE_OBJECT_RDMA,      /* or as RoCE SENDs. */
    STORAGE_NVME_IWARP,       /* NVMe-oF over iWARP (RDMAP/DDP/MPA over
                               * TCP). */
    STORAGE_N_PROTOS,
};

/* fio's rw: the operations a job issues. */
enum storage_rw {
    STORAGE_READ, STORAGE_WRITE, STORAGE_RANDREAD, STORAGE_RANDWRITE,
    STORAGE_RW, STORAGE_RANDRW,
    STORAGE_N_RW,
};

/* An object job's operations (`op`), as object-store benchmarks name
 * them (rados bench write / rand, COSBench's write / read, warp's put /
 * get / mixed): each maps to the rw of the same I/Os, which storage.c
 * runs. */
enum storage_op {
    STORAGE_OP_GET,           /* Reads: rw randread. */
    STORAGE_OP_PUT,           /* Writes: rw randwrite. */
    STORAGE_OP_MIX,           /* Both, get_fraction of them GETs: randrw. */
    STORAGE_N_OPS,
};

/* The target's software. */
enum storage_target {
    STORAGE_TARGET_KERNEL,    /* Linux nvmet / LIO: an interrupt and the
                               * kernel's per-I/O work. */
    STORAGE_TARGET_SPDK,      /* SPDK-style: reactors poll on the target's
                               * app_cores, which are busy all the time. */
};

/* Software costs per I/O, CPU cycles (docs/models.md cites them). */
struct storage_costs {
    double initiator_submit;  /* System call, block layer, driver submit. */
    double initiator_complete;/* Completion interrupt and block layer. */
    double kernel_io;         /* Kernel target: one command, end to end. */
    double spdk_io;           /* SPDK target: one command, polled. */
};

/* Most replicas of an object. */
#define STORAGE_MAX_REPLICAS 16
/* Most names in a job's key space (a Zipf law's normalization sums
 * over them once, at build time). */
#define STORAGE_MAX_OBJECTS (UINT64_C(1) << 24)

/* One entry of storage.jobs: a fio job, numjobs workers of iodepth each. */
struct storage_job_spec {
    uint32_t initiator;       /* Host numbers. */
    uint32_t target;
    enum storage_proto proto;
    enum storage_rw rw;
    enum storage_op op;       /* Object protocols: what rw runs. */
    double read_fraction;     /* rw, randrw (op mix): share of reads
                               * (GETs). */
    uint64_t bs;              /* Bytes per I/O. */
    uint32_t iodepth;         /* Outstanding I/Os per worker. */
    uint32_t numjobs;         /* Workers, each its own queue pair or
                               * connection. */
    uint64_t count;           /* I/Os per worker; 0: by duration. */
    uint64_t duration_ps;     /* Workers issue until start + this; 0: by
                               * count. */
    uint64_t rate_iops;       /* Per worker; 0: no limit. */
    uint64_t start_ps;
    uint8_t tc;               /* Traffic class of its messages. */
    /* Object protocols: objects of bs bytes placed on REPLICAS of the
     * POOL's hosts in distinct racks (by a hash of the object's name);
     * the first is the primary. */
    uint32_t replicas;
    /* The objects' names: each I/O a new one (objects 0), or one of
     * OBJECTS names drawn uniformly (zipf 0) or by a Zipf law of
     * exponent ZIPF (fio's random_distribution=zipf:theta). */
    uint64_t objects;
    double zipf;
    uint32_t *pool;           /* Host numbers, n_pool of them. */
    int32_t *pool_rack;       /* Their racks. */
    size_t n_pool;
    struct src_loc loc;
};

struct storage_spec {
    bool on;                  /* A `storage` section. */
    struct nvme_spec device;  /* Every target's (and initiator's) SSD... */
    uint32_t devices;         /* ...this many per host, striped. */
    enum storage_target target;
    uint64_t in_capsule_bytes;/* NVMe-oF: writes up to this go in the
                               * command capsule. */
    uint32_t rdma_read_depth; /* NVMe-oF/RDMA: RDMA READs a target has
                               * outstanding per queue pair at most (the
                               * connection's initiator depth, ORD). */
    bool header_digest;       /* NVMe/TCP HDGST, iSCSI HeaderDigest. */
    bool data_digest;         /* NVMe/TCP DDGST, iSCSI DataDigest. */
    bool immediate_data;      /* iSCSI ImmediateData. */
    bool initial_r2t;         /* iSCSI InitialR2T: no unsolicited
                               * Data-Out before the first R2T. */
    uint64_t first_burst_bytes;  /* iSCSI FirstBurstLength. */
    uint64_t max_segment_bytes;  /* iSCSI MaxRecvDataSegmentLength. */
    struct storage_costs cost;
    struct storage_job_spec *jobs;
    size_t n_jobs;
};

/* "local", "nvme-rdma", ...: the scenario's names. */
extern const char *const storage_proto_names[STORAGE_N_PROTOS];
extern const char *const storage_rw_names[STORAGE_N_RW];
extern const char *const storage_op_names[STORAGE_N_OPS];

/* Whether a job of protocol P puts and gets objects. */
static inline bool
storage_proto_object(enum storage_proto p)
{
    return p == STORAGE_OBJECT_TCP || p == STORAGE_OBJECT_RDMA;
}

/* Job J's operations as storage.csv names them: its op for an object
 * job, its rw for a block job. */
static inline const char *
storage_job_ops(const struct storage_job_spec *j)
{
    return storage_proto_object(j->proto) ? storage_op_names[j->op]
                                          : storage_rw_names[j->rw];
}

#endif
