/*
 * direct_write_leader.c - `sanlock direct write_leader (-s LOCKSPACE |
 * -r RESOURCE) -F FILE [-f 1]` (spec/cli.md §3.10, ondisk.md Appendix B):
 * read the current leader, override fields from FILE's "<field> <value>"
 * lines, write the record back as one whole sector (rest of the sector
 * zero), print the result and the record written.
 *
 * Value syntax as 3.8.5 reads it: magic/version/flags/checksum must be
 * written "0x<hex>" (anything else leaves the field alone); the other
 * numbers are decimal (junk after the digits ignored); names keep their
 * first 48 bytes.  With -f non-zero a delta lease is written with the
 * checksum from FILE (0 when FILE has none); a paxos leader always gets the
 * computed one.  Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli/cli.h"
#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "disk/disk.h"

#define WL_LINE_MAX   1024     /* longer lines are read in pieces */
#define WL_MAX_LINES  100000   /* bound on lines read from FILE */

struct wl_state {
	struct ondisk_leader lr;
	uint32_t checksum;           /* from FILE, used with -f */
	int is_lockspace;
};

static int wl_hex(const char *v, uint32_t *out)
{
	unsigned int x;

	if (sscanf(v, "0x%x", &x) != 1)
		return 0;
	*out = x;
	return 1;
}

/* strncpy(dst, v, 48): at most 48 bytes, zero-filled. */
static void wl_name(char dst[ONDISK_NAME_LEN], const char *v)
{
	size_t n = strnlen(v, ONDISK_NAME_LEN);

	memcpy(dst, v, n);
	memset(dst + n, 0, ONDISK_NAME_LEN - n);
}

static uint64_t wl_dec(const char *v)
{
	return strtoull(v, NULL, 10);
}

/* Apply one field; 0 if the field is unknown (for this lease type). */
static int wl_field(struct wl_state *st, const char *f, const char *v)
{
	struct ondisk_leader *lr = &st->lr;
	uint32_t x;

	if (!strcmp(f, "magic")) {
		if (wl_hex(v, &x))
			lr->magic = x;
	} else if (!strcmp(f, "version")) {
		if (wl_hex(v, &x))
			lr->version = x;
	} else if (!strcmp(f, "flags")) {
		if (wl_hex(v, &x))
			lr->flags = x;
	} else if (!strcmp(f, "checksum")) {
		if (wl_hex(v, &x))
			st->checksum = x;
	} else if (!strcmp(f, "sector_size")) {
		lr->sector_size = (uint32_t)wl_dec(v);
	} else if (!strcmp(f, "num_hosts")) {
		lr->num_hosts = wl_dec(v);
	} else if (!strcmp(f, "max_hosts")) {
		lr->max_hosts = wl_dec(v);
	} else if (!strcmp(f, "owner_id")) {
		lr->owner_id = wl_dec(v);
	} else if (!strcmp(f, "owner_generation")) {
		lr->owner_generation = wl_dec(v);
	} else if (!strcmp(f, "lver")) {
		lr->lver = wl_dec(v);
	} else if (!strcmp(f, "space_name")) {
		wl_name(lr->space_name, v);
	} else if (!strcmp(f, "resource_name")) {
		wl_name(lr->resource_name, v);
	} else if (!strcmp(f, "timestamp")) {
		lr->timestamp = wl_dec(v);
	} else if (!strcmp(f, "io_timeout")) {
		lr->io_timeout = (uint16_t)wl_dec(v);
	} else if (st->is_lockspace && !strcmp(f, "extra1")) {
		lr->write_id = wl_dec(v);
	} else if (st->is_lockspace && !strcmp(f, "extra2")) {
		lr->write_generation = wl_dec(v);
	} else if (st->is_lockspace && !strcmp(f, "extra3")) {
		lr->write_timestamp = wl_dec(v);
	} else if (!st->is_lockspace && !strcmp(f, "write_id")) {
		lr->write_id = wl_dec(v);
	} else if (!st->is_lockspace && !strcmp(f, "write_generation")) {
		lr->write_generation = wl_dec(v);
	} else if (!st->is_lockspace && !strcmp(f, "write_timestamp")) {
		lr->write_timestamp = wl_dec(v);
	} else {
		return 0;
	}
	return 1;
}

