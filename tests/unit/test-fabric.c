/* The fabric against hand-derived figures: wire sizes and serialization
 * (Ethernet, PFC and native InfiniBand),
 * exact single-flow FCTs over 1, 2 and 4 links, ECMP balance over four
 * spines, hash polarization with one seed on every switch, UDP loss
 * accounting, the shared MMU's pool with and without PFC and its
 * thresholds against the doubles they replaced, RED at Kmax by
 * dcsim's rule and by the HPCC simulator's (`fabric: ns3`), its PAUSE
 * frame generated mid-frame, and every
 * routing table of fat-trees, spine-leafs, three-tiers and irregular
 * explicit graphs against one BFS per destination group, and the HPCC
 * ns-3 simulator's ECMP hash (switch.ecmp_hash: ns3) against vectors of
 * an independent Python MurmurHash3 (itself checked against the
 * published MurmurHash3_x86_32 vectors) and its next-hop order.
 * Scenarios are real YAML files loaded by scenario_load(). */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/ecn.h"
#include "fabric/fc.h"
#include "fabric/mmu-admit.h"
#include "fabric/net.h"
#include "fabric/ns3-ecmp.h"
#include "fabric/path.h"
#include "fabric/port.h"
#include "fabric/route.h"
#include "fabric/switch.h"
#include "host/edge.h"
#include "host/host.h"
#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "sim/crc32.h"
#include "sim/rng.h"
#include "sim/util.h"
#include "tap.h"
#include "transport/flow.h"
#include "world/world.h"

static char tmpdir[] = "/tmp/dcsim-test-fabric-XXXXXX";

/* Loads YAML text as a scenario and builds it; aborts the test on error. */
static struct net *
build(const char *yaml, struct scenario *scn)
{
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    struct world *world = tap_world(path, yaml, scn);
    if (!world)
        exit(1);
    return world_net(world);
}

static struct net *
run(const char *yaml, struct scenario *scn)
{
    struct net *net = build(yaml, scn);
    sim_run(&net->sim, NULL, NULL);
    return net;
}

static void
finish(struct net *net, struct scenario *scn)
{
    world_destroy(world_of(net));
    scenario_free(scn);
}

/* Independent reference for a flow's FCT: the store-and-forward
 * recurrence evaluated packet by packet (finish[k][i] = max(arrival at
 * hop i, finish[k-1][i]) + ser), on the flow's traced path. */
static uint64_t
recurrence_fct(uint64_t size, uint32_t mtu, const struct path *p)
{
    uint32_t mss = mtu - 28;
    uint64_t n = (size + mss - 1) / mss;
    uint64_t *fin = calloc(p->n_links, sizeof *fin);
    uint64_t t_arrive = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint32_t payload = k + 1 < n ? mss : (uint32_t)(size - (n - 1) * mss);
        uint32_t wire = 14 + 20 + 8 + payload + 4 + 8 + 12;
        if (wire < 84)
            wire = 84;
        uint64_t t = 0; /* Ready at the source from time 0. */
        for (uint32_t i = 0; i < p->n_links; i++) {
            uint64_t start = t > fin[i] ? t : fin[i];
            fin[i] = start + ser_time_ps(wire, p->rate_bps[i]);
            t = fin[i] + p->delay_ps[i];
        }
        t_arrive = t;
    }
    free(fin);
    return t_arrive;
}

