/* Replays every input in tests/fuzz/regress/ (and the example and
 * bad-input scenarios) through the scenario parser: each must load or be
 * rejected with a located message and status 2, never crash.  The inputs
 * of tests/fuzz/regress/ go through the world harness too
 * (tests/fuzz/fuzz-world.h): loaded, built and run for a few simulated
 * microseconds, or refused with a located message.  Under
 * SANITIZE=address,undefined this also checks for leaks and UB. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz-world.h"
#include "scenario/scenario.h"
#include "tap.h"

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
replay_dir(const char *dir, bool world)
{
    DIR *d = opendir(dir);
    if (!d) {
        ok(0, "open %s", dir);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 ||
            strcmp(e->d_name + len - 5, ".yaml"))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct scenario scn;
        char *err = NULL;
        int rc = scenario_load(path, NULL, 0, &scn, &err);
        if (rc == 0) {
            scenario_free(&scn);
            ok(err == NULL, "%s loads", path);
        } else {
            /* A rejection names the file first. */
            ok(rc == 2 && err && !strncmp(err, path, strlen(path)),
               "%s rejected with a located message", path);
        }
        free(err);
        if (world) {
            /* The same input through the world harness. */
            err = NULL;
            rc = fuzz_world_one(path, &err);
            ok(rc == 0 ? err == NULL
                       : rc == 2 && err && !strncmp(err, path, strlen(path)),
               "%s builds and runs, or is refused with a located message",
               path);
            free(err);
        }
        free(names[i]);
    }
    free(names);
}

int
main(int argc, char **argv)
{
    /* Paths are relative to the repository root (make check runs there). */
    (void)argc;
    (void)argv;
    replay_dir("tests/fuzz/regress", true);
    replay_dir("tests/cli/bad-input", false);
    replay_dir("scenarios", false);
    replay_dir("bench", false);
    return done_testing();
}
