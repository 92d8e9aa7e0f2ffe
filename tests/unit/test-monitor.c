/* The queue monitor: how monitor.queues names resolve (a node, NODE->PEER,
 * a node whose own name holds "->", overlapping selections), and the
 * series of a queue worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/net.h"
#include "report/monitor.h"
#include "scenario/scenario.h"
#include "tap.h"
#include "world/world.h"

/* Host "x->y" sends 3 full packets to host h2 through switch sw; the
 * first link runs at 10 Gb/s, the second at 1 Gb/s, so packets queue at
 * sw's port to h2.  queues: "x->y" is a node (its one port), "sw->h2" is
 * sw's port to h2, "sw" is both of sw's ports, sw->h2 again. */
static const char scenario_text[] =
    "topology:\n"
    "  type: explicit\n"
    "  nodes:\n"
    "    - {name: x->y, kind: host}\n"
    "    - {name: h2, kind: host}\n"
    "    - {name: sw, kind: switch}\n"
    "  links:\n"
    "    - {a: x->y, b: sw, rate: 10Gbps, delay: 1us}\n"
    "    - {a: sw, b: h2, rate: 1Gbps, delay: 1us}\n"
    "traffic:\n"
    "  - pattern: flows\n"
    "    flows: [{src: x->y, dst: h2, size: 4416}]\n"
    "monitor:\n"
    "  interval: 5us\n"
    "  queues: [x->y, sw->h2, sw]\n";

/* Reads F (rewound) whole into BUF. */
static void
slurp(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
}

int
main(void)
{
    char dir[] = "/tmp/dcsim-test-monitor-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[64];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(scenario_text, f) == EOF || fclose(f))
        return 1;

    struct scenario scn;
    char *err = NULL;
    int rc = scenario_load(path, NULL, 0, &scn, &err);
    if (!ok(rc == 0, "the scenario loads")) {
        diag("%s", err);
        return done_testing();
    }
    /* Nodes: hosts first (x->y 0, h2 1), then sw 2. */
    const struct monitor_spec *m = &scn.monitor;
    is_u64(m->interval_ps, 5000000, "interval 5us");
    ok(m->n_select == 3 &&
       m->select[0].node == 0 && m->select[0].peer == MONITOR_ALL_PORTS &&
       m->select[1].node == 2 && m->select[1].peer == 1 &&
       m->select[2].node == 2 && m->select[2].peer == MONITOR_ALL_PORTS,
       "x->y is the node so named, sw->h2 a link, sw every port");

    struct world *world;
    if (world_create(&world, &scn, &err)) {
        diag("%s", err);
        return 1;
    }
    struct net *net = world_net(world);
    struct monitor *mon = monitor_create(world);
    sim_run(&net->sim, NULL, NULL);
    monitor_finish(mon, net->sim.now_ps);
    FILE *out = tmpfile();
    char csv[8192] = "";
    if (out) {
        monitor_write_csv(out, mon);
        slurp(out, csv, sizeof csv);
        fclose(out);
    }

    /* Ports in topology order, sw->h2 once: x->y's, sw's to x->y, sw's
     * to h2; 3 rows per sample. */
    static const char head[] = "time_ps,node,port,to,tc,bytes,packets\n"
                               "0,x->y,0,sw,0,0,0\n"
                               "0,sw,0,x->y,0,0,0\n"
                               "0,sw,1,h2,0,0,0\n";
    ok(!strncmp(csv, head, strlen(head)),
       "header, then the three ports at time 0");

    /* 4416 bytes are 3 packets of 1472 payload bytes: frames of 1518
     * bytes, 1538 on the wire with preamble and gap.  At 10 Gb/s a packet
     * takes 1.2304 us; with 1 us of propagation they reach sw at 2.2304,
     * 3.4608 and 4.6912 us.  At 1 Gb/s sw's port to h2 takes 12.304 us
     * per packet: the first goes straight out (until 14.5344 us), the
     * other two queue (3036 bytes from 4.6912 us), the second leaves at
     * 14.5344 (1518 left) and the third at 26.8384 us.  The last arrives
     * at h2 at 26.8384 + 12.304 + 1 = 40.1424 us, the end of the run, so
     * samples run from 0 to 40 us. */
    static const char *const want[] = {
        "0,sw,1,h2,0,0,0\n",           "5000000,sw,1,h2,0,3036,2\n",
        "10000000,sw,1,h2,0,3036,2\n", "15000000,sw,1,h2,0,1518,1\n",
        "20000000,sw,1,h2,0,1518,1\n", "25000000,sw,1,h2,0,1518,1\n",
        "30000000,sw,1,h2,0,0,0\n",    "35000000,sw,1,h2,0,0,0\n",
        "40000000,sw,1,h2,0,0,0\n",
    };
    bool all = true;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!strstr(csv, want[i])) {
            diag("missing row %s", want[i]);
            all = false;
        }
    }
    ok(all, "sw->h2: 0, 2 packets at 5 and 10 us, 1 at 15-25 us, 0 after");
    is_u64(net->sim.now_ps, 40142400, "the run ends at 40.1424 us");
    size_t rows = 0;
    for (const char *p = csv; *p; p++)
        rows += *p == '\n';
    is_u64(rows, 1 + 9 * 3, "9 samples (0..40 us) of 3 ports");

    monitor_destroy(mon);
    world_destroy(world);
    scenario_free(&scn);
    unlink(path);
    rmdir(dir);
    return done_testing();
}
