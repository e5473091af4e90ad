/*
 * client_actions.h - the `sanlock client <action>` implementations
 * (spec/cli.md §1.8, §3.1-3.7, §3.11) and the helpers they share.
 * cli_client_action() (cli/client_dispatch.c) picks one by name.
 *
 * Single-threaded; struct cli_args is read-only here except for the
 * resource flags that acquire/command set before sending.  Every action
 * prints to stdout with plain printf buffering (§1.6) and returns the
 * process exit status.
 */
#ifndef CLI_CLIENT_ACTIONS_H
#define CLI_CLIENT_ACTIONS_H

#include <stdint.h>

#include "cli/cli.h"
#include "common/wire.h"

/* Exit status from a result code: 0 iff exactly 0 (cli.md §1.5). */
static inline int cli_exit_status(int rv)
{
	return rv == 0 ? 0 : 1;
}

/* ---- one streamed status record (cli/client_state.c) ---- */

struct cli_state_rec {
	struct sanlk_state st;
	char *str;                    /* NUL-terminated text, never NULL */
	struct sanlk_lockspace ls;    /* LOCKSPACE records */
	struct sanlk_resource *res;   /* RESOURCE records (malloc'ed) */
	int printed;                  /* used by the sorted status output */
};

/* Most records one status reply may carry; more is a protocol error. */
#define CLI_STATE_RECORDS_MAX 65536

/* Read the next record: 1 = one read into *r, 0 = end of the stream (the
 * daemon closed), negative = protocol or receive error. */
int cli_state_read(int fd, struct cli_state_rec *r);
void cli_state_free(struct cli_state_rec *r);

/* Ask with send_command(cmd, data) [+ payload ls] and read the reply
 * header: returns the connected fd (>= 0) with the header result in
 * *result, or a negative transport error. */
int cli_state_open(uint32_t cmd, uint32_t data,
		   const struct sanlk_lockspace *ls, int *result,
		   uint32_t *data2);

/* Print "    key=value" lines for the space-separated text (status -D). */
void cli_print_details(const char *str);

/* Escaped form of a path for output (cli.md §1.4.6). */
void cli_path_escape(char *dst, size_t dstlen, const char *path);

/* Sector/align flags from -Z/-A (SANLK_RES_* = LSF_* = RIF_* values). */
uint32_t cli_size_flags(const struct cli_args *a);

/* ---- actions ---- */

int cli_client_status(struct cli_args *a);        /* client_status.c */
int cli_client_host_status(struct cli_args *a);   /* client_hosts.c */
int cli_client_renewal(struct cli_args *a);
int cli_client_gets(struct cli_args *a);
int cli_client_log_dump(struct cli_args *a);      /* client_daemon.c */
int cli_client_shutdown(struct cli_args *a);
int cli_client_version(struct cli_args *a);
int cli_client_add_lockspace(struct cli_args *a); /* client_lockspace.c */
int cli_client_inq_lockspace(struct cli_args *a);
int cli_client_rem_lockspace(struct cli_args *a);
int cli_client_set_event(struct cli_args *a);
int cli_client_set_config(struct cli_args *a);
int cli_client_command(struct cli_args *a);       /* client_lease.c */
int cli_client_acquire(struct cli_args *a);
int cli_client_convert(struct cli_args *a);
int cli_client_release(struct cli_args *a);
int cli_client_inquire(struct cli_args *a);
int cli_client_request(struct cli_args *a);
int cli_client_examine(struct cli_args *a);
int cli_client_align(struct cli_args *a);         /* client_disk.c */
int cli_client_init(struct cli_args *a);
int cli_client_read(struct cli_args *a);
int cli_client_format(struct cli_args *a);        /* client_rindex.c */
int cli_client_rebuild(struct cli_args *a);
int cli_client_create(struct cli_args *a);
int cli_client_delete(struct cli_args *a);
int cli_client_lookup(struct cli_args *a);
int cli_client_update(struct cli_args *a);

#endif /* CLI_CLIENT_ACTIONS_H */
