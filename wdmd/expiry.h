/*
 * expiry.h - the client test of a round (spec/cli.md §4.10,
 * spec/algorithms.md §2.4, §10.4).  Pure functions: no state, no clock.
 *
 * A connection with expiry E != 0 (live or dead) passes while now < E and
 * fails once now >= E; E == 0 (disarmed) always passes.  now and E are
 * CLOCK_MONOTONIC whole seconds, so "now < E" holds exactly while the real
 * time is before E.  There is no early-failure margin (3.8.5 fails at
 * E - 10).
 */
#ifndef WDMD_EXPIRY_H
#define WDMD_EXPIRY_H

#include <stdint.h>

#include "wdmd/clients.h"

static inline int wdmd_expired(uint64_t now, uint64_t expire)
{
	return expire != 0 && now >= expire;
}

struct wdmd_eval {
	int failed;            /* connections failing at now */
	int first_failed;      /* slot of the first one, -1 if none */
	uint64_t min_expire;   /* earliest non-zero expiry of all armed
				  connections, 0 if none is armed */
};

void wdmd_eval_clients(const struct wdmd_clients *t, uint64_t now,
		       struct wdmd_eval *ev);

/* May the device be petted at time now_us (microseconds), given the
 * evaluation made earlier in the round?  Re-checks the earliest expiry
 * against the clock read just before the pet, so a round that was slow
 * between its evaluation and its pet never pets at or past an expiry. */
int wdmd_pet_allowed(const struct wdmd_eval *ev, uint64_t now_us);

#endif /* WDMD_EXPIRY_H */
