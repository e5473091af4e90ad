/*
 * client_lockspace.c - lockspace administration through the daemon:
 * add/inq/rem_lockspace, get_lockspaces, get_hosts, set_config
 * (spec/api.md §4.3, §4.11).
 *
 * No state.  Arrays returned to the caller come from malloc (api.md §3.10)
 * and are freed by the caller with free().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_admin.h"

static int client_ls_call(uint32_t cmd, struct sanlk_lockspace *ls,
			  uint32_t flags, uint32_t data)
{
	struct client_piece p[1];

	if (!ls)
		return -EINVAL;
	p[0] = (struct client_piece){ ls, sizeof(*ls) };
	return client_call(cmd, flags, data, 0, p, 1);
}

SANLK_EXPORT int sanlock_add_lockspace_timeout(struct sanlk_lockspace *ls,
					       uint32_t flags,
					       uint32_t io_timeout)
{
	return client_ls_call(SM_CMD_ADD_LOCKSPACE, ls, flags, io_timeout);
}

SANLK_EXPORT int sanlock_add_lockspace(struct sanlk_lockspace *ls,
				       uint32_t flags)
{
	return client_ls_call(SM_CMD_ADD_LOCKSPACE, ls, flags, 0);
}

SANLK_EXPORT int sanlock_inq_lockspace(struct sanlk_lockspace *ls,
				       uint32_t flags)
{
	return client_ls_call(SM_CMD_INQ_LOCKSPACE, ls, flags, 0);
}

SANLK_EXPORT int sanlock_rem_lockspace(struct sanlk_lockspace *ls,
				       uint32_t flags)
{
	return client_ls_call(SM_CMD_REM_LOCKSPACE, ls, flags, 0);
}

/*
 * Read a counted array reply (get_lockspaces, get_hosts): header data =
 * result (0, or -ENOSPC with a truncated list), data2 = count, then count
 * elements of elem_size.  Any other negative result is returned with the
 * outputs untouched.  With want_arr 0 only the count is returned; else
 * *arr gets the malloc'ed elements.
 */
static int client_read_array(int fd, size_t elem_size, int want_arr,
			     void **arr, int *count)
{
	struct sm_header h;
	uint32_t n;
	char *buf;
	int rv;

	rv = client_recv_header(fd, &h);
	if (rv < 0)
		return rv;
	rv = (int32_t)h.data;
	if (rv < 0 && rv != -ENOSPC)
		return rv;

	n = h.data2;
	if ((uint64_t)n * elem_size > CLIENT_REPLY_MAX)
		return -1;
	*count = (int)n;
	if (!want_arr)
		return rv;

	/* malloc(0) too: callers free whatever they get (api.md §3.10) */
	buf = malloc((size_t)n * elem_size);
	if (!buf)
		return -ENOMEM;
	if (n && client_recv_all(fd, buf, (size_t)n * elem_size) < 0) {
		free(buf);
		return -1;
	}
	*arr = buf;
	return rv;
}

SANLK_EXPORT int sanlock_get_lockspaces(struct sanlk_lockspace **lss,
					int *lss_count, uint32_t flags)
{
	void *arr = NULL;
	int fd, rv;

	if (!lss_count)
		return -EINVAL;
	fd = client_open_request(SM_CMD_GET_LOCKSPACES, flags, 0, 0, NULL, 0);
	if (fd < 0)
		return fd;
	rv = client_read_array(fd, sizeof(struct sanlk_lockspace), lss != NULL,
			       &arr, lss_count);
	close(fd);
	if (lss && arr)
		*lss = arr;
	return rv;
}

SANLK_EXPORT int sanlock_get_hosts(const char *ls_name, uint64_t host_id,
				   struct sanlk_host **hss, int *hss_count,
				   uint32_t flags)
{
	struct sanlk_lockspace ls;
	struct client_piece p[1];
	void *arr = NULL;
	int fd, rv;

	if (!ls_name || !hss_count)
		return -EINVAL;
	client_ls_from_name(&ls, ls_name);
	ls.host_id = host_id;
	p[0] = (struct client_piece){ &ls, sizeof(ls) };

	fd = client_open_request(SM_CMD_GET_HOSTS, flags, 0, 0, p, 1);
	if (fd < 0)
		return fd;
	rv = client_read_array(fd, sizeof(struct sanlk_host), hss != NULL,
			       &arr, hss_count);
	close(fd);
	if (hss && arr)
		*hss = arr;
	return rv;
}

SANLK_EXPORT int sanlock_set_config(const char *ls_name, uint32_t flags,
				    uint32_t cmd, void *data)
{
	struct sanlk_lockspace ls;

	(void)data;	/* unused, as in 3.8.5 */
	if (!ls_name)
		return -EINVAL;
	client_ls_from_name(&ls, ls_name);
	return client_ls_call(SM_CMD_SET_CONFIG, &ls, flags, cmd);
}
