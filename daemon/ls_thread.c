/*
 * ls_thread.c - the renewal thread of one lockspace: open the disk, probe
 * the sizes (ondisk.md §6.3), connect the watchdog, take our host_id
 * (delta acquire, algorithms.md §3.3), then renew every 2*io (§3.4) and
 * feed each renewal's whole-area read to the host table (§4.1), until the
 * monitor moves the lockspace to LS_STOPPING; then release (§3.5).
 *
 * Host messages, callbacks and 3.8 events (ls_msg.c, ev_ls.c) hook in at
 * the join (fire-timeout guard before the acquire, message engine after
 * it), in the renewal (event words and bitmap before it; host tracking
 * and the message step between its read and its write, through a
 * wrapped lease_env read, so that what the read shows - an ack, a new
 * message - is answered by the same renewal's write) and at the end.
 *
 * State: the [thread] fields of struct lspace belong to this thread
 * alone.  Results are published into the [mod] fields under ls_mod.mutex
 * and into the host table / history under the lockspace's mutex, never
 * holding either across disk I/O (ls_internal.h).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/ls_internal.h"

#define LS_USEC 1000000ull
/* Renewals start up to this much after the 0.5 s delay of §3.4, at a
 * phase drawn once per lockspace (see ls_renew_loop). */
#define LS_RENEW_PHASE_MAX_US 400000u
/* Longest single wait for the next renewal.  The wait ends early on
 * every state change that concerns this thread (LS_STOPPING signals
 * ls->wake under ls_mod.mutex), so this only bounds the loop: with
 * io_timeout <= 4 (renewals <= 10 s apart) the thread wakes once per
 * renewal, where a 1 s cap woke it 2*io+1 times. */
#define LS_RENEW_WAIT_MAX_MS  10000u

static const struct lease_env *ls_env(struct lspace *ls)
{
	return &ls->tenv.env;
}

/* delta_msg_fill_fn: our message record for the acquire write. */
static void ls_acquire_msg(void *arg, uint64_t gen, uint8_t msg[ONDISK_MSG_SIZE])
{
	struct lspace *ls = arg;

	ls_msg_fresh(ls, gen, ls->msg);
	memcpy(msg, ls->msg, ONDISK_MSG_SIZE);
}

/* ---- host table (algorithms.md §4.1) ---- */

static void ls_host_new_owner(void *arg, uint64_t host_id,
			      const struct host_rec *h)
{
	const struct lspace *ls = arg;

	log_debug("s%u host %" PRIu64 " %" PRIu64 " %" PRIu64 " %s",
		  ls->space_id, host_id, h->owner_generation, h->timestamp,
		  h->owner_name);
}

static void ls_host_bad_slot(void *arg, uint64_t host_id, uint32_t magic,
			     const char *space_name)
{
	const struct lspace *ls = arg;

	log_warn("s%u host %" PRIu64 " slot invalid: magic 0x%x or space name "
		 "not %s", ls->space_id, host_id, magic, space_name);
}

/* The renewal read succeeded: examine every slot, unless the lockspace is
 * failing or being removed (§4.1). */
static void ls_hosts_examine(struct lspace *ls)
{
	struct hosts_update_cb cb = {
		.new_owner = ls_host_new_owner,
		.bad_slot = ls_host_bad_slot,
		.arg = ls,
	};
	uint64_t now;
	int skip, rv, first;

	ev_ls_hosts_cb(ls, &cb);      /* §4.1 steps 7-8 */
	ls_lock();
	skip = ls->space_dead || ls->renew_fail || ls->rem_requested ||
	       ls->shutdown || ls->state == LS_STOPPING;
	ls_unlock();
	assert(ls->hosts_ready);
	if (skip)
		return;
	now = monotime();
	pthread_mutex_lock(&ls->mutex);
	first = ls->hosts.examinations == 0;
	rv = hosts_update(&ls->hosts, ls->area_buf, ls->dl.sizes.align_size,
			  now, &cb);
	pthread_mutex_unlock(&ls->mutex);
	assert(rv >= 0);
	if (first)
		log_debug("s%u hosts examined first at %" PRIu64, ls->space_id,
			  now);
	ev_ls_after_examine(ls);
}

