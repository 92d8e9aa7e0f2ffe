/* Unit tests of src/overlay/encap.c: the VXLAN (RFC 7348 section 5) and
 * Geneve (RFC 8926 section 3) layouts against hand-assembled bytes, their
 * overheads, an 802.1Q VLAN segment's tag, and the outer source port's
 * entropy. */
#include <string.h>

#include "overlay/encap.h"
#include "sim/crc32.h"
#include "tap.h"

/* A TCP segment from 10.0.0.1 to 10.0.0.2 with PAYLOAD bytes. */
static void
make_inner(struct pkt *p, uint32_t payload)
{
    memset(p, 0, sizeof *p);
    pkt_host_mac(0, p->eth.src);
    pkt_host_mac(1, p->eth.dst);
    p->eth.ethertype = ETHERTYPE_IPV4;
    p->ip.src = 0x0A000001;
    p->ip.dst = 0x0A000002;
    p->ip.proto = IPPROTO_NUM_TCP;
    p->ip.ttl = 64;
    p->ip.dscp = 10;
    p->l4.tcp.sport = 40000;
    p->l4.tcp.dport = 5001;
    p->payload_bytes = payload;
    pkt_set_lengths(p);
    pkt_set_5tuple_hash(p);
}

static const struct encap_outer outer = {
    .dst_mac = { 0x02, 0, 0, 0, 0, 0x22 },
    .src_mac = { 0x02, 0, 0, 0, 0, 0x11 },
    .src_ip = 0xAC100001,      /* 172.16.0.1 */
    .dst_ip = 0xAC100002,      /* 172.16.0.2 */
    .sport = 0xC123,
    .vni = 0x123456,
    .ttl = 64,
};

