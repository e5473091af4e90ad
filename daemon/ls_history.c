/*
 * ls_history.c - renewal history ring (see ls_history.h).  Pure; guarded
 * by the caller's lock (the lockspace's mutex).
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/ls_history.h"

int ls_history_init(struct ls_history *h, uint32_t size)
{
	memset(h, 0, sizeof(*h));
	if (size > LS_HISTORY_MAX)
		size = LS_HISTORY_MAX;
	if (size == 0)
		return 0;
	h->recs = calloc(size, sizeof(*h->recs));
	if (!h->recs)
		return -ENOMEM;
	h->size = size;
	return 0;
}

void ls_history_free(struct ls_history *h)
{
	if (!h)
		return;
	free(h->recs);
	memset(h, 0, sizeof(*h));
}

void ls_history_add(struct ls_history *h, uint64_t timestamp,
		    uint32_t read_ms, uint32_t write_ms)
{
	struct ls_renewal *r;

	if (h->size == 0)
		return;
	assert(h->next < h->size);
	assert(h->count <= h->size);
	r = &h->recs[h->next];
	memset(r, 0, sizeof(*r));
	r->timestamp = timestamp;
	r->read_ms = read_ms;
	r->write_ms = write_ms;
	h->next = (h->next + 1) % h->size;
	if (h->count < h->size)
		h->count++;
}

void ls_history_fail(struct ls_history *h, int timed_out)
{
	struct ls_renewal *r;

	if (h->size == 0 || h->count == 0)
		return;
	r = &h->recs[(h->next + h->size - 1) % h->size];
	if (timed_out) {
		if (r->next_timeouts < UINT32_MAX)
			r->next_timeouts++;
	} else {
		if (r->next_errors < UINT32_MAX)
			r->next_errors++;
	}
}

const struct ls_renewal *ls_history_get(const struct ls_history *h, uint32_t i)
{
	uint32_t oldest;

	if (i >= h->count)
		return NULL;
	assert(h->size > 0);
	oldest = (h->next + h->size - h->count) % h->size;
	return &h->recs[(oldest + i) % h->size];
}

int ls_history_text(const struct ls_renewal *r, char *buf, size_t size)
{
	return snprintf(buf, size,
			"timestamp=%" PRIu64 " read_ms=%u write_ms=%u"
			" next_timeouts=%u next_errors=%u",
			r->timestamp, r->read_ms, r->write_ms,
			r->next_timeouts, r->next_errors);
}
