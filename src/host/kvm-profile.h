/* A host profile: the VM-exit costs that `dcsim kvm-probe` measured on a
 * real machine (src/host/kvm-probe.c), as a YAML file that the
 * virtualization model reads to set its exit costs.
 *
 * kvm_profile_write() writes the file, kvm_profile_load() (scenario/scn-profile.h) reads it back
 * and checks it the way scenario files are checked: an unknown key, a
 * missing one, or a value of the wrong form is an error naming
 * FILE:LINE:COLUMN and the expected form.  docs/models.md ("KVM exit
 * costs") explains each figure and how the model uses it. */
#ifndef DCSIM_KVM_PROFILE_H
#define DCSIM_KVM_PROFILE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One kind of exit, round trip from the guest instruction that exits to
 * the guest's next instruction: median and 99th percentile (nearest
 * rank) over the probe's iterations, in nanoseconds and in TSC cycles. */
struct kvm_exit_cost {
    double median_ns, p99_ns;
    double median_cycles, p99_cycles;
};

struct kvm_profile {
    char cpu[128];            /* /proc/cpuinfo "model name". */
    char vendor[16];          /* "amd", "intel" or "other". */
    char hw_virt_flag[8];     /* "vmx", "svm" or "none": what /proc/cpuinfo
                               * advertises. */
    bool nested;              /* /proc/cpuinfo has the "hypervisor" flag:
                               * this kernel is itself a guest. */
    double tsc_ghz;           /* TSC frequency, GHz (> 0). */
    uint64_t iterations;      /* Samples per exit kind (> 0). */
    struct kvm_exit_cost pio_user;           /* OUT, KVM_EXIT_IO. */
    struct kvm_exit_cost mmio_user;          /* MMIO read, KVM_EXIT_MMIO. */
    struct kvm_exit_cost hlt_user;           /* HLT, KVM_EXIT_HLT. */
    struct kvm_exit_cost hypercall_kernel;   /* VMCALL/VMMCALL in KVM. */
    struct kvm_exit_cost cpuid_kernel;       /* CPUID in KVM. */
    struct kvm_exit_cost doorbell_mmio_user; /* MMIO write, KVM_EXIT_MMIO. */
    struct kvm_exit_cost doorbell_ioeventfd; /* MMIO write, ioeventfd. */
};

/* The exit kinds in profile order, with their YAML key and a short
 * description for tables. */
struct kvm_exit_kind {
    const char *name;         /* The key under "exits:". */
    const char *what;         /* One line for people. */
    size_t offset;            /* Of its struct kvm_exit_cost in the
                               * profile. */
};

#define KVM_N_EXIT_KINDS 7
extern const struct kvm_exit_kind kvm_exit_kinds[KVM_N_EXIT_KINDS];

/* The cost of kvm_exit_kinds[I] in P. */
struct kvm_exit_cost *kvm_profile_exit(struct kvm_profile *p, size_t i);
const struct kvm_exit_cost *kvm_profile_exit_c(const struct kvm_profile *p,
                                               size_t i);

/* Writes P as a profile file that kvm_profile_load()
 * (scenario/scn-profile.h) reads back.
 * COMMENT (or NULL) is written first as YAML comment lines: how the
 * figures were obtained, for people. */
void kvm_profile_write(const struct kvm_profile *p, const char *comment,
                       FILE *f);

/* Prints P as a table for people: one row per exit kind. */
void kvm_profile_print_table(const struct kvm_profile *p, FILE *f);

#endif
