/* Workload results; see workload-report.h. */
#include "report/workload-report.h"

#include "fabric/net.h"
#include "scenario/scenario.h"
#include "workload/workload.h"

void
workload_report_json(FILE *f, const struct net *net)
{
    const struct workload *wl = net->wl;
    fprintf(f, ",\n  \"traffic\": [");
    for (size_t i = 0; i < wl->n_entries; i++) {
        const struct workload_entry *e = &wl->entries[i];
        const struct traffic_spec *t = &net->scn->traffic[i];
        double load;
        fprintf(f, "%s\n    {\"entry\": %zu, \"flows\": %llu, \"bytes\": "
                   "%llu, \"window_ps\": %llu", i ? "," : "", i,
                (unsigned long long)e->flows, (unsigned long long)e->bytes,
                (unsigned long long)e->window_ps);
        if (t->load)
            fprintf(f, ", \"target_load\": %.6f", t->load);
        else
            fprintf(f, ", \"target_load\": null");
        if (workload_offered_load(wl, i, &load))
            fprintf(f, ", \"offered_load\": %.6f}", load);
        else
            fprintf(f, ", \"offered_load\": null}");
    }
    fprintf(f, "%s]", wl->n_entries ? "\n  " : "");
}

void
workload_report_print(FILE *f, const struct net *net)
{
    const struct workload *wl = net->wl;
    for (size_t i = 0; i < wl->n_entries; i++) {
        const struct traffic_spec *t = &net->scn->traffic[i];
        double load;
        if (!workload_offered_load(wl, i, &load))
            continue;
        fprintf(f, "  traffic.%zu: %llu flows, offered load %.4f of the "
                   "hosts' link capacity", i,
                (unsigned long long)wl->entries[i].flows, load);
        if (t->load)
            fprintf(f, " (target %.4f)", t->load);
        fprintf(f, "\n");
    }
}
