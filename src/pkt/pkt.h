/* Packets: header fields, sizes on the wire, and the packet pool.
 *
 * A packet carries its headers as fields (not as bytes) so that the fabric
 * can read them cheaply; pkt_serialize() lays them out byte for byte as on
 * the wire (for traces and for tests of the layouts).  Sizes follow the
 * standards:
 *   Ethernet II header 14 B (+4 B for an IEEE 802.1Q tag), FCS 4 B,
 *   minimum frame 64 B including FCS, preamble + SFD 8 B, inter-frame gap
 *   12 B (IEEE 802.3 clause 3 and 4);
 *   IPv4 header 20 B without options (RFC 791), UDP 8 B (RFC 768),
 *   TCP 20 B without options (RFC 9293);
 *   native InfiniBand (IBTA Vol 1 ch. 7): local route header (LRH) 8 B,
 *   then the transport headers, the invariant CRC 4 B and the variant CRC
 *   (VCRC) 2 B; no preamble, inter-frame gap or minimum size: a packet
 *   occupies the wire for exactly its bytes at the link's data rate.
 *
 * Ownership: a packet has exactly one owner at a time (a queue, a link, a
 * host).  Whoever drops it frees it with pkt_free() after counting the
 * drop with its reason. */
#ifndef DCSIM_PKT_H
#define DCSIM_PKT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/util.h"

#define ETH_HDR_BYTES 14
#define VLAN_TAG_BYTES 4
#define ETH_FCS_BYTES 4
#define ETH_MIN_FRAME_BYTES 64   /* Including FCS. */
#define ETH_PREAMBLE_BYTES 8     /* Preamble 7 + SFD 1. */
#define ETH_IFG_BYTES 12
#define IPV4_HDR_BYTES 20
#define UDP_HDR_BYTES 8
#define TCP_HDR_BYTES 20

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_MAC_CONTROL 0x8808  /* IEEE 802.3 clause 31. */
#define ETHERTYPE_ROCEV1 0x8915       /* RoCE v1: IB transport over L2. */
#define IB_GRH_BYTES 40               /* InfiniBand global route header. */

/* Priority-based flow control (IEEE 802.1Qbb clause 36; 802.3 Annex
 * 31D): a MAC control frame to the reserved multicast address
 * 01-80-C2-00-00-01 with opcode 0x0101, a priority-enable vector and
 * eight pause timers in quanta of 512 bit times.  Minimum-size frame. */
#define MAC_CONTROL_OPCODE_PFC 0x0101
#define PFC_FRAME_BYTES ETH_MIN_FRAME_BYTES
#define PFC_QUANTUM_BITS 512

#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17

#define MTU_MIN 576      /* RFC 791's minimum datagram every host accepts. */
#define MTU_MAX 9216
#define MTU_DEFAULT 1500

#define N_TC 8           /* 802.1p priorities / traffic classes. */

/* IPv4 ECN codepoints (RFC 3168). */
enum ecn {
    ECN_NOT_ECT = 0,
    ECN_ECT1 = 1,
    ECN_ECT0 = 2,
    ECN_CE = 3,
};

struct eth_hdr {
    uint8_t dst[6];
    uint8_t src[6];
    bool vlan;          /* An 802.1Q tag is present. */
    uint8_t pcp;        /* 802.1p priority, 0..7 (tag only). */
    uint16_t vid;       /* VLAN id, 0..4094 (tag only). */
    uint16_t ethertype; /* Of the payload (after the tag, if any). */
};

struct ipv4_hdr {
    uint32_t src;       /* Host byte order. */
    uint32_t dst;
    uint8_t dscp;       /* 6 bits. */
    uint8_t ecn;        /* enum ecn, 2 bits. */
    uint8_t ttl;
    uint8_t proto;      /* IPPROTO_NUM_*. */
    uint16_t total_len; /* Header + payload, bytes. */
    uint16_t id;
};

struct udp_hdr {
    uint16_t sport, dport;
    uint16_t len;       /* Header + payload, bytes. */
};

struct tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;      /* TCP_F_* */
    uint16_t window;
};

