/* The KVM probe's parts that need no KVM: the guest's page tables (each
 * entry's address and flags, and a walk that checks the identity map),
 * its long-mode registers and GDT (descriptors checked against the
 * values in the Intel SDM's flat-model examples), /proc/cpuinfo
 * parsing, the guest programs assembled into the binary, and host
 * profiles: a good file, a round trip through the writer, and every
 * kind of bad file with its exact FILE:LINE:COL message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/kvm-probe.h"
#include "host/kvm-profile.h"
#include "scenario/scn-profile.h"
#include "sim/util.h"
#include "tap.h"

#define MIB UINT64_C(0x100000)
#define GIB UINT64_C(0x40000000)

/* ------------------------------------------------------------------ */
/* Page tables. */

/* Translates VA through TABLES (as they sit at PT_GPA) like the MMU
 * with 2 MiB pages; returns false if a level is not present. */
static bool
walk(const uint64_t *tables, uint64_t pt_gpa, uint64_t va, uint64_t *pa)
{
    const uint64_t addr_mask = UINT64_C(0x000ffffffffff000);
    uint64_t e = tables[(va >> 39) & 511];            /* PML4 */
    if (!(e & KVM_PTE_PRESENT))
        return false;
    e = tables[((e & addr_mask) - pt_gpa) / 8 + ((va >> 30) & 511)];
    if (!(e & KVM_PTE_PRESENT))
        return false;
    e = tables[((e & addr_mask) - pt_gpa) / 8 + ((va >> 21) & 511)];
    if (!(e & KVM_PTE_PRESENT) || !(e & KVM_PTE_HUGE))
        return false;
    *pa = (e & UINT64_C(0x000fffffffe00000)) | (va & 0x1fffff);
    return true;
}

static void
test_page_tables(void)
{
    const uint64_t gpa = 0x2000, rw = KVM_PTE_PRESENT | KVM_PTE_WRITABLE;
    is_u64(kvm_guest_pt_bytes(GIB), 3 * 4096,
           "1 GiB takes a PML4, a PDPT and one page directory");
    is_u64(kvm_guest_pt_bytes(2 * MIB), 3 * 4096, "so does 2 MiB");
    is_u64(kvm_guest_pt_bytes(2 * GIB + 2 * MIB), 5 * 4096,
           "2 GiB + 2 MiB takes three page directories");

    size_t bytes = kvm_guest_pt_bytes(GIB);
    uint64_t *t = xmalloc_aligned(4096, bytes);
    memset(t, 0xa5, bytes);
    is_u64(kvm_guest_page_tables(t, gpa, GIB), gpa, "CR3 is the PML4");
    const uint64_t *pml4 = t, *pdpt = t + 512, *pd = t + 1024;
    is_u64(pml4[0], (gpa + 0x1000) | rw,
           "PML4[0] points at the PDPT, present and writable");
    is_u64(pdpt[0], (gpa + 0x2000) | rw,
           "PDPT[0] points at the page directory, present and writable");
    bool zero = true, pdes = true;
    for (size_t i = 1; i < 512; i++)
        zero = zero && !pml4[i] && !pdpt[i];
    ok(zero, "every other PML4 and PDPT entry is zero (not present)");
    for (uint64_t i = 0; i < 512; i++)
        pdes = pdes && pd[i] == (i * 2 * MIB | rw | KVM_PTE_HUGE);
    ok(pdes, "PD[i] maps the 2 MiB page at i * 2 MiB: present, writable, "
             "PS");
    is_u64(pd[511], 0x3fe00083, "the last PDE, in full");

    uint64_t pa = 0;
    const uint64_t vas[] = { 0, KVM_GUEST_CODE_GPA + 0x17,
                             KVM_GUEST_SAMPLES_GPA + 8, KVM_GUEST_MMIO_GPA,
                             KVM_GUEST_DOORBELL_GPA + 3, GIB - 1 };
    bool identity = true;
    for (size_t i = 0; i < ARRAY_SIZE(vas); i++)
        identity = identity && walk(t, gpa, vas[i], &pa) && pa == vas[i];
    ok(identity, "a walk maps code, samples, MMIO and doorbell addresses "
                 "and the last byte of the map to themselves");
    ok(!walk(t, gpa, GIB, &pa), "1 GiB itself is not mapped");
    free(t);

    uint64_t map = 2 * GIB + 2 * MIB;
    bytes = kvm_guest_pt_bytes(map);
    t = xmalloc_aligned(4096, bytes);
    memset(t, 0xa5, bytes);
    kvm_guest_page_tables(t, gpa, map);
    pdpt = t + 512;
    pd = t + 1024;
    ok(pdpt[0] == ((gpa + 0x2000) | rw) && pdpt[1] == ((gpa + 0x3000) | rw) &&
           pdpt[2] == ((gpa + 0x4000) | rw) && !pdpt[3],
       "three PDPT entries point at consecutive page directories");
    ok(pd[1024] == (2 * GIB | rw | KVM_PTE_HUGE) && !pd[1025] && !pd[1535],
       "the third directory maps one 2 MiB page, the rest is zero");
    ok(walk(t, gpa, 2 * GIB + 5, &pa) && pa == 2 * GIB + 5 &&
           !walk(t, gpa, 2 * GIB + 2 * MIB, &pa),
       "the walk ends where the map does");
    free(t);
}

