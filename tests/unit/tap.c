/* See tap.h. */
#include "tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "scenario/scenario.h"
#include "world/world.h"

static int n_tests, n_failed;

static void
vreport(bool cond, const char *fmt, va_list ap)
{
    n_tests++;
    if (!cond)
        n_failed++;
    printf("%s %d - ", cond ? "ok" : "not ok", n_tests);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
}

bool
ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(cond, fmt, ap);
    va_end(ap);
    return cond;
}

bool
tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(got == want, fmt, ap);
    va_end(ap);
    if (got != want)
        printf("#   got:  %llu\n#   want: %llu\n", (unsigned long long)got,
               (unsigned long long)want);
    return got == want;
}

void
diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

void
skip(const char *why, const char *fmt, ...)
{
    va_list ap;
    n_tests++;
    printf("ok %d - ", n_tests);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" # SKIP %s\n", why);
}

void
tap_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) == EOF || fclose(f)) {
        diag("cannot write %s", path);
        exit(1);
    }
}

bool
tap_is_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

int
done_testing(void)
{
    printf("1..%d\n", n_tests);
    return n_failed ? 1 : 0;
}

struct world *
tap_world(const char *path, const char *text, struct scenario *scn)
{
    tap_write_file(path, text);
    char *err = NULL;
    if (scenario_load(path, NULL, 0, scn, &err)) {
        diag("%s: %s", path, err);
        free(err);
        return NULL;
    }
    struct world *world;
    if (world_create(&world, scn, &err)) {
        diag("%s: %s", path, err);
        free(err);
        scenario_free(scn);
        return NULL;
    }
    return world;
}
