/* Why a packet was dropped.  Every drop is counted under one reason in
 * summary.json's "drops" object (keys are drop_reason_name()). */
#ifndef DCSIM_DROP_H
#define DCSIM_DROP_H 1

enum drop_reason {
    DROP_QUEUE_FULL,   /* Egress queue at its tail-drop limit. */
    DROP_BUFFER_FULL,  /* Switch buffer as a whole is full. */
    DROP_TTL,          /* IPv4 TTL reached zero. */
    DROP_NO_ROUTE,     /* No route to the destination. */
    DROP_FAULT,        /* Injected loss (scenario `faults`). */
    DROP_THRESHOLD,    /* Lossy queue past its dynamic threshold. */
    DROP_HEADROOM,     /* Lossless class overran its PFC headroom. */
    DROP_PFC_WATCHDOG, /* Queue declared stormed by the PFC watchdog. */
    DROP_HOST_RX,      /* Host NIC receive buffer full (host.rx_rate). */
    DROP_MTU_EXCEEDED, /* A tunnel packet larger than the underlay MTU
                        * (overlays do not fragment). */
    DROP_LINK_DOWN,    /* On, or sent into, a failed link (scenario
                        * `events`). */
    DROP_SWITCH_DOWN,  /* Held in a switch when it failed. */
    DROP_POLICY,       /* Denied by a vswitch's ACL or identity policy
                        * (overlay/vswitch.h). */
    DROP_VM_MOVED,     /* Reached a VM's old server after it moved, before
                        * the sender's VTEP learned the new place (BGP
                        * EVPN, control/evpn.h). */
    DROP_FLOOD_MISSED, /* An unknown unicast that a leaf VTEP flooded (BGP
                        * EVPN ingress replication) without reaching its
                        * destination: the destination's leaf was not on
                        * the VNI's type 3 list (overlay/vtep.h). */
    DROP_N_REASONS
};

static inline const char *
drop_reason_name(enum drop_reason r)
{
    static const char *const names[DROP_N_REASONS] = {
        [DROP_QUEUE_FULL] = "queue_full",
        [DROP_BUFFER_FULL] = "buffer_full",
        [DROP_TTL] = "ttl_expired",
        [DROP_NO_ROUTE] = "no_route",
        [DROP_FAULT] = "fault_injected",
        [DROP_THRESHOLD] = "dynamic_threshold",
        [DROP_HEADROOM] = "headroom_full",
        [DROP_PFC_WATCHDOG] = "pfc_watchdog",
        [DROP_HOST_RX] = "nic_rx_full",
        [DROP_MTU_EXCEEDED] = "mtu_exceeded",
        [DROP_LINK_DOWN] = "link_down",
        [DROP_SWITCH_DOWN] = "switch_down",
        [DROP_POLICY] = "policy_denied",
        [DROP_VM_MOVED] = "vm_moved",
        [DROP_FLOOD_MISSED] = "flood_missed",
    };
    return names[r];
}

#endif
