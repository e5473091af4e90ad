/*
 * client_register.c - process registration and the calls that act on a
 * registered connection only: sanlock_register, sanlock_restrict,
 * sanlock_killpath (spec/api.md §4.2, §4.11, §8.3).
 *
 * No state: the registered fd belongs to the caller, who must serialise
 * calls that share it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_resource.h"

/* killpath strings are formatted with this limit: at most 126 chars kept. */
#define CLIENT_KILLPATH_FMT_LIMIT (SANLK_HELPER_PATH_LEN - 1)

/* REGISTER: no payload and no reply; the connection is the registration. */
SANLK_EXPORT int sanlock_register(void)
{
	return client_open_request(SM_CMD_REGISTER, 0, 0, 0, NULL, 0);
}

/* Send one request on the caller's registered fd and read its result. */
static int client_call_on(int sock, uint32_t cmd, uint32_t flags,
			  const struct client_piece *pieces, int npieces)
{
	struct sm_header h;
	int rv;

	rv = client_send_request(sock, cmd, flags, 0, CLIENT_DATA2_SELF,
				 client_pieces_len(pieces, npieces),
				 pieces, npieces);
	if (rv < 0)
		return rv;
	rv = client_recv_header(sock, &h);
	if (rv < 0)
		return rv;
	return (int32_t)h.data;
}

SANLK_EXPORT int sanlock_restrict(int sock, uint32_t flags)
{
	return client_call_on(sock, SM_CMD_RESTRICT, flags, NULL, 0);
}

SANLK_EXPORT int sanlock_killpath(int sock, uint32_t flags, const char *path,
				  char *args)
{
	char path_buf[SANLK_HELPER_PATH_LEN];
	char args_buf[SANLK_HELPER_ARGS_LEN];
	struct client_piece p[2];

	/* 3.8.5 would format NULL as "(null)"; sending empty strings is the
	 * safe equivalent for a caller error. */
	memset(path_buf, 0, sizeof(path_buf));
	memset(args_buf, 0, sizeof(args_buf));
	snprintf(path_buf, CLIENT_KILLPATH_FMT_LIMIT, "%s", path ? path : "");
	snprintf(args_buf, CLIENT_KILLPATH_FMT_LIMIT, "%s", args ? args : "");

	p[0] = (struct client_piece){ path_buf, sizeof(path_buf) };
	p[1] = (struct client_piece){ args_buf, sizeof(args_buf) };
	return client_call_on(sock, SM_CMD_KILLPATH, flags, p, 2);
}
