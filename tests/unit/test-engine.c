/* Engine: event ordering by (time, insertion), cancellation, rescheduling,
 * lazily re-armed timers, one-shot calls, background events, RNG
 * streams, CRC-32 check value. */
#include <stdlib.h>
#include <string.h>

#include "sim/crc32.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "tap.h"

struct rec {
    struct event ev;
    int id;
    int *log;
    int *n;
};

static void
rec_fire(struct sim *s, struct event *ev)
{
    struct rec *r = CONTAINER_OF(ev, struct rec, ev);
    r->log[(*r->n)++] = r->id;
    (void)s;
}

/* A link's arrival under `fabric: ns3` (fabric/port.c): logs, then
 * files its follower at the same instant with the follower's sequence. */
struct chain {
    struct rec r;
    struct event *next;
    uint64_t next_seq;
};

static void
chain_fire(struct sim *s, struct event *ev)
{
    struct chain *c = CONTAINER_OF(ev, struct chain, r.ev);
    rec_fire(s, ev);
    sim_schedule_seq(s, c->next, s->now_ps, c->next_seq);
}

/* A periodic background sampler: logs each firing time, then comes back
 * PERIOD later, unconditionally. */
struct ticker {
    struct event ev;
    uint64_t period_ps;
    uint64_t fired[16];
    int n;
};

static void
ticker_fire(struct sim *s, struct event *ev)
{
    struct ticker *t = CONTAINER_OF(ev, struct ticker, ev);
    if (t->n < 16)
        t->fired[t->n++] = s->now_ps;
    sim_schedule(s, ev, s->now_ps + t->period_ps);
}

/* Background events: a ticker that always reschedules itself neither
 * keeps the run going nor moves the clock past the last real event, nor
 * counts as an event; a cut by end_ps leaves real work pending. */
static void
test_background(void)
{
    struct sim s;
    sim_init(&s, 1);
    int log[4], n = 0;
    struct rec r = { .id = 0, .log = log, .n = &n };
    struct ticker t = { .period_ps = 10 };
    event_init(&s, &r.ev, rec_fire);
    event_init_background(&s, &t.ev, ticker_fire);
    sim_schedule(&s, &t.ev, 0);
    sim_schedule(&s, &r.ev, 35);
    uint64_t ran = sim_run(&s, NULL, NULL);
    ok(n == 1 && t.n == 4 && t.fired[3] == 30,
       "background ticker fires at 0, 10, 20, 30 while real work is left "
       "(%d firings, last at %llu)", t.n,
       (unsigned long long)(t.n ? t.fired[t.n - 1] : 0));
    is_u64(s.now_ps, 35, "the clock stops at the last real event");
    is_u64(ran, 1, "background firings are not counted as events");
    ok(event_is_scheduled(&s, &t.ev) && sim_pending(&s) == 0,
       "the ticker is still scheduled, nothing real is pending");

    sim_schedule(&s, &r.ev, 100);
    s.end_ps = 60;
    sim_run(&s, NULL, NULL);
    ok(t.n == 7 && t.fired[6] == 60 && sim_pending(&s) == 1,
       "cut at end_ps: ticks up to end_ps, the real event stays pending");
    sim_uninit(&s);
}

static void
call_log(struct sim *s, void *obj, uint64_t arg)
{
    uint64_t *log = obj; /* log[0] = count, log[1] = last time seen. */
    if (s->now_ps < log[1] || arg != s->now_ps)
        log[2]++;       /* Out of order, or fired at the wrong time. */
    log[1] = s->now_ps;
    log[0]++;
}

/* No ceiling on schedules: when the sequence field fills up, the pending
 * events are renumbered in queue order, and ties still fire first-in
 * first-out across the renumbering; registering events while others are
 * pending widens the id field without reordering them either. */
/* A background one-shot call that acts: logs its time, schedules its
 * real event ARG ps later (if ARG and it is idle), and calls itself again
 * 10 ps later with the same ARG. */
struct bg_timer {
    struct rec real;
    uint64_t fired[16];
    int n;
};

static void
bg_call(struct sim *s, void *obj, uint64_t arg)
{
    struct bg_timer *b = obj;
    if (b->n < 16)
        b->fired[b->n++] = s->now_ps;
    if (arg && !event_is_scheduled(s, &b->real.ev))
        sim_schedule(s, &b->real.ev, s->now_ps + arg);
    sim_call_background(s, s->now_ps + 10, bg_call, b, arg);
}

/* sim_call_background(): a timer that fires while real work is left (and
 * may add some), never keeps the run going by itself, and returns its
 * pool node for plain calls to reuse. */
