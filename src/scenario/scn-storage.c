/* The `storage` section (docs/scenario.md, "storage"): the SSD every
 * host has, the target software, the protocols' options, the software
 * costs and the fio-style jobs, into struct storage_spec
 * (storage/storage-spec.h).  Jobs' host names are resolved once the
 * graph is built (scn_resolve_storage()). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"
#include "storage/storage-spec.h"

static const char *const target_names[] = { "kernel", "spdk" };

#define S(F) offsetof(struct storage_spec, F)
static const struct key storage_keys[] = {
    { "device", KEY_CUSTOM, .what = "mapping", .note = "see storage.device",
      .help = "The NVMe SSD of every host." },
    { "devices", KEY_U32, S(devices), 1, 64, .dflt = "1",
      .help = "SSDs per host, each a `device`; commands striped over "
              "them." },
    { "target", KEY_CUSTOM, .what = "kernel, spdk", .note = "kernel",
      .help = "Target software: interrupts or polling reactors." },
    { "in_capsule", KEY_SIZE, S(in_capsule_bytes), 0, .dflt = "4KiB",
      .help = "NVMe-oF writes up to this go in the command capsule." },
    { "rdma_read_depth", KEY_U32, S(rdma_read_depth), 1, 255,
      .dflt = "16",
      .help = "RDMA READs outstanding per queue pair (ORD/IRD)." },
    { "header_digest", KEY_BOOL, S(header_digest), .dflt = "false",
      .help = "NVMe/TCP HDGST and iSCSI HeaderDigest (CRC32C)." },
    { "data_digest", KEY_BOOL, S(data_digest), .dflt = "false",
      .help = "NVMe/TCP DDGST and iSCSI DataDigest (CRC32C)." },
    { "immediate_data", KEY_BOOL, S(immediate_data), .dflt = "true",
      .help = "iSCSI ImmediateData: write data in the command PDU." },
    { "initial_r2t", KEY_BOOL, S(initial_r2t), .dflt = "true",
      .help = "iSCSI InitialR2T: no unsolicited Data-Out before an R2T." },
    { "first_burst", KEY_SIZE, S(first_burst_bytes), 1, 16777215,
      .limit = "16777215B: RFC 7143's FirstBurstLength is 24 bits",
      .dflt = "64KiB", .help = "iSCSI FirstBurstLength, at least 512B." },
    { "max_segment", KEY_SIZE, S(max_segment_bytes), 1, 16777215,
      .limit = "16777215B: RFC 7143's MaxRecvDataSegmentLength is 24 "
      "bits",
      .dflt = "8KiB",
      .help = "iSCSI MaxRecvDataSegmentLength, at least 512B." },
    { "costs", KEY_CUSTOM, .what = "mapping", .note = "see storage.costs",
      .help = "Software cycles per I/O." },
    { "jobs", KEY_CUSTOM, .what = "non-empty sequence of job mappings",
      .note = "required", .help = "The fio-style jobs." },
};
#undef S

/* Intel Optane SSD DC P4800X (docs/models.md): typical latency < 10 us
 * (measured 4 KiB QD1 read 8.9 us), 550k/500k 4 KiB random read/write
 * IOPS at QD16, 2400/2000 MB/s sequential; 5 units x 1 / 9 us = 555k. */
#define D(F) offsetof(struct nvme_spec, F)
static const struct key device_keys[] = {
    { "read_latency", KEY_DURATION, D(read_latency_ps), 1, .dflt = "9us",
      .help = "Media time of one read command." },
    { "write_latency", KEY_DURATION, D(write_latency_ps), 1, .dflt = "10us",
      .help = "Media time of one write command." },
    { "read_rate", KEY_RATE, D(read_rate_bps), .dflt = "19.2Gbps",
      .help = "The device's data path, device to host." },
    { "write_rate", KEY_RATE, D(write_rate_bps), .dflt = "16Gbps",
      .help = "The device's data path, host to device." },
    { "units", KEY_U32, D(units), 1, 65536, .dflt = "5",
      .help = "Media units working in parallel (channels x dies)." },
    { "queue_depth", KEY_U32, D(queue_depth), 1, 65536, .dflt = "1024",
      .help = "Submission queue entries; more wait in the driver." },
};
#undef D

