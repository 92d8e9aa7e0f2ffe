/* PFC results; see pfc-report.h. */
#include "report/pfc-report.h"

#include <inttypes.h>
#include <stdbool.h>

#include "fabric/mmu.h"
#include "fabric/net.h"
#include "world/world.h"
#include "fabric/node.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "report/results.h"
#include "transport/flow.h"

struct pfc_totals {
    uint64_t pause_sent, resume_sent, pause_rcvd, resume_rcvd;
    uint64_t paused_ps, longest_ps;
    uint64_t storms, restores, wd_drops;
    uint32_t paused_at_end;       /* (port, class) paused at the end... */
    uint32_t stuck_at_end;        /* ...with packets waiting. */
    bool deadlock;
};

/* Headroom of ingress (PORT, TC) and its peak use; 0 at hosts. */
static void
headroom_of(const struct port *p, int tc, uint64_t *size, uint64_t *peak)
{
    const struct mmu *m = p->mmu;  /* NULL at hosts. */
    *peak = mmu_headroom_peak(m, p->index, (uint8_t)tc);
    *size = m && m->pg && (m->lossless >> tc & 1) ? m->headroom[p->index] : 0;
}

static void
totals(const struct world *world, const struct run_info *ri,
       struct pfc_totals *t)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    *t = (struct pfc_totals){ 0 };
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        const struct pfc_port *pf = pfc_port_cast(p->fc);
        for (int c = 0; c < 8; c++) {
            const struct pfc_stats *s = pfc_port_stats(pf, c);
            t->pause_sent += s->pause_sent;
            t->resume_sent += s->resume_sent;
            t->pause_rcvd += s->pause_rcvd;
            t->resume_rcvd += s->resume_rcvd;
            t->paused_ps += s->paused_ps;
            if (s->longest_ps > t->longest_ps)
                t->longest_ps = s->longest_ps;
            t->storms += s->storms;
            t->restores += s->restores;
            t->wd_drops += s->wd_drops;
            if (p->paused >> c & 1) {
                t->paused_at_end++;
                if (p->eligible >> c & 1)
                    t->stuck_at_end++;
            }
        }
    }
    /* Deadlock, as dcsim reports it: queues are paused with packets
     * waiting, flows are unfinished, and nothing has reached a host for
     * the last tenth of the run. */
    uint64_t end = ri->sim_time_ps;
    t->deadlock = t->stuck_at_end > 0 && ri->flows.incomplete > 0 &&
                  end - edge->st.last_delivery_ps >= end / 10;
}

void
pfc_report_csv(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    fprintf(f, "node,port,to,tc,pause_sent,resume_sent,pause_received,"
               "resume_received,paused_ps,paused_fraction,longest_pause_ps,"
               "paused_at_end,headroom_bytes,headroom_max_bytes,storms,"
               "restores,watchdog_drops\n");
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        const struct pfc_port *pf = pfc_port_cast(p->fc);
        for (int c = 0; c < 8; c++) {
            const struct pfc_stats *s = pfc_port_stats(pf, c);
            uint64_t hr, hr_max;
            headroom_of(p, c, &hr, &hr_max);
            if (!(pf->lossless >> c & 1) && !s->pause_rcvd)
                continue;
            if (!s->pause_sent && !s->pause_rcvd && !hr_max)
                continue;
            fprintf(f,
                    "%s,%u,%s,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64
                    ",%" PRIu64 ",%" PRIu64 ",%.6f,%" PRIu64 ",%d,%" PRIu64
                    ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                    p->node->name, p->index, p->link.peer->name, c,
                    s->pause_sent, s->resume_sent, s->pause_rcvd,
                    s->resume_rcvd, s->paused_ps,
                    run_fraction(ri, s->paused_ps), s->longest_ps,
                    p->paused >> c & 1, hr, hr_max, s->storms, s->restores,
                    s->wd_drops);
        }
    }
}

void
pfc_report_json(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    struct pfc_totals t;
    totals(world, ri, &t);
    fprintf(f, ",\n  \"pfc\": {\"pause_frames_sent\": %" PRIu64
               ", \"resume_frames_sent\": %" PRIu64
               ", \"pause_frames_received\": %" PRIu64
               ", \"resume_frames_received\": %" PRIu64
               ", \"paused_ps\": %" PRIu64 ", \"longest_pause_ps\": %" PRIu64
               ", \"paused_at_end\": %u, \"stuck_at_end\": %u"
               ", \"last_delivery_ps\": %" PRIu64 ", \"deadlock\": %s",
            t.pause_sent, t.resume_sent, t.pause_rcvd, t.resume_rcvd,
            t.paused_ps, t.longest_ps, t.paused_at_end, t.stuck_at_end,
            edge->st.last_delivery_ps, t.deadlock ? "true" : "false");
    fprintf(f, ",\n    \"watchdog\": {\"storms\": %" PRIu64
               ", \"restores\": %" PRIu64 ", \"drops\": %" PRIu64
               ", \"events\": [",
            t.storms, t.restores, t.wd_drops);
    for (size_t i = 0; i < net->n_pfc_events; i++) {
        const struct pfc_event *e = &net->pfc_events[i];
        const struct port *p = &net->ports[e->port];
        fprintf(f, "%s\n      {\"time_ps\": %" PRIu64 ", \"node\": \"%s\", "
                   "\"port\": %u, \"to\": \"%s\", \"tc\": %u, "
                   "\"event\": \"%s\"}",
                i ? "," : "", e->t_ps, p->node->name, p->index,
                p->link.peer->name, e->tc, e->what);
    }
    fprintf(f, "%s]}}", net->n_pfc_events ? "\n    " : "");
}

void
pfc_report_print(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct edge *edge = &world->edge;
    struct pfc_totals t;
    totals(world, ri, &t);
    fprintf(f, "  PFC: %" PRIu64 " pause and %" PRIu64
               " resume frames sent; longest pause %.3f us; %u classes "
               "paused at the end\n",
            t.pause_sent, t.resume_sent, (double)t.longest_ps / 1e6,
            t.paused_at_end);
    if (t.storms)
        fprintf(f, "  PFC watchdog: %" PRIu64 " storms, %" PRIu64
                   " restores, %" PRIu64 " packets dropped\n",
                t.storms, t.restores, t.wd_drops);
    if (t.deadlock)
        fprintf(f, "  PFC deadlock: nothing delivered since %.3f us, %u "
                   "paused queues hold packets; throughput is zero\n",
                (double)edge->st.last_delivery_ps / 1e6, t.stuck_at_end);
}