static void
test_call_background(void)
{
    struct sim s;
    sim_init(&s, 1);
    int log[8], n = 0;
    struct bg_timer b = { .real = { .id = 7, .log = log, .n = &n } };
    event_init(&s, &b.real.ev, rec_fire);
    sim_call_background(&s, 5, bg_call, &b, 0);
    uint64_t ran = sim_run(&s, NULL, NULL);
    ok(ran == 0 && b.n == 0 && s.now_ps == 0,
       "alone, a background call does not fire: the run ends at once");
    sim_schedule(&s, &b.real.ev, 32);
    ran = sim_run(&s, NULL, NULL);
    ok(b.n == 3 && b.fired[2] == 25 && n == 1 && s.now_ps == 32 && ran == 1,
       "with a real event at 32 it fires at 5, 15, 25 (%d firings), and "
       "the run ends at 32", b.n);
    sim_uninit(&s);

    /* A firing that adds real work keeps the run going for that work
     * only: A at 10; the firing at 5 schedules B at 25; the one at 15
     * finds B pending; at 25 B fires and nothing real is left. */
    sim_init(&s, 1);
    n = 0;
    struct rec a = { .id = 1, .log = log, .n = &n };
    struct bg_timer c = { .real = { .id = 2, .log = log, .n = &n } };
    event_init(&s, &a.ev, rec_fire);
    event_init(&s, &c.real.ev, rec_fire);
    sim_schedule(&s, &a.ev, 10);
    sim_call_background(&s, 5, bg_call, &c, 20);
    sim_run(&s, NULL, NULL);
    ok(n == 2 && log[1] == 2 && c.n == 2 && s.now_ps == 25,
       "a firing at 5 adds real work at 25, which ends the run (%d real, "
       "%d firings, end %llu)", n, c.n, (unsigned long long)s.now_ps);
    /* A plain call at 30, from the pool: real work again, so the
     * background call left queued at 25 fires (and adds B at 45), then
     * the plain call, then B. */
    uint64_t clog[3] = { 0 };
    sim_call(&s, s.now_ps + 5, call_log, clog, s.now_ps + 5);
    ran = sim_run(&s, NULL, NULL);
    ok(ran == 2 && s.now_ps == 45 && clog[0] == 1 && clog[2] == 0 &&
           c.n == 4 && c.fired[2] == 25 && c.fired[3] == 35,
       "a plain call at 30 fires as real work (%llu real events, end %llu, "
       "%d firings)", (unsigned long long)ran, (unsigned long long)s.now_ps,
       c.n);
    sim_uninit(&s);
}

static void
test_renumber(void)
{
    struct sim s;
    sim_init(&s, 1);
    enum { N = 3000 };
    struct rec *r = calloc(N, sizeof *r);
    int *log = calloc(N, sizeof *log), n = 0;
    for (int i = 0; i < N; i++) {
        r[i].id = i;
        r[i].log = log;
        r[i].n = &n;
    }
    /* Events 0..99 pending at two tie times; registering the rest grows
     * the tree (1024 -> 1536 -> 2304 -> 3456 leaves) under them. */
    for (int i = 0; i < 100; i++) {
        event_init(&s, &r[i].ev, rec_fire);
        sim_schedule(&s, &r[i].ev, 10 + (uint64_t)(i % 2));
    }
    for (int i = 100; i < N; i++)
        event_init(&s, &r[i].ev, rec_fire);
    uint32_t bits = s.id_bits;
    /* Three schedules before the field is full, then a renumbering. */
    s.seq = s.seq_limit - 3;
    for (int i = 100; i < N; i++)
        sim_schedule(&s, &r[i].ev, 10 + (uint64_t)(i % 2));
    ok(s.seq == N && s.seq_limit == UINT64_C(1) << (64 - bits),
       "the sequence is renumbered when full (now %llu)",
       (unsigned long long)s.seq);
    sim_run(&s, NULL, NULL);
    bool fifo = n == N;
    for (int i = 0; fifo && i < N / 2; i++)
        fifo = log[i] == 2 * i && log[N / 2 + i] == 2 * i + 1;
    ok(fifo, "%d tied events fire first-in first-out across growth and "
       "renumbering", N);
    free(r);
    free(log);
    sim_uninit(&s);
}

/* The queue against a model: events that reschedule themselves at
 * delays from 0 to milliseconds (so they land in the calendar, in the far
 * tree and in the bucket being fired from, and the bucket width adapts
 * both ways), move or cancel others, and tie often; every firing is
 * checked to be the pending event with the smallest (time, sequence) of
 * a plain array kept beside the queue, across a renumbering.  Halfway,
 * the common delay grows past the calendar's horizon, so that the width
 * grows again.  Every third event is a timer (sim_timer_arm()), which
 * must fire exactly as sim_schedule() would have it, also when events
 * registered in mid-run widen the keys' id field while timers wait to
 * be refiled. */
enum { MODEL_N = 400, MODEL_FIRINGS = 300000, MODEL_EXTRA = 2000 };

struct model {
    struct sim s;
    struct sim_timer tm[MODEL_N];   /* Only .ev unless a timer. */
    struct event extra[MODEL_EXTRA];
    bool pending[MODEL_N];
    uint64_t time_ps[MODEL_N], seq[MODEL_N], next_seq;
    struct rng g;
    int fired, wrong, scheduled_wrong;
};

static bool
model_is_timer(int i)
{
    return i % 3 == 0;
}

static void
model_schedule(struct model *m, int i, uint64_t t_ps)
{
    if (model_is_timer(i))
        sim_timer_arm(&m->s, &m->tm[i], t_ps);
    else
        sim_schedule(&m->s, &m->tm[i].ev, t_ps);
    m->pending[i] = true;
    m->time_ps[i] = t_ps;
    m->seq[i] = m->next_seq++;
}