static int ls_renew_once(struct lspace *ls);

/* ---- join ---- */

static void ls_publish_sizes(struct lspace *ls, const struct ondisk_sizes *sz)
{
	ls_lock();
	ls->sizes = *sz;
	ls_unlock();
}

/* Allocate the host table and history (before the lockspace is JOINED,
 * so readers only ever see them complete). */
static int ls_alloc_tables(struct lspace *ls)
{
	uint32_t hist;
	int rv;

	ls_lock();
	hist = (uint32_t)ls_mod.cfg.renewal_history_size;
	ls_unlock();
	pthread_mutex_lock(&ls->mutex);
	rv = hosts_table_init(&ls->hosts, ls->name, ls->host_id, &ls->dl.sizes);
	if (rv == 0) {
		rv = ls_history_init(&ls->history, hist);
		if (rv < 0)
			hosts_table_free(&ls->hosts);
	}
	if (rv == 0)
		ls->hosts_ready = 1;
	pthread_mutex_unlock(&ls->mutex);
	return rv;
}

static int ls_acquire(struct lspace *ls)
{
	struct delta_acquire_info info;
	uint64_t start = monotime();
	int rv;

	ls_lock();
	ls->acquire_last_attempt = start;
	ls_unlock();
	log_debug("s%u delta_acquire begin %s:%" PRIu64, ls->space_id,
		  ls->name, ls->host_id);
	rv = delta_lease_acquire(ls_env(ls), &ls->dl, ls_acquire_msg, ls, &info);

	ls_lock();
	ls->acquire_last_result = rv == 0 ? SANLK_OK : rv;
	if (rv == 0) {
		ls->acquire_last_success = ls->dl.last_success;
		ls->last_success = ls->dl.last_success;
		ls->host_generation = ls->dl.last.owner_generation;
	}
	ls_unlock();

	if (rv < 0) {
		char prev[ONDISK_NAME_LEN + 1];

		ondisk_name_str(prev, info.prev.resource_name);
		log_error("s%u delta_acquire %s:%" PRIu64 " error %d (slot "
			  "owner %" PRIu64 " gen %" PRIu64 " ts %" PRIu64
			  " io %u name %s; waited %u+%u s)", ls->space_id,
			  ls->name, ls->host_id, rv, info.prev.owner_id,
			  info.prev.owner_generation, info.prev.timestamp,
			  info.prev.io_timeout, prev, info.held_wait_sec,
			  info.short_delay_sec);
		return rv;
	}
	assert(ls->dl.held);
	assert(ls->dl.last_success != 0);
	log_debug("s%u delta_acquire done %" PRIu64 " %" PRIu64 " %" PRIu64
		  " (%s, other io %u, held wait %u, short delay %u, %" PRIu64
		  " s)", ls->space_id, ls->host_id,
		  ls->dl.last.owner_generation, ls->dl.last_success,
		  info.fast ? "free or ours" : "taken over",
		  info.prev.io_timeout, info.held_wait_sec,
		  info.short_delay_sec, monotime() - start);
	pthread_mutex_lock(&ls->mutex);
	ls_history_add(&ls->history, ls->dl.last_success, 0, 0);
	pthread_mutex_unlock(&ls->mutex);
	return 0;
}

/* algorithms.md §3.3: everything up to a held host_id and an armed
 * watchdog.  0 = JOINED; otherwise the add result. */
