/* The underlay eBGP's internals, private to src/control/: the speakers,
 * sessions, paths and messages that ebgp.c (messages on the wire and
 * through the CPU, RIBs, decision, MRAI, building) and ebgp-fsm.c (RFC
 * 4271's state machine: connection attempts, the ConnectRetryTimer, OPEN
 * and KEEPALIVE, sessions that fall and switches that fail) share, and
 * the functions that cross between them.  Callers outside control/ use
 * ebgp.h. */
#ifndef DCSIM_CONTROL_EBGP_INT_H
#define DCSIM_CONTROL_EBGP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "control/bgp-msg.h"
#include "control/control.h"
#include "control/ebgp.h"
#include "fabric/net.h"
#include "fabric/observer.h"
#include "fabric/route.h"
#include "fabric/sw-cpu.h"
#include "fabric/switch.h"
#include "sim/util.h"

/* NLRI bytes of one rack prefix (/17 to /24, ebgp.h). */
#define EBGP_PREFIX_BYTES 4u

/* AS paths, interned: path I is AS asn[I] followed by path parent[I], so
 * that a switch's advertisement is one entry on top of its best path and
 * every path is a 4-byte id.  Id 0 is no route, id 1 the empty path (a
 * prefix the switch originates). */
#define PATH_NONE 0u
#define PATH_EMPTY 1u

struct path {
    uint32_t asn;
    uint32_t parent;
    uint32_t len;             /* ASNs in the path. */
};

struct path_table {
    struct path *v;
    uint32_t n, cap;
    uint32_t *slots;          /* Open addressing: id, 0 = empty. */
    uint32_t n_slots;         /* Power of two. */
};

/* RFC 4271 section 8's states.  Connect stands for Active too: the
 * session waits for its ConnectRetryTimer, or for a connection from the
 * peer, having tried one of its own (ebgp.h). */
enum sess_state {
    SESS_IDLE,
    SESS_CONNECT,
    SESS_OPEN_SENT,
    SESS_OPEN_CONFIRM,
    SESS_ESTABLISHED,
};

struct u32_list {
    uint32_t *v;
    uint32_t n, cap;
};

/* One end of the session over one cable: switch SW's side. */
struct sess {
    uint32_t sw;              /* Switch index (0-based). */
    uint32_t peer;            /* The session at the far end. */
    uint32_t peer_node;       /* Its switch's node id (the tie-break). */
    uint8_t port;             /* SW's port of the cable. */
    uint8_t state;            /* enum sess_state. */
    uint32_t gen;             /* Counts the times it went down. */
    uint32_t tx_seq, rx_seq;  /* Next message sent, next expected. */
    struct u32_list held;     /* Received ahead of a lost one (msgs). */
    struct u32_list rtx;      /* Lost, waiting to be resent (msgs). */
    struct u32_list pending;  /* Prefixes to advertise again. */
    uint64_t mrai_ready_ps;   /* No announcement before. */
    uint32_t mrai_gen;        /* The timer armed: GEN + 1, or 0. */
    uint32_t held_tags[4];    /* Events the armed timer holds. */
    uint32_t n_held_tags;
    bool fell;                /* Went down from Established since it
                               * was last Established. */
    bool trying;              /* Connect: its own SYN of this generation
                               * is out, neither answered nor refused. */
    uint64_t up_ps;           /* When it was last Established. */
    uint64_t idle_hold_ps;    /* control.bgp_idle_hold: the IdleHoldTime
                               * its next flap waits; 0 before the
                               * first. */
    bool idle_held;           /* Idle, its IdleHoldTimer running. */
    uint32_t up_tag;          /* Meanwhile: the port_up event its start
                               * will belong to, or UINT32_MAX. */
    uint64_t retry_at_ps;     /* Connect: the ConnectRetryTimer's
                               * expiry (one event per generation,
                               * pushed back lazily). */
};

/* One message, or a local job for the CPU (a session gone down). */
enum msg_type {
    MSG_OPEN = BGP_OPEN,
    MSG_UPDATE = BGP_UPDATE,
    MSG_KEEPALIVE = BGP_KEEPALIVE,
    MSG_DOWN = 16,            /* Local: session SESS went down. */
    MSG_SYN,                  /* TCP: a connection attempt (SYN), */
    MSG_SYN_ACK,              /* and its acceptance; not BGP messages:
                               * no sequence number, no CPU. */
};

