/* libFuzzer harness for the scenario parser: any bytes as a scenario file
 * must give either a scenario or an error message, never a crash, a leak
 * or undefined behaviour.  Build and run with `make fuzz` (clang).
 * Inputs that once broke the parser go to tests/fuzz/regress/, which
 * `make check` replays (tests/unit/test-fuzz-regress.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/dcsim-fuzz-%ld.yaml", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct scenario scn;
    char *err = NULL;
    if (scenario_load(path, NULL, 0, &scn, &err) == 0)
        scenario_free(&scn);
    free(err);
    return 0;
}
