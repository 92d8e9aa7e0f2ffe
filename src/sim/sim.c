/* Event queue and run loop; see sim.h for the model. */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

struct call_node {
    struct event ev;          /* Must stay first: freed via CONTAINER_OF. */
    call_fn *fn;
    void *obj;
    uint64_t arg;
    struct call_node *next_free;
};

#define CALL_BLOCK 256
struct call_block {
    struct call_block *next;
    struct call_node nodes[CALL_BLOCK];
};

void
sim_init(struct sim *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->end_ps = TIME_NEVER;
    s->seed = seed;
    s->heap_cap = 1024;
    s->heap = xmalloc(s->heap_cap * sizeof *s->heap);
}

void
sim_uninit(struct sim *s)
{
    free(s->heap);
    struct call_block *b = s->call_blocks;
    while (b) {
        struct call_block *next = b->next;
        free(b);
        b = next;
    }
    memset(s, 0, sizeof *s);
}

static inline bool
entry_less(const struct heap_entry *a, const struct heap_entry *b)
{
    return a->time_ps < b->time_ps ||
           (a->time_ps == b->time_ps && a->seq < b->seq);
}

static inline void
heap_place(struct sim *s, uint32_t i, struct heap_entry e)
{
    s->heap[i] = e;
    e.ev->heap_idx = i;
}

static void
sift_up(struct sim *s, uint32_t i, struct heap_entry e)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 4;
        if (!entry_less(&e, &s->heap[parent]))
            break;
        heap_place(s, i, s->heap[parent]);
        i = parent;
    }
    heap_place(s, i, e);
}

static void
sift_down(struct sim *s, uint32_t i, struct heap_entry e)
{
    uint32_t n = s->heap_len;
    for (;;) {
        uint32_t first = 4 * i + 1;
        if (first >= n)
            break;
        uint32_t best = first;
        uint32_t last = first + 4 < n ? first + 4 : n;
        for (uint32_t c = first + 1; c < last; c++)
            if (entry_less(&s->heap[c], &s->heap[best]))
                best = c;
        if (!entry_less(&s->heap[best], &e))
            break;
        heap_place(s, i, s->heap[best]);
        i = best;
    }
    heap_place(s, i, e);
}

static void
heap_remove_at(struct sim *s, uint32_t i)
{
    struct heap_entry last = s->heap[--s->heap_len];
    if (i == s->heap_len)
        return;
    if (i > 0 && entry_less(&last, &s->heap[(i - 1) / 4]))
        sift_up(s, i, last);
    else
        sift_down(s, i, last);
}

void
sim_schedule(struct sim *s, struct event *ev, uint64_t t_ps)
{
    sim_assert(t_ps >= s->now_ps);
    sim_assert(ev->fn != NULL);
    struct heap_entry e = { t_ps, s->seq++, ev };
    ev->time_ps = t_ps;
    if (ev->heap_idx != EVENT_IDLE) {
        uint32_t i = ev->heap_idx;
        if (i > 0 && entry_less(&e, &s->heap[(i - 1) / 4]))
            sift_up(s, i, e);
        else
            sift_down(s, i, e);
        return;
    }
    if (s->heap_len == s->heap_cap) {
        s->heap_cap *= 2;
        s->heap = xrealloc(s->heap, s->heap_cap * sizeof *s->heap);
    }
    sift_up(s, s->heap_len++, e);
}

void
sim_cancel(struct sim *s, struct event *ev)
{
    if (ev->heap_idx == EVENT_IDLE)
        return;
    uint32_t i = ev->heap_idx;
    ev->heap_idx = EVENT_IDLE;
    heap_remove_at(s, i);
}

static void
call_fire(struct sim *s, struct event *ev)
{
    struct call_node *c = CONTAINER_OF(ev, struct call_node, ev);
    call_fn *fn = c->fn;
    void *obj = c->obj;
    uint64_t arg = c->arg;
    c->next_free = s->free_calls;
    s->free_calls = c;
    fn(s, obj, arg);
}

void
sim_call(struct sim *s, uint64_t t_ps, call_fn *fn, void *obj, uint64_t arg)
{
    if (!s->free_calls) {
        struct call_block *b = xmalloc(sizeof *b);
        b->next = s->call_blocks;
        s->call_blocks = b;
        for (int i = CALL_BLOCK - 1; i >= 0; i--) {
            b->nodes[i].next_free = s->free_calls;
            s->free_calls = &b->nodes[i];
        }
    }
    struct call_node *c = s->free_calls;
    s->free_calls = c->next_free;
    event_init(&c->ev, call_fire);
    c->fn = fn;
    c->obj = obj;
    c->arg = arg;
    sim_schedule(s, &c->ev, t_ps);
}

void
sim_stop(struct sim *s)
{
    s->stop = true;
}

uint64_t
sim_run(struct sim *s, progress_fn *progress, void *aux)
{
    uint64_t start = s->events;
    s->stop = false;
    while (s->heap_len > 0 && !s->stop) {
        struct heap_entry top = s->heap[0];
        if (top.time_ps > s->end_ps)
            break;
        top.ev->heap_idx = EVENT_IDLE;
        if (--s->heap_len > 0)
            sift_down(s, 0, s->heap[s->heap_len]);
        s->now_ps = top.time_ps;
        s->events++;
        top.ev->fn(s, top.ev);
        if (UNLIKELY(progress && (s->events & (SIM_PROGRESS_EVERY - 1)) == 0))
            progress(s, aux);
    }
    return s->events - start;
}
