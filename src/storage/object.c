/* The replicated object store (storage.h): where an object lives and
 * how a PUT reaches its replicas.  An object job's I/O names an object
 * (each a new one, or one drawn uniformly or by a Zipf law from a key
 * space), places it on `replicas` of the pool's hosts in distinct racks
 * by rendezvous hashing (the first the primary, to which the client
 * sends its PUT or GET), and a PUT fans out at the primary into legs, one
 * per replica, that run in parallel: the object to the replica, its
 * software and SSD, its acknowledgment back (leg 0 is the primary's own
 * write).  storage.c runs the I/O's own steps and calls in here at its
 * STEP_FANOUT; the legs send their messages and run their software
 * through storage.c's helpers (storage-int.h). */
#include "storage/storage-int.h"

#include <math.h>

#include "fabric/net.h"
#include "sim/util.h"
#include "transport/flow.h"

static void
leg_cpu_done(struct net *net, struct cpu_work *w)
{
    object_leg_advance(net, w->obj);
}

static void
leg_device_done(struct net *net, struct nvme_cmd *c)
{
    object_leg_advance(net, CONTAINER_OF(c, struct sto_leg, cmd));
}

/* Leg 0 writes at the primary; the others: 0 the object to the
 * replica, 1 its software, 2 its SSD, 3 its acknowledgment, 4 done. */
void
object_leg_advance(struct net *net, struct sto_leg *leg)
{
    struct sto_io *io = leg->io;
    struct sto_worker *w = io->w;
    struct storage *st = w->st;
    const struct storage_job_spec *j = w->job->spec;
    enum carrier c = j->proto == STORAGE_OBJECT_TCP ? CARRY_TCP : CARRY_SEND;
    uint16_t port = (uint16_t)(INITIATOR_PORT0 + io->target % 16384);
    int k = (int)(leg - io->legs);
    for (;;) {
        uint8_t stage = leg->stage++;
        if (k == 0 && stage == 0)
            stage = 2;
        else if (k == 0)
            stage = 4;
        struct flow f = { 0 };
        switch (stage) {
        case 0:
            sto_flow_fill(net, st, j, io->target, port, leg->host,
                          OBJECT_PORT, c, j->bs, &f);
            sto_msg_send(net, st, io, k, &f, c, false);
            return;
        case 1:
            if (sto_target_work(net, st, leg->host, w->index,
                                j->proto == STORAGE_OBJECT_RDMA, leg_cpu_done,
                                leg))
                return;
            continue;
        case 2:
            leg->cmd.write = true;
            leg->cmd.bytes = j->bs;
            leg->cmd.done = leg_device_done;
            nvme_submit(net, sto_host_dev(st, leg->host), &leg->cmd);
            return;
        case 3:
            st->hosts[leg->host].ios_target++;
            st->hosts[leg->host].last_ps = net->sim.now_ps;
            sto_flow_fill(net, st, j, leg->host, OBJECT_PORT, io->target,
                          port, c, OBJECT_SMALL_BYTES, &f);
            sto_msg_send(net, st, io, k, &f, c, false);
            return;
        default:
            if (--io->legs_left == 0)
                sto_advance(net, io);
            return;
        }
    }
}

/* Zipf's law over N names of exponent THETA (!= 1), by Gray et al.'s
 * method ("Quickly generating billion-record synthetic databases",
 * SIGMOD 1994), as fio draws zipf:theta (lib/zipf.c): zeta(N, theta)
 * summed once, then one uniform draw per name. */
void
object_zipf_init(struct sto_job *job, uint64_t n, double theta)
{
    double zetan = 0;
    for (uint64_t i = 1; i <= n; i++)
        zetan += pow((double)i, -theta);
    double zeta2 = 1 + pow(0.5, theta);
    job->zetan = zetan;
    job->alpha = 1 / (1 - theta);
    /* (With 2 names or fewer the first two cases below draw them all.) */
    job->eta = n > 2 ? (1 - pow(2.0 / (double)n, 1 - theta)) /
                           (1 - zeta2 / zetan)
                     : 0;
}

/* The rank (0: the most popular) of the name JOB's next I/O uses. */
uint64_t
object_name_draw(struct sto_job *job)
{
    const struct storage_job_spec *j = job->spec;
    if (!j->zipf)
        return rng_below(&job->names, j->objects);
    double u = rng_uniform(&job->names), uz = u * job->zetan;
    if (uz < 1)
        return 0;
    if (uz < 1 + pow(0.5, j->zipf))
        return 1;
    double k = (double)j->objects *
               pow(job->eta * u - job->eta + 1, job->alpha);
    return k < (double)j->objects ? (uint64_t)k : j->objects - 1;
}

/* Places object number SEQ of job J (index JI) on its replicas: the
 * pool's hosts ranked by a hash of the name and the host (rendezvous
 * hashing), the first the primary, each next one the best in a rack not
 * yet used. */
void
object_place(const struct storage_job_spec *j, size_t ji, uint64_t seq,
             struct sto_leg *legs)
{
    uint64_t name = rng_mix64(((uint64_t)ji << 40) ^ seq);
    int32_t racks[STORAGE_MAX_REPLICAS];
    uint32_t n = 0;
    while (n < j->replicas) {
        uint64_t best = 0;
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < j->n_pool; i++) {
            bool used = false;
            for (uint32_t k = 0; k < n; k++)
                used |= racks[k] == j->pool_rack[i];
            uint64_t score = rng_mix64(name ^ rng_mix64(j->pool[i] + 1));
            if (!used && (pick == SIZE_MAX || score > best)) {
                best = score;
                pick = i;
            }
        }
        sim_assert(pick != SIZE_MAX);  /* Racks checked by the parser. */
        racks[n] = j->pool_rack[pick];
        legs[n].host = j->pool[pick];
        n++;
    }
}
