/* Units in scenario files: rates, sizes, durations and plain integers,
 * valid and invalid, including exact decimal fractions, overflow at
 * 2^64 and the reasons given for rejections. */
#include <string.h>

#include "scenario/units.h"
#include "sim/util.h"
#include "tap.h"

typedef bool parse_fn(const char *, uint64_t *, const char **);

static void
good(parse_fn *parse, const char *what, const char *s, uint64_t want)
{
    uint64_t v = 0xdeadbeef;
    const char *why = NULL;
    bool r = parse(s, &v, &why);
    if (!ok(r && v == want, "%s '%s' = %llu", what, s,
            (unsigned long long)want))
        diag("got %s, value %llu, why %s", r ? "true" : "false",
             (unsigned long long)v, why ? why : "(none)");
}

static void
bad(parse_fn *parse, const char *what, const char *s, const char *want_why)
{
    uint64_t v = 0xdeadbeef;
    const char *why = NULL;
    bool r = parse(s, &v, &why);
    if (!ok(!r && why && !strcmp(why, want_why) && v == 0xdeadbeef,
            "%s '%s' is rejected: %s", what, s, want_why))
        diag("got %s, value %llu, why %s", r ? "true" : "false",
             (unsigned long long)v, why ? why : "(none)");
}

static void
test_integers(void)
{
    parse_fn *p = units_parse_u64;
    good(p, "integer", "0", 0);
    good(p, "integer", "7", 7);
    good(p, "integer", "1024", 1024);
    good(p, "integer", "18446744073709551615", UINT64_MAX);
    bad(p, "integer", "18446744073709551616", "too large");
    bad(p, "integer", "99999999999999999999999", "too large");
    bad(p, "integer", "-3", "negative");
    bad(p, "integer", "+3", "not an integer");
    bad(p, "integer", "1.5", "not an integer");
    bad(p, "integer", "1.0", "not an integer");
    bad(p, "integer", "abc", "not an integer");
    bad(p, "integer", "", "not an integer");
    bad(p, "integer", "0x10", "not an integer");
    bad(p, "integer", "1e3", "not an integer");
    bad(p, "integer", "010", "leading zero");
    bad(p, "integer", "12 ", "not an integer");
}

static void
test_rates(void)
{
    parse_fn *p = units_parse_rate;
    good(p, "rate", "25Gbps", UINT64_C(25000000000));
    good(p, "rate", "2.5Gbps", UINT64_C(2500000000));
    good(p, "rate", "100 Gb/s", UINT64_C(100000000000));
    good(p, "rate", "1bps", 1);
    good(p, "rate", "1b/s", 1);
    good(p, "rate", "10Kbps", 10000);
    good(p, "rate", "10kbps", 10000);
    good(p, "rate", "10Kb/s", 10000);
    good(p, "rate", "40Mbps", 40000000);
    good(p, "rate", "40Mb/s", 40000000);
    good(p, "rate", "1.6Tbps", UINT64_C(1600000000000));
    good(p, "rate", "800 Gbps", UINT64_C(800000000000));
    good(p, "rate", "0.000000001Gbps", 1);
    good(p, "rate", "2.50000Gbps", UINT64_C(2500000000));
    good(p, "rate", "0.5Kbps", 500);
    good(p, "rate", "18446744073709551615bps", UINT64_MAX);
    good(p, "rate", "18446744.073709551615Tbps", UINT64_MAX);
    bad(p, "rate", "18446744073709551616bps", "too large");
    bad(p, "rate", "18446745Tbps", "too large");
    bad(p, "rate", "25", "missing unit");
    bad(p, "rate", "25 ", "missing unit");
    bad(p, "rate", "0Gbps", "must be greater than zero");
    bad(p, "rate", "0.0Gbps", "must be greater than zero");
    bad(p, "rate", "-5Gbps", "negative");
    bad(p, "rate", "1.5bps", "not a whole number of bits per second");
    bad(p, "rate", "0.0000000001Gbps",
        "not a whole number of bits per second");
    bad(p, "rate", "25GBps", "unknown unit");
    bad(p, "rate", "25gbps", "unknown unit");
    bad(p, "rate", "25 Gbit/s", "unknown unit");
    bad(p, "rate", "25Gbps ", "unknown unit");
    bad(p, "rate", "Gbps", "not a number");
    bad(p, "rate", "line", "not a number");
    bad(p, "rate", ".5Gbps", "not a number");
    bad(p, "rate", "5.Gbps", "not a number");
    bad(p, "rate", "1e9bps", UNITS_NO_EXPONENT);
    bad(p, "rate", "025Gbps", "leading zero");
    bad(p, "rate", "1.2.3Gbps", "unknown unit");
    bad(p, "rate", "1e2Gbps", UNITS_NO_EXPONENT);
    bad(p, "rate", "1000000000000000000000Gbps", "too large");
    bad(p, "rate", "1.00000000000000000000000000000000000001Tbps",
        "too many digits");
}

