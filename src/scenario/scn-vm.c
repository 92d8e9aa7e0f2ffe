/* The `server.vm` section (docs/scenario.md, "server.vm"): the VMs of
 * every host (count, vCPUs and their pinning, the NIC's I/O path and its
 * features), their exit and I/O costs, a kvm-probe profile those costs
 * may come from, the vNIC's rate limiter, and `server.vm.block`, a
 * virtio-blk drive with its device, rate limiter and job; into struct
 * vm_spec (host/host-spec.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/kvm-profile.h"
#include "scenario/scn-profile.h"
#include "pkt/pkt.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* VM defaults: docs/models.md ("Servers", "KVM exit costs") gives each
 * one's source.  Costs are cycles of the default 3 GHz core.  The I/O
 * path (virtio) and guest page (4 KiB) are set by scn_server_defaults(). */
#define V(F) offsetof(struct vm_spec, F)
static const struct key vm_keys[] = {
    { "io", KEY_CUSTOM, .what = "emulated, virtio, vhost, sriov",
      .note = "required", .help = "The VM NIC's I/O path." },
    { "count", KEY_U32, V(count), 1, 4096, .dflt = "1",
      .help = "VMs per host; flow i's endpoint is in VM i mod count." },
    { "vcpus", KEY_U32, V(vcpus), 1, 256, .dflt = "1",
      .help = "vCPUs per VM; flow i uses vCPU i mod vcpus." },
    { "vcpu_cores", KEY_CUSTOM, .what = "list of core numbers",
      .note = "after the host's own cores", .help = "Pinning of the vCPUs." },
    { "backend_cores", KEY_CUSTOM, .what = "list of core numbers",
      .note = "[1]",
      .help = "The virtio backend or vhost worker of each VM." },
    { "event_idx", KEY_BOOL, V(event_idx), .dflt = "true",
      .help = "VIRTIO_RING_F_EVENT_IDX: fewer kicks and interrupts." },
    { "posted_interrupts", KEY_BOOL, V(posted_interrupts), .dflt = "true",
      .help = "APICv/AVIC: interrupts and EOIs without exits." },
    { "vpid", KEY_BOOL, V(vpid), .dflt = "true",
      .help = "Tagged TLB; off: every VM entry flushes it." },
    { "mmio", KEY_BOOL, V(mmio), .dflt = "false",
      .help = "virtio-mmio transport (Firecracker)." },
    { "migrate", KEY_BOOL, V(migrate), .dflt = "false",
      .help = "Live migration wanted (refused with io sriov)." },
    { "guest_page", KEY_CUSTOM, .what = "4KiB, 2MiB, 1GiB", .note = "4KiB",
      .help = "Guest page size." },
    { "iotlb_entries", KEY_U32, V(iotlb_entries), 1, 1u << 20,
      .dflt = "64", .help = "SR-IOV: the IOMMU's IOTLB." },
    { "e1000_tx_exits", KEY_U32, V(e1000_tx_exits), 0, 64, .dflt = "1",
      .help = "Emulated: register writes that trap per packet sent." },
    { "e1000_irq_exits", KEY_U32, V(e1000_irq_exits), 0, 64, .dflt = "3",
      .help = "Emulated: register accesses that trap per interrupt." },
    { "rate_limit", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "Token bucket on the vNIC's transmit side." },
    { "costs", KEY_CUSTOM, .what = "mapping", .note = "see server.vm.costs",
      .help = "Exit and I/O-path costs in cycles." },
    { "profile", KEY_CUSTOM, .what = "path", .note = "none",
      .help = "A dcsim kvm-probe profile the exit costs come from." },
    { "block", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "A virtio-blk drive in every VM and its job." },
};

static const struct key vm_rate_limit_keys[] = {
    { "rate", KEY_RATE, V(rl_rate_bps), .note = "required",
      .help = "Refill rate." },
    { "burst", KEY_SIZE, V(rl_burst_bytes), 1, .note = "required",
      .help = "Bucket size, at least one jumbo frame (9238 B)." },
};
#undef V

#define K(F) offsetof(struct vm_costs, F)
#define CYCLES(NAME, OFFSET, DFLT, HELP)                                     \
    { NAME, KEY_CYCLES, OFFSET, .dflt = DFLT, .help = HELP }
