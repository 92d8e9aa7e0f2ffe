/* `dcsim kvm-probe`: measures the VM-exit costs of this machine with
 * real KVM guests (src/host/kvm-probe.c), prints them as a table and,
 * with -o FILE, writes them as a host profile (src/host/kvm-profile.c).
 * `dcsim kvm-probe --show FILE` checks a saved profile and prints it.
 *
 * The profile goes to a temporary file next to FILE, created before the
 * probe runs (so an unwritable path fails at once) and renamed over FILE
 * at the end: a failure never leaves a partial profile. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/kvm-probe.h"
#include "host/kvm-profile.h"
#include "scenario/scn-profile.h"
#include "scenario/units.h"
#include "sim/util.h"

#define CMD "kvm-probe"

struct probe_args {
    const char *out;          /* -o FILE, or NULL. */
    const char *show;         /* --show FILE, or NULL. */
    struct kvm_probe_options opt;
};

static int
parse_args(int argc, char **argv, struct probe_args *a)
{
    memset(a, 0, sizeof *a);
    a->opt.iterations = KVM_PROBE_DEFAULT_ITERATIONS;
    bool probe_option = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = !strcmp(arg, "-o") || !strcmp(arg, "--show") ||
                           !strcmp(arg, "--iterations") ||
                           !strcmp(arg, "--device");
        if (!takes_value)
            return cli_usage_error(CMD, arg[0] == '-' ? "unknown option '%s'"
                                                      : "unexpected "
                                                        "argument '%s'",
                                   arg);
        if (!value)
            return cli_usage_error(CMD, "%s needs a value", arg);
        i++;
        if (!strcmp(arg, "--show")) {
            a->show = value;
            continue;
        }
        probe_option = true;
        if (!strcmp(arg, "-o")) {
            a->out = value;
        } else if (!strcmp(arg, "--device")) {
            a->opt.device = value;
        } else {
            const char *why;
            if (!units_parse_u64(value, &a->opt.iterations, &why) ||
                a->opt.iterations < 1 ||
                a->opt.iterations > KVM_PROBE_MAX_ITERATIONS)
                return cli_usage_error(CMD, "--iterations %s: expected an "
                                            "integer 1..%d", value,
                                       KVM_PROBE_MAX_ITERATIONS);
        }
    }
    if (a->show && probe_option)
        return cli_usage_error(CMD, "--show FILE takes no other option");
    return 0;
}

static int
show(const char *path)
{
    struct kvm_profile prof;
    char *err;
    if (kvm_profile_load(path, &prof, &err)) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    kvm_profile_print_table(&prof, stdout);
    return 0;
}

/* Appends a formatted line to *TEXT (allocated, or NULL). */
static void PRINTF_FMT(2, 3)
add_line(char **text, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = xvasprintf(fmt, ap);
    va_end(ap);
    char *joined = xasprintf("%s%s\n", *text ? *text : "", line);
    free(line);
    free(*text);
    *text = joined;
}

/* What the table alone does not say: how the figures were timed, what
 * was subtracted, a check from user space, and why nested figures are
 * large.  Printed after the table and kept in the profile as comments. */
