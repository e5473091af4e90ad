/*
 * ls_status.c - what `client status`, `client host_status` and `client
 * renewal` show of the lockspaces (cli.md §3.1, §3.2, §3.5; api.md §8.7):
 * the lockspace key=value text, the host records, the renewal history.
 *
 * Runs in command threads; reads [mod] fields under ls_mod.mutex and the
 * host table / history under the lockspace's mutex (taken second).  The
 * callbacks run with those locks held and must not call back in.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/ls_internal.h"
#include "daemon/res_ls.h"

#define LS_TEXT_MAX 4096   /* api.md §8.7: longest status text */

void ls_to_sanlk(const struct lspace *ls, struct sanlk_lockspace *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->name, ls->name, SANLK_NAME_LEN);
	out->host_id = ls->host_id;
	if (ls->state == LS_ADDING)
		out->flags = SANLK_LSF_ADD;
	else if (ls->state == LS_STOPPING)
		out->flags = SANLK_LSF_REM;
	snprintf(out->host_id_disk.path, SANLK_PATH_LEN, "%s", ls->path);
	out->host_id_disk.offset = ls->offset;
}

int ls_status_text(const struct lspace *ls, char *buf, size_t size)
{
	int extend = ls_mod.cfg.renewal_read_extend_sec > 0 ?
		     ls_mod.cfg.renewal_read_extend_sec : (int)ls->io_timeout;
	int used = 0, used_by_orphans = 0;

	/* set_config flags live in the resource manager (safe to ask with
	 * the lockspace mutex held: it takes only its own leaf lock). */
	res_ls_used_flags(ls->name, ls->space_id, &used, &used_by_orphans);

	return snprintf(buf, size,
		"list=%s space_id=%u io_timeout=%u sector_size=%u "
		"align_size=%u host_generation=%" PRIu64 " renew_fail=%d "
		"space_dead=%d killing_pids=%d used_retries=%d "
		"external_used=%d used_by_orphans=%d "
		"renewal_read_extend_sec=%d set_max_sectors_kb=%d "
		"corrupt_result=%d acquire_last_result=%d "
		"renewal_last_result=%d acquire_last_attempt=%" PRIu64
		" acquire_last_success=%" PRIu64 " renewal_last_attempt=%"
		PRIu64 " renewal_last_success=%" PRIu64,
		ls_list_name(ls), ls->space_id, ls->io_timeout,
		ls->sizes.sector_size, ls->sizes.align_size,
		ls->host_generation, ls->renew_fail, ls->space_dead,
		ls->killing_pids, 0, used, used_by_orphans, extend, 0,
		ls->corrupt_result,
		ls->acquire_last_result, ls->renewal_last_result,
		ls->acquire_last_attempt, ls->acquire_last_success,
		ls->renewal_last_attempt, ls->renewal_last_success);
}

/* Snapshot of the table in the order of `ranks` (the lists), most recent
 * first within a list (ls_mod.mutex held).  Returns the count. */
int ls_sorted(struct lspace **out, const enum ls_state ranks[3])
{
	int i, j, k, n = 0;

	for (k = 0; k < 3; k++) {
		int first = n;

		for (i = 0; i < ls_mod.count; i++)
			if (ls_mod.table[i]->state == ranks[k])
				out[n++] = ls_mod.table[i];
		/* insertion sort, list_seq descending; n <= LS_MAX_LOCKSPACES */
		for (i = first + 1; i < n; i++) {
			struct lspace *x = out[i];

			for (j = i; j > first && out[j - 1]->list_seq < x->list_seq; j--)
				out[j] = out[j - 1];
			out[j] = x;
		}
	}
	assert(n <= ls_mod.count);
	return n;
}

void ls_status_foreach(ls_status_cb cb, void *arg)
{
	static const enum ls_state ranks[3] = { LS_JOINED, LS_ADDING, LS_STOPPING };
	struct lspace *v[LS_MAX_LOCKSPACES];
	struct sanlk_lockspace sl;
	char *text;
	int i, n;

	text = malloc(LS_TEXT_MAX);
	if (!text) {
		log_error("lockspace status: no memory");
		return;
	}
	ls_lock();
	n = ls_sorted(v, ranks);
	for (i = 0; i < n; i++) {
		ls_to_sanlk(v[i], &sl);
		ls_status_text(v[i], text, LS_TEXT_MAX);
		cb(arg, &sl, ls_list_name(v[i]), text);
	}
	ls_unlock();
	free(text);
}

int ls_host_status_foreach(const char *name, ls_host_cb cb, void *arg)
{
	struct lspace *ls;
	char text[512];
	uint32_t i;

	ls_lock();
	ls = ls_find_name(name);
	if (!ls) {
		ls_unlock();
		return -ENOSPC;
	}
	pthread_mutex_lock(&ls->mutex);
	if (ls->hosts_ready && ls->hosts.examinations > 0) {
		for (i = 0; i < ls->hosts.max_hosts; i++) {
			const struct host_rec *h = &ls->hosts.recs[i];

			if (!hosts_reportable(h))
				continue;
			hosts_status_text(h, text, sizeof(text));
			cb(arg, i + 1, h->timestamp, text);
		}
	}
	pthread_mutex_unlock(&ls->mutex);
	ls_unlock();
	return 0;
}

int ls_renewal_foreach(const char *name, int *io_timeout, ls_renewal_cb cb,
		       void *arg)
{
	struct lspace *ls;
	char text[256];
	uint32_t i;

	ls_lock();
	if (ls_mod.cfg.renewal_history_size == 0) {
		ls_unlock();
		return 0;
	}
	ls = ls_find_name(name);
	if (!ls) {
		ls_unlock();
		return -ENOSPC;
	}
	pthread_mutex_lock(&ls->mutex);
	if (ls->history.count > 0 && io_timeout)
		*io_timeout = (int)ls->io_timeout;
	for (i = 0; i < ls->history.count; i++) {
		const struct ls_renewal *r = ls_history_get(&ls->history, i);

		assert(r);
		ls_history_text(r, text, sizeof(text));
		cb(arg, r->timestamp, text);
	}
	pthread_mutex_unlock(&ls->mutex);
	ls_unlock();
	return 0;
}
