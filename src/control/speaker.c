/* The list of BGP speakers; see speaker.h. */
#include "control/speaker.h"

#include <stdlib.h>

#include "sim/util.h"

size_t
ctl_speakers_add(struct ctl_speakers *l, uint32_t node, const char *role,
                 uint32_t asn)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n] = (struct ctl_speaker){ .node = node, .role = role,
                                       .asn = asn };
    return l->n++;
}

void
ctl_speakers_free(struct ctl_speakers *l)
{
    free(l->v);
    *l = (struct ctl_speakers){ 0 };
}
