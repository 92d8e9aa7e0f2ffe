/* The `rdma` section (docs/scenario.md, "rdma"): RoCE/IB reliable
 * connections and their congestion control (`rdma.dcqcn`, `rdma.hpcc`),
 * into struct rdma_spec (transport/transport-spec.h); and the check that
 * RoCE packets fit the IP MTU, once the traffic is known. */

#include <inttypes.h>
#include <string.h>

#include "pkt/pkt.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "transport/transport.h"

/* Defaults: path MTU 1024 (the HPCC simulator's 1000 B payloads, rounded
 * to an IBTA MTU); an ACK per packet (its L2_ACK_INTERVAL 1); timeout
 * 4.096 us x 2^14 (IBTA 9.7.6.1.3, the common Local ACK Timeout 14);
 * retry count 7, the IBTA maximum; RNR NAK timer code 12, 0.64 ms (IBTA
 * table 45), with rnr_retry 7, forever; CNPs in priority 6 (Mellanox
 * firmware: cnp_802p_prio 6, cnp_dscp 48 = CS6).  The choices' defaults
 * (cc none, profile paper) and mtu are set by scenario_defaults(). */
#define R(F) offsetof(struct rdma_spec, F)
static const struct key rdma_keys[] = {
    { "mtu", KEY_CUSTOM, .what = "256, 512, 1024, 2048, 4096",
      .note = "1024", .help = "Path MTU: payload bytes per packet." },
    { "payload", KEY_CUSTOM, .what = "integer 1..4096, at most mtu",
      .note = "mtu", .help = "Payload bytes per packet, any size." },
    { "ack_every", KEY_U32, R(ack_every), 1, 1u << 16, .dflt = "1",
      .help = "The responder ACKs every Nth packet and a message's last." },
    { "timeout", KEY_DURATION, R(timeout_ps), 1, .dflt = "67.108864ms",
      .help = "Retransmission timeout." },
    { "retry_cnt", KEY_U32, R(retry_cnt), 0, 7, .dflt = "7",
      .help = "Timeouts in a row before the QP fails." },
    { "cc", KEY_CUSTOM, .what = "none, dcqcn, hpcc", .note = "none",
      .help = "Congestion control." },
    { "dcqcn_profile", KEY_CUSTOM, .what = "paper, mellanox, ns3",
      .note = "paper", .help = "DCQCN's preset (as rdma.dcqcn.preset); only "
                               "with cc dcqcn." },
    { "cnp_tc", KEY_TC, R(cnp_tc), .dflt = "6",
      .help = "Traffic class of CNPs." },
    { "ack_tc", KEY_CUSTOM, .what = "data or traffic class 0..7",
      .note = "data", .help = "Traffic class of ACKs, NAKs and READ "
                              "requests; data: the flow's." },
    { "ack_first", KEY_BOOL, R(ack_first), .dflt = "false",
      .help = "The NIC sends ACKs, NAKs and CNPs before data of their "
              "class." },
    { "rnr_timer", KEY_DURATION, R(rnr_timer_ps), 1, .dflt = "640us",
      .help = "Wait after an RNR NAK before retrying a SEND." },
    { "rnr_retry", KEY_U32, R(rnr_retry), 0, 7, .dflt = "7",
      .help = "RNR NAKs in a row before the QP fails; 7: forever." },
    { "hpcc", KEY_CUSTOM, .what = "mapping", .note = "see rdma.hpcc",
      .help = "HPCC's parameters; only with cc hpcc." },
    { "dcqcn", KEY_CUSTOM, .what = "mapping", .note = "see rdma.dcqcn",
      .help = "DCQCN's parameters; only with cc dcqcn." },
};
#undef R

/* DCQCN: a preset (rdma.c's rdma_dcqcn_profile() cites each one's
 * sources), then any key given over it; so no key has a plain default. */
