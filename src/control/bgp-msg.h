/* BGP-4 messages as they cross the fabric: their sizes, the 19-byte
 * header, the private AS numbers a datacenter numbers its speakers with,
 * and the TCP/IPv4 packet that carries one message between two switches.
 * Shared by every BGP speaker of control/ (the underlay's eBGP sessions,
 * ebgp.c; EVPN's iBGP sessions).
 *
 * Sizes are those of RFC 4271 section 4: every message starts with a
 * 16-byte marker of all ones, a 2-byte length (of the whole message,
 * header included) and a 1-byte type, and is at most 4096 bytes.  OPEN is
 * 29 bytes before its optional parameters; an UPDATE is the header, the
 * 2-byte length of its withdrawn routes and the routes, the 2-byte length
 * of its path attributes and the attributes, then its NLRI; a KEEPALIVE is
 * the header alone.  An attribute is a flags byte, a type byte, a length
 * byte (two with the Extended Length flag) and its value (section 4.3).
 * AS numbers are four octets (RFC 6793, negotiated by the capability
 * every current implementation sends), so an AS_PATH of N ASNs in one
 * AS_SEQUENCE segment is 3 + 2 + 4 N bytes.  An IPv4 prefix in the NLRI
 * or withdrawn routes is a length byte and the prefix's significant
 * octets. */
#ifndef DCSIM_BGP_MSG_H
#define DCSIM_BGP_MSG_H 1

#include <stddef.h>
#include <stdint.h>

struct pkt;

#define BGP_PORT 179                  /* TCP port (RFC 4271 section 8.2.1). */
#define BGP_MARKER_BYTES 16
#define BGP_HDR_BYTES 19              /* Marker, length, type. */
#define BGP_MAX_MSG_BYTES 4096
#define BGP_OPEN_MIN_BYTES 29         /* Header, version, My AS, Hold Time,
                                       * BGP Identifier, Opt Parm Len. */
#define BGP_KEEPALIVE_BYTES BGP_HDR_BYTES
#define BGP_UPDATE_MIN_BYTES 23       /* Header and the two length fields. */

enum bgp_msg_type {
    BGP_OPEN = 1,
    BGP_UPDATE = 2,
    BGP_NOTIFICATION = 3,
    BGP_KEEPALIVE = 4,
};

/* Path attributes (RFC 4271 section 5.1). */
#define BGP_ATTR_HDR_BYTES 3          /* Flags, type, one length byte. */
#define BGP_ATTR_ORIGIN_BYTES (BGP_ATTR_HDR_BYTES + 1)
#define BGP_ATTR_NEXT_HOP_BYTES (BGP_ATTR_HDR_BYTES + 4)  /* IPv4. */

/* One capability in an OPEN, each in an optional parameter of its own (a
 * type and a length byte, RFC 5492): multiprotocol IPv4 unicast (RFC
 * 4760: 4 bytes), 4-octet AS numbers (RFC 6793: 4 bytes), route refresh
 * (RFC 2918: none). */
#define BGP_CAP_BYTES(value) (2 + 2 + (value))
#define BGP_OPEN_BYTES                                                      \
    (BGP_OPEN_MIN_BYTES + BGP_CAP_BYTES(4) + BGP_CAP_BYTES(4) +             \
     BGP_CAP_BYTES(0))

/* Private AS numbers (RFC 6996): the four-octet range, 4200000000 to
 * 4294967294, and the two-octet one, 64512 to 65534. */
#define BGP_ASN_PRIVATE4_FIRST 4200000000u
#define BGP_ASN_PRIVATE4_LAST 4294967294u
#define BGP_ASN_PRIVATE2_FIRST 64512u

/* Bytes of an AS_PATH attribute of N_ASNS four-octet ASNs (one AS_SEQUENCE
 * segment, at most 255 ASNs). */
static inline uint32_t
bgp_as_path_bytes(uint32_t n_asns)
{
    uint32_t v = 2 + 4 * n_asns;
    return (v > 255 ? 4 : 3) + v;
}

/* Bytes of an IPv4 prefix of LEN bits in NLRI or withdrawn routes. */
static inline uint32_t
bgp_prefix_bytes(uint32_t len)
{
    return 1 + (len + 7) / 8;
}

/* Bytes of an UPDATE with WITHDRAWN_BYTES of withdrawn routes,
 * ATTR_BYTES of path attributes and NLRI_BYTES of NLRI. */
static inline uint32_t
bgp_update_bytes(uint32_t withdrawn_bytes, uint32_t attr_bytes,
                 uint32_t nlri_bytes)
{
    return BGP_UPDATE_MIN_BYTES + withdrawn_bytes + attr_bytes + nlri_bytes;
}

/* Writes the header of a message of LEN bytes (header included) and type
 * TYPE at BUF (BGP_HDR_BYTES); returns BGP_HDR_BYTES. */
size_t bgp_header_write(uint8_t *buf, uint16_t len, enum bgp_msg_type type);

/* Makes P a TCP segment from SRC_IP to DST_IP carrying one BGP message of
 * MSG_BYTES, on a session whose speaker with the lower address listens on
 * port 179 (BGP_PORT) and the other connected from an ephemeral port: the
 * Ethernet, IPv4 (TTL, DSCP CS<TC>) and TCP headers and every length.  P
 * belongs to no flow (flow_id UINT32_MAX) and carries PKT_HOOK_CTRL. */
void bgp_msg_pkt(struct pkt *p, uint32_t src_ip, uint32_t dst_ip,
                 uint32_t msg_bytes, uint8_t ttl, uint8_t tc);

#endif
