/* Event queue and run loop; see sim.h for the model.  In this order:
 *
 *   - sim_init(), the keys (key_id(), key_seq()) and their rewriting when
 *     the id field grows or the sequence wraps (keys_rebuild());
 *   - registering events (event_init(), event_set_prefetch());
 *   - (the far heap, timers and events beyond the calendar, is in
 *     sim-far.c: far_push(), far_remove(), far_due_update());
 *   - the calendar (near_*()): insertion and removal in a bucket, the
 *     bucket width and its check (width_check(), near_rebucket()), which
 *     bucket comes first (near_first(), near_next()), far events moving
 *     in (far_migrate());
 *   - scheduling: the slow path (schedule_key()), the fast path shared
 *     by sim_schedule() and sim_schedule_seq() (near_file()), cancelling,
 *     re-armed timers (sim_timer_arm());
 *   - the prefetch pipeline over the next events (near_prefetch());
 *   - firing and the loop (run_fire(), run_loop(), sim_run()).
 *
 * The one-shot calls of sim_call() are a pool of events on top of this,
 * in sim-call.c.  The far heap, which the fast paths reach only for a
 * timer or an event beyond the calendar's horizon, is in sim-far.c.
 *
 * The queue's parts stay in one file because the fast paths inline
 * across them: a schedule is near_file()'s few stores, and a firing is
 * the loop's pop, the pipeline and the handler's call with nothing
 * between. */
#include "sim/sim.h"
#include "sim/sim-call.h"
#include "sim/sim-far.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_IDS 1024u

/* The calendar's bucket width starts at 2^10 ps and stays within
 * [2^MIN_SHIFT, 2^MAX_SHIFT] ps.  Once WIDTH_CHECK events have been
 * filed since the last check (it waits for the first bucket to empty or
 * an event to be filed the slow way, which keeps it out of
 * sim_schedule()'s fast path), it is doubled if more than 1/32 of them
 * went to the far heap only because the calendar's horizon
 * (NEAR_BUCKETS widths) was too short, or if the prefetch pipeline's
 * lookahead (the first bucket's keys and the next two nonempty
 * buckets') found no event for its first stage at more than 1/8 of the
 * events fired; or else halved if filing moved keys more than a quarter of a
 * place per event, counting only the insertions that passed a key due
 * later (near_place()), and the lookahead came up short at no more than
 * 1/64 of them.  Without the lookahead's rule, a fabric past its first
 * microseconds (fewer keys a picosecond, filed less in order) had its
 * buckets narrowed to a key or two, and the pipeline ran dry: on
 * ft16-roce-dcqcn from 200 us on, 40-100% of events got no first stage.
 * Events tie at the same picosecond so often (a permutation's hosts
 * start together and links have equal rates) that a bucket's size says
 * little: ties come in sequence order and cost nothing to file, what
 * costs is an event due before others filed earlier in its bucket.
 * Measured on ft16-roce-pfc cut at 40 us, a limit of 4 moves per event
 * (width 2^8 ps) cost 7% more instructions than this one. */
#define INITIAL_SHIFT 10u
#define MIN_SHIFT 4u
#define MAX_SHIFT 30u
#define WIDTH_CHECK 65536u
#define NEAR_MASK (NEAR_BUCKETS - 1)
/* The buckets after the ring's (sim_init()). */
#define PEEK_NONE NEAR_BUCKETS
#define FIRST_NONE (NEAR_BUCKETS + 1)

/* An emptied bucket's array is kept for the next bucket to fill only up
 * to this many keys; a larger one (thousands of ties when hosts start
 * together) is freed, so that the calendar's memory follows the events
 * pending now rather than the largest burst of the run (~5 MiB at k=16
 * before).  A bucket that fills past it again regrows by doubling. */
#define SPARE_MAX_KEYS 256u

/* How far near_peek() looks for the next two nonempty buckets, in words
 * of the bitmap. */
#define PEEK_WORDS 2u

static event_prefetch_fn pf_none;

/* Bits that hold ids 0 .. IDS - 1 (at least 1, at most 32). */
static uint32_t
id_bits_for(uint32_t ids)
{
    uint32_t b = 1;
    while (b < 32 && (UINT64_C(1) << b) < ids)
        b++;
    return b;
}

void
sim_init(struct sim *s, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    s->end_ps = TIME_NEVER - 1;
    s->seed = seed;
    s->id_cap = INITIAL_IDS;
    s->id_bits = id_bits_for(s->id_cap);
    s->seq_limit = UINT64_C(1) << (64 - s->id_bits);
    s->id_mask = (UINT64_C(1) << s->id_bits) - 1;
    s->far_due_ps = UINT64_MAX;
    s->run_limit_ps = UINT64_MAX;  /* sim_run() sets it from end_ps. */
    s->evs_cap = INITIAL_IDS;
    s->evs = xmalloc(s->evs_cap * sizeof *s->evs);
    s->far_at = xmalloc(s->evs_cap * sizeof *s->far_at);
    /* Two more: PEEK_NONE, always empty, sim.peek_b or peek_c when
     * there is no such bucket; and FIRST_NONE, sim.first_bk while no
     * bucket is first, whose one key (KEY_IDLE) is due at or after any
     * run_limit_ps, so that sim_run() finds it out in the compare it
     * makes anyway. */
    s->buckets = xcalloc(FIRST_NONE + 1, sizeof *s->buckets);
    s->buckets[FIRST_NONE].keys = xmalloc(sizeof *s->buckets->keys);
    s->buckets[FIRST_NONE].keys[0] = KEY_IDLE;
    s->nonempty = xcalloc(NEAR_BUCKETS / 64, sizeof *s->nonempty);
    s->spare = xmalloc(NEAR_BUCKETS * sizeof *s->spare);
    s->first_bk = &s->buckets[FIRST_NONE];
    s->peek_b = PEEK_NONE;
    s->peek_c = PEEK_NONE;
    s->bucket_shift = INITIAL_SHIFT;
    s->near_span_ps = (uint64_t)(NEAR_BUCKETS - 1) << INITIAL_SHIFT;
    for (uint32_t st = 0; st < SIM_PF_STAGES; st++)
        s->pf_fns[st][0] = pf_none;
    s->n_pf_hooks = 1;
    s->prefetch = true;
}

