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
 * octets.
 *
 * BGP EVPN (RFC 7432, RFC 8365; evpn.c) sends its OPEN with one
 * Capabilities parameter (RFC 5492: 2 B) holding multiprotocol L2VPN/EVPN
 * (AFI 25, SAFI 70, RFC 4760: 6 B), four-octet AS numbers (RFC 6793: 6 B)
 * and route refresh (RFC 2918: 2 B): 45 B.  Its UPDATEs: the header, the
 * withdrawn routes' and path attributes' lengths
 * (2 + 2 B) and its attributes, each a 3 B header (flags, type, one-byte
 * length: every attribute here is under 256 B) and its value:
 *   ORIGIN 1 B, AS_PATH empty inside one AS (iBGP), LOCAL_PREF 4 B;
 *   MP_REACH_NLRI (RFC 4760): AFI 2, SAFI 1, next-hop length 1, the
 *     VTEP's IPv4 address 4, reserved 1, then the NLRI;
 *   EXTENDED_COMMUNITIES (RFC 4360), 8 B each: the route target (the
 *     tenant's, auto-derived ASN:VNI, RFC 8365 5.1.2.1), the
 *     encapsulation (RFC 9012: VXLAN), and on a type 2 route that has
 *     moved the MAC mobility sequence number (RFC 7432 7.7);
 *   COMMUNITIES (RFC 1997): one 4 B community tagging the tenant for
 *     policy, and one more per community a route reflector's outbound
 *     route-map set (evpn.rr_policy);
 *   LARGE_COMMUNITY (RFC 8092), 12 B each, with evpn.large_community
 *     or a large community an RR set: none by default;
 *   PMSI_TUNNEL on a type 3 route (RFC 6514 5: flags 1, tunnel type 1 =
 *     ingress replication, label 3 = the VNI, the VTEP's address 4);
 *   reflected routes carry ORIGINATOR_ID (4 B) and CLUSTER_LIST (4 B per
 *     cluster) (RFC 4456).
 * EVPN NLRI (RFC 7432 7): route type 1 B, length 1 B, then
 *   type 2, MAC/IP: RD 8, ESI 10, Ethernet tag 4, MAC length 1, MAC 6,
 *     IP length 1, IPv4 4, MPLS label 3 (the VNI) = 37 B;
 *   type 3, inclusive multicast: RD 8, Ethernet tag 4, IP length 1,
 *     originator's IPv4 4 = 17 B;
 *   type 5, IP prefix (RFC 9136): RD 8, ESI 10, Ethernet tag 4, prefix
 *     length 1, IPv4 prefix 4, gateway 4, label 3 = 34 B.
 * A withdrawal is an UPDATE with MP_UNREACH_NLRI alone (AFI, SAFI and the
 * NLRI); End-of-RIB (RFC 4724) is one with no NLRI. */
#ifndef DCSIM_BGP_MSG_H
#define DCSIM_BGP_MSG_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pkt;

#define BGP_PORT 179                  /* TCP port (RFC 4271 section 8.2.1). */
/* Retransmission of a session's lost segment: Linux's TCP_RTO_MIN, which
 * bounds the RTO of a session whose round trip is microseconds (ebgp.c,
 * evpn-leaf.c). */
#define BGP_RTO_PS 200000000000ull
#define BGP_MARKER_BYTES 16
#define BGP_HDR_BYTES 19              /* Marker, length, type. */
#define BGP_MAX_MSG_BYTES 4096
#define BGP_OPEN_MIN_BYTES 29         /* Header, version, My AS, Hold Time,
                                       * BGP Identifier, Opt Parm Len. */
#define BGP_KEEPALIVE_BYTES BGP_HDR_BYTES
#define BGP_UPDATE_MIN_BYTES 23       /* Header and the two length fields. */
#define BGP_NOTIFICATION_BYTES 21     /* Header, error code and subcode
                                       * (no data: Hold Timer Expired, or
                                       * Cease). */

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

/* EVPN (evpn.c). */
#define BGP_EVPN_OPEN_BYTES (BGP_HDR_BYTES + 10 + 2 + 6 + 6 + 2)
#define BGP_EXT_COMMUNITY_BYTES 8

/* EVPN route types (RFC 7432 7, RFC 9136 3). */
enum evpn_route_type {
    EVPN_MAC_IP = 2,
    EVPN_IMET = 3,
    EVPN_PREFIX = 5,
};

/* Bytes of one EVPN NLRI of TYPE, its type and length octets included. */
static inline uint32_t
bgp_evpn_nlri_bytes(enum evpn_route_type type)
{
    switch (type) {
    case EVPN_MAC_IP:
        return 2 + 8 + 10 + 4 + 1 + 6 + 1 + 4 + 3;
    case EVPN_IMET:
        return 2 + 8 + 4 + 1 + 4;
    case EVPN_PREFIX:
        return 2 + 8 + 10 + 4 + 1 + 4 + 4 + 3;
    }
    return 0;
}

/* Bytes of one large community (RFC 8092: global administrator, local
 * data 1 and 2, four octets each). */
#define BGP_LARGE_COMMUNITY_BYTES 12

/* Bytes of an UPDATE advertising one EVPN route of TYPE; MOBILITY: with
 * a MAC mobility community; N_CLUSTERS: its CLUSTER_LIST's length (0:
 * not reflected, no ORIGINATOR_ID either); N_COMMUNITIES: standard
 * communities in its COMMUNITIES attribute (at least the tenant's);
 * N_LARGE: large communities, in a LARGE_COMMUNITY attribute (RFC 8092,
 * type 32) if any. */
static inline uint32_t
bgp_evpn_update_bytes(enum evpn_route_type type, bool mobility,
                      uint32_t n_clusters, uint32_t n_communities,
                      uint32_t n_large)
{
    uint32_t n = BGP_UPDATE_MIN_BYTES;
    n += BGP_ATTR_HDR_BYTES + 1;                /* ORIGIN */
    n += BGP_ATTR_HDR_BYTES;                    /* AS_PATH, empty */
    n += BGP_ATTR_HDR_BYTES + 4;                /* LOCAL_PREF */
    n += BGP_ATTR_HDR_BYTES + 9 + bgp_evpn_nlri_bytes(type);
    n += BGP_ATTR_HDR_BYTES +
         BGP_EXT_COMMUNITY_BYTES * (2 + (mobility ? 1 : 0));
    n += BGP_ATTR_HDR_BYTES + 4 * n_communities;    /* COMMUNITIES */
    if (n_large)
        n += BGP_ATTR_HDR_BYTES + BGP_LARGE_COMMUNITY_BYTES * n_large;
    if (type == EVPN_IMET)
        n += BGP_ATTR_HDR_BYTES + 9;            /* PMSI_TUNNEL */
    if (n_clusters)
        n += BGP_ATTR_HDR_BYTES + 4 +           /* ORIGINATOR_ID */
             BGP_ATTR_HDR_BYTES + 4 * n_clusters;
    return n;
}

/* Bytes of an UPDATE withdrawing one EVPN route of TYPE. */
static inline uint32_t
bgp_evpn_withdraw_bytes(enum evpn_route_type type)
{
    return BGP_UPDATE_MIN_BYTES + BGP_ATTR_HDR_BYTES + 3 +
           bgp_evpn_nlri_bytes(type);
}

/* Bytes of the End-of-RIB marker of L2VPN/EVPN. */
#define BGP_EVPN_EOR_BYTES (BGP_UPDATE_MIN_BYTES + BGP_ATTR_HDR_BYTES + 3)

/* Route Target Constraint (RFC 4684): the OPEN's capabilities gain
 * multiprotocol IPv4 RT-constrain (AFI 1, SAFI 132: 6 B); a membership
 * route is an UPDATE with ORIGIN, an empty AS_PATH, LOCAL_PREF and
 * MP_REACH_NLRI (AFI, SAFI, next hop, reserved: 9 B) holding one NLRI:
 * its length byte and 96 bits, the origin AS (4 B) and the route target
 * (8 B), or, for the default membership that asks for every route (an
 * RR's), the length byte alone (prefix length 0).  Its End-of-RIB is the
 * same size as EVPN's. */
#define BGP_RTC_CAP_BYTES 6
static inline uint32_t
bgp_rtc_update_bytes(bool default_rt)
{
    return BGP_UPDATE_MIN_BYTES + BGP_ATTR_HDR_BYTES + 1 + /* ORIGIN */
           BGP_ATTR_HDR_BYTES +                        /* AS_PATH */
           BGP_ATTR_HDR_BYTES + 4 +                    /* LOCAL_PREF */
           BGP_ATTR_HDR_BYTES + 9 + (default_rt ? 1 : 1 + 4 + 8);
}
#define BGP_RTC_EOR_BYTES BGP_EVPN_EOR_BYTES

#endif
