/* The seam between TCP (tcp.c) and iWARP over it (iwarp.c): iWARP's
 * framing, which TCP's segment cutting and sizing need, the calls by
 * which a received Read Request or Read Response reaches iWARP, and the
 * parts of TCP's machinery that iWARP's transport class reuses.  Only
 * those two files include it. */
#ifndef DCSIM_IWARP_H
#define DCSIM_IWARP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport/flow.h"
#include "transport/tcp.h"
#include "transport/transport.h"

struct net;
struct pkt;
struct tx_source;

/* iWARP (RFC 5040 RDMAP, 5041 DDP, 5044 MPA) over this TCP: each segment
 * carries one FPDU, MPA's marker-free framing as iWARP NICs send it, and
 * one FPDU never holds bytes of two messages: DDP cuts each message into
 * its own segments (the last one flagged), MPA puts each in one FPDU and
 * a sender aligned to TCP segments starts every FPDU a segment (RFC 5044's
 * FPDU alignment), so a message's last segment ends its TCP segment.  An
 * FPDU: MPA's length 2 B; the DDP header with RDMAP's control byte,
 * tagged 14 B (RDMA Write, Read Response: controls 2, STag 4, TO 8) or
 * untagged 18 B (Send, Read Request: controls 2, RDMAP's reserved 4,
 * queue number, message sequence number and offset 4 each); pad to 4 B;
 * CRC32c 4 B.  A Read Request's payload is its RDMAP header (RFC 5040
 * 4.4: sink STag and offset, size, source STag and offset, 28 B).
 * dcsim's sequence numbers count application bytes; the framing is on
 * the wire (l4_extra) but not in the sequence space. */
#define MPA_FRAMING_BYTES (2 + 4)
#define DDP_TAGGED_BYTES 14
#define DDP_UNTAGGED_BYTES 18

static inline bool
is_iwarp(const struct flow *f)
{
    return f->transport == &transport_iwarp;
}

/* The DDP header of a message of KIND. */
static inline uint32_t
iwarp_ddp_bytes(uint8_t kind)
{
    return kind == TCP_MSG_SEND || kind == TCP_MSG_READ_REQ
               ? DDP_UNTAGGED_BYTES
               : DDP_TAGGED_BYTES;
}

/* The framing of an FPDU with a DDP header of DDP bytes carrying LEN
 * application bytes. */
static inline uint8_t
iwarp_overhead(uint32_t ddp, uint32_t len)
{
    return (uint8_t)(MPA_FRAMING_BYTES + ddp + (4 - (2 + ddp + len) % 4) % 4);
}

/* iWARP's side (iwarp.c), called by TCP's receiver as it delivers a
 * stream's messages. */
void iwarp_read_respond(struct net *, struct tcp_conn *,
                        const struct tcp_msg *);
void iwarp_read_done(struct net *, struct tcp_conn *, uint64_t tag);
/* And by TCP's post for an iWARP stream. */
void iwarp_post(struct tcp_conn *, uint64_t bytes, enum rdma_verb,
                uint64_t tag);

/* TCP's side (tcp.c), which iWARP's connections run on. */
void restart_after_idle(const struct net *, struct tcp_conn *);
void sender_wake(struct net *, struct tcp_conn *);
void msgs_room(struct tcp_conn *);
void tcp_setup(struct net *, struct flow *);
void tcp_start(struct net *, struct flow *);
size_t tcp_sources(struct flow *, struct tx_source **, bool *at_src);
void tcp_receive(struct net *, struct flow *, struct pkt *);
void tcp_prefetch_rx(const struct flow *, const struct pkt *);
void tcp_post(struct net *, struct flow *, uint64_t bytes, enum rdma_verb,
              uint64_t tag);

#endif
