/*
 * client_lockspace.c - lockspace actions of `sanlock client`:
 * add_lockspace, inq_lockspace, rem_lockspace, set_event, set_config
 * (cli.md §1.8).
 *
 * Single-threaded; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_actions.h"
#include "sanlock_admin.h"

/* The io timeout that needs no add_lockspace_timeout (cli.md §1.8). */
#define CLI_DEFAULT_IO_TIMEOUT 10

int cli_client_add_lockspace(struct cli_args *a)
{
	int io_timeout = a->io_timeout ? a->io_timeout : CLI_DEFAULT_IO_TIMEOUT;
	int rv;

	if (io_timeout != CLI_DEFAULT_IO_TIMEOUT) {
		printf("add_lockspace_timeout %d\n", io_timeout);
		rv = sanlock_add_lockspace_timeout(&a->lockspace, 0,
						   (uint32_t)io_timeout);
		(void)cli_done("add_lockspace_timeout", rv);
	} else {
		printf("add_lockspace\n");
		rv = sanlock_add_lockspace(&a->lockspace, 0);
		(void)cli_done("add_lockspace", rv);
	}
	return cli_exit_status(rv);
}

int cli_client_inq_lockspace(struct cli_args *a)
{
	int rv;

	printf("inq_lockspace\n");
	rv = sanlock_inq_lockspace(&a->lockspace, 0);
	(void)cli_done("inq_lockspace", rv);
	return cli_exit_status(rv);
}

int cli_client_rem_lockspace(struct cli_args *a)
{
	int rv;

	printf("rem_lockspace\n");
	rv = sanlock_rem_lockspace(&a->lockspace, 0);
	(void)cli_done("rem_lockspace", rv);
	return cli_exit_status(rv);
}

/* The lockspace name as a C string (the field may use all 48 bytes). */
static void cli_ls_name(char *dst, const struct cli_args *a)
{
	memset(dst, 0, SANLK_NAME_LEN + 1);
	memcpy(dst, a->lockspace.name, SANLK_NAME_LEN);
}

int cli_client_set_event(struct cli_args *a)
{
	char name[SANLK_NAME_LEN + 1];
	struct sanlk_host_event he;
	int rv;

	memset(&he, 0, sizeof(he));
	he.host_id = a->host_id;
	he.generation = a->host_generation;
	he.event = a->event;
	he.data = a->event_data;

	printf("set_event %llu %llu event 0x%llx data 0x%llx\n",
	       (unsigned long long)he.host_id,
	       (unsigned long long)he.generation,
	       (unsigned long long)he.event, (unsigned long long)he.data);
	cli_ls_name(name, a);
	rv = sanlock_set_event(name, &he, 0);
	(void)cli_done("set_event", rv);
	return cli_exit_status(rv);
}

int cli_client_set_config(struct cli_args *a)
{
	char name[SANLK_NAME_LEN + 1];
	uint32_t cmd = 0;
	int rv;

	/* -O wins over -u when both are given */
	if (a->orphan_set)
		cmd = a->orphan ? SANLK_CONFIG_USED_BY_ORPHANS :
				  SANLK_CONFIG_UNUSED_BY_ORPHANS;
	else if (a->used_set)
		cmd = a->used ? SANLK_CONFIG_USED : SANLK_CONFIG_UNUSED;

	cli_ls_name(name, a);
	printf("set_config %s %u\n", name, cmd);
	rv = sanlock_set_config(name, 0, cmd, NULL);
	(void)cli_done("set_config", rv);
	return cli_exit_status(rv);
}