static void
test_wire(void)
{
    /* A 1500 B IP packet: 14 B Ethernet + 1500 + 4 B FCS = 1518 B frame,
     * + 8 B preamble/SFD + 12 B IFG = 1538 B on the wire; at 100 Gb/s
     * 1538 * 8 / 100e9 s = 123.04 ns. */
    is_u64(wire_bytes_for_ip(1500, false), 1538, "1500 B IP packet is 1538 B on the wire");
    is_u64(ser_time_ps(1538, UINT64_C(100000000000)), 123040,
           "and occupies 100 Gb/s for 123.04 ns (123040 ps)");
    is_u64(wire_bytes_for_ip(1500, true), 1542, "802.1Q tag adds 4 B");
    /* A 28 B IP datagram (empty UDP): 14 + 28 + 4 = 46 B, padded to the
     * 64 B minimum frame, + 20 = 84 B. */
    is_u64(wire_bytes_for_ip(28, false), 84, "minimum frame padded to 64 B + 20 B");
    is_u64(ser_time_ps(84, UINT64_C(25000000000)), 26880, "84 B at 25 Gb/s = 26.88 ns");

    /* `fabric: ns3`: the HPCC simulator's times in whole ns, as its
     * Seconds(DataRate::CalculateTxTime(bytes)) gives them; the figures
     * were printed by a program linked with the simulator's ns-3.17 core
     * (docs/validation.md): 1048 B (a 1000 B payload's frame) at 100
     * Gb/s 83 ns, not 83.84; 1090 B (with INT) 87 ns; 1000 B 79 ns, not
     * 80, since the double 8e-8 s lies below 80 ns; 4000 B at 400 Gb/s
     * 79 ns for the same reason. */
    static const struct { uint32_t bytes; uint64_t bps, ns; } ns3[] = {
        { 1048, UINT64_C(100000000000), 83 }, { 1090, UINT64_C(100000000000), 87 },
        { 1000, UINT64_C(100000000000), 79 }, { 60, UINT64_C(100000000000), 4 },
        { 1090, UINT64_C(400000000000), 21 }, { 4000, UINT64_C(400000000000), 79 },
        { 1048, UINT64_C(1000000000), 8383 }, { 88, UINT64_C(25000000000), 28 },
    };
    for (size_t i = 0; i < sizeof ns3 / sizeof ns3[0]; i++)
        is_u64(ser_time_ns3_ps(ns3[i].bytes, ns3[i].bps), ns3[i].ns * 1000,
               "ns-3 time of %u B at %llu b/s: %llu ns", ns3[i].bytes,
               (unsigned long long)ns3[i].bps, (unsigned long long)ns3[i].ns);
    is_u64(ser_time_link_ps(1048, UINT64_C(100000000000), false), 83840,
           "and without ns3 the exact 83.84 ns");

    struct pkt p;
    memset(&p, 0, sizeof p);
    p.eth.vlan = true;
    p.eth.pcp = 3;
    p.eth.vid = 100;
    p.eth.ethertype = ETHERTYPE_IPV4;
    p.ip.proto = IPPROTO_NUM_UDP;
    p.ip.src = pkt_host_ip(0);
    p.ip.dst = pkt_host_ip(1);
    p.ip.dscp = 26;
    p.ip.ecn = ECN_ECT0;
    p.ip.ttl = 64;
    p.l4.udp.sport = 49152;
    p.l4.udp.dport = 4791;
    p.payload_bytes = 100;
    pkt_set_lengths(&p);
    uint8_t buf[256];
    size_t n = pkt_serialize(&p, buf, sizeof buf);
    /* 14 + 4 (tag) + 20 + 8 + 100 = 146 bytes before the FCS. */
    is_u64(n, 146, "serialized tagged UDP frame is 146 B without FCS");
    ok(buf[12] == 0x81 && buf[13] == 0x00 && buf[14] == (3 << 5) && buf[15] == 100,
       "802.1Q TPID 0x8100, PCP 3, VID 100");
    ok(buf[16] == 0x08 && buf[17] == 0x00 && buf[18] == 0x45,
       "EtherType IPv4, version 4 / IHL 5");
    ok(buf[19] == (26 << 2 | ECN_ECT0), "DSCP and ECN share the TOS byte");
    ok(buf[20] == 0 && buf[21] == 128 && buf[26] == 64 && buf[27] == 17,
       "IP total length 128, TTL 64, protocol 17");
    /* An IPv4 header checksum verifies to zero when summed with itself. */
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(buf[18 + i] << 8 | buf[19 + i]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    ok(sum == 0xFFFF, "IPv4 header checksum is valid");
    ok(buf[38] == 0xC0 && buf[39] == 0x00 && buf[40] == 0x12 && buf[41] == 0xB7 &&
           buf[42] == 0 && buf[43] == 108,
       "UDP ports 49152 -> 4791, length 108");

    /* Seeded CRC through the affine shortcut equals the direct CRC. */
    uint8_t t[13];
    pkt_set_5tuple_hash(&p);
    pkt_5tuple_bytes(&p, t);
    struct sw s;
    switch_init(&s, 0, "s", 1, 0xFFFFFFFFu);
    is_u64(switch_ecmp_hash(&s, p.hash0), crc32(t, 13),
           "seed 0xFFFFFFFF gives the standard CRC-32 of the 5-tuple");
    switch_init(&s, 0, "s", 1, 0x12345678u);
    is_u64(switch_ecmp_hash(&s, p.hash0),
           crc32_update(0x12345678u, t, 13) ^ 0xFFFFFFFFu,
           "any seed: hash0 ^ crc(seed, 0^13) equals the seeded CRC");
}

/* IEEE 802.1Qbb / 802.3 Annex 31D: the PFC frame byte by byte. */
static void
test_pfc_frame(void)
{
    struct pkt p;
    memset(&p, 0xAA, sizeof p);
    const uint8_t mac[6] = { 0x02, 0xdc, 0, 0, 0, 7 };
    pkt_make_pfc(&p, mac, 1u << 3 | 1u << 5, 0xFFFF);
    is_u64(p.frame_bytes, 64, "a PFC frame is a 64 B minimum frame");
    is_u64(p.frame_bytes + ETH_PREAMBLE_BYTES + ETH_IFG_BYTES, 84,
           "and takes 84 B = 672 bit times on the wire (D_pause)");
    uint8_t buf[128];
    memset(buf, 0x55, sizeof buf);
    size_t n = pkt_serialize(&p, buf, sizeof buf);
    is_u64(n, 60, "serialized without FCS: 60 B");
    ok(buf[0] == 0x01 && buf[1] == 0x80 && buf[2] == 0xC2 && buf[3] == 0 &&
           buf[4] == 0 && buf[5] == 0x01,
       "destination 01-80-C2-00-00-01");
    ok(!memcmp(buf + 6, mac, 6), "source is the sending port's MAC");
    ok(buf[12] == 0x88 && buf[13] == 0x08, "EtherType 0x8808 (MAC control)");
    ok(buf[14] == 0x01 && buf[15] == 0x01, "opcode 0x0101 (PFC)");
    ok(buf[16] == 0 && buf[17] == 0x28, "priority-enable vector: 3 and 5");
    int timers_ok = 1;
    for (int i = 0; i < 8; i++) {
        unsigned q = (unsigned)buf[18 + 2 * i] << 8 | buf[19 + 2 * i];
        timers_ok &= q == (i == 3 || i == 5 ? 0xFFFFu : 0u);
    }
    ok(timers_ok, "eight timers, priority 0 first: 0xFFFF for 3 and 5, 0 else");
    int pad_ok = 1;
    for (size_t i = 34; i < 60; i++)
        pad_ok &= buf[i] == 0;
    ok(pad_ok, "bytes 34..59 are zero padding");
    ok(buf[60] == 0x55, "nothing written past the frame");

    pkt_make_pfc(&p, mac, 1u << 3, 0);
    pkt_serialize(&p, buf, sizeof buf);
    ok(buf[17] == 0x08 && buf[24] == 0 && buf[25] == 0,
       "a resume frame: priority 3 enabled with quanta 0");
}

/* Native InfiniBand packets, byte by byte (IBTA Vol 1 7.7, 9.2, 7.9.4). */
static void
test_ib_packets(void)
{
    struct pkt p;
    memset(&p, 0, sizeof p);
    p.ip.src = pkt_host_ip(4);
    p.ip.dst = pkt_host_ip(9);
    pkt_make_ib(&p, 4, 9, 3);
    p.l4.roce.opcode = IB_OP_WRITE_FIRST;
    p.l4.roce.dest_qp = 0x123456;
    p.l4.roce.psn = 0xABCDEF;
    p.l4.roce.ack_req = true;
    p.l4_extra = IB_BTH_BYTES + IB_RETH_BYTES + IB_ICRC_BYTES;
    p.payload_bytes = 1023;   /* Padded to 1024. */
    pkt_set_lengths(&p);
    /* LRH 8 + BTH 12 + RETH 16 + 1023 + pad 1 + ICRC 4 + VCRC 2. */
    is_u64(p.frame_bytes, 1066, "IB WRITE First: 8+12+16+1023+1+4+2 = 1066 B");
    is_u64(pkt_wire_bytes(&p), 1066, "no preamble, gap or minimum on IB");
    is_u64(ib_blocks(p.frame_bytes), 17, "it needs 17 credits of 64 B");
    uint8_t buf[1200];
    memset(buf, 0x55, sizeof buf);
    size_t n = pkt_serialize(&p, buf, sizeof buf);
    is_u64(n, 1066, "serialized whole, LRH through VCRC");
    ok(buf[0] == 0x30 && buf[1] == 0x32,
       "LRH: VL 3, LVer 0; SL 3, LNH 2 (IBA local, BTH next)");
    ok(buf[2] == 0 && buf[3] == 10 && buf[6] == 0 && buf[7] == 5,
       "DLID 10 and SLID 5 (host index + 1)");
    /* PktLen counts 4-byte words from the LRH through the ICRC. */
    is_u64((unsigned)(buf[4] << 8 | buf[5]), (1066 - 2) / 4,
           "PktLen 266 words (LRH..ICRC, without the VCRC)");
    ok(buf[8] == IB_OP_WRITE_FIRST && buf[9] == 0x10 && buf[10] == 0xFF &&
           buf[11] == 0xFF,
       "BTH: opcode, PadCnt 1 (TVer 0), P_Key 0xFFFF");
    ok(buf[12] == 0 && buf[13] == 0x12 && buf[14] == 0x34 && buf[15] == 0x56,
       "BTH: FECN/BECN/reserved 0, DestQP 0x123456");
    ok(buf[16] == 0x80 && buf[17] == 0xAB && buf[18] == 0xCD && buf[19] == 0xEF,
       "BTH: AckReq, PSN 0xABCDEF");
    ok(buf[1065] == 0 && buf[1066] == 0x55,
       "VCRC last (zero: not computed), nothing past it");

    p.l4.roce.opcode = IB_OP_ACK;
    p.l4.roce.syndrome = IB_AETH_NAK_SEQ;
    p.l4.roce.msn = 7;
    p.l4_extra = IB_BTH_BYTES + IB_AETH_BYTES + IB_ICRC_BYTES;
    p.payload_bytes = 0;
    pkt_set_lengths(&p);
    n = pkt_serialize(&p, buf, sizeof buf);
    is_u64(n, 30, "IB ACK: LRH 8 + BTH 12 + AETH 4 + ICRC 4 + VCRC 2 = 30 B");
    ok(buf[5] == 7 && buf[9] == 0 && buf[20] == IB_AETH_NAK_SEQ &&
           buf[21] == 0 && buf[22] == 0 && buf[23] == 7,
       "PktLen 7 words; AETH: syndrome, MSN 7");

    pkt_make_ib_fc(&p, 5, 4096 + 0x123, 0xFED);
    is_u64(pkt_wire_bytes(&p), IB_FC_PACKET_BYTES,
           "a flow-control packet is 6 B on the wire");
    memset(buf, 0x55, sizeof buf);
    n = pkt_serialize(&p, buf, sizeof buf);
    ok(n == 6 && buf[0] == 0x01 && buf[1] == 0x23 && buf[2] == 0x5F &&
           buf[3] == 0xED && buf[4] == 0 && buf[5] == 0 && buf[6] == 0x55,
       "FC packet: Op 0 | FCTBS 0x123 (mod 4096) | VL 5 | FCCL 0xFED | "
       "LPCRC");
}

/* RoCE v2's ICRC against a CNP a ConnectX-4 Lx sent (the capture in
 * Scapy's test/contrib/roce.uts): IPv4 from TOS 0xC2 (ECN CE), BTH with
 * BECN set, 16 reserved bytes; the NIC's ICRC is 82 fd 00 2a on the wire.
 * Then a CNP of dcsim's own, serialized: its ICRC is the same function's,
 * and changing what the ICRC masks (ECN, TTL) leaves it alone. */
static void
test_roce_icrc(void)
{
    static const uint8_t cnp[] = {
        0x45, 0xc2, 0x00, 0x3c, 0x71, 0x8c, 0x40, 0x00, 0x40, 0x11,
        0x91, 0x61, 0x0a, 0x00, 0x11, 0x01, 0x0a, 0x00, 0x12, 0x01,
        0x00, 0x00, 0x12, 0xb7, 0x00, 0x28, 0x00, 0x00,
        0x81, 0x00, 0xff, 0xff, 0x40, 0x00, 0x01, 0x18, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x82, 0xfd, 0x00, 0x2a,
    };
    is_u64(pkt_roce_icrc(cnp, sizeof cnp), 0x82fd002a,
           "ICRC of a ConnectX-4 Lx CNP: 0x82fd002a");

    struct pkt p;
    memset(&p, 0, sizeof p);
    p.eth.ethertype = ETHERTYPE_IPV4;
    p.ip.src = pkt_host_ip(1);
    p.ip.dst = pkt_host_ip(2);
    p.ip.proto = IPPROTO_NUM_UDP;
    p.ip.ttl = 64;
    p.l4.roce.udp.sport = 49152;
    p.l4.roce.udp.dport = ROCE_UDP_PORT;
    p.l4.roce.opcode = IB_OP_CNP;
    p.l4.roce.dest_qp = 0xd2;
    p.l4_extra = IB_BTH_BYTES + 16 + IB_ICRC_BYTES;
    pkt_set_lengths(&p);
    uint8_t buf[128], again[128];
    size_t n = pkt_serialize(&p, buf, sizeof buf);
    is_u64(n, 74, "a CNP: Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + 16 + "
                  "ICRC 4 = 74 B without FCS");
    const uint8_t *ip = buf + ETH_HDR_BYTES;
    uint32_t icrc = (uint32_t)ip[56] << 24 | (uint32_t)ip[57] << 16 |
                    (uint32_t)ip[58] << 8 | ip[59];
    is_u64(icrc, pkt_roce_icrc(ip, 60), "the serialized CNP ends in its ICRC");
    ok(ip[20 + 8] == IB_OP_CNP && ip[20 + 8 + 7] == 0xd2,
       "BTH after UDP: opcode 0x81, DestQP");
    p.ip.ecn = ECN_CE;
    p.ip.ttl = 3;
    pkt_serialize(&p, again, sizeof again);
    ok(!memcmp(buf + n - 4, again + n - 4, 4),
       "ECN and TTL are masked out of the ICRC");
}

static const char *two_hosts =
    "topology:\n"
    "  type: explicit\n"
    "  nodes:\n"
    "    - {name: a, kind: host}\n"
    "    - {name: sw, kind: switch}\n"
    "    - {name: b, kind: host}\n"
    "  links:\n"
    "    - {a: a, b: sw, rate: 100Gbps, delay: 1us}\n"
    "    - {a: sw, b: b, rate: 100Gbps, delay: 1us}\n";

/* RED at Kmax exactly: dcsim's rule marks, the HPCC simulator's
 * ShouldSendCN (switch-mmu.cc) marks only above Kmax and draws the coin
 * with p = Pmax there; `fabric: ns3` takes the simulator's.  Above Kmax
 * both always mark, at Kmin neither. */
static void
test_ecn_kmax(void)
{
    static const char *const fabric[] = { "", "fabric: ns3\n" };
    for (int ns3 = 0; ns3 < 2; ns3++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "%s%sswitch: {ecn: {mode: red, kmin: 400KB, kmax: 1600KB, "
                 "pmax: 0.2}}\n", two_hosts, fabric[ns3]);
        struct scenario scn;
        struct net *net = build(yaml, &scn);
        struct ecn_marker *m = &sw_cast(net->nodes[net->n_hosts])->ecn;
        const uint64_t q[] = { 400000, 1600000, 1600001 };
        uint32_t marked[3] = { 0, 0, 0 };
        const uint32_t tries = 20000;
        for (int k = 0; k < 3; k++)
            for (uint32_t i = 0; i < tries; i++) {
                struct pkt p;
                uint64_t n = 0;
                memset(&p, 0, sizeof p);
                p.ip.ecn = ECN_ECT0;
                ecn_consider(m, &n, &p, q[k]);
                marked[k] += (uint32_t)n;
            }
        printf("# %s: marked at Kmin %u, at Kmax %u, above %u of %u\n",
               ns3 ? "fabric: ns3" : "Ethernet", marked[0], marked[1],
               marked[2], tries);
        ok(marked[0] == 0, "%s: never at Kmin", fabric[ns3][0] ? "ns3" : "own rule");
        ok(marked[2] == tries, "%s: always above Kmax", fabric[ns3][0] ? "ns3" : "own rule");
        if (ns3)
            ok(marked[1] > tries / 5 - tries / 50 && marked[1] < tries / 5 + tries / 50,
               "ns3: at Kmax with Pmax 0.2 (%u of %u)", marked[1], tries);
        else
            ok(marked[1] == tries, "own rule: always at Kmax");
        finish(net, &scn);
    }
}

