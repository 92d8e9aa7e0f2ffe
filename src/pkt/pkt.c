/* Header sizes, serialization and the packet pool; see pkt.h. */
#include "pkt/pkt.h"

#include <stdlib.h>
#include <string.h>

#include "sim/crc32.h"
#include "sim/util.h"

uint32_t
wire_bytes_for_ip(uint32_t ip_bytes, bool vlan)
{
    uint32_t frame = ETH_HDR_BYTES + (vlan ? VLAN_TAG_BYTES : 0) + ip_bytes +
                     ETH_FCS_BYTES;
    if (frame < ETH_MIN_FRAME_BYTES)
        frame = ETH_MIN_FRAME_BYTES;
    return frame + ETH_PREAMBLE_BYTES + ETH_IFG_BYTES;
}

uint32_t
ib_packet_bytes(uint32_t hdr_bytes, uint32_t payload_bytes)
{
    return hdr_bytes + ((payload_bytes + 3) & ~3u);
}

uint32_t
pkt_frame_bytes(const struct pkt *p)
{
    if (p->framing == PKT_IB)
        return ib_packet_bytes(IB_LRH_BYTES + p->l4_extra + IB_VCRC_BYTES,
                               p->payload_bytes);
    if (p->framing == PKT_IB_FC)
        return IB_FC_PACKET_BYTES;
    if (p->framing == PKT_PPP)
        return PPP_HDR_BYTES + p->ip.total_len;
    uint32_t frame = ETH_HDR_BYTES + (p->eth.vlan ? VLAN_TAG_BYTES : 0) +
                     p->ip.total_len + ETH_FCS_BYTES;
    return frame < ETH_MIN_FRAME_BYTES ? ETH_MIN_FRAME_BYTES : frame;
}

uint32_t
pkt_wire_bytes(const struct pkt *p)
{
    if (p->framing != PKT_ETHERNET)
        return pkt_frame_bytes(p);
    return pkt_frame_bytes(p) + ETH_PREAMBLE_BYTES + ETH_IFG_BYTES;
}

void
pkt_set_lengths_other(struct pkt *p)
{
    if (p->framing == PKT_IB || p->framing == PKT_IB_FC) {
        p->frame_bytes = (uint16_t)pkt_frame_bytes(p);
        return;
    }
    /* RoCEv1: a GRH in place of IPv4 + UDP; ip.total_len carries the
     * length after the Ethernet header all the same. */
    sim_assert(p->eth.ethertype == ETHERTYPE_ROCEV1);
    p->ip.total_len = (uint16_t)(IB_GRH_BYTES + p->l4_extra +
                                 p->payload_bytes);
    p->frame_bytes = (uint16_t)pkt_frame_bytes(p);
}

static uint8_t *
put16(uint8_t *b, uint16_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
    return b + 2;
}

static uint8_t *
put32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
    return b + 4;
}

void
pkt_5tuple_bytes(const struct pkt *p, uint8_t out[13])
{
    uint8_t *b = out;
    b = put32(b, p->ip.src);
    b = put32(b, p->ip.dst);
    /* TCP and UDP both start with source and destination ports. */
    b = put16(b, p->l4.udp.sport);
    b = put16(b, p->l4.udp.dport);
    *b = p->ip.proto;
}

void
pkt_set_5tuple_hash(struct pkt *p)
{
    uint8_t t[13];
    pkt_5tuple_bytes(p, t);
    p->hash0 = crc32_update(0, t, sizeof t);
}

void
pkt_make_ib(struct pkt *p, uint32_t src_host, uint32_t dst_host, uint8_t tc)
{
    p->framing = PKT_IB;
    p->lrh.vl = tc;
    p->lrh.sl = tc;
    p->lrh.slid = pkt_host_lid(src_host);
    p->lrh.dlid = pkt_host_lid(dst_host);
}

