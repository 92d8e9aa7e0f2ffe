/* YAML to a node tree, with positions, via libyaml's event API (see
 * ytree.h).  The parser is a recursive descent over events, limited to
 * MAX_DEPTH levels of nesting so that hostile input cannot exhaust the
 * stack. */
#include "scenario/ytree.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sim/util.h"

#define MAX_DEPTH 64

struct yparser {
    yaml_parser_t parser;
    const char *file;
    const char *text;
    size_t len;
    char *err;                /* First error, "FILE:LINE:COL: ...". */
};

static char *
strndup_x(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static uint32_t
to_u32(size_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static struct ymark
mark_from_yaml(yaml_mark_t m)
{
    struct ymark ym = { to_u32(m.line + 1), to_u32(m.column + 1), NULL };
    return ym;
}

static bool PRINTF_FMT(3, 4)
fail(struct yparser *p, yaml_mark_t m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);

    if (!p->err)
        p->err = xasprintf("%s:%zu:%zu: %s", p->file, m.line + 1,
                           m.column + 1, msg);
    free(msg);
    return false;
}

/* Turns libyaml's error state into a message.  Reader errors (bad
 * encoding) come with a byte offset instead of a mark; count lines up to
 * it. */
static bool
fail_syntax(struct yparser *p)
{
    const yaml_parser_t *y = &p->parser;
    if (y->error == YAML_MEMORY_ERROR)
        sim_abort(__FILE__, __LINE__, "out of memory in libyaml");

    const char *problem = y->problem ? y->problem : "unknown error";
    if (y->error == YAML_READER_ERROR) {
        yaml_mark_t m = { 0, 0, 0 };
        size_t end = MIN(y->problem_offset, p->len);
        for (size_t i = 0; i < end; i++) {
            if (p->text[i] == '\n') {
                m.line++;
                m.column = 0;
            } else if (((unsigned char)p->text[i] & 0xc0) != 0x80) {
                m.column++;
            }
        }
        return fail(p, m, "invalid input: %s; expected UTF-8 text",
                    problem);
    }
    if (y->context)
        return fail(p, y->problem_mark,
                    "invalid YAML: %s (%s at line %zu, column %zu)", problem,
                    y->context, y->context_mark.line + 1,
                    y->context_mark.column + 1);
    return fail(p, y->problem_mark, "invalid YAML: %s", problem);
}

static bool
next_event(struct yparser *p, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&p->parser, ev))
        return fail_syntax(p);
    return true;
}

static struct ynode *
node_new(enum ynode_kind kind, struct ymark mark)
{
    struct ynode *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->mark = mark;
    return n;
}

/* Arrays grow by doubling; the capacity is the next power of two at or
 * above the count, so it need not be stored. */
static bool
needs_growth(size_t n)
{
    return (n & (n - 1)) == 0;
}

static struct ypair *
pair_append(struct ynode *map)
{
    if (needs_growth(map->n_pairs))
        map->pairs = xrealloc(map->pairs, (map->n_pairs ? 2 * map->n_pairs
                                                        : 1) *
                                              sizeof *map->pairs);
    struct ypair *pair = &map->pairs[map->n_pairs++];
    memset(pair, 0, sizeof *pair);
    return pair;
}

static void
item_append(struct ynode *seq, struct ynode *item)
{
    if (needs_growth(seq->n_items))
        seq->items = xrealloc(seq->items, (seq->n_items ? 2 * seq->n_items
                                                        : 1) *
                                              sizeof *seq->items);
    seq->items[seq->n_items++] = item;
}

/* Anchors, aliases and tags would make a scenario's meaning depend on
 * more than what is written at each place; they are refused. */
static bool
check_plain_node(struct yparser *p, const yaml_event_t *ev,
                 const yaml_char_t *anchor, const yaml_char_t *tag)
{
    if (anchor)
        return fail(p, ev->start_mark,
                    "YAML anchors (&%s) are not supported; expected the "
                    "value written out in full", (const char *)anchor);
    if (tag)
        return fail(p, ev->start_mark,
                    "YAML tags (%s) are not supported; expected a value "
                    "without a tag", (const char *)tag);
    return true;
}

static bool
scalar_text(struct yparser *p, const yaml_event_t *ev, char **text)
{
    const char *value = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    if (memchr(value, '\0', len))
        return fail(p, ev->start_mark,
                    "a NUL character in a string; expected text");
    *text = strndup_x(value, len);
    return true;
}

/* A key and its position in its mapping, for sorting. */
struct key_ref {
    const char *key;
    size_t index;
};

