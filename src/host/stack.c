/* The host's network processing on its cores: the kernel stack on bare
 * metal and the four I/O paths of virtual machines.  See server.h for the
 * overview; the stages of each path are below, each one a piece of work
 * on a core (cpu.h) or a transfer over PCIe.
 *
 * Send, software transports:
 *   bare metal   app core: syscall + copy (APP), TCP/IP + driver (STACK)
 *                -> PCIe DMA read -> NIC queue
 *   SR-IOV VF    vCPU: the same in the guest; the doorbell is a write to
 *                the VF's BAR, mapped into the guest: no exit -> DMA
 *                through the IOMMU (IOTLB; a miss stalls the DMA engine)
 *   emulated     vCPU: guest stack; each register write (TDT) traps:
 *                exit + user-space emulation; the VMM then copies the
 *                frame to its tap device (VMM + host STACK) -> DMA
 *   virtio       vCPU: guest stack, descriptor on the avail ring, a kick
 *                (an I/O exit to the user-space VMM) unless EVENT_IDX
 *                says the backend is still running; backend thread:
 *                copy out of the ring (VMM), tap + bridge (STACK) -> DMA
 *   vhost        as virtio, but the kick is an ioeventfd handled in the
 *                kernel (no return to user space) and the backend is the
 *                vhost worker (VHOST)
 * Receive: PCIe DMA write -> receive queue -> interrupt (moderated) ->
 *   NAPI poll on the queue's core: the stack (bare metal), or the bridge
 *   (VM paths) -> backend copy into the guest's ring -> interrupt
 *   injection (an external-interrupt exit and an EOI exit unless posted
 *   interrupts; e1000's register accesses in its handler trap) -> guest
 *   NAPI poll: the guest stack; then the application's copy (APP).
 *   A VF's queue interrupts the guest directly.
 * RDMA runs in the NIC (server_rdma_post/poll).
 *
 * Copies go through the core's TLB (cpu.h): the application's buffer
 * and, in a guest, two-dimensional walks; without VPID every VM entry
 * flushes the vCPU's TLB. */
#include "host/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "fabric/port.h"
#include "host/datapath.h"
#include "host/host.h"
#include "host/host-observer.h"
#include "transport/transport.h"
#include "transport/flow.h"

#define VIRTQUEUE_SIZE 256     /* virtio-net's default queue size (QEMU
                                * rx/tx_queue_size). */
#define RING_BUF_BYTES 2048    /* One receive/send buffer of a ring. */

static struct flow *
flow_of(struct net *net, const struct pkt *p)
{
    return &edge_of(net)->flows[p->flow_id];
}

/* The VM a flow's endpoint on SRV runs in, or NULL on bare metal. */
static struct vm *
vm_of(struct server *srv, const struct flow *f)
{
    return srv->n_vms ? &srv->vms[flow_affinity(f) % srv->n_vms] : NULL;
}

static struct core *
app_core(struct server *srv, const struct flow *f)
{
    struct vm *vm = vm_of(srv, f);
    if (vm)
        return vm->vcpu[flow_affinity(f) % vm->n_vcpus];
    const struct server_spec *s = srv->spec;
    return &srv->cores[s->app_cores[f->id % s->n_app_cores]];
}

static struct rxq *
rss_queue(struct server *srv, const struct flow *f)
{
    /* RSS steers each flow to one queue; dcsim steers by flow. */
    return &srv->rxqs[f->id % srv->n_rxqs];
}

/* ---- Copies and their TLB misses. ---- */

/* Cycles to copy the payload of P between the application's buffer and
 * the kernel's on core C: per byte, NUMA legs, and TLB misses on the
 * application's buffer pages. */
static double
copy_cycles(struct server *srv, struct core *c, struct vm *vm,
            const struct flow *f, const struct pkt *p)
{
    const struct server_spec *s = srv->spec;
    uint64_t len = p->payload_bytes;
    double cyc = s->cost.copy_byte * (double)len;
    /* The copy reads or writes the application's buffer (buffer_node) and
     * the packet's buffer, which the NIC's DMA put in (or takes from) its
     * own node's memory. */
    int legs = (c->socket != s->buffer_node) + (c->socket != s->nic_node);
    cyc += s->cost.remote_byte * (double)len * legs;
    uint64_t off = (uint64_t)p->seq * len % s->app_buffer_bytes;
    uint64_t base = ((uint64_t)(vm ? vm->index + 1 : 0) << 44) |
                    ((uint64_t)(f->id & 0xFFFF) << 28);
    uint32_t page = vm ? vm->srv->spec->vm.guest_page : s->page_bytes;
    uint32_t misses = tlb_touch(&c->tlb, base + off, len, page);
    uint32_t refs = page_walk_refs(vm ? page : 0, s->page_bytes);
    if (vm) {
        vm->tlb_misses += misses;
        vm->walk_refs += (uint64_t)misses * refs;
    }
    return cyc + s->cost.walk_ref * refs * misses;
}

/* How many CHUNK-byte pieces of its flow's bytes begin in P: a
 * send()/recv() per write_size, a TSO segment or GRO packet per 64 KiB.
 * The flow's first packet always begins one. */