void
pkt_set_route_hash(struct pkt *p)
{
    if (p->framing != PKT_IB) {
        pkt_set_5tuple_hash(p);
        return;
    }
    uint8_t dlid[2];
    put16(dlid, p->lrh.dlid);
    p->hash0 = crc32_update(0, dlid, sizeof dlid);
}

void
pkt_reverse(struct pkt *p)
{
    uint8_t mac[6];
    memcpy(mac, p->eth.src, 6);
    memcpy(p->eth.src, p->eth.dst, 6);
    memcpy(p->eth.dst, mac, 6);
    uint32_t ip = p->ip.src;
    p->ip.src = p->ip.dst;
    p->ip.dst = ip;
    uint16_t lid = p->lrh.slid;
    p->lrh.slid = p->lrh.dlid;
    p->lrh.dlid = lid;
}

/* P as a link-level control frame (a PFC pause, an IB flow-control
 * packet) of FRAMING and FRAME_BYTES: it carries no IP header and no
 * payload, and belongs to no flow. */
static void
make_link_control(struct pkt *p, enum pkt_framing framing,
                  uint16_t frame_bytes)
{
    memset(&p->ip, 0, sizeof p->ip);
    p->hooks = 0;
    p->payload_bytes = 0;
    p->flow_id = UINT32_MAX;
    p->framing = (uint8_t)framing;
    p->frame_bytes = frame_bytes;
}

void
pkt_make_ib_fc(struct pkt *p, uint8_t vl, uint32_t fctbs, uint32_t fccl)
{
    make_link_control(p, PKT_IB_FC, IB_FC_PACKET_BYTES);
    p->l4.fc.op = IB_FC_OP_NORMAL;
    p->l4.fc.vl = vl;
    p->l4.fc.fctbs = (uint16_t)(fctbs % IB_CREDIT_MOD);
    p->l4.fc.fccl = (uint16_t)(fccl % IB_CREDIT_MOD);
}

/* RFC 1071 Internet checksum over the LEN bytes at H (even) and SUM, a
 * sum of 16-bit words already taken (a pseudo-header). */
static uint16_t
ip_checksum(const uint8_t *h, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

void
pkt_make_pfc(struct pkt *p, const uint8_t src_mac[6], uint8_t enable,
             uint16_t quanta)
{
    static const uint8_t pfc_dst[6] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x01 };
    make_link_control(p, PKT_ETHERNET, PFC_FRAME_BYTES);
    memcpy(p->eth.dst, pfc_dst, 6);
    memcpy(p->eth.src, src_mac, 6);
    p->eth.vlan = false;
    p->eth.ethertype = ETHERTYPE_MAC_CONTROL;
    memset(&p->l4.pfc, 0, sizeof p->l4.pfc);
    p->l4.pfc.opcode = MAC_CONTROL_OPCODE_PFC;
    p->l4.pfc.enable = enable;
    for (int i = 0; i < 8; i++)
        if (enable >> i & 1)
            p->l4.pfc.quanta[i] = quanta;
}

/* MAC control: opcode, then for PFC the priority-enable vector (high
 * octet reserved, zero) and the eight timers, priority 0 first; the rest
 * of the minimum frame is zero padding. */
static void
serialize_mac_control(const struct pkt *p, uint8_t *b)
{
    b = put16(b, p->l4.pfc.opcode);
    b = put16(b, p->l4.pfc.enable);
    for (int i = 0; i < 8; i++)
        b = put16(b, p->l4.pfc.quanta[i]);
}

/* Does OPCODE's packet carry an AETH first among its extended headers
 * (IBTA table 38)? */
static bool
ib_has_aeth(uint8_t opcode)
{
    return opcode == IB_OP_ACK || opcode == IB_OP_READ_RESP_FIRST ||
           opcode == IB_OP_READ_RESP_LAST || opcode == IB_OP_READ_RESP_ONLY;
}

/* Whether OPCODE's packet carries a RETH (the first of a WRITE, a READ
 * request). */
