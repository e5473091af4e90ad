/*
 * msg_space.c - the table of host-message engines, one per joined
 * lockspace (see msg_space.h), and the effects of the engines: callbacks
 * to the lockspace's callback fds, final replies to SANLK_HM_WAIT
 * callers, WD_RESET handed back to the renewal thread, fire-timeout
 * mismatches logged.
 *
 * State: msg_spaces[] and every engine, guarded by msg_mutex.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/cb_table.h"
#include "daemon/msg_space.h"

struct msg_space {
	uint32_t space_id;
	char     name[SANLK_NAME_LEN + 1];
	int      fail_reported;
	struct msg_engine e;
};

/* ops->arg of one call into an engine */
struct msg_call {
	struct msg_space *s;
	struct msg_renewal_out *out;
};

static pthread_mutex_t msg_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct msg_space *msg_spaces[MSG_SPACES_MAX];

void msg_reply_header(struct sm_header *h, int result, uint32_t seq)
{
	memset(h, 0, sizeof(*h));
	h->magic = SM_MAGIC;
	h->version = SM_PROTO;
	h->cmd = SM_CMD_HOST_MESSAGE;
	h->cmd_flags = SANLK_HM_WAIT;
	h->length = sizeof(*h);
	h->data = (uint32_t)result;
	h->data2 = seq;
}

/* Write a reply header on a WAIT descriptor (non-blocking: 32 bytes on a
 * connection whose client is waiting always fit). */