#define D(F) offsetof(struct dcqcn_params, F)
static const struct key dcqcn_keys[] = {
    { "preset", KEY_CUSTOM, .what = "paper, mellanox, ns3", .note = "paper",
      .help = "The parameter set the other keys start from." },
    { "g", KEY_FRACTION, D(g), .lo_open = true, .hi = 1,
      .form = "a real number in (0, 1], e.g. 0.00390625", .note = "the preset's",
      .help = "EWMA gain of alpha." },
    { "initial_alpha", KEY_FRACTION, D(alpha0), .hi = 1,
      .form = "a real number in [0, 1]", .note = "the preset's",
      .help = "Alpha before the first update." },
    { "alpha_period", KEY_DURATION, D(alpha_period_ps), 1, .note = "the preset's",
      .help = "Alpha-update period." },
    { "decrease_period", KEY_DURATION, D(dec_period_ps), 1, .note = "the preset's",
      .help = "Rate-decrease period: at most one cut per this." },
    { "increase_timer", KEY_DURATION, D(inc_period_ps), 1, .note = "the preset's",
      .help = "Rate-increase timer T." },
    { "byte_counter", KEY_SIZE_AUTO, D(byte_counter), .word = "off",
      .note = "the preset's", .help = "Rate-increase byte counter B; off: none." },
    { "fast_recovery", KEY_U32, D(fast_recovery), 0, 1000, .note = "the preset's",
      .help = "F: fast-recovery steps before additive increase." },
    { "r_ai", KEY_RATE, D(ai_bps), .note = "the preset's",
      .help = "Additive increase step R_AI." },
    { "r_hai", KEY_RATE, D(hai_bps), .note = "the preset's",
      .help = "Hyper increase step R_HAI." },
    { "min_rate", KEY_RATE, D(min_rate_bps), .note = "the preset's",
      .help = "No cut goes below this rate." },
    { "min_dec_factor", KEY_FRACTION, D(min_dec_factor), .hi = 1,
      .form = "a real number in [0, 1]", .note = "the preset's",
      .help = "A cut keeps at least this share of the rate." },
    { "cnp_interval", KEY_DURATION, D(cnp_interval_ps), 0, .note = "the preset's",
      .help = "NP: at most one CNP per QP per this; 0: one per marked "
              "packet." },
    { "clamp", KEY_BOOL, D(clamp), .note = "the preset's",
      .help = "A cut always sets the target to the current rate." },
    { "hyper", KEY_CUSTOM, .what = "linear, constant", .note = "the preset's",
      .help = "Hyper increase: i x R_HAI, or R_HAI per step." },
    { "cnp_on_ack", KEY_BOOL, D(cnp_on_ack), .note = "false",
      .help = "NP: the CNP rides on the next ACK or NAK, not in a packet "
              "of its own." },
    { "free_timers", KEY_BOOL, D(free_timers), .note = "the preset's",
      .help = "RP: from the first CNP, the alpha and decrease timers tick "
              "on fixed periods and a CNP waits for the next decrease "
              "tick; false: a CNP after a quiet period cuts at once." },
};
#undef D

/* HPCC as the simulator's run.py runs it (published-values.tsv rows
 * hpcc): eta 0.95 (--utgt 95), maxStage 0 (--mi 0: every round
 * multiplicative; the project page calls the paper's maxStage = 5 a
 * typo), R_AI 10 x bw / 25 Mb/s, 40 Mb/s at 100 Gb/s (scaled to each
 * NIC: r_ai_bps 0), T each flow's base RTT (t_ps 0). */
#define H(F) offsetof(struct hpcc_params, F)
static const struct key hpcc_keys[] = {
    { "eta", KEY_FRACTION, H(eta), .lo_open = true, .hi = 1,
      .form = "a real number in (0, 1], e.g. 0.95", .dflt = "0.95",
      .help = "Target utilization." },
    { "max_stage", KEY_U32, H(max_stage), 0, 1000, .dflt = "0",
      .help = "Additive rounds in a row before a multiplicative one." },
    { "r_ai", KEY_RATE, H(r_ai_bps), .note = "NIC rate / 2500",
      .help = "Additive increase per round." },
    { "t", KEY_DURATION, H(t_ps), 1, .note = "the flow's base RTT",
      .help = "Base RTT the window is measured against." },
    { "w_ai", KEY_SIZE, H(w_ai_bytes), 1, .note = "r_ai x t",
      .help = "Additive increase of the window per round; not with r_ai." },
    { "fast_react", KEY_BOOL, H(fast_react), .dflt = "true",
      .help = "The window follows every ACK, not once per round." },
    { "sample_feedback", KEY_BOOL, H(sample_feedback), .dflt = "false",
      .help = "Between rounds, hops with an empty queue are skipped." },
    { "int_multi", KEY_U32, H(int_multi), 0, 1024, .dflt = "0",
      .help = "Telemetry in the simulator's units x this; 0: exact." },
    { "window", KEY_CUSTOM, .what = "variable, fixed, off",
      .note = "variable", .help = "The in-flight bound: W, line rate x T, "
                                  "or none." },
};
#undef H

const struct key_section scn_rdma_keys = KEY_SECTION("rdma", rdma_keys);
const struct key_section scn_hpcc_keys = KEY_SECTION("rdma.hpcc", hpcc_keys);
const struct key_section scn_dcqcn_keys =
    KEY_SECTION("rdma.dcqcn", dcqcn_keys);

static const char *const dcqcn_presets[] = { "paper", "mellanox", "ns3" };

