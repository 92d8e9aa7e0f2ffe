/* BGP EVPN's policy: a VTEP's import (route targets, then the route-map
 * evpn.policy on communities), a route reflector's outbound route-map
 * (evpn.rr_policy), per-neighbour inbound and outbound route-maps
 * (evpn.neighbor_policy), the communities they set, and Route Target
 * Constraint (RFC 4684, evpn.rt_constraint).  evpn.c asks it what may
 * come in and go out; see evpn.h, and evpn-int.h for what they share. */
#include "control/evpn-int.h"

#include <string.h>

#include "control/bgp-msg.h"
#include "sim/util.h"

/* ---- Policy: import route-map, route target constraint. ---- */

/* The standard community (RFC 1997) that tags tenant VNI's routes: the
 * low 16 bits of the AS, then those of the VNI. */
static uint32_t
community_of(const struct evpn *ev, uint32_t vni)
{
    return (ev->spec->asn & 0xFFFF) << 16 | (vni & 0xFFFF);
}

/* Whether path P carries the community of route-map entry PE (own: one
 * of VTEP SP's tenants'). */
static bool
policy_matches(const struct evpn *ev, const struct speaker *sp,
               const struct evpn_policy *pe, const struct path *p)
{
    uint32_t c = community_of(ev, p->nlri.vni);
    if (pe->any)
        return true;
    if (pe->large) {
        for (uint32_t i = 0; i < p->n_large; i++)
            if (!memcmp(p->large[i], pe->lc, sizeof pe->lc))
                return true;
        return false;
    }
    if (pe->own) {
        for (uint32_t v = 0; v < ev->n_vni; v++)
            if (sp->serves[v] && c == community_of(ev, ev->vnis[v]))
                return true;
        return false;
    }
    if (c == pe->community)
        return true;
    for (uint32_t i = 0; i < p->n_comms; i++)
        if (p->comms[i] == pe->community)
            return true;
    return false;
}

/* The entry of route-map MAP (N entries) that decides path P at speaker
 * SP, the first that matches; NULL for none (a route-map's implicit
 * deny). */
static const struct evpn_policy *
policy_entry(const struct evpn *ev, const struct speaker *sp,
             const struct evpn_policy *map, size_t n, const struct path *p)
{
    for (size_t i = 0; i < n; i++)
        if (policy_matches(ev, sp, &map[i], p))
            return &map[i];
    return NULL;
}

/* Whether VTEP SP imports path P: its route target (evpn.import), then
 * the route-map evpn.policy. */
bool
evpn_import_permits(const struct evpn *ev, const struct speaker *sp,
                    const struct path *p)
{
    const struct evpn_spec *s = ev->spec;
    if (s->import == EVPN_IMPORT_RT && !evpn_serves(ev, sp, p->nlri.vni))
        return false;
    if (!s->n_policy)
        return true;
    const struct evpn_policy *pe =
        policy_entry(ev, sp, s->policy, s->n_policy, p);
    return pe && pe->permit;
}

/* Whether RR speaker SP's outbound route-map (evpn.rr_policy) lets path
 * P out; the deciding entry in *PE (NULL without a route-map). */
bool
evpn_rr_policy_permits(const struct evpn *ev, const struct speaker *sp,
                       const struct path *p, const struct evpn_policy **pe)
{
    const struct evpn_spec *s = ev->spec;
    *pe = NULL;
    if (!sp->rr || !s->n_rr_policy)
        return true;
    *pe = policy_entry(ev, sp, s->rr_policy, s->n_rr_policy, p);
    return *pe && (*pe)->permit;
}

/* The route-map speaker SELF applies to what it sends to (IN false) or
 * receives from peer PEER: the peer's own (evpn.neighbor_policy), else
 * that of its peer group (an RR's clients), as FRR lets a neighbour's
 * own setting override its peer-group's; NULL for none. */
static const struct evpn_neighbor_map *
neighbor_map(const struct evpn *ev, uint32_t self, uint32_t peer, bool in)
{
    const struct evpn_spec *s = ev->spec;
    const struct evpn_neighbor_map *group = NULL;
    for (size_t i = 0; i < s->n_nbr; i++) {
        const struct evpn_neighbor_map *nm = &s->nbr[i];
        if (nm->in != in || nm->speaker != ev->sp[self].host)
            continue;
        if (nm->neighbor == ev->sp[peer].host)
            return nm;
        if (nm->neighbor == EVPN_CLIENTS && evpn_is_client(ev, self, peer))
            group = nm;
    }
    return group;
}

