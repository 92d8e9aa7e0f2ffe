/* libFuzzer harness for the scenario parser: any bytes as a scenario file
 * must give either a scenario or an error message, never a crash, a leak
 * or undefined behaviour.  Build and run with `make fuzz` (clang).
 * Inputs that once broke the parser go to tests/fuzz/regress/, which
 * `make check` replays (tests/unit/test-fuzz-regress.c).
 * Each input is loaded from an in-memory file (fuzz-input.h). */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_input_path(data, size);
    struct scenario scn;
    char *err = NULL;
    if (scenario_load(path, NULL, 0, &scn, &err) == 0)
        scenario_free(&scn);
    free(err);
    return 0;
}
