/*
 * delta_acquire.c - taking our host_id slot, algorithms.md §3.3 steps 1-9
 * (ondisk.md §4.3 "Acquire"): read, wait out another name's holder,
 * write generation+1 with our name and timestamp, wait 2*oio, verify the
 * slot still holds exactly what we wrote.
 *
 * Runs in the caller's thread (lockspace join, or `direct acquire_id`),
 * which owns the struct delta_lease; no other state.
 *
 * Choices where the spec leaves room (all only make waits longer or the
 * image cleaner, never shorter):
 *  - oio (whose io_timeout sets the waits) is taken from the record read
 *    first; if the held wait re-read R2 is then used as the base and
 *    advertises a larger io_timeout, the short delay uses the larger one.
 *  - our daemon's acquire (msg_fill given) zero-fills the name field after
 *    the NUL; the 3.8.5-compatible mode keeps the old bytes there.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/delta_internal.h"

/* resource_name := host name the way 3.8.5 writes it: snprintf(field, 48,
 * "%s", name) over the field as read (ondisk.md §3.6); keep_tail = 0
 * zero-fills after the NUL instead. */
static void delta_put_name(char field[ONDISK_NAME_LEN], const char *name,
			   int keep_tail)
{
	size_t n = strnlen(name, ONDISK_NAME_LEN - 1);

	if (!keep_tail)
		memset(field, 0, ONDISK_NAME_LEN);
	memcpy(field, name, n);
	field[n] = '\0';
}

/* io_timeout that the slot's previous holder advertised, or ours. */
static uint32_t delta_slot_io(const struct delta_lease *dl,
			      const struct ondisk_leader *lr)
{
	return lr->io_timeout ? lr->io_timeout : dl->io_timeout;
}

/* Steps 5-6: another name holds or last held the slot.  Wait 8*oio + W,
 * re-read; continue (0, *r updated) only if nobody wrote meanwhile or the
 * slot became free. */
static int delta_held_wait(const struct lease_env *env,
			   const struct delta_lease *dl,
			   struct ondisk_leader *r, uint8_t r_raw[ONDISK_LEADER_SIZE],
			   uint32_t *waited)
{
	struct ondisk_leader r2;
	uint8_t r2_raw[ONDISK_LEADER_SIZE];
	struct delta_timeouts t;
	int rv;

	t = delta_timeouts(delta_slot_io(dl, r), dl->fire_timeout);
#ifdef SIM_MUTANT_DELTA_SHORT_HELD_WAIT
	t.held_wait = t.renewal_fail;   /* planted bug for the simulator: no W */
#endif
	*waited = t.held_wait;
	rv = delta_wait_sec(env, t.held_wait);
	if (rv < 0)
		return rv;

	rv = delta_read_own(env, dl, &r2, r2_raw);
	if (rv < 0)
		return rv;
	/* All 200 bytes: timestamp, checksum and write_* included. */
	if (memcmp(r2_raw, r_raw, ONDISK_LEADER_SIZE) != 0 &&
	    r2.timestamp != LEASE_FREE)
		return SANLK_HOSTID_BUSY;
	*r = r2;
	memcpy(r_raw, r2_raw, ONDISK_LEADER_SIZE);
	return 0;
}

int delta_lease_acquire(const struct lease_env *env, struct delta_lease *dl,
			delta_msg_fill_fn msg_fill, void *msg_arg,
			struct delta_acquire_info *info)
{
	struct delta_acquire_info local;
	struct ondisk_leader r, n, v;
	uint8_t r_raw[ONDISK_LEADER_SIZE], n_raw[ONDISK_LEADER_SIZE];
	uint8_t v_raw[ONDISK_LEADER_SIZE];
	uint8_t msg[ONDISK_MSG_SIZE];
	uint32_t oio;
	int rv;

	assert(dl->host_id >= 1 && dl->host_id <= dl->sizes.max_hosts);
	assert(dl->io_timeout >= 1 && dl->io_timeout <= DELTA_IO_TIMEOUT_MAX);
	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	dl->held = 0;
	dl->prev_ok = 0;
	dl->prev_read_timeout = 0;

	/* 1-2 */
	rv = delta_read_own(env, dl, &r, r_raw);
	if (rv < 0)
		return rv;
	info->prev = r;
	oio = delta_slot_io(dl, &r);

#ifdef SIM_MUTANT_DELTA_NO_HELD_WAIT
	r.timestamp = LEASE_FREE;   /* planted bug for the simulator */
#endif
	/* 3-4: free, or our own name (strncmp 48 semantics, §3.1) */
	if (r.timestamp == LEASE_FREE ||
	    strncmp(r.resource_name, dl->host_name, ONDISK_NAME_LEN) == 0) {
		info->fast = 1;
	} else {
		/* 5-6 */
		rv = delta_held_wait(env, dl, &r, r_raw, &info->held_wait_sec);
		if (rv < 0)
			return rv;
		info->prev = r;
		if (delta_slot_io(dl, &r) > oio)
			oio = delta_slot_io(dl, &r);
	}

	/* 7: N from R.  A generation that cannot be incremented is bad
	 * disk data, not a reason to wrap to 0. */
	if (r.owner_generation == UINT64_MAX)
		return -EOVERFLOW;
	n = r;
	n.timestamp = delta_now(env);
	n.io_timeout = (uint16_t)(dl->io_timeout & 0xFF);
	n.owner_id = dl->host_id;
	n.owner_generation = r.owner_generation + 1;
	delta_put_name(n.resource_name, dl->host_name, msg_fill == NULL);
	if (msg_fill) {
		/* messages.md §2: our acquire zeroes unused1/unused2 and
		 * writes a fresh message record. */
		n.unused1 = 0;
		n.unused2 = 0;
		memset(msg, 0, sizeof(msg));
		msg_fill(msg_arg, n.owner_generation, msg);
	}
	assert(n.owner_generation > r.owner_generation);
	assert(n.timestamp != LEASE_FREE);

	rv = delta_write_own(env, dl, &n, msg_fill ? msg : NULL, NULL,
			     (int)dl->io_timeout, n_raw);
	if (rv < 0)
		return rv;
	info->written = n;

	/* 8 */
	info->short_delay_sec = delta_timeouts(oio, dl->fire_timeout).short_delay;
	rv = delta_wait_sec(env, info->short_delay_sec);
	if (rv < 0)
		return rv;

	/* 9: every byte of the leader record must be what we wrote. */
	rv = delta_read_own(env, dl, &v, v_raw);
	if (rv < 0)
		return rv;
	if (memcmp(v_raw, n_raw, ONDISK_LEADER_SIZE) != 0)
		return SANLK_HOSTID_BUSY;

	dl->last = n;
	memcpy(dl->last_rec, n_raw, sizeof(n_raw));
	dl->last_success = n.timestamp;
	dl->held = 1;
	dl->prev_ok = 1;
	return 0;
}
