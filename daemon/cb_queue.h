/*
 * cb_queue.h - the bounded queue of callbacks of one callback fd
 * (spec/messages.md §6): at most CB_QUEUE_MAX callbacks; when full the
 * oldest is dropped and counted, and the next callback taken out carries
 * that count in `lost`.
 *
 * Pure; the owner (cb_table.c, under cb_mutex) serialises calls.
 */
#ifndef DAEMON_CB_QUEUE_H
#define DAEMON_CB_QUEUE_H

#include <stdint.h>

#include "sanlock_admin.h"

#define CB_QUEUE_MAX 64      /* callbacks queued per fd (messages.md §6) */

struct cb_queue {
	struct sanlk_callback q[CB_QUEUE_MAX];
	uint32_t first;
	uint32_t len;
	uint32_t lost;           /* dropped since the last one taken out */
};

void     cb_queue_init(struct cb_queue *q);
/* Append; drops the oldest when full.  Returns 1 when one was dropped. */
int      cb_queue_push(struct cb_queue *q, const struct sanlk_callback *cb);
/* Take the oldest into *out with out->lost = callbacks dropped before it.
 * 0, or -ENOENT when empty. */
int      cb_queue_pop(struct cb_queue *q, struct sanlk_callback *out);
/* Put back what cb_queue_pop just returned (it could not be sent). */
void     cb_queue_unpop(struct cb_queue *q, const struct sanlk_callback *cb);
uint32_t cb_queue_len(const struct cb_queue *q);

#endif /* DAEMON_CB_QUEUE_H */
