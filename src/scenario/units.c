/* Parsers for numbers with units (see units.h).
 *
 * A number is split into its significant decimal digits and the count of
 * digits after the point, so "2.50" is 25 / 10^1.  Scaling by a unit's
 * multiplier M is then exact in 128-bit integers: divide M and 10^f by
 * their greatest common divisor, require the digits to be divisible by
 * what is left of 10^f, and multiply by what is left of M with an overflow
 * check against 64 bits. */
#include "scenario/units.h"

#include <stddef.h>
#include <string.h>

#include "sim/util.h"

/* More significant digits than this are refused ("too many digits"):
 * 10^36 still fits in 128 bits, and no sensible scenario needs them. */
#define MAX_DIGITS 36

struct unit {
    const char *name;
    uint64_t mult;      /* Base units (bit/s, bytes, ps) per unit. */
};

static const struct unit rate_units[] = {
    { "bps", 1 },
    { "b/s", 1 },
    { "Kbps", UINT64_C(1000) },
    { "kbps", UINT64_C(1000) },
    { "Kb/s", UINT64_C(1000) },
    { "kb/s", UINT64_C(1000) },
    { "Mbps", UINT64_C(1000000) },
    { "Mb/s", UINT64_C(1000000) },
    { "Gbps", UINT64_C(1000000000) },
    { "Gb/s", UINT64_C(1000000000) },
    { "Tbps", UINT64_C(1000000000000) },
    { "Tb/s", UINT64_C(1000000000000) },
};

static const struct unit size_units[] = {
    { "B", 1 },
    { "KB", UINT64_C(1000) },
    { "kB", UINT64_C(1000) },
    { "MB", UINT64_C(1000000) },
    { "GB", UINT64_C(1000000000) },
    { "TB", UINT64_C(1000000000000) },
    { "KiB", UINT64_C(1) << 10 },
    { "MiB", UINT64_C(1) << 20 },
    { "GiB", UINT64_C(1) << 30 },
    { "TiB", UINT64_C(1) << 40 },
};

static const struct unit duration_units[] = {
    { "ps", 1 },
    { "ns", PS_PER_NS },
    { "us", PS_PER_US },
    { "\xc2\xb5s", PS_PER_US },     /* U+00B5 MICRO SIGN. */
    { "\xce\xbcs", PS_PER_US },     /* U+03BC GREEK SMALL LETTER MU. */
    { "ms", PS_PER_MS },
    { "s", PS_PER_S },
};

/* A non-negative decimal number: DIGITS / 10^FRAC_DIGITS, with leading
 * zeros of the integer part and trailing zeros of the fraction dropped. */
struct decimal {
    u128 digits;
    unsigned frac_digits;
};

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Parses the number at the start of *SP and advances *SP past it. */
static bool
decimal_parse(const char **sp, struct decimal *d, const char **why)
{
    const char *s = *sp;

    if (*s == '-' && (is_digit(s[1]) || s[1] == '.')) {
        *why = "negative";
        return false;
    }
    if (!is_digit(*s)) {
        *why = "not a number";
        return false;
    }
    if (s[0] == '0' && is_digit(s[1])) {
        *why = "leading zero";
        return false;
    }

    const char *int_start = s;
    while (is_digit(*s))
        s++;
    const char *int_end = s;
    const char *frac_start = s, *frac_end = s;
    if (*s == '.') {
        s++;
        if (!is_digit(*s)) {
            *why = "not a number";
            return false;
        }
        frac_start = s;
        while (is_digit(*s))
            s++;
        frac_end = s;
    }

    while (int_start < int_end && *int_start == '0')
        int_start++;
    while (frac_end > frac_start && frac_end[-1] == '0')
        frac_end--;
    size_t n_int = (size_t)(int_end - int_start);
    size_t n_frac = (size_t)(frac_end - frac_start);
    if (n_int > 20) {
        /* At least 10^20, more than UINT64_MAX whatever the unit. */
        *why = "too large";
        return false;
    }
    if (n_int + n_frac > MAX_DIGITS) {
        *why = "too many digits";
        return false;
    }

    d->digits = 0;
    for (const char *p = int_start; p < int_end; p++)
        d->digits = d->digits * 10 + (unsigned)(*p - '0');
    for (const char *p = frac_start; p < frac_end; p++)
        d->digits = d->digits * 10 + (unsigned)(*p - '0');
    d->frac_digits = (unsigned)n_frac;
    *sp = s;
    return true;
}