static int
key_ref_cmp(const void *a_, const void *b_)
{
    const struct key_ref *a = a_, *b = b_;
    int c = strcmp(a->key, b->key);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Rejects a key that appears twice, naming the earliest second
 * occurrence in file order.  Sorting keeps this O(n log n). */
static bool
check_duplicates(struct yparser *p, const struct ynode *map)
{
    size_t n = map->n_pairs;
    if (n < 2)
        return true;
    struct key_ref *refs = xmalloc(n * sizeof *refs);
    for (size_t i = 0; i < n; i++) {
        refs[i].key = map->pairs[i].key;
        refs[i].index = i;
    }
    qsort(refs, n, sizeof *refs, key_ref_cmp);

    /* Within a run of equal keys the one first in the file sorts first;
     * every other one is a duplicate. */
    size_t dup = SIZE_MAX, first = 0, run = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i].key, refs[i - 1].key))
            run = i;
        else if (refs[i].index < dup) {
            dup = refs[i].index;
            first = refs[run].index;
        }
    }
    free(refs);
    if (dup == SIZE_MAX)
        return true;

    const struct ypair *d = &map->pairs[dup], *f = &map->pairs[first];
    yaml_mark_t m = { 0, d->key_mark.line - 1, d->key_mark.col - 1 };
    return fail(p, m,
                "duplicate key '%s' (first at line %" PRIu32 ", column "
                "%" PRIu32 "); expected each key once in a mapping",
                d->key, f->key_mark.line, f->key_mark.col);
}

static bool parse_node(struct yparser *, yaml_event_t *, int depth,
                       struct ynode **out);

static bool
parse_mapping(struct yparser *p, struct ynode *map, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (!next_event(p, &ev))
            return false;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        bool good = true;
        char *key = NULL;
        if (ev.type != YAML_SCALAR_EVENT)
            good = fail(p, ev.start_mark,
                        "a %s as a mapping key; expected a plain key",
                        ev.type == YAML_MAPPING_START_EVENT ? "mapping"
                        : ev.type == YAML_SEQUENCE_START_EVENT
                            ? "sequence"
                            : "alias");
        else if (ev.data.scalar.plain_implicit &&
                 !strcmp((const char *)ev.data.scalar.value, "<<"))
            /* YAML 1.1's merge key: it would pull in keys written
             * elsewhere (and needs anchors, refused as well). */
            good = fail(p, ev.start_mark,
                        "YAML merge keys (<<) are not supported; expected "
                        "the keys written out in full");
        else
            good = check_plain_node(p, &ev, ev.data.scalar.anchor,
                                    ev.data.scalar.tag) &&
                   scalar_text(p, &ev, &key);
        struct ymark key_mark = mark_from_yaml(ev.start_mark);
        yaml_event_delete(&ev);
        if (!good)
            return false;

        struct ypair *pair = pair_append(map);
        pair->key = key;
        pair->key_mark = key_mark;

        if (!next_event(p, &ev) || !parse_node(p, &ev, depth + 1,
                                               &pair->value))
            return false;
    }
    return check_duplicates(p, map);
}

static bool
parse_sequence(struct yparser *p, struct ynode *seq, int depth)
{
    for (;;) {
        yaml_event_t ev;
        if (!next_event(p, &ev))
            return false;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return true;
        }
        struct ynode *item = NULL;
        bool good = parse_node(p, &ev, depth + 1, &item);
        if (item)
            item_append(seq, item);
        if (!good)
            return false;
    }
}

/* Builds the node that starts with EV (which this consumes) into *OUT.
 * On failure *OUT is NULL or a partial node, and the caller frees the
 * tree it hangs in. */
