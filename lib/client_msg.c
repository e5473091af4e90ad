/*
 * client_msg.c - the library side of this project's host messages and
 * lockspace callbacks (spec/messages.md §4, §6; wire framing in
 * common/wire.h): sanlock_host_message, sanlock_reg_lockspace,
 * sanlock_get_callback, sanlock_end_lockspace.  Extension, not in
 * sanlock 3.8.5: every request goes on a connection first identified as
 * our daemon's (client_ext_connect), so a 3.8.5 daemon gives
 * -EPROTONOSUPPORT instead of a hang.
 *
 * No state; a callback fd belongs to the caller until
 * sanlock_end_lockspace closes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/client.h"
#include "lib/client_msg.h"
#include "lib/lib.h"
#include "sanlock_admin.h"

_Static_assert(sizeof(struct sanlk_callback) == 104, "sanlk_callback is 104 bytes");
_Static_assert(sizeof(struct sanlk_host_message) == 80,
	       "sanlk_host_message is 80 bytes");

int client_host_message_start(const char *ls_name, uint64_t host_id,
			      uint64_t generation, uint32_t msg, uint32_t seq,
			      uint32_t flags, uint32_t *seq_out, int *wait_fd)
{
	struct sm_host_message hm;
	struct client_piece p[1];
	struct sm_header h;
	int fd, rv;

	*wait_fd = -1;
	*seq_out = seq;
	if (!ls_name)
		return -EINVAL;
	memset(&hm, 0, sizeof(hm));
	memcpy(hm.ls_name, ls_name, strnlen(ls_name, SANLK_NAME_LEN));
	hm.host_id = host_id;
	hm.generation = generation;
	hm.msg = msg;
	hm.seq = seq;
	p[0] = (struct client_piece){ &hm, sizeof(hm) };

	fd = client_ext_connect(SM_EXT_MESSAGES);
	if (fd < 0)
		return fd;
	rv = client_send_request(fd, SM_CMD_HOST_MESSAGE, flags, 0, 0,
				 sizeof(hm), p, 1);
	if (rv == 0)
		rv = client_recv_header(fd, &h);
	if (rv == 0) {
		rv = (int32_t)h.data;
		*seq_out = h.data2;
	}
	if (rv == 0 && (flags & SANLK_HM_WAIT)) {
		*wait_fd = fd;
		return 0;
	}
	close(fd);
	return rv;
}

int client_host_message_finish(int fd)
{
	struct sm_header h;
	int rv;

	rv = client_recv_header(fd, &h);
	close(fd);
	return rv < 0 ? rv : (int32_t)h.data;
}

SANLK_EXPORT int sanlock_host_message(const char *ls_name, uint64_t host_id,
				      uint64_t generation, uint32_t msg,
				      uint32_t *seq, uint32_t flags)
{
	uint32_t used = 0;
	int fd, rv;

	rv = client_host_message_start(ls_name, host_id, generation, msg,
				       seq ? *seq : 0, flags, &used, &fd);
	if (rv == 0 && seq)
		*seq = used;
	if (rv == 0 && fd >= 0)
		rv = client_host_message_finish(fd);
	return rv;
}

SANLK_EXPORT int sanlock_reg_lockspace(const char *ls_name, uint32_t flags)
{
	struct sanlk_lockspace ls;
	struct client_piece p[1];
	struct sm_header h;
	int fd, rv, fl;

	if (!ls_name || flags)
		return -EINVAL;
	client_ls_from_name(&ls, ls_name);
	p[0] = (struct client_piece){ &ls, sizeof(ls) };
	fd = client_ext_connect(SM_EXT_MESSAGES);
	if (fd < 0)
		return fd;
	rv = client_send_request(fd, SM_CMD_REG_LOCKSPACE, flags, 0, 0,
				 sizeof(ls), p, 1);
	if (rv == 0)
		rv = client_recv_header(fd, &h);
	if (rv == 0)
		rv = (int32_t)h.data;
	if (rv < 0) {
		close(fd);
		return rv;
	}
	/* messages.md §6: non-blocking and pollable */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		rv = -errno;
		close(fd);
		return rv;
	}
	return fd;
}

SANLK_EXPORT int sanlock_get_callback(int fd, uint32_t flags,
				      struct sanlk_callback *cb,
				      size_t cb_size)
{
	uint8_t rec[SM_CB_RECORD_SIZE];
	uint32_t tok = SM_CB_TOKEN_READ;
	struct sm_header h;
	ssize_t n;

	if (flags || !cb)
		return -EINVAL;
	do {
		n = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		/* the daemon closed its end with our tokens unread */
		if (errno == ECONNRESET || errno == EPIPE)
			return -ENOTCONN;
		return -errno;
	}
	if (n == 0)
		return -ENOTCONN;        /* lockspace gone, all read */
	if (n != (ssize_t)sizeof(rec))
		return -EPROTO;
	memcpy(&h, rec, sizeof(h));
	if (h.magic != SM_MAGIC || h.cmd != SM_CB_CALLBACK)
		return -EPROTO;
	memset(cb, 0, cb_size);
	memcpy(cb, rec + sizeof(h),
	       cb_size < sizeof(struct sanlk_callback) ?
	       cb_size : sizeof(struct sanlk_callback));
	/* flow control: one record consumed (errors mean the daemon is
	 * gone; the next call reports it) */
	(void)send(fd, &tok, sizeof(tok), MSG_DONTWAIT | MSG_NOSIGNAL);
	return 0;
}

SANLK_EXPORT int sanlock_end_lockspace(int fd, uint32_t flags)
{
	uint32_t tok = SM_CB_TOKEN_END;
	ssize_t n;

	if (flags)
		return -EINVAL;
	n = send(fd, &tok, sizeof(tok), MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EBADF || errno == ENOTSOCK))
		return -EBADF;
	/* a daemon that already closed its end (lockspace gone) is fine */
	close(fd);
	return 0;
}
