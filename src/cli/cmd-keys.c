/* `dcsim keys`: every key a scenario file accepts, from the parser's own
 * key tables (src/scenario/keys.h): its dotted path ("pfc.watchdog.
 * detection", "traffic[].size"), type with units and range, default, and
 * one line of help, tab-separated.  docs/scenario.md documents the same
 * keys; tests/cli/keys.sh checks that the two agree. */
#include <stdio.h>

#include "cli/cli.h"
#include "scenario/keys.h"

int
cmd_keys(int argc, char **argv)
{
    if (argc > 0)
        return cli_usage_error("keys", "unexpected argument '%s'", argv[0]);
    scenario_keys_print(stdout);
    return 0;
}