static int msg_reply_send(int fd, int result, uint32_t seq)
{
	struct sm_header h;
	ssize_t n;

	msg_reply_header(&h, result, seq);
	do {
		n = send(fd, &h, sizeof(h), MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(h) ? 0 : -EPIPE;
}

static int msg_find_idx(uint32_t space_id)
{
	for (int i = 0; i < MSG_SPACES_MAX; i++) {
		if (msg_spaces[i] && msg_spaces[i]->space_id == space_id)
			return i;
	}
	return -1;
}

static struct msg_space *msg_find(uint32_t space_id)
{
	int i = msg_find_idx(space_id);

	return i < 0 ? NULL : msg_spaces[i];
}

/* ---- engine effects (msg_mutex held) ---- */

static void msg_op_callback(void *arg, const struct sanlk_callback *cb)
{
	struct msg_call *c = arg;

	if (cb->type == SANLK_CB_HOST_MESSAGE)
		log_debug("s%u message from %" PRIu64 " gen %" PRIu64
			  " msg 0x%x seq %u", c->s->space_id, cb->host_id,
			  cb->generation, cb->msg, cb->seq);
	else if (cb->type == SANLK_CB_MESSAGE_ACKED ||
		 cb->type == SANLK_CB_MESSAGE_EXPIRED)
		log_debug("s%u message to %" PRIu64 " seq %u %s %u",
			  c->s->space_id, cb->host_id, cb->seq,
			  cb->type == SANLK_CB_MESSAGE_ACKED ? "acked" :
			  "expired", cb->state);
	cb_emit(c->s->space_id, cb);
}

static void msg_op_wait_done(void *arg, int fd, int result, uint32_t seq)
{
	struct msg_call *c = arg;

	if (msg_reply_send(fd, result, seq) < 0)
		log_debug("s%u host_message seq %u: waiter gone (result %d)",
			  c->s->space_id, seq, result);
	close(fd);
}

static void msg_op_wd_reset(void *arg, uint64_t from_id, uint64_t from_gen,
			    uint32_t seq)
{
	struct msg_call *c = arg;

	if (!c->out)
		return;
	c->out->wd_reset = 1;
	c->out->wd_from = from_id;
	c->out->wd_gen = from_gen;
	c->out->wd_seq = seq;
}

static void msg_op_w_mismatch(void *arg, uint64_t host_id, uint32_t w)
{
	struct msg_call *c = arg;

	if (w)
		log_error("s%u host %" PRIu64 " uses watchdog fire timeout %u, "
			  "ours is %u: hosts may be declared dead before "
			  "their watchdog fired", c->s->space_id, host_id, w,
			  c->s->e.our_w);
	else
		log_error("s%u host %" PRIu64 " publishes no watchdog fire "
			  "timeout (a sanlock 3.x host assumes 60), ours is %u",
			  c->s->space_id, host_id, c->s->e.our_w);
}

static void msg_ops_init(struct msg_ops *ops, struct msg_call *c)
{
	memset(ops, 0, sizeof(*ops));
	ops->callback = msg_op_callback;
	ops->wait_done = msg_op_wait_done;
	ops->wd_reset = msg_op_wd_reset;
	ops->w_mismatch = msg_op_w_mismatch;
	ops->arg = c;
}

/* ---- the table ---- */

int msg_space_open(uint32_t space_id, const char *name, uint64_t our_id,
		   uint64_t our_gen, uint32_t max_hosts, uint32_t our_io,
		   uint32_t our_w)
{
	struct msg_space *s;
	int i, rv;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	rv = msg_engine_init(&s->e, our_id, our_gen, max_hosts, our_io, our_w);
	if (rv < 0) {
		free(s);
		return rv;
	}
	s->space_id = space_id;
	snprintf(s->name, sizeof(s->name), "%.48s", name);

	pthread_mutex_lock(&msg_mutex);
	if (msg_find_idx(space_id) >= 0) {
		rv = -EEXIST;
	} else {
		rv = -ENOSPC;
		for (i = 0; i < MSG_SPACES_MAX; i++) {
			if (!msg_spaces[i]) {
				msg_spaces[i] = s;
				rv = 0;
				break;
			}
		}
	}
	pthread_mutex_unlock(&msg_mutex);
	if (rv < 0) {
		msg_engine_free(&s->e);
		free(s);
	}
	return rv;
}

void msg_space_close(uint32_t space_id)
{
	struct msg_space *s = NULL;
	struct msg_call c = { NULL, NULL };
	struct msg_ops ops;
	int i;

	pthread_mutex_lock(&msg_mutex);
	i = msg_find_idx(space_id);
	if (i >= 0) {
		s = msg_spaces[i];
		c.s = s;
		msg_ops_init(&ops, &c);
		msg_queue_cancel(&s->e, &ops);
		msg_spaces[i] = NULL;
	}
	pthread_mutex_unlock(&msg_mutex);
	if (s) {
		msg_engine_free(&s->e);
		free(s);
	}
}

int msg_space_renewal(uint32_t space_id, const struct msg_renewal_in *in,
		      uint8_t rec[MSG_REC_SIZE], struct msg_renewal_out *out)
{
	struct msg_call c;
	struct msg_ops ops;
	int rv = -ENOENT;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&msg_mutex);
	c.s = msg_find(space_id);
	c.out = out;
	if (c.s && in->hosts) {
		msg_ops_init(&ops, &c);
		msg_engine_renewal(&c.s->e, in, &ops, rec);
		rv = 0;
	}
	pthread_mutex_unlock(&msg_mutex);
	return rv;
}

int msg_space_release_record(uint32_t space_id, uint8_t rec[MSG_REC_SIZE])
{
	struct msg_space *s;
	int rv = -ENOENT;

	pthread_mutex_lock(&msg_mutex);
	s = msg_find(space_id);
	if (s) {
		msg_record_build(&s->e, 0, rec);
		rv = 0;
	}
	pthread_mutex_unlock(&msg_mutex);
	return rv;
}

void msg_space_state(uint32_t space_id, int space_dead, int renew_fail)
{
	struct sanlk_callback cb;
	struct msg_call c = { NULL, NULL };
	struct msg_ops ops;

	pthread_mutex_lock(&msg_mutex);
	c.s = msg_find(space_id);
	if (c.s && renew_fail && !c.s->fail_reported) {
		c.s->fail_reported = 1;
		memset(&cb, 0, sizeof(cb));
		cb.type = SANLK_CB_LOCKSPACE_FAIL;
		cb_emit(space_id, &cb);
	}
	if (c.s && (space_dead || renew_fail) && !c.s->e.cancelled) {
		msg_ops_init(&ops, &c);
		log_debug("s%u host messages dropped: lockspace %s", space_id,
			  renew_fail ? "failed" : "removed or stopping");
		msg_queue_cancel(&c.s->e, &ops);
	}
	pthread_mutex_unlock(&msg_mutex);
}

int msg_space_submit(const char *name, const struct msg_send_req *r,
		     uint32_t *seq)
{
	struct msg_space *s = NULL;
	int rv = -ENOENT;

	pthread_mutex_lock(&msg_mutex);
	for (int i = 0; i < MSG_SPACES_MAX && !s; i++) {
		if (msg_spaces[i] &&
		    !strncmp(msg_spaces[i]->name, name, SANLK_NAME_LEN))
			s = msg_spaces[i];
	}
	if (s)
		rv = msg_queue_submit(&s->e, r, seq);
	if (rv == 0 && (r->flags & SANLK_HM_WAIT) &&
	    msg_reply_send(r->wait_fd, 0, *seq) < 0) {
		/* The caller is gone already; the message stays queued, its
		 * final reply will find the descriptor broken too. */
		log_debug("%s host_message seq %u: first reply not sent",
			  s->name, *seq);
	}
	if (s)
		log_debug("s%u host_message to %" PRIu64 " gen %" PRIu64
			  " msg 0x%x seq %u flags 0x%x result %d queued %u",
			  s->space_id, r->dest, r->dest_gen, r->msg,
			  rv == 0 ? *seq : r->seq, r->flags, rv, s->e.q_len);
	pthread_mutex_unlock(&msg_mutex);
	return rv;
}
