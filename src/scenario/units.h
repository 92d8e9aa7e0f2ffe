/* Numbers with units, as written in scenario files: rates ("25Gbps",
 * "2.5 Gb/s"), sizes ("1500", "1.5KB", "64KiB") and durations ("1us",
 * "2.5us", "0"), plus plain non-negative integers and fractions.
 *
 * Decimal fractions are parsed exactly, without floating point: "2.5Gbps"
 * is 2500000000 bit/s, and a value that does not come out a whole number
 * of the base unit (bit/s, byte, picosecond) is rejected rather than
 * rounded.  So is anything that does not fit in 64 bits.
 *
 * Each parser returns true and stores the value, or returns false and sets
 * *WHY to a short static phrase saying what is wrong ("missing unit",
 * "too large", ...).  The caller (scenario.c) names the file position and
 * adds the expected form, one of the UNITS_*_FORM strings below. */
#ifndef DCSIM_UNITS_H
#define DCSIM_UNITS_H 1

#include <stdbool.h>
#include <stdint.h>

/* The largest duration and size any key accepts (a key may set a smaller
 * maximum in its table, keys.h).  10^6 s of simulated time, eleven and a
 * half days, leaves a factor of eighteen below 2^64 ps, so that the sum of
 * a start time, a stop time and a few delays cannot wrap; a sum that could
 * still pass 2^64 - 1 ps is saturated where it is made (sim.h).  1 PiB is
 * more than any buffer or memory a scenario describes, and its bits times
 * 8e12 ps/s still fit in 128 bits. */
#define UNITS_DURATION_MAX_PS (UINT64_C(1000000) * UINT64_C(1000000000000))
#define UNITS_DURATION_MAX_TEXT "1000000s"
#define UNITS_SIZE_MAX_BYTES (UINT64_C(1) << 50)
#define UNITS_SIZE_MAX_TEXT "1125899906842624 B (2^50, 1 PiB)"
/* Why "1e2Gbps" is refused: exponents are not part of the number form. */
#define UNITS_NO_EXPONENT \
    "an exponent; write the number out in full: 100 for 1e2"

/* Why a value above them is refused. */
#define UNITS_DURATION_TOO_LARGE \
    "more than " UNITS_DURATION_MAX_TEXT ", the longest duration dcsim " \
    "simulates: simulated time is 64-bit picoseconds, and sums of " \
    "durations must fit"
#define UNITS_SIZE_TOO_LARGE \
    "more than " UNITS_SIZE_MAX_TEXT ", the largest size dcsim accepts"

#define UNITS_RATE_FORM "a rate with a unit, e.g. 25Gbps"
#define UNITS_SIZE_FORM \
    "a size in bytes, optionally with a unit (B, KB, MB, GB, TB, KiB, " \
    "MiB, GiB, TiB), e.g. 1500 or 64KiB"
#define UNITS_DURATION_FORM "a duration with a unit: ps, ns, us, ms, s"

/* Decimal integer without sign, exponent or leading zeros ("0", "42").
 * "-3" fails with "negative". */
bool units_parse_u64(const char *s, uint64_t *value, const char **why);

/* A decimal number, optional spaces, and one of bps, Kbps, Mbps, Gbps,
 * Tbps (or b/s, Kb/s, Mb/s, Gb/s, Tb/s; "k" may be lower case), in powers
 * of 1000.  The result is > 0 bits per second. */
bool units_parse_rate(const char *s, uint64_t *bps, const char **why);

/* A non-negative integer number of bytes, or a decimal number, optional
 * spaces, and one of B, KB, MB, GB, TB (powers of 1000; "kB" too) or KiB,
 * MiB, GiB, TiB (powers of 1024).  Zero is allowed; more than
 * UNITS_SIZE_MAX_BYTES is not. */
bool units_parse_size(const char *s, uint64_t *bytes, const char **why);

/* A decimal number, optional spaces, and one of ps, ns, us (or µs), ms,
 * s; or a bare "0".  The result is in picoseconds; zero is allowed, more
 * than UNITS_DURATION_MAX_PS is not. */
bool units_parse_duration(const char *s, uint64_t *ps, const char **why);

/* A decimal number from 0 to 1 without a unit ("0.5", "1", "0.125"), as
 * a double: the nearest one when it has at most 15 decimals. */
bool units_parse_fraction(const char *s, double *value, const char **why);
/* A non-negative decimal number ("2.5", "1500"), without a unit. */
bool units_parse_decimal(const char *s, double *value, const char **why);

#endif