void
sim_uninit(struct sim *s)
{
    free(s->far);
    free(s->evs);
    free(s->far_at);
    for (uint32_t b = 0; b < NEAR_BUCKETS; b++)
        free(s->buckets[b].keys);
    for (uint32_t i = 0; i < s->n_spare; i++)
        free(s->spare[i].keys);
    free(s->buckets[FIRST_NONE].keys);
    free(s->buckets);
    free(s->nonempty);
    free(s->spare);
    sim_calls_free(s);
    memset(s, 0, sizeof *s);
}

static inline heap_key
key_min(heap_key a, heap_key b)
{
    return b < a ? b : a;
}

static inline uint64_t
key_seq(const struct sim *s, heap_key k)
{
    return (uint64_t)k >> s->id_bits;
}

/* Events in the calendar. */
static inline uint32_t
near_len(const struct sim *s)
{
    return (uint32_t)(s->near_in - s->near_out);
}

/* Events filed since the last width check. */
static inline uint64_t
puts_since_check(const struct sim *s)
{
    return s->near_in - s->puts_base;
}

/* Events fired so far, background events aside (sim.events). */
static inline uint64_t
events_fired(const struct sim *s)
{
    return s->near_out + s->events_adj;
}

/* The state of EV idle. */
static inline uint8_t
state_idle(const struct event *ev)
{
    return ev->background ? EV_IDLE_BACKGROUND : EV_IDLE;
}

static inline uint32_t
bucket_of(const struct sim *s, uint64_t t_ps)
{
    return (uint32_t)(t_ps >> s->bucket_shift) & NEAR_MASK;
}

/* Whether an event due at T_PS belongs in the calendar: its bucket is
 * less than NEAR_BUCKETS widths after now's, so the ring holds no two
 * slices of time in one bucket (every pending event is due at or after
 * now). */
static inline bool
is_near(const struct sim *s, uint64_t t_ps)
{
    return (t_ps >> s->bucket_shift) - (s->now_ps >> s->bucket_shift) <
           NEAR_BUCKETS;
}

/* A pending key and where it is stored (keys_rebuild()). */
struct key_slot {
    heap_key k;
    heap_key *slot;
};

static int
cmp_key_slot(const void *a, const void *b)
{
    heap_key x = ((const struct key_slot *)a)->k;
    heap_key y = ((const struct key_slot *)b)->k;
    return x < y ? -1 : x > y;
}

/* Fills SLOTS with every pending key and where it is stored, the
 * calendar's then the far heap's, and returns how many. */
static uint32_t
pending_slots(struct sim *s, struct key_slot *slots)
{
    uint32_t n = 0;
    for (uint32_t b = 0; b < NEAR_BUCKETS; b++) {
        struct sim_bucket *bk = &s->buckets[b];
        for (uint32_t i = bk == s->first_bk ? s->first_head : 0; i < bk->len;
             i++)
            slots[n++] = (struct key_slot){ bk->keys[i], &bk->keys[i] };
    }
    for (uint32_t i = 0; i < s->far_len; i++)
        slots[n++] = (struct key_slot){ s->far[i], &s->far[i] };
    return n;
}

/* Gives the keys an id field sized for IDS (>= registered events) ids,
 * as few bits as that allows, and rewrites every pending key to match.
 * Scheduled events keep their order; their sequence numbers are kept too
 * unless RENUMBER is set or they would not fit the narrower field, and
 * then become 0, 1, ... in queue order (s->seq continuing after them),
 * which orders every later event after them exactly as before.  Since no
 * two keys compare differently after, every key is rewritten in its
 * place: the buckets stay sorted and the far heap a heap.  O(scheduled
 * events + NEAR_BUCKETS), plus a sort of the scheduled events when
 * renumbering. */
static void queue_put(struct sim *, uint32_t id, heap_key, uint64_t t_ps);
static void queue_take(struct sim *, uint32_t id);

static inline struct sim_timer *
timer_of(struct event *ev)
{
    return CONTAINER_OF(ev, struct sim_timer, ev);
}

/* The key timer TM was last armed with. */
static inline heap_key
timer_due_key(const struct sim *s, const struct sim_timer *tm)
{
    return (heap_key)tm->due_ps << 64 |
           (heap_key)(tm->due_seq << s->id_bits | tm->ev.id);
}

/* Files timer TM, scheduled under an earlier key than it was last armed
 * with, under that key. */
static void
timer_refile(struct sim *s, struct sim_timer *tm)
{
    queue_take(s, tm->ev.id);
    tm->ev.time_ps = tm->due_ps;
    queue_put(s, tm->ev.id, timer_due_key(s, tm), tm->due_ps);
}

static void
keys_rebuild(struct sim *s, uint32_t ids, bool renumber)
{
    uint32_t n = near_len(s) + s->far_len;
    struct key_slot *pending = xmalloc(((size_t)n + 1) * sizeof *pending);
    /* Timers first go where they were last armed: the keys to rewrite
     * are then the ones sim_schedule() would have made.  (Refiling
     * moves keys, so the timers are listed first.) */
    struct sim_timer **late = xmalloc(((size_t)n + 1) * sizeof *late);
    uint32_t n_late = 0;
    uint32_t k = pending_slots(s, pending);
    for (uint32_t r = 0; r < k; r++) {
        struct event *ev = s->evs[key_id(s, pending[r].k)];
        if (ev->timer && pending[r].k != timer_due_key(s, timer_of(ev)))
            late[n_late++] = timer_of(ev);
    }
    for (uint32_t i = 0; i < n_late; i++)
        timer_refile(s, late[i]);
    free(late);
    uint32_t bits = id_bits_for(ids);
    uint64_t limit = UINT64_C(1) << (64 - bits);
    k = pending_slots(s, pending);
    sim_assert(k == n);
    renumber = renumber || s->seq >= limit;
    if (renumber) {
        qsort(pending, k, sizeof *pending, cmp_key_slot);
        s->seq = k;
    }
    for (uint32_t r = 0; r < k; r++) {
        heap_key key = pending[r].k;
        uint32_t id = key_id(s, key);
        uint64_t seq = renumber ? r : key_seq(s, key);
        pending[r].k = (key >> 64) << 64 | (heap_key)(seq << bits | id);
        if (s->evs[id]->timer)
            timer_of(s->evs[id])->due_seq = seq;
    }
    s->id_cap = ids;
    s->id_bits = bits;
    s->id_mask = (UINT64_C(1) << bits) - 1;
    s->seq_limit = limit;
    for (uint32_t r = 0; r < k; r++)
        *pending[r].slot = pending[r].k;
    free(pending);
}

