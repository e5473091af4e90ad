/*
 * client_daemon.c - `sanlock client` actions about the daemon itself:
 * log_dump (cli.md §3.4), shutdown [-f] [-w] (§2.10) and version (§3.11).
 *
 * Single-threaded; no state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/client_actions.h"
#include "lib/client.h"
#include "sanlock_admin.h"

/* The daemon's in-memory log is at most 1 MiB (cli.md §3.4). */
#define CLI_LOG_DUMP_MAX (1024 * 1024)

int cli_client_log_dump(struct cli_args *a)
{
	struct sm_header h;
	char *buf;
	int fd, len;

	(void)a;
	fd = send_command(SM_CMD_LOG_DUMP, 0);
	if (fd < 0)
		return 1;
	if (client_recv_header(fd, &h) < 0) {
		close(fd);
		return 1;
	}
	len = (int32_t)h.data;
	if (len > 0 && len <= CLI_LOG_DUMP_MAX) {
		buf = malloc((size_t)len);
		if (buf && client_recv_all(fd, buf, (size_t)len) == 0) {
			fwrite(buf, 1, (size_t)len, stdout);
			printf("\n");
		}
		free(buf);
	}
	close(fd);
	/* the result is the byte count: exit 1 after a dump (cli.md §1.5) */
	return cli_exit_status(len);
}

int cli_client_shutdown(struct cli_args *a)
{
	struct sm_header h;
	int fd, rv;

	printf("shutdown force %d wait %d\n", (int)a->force_mode, a->wait);

	if (a->wait) {
		fd = send_command(SM_CMD_SHUTDOWN_WAIT, a->force_mode);
		if (fd < 0) {
			rv = fd;
		} else {
			rv = client_recv_header(fd, &h);
			if (rv == 0)
				rv = (int32_t)h.data;
			close(fd);
		}
	} else {
		/* fire and forget: 0 = the request was sent */
		fd = send_command(SM_CMD_SHUTDOWN, a->force_mode);
		rv = fd < 0 ? fd : 0;
		if (fd >= 0)
			close(fd);
	}
	(void)cli_done("shutdown", rv);
	return cli_exit_status(rv);
}

/* major<<24 | minor<<16 | patch<<8 of SANLOCK_VERSION_STR. */
static uint32_t cli_version_word(void)
{
	unsigned int major = 0, minor = 0, patch = 0;

	sscanf(SANLOCK_VERSION_STR, "%u.%u.%u", &major, &minor, &patch);
	return (major & 0xFF) << 24 | (minor & 0xFF) << 16 |
	       (patch & 0xFF) << 8;
}

int cli_client_version(struct cli_args *a)
{
	uint32_t version = 0, proto = 0, ours = cli_version_word();
	int rv;

	(void)a;
	rv = sanlock_version(0, &version, &proto);
	if (rv < 0)
		printf("daemon version error %d\n", rv);

	printf("client version %u.%u.%u (0x%08x)\n", ours >> 24,
	       (ours >> 16) & 0xFF, (ours >> 8) & 0xFF, ours);
	printf("daemon version %u.%u.%u (0x%08x)\n", version >> 24,
	       (version >> 16) & 0xFF, (version >> 8) & 0xFF, version);
	printf("client socket protocol %u.%u\n", SM_PROTO >> 16,
	       SM_PROTO & 0xFFFF);
	printf("daemon socket protocol %u.%u\n", proto >> 16, proto & 0xFFFF);
	/* exit 0 even when the daemon is unreachable (cli.md §1.5) */
	return 0;
}
