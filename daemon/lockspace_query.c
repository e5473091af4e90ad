/*
 * lockspace_query.c - read-only questions about the lockspaces:
 * get_lockspaces and get_hosts (api.md §4.3, algorithms.md §4.2), and for
 * the resource code: ls_info, host_live (§4.4), a host record copy.
 *
 * Runs in command / worker threads; ls_mod.mutex, then the lockspace's
 * mutex for its host table.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "common/monotime.h"
#include "daemon/ls_internal.h"

int ls_get_lockspaces(struct sanlk_lockspace *out, int max, int *count)
{
	static const enum ls_state ranks[3] = { LS_JOINED, LS_STOPPING, LS_ADDING };
	struct lspace *v[LS_MAX_LOCKSPACES];
	int i, n;

	assert(count);
	assert(max >= 0);
	ls_lock();
	n = ls_sorted(v, ranks);
	for (i = 0; i < n && i < max; i++)
		ls_to_sanlk(v[i], &out[i]);
	ls_unlock();
	*count = n;
	return 0;
}

/* A joined lockspace by name with its hosts examined (ls_mod.mutex
 * held): -ENOENT not joined, -EAGAIN not examined yet. */
static int ls_joined_hosts(const char *name, struct lspace **out)
{
	struct lspace *ls = ls_find_name(name);
	int ready;

	if (!ls || ls->state != LS_JOINED)
		return -ENOENT;
	pthread_mutex_lock(&ls->mutex);
	ready = ls->hosts_ready && ls->hosts.examinations > 0;
	pthread_mutex_unlock(&ls->mutex);
	if (!ready)
		return -EAGAIN;
	*out = ls;
	return 0;
}

static void ls_host_entry(const struct lspace *ls, uint64_t host_id,
			  const struct host_rec *h, uint64_t now,
			  struct sanlk_host *e)
{
	memset(e, 0, sizeof(*e));
	e->host_id = host_id;
	e->generation = h->owner_generation;
	e->timestamp = h->timestamp;
	e->io_timeout = h->io_timeout;
	e->flags = hosts_state(h, ls->host_id, now,
			       (uint32_t)ls_mod.cfg.watchdog_fire_timeout);
}

int ls_get_hosts(const char *name, uint64_t host_id, struct sanlk_host *out,
		 int max, int *count)
{
	struct lspace *ls;
	uint64_t now = monotime();
	uint32_t i;
	int rv, n = 0;

	assert(count);
	assert(max >= 0);
	*count = 0;
	ls_lock();
	rv = ls_joined_hosts(name, &ls);
	if (rv < 0)
		goto out;
	pthread_mutex_lock(&ls->mutex);
	if (host_id) {
		/* That slot whatever its state; none when out of range
		 * (3.8.5 returns an empty list). */
		const struct host_rec *h = hosts_get(&ls->hosts, host_id);

		if (h) {
			if (max > 0)
				ls_host_entry(ls, host_id, h, now, &out[0]);
			n = 1;
		}
	} else {
		for (i = 0; i < ls->hosts.max_hosts; i++) {
			const struct host_rec *h = &ls->hosts.recs[i];

			if (h->timestamp == LEASE_FREE)
				continue;
			if (n < max)
				ls_host_entry(ls, i + 1, h, now, &out[n]);
			n++;
		}
	}
	pthread_mutex_unlock(&ls->mutex);
	*count = n;
out:
	ls_unlock();
	return rv;
}

int ls_info(const char *name, struct ls_info *out)
{
	struct lspace *ls;
	int rv = 0;

	ls_lock();
	ls = ls_find_name(name);
	if (!ls || ls->state != LS_JOINED) {
		rv = -ENOENT;
	} else {
		memset(out, 0, sizeof(*out));
		out->space_id = ls->space_id;
		out->host_id = ls->host_id;
		out->host_generation = ls->host_generation;
		out->io_timeout = ls->io_timeout;
		out->fire_timeout = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
		out->sector_size = ls->sizes.sector_size;
		out->align_size = ls->sizes.align_size;
		out->max_hosts = ls->sizes.max_hosts;
		out->space_dead = ls->space_dead;
	}
	ls_unlock();
	return rv;
}

int ls_host_record(const char *name, uint64_t host_id, struct host_rec *out,
		   uint32_t *our_io_timeout)
{
	struct lspace *ls;
	const struct host_rec *h;
	int rv;

	ls_lock();
	rv = ls_joined_hosts(name, &ls);
	if (rv == 0) {
		pthread_mutex_lock(&ls->mutex);
		h = hosts_get(&ls->hosts, host_id);
		if (h)
			*out = *h;
		else
			rv = -ENOENT;
		pthread_mutex_unlock(&ls->mutex);
		if (our_io_timeout)
			*our_io_timeout = ls->io_timeout;
	}
	ls_unlock();
	return rv;
}

int ls_host_live(const char *name, uint64_t host_id, uint64_t gen)
{
	struct host_rec h;
	uint32_t our_io = 0, w;
	int rv;

	rv = ls_host_record(name, host_id, &h, &our_io);
	if (rv == -EAGAIN)
		return 1;               /* §4.4 row 2: never examined */
	if (rv < 0)
		return 1;               /* row 1: unavailable */
	ls_lock();
	w = (uint32_t)ls_mod.cfg.watchdog_fire_timeout;
	ls_unlock();
	return hosts_live(&h, gen, our_io, w);
}
