/* A small YAML document tree for the scenario parser.
 *
 * ytree_parse() runs libyaml's event parser over a whole file and builds
 * mappings (keys in file order, each with its position), sequences and
 * scalars, each node marked with its line and column.  It accepts only
 * what a scenario needs: one document, no anchors, aliases or tags, no
 * duplicate keys, scalar keys.  ytree_set() applies a command-line
 * override ("--set a.b.0.c=VALUE", VALUE a scalar or a list "[A, B]") to
 * the tree; nodes it creates or
 * replaces carry the override's text as their origin, so that an error
 * about them names the override instead of a file position.
 *
 * scenario.c and the host profiles of src/host/kvm-profile.c use this;
 * the tree knows nothing of either schema. */
#ifndef DCSIM_YTREE_H
#define DCSIM_YTREE_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/util.h"

enum ynode_kind {
    YNODE_SCALAR,
    YNODE_MAPPING,
    YNODE_SEQUENCE,
};

/* Where a node or key came from. */
struct ymark {
    uint32_t line, col;       /* 1-based; 0 if made by an override. */
    const char *origin;       /* NULL: the file; else "--set KEY=VALUE"
                               * (not owned: the caller keeps it alive as
                               * long as the tree). */
};

struct ynode;

struct ypair {
    char *key;
    struct ymark key_mark;
    struct ynode *value;
};

struct ynode {
    enum ynode_kind kind;
    struct ymark mark;        /* Of the value itself. */

    /* YNODE_SCALAR. */
    char *text;
    bool quoted;              /* Written in quotes or as a block scalar. */

    /* YNODE_MAPPING, in file order. */
    struct ypair *pairs;
    size_t n_pairs;

    /* YNODE_SEQUENCE. */
    struct ynode **items;
    size_t n_items;
};

/* Parses LEN bytes of TEXT.  Returns true with *ROOT set to the
 * document's root, or NULL for a stream without any document.  On error
 * returns false with *ERR allocated: "FILE:LINE:COL: message". */
bool ytree_parse(const char *file, const char *text, size_t len,
                 struct ynode **root, char **err);

/* Applies one override to the mapping ROOT: walks the dotted KEY
 * (numeric segments index sequences), creating missing mapping keys and
 * intermediate mappings, and replaces the last node with VALUE: a plain
 * scalar, or, for a VALUE that starts with '[', the YAML flow sequence it
 * writes ("[23, 80]").  New and replaced nodes get ORIGIN as their
 * mark's origin.  Returns false with *ERR allocated ("ORIGIN: message")
 * if KEY is empty, indexes past the end of a sequence, or passes through
 * a scalar, or if a list VALUE is not valid YAML. */
bool ytree_set(struct ynode *root, const char *key, const char *value,
               const char *origin, char **err);

/* The value of KEY in mapping MAP, or NULL. */
struct ynode *ytree_get(const struct ynode *map, const char *key);
/* The pair of KEY in mapping MAP, or NULL. */
const struct ypair *ytree_pair(const struct ynode *map, const char *key);

/* A message about the node at MARK of FILE, allocated: "FILE:LINE:COL:
 * MESSAGE", or "ORIGIN: MESSAGE" for a node an override made. */
char *ytree_vmessage(const char *file, const struct ymark *mark,
                     const char *fmt, va_list ap) PRINTF_FMT(3, 0);

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
bool ytree_is_null(const struct ynode *);

void ytree_free(struct ynode *);

#endif
