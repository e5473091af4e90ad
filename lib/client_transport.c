/*
 * client_transport.c - the library's socket transport to the daemon
 * (spec/api.md §4.1, §4.10, §7, §8.2): socket path, connect, framed send,
 * exact receive, and the exported helpers send_command() and
 * sanlock_socket_address().
 *
 * State: client_addr, filled once per process by client_addr_init() under
 * pthread_once at the first connection (SANLOCK_RUN_DIR is read once and
 * cached, api.md §7); read-only afterwards, so no lock is needed.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <assert.h>

#include "lib/lib.h"
#include "common/log.h"
#include "lib/client.h"
#include "lib/env.h"

/* Longest socket path kept: snprintf limit 107 -> at most 106 chars. */
#define CLIENT_SUN_PATH_LIMIT (SANLK_SOCK_PATH_MAX + 1)

static pthread_once_t client_addr_once = PTHREAD_ONCE_INIT;
static struct sockaddr_un client_addr;

SANLK_EXPORT int sanlock_socket_address(const char *dir,
					struct sockaddr_un *addr)
{
	_Static_assert(CLIENT_SUN_PATH_LIMIT <= sizeof(addr->sun_path),
		       "sun_path holds the truncated socket path");
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	snprintf(addr->sun_path, CLIENT_SUN_PATH_LIMIT, "%s/%s", dir,
		 SANLK_SOCK_NAME);
	return 0;
}

static void client_addr_init(void)
{
	const char *dir = env_get("SANLOCK_RUN_DIR", SANLK_RUN_DIR_DEFAULT);

	if (!dir)
		dir = SANLK_RUN_DIR_DEFAULT;
	sanlock_socket_address(dir, &client_addr);
}

const struct sockaddr_un *client_sock_addr(void)
{
	pthread_once(&client_addr_once, client_addr_init);
	assert(client_addr.sun_family == AF_UNIX);
	return &client_addr;
}

int client_connect(void)
{
	const struct sockaddr_un *addr = client_sock_addr();
	int fd, rv;

	/* No SOCK_CLOEXEC: `client command` relies on exec inheriting the
	 * registered connection (api.md §5). */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;

	rv = connect(fd, (const struct sockaddr *)addr,
		     sizeof(struct sockaddr_un));
	if (rv < 0) {
		rv = -errno;
		close(fd);
		log_reason("cannot connect to the sanlock daemon at %s: %s",
			   addr->sun_path, strerror(-rv));
		return rv;
	}
	return fd;
}

int client_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;
	int tries;

	for (tries = 0; done < len && tries < CLIENT_IO_LOOP_MAX; tries++) {
		ssize_t n = send(fd, p + done, len - done, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	if (done < len)
		return -EIO;
	assert(done == len);
	return 0;
}

int client_recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t done = 0;
	int tries;

	for (tries = 0; done < len && tries < CLIENT_IO_LOOP_MAX; tries++) {
		ssize_t n = recv(fd, p + done, len - done, MSG_WAITALL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -1;
		done += (size_t)n;
	}
	if (done < len)
		return -1;
	return 0;
}

uint32_t client_pieces_len(const struct client_piece *pieces, int npieces)
{
	uint64_t total = 0;
	int i;

	assert(npieces >= 0 && npieces <= CLIENT_PIECES_MAX);
	for (i = 0; i < npieces && i < CLIENT_PIECES_MAX; i++)
		total += pieces[i].len;
	assert(total < UINT32_MAX);
	return (uint32_t)total;
}

size_t client_res_size(const struct sanlk_resource *res)
{
	return sizeof(struct sanlk_resource) +
	       (size_t)res->num_disks * sizeof(struct sanlk_disk);
}

void client_ls_from_name(struct sanlk_lockspace *ls, const char *name)
{
	/* strncpy(48) semantics: a 48-byte name stays unterminated */
	memset(ls, 0, sizeof(*ls));
	memcpy(ls->name, name, strnlen(name, SANLK_NAME_LEN));
}

int client_send_request(int fd, uint32_t cmd, uint32_t cmd_flags,
			uint32_t data, uint32_t data2, uint32_t datalen,
			const struct client_piece *pieces, int npieces)
{
	struct sm_header h;
	int i, rv;

	assert(npieces >= 0 && npieces <= CLIENT_PIECES_MAX);

	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_PROTO;
	h.cmd = cmd;
	h.cmd_flags = cmd_flags;
	h.length = (uint32_t)sizeof(h) + datalen;
	h.seq = 0;
	h.data = data;
	h.data2 = data2;

	rv = client_send_all(fd, &h, sizeof(h));
	if (rv < 0)
		return rv;

	for (i = 0; i < npieces && i < CLIENT_PIECES_MAX; i++) {
		if (!pieces[i].len)
			continue;
		if (client_send_all(fd, pieces[i].buf, pieces[i].len) < 0)
			return -1;
	}
	return 0;
}

int client_recv_header(int fd, struct sm_header *h)
{
	memset(h, 0, sizeof(*h));
	return client_recv_all(fd, h, sizeof(*h));
}

int client_open_request(uint32_t cmd, uint32_t cmd_flags, uint32_t data,
			uint32_t data2, const struct client_piece *pieces,
			int npieces)
{
	int fd, rv;

	fd = client_connect();
	if (fd < 0)
		return fd;

	rv = client_send_request(fd, cmd, cmd_flags, data, data2,
				 client_pieces_len(pieces, npieces),
				 pieces, npieces);
	if (rv < 0) {
		close(fd);
		return rv;
	}
	return fd;
}

int client_call(uint32_t cmd, uint32_t cmd_flags, uint32_t data,
		uint32_t data2, const struct client_piece *pieces, int npieces)
{
	struct sm_header h;
	int fd, rv;

	fd = client_open_request(cmd, cmd_flags, data, data2, pieces, npieces);
	if (fd < 0)
		return fd;

	rv = client_recv_header(fd, &h);
	if (rv == 0)
		rv = (int32_t)h.data;
	close(fd);
	return rv;
}

/*
 * Used by `sanlock client` for the CLI-only commands (api.md §8.7): header
 * only, cmd_flags 0, length 32.  The caller reads the reply and closes.
 */
SANLK_EXPORT int send_command(int cmd, uint32_t data)
{
	return client_open_request((uint32_t)cmd, 0, data, 0, NULL, 0);
}