static uint64_t
model_delay(struct model *m)
{
    uint64_t r = rng_below(&m->g, 100);
    if (r < 20)
        return 0;                                   /* Ties at now. */
    if (r < 30)
        return rng_below(&m->g, 4) * 8;             /* Near ties. */
    if (r < 85)   /* A frame time; in the second half, a long link. */
        return (m->fired < MODEL_FIRINGS / 2 ? 80000 : 6000000) +
               rng_below(&m->g, 3) * 8192;
    if (r < 97)
        return rng_below(&m->g, 2000000);           /* Up to 2 us. */
    return rng_below(&m->g, UINT64_C(5000000000));  /* A timer. */
}

static void
model_fire(struct sim *s, struct event *ev)
{
    struct model *m = CONTAINER_OF(s, struct model, s);
    int me = (int)(CONTAINER_OF(ev, struct sim_timer, ev) - m->tm), want = -1;
    for (int i = 0; i < MODEL_N; i++)
        if (m->pending[i] &&
            (want < 0 || m->time_ps[i] < m->time_ps[want] ||
             (m->time_ps[i] == m->time_ps[want] && m->seq[i] < m->seq[want])))
            want = i;
    if (want != me || m->time_ps[me] != s->now_ps)
        m->wrong++;
    m->pending[me] = false;
    if (++m->fired == MODEL_FIRINGS / 2)
        s->seq = s->seq_limit - 2;  /* Renumber in mid-run. */
    if (m->fired == MODEL_FIRINGS / 4)  /* Widen the id field. */
        for (int i = 0; i < MODEL_EXTRA; i++)
            event_init(s, &m->extra[i], model_fire);
    if (m->fired >= MODEL_FIRINGS)
        return;
    if (rng_below(&m->g, 10) < 9)
        model_schedule(m, me, s->now_ps + model_delay(m));
    int other = (int)rng_below(&m->g, MODEL_N);
    uint64_t r = rng_below(&m->g, 10);
    if (r == 0) {
        sim_cancel(s, &m->tm[other].ev);
        m->pending[other] = false;
    } else if (r < 3) {
        model_schedule(m, other, s->now_ps + model_delay(m));
    }
    if (event_is_scheduled(s, &m->tm[other].ev) != m->pending[other])
        m->scheduled_wrong++;
}

static void
test_model(bool prefetch)
{
    struct model *m = calloc(1, sizeof *m);
    sim_init(&m->s, 1);
    m->s.prefetch = prefetch;
    rng_init(&m->g, 5, rng_stream_id("model"));
    for (int i = 0; i < MODEL_N; i++) {
        if (model_is_timer(i))
            sim_timer_init(&m->s, &m->tm[i], model_fire);
        else
            event_init(&m->s, &m->tm[i].ev, model_fire);
        model_schedule(m, i, rng_below(&m->g, 1000));
    }
    sim_run(&m->s, NULL, NULL);
    ok(m->fired >= MODEL_FIRINGS && m->wrong == 0 && m->scheduled_wrong == 0 &&
           m->s.events == (uint64_t)m->fired,
       "%d firings of %d self-rescheduling events and timers match a "
       "model of the queue, prefetch pipeline %s (%d out of order, %d "
       "wrong scheduled states, %llu events counted)", m->fired, MODEL_N,
       prefetch ? "on" : "off", m->wrong, m->scheduled_wrong,
       (unsigned long long)m->s.events);
    sim_uninit(&m->s);
    free(m);
}

/* sim_run() looks for the first bucket again only when it empties, and
 * when a run starts: between runs an event may be filed before it, as
 * may a far event moved into the calendar after a handler filed a near
 * one due later (its bucket is earlier than the first). */
struct flog {
    struct event ev;
    int id;
    int *log, *n;
    struct event *then;   /* Filed by this one's handler at then_ps. */
    uint64_t then_ps;
};

static void
flog_fire(struct sim *s, struct event *ev)
{
    struct flog *f = CONTAINER_OF(ev, struct flog, ev);
    f->log[(*f->n)++] = f->id;
    if (f->then)
        sim_schedule(s, f->then, f->then_ps);
}

