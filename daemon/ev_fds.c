/*
 * ev_fds.c - event fds of the 3.8 event API (see ev_fds.h).
 *
 * State: ev_spaces[], guarded by ev_mutex (a leaf lock; every socket
 * operation under it is non-blocking).
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/ev_fds.h"

/* The value the library writes on an event fd before END_EVENT. */
#define EV_END_MARK 1u

struct ev_space {
	uint32_t space_id;
	int      nfds;
	int      fds[EV_FDS_PER_LS];   /* -1 = free */
};

static pthread_mutex_t ev_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct ev_space *ev_spaces[EV_SPACES_MAX];

static int ev_find_idx(uint32_t space_id)
{
	for (int i = 0; i < EV_SPACES_MAX; i++) {
		if (ev_spaces[i] && ev_spaces[i]->space_id == space_id)
			return i;
	}
	return -1;
}

static void ev_close_slot(struct ev_space *s, int j, const char *why)
{
	uint8_t buf[64];

	assert(s->fds[j] >= 0 && s->nfds > 0);
	/* Unread client bytes would turn the client's EOF into ECONNRESET. */
	for (int i = 0; i < 16; i++) {
		if (recv(s->fds[j], buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
	}
	log_debug("event fd %d of space %u closed: %s", s->fds[j], s->space_id,
		  why);
	close(s->fds[j]);
	s->fds[j] = -1;
	s->nfds--;
}

static void ev_free_if_empty(int idx)
{
	if (idx >= 0 && ev_spaces[idx] && ev_spaces[idx]->nfds == 0) {
		free(ev_spaces[idx]);
		ev_spaces[idx] = NULL;
	}
}

/* api.md §8.6 sweep of one space (ev_mutex held). */
static void ev_sweep_locked(struct ev_space *s)
{
	for (int j = 0; j < EV_FDS_PER_LS; j++) {
		uint32_t v;
		ssize_t n;

		if (s->fds[j] < 0)
			continue;
		do {
			n = recv(s->fds[j], &v, sizeof(v), MSG_DONTWAIT);
		} while (n < 0 && errno == EINTR);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;                     /* nothing: kept */
		if (n == (ssize_t)sizeof(v) && v == EV_END_MARK) {
			ev_close_slot(s, j, "end");
			continue;
		}
		if (n == (ssize_t)sizeof(v)) {
			log_error("event fd %d: unexpected value %u, kept",
				  s->fds[j], v);
			continue;
		}
		ev_close_slot(s, j, n == 0 ? "eof" : "read error");
	}
}

int ev_fds_register(uint32_t space_id, int fd, const void *reply, size_t len)
{
	struct ev_space *s;
	int idx, j, slot = -1;
	ssize_t n;

	assert(space_id != 0 && fd >= 0);
	pthread_mutex_lock(&ev_mutex);
	idx = ev_find_idx(space_id);
	if (idx < 0) {
		for (idx = 0; idx < EV_SPACES_MAX && ev_spaces[idx]; idx++)
			;
		s = idx < EV_SPACES_MAX ? calloc(1, sizeof(*s)) : NULL;
		if (!s) {
			pthread_mutex_unlock(&ev_mutex);
			close(fd);
			return -ENOMEM;
		}
		s->space_id = space_id;
		for (j = 0; j < EV_FDS_PER_LS; j++)
			s->fds[j] = -1;
		ev_spaces[idx] = s;
	}
	s = ev_spaces[idx];
	for (int pass = 0; pass < 2 && slot < 0; pass++) {
		if (pass == 1)
			ev_sweep_locked(s);      /* full: clean up, try once more */
		for (j = 0; j < EV_FDS_PER_LS && slot < 0; j++) {
			if (s->fds[j] < 0)
				slot = j;
		}
	}
	if (slot < 0) {
		pthread_mutex_unlock(&ev_mutex);
		close(fd);
		return -ENOCSI;
	}
	n = send(fd, reply, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		int err = n < 0 ? -errno : -EPIPE;

		ev_free_if_empty(idx);
		pthread_mutex_unlock(&ev_mutex);
		close(fd);
		return err;
	}
	s->fds[slot] = fd;
	s->nfds++;
	pthread_mutex_unlock(&ev_mutex);
	return 0;
}

void ev_fds_sweep(uint32_t space_id)
{
	int idx;

	pthread_mutex_lock(&ev_mutex);
	idx = ev_find_idx(space_id);
	if (idx >= 0) {
		ev_sweep_locked(ev_spaces[idx]);
		ev_free_if_empty(idx);
	}
	pthread_mutex_unlock(&ev_mutex);
}

void ev_fds_deliver(uint32_t space_id, const struct sanlk_host_event *he,
		    uint64_t from_host_id, uint64_t from_generation)
{
	struct event_cb cb;
	int idx;

	/* byte-identical to 3.8.5 (api.md §3.9, §8.6) */
	memset(&cb, 0, sizeof(cb));
	cb.h.magic = SM_MAGIC;
	cb.h.version = SM_CB_PROTO;
	cb.h.cmd = SM_CB_GET_EVENT;
	cb.h.length = sizeof(cb);
	cb.he = *he;
	cb.from_host_id = from_host_id;
	cb.from_generation = from_generation;

	pthread_mutex_lock(&ev_mutex);
	idx = ev_find_idx(space_id);
	for (int j = 0; idx >= 0 && j < EV_FDS_PER_LS; j++) {
		struct ev_space *s = ev_spaces[idx];
		ssize_t n;

		if (s->fds[j] < 0)
			continue;
		do {
			n = send(s->fds[j], &cb, sizeof(cb),
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		} while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(cb))
			ev_close_slot(s, j, "send failed");
	}
	if (idx >= 0)
		ev_free_if_empty(idx);
	pthread_mutex_unlock(&ev_mutex);
}

static void ev_close_space(int idx)
{
	struct ev_space *s = ev_spaces[idx];

	for (int j = 0; j < EV_FDS_PER_LS; j++) {
		if (s->fds[j] >= 0)
			ev_close_slot(s, j, "lockspace gone");
	}
	ev_free_if_empty(idx);
}

void ev_fds_close_all(uint32_t space_id)
{
	int idx;

	pthread_mutex_lock(&ev_mutex);
	idx = ev_find_idx(space_id);
	if (idx >= 0)
		ev_close_space(idx);
	pthread_mutex_unlock(&ev_mutex);
}

void ev_fds_prune(const uint32_t *live, int n)
{
	pthread_mutex_lock(&ev_mutex);
	for (int i = 0; i < EV_SPACES_MAX; i++) {
		int found = 0;

		if (!ev_spaces[i])
			continue;
		for (int j = 0; j < n && !found; j++)
			found = live[j] == ev_spaces[i]->space_id;
		if (!found)
			ev_close_space(i);
	}
	pthread_mutex_unlock(&ev_mutex);
}
