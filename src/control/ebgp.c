/* The underlay's eBGP speakers: their messages on the wire and through
 * the switches' CPUs, the RIBs, the decision process and MRAI, and
 * building the speakers with their converged tables; see ebgp.h.  The
 * sessions' state machine is in ebgp-fsm.c, and ebgp-int.h holds what
 * the two share. */
#include "control/ebgp-int.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/port.h"

/* Paths. */

static uint32_t
path_hash(uint32_t asn, uint32_t parent)
{
    uint64_t k = ((uint64_t)asn << 32 | parent) * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(k >> 32);
}

static void
path_slot_put(struct path_table *t, uint32_t id)
{
    uint32_t h = path_hash(t->v[id].asn, t->v[id].parent) & (t->n_slots - 1);
    while (t->slots[h])
        h = (h + 1) & (t->n_slots - 1);
    t->slots[h] = id;
}

static void
path_table_init(struct path_table *t)
{
    t->cap = 64;
    t->v = xcalloc(t->cap, sizeof *t->v);
    t->n = 2;                 /* PATH_NONE, PATH_EMPTY. */
    t->n_slots = 128;
    t->slots = xcalloc(t->n_slots, sizeof *t->slots);
}

/* The path of ASN followed by PARENT. */
static uint32_t
path_intern(struct path_table *t, uint32_t asn, uint32_t parent)
{
    uint32_t h = path_hash(asn, parent) & (t->n_slots - 1);
    for (; t->slots[h]; h = (h + 1) & (t->n_slots - 1)) {
        const struct path *p = &t->v[t->slots[h]];
        if (p->asn == asn && p->parent == parent)
            return t->slots[h];
    }
    if (t->n == t->cap) {
        t->cap *= 2;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    uint32_t id = t->n++;
    t->v[id] = (struct path){ asn, parent, t->v[parent].len + 1 };
    if (2 * t->n > t->n_slots) {
        free(t->slots);
        t->n_slots *= 2;
        t->slots = xcalloc(t->n_slots, sizeof *t->slots);
        for (uint32_t i = 2; i < t->n; i++)
            path_slot_put(t, i);
    } else {
        t->slots[h] = id;
    }
    return id;
}

/* How many times path ID holds ASN. */
static uint32_t
path_count(const struct path_table *t, uint32_t id, uint32_t asn)
{
    uint32_t n = 0;
    for (; id > PATH_EMPTY; id = t->v[id].parent)
        n += t->v[id].asn == asn;
    return n;
}

/* Messages. */

uint32_t
ebgp_msg_new(struct ebgp *eb, uint8_t type, uint32_t sess, uint32_t tag)
{
    uint32_t i = eb->free_msg;
    if (i == UINT32_MAX) {
        i = eb->n_msgs++;
        eb->msgs = xrealloc(eb->msgs, eb->n_msgs * sizeof *eb->msgs);
        memset(&eb->msgs[i], 0, sizeof eb->msgs[i]);
    } else {
        eb->free_msg = eb->msgs[i].next_free;
    }
    struct msg *m = &eb->msgs[i];
    m->type = type;
    m->sess = sess;
    m->gen = eb->sess[sess].gen;
    m->tag = tag;
    m->path = PATH_NONE;
    m->pfx.n = 0;
    control_work(eb->ctl, tag, 1);
    return i;
}

/* Message I's work is done (processed, or dropped with its session). */
void
ebgp_msg_release(struct ebgp *eb, uint32_t i)
{
    struct msg *m = &eb->msgs[i];
    uint32_t tag = m->tag;
    m->life++;
    m->next_free = eb->free_msg;
    eb->free_msg = i;
    control_work(eb->ctl, tag, -1);
}

/* Puts message I on the wire of its session. */
void
ebgp_msg_transmit(struct ebgp *eb, uint32_t i)
{
    struct net *net = eb->net;
    const struct msg *m = &eb->msgs[i];
    const struct sess *s = &eb->sess[m->sess];
    struct sw *sw = sw_at(eb, s->sw);
    struct pkt *p = pkt_alloc(&net->pool);
    bgp_msg_pkt(p, pkt_switch_ip(s->sw), pkt_switch_ip(eb->sess[s->peer].sw),
                m->bytes, 1, eb->spec->bgp_tc);
    if (m->type == MSG_SYN)
        p->l4.tcp.flags = TCP_F_SYN;
    else if (m->type == MSG_SYN_ACK)
        p->l4.tcp.flags = TCP_F_SYN | TCP_F_ACK;
    p->seq = i;
    sw_cpu_send(net, sw, s->port, p, qos_classify(sw->qos, p));
}

/* Sends a new message I on its session: counts it and gives it the
 * session's next sequence number. */
static void
msg_send(struct ebgp *eb, uint32_t i)
{
    struct msg *m = &eb->msgs[i];
    struct sess *s = &eb->sess[m->sess];
    m->seq = s->tx_seq++;
    struct ctl_speaker *sp = speaker_of(eb, s->sw);
    sp->msgs_tx++;
    sp->bytes_tx += m->bytes;
    if (m->type == MSG_UPDATE) {
        sp->updates_tx++;
        if (m->path == PATH_NONE)
            sp->withdrawals_tx += m->pfx.n;
        else
            sp->routes_tx += m->pfx.n;
    }
    ebgp_msg_transmit(eb, i);
}

void
ebgp_send_simple(struct ebgp *eb, uint32_t sess, uint8_t type, uint32_t tag)
{
    uint32_t i = ebgp_msg_new(eb, type, sess, tag);
    eb->msgs[i].bytes = type == MSG_OPEN ? BGP_OPEN_BYTES
                                         : BGP_KEEPALIVE_BYTES;
    msg_send(eb, i);
}

void
ebgp_rib_count(struct ebgp *eb, uint32_t x, int64_t delta)
{
    eb->rib_n[x] += (uint64_t)delta;
    struct ctl_speaker *sp = speaker_of(eb, x);
    if (eb->rib_n[x] > sp->rib_peak)
        sp->rib_peak = eb->rib_n[x];
}

/* Largest UPDATE: one TCP segment of the IP MTU, and BGP's 4096 bytes. */
static uint32_t
max_msg_bytes(const struct ebgp *eb)
{
    uint32_t mss = eb->net->cfg.mtu_bytes - IPV4_HDR_BYTES - TCP_HDR_BYTES;
    return mss < BGP_MAX_MSG_BYTES ? mss : BGP_MAX_MSG_BYTES;
}

/* Sends the prefixes PFX[0..N-1] of session SESS, all with path PATH
 * (PATH_NONE: withdrawn), in as few UPDATEs as fit. */
static void
send_updates(struct ebgp *eb, uint32_t sess, uint32_t path,
             const uint32_t *pfx, uint32_t n, uint32_t tag)
{
    uint32_t attr = path == PATH_NONE
                        ? 0
                        : BGP_ATTR_ORIGIN_BYTES +
                              bgp_as_path_bytes(eb->paths.v[path].len) +
                              BGP_ATTR_NEXT_HOP_BYTES;
    uint32_t room = max_msg_bytes(eb) - bgp_update_bytes(0, attr, 0);
    uint32_t per_msg = room / EBGP_PREFIX_BYTES;
    for (uint32_t k = 0; k < n; k += per_msg) {
        uint32_t c = n - k < per_msg ? n - k : per_msg;
        uint32_t i = ebgp_msg_new(eb, MSG_UPDATE, sess, tag);
        struct msg *m = &eb->msgs[i];
        m->path = path;
        for (uint32_t j = 0; j < c; j++)
            list_push(&m->pfx, pfx[k + j]);
        m->bytes = bgp_update_bytes(path == PATH_NONE ? c * EBGP_PREFIX_BYTES
                                                      : 0,
                                    attr,
                                    path == PATH_NONE ? 0
                                                      : c * EBGP_PREFIX_BYTES);
        msg_send(eb, i);
    }
}

/* What switch X advertises for G now. */
static uint32_t
advert(struct ebgp *eb, uint32_t x, uint32_t g)
{
    uint32_t b = eb->best[(size_t)x * eb->n_pfx + g];
    return b == PATH_NONE ? PATH_NONE : path_intern(&eb->paths, eb->asn[x], b);
}

static int
cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void mrai_fire(struct sim *, void *, uint64_t);

/* Sends what session SESS has pending: withdrawals now, announcements
 * now if its MRAI allows, else when it does (a timer). */
void
ebgp_sess_flush(struct ebgp *eb, uint32_t si, uint32_t tag)
{
    struct sess *s = &eb->sess[si];
    if (!s->pending.n)
        return;
    uint64_t now = eb->net->sim.now_ps;
    bool may_announce = now >= s->mrai_ready_ps;
    size_t base = (size_t)si * eb->n_pfx;
    struct u32_list wd = { 0 };
    uint32_t *ann = xmalloc(2 * (size_t)s->pending.n * sizeof *ann);
    uint32_t n_ann = 0, keep = 0;
    for (uint32_t k = 0; k < s->pending.n; k++) {
        uint32_t g = s->pending.v[k];
        uint32_t want = advert(eb, s->sw, g);
        if (want == eb->rib_out[base + g]) {
            eb->dirty[base + g] = 0;
        } else if (want == PATH_NONE) {
            list_push(&wd, g);
            eb->rib_out[base + g] = PATH_NONE;
            eb->dirty[base + g] = 0;
        } else if (may_announce) {
            ann[2 * n_ann] = want;
            ann[2 * n_ann + 1] = g;
            n_ann++;
            eb->rib_out[base + g] = want;
            eb->dirty[base + g] = 0;
        } else {
            s->pending.v[keep++] = g;
        }
    }
    s->pending.n = keep;
    if (wd.n)
        send_updates(eb, si, PATH_NONE, wd.v, wd.n, tag);
    free(wd.v);
    if (n_ann) {
        qsort(ann, n_ann, 2 * sizeof *ann, cmp_pair);
        uint32_t *pfx = xmalloc(n_ann * sizeof *pfx);
        for (uint32_t k = 0; k < n_ann;) {
            uint32_t path = ann[2 * k], c = 0;
            for (; k < n_ann && ann[2 * k] == path; k++)
                pfx[c++] = ann[2 * k + 1];
            send_updates(eb, si, path, pfx, c, tag);
        }
        free(pfx);
        s->mrai_ready_ps = now + eb->spec->bgp_mrai_ps;
    }
    free(ann);
    if (s->pending.n) {
        /* Held back by the MRAI: the timer holds the events whose
         * changes wait (up to four; more are rare and converge with
         * the last). */
        bool held = false;
        for (uint32_t k = 0; k < s->n_held_tags; k++)
            held |= s->held_tags[k] == tag;
        if (!held && s->n_held_tags < ARRAY_SIZE(s->held_tags)) {
            s->held_tags[s->n_held_tags++] = tag;
            control_work(eb->ctl, tag, 1);
        }
        if (!s->mrai_gen) {
            s->mrai_gen = s->gen + 1;
            sim_call(&eb->net->sim, s->mrai_ready_ps, mrai_fire, eb, si);
        }
    }
}

void
ebgp_release_held_tags(struct ebgp *eb, struct sess *s)
{
    for (uint32_t k = 0; k < s->n_held_tags; k++)
        control_work(eb->ctl, s->held_tags[k], -1);
    s->n_held_tags = 0;
}

static void
mrai_fire(struct sim *sim, void *obj, uint64_t si)
{
    (void)sim;
    struct ebgp *eb = obj;
    struct sess *s = &eb->sess[si];
    uint32_t gen = s->mrai_gen;
    s->mrai_gen = 0;
    if (gen == s->gen + 1 && s->state == SESS_ESTABLISHED) {
        uint32_t tag = UINT32_MAX;
        for (uint32_t k = 0; k < s->n_held_tags; k++)
            if (tag == UINT32_MAX || s->held_tags[k] > tag)
                tag = s->held_tags[k];
        uint32_t held[4], n = s->n_held_tags;
        memcpy(held, s->held_tags, sizeof held);
        s->n_held_tags = 0;
        ebgp_sess_flush(eb, (uint32_t)si, tag);
        for (uint32_t k = 0; k < n; k++)
            control_work(eb->ctl, held[k], -1);
        return;
    }
    ebgp_release_held_tags(eb, s);
}

/* Marks G for advertising again on session SI. */
void
ebgp_sess_mark(struct ebgp *eb, uint32_t si, uint32_t g)
{
    size_t k = (size_t)si * eb->n_pfx + g;
    if (!eb->dirty[k]) {
        eb->dirty[k] = 1;
        list_push(&eb->sess[si].pending, g);
    }
}

/* Marks G for advertising again on every Established session of X. */
static void
mark_all(struct ebgp *eb, uint32_t x, uint32_t g)
{
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++)
        if (eb->sess[si].state == SESS_ESTABLISHED)
            ebgp_sess_mark(eb, si, g);
}

