/* An Open vSwitch-style virtual switch on each server with VMs, between
 * the VMs' virtual NICs and the physical NIC (the design of Pfaff et al.,
 * "The Design and Implementation of Open vSwitch", NSDI 2015).
 *
 * The slow path is an OpenFlow pipeline of three tables of
 * priority-ordered entries (docs/models.md, "Virtual switch"):
 *   table 0, ingress: a VM's port with its own MAC (anti-spoofing), or
 *     the uplink with the tenant's tunnel ID or VLAN -> table 1; else drop;
 *   table 1, ACL and policy: the scenario's denied TCP/UDP ports (one
 *     entry per port and direction) -> drop; with identities, packets from
 *     the uplink whose source identity may not reach this host's -> drop;
 *     else -> table 2;
 *   table 2, L2 forwarding by destination MAC: a local VM's port, or the
 *     uplink (push a VLAN tag, or set the tunnel to the destination's
 *     VTEP, with software VTEPs); a miss floods (MAC learning), goes to
 *     the controller (reactive) or drops (prepopulated).
 * Matches are on in_port, MACs, VLAN, tunnel ID, the IPv4 5-tuple (tenant
 * addresses) and the Geneve identity option, field by field.
 *
 * In front of it is the datapath's flow cache: an exact-match microflow
 * cache (direct-mapped) and a megaflow cache of wildcarded entries, each
 * matching only the fields the pipeline looked at (every entry examined
 * in priority order un-wildcards its fields), looked up mask by mask
 * (tuple space search), bounded, evicting the least recently used.  A
 * packet that misses both is an upcall: the handler thread runs the
 * pipeline and installs a megaflow (host/datapath.h charges its time);
 * until it has, every packet that finds that megaflow is an upcall of its
 * own, as in OVS, whose datapath does not have the flow yet.
 *
 * A flood with software VTEPs is head-end replication: a copy of the
 * packet tunneled to every other member of the tenant (pkt.h's
 * flood_copy), which the vswitch there takes in, learns from and
 * consumes.
 *
 * VMs' MAC addresses are derived (02:00:hh:hh:hh:vv for VM vv of host
 * hhhhhh); their IPv4 addresses are their host's tenant address, and a
 * flow's VM at each end is the one the server model runs it in. */
#ifndef DCSIM_OVERLAY_VSWITCH_H
#define DCSIM_OVERLAY_VSWITCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/datapath.h"
#include "overlay/vtep.h"

struct net;

#define VSW_UPLINK 0              /* Port 0; VM k's vNIC is port 1 + k. */
#define VSW_N_TABLES 3

/* Match fields, as bits of a mask (whole fields). */
enum vsw_field {
    VF_IN_PORT = 1u << 0,
    VF_DL_SRC = 1u << 1,
    VF_DL_DST = 1u << 2,
    VF_VLAN = 1u << 3,
    VF_TUN_ID = 1u << 4,
    VF_NW_SRC = 1u << 5,
    VF_NW_DST = 1u << 6,
    VF_NW_PROTO = 1u << 7,
    VF_TP_SRC = 1u << 8,
    VF_TP_DST = 1u << 9,
    VF_IDENTITY = 1u << 10,
};

/* A packet's flow key (no padding: compared and hashed as bytes). */
struct vsw_key {
    uint64_t dl_src, dl_dst;  /* MACs, in the low 48 bits. */
    uint32_t tun_id;          /* VNI it arrived in; 0: none. */
    uint32_t nw_src, nw_dst;  /* Tenant addresses. */
    uint32_t identity;        /* Source's security identity + 1 (Geneve
                               * option); 0: none. */
    uint16_t in_port;
    uint16_t vlan;            /* VID it arrived tagged with; 0: none. */
    uint16_t tp_src, tp_dst;
    uint8_t nw_proto;
    uint8_t pad[7];
};

enum vsw_act_type {
    VA_OUTPUT,                /* arg: port. */
    VA_FLOOD,                 /* Every port but the input one. */
    VA_PUSH_VLAN,             /* arg: VID. */
    VA_POP_VLAN,
    VA_SET_TUNNEL,            /* arg: VNI, arg2: destination host. */
    VA_GOTO,                  /* arg: table. */
    VA_CONTROLLER,
    VA_DROP,                  /* arg: drop reason; arg2: 1 for policy. */
};

struct vsw_action {
    uint8_t type;
    uint32_t arg, arg2;
};

#define VSW_MAX_ACTS 3
struct vsw_rule {
    struct vsw_key match;
    uint32_t fields;          /* enum vsw_field bits it matches. */
    uint16_t priority;
    uint8_t n_acts;
    struct vsw_action acts[VSW_MAX_ACTS];
    uint64_t ready_ps;        /* Reactive: installed by the controller at
                               * (TIME_NEVER until its first upcall is
                               * done); 0: always there. */
    uint64_t used_ps;         /* Learned: last seen; 0: permanent. */
};

struct vsw_table {
    struct vsw_rule *rules;   /* Highest priority first. */
    size_t n, cap;
};

/* What the pipeline decided for a packet: what a megaflow caches. */
enum vsw_outcome { VSW_OUT, VSW_FLOOD, VSW_DROP };
struct vsw_result {
    uint8_t outcome;          /* enum vsw_outcome. */
    bool controller;          /* Reactive: held until the entry is in. */
    bool encap;               /* Tag or tunnel (software VTEPs). */
    bool policy;              /* A drop by identity policy. */
    uint8_t drop;             /* enum drop_reason, with VSW_DROP. */
    uint16_t port;
    uint32_t vni;             /* Or VID. */
    uint32_t dst_host;        /* Tunnel's far end. */
};

