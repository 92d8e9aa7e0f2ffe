/* Event queue and run loop; see sim.h for the model. */
#include "sim/sim.h"

#include <stdlib.h>
#include <string.h>

struct call_node {
    struct event ev;
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

#define ID_MASK (EVENT_MAX_IDS - 1)
#define SEQ_LIMIT (UINT64_C(1) << (64 - EVENT_ID_BITS))

void
sim_init(struct sim *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->end_ps = TIME_NEVER;
    s->seed = seed;
    s->ghost_id = EVENT_IDLE;
    s->heap_cap = 1024;
    s->heap = xmalloc(s->heap_cap * sizeof *s->heap);
    s->evs_cap = 1024;
    s->evs = xmalloc(s->evs_cap * sizeof *s->evs);
    s->heap_pos = xmalloc(s->evs_cap * sizeof *s->heap_pos);
}

void
sim_uninit(struct sim *s)
{
    free(s->heap);
    free(s->evs);
    free(s->heap_pos);
    struct call_block *b = s->call_blocks;
    while (b) {
        struct call_block *next = b->next;
        free(b);
        b = next;
    }
    memset(s, 0, sizeof *s);
}

void
event_init(struct sim *s, struct event *ev, event_fn *fn)
{
    sim_assert(s->n_evs < EVENT_MAX_IDS);
    if (s->n_evs == s->evs_cap) {
        s->evs_cap *= 2;
        s->evs = xrealloc(s->evs, s->evs_cap * sizeof *s->evs);
        s->heap_pos = xrealloc(s->heap_pos, s->evs_cap * sizeof *s->heap_pos);
    }
    ev->time_ps = 0;
    ev->id = s->n_evs++;
    ev->fn = fn;
    s->evs[ev->id] = ev;
    s->heap_pos[ev->id] = EVENT_IDLE;
}

static inline uint32_t
key_id(heap_key k)
{
    return (uint32_t)k & ID_MASK;
}

static inline void
heap_place(struct sim *s, uint32_t i, heap_key k)
{
    s->heap[i] = k;
    s->heap_pos[key_id(k)] = i;
}

static void
sift_up(struct sim *s, uint32_t i, heap_key k)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 4;
        if (k >= s->heap[parent])
            break;
        heap_place(s, i, s->heap[parent]);
        i = parent;
    }
    heap_place(s, i, k);
}

/* Places K at or below slot I.  Bottom-up (Floyd's variant): the hole at
 * I walks down to a leaf, each time taking the smallest child, without
 * comparing K on the way; then K sifts up from there.  A newly scheduled
 * key usually belongs near the bottom, so the second phase stops at once,
 * and the first has no data-dependent exit branch to mispredict. */
static void
sift_down(struct sim *s, uint32_t i, heap_key k)
{
    uint32_t n = s->heap_len;
    const heap_key *h = s->heap;
    for (;;) {
        uint32_t c = 4 * i + 1;
        if (c + 3 < n) {
            /* Minimum of four siblings without data-dependent branches:
             * a tournament of two pairs, selected by conditional moves. */
            uint32_t a = h[c + 1] < h[c] ? c + 1 : c;
            uint32_t b = h[c + 3] < h[c + 2] ? c + 3 : c + 2;
            c = h[b] < h[a] ? b : a;
        } else {
            if (c >= n)
                break;
            for (uint32_t j = c + 1; j < n; j++)
                if (h[j] < h[c])
                    c = j;
        }
        heap_place(s, i, h[c]);
        i = c;
    }
    sift_up(s, i, k);
}

static void
heap_remove_at(struct sim *s, uint32_t i)
{
    heap_key last = s->heap[--s->heap_len];
    if (i == s->heap_len)
        return;
    if (i > 0 && last < s->heap[(i - 1) / 4])
        sift_up(s, i, last);
    else
        sift_down(s, i, last);
}

void
sim_schedule(struct sim *s, struct event *ev, uint64_t t_ps)
{
    sim_assert(t_ps >= s->now_ps);
    sim_assert(s->seq < SEQ_LIMIT);
    heap_key k = (heap_key)t_ps << 64 |
                 (heap_key)(s->seq++ << EVENT_ID_BITS | ev->id);
    ev->time_ps = t_ps;
    uint32_t i = s->heap_pos[ev->id];
    if (ev->id == s->ghost_id) {
        /* The firing event schedules itself again (a busy port, a link
         * with more packets): its old key is still the root, so one
         * sift down from the root replaces a pop and a push. */
        s->ghost_id = EVENT_IDLE;
        sift_down(s, 0, k);
        return;
    }
    if (i != EVENT_IDLE) {
        if (i > 0 && k < s->heap[(i - 1) / 4])
            sift_up(s, i, k);
        else
            sift_down(s, i, k);
        return;
    }
    if (s->heap_len == s->heap_cap) {
        s->heap_cap *= 2;
        s->heap = xrealloc(s->heap, s->heap_cap * sizeof *s->heap);
    }
    sift_up(s, s->heap_len++, k);
}

void
sim_cancel(struct sim *s, struct event *ev)
{
    uint32_t i = s->heap_pos[ev->id];
    if (i == EVENT_IDLE)
        return;
    s->heap_pos[ev->id] = EVENT_IDLE;
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
            event_init(s, &b->nodes[i].ev, call_fire);
            b->nodes[i].next_free = s->free_calls;
            s->free_calls = &b->nodes[i];
        }
    }
    struct call_node *c = s->free_calls;
    s->free_calls = c->next_free;
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
        heap_key top = s->heap[0];
        uint64_t t = (uint64_t)(top >> 64);
        if (t > s->end_ps)
            break;
        /* The event is idle while it fires, but its key stays at the root
         * (a ghost) until the handler returns, in case it reschedules
         * itself.  Other keys scheduled meanwhile are larger (same time,
         * later sequence, or later time), so the ghost stays the root. */
        uint32_t id = key_id(top);
        s->heap_pos[id] = EVENT_IDLE;
        s->ghost_id = id;
        s->now_ps = t;
        s->events++;
        struct event *ev = s->evs[id];
        ev->fn(s, ev);
        if (s->ghost_id == id) {
            s->ghost_id = EVENT_IDLE;
            if (--s->heap_len > 0)
                sift_down(s, 0, s->heap[s->heap_len]);
        }
        if (UNLIKELY(progress && (s->events & (SIM_PROGRESS_EVERY - 1)) == 0))
            progress(s, aux);
    }
    return s->events - start;
}
