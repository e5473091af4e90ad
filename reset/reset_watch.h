/*
 * reset_watch.h - how sanlk-reset decides that a reset it asked for is
 * done or has failed (spec/cli.md §5.2 steps 3-5).  Pure: the caller feeds
 * host samples (sanlock_get_hosts of the target), events read from the
 * event fd and the time; messages come back through a callback.  One
 * struct reset_watch per lockspace, owned by the caller.
 */
#ifndef SANLK_RESET_WATCH_H
#define SANLK_RESET_WATCH_H

#include <stdint.h>

#include "reset_common.h"

/* Rule constants (seconds). */
#define RESET_TICK_SECONDS		2	/* sampling period */
#define RESET_NATIVE_IO_TIMEOUT		10	/* the rule needs io 10 */
#define RESET_NATIVE_WAIT		90	/* after the first reply */
#define RESET_NATIVE_MAX_ADVANCE	70	/* target timestamp advance */
#define RESET_REPLY_GIVE_UP		300	/* since start, replied */
#define RESET_NO_REPLY_RENEWALS		4	/* renewals without reply */

struct reset_say {
	/* error: 1 for errors/warnings (also to syslog), 0 for progress */
	void (*fn)(void *arg, int error, const char *text);
	void *arg;
};

struct reset_watch {
	char name[RESET_NAME_MAX + 1];
	uint64_t host_id;		/* the target */
	/* host samples */
	int have_sample;
	uint64_t ts;			/* target's last timestamp */
	uint64_t generation;
	uint32_t io_timeout;
	uint32_t state;			/* SANLK_HOST_* (0 before a sample) */
	int renewals;			/* timestamp changes seen */
	/* replies from the target */
	uint64_t reply_bits;		/* EVENT_RESETTING | EVENT_REBOOTING */
	uint64_t reply_time;		/* local monotonic s of the first */
	uint64_t reply_ts;		/* target's timestamp then */
	/* outcome of this lockspace */
	int failed;			/* in a failed state (logged once) */
	int gone;			/* lockspace or event fd went away */
};

struct reset_policy {
	int resource_mode;		/* -R 1: DEAD is enough */
	int native_timeout;		/* --native-timeout != 0 */
	uint64_t start;			/* local monotonic s */
};

enum reset_verdict {
	RESET_WAIT = 0,
	RESET_DONE = 1,
	RESET_FAILED = -1,
};

void reset_watch_init(struct reset_watch *w, const char *name,
		      uint64_t host_id);

/* One get_hosts result for the target (found = 0: no entry, taken as
 * FREE).  Counts a renewal when the timestamp changed since the previous
 * sample (the first sample is the baseline).  Returns 1 for a renewal. */
int reset_watch_sample(struct reset_watch *w, int found, uint64_t timestamp,
		       uint64_t generation, uint32_t io_timeout,
		       uint32_t state);

/* One event read from the lockspace's event fd at local time now.  Only
 * reply bits from the target host count; new ones are announced
 * ("host resetting in ls NAME:ID").  Returns the newly seen reply bits. */
uint64_t reset_watch_event(struct reset_watch *w, uint64_t event,
			   uint64_t from_host_id, uint64_t now,
			   const struct reset_say *say);

/* The lockspace can no longer be watched (event fd closed, lockspace
 * gone): a failed state.  why is logged as "<why> in ls NAME:ID". */
void reset_watch_lost(struct reset_watch *w, const char *why,
		      const struct reset_say *say);

/* Apply the done / failure rules to all n lockspaces at local time now.
 * Done: native timeout (every target at io_timeout 10, not disabled):
 * RESET_NATIVE_WAIT s after the first reply with the target's timestamp
 * advanced at most RESET_NATIVE_MAX_ADVANCE s (more: "watchdog failed to
 * fire", RESET_FAILED at once); or the target DEAD with a reply or -R 1.
 * Failed: every lockspace in a failed state: replied but more than
 * RESET_REPLY_GIVE_UP s since start; no reply and DEAD, FREE, or at least
 * RESET_NO_REPLY_RENEWALS renewals; lost. */
enum reset_verdict reset_watch_eval(struct reset_watch *ws, int n,
				    const struct reset_policy *p, uint64_t now,
				    const struct reset_say *say);

/* "UNKNOWN", "FREE", "LIVE", "FAIL", "DEAD" or "-" */
const char *reset_state_name(uint32_t state);

#endif /* SANLK_RESET_WATCH_H */
