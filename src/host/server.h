/* A server's CPU side: cores on NUMA sockets, the NIC on PCIe, the host's
 * network stack and its virtual machines' I/O paths (stack.c, vm.c).
 *
 * A packet sent by a software transport (TCP, UDP, iWARP) is built by a
 * core: the application's core for data, the receive core for ACKs (in
 * a VM: a vCPU).  The core pulls it from the transport only when it is
 * free and the send ring has room, spends the stack's cost on it, and
 * hands it on: on bare metal to the NIC, which fetches it over PCIe; in
 * a VM through the VM's I/O path (stack.c has the stages).  Received
 * packets cross PCIe into host memory, wait in a receive queue for an
 * interrupt (moderated by rx-usecs / rx-frames), and are processed by
 * NAPI on the queue's core, then copied to the application.  RDMA
 * transports run in the NIC: no CPU per packet, only a work-request
 * post before the message and a completion poll after it.
 *
 * Without a `server` section none of this exists and hosts cost
 * nothing. */
#ifndef DCSIM_SERVER_H
#define DCSIM_SERVER_H 1

#include <stdbool.h>
#include <stdint.h>

#include "host/blk.h"
#include "host/cpu.h"
#include "host/host-spec.h"
#include "pkt/pkt.h"
#include "sim/sim.h"

struct flow;
struct host;
struct server_dp;
struct net;
struct pkt;
struct edge_config;
struct tx_source;

/* A direction of the NIC's PCIe link: DMA transfers in order, each
 * taking its bytes at the link rate after the one before, plus the
 * latency; like a network link, only the head needs an event. */
struct dma_chan {
    struct server *srv;
    struct pkt_fifo q;
    uint64_t busy_until_ps;
    uint64_t last_ps;          /* When the last transfer queued lands:
                                * transfers land in order (PCIe's posted
                                * writes do not pass each other). */
    struct event ev;
    bool rx;
    uint64_t bytes;
};

/* A receive queue with interrupt moderation and NAPI: one per RSS queue
 * of the host NIC, one per SR-IOV virtual function. */
struct rxq {
    struct server *srv;
    struct vm *vm;             /* A VF's queue: the guest's; else NULL. */
    struct core *core;         /* Where its interrupt and poll run. */
    struct pkt_fifo q;         /* DMA'd, not yet polled. */
    uint32_t pending;
    bool polling;              /* NAPI: interrupts off while polling. */
    uint32_t gro_flow;         /* GRO: the flow being merged, and */
    uint64_t gro_bytes;        /* its bytes so far. */
    struct event timer;        /* rx-usecs after the first frame. */
    uint64_t irqs;
};

/* A ring of send descriptors (the NIC's, a VF's, or a virtqueue). */
struct ring {
    uint32_t used, size;
    bool nic;                  /* Also counts the NIC port's queue. */
};

struct vm {
    struct server *srv;
    uint32_t index;
    struct core **vcpu;
    uint32_t n_vcpus;
    struct core *backend;      /* virtio / vhost backend thread. */
    struct ring ring;          /* Its send ring (virtqueue, VF). */
    /* virtio / vhost: the transmit virtqueue as the backend sees it. */
    struct pkt_fifo txq;
    bool backend_busy;         /* Processing: kicks are suppressed. */
    /* Packets for the guest, not yet taken by its NAPI poll. */
    struct pkt_fifo rxq;
    bool guest_polling;
    bool irq_pending;          /* Injected, its handler not yet run. */
    uint32_t gro_flow;         /* The guest's GRO (as struct rxq). */
    uint64_t gro_bytes;
    struct rxq vf_rxq;         /* SR-IOV: the VF's receive queue. */
    struct tlb iotlb;          /* SR-IOV: the IOMMU's IOTLB. */
    struct vblk *blk;          /* Its virtio-blk drive (blk.h), or NULL. */
    /* Firecracker-style token bucket on the vNIC's transmit side. */
    double tokens;
    uint64_t tokens_at_ps;
    struct event tb_wake;
    bool tb_waiting;
    /* Counters (vms.csv). */
    uint64_t exits[EXIT_N_REASONS];
    uint64_t kicks, kicks_suppressed;
    uint64_t irqs_injected, irqs_posted;
    uint64_t pkts_tx, pkts_rx;
    uint64_t tlb_misses, walk_refs;
    uint64_t iotlb_misses;
};

struct server {
    struct host *host;
    const struct server_spec *spec;
    double ps_per_cycle;
    struct core *cores;
    uint32_t n_cores;
    struct ring ring;          /* The NIC's send ring. */
    uint32_t n_blocked;        /* Cores waiting for room in a ring: only
                                * then does a freed descriptor wake any. */
    struct dma_chan tx_dma, rx_dma;
    struct rxq *rxqs;          /* One per irq core (RSS). */
    uint32_t n_rxqs;
    struct vm *vms;
    uint32_t n_vms;
    uint64_t pkts_tx, pkts_rx; /* Through the CPU path. */
    struct blk_dev blk_dev;    /* Backing the VMs' drives. */
    struct server_dp *dp;      /* Its virtual switch (datapath.h) in place
                                * of the host bridge, or NULL. */
};

/* Builds every host's server (edge->servers) from the scenario.  Returns
 * 0, or 2 with *ERR allocated. */
int servers_create(struct net *, char **err);
void servers_destroy(struct net *);

/* The spec that applies to host H (its server.nodes entry or the
 * section's). */
const struct server_spec *server_spec_of(const struct edge_config *,
                                         uint32_t h);

/* SRC (a software transport's sender on a host with a server) has data:
 * its core will build its packets. */
void server_activate(struct net *, struct tx_source *);
/* SRC, ready on a core of its host's server, leaves that core's list. */
void server_deactivate(struct net *, struct tx_source *);
/* The NIC port of the server's host is about to choose a frame: room may
 * have opened in the send ring. */
void server_tx_ready(struct net *, struct server *);
/* A packet reached the host's NIC from the wire. */
void server_receive(struct net *, struct server *, struct pkt *);
/* Core C has run out of work. */
void server_core_idle(struct net *, struct core *);
/* An RDMA flow F is about to start / has completed at its source: the
 * work-request post and the completion poll. */
void server_rdma_post(struct net *, struct flow *);
void server_rdma_poll(struct net *, struct flow *);

/* Internal to server.c, stack.c and blk.c. */
static inline uint64_t
server_ps(const struct server *srv, double cycles)
{
    /* A time past 2^63 ps, 100 times the longest run (a cost of 1e9
     * cycles a byte, a clock of a few Hz), saturates, as ser_time_ps()
     * does: converting one past 2^64 would be undefined, and was a time
     * of no meaning.  (The signed conversion is one instruction.) */
    double ps = cycles * srv->ps_per_cycle + 0.5;
    return ps < 0x1p63 ? (uint64_t)(int64_t)ps : UINT64_MAX;
}
/* virtio-mmio's interrupt handler reads InterruptStatus and writes
 * InterruptACK (Linux drivers/virtio/virtio_mmio.c, vm_interrupt()). */
#define VIRTIO_MMIO_IRQ_EXITS 2
/* VM exits and virtual interrupts on vCPU core C (stack.c). */
void vm_exit(struct net *, struct vm *, struct core *,
             enum vm_exit_reason, bool user, double emulate);
void vm_interrupt(struct net *, struct vm *, struct core *,
                  uint32_t reg_exits, cpu_done_fn *done, void *obj);
void server_dma_init(struct dma_chan *, struct sim *, struct server *, bool rx);
void server_tb_wake(struct sim *, struct event *);
void server_rxq_timer(struct sim *, struct event *);

#endif
