/* The KVM calibration probe; see kvm-probe.h.
 *
 * The first half builds the guest's state into plain memory and structs
 * (page tables, GDT, control and segment registers, /proc/cpuinfo); the
 * second half drives KVM: /dev/kvm, a VM with 4 MiB of memory, one vCPU
 * with the host's supported CPUID, and one timed run per exit kind.
 *
 * Timing.  The guest times each exiting instruction with RDTSC and also
 * times the RDTSC just before it; the probe subtracts the second from
 * the first, sample by sample (kvm-guest.S).  Under VMX or SVM an RDTSC
 * costs tens of cycles and the subtraction hardly matters; where RDTSC
 * itself exits (kvm_pvm, which runs guests in ring 3 without hardware
 * virtualization) it costs thousands, and a correction measured once,
 * apart from the samples, drifted by more than the cheapest exits cost.
 * As a check that needs no guest clock, the port write is timed a
 * second time from user space, between returns of KVM_RUN.
 *
 * Bounds.  Each run is bounded twice.  A POSIX timer raises SIGALRM
 * after a budget proportional to the iterations; its handler sets the
 * vCPU's kvm_run->immediate_exit, so KVM_RUN returns EINTR whether the
 * signal arrives inside the ioctl or just before it.  And a run that
 * exits to user space more often than it has iterations is stopped as a
 * runaway.  The handler needs the kvm_run of the vCPU being run, so it
 * lives in a static: one probe runs at a time in a process, which is
 * how the command uses it. */
#define _DEFAULT_SOURCE 1     /* MAP_ANONYMOUS, MAP_NORESERVE. */

#include "host/kvm-probe.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"
#include "sim/util.h"

/* ------------------------------------------------------------------ */
/* Guest setup, without KVM. */

#define PAGE_4K UINT64_C(0x1000)
#define PAGE_2M UINT64_C(0x200000)
#define GIB UINT64_C(0x40000000)

size_t
kvm_guest_pt_bytes(uint64_t map_bytes)
{
    return (size_t)((2 + (map_bytes + GIB - 1) / GIB) * PAGE_4K);
}

uint64_t
kvm_guest_page_tables(uint64_t *tables, uint64_t pt_gpa, uint64_t map_bytes)
{
    sim_assert(map_bytes && map_bytes % PAGE_2M == 0 &&
               map_bytes <= 512 * GIB && pt_gpa % PAGE_4K == 0);
    const uint64_t flags = KVM_PTE_PRESENT | KVM_PTE_WRITABLE;
    uint64_t *pml4 = tables, *pdpt = tables + 512, *pd = tables + 1024;
    uint64_t n_pd = (map_bytes + GIB - 1) / GIB;

    memset(tables, 0, kvm_guest_pt_bytes(map_bytes));
    pml4[0] = (pt_gpa + PAGE_4K) | flags;
    for (uint64_t i = 0; i < n_pd; i++)
        pdpt[i] = (pt_gpa + (2 + i) * PAGE_4K) | flags;
    for (uint64_t i = 0; i < map_bytes / PAGE_2M; i++)
        pd[i] = (i * PAGE_2M) | flags | KVM_PTE_HUGE;
    return pt_gpa;
}

void
kvm_guest_long_mode(struct kvm_guest_cpu *cpu, uint64_t cr3,
                    uint64_t gdt_gpa, uint64_t rip, uint64_t rsp)
{
    static const struct kvm_guest_seg code = {
        .base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
        .present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
    };
    static const struct kvm_guest_seg data = {
        .base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 3,
        .present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
    };
    memset(cpu, 0, sizeof *cpu);
    cpu->cr0 = KVM_CR0_PE | KVM_CR0_MP | KVM_CR0_ET | KVM_CR0_NE |
               KVM_CR0_WP | KVM_CR0_PG;
    cpu->cr3 = cr3;
    cpu->cr4 = KVM_CR4_PAE;
    cpu->efer = KVM_EFER_LME | KVM_EFER_LMA;
    cpu->cs = code;
    cpu->ds = data;
    cpu->gdt_base = gdt_gpa;
    cpu->gdt_limit = 3 * 8 - 1;
    cpu->rflags = 0x2;        /* Bit 1 is reserved and always set; IF=0. */
    cpu->rip = rip;
    cpu->rsp = rsp;
}

uint64_t
kvm_guest_seg_descriptor(const struct kvm_guest_seg *s)
{
    uint64_t limit = s->g ? s->limit >> 12 : s->limit;
    uint64_t access = (uint64_t)(s->type & 0xf) | (uint64_t)s->s << 4 |
                      (uint64_t)(s->dpl & 3) << 5 | (uint64_t)s->present << 7;
    uint64_t flags = (uint64_t)s->l << 1 | (uint64_t)s->db << 2 |
                     (uint64_t)s->g << 3;
    return (limit & 0xffff) | (s->base & 0xffffff) << 16 | access << 40 |
           ((limit >> 16) & 0xf) << 48 | flags << 52 |
           ((s->base >> 24) & 0xff) << 56;
}

