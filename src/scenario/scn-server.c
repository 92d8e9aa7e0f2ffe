/* The `server` section (docs/scenario.md, "server"): CPU, NUMA, PCIe and
 * NIC of every host, its CPU costs, and `server.vm` (VMs, their I/O path
 * and exit costs, kvm-probe profiles, virtio-blk drives with their
 * rate limiters and jobs), into struct server_spec (host/host-spec.h);
 * `server.nodes` gives one host its own. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/kvm-profile.h"
#include "pkt/pkt.h"
#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* A list of core numbers below N_CORES. */
static bool
get_cores(struct ctx *c, const struct ynode *map, const char *parent,
          const char *key, uint32_t n_cores, uint32_t **out, size_t *n_out)
{
    const struct ynode *n = ytree_get(map, key);
    if (!n)
        return true;
    char path[PATH_BYTES], item[PATH_BYTES], form[96];
    path_key(path, parent, key);
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

static bool
get_page(struct ctx *c, const struct ynode *map, const char *parent,
         const char *key, uint32_t *out)
{
    const struct ynode *n = ytree_get(map, key);
    if (!n)
        return true;
    char path[PATH_BYTES];
    path_key(path, parent, key);
    static const char form[] = "a page size: 4KiB, 2MiB or 1GiB";
    uint64_t v;
    if (!read_size(c, n, path, true, &v))
        return false;
    if (v != 4096 && v != (UINT64_C(2) << 20) && v != (UINT64_C(1) << 30))
        return fail_value(c, n, path, NULL, form);
    *out = (uint32_t)v;
    return true;
}

static bool
parse_cpu_costs(struct ctx *c, const struct ynode *map, const char *parent,
                struct cpu_costs *k)
{
    static const char *const keys[] = {
        "syscall", "tx_pkt", "rx_pkt", "ack_pkt", "driver_pkt", "copy_byte",
        "remote_byte", "irq", "bridge_pkt", "rdma_post", "rdma_poll",
        "walk_ref",
    };
    double *const fields[] = {
        &k->syscall, &k->tx_pkt, &k->rx_pkt, &k->ack_pkt, &k->driver_pkt,
        &k->copy_byte, &k->remote_byte, &k->irq, &k->bridge_pkt,
        &k->rdma_post, &k->rdma_poll, &k->walk_ref,
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", parent);
    if (!need_mapping(c, map, parent, "a mapping of costs in cycles") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        if (!get_cycles(c, map, parent, keys[i], fields[i]))
            return false;
    return true;
}

static bool
parse_vm_costs(struct ctx *c, const struct ynode *map, const char *parent,
               struct vm_costs *k)
{
    static const char *const keys[] = {
        "exit_entry", "exit_user", "io", "mmio", "hlt", "ept_violation",
        "interrupt_window", "eoi", "external_interrupt", "emulate",
        "backend_pkt", "vhost_pkt", "iotlb_miss",
    };
    double *const fields[] = {
        &k->exit_entry, &k->exit_user, &k->handle[EXIT_IO],
        &k->handle[EXIT_MMIO], &k->handle[EXIT_HLT],
        &k->handle[EXIT_EPT_VIOLATION], &k->handle[EXIT_INTR_WINDOW],
        &k->handle[EXIT_EOI], &k->handle[EXIT_EXTINT], &k->emulate,
        &k->backend_pkt, &k->vhost_pkt,
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", parent);
    if (!need_mapping(c, map, parent, "a mapping of costs in cycles") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (!get_cycles(c, map, parent, keys[i], fields[i]))
            return false;
    return get_duration(c, map, parent, "iotlb_miss", false, &k->iotlb_miss_ps);
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
    static const char *const keys[] = { "size", "refill_time",
                                        "one_time_burst" };
    if (!need_keyed(c, map, path, keys, ARRAY_SIZE(keys),
                    "a mapping with size, refill_time and optionally "
                    "one_time_burst (Firecracker's TokenBucket)") ||
        !require_keys(c, map, path, keys, 2) ||
        !get_duration(c, map, path, "refill_time", true, &tb->refill_ps))
        return false;
    char sub[PATH_BYTES];
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "one_time_burst" : "size";
        uint64_t *out = k ? &tb->one_time_burst : &tb->size;
        const struct ynode *n = ytree_get(map, key);
        if (!n)
            continue;
        path_key(sub, path, key);
        if (bytes ? !read_size(c, n, sub, !k, out)
                  : !read_u64(c, n, sub, k ? 0 : 1, UINT64_MAX, out))
            return false;
    }
    return true;
}

/* server.vm.block (struct blk_spec). */
static bool
parse_blk(struct ctx *c, const struct ynode *map, const char *path,
          struct blk_spec *b)
{
    static const char *const keys[] = { "device", "rate_limiter", "job",
                                        "costs", "engine" };
    static const char *const engines[] = { "sync", "async" };
    static const char *const dev_keys[] = { "read_latency", "write_latency",
                                            "read_rate", "write_rate" };
    static const char *const rl_keys[] = { "bandwidth", "ops" };
    static const char *const job_keys[] = { "op", "size", "iodepth",
                                            "requests", "start" };
    static const char *const cost_keys[] = { "submit", "complete" };
    static const char *const ops[] = { "read", "write" };
    char sub[PATH_BYTES], sub2[PATH_BYTES];
    if (!need_keyed(c, map, path, keys, ARRAY_SIZE(keys),
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
    if (n && (!need_keyed(c, n, sub, dev_keys, ARRAY_SIZE(dev_keys),
                          "a mapping of the device's latencies and rates") ||
              !get_duration(c, n, sub, "read_latency", false,
                            &b->read_latency_ps) ||
              !get_duration(c, n, sub, "write_latency", false,
                            &b->write_latency_ps) ||
              !get_rate(c, n, sub, "read_rate", false, &b->read_rate_bps) ||
              !get_rate(c, n, sub, "write_rate", false, &b->write_rate_bps)))
        return false;
    n = ytree_get(map, "rate_limiter");
    path_key(sub, path, "rate_limiter");
    if (n) {
        if (!need_keyed(c, n, sub, rl_keys, ARRAY_SIZE(rl_keys),
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
    if (n && (!need_keyed(c, n, sub, cost_keys, ARRAY_SIZE(cost_keys),
                          "a mapping of per-request cycles") ||
              !get_cycles(c, n, sub, "submit", &b->submit) ||
              !get_cycles(c, n, sub, "complete", &b->complete)))
        return false;
    n = ytree_get(map, "job");
    path_key(sub, path, "job");
    if (!need_keyed(c, n, sub, job_keys, ARRAY_SIZE(job_keys),
                    "a mapping with requests and optionally op, size, "
                    "iodepth and start") ||
        !require_key(c, n, sub, "requests") ||
        !get_size(c, n, sub, "size", true, &b->size) ||
        !get_u32(c, n, sub, "iodepth", 1, 4096, &b->iodepth) ||
        !get_duration(c, n, sub, "start", false, &b->start_ps))
        return false;
    path_key(sub2, sub, "requests");
    if (!read_u64(c, ytree_get(n, "requests"), sub2, 1, UINT64_C(10000000),
                  &b->requests))
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

static bool
parse_vm(struct ctx *c, const struct ynode *map, const char *parent,
         uint32_t n_cores, struct vm_spec *v)
{
    static const char *const keys[] = {
        "io", "count", "vcpus", "vcpu_cores", "backend_cores", "event_idx",
        "posted_interrupts", "vpid", "mmio", "migrate", "guest_page",
        "iotlb_entries", "e1000_tx_exits", "e1000_irq_exits", "rate_limit",
        "costs", "profile", "block",
    };
    static const char *const ios[] = { "emulated", "virtio", "vhost", "sriov" };
    char path[PATH_BYTES], where[PATH_BYTES + 8];
    path_key(path, parent, "vm");
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of VM parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys)) ||
        !require_key(c, map, path, "io"))
        return false;
    size_t io;
    char sub[PATH_BYTES];
    path_key(sub, path, "io");
    if (!read_choice(c, ytree_get(map, "io"), sub, ios, ARRAY_SIZE(ios), &io))
        return false;
    v->io = (enum vm_io)io;
    v->loc = (struct src_loc){ map->mark.line, map->mark.col };
    if (!get_u32(c, map, path, "count", 1, 4096, &v->count) ||
        !get_u32(c, map, path, "vcpus", 1, 256, &v->vcpus) ||
        !get_cores(c, map, path, "vcpu_cores", n_cores, &v->vcpu_cores,
                   &v->n_vcpu_cores) ||
        !get_cores(c, map, path, "backend_cores", n_cores, &v->backend_cores,
                   &v->n_backend_cores) ||
        !get_bool(c, map, path, "event_idx", &v->event_idx) ||
        !get_bool(c, map, path, "posted_interrupts", &v->posted_interrupts) ||
        !get_bool(c, map, path, "vpid", &v->vpid) ||
        !get_bool(c, map, path, "mmio", &v->mmio) ||
        !get_bool(c, map, path, "migrate", &v->migrate) ||
        !get_page(c, map, path, "guest_page", &v->guest_page) ||
        !get_u32(c, map, path, "iotlb_entries", 1, 1u << 20,
                 &v->iotlb_entries) ||
        !get_u32(c, map, path, "e1000_tx_exits", 0, 64, &v->e1000_tx_exits) ||
        !get_u32(c, map, path, "e1000_irq_exits", 0, 64, &v->e1000_irq_exits))
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
        path_key(sub, path, "rate_limit");
        char w2[PATH_BYTES + 8];
        snprintf(w2, sizeof w2, "in %s", sub);
        if (!need_mapping(c, n, sub, "a mapping with rate and burst") ||
            !check_keys(c, n, w2, rl_keys, ARRAY_SIZE(rl_keys)) ||
            !require_keys(c, n, sub, rl_keys, ARRAY_SIZE(rl_keys)) ||
            !get_rate(c, n, sub, "rate", false, &v->rl_rate_bps) ||
            !get_size(c, n, sub, "burst", true, &v->rl_burst_bytes))
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

static bool
parse_server_map(struct ctx *c, const struct ynode *map, const char *path,
                 bool top, struct server_spec *s)
{
    static const char *const keys[] = {
        "sockets", "cores_per_socket", "ghz", "memory_per_node", "nic_node",
        "buffer_node", "pcie_rate", "pcie_latency", "app_cores", "irq_cores",
        "rx_usecs", "rx_frames", "tx_ring", "write_size", "tlb_entries",
        "page", "app_buffer", "tso", "gro", "costs", "vm", "nodes",
    };
    char where[PATH_BYTES + 8];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of server parameters") ||
        !check_keys(c, map, where, keys, ARRAY_SIZE(keys) - (top ? 0 : 1)) ||
        !get_u32(c, map, path, "sockets", 1, 8, &s->sockets) ||
        !get_u32(c, map, path, "cores_per_socket", 1, 256,
                 &s->cores_per_socket))
        return false;
    const struct ynode *n = ytree_get(map, "ghz");
    char sub[PATH_BYTES];
    if (n) {
        path_key(sub, path, "ghz");
        if (!read_decimal(c, n, sub, 0, true, 10, "a clock in GHz, (0, 10]",
                          &s->ghz))
            return false;
    }
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    if (!get_size(c, map, path, "memory_per_node", true, &s->memory_per_node) ||
        !get_u32(c, map, path, "nic_node", 0, s->sockets - 1, &s->nic_node) ||
        !get_u32(c, map, path, "buffer_node", 0, s->sockets - 1,
                 &s->buffer_node) ||
        !get_rate(c, map, path, "pcie_rate", false, &s->pcie_rate_bps) ||
        !get_duration(c, map, path, "pcie_latency", false,
                      &s->pcie_latency_ps) ||
        !get_cores(c, map, path, "app_cores", n_cores, &s->app_cores,
                   &s->n_app_cores) ||
        !get_cores(c, map, path, "irq_cores", n_cores, &s->irq_cores,
                   &s->n_irq_cores) ||
        !get_duration(c, map, path, "rx_usecs", false, &s->coalesce_ps) ||
        !get_u32(c, map, path, "rx_frames", 1, 65536, &s->coalesce_frames) ||
        !get_u32(c, map, path, "tx_ring", 1, 65536, &s->tx_ring) ||
        !get_size(c, map, path, "write_size", true, &s->write_bytes) ||
        !get_u32(c, map, path, "tlb_entries", 8, 1u << 20,
                 &s->tlb_entries) ||
        !get_page(c, map, path, "page", &s->page_bytes) ||
        !get_size(c, map, path, "app_buffer", true, &s->app_buffer_bytes) ||
        !get_bool(c, map, path, "tso", &s->tso) ||
        !get_bool(c, map, path, "gro", &s->gro))
        return false;
    n = ytree_get(map, "costs");
    if (n) {
        path_key(sub, path, "costs");
        if (!parse_cpu_costs(c, n, sub, &s->cost))
            return false;
    }
    n = ytree_get(map, "vm");
    if (n) {
        s->has_vm = true;
        if (!parse_vm(c, n, path, n_cores, &s->vm))
            return false;
    }
    return true;
}

static uint32_t *
dup_u32s(const uint32_t *v, size_t n)
{
    if (!v)
        return NULL;
    uint32_t *d = xcalloc(n, sizeof *d);
    memcpy(d, v, n * sizeof *d);
    return d;
}

/* A deep copy: server.nodes entries start from the section's values. */
static void
server_spec_copy(struct server_spec *d, const struct server_spec *s)
{
    *d = *s;
    d->app_cores = dup_u32s(s->app_cores, s->n_app_cores);
    d->irq_cores = dup_u32s(s->irq_cores, s->n_irq_cores);
    d->vm.vcpu_cores = dup_u32s(s->vm.vcpu_cores, s->vm.n_vcpu_cores);
    d->vm.backend_cores = dup_u32s(s->vm.backend_cores, s->vm.n_backend_cores);
}

void
scn_server_spec_free(struct server_spec *s)
{
    free(s->app_cores);
    free(s->irq_cores);
    free(s->vm.vcpu_cores);
    free(s->vm.backend_cores);
}

/* Checks what only the whole description can: that every core list
 * fits the server, and the core defaults. */
static bool
server_finish(struct ctx *c, const struct ynode *map, const char *path,
              struct server_spec *s)
{
    struct vm_spec *v = &s->vm;
    if (v->profile_ghz_ns) {
        /* Explicit vm.costs keys win over the profile. */
        const struct ynode *vm = ytree_get(map, "vm");
        const struct ynode *k = vm ? ytree_get(vm, "costs") : NULL;
        double user = v->prof_user_ns - v->prof_kernel_ns;
        double mmio = v->prof_mmio_ns - v->prof_user_ns;
        if (!k || !ytree_get(k, "exit_entry"))
            v->cost.exit_entry = v->prof_kernel_ns * s->ghz;
        if (!k || !ytree_get(k, "exit_user"))
            v->cost.exit_user = (user > 0 ? user : 0) * s->ghz;
        if (!k || !ytree_get(k, "mmio"))
            v->cost.handle[EXIT_MMIO] = (mmio > 0 ? mmio : 0) * s->ghz;
    }
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    static const uint32_t core0 = 0, core1 = 1;
    if (!s->irq_cores) {
        s->irq_cores = dup_u32s(&core0, 1);
        s->n_irq_cores = 1;
    }
    if (!s->app_cores) {
        s->app_cores = dup_u32s(n_cores > 1 ? &core1 : &core0, 1);
        s->n_app_cores = 1;
    }
    if (s->has_vm && !s->vm.backend_cores) {
        s->vm.backend_cores = dup_u32s(n_cores > 1 ? &core1 : &core0, 1);
        s->vm.n_backend_cores = 1;
    }
    const uint32_t *lists[] = { s->app_cores, s->irq_cores, s->vm.vcpu_cores,
                                s->vm.backend_cores };
    const size_t counts[] = { s->n_app_cores, s->n_irq_cores,
                              s->vm.n_vcpu_cores, s->vm.n_backend_cores };
    for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
        for (size_t i = 0; i < counts[l]; i++)
            if (lists[l][i] >= n_cores)
                return fail_at(c, &map->mark,
                               "%s: core %u is listed, but the server has "
                               "%u cores (sockets x cores_per_socket); "
                               "expected core numbers 0..%u",
                               path, lists[l][i], n_cores, n_cores - 1);
    return true;
}

bool
scn_parse_server(struct ctx *c, const struct ynode *map, struct scenario *scn)
{
    scn->has_server = true;
    if (!parse_server_map(c, map, "server", true, &scn->server))
        return false;
    const struct ynode *nodes = ytree_get(map, "nodes");
    if (nodes && !need_mapping(c, nodes, "server.nodes",
                               "a mapping of host names to server "
                               "parameters"))
        return false;
    size_t n = nodes ? nodes->n_pairs : 0;
    scn->server_nodes = xcalloc(n + 1, sizeof *scn->server_nodes);
    char sub[PATH_BYTES];
    for (size_t i = 0; i < n; i++) {
        const struct ypair *pr = &nodes->pairs[i];
        struct server_spec *s = &scn->server_nodes[i].spec;
        server_spec_copy(s, &scn->server);
        scn->n_server_nodes++;
        path_key(sub, "server.nodes", pr->key);
        if (!parse_server_map(c, pr->value, sub, false, s) ||
            !server_finish(c, pr->value, sub, s))
            return false;
    }
    return server_finish(c, map, "server", &scn->server);
}

bool
scn_resolve_server_nodes(struct ctx *c, const struct ynode *root,
                     struct scenario *scn)
{
    const struct ynode *s = ytree_get(root, "server");
    const struct ynode *map = s ? ytree_get(s, "nodes") : NULL;
    for (size_t i = 0; map && i < map->n_pairs; i++) {
        int64_t k = topo_find(&scn->graph, map->pairs[i].key);
        if (k < 0 || (uint64_t)k >= scn->graph.n_hosts)
            return fail_at(c, &map->pairs[i].key_mark,
                           "server.nodes: no host named '%s'",
                           map->pairs[i].key);
        for (size_t j = 0; j < i; j++)
            if (scn->server_nodes[j].host == (uint32_t)k)
                return fail_at(c, &map->pairs[i].key_mark,
                               "server.nodes: '%s' is listed twice",
                               map->pairs[i].key);
        scn->server_nodes[i].host = (uint32_t)k;
    }
    return true;
}

/* Server defaults: docs/models.md ("Servers") gives each one's source.
 * Costs are cycles of the default 3 GHz core; a published time t ns is
 * 3 t cycles. */
void
scn_server_defaults(struct server_spec *s)
{
    *s = (struct server_spec){
        .sockets = 2,
        .cores_per_socket = 16,
        .ghz = 3.0,
        .memory_per_node = UINT64_C(192) << 30,
        .pcie_rate_bps = UINT64_C(126000000000),  /* Gen3 x16. */
        .pcie_latency_ps = 500000,
        .coalesce_ps = 8000000,   /* mlx5 DIM default: 8 us, 128 frames. */
        .coalesce_frames = 128,
        .tx_ring = 1024,          /* mlx5 send queue. */
        .write_bytes = 65536,
        .tso = true,
        .gro = true,
        .tlb_entries = 1536,      /* Skylake STLB. */
        .page_bytes = 4096,
        .app_buffer_bytes = UINT64_C(64) << 20,
        .cost = {
            .syscall = 450,       /* 150 ns. */
            .tx_pkt = 1500,       /* 500 ns. */
            .rx_pkt = 2400,       /* 800 ns. */
            .ack_pkt = 600,       /* 200 ns. */
            .driver_pkt = 300,    /* 100 ns. */
            .copy_byte = 0.3,     /* 0.1 ns/B: 10 GB/s. */
            .remote_byte = 0.15,  /* Remote copy 1.5x local. */
            .irq = 3000,          /* 1 us. */
            .bridge_pkt = 900,    /* 300 ns. */
            .rdma_post = 450,     /* 150 ns. */
            .rdma_poll = 150,     /* 50 ns. */
            .walk_ref = 44,       /* An L3 hit. */
        },
        .vm = {
            .io = VM_IO_VIRTIO,
            .count = 1,
            .vcpus = 1,
            .event_idx = true,
            .posted_interrupts = true,
            .vpid = true,
            .guest_page = 4096,
            .iotlb_entries = 64,
            .e1000_tx_exits = 1,
            .e1000_irq_exits = 3,
            .cost = {
                .exit_entry = 1500,   /* Exit handled in KVM: 0.5 us. */
                .exit_user = 5000,    /* To QEMU and back. */
                .handle = { [EXIT_MMIO] = 600 },  /* Decode. */
                .emulate = 2500,      /* Device model per access. */
                .backend_pkt = 4500,  /* 1.5 us. */
                .vhost_pkt = 3000,    /* 1 us. */
                .iotlb_miss_ps = 300000,
            },
            .blk = {
                /* Intel SSD DC P4510 (2 TB) datasheet: 4 KiB random
                 * read latency 77 us, write 18 us; sequential read
                 * 3200 MB/s, write 2000 MB/s. */
                .read_latency_ps = 77000000,
                .write_latency_ps = 18000000,
                .read_rate_bps = UINT64_C(25600000000),
                .write_rate_bps = UINT64_C(16000000000),
                .size = 4096,
                .iodepth = 1,
                .submit = 3000,   /* 1 us. */
                .complete = 3000, /* 1 us. */
            },
        },
    };
}
