/* Flow-control registry and per-port plumbing; see fc.h. */
#include "fabric/fc.h"

#include <string.h>

#include "fabric/net.h"
#include "sim/util.h"

static const struct fc_class *const fc_table[] = {
    &fc_pfc,
    &fc_ib,
};

const struct fc_class *
fc_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(fc_table); i++)
        if (!strcmp(fc_table[i]->name, name))
            return fc_table[i];
    return NULL;
}

size_t
fc_count(void)
{
    return ARRAY_SIZE(fc_table);
}

const char *
fc_name(size_t i)
{
    return fc_table[i]->name;
}

void
fc_port_attach(struct fc_port *fc, const struct fc_class *class,
               struct port *port)
{
    /* The members every provider must have (fc-provider.h). */
    sim_assert(class->name && class->ctrl_next && class->ctrl_sent &&
               class->destroy);
    fc->class = class;
    fc->port = port;
    port_attach_fc(port, fc);
}

void
fc_port_destroy(struct port *port)
{
    struct fc_port *fc = port->fc;
    if (!fc)
        return;
    port->fc = NULL;
    fc->class->destroy(fc);
}

void
fc_rx_admitted(struct net *net, struct port *port, uint8_t tc)
{
    struct fc_port *fc = port->fc;
    if (fc && fc->class->rx_admitted)
        fc->class->rx_admitted(net, fc, tc);
}

void
fc_rx_released(struct net *net, struct port *port, uint8_t tc)
{
    struct fc_port *fc = port->fc;
    if (fc && fc->class->rx_released)
        fc->class->rx_released(net, fc, tc);
}

void
fc_finish(struct net *net, uint64_t end_ps)
{
    for (uint32_t i = 0; i < net->n_ports; i++) {
        struct fc_port *fc = net->ports[i].fc;
        if (fc && fc->class->finish)
            fc->class->finish(fc, end_ps);
    }
}
