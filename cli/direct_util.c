/*
 * direct_util.c - helpers shared by the `sanlock direct` actions (see
 * direct_util.h).  Single-threaded CLI code; no state.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/direct_util.h"
#include "disk/disk.h"
#include "sanlock.h"

uint32_t direct_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int direct_arg_sizes(const struct cli_args *a, struct ondisk_sizes *sz)
{
	if (a->align_size)
		return ondisk_sizes_from_pair(a->sector_size, a->align_size,
					      sz) < 0 ? -1 : 1;
	/* -Z with a value sanlock knows but no -A: "only one given". */
	if (a->sector_size == 512 || a->sector_size == 4096)
		return -1;
	return 0;
}

int direct_io_timeout(const struct cli_args *a)
{
	return a->io_timeout > 0 ? a->io_timeout : ONDISK_DEFAULT_IO_TIMEOUT;
}

int direct_sizes_from_record(const uint8_t *buf, int allow_rindex,
			     struct ondisk_sizes *sz)
{
	uint32_t magic = direct_le32(buf);

	if (magic == DELTA_DISK_MAGIC || magic == PAXOS_DISK_MAGIC) {
		struct ondisk_leader lr;

		ondisk_leader_decode(buf, &lr);
		return ondisk_sizes_from_leader(lr.sector_size, lr.flags, sz) < 0 ?
		       -1 : 0;
	}
	if (allow_rindex && magic == RINDEX_DISK_MAGIC) {
		struct ondisk_rindex_header rh;
		uint32_t align;

		ondisk_rindex_header_decode(buf, &rh);
		align = ondisk_align_from_rhf(rh.flags);
		if (!align)
			return ondisk_sizes_default(rh.sector_size, sz) < 0 ? -1 : 0;
		return ondisk_sizes_from_pair(rh.sector_size, align, sz) < 0 ?
		       -1 : 0;
	}
	return -1;
}

/* Read len bytes at off into a fresh zeroed buffer (*bufp, caller frees
 * with disk_buf_free even on error). */
static int direct_read_buf(struct disk_handle *h, uint64_t off, size_t len,
			   int timeout, uint8_t **bufp)
{
	uint8_t *buf = disk_buf_alloc(len);

	*bufp = buf;
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, len);
	return disk_read(h, off, buf, len, timeout);
}

static void direct_name(char dst[ONDISK_NAME_LEN + 1], const char *src)
{
	memcpy(dst, src, ONDISK_NAME_LEN);
	dst[ONDISK_NAME_LEN] = '\0';
}

static int direct_read_ls_leader(const struct cli_args *a,
				 struct direct_leader *out)
{
	const struct sanlk_lockspace *ls = &a->lockspace;
	const char *path = ls->host_id_disk.path;
	uint64_t off = ls->host_id_disk.offset, host_id = ls->host_id;
	char name[ONDISK_NAME_LEN + 1];
	int timeout = direct_io_timeout(a);
	struct ondisk_sizes sz;
	uint8_t *buf = NULL;
	int have, rv;

	out->is_lockspace = 1;
	if (!path[0])
		return -1;
	if (host_id == 0)
		return -EINVAL;
	have = direct_arg_sizes(a, &sz) == 1;
	if (disk_open(path, 0, &out->disk) < 0) {
		out->disk = NULL;
		return -ENODEV;
	}
	if (!have) {
		rv = direct_read_buf(out->disk, off, DIRECT_PROBE_BYTES,
				     timeout, &buf);
		if (rv == 0 && direct_sizes_from_record(buf, 0, &sz) < 0)
			rv = -1;
		disk_buf_free(buf);
		if (rv < 0)
			return rv;
	}
	out->sz = sz;
	out->have_sizes = 1;
	if ((host_id - 1) > (UINT64_MAX - off) / sz.sector_size)
		return -EINVAL;
	out->offset = ondisk_delta_offset(off, host_id, sz.sector_size);

	rv = direct_read_buf(out->disk, out->offset, sz.sector_size, timeout,
			     &buf);
	if (rv == 0) {
		ondisk_leader_decode(buf, &out->lr);
		out->read_ok = 1;
	}
	disk_buf_free(buf);
	if (rv < 0)
		return rv;
	direct_name(name, ls->name);
	return ondisk_delta_verify(&out->lr, name);
}