/* The port of switch SW that faces node N. */
static struct port *
port_to(struct node *sw, const struct node *n)
{
    for (uint16_t i = 0; i < sw->n_ports; i++)
        if (sw->ports[i].link.peer == n)
            return &sw->ports[i];
    sim_assert(false);
    return NULL;
}

static void
pause_at(struct sim *s, void *obj, uint64_t tc)
{
    fc_rx_admitted(net_of(s), obj, (uint8_t)tc);
}

/* Under `fabric: ns3` a PAUSE is the simulator's 43 B frame (SendPfc:
 * PPP 14 + IPv4 20 + PauseHeader 9: 3.44 ns at 100 Gb/s, 3 ns in whole
 * ns) that waits for the frame on the wire and goes before the queued
 * data.  b sends two 1472 B UDP datagrams to a, 1514 B frames (PPP 14 +
 * IPv4 20 + UDP 8 + 1472) of 121 ns: the first crosses sw -> a from 1121
 * to 1242 ns, the second reaches sw at 1242 ns, and is queued before
 * that end of transmission fires (ns-3's order).  A PAUSE generated at
 * sw at 1200 ns, mid-frame, leaves at 1242, ends at 1245 and stops a's
 * class 3 (response 0) at 1245 + 1000 = 2245 ns; the second datagram
 * leaves behind it at 1245 and reaches a at 1245 + 121 + 1000 = 2366 ns
 * (2363 without the PAUSE). */
static void
test_ns3_pause_mid_frame(void)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "%sfabric: ns3\nstop: 1ms\npfc: {response: 0}\n"
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: b, dst: a, size: 2944B}\n",
             two_hosts);
    struct scenario scn;
    struct net *net = build(yaml, &scn);
    struct node *a = net->nodes[0], *sw = net->nodes[net->n_hosts];
    sim_call(&net->sim, 1200000, pause_at, port_to(sw, a), 3);
    net->sim.end_ps = 2244999;
    sim_run(&net->sim, NULL, NULL);
    ok(!(a->ports[0].paused >> 3 & 1), "ns3 PAUSE: a not paused at 2244.999 ns");
    net->sim.end_ps = 2245000;
    sim_run(&net->sim, NULL, NULL);
    ok(a->ports[0].paused >> 3 & 1,
       "ns3 PAUSE mid-frame: 42 ns of frame left + 3 ns + 1 us later, "
       "a is paused (2245 ns)");
    net->sim.end_ps = TIME_NEVER;
    sim_run(&net->sim, NULL, NULL);
    const struct flow *f = &edge_of(net)->flows[0];
    ok(f->completed, "ns3 PAUSE: the flow completes");
    is_u64(f->end_ps, 2366000,
           "ns3 PAUSE: the queued datagram follows it, at a at 2366 ns");
    finish(net, &scn);
}

static void
check_single_flow(const char *what, const char *yaml, uint32_t links,
                  uint64_t hand_fct)
{
    struct scenario scn;
    struct net *net = run(yaml, &scn);
    struct flow *f = &edge_of(net)->flows[0];
    struct path p;
    /* Rebuild the flow's hash from its 5-tuple to trace its path. */
    struct pkt hp;
    memset(&hp, 0, sizeof hp);
    hp.ip.src = edge_of(net)->hosts[f->src].ip;
    hp.ip.dst = edge_of(net)->hosts[f->dst].ip;
    hp.ip.proto = IPPROTO_NUM_UDP;
    hp.l4.udp.sport = f->sport;
    hp.l4.udp.dport = f->dport;
    pkt_set_5tuple_hash(&hp);
    path_trace(net, f->src, f->dst, hp.hash0, &p);
    ok(f->completed, "%s: flow completes", what);
    is_u64(p.n_links, links, "%s: path has %u links", what, links);
    uint64_t fct = f->end_ps - f->start_ps;
    if (hand_fct)
        is_u64(fct, hand_fct, "%s: FCT equals the hand-derived value", what);
    is_u64(fct, recurrence_fct(f->size_bytes, scn.mtu_bytes, &p),
           "%s: FCT equals the packet-by-packet recurrence", what);
    is_u64(f->ideal_fct_ps, fct, "%s: ideal_fct (closed form) equals FCT", what);
    finish(net, &scn);
}

