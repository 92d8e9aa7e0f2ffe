/* CRC-32 (ISO-HDLC: the Ethernet FCS and zlib polynomial, reflected
 * 0xEDB88320).  Used by ECMP hashing.  Check value over "123456789" is
 * 0xCBF43926 (Greg Cook's CRC catalogue; ../shared/data/vectors).
 *
 * crc32_update() runs the raw register without the initial or final
 * inversion so that callers can seed it: crc32(data) ==
 * crc32_update(0xFFFFFFFF, data) ^ 0xFFFFFFFF. */
#ifndef DCSIM_CRC32_H
#define DCSIM_CRC32_H 1

#include <stddef.h>
#include <stdint.h>

uint32_t crc32_update(uint32_t reg, const void *data, size_t len);
uint32_t crc32(const void *data, size_t len);

#endif