static bool
ib_has_reth(uint8_t opcode)
{
    return opcode == IB_OP_WRITE_FIRST || opcode == IB_OP_WRITE_ONLY ||
           opcode == IB_OP_WRITE_ONLY_IMM || opcode == IB_OP_READ_REQUEST;
}

/* The BTH and extended headers of P at B (IBTA 9.2-9.4): RETH and
 * immediate data are zero (dcsim tracks no addresses), AETH carries the
 * syndrome and MSN; a CNP's 16 reserved bytes follow its BTH as zeros
 * (the caller cleared the buffer).  PAD is the BTH's PadCnt. */
static void
serialize_bth(const struct pkt *p, uint8_t *b, uint32_t pad)
{
    const struct roce_hdr *t = &p->l4.roce;
    *b++ = t->opcode;
    *b++ = (uint8_t)(pad << 4);                      /* SE 0, M 0, TVer 0. */
    b = put16(b, IB_PKEY_DEFAULT);
    /* FECN 0, BECN, reserved 0. */
    b = put32(b, (uint32_t)t->becn << 30 | (t->dest_qp & IB_PSN_MASK));
    b = put32(b, (uint32_t)t->ack_req << 31 | (t->psn & IB_PSN_MASK));
    if (ib_has_reth(t->opcode))
        b += IB_RETH_BYTES;
    else if (ib_has_aeth(t->opcode))
        b = put32(b, (uint32_t)t->syndrome << 24 | (t->msn & IB_PSN_MASK));
    (void)b;
}

/* The invariant CRC (IBTA 7.8.1; RoCE: Annex A16.4 and A17.3.3): CRC-32
 * over the packet from its first routing header to the ICRC, with the
 * fields a switch may change masked to ones: PRE_LRH 8 bytes of ones in
 * place of a LRH (RoCE), then HDR (HDR_BYTES of network headers and the
 * BTH, a copy that is masked here: MASK lists byte offsets and values to
 * OR in, ending at an offset of 0xFF), then REST.  Stored least
 * significant byte first, as the Linux rxe driver and ConnectX NICs do. */
static void
put_icrc(uint8_t *icrc, bool pre_lrh, const uint8_t *hdr, size_t hdr_bytes,
         const uint8_t (*mask)[2], const uint8_t *rest, size_t rest_bytes)
{
    static const uint8_t ones[8] = { 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF };
    uint8_t h[IB_GRH_BYTES + UDP_HDR_BYTES + IB_BTH_BYTES];
    sim_assert(hdr_bytes <= sizeof h);
    memcpy(h, hdr, hdr_bytes);
    for (; mask[0][0] != 0xFF; mask++)
        h[mask[0][0]] |= mask[0][1];
    uint32_t crc = 0xFFFFFFFFu;
    if (pre_lrh)
        crc = crc32_update(crc, ones, sizeof ones);
    crc = crc32_update(crc, h, hdr_bytes);
    crc = ~crc32_update(crc, rest, rest_bytes);
    for (int i = 0; i < 4; i++)
        icrc[i] = (uint8_t)(crc >> (8 * i));
}

uint32_t
pkt_roce_icrc(const uint8_t *ip, size_t ip_bytes)
{
    /* IPv4 TOS, TTL and header checksum; UDP checksum; BTH resv8a. */
    static const uint8_t mask[][2] = {
        { 1, 0xFF }, { 8, 0xFF }, { 10, 0xFF }, { 11, 0xFF },
        { IPV4_HDR_BYTES + 6, 0xFF }, { IPV4_HDR_BYTES + 7, 0xFF },
        { IPV4_HDR_BYTES + UDP_HDR_BYTES + 4, 0xFF }, { 0xFF, 0 },
    };
    size_t hdr = IPV4_HDR_BYTES + UDP_HDR_BYTES + IB_BTH_BYTES;
    sim_assert(ip_bytes >= hdr + IB_ICRC_BYTES);
    uint8_t icrc[4];
    put_icrc(icrc, true, ip, hdr, mask, ip + hdr,
             ip_bytes - hdr - IB_ICRC_BYTES);
    return (uint32_t)icrc[0] << 24 | (uint32_t)icrc[1] << 16 |
           (uint32_t)icrc[2] << 8 | icrc[3];
}

