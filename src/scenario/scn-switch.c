/* The `switch` section (docs/scenario.md, "switch"): buffer model, queue
 * limits, forwarding latency, ECMP seed, and the egress scheduler with its
 * ETS classes (shared with `host`) and ECN marking, into struct
 * switch_spec (fabric/fabric-spec.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fabric/mmu.h"
#include "fabric/ns3-ecmp.h"
#include "fabric/sched.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/units.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* Switch keys.  Defaults: a 1 MB tail-drop limit; 32 MiB, the HPCC
 * simulator's buffer (simulation/scratch/third.cc: buffer_size * 1024 *
 * 1024 with buffer_size 32 in its run.py for 100G links); reserve 4 KiB
 * (its switch-mmu.cc).  The choices' defaults are set by
 * scenario_defaults(): the MMU taildrop (shared with PFC), the first
 * registered scheduler, ECMP seeds per switch, IEEE 802.1Qaz's example
 * ETS split and ECN off. */
#define S(F) offsetof(struct switch_spec, F)
static const struct key switch_keys[] = {
    { "mmu", KEY_CUSTOM, .what = "taildrop, shared",
      .note = "taildrop; shared with pfc", .help = "Buffer model." },
    { "queue", KEY_SIZE, S(queue_bytes), 1, .dflt = "1MB",
      .help = "taildrop: limit of each egress queue." },
    { "buffer", KEY_SIZE, S(buffer_bytes), .dflt = "32MiB",
      .help = "Whole-switch buffer; 0: no limit (taildrop only)." },
    { "reserve", KEY_SIZE, S(reserve_bytes), .dflt = "4KiB",
      .help = "shared: bytes guaranteed to each (ingress port, class)." },
    { "latency", KEY_DURATION, S(latency_ps), .dflt = "0",
      .help = "Forwarding latency of every switch." },
    { "scheduler", KEY_CUSTOM, .what = "strict, ets", .note = "strict",
      .help = "How an egress port picks among its traffic classes." },
    { "ecmp_seed", KEY_CUSTOM, .what = "per-switch or integer 0..4294967295",
      .note = "per-switch", .help = "Seed of the ECMP hash." },
    { "ecmp_hash", KEY_CUSTOM, .what = "crc, ns3", .note = "crc",
      .help = "ECMP hash: dcsim's, or the HPCC ns-3 simulator's." },
    { "ecn", KEY_CUSTOM, .what = "mapping", .note = "{mode: off}",
      .help = "ECN marking at every egress queue." },
    { "ets", KEY_CUSTOM, .what = "mapping",
      .note = "{strict: [6, 7], weights: {0: 50, 3: 50}}",
      .help = "ETS classes and shares; only with scheduler ets." },
};
#undef S

static const char *const ecn_mode_names[] = {
    [ECN_MARK_OFF] = "off",
    [ECN_MARK_STEP] = "step",
    [ECN_MARK_RED] = "red",
};

static const char *const ecn_variants[] = {
    [ECN_MARK_OFF] = "mode off",
    [ECN_MARK_STEP] = "mode step",
    [ECN_MARK_RED] = "mode red",
};

#define E(F) offsetof(struct ecn_spec, F)
#define STEP (1u << ECN_MARK_STEP)
#define RED (1u << ECN_MARK_RED)
static const struct key ecn_keys[] = {
    { "mode", KEY_CUSTOM, .what = "off, step, red", .note = "required",
      .help = "step: mark above k; red: mark with a probability rising "
              "from kmin to kmax." },
    { "k", KEY_SIZE, E(k_bytes), 1, .note = "required", .variants = STEP,
      .help = "Threshold." },
    { "kmin", KEY_SIZE, E(kmin_bytes), .note = "required", .variants = RED,
      .help = "Below it, no mark." },
    { "kmax", KEY_SIZE, E(kmax_bytes), 1, .note = "required",
      .variants = RED, .help = "At or above it, every packet is marked." },
    { "pmax", KEY_FRACTION, E(pmax), .lo_open = true, .hi = 1,
      .form = "a probability in (0, 1]", .note = "required",
      .variants = RED, .help = "Marking probability just below kmax." },
    { "at", KEY_CUSTOM, .what = "dequeue, enqueue", .note = "dequeue",
      .variants = STEP | RED,
      .help = "Read the queue as the packet leaves, or as it arrives." },
    { "by_rate", KEY_CUSTOM, .what = "mapping rate -> {kmin, kmax, pmax}",
      .note = "none", .variants = RED,
      .help = "kmin, kmax and pmax of the ports of each link rate." },
};
#undef STEP
#undef RED

