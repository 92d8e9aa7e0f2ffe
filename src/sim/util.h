/* Small helpers shared by every module: allocation that aborts on
 * out-of-memory, an always-on internal assertion, CONTAINER_OF, and the
 * time and size unit constants.  Nothing here has state. */
#ifndef DCSIM_UTIL_H
#define DCSIM_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

/* Simulated time is an integer count of picoseconds (DESIGN.md: at
 * 800 Gb/s a byte takes 10 ps, so nanoseconds are too coarse). */
#define PS_PER_NS UINT64_C(1000)
#define PS_PER_US UINT64_C(1000000)
#define PS_PER_MS UINT64_C(1000000000)
#define PS_PER_S UINT64_C(1000000000000)
#define TIME_NEVER UINT64_MAX

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Given a pointer to MEMBER inside a struct of type TYPE, returns the
 * enclosing struct.  The member's type is checked at compile time. */
#define CONTAINER_OF(ptr, type, member)                                      \
    ((type *)(void *)((char *)(1 ? (ptr) : &((type *)0)->member) -           \
                      offsetof(type, member)))

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define PRINTF_FMT(a, b)
#define ALWAYS_INLINE inline
#define NOINLINE
#endif

noreturn void sim_abort(const char *file, int line, const char *fmt, ...)
    PRINTF_FMT(3, 4);

/* Internal invariant, checked in every build.  Never use it on external
 * input: that is rejected with a message and exit status 2. */
#define sim_assert(cond)                                                     \
    do {                                                                     \
        if (UNLIKELY(!(cond)))                                               \
            sim_abort(__FILE__, __LINE__, "assertion failed: %s", #cond);    \
    } while (0)

void *xmalloc(size_t n);
/* Memory aligned to ALIGN (a power of two); free() it as usual. */
void *xmalloc_aligned(size_t align, size_t n);

/* Memory for what a hop touches, on 2 MiB pages where the kernel has
 * them.  A hop reads a dozen lines scattered over the whole model (ports,
 * queues, packets, queue pairs, the event queue's arrays); at 1 024 hosts
 * and beyond, with 4 KiB pages, nearly every one of them also misses the
 * TLB, and a page walk under a hypervisor costs as much as the miss
 * itself (docs/performance.md, "Huge pages for the packets and the
 * rest").  xmalloc_huge() gives N bytes (not zeroed) aligned to
 * HUGE_PAGE_BYTES and rounded up to whole huge pages, advised
 * madvise(MADV_HUGEPAGE) so that transparent huge pages in `madvise`
 * mode back it too; below HUGE_MIN_BYTES it gives plain 64-byte aligned
 * memory, so that a small run is not charged a 2 MiB page for a few
 * kilobytes (what a run grows a little at a time should come from an
 * arena whose chunks double up to a huge page: fabric/arena.h).  Where
 * transparent huge pages are off it is ordinary memory.  free() frees
 * it.  xrealloc_huge() grows P (NULL, or memory of malloc() or of these
 * two) to N bytes, keeping its first OLD_N, on huge pages from
 * HUGE_MIN_BYTES up and by realloc() below. */
#define HUGE_PAGE_BYTES ((size_t)2 << 20)
#define HUGE_MIN_BYTES (HUGE_PAGE_BYTES / 2)
void *xmalloc_huge(size_t n);
void *xrealloc_huge(void *p, size_t old_n, size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PRINTF_FMT(1, 2);
char *xvasprintf(const char *fmt, va_list) PRINTF_FMT(1, 0);

/* Reads the file PATH whole into *TEXT (allocated, with a NUL after its
 * *LEN bytes).  Returns 0, or an errno value with *ERR allocated:
 * "PATH: cannot open: REASON", "PATH: cannot read: REASON", or for a
 * file beyond MAX_MIB MiB, "PATH: larger than MAX_MIB MiB; expected
 * WHAT". */
int read_whole_file(const char *path, uint64_t max_mib, const char *what,
                    char **text, size_t *len, char **err);

/* Time a frame of WIRE_BYTES occupies a link of RATE_BPS, rounded up to
 * the next picosecond.  Exact for every rate that divides 8e12 bits*ps. */
__extension__ typedef unsigned __int128 u128;

/* A + B and A * B, or UINT64_MAX when they do not fit: for times and
 * sizes that sums of valid inputs could still carry past 64 bits. */
static inline uint64_t
sat_add_u64(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static inline uint64_t
sat_mul_u64(uint64_t a, uint64_t b)
{
    uint64_t r;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

static inline uint64_t
ser_time_ps(uint64_t wire_bytes, uint64_t rate_bps)
{
    /* bytes * 8e12 overflows 64 bits beyond ~2.3 MB; use 128 bits, and
     * saturate a time past 2^64 - 1 ps (a huge size at a tiny rate). */
    u128 num = (u128)wire_bytes * 8u * PS_PER_S;
    u128 t = (num + rate_bps - 1) / rate_bps;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

/* The time the HPCC ns-3 simulator gives WIRE_BYTES at RATE_BPS (links
 * and NIC pacing under `fabric: ns3`): Seconds(DataRate::CalculateTxTime
 * (bytes)), the double bytes * 8 / rate in seconds, made a Time of whole
 * nanoseconds the way ns-3.17's int64x64_t does it with 128-bit integers
 * (core/model/int64x64-128.h: the fraction scaled by 2^64 and truncated,
 * then multiplied by 10^9, and the integer part kept).  So it is rounded
 * down: 1048 B at 100 Gb/s take 83 ns, not 83.84. */
static inline uint64_t
ser_time_ns3_ps(uint64_t wire_bytes, uint64_t rate_bps)
{
    double s = (double)wire_bytes * 8 / (double)rate_bps;
    uint64_t whole = (uint64_t)s;
    uint64_t frac = (uint64_t)((s - (double)whole) * 18446744073709551616.0);
    uint64_t ns = whole * 1000000000u +
                  (uint64_t)(((u128)frac * 1000000000u) >> 64);
    return ns * 1000;
}

/* A link's or a pacer's time for WIRE_BYTES at RATE_BPS: ser_time_ps(),
 * or with NS3 the simulator's whole nanoseconds (ser_time_ns3_ps()). */
static inline uint64_t
ser_time_link_ps(uint64_t wire_bytes, uint64_t rate_bps, bool ns3)
{
    return ns3 ? ser_time_ns3_ps(wire_bytes, rate_bps)
               : ser_time_ps(wire_bytes, rate_bps);
}

#endif
