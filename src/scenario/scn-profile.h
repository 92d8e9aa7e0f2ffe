/* Reading a host profile of VM-exit costs (host/kvm-profile.h) back from
 * the file `dcsim kvm-probe -o` wrote; scn-profile.c. */
#ifndef DCSIM_SCN_PROFILE_H
#define DCSIM_SCN_PROFILE_H 1

#include "host/kvm-profile.h"

/* Reads the profile at PATH into *OUT.  Returns 0, or 2 with *ERR
 * allocated ("FILE:LINE:COL: what is wrong; expected ...", or
 * "FILE: cannot open: ...") and *OUT zeroed. */
int kvm_profile_load(const char *path, struct kvm_profile *out, char **err);

#endif