/* ------------------------------------------------------------------ */
/* Long mode. */

static void
test_long_mode(void)
{
    struct kvm_guest_cpu cpu;
    kvm_guest_long_mode(&cpu, 0x2000, KVM_GUEST_GDT_GPA, 0x10000, 0x80000);
    ok((cpu.cr0 & KVM_CR0_PE) && (cpu.cr0 & KVM_CR0_PG),
       "CR0: protection and paging on");
    is_u64(cpu.cr0, 0x80010033, "CR0 = PE|MP|ET|NE|WP|PG");
    is_u64(cpu.cr3, 0x2000, "CR3 = the PML4");
    is_u64(cpu.cr4, 0x20, "CR4 = PAE");
    is_u64(cpu.efer, 0x500, "EFER = LME|LMA");
    ok(cpu.cs.l == 1 && cpu.cs.db == 0, "CS: 64-bit code (L=1, D=0)");
    ok(cpu.cs.type == 11 && cpu.cs.s == 1 && cpu.cs.present == 1 &&
           cpu.cs.dpl == 0 && cpu.cs.selector == 0x08,
       "CS: execute/read code, present, DPL 0, selector 0x08");
    ok(cpu.ds.type == 3 && cpu.ds.s == 1 && cpu.ds.present == 1 &&
           cpu.ds.db == 1 && cpu.ds.l == 0 && cpu.ds.selector == 0x10,
       "DS/ES/FS/GS/SS: read/write data, selector 0x10");
    ok(cpu.cs.base == 0 && cpu.ds.base == 0 && cpu.cs.limit == 0xffffffff &&
           cpu.cs.g == 1 && cpu.ds.g == 1,
       "flat segments: base 0, 4 GiB limit, page granularity");
    is_u64(cpu.rflags, 0x2, "RFLAGS: reserved bit 1 only (IF off)");
    ok(cpu.rip == 0x10000 && cpu.rsp == 0x80000, "RIP and RSP as given");
    ok(cpu.gdt_base == KVM_GUEST_GDT_GPA && cpu.gdt_limit == 23,
       "GDTR: three descriptors");

    uint64_t gdt[3];
    memset(gdt, 0xa5, sizeof gdt);
    kvm_guest_gdt(&cpu, gdt);
    is_u64(gdt[0], 0, "GDT[0] is the null descriptor");
    is_u64(gdt[1], 0x00af9b000000ffff, "GDT[1]: the 64-bit code descriptor");
    is_u64(gdt[2], 0x00cf93000000ffff, "GDT[2]: the flat data descriptor");
    struct kvm_guest_seg s = { .base = 0x12345678, .limit = 0xabcde,
                               .type = 2, .present = 1, .dpl = 3, .s = 1 };
    is_u64(kvm_guest_seg_descriptor(&s), 0x120af2345678bcde,
           "base and byte-granular limit are split as the SDM lays out");
}

/* ------------------------------------------------------------------ */
/* /proc/cpuinfo. */

static void
test_cpuinfo(void)
{
    struct kvm_profile p;
    bool inv;
    kvm_probe_parse_cpuinfo(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
        "model name\t: AMD EPYC\nflags\t\t: fpu tsc constant_tsc "
        "nonstop_tsc hypervisor svm_lock\n\n"
        "processor\t: 1\nmodel name\t: Other\nflags\t\t: vmx\n",
        &p, &inv);
    ok(!strcmp(p.cpu, "AMD EPYC") && !strcmp(p.vendor, "amd"),
       "AMD: model name and vendor");
    ok(!strcmp(p.hw_virt_flag, "none") && p.nested && inv,
       "svm_lock is not svm; hypervisor means nested; invariant TSC; "
       "the second processor is not read");
    kvm_probe_parse_cpuinfo("vendor_id : GenuineIntel\nmodel name : Intel(R)"
                            " Xeon(R)\nflags : vmx constant_tsc\n",
                            &p, &inv);
    ok(!strcmp(p.vendor, "intel") && !strcmp(p.hw_virt_flag, "vmx") &&
           !p.nested && !inv && !strcmp(p.cpu, "Intel(R) Xeon(R)"),
       "Intel with vmx, not nested, TSC not known invariant");
    kvm_probe_parse_cpuinfo("", &p, &inv);
    ok(!strcmp(p.cpu, "unknown") && !strcmp(p.vendor, "other") &&
           !strcmp(p.hw_virt_flag, "none") && !p.nested,
       "nothing readable: unknown, other, none");
}

