/* One-shot calls (sim.h's sim_call(), sim_call_background()): work that
 * has no object of its own to embed an event in (a flow's start) takes
 * an event from a pool, registered with the sim like any other, and
 * gives it back as it fires.  The pool grows by blocks of CALL_BLOCK
 * nodes and never shrinks; sim_uninit() frees it. */
#include "sim/sim-call.h"

#include <stdlib.h>

#include "sim/sim.h"
#include "sim/util.h"

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

/* A pool node for FN(OBJ, ARG), its event BACKGROUND or not, scheduled
 * at T_PS.  A node returns to the pool for either kind, so the flag is
 * set each time. */
static void
call_schedule(struct sim *s, uint64_t t_ps, call_fn *fn, void *obj,
              uint64_t arg, bool background)
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
    event_set_background(s, &c->ev, background);
    sim_schedule(s, &c->ev, t_ps);
}

void
sim_call(struct sim *s, uint64_t t_ps, call_fn *fn, void *obj, uint64_t arg)
{
    call_schedule(s, t_ps, fn, obj, arg, false);
}

void
sim_call_background(struct sim *s, uint64_t t_ps, call_fn *fn, void *obj,
                    uint64_t arg)
{
    call_schedule(s, t_ps, fn, obj, arg, true);
}

void
sim_calls_free(struct sim *s)
{
    struct call_block *b = s->call_blocks;
    while (b) {
        struct call_block *next = b->next;
        free(b);
        b = next;
    }
}
