/* The simulation engine: simulated time, the event queue and the run loop.
 *
 * A `struct sim` owns everything of one simulation; there is no global
 * mutable state, so a test may build several simulations in one process.
 *
 * Events are intrusive: a model object embeds a `struct event` for each
 * thing it may have scheduled (a port's end of transmission, a link's next
 * arrival, a flow's next send), and the handler gets back to the object with
 * CONTAINER_OF.  Nothing is allocated to schedule such an event.  For
 * one-shot work that has no natural owner (a flow's start) sim_call() takes
 * a node from a pool.
 *
 * Ordering: events fire in (time, sequence) order, the sequence being
 * assigned when the event is scheduled, so ties resolve first-in first-out
 * and a run is deterministic (an event may instead take the sequence
 * number of an earlier moment: sim_schedule_seq()).  A scheduled event
 * is one 128-bit key,
 * time_ps << 64 | seq << id_bits | event id, so one unsigned compare
 * orders two events; id_bits is just wide enough for the registered
 * events and grows with them, the sequence taking the rest of the low
 * 64 bits.  When the sequence would overflow its field (after 2^40
 * schedules with a million events, 2^32 with four billion), the pending
 * events are renumbered 0, 1, ... in their order, which changes no
 * order.  So neither events nor schedules have a ceiling short of
 * memory (and of 2^32 - 1 event ids).
 *
 * The queue has two parts, and the order is exactly that of the keys
 * whatever part an event is in.  Near events, due within NEAR_BUCKETS
 * buckets of 2^bucket_shift ps from now, sit in a calendar: one sorted
 * array of keys per bucket (a ring indexed by time >> bucket_shift) and
 * a bitmap of the nonempty ones.  Scheduling one is an insertion from the
 * bucket's end, which mostly stops at once since keys mostly come in
 * order; the next event is the earliest nonempty bucket's key at
 * first_head.  An event's place in its bucket is not kept, so that an
 * insertion before other keys need not update theirs; the rare removal
 * looks for the key.  Far events (timers, and
 * anything beyond the calendar) go to a binary min-heap of their keys,
 * each event's heap index kept by id, so that moving or cancelling one
 * is O(log pending far events).  It holds only pending far events: a
 * tournament tree with a leaf per registered event, which it replaced,
 * cost 32 B per event that most events (a port's, a link's) never used.
 * A far event moves into the calendar, key unchanged, as soon as time
 * brings it within the horizon (sim_run() compares now with far_due_ps
 * when the first key is due at or after it, run_limit_ps),
 * so that every far key is later than every near one: events fire from
 * the calendar while it holds any, from the far heap only when it is
 * empty, and the prefetch pipeline sees timers coming like the rest.
 * The bucket width
 * adapts to the queue's density (sim.c), which changes where events sit,
 * never their order.  Most events are near: a port's end of
 * transmission or a link's next arrival, rescheduled by its own handler
 * a few hundred nanoseconds ahead; the calendar costs them O(1)
 * amortized where a climb over every registered event cost
 * log2(events) levels (docs/performance.md gives the figures).  Memory:
 * 4 B of far-heap index and 8 B of address per registered event, 16 B per
 * pending far event (in an array that doubles), 16 B per pending near
 * event (in arrays of at least 8 that an emptied
 * bucket hands to the next one to fill, so that the calendar's keys stay
 * in cache, or frees if it grew past 256 keys), and 257 KiB of bucket
 * headers, bitmap and spare arrays.
 *
 * Lookahead: the calendar knows the next events in firing order (the
 * first bucket's keys, then the next two nonempty buckets'), so
 * sim_run() runs a software prefetch pipeline over them
 * (event_set_prefetch()): a hop whose lines (the packet, the ports, the
 * queue, the MMU counters) were last touched long ago no longer stalls
 * on each in turn; the next few events' misses are in flight together
 * (docs/performance.md). */
#ifndef DCSIM_SIM_H
#define DCSIM_SIM_H 1

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/util.h"

