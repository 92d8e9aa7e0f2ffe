/* BGP-4 messages (RFC 4271) as BGP EVPN (RFC 7432, RFC 8365) sends them:
 * their sizes on the wire, byte for byte, so that the control traffic a
 * simulated session puts on the fabric is the real amount.
 *
 * Every message starts with the 19 B header (16 B marker, 2 B length,
 * 1 B type).  An OPEN adds version, AS, hold time, BGP identifier and the
 * optional parameters' length (10 B) and one Capabilities parameter
 * (RFC 5492: 2 B) holding multiprotocol L2VPN/EVPN (AFI 25, SAFI 70,
 * RFC 4760: 6 B), four-octet AS numbers (RFC 6793: 6 B) and route
 * refresh (RFC 2918: 2 B): 45 B.  A KEEPALIVE is the header alone.
 *
 * An UPDATE adds the withdrawn routes' and path attributes' lengths
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
 *     policy;
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
#ifndef DCSIM_CONTROL_BGP_MSG_H
#define DCSIM_CONTROL_BGP_MSG_H 1

#include <stdbool.h>
#include <stdint.h>

enum bgp_msg_type {
    BGP_OPEN = 1,
    BGP_UPDATE = 2,
    BGP_NOTIFICATION = 3,
    BGP_KEEPALIVE = 4,
};

#define BGP_HDR_BYTES 19
#define BGP_OPEN_BYTES (BGP_HDR_BYTES + 10 + 2 + 6 + 6 + 2)
#define BGP_KEEPALIVE_BYTES BGP_HDR_BYTES
#define BGP_ATTR_HDR_BYTES 3
#define BGP_UPDATE_FIXED_BYTES (BGP_HDR_BYTES + 2 + 2)
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

/* Bytes of an UPDATE advertising one EVPN route of TYPE; MOBILITY: with
 * a MAC mobility community; N_CLUSTERS: its CLUSTER_LIST's length (0:
 * not reflected, no ORIGINATOR_ID either). */
static inline uint32_t
bgp_update_bytes(enum evpn_route_type type, bool mobility,
                 uint32_t n_clusters)
{
    uint32_t n = BGP_UPDATE_FIXED_BYTES;
    n += BGP_ATTR_HDR_BYTES + 1;                /* ORIGIN */
    n += BGP_ATTR_HDR_BYTES;                    /* AS_PATH, empty */
    n += BGP_ATTR_HDR_BYTES + 4;                /* LOCAL_PREF */
    n += BGP_ATTR_HDR_BYTES + 9 + bgp_evpn_nlri_bytes(type);
    n += BGP_ATTR_HDR_BYTES +
         BGP_EXT_COMMUNITY_BYTES * (2 + (mobility ? 1 : 0));
    n += BGP_ATTR_HDR_BYTES + 4;                /* COMMUNITIES */
    if (type == EVPN_IMET)
        n += BGP_ATTR_HDR_BYTES + 9;            /* PMSI_TUNNEL */
    if (n_clusters)
        n += BGP_ATTR_HDR_BYTES + 4 +           /* ORIGINATOR_ID */
             BGP_ATTR_HDR_BYTES + 4 * n_clusters;
    return n;
}

/* Bytes of an UPDATE withdrawing one EVPN route of TYPE. */
static inline uint32_t
bgp_withdraw_bytes(enum evpn_route_type type)
{
    return BGP_UPDATE_FIXED_BYTES + BGP_ATTR_HDR_BYTES + 3 +
           bgp_evpn_nlri_bytes(type);
}

/* Bytes of the End-of-RIB marker of L2VPN/EVPN. */
#define BGP_EOR_BYTES (BGP_UPDATE_FIXED_BYTES + BGP_ATTR_HDR_BYTES + 3)

#endif