static bool
parse_node(struct yparser *p, yaml_event_t *ev, int depth, struct ynode **out)
{
    struct ymark mark = mark_from_yaml(ev->start_mark);
    bool good = true;

    *out = NULL;
    if (depth > MAX_DEPTH) {
        good = fail(p, ev->start_mark,
                    "nesting deeper than %d levels; expected a scenario",
                    MAX_DEPTH);
        yaml_event_delete(ev);
        return good;
    }

    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        good = fail(p, ev->start_mark,
                    "YAML aliases (*%s) are not supported; expected the "
                    "value written out in full",
                    (const char *)ev->data.alias.anchor);
        yaml_event_delete(ev);
        return good;

    case YAML_SCALAR_EVENT: {
        char *text = NULL;
        good = check_plain_node(p, ev, ev->data.scalar.anchor,
                                ev->data.scalar.tag) &&
               scalar_text(p, ev, &text);
        if (good) {
            *out = node_new(YNODE_SCALAR, mark);
            (*out)->text = text;
            (*out)->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        }
        yaml_event_delete(ev);
        return good;
    }

    case YAML_SEQUENCE_START_EVENT:
        good = check_plain_node(p, ev, ev->data.sequence_start.anchor,
                                ev->data.sequence_start.tag);
        yaml_event_delete(ev);
        if (!good)
            return false;
        *out = node_new(YNODE_SEQUENCE, mark);
        return parse_sequence(p, *out, depth);

    case YAML_MAPPING_START_EVENT:
        good = check_plain_node(p, ev, ev->data.mapping_start.anchor,
                                ev->data.mapping_start.tag);
        yaml_event_delete(ev);
        if (!good)
            return false;
        *out = node_new(YNODE_MAPPING, mark);
        return parse_mapping(p, *out, depth);

    default:
        /* libyaml only reports well-formed event streams, so this is
         * another document-level event where a node should be. */
        good = fail(p, ev->start_mark, "unexpected YAML structure");
        yaml_event_delete(ev);
        return good;
    }
}

static bool
parse_stream(struct yparser *p, struct ynode **root)
{
    yaml_event_t ev;

    if (!next_event(p, &ev))
        return false;
    /* STREAM-START. */
    yaml_event_delete(&ev);

    if (!next_event(p, &ev))
        return false;
    if (ev.type == YAML_STREAM_END_EVENT) {
        yaml_event_delete(&ev);
        return true;
    }
    /* DOCUMENT-START. */
    yaml_event_delete(&ev);

    if (!next_event(p, &ev) || !parse_node(p, &ev, 0, root))
        return false;

    if (!next_event(p, &ev))
        return false;
    /* DOCUMENT-END. */
    yaml_event_delete(&ev);

    if (!next_event(p, &ev))
        return false;
    bool good = true;
    if (ev.type != YAML_STREAM_END_EVENT)
        good = fail(p, ev.start_mark,
                    "a second YAML document; expected one document per "
                    "scenario file");
    yaml_event_delete(&ev);
    return good;
}

bool
ytree_parse(const char *file, const char *text, size_t len,
            struct ynode **root, char **err)
{
    struct yparser p = { .file = file, .text = text, .len = len };

    *root = NULL;
    *err = NULL;
    if (!yaml_parser_initialize(&p.parser))
        sim_abort(__FILE__, __LINE__, "out of memory in libyaml");
    yaml_parser_set_input_string(&p.parser, (const unsigned char *)text,
                                 len);
    bool good = parse_stream(&p, root);
    yaml_parser_delete(&p.parser);
    if (!good) {
        ytree_free(*root);
        *root = NULL;
        sim_assert(p.err);
        *err = p.err;
    }
    return good;
}

static struct ynode *
scalar_new(const char *value, const char *origin)
{
    struct ymark mark = { 0, 0, origin };
    struct ynode *n = node_new(YNODE_SCALAR, mark);
    n->text = xstrdup(value);
    return n;
}

static bool PRINTF_FMT(3, 4)
set_fail(char **err, const char *origin, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    *err = xasprintf("%s: %s", origin, msg);
    free(msg);
    return false;
}

/* Gives node N, its keys and everything below it ORIGIN for a mark. */
static void
mark_origin(struct ynode *n, const char *origin)
{
    n->mark = (struct ymark){ 0, 0, origin };
    for (size_t i = 0; i < n->n_pairs; i++) {
        n->pairs[i].key_mark = n->mark;
        mark_origin(n->pairs[i].value, origin);
    }
    for (size_t i = 0; i < n->n_items; i++)
        mark_origin(n->items[i], origin);
}

/* The node an override's VALUE makes: a YAML flow sequence for a value
 * that starts with '[' ("[23, 80]", "[]"), else a plain scalar.  Returns
 * NULL with *ERR allocated for a list that is not valid YAML. */
static struct ynode *
override_node(const char *value, const char *origin, char **err)
{
    if (value[0] != '[')
        return scalar_new(value, origin);
    struct ynode *n = NULL;
    char *perr;
    if (!ytree_parse("", value, strlen(value), &n, &perr)) {
        /* PERR is ":LINE:COL: message" (the line and column of a value
         * of one line, where libyaml noticed the fault). */
        const char *msg = strstr(perr, ": ");
        set_fail(err, origin, "the list '%s' is not valid YAML (%s); "
                 "expected a list such as [A, B]", value,
                 msg ? msg + 2 : perr);
        free(perr);
        return NULL;
    }
    /* Starting with '[', a single document is a flow sequence. */
    sim_assert(n && n->kind == YNODE_SEQUENCE);
    mark_origin(n, origin);
    return n;
}