/* ------------------------------------------------------------------ */
/* Guest programs. */

#if defined(__x86_64__) && defined(__linux__)
static bool
contains(const uint8_t *code, size_t len, const char *bytes, size_t n)
{
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(code + i, bytes, n))
            return true;
    return false;
}
#endif

static void
test_programs(void)
{
    static const char *const names[] = { "null", "pio", "pio_bare",
                                         "mmio_read", "mmio_write", "hlt",
                                         "cpuid", "vmcall", "vmmcall" };
    const uint8_t *code;
    size_t len;
#if defined(__x86_64__) && defined(__linux__)
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        ok(kvm_guest_program(names[i], &code, &len) && len > 0 &&
               len <= KVM_GUEST_CODE_MAX,
           "guest program %s is in the binary (%zu bytes)", names[i], len);
    ok(kvm_guest_program("vmcall", &code, &len) &&
           contains(code, len, "\x0f\x01\xc1", 3) &&
           kvm_guest_program("vmmcall", &code, &len) &&
           contains(code, len, "\x0f\x01\xd9", 3),
       "vmcall holds VMCALL (0f 01 c1), vmmcall VMMCALL (0f 01 d9)");
#else
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        skip("not x86-64 Linux", "guest program %s", names[i]);
#endif
    ok(!kvm_guest_program("nope", &code, &len), "an unknown name is not");
}

/* ------------------------------------------------------------------ */
/* Profiles. */

static char dir[] = "/tmp/dcsim-test-kvm-XXXXXX";
static char path[64];

static const char good[] =
    "# A profile as the probe writes it.\n"
    "kvm_profile:\n"
    "  cpu: \"AMD EPYC\"\n"
    "  vendor: amd\n"
    "  hw_virt_flag: none\n"
    "  nested: true\n"
    "  tsc_ghz: 2.450\n"
    "  iterations: 10000\n"
    "  exits:\n"
    "    pio_user:           {median_ns: 9000, p99_ns: 12000.5, "
    "median_cycles: 22050, p99_cycles: 29401}\n"
    "    mmio_user:          {median_ns: 9100, p99_ns: 13000, "
    "median_cycles: 22295, p99_cycles: 31850}\n"
    "    hlt_user:           {median_ns: 8000, p99_ns: 11000, "
    "median_cycles: 19600, p99_cycles: 26950}\n"
    "    hypercall_kernel:   {median_ns: 1500, p99_ns: 2000, "
    "median_cycles: 3675, p99_cycles: 4900}\n"
    "    cpuid_kernel:       {median_ns: 1400, p99_ns: 1900, "
    "median_cycles: 3430, p99_cycles: 4655}\n"
    "    doorbell_mmio_user: {median_ns: 9500, p99_ns: 14000, "
    "median_cycles: 23275, p99_cycles: 34300}\n"
    "    doorbell_ioeventfd: {median_ns: 1700, p99_ns: 3500, "
    "median_cycles: 4165, p99_cycles: 8575}\n";

/* GOOD with the first OLD replaced by NEW must fail with exactly WANT
 * after "t.yaml:". */
static void
bad(const char *old, const char *new, const char *want)
{
    const char *at = strstr(good, old);
    sim_assert(at);
    char *text = xasprintf("%.*s%s%s", (int)(at - good), good, new,
                           at + strlen(old));
    struct kvm_profile p;
    char *err = NULL;
    tap_write_file(path, text);
    int rc = kvm_profile_load(path, &p, &err);
    char *full = xasprintf("%s:%s", path, want);
    if (!ok(rc == 2 && err && !strcmp(err, full) && tap_is_zero(&p, sizeof p),
            "rejected: %s", want))
        diag("got rc %d: %s", rc, err ? err : "(no message)");
    free(full);
    free(err);
    free(text);
}

