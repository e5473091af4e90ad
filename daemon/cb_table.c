/*
 * cb_table.c - lockspace callback fds (see cb_table.h): registration,
 * emission with per-fd flow control, client tokens, and closing when the
 * lockspace is gone.
 *
 * State: cb_spaces[] and every struct cb_fd, guarded by cb_mutex (a leaf
 * lock).  All socket I/O here is non-blocking (MSG_DONTWAIT), so holding
 * the mutex across it never blocks.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/cb_queue.h"
#include "daemon/cb_table.h"

struct cb_fd {
	int      fd;              /* -1 = free slot */
	uint32_t inflight;        /* records written, no READ token yet */
	struct cb_queue q;        /* not written yet */
};

struct cb_space {
	uint32_t space_id;        /* 0 = free entry */
	char     name[SANLK_NAME_LEN + 1];
	int      nfds;
	struct cb_fd fds[CB_FDS_PER_LS];
};

static pthread_mutex_t cb_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct cb_space *cb_spaces[CB_SPACES_MAX];

_Static_assert(sizeof(struct sanlk_callback) == 104, "sanlk_callback is 104 bytes");
_Static_assert(SM_CB_RECORD_SIZE == sizeof(struct sm_header) + 104,
	       "callback record size");

static struct cb_space *cb_find(uint32_t space_id)
{
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		if (cb_spaces[i] && cb_spaces[i]->space_id == space_id)
			return cb_spaces[i];
	}
	return NULL;
}

static struct cb_fd *cb_find_fd(int fd, struct cb_space **sp)
{
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		struct cb_space *s = cb_spaces[i];

		if (!s)
			continue;
		for (int j = 0; j < CB_FDS_PER_LS; j++) {
			if (s->fds[j].fd == fd) {
				*sp = s;
				return &s->fds[j];
			}
		}
	}
	return NULL;
}

/* Read and drop whatever the client sent, so that close() does not make
 * the client's reads fail with ECONNRESET (AF_UNIX). */
static void cb_drain(int fd)
{
	uint8_t buf[256];

	for (int i = 0; i < 64; i++) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			return;
	}
}

static void cb_fd_close(struct cb_space *s, struct cb_fd *f, const char *why)
{
	assert(f->fd >= 0 && s->nfds > 0);
	log_debug("%s callback fd %d closed: %s", s->name, f->fd, why);
	cb_drain(f->fd);
	close(f->fd);
	f->fd = -1;
	f->inflight = 0;
	cb_queue_init(&f->q);
	s->nfds--;
}

static void cb_space_free_if_empty(int idx)
{
	if (cb_spaces[idx] && cb_spaces[idx]->nfds == 0) {
		free(cb_spaces[idx]);
		cb_spaces[idx] = NULL;
	}
}

/* Write one record; 1 written, 0 the socket is full, -1 fd broken. */
static int cb_send_one(struct cb_fd *f, const struct sanlk_callback *cb)
{
	uint8_t rec[SM_CB_RECORD_SIZE];
	struct sm_header h;
	ssize_t n;

	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_CB_PROTO;
	h.cmd = SM_CB_CALLBACK;
	h.length = SM_CB_RECORD_SIZE;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), cb, sizeof(*cb));
	do {
		n = send(f->fd, rec, sizeof(rec), MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(rec))
		return 1;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	/* an error, or a partial record: the stream cannot be resumed */
	return -1;
}

/* Write queued records while the window allows (all when `all`). */
static void cb_flush(struct cb_space *s, struct cb_fd *f, int all)
{
	struct sanlk_callback cb;
	int rv;

	for (int i = 0; i < CB_QUEUE_MAX + 1; i++) {
		if (!all && f->inflight >= SM_CB_INFLIGHT_MAX)
			return;
		if (cb_queue_pop(&f->q, &cb) < 0)
			return;
		rv = cb_send_one(f, &cb);
		if (rv == 1) {
			f->inflight++;
			continue;
		}
		if (rv == 0) {
			cb_queue_unpop(&f->q, &cb);
			return;
		}
		cb_fd_close(s, f, "send error");
		return;
	}
}

int cb_register(uint32_t space_id, const char *ls_name, int fd,
		const void *reply, size_t len)
{
	struct cb_space *s;
	struct cb_fd *f = NULL;
	int i, free_idx = -1;
	ssize_t n;

	assert(space_id != 0 && fd >= 0);
	pthread_mutex_lock(&cb_mutex);
	s = cb_find(space_id);
	if (!s) {
		for (i = 0; i < CB_SPACES_MAX && free_idx < 0; i++) {
			if (!cb_spaces[i])
				free_idx = i;
		}
		s = free_idx >= 0 ? calloc(1, sizeof(*s)) : NULL;
		if (!s) {
			pthread_mutex_unlock(&cb_mutex);
			close(fd);
			return -ENOMEM;
		}
		s->space_id = space_id;
		snprintf(s->name, sizeof(s->name), "%.48s", ls_name);
		for (i = 0; i < CB_FDS_PER_LS; i++)
			s->fds[i].fd = -1;
		cb_spaces[free_idx] = s;
	}
	for (i = 0; i < CB_FDS_PER_LS && !f; i++) {
		if (s->fds[i].fd < 0)
			f = &s->fds[i];
	}
	if (!f) {
		pthread_mutex_unlock(&cb_mutex);
		close(fd);
		return -ENOSPC;
	}
	n = send(fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		int err = n < 0 ? -errno : -EPIPE;

		for (i = 0; i < CB_SPACES_MAX; i++) {
			if (cb_spaces[i] == s)
				cb_space_free_if_empty(i);
		}
		pthread_mutex_unlock(&cb_mutex);
		close(fd);
		return err;
	}
	f->fd = fd;
	f->inflight = 0;
	cb_queue_init(&f->q);
	s->nfds++;
	assert(s->nfds <= CB_FDS_PER_LS);
	pthread_mutex_unlock(&cb_mutex);
	cb_thread_wake();
	return 0;
}

