/* The KVM calibration probe behind `dcsim kvm-probe`: it creates a real
 * virtual machine through the KVM ioctl API, runs tiny 64-bit guest
 * programs (src/host/kvm-guest.S) in it and measures how long each kind
 * of VM exit takes, round trip, on this machine.  The result is a host
 * profile (kvm-profile.h) for the virtualization model.
 *
 * The guest is one vCPU in 64-bit long mode with paging: identity-mapped
 * page tables with 2 MiB pages and a flat GDT, both built by the pure
 * functions below, which the unit tests check without KVM.  Guest
 * physical memory, all set up by the probe:
 *
 *   0x001000  GDT: null, 64-bit code (selector 0x08), data (0x10)
 *   0x002000  PML4, then PDPT at 0x003000, then the page directory
 *   0x010000  the guest program under test
 *   0x080000  top of the stack (grows down)
 *   0x100000  samples: two u64 of TSC cycles per iteration
 *   (RAM ends at 4 MiB; the identity map covers 1 GiB)
 *   0x10000000  an MMIO register with no memory behind it
 *   0x10001000  the doorbell register, likewise
 *
 * How each figure is timed, and what it includes, is in docs/models.md
 * ("KVM exit costs"). */
#ifndef DCSIM_KVM_PROBE_H
#define DCSIM_KVM_PROBE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/kvm-profile.h"

#define KVM_GUEST_RAM_BYTES     UINT64_C(0x400000)
#define KVM_GUEST_GDT_GPA       UINT64_C(0x1000)
#define KVM_GUEST_PT_GPA        UINT64_C(0x2000)
#define KVM_GUEST_CODE_GPA      UINT64_C(0x10000)
#define KVM_GUEST_CODE_MAX      UINT64_C(0x10000)
#define KVM_GUEST_STACK_TOP     UINT64_C(0x80000)
#define KVM_GUEST_SAMPLES_GPA   UINT64_C(0x100000)
#define KVM_GUEST_MAP_BYTES     UINT64_C(0x40000000)
#define KVM_GUEST_MMIO_GPA      UINT64_C(0x10000000)
#define KVM_GUEST_DOORBELL_GPA  UINT64_C(0x10001000)

/* --iterations: at most what fits in the sample area with the warm-up. */
#define KVM_PROBE_MAX_ITERATIONS 100000
#define KVM_PROBE_DEFAULT_ITERATIONS 10000
/* Iterations run before the measured ones and not counted (first-touch
 * costs: MMIO page-table entries, caches). */
#define KVM_PROBE_WARMUP 100

/* ------------------------------------------------------------------ */
/* Guest setup, without KVM. */

/* Page-table entry bits (Intel SDM vol. 3A, 4.5; AMD APM vol. 2, 5.3). */
#define KVM_PTE_PRESENT  UINT64_C(0x1)
#define KVM_PTE_WRITABLE UINT64_C(0x2)
#define KVM_PTE_HUGE     UINT64_C(0x80)   /* PS: a 2 MiB page in a PDE. */

/* Bytes of page tables that identity-map MAP_BYTES: a PML4, a PDPT and
 * one page directory per GiB. */
size_t kvm_guest_pt_bytes(uint64_t map_bytes);

/* Writes into TABLES (kvm_guest_pt_bytes(MAP_BYTES) bytes, 4 KiB
 * aligned) page tables that identity-map [0, MAP_BYTES) with 2 MiB
 * pages, present and writable, as they will sit at guest physical
 * address PT_GPA: the PML4 at PT_GPA, the PDPT 4 KiB above it, the page
 * directories above that.  MAP_BYTES is a nonzero multiple of 2 MiB up
 * to 512 GiB; PT_GPA is 4 KiB aligned.  Returns the CR3 value. */
uint64_t kvm_guest_page_tables(uint64_t *tables, uint64_t pt_gpa,
                               uint64_t map_bytes);

/* A segment register's hidden state, the fields of struct kvm_segment. */
struct kvm_guest_seg {
    uint64_t base;
    uint32_t limit;           /* Offset of the last byte, in bytes: with
                               * G = 1 the descriptor holds limit >> 12. */
    uint16_t selector;
    uint8_t type;             /* 11: code, execute/read, accessed;
                               * 3: data, read/write, accessed. */
    uint8_t present, dpl, db, s, l, g;
};