/* Writes the ICRC of the RoCE v2 datagram at IP into its last bytes. */
static void
put_roce_icrc(uint8_t *ip, size_t ip_bytes)
{
    uint32_t icrc = pkt_roce_icrc(ip, ip_bytes);
    put32(ip + ip_bytes - IB_ICRC_BYTES, icrc);
}

/* RoCE v1 (IBTA Annex A16): a GRH in place of IPv4 and UDP, then the BTH.
 * The GIDs are the hosts' IPv4 addresses mapped into IPv6
 * (::ffff:a.b.c.d, as RoCE NICs derive them); traffic class from the
 * DSCP and ECN, hop limit from the TTL; the ICRC masks the traffic
 * class, flow label and hop limit. */
static void
serialize_rocev1(const struct pkt *p, uint8_t *b)
{
    static const uint8_t mask[][2] = {
        { 0, 0x0F }, { 1, 0xFF }, { 2, 0xFF }, { 3, 0xFF }, { 7, 0xFF },
        { IB_GRH_BYTES + 4, 0xFF }, { 0xFF, 0 },
    };
    static const uint8_t next_bth = 0x1B;   /* IBTA 8.3.1: a BTH follows. */
    uint8_t *grh = b;
    uint8_t tclass = (uint8_t)((p->ip.dscp & 0x3F) << 2 | (p->ip.ecn & 3));
    b = put32(b, 6u << 28 | (uint32_t)tclass << 20);
    b = put16(b, (uint16_t)(p->ip.total_len - IB_GRH_BYTES));
    *b++ = next_bth;
    *b++ = p->ip.ttl;
    for (int i = 0; i < 2; i++) {
        uint32_t addr = i ? p->ip.dst : p->ip.src;
        b += 10;
        b = put16(b, 0xFFFF);
        b = put32(b, addr);
    }
    serialize_bth(p, b, 0);
    size_t hdr = IB_GRH_BYTES + IB_BTH_BYTES;
    size_t icrc_at = p->ip.total_len - IB_ICRC_BYTES;
    uint8_t icrc[4];
    put_icrc(icrc, true, grh, hdr, mask, grh + hdr, icrc_at - hdr);
    memcpy(grh + icrc_at, icrc, 4);
}

/* A native IB data packet (IBTA 7.7, 9.2): LRH, BTH, extended headers,
 * payload and pad, ICRC, VCRC.  RETH, ImmDt and payload are zero; the
 * ICRC is computed, the VCRC is not (zero). */
static void
serialize_ib(const struct pkt *p, uint8_t *b, size_t len)
{
    /* LRH VL; BTH resv8a. */
    static const uint8_t mask[][2] = {
        { 0, 0xF0 }, { IB_LRH_BYTES + 4, 0xFF }, { 0xFF, 0 },
    };
    uint8_t *start = b;
    uint32_t pad = (4 - (p->payload_bytes & 3)) & 3;
    *b++ = (uint8_t)(p->lrh.vl << 4);                /* VL, LVer 0. */
    *b++ = (uint8_t)(p->lrh.sl << 4 | IB_LNH_IBA_LOCAL);
    b = put16(b, p->lrh.dlid);
    /* PktLen: 4-byte words from the LRH through the ICRC. */
    b = put16(b, (uint16_t)((len - IB_VCRC_BYTES) / 4 & 0x7FF));
    b = put16(b, p->lrh.slid);
    serialize_bth(p, b, pad);
    size_t hdr = IB_LRH_BYTES + IB_BTH_BYTES;
    size_t icrc_at = len - IB_VCRC_BYTES - IB_ICRC_BYTES;
    put_icrc(start + icrc_at, false, start, hdr, mask, start + hdr,
             icrc_at - hdr);
}

