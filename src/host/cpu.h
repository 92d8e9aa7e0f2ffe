/* Servers' CPUs: cores that execute work of a stated cost, one item at a
 * time, run to completion, in arrival order.
 *
 * Every piece of host processing (a system call, a packet through the
 * kernel stack, an interrupt, a VM exit, a virtio backend copying a
 * packet) is a `struct cpu_work` submitted to one core with its cost in
 * picoseconds and its activity; when it has run, its `done` callback
 * moves the packet on (to the next stage, the NIC, or the transport).  A
 * core busy with one flow's receive path therefore delays another's
 * sends, and a saturated core slows every flow it serves: throughput
 * becomes CPU-bound by construction, not by formula.
 *
 * Cores also carry a data TLB (a set-associative cache of page
 * translations with LRU replacement) that the copies of the I/O paths go
 * through; a miss costs a page walk, two-dimensional under EPT. */
#ifndef DCSIM_CPU_H
#define DCSIM_CPU_H 1

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

struct core;
struct cpu_work;
struct net;
struct pkt;
struct server;
struct tx_source;

/* What a core's time goes to (hosts.csv columns). */
enum cpu_act {
    ACT_APP,        /* The application's system calls and copies. */
    ACT_STACK,      /* Kernel TCP/IP and driver, host or guest. */
    ACT_IRQ,        /* Interrupt entry: hard IRQ + softirq. */
    ACT_VHOST,      /* vhost-net worker threads. */
    ACT_VMM,        /* User-space VMM: device emulation, virtio backend. */
    ACT_EXIT,       /* VM exit and entry transitions and exit handling. */
    ACT_RDMA,       /* RDMA work-request posts and completion polls. */
    ACT_UPCALL,     /* A virtual switch's handler thread: flow-cache
                     * misses through the OpenFlow pipeline (datapath.h).
                     * Last: results show it only with a vswitch. */
    ACT_N,
};

extern const char *const cpu_act_names[ACT_N];

typedef void cpu_done_fn(struct net *, struct cpu_work *);

struct cpu_work {
    struct cpu_work *next;
    uint64_t cost_ps;
    cpu_done_fn *done;     /* Called when the work has run; may be NULL. */
    void *obj;             /* The callback's object (an endpoint, a VM). */
    struct pkt *pkt;       /* The packet it moves, if any. */
    uint8_t act;           /* enum cpu_act */
};

/* A set-associative TLB: SETS x WAYS entries, LRU within a set. */
#define TLB_WAYS 8
struct tlb {
    uint64_t *tag;         /* sets x TLB_WAYS: page number + 1; 0 empty. */
    uint32_t *age;
    uint32_t sets;
    uint32_t clock;
    uint64_t hits, misses;
};

struct core {
    struct server *srv;
    struct event done;
    struct cpu_work *head, *tail;  /* head: running. */
    uint64_t busy_ps[ACT_N];
    uint64_t busy_total_ps;
    uint32_t index;
    uint8_t socket;
    /* Software senders whose packets this core builds (see stack.c). */
    struct tx_source *ready_head, *ready_tail;
    bool pump_blocked;     /* Waiting for room in a send ring (counted
                            * in server.n_blocked). */
    struct tlb tlb;
};

/* The work pool of a net: work items are recycled, never freed during a
 * run. */
struct cpu_pool {
    struct cpu_work *free;
    void **slabs;
    size_t n_slabs;
};

void cpu_pool_free(struct cpu_pool *);
struct cpu_work *cpu_work_alloc(struct cpu_pool *);

void core_init(struct core *, struct sim *, struct server *, uint32_t index,
               uint8_t socket, uint32_t tlb_entries);
void core_uninit(struct core *);
/* Queues W on C; it starts when everything before it has run. */
void core_submit(struct net *, struct core *, struct cpu_work *);
/* Queues a new item on C: ACT for COST_PS, then DONE(OBJ, P). */
void core_run(struct net *, struct core *, uint8_t act, uint64_t cost_ps,
              cpu_done_fn *done, void *obj, struct pkt *p);
/* True if C has nothing to run. */
static inline bool
core_idle(const struct core *c)
{
    return !c->head;
}

/* C's busy time by activity up to NOW, the running item's elapsed part
 * included (report/breakdown.c reads it twice to split a wait). */
void core_busy_at(const struct core *, uint64_t now_ps,
                  uint64_t out_ps[ACT_N]);

/* Looks up the pages of [ADDR, ADDR + LEN) in C's TLB (pages of
 * PAGE_BYTES), filling misses; returns the number of misses. */
uint32_t tlb_touch(struct tlb *, uint64_t addr, uint64_t len,
                   uint32_t page_bytes);
void tlb_flush(struct tlb *);

/* Memory references of a page walk: native with PAGE_BYTES pages, or,
 * with GUEST_PAGE nonzero, the two-dimensional walk of a guest address
 * under EPT: (g + 1)(h + 1) - 1 for g guest and h host levels (24 with
 * 4 KiB pages at both levels).  4 KiB pages take 4 levels, 2 MiB 3,
 * 1 GiB 2 (Intel SDM vol. 3, 4.5 and 29.3). */
uint32_t page_walk_refs(uint32_t guest_page, uint32_t host_page);

#endif
