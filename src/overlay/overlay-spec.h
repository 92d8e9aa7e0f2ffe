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
};

#endif