static const struct key vm_cost_keys[] = {
    CYCLES("exit_entry", K(exit_entry), "1500",
           "An exit handled in KVM, entry included."),
    CYCLES("exit_user", K(exit_user), "5000",
           "More for an exit that returns to the user-space VMM."),
    CYCLES("io", K(handle[EXIT_IO]), "0", "Handling a port I/O exit."),
    CYCLES("mmio", K(handle[EXIT_MMIO]), "600", "Handling an MMIO exit."),
    CYCLES("hlt", K(handle[EXIT_HLT]), "0", "Handling a HLT exit."),
    CYCLES("ept_violation", K(handle[EXIT_EPT_VIOLATION]), "0",
           "Handling an EPT violation."),
    CYCLES("interrupt_window", K(handle[EXIT_INTR_WINDOW]), "0",
           "Handling an interrupt-window exit."),
    CYCLES("eoi", K(handle[EXIT_EOI]), "0", "Handling an EOI exit."),
    CYCLES("external_interrupt", K(handle[EXIT_EXTINT]), "0",
           "Handling an external-interrupt exit."),
    CYCLES("emulate", K(emulate), "2500",
           "Device model work per emulated register access."),
    CYCLES("backend_pkt", K(backend_pkt), "4500",
           "virtio user-space backend, per packet."),
    CYCLES("vhost_pkt", K(vhost_pkt), "3000", "vhost-net worker, per packet."),
    { "iotlb_miss", KEY_DURATION, K(iotlb_miss_ps), .dflt = "300ns",
      .help = "IOMMU page walk on an IOTLB miss." },
};
#undef K

/* The block device: Intel SSD DC P4510 (2 TB) datasheet: 4 KiB random
 * read latency 77 us, write 18 us; sequential read 3200 MB/s, write
 * 2000 MB/s.  The guest's costs: 1 us each. */
#define B(F) offsetof(struct blk_spec, F)
static const struct key blk_keys[] = {
    { "device", KEY_CUSTOM, .what = "mapping", .note = "see "
      "server.vm.block.device", .help = "The backing device." },
    { "rate_limiter", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "Firecracker's RateLimiter: bandwidth and/or ops." },
    { "job", KEY_CUSTOM, .what = "mapping", .note = "required",
      .help = "The closed-loop job each VM runs." },
    { "costs", KEY_CUSTOM, .what = "mapping", .note = "see "
      "server.vm.block.costs", .help = "Guest cycles per request." },
    { "engine", KEY_CUSTOM, .what = "sync, async", .note = "sync",
      .help = "Firecracker's io_engine." },
};

static const struct key blk_device_keys[] = {
    { "read_latency", KEY_DURATION, B(read_latency_ps), .dflt = "77us",
      .help = "The device's read latency." },
    { "write_latency", KEY_DURATION, B(write_latency_ps), .dflt = "18us",
      .help = "The device's write latency." },
    { "read_rate", KEY_RATE, B(read_rate_bps), .dflt = "25.6Gbps",
      .help = "The device's read rate." },
    { "write_rate", KEY_RATE, B(write_rate_bps), .dflt = "16Gbps",
      .help = "The device's write rate." },
};

static const struct key blk_limiter_keys[] = {
    { "bandwidth", KEY_CUSTOM, .what = "token bucket", .note = "none",
      .help = "A bucket whose tokens are bytes." },
    { "ops", KEY_CUSTOM, .what = "token bucket", .note = "none",
      .help = "A bucket whose tokens are requests." },
};

static const struct key blk_job_keys[] = {
    { "op", KEY_CUSTOM, .what = "read, write", .note = "read",
      .help = "The job's operation." },
    { "size", KEY_SIZE, B(size), 1, .dflt = "4KiB",
      .help = "Bytes per request." },
    { "iodepth", KEY_U32, B(iodepth), 1, 4096, .dflt = "1",
      .help = "Requests outstanding." },
    { "requests", KEY_U64, B(requests), 1, 10000000, .note = "required",
      .help = "Requests per VM." },
    { "start", KEY_DURATION, B(start_ps), .dflt = "0",
      .help = "When the job starts." },
};