static uint64_t
chunks_begun(const struct pkt *p, uint64_t chunk)
{
    uint64_t a = (uint64_t)p->seq * p->payload_bytes;
    uint64_t b = a + p->payload_bytes;
    uint64_t n = (b + chunk - 1) / chunk - (a + chunk - 1) / chunk;
    return a == 0 && n == 0 ? 1 : n;
}

#define SEGMENT_BYTES 65536    /* Largest TSO / GRO packet (GSO_MAX_SIZE). */

/* Packets a virtio path handles per frame P: with TSO / GRO negotiated
 * (VIRTIO_NET_F_HOST_TSO4, GUEST_TSO4) the guest and the backend pass
 * whole 64 KiB packets, and a frame begins one only at the 64 KiB
 * boundaries of its flow; without, every frame is a packet.  Payload-free
 * frames (ACKs) are packets of their own. */
static double
offload_packets(const struct server *srv, const struct pkt *p)
{
    if (!p->payload_bytes || !(srv->spec->tso && srv->spec->gro))
        return 1;
    return (double)chunks_begun(p, SEGMENT_BYTES);
}

static double
syscall_cycles(struct server *srv, const struct pkt *p)
{
    return srv->spec->cost.syscall *
           (double)chunks_begun(p, srv->spec->write_bytes);
}

/* The stack's cost of receiving P in a NAPI poll: the driver's per frame,
 * and the stack's per packet, which GRO pays once per run of a flow's
 * frames merged up to 64 KiB (*FLOW and *BYTES: the run so far). */
static double
rx_cycles(struct server *srv, const struct pkt *p, uint32_t *flow,
          uint64_t *bytes)
{
    const struct cpu_costs *k = &srv->spec->cost;
    if (!p->payload_bytes) {
        *flow = UINT32_MAX;
        return k->driver_pkt + k->ack_pkt;
    }
    if (srv->spec->gro && *flow == p->flow_id &&
        *bytes + p->payload_bytes <= SEGMENT_BYTES) {
        *bytes += p->payload_bytes;
        return k->driver_pkt;
    }
    *flow = p->flow_id;
    *bytes = p->payload_bytes;
    return k->driver_pkt + k->rx_pkt;
}

/* ---- VM exits. ---- */

static void
exit_done(struct net *net, struct cpu_work *w)
{
    (void)net;
    struct core *c = w->obj;
    /* Without VPID the entry back into the guest flushes the TLB. */
    if (!c->srv->spec->vm.vpid)
        tlb_flush(&c->tlb);
}

/* Queues an exit of REASON on vCPU core C: the transition and its
 * handling (EXIT); for USER exits also the trip to the user-space VMM and
 * its EMULATE cycles of device-model work (VMM). */
void
vm_exit(struct net *net, struct vm *vm, struct core *c,
        enum vm_exit_reason reason, bool user, double emulate)
{
    const struct vm_costs *k = &vm->srv->spec->vm.cost;
    double cycles = k->exit_entry + k->handle[reason] +
                    (user ? k->exit_user : 0);
    vm->exits[reason]++;
    if (emulate > 0) {
        core_run(net, c, ACT_EXIT, server_ps(vm->srv, cycles), NULL, NULL,
                 NULL);
        core_run(net, c, ACT_VMM, server_ps(vm->srv, emulate), exit_done, c,
                 NULL);
    } else {
        core_run(net, c, ACT_EXIT, server_ps(vm->srv, cycles), exit_done, c,
                 NULL);
    }
}

/* Delivers a virtual interrupt to VM on vCPU C: with posted interrupts
 * the device's interrupt reaches the running vCPU without an exit and
 * the guest's EOI is virtualized; without, an external-interrupt exit
 * injects it and the guest's EOI write exits too.  The guest's handler
 * runs in between (IRQ) and makes REG_EXITS register accesses, each an
 * MMIO exit to the device model (e1000: ICR read, IMC and IMS writes;
 * virtio-mmio: InterruptStatus read, InterruptACK write).  DONE runs
 * after it all. */
void
vm_interrupt(struct net *net, struct vm *vm, struct core *c,
             uint32_t reg_exits, cpu_done_fn *done, void *obj)
{
    const struct vm_spec *v = &vm->srv->spec->vm;
    vm->irqs_injected++;
    if (v->posted_interrupts)
        vm->irqs_posted++;
    else
        vm_exit(net, vm, c, EXIT_EXTINT, false, 0);
    for (uint32_t i = 0; i < reg_exits; i++)
        vm_exit(net, vm, c, EXIT_MMIO, true, v->cost.emulate);
    uint64_t irq = server_ps(vm->srv, vm->srv->spec->cost.irq);
    if (v->posted_interrupts) {
        core_run(net, c, ACT_IRQ, irq, done, obj, NULL);
        return;
    }
    core_run(net, c, ACT_IRQ, irq, NULL, obj, NULL);
    vm_exit(net, vm, c, EXIT_EOI, false, 0);
    core_run(net, c, ACT_EXIT, 0, done, obj, NULL);
}

/* Register accesses of the NIC's interrupt handler in the guest. */
static uint32_t
nic_irq_exits(const struct vm_spec *v)
{
    if (v->io == VM_IO_EMULATED)
        return v->e1000_irq_exits;
    return v->mmio && v->io != VM_IO_SRIOV ? VIRTIO_MMIO_IRQ_EXITS : 0;
}

