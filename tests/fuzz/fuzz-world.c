/* libFuzzer harness for the whole model: any bytes as a scenario file are
 * loaded; a scenario that loads is built into a world (as `dcsim validate`
 * does) and simulated for a few microseconds.  Loading or building must
 * give a world or a located message; running must neither crash, nor
 * assert, nor leak, nor hit undefined behaviour.  Build and run with
 * `make fuzz-world` (clang); `make check` replays the inputs in
 * tests/fuzz/regress/ through the same steps (test-fuzz-regress.c).
 *
 * Worlds too large to build in a fraction of a second (a scenario may
 * legitimately ask for a k=64 fat-tree or millions of flows) are skipped
 * before building, by the same estimate that `validate` prints
 * (world_estimate()), so the fuzzer explores many small worlds instead of
 * a few huge ones.  Each input is written to an anonymous in-memory file
 * (memfd_create), so nothing is left on disk. */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-world.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("dcsim-fuzz-world.yaml", MFD_CLOEXEC);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
        perror(path);
        abort();
    }
    char *err = NULL;
    fuzz_world_one(path, &err);
    free(err);
    return 0;
}