void
event_init(struct sim *s, struct event *ev, event_fn *fn)
{
    if (UNLIKELY(s->n_evs == EVENT_MAX_IDS - 1))
        sim_abort(__FILE__, __LINE__,
                  "more than %" PRIu32 " events registered in one simulation",
                  EVENT_MAX_IDS - 1);
    if (s->n_evs == s->evs_cap) {
        /* On huge pages from 1 MiB up (sim/util.h). */
        size_t n = s->n_evs;
        s->evs_cap += s->evs_cap / 2;
        s->evs = xrealloc_huge(s->evs, n * sizeof *s->evs,
                               (size_t)s->evs_cap * sizeof *s->evs);
        s->far_at = xrealloc_huge(s->far_at, n * sizeof *s->far_at,
                                  (size_t)s->evs_cap * sizeof *s->far_at);
    }
    if (s->n_evs == s->id_cap) {
        uint64_t grown = (uint64_t)s->id_cap + s->id_cap / 2;
        uint32_t ids = (uint32_t)MIN(grown, EVENT_MAX_IDS - 1);
        if (id_bits_for(ids) != s->id_bits)
            keys_rebuild(s, ids, false);
        else
            s->id_cap = ids;
    }
    ev->time_ps = 0;
    ev->id = s->n_evs++;
    ev->background = false;
    ev->prefetch = 0;
    ev->timer = false;
    ev->state = EV_IDLE;
    ev->fn = fn;
    s->evs[ev->id] = ev;
}

void
event_init_background(struct sim *s, struct event *ev, event_fn *fn)
{
    event_init(s, ev, fn);
    ev->background = true;
    ev->state = EV_IDLE_BACKGROUND;
}

void
event_set_background(struct sim *s, struct event *ev, bool background)
{
    (void)s;
    ev->background = background;
    ev->state = state_idle(ev);
}

void
event_set_prefetch(struct sim *s, struct event *ev,
                   const struct event_prefetch *pf)
{
    uint32_t i = 1;
    while (i < s->n_pf_hooks && s->pf_hooks[i] != pf)
        i++;
    if (i == s->n_pf_hooks) {
        sim_assert(i < SIM_PF_FNS);
        s->pf_hooks[i] = pf;
        for (uint32_t st = 0; st < SIM_PF_STAGES; st++)
            s->pf_fns[st][i] = pf->stage[st] ? pf->stage[st] : pf_none;
        s->n_pf_hooks++;
    }
    ev->prefetch = (uint8_t)i;
}

static void near_rebucket(struct sim *, uint32_t shift);

/* near_place() once K is known to go before KEYS[END - 1], the last of
 * the sorted KEYS[HEAD .. END - 1] (near_file_before() has it out of
 * line). */
static ALWAYS_INLINE uint32_t
near_shift(struct sim *s, heap_key *keys, uint32_t head, uint32_t end,
           heap_key k)
{
    /* A pointer walks down, each key read once; the keys moved need no
     * other update, since a near event's state does not say where
     * in its bucket it is (near_remove()). */
    heap_key *p = keys + end;
    const heap_key *stop = keys + head;
    heap_key x = p[-1];
    for (;;) {
        *p-- = x;
        if (p == stop)
            break;
        x = p[-1];
        if (x <= k)
            break;
    }
    uint32_t i = (uint32_t)(p - keys);
    /* Keys of K's own picosecond go before or after it in one bucket
     * whatever the width, so moves past them alone (most of them under
     * `fabric: ns3`) do not count for the width check: a narrower
     * bucket would not save them, and the horizon it shortens would
     * send events to the far heap.  The last key moved, now at END, is
     * the latest. */
    if ((uint64_t)(keys[end] >> 64) != (uint64_t)(k >> 64))
        s->moves += end - i;
    return i;
}

/* Makes room for K among the sorted KEYS[HEAD .. END - 1] of a bucket
 * that has room at END: moves the keys later than K one place up and
 * returns K's place.  Keys arrive
 * mostly in order (by sequence), so the search from the end stops at
 * once but for the few that overtake others (under `fabric: ns3` most
 * do: a link's next arrival is filed under the sequence number its
 * frame's start took, behind keys filed since). */
static ALWAYS_INLINE uint32_t
near_place(struct sim *s, heap_key *keys, uint32_t head, uint32_t end,
           heap_key k)
{
    if (end == head || LIKELY(keys[end - 1] <= k))
        return end;
    return near_shift(s, keys, head, end, k);
}

/* Puts K, the key of event ID due at T_PS, into its calendar bucket in
 * its place.  Keys arrive mostly in order (by sequence), so the search
 * from the end stops at once but for the few that overtake others. */