/* ---- PCIe. ---- */

/* Puts P on DMA channel D after STALL_PS with the channel held (an
 * IOTLB miss), landing REMOTE_PS later than the channel's latency (its
 * memory on the other NUMA node) but never before the transfer ahead. */
static void
dma_put_at(struct net *net, struct dma_chan *d, struct pkt *p,
           uint64_t stall_ps, uint64_t remote_ps)
{
    const struct server_spec *s = d->srv->spec;
    uint64_t now = net->sim.now_ps;
    uint64_t start = d->busy_until_ps > now ? d->busy_until_ps : now;
    d->busy_until_ps = start + stall_ps +
                       ser_time_ps(p->frame_bytes, s->pcie_rate_bps);
    d->bytes += p->frame_bytes;
    p->t_ps = d->busy_until_ps + s->pcie_latency_ps + remote_ps;
    if (p->t_ps < d->last_ps)
        p->t_ps = d->last_ps;
    d->last_ps = p->t_ps;
    if (UNLIKELY(pkt_traced(p))) {
        host_observe_to(net, p, BD_PCIE);
        host_observe_credit(net, p, BD_IOMMU, stall_ps);
    }
    pkt_fifo_push(&d->q, p);
    if (d->q.head == p)
        sim_schedule(&net->sim, &d->ev, p->t_ps);
}

static void
dma_put(struct net *net, struct dma_chan *d, struct pkt *p, uint64_t stall_ps)
{
    dma_put_at(net, d, p, stall_ps, 0);
}

/* The extra latency of the NIC's DMA for an RDMA message of flow F:
 * its data, zero-copy, is in the application's buffers, which may sit on
 * another NUMA node than the NIC's PCIe slot.  (Software transports'
 * frames are DMA'd to kernel buffers on the NIC's node; their copies pay
 * instead, copy_cycles().) */
static uint64_t
remote_dma_ps(const struct server *srv, const struct flow *f)
{
    const struct server_spec *s = srv->spec;
    return f->transport->nic_offload && s->buffer_node != s->nic_node
           ? s->remote_dma_ps : 0;
}

/* The IOMMU translates the pages of a VF's DMA buffer number SLOT: a
 * miss walks the I/O page table while the DMA engine waits. */
static uint64_t
iotlb_stall(struct vm *vm, uint64_t slot)
{
    const struct server_spec *s = vm->srv->spec;
    uint64_t addr = ((uint64_t)(vm->index + 1) << 44) +
                    slot % (4 * VIRTQUEUE_SIZE) * RING_BUF_BYTES;
    uint32_t m = tlb_touch(&vm->iotlb, addr, RING_BUF_BYTES, s->page_bytes);
    vm->iotlb_misses += m;
    return m * s->vm.cost.iotlb_miss_ps;
}

static void ring_release(struct net *, struct server *, struct ring *);
static void rx_arrive(struct net *, struct server *, struct pkt *);

static void
dma_done(struct sim *s, struct event *ev)
{
    struct dma_chan *d = CONTAINER_OF(ev, struct dma_chan, ev);
    struct net *net = net_of(s);
    struct pkt *p = pkt_fifo_pop(&d->q);
    if (d->q.head)
        sim_schedule(s, &d->ev, d->q.head->t_ps);
    if (d->rx) {
        rx_arrive(net, d->srv, p);
        return;
    }
    struct server *srv = d->srv;
    struct flow *f = flow_of(net, p);
    struct port *port = srv->host->nic.port;
    if (UNLIKELY(pkt_traced(p)))
        host_observe_to(net, p, BD_NIC);
    port_push(net, port, p, f->tc);
    /* A NIC send ring's descriptor is free once its frame is queued for
     * the wire: the ring's limit counts the port's queue. */
    struct vm *vm = vm_of(srv, f);
    if (!vm || srv->spec->vm.io == VM_IO_SRIOV ||
        srv->spec->vm.io == VM_IO_EMULATED)
        ring_release(net, srv, vm && srv->spec->vm.io == VM_IO_SRIOV
                                   ? &vm->ring : &srv->ring);
    port_kick(net, port);
}

void
server_dma_init(struct dma_chan *d, struct sim *sim, struct server *srv, bool rx)
{
    memset(d, 0, sizeof *d);
    d->srv = srv;
    d->rx = rx;
    event_init(sim, &d->ev, dma_done);
}

/* ---- Send. ---- */

static struct ring *
ring_of(struct server *srv, const struct flow *f)
{
    struct vm *vm = vm_of(srv, f);
    return vm && srv->spec->vm.io != VM_IO_EMULATED ? &vm->ring : &srv->ring;
}

static bool
ring_room(struct server *srv, const struct ring *r)
{
    uint32_t used = r->used;
    if (r->nic) {
        const struct port *port = srv->host->nic.port;
        for (unsigned tc = 0; tc < N_TC; tc++)
            used += port_queue_view(port, tc)->q.packets;
    }
    return used < r->size;
}

static void pump(struct net *, struct core *);

/* Room may have opened in a send ring: the idle cores that waited for
 * one try again. */
