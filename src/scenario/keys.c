/* The key reference (keys.h): every section's key table, in the order of
 * docs/scenario.md, and `dcsim keys`, which prints them.  The tables
 * themselves live beside their parsers (scn-*.c). */
#include "scenario/keys.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/sections.h"
#include "sim/util.h"

static const struct key_section *const sections[] = {
    &scn_top_keys,
    &scn_topology_keys[0],
    &scn_topology_keys[1],
    &scn_topology_keys[2],
    &scn_topology_keys[3],
    &scn_link_keys,
    &scn_node_keys,
    &scn_cable_keys,
    &scn_switch_keys,
    &scn_ets_keys,
    &scn_ecn_keys,
    &scn_ecn_rate_keys,
    &scn_qos_keys,
    &scn_qos_node_keys,
    &scn_pfc_keys,
    &scn_pfc_watchdog_keys,
    &scn_host_keys,
    &scn_stall_keys,
    &scn_server_keys,
    &scn_cpu_cost_keys,
    &scn_vm_keys,
    &scn_vm_rate_limit_keys,
    &scn_vm_cost_keys,
    &scn_blk_keys,
    &scn_blk_job_keys,
    &scn_blk_device_keys,
    &scn_blk_limiter_keys,
    &scn_bucket_bytes_keys,
    &scn_bucket_ops_keys,
    &scn_blk_cost_keys,
    &scn_tcp_keys,
    &scn_rdma_keys,
    &scn_hpcc_keys,
    &scn_dcqcn_keys,
    &scn_ib_keys,
    &scn_faults_keys,
    &scn_event_keys,
    &scn_control_keys,
    &scn_evpn_keys,
    &scn_evpn_policy_keys,
    &scn_evpn_rr_policy_keys,
    &scn_evpn_neighbor_keys,
    &scn_evpn_neighbor_map_keys,
    &scn_traffic_keys,
    &scn_flow_size_keys,
    &scn_flow_keys,
    &scn_monitor_keys,
    &scn_overlay_keys,
    &scn_tenant_keys,
    &scn_vswitch_keys,
    &scn_identity_keys,
    &scn_allow_keys,
    &scn_monitor_pcap_keys,
    &scn_storage_keys,
    &scn_storage_device_keys,
    &scn_storage_cost_keys,
    &scn_storage_job_keys,
};

const struct key_section *const *
scenario_key_sections(size_t *n)
{
    *n = ARRAY_SIZE(sections);
    return sections;
}

/* "integer 1..8", or "integer >= 1" when MAX is only the type's limit. */
static void
integer_text(char *buf, size_t size, uint64_t min, uint64_t max)
{
    if (max == UINT32_MAX || max == UINT64_MAX)
        snprintf(buf, size, "integer >= %" PRIu64, min);
    else
        snprintf(buf, size, "integer %" PRIu64 "..%" PRIu64, min, max);
}

/* ", at most 1TiB" for a key with its own maximum: LIMIT up to its
 * colon. */
static void
max_text(const struct key *k, char *buf, size_t size)
{
    buf[0] = '\0';
    if (k->max && k->limit)
        snprintf(buf, size, ", at most %.*s", (int)strcspn(k->limit, ":"),
                 k->limit);
}

void
key_type_text(const struct key *k, char *buf, size_t size)
{
    const char *gt0 = k->min ? " > 0" : "";
    char most[64];
    max_text(k, most, sizeof most);
    switch (k->type) {
    case KEY_U8:
    case KEY_U16:
    case KEY_U32:
    case KEY_U64:
        integer_text(buf, size, k->min, k->max);
        return;
    case KEY_TC:
        snprintf(buf, size, "integer 0..7");
        return;
    case KEY_BOOL:
        snprintf(buf, size, "bool");
        return;
    case KEY_SIZE:
        snprintf(buf, size, "size%s%s", gt0, most);
        return;
    case KEY_DURATION:
        snprintf(buf, size, "duration%s%s", gt0, most);
        return;
    case KEY_RATE:
        snprintf(buf, size, "rate");
        return;
    case KEY_RATE_LINE:
        snprintf(buf, size, "rate, or line");
        return;
    case KEY_SIZE_AUTO:
        snprintf(buf, size, "%s, or size > 0%s", k->word, most);
        return;
    case KEY_DURATION_AUTO:
        snprintf(buf, size, "%s, or duration > 0%s", k->word, most);
        return;
    case KEY_FRACTION:
    case KEY_DECIMAL:
        /* The form of the messages, without its article. */
        snprintf(buf, size, "%s", strncmp(k->form, "a ", 2) ? k->form
                                                             : k->form + 2);
        return;
    case KEY_CYCLES:
        snprintf(buf, size, "cycles 0..1e9");
        return;
    case KEY_CUSTOM:
        snprintf(buf, size, "%s", k->what);
        return;
    }
    snprintf(buf, size, "?");
}

/* The variants key K of SEC is valid in: "pattern incast, pattern
 * random"; empty when in all. */
static void
variant_text(const struct key_section *sec, const struct key *k, char *buf,
             size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    if (sec->only)
        n = (size_t)snprintf(buf, size, "%s", sec->only);
    for (size_t v = 0; k->variants && v < sec->n_variants && n < size; v++)
        if (k->variants >> v & 1)
            n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
                                  sec->variants[v]);
}

void
scenario_keys_print(FILE *out)
{
    fprintf(out, "KEY\tTYPE\tDEFAULT\tHELP\n");
    for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
        const struct key_section *sec = sections[s];
        for (size_t i = 0; i < sec->n_keys; i++) {
            const struct key *k = &sec->keys[i];
            char type[128], only[160];
            key_type_text(k, type, sizeof type);
            variant_text(sec, k, only, sizeof only);
            fprintf(out, "%s%s%s\t%s\t%s\t%s%s%s%s\n", sec->path,
                    *sec->path ? "." : "", k->name, type,
                    k->dflt ? k->dflt : k->note ? k->note : "none",
                    *only ? "(" : "", only, *only ? ") " : "", k->help);
        }
    }
}