static void
flush_all(struct ebgp *eb, uint32_t x, uint32_t tag)
{
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++)
        ebgp_sess_flush(eb, si, tag);
}

/* The decision process for prefix G at switch X: its best path and its
 * ECMP next hops into *PORTS (N of them). */
static uint32_t
decide(struct ebgp *eb, uint32_t x, uint32_t g, uint32_t *n)
{
    uint32_t best = PATH_NONE, best_len = UINT32_MAX, best_peer = 0;
    *n = 0;
    for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1]; si++) {
        const struct sess *s = &eb->sess[si];
        uint32_t p = eb->rib_in[(size_t)si * eb->n_pfx + g];
        if (s->state != SESS_ESTABLISHED || p == PATH_NONE)
            continue;
        uint32_t len = eb->paths.v[p].len;
        if (len < best_len) {
            best_len = len;
            *n = 0;
            best = p;
            best_peer = s->peer_node;
        } else if (len == best_len && s->peer_node < best_peer) {
            best = p;
            best_peer = s->peer_node;
        }
        if (len == best_len)
            eb->ports[(*n)++] = s->port;
    }
    return best;
}

/* Recomputes prefix G at switch X after a change there: the forwarding
 * table, and what to advertise. */
static void
recompute(struct ebgp *eb, uint32_t x, uint32_t g, uint32_t tag)
{
    if (is_home(eb, x, g))
        return;
    uint32_t n;
    uint32_t best = decide(eb, x, g, &n);
    if (route_set(eb->net, sw_at(eb, x), g, eb->ports, n))
        control_fib_changed(eb->ctl, tag);
    uint32_t *cur = &eb->best[(size_t)x * eb->n_pfx + g];
    if (best == *cur)
        return;
    ebgp_rib_count(eb, x, (best != PATH_NONE) - (*cur != PATH_NONE));
    *cur = best;
    mark_all(eb, x, g);
}

