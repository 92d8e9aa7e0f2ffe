/* The scenario parser's shared readers (read.h): errors at
 * FILE:LINE:COLUMN (or at the --set override that made the value), value
 * descriptions and dotted paths for messages, mapping keys checked
 * against a section's list, and typed values (integers, booleans,
 * strings, choices, rates, sizes, durations, fractions) read with their
 * ranges.  Each section's own schema is in its scn-*.c file. */
#include "scenario/read.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkt/pkt.h"
#include "scenario/units.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* How a value reads in a message: "'abc'", "a mapping", "empty". */
struct desc {
    char buf[64];
};

size_t
registry_names(size_t (*count)(void), const char *(*name)(size_t),
               const char **out)
{
    size_t n = count();
    sim_assert(n <= MAX_CHOICES);
    for (size_t i = 0; i < n; i++)
        out[i] = name(i);
    return n;
}

/* Records an error at MARK (a file position, or the override that made
 * the node) unless one is already recorded.  Always returns false. */
bool PRINTF_FMT(3, 4)
fail_at(struct ctx *c, const struct ymark *mark, const char *fmt, ...)
{
    if (c->err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    c->err = ytree_vmessage(c->file, mark, fmt, ap);
    va_end(ap);
    return false;
}

static const char *
describe(const struct ynode *n, struct desc *d)
{
    if (n->kind == YNODE_MAPPING)
        return "a mapping";
    if (n->kind == YNODE_SEQUENCE)
        return "a sequence";
    if (ytree_is_null(n))
        return "empty";

    const size_t max = sizeof d->buf - 6;   /* Quotes, "...", NUL. */
    const char *t = n->text;
    size_t len = strlen(t), k = 0;
    bool cut = len > max;
    if (cut) {
        len = max;
        while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
            len--;          /* Do not split a UTF-8 sequence. */
    }
    d->buf[k++] = '\'';
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)t[i];
        d->buf[k++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (cut) {
        memcpy(&d->buf[k], "...", 3);
        k += 3;
    }
    d->buf[k++] = '\'';
    d->buf[k] = '\0';
    return d->buf;
}

/* Where MARK is, as fail_at() would name it, for errors found later;
 * replaces *WHERE (owned). */
void
set_where(struct ctx *c, const struct ymark *mark, char **where)
{
    free(*where);
    *where = mark->origin ? xstrdup(mark->origin)
                          : xasprintf("%s:%" PRIu32 ":%" PRIu32, c->file,
                                      mark->line, mark->col);
}

/* "PATH is VALUE (WHY); expected FORM", at the value. */
bool
fail_value(struct ctx *c, const struct ynode *n, const char *path,
           const char *why, const char *form)
{
    struct desc d;
    if (why)
        return fail_at(c, &n->mark, "%s is %s (%s); expected %s", path,
                       describe(n, &d), why, form);
    return fail_at(c, &n->mark, "%s is %s; expected %s", path,
                   describe(n, &d), form);
}

/* Formats a path into OUT (PATH_BYTES); a long one is cut short, which
 * only shortens a message. */
void PRINTF_FMT(2, 3)
path_format(char *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, PATH_BYTES, fmt, ap);
    va_end(ap);
}

void
path_key(char *out, const char *parent, const char *key)
{
    if (*parent)
        path_format(out, "%s.%s", parent, key);
    else
        path_format(out, "%s", key);
}

void
path_index(char *out, const char *parent, size_t i)
{
    path_format(out, "%s.%zu", parent, i);
}

/* "a, b, c" into OUT (SIZE bytes). */
void
join_names(char *out, size_t size, const char *const *names, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++) {
        int w = snprintf(out + k, size - k, "%s%s", i ? ", " : "", names[i]);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

/* Rejects the first key of MAP not in VALID.  WHERE completes "unknown
 * key 'x' ...": "at the top level", "in topology (type fat-tree)". */
static bool
check_keys(struct ctx *c, const struct ynode *map, const char *where,
           const char *const *valid, size_t n_valid)
{
    for (size_t i = 0; i < map->n_pairs; i++) {
        const struct ypair *pair = &map->pairs[i];
        bool known = false;
        for (size_t j = 0; j < n_valid && !known; j++)
            known = !strcmp(pair->key, valid[j]);
        if (!known) {
            char list[512];
            join_names(list, sizeof list, valid, n_valid);
            return fail_at(c, &pair->key_mark,
                           "unknown key '%s' %s; expected one of: %s",
                           pair->key, where, list);
        }
    }
    return true;
}

/* Requires KEY in MAP; the error points at the mapping.  PARENT is the
 * mapping's path ("" at the top). */
bool
require_key(struct ctx *c, const struct ynode *map, const char *parent,
            const char *key)
{
    if (ytree_get(map, key))
        return true;
    if (*parent)
        return fail_at(c, &map->mark, "missing required key '%s' in %s",
                       key, parent);
    return fail_at(c, &map->mark,
                   "missing required key '%s' at the top level", key);
}

bool
require_keys(struct ctx *c, const struct ynode *map, const char *parent,
             const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!require_key(c, map, parent, keys[i]))
            return false;
    return true;
}

