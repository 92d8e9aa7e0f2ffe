/* Virtual block devices: a virtio-blk drive in each VM (server.vm.block),
 * Firecracker style.  A closed-loop job in the guest keeps `iodepth`
 * requests outstanding until it has issued `requests`:
 *
 *   vCPU     the application's system call (APP) and the guest's block
 *            layer and virtio-blk driver (STACK) put the request on the
 *            available ring; a kick (an MMIO exit with virtio-mmio, a port
 *            write with virtio-pci; to the user-space VMM) unless
 *            EVENT_IDX says the backend is still running
 *   backend  the VMM's block device (VMM) takes requests in order, each
 *            only when the rate limiter's two token buckets (bandwidth in
 *            bytes, ops) both hold enough, then reads or writes the
 *            backing file: copies through guest memory per byte.  The
 *            `sync` engine (Firecracker's default) waits for each I/O
 *            before the next; `async` (io_uring) keeps going
 *   device   one per host, shared by its VMs: transfers in order at the
 *            read or write rate, each then taking the device's latency
 *            (NVMe: deep queues, so latencies overlap)
 *   vCPU     the completion is put on the used ring and the guest
 *            interrupted (virtio-mmio: two more MMIO exits in the
 *            handler); its driver completes every used request (STACK),
 *            and the job issues the next.
 *
 * Results: block.csv per VM and summary.json "block" (host-report.c). */
#ifndef DCSIM_BLK_H
#define DCSIM_BLK_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

struct net;
struct nvme_spec;
struct server;
struct vm;
struct vblk;

struct blk_req {
    struct blk_req *next;
    struct vblk *d;
    uint64_t issued_ps;
};

/* A Firecracker token bucket as it runs (scenario.h has its spec). */
struct tbucket {
    double tokens, size, burst;  /* Refilling tokens; one-time budget. */
    double per_ps;               /* Refill rate; 0: no bucket. */
};

struct vblk {
    struct vm *vm;
    struct blk_req *reqs;        /* iodepth of them, reused. */
    struct blk_req *avail, *avail_tail;  /* For the backend. */
    struct blk_req *used, *used_tail;    /* For the guest's driver. */
    bool backend_busy;           /* Running, or waiting for a sync I/O. */
    bool guest_busy;             /* The driver is completing requests:
                                  * callbacks off (and with EVENT_IDX no
                                  * interrupt). */
    uint32_t completing;         /* Completions queued on the vCPU. */
    bool irq_pending;
    struct tbucket bw, ops;
    uint64_t tb_at_ps;
    struct event tb_wake;
    bool tb_waiting;
    uint64_t throttled_from_ps, throttled_ps;
    struct event start;
    /* Results. */
    uint64_t issued, completed, bytes;
    uint64_t first_ps, last_ps;  /* First issue, last completion. */
    uint64_t kicks, kicks_suppressed, irqs, throttles;
    double *lat_ps;              /* Per completed request. */
    uint64_t lat_cap;
};

/* The host's backing device. */
struct blk_dev {
    uint64_t busy_until_ps;
    uint64_t bytes;
};

/* An NVMe SSD (storage targets and local jobs; spec in host-spec.h).
 *
 *   submission queue  a command enters the device's submission queue if
 *            it holds fewer than queue_depth; else it waits in the host's
 *            driver, in order, for a completion to make room
 *   units    the controller hands the oldest queued command to a free
 *            media unit (channel x die).  A read holds its unit for the
 *            read latency, then its data crosses the device's data path
 *            (shared, in order, at read_rate); a write's data crosses the
 *            path first (at write_rate) into the controller's buffer,
 *            then the write waits for a unit and holds it for the write
 *            latency
 *   completion  posted to the completion queue: the command's DONE is
 *            called.
 * So IOPS grow with the queue depth, min(depth, units) / latency, up to
 * the ceiling min(units / latency, rate / size), and latency grows
 * beyond it (queueing), by construction. */
struct nvme_cmd;
typedef void nvme_done_fn(struct net *, struct nvme_cmd *);

struct nvme_cmd {
    struct nvme_cmd *next;
    struct nvme_dev *dev;
    bool write;
    uint64_t bytes;
    nvme_done_fn *done;        /* Called at completion. */
};

struct nvme_dev {
    const struct nvme_spec *spec;
    struct nvme_cmd *sq, *sq_tail;      /* In the device, waiting for a
                                         * unit. */
    struct nvme_cmd *host, *host_tail;  /* Beyond queue_depth: in the
                                         * driver. */
    uint32_t in_device;        /* Commands in the device (<= depth). */
    uint32_t units_busy;
    uint64_t path_until_ps;    /* The data path is busy until then. */
    /* Results. */
    uint64_t reads, writes, bytes;
    uint64_t host_waits;       /* Commands that found the SQ full. */
};

void nvme_init(struct nvme_dev *, const struct nvme_spec *);
/* Queues CMD (its write, bytes and done set) on DEV. */
void nvme_submit(struct net *, struct nvme_dev *, struct nvme_cmd *);
/* The ceiling of 4 KiB-like commands of BYTES: min(units / latency,
 * rate / size), in commands per second. */
double nvme_ceiling_iops(const struct nvme_spec *, bool write, uint64_t bytes);

/* Sets up VM's drive (its spec has block on) and schedules its job. */
void vblk_init(struct net *, struct vm *);
void vblk_free(struct vblk *);

#endif
