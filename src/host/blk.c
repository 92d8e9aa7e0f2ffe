/* Virtual block devices; see blk.h for the stages. */
#include "host/blk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/server.h"
#include "sim/stats.h"

static const struct blk_spec *
spec_of(const struct vblk *d)
{
    return &d->vm->srv->spec->vm.blk;
}

static struct core *
vcpu_of(const struct vblk *d)
{
    return d->vm->vcpu[0];
}

static void backend_next(struct net *, struct vblk *);

/* ---- Rate limiter: Firecracker's two token buckets. ---- */

static void
tbucket_init(struct tbucket *b, const struct token_bucket_spec *s)
{
    memset(b, 0, sizeof *b);
    if (!s->size)
        return;
    b->size = b->tokens = (double)s->size;
    b->burst = (double)s->one_time_burst;
    b->per_ps = (double)s->size / (double)s->refill_ps;
}

static void
tbucket_refill(struct tbucket *b, uint64_t dt_ps)
{
    if (!b->per_ps)
        return;
    b->tokens += (double)dt_ps * b->per_ps;
    if (b->tokens > b->size)
        b->tokens = b->size;
}

/* Picoseconds until B holds N (0: now). */
static double
tbucket_wait(const struct tbucket *b, double n)
{
    if (!b->per_ps || b->tokens + b->burst >= n)
        return 0;
    return (n - b->tokens - b->burst) / b->per_ps;
}

/* The one-time burst goes first. */
static void
tbucket_take(struct tbucket *b, double n)
{
    if (!b->per_ps)
        return;
    double from_burst = n < b->burst ? n : b->burst;
    b->burst -= from_burst;
    b->tokens -= n - from_burst;
}

static void
tb_wake(struct sim *s, struct event *ev)
{
    struct vblk *d = CONTAINER_OF(ev, struct vblk, tb_wake);
    d->tb_waiting = false;
    d->throttled_ps += s->now_ps - d->throttled_from_ps;
    backend_next(net_of(s), d);
}

/* Takes a request's tokens from both buckets, or, if either lacks them,
 * takes none and wakes the backend when both will have them. */
static bool
limiter_admit(struct net *net, struct vblk *d)
{
    uint64_t now = net->sim.now_ps;
    tbucket_refill(&d->bw, now - d->tb_at_ps);
    tbucket_refill(&d->ops, now - d->tb_at_ps);
    d->tb_at_ps = now;
    double bytes = (double)spec_of(d)->size;
    double wait = fmax(tbucket_wait(&d->bw, bytes), tbucket_wait(&d->ops, 1));
    if (wait <= 0) {
        tbucket_take(&d->bw, bytes);
        tbucket_take(&d->ops, 1);
        return true;
    }
    d->tb_waiting = true;
    d->throttles++;
    d->throttled_from_ps = now;
    sim_schedule(&net->sim, &d->tb_wake, now + (uint64_t)ceil(wait) + 1);
    return false;
}

/* ---- The guest's side. ---- */

static void
fifo_put(struct blk_req **head, struct blk_req **tail, struct blk_req *r)
{
    r->next = NULL;
    if (*tail)
        (*tail)->next = r;
    else
        *head = r;
    *tail = r;
}

static struct blk_req *
fifo_take(struct blk_req **head, struct blk_req **tail)
{
    struct blk_req *r = *head;
    if (r) {
        *head = r->next;
        if (!*head)
            *tail = NULL;
    }
    return r;
}

static void
kick_done(struct net *net, struct cpu_work *w)
{
    struct vblk *d = w->obj;
    if (!d->backend_busy) {
        d->backend_busy = true;
        backend_next(net, d);
    }
}

/* The driver has put the request on the available ring: notify the
 * device unless EVENT_IDX says it is still working through the ring. */
static void
submitted(struct net *net, struct cpu_work *w)
{
    struct blk_req *r = w->obj;
    struct vblk *d = r->d;
    struct vm *vm = d->vm;
    const struct vm_spec *v = &vm->srv->spec->vm;
    fifo_put(&d->avail, &d->avail_tail, r);
    if (v->event_idx && d->backend_busy) {
        d->kicks_suppressed++;
        return;
    }
    d->kicks++;
    /* Firecracker's block device lives in the VMM: a user-space exit. */
    vm_exit(net, vm, vcpu_of(d), v->mmio ? EXIT_MMIO : EXIT_IO, true, 0);
    core_run(net, vcpu_of(d), ACT_EXIT, 0, kick_done, d, NULL);
}

/* The job issues R: read() or write() on the drive. */
static void
issue(struct net *net, struct vblk *d, struct blk_req *r)
{
    const struct server *srv = d->vm->srv;
    r->issued_ps = net->sim.now_ps;
    if (!d->issued++)
        d->first_ps = r->issued_ps;
    core_run(net, vcpu_of(d), ACT_APP, server_ps(srv, srv->spec->cost.syscall),
             NULL, NULL, NULL);
    core_run(net, vcpu_of(d), ACT_STACK, server_ps(srv, spec_of(d)->submit),
             submitted, r, NULL);
}