static u128
gcd_u128(u128 a, u128 b)
{
    while (b) {
        u128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* *OUT = D * MULT exactly, or false with *WHY = NOT_WHOLE (the product is
 * not an integer) or "too large" (it does not fit in 64 bits). */
static bool
decimal_scale(const struct decimal *d, uint64_t mult, uint64_t *out,
              const char *not_whole, const char **why)
{
    u128 pow10 = 1;
    for (unsigned i = 0; i < d->frac_digits; i++)
        pow10 *= 10;
    u128 g = gcd_u128(mult, pow10);
    u128 m = mult / g;
    u128 p = pow10 / g;
    if (d->digits % p != 0) {
        *why = not_whole;
        return false;
    }
    u128 q = d->digits / p;
    if (q > UINT64_MAX / m) {
        *why = "too large";
        return false;
    }
    *out = (uint64_t)(q * m);
    return true;
}

/* Splits S into a number and a unit name (after optional spaces; "" if
 * there is none). */
static bool
split_number(const char *s, struct decimal *d, const char **unit,
             const char **why)
{
    const char *p = s;
    if (!decimal_parse(&p, d, why))
        return false;
    if ((*p == 'e' || *p == 'E') &&
        (is_digit(p[1]) || ((p[1] == '+' || p[1] == '-') && is_digit(p[2])))) {
        /* No unit starts with e: "1e2Gbps" is an exponent. */
        *why = UNITS_NO_EXPONENT;
        return false;
    }
    while (*p == ' ')
        p++;
    *unit = p;
    return true;
}

static const struct unit *
unit_find(const struct unit *units, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(units[i].name, name))
            return &units[i];
    return NULL;
}

bool
units_parse_u64(const char *s, uint64_t *value, const char **why)
{
    if (*s == '-' && is_digit(s[1])) {
        *why = "negative";
        return false;
    }
    if (!is_digit(*s)) {
        *why = "not an integer";
        return false;
    }
    if (s[0] == '0' && is_digit(s[1])) {
        *why = "leading zero";
        return false;
    }
    uint64_t v = 0;
    for (; is_digit(*s); s++) {
        unsigned digit = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - digit) / 10) {
            *why = "too large";
            return false;
        }
        v = v * 10 + digit;
    }
    if (*s) {
        *why = "not an integer";
        return false;
    }
    *value = v;
    return true;
}

bool
units_parse_rate(const char *s, uint64_t *bps, const char **why)
{
    struct decimal d;
    const char *name;
    if (!split_number(s, &d, &name, why))
        return false;
    if (!*name) {
        *why = "missing unit";
        return false;
    }
    const struct unit *u = unit_find(rate_units, ARRAY_SIZE(rate_units), name);
    if (!u) {
        *why = "unknown unit";
        return false;
    }
    uint64_t v;
    if (!decimal_scale(&d, u->mult, &v,
                       "not a whole number of bits per second", why))
        return false;
    if (v == 0) {
        *why = "must be greater than zero";
        return false;
    }
    *bps = v;
    return true;
}

bool
units_parse_size(const char *s, uint64_t *bytes, const char **why)
{
    struct decimal d;
    const char *name;
    if (!split_number(s, &d, &name, why))
        return false;
    uint64_t mult = 1;
    if (*name) {
        const struct unit *u = unit_find(size_units, ARRAY_SIZE(size_units),
                                         name);
        if (!u) {
            *why = "unknown unit";
            return false;
        }
        mult = u->mult;
    }
    uint64_t v;
    if (!decimal_scale(&d, mult, &v, "not a whole number of bytes", why))
        return false;
    if (v > UNITS_SIZE_MAX_BYTES) {
        *why = UNITS_SIZE_TOO_LARGE;
        return false;
    }
    *bytes = v;
    return true;
}

bool
units_parse_duration(const char *s, uint64_t *ps, const char **why)
{
    struct decimal d;
    const char *name;
    if (!split_number(s, &d, &name, why))
        return false;
    if (!*name) {
        if (d.digits != 0) {
            *why = "missing unit";
            return false;
        }
        *ps = 0;
        return true;
    }
    const struct unit *u = unit_find(duration_units,
                                     ARRAY_SIZE(duration_units), name);
    if (!u) {
        *why = "unknown unit";
        return false;
    }
    uint64_t v;
    if (!decimal_scale(&d, u->mult, &v, "not a whole number of picoseconds",
                       why))
        return false;
    if (v > UNITS_DURATION_MAX_PS) {
        *why = UNITS_DURATION_TOO_LARGE;
        return false;
    }
    *ps = v;
    return true;
}

/* A decimal number without a unit; TRAILING names the mistake of
 * characters after it.  *VALUE is set only on success. */
static bool
parse_decimal(const char *s, double *value, const char **why,
              const char *trailing)
{
    struct decimal d;
    const char *rest;
    if (!split_number(s, &d, &rest, why))
        return false;
    if (*rest) {
        *why = trailing;
        return false;
    }
    u128 pow10 = 1;
    for (unsigned i = 0; i < d.frac_digits; i++)
        pow10 *= 10;
    *value = (double)d.digits / (double)pow10;
    return true;
}

bool
units_parse_decimal(const char *s, double *value, const char **why)
{
    return parse_decimal(s, value, why, "not a number");
}

bool
units_parse_fraction(const char *s, double *value, const char **why)
{
    double v;
    if (!parse_decimal(s, &v, why, "not a fraction"))
        return false;
    if (v > 1) {
        *why = "greater than 1";
        return false;
    }
    *value = v;
    return true;
}
