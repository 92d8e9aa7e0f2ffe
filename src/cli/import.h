/* `dcsim import ns3`'s internals, private to src/cli/: what cmd-import.c
 * (the tokens of the simulator's files, its config keys, the scenario's
 * sections, its flows and trace, the command) and import-topo.c (its
 * topology file, read into a graph and checked as dcsim would check the
 * scenario's) share, and the functions that cross between them. */
#ifndef DCSIM_CLI_IMPORT_H
#define DCSIM_CLI_IMPORT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fabric/topo.h"
#include "sim/util.h"

/* A token of an input file and where it starts. */
struct tok {
    const char *path;
    const char *text;         /* NUL-terminated inside the file's copy. */
    uint32_t line, col;
};

/* A whitespace-separated input file, as C++'s `>>` reads it. */
struct tokens {
    const char *path;
    char *buf;                /* The file; tokens NUL-terminated in it. */
    struct tok *v;
    size_t n;
};

/* Reads PATH into T, split at whitespace.  Returns 0, or 2 with *ERR
 * allocated (a file that cannot be read, is over 1 GiB or holds a NUL
 * byte); tokens_free() releases what a 0 return holds. */
int tokens_read(struct tokens *t, const char *path, char **err);
void tokens_free(struct tokens *t);

/* The config keys third.cc reads (cmd-import.c's cfg_keys gives each
 * one's name and number of values). */
enum cfg_key {
    K_ENABLE_QCN, K_USE_DYNAMIC_PFC_THRESHOLD, K_CLAMP_TARGET_RATE,
    K_PAUSE_TIME, K_DATA_RATE, K_LINK_DELAY, K_PACKET_PAYLOAD_SIZE,
    K_L2_CHUNK_SIZE, K_L2_ACK_INTERVAL, K_L2_BACK_TO_ZERO, K_TOPOLOGY_FILE,
    K_FLOW_FILE, K_TRACE_FILE, K_TRACE_OUTPUT_FILE, K_SIMULATOR_STOP_TIME,
    K_ALPHA_RESUME_INTERVAL, K_RP_TIMER, K_EWMA_GAIN, K_FAST_RECOVERY_TIMES,
    K_RATE_AI, K_RATE_HAI, K_ERROR_RATE_PER_LINK, K_CC_MODE,
    K_RATE_DECREASE_INTERVAL, K_MIN_RATE, K_FCT_OUTPUT_FILE, K_HAS_WIN,
    K_GLOBAL_T, K_MI_THRESH, K_VAR_WIN, K_FAST_REACT, K_U_TARGET, K_INT_MULTI,
    K_RATE_BOUND, K_ACK_HIGH_PRIO, K_DCTCP_RATE_AI, K_PFC_OUTPUT_FILE,
    K_LINK_DOWN, K_ENABLE_TRACE, K_KMAX_MAP, K_KMIN_MAP, K_PMAX_MAP,
    K_BUFFER_SIZE, K_QLEN_MON_FILE, K_QLEN_MON_START, K_QLEN_MON_END,
    K_MULTI_RATE, K_SAMPLE_FEEDBACK, K_PINT_LOG_BASE, K_PINT_PROB,
    N_KEYS,
};

/* A map key's entries: link rate (bit/s) -> value. */
struct rate_map {
    const struct tok *at;     /* The key, or NULL if not given. */
    size_t n;
    uint64_t rate[16];
    const struct tok *value[16];
};

/* One import: the config's keys and values, the topology read from its
 * file, the not-expressed list so far and the first error. */
struct import {
    const char *config;
    char *err;                /* The first error (FILE:LINE:COL: ...). */
    FILE *notes;              /* What the scenario does not express. */
    char *notes_buf;
    size_t notes_len;
    size_t n_notes;
    const struct tok *val[N_KEYS];   /* Each key's last value, if given
                                      * (a repeated key overrides, as the
                                      * simulator's config reader does). */
    const struct tok *key[N_KEYS];   /* Each key, if given. */
    struct rate_map map[3];          /* KMAX, KMIN, PMAX. */
    struct tokens conf;
    /* The topology: node i is ns-3 node i, named hI or sI. */
    struct topo_graph g;
    char *topo_path, *flow_path, *trace_path;
    uint64_t *host_rate;      /* By node: its (first) link's rate. */
    bool pg_used[8];
    uint64_t n_flows;
    /* The scenario lines written from one config key (by the offset of
     * each in the scenario's body): what the written scenario is refused
     * for at such a line is said of the key. */
    struct import_origin {
        long offset;
        enum cfg_key key;
        const struct tok *at;     /* Its value; NULL if not given. */
    } origin[4];
    size_t n_origins;
};

/* Records the error "FILE:LINE:COL: MESSAGE" at token AT unless one is
 * recorded already.  Always returns false. */
bool fail(struct import *im, const struct tok *at, const char *fmt, ...)
    PRINTF_FMT(3, 4);
/* One line of the not-expressed list, about config key K (at its place
 * in the config, if given; N_KEYS for none). */
void note(struct import *im, enum cfg_key k, const char *fmt, ...)
    PRINTF_FMT(3, 4);
/* Checks token V as a rate (ns-3's DataRate forms, "100Gbps"), WHAT
 * naming it in the error; stores it in *BPS unless BPS is NULL. */
bool check_rate(struct import *im, const struct tok *v, const char *what,
                uint64_t *bps);
/* Reads token I of T, WHAT, as an integer 0..MAX into *OUT. */
bool tok_uint(struct import *im, const struct tokens *t, size_t i,
              const char *what, uint64_t max, uint64_t *out);

/* import-topo.c: reads the topology file (IM's topo_path) into IM's
 * graph and host_rate and writes it to OUT as the scenario's topology
 * section. */
bool read_topology(struct import *im, FILE *out);
/* The largest base RTT over host pairs of the graph read, in ns, for
 * packets of PAYLOAD bytes (import-topo.c). */
uint64_t max_rtt_ns(const struct import *im, uint64_t payload);

#endif
