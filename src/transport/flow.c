/* Ideal flow completion time; see flow.h. */
#include "transport/flow.h"

#include "sim/util.h"

uint64_t
flow_ideal_fct(uint64_t n, uint32_t wire, uint32_t last_wire, uint64_t gap_ps,
               const uint64_t *rates, const uint64_t *delays, uint32_t h,
               bool ns3_time)
{
    sim_assert(n >= 1 && h >= 1 && h <= 64);
    uint64_t delay_sum = 0;
    for (uint32_t i = 0; i < h; i++)
        delay_sum = sat_add_u64(delay_sum, delays[i]);

    /* Cell weights by column: column 0 is the pacer (packet k's release
     * is gap_ps after packet k-1's), columns 1..h the links.  Row types:
     * the first packet, the n-2 identical middle packets, the last. */
    uint64_t first[65], mid[65], last[65];
    first[0] = 0;
    mid[0] = last[0] = gap_ps;
    for (uint32_t i = 1; i <= h; i++) {
        mid[i] = ser_time_link_ps(wire, rates[i - 1], ns3_time);
        last[i] = ser_time_link_ps(last_wire, rates[i - 1], ns3_time);
        first[i] = n == 1 ? last[i] : mid[i];
    }
    if (n == 1) {
        uint64_t t = 0;
        for (uint32_t i = 0; i <= h; i++)
            t = sat_add_u64(t, first[i]);
        return sat_add_u64(t, delay_sum);
    }

    /* Longest monotone path from (first, 0) to (last, h): down the first
     * row to column a, through the middle block from column a to b
     * (spending its m-1 extra rows at the block's heaviest column), then
     * along the last row from column b. */
    uint64_t m = n - 2, best = 0;
    for (uint32_t a = 0; a <= h; a++) {
        uint64_t pre = 0;
        for (uint32_t i = 0; i <= a; i++)
            pre = sat_add_u64(pre, first[i]);
        if (m == 0) {
            uint64_t t = pre;
            for (uint32_t i = a; i <= h; i++)
                t = sat_add_u64(t, last[i]);
            best = MAX(best, t);
            continue;
        }
        uint64_t span = 0, heavy = 0;
        for (uint32_t b = a; b <= h; b++) {
            span = sat_add_u64(span, mid[b]);
            heavy = MAX(heavy, mid[b]);
            uint64_t t = sat_add_u64(sat_add_u64(pre, span),
                                     sat_mul_u64(m - 1, heavy));
            for (uint32_t i = b; i <= h; i++)
                t = sat_add_u64(t, last[i]);
            best = MAX(best, t);
        }
    }
    return sat_add_u64(best, delay_sum);
}
