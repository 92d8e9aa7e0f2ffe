/* The storage of a VM that moves (a vm_move event, BGP EVPN): what a
 * live migration with network block devices does at its switch-over.
 *
 * QEMU stops the VM at the source (migration/migration.c's
 * migration_completion() ->
 * vm_stop_force_state(RUN_STATE_FINISH_MIGRATE), whose do_vm_stop(),
 * cpus.c, pauses the vCPUs and calls bdrv_drain_all() and
 * bdrv_flush_all(): every request in flight completes on the source's
 * block devices before the switch-over; none is cancelled or handed to
 * the destination) and inactivates its block devices; the
 * destination activates its own, opened on its own connections to the
 * same targets, and the guest resumes there.  So here, for each worker
 * of a job whose initiator is the moved host:
 *
 *   1. Drain.  From the move on the worker issues nothing: an I/O it
 *      issues is held (its latency runs from its issue).  Its I/Os in
 *      flight finish on the old session, from the old server; their
 *      remaining packets are that server's own traffic (flow.h's
 *      `control`: the hypervisor's initiator, addressed as the server,
 *      not as the VM that left), so they are neither redirected to the
 *      new server nor dropped as `vm_moved`.
 *   2. Connect.  Once none is in flight, the new server opens the
 *      worker's session to the same target: new streams from its own
 *      address (its own traffic too), TCP's three-way handshake first
 *      where the protocol runs over TCP, then the protocol's setup
 *      (storage.c's program_login_build(): NVMe/TCP's ICReq/ICResp and
 *      Connect, NVMe-oF's Connect, iSCSI's login), each message waiting
 *      for the one before, as the host's driver does.
 *   3. Resume.  The held I/Os go, from the new server, on the new
 *      session; the time they waited counts as initiator time (their
 *      `submit` stage), as the block layer held them.
 *
 * The old session is left idle (its teardown is not modelled).  Only a
 * VM's sessions as an initiator move: a target's or an object replica's
 * SSD stays where it is, and a `local` job keeps its server's SSD
 * (migrating a disk's contents is not modelled). */
#include "storage/storage-int.h"

#include <stdlib.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "sim/util.h"
#include "transport/flow.h"

/* Worker W's streams to and from its server now are the servers' own
 * traffic. */
static void
session_own(struct net *net, struct storage *st, struct sto_worker *w)
{
    struct edge *edge = edge_of(net);
    for (uint32_t i = 0; i < st->cap_streams; i++) {
        const struct sto_stream *e = &st->streams[i];
        if (e->id != UINT32_MAX && e->w == w->index &&
            (e->src == w->host || e->dst == w->host))
            edge->flows[e->id].control = true;
    }
}

/* The held I/Os go, on the new session. */
static void
resume(struct net *net, struct sto_worker *w)
{
    uint64_t now = net->sim.now_ps;
    w->moving = false;
    for (uint32_t i = 0; i < w->n_held; i++) {
        struct sto_io *io = w->held[i];
        io->stage_ps[STORAGE_STAGE_SUBMIT] += now - io->issued_ps;
        w->inflight++;
        sto_advance(net, io);
    }
    w->n_held = 0;
}

/* The old session is drained: the new server opens the new one. */
static void
connect(struct net *net, struct sto_worker *w)
{
    w->host = w->to;
    w->handshake = true;
    w->login_step = 0;
    migrate_login_next(net, w);
}

void
migrate_login_next(struct net *net, struct sto_worker *w)
{
    const struct program *p = &w->job->login;
    if (w->login_step == p->n) {
        if (w->host == w->to) {
            resume(net, w);
        } else {
            /* Moved again while it was set up: that session has nothing
             * in flight; the newest server opens its own. */
            session_own(net, w->st, w);
            connect(net, w);
        }
        return;
    }
    const struct step *step = &p->s[w->login_step++];
    struct flow f = { 0 };
    sto_flow_fill_step(net, w->st, w, w->job->spec->target, step, &f);
    sto_post(net, w->st, w, (uint64_t)w->index << 32 | (LEG_LOGIN + 1), &f,
             (enum carrier)step->carrier);
}

void
migrate_hold(struct sto_worker *w, struct sto_io *io)
{
    sim_assert(w->n_held < w->job->spec->iodepth);
    w->held[w->n_held++] = io;
}

void
migrate_io_ended(struct net *net, struct sto_worker *w)
{
    /* (While a session is set up nothing is in flight: no I/O ends.) */
    if (!w->inflight)
        connect(net, w);
}

void
storage_vm_moved(struct storage *st, struct net *net, uint32_t mac,
                 uint32_t to)
{
    for (uint32_t k = 0; k < st->n_workers; k++) {
        struct sto_worker *w = &st->workers[k];
        const struct storage_job_spec *j = w->job->spec;
        if (j->initiator != mac || j->proto == STORAGE_LOCAL ||
            (w->moving ? w->to : w->host) == to)
            continue;
        if (!w->held)
            w->held = xcalloc(j->iodepth, sizeof *w->held);
        if (w->moving) {
            /* Moved again before its new session was up: the newest
             * server opens one once that is drained or set up. */
            w->to = to;
            continue;
        }
        w->own = true;
        w->handshake = false;
        session_own(net, st, w);
        w->moving = true;
        w->to = to;
        if (!w->inflight)
            connect(net, w);
    }
}
