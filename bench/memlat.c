/* The machine's memory, as a packet-hop sees it: the time to reach one
 * 64-byte line at random in a working set of SIZE MiB, with CHAINS
 * independent pointer chases in flight at once (1: the latency of one
 * miss; 16: how fast misses complete when a core keeps many in flight,
 * as dcsim's prefetch pipeline does), each line also written when WRITE
 * is 1 (a hop dirties most lines it touches, and each dirty line costs a
 * write-back).  docs/performance.md uses it to bound the packet-hops per
 * second of a fabric that no cache holds: lines missed per hop x the
 * time per line at the MLP the loop reaches.
 *
 * Usage: cc -O2 -o memlat bench/memlat.c && ./memlat SIZE CHAINS WRITE
 * (make bench-memlat runs the figures the docs quote).  Time is the
 * process's CPU time, so that other jobs on the machine's cores do not
 * count (they still share its memory). */
#define _DEFAULT_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define LINE 64
#define MAX_CHAINS 64
#define STEPS 40000000u

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* xorshift64*: a fixed permutation, the same on every run. */
static uint64_t
next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(2685821657736338717);
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s SIZE_MIB CHAINS WRITE(0|1)\n", argv[0]);
        return 2;
    }
    size_t mib = strtoul(argv[1], NULL, 10);
    unsigned chains = (unsigned)strtoul(argv[2], NULL, 10);
    int write = atoi(argv[3]);
    if (mib == 0 || chains == 0 || chains > MAX_CHAINS) {
        fprintf(stderr, "%s: SIZE_MIB must be > 0, CHAINS 1..%d\n", argv[0],
                MAX_CHAINS);
        return 2;
    }
    size_t n = mib * 1024 * 1024 / LINE;
    char *mem = mmap(NULL, n * LINE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t *perm = malloc(n * sizeof *perm);
    if (mem == MAP_FAILED || !perm) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 2;
    }
#ifdef MADV_HUGEPAGE
    (void)madvise(mem, n * LINE, MADV_HUGEPAGE);  /* As dcsim's arrays. */
#endif
    /* One cycle through every line in random order (Fisher-Yates). */
    uint64_t x = 88172645463325252u;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = next_rand(&x) % (i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < n; i++)
        *(char **)(void *)(mem + perm[i] * LINE) =
            mem + perm[(i + 1) % n] * LINE;
    char *at[MAX_CHAINS];
    for (unsigned k = 0; k < chains; k++)
        at[k] = mem + perm[k * (n / chains)] * LINE;
    size_t steps = STEPS / chains;
    double t0 = now_s();
    for (size_t s = 0; s < steps; s++)
        for (unsigned k = 0; k < chains; k++) {
            char *next = *(char **)(void *)at[k];
            if (write)
                ((uint64_t *)(void *)at[k])[1]++;
            at[k] = next;
        }
    double t = now_s() - t0;
    uintptr_t sink = 0;
    for (unsigned k = 0; k < chains; k++)
        sink ^= (uintptr_t)at[k];
    printf("%zu MiB, %u chains, %s: %.1f ns per line%s\n", mib, chains,
           write ? "read+write" : "read", t / (double)(steps * chains) * 1e9,
           sink == 1 ? " " : "");
    free(perm);
    return 0;
}
