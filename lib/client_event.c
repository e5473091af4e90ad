/*
 * client_event.c - the 3.8 host-event API: sanlock_reg_event,
 * sanlock_end_event, sanlock_set_event, sanlock_get_event (spec/api.md
 * §4.6, §8.6).
 *
 * No state.  An event fd returned by sanlock_reg_event belongs to the
 * caller until sanlock_end_event closes it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/lib.h"
#include "lib/client.h"
#include "sanlock_admin.h"

/* The value written on an event fd to tell the daemon "done with it". */
#define CLIENT_EVENT_END_MARK 1u

SANLK_EXPORT int sanlock_reg_event(const char *ls_name,
				   struct sanlk_host_event *he,
				   uint32_t flags)
{
	struct sanlk_host_event zero_he;
	struct sanlk_lockspace ls;
	struct client_piece p[2];
	struct sm_header h;
	int fd, rv;

	if (!ls_name)
		return -EINVAL;
	client_ls_from_name(&ls, ls_name);
	memset(&zero_he, 0, sizeof(zero_he));
	p[0] = (struct client_piece){ &ls, sizeof(ls) };
	p[1] = (struct client_piece){ he ? he : &zero_he, sizeof(zero_he) };

	fd = client_open_request(SM_CMD_REG_EVENT, flags, 0, 0, p, 2);
	if (fd < 0)
		return fd;

	rv = client_recv_header(fd, &h);
	if (rv == 0)
		rv = (int32_t)h.data;
	if (rv < 0) {
		close(fd);
		return rv;
	}
	/* the connection itself is the event fd */
	return fd;
}

SANLK_EXPORT int sanlock_end_event(int fd, const char *ls_name,
				   uint32_t flags)
{
	uint32_t mark = CLIENT_EVENT_END_MARK;
	struct sanlk_lockspace ls;
	struct client_piece p[1];
	int rv;

	if (!ls_name)
		return -EINVAL;

	rv = (int)send(fd, &mark, sizeof(mark), MSG_NOSIGNAL);
	close(fd);
	if (rv < 0)
		return -EALREADY;

	/* make the daemon sweep the lockspace's event fds now */
	client_ls_from_name(&ls, ls_name);
	p[0] = (struct client_piece){ &ls, sizeof(ls) };
	rv = client_call(SM_CMD_END_EVENT, flags, 0, 0, p, 1);
	return rv > 0 ? 0 : rv;
}

SANLK_EXPORT int sanlock_set_event(const char *ls_name,
				   struct sanlk_host_event *he,
				   uint32_t flags)
{
	struct sanlk_lockspace ls;
	struct client_piece p[2];

	if (!ls_name || !he)
		return -EINVAL;
	client_ls_from_name(&ls, ls_name);
	p[0] = (struct client_piece){ &ls, sizeof(ls) };
	p[1] = (struct client_piece){ he, sizeof(*he) };
	return client_call(SM_CMD_SET_EVENT, flags, 0, 0, p, 2);
}

SANLK_EXPORT int sanlock_get_event(int fd, uint32_t flags,
				   struct sanlk_host_event *he,
				   uint64_t *from_host_id,
				   uint64_t *from_generation)
{
	struct event_cb cb;
	ssize_t n;

	(void)flags;
	if (!he)
		return -EINVAL;

	/* never blocks: -EAGAIN means no more events queued */
	n = recv(fd, &cb, sizeof(cb), MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(cb))
		return -1;

	memcpy(he, &cb.he, sizeof(*he));
	if (from_host_id)
		*from_host_id = cb.from_host_id;
	if (from_generation)
		*from_generation = cb.from_generation;
	return 0;
}