static void
wake_blocked(struct net *net, struct server *srv)
{
    for (uint32_t i = 0; srv->n_blocked && i < srv->n_cores; i++)
        if (srv->cores[i].pump_blocked && core_idle(&srv->cores[i]))
            pump(net, &srv->cores[i]);
}

static void
ring_release(struct net *net, struct server *srv, struct ring *r)
{
    sim_assert(r->used > 0);
    r->used--;
    wake_blocked(net, srv);
}

static void backend_next(struct net *, struct vm *);

static void
to_nic(struct net *net, struct cpu_work *w)
{
    struct server *srv = w->obj;
    if (w->pkt)   /* NULL: the vswitch kept or dropped it (bridge()). */
        dma_put(net, &srv->tx_dma, w->pkt, 0);
}

static inline void bridge(struct net *, struct server *, struct core *, double,
                   struct pkt *, bool rx, cpu_done_fn *, void *);

static void
kick_done(struct net *net, struct cpu_work *w)
{
    struct vm *vm = w->obj;
    if (!vm->backend_busy) {
        vm->backend_busy = true;
        backend_next(net, vm);
    }
}

/* After the (guest or host) stack has built P: the I/O path to the NIC. */
static void
tx_stacked(struct net *net, struct cpu_work *w)
{
    struct server *srv = w->obj;
    struct pkt *p = w->pkt;
    struct flow *f = flow_of(net, p);
    struct vm *vm = vm_of(srv, f);
    srv->pkts_tx++;
    if (!vm) {
        dma_put(net, &srv->tx_dma, p, 0);
        return;
    }
    vm->pkts_tx++;
    const struct vm_spec *v = &srv->spec->vm;
    struct core *c = app_core(srv, f);
    switch (v->io) {
    case VM_IO_SRIOV:
        dma_put(net, &srv->tx_dma, p, iotlb_stall(vm, vm->pkts_tx));
        return;
    case VM_IO_EMULATED:
        for (uint32_t i = 0; i < v->e1000_tx_exits; i++)
            vm_exit(net, vm, c, EXIT_MMIO, true, v->cost.emulate);
        /* The device model reads the frame from guest memory and writes
         * it to its tap device, in the vCPU's thread. */
        core_run(net, c, ACT_VMM,
                 server_ps(srv, v->cost.backend_pkt +
                                    srv->spec->cost.copy_byte *
                                        p->payload_bytes),
                 NULL, NULL, NULL);
        bridge(net, srv, c, srv->spec->cost.bridge_pkt, p, false, to_nic, srv);
        return;
    case VM_IO_VIRTIO:
    case VM_IO_VHOST:
        pkt_fifo_push(&vm->txq, p);
        /* Until the backend takes it: the backend's work, or, while it
         * idles, the kick's exit on its way (or the token bucket). */
        if (UNLIKELY(pkt_traced(p)))
            host_observe_wait(net, p, vm->backend,
                    v->rl_rate_bps ? BD_RATE_LIMIT : BD_EXITS);
        if (v->event_idx && vm->backend_busy) {
            /* The backend has not caught up to avail_event: no kick. */
            vm->kicks_suppressed++;
            return;
        }
        vm->kicks++;
        /* A virtio-pci kick is a port write, virtio-mmio's an MMIO
         * write; vhost's ioeventfd completes it in the kernel. */
        vm_exit(net, vm, c, v->mmio ? EXIT_MMIO : EXIT_IO,
                v->io == VM_IO_VIRTIO, 0);
        core_run(net, c, ACT_EXIT, 0, kick_done, vm, NULL);
        return;
    }
}

static void
backend_sent(struct net *net, struct cpu_work *w)
{
    struct vm *vm = w->obj;
    if (w->pkt)
        dma_put(net, &vm->srv->tx_dma, w->pkt, 0);
    backend_next(net, vm);
}

void
server_tb_wake(struct sim *s, struct event *ev)
{
    struct vm *vm = CONTAINER_OF(ev, struct vm, tb_wake);
    vm->tb_waiting = false;
    backend_next(net_of(s), vm);
}

/* Firecracker's token bucket: TOKENS refill at the rate up to the
 * bucket's size; a frame waits for as many tokens as it has bytes. */
static bool
tb_take(struct net *net, struct vm *vm, uint32_t bytes)
{
    const struct vm_spec *v = &vm->srv->spec->vm;
    if (!v->rl_rate_bps)
        return true;
    uint64_t now = net->sim.now_ps;
    vm->tokens += (double)(now - vm->tokens_at_ps) * 1e-12 *
                  (double)v->rl_rate_bps / 8;
    if (vm->tokens > (double)v->rl_burst_bytes)
        vm->tokens = (double)v->rl_burst_bytes;
    vm->tokens_at_ps = now;
    if (vm->tokens >= bytes) {
        vm->tokens -= bytes;
        return true;
    }
    double wait_s = ((double)bytes - vm->tokens) * 8 / (double)v->rl_rate_bps;
    vm->tb_waiting = true;
    sim_schedule(&net->sim, &vm->tb_wake,
                 now + (uint64_t)(wait_s * 1e12) + 1);
    return false;
}

