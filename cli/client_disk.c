/*
 * client_disk.c - disk actions done by the daemon for `sanlock client`:
 * align, init/write (cli.md §1.8) and read (§3.7).
 *
 * Single-threaded.  init/read set the -Z/-A size flags on the parsed
 * lockspace or resource before sending.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_actions.h"
#include "sanlock_admin.h"
#include "sanlock_resource.h"

/* `client init -s` passes 10 when no io timeout was given. */
#define CLI_DEFAULT_IO_TIMEOUT 10

int cli_client_align(struct cli_args *a)
{
	int rv;

	printf("align\n");
	rv = sanlock_align(&a->lockspace.host_id_disk);
	(void)cli_done("align", rv);
	/* the result is the alignment: exit 1 on success (cli.md §1.5) */
	return cli_exit_status(rv);
}

int cli_client_init(struct cli_args *a)
{
	uint32_t size_flags = cli_size_flags(a);
	int io_timeout = a->io_timeout ? a->io_timeout : CLI_DEFAULT_IO_TIMEOUT;
	struct sanlk_resource *res;
	int rv;

	printf("init\n");
	if (a->lockspace_set) {
		a->lockspace.flags |= size_flags;
		rv = sanlock_write_lockspace(&a->lockspace, a->max_hosts, 0,
					     (uint32_t)io_timeout);
	} else if (a->res_count) {
		res = a->res_args[0];
		res->flags |= size_flags;
		rv = sanlock_write_resource(res, a->max_hosts, a->num_hosts,
					    a->clear ? SANLK_WRITE_CLEAR : 0);
	} else {
		rv = -EINVAL;
	}
	(void)cli_done("init", rv);
	return cli_exit_status(rv);
}

static int cli_flags_sector_size(uint32_t flags)
{
	if (flags & SANLK_RES_SECTOR512)
		return 512;
	if (flags & SANLK_RES_SECTOR4K)
		return 4096;
	return 0;
}

static int cli_flags_align_size(uint32_t flags)
{
	if (flags & SANLK_RES_ALIGN1M)
		return 1048576;
	if (flags & SANLK_RES_ALIGN2M)
		return 2097152;
	if (flags & SANLK_RES_ALIGN4M)
		return 4194304;
	if (flags & SANLK_RES_ALIGN8M)
		return 8388608;
	return 0;
}

static int cli_read_lockspace(struct cli_args *a)
{
	struct sanlk_lockspace *ls = &a->lockspace;
	uint32_t io_timeout = 0;
	int rv;

	ls->flags |= cli_size_flags(a);
	rv = sanlock_read_lockspace(ls, 0, &io_timeout);
	if (rv < 0) {
		printf("read error %d\n", rv);
		return 1;
	}
	/* the raw path, unlike status (cli.md §1.4.6) */
	printf("s %.48s:%llu:%.1024s:%llu\n", ls->name,
	       (unsigned long long)ls->host_id, ls->host_id_disk.path,
	       (unsigned long long)ls->host_id_disk.offset);
	if (a->debug) {
		printf("io_timeout %u\n", io_timeout);
		printf("sector_size %d\n", cli_flags_sector_size(ls->flags));
		printf("align_size %d\n", cli_flags_align_size(ls->flags));
	}
	return cli_exit_status(rv);
}

static void cli_read_owners_print(const struct sanlk_host *hss, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		if (hss[i].timestamp)
			printf("h %llu gen %llu timestamp %llu\n",
			       (unsigned long long)hss[i].host_id,
			       (unsigned long long)hss[i].generation,
			       (unsigned long long)hss[i].timestamp);
		else
			printf("h %llu gen %llu\n",
			       (unsigned long long)hss[i].host_id,
			       (unsigned long long)hss[i].generation);
	}
}

static int cli_read_resource(struct cli_args *a)
{
	struct sanlk_resource *res = a->res_args[0];
	struct sanlk_host *hss = NULL;
	char *str = NULL;
	int count = 0, rv;

	res->flags |= cli_size_flags(a);
	if (a->get_hosts)
		rv = sanlock_read_resource_owners(res, 0, &hss, &count);
	else
		rv = sanlock_read_resource(res, 0);
	if (rv < 0) {
		printf("read error %d\n", rv);
		free(hss);
		return 1;
	}

	if (sanlock_res_to_str(res, &str) == 0)
		printf("r %s\n", str);
	free(str);
	if (a->debug) {
		printf("sector_size %d\n", cli_flags_sector_size(res->flags));
		printf("align_size %d\n", cli_flags_align_size(res->flags));
	}
	if (a->get_hosts)
		cli_read_owners_print(hss, count);
	free(hss);
	return cli_exit_status(rv);
}

int cli_client_read(struct cli_args *a)
{
	if (a->lockspace_set)
		return cli_read_lockspace(a);
	if (a->res_count)
		return cli_read_resource(a);
	printf("read error %d\n", -EINVAL);
	return 1;
}