bool
need_mapping(struct ctx *c, const struct ynode *n, const char *path,
             const char *form)
{
    return n->kind == YNODE_MAPPING || fail_value(c, n, path, NULL, form);
}

bool
need_sequence(struct ctx *c, const struct ynode *n, const char *path,
              bool nonempty, const char *form)
{
    if (n->kind != YNODE_SEQUENCE || (nonempty && n->n_items == 0))
        return fail_value(c, n, path, NULL, form);
    return true;
}

bool
need_scalar(struct ctx *c, const struct ynode *n, const char *path,
            const char *form)
{
    if (n->kind != YNODE_SCALAR || ytree_is_null(n))
        return fail_value(c, n, path, NULL, form);
    return true;
}

bool
read_u64_form(struct ctx *c, const struct ynode *n, const char *path,
              uint64_t min, uint64_t max, const char *form, uint64_t *out)
{
    uint64_t v;
    const char *why;
    if (!need_scalar(c, n, path, form))
        return false;
    if (!units_parse_u64(n->text, &v, &why))
        return fail_value(c, n, path, why, form);
    if (n->quoted)
        return fail_value(c, n, path, "a quoted string", form);
    if (v < min || v > max)
        return fail_value(c, n, path, NULL, form);
    *out = v;
    return true;
}

/* An integer MIN..MAX.  A MAX that is only the limit of the field's
 * type (2^32-1, 2^64-1) is left out of the expected form. */
bool
read_u64(struct ctx *c, const struct ynode *n, const char *path,
         uint64_t min, uint64_t max, uint64_t *out)
{
    char form[80];
    if (max == UINT32_MAX || max == UINT64_MAX)
        snprintf(form, sizeof form, "an integer >= %" PRIu64, min);
    else
        snprintf(form, sizeof form, "an integer %" PRIu64 "..%" PRIu64, min,
                 max);
    uint64_t v;
    if (!read_u64_form(c, n, path, min, UINT64_MAX, form, &v))
        return false;
    if (v > max) {
        char why[48];
        snprintf(why, sizeof why, "greater than %" PRIu64, max);
        return fail_value(c, n, path, max == UINT32_MAX ? why : NULL, form);
    }
    *out = v;
    return true;
}

