/*
 * hosts.c - host-status table of one lockspace (see hosts.h):
 * algorithms.md §4.1 update, §4.2 states, §4.4 host_live, cli.md §3.2
 * text.  Pure; the caller's lock (the lockspace's mutex) guards the table.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock_admin.h"
#include "daemon/hosts.h"
#include "lease/paxos.h"

/* a - b, or 0 when the clock would have gone backwards. */
static uint64_t hosts_age(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

int hosts_table_init(struct hosts_table *t, const char *space_name,
		     uint64_t our_host_id, const struct ondisk_sizes *sz)
{
	memset(t, 0, sizeof(*t));
	if (!space_name || !sz || sz->max_hosts == 0 ||
	    sz->max_hosts > HOSTS_MAX ||
	    (sz->sector_size != 512 && sz->sector_size != 4096) ||
	    our_host_id == 0 || our_host_id > sz->max_hosts)
		return -EINVAL;
	t->recs = calloc(sz->max_hosts, sizeof(*t->recs));
	if (!t->recs)
		return -ENOMEM;
	snprintf(t->space_name, sizeof(t->space_name), "%.*s",
		 ONDISK_NAME_LEN, space_name);
	t->our_host_id = our_host_id;
	t->sector_size = sz->sector_size;
	t->max_hosts = sz->max_hosts;
	return 0;
}

void hosts_table_free(struct hosts_table *t)
{
	if (!t)
		return;
	free(t->recs);
	memset(t, 0, sizeof(*t));
}

const struct host_rec *hosts_get(const struct hosts_table *t, uint64_t host_id)
{
	if (!t->recs || host_id == 0 || host_id > t->max_hosts)
		return NULL;
	return &t->recs[host_id - 1];
}

/* §4.1 step 7 on a changed, valid slot of another host (algorithms.md
 * §8.3, §9.2).  Sets *examine when requests must be examined. */
static void hosts_bitmap(struct hosts_table *t, struct host_rec *h,
			 const uint8_t *sector, const struct ondisk_leader *lr,
			 uint64_t now, const struct hosts_update_cb *cb,
			 int *examine)
{
	struct sanlk_host_event he;

	if (!ondisk_bitmap_test(sector + ONDISK_BITMAP_OFFSET, t->our_host_id))
		return;
	/* a: the event the sender publishes, if any */
	if (lr->write_generation != 0 && cb && cb->event) {
		he.host_id = t->our_host_id;
		he.generation = lr->write_id;
		he.event = lr->write_generation;
		he.data = lr->write_timestamp;
		cb->event(cb->arg, &he, h->owner_id, h->owner_generation);
	}
	/* b: requests, at most once per set_bitmap_seconds per sender */
	if (h->last_req && now - h->last_req < (cb ? cb->set_bitmap_seconds : 0))
		return;
	h->last_req = now;
	*examine = 1;
}

/* strncmp(field, str, ONDISK_NAME_LEN) == 0.  Every renewal compares
 * two names in each of up to HOSTS_MAX slots, nearly always equal byte
 * for byte (both NUL-padded): memcmp answers that case cheaply, strncmp
 * decides the rest. */
static int hosts_name_eq(const char *field, const char *str)
{
	return memcmp(field, str, ONDISK_NAME_LEN) == 0 ||
	       strncmp(field, str, ONDISK_NAME_LEN) == 0;
}

/* The area was just filled by DMA: none of it is in the CPU caches.
 * Asking for the bytes a slot examination reads (leader and message
 * record, 0..255) a few slots ahead overlaps those memory reads. */
#define HOSTS_PREFETCH_AHEAD 4
#define HOSTS_PREFETCH_BYTES 256
#define HOSTS_CACHE_LINE     64

static void hosts_prefetch(const uint8_t *sector)
{
	int off;

	for (off = 0; off < HOSTS_PREFETCH_BYTES; off += HOSTS_CACHE_LINE)
		__builtin_prefetch(sector + off, 0, 3);
}

/* One slot, §4.1 steps 1-7.  Returns 1 when a change was seen. */
static int hosts_update_one(struct hosts_table *t, uint64_t host_id,
			    const uint8_t *sector, uint64_t now,
			    const struct hosts_update_cb *cb, int *examine)
{
	struct host_rec *h = &t->recs[host_id - 1];
	struct ondisk_leader lr;
	int bad;

	/* 1 */
	h->last_check = now;
	if (h->first_check == 0)
		h->first_check = now;

	/* 2: magic and space name only; the checksum is not checked here
	 * (ondisk.md §9.1). */
	ondisk_leader_decode(sector, &lr);
	bad = lr.magic != DELTA_DISK_MAGIC ||
	      !hosts_name_eq(lr.space_name, t->space_name);
	if (bad) {
		if (h->lease_bad == 0 && cb && cb->bad_slot)
			cb->bad_slot(cb->arg, host_id, lr.magic, t->space_name);
		if (h->lease_bad < UINT32_MAX)
			h->lease_bad++;
	} else {
		h->lease_bad = 0;
	}

	/* 3: a new incarnation keeps its name even without a change below
	 * (owner_name holds the field up to its first NUL, NUL-padded) */
	if (!bad && (!hosts_name_eq(lr.resource_name, h->owner_name) ||
		     lr.owner_generation != h->owner_generation)) {
		ondisk_name_str(h->owner_name, lr.resource_name);
		if (cb && cb->new_owner && lr.timestamp != LEASE_FREE) {
			struct host_rec seen = *h;

			seen.owner_id = lr.owner_id;
			seen.owner_generation = lr.owner_generation;
			seen.timestamp = lr.timestamp;
			seen.io_timeout = lr.io_timeout;
			cb->new_owner(cb->arg, host_id, &seen);
		}
	}

	/* 4 */
	if (lr.owner_id == h->owner_id &&
	    lr.owner_generation == h->owner_generation &&
	    lr.timestamp == h->timestamp)
		return 0;

	/* 5 */
	if (!bad) {
		h->owner_id = lr.owner_id;
		h->owner_generation = lr.owner_generation;
		ondisk_name_str(h->owner_name, lr.resource_name);
		h->io_timeout = lr.io_timeout;
	}
	h->timestamp = lr.timestamp;
	h->last_live = now;

	/* 6-7 */
	if (host_id != t->our_host_id && !bad)
		hosts_bitmap(t, h, sector, &lr, now, cb, examine);
	return 1;
}

int hosts_update(struct hosts_table *t, const uint8_t *area, size_t len,
		 uint64_t now, const struct hosts_update_cb *cb)
{
	uint64_t id;
	int changes = 0, examine = 0;

	assert(t->recs);
	assert(t->max_hosts >= 1 && t->max_hosts <= HOSTS_MAX);
	assert(area);
	assert(now != 0);
	if ((uint64_t)t->max_hosts * t->sector_size > len)
		return -EINVAL;

	for (id = 1; id <= t->max_hosts; id++) {
		if (id + HOSTS_PREFETCH_AHEAD <= t->max_hosts)
			hosts_prefetch(area + (id - 1 + HOSTS_PREFETCH_AHEAD) *
					      t->sector_size);
		changes += hosts_update_one(t, id,
					    area + (id - 1) * t->sector_size,
					    now, cb, &examine);
	}
	/* 8 */
	if (examine && cb && cb->examine)
		cb->examine(cb->arg);
	t->examinations++;
	assert(t->recs[t->our_host_id - 1].last_check == now);
	return changes;
}

uint32_t hosts_state(const struct host_rec *h, uint64_t our_host_id,
		     uint64_t now, uint32_t fire_timeout)
{
	uint64_t fail = 8ull * h->io_timeout;
	uint64_t dead = fail + fire_timeout;
	uint64_t last = h->last_live ? h->last_live : h->first_check;
	uint64_t age = hosts_age(now, last);

	if (h->timestamp == LEASE_FREE)                       /* 1 */
		return SANLK_HOST_FREE;
	if (h->owner_id == our_host_id)                       /* 2 */
		return SANLK_HOST_LIVE;
	if (age <= fail && h->first_check == h->last_live)    /* 3 */
		return SANLK_HOST_UNKNOWN;
	if (age <= fail)                                      /* 4 */
		return SANLK_HOST_LIVE;
	if (age > dead)                                       /* 5 */
		return SANLK_HOST_DEAD;
	return SANLK_HOST_FAIL;                               /* 6: age > fail */
}

const char *hosts_state_name(uint32_t state)
{
	switch (state & SANLK_HOST_MASK) {
	case SANLK_HOST_UNKNOWN: return "UNKNOWN";
	case SANLK_HOST_FREE:    return "FREE";
	case SANLK_HOST_LIVE:    return "LIVE";
	case SANLK_HOST_FAIL:    return "FAIL";
	case SANLK_HOST_DEAD:    return "DEAD";
	default:                 return "ERROR";
	}
}

int hosts_live(const struct host_rec *h, uint64_t gen, uint32_t our_io,
	       uint32_t fire_timeout)
{
	struct paxos_host_info hi = {
		.first_check = h->first_check,
		.last_check = h->last_check,
		.last_live = h->last_live,
		.timestamp = h->timestamp,
		.owner_id = h->owner_id,
		.owner_generation = h->owner_generation,
		.io_timeout = h->io_timeout,
	};

	return paxos_host_live_evidence(&hi, 1, gen, our_io, fire_timeout);
}

int hosts_reportable(const struct host_rec *h)
{
	return h->last_live != 0 || h->owner_id != 0;
}

int hosts_status_text(const struct host_rec *h, char *buf, size_t size)
{
	return snprintf(buf, size,
			"last_check=%" PRIu64 " last_live=%" PRIu64
			" last_req=%" PRIu64 " owner_id=%" PRIu64
			" owner_generation=%" PRIu64 " timestamp=%" PRIu64
			" io_timeout=%u owner_name=%s",
			h->last_check, h->last_live, h->last_req, h->owner_id,
			h->owner_generation, h->timestamp, h->io_timeout,
			h->owner_name);
}
