/* The libFuzzer harnesses' input as a file: the parser reads a file by
 * name, so each input is written to one anonymous in-memory file
 * (memfd_create), reused for every input, and named by its
 * /proc/self/fd/ path; nothing is left on disk, whichever way the fuzzer
 * ends.  Include after defining _GNU_SOURCE. */
#ifndef DCSIM_FUZZ_INPUT_H
#define DCSIM_FUZZ_INPUT_H 1

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Writes DATA (SIZE bytes) to the harness's file and returns its path. */
static inline const char *
fuzz_input_path(const uint8_t *data, size_t size)
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
    return path;
}

#endif
