/*
 * cb_queue.c - bounded callback queue with a lost count (see cb_queue.h).
 * Pure; cb_mutex (cb_table.c) guards every queue.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "daemon/cb_queue.h"

void cb_queue_init(struct cb_queue *q)
{
	memset(q, 0, sizeof(*q));
}

int cb_queue_push(struct cb_queue *q, const struct sanlk_callback *cb)
{
	int dropped = 0;

	assert(q->len <= CB_QUEUE_MAX);
	if (q->len == CB_QUEUE_MAX) {
		/* the oldest goes; its own lost count goes with it */
		q->lost += 1 + q->q[q->first].lost;
		q->first = (q->first + 1) % CB_QUEUE_MAX;
		q->len--;
		dropped = 1;
	}
	q->q[(q->first + q->len) % CB_QUEUE_MAX] = *cb;
	q->q[(q->first + q->len) % CB_QUEUE_MAX].lost = 0;
	q->len++;
	return dropped;
}

int cb_queue_pop(struct cb_queue *q, struct sanlk_callback *out)
{
	if (q->len == 0)
		return -ENOENT;
	*out = q->q[q->first];
	out->lost += q->lost;
	q->lost = 0;
	q->first = (q->first + 1) % CB_QUEUE_MAX;
	q->len--;
	return 0;
}

void cb_queue_unpop(struct cb_queue *q, const struct sanlk_callback *cb)
{
	assert(q->len < CB_QUEUE_MAX);
	q->first = (q->first + CB_QUEUE_MAX - 1) % CB_QUEUE_MAX;
	q->q[q->first] = *cb;
	/* its lost count stays attached to it */
	q->len++;
}

uint32_t cb_queue_len(const struct cb_queue *q)
{
	return q->len;
}