void cb_emit(uint32_t space_id, const struct sanlk_callback *in)
{
	struct sanlk_callback cb = *in;
	struct cb_space *s;

	pthread_mutex_lock(&cb_mutex);
	s = cb_find(space_id);
	if (s) {
		memset(cb.ls_name, 0, sizeof(cb.ls_name));
		memcpy(cb.ls_name, s->name, strnlen(s->name, SANLK_NAME_LEN));
		for (int i = 0; i < CB_FDS_PER_LS; i++) {
			struct cb_fd *f = &s->fds[i];

			if (f->fd < 0)
				continue;
			if (cb_queue_push(&f->q, &cb))
				log_debug("%s callback fd %d queue full, oldest "
					  "dropped", s->name, f->fd);
			cb_flush(s, f, 0);
		}
	}
	pthread_mutex_unlock(&cb_mutex);
}

static void cb_space_close_all(int idx, const char *why)
{
	struct cb_space *s = cb_spaces[idx];

	for (int i = 0; i < CB_FDS_PER_LS; i++) {
		struct cb_fd *f = &s->fds[i];

		if (f->fd < 0)
			continue;
		cb_flush(s, f, 1);
		if (f->fd >= 0)
			cb_fd_close(s, f, why);
	}
	cb_space_free_if_empty(idx);
}

void cb_space_gone(uint32_t space_id)
{
	pthread_mutex_lock(&cb_mutex);
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		if (cb_spaces[i] && cb_spaces[i]->space_id == space_id)
			cb_space_close_all(i, "lockspace gone");
	}
	pthread_mutex_unlock(&cb_mutex);
}

void cb_prune(const uint32_t *live, int n)
{
	pthread_mutex_lock(&cb_mutex);
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		int found = 0;

		if (!cb_spaces[i])
			continue;
		for (int j = 0; j < n && !found; j++)
			found = live[j] == cb_spaces[i]->space_id;
		if (!found)
			cb_space_close_all(i, "lockspace gone (pruned)");
	}
	pthread_mutex_unlock(&cb_mutex);
}

int cb_count(uint32_t space_id)
{
	struct cb_space *s;
	int n;

	pthread_mutex_lock(&cb_mutex);
	s = cb_find(space_id);
	n = s ? s->nfds : 0;
	pthread_mutex_unlock(&cb_mutex);
	return n;
}

int cb_poll_fill(struct pollfd *pfd, int max)
{
	int n = 0;

	pthread_mutex_lock(&cb_mutex);
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		struct cb_space *s = cb_spaces[i];

		for (int j = 0; s && j < CB_FDS_PER_LS && n < max; j++) {
			if (s->fds[j].fd < 0)
				continue;
			pfd[n].fd = s->fds[j].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
	}
	pthread_mutex_unlock(&cb_mutex);
	return n;
}

void cb_readable(int fd, short revents)
{
	struct cb_space *s = NULL;
	struct cb_fd *f;
	uint32_t tok;
	ssize_t n;

	pthread_mutex_lock(&cb_mutex);
	/* The fd may have been closed (and its number reused) meanwhile:
	 * act only on what is registered now. */
	f = cb_find_fd(fd, &s);
	if (!f)
		goto out;
	for (int i = 0; i < 256; i++) {
		n = recv(fd, &tok, sizeof(tok), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (revents & (POLLHUP | POLLERR | POLLNVAL))
				cb_fd_close(s, f, "hangup");
			break;
		}
		if (n != (ssize_t)sizeof(tok)) {
			cb_fd_close(s, f, n == 0 ? "closed by client" :
				    "read error");
			break;
		}
		if (tok == SM_CB_TOKEN_END) {
			cb_fd_close(s, f, "end_lockspace");
			break;
		}
		if (tok == SM_CB_TOKEN_READ) {
			if (f->inflight)
				f->inflight--;
			continue;
		}
		log_error("%s callback fd %d: unknown token 0x%x", s->name, fd,
			  tok);
	}
	if (f->fd >= 0)
		cb_flush(s, f, 0);
	for (int i = 0; i < CB_SPACES_MAX; i++) {
		if (cb_spaces[i] == s)
			cb_space_free_if_empty(i);
	}
out:
	pthread_mutex_unlock(&cb_mutex);
}