void
kvm_guest_gdt(const struct kvm_guest_cpu *cpu, uint64_t gdt[3])
{
    gdt[0] = 0;
    gdt[cpu->cs.selector / 8] = kvm_guest_seg_descriptor(&cpu->cs);
    gdt[cpu->ds.selector / 8] = kvm_guest_seg_descriptor(&cpu->ds);
}

/* WORD as a whole space-separated token of the LEN bytes at LIST. */
static bool
has_word(const char *list, size_t len, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if ((i == 0 || list[i - 1] == ' ' || list[i - 1] == '\t') &&
            !memcmp(list + i, word, w) &&
            (i + w == len || list[i + w] == ' ' || list[i + w] == '\t'))
            return true;
    return false;
}

void
kvm_probe_parse_cpuinfo(const char *text, struct kvm_profile *p,
                        bool *invariant_tsc)
{
    snprintf(p->cpu, sizeof p->cpu, "unknown");
    snprintf(p->vendor, sizeof p->vendor, "other");
    snprintf(p->hw_virt_flag, sizeof p->hw_virt_flag, "none");
    p->nested = false;
    *invariant_tsc = false;

    /* The first processor's block ends at the first empty line. */
    for (const char *line = text; *line && *line != '\n';) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *colon = memchr(line, ':', len);
        if (colon) {
            size_t klen = (size_t)(colon - line);
            while (klen && (line[klen - 1] == ' ' || line[klen - 1] == '\t'))
                klen--;
            const char *v = colon + 1;
            size_t vlen = len - (size_t)(v - line);
            while (vlen && *v == ' ') {
                v++;
                vlen--;
            }
#define KEY_IS(k) (klen == strlen(k) && !memcmp(line, k, klen))
            if (KEY_IS("model name") && vlen) {
                snprintf(p->cpu, sizeof p->cpu, "%.*s",
                         (int)MIN(vlen, sizeof p->cpu - 1), v);
            } else if (KEY_IS("vendor_id")) {
                if (vlen == 12 && !memcmp(v, "AuthenticAMD", 12))
                    snprintf(p->vendor, sizeof p->vendor, "amd");
                else if (vlen == 12 && !memcmp(v, "GenuineIntel", 12))
                    snprintf(p->vendor, sizeof p->vendor, "intel");
            } else if (KEY_IS("flags")) {
                if (has_word(v, vlen, "vmx"))
                    snprintf(p->hw_virt_flag, sizeof p->hw_virt_flag, "vmx");
                else if (has_word(v, vlen, "svm"))
                    snprintf(p->hw_virt_flag, sizeof p->hw_virt_flag, "svm");
                p->nested = has_word(v, vlen, "hypervisor");
                *invariant_tsc = has_word(v, vlen, "constant_tsc") &&
                                 has_word(v, vlen, "nonstop_tsc");
            }
#undef KEY_IS
        }
        if (!eol)
            break;
        line = eol + 1;
    }
}

/* ------------------------------------------------------------------ */
/* The probe. */

#if defined(__x86_64__) && defined(__linux__)

#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The programs of kvm-guest.S. */
#define GUEST_PROGRAM(name)                                                  \
    extern const uint8_t kvm_guest_##name##_start[];                         \
    extern const uint8_t kvm_guest_##name##_end[];
GUEST_PROGRAM(null)
GUEST_PROGRAM(pio)
GUEST_PROGRAM(pio_bare)
GUEST_PROGRAM(mmio_read)
GUEST_PROGRAM(mmio_write)
GUEST_PROGRAM(hlt)
GUEST_PROGRAM(cpuid)
GUEST_PROGRAM(vmcall)
GUEST_PROGRAM(vmmcall)
#undef GUEST_PROGRAM

static const struct {
    const char *name;
    const uint8_t *start, *end;
} programs[] = {
#define P(name) { #name, kvm_guest_##name##_start, kvm_guest_##name##_end }
    P(null), P(pio), P(pio_bare), P(mmio_read), P(mmio_write), P(hlt),
    P(cpuid), P(vmcall), P(vmmcall),
#undef P
};

bool
kvm_guest_program(const char *name, const uint8_t **code, size_t *len)
{
    for (size_t i = 0; i < ARRAY_SIZE(programs); i++)
        if (!strcmp(programs[i].name, name)) {
            *code = programs[i].start;
            /* Two labels of one assembled block, compared as addresses. */
            *len = (size_t)((uintptr_t)programs[i].end -
                            (uintptr_t)programs[i].start);
            return true;
        }
    return false;
}