/* Whether speaker SELF's route-map for peer PEER in that direction lets
 * path P (as SELF holds it, or as it arrived) through; the deciding
 * entry in *PE (NULL without a route-map). */
bool
evpn_neighbor_permits(const struct evpn *ev, uint32_t self, uint32_t peer,
                      bool in, const struct path *p,
                      const struct evpn_policy **pe)
{
    *pe = NULL;
    if (!ev->spec->n_nbr)
        return true;
    const struct evpn_neighbor_map *nm = neighbor_map(ev, self, peer, in);
    if (!nm)
        return true;
    *pe = policy_entry(ev, &ev->sp[self], nm->map, nm->n_map, p);
    return *pe && (*pe)->permit;
}

/* Path P gains the community PE sets (once: additive, RFC 1997's and
 * RFC 8092's sets hold each value once). */
void
evpn_policy_set(const struct evpn_policy *pe, struct path *p)
{
    if (!pe || !pe->set)
        return;
    if (!pe->set_large) {
        for (uint32_t i = 0; i < p->n_comms; i++)
            if (p->comms[i] == pe->set_community)
                return;
        sim_assert(p->n_comms < EVPN_MAX_SET);
        p->comms[p->n_comms++] = pe->set_community;
        return;
    }
    for (uint32_t i = 0; i < p->n_large; i++)
        if (!memcmp(p->large[i], pe->set_lc, sizeof pe->set_lc))
            return;
    sim_assert(p->n_large < EVPN_MAX_SET + 1);
    memcpy(p->large[p->n_large++], pe->set_lc, sizeof pe->set_lc);
}

/* Whether side K of session SI may send routes of N's route target now:
 * with evpn.rt_constraint, once the peer's memberships are all in
 * (RFC 4684 6: routes wait for its End-of-RIB), and only of a route
 * target it asked for. */
bool
evpn_rtc_allows(const struct evpn *ev, uint32_t si, int k,
                const struct nlri *n)
{
    const struct session *s = &ev->sess[si];
    if (!ev->spec->rt_constraint)
        return true;
    uint32_t i = evpn_vni_index(ev, n->vni);
    return s->rtc_in[k] &&
           (s->want[k] == RTC_ALL ||
            (i != NONE &&
             ev->rtc_want[(2 * (size_t)si + (uint32_t)k) * ev->n_vni + i]));
}

/* Side K of session SI, just Established, sends its RT memberships and
 * the End-of-RIB of memberships: a VTEP its tenants' route targets, one
 * UPDATE each, an RR the default membership (every route, which it
 * reflects). */
void
evpn_rtc_send(struct evpn *ev, uint32_t si, int k)
{
    const struct speaker *sp = &ev->sp[ev->sess[si].end[k]];
    for (uint32_t v = 0; v < (sp->rr ? 1 : ev->n_vni); v++) {
        if (!sp->rr && !sp->serves[v])
            continue;
        struct msg m = { .type = BGP_UPDATE, .rtc = true };
        m.path.nlri.vni = sp->rr ? 0 : ev->vnis[v];
        m.bytes = bgp_rtc_update_bytes(sp->rr);
        evpn_send_msg(ev, si, k, &m);
    }
    struct msg eor = { .type = BGP_UPDATE, .rtc = true, .eor = true,
                       .bytes = BGP_RTC_EOR_BYTES };
    evpn_send_msg(ev, si, k, &eor);
}

/* Side K of session SI takes the peer's RT-constrain message M. */
void
evpn_rtc_receive(struct evpn *ev, uint32_t si, int k, const struct msg *m)
{
    struct session *s = &ev->sess[si];
    if (!m->eor) {
        uint32_t v = evpn_vni_index(ev, m->path.nlri.vni);
        if (!m->path.nlri.vni)
            s->want[k] = RTC_ALL;
        else if (v != NONE)
            ev->rtc_want[(2 * (size_t)si + (uint32_t)k) * ev->n_vni + v] = 1;
        return;
    }
    if (s->rtc_in[k])
        return;
    s->rtc_in[k] = true;
    evpn_send_table(ev, si, k);
}

