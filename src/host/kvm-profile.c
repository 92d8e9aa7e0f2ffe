/* Host profiles of VM-exit costs: writing and printing; see
 * kvm-profile.h.  Reading them back is the scenario reader's job
 * (scenario/scn-profile.c). */
#include "host/kvm-profile.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

#define KIND(field, what) { #field, what, offsetof(struct kvm_profile, field) }
const struct kvm_exit_kind kvm_exit_kinds[KVM_N_EXIT_KINDS] = {
    KIND(pio_user, "OUT to an I/O port, handled in user space"),
    KIND(mmio_user, "MMIO read, handled in user space"),
    KIND(hlt_user, "HLT, KVM_EXIT_HLT to user space"),
    KIND(hypercall_kernel, "hypercall (VMCALL/VMMCALL), handled in KVM"),
    KIND(cpuid_kernel, "CPUID, handled in KVM"),
    KIND(doorbell_mmio_user, "doorbell MMIO write, user-space backend"),
    KIND(doorbell_ioeventfd, "doorbell MMIO write, ioeventfd in KVM"),
};
#undef KIND

struct kvm_exit_cost *
kvm_profile_exit(struct kvm_profile *p, size_t i)
{
    sim_assert(i < KVM_N_EXIT_KINDS);
    return (struct kvm_exit_cost *)(void *)((char *)p +
                                            kvm_exit_kinds[i].offset);
}

const struct kvm_exit_cost *
kvm_profile_exit_c(const struct kvm_profile *p, size_t i)
{
    return kvm_profile_exit((struct kvm_profile *)p, i);
}

/* ------------------------------------------------------------------ */
/* Writing and printing. */

void
kvm_profile_write(const struct kvm_profile *p, const char *comment,
                  FILE *f)
{
    fprintf(f, "# dcsim host profile: VM-exit costs measured by "
               "`dcsim kvm-probe`.\n"
               "# What each figure includes: docs/models.md, \"KVM exit "
               "costs\".\n");
    for (const char *s = comment; s && *s;) {
        size_t len = strcspn(s, "\n");
        fprintf(f, "# %.*s\n", (int)len, s);
        s += len + (s[len] == '\n');
    }
    fprintf(f, "kvm_profile:\n  cpu: \"");
    for (const char *s = p->cpu; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
    }
    fprintf(f, "\"\n  vendor: %s\n  hw_virt_flag: %s\n  nested: %s\n"
               "  tsc_ghz: %.3f\n  iterations: %" PRIu64 "\n  exits:\n",
            p->vendor, p->hw_virt_flag, p->nested ? "true" : "false",
            p->tsc_ghz, p->iterations);
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++) {
        const struct kvm_exit_cost *c = kvm_profile_exit_c(p, i);
        fprintf(f, "    %s:%*s{median_ns: %.1f, p99_ns: %.1f, "
                   "median_cycles: %.0f, p99_cycles: %.0f}\n",
                kvm_exit_kinds[i].name,
                (int)(19 - strlen(kvm_exit_kinds[i].name)), "",
                c->median_ns, c->p99_ns, c->median_cycles, c->p99_cycles);
    }
}

void
kvm_profile_print_table(const struct kvm_profile *p, FILE *f)
{
    fprintf(f, "host: %s (vendor %s, hardware virtualization flag %s, "
               "nested %s)\n"
               "TSC %.3f GHz, %" PRIu64 " iterations per exit kind\n\n",
            p->cpu, p->vendor, p->hw_virt_flag, p->nested ? "yes" : "no",
            p->tsc_ghz, p->iterations);
    fprintf(f, "%-19s %10s %10s %10s %10s  %s\n", "exit", "median_ns",
            "p99_ns", "median_cyc", "p99_cyc", "what");
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++) {
        const struct kvm_exit_cost *c = kvm_profile_exit_c(p, i);
        fprintf(f, "%-19s %10.1f %10.1f %10.0f %10.0f  %s\n",
                kvm_exit_kinds[i].name, c->median_ns, c->p99_ns,
                c->median_cycles, c->p99_cycles, kvm_exit_kinds[i].what);
    }
}
