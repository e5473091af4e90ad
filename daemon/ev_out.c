/*
 * ev_out.c - set_event precedence / EBUSY and the renewal bitmap
 * (algorithms.md §8.2, §9.1; see ev_out.h).  Pure; the caller holds the
 * lockspace's mutex.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sanlock_admin.h"
#include "daemon/ev_out.h"

int ev_out_set(struct ev_out *o, struct hosts_table *t,
	       const struct sanlk_host_event *in, uint32_t flags,
	       uint64_t now, uint32_t sbs)
{
	struct sanlk_host_event he = *in;
	uint32_t i;

	assert(t->recs && he.host_id >= 1 && he.host_id <= t->max_hosts);

	/* 1: always first */
	if ((flags & SANLK_SETEV_CUR_GENERATION) && he.generation == 0)
		he.generation = t->recs[he.host_id - 1].owner_generation;

	/* 2: ends the call; bits untouched */
	if (flags & SANLK_SETEV_CLEAR_EVENT) {
		memset(&o->he, 0, sizeof(o->he));
		o->set_event_time = now;
		return 0;
	}

	/* 3: ends the call */
	if (flags & SANLK_SETEV_CLEAR_HOSTID) {
		t->recs[he.host_id - 1].set_bit_time = 0;
		return 0;
	}

	/* 4: the busy rule compares the event values only */
	if (!(flags & SANLK_SETEV_REPLACE_EVENT) &&
	    now - o->set_event_time < sbs && o->set_event_time != 0 &&
	    o->he.event != 0 && he.event != 0 && o->he.event != he.event)
		return -EBUSY;

	/* 5 */
	o->set_event_time = now;
	t->recs[he.host_id - 1].set_bit_time = now;
	o->he = he;
	if (flags & SANLK_SETEV_ALL_HOSTS) {
		for (i = 0; i < t->max_hosts; i++)
			t->recs[i].set_bit_time = now;
	}
	return 0;
}

void ev_bitmap_build(struct hosts_table *t, uint64_t now, uint32_t sbs,
		     uint8_t bitmap[ONDISK_BITMAP_SIZE])
{
	uint32_t i;

	memset(bitmap, 0, ONDISK_BITMAP_SIZE);
	for (i = 0; i < t->max_hosts; i++) {
		struct host_rec *h = &t->recs[i];
		uint64_t id = (uint64_t)i + 1;

		if (id == t->our_host_id || h->set_bit_time == 0)
			continue;
		if (now > h->set_bit_time && now - h->set_bit_time > sbs) {
			h->set_bit_time = 0;
			continue;
		}
		ondisk_bitmap_set(bitmap, id);
	}
}
