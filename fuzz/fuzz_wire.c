/*
 * fuzz_wire.c - libFuzzer harness for the daemon's socket request reader
 * (spec/api.md §8.2-§8.4): the real daemon/conn.c state machine (header
 * assembly, header verdicts, incremental payload sizing, the registered /
 * RESTRICT_ALL paths, reply queueing and closing) driven through an
 * AF_UNIX socketpair, with the bytes delivered in fuzzer-chosen pieces
 * (split headers and payloads), plus the pure rules of daemon/request.c
 * and daemon/cmd_check.c applied to every request that comes out.
 *
 * What is linked: conn.c, client.c, reply.c, request.c, cmd_check.c and
 * common/log.c.  Stubbed here: daemon_cfg() (zeroed settings),
 * dispatch_request() (the harness's checker, which may answer and may ask
 * for the connection to close, as the real handlers do) and job_free()
 * (never reached: no worker commands run).  The command handlers
 * themselves (cmd_*.c, lockspace, workers) are not fuzzed here: they are
 * entangled with the lockspace manager, disks and threads; only their
 * payload field checks (cmd_check_lockspace, req_path_terminated,
 * cmd_name_str) are.
 *
 * Input: byte 0 = flags (registered, RESTRICT_ALL, answer, close after
 * answer, peer stops reading, debug logging), then pieces [len][bytes];
 * len 0 ends the stream early.  After the pieces the peer closes its
 * write side and the connection is driven until it closes (bounded).
 *
 * Findings: crashes, sanitizer reports (incl. leaks), assertion failures
 * and violated invariants: a request handed out whose payload length is
 * not exactly req_payload_need() of itself, a prefix that req_payload_need
 * already calls complete, a reply that is not a well-formed header with
 * a documented result, a connection that never closes after EOF.
 *
 * Single-threaded (the daemon's main thread role); one connection slot
 * per input, always released before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/client.h"
#include "daemon/cmd.h"
#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/request.h"
#include "daemon/worker.h"
#include "fuzz/fuzz_util.h"
#include "sanlock_resource.h"

#define FZ_F_REGISTERED  0x01
#define FZ_F_RESTRICT    0x02
#define FZ_F_ANSWER      0x04
#define FZ_F_CLOSE_AFTER 0x08
#define FZ_F_PEER_DEAF   0x10   /* the peer shuts down its read side */
#define FZ_F_DEBUG       0x20
#define FZ_F_NO_DRAIN    0x40   /* replies pile up until the end */

#define FZ_DRIVE_MAX     64     /* wake-ups after EOF before "never closes" */
#define FZ_REPLY_BUF     (1u << 20)

_Static_assert(SIZE_LOCKSPACE == sizeof(struct sanlk_lockspace), "lockspace");
_Static_assert(SIZE_RES == sizeof(struct sanlk_resource), "resource");
_Static_assert(SIZE_DISK == sizeof(struct sanlk_disk), "disk");
_Static_assert(SIZE_OPTIONS == sizeof(struct sanlk_options), "options");
_Static_assert(SIZE_RINDEX == sizeof(struct sanlk_rindex), "rindex");
_Static_assert(SIZE_RENTRY == sizeof(struct sanlk_rentry), "rentry");
_Static_assert(SIZE_HOST_EVENT == sizeof(struct sanlk_host_event), "event");
_Static_assert(SM_HDR_SIZE == sizeof(struct sm_header), "header");

/* ---- stubs for what conn.c calls outside the linked files ---- */

static struct daemon_cfg fz_cfg;
static uint8_t fz_flags;
static unsigned fz_requests;

const struct daemon_cfg *daemon_cfg(void)
{
	return &fz_cfg;
}

void job_free(struct job *j)
{
	(void)j;
	FZ_CHECK(0, "job_free called: no job was ever created");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	client_table_init();
	conn_init();
	log_set_stderr(0);
	return 0;
}

/* ---- request checks (the dispatcher's side of the contract) ---- */

/* Every payload byte is readable (ASan reports it otherwise). */
static unsigned fz_touch(const uint8_t *p, size_t n)
{
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += p[i];
	return sum;
}

/* req_payload_need must not call a shorter prefix complete. */
static void fz_prefixes(const struct request *req)
{
	size_t probes[6] = { 0, 1, SIZE_RES - 1, SIZE_RES, req->len / 2,
			     req->len ? req->len - 1 : 0 };
	int i;

	for (i = 0; i < 6; i++) {
		size_t have = probes[i];
		long need;

		if (have >= req->len)
			continue;
		need = req_payload_need(&req->h, req->payload, have);
		FZ_CHECK(need < 0 || (size_t)need > have,
			 "cmd %u: prefix %zu of %zu called complete (%ld)",
			 req->h.cmd, have, req->len, need);
	}
}

