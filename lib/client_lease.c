/*
 * client_lease.c - lease operations sent to the daemon: sanlock_acquire,
 * sanlock_release, sanlock_inquire, sanlock_convert (slkfd/pid convention),
 * sanlock_request and sanlock_examine (spec/api.md §4.2, §4.11).
 *
 * No state.  A call with sock >= 0 uses (and never closes) the caller's
 * registered connection; with sock == -1 it opens and closes its own.
 *
 * ACQUIRE, RELEASE and CONVERT go out with one sendmsg (client_lease_send):
 * the same bytes as header and pieces sent one by one, but the daemon
 * finds the whole request at its first wake-up instead of waking for each
 * piece.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <assert.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_resource.h"

/* The connection a slkfd/pid call uses: the caller's or a new one. */
struct client_target {
	int fd;
	int own;          /* we opened fd and must close it */
	uint32_t data2;   /* -1 = the registered client, else the pid */
};

static int client_target_open(struct client_target *t, int sock, int pid)
{
	if (sock == -1) {
		t->fd = client_connect();
		if (t->fd < 0)
			return t->fd;
		t->own = 1;
		t->data2 = (uint32_t)pid;
	} else {
		t->fd = sock;
		t->own = 0;
		t->data2 = CLIENT_DATA2_SELF;
	}
	return 0;
}