/* Sets session SI's route for G to PATH (after the loop check). */
void
ebgp_rib_in_set(struct ebgp *eb, uint32_t si, uint32_t g, uint32_t path)
{
    uint32_t x = eb->sess[si].sw;
    /* allowas-in is the ToRs' (tier 1), as RFC 7938 5.2.4 has it. */
    uint32_t allow = eb->net->switches[x].up.tier <= 1
                         ? eb->spec->bgp_allowas_in
                         : 0;
    if (path != PATH_NONE && path_count(&eb->paths, path, eb->asn[x]) > allow)
        path = PATH_NONE;
    uint32_t *cur = &eb->rib_in[(size_t)si * eb->n_pfx + g];
    ebgp_rib_count(eb, x, (path != PATH_NONE) - (*cur != PATH_NONE));
    *cur = path;
}

/* The CPU. */

static void cpu_done(struct sim *, void *, uint64_t);

/* Queues message I on switch X's CPU, behind what is there. */
void
ebgp_cpu_queue(struct ebgp *eb, uint32_t x, uint32_t i)
{
    uint64_t now = eb->net->sim.now_ps;
    uint64_t cost = eb->msgs[i].type == MSG_KEEPALIVE
                        ? 0
                        : eb->spec->bgp_processing_ps;
    uint64_t start = eb->cpu_free_ps[x] > now ? eb->cpu_free_ps[x] : now;
    eb->cpu_free_ps[x] = start + cost;
    speaker_of(eb, x)->cpu_ps += cost;
    sim_call(&eb->net->sim, start + cost, cpu_done, eb,
             (uint64_t)i | (uint64_t)eb->sw_gen[x] << 32);
}

