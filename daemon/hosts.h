/*
 * hosts.h - the host-status table of one lockspace (spec/algorithms.md §4):
 * one record per host_id 1..max_hosts, updated from the whole-area image a
 * renewal read (§4.1), the get_hosts state classification (§4.2), the
 * shared-holder liveness test host_live (§4.4) and the host_status text
 * (cli.md §3.2).
 *
 * Pure: no threads, no locks, no clock, no logging.  The caller passes
 * `now` and owns the struct hosts_table; in the daemon that is one
 * lockspace, whose per-lockspace mutex guards the table (daemon/lockspace
 * module, ls_internal.h).
 */
#ifndef DAEMON_HOSTS_H
#define DAEMON_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#include "sanlock.h"
#include "ondisk/ondisk.h"

/* Largest max_hosts of any sector/align pair (ondisk.md §6.1). */
#define HOSTS_MAX 2000u

/* What we last saw in one host_id slot (algorithms.md §4 table). */
struct host_rec {
	uint64_t first_check;      /* local time of the first examination, 0 = never */
	uint64_t last_check;       /* local time of the latest examination */
	uint64_t last_live;        /* local time a change was last seen, 0 = never */
	uint64_t last_req;         /* local time we last acted on its request bit */
	uint64_t set_bit_time;     /* when we last set its bit in our bitmap */
	uint64_t timestamp;        /* last timestamp seen in the slot */
	uint64_t owner_id;
	uint64_t owner_generation;
	uint32_t io_timeout;
	uint32_t lease_bad;        /* consecutive examinations with a bad slot */
	char     owner_name[ONDISK_NAME_LEN + 1];
};

struct hosts_table {
	char     space_name[ONDISK_NAME_LEN + 1];
	uint64_t our_host_id;
	uint32_t sector_size;
	uint32_t max_hosts;        /* 1..HOSTS_MAX */
	uint64_t examinations;     /* hosts_update runs so far (0 = not ready) */
	struct host_rec *recs;     /* [max_hosts], host_id N at index N-1 */
};

/* Allocate max_hosts zeroed records.  -EINVAL for bad sizes/host_id,
 * -ENOMEM. */
int  hosts_table_init(struct hosts_table *t, const char *space_name,
		      uint64_t our_host_id, const struct ondisk_sizes *sz);
void hosts_table_free(struct hosts_table *t);

/* The record of host_id (1..max_hosts), else NULL. */
const struct host_rec *hosts_get(const struct hosts_table *t, uint64_t host_id);

/* Called by hosts_update for a slot that shows a new incarnation (owner
 * name or generation differ from what we stored) and for a slot that
 * turned bad; for logging.  event / examine: §4.1 steps 7-8 (algorithms.md
 * §9.2): a changed slot with our bit set in its bitmap and a non-zero
 * event value -> event(he = {our host_id, write_id, write_generation,
 * write_timestamp}, from = the stored owner_id / owner_generation); any
 * such bit (at most once per set_bitmap_seconds per sender) -> examine()
 * once after all slots.  Unset members do nothing. */
struct hosts_update_cb {
	void (*new_owner)(void *arg, uint64_t host_id, const struct host_rec *h);
	void (*bad_slot)(void *arg, uint64_t host_id, uint32_t magic,
			 const char *space_name);
	void (*event)(void *arg, const struct sanlk_host_event *he,
		      uint64_t from_host_id, uint64_t from_generation);
	void (*examine)(void *arg);
	uint32_t set_bitmap_seconds;   /* step 7b throttle */
	void *arg;
};

/* algorithms.md §4.1 steps 1-8 on `area` (at least max_hosts *
 * sector_size bytes, the pre-write image of the renewal read) at local
 * time now.  Returns the number of slots in which a change was seen.
 * cb may be NULL. */
int  hosts_update(struct hosts_table *t, const uint8_t *area, size_t len,
		  uint64_t now, const struct hosts_update_cb *cb);

/* algorithms.md §4.2: SANLK_HOST_FREE/LIVE/UNKNOWN/FAIL/DEAD for record h
 * at local time now, W = watchdog fire timeout.  The remote io_timeout is
 * used without fallback (0 gives fail 0, dead W). */
uint32_t hosts_state(const struct host_rec *h, uint64_t our_host_id,
		     uint64_t now, uint32_t fire_timeout);
/* "LIVE", "FAIL", ... as `client gets -h 1` prints them; "ERROR" else. */
const char *hosts_state_name(uint32_t state);

/* host_live(host_id, gen) of algorithms.md §4.4 on a record that exists
 * (row 1, "record unavailable -> alive", is the caller's), by the
 * evidence-based rule paxos_host_live_evidence() (lease/paxos.h; F4 of
 * sim/README.md: 3.8.5's rows 3, 5 and 6 can declare a live holder dead
 * from stale tracking).  1 alive, 0 dead.  our_io is used when the
 * record's io_timeout is 0. */
int  hosts_live(const struct host_rec *h, uint64_t gen, uint32_t our_io,
		uint32_t fire_timeout);

/* The record should appear in host_status (cli.md §3.2: non-zero
 * last_live or owner_id). */
int  hosts_reportable(const struct host_rec *h);
/* host_status key=value text (cli.md §3.2 -D keys, in order).  Returns
 * the length (snprintf semantics, output truncated to size-1). */
int  hosts_status_text(const struct host_rec *h, char *buf, size_t size);

#endif /* DAEMON_HOSTS_H */