bool
read_u32(struct ctx *c, const struct ynode *n, const char *path,
         uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v;
    if (!read_u64(c, n, path, min, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool
read_bool(struct ctx *c, const struct ynode *n, const char *path, bool *out)
{
    static const char form[] = "true or false";
    if (!need_scalar(c, n, path, form))
        return false;
    const char *t = n->text;
    if (!n->quoted && (!strcmp(t, "true") || !strcmp(t, "True") ||
                       !strcmp(t, "TRUE"))) {
        *out = true;
        return true;
    }
    if (!n->quoted && (!strcmp(t, "false") || !strcmp(t, "False") ||
                       !strcmp(t, "FALSE"))) {
        *out = false;
        return true;
    }
    return fail_value(c, n, path, n->quoted ? "a quoted string" : NULL,
                      form);
}

/* A non-empty string without control characters.  *OUT points into the
 * tree. */
bool
read_string(struct ctx *c, const struct ynode *n, const char *path,
            const char *form, const char **out)
{
    if (!need_scalar(c, n, path, form))
        return false;
    if (!n->text[0])
        return fail_value(c, n, path, NULL, form);
    for (const char *p = n->text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return fail_value(c, n, path, "a control character", form);
    *out = n->text;
    return true;
}

/* One of NAMES; *INDEX is its position. */
bool
read_choice(struct ctx *c, const struct ynode *n, const char *path,
            const char *const *names, size_t n_names, size_t *index)
{
    char form[256];
    size_t k = (size_t)snprintf(form, sizeof form, "one of: ");
    join_names(form + k, sizeof form - k, names, n_names);
    if (!need_scalar(c, n, path, form))
        return false;
    for (size_t i = 0; i < n_names; i++) {
        if (!strcmp(n->text, names[i])) {
            *index = i;
            return true;
        }
    }
    return fail_value(c, n, path, NULL, form);
}

/* A rate; with LINE_OK the word "line" too, stored as 0. */
bool
read_rate(struct ctx *c, const struct ynode *n, const char *path,
          bool line_ok, uint64_t *out)
{
    const char *form = line_ok ? UNITS_RATE_FORM ", or line"
                               : UNITS_RATE_FORM;
    const char *why;
    if (!need_scalar(c, n, path, form))
        return false;
    if (line_ok && !strcmp(n->text, "line")) {
        *out = 0;
        return true;
    }
    if (!units_parse_rate(n->text, out, &why))
        return fail_value(c, n, path, why, form);
    return true;
}

/* Refuses V above MAX (nonzero), with LIMIT ("1TiB: why"). */
static bool
check_max(struct ctx *c, const struct ynode *n, const char *path,
          uint64_t v, uint64_t max, const char *limit, const char *form)
{
    if (!max || v <= max)
        return true;
    char why[256];
    snprintf(why, sizeof why, "more than %s", limit);
    return fail_value(c, n, path, why, form);
}

/* An amount PARSE accepts (units_parse_size(), units_parse_duration()),
 * FORM in messages: zero refused if POSITIVE, more than MAX (nonzero)
 * with LIMIT. */
static bool
read_amount(struct ctx *c, const struct ynode *n, const char *path,
            bool (*parse)(const char *, uint64_t *, const char **),
            const char *form, bool positive, uint64_t max,
            const char *limit, uint64_t *out)
{
    const char *why;
    uint64_t v;
    if (!need_scalar(c, n, path, form))
        return false;
    if (!parse(n->text, &v, &why))
        return fail_value(c, n, path, why, form);
    if (positive && v == 0)
        return fail_value(c, n, path, "must be greater than zero", form);
    if (!check_max(c, n, path, v, max, limit, form))
        return false;
    *out = v;
    return true;
}

bool
read_size_max(struct ctx *c, const struct ynode *n, const char *path,
              bool positive, uint64_t max, const char *limit, uint64_t *out)
{
    return read_amount(c, n, path, units_parse_size, UNITS_SIZE_FORM,
                       positive, max, limit, out);
}

bool
read_size(struct ctx *c, const struct ynode *n, const char *path,
          bool positive, uint64_t *out)
{
    return read_size_max(c, n, path, positive, 0, NULL, out);
}

bool
read_duration(struct ctx *c, const struct ynode *n, const char *path,
              bool positive, uint64_t max, const char *limit, uint64_t *out)
{
    return read_amount(c, n, path, units_parse_duration, UNITS_DURATION_FORM,
                       positive, max, limit, out);
}

/* A number PARSE accepts (units_parse_decimal(), units_parse_fraction())
 * within [LO, HI]; with LO_OPEN, LO itself is excluded. */
static bool
read_number(struct ctx *c, const struct ynode *n, const char *path,
            bool (*parse)(const char *, double *, const char **),
            double lo, bool lo_open, double hi, const char *form,
            double *out)
{
    const char *why;
    double v;
    if (!need_scalar(c, n, path, form))
        return false;
    if (!parse(n->text, &v, &why))
        return fail_value(c, n, path, why, form);
    if (n->quoted)
        return fail_value(c, n, path, "a quoted string", form);
    if (v < lo || (lo_open && v == lo) || v > hi)
        return fail_value(c, n, path, NULL, form);
    *out = v;
    return true;
}

static bool
read_fraction(struct ctx *c, const struct ynode *n, const char *path,
              double lo, bool lo_open, double hi, const char *form,
              double *out)
{
    return read_number(c, n, path, units_parse_fraction, lo, lo_open, hi,
                       form, out);
}

static bool
read_decimal(struct ctx *c, const struct ynode *n, const char *path,
             double lo, bool lo_open, double hi, const char *form,
             double *out)
{
    return read_number(c, n, path, units_parse_decimal, lo, lo_open, hi,
                       form, out);
}

bool
get_u32(struct ctx *c, const struct ynode *map, const char *parent,
        const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    char path[PATH_BYTES];
    path_key(path, parent, key);
    return !n || read_u32(c, n, path, min, max, out);
}

/* A file named in a scenario (a CDF, a kvm-probe profile) is relative to
 * the scenario file's directory, so a scenario and its files move
 * together. */
char *
scenario_file_path(const char *scenario_file, const char *name)
{
    const char *slash = strrchr(scenario_file, '/');
    if (name[0] == '/' || !slash)
        return xstrdup(name);
    return xasprintf("%.*s/%s", (int)(slash - scenario_file), scenario_file,
                     name);
}

/* Keys A and B of MAP may not both be given; the error is at B. */
bool
exclusive(struct ctx *c, const struct ynode *map, const char *path,
          const char *a, const char *b)
{
    const struct ypair *pb = ytree_pair(map, b);
    if (!ytree_get(map, a) || !pb)
        return true;
    return fail_at(c, &pb->key_mark, "%s.%s cannot be given with %s; "
                   "expected either %s or %s", path, b, a, a, b);
}

/* An integer key of a mapping, 0..MAX. */
bool
read_int_key(struct ctx *c, const struct ypair *pair, const char *path,
             const char *what, uint32_t max, uint32_t *out)
{
    uint64_t v;
    const char *why;
    if (!units_parse_u64(pair->key, &v, &why) || v > max)
        return fail_at(c, &pair->key_mark,
                       "%s: key '%s' is not %s; expected an integer 0..%u",
                       path, pair->key, what, max);
    *out = (uint32_t)v;
    return true;
}

/* A list of core numbers below N_CORES. */
bool
read_cores(struct ctx *c, const struct ynode *n, const char *path,
           uint32_t n_cores, uint32_t **out, size_t *n_out)
{
    char item[PATH_BYTES], form[96];
    snprintf(form, sizeof form, "a non-empty list of core numbers 0..%u",
             n_cores - 1);
    if (!need_sequence(c, n, path, true, form))
        return false;
    uint32_t *v = xcalloc(n->n_items, sizeof *v);
    for (size_t i = 0; i < n->n_items; i++) {
        path_index(item, path, i);
        uint64_t core;
        if (!read_u64_form(c, n->items[i], item, 0, n_cores - 1, form,
                           &core)) {
            free(v);
            return false;
        }
        v[i] = (uint32_t)core;
    }
    free(*out);
    *out = v;
    *n_out = n->n_items;
    return true;
}

/* A page size: 4 KiB, 2 MiB or 1 GiB. */
bool
read_page(struct ctx *c, const struct ynode *n, const char *path,
          uint32_t *out)
{
    static const char form[] = "a page size: 4KiB, 2MiB or 1GiB";
    uint64_t v;
    if (!read_size(c, n, path, true, &v))
        return false;
    if (v != 4096 && v != (UINT64_C(2) << 20) && v != (UINT64_C(1) << 30))
        return fail_value(c, n, path, NULL, form);
    *out = (uint32_t)v;
    return true;
}

/* ------------------------------------------------------------------ */
/* Key tables (keys.h). */

static bool
key_in_variant(const struct key *k, unsigned variant)
{
    return !k->variants || (k->variants & variant);
}

bool
keys_check(struct ctx *c, const struct ynode *map, const char *where,
           const struct key_section *sec, unsigned variant)
{
    const char *names[64];
    size_t n = 0;
    sim_assert(sec->n_keys <= ARRAY_SIZE(names));
    for (size_t i = 0; i < sec->n_keys; i++)
        if (key_in_variant(&sec->keys[i], variant))
            names[n++] = sec->keys[i].name;
    return check_keys(c, map, where, names, n);
}

bool
need_keyed(struct ctx *c, const struct ynode *n, const char *path,
           const struct key_section *sec, const char *form)
{
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", path);
    return need_mapping(c, n, path, form) && keys_check(c, n, where, sec, 0);
}

bool
read_keyed(struct ctx *c, const struct ynode *n, const char *path,
           const struct key_section *sec, const char *form, void *base)
{
    return need_keyed(c, n, path, sec, form) &&
           keys_read(c, n, path, sec, 0, base);
}

static const struct key *
key_find(const struct key_section *sec, const char *name)
{
    for (size_t i = 0; i < sec->n_keys; i++)
        if (!strcmp(sec->keys[i].name, name))
            return &sec->keys[i];
    sim_assert(!"no such key in the section's table");
    return NULL;
}

static bool
key_read(struct ctx *c, const struct ynode *n, const char *path,
         const struct key *k, void *base)
{
    char *p = (char *)base + k->offset;
    uint64_t u = 0;
    switch (k->type) {
    case KEY_U8:
    case KEY_U16:
    case KEY_U32:
    case KEY_U64:
    case KEY_TC:
        if (!read_u64(c, n, path, k->min, k->type == KEY_TC ? N_TC - 1
                                                            : k->max, &u))
            return false;
        if (k->type == KEY_U8 || k->type == KEY_TC)
            *(uint8_t *)p = (uint8_t)u;
        else if (k->type == KEY_U16)
            *(uint16_t *)(void *)p = (uint16_t)u;
        else if (k->type == KEY_U32)
            *(uint32_t *)(void *)p = (uint32_t)u;
        else
            *(uint64_t *)(void *)p = u;
        return true;
    case KEY_BOOL:
        return read_bool(c, n, path, (bool *)(void *)p);
    case KEY_SIZE:
        return read_size_max(c, n, path, k->min > 0, k->max, k->limit,
                             (uint64_t *)(void *)p);
    case KEY_DURATION:
        return read_duration(c, n, path, k->min > 0, k->max, k->limit,
                             (uint64_t *)(void *)p);
    case KEY_RATE:
    case KEY_RATE_LINE:
        return read_rate(c, n, path, k->type == KEY_RATE_LINE,
                         (uint64_t *)(void *)p);
    case KEY_SIZE_AUTO:
    case KEY_DURATION_AUTO:
        if (n->kind == YNODE_SCALAR && !n->quoted &&
            !strcmp(n->text, k->word)) {
            *(uint64_t *)(void *)p = 0;
            return true;
        }
        return k->type == KEY_SIZE_AUTO
                   ? read_size_max(c, n, path, true, k->max, k->limit,
                                   (uint64_t *)(void *)p)
                   : read_duration(c, n, path, true, k->max, k->limit,
                                   (uint64_t *)(void *)p);
    case KEY_FRACTION:
        return read_fraction(c, n, path, k->lo, k->lo_open, k->hi, k->form,
                             (double *)(void *)p);
    case KEY_DECIMAL:
        return read_decimal(c, n, path, k->lo, k->lo_open, k->hi, k->form,
                            (double *)(void *)p);
    case KEY_CYCLES:
        return read_decimal(c, n, path, 0, false, 1e9,
                            "a number of cycles, 0..1e9", (double *)(void *)p);
    case KEY_CUSTOM:
        break;
    }
    sim_assert(!"a custom key has no typed reader");
    return false;
}

bool
key_get(struct ctx *c, const struct ynode *map, const char *parent,
        const struct key_section *sec, const char *name, void *base)
{
    const struct ynode *n = ytree_get(map, name);
    char path[PATH_BYTES];
    if (!n)
        return true;
    path_key(path, parent, name);
    return key_read(c, n, path, key_find(sec, name), base);
}

bool
keys_read_with(struct ctx *c, const struct ynode *map, const char *parent,
               const struct key_section *sec, unsigned variant, void *base,
               key_reader *custom, void *arg)
{
    for (size_t i = 0; i < sec->n_keys; i++) {
        const struct key *k = &sec->keys[i];
        const struct ynode *n = ytree_get(map, k->name);
        char path[PATH_BYTES];
        if (!n || !key_in_variant(k, variant) ||
            (k->type == KEY_CUSTOM && !custom))
            continue;
        path_key(path, parent, k->name);
        if (k->type == KEY_CUSTOM ? !custom(c, n, path, k, base, arg)
                                  : !key_read(c, n, path, k, base))
            return false;
    }
    return true;
}

bool
keys_read(struct ctx *c, const struct ynode *map, const char *parent,
          const struct key_section *sec, unsigned variant, void *base)
{
    return keys_read_with(c, map, parent, sec, variant, base, NULL, NULL);
}

bool
keys_read_first(struct ctx *c, const struct ynode *map, const char *parent,
                const struct key_section *sec, unsigned variant, void *base,
                const char *const *first, size_t n_first)
{
    /* The walk finds the first keys read and valid, so reading them again
     * changes nothing; it reads any typed key FIRST lacks. */
    for (size_t i = 0; i < n_first; i++)
        if (!key_get(c, map, parent, sec, first[i], base))
            return false;
    return keys_read(c, map, parent, sec, variant, base);
}

void
keys_defaults(const struct key_section *sec, void *base)
{
    for (size_t i = 0; i < sec->n_keys; i++) {
        const struct key *k = &sec->keys[i];
        if (!k->dflt || k->type == KEY_CUSTOM)
            continue;
        /* The default is read as a file's value would be, so the table's
         * text is the one source of both. */
        struct ynode n = { .kind = YNODE_SCALAR, .text = (char *)k->dflt };
        struct ctx c = { .file = "default", .err = NULL };
        bool good = key_read(&c, &n, k->name, k, base);
        sim_assert(good);
    }
}