/* The virtio / vhost backend takes the next frame off the transmit
 * virtqueue; when the queue is empty it stops and re-arms notifications
 * (with EVENT_IDX, avail_event moves to the next index). */
static void
backend_next(struct net *net, struct vm *vm)
{
    struct pkt *p = vm->txq.head;
    if (vm->tb_waiting)
        return;
    if (!p) {
        vm->backend_busy = false;
        return;
    }
    if (!tb_take(net, vm, p->frame_bytes)) {
        if (UNLIKELY(pkt_traced(p)))
            host_observe_to(net, p, BD_RATE_LIMIT);
        return;
    }
    pkt_fifo_pop(&vm->txq);
    struct server *srv = vm->srv;
    const struct vm_spec *v = &srv->spec->vm;
    bool vhost = v->io == VM_IO_VHOST;
    double n = offload_packets(srv, p);
    double cycles = (vhost ? v->cost.vhost_pkt : v->cost.backend_pkt) * n +
                    srv->spec->cost.copy_byte * p->payload_bytes;
    core_run(net, vm->backend, vhost ? ACT_VHOST : ACT_VMM,
             server_ps(srv, cycles), NULL, NULL, NULL);
    bridge(net, srv, vm->backend, srv->spec->cost.bridge_pkt * n, p, false,
           backend_sent, vm);
    /* The descriptor returns to the guest's used ring. */
    ring_release(net, srv, &vm->ring);
}

static void
ready_append(struct core *c, struct tx_source *src)
{
    src->ready = true;
    src->next = NULL;
    if (c->ready_tail)
        c->ready_tail->next = src;
    else
        c->ready_head = src;
    c->ready_tail = src;
}

/* Whether the stack may hand the NIC 64 KiB packets: the emulated e1000
 * offers the guest no segmentation offload in dcsim, so its guest builds
 * every frame (and traps on each one's TDT write). */
static bool
tso_of(const struct server *srv, const struct vm *vm)
{
    return srv->spec->tso && !(vm && srv->spec->vm.io == VM_IO_EMULATED);
}

/* Core C builds the next packet of its ready senders, if it is free and
 * their send ring has room. */
static void
pump(struct net *net, struct core *c)
{
    struct server *srv = c->srv;
    if (c->pump_blocked) {
        c->pump_blocked = false;
        srv->n_blocked--;
    }
    while (core_idle(c) && c->ready_head) {
        struct tx_source *prev = NULL, *src = c->ready_head;
        struct ring *r = NULL;
        for (; src; prev = src, src = src->next) {
            r = ring_of(srv, &edge_of(net)->flows[src->flow_id]);
            if (ring_room(srv, r))
                break;
        }
        if (!src) {
            c->pump_blocked = true;
            srv->n_blocked++;
            return;
        }
        tx_list_remove(&c->ready_head, &c->ready_tail, prev, src);
        uint64_t next_ps;
        struct pkt *p = src->class->pull(net, src, &next_ps);
        if (next_ps <= net->sim.now_ps)
            ready_append(c, src);
        else if (next_ps != TIME_NEVER)
            sim_schedule(&net->sim, &src->wake, next_ps);
        if (!p)
            continue;
        host_observe_begin(net, p, BD_APP);
        edge_of(net)->st.pkts_sent++;
        r->used++;
        struct flow *f = flow_of(net, p);
        struct vm *vm = vm_of(srv, f);
        const struct cpu_costs *k = &srv->spec->cost;
        if (p->payload_bytes) {
            double app = syscall_cycles(srv, p) + copy_cycles(srv, c, vm, f, p);
            /* With TSO the stack builds one packet per 64 KiB and the NIC
             * cuts it into frames. */
            double stack = tso_of(srv, vm)
                               ? k->tx_pkt * (double)chunks_begun(p, SEGMENT_BYTES)
                               : k->tx_pkt;
            core_run(net, c, ACT_APP, server_ps(srv, app), NULL, NULL, NULL);
            core_run(net, c, ACT_STACK, server_ps(srv, stack), tx_stacked, srv,
                     p);
        } else {
            core_run(net, c, ACT_STACK, server_ps(srv, k->ack_pkt), tx_stacked,
                     srv, p);
        }
    }
}

static struct core *
tx_core(struct net *net, struct server *srv, const struct tx_source *src)
{
    const struct flow *f = &edge_of(net)->flows[src->flow_id];
    /* ACKs leave from the receive path's softirq (in a guest: its vCPU). */
    if (src->class->rx_driven && !vm_of(srv, f))
        return rss_queue(srv, f)->core;
    return app_core(srv, f);
}

void
server_activate(struct net *net, struct tx_source *src)
{
    if (src->ready)
        return;
    struct server *srv = src->host->srv;
    sim_cancel(&net->sim, &src->wake);
    struct core *c = tx_core(net, srv, src);
    ready_append(c, src);
    if (core_idle(c))
        pump(net, c);
}

void
server_deactivate(struct net *net, struct tx_source *src)
{
    struct core *c = tx_core(net, src->host->srv, src);
    tx_list_remove(&c->ready_head, &c->ready_tail,
                   tx_list_prev(c->ready_head, src), src);
}

void
server_tx_ready(struct net *net, struct server *srv)
{
    wake_blocked(net, srv);
}

