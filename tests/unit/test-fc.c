/* Link-level flow control as a pluggable part (fc.h, fc-provider.h): the
 * registry, and the port's side of the contract driven by a fake
 * provider on two hosts cabled back to back, against hand-derived
 * times.  PFC and IB themselves are checked by the scenario tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fabric/fc.h"
#include "fabric/ib.h"
#include "fabric/net.h"
#include "fabric/pfc.h"
#include "fabric/port.h"
#include "host/host.h"
#include "pkt/pkt.h"
#include "scenario/scenario.h"
#include "tap.h"
#include "transport/flow.h"
#include "world/world.h"

static void
test_registry(void)
{
    is_u64(fc_count(), 2, "two providers are registered");
    ok(fc_find("pfc") == &fc_pfc && fc_find("ib") == &fc_ib,
       "pfc and ib are found by name");
    ok(fc_find("none") == NULL, "none is no provider");
    for (size_t i = 0; i < fc_count(); i++) {
        const struct fc_class *c = fc_find(fc_name(i));
        ok(c && c->ctrl_next && c->ctrl_sent && c->destroy,
           "%s has the required members", fc_name(i));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(fc_name(i), fc_name(j)))
                ok(0, "%s is registered once", fc_name(i));
    }
}

/* The fake: one control frame waiting from the start, a gate that holds
 * every class until a release event, and counters. */
struct fake_port {
    struct fc_port up;
    struct pkt *ctrl;          /* Waiting control frame, or NULL. */
    uint64_t ctrl_end_ps;      /* When it left the wire. */
    uint64_t release_ps;       /* The gate opens then (0: open). */
    bool hold;
    unsigned gates, sent, arrived, destroyed;
    uint64_t sent_bytes;
};

static struct fake_port *
fake_cast(struct fc_port *fc)
{
    return CONTAINER_OF(fc, struct fake_port, up);
}

static struct pkt *
fake_ctrl_next(struct net *net, struct fc_port *fc)
{
    struct fake_port *f = fake_cast(fc);
    struct pkt *p = f->ctrl;
    (void)net;
    f->ctrl = NULL;
    fc->port->fc_ctrl = 0;
    return p;
}

static void
fake_ctrl_sent(struct net *net, struct fc_port *fc, struct pkt *p,
               uint64_t end_ps)
{
    fake_cast(fc)->ctrl_end_ps = end_ps;
    net->st.ctrl_in_use--;
    pkt_free(&net->pool, p);
}

static uint8_t
fake_tx_gate(struct net *net, struct fc_port *fc, uint8_t ready)
{
    struct fake_port *f = fake_cast(fc);
    (void)net;
    f->gates++;
    return f->hold ? 0 : ready;
}

static void
fake_tx_sent(struct net *net, struct fc_port *fc, uint8_t tc, uint8_t in_port,
             uint32_t frame_bytes)
{
    struct fake_port *f = fake_cast(fc);
    (void)net, (void)tc, (void)in_port;
    f->sent++;
    f->sent_bytes += frame_bytes;
}

static void
fake_rx_arrive(struct net *net, struct fc_port *fc, const struct pkt *p)
{
    (void)net, (void)p;
    fake_cast(fc)->arrived++;
}

static void
fake_destroy(struct fc_port *fc)
{
    fake_cast(fc)->destroyed++;
}

static const struct fc_class fake_class = {
    .name = "fake",
    .ctrl_next = fake_ctrl_next,
    .ctrl_sent = fake_ctrl_sent,
    .tx_gate = fake_tx_gate,
    .tx_sent = fake_tx_sent,
    .rx_arrive = fake_rx_arrive,
    .destroy = fake_destroy,
};

/* The gate opens: the provider restarts the port, as the contract asks. */
static void
fake_release(struct sim *sim, void *obj, uint64_t arg)
{
    struct fake_port *f = obj;
    (void)arg;
    f->hold = false;
    port_kick(net_of(sim), f->up.port);
}

static char tmpdir[] = "/tmp/dcsim-test-fc-XXXXXX";

/* Host a sends 14720 B (10 frames of 1538 B on the wire, 1518 B each
 * without preamble and gap) to host b over one 100 Gb/s link of 1 us:
 * alone, FCT = 10 x 123040 + 1000000 = 2230400 ps (test-fabric.c).  The
 * fake on a's port first sends a 64 B control frame (84 B on the wire,
 * 6720 ps), so the data starts 6720 ps late; with the gate held until
 * RELEASE_PS, it starts then. */
static void
check_fake(const char *what, uint64_t release_ps, uint64_t want_fct)
{
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", tmpdir);
    tap_write_file(path,
                   "topology:\n  type: explicit\n  nodes:\n"
                   "    - {name: a, kind: host}\n"
                   "    - {name: b, kind: host}\n"
                   "  links:\n    - {a: a, b: b, rate: 100Gbps, delay: 1us}\n"
                   "traffic:\n  - pattern: flows\n    flows:\n"
                   "      - {src: a, dst: b, size: 14720B}\n");
    struct scenario scn;
    char *err = NULL;
    struct world *world;
    if (scenario_load(path, NULL, 0, &scn, &err) ||
        world_create(&world, &scn, &err)) {
        diag("error: %s", err);
        exit(1);
    }
    struct net *net = world_net(world);
    struct port *pa = world->edge.hosts[0].nic.port;
    struct port *pb = world->edge.hosts[1].nic.port;
    struct fake_port fa = { 0 }, fb = { 0 };
    fc_port_attach(&fa.up, &fake_class, pa);
    fc_port_attach(&fb.up, &fake_class, pb);
    fa.ctrl = pkt_alloc(&net->pool);
    uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
    pkt_make_pfc(fa.ctrl, mac, 1, 0);
    net->st.ctrl_in_use++;
    pa->fc_ctrl = 1;
    if (release_ps) {
        fa.hold = true;
        sim_call(&net->sim, release_ps, fake_release, &fa, 0);
    }
    sim_run(&net->sim, NULL, NULL);

    const struct flow *f = &world->edge.flows[0];
    ok(f->completed, "%s: the flow completes", what);
    is_u64(f->end_ps - f->start_ps, want_fct, "%s: FCT", what);
    is_u64(fa.ctrl_end_ps, 6720, "%s: the control frame went first", what);
    is_u64(fa.sent, 10, "%s: tx_sent once per data frame", what);
    is_u64(fa.sent_bytes, 10 * 1518, "%s: with its frame bytes", what);
    ok(fa.gates >= 10, "%s: the gate is asked before each frame (%u)", what,
       fa.gates);
    is_u64(fb.arrived, 10, "%s: rx_arrive sees each data packet at b",
           what);
    is_u64(pa->link.packets, 11, "%s: 11 frames on the wire", what);
    is_u64(net->st.ctrl_in_use, 0, "%s: no control frame left", what);
    world_destroy(world);
    is_u64(fa.destroyed + fb.destroyed, 2,
           "%s: destroying the net destroys both ports' state", what);
    scenario_free(&scn);
    unlink(path);
}

int
main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_registry();
    check_fake("open gate", 0, 6720 + UINT64_C(2230400));
    check_fake("gate held to 5 us", 5000000, 5000000 + UINT64_C(2230400));
    rmdir(tmpdir);
    return done_testing();
}
