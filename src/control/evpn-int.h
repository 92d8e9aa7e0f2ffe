/* BGP EVPN's internals, private to src/control/: the speakers, sessions,
 * RIBs and messages that evpn.c (the RIB, writing and receiving messages,
 * a VTEP's data plane, building, VM moves, results), evpn-policy.c
 * (import route-map, route target constraint, an RR's outbound
 * route-map, per-neighbour route-maps and the communities they set) and evpn-fsm.c (RFC 4271's
 * state machine: connections, hold timers, ConnectRetryTimer,
 * IdleHoldTimer, KEEPALIVEs, switches that fail and come back) share, and the functions
 * that cross between them.  Callers outside control/ use evpn.h. */
#ifndef DCSIM_CONTROL_EVPN_INT_H
#define DCSIM_CONTROL_EVPN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/evpn.h"

struct core;
struct ctl_record;
struct ctl_speaker;
struct ctl_speakers;
struct sim;

#define NONE UINT32_MAX
#define MAX_CLUSTERS 4   /* One level of reflection makes at most 2. */
#define RTC_ALL UINT32_MAX   /* A peer's RT membership: the default one,
                              * every route. */

/* One route's key: its NLRI (the RD is the originator's). */
struct nlri {
    uint32_t type;             /* enum evpn_route_type. */
    uint32_t vni;
    uint32_t mac;              /* Type 2: the host whose VMs it is. */
    uint32_t origin;           /* Originating speaker (its RD). */
};

/* One path of an NLRI, as a speaker holds it. */
struct path {
    struct nlri nlri;
    uint32_t seq;              /* MAC mobility sequence number. */
    uint32_t from;             /* The speaker it came from; its holder
                                * for its own routes. */
    uint32_t n_clusters;
    uint32_t clusters[MAX_CLUSTERS];  /* CLUSTER_LIST, newest first. */
    uint8_t n_comms, n_large;
    uint32_t comms[EVPN_MAX_SET];     /* Standard communities beyond the
                                       * tenant's (community_of()), set
                                       * by route-maps (evpn.rr_policy,
                                       * evpn.neighbor_policy). */
    uint32_t large[EVPN_MAX_SET + 1][3];  /* Large communities (RFC
                                           * 8092): the originator's
                                           * (evpn.large_community), then
                                           * those RRs set. */
};

/* An NLRI in a speaker's RIB: its paths (one per peer) and the best. */
struct rib_entry {
    struct nlri nlri;
    bool used;
    uint32_t n, cap;
    struct path *paths;
    uint32_t best;             /* Index in paths, or NONE. */
};

struct rib {
    struct rib_entry *v;       /* Open addressing, linear probing. */
    uint32_t cap, n_keys;      /* A power of two; keys ever used. */
    uint64_t paths;            /* Paths held. */
};

/* A message posted on a session's direction. */
struct msg {
    uint32_t bytes;
    uint8_t type;              /* enum bgp_msg_type. */
    bool withdraw;
    bool eor;
    bool rtc;                  /* Of RT-constrain (RFC 4684): a
                                * membership, its route target in
                                * path.nlri.vni (0: the default), or its
                                * End-of-RIB. */
    struct path path;          /* UPDATE. */
    uint32_t conn;             /* The session's connection it was posted
                                * on (struct session). */
};

/* A FIFO of fixed-size items, in a ring that doubles when full. */
struct evq {
    char *v;
    size_t item;               /* Bytes per item. */
    size_t head, n, cap;       /* In items. */
};

/* RFC 4271 section 8's states; Connect stands for Active too (a side
 * waiting for its ConnectRetryTimer or for the peer's answer). */
enum fsm {
    FSM_IDLE,
    FSM_CONNECT,
    FSM_OPEN_SENT,
    FSM_OPEN_CONFIRM,
    FSM_ESTABLISHED
};

/* One iBGP session; side K is speaker end[K], sending on the message
 * stream flow[K] (transport.h): each message is a transport_post() whose
 * tag is its number in that direction, delivered to evpn_msg_done(). */
