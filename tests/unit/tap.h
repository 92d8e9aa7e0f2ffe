/* A minimal TAP producer for the unit tests (run under prove).
 * ok() records one test; done_testing() prints the plan and returns the
 * exit status (nonzero if any test failed). */
#ifndef DCSIM_TAP_H
#define DCSIM_TAP_H 1

#include <stdbool.h>
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

#define is_u64(got, want, ...)                                               \
    tap_is_u64((uint64_t)(got), (uint64_t)(want), __VA_ARGS__)
bool tap_is_u64(uint64_t got, uint64_t want, const char *fmt, ...)
    TAP_FMT(3, 4);

#endif
