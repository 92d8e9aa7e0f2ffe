/* The event queue's far heap (sim-far.h): a binary min-heap of the keys
 * of events due beyond the calendar's horizon (NEAR_BUCKETS bucket
 * widths after now) and of timers filed there, with each event's index
 * in it kept in sim.far_at[] so that one can be taken out from the
 * middle (a cancel, a timer moved).  sim.c files keys here when they are
 * far, and moves them into the calendar (far_migrate()) once the clock
 * comes within the horizon of the first, at far_due_ps. */
#include "sim/sim-far.h"

#include "sim/util.h"

void
run_limit_update(struct sim *s)
{
    uint64_t after_end = s->end_ps == UINT64_MAX ? UINT64_MAX : s->end_ps + 1;
    s->run_limit_ps = MIN(s->far_due_ps, after_end);
}

void
far_due_update(struct sim *s)
{
    if (s->far_len == 0) {
        s->far_due_ps = UINT64_MAX;
    } else {
        uint64_t fb = (uint64_t)(s->far[0] >> 64) >> s->bucket_shift;
        s->far_due_ps = fb < NEAR_BUCKETS
                            ? 0
                            : (fb - NEAR_BUCKETS + 1) << s->bucket_shift;
    }
    run_limit_update(s);
}

/* Puts K at index I of the far heap and records where its event is. */
static inline void
far_set(struct sim *s, uint32_t i, heap_key k)
{
    s->far[i] = k;
    s->far_at[key_id(s, k)] = i;
}

/* Moves the key at I up the far heap to its place. */
static void
far_up(struct sim *s, uint32_t i)
{
    heap_key k = s->far[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (s->far[parent] <= k)
            break;
        far_set(s, i, s->far[parent]);
        i = parent;
    }
    far_set(s, i, k);
}

/* Moves the key at I down the far heap to its place. */
static void
far_down(struct sim *s, uint32_t i)
{
    heap_key k = s->far[i];
    uint32_t n = s->far_len;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && s->far[c + 1] < s->far[c])
            c++;
        if (s->far[c] >= k)
            break;
        far_set(s, i, s->far[c]);
        i = c;
    }
    far_set(s, i, k);
}

void
far_push(struct sim *s, heap_key k)
{
    if (UNLIKELY(s->far_len == s->far_cap)) {
        /* Every index fits far_at[] (2^31 pending events would need
         * ~100 GiB). */
        sim_assert(s->far_cap < UINT32_C(1) << 31);
        s->far_cap = s->far_cap ? 2 * s->far_cap : 64;
        s->far = xrealloc(s->far, (size_t)s->far_cap * sizeof *s->far);
    }
    s->evs[key_id(s, k)]->state = EV_FAR;
    s->far[s->far_len] = k;
    far_up(s, s->far_len++);
    far_due_update(s);
}

void
far_remove(struct sim *s, uint32_t i)
{
    heap_key last = s->far[--s->far_len];
    if (i < s->far_len) {
        s->far[i] = last;
        if (i > 0 && last < s->far[(i - 1) / 2])
            far_up(s, i);
        else
            far_down(s, i);
    }
    far_due_update(s);
}