/* The preset named by node N (at PATH) into R. */
static bool
read_dcqcn_preset(struct ctx *c, const struct ynode *n, const char *path,
                  struct rdma_spec *r)
{
    size_t i;
    if (!read_choice(c, n, path, dcqcn_presets, ARRAY_SIZE(dcqcn_presets),
                     &i))
        return false;
    r->profile = dcqcn_presets[i];
    rdma_dcqcn_profile(r->profile, &r->dcqcn);
    return true;
}

/* rdma.dcqcn: its preset first (unless rdma.dcqcn_profile named one:
 * both is an error), then the keys given, over it. */
static bool
parse_dcqcn(struct ctx *c, const struct ynode *map, bool have_profile,
            struct rdma_spec *r)
{
    static const char *const hypers[] = { "linear", "constant" };
    const struct key_section *sec = &scn_dcqcn_keys;
    if (!need_keyed(c, map, "rdma.dcqcn", sec,
                    "a mapping of DCQCN parameters"))
        return false;
    const struct ynode *n = ytree_get(map, "preset");
    if (n && have_profile)
        return fail_at(c, &ytree_pair(map, "preset")->key_mark,
                       "rdma.dcqcn.preset given with rdma.dcqcn_profile; "
                       "expected one of the two");
    if (n && !read_dcqcn_preset(c, n, "rdma.dcqcn.preset", r))
        return false;
    if (!keys_read(c, map, "rdma.dcqcn", sec, 0, &r->dcqcn))
        return false;
    n = ytree_get(map, "hyper");
    if (n) {
        size_t i;
        if (!read_choice(c, n, "rdma.dcqcn.hyper", hypers, 2, &i))
            return false;
        r->dcqcn.hyper = (enum dcqcn_hyper)i;
    }
    return true;
}

static bool
parse_hpcc(struct ctx *c, const struct ynode *map, struct hpcc_params *h)
{
    static const char *const windows[] = { "variable", "fixed", "off" };
    const struct key_section *sec = &scn_hpcc_keys;
    if (!read_keyed(c, map, "rdma.hpcc", sec,
                    "a mapping of HPCC parameters", h))
        return false;
    if (ytree_get(map, "w_ai") && ytree_get(map, "r_ai"))
        return fail_at(c, &ytree_pair(map, "w_ai")->key_mark,
                       "rdma.hpcc.w_ai given with rdma.hpcc.r_ai; expected "
                       "one of the two");
    const struct ynode *n = ytree_get(map, "window");
    if (n) {
        size_t i;
        if (!read_choice(c, n, "rdma.hpcc.window", windows,
                         ARRAY_SIZE(windows), &i))
            return false;
        h->window = (enum hpcc_window)i;
    }
    return true;
}

bool
scn_parse_rdma(struct ctx *c, const struct ynode *map, struct rdma_spec *r)
{
    const struct key_section *sec = &scn_rdma_keys;
    static const char *const ccs[] = { "none", "dcqcn", "hpcc" };
    size_t i;
    if (!need_keyed(c, map, "rdma", sec, "a mapping of RDMA parameters"))
        return false;
    const struct ynode *cc = ytree_get(map, "cc");
    if (cc) {
        if (!read_choice(c, cc, "rdma.cc", ccs, ARRAY_SIZE(ccs), &i))
            return false;
        r->cc = (enum rdma_cc)i;
        r->cc_name = ccs[i];
    }
    const struct ynode *pr = ytree_get(map, "dcqcn_profile");
    if (pr) {
        if (!read_dcqcn_preset(c, pr, "rdma.dcqcn_profile", r))
            return false;
        if (r->cc != RDMA_CC_DCQCN)
            return fail_at(c, &ytree_pair(map, "dcqcn_profile")->key_mark,
                           "rdma.dcqcn_profile given with rdma.cc %s; "
                           "expected cc: dcqcn, or no dcqcn_profile",
                           r->cc_name);
    }
    const struct ynode *dq = ytree_get(map, "dcqcn");
    if (dq) {
        if (r->cc != RDMA_CC_DCQCN)
            return fail_at(c, &ytree_pair(map, "dcqcn")->key_mark,
                           "rdma.dcqcn given with rdma.cc %s; expected cc: "
                           "dcqcn, or no dcqcn key",
                           r->cc_name);
        if (!parse_dcqcn(c, dq, pr != NULL, r))
            return false;
    }
    const struct ynode *hp = ytree_get(map, "hpcc");
    if (hp) {
        if (r->cc != RDMA_CC_HPCC)
            return fail_at(c, &ytree_pair(map, "hpcc")->key_mark,
                           "rdma.hpcc given with rdma.cc %s; expected cc: "
                           "hpcc, or no hpcc key",
                           r->cc_name);
        if (!parse_hpcc(c, hp, &r->hpcc))
            return false;
    }
    /* cnp_tc before the others, the order errors have always come in;
     * mtu, a power of two, below. */
    if (!key_get(c, map, "rdma", sec, "cnp_tc", r) ||
        !keys_read(c, map, "rdma", sec, 0, r))
        return false;
    const struct ynode *n = ytree_get(map, "ack_tc");
    if (n) {
        uint64_t v;
        if (n->kind == YNODE_SCALAR && !n->quoted && !strcmp(n->text, "data"))
            r->ack_tc = RDMA_ACK_TC_DATA;
        else if (!read_u64_form(c, n, "rdma.ack_tc", 0, N_TC - 1,
                                "data or a traffic class 0..7", &v))
            return false;
        else
            r->ack_tc = (uint8_t)v;
    }
    n = ytree_get(map, "mtu");
    if (n) {
        /* IBTA path MTUs: 256, 512, 1024, 2048, 4096. */
        uint32_t v;
        if (!read_u32(c, n, "rdma.mtu", 256, 4096, &v))
            return false;
        if (v & (v - 1))
            return fail_value(c, n, "rdma.mtu", NULL,
                              "one of 256, 512, 1024, 2048, 4096");
        r->mtu = v;
    }
    n = ytree_get(map, "payload");
    if (n) {
        /* Any size (the HPCC simulator's PACKET_PAYLOAD_SIZE, 1000 by
         * default), within the path MTU. */
        uint32_t v;
        if (!read_u32(c, n, "rdma.payload", 1, r->mtu, &v))
            return false;
        r->mtu = v;
    }
    return true;
}

