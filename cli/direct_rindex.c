/*
 * direct_rindex.c - `sanlock direct lookup|update|rebuild -x RINDEX
 * [-e NAME[:OFFSET]] [-z 1]` (spec/cli.md §1.9, ondisk.md §7.5): resource
 * index operations done by this process on the storage, no daemon and no
 * internal lease (as 3.8.5's direct tools).  The header is read with 4096
 * bytes (the sector size is not known yet); I/O timeout -o (default 10).
 * Prints `<action> done <rv>` and, for a successful lookup, `name <name>
 * offset <bytes>` ("-" for an empty name).
 *
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/direct_rindex.h"
#include "cli/direct_util.h"
#include "common/log.h"
#include "disk/disk.h"
#include "lease/env_disk.h"
#include "lease/rindex.h"

#define DIRECT_RX_MIB 1048576ULL

/* -e name[:offset] (cli.md §1.4.4): split at the first colon (no escapes),
 * offset decimal with an optional M suffix, as the client actions do. */
static void direct_rentry_parse(const char *arg, char name[SANLK_NAME_LEN + 1],
				uint64_t *offset)
{
	const char *colon;
	unsigned long long off;
	char *end;
	size_t len;

	memset(name, 0, SANLK_NAME_LEN + 1);
	*offset = 0;
	if (!arg)
		return;
	colon = strchr(arg, ':');
	len = colon ? (size_t)(colon - arg) : strlen(arg);
	memcpy(name, arg, len < SANLK_NAME_LEN ? len : SANLK_NAME_LEN);
	if (!colon)
		return;
	off = strtoull(colon + 1, &end, 10);
	if (*end == 'M')
		off *= DIRECT_RX_MIB;
	*offset = off;
}

/* The stderr line for the rindex codes (sanlock_strerror has no text for
 * them, as in 3.8.5). */
static void direct_rx_reason(const struct cli_args *a, int rv)
{
	const struct sanlk_rindex *rx = &a->rindex;
	unsigned long long off = rx->disk.offset;

	switch (rv) {
	case SANLK_RINDEX_MAGIC:
		log_reason("no resource index at offset %llu of %.1024s", off,
			   rx->disk.path);
		break;
	case SANLK_RINDEX_VERSION:
		log_reason("resource index at offset %llu has an unknown "
			   "version", off);
		break;
	case SANLK_RINDEX_LOCKSPACE:
		log_reason("resource index at offset %llu belongs to another "
			   "lockspace than %.48s", off, rx->lockspace_name);
		break;
	case SANLK_RINDEX_OFFSET:
		log_reason("offset not valid for the resource index at %llu "
			   "(index header offset, or a resource offset that is "
			   "not an entry slot)", off);
		break;
	case SANLK_RINDEX_DIFF:
		log_reason("the index entry at that offset has another name");
		break;
	default:
		break;
	}
}

/* The index named by -x, opened read-write (as 3.8.5).  On success the
 * caller closes ed. */
static int direct_rx_open(const struct cli_args *a, struct env_disk *ed,
			  char space[SANLK_NAME_LEN + 1],
			  struct rindex_params *p)
{
	const struct sanlk_rindex *rx = &a->rindex;
	char path[SANLK_PATH_LEN + 1];
	const char *paths[1] = { path };

	memcpy(space, rx->lockspace_name, SANLK_NAME_LEN);
	space[SANLK_NAME_LEN] = '\0';
	memcpy(path, rx->disk.path, SANLK_PATH_LEN);
	path[SANLK_PATH_LEN] = '\0';

	memset(p, 0, sizeof(*p));
	p->space_name = space;
	p->rx_offset = rx->disk.offset;
	p->probe_size = RINDEX_PROBE_SIZE;
	p->io_timeout = direct_io_timeout(a);
	return env_disk_open(ed, paths, 1, 0, NULL, NULL);
}

int direct_action_lookup(struct cli_args *a)
{
	char space[SANLK_NAME_LEN + 1], name[SANLK_NAME_LEN + 1];
	struct rindex_params p;
	struct rindex_rentry re;
	struct env_disk ed;
	uint64_t offset;
	int rv;

	direct_rentry_parse(a->rentry_arg, name, &offset);
	rv = direct_rx_open(a, &ed, space, &p);
	if (rv == 0) {
		rv = rindex_lookup(&ed.env, &p, name, offset, &re);
		env_disk_close(&ed);
	}
	direct_rx_reason(a, rv);
	(void)cli_done("lookup", rv);
	if (rv == 0)
		printf("name %s offset %llu\n", re.name[0] ? re.name : "-",
		       (unsigned long long)re.offset);
	return rv == 0 ? 0 : 1;
}

int direct_action_update(struct cli_args *a)
{
	char space[SANLK_NAME_LEN + 1], name[SANLK_NAME_LEN + 1];
	struct rindex_params p;
	struct rindex_rentry re;
	struct env_disk ed;
	uint64_t offset;
	int rv;

	direct_rentry_parse(a->rentry_arg, name, &offset);
	rv = direct_rx_open(a, &ed, space, &p);
	if (rv == 0) {
		/* -z with any value removes the entry instead of adding it */
		rv = rindex_update(&ed.env, &p, a->clear ? RINDEX_UPDATE_REM :
				   RINDEX_UPDATE_ADD, name, offset, &re);
		env_disk_close(&ed);
	}
	direct_rx_reason(a, rv);
	return cli_done("update", rv);
}

int direct_action_rebuild(struct cli_args *a)
{
	char space[SANLK_NAME_LEN + 1];
	struct rindex_params p;
	struct env_disk ed;
	uint64_t dev_size = 0;
	int rv;

	rv = direct_rx_open(a, &ed, space, &p);
	if (rv == 0) {
		/* Probing stops at the end of the device (0: unknown, then at
		 * the first read that fails). */
		if (disk_size(env_disk_handle(&ed, 0), &dev_size) < 0)
			dev_size = 0;
		rv = rindex_rebuild(&ed.env, &p, NULL, dev_size, NULL);
		env_disk_close(&ed);
	}
	direct_rx_reason(a, rv);
	return cli_done("rebuild", rv);
}
