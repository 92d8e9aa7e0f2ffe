/* The engine's own floor: what dcsim's event queue (src/sim/sim.c) costs
 * per event when the handlers do nothing but file their event again.
 * PENDING events are scheduled at once; each, when it fires, files itself
 * again a frame time or so later (frame_ps()), as a link's arrival and a
 * port's end of transmission do in a busy fabric.  So the queue holds
 * PENDING events spread as a fabric's are, and the time per event is the
 * least any packet-hop built on this engine pays per event before it
 * models anything.  docs/performance.md sets it against the time per hop that
 * issue 17's "100x less CPU than ns-3" would allow.
 *
 * Usage: enginefloor PENDING [EVENTS_M] (make bench-engine runs the
 * figures the docs quote: the pending counts of the 320-host ns-3 runs and
 * of the k=8, 16 and 32 scaling runs).  Time is the process's CPU time. */
#define _DEFAULT_SOURCE 1
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/sim.h"

struct filer {
    struct event ev;
    uint64_t rand;  /* This event's own xorshift state. */
};

static uint64_t fired, fire_limit;

static double
cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The time to an event's next firing, drawn from its own stream (so that
 * the draws do not depend on the order of ties) out of what the k=16
 * scaling run files (sim_schedule()'s offsets, counted by powers of two):
 * a quarter at an ACK's frame time (86 B at 100 Gb/s), half at a 1 KB
 * frame's (1 063 B), the rest at two frames, a propagation delay or a
 * 400 Gb/s frame. */
static const uint64_t offset_ps[16] = {
    6880,  6880,  6880,  6880,  85040,  85040,  85040,  85040,
    85040, 85040, 85040, 85040, 170080, 170080, 400000, 21260,
};

static uint64_t
frame_ps(struct filer *f)
{
    f->rand ^= f->rand << 13;
    f->rand ^= f->rand >> 7;
    f->rand ^= f->rand << 17;
    return offset_ps[f->rand >> 60];
}

static void
filer_fire(struct sim *s, struct event *ev)
{
    struct filer *f = CONTAINER_OF(ev, struct filer, ev);
    if (++fired == fire_limit) {
        sim_stop(s);
        return;
    }
    sim_schedule(s, ev, sim_now(s) + frame_ps(f));
}

/* CPU seconds to fire EVENTS events with PENDING in the queue, the
 * prefetch pipeline on or off (dcsim turns it on for fabrics of 2 048
 * port ends or more: net.c).  Returns a negative time if memory ran out. */
static double
run(unsigned long pending, uint64_t events, bool prefetch)
{
    struct sim s;
    sim_init(&s, 1);
    s.prefetch = prefetch;
    struct filer *f = calloc(pending, sizeof *f);
    if (!f) {
        sim_uninit(&s);
        return -1;
    }
    for (unsigned long i = 0; i < pending; i++) {
        f[i].rand = 0x9E3779B97F4A7C15u * (i + 1);
        event_init(&s, &f[i].ev, filer_fire);
        sim_schedule(&s, &f[i].ev, frame_ps(&f[i]));
    }
    fired = 0;
    fire_limit = events;
    double t0 = cpu_s();
    sim_run(&s, NULL, NULL);
    double t = cpu_s() - t0;
    sim_uninit(&s);
    free(f);
    return t;
}

int
main(int argc, char **argv)
{
    char *end = NULL;
    unsigned long pending = argc >= 2 ? strtoul(argv[1], &end, 10) : 0;
    if (argc < 2 || argc > 3 || *end || pending == 0 || pending > 16000000) {
        fprintf(stderr, "usage: %s PENDING(1..16000000) [EVENTS_M]\n",
                argv[0]);
        return 2;
    }
    unsigned long events_m = 20;
    if (argc == 3) {
        events_m = strtoul(argv[2], &end, 10);
        if (*end || events_m == 0 || events_m > 100000) {
            fprintf(stderr, "%s: EVENTS_M must be 1..100000\n", argv[0]);
            return 2;
        }
    }
    uint64_t events = (uint64_t)events_m * 1000000;
    double off = run(pending, events, false), on = run(pending, events, true);
    if (off < 0 || on < 0) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 2;
    }
    printf("%8lu pending: %6.1f ns per event with the pipeline off, %6.1f on"
           " (%lu M events each)\n",
           pending, off * 1e9 / (double)events, on * 1e9 / (double)events,
           events_m);
    return 0;
}
