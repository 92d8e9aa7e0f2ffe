/* The `server` section (docs/scenario.md, "server"): CPU, NUMA, PCIe and
 * NIC of every host and its CPU costs, into struct server_spec
 * (host/host-spec.h); `server.nodes` gives one host its own.  The VMs
 * (`server.vm`) are read by scn-vm.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read.h"
#include "scenario/scenario.h"
#include "scenario/sections.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* Server defaults: docs/models.md ("Servers") gives each one's source.
 * Costs are cycles of the default 3 GHz core; a published time t ns is
 * 3 t cycles.  The page (4 KiB) and the core lists are set by code:
 * scn_server_defaults() and server_finish(). */
#define S(F) offsetof(struct server_spec, F)
#define TOP 1u                  /* Only in the section, not server.nodes. */
static const struct key server_keys[] = {
    { "sockets", KEY_U32, S(sockets), 1, 8, .dflt = "2",
      .help = "NUMA nodes." },
    { "cores_per_socket", KEY_U32, S(cores_per_socket), 1, 256,
      .dflt = "16", .help = "Cores of each socket." },
    { "ghz", KEY_DECIMAL, S(ghz), .lo_open = true, .hi = 10,
      .form = "a clock in GHz, (0, 10]", .dflt = "3",
      .help = "Clock: a cost of c cycles takes c / ghz ns." },
    { "memory_per_node", KEY_SIZE, S(memory_per_node), 1, .dflt = "192GiB",
      .help = "Memory of each NUMA node (reported only)." },
    { "nic_node", KEY_CUSTOM, .what = "integer 0..sockets-1", .note = "0",
      .help = "The NUMA node the NIC's PCIe slot hangs off." },
    { "buffer_node", KEY_CUSTOM, .what = "integer 0..sockets-1",
      .note = "0", .help = "The NUMA node of the applications' buffers." },
    { "pcie_rate", KEY_RATE, S(pcie_rate_bps), .dflt = "126Gbps",
      .help = "Each direction of the NIC's PCIe link (Gen3 x16)." },
    { "pcie_latency", KEY_DURATION, S(pcie_latency_ps), .dflt = "500ns",
      .help = "Added to each DMA transfer." },
    { "remote_dma", KEY_DURATION, S(remote_dma_ps), .dflt = "60ns",
      .help = "Added to the NIC's DMA of RDMA data to or from buffers on "
              "another node than buffer_node's (Xeon SP: remote minus "
              "local memory latency)." },
    { "app_cores", KEY_CUSTOM, .what = "list of core numbers", .note = "[1]",
      .help = "The flows' application threads." },
    { "irq_cores", KEY_CUSTOM, .what = "list of core numbers", .note = "[0]",
      .help = "Receive queues (RSS): their interrupts and NAPI polls." },
    { "rx_usecs", KEY_DURATION, S(coalesce_ps), .dflt = "8us",
      .help = "Interrupt moderation: time after the first waiting frame "
              "(mlx5 DIM)." },
    { "rx_frames", KEY_U32, S(coalesce_frames), 1, 65536, .dflt = "128",
      .help = "Interrupt moderation: frames waiting." },
    { "tx_ring", KEY_U32, S(tx_ring), 1, 65536, .dflt = "1024",
      .help = "Send descriptors of the NIC (mlx5)." },
    { "write_size", KEY_SIZE, S(write_bytes), 1, .dflt = "64KiB",
      .help = "The application's send()/recv() size." },
    { "tlb_entries", KEY_U32, S(tlb_entries), 8, 1u << 20, .dflt = "1536",
      .help = "Each core's data TLB (Skylake STLB)." },
    { "page", KEY_CUSTOM, .what = "4KiB, 2MiB, 1GiB", .note = "4KiB",
      .help = "Host page size (and EPT page size for VMs)." },
    { "app_buffer", KEY_SIZE, S(app_buffer_bytes), 1, .dflt = "64MiB",
      .help = "Each flow's application buffer." },
    { "tso", KEY_BOOL, S(tso), .dflt = "true",
      .help = "TCP segmentation offload." },
    { "gro", KEY_BOOL, S(gro), .dflt = "true",
      .help = "Generic receive offload." },
    { "costs", KEY_CUSTOM, .what = "mapping", .note = "see server.costs",
      .help = "CPU costs in cycles." },
    { "vm", KEY_CUSTOM, .what = "mapping", .note = "none",
      .help = "Every flow endpoint on the host runs in a VM." },
    { "nodes", KEY_CUSTOM, .what = "mapping of host names to server keys",
      .note = "none", .variants = TOP,
      .help = "One host's values, starting from the section's." },
};
#undef S


