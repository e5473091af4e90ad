/*
 * delta_sector.c - I/O of our own delta-lease sector and the bounded wait
 * used by acquire: read + decode + verify (ondisk.md §9.1), build a whole
 * zero-filled sector (record, message record at 200, bitmap at 256) and
 * write it, one-second-step waits on the env clock.
 *
 * No state; the caller's thread owns the struct delta_lease it passes.
 * Every buffer comes from env->buf_alloc and goes back through
 * env->buf_free, also after a timeout (the env keeps it alive while the
 * I/O may still be in flight, lease_env.h).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/delta_internal.h"

uint64_t delta_now(const struct lease_env *env)
{
	uint64_t t = env->now(env->ctx);

	return t ? t : 1;
}

int delta_wait_sec(const struct lease_env *env, uint32_t sec)
{
	uint64_t start = env->now(env->ctx);
	uint64_t max_steps = 2 * (uint64_t)sec + DELTA_WAIT_EXTRA_STEPS;
	uint64_t steps;

	for (steps = 0; steps < max_steps; steps++) {
		uint64_t now = env->now(env->ctx);

		/* Both: a sleep may return early, a clock may lag a
		 * fraction of a second behind the sleeps. */
		if (steps >= sec && now >= start && now - start >= sec)
			return 0;
		if (env->sleep_usec(env->ctx, DELTA_SLEEP_STEP_USEC))
			return DELTA_ABORTED;
	}
	return -ETIMEDOUT;
}

int delta_read_own(const struct lease_env *env, const struct delta_lease *dl,
		   struct ondisk_leader *lr, uint8_t raw[ONDISK_LEADER_SIZE])
{
	uint32_t ss = dl->sizes.sector_size;
	uint8_t *buf;
	int rv;

	assert(ss >= 512 && ss % 512 == 0);
	buf = env->buf_alloc(env->ctx, ss);
	if (!buf)
		return -ENOMEM;
	rv = env->read(env->ctx, dl->disk, dl->sector_offset, buf, ss,
		       (int)dl->io_timeout);
	if (rv != 0) {
		env->buf_free(env->ctx, buf);
		return rv < 0 ? rv : -EIO;
	}
	ondisk_leader_decode(buf, lr);
	if (raw)
		memcpy(raw, buf, ONDISK_LEADER_SIZE);
	env->buf_free(env->ctx, buf);
	return ondisk_delta_verify(lr, dl->space_name);
}

int delta_write_own(const struct lease_env *env, const struct delta_lease *dl,
		    struct ondisk_leader *lr, const uint8_t *msg,
		    const uint8_t *bitmap, int timeout_sec,
		    uint8_t raw[ONDISK_LEADER_SIZE])
{
	uint32_t ss = dl->sizes.sector_size;
	uint8_t *buf;
	int rv;

	assert(ss >= ONDISK_BITMAP_OFFSET + ONDISK_BITMAP_SIZE);
	assert(lr->magic == DELTA_DISK_MAGIC);
	assert(lr->owner_id == dl->host_id);
	assert(timeout_sec > 0);

	buf = env->buf_alloc(env->ctx, ss);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, ss);
	ondisk_leader_seal(lr, buf);
	if (msg)
		memcpy(buf + ONDISK_MSG_OFFSET, msg, ONDISK_MSG_SIZE);
	if (bitmap)
		memcpy(buf + ONDISK_BITMAP_OFFSET, bitmap, ONDISK_BITMAP_SIZE);
	if (raw)
		memcpy(raw, buf, ONDISK_LEADER_SIZE);
	rv = env->write(env->ctx, dl->disk, dl->sector_offset, buf, ss,
			timeout_sec);
	env->buf_free(env->ctx, buf);
	return rv <= 0 ? rv : -EIO;
}
