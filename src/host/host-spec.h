/* The hosts' configuration: the scenario's `host` section (the NICs) and
 * `server` section (CPU, NUMA, PCIe, VMs and their block devices), read
 * by scenario/scn-host.c and scenario/scn-server.c (docs/scenario.md). */
#ifndef DCSIM_HOST_SPEC_H
#define DCSIM_HOST_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/fabric-spec.h"
#include "fabric/topo.h"

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

/* An NVMe SSD (storage.device, docs/scenario.md): the device that serves
 * the storage section's targets and local jobs (blk.h, nvme_submit()).
 * Defaults: Intel Optane SSD DC P4800X (docs/models.md). */
struct nvme_spec {
    uint64_t read_latency_ps;  /* Media access of one read command. */
    uint64_t write_latency_ps; /* Media access of one write command. */
    uint64_t read_rate_bps;    /* The device's data path, device to host. */
    uint64_t write_rate_bps;   /* Host to device. */
    uint32_t units;            /* Media units that work in parallel
                                * (channels x dies). */
    uint32_t queue_depth;      /* Submission queue entries: commands the
                                * device holds at once; more wait in the
                                * host's driver. */
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
    uint64_t remote_dma_ps;   /* Added to the NIC's DMA of an RDMA
                               * message's data to or from buffers on
                               * another node than its own (the
                               * inter-socket link). */
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

#endif