/* RoCEv2 (IBTA Annex A17): the InfiniBand transport over UDP port 4791.
 * The base transport header (BTH, 12 B) is on every packet; the RDMA
 * extended header (RETH, 16 B) on the first packet of a WRITE or READ
 * request; the ACK extended header (AETH, 4 B) on ACKs; the invariant
 * CRC (ICRC, 4 B) ends every packet. */
#define ROCE_UDP_PORT 4791
#define IB_BTH_BYTES 12
#define IB_RETH_BYTES 16
#define IB_AETH_BYTES 4
#define IB_ICRC_BYTES 4
#define IB_PSN_MASK 0xFFFFFFu

/* In-band network telemetry as HPCC carries it (Li et al., "HPCC: High
 * Precision Congestion Control", SIGCOMM 2019; its ns-3 simulator,
 * simulation/src/network/utils/int-header.h): a fixed header on every
 * data packet of an HPCC queue pair, room for five hop records of 8 B
 * and a 2-byte hop count, 42 B whatever the number of hops filled
 * (published-values.tsv rows hpcc int_*).  The ACK echoes it, at the same
 * size.  Its bytes are counted in l4_extra, so every length, wire size
 * and serialization includes them.
 *
 * The records themselves do not live in struct pkt (whose two lines every
 * other packet would then carry): a pool with INT enabled gives each
 * packet a slot of its own beside it (pkt_int()).  A slot holds the
 * records at full precision, where the real 8-byte hop quantizes them
 * (the simulator's 24-bit ns timestamp, tx bytes in units of 128 B, queue
 * length in units of 80 B, a 3-bit rate code). */
#define INT_MAX_HOPS 5
#define INT_HOP_BYTES 8
#define INT_HDR_BYTES (INT_MAX_HOPS * INT_HOP_BYTES + 2)

/* What a switch egress port reports as a packet starts to leave it (the
 * simulator's SwitchNotifyDequeue). */
struct int_hop {
    uint64_t ts_ps;           /* When its transmission started. */
    uint64_t rate_bps;        /* The port's line rate. */
    uint32_t tx_bytes;        /* Wire bytes the port sent before it, modulo
                               * 2^32 (differences of two records are
                               * exact up to 4 GiB apart). */
    uint32_t qlen_bytes;      /* Frame bytes queued at the port, all
                               * classes, once it left its queue. */
};

struct int_hdr {
    uint8_t nhop;             /* Records filled, 0..INT_MAX_HOPS. */
    struct int_hop hop[INT_MAX_HOPS];  /* Source side first. */
};

/* RC opcodes (IBTA table 38). */
#define IB_OP_SEND_FIRST 0x00
#define IB_OP_SEND_MIDDLE 0x01
#define IB_OP_SEND_LAST 0x02
#define IB_OP_SEND_ONLY 0x04
#define IB_OP_WRITE_FIRST 0x06
#define IB_OP_WRITE_MIDDLE 0x07
#define IB_OP_WRITE_LAST 0x08
#define IB_OP_WRITE_LAST_IMM 0x09
#define IB_OP_WRITE_ONLY 0x0A
#define IB_OP_WRITE_ONLY_IMM 0x0B
#define IB_IMMDT_BYTES 4
#define IB_OP_READ_REQUEST 0x0C
#define IB_OP_READ_RESP_FIRST 0x0D
#define IB_OP_READ_RESP_MIDDLE 0x0E
#define IB_OP_READ_RESP_LAST 0x0F
#define IB_OP_READ_RESP_ONLY 0x10
#define IB_OP_ACK 0x11
#define IB_OP_CNP 0x81  /* RoCEv2 congestion notification packet. */

/* AETH syndromes: ACK, or NAK PSN sequence error (IBTA 9.7.5.2.8). */
#define IB_AETH_ACK 0x00
#define IB_AETH_NAK_SEQ 0x60
#define IB_AETH_RNR 0x20     /* Receiver not ready (+ the timer code). */