/* docs/models.md derives each from the SPDK NVMe-oF RDMA report it
 * cites (release 24.05), at the servers' default 3 GHz: SPDK's target
 * does 10.94M 4 KiB IOPS on 8 cores (0.73 us per I/O), the kernel's 5.09
 * times fewer per core (3.72 us with its interrupt); the kernel
 * initiator spends 4.94 us per I/O more than SPDK's 0.73 us. */
#define C(NAME, DFLT, HELP)                                                  \
    { #NAME, KEY_CYCLES, offsetof(struct storage_costs, NAME), .dflt = DFLT, \
      .help = HELP }
static const struct key cost_keys[] = {
    C(initiator_submit, "8400", "Initiator: system call, block layer, "
      "driver submit."),
    C(initiator_complete, "8400", "Initiator: completion interrupt and "
      "block layer."),
    C(kernel_io, "8200", "Kernel target: one command (with RDMA, plus "
      "server.costs.irq)."),
    C(spdk_io, "2200", "SPDK target: one command on a polling reactor."),
};
#undef C

#define J(F) offsetof(struct storage_job_spec, F)
static const struct key job_keys[] = {
    { "initiator", KEY_CUSTOM, .what = "host name", .note = "required",
      .help = "The host that runs the job." },
    { "target", KEY_CUSTOM, .what = "host name",
      .note = "required but with local and objects",
      .help = "The host whose SSD serves it." },
    { "protocol", KEY_CUSTOM,
      .what = "local, nvme-rdma, nvme-tcp, iscsi, object-tcp, object-rdma, "
              "nvme-iwarp",
      .note = "required", .help = "How the initiator reaches the SSD." },
    { "rw", KEY_CUSTOM,
      .what = "read, write, randread, randwrite, rw, randrw",
      .note = "randread", .help = "fio's rw: the operations." },
    { "read_fraction", KEY_FRACTION, J(read_fraction), .hi = 1,
      .form = "a fraction 0..1, e.g. 0.7", .dflt = "0.5",
      .help = "rw, randrw: the share of reads (fio's rwmixread / 100)." },
    { "op", KEY_CUSTOM, .what = "get, put, mix", .note = "get",
      .help = "Object protocols: GETs, PUTs or both (in place of rw)." },
    { "get_fraction", KEY_FRACTION, J(read_fraction), .hi = 1,
      .form = "a fraction 0..1, e.g. 0.7", .dflt = "0.5",
      .help = "op mix: the share of GETs." },
    { "bs", KEY_SIZE, J(bs), 1, UINT64_C(1) << 30,
      .limit = "1GiB: one I/O is one message of the transports",
      .dflt = "4KiB", .help = "Bytes per I/O, at most 1GiB." },
    { "iodepth", KEY_U32, J(iodepth), 1, 65536, .dflt = "1",
      .help = "I/Os each worker keeps outstanding." },
    { "numjobs", KEY_U32, J(numjobs), 1, 1024, .dflt = "1",
      .help = "Workers, each with its own queue pair or connection." },
    { "count", KEY_U64, J(count), 1, UINT64_C(1) << 32, .note = "none",
      .help = "I/Os per worker; count or duration is required." },
    { "duration", KEY_DURATION, J(duration_ps), 1, .note = "none",
      .help = "Workers issue I/Os until start + duration." },
    { "rate", KEY_U64, J(rate_iops), 1, 1000000000, .note = "none",
      .help = "Most I/Os per second each worker issues." },
    { "start", KEY_DURATION, J(start_ps), .dflt = "0",
      .help = "When the workers start." },
    { "tc", KEY_TC, J(tc), .dflt = "0",
      .help = "Traffic class of the job's messages." },
    { "pool", KEY_CUSTOM, .what = "non-empty list of host names",
      .note = "required with objects",
      .help = "Object protocols: the hosts objects are placed on." },
    { "replicas", KEY_U32, J(replicas), 1, STORAGE_MAX_REPLICAS,
      .dflt = "3", .help = "Object protocols: copies of each object." },
    { "objects", KEY_U64, J(objects), 1, STORAGE_MAX_OBJECTS, .note = "none",
      .help = "Object protocols: names each I/O draws from; none: each "
              "I/O a new object." },
    { "zipf", KEY_DECIMAL, J(zipf), .hi = 100,
      .form = "an exponent 0..100 other than 1, e.g. 1.2", .dflt = "0",
      .help = "With objects: Zipf exponent of the names' popularity "
              "(fio's zipf:theta); 0: uniform." },
};
#undef J