struct sim;
struct event;

typedef void event_fn(struct sim *, struct event *);
/* One stage of a prefetch hook: starts fetching what EV's handler will
 * touch, without changing anything its handler or the order reads (a
 * hook may leave itself a hint where nothing else looks: switch.c);
 * sim_run() calls stages 0 .. SIM_PF_STAGES - 1 in turn as the event
 * comes closer in the queue (struct event_prefetch). */
typedef void event_prefetch_fn(const struct sim *, const struct event *);

struct event {
    uint64_t time_ps;   /* When it fires; valid while scheduled. */
    uint32_t id;        /* Dense id within its sim (event_init()). */
    bool background;    /* Observes without acting: see
                         * event_init_background(). */
    bool timer;         /* Embedded in a struct sim_timer (next to
                         * background: sim_run() tests both at once). */
    uint8_t prefetch;   /* Index of its prefetch hook in sim.pf_hooks,
                         * or 0 for none. */
    uint8_t state;      /* EV_IDLE, EV_IDLE_BACKGROUND, EV_NEAR or
                         * EV_FAR: kept here, in the line that filing and
                         * firing touch anyway, rather than in a table of
                         * its own (docs/performance.md). */
    event_fn *fn;       /* Handler. */
};

/* event.state: idle (a background event's idle state is its own, so
 * that sim_schedule()'s fast path, which takes only EV_IDLE, leaves
 * counting them to the slow path), in the calendar, or in the far heap
 * (at sim.far_at[id]). */
enum { EV_IDLE, EV_IDLE_BACKGROUND, EV_NEAR, EV_FAR };

/* A timer that is re-armed far more often than it fires: a
 * retransmission timeout, pushed back by every acknowledgement.  Moving
 * an event costs a removal from the queue and an insertion (in the far
 * heap, O(log pending far events), for a timeout); arming a scheduled
 * timer for a time no earlier than its due time only records the time
 * and the sequence number that sim_schedule() would have given it.
 * When the key the queue holds comes up, sim_run() files the timer
 * again under that recorded key, without firing it and without counting
 * an event; only the key it was last armed with fires.  So a timer
 * fires exactly when and in the order sim_schedule() would have made
 * it: every key is the same.  Arm it with sim_timer_arm() only;
 * sim_cancel(), event_is_scheduled() and a handler's CONTAINER_OF take
 * its `ev` as any event's.  While scheduled, ev.time_ps is when the
 * queue holds it (at or before due_ps). */
struct sim_timer {
    struct event ev;
    uint64_t due_ps;    /* When it fires, while scheduled. */
    uint64_t due_seq;   /* The sequence number of its last arming. */
};

/* Registered events a sim can hold: ids are 32-bit, and all ones is no
 * event. */
#define EVENT_MAX_IDS UINT32_MAX

/* time_ps << 64 | seq << id_bits | event id: one unsigned 128-bit
 * compare orders by time, then by insertion sequence.  All ones = idle. */
__extension__ typedef unsigned __int128 heap_key;

struct call_node;

/* One calendar bucket: the keys of the near events due in one
 * 2^bucket_shift ps slice of time, ascending (from sim.first_head in the
 * bucket events are popped from). */
struct sim_bucket {
    heap_key *keys;
    uint32_t len, cap;
};

/* Buckets in the calendar ring (a power of two). */
#define NEAR_BUCKETS 8192u

/* Prefetch hooks a sim can hold (index 0 is none). */
#define SIM_PF_FNS 8u
/* Stages of a prefetch hook, and events between two stages
 * (event_set_prefetch(); a distance of 1 measured the same as 2 on
 * ft16-roce-pfc; the fourth stage fetches what the third's lines point
 * to, the egress queue and the MMU group of a release: docs/
 * performance.md). */
#define SIM_PF_STAGES 4u
#define SIM_PF_DIST 2u

/* A prefetch hook (event_set_prefetch()): a function per stage, so that
 * none asks which stage it is (NULL: nothing to fetch at that stage).
 * Its owner keeps it, a static const, for the life of the sim. */
