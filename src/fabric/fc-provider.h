/* Contract for link-level flow-control implementations (see fc.h).
 *
 * A flow-control provider is a `static const struct fc_class` registered
 * in the table in fc.c: PFC (fc-pfc.c, IEEE 802.1Qbb) and InfiniBand
 * credits (fc-ib.c, IBTA Vol 1 7.9).  "None" is no provider at all: a
 * port without flow control has `fc` NULL, and its transmit path tests
 * two bytes of its first cache line (fc_ctrl, and tx_bits's
 * PORT_FC_* bits) that stay 0.
 *
 * State.  Each port under flow control owns one state object of its
 * provider, which embeds `struct fc_port` as its member `up` and gets
 * back from it with a checked CONTAINER_OF (pfc_port_cast(),
 * ib_port_cast()).  The provider's own build function (pfc_port_create(),
 * ib_port_create(); their parameters differ) allocates it and attaches
 * it with fc_port_attach(); fc_port_destroy() calls `destroy`.
 *
 * What a port reads on every transmission lives in the port's first cache
 * line, and the provider keeps it current:
 *   port->fc_ctrl  nonzero while `ctrl_next` has a frame for the wire;
 *                  its bits are the provider's to use (IB: a VL per bit);
 *   port->paused   bit tc set: the peer stopped class tc (PFC);
 *   port->fc_drop  bit tc set: what arrives for class tc is dropped
 *                  (the PFC watchdog), through `tx_refuse`;
 *   port->tx_bits  PORT_FC_GATE, PORT_FC_SENT: which of `tx_gate` and
 *                  `tx_sent` the class has (fc_port_attach() sets them;
 *                  the provider leaves them).
 * A provider that sets one of them to nonzero from an event must
 * port_kick() the port when it clears it, so that waiting work restarts.
 *
 * Callbacks get the net (for its clock, pool and ports) and never keep
 * a packet they are handed unless the member says they own it. */
#ifndef DCSIM_FC_PROVIDER_H
#define DCSIM_FC_PROVIDER_H 1

#include <stdint.h>

#include "sim/util.h"

struct net;
struct pkt;
struct port;

/* The part of every provider's per-port state that the port and fc.c
 * know. */
struct fc_port {
    const struct fc_class *class;
    struct port *port;        /* The port whose link this controls. */
};

struct fc_class {
    /* Name, as the scenario knows the mechanism ("pfc", "ib").
     * Required. */
    const char *name;

    /* Transmit side: the port sending toward its peer. */

    /* Called by port_kick() when port->fc_ctrl is nonzero and the port is
     * free: returns the control frame (PFC frame, IB flow-control packet)
     * to start now, before any traffic class and regardless of pauses,
     * and updates port->fc_ctrl.  The port owns the frame until it hands
     * it back to `ctrl_sent`.  Never fails.  Required. */
    struct pkt *(*ctrl_next)(struct net *, struct fc_port *);
    /* The frame P from `ctrl_next` has been serialized and its last bit
     * leaves at END_PS: the provider owns it again, delivers it to the
     * peer (after the cable, and whatever response time it models) and
     * frees it (net->st.ctrl_in_use counts such frames).  Required. */
    void (*ctrl_sent)(struct net *, struct fc_port *, struct pkt *,
                      uint64_t end_ps);
    /* Of the classes READY (queued, not paused), those that may start a
     * frame now; the scheduler picks among them.  Called once per data
     * transmission start, so it must be cheap.  Optional: without it,
     * every ready class may start. */
    uint8_t (*tx_gate)(struct net *, struct fc_port *, uint8_t ready);
    /* A data frame of FRAME_BYTES of class TC, which entered the node by
     * port IN_PORT, is now on the wire (the link owns it).  Optional. */
    void (*tx_sent)(struct net *, struct fc_port *, uint8_t tc,
                    uint8_t in_port, uint32_t frame_bytes);
    /* A frame for class TC arrives at the port while port->fc_drop has
     * TC's bit: count it and return the enum drop_reason the port drops
     * it with.  Required when the provider ever sets port->fc_drop. */
    int (*tx_refuse)(struct fc_port *, uint8_t tc);

    /* Receive side: the buffer behind the port, which the peer fills. */

    /* Data packet P has arrived whole at the port, before its node sees
     * it.  Optional: with it, fc_port_attach() routes the links into the
     * port through the hooked arrival (port.c); without it, arrivals pay
     * nothing. */
    void (*rx_arrive)(struct net *, struct fc_port *, const struct pkt *);
    /* Packet P, which `rx_arrive` saw, is leaving the node: dropped
     * inside it, or taken by the host (the node still owns P).  A
     * provider whose port forwards hears of the rest in `tx_sent` of the
     * egress port.  Optional. */
    void (*rx_leave)(struct net *, struct fc_port *, const struct pkt *);
    /* A switch's MMU admitted (`rx_admitted`) or released
     * (`rx_released`) a frame of lossless class TC that entered by the
     * port: a chance to compare the port's ingress accounting with its
     * thresholds (mmu.h) and stop or restart the peer.  Called only for
     * classes the MMU holds lossless, and only when the thresholds call
     * for it: on admission when the ingress group is past XOFF and not
     * held, on release when it is held and back at XON (mmu_pg_pause_due(),
     * mmu_pg_resume_due()).  A provider that stops the peer records it
     * with mmu_pg_set_held() for as long as it does.  Optional. */
    void (*rx_admitted)(struct net *, struct fc_port *, uint8_t tc);
    void (*rx_released)(struct net *, struct fc_port *, uint8_t tc);
    /* A host's receive buffer behind the port is past its XOFF for class
     * TC (`rx_pause`), or back at XON (`rx_resume`, for every class in
     * CLASSES): stop the peer, or let it go on with what was stopped.
     * Optional: a credit-based provider stops the peer by its credits. */
    void (*rx_pause)(struct net *, struct fc_port *, uint8_t tc);
    void (*rx_resume)(struct net *, struct fc_port *, uint8_t classes);

    /* The run ended at END_PS: count the intervals still open (a pause, a
     * wait for credits) up to then, for the reports.  Called once per
     * port.  Optional. */
    void (*finish)(struct fc_port *, uint64_t end_ps);
    /* Frees the state (the whole object `up` is embedded in).  Required. */
    void (*destroy)(struct fc_port *);
};

extern const struct fc_class fc_pfc;
extern const struct fc_class fc_ib;

/* Makes FC, of CLASS, the flow control of PORT (at build time, once the
 * port is cabled). */
void fc_port_attach(struct fc_port *, const struct fc_class *,
                    struct port *);

#endif
