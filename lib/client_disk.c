/*
 * client_disk.c - disk initialisation and reading done by the daemon on the
 * caller's behalf: sanlock_align, sanlock_init, sanlock_write_lockspace,
 * sanlock_read_lockspace, sanlock_write_resource, sanlock_read_resource,
 * sanlock_read_resource_owners (spec/api.md §4.4, §4.11).
 *
 * No state; each call uses its own one-shot connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_admin.h"

/* The library check shared by write/read resource and read owners. */
static int client_res_invalid(const struct sanlk_resource *res)
{
	return !res || res->num_disks == 0 ||
	       res->num_disks > SANLK_MAX_DISKS || !res->disks[0].path[0];
}

SANLK_EXPORT int sanlock_align(struct sanlk_disk *disk)
{
	struct client_piece p[1];

	if (!disk)
		return -EINVAL;
	p[0] = (struct client_piece){ disk, sizeof(*disk) };
	return client_call(SM_CMD_ALIGN, 0, 0, 0, p, 1);
}

SANLK_EXPORT int sanlock_write_lockspace(struct sanlk_lockspace *ls,
					 int max_hosts, uint32_t flags,
					 uint32_t io_timeout)
{
	struct client_piece p[1];

	if (!ls || !ls->host_id_disk.path[0])
		return -EINVAL;
	p[0] = (struct client_piece){ ls, sizeof(*ls) };
	return client_call(SM_CMD_WRITE_LOCKSPACE, flags, (uint32_t)max_hosts,
			   io_timeout, p, 1);
}

SANLK_EXPORT int sanlock_write_resource(struct sanlk_resource *res,
					int max_hosts, int num_hosts,
					uint32_t flags)
{
	struct client_piece p[1];

	if (client_res_invalid(res))
		return -EINVAL;
	p[0] = (struct client_piece){ res, client_res_size(res) };
	/* wire quirk kept: data = max_hosts, data2 = num_hosts (api.md §4.4) */
	return client_call(SM_CMD_WRITE_RESOURCE, flags, (uint32_t)max_hosts,
			   (uint32_t)num_hosts, p, 1);
}

SANLK_EXPORT int sanlock_init(struct sanlk_lockspace *ls,
			      struct sanlk_resource *res, int max_hosts,
			      int num_hosts)
{
	if (ls)
		return sanlock_write_lockspace(ls, max_hosts, 0, 0);
	return sanlock_write_resource(res, max_hosts, num_hosts, 0);
}

SANLK_EXPORT int sanlock_read_lockspace(struct sanlk_lockspace *ls,
					uint32_t flags, uint32_t *io_timeout)
{
	struct sanlk_lockspace reply_ls;
	struct client_piece p[1];
	struct sm_header h;
	int fd, rv;

	if (!ls || !ls->host_id_disk.path[0] || !io_timeout)
		return -EINVAL;
	p[0] = (struct client_piece){ ls, sizeof(*ls) };

	fd = client_open_request(SM_CMD_READ_LOCKSPACE, flags, 0, 0, p, 1);
	if (fd < 0)
		return fd;

	rv = client_recv_header(fd, &h);
	if (rv < 0)
		goto out;
	rv = (int32_t)h.data;
	if (rv < 0)
		goto out;
	if (client_recv_all(fd, &reply_ls, sizeof(reply_ls)) < 0) {
		rv = -1;
		goto out;
	}
	memcpy(ls, &reply_ls, sizeof(*ls));
	*io_timeout = h.data2;
out:
	close(fd);
	return rv;
}

SANLK_EXPORT int sanlock_read_resource(struct sanlk_resource *res,
				       uint32_t flags)
{
	struct sanlk_resource reply_res;
	struct client_piece p[1];
	struct sm_header h;
	int fd, rv;

	if (client_res_invalid(res))
		return -EINVAL;
	p[0] = (struct client_piece){ res, client_res_size(res) };

	fd = client_open_request(SM_CMD_READ_RESOURCE, flags, 0, 0, p, 1);
	if (fd < 0)
		return fd;

	rv = client_recv_header(fd, &h);
	if (rv < 0)
		goto out;
	/* the 128-byte header comes back even on error and is copied */
	if (client_recv_all(fd, &reply_res, sizeof(reply_res)) < 0) {
		rv = -1;
		goto out;
	}
	memcpy(res, &reply_res, sizeof(reply_res));
	rv = (int32_t)h.data;
out:
	close(fd);
	return rv;
}

SANLK_EXPORT int sanlock_read_resource_owners(struct sanlk_resource *res,
					      uint32_t flags,
					      struct sanlk_host **hss,
					      int *hss_count)
{
	struct sanlk_resource reply_res;
	struct client_piece p[1];
	struct sm_header h;
	struct sanlk_host *hosts;
	size_t size;
	int fd, rv;

	if (client_res_invalid(res) || !hss_count)
		return -EINVAL;
	p[0] = (struct client_piece){ res, client_res_size(res) };

	fd = client_open_request(SM_CMD_READ_RESOURCE_OWNERS, flags, 0, 0,
				 p, 1);
	if (fd < 0)
		return fd;

	rv = client_recv_header(fd, &h);
	if (rv < 0)
		goto out;
	rv = (int32_t)h.data;
	if (rv < 0)
		goto out;

	if (client_recv_all(fd, &reply_res, sizeof(reply_res)) < 0) {
		rv = -1;
		goto out;
	}
	memcpy(res, &reply_res, sizeof(reply_res));

	size = (size_t)h.data2 * sizeof(struct sanlk_host);
	if (size > CLIENT_REPLY_MAX) {
		rv = -1;
		goto out;
	}
	*hss_count = (int)h.data2;
	if (!hss)
		goto out;

	hosts = malloc(size);
	if (!hosts) {
		rv = -ENOMEM;
		goto out;
	}
	if (size && client_recv_all(fd, hosts, size) < 0) {
		free(hosts);
		rv = -1;
		goto out;
	}
	*hss = hosts;
	rv = 0;
out:
	close(fd);
	return rv;
}