static const struct key blk_cost_keys[] = {
    CYCLES("submit", B(submit), "3000",
           "Guest block layer and driver per request submitted."),
    CYCLES("complete", B(complete), "3000", "The same per request completed."),
};
#undef B
#undef CYCLES

#define T(F) offsetof(struct token_bucket_spec, F)
static const struct key bucket_bytes_keys[] = {
    { "size", KEY_SIZE, T(size), 1, .note = "required",
      .help = "Tokens (bytes) of a full bucket." },
    { "refill_time", KEY_DURATION, T(refill_ps), 1, .note = "required",
      .help = "Time to refill from empty." },
    { "one_time_burst", KEY_SIZE, T(one_time_burst), .dflt = "0",
      .help = "Tokens spent first and never refilled." },
};

static const struct key bucket_ops_keys[] = {
    { "size", KEY_U64, T(size), 1, UINT64_MAX, .note = "required",
      .help = "Tokens (requests) of a full bucket." },
    { "refill_time", KEY_DURATION, T(refill_ps), 1, .note = "required",
      .help = "Time to refill from empty." },
    { "one_time_burst", KEY_U64, T(one_time_burst), 0, UINT64_MAX,
      .dflt = "0", .help = "Tokens spent first and never refilled." },
};
#undef T

const struct key_section scn_vm_keys = KEY_SECTION("server.vm", vm_keys);
const struct key_section scn_vm_rate_limit_keys =
    KEY_SECTION("server.vm.rate_limit", vm_rate_limit_keys);
const struct key_section scn_vm_cost_keys =
    KEY_SECTION("server.vm.costs", vm_cost_keys);
const struct key_section scn_blk_keys =
    KEY_SECTION("server.vm.block", blk_keys);
const struct key_section scn_blk_device_keys =
    KEY_SECTION("server.vm.block.device", blk_device_keys);
const struct key_section scn_blk_limiter_keys =
    KEY_SECTION("server.vm.block.rate_limiter", blk_limiter_keys);
const struct key_section scn_bucket_bytes_keys =
    KEY_SECTION("server.vm.block.rate_limiter.bandwidth", bucket_bytes_keys);
const struct key_section scn_bucket_ops_keys =
    KEY_SECTION("server.vm.block.rate_limiter.ops", bucket_ops_keys);
const struct key_section scn_blk_job_keys =
    KEY_SECTION("server.vm.block.job", blk_job_keys);
const struct key_section scn_blk_cost_keys =
    KEY_SECTION("server.vm.block.costs", blk_cost_keys);

void
scn_vm_defaults(struct vm_spec *v)
{
    keys_defaults(&scn_vm_keys, v);
    keys_defaults(&scn_vm_cost_keys, &v->cost);
    keys_defaults(&scn_blk_device_keys, &v->blk);
    keys_defaults(&scn_blk_job_keys, &v->blk);
    keys_defaults(&scn_blk_cost_keys, &v->blk);
    /* Choices: the I/O path and the guest page. */
    v->io = VM_IO_VIRTIO;
    v->guest_page = 4096;
}

static bool
parse_vm_costs(struct ctx *c, const struct ynode *map, const char *parent,
               struct vm_costs *k)
{
    return read_keyed(c, map, parent, &scn_vm_cost_keys,
                      "a mapping of costs in cycles", k);
}

/* `profile: FILE`, a host profile written by `dcsim kvm-probe` (relative
 * to the scenario's directory): its medians, in time, become the exit
 * costs in cycles of this server's clock (docs/models.md, "KVM exit
 * costs"): an exit handled in KVM is CPUID's round trip; one returning to
 * the user-space VMM costs a port write's round trip, the difference
 * being exit_user; an MMIO exit's decoding is what an MMIO read costs
 * beyond a port write. */
