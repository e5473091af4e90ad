/*
 * client_msg.c - `sanlock client host_message` and `sanlock client
 * callbacks` (spec/messages.md §9): 3.8 output conventions, every line
 * flushed as it is printed (a script may read them as they come).
 * Extension, not in sanlock 3.8.5: against a 3.8.5 daemon both end with
 * done -93 (-EPROTONOSUPPORT).
 *
 * Single-threaded CLI code; no state.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/client_actions.h"
#include "cli/client_msg.h"
#include "lib/client_msg.h"
#include "sanlock_admin.h"

static void cli_msg_name(char dst[SANLK_NAME_LEN + 1], const struct cli_args *a)
{
	memcpy(dst, a->lockspace.name, SANLK_NAME_LEN);
	dst[SANLK_NAME_LEN] = '\0';
}

/* -m / -n: decimal or 0x hex (C-integer). */
static uint32_t cli_msg_u32(const char *arg)
{
	return arg ? (uint32_t)strtoul(arg, NULL, 0) : 0;
}

int cli_client_host_message(struct cli_args *a)
{
	char name[SANLK_NAME_LEN + 1];
	uint32_t seq = 0, flags = a->wait ? SANLK_HM_WAIT : 0;
	int fd = -1, rv;

	cli_msg_name(name, a);
	rv = client_host_message_start(name, a->host_id, a->host_generation,
				       cli_msg_u32(a->m_arg),
				       cli_msg_u32(a->n_arg), flags, &seq, &fd);
	printf("host_message seq %u\n", seq);
	fflush(stdout);
	if (rv == 0 && fd >= 0)
		rv = client_host_message_finish(fd);
	(void)cli_done("host_message", rv);
	fflush(stdout);
	return cli_exit_status(rv);
}

static const char *cli_msg_state(uint32_t st)
{
	switch (st) {
	case SANLK_HOST_FREE:    return "FREE";
	case SANLK_HOST_LIVE:    return "LIVE";
	case SANLK_HOST_FAIL:    return "FAIL";
	case SANLK_HOST_DEAD:    return "DEAD";
	default:                 return "UNKNOWN";
	}
}

static void cli_msg_print(const struct sanlk_callback *cb)
{
	char ls[SANLK_NAME_LEN + 1];
	unsigned long long id = cb->host_id, gen = cb->generation;

	memcpy(ls, cb->ls_name, SANLK_NAME_LEN);
	ls[SANLK_NAME_LEN] = '\0';
	if (cb->lost)
		printf("lost %u\n", cb->lost);
	switch (cb->type) {
	case SANLK_CB_HOST_MESSAGE:
		printf("host_message ls %s from %llu gen %llu msg 0x%x seq %u%s\n",
		       ls, id, gen, cb->msg, cb->seq,
		       (cb->flags & SANLK_CB_SEQ_DATA) ? " seq_data" : "");
		break;
	case SANLK_CB_MESSAGE_ACKED:
		printf("message_acked ls %s to %llu gen %llu seq %u\n", ls, id,
		       gen, cb->seq);
		break;
	case SANLK_CB_MESSAGE_EXPIRED:
		printf("message_expired ls %s to %llu gen %llu seq %u error %d\n",
		       ls, id, gen, cb->seq, -(int)cb->state);
		break;
	case SANLK_CB_HOST_STATE:
		printf("host_state ls %s host %llu gen %llu state %s\n", ls, id,
		       gen, cli_msg_state(cb->state));
		break;
	case SANLK_CB_LOCKSPACE_FAIL:
		printf("lockspace_fail ls %s\n", ls);
		break;
	case SANLK_CB_HOST_EVENT:
		printf("host_event ls %s from %llu gen %llu event 0x%llx data %llu\n",
		       ls, id, gen, (unsigned long long)cb->event,
		       (unsigned long long)cb->data);
		break;
	default:
		printf("callback ls %s type %u\n", ls, cb->type);
		break;
	}
	fflush(stdout);
}

int cli_client_callbacks(struct cli_args *a)
{
	char name[SANLK_NAME_LEN + 1];
	struct sanlk_callback cb;
	struct pollfd p;
	int fd, rv;

	cli_msg_name(name, a);
	fd = sanlock_reg_lockspace(name, 0);
	if (fd < 0)
		return cli_done("callbacks", fd);
	/* Until the lockspace is gone (or a signal ends the process; the
	 * daemon then sees EOF and forgets the fd). */
	for (;;) {
		rv = sanlock_get_callback(fd, 0, &cb, sizeof(cb));
		if (rv == 0) {
			cli_msg_print(&cb);
			continue;
		}
		if (rv != -EAGAIN)
			break;
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, -1) < 0 && errno != EINTR) {
			rv = -errno;
			break;
		}
	}
	close(fd);
	if (rv == -ENOTCONN)
		rv = 0;              /* the lockspace is gone: the normal end */
	rv = cli_done("callbacks", rv);
	fflush(stdout);
	return rv;
}