static ALWAYS_INLINE void
near_insert(struct sim *s, uint32_t id, heap_key k, uint64_t t_ps)
{
    uint32_t b = bucket_of(s, t_ps);
    struct sim_bucket *bk = &s->buckets[b];
    if (UNLIKELY(bk->len == bk->cap)) {
        if (bk->cap == 0 && s->n_spare > 0) {
            *bk = s->spare[--s->n_spare];
        } else {
            bk->cap = bk->cap ? 2 * bk->cap : 8;
            bk->keys = xrealloc(bk->keys, (size_t)bk->cap * sizeof *bk->keys);
        }
    }
    uint32_t head = bk == s->first_bk ? s->first_head : 0;
    uint32_t i = near_place(s, bk->keys, head, bk->len++, k);
    bk->keys[i] = k;
    s->evs[id]->state = EV_NEAR;
    s->nonempty[b / 64] |= UINT64_C(1) << (b % 64);
    s->near_in++;
}

/* Marks bucket B empty (its keys all gone) and hands its array to the
 * next bucket to fill: the ring comes back to B only a horizon later,
 * when its lines would have left the cache, while the array is in cache
 * now. */
static inline void
near_emptied(struct sim *s, struct sim_bucket *bk)
{
    uint32_t b = (uint32_t)(bk - s->buckets);
    if (LIKELY(bk->cap <= SPARE_MAX_KEYS))
        s->spare[s->n_spare++] = (struct sim_bucket){ bk->keys, 0, bk->cap };
    else
        free(bk->keys);
    *bk = (struct sim_bucket){ NULL, 0, 0 };
    s->nonempty[b / 64] &= ~(UINT64_C(1) << (b % 64));
    if (bk == s->first_bk) {
        s->first_bk = &s->buckets[FIRST_NONE];
        s->first_head = 0;
    }
}

/* Takes pending event ID, due at T_PS, out of its calendar bucket.  Its
 * key is looked for there, from the first of T_PS's keys on (found by
 * bisection): a near event's state is EV_NEAR, not its place, so
 * that filing a key before others (most filings under `fabric: ns3`)
 * need not record the new places of the keys it moves, while a near
 * event is seldom cancelled or moved (a few thousand times a run). */
