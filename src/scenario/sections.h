/* The scenario's sections, one file each (scn-*.c), as scenario.c calls
 * them: scn_parse_X() reads section X of the file into its struct, and
 * scn_resolve_X() resolves the names it holds once the graph is built.
 * Each returns false with the first error recorded in the ctx (read.h).
 * Internal to src/scenario/. */
#ifndef DCSIM_SCENARIO_SECTIONS_H
#define DCSIM_SCENARIO_SECTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario/keys.h"
#include "scenario/scenario.h"

struct ctx;
struct ynode;
struct ypair;

/* scn-topology.c */
bool scn_parse_topology(struct ctx *c, const struct ypair *pair,
                        struct topo_spec *t);
bool scn_build_graph(struct ctx *c, const struct ynode *root,
                     const struct scenario_override *overrides,
                     size_t n_overrides, struct scenario *scn);

/* scn-switch.c */
bool scn_parse_scheduler(struct ctx *c, const struct ynode *map,
                         const char *path, const char **scheduler,
                         struct ets_spec *ets);
bool scn_parse_switch(struct ctx *c, const struct ynode *map,
                      struct switch_spec *sw, bool pfc);

/* scn-host.c */
bool scn_parse_host(struct ctx *c, const struct ynode *map,
                    struct host_spec *h, bool ib);
bool scn_resolve_stall(struct ctx *c, const struct ynode *root,
                       struct scenario *scn);

/* scn-server.c */
void scn_server_spec_free(struct server_spec *s);
bool scn_parse_server(struct ctx *c, const struct ynode *map,
                      struct scenario *scn);
bool scn_resolve_server_nodes(struct ctx *c, const struct ynode *root,
                              struct scenario *scn);
void scn_server_defaults(struct server_spec *s);

/* scn-vm.c */
bool scn_parse_vm(struct ctx *c, const struct ynode *map, const char *parent,
                  uint32_t n_cores, struct vm_spec *v);
void scn_vm_defaults(struct vm_spec *v);

/* scn-qos.c */
bool scn_parse_qos_nodes(struct ctx *c, const struct ynode *map,
                         struct scenario *scn);
bool scn_parse_qos(struct ctx *c, const struct ynode *map,
                   struct qos_spec *q);
bool scn_resolve_qos_nodes(struct ctx *c, const struct ynode *root,
                           struct scenario *scn);

/* scn-pfc.c */
bool scn_parse_pfc(struct ctx *c, const struct ynode *map,
                   struct pfc_spec *p);

/* scn-tcp.c */
bool scn_parse_tcp(struct ctx *c, const struct ynode *map, const char *path,
                   struct tcp_spec *t);

/* scn-rdma.c */
bool scn_parse_rdma(struct ctx *c, const struct ynode *map,
                    struct rdma_spec *r);

/* scn-faults.c */
bool scn_parse_faults(struct ctx *c, const struct ynode *map,
                      struct fault_spec *f);

/* scn-control.c */
bool scn_parse_control(struct ctx *c, const struct ynode *map,
                       struct control_spec *s);
void scn_control_defaults(struct control_spec *s);
bool scn_resolve_events(struct ctx *c, const struct ynode *root,
                        struct scenario *scn);
void scn_control_spec_free(struct control_spec *s);

/* scn-traffic.c */
bool scn_parse_traffic(struct ctx *c, const struct ynode *seq,
                       struct scenario *scn);
bool scn_resolve_host(struct ctx *c, const struct scenario *scn,
                      const struct ynode *n, const char *path,
                      uint32_t *host);
bool scn_resolve_traffic(struct ctx *c, const struct ynode *seq,
                         struct scenario *scn);

/* scn-monitor.c */
bool scn_parse_monitor(struct ctx *c, const struct ynode *map,
                       struct monitor_spec *m);
bool scn_resolve_monitor(struct ctx *c, const struct ynode *map,
                         struct scenario *scn);

/* scn-ib.c */
bool scn_parse_fabric(struct ctx *c, const struct ynode *root,
                      struct scenario *scn);
/* RoCE packets of rdma.mtu (or rdma.payload) bytes fit the IP mtu. */
bool scn_check_rdma(struct ctx *c, const struct ynode *root,
                    const struct scenario *scn);
bool scn_check_ib(struct ctx *c, const struct ynode *root,
                  struct scenario *scn);
/* switch.ecmp_hash ns3: refuses an InfiniBand fabric, an overlay, and
 * node names that are not the simulator's ids (hN, sN). */