/* A flow-control packet (IBTA 7.9.4): Op, FCTBS, VL, FCCL; LPCRC zero. */
static void
serialize_ib_fc(const struct pkt *p, uint8_t *b)
{
    const struct ib_fc_hdr *fc = &p->l4.fc;
    b = put16(b, (uint16_t)(fc->op << 12 | (fc->fctbs & 0xFFF)));
    put16(b, (uint16_t)(fc->vl << 12 | (fc->fccl & 0xFFF)));
}

size_t
pkt_serialize(const struct pkt *p, uint8_t *buf, size_t cap)
{
    /* The parser refuses monitor.pcap with fabric: ns3, whose RDMA
     * headers are the simulator's, not bytes of a real protocol. */
    sim_assert(p->framing != PKT_PPP);
    if (p->framing != PKT_ETHERNET) {
        size_t len = pkt_frame_bytes(p);
        sim_assert(cap >= len);
        memset(buf, 0, len);
        if (p->framing == PKT_IB)
            serialize_ib(p, buf, len);
        else
            serialize_ib_fc(p, buf);
        return len;
    }
    size_t frame = (p->eth.ethertype == ETHERTYPE_MAC_CONTROL
                        ? PFC_FRAME_BYTES
                        : pkt_frame_bytes(p)) -
                   ETH_FCS_BYTES;
    sim_assert(cap >= frame);
    memset(buf, 0, frame);
    uint8_t *b = buf;
    memcpy(b, p->eth.dst, 6);
    memcpy(b + 6, p->eth.src, 6);
    b += 12;
    if (p->eth.vlan) {
        b = put16(b, ETHERTYPE_VLAN);
        b = put16(b, (uint16_t)((p->eth.pcp & 7) << 13 | (p->eth.vid & 0xFFF)));
    }
    b = put16(b, p->eth.ethertype);
    if (p->eth.ethertype == ETHERTYPE_MAC_CONTROL) {
        serialize_mac_control(p, b);
        return frame;
    }

    if (p->eth.ethertype == ETHERTYPE_ROCEV1) {
        serialize_rocev1(p, b);
        return frame;
    }
    uint8_t *ip = b;
    *b++ = 0x45; /* Version 4, IHL 5 words. */
    *b++ = (uint8_t)((p->ip.dscp & 0x3F) << 2 | (p->ip.ecn & 3));
    b = put16(b, p->ip.total_len);
    b = put16(b, p->ip.id);
    b = put16(b, 0x4000); /* DF, fragment offset 0. */
    *b++ = p->ip.ttl;
    *b++ = p->ip.proto;
    uint8_t *csum = b;
    b = put16(b, 0);
    b = put32(b, p->ip.src);
    b = put32(b, p->ip.dst);
    put16(csum, ip_checksum(ip, IPV4_HDR_BYTES, 0));

    if (p->ip.proto == IPPROTO_NUM_UDP) {
        b = put16(b, p->l4.udp.sport);
        b = put16(b, p->l4.udp.dport);
        b = put16(b, p->l4.udp.len);
        b = put16(b, 0); /* Checksum optional over IPv4 (RFC 768). */
        if (p->l4.udp.dport == ROCE_UDP_PORT) {
            serialize_bth(p, b, 0);
            put_roce_icrc(ip, p->ip.total_len);
        }
    } else if (p->ip.proto == IPPROTO_NUM_TCP) {
        uint8_t *tcp = b;
        b = put16(b, p->l4.tcp.sport);
        b = put16(b, p->l4.tcp.dport);
        b = put32(b, p->l4.tcp.seq);
        b = put32(b, p->l4.tcp.ack);
        *b++ = (TCP_HDR_BYTES / 4) << 4;
        *b++ = p->l4.tcp.flags;
        b = put16(b, p->l4.tcp.window);
        csum = b;
        b = put16(b, 0);
        b = put16(b, 0); /* Urgent pointer. */
        /* RFC 9293 3.1: over the pseudo-header (addresses, protocol,
         * TCP length) and the segment, whose payload bytes are zero. */
        uint32_t pseudo = (p->ip.src >> 16) + (p->ip.src & 0xFFFF) +
                          (p->ip.dst >> 16) + (p->ip.dst & 0xFFFF) +
                          IPPROTO_NUM_TCP +
                          (uint32_t)(p->ip.total_len - IPV4_HDR_BYTES);
        put16(csum, ip_checksum(tcp, TCP_HDR_BYTES, pseudo));
    }
    return frame;
}