/* I/O ports of the guest programs' contract (kvm-guest.S). */
#define PROBE_PORT 0x7000
#define DONE_PORT 0x7001
#define ERROR_PORT 0x7002
/* In leaf 0x40000001's ebx (reserved, 0 in KVM's own table), to tell
 * KVM's CPUID answers from another hypervisor's: "dcsm". */
#define CPUID_MARKER 0x6d736364u
#define CPUID_MARKER_LEAF 0x40000001u

/* The watchdog's budget for a run: generous for any real exit cost,
 * even nested (hundreds of microseconds would be extraordinary). */
#define BUDGET_BASE_NS UINT64_C(1000000000)
#define BUDGET_PER_ITERATION_NS UINT64_C(500000)
/* For the single hypercall tried before measuring them. */
#define PREFLIGHT_NS UINT64_C(250000000)

/* Set by the SIGALRM handler; see the comment at the top. */
static volatile sig_atomic_t watchdog_fired;
static struct kvm_run *volatile watchdog_run;

static void
on_watchdog(int sig)
{
    (void)sig;
    watchdog_fired = 1;
    struct kvm_run *run = watchdog_run;
    if (run)
        run->immediate_exit = 1;
}

/* What a run expects to exit to user space for, once per iteration. */
enum user_exit {
    USER_EXIT_NONE,           /* Nothing: handled in KVM. */
    USER_EXIT_PIO,
    USER_EXIT_MMIO_READ,
    USER_EXIT_MMIO_WRITE,
    USER_EXIT_HLT,
};

struct measurement {
    const char *name;         /* A profile key, for messages. */
    const char *program;      /* In kvm-guest.S. */
    enum user_exit user_exit;
    uint64_t mmio_gpa;        /* r10 for the guest. */
};

struct probe {
    const struct kvm_probe_options *opt;
    int kvm_fd, vm_fd, vcpu_fd, event_fd;
    struct kvm_run *run;
    size_t run_bytes;
    uint8_t *mem;             /* Guest RAM, KVM_GUEST_RAM_BYTES. */
    timer_t timer;
    bool have_timer, have_handler;
    struct sigaction old_action;
    double tsc_ghz;
    char *err;                /* The first error. */
    bool guest_failed;        /* The error is the guest's behaviour (a
                               * timeout, an unexpected exit or result),
                               * not a refused ioctl. */
};

static bool PRINTF_FMT(2, 3)
fail(struct probe *p, const char *fmt, ...)
{
    if (p->err)
        return false;
    va_list ap;
    va_start(ap, fmt);
    p->err = xvasprintf(fmt, ap);
    va_end(ap);
    return false;
}

/* "STEP: strerror(errno)". */
static bool PRINTF_FMT(2, 3)
fail_errno(struct probe *p, const char *fmt, ...)
{
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    char *step = xvasprintf(fmt, ap);
    va_end(ap);
    fail(p, "%s: %s", step, strerror(e));
    free(step);
    return false;
}

static uint64_t
host_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static uint64_t
mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A TSC reading and the CLOCK_MONOTONIC time it was taken at: the
 * midpoint of the tightest of a few clock brackets around it, so that a
 * preemption in one does not skew the result. */
static void
tsc_sample(uint64_t *tsc, uint64_t *ns)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t a = mono_ns(), t = host_rdtsc(), b = mono_ns();
        if (b - a < best) {
            best = b - a;
            *tsc = t;
            *ns = a + (b - a) / 2;
        }
    }
}

/* The TSC's rate against CLOCK_MONOTONIC over 100 ms.  The guest's TSC
 * runs at the host's: KVM only offsets it (no TSC scaling is asked). */
static bool
measure_tsc(struct probe *p)
{
    uint64_t t0, n0, t1, n1;
    struct timespec nap = { 0, 100000000 };
    tsc_sample(&t0, &n0);
    while (nanosleep(&nap, &nap) && errno == EINTR)
        ;
    tsc_sample(&t1, &n1);
    if (t1 <= t0 || n1 <= n0)
        return fail(p, "measuring the TSC: it did not advance");
    p->tsc_ghz = (double)(t1 - t0) / (double)(n1 - n0);
    return true;
}

static bool
read_cpuinfo(struct kvm_probe_result *res)
{
    char *text = xcalloc(1, 65536);
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        size_t n = fread(text, 1, 65535, f);
        text[n] = '\0';
        fclose(f);
    }
    kvm_probe_parse_cpuinfo(text, &res->profile, &res->invariant_tsc);
    free(text);
    return true;
}

