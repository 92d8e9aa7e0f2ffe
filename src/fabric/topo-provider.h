/* The contract between topo.c and the topology classes, and the graph
 * helpers they share with topo-report.c.  Callers outside src/fabric/topo*
 * use topo.h only.
 *
 * A class is a `static const struct topo_class` with designated
 * initializers, defined in its own file (topo-spine-leaf.c, ...) and
 * listed in the table in topo.c, which looks it up by `name`. */
#ifndef DCSIM_TOPO_PROVIDER_H
#define DCSIM_TOPO_PROVIDER_H 1

#include <stdint.h>

#include "fabric/topo.h"
#include "sim/util.h"

/* At most this many links (ports) on any node: port indices are uint8_t
 * (struct port, route groups, receive()'s ingress port). */
#define TOPO_MAX_PORTS 255

/* At most this many hosts: pkt_host_ip() gives each host a unique address
 * in 10.0.0.0/8 with 250 hosts per /24, i.e. 65536 * 250 of them. */
#define TOPO_MAX_HOSTS UINT64_C(16384000)

/* "Unreachable" in the distance arrays of the BFS helpers below. */
#define TOPO_UNREACHED UINT32_MAX

struct topo_class {
    /* Required.  The scenario's `topology.type`. */
    const char *name;

    /* Required.  Fills OUT (zeroed by the caller) from the class's part of
     * SPEC: nodes with hosts first (0..n_hosts-1, numbered rack by rack
     * where the class knows racks), each with its name (allocated; the
     * graph owns it), is_host, tier (1..3 on switches, or 0 to have
     * topo.c infer it) and loc; links with valid endpoints, a != b, and
     * rate_bps > 0; and tier_names.  It need not set `type` or hosts'
     * `rack`: topo.c does.  It must not assume anything of SPEC (the
     * parser checks it, but a class rejects what it cannot build).
     *
     * Returns 0, or an errno value with *ERR set to an allocated message
     * and *ERR_LOC to where it applies (spec->loc if nowhere better); OUT
     * may then be partly filled, and topo.c frees it.
     *
     * topo.c then checks, for every class: that every host has a link,
     * that no node has more than TOPO_MAX_PORTS links, and that every
     * host can reach every other. */
    int (*build)(const struct topo_spec *spec, struct topo_graph *out,
                 char **err, struct src_loc *err_loc);
};

extern const struct topo_class topo_spine_leaf_class;
extern const struct topo_class topo_three_tier_class;
extern const struct topo_class topo_fat_tree_class;
extern const struct topo_class topo_explicit_class;

/* Helpers for classes (topo.c). */

/* Allocates G's arrays for N_NODES nodes (zeroed, rack -1), of which the
 * first N_HOSTS are hosts, and room for N_LINKS links; n_links is left 0
 * for topo_graph_add_link() to count up. */
void topo_graph_alloc(struct topo_graph *g, uint32_t n_nodes,
                      uint32_t n_hosts, uint32_t n_links);
/* Node I gets NAME (taken over) and TIER; it is a host iff I < n_hosts. */
void topo_graph_set_node(struct topo_graph *g, uint32_t i, char *name,
                         uint8_t tier);
/* Nodes FIRST .. FIRST+COUNT-1 become PREFIX0, PREFIX1, ... at TIER. */
void topo_graph_name_run(struct topo_graph *g, uint32_t first, uint32_t count,
                         const char *prefix, uint8_t tier);
/* Appends a cable between A and B with LS's rate and delay. */
void topo_graph_add_link(struct topo_graph *g, uint32_t a, uint32_t b,
                         const struct link_spec *ls);
/* Error helper: sets *ERR to a formatted allocated message, *ERR_LOC to
 * LOC, and returns EINVAL. */
int topo_fail(char **err, struct src_loc *err_loc, struct src_loc loc,
              const char *fmt, ...) PRINTF_FMT(4, 5);
/* Rejects a zero count or rate in a generated topology's parameters:
 * returns 0 when VALUE > 0, else topo_fail() naming TYPE and FIELD. */
int topo_need_positive(const struct topo_spec *spec, const char *field,
                       uint64_t value, char **err, struct src_loc *err_loc);
/* Rejects a generated topology whose node of kind WHAT would have PORTS
 * links, or which would have more than TOPO_MAX_HOSTS hosts. */
int topo_check_ports(const struct topo_spec *spec, const char *what,
                     uint64_t ports, char **err, struct src_loc *err_loc);
int topo_check_hosts(const struct topo_spec *spec, uint64_t n_hosts,
                     char **err, struct src_loc *err_loc);

/* Adjacency in compressed sparse row form: the links of node N are
 * link[start[N]] .. link[start[N + 1] - 1], in increasing link index (so
 * a node's first entry is its lowest-numbered link).  Memory is
 * O(n_nodes + n_links). */
struct topo_adj {
    uint32_t *start;   /* n_nodes + 1 offsets into `link`. */
    uint32_t *link;    /* 2 * n_links link indices. */
};

void topo_adj_init(struct topo_adj *, const struct topo_graph *);
void topo_adj_uninit(struct topo_adj *);

static inline uint32_t
topo_link_peer(const struct topo_link *l, uint32_t node)
{
    return l->a == node ? l->b : l->a;
}

/* Breadth-first search from SRC over links, through switches only: hosts
 * other than SRC are reached but not crossed (hosts do not forward).
 * Fills DIST (n_nodes entries; TOPO_UNREACHED if not reached) with hop
 * counts and, if PARENT_LINK is not NULL, the link each node was reached
 * by (UINT32_MAX for SRC and unreached nodes).  QUEUE is scratch space of
 * n_nodes entries. */
void topo_bfs(const struct topo_graph *, const struct topo_adj *, uint32_t src,
              uint32_t *dist, uint32_t *parent_link, uint32_t *queue);

#endif
