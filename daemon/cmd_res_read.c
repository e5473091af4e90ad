/*
 * cmd_res_read.c - reading leases through the daemon (api.md §4.4,
 * cli.md §3.7): READ_LOCKSPACE (20), READ_RESOURCE (21) and
 * READ_RESOURCE_OWNERS (24).  No lockspace needs to be joined; sizes come
 * from the ALIGN/SECTOR flags when given, else from the device and the
 * record found there.  Worker threads; no state of their own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/res.h"
#include "daemon/res_internal.h"
#include "disk/disk.h"

#define CMD_RES_SIZE_FLAGS 0x3F0u  /* SANLK_RES_ALIGN* | SANLK_RES_SECTOR* */

/* Open the disks of a wire resource and set up a read-only paxos lease.
 * *given = 1 when the flags named the sizes. */
static int cmd_res_read_setup(const struct sanlk_resource *in,
			      const struct sanlk_disk *disks,
			      struct env_disk *ed, struct paxos_lease *pl,
			      int *given)
{
	const struct daemon_cfg *cfg = daemon_cfg();
	struct paxos_lease_params p;
	char space[SANLK_NAME_LEN + 1], name[SANLK_NAME_LEN + 1];
	uint32_t ss = 0, d;
	int rv;

	rv = res_disk_open_ro(ed, in, disks);
	if (rv < 0)
		return rv;
	memset(&p, 0, sizeof(p));
	res_name_str(space, in->lockspace_name);
	res_name_str(name, in->name);
	p.space_name = space;        /* "" accepts any name (host_id 0) */
	p.res_name = name;
	p.num_disks = (int)in->num_disks;
	for (d = 0; d < in->num_disks; d++)
		p.offsets[d] = disks[d].offset;
	rv = ondisk_sizes_from_api_flags(in->flags, &p.sizes);
	if (rv < 0)
		goto fail;
	*given = rv;
	if (!rv) {
		rv = disk_sector_size(env_disk_handle(ed, 0), &ss);
		if (rv == 0)
			rv = ondisk_sizes_default(ss, &p.sizes);
		if (rv < 0)
			goto fail;
	}
	p.host_id = 0;
	p.io_timeout = (uint32_t)cfg->io_timeout;
	p.fire_timeout = (uint32_t)cfg->watchdog_fire_timeout;
	rv = paxos_lease_setup(pl, &p);
	if (rv == 0)
		rv = res_disk_check_size(ed, p.offsets, p.num_disks,
					 p.sizes.align_size);
	if (rv == 0)
		return 0;
fail:
	res_env_close_async(ed, DISK_OPEN_RDONLY);
	return rv < 0 ? rv : -EINVAL;
}

void cmd_res_read_resource(struct job *j)
{
	struct sanlk_resource in, out;
	const struct sanlk_disk *disks = (const void *)(j->req.payload + sizeof(in));
	struct ondisk_leader leader;
	struct paxos_lease pl;
	struct env_disk ed;
	struct sm_header h;
	int rv, given = 0;

	memcpy(&in, j->req.payload, sizeof(in));
	out = in;
	rv = cmd_res_read_setup(&in, disks, &ed, &pl, &given);
	if (rv == 0) {
		rv = paxos_lease_read(&ed.env, &pl, &leader, NULL);
		res_env_close_async(&ed, DISK_OPEN_RDONLY);
	}
	if (rv == 0) {
		memcpy(out.lockspace_name, leader.space_name, SANLK_NAME_LEN);
		memcpy(out.name, leader.resource_name, SANLK_NAME_LEN);
		out.lver = leader.lver;
		out.flags = (in.flags & ~CMD_RES_SIZE_FLAGS) |
			    ondisk_api_flags(&pl.sizes);
	}
	log_debug("cmd_read_resource %d,%d %.48s:%.48s result %d", j->ci,
		  j->fd, out.lockspace_name, out.name, rv);
	/* The resource header follows even on error (api.md §4.11). */
	reply_hdr(&h, &j->req.h, rv, 0, sizeof(out));
	if (reply_put(&j->rep, &h, sizeof(h)) == 0)
		reply_put(&j->rep, &out, sizeof(out));
}

