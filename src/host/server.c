/* Building servers from the scenario; see server.h. */
#include "host/server.h"

#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "host/edge.h"
#include "host/host.h"

const struct server_spec *
server_spec_of(const struct edge_config *cfg, uint32_t h)
{
    for (size_t i = 0; i < cfg->n_server_nodes; i++)
        if (cfg->server_nodes[i].host == h)
            return &cfg->server_nodes[i].spec;
    return cfg->server;
}

static void rxq_init(struct rxq *q, struct sim *sim, struct server *srv,
                     struct vm *vm, struct core *core);

static void
vm_init(struct net *net, struct server *srv, struct vm *vm, uint32_t index)
{
    const struct vm_spec *v = &srv->spec->vm;
    vm->srv = srv;
    vm->index = index;
    vm->n_vcpus = v->vcpus;
    vm->vcpu = xcalloc(v->vcpus, sizeof *vm->vcpu);
    for (uint32_t i = 0; i < v->vcpus; i++) {
        uint32_t k = index * v->vcpus + i;
        uint32_t core = v->n_vcpu_cores ? v->vcpu_cores[k % v->n_vcpu_cores]
                                        : 2 + k % (srv->n_cores > 2
                                                       ? srv->n_cores - 2
                                                       : 1);
        vm->vcpu[i] = &srv->cores[core % srv->n_cores];
    }
    vm->backend = &srv->cores[v->backend_cores[index % v->n_backend_cores]];
    bool vf = v->io == VM_IO_SRIOV;
    vm->ring = (struct ring){ .size = vf ? srv->spec->tx_ring : 256, .nic = vf };
    rxq_init(&vm->vf_rxq, &net->sim, srv, vm, vm->vcpu[0]);
    uint32_t sets = v->iotlb_entries / TLB_WAYS;
    vm->iotlb.sets = sets ? sets : 1;
    vm->iotlb.tag = xcalloc((size_t)vm->iotlb.sets * TLB_WAYS,
                            sizeof *vm->iotlb.tag);
    vm->iotlb.age = xcalloc((size_t)vm->iotlb.sets * TLB_WAYS,
                            sizeof *vm->iotlb.age);
    vm->tokens = (double)v->rl_burst_bytes;
    vm->gro_flow = UINT32_MAX;
    event_init(&net->sim, &vm->tb_wake, server_tb_wake);
    if (v->blk.on)
        vblk_init(net, vm);
}

static void
rxq_init(struct rxq *q, struct sim *sim, struct server *srv, struct vm *vm,
         struct core *core)
{
    memset(q, 0, sizeof *q);
    q->srv = srv;
    q->vm = vm;
    q->core = core;
    q->gro_flow = UINT32_MAX;
    event_init(sim, &q->timer, server_rxq_timer);
}

int
servers_create(struct net *net, char **err)
{
    (void)err;
    const struct edge_config *cfg = &edge_of(net)->cfg;
    edge_of(net)->servers = xcalloc(net->n_hosts ? net->n_hosts : 1,
                           sizeof *edge_of(net)->servers);
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        struct server *srv = &edge_of(net)->servers[h];
        const struct server_spec *s = server_spec_of(cfg, h);
        srv->host = &edge_of(net)->hosts[h];
        srv->host->srv = srv;
        srv->spec = s;
        srv->ps_per_cycle = 1000.0 / s->ghz;
        srv->n_cores = s->sockets * s->cores_per_socket;
        srv->cores = xcalloc(srv->n_cores, sizeof *srv->cores);
        for (uint32_t i = 0; i < srv->n_cores; i++)
            core_init(&srv->cores[i], &net->sim, srv, i,
                      (uint8_t)(i / s->cores_per_socket), s->tlb_entries);
        srv->ring = (struct ring){ .size = s->tx_ring, .nic = true };
        server_dma_init(&srv->tx_dma, &net->sim, srv, false);
        server_dma_init(&srv->rx_dma, &net->sim, srv, true);
        srv->n_rxqs = (uint32_t)s->n_irq_cores;
        srv->rxqs = xcalloc(srv->n_rxqs, sizeof *srv->rxqs);
        for (uint32_t i = 0; i < srv->n_rxqs; i++)
            rxq_init(&srv->rxqs[i], &net->sim, srv, NULL,
                     &srv->cores[s->irq_cores[i]]);
        if (s->has_vm) {
            srv->n_vms = s->vm.count;
            srv->vms = xcalloc(srv->n_vms, sizeof *srv->vms);
            for (uint32_t i = 0; i < srv->n_vms; i++)
                vm_init(net, srv, &srv->vms[i], i);
        }
    }
    return 0;
}

void
servers_destroy(struct net *net)
{
    if (!edge_of(net)->servers)
        return;
    for (uint32_t h = 0; h < net->n_hosts; h++) {
        struct server *srv = &edge_of(net)->servers[h];
        for (uint32_t i = 0; i < srv->n_cores; i++)
            core_uninit(&srv->cores[i]);
        free(srv->cores);
        free(srv->rxqs);
        for (uint32_t i = 0; i < srv->n_vms; i++) {
            free(srv->vms[i].vcpu);
            free(srv->vms[i].iotlb.tag);
            free(srv->vms[i].iotlb.age);
            vblk_free(srv->vms[i].blk);
        }
        free(srv->vms);
    }
    free(edge_of(net)->servers);
    edge_of(net)->servers = NULL;
    cpu_pool_free(&edge_of(net)->cpu_pool);
}