void
server_core_idle(struct net *net, struct core *c)
{
    if (c->ready_head)
        pump(net, c);
}

/* ---- Receive. ---- */

static void
deliver_done(struct net *net, struct cpu_work *w)
{
    host_deliver(net, w->pkt);
}

/* The application's recv(): the copy out of the kernel (or guest
 * kernel), then the transport sees the data. */
static void
to_app(struct net *net, struct server *srv, struct pkt *p)
{
    struct flow *f = flow_of(net, p);
    if (!p->payload_bytes) {
        host_deliver(net, p);
        return;
    }
    struct core *c = app_core(srv, f);
    double app = syscall_cycles(srv, p) +
                 copy_cycles(srv, c, vm_of(srv, f), f, p);
    core_run(net, c, ACT_APP, server_ps(srv, app), deliver_done, NULL, p);
}

static void rxq_poll(struct net *, struct rxq *);

static void
polled(struct net *net, struct cpu_work *w)
{
    struct rxq *q = w->obj;
    struct pkt *p = w->pkt;
    to_app(net, q->srv, p);
    rxq_poll(net, q);
}

static void guest_rx(struct net *, struct vm *, struct pkt *);

static void
backend_rx_done(struct net *net, struct cpu_work *w)
{
    guest_rx(net, w->obj, w->pkt);
}

/* The backend copies P into a buffer of its guest's receive virtqueue
 * (e1000: the device model into its RX descriptors). */
static inline void
to_guest(struct net *net, struct server *srv, struct pkt *p)
{
    struct vm *vm = vm_of(srv, flow_of(net, p));
    const struct vm_spec *v = &srv->spec->vm;
    double cycles = srv->spec->cost.copy_byte * p->payload_bytes;
    double n = v->io == VM_IO_EMULATED ? 1 : offload_packets(srv, p);
    uint8_t act = ACT_VMM;
    if (v->io == VM_IO_VHOST) {
        cycles += v->cost.vhost_pkt * n;
        act = ACT_VHOST;
    } else {
        cycles += v->cost.backend_pkt * n;
    }
    core_run(net, vm->backend, act, server_ps(srv, cycles), backend_rx_done,
             vm, p);
}

static void
bridged(struct net *net, struct cpu_work *w)
{
    struct rxq *q = w->obj;
    if (w->pkt)   /* NULL: the vswitch kept or dropped it (bridge()). */
        to_guest(net, q->srv, w->pkt);
    rxq_poll(net, q);
}

/* ---- The virtual switch (datapath.h) in place of the host bridge. ---- */

/* Whether P, past the vswitch of SRV, is for one of its VMs: addressed
 * to this host, or received for a VM that moved here (BGP EVPN).  Once a
 * VM has moved (edge->runs_on), a host's own sending may carry another
 * host's address (its VMs run here): then P is for a VM here when its
 * destination's VMs run here and it is outside a tunnel. */
static bool
dp_inbound(struct net *net, const struct server *srv, const struct pkt *p)
{
    struct edge *edge = edge_of(net);
    if (p->ip.dst == srv->host->ip)
        return true;
    if (LIKELY(!edge->runs_on))
        return p->ip.src != srv->host->ip;
    uint32_t dst = net_host_of_ip(net, p->ip.dst);
    return !p->vni && dst != UINT32_MAX &&
           edge_runs_on(edge, dst) == srv->host->index;
}

/* P goes on past the vswitch: to its VM, or to the NIC. */
static void
dp_forward(struct net *net, struct server *srv, struct pkt *p)
{
    if (dp_inbound(net, srv, p))
        to_guest(net, srv, p);
    else
        dma_put(net, &srv->tx_dma, p, 0);
}

static void
dp_released(struct sim *s, void *obj, uint64_t host)
{
    struct net *net = net_of(s);
    dp_forward(net, &edge_of(net)->servers[host], obj);
}

/* Flood copies COPIES (linked through `next`) go to the NIC. */
static void
send_copies(struct net *net, struct server *srv, struct pkt *copies)
{
    for (struct pkt *p = copies, *next; p; p = next) {
        next = p->next;
        p->next = NULL;
        dma_put(net, &srv->tx_dma, p, 0);
    }
}

static void
dp_copies(struct net *net, struct cpu_work *w)
{
    send_copies(net, w->obj, w->pkt);
}

/* The handler thread has run P's upcall; the slow path may hold it.
 * P's t_ps holds its verdict's cookie while it is in the handler's
 * queue, and its `next` the flood copies the handler sends once done,
 * after P, as OVS's handler executes a miss's actions (bridge_dp()). */
static void
upcall_done(struct net *net, struct cpu_work *w)
{
    struct server *srv = w->obj;
    struct pkt *copies = w->pkt->next;
    w->pkt->next = NULL;
    uint64_t hold = server_dp_upcall_done(srv->dp, net, w->pkt, w->pkt->t_ps);
    if (hold)
        sim_call(&net->sim, net->sim.now_ps + hold, dp_released, w->pkt,
                 srv->host->index);
    else
        dp_forward(net, srv, w->pkt);
    send_copies(net, srv, copies);
}

