/* dcsim's entry point: a table of subcommands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sim/util.h"

/* One option of a command, for `dcsim help COMMAND`. */
struct option_help {
    const char *flag;
    const char *help;
};

static const struct option_help run_options[] = {
    { "-o DIR", "results directory (default results/<scenario name>); "
                "replaced as a whole, and only if dcsim wrote it" },
    { "--seed N", "the scenario's seed (same seed, same results)" },
    { "--set KEY=VALUE", "override a scenario key, e.g. topology.spines=8 "
                         "or traffic.0.size=1MB; repeatable" },
    { "--quiet, -q", "print no end-of-run summary" },
    { "--progress", "print a progress line every second on stderr even "
                    "when it is not a terminal (batch jobs, logs)" },
    { "--no-report", "write every result file but report.html, without "
                     "running gnuplot (dcsim report DIR makes it later)" },
    { NULL, NULL },
};

static const struct option_help set_options[] = {
    { "--set KEY=VALUE", "override a scenario key; repeatable" },
    { NULL, NULL },
};

static const struct option_help kvm_probe_options[] = {
    { "-o FILE", "write the measured costs as a host profile" },
    { "--iterations N", "iterations of each measurement (default 10000, "
                        "at most 100000)" },
    { "--device PATH", "the KVM device (default /dev/kvm)" },
    { "--show FILE", "print a saved profile" },
    { NULL, NULL },
};

static const struct option_help import_options[] = {
    { "-o SCENARIO", "the scenario to write (default CONFIG's base name + "
                     ".yaml); its flows go to STEM.flows.csv beside it" },
    { NULL, NULL },
};

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
    const struct option_help *options;  /* NULL: none. */
} commands[] = {
    { "run", cmd_run,
      "run FILE [-o DIR] [--seed N] [--set KEY=VALUE]... [--quiet] "
      "[--progress] [--no-report]",
      "simulate a scenario (FILE - reads standard input) and write its "
      "results to DIR, with report.html, the page to open first, when "
      "gnuplot is installed",
      run_options },
    { "report", cmd_report, "report DIR",
      "rebuild report.html, the page of summary and plots, in results "
      "directory DIR from its files (needs gnuplot)", NULL },
    { "validate", cmd_validate, "validate FILE [--set KEY=VALUE]...",
      "check a scenario without running it, and print what running it "
      "would cost", set_options },
    { "topo", cmd_topo, "topo FILE [--set KEY=VALUE]...",
      "describe a scenario's topology: tiers, oversubscription, bisection "
      "bandwidth, hop counts, latencies", set_options },
    { "kvm-probe", cmd_kvm_probe,
      "kvm-probe [-o FILE] [--iterations N] [--device PATH] | "
      "kvm-probe --show FILE",
      "measure this machine's VM-exit costs with KVM guests",
      kvm_probe_options },
    { "import", cmd_import, "import ns3 CONFIG [-o SCENARIO]",
      "turn a run of the HPCC repository's ns-3 simulator (its config "
      "file and the topology, flow and trace files it names) into a "
      "scenario and a flow file; options the scenario cannot express are "
      "listed at its top and on stderr (docs/ns3.md)", import_options },
    { "keys", cmd_keys, "keys",
      "list every scenario key: path, type and range, default, help "
      "(tab-separated)", NULL },
};

/* Prints TEXT on F from column COL, words wrapped before column 79 onto
 * lines indented by INDENT; ends the line. */
static void
print_wrapped(FILE *f, const char *text, int col, int indent)
{
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (col > indent && col + 1 + (int)word > 79) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, word, f);
        col += (int)word;
        p += word;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

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
    printf("usage: dcsim %s\n\n", c->usage);
    char *help = xasprintf("%c%s.", c->help[0] - 'a' + 'A', c->help + 1);
    print_wrapped(stdout, help, 0, 0);
    free(help);
    if (c->options) {
        printf("\noptions:\n");
        for (const struct option_help *o = c->options; o->flag; o++) {
            printf("  %-18s", o->flag);
            print_wrapped(stdout, o->help, 20, 20);
        }
    }
    printf("\nScenario keys: docs/scenario.md and dcsim keys.  Result files: "
           "docs/output.md.\n");
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
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(f, "  dcsim %s\n      ", commands[i].usage);
        print_wrapped(f, commands[i].help, 6, 6);
    }
    fprintf(f, "  dcsim help COMMAND | dcsim COMMAND --help\n"
               "      what COMMAND does and takes\n"
               "  dcsim --version\n  dcsim --help\n\n"
               "Scenario keys: docs/scenario.md and dcsim keys.  Result files: "
               "docs/output.md.\n"
               "Exit status: 0 success, 1 run-time failure, 2 bad input "
               "(or results directory),\n128 + N when signal N (SIGINT, "
               "SIGTERM, SIGHUP) stopped a run, which writes\npartial "
               "results.\n");
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "help") && argc > 2 && strcmp(argv[2], "help")) {
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
    bool help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
                !strcmp(argv[1], "help");
    bool version = !strcmp(argv[1], "--version");
    /* `dcsim help help` is the overview; anything else after it, or after
     * --version, is a mistake and is not passed over in silence. */
    int extra = !strcmp(argv[1], "help") && argc > 2 ? 3 : 2;
    if ((help || version) && argc > extra) {
        fprintf(stderr, "dcsim %s: unexpected argument '%s'; expected "
                        "dcsim %s\n", argv[1], argv[extra],
                extra == 3 ? "help COMMAND" : argv[1]);
        return 2;
    }
    if (help) {
        /* `dcsim help` and `dcsim help help` alike. */
        usage(stdout);
        return 0;
    }
    if (version) {
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