static bool
create_vm(struct probe *p)
{
    const char *dev = p->opt->device ? p->opt->device : "/dev/kvm";
    p->kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
    if (p->kvm_fd < 0)
        return fail_errno(p, "open %s", dev);
    int v = ioctl(p->kvm_fd, KVM_GET_API_VERSION, 0);
    if (v < 0)
        return fail_errno(p, "KVM_GET_API_VERSION");
    if (v != KVM_API_VERSION)
        return fail(p, "KVM_GET_API_VERSION: version %d; expected %d", v,
                    KVM_API_VERSION);
    p->vm_fd = ioctl(p->kvm_fd, KVM_CREATE_VM, 0UL);
    if (p->vm_fd < 0)
        return fail_errno(p, "KVM_CREATE_VM");

    void *mem = mmap(NULL, KVM_GUEST_RAM_BYTES, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem == MAP_FAILED)
        return fail_errno(p, "mmap guest memory");
    p->mem = mem;
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = KVM_GUEST_RAM_BYTES,
        .userspace_addr = (uintptr_t)mem,
    };
    if (ioctl(p->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return fail_errno(p, "KVM_SET_USER_MEMORY_REGION");

    int run_bytes = ioctl(p->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_bytes < 0)
        return fail_errno(p, "KVM_GET_VCPU_MMAP_SIZE");
    if ((size_t)run_bytes < sizeof *p->run)
        return fail(p, "KVM_GET_VCPU_MMAP_SIZE: %d bytes; expected at "
                       "least %zu", run_bytes, sizeof *p->run);
    p->vcpu_fd = ioctl(p->vm_fd, KVM_CREATE_VCPU, 0UL);
    if (p->vcpu_fd < 0)
        return fail_errno(p, "KVM_CREATE_VCPU");
    void *run = mmap(NULL, (size_t)run_bytes, PROT_READ | PROT_WRITE,
                     MAP_SHARED, p->vcpu_fd, 0);
    if (run == MAP_FAILED)
        return fail_errno(p, "mmap kvm_run");
    p->run = run;
    p->run_bytes = (size_t)run_bytes;
    return true;
}

/* Gives the vCPU what KVM supports of the host's CPUID (KVM checks it:
 * EFER.LME needs the long-mode bit) and picks the hypercall instruction
 * of its vendor: VMMCALL on AMD (and Hygon), VMCALL on Intel. */
static bool
set_cpuid(struct probe *p, struct kvm_probe_result *res)
{
    for (uint32_t n = 64;; n *= 2) {
        struct kvm_cpuid2 *c =
            xcalloc(1, sizeof *c + n * sizeof(struct kvm_cpuid_entry2));
        c->nent = n;
        if (ioctl(p->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
            int e = errno;
            free(c);
            errno = e;
            if (e == E2BIG && n < 4096)
                continue;
            return fail_errno(p, "KVM_GET_SUPPORTED_CPUID");
        }
        char vendor[13] = "";
        for (uint32_t i = 0; i < c->nent; i++)
            if (c->entries[i].function == 0) {
                memcpy(vendor, &c->entries[i].ebx, 4);
                memcpy(vendor + 4, &c->entries[i].edx, 4);
                memcpy(vendor + 8, &c->entries[i].ecx, 4);
            }
        res->hypercall = !strcmp(vendor, "AuthenticAMD") ||
                                 !strcmp(vendor, "HygonGenuine")
                             ? "vmmcall"
                             : "vmcall";
        uint32_t m = 0;
        while (m < c->nent && c->entries[m].function != CPUID_MARKER_LEAF)
            m++;
        if (m == c->nent) {
            /* KVM lists its features leaf; if it did not, add one (in a
             * larger buffer if this one is full). */
            if (m == n) {
                free(c);
                continue;
            }
            memset(&c->entries[m], 0, sizeof c->entries[m]);
            c->entries[m].function = CPUID_MARKER_LEAF;
            c->nent++;
        }
        c->entries[m].ebx = CPUID_MARKER;
        int rc = ioctl(p->vcpu_fd, KVM_SET_CPUID2, c);
        free(c);
        if (rc < 0)
            return fail_errno(p, "KVM_SET_CPUID2");
        return true;
    }
}

static struct kvm_segment
to_kvm_segment(const struct kvm_guest_seg *s)
{
    return (struct kvm_segment){
        .base = s->base, .limit = s->limit, .selector = s->selector,
        .type = s->type, .present = s->present, .dpl = s->dpl,
        .db = s->db, .s = s->s, .l = s->l, .g = s->g,
    };
}

/* Page tables and GDT into guest memory, then the special registers.
 * The task register and LDT keep KVM's reset values, which are valid. */
static bool
enter_long_mode(struct probe *p)
{
    uint64_t cr3 = kvm_guest_page_tables(
        (uint64_t *)(void *)(p->mem + KVM_GUEST_PT_GPA), KVM_GUEST_PT_GPA,
        KVM_GUEST_MAP_BYTES);
    struct kvm_guest_cpu cpu;
    kvm_guest_long_mode(&cpu, cr3, KVM_GUEST_GDT_GPA, KVM_GUEST_CODE_GPA,
                        KVM_GUEST_STACK_TOP);
    kvm_guest_gdt(&cpu, (uint64_t *)(void *)(p->mem + KVM_GUEST_GDT_GPA));

    struct kvm_sregs s;
    if (ioctl(p->vcpu_fd, KVM_GET_SREGS, &s) < 0)
        return fail_errno(p, "KVM_GET_SREGS");
    s.cs = to_kvm_segment(&cpu.cs);
    s.ds = s.es = s.fs = s.gs = s.ss = to_kvm_segment(&cpu.ds);
    s.gdt.base = cpu.gdt_base;
    s.gdt.limit = cpu.gdt_limit;
    s.cr0 = cpu.cr0;
    s.cr3 = cpu.cr3;
    s.cr4 = cpu.cr4;
    s.efer = cpu.efer;
    if (ioctl(p->vcpu_fd, KVM_SET_SREGS, &s) < 0)
        return fail_errno(p, "KVM_SET_SREGS");
    return true;
}

static bool
install_watchdog(struct probe *p)
{
    /* No SA_RESTART: KVM_RUN must return EINTR. */
    struct sigaction sa = { .sa_handler = on_watchdog };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGALRM, &sa, &p->old_action) < 0)
        return fail_errno(p, "sigaction SIGALRM");
    p->have_handler = true;
    struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
                           .sigev_signo = SIGALRM };
    if (timer_create(CLOCK_MONOTONIC, &ev, &p->timer) < 0)
        return fail_errno(p, "timer_create");
    p->have_timer = true;
    return true;
}