struct event_prefetch {
    event_prefetch_fn *stage[SIM_PF_STAGES];
};

struct sim {
    uint64_t now_ps;          /* Current simulated time. */
    uint64_t end_ps;          /* Stop before events later than this. */
    uint64_t seq;             /* Next insertion sequence number. */
    uint64_t now_seq;         /* The firing event's (sim_now_seq()). */
    uint64_t events;          /* Events executed so far, not counting
                               * background events: written when
                               * sim_run() returns and before it calls
                               * its progress function (it counts them
                               * as near_out + events_adj). */
    uint64_t events_adj;      /* Events fired from the far heap, less
                               * keys taken out of the calendar without
                               * a counted firing. */
    uint64_t seq_limit;       /* 1 << (64 - id_bits): renumber there. */
    uint64_t id_mask;         /* (1 << id_bits) - 1: a key's id. */
    heap_key *far;            /* Far events' binary min-heap: [0] the
                               * next, children of i at 2i + 1, 2i + 2. */
    uint32_t far_len, far_cap;
    uint64_t far_due_ps;      /* From this time on the far heap's first
                               * event is near: sim_run() moves it into
                               * the calendar (UINT64_MAX: none). */
    uint64_t run_limit_ps;    /* The earlier of far_due_ps and end_ps + 1:
                               * sim_run() looks at either only for a
                               * key due at or after it. */
    uint32_t *far_at;         /* By event id: its index in the far heap,
                               * while its state is EV_FAR (where in its
                               * bucket a near one is is not kept:
                               * sim.c's near_remove()). */
    struct sim_bucket *buckets;  /* NEAR_BUCKETS, by (time >> shift),
                                  * and two more (sim.c). */
    uint64_t *nonempty;       /* Bitmap of the nonempty buckets. */
    struct sim_bucket *spare; /* Key arrays of emptied buckets, the
                               * last emptied (still cached) on top. */
    uint32_t n_spare;
    uint64_t near_in;         /* Keys put into the calendar, and taken */
    uint64_t near_out;        /* out: near_in - near_out are in it. */
    struct sim_bucket *first_bk;  /* The bucket events are popped from,
                               * or a stand-in after the ring's (sim.c:
                               * FIRST_NONE). */
    uint32_t first_head;      /* Its keys before this one have fired. */
    uint32_t peek_b;          /* The next nonempty bucket after first_bk
                               * when it became first (or PEEK_NONE,
                               * always empty: sim.c): where the
                               * lookahead goes on past first_bk's
                               * keys. */
    uint32_t peek_c;          /* The next nonempty one after peek_b then
                               * (or PEEK_NONE): where it goes on past
                               * peek_b's. */
    uint32_t bucket_shift;    /* log2 of a bucket's width in ps. */
    uint64_t near_span_ps;    /* (NEAR_BUCKETS - 1) << bucket_shift: an
                               * event due less than this after now is
                               * near (sim_schedule()'s fast path). */
    /* What the width check (sim.c) judges, counted since the last one. */
    uint64_t puts_base;       /* Events filed are near_in - puts_base
                               * (far ones are counted down here). */
    uint32_t near_misses;     /* Events filed far that a bucket twice as
                               * wide would have kept near. */
    uint64_t moves;           /* Places keys moved to make room for
                               * earlier ones, in insertions that passed
                               * a later time (near_place()). */
    uint32_t short_looks;     /* Events fired while the prefetch
                               * pipeline's lookahead found no event for
                               * its first stage. */
    uint32_t id_cap;          /* Ids the key's id field is sized for
                               * (>= registered events). */
    uint32_t id_bits;         /* Bits of the key that hold the id. */
    uint32_t n_background;    /* Scheduled background events (near_in -
                               * near_out + far_len are all scheduled
                               * events). */
    struct event **evs;       /* By event id. */
    const struct event_prefetch *pf_hooks[SIM_PF_FNS];  /* By
                                             * event.prefetch ([0] none). */
    event_prefetch_fn *pf_fns[SIM_PF_STAGES][SIM_PF_FNS];  /* Their
                                             * stages, [stage][event.
                                             * prefetch]: a function
                                             * that does nothing for
                                             * index 0 and NULL stages. */
    uint32_t n_pf_hooks;
    bool prefetch;            /* Run the prefetch pipeline (on unless its
                               * owner turns it off: its own loads and
                               * calls cost more than they hide while the
                               * model fits in cache); read when
                               * sim_run() starts. */
    uint32_t n_evs, evs_cap;
    volatile sig_atomic_t stop;  /* Set by sim_stop() to leave sim_run()
                                  * (volatile: a signal handler may set
                                  * it). */
    struct call_node *free_calls;  /* Pool of sim_call() nodes. */
    struct call_block *call_blocks;
    uint64_t seed;            /* Root of every component's RNG stream. */
};

