/* Subcommands of the dcsim command line.  Each returns the process exit
 * status: 0 success, 1 a failure at run time (e.g. a full disk), 2 bad
 * input (scenario, arguments, a results directory that cannot be written),
 * with a message on stderr and no output written; `run` returns 128 + N
 * when signal N stopped it and its partial results were written. */
#ifndef DCSIM_CLI_H
#define DCSIM_CLI_H 1

#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"
#include "sim/util.h"

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_topo(int argc, char **argv);
int cmd_kvm_probe(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* Prints "dcsim CMD: MESSAGE (see dcsim help CMD)" on stderr; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) PRINTF_FMT(2, 3);

/* Options shared by the subcommands that load a scenario. */
struct scenario_args {
    const char *file;
    const char *out_dir;           /* -o DIR (run only). */
    struct scenario_override *set; /* --set KEY=VALUE and --seed N. */
    size_t n_set;
    int quiet;
    int progress;             /* --progress: progress lines on stderr even
                               * when it is not a terminal. */
    int no_report;            /* --no-report: no report.html. */
};

/* Parses ARGV after the subcommand name.  ALLOW_RUN enables -o, --seed,
 * --quiet, --progress and --no-report.  Returns 0, or 2 after printing a
 * message, A then holding nothing to free. */
int cli_parse_args(const char *cmd, int argc, char **argv, int allow_run,
                   struct scenario_args *);
void cli_args_free(struct scenario_args *);
/* Loads the scenario named in ARGS; prints the error and returns 2 on
 * failure. */
int cli_load(const struct scenario_args *, struct scenario *);
struct world;
struct world_estimate;
/* cli_load(), cli_check_cost() into *EST, and world_create(): on failure
 * prints the error, frees what it made and ARGS (cli_args_free()), and
 * returns 2, so that a subcommand can return at once. */
int cli_build(struct scenario_args *args, struct scenario *,
              struct world_estimate *est, struct world **);

struct net;
/* Estimates what running SCN costs into *E (world_estimate()) and checks
 * it against the memory available: returns 0, or 2 after printing a
 * located message with the estimate when the built world or the monitor
 * series would not fit (cost.c). */
int cli_check_cost(const struct scenario *, struct world_estimate *);
/* One line: flows, memory (static, queued packets, series), events. */
void cli_print_cost(const struct world_estimate *, FILE *);
/* The warnings about the model as built, on stderr, as `run` and
 * `validate` print them. */
void cli_print_warnings(const struct net *);

#endif