/* Whether message M, accepted on session R, still belongs to it. */
static bool
msg_current(const struct ebgp *eb, const struct msg *m, const struct sess *r)
{
    return m->rgen == r->gen && r->state != SESS_IDLE;
}

static void
process_update(struct ebgp *eb, struct msg *m, uint32_t ri)
{
    struct sess *r = &eb->sess[ri];
    struct ctl_speaker *sp = speaker_of(eb, r->sw);
    sp->updates_rx++;
    if (m->path == PATH_NONE)
        sp->withdrawals_rx += m->pfx.n;
    else
        sp->routes_rx += m->pfx.n;
    if (r->state != SESS_ESTABLISHED)
        return;
    for (uint32_t k = 0; k < m->pfx.n; k++) {
        ebgp_rib_in_set(eb, ri, m->pfx.v[k], m->path);
        recompute(eb, r->sw, m->pfx.v[k], m->tag);
    }
    flush_all(eb, r->sw, m->tag);
}

static void
cpu_done(struct sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    struct ebgp *eb = obj;
    uint32_t i = (uint32_t)arg, sw_gen = (uint32_t)(arg >> 32);
    struct msg *m = &eb->msgs[i];
    if (m->type == MSG_DOWN) {
        uint32_t x = eb->sess[m->sess].sw;
        if (sw_gen == eb->sw_gen[x]) {
            for (uint32_t k = 0; k < m->pfx.n; k++)
                recompute(eb, x, m->pfx.v[k], m->tag);
            flush_all(eb, x, m->tag);
        }
        ebgp_msg_release(eb, i);
        return;
    }
    uint32_t ri = eb->sess[m->sess].peer;
    struct sess *r = &eb->sess[ri];
    if (sw_gen == eb->sw_gen[r->sw] && msg_current(eb, m, r)) {
        if (m->type == MSG_UPDATE)
            process_update(eb, m, ri);
        else
            ebgp_fsm_receive(eb, ri, m->type, m->tag);
    }
    ebgp_msg_release(eb, i);
}

