/* InfiniBand results; see ib-report.h. */
#include "report/ib-report.h"

#include <inttypes.h>
#include <stdbool.h>

#include "fabric/ib.h"
#include "fabric/net.h"
#include "world/world.h"
#include "fabric/node.h"
#include "fabric/port.h"
#include "report/results.h"

struct ib_totals {
    uint64_t fc_sent, fc_rcvd;
    uint64_t wait_ps, longest_wait_ps, stalls;
    uint32_t peak_blocks;         /* Largest peak of any (port, VL). */
    uint32_t starved_at_end;      /* (port, VL) waiting for credits. */
};

static void
totals(const struct world *world, struct ib_totals *t)
{
    const struct net *net = world_net_const(world);
    *t = (struct ib_totals){ 0 };
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct ib_port *ib = ib_port_cast(net->ports[i].fc);
        for (int vl = 0; vl < N_TC; vl++) {
            const struct ib_vl_stats *s = &ib->st[vl];
            t->fc_sent += s->fc_sent;
            t->fc_rcvd += s->fc_rcvd;
            t->wait_ps += s->wait_ps;
            t->stalls += s->stalls;
            if (s->longest_wait_ps > t->longest_wait_ps)
                t->longest_wait_ps = s->longest_wait_ps;
            if (s->peak_blocks > t->peak_blocks)
                t->peak_blocks = s->peak_blocks;
            t->starved_at_end += ib->starved >> vl & 1;
        }
    }
}

void
ib_report_csv(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    fprintf(f, "node,port,to,vl,buffer_bytes,peak_bytes,packets_received,"
               "fc_sent,fc_received,credit_wait_ps,credit_wait_fraction,"
               "longest_credit_wait_ps,credit_stalls,waiting_at_end\n");
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        const struct ib_port *ib = ib_port_cast(p->fc);
        for (int vl = 0; vl < N_TC; vl++) {
            const struct ib_vl_stats *s = &ib->st[vl];
            if (!s->packets_rcvd && !s->fc_rcvd && !s->stalls)
                continue;
            fprintf(f,
                    "%s,%u,%s,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64
                    ",%" PRIu64 ",%d\n",
                    p->node->name, p->index, p->link.peer->name, vl,
                    (uint64_t)ib->cap_blocks * IB_CREDIT_BYTES,
                    (uint64_t)s->peak_blocks * IB_CREDIT_BYTES,
                    s->packets_rcvd, s->fc_sent, s->fc_rcvd, s->wait_ps,
                    run_fraction(ri, s->wait_ps), s->longest_wait_ps,
                    s->stalls, ib->starved >> vl & 1);
        }
    }
}

void
ib_report_json(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    (void)ri;
    struct ib_totals t;
    totals(world, &t);
    uint64_t cap = net->n_ports ? ib_port_cast(net->ports[0].fc)->cap_blocks : 0;
    fprintf(f, ",\n  \"infiniband\": {\"vl_buffer_bytes\": %" PRIu64
               ", \"peak_buffer_bytes\": %" PRIu64
               ", \"fc_packets_sent\": %" PRIu64
               ", \"fc_packets_received\": %" PRIu64
               ", \"credit_wait_ps\": %" PRIu64
               ", \"longest_credit_wait_ps\": %" PRIu64
               ", \"credit_stalls\": %" PRIu64
               ", \"waiting_at_end\": %u}",
            cap * IB_CREDIT_BYTES, (uint64_t)t.peak_blocks * IB_CREDIT_BYTES,
            t.fc_sent, t.fc_rcvd, t.wait_ps, t.longest_wait_ps, t.stalls,
            t.starved_at_end);
}

void
ib_report_print(FILE *f, const struct world *world, const struct run_info *ri)
{
    (void)ri;
    struct ib_totals t;
    totals(world, &t);
    fprintf(f, "  InfiniBand: %" PRIu64 " flow-control packets (counted "
               "in the packet-hops); buffers "
               "peaked at %" PRIu64 " B of a VL; %" PRIu64
               " waits for credits, %.3f us in all\n",
            t.fc_sent, (uint64_t)t.peak_blocks * IB_CREDIT_BYTES, t.stalls,
            (double)t.wait_ps / 1e6);
}
