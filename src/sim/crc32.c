/* Table-driven CRC-32; see crc32.h. */
#include "sim/crc32.h"

static uint32_t crc_table[256];
static int crc_table_ready;

/* The table is a pure function of the polynomial; filling it twice from
 * two simulations gives the same bytes, so the lazy fill is benign. */
static void
crc_table_fill(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

uint32_t
crc32_update(uint32_t reg, const void *data, size_t len)
{
    if (!crc_table_ready)
        crc_table_fill();
    const unsigned char *p = data;
    while (len--)
        reg = crc_table[(reg ^ *p++) & 0xFF] ^ (reg >> 8);
    return reg;
}

uint32_t
crc32(const void *data, size_t len)
{
    return crc32_update(0xFFFFFFFFu, data, len) ^ 0xFFFFFFFFu;
}