static void
test_sizes(void)
{
    parse_fn *p = units_parse_size;
    good(p, "size", "0", 0);
    good(p, "size", "1500", 1500);
    good(p, "size", "1500B", 1500);
    good(p, "size", "1500 B", 1500);
    good(p, "size", "1MB", 1000000);
    good(p, "size", "1.5KB", 1500);
    good(p, "size", "1.5kB", 1500);
    good(p, "size", "64KiB", 65536);
    good(p, "size", "0.5KiB", 512);
    good(p, "size", "1.5MiB", 1572864);
    good(p, "size", "32MB", 32000000);
    good(p, "size", "32MiB", 33554432);
    good(p, "size", "2GB", UINT64_C(2000000000));
    good(p, "size", "1GiB", UINT64_C(1073741824));
    good(p, "size", "1TB", UINT64_C(1000000000000));
    good(p, "size", "1TiB", UINT64_C(1099511627776));
    good(p, "size", "0.0009765625KiB", 1);  /* 2^-10 KiB. */
    /* The largest size (units.h), and one byte more. */
    good(p, "size", "1125899906842624", UNITS_SIZE_MAX_BYTES);
    good(p, "size", "1024TiB", UNITS_SIZE_MAX_BYTES);
    bad(p, "size", "1125899906842625", UNITS_SIZE_TOO_LARGE);
    bad(p, "size", "18446744073709551615", UNITS_SIZE_TOO_LARGE);
    bad(p, "size", "18446744073709551616", "too large");
    bad(p, "size", "16777216TiB", "too large");
    bad(p, "size", "1.5", "not a whole number of bytes");
    bad(p, "size", "1.0001KB", "not a whole number of bytes");
    bad(p, "size", "0.3KiB", "not a whole number of bytes");
    bad(p, "size", "-1KB", "negative");
    bad(p, "size", "1Mb", "unknown unit");
    bad(p, "size", "1mb", "unknown unit");
    bad(p, "size", "1 KBs", "unknown unit");
    bad(p, "size", "KB", "not a number");
    bad(p, "size", "", "not a number");
    bad(p, "size", "1,500", "unknown unit");
    bad(p, "size", "1e3", UNITS_NO_EXPONENT);
    bad(p, "size", "1.5E+3KB", UNITS_NO_EXPONENT);
}

static void
test_durations(void)
{
    parse_fn *p = units_parse_duration;
    good(p, "duration", "0", 0);
    good(p, "duration", "0s", 0);
    good(p, "duration", "0.0", 0);
    good(p, "duration", "1ps", 1);
    good(p, "duration", "100ns", 100 * PS_PER_NS);
    good(p, "duration", "1us", PS_PER_US);
    good(p, "duration", "2.5us", 2500000);
    good(p, "duration", "1 us", PS_PER_US);
    good(p, "duration", "1\xc2\xb5s", PS_PER_US);
    good(p, "duration", "10ms", 10 * PS_PER_MS);
    good(p, "duration", "1s", PS_PER_S);
    good(p, "duration", "0.001ns", 1);
    good(p, "duration", "1.000000000001s", PS_PER_S + 1);
    /* The longest duration (units.h), and one picosecond more. */
    good(p, "duration", "1000000s", UNITS_DURATION_MAX_PS);
    bad(p, "duration", "1000000.000000000001s", UNITS_DURATION_TOO_LARGE);
    bad(p, "duration", "18446744.073709551615s", UNITS_DURATION_TOO_LARGE);
    bad(p, "duration", "18446744.073709551616s", "too large");
    bad(p, "duration", "18446745s", "too large");
    bad(p, "duration", "5", "missing unit");
    bad(p, "duration", "0.5", "missing unit");
    bad(p, "duration", "1.5ps", "not a whole number of picoseconds");
    bad(p, "duration", "0.0001ns", "not a whole number of picoseconds");
    bad(p, "duration", "-1us", "negative");
    bad(p, "duration", "1 sec", "unknown unit");
    bad(p, "duration", "1m", "unknown unit");
    bad(p, "duration", "1h", "unknown unit");
    bad(p, "duration", "1US", "unknown unit");
    bad(p, "duration", "us", "not a number");
    bad(p, "duration", "1e-3s", UNITS_NO_EXPONENT);
    bad(p, "duration", "00", "leading zero");
}

static void
test_fractions(void)
{
    static const struct {
        const char *s;
        double want;
    } good_cases[] = {
        { "0", 0 }, { "1", 1 }, { "0.5", 0.5 }, { "0.125", 0.125 },
        { "1.000", 1 }, { "0.3", 0.3 }, { "0.0001", 0.0001 },
    };
    static const struct {
        const char *s, *why;
    } bad_cases[] = {
        { "1.0001", "greater than 1" }, { "2", "greater than 1" },
        { "-0.5", "negative" }, { "50%", "not a fraction" },
        { "0.5x", "not a fraction" }, { ".5", "not a number" },
        { "half", "not a number" }, { "05", "leading zero" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(good_cases); i++) {
        double v = -1;
        const char *why = NULL;
        bool r = units_parse_fraction(good_cases[i].s, &v, &why);
        ok(r && v == good_cases[i].want, "fraction '%s' = %g",
           good_cases[i].s, good_cases[i].want);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
        double v = -1;
        const char *why = NULL;
        bool r = units_parse_fraction(bad_cases[i].s, &v, &why);
        if (!ok(!r && why && !strcmp(why, bad_cases[i].why) && v == -1,
                "fraction '%s' is rejected: %s", bad_cases[i].s,
                bad_cases[i].why))
            diag("got %d, why %s", r, why ? why : "(none)");
    }
}

int
main(void)
{
    test_integers();
    test_rates();
    test_sizes();
    test_durations();
    test_fractions();
    return done_testing();
}
