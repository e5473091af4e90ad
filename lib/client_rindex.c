/*
 * client_rindex.c - resource index operations done by the daemon:
 * format/rebuild/update/lookup rindex, create/delete resource
 * (spec/api.md §4.5, §4.11).
 *
 * No state; each call uses its own one-shot connection.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_admin.h"

/* The common library check of all six calls (api.md §4.5). */
static int client_rx_invalid(const struct sanlk_rindex *rx)
{
	return !rx || !rx->lockspace_name[0] || !rx->disk.path[0];
}

/* How a reply entry is handled. */
enum client_re_reply {
	CLIENT_RE_NONE,      /* reply is a bare header */
	CLIENT_RE_COPY,      /* copy the entry into *re when data >= 0 */
	CLIENT_RE_DISCARD,   /* the entry is sent but not used */
};

static int client_rx_call(uint32_t cmd, struct sanlk_rindex *rx,
			  uint32_t flags, struct sanlk_rentry *re,
			  uint32_t data, uint32_t data2, uint32_t datalen,
			  enum client_re_reply mode)
{
	struct client_piece p[2];
	struct sanlk_rentry reply_re;
	struct sm_header h;
	int np = 0, fd, rv;

	p[np++] = (struct client_piece){ rx, sizeof(*rx) };
	if (re)
		p[np++] = (struct client_piece){ re, sizeof(*re) };

	fd = client_connect();
	if (fd < 0)
		return fd;
	rv = client_send_request(fd, cmd, flags, data, data2, datalen, p, np);
	if (rv < 0)
		goto out;

	rv = client_recv_header(fd, &h);
	if (rv < 0)
		goto out;
	rv = (int32_t)h.data;
	if (mode != CLIENT_RE_COPY || rv < 0)
		goto out;

	if (client_recv_all(fd, &reply_re, sizeof(reply_re)) < 0) {
		rv = -1;
		goto out;
	}
	memcpy(re, &reply_re, sizeof(*re));
out:
	close(fd);
	return rv;
}

SANLK_EXPORT int sanlock_format_rindex(struct sanlk_rindex *rx,
				       uint32_t flags)
{
	if (client_rx_invalid(rx))
		return -EINVAL;
	return client_rx_call(SM_CMD_FORMAT_RINDEX, rx, flags, NULL, 0, 0,
			      sizeof(*rx), CLIENT_RE_NONE);
}

SANLK_EXPORT int sanlock_rebuild_rindex(struct sanlk_rindex *rx,
					uint32_t flags)
{
	if (client_rx_invalid(rx))
		return -EINVAL;
	return client_rx_call(SM_CMD_REBUILD_RINDEX, rx, flags, NULL, 0, 0,
			      sizeof(*rx), CLIENT_RE_NONE);
}

SANLK_EXPORT int sanlock_update_rindex(struct sanlk_rindex *rx,
				       uint32_t flags,
				       struct sanlk_rentry *re)
{
	if (client_rx_invalid(rx) || !re)
		return -EINVAL;
	return client_rx_call(SM_CMD_UPDATE_RINDEX, rx, flags, re, 0, 0,
			      sizeof(*rx) + sizeof(*re), CLIENT_RE_COPY);
}

SANLK_EXPORT int sanlock_lookup_rindex(struct sanlk_rindex *rx,
				       uint32_t flags,
				       struct sanlk_rentry *re)
{
	if (client_rx_invalid(rx) || !re)
		return -EINVAL;
	/* 3.8.5 wire quirk kept: length says rx + a resource header */
	return client_rx_call(SM_CMD_LOOKUP_RINDEX, rx, flags, re, 0, 0,
			      sizeof(*rx) + sizeof(struct sanlk_resource),
			      CLIENT_RE_COPY);
}

SANLK_EXPORT int sanlock_create_resource(struct sanlk_rindex *rx,
					 uint32_t flags,
					 struct sanlk_rentry *re,
					 int max_hosts, int num_hosts)
{
	if (client_rx_invalid(rx) || !re)
		return -EINVAL;
	return client_rx_call(SM_CMD_CREATE_RESOURCE, rx, flags, re,
			      (uint32_t)max_hosts, (uint32_t)num_hosts,
			      sizeof(*rx) + sizeof(*re), CLIENT_RE_COPY);
}

SANLK_EXPORT int sanlock_delete_resource(struct sanlk_rindex *rx,
					 uint32_t flags,
					 struct sanlk_rentry *re)
{
	if (client_rx_invalid(rx) || !re)
		return -EINVAL;
	return client_rx_call(SM_CMD_DELETE_RESOURCE, rx, flags, re, 0, 0,
			      sizeof(*rx) + sizeof(*re), CLIENT_RE_DISCARD);
}
