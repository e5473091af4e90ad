/*
 * request.c - reading and serving client records (see request.h).  Main
 * thread only; works on st->clients and st->dev.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "wdmd/dump.h"
#include "wdmd/log.h"
#include "wdmd/request.h"

static int reply_record(struct wdmd_state *st, int ci,
			const struct wdmd_record *rep)
{
	int rv = wdmd_wire_send(st->clients.c[ci].fd, rep);

	if (rv < 0)
		wdmd_log("ci %d fd %d pid %d reply cmd %u error %d",
			 ci, st->clients.c[ci].fd, (int)st->clients.c[ci].pid,
			 rep->cmd, -rv);
	return rv;
}

/* The dump text, sent without blocking (it fits in a socket buffer);
 * the connection is closed afterwards unless it is armed or holds a
 * refcount (then it is a real client that must not become dead). */
static int reply_dump(struct wdmd_state *st, int ci)
{
	static char text[WDMD_DUMP_MAX];
	struct wdmd_client *c = &st->clients.c[ci];
	size_t len, done = 0;
	ssize_t n;

	if (!c->name[0])
		wdmd_clients_set_name(c, "dump", 4);
	len = wdmd_dump_format(st, text, sizeof(text));
	while (done < len) {
		n = send(c->fd, text + done, len - done,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			wdmd_log("ci %d fd %d dump send error %d", ci, c->fd,
				 n < 0 ? errno : EIO);
			return -EIO;
		}
		done += (size_t)n;
	}
	if (c->expire || c->refcount)
		return 0;
	return WDMD_REQ_CLOSE;
}

static int handle_fire_now(struct wdmd_state *st, int ci,
			   const struct wdmd_record *rec)
{
	char label[WDMD_NAME_SIZE], text[WDMD_NAME_SIZE];
	char reason[WDMD_REASON_MAX];
	struct wdmd_record rep;

	wdmd_clients_label(&st->clients, ci, label, sizeof(label));
	/* the request's text (NUL-padded, maybe unterminated), made safe */
	if (!wdmd_safe_text(rec->name, WDMD_NAME_SIZE - 1, text, sizeof(text)))
		snprintf(text, sizeof(text), "%s", label);
	snprintf(reason, sizeof(reason), "fire-now %s", text);
	wdmd_log("ci %d fd %d pid %d %s requests fire now: %s", ci,
		 st->clients.c[ci].fd, (int)st->clients.c[ci].pid, label, text);
	wdmd_dev_fire_now(&st->dev, reason);
	rep = *rec;
	rep.fire_timeout = (uint32_t)st->dev.fire_timeout;
	rep.last_keepalive = st->last_keepalive;
	return reply_record(st, ci, &rep);
}

int wdmd_request_handle(struct wdmd_state *st, int ci,
			const struct wdmd_record *rec)
{
	struct wdmd_client *c = &st->clients.c[ci];
	struct wdmd_record rep;
	uint32_t want_magic;

	assert(c->used && !c->internal && !c->dead);
	want_magic = rec->cmd == WDMD_CMD_FIRE_NOW ? WDMD_MAGIC_EXT : 0;
	if ((rec->cmd < WDMD_CMD_REGISTER || rec->cmd > WDMD_CMD_OPEN_WATCHDOG) &&
	    rec->cmd != WDMD_CMD_FIRE_NOW) {
		wdmd_log("ci %d fd %d pid %d unknown cmd %u", ci, c->fd,
			 (int)c->pid, rec->cmd);
		return -EPROTO;
	}
	if (rec->magic != want_magic) {
		wdmd_log("ci %d fd %d pid %d bad magic 0x%x cmd %u", ci, c->fd,
			 (int)c->pid, rec->magic, rec->cmd);
		return -EPROTO;
	}

	switch (rec->cmd) {
	case WDMD_CMD_REGISTER:
		wdmd_clients_set_name(c, rec->name, WDMD_NAME_SIZE);
		wdmd_debug("ci %d fd %d pid %d register %s", ci, c->fd,
			   (int)c->pid, c->name);
		return 0;
	case WDMD_CMD_REFCOUNT_SET:
		c->refcount = 1;
		return 0;
	case WDMD_CMD_REFCOUNT_CLEAR:
		c->refcount = 0;
		return 0;
	case WDMD_CMD_TEST_LIVE:
		c->renewal = rec->renewal_time;
		c->expire = rec->expire_time;
		wdmd_debug("ci %d %s renewal %llu expire %llu", ci, c->name,
			   (unsigned long long)c->renewal,
			   (unsigned long long)c->expire);
		return 0;
	case WDMD_CMD_STATUS:
		rep = *rec;
		rep.test_interval = WDMD_TEST_INTERVAL;
		rep.fire_timeout = (uint32_t)st->dev.fire_timeout;
		rep.last_keepalive = st->last_keepalive;
		return reply_record(st, ci, &rep);
	case WDMD_CMD_DUMP_DEBUG:
		return reply_dump(st, ci);
	case WDMD_CMD_OPEN_WATCHDOG:
		rep = *rec;
		if (rec->fire_timeout != (uint32_t)st->dev.fire_timeout) {
			wdmd_log("ci %d pid %d open_watchdog fire_timeout %u refused, in use %d",
				 ci, (int)c->pid, rec->fire_timeout,
				 st->dev.fire_timeout);
			rep.fire_timeout = 0;
		}
		return reply_record(st, ci, &rep);
	case WDMD_CMD_FIRE_NOW:
		return handle_fire_now(st, ci, rec);
	default:
		assert(0);
		return -EPROTO;
	}
}

void wdmd_request_readable(struct wdmd_state *st, int ci)
{
	struct wdmd_client *c = &st->clients.c[ci];
	struct wdmd_record rec;
	ssize_t n;
	int k, rv;

	for (k = 0; k < WDMD_REQS_PER_EVENT; k++) {
		assert(c->rlen < WDMD_RECORD_SIZE);
		n = recv(c->fd, c->rbuf + c->rlen, WDMD_RECORD_SIZE - c->rlen,
			 MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			wdmd_clients_close(&st->clients, ci, "recv error");
			return;
		}
		if (n == 0) {
			if (c->rlen)
				wdmd_log("ci %d fd %d pid %d short request %zu bytes",
					 ci, c->fd, (int)c->pid, c->rlen);
			wdmd_clients_close(&st->clients, ci,
					   c->rlen ? "short request" : "closed");
			return;
		}
		c->rlen += (size_t)n;
		if (c->rlen < WDMD_RECORD_SIZE)
			continue;
		memcpy(&rec, c->rbuf, sizeof(rec));
		c->rlen = 0;
		rv = wdmd_request_handle(st, ci, &rec);
		if (rv < 0) {
			wdmd_clients_close(&st->clients, ci, "bad request");
			return;
		}
		if (rv == WDMD_REQ_CLOSE) {
			wdmd_clients_close(&st->clients, ci, "dump done");
			return;
		}
	}
}
