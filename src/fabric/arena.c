/* Huge-page-friendly memory for per-port state; see arena.h. */
#include "fabric/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

#define FIRST_CHUNK ((size_t)64 << 10)

void *
arena_huge(size_t n)
{
    void *p = xmalloc_huge(n);
    memset(p, 0, n);
    return p;
}

/* The class of a block of N bytes: the smallest I with 64 << I >= N. */
static unsigned
size_class(size_t n)
{
    return n <= 64 ? 0 : (unsigned)(64 - __builtin_clzll((n - 1) >> 6));
}

/* Makes room for BYTES in a new chunk, giving what is left of the newest
 * to the free lists, in the largest blocks it holds. */
static void
arena_grow(struct arena *a, size_t bytes)
{
    for (unsigned k = ARENA_CLASSES; k-- > 0;)
        while ((size_t)(a->end - a->cur) >= (size_t)64 << k) {
            memcpy(a->cur, &a->free[k], sizeof(void *));
            a->free[k] = a->cur;
            a->cur += (size_t)64 << k;
        }
    if (a->next_chunk < FIRST_CHUNK)
        a->next_chunk = FIRST_CHUNK;
    size_t size = a->next_chunk < bytes ? bytes : a->next_chunk;
    char *chunk = size >= HUGE_PAGE_BYTES ? xmalloc_huge(size)
                                          : xmalloc_aligned(64, size);
    if (a->n_chunks == a->cap_chunks) {
        a->cap_chunks = a->cap_chunks ? 2 * a->cap_chunks : 16;
        a->chunks = xrealloc(a->chunks, a->cap_chunks * sizeof *a->chunks);
    }
    a->chunks[a->n_chunks++] = chunk;
    a->cur = chunk;
    a->end = chunk + size;
    if (a->next_chunk < HUGE_PAGE_BYTES)
        a->next_chunk *= 2;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    unsigned c = size_class(n);
    if (c >= ARENA_CLASSES)
        return xmalloc_aligned(64, n);
    void *p = a->free[c];
    if (p) {
        memcpy(&a->free[c], p, sizeof(void *));
        return p;
    }
    size_t bytes = (size_t)64 << c;
    if ((size_t)(a->end - a->cur) < bytes)
        arena_grow(a, bytes);
    p = a->cur;
    a->cur += bytes;
    return p;
}

void *
arena_carve(struct arena *a, size_t n)
{
    size_t bytes = (n + 63) & ~(size_t)63;
    if (bytes == 0)
        bytes = 64;
    if ((size_t)(a->end - a->cur) < bytes)
        arena_grow(a, bytes);
    void *p = a->cur;
    a->cur += bytes;
    return p;
}

void
arena_free(struct arena *a, void *p, size_t n)
{
    if (!p)
        return;
    unsigned c = size_class(n);
    if (c >= ARENA_CLASSES) {
        free(p);
        return;
    }
    memcpy(p, &a->free[c], sizeof(void *));
    a->free[c] = p;
}

void
arena_uninit(struct arena *a)
{
    for (size_t i = 0; i < a->n_chunks; i++)
        free(a->chunks[i]);
    free(a->chunks);
    memset(a, 0, sizeof *a);
}