static int ls_join(struct lspace *ls)
{
	struct delta_lease_params p;
	struct ondisk_sizes sz;
	int rv;

	rv = ls_env_open(&ls->tenv, ls->path, &ls->abort);
	if (rv < 0) {
		/* 3.8.5 reports every open failure as -ENODEV (cli.md §1.8). */
		log_error("s%u open_disk %s error %d", ls->space_id, ls->path, rv);
		return -ENODEV;
	}
	ls->env_open = 1;

	rv = delta_lease_probe(ls_env(ls), 0, ls->offset, ls->io_timeout, &sz);
	if (rv < 0) {
		log_error("s%u failed to read device to find sector size error "
			  "%d %s", ls->space_id, rv, ls->path);
		return rv;
	}
	ls_publish_sizes(ls, &sz);

	memset(&p, 0, sizeof(p));
	ls_lock();
	p.host_name = ls_mod.cfg.our_host_name;
	p.fire_timeout = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	/* ls_config: 0 (or less) = io_timeout; delta: < 0 = io_timeout. */
	p.read_extend_sec = ls_mod.cfg.renewal_read_extend_sec > 0 ?
			    ls_mod.cfg.renewal_read_extend_sec : -1;
	ls_unlock();
	p.space_name = ls->name;
	p.host_id = ls->host_id;
	p.disk = 0;
	p.offset = ls->offset;
	p.sizes = sz;
	p.io_timeout = ls->io_timeout;
	rv = delta_lease_init(&ls->dl, &p);
	if (rv == SANLK_ADDLS_INVALID_HOSTID) {
		log_error("s%u host_id %" PRIu64 " too large for max_hosts %u",
			  ls->space_id, ls->host_id, sz.max_hosts);
		return rv;
	}
	if (rv < 0) {
		log_error("s%u delta_lease_init error %d (host name '%s', "
			  "offset %" PRIu64 ")", ls->space_id, rv, p.host_name,
			  ls->offset);
		return rv;
	}

	rv = ls_alloc_tables(ls);
	if (rv < 0) {
		log_error("s%u host table allocation error %d", ls->space_id, rv);
		return rv;
	}
	ls->area_buf = ls_env(ls)->buf_alloc(ls_env(ls)->ctx, sz.align_size);
	if (!ls->area_buf) {
		log_error("s%u no memory for the %u byte renewal buffer",
			  ls->space_id, sz.align_size);
		return -ENOMEM;
	}

	/* messages.md §8: refuse a mismatched W before writing anything */
	rv = ls_msg_guard(ls);
	if (rv < 0)
		return rv;

	rv = ls_wd_connect(ls);
	if (rv < 0)
		return rv;

	rv = ls_acquire(ls);
	if (rv < 0)
		return rv;
	rv = ls_msg_join(ls);
	if (rv < 0)
		return rv;

	/* step 10: before the lockspace is usable */
	rv = ls_wd_arm(ls, ls->dl.last_success);
	if (rv < 0)
		return SANLK_WD_ERROR;

	/* The acquire's timestamp was written before the short delay of
	 * 2 * (the slot's previous io_timeout), which may exceed our fail
	 * time 8*io: renew once now, before the monitor judges it (3.8.5
	 * renews right after the acquire too, while still "add"). */
	if (monotime() >= ls->dl.last_success + ls_timeouts(ls).renewal)
		(void)ls_renew_once(ls);

	/* step 11: a removal or shutdown requested meanwhile undoes it */
	ls_lock();
	if (ls->rem_requested || ls->shutdown) {
		ls_unlock();
		log_error("s%u add_lockspace undone: %s requested while joining",
			  ls->space_id, ls->shutdown ? "shutdown" : "removal");
		ls_wd_disarm(ls);
		return -1;
	}
	ls->state = LS_JOINED;
	ls->list_seq = ++ls_mod.seq;
	ls->add_result = 0;
	ls->add_done = 1;
	ls_broadcast();
	ls_unlock();
	return 0;
}

/* ---- renewal ---- */