static int direct_read_res_leader(const struct cli_args *a,
				  struct direct_leader *out)
{
	const struct sanlk_resource *res = a->res_args[0];
	char ls_name[ONDISK_NAME_LEN + 1], res_name[ONDISK_NAME_LEN + 1];
	struct ondisk_sizes sz;
	uint8_t *buf = NULL;
	int rv;

	assert(res);
	out->is_lockspace = 0;
	if (res->num_disks == 0)
		return -ENODEV;
	rv = disk_open(res->disks[0].path, 0, &out->disk);
	if (rv < 0) {
		out->disk = NULL;
		return rv;
	}
	out->offset = res->disks[0].offset;
	rv = direct_read_buf(out->disk, out->offset, DIRECT_PROBE_BYTES,
			     direct_io_timeout(a), &buf);
	if (rv == 0) {
		ondisk_leader_decode(buf, &out->lr);
		out->read_ok = 1;
		if (direct_arg_sizes(a, &sz) == 1 ||
		    ondisk_sizes_from_leader(out->lr.sector_size,
					     out->lr.flags, &sz) == 0) {
			out->sz = sz;
			out->have_sizes = 1;
		}
	}
	disk_buf_free(buf);
	if (rv < 0)
		return rv;
	direct_name(ls_name, res->lockspace_name);
	direct_name(res_name, res->name);
	return ondisk_paxos_verify(&out->lr, ls_name, res_name, 0);
}

int direct_read_leader(const struct cli_args *a, struct direct_leader *out)
{
	memset(out, 0, sizeof(*out));
	if (a->lockspace_set)
		return direct_read_ls_leader(a, out);
	if (a->res_count > 0)
		return direct_read_res_leader(a, out);
	return -1;
}

void direct_leader_close(struct direct_leader *dl)
{
	if (dl->disk)
		disk_close(dl->disk);
	dl->disk = NULL;
}

void direct_print_leader(const struct ondisk_leader *lr, int is_lockspace)
{
	printf("magic 0x%x\n", lr->magic);
	printf("version 0x%x\n", lr->version);
	printf("flags 0x%x\n", lr->flags);
	printf("sector_size %u\n", lr->sector_size);
	printf("num_hosts %llu\n", (unsigned long long)lr->num_hosts);
	printf("max_hosts %llu\n", (unsigned long long)lr->max_hosts);
	printf("owner_id %llu\n", (unsigned long long)lr->owner_id);
	printf("owner_generation %llu\n", (unsigned long long)lr->owner_generation);
	printf("lver %llu\n", (unsigned long long)lr->lver);
	printf("space_name %.48s\n", lr->space_name);
	printf("resource_name %.48s\n", lr->resource_name);
	printf("timestamp %llu\n", (unsigned long long)lr->timestamp);
	printf("checksum 0x%x\n", lr->checksum);
	printf("io_timeout %u\n", lr->io_timeout);
	if (is_lockspace) {
		printf("extra1 %llu\n", (unsigned long long)lr->write_id);
		printf("extra2 %llu\n", (unsigned long long)lr->write_generation);
		printf("extra3 %llu\n", (unsigned long long)lr->write_timestamp);
	} else {
		printf("write_id %llu\n", (unsigned long long)lr->write_id);
		printf("write_generation %llu\n",
		       (unsigned long long)lr->write_generation);
		printf("write_timestamp %llu\n",
		       (unsigned long long)lr->write_timestamp);
	}
}

static uint64_t direct_number(const char *f, size_t len)
{
	char buf[64];
	uint64_t v;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, f, len);
	buf[len] = '\0';
	v = strtoull(buf, NULL, 10);
	if (memchr(buf, 'M', len))
		v *= 1048576ULL;
	return v;
}

void direct_parse_location(const char *arg, struct direct_location *loc)
{
	char raw[SANLK_PATH_LEN];
	const char *f;
	size_t len;

	memset(loc, 0, sizeof(*loc));
	if (cli_field(arg, 0, &f, &len)) {
		if (len >= sizeof(raw))
			len = sizeof(raw) - 1;
		memcpy(raw, f, len);
		raw[len] = '\0';
		sanlock_path_import(loc->path, raw, sizeof(loc->path));
		loc->path[sizeof(loc->path) - 1] = '\0';
	}
	if (cli_field(arg, 1, &f, &len))
		loc->offset = direct_number(f, len);
	if (cli_field(arg, 2, &f, &len))
		loc->size = direct_number(f, len);
}