void sim_init(struct sim *, uint64_t seed);
void sim_uninit(struct sim *);

/* Registers EV with S (once, at build time) and sets its handler.  The
 * event must stay at the same address for the life of S. */
void event_init(struct sim *, struct event *, event_fn *fn);
/* The same for a background event: one that only looks at the model (a
 * sampler), so the run must end exactly as it would without it.  sim_run()
 * returns when nothing but background events is left, without firing
 * them, so they can neither advance the clock past the last real event
 * nor keep a run without a stop time going forever; they are not counted
 * in `events` either. */
void event_init_background(struct sim *, struct event *, event_fn *fn);
/* Makes idle event EV a background event (BACKGROUND true) or not, as
 * event_init_background() or event_init() made it (sim_call()'s pool
 * reuses its events for either kind). */
void event_set_background(struct sim *, struct event *, bool background);
/* Gives EV a prefetch hook PF.  sim_run() looks ahead in the calendar:
 * when EV is SIM_PF_STAGES + 1 steps of SIM_PF_DIST events from
 * firing, its struct event is fetched; at each later step PF's next
 * stage runs, 0 .. SIM_PF_STAGES - 1, and may read what the stage
 * before fetched, which has had SIM_PF_DIST events' time to arrive.
 * So the cache misses of the next events' handlers overlap one another
 * and the current handler instead of each stalling the loop in turn.
 * A stage must change nothing: it may run for an event that is moved or
 * cancelled before it fires, and may not run at all (an event just
 * scheduled close ahead, or one that fires while the calendar is
 * empty).  A sim holds at most SIM_PF_FNS - 1 distinct hooks. */
void event_set_prefetch(struct sim *, struct event *,
                        const struct event_prefetch *pf);

#define KEY_IDLE (~(heap_key)0)

/* The id of the event whose key is K (its low id_bits bits). */
static inline uint32_t
key_id(const struct sim *s, heap_key k)
{
    return (uint32_t)((uint64_t)k & s->id_mask);
}

/* Scheduling more than this behind now is a time that wrapped (see
 * sim_schedule()). */
#define TIME_WRAP_PS (UINT64_C(1) << 63)

static inline bool
event_is_scheduled(const struct sim *s, const struct event *ev)
{
    (void)s;
    return ev->state >= EV_NEAR;
}

/* Schedules EV at absolute time T_PS (>= now).  If EV is already scheduled
 * it is moved, and gets a new sequence number as if newly scheduled.
 * A T_PS that wrapped past 2^64 - 1 ps (now + a delay, more than
 * TIME_WRAP_PS behind now) saturates to TIME_NEVER: the event is kept but
 * never fires, since sim_run() stops before TIME_NEVER whatever end_ps
 * says. */
void sim_schedule(struct sim *, struct event *, uint64_t t_ps);
/* Takes the next insertion sequence number, as scheduling an event now
 * would, for an event to be scheduled later with sim_schedule_seq(). */