static bool
same_profile(const struct kvm_profile *a, const struct kvm_profile *b)
{
    bool same = !strcmp(a->cpu, b->cpu) && !strcmp(a->vendor, b->vendor) &&
                !strcmp(a->hw_virt_flag, b->hw_virt_flag) &&
                a->nested == b->nested && a->tsc_ghz == b->tsc_ghz &&
                a->iterations == b->iterations;
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++) {
        const struct kvm_exit_cost *x = kvm_profile_exit_c(a, i);
        const struct kvm_exit_cost *y = kvm_profile_exit_c(b, i);
        same = same && x->median_ns == y->median_ns &&
               x->p99_ns == y->p99_ns &&
               x->median_cycles == y->median_cycles &&
               x->p99_cycles == y->p99_cycles;
    }
    return same;
}

static void
test_profile_good(void)
{
    struct kvm_profile p;
    char *err = (char *)"unset";
    tap_write_file(path, good);
    int rc = kvm_profile_load(path, &p, &err);
    if (!ok(rc == 0 && !err, "a good profile loads"))
        diag("%s", err ? err : "");
    ok(!strcmp(p.cpu, "AMD EPYC") && !strcmp(p.vendor, "amd") &&
           !strcmp(p.hw_virt_flag, "none") && p.nested,
       "cpu, vendor, hw_virt_flag, nested");
    ok(p.tsc_ghz == 2.45 && p.iterations == 10000, "tsc_ghz, iterations");
    ok(p.pio_user.median_ns == 9000 && p.pio_user.p99_ns == 12000.5 &&
           p.pio_user.median_cycles == 22050 &&
           p.pio_user.p99_cycles == 29401,
       "pio_user: all four figures");
    ok(p.cpuid_kernel.median_ns == 1400 && p.hlt_user.p99_ns == 11000 &&
           p.doorbell_ioeventfd.p99_cycles == 8575 &&
           p.hypercall_kernel.median_cycles == 3675,
       "the other exits land in their own fields");
    ok(kvm_profile_exit_c(&p, 4) == &p.cpuid_kernel &&
           !strcmp(kvm_exit_kinds[4].name, "cpuid_kernel"),
       "kvm_exit_kinds[] and kvm_profile_exit() agree");

    /* What the writer writes, the loader reads back to the same values
     * (the writer rounds: ns to 0.1, cycles to 1, GHz to 0.001). */
    struct kvm_profile w = p;
    snprintf(w.cpu, sizeof w.cpu, "Quote \" and \\ backslash");
    w.nested = false;
    snprintf(w.vendor, sizeof w.vendor, "intel");
    snprintf(w.hw_virt_flag, sizeof w.hw_virt_flag, "vmx");
    w.mmio_user.p99_ns = 13000.25;
    FILE *f = fopen(path, "w");
    kvm_profile_write(&w, "line one\nline two", f);
    fclose(f);
    struct kvm_profile r;
    rc = kvm_profile_load(path, &r, &err);
    if (!ok(rc == 0, "a written profile loads"))
        diag("%s", err);
    free(err);
    w.mmio_user.p99_ns = 13000.2;
    ok(same_profile(&w, &r), "and equals what was written");
}

