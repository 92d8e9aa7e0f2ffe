/* Reading host profiles of VM-exit costs (host/kvm-profile.h), written
 * by `dcsim kvm-probe -o` and named by `server.vm.profile`.  The reader
 * walks the YAML tree of ytree.c against a fixed schema: every key is
 * required and no other is allowed, because the file is written by the
 * probe and a key the model does not know is more likely a typo than an
 * intent. */
#include "scenario/scn-profile.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/units.h"
#include "scenario/ytree.h"
#include "sim/util.h"

/* Profiles are a few hundred bytes; anything far larger is not one. */
#define MAX_PROFILE_MIB 1

struct loader {
    const char *file;
    char *err;                /* The first error. */
};

static bool PRINTF_FMT(3, 4)
fail(struct loader *l, const struct ymark *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!l->err)
        l->err = ytree_vmessage(l->file, m, fmt, ap);
    va_end(ap);
    return false;
}

/* "PATH is VALUE; expected FORM", at the value. */
static bool
fail_form(struct loader *l, const struct ynode *n, const char *path,
          const char *form)
{
    if (n->kind != YNODE_SCALAR)
        return fail(l, &n->mark, "%s is a %s; expected %s", path,
                    n->kind == YNODE_MAPPING ? "mapping" : "sequence", form);
    if (ytree_is_null(n))
        return fail(l, &n->mark, "%s is empty; expected %s", path, form);
    return fail(l, &n->mark, "%s is '%.40s%s'; expected %s", path, n->text,
                strlen(n->text) > 40 ? "..." : "", form);
}

/* N must be a mapping with exactly the keys KEYS. */
static bool
check_mapping(struct loader *l, const struct ynode *n, const char *path,
              const char *const *keys, size_t n_keys, const char *form)
{
    if (n->kind != YNODE_MAPPING)
        return fail_form(l, n, path, form);
    for (size_t i = 0; i < n->n_pairs; i++) {
        size_t k = 0;
        while (k < n_keys && strcmp(n->pairs[i].key, keys[k]))
            k++;
        if (k == n_keys)
            return fail(l, &n->pairs[i].key_mark,
                        "unknown key '%s' in %s; expected %s",
                        n->pairs[i].key, path, form);
    }
    for (size_t k = 0; k < n_keys; k++)
        if (!ytree_get(n, keys[k]))
            return fail(l, &n->mark, "%s has no '%s'; expected %s", path,
                        keys[k], form);
    return true;
}

/* A plain (unquoted) finite number >= 0, or > 0 if POSITIVE. */
static bool
read_number(struct loader *l, const struct ynode *n, const char *path,
            bool positive, double *out)
{
    const char *form = positive ? "a number > 0" : "a number >= 0";
    if (n->kind != YNODE_SCALAR || n->quoted || ytree_is_null(n) ||
        strspn(n->text, "0123456789.eE+-") != strlen(n->text))
        return fail_form(l, n, path, form);
    char *end;
    errno = 0;
    double v = strtod(n->text, &end);
    if (*end || errno || !isfinite(v) || v < 0 || (positive && v == 0))
        return fail_form(l, n, path, form);
    *out = v;
    return true;
}

/* One of CHOICES (a NULL-terminated list), copied into OUT (SIZE bytes,
 * larger than every choice). */
static bool
read_choice(struct loader *l, const struct ynode *n, const char *path,
            const char *const *choices, const char *form, char *out,
            size_t size)
{
    for (size_t i = 0; n->kind == YNODE_SCALAR && choices[i]; i++)
        if (!strcmp(n->text, choices[i])) {
            snprintf(out, size, "%s", choices[i]);
            return true;
        }
    return fail_form(l, n, path, form);
}

static bool
read_exit(struct loader *l, const struct ynode *n, const char *name,
          struct kvm_exit_cost *c)
{
    static const char *const keys[] = { "median_ns", "p99_ns",
                                        "median_cycles", "p99_cycles" };
    double *fields[] = { &c->median_ns, &c->p99_ns, &c->median_cycles,
                         &c->p99_cycles };
    char path[80];
    snprintf(path, sizeof path, "kvm_profile.exits.%s", name);
    if (!check_mapping(l, n, path, keys, ARRAY_SIZE(keys),
                       "a mapping with median_ns, p99_ns, median_cycles "
                       "and p99_cycles"))
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        char field[112];
        snprintf(field, sizeof field, "%s.%s", path, keys[i]);
        if (!read_number(l, ytree_get(n, keys[i]), field, false, fields[i]))
            return false;
    }
    /* A percentile below the median is not a distribution. */
    for (size_t i = 0; i < 2; i++)
        if (*fields[2 * i + 1] < *fields[2 * i])
            return fail(l, &ytree_get(n, keys[2 * i + 1])->mark,
                        "%s.%s is below %s.%s; expected p99 >= median",
                        path, keys[2 * i + 1], path, keys[2 * i]);
    return true;
}

