/*
 * resetd_event.c - sanlk-resetd acting on host events (spec/cli.md §5.1):
 * read the events of a lockspace, decide (resetd_decide.c), then perform:
 * set_config USED, arm the watchdog, schedule the sysrq reboot, and reply
 * with set_event to all hosts carrying the requester's host_id and
 * generation.  After a reply the lockspace's events are no longer read.
 *
 * Duplicates (algorithms.md §9.3: one delivery per sender renewal while
 * its bit is set): an event equal to the last one handled in that
 * lockspace is skipped.  A request whose handling failed part-way (USED,
 * the watchdog or the reply could not be set) is not remembered, so the
 * next delivery tries again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock.h"
#include "sanlock_admin.h"

#include "resetd.h"
#include "resetd_decide.h"
#include "resetd_log.h"

/* Our generation in lockspace name (0 when it cannot be read). */
static uint64_t own_generation(const char *name)
{
	struct sanlk_lockspace *lss = NULL;
	struct sanlk_host *hs = NULL;
	uint64_t host_id = 0, gen = 0;
	int n = 0, count = 0, i, rv;

	rv = sanlock_get_lockspaces(&lss, &n, 0);
	if (rv < 0 && rv != -ENOSPC) {
		resetd_debug("get_lockspaces error %d", rv);
		return 0;
	}
	for (i = 0; lss && i < n; i++)
		if (!strncmp(lss[i].name, name, SANLK_NAME_LEN))
			host_id = lss[i].host_id;
	free(lss);
	if (!host_id)
		return 0;
	rv = sanlock_get_hosts(name, host_id, &hs, &count, 0);
	if (rv == 0 && hs && count > 0)
		gen = hs[0].generation;
	else
		resetd_debug("get_hosts %" PRIu64 " error %d ls %s", host_id,
			     rv, name);
	free(hs);
	return gen;
}

static int same_key(const struct resetd_event_key *k,
		    const struct resetd_event_key *e)
{
	return k->valid && k->from_host_id == e->from_host_id &&
	       k->from_generation == e->from_generation &&
	       k->generation == e->generation && k->event == e->event &&
	       k->data == e->data;
}

/* Returns 1 when the event is dealt with (remember it), 0 to let a later
 * delivery of the same event try again. */
static int handle(struct resetd *d, struct resetd_ls *ls,
		  const struct resetd_event_key *e)
{
	struct resetd_decide_in in;
	struct sanlk_host_event reply;
	struct resetd_plan p;
	uint64_t bits;
	char words[64];
	int rv;

	memset(&in, 0, sizeof(in));
	in.event = e->event;
	in.generation = e->generation;
	in.use_watchdog = d->opts.use_watchdog;
	in.sysrq_reboot = d->opts.sysrq_reboot;
	in.resource_mode = d->opts.resource_mode;
	in.wd_armed = d->wd_armed;
	in.reboot_scheduled = d->reboot_scheduled;
	if (e->generation && (e->event & RESET_REQUEST_BITS))
		in.own_generation = own_generation(ls->name);
	resetd_decide(&in, &p);

	reset_event_words(e->event, words, sizeof(words));
	switch (p.kind) {
	case RESETD_OTHER:
		resetd_debug("ignore event 0x%" PRIx64 " 0x%" PRIx64
			     " from host %" PRIu64 " %" PRIu64 " ls %s",
			     e->event, e->data, e->from_host_id,
			     e->from_generation, ls->name);
		return 1;
	case RESETD_NOTICE:
		resetd_notice("notice of %s(%" PRIx64 " %" PRIx64 ") from host %"
			      PRIu64 " %" PRIu64 " ls %s", words, e->event,
			      e->data, e->from_host_id, e->from_generation,
			      ls->name);
		return 1;
	case RESETD_OLD_GENERATION:
		resetd_error("ignore request to %s(%" PRIx64 " %" PRIx64
			     ") from host %" PRIu64 " %" PRIu64 " ls %s: for "
			     "generation %" PRIu64 ", ours is %" PRIu64, words,
			     e->event, e->data, e->from_host_id,
			     e->from_generation, ls->name, e->generation,
			     in.own_generation);
		return 1;
	case RESETD_REQUEST:
		break;
	}

	resetd_notice("request to %s(%" PRIx64 " %" PRIx64 ") from host %" PRIu64
		      " %" PRIu64 " ls %s", words, e->event, e->data,
		      e->from_host_id, e->from_generation, ls->name);
	if (p.ignore_reset)
		resetd_error("ignore reset request use_watchdog not enabled");
	if (p.ignore_reboot)
		resetd_error("ignore reboot request sysrq_reboot not enabled");

	if (p.set_used) {
		rv = sanlock_set_config(ls->name, 0, SANLK_CONFIG_USED, NULL);
		if (rv < 0) {
			resetd_error("set_config used error %d ls %s", rv,
				     ls->name);
			return 0;
		}
		resetd_debug("set_config used ls %s", ls->name);
	}
	if (p.arm_watchdog) {
		rv = resetd_wd_fire(d);
		if (rv < 0) {
			resetd_error("watchdog test_live error %d", rv);
		} else {
			d->wd_armed = 1;
			resetd_notice("Resetting host with watchdog");
		}
	}
	if (p.schedule_reboot) {
		d->reboot_scheduled = 1;
		d->reboot_at_ms = resetd_now_ms() +
				  (uint64_t)d->opts.sysrq_delay * 1000;
		resetd_debug("sysrq reboot in %d seconds", d->opts.sysrq_delay);
	}

	bits = resetd_reply_bits(&p, d->wd_armed, d->reboot_scheduled);
	if (!bits)
		return !(p.arm_watchdog && !d->wd_armed);

	memset(&reply, 0, sizeof(reply));
	reply.host_id = e->from_host_id;
	reply.generation = e->from_generation;
	reply.event = bits;
	rv = sanlock_set_event(ls->name, &reply,
			       SANLK_SETEV_ALL_HOSTS | SANLK_SETEV_REPLACE_EVENT);
	reset_event_words(bits, words, sizeof(words));
	if (rv < 0) {
		resetd_error("set_event reply %s(%" PRIx64 " 0) error %d ls %s",
			     words, bits, rv, ls->name);
		return 0;
	}
	resetd_notice("set reply %s(%" PRIx64 " %" PRIx64 ") for host %" PRIu64
		      " %" PRIu64 " ls %s", words, bits, (uint64_t)0,
		      e->from_host_id, e->from_generation, ls->name);
	ls->replied = 1;
	resetd_debug("stop reading events ls %s", ls->name);
	return 1;
}

void resetd_ls_readable(struct resetd *d, int i)
{
	struct resetd_ls *ls = &d->ls[i];
	struct sanlk_host_event he;
	struct resetd_event_key e;
	int rv;

	while (ls->used && !ls->replied) {
		rv = sanlock_get_event(ls->fd, 0, &he, &e.from_host_id,
				       &e.from_generation);
		if (rv == -EAGAIN)
			return;
		if (rv < 0) {
			resetd_error("get_event %d error %d ls %s: unregistered",
				     i, rv, ls->name);
			resetd_ls_drop(d, i);
			return;
		}
		e.valid = 1;
		e.generation = he.generation;
		e.event = he.event;
		e.data = he.data;
		if (same_key(&ls->last, &e)) {
			resetd_debug("duplicate event 0x%" PRIx64 " from host %"
				     PRIu64 " %" PRIu64 " ls %s", e.event,
				     e.from_host_id, e.from_generation,
				     ls->name);
			continue;
		}
		if (handle(d, ls, &e))
			ls->last = e;
	}
}