static void
test_first_bucket(void)
{
    struct sim s;
    sim_init(&s, 1);
    int log[8], n = 0;
    struct flog f[5];
    for (int i = 0; i < 5; i++) {
        f[i] = (struct flog){ .id = i, .log = log, .n = &n };
        event_init(&s, &f[i].ev, flog_fire);
    }
    /* Buckets are 2^10 ps wide to begin with: 4100 and 4200 share one,
     * 1200 is three before it. */
    sim_schedule(&s, &f[0].ev, 4100);
    sim_schedule(&s, &f[1].ev, 4200);
    s.end_ps = 1000;
    sim_run(&s, NULL, NULL);
    sim_schedule(&s, &f[2].ev, 1200);
    s.end_ps = 4150;
    sim_run(&s, NULL, NULL);  /* Leaves 4200 behind 4100 in the bucket. */
    sim_schedule(&s, &f[3].ev, 4160);
    s.end_ps = TIME_NEVER - 1;
    sim_run(&s, NULL, NULL);
    ok(n == 4 && log[0] == 2 && log[1] == 0 && log[2] == 3 && log[3] == 1,
       "events filed between runs before the first bucket, or in it "
       "before its next key, fire first (%d: %d %d %d %d)", n, log[0],
       log[1], log[2], log[3]);

    /* F (f[4]) is far when filed; f[0]'s handler, once the clock has
     * brought F within the horizon, files f[1] a bucket after F's. */
    n = 0;
    uint64_t t0 = s.now_ps, far_ps = t0 + 10000000;
    sim_schedule(&s, &f[4].ev, far_ps);
    ok(s.far_len == 1, "F is far when filed");
    f[0].then = &f[1].ev;
    f[0].then_ps = far_ps + 1024;
    sim_schedule(&s, &f[0].ev, t0 + 2000000);
    sim_run(&s, NULL, NULL);
    ok(n == 3 && log[0] == 0 && log[1] == 4 && log[2] == 1,
       "a far event moved into the calendar before the first bucket's "
       "keys fires first (%d: %d %d %d)", n, log[0], log[1], log[2]);
    sim_uninit(&s);
}

/* A timer re-armed later many times fires once, at the last time, and
 * ties with events scheduled before and after its last arming as
 * sim_schedule() would order them; refiling its earlier keys neither
 * counts as an event nor moves the clock, also when the run is cut
 * before it fires. */
struct trec {
    struct sim_timer tm;
    int *log;
    int *n;
};

static void
trec_fire(struct sim *s, struct event *ev)
{
    struct trec *t = CONTAINER_OF(ev, struct trec, tm.ev);
    t->log[(*t->n)++] = 9;
    (void)s;
}

static void
test_timer(void)
{
    struct sim s;
    sim_init(&s, 1);
    int log[8] = { 0 }, n = 0;
    struct trec t = { .log = log, .n = &n };
    struct rec r[2];
    sim_timer_init(&s, &t.tm, trec_fire);
    for (int i = 0; i < 2; i++) {
        event_init(&s, &r[i].ev, rec_fire);
        r[i].id = i;
        r[i].log = log;
        r[i].n = &n;
    }
    sim_timer_arm(&s, &t.tm, 100);
    sim_schedule(&s, &r[0].ev, 5000);   /* Before the timer's last arming. */
    for (uint64_t d = 200; d <= 5000; d += 100)
        sim_timer_arm(&s, &t.tm, d);     /* Ends at 5000 after r[0]. */
    sim_schedule(&s, &r[1].ev, 5000);   /* After it. */
    sim_run(&s, NULL, NULL);
    int want[3] = { 0, 9, 1 };
    ok(n == 3 && memcmp(log, want, sizeof want) == 0 && s.events == 3 &&
           s.now_ps == 5000,
       "a timer re-armed 50 times fires once, at the last time, in its "
       "last arming's place among ties (%d firings, %llu events)", n,
       (unsigned long long)s.events);

    /* Armed for earlier: it moves. */
    n = 0;
    sim_timer_arm(&s, &t.tm, 9000);
    sim_timer_arm(&s, &t.tm, 6000);
    sim_schedule(&s, &r[0].ev, 8000);
    sim_run(&s, NULL, NULL);
    int want2[2] = { 9, 0 };
    ok(n == 2 && memcmp(log, want2, sizeof want2) == 0 && s.now_ps == 8000,
       "a timer armed for earlier fires then");

    /* Cut between the key the queue holds and the last arming. */
    n = 0;
    sim_schedule(&s, &r[0].ev, 8100);
    sim_timer_arm(&s, &t.tm, 8200);
    sim_timer_arm(&s, &t.tm, 20000);
    s.end_ps = 10000;
    uint64_t ran = sim_run(&s, NULL, NULL);
    ok(n == 1 && ran == 1 && s.now_ps == 8100 &&
           event_is_scheduled(&s, &t.tm.ev) && sim_pending(&s) == 1,
       "a cut run leaves the re-armed timer pending and the clock at the "
       "last event (now %llu)", (unsigned long long)s.now_ps);
    s.end_ps = TIME_NEVER - 1;
    sim_cancel(&s, &t.tm.ev);
    ok(sim_run(&s, NULL, NULL) == 0 && n == 1,
       "a cancelled re-armed timer never fires");
    sim_uninit(&s);
}

/* Prefetch hooks: an event's hook runs its stages in order before the
 * event fires, never after, and across a bucket boundary; an event
 * without a hook gets none. */
struct pf_rec {
    struct event ev;
    int fired;            /* Firing order, or -1. */
    int stages[SIM_PF_STAGES + 1];  /* Stages seen, in order. */
    int n_stages;
    bool late;            /* A stage ran after it fired. */
    int *n_fired;
};

static void
pf_fire(struct sim *s, struct event *ev)
{
    struct pf_rec *r = CONTAINER_OF(ev, struct pf_rec, ev);
    r->fired = (*r->n_fired)++;
    (void)s;
}

static void
pf_record(const struct event *ev, int stage)
{
    struct pf_rec *r = CONTAINER_OF(ev, struct pf_rec, ev);
    if (r->fired >= 0)
        r->late = true;
    if (r->n_stages <= (int)SIM_PF_STAGES)
        r->stages[r->n_stages++] = stage;
}

