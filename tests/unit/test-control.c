/* BGP messages (control/bgp-msg.h): the 19-byte header laid out as RFC
 * 4271 section 4.1 says, the sizes of OPEN, KEEPALIVE and UPDATE derived
 * by hand from sections 4.2 to 4.4 and RFC 6793, and the TCP/IPv4 frame
 * that carries one message between two switches. */
#include <string.h>

#include "control/bgp-msg.h"
#include "pkt/pkt.h"
#include "tap.h"

int
main(void)
{
    uint8_t hdr[BGP_HDR_BYTES];
    size_t n = bgp_header_write(hdr, 0x1234, BGP_UPDATE);
    bool marker = true;
    for (int i = 0; i < 16; i++)
        marker &= hdr[i] == 0xFF;
    ok(n == 19 && marker && hdr[16] == 0x12 && hdr[17] == 0x34 &&
           hdr[18] == 2,
       "header: 16 bytes of ones, the length big-endian, the type (%zu B)",
       n);

    is_u64(BGP_KEEPALIVE_BYTES, 19, "KEEPALIVE: the header alone");
    /* 29 + three capabilities in parameters of their own: multiprotocol
     * 2 + 2 + 4, four-octet AS 2 + 2 + 4, route refresh 2 + 2. */
    is_u64(BGP_OPEN_BYTES, 29 + 8 + 8 + 4, "OPEN with three capabilities");
    /* Withdrawing one /24: 19 + 2 + (1 + 3) + 2. */
    is_u64(bgp_update_bytes(bgp_prefix_bytes(24), 0, 0), 27,
           "UPDATE withdrawing one /24");
    /* Announcing one /24 with an AS_PATH of one four-octet ASN: ORIGIN
     * 3 + 1, AS_PATH 3 + 2 + 4, NEXT_HOP 3 + 4, NLRI 1 + 3. */
    uint32_t attrs = BGP_ATTR_ORIGIN_BYTES + bgp_as_path_bytes(1) +
                     BGP_ATTR_NEXT_HOP_BYTES;
    is_u64(attrs, 20, "ORIGIN, AS_PATH of one ASN and NEXT_HOP: 20 B");
    is_u64(bgp_update_bytes(0, attrs, bgp_prefix_bytes(24)), 47,
           "UPDATE announcing one /24");
    /* 63 ASNs fill a one-byte length (2 + 252 = 254); 64 need two. */
    is_u64(bgp_as_path_bytes(63), 3 + 254, "AS_PATH of 63 ASNs");
    is_u64(bgp_as_path_bytes(64), 4 + 258,
           "AS_PATH of 64 ASNs: the extended length");
    is_u64(bgp_prefix_bytes(17), 4, "a /17: 1 + 3 bytes");

    struct pkt p;
    bgp_msg_pkt(&p, pkt_switch_ip(1), pkt_switch_ip(0), 27, 1, 6);
    /* 14 + 20 + 20 + 27 + 4 = 85 bytes of frame, 105 on the wire. */
    is_u64(p.frame_bytes, 85, "a 27-byte message: an 85-byte frame");
    is_u64(pkt_wire_bytes(&p), 105, "105 bytes on the wire");
    ok(p.ip.ttl == 1 && p.ip.dscp == 48 && p.ip.proto == IPPROTO_NUM_TCP &&
           p.l4.tcp.dport == BGP_PORT && p.l4.tcp.sport != BGP_PORT &&
           p.flow_id == UINT32_MAX && (p.hooks & PKT_HOOK_CTRL),
       "TTL 1, DSCP CS6, TCP to port 179 from the higher address, no "
       "flow, hooked");
    uint8_t buf[128];
    size_t len = pkt_serialize(&p, buf, sizeof buf);
    ok(len == 81 && buf[34] == 0xC0 && buf[35] == 0x00 && buf[36] == 0 &&
           buf[37] == BGP_PORT && buf[26] == 0xAC && buf[29] == 1,
       "serialized: %zu bytes, ports and switch addresses in place", len);
    return done_testing();
}
