/* Native InfiniBand (docs/scenario.md, "fabric: infiniband"): the
 * top-level `fabric` key and the `ib` section (struct ib_spec,
 * fabric/fabric-spec.h), the Ethernet keys an IB fabric (or the ns-3
 * simulator's, `fabric: ns3`) refuses, and the checks that need the
 * other sections (PFC, RDMA congestion control, MTU) or the graph
 * (LIDs). */
#include <inttypes.h>
#include <stdio.h>

#include "fabric/ib.h"
#include "pkt/pkt.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

static const char *const fabric_names[] = {
    [FABRIC_ETHERNET] = "ethernet",
    [FABRIC_INFINIBAND] = "infiniband",
    [FABRIC_NS3] = "ns3",
};

/* FCCL and FCTBS are 12 bits: a receiver can grant at most 2048 credits
 * beyond what it has received (IBTA 7.9.4). */
#define IB_VL_BUFFER_MAX (2048 * IB_CREDIT_BYTES)

/* The largest native IB packet of path MTU MTU: LRH + BTH + the longest
 * extended headers (RETH + ImmDt, a WRITE with immediate's only packet)
 * + payload + ICRC + VCRC. */
static uint32_t
ib_max_packet_bytes(uint32_t mtu)
{
    return ib_packet_bytes(IB_LRH_BYTES + IB_BTH_BYTES + IB_RETH_BYTES +
                               IB_IMMDT_BYTES + IB_ICRC_BYTES +
                               IB_VCRC_BYTES,
                           mtu);
}

/* 200 credits (12800 B) per VL at every input port, as Mellanox's
 * flit-level IB model sets its input buffers (ib_flit_sim,
 * src/modules.ini: ibuf.maxStatic 200 flits of 64 B, "IN Is4 Total of
 * flits in IBUF = 1000"). */
static const struct key ib_keys[] = {
    { "vl_buffer", KEY_SIZE, offsetof(struct ib_spec, vl_buffer_bytes), 1,
      .dflt = "12800",
      .help = "Receive buffer of every port per virtual lane, a multiple of "
              "64 B up to 128KiB." },
};

const struct key_section scn_ib_keys = KEY_SECTION("ib", ib_keys);

static bool
parse_ib(struct ctx *c, const struct ynode *map, struct ib_spec *ib)
{
    if (!read_keyed(c, map, "ib", &scn_ib_keys,
                    "a mapping of InfiniBand parameters", ib))
        return false;
    const struct ynode *n = ytree_get(map, "vl_buffer");
    static const char form[] =
        "a multiple of 64 B (one credit) up to 128KiB (2048 credits)";
    if (n && ib->vl_buffer_bytes % IB_CREDIT_BYTES)
        return fail_value(c, n, "ib.vl_buffer",
                          "not a whole number of 64-byte credits", form);
    if (n && ib->vl_buffer_bytes > IB_VL_BUFFER_MAX)
        return fail_value(c, n, "ib.vl_buffer",
                          "more than the 2048 credits a 12-bit credit "
                          "limit can grant",
                          form);
    return true;
}

/* Keys of an Ethernet fabric that another fabric refuses, and why. */
struct refused_key {
    const char *section;      /* "" for the top level. */
    const char *key;
    const char *why;
};

static const struct refused_key ib_refused[] = {
    { "", "mtu", "the IP MTU sizes Ethernet frames; IB packets carry up "
                 "to rdma.mtu bytes of payload" },
    { "", "qos", "each service level travels in the virtual lane of the "
                 "same number (tc = SL = VL); DSCP and PCP classification "
                 "are Ethernet's" },
    { "switch", "mmu", "IB switches buffer per input port and VL "
                       "(ib.vl_buffer), filled only against credits" },
    { "switch", "queue", "IB switches buffer per input port and VL "
                         "(ib.vl_buffer), filled only against credits" },
    { "switch", "buffer", "IB switches buffer per input port and VL "
                          "(ib.vl_buffer), filled only against credits" },
    { "switch", "reserve", "IB switches buffer per input port and VL "
                           "(ib.vl_buffer), filled only against credits" },
    { "switch", "ecn", "IB packets have no IP ECN field (IB's FECN/BECN "
                       "congestion control is not modeled)" },
    { "host", "vlan", "IB packets have no Ethernet header to tag" },
    { "host", "rx_buffer", "an HCA receives into ib.vl_buffer per VL" },
};

static const struct refused_key ns3_refused[] = {
    { "host", "vlan", "the simulator's PPP frames have no Ethernet header "
                      "to tag" },
    { "", "overlay", "VXLAN and Geneve carry Ethernet frames, and the "
                     "simulator's links carry PPP frames" },
    { "monitor", "pcap", "its RDMA packets carry the simulator's headers, "
                         "which are not the bytes of a real protocol" },
};

