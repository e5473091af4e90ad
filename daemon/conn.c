/*
 * conn.c - connection I/O in the main thread (see conn.h).
 *
 * State: conn_spare_fd and the rate-limit counters belong to the main
 * thread.  Per-connection I/O state is struct client_io (main thread);
 * shared client fields are changed under the slot mutex.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "sanlock_resource.h"

static int conn_spare_fd = -1;
static uint64_t conn_limit_logged;
static unsigned long conn_limit_refused;

void conn_init(void)
{
	conn_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static int conn_debug(void)
{
	return daemon_cfg()->debug_clients;
}

/* Refusal of a connection we cannot serve: logged at most once a second
 * with the number refused meanwhile (cli.md §2.14: accept and close). */
static void conn_log_refused(const char *why)
{
	uint64_t now = monotime();

	conn_limit_refused++;
	if (now - conn_limit_logged < CONN_LOG_RATE_SEC && conn_limit_logged)
		return;
	log_error("client connection refused: %s (%lu refused)", why,
		  conn_limit_refused);
	conn_limit_logged = now;
	conn_limit_refused = 0;
}

static void conn_refuse_emfile(int listen_fd)
{
	int fd;

	if (conn_spare_fd < 0) {
		conn_log_refused("out of file descriptors, no spare");
		return;
	}
	close(conn_spare_fd);
	conn_spare_fd = -1;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	conn_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	conn_log_refused("out of file descriptors");
}

void conn_accept(int listen_fd)
{
	for (int n = 0; n < CONN_ACCEPT_BATCH; n++) {
		int fd = accept4(listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		int on = 1, ci;

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				conn_refuse_emfile(listen_fd);
				continue;
			}
			if (errno != EAGAIN && errno != ECONNABORTED)
				log_error("accept error: %s", strerror(errno));
			return;
		}
		ci = client_alloc(CL_CONN, fd, NULL);
		if (ci < 0) {
			/* Every slot is taken: never leave it hanging. */
			close(fd);
			conn_log_refused("connection limit reached");
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
		if (conn_debug())
			log_debug("cl %d:%d new connection", ci, fd);
	}
}

int conn_poll_events(const struct client *c)
{
	const struct client_io *io = &c->io;

	if (c->kind != CL_CONN || c->fd < 0 || io->hup)
		return -1;
	if (io->out.len > io->out_off)
		return POLLOUT;
	if (io->busy || io->close_after || io->waiting_shutdown)
		return 0;        /* only hang-ups */
	return POLLIN;
}

static void conn_io_free(struct client *c)
{
	free(c->io.pl);
	c->io.pl = NULL;
	c->io.pl_have = c->io.pl_need = c->io.pl_cap = 0;
	c->io.hdr_have = 0;
	c->io.discard = 0;
	reply_free(&c->io.out);
	c->io.out_off = 0;
}

void conn_close(struct client *c, const char *why)
{
	client_dead_fn dead;
	int registered, fd = c->fd;

	if (c->kind != CL_CONN)
		return;

	pthread_mutex_lock(&c->mutex);
	registered = c->registered;
	if (registered)
		c->pid_dead = 1;
	if (c->io.busy)
		c->need_free = 1;
	pthread_mutex_unlock(&c->mutex);

	if (c->io.busy) {
		/* Deferred: the worker's completion closes it (api.md §5). */
		c->io.hup = 1;
		if (conn_debug())
			log_debug("cl %d:%d close deferred, command active (%s)",
				  c->ci, fd, why);
		return;
	}

	if (registered)
		log_debug("client_pid_dead %d,%d,%d cmd_active %u suspend %d",
			  c->ci, fd, c->pid, c->cmd_active, c->suspend);
	else if (conn_debug())
		log_debug("cl %d:%d close (%s)", c->ci, fd, why);

	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(&c->mutex);
	c->fd = -1;
	pthread_mutex_unlock(&c->mutex);
	conn_io_free(c);

	dead = client_dead_handler();
	if (registered && dead)
		dead(c);
	client_release_slot(c);
}

/* Send what is queued; close on error or when done and close_after. */
static void conn_flush(struct client *c)
{
	struct client_io *io = &c->io;

	for (int i = 0; i < 1024 && io->out_off < io->out.len; i++) {
		ssize_t n = send(c->fd, io->out.buf + io->out_off,
				 io->out.len - io->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;          /* POLLOUT brings us back */
			conn_close(c, "send error");
			return;
		}
		io->out_off += (size_t)n;
	}
	if (io->out_off < io->out.len)
		return;
	reply_free(&io->out);
	io->out_off = 0;
	if (io->close_after)
		conn_close(c, "reply sent");
}

