/* `dcsim validate FILE`: everything `run` checks before simulating (the
 * scenario, the cost against the machine's memory, the built world, and
 * the warnings about it), without simulating; then what the run will
 * cost (cost.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "fabric/net.h"
#include "host/edge.h"
#include "world/world.h"

int
cmd_validate(int argc, char **argv)
{
    struct scenario_args a;
    struct scenario scn;
    struct world *world;
    struct world_estimate est;
    if (cli_parse_args("validate", argc, argv, 0, &a) ||
        cli_build(&a, &scn, &est, &world))
        return 2;
    /* Flows made at the start, and those flow files will make. */
    uint64_t flows = world->edge.n_flows;
    for (size_t i = 0; i < scn.n_traffic; i++)
        flows += scn.traffic[i].file_flows;
    printf("%s: ok: %u hosts, %u switches, %u links, %llu flows\n", scn.file,
           world->edge.net.n_hosts, world->edge.net.n_switches,
           world->edge.net.n_ports / 2, (unsigned long long)flows);
    cli_print_cost(&est, stdout);
    cli_print_warnings(&world->edge.net);
    world_destroy(world);
    scenario_free(&scn);
    cli_args_free(&a);
    return 0;
}