static void
test_fct(void)
{
    char yaml[2048];
    /* 1 link: two hosts back to back. 14720 B = 10 x 1472 B payload, so
     * 10 full 1538 B frames; at 100 Gb/s each takes 123040 ps.  FCT =
     * n * ser + delay = 10 * 123040 + 1000000 = 2230400 ps. */
    snprintf(yaml, sizeof yaml,
             "topology:\n  type: explicit\n  nodes:\n"
             "    - {name: a, kind: host}\n    - {name: b, kind: host}\n"
             "  links:\n    - {a: a, b: b, rate: 100Gbps, delay: 1us}\n"
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: a, dst: b, size: 14720B}\n");
    check_single_flow("1 link", yaml, 1, 2230400);

    /* 2 links through one switch, same 10 packets: the pipeline fills
     * once: FCT = (n + h - 1) * ser + h * delay = 11 * 123040 + 2 us. */
    snprintf(yaml, sizeof yaml, "%s%s", two_hosts,
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: a, dst: b, size: 14720B}\n");
    check_single_flow("2 links", yaml, 2, 11 * UINT64_C(123040) + 2000000);

    /* 2 links, a ragged last packet: 14721 B = 10 full + 1 B.  The last
     * frame is 84 B (padded), 6720 ps at 100 Gb/s; it waits behind the
     * previous frame at the switch: FCT = (n - 1) * s + (h - 1) * s +
     * h * d + l = 10 * 123040 + 123040 + 2 us + 6720. */
    snprintf(yaml, sizeof yaml, "%s%s", two_hosts,
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: a, dst: b, size: 14721B}\n");
    check_single_flow("2 links, ragged", yaml, 2,
                      11 * UINT64_C(123040) + 2000000 + 6720);

    /* 4 links across a spine, 25 Gb/s server links and 100 Gb/s uplinks,
     * 1 MB (680 packets, the last 480 B): the 25 Gb/s first link is the
     * bottleneck; checked against the recurrence. */
    check_single_flow(
        "4 links, 25G/100G",
        "topology: {type: spine-leaf, spines: 4, leaves: 2, servers_per_leaf: 2,\n"
        "  server_link: {rate: 25Gbps, delay: 1us}, uplink: {rate: 100Gbps, delay: 2us}}\n"
        "switch: {latency: 500ns}\n"
        "traffic:\n  - pattern: flows\n    flows:\n"
        "      - {src: h0, dst: h3, size: 1MB}\n",
        4, 0);

    /* 3 Gb/s does not divide 8e12 ps*bits: serialization takes the
     * rounded-up division path.  A 1538 B frame: ceil(12304e12 / 3e9) =
     * 4101334 ps; 10 frames + 1 us = 42013340 ps. */
    snprintf(yaml, sizeof yaml,
             "topology:\n  type: explicit\n  nodes:\n"
             "    - {name: a, kind: host}\n    - {name: b, kind: host}\n"
             "  links:\n    - {a: a, b: b, rate: 3Gbps, delay: 1us}\n"
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: a, dst: b, size: 14720B}\n");
    check_single_flow("1 link at 3 Gb/s", yaml, 1, 42013340);

    /* Paced at 10 Gb/s over 2 links: packets leave every 1538 * 8 / 10e9
     * = 1230400 ps, so the last (10th) leaves the source at 9 gaps and
     * then crosses both links unhindered: 9 * 1230400 + 2 * 123040 +
     * 2 us. */
    snprintf(yaml, sizeof yaml, "%s%s", two_hosts,
             "traffic:\n  - pattern: flows\n    flows:\n"
             "      - {src: a, dst: b, size: 14720B, rate: 10Gbps}\n");
    struct scenario scn;
    struct net *net = run(yaml, &scn);
    struct flow *f = &edge_of(net)->flows[0];
    uint64_t want = 9 * UINT64_C(1230400) + 2 * UINT64_C(123040) + 2000000;
    is_u64(f->end_ps - f->start_ps, want, "paced 10 Gb/s flow: FCT = 9 gaps + 2 (ser + d)");
    is_u64(f->ideal_fct_ps, want, "paced flow: ideal_fct matches");
    finish(net, &scn);
}

static void
test_ecmp_balance(void)
{
    /* 1000 single-packet cross-rack flows over 4 spines: the count per
     * spine is Binomial(1000, 1/4): mean 250, sigma sqrt(1000 * 1/4 *
     * 3/4) = 13.69; 3 sigma = [208.9, 291.1]. */
    struct scenario scn;
    struct net *net = run(
        "seed: 3\n"
        "topology: {type: spine-leaf, spines: 4, leaves: 8, servers_per_leaf: 8}\n"
        "traffic:\n  - {pattern: random, count: 1000, size: 100B, cross_rack: true,\n"
        "              interarrival: 1us}\n",
        &scn);
    uint64_t per_spine[4] = { 0 };
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        if (p->node->tier == 1 && p->link.peer->tier == 2)
            per_spine[p->link.peer->id - net->n_hosts - 8] += p->link.packets;
    }
    double sigma = sqrt(1000 * 0.25 * 0.75);
    for (int s = 0; s < 4; s++)
        ok(fabs((double)per_spine[s] - 250) <= 3 * sigma,
           "spine%d carries %llu of 1000 flows (250 +- %.1f)", s,
           (unsigned long long)per_spine[s], 3 * sigma);
    is_u64(per_spine[0] + per_spine[1] + per_spine[2] + per_spine[3], 1000,
           "every cross-rack flow crossed exactly one spine");
    finish(net, &scn);

    /* One flow, one path: a 200-packet flow uses a single uplink. */
    net = run("topology: {type: spine-leaf, spines: 4, leaves: 2, servers_per_leaf: 1}\n"
              "traffic:\n  - pattern: flows\n    flows: [{src: h0, dst: h1, size: 290KB}]\n",
              &scn);
    int used = 0;
    for (uint32_t i = 0; i < net->n_ports; i++) {
        const struct port *p = &net->ports[i];
        if (p->node->tier == 1 && p->link.peer->tier == 2 && p->link.packets)
            used++;
    }
    ok(used == 1, "all packets of one flow take one uplink (%d used)", used);
    finish(net, &scn);
}

/* Uplink spread at the aggregation tier of a k=8 fat-tree: for each
 * aggregation switch, how many of its 4 core uplinks carried traffic,
 * and the largest share one uplink got. */
static void
agg_spread(const char *seed_line, int *min_used, int *max_used, double *max_share)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "%s"
             "topology: {type: fat-tree, k: 8}\n"
             "traffic:\n  - {pattern: random, count: 4000, size: 100B, cross_rack: true,\n"
             "              interarrival: 200ns}\n",
             seed_line);
    struct scenario scn;
    struct net *net = run(yaml, &scn);
    *min_used = 99;
    *max_used = 0;
    *max_share = 0;
    for (uint32_t s = 0; s < net->n_switches; s++) {
        struct sw *sw = &net->switches[s];
        if (sw->up.tier != 2)
            continue;
        uint64_t total = 0, top = 0;
        int used = 0;
        for (uint16_t p = 0; p < sw->up.n_ports; p++) {
            const struct port *port = &sw->up.ports[p];
            if (port->link.peer->tier != 3)
                continue;
            total += port->link.packets;
            used += port->link.packets > 0;
            top = port->link.packets > top ? port->link.packets : top;
        }
        if (total < 50)
            continue;
        *min_used = used < *min_used ? used : *min_used;
        *max_used = used > *max_used ? used : *max_used;
        double share = (double)top / (double)total;
        *max_share = share > *max_share ? share : *max_share;
    }
    finish(net, &scn);
}

static void
test_polarization(void)
{
    int lo, hi;
    double share;
    /* Every switch on one seed: an edge switch sends the flows whose hash
     * selects member j to aggregation switch j, which computes the same
     * hash and selects member j again: one core uplink of four. */
    agg_spread("switch: {ecmp_seed: 7}\n", &lo, &hi, &share);
    ok(lo == 1 && hi == 1,
       "same seed: each aggregation switch uses exactly 1 of 4 core uplinks (%d..%d)", lo, hi);
    /* Per-switch seeds: every uplink used, none with more than half. */
    agg_spread("", &lo, &hi, &share);
    ok(lo == 4 && share < 0.5,
       "per-switch seeds: all 4 uplinks used (min %d), largest share %.2f < 0.5", lo, share);
}

static void
test_loss(void)
{
    /* 8-to-1 UDP incast, 1 MB each, into a 100 KB queue: the receiver's
     * port overflows; every lost byte is accounted for. */
    struct scenario scn;
    struct net *net = run(
        "topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9}\n"
        "switch: {queue: 100KB}\n"
        "traffic:\n  - {pattern: incast, senders: 8, receiver: h0, size: 1MB}\n",
        &scn);
    uint64_t lost = 0, delivered = 0, incomplete = 0;
    for (uint32_t i = 0; i < edge_of(net)->n_flows; i++) {
        struct flow *f = &edge_of(net)->flows[i];
        lost += f->bytes_lost;
        delivered += f->bytes_delivered;
        incomplete += !f->completed;
        if (f->bytes_delivered + f->bytes_lost != f->size_bytes)
            ok(0, "flow %u: delivered + lost = size", i);
    }
    ok(net->st.drops[DROP_QUEUE_FULL] > 0, "incast overflows the queue (%llu drops)",
       (unsigned long long)net->st.drops[DROP_QUEUE_FULL]);
    ok(incomplete > 0, "flows that lost packets are incomplete (%llu)",
       (unsigned long long)incomplete);
    is_u64(delivered + lost, 8 * UINT64_C(1000000), "delivered + lost = bytes offered");
    is_u64(edge_of(net)->st.pkts_sent,
           edge_of(net)->st.pkts_delivered + net->st.drops[DROP_QUEUE_FULL],
           "conservation: sent = delivered + dropped");
    is_u64(net->pool.in_use, 0, "no packet left in the network");
    finish(net, &scn);
}

