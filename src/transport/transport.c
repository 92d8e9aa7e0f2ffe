/* Transport registry and shared helpers; see transport.h. */
#include "transport/transport.h"

#include <string.h>

#include "fabric/net.h"
#include "sim/util.h"
#include "workload/flow.h"
#include "workload/workload.h"

static const struct transport_class *const transport_table[] = {
    &transport_udp,
};

const struct transport_class *
transport_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(transport_table); i++)
        if (!strcmp(transport_table[i]->name, name))
            return transport_table[i];
    return NULL;
}

size_t
transport_count(void)
{
    return ARRAY_SIZE(transport_table);
}

const char *
transport_name(size_t i)
{
    return transport_table[i]->name;
}

void
transport_flow_done(struct net *net, struct flow *f)
{
    sim_assert(!f->completed);
    f->completed = true;
    f->end_ps = net->sim.now_ps;
    net->st.flows_completed++;
    workload_flow_done(net, f);
}