/* Native InfiniBand packets (IBTA Vol 1 ch. 7; `fabric: infiniband`).
 * A data packet is LRH + BTH (+ RETH/AETH/ImmDt) + payload padded to a
 * multiple of 4 bytes (BTH PadCnt) + ICRC + VCRC.  The LRH's PktLen
 * counts 4-byte words from the LRH through the ICRC (7.7.8); LNH 2 means
 * "IBA local": BTH follows, no GRH (a packet within one subnet).
 * Link-level flow-control packets (7.9.4) are 6 bytes: Op 4 bits, FCTBS
 * 12, VL 4, FCCL 12, LPCRC 16.  Credits are 64-byte blocks (7.9.2);
 * FCTBS and FCCL count blocks modulo 4096. */
#define IB_LRH_BYTES 8
#define IB_VCRC_BYTES 2
#define IB_LNH_IBA_LOCAL 2
#define IB_PKEY_DEFAULT 0xFFFF
#define IB_FC_PACKET_BYTES 6
#define IB_FC_OP_NORMAL 0
#define IB_CREDIT_BYTES 64
#define IB_CREDIT_MOD 4096       /* FCTBS and FCCL are 12 bits. */
#define IB_LID_UNICAST_MAX 0xBFFF

struct roce_hdr {
    struct udp_hdr udp;  /* First: UDP's fields keep their place. */
    uint8_t opcode;      /* IB_OP_*. */
    bool ack_req;        /* BTH A bit. */
    uint32_t dest_qp;    /* 24 bits. */
    uint32_t psn;        /* 24 bits. */
    uint8_t syndrome;    /* AETH, on ACKs. */
    bool becn;           /* BTH BECN: an ACK or NAK that carries a CNP
                          * (rdma.dcqcn.cnp_on_ack). */
    uint32_t msn;        /* AETH message sequence number. */
};

/* Native IB: the fields of the local route header.  dcsim keeps the
 * IPv4 fields of an IB packet too, as its internal routing key (ip.dst
 * names the host the DLID names, ip.dscp carries the SL as CS<sl>); they
 * are not on the wire. */
struct ib_lrh {
    uint8_t vl;          /* Virtual lane, 0..7 here (15: management). */
    uint8_t sl;          /* Service level. */
    uint16_t dlid, slid; /* Local identifiers (pkt_host_lid()). */
};

/* A link-level flow-control packet for one VL. */
struct ib_fc_hdr {
    uint8_t op;          /* IB_FC_OP_NORMAL. */
    uint8_t vl;
    uint16_t fctbs;      /* Blocks sent on VL so far, mod 4096. */
    uint16_t fccl;       /* Credit limit granted, mod 4096. */
};

/* The links of the HPCC ns-3 simulator (`fabric: ns3`;
 * github.com/alibaba-edu/High-Precision-Congestion-Control at 9f4be2a,
 * simulation/src/point-to-point/model/qbb-net-device.cc and rdma-hw.cc):
 * a frame is a PPP header and the IP datagram, and it occupies the wire
 * for exactly its bytes (TransmitStart: no preamble, gap, FCS or minimum
 * size).  The simulator's PppHeader is 14 bytes, an Ethernet header's
 * size, not PPP's 2 (ppp-header.cc, PppHeader::GetStaticSize).  Its RDMA packets carry the simulator's headers in place
 * of RoCE's: data UDP + a 6-byte SeqTsHeader (+ INT); ACKs and NAKs a
 * 12-byte qbbHeader (+ INT) with no UDP header, in an IP datagram of at
 * least 46 bytes (ReceiveUdp pads the qbbHeader to 60 - 14 - 20 B). */
#define PPP_HDR_BYTES 14
#define NS3_SEQTS_BYTES 6
#define NS3_QBB_BYTES 12
#define NS3_ACK_MIN_IP_BYTES 46
/* Its PFC frame: the PPP header, an IPv4 header (protocol 0xFE) and a
 * 9-byte PauseHeader (QbbNetDevice::SendPfc, pause-header.cc). */
#define NS3_PFC_FRAME_BYTES (PPP_HDR_BYTES + IPV4_HDR_BYTES + 9)

enum pkt_framing {
    PKT_ETHERNET,        /* Ethernet II frame (the default). */
    PKT_PPP,             /* The ns-3 simulator's PPP frame (`fabric: ns3`). */
    PKT_IB,              /* Native IB data packet: LRH ... VCRC. */
    PKT_IB_FC,           /* Native IB flow-control packet. */
};