/* The shared MMU's pool is what the buffer leaves after the reserves and,
 * with PFC, the headroom: one leaf with 9 hosts and one spine, 10 ports,
 * 2 MB (2 000 000 B) of buffer, 4 KiB reserved per (port, class).
 * Without PFC: 2 000 000 - 10 x 8 x 4096 = 1 672 320 B.  With PFC, the
 * 802.1Qbb delay model at 100 Gb/s over 500 ns cables: (500 + 500 ns of
 * propagation + 201 728 bit times of response = 2017.28 ns) x 12.5 B/ns =
 * 37 716 B in flight, plus 2 x 1542 B max frames and 3 x 84 B PFC frames
 * = 41 052 B per port and lossless class, so 1 672 320 - 10 x 3 x 41 052
 * = 440 760 B. */
static void
test_shared_pool(void)
{
#define SHARED_POOL_YAML(pfc)                                                 \
    "stop: 1ms\n"                                                             \
    "topology: {type: spine-leaf, spines: 1, leaves: 1, servers_per_leaf: 9,\n" \
    "           server_link: {rate: 100Gbps, delay: 500ns},\n"                \
    "           uplink: {rate: 100Gbps, delay: 500ns}}\n"                     \
    "switch: {mmu: shared, buffer: 2MB}\n"                                    \
    "pfc: {enabled: " pfc "}\n"
    struct scenario scn;
    struct net *net = build(SHARED_POOL_YAML("false"), &scn);
    const struct mmu *m = &net->switches[0].mmu;
    is_u64(m->n_ports, 10, "leaf0 has 10 ports");
    is_u64(m->shared_size, 1672320,
           "shared MMU without PFC: pool = buffer - reserves");
    finish(net, &scn);

    net = build(SHARED_POOL_YAML("true"), &scn);
    m = &net->switches[0].mmu;
    is_u64(m->headroom[0], 41052, "PFC headroom at 100 Gb/s, 500 ns: 41 052 B");
    is_u64(m->shared_size, 440760,
           "with PFC: pool = buffer - reserves - 3 lossless x headroom");
    finish(net, &scn);
#undef SHARED_POOL_YAML
}

/* The shared MMU's thresholds are integer arithmetic that must decide
 * every case as the model's doubles (mmu-admit.h has the argument): each
 * against the double expression it replaced, for every alpha from 2^-7
 * to 2^6, free pools and reserves up to a scenario's largest size (2^50
 * B) and counts on, next to and around the thresholds, where the sums
 * take the doubles' path too; 300 000 draws. */
static void
test_mmu_thresholds(void)
{
    const uint64_t most = UINT64_C(1) << 50;
    struct rng rng;
    rng_init(&rng, 1, rng_stream_id("test/mmu"));
    uint64_t wrong_past = 0, wrong_at = 0, wrong_within = 0, wrong_limit = 0;
    uint64_t slow_within = 0, slow_limit = 0;
    for (int i = 0; i < 300000; i++) {
        int e = (int)rng_below(&rng, 14) - 7;
        struct mmu_pg g = { .alpha_shl = (uint8_t)(e > 0 ? e : 0),
                            .alpha_shr = (uint8_t)(e < 0 ? -e : 0) };
        double alpha = ldexp(1, e);
        /* Free bytes of every magnitude, the largest and none included. */
        uint64_t free_bytes =
            i % 97 == 0   ? most
            : i % 89 == 0 ? 0
                          : rng_below(&rng, UINT64_C(2) << rng_below(&rng, 50));
        uint64_t thr = mmu_pg_threshold(&g, free_bytes);
        double limit = alpha * (double)free_bytes;
        /* A group's shared bytes: next to the threshold, or any. */
        uint64_t n = rng_below(&rng, UINT64_C(1) << 33);
        if (rng_below(&rng, 4) && thr < UINT64_C(1) << 33)
            n = thr + rng_below(&rng, 5) - 2;
        if (n >= UINT64_C(1) << 33)
            n = 0;
        wrong_past += ((double)n > limit) !=
                      mmu_pg_past_threshold(&g, n, free_bytes);
        wrong_at += ((double)n >= limit) !=
                    mmu_pg_at_threshold(&g, n, free_bytes);
        /* Shared bytes plus pfc.xon_offset, any size and wrapping as it
         * did: next to the threshold, small, near 2^53 or near 2^64. */
        uint64_t s;
        switch (rng_below(&rng, 4)) {
        case 0:
            s = thr + rng_below(&rng, 5) - 2;
            break;
        case 1:
            s = n + rng_below(&rng, 1u << 20);
            break;
        case 2:
            s = (UINT64_C(1) << 53) + rng_below(&rng, 1u << 20) - (1u << 19);
            break;
        default:
            s = n - 1 - rng_below(&rng, 1u << 20);
        }
        slow_within += s >= UINT64_C(1) << 53;
        wrong_within += ((double)s <= limit) !=
                        mmu_pg_within(&g, s, free_bytes);
        /* A lossy queue's bytes with the frame against reserve + alpha x
         * free, next to it or anywhere below twice the largest size. */
        uint64_t reserve = rng_below(&rng, 2) ? rng_below(&rng, 1u << 16)
                                              : rng_below(&rng, most + 1);
        uint64_t q = rng_below(&rng, 4) ? reserve + thr + rng_below(&rng, 5) - 2
                                        : rng_below(&rng, 2 * most);
        slow_limit += reserve + thr >= UINT64_C(1) << 45;
        wrong_limit += ((double)q > (double)reserve + limit) !=
                       mmu_pg_over_limit(&g, reserve, q, free_bytes);
    }
    is_u64(wrong_past, 0, "shared MMU: past the pause threshold as in doubles");
    is_u64(wrong_at, 0, "shared MMU: at the pause threshold as in doubles");
    is_u64(wrong_within, 0,
           "shared MMU: XON's offset below the threshold as in doubles "
           "(%" PRIu64 " draws of 2^53 B or more)", slow_within);
    is_u64(wrong_limit, 0,
           "shared MMU: a lossy queue's limit as in doubles (%" PRIu64
           " limits of 2^45 B or more)", slow_limit);
}

/* Routing tables against a reference.  route_compute() searches once
 * per class of destination groups that share a neighbourhood; these
 * checks recompute every table the plain way, one breadth-first search
 * from each destination group's switches, and check for every switch and
 * every group that the table says the same: ROUTE_DIRECT at the group's
 * own switches, else the same set of next-hop ports in the same order,
 * under the same group index (a switch numbers its port sets in order of
 * first use over the groups). */
static bool
is_switch(const struct node *n)
{
    return n->class == &switch_class;
}

/* Whether routing may use PORT's cable: neither end has withdrawn it
 * (a failure detected at run time, src/control/). */
static bool
cable_ok(const struct port *port)
{
    const struct link *l = &port->link;
    return !l->withdrawn && !l->peer->ports[l->peer_port].link.withdrawn;
}

/* The switches (0-based) host H is cabled to, into HOMES; returns how
 * many. */
static uint32_t
homes_of(const struct net *net, uint32_t h, uint32_t *homes)
{
    const struct node *host = net->nodes[h];
    uint32_t n = 0;
    for (uint16_t p = 0; p < host->n_ports; p++)
        if (is_switch(host->ports[p].link.peer) && cable_ok(&host->ports[p]))
            homes[n++] = host->ports[p].link.peer->id - net->n_hosts;
    return n;
}

/* A port set a switch has numbered, for the reference's indices. */
struct seen {
    uint8_t ports[256];
    uint32_t n;
};

/* Checks every switch's table towards group G, whose hosts include H,
 * against a BFS from H's switches.  SEEN[x] lists the sets switch X has
 * numbered so far (N_SEEN[x] of them).  Returns the number of
 * mismatches, reporting the first few. */