#define LS_OF_TENV(e) \
	((struct lspace *)((char *)(e) - offsetof(struct lspace, tenv)))

/* lease_env.read of a renewal: once the whole-area read has succeeded,
 * and before delta_lease_renew writes, run host tracking (§4.1) and the
 * message step, which rebuilds ls->msg (delta_lease_renew copies
 * extra->msg at write time). */
static int ls_renew_read(void *ctx, int disk, uint64_t offset, void *buf,
			 size_t len, int timeout_sec)
{
	struct lspace *ls = LS_OF_TENV(ctx);
	int rv;

	assert(ctx == ls->tenv.env.ctx);
	rv = ls->tenv.env.read(ctx, disk, offset, buf, len, timeout_sec);
	if (rv == 0 && buf == ls->area_buf && len == ls->dl.sizes.align_size) {
		ls_hosts_examine(ls);
		ls_msg_renewal(ls);
		ls->renew_examined = 1;
	}
	return rv;
}

/* One attempt (algorithms.md §3.4); publishes the outcome. */
static int ls_renew_once(struct lspace *ls)
{
	struct lease_env renv = *ls_env(ls);
	const struct lease_env *env = &renv;
	struct delta_renew_extra extra;
	struct delta_renew_result res;
	int rv, debug;

	memset(&extra, 0, sizeof(extra));
	memset(&res, 0, sizeof(res));
	renv.read = ls_renew_read;
	/* The event words and bitmap of algorithms.md §8.2, §9.1; our
	 * message record, rebuilt by ls_renew_read before the write. */
	ev_ls_prepare(ls, &extra);
	extra.msg = ls->msg;
	ls->renew_examined = 0;

	if (!ls->area_buf)
		ls->area_buf = env->buf_alloc(env->ctx, ls->dl.sizes.align_size);
	if (!ls->area_buf) {
		rv = -ENOMEM;
	} else {
		rv = delta_lease_renew(env, &ls->dl, ls->area_buf, &extra, &res);
		if (res.read_rv == 0 && !ls->renew_examined)
			ls_hosts_examine(ls);
		if (res.read_rv == SANLK_AIO_TIMEOUT) {
			/* Never reuse a buffer a read may still fill. */
			env->buf_free(env->ctx, ls->area_buf);
			ls->area_buf = NULL;
		}
	}

	if (rv == 0) {
		assert(res.timestamp == ls->dl.last_success);
		ls_wd_update(ls, res.timestamp);
		pthread_mutex_lock(&ls->mutex);
		ls_history_add(&ls->history, res.timestamp,
			       ls->tenv.last_read_ms, ls->tenv.last_write_ms);
		pthread_mutex_unlock(&ls->mutex);
	} else {
		pthread_mutex_lock(&ls->mutex);
		ls_history_fail(&ls->history, rv == SANLK_AIO_TIMEOUT);
		pthread_mutex_unlock(&ls->mutex);
	}

	ls_lock();
	debug = ls_mod.cfg.debug_renew;
	ls->renewal_last_result = rv == 0 ? SANLK_OK : rv;
	if (rv == 0) {
		ls->renewal_last_success = res.timestamp;
		ls->last_success = res.timestamp;
	} else if (delta_is_corrupt_result(rv) && ls->corrupt_result == 0) {
		/* The monitor fails the lockspace at once (§3.4). */
		ls->corrupt_result = rv;
		ls_broadcast();
	}
	ls_unlock();

	if (rv < 0)
		log_error("s%u renewal error %d read %d (%d s%s) last_success %"
			  PRIu64, ls->space_id, rv, res.read_rv,
			  res.read_timeout, res.read_extended ? " extended" : "",
			  ls->dl.last_success);
	else if (debug)
		log_debug("s%u renewed %" PRIu64 " read_ms %u write_ms %u",
			  ls->space_id, res.timestamp, ls->tenv.last_read_ms,
			  ls->tenv.last_write_ms);
	return rv;
}