/* Message I was received in order on session RI. */
static void
msg_accept(struct ebgp *eb, uint32_t ri, uint32_t i)
{
    struct sess *r = &eb->sess[ri];
    struct msg *m = &eb->msgs[i];
    r->rx_seq++;
    m->rgen = r->gen;
    struct ctl_speaker *sp = speaker_of(eb, r->sw);
    sp->msgs_rx++;
    sp->bytes_rx += m->bytes;
    ebgp_cpu_queue(eb, r->sw, i);
}

/* The fabric hands over a message that reached its switch. */
static void
ebgp_receive(struct sw_cpu *cpu, struct net *net, struct sw *s,
             struct pkt *p)
{
    (void)s;
    struct ebgp *eb = CONTAINER_OF(cpu, struct ebgp, cpu);
    uint32_t i = p->seq;
    pkt_free(&net->pool, p);
    net->st.ctrl_in_use--;
    struct msg *m = &eb->msgs[i];
    const struct sess *snd = &eb->sess[m->sess];
    uint32_t ri = snd->peer;
    struct sess *r = &eb->sess[ri];
    if (m->type == MSG_SYN || m->type == MSG_SYN_ACK) {
        if (m->gen == snd->gen)
            ebgp_tcp_handshake(eb, ri, m->type, m->tag);
        ebgp_msg_release(eb, i);
        return;
    }
    /* Sent by an earlier connection, or into one that is gone (or not
     * yet there). */
    if (m->gen != snd->gen || r->state == SESS_IDLE ||
        r->state == SESS_CONNECT) {
        ebgp_msg_release(eb, i);
        return;
    }
    if (m->seq != r->rx_seq) {
        /* Behind a lost segment: TCP holds it back. */
        list_push(&r->held, i);
        return;
    }
    msg_accept(eb, ri, i);
    for (bool more = true; more;) {
        more = false;
        for (uint32_t k = 0; k < r->held.n; k++) {
            uint32_t h = r->held.v[k];
            if (eb->msgs[h].seq == r->rx_seq) {
                r->held.v[k] = r->held.v[--r->held.n];
                msg_accept(eb, ri, h);
                more = true;
                break;
            }
        }
    }
}