/* One link rate's RED thresholds (the HPCC simulator's KMIN_MAP,
 * KMAX_MAP and PMAX_MAP entries), into that rate's copy of the spec. */
static const struct key ecn_rate_keys[] = {
    { "kmin", KEY_SIZE, E(kmin_bytes), .note = "required",
      .help = "Below it, no mark." },
    { "kmax", KEY_SIZE, E(kmax_bytes), 1, .note = "required",
      .help = "At or above it, every packet is marked." },
    { "pmax", KEY_FRACTION, E(pmax), .lo_open = true, .hi = 1,
      .form = "a probability in (0, 1]", .note = "required",
      .help = "Marking probability just below kmax." },
};
#undef E

static const struct key ets_keys[] = {
    { "strict", KEY_CUSTOM, .what = "sequence of traffic classes 0..7",
      .note = "[6, 7]", .help = "Classes served by strict priority." },
    { "weights", KEY_CUSTOM,
      .what = "mapping of traffic class to percentage 0..100",
      .note = "{0: 50, 3: 50}",
      .help = "ETS classes and their shares, summing to 100." },
};

const struct key_section scn_switch_keys = KEY_SECTION("switch", switch_keys);
const struct key_section scn_ecn_keys =
    KEY_SECTION_V("switch.ecn", ecn_keys, ecn_variants);
const struct key_section scn_ecn_rate_keys =
    KEY_SECTION("switch.ecn.by_rate.RATE", ecn_rate_keys);
const struct key_section scn_ets_keys = KEY_SECTION("switch.ets", ets_keys);

/* kmax of the mapping MAP (at PATH) above kmin, as E holds them. */
static bool
check_red(struct ctx *c, const struct ynode *map, const char *path,
          const struct ecn_spec *e)
{
    char sub[PATH_BYTES];
    if (e->kmax_bytes > e->kmin_bytes)
        return true;
    path_key(sub, path, "kmax");
    return fail_value(c, ytree_get(map, "kmax"), sub, "not above kmin",
                      "a size greater than kmin");
}

/* switch.ecn.by_rate: per link rate, RED's thresholds over E's. */
static bool
parse_ecn_by_rate(struct ctx *c, const struct ynode *map, struct ecn_spec *e)
{
    static const char path[] = "switch.ecn.by_rate";
    static const char *const req[] = { "kmin", "kmax", "pmax" };
    if (!need_mapping(c, map, path, "a mapping of link rate to {kmin, "
                      "kmax, pmax}, e.g. {25Gbps: {kmin: 100KB, kmax: "
                      "400KB, pmax: 0.2}}"))
        return false;
    e->by_rate = xcalloc(map->n_pairs + 1, sizeof *e->by_rate);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const struct ypair *pair = &map->pairs[i];
        /* The key as a node, so that it reads like a value. */
        struct ynode key = { .kind = YNODE_SCALAR, .mark = pair->key_mark,
                             .text = pair->key };
        char key_path[PATH_BYTES + 8], sub[PATH_BYTES];
        snprintf(key_path, sizeof key_path, "%s key", path);
        path_key(sub, path, pair->key);
        struct ecn_rate *r = &e->by_rate[e->n_by_rate];
        if (!read_rate(c, &key, key_path, false, &r->rate_bps))
            return false;
        for (size_t k = 0; k < e->n_by_rate; k++)
            if (e->by_rate[k].rate_bps == r->rate_bps)
                return fail_value(c, &key, key_path, "a rate already listed",
                                  "each link rate once");
        r->spec = *e;
        r->spec.by_rate = NULL;
        r->spec.n_by_rate = 0;
        if (!need_keyed(c, pair->value, sub, &scn_ecn_rate_keys,
                        "a mapping with kmin, kmax and pmax") ||
            !require_keys(c, pair->value, sub, req, ARRAY_SIZE(req)) ||
            !keys_read(c, pair->value, sub, &scn_ecn_rate_keys, 0, &r->spec) ||
            !check_red(c, pair->value, sub, &r->spec))
            return false;
        e->n_by_rate++;
    }
    return true;
}