/* A PFC frame's MAC control payload. */
struct pfc_hdr {
    uint16_t opcode;    /* MAC_CONTROL_OPCODE_PFC. */
    uint8_t enable;     /* Bit p: quanta[p] is valid. */
    uint16_t quanta[8]; /* Pause time per priority; 0 = resume. */
};

#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_URG 0x20
#define TCP_F_ECE 0x40
#define TCP_F_CWR 0x80

/* Layout: everything a link, queue or switch reads on every hop sits in
 * the first 64-byte cache line; headers the fabric does not read per hop
 * follow.  Deep queues hold far more packets than the caches, so a packet
 * costs one cache miss per hop rather than three. */
struct pkt {
    /* Hot: first cache line. */
    struct pkt *next;        /* Intrusive list: queue, pool, host FIFOs. */
    uint64_t t_ps;           /* When a host I/O stage hands it on
                              * (host/stack.c). */
    uint32_t flow_id;        /* Index of its flow in the workload. */
    uint32_t payload_bytes;  /* Application bytes carried. */
    uint32_t hash0;          /* crc32_update(0, 5-tuple); pkt_set_5tuple(). */
    uint16_t frame_bytes;    /* pkt_frame_bytes(), kept by pkt_set_lengths(). */
    struct ipv4_hdr ip;      /* DSCP carries the traffic class (CS<tc>). */
    uint8_t in_port;         /* Port it entered the current switch (on
                              * IB, also HCA) by. */
    uint8_t fwd_hint;        /* 1 + the egress port by which the switch
                              * it arrives at next forwards it, as that
                              * switch's prefetch stage found it and its
                              * tables still give it (switch.c), or 0:
                              * none.  Set to 0 as the packet is handed
                              * out and received, and by every change to
                              * the switch's tables
                              * (switch_forget_hints()); 0 in a packet
                              * copied from a zeroed template. */
    uint8_t hooks;           /* PKT_HOOK_*: work beyond forwarding, one
                              * test on the hot path for all of it. */
    /* Cold. */
    uint32_t seq;            /* Packet index within the flow. */
    struct eth_hdr eth;
    union {
        struct udp_hdr udp;
        struct tcp_hdr tcp;
        struct pfc_hdr pfc;  /* eth.ethertype ETHERTYPE_MAC_CONTROL. */
        struct roce_hdr roce;  /* UDP to ROCE_UDP_PORT, or native IB
                                * (its BTH/AETH fields; udp unused). */
        struct ib_fc_hdr fc;   /* framing PKT_IB_FC. */
    } l4;
    uint8_t l4_extra;        /* Header bytes carried after the UDP or TCP
                              * header besides the payload (RoCE: BTH,
                              * RETH, AETH, ICRC; iWARP: MPA, DDP, RDMAP,
                              * CRC; HPCC: INT); in every length.  Native IB:
                              * BTH + extended headers + ICRC. */
    uint8_t framing;         /* enum pkt_framing. */
    struct ib_lrh lrh;       /* framing PKT_IB. */
    uint32_t bd_rec;         /* With PKT_HOOK_TRACE: its breakdown
                              * record. */
    uint32_t vni;            /* Inside an overlay tunnel (overlay/): its
                              * VNI, 1..2^24-1, or VLAN segment's VID; 0
                              * outside one.  Written by
                              * the first switch only in runs with an
                              * overlay, read only by VTEPs. */
    bool flood_copy;         /* A copy a vswitch flooded to another VTEP
                              * (overlay/): ip.dst is that VTEP's host,
                              * which consumes it; its inner frame is
                              * addressed to its flow's other end.  Or a
                              * copy of a VLAN's BUM frame a switch made
                              * (fabric/flood.h), ip.dst unchanged; the
                              * host that receives it consumes it. */
    bool bum;                /* A VLAN's broadcast or unknown-unicast
                              * frame: switches flood it (fabric/flood.h)
                              * rather than route it.  Set by a learning
                              * vswitch, cleared when its tag comes off. */
    bool flooded;            /* An unknown unicast a leaf VTEP
                              * ingress-replicated (BGP EVPN,
                              * overlay/vtep.c), in its tunnel to the
                              * destination's leaf: that leaf floods it
                              * to its other hosts of the VNI too.
                              * Cleared when the tunnel ends. */
    uint32_t inner_dst;      /* Inside a tunnel whose far end is not the
                              * inner destination's host (a VM that moved,
                              * BGP EVPN): the inner ip.dst, while ip.dst
                              * holds the tunnel's (the underlay routes on
                              * it); 0 otherwise.  Set and cleared by the
                              * software VTEPs (overlay/vswitch.c). */
} __attribute__((aligned(64)));

