/* Failures, their detection and the underlay's reconvergence; see
 * control.h. */
#include "control/control.h"

#include "control/evpn.h"

#include <stdlib.h>

#include "control/ebgp.h"
#include "fabric/net.h"
#include "fabric/port.h"
#include "fabric/route.h"
#include "fabric/switch.h"
#include "sim/util.h"

static const enum drop_reason loss_reason[CTL_N_LOSSES] = {
    [CTL_LOSS_LINK_DOWN] = DROP_LINK_DOWN,
    [CTL_LOSS_SWITCH_DOWN] = DROP_SWITCH_DOWN,
    [CTL_LOSS_NO_ROUTE] = DROP_NO_ROUTE,
    [CTL_LOSS_TTL] = DROP_TTL,
    [CTL_LOSS_VM_MOVED] = DROP_VM_MOVED,
};

enum drop_reason
control_loss_reason(enum ctl_loss l)
{
    return loss_reason[l];
}

const char *
control_event_name(enum ctl_event_kind k)
{
    static const char *const names[] = {
        [CTL_LINK_DOWN] = "link_down",
        [CTL_LINK_UP] = "link_up",
        [CTL_SWITCH_DOWN] = "switch_down",
        [CTL_SWITCH_UP] = "switch_up",
        [CTL_VM_MOVE] = "vm_move",
    };
    return names[k];
}

static bool
is_down_event(enum ctl_event_kind k)
{
    return k == CTL_LINK_DOWN || k == CTL_SWITCH_DOWN;
}

/* Whether node N is a switch that has failed. */
static bool
node_failed(const struct control *ctl, const struct node *n)
{
    const struct net *net = ctl->net;
    return n->class == &switch_class && ctl->sw_down[n->id - net->n_hosts];
}

static struct port *
peer_of(struct port *port)
{
    return &port->link.peer->ports[port->link.peer_port];
}

/* Cuts or mends both directions of PORT's cable as the events so far
 * say: it works unless a link event cut it or an end has failed. */
static void
cable_apply(struct control *ctl, struct port *port)
{
    struct port *peer = peer_of(port);
    bool down = ctl->cut[port - ctl->net->ports] ||
                node_failed(ctl, port->node) || node_failed(ctl, peer->node);
    port_link_set_down(ctl->net, port, down);
    port_link_set_down(ctl->net, peer, down);
}

/* Whether the cable of port P of event E's first node is one E is
 * about. */
static bool
event_covers(const struct ctl_event_spec *e, const struct port *p)
{
    return e->kind == CTL_SWITCH_DOWN || e->kind == CTL_SWITCH_UP ||
           p->link.peer->id == e->b;
}

static void
snapshot(const struct net *net, uint64_t *out)
{
    for (int l = 0; l < CTL_N_LOSSES; l++)
        out[l] = net->st.drops[loss_reason[l]];
}

static void
count_losses(struct control *ctl, struct ctl_record *r)
{
    uint64_t now[CTL_N_LOSSES];
    snapshot(ctl->net, now);
    for (int l = 0; l < CTL_N_LOSSES; l++)
        r->lost[l] = now[l] - r->at_start[l];
}

/* Every switch installs the routes of the graph without the withdrawn
 * cables. */
static void
converge(struct sim *sim, void *obj, uint64_t i)
{
    struct control *ctl = obj;
    route_compute(ctl->net);
    ctl->rec[i].converged_ps = sim->now_ps;
}

void
control_work(struct control *ctl, uint32_t tag, int delta)
{
    if (tag == UINT32_MAX)
        return;
    struct ctl_record *r = &ctl->rec[tag];
    r->work += (uint64_t)(int64_t)delta;
    if (!r->work && r->detected_ps != UINT64_MAX)
        r->converged_ps = r->last_fib_ps;
}

void
control_timer(struct sim *sim, uint64_t t_ps, call_fn *fn, void *obj,
              uint64_t arg)
{
    if (sim->end_ps < TIME_NEVER - 1)
        sim_call(sim, t_ps, fn, obj, arg);
    else
        sim_call_background(sim, t_ps, fn, obj, arg);
}

void
control_fib_changed(struct control *ctl, uint32_t tag)
{
    if (tag != UINT32_MAX)
        ctl->rec[tag].last_fib_ps = ctl->net->sim.now_ps;
}

