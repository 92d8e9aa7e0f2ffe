/* Results of the scenario's events; see control-report.h. */
#include "report/control-report.h"

#include <inttypes.h>

#include "control/control.h"
#include "control/evpn.h"
#include "fabric/net.h"
#include "fabric/node.h"
#include "world/world.h"

static uint64_t
lost_total(const struct ctl_record *r)
{
    uint64_t n = 0;
    for (int l = 0; l < CTL_N_LOSSES; l++)
        n += r->lost[l];
    return n;
}

/* ",VALUE" for a time, or "," for none. */
static void
csv_time(FILE *f, uint64_t t_ps)
{
    if (t_ps == UINT64_MAX)
        fputc(',', f);
    else
        fprintf(f, ",%" PRIu64, t_ps);
}

void
control_report_csv(FILE *f, const struct world *world,
                   const struct run_info *ri)
{
    (void)ri;
    const struct control *ctl = world->control;
    const struct net *net = world_net_const(world);
    fprintf(f, "event,time_ps,kind,node,peer,detected_ps,converged_ps,"
               "detection_ps,convergence_ps");
    for (int l = 0; l < CTL_N_LOSSES; l++)
        if (control_has_loss(ctl, (enum ctl_loss)l))
            fprintf(f, ",lost_%s",
                    drop_reason_name(control_loss_reason((enum ctl_loss)l)));
    fprintf(f, ",lost_total\n");
    for (size_t i = 0; i < ctl->n_rec; i++) {
        const struct ctl_record *r = &ctl->rec[i];
        const struct ctl_event_spec *e = r->spec;
        bool link = e->kind == CTL_LINK_DOWN || e->kind == CTL_LINK_UP ||
                    e->kind == CTL_VM_MOVE;
        fprintf(f, "%zu,%" PRIu64 ",%s,%s,%s", i, e->at_ps,
                control_event_name(e->kind), net->nodes[e->a]->name,
                link ? net->nodes[e->b]->name : "");
        csv_time(f, r->detected_ps);
        csv_time(f, r->converged_ps);
        csv_time(f, r->detected_ps == UINT64_MAX ? UINT64_MAX
                                                 : r->detected_ps - e->at_ps);
        csv_time(f, r->converged_ps == UINT64_MAX
                        ? UINT64_MAX
                        : r->converged_ps - e->at_ps);
        for (int l = 0; l < CTL_N_LOSSES; l++)
            if (control_has_loss(ctl, (enum ctl_loss)l))
                fprintf(f, ",%" PRIu64, r->lost[l]);
        fprintf(f, ",%" PRIu64 "\n", lost_total(r));
    }
}

bool
control_report_speakers_wanted(const struct world *world)
{
    return world->control && world->control->speakers.n;
}

void
control_report_speakers_csv(FILE *f, const struct world *world,
                            const struct run_info *ri)
{
    (void)ri;
    const struct ctl_speakers *l = &world->control->speakers;
    const struct net *net = world_net_const(world);
    fprintf(f, "speaker,role,asn,sessions,sessions_up,msgs_tx,msgs_rx,"
               "updates_tx,updates_rx,routes_tx,routes_rx,withdrawals_tx,"
               "withdrawals_rx,bytes_tx,bytes_rx,rib_entries,rib_peak,"
               "cpu_ps,flaps,reconnects\n");
    for (size_t i = 0; i < l->n; i++) {
        const struct ctl_speaker *s = &l->v[i];
        fprintf(f,
                "%s,%s,%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64
                ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                ",%" PRIu64 ",%" PRIu64 ",%" PRIu32 ",%" PRIu32 "\n",
                net->nodes[s->node]->name, s->role, s->asn, s->sessions,
                s->sessions_up, s->msgs_tx, s->msgs_rx, s->updates_tx,
                s->updates_rx, s->routes_tx, s->routes_rx, s->withdrawals_tx,
                s->withdrawals_rx, s->bytes_tx, s->bytes_rx, s->rib_entries,
                s->rib_peak, s->cpu_ps, s->flaps, s->reconnects);
    }
}