static uint32_t
check_group(const struct net *net, uint32_t g, uint32_t h,
            struct seen **seen, uint32_t *n_seen, uint32_t *dist,
            uint32_t *fifo, int *reported)
{
    uint32_t ns = net->n_switches, first = net->n_hosts;
    uint32_t homes[8];
    uint32_t n_homes = homes_of(net, h, homes);
    for (uint32_t x = 0; x < ns; x++)
        dist[x] = UINT32_MAX;
    uint32_t head = 0, tail = 0;
    for (uint32_t i = 0; i < n_homes; i++)
        if (dist[homes[i]] == UINT32_MAX) {
            dist[homes[i]] = 1;
            fifo[tail++] = homes[i];
        }
    while (head < tail) {
        const struct sw *s = &net->switches[fifo[head++]];
        uint32_t d = dist[s->up.id - first];
        for (uint16_t p = 0; p < s->up.n_ports; p++) {
            const struct node *peer = s->up.ports[p].link.peer;
            if (is_switch(peer) && cable_ok(&s->up.ports[p]) &&
                dist[peer->id - first] == UINT32_MAX) {
                dist[peer->id - first] = d + 1;
                fifo[tail++] = peer->id - first;
            }
        }
    }
    uint32_t bad = 0;
    for (uint32_t x = 0; x < ns; x++) {
        const struct sw *s = &net->switches[x];
        uint16_t got = sw_route(s, g);
        if (dist[x] == 1) {
            if (got != ROUTE_DIRECT) {
                bad++;
                if ((*reported)++ < 5)
                    diag("%s, group %u: route %u, want direct", s->up.name,
                         g, got);
            }
            continue;
        }
        struct seen want = { .n = 0 };
        if (dist[x] != UINT32_MAX)
            for (uint16_t p = 0; p < s->up.n_ports; p++) {
                const struct node *peer = s->up.ports[p].link.peer;
                if (is_switch(peer) && cable_ok(&s->up.ports[p]) &&
                    dist[peer->id - first] != UINT32_MAX &&
                    dist[peer->id - first] + 1 == dist[x])
                    want.ports[want.n++] = (uint8_t)p;
            }
        uint32_t idx = 0;
        while (idx < n_seen[x] &&
               (seen[x][idx].n != want.n ||
                memcmp(seen[x][idx].ports, want.ports, want.n)))
            idx++;
        if (idx == n_seen[x]) {
            seen[x] = xrealloc(seen[x], (idx + 1) * sizeof *seen[x]);
            seen[x][n_seen[x]++] = want;
        }
        bool same = got != ROUTE_DIRECT && got == idx &&
                    got < s->n_groups && s->groups[got].n == want.n &&
                    !memcmp(&s->group_ports[s->groups[got].first],
                            want.ports, want.n);
        if (!same) {
            bad++;
            if ((*reported)++ < 5)
                diag("%s, group %u: route %u, want group %u of %u ports",
                     s->up.name, g, got, idx, want.n);
        }
    }
    return bad;
}

/* Compares every table of NET with the reference. */
static void
check_net_routes(const char *what, const struct net *net)
{
    uint32_t ns = net->n_switches;
    uint32_t *dist = xmalloc((ns + 1) * sizeof *dist);
    uint32_t *fifo = xmalloc((ns + 1) * sizeof *fifo);
    struct seen **seen = xcalloc(ns + 1, sizeof *seen);
    uint32_t *n_seen = xcalloc(ns + 1, sizeof *n_seen);
    /* A representative host of each group, and a check that the hosts of
     * a group share their switches. */
    uint32_t *rep = xmalloc((net->n_groups + 1) * sizeof *rep);
    for (uint32_t g = 0; g < net->n_groups; g++)
        rep[g] = UINT32_MAX;
    uint32_t bad = 0;
    int reported = 0;
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        uint32_t g = net->host_group[h];
        if (rep[g] == UINT32_MAX) {
            rep[g] = h;
            continue;
        }
        uint32_t a[8], b[8];
        uint32_t na = homes_of(net, h, a), nb = homes_of(net, rep[g], b);
        bool same = na == nb;
        for (uint32_t i = 0; same && i < na; i++) {
            bool found = false;
            for (uint32_t j = 0; j < nb; j++)
                found |= a[i] == b[j];
            same = found;
        }
        if (!same) {
            bad++;
            diag("hosts %u and %u share group %u but not their switches", h,
                 rep[g], g);
        }
    }
    for (uint32_t g = 0; g < net->n_groups; g++) {
        if (rep[g] == UINT32_MAX) {
            bad++;
            diag("group %u has no host", g);
            continue;
        }
        bad += check_group(net, g, rep[g], seen, n_seen, dist, fifo,
                           &reported);
    }
    for (uint32_t x = 0; x < ns; x++) {
        free(seen[x]);
        if (n_seen[x] != net->switches[x].n_groups) {
            diag("%s: %u port sets, the reference %u",
                 net->switches[x].up.name, net->switches[x].n_groups,
                 n_seen[x]);
            bad++;
        }
    }
    ok(bad == 0, "%s: %u switches x %u groups as one BFS per group gives",
       what, ns, net->n_groups);
    free(seen);
    free(n_seen);
    free(rep);
    free(fifo);
    free(dist);
}

/* Builds YAML and compares every table with the reference. */
static void
check_routes(const char *what, const char *yaml)
{
    struct scenario scn;
    struct net *net = build(yaml, &scn);
    check_net_routes(what, net);
    finish(net, &scn);
}

/* Tables recomputed at run time (route_compute() again, as the control
 * plane does after a detected failure) skip withdrawn cables: YAML's
 * net with every STRIDE-th port's cable withdrawn, from the end where
 * it is seen first, against the reference that ignores those cables;
 * then with every cable back, against the fresh tables. */
static void
check_withdrawn_routes(const char *what, const char *yaml, uint32_t stride)
{
    struct scenario scn;
    struct net *net = build(yaml, &scn);
    uint32_t cut = 0;
    for (uint32_t i = 0; i < net->n_ports; i += stride) {
        struct port *p = &net->ports[i];
        if (is_switch(p->node) && !p->link.withdrawn && cable_ok(p)) {
            p->link.withdrawn = 1;
            cut++;
        }
    }
    route_compute(net);
    char *w = xasprintf("%s, %u cables withdrawn", what, cut);
    check_net_routes(w, net);
    free(w);
    for (uint32_t i = 0; i < net->n_ports; i++)
        net->ports[i].link.withdrawn = 0;
    route_compute(net);
    w = xasprintf("%s, every cable back", what);
    check_net_routes(w, net);
    free(w);
    finish(net, &scn);
}

static void
test_routes_withdrawn(void)
{
    check_withdrawn_routes("fat-tree k=4",
                           "name: r\ntopology: {type: fat-tree, k: 4}\n", 7);
    check_withdrawn_routes("fat-tree k=8",
                           "name: r\ntopology: {type: fat-tree, k: 8}\n", 11);
    check_withdrawn_routes("spine-leaf 4 spines, 6 leaves",
                           "name: r\ntopology: {type: spine-leaf, spines: 4, "
                           "leaves: 6, servers_per_leaf: 3}\n", 5);
}

/* The node of NET named NAME; aborts the test if there is none. */
static struct node *
node_named(const struct net *net, const char *name)
{
    for (uint32_t i = 0; i < net->n_hosts + net->n_switches; i++)
        if (!strcmp(net->nodes[i]->name, name))
            return net->nodes[i];
    diag("no node %s", name);
    exit(1);
}

/* The peers of switch SW's next hops towards host DST, by name, in port
 * order, joined by ','. */
static void
next_hops(const struct net *net, const char *sw, const char *dst,
          char *buf, size_t size)
{
    const struct node *n = node_named(net, sw);
    const struct sw *s = &net->switches[n->id - net->n_hosts];
    const struct ecmp_group *g =
        &s->groups[sw_route(s, net->host_group[node_named(net, dst)->id])];
    size_t len = 0;
    buf[0] = '\0';
    for (uint16_t k = 0; k < g->n; k++) {
        const struct node *peer =
            n->ports[s->group_ports[g->first + k]].link.peer;
        len += (size_t)snprintf(buf + len, size - len, "%s%s",
                                k ? "," : "", peer->name);
    }
}

/* Shortest paths after a cut may bounce (down, up, down: an up-down
 * violation), and route_compute() keeps them, as BFS does: in a k=4
 * fat-tree without the cable agg1-edge0, agg1 reaches edge0 through the
 * other edge of its pod (agg1, edge1, agg0, edge0: 3 hops, against 7
 * through a core), and core2 and core3 through agg1.  agg3 of the next pod
 * has 5 hops both ways, through its cores or bouncing at its edges; but
 * edge2 goes to agg2 (4 hops, against 6), so no host's traffic reaches a
 * bouncing table: with one cut cable nothing bounces (failover-deadlock.sh
 * cuts two). */
