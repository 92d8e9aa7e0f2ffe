/* Contract for per-packet observers of the fabric: what the floors above
 * (report/'s latency breakdown, HPCC's in-band telemetry, later a pcap
 * writer or time series) see of a packet as it crosses the fabric,
 * without the fabric naming any of them.
 *
 * A packet asks to be observed by a bit in its `hooks` (PKT_HOOK_*,
 * pkt.h); each bit has at most one observer, attached to the net with
 * net_observe() when the simulation is built.  The fabric tests
 * `p->hooks` once per transmission, so a run with no hooked packet pays
 * one flag test per hop and nothing else; only hooked packets reach the
 * observers, in the order of their bits (lowest first).
 *
 * A port's link may also be captured: one observer, attached with
 * net_capture(), is shown every frame (data or control, hooked or not)
 * that starts onto a link whose `capture` flag it set.  The transmit path
 * tests `p->hooks | link.capture` as one flag, so ports not captured pay
 * nothing more.  report/pcap.c (monitor.pcap) is that observer.
 *
 * An implementation embeds `struct net_observer` as `up` and gets back to
 * itself with CONTAINER_OF; the class is a `static const struct
 * net_observer_class` with designated initializers.  The observer is
 * owned by whoever attached it and must outlive the net's run. */
#ifndef DCSIM_OBSERVER_H
#define DCSIM_OBSERVER_H 1

#include <stdint.h>

#include "fabric/drop.h"

struct net;
struct net_observer;
struct pkt;
struct port;

struct net_observer_class {
    const char *name;            /* For messages.  Required. */
    /* P, hooked for this observer, starts onto PORT's link now
     * (net->sim.now_ps) and takes SER_PS to serialize; then it propagates
     * for link_prop_ps() (port.h).  The observer may write P's headers (INT
     * appends a hop record) but must not free or requeue it.  Optional. */
    void (*depart)(struct net_observer *, struct net *, const struct port *,
                   struct pkt *, uint64_t ser_ps);
    /* P, hooked for this observer, is being dropped by WHY (by the fabric
     * or by a host); it is freed after the call.  Optional. */
    void (*drop)(struct net_observer *, struct net *, struct pkt *,
                 enum drop_reason why);
};

struct net_observer {
    const struct net_observer_class *class;
};

/* Number of hook bits (struct pkt's `hooks` is a uint8_t). */
#define NET_N_HOOKS 8

/* Attaches OBS to the packets whose hooks hold HOOK (one PKT_HOOK_* bit,
 * whose slot must be free). */
void net_observe(struct net *, uint8_t hook, struct net_observer *obs);

/* Makes OBS the capture observer and shows it every frame that starts
 * onto PORT's link from now on (its `depart`; `drop` is not called for
 * captures).  One capture observer per net: every call names the same. */
void net_capture(struct net *, struct port *port, struct net_observer *obs);

/* The hooks of P start onto PORT's link, and the capture observer sees P
 * if the link is captured (port.c, only when p->hooks or
 * port->link.capture). */
void net_observe_depart(struct net *, const struct port *, struct pkt *,
                        uint64_t ser_ps);

#endif