#define PF_STAGE(N)                                                      \
    static void pf_stage##N(const struct sim *s, const struct event *ev) \
    {                                                                    \
        pf_record(ev, N);                                                \
        (void)s;                                                         \
    }
PF_STAGE(0)
PF_STAGE(1)
PF_STAGE(2)
PF_STAGE(3)

_Static_assert(SIM_PF_STAGES == 4, "pf_hook has four stages");
static const struct event_prefetch pf_hook = {
    .stage = { pf_stage0, pf_stage1, pf_stage2, pf_stage3 },
};

static void
test_prefetch(void)
{
    struct sim s;
    sim_init(&s, 1);
    enum { N = 60 };
    struct pf_rec r[N];
    int n_fired = 0;
    for (int i = 0; i < N; i++) {
        r[i] = (struct pf_rec){ .fired = -1, .n_fired = &n_fired };
        event_init(&s, &r[i].ev, pf_fire);
        if (i != 40)
            event_set_prefetch(&s, &r[i].ev, &pf_hook);
        /* Half tie at 100 ps, half 5 ns later, a few buckets on. */
        sim_schedule(&s, &r[i].ev, i < N / 2 ? 100 : 5100);
    }
    sim_run(&s, NULL, NULL);
    /* The I-th event to fire gets the stages from S - I / D on (S =
     * SIM_PF_STAGES, D = SIM_PF_DIST): the last ones, in order. */
    bool as_due = n_fired == N, late = false;
    for (int i = 0; i < N; i++) {
        late |= r[i].late;
        int first = (int)SIM_PF_STAGES - r[i].fired / (int)SIM_PF_DIST;
        if (first < 0)
            first = 0;
        if (i == 40)
            first = SIM_PF_STAGES;
        as_due &= r[i].n_stages == (int)SIM_PF_STAGES - first;
        for (int j = 0; j < r[i].n_stages; j++)
            as_due &= r[i].stages[j] == first + j;
    }
    ok(as_due, "each event gets its prefetch stages in order as it comes "
               "within reach, across the bucket boundary");
    ok(!late, "no stage runs after its event fired");
    ok(r[40].n_stages == 0 && r[N / 2].n_stages == (int)SIM_PF_STAGES,
       "no hook, no stages; the first event of the next bucket gets all");
    ok(r[0].ev.prefetch == r[1].ev.prefetch && r[0].ev.prefetch != 0,
       "one hook, one index");
    sim_uninit(&s);
}

/* A timer filed in the far heap moves into the calendar once it comes
 * within the calendar's horizon, ahead of its time, so the pipeline
 * gives it its stages like any other event; the order is unchanged.
 * The starter fires alone (from the far heap, the calendar being empty)
 * and files ten events 1 ps before the timer. */
struct pf_starter {
    struct event ev;
    struct pf_rec *recs;
    int n;
    uint64_t at_ps;
};

static void
pf_start(struct sim *s, struct event *ev)
{
    struct pf_starter *st = CONTAINER_OF(ev, struct pf_starter, ev);
    for (int i = 0; i < st->n; i++)
        sim_schedule(s, &st->recs[i].ev, st->at_ps);
}

static void
test_prefetch_far(void)
{
    struct sim s;
    sim_init(&s, 1);
    enum { N = 10 };
    uint64_t timer_ps = UINT64_C(1000000000500);  /* 1 s: far. */
    struct pf_rec r[N + 1];
    int n_fired = 0;
    for (int i = 0; i <= N; i++) {
        r[i] = (struct pf_rec){ .fired = -1, .n_fired = &n_fired };
        event_init(&s, &r[i].ev, pf_fire);
        event_set_prefetch(&s, &r[i].ev, &pf_hook);
    }
    struct pf_starter st = { .recs = r, .n = N, .at_ps = timer_ps - 1 };
    event_init(&s, &st.ev, pf_start);
    sim_schedule(&s, &r[N].ev, timer_ps);
    sim_schedule(&s, &st.ev, timer_ps - 1000);
    ok(s.far_len == 2 && s.near_in == s.near_out,
       "the timer and the starter are far");
    sim_run(&s, NULL, NULL);
    ok(n_fired == N + 1 && r[N].fired == N,
       "the timer fires after the ten events due before it");
    bool stages = r[N].n_stages == (int)SIM_PF_STAGES && !r[N].late;
    for (int j = 0; stages && j < r[N].n_stages; j++)
        stages = r[N].stages[j] == j;
    ok(stages, "the far timer got its %u prefetch stages before it fired "
               "(%d)", SIM_PF_STAGES, r[N].n_stages);
    sim_uninit(&s);
}

/* A sparse queue: 64 events, each filing itself again 5 to 35 ns on,
 * about two to a bucket of the calendar's first width (1 024 ps), so
 * that the first bucket and the next rarely hold the keys the pipeline
 * looks ahead over.  The width check widens the buckets while the first
 * stage often finds no event, so that, once it has, most events get
 * their first stage before they fire (0.3% did before that rule, the
 * width falling to 2^8 ps for the keys it moved; 91% with it, at 2^11
 * ps; 94% since the lookahead reads a third bucket, at 2^10 ps); the
 * order is the keys' whatever the width (test_model()). */
