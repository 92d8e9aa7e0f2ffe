/* `dcsim validate FILE`: everything `run` checks before simulating (the
 * scenario, the topology, the traffic), without simulating. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "fabric/net.h"

int
cmd_validate(int argc, char **argv)
{
    struct scenario_args a;
    struct scenario scn;
    if (cli_parse_args("validate", argc, argv, 0, &a))
        return 2;
    struct net *net;
    if (cli_build(&a, &scn, &net)) {
        cli_args_free(&a);
        return 2;
    }
    printf("%s: ok: %u hosts, %u switches, %u links, %u flows\n", a.file,
           net->n_hosts, net->n_switches, net->n_ports / 2, net->n_flows);
    net_destroy(net);
    scenario_free(&scn);
    cli_args_free(&a);
    return 0;
}