/* The payload as the command handlers will read it. */
static void fz_fields(const struct request *req)
{
	const uint8_t *p = req->payload;
	struct sanlk_lockspace ls;
	struct sanlk_disk disk;
	char name[SANLK_NAME_LEN + 1];
	size_t off = 0;
	uint32_t i, d;
	int rv;

	switch (req->h.cmd) {
	case SM_CMD_ADD_LOCKSPACE: case SM_CMD_REM_LOCKSPACE:
	case SM_CMD_INQ_LOCKSPACE: case SM_CMD_WRITE_LOCKSPACE:
	case SM_CMD_GET_HOSTS: case SM_CMD_HOST_STATUS: case SM_CMD_RENEWAL:
	case SM_CMD_EXAMINE_LOCKSPACE: case SM_CMD_READ_LOCKSPACE:
	case SM_CMD_END_EVENT: case SM_CMD_SET_CONFIG:
		FZ_CHECK(req->len == sizeof(ls), "lockspace payload %zu", req->len);
		memcpy(&ls, p, sizeof(ls));
		cmd_name_str(name, ls.name);
		FZ_CHECK(strlen(name) <= SANLK_NAME_LEN, "name");
		rv = cmd_check_lockspace(&ls, 1, 1);
		FZ_CHECK(rv == 0 || rv == -EINVAL, "check_lockspace %d", rv);
		if (rv == 0)
			FZ_CHECK(ls.name[0] && ls.host_id && ls.host_id_disk.path[0] &&
				 memchr(ls.host_id_disk.path, 0, SANLK_PATH_LEN),
				 "check_lockspace let a bad lockspace through");
		FZ_CHECK(cmd_check_lockspace(&ls, 0, 0) == 0 || rv != 0,
			 "weaker check failed where the stronger passed");
		break;
	case SM_CMD_ALIGN:
		FZ_CHECK(req->len == sizeof(disk), "disk payload %zu", req->len);
		memcpy(&disk, p, sizeof(disk));
		(void)req_path_terminated(disk.path);
		break;
	case SM_CMD_REQUEST: case SM_CMD_WRITE_RESOURCE:
	case SM_CMD_READ_RESOURCE: case SM_CMD_READ_RESOURCE_OWNERS:
	case SM_CMD_ACQUIRE:
		for (i = 0; i < (req->h.cmd == SM_CMD_ACQUIRE ? req->h.data : 1); i++) {
			const struct sanlk_resource *res = (const void *)(p + off);

			FZ_CHECK(off + SIZE_RES <= req->len, "resource %u header", i);
			FZ_CHECK(res->num_disks <= SANLK_MAX_DISKS, "num_disks %u",
				 res->num_disks);
			FZ_CHECK(off + req_res_wire_size(res) <= req->len,
				 "resource %u disks", i);
			for (d = 0; d < res->num_disks; d++)
				(void)req_path_terminated(res->disks[d].path);
			off += req_res_wire_size(res);
		}
		if (req->h.cmd == SM_CMD_ACQUIRE)
			off += SIZE_OPTIONS;
		FZ_CHECK(off == req->len, "resources end at %zu, payload %zu",
			 off, req->len);
		break;
	case SM_CMD_SET_LVB:
		FZ_CHECK(req->len >= SIZE_RES && req->len - SIZE_RES <= REQ_LVB_MAX,
			 "set_lvb payload %zu", req->len);
		break;
	case SM_CMD_RELEASE:
		FZ_CHECK(req->len % SIZE_RES == 0 &&
			 req->len / SIZE_RES <= SANLK_MAX_RESOURCES,
			 "release payload %zu", req->len);
		break;
	default:
		break;
	}
}

void dispatch_request(struct client *c, struct request *req)
{
	enum req_hdr_verdict v = req_check_header(&req->h);
	long need;

	fz_requests++;
	FZ_CHECK(c->kind == CL_CONN, "dispatch on a closed slot");
	FZ_CHECK(v == REQ_HDR_OK || v == REQ_HDR_UNKNOWN_CMD,
		 "dispatched a header with verdict %d", v);
	FZ_CHECK(!(c->restricted & SANLK_RESTRICT_ALL),
		 "read a request on a RESTRICT_ALL connection");
	FZ_CHECK(req->len == 0 || req->payload, "payload NULL");
	need = req_payload_need(&req->h, req->payload, req->len);
	FZ_CHECK(need >= 0 && (size_t)need == req->len,
		 "cmd %u: payload %zu but need %ld", req->h.cmd, req->len, need);
	FZ_CHECK(req->len <= (v == REQ_HDR_OK ? REQ_PAYLOAD_MAX : REQ_DISCARD_MAX),
		 "payload %zu over the limit", req->len);
	(void)fz_touch(req->payload, req->len);
	fz_prefixes(req);
	fz_fields(req);

	if (fz_flags & FZ_F_ANSWER) {
		struct reply r;

		reply_init(&r, REPLY_SMALL_MAX);
		reply_put_result(&r, &req->h, v == REQ_HDR_OK ? -ENOSYS :
				 -EOPNOTSUPP, 0);
		r.close_after = (fz_flags & FZ_F_CLOSE_AFTER) != 0;
		conn_send_reply(c, &r);
		reply_free(&r);
	}
	free(req->payload);
	req->payload = NULL;
}

