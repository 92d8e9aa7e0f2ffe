/* Allocation wrappers, the fatal-error path used by sim_assert(), and
 * reading a whole input file. */
#define _DEFAULT_SOURCE 1       /* madvise(), MADV_HUGEPAGE. */
#include "sim/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void
sim_abort(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "dcsim: internal error at %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        sim_abort(__FILE__, __LINE__, "out of memory (%zu bytes)", n);
    return p;
}

void *
xmalloc_aligned(size_t align, size_t n)
{
    /* aligned_alloc() wants a size that is a multiple of the alignment. */
    size_t size = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, size ? size : align);
    if (!p)
        sim_abort(__FILE__, __LINE__, "out of memory (%zu bytes)", n);
    return p;
}

void *
xmalloc_huge(size_t n)
{
    if (n < HUGE_MIN_BYTES)
        return xmalloc_aligned(64, n);
    size_t size = (n + HUGE_PAGE_BYTES - 1) & ~(HUGE_PAGE_BYTES - 1);
    void *p = xmalloc_aligned(HUGE_PAGE_BYTES, size);
#ifdef MADV_HUGEPAGE
    /* An advice: it fails harmlessly where huge pages are unknown. */
    (void)madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

void *
xrealloc_huge(void *p, size_t old_n, size_t n)
{
    if (n < HUGE_MIN_BYTES)
        return xrealloc(p, n);
    void *q = xmalloc_huge(n);
    if (p)
        memcpy(q, p, MIN(old_n, n));
    free(p);
    return q;
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        sim_abort(__FILE__, __LINE__, "out of memory (%zu x %zu bytes)", n,
                  size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        sim_abort(__FILE__, __LINE__, "out of memory (%zu bytes)", n);
    return p;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    sim_assert(n >= 0);
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

int
read_whole_file(const char *path, uint64_t max_mib, const char *what,
                char **text, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        *err = xasprintf("%s: cannot open: %s", path, strerror(e));
        return e;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    int e = 0;
    for (;;) {
        if (n + 1 >= cap) {           /* Room for the NUL. */
            if (cap > max_mib << 20) {
                e = EFBIG;
                *err = xasprintf("%s: larger than %" PRIu64 " MiB; "
                                 "expected %s", path, max_mib, what);
                break;
            }
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        errno = 0;
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                e = errno ? errno : EIO;
                *err = xasprintf("%s: cannot read: %s", path, strerror(e));
            }
            break;
        }
    }
    fclose(f);
    if (e) {
        free(buf);
        return e;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}
