/* Memory for the fabric's per-port state, laid out for large fabrics.
 *
 * At 8 192 hosts a hop touches a dozen lines scattered over ~40 MiB of
 * ports, queues, link rings and MMU counters: with 4 KiB pages nearly
 * every one of them also misses the TLB, and a page walk under a
 * hypervisor costs as much as the miss itself (docs/performance.md).
 * So what the fabric holds per port comes from memory the kernel may
 * back with 2 MiB pages (madvise(MADV_HUGEPAGE); nothing changes where
 * transparent huge pages are off):
 *
 *   arena_huge(): one large array (every port, every MMU group, every
 *     host), on huge pages from 1 MiB up, aligned to 64 bytes at least
 *     (sim/util.h's xmalloc_huge(), zeroed); free() frees it.
 *   struct arena: small blocks made and freed as a run goes (a port's
 *     queues, its link's ring), in power-of-two sizes from 64 bytes with
 *     a free list per size, carved from chunks that double from 64 KiB to
 *     2 MiB (so that a small fabric keeps a small footprint), the 2 MiB
 *     ones on huge pages.  Blocks are 64-byte aligned; arena_uninit()
 *     frees them all at once.  The net's arena also holds the transports'
 *     queue pairs and TCP connections (arena_carve(), at their own size),
 *     which a hop reads at both ends: at 8 192 hosts they are 7 MiB. */
#ifndef DCSIM_ARENA_H
#define DCSIM_ARENA_H 1

#include <stddef.h>

/* Size classes: 64 << i bytes for i < ARENA_CLASSES; larger blocks come
 * from the allocator directly. */
#define ARENA_CLASSES 15

struct arena {
    void *free[ARENA_CLASSES];  /* Freed blocks by class, linked through
                                 * their first word. */
    char *cur, *end;            /* What is left of the newest chunk. */
    void **chunks;              /* Every chunk, for arena_uninit(). */
    size_t n_chunks, cap_chunks;
    size_t next_chunk;          /* Bytes of the next chunk. */
};

/* A zeroed array of N bytes, 64-byte aligned, on huge pages when large
 * enough to fill one; free() frees it. */
void *arena_huge(size_t n);

/* A block of at least N bytes (not zeroed), 64-byte aligned. */
void *arena_alloc(struct arena *, size_t n);
/* N bytes (not zeroed), 64-byte aligned, for an object that lives until
 * arena_uninit(): taken from the newest chunk as they come, with no
 * rounding up to a power of two, and never given back one by one (a
 * queue pair or a TCP connection, which its transport keeps for reuse
 * once its flow is done). */
void *arena_carve(struct arena *, size_t n);
/* Gives back P, a block of arena_alloc(N) (NULL: nothing). */
void arena_free(struct arena *, void *p, size_t n);
/* Frees every block; the arena is empty again. */
void arena_uninit(struct arena *);

#endif