static void
test_vxlan(void)
{
    struct encap e = { .kind = ENCAP_VXLAN };
    is_u64(encap_overhead_bytes(&e), 50,
           "VXLAN: 14 + 20 + 8 + 8 = 50 B of overhead");
    is_u64(encap_dport(&e), 4789, "VXLAN: UDP port 4789");
    struct pkt in;
    make_inner(&in, 1410);
    /* Inner: 14 + 20 + 20 + 1410 + 4 = 1468 B frame, IP 1450. */
    is_u64(pkt_frame_bytes(&in), 1468, "inner frame 1468 B");
    is_u64(encap_frame_bytes(&e, &in), 1518, "tunnel frame 1518 B");
    is_u64(encap_outer_ip_bytes(&e, &in), 1500,
           "an inner 1450 B IP MTU fills a 1500 B underlay exactly");

    uint8_t buf[2048], want_inner[2048];
    memset(buf, 0x55, sizeof buf);
    size_t n = encap_serialize(&e, &outer, &in, buf, sizeof buf);
    is_u64(n, 1514, "written without the FCS: 1514 B");
    /* Hand-assembled outer headers. */
    static const uint8_t hdr[50] = {
        0x02, 0, 0, 0, 0, 0x22, 0x02, 0, 0, 0, 0, 0x11, 0x08, 0x00,
        0x45, 10 << 2, 0x05, 0xDC, 0, 0, 0x40, 0, 64, 17, 0, 0,
        172, 16, 0, 1, 172, 16, 0, 2,
        0xC1, 0x23, 0x12, 0xB5, 0x05, 0xC8, 0, 0,
        0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0,
    };
    uint8_t got[50];
    memcpy(got, buf, 50);
    got[24] = got[25] = 0;  /* The checksum, checked below. */
    ok(!memcmp(got, hdr, 50),
       "outer Ethernet, IPv4 (length 1500, DSCP copied, UDP), UDP "
       "0xC123 -> 4789 length 1480, VXLAN I flag and VNI 0x123456");
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(buf[14 + i] << 8 | buf[15 + i]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    ok(sum == 0xFFFF, "outer IPv4 checksum is valid");
    size_t m = pkt_serialize(&in, want_inner, sizeof want_inner);
    ok(m == 1464 && !memcmp(buf + 50, want_inner, m),
       "the inner frame follows whole, without its FCS (%zu B)", m);
    ok(buf[n] == 0x55, "nothing written past the frame");
}

static void
test_geneve(void)
{
    struct encap e = { .kind = ENCAP_GENEVE, .opt_bytes = 8 };
    is_u64(encap_overhead_bytes(&e), 58,
           "Geneve with an 8 B option: 50 + 8 = 58 B");
    is_u64(encap_dport(&e), 6081, "Geneve: UDP port 6081");
    struct pkt in;
    make_inner(&in, 100);
    uint8_t buf[512];
    size_t n = encap_serialize(&e, &outer, &in, buf, sizeof buf);
    is_u64(n, 58 + 14 + 20 + 20 + 100, "Geneve frame without FCS");
    ok(buf[36] == 0x17 && buf[37] == 0xC1, "UDP destination 6081");
    static const uint8_t gen[16] = {
        0x02, 0x00, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00,  /* Base. */
        0xFF, 0xFF, 0x00, 0x01, 0, 0, 0, 0,              /* One TLV. */
    };
    ok(!memcmp(buf + 42, gen, 16),
       "base header: Opt Len 2 words, protocol 0x6558, VNI; a filler "
       "option: class 0xFFFF (experimental), type 0, length 1 word, 4 B "
       "of zeros");
    ok(buf[58] == 0x02 && buf[70] == 0x08 && buf[71] == 0x00,
       "the inner frame starts after the option");

    /* The identity option, as early Cilium wrote it: class 0xffff, type
     * 1, one word of data holding the 32-bit identity. */
    struct encap_outer o = outer;
    o.has_identity = true;
    o.identity = 0x0001E240;   /* 123456 */
    e.opt_bytes = 16;
    n = encap_serialize(&e, &o, &in, buf, sizeof buf);
    static const uint8_t idopt[24] = {
        0x04, 0x00, 0x65, 0x58, 0x12, 0x34, 0x56, 0x00,  /* Base. */
        0xFF, 0xFF, 0x01, 0x01, 0x00, 0x01, 0xE2, 0x40,  /* Identity. */
        0xFF, 0xFF, 0x00, 0x01, 0, 0, 0, 0,              /* Filler. */
    };
    ok(n == 66 + 14 + 20 + 20 + 100 && !memcmp(buf + 42, idopt, 24),
       "identity 123456: option class 0xFFFF, type 1, length 1 word, "
       "data 00 01 e2 40, then 8 B of filler option");

    e.opt_bytes = 252;
    n = encap_serialize(&e, &outer, &in, buf, sizeof buf);
    ok(buf[42] == 63 && buf[50 + 3] == 31 && buf[50 + 128 + 3] == 30,
       "252 option bytes: Opt Len 63, TLVs of 128 and 124 B");
}

static void
test_vlan(void)
{
    struct encap e = { .kind = ENCAP_VLAN };
    is_u64(encap_overhead_bytes(&e), 4, "VLAN: a 4 B 802.1Q tag");
    is_u64(encap_ip_overhead_bytes(&e), 0,
           "VLAN: the tag is outside the IP datagram");
    struct pkt in;
    make_inner(&in, 1410);
    is_u64(encap_frame_bytes(&e, &in), 1472, "tagged frame 1468 + 4 B");
    is_u64(encap_outer_ip_bytes(&e, &in), 1450, "IP datagram unchanged");
    make_inner(&in, 0);
    is_u64(encap_frame_bytes(&e, &in), 64,
           "a minimum frame's padding absorbs the tag (64 B either way)");
    struct encap_outer o = outer;
    o.vni = 4094;
    uint8_t buf[128];
    size_t n = encap_serialize(&e, &o, &in, buf, sizeof buf);
    static const uint8_t tag[6] = { 0x81, 0x00, 0x0F, 0xFE, 0x08, 0x00 };
    ok(n == 60 && !memcmp(buf + 12, tag, 6) && buf[18] == 0x45,
       "serialized: TPID 0x8100, PCP 0, VID 4094, then EtherType IPv4");
    ok(!strcmp(encap_name(&e), "vlan"), "named vlan in scenarios");
}

static void
test_sport(void)
{
    struct encap e = { .kind = ENCAP_VXLAN };
    struct pkt in;
    uint32_t lo = 65535, hi = 0, distinct = 0;
    static uint8_t seen[16384];
    for (uint16_t s = 0; s < 1000; s++) {
        make_inner(&in, 100);
        in.l4.tcp.sport = (uint16_t)(30000 + s);
        pkt_set_5tuple_hash(&in);
        uint16_t sp = encap_sport(&e, in.hash0);
        lo = sp < lo ? sp : lo;
        hi = sp > hi ? sp : hi;
        distinct += !seen[sp - ENCAP_SPORT_MIN]++;
    }
    diag("1000 inner flows: outer source ports %u..%u, %u distinct", lo, hi,
         distinct);
    ok(lo >= 49152 && hi <= 65535, "hashed source ports in 49152..65535");
    ok(distinct > 950, "1000 inner flows give more than 950 distinct ports");
    e.fixed_sport = true;
    e.sport = 50000;
    is_u64(encap_sport(&e, in.hash0), 50000, "fixed source port");
    struct encap_outer o = outer;
    o.sport = 50000;
    uint8_t t[13] = { 172, 16, 0, 1, 172, 16, 0, 2, 0xC3, 0x50, 0x12, 0xB5, 17 };
    is_u64(encap_outer_hash(&e, &o), crc32_update(0, t, 13),
           "ECMP hashes the outer 5-tuple");
}

int
main(void)
{
    test_vxlan();
    test_geneve();
    test_vlan();
    test_sport();
    return done_testing();
}