static bool
read_vm_profile(struct ctx *c, const struct ynode *n, const char *path,
                struct vm_spec *v)
{
    const char *name;
    if (!read_string(c, n, path, "the path of a kvm-probe profile", &name))
        return false;
    char *file = scenario_file_path(c->file, name), *msg = NULL;
    struct kvm_profile prof;
    int e = kvm_profile_load(file, &prof, &msg);
    free(file);
    if (e) {
        fail_at(c, &n->mark, "%s: %s", path, msg);
        free(msg);
        return false;
    }
    v->profile_ghz_ns = true;
    v->prof_kernel_ns = prof.cpuid_kernel.median_ns;
    v->prof_user_ns = prof.pio_user.median_ns;
    v->prof_mmio_ns = prof.mmio_user.median_ns;
    return true;
}

/* A token bucket (struct token_bucket_spec) at PATH; BYTES: its tokens
 * are bytes (sizes), else operations (integers). */
static bool
parse_token_bucket(struct ctx *c, const struct ynode *map, const char *path,
                   bool bytes, struct token_bucket_spec *tb)
{
    const struct key_section *sec = bytes ? &scn_bucket_bytes_keys
                                          : &scn_bucket_ops_keys;
    /* refill_time first, the order errors have always come in. */
    return need_keyed(c, map, path, sec,
                      "a mapping with size, refill_time and optionally "
                      "one_time_burst (Firecracker's TokenBucket)") &&
           require_key(c, map, path, "size") &&
           require_key(c, map, path, "refill_time") &&
           key_get(c, map, path, sec, "refill_time", tb) &&
           keys_read(c, map, path, sec, 0, tb);
}

/* server.vm.block (struct blk_spec). */
static bool
parse_blk(struct ctx *c, const struct ynode *map, const char *path,
          struct blk_spec *b)
{
    static const char *const engines[] = { "sync", "async" };
    static const char *const rl_keys[] = { "bandwidth", "ops" };
    static const char *const ops[] = { "read", "write" };
    /* requests after start, the order in which errors have always come. */
    static const char *const job_first[] = { "size", "iodepth", "start" };
    char sub[PATH_BYTES], sub2[PATH_BYTES];
    if (!need_keyed(c, map, path, &scn_blk_keys,
                    "a mapping with job and optionally engine, device, "
                    "rate_limiter and costs") ||
        !require_key(c, map, path, "job"))
        return false;
    b->on = true;
    const struct ynode *n = ytree_get(map, "engine");
    if (n) {
        size_t e;
        path_key(sub, path, "engine");
        if (!read_choice(c, n, sub, engines, ARRAY_SIZE(engines), &e))
            return false;
        b->async = e == 1;
    }
    n = ytree_get(map, "device");
    path_key(sub, path, "device");
    if (n && !read_keyed(c, n, sub, &scn_blk_device_keys,
                         "a mapping of the device's latencies and rates", b))
        return false;
    n = ytree_get(map, "rate_limiter");
    path_key(sub, path, "rate_limiter");
    if (n) {
        if (!need_keyed(c, n, sub, &scn_blk_limiter_keys,
                        "a mapping with bandwidth and/or ops (Firecracker's "
                        "RateLimiter)"))
            return false;
        for (int k = 0; k < 2; k++) {
            const struct ynode *t = ytree_get(n, rl_keys[k]);
            path_key(sub2, sub, rl_keys[k]);
            if (t && !parse_token_bucket(c, t, sub2, !k, k ? &b->ops : &b->bw))
                return false;
        }
    }
    n = ytree_get(map, "costs");
    path_key(sub, path, "costs");
    if (n && !read_keyed(c, n, sub, &scn_blk_cost_keys,
                         "a mapping of per-request cycles", b))
        return false;
    n = ytree_get(map, "job");
    path_key(sub, path, "job");
    if (!need_keyed(c, n, sub, &scn_blk_job_keys,
                    "a mapping with requests and optionally op, size, "
                    "iodepth and start") ||
        !require_key(c, n, sub, "requests") ||
        !keys_read_first(c, n, sub, &scn_blk_job_keys, 0, b, job_first,
                         ARRAY_SIZE(job_first)))
        return false;
    const struct ynode *op = ytree_get(n, "op");
    size_t which = 0;
    path_key(sub2, sub, "op");
    if (op && !read_choice(c, op, sub2, ops, ARRAY_SIZE(ops), &which))
        return false;
    b->write = which == 1;
    /* A request takes its bytes from the bandwidth bucket at once: one
     * larger than the bucket's size would wait forever once the one-time
     * burst is spent. */
    if (b->bw.size && b->size > b->bw.size) {
        const struct ynode *sz = ytree_get(n, "size");
        char why[96];
        snprintf(why, sizeof why,
                 "more than the bandwidth bucket's size, %" PRIu64 " B",
                 b->bw.size);
        path_key(sub2, sub, "size");
        if (sz)
            return fail_value(c, sz, sub2, why,
                              "a request no larger than the bucket");
        return fail_at(c, &n->mark, "%s: the default request size (%" PRIu64
                       " B) is %s; expected a smaller size, or a larger "
                       "bucket", sub2, b->size, why);
    }
    return true;
}

