/*
 * ondisk_le.h - little-endian byte access helpers for the ondisk module
 * (spec/ondisk.md section 1 item 1).  Every on-disk integer goes through
 * these, byte by byte, so the encoding is correct on any host byte order.
 *
 * Pure inline functions, no state.  Internal to ondisk/; not a public API.
 */
#ifndef ONDISK_LE_H
#define ONDISK_LE_H

#include <stdint.h>
#include <string.h>

static inline void ondisk_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ondisk_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void ondisk_put64(uint8_t *p, uint64_t v)
{
	ondisk_put32(p, (uint32_t)v);
	ondisk_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t ondisk_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t ondisk_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	       ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t ondisk_get64(const uint8_t *p)
{
	return (uint64_t)ondisk_get32(p) | ((uint64_t)ondisk_get32(p + 4) << 32);
}

/* Fixed 48-byte name fields are copied verbatim (no NUL handling here). */
static inline void ondisk_put_name(uint8_t *p, const char *name, size_t len)
{
	memcpy(p, name, len);
}

static inline void ondisk_get_name(const uint8_t *p, char *name, size_t len)
{
	memcpy(name, p, len);
}

#endif /* ONDISK_LE_H */