/* Reply bytes queued in every connection (main thread). */
static uint64_t conn_pending_total(void)
{
	uint64_t total = 0;
	int hwm = client_slots_hwm();

	for (int i = 0; i < hwm; i++) {
		const struct client *o = client_get(i);

		if (o->kind == CL_CONN)
			total += o->io.out.len - o->io.out_off;
	}
	return total;
}

/* Queue r, of which the first `off` bytes were already sent by a worker
 * (worker.h; then nothing else is pending), and send what can go now. */
static void conn_send_reply_from(struct client *c, struct reply *r,
				 size_t off)
{
	struct client_io *io = &c->io;

	assert(off <= r->len);
	if (r->close_after)
		io->close_after = 1;
	if (io->out.len == io->out_off) {
		/* Nothing pending: take the buffer as it is. */
		reply_free(&io->out);
		io->out = *r;
		io->out_off = off;
		memset(r, 0, sizeof(*r));
	} else {
		assert(off == 0);
		if (io->out.max < REPLY_STREAM_MAX)
			io->out.max = REPLY_STREAM_MAX;
		if (reply_put(&io->out, r->buf, r->len) < 0) {
			log_error("cl %d:%d reply queue full, closing", c->ci,
				  c->fd);
			reply_free(r);
			conn_close(c, "reply queue full");
			return;
		}
		reply_free(r);
	}
	conn_flush(c);
	if (c->kind == CL_CONN && c->fd >= 0 &&
	    c->io.out.len > c->io.out_off &&
	    conn_pending_total() > CONN_OUT_TOTAL_MAX) {
		/* Clients that do not read their replies must not make the
		 * daemon hold unbounded memory. */
		log_error("cl %d:%d replies waiting in all connections over %u "
			  "bytes, closing", c->ci, c->fd, CONN_OUT_TOTAL_MAX);
		conn_close(c, "output limit");
	}
}

void conn_send_reply(struct client *c, struct reply *r)
{
	conn_send_reply_from(c, r, 0);
}

int conn_send_now(struct client *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->fd < 0)
		return -EBADF;
	n = send(c->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EAGAIN;
}

/* Reply with result and close: the request could not be framed. */
static void conn_reply_close(struct client *c, const struct sm_header *h,
			     int result, const char *why)
{
	struct reply r;

	log_error("cl %d:%d cmd %u: %s (%d), closing connection", c->ci,
		  c->fd, h->cmd, why, result);
	reply_init(&r, REPLY_SMALL_MAX);
	reply_put_result(&r, h, result, 0);
	r.close_after = 1;
	conn_send_reply(c, &r);
}

/* Discard up to n bytes that have already arrived (never waits). */
static void conn_discard_ready(struct client *c, size_t n)
{
	char scratch[4096];

	for (int i = 0; n > 0 && i < 64; i++) {
		ssize_t got = recv(c->fd, scratch,
				   n < sizeof(scratch) ? n : sizeof(scratch),
				   MSG_DONTWAIT);

		if (got > 0) {
			n -= (size_t)got;
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		return;     /* nothing more yet, EOF or error: the reader sees it */
	}
}

/* A resource with too many disks (request.h req_range_*): answer -ERANGE
 * as 3.8.5 does and keep the connection for the next request.  io->pl
 * holds the payload up to the end of the offending resource header. */
static void conn_reply_range(struct client *c, const struct sm_header *h)
{
	struct client_io *io = &c->io;
	size_t echo = req_range_echo_len(h);
	struct sm_header rh;
	struct reply r;

	log_error("cl %d:%d cmd %u: resource with more than %d disks (%d)",
		  c->ci, c->fd, h->cmd, SANLK_MAX_DISKS, -ERANGE);
	if (echo > io->pl_have)
		echo = 0;     /* not reached: the header was read */
	reply_init(&r, REPLY_SMALL_MAX);
	reply_hdr(&rh, h, -ERANGE, 0, (uint32_t)echo);
	if (reply_put(&r, &rh, sizeof(rh)) < 0 ||
	    (echo && reply_put(&r, io->pl + io->pl_have - echo, echo) < 0)) {
		reply_free(&r);
		conn_close(c, "no memory");
		return;
	}
	conn_discard_ready(c, req_range_discard(h, io->pl_have));
	io->hdr_have = 0;
	io->pl_have = io->pl_need = 0;
	conn_send_reply(c, &r);
}

static uint32_t conn_restricted(struct client *c)
{
	uint32_t r;

	pthread_mutex_lock(&c->mutex);
	r = c->restricted;
	pthread_mutex_unlock(&c->mutex);
	return r;
}

/* RESTRICT_ALL: every later byte is ignored (3.8.5 answers nothing and
 * keeps the registration).  Returns 0, or -1 after closing. */
static int conn_drain_ignored(struct client *c)
{
	char scratch[4096];

	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);

		if (n == 0) {
			conn_close(c, "eof");
			return -1;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			conn_close(c, "recv error");
			return -1;
		}
	}
	return 0;
}