uint32_t
pkt_host_ip(uint32_t host_index)
{
    /* 10.0.0.0/8; .0 and .255 in the last octet are avoided by using
     * 250 hosts per /24. */
    uint32_t x = host_index % 250 + 1;
    uint32_t net = host_index / 250;
    return (10u << 24) | ((net >> 8 & 0xFF) << 16) | ((net & 0xFF) << 8) | x;
}

void
pkt_host_mac(uint32_t host_index, uint8_t mac[6])
{
    /* Locally administered unicast: 02:dc:xx:xx:xx:xx. */
    mac[0] = 0x02;
    mac[1] = 0xdc;
    mac[2] = (uint8_t)(host_index >> 24);
    mac[3] = (uint8_t)(host_index >> 16);
    mac[4] = (uint8_t)(host_index >> 8);
    mac[5] = (uint8_t)host_index;
}

/* With INT, PKT_SLAB_PKTS slots of sizeof(struct pkt) bytes follow
 * `pkts` in the same allocation (pkt.h). */
struct pkt_slab {
    struct pkt_slab *next;
    struct pkt pkts[PKT_SLAB_PKTS];
};

_Static_assert(sizeof(struct int_hdr) <= sizeof(struct pkt),
               "an INT slot is the size of a packet");
_Static_assert(offsetof(struct pkt_slab, pkts) +
                       PKT_SLAB_PKTS * sizeof(struct pkt) ==
                   sizeof(struct pkt_slab),
               "INT slots start where the packets end");
_Static_assert(sizeof(struct pkt_slab) <= HUGE_PAGE_BYTES &&
                   sizeof(struct pkt_slab) + sizeof(struct pkt) >
                       HUGE_PAGE_BYTES,
               "a slab fills one huge page");

void
pkt_pool_init(struct pkt_pool *pool)
{
    memset(pool, 0, sizeof *pool);
}

void
pkt_pool_enable_int(struct pkt_pool *pool)
{
    sim_assert(!pool->slabs);
    pool->with_int = true;
}

void
pkt_pool_uninit(struct pkt_pool *pool)
{
    struct pkt_slab *s = pool->slabs;
    while (s) {
        struct pkt_slab *next = s->next;
        free(s);
        s = next;
    }
    memset(pool, 0, sizeof *pool);
}

struct pkt *
pkt_alloc_fresh(struct pkt_pool *pool)
{
    if (pool->fresh == pool->fresh_end) {
        /* Cache-line aligned, as struct pkt asks: malloc() alone aligns
         * to 16 bytes, which would split each packet's hot line in
         * two.  The first slab on ordinary pages, the rest on huge ones
         * (pkt.h). */
        size_t size = sizeof(struct pkt_slab) +
                      (pool->with_int ? PKT_SLAB_PKTS * sizeof(struct pkt) : 0);
        struct pkt_slab *s =
            pool->slabs ? xmalloc_huge(size)
                        : xmalloc_aligned(_Alignof(struct pkt_slab), size);
        s->next = pool->slabs;
        pool->slabs = s;
        pool->fresh = s->pkts;
        pool->fresh_end = s->pkts + PKT_SLAB_PKTS;
        pool->allocated += PKT_SLAB_PKTS;
    }
    struct pkt *p = pool->fresh++;
    if (++pool->in_use > pool->peak_in_use)
        pool->peak_in_use = pool->in_use;
    p->next = NULL;
    p->fwd_hint = 0;
    return p;
}

_Static_assert(offsetof(struct pkt, seq) <= 64,
               "per-hop fields must fit the first cache line");