static bool
parse_ecn(struct ctx *c, const struct ynode *map, struct ecn_spec *e)
{
    static const char *const at_names[] = { "dequeue", "enqueue" };
    size_t i;
    if (!need_mapping(c, map, "switch.ecn",
                      "a mapping with mode: off, step or red") ||
        !require_key(c, map, "switch.ecn", "mode") ||
        !read_choice(c, ytree_get(map, "mode"), "switch.ecn.mode",
                     ecn_mode_names, ARRAY_SIZE(ecn_mode_names), &i))
        return false;
    e->mode = (enum ecn_mark_mode)i;
    char where[48];
    snprintf(where, sizeof where, "in switch.ecn (mode %s)",
             ecn_mode_names[i]);
    if (!keys_check(c, map, where, &scn_ecn_keys, 1u << i))
        return false;

    const struct ynode *n = ytree_get(map, "at");
    if (n) {
        if (!read_choice(c, n, "switch.ecn.at", at_names,
                         ARRAY_SIZE(at_names), &i))
            return false;
        e->at_enqueue = i == 1;
    }
    if (e->mode == ECN_MARK_STEP)
        return require_key(c, map, "switch.ecn", "k") &&
               keys_read(c, map, "switch.ecn", &scn_ecn_keys,
                         1u << ECN_MARK_STEP, e);
    if (e->mode == ECN_MARK_RED) {
        static const char *const req[] = { "kmin", "kmax", "pmax" };
        if (!require_keys(c, map, "switch.ecn", req, ARRAY_SIZE(req)) ||
            !keys_read(c, map, "switch.ecn", &scn_ecn_keys,
                       1u << ECN_MARK_RED, e) ||
            !check_red(c, map, "switch.ecn", e))
            return false;
        n = ytree_get(map, "by_rate");
        return !n || parse_ecn_by_rate(c, n, e);
    }
    return true;
}

/* `ets` (at PATH): keys given replace those of *ETS, which holds the
 * defaults (or, for `host.ets`, the switches'). */
static bool
parse_ets(struct ctx *c, const struct ynode *map, const char *path,
          struct ets_spec *ets)
{
    static const char class_form[] = "a traffic class 0..7";
    char sub[PATH_BYTES], item[PATH_BYTES];
    if (!need_keyed(c, map, path, &scn_ets_keys,
                    "a mapping with strict and weights"))
        return false;

    const struct ynode *strict = ytree_get(map, "strict");
    size_t strict_at[N_TC] = { 0 };     /* 1 + index in strict; 0: not. */
    if (strict) {
        path_key(sub, path, "strict");
        if (!need_sequence(c, strict, sub, false,
                           "a sequence of traffic classes, e.g. [6, 7]"))
            return false;
        ets->strict_mask = 0;
        for (size_t i = 0; i < strict->n_items; i++) {
            const struct ynode *n = strict->items[i];
            uint32_t tc;
            path_index(item, sub, i);
            if (!read_u32(c, n, item, 0, N_TC - 1, &tc))
                return false;
            if (strict_at[tc])
                return fail_value(c, n, item, "already listed",
                                  "each class listed once");
            strict_at[tc] = i + 1;
            ets->strict_mask |= (uint8_t)(1u << tc);
        }
    }

    const struct ynode *weights = ytree_get(map, "weights");
    const struct ymark *weight_at[N_TC] = { NULL };
    if (weights) {
        path_key(sub, path, "weights");
        if (!need_mapping(c, weights, sub, "a mapping of traffic class to "
                          "percentage, e.g. {0: 50, 3: 50}"))
            return false;
        char key_path[PATH_BYTES + 8];
        snprintf(key_path, sizeof key_path, "%s key", sub);
        memset(ets->weight_pct, 0, sizeof ets->weight_pct);
        ets->ets_mask = ets->weighted_mask = 0;
        uint32_t sum = 0;
        for (size_t i = 0; i < weights->n_pairs; i++) {
            const struct ypair *pair = &weights->pairs[i];
            /* The key as a node, so that it reads like a value. */
            struct ynode key = { .kind = YNODE_SCALAR,
                                 .mark = pair->key_mark,
                                 .text = pair->key };
            uint64_t tc;
            uint32_t pct;
            if (!read_u64_form(c, &key, key_path, 0, N_TC - 1, class_form,
                               &tc))
                return false;
            path_key(item, sub, pair->key);
            if (!read_u32(c, pair->value, item, 0, 100, &pct))
                return false;
            weight_at[tc] = &pair->key_mark;
            ets->ets_mask |= (uint8_t)(1u << tc);
            ets->weighted_mask |= (uint8_t)((pct > 0) << tc);
            ets->weight_pct[tc] = (uint8_t)pct;
            sum += pct;
        }
        if (sum != 100)
            return fail_at(c, &weights->mark, "%s sum to %" PRIu32 "; "
                           "expected percentages that sum to 100", sub, sum);
    }