/* Control registers, segments and the first registers of a 64-bit
 * guest at CPL 0. */
struct kvm_guest_cpu {
    uint64_t cr0, cr3, cr4, efer;
    struct kvm_guest_seg cs;  /* L = 1: 64-bit code. */
    struct kvm_guest_seg ds;  /* Also es, fs, gs and ss. */
    uint64_t gdt_base;
    uint16_t gdt_limit;       /* Bytes - 1. */
    uint64_t rflags, rip, rsp;
};

#define KVM_CR0_PE   (UINT64_C(1) << 0)
#define KVM_CR0_MP   (UINT64_C(1) << 1)
#define KVM_CR0_ET   (UINT64_C(1) << 4)
#define KVM_CR0_NE   (UINT64_C(1) << 5)
#define KVM_CR0_WP   (UINT64_C(1) << 16)
#define KVM_CR0_PG   (UINT64_C(1) << 31)
#define KVM_CR4_PAE  (UINT64_C(1) << 5)
#define KVM_EFER_LME (UINT64_C(1) << 8)
#define KVM_EFER_LMA (UINT64_C(1) << 10)

/* Long mode with paging (CR0.PE|PG, CR4.PAE, EFER.LME|LMA), page tables
 * at CR3, flat 64-bit code and data segments that match the GDT at
 * GDT_GPA, interrupts off, starting at RIP with the stack at RSP. */
void kvm_guest_long_mode(struct kvm_guest_cpu *, uint64_t cr3,
                         uint64_t gdt_gpa, uint64_t rip, uint64_t rsp);

/* The 8-byte GDT descriptor for a segment's state. */
uint64_t kvm_guest_seg_descriptor(const struct kvm_guest_seg *);

/* Writes the GDT of CPU (null, code, data) into GDT[3]. */
void kvm_guest_gdt(const struct kvm_guest_cpu *cpu, uint64_t gdt[3]);

/* The bytes of the guest program NAME (null, pio, pio_bare, mmio_read,
 * mmio_write, hlt, cpuid, vmcall, vmmcall) assembled into the binary from
 * src/host/kvm-guest.S.  Returns false for an unknown name, or on a
 * machine other than x86-64. */
bool kvm_guest_program(const char *name, const uint8_t **code, size_t *len);

/* What /proc/cpuinfo says about the first CPU: model name, vendor,
 * vmx/svm, the hypervisor flag, and whether the TSC is invariant
 * (constant_tsc and nonstop_tsc).  Fills the profile's cpu, vendor,
 * hw_virt_flag and nested. */
void kvm_probe_parse_cpuinfo(const char *text, struct kvm_profile *,
                             bool *invariant_tsc);

/* ------------------------------------------------------------------ */
/* The probe. */

struct kvm_probe_options {
    const char *device;       /* Default "/dev/kvm". */
    uint64_t iterations;      /* 1..KVM_PROBE_MAX_ITERATIONS. */
};

struct kvm_probe_result {
    struct kvm_profile profile;
    struct kvm_exit_cost rdtsc;    /* What the guest's timing costs (two
                                    * RDTSC): subtracted from each sample,
                                    * sample by sample. */
    struct kvm_exit_cost residual; /* An empty timed loop after that
                                    * subtraction: ideally zero. */
    struct kvm_exit_cost pio_host; /* pio_user timed from user space
                                    * instead, between returns of
                                    * KVM_RUN: a check on the above. */
    bool invariant_tsc;
    uint64_t kvm_tsc_khz;          /* The vCPU's TSC rate as KVM reports
                                    * it (KVM_GET_TSC_KHZ); 0 if not. */
    const char *kvm_module;        /* kvm_intel, kvm_amd, kvm_pvm or
                                    * unknown (/sys/module). */
    const char *hypercall;         /* "vmcall" or "vmmcall". */
    char hypercall_note[320];      /* Empty, or why hypercall_kernel
                                    * could not be measured and what the
                                    * profile carries instead. */
};

/* Runs the probe.  Returns 0, or 2 with *ERR allocated, naming the step
 * that failed and why ("KVM_CREATE_VM: Permission denied").  Every run of
 * the guest is bounded by a timer and an exit count. */
int kvm_probe_run(const struct kvm_probe_options *,
                  struct kvm_probe_result *, char **err);

#endif