/* The VM's custom keys read in table order: core lists and the guest
 * page; the rest are read by scn_parse_vm() after the walk. */
static bool
read_vm_key(struct ctx *c, const struct ynode *n, const char *path,
            const struct key *k, void *base, void *arg)
{
    struct vm_spec *v = base;
    uint32_t n_cores = *(const uint32_t *)arg;
    if (!strcmp(k->name, "vcpu_cores"))
        return read_cores(c, n, path, n_cores, &v->vcpu_cores,
                          &v->n_vcpu_cores);
    if (!strcmp(k->name, "backend_cores"))
        return read_cores(c, n, path, n_cores, &v->backend_cores,
                          &v->n_backend_cores);
    if (!strcmp(k->name, "guest_page"))
        return read_page(c, n, path, &v->guest_page);
    return true;
}

bool
scn_parse_vm(struct ctx *c, const struct ynode *map, const char *parent,
             uint32_t n_cores, struct vm_spec *v)
{
    static const char *const ios[] = { "emulated", "virtio", "vhost",
                                       "sriov" };
    char path[PATH_BYTES];
    path_key(path, parent, "vm");
    if (!need_keyed(c, map, path, &scn_vm_keys,
                    "a mapping of VM parameters") ||
        !require_key(c, map, path, "io"))
        return false;
    size_t io;
    char sub[PATH_BYTES];
    path_key(sub, path, "io");
    if (!read_choice(c, ytree_get(map, "io"), sub, ios, ARRAY_SIZE(ios), &io))
        return false;
    v->io = (enum vm_io)io;
    v->loc = (struct src_loc){ map->mark.line, map->mark.col };
    if (!keys_read_with(c, map, path, &scn_vm_keys, 0, v, read_vm_key,
                        &n_cores))
        return false;
    if (v->migrate && v->io == VM_IO_SRIOV)
        return fail_at(c, &ytree_pair(map, "migrate")->key_mark,
                       "%s.migrate: a VM with an SR-IOV VF cannot be live-"
                       "migrated: the VF's state lives in the NIC and its "
                       "DMA mappings in the IOMMU; expected migrate: false, "
                       "or io: virtio or vhost",
                       path);
    const struct ynode *n = ytree_get(map, "rate_limit");
    if (n) {
        static const char *const rl_keys[] = { "rate", "burst" };
        const struct key_section *sec = &scn_vm_rate_limit_keys;
        path_key(sub, path, "rate_limit");
        if (!need_keyed(c, n, sub, sec, "a mapping with rate and burst") ||
            !require_keys(c, n, sub, rl_keys, ARRAY_SIZE(rl_keys)) ||
            !keys_read(c, n, sub, sec, 0, v))
            return false;
        if (v->rl_burst_bytes < MTU_MAX + ETH_HDR_BYTES + 8u)
            return fail_value(c, ytree_get(n, "burst"), "burst",
                              "smaller than one frame",
                              "a size of at least 9238 B (one jumbo frame)");
    }
    n = ytree_get(map, "profile");
    if (n) {
        path_key(sub, path, "profile");
        if (!read_vm_profile(c, n, sub, v))
            return false;
    }
    /* Costs given explicitly override the profile's. */
    n = ytree_get(map, "costs");
    if (n) {
        path_key(sub, path, "costs");
        if (!parse_vm_costs(c, n, sub, &v->cost))
            return false;
    }
    n = ytree_get(map, "block");
    if (n) {
        path_key(sub, path, "block");
        if (!parse_blk(c, n, sub, &v->blk))
            return false;
    }
    return true;
}