static bool
read_profile(struct loader *l, const struct ynode *n, struct kvm_profile *p)
{
    static const char *const keys[] = { "cpu", "vendor", "hw_virt_flag",
                                        "nested", "tsc_ghz", "iterations",
                                        "exits" };
    static const char *const vendors[] = { "amd", "intel", "other", NULL };
    static const char *const flags[] = { "vmx", "svm", "none", NULL };
    static const char *const bools[] = { "true", "false", NULL };
    const char *form = "a mapping with cpu, vendor, hw_virt_flag, nested, "
                       "tsc_ghz, iterations and exits";
    if (!check_mapping(l, n, "kvm_profile", keys, ARRAY_SIZE(keys), form))
        return false;

    const struct ynode *cpu = ytree_get(n, "cpu");
    if (cpu->kind != YNODE_SCALAR || ytree_is_null(cpu) ||
        strlen(cpu->text) >= sizeof p->cpu)
        return fail_form(l, cpu, "kvm_profile.cpu",
                         "the CPU's model name, below 128 bytes");
    snprintf(p->cpu, sizeof p->cpu, "%s", cpu->text);

    char nested[8];
    uint64_t iterations;
    const char *why;
    const struct ynode *it = ytree_get(n, "iterations");
    if (!read_choice(l, ytree_get(n, "vendor"), "kvm_profile.vendor",
                     vendors, "amd, intel or other", p->vendor,
                     sizeof p->vendor) ||
        !read_choice(l, ytree_get(n, "hw_virt_flag"),
                     "kvm_profile.hw_virt_flag", flags, "vmx, svm or none",
                     p->hw_virt_flag, sizeof p->hw_virt_flag) ||
        !read_choice(l, ytree_get(n, "nested"), "kvm_profile.nested", bools,
                     "true or false", nested, sizeof nested) ||
        !read_number(l, ytree_get(n, "tsc_ghz"), "kvm_profile.tsc_ghz",
                     true, &p->tsc_ghz))
        return false;
    p->nested = !strcmp(nested, "true");
    if (it->kind != YNODE_SCALAR || it->quoted ||
        !units_parse_u64(it->text, &iterations, &why) || !iterations)
        return fail_form(l, it, "kvm_profile.iterations", "an integer >= 1");
    p->iterations = iterations;

    const char *names[KVM_N_EXIT_KINDS];
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++)
        names[i] = kvm_exit_kinds[i].name;
    const struct ynode *exits = ytree_get(n, "exits");
    if (!check_mapping(l, exits, "kvm_profile.exits", names,
                       KVM_N_EXIT_KINDS,
                       "a mapping with pio_user, mmio_user, hlt_user, "
                       "hypercall_kernel, cpuid_kernel, doorbell_mmio_user "
                       "and doorbell_ioeventfd"))
        return false;
    for (size_t i = 0; i < KVM_N_EXIT_KINDS; i++)
        if (!read_exit(l, ytree_get(exits, names[i]), names[i],
                       kvm_profile_exit(p, i)))
            return false;
    return true;
}

int
kvm_profile_load(const char *path, struct kvm_profile *out, char **err)
{
    struct loader l = { path, NULL };
    struct ynode *root = NULL;
    char *text = NULL;
    size_t len;
    static const char *const top[] = { "kvm_profile" };

    memset(out, 0, sizeof *out);
    if (!read_whole_file(path, MAX_PROFILE_MIB, "a host profile written by "
                         "dcsim kvm-probe", &text, &len, &l.err) &&
        ytree_parse(path, text, len, &root, &l.err)) {
        struct ynode empty = { .kind = YNODE_SCALAR, .mark = { 1, 1, NULL },
                               .text = (char *)"" };
        const struct ynode *r = root ? root : &empty;
        if (check_mapping(&l, r, "the file", top, 1,
                          "a mapping with the key kvm_profile"))
            read_profile(&l, ytree_get(r, "kvm_profile"), out);
    }
    ytree_free(root);
    free(text);
    if (l.err) {
        memset(out, 0, sizeof *out);
        *err = l.err;
        return 2;
    }
    *err = NULL;
    return 0;
}
