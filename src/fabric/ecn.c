/* ECN marking; see ecn.h. */
#include "fabric/ecn.h"

#include "fabric/fabric-spec.h"
#include "fabric/queue.h"
#include "pkt/pkt.h"

static bool
should_mark(struct ecn_marker *m, uint64_t q)
{
    const struct ecn_spec *e = m->spec;
    if (e->mode == ECN_MARK_STEP)
        return q > e->k_bytes;
    if (q <= e->kmin_bytes)
        return false;
    if (q > e->kmax_bytes || (q == e->kmax_bytes && !m->ns3))
        return true;
    double p = e->pmax * (double)(q - e->kmin_bytes) /
               (double)(e->kmax_bytes - e->kmin_bytes);
    return rng_uniform(m->rng) < p;
}

void
ecn_consider(struct ecn_marker *m, uint64_t *marked, struct pkt *p,
             uint64_t queue_bytes)
{
    if (p->ip.ecn == ECN_NOT_ECT || p->ip.ecn == ECN_CE)
        return;
    if (should_mark(m, queue_bytes)) {
        p->ip.ecn = ECN_CE;
        (*marked)++;
    }
}