struct session {
    uint32_t end[2];
    uint32_t flow[2];          /* Flow id of each direction. */
    uint64_t posted[2];        /* Messages posted on it. */
    struct evq q[2];          /* Messages posted, not yet delivered. */
    uint8_t state[2];          /* enum fsm, per side. */
    uint64_t up_ps[2];         /* When each side got Established. */
    /* evpn.rt_constraint: the route target side K's peer asked for
     * (RTC_ALL: every one; 0: none yet), and whether its End-of-RIB of
     * memberships has come (side K then sends its routes). */
    uint32_t want[2];
    bool rtc_in[2];
    uint64_t last_rx_ps[2];    /* evpn.hold: when side K last received a
                                * message. */
    /* The TCP connection: both streams are one connection, numbered
     * from 0 (opened at evpn.start); a side that goes down closes it,
     * one that tries again opens the next (in the same two flows). */
    uint32_t conn;
    bool closed;               /* Closed, the next not yet opened. */
    uint32_t side_conn[2];     /* The connection side K is on: it sends
                                * only on that one, if still open, and
                                * takes only its messages. */
    uint8_t conn_by;           /* The side that opened conn (RFC 4271
                                * 6.8's collision rule keeps the one the
                                * higher BGP Identifier opened). */
    uint64_t retry_at_ps[2];   /* Connect: the ConnectRetryTimer. */
    bool retry_armed[2];       /* Its event is pending; */
    bool hold_armed[2];        /* so is the hold timer's. */
    bool fell[2];              /* Left Established since it last was. */
    /* evpn.idle_hold: side K's next IdleHoldTime (0: none yet), and the
     * generation of its IdleHoldTimer (an Idle side's pending timer is
     * void once the side goes Idle again). */
    uint64_t idle_hold_ps[2];
    uint32_t idle_gen[2];
};

/* A message delivered to a speaker, waiting for its CPU. */
struct pending {
    uint32_t session;
    uint8_t side;              /* The receiver's side. */
    struct msg m;
};

struct speaker {
    struct evpn *ev;
    uint32_t host;
    size_t row;                /* In the control plane's speaker list. */
    bool rr;
    uint32_t cluster;          /* RR: its cluster; VTEP: the cluster it
                                * is a client of (route reflectors). */
    uint8_t *serves;           /* VTEP, per VNI index (evpn.vnis): 1 if
                                * a tenant host's VMs are behind it (a
                                * leaf may serve several tenants, each
                                * its MAC-VRF). */
    uint32_t *sess;            /* Its sessions, */
    uint32_t n_sess;
    struct rib rib;
    struct evq pq;            /* Messages waiting for its CPU
                                * (struct pending). */
    struct core *core;         /* On a server: the core that runs BGP; */
    uint64_t busy_until_ps;    /* else its own control CPU. */
    uint32_t *win_origin;      /* VTEP, per host's MACs: the speaker of
                                * the installed type 2 route, or NONE, */
    uint32_t *win_seq;         /* and its sequence number. */
    uint32_t *fwd;             /* VTEP, per host's MACs: the speaker its
                                * data plane sends them to (the type 2
                                * winner, else the longest type 5
                                * prefix's), or NONE. */
    uint8_t *t5;               /* VTEP with type5, per speaker and VNI
                                * index: 1 if it holds that speaker's
                                * type 5 route of that VNI. */
    bool down;                 /* Its switch has failed (switch_down), */
    uint64_t down_ps;          /* since then. */
};

/* A vm_move whose convergence is being watched. */
struct move {
    uint32_t mac, to;          /* Host of the MACs; new speaker. */
    uint32_t seq;
    uint32_t waiting;          /* VTEPs of the tenant still to learn it. */
    uint8_t *learned;          /* Per speaker. */
    struct ctl_record *rec;
};

struct evpn {
    struct net *net;
    const struct evpn_spec *spec;
    struct evpn_dp *dp;
    struct ctl_speakers *list;
    uint64_t stop_ps;
    struct speaker *sp;
    uint32_t n_sp, n_vteps;    /* VTEPs first, then the RRs. */
    uint32_t *sp_of_node;      /* Per node: its VTEP speaker, or NONE. */
    uint32_t *loc;             /* Per host: the speaker its VMs are
                                * behind now, or NONE. */
    uint32_t n_hosts, n_nodes;
    uint32_t *mac_node;        /* Per host: its VTEP's node (evpn_config). */
    struct evpn_leaf *leaf;    /* Leaf VTEPs: the sessions' transport. */
    const uint32_t *host_addr; /* Per host: its tenant address. */
    const uint32_t *host_vni;  /* Per host: its tenant's VNI, 0: none. */
    uint32_t *vnis;            /* The tenants' VNIs, ascending: a VNI's
                                * index is its place here. */
    uint32_t n_vni;
    uint32_t *t5_addr;         /* Per VTEP speaker and VNI index: the
                                * address its type 5 prefix is around
                                * (its first host's of the tenant), */
    uint8_t *t5_len;           /* and its length (type5). */
    uint8_t *rtc_want;         /* evpn.rt_constraint, per session side
                                * (2 si + k) and VNI index: the peer
                                * asked for that route target. */
    struct session *sess;
    uint32_t n_sess;
    uint32_t first_flow;
    uint16_t entry;            /* The edge entry of the sessions' flows. */
    struct move *moves;
    size_t n_moves;
};

