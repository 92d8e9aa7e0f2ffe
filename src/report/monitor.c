/* The queue monitor; see monitor.h. */
#include "report/monitor.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "world/world.h"
#include "fabric/node.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "report/results-dir.h"
#include "scenario/scenario.h"
#include "sim/sim.h"
#include "transport/transport.h"
#include "transport/flow.h"

/* A chosen port with PFC, for pfc_series.csv. */
struct monitor_pfc {
    const struct pfc_port *pf;
    uint64_t paused_ps[N_TC]; /* Per class: paused time up to the last
                               * sample. */
    uint8_t classes;          /* Classes written: the lossless ones, and
                               * any other once it has been paused. */
};

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
    /* Series written as they are sampled (monitor_open_series()). */
    struct port **links;      /* monitor.links, in net->ports order. */
    size_t n_links;
    double *link_sent;        /* Per link: bytes on the wire at the last
                               * sample. */
    FILE *link_csv;           /* link_series.csv, or NULL. */
    const uint32_t *tcp;      /* monitor.tcp: flow ids. */
    size_t n_tcp;
    FILE *tcp_csv;            /* tcp_series.csv, or NULL. */
    struct monitor_pfc *pfc;  /* The chosen ports with PFC. */
    size_t n_pfc;
    FILE *pfc_csv;            /* pfc_series.csv, or NULL. */
    uint64_t pfc_last_ps;     /* Time of its last rows. */
    const char *dir;          /* The results directory, for messages. */
};

/* Wire bytes PORT has put on its link by NOW_PS: those of every frame
 * begun, less the part of the frame in progress not yet sent (its
 * serialization at the line rate). */
static double
link_sent_bytes(const struct port *port, uint64_t now_ps)
{
    double sent = (double)port->link.wire_bytes;
    if (port->busy_until_ps > now_ps)
        sent -= (double)(port->busy_until_ps - now_ps) *
                (double)port->rate_bps / 8e12;
    return sent;
}

/* One row per chosen link of link_series.csv at T_PS: its utilization
 * over the interval that ends then (none at time 0). */
static void
record_links(struct monitor *m, uint64_t t_ps)
{
    for (size_t i = 0; i < m->n_links; i++) {
        const struct port *p = m->links[i];
        double sent = link_sent_bytes(p, t_ps);
        if (t_ps) {
            double bytes = sent - m->link_sent[i];
            double util = bytes * 8e12 /
                          ((double)p->rate_bps * (double)m->interval_ps);
            fprintf(m->link_csv, "%llu,%s,%u,%s,%.0f,%.6f\n",
                    (unsigned long long)t_ps, p->node->name, p->index,
                    p->link.peer->name, bytes, util);
        }
        m->link_sent[i] = sent;
    }
}

/* One row per chosen TCP flow with an open connection at T_PS. */
static void
record_tcp(struct monitor *m, uint64_t t_ps)
{
    for (size_t i = 0; i < m->n_tcp; i++) {
        struct tcp_sample s;
        if (!tcp_sample(&m->edge->flows[m->tcp[i]], &s))
            continue;
        fprintf(m->tcp_csv, "%llu,%u,%llu,", (unsigned long long)t_ps,
                m->tcp[i], (unsigned long long)s.cwnd_bytes);
        if (s.ssthresh_bytes != UINT64_MAX)
            fprintf(m->tcp_csv, "%llu", (unsigned long long)s.ssthresh_bytes);
        fprintf(m->tcp_csv, ",%llu,%.3f,%.3f\n",
                (unsigned long long)s.inflight_bytes,
                (double)s.srtt_ps / 1e3, (double)s.rto_ps / 1e3);
    }
}

/* Class C of PF's port, paused (by its peer) for how long up to T_PS: the
 * pauses ended, and the one in progress.  Before pfc_finish(), which
 * counts the one in progress itself. */
