/*
 * reset_run.c - sanlk-reset reset (see reset_run.h): the sanlock calls
 * around the pure rules of reset_watch.c.
 *
 * 1. reg_event on every lockspace; 2. set_event (RESET and/or REBOOT for
 * the target host; generation -g, or the target's current one through
 * SANLK_SETEV_CUR_GENERATION); 3. every 2 s: get_hosts of the target, then
 * the events queued on the event fd (our daemon queues the events of a
 * renewal together with the host state it records, so events that came
 * with the sampled timestamp are already readable), then the rules.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sanlock.h"
#include "sanlock_admin.h"

#include "reset_log.h"
#include "reset_run.h"
#include "reset_watch.h"

struct reset_job {
	int n;
	struct reset_watch w[RESET_MAX_LS];
	int fd[RESET_MAX_LS];
};

static void sample(struct reset_watch *w)
{
	struct sanlk_host *hs = NULL;
	int count = 0, rv, found;

	rv = sanlock_get_hosts(w->name, w->host_id, &hs, &count, 0);
	if (rv == -ENOENT) {
		reset_watch_lost(w, "lockspace is not joined", &reset_log_say);
		free(hs);
		return;
	}
	if (rv < 0) {
		reset_log_debug("get_hosts error %d ls %s", rv, w->name);
		free(hs);
		return;
	}
	found = count > 0 && hs && hs[0].host_id == w->host_id;
	if (reset_watch_sample(w, found, found ? hs[0].timestamp : 0,
			       found ? hs[0].generation : 0,
			       found ? hs[0].io_timeout : 0,
			       found ? hs[0].flags : 0))
		reset_log_debug("host renewal %d timestamp %" PRIu64
				" in ls %s:%" PRIu64, w->renewals, w->ts,
				w->name, w->host_id);
	reset_log_debug("host state %s generation %" PRIu64 " timestamp %"
			PRIu64 " io_timeout %u in ls %s:%" PRIu64,
			reset_state_name(w->state), w->generation, w->ts,
			w->io_timeout, w->name, w->host_id);
	free(hs);
}

static void drain_events(struct reset_watch *w, int *fd, uint64_t now)
{
	struct sanlk_host_event he;
	uint64_t from_id, from_gen;
	int rv;

	while (*fd >= 0) {
		rv = sanlock_get_event(*fd, 0, &he, &from_id, &from_gen);
		if (rv == -EAGAIN)
			return;
		if (rv < 0) {
			reset_log_debug("get_event error %d ls %s", rv,
					w->name);
			close(*fd);
			*fd = -1;
			reset_watch_lost(w, "event connection closed",
					 &reset_log_say);
			return;
		}
		reset_log_debug("event 0x%" PRIx64 " 0x%" PRIx64 " for %" PRIu64
				" %" PRIu64 " from host %" PRIu64 " %" PRIu64
				" ls %s", he.event, he.data, he.host_id,
				he.generation, from_id, from_gen, w->name);
		reset_watch_event(w, he.event, from_id, now, &reset_log_say);
	}
}

static void sleep_until_ms(uint64_t deadline_ms)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ms / 1000),
		.tv_nsec = (long)(deadline_ms % 1000) * 1000000L,
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Steps 1 and 2: the lockspaces that could be asked stay in job. */
static int ask(const struct reset_opts *o, struct reset_job *job)
{
	uint64_t bits = reset_request_bits(o);
	struct sanlk_host_event he;
	char words[64];
	int i, m, rv;

	job->n = 0;
	for (i = 0; i < o->count; i++) {
		rv = sanlock_reg_event(o->t[i].name, NULL, 0);
		if (rv < 0) {
			reset_log_error("reg_event error %d ls %s", rv,
					o->t[i].name);
			continue;
		}
		reset_watch_init(&job->w[job->n], o->t[i].name,
				 o->t[i].host_id);
		job->fd[job->n++] = rv;
	}
	if (!job->n) {
		reset_log_error("No lockspaces could be registered.");
		return -1;
	}

	reset_event_words(bits, words, sizeof(words));
	for (i = 0, m = 0; i < job->n; i++) {
		struct reset_watch *w = &job->w[i];

		memset(&he, 0, sizeof(he));
		he.host_id = w->host_id;
		he.generation = o->generation;
		he.event = bits;
		rv = sanlock_set_event(w->name, &he, o->generation ? 0 :
				       SANLK_SETEV_CUR_GENERATION);
		if (rv < 0) {
			reset_log_error("set_event error %d ls %s", rv,
					w->name);
			sanlock_end_event(job->fd[i], w->name, 0);
			continue;
		}
		reset_log("asked host to %sin ls %s:%" PRIu64, words, w->name,
			  w->host_id);
		if (m != i) {
			job->w[m] = job->w[i];
			job->fd[m] = job->fd[i];
		}
		m++;
	}
	job->n = m;
	if (!job->n) {
		reset_log_error("Event could not be set in any lockspace.");
		return -1;
	}
	return 0;
}

int reset_run(const struct reset_opts *o)
{
	static struct reset_job job;
	struct reset_policy pol;
	enum reset_verdict v;
	uint64_t next, now;
	int i;

	memset(&pol, 0, sizeof(pol));
	pol.start = reset_monotime();
	pol.resource_mode = o->resource_mode;
	pol.native_timeout = o->native_timeout;

	if (ask(o, &job) < 0)
		return 1;

	next = now_ms();
	for (;;) {
		now = reset_monotime();
		for (i = 0; i < job.n; i++) {
			if (job.w[i].gone)
				continue;
			sample(&job.w[i]);
			drain_events(&job.w[i], &job.fd[i], now);
		}
		v = reset_watch_eval(job.w, job.n, &pol, now, &reset_log_say);
		if (v != RESET_WAIT)
			break;
		next += RESET_TICK_SECONDS * 1000;
		sleep_until_ms(next);
	}

	now = reset_monotime();
	if (v == RESET_DONE)
		reset_log("reset done in %" PRIu64 " seconds", now - pol.start);
	else
		reset_log_error("reset failed in %" PRIu64 " seconds",
				now - pol.start);
	for (i = 0; i < job.n; i++)
		if (job.fd[i] >= 0)
			sanlock_end_event(job.fd[i], job.w[i].name, 0);
	return v == RESET_DONE ? 0 : 1;
}