/* struct pkt's hooks. */
#define PKT_HOOK_INT 1u      /* Switch egress ports append an INT hop
                              * record (HPCC data; the pool has INT). */
#define PKT_HOOK_CTRL 4u     /* A control-plane message (control/'s BGP
                              * sessions): its loss is reported to the
                              * control plane, which resends it as its
                              * TCP connection would. */
#define PKT_HOOK_TRACE 2u    /* Its latency is broken down by stage
                              * (report/breakdown.h; record bd_rec). */

static inline bool
pkt_traced(const struct pkt *p)
{
    return p->hooks & PKT_HOOK_TRACE;
}

/* Bytes of the L2 frame: Ethernet header (+ tag) + IP datagram + FCS,
 * padded to the 64-byte minimum; PPP header + IP datagram; a native IB
 * packet's bytes, LRH through VCRC. */
uint32_t pkt_frame_bytes(const struct pkt *);
/* Bytes the frame occupies on the wire: frame + preamble/SFD + IFG for
 * Ethernet, the frame alone for PPP and the packet alone for native IB. */
uint32_t pkt_wire_bytes(const struct pkt *);
/* Bytes of a native IB data packet with HDR_BYTES of headers and CRCs
 * (LRH, BTH, ..., ICRC, VCRC) and PAYLOAD bytes, padded to 4 bytes. */
uint32_t ib_packet_bytes(uint32_t hdr_bytes, uint32_t payload_bytes);
/* Credits (64-byte blocks) a native IB packet of BYTES needs. */
static inline uint32_t
ib_blocks(uint32_t bytes)
{
    return (bytes + IB_CREDIT_BYTES - 1) / IB_CREDIT_BYTES;
}
/* Wire bytes of an IPv4 datagram of IP_BYTES in an untagged or tagged
 * frame; the same arithmetic as pkt_wire_bytes() without a packet. */
uint32_t wire_bytes_for_ip(uint32_t ip_bytes, bool vlan);

/* pkt_set_lengths() for native IB and RoCEv1 packets (pkt.c). */
void pkt_set_lengths_other(struct pkt *);
/* Fills ip.total_len, the L4 length field and frame_bytes from
 * payload_bytes (and eth.vlan); call again after changing either.
 * Inline for IPv4 in Ethernet or PPP, which every packet a host sends
 * in most runs is (a call and pkt_frame_bytes()'s tests of the framing
 * were ~40 instructions a packet); the rest in pkt.c. */
static inline void
pkt_set_lengths(struct pkt *p)
{
    if (UNLIKELY(p->framing == PKT_IB || p->framing == PKT_IB_FC ||
                 p->eth.ethertype == ETHERTYPE_ROCEV1)) {
        pkt_set_lengths_other(p);
        return;
    }
    uint32_t l4 = p->l4_extra + p->payload_bytes;
    if (p->ip.proto == IPPROTO_NUM_UDP) {
        l4 += UDP_HDR_BYTES;
        p->l4.udp.len = (uint16_t)l4;
    } else {
        sim_assert(p->ip.proto == IPPROTO_NUM_TCP);
        l4 += TCP_HDR_BYTES;
    }
    sim_assert(IPV4_HDR_BYTES + l4 <= UINT16_MAX);
    p->ip.total_len = (uint16_t)(IPV4_HDR_BYTES + l4);
    /* pkt_frame_bytes() of an Ethernet or PPP frame. */
    uint32_t frame;
    if (p->framing == PKT_PPP) {
        frame = PPP_HDR_BYTES + p->ip.total_len;
    } else {
        frame = ETH_HDR_BYTES + (p->eth.vlan ? VLAN_TAG_BYTES : 0) +
                p->ip.total_len + ETH_FCS_BYTES;
        if (frame < ETH_MIN_FRAME_BYTES)
            frame = ETH_MIN_FRAME_BYTES;
    }
    p->frame_bytes = (uint16_t)frame;
}
/* pkt_wire_bytes() of P from its frame_bytes, which pkt_set_lengths()
 * has set: the pacing of every packet a NIC sends reads it. */
