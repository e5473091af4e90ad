/*
 * logring.c - circular in-memory log (see logring.h).  Pure data
 * structure; the caller provides locking.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/logring.h"

int logring_init(struct logring *r, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (!size)
		return -EINVAL;
	r->buf = malloc(size);
	if (!r->buf)
		return -ENOMEM;
	r->size = size;
	return 0;
}

void logring_free(struct logring *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

static void logring_put(struct logring *r, const char *p, size_t len)
{
	if (len >= r->size) {
		/* Only the last size bytes can survive. */
		p += len - r->size;
		len = r->size;
	}
	while (len) {
		size_t room = r->size - r->head;
		size_t n = len < room ? len : room;

		memcpy(r->buf + r->head, p, n);
		r->head += n;
		p += n;
		len -= n;
		if (r->head == r->size) {
			r->head = 0;
			r->wrapped = 1;
		}
	}
}

void logring_append(struct logring *r, const char *line, size_t len)
{
	if (!r->buf)
		return;
	logring_put(r, line, len);
	logring_put(r, "\n", 1);
}

size_t logring_used(const struct logring *r)
{
	size_t n = r->wrapped ? r->size : r->head;

	return n ? n - 1 : 0;     /* the final '\n' is not returned */
}

size_t logring_dump(const struct logring *r, char *out, size_t max)
{
	size_t total = logring_used(r);
	size_t start = r->wrapped ? r->head : 0;
	size_t first, n;

	if (total > max)
		total = max;
	first = r->size - start;
	if (first > total)
		first = total;
	memcpy(out, r->buf + start, first);
	n = total - first;
	if (n)
		memcpy(out + first, r->buf, n);
	return total;
}
