/*
 * cmd_disk.c - requests that work on storage directly, in a worker
 * thread (api.md §4.4): ALIGN, WRITE_LOCKSPACE, WRITE_RESOURCE.  The
 * writes go through lib/direct.h, the same checked sequences as `sanlock
 * direct init` (nothing is written unless every check passed).  No state.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "common/log.h"
#include "daemon/cmd.h"
#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "disk/disk.h"
#include "lib/direct.h"
#include "ondisk/ondisk.h"
#include "sanlock_admin.h"

void cmd_align(struct job *j)
{
	struct sanlk_disk disk;
	struct disk_handle *d = NULL;
	uint32_t ss = 0;
	int rv;

	memcpy(&disk, j->req.payload, sizeof(disk));
	if (dispatch_debug_cmd(SM_CMD_ALIGN))
		log_debug("cmd_align %d,%d", j->ci, j->fd);

	if (!disk.path[0] || !req_path_terminated(disk.path)) {
		rv = -ENODEV;
		goto out;
	}
	rv = disk_open(disk.path, DISK_OPEN_RDONLY, &d);
	if (rv < 0) {
		log_error("cmd_align %d,%d open %.1023s error %d", j->ci, j->fd,
			  disk.path, rv);
		rv = -ENODEV;
		goto out;
	}
	rv = disk_sector_size(d, &ss);
	disk_close(d);
	if (rv < 0) {
		rv = -ENODEV;
		goto out;
	}
	/* The default alignment for the storage (api.md §4.4). */
	if (ss == 512)
		rv = (int)ONDISK_ALIGN_1M;
	else if (ss == 4096)
		rv = (int)ONDISK_ALIGN_8M;
	else
		rv = -EINVAL;
out:
	if (dispatch_debug_cmd(SM_CMD_ALIGN))
		log_debug("cmd_align %d,%d done %d", j->ci, j->fd, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

/* Sizes from API ALIGN/SECTOR flags: 1 given (sz filled), 0 not given,
 * -1 bad combination (3.8.5's result for it). */
static int cmd_sizes(uint32_t flags, struct ondisk_sizes *sz)
{
	int rv = ondisk_sizes_from_api_flags(flags, sz);

	return rv < 0 ? -1 : rv;
}

void cmd_write_lockspace(struct job *j)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	struct sanlk_lockspace ls;
	struct ondisk_sizes sz;
	char name[SANLK_NAME_LEN + 1];
	int have, rv, failed_open = 0;
	uint16_t io_timeout;

	memcpy(&ls, j->req.payload, sizeof(ls));
	cmd_name_str(name, ls.name);
	if (dispatch_debug_cmd(SM_CMD_WRITE_LOCKSPACE))
		log_debug("cmd_write_lockspace %d,%d %s:%" PRIu64 ":%.1023s:%"
			  PRIu64 " 0x%x", j->ci, j->fd, name, ls.host_id,
			  ls.host_id_disk.path, ls.host_id_disk.offset,
			  ls.flags);

	if (!req_path_terminated(ls.host_id_disk.path) ||
	    !ls.host_id_disk.path[0]) {
		rv = -EINVAL;
		goto out;
	}
	have = cmd_sizes(ls.flags, &sz);
	if (have < 0) {
		rv = have;
		goto out;
	}
	/* data2 = io_timeout stored in every record; 0 means 10.  data
	 * (max_hosts) is ignored: capacity comes from the sizes. */
	io_timeout = (uint16_t)(j->req.h.data2 ? j->req.h.data2 :
				ONDISK_DEFAULT_IO_TIMEOUT);
	rv = direct_write_lockspace(&ls.host_id_disk, name, have ? &sz : NULL,
				    io_timeout, cfg->write_init_io_timeout,
				    &failed_open);
	if (rv < 0 && failed_open) {
		log_error("cmd_write_lockspace %d,%d open error %d %.1023s",
			  j->ci, j->fd, rv, ls.host_id_disk.path);
		rv = -ENODEV;
	}
out:
	if (dispatch_debug_cmd(SM_CMD_WRITE_LOCKSPACE))
		log_debug("cmd_write_lockspace %d,%d done %d", j->ci, j->fd, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}

void cmd_write_resource(struct job *j)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	const struct sanlk_resource *res = (const void *)j->req.payload;
	struct ondisk_sizes sz;
	int have, rv;

	if (dispatch_debug_cmd(SM_CMD_WRITE_RESOURCE))
		log_debug("cmd_write_resource %d,%d %.48s:%.48s num_disks %u "
			  "flags 0x%x", j->ci, j->fd, res->lockspace_name,
			  res->name, res->num_disks, res->flags);

	/* The payload is exactly 128 + num_disks * 1040 (request.c). */
	if (res->num_disks < 1 || res->num_disks > SANLK_MAX_DISKS) {
		rv = -EINVAL;
		goto out;
	}
	for (uint32_t d = 0; d < res->num_disks; d++) {
		if (!req_path_terminated(res->disks[d].path) ||
		    !res->disks[d].path[0]) {
			rv = -EINVAL;
			goto out;
		}
	}
	have = cmd_sizes(res->flags, &sz);
	if (have < 0) {
		rv = have;
		goto out;
	}
	/* Wire quirk kept from 3.8.5: num_hosts comes from `data` (the
	 * library's max_hosts argument); 0 or too many = max_hosts. */
	rv = direct_write_resource(res, have ? &sz : NULL, j->req.h.data,
				   (j->req.h.cmd_flags & SANLK_WRITE_CLEAR) != 0,
				   cfg->write_init_io_timeout, NULL);
out:
	if (dispatch_debug_cmd(SM_CMD_WRITE_RESOURCE))
		log_debug("cmd_write_resource %d,%d done %d", j->ci, j->fd, rv);
	reply_put_result(&j->rep, &j->req.h, rv, 0);
}
