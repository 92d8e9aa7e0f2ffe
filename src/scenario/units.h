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
 * MiB, GiB, TiB (powers of 1024).  Zero is allowed. */
bool units_parse_size(const char *s, uint64_t *bytes, const char **why);

/* A decimal number, optional spaces, and one of ps, ns, us (or µs), ms,
 * s; or a bare "0".  The result is in picoseconds; zero is allowed. */
bool units_parse_duration(const char *s, uint64_t *ps, const char **why);

/* A decimal number from 0 to 1 without a unit ("0.5", "1", "0.125"), as
 * a double: the nearest one when it has at most 15 decimals. */
bool units_parse_fraction(const char *s, double *value, const char **why);
/* A non-negative decimal number ("2.5", "1500"), without a unit. */
bool units_parse_decimal(const char *s, double *value, const char **why);

#endif