enum { SPARSE_N = 64, SPARSE_FIRES = 400000 };
struct sparse_ev {
    struct event ev;
    uint64_t period_ps;
    bool staged;          /* Its first stage ran since it last fired. */
};
static unsigned sparse_fired, sparse_staged;

static void
sparse_fire(struct sim *s, struct event *ev)
{
    struct sparse_ev *e = CONTAINER_OF(ev, struct sparse_ev, ev);
    /* Counted over the second half, after the width checks had time. */
    if (++sparse_fired > SPARSE_FIRES / 2)
        sparse_staged += e->staged;
    e->staged = false;
    if (sparse_fired == SPARSE_FIRES)
        sim_stop(s);
    else
        sim_schedule(s, ev, sim_now(s) + e->period_ps);
}

static void
sparse_stage0(const struct sim *s, const struct event *ev)
{
    ((struct sparse_ev *)CONTAINER_OF(ev, struct sparse_ev, ev))->staged =
        true;
    (void)s;
}

static void
sparse_stage_none(const struct sim *s, const struct event *ev)
{
    (void)s;
    (void)ev;
}

static const struct event_prefetch sparse_hook = {
    .stage = { sparse_stage0, sparse_stage_none, sparse_stage_none,
               sparse_stage_none },
};

static void
test_prefetch_sparse(void)
{
    struct sim s;
    sim_init(&s, 1);
    s.prefetch = true;
    uint32_t shift0 = s.bucket_shift;
    struct sparse_ev e[SPARSE_N];
    for (int i = 0; i < SPARSE_N; i++) {
        e[i] = (struct sparse_ev){ .period_ps = 5000 + 30000 * (uint64_t)
                                                   ((i * 37) % SPARSE_N) /
                                               SPARSE_N };
        event_init(&s, &e[i].ev, sparse_fire);
        event_set_prefetch(&s, &e[i].ev, &sparse_hook);
        sim_schedule(&s, &e[i].ev, e[i].period_ps);
    }
    sim_run(&s, NULL, NULL);
    unsigned counted = SPARSE_FIRES - SPARSE_FIRES / 2;
    ok(sparse_fired == SPARSE_FIRES && sparse_staged >= counted * 4 / 5,
       "a sparse queue: %u of the last %u events got their first prefetch "
       "stage (bucket width 2^%u ps, from 2^%u)",
       sparse_staged, counted, s.bucket_shift, shift0);
    sim_uninit(&s);
}

/* Keys four to a bucket, none filed while the run goes: the first
 * bucket and the next hold at most seven keys after the one firing, so
 * the event 7 places ahead, which the first stage runs for, is always
 * in the bucket after them (peek_c).  Every event with at least 8 before
 * it gets its first stage (none did while the lookahead stopped at the
 * second bucket). */
enum { FOURS_N = 64 };
static unsigned fours_staged;

static void
fours_fire(struct sim *s, struct event *ev)
{
    struct sparse_ev *e = CONTAINER_OF(ev, struct sparse_ev, ev);
    fours_staged += e->staged;
    (void)s;
}

static void
test_prefetch_third_bucket(void)
{
    struct sim s;
    sim_init(&s, 1);
    s.prefetch = true;
    struct sparse_ev e[FOURS_N];
    /* Four to a 2^10 ps bucket (the first width, which no width check
     * changes in so few filings), an empty bucket between two full. */
    for (int i = 0; i < FOURS_N; i++) {
        e[i] = (struct sparse_ev){ .period_ps = 0 };
        event_init(&s, &e[i].ev, fours_fire);
        event_set_prefetch(&s, &e[i].ev, &sparse_hook);
        sim_schedule(&s, &e[i].ev, 2048 * (uint64_t)(1 + i / 4) + i % 4);
    }
    sim_run(&s, NULL, NULL);
    ok(fours_staged == FOURS_N - 8 && s.bucket_shift == 10,
       "keys four to a bucket: %u of the %u events with 8 or more before "
       "them got their first prefetch stage", fours_staged, FOURS_N - 8);
    sim_uninit(&s);
}

/* The progress function: called between buckets once SIM_PROGRESS_EVERY
 * or more events have fired since its last call, and sim.events is
 * up to date when it is (sim_run() counts events in its own way). */
struct ticks {
    struct event ev;
    uint32_t left;
    uint32_t calls;
    uint64_t events_seen[4];
};

static void
ticks_fire(struct sim *s, struct event *ev)
{
    struct ticks *t = CONTAINER_OF(ev, struct ticks, ev);
    /* A bucket of its own each time (2^10 ps wide: with no far event
     * and no key filed out of order, the width checks keep it), so
     * that the first bucket empties after every event. */
    if (--t->left > 0)
        sim_schedule(s, ev, s->now_ps + 1024);
}

static void
ticks_progress(struct sim *s, void *aux)
{
    struct ticks *t = aux;
    if (t->calls < 4)
        t->events_seen[t->calls] = s->events;
    t->calls++;
}

