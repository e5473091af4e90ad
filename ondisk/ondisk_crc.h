/*
 * ondisk_crc.h - the two implementations behind ondisk_checksum
 * (ondisk_crc.c), exposed so that the unit tests can compare them with
 * each other and with a bitwise reference.  Everything else calls
 * ondisk_checksum (ondisk.h).
 *
 * Both take and return the raw CRC register: no initial value, no final
 * xor (ondisk_checksum starts at 0xFFFFFFFE).  Pure; safe from any thread.
 */
#ifndef ONDISK_CRC_H
#define ONDISK_CRC_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ONDISK_CRC_HAVE_HW 1
#else
#define ONDISK_CRC_HAVE_HW 0
#endif

/* Portable: one table lookup per byte. */
uint32_t ondisk_crc_update_sw(uint32_t crc, const void *data, size_t len);

#if ONDISK_CRC_HAVE_HW
/* SSE4.2 crc32 instruction; call only when ondisk_crc_hw_usable(). */
uint32_t ondisk_crc_update_hw(uint32_t crc, const void *data, size_t len);
#endif

/* 1 when ondisk_checksum uses the crc32 instruction on this CPU. */
int ondisk_crc_hw_usable(void);

#endif /* ONDISK_CRC_H */
