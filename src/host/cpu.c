/* CPU cores and their TLBs; see cpu.h. */
#include "host/cpu.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/server.h"
#include "host/host-observer.h"

const char *const cpu_act_names[ACT_N] = {
    "app", "stack", "irq", "vhost", "vmm", "exits", "rdma", "upcall",
};

#define WORK_SLAB 1024

struct cpu_work *
cpu_work_alloc(struct cpu_pool *pool)
{
    if (!pool->free) {
        struct cpu_work *slab = xcalloc(WORK_SLAB, sizeof *slab);
        pool->slabs = xrealloc(pool->slabs,
                               (pool->n_slabs + 1) * sizeof *pool->slabs);
        pool->slabs[pool->n_slabs++] = slab;
        for (size_t i = 0; i < WORK_SLAB; i++) {
            slab[i].next = pool->free;
            pool->free = &slab[i];
        }
    }
    struct cpu_work *w = pool->free;
    pool->free = w->next;
    memset(w, 0, sizeof *w);
    return w;
}

void
cpu_pool_free(struct cpu_pool *pool)
{
    for (size_t i = 0; i < pool->n_slabs; i++)
        free(pool->slabs[i]);
    free(pool->slabs);
    memset(pool, 0, sizeof *pool);
}

void
core_run(struct net *net, struct core *c, uint8_t act, uint64_t cost_ps,
         cpu_done_fn *done, void *obj, struct pkt *p)
{
    struct cpu_work *w = cpu_work_alloc(&edge_of(net)->cpu_pool);
    w->act = act;
    w->cost_ps = cost_ps;
    w->done = done;
    w->obj = obj;
    w->pkt = p;
    core_submit(net, c, w);
}

static void core_done(struct sim *, struct event *);

void
core_init(struct core *c, struct sim *sim, struct server *srv,
          uint32_t index, uint8_t socket, uint32_t tlb_entries)
{
    memset(c, 0, sizeof *c);
    c->srv = srv;
    c->index = index;
    c->socket = socket;
    event_init(sim, &c->done, core_done);
    uint32_t sets = tlb_entries / TLB_WAYS;
    c->tlb.sets = sets ? sets : 1;
    c->tlb.tag = xcalloc((size_t)c->tlb.sets * TLB_WAYS, sizeof *c->tlb.tag);
    c->tlb.age = xcalloc((size_t)c->tlb.sets * TLB_WAYS, sizeof *c->tlb.age);
}

void
core_uninit(struct core *c)
{
    free(c->tlb.tag);
    free(c->tlb.age);
}

void
core_submit(struct net *net, struct core *c, struct cpu_work *w)
{
    w->next = NULL;
    if (w->pkt && UNLIKELY(pkt_traced(w->pkt)))
        host_observe_wait(net, w->pkt, c, BD_NIC);
    if (c->tail) {
        c->tail->next = w;
        c->tail = w;
        return;
    }
    c->head = c->tail = w;
    sim_schedule(&net->sim, &c->done, net->sim.now_ps + w->cost_ps);
}

void
core_busy_at(const struct core *c, uint64_t now_ps, uint64_t out_ps[ACT_N])
{
    for (int a = 0; a < ACT_N; a++)
        out_ps[a] = c->busy_ps[a];
    /* The head started its cost before the end it is scheduled for. */
    if (c->head)
        out_ps[c->head->act] += now_ps -
                                (c->done.time_ps - c->head->cost_ps);
}

static void
core_done(struct sim *s, struct event *ev)
{
    struct core *c = CONTAINER_OF(ev, struct core, done);
    struct net *net = net_of(s);
    struct cpu_work *w = c->head;
    c->head = w->next;
    if (!c->head)
        c->tail = NULL;
    else
        sim_schedule(s, &c->done, s->now_ps + c->head->cost_ps);
    c->busy_ps[w->act] += w->cost_ps;
    c->busy_total_ps += w->cost_ps;
    if (w->done)
        w->done(net, w);
    w->next = edge_of(net)->cpu_pool.free;
    edge_of(net)->cpu_pool.free = w;
    if (!c->head)
        server_core_idle(net, c);
}

uint32_t
tlb_touch(struct tlb *t, uint64_t addr, uint64_t len, uint32_t page_bytes)
{
    if (!len)
        return 0;
    uint64_t first = addr / page_bytes, last = (addr + len - 1) / page_bytes;
    uint32_t misses = 0;
    for (uint64_t pg = first; pg <= last; pg++) {
        /* Pages of different sizes never share a tag: the size is in it. */
        uint64_t tag = (pg << 2 | (page_bytes >> 21 ? (page_bytes >> 30 ? 2 : 1)
                                                    : 0)) + 1;
        uint32_t set = (uint32_t)(pg % t->sets);
        uint64_t *tags = &t->tag[(size_t)set * TLB_WAYS];
        uint32_t *ages = &t->age[(size_t)set * TLB_WAYS];
        t->clock++;
        int victim = 0;
        bool hit = false;
        for (int w = 0; w < TLB_WAYS; w++) {
            if (tags[w] == tag) {
                ages[w] = t->clock;
                hit = true;
                break;
            }
            if (ages[w] < ages[victim])
                victim = w;
        }
        if (hit) {
            t->hits++;
            continue;
        }
        t->misses++;
        misses++;
        tags[victim] = tag;
        ages[victim] = t->clock;
    }
    return misses;
}

void
tlb_flush(struct tlb *t)
{
    memset(t->tag, 0, (size_t)t->sets * TLB_WAYS * sizeof *t->tag);
    memset(t->age, 0, (size_t)t->sets * TLB_WAYS * sizeof *t->age);
}

static uint32_t
levels(uint32_t page)
{
    return page >= (UINT32_C(1) << 30) ? 2 : page >= (UINT32_C(1) << 21) ? 3 : 4;
}

uint32_t
page_walk_refs(uint32_t guest_page, uint32_t host_page)
{
    uint32_t h = levels(host_page);
    if (!guest_page)
        return h;
    uint32_t g = levels(guest_page);
    return (g + 1) * (h + 1) - 1;
}