/* Arms the watchdog to fire in NS nanoseconds, or disarms it (NS = 0):
 * stopped first when disarming, its flags cleared first when arming. */
static bool
set_watchdog(struct probe *p, uint64_t ns)
{
    struct itimerspec its = {
        .it_value = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) },
    };
    if (!ns)
        timer_settime(p->timer, 0, &its, NULL);
    watchdog_fired = 0;
    p->run->immediate_exit = 0;
    watchdog_run = ns ? p->run : NULL;
    if (ns && timer_settime(p->timer, 0, &its, NULL) < 0)
        return fail_errno(p, "timer_settime");
    return true;
}

static const char *
exit_reason_name(uint32_t reason)
{
    switch (reason) {
    case KVM_EXIT_UNKNOWN: return "KVM_EXIT_UNKNOWN";
    case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
    case KVM_EXIT_IO: return "KVM_EXIT_IO";
    case KVM_EXIT_HYPERCALL: return "KVM_EXIT_HYPERCALL";
    case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
    case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
    case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
    case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN (triple fault)";
    case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
    case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
    case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
    default: return "exit";
    }
}

struct where {
    char text[96];
};

/* Where the guest is, for messages: " (guest rip 0x..., ...)": offset into
 * its program, and its iteration; empty if KVM cannot say. */
static struct where
guest_where(struct probe *p)
{
    struct where w = { "" };
    struct kvm_regs regs;
    if (ioctl(p->vcpu_fd, KVM_GET_REGS, &regs) == 0)
        snprintf(w.text, sizeof w.text, " (guest rip %#llx, program offset "
                 "%#llx, iteration %llu, rax %#llx)",
                 (unsigned long long)regs.rip,
                 (unsigned long long)(regs.rip - KVM_GUEST_CODE_GPA),
                 (unsigned long long)regs.r9, (unsigned long long)regs.rax);
    return w;
}

/* An exit that the run did not expect, described for the message. */
static bool
fail_exit(struct probe *p, const struct measurement *m)
{
    const struct kvm_run *r = p->run;
    char detail[96] = "";
    if (r->exit_reason == KVM_EXIT_IO)
        snprintf(detail, sizeof detail, ", %s port %#x",
                 r->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from",
                 r->io.port);
    else if (r->exit_reason == KVM_EXIT_MMIO)
        snprintf(detail, sizeof detail, ", %s %#llx",
                 r->mmio.is_write ? "write to" : "read from",
                 (unsigned long long)r->mmio.phys_addr);
    else if (r->exit_reason == KVM_EXIT_FAIL_ENTRY)
        snprintf(detail, sizeof detail, ", hardware reason %#llx",
                 (unsigned long long)
                     r->fail_entry.hardware_entry_failure_reason);
    else if (r->exit_reason == KVM_EXIT_INTERNAL_ERROR)
        snprintf(detail, sizeof detail, ", suberror %u",
                 r->internal.suberror);
    return fail(p, "%s: KVM_RUN: unexpected %s (%" PRIu32 ")%s%s",
                m->name, exit_reason_name(r->exit_reason), r->exit_reason,
                detail, guest_where(p).text);
}

/* Handles one return of KVM_RUN.  Returns true when the guest is done
 * (or on error, with p->err set). */
