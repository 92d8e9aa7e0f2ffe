/* In-band network telemetry at switch egress; see int.h. */
#include "fabric/int.h"

#include "fabric/net.h"
#include "fabric/observer.h"
#include "fabric/port.h"
#include "pkt/pkt.h"

/* HPCC's in-band telemetry (pkt.h): P, about to be serialized, gets a hop
 * record of this port, as the simulator's SwitchNotifyDequeue pushes one:
 * the time, the bytes sent before it, what stays queued (every class)
 * and the line rate.  Full records are left alone. */
static void
int_push(const struct port *port, struct pkt *p, uint64_t now)
{
    struct int_hdr *h = pkt_int(p);
    if (h->nhop >= INT_MAX_HOPS)
        return;
    uint64_t qlen = 0;
    for (unsigned m = port->eligible; m; m &= m - 1)
        qlen += port_q(port, (unsigned)__builtin_ctz(m))->bytes;
    struct int_hop *hop = &h->hop[h->nhop++];
    hop->ts_ps = now;
    hop->rate_bps = port->rate_bps;
    hop->tx_bytes = (uint32_t)port->link.wire_bytes;
    hop->qlen_bytes = qlen > UINT32_MAX ? UINT32_MAX : (uint32_t)qlen;
}

static void
int_depart(struct net_observer *obs, struct net *net, const struct port *port,
           struct pkt *p, uint64_t ser_ps)
{
    (void)obs;
    (void)ser_ps;
    /* Switches only: a host NIC adds no record. */
    if (port->mmu)
        int_push(port, p, net->sim.now_ps);
}

static const struct net_observer_class int_observer_class = {
    .name = "int",
    .depart = int_depart,
};

void
int_enable(struct net *net)
{
    pkt_pool_enable_int(&net->pool);
    net->int_collector.class = &int_observer_class;
    net_observe(net, PKT_HOOK_INT, &net->int_collector);
}