static inline uint32_t
pkt_wire_bytes_of_frame(const struct pkt *p)
{
    return p->frame_bytes +
           (p->framing == PKT_ETHERNET ? ETH_PREAMBLE_BYTES + ETH_IFG_BYTES
                                       : 0);
}
/* Recomputes hash0 from the IPv4 5-tuple (src, dst, proto, ports). */
void pkt_set_5tuple_hash(struct pkt *);
/* Makes P (a template from SRC_HOST to DST_HOST) a native IB data
 * packet: LRH from the hosts' LIDs, SL = VL = TC, LNH "IBA local". */
void pkt_make_ib(struct pkt *, uint32_t src_host, uint32_t dst_host,
                 uint8_t tc);
/* Recomputes hash0, the key of every switch's path choice: the 5-tuple
 * (pkt_set_5tuple_hash()), or for native IB the DLID alone, so that all
 * packets to one destination go one way (a subnet manager's linear
 * forwarding table, docs/models.md). */
void pkt_set_route_hash(struct pkt *);
/* Swaps P's source and destination addresses: Ethernet, IPv4 and LIDs
 * (not the ports, nor hash0). */
void pkt_reverse(struct pkt *);
/* The 13 bytes the 5-tuple hash covers, in network order:
 * src ip, dst ip, src port, dst port, protocol. */
void pkt_5tuple_bytes(const struct pkt *, uint8_t out[13]);

/* Writes the frame as on the wire (without preamble, IFG and FCS) into
 * BUF (at least pkt_frame_bytes() bytes); payload bytes are zero.  IPv4
 * and TCP carry their checksums (UDP's is 0: none, RFC 768); RoCE v2
 * (UDP to ROCE_UDP_PORT) and v1 (ETHERTYPE_ROCEV1, a GRH with the hosts'
 * IPv4-mapped GIDs) their BTH, RETH or AETH and ICRC.  A native IB packet
 * is written whole, LRH through VCRC, its ICRC computed and its VCRC
 * zero.  Returns the number of bytes written. */
size_t pkt_serialize(const struct pkt *, uint8_t *buf, size_t cap);

/* The ICRC of the RoCE v2 IPv4 datagram of IP_BYTES at IP (IPv4, UDP,
 * BTH, ..., ICRC; the ICRC's own bytes are not read), as the 32-bit
 * number whose big-endian bytes are on the wire. */
uint32_t pkt_roce_icrc(const uint8_t *ip, size_t ip_bytes);

/* Makes P a PFC frame from SRC_MAC: priorities in ENABLE paused for
 * QUANTA (0: resumed).  The IP fields are unused. */
void pkt_make_pfc(struct pkt *, const uint8_t src_mac[6], uint8_t enable,
                  uint16_t quanta);

/* Makes P a native IB flow-control packet for VL with FCTBS and FCCL
 * (each taken mod 4096). */
void pkt_make_ib_fc(struct pkt *, uint8_t vl, uint32_t fctbs, uint32_t fccl);

/* Host addresses: 10.<hi>.<lo>.<x> derived from a host index; LID
 * index + 1 (LID 0 is reserved, IBTA 4.1.3). */
uint32_t pkt_host_ip(uint32_t host_index);
/* Switch addresses, for the switches' own control traffic (BGP sessions,
 * control/): 172.16.0.0/12 plus the switch's index (0-based among the
 * switches), outside the hosts' 10.0.0.0/8. */
#define PKT_SWITCH_NET 0xAC100000u
#define PKT_SWITCH_MASK 0xFFF00000u
static inline uint32_t
pkt_switch_ip(uint32_t switch_index)
{
    return PKT_SWITCH_NET | switch_index;
}
static inline uint16_t
pkt_host_lid(uint32_t host_index)
{
    return (uint16_t)(host_index + 1);
}
void pkt_host_mac(uint32_t host_index, uint8_t mac[6]);