/* ---- the peer ---- */

struct fz_peer {
	int fd;
	uint8_t buf[FZ_REPLY_BUF];
	size_t have;
	size_t replies;
};

/* Read what the daemon sent: every reply is a bare 32-byte header, but
 * the -ERANGE reply to READ_RESOURCE(_OWNERS) with more than 4 disks,
 * which echoes the resource header (SIZE_RES bytes) as 3.8.5 does. */
static void fz_drain(struct fz_peer *pr)
{
	for (;;) {
		ssize_t n = recv(pr->fd, pr->buf + pr->have,
				 sizeof(pr->buf) - pr->have, MSG_DONTWAIT);
		size_t off = 0;

		if (n <= 0)
			return;
		pr->have += (size_t)n;
		while (pr->have - off >= SM_HDR_SIZE) {
			struct sm_header h;
			int32_t res;

			memcpy(&h, pr->buf + off, sizeof(h));
			res = (int32_t)h.data;
			FZ_CHECK(h.magic == SM_MAGIC, "reply magic %x", h.magic);
			FZ_CHECK(h.length == SM_HDR_SIZE ||
				 (h.length == SM_HDR_SIZE + SIZE_RES &&
				  res == -ERANGE &&
				  req_range_echo_len(&h) == SIZE_RES),
				 "reply length %u", h.length);
			if (pr->have - off < h.length)
				break;          /* the echo is still on its way */
			FZ_CHECK(res == -ENOSYS || res == -EOPNOTSUPP ||
				 res == -E2BIG || res == -ERANGE ||
				 res == -EMSGSIZE || res == -ENOTCONN ||
				 res == -ENOMEM, "reply result %d", res);
			off += h.length;
			pr->replies++;
		}
		memmove(pr->buf, pr->buf + off, pr->have - off);
		pr->have -= off;
	}
}

static int fz_open(struct client *c, uint64_t gen)
{
	return c->kind == CL_CONN && c->gen == gen && c->fd >= 0;
}

static struct fz_peer fz_pr;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in;
	struct client *c;
	uint64_t gen;
	int sv[2], ci, i;

	fz_in_init(&in, data, size);
	fz_flags = fz_u8(&in);
	fz_cfg.debug_clients = (fz_flags & FZ_F_DEBUG) != 0;
	fz_requests = 0;

	FZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0, sv) == 0, "socketpair: %s", strerror(errno));
	ci = client_alloc(CL_CONN, sv[0], NULL);
	FZ_CHECK(ci > CLIENT_SLOT_LISTENER, "client_alloc %d", ci);
	c = client_get(ci);
	gen = c->gen;
	pthread_mutex_lock(&c->mutex);
	c->registered = (fz_flags & FZ_F_REGISTERED) != 0;
	c->restricted = (fz_flags & FZ_F_RESTRICT) ? SANLK_RESTRICT_ALL : 0;
	pthread_mutex_unlock(&c->mutex);

	memset(&fz_pr, 0, offsetof(struct fz_peer, buf));
	fz_pr.have = 0;
	fz_pr.fd = sv[1];
	if (fz_flags & FZ_F_PEER_DEAF)
		shutdown(sv[1], SHUT_RD);

	/* the pieces */
	while (in.n && fz_open(c, gen)) {
		size_t want = fz_u8(&in), got, sent = 0;
		const uint8_t *piece;

		if (!want)
			break;
		piece = fz_bytes(&in, want, &got);
		while (sent < got) {
			ssize_t n = send(sv[1], piece + sent, got - sent,
					 MSG_DONTWAIT | MSG_NOSIGNAL);

			if (n <= 0)
				break;       /* closed, or the buffer is full */
			sent += (size_t)n;
		}
		conn_event(c, POLLIN);
		if (!(fz_flags & FZ_F_NO_DRAIN)) {
			fz_drain(&fz_pr);
			if (fz_open(c, gen) && conn_poll_events(c) == POLLOUT)
				conn_event(c, POLLOUT);
		}
	}

	/* EOF from the peer: the connection must end */
	shutdown(sv[1], SHUT_WR);
	for (i = 0; i < FZ_DRIVE_MAX && fz_open(c, gen); i++) {
		fz_drain(&fz_pr);
		if (conn_poll_events(c) == POLLOUT)
			conn_event(c, POLLOUT);
		else
			conn_event(c, POLLIN | POLLHUP);
	}
	FZ_CHECK(!fz_open(c, gen),
		 "connection still open after EOF (%u requests)", fz_requests);
	if (fz_open(c, gen))
		conn_close(c, "fuzz end");
	FZ_CHECK(c->kind == CL_FREE, "slot not released");
	fz_drain(&fz_pr);
	close(sv[1]);
	FZ_CHECK(client_count() == 0, "%d slots in use", client_count());
	return 0;
}
