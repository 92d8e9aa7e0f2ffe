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
    s->fired_id = UINT32_MAX;
    s->leaves = 1024;
    s->tree = xmalloc(2 * s->leaves * sizeof *s->tree);
    for (uint32_t i = 0; i < 2 * s->leaves; i++)
        s->tree[i] = KEY_IDLE;
    s->evs_cap = 1024;
    s->evs = xmalloc(s->evs_cap * sizeof *s->evs);
}

void
sim_uninit(struct sim *s)
{
    free(s->tree);
    free(s->evs);
    struct call_block *b = s->call_blocks;
    while (b) {
        struct call_block *next = b->next;
        free(b);
        b = next;
    }
    memset(s, 0, sizeof *s);
}

static inline heap_key
key_min(heap_key a, heap_key b)
{
    return b < a ? b : a;
}

/* Doubles the number of leaves, keeping every key. */
static void
tree_grow(struct sim *s)
{
    uint32_t old = s->leaves, n = 2 * old;
    heap_key *t = xmalloc(2 * n * sizeof *t);
    for (uint32_t i = 0; i < n; i++)
        t[n + i] = i < old ? s->tree[old + i] : KEY_IDLE;
    for (uint32_t i = n - 1; i >= 1; i--)
        t[i] = key_min(t[2 * i], t[2 * i + 1]);
    free(s->tree);
    s->tree = t;
    s->leaves = n;
}

void
event_init(struct sim *s, struct event *ev, event_fn *fn)
{
    sim_assert(s->n_evs < EVENT_MAX_IDS);
    if (s->n_evs == s->evs_cap) {
        s->evs_cap *= 2;
        s->evs = xrealloc(s->evs, s->evs_cap * sizeof *s->evs);
    }
    if (s->n_evs == s->leaves)
        tree_grow(s);
    ev->time_ps = 0;
    ev->id = s->n_evs++;
    ev->background = false;
    ev->fn = fn;
    s->evs[ev->id] = ev;
}

void
event_init_background(struct sim *s, struct event *ev, event_fn *fn)
{
    event_init(s, ev, fn);
    ev->background = true;
}

static inline uint32_t
key_id(heap_key k)
{
    return (uint32_t)k & ID_MASK;
}

/* Writes K into leaf ID and replays the matches above it. */
static inline void
tree_set(struct sim *s, uint32_t id, heap_key k)
{
    heap_key *t = s->tree;
    uint32_t i = s->leaves + id;
    t[i] = k;
    for (; i > 1; i >>= 1)
        t[i >> 1] = key_min(t[i], t[i ^ 1]);
}

void
sim_schedule(struct sim *s, struct event *ev, uint64_t t_ps)
{
    sim_assert(t_ps >= s->now_ps);
    sim_assert(s->seq < SEQ_LIMIT);
    heap_key k = (heap_key)t_ps << 64 |
                 (heap_key)(s->seq++ << EVENT_ID_BITS | ev->id);
    ev->time_ps = t_ps;
    if (s->tree[s->leaves + ev->id] == KEY_IDLE) {
        s->heap_len++;
        if (UNLIKELY(ev->background))
            s->n_background++;
    }
    if (ev->id == s->fired_id)
        s->fired_id = UINT32_MAX;
    tree_set(s, ev->id, k);
}

void
sim_cancel(struct sim *s, struct event *ev)
{
    if (s->tree[s->leaves + ev->id] == KEY_IDLE)
        return;
    s->heap_len--;
    if (UNLIKELY(ev->background))
        s->n_background--;
    tree_set(s, ev->id, KEY_IDLE);
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
    while (s->heap_len > 0 && !s->stop) {
        heap_key top = s->tree[1];
        uint64_t t = (uint64_t)(top >> 64);
        if (t > s->end_ps)
            break;
        uint32_t id = key_id(top);
        struct event *ev = s->evs[id];
        /* Whether anything real is left is asked only when a background
         * event is due, which keeps the common path to one predictable
         * branch. */
        if (UNLIKELY(ev->background)) {
            if (s->heap_len == s->n_background)
                break;
            s->n_background--;
        } else {
            s->events++;
        }
        /* The event is idle while it fires.  Its leaf is cleared lazily:
         * if the handler reschedules it, the climb happens once. */
        s->tree[s->leaves + id] = KEY_IDLE;
        s->heap_len--;
        s->fired_id = id;
        s->now_ps = t;
        ev->fn(s, ev);
        if (s->fired_id == id) {
            /* Not rescheduled: replay the matches above its empty leaf. */
            s->fired_id = UINT32_MAX;
            tree_set(s, id, KEY_IDLE);
        }
        if (UNLIKELY(progress && (s->events & (SIM_PROGRESS_EVERY - 1)) == 0))
            progress(s, aux);
    }
    s->stop = false;
    return s->events - start;
}