static void client_target_close(struct client_target *t)
{
	if (t->own && t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* client_send_request with one sendmsg where the socket takes it all (a
 * partial send continues where it stopped).  Results as there: -errno
 * while the header is not out, -1 once it is. */
static int client_lease_send(int fd, uint32_t cmd, uint32_t cmd_flags,
			     uint32_t data, uint32_t data2,
			     const struct client_piece *pieces, int npieces)
{
	struct iovec iov[CLIENT_PIECES_MAX + 1];
	struct sm_header h;
	size_t total = sizeof(h), done = 0;
	int n = 0, first = 0, tries, i;

	assert(npieces >= 0 && npieces <= CLIENT_PIECES_MAX);
	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_PROTO;
	h.cmd = cmd;
	h.cmd_flags = cmd_flags;
	h.length = (uint32_t)sizeof(h) + client_pieces_len(pieces, npieces);
	h.data = data;
	h.data2 = data2;
	iov[n++] = (struct iovec){ &h, sizeof(h) };
	for (i = 0; i < npieces; i++) {
		if (!pieces[i].len)
			continue;
		iov[n++] = (struct iovec){ (void *)pieces[i].buf, pieces[i].len };
		total += pieces[i].len;
	}
	assert(total == h.length);

	for (tries = 0; done < total && tries < CLIENT_IO_LOOP_MAX; tries++) {
		struct msghdr m;
		ssize_t k;

		memset(&m, 0, sizeof(m));
		m.msg_iov = iov + first;
		m.msg_iovlen = (size_t)(n - first);
		k = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return done < sizeof(h) ? -errno : -1;
		}
		done += (size_t)k;
		/* skip what went out */
		while (k > 0 && first < n) {
			if ((size_t)k >= iov[first].iov_len) {
				k -= (ssize_t)iov[first].iov_len;
				first++;
			} else {
				iov[first].iov_base = (char *)iov[first].iov_base + k;
				iov[first].iov_len -= (size_t)k;
				k = 0;
			}
		}
	}
	if (done < total)
		return done < sizeof(h) ? -EIO : -1;
	return 0;
}

/* Read the reply header on t and return its result. */
static int client_target_result(struct client_target *t)
{
	struct sm_header h;
	int rv;

	rv = client_recv_header(t->fd, &h);
	if (rv < 0)
		return rv;
	return (int32_t)h.data;
}

SANLK_EXPORT int sanlock_acquire(int sock, int pid, uint32_t flags,
				 int res_count,
				 struct sanlk_resource *res_args[],
				 struct sanlk_options *opt_in)
{
	struct client_piece p[CLIENT_PIECES_MAX];
	struct sanlk_options opt;
	struct client_target t;
	int i, rv;

	if (res_count < 0 || res_count > SANLK_MAX_RESOURCES)
		return -EINVAL;
	if (res_count && !res_args)
		return -EINVAL;
	for (i = 0; i < res_count; i++) {
		if (!res_args[i] || res_args[i]->num_disks > SANLK_MAX_DISKS)
			return -EINVAL;
	}

	/* Only the fixed 56 bytes go on the wire, with len 0: a 3.8.5 daemon
	 * would wait for len more bytes (api.md §3.5). */
	memset(&opt, 0, sizeof(opt));
	if (opt_in) {
		memcpy(opt.owner_name, opt_in->owner_name, SANLK_NAME_LEN);
		opt.flags = opt_in->flags;
	}
	opt.len = 0;

	for (i = 0; i < res_count; i++)
		p[i] = (struct client_piece){ res_args[i],
					      client_res_size(res_args[i]) };
	p[res_count] = (struct client_piece){ &opt, sizeof(opt) };
	assert(res_count + 1 <= CLIENT_PIECES_MAX);

	rv = client_target_open(&t, sock, pid);
	if (rv < 0)
		return rv;
	rv = client_lease_send(t.fd, SM_CMD_ACQUIRE, flags,
			       (uint32_t)res_count, t.data2, p, res_count + 1);
	if (rv == 0)
		rv = client_target_result(&t);
	client_target_close(&t);
	return rv;
}

SANLK_EXPORT int sanlock_release(int sock, int pid, uint32_t flags,
				 int res_count,
				 struct sanlk_resource *res_args[])
{
	struct client_piece p[CLIENT_PIECES_MAX];
	struct client_target t;
	int i, rv;

	if (res_count < 0 || res_count > SANLK_MAX_RESOURCES)
		return -EINVAL;
	if (res_count && !res_args)
		return -EINVAL;
	for (i = 0; i < res_count; i++) {
		if (!res_args[i])
			return -EINVAL;
		/* headers only: the daemon matches on the two names */
		p[i] = (struct client_piece){ res_args[i],
					      sizeof(struct sanlk_resource) };
	}

	rv = client_target_open(&t, sock, pid);
	if (rv < 0)
		return rv;
	rv = client_lease_send(t.fd, SM_CMD_RELEASE, flags,
			       (uint32_t)res_count, t.data2, p, res_count);
	if (rv == 0)
		rv = client_target_result(&t);
	client_target_close(&t);
	return rv;
}

SANLK_EXPORT int sanlock_inquire(int sock, int pid, uint32_t flags,
				 int *res_count, char **res_state)
{
	struct client_target t;
	struct sm_header h;
	char *state = NULL;
	uint32_t len;
	int rv;

	if (!res_count)
		return -EINVAL;
	*res_count = 0;
	if (res_state)
		*res_state = NULL;

	rv = client_target_open(&t, sock, pid);
	if (rv < 0)
		return rv;
	rv = client_send_request(t.fd, SM_CMD_INQUIRE, flags, 0, t.data2,
				 0, NULL, 0);
	if (rv < 0)
		goto out;

	/* inquire reports every failed read as -1 (api.md §4.2) */
	if (client_recv_header(t.fd, &h) < 0) {
		rv = -1;
		goto out;
	}
	rv = (int32_t)h.data;
	/* A payload is read and the count taken whatever the result: 3.8.5
	 * does so, and its daemon can send both with an error (observed
	 * -EBADFD with a truncated state for escaped paths). */
	if (h.length <= sizeof(h))
		goto out;

	len = h.length - (uint32_t)sizeof(h);
	if (len > CLIENT_REPLY_MAX) {
		rv = -1;
		goto out;
	}
	/* one extra byte keeps the string terminated whatever arrives */
	state = calloc(1, (size_t)len + 1);
	if (!state) {
		rv = -ENOMEM;
		goto out;
	}
	if (client_recv_all(t.fd, state, len) < 0) {
		free(state);
		rv = -1;
		goto out;
	}
	if (res_state)
		*res_state = state;
	else
		free(state);
	*res_count = (int)h.data2;
out:
	client_target_close(&t);
	return rv;
}

SANLK_EXPORT int sanlock_convert(int sock, int pid, uint32_t flags,
				 struct sanlk_resource *res)
{
	struct client_piece p[1];
	struct client_target t;
	int rv;

	if (!res)
		return -EINVAL;
	p[0] = (struct client_piece){ res, sizeof(struct sanlk_resource) };

	rv = client_target_open(&t, sock, pid);
	if (rv < 0)
		return rv;
	rv = client_lease_send(t.fd, SM_CMD_CONVERT, flags, 0, t.data2, p, 1);
	if (rv == 0)
		rv = client_target_result(&t);
	client_target_close(&t);
	return rv;
}

SANLK_EXPORT int sanlock_request(uint32_t flags, uint32_t force_mode,
				 struct sanlk_resource *res)
{
	struct client_piece p[1];

	if (!res || res->num_disks > SANLK_MAX_DISKS)
		return -EINVAL;
	p[0] = (struct client_piece){ res, client_res_size(res) };
	return client_call(SM_CMD_REQUEST, flags, force_mode, 0, p, 1);
}

SANLK_EXPORT int sanlock_examine(uint32_t flags, struct sanlk_lockspace *ls,
				 struct sanlk_resource *res)
{
	struct client_piece p[1];

	if (ls && ls->host_id_disk.path[0]) {
		p[0] = (struct client_piece){ ls, sizeof(*ls) };
		return client_call(SM_CMD_EXAMINE_LOCKSPACE, flags, 0, 0, p, 1);
	}
	/* 3.8.5 dereferences res here; a NULL is refused instead */
	if (!res)
		return -EINVAL;
	p[0] = (struct client_piece){ res, sizeof(struct sanlk_resource) };
	return client_call(SM_CMD_EXAMINE_RESOURCE, flags, 0, 0, p, 1);
}
