/* BGP messages' header and their TCP/IPv4 packet; see bgp-msg.h. */
#include "control/bgp-msg.h"

#include <string.h>

#include "pkt/pkt.h"

size_t
bgp_header_write(uint8_t *buf, uint16_t len, enum bgp_msg_type type)
{
    memset(buf, 0xFF, BGP_MARKER_BYTES);
    buf[16] = (uint8_t)(len >> 8);
    buf[17] = (uint8_t)len;
    buf[18] = (uint8_t)type;
    return BGP_HDR_BYTES;
}

void
bgp_msg_pkt(struct pkt *p, uint32_t src_ip, uint32_t dst_ip,
            uint32_t msg_bytes, uint8_t ttl, uint8_t tc)
{
    memset(p, 0, sizeof *p);
    p->flow_id = UINT32_MAX;
    p->payload_bytes = msg_bytes;
    p->hooks = PKT_HOOK_CTRL;
    p->framing = PKT_ETHERNET;
    p->eth.ethertype = ETHERTYPE_IPV4;
    /* Locally administered MACs carrying the addresses. */
    const uint32_t ips[2] = { dst_ip, src_ip };
    uint8_t *macs[2] = { p->eth.dst, p->eth.src };
    for (int i = 0; i < 2; i++) {
        macs[i][0] = 0x02;
        macs[i][1] = 0x00;
        for (int b = 0; b < 4; b++)
            macs[i][2 + b] = (uint8_t)(ips[i] >> (24 - 8 * b));
    }
    p->ip.src = src_ip;
    p->ip.dst = dst_ip;
    p->ip.ttl = ttl;
    p->ip.dscp = (uint8_t)(tc << 3);
    p->ip.proto = IPPROTO_NUM_TCP;
    bool listener = src_ip < dst_ip;
    p->l4.tcp.sport = listener ? BGP_PORT : 49152;
    p->l4.tcp.dport = listener ? 49152 : BGP_PORT;
    p->l4.tcp.flags = TCP_F_ACK | TCP_F_PSH;
    p->l4.tcp.window = 65535;
    pkt_set_lengths(p);
    pkt_set_5tuple_hash(p);
}