#define K(F) offsetof(struct cpu_costs, F)
#define CYCLES(NAME, DFLT, HELP)                                             \
    { #NAME, KEY_CYCLES, K(NAME), .dflt = DFLT, .help = HELP }
static const struct key cpu_cost_keys[] = {
    CYCLES(syscall, "450", "One send() or recv() system call (150 ns)."),
    CYCLES(tx_pkt, "1500", "Kernel TCP/IP and driver per packet sent."),
    CYCLES(rx_pkt, "2400", "Driver, IP and TCP per packet received."),
    CYCLES(ack_pkt, "600", "An ACK, built and sent or received."),
    CYCLES(driver_pkt, "300", "Driver work per frame received."),
    CYCLES(copy_byte, "0.3", "User <-> kernel copy per byte (10 GB/s)."),
    CYCLES(remote_byte, "0.15", "Extra per byte copied across NUMA nodes."),
    CYCLES(irq, "3000", "One interrupt: hard IRQ and softirq entry."),
    CYCLES(bridge_pkt, "900", "Host bridge/tap forwarding of a VM packet."),
    CYCLES(rdma_post, "450", "One RDMA work request posted."),
    CYCLES(rdma_poll, "150", "One completion polled."),
    CYCLES(walk_ref, "44", "One memory reference of a page walk."),
};
#undef K
#undef CYCLES

const struct key_section scn_server_keys =
    KEY_SECTION("server", server_keys);
const struct key_section scn_cpu_cost_keys =
    KEY_SECTION("server.costs", cpu_cost_keys);

static bool
parse_cpu_costs(struct ctx *c, const struct ynode *map, const char *parent,
                struct cpu_costs *k)
{
    return read_keyed(c, map, parent, &scn_cpu_cost_keys,
                      "a mapping of costs in cycles", k);
}

/* The server's custom keys read in table order: NUMA nodes, core lists
 * and the page; costs and vm are read by parse_server_map() after the
 * walk. */
static bool
read_server_key(struct ctx *c, const struct ynode *n, const char *path,
                const struct key *k, void *base, void *arg)
{
    struct server_spec *s = base;
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    if (!strcmp(k->name, "nic_node"))
        return read_u32(c, n, path, 0, s->sockets - 1, &s->nic_node);
    if (!strcmp(k->name, "buffer_node"))
        return read_u32(c, n, path, 0, s->sockets - 1, &s->buffer_node);
    if (!strcmp(k->name, "app_cores"))
        return read_cores(c, n, path, n_cores, &s->app_cores,
                          &s->n_app_cores);
    if (!strcmp(k->name, "irq_cores"))
        return read_cores(c, n, path, n_cores, &s->irq_cores,
                          &s->n_irq_cores);
    if (!strcmp(k->name, "page"))
        return read_page(c, n, path, &s->page_bytes);
    return true;
}

static bool
parse_server_map(struct ctx *c, const struct ynode *map, const char *path,
                 bool top, struct server_spec *s)
{
    char where[PATH_BYTES + 8], sub[PATH_BYTES];
    snprintf(where, sizeof where, "in %s", path);
    if (!need_mapping(c, map, path, "a mapping of server parameters") ||
        !keys_check(c, map, where, &scn_server_keys, top ? TOP : 2 * TOP) ||
        !keys_read_with(c, map, path, &scn_server_keys, 0, s,
                        read_server_key, NULL))
        return false;
    uint32_t n_cores = s->sockets * s->cores_per_socket;
    const struct ynode *n = ytree_get(map, "costs");
    if (n) {
        path_key(sub, path, "costs");
        if (!parse_cpu_costs(c, n, sub, &s->cost))
            return false;
    }
    n = ytree_get(map, "vm");
    if (n) {
        s->has_vm = true;
        if (!scn_parse_vm(c, n, path, n_cores, &s->vm))
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
        /* The profile stands for those keys, and is held to their range
         * (a cost beyond it does not fit the model's time). */
        const struct { const char *name; double cycles; } set[] = {
            { "exit_entry", v->cost.exit_entry },
            { "exit_user", v->cost.exit_user },
            { "mmio", v->cost.handle[EXIT_MMIO] },
        };
        const struct ynode *at = vm && ytree_get(vm, "profile")
                                     ? ytree_get(vm, "profile") : map;
        for (size_t i = 0; i < ARRAY_SIZE(set); i++)
            if (set[i].cycles > 1e9)
                return fail_at(c, &at->mark, "%s.vm.profile: its exits "
                               "make vm.costs.%s %.6g cycles at %g GHz; "
                               "expected exits that cost at most 1e9 "
                               "cycles, as vm.costs takes", path,
                               set[i].name, set[i].cycles, s->ghz);
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

void
scn_server_defaults(struct server_spec *s)
{
    memset(s, 0, sizeof *s);
    keys_defaults(&scn_server_keys, s);
    keys_defaults(&scn_cpu_cost_keys, &s->cost);
    s->page_bytes = 4096;
    scn_vm_defaults(&s->vm);
}
