/* `dcsim topo FILE`: describes the scenario's topology. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_topo(int argc, char **argv)
{
    struct scenario_args a;
    struct scenario scn;
    if (cli_parse_args("topo", argc, argv, 0, &a))
        return 2;
    if (cli_load(&a, &scn)) {
        cli_args_free(&a);
        return 2;
    }
    topo_print_report(&scn.graph, scn.mtu_bytes, stdout);
    scenario_free(&scn);
    cli_args_free(&a);
    return 0;
}
