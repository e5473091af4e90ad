/*
 * expiry.c - evaluation of every client of the table at one instant (see
 * expiry.h).  Pure; the main thread calls it once per test round.
 */
#include <assert.h>

#include "wdmd/expiry.h"

void wdmd_eval_clients(const struct wdmd_clients *t, uint64_t now,
		       struct wdmd_eval *ev)
{
	const struct wdmd_client *c;
	int i;

	ev->failed = 0;
	ev->first_failed = -1;
	ev->min_expire = 0;
	for (i = 0; i < WDMD_CLIENT_MAX; i++) {
		c = &t->c[i];
		if (!c->used || c->internal || !c->expire)
			continue;
		if (!ev->min_expire || c->expire < ev->min_expire)
			ev->min_expire = c->expire;
		if (wdmd_expired(now, c->expire)) {
			if (ev->first_failed < 0)
				ev->first_failed = i;
			ev->failed++;
		}
	}
	assert(ev->failed <= WDMD_CLIENT_MAX);
}

int wdmd_pet_allowed(const struct wdmd_eval *ev, uint64_t now_us)
{
	if (ev->failed)
		return 0;
	if (!ev->min_expire)
		return 1;
	return now_us / 1000000u < ev->min_expire;
}
