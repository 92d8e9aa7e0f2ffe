/* The queue monitor; see monitor.h. */
#include "report/monitor.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "world/world.h"
#include "fabric/node.h"
#include "fabric/port.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "transport/transport.h"
#include "transport/flow.h"

/* One port at one sample time. */
struct monitor_sample {
    uint64_t bytes[N_TC];     /* Frame bytes queued, per traffic class. */
    uint32_t packets[N_TC];
};

struct monitor {
    struct event tick;        /* Background: the next sample. */
    const struct edge *edge;
    const uint32_t *qps;      /* Flow ids (monitor.qps). */
    size_t n_qps;
    struct rdma_qp_sample *qp_samples;  /* n_samples rows of n_qps. */
    uint64_t interval_ps;
    uint64_t next_ps;         /* Time of the next sample; TIME_NEVER once
                               * it would not fit in 64 bits. */
    const struct port **ports;  /* Chosen, in net->ports order. */
    size_t n_ports;
    struct monitor_sample *samples;  /* n_samples rows of n_ports. */
    size_t n_samples, cap_samples;
};

static void
monitor_record(struct monitor *m)
{
    if (m->n_samples == m->cap_samples) {
        m->cap_samples = m->cap_samples ? 2 * m->cap_samples : 64;
        m->samples = xrealloc(m->samples, m->cap_samples * m->n_ports *
                                              sizeof *m->samples);
    }
    if (m->n_qps) {
        if (m->n_samples == 0 || (m->n_samples & (m->n_samples - 1)) == 0)
            m->qp_samples = xrealloc(m->qp_samples,
                                     (m->n_samples ? 2 * m->n_samples : 1) *
                                         m->n_qps * sizeof *m->qp_samples);
        struct rdma_qp_sample *q = &m->qp_samples[m->n_samples * m->n_qps];
        for (size_t i = 0; i < m->n_qps; i++)
            if (!rdma_qp_sample(&m->edge->flows[m->qps[i]], &q[i]))
                memset(&q[i], 0, sizeof q[i]);
    }
    struct monitor_sample *row = &m->samples[m->n_samples * m->n_ports];
    for (size_t i = 0; i < m->n_ports; i++) {
        for (int tc = 0; tc < N_TC; tc++) {
            row[i].bytes[tc] = m->ports[i]->q[tc].bytes;
            row[i].packets[tc] = m->ports[i]->q[tc].packets;
        }
    }
    m->n_samples++;
    m->next_ps = m->next_ps <= TIME_NEVER - m->interval_ps
                     ? m->next_ps + m->interval_ps
                     : TIME_NEVER;
}

static void
monitor_tick(struct sim *s, struct event *ev)
{
    struct monitor *m = CONTAINER_OF(ev, struct monitor, tick);
    sim_assert(s->now_ps == m->next_ps);
    monitor_record(m);
    if (m->next_ps != TIME_NEVER)
        sim_schedule(s, ev, m->next_ps);
}

/* Marks in CHOSEN (one flag per port of NET) the ports SEL names. */
static void
mark_ports(const struct world *world, const struct monitor_select *sel,
           bool *chosen)
{
    const struct net *net = world_net_const(world);
    const struct node *node = net->nodes[sel->node];
    for (uint16_t i = 0; i < node->n_ports; i++) {
        const struct port *p = &node->ports[i];
        if (sel->peer == MONITOR_ALL_PORTS || p->link.peer->id == sel->peer)
            chosen[p - net->ports] = true;
    }
}

struct monitor *
monitor_create(struct world *world)
{
    struct net *net = world_net(world);
    struct edge *edge = &world->edge;
    const struct monitor_spec *spec = &world->scn->monitor;
    if (!spec->interval_ps)
        return NULL;
    sim_assert(sim_now(&net->sim) == 0);

    /* Selections may overlap ("leaf0" and "leaf0->spine1"); each port is
     * sampled once, in topology order as in links.csv. */
    bool *chosen = xcalloc(net->n_ports, sizeof *chosen);
    for (size_t i = 0; i < spec->n_select; i++)
        mark_ports(world, &spec->select[i], chosen);
    struct monitor *m = xcalloc(1, sizeof *m);
    m->ports = xmalloc(net->n_ports * sizeof *m->ports);
    for (uint32_t i = 0; i < net->n_ports; i++)
        if (chosen[i])
            m->ports[m->n_ports++] = &net->ports[i];
    free(chosen);
    /* The parser accepts only names of nodes with links. */
    sim_assert(m->n_ports > 0 || spec->n_qps > 0);
    m->edge = edge;
    m->qps = spec->qps;
    m->n_qps = spec->n_qps;

    m->interval_ps = spec->interval_ps;
    m->next_ps = 0;
    event_init_background(&net->sim, &m->tick, monitor_tick);
    sim_schedule(&net->sim, &m->tick, 0);
    return m;
}

void
monitor_destroy(struct monitor *m)
{
    if (!m)
        return;
    free(m->ports);
    free(m->samples);
    free(m->qp_samples);
    free(m);
}

void
monitor_finish(struct monitor *m, uint64_t end_ps)
{
    /* Nothing has happened since the last event, so the queues now are
     * the queues at every sample time up to END_PS. */
    while (m->next_ps != TIME_NEVER && m->next_ps <= end_ps)
        monitor_record(m);
}

/* The traffic classes written for port P: those whose queue admitted or
 * dropped a packet during the run (queues.csv's rule), or class 0 alone if
 * none did, so that every chosen port appears. */
static uint8_t
classes_used(const struct port *p)
{
    uint8_t mask = 0;
    for (int tc = 0; tc < N_TC; tc++)
        if (p->q[tc].enqueued || p->qs[tc].drops)
            mask |= (uint8_t)(1u << tc);
    return mask ? mask : 1;
}

void
monitor_write_csv(FILE *f, const struct monitor *m)
{
    fprintf(f, "time_ps,node,port,to,tc,bytes,packets\n");
    uint8_t *used = xmalloc(m->n_ports);
    for (size_t i = 0; i < m->n_ports; i++)
        used[i] = classes_used(m->ports[i]);
    for (size_t k = 0; k < m->n_samples; k++) {
        const struct monitor_sample *row = &m->samples[k * m->n_ports];
        unsigned long long t = (unsigned long long)(k * m->interval_ps);
        for (size_t i = 0; i < m->n_ports; i++) {
            const struct port *p = m->ports[i];
            for (int tc = 0; tc < N_TC; tc++) {
                if (!(used[i] & (1u << tc)))
                    continue;
                fprintf(f, "%llu,%s,%u,%s,%d,%llu,%u\n", t, p->node->name,
                        p->index, p->link.peer->name, tc,
                        (unsigned long long)row[i].bytes[tc],
                        row[i].packets[tc]);
            }
        }
    }
    free(used);
}

bool
monitor_has_qps(const struct monitor *m)
{
    return m && m->n_qps > 0;
}

void
monitor_write_rates_csv(FILE *f, const struct monitor *m)
{
    fprintf(f, "time_ps,flow,rate_bps,target_bps,alpha,window_bytes,util\n");
    for (size_t k = 0; k < m->n_samples; k++) {
        const struct rdma_qp_sample *q = &m->qp_samples[k * m->n_qps];
        unsigned long long t = (unsigned long long)(k * m->interval_ps);
        for (size_t i = 0; i < m->n_qps; i++)
            fprintf(f, "%llu,%u,%.0f,%.0f,%.6f,%.0f,%.6f\n", t, m->qps[i],
                    q[i].rate_bps, q[i].target_bps, q[i].alpha,
                    q[i].window_bytes, q[i].util);
    }
}