struct msg {
    uint32_t sess;            /* Sending session (MSG_DOWN: the session). */
    uint32_t gen;             /* Its generation then. */
    uint32_t rgen;            /* The receiving session's, once accepted. */
    uint32_t seq;
    uint32_t tag;             /* Event record, or UINT32_MAX. */
    uint32_t life;            /* Counts its slot's uses. */
    uint8_t type;             /* enum msg_type. */
    uint32_t bytes;           /* BGP message bytes. */
    uint32_t path;            /* UPDATE: of its NLRI; PATH_NONE: its
                               * prefixes are withdrawn. */
    struct u32_list pfx;      /* UPDATE, MSG_DOWN: prefixes. */
    uint32_t next_free;
};

struct ebgp {
    struct sw_cpu cpu;        /* Receives the messages (sw-cpu.h). */
    struct net_observer obs;  /* Told of their losses. */
    struct control *ctl;
    struct net *net;
    const struct control_spec *spec;
    uint32_t n_sw, n_pfx;
    uint32_t *asn;            /* Per switch. */
    uint32_t *speaker;        /* Per switch: index in ctl->speakers. */
    uint32_t *sess_start;     /* Per switch + 1: its sessions, in port
                               * order. */
    struct sess *sess;
    uint32_t n_sess;
    uint32_t *rib_in;         /* [sess * n_pfx + g]: path received. */
    uint32_t *rib_out;        /* [sess * n_pfx + g]: path sent. */
    uint8_t *dirty;           /* [sess * n_pfx + g]: in sess.pending. */
    uint32_t *best;           /* [sw * n_pfx + g]: Loc-RIB. */
    uint64_t *rib_n;          /* Per switch: RIB entries now. */
    uint64_t *cpu_free_ps;    /* Per switch: its CPU is busy until. */
    uint32_t *sw_gen;         /* Per switch: counts its failures. */
    struct path_table paths;
    struct msg *msgs;
    uint32_t n_msgs, free_msg;
    uint8_t *ports;           /* Scratch: an ECMP set. */
};

static inline void
list_push(struct u32_list *l, uint32_t x)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = x;
}

static inline struct ctl_speaker *
speaker_of(struct ebgp *eb, uint32_t sw)
{
    return &eb->ctl->speakers.v[eb->speaker[sw]];
}

static inline struct sw *
sw_at(struct ebgp *eb, uint32_t x)
{
    return &eb->net->switches[x];
}

static inline bool
is_home(const struct ebgp *eb, uint32_t x, uint32_t g)
{
    return sw_route(&eb->net->switches[x], g) == ROUTE_DIRECT;
}

/* ebgp.c. */

/* A new message of TYPE on session SESS for the event of record TAG. */
uint32_t ebgp_msg_new(struct ebgp *, uint8_t type, uint32_t sess,
                      uint32_t tag);
/* Message I's work is done (processed, or dropped with its session). */
void ebgp_msg_release(struct ebgp *, uint32_t i);
/* Puts message I on the wire of its session. */
void ebgp_msg_transmit(struct ebgp *, uint32_t i);
/* Session SESS sends an OPEN or a KEEPALIVE. */
void ebgp_send_simple(struct ebgp *, uint32_t sess, uint8_t type,
                      uint32_t tag);
/* Switch X's RIB grows by DELTA entries. */
void ebgp_rib_count(struct ebgp *, uint32_t x, int64_t delta);
/* Sets session SI's route for G to PATH (after the loop check). */
void ebgp_rib_in_set(struct ebgp *, uint32_t si, uint32_t g, uint32_t path);
/* Session S's MRAI timer holds no event any more. */
void ebgp_release_held_tags(struct ebgp *, struct sess *s);
/* Queues message I on switch X's CPU, behind what is there. */
void ebgp_cpu_queue(struct ebgp *, uint32_t x, uint32_t i);
/* Marks G for advertising again on session SI. */
void ebgp_sess_mark(struct ebgp *, uint32_t si, uint32_t g);
/* Sends what session SI has pending (withdrawals now, announcements as
 * its MRAI allows). */
void ebgp_sess_flush(struct ebgp *, uint32_t si, uint32_t tag);

/* ebgp-fsm.c. */

/* Switch X's BGP Identifier: its loopback address, pkt_switch_ip(). */
uint32_t ebgp_router_id(uint32_t x);

/* Session SI of switch X on its port PORT, or UINT32_MAX. */
uint32_t ebgp_sess_of_port(const struct ebgp *, uint32_t x, uint8_t port);
/* Session RI's side has processed the peer's OPEN or KEEPALIVE. */
void ebgp_fsm_receive(struct ebgp *, uint32_t ri, uint8_t type,
                      uint32_t tag);
/* Session RI's side receives a SYN or SYN-ACK of its peer's current
 * attempt. */
void ebgp_tcp_handshake(struct ebgp *, uint32_t ri, uint8_t type,
                        uint32_t tag);
/* Session SI's connection failed before it was Established. */
void ebgp_sess_fail(struct ebgp *, uint32_t si, uint32_t tag);

#endif
