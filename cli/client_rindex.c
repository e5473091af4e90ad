/*
 * client_rindex.c - resource index actions of `sanlock client`: format,
 * rebuild, create, delete, lookup, update (cli.md §1.8, §1.4.3-1.4.4).
 *
 * Single-threaded; the parsed rindex gets the -Z/-A size flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/client_actions.h"
#include "sanlock_admin.h"

#define CLI_MIB 1048576ULL

/*
 * -e name[:offset] (cli.md §1.4.4): split at the first colon (no escapes),
 * offset decimal with an optional M (MiB) suffix.
 */
static void cli_rentry_parse(const char *arg, struct sanlk_rentry *re)
{
	const char *colon;
	unsigned long long off;
	char *end;
	size_t len;

	memset(re, 0, sizeof(*re));
	if (!arg)
		return;

	colon = strchr(arg, ':');
	len = colon ? (size_t)(colon - arg) : strlen(arg);
	memcpy(re->name, arg, len < SANLK_NAME_LEN ? len : SANLK_NAME_LEN);
	if (!colon)
		return;

	off = strtoull(colon + 1, &end, 10);
	if (*end == 'M')
		off *= CLI_MIB;
	re->offset = off;
}

static struct sanlk_rindex *cli_rindex(struct cli_args *a)
{
	a->rindex.flags |= cli_size_flags(a);
	return &a->rindex;
}

int cli_client_format(struct cli_args *a)
{
	int rv = sanlock_format_rindex(cli_rindex(a), 0);

	(void)cli_done("format", rv);
	return cli_exit_status(rv);
}

int cli_client_rebuild(struct cli_args *a)
{
	int rv = sanlock_rebuild_rindex(cli_rindex(a), 0);

	(void)cli_done("rebuild", rv);
	return cli_exit_status(rv);
}

int cli_client_create(struct cli_args *a)
{
	struct sanlk_rentry re;
	int rv;

	cli_rentry_parse(a->rentry_arg, &re);
	rv = sanlock_create_resource(cli_rindex(a), 0, &re, 0, 0);
	(void)cli_done("create_resource", rv);
	if (rv == 0)
		printf("offset %llu\n", (unsigned long long)re.offset);
	return cli_exit_status(rv);
}

int cli_client_delete(struct cli_args *a)
{
	struct sanlk_rentry re;
	int rv;

	cli_rentry_parse(a->rentry_arg, &re);
	rv = sanlock_delete_resource(cli_rindex(a), 0, &re);
	(void)cli_done("delete_resource", rv);
	return cli_exit_status(rv);
}

int cli_client_lookup(struct cli_args *a)
{
	struct sanlk_rentry re;
	int rv;

	cli_rentry_parse(a->rentry_arg, &re);
	rv = sanlock_lookup_rindex(cli_rindex(a), 0, &re);
	(void)cli_done("lookup", rv);
	if (rv == 0)
		printf("name %.48s offset %llu\n", re.name[0] ? re.name : "-",
		       (unsigned long long)re.offset);
	return cli_exit_status(rv);
}

int cli_client_update(struct cli_args *a)
{
	struct sanlk_rentry re;
	int rv;

	cli_rentry_parse(a->rentry_arg, &re);
	/* -z with any value removes the entry instead of adding it */
	rv = sanlock_update_rindex(cli_rindex(a),
				   a->clear ? SANLK_RXUP_REM : SANLK_RXUP_ADD,
				   &re);
	(void)cli_done("update", rv);
	return cli_exit_status(rv);
}
