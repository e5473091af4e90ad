/*
 * client_lease.c - lease actions of `sanlock client`: command, acquire,
 * convert, release, inquire [-D], request, examine (cli.md §1.8, §3.6).
 *
 * Single-threaded.  acquire/command set the -P/-n flags on the parsed
 * resources before sending; nothing else is modified.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client_actions.h"
#include "cli/cli_conf.h"
#include "sanlock_resource.h"

/* `client command` without -c holds its leases until killed. */
#define CLI_COMMAND_SLEEP_SEC 3600

/* -P / -n apply to every resource; -O 1 adopts an orphan. */
static uint32_t cli_acquire_prepare(struct cli_args *a)
{
	int i;

	for (i = 0; i < a->res_count && i < CLI_MAX_RES; i++) {
		if (a->persistent)
			a->res_args[i]->flags |= SANLK_RES_PERSISTENT;
		if (a->num_hosts) {
			a->res_args[i]->flags |= SANLK_RES_NUM_HOSTS;
			a->res_args[i]->data32 = (uint32_t)a->num_hosts;
		}
	}
	return (a->orphan_set && a->orphan) ? SANLK_ACQUIRE_ORPHAN : 0;
}

int cli_client_command(struct cli_args *a)
{
	uint32_t flags = cli_acquire_prepare(a);
	int fd, rv;

	/* Plain printf: when stdout is not a tty these lines are still in the
	 * stdio buffer at exec and are lost, exactly as in 3.8.5 (§1.6). */
	printf("register\n");
	fd = sanlock_register();
	(void)cli_done("register", fd);
	if (fd < 0)
		return 0;

	printf("acquire fd %d\n", fd);
	rv = sanlock_acquire(fd, -1, flags, a->res_count, a->res_args, NULL);
	(void)cli_done("acquire", rv);
	if (rv < 0)
		return 1;

	if (a->cmd_argc <= 0 || !a->cmd_argv || !a->cmd_argv[0]) {
		/* hold the leases for the rest of this process's life */
		for (;;)
			sleep(CLI_COMMAND_SLEEP_SEC);
	}

	/* the program inherits the registered connection (no CLOEXEC) */
	execv(a->cmd_argv[0], a->cmd_argv);
	fprintf(stderr, "execv failed: %s\n", strerror(errno));
	return 0;
}

int cli_client_acquire(struct cli_args *a)
{
	uint32_t flags = cli_acquire_prepare(a);
	int rv;

	printf("acquire pid %d\n", a->pid);
	rv = sanlock_acquire(-1, a->pid, flags, a->res_count, a->res_args,
			     NULL);
	(void)cli_done("acquire", rv);
	return cli_exit_status(rv);
}

int cli_client_convert(struct cli_args *a)
{
	int rv;

	printf("convert pid %d\n", a->pid);
	rv = sanlock_convert(-1, a->pid, 0,
			     a->res_count ? a->res_args[0] : NULL);
	(void)cli_done("convert", rv);
	return cli_exit_status(rv);
}

/*
 * `-a N` with N != 0 releases all leases of the pid.  Without -a (use_aio
 * defaults to 1) 3.8.5 sends no SANLK_REL_ALL (observed by strace), so
 * the option must have been given.
 */
static int cli_release_all(const struct cli_args *a)
{
	return cli_option_given('a') && a->use_aio;
}

int cli_client_release(struct cli_args *a)
{
	struct sanlk_resource orphan_res, *orphan_args[1];
	struct sanlk_resource **args = a->res_args;
	int count = a->res_count;
	uint32_t flags = 0;
	int rv;

	if (cli_release_all(a))
		flags |= SANLK_REL_ALL;
	if (a->orphan_set && a->orphan) {
		flags |= SANLK_REL_ORPHAN;
		/* -s NAME without -r: every orphan of that lockspace */
		if (!count && a->lockspace_set) {
			memset(&orphan_res, 0, sizeof(orphan_res));
			memcpy(orphan_res.lockspace_name, a->lockspace.name,
			       SANLK_NAME_LEN);
			orphan_args[0] = &orphan_res;
			args = orphan_args;
			count = 1;
		}
	}

	printf("release pid %d\n", a->pid);
	rv = sanlock_release(-1, a->pid, flags, count, args);
	(void)cli_done("release", rv);
	return cli_exit_status(rv);
}

/* The -D blocks of inquire: parse the state and encode it again. */
static void cli_inquire_debug(char *state)
{
	struct sanlk_resource **args = NULL, *r;
	char *again = NULL;
	int i, count = 0, rv;

	rv = sanlock_state_to_args(state, &count, &args);
	printf("\nstate_to_args done %d res_count %d\n", rv, count);
	if (rv < 0)
		return;

	for (i = 0; i < count; i++) {
		r = args[i];
		printf("\"%.48s:%.48s:%.1024s:%llu:%llu\"\n", r->lockspace_name,
		       r->name, r->num_disks ? r->disks[0].path : "",
		       (unsigned long long)(r->num_disks ? r->disks[0].offset : 0),
		       (unsigned long long)r->lver);
	}

	rv = sanlock_args_to_state(count, args, &again);
	printf("\nargs_to_state done %d\n", rv);
	if (rv >= 0)
		printf("\"%s\"\n", again ? again : "(null)");

	free(again);
	for (i = 0; i < count; i++)
		free(args[i]);
	free(args);
}

int cli_client_inquire(struct cli_args *a)
{
	char *state = NULL;
	int count = 0, rv;

	printf("inquire pid %d\n", a->pid);
	rv = sanlock_inquire(-1, a->pid, 0, &count, &state);
	printf("inquire done %d res_count %d\n", rv, count);
	if (rv < 0)
		goto out;

	/* no leases: 3.8.5 prints the NULL state as "(null)" */
	printf("\"%s\"\n", state ? state : "(null)");

	/* 3.8.5 crashes on -D without leases; we skip the blocks instead */
	if (a->debug && state && count > 0)
		cli_inquire_debug(state);
out:
	free(state);
	return cli_exit_status(rv);
}

int cli_client_request(struct cli_args *a)
{
	int rv;

	printf("request\n");
	rv = sanlock_request(0, a->force_mode,
			     a->res_count ? a->res_args[0] : NULL);
	(void)cli_done("request", rv);
	return cli_exit_status(rv);
}

int cli_client_examine(struct cli_args *a)
{
	struct sanlk_lockspace *ls = NULL;
	int rv;

	if (a->lockspace_set && a->lockspace.host_id_disk.path[0])
		ls = &a->lockspace;

	printf("examine\n");
	rv = sanlock_examine(0, ls, a->res_count ? a->res_args[0] : NULL);
	(void)cli_done("examine", rv);
	return cli_exit_status(rv);
}
