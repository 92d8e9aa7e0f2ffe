/* dcsim's entry point: a table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
} commands[] = {
    { "run", cmd_run,
      "run FILE [-o DIR] [--seed N] [--set KEY=VALUE]... [--quiet] "
      "[--progress] [--no-report]",
      "simulate a scenario and write results to DIR "
      "(default results/<name>), with report.html to open first when "
      "gnuplot is installed; --quiet prints no summary, --progress "
      "prints a progress line every second on stderr even when it is not "
      "a terminal, --no-report writes every result file but report.html "
      "and does not run gnuplot (dcsim report DIR makes it later; "
      "FILE - reads standard input)" },
    { "report", cmd_report, "report DIR",
      "rebuild report.html, the page of summary and plots, in results "
      "directory DIR from its files (needs gnuplot)" },
    { "validate", cmd_validate, "validate FILE [--set KEY=VALUE]...",
      "check a scenario without running it" },
    { "topo", cmd_topo, "topo FILE [--set KEY=VALUE]...",
      "describe a scenario's topology: tiers, oversubscription, bisection "
      "bandwidth, hop counts, latencies" },
    { "kvm-probe", cmd_kvm_probe,
      "kvm-probe [-o FILE] [--iterations N] [--device PATH] | "
      "kvm-probe --show FILE",
      "measure this machine's VM-exit costs with KVM guests; -o writes "
      "them as a host profile (default 10000 iterations, at most 100000; "
      "device /dev/kvm); --show prints a saved profile" },
    { "import", cmd_import, "import ns3 CONFIG [-o SCENARIO]",
      "turn a run of the HPCC repository's ns-3 simulator (its config "
      "file and the topology, flow and trace files it names) into a "
      "scenario, SCENARIO (default CONFIG's base name + .yaml), and its "
      "flows into STEM.flows.csv beside it; options the scenario cannot "
      "express are listed at its top and on stderr (docs/ns3.md)" },
    { "keys", cmd_keys, "keys",
      "list every scenario key: path, type and range, default, help "
      "(tab-separated)" },
};

/* The command named NAME, or NULL. */
static const struct command *
find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

/* `dcsim help COMMAND` and `dcsim COMMAND --help`. */
static int
command_help(const struct command *c)
{
    printf("usage: dcsim %s\n\n%s.\n\nScenario keys: docs/scenario.md and "
           "dcsim keys.  Result files: docs/output.md.\n",
           c->usage, c->help);
    return 0;
}

static int
unknown_command(const char *name)
{
    fprintf(stderr, "dcsim: unknown command '%s'; expected one of run, "
                    "report, validate, topo, kvm-probe, import, keys (see "
                    "dcsim --help)\n", name);
    return 2;
}

static void
usage(FILE *f)
{
    fprintf(f, "usage: dcsim COMMAND [ARGS]\n\n"
               "dcsim is a packet-level discrete-event simulator of "
               "datacenter networks.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  dcsim %s\n      %s\n", commands[i].usage,
                commands[i].help);
    fprintf(f, "  dcsim help COMMAND | dcsim COMMAND --help\n"
               "      what COMMAND does and takes\n"
               "  dcsim --version\n  dcsim --help\n\n"
               "Scenario keys: docs/scenario.md and dcsim keys.  Result files: "
               "docs/output.md.\n"
               "Exit status: 0 success, 1 run-time failure, 2 bad input "
               "(or results directory),\n128 + N when signal N (SIGINT, "
               "SIGTERM, SIGHUP) stopped a run, which writes partial "
               "results.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") && argc > 2) {
        const struct command *c = find_command(argv[2]);
        if (!c)
            return unknown_command(argv[2]);
        if (argc > 3) {
            fprintf(stderr, "dcsim help: unexpected argument '%s'; "
                            "expected dcsim help COMMAND\n", argv[3]);
            return 2;
        }
        return command_help(c);
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("dcsim %s\n", DCSIM_VERSION);
        return 0;
    }
    const struct command *c = find_command(argv[1]);
    if (!c)
        return unknown_command(argv[1]);
    /* COMMAND --help (or -h) anywhere but as the value of --set. */
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--set")) {
            i++;
            continue;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return command_help(c);
    }
    return c->run(argc - 2, argv + 2);
}
