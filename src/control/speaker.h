/* BGP speakers' counts: one row of control.csv per speaker.
 *
 * Every routing model that runs BGP (the underlay's eBGP sessions per
 * cable, EVPN's iBGP sessions between VTEPs and route reflectors) adds its
 * speakers to the control plane's list with ctl_speakers_add() and counts
 * into them as its messages go and come; report/control-report.c writes
 * the list.  A speaker is a node of the topology (a switch or a host) in
 * one role; a node that speaks in two roles (a leaf in the underlay's
 * eBGP and as an EVPN VTEP) has two rows. */
#ifndef DCSIM_CONTROL_SPEAKER_H
#define DCSIM_CONTROL_SPEAKER_H 1

#include <stddef.h>
#include <stdint.h>

struct ctl_speaker {
    uint32_t node;            /* Topology node index. */
    const char *role;         /* A static name: "ebgp", "vtep", "rr". */
    uint32_t asn;             /* Its autonomous system number. */
    uint32_t sessions;        /* Sessions configured, */
    uint32_t sessions_up;     /* of which Established at the end. */
    uint64_t msgs_tx, msgs_rx;          /* Every BGP message (OPEN,
                                         * KEEPALIVE, UPDATE...). */
    uint64_t updates_tx, updates_rx;    /* UPDATE messages. */
    uint64_t routes_tx, routes_rx;      /* Reachable NLRI they carried, */
    uint64_t withdrawals_tx, withdrawals_rx;  /* and withdrawn NLRI. */
    uint64_t bytes_tx, bytes_rx;        /* BGP message bytes (header and
                                         * body; not the TCP/IP below). */
    uint64_t rib_entries;     /* Routes held (Adj-RIB-In and Loc-RIB) at
                               * the end, */
    uint64_t rib_peak;        /* and at most. */
    uint64_t cpu_ps;          /* Time its CPU spent on messages. */
    uint32_t flaps;           /* Times a session of it left Established
                               * (RFC 4271 8: to Idle), */
    uint32_t reconnects;      /* and times one came back to it. */
};

struct ctl_speakers {
    struct ctl_speaker *v;
    size_t n, cap;
};

/* Adds a speaker for NODE in ROLE with AS number ASN, all counts zero;
 * returns its index in L (pointers into L->v move as it grows). */
size_t ctl_speakers_add(struct ctl_speakers *l, uint32_t node,
                        const char *role, uint32_t asn);
void ctl_speakers_free(struct ctl_speakers *l);

#endif