static const struct sw_cpu_class ebgp_cpu_class = {
    .name = "ebgp",
    .receive = ebgp_receive,
};

static void
rtx_fire(struct sim *sim, void *obj, uint64_t arg)
{
    (void)sim;
    struct ebgp *eb = obj;
    uint32_t i = (uint32_t)arg, life = (uint32_t)(arg >> 32);
    struct msg *m = &eb->msgs[i];
    if (m->life != life)
        return;               /* Released with its session. */
    struct sess *s = &eb->sess[m->sess];
    for (uint32_t k = 0; k < s->rtx.n; k++)
        if (s->rtx.v[k] == i) {
            s->rtx.v[k] = s->rtx.v[--s->rtx.n];
            break;
        }
    struct ctl_speaker *sp = speaker_of(eb, s->sw);
    sp->msgs_tx++;
    sp->bytes_tx += m->bytes;
    ebgp_msg_transmit(eb, i);
}

/* A message's segment was dropped: TCP sends it again after its RTO,
 * unless the session goes down first. */
static void
ebgp_drop(struct net_observer *obs, struct net *net, struct pkt *p,
          enum drop_reason why)
{
    (void)why;
    struct ebgp *eb = CONTAINER_OF(obs, struct ebgp, obs);
    net->st.ctrl_in_use--;
    net->st.ctrl_lost++;
    uint32_t i = p->seq;
    struct msg *m = &eb->msgs[i];
    struct sess *s = &eb->sess[m->sess];
    if (m->type == MSG_SYN || m->type == MSG_SYN_ACK) {
        /* The attempt failed: the SYN's sender tries again when its
         * ConnectRetryTimer expires; the side that accepted (SYN-ACK)
         * has its connection fail. */
        if (m->type == MSG_SYN_ACK && m->gen == s->gen &&
            (s->state == SESS_OPEN_SENT || s->state == SESS_OPEN_CONFIRM))
            ebgp_sess_fail(eb, m->sess, m->tag);
        if (m->type == MSG_SYN && m->gen == s->gen)
            s->trying = false;
        ebgp_msg_release(eb, i);
        return;
    }
    if (m->gen != s->gen || s->state == SESS_IDLE) {
        ebgp_msg_release(eb, i);
        return;
    }
    list_push(&s->rtx, i);
    sim_call(&net->sim, net->sim.now_ps + BGP_RTO_PS, rtx_fire, eb,
             (uint64_t)i | (uint64_t)m->life << 32);
}

static const struct net_observer_class ebgp_obs_class = {
    .name = "ebgp",
    .drop = ebgp_drop,
};

/* Building. */