    uint32_t both = ets->strict_mask & ets->ets_mask;
    if (!both)
        return true;
    /* Reported where this mapping names the class. */
    int tc = __builtin_ctz(both);
    if (weight_at[tc])
        return fail_at(c, weight_at[tc], "%s.weights.%d: class %d is also "
                       "strict; expected each class in strict or in "
                       "weights, not both", path, tc, tc);
    size_t i = strict_at[tc] - 1;
    return fail_at(c, &strict->items[i]->mark, "%s.strict.%zu: class %d is "
                   "also in weights; expected each class in strict or in "
                   "weights, not both", path, i, tc);
}

/* `scheduler` and `ets` of MAP (`switch` or `host`, at PATH). */
bool
scn_parse_scheduler(struct ctx *c, const struct ynode *map, const char *path,
                    const char **scheduler, struct ets_spec *ets)
{
    char sub[PATH_BYTES];
    const struct ynode *n = ytree_get(map, "scheduler");
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(sched_count, sched_name, names), i;
        path_key(sub, path, "scheduler");
        if (!read_choice(c, n, sub, names, k, &i))
            return false;
        *scheduler = names[i];
    }
    const struct ypair *pair = ytree_pair(map, "ets");
    if (!pair)
        return true;
    path_key(sub, path, "ets");
    /* A section that would be ignored is a mistake. */
    if (strcmp(*scheduler, "ets"))
        return fail_at(c, &pair->key_mark, "%s given with scheduler %s; "
                       "expected scheduler: ets, or no ets key", sub,
                       *scheduler);
    return parse_ets(c, pair->value, sub, ets);
}

bool
scn_parse_switch(struct ctx *c, const struct ynode *map,
                 struct switch_spec *sw, bool pfc)
{
    if (!need_mapping(c, map, "switch", "a mapping of switch parameters"))
        return false;
    /* The key in the file; a --set replaces only the value. */
    const struct ypair *bp = ytree_pair(map, "buffer");
    set_where(c,
              !bp                       ? &map->mark
              : bp->value->mark.origin ? &bp->value->mark
                                       : &bp->key_mark,
              &sw->where);
    if (!keys_check(c, map, "in switch", &scn_switch_keys, 0) ||
        !keys_read(c, map, "switch", &scn_switch_keys, 0, sw) ||
        !scn_parse_scheduler(c, map, "switch", &sw->scheduler, &sw->ets))
        return false;

    const struct ynode *n = ytree_get(map, "mmu");
    size_t i;
    if (n) {
        const char *names[MAX_CHOICES];
        size_t k = registry_names(mmu_count, mmu_name, names);
        if (!read_choice(c, n, "switch.mmu", names, k, &i))
            return false;
        sw->mmu = names[i];
    }
    /* Keys of the other MMU would be silently ignored.  Without
     * switch.mmu the MMU is the default: shared with PFC, else taildrop. */
    bool shared = !strcmp(sw->mmu, "shared");
    const char *dflt = ytree_get(map, "mmu") ? ""
                       : pfc                 ? " (the default with PFC)"
                                             : " (the default)";
    const struct ypair *other = ytree_pair(map, shared ? "queue" : "reserve");
    if (other && shared)
        return fail_at(c, &other->key_mark,
                       "switch.queue applies only to the taildrop MMU, but "
                       "switch.mmu is shared%s; expected no switch.queue "
                       "(the shared MMU limits queues by qos.alpha)%s",
                       dflt, pfc ? "" : ", or switch.mmu: taildrop");
    if (other)
        return fail_at(c, &other->key_mark,
                       "switch.reserve applies only to the shared MMU, but "
                       "switch.mmu is taildrop%s; expected switch.mmu: "
                       "shared, or no switch.reserve",
                       dflt);
    if (shared && !sw->buffer_bytes)
        return fail_value(c, ytree_get(map, "buffer"), "switch.buffer",
                          "the shared MMU needs a finite buffer",
                          UNITS_SIZE_FORM);
    /* An ingress group's count (struct mmu_pg, 32 bits so that a
     * switch's groups of one class share a few lines: mmu.h) reaches at
     * most its reserve plus the whole shared pool, which is less than the
     * buffer: with the two below 4 GiB it cannot wrap. */
    if (shared && sw->buffer_bytes + sw->reserve_bytes > UINT32_MAX) {
        /* The larger of the two, if the map gives it (one of them it
         * must: the defaults are far below). */
        bool res = sw->reserve_bytes > sw->buffer_bytes;
        if (!ytree_get(map, res ? "reserve" : "buffer"))
            res = !res;
        return fail_value(c, ytree_get(map, res ? "reserve" : "buffer"),
                          res ? "switch.reserve" : "switch.buffer",
                          "switch.buffer and switch.reserve together reach "
                          "4 GiB, past what the shared MMU counts per "
                          "ingress group (32 bits)",
                          "a size that keeps switch.buffer + switch.reserve "
                          "below 4GiB (4294967296 B)");
    }