/* End END of a cable of event R, on its node, has noticed. */
static void
end_detects(struct control *ctl, struct ctl_record *r,
            struct port *end)
{
    if (end->node->class != &switch_class || node_failed(ctl, end->node))
        return;
    if (is_down_event(r->spec->kind)) {
        /* Mended before the detection ran out: nothing to withdraw. */
        if (!end->link.down || end->link.withdrawn)
            return;
        end->link.withdrawn = 1;
        route_withdraw_port(sw_cast(end->node), end->index);
        if (ctl->bgp)
            ebgp_port_down(ctl->bgp, sw_cast(end->node), end->index,
                           (uint32_t)(r - ctl->rec));
    } else if (!end->link.down) {
        end->link.withdrawn = 0;
        if (ctl->bgp)
            ebgp_port_up(ctl->bgp, sw_cast(end->node), end->index,
                         (uint32_t)(r - ctl->rec));
    }
}

static void
detect(struct sim *sim, void *obj, uint64_t i)
{
    struct control *ctl = obj;
    struct ctl_record *r = &ctl->rec[i];
    const struct ctl_event_spec *e = r->spec;
    struct node *a = ctl->net->nodes[e->a];
    for (uint16_t k = 0; k < a->n_ports; k++) {
        struct port *p = &a->ports[k];
        if (!event_covers(e, p))
            continue;
        end_detects(ctl, r, p);
        end_detects(ctl, r, peer_of(p));
    }
    r->detected_ps = sim->now_ps;
    if (!ctl->bgp) {
        sim_call(sim, sim->now_ps + ctl->spec->oracle_delay_ps, converge,
                 ctl, i);
        return;
    }
    /* The withdrawals above changed tables now; the speakers' work
     * follows (nothing to do: converged at once). */
    r->last_fib_ps = sim->now_ps;
    control_work(ctl, (uint32_t)i, 0);
}

/* When the ends of a cable whose state changed at T notice it. */
static uint64_t
detection_ps(const struct control_spec *s, bool down, uint64_t t)
{
    if (s->detection == CTL_DETECT_CARRIER)
        return t + (down ? s->carrier_down_ps : s->carrier_up_ps);
    uint64_t iv = s->bfd_interval_ps;
    return down ? control_bfd_down_ps(iv, s->bfd_multiplier, t)
                : (t / iv + 2) * iv;
}

uint64_t
control_idle_hold_ps(uint64_t *hold_ps, uint64_t up_ps, uint64_t now_ps,
                     uint64_t first_ps, uint64_t max_ps)
{
    if (!*hold_ps || now_ps - up_ps >= max_ps)
        *hold_ps = first_ps;
    uint64_t wait = *hold_ps;
    *hold_ps = 2 * wait < max_ps ? 2 * wait : max_ps;
    return wait;
}

uint64_t
control_bfd_down_ps(uint64_t interval_ps, uint32_t mult, uint64_t t_ps)
{
    uint64_t last = t_ps / interval_ps * interval_ps;
    if (interval_ps > (UINT64_MAX - last) / mult)
        return UINT64_MAX;    /* Never, within simulated time. */
    return last + mult * interval_ps;
}

bool
control_has_loss(const struct control *ctl, enum ctl_loss l)
{
    return l != CTL_LOSS_VM_MOVED || ctl->evpn;
}

