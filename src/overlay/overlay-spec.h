/* What an overlay is built from: the scenario's `overlay` section
 * (docs/scenario.md, "overlay"), read by scenario/scn-overlay.c. */
#ifndef DCSIM_OVERLAY_SPEC_H
#define DCSIM_OVERLAY_SPEC_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "overlay/encap.h"

/* Where the tunnel endpoints live. */
enum vtep_place {
    VTEP_LEAF,                /* Hardware VTEPs in the switches the hosts
                               * attach to (the EVPN design). */
    VTEP_SERVER,              /* Software VTEPs in each server's vswitch
                               * (the OVS / Cilium design). */
};

/* How a vswitch's OpenFlow tables get their forwarding entries. */
enum vsw_tables {
    VSW_PREPOPULATED,         /* Every entry before traffic starts (a
                               * proactive controller). */
    VSW_LEARNING,             /* MAC learning: unknown destinations are
                               * flooded; learned entries age. */
    VSW_REACTIVE,             /* A table miss goes to the controller,
                               * which installs the entry after a delay. */
    VSW_EVPN,                 /* BGP EVPN installs them (control/evpn.h):
                               * a remote MAC once its type 2 route is
                               * in; until then ingress replication to the
                               * type 3 list, or a drop with ARP
                               * suppression. */
};

/* overlay.vswitch: an Open vSwitch-style virtual switch on every server
 * with VMs (docs/scenario.md, "overlay.vswitch"). */
struct vswitch_spec {
    bool enabled;
    enum vsw_tables tables;
    uint32_t microflow_entries;   /* Exact-match cache, a power of two. */
    uint32_t megaflow_entries;    /* Wildcarded cache; LRU beyond. */
    uint64_t upcall_ps;           /* Handler work per miss. */
    double mask_probe;            /* Cycles per megaflow mask probed. */
    uint64_t controller_delay_ps; /* Reactive: flow setup. */
    uint64_t mac_aging_ps;        /* Learning: entries' idle lifetime. */
    uint32_t handler_core;        /* UINT32_MAX: the server's last. */
    uint16_t *deny_ports;         /* ACL: TCP/UDP ports dropped. */
    size_t n_deny_ports;
    /* Identity (Cilium): per host, its identity index + 1 (0: none);
     * allowed (source, destination) identity pairs. */
    char **identities;
    size_t n_identities;
    uint32_t *host_identity;
    uint32_t (*allow)[2];
    size_t n_allow;
};

/* One tenant: a virtual network with its own VNI and address space. */
struct tenant_spec {
    char *name;
    uint32_t vni;             /* 1..VNI_MAX, unique; with ENCAP_VLAN the
                               * VLAN ID, 1..VLAN_VID_MAX. */
    uint32_t subnet;          /* Tenant addresses, host order: member i
                               * gets subnet + i + 1.  Tenants may share
                               * (overlap) address ranges. */
    uint8_t prefix_len;       /* Of the subnet, 8..30. */
    uint32_t *hosts;          /* Member host numbers. */
    size_t n_hosts;
};

struct overlay_spec {
    bool enabled;             /* The scenario has an `overlay` section. */
    struct encap encap;       /* VXLAN or Geneve, options, source port. */
    enum vtep_place vteps;
    uint32_t underlay_mtu_bytes;  /* IP MTU of the fabric's links; 0: the
                                   * scenario's mtu. */
    struct tenant_spec *tenants;
    size_t n_tenants;
    uint32_t *host_tenant;    /* Per host: tenant index + 1, 0: none
                               * (n_hosts entries). */
    struct vswitch_spec vswitch;
};

#endif