/* Totals over every event. */
struct totals {
    size_t fired, detected, converged;
    uint64_t max_detection_ps, max_convergence_ps;
    uint64_t lost[CTL_N_LOSSES], lost_total;
};

static void
totals(const struct control *ctl, struct totals *t)
{
    *t = (struct totals){ 0 };
    for (size_t i = 0; i < ctl->n_rec; i++) {
        const struct ctl_record *r = &ctl->rec[i];
        uint64_t at = r->spec->at_ps;
        t->fired += r->fired;
        if (r->detected_ps != UINT64_MAX) {
            t->detected++;
            if (r->detected_ps - at > t->max_detection_ps)
                t->max_detection_ps = r->detected_ps - at;
        }
        if (r->converged_ps != UINT64_MAX) {
            t->converged++;
            if (r->converged_ps - at > t->max_convergence_ps)
                t->max_convergence_ps = r->converged_ps - at;
        }
        for (int l = 0; l < CTL_N_LOSSES; l++)
            t->lost[l] += r->lost[l];
        t->lost_total += lost_total(r);
    }
}

void
control_report_json(FILE *f, const struct world *world,
                    const struct run_info *ri)
{
    (void)ri;
    struct totals t;
    totals(world->control, &t);
    fprintf(f, ",\n  \"scenario_events\": {\"count\": %zu, \"happened\": %zu, "
               "\"detected\": %zu, \"converged\": %zu, "
               "\"max_detection_ps\": %" PRIu64 ", "
               "\"max_convergence_ps\": %" PRIu64 ", \"lost\": {",
            world->control->n_rec, t.fired, t.detected, t.converged,
            t.max_detection_ps, t.max_convergence_ps);
    for (int l = 0; l < CTL_N_LOSSES; l++)
        if (control_has_loss(world->control, (enum ctl_loss)l))
            fprintf(f, "\"%s\": %" PRIu64 ", ",
                    drop_reason_name(control_loss_reason((enum ctl_loss)l)),
                    t.lost[l]);
    fprintf(f, "\"total\": %" PRIu64 "}}", t.lost_total);
    if (!world->control->evpn)
        return;
    struct evpn_totals e;
    evpn_totals(world->control->evpn, &e);
    fprintf(f, ",\n  \"evpn\": {\"vteps\": %" PRIu32 ", \"route_reflectors\": "
               "%" PRIu32 ", \"sessions\": %" PRIu32 ", \"sessions_up\": %" PRIu32
               ", \"all_established_ps\": ",
            e.vteps, e.rrs, e.sessions, e.sessions_up);
    if (e.established_ps == UINT64_MAX)
        fputs("null", f);
    else
        fprintf(f, "%" PRIu64, e.established_ps);
    fprintf(f, ", \"messages\": %" PRIu64 ", \"updates\": %" PRIu64
               ", \"bytes\": %" PRIu64 ", \"rib_entries\": %" PRIu64 "}",
            e.msgs, e.updates, e.bytes, e.rib_entries);
}

void
control_report_print(FILE *f, const struct world *world,
                     const struct run_info *ri)
{
    (void)ri;
    struct totals t;
    totals(world->control, &t);
    if (world->control->n_rec)
        fprintf(f, "  events: %zu of %zu happened, %zu converged (slowest %.3f us "
               "after its event); %" PRIu64 " packets lost meanwhile\n",
            t.fired, world->control->n_rec, t.converged,
            (double)t.max_convergence_ps / 1e6, t.lost_total);
    if (!world->control->evpn)
        return;
    struct evpn_totals e;
    evpn_totals(world->control->evpn, &e);
    fprintf(f, "  evpn: %" PRIu32 " of %" PRIu32 " sessions up, %" PRIu64
               " messages (%" PRIu64 " B), %" PRIu64 " RIB entries\n",
            e.sessions_up, e.sessions, e.msgs, e.bytes, e.rib_entries);
}
