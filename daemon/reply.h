/*
 * reply.h - building replies: the reply header rules of spec/api.md §8.2
 * and a bounded growable byte buffer for reply payloads and the streamed
 * status records of §8.7.
 *
 * A struct reply belongs to one thread at a time (the handler building
 * it, then the main thread sending it).  No shared state.
 */
#ifndef DAEMON_REPLY_H
#define DAEMON_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"

#define REPLY_SMALL_MAX   (64u * 1024u)          /* ordinary replies */
#define REPLY_LIST_MAX    (1024u * 1024u)        /* get_lockspaces/get_hosts (§8.5) */
#define REPLY_STREAM_MAX  (32u * 1024u * 1024u)  /* status stream bound */

struct reply {
	uint8_t *buf;
	size_t   len;
	size_t   cap;
	size_t   max;       /* bound: appends past it fail with -ENOSPC */
	int      overflow;  /* an append was refused */
	int      close_after; /* close the connection once sent */
};

void reply_init(struct reply *r, size_t max);
void reply_free(struct reply *r);
/* Append n bytes; -ENOSPC past max (nothing appended), -ENOMEM. */
int  reply_put(struct reply *r, const void *p, size_t n);
/* Append a zeroed area of n bytes. */
int  reply_put_zero(struct reply *r, size_t n);

/* The 3.8.5 reply header: request copied, version SM_PROTO, length
 * 32 + payload_len, data = result, data2 as given. */
void reply_hdr(struct sm_header *out, const struct sm_header *req,
	       int32_t result, uint32_t data2, uint32_t payload_len);
/* Append a header + nothing: the common "H" reply. */
int  reply_put_result(struct reply *r, const struct sm_header *req,
		      int32_t result, uint32_t data2);

/* One status record (§8.7): 80-byte sanlk_state, text + NUL (if text),
 * then `extra` bytes (lockspace / resource structs).  Fails with
 * -ENOSPC without appending anything when the stream bound is hit. */
int  reply_put_state(struct reply *r, uint32_t type, uint32_t data32,
		     uint64_t data64, const char *name, size_t name_len,
		     const char *text, const void *extra, size_t extra_len);

#endif /* DAEMON_REPLY_H */
