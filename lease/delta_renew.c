/*
 * delta_renew.c - one renewal attempt of our delta lease, algorithms.md
 * §3.4 steps 1-9 (ondisk.md §4.3 "Renew"): read the whole lockspace area
 * in one I/O (the caller hands that image to host-status tracking, §4),
 * check our record's identity (and exactness after a good renewal), write
 * our sector with a new timestamp, the event words, the notification
 * bitmap and our message record.
 *
 * Runs in the lockspace's renewal thread, which owns the struct
 * delta_lease and area_buf; no other state.
 *
 * Renewal read extension (§2.1, §3.4 step 1): 3.8.5 waits up to the
 * extension for the previous timed-out read to complete and uses its data.
 * lease_env has no way to collect an old read, so after a timed-out read
 * the next read is issued with I/O timeout io + extension (rounded up to
 * whole seconds): the same bound on how long the renewal waits for the
 * area, with data at least as fresh.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/delta_internal.h"

/* Whole seconds added to the read timeout after a timed-out read. */
static int delta_extend_sec(const struct delta_lease *dl)
{
	return (int)((dl->read_extend_ms + 999) / 1000);
}

/* Steps 3-5 on the record read from our sector. */
static int delta_renew_check(const struct delta_lease *dl, const uint8_t *sector,
			     struct ondisk_leader *lr)
{
	int rv;

	ondisk_leader_decode(sector, lr);
	rv = ondisk_delta_verify(lr, dl->space_name);
	if (rv < 0)
		return rv;
	if (lr->owner_id != dl->last.owner_id ||
	    lr->owner_generation != dl->last.owner_generation ||
	    memcmp(lr->resource_name, dl->last.resource_name,
		   ONDISK_NAME_LEN) != 0)
		return SANLK_RENEW_OWNER;
	/* After a failed attempt our previous write may or may not have
	 * landed: only the identity check applies. */
	if (dl->prev_ok &&
	    memcmp(sector, dl->last_rec, ONDISK_LEADER_SIZE) != 0)
		return SANLK_RENEW_DIFF;
	return 0;
}

int delta_lease_renew(const struct lease_env *env, struct delta_lease *dl,
		      void *area_buf, const struct delta_renew_extra *extra,
		      struct delta_renew_result *res)
{
	struct delta_renew_result local;
	struct ondisk_leader lr;
	uint8_t raw[ONDISK_LEADER_SIZE];
	const uint8_t *sector;
	struct delta_timeouts t;
	int rv;

	assert(dl->held);
	assert(area_buf);
	assert((uint64_t)dl->host_id * dl->sizes.sector_size <=
	       dl->sizes.align_size);
	if (!res)
		res = &local;
	memset(res, 0, sizeof(*res));
	t = delta_timeouts(dl->io_timeout, dl->fire_timeout);

	/* 1: the whole area in one I/O */
	res->read_timeout = (int)dl->io_timeout;
	if (dl->prev_read_timeout) {
		res->read_extended = 1;
		res->read_timeout += delta_extend_sec(dl);
	}
	rv = env->read(env->ctx, dl->disk, dl->offset, area_buf,
		       dl->sizes.align_size, res->read_timeout);
	if (rv > 0)
		rv = -EIO;
	res->read_rv = rv;
	res->read_time = env->now(env->ctx);
	dl->prev_read_timeout = (rv == SANLK_AIO_TIMEOUT);
	if (rv < 0)
		goto fail;

	/* 2 is the caller's (res->read_rv == 0).  3-5 */
	sector = (const uint8_t *)area_buf +
		 (dl->host_id - 1) * dl->sizes.sector_size;
	rv = delta_renew_check(dl, sector, &lr);
	if (rv < 0)
		goto fail;

	/* 6-7: base is the record as read (unused1/unused2 carried). */
	lr.io_timeout = (uint16_t)(dl->io_timeout & 0xFF);
	lr.timestamp = delta_now(env);
	if (extra && !extra->keep_event) {
		lr.write_id = extra->event_generation;
		lr.write_generation = extra->event_event;
		lr.write_timestamp = extra->event_data;
	}

	/* 8: one zero-filled sector, long write timeout */
	rv = delta_write_own(env, dl, &lr, extra ? extra->msg : NULL,
			     extra ? extra->bitmap : NULL,
			     (int)t.renew_write_io, raw);
	if (rv < 0)
		goto fail;

	/* 9 */
	assert(lr.timestamp != LEASE_FREE);
	dl->last = lr;
	memcpy(dl->last_rec, raw, sizeof(raw));
	dl->last_success = lr.timestamp;
#ifdef SIM_MUTANT_DELTA_LATE_TIMESTAMP
	dl->last_success = delta_now(env);   /* planted bug for the simulator */
#endif
	dl->prev_ok = 1;
	res->timestamp = lr.timestamp;
	return 0;

fail:
	dl->prev_ok = 0;
	return rv;
}
