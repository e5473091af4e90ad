/*
 * delta_timeouts.c - the timeout formulas of algorithms.md §2.1 and the
 * classification of renewal results (ondisk.md §9.1).  Pure functions, no
 * state, any thread.
 */
#include <assert.h>

#include "lease/delta.h"

struct delta_timeouts delta_timeouts(uint32_t io, uint32_t w)
{
	struct delta_timeouts t;
	uint32_t dead;

	/* Keeps every product below well within 32 bits. */
	assert(io <= 0xFFFFu);
	assert(w <= DELTA_FIRE_TIMEOUT_MAX);

	dead = 8 * io + w;
	t.io = io;
	t.w = w;
	t.renewal = 2 * io;
	t.renewal_warn = 6 * io;
	t.renewal_fail = 8 * io;
	t.host_dead = dead;
	t.short_delay = 2 * io;
	/* The paper's 2*io + 6*io versus host_dead_seconds: always the latter. */
	t.held_wait = dead > 8 * io ? dead : 8 * io;
	t.set_bitmap = 6 * io;
	t.renew_write_io = dead;
	t.read_extend_ms = io * 1000u;
	return t;
}

uint32_t delta_read_extend_ms(int cfg_sec, uint32_t io)
{
	assert(io <= 0xFFFFu);
	if (cfg_sec < 0)
		return io * 1000u;
	if (cfg_sec == 0)
		return 500;
	if (cfg_sec > 0xFFFF)
		cfg_sec = 0xFFFF;
	return (uint32_t)cfg_sec * 1000u;
}

int delta_is_corrupt_result(int rv)
{
	switch (rv) {
	case SANLK_RENEW_OWNER:
	case SANLK_RENEW_DIFF:
	case SANLK_LEADER_MAGIC:
	case SANLK_LEADER_VERSION:
	case SANLK_LEADER_SECTORSIZE:
	case SANLK_LEADER_LOCKSPACE:
	case SANLK_LEADER_CHECKSUM:
		return 1;
	default:
		return 0;
	}
}
