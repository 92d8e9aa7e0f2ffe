/* Shared readers of the scenario parser (read.c), used by every section
 * (scn-*.c).  A reader checks one value or mapping and fills a field, or
 * records the first error in the ctx as one message naming the place
 * (FILE:LINE:COL, or "--set KEY=VALUE") and the expected form; it never
 * clamps or guesses.  PATH arguments are dotted paths as --set takes them
 * ("traffic.0.flows.2.dst").  Internal to src/scenario/. */
#ifndef DCSIM_SCENARIO_READ_H
#define DCSIM_SCENARIO_READ_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/keys.h"
#include "sim/util.h"

struct ymark;
struct ynode;
struct ypair;

/* Room for a path such as "traffic.12.flows.345.src"; longer ones are
 * truncated in messages only. */
#define PATH_BYTES 160

/* Schedulers, transports and other registries are validated against
 * their own tables, so a new one is added in one place.  The first
 * registered is the default. */
#define MAX_CHOICES 32

struct ctx {
    const char *file;         /* As given, for messages. */
    char *err;                /* The first error. */
};

/* The names of a registry (schedulers, MMUs, transports, CDFs) into OUT
 * (MAX_CHOICES entries); returns how many. */
size_t registry_names(size_t (*count)(void), const char *(*name)(size_t),
                      const char **out);

/* Messages.  fail_at() records an error at MARK (a file position, or the
 * override that made the node) unless one is already recorded, and
 * returns false; fail_value() words it "PATH is VALUE (WHY); expected
 * FORM"; set_where() keeps MARK's place for errors found later. */
bool fail_at(struct ctx *c, const struct ymark *mark, const char *fmt,
             ...) PRINTF_FMT(3, 4);
void set_where(struct ctx *c, const struct ymark *mark, char **where);
bool fail_value(struct ctx *c, const struct ynode *n, const char *path,
                const char *why, const char *form);

/* Dotted paths (PATH_BYTES) and name lists for messages. */
void path_format(char *out, const char *fmt, ...) PRINTF_FMT(2, 3);
void path_key(char *out, const char *parent, const char *key);
void path_index(char *out, const char *parent, size_t i);
void join_names(char *out, size_t size, const char *const *names, size_t n);

/* Mappings, sequences and values: each reader checks node N at PATH and
 * stores the value, or fails with the expected FORM. */
bool require_key(struct ctx *c, const struct ynode *map, const char *parent,
                 const char *key);
bool require_keys(struct ctx *c, const struct ynode *map, const char *parent,
                  const char *const *keys, size_t n);
bool need_mapping(struct ctx *c, const struct ynode *n, const char *path,
                  const char *form);
bool need_sequence(struct ctx *c, const struct ynode *n, const char *path,
                   bool nonempty, const char *form);
bool need_scalar(struct ctx *c, const struct ynode *n, const char *path,
                 const char *form);
bool read_u64_form(struct ctx *c, const struct ynode *n, const char *path,
                   uint64_t min, uint64_t max, const char *form,
                   uint64_t *out);
bool read_u64(struct ctx *c, const struct ynode *n, const char *path,
              uint64_t min, uint64_t max, uint64_t *out);
bool read_u32(struct ctx *c, const struct ynode *n, const char *path,
              uint32_t min, uint32_t max, uint32_t *out);
bool read_string(struct ctx *c, const struct ynode *n, const char *path,
                 const char *form, const char **out);
bool read_choice(struct ctx *c, const struct ynode *n, const char *path,
                 const char *const *names, size_t n_names, size_t *index);
bool read_rate(struct ctx *c, const struct ynode *n, const char *path,
               bool line_ok, uint64_t *out);
bool read_size(struct ctx *c, const struct ynode *n, const char *path,
               bool positive, uint64_t *out);
/* The same, refusing more than MAX (nonzero) with LIMIT ("1TiB: why"). */
bool read_size_max(struct ctx *c, const struct ynode *n, const char *path,
                   bool positive, uint64_t max, const char *limit,
                   uint64_t *out);
/* A duration in picoseconds, refusing more than MAX (nonzero) with
 * LIMIT, and zero if POSITIVE. */
bool read_duration(struct ctx *c, const struct ynode *n, const char *path,
                   bool positive, uint64_t max, const char *limit,
                   uint64_t *out);

