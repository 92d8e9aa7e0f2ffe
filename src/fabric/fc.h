/* Link-level flow control: what keeps a port from overrunning the buffer
 * at the far end of its link.  One mechanism per run, at every port:
 *
 *   none  (no provider; port->fc is NULL): a full buffer drops;
 *   pfc   (fc-pfc.c, pfc.h): IEEE 802.1Qbb priority flow control, pause
 *         frames per class generated from the switch MMU's or the host
 *         NIC's thresholds;
 *   ib    (fc-ib.c, ib.h): InfiniBand credits per virtual lane (IBTA
 *         Vol 1 7.9), so nothing is ever dropped for want of room.
 *
 * Callers are the port's transmit path (port.c), the nodes that own the
 * buffers behind a port (switch.c, host.c), the builder and the reports.
 * Every wrapper below is a no-op on a port without flow control, or whose
 * provider does not implement the step.  Implementations are described
 * by fc-provider.h; fc.c holds their table. */
#ifndef DCSIM_FC_H
#define DCSIM_FC_H 1

#include <stddef.h>
#include <stdint.h>

#include "fabric/fc-provider.h"
#include "fabric/port.h"

struct net;

/* The registered providers by name ("pfc", "ib"), or NULL; "none" is
 * no provider.  For validation and docs: I < fc_count(). */
const struct fc_class *fc_find(const char *name);
size_t fc_count(void);
const char *fc_name(size_t i);

/* Frees the flow-control state of PORT, if any. */
void fc_port_destroy(struct port *);
/* Counts what is still open at END_PS, the end of the run, at every port
 * of NET (once, before the reports). */
void fc_finish(struct net *, uint64_t end_ps);

/* Transmit path (port.c). */
static inline struct pkt *
fc_ctrl_next(struct net *net, struct fc_port *fc)
{
    return fc->class->ctrl_next(net, fc);
}

static inline void
fc_ctrl_sent(struct net *net, struct fc_port *fc, struct pkt *p,
             uint64_t end_ps)
{
    fc->class->ctrl_sent(net, fc, p, end_ps);
}

/* Only where port->tx_bits has PORT_FC_GATE, PORT_FC_SENT. */
static inline uint8_t
fc_tx_gate(struct net *net, struct fc_port *fc, uint8_t ready)
{
    return fc->class->tx_gate(net, fc, ready);
}

static inline void
fc_tx_sent(struct net *net, struct fc_port *fc, uint8_t tc, uint8_t in_port,
           uint32_t frame_bytes)
{
    fc->class->tx_sent(net, fc, tc, in_port, frame_bytes);
}

static inline int
fc_tx_refuse(struct fc_port *fc, uint8_t tc)
{
    return fc->class->tx_refuse(fc, tc);
}

/* Receive side, by the port the packet entered by.  fc_rx_arrive() only
 * on the links port_attach_fc() hooked (the provider has rx_arrive). */
static inline void
fc_rx_arrive(struct net *net, struct port *port, const struct pkt *p)
{
    struct fc_port *fc = port->fc;
    fc->class->rx_arrive(net, fc, p);
}

static inline void
fc_rx_leave(struct net *net, struct port *port, const struct pkt *p)
{
    struct fc_port *fc = port->fc;
    if (fc && fc->class->rx_leave)
        fc->class->rx_leave(net, fc, p);
}

/* Out of line: the port's transmit path calls them on a cold branch. */
void fc_rx_admitted(struct net *, struct port *, uint8_t tc);
void fc_rx_released(struct net *, struct port *, uint8_t tc);

static inline void
fc_rx_pause(struct net *net, struct port *port, uint8_t tc)
{
    struct fc_port *fc = port->fc;
    if (fc && fc->class->rx_pause)
        fc->class->rx_pause(net, fc, tc);
}

static inline void
fc_rx_resume(struct net *net, struct port *port, uint8_t classes)
{
    struct fc_port *fc = port->fc;
    if (fc && fc->class->rx_resume)
        fc->class->rx_resume(net, fc, classes);
}

#endif