void cmd_res_read_owners(struct job *j)
{
	struct sanlk_resource in, out;
	const struct sanlk_disk *disks = (const void *)(j->req.payload + sizeof(in));
	struct ondisk_leader leader;
	struct paxos_owner *owners = NULL;
	struct paxos_lease pl;
	struct env_disk ed;
	struct sm_header h;
	uint32_t count = 0, i;
	int rv, given = 0;

	memcpy(&in, j->req.payload, sizeof(in));
	out = in;
	rv = cmd_res_read_setup(&in, disks, &ed, &pl, &given);
	if (rv == 0) {
		struct ondisk_sizes want = pl.sizes;

		owners = calloc(PAXOS_MAX_OWNERS, sizeof(*owners));
		rv = owners ? paxos_read_owners(&ed.env, &pl, &leader, owners,
						PAXOS_MAX_OWNERS, &count) : -ENOMEM;
		res_env_close_async(&ed, DISK_OPEN_RDONLY);
		/* 3.8.5 (observed): no lease at the location (bad or cleared
		 * magic) answers -EINVAL here, not SANLK_LEADER_MAGIC. */
		if (rv == SANLK_LEADER_MAGIC)
			rv = -EINVAL;
		/* Unlike READ_RESOURCE, both names must be given and match
		 * (3.8.5, observed: an empty name fails -226 / -227). */
		if (rv == 0 && strncmp(leader.space_name, in.lockspace_name,
				       SANLK_NAME_LEN))
			rv = SANLK_LEADER_LOCKSPACE;
		else if (rv == 0 && strncmp(leader.resource_name, in.name,
					    SANLK_NAME_LEN))
			rv = SANLK_LEADER_RESOURCE;
		/* Sizes named by the caller must be the lease's (§4.4). */
		if (rv == 0 && given &&
		    (want.sector_size != pl.sizes.sector_size ||
		     want.align_size != pl.sizes.align_size))
			rv = -EINVAL;
	}
	if (rv < 0)
		count = 0;
	if (rv == 0) {
		out.lver = leader.lver;
		for (i = 0; i < count; i++)
			if (owners[i].shared)
				out.flags |= SANLK_RES_SHARED;
	}
	log_debug("cmd_read_resource_owners %d,%d %.48s:%.48s result %d "
		  "count %u", j->ci, j->fd, in.lockspace_name, in.name, rv,
		  count);
	reply_hdr(&h, &j->req.h, rv, count,
		  (uint32_t)(sizeof(out) + count * sizeof(struct sanlk_host)));
	if (reply_put(&j->rep, &h, sizeof(h)) == 0 &&
	    reply_put(&j->rep, &out, sizeof(out)) == 0) {
		for (i = 0; i < count; i++) {
			struct sanlk_host hs;

			memset(&hs, 0, sizeof(hs));
			hs.host_id = owners[i].host_id;
			hs.generation = owners[i].generation;
			hs.timestamp = owners[i].timestamp;
			if (reply_put(&j->rep, &hs, sizeof(hs)) < 0)
				break;
		}
	}
	free(owners);
}

/* READ_LOCKSPACE: the delta lease of host_id (1 if 0) at the location. */
static int cmd_res_read_ls(struct sanlk_lockspace *ls, uint32_t *io_timeout)
{
	struct disk_handle *d = NULL;
	struct ondisk_leader lr;
	struct ondisk_sizes sz;
	char name[SANLK_NAME_LEN + 1];
	uint64_t host_id = ls->host_id ? ls->host_id : 1;
	uint32_t ss = 0;
	void *buf = NULL;
	int rv, given;

	if (!ls->host_id_disk.path[0] ||
	    !memchr(ls->host_id_disk.path, '\0', SANLK_PATH_LEN))
		return -EINVAL;
	rv = res_pool_get(ls->host_id_disk.path, DISK_OPEN_RDONLY, &d);
	if (rv < 0)
		return -ENODEV;
	given = ondisk_sizes_from_api_flags(ls->flags, &sz);
	if (given < 0) {
		rv = -EINVAL;
		goto out;
	}
	if (!given) {
		/* The first record names the lockspace's sizes. */
		rv = disk_sector_size(d, &ss);
		if (rv < 0)
			goto out;
		buf = disk_buf_alloc(ss);
		rv = buf ? disk_read(d, ls->host_id_disk.offset, buf, ss,
				     daemon_cfg()->io_timeout) : -ENOMEM;
		if (rv < 0)
			goto out;
		ondisk_leader_decode(buf, &lr);
		res_name_str(name, ls->name);
		rv = ondisk_delta_verify(&lr, name[0] ? name : NULL);
		if (rv < 0)
			goto out;
		rv = ondisk_sizes_from_leader(lr.sector_size, lr.flags, &sz);
		if (rv < 0) {
			rv = SANLK_LEADER_SECTORSIZE;
			goto out;
		}
		disk_buf_free(buf);
		buf = NULL;
	}
	if (host_id > sz.max_hosts) {
		rv = SANLK_ADDLS_INVALID_HOSTID;
		goto out;
	}
	buf = disk_buf_alloc(sz.sector_size);
	rv = buf ? disk_read(d, ondisk_delta_offset(ls->host_id_disk.offset,
						    host_id, sz.sector_size),
			     buf, sz.sector_size, daemon_cfg()->io_timeout)
		 : -ENOMEM;
	if (rv < 0)
		goto out;
	ondisk_leader_decode(buf, &lr);
	res_name_str(name, ls->name);
	rv = ondisk_delta_verify(&lr, name[0] ? name : NULL);
	if (rv < 0)
		goto out;
	memcpy(ls->name, lr.space_name, SANLK_NAME_LEN);
	ls->host_id = host_id;
	ls->flags = (ls->flags & ~CMD_RES_SIZE_FLAGS) | ondisk_api_flags(&sz);
	*io_timeout = lr.io_timeout;
out:
	if (buf)
		disk_buf_free(buf);
	res_pool_put(d, DISK_OPEN_RDONLY);
	return rv;
}

void cmd_res_read_lockspace(struct job *j)
{
	struct sanlk_lockspace ls;
	struct sm_header h;
	uint32_t io_timeout = 0;
	int rv;

	memcpy(&ls, j->req.payload, sizeof(ls));
	rv = cmd_res_read_ls(&ls, &io_timeout);
	log_debug("cmd_read_lockspace %d,%d %.48s result %d", j->ci, j->fd,
		  ls.name, rv);
	reply_hdr(&h, &j->req.h, rv, rv < 0 ? 0 : io_timeout, sizeof(ls));
	if (reply_put(&j->rep, &h, sizeof(h)) == 0)
		reply_put(&j->rep, &ls, sizeof(ls));
}