static void
test_progress(void)
{
    struct sim s;
    sim_init(&s, 1);
    struct ticks t = { .left = 5 * SIM_PROGRESS_EVERY / 2 };
    event_init(&s, &t.ev, ticks_fire);
    sim_schedule(&s, &t.ev, 0);
    uint64_t n = sim_run(&s, ticks_progress, &t);
    ok(n == 5 * SIM_PROGRESS_EVERY / 2 && s.events == n && t.calls == 2 &&
           t.events_seen[0] == SIM_PROGRESS_EVERY &&
           t.events_seen[1] == 2 * SIM_PROGRESS_EVERY,
       "progress is called every %u events, with sim.events up to date "
       "(%u calls, at %llu and %llu events of %llu)",
       SIM_PROGRESS_EVERY, t.calls, (unsigned long long)t.events_seen[0],
       (unsigned long long)t.events_seen[1], (unsigned long long)n);
    sim_uninit(&s);
}

int
main(void)
{
    struct sim s;
    sim_init(&s, 1);

    /* Ties fire first-in first-out; earlier times first. */
    int log[100] = { 0 }, n = 0;
    struct rec r[6];
    uint64_t times[6] = { 50, 10, 50, 10, 30, 50 };
    for (int i = 0; i < 6; i++) {
        event_init(&s, &r[i].ev, rec_fire);
        r[i].id = i;
        r[i].log = log;
        r[i].n = &n;
        sim_schedule(&s, &r[i].ev, times[i]);
    }
    sim_run(&s, NULL, NULL);
    int want[6] = { 1, 3, 4, 0, 2, 5 };
    ok(n == 6 && memcmp(log, want, sizeof want) == 0,
       "events fire by (time, insertion sequence)");
    ok(s.now_ps == 50, "clock ends at the last event's time");

    /* Cancellation and rescheduling. */
    n = 0;
    for (int i = 0; i < 6; i++)
        sim_schedule(&s, &r[i].ev, 100 + (uint64_t)i);
    sim_cancel(&s, &r[2].ev);
    sim_cancel(&s, &r[2].ev); /* Second cancel is a no-op. */
    sim_schedule(&s, &r[0].ev, 200); /* Move the first to the end. */
    ok(!event_is_scheduled(&s, &r[2].ev), "cancelled event is idle");
    sim_run(&s, NULL, NULL);
    int want2[5] = { 1, 3, 4, 5, 0 };
    ok(n == 5 && memcmp(log, want2, sizeof want2) == 0,
       "cancelled event never fires; moved event fires at its new time");

    /* An event filed with a sequence taken earlier fires, among the
     * events of its instant, where one scheduled then would have: r[3]'s
     * taken before r[1] and r[2] were scheduled, r[4]'s between them (r[3]
     * moved from another time); r[5], far, fires last. */
    n = 0;
    uint64_t t0 = s.now_ps;
    uint64_t early = sim_take_seq(&s);
    sim_schedule(&s, &r[1].ev, t0 + 300);
    uint64_t mid = sim_take_seq(&s);
    sim_schedule(&s, &r[2].ev, t0 + 300);
    sim_schedule(&s, &r[0].ev, t0 + 300);
    sim_schedule_seq(&s, &r[4].ev, t0 + 300, mid);
    sim_schedule_seq(&s, &r[3].ev, t0 + 100, mid);
    sim_schedule_seq(&s, &r[3].ev, t0 + 300, early);  /* Moved. */
    sim_schedule_seq(&s, &r[5].ev, t0 + (UINT64_C(1) << 50), early);
    sim_run(&s, NULL, NULL);
    int want3[6] = { 3, 1, 4, 2, 0, 5 };
    ok(n == 6 && memcmp(log, want3, sizeof want3) == 0,
       "sim_schedule_seq() files an event where its sequence places it");

    /* At now: a frame that takes no time arrives at the instant the
     * one before it does, filed by that one's arrival with the sequence
     * of its start, before an event scheduled after it started. */
    n = 0;
    struct chain c = { .r = { .id = 7, .log = log, .n = &n },
                       .next = &r[1].ev };
    event_init(&s, &c.r.ev, chain_fire);
    uint64_t t1 = s.now_ps + 1000;
    uint64_t first = sim_take_seq(&s);
    c.next_seq = sim_take_seq(&s);
    sim_schedule(&s, &r[2].ev, t1);
    sim_schedule_seq(&s, &c.r.ev, t1, first);
    sim_run(&s, NULL, NULL);
    int want4[3] = { 7, 1, 2 };
    ok(n == 3 && memcmp(log, want4, sizeof want4) == 0,
       "sim_schedule_seq() at now files an event after the firing one");

    /* A large random workload comes out sorted, with cancellations. */
    enum { N = 20000 };
    struct rec *many = calloc(N, sizeof *many);
    int *big = calloc(N, sizeof *big);
    int nb = 0;
    struct rng g;
    rng_init(&g, 7, rng_stream_id("test"));
    uint64_t base = s.now_ps;
    for (int i = 0; i < N; i++) {
        event_init(&s, &many[i].ev, rec_fire);
        many[i].id = i;
        many[i].log = big;
        many[i].n = &nb;
        sim_schedule(&s, &many[i].ev, base + rng_below(&g, 1000));
    }
    int cancelled = 0;
    for (int i = 0; i < N; i += 3) {
        sim_cancel(&s, &many[i].ev);
        cancelled++;
    }
    sim_run(&s, NULL, NULL);
    bool sorted = nb == N - cancelled;
    for (int i = 1; sorted && i < nb; i++) {
        struct rec *a = &many[big[i - 1]], *b = &many[big[i]];
        if (a->ev.time_ps > b->ev.time_ps ||
            (a->ev.time_ps == b->ev.time_ps && big[i - 1] > big[i]))
            sorted = false;
        if (big[i] % 3 == 0)
            sorted = false;
    }
    ok(sorted, "20000 random events with every third cancelled fire in order");
    free(many);
    free(big);

    /* The same with sequences taken earlier, as a link's arrivals under
     * `fabric: ns3` are filed (sim_schedule_seq()'s insertion from the
     * bucket's end): every event takes its sequence in turn, a quarter
     * are scheduled then, the rest filed afterwards in a shuffled order
     * under the sequence they took, all within 64 ps so that they tie
     * and overtake one another; every seventh is cancelled, which finds
     * it by the place its moves left recorded.  They fire by (time,
     * sequence). */
    enum { M = 6000 };
    many = calloc(M, sizeof *many);
    big = calloc(M, sizeof *big);
    uint64_t *mseq = calloc(M, sizeof *mseq), *mt = calloc(M, sizeof *mt);
    int *order = calloc(M, sizeof *order);
    nb = 0;
    base = s.now_ps + 10;
    int later = 0;
    for (int i = 0; i < M; i++) {
        event_init(&s, &many[i].ev, rec_fire);
        many[i].id = i;
        many[i].log = big;
        many[i].n = &nb;
        mt[i] = base + rng_below(&g, 64);
        if (i % 4 == 0) {
            mseq[i] = s.seq;
            sim_schedule(&s, &many[i].ev, mt[i]);
        } else {
            mseq[i] = sim_take_seq(&s);
            order[later++] = i;
        }
    }
    for (int i = later - 1; i > 0; i--) {
        int j = (int)rng_below(&g, (uint64_t)i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < later; i++)
        sim_schedule_seq(&s, &many[order[i]].ev, mt[order[i]],
                         mseq[order[i]]);
    cancelled = 0;
    for (int i = 0; i < M; i += 7) {
        sim_cancel(&s, &many[i].ev);
        cancelled++;
    }
    sim_run(&s, NULL, NULL);
    sorted = nb == M - cancelled;
    for (int i = 0; sorted && i < nb; i++) {
        int a = big[i > 0 ? i - 1 : 0], b = big[i];
        if (b % 7 == 0 || (i > 0 && (mt[a] > mt[b] ||
                                     (mt[a] == mt[b] && mseq[a] >= mseq[b]))))
            sorted = false;
    }
    ok(sorted, "6000 tied events filed under earlier sequences, every "
               "seventh cancelled, fire by (time, sequence)");
    free(many);
    free(big);
    free(mseq);
    free(mt);
    free(order);

    /* One-shot calls from the pool. */
    uint64_t clog[3] = { 0, 0, 0 };
    for (int i = 0; i < 600; i++) {
        uint64_t t = s.now_ps + (uint64_t)(600 - i) / 2;
        sim_call(&s, t, call_log, clog, t);
    }
    sim_run(&s, NULL, NULL);
    ok(clog[0] == 600 && clog[2] == 0,
       "600 pooled one-shot calls fire once each, in time order");

    /* end_ps bounds the run. */
    n = 0;
    sim_schedule(&s, &r[0].ev, s.now_ps + 10);
    sim_schedule(&s, &r[1].ev, s.now_ps + 1000);
    s.end_ps = s.now_ps + 500;
    sim_run(&s, NULL, NULL);
    ok(n == 1 && event_is_scheduled(&s, &r[1].ev), "run stops at end_ps");
    sim_uninit(&s);

    test_background();
    test_call_background();
    test_renumber();
    test_timer();
    test_model(true);
    test_model(false);
    test_first_bucket();
    test_prefetch();
    test_prefetch_far();
    test_prefetch_sparse();
    test_prefetch_third_bucket();
    test_progress();

    /* CRC-32 check value (../shared/data/vectors/crc_check_values.txt). */
    is_u64(crc32("123456789", 9), 0xCBF43926u, "CRC-32/ISO-HDLC check value");

    /* Streams: reproducible, and independent of other streams. */
    struct rng a1, a2, b1;
    rng_init(&a1, 42, rng_stream_id("switch/leaf0"));
    rng_init(&a2, 42, rng_stream_id("switch/leaf0"));
    rng_init(&b1, 42, rng_stream_id("switch/leaf1"));
    bool same = true, differ = false;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a1), y = rng_next(&a2), z = rng_next(&b1);
        same &= x == y;
        differ |= x != z;
    }
    ok(same, "same (seed, component) gives the same stream");
    ok(differ, "different components get different streams");
    double sum = 0;
    for (int i = 0; i < 100000; i++)
        sum += rng_exponential(&a1, 3.0);
    ok(sum / 100000 > 2.95 && sum / 100000 < 3.05,
       "exponential mean 3.0 within 1.7%% (got %.4f)", sum / 100000);
    return done_testing();
}
