/* Flow files: a traffic entry's flows read from a file, one flow a line,
 * in streaming fashion (docs/scenario.md, "Flow files").  Two formats:
 *
 *   csv  a header line naming the columns (at most 64), then one flow a
 *        line; columns src and dst (host names), size_bytes and start_ps
 *        (integers) are required, tc, rate_bps and dport optional, any
 *        other ignored (so an earlier run's flows.csv replays its flows);
 *   ns3  the HPCC simulator's flow file (its scratch/third.cc): the number
 *        of flows, then that many lines "src dst pg dport size start",
 *        src and dst node ids (id N is the host named hN), pg the
 *        priority group (dcsim's traffic class), size in bytes and start
 *        in seconds (a decimal, started when that simulator starts it:
 *        its nearest double rounded down to the nanosecond); lines after
 *        the last flow are ignored, as that simulator ignores them.
 *
 * Start times may not decrease from one flow to the next, so that the
 * flows can be made as simulated time reaches them: a reader holds one
 * line (at most 1 MiB of it; a longer one is an error), never the
 * file.  The scenario reads a file once through
 * (flowfile_scan()) to check every line and count its flows before the
 * run; the workload reads it again as the run goes (flowfile_next()).
 * Every error names FILE:LINE:COL. */
#ifndef DCSIM_FLOWFILE_H
#define DCSIM_FLOWFILE_H 1

#include <stdbool.h>
#include <stdint.h>

struct topo_graph;

enum flowfile_format {
    FLOWFILE_CSV,
    FLOWFILE_NS3,
};

/* One flow of a file. */
struct flowfile_flow {
    uint32_t src, dst;        /* Host numbers. */
    uint64_t size_bytes;      /* > 0. */
    uint64_t start_ps;
    uint64_t rate_bps;        /* 0: line rate. */
    uint8_t tc;
    uint16_t dport;           /* 0: the workload's default. */
};

/* What a whole file holds (flowfile_scan()). */
struct flowfile_stats {
    uint64_t flows;
    uint64_t bytes;           /* Their sizes, summed. */
    uint64_t first_start_ps, last_start_ps;
};

struct flowfile;

/* Opens PATH in FORMAT, its host names or ids resolved in GRAPH (which
 * outlives the reader).  Returns 0, or 2 with *ERR allocated. */
int flowfile_open(const char *path, enum flowfile_format format,
                  const struct topo_graph *graph, struct flowfile **out,
                  char **err);
/* The next flow into *F: 1, 0 at the end of the flows, or 2 with *ERR
 * ("FILE:LINE:COL: ...") for a line that is not a valid flow. */
int flowfile_next(struct flowfile *, struct flowfile_flow *f, char **err);
void flowfile_close(struct flowfile *);
/* The line of the flow flowfile_next() returned last. */
uint64_t flowfile_line(const struct flowfile *);

/* Reads PATH through, checking every flow, into *STATS.  Returns 0, or 2
 * with *ERR.  Memory does not grow with the file. */
int flowfile_scan(const char *path, enum flowfile_format format,
                  const struct topo_graph *graph,
                  struct flowfile_stats *stats, char **err);

/* The format names, indexed by enum flowfile_format. */
extern const char *const flowfile_format_names[2];

#endif