static void drain(struct net *, struct vblk *);

/* The driver has completed R: the job sees it and issues the next. */
static void
completed(struct net *net, struct cpu_work *w)
{
    struct blk_req *r = w->obj;
    struct vblk *d = r->d;
    const struct blk_spec *b = spec_of(d);
    uint64_t now = net->sim.now_ps;
    stats_append(&d->lat_ps, &d->completed, &d->lat_cap,
                 (double)(now - r->issued_ps));
    d->bytes += b->size;
    d->last_ps = now;
    if (d->issued < b->requests)
        issue(net, d, r);
    if (--d->completing == 0)
        drain(net, d);
}

/* virtblk_done(): callbacks off, every used request completed, then
 * callbacks on again and the ring checked once more. */
static void
drain(struct net *net, struct vblk *d)
{
    const struct server *srv = d->vm->srv;
    struct blk_req *r;
    d->guest_busy = d->used != NULL;
    while ((r = fifo_take(&d->used, &d->used_tail))) {
        d->completing++;
        core_run(net, vcpu_of(d), ACT_STACK,
                 server_ps(srv, spec_of(d)->complete), completed, r, NULL);
    }
}

static void
irq_done(struct net *net, struct cpu_work *w)
{
    struct vblk *d = w->obj;
    d->irq_pending = false;
    if (!d->guest_busy)
        drain(net, d);
}

/* ---- The VMM's block device and the backing device. ---- */

/* R is on the used ring: interrupt the guest unless an interrupt is
 * still pending or (EVENT_IDX) its driver is working through the ring. */
static void
used(struct net *net, struct cpu_work *w)
{
    struct blk_req *r = w->obj;
    struct vblk *d = r->d;
    const struct vm_spec *v = &d->vm->srv->spec->vm;
    fifo_put(&d->used, &d->used_tail, r);
    if (!d->irq_pending && !(d->guest_busy && v->event_idx)) {
        d->irq_pending = true;
        d->irqs++;
        vm_interrupt(net, d->vm, vcpu_of(d),
                     v->mmio ? VIRTIO_MMIO_IRQ_EXITS : 0, irq_done, d);
    }
    if (!v->blk.async)
        backend_next(net, d);
}

static void
device_done(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct blk_req *r = obj;
    struct vblk *d = r->d;
    const struct server *srv = d->vm->srv;
    const struct blk_spec *b = spec_of(d);
    /* A read's data lands in the backend's buffer and is copied into
     * the guest's. */
    double cycles = b->write ? 0 : srv->spec->cost.copy_byte * (double)b->size;
    core_run(net_of(s), d->vm->backend, ACT_VMM, server_ps(srv, cycles), used,
             r, NULL);
}

/* The backend has handed R to the host's device: transfers in order at
 * its rate, then its latency. */
static void
to_device(struct net *net, struct cpu_work *w)
{
    struct blk_req *r = w->obj;
    struct vblk *d = r->d;
    struct server *srv = d->vm->srv;
    const struct blk_spec *b = spec_of(d);
    struct blk_dev *dev = &srv->blk_dev;
    uint64_t now = net->sim.now_ps;
    uint64_t start = dev->busy_until_ps > now ? dev->busy_until_ps : now;
    dev->busy_until_ps =
        start + ser_time_ps(b->size, b->write ? b->write_rate_bps
                                              : b->read_rate_bps);
    dev->bytes += b->size;
    sim_call(&net->sim,
             dev->busy_until_ps +
                 (b->write ? b->write_latency_ps : b->read_latency_ps),
             device_done, r, 0);
    if (b->async)
        backend_next(net, d);
}

/* The backend takes the next available request, if the rate limiter
 * lets it; with none left it stops (and EVENT_IDX re-arms kicks). */
static void
backend_next(struct net *net, struct vblk *d)
{
    if (d->tb_waiting)
        return;
    if (!d->avail) {
        d->backend_busy = false;
        return;
    }
    if (!limiter_admit(net, d))
        return;
    struct blk_req *r = fifo_take(&d->avail, &d->avail_tail);
    const struct server *srv = d->vm->srv;
    const struct blk_spec *b = spec_of(d);
    /* Parsing the request and its system call; a write's data is copied
     * out of guest memory. */
    double cycles = srv->spec->vm.cost.backend_pkt +
                    (b->write ? srv->spec->cost.copy_byte * (double)b->size
                              : 0);
    core_run(net, d->vm->backend, ACT_VMM, server_ps(srv, cycles), to_device,
             r, NULL);
}

/* ---- Setup. ---- */

static void
job_start(struct sim *s, struct event *ev)
{
    struct vblk *d = CONTAINER_OF(ev, struct vblk, start);
    const struct blk_spec *b = spec_of(d);
    for (uint32_t i = 0; i < b->iodepth && d->issued < b->requests; i++)
        issue(net_of(s), d, &d->reqs[i]);
}