bool scn_check_ecmp_hash(struct ctx *c, const struct ynode *root,
                         const struct scenario *scn);
bool scn_check_ib_lids(struct ctx *c, const struct ynode *root,
                       const struct scenario *scn);
/* scn-overlay.c */
bool scn_parse_overlay(struct ctx *c, const struct ynode *map,
                       struct overlay_spec *o);
bool scn_resolve_overlay(struct ctx *c, const struct ynode *root,
                         struct scenario *scn);
void scn_overlay_spec_free(struct overlay_spec *o);
/* The server spec of host H (its server.nodes entry or the section's). */
const struct server_spec *scn_server_spec_of(const struct scenario *scn,
                                             uint32_t h);

/* scn-evpn.c */
bool scn_parse_evpn(struct ctx *c, const struct ynode *map,
                    struct evpn_spec *e);
void scn_evpn_defaults(struct evpn_spec *e);
bool scn_resolve_evpn(struct ctx *c, const struct ynode *root,
                      struct scenario *scn);
/* Events: vm_move's target (two hosts of one EVPN tenant). */
bool scn_resolve_vm_move(struct ctx *c, const struct scenario *scn,
                         const struct ynode *n, const char *path,
                         uint32_t *from, uint32_t *to);
void scn_evpn_spec_free(struct evpn_spec *e);

/* scn-storage.c */
bool scn_parse_storage(struct ctx *c, const struct ynode *map,
                       struct storage_spec *s);
bool scn_resolve_storage(struct ctx *c, const struct ynode *map,
                         struct scenario *scn);
void scn_storage_defaults(struct storage_spec *s);
void scn_storage_spec_free(struct storage_spec *s);

/* The key tables of the sections (keys.h), for the reference. */
extern const struct key_section scn_faults_keys;
extern const struct key_section scn_control_keys;
extern const struct key_section scn_event_keys;
extern const struct key_section scn_evpn_keys;
extern const struct key_section scn_evpn_policy_keys;
extern const struct key_section scn_evpn_rr_policy_keys;
extern const struct key_section scn_evpn_neighbor_keys;
extern const struct key_section scn_evpn_neighbor_map_keys;
extern const struct key_section scn_tcp_keys;
extern const struct key_section scn_pfc_keys;
extern const struct key_section scn_pfc_watchdog_keys;
extern const struct key_section scn_rdma_keys;
extern const struct key_section scn_hpcc_keys;
extern const struct key_section scn_dcqcn_keys;
extern const struct key_section scn_ib_keys;
extern const struct key_section scn_switch_keys;
extern const struct key_section scn_ecn_keys;
extern const struct key_section scn_ecn_rate_keys;
extern const struct key_section scn_ets_keys;
extern const struct key_section scn_host_keys;
extern const struct key_section scn_stall_keys;
extern const struct key_section scn_topology_keys[4];
extern const struct key_section scn_link_keys;
extern const struct key_section scn_node_keys;
extern const struct key_section scn_cable_keys;
extern const struct key_section scn_server_keys;
extern const struct key_section scn_cpu_cost_keys;
extern const struct key_section scn_vm_keys;
extern const struct key_section scn_vm_rate_limit_keys;
extern const struct key_section scn_vm_cost_keys;
extern const struct key_section scn_blk_keys;
extern const struct key_section scn_blk_device_keys;
extern const struct key_section scn_blk_limiter_keys;
extern const struct key_section scn_bucket_bytes_keys;
extern const struct key_section scn_bucket_ops_keys;
extern const struct key_section scn_blk_job_keys;
extern const struct key_section scn_blk_cost_keys;
extern const struct key_section scn_qos_keys;
extern const struct key_section scn_qos_node_keys;
extern const struct key_section scn_monitor_keys;
extern const struct key_section scn_monitor_pcap_keys;
extern const struct key_section scn_traffic_keys;
extern const struct key_section scn_flow_keys;
extern const struct key_section scn_flow_size_keys;
extern const struct key_section scn_overlay_keys;
extern const struct key_section scn_tenant_keys;
extern const struct key_section scn_vswitch_keys;
extern const struct key_section scn_identity_keys;
extern const struct key_section scn_allow_keys;
extern const struct key_section scn_storage_keys;
extern const struct key_section scn_storage_device_keys;
extern const struct key_section scn_storage_cost_keys;
extern const struct key_section scn_storage_job_keys;
extern const struct key_section scn_top_keys;

#endif