/* The fast path has missed for P: its upcall queues for the handler. */
static void
dp_missed(struct net *net, struct cpu_work *w)
{
    struct server *srv = w->obj;
    struct pkt *p = w->pkt;
    core_run(net, srv->dp->handler, ACT_UPCALL,
             server_dp_upcall_start(srv->dp, p, p->t_ps), upcall_done, srv,
             p);
}

/* The vswitch's part of bridge(). */
static void
bridge_dp(struct net *net, struct server *srv, struct core *c, double cycles,
          struct pkt *p, bool rx, cpu_done_fn *done, void *obj)
{
    struct dp_verdict v;
    server_dp_receive(srv->dp, net, srv, p,
                      vm_of(srv, flow_of(net, p))->index, rx, &v);
    uint64_t fast_ps = server_ps(srv, cycles + v.cycles);
    if (v.drop != DROP_N_REASONS) {
        if (!rx && srv->spec->vm.io == VM_IO_EMULATED)
            ring_release(net, srv, &srv->ring);   /* See dma_done(). */
        if (v.upcall)
            core_run(net, srv->dp->handler, ACT_UPCALL,
                     server_dp_upcall_start(srv->dp, p, v.cookie), NULL,
                     NULL, NULL);
        if (v.consumed)
            pkt_free(&net->pool, p);
        else
            net_drop(net, p, v.drop);
        core_run(net, c, ACT_STACK, fast_ps, done, obj, NULL);
        return;
    }
    if (!v.upcall) {
        core_run(net, c, ACT_STACK, fast_ps, done, obj, p);
    } else {
        p->t_ps = v.cookie;   /* Read by dp_missed() and upcall_done(). */
        p->next = v.copies;   /* The handler sends them (upcall_done()). */
        v.copies = NULL;
        core_run(net, c, ACT_STACK, fast_ps, dp_missed, srv, p);
        core_run(net, c, ACT_STACK, 0, done, obj, NULL);
    }
    if (v.copies)
        core_run(net, c, ACT_STACK, 0, dp_copies, srv, v.copies);
}

/* The host's switch between its VMs and the NIC, on core C, for P (RX:
 * from the NIC).  Without a vswitch: the host bridge's CYCLES, then
 * DONE(OBJ, P).  With one: the bridge's cycles and its fast path's, then
 * DONE(OBJ, P) if P goes on at once, or DONE(OBJ, NULL) if it was
 * dropped or waits for an upcall (which forwards it when done). */
static inline void
bridge(struct net *net, struct server *srv, struct core *c, double cycles,
       struct pkt *p, bool rx, cpu_done_fn *done, void *obj)
{
    if (UNLIKELY(srv->dp))
        bridge_dp(net, srv, c, cycles, p, rx, done, obj);
    else
        core_run(net, c, ACT_STACK, server_ps(srv, cycles), done, obj, p);
}

/* NAPI: take the next packet of Q; when none is left, leave polling mode
 * and re-enable the interrupt. */
static void
rxq_poll(struct net *net, struct rxq *q)
{
    struct pkt *p = pkt_fifo_pop(&q->q);
    if (!p) {
        q->polling = false;
        q->gro_flow = UINT32_MAX;
        return;
    }
    q->pending--;
    struct server *srv = q->srv;
    const struct cpu_costs *k = &srv->spec->cost;
    if (!q->vm && vm_of(srv, flow_of(net, p))) {
        /* For a VM behind the host's bridge: driver, tap and bridge (on
         * GRO-merged packets for virtio and vhost). */
        double n = srv->spec->vm.io == VM_IO_EMULATED
                       ? 1 : offload_packets(srv, p);
        bridge(net, srv, q->core, k->driver_pkt + k->bridge_pkt * n, p, true,
               bridged, q);
        return;
    }
    double stack = rx_cycles(srv, p, &q->gro_flow, &q->gro_bytes);
    core_run(net, q->core, ACT_STACK, server_ps(srv, stack), polled, q, p);
}

static void
irq_done(struct net *net, struct cpu_work *w)
{
    rxq_poll(net, w->obj);
}

static void
rxq_interrupt(struct net *net, struct rxq *q)
{
    sim_cancel(&net->sim, &q->timer);
    q->polling = true;
    q->irqs++;
    if (q->vm) {
        vm_interrupt(net, q->vm, q->core, 0, irq_done, q);
        return;
    }
    core_run(net, q->core, ACT_IRQ, server_ps(q->srv, q->srv->spec->cost.irq),
             irq_done, q, NULL);
}

void
server_rxq_timer(struct sim *s, struct event *ev)
{
    struct rxq *q = CONTAINER_OF(ev, struct rxq, timer);
    if (!q->polling && q->q.head)
        rxq_interrupt(net_of(s), q);
}

/* Interrupt moderation (ethtool rx-usecs, rx-frames): the NIC interrupts
 * when rx-frames frames wait or rx-usecs after the first one. */