uint64_t sim_take_seq(struct sim *);
/* Schedules EV at T_PS (>= now) with SEQ from sim_take_seq() instead of
 * a new sequence number: among the events due at T_PS it fires where it
 * would had it been scheduled when SEQ was taken.  At now, SEQ must be
 * later than the firing event's (a frame that started after it): the
 * events before that one have fired, and an older SEQ would fire next
 * instead of in its place.  This lets one
 * embedded event stand for a series of events each due to be scheduled
 * at an earlier time, ordered as those would be (a link's arrivals under
 * `fabric: ns3`, port.c), or an event filed late under the key it would
 * have had (a port's end of transmission there: sim_now_seq()).  A SEQ
 * taken before a renumbering (see Ordering above; after some 2^40
 * schedules) has lost its place, and orders as if scheduled now. */
void sim_schedule_seq(struct sim *, struct event *, uint64_t t_ps,
                      uint64_t seq);
/* Removes EV from the queue if scheduled; a no-op otherwise. */
void sim_cancel(struct sim *, struct event *);

/* Registers timer TM with S, as event_init() does an event. */
void sim_timer_init(struct sim *, struct sim_timer *, event_fn *fn);
/* sim_schedule() for a timer: fires TM at T_PS (and moves it if it is
 * scheduled), exactly as sim_schedule() would, but without touching the
 * queue when TM is scheduled for T_PS or earlier (struct sim_timer). */
void sim_timer_arm(struct sim *, struct sim_timer *, uint64_t t_ps);

/* One-shot call of FN(sim, obj, arg) at T_PS, from a pool.  Not
 * cancellable; use an embedded event for timers that may be cancelled. */
typedef void call_fn(struct sim *, void *obj, uint64_t arg);
void sim_call(struct sim *, uint64_t t_ps, call_fn *, void *obj, uint64_t arg);
/* The same as a background event: a timer that may act on the model when
 * it fires (a protocol's retry or keepalive) but must not keep a run
 * going by itself.  It fires in time order while any other event is
 * left; once only background events are, sim_run() returns without it.
 * Not counted in `events`. */
void sim_call_background(struct sim *, uint64_t t_ps, call_fn *, void *obj,
                         uint64_t arg);

/* Runs events until only background events are left, the next event is
 * after end_ps, or sim_stop() is called.  PROGRESS, if nonnull, is invoked
 * about every SIM_PROGRESS_EVERY events (when the calendar's first
 * bucket empties after that many or more since the last time).  Returns
 * the number of events executed, background events aside. */
typedef void progress_fn(struct sim *, void *aux);
uint64_t sim_run(struct sim *, progress_fn *progress, void *aux);
/* Makes the running sim_run() return before its next event, or the next
 * one return at once; the request is consumed when sim_run() returns.
 * Async-signal-safe: a SIGINT handler may call it. */
void sim_stop(struct sim *);

static inline uint64_t
sim_now(const struct sim *s)
{
    return s->now_ps;
}

/* The sequence number of the event firing now (sim_run()), which
 * places it among the events due at now: one filed at now with a smaller
 * sequence number has fired, one with a greater is still to come.  That
 * lets a model keep an event it would file at every occasion but rarely
 * needs unfiled, with its time and sequence number, and file it
 * (sim_schedule_seq()) only when something could see the difference
 * (port.c under `fabric: ns3`).  A renumbering (see Ordering) leaves
 * it as it was: it compares right with the numbers taken before the
 * renumbering, and compares greater than those taken after it until the
 * next event fires, so that such a number taken for an event at now
 * reads as fired. */
static inline uint64_t
sim_now_seq(const struct sim *s)
{
    return s->now_seq;
}

/* Events scheduled, background events aside: nonzero after sim_run() if
 * the run was cut short by end_ps or sim_stop(). */
static inline uint32_t
sim_pending(const struct sim *s)
{
    return (uint32_t)(s->near_in - s->near_out) + s->far_len -
           s->n_background;
}

#define SIM_PROGRESS_EVERY (1u << 18)

#endif
