/* libFuzzer harness for the scenario parser: any bytes as a scenario file
 * must give either a scenario or an error message, never a crash, a leak
 * or undefined behaviour.  Build and run with `make fuzz` (clang).
 * Inputs that once broke the parser go to tests/fuzz/regress/, which
 * `make check` replays (tests/unit/test-fuzz-regress.c).
 *
 * The parser reads a file by name, so each input is written to an
 * anonymous in-memory file (memfd_create) and loaded through its
 * /proc/self/fd/ name: nothing is left on disk, whichever way the fuzzer
 * ends. */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("dcsim-fuzz.yaml", MFD_CLOEXEC);
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
    struct scenario scn;
    char *err = NULL;
    if (scenario_load(path, NULL, 0, &scn, &err) == 0)
        scenario_free(&scn);
    free(err);
    return 0;
}