static void
fire(struct sim *sim, void *obj, uint64_t i)
{
    struct control *ctl = obj;
    struct net *net = ctl->net;
    struct ctl_record *r = &ctl->rec[i];
    const struct ctl_event_spec *e = r->spec;
    struct node *a = net->nodes[e->a];
    /* The previous event's loss window closes as this one's opens. */
    if (i > 0)
        count_losses(ctl, &ctl->rec[i - 1]);
    snapshot(net, r->at_start);
    r->fired = true;
    if (e->kind == CTL_VM_MOVE) {
        evpn_vm_move(ctl->evpn, net, e->a, e->b, r);
        return;
    }
    if (e->kind == CTL_SWITCH_DOWN || e->kind == CTL_SWITCH_UP) {
        bool down = e->kind == CTL_SWITCH_DOWN;
        ctl->sw_down[e->a - net->n_hosts] = down;
        if (down && ctl->bgp)
            ebgp_switch_down(ctl->bgp, sw_cast(a));
        if (down && ctl->evpn)
            evpn_switch_down(ctl->evpn, e->a);
        /* A switch that loses power loses what its buffers held. */
        for (uint16_t k = 0; down && k < a->n_ports; k++)
            for (uint8_t tc = 0; tc < 8; tc++)
                port_flush(net, &a->ports[k], tc, DROP_SWITCH_DOWN);
    }
    for (uint16_t k = 0; k < a->n_ports; k++) {
        struct port *p = &a->ports[k];
        if (!event_covers(e, p))
            continue;
        if (e->kind == CTL_LINK_DOWN || e->kind == CTL_LINK_UP) {
            uint8_t cut = e->kind == CTL_LINK_DOWN;
            ctl->cut[p - net->ports] = cut;
            ctl->cut[peer_of(p) - net->ports] = cut;
        }
        cable_apply(ctl, p);
    }
    if (e->kind == CTL_SWITCH_UP && ctl->bgp)
        ebgp_switch_up(ctl->bgp, sw_cast(a), (uint32_t)i);
    if (e->kind == CTL_SWITCH_UP && ctl->evpn)
        evpn_switch_up(ctl->evpn, e->a);
    sim_call(sim, detection_ps(ctl->spec, is_down_event(e->kind), e->at_ps),
             detect, ctl, i);
}

struct control *
control_create(struct net *net, const struct control_spec *spec)
{
    if (!spec->n_events && !spec->evpn.enabled)
        return NULL;
    struct control *ctl = xcalloc(1, sizeof *ctl);
    ctl->net = net;
    ctl->spec = spec;
    ctl->n_rec = spec->n_events;
    ctl->rec = xcalloc(ctl->n_rec ? ctl->n_rec : 1, sizeof *ctl->rec);
    ctl->cut = xcalloc(net->n_ports ? net->n_ports : 1, 1);
    ctl->sw_down = xcalloc(net->n_switches ? net->n_switches : 1, 1);
    for (size_t i = 0; i < ctl->n_rec; i++) {
        struct ctl_record *r = &ctl->rec[i];
        r->spec = &spec->events[i];
        r->detected_ps = r->converged_ps = UINT64_MAX;
        sim_call(&net->sim, r->spec->at_ps, fire, ctl, i);
    }
    if (spec->convergence == CTL_CONVERGE_BGP)
        ctl->bgp = ebgp_create(ctl);
    return ctl;
}

/* A VM move's packets to the old place are dropped there whenever they
 * arrive, some after the last VTEP has learned the move (they were on
 * their way): each move counts those until the next move or the end. */
static void
count_moved(struct control *ctl)
{
    uint64_t now = ctl->net->st.drops[DROP_VM_MOVED];
    struct ctl_record *last = NULL;
    for (size_t i = 0; i < ctl->n_rec; i++) {
        struct ctl_record *r = &ctl->rec[i];
        if (r->spec->kind != CTL_VM_MOVE)
            r->lost[CTL_LOSS_VM_MOVED] = 0;  /* Only moves lose these. */
        if (!r->fired || r->spec->kind != CTL_VM_MOVE)
            continue;
        if (last)
            last->lost[CTL_LOSS_VM_MOVED] =
                r->at_start[CTL_LOSS_VM_MOVED] -
                last->at_start[CTL_LOSS_VM_MOVED];
        last = r;
    }
    if (last)
        last->lost[CTL_LOSS_VM_MOVED] =
            now - last->at_start[CTL_LOSS_VM_MOVED];
}

void
control_finish(struct control *ctl)
{
    if (ctl->evpn)
        evpn_finish(ctl->evpn);
    /* The last event that happened: its window closes at the end. */
    for (size_t i = ctl->n_rec; i-- > 0;)
        if (ctl->rec[i].fired) {
            count_losses(ctl, &ctl->rec[i]);
            break;
        }
    if (ctl->bgp)
        ebgp_finish(ctl->bgp);
    count_moved(ctl);
}

void
control_destroy(struct control *ctl)
{
    if (!ctl)
        return;
    ebgp_destroy(ctl->bgp);
    free(ctl->rec);
    free(ctl->cut);
    free(ctl->sw_down);
    ctl_speakers_free(&ctl->speakers);
    evpn_destroy(ctl->evpn);
    free(ctl);
}
