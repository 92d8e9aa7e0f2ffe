/* VXLAN and Geneve headers, sizes and serialization; see encap.h. */
#include "overlay/encap.h"

#include <string.h>

#include "sim/util.h"

/* Writes the N low bytes of V at B in network order; returns the end. */
static uint8_t *
put_be(uint8_t *b, uint32_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
    return b + n;
}

static uint32_t
tunnel_hdr_bytes(const struct encap *e)
{
    return e->kind == ENCAP_VXLAN ? VXLAN_HDR_BYTES
                                  : GENEVE_BASE_BYTES + e->opt_bytes;
}

uint32_t
encap_overhead_bytes(const struct encap *e)
{
    if (e->kind == ENCAP_VLAN)
        return VLAN_TAG_BYTES;
    return ETH_HDR_BYTES + IPV4_HDR_BYTES + UDP_HDR_BYTES +
           tunnel_hdr_bytes(e);
}

uint32_t
encap_ip_overhead_bytes(const struct encap *e)
{
    return e->kind == ENCAP_VLAN ? 0 : encap_overhead_bytes(e);
}

const char *
encap_name(const struct encap *e)
{
    static const char *const names[] = {
        [ENCAP_VXLAN] = "vxlan",
        [ENCAP_GENEVE] = "geneve",
        [ENCAP_VLAN] = "vlan",
    };
    return names[e->kind];
}

uint16_t
encap_dport(const struct encap *e)
{
    return e->kind == ENCAP_VXLAN ? VXLAN_UDP_PORT : GENEVE_UDP_PORT;
}

uint16_t
encap_sport(const struct encap *e, uint32_t inner_hash)
{
    if (e->fixed_sport)
        return e->sport;
    /* Fold the 32-bit hash into the 14 bits of the dynamic range. */
    uint32_t h = inner_hash ^ (inner_hash >> 14) ^ (inner_hash >> 28);
    return (uint16_t)(ENCAP_SPORT_MIN + (h & 0x3FFF));
}

uint32_t
encap_outer_hash(const struct encap *e, const struct encap_outer *o)
{
    /* The outer headers' 5-tuple, hashed as any packet's. */
    struct pkt outer;
    memset(&outer, 0, sizeof outer);
    outer.ip.src = o->src_ip;
    outer.ip.dst = o->dst_ip;
    outer.ip.proto = IPPROTO_NUM_UDP;
    outer.l4.udp.sport = o->sport;
    outer.l4.udp.dport = encap_dport(e);
    pkt_set_5tuple_hash(&outer);
    return outer.hash0;
}

uint32_t
encap_frame_bytes(const struct encap *e, const struct pkt *inner)
{
    if (e->kind == ENCAP_VLAN)
        return wire_bytes_for_ip(inner->ip.total_len, true) -
               ETH_PREAMBLE_BYTES - ETH_IFG_BYTES;
    /* The inner frame loses its FCS; the outer frame brings one. */
    return pkt_frame_bytes(inner) + encap_overhead_bytes(e);
}

uint32_t
encap_outer_ip_bytes(const struct encap *e, const struct pkt *inner)
{
    if (e->kind == ENCAP_VLAN)
        return inner->ip.total_len;
    return encap_frame_bytes(e, inner) - ETH_HDR_BYTES - ETH_FCS_BYTES;
}

/* A Geneve option of class GENEVE_OPT_CLASS, TYPE and LEN bytes (its
 * header included) at B; its data zero.  Returns where the data starts. */
static uint8_t *
put_option(uint8_t *b, uint8_t type, uint32_t len)
{
    b = put_be(b, GENEVE_OPT_CLASS, 2);
    *b++ = type;                   /* Not critical: the high bit is 0. */
    *b++ = (uint8_t)((len - GENEVE_OPT_HDR_BYTES) / 4);
    return b;
}

/* The tunnel header and options of O at B; returns the end. */
static uint8_t *
serialize_tunnel(const struct encap *e, const struct encap_outer *o,
                 uint8_t *b)
{
    if (e->kind == ENCAP_VXLAN) {
        *b = VXLAN_FLAG_I;
        put_be(b + 4, o->vni & VNI_MAX, 3);
        return b + VXLAN_HDR_BYTES;
    }
    *b++ = (uint8_t)(e->opt_bytes / 4);  /* Version 0, Opt Len. */
    *b++ = 0;                            /* O, C, reserved. */
    b = put_be(b, GENEVE_PROTO_ETHERNET, 2);
    b = put_be(b, o->vni & VNI_MAX, 3);
    b++;                                 /* Reserved. */
    uint32_t left = e->opt_bytes;
    if (o->has_identity) {
        sim_assert(left >= GENEVE_IDENTITY_OPT_BYTES);
        b = put_option(b, GENEVE_OPT_TYPE_IDENTITY,
                       GENEVE_IDENTITY_OPT_BYTES);
        b = put_be(b, o->identity, 4);
        left -= GENEVE_IDENTITY_OPT_BYTES;
    }
    /* The rest as filler TLVs of at most 4 + 124 bytes each. */
    while (left > 0) {
        uint32_t len = left < GENEVE_OPT_HDR_BYTES + 124
                           ? left
                           : GENEVE_OPT_HDR_BYTES + 124;
        b = put_option(b, GENEVE_OPT_TYPE_FILL, len);
        b += len - GENEVE_OPT_HDR_BYTES;   /* Data, zero. */
        left -= len;
    }
    return b;
}

size_t
encap_serialize(const struct encap *e, const struct encap_outer *o,
                const struct pkt *inner, uint8_t *buf, size_t cap)
{
    /* The outer headers are a UDP packet's; pkt_serialize() lays them
     * out (with the IPv4 checksum), and the tunnel header and the inner
     * frame are its payload. */
    if (e->kind == ENCAP_VLAN) {
        struct pkt tagged = *inner;
        tagged.eth.vlan = true;
        tagged.eth.vid = (uint16_t)o->vni;
        return pkt_serialize(&tagged, buf, cap);
    }
    uint32_t inner_bytes = pkt_frame_bytes(inner) - ETH_FCS_BYTES;
    struct pkt outer;
    memset(&outer, 0, sizeof outer);
    memcpy(outer.eth.dst, o->dst_mac, 6);
    memcpy(outer.eth.src, o->src_mac, 6);
    outer.eth.ethertype = ETHERTYPE_IPV4;
    outer.ip.src = o->src_ip;
    outer.ip.dst = o->dst_ip;
    outer.ip.ttl = o->ttl;
    outer.ip.proto = IPPROTO_NUM_UDP;
    outer.ip.dscp = inner->ip.dscp;  /* RFC 7348 section 5: copy the ToS. */
    outer.l4.udp.sport = o->sport;
    outer.l4.udp.dport = encap_dport(e);
    outer.payload_bytes = tunnel_hdr_bytes(e) + inner_bytes;
    pkt_set_lengths(&outer);
    size_t n = pkt_serialize(&outer, buf, cap);
    sim_assert(n == encap_frame_bytes(e, inner) - ETH_FCS_BYTES);
    uint8_t *b = buf + ETH_HDR_BYTES + IPV4_HDR_BYTES + UDP_HDR_BYTES;
    b = serialize_tunnel(e, o, b);
    size_t m = pkt_serialize(inner, b, cap - (size_t)(b - buf));
    sim_assert(m == inner_bytes);
    return n;
}