static void
test_profile_bad(void)
{
    bad("  nested: true\n", "  nested: true\n  colour: blue\n",
        "7:3: unknown key 'colour' in kvm_profile; expected a mapping with "
        "cpu, vendor, hw_virt_flag, nested, tsc_ghz, iterations and exits");
    bad("# A profile", "extra: 1\n# A profile",
        "1:1: unknown key 'extra' in the file; expected a mapping with the "
        "key kvm_profile");
    bad("  cpu: \"AMD EPYC\"\n", "",
        "3:3: kvm_profile has no 'cpu'; expected a mapping with cpu, vendor,"
        " hw_virt_flag, nested, tsc_ghz, iterations and exits");
    bad("    hlt_user:           {median_ns: 8000, p99_ns: 11000, "
        "median_cycles: 19600, p99_cycles: 26950}\n", "",
        "10:5: kvm_profile.exits has no 'hlt_user'; expected a mapping with "
        "pio_user, mmio_user, hlt_user, hypercall_kernel, cpuid_kernel, "
        "doorbell_mmio_user and doorbell_ioeventfd");
    bad("    mmio_user:  ", "    mmio_usr:   ",
        "11:5: unknown key 'mmio_usr' in kvm_profile.exits; expected a "
        "mapping with pio_user, mmio_user, hlt_user, hypercall_kernel, "
        "cpuid_kernel, doorbell_mmio_user and doorbell_ioeventfd");
    bad("{median_ns: 9000,", "{median: 9000,",
        "10:26: unknown key 'median' in kvm_profile.exits.pio_user; expected"
        " a mapping with median_ns, p99_ns, median_cycles and p99_cycles");
    bad("median_cycles: 3430, ", "",
        "14:25: kvm_profile.exits.cpuid_kernel has no 'median_cycles'; "
        "expected a mapping with median_ns, p99_ns, median_cycles and "
        "p99_cycles");
    bad("median_ns: 1400", "median_ns: -1400",
        "14:37: kvm_profile.exits.cpuid_kernel.median_ns is '-1400'; "
        "expected a number >= 0");
    bad("p99_cycles: 8575", "p99_cycles: lots",
        "16:90: kvm_profile.exits.doorbell_ioeventfd.p99_cycles is 'lots'; "
        "expected a number >= 0");
    bad("p99_cycles: 8575", "p99_cycles: .nan",
        "16:90: kvm_profile.exits.doorbell_ioeventfd.p99_cycles is '.nan'; "
        "expected a number >= 0");
    bad("median_ns: 9000", "median_ns: \"9000\"",
        "10:37: kvm_profile.exits.pio_user.median_ns is '9000'; expected a "
        "number >= 0");
    bad("p99_ns: 2000", "p99_ns: 1000",
        "13:51: kvm_profile.exits.hypercall_kernel.p99_ns is below "
        "kvm_profile.exits.hypercall_kernel.median_ns; expected p99 >= "
        "median");
    bad("p99_cycles: 4900", "p99_cycles: 3000",
        "13:90: kvm_profile.exits.hypercall_kernel.p99_cycles is below "
        "kvm_profile.exits.hypercall_kernel.median_cycles; expected p99 >= "
        "median");
    bad("pio_user:           {median_ns: 9000, p99_ns: 12000.5, "
        "median_cycles: 22050, p99_cycles: 29401}", "pio_user: fast",
        "10:15: kvm_profile.exits.pio_user is 'fast'; expected a mapping "
        "with median_ns, p99_ns, median_cycles and p99_cycles");
    bad("vendor: amd", "vendor: arm",
        "4:11: kvm_profile.vendor is 'arm'; expected amd, intel or other");
    bad("hw_virt_flag: none", "hw_virt_flag: [svm]",
        "5:17: kvm_profile.hw_virt_flag is a sequence; expected vmx, svm or "
        "none");
    bad("nested: true", "nested: maybe",
        "6:11: kvm_profile.nested is 'maybe'; expected true or false");
    bad("tsc_ghz: 2.450", "tsc_ghz: 0",
        "7:12: kvm_profile.tsc_ghz is '0'; expected a number > 0");
    bad("iterations: 10000", "iterations: 1.5",
        "8:15: kvm_profile.iterations is '1.5'; expected an integer >= 1");
    bad("iterations: 10000", "iterations:",
        "8:14: kvm_profile.iterations is empty; expected an integer >= 1");
    bad("cpu: \"AMD EPYC\"", "cpu: {name: x}",
        "3:8: kvm_profile.cpu is a mapping; expected the CPU's model name, "
        "below 128 bytes");

    struct kvm_profile p;
    char *err = NULL, *want;
    tap_write_file(path, "");
    kvm_profile_load(path, &p, &err);
    want = xasprintf("%s:1:1: the file is empty; expected a mapping with the"
                     " key kvm_profile", path);
    if (!ok(err && !strcmp(err, want), "an empty file is rejected"))
        diag("%s", err ? err : "(none)");
    free(want);
    free(err);
    tap_write_file(path, "kvm_profile: {cpu: x\n");
    kvm_profile_load(path, &p, &err);
    ok(err && !strncmp(err, path, strlen(path)) && strstr(err, "invalid YAML"),
       "a YAML syntax error names the file: %s", err ? err : "(none)");
    free(err);
    char *missing = xasprintf("%s/none.yaml", dir);
    int rc = kvm_profile_load(missing, &p, &err);
    want = xasprintf("%s: cannot open: No such file or directory", missing);
    ok(rc == 2 && err && !strcmp(err, want) && tap_is_zero(&p, sizeof p),
       "a missing file: cannot open");
    free(want);
    free(err);
    free(missing);
}

int
main(void)
{
    if (!mkdtemp(dir)) {
        diag("mkdtemp failed");
        return 1;
    }
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    test_page_tables();
    test_long_mode();
    test_cpuinfo();
    test_programs();
    test_profile_good();
    test_profile_bad();
    unlink(path);
    rmdir(dir);
    return done_testing();
}
