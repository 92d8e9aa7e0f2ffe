/* ETS: Enhanced Transmission Selection (IEEE 802.1Qaz-2011 clause 37,
 * now IEEE 802.1Q-2018 8.6.8.3), the scheduler of converged (DCB)
 * Ethernet.  Its configuration is the port's `ets` (struct ets_spec,
 * from the scenario's `switch.ets` or `host.ets`).
 *
 * Three tiers, each served only when the ones above have nothing
 * eligible:
 *   1. strict classes (`strict`), highest class first;
 *   2. ETS classes with a positive weight, by Deficit Weighted Round
 *      Robin (Shreedhar and Varghese, "Efficient fair queuing using
 *      deficit round robin", SIGCOMM 1995), so that each gets its
 *      weight's share of what the strict classes leave;
 *   3. every other class (weight 0, or listed nowhere), highest first.
 *      802.1Qaz leaves these open; serving them only from bandwidth no
 *      one else wants keeps the configured shares exact.
 *
 * DWRR.  The weighted classes take turns in increasing class order,
 * wrapping around.  At the start of its turn a class adds its quantum to
 * its deficit; it then sends head frames while the deficit covers them,
 * each frame charged its wire bytes (frame + preamble + inter-frame gap,
 * so shares are shares of link time whatever the frame sizes); when the
 * head frame no longer fits, the turn passes to the next eligible class
 * and the class keeps the remainder for its next turn.  A class found
 * empty at a transmission opportunity loses its deficit, as in DRR: idle
 * time earns no credit.  On a host NIC, which pulls one frame per class
 * from its sources just before each pick (host.c), a class with a ready
 * source is therefore never found empty and keeps its turn.
 *
 * Quantum: weight x ceil(max_wire / min_weight), max_wire being the
 * largest frame the scenario's MTU allows (with an 802.1Q tag) on the
 * wire and min_weight the smallest positive weight.  The least weighted
 * class thus gets at least one largest frame per turn, so a turn never
 * ends without sending and a pick adds at most one quantum; quanta stay
 * exactly proportional to the weights.  At MTU 1500 with 50/50 each
 * quantum is 1550 bytes, one full frame per turn.
 *
 * A class that has packets but is not eligible (PFC-paused) is skipped:
 * it gets no quantum while skipped and keeps what it had (less than a
 * quantum plus a frame), so however long the pause, its first turn after
 * it sends at most that much beyond a quantum; the others go on taking
 * turns meanwhile.
 *
 * A pick is a few bit operations and, at the start of a turn, one
 * addition; nothing loops over classes except the reset of classes with
 * leftover credit that have gone idle. */
#include "fabric/fabric-spec.h"
#include "fabric/port.h"
#include "fabric/sched-provider.h"
#include "fabric/sched.h"
#include "sim/util.h"

/* port->sched_state: the deficits of classes 0..7 in wire bytes, then
 * one word of: */
enum {
    ETS_CREDIT = N_TC,        /* Bit tc: deficit of class tc > 0; and at
                               * ETS_TURN_SHIFT 1 + the class whose turn
                               * it is, 0: none yet (the next turn goes
                               * to the lowest eligible class). */
    ETS_STATE_WORDS,
};
#define ETS_CREDIT_MASK ((1u << N_TC) - 1)
#define ETS_TURN_SHIFT 16u
_Static_assert(ETS_STATE_WORDS <= ARRAY_SIZE(((struct port *)0)->sched_state),
               "sched_state too small for sched-ets");

static int
highest(uint32_t mask)
{
    return 31 - __builtin_clz(mask);
}

static uint32_t
head_wire_bytes(const struct port *port, int tc)
{
    return port_wire_bytes(port, port_q(port, (unsigned)tc)->head->frame_bytes);
}

/* Charges the head frame of TC to its deficit, which covers it. */
static int
ets_take(struct port *port, int tc, uint32_t cost)
{
    uint32_t *st = port->sched_state;
    st[tc] -= cost;
    if (st[tc])
        st[ETS_CREDIT] |= 1u << tc;
    else
        st[ETS_CREDIT] &= ~(1u << tc);
    return tc;
}

static int
ets_pick(struct port *port, uint8_t eligible)
{
    const struct ets_spec *ets = port->ets;
    uint32_t *st = port->sched_state;

    /* Classes with credit found empty lose it; paused ones (packets, but
     * not eligible) keep it. */
    uint32_t idle = st[ETS_CREDIT] & ETS_CREDIT_MASK & ~(uint32_t)eligible;
    while (idle) {
        int tc = __builtin_ctz(idle);
        idle &= idle - 1;
        if (!port_q(port, (unsigned)tc)->head) {
            st[tc] = 0;
            st[ETS_CREDIT] &= ~(1u << tc);
        }
    }

    uint32_t m = eligible & ets->strict_mask;
    if (m)
        return highest(m);
    m = eligible & ets->weighted_mask;
    if (!m)
        return highest(eligible);

    /* The class whose turn it is goes on while its deficit lasts. */
    uint32_t turn = st[ETS_CREDIT] >> ETS_TURN_SHIFT;
    if (turn && (m >> (turn - 1) & 1)) {
        uint32_t cost = head_wire_bytes(port, (int)turn - 1);
        if (st[turn - 1] >= cost)
            return ets_take(port, (int)turn - 1, cost);
    }
    /* Next eligible class after it, wrapping.  Quanta cover the largest
     * frame, so this loop ends at its first class unless a frame is
     * larger than the MTU promised; it ends anyway, deficits growing. */
    for (;;) {
        uint32_t after = m & ~((1u << turn) - 1);
        int tc = __builtin_ctz(after ? after : m);
        turn = (uint32_t)tc + 1;
        st[ETS_CREDIT] = (st[ETS_CREDIT] & ETS_CREDIT_MASK) |
                         turn << ETS_TURN_SHIFT;
        st[tc] += ets->quantum_bytes[tc];
        uint32_t cost = head_wire_bytes(port, tc);
        if (st[tc] >= cost)
            return ets_take(port, tc, cost);
        st[ETS_CREDIT] |= 1u << tc;
    }
}

void
sched_ets_set_quanta(struct ets_spec *ets, uint32_t max_wire_bytes)
{
    uint32_t min = 0;
    for (int tc = 0; tc < N_TC; tc++)
        if (ets->weight_pct[tc] && (!min || ets->weight_pct[tc] < min))
            min = ets->weight_pct[tc];
    uint32_t unit = min ? (max_wire_bytes + min - 1) / min : 0;
    for (int tc = 0; tc < N_TC; tc++)
        ets->quantum_bytes[tc] = ets->weight_pct[tc] * unit;
}

const struct sched_class sched_ets = {
    .name = "ets",
    .pick = ets_pick,
};
