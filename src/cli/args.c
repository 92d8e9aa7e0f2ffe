/* Argument parsing shared by the subcommands; see cli.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "world/world.h"
#include "sim/util.h"

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "dcsim %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see dcsim help %s)\n", cmd);
    va_end(ap);
    return 2;
}

static int
bad(const char *cmd, const char *what)
{
    return cli_usage_error(cmd, "%s", what);
}

static void
add_set(struct scenario_args *a, const char *key, const char *value)
{
    a->set = xrealloc(a->set, (a->n_set + 1) * sizeof *a->set);
    a->set[a->n_set].key = key;
    a->set[a->n_set].value = value;
    a->n_set++;
}

static int
parse_set(const char *cmd, struct scenario_args *a, char *kv)
{
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        char *m = xasprintf("--set %s: expected KEY=VALUE", kv);
        bad(cmd, m);
        free(m);
        return 2;
    }
    *eq = '\0';
    add_set(a, kv, eq + 1);
    return 0;
}

/* cli_parse_args() into A, zeroed; on failure A may hold --set pairs. */
static int
parse_args(const char *cmd, int argc, char **argv, int allow_run,
           struct scenario_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(arg, "--set")) {
            if (!has_value)
                return bad(cmd, "--set needs KEY=VALUE");
            if (parse_set(cmd, a, argv[++i]))
                return 2;
        } else if (!strncmp(arg, "--set=", 6)) {
            if (parse_set(cmd, a, argv[i] + 6))
                return 2;
        } else if (allow_run && !strcmp(arg, "-o")) {
            if (!has_value)
                return bad(cmd, "-o needs a directory");
            a->out_dir = argv[++i];
        } else if (allow_run && !strcmp(arg, "--seed")) {
            if (!has_value)
                return bad(cmd, "--seed needs a number");
            const char *v = argv[++i];
            if (!*v || strspn(v, "0123456789") != strlen(v) ||
                strlen(v) > 19) {
                char *m = xasprintf("--seed %s: expected a non-negative "
                                    "integer below 10^19", v);
                bad(cmd, m);
                free(m);
                return 2;
            }
            add_set(a, "seed", v);
        } else if (allow_run && (!strcmp(arg, "--quiet") || !strcmp(arg, "-q"))) {
            a->quiet = 1;
        } else if (allow_run && !strcmp(arg, "--progress")) {
            a->progress = 1;
        } else if (allow_run && !strcmp(arg, "--no-report")) {
            a->no_report = 1;
        } else if (arg[0] == '-' && arg[1]) {
            char *m = xasprintf("unknown option '%s'", arg);
            bad(cmd, m);
            free(m);
            return 2;
        } else if (a->file) {
            char *m = xasprintf("unexpected argument '%s': one scenario "
                                "file only", arg);
            bad(cmd, m);
            free(m);
            return 2;
        } else {
            a->file = arg;
        }
    }
    if (!a->file)
        return bad(cmd, "missing scenario FILE");
    return 0;
}

int
cli_parse_args(const char *cmd, int argc, char **argv, int allow_run,
               struct scenario_args *a)
{
    memset(a, 0, sizeof *a);
    if (parse_args(cmd, argc, argv, allow_run, a)) {
        cli_args_free(a);
        return 2;
    }
    return 0;
}

void
cli_args_free(struct scenario_args *a)
{
    free(a->set);
    memset(a, 0, sizeof *a);
}

int
cli_build(struct scenario_args *a, struct scenario *scn,
          struct world_estimate *est, struct world **world)
{
    if (cli_load(a, scn)) {
        cli_args_free(a);
        return 2;
    }
    if (cli_check_cost(scn, est)) {
        scenario_free(scn);
        cli_args_free(a);
        return 2;
    }
    char *err = NULL;
    if (world_create(world, scn, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        scenario_free(scn);
        cli_args_free(a);
        return 2;
    }
    return 0;
}

int
cli_load(const struct scenario_args *a, struct scenario *scn)
{
    char *err = NULL;
    if (scenario_load(a->file, a->set, a->n_set, scn, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    return 0;
}
