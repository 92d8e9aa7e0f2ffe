/* Key tables: each scenario section declares its keys in one table, in
 * the style of ns-3's attribute system (TypeId::AddAttribute): a name, a
 * type with its units and allowed range, a default, one line of help, and
 * where the value goes (offsetof into the section's spec struct).
 *
 * From a table the parser (read.c) rejects unknown keys (listing the
 * valid ones in the table's order), reads each typed key with its range
 * check, and applies the defaults; `dcsim keys` prints the reference
 * (scenario_keys_print()), and tests/cli/keys.sh checks it against
 * docs/scenario.md.  Keys too complex for a typed reader (choices from a
 * registry, lists, maps, sub-mappings, values checked against other
 * keys) are KEY_CUSTOM: the table names and documents them, and the
 * section's code reads them. */
#ifndef DCSIM_SCENARIO_KEYS_H
#define DCSIM_SCENARIO_KEYS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum key_type {
    KEY_U8,           /* uint8_t integer, min..max. */
    KEY_U16,          /* uint16_t integer, min..max. */
    KEY_U32,          /* uint32_t integer, min..max. */
    KEY_U64,          /* uint64_t integer, min..max. */
    KEY_TC,           /* uint8_t traffic class 0..7. */
    KEY_BOOL,         /* bool. */
    KEY_SIZE,         /* uint64_t bytes; min 1: greater than zero. */
    KEY_DURATION,     /* uint64_t picoseconds; min 1: greater than zero. */
    KEY_RATE,         /* uint64_t bit/s, greater than zero. */
    KEY_RATE_LINE,    /* The same, or the word "line", stored as 0. */
    KEY_SIZE_AUTO,    /* uint64_t bytes > 0, or WORD, stored as 0. */
    KEY_DURATION_AUTO,/* uint64_t picoseconds > 0, or WORD, stored as 0. */
    KEY_FRACTION,     /* double, a fraction in the range LO..HI. */
    KEY_DECIMAL,      /* double, a number in the range LO..HI. */
    KEY_CYCLES,       /* double, CPU cycles 0..1e9. */
    KEY_CUSTOM,       /* Read by the section's code; WHAT says its type. */
};

struct key {
    const char *name;         /* As in the file: "detection". */
    enum key_type type;
    size_t offset;            /* offsetof() the value in the section's
                               * struct; unused with KEY_CUSTOM. */
    uint64_t min, max;        /* KEY_U8 .. KEY_U64: the range
                               * (a MAX that is the type's limit is not
                               * shown); KEY_SIZE, KEY_DURATION (and
                               * their _AUTO forms): min 1 refuses zero,
                               * and a nonzero MAX is a maximum below the
                               * units' own (units.h), with LIMIT. */
    const char *limit;        /* KEY_SIZE, KEY_DURATION with MAX: the
                               * maximum as a scenario writes it, a colon
                               * and why ("1TiB: ..."), for the reference
                               * and the message that refuses more. */
    double lo, hi;            /* KEY_FRACTION, KEY_DECIMAL: the range, */
    bool lo_open;             /* LO itself excluded, */
    const char *form;         /* and the expected form in messages. */
    const char *word;         /* KEY_*_AUTO: the word that means 0. */
    const char *what;         /* KEY_CUSTOM: its type, for the reference. */
    const char *dflt;         /* The default as a scenario writes it;
                               * typed keys get it from keys_defaults().
                               * NULL: see NOTE. */
    const char *note;         /* A default that is not a plain value
                               * ("required", "the switches'"), set by the
                               * section's code; NULL: none. */
    unsigned variants;        /* Bit v: valid in variant v of the section
                               * (a topology type, a traffic pattern, an
                               * ECN mode); 0: in every variant. */
    const char *help;         /* One line for `dcsim keys`. */
};

/* One mapping of the scenario: its keys in the order messages list
 * them. */
struct key_section {
    const char *path;         /* Dotted, with [] for a sequence's entries
                               * and NAME for a mapping's keys chosen by
                               * the user: "traffic[].flows[]". */
    const char *only;         /* The section applies only so ("type
                               * fat-tree"); NULL: always. */
    const struct key *keys;
    size_t n_keys;
    const char *const *variants;  /* Names of the variants ("pattern
                                   * random"), by bit; NULL: none. */
    size_t n_variants;
};

/* Every section, in the order of docs/scenario.md. */
const struct key_section *const *scenario_key_sections(size_t *n);

/* The key's type, units and range as the reference writes them
 * ("duration > 0", "integer 1..65535"), into BUF (SIZE bytes). */
void key_type_text(const struct key *, char *buf, size_t size);

/* Prints every key: one line per key, tab-separated: its path
 * ("pfc.watchdog.detection"), type and range, default, and help (with
 * the variants it is valid in). */
void scenario_keys_print(FILE *);

#endif
