/*
 * reset_watch.c - sanlk-reset's done / failure rules (see reset_watch.h).
 * Pure: no I/O except through the say callback.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sanlock.h"
#include "sanlock_admin.h"

#include "reset_watch.h"

__attribute__((format(printf, 3, 4)))
static void say(const struct reset_say *s, int error, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (!s || !s->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->fn(s->arg, error, text);
}

const char *reset_state_name(uint32_t state)
{
	switch (state & SANLK_HOST_MASK) {
	case SANLK_HOST_UNKNOWN: return "UNKNOWN";
	case SANLK_HOST_FREE:    return "FREE";
	case SANLK_HOST_LIVE:    return "LIVE";
	case SANLK_HOST_FAIL:    return "FAIL";
	case SANLK_HOST_DEAD:    return "DEAD";
	default:                 return "-";
	}
}

void reset_watch_init(struct reset_watch *w, const char *name,
		      uint64_t host_id)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->host_id = host_id;
}

int reset_watch_sample(struct reset_watch *w, int found, uint64_t timestamp,
		       uint64_t generation, uint32_t io_timeout,
		       uint32_t state)
{
	int renewed = 0;

	if (!found) {
		timestamp = 0;
		state = SANLK_HOST_FREE;
	}
	if (w->have_sample && timestamp != w->ts) {
		w->renewals++;
		renewed = 1;
	}
	w->have_sample = 1;
	w->ts = timestamp;
	w->generation = generation;
	w->io_timeout = io_timeout;
	w->state = state & SANLK_HOST_MASK;
	return renewed;
}

uint64_t reset_watch_event(struct reset_watch *w, uint64_t event,
			   uint64_t from_host_id, uint64_t now,
			   const struct reset_say *say_to)
{
	uint64_t fresh;
	char words[64];

	if (from_host_id != w->host_id)
		return 0;
	fresh = event & RESET_REPLY_BITS & ~w->reply_bits;
	if (!fresh)
		return 0;
	if (!w->reply_bits) {
		w->reply_time = now;
		w->reply_ts = w->ts;
	}
	w->reply_bits |= fresh;
	reset_event_words(fresh, words, sizeof(words));
	say(say_to, 0, "host %sin ls %s:%" PRIu64, words, w->name, w->host_id);
	return fresh;
}

void reset_watch_lost(struct reset_watch *w, const char *why,
		      const struct reset_say *say_to)
{
	if (w->gone)
		return;
	w->gone = 1;
	w->failed = 1;
	say(say_to, 1, "%s in ls %s:%" PRIu64, why, w->name, w->host_id);
}

static int native_rule_applies(const struct reset_watch *ws, int n,
			       const struct reset_policy *p)
{
	int i;

	if (!p->native_timeout || n < 1)
		return 0;
	for (i = 0; i < n; i++)
		if (!ws[i].have_sample ||
		    ws[i].io_timeout != RESET_NATIVE_IO_TIMEOUT)
			return 0;
	return 1;
}

/* Enter a failed state if this lockspace is in one; log it once. */
static void check_failed(struct reset_watch *w, const struct reset_policy *p,
			 uint64_t now, const struct reset_say *s)
{
	if (w->failed)
		return;
	if (w->reply_bits) {
		if (now - p->start > RESET_REPLY_GIVE_UP) {
			w->failed = 1;
			say(s, 1, "host watchdog reset failed in ls %s:%" PRIu64,
			    w->name, w->host_id);
		}
		return;
	}
	if (!w->have_sample)
		return;
	if (w->state == SANLK_HOST_DEAD) {
		w->failed = 1;
		say(s, 1, "host is dead with no reply in ls %s:%" PRIu64,
		    w->name, w->host_id);
	} else if (w->state == SANLK_HOST_FREE) {
		w->failed = 1;
		say(s, 1, "host is free with no reply in ls %s:%" PRIu64,
		    w->name, w->host_id);
	} else if (w->renewals >= RESET_NO_REPLY_RENEWALS) {
		w->failed = 1;
		say(s, 1, "host renewals %d with no reply in ls %s:%" PRIu64,
		    w->renewals, w->name, w->host_id);
	}
}

enum reset_verdict reset_watch_eval(struct reset_watch *ws, int n,
				    const struct reset_policy *p, uint64_t now,
				    const struct reset_say *s)
{
	int native = native_rule_applies(ws, n, p);
	int i, failed = 0;

	for (i = 0; i < n; i++) {
		struct reset_watch *w = &ws[i];

		if (w->gone)
			continue;
		if (native && w->reply_bits &&
		    now - w->reply_time >= RESET_NATIVE_WAIT) {
			/* a timestamp that went back (0: released) is no
			 * watchdog reset either */
			if (w->ts >= w->reply_ts &&
			    w->ts - w->reply_ts <= RESET_NATIVE_MAX_ADVANCE) {
				say(s, 0, "reset done by native_timeout in ls "
				    "%s:%" PRIu64, w->name, w->host_id);
				return RESET_DONE;
			}
			say(s, 1, "watchdog failed to fire in ls %s:%" PRIu64,
			    w->name, w->host_id);
			return RESET_FAILED;
		}
		if (w->have_sample && w->state == SANLK_HOST_DEAD &&
		    (p->resource_mode || w->reply_bits)) {
			say(s, 0, "host dead in ls %s:%" PRIu64, w->name,
			    w->host_id);
			say(s, 0, "reset done by host_status in ls %s:%" PRIu64,
			    w->name, w->host_id);
			return RESET_DONE;
		}
	}
	for (i = 0; i < n; i++) {
		check_failed(&ws[i], p, now, s);
		failed += ws[i].failed;
	}
	return n > 0 && failed == n ? RESET_FAILED : RESET_WAIT;
}
