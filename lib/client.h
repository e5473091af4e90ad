/*
 * client.h - internal interface of the library's socket client: how every
 * daemon-talking function of libsanlock / libsanlock_client connects to the
 * daemon, frames a request and reads the reply (spec/api.md §4.1, §4.11, §8).
 *
 * State: only the socket address, computed once per process from
 * SANLOCK_RUN_DIR at the first connection (pthread_once in
 * client_transport.c) and read-only afterwards.  Every other function works
 * on the caller's stack and on one connection that it owns, so independent
 * calls from many threads are safe; calls that share one registered fd must
 * be serialised by the caller (api.md §4.1).
 *
 * Error convention (3.8.5's, kept for ABI compatibility):
 *   connect/socket failure      -> -errno (socket closed)
 *   header send failure         -> -errno
 *   payload send failure        -> -1
 *   short reply / EOF           -> -1
 *   recv error                  -> -errno
 *   otherwise                   -> (int32_t)reply.data
 */
#ifndef SANLK_LIB_CLIENT_H
#define SANLK_LIB_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#include "sanlock.h"
#include "common/wire.h"

/* data2 value meaning "the client registered on this connection". */
#define CLIENT_DATA2_SELF      0xFFFFFFFFu

/* Most payload pieces one request carries: 8 resources + options, or a
 * lockspace/rindex + one extra struct. */
#define CLIENT_PIECES_MAX      (SANLK_MAX_RESOURCES + 2)

/* Largest reply payload the library accepts from the daemon in one piece
 * (the daemon builds get_lockspaces/get_hosts replies in 1 MiB, api.md
 * §8.5); anything larger is treated as a protocol error (-1). */
#define CLIENT_REPLY_MAX       (1024u * 1024u + 4096u)

/* Bound on send/recv system calls for one buffer (EINTR retries and partial
 * transfers); blocking stream sockets make progress on every call, so this
 * is never reached in practice. */
#define CLIENT_IO_LOOP_MAX     100000

/* One piece of a request payload. */
struct client_piece {
	const void *buf;
	size_t len;
};

/* ---- transport (client_transport.c) ---- */

/* The socket address of the daemon, cached for the process lifetime. */
const struct sockaddr_un *client_sock_addr(void);

/* New blocking AF_UNIX connection to the daemon: fd >= 0 or -errno. */
int client_connect(void);

/* Send exactly len bytes (MSG_NOSIGNAL, EINTR retried): 0 or -errno. */
int client_send_all(int fd, const void *buf, size_t len);

/* Receive exactly len bytes (MSG_WAITALL, EINTR retried): 0, -1 on EOF or
 * a short read, -errno on a receive error. */
int client_recv_all(int fd, void *buf, size_t len);

/* Send a request header (magic, SM_PROTO, seq 0, length = 32 + datalen)
 * and then the payload pieces on fd.  0, -errno (header), -1 (payload). */
int client_send_request(int fd, uint32_t cmd, uint32_t cmd_flags,
			uint32_t data, uint32_t data2, uint32_t datalen,
			const struct client_piece *pieces, int npieces);

/* Read the 32-byte reply header: 0, -1 or -errno (as client_recv_all). */
int client_recv_header(int fd, struct sm_header *h);

/* Connect, send the request (length derived from the pieces) and return the
 * connected fd (>= 0) for the caller to read the reply from, or a negative
 * error with the socket already closed. */
int client_open_request(uint32_t cmd, uint32_t cmd_flags, uint32_t data,
			uint32_t data2, const struct client_piece *pieces,
			int npieces);

/* The common one-shot call: connect, send, read the reply header, close.
 * Returns (int32_t)reply.data or a transport error. */
int client_call(uint32_t cmd, uint32_t cmd_flags, uint32_t data,
		uint32_t data2, const struct client_piece *pieces, int npieces);

/* Total length of the pieces (bounded by CLIENT_PIECES_MAX). */
uint32_t client_pieces_len(const struct client_piece *pieces, int npieces);

/* Bytes of one resource on the wire: 128 + num_disks * 1040. */
size_t client_res_size(const struct sanlk_resource *res);

/* A zeroed lockspace carrying only name (strncpy 48). */
void client_ls_from_name(struct sanlk_lockspace *ls, const char *name);

/* ---- exported but declared in no public header (api.md §4.10) ---- */

/* Connect and send a bare header (cmd, cmd_flags 0, length 32, data,
 * data2 0); returns the fd for the caller to read the reply from and close,
 * or -errno.  Used by `sanlock client` for the CLI-only commands. */
int send_command(int cmd, uint32_t data);

/* "<dir>/sanlock.sock" into a zeroed *addr, at most 106 characters. */
int sanlock_socket_address(const char *dir, struct sockaddr_un *addr);

/* ---- this project's extensions, commands >= 41 (client_ext.c) ---- */

/* Connect and identify the daemon with VERSION (cmd_flags SM_EXT_QUERY).
 * If the reply's cmd_flags contain every bit of need_ext the connection is
 * returned (fd >= 0) for sending the extension command on it; a daemon that
 * does not have them (e.g. sanlock 3.8.5) gives -EPROTONOSUPPORT (socket
 * closed).  Transport errors as above. */
int client_ext_connect(uint32_t need_ext);

/* The extension set the daemon advertises (>= 0), or a negative error. */
int client_ext_query(void);

#endif /* SANLK_LIB_CLIENT_H */
