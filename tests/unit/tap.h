/* A minimal TAP producer for the unit tests (run under prove).
 * ok() records one test; done_testing() prints the plan and returns the
 * exit status (nonzero if any test failed). */
#ifndef DCSIM_TAP_H
#define DCSIM_TAP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define TAP_FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define TAP_FMT(a, b)
#endif

bool ok(bool cond, const char *fmt, ...) TAP_FMT(2, 3);
void diag(const char *fmt, ...) TAP_FMT(1, 2);
void skip(const char *why, const char *fmt, ...) TAP_FMT(2, 3);
int done_testing(void);

/* Helpers for tests that write input files or check outputs: writes
 * TEXT to PATH (the test stops with a diagnostic if it cannot); whether
 * the N bytes at P are all zero. */
void tap_write_file(const char *path, const char *text);
bool tap_is_zero(const void *p, size_t n);

/* Writes TEXT to PATH, loads it as a scenario into *SCN and builds it:
 * the world, or NULL after a diagnostic naming what failed (*SCN then
 * holds nothing to free). */
struct scenario;
struct world;
struct world *tap_world(const char *path, const char *text,
                        struct scenario *scn);

#define is_u64(got, want, ...)                                               \
    tap_is_u64((uint64_t)(got), (uint64_t)(want), __VA_ARGS__)
bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
    TAP_FMT(3, 4);

#endif