static bool
handle_exit(struct probe *p, const struct measurement *m, uint64_t n,
            uint64_t *user_exits)
{
    struct kvm_run *r = p->run;
    bool expected = false;
    switch (r->exit_reason) {
    case KVM_EXIT_IO:
        if (r->io.port == DONE_PORT)
            return true;
        if (r->io.port == ERROR_PORT) {
            uint32_t v = 0;
            memcpy(&v, (char *)r + r->io.data_offset,
                   MIN(sizeof v, (size_t)r->io.size));
            p->guest_failed = true;
            return !fail(p, "%s: the guest got %#" PRIx32 " from %s; "
                            "expected %s", m->name, v, m->program,
                         strcmp(m->program, "cpuid")
                             ? "-KVM_ENOSYS (0xfffffc18)"
                             : "the marker KVM_SET_CPUID2 set (0x6d736364)");
        }
        expected = m->user_exit == USER_EXIT_PIO &&
                   r->io.port == PROBE_PORT &&
                   r->io.direction == KVM_EXIT_IO_OUT;
        break;
    case KVM_EXIT_MMIO:
        expected = r->mmio.phys_addr == m->mmio_gpa &&
                   m->user_exit == (r->mmio.is_write ? USER_EXIT_MMIO_WRITE
                                                     : USER_EXIT_MMIO_READ);
        if (expected && !r->mmio.is_write)
            memset(r->mmio.data, 0, sizeof r->mmio.data);
        break;
    case KVM_EXIT_HLT:
        expected = m->user_exit == USER_EXIT_HLT;
        break;
    default:
        break;
    }
    p->guest_failed = !expected || *user_exits >= n;
    if (!expected)
        return !fail_exit(p, m);
    if (++*user_exits > n)
        return !fail(p, "%s: the guest ran away: more than %" PRIu64
                        " exits to user space for %" PRIu64 " iterations",
                     m->name, n, n);
    return false;
}

/* Runs M's program for N iterations within BUDGET_NS.  HOST_NS, unless
 * NULL, gets the CLOCK_MONOTONIC time of each return from KVM_RUN
 * (N + 1 of them when each iteration exits to user space once). */
static bool
run_guest(struct probe *p, const struct measurement *m, uint64_t n,
          uint64_t budget_ns, uint64_t *host_ns)
{
    const uint8_t *code;
    size_t len;
    sim_assert(kvm_guest_program(m->program, &code, &len) &&
               len <= KVM_GUEST_CODE_MAX);
    sim_assert(KVM_GUEST_SAMPLES_GPA + n * 16 <= KVM_GUEST_RAM_BYTES);
    memcpy(p->mem + KVM_GUEST_CODE_GPA, code, len);
    memset(p->mem + KVM_GUEST_SAMPLES_GPA, 0, n * 16);

    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    regs.rip = KVM_GUEST_CODE_GPA;
    regs.rsp = KVM_GUEST_STACK_TOP;
    regs.rflags = 0x2;
    regs.rdi = KVM_GUEST_SAMPLES_GPA;
    regs.rsi = n;
    regs.r10 = m->mmio_gpa;
    regs.r12 = PROBE_PORT;
    regs.r13 = DONE_PORT;
    regs.r14 = ERROR_PORT;
    regs.r15 = CPUID_MARKER;
    if (ioctl(p->vcpu_fd, KVM_SET_REGS, &regs) < 0)
        return fail_errno(p, "%s: KVM_SET_REGS", m->name);

    if (!set_watchdog(p, budget_ns))
        return false;
    uint64_t user_exits = 0;
    for (bool done = false; !done;) {
        if (ioctl(p->vcpu_fd, KVM_RUN, 0UL) < 0) {
            if (errno == EINTR && !watchdog_fired)
                continue;
            if (errno == EINTR) {
                p->guest_failed = true;
                fail(p, "%s: KVM_RUN: the guest did not finish within "
                        "%.2f s%s", m->name, (double)budget_ns / 1e9,
                     guest_where(p).text);
            } else {
                fail_errno(p, "%s: KVM_RUN", m->name);
            }
            break;
        }
        if (host_ns && user_exits <= n)
            host_ns[user_exits] = mono_ns();
        done = handle_exit(p, m, n, &user_exits);
    }
    set_watchdog(p, 0);
    return !p->err;
}

/* Median and p99 of the N cycle counts in V (sorted in place). */
static void
cost_of(double *v, size_t n, double tsc_ghz, struct kvm_exit_cost *cost)
{
    struct pctl pc;
    stats_percentiles(v, n, &pc);
    cost->median_cycles = pc.p50;
    cost->p99_cycles = pc.p99;
    cost->median_ns = pc.p50 / tsc_ghz;
    cost->p99_ns = pc.p99 / tsc_ghz;
}

static uint64_t
budget_ns(uint64_t n)
{
    return BUDGET_BASE_NS + n * BUDGET_PER_ITERATION_NS;
}