static void wl_apply_file(struct wl_state *st, FILE *f)
{
	char line[WL_LINE_MAX], field[WL_LINE_MAX], value[WL_LINE_MAX];
	int n;

	for (n = 0; n < WL_MAX_LINES && fgets(line, sizeof(line), f); n++) {
		if (sscanf(line, "%1023s %1023s", field, value) != 2) {
			printf("ignore line: \"%s\"\n", line);
			continue;
		}
		if (!wl_field(st, field, value))
			printf("ignore field: \"%s\"\n", field);
	}
}

static void wl_syslog(const struct cli_args *a)
{
	openlog("sanlock-direct", LOG_PID, LOG_DAEMON);
	if (a->lockspace_set)
		syslog(LOG_WARNING, "write_leader lockspace %.48s:%llu:%s:%llu",
		       a->lockspace.name,
		       (unsigned long long)a->lockspace.host_id,
		       a->lockspace.host_id_disk.path,
		       (unsigned long long)a->lockspace.host_id_disk.offset);
	else if (a->res_count > 0)
		syslog(LOG_WARNING, "write_leader resource %.48s:%.48s",
		       a->res_args[0]->lockspace_name, a->res_args[0]->name);
	closelog();
}

/*
 * Write lr at dl->offset as one sector of lr->sector_size bytes (the value
 * after FILE's overrides, as 3.8.5 does: "sector_size 4096" on a 512-byte
 * lease rewrites 4096 bytes; anything but 512/4096 is -EINVAL).
 */
static int wl_write(const struct cli_args *a, struct direct_leader *dl,
		    const struct ondisk_leader *lr)
{
	uint32_t ss = lr->sector_size;
	uint8_t *buf;
	int rv;

	if (ss != 512 && ss != 4096)
		return -EINVAL;
	buf = disk_buf_alloc(ss);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0, ss);
	ondisk_leader_encode(lr, buf);
	rv = disk_write(dl->disk, dl->offset, buf, ss, direct_io_timeout(a));
	disk_buf_free(buf);
	return rv;
}

int direct_action_write_leader(struct cli_args *a)
{
	struct direct_leader dl;
	struct wl_state st;
	uint32_t generated;
	FILE *f;
	int rv, have_target = a->lockspace_set || a->res_count > 0;

	if (!a->leader_file) {
		printf("open error %d %s\n", EFAULT, "(null)");
		return 1;
	}
	f = fopen(a->leader_file, "r");
	if (!f) {
		printf("open error %d %s\n", errno, a->leader_file);
		return 1;
	}

	/* The current record (zeros if it cannot be read); the read's own
	 * verification result does not matter here. */
	rv = direct_read_leader(a, &dl);

	memset(&st, 0, sizeof(st));
	st.lr = dl.lr;
	st.is_lockspace = a->lockspace_set || !have_target;
	wl_apply_file(&st, f);
	fclose(f);

	generated = ondisk_leader_checksum(&st.lr);
	if (a->force_mode)
		printf("warning: using specified checksum %x (generated is %x)\n",
		       st.checksum, generated);
	else
		printf("use new generated checksum %x\n", generated);
	st.lr.checksum = (a->force_mode && st.is_lockspace) ? st.checksum :
			 generated;

	if (!have_target) {
		rv = -1;
	} else if (!dl.disk) {
		/* nothing opened: report why (host_id 0, open error, ...) */
		if (rv == 0)
			rv = -EINVAL;
	} else if (dl.is_lockspace && !dl.have_sizes) {
		rv = -EINVAL;	/* no sector size to find host_id's sector */
	} else if (!dl.read_ok) {
		/* the I/O error of the read stands; nothing is written */
	} else {
		wl_syslog(a);
		rv = wl_write(a, &dl, &st.lr);
	}
	direct_leader_close(&dl);

	(void)cli_done("write_leader", rv);
	if (rv == 0)
		direct_print_leader(&st.lr, st.is_lockspace);
	return rv == 0 ? 0 : 1;
}