const struct key_section scn_storage_keys =
    KEY_SECTION("storage", storage_keys);
const struct key_section scn_storage_device_keys =
    KEY_SECTION("storage.device", device_keys);
const struct key_section scn_storage_cost_keys =
    KEY_SECTION("storage.costs", cost_keys);
const struct key_section scn_storage_job_keys =
    KEY_SECTION("storage.jobs[]", job_keys);

void
scn_storage_defaults(struct storage_spec *s)
{
    keys_defaults(&scn_storage_keys, s);
    keys_defaults(&scn_storage_device_keys, &s->device);
    keys_defaults(&scn_storage_cost_keys, &s->cost);
    s->target = STORAGE_TARGET_KERNEL;
}

/* A job's operations: fio's rw (and read_fraction) for a block
 * protocol; for an object protocol op (and get_fraction), as object-store
 * benchmarks name them, each the rw that runs it.  The other protocol
 * family's keys are refused, naming the right one. */
static bool
parse_ops(struct ctx *c, const struct ynode *map, const char *path,
          bool object, struct storage_job_spec *j)
{
    static const struct {
        const char *key;
        bool object;          /* The key of object protocols. */
        const char *instead;  /* The other family's key, for the message. */
    } keys[] = {
        { "rw", false, "op: get, put or mix (an object job's operations; "
                       "rw is fio's, for block protocols)" },
        { "read_fraction", false, "get_fraction with op: mix (the share of "
                                  "GETs)" },
        { "op", true, "rw: read, write, randread, randwrite, rw or randrw "
                      "(op is an object job's, with object-tcp or "
                      "object-rdma)" },
        { "get_fraction", true, "read_fraction with rw: rw or randrw "
                                "(get_fraction is an object job's)" },
    };
    char sub[PATH_BYTES];
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        const struct ynode *n = ytree_get(map, keys[k].key);
        path_key(sub, path, keys[k].key);
        if (n && keys[k].object != object)
            return fail_value(c, n, sub,
                              object ? "given with an object protocol"
                                     : "given with a block protocol",
                              keys[k].instead);
    }
    size_t i;
    const struct ynode *n = ytree_get(map, object ? "op" : "rw");
    path_key(sub, path, object ? "op" : "rw");
    if (n && !(object ? read_choice(c, n, sub, storage_op_names,
                                    STORAGE_N_OPS, &i)
                      : read_choice(c, n, sub, storage_rw_names,
                                    STORAGE_N_RW, &i)))
        return false;
    if (!object) {
        if (n)
            j->rw = (enum storage_rw)i;
        return true;
    }
    static const enum storage_rw runs[STORAGE_N_OPS] = {
        [STORAGE_OP_GET] = STORAGE_RANDREAD,
        [STORAGE_OP_PUT] = STORAGE_RANDWRITE,
        [STORAGE_OP_MIX] = STORAGE_RANDRW,
    };
    j->op = n ? (enum storage_op)i : STORAGE_OP_GET;
    j->rw = runs[j->op];
    n = ytree_get(map, "get_fraction");
    path_key(sub, path, "get_fraction");
    if (n && j->op != STORAGE_OP_MIX)
        return fail_value(c, n, sub, "given without op: mix",
                          "get_fraction only with op: mix, the share of "
                          "its GETs");
    return true;
}