static void
near_remove(struct sim *s, uint32_t id, uint64_t t_ps)
{
    struct sim_bucket *bk = &s->buckets[bucket_of(s, t_ps)];
    uint32_t head = bk == s->first_bk ? s->first_head : 0;
    uint32_t lo = head, hi = bk->len;
    heap_key from = (heap_key)t_ps << 64;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (bk->keys[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    while (key_id(s, bk->keys[lo]) != id) {
        lo++;
        sim_assert(lo < bk->len);
    }
    bk->len--;
    memmove(bk->keys + lo, bk->keys + lo + 1,
            (size_t)(bk->len - lo) * sizeof *bk->keys);
    if (bk->len == head)
        near_emptied(s, bk);
    s->near_out++;
    s->events_adj--;  /* Taken out, not fired. */
}

/* Doubles or halves the bucket width by what the events filed since the
 * last check (WIDTH_CHECK or more) met (see WIDTH_CHECK). */
static NOINLINE void
width_check(struct sim *s)
{
    uint32_t shift = s->bucket_shift;
    uint64_t puts = puts_since_check(s);
    if ((s->near_misses > puts / 32 || s->short_looks > puts / 8) &&
        shift < MAX_SHIFT)
        shift++;
    else if (s->moves > puts / 4 && s->short_looks <= puts / 64 &&
             shift > MIN_SHIFT)
        shift--;
    s->puts_base = s->near_in;
    s->near_misses = 0;
    s->moves = 0;
    s->short_looks = 0;
    if (shift != s->bucket_shift)
        near_rebucket(s, shift);
}

/* Files pending event ID, key K, due at T_PS: in the calendar if it is
 * near, else in the far heap; and checks the bucket width once
 * WIDTH_CHECK events have been filed. */
static inline void
queue_put(struct sim *s, uint32_t id, heap_key k, uint64_t t_ps)
{
    if (LIKELY(is_near(s, t_ps))) {
        near_insert(s, id, k, t_ps);
    } else {
        far_push(s, k);
        s->puts_base--;  /* Filed, though not in the calendar. */
        uint32_t wider = s->bucket_shift + 1;
        if ((t_ps >> wider) - (s->now_ps >> wider) < NEAR_BUCKETS)
            s->near_misses++;
    }
    if (UNLIKELY(puts_since_check(s) >= WIDTH_CHECK))
        width_check(s);
}

/* Takes pending event ID out of whichever part holds it. */
static inline void
queue_take(struct sim *s, uint32_t id)
{
    struct event *ev = s->evs[id];
    if (ev->state == EV_FAR)
        far_remove(s, s->far_at[id]);
    else
        near_remove(s, id, ev->time_ps);
    ev->state = state_idle(ev);
}

/* Refiles every calendar event under a bucket width of 2^SHIFT ps. */
static void
near_rebucket(struct sim *s, uint32_t shift)
{
    heap_key *keys = xmalloc(((size_t)near_len(s) + 1) * sizeof *keys);
    uint32_t n = 0;
    for (uint32_t b = 0; b < NEAR_BUCKETS; b++) {
        struct sim_bucket *bk = &s->buckets[b];
        for (uint32_t i = bk == s->first_bk ? s->first_head : 0; i < bk->len;
             i++)
            keys[n++] = bk->keys[i];
        bk->len = 0;
    }
    sim_assert(n == near_len(s));
    memset(s->nonempty, 0, NEAR_BUCKETS / 64 * sizeof *s->nonempty);
    /* Taken out and filed again, neither fired nor filed anew. */
    uint64_t puts = puts_since_check(s);
    s->near_out += n;
    s->events_adj -= n;
    s->first_bk = &s->buckets[FIRST_NONE];
    s->first_head = 0;
    s->bucket_shift = shift;
    s->near_span_ps = (uint64_t)(NEAR_BUCKETS - 1) << shift;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = key_id(s, keys[i]);
        uint64_t t_ps = s->evs[id]->time_ps;
        if (is_near(s, t_ps)) {
            near_insert(s, id, keys[i], t_ps);
        } else {
            far_push(s, keys[i]);
        }
    }
    s->puts_base = s->near_in - puts;
    free(keys);
    far_due_update(s);
}

/* Points the lookahead's next buckets (peek_b, peek_c) at the next two
 * nonempty ones after B, those that are near.  Only the prefetch
 * pipeline reads them, so they are kept only while the pipeline runs (a
 * stale one costs a prefetch, never the order).  The second matters
 * once a run thins out: over the whole ft16 runs the first bucket and
 * the next one held fewer than 8 keys at 5.5-7.3% of the events fired,
 * and the bucket after them held the missing ones at most of those
 * (docs/performance.md). */
static void
near_peek(struct sim *s, uint32_t b)
{
    s->peek_b = PEEK_NONE;
    s->peek_c = PEEK_NONE;
    uint32_t w = b / 64;
    uint64_t word = s->nonempty[w] & (~UINT64_C(1) << (b % 64));
    for (uint32_t i = 0; i <= PEEK_WORDS; i++) {
        while (word) {
            uint32_t found = w * 64 + (uint32_t)__builtin_ctzll(word);
            if (s->peek_b != PEEK_NONE) {
                s->peek_c = found;
                return;
            }
            s->peek_b = found;
            word &= word - 1;  /* The next one after it. */
        }
        w = (w + 1) % (NEAR_BUCKETS / 64);
        word = s->nonempty[w];
    }
}

/* The earliest nonempty calendar bucket (the calendar is not empty).
 * Every pending event is due at or after now, so the search starts at
 * now's bucket and goes round the ring. */
static ALWAYS_INLINE uint32_t
near_scan(const struct sim *s)
{
    uint32_t start = bucket_of(s, s->now_ps);
    uint32_t w = start / 64;
    uint64_t word = s->nonempty[w] & (~UINT64_C(0) << (start % 64));
    while (!word) {
        w = (w + 1) % (NEAR_BUCKETS / 64);
        word = s->nonempty[w];
    }
    return w * 64 + (uint32_t)__builtin_ctzll(word);
}

/* Makes the earliest nonempty bucket the one that events are popped
 * from, when a run starts (an event may have been filed before the first
 * bucket since the last run: a run cut by end_ps leaves now behind it).
 * The previous one, if it still holds keys, moves its unfired keys to the
 * front. */
static void
near_first(struct sim *s)
{
    uint32_t b = near_scan(s);
    if (&s->buckets[b] == s->first_bk)
        return;
    if (s->first_head > 0) {
        /* (The first bucket is a real one: FIRST_NONE's head is 0.) */
        struct sim_bucket *old = s->first_bk;
        uint32_t n = old->len - s->first_head;
        memmove(old->keys, old->keys + s->first_head, n * sizeof *old->keys);
        old->len = n;
    }
    s->first_bk = &s->buckets[b];
    s->first_head = 0;
    if (s->prefetch)
        near_peek(s, b);
}

/* The same once the first bucket has emptied (first_bk is FIRST_NONE's),
 * in sim_run()'s loop, PREFETCH saying whether the pipeline runs: while
 * a run goes on, the first bucket stays the earliest nonempty one until
 * it empties, since every key filed is due at or after now, in it or
 * later. */
static ALWAYS_INLINE void
near_next(struct sim *s, bool prefetch)
{
    uint32_t b = near_scan(s);
    s->first_bk = &s->buckets[b];
    if (prefetch)
        near_peek(s, b);
}

/* Moves the far heap's events that are near now into the calendar, so
 * that every event fires from the calendar while it holds any (the far
 * heap's keys all lie beyond its horizon) and the prefetch pipeline sees
 * timers coming as it sees the rest.  Their keys are kept: the order is
 * untouched, though a key moved in may be due before the first bucket's
 * (the clock came within the horizon of a far key and a handler filed a
 * later near one), so the first bucket is looked for again. */
static void
far_migrate(struct sim *s)
{
    uint64_t puts = puts_since_check(s);  /* Moved, not filed anew. */
    do {
        heap_key k = s->far[0];
        far_remove(s, 0);
        near_insert(s, key_id(s, k), k, (uint64_t)(k >> 64));
    } while (s->now_ps >= s->far_due_ps);
    s->puts_base = s->near_in - puts;
    if (s->first_bk != &s->buckets[FIRST_NONE])
        near_first(s);
}

/* T_PS, or TIME_NEVER if it wrapped (sim_schedule()). */
static uint64_t
time_unwrap(const struct sim *s, uint64_t t_ps)
{
    if (UNLIKELY(t_ps < s->now_ps)) {
        /* now + delay passed 2^64 - 1 ps and wrapped: every delay is below
         * 2^63 ps (units.h), so a wrapped time is more than 2^63 ps behind
         * now, while an event scheduled in the past by mistake is not. */
        sim_assert(s->now_ps - t_ps > TIME_WRAP_PS);
        t_ps = TIME_NEVER;
    }
    return t_ps;
}

/* Files EV at T_PS with sequence number SEQ, moving it if scheduled. */
static void
schedule_key(struct sim *s, struct event *ev, uint64_t t_ps, uint64_t seq)
{
    heap_key k = (heap_key)t_ps << 64 | (heap_key)(seq << s->id_bits | ev->id);
    if (!event_is_scheduled(s, ev)) {
        if (UNLIKELY(ev->background))
            s->n_background++;
    } else {
        queue_take(s, ev->id);
    }
    ev->time_ps = t_ps;
    queue_put(s, ev->id, k, t_ps);
}

/* sim_schedule() for whatever its fast path does not take. */
static NOINLINE void
schedule_slow(struct sim *s, struct event *ev, uint64_t t_ps)
{
    t_ps = time_unwrap(s, t_ps);
    schedule_key(s, ev, t_ps, sim_take_seq(s));
}

uint64_t
sim_take_seq(struct sim *s)
{
    if (UNLIKELY(s->seq >= s->seq_limit))
        keys_rebuild(s, s->id_cap, true);
    return s->seq++;
}

/* Puts K, event EV's key, due at T_PS, at place I of BK, which held N
 * keys and has room there (those later than K moved up), and records EV
 * filed.  EV is not a background event: an idle one's state
 * (EV_IDLE_BACKGROUND) sends it to the slow path, which counts it. */
static ALWAYS_INLINE void
near_filed(struct sim *s, struct event *ev, struct sim_bucket *bk,
           uint32_t i, uint32_t n, heap_key k, uint64_t t_ps)
{
    bk->keys[i] = k;
    bk->len = n + 1;
    ev->state = EV_NEAR;
    s->near_in++;  /* In the calendar, and filed since the width check. */
    ev->time_ps = t_ps;
}

/* near_file()'s insertion of K, idle event EV's key, into BK, which has
 * room, before its last key.  Out of line, so that the
 * append, which needs no loop, needs few registers and no frame (under
 * `fabric: ns3` sim_schedule_seq() takes each path about half the
 * time). */
static NOINLINE void
near_file_before(struct sim *s, struct event *ev, struct sim_bucket *bk,
                 heap_key k)
{
    uint32_t head = bk == s->first_bk ? s->first_head : 0;
    uint32_t n = bk->len;
    near_filed(s, ev, bk, near_shift(s, bk->keys, head, n, k), n, k,
               (uint64_t)(k >> 64));
}

/* The fast path of sim_schedule() and sim_schedule_seq(): files event
 * EV, idle, due at T_PS within the calendar's horizon, under SEQ, in its
 * bucket, exactly where queue_put() would, and returns true; or returns
 * false, having changed nothing, when it is not idle (or is a background
 * event: its idle state is not EV_IDLE) or is due too far
 * ahead, or its bucket has no room.  A key that goes before the
 * bucket's last is put in its place out of line (near_file_before()):
 * under `fabric: ns3` about half of all filings, and with DCQCN's rate
 * limits 28% of sim_schedule()'s on ft16-roce-dcqcn, whose slow path
 * cost 156 instructions a filing (docs/performance.md).  One unsigned
 * compare of t_ps - now with near_span_ps asks both whether T_PS is not
 * in the past and whether it is near. */
static ALWAYS_INLINE bool
near_file(struct sim *s, struct event *ev, uint64_t t_ps, uint64_t seq)
{
    uint32_t id = ev->id;
    if (UNLIKELY(t_ps - s->now_ps >= s->near_span_ps ||
                 ev->state != EV_IDLE))
        return false;
    heap_key k = (heap_key)t_ps << 64 | (heap_key)(seq << s->id_bits | id);
    /* bucket_of() in 64 bits, and the last key's index in size_t below,
     * so that neither is widened again for its address. */
    uint64_t b = t_ps >> s->bucket_shift & NEAR_MASK;
    struct sim_bucket *bk = &s->buckets[b];
    uint32_t n = bk->len, i = n;
    if (n == 0) {
        /* An empty bucket: its bit is clear (a bucket's bit is set
         * exactly while it holds keys still to fire). */
        if (bk->cap == 0) {
            if (UNLIKELY(s->n_spare == 0))
                return false;
            *bk = s->spare[--s->n_spare];  /* As near_insert() would. */
        }
        s->nonempty[b / 64] |= UINT64_C(1) << (b % 64);
    } else if (UNLIKELY(n == bk->cap)) {
        return false;
    } else if (bk->keys[(size_t)n - 1] > k) {
        near_file_before(s, ev, bk, k);
        return true;
    }
    near_filed(s, ev, bk, i, n, k, t_ps);
    return true;
}

/* sim_schedule_seq() for whatever its fast path does not take (out of
 * line, as near_file_before(), so that the fast path saves few
 * registers). */
static NOINLINE void
schedule_seq_slow(struct sim *s, struct event *ev, uint64_t t_ps,
                  uint64_t seq)
{
    t_ps = time_unwrap(s, t_ps);
    /* Taken before a renumbering (keys_rebuild()): its place among the
     * renumbered keys is lost, so it orders as if scheduled now. */
    if (UNLIKELY(seq >= s->seq))
        seq = sim_take_seq(s);
    schedule_key(s, ev, t_ps, seq);
}

void
sim_schedule_seq(struct sim *s, struct event *ev, uint64_t t_ps, uint64_t seq)
{
    /* Under `fabric: ns3` every link arrival and every end of a data
     * frame comes here (port.c), so it has sim_schedule()'s fast path,
     * with the insertion from the bucket's end that their earlier
     * sequence numbers mostly need.  A SEQ not below s->seq was taken
     * before a renumbering: the slow path. */
    if (LIKELY(seq < s->seq && near_file(s, ev, t_ps, seq)))
        return;
    schedule_seq_slow(s, ev, t_ps, seq);
}

void
sim_schedule(struct sim *s, struct event *ev, uint64_t t_ps)
{
    /* The common case in a few loads and stores: an idle event due within
     * the calendar's horizon, with room left in its bucket (keys mostly
     * come in order, after every key already there).  It files the key
     * exactly where schedule_slow() would.  The sequence number is
     * taken first, so that nothing is left to do after a filing before
     * the bucket's last key, which is then a tail call. */
    uint64_t seq = s->seq;
    if (LIKELY(seq < s->seq_limit)) {
        s->seq = seq + 1;
        if (LIKELY(near_file(s, ev, t_ps, seq)))
            return;
        s->seq = seq;
    }
    schedule_slow(s, ev, t_ps);
}

void
sim_cancel(struct sim *s, struct event *ev)
{
    if (!event_is_scheduled(s, ev))
        return;
    if (UNLIKELY(ev->background))
        s->n_background--;
    queue_take(s, ev->id);
}

void
sim_timer_init(struct sim *s, struct sim_timer *tm, event_fn *fn)
{
    event_init(s, &tm->ev, fn);
    tm->ev.timer = true;
    tm->due_ps = 0;
    tm->due_seq = 0;
}

void
sim_timer_arm(struct sim *s, struct sim_timer *tm, uint64_t t_ps)
{
    /* Scheduled for T_PS or earlier (so T_PS did not wrap): the key the
     * queue holds is no later than this one, and sim_run() refiles the
     * timer when it comes up.  The sequence number is taken now, as
     * sim_schedule() would. */
    if (LIKELY(event_is_scheduled(s, &tm->ev) && t_ps >= tm->due_ps &&
               s->seq < s->seq_limit)) {
        tm->due_ps = t_ps;
        tm->due_seq = s->seq++;
        return;
    }
    sim_schedule(s, &tm->ev, t_ps);
    tm->due_ps = tm->ev.time_ps;
    tm->due_seq = s->seq - 1;
}

/* The prefetch pipeline, run as each event fires (D = SIM_PF_DIST, S =
 * SIM_PF_STAGES): the struct event (S + 1) x D events ahead is fetched,
 * and the hook of the one (S - i) x D ahead runs its stage i, so each
 * stage finds what the one before fetched in cache, D events later.
 * Events ahead are read off the first bucket's keys still to fire, then
 * the next two nonempty buckets' (peek_b, peek_c), all before any hook
 * runs: a key filed later between them is missed, which costs a
 * prefetch, never the order. */

/* Stands in for an event beyond the last one ahead, so that the hooks
 * are called without a test: its hook, index 0's, does nothing. */
static const struct event no_event;

static void
pf_none(const struct sim *s, const struct event *ev)
{
    (void)s;
    (void)ev;
}

/* The key D places after the next one to fire: the next to fire are
 * the NA keys at A, then NB's, then NC's; NULL past them. */
static ALWAYS_INLINE const heap_key *
key_ahead(const heap_key *a, uint32_t na, const struct sim_bucket *nb,
          const struct sim_bucket *nc, uint32_t d)
{
    if (d < na)
        return &a[d];
    d -= na;
    if (d < nb->len)
        return &nb->keys[d];
    d -= nb->len;
    if (d < nc->len)
        return &nc->keys[d];
    return NULL;
}

/* The event of key_ahead()'s key; no_event past the last.  Written out
 * rather than through key_ahead(): GCC kept its NULL test as a second
 * branch, 5.6 instructions per packet-hop on ft16-roce-pfc cut at 20 us
 * (callgrind). */
static ALWAYS_INLINE const struct event *
event_ahead(const struct sim *s, const heap_key *a, uint32_t na,
            const struct sim_bucket *nb, const struct sim_bucket *nc,
            uint32_t d)
{
    if (d < na)
        return s->evs[key_id(s, a[d])];
    d -= na;
    if (d < nb->len)
        return s->evs[key_id(s, nb->keys[d])];
    d -= nb->len;
    if (d < nc->len)
        return s->evs[key_id(s, nc->keys[d])];
    return &no_event;
}

/* Runs the pipeline for the next events to fire: the NA keys at A (the
 * first bucket's still to fire, the one firing now taken out), then
 * peek_b's and peek_c's.  The caller passes A and NA from what it read
 * for its pop, so that they are not read again after the stores that
 * took the key out. */
static ALWAYS_INLINE void
near_prefetch(struct sim *s, const heap_key *a, uint32_t na)
{
    /* Written out for four stages (a loop here was not unrolled). */
    _Static_assert(SIM_PF_STAGES == 4, "near_prefetch() has four stages");
    enum { D = SIM_PF_DIST, FAR = (SIM_PF_STAGES + 1) * D - 1 };
    const struct event *ahead[SIM_PF_STAGES + 1];
    struct event *const *evs = s->evs;
    uint64_t id_mask = s->id_mask;
    if (LIKELY(na > FAR + D)) {
        /* All in the first bucket (ties make it the common case). */
        __builtin_prefetch(&evs[(uint64_t)a[FAR + D] & id_mask]);
        ahead[0] = evs[(uint64_t)a[FAR] & id_mask];
        ahead[1] = evs[(uint64_t)a[FAR - D] & id_mask];
        ahead[2] = evs[(uint64_t)a[FAR - 2 * D] & id_mask];
        ahead[3] = evs[(uint64_t)a[FAR - 3 * D] & id_mask];
        ahead[4] = evs[(uint64_t)a[FAR - 4 * D] & id_mask];
    } else {
        const struct sim_bucket *nb = &s->buckets[s->peek_b];
        const struct sim_bucket *nc = &s->buckets[s->peek_c];
        const heap_key *next = key_ahead(a, na, nb, nc, FAR + D);
        if (next)
            __builtin_prefetch(&evs[(uint64_t)*next & id_mask]);
        ahead[0] = event_ahead(s, a, na, nb, nc, FAR);
        ahead[1] = event_ahead(s, a, na, nb, nc, FAR - D);
        ahead[2] = event_ahead(s, a, na, nb, nc, FAR - 2 * D);
        ahead[3] = event_ahead(s, a, na, nb, nc, FAR - 3 * D);
        ahead[4] = event_ahead(s, a, na, nb, nc, FAR - 4 * D);
    }
    s->short_looks += ahead[1] == &no_event;
    __builtin_prefetch(ahead[0]);
    /* No test for a hook: index 0's stages do nothing, and events
     * beyond the last are no_event. */
    s->pf_fns[0][ahead[1]->prefetch](s, ahead[1]);
    s->pf_fns[1][ahead[2]->prefetch](s, ahead[2]);
    s->pf_fns[2][ahead[3]->prefetch](s, ahead[3]);
    s->pf_fns[3][ahead[4]->prefetch](s, ahead[4]);
}

/* Takes the first key, event EV's, out of the far heap, leaving EV in
 * STATE. */
static ALWAYS_INLINE void
far_pop(struct sim *s, struct event *ev, uint8_t state)
{
    far_remove(s, 0);
    ev->state = state;
}

/* Takes the first key, event EV's, out of BK, the first bucket, in O(1),
 * leaving EV in STATE, and returns the new first_head, the place of the
 * next key to fire there. */
static ALWAYS_INLINE uint32_t
near_pop(struct sim *s, struct sim_bucket *bk, struct event *ev,
         uint8_t state)
{
    uint32_t head = ++s->first_head;
    if (head == bk->len)
        near_emptied(s, bk);
    s->near_out++;  /* Out of the calendar, and fired (events_fired()). */
    ev->state = state;
    return head;
}

/* Sets the clock to TOP, event EV's key, and takes TOP out of BK, the
 * first bucket, running the prefetch pipeline if PREFETCH, or out of the
 * far heap if BK is NULL; EV is left in STATE. */
static ALWAYS_INLINE void
run_take(struct sim *s, heap_key top, struct sim_bucket *bk,
         struct event *ev, uint8_t state, bool prefetch)
{
    s->now_ps = (uint64_t)(top >> 64);
    s->now_seq = key_seq(s, top);
    if (bk != NULL) {
        /* The keys array and length as they were before the pop, which
         * may have handed the array on: then none is left to read. */
        const heap_key *keys = bk->keys;
        uint32_t len = bk->len;
        uint32_t head = near_pop(s, bk, ev, state);
        if (prefetch)
            near_prefetch(s, keys + head, len - head);
    } else {
        /* The calendar is empty, so there is nothing to look ahead at. */
        far_pop(s, ev, state);
    }
}

/* Fires TOP, the queue's first key (due no later than end_ps), taken
 * from BK, the first bucket, or from the far heap if BK is NULL, with
 * the prefetch pipeline if PREFETCH; run_loop() inlines it once for each
 * part, and is itself inlined once for each PREFETCH, so both are
 * decided at compile time.  Returns false if the run must end before
 * it. */
static ALWAYS_INLINE bool
run_fire(struct sim *s, heap_key top, struct sim_bucket *bk, bool prefetch)
{
    uint64_t id = (uint64_t)top & s->id_mask;  /* key_id(), unnarrowed. */
    struct event *ev = s->evs[id];
    /* The two rare kinds in one test (the flags are adjacent bytes). */
    if (UNLIKELY(ev->timer || ev->background)) {
        /* A timer armed for later since it was filed goes where it was
         * last armed, without firing; the clock stays where it is. */
        if (ev->timer && top != timer_due_key(s, timer_of(ev))) {
            if (bk != NULL) {
                near_pop(s, bk, ev, EV_IDLE);
                s->events_adj--;  /* Not fired. */
            } else {
                far_pop(s, ev, EV_IDLE);
            }
            struct sim_timer *tm = timer_of(ev);
            ev->time_ps = tm->due_ps;
            queue_put(s, (uint32_t)id, timer_due_key(s, tm), tm->due_ps);
            return true;
        }
        /* Whether anything real is left is asked only when a
         * background event is due.  It fires uncounted, idle under its
         * own state (sim.h). */
        if (ev->background) {
            if (near_len(s) + s->far_len == s->n_background)
                return false;
            s->n_background--;
            run_take(s, top, bk, ev, EV_IDLE_BACKGROUND, prefetch);
            if (bk != NULL)
                s->events_adj--;  /* Not counted. */
            ev->fn(s, ev);
            return true;
        }
    }
    /* Counted by the calendar's pop (events_fired()), or here. */
    if (bk == NULL)
        s->events_adj++;
    run_take(s, top, bk, ev, EV_IDLE, prefetch);
    ev->fn(s, ev);
    return true;
}

void
sim_stop(struct sim *s)
{
    s->stop = true;
}

/* sim_run()'s loop, inlined once with the prefetch pipeline and once
 * without, so that neither tests for it at each event. */
static ALWAYS_INLINE void
run_loop(struct sim *s, bool prefetch, progress_fn *progress, void *aux)
{
    uint64_t progress_events = events_fired(s);
    while (!s->stop) {
        struct sim_bucket *bk = s->first_bk;
        heap_key top = bk->keys[s->first_head];
        uint64_t t = (uint64_t)(top >> 64);
        /* One compare for the three rare cases: no first bucket (its
         * stand-in's key is due at or after any run_limit_ps), past
         * end_ps, or the clock come within the horizon of the far heap's
         * first key (now >= far_due_ps, so TOP, due no earlier, is at or
         * after run_limit_ps too). */
        if (UNLIKELY(t >= s->run_limit_ps)) {
            if (bk == &s->buckets[FIRST_NONE]) {
                /* The first bucket is kept while it holds keys, so the
                 * calendar's count is asked only once it has emptied.
                 * The fast path files events without asking for the
                 * width check, and the loop fires them without asking
                 * for the progress report: both are made here, between
                 * buckets (the check, or by the slow path, whichever
                 * comes first). */
                if (UNLIKELY(puts_since_check(s) >= WIDTH_CHECK))
                    width_check(s);
                if (progress &&
                    events_fired(s) - progress_events >= SIM_PROGRESS_EVERY) {
                    s->events = progress_events = events_fired(s);
                    progress(s, aux);
                }
                if (near_len(s) == 0) {
                    /* The far heap is asked only when the calendar is
                     * empty. */
                    if (s->far_len == 0 ||
                        (uint64_t)(s->far[0] >> 64) > s->end_ps)
                        break;
                    if (!run_fire(s, s->far[0], NULL, prefetch))
                        break;
                    continue;
                }
                near_next(s, prefetch);
                continue;
            }
            if (t > s->end_ps)
                break;
            if (s->now_ps >= s->far_due_ps) {
                far_migrate(s);
                continue;
            }
        }
        if (!run_fire(s, top, bk, prefetch))
            break;
    }
}

uint64_t
sim_run(struct sim *s, progress_fn *progress, void *aux)
{
    uint64_t start = events_fired(s);
    run_limit_update(s);  /* end_ps may have changed since the last run. */
    if (s->first_bk != &s->buckets[FIRST_NONE])
        near_first(s);
    if (s->prefetch)
        run_loop(s, true, progress, aux);
    else
        run_loop(s, false, progress, aux);
    s->stop = false;
    s->events = events_fired(s);
    return s->events - start;
}