/* RFC 7938's AS numbers (ebgp.h). */
static void
number_ases(struct ebgp *eb)
{
    struct net *net = eb->net;
    uint8_t top = 1;
    for (uint32_t x = 0; x < eb->n_sw; x++)
        if (net->switches[x].up.tier > top)
            top = net->switches[x].up.tier;
    uint32_t next = BGP_ASN_PRIVATE4_FIRST + 1;
    uint32_t tor = eb->spec->bgp_tor_asn_shared ? next++ : 0;
    for (uint32_t x = 0; x < eb->n_sw; x++) {
        const struct node *n = &net->switches[x].up;
        if (n->tier == top && top > 1) {
            eb->asn[x] = BGP_ASN_PRIVATE4_FIRST;
            continue;
        }
        if (n->tier <= 1) {
            eb->asn[x] = tor ? tor : next++;
            continue;
        }
        /* A middle tier: the AS of an earlier switch of the tier cabled
         * to the same switches below, or a new one. */
        eb->asn[x] = 0;
        for (uint32_t y = 0; y < x && !eb->asn[x]; y++) {
            const struct node *o = &net->switches[y].up;
            if (o->tier != n->tier)
                continue;
            bool same = true;
            for (int pass = 0; pass < 2 && same; pass++) {
                const struct node *a = pass ? o : n, *b = pass ? n : o;
                for (uint16_t p = 0; p < a->n_ports && same; p++) {
                    const struct node *q = a->ports[p].link.peer;
                    if (q->class != &switch_class || q->tier >= n->tier)
                        continue;
                    bool found = false;
                    for (uint16_t r = 0; r < b->n_ports && !found; r++)
                        found = b->ports[r].link.peer == q;
                    same = found;
                }
            }
            if (same)
                eb->asn[x] = eb->asn[y];
        }
        if (!eb->asn[x])
            eb->asn[x] = next++;
    }
}

static void
make_sessions(struct ebgp *eb)
{
    struct net *net = eb->net;
    eb->sess_start = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->sess_start);
    for (uint32_t x = 0; x < eb->n_sw; x++) {
        const struct node *n = &net->switches[x].up;
        uint32_t c = 0;
        for (uint16_t p = 0; p < n->n_ports; p++)
            c += n->ports[p].link.peer->class == &switch_class;
        eb->sess_start[x + 1] = eb->sess_start[x] + c;
    }
    eb->n_sess = eb->sess_start[eb->n_sw];
    eb->sess = xcalloc((size_t)eb->n_sess + 1, sizeof *eb->sess);
    for (uint32_t x = 0; x < eb->n_sw; x++) {
        const struct node *n = &net->switches[x].up;
        uint32_t si = eb->sess_start[x];
        for (uint16_t p = 0; p < n->n_ports; p++) {
            const struct link *l = &n->ports[p].link;
            if (l->peer->class != &switch_class)
                continue;
            struct sess *s = &eb->sess[si++];
            s->sw = x;
            s->port = (uint8_t)p;
            s->peer_node = l->peer->id;
            s->state = SESS_ESTABLISHED;
            /* Its opening exchange, at time 0, was its last
             * announcement. */
            s->mrai_ready_ps = eb->spec->bgp_mrai_ps;
        }
    }
    for (uint32_t si = 0; si < eb->n_sess; si++) {
        struct sess *s = &eb->sess[si];
        const struct link *l = &net->switches[s->sw].up.ports[s->port].link;
        s->peer = ebgp_sess_of_port(eb, l->peer->id - net->n_hosts,
                                    l->peer_port);
    }
}

/* The tables every speaker has once the sessions have exchanged their
 * routes: the decision process run to a fixed point, round by round
 * (each round every session carries its peer's current advertisement). */
static void
converge_initial(struct ebgp *eb)
{
    size_t np = eb->n_pfx;
    for (uint32_t x = 0; x < eb->n_sw; x++)
        for (uint32_t g = 0; g < np; g++)
            if (is_home(eb, x, g)) {
                eb->best[x * np + g] = PATH_EMPTY;
                eb->rib_n[x]++;
            }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t si = 0; si < eb->n_sess; si++) {
            const struct sess *s = &eb->sess[si];
            uint32_t y = eb->sess[s->peer].sw;
            for (uint32_t g = 0; g < np; g++) {
                uint32_t adv = advert(eb, y, g);
                eb->rib_out[s->peer * np + g] = adv;
                uint32_t before = eb->rib_in[si * np + g];
                ebgp_rib_in_set(eb, si, g, adv);
                changed |= eb->rib_in[si * np + g] != before;
            }
        }
        for (uint32_t x = 0; x < eb->n_sw; x++)
            for (uint32_t g = 0; g < np; g++) {
                if (is_home(eb, x, g))
                    continue;
                uint32_t n, best = decide(eb, x, g, &n);
                uint32_t *cur = &eb->best[x * np + g];
                if (best != *cur) {
                    ebgp_rib_count(eb, x,
                              (best != PATH_NONE) - (*cur != PATH_NONE));
                    *cur = best;
                    changed = true;
                }
            }
    }
    for (uint32_t x = 0; x < eb->n_sw; x++)
        for (uint32_t g = 0; g < np; g++)
            if (!is_home(eb, x, g)) {
                uint32_t n;
                decide(eb, x, g, &n);
                route_set(eb->net, sw_at(eb, x), g, eb->ports, n);
            }
}