/* Parses a sequence index: decimal digits only. */
static bool
parse_index(const char *s, size_t n, size_t *index)
{
    size_t v = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned digit = (unsigned)(s[i] - '0');
        if (v > (SIZE_MAX - digit) / 10)
            v = SIZE_MAX;       /* Out of range either way. */
        else
            v = v * 10 + digit;
    }
    *index = v;
    return true;
}

bool
ytree_set(struct ynode *root, const char *key, const char *value,
          const char *origin, char **err)
{
    static const char path_form[] =
        "expected a dotted path such as topology.spines or traffic.0.size";
    struct ynode *cur = root;
    const char *seg = key;

    *err = NULL;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        int done = (int)(seg - key);    /* Length of the path so far. */
        int done_path = done > 0 ? done - 1 : 0;
        if (n == 0)
            return set_fail(err, origin, "empty component in key '%s'; %s",
                            key, path_form);

        struct ynode **slot;
        if (cur->kind == YNODE_SEQUENCE) {
            size_t index;
            if (!parse_index(seg, n, &index))
                return set_fail(err, origin,
                                "'%.*s' is a sequence; expected a number "
                                "(0..%zu) after it, not '%.*s'",
                                done_path, key,
                                cur->n_items ? cur->n_items - 1 : 0,
                                (int)n, seg);
            if (index >= cur->n_items)
                return set_fail(err, origin,
                                "index %.*s is out of range: '%.*s' has %zu "
                                "entries", (int)n, seg, done_path, key,
                                cur->n_items);
            slot = &cur->items[index];
        } else if (cur->kind == YNODE_MAPPING) {
            slot = NULL;
            for (size_t i = 0; i < cur->n_pairs; i++) {
                if (strlen(cur->pairs[i].key) == n &&
                    !memcmp(cur->pairs[i].key, seg, n)) {
                    slot = &cur->pairs[i].value;
                    break;
                }
            }
            if (!slot) {
                struct ypair *pair = pair_append(cur);
                pair->key = strndup_x(seg, n);
                pair->key_mark.origin = origin;
                slot = &pair->value;
            }
        } else {
            return set_fail(err, origin,
                            "'%.*s' is a single value; expected a path "
                            "through mappings and sequences only",
                            done_path, key);
        }

        if (!dot) {
            struct ynode *v = override_node(value, origin, err);
            if (!v)
                return false;
            ytree_free(*slot);
            *slot = v;
            return true;
        }
        if (!*slot || ytree_is_null(*slot)) {
            ytree_free(*slot);
            struct ymark mark = { 0, 0, origin };
            *slot = node_new(YNODE_MAPPING, mark);
        }
        cur = *slot;
        seg = dot + 1;
    }
}

const struct ypair *
ytree_pair(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAPPING)
        return NULL;
    for (size_t i = 0; i < map->n_pairs; i++)
        if (!strcmp(map->pairs[i].key, key))
            return &map->pairs[i];
    return NULL;
}

struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
    const struct ypair *pair = ytree_pair(map, key);
    return pair ? pair->value : NULL;
}

char *
ytree_vmessage(const char *file, const struct ymark *mark, const char *fmt,
               va_list ap)
{
    char *msg = xvasprintf(fmt, ap);
    char *full = mark->origin
                     ? xasprintf("%s: %s", mark->origin, msg)
                     : xasprintf("%s:%" PRIu32 ":%" PRIu32 ": %s", file,
                                 mark->line, mark->col, msg);
    free(msg);
    return full;
}

bool
ytree_is_null(const struct ynode *n)
{
    if (!n || n->kind != YNODE_SCALAR || n->quoted)
        return false;
    const char *t = n->text;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") ||
           !strcmp(t, "Null") || !strcmp(t, "NULL");
}

void
ytree_free(struct ynode *n)
{
    if (!n)
        return;
    free(n->text);
    for (size_t i = 0; i < n->n_pairs; i++) {
        free(n->pairs[i].key);
        ytree_free(n->pairs[i].value);
    }
    free(n->pairs);
    for (size_t i = 0; i < n->n_items; i++)
        ytree_free(n->items[i]);
    free(n->items);
    free(n);
}