void
vblk_init(struct net *net, struct vm *vm)
{
    const struct blk_spec *b = &vm->srv->spec->vm.blk;
    struct vblk *d = xcalloc(1, sizeof *d);
    vm->blk = d;
    d->vm = vm;
    d->reqs = xcalloc(b->iodepth, sizeof *d->reqs);
    for (uint32_t i = 0; i < b->iodepth; i++)
        d->reqs[i].d = d;
    tbucket_init(&d->bw, &b->bw);
    tbucket_init(&d->ops, &b->ops);
    event_init(&net->sim, &d->tb_wake, tb_wake);
    event_init(&net->sim, &d->start, job_start);
    sim_schedule(&net->sim, &d->start, b->start_ps);
}

void
vblk_free(struct vblk *d)
{
    if (!d)
        return;
    free(d->reqs);
    free(d->lat_ps);
    free(d);
}

/* ---- NVMe SSD (blk.h). ---- */

void
nvme_init(struct nvme_dev *dev, const struct nvme_spec *spec)
{
    memset(dev, 0, sizeof *dev);
    dev->spec = spec;
}

double
nvme_ceiling_iops(const struct nvme_spec *s, bool write, uint64_t bytes)
{
    double lat_s = (double)(write ? s->write_latency_ps : s->read_latency_ps)
                   / (double)PS_PER_S;
    double rate = (double)(write ? s->write_rate_bps : s->read_rate_bps);
    double by_units = (double)s->units / lat_s;
    double by_path = rate / (8.0 * (double)bytes);
    return by_units < by_path ? by_units : by_path;
}

static void nvme_dispatch(struct net *, struct nvme_dev *);

/* CMD is complete: room in the submission queue for a waiting one. */
static void
nvme_complete(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct nvme_cmd *c = obj;
    struct nvme_dev *dev = c->dev;
    struct net *net = net_of(s);
    dev->in_device--;
    struct nvme_cmd *w = dev->host;
    if (w) {
        dev->host = w->next;
        if (!dev->host)
            dev->host_tail = NULL;
        nvme_submit(net, dev, w);
    }
    c->done(net, c);
}

/* A read's media access is over: its unit is free, and its data takes
 * the data path. */
static void
nvme_read_sensed(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct nvme_cmd *c = obj;
    struct nvme_dev *dev = c->dev;
    uint64_t now = s->now_ps;
    uint64_t start = dev->path_until_ps > now ? dev->path_until_ps : now;
    dev->path_until_ps = start + ser_time_ps(c->bytes, dev->spec->read_rate_bps);
    dev->units_busy--;
    sim_call(s, dev->path_until_ps, nvme_complete, c, 0);
    nvme_dispatch(net_of(s), dev);
}

/* A write's media program is over: its unit is free. */
static void
nvme_write_done(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct nvme_cmd *c = obj;
    c->dev->units_busy--;
    nvme_dispatch(net_of(s), c->dev);
    nvme_complete(s, c, 0);
}

/* Free units take the oldest queued commands. */
static void
nvme_dispatch(struct net *net, struct nvme_dev *dev)
{
    const struct nvme_spec *s = dev->spec;
    while (dev->sq && dev->units_busy < s->units) {
        struct nvme_cmd *c = dev->sq;
        dev->sq = c->next;
        if (!dev->sq)
            dev->sq_tail = NULL;
        dev->units_busy++;
        uint64_t now = net->sim.now_ps;
        if (c->write)
            sim_call(&net->sim, now + s->write_latency_ps, nvme_write_done,
                     c, 0);
        else
            sim_call(&net->sim, now + s->read_latency_ps, nvme_read_sensed,
                     c, 0);
    }
}

static void
sq_put(struct nvme_dev *dev, struct nvme_cmd *c)
{
    c->next = NULL;
    if (dev->sq_tail)
        dev->sq_tail->next = c;
    else
        dev->sq = c;
    dev->sq_tail = c;
}

/* A write's data is in the controller's buffer: it waits for a unit. */
static void
nvme_write_buffered(struct sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    struct nvme_cmd *c = obj;
    sq_put(c->dev, c);
    nvme_dispatch(net_of(s), c->dev);
}

void
nvme_submit(struct net *net, struct nvme_dev *dev, struct nvme_cmd *c)
{
    c->dev = dev;
    c->next = NULL;
    if (dev->in_device >= dev->spec->queue_depth) {
        dev->host_waits++;
        if (dev->host_tail)
            dev->host_tail->next = c;
        else
            dev->host = c;
        dev->host_tail = c;
        return;
    }
    dev->in_device++;
    dev->bytes += c->bytes;
    if (!c->write) {
        dev->reads++;
        sq_put(dev, c);
        nvme_dispatch(net, dev);
        return;
    }
    /* A write's data crosses the data path first. */
    dev->writes++;
    uint64_t now = net->sim.now_ps;
    uint64_t start = dev->path_until_ps > now ? dev->path_until_ps : now;
    dev->path_until_ps = start + ser_time_ps(c->bytes,
                                             dev->spec->write_rate_bps);
    sim_call(&net->sim, dev->path_until_ps, nvme_write_buffered, c, 0);
}
