/*
 * reply.c - reply headers and buffers (see reply.h).  No shared state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/reply.h"

void reply_init(struct reply *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max;
}

void reply_free(struct reply *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = r->cap = 0;
}

static int reply_reserve(struct reply *r, size_t n)
{
	size_t want, cap;
	uint8_t *nb;

	if (n > r->max || r->len > r->max - n) {
		r->overflow = 1;
		return -ENOSPC;
	}
	want = r->len + n;
	if (want <= r->cap)
		return 0;
	cap = r->cap ? r->cap : 256;
	while (cap < want)
		cap *= 2;
	if (cap > r->max)
		cap = r->max;
	nb = realloc(r->buf, cap);
	if (!nb)
		return -ENOMEM;
	r->buf = nb;
	r->cap = cap;
	return 0;
}

int reply_put(struct reply *r, const void *p, size_t n)
{
	int rv = reply_reserve(r, n);

	if (rv < 0)
		return rv;
	if (n)
		memcpy(r->buf + r->len, p, n);
	r->len += n;
	return 0;
}

int reply_put_zero(struct reply *r, size_t n)
{
	int rv = reply_reserve(r, n);

	if (rv < 0)
		return rv;
	if (n)
		memset(r->buf + r->len, 0, n);
	r->len += n;
	return 0;
}

void reply_hdr(struct sm_header *out, const struct sm_header *req,
	       int32_t result, uint32_t data2, uint32_t payload_len)
{
	*out = *req;
	out->version = SM_PROTO;
	out->length = (uint32_t)sizeof(*out) + payload_len;
	out->data = (uint32_t)result;
	out->data2 = data2;
}

int reply_put_result(struct reply *r, const struct sm_header *req,
		     int32_t result, uint32_t data2)
{
	struct sm_header h;

	reply_hdr(&h, req, result, data2, 0);
	return reply_put(r, &h, sizeof(h));
}

int reply_put_state(struct reply *r, uint32_t type, uint32_t data32,
		    uint64_t data64, const char *name, size_t name_len,
		    const char *text, const void *extra, size_t extra_len)
{
	struct sanlk_state st;
	size_t tlen = 0, total;
	int rv;

	memset(&st, 0, sizeof(st));
	st.type = type;
	st.data32 = data32;
	st.data64 = data64;
	if (name) {
		if (name_len > sizeof(st.name))
			name_len = sizeof(st.name);
		memcpy(st.name, name, strnlen(name, name_len));
	}
	if (text) {
		tlen = strnlen(text, SANLK_STATE_MAXSTR - 1) + 1;
		st.str_len = (uint32_t)tlen;
	}
	total = sizeof(st) + tlen + extra_len;
	rv = reply_reserve(r, total);
	if (rv < 0)
		return rv;
	memcpy(r->buf + r->len, &st, sizeof(st));
	r->len += sizeof(st);
	if (tlen) {
		memcpy(r->buf + r->len, text, tlen - 1);
		r->buf[r->len + tlen - 1] = '\0';
		r->len += tlen;
	}
	if (extra_len) {
		memcpy(r->buf + r->len, extra, extra_len);
		r->len += extra_len;
	}
	return 0;
}