/* Runs M's program for N iterations (the warm-up included) and puts in
 * *COST the statistics of its samples after the warm-up: each the
 * guest's time around the instruction less its time for the RDTSC just
 * before (kvm-guest.S), not below zero.  *RDTSC, unless NULL, gets the
 * statistics of the latter. */
static bool
measure(struct probe *p, const struct measurement *m, uint64_t n,
        struct kvm_exit_cost *cost, struct kvm_exit_cost *rdtsc)
{
    if (!run_guest(p, m, n, budget_ns(n), NULL))
        return false;
    size_t kept = (size_t)(n - KVM_PROBE_WARMUP);
    double *v = xmalloc(kept * sizeof *v), *o = xmalloc(kept * sizeof *o);
    for (size_t i = 0; i < kept; i++) {
        uint64_t s[2];
        memcpy(s, p->mem + KVM_GUEST_SAMPLES_GPA +
                      (KVM_PROBE_WARMUP + i) * sizeof s, sizeof s);
        v[i] = s[0] > s[1] ? (double)(s[0] - s[1]) : 0.0;
        o[i] = (double)s[1];
    }
    cost_of(v, kept, p->tsc_ghz, cost);
    if (rdtsc)
        cost_of(o, kept, p->tsc_ghz, rdtsc);
    free(v);
    free(o);
    return true;
}

/* The port write again, timed from user space: the time from one return
 * of KVM_RUN to the next is one round trip, guest timing excluded. */
static bool
measure_pio_host(struct probe *p, uint64_t n, struct kvm_exit_cost *cost)
{
    const struct measurement m = { "pio_user (timed in user space)",
                                   "pio_bare", USER_EXIT_PIO, 0 };
    uint64_t *t = xmalloc((n + 1) * sizeof *t);
    bool ok = run_guest(p, &m, n, budget_ns(n), t);
    if (ok) {
        size_t kept = (size_t)(n - KVM_PROBE_WARMUP);
        double *v = xmalloc(kept * sizeof *v);
        for (size_t i = 0; i < kept; i++)
            v[i] = (double)(t[KVM_PROBE_WARMUP + i + 1] -
                            t[KVM_PROBE_WARMUP + i]) * p->tsc_ghz;
        cost_of(v, kept, p->tsc_ghz, cost);
        free(v);
    }
    free(t);
    return ok;
}

/* The hypercall, if this KVM completes one.  Some never do: kvm_pvm,
 * which runs guests without VMX or SVM, takes the instruction as #UD
 * and rewrites it to the other vendor's, forever.  So one call is tried
 * first within a short budget; if the guest does not get -KVM_ENOSYS
 * back, *WHY says what happened and *COST is left alone. */
static bool
measure_hypercall(struct probe *p, const struct measurement *m, uint64_t n,
                  struct kvm_exit_cost *cost, char **why)
{
    if (!run_guest(p, m, 1, PREFLIGHT_NS, NULL)) {
        if (!p->guest_failed)
            return false;
        *why = p->err;
        p->err = NULL;
        p->guest_failed = false;
        return true;
    }
    return measure(p, m, n, cost, NULL);
}

/* The doorbell through an ioeventfd: KVM signals the eventfd and
 * resumes the guest without leaving the kernel.  The eventfd's count
 * afterwards proves every write went that way. */
static bool
measure_ioeventfd(struct probe *p, const struct measurement *m, uint64_t n,
                  struct kvm_exit_cost *cost)
{
    p->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->event_fd < 0)
        return fail_errno(p, "%s: eventfd", m->name);
    struct kvm_ioeventfd io;
    memset(&io, 0, sizeof io);
    io.addr = m->mmio_gpa;
    io.len = 4;
    io.fd = p->event_fd;
    if (ioctl(p->vm_fd, KVM_IOEVENTFD, &io) < 0)
        return fail_errno(p, "%s: KVM_IOEVENTFD", m->name);
    bool ok = measure(p, m, n, cost, NULL);
    uint64_t count = 0;
    if (ok && (read(p->event_fd, &count, sizeof count) != sizeof count ||
               count != n))
        ok = fail(p, "%s: the eventfd counted %" PRIu64 " of %" PRIu64
                     " doorbell writes", m->name, count, n);
    io.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;
    if (ioctl(p->vm_fd, KVM_IOEVENTFD, &io) < 0 && ok)
        ok = fail_errno(p, "%s: KVM_IOEVENTFD deassign", m->name);
    return ok;
}