struct ebgp *
ebgp_create(struct control *ctl)
{
    struct net *net = ctl->net;
    struct ebgp *eb = xcalloc(1, sizeof *eb);
    eb->ctl = ctl;
    eb->net = net;
    eb->spec = ctl->spec;
    eb->n_sw = net->n_switches;
    eb->n_pfx = net->n_groups;
    eb->free_msg = UINT32_MAX;
    eb->asn = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->asn);
    eb->speaker = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->speaker);
    eb->rib_n = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->rib_n);
    eb->cpu_free_ps = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->cpu_free_ps);
    eb->sw_gen = xcalloc((size_t)eb->n_sw + 1, sizeof *eb->sw_gen);
    eb->ports = xmalloc(256);
    path_table_init(&eb->paths);
    number_ases(eb);
    make_sessions(eb);
    for (uint32_t x = 0; x < eb->n_sw; x++) {
        eb->speaker[x] = (uint32_t)ctl_speakers_add(
            &ctl->speakers, net->switches[x].up.id, "ebgp", eb->asn[x]);
        speaker_of(eb, x)->sessions = eb->sess_start[x + 1] -
                                      eb->sess_start[x];
    }
    size_t cells = (size_t)eb->n_sess * eb->n_pfx + 1;
    eb->rib_in = xcalloc(cells, sizeof *eb->rib_in);
    eb->rib_out = xcalloc(cells, sizeof *eb->rib_out);
    eb->dirty = xcalloc(cells, 1);
    eb->best = xcalloc((size_t)eb->n_sw * eb->n_pfx + 1, sizeof *eb->best);
    converge_initial(eb);
    eb->cpu.class = &ebgp_cpu_class;
    eb->obs.class = &ebgp_obs_class;
    net->cpu = &eb->cpu;
    net_observe(net, PKT_HOOK_CTRL, &eb->obs);
    return eb;
}

void
ebgp_finish(struct ebgp *eb)
{
    for (uint32_t x = 0; x < eb->n_sw; x++) {
        struct ctl_speaker *sp = speaker_of(eb, x);
        sp->rib_entries = eb->rib_n[x];
        sp->sessions_up = 0;
        for (uint32_t si = eb->sess_start[x]; si < eb->sess_start[x + 1];
             si++)
            sp->sessions_up += eb->sess[si].state == SESS_ESTABLISHED;
    }
}

void
ebgp_destroy(struct ebgp *eb)
{
    if (!eb)
        return;
    for (uint32_t si = 0; si < eb->n_sess; si++) {
        free(eb->sess[si].held.v);
        free(eb->sess[si].rtx.v);
        free(eb->sess[si].pending.v);
    }
    for (uint32_t i = 0; i < eb->n_msgs; i++)
        free(eb->msgs[i].pfx.v);
    free(eb->msgs);
    free(eb->paths.v);
    free(eb->paths.slots);
    free(eb->sess);
    free(eb->sess_start);
    free(eb->rib_in);
    free(eb->rib_out);
    free(eb->dirty);
    free(eb->best);
    free(eb->rib_n);
    free(eb->cpu_free_ps);
    free(eb->sw_gen);
    free(eb->asn);
    free(eb->speaker);
    free(eb->ports);
    free(eb);
}