static bool
parse_job(struct ctx *c, const struct ynode *map, const char *path,
          struct storage_job_spec *j)
{
    char sub[PATH_BYTES];
    const struct key_section *sec = &scn_storage_job_keys;
    keys_defaults(sec, j);
    j->rw = STORAGE_RANDREAD;
    j->loc = (struct src_loc){ map->mark.line, map->mark.col };
    if (!read_keyed(c, map, path, sec, "a mapping with initiator, "
                    "protocol and count or duration", j))
        return false;
    static const char *const required[] = { "initiator", "protocol" };
    if (!require_keys(c, map, path, required, ARRAY_SIZE(required)))
        return false;
    size_t i;
    path_key(sub, path, "protocol");
    if (!read_choice(c, ytree_get(map, "protocol"), sub, storage_proto_names,
                     STORAGE_N_PROTOS, &i))
        return false;
    j->proto = (enum storage_proto)i;
    bool object = storage_proto_object(j->proto);
    if (!parse_ops(c, map, path, object, j))
        return false;
    const struct ynode *n;
    /* Host names: strings now, resolved with the graph. */
    static const char *const hosts[] = { "initiator", "target" };
    for (size_t k = 0; k < ARRAY_SIZE(hosts); k++) {
        const char *name;
        n = ytree_get(map, hosts[k]);
        path_key(sub, path, hosts[k]);
        if (n && !read_string(c, n, sub, "a host name", &name))
            return false;
    }
    n = ytree_get(map, "target");
    if (j->proto == STORAGE_LOCAL && n) {
        path_key(sub, path, "target");
        return fail_value(c, n, sub, "given with protocol local, which uses "
                          "the initiator's own SSD",
                          "no target with protocol local");
    }
    if (object && n) {
        path_key(sub, path, "target");
        return fail_value(c, n, sub, "given with an object protocol, which "
                          "places each object on the pool",
                          "a pool and no target");
    }
    n = ytree_get(map, "replicas");
    path_key(sub, path, "replicas");
    if (n && !object)
        return fail_value(c, n, sub, "given with a block protocol",
                          "replicas only with object-tcp or object-rdma");
    n = ytree_get(map, "pool");
    path_key(sub, path, "pool");
    if (n && !object)
        return fail_value(c, n, sub, "given with a block protocol",
                          "a pool only with object-tcp or object-rdma");
    const struct ynode *no = ytree_get(map, "objects");
    if (no && !object) {
        path_key(sub, path, "objects");
        return fail_value(c, no, sub, "given with a block protocol",
                          "objects only with object-tcp or object-rdma");
    }
    const struct ynode *nz = ytree_get(map, "zipf");
    path_key(sub, path, "zipf");
    if (nz && !no)
        return fail_value(c, nz, sub, "given without objects",
                          "zipf with objects, the names it ranks");
    /* Gray's method (as fio's) divides by 1 - theta. */
    if (nz && j->zipf == 1)
        return fail_value(c, nz, sub, "a Zipf exponent of exactly 1",
                          "an exponent other than 1, e.g. 0.99 or 1.01");
    path_key(sub, path, "pool");
    if (object && (!require_key(c, map, path, "pool") ||
                   !need_sequence(c, n, sub, true,
                                  "a non-empty list of host names")))
        return false;
    if (!object && j->proto != STORAGE_LOCAL &&
        !require_key(c, map, path, "target"))
        return false;
    if (!exclusive(c, map, path, "count", "duration"))
        return false;
    if (!ytree_get(map, "count") && !ytree_get(map, "duration"))
        return fail_at(c, &map->mark, "%s: neither count nor duration; "
                       "expected one of them (I/Os per worker, or how long "
                       "the workers issue)", path);
    return true;
}

static bool
parse_costs(struct ctx *c, const struct ynode *n, const char *path,
            struct storage_costs *k)
{
    return read_keyed(c, n, path, &scn_storage_cost_keys,
                      "a mapping of costs in cycles", k);
}

bool
scn_parse_storage(struct ctx *c, const struct ynode *map,
                  struct storage_spec *s)
{
    char sub[PATH_BYTES];
    const struct key_section *sec = &scn_storage_keys;
    if (!read_keyed(c, map, "storage", sec, "a mapping with jobs", s) ||
        !require_key(c, map, "storage", "jobs"))
        return false;
    s->on = true;
    /* RFC 7143 13.14 and 13.12: 512 to 2^24 - 1. */
    static const char *const at_least_512[] = { "first_burst", "max_segment" };
    const uint64_t got[] = { s->first_burst_bytes, s->max_segment_bytes };
    for (size_t k = 0; k < ARRAY_SIZE(at_least_512); k++)
        if (got[k] < 512) {
            path_key(sub, "storage", at_least_512[k]);
            return fail_value(c, ytree_get(map, at_least_512[k]), sub,
                              "below RFC 7143's 512 bytes",
                              "a size of at least 512B");
        }
    const struct ynode *n = ytree_get(map, "target");
    size_t i;
    if (n && !read_choice(c, n, "storage.target", target_names,
                          ARRAY_SIZE(target_names), &i))
        return false;
    if (n)
        s->target = (enum storage_target)i;
    n = ytree_get(map, "device");
    if (n && !read_keyed(c, n, "storage.device", &scn_storage_device_keys,
                         "a mapping of the SSD's latencies, rates and "
                         "parallelism", &s->device))
        return false;
    n = ytree_get(map, "costs");
    if (n && !parse_costs(c, n, "storage.costs", &s->cost))
        return false;
    n = ytree_get(map, "jobs");
    if (!need_sequence(c, n, "storage.jobs", true,
                       "a non-empty sequence of job mappings"))
        return false;
    s->jobs = xcalloc(n->n_items, sizeof *s->jobs);
    s->n_jobs = n->n_items;
    for (size_t k = 0; k < n->n_items; k++) {
        path_index(sub, "storage.jobs", k);
        if (!parse_job(c, n->items[k], sub, &s->jobs[k]))
            return false;
    }
    return true;
}

