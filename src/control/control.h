/* The control plane at run time: the scenario's events (links and
 * switches that fail and come back), their detection by the switches
 * next to them, and the underlay's reconvergence.
 *
 * A failure is physical first.  At the event's time the cables concerned
 * are cut (port_link_set_down(): frames on the wire are lost, and so is
 * every frame sent into the cable until it is mended), and a failed
 * switch loses everything in its queues.  Nobody knows yet: the switches
 * at the other end of each cable go on sending into it.
 *
 * Detection comes next, per cable end on a live switch, after the delay
 * of the configured mechanism (control-spec.h): the port's carrier delay
 * for loss of light, or BFD's detection time (RFC 5880 section 6.8.4: the
 * remote's Detect Mult times the agreed interval since the last control
 * packet received; packets are sent at multiples of the interval from
 * time 0, so the last one before a failure at T came at T rounded down
 * to the interval).  On detection the switch's forwarding hardware takes
 * the port out of every ECMP group at once (route_withdraw_port()); a
 * group left empty black-holes its traffic (dropped as no_route) until
 * the routing protocol moves it.
 *
 * Reconvergence last: with the `bgp` model (ebgp.h) each switch's BGP
 * speaker learns of the detection, and the UPDATEs that follow cross the
 * fabric hop by hop, each switch changing its own table as they come.
 * With the `oracle` model every switch installs the
 * shortest paths of the graph without the withdrawn cables
 * (route_compute()) a fixed delay after the detection, all at once, as
 * the HPCC simulator's global recomputation does; ECMP groups shrink,
 * and grow back the same way after a repair.  A repair is detected by
 * carrier after the carrier's up delay, or by BFD once its three-way
 * handshake has run (Down, Init, Up: the second interval boundary after
 * the repair).
 *
 * Each event gets a record (struct ctl_record) for events.csv: when it
 * was detected, when every switch had converged, and the packets lost.
 * An event's losses are counted from its time until the next event's (or
 * the end of the run): after convergence too, so that the lasting
 * black hole of a partitioned fabric (no_route) is the failure's; the
 * windows of successive events do not overlap, and their sums are the
 * fabric's drops since the first event.  A run without events builds no
 * control plane at all. */
#ifndef DCSIM_CONTROL_H
#define DCSIM_CONTROL_H 1

#include <stdbool.h>
#include <stdint.h>

#include "control/control-spec.h"
#include "control/speaker.h"
#include "fabric/drop.h"
#include "sim/sim.h"

struct ebgp;
struct net;

/* Reasons a failure loses packets for, counted per event. */
enum ctl_loss {
    CTL_LOSS_LINK_DOWN,       /* On or into a cut cable. */
    CTL_LOSS_SWITCH_DOWN,     /* In a switch when it failed. */
    CTL_LOSS_NO_ROUTE,        /* Black-holed: an empty ECMP group. */
    CTL_LOSS_TTL,             /* Looping until the TTL ran out. */
    CTL_LOSS_VM_MOVED,        /* Sent to a VM's old server (EVPN). */
    CTL_N_LOSSES
};

/* What happened to one event. */
struct ctl_record {
    const struct ctl_event_spec *spec;
    bool fired;               /* Its time came before the end. */
    uint64_t detected_ps;     /* First detection; UINT64_MAX: none (the
                               * run ended first, or no live switch was
                               * next to it). */
    uint64_t converged_ps;    /* Every switch's table updated (bgp: the
                               * last change of a table the event caused,
                               * once its messages have all been
                               * handled); UINT64_MAX: not before the
                               * end. */
    uint64_t lost[CTL_N_LOSSES];  /* Drops from the event until the next
                                   * one (or the end). */
    uint64_t at_start[CTL_N_LOSSES];  /* The fabric's counts at the event
                                       * (internal). */
    uint64_t work;            /* bgp: messages, CPU jobs and timers the
                               * event caused still to come (internal). */
    uint64_t last_fib_ps;     /* bgp: when a table last changed for it. */
};

struct control {
    struct net *net;
    const struct control_spec *spec;
    struct ctl_record *rec;   /* One per spec->events entry. */
    size_t n_rec;
    uint8_t *cut;             /* Per port (net->ports): its cable is cut
                               * by a link event. */
    uint8_t *sw_down;         /* Per switch (net->switches): failed. */
    struct ctl_speakers speakers;  /* BGP speakers, for control.csv. */
    struct ebgp *bgp;         /* The bgp model's speakers, or NULL. */
    struct evpn *evpn;        /* BGP EVPN (evpn.h), or NULL; the world
                               * starts it (evpn_create()). */
};

/* Builds the control plane of a built net and schedules SPEC's events;
 * NULL when SPEC has none and no EVPN (nothing is scheduled then). */
struct control *control_create(struct net *, const struct control_spec *);
void control_destroy(struct control *);

/* The run has ended: closes the loss counts of the events still
 * converging, at the end. */
void control_finish(struct control *);

/* For the routing models: event record TAG (UINT32_MAX: none) has DELTA
 * more pieces of work to come; at none, once detected, it has converged
 * at its last table change. */
void control_work(struct control *, uint32_t tag, int delta);
/* Schedules a control-plane timer FN(OBJ, ARG) at T_PS (a retry, an
 * IdleHoldTimer, a KEEPALIVE, a hold timer): in a run with a stop time a
 * plain event (its caller arms none past the stop); in one without, a
 * background event (sim.h's sim_call_background()), which fires while
 * the workload or anything else is left to do and never keeps the run
 * going by itself, so the run ends when the workload is done. */
void control_timer(struct sim *, uint64_t t_ps, call_fn *, void *obj,
                   uint64_t arg);
/* When a BFD session (RFC 5880 6.8.4) of INTERVAL_PS and Detect Mult
 * MULT notices a failure at T_PS: its peer's packets were sent every
 * interval (multiples of it from 0), the last before T_PS, and the
 * detection time runs out MULT intervals after that one (UINT64_MAX if
 * that is beyond simulated time). */
/* Peer oscillation damping (RFC 4271 8.1.1, DampPeerOscillations), as FRR
 * doubles a peer's start timer: a session side that fell from Established
 * at NOW_PS, Established since UP_PS, waits the IdleHoldTime this returns:
 * FIRST_PS after its first fall (*HOLD_PS 0), else *HOLD_PS, which then
 * doubles up to MAX_PS; a side that had stayed Established for MAX_PS
 * starts over from FIRST_PS.  *HOLD_PS is the side's own state. */
uint64_t control_idle_hold_ps(uint64_t *hold_ps, uint64_t up_ps,
                              uint64_t now_ps, uint64_t first_ps,
                              uint64_t max_ps);
uint64_t control_bfd_down_ps(uint64_t interval_ps, uint32_t mult,
                             uint64_t t_ps);
/* A switch's table changed now because of event record TAG. */
void control_fib_changed(struct control *, uint32_t tag);
/* Whether the loss L is one this control plane can have (vm_moved only
 * with EVPN), for the results' columns. */
bool control_has_loss(const struct control *, enum ctl_loss l);

/* Name of event kind K in scenarios and events.csv ("link_down"). */
const char *control_event_name(enum ctl_event_kind k);
/* The drop reason counted under loss L. */
enum drop_reason control_loss_reason(enum ctl_loss l);

#endif