/* Receive into buf up to want bytes.  >0 bytes got, 0 would block,
 * -1 EOF, -2 error. */
static ssize_t conn_recv(struct client *c, void *buf, size_t want)
{
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(c->fd, buf, want, MSG_DONTWAIT);

		if (n > 0)
			return n;
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -2;
	}
	return 0;
}

static int conn_pl_reserve(struct client_io *io, size_t need)
{
	uint8_t *p;

	if (need <= io->pl_cap)
		return 0;
	p = realloc(io->pl, need);
	if (!p)
		return -ENOMEM;
	io->pl = p;
	io->pl_cap = need;
	return 0;
}

/* A request refused from its header that keeps the connection
 * (request.h req_refusal_keeps_conn): answer, then skip its payload. */
static void conn_reply_refused(struct client *c, const struct sm_header *h,
			       int result)
{
	struct reply r;

	log_error("cl %d:%d cmd %u: refused (%d), skipping %u bytes", c->ci,
		  c->fd, h->cmd, result, req_refused_discard(h));
	reply_init(&r, REPLY_SMALL_MAX);
	reply_put_result(&r, h, result, 0);
	c->io.hdr_have = 0;
	c->io.discard = req_refused_discard(h);
	conn_send_reply(c, &r);
}

/* Skip what has arrived of a refused request's payload.  Returns 1 when
 * all of it is gone, 0 when more is to come, -1 after closing. */
static int conn_skip_refused(struct client *c)
{
	char scratch[4096];

	for (int i = 0; c->io.discard > 0 && i < CONN_SKIP_READS_MAX; i++) {
		ssize_t n = conn_recv(c, scratch,
				      c->io.discard < sizeof(scratch) ?
				      c->io.discard : sizeof(scratch));

		if (n == 0)
			return 0;
		if (n < 0) {
			conn_close(c, n == -1 ? "eof" : "recv error");
			return -1;
		}
		assert((uint32_t)n <= c->io.discard);
		c->io.discard -= (uint32_t)n;
	}
	return c->io.discard == 0;
}

/*
 * Assemble one request.  Returns 1 with *req filled (payload ownership
 * passed), 0 when more bytes are needed, -1 when the connection was
 * closed or the request was answered and the connection is closing.
 */