/* KEY of MAP (at PARENT), if present: an integer MIN..MAX. */
bool get_u32(struct ctx *c, const struct ynode *map, const char *parent,
             const char *key, uint32_t min, uint32_t max, uint32_t *out);
/* A file named in a scenario (a CDF, a kvm-probe profile), relative to
 * the scenario file's directory; allocated. */
char *scenario_file_path(const char *scenario_file, const char *name);
/* Keys A and B of MAP may not both be given; the error is at B. */
bool exclusive(struct ctx *c, const struct ynode *map, const char *path,
               const char *a, const char *b);
/* An integer key of a mapping, 0..MAX. */
bool read_int_key(struct ctx *c, const struct ypair *pair, const char *path,
                  const char *what, uint32_t max, uint32_t *out);

/* A list of core numbers below N_CORES, replacing *OUT (allocated) and
 * *N_OUT. */
bool read_cores(struct ctx *c, const struct ynode *n, const char *path,
                uint32_t n_cores, uint32_t **out, size_t *n_out);
/* A page size: 4KiB, 2MiB or 1GiB. */
bool read_page(struct ctx *c, const struct ynode *n, const char *path,
               uint32_t *out);

/* Key tables (keys.h).  VARIANT is the bit of the section's variant in
 * force (a traffic pattern, a topology type); keys valid in every
 * variant always count. */

/* Rejects the first key of MAP not in SEC's table (in VARIANT): "unknown
 * key 'x' WHERE; expected one of: " and the table's keys in order. */
bool keys_check(struct ctx *c, const struct ynode *map, const char *where,
                const struct key_section *sec, unsigned variant);

/* Node N at PATH (its parent's key or index): a mapping, or an error
 * with FORM, and of SEC's keys only (variant 0), or "unknown key 'x' in
 * PATH".  Most mappings of a scenario are checked so. */
bool need_keyed(struct ctx *c, const struct ynode *n, const char *path,
                const struct key_section *sec, const char *form);

/* need_keyed(), then every typed key of SEC in N read into BASE
 * (keys_read()): a mapping of typed keys only. */
bool read_keyed(struct ctx *c, const struct ynode *n, const char *path,
                const struct key_section *sec, const char *form, void *base);

/* Typed key NAME of SEC from MAP (at PARENT), if present, into BASE. */
bool key_get(struct ctx *c, const struct ynode *map, const char *parent,
             const struct key_section *sec, const char *name, void *base);

/* Every typed key of SEC (in VARIANT) present in MAP, in table order. */
bool keys_read(struct ctx *c, const struct ynode *map, const char *parent,
               const struct key_section *sec, unsigned variant, void *base);

/* As keys_read(), but the typed keys FIRST before the others: for a
 * section whose errors have always come in an order other than its
 * table's, which lists keys in the order messages name them. */
bool keys_read_first(struct ctx *c, const struct ynode *map,
                     const char *parent, const struct key_section *sec,
                     unsigned variant, void *base, const char *const *first,
                     size_t n_first);

/* A section's reader of its custom keys: node N (at PATH) of key K into
 * BASE, with ARG the section's context; true for a key it leaves to the
 * section's code after the walk. */
typedef bool key_reader(struct ctx *c, const struct ynode *n,
                        const char *path, const struct key *k, void *base,
                        void *arg);

/* As keys_read(), with the custom keys read by CUSTOM in table order. */
bool keys_read_with(struct ctx *c, const struct ynode *map,
                    const char *parent, const struct key_section *sec,
                    unsigned variant, void *base, key_reader *custom,
                    void *arg);

/* Sets every typed key of SEC that has a default in BASE. */
void keys_defaults(const struct key_section *sec, void *base);

/* Shorthands for tables: a key section named after its array. */
#define KEY_SECTION(PATH, KEYS)                                              \
    { .path = PATH, .keys = KEYS, .n_keys = ARRAY_SIZE(KEYS) }
#define KEY_SECTION_ONLY(PATH, ONLY, KEYS)                                   \
    { .path = PATH, .only = ONLY, .keys = KEYS, .n_keys = ARRAY_SIZE(KEYS) }
#define KEY_SECTION_V(PATH, KEYS, VARIANTS)                                  \
    { .path = PATH, .keys = KEYS, .n_keys = ARRAY_SIZE(KEYS),               \
      .variants = VARIANTS, .n_variants = ARRAY_SIZE(VARIANTS) }

#endif