/* A job's pool: hosts other than its initiator, at most once each, in
 * at least `replicas` racks. */
static bool
resolve_pool(struct ctx *c, const struct scenario *scn,
             const struct ynode *seq, const char *path,
             struct storage_job_spec *j)
{
    char sub[PATH_BYTES], at[PATH_BYTES];
    path_key(sub, path, "pool");
    j->n_pool = seq->n_items;
    j->pool = xcalloc(seq->n_items, sizeof *j->pool);
    j->pool_rack = xcalloc(seq->n_items, sizeof *j->pool_rack);
    size_t racks = 0;
    for (size_t i = 0; i < seq->n_items; i++) {
        const struct ynode *n = seq->items[i];
        path_index(at, sub, i);
        if (!need_scalar(c, n, at, "a host name") ||
            !scn_resolve_host(c, scn, n, at, &j->pool[i]))
            return false;
        if (j->pool[i] == j->initiator)
            return fail_value(c, n, at, "the job's initiator",
                              "hosts other than the initiator");
        j->pool_rack[i] = scn->graph.nodes[j->pool[i]].rack;
        bool seen_rack = false;
        for (size_t k = 0; k < i; k++) {
            if (j->pool[k] == j->pool[i])
                return fail_value(c, n, at, "listed twice",
                                  "each host once");
            seen_rack |= j->pool_rack[k] == j->pool_rack[i];
        }
        racks += !seen_rack;
    }
    if (racks < j->replicas)
        return fail_at(c, &seq->mark, "%s: its hosts are in %zu rack%s, "
                       "fewer than the %u replicas, each in its own rack; "
                       "expected hosts in more racks, or fewer replicas",
                       sub, racks, racks == 1 ? "" : "s", j->replicas);
    return true;
}

bool
scn_resolve_storage(struct ctx *c, const struct ynode *map,
                    struct scenario *scn)
{
    if (!map)
        return true;
    const struct ynode *seq = ytree_get(map, "jobs");
    char sub[PATH_BYTES], path[PATH_BYTES];
    for (size_t k = 0; k < scn->storage.n_jobs; k++) {
        struct storage_job_spec *j = &scn->storage.jobs[k];
        const struct ynode *item = seq->items[k];
        path_index(path, "storage.jobs", k);
        path_key(sub, path, "initiator");
        if (!scn_resolve_host(c, scn, ytree_get(item, "initiator"), sub,
                              &j->initiator))
            return false;
        if (j->proto == STORAGE_LOCAL) {
            j->target = j->initiator;
            continue;
        }
        const struct ynode *pool = ytree_get(item, "pool");
        if (pool && !resolve_pool(c, scn, pool, path, j))
            return false;
        if (pool)
            continue;
        const struct ynode *t = ytree_get(item, "target");
        path_key(sub, path, "target");
        if (!scn_resolve_host(c, scn, t, sub, &j->target))
            return false;
        if (j->target == j->initiator)
            return fail_value(c, t, sub, "the same host as initiator",
                              "another host, or protocol local");
    }
    return true;
}

void
scn_storage_spec_free(struct storage_spec *s)
{
    for (size_t i = 0; i < s->n_jobs; i++) {
        free(s->jobs[i].pool);
        free(s->jobs[i].pool_rack);
    }
    free(s->jobs);
    s->jobs = NULL;
    s->n_jobs = 0;
}