static void
rxq_add(struct net *net, struct rxq *q, struct pkt *p)
{
    pkt_fifo_push(&q->q, p);
    /* Until NAPI takes it: the interrupt and the polls ahead of it on
     * the queue's core; while the core idles, moderation holds it. */
    if (UNLIKELY(pkt_traced(p)))
        host_observe_wait(net, p, q->core, BD_NIC);
    q->pending++;
    if (q->polling)
        return;
    const struct server_spec *s = q->srv->spec;
    if (q->pending >= s->coalesce_frames || !s->coalesce_ps)
        rxq_interrupt(net, q);
    else if (!event_is_scheduled(&net->sim, &q->timer))
        sim_schedule(&net->sim, &q->timer, net->sim.now_ps + s->coalesce_ps);
}

static void guest_poll(struct net *, struct vm *);

static void
guest_polled(struct net *net, struct cpu_work *w)
{
    struct vm *vm = w->obj;
    to_app(net, vm->srv, w->pkt);
    guest_poll(net, vm);
}

static void
guest_poll(struct net *net, struct vm *vm)
{
    struct pkt *p = pkt_fifo_pop(&vm->rxq);
    if (!p) {
        vm->guest_polling = false;
        vm->gro_flow = UINT32_MAX;
        return;
    }
    struct server *srv = vm->srv;
    struct core *c = app_core(srv, flow_of(net, p));
    core_run(net, c, ACT_STACK,
             server_ps(srv, rx_cycles(srv, p, &vm->gro_flow, &vm->gro_bytes)),
             guest_polled, vm, p);
}

static void
guest_irq_done(struct net *net, struct cpu_work *w)
{
    struct vm *vm = w->obj;
    vm->irq_pending = false;
    if (!vm->guest_polling) {
        vm->guest_polling = true;
        guest_poll(net, vm);
    }
}

/* A frame is in the guest's receive ring.  The guest's NAPI asks for an
 * interrupt only when it is not polling (EVENT_IDX's used_event); without
 * EVENT_IDX every used buffer interrupts.  An interrupt still pending
 * (injected, its handler not yet run) absorbs the next: the vector's bit
 * is already set in the virtual APIC's IRR (or the posted-interrupt
 * descriptor), and with EVENT_IDX used_event has not moved either. */
static void
guest_rx(struct net *net, struct vm *vm, struct pkt *p)
{
    struct core *c = app_core(vm->srv, flow_of(net, p));
    vm->pkts_rx++;
    pkt_fifo_push(&vm->rxq, p);
    if (UNLIKELY(pkt_traced(p)))
        host_observe_wait(net, p, c, BD_NIC);
    if (vm->irq_pending ||
        (vm->guest_polling && vm->srv->spec->vm.event_idx))
        return;
    vm->irq_pending = true;
    vm_interrupt(net, vm, c, nic_irq_exits(&vm->srv->spec->vm), guest_irq_done,
                 vm);
}

/* A frame has crossed PCIe into host memory (or, for a VF, the guest's
 * memory). */
static void
rx_arrive(struct net *net, struct server *srv, struct pkt *p)
{
    struct flow *f = flow_of(net, p);
    if (f->transport->nic_offload) {
        /* RDMA: the NIC placed the data; no CPU is involved. */
        host_deliver(net, p);
        return;
    }
    srv->pkts_rx++;
    struct vm *vm = vm_of(srv, f);
    if (vm && srv->spec->vm.io == VM_IO_SRIOV) {
        vm->pkts_rx++;
        rxq_add(net, &vm->vf_rxq, p);
    } else {
        rxq_add(net, rss_queue(srv, f), p);
    }
}

void
server_receive(struct net *net, struct server *srv, struct pkt *p)
{
    struct flow *f = flow_of(net, p);
    struct vm *vm = vm_of(srv, f);
    uint64_t stall = 0;
    if (vm && srv->spec->vm.io == VM_IO_SRIOV)
        stall = iotlb_stall(vm, vm->pkts_rx);
    /* An RDMA frame's payload is written into the application's buffer
     * (an ACK or a CNP has none to write). */
    dma_put_at(net, &srv->rx_dma, p, stall,
               p->payload_bytes ? remote_dma_ps(srv, f) : 0);
}

/* ---- RDMA: the CPU posts and polls; the NIC does the rest. ---- */

static void
nic_start(struct sim *s, void *obj, uint64_t arg)
{
    struct flow *f = obj;
    (void)arg;
    f->transport->start(net_of(s), f);
}

/* The work request is posted; the NIC fetches it and the message's first
 * data from the application's buffers, across the sockets if they sit on
 * the other node. */
static void
post_done(struct net *net, struct cpu_work *w)
{
    struct flow *f = w->obj;
    struct server *srv = edge_of(net)->hosts[f->src].srv;
    uint64_t remote = remote_dma_ps(srv, f);
    if (remote)
        sim_call(&net->sim, net->sim.now_ps + remote, nic_start, f, 0);
    else
        f->transport->start(net, f);
}

void
server_rdma_post(struct net *net, struct flow *f)
{
    struct server *srv = host_running(net, f->src)->srv;
    core_run(net, app_core(srv, f), ACT_RDMA,
             server_ps(srv, srv->spec->cost.rdma_post), post_done, f, NULL);
}

void
server_rdma_poll(struct net *net, struct flow *f)
{
    struct server *srv = host_running(net, f->src)->srv;
    core_run(net, app_core(srv, f), ACT_RDMA,
             server_ps(srv, srv->spec->cost.rdma_poll), NULL, NULL, NULL);
}
