/* libFuzzer harness for the whole model: any bytes as a scenario file are
 * loaded; a scenario that loads is built into a world (as `dcsim validate`
 * does) and simulated for a few microseconds.  Loading or building must
 * give a world or a located message; running must neither crash, nor
 * assert, nor leak, nor hit undefined behaviour.  Built and run by
 * `make fuzz` (clang); `make check` replays the inputs in
 * tests/fuzz/regress/ through the same steps (test-fuzz-regress.c).
 *
 * Worlds too large to build in a fraction of a second (a scenario may
 * legitimately ask for a k=64 fat-tree or millions of flows) are skipped
 * before building, by the same estimate that `validate` prints
 * (world_estimate()), so the fuzzer explores many small worlds instead of
 * a few huge ones.  Each input is loaded from an in-memory file
 * (fuzz-input.h). */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdlib.h>

#include "fuzz-input.h"
#include "fuzz-world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    fuzz_world_one(fuzz_input_path(data, size), &err);
    free(err);
    return 0;
}