    n = ytree_get(map, "ecmp_seed");
    if (n) {
        static const char form[] = "per-switch or an integer 0..4294967295";
        uint64_t v;
        if (n->kind == YNODE_SCALAR && !strcmp(n->text, "per-switch")) {
            sw->ecmp_seed_mode = ECMP_SEED_PER_SWITCH;
        } else {
            if (!read_u64_form(c, n, "switch.ecmp_seed", 0, UINT32_MAX, form,
                               &v))
                return false;
            sw->ecmp_seed_mode = ECMP_SEED_SAME;
            sw->ecmp_seed = (uint32_t)v;
        }
    }
    n = ytree_get(map, "ecmp_hash");
    if (n) {
        static const char *const names[] = {
            [ECMP_HASH_CRC] = "crc",
            [ECMP_HASH_NS3] = "ns3",
        };
        size_t h;
        if (!read_choice(c, n, "switch.ecmp_hash", names, 2, &h))
            return false;
        sw->ecmp_hash = (enum ecmp_hash_mode)h;
        const struct ypair *seed = ytree_pair(map, "ecmp_seed");
        if (seed && h == ECMP_HASH_NS3)
            return fail_at(c, &seed->key_mark,
                           "switch.ecmp_seed given with switch.ecmp_hash "
                           "ns3, whose seeds are the simulator's node ids; "
                           "expected no switch.ecmp_seed");
    }
    n = ytree_get(map, "ecn");
    return !n || parse_ecn(c, n, &sw->ecn);
}

bool
scn_check_ecmp_hash(struct ctx *c, const struct ynode *root,
                    const struct scenario *scn)
{
    if (scn->sw.ecmp_hash != ECMP_HASH_NS3)
        return true;
    const struct ynode *sw = ytree_get(root, "switch");
    const struct ypair *key = ytree_pair(sw, "ecmp_hash");
    const struct ymark *at = &key->key_mark;
    if (scn->fabric == FABRIC_INFINIBAND)
        return fail_at(c, at, "switch.ecmp_hash ns3 with fabric infiniband, "
                       "whose switches route by destination LID; expected "
                       "switch.ecmp_hash: crc");
    if (ytree_get(root, "overlay"))
        return fail_at(c, at, "switch.ecmp_hash ns3 with an overlay, whose "
                       "tunnels the simulator does not have; expected "
                       "switch.ecmp_hash: crc, or no overlay");
    /* Node names carry the simulator's ids, as the importer writes them. */
    const struct topo_graph *g = &scn->graph;
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        const struct topo_node *tn = &g->nodes[i];
        if (ns3_node_id(tn->name, tn->is_host ? 'h' : 's') == UINT32_MAX)
            return fail_at(c, at, "switch.ecmp_hash ns3, but %s '%s' is not "
                           "named by a simulator node id; expected "
                           "%s<id> for every %s, as `dcsim import ns3` "
                           "names them",
                           tn->is_host ? "host" : "switch", tn->name,
                           tn->is_host ? "h" : "s",
                           tn->is_host ? "host" : "switch");
    }
    return true;
}
