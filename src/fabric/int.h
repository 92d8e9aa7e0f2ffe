/* In-band network telemetry (INT) for HPCC (Li et al., SIGCOMM 2019):
 * every switch egress port appends a hop record to the data packets that
 * ask for one (PKT_HOOK_INT, pkt.h), and the receiver echoes the records
 * back in its ACK (transport/rdma-hpcc.c).  The fabric does it through
 * its per-packet observer interface (observer.h), so the transmit path
 * pays for it only on hooked packets. */
#ifndef DCSIM_INT_H
#define DCSIM_INT_H 1

struct net;

/* Gives every packet of NET's pool room for INT records and attaches the
 * collector to PKT_HOOK_INT.  Call before the first packet is made. */
void int_enable(struct net *);

#endif