static uint64_t
pfc_paused_by(const struct pfc_port *pf, int c, uint64_t t_ps)
{
    uint64_t d = pfc_port_stats(pf, c)->paused_ps;
    /* A paused class has its state: every pause begins with a frame. */
    if (pf->up.port->paused >> c & 1)
        d += t_ps - pf->cls[c].since_ps;
    return d;
}

/* Rows of pfc_series.csv at T_PS for the interval since the last ones:
 * each chosen PFC port's classes, the time each was paused in it. */
static void
record_pfc(struct monitor *m, uint64_t t_ps)
{
    double span_ps = (double)(t_ps - m->pfc_last_ps);
    for (size_t i = 0; i < m->n_pfc; i++) {
        struct monitor_pfc *mp = &m->pfc[i];
        const struct port *p = mp->pf->up.port;
        for (int c = 0; c < N_TC; c++) {
            uint64_t now = pfc_paused_by(mp->pf, c, t_ps);
            uint64_t d = now - mp->paused_ps[c];
            mp->paused_ps[c] = now;
            if (d)
                mp->classes |= (uint8_t)(1u << c);
            if (!t_ps || !(mp->classes >> c & 1))
                continue;
            fprintf(m->pfc_csv, "%llu,%s,%u,%s,%d,%llu,%.6f\n",
                    (unsigned long long)t_ps, p->node->name, p->index,
                    p->link.peer->name, c, (unsigned long long)d,
                    (double)d / span_ps);
        }
    }
    m->pfc_last_ps = t_ps;
}

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
    uint64_t t_ps = m->n_samples * m->interval_ps;
    if (m->link_csv)
        record_links(m, t_ps);
    if (m->tcp_csv)
        record_tcp(m, t_ps);
    if (m->pfc_csv)
        record_pfc(m, t_ps);
    struct monitor_sample *row = &m->samples[m->n_samples * m->n_ports];
    for (size_t i = 0; i < m->n_ports; i++) {
        for (int tc = 0; tc < N_TC; tc++) {
            const struct queue *q =
                &port_queue_view(m->ports[i], (unsigned)tc)->q;
            row[i].bytes[tc] = q->bytes;
            row[i].packets[tc] = q->packets;
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

struct port **
monitor_select_ports(struct world *world, const struct monitor_select *sel,
                     size_t n_sel, size_t *n_out)
{
    /* Selections may overlap ("leaf0" and "leaf0->spine1"); each port is
     * taken once, in topology order as in links.csv. */
    struct net *net = world_net(world);
    bool *chosen = xcalloc(net->n_ports, sizeof *chosen);
    for (size_t i = 0; i < n_sel; i++)
        mark_ports(world, &sel[i], chosen);
    struct port **ports = xmalloc(net->n_ports * sizeof *ports);
    size_t n = 0;
    for (uint32_t i = 0; i < net->n_ports; i++)
        if (chosen[i])
            ports[n++] = &net->ports[i];
    free(chosen);
    *n_out = n;
    return ports;
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

    struct monitor *m = xcalloc(1, sizeof *m);
    m->ports = (const struct port **)monitor_select_ports(
        world, spec->select, spec->n_select, &m->n_ports);
    m->links = monitor_select_ports(world, spec->links, spec->n_links,
                                    &m->n_links);
    m->link_sent = xcalloc(m->n_links ? m->n_links : 1,
                           sizeof *m->link_sent);
    m->pfc = xcalloc(m->n_ports ? m->n_ports : 1, sizeof *m->pfc);
    for (size_t i = 0; i < m->n_ports; i++) {
        const struct port *p = m->ports[i];
        if (p->fc && p->fc->class == &fc_pfc) {
            struct monitor_pfc *mp = &m->pfc[m->n_pfc++];
            mp->pf = pfc_port_cast(p->fc);
            mp->classes = mp->pf->lossless;
        }
    }
    m->tcp = spec->tcp;
    m->n_tcp = spec->n_tcp;
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
    if (m->link_csv)
        fclose(m->link_csv);
    if (m->tcp_csv)
        fclose(m->tcp_csv);
    if (m->pfc_csv)
        fclose(m->pfc_csv);
    free(m->pfc);
    free(m->links);
    free(m->link_sent);
    free(m->ports);
    free(m->samples);
    free(m->qp_samples);
    free(m);
}

/* Creates NAME in RD and writes HEADER, into *OUT.  0 or an errno. */
static int
open_series(struct results_dir *rd, const char *name, const char *header,
            FILE **out, char **err)
{
    int e = 0;
    *out = results_dir_create(rd, name, &e);
    if (!*out) {
        *err = xasprintf("cannot write %s/%s: %s", rd->dir, name,
                         strerror(e));
        return e;
    }
    fputs(header, *out);
    return 0;
}

static const char link_series_name[] = "link_series.csv";
static const char tcp_series_name[] = "tcp_series.csv";
static const char pfc_series_name[] = "pfc_series.csv";

int
monitor_open_series(struct monitor *m, struct results_dir *rd, char **err)
{
    if (!m)
        return 0;
    sim_assert(m->n_samples == 0);
    m->dir = rd->dir;
    int e = 0;
    if (m->n_links)
        e = open_series(rd, link_series_name,
                        "time_ps,node,port,to,bytes,utilization\n",
                        &m->link_csv, err);
    if (!e && m->n_tcp)
        e = open_series(rd, tcp_series_name,
                        "time_ps,flow,cwnd_bytes,ssthresh_bytes,"
                        "inflight_bytes,srtt_ns,rto_ns\n",
                        &m->tcp_csv, err);
    if (!e && m->n_pfc)
        e = open_series(rd, pfc_series_name,
                        "time_ps,node,port,to,tc,paused_ps,"
                        "paused_fraction\n",
                        &m->pfc_csv, err);
    return e;
}

/* Flushes and closes *F (NAME), if open: 0 or an errno, *ERR set. */
static int
close_series(FILE **f, const char *dir, const char *name, char **err)
{
    if (!*f)
        return 0;
    /* As results_write(): the stream keeps only an error flag. */
    errno = 0;
    int e = ferror(*f) ? (errno ? errno : EIO) : 0;
    if (fflush(*f) && !e)
        e = errno;
    if (fclose(*f) && !e)
        e = errno;
    *f = NULL;
    if (e)
        *err = xasprintf("cannot write %s/%s: %s", dir, name, strerror(e));
    return e;
}

int
monitor_close_series(struct monitor *m, char **err)
{
    if (!m)
        return 0;
    int e = close_series(&m->link_csv, m->dir, link_series_name, err);
    if (!e)
        e = close_series(&m->tcp_csv, m->dir, tcp_series_name, err);
    if (!e)
        e = close_series(&m->pfc_csv, m->dir, pfc_series_name, err);
    return e;
}

void
monitor_finish(struct monitor *m, uint64_t end_ps)
{
    /* Nothing has happened since the last event, so the queues now are
     * the queues at every sample time up to END_PS. */
    while (m->next_ps != TIME_NEVER && m->next_ps <= end_ps)
        monitor_record(m);
    /* pfc_series.csv's last rows cover the part of an interval up to the
     * end, so that its paused times add up to pfc.csv's. */
    if (m->pfc_csv && end_ps > m->pfc_last_ps)
        record_pfc(m, end_ps);
}

/* The traffic classes written for port P: those whose queue admitted or
 * dropped a packet during the run (queues.csv's rule), or class 0 alone if
 * none did, so that every chosen port appears. */
static uint8_t
classes_used(const struct port *p)
{
    uint8_t mask = 0;
    for (int tc = 0; tc < N_TC; tc++) {
        if (port_queue_enqueued(p, (unsigned)tc) ||
            port_queue_view(p, (unsigned)tc)->st.drops)
            mask |= (uint8_t)(1u << tc);
    }
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