struct vsw_megaflow {
    struct vsw_key key;       /* Masked by MASK. */
    uint32_t mask;
    uint32_t next;            /* Hash chain; UINT32_MAX ends it. */
    uint32_t lru_prev, lru_next;
    uint32_t serial;          /* Bumped at every eviction. */
    uint32_t gen;             /* Floods: the MAC table's generation. */
    uint64_t expires_ps;      /* When a learned entry it used ages out
                               * (it is stale then); 0: never. */
    uint32_t inflight;        /* Its packets in the handler's queue. */
    bool pending;             /* The upcall that installs it is queued:
                               * the datapath does not have it yet. */
    bool used;
    struct vsw_result res;
};

struct vsw_micro {
    struct vsw_key key;
    uint32_t mega, serial;
    bool valid;
};

struct vswitch_stats {
    uint64_t pkts;
    uint64_t microflow_hits, megaflow_hits;
    uint64_t upcalls;         /* Misses of both caches. */
    uint64_t pending_upcalls; /* Of which misses of a flow whose first
                               * upcall was still queued. */
    uint64_t installs, evictions;
    uint64_t floods, flood_copies;
    uint64_t flood_wire;      /* Of the copies, those tunneled to other
                               * VTEPs (software VTEPs). */
    uint64_t flood_ignored;   /* Flood copies received for a MAC no VM
                               * here has, consumed. */
    uint64_t controller_pkts; /* Sent to the controller (reactive). */
    uint64_t learned;         /* MAC addresses learned. */
    uint64_t policy_drops, table_drops;
    struct vtep_stats tun;    /* Software VTEPs: its tunnels. */
};

struct vswitch {
    struct server_dp up;
    struct overlay *ov;
    const struct vswitch_spec *spec;
    uint32_t host;
    uint32_t n_vms;
    uint32_t vni;             /* Its tenant's. */
    double bridge_cycles;     /* The server's per-frame forwarding cost. */
    struct vsw_table tables[VSW_N_TABLES];
    struct vsw_table proactive;   /* Reactive: the controller's view. */
    uint32_t mac_gen;
    /* Megaflow cache. */
    struct vsw_megaflow *mf;
    uint32_t mf_cap, mf_n;    /* Bound and entries in use. */
    uint32_t mf_alloc;        /* Entries allocated, up to mf_cap. */
    uint32_t *buckets;
    uint32_t n_buckets;       /* A power of two. */
    uint32_t lru_head, lru_tail, free_head;
    uint32_t *masks, *mask_refs;
    uint32_t n_masks;
    /* Microflow cache. */
    struct vsw_micro *micro;
    uint32_t n_micro;         /* A power of two. */
    /* EVPN: the VTEPs of its type 3 list (per host, 1: floods to it). */
    uint8_t *bum;
    uint32_t n_bum;
    uint8_t *left;            /* EVPN, per host: 1 once its VMs have left
                               * this server (vm_move). */
    struct vswitch_stats st;
};

/* Attaches a vswitch to the server of every tenant host of OV (the
 * scenario has checked that each has VMs behind a software path). */
void vswitches_create(struct overlay *, struct net *);
void vswitches_destroy(struct overlay *);
/* Hash buckets of a megaflow cache of MF_CAP entries (a power of two,
 * twice the entries up to 65536). */
uint32_t vswitch_buckets(uint32_t mf_cap);
/* Bytes vswitches_create() writes for one vswitch of SPEC in a net of
 * N_HOSTS hosts: the struct, its megaflow cache's buckets (all written)
 * and first slab of entries (it doubles as flows are installed, up to
 * megaflow_entries), EVPN's per-host arrays.  Its microflow cache
 * (microflow_entries x struct vsw_micro, zeroed) is not among them: its
 * pages become resident as flows hash into them. */
double vswitch_build_bytes(const struct vswitch_spec *, uint32_t n_hosts);
/* ---- BGP EVPN's hooks (tables: evpn; control/evpn.h's data plane). ----
 * Each changes table 2 and revalidates the datapath's caches. */

/* The vswitch of host H, or NULL. */
struct vswitch *vswitch_of_host(struct overlay *, uint32_t h);
/* Unknown destinations are dropped rather than flooded (ARP
 * suppression): every vswitch's table-miss entry. */
void vswitches_evpn_suppress_arp(struct overlay *);
/* V reaches the VMs of host MAC through host AT's VTEP, locally if AT is
 * V's host, or no more (AT == UINT32_MAX). */
void vswitch_evpn_mac(struct vswitch *v, struct net *, uint32_t mac,
                      uint32_t at);
/* The VMs of host MAC have left V: frames for them are dropped
 * (vm_moved). */
void vswitch_evpn_gone(struct vswitch *v, struct net *, uint32_t mac);
/* The VMs of host MAC now run behind V (a vm_move): table 0 admits
 * their frames from its VM ports. */
void vswitch_vm_arrive(struct vswitch *v, struct net *, uint32_t mac);
/* V's flood list gains (ON) or loses host AT's VTEP. */
void vswitch_evpn_flood(struct vswitch *v, uint32_t at, bool on);

/* Installed OpenFlow entries of V, over its tables. */
size_t vswitch_rules(const struct vswitch *);

#endif