/* A FIFO of packets linked through `next`, for holders that need no
 * statistics (struct queue keeps them). */
struct pkt_fifo {
    struct pkt *head, *tail;
};

static inline void
pkt_fifo_push(struct pkt_fifo *f, struct pkt *p)
{
    p->next = NULL;
    if (f->tail)
        f->tail->next = p;
    else
        f->head = p;
    f->tail = p;
}

/* The head, or NULL when empty. */
static inline struct pkt *
pkt_fifo_pop(struct pkt_fifo *f)
{
    struct pkt *p = f->head;
    if (!p)
        return NULL;
    f->head = p->next;
    if (!f->head)
        f->tail = NULL;
    p->next = NULL;
    return p;
}

/* The packet pool.  Packets are carved from slabs that are never returned
 * to the system until the pool is destroyed; pkt_alloc() only calls malloc
 * when every packet ever made is in use, so a run in steady state does
 * not.  A freed packet goes on a free list, the next to be handed out
 * (its lines are still cached); when the list is empty, the newest slab
 * hands out its packets in address order, none touched before (so a
 * growing pool writes each new packet once, when it is handed out, and
 * the order is that of a slab threaded onto the free list up front).
 *
 * A slab fills one 2 MiB huge page (sim/util.h's xmalloc_huge(): a link
 * to the next slab in the first 64 bytes, then PKT_SLAB_PKTS packets),
 * since at 1 024 hosts and beyond the packets a hop touches are spread
 * over a hundred MiB and, on 4 KiB pages, miss the TLB as well as the
 * cache.  All but the first: a small run, which may need a few hundred
 * packets, gets its first slab on ordinary pages, touched only as far as
 * it hands packets out, and pays for huge pages only once it outgrows it.
 *
 * INT: a pool told so before its first packet gives every packet an INT
 * slot.  A slab then holds its PKT_SLAB_PKTS packets followed by as many
 * slots of the packets' size (two huge pages), so the slot of a packet
 * lies at a fixed distance from it: no pointer in the packet, nothing to
 * free, and a pool without INT (every run without HPCC) carries no extra
 * byte. */
#define PKT_SLAB_PKTS                                                        \
    ((HUGE_PAGE_BYTES - _Alignof(struct pkt)) / sizeof(struct pkt))

struct pkt_pool {
    struct pkt *free;
    struct pkt *fresh, *fresh_end;  /* The newest slab's packets not yet
                                     * handed out. */
    struct pkt_slab *slabs;
    uint64_t in_use;       /* Packets handed out and not yet freed. */
    uint64_t allocated;    /* Packets carved so far. */
    uint64_t peak_in_use;
    bool with_int;         /* Slabs carry INT slots (pkt_int()). */
};

void pkt_pool_init(struct pkt_pool *);
/* Gives the packets of POOL INT slots; before its first pkt_alloc(). */
void pkt_pool_enable_int(struct pkt_pool *);
void pkt_pool_uninit(struct pkt_pool *);
/* pkt_alloc() with the free list empty: the newest slab's next packet,
 * from a new slab if it has none left. */
struct pkt *pkt_alloc_fresh(struct pkt_pool *);

static inline struct pkt *
pkt_alloc(struct pkt_pool *pool)
{
    struct pkt *p = pool->free;
    if (!p)
        return pkt_alloc_fresh(pool);
    pool->free = p->next;
    if (++pool->in_use > pool->peak_in_use)
        pool->peak_in_use = pool->in_use;
    p->next = NULL;
    p->fwd_hint = 0;
    return p;
}

/* The INT slot of P, a packet of a pool with INT enabled. */
static inline struct int_hdr *
pkt_int(struct pkt *p)
{
    return (struct int_hdr *)(void *)((char *)p +
                                      PKT_SLAB_PKTS * sizeof(struct pkt));
}

static inline void
pkt_free(struct pkt_pool *pool, struct pkt *p)
{
    p->next = pool->free;
    pool->free = p;
    pool->in_use--;
}

#endif