/* Scheduling of §3.4: due when now - last_success >= 2*io, plus 0.5 s
 * (so successful renewals write timestamps exactly 2*io apart); after a
 * failed attempt, again 0.5 s later.  Runs until the lockspace is
 * LS_STOPPING: the loop is bounded by the lockspace's lifetime. */
static void ls_renew_loop(struct lspace *ls)
{
	uint64_t renewal = ls_timeouts(ls).renewal;
	uint64_t retry_us = 0;
	/* 3.8.5 finds a renewal due with 1 s sleeps started at an arbitrary
	 * moment, so hosts renew at unrelated sub-second phases.  Computing
	 * the due time exactly would put every daemon of one machine in
	 * lock-step at x.5 s, where one host's read races another's write
	 * and a host message or ack is seen one renewal late: draw a phase
	 * (still within §3.4's "2*io to 2*io + 1.5 s"). */
	uint64_t phase_us = ls_env(ls)->random(ls_env(ls)->ctx) %
			    LS_RENEW_PHASE_MAX_US;
	int rv;

	for (;;) {
		uint64_t due_us, now_us, wait_ms;

		ls_lock();
		for (;;) {
			if (ls->state == LS_STOPPING)
				goto out_locked;
			assert(ls->state == LS_JOINED);
			due_us = (ls->dl.last_success + renewal) * LS_USEC +
				 LS_RETRY_DELAY_MS * 1000ull + phase_us;
			if (retry_us > due_us)
				due_us = retry_us;
			now_us = monotime_usec();
			if (now_us >= due_us)
				break;
			wait_ms = (due_us - now_us) / 1000 + 1;
			if (wait_ms > LS_RENEW_WAIT_MAX_MS)
				wait_ms = LS_RENEW_WAIT_MAX_MS;
			ls_cond_wait_ms(&ls->wake, (uint32_t)wait_ms);
		}
		ls->renewal_last_attempt = monotime();
		ls_unlock();

		rv = ls_renew_once(ls);
		retry_us = rv < 0 ? monotime_usec() + LS_RETRY_DELAY_MS * 1000ull : 0;
	}
out_locked:
	ls_unlock();
}

/* ---- leave ---- */

static void ls_leave(struct lspace *ls)
{
	const struct lease_env *env = ls_env(ls);
	int rv;

	if (ls->dl.held) {
		ls_msg_release_record(ls);   /* the ack stays, no message */
		rv = delta_lease_release(env, &ls->dl, ls->msg);
		if (rv == 0)
			log_debug("s%u delta_release done %" PRIu64 " %" PRIu64
				  " 0", ls->space_id, ls->host_id,
				  ls->dl.last.owner_generation);
		else if (rv == DELTA_RELEASE_SKIPPED)
			log_warn("s%u delta_release skipped: the last renewal "
				 "failed, the slot is left to time out",
				 ls->space_id);
		else
			log_error("s%u delta_release error %d", ls->space_id, rv);
	}
	assert(!ls->dl.held);
	ls_msg_leave(ls);
	ls_wd_close(ls);
	if (ls->area_buf) {
		env->buf_free(env->ctx, ls->area_buf);
		ls->area_buf = NULL;
	}
	if (ls->env_open) {
		ls_env_close(&ls->tenv);
		ls->env_open = 0;
	}
}

void *ls_thread_main(void *arg)
{
	struct lspace *ls = arg;
	int rv;

	rv = ls_join(ls);
	if (rv == 0)
		ls_renew_loop(ls);
	ls_leave(ls);

	ls_lock();
	if (!ls->add_done) {
		assert(rv != 0);
		ls->add_result = rv;
		ls->add_done = 1;
	}
	ls->thread_done = 1;
	ls_broadcast();
	ls_unlock();
	/* ls may be freed from here on (the monitor joins, then drops the
	 * thread's reference). */
	return NULL;
}
