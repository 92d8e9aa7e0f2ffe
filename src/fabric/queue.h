/* A FIFO of packets with the statistics queues.csv reports: bytes queued,
 * peak bytes, the time integral of bytes (for the time-averaged occupancy)
 * and, in struct queue_stats, drops and marks.  Occupancy is counted in frame bytes (what a switch buffer
 * holds: no preamble or inter-frame gap). */
#ifndef DCSIM_QUEUE_H
#define DCSIM_QUEUE_H 1

#include <stdint.h>

#include "pkt/pkt.h"

struct queue {
    struct pkt *head, *tail;
    uint64_t bytes;           /* Frame bytes queued now. */
    uint64_t max_bytes;       /* Peak of `bytes`. */
    uint64_t area_byte_ps;    /* Integral of bytes over time... */
    uint64_t area_since_ps;   /* ...up to this time. */
    uint64_t enqueued;        /* Packets admitted. */
    uint32_t packets;
} __attribute__((aligned(64)));  /* One cache line per queue operation. */

/* What a queue counts off the packet path (struct port keeps them apart,
 * so that struct queue stays one cache line). */
struct queue_stats {
    uint64_t drops;           /* Packets refused. */
    uint64_t ecn_marked;      /* Packets given CE here (ecn.h). */
};

/* Brings the occupancy integral up to NOW_PS; call before `bytes` changes. */
static inline void
queue_account(struct queue *q, uint64_t now_ps)
{
    q->area_byte_ps += q->bytes * (now_ps - q->area_since_ps);
    q->area_since_ps = now_ps;
}

static inline void
queue_push(struct queue *q, struct pkt *p, uint64_t now_ps)
{
    queue_account(q, now_ps);
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->packets++;
    q->bytes += p->frame_bytes;
    q->enqueued++;
    if (q->bytes > q->max_bytes)
        q->max_bytes = q->bytes;
}

static inline struct pkt *
queue_pop(struct queue *q, uint64_t now_ps)
{
    struct pkt *p = q->head;
    queue_account(q, now_ps);
    q->head = p->next;
    if (!q->head)
        q->tail = NULL;
    q->packets--;
    q->bytes -= p->frame_bytes;
    p->next = NULL;
    return p;
}

#endif
