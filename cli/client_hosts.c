/*
 * client_hosts.c - the per-lockspace host views of `sanlock client`:
 * host_status [-s NAME] [-D] (cli.md §3.2), renewal -s NAME (§3.5) and
 * gets [-h 0|1] (§3.3).
 *
 * Single-threaded; everything read is freed before returning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/client_actions.h"
#include "sanlock_admin.h"

/* Most lockspaces host_status lists without -s. */
#define CLI_HOST_STATUS_LS_MAX 4096

/* Print the HOST records of one lockspace; returns the reply result. */
static int cli_host_status_one(const char *name, int debug)
{
	struct sanlk_lockspace ls;
	struct cli_state_rec r;
	int fd, result, n, rv;

	memset(&ls, 0, sizeof(ls));
	memcpy(ls.name, name, strnlen(name, SANLK_NAME_LEN));

	fd = cli_state_open(SM_CMD_HOST_STATUS, 0, &ls, &result, NULL);
	if (fd < 0)
		return fd;
	if (result < 0) {
		close(fd);
		return result;
	}
	for (n = 0; n < CLI_STATE_RECORDS_MAX; n++) {
		rv = cli_state_read(fd, &r);
		if (rv <= 0)
			break;
		if (r.st.type == SANLK_STATE_HOST) {
			printf("%u timestamp %llu\n", r.st.data32,
			       (unsigned long long)r.st.data64);
			if (debug)
				cli_print_details(r.str);
		}
		cli_state_free(&r);
	}
	close(fd);
	return 0;
}

/* Names of the lockspaces the daemon knows (STATUS, filter 3). */
static int cli_lockspace_names(char (**names)[SANLK_NAME_LEN + 1], int *count)
{
	char (*list)[SANLK_NAME_LEN + 1] = NULL, (*grown)[SANLK_NAME_LEN + 1];
	struct cli_state_rec r;
	int fd, result, cap = 0, n = 0, rv;

	fd = cli_state_open(SM_CMD_STATUS, SANLK_STATUS_LOCKSPACES, NULL,
			    &result, NULL);
	if (fd < 0)
		return fd;
	while (n < CLI_HOST_STATUS_LS_MAX) {
		rv = cli_state_read(fd, &r);
		if (rv <= 0)
			break;
		if (r.st.type == SANLK_STATE_LOCKSPACE) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				grown = realloc(list, (size_t)cap * sizeof(*list));
				if (!grown) {
					cli_state_free(&r);
					break;
				}
				list = grown;
			}
			memset(list[n], 0, sizeof(list[n]));
			memcpy(list[n], r.st.name, SANLK_NAME_LEN);
			n++;
		}
		cli_state_free(&r);
	}
	close(fd);
	*names = list;
	*count = n;
	return 0;
}

int cli_client_host_status(struct cli_args *a)
{
	char (*names)[SANLK_NAME_LEN + 1] = NULL;
	char name[SANLK_NAME_LEN + 1];
	int i, count = 0, rv;

	if (a->lockspace_set) {
		memset(name, 0, sizeof(name));
		memcpy(name, a->lockspace.name, SANLK_NAME_LEN);
		rv = cli_host_status_one(name, a->debug);
		return cli_exit_status(rv);
	}

	rv = cli_lockspace_names(&names, &count);
	if (rv < 0)
		return 1;
	for (i = 0; i < count; i++) {
		printf("lockspace %s\n", names[i]);
		rv = cli_host_status_one(names[i], a->debug);
	}
	free(names);
	return cli_exit_status(rv);
}

int cli_client_renewal(struct cli_args *a)
{
	struct sanlk_lockspace ls;
	struct cli_state_rec r;
	int fd, result, n, rv;

	memset(&ls, 0, sizeof(ls));
	memcpy(ls.name, a->lockspace.name, SANLK_NAME_LEN);

	fd = cli_state_open(SM_CMD_RENEWAL, 0, &ls, &result, NULL);
	if (fd < 0)
		return 1;
	if (result < 0) {
		close(fd);
		return 1;
	}
	for (n = 0; n < CLI_STATE_RECORDS_MAX; n++) {
		rv = cli_state_read(fd, &r);
		if (rv <= 0)
			break;
		if (r.st.type == SANLK_STATE_RENEWAL)
			printf("%s\n", r.str);
		cli_state_free(&r);
	}
	close(fd);
	return 0;
}

static const char *cli_host_state_word(uint32_t flags)
{
	switch (flags & SANLK_HOST_MASK) {
	case SANLK_HOST_LIVE:
		return "LIVE";
	case SANLK_HOST_FAIL:
		return "FAIL";
	case SANLK_HOST_DEAD:
		return "DEAD";
	case SANLK_HOST_UNKNOWN:
		return "UNKNOWN";
	case SANLK_HOST_FREE:
		return "FREE";
	default:
		return "ERROR";
	}
}

static void cli_gets_hosts(const struct sanlk_lockspace *ls)
{
	char name[SANLK_NAME_LEN + 1];
	struct sanlk_host *hss = NULL;
	int i, count = 0, rv;

	memset(name, 0, sizeof(name));
	memcpy(name, ls->name, SANLK_NAME_LEN);

	rv = sanlock_get_hosts(name, 0, &hss, &count, 0);
	if (rv == -EAGAIN) {
		printf("hosts not ready\n");
	} else if (rv < 0) {
		printf("hosts error %d\n", rv);
	} else {
		for (i = 0; i < count; i++)
			printf("h %llu gen %llu timestamp %llu %s\n",
			       (unsigned long long)hss[i].host_id,
			       (unsigned long long)hss[i].generation,
			       (unsigned long long)hss[i].timestamp,
			       cli_host_state_word(hss[i].flags));
	}
	free(hss);
}

int cli_client_gets(struct cli_args *a)
{
	struct sanlk_lockspace *lss = NULL, *ls;
	int i, count = 0, rv;

	rv = sanlock_get_lockspaces(&lss, &count, 0);
	if (rv < 0)
		printf("gets error %d\n", rv);
	if (rv < 0 && rv != -ENOSPC) {
		free(lss);
		return 1;
	}

	for (i = 0; lss && i < count; i++) {
		ls = &lss[i];
		printf("s %.48s:%llu:%.1024s:%llu %s\n", ls->name,
		       (unsigned long long)ls->host_id, ls->host_id_disk.path,
		       (unsigned long long)ls->host_id_disk.offset,
		       (ls->flags & SANLK_LSF_REM) ? "REM " :
		       (ls->flags & SANLK_LSF_ADD) ? "ADD " : "");
		if (a->get_hosts)
			cli_gets_hosts(ls);
	}
	free(lss);
	return 0;
}