static int conn_read_request(struct client *c, struct request *req)
{
	struct client_io *io = &c->io;
	struct sm_header h;
	int ignored = 0;
	ssize_t n;
	long need;

	if (io->discard) {
		int rv = conn_skip_refused(c);

		if (rv <= 0)
			return rv;
	}
	while (io->hdr_have < SM_HDR_SIZE) {
		if (ignored >= CONN_IGNORED_MAX)
			return 0;      /* more garbage: next wake-up */
		n = conn_recv(c, io->hdr + io->hdr_have,
			      SM_HDR_SIZE - io->hdr_have);
		if (n == 0)
			return 0;
		if (n < 0) {
			conn_close(c, n == -1 ? "eof" : "recv error");
			return -1;
		}
		io->hdr_have += (size_t)n;
		if (io->hdr_have < SM_HDR_SIZE)
			continue;

		memcpy(&h, io->hdr, sizeof(h));
		pthread_mutex_lock(&c->mutex);
		c->cmd_last = h.cmd;
		pthread_mutex_unlock(&c->mutex);

		switch (req_check_header(&h)) {
		case REQ_HDR_OK:
		case REQ_HDR_UNKNOWN_CMD:   /* answered by dispatch */
			break;
		case REQ_HDR_BAD_MAGIC:
		case REQ_HDR_BAD_VERSION:
			log_error("client connection %d %d %d recv msg header "
				  "magic %x cmd %u len %u version %x", c->ci,
				  c->fd, c->pid, h.magic, h.cmd, h.length,
				  h.version);
			if (c->registered) {
				/* 3.8.5: ignored, the registration stays;
				 * the next 32 bytes are read as a header. */
				io->hdr_have = 0;
				ignored++;
				continue;
			}
			conn_close(c, "bad header");
			return -1;
		}
		need = req_payload_need(&h, NULL, 0);
		if (req_refusal_keeps_conn(&h, need)) {
			conn_reply_refused(c, &h, (int)need);
			return 0;
		}
		if (need < 0) {
			io->hdr_have = 0;
			conn_reply_close(c, &h, (int)need, "bad request size");
			return -1;
		}
		io->pl_have = 0;
		io->pl_need = (size_t)need;
	}

	memcpy(&h, io->hdr, sizeof(h));
	for (int rounds = 0; rounds < 2 * SANLK_MAX_RESOURCES + 4; rounds++) {
		while (io->pl_have < io->pl_need) {
			if (conn_pl_reserve(io, io->pl_need) < 0) {
				io->hdr_have = 0;
				conn_reply_close(c, &h, -ENOMEM, "no memory");
				return -1;
			}
			n = conn_recv(c, io->pl + io->pl_have,
				      io->pl_need - io->pl_have);
			if (n == 0)
				return 0;
			if (n == -2) {
				conn_close(c, "recv error");
				return -1;
			}
			if (n == -1) {
				/* Payload ended early (api.md §8.4). */
				io->hdr_have = 0;
				conn_reply_close(c, &h, -ENOTCONN,
						 "payload ended early");
				return -1;
			}
			io->pl_have += (size_t)n;
		}
		need = req_payload_need(&h, io->pl, io->pl_have);
		if (req_range_keeps_conn(need)) {
			conn_reply_range(c, &h);
			return 0;
		}
		if (need < 0) {
			io->hdr_have = 0;
			conn_reply_close(c, &h, (int)need, "bad request size");
			return -1;
		}
		if ((size_t)need <= io->pl_have) {
			req->h = h;
			req->payload = io->pl;
			req->len = io->pl_have;
			io->pl = NULL;
			io->pl_have = io->pl_need = io->pl_cap = 0;
			io->hdr_have = 0;
			return 1;
		}
		io->pl_need = (size_t)need;
	}
	/* req_payload_need grows at most twice per resource: unreachable. */
	io->hdr_have = 0;
	conn_reply_close(c, &h, -EMSGSIZE, "request never complete");
	return -1;
}

static void conn_readable(struct client *c)
{
	struct request req;

	for (int i = 0; i < CONN_REQS_PER_WAKE; i++) {
		if (c->kind != CL_CONN || c->fd < 0)
			return;
		if (conn_poll_events(c) != POLLIN)
			return;           /* busy, closing or output pending */
		if (conn_restricted(c) & SANLK_RESTRICT_ALL) {
			conn_drain_ignored(c);
			return;
		}
		memset(&req, 0, sizeof(req));
		if (conn_read_request(c, &req) <= 0)
			return;
		dispatch_request(c, &req);
	}
}

void conn_event(struct client *c, short revents)
{
	if (c->kind != CL_CONN || c->fd < 0)
		return;
	if (revents & POLLOUT) {
		conn_flush(c);
		if (c->kind != CL_CONN || c->fd < 0)
			return;
	}
	if (revents & POLLIN) {
		conn_readable(c);
		return;
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		/* Read first what is left, then the EOF closes it. */
		if (conn_poll_events(c) == POLLIN)
			conn_readable(c);
		else
			conn_close(c, "hangup");
	}
}

void conn_job_done(struct job *j)
{
	struct client *c = client_get(j->ci);

	/* A slot with a busy command is never freed, so it is still ours. */
	if (c->kind != CL_CONN || c->gen != j->gen) {
		log_error("job for ci %d gen %llu finished after its connection",
			  j->ci, (unsigned long long)j->gen);
		job_free(j);
		return;
	}
	c->io.busy = 0;
	pthread_mutex_lock(&c->mutex);
	c->cmd_active = 0;
	pthread_mutex_unlock(&c->mutex);

	if (c->io.hup) {
		c->io.hup = 0;
		job_free(j);
		conn_close(c, "hangup during command");
		return;
	}
	if (j->sent) {
		/* The worker sent this much itself; nothing can have been
		 * queued since (worker.h). */
		assert(j->sent <= j->rep.len);
		assert(c->io.out.len == c->io.out_off);
		conn_send_reply_from(c, &j->rep, j->sent);
	} else {
		conn_send_reply(c, &j->rep);
	}
	job_free(j);
}