static void
probe_close(struct probe *p)
{
    if (p->have_timer)
        timer_delete(p->timer);
    if (p->have_handler)
        sigaction(SIGALRM, &p->old_action, NULL);
    if (p->run)
        munmap(p->run, p->run_bytes);
    if (p->mem)
        munmap(p->mem, KVM_GUEST_RAM_BYTES);
    int fds[] = { p->event_fd, p->vcpu_fd, p->vm_fd, p->kvm_fd };
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* Which KVM serves /dev/kvm: the loaded module. */
static const char *
kvm_module(void)
{
    static const char *const modules[] = { "kvm_intel", "kvm_amd",
                                           "kvm_pvm" };
    for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
        char path[64];
        snprintf(path, sizeof path, "/sys/module/%s", modules[i]);
        if (!access(path, F_OK))
            return modules[i];
    }
    return "unknown";
}

/* The measurements in profile order (kvm_exit_kinds). */
static const struct measurement measurements[KVM_N_EXIT_KINDS] = {
    { "pio_user", "pio", USER_EXIT_PIO, 0 },
    { "mmio_user", "mmio_read", USER_EXIT_MMIO_READ, KVM_GUEST_MMIO_GPA },
    { "hlt_user", "hlt", USER_EXIT_HLT, 0 },
    { "hypercall_kernel", NULL, USER_EXIT_NONE, 0 },  /* By vendor. */
    { "cpuid_kernel", "cpuid", USER_EXIT_NONE, 0 },
    { "doorbell_mmio_user", "mmio_write", USER_EXIT_MMIO_WRITE,
      KVM_GUEST_DOORBELL_GPA },
    { "doorbell_ioeventfd", "mmio_write", USER_EXIT_NONE,
      KVM_GUEST_DOORBELL_GPA },
};

static bool
measure_all(struct probe *p, uint64_t n, struct kvm_probe_result *res)
{
    const struct measurement timer = { "timer", "null", USER_EXIT_NONE, 0 };
    if (!measure(p, &timer, n, &res->residual, &res->rdtsc) ||
        !measure_pio_host(p, n, &res->pio_host))
        return false;

    struct kvm_profile *prof = &res->profile;
    char *hypercall_why = NULL;
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++) {
        struct measurement m = measurements[i];
        struct kvm_exit_cost *cost = kvm_profile_exit(prof, i);
        sim_assert(!strcmp(m.name, kvm_exit_kinds[i].name));
        bool ok;
        if (!strcmp(m.name, "hypercall_kernel")) {
            m.program = res->hypercall;
            ok = measure_hypercall(p, &m, n, cost, &hypercall_why);
        } else if (!strcmp(m.name, "doorbell_ioeventfd")) {
            ok = measure_ioeventfd(p, &m, n, cost);
        } else {
            ok = measure(p, &m, n, cost, NULL);
        }
        if (!ok)
            break;
    }
    if (hypercall_why) {
        /* The closest measured path: an instruction that exits, is
         * handled in KVM and resumes the guest. */
        prof->hypercall_kernel = prof->cpuid_kernel;
        const char *why = hypercall_why, *prefix = "hypercall_kernel: ";
        if (!strncmp(why, prefix, strlen(prefix)))
            why += strlen(prefix);
        snprintf(res->hypercall_note, sizeof res->hypercall_note,
                 "not measurable with this KVM: one %s did not complete "
                 "(%s); the profile repeats cpuid_kernel", res->hypercall,
                 why);
        free(hypercall_why);
    }
    return !p->err;
}

int
kvm_probe_run(const struct kvm_probe_options *opt,
              struct kvm_probe_result *res, char **err)
{
    struct probe p = { .opt = opt, .kvm_fd = -1, .vm_fd = -1,
                       .vcpu_fd = -1, .event_fd = -1 };
    memset(res, 0, sizeof *res);
    sim_assert(opt->iterations >= 1 &&
               opt->iterations <= KVM_PROBE_MAX_ITERATIONS);
    uint64_t n = opt->iterations + KVM_PROBE_WARMUP;

    read_cpuinfo(res);
    res->kvm_module = kvm_module();
    if (create_vm(&p) && set_cpuid(&p, res) && enter_long_mode(&p) &&
        install_watchdog(&p) && measure_tsc(&p)) {
        int khz = ioctl(p.vcpu_fd, KVM_GET_TSC_KHZ, 0);
        res->kvm_tsc_khz = khz > 0 ? (uint64_t)khz : 0;
        measure_all(&p, n, res);
    }
    probe_close(&p);
    if (p.err) {
        *err = p.err;
        return 2;
    }
    res->profile.tsc_ghz = p.tsc_ghz;
    res->profile.iterations = opt->iterations;
    *err = NULL;
    return 0;
}

#else /* Not x86-64 Linux. */

bool
kvm_guest_program(const char *name, const uint8_t **code, size_t *len)
{
    (void)name;
    *code = NULL;
    *len = 0;
    return false;
}

int
kvm_probe_run(const struct kvm_probe_options *opt,
              struct kvm_probe_result *res, char **err)
{
    (void)opt;
    memset(res, 0, sizeof *res);
    *err = xstrdup("the KVM probe runs on x86-64 Linux only");
    return 2;
}

#endif
