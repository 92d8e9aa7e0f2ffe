/* The `rdma` section (docs/scenario.md, "rdma"): RoCE/IB reliable
 * connections and their congestion control (DCQCN profile, `rdma.hpcc`),
 * into struct rdma_spec (transport/transport-spec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

static bool
parse_hpcc(struct ctx *c, const struct ynode *map, struct hpcc_params *h)
{
    static const char *const keys[] = { "eta", "max_stage", "r_ai", "t" };
    return need_mapping(c, map, "rdma.hpcc", "a mapping of HPCC parameters") &&
           check_keys(c, map, "in rdma.hpcc", keys, ARRAY_SIZE(keys)) &&
           get_fraction(c, map, "rdma.hpcc", "eta", 0, true, 1,
                        "a real number in (0, 1], e.g. 0.95", &h->eta) &&
           get_u32(c, map, "rdma.hpcc", "max_stage", 0, 1000,
                   &h->max_stage) &&
           get_rate(c, map, "rdma.hpcc", "r_ai", false, &h->r_ai_bps) &&
           get_duration(c, map, "rdma.hpcc", "t", true, &h->t_ps);
}

bool
scn_parse_rdma(struct ctx *c, const struct ynode *map, struct rdma_spec *r)
{
    static const char *const keys[] = {
        "mtu", "ack_every", "timeout", "retry_cnt", "cc", "dcqcn_profile",
        "cnp_tc", "rnr_timer", "rnr_retry", "hpcc",
    };
    static const char *const ccs[] = { "none", "dcqcn", "hpcc" };
    static const char *const profiles[] = { "paper", "mellanox" };
    size_t i;
    if (!need_mapping(c, map, "rdma", "a mapping of RDMA parameters") ||
        !check_keys(c, map, "in rdma", keys, ARRAY_SIZE(keys)))
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
        if (!read_choice(c, pr, "rdma.dcqcn_profile", profiles, 2, &i))
            return false;
        if (r->cc != RDMA_CC_DCQCN)
            return fail_at(c, &ytree_pair(map, "dcqcn_profile")->key_mark,
                           "rdma.dcqcn_profile given with rdma.cc %s; "
                           "expected cc: dcqcn, or no dcqcn_profile",
                           r->cc_name);
        r->profile = profiles[i];
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
    uint32_t tc = r->cnp_tc;
    if (!get_u32(c, map, "rdma", "cnp_tc", 0, N_TC - 1, &tc) ||
        !get_u32(c, map, "rdma", "ack_every", 1, 1u << 16, &r->ack_every) ||
        !get_duration(c, map, "rdma", "timeout", true, &r->timeout_ps) ||
        !get_u32(c, map, "rdma", "retry_cnt", 0, 7, &r->retry_cnt) ||
        !get_duration(c, map, "rdma", "rnr_timer", true, &r->rnr_timer_ps) ||
        !get_u32(c, map, "rdma", "rnr_retry", 0, 7, &r->rnr_retry))
        return false;
    r->cnp_tc = (uint8_t)tc;
    const struct ynode *n = ytree_get(map, "mtu");
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
    return true;
}
