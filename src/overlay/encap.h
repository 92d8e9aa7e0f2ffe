/* Tunnel encapsulations: VXLAN (RFC 7348) and Geneve (RFC 8926).
 *
 * Both wrap the inner Ethernet frame (without its FCS, which the outer
 * frame's replaces) in an outer Ethernet header (14 B, untagged), an
 * outer IPv4 header (20 B), a UDP header (8 B) and the tunnel header:
 *   VXLAN: 8 B, flags 0x08 (the I bit: VNI valid), 24 reserved bits, the
 *          24-bit VNI and 8 reserved bits; UDP destination port 4789.
 *          Overhead 14 + 20 + 8 + 8 = 50 B.
 *   Geneve: an 8 B base header (version 0, option length in 4-byte
 *          words, O and C bits, protocol type 0x6558 transparent Ethernet
 *          bridging, the 24-bit VNI) followed by variable-length TLV
 *          options (class 16 bits, type 8, length 5 bits in 4-byte words
 *          after the option's own 4 B header); UDP destination port
 *          6081.  Overhead 50 B plus the option bytes.
 * The outer UDP source port carries the flow's entropy (RFC 7348
 * section 5, RFC 8926 section 3.3): a hash of the inner headers in the
 * dynamic range 49152..65535, so that the underlay's ECMP, which hashes
 * the outer headers only, spreads tunneled flows; or one fixed port,
 * which puts every flow between two VTEPs on one path.
 *
 * IEEE 802.1Q VLANs are the third, older kind of tenant segment: no outer
 * headers, a 4-byte tag (TPID 0x8100, PCP, 12-bit VID) in the frame
 * itself, so at most 4094 segments (VIDs 0 and 4095 are reserved); the
 * underlay hashes the frame's own 5-tuple. */
#ifndef DCSIM_OVERLAY_ENCAP_H
#define DCSIM_OVERLAY_ENCAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt/pkt.h"

#define VXLAN_UDP_PORT 4789
#define GENEVE_UDP_PORT 6081
#define VXLAN_HDR_BYTES 8
#define VXLAN_FLAG_I 0x08
#define GENEVE_BASE_BYTES 8
#define GENEVE_OPT_HDR_BYTES 4
#define GENEVE_OPT_MAX_BYTES 252     /* Opt Len is 6 bits of 4-byte words. */
#define GENEVE_PROTO_ETHERNET 0x6558 /* Transparent Ethernet bridging. */
/* Option classes 0xFFF0..0xFFFF are for experimental use (RFC 8926
 * section 7, IANA "Geneve Option Class").  The identity option is the one
 * early Cilium wrote (cilium/cilium, bpf/lib/geneve.h and the daemon's
 * writeGeneve(), 2016-2018: GENEVE_CLASS_EXPERIMENTAL 0xffff,
 * GENEVE_TYPE_SECLABEL 1, 4 bytes of data holding the source endpoint's
 * 32-bit security identity, big-endian); today's Cilium carries the
 * identity in the VNI instead.  The option bytes beyond it are filler
 * options of type 0 in the same class, data zero. */
#define GENEVE_OPT_CLASS 0xFFFF
#define GENEVE_OPT_TYPE_IDENTITY 0x01
#define GENEVE_OPT_TYPE_FILL 0x00
#define GENEVE_IDENTITY_OPT_BYTES 8  /* 4 B TLV header + 4 B identity. */
#define VNI_MAX 0xFFFFFFu            /* 24 bits. */
#define VLAN_VID_MAX 4094            /* 12 bits; 4095 is reserved. */
#define ENCAP_SPORT_MIN 49152        /* RFC 7348 section 5. */

enum encap_kind {
    ENCAP_VXLAN,
    ENCAP_GENEVE,
    ENCAP_VLAN,                /* An 802.1Q tag, no tunnel. */
};

/* How a VTEP encapsulates. */
struct encap {
    enum encap_kind kind;
    uint16_t opt_bytes;        /* Geneve: option bytes, TLV headers
                                * included, a multiple of 4 up to 252. */
    bool fixed_sport;          /* Every tunnel packet uses `sport`. */
    uint16_t sport;            /* With fixed_sport. */
};

/* The outer headers of one tunnel packet. */
struct encap_outer {
    uint8_t dst_mac[6], src_mac[6];
    uint32_t src_ip, dst_ip;   /* The VTEPs' addresses, host order. */
    uint16_t sport;            /* encap_sport(). */
    uint32_t vni;              /* 1..VNI_MAX. */
    uint8_t ttl;
    bool has_identity;         /* Geneve: the first option is the identity
                                * option (opt_bytes >= 8). */
    uint32_t identity;         /* Its data: the source's identity. */
};

/* Bytes an encapsulation adds to the inner frame: outer Ethernet + IPv4
 * + UDP + tunnel header (+ Geneve options); 50 for VXLAN; 4 for a VLAN
 * tag (which the minimum frame's padding may absorb). */
uint32_t encap_overhead_bytes(const struct encap *);
/* Bytes the underlay's IP MTU must carry beyond an inner datagram: the
 * overhead, but for a VLAN tag, which is outside the datagram (0). */
uint32_t encap_ip_overhead_bytes(const struct encap *);
/* "vxlan", "geneve", "vlan": the scenario's word for it. */
const char *encap_name(const struct encap *);
/* The outer UDP destination port (VXLAN and Geneve, as the next three). */
uint16_t encap_dport(const struct encap *);
/* The outer UDP source port for a packet whose inner 5-tuple hashes to
 * INNER_HASH (pkt->hash0), or the fixed one. */
uint16_t encap_sport(const struct encap *, uint32_t inner_hash);
/* The unseeded CRC-32 register of the outer 5-tuple (what a switch's
 * ECMP hashes; the pkt->hash0 of the tunnel packet). */
uint32_t encap_outer_hash(const struct encap *, const struct encap_outer *);
/* Outer IPv4 datagram bytes of a tunnel packet around INNER (its total
 * length, what the underlay's MTU must carry); a tagged frame's is the
 * inner datagram's. */
uint32_t encap_outer_ip_bytes(const struct encap *, const struct pkt *inner);
/* Frame bytes (with FCS) of the tunnel packet around INNER, or of INNER
 * tagged (INNER untagged). */
uint32_t encap_frame_bytes(const struct encap *, const struct pkt *inner);

/* Writes the tunnel packet around INNER as on the wire (without preamble,
 * IFG and FCS) into BUF of CAP bytes: outer headers (the IPv4 checksum
 * computed, the UDP checksum 0), tunnel header and options (the identity
 * option first if O has one, then filler options), then the inner frame
 * as pkt_serialize() writes it without its FCS; for a VLAN, INNER with
 * the tag of VID O->vni.  Returns the bytes written. */
size_t encap_serialize(const struct encap *, const struct encap_outer *,
                       const struct pkt *inner, uint8_t *buf, size_t cap);

#endif