/* Bytes of a RoCE packet besides its payload at the IP layer (RoCEv2:
 * IPv4 + UDP; RoCEv1: the GRH in the Ethernet payload), for the largest
 * extended headers VERB puts on a data packet (IBTA table 38). */
static uint32_t
roce_overhead_bytes(bool v1, enum rdma_verb verb, bool hpcc)
{
    uint32_t ext = verb == RDMA_VERB_WRITE       ? IB_RETH_BYTES
                   : verb == RDMA_VERB_WRITE_IMM ? IB_RETH_BYTES +
                                                       IB_IMMDT_BYTES
                   : verb == RDMA_VERB_READ      ? IB_AETH_BYTES
                                                 : 0;
    return (v1 ? IB_GRH_BYTES : IPV4_HDR_BYTES + UDP_HDR_BYTES) +
           IB_BTH_BYTES + ext + IB_ICRC_BYTES + (hpcc ? INT_HDR_BYTES : 0);
}

bool
scn_check_rdma(struct ctx *c, const struct ynode *root,
               const struct scenario *scn)
{
    if (scn->fabric == FABRIC_INFINIBAND)
        return true;  /* scn_check_ib() sizes IB's packets. */
    for (size_t i = 0; i < scn->n_traffic; i++) {
        const struct traffic_spec *t = &scn->traffic[i];
        bool v1 = !strcmp(t->protocol, "rocev1");
        if (!v1 && strcmp(t->protocol, "roce"))
            continue;
        uint32_t hdr = roce_overhead_bytes(v1, t->verb,
                                           scn->rdma.cc == RDMA_CC_HPCC);
        uint32_t need = scn->rdma.mtu + hdr;
        if (need <= scn->mtu_bytes)
            continue;
        /* The place: the RDMA size given, else the IP MTU given (the
         * defaults fit). */
        const struct ynode *rd = ytree_get(root, "rdma");
        const struct ynode *at = rd ? ytree_get(rd, "payload") : NULL;
        if (!at && rd)
            at = ytree_get(rd, "mtu");
        const char *what = at ? (ytree_get(rd, "payload") ? "rdma.payload"
                                                          : "rdma.mtu")
                              : "mtu";
        if (!at)
            at = ytree_get(root, "mtu");
        sim_assert(at);
        return fail_at(c, &at->mark,
                       "%s: a %s packet of traffic.%zu (verb %s) carries "
                       "%" PRIu32 " B of payload in %" PRIu32 " B at the IP "
                       "layer, more than the IP mtu %" PRIu32 " lets an "
                       "Ethernet frame hold; expected rdma.payload (or "
                       "rdma.mtu) of at most %" PRIu32 " B, or mtu of at "
                       "least %" PRIu32,
                       what, t->protocol, i, rdma_verb_name(t->verb),
                       scn->rdma.mtu, need, scn->mtu_bytes,
                       scn->mtu_bytes > hdr ? scn->mtu_bytes - hdr : 0, need);
    }
    return true;
}
