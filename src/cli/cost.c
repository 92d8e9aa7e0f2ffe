/* The cost of a run, before it starts (cli.h): the estimate of
 * world_estimate() checked against the machine's memory, and printed by
 * `dcsim validate`.  A scenario whose static needs (the built world) or
 * whose monitor series would not fit in the memory available is refused
 * before anything is allocated for it, naming what makes it large. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "storage/storage.h"
#include "world/world.h"

/* MemAvailable of /proc/meminfo, else the physical memory. */
static double
memory_available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kib;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
            fclose(f);
            return (double)kib * 1024;
        }
    if (f)
        fclose(f);
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 1e300;
}

/* "1.5 GiB" into BUF. */
static const char *
bytes_text(double b, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
                                         "PiB", "EiB" };
    size_t u = 0;
    while (b >= 1024 && u + 1 < ARRAY_SIZE(units)) {
        b /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", b, units[u]);
    return buf;
}

/* The traffic entry that makes the most flows, or NULL. */
static const struct traffic_spec *
largest_entry(const struct scenario *scn, size_t *index)
{
    const struct traffic_spec *best = NULL;
    double most = -1;
    for (size_t i = 0; i < scn->n_traffic; i++) {
        struct scenario one = *scn;
        one.traffic = &scn->traffic[i];
        one.n_traffic = 1;
        struct world_estimate e;
        world_estimate(&one, &e);
        if (e.flows > most) {
            most = e.flows;
            best = &scn->traffic[i];
            *index = i;
        }
    }
    return best;
}

int
cli_check_cost(const struct scenario *scn, struct world_estimate *e)
{
    world_estimate(scn, e);
    double avail = memory_available_bytes();
    char need[32], have[32], part[32];
    bytes_text(avail, have, sizeof have);
    if (e->static_bytes > avail) {
        struct world_estimate fabric = { 0 };
        struct scenario none = *scn;
        none.n_traffic = 0;
        world_estimate(&none, &fabric);
        size_t i = 0;
        const struct traffic_spec *t = largest_entry(scn, &i);
        bytes_text(e->static_bytes, need, sizeof need);
        bytes_text(fabric.static_bytes, part, sizeof part);
        /* Where the VMs are asked for. */
        const struct src_loc *vm = scn->server.has_vm ? &scn->server.vm.loc
                                                      : NULL;
        for (size_t k = 0; !vm && k < scn->n_server_nodes; k++)
            if (scn->server_nodes[k].spec.has_vm)
                vm = &scn->server_nodes[k].spec.vm.loc;
        if (scn->has_server && vm &&
            e->server_bytes > e->static_bytes - e->server_bytes) {
            bytes_text(e->server_bytes, part, sizeof part);
            fprintf(stderr, "%s:%u:%u: server.vm: the run needs about %s "
                    "of memory, more than the %s available (the servers' "
                    "cores and VMs %s); expected fewer VMs, vCPUs or "
                    "hosts\n", scn->file, vm->line, vm->col, need, have,
                    part);
        } else if (e->storage_bytes > e->static_bytes - e->storage_bytes) {
            /* The storage jobs', named at the largest of them. */
            size_t j = 0;
            for (size_t k = 1; k < scn->storage.n_jobs; k++)
                if (storage_job_bytes(&scn->storage, k, 0) >
                    storage_job_bytes(&scn->storage, j, 0))
                    j = k;
            const struct src_loc *at = &scn->storage.jobs[j].loc;
            bytes_text(e->storage_bytes, part, sizeof part);
            fprintf(stderr, "%s:%u:%u: storage.jobs.%zu: the run needs "
                    "about %s of memory, more than the %s available (the "
                    "storage jobs' workers, I/O slots and latencies %s); "
                    "expected fewer workers (numjobs), a smaller iodepth "
                    "or fewer I/Os\n", scn->file, at->line, at->col, j,
                    need, have, part);
        } else if (t && e->static_bytes - fabric.static_bytes >
                            fabric.static_bytes)
            fprintf(stderr, "%s:%u:%u: traffic.%zu: the run needs about %s "
                    "of memory, more than the %s available (%.4g flows; "
                    "the fabric alone %s); expected fewer flows\n",
                    scn->file, t->loc.line, t->loc.col, i, need, have,
                    e->flows, part);
        else
            fprintf(stderr, "%s:%u:%u: topology: the run needs about %s of "
                    "memory, more than the %s available (%u nodes, %u "
                    "links: %s); expected a smaller topology\n", scn->file,
                    scn->topo.loc.line, scn->topo.loc.col, need, have,
                    scn->graph.n_nodes, scn->graph.n_links, part);
        return 2;
    }
    if (e->series_bytes > avail - e->static_bytes) {
        const struct monitor_spec *ms = &scn->monitor;
        bytes_text(e->series_bytes, need, sizeof need);
        fprintf(stderr, "%s:%u:%u: monitor.interval: %" PRIu64 " ps over "
                "%.6g s of simulated time makes about %s of series, more "
                "than the %s available; expected a longer interval, fewer "
                "queues or a stop time\n", scn->file, ms->interval_loc.line,
                ms->interval_loc.col, ms->interval_ps, e->length_ps / 1e12,
                need, have);
        return 2;
    }
    return 0;
}

void
cli_print_cost(const struct world_estimate *e, FILE *out)
{
    char st[32], q[32], se[32];
    fprintf(out, "estimate: %.0f flows; memory %s static, up to %s of "
            "queued packets, %s of monitor series; about %.2g events\n",
            e->flows, bytes_text(e->static_bytes, st, sizeof st),
            bytes_text(e->queue_bytes, q, sizeof q),
            bytes_text(e->series_bytes, se, sizeof se), e->events);
}

void
cli_print_warnings(const struct net *net)
{
    for (size_t i = 0; i < net->n_warnings; i++)
        fprintf(stderr, "dcsim: warning: %s\n", net->warnings[i]);
}