static void
test_routes_bounce(void)
{
    struct scenario scn;
    struct net *net = build("name: r\ntopology: {type: fat-tree, k: 4}\n", &scn);
    struct node *agg1 = node_named(net, "agg1");
    for (uint16_t p = 0; p < agg1->n_ports; p++)
        if (agg1->ports[p].link.peer == node_named(net, "edge0"))
            agg1->ports[p].link.withdrawn = 1;
    route_compute(net);
    static const char *const want[][2] = {
        {"agg1", "edge1"},
        {"core2", "agg1"},
        {"core3", "agg1"},
        {"agg3", "edge2,edge3,core2,core3"},
        {"edge2", "agg2"},
        {"edge1", "agg0"},
        {"agg0", "edge0"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char got[128];
        next_hops(net, want[i][0], "h0", got, sizeof got);
        ok(!strcmp(got, want[i][1]),
           "fat-tree k=4 without agg1-edge0: %s's next hops to h0 are %s "
           "(want %s)", want[i][0], got, want[i][1]);
    }
    finish(net, &scn);
}

/* The port a switch's prefetch stage leaves in a packet (pkt.fwd_hint)
 * is the one its tables give while they stand, and is forgotten when
 * they change before the packet arrives: a port taken out of its ECMP
 * groups, a group's ports set anew, the tables computed again.  A
 * packet from h0 to h15 in a k=4 fat-tree, at the head of the link into
 * edge0, is looked at by edge0's prefetch hook after each change. */
static void
test_fwd_hints(void)
{
    struct scenario scn;
    struct net *net = build("name: r\ntopology: {type: fat-tree, k: 4}\n",
                            &scn);
    struct node *edge0 = node_named(net, "edge0");
    struct sw *s = &net->switches[edge0->id - net->n_hosts];
    uint32_t h0 = node_named(net, "h0")->id, h15 = node_named(net, "h15")->id;
    const struct link *up = &net->nodes[h0]->ports[0].link;
    uint8_t in_port = up->peer_port;
    struct link *in = &net->nodes[h0]->ports[0].link;
    sim_assert(up->peer == edge0);
    struct pkt *p = pkt_alloc(&net->pool);
    memset(p, 0, sizeof *p);
    p->ip.src = pkt_host_ip(h0);
    p->ip.dst = pkt_host_ip(h15);
    p->ip.ttl = 64;
    p->hash0 = 0x1234567u;
    in->head = p;

    uint32_t g = net->host_group[h15];
    edge0->class->prefetch_rx(net, edge0, p, in_port);
    int want = switch_route(net, s, h0, h15, p->hash0);
    ok(want >= 0 && p->fwd_hint == want + 1,
       "edge0's prefetch stage leaves its egress port %d for h15 (want %d)",
       p->fwd_hint - 1, want);
    route_withdraw_port(s, (uint8_t)want);
    ok(p->fwd_hint == 0,
       "taking port %d out of edge0's groups forgets it", want);

    edge0->class->prefetch_rx(net, edge0, p, in_port);
    want = switch_route(net, s, h0, h15, p->hash0);
    ok(p->fwd_hint == want + 1,
       "without it, the hint is port %d (want %d)", p->fwd_hint - 1, want);
    uint8_t ports[1] = { (uint8_t)want };
    route_set(net, s, g, ports, 1);
    ok(p->fwd_hint != 0,
       "setting h15's group to the same single port keeps it");
    const struct ecmp_group *grp = &s->groups[sw_route(s, g)];
    ok(grp->n == 1 && s->group_ports[grp->first] == want,
       "h15's group is port %d alone", want);
    route_set(net, s, g, ports, 0);
    ok(p->fwd_hint == 0,
       "a route withdrawn by the control plane forgets it");

    edge0->class->prefetch_rx(net, edge0, p, in_port);
    ok(p->fwd_hint == 0 &&
           switch_route(net, s, h0, h15, p->hash0) < 0,
       "with no route, the prefetch stage leaves no hint");
    route_compute(net);
    edge0->class->prefetch_rx(net, edge0, p, in_port);
    ok(p->fwd_hint != 0,
       "the tables computed again route h15 from edge0");
    route_compute(net);
    ok(p->fwd_hint == 0,
       "computing the tables again forgets the hint");

    in->head = NULL;
    pkt_free(&net->pool, p);
    finish(net, &scn);
}

static void
test_routes_generated(void)
{
    static const unsigned ks[] = { 2, 4, 6, 8, 12 };
    for (size_t i = 0; i < ARRAY_SIZE(ks); i++) {
        char *yaml = xasprintf("name: r\ntopology: {type: fat-tree, k: %u}\n",
                               ks[i]);
        char *what = xasprintf("fat-tree k=%u", ks[i]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
    static const unsigned sl[][3] = { { 1, 1, 1 }, { 1, 3, 2 },
                                      { 4, 8, 4 }, { 7, 5, 3 } };
    for (size_t i = 0; i < ARRAY_SIZE(sl); i++) {
        char *yaml = xasprintf(
            "name: r\ntopology: {type: spine-leaf, spines: %u, leaves: %u, "
            "servers_per_leaf: %u}\n",
            sl[i][0], sl[i][1], sl[i][2]);
        char *what = xasprintf("spine-leaf %u spines, %u leaves", sl[i][0],
                               sl[i][1]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
    static const unsigned tt[][5] = { { 1, 1, 1, 1, 1 }, { 2, 3, 2, 4, 2 },
                                      { 4, 4, 2, 3, 1 }, { 3, 2, 3, 2, 2 } };
    for (size_t i = 0; i < ARRAY_SIZE(tt); i++) {
        char *yaml = xasprintf(
            "name: r\ntopology: {type: three-tier, cores: %u, pods: %u, "
            "aggs_per_pod: %u, access_per_pod: %u, servers_per_access: %u}\n",
            tt[i][0], tt[i][1], tt[i][2], tt[i][3], tt[i][4]);
        char *what = xasprintf("three-tier %u cores, %u pods", tt[i][0],
                               tt[i][1]);
        check_routes(what, yaml);
        free(what);
        free(yaml);
    }
}

/* Irregular graphs: a ring of five switches with a chord (odd cycles,
 * unequal paths), two twin switches t0/t1 with the same neighbours, a
 * dual-homed host, a host on a twin, a switch chain hanging off the ring
 * (tail0-tail1), a host cabled to a host as well as to a switch, and a
 * switch linked to hosts only (lone).  Each host's first link, its NIC,
 * goes to the ring's side, as topo_check() wants: hosts do not
 * forward. */
static const char *irregular =
    "name: r\n"
    "topology:\n"
    "  type: explicit\n"
    "  nodes:\n"
    "    - {name: r0, kind: switch}\n"
    "    - {name: r1, kind: switch}\n"
    "    - {name: r2, kind: switch}\n"
    "    - {name: r3, kind: switch}\n"
    "    - {name: r4, kind: switch}\n"
    "    - {name: t0, kind: switch}\n"
    "    - {name: t1, kind: switch}\n"
    "    - {name: tail0, kind: switch}\n"
    "    - {name: tail1, kind: switch}\n"
    "    - {name: lone, kind: switch}\n"
    "    - {name: a, kind: host}\n"
    "    - {name: b, kind: host}\n"
    "    - {name: c, kind: host}\n"
    "    - {name: d, kind: host}\n"
    "    - {name: e, kind: host}\n"
    "    - {name: f, kind: host}\n"
    "    - {name: g, kind: host}\n"
    "  links:\n"
    "    - {a: r0, b: r1, rate: 100Gbps}\n"
    "    - {a: r1, b: r2, rate: 100Gbps}\n"
    "    - {a: r2, b: r3, rate: 100Gbps}\n"
    "    - {a: r3, b: r4, rate: 100Gbps}\n"
    "    - {a: r4, b: r0, rate: 100Gbps}\n"
    "    - {a: r1, b: r3, rate: 100Gbps}\n"
    "    - {a: t0, b: r2, rate: 100Gbps}\n"
    "    - {a: t0, b: r4, rate: 100Gbps}\n"
    "    - {a: t1, b: r4, rate: 100Gbps}\n"
    "    - {a: t1, b: r2, rate: 100Gbps}\n"
    "    - {a: tail0, b: r0, rate: 100Gbps}\n"
    "    - {a: tail1, b: tail0, rate: 100Gbps}\n"
    "    - {a: a, b: r0, rate: 100Gbps}\n"
    "    - {a: b, b: r0, rate: 100Gbps}\n"
    "    - {a: b, b: r3, rate: 100Gbps}\n"
    "    - {a: c, b: t0, rate: 100Gbps}\n"
    "    - {a: d, b: t1, rate: 100Gbps}\n"
    "    - {a: e, b: tail1, rate: 100Gbps}\n"
    "    - {a: f, b: r2, rate: 100Gbps}\n"
    "    - {a: f, b: e, rate: 100Gbps}\n"
    "    - {a: f, b: lone, rate: 100Gbps}\n"
    "    - {a: g, b: r1, rate: 100Gbps}\n"
    "    - {a: g, b: lone, rate: 100Gbps}\n";

/* Appends printf-style text to the allocated string *Y. */
static void PRINTF_FMT(2, 3)
append(char **y, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *t = xvasprintf(fmt, ap);
    va_end(ap);
    char *both = xasprintf("%s%s", *y, t);
    free(t);
    free(*y);
    *y = both;
}

/* Two pods of a fat-tree-like fabric written out by hand, with one
 * edge-aggregation cable missing, so that two edge switches of a pod are
 * no longer twins. */
static char *
lopsided(void)
{
    char *y = xstrdup("name: r\ntopology:\n  type: explicit\n  nodes:\n");
#define ADD(...) append(&y, __VA_ARGS__)
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 2; i++) {
            ADD("    - {name: e%d%d, kind: switch}\n", p, i);
            ADD("    - {name: a%d%d, kind: switch}\n", p, i);
            ADD("    - {name: h%d%d, kind: host}\n", p, i);
        }
    for (int c = 0; c < 4; c++)
        ADD("    - {name: c%d, kind: switch}\n", c);
    ADD("  links:\n");
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 2; i++) {
            ADD("    - {a: h%d%d, b: e%d%d, rate: 100Gbps}\n", p, i, p, i);
            for (int j = 0; j < 2; j++)
                if (!(p == 1 && i == 1 && j == 0))
                    ADD("    - {a: e%d%d, b: a%d%d, rate: 100Gbps}\n", p, i,
                        p, j);
            for (int m = 0; m < 2; m++)
                ADD("    - {a: a%d%d, b: c%d, rate: 100Gbps}\n", p, i,
                    i * 2 + m);
        }
#undef ADD
    return y;
}


/* Hosts h0, h1 on s4, h2, h3 on s5, spines s6, s7, s8 between them,
 * listed out of id order so that only the names can give the ids. */
static const char ns3_ecmp_yaml[] =
    "topology:\n"
    "  type: explicit\n"
    "  nodes:\n"
    "    - {name: h3, kind: host}\n"
    "    - {name: h0, kind: host}\n"
    "    - {name: h2, kind: host}\n"
    "    - {name: h1, kind: host}\n"
    "    - {name: s7, kind: switch}\n"
    "    - {name: s5, kind: switch}\n"
    "    - {name: s8, kind: switch}\n"
    "    - {name: s4, kind: switch}\n"
    "    - {name: s6, kind: switch}\n"
    "  links:\n"
    "    - {a: h0, b: s4, rate: 100Gbps, delay: 1us}\n"
    "    - {a: h1, b: s4, rate: 100Gbps, delay: 1us}\n"
    "    - {a: h2, b: s5, rate: 100Gbps, delay: 1us}\n"
    "    - {a: h3, b: s5, rate: 100Gbps, delay: 1us}\n"
    "    - {a: s4, b: s6, rate: 400Gbps, delay: 1us}\n"
    "    - {a: s4, b: s7, rate: 400Gbps, delay: 1us}\n"
    "    - {a: s4, b: s8, rate: 400Gbps, delay: 1us}\n"
    "    - {a: s5, b: s6, rate: 400Gbps, delay: 1us}\n"
    "    - {a: s5, b: s7, rate: 400Gbps, delay: 1us}\n"
    "    - {a: s5, b: s8, rate: 400Gbps, delay: 1us}\n"
    "switch: {ecmp_hash: ns3}\n"
    "traffic: []\n";

/* switch.ecmp_hash: ns3, SwitchNode::EcmpHash and GetOutDev of the HPCC
 * simulator (ns3-ecmp.h). */
static void
test_ns3_ecmp(void)
{
    is_u64(ns3_node_ip(0), 0x0b000001u, "ns-3 host 0 is 11.0.0.1");
    is_u64(ns3_node_ip(238), 0x0b00ee01u, "host 238 is 0b00ee01 (fct.txt)");
    is_u64(ns3_node_ip(264), 0x0b010801u, "host 264 is 0b010801 (fct.txt)");
    is_u64(ns3_ports_word(10000, 100), 10000u | 100u << 16,
           "ports word: sport | dport << 16");
    is_u64(ns3_node_id("h12", 'h'), 12, "h12 is node 12");
    is_u64(ns3_node_id("s0", 's'), 0, "s0 is node 0");
    ok(ns3_node_id("s12", 'h') == UINT32_MAX &&
           ns3_node_id("h012", 'h') == UINT32_MAX &&
           ns3_node_id("h", 'h') == UINT32_MAX &&
           ns3_node_id("h1x", 'h') == UINT32_MAX &&
           ns3_node_id("h4294967295", 'h') == UINT32_MAX &&
           ns3_node_id("h99999999999", 'h') == UINT32_MAX,
       "other names are no simulator id");
    /* Vectors of an independent Python MurmurHash3_x86_32 over the 12
     * bytes (the three words little-endian), which gives the published
     * vectors ("" seed 1: 514E28B7, "Hello, world!" seed 9747B28C:
     * 24884CBA, ...). */
    static const struct {
        uint32_t src, dst, ports, seed, hash;
    } v[] = {
        { 0, 2, 10000 | 100u << 16, 4, 0x03e6c3e4u },
        { 238, 190, 10000 | 100u << 16, 334, 0xbba01afcu },
        { 1, 3, 10001 | 100u << 16, 4, 0xd3dcb2e4u },
        { 319, 0, 0xFFFFFFFFu, 375, 0xf26f5e3au },
        { 0, 0, 0, 0, 0xed127b5au },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        is_u64(ns3_ecmp_hash(ns3_node_ip(v[i].src), ns3_node_ip(v[i].dst),
                             v[i].ports, v[i].seed),
               v[i].hash, "EcmpHash(h%u, h%u, %08x, seed %u)", v[i].src,
               v[i].dst, v[i].ports, v[i].seed);
    is_u64(ns3_ecmp_hash(0, 0, 0, 0), 0xd941144bu, "EcmpHash of 12 zeros");
    /* Bytes 01 02 .. 0c: the words 0x04030201, 0x08070605, 0x0c0b0a09. */
    is_u64(ns3_ecmp_hash(0x04030201u, 0x08070605u, 0x0c0b0a09u, 0x9747b28cu),
           0x7a6c648cu, "EcmpHash of bytes 1..12, seed 9747b28c");

    /* Next hops: the search from h2 dequeues s5, then s5's neighbours by
     * decreasing id, s8, s7, s6; s4's group towards h2 is in that
     * order, and the hash (Python) modulo 3 indexes it. */
    static const struct {
        const char *src, *dst, *tor;
        const char *spine[4];     /* For sport 10000 .. 10003. */
    } f[] = {
        { "h0", "h2", "s4", { "s6", "s8", "s6", "s7" } },
        { "h1", "h2", "s4", { "s7", "s8", "s6", "s8" } },
        { "h2", "h0", "s5", { "s7", "s7", "s8", "s7" } },
        { "h3", "h1", "s5", { "s8", "s7", "s6", "s6" } },
    };
    /* Then with a second s4-s6 cable, which must change nothing but the
     * port (the groups keep three members, not four). */
    for (int twice = 0; twice < 2; twice++) {
        char yaml[sizeof ns3_ecmp_yaml + 64];
        const char *sw = strstr(ns3_ecmp_yaml, "switch:");
        static const char again[] =
            "    - {a: s4, b: s6, rate: 400Gbps, delay: 1us}\n";
        snprintf(yaml, sizeof yaml, "%.*s%s%s", (int)(sw - ns3_ecmp_yaml),
                 ns3_ecmp_yaml, twice ? again : "", sw);
        struct scenario scn;
        struct net *net = build(yaml, &scn);
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
            const struct node *tor = node_named(net, f[i].tor);
            const struct sw *s = CONTAINER_OF(tor, const struct sw, up);
            uint32_t src = node_named(net, f[i].src)->id;
            uint32_t dst = node_named(net, f[i].dst)->id;
            is_u64(s->ecmp_seed, ns3_node_id(f[i].tor, 's'),
                   "%s's seed is its simulator id", f[i].tor);
            for (uint16_t p = 0; p < 4; p++) {
                int out = switch_route(net, s, src, dst,
                                       ns3_ports_word(10000 + p, 100));
                const char *got = out < 0 ? "none"
                                          : tor->ports[out].link.peer->name;
                ok(!strcmp(got, f[i].spine[p]),
                   "%s%s -> %s port %u: via %s (%s)",
                   twice ? "s4-s6 cabled twice: " : "", f[i].src, f[i].dst,
                   10000 + p, f[i].spine[p], got);
                /* The simulator keeps one interface per neighbour: the
                 * later cable's. */
                if (twice && !strcmp(got, "s6"))
                    ok(out == tor->n_ports - 1 || strcmp(f[i].tor, "s4"),
                       "s4-s6 cabled twice: the later cable (port %d)", out);
            }
        }
        finish(net, &scn);
    }
}

int
main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_wire();
    test_pfc_frame();
    test_ib_packets();
    test_roce_icrc();
    test_fct();
    test_ecmp_balance();
    test_polarization();
    test_ns3_ecmp();
    test_loss();
    test_shared_pool();
    test_mmu_thresholds();
    test_ecn_kmax();
    test_ns3_pause_mid_frame();
    test_routes_generated();
    test_routes_withdrawn();
    test_routes_bounce();
    test_fwd_hints();
    check_routes("explicit, irregular", irregular);
    char *y = lopsided();
    check_routes("explicit, a fat-tree missing a cable", y);
    free(y);
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return done_testing();
}