/* evpn.c. */

/* The index of VNI in ev->vnis, or NONE. */
uint32_t evpn_vni_index(const struct evpn *, uint32_t vni);
/* Whether speaker S is a VTEP of tenant VNI. */
bool evpn_serves(const struct evpn *, const struct speaker *s, uint32_t vni);
/* Whether speaker X is a route-reflector client of RR speaker R. */
bool evpn_is_client(const struct evpn *, uint32_t r, uint32_t x);
/* Path of E from speaker FROM, or NONE. */
uint32_t evpn_path_from(const struct rib_entry *e, uint32_t from);
/* Speaker S's row of control.csv. */
struct ctl_speaker *evpn_row(struct evpn *, const struct speaker *s);
/* Side K of session SI posts M on its stream. */
void evpn_send_msg(struct evpn *, uint32_t si, int k, const struct msg *m);
/* Side K of session SI sends an OPEN or a KEEPALIVE. */
void evpn_send_simple(struct evpn *, uint32_t si, int k, uint8_t type);
/* Speaker SI sets (or, with P NULL, removes) the path of N from FROM. */
void evpn_rib_set(struct evpn *, uint32_t si, const struct nlri *n,
                  uint32_t from, const struct path *p);
/* Side K of session SI sends its initial table, then End-of-RIB. */
void evpn_send_table(struct evpn *, uint32_t si, int k);
/* Fills the flow of session SI's direction K, opened at START_PS. */
void evpn_flow_init(struct evpn *, uint32_t si, int k, uint64_t start_ps);

/* evpn-policy.c. */

/* Whether VTEP SP imports path P (evpn.import, evpn.policy). */
bool evpn_import_permits(const struct evpn *, const struct speaker *sp,
                         const struct path *p);
/* Whether RR SP's evpn.rr_policy lets P out; the deciding entry in *PE. */
bool evpn_rr_policy_permits(const struct evpn *, const struct speaker *sp,
                            const struct path *p,
                            const struct evpn_policy **pe);
/* Whether SELF's evpn.neighbor_policy for PEER, inbound (IN) or
 * outbound, lets P through; the deciding entry in *PE. */
bool evpn_neighbor_permits(const struct evpn *, uint32_t self, uint32_t peer,
                           bool in, const struct path *p,
                           const struct evpn_policy **pe);
/* Path P gains the community PE sets (PE NULL: none). */
void evpn_policy_set(const struct evpn_policy *pe, struct path *p);
/* Whether side K of session SI may send routes of N's route target now. */
bool evpn_rtc_allows(const struct evpn *, uint32_t si, int k,
                     const struct nlri *n);
/* Side K of session SI, just Established, sends its RT memberships. */
void evpn_rtc_send(struct evpn *, uint32_t si, int k);
/* Side K of session SI takes the peer's RT-constrain message M. */
void evpn_rtc_receive(struct evpn *, uint32_t si, int k, const struct msg *m);

/* evpn-fsm.c. */

/* Speaker SP's BGP Identifier: its address (a server's, or a switch's
 * loopback, pkt_switch_ip()). */
uint32_t evpn_router_id(const struct evpn *, uint32_t sp);

/* Side K of session SI goes down, telling the peer first with NOTIFY. */
void evpn_session_down(struct evpn *, uint32_t si, int k, bool notify);
/* Side K of session SI has the peer's OPEN: its hold timer starts. */
void evpn_hold_start(struct evpn *, uint32_t si, int k);
/* The event at evpn.start that opens every session (OBJ: the evpn). */
void evpn_open_all(struct sim *, void *obj, uint64_t unused);

#endif
