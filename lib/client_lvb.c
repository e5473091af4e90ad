/*
 * client_lvb.c - lock value block access through the daemon:
 * sanlock_set_lvb and sanlock_get_lvb (spec/api.md §4.2, §4.11).
 *
 * No state; each call uses its own one-shot connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_resource.h"

SANLK_EXPORT int sanlock_set_lvb(uint32_t flags, struct sanlk_resource *res,
				 char *lvb, int lvblen)
{
	struct client_piece p[2];

	if (!res || !lvb || lvblen <= 0)
		return -EINVAL;
	p[0] = (struct client_piece){ res, sizeof(struct sanlk_resource) };
	p[1] = (struct client_piece){ lvb, (size_t)lvblen };
	return client_call(SM_CMD_SET_LVB, flags, 0, 0, p, 2);
}

SANLK_EXPORT int sanlock_get_lvb(uint32_t flags, struct sanlk_resource *res,
				 char *lvb, int lvblen)
{
	struct client_piece p[1];
	struct sm_header h;
	char *buf;
	uint32_t len;
	int fd, rv;

	if (!res || !lvb || lvblen <= 0)
		return -EINVAL;
	p[0] = (struct client_piece){ res, sizeof(struct sanlk_resource) };

	/* data2 0: the daemon returns a whole sector */
	fd = client_open_request(SM_CMD_GET_LVB, flags, 0, 0, p, 1);
	if (fd < 0)
		return fd;

	if (client_recv_header(fd, &h) < 0) {
		rv = -1;
		goto out;
	}
	rv = (int32_t)h.data;
	if (h.length <= sizeof(h))
		goto out;

	len = h.length - (uint32_t)sizeof(h);
	if (len > CLIENT_REPLY_MAX) {
		rv = -1;
		goto out;
	}
	buf = malloc(len);
	if (!buf) {
		rv = -ENOMEM;
		goto out;
	}
	if (client_recv_all(fd, buf, len) < 0) {
		/* a refused request says L but sends nothing: keep its result */
		free(buf);
		if (rv == 0)
			rv = -1;
		goto out;
	}
	memcpy(lvb, buf, len < (uint32_t)lvblen ? len : (uint32_t)lvblen);
	free(buf);
out:
	close(fd);
	return rv;
}
