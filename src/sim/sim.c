/* Event queue and run loop; see sim.h for the model. */
#include "sim/sim.h"

#include <inttypes.h>
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

#define INITIAL_LEAVES 1024u

/* Bits that hold ids 0 .. LEAVES - 1 (at least 1, at most 32). */
static uint32_t
id_bits_for(uint32_t leaves)
{
    uint32_t b = 1;
    while (b < 32 && (UINT64_C(1) << b) < leaves)
        b++;
    return b;
}

void
sim_init(struct sim *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->end_ps = TIME_NEVER - 1;
    s->seed = seed;
    s->fired_id = UINT32_MAX;
    s->leaves = INITIAL_LEAVES;
    s->id_bits = id_bits_for(s->leaves);
    s->seq_limit = UINT64_C(1) << (64 - s->id_bits);
    s->tree = xmalloc(2 * (size_t)s->leaves * sizeof *s->tree);
    for (size_t i = 0; i < 2 * (size_t)s->leaves; i++)
        s->tree[i] = KEY_IDLE;
    s->evs_cap = INITIAL_LEAVES;
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

static inline uint32_t
key_id(const struct sim *s, heap_key k)
{
    return (uint32_t)((uint64_t)k & ((UINT64_C(1) << s->id_bits) - 1));
}

static inline uint64_t
key_seq(const struct sim *s, heap_key k)
{
    return (uint64_t)k >> s->id_bits;
}

static int
cmp_key(const void *a, const void *b)
{
    heap_key x = *(const heap_key *)a, y = *(const heap_key *)b;
    return x < y ? -1 : x > y;
}

/* Moves the queue to a tree of LEAVES (>= registered events) leaves, its
 * ids taking as few bits as LEAVES allows.  Scheduled events keep their
 * order; their sequence numbers are kept too unless RENUMBER is set or
 * they would not fit the narrower field, and then become 0, 1, ... in
 * queue order (s->seq continuing after them), which orders every later
 * event after them exactly as before.  O(leaves), plus a sort of the
 * scheduled events when renumbering. */
static void
tree_rebuild(struct sim *s, uint32_t leaves, bool renumber)
{
    uint32_t bits = id_bits_for(leaves);
    uint64_t limit = UINT64_C(1) << (64 - bits);
    size_t n = leaves;
    heap_key *t = xmalloc(2 * n * sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[n + i] = KEY_IDLE;
    if (renumber || s->seq >= limit) {
        heap_key *pending = xmalloc(((size_t)s->heap_len + 1) *
                                    sizeof *pending);
        uint32_t k = 0;
        for (uint32_t id = 0; id < s->n_evs; id++)
            if (s->tree[s->leaves + id] != KEY_IDLE)
                pending[k++] = s->tree[s->leaves + id];
        sim_assert(k == s->heap_len);
        qsort(pending, k, sizeof *pending, cmp_key);
        for (uint32_t r = 0; r < k; r++) {
            uint32_t id = key_id(s, pending[r]);
            t[n + id] = (pending[r] >> 64) << 64 |
                        (heap_key)((uint64_t)r << bits | id);
        }
        s->seq = k;
        free(pending);
    } else {
        for (uint32_t id = 0; id < s->n_evs; id++) {
            heap_key old = s->tree[s->leaves + id];
            if (old != KEY_IDLE)
                t[n + id] = (old >> 64) << 64 |
                            (heap_key)(key_seq(s, old) << bits | id);
        }
    }
    for (size_t i = n - 1; i >= 1; i--)
        t[i] = key_min(t[2 * i], t[2 * i + 1]);
    free(s->tree);
    s->tree = t;
    s->leaves = leaves;
    s->id_bits = bits;
    s->seq_limit = limit;
}

void
event_init(struct sim *s, struct event *ev, event_fn *fn)
{
    if (UNLIKELY(s->n_evs == EVENT_MAX_IDS - 1))
        sim_abort(__FILE__, __LINE__,
                  "more than %" PRIu32 " events registered in one simulation",
                  EVENT_MAX_IDS - 1);
    if (s->n_evs == s->evs_cap) {
        s->evs_cap += s->evs_cap / 2;
        s->evs = xrealloc(s->evs, (size_t)s->evs_cap * sizeof *s->evs);
    }
    if (s->n_evs == s->leaves) {
        /* Growing by half (not doubling) wastes a fifth of the tree on
         * average, against a third. */
        uint64_t grown = (uint64_t)s->leaves + s->leaves / 2;
        tree_rebuild(s, (uint32_t)MIN(grown, EVENT_MAX_IDS - 1), false);
    }
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
    if (UNLIKELY(t_ps < s->now_ps)) {
        /* now + delay passed 2^64 - 1 ps and wrapped: every delay is below
         * 2^63 ps (units.h), so a wrapped time is more than 2^63 ps behind
         * now, while an event scheduled in the past by mistake is not. */
        sim_assert(s->now_ps - t_ps > TIME_WRAP_PS);
        t_ps = TIME_NEVER;
    }
    if (UNLIKELY(s->seq >= s->seq_limit))
        tree_rebuild(s, s->leaves, true);
    heap_key k = (heap_key)t_ps << 64 |
                 (heap_key)(s->seq++ << s->id_bits | ev->id);
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
        uint32_t id = key_id(s, top);
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
