/* Server results; see host-report.h. */
#include "report/host-report.h"

#include <inttypes.h>
#include <stdbool.h>

#include "fabric/net.h"
#include "world/world.h"
#include "host/host.h"
#include "host/server.h"
#include "overlay/vtep.h"
#include "report/results.h"

static const char *const exit_names[EXIT_N_REASONS] = {
    "io", "mmio", "hlt", "ept_violation", "interrupt_window", "eoi",
    "external_interrupt",
};

static const char *const io_names[] = { "emulated", "virtio", "vhost",
                                        "sriov" };

/* The activities results show: the vswitch's upcalls only with one. */
static int
n_acts(const struct world *world)
{
    return world->overlay && overlay_has_vswitch(world->overlay) ? ACT_N
                                                                 : ACT_UPCALL;
}

static double
share(uint64_t part_ps, uint64_t whole_ps)
{
    return whole_ps ? (double)part_ps / (double)whole_ps : 0;
}

void
host_report_csv(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    int n_act = n_acts(world);
    fprintf(f, "host,core,socket,busy");
    for (int a = 0; a < n_act; a++)
        fprintf(f, ",%s", cpu_act_names[a]);
    fprintf(f, ",tlb_misses\n");
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        const struct server *srv = &edge->servers[h];
        for (uint32_t i = 0; i < srv->n_cores; i++) {
            const struct core *c = &srv->cores[i];
            if (!c->busy_total_ps)
                continue;
            fprintf(f, "%s,%u,%u,%.6f", edge->hosts[h].up.name, i, c->socket,
                    share(c->busy_total_ps, ri->sim_time_ps));
            for (int a = 0; a < n_act; a++)
                fprintf(f, ",%.6f", share(c->busy_ps[a], ri->sim_time_ps));
            fprintf(f, ",%" PRIu64 "\n", c->tlb.misses);
        }
    }
}

static uint64_t
vm_exits(const struct vm *vm)
{
    uint64_t n = 0;
    for (int r = 0; r < EXIT_N_REASONS; r++)
        n += vm->exits[r];
    return n;
}

void
host_report_vms_csv(FILE *f, const struct world *world,
                    const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    (void)ri;
    fprintf(f, "host,vm,io,packets_tx,packets_rx,exits");
    for (int r = 0; r < EXIT_N_REASONS; r++)
        fprintf(f, ",exits_%s", exit_names[r]);
    fprintf(f, ",exits_per_packet,kicks,kicks_suppressed,irqs_injected,"
               "irqs_posted,tlb_misses,walk_refs,iotlb_misses\n");
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        const struct server *srv = &edge->servers[h];
        for (uint32_t i = 0; i < srv->n_vms; i++) {
            const struct vm *vm = &srv->vms[i];
            uint64_t pkts = vm->pkts_tx + vm->pkts_rx;
            fprintf(f, "%s,%u,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64,
                    edge->hosts[h].up.name, i, io_names[srv->spec->vm.io],
                    vm->pkts_tx, vm->pkts_rx, vm_exits(vm));
            for (int r = 0; r < EXIT_N_REASONS; r++)
                fprintf(f, ",%" PRIu64, vm->exits[r]);
            fprintf(f, ",%.6f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                       ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
                    pkts ? (double)vm_exits(vm) / (double)pkts : 0,
                    vm->kicks, vm->kicks_suppressed, vm->irqs_injected,
                    vm->irqs_posted, vm->tlb_misses, vm->walk_refs,
                    vm->iotlb_misses);
        }
    }
}

/* Busy time summed over every core of every host, per activity. */
static void
totals(const struct world *world, uint64_t busy[ACT_N], uint64_t *all,
       uint64_t *exits, uint64_t *vm_pkts)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    for (int a = 0; a < ACT_N; a++)
        busy[a] = 0;
    *all = *exits = *vm_pkts = 0;
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        const struct server *srv = &edge->servers[h];
        for (uint32_t i = 0; i < srv->n_cores; i++) {
            for (int a = 0; a < ACT_N; a++)
                busy[a] += srv->cores[i].busy_ps[a];
            *all += srv->cores[i].busy_total_ps;
        }
        for (uint32_t i = 0; i < srv->n_vms; i++) {
            *exits += vm_exits(&srv->vms[i]);
            *vm_pkts += srv->vms[i].pkts_tx + srv->vms[i].pkts_rx;
        }
    }
}

void
host_report_json(FILE *f, const struct world *world, const struct run_info *ri)
{
    const struct net *net = world_net_const(world);
    const struct edge *edge = &world->edge;
    uint64_t busy[ACT_N], all, exits, vm_pkts;
    totals(world, busy, &all, &exits, &vm_pkts);
    double t = ri->sim_time_ps ? (double)ri->sim_time_ps : 1;
    fprintf(f, ",\n  \"servers\": {\"cores_busy\": %.6f, \"by_activity\": {",
            (double)all / t);
    for (int a = 0; a < n_acts(world); a++)
        fprintf(f, "%s\"%s\": %.6f", a ? ", " : "", cpu_act_names[a],
                (double)busy[a] / t);
    fprintf(f, "}, \"hosts\": [");
    bool first = true;
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        const struct server *srv = &edge->servers[h];
        uint64_t b = 0;
        for (uint32_t i = 0; i < srv->n_cores; i++)
            b += srv->cores[i].busy_total_ps;
        if (!b)
            continue;
        fprintf(f, "%s{\"host\": \"%s\", \"cores_busy\": %.6f, "
                   "\"cpu_percent\": %.6f}",
                first ? "" : ", ", edge->hosts[h].up.name, (double)b / t,
                100.0 * (double)b / t / srv->n_cores);
        first = false;
    }
    fprintf(f, "], \"vm_exits\": %" PRIu64 ", \"vm_exits_per_packet\": %.6f}",
            exits, vm_pkts ? (double)exits / (double)vm_pkts : 0);
}

void
host_report_print(FILE *f, const struct world *world, const struct run_info *ri)
{
    uint64_t busy[ACT_N], all, exits, vm_pkts;
    totals(world, busy, &all, &exits, &vm_pkts);
    double t = ri->sim_time_ps ? (double)ri->sim_time_ps : 1;
    fprintf(f, "  CPU: %.3f cores busy on average (", (double)all / t);
    for (int a = 0, first = 1; a < ACT_N; a++) {
        if (!busy[a])
            continue;
        fprintf(f, "%s%s %.3f", first ? "" : ", ", cpu_act_names[a],
                (double)busy[a] / t);
        first = 0;
    }
    fprintf(f, ")");
    if (vm_pkts)
        fprintf(f, "; %" PRIu64 " VM exits, %.3f per packet", exits,
                (double)exits / (double)vm_pkts);
    fprintf(f, "\n");
}