static char *
notes(const struct kvm_probe_result *r)
{
    const struct kvm_profile *p = &r->profile;
    char *t = NULL;
    add_line(&t, "Each figure: guest instruction -> exit -> handler -> "
                 "guest, timed in the guest with RDTSC;");
    add_line(&t, "exits to user space include KVM_RUN's return to dcsim "
                 "and its re-entry (docs/models.md).");
    add_line(&t, "KVM module %s, hypercall instruction %s; %" PRIu64
                 " iterations after %u warm-up ones.", r->kvm_module,
             r->hypercall, p->iterations, KVM_PROBE_WARMUP);
    add_line(&t, "Subtracted from each sample: the guest's RDTSC, timed "
                 "just before it (median %.0f cycles, p99 %.0f)%s",
             r->rdtsc.median_cycles, r->rdtsc.p99_cycles,
             r->rdtsc.median_cycles > 1000 ? ": RDTSC itself exits here."
                                           : ".");
    add_line(&t, "An empty timed loop after that: median %.0f cycles, "
                 "p99 %.0f.", r->residual.median_cycles,
             r->residual.p99_cycles);
    add_line(&t, "Check: pio_user timed in user space between KVM_RUN "
                 "returns instead: median %.1f ns, p99 %.1f ns.",
             r->pio_host.median_ns, r->pio_host.p99_ns);
    add_line(&t, "TSC %.3f GHz measured against CLOCK_MONOTONIC%s%.3f%s; "
                 "%s.", p->tsc_ghz,
             r->kvm_tsc_khz ? "; KVM gives the vCPU " : "",
             r->kvm_tsc_khz ? (double)r->kvm_tsc_khz / 1e6 : 0.0,
             r->kvm_tsc_khz ? " GHz" : "",
             r->invariant_tsc ? "invariant (constant_tsc, nonstop_tsc)"
                              : "NOT invariant: cycles may not convert "
                                "to time");
    if (r->hypercall_note[0])
        add_line(&t, "hypercall_kernel: %s.", r->hypercall_note);
    if (!strcmp(r->kvm_module, "kvm_pvm"))
        add_line(&t, "KVM here is kvm_pvm: guests run in ring 3 with shadow "
                     "page tables, without VMX or SVM, and exits are "
                     "exceptions the host kernel takes; figures differ "
                     "from hardware-assisted KVM's.");
    if (p->nested)
        add_line(&t, "This kernel is itself a guest (the CPU has the "
                     "hypervisor flag%s): the outer hypervisor adds to "
                     "whatever it intercepts, so figures are above "
                     "bare-metal ones.",
                 strcmp(p->hw_virt_flag, "none")
                     ? ""
                     : " and advertises neither vmx nor svm");
    return t;
}

/* Creates the temporary file that becomes OUT; returns its name or NULL
 * after printing why not. */
static char *
open_temp(const char *out, FILE **f)
{
    struct stat st;
    if (!stat(out, &st) && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "dcsim " CMD ": -o %s: is a directory\n", out);
        return NULL;
    }
    char *tmp = xasprintf("%s.tmp.XXXXXX", out);
    int fd = mkstemp(tmp);
    if (fd < 0 || fchmod(fd, 0644) || !(*f = fdopen(fd, "w"))) {
        fprintf(stderr, "dcsim " CMD ": -o %s: %s\n", out, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return NULL;
    }
    return tmp;
}

int
cmd_kvm_probe(int argc, char **argv)
{
    struct probe_args a;
    if (parse_args(argc, argv, &a))
        return 2;
    if (a.show)
        return show(a.show);

    FILE *f = NULL;
    char *tmp = NULL;
    if (a.out && !(tmp = open_temp(a.out, &f)))
        return 2;

    struct kvm_probe_result res;
    char *err;
    if (kvm_probe_run(&a.opt, &res, &err)) {
        fprintf(stderr, "dcsim " CMD ": %s\n", err);
        free(err);
        if (tmp) {
            fclose(f);
            unlink(tmp);
            free(tmp);
        }
        return 2;
    }
    char *text = notes(&res);
    kvm_profile_print_table(&res.profile, stdout);
    printf("\n%s", text);
    if (!tmp) {
        free(text);
        return 0;
    }

    kvm_profile_write(&res.profile, text, f);
    free(text);
    int rc = 0;
    if (ferror(f) | fclose(f) || rename(tmp, a.out)) {
        fprintf(stderr, "dcsim " CMD ": cannot write %s: %s\n", a.out,
                strerror(errno));
        unlink(tmp);
        rc = 1;
    } else {
        printf("wrote %s\n", a.out);
    }
    free(tmp);
    return rc;
}