/* The first of the N keys of TABLE that ROOT has is refused under
 * fabric FABRIC. */
static bool
check_refused(struct ctx *c, const struct ynode *root, const char *fabric,
              const struct refused_key *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *sec = table[i].section;
        const struct ynode *map = *sec ? ytree_get(root, sec) : root;
        const struct ypair *pr = map && map->kind == YNODE_MAPPING
                                     ? ytree_pair(map, table[i].key)
                                     : NULL;
        if (pr)
            return fail_at(c, &pr->key_mark,
                           "%s%s%s under fabric: %s: %s; expected no %s key",
                           sec, *sec ? "." : "", table[i].key, fabric,
                           table[i].why, table[i].key);
    }
    return true;
}

/* `fabric` and `ib`, before the sections they constrain. */
bool
scn_parse_fabric(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    const struct ynode *n = ytree_get(root, "fabric");
    size_t i;
    if (n) {
        if (!read_choice(c, n, "fabric", fabric_names,
                         ARRAY_SIZE(fabric_names), &i))
            return false;
        scn->fabric = (enum fabric)i;
    }
    const struct ypair *ib = ytree_pair(root, "ib");
    if (ib && scn->fabric != FABRIC_INFINIBAND)
        return fail_at(c, &ib->key_mark,
                       "ib given with fabric %s; expected fabric: "
                       "infiniband, or no ib key",
                       fabric_names[scn->fabric]);
    if (scn->fabric == FABRIC_NS3)
        return check_refused(c, root, "ns3", ns3_refused,
                             ARRAY_SIZE(ns3_refused));
    if (scn->fabric != FABRIC_INFINIBAND)
        return true;
    return (!ib || parse_ib(c, ib->value, &scn->ib)) &&
           check_refused(c, root, "infiniband", ib_refused,
                         ARRAY_SIZE(ib_refused));
}

/* Once `pfc` and `rdma` are read: what an IB fabric cannot have. */
bool
scn_check_ib(struct ctx *c, const struct ynode *root, struct scenario *scn)
{
    if (scn->fabric != FABRIC_INFINIBAND)
        return true;
    if (scn->pfc.enabled)
        return fail_at(c, &ytree_pair(root, "pfc")->key_mark,
                       "pfc under fabric: infiniband: IB links are "
                       "lossless by credit-based flow control (ib.vl_buffer"
                       "); PFC is Ethernet's; expected no pfc section, or "
                       "pfc.enabled: false");
    if (scn->rdma.cc == RDMA_CC_DCQCN)
        return fail_value(c, ytree_get(ytree_get(root, "rdma"), "cc"),
                          "rdma.cc",
                          "DCQCN reacts to ECN marks in IP headers, which "
                          "native IB packets do not have",
                          "none under fabric: infiniband");
    if (scn->rdma.cc == RDMA_CC_HPCC)
        return fail_value(c, ytree_get(ytree_get(root, "rdma"), "cc"),
                          "rdma.cc",
                          "HPCC's INT records are written by Ethernet "
                          "switches' egress pipelines, which dcsim's IB "
                          "switches do not have",
                          "none under fabric: infiniband");
    uint32_t need = ib_blocks(ib_max_packet_bytes(scn->rdma.mtu)) *
                    IB_CREDIT_BYTES;
    if (scn->ib.vl_buffer_bytes < need) {
        char why[128];
        snprintf(why, sizeof why,
                 "smaller than one packet of rdma.mtu %" PRIu32 ": %" PRIu32
                 " B in %" PRIu32 " credits",
                 scn->rdma.mtu, need, need / IB_CREDIT_BYTES);
        char form[96];
        snprintf(form, sizeof form,
                 "a multiple of 64 B from %" PRIu32 " B up to 128KiB", need);
        return fail_value(c, ytree_get(ytree_get(root, "ib"), "vl_buffer"),
                          "ib.vl_buffer", why, form);
    }
    return true;
}

/* One IB subnet addresses at most 49151 end ports by unicast LID. */
bool
scn_check_ib_lids(struct ctx *c, const struct ynode *root,
                  const struct scenario *scn)
{
    if (scn->fabric != FABRIC_INFINIBAND ||
        scn->graph.n_hosts <= IB_LID_UNICAST_MAX)
        return true;
    return fail_at(c, &ytree_get(root, "fabric")->mark,
                   "fabric infiniband: %" PRIu32 " hosts, more than the "
                   "%u unicast LIDs of one IB subnet; expected at most %u "
                   "hosts",
                   scn->graph.n_hosts, IB_LID_UNICAST_MAX,
                   IB_LID_UNICAST_MAX);
}
