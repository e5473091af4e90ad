/*
 * loop.c - the main loop, the test round, signals and accepting
 * connections (see loop.h).  Main thread only.
 */
#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/monotime.h"
#include "wdmd/expiry.h"
#include "wdmd/log.h"
#include "wdmd/loop.h"
#include "wdmd/request.h"

#define USEC 1000000u

int wdmd_quit_allowed(const struct wdmd_state *st, char *why, size_t size)
{
	int refs = wdmd_clients_refcount(&st->clients);
	int armed = wdmd_clients_armed(&st->clients);

	if (!refs && !armed && !st->dev.fired)
		return 1;
	snprintf(why, size, "refcount %d armed %d fire_now %d", refs, armed,
		 st->dev.fired);
	return 0;
}

static void round_log_failures(const struct wdmd_state *st, uint64_t now)
{
	const struct wdmd_client *c;
	long long rem;
	int i;

	rem = (long long)st->last_keepalive + st->dev.fire_timeout - (long long)now;
	for (i = 0; i < WDMD_CLIENT_MAX; i++) {
		c = &st->clients.c[i];
		if (!c->used || c->internal || !wdmd_expired(now, c->expire))
			continue;
		wdmd_log("test failed rem %lld now %llu ping %llu close 0 "
			 "renewal %llu expire %llu client %d %s",
			 rem, (unsigned long long)now,
			 (unsigned long long)st->last_keepalive,
			 (unsigned long long)c->renewal,
			 (unsigned long long)c->expire, (int)c->pid, c->name);
	}
}

static void client_reason(const struct wdmd_state *st, int ci, char *buf,
			  size_t size)
{
	char label[WDMD_NAME_SIZE];

	wdmd_clients_label(&st->clients, ci, label, sizeof(label));
	snprintf(buf, size, "%s %s", st->clients.c[ci].dead ? "dead" : "expired",
		 label);
}

void wdmd_round(struct wdmd_state *st, uint64_t now_us)
{
	uint64_t now = now_us / USEC;
	char reason[WDMD_REASON_MAX] = "";
	struct wdmd_eval ev;
	int sfail;

	wdmd_scripts_reap(&st->scripts);
	sfail = wdmd_scripts_round(&st->scripts, now, reason, sizeof(reason));
	wdmd_eval_clients(&st->clients, now, &ev);
	if (ev.failed) {
		round_log_failures(st, now);
		client_reason(st, ev.first_failed, reason, sizeof(reason));
	}
	if (st->dev.fired)
		return;
	if (ev.failed || sfail) {
		wdmd_dev_failing(&st->dev, reason);
		st->failing = 1;
		return;
	}
	/* The round may have been slow (scripts, scheduling): never pet at
	 * or after the earliest expiry. */
	if (!wdmd_pet_allowed(&ev, monotime_usec())) {
		wdmd_log("expiry %llu reached during the round, no keepalive",
			 (unsigned long long)ev.min_expire);
		snprintf(reason, sizeof(reason), "expired");
		wdmd_dev_failing(&st->dev, reason);
		st->failing = 1;
		return;
	}
	if (wdmd_dev_pet(&st->dev, now_us) == 0) {
		st->last_keepalive = now;
		if (st->failing)
			wdmd_log("test passed, keepalive resumed");
		st->failing = 0;
	}
}

void wdmd_accept(struct wdmd_state *st)
{
	int lfd = st->clients.c[st->listen_ci].fd;
	struct ucred cred;
	socklen_t len;
	int i, fd, ci;

	for (i = 0; i < WDMD_ACCEPT_PER_EVENT; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				wdmd_log("accept error %d", errno);
			return;
		}
		memset(&cred, 0, sizeof(cred));
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
			cred.pid = 0;
		ci = wdmd_clients_add(&st->clients, fd, cred.pid, NULL, 0);
		if (ci < 0) {
			wdmd_log("client table full (%d slots), closing new connection from pid %d",
				 WDMD_CLIENT_MAX, (int)cred.pid);
			close(fd);
			continue;
		}
		wdmd_debug("client ci %d fd %d pid %d connected", ci, fd,
			   (int)cred.pid);
	}
}

/* Before deciding to quit, take in everything clients sent before the
 * signal: connections waiting in the backlog and requests waiting in the
 * sockets (a REFCOUNT_SET or TEST_LIVE sent just before a SIGTERM must
 * count).  Bounded: each call does a bounded amount of work per slot. */
static void drain_clients(struct wdmd_state *st)
{
	int ci;

	wdmd_accept(st);
	for (ci = 0; ci < WDMD_CLIENT_MAX; ci++) {
		const struct wdmd_client *c = &st->clients.c[ci];

		if (c->used && !c->internal && c->fd >= 0)
			wdmd_request_readable(st, ci);
	}
}

static void handle_signals(struct wdmd_state *st)
{
	struct signalfd_siginfo si;
	char why[128];
	ssize_t n;
	int i;

	for (i = 0; i < WDMD_SIGNALS_PER_EVENT; i++) {
		n = read(st->clients.c[st->signal_ci].fd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si))
			return;
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			drain_clients(st);
			if (wdmd_quit_allowed(st, why, sizeof(why))) {
				wdmd_log("signal %u: quit", si.ssi_signo);
				st->quit = 1;
			} else {
				wdmd_log("signal %u ignored: %s", si.ssi_signo, why);
			}
			break;
		case SIGHUP:
			wdmd_scripts_scan(&st->scripts);
			break;
		case SIGCHLD:
			wdmd_scripts_reap(&st->scripts);
			break;
		default:
			break;
		}
	}
}

static void handle_events(struct wdmd_state *st, const struct pollfd *pfd,
			  const int *map, int n)
{
	struct wdmd_client *c;
	int i, ci, sig = 0;

	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		ci = map[i];
		c = &st->clients.c[ci];
		/* the slot may have been closed (or reused) earlier in this pass */
		if (!c->used || c->dead || c->fd != pfd[i].fd)
			continue;
		if (ci == st->listen_ci)
			wdmd_accept(st);
		else if (ci == st->signal_ci)
			sig = 1;
		else
			wdmd_request_readable(st, ci);
	}
	if (sig)      /* last: client requests of this pass count first */
		handle_signals(st);
}

int wdmd_loop(struct wdmd_state *st)
{
	struct pollfd pfd[WDMD_CLIENT_MAX];
	int map[WDMD_CLIENT_MAX];
	uint64_t now_us, next_us;
	int n, ci, timeout_ms;

	assert(st->listen_ci >= 0 && st->signal_ci >= 0);
	now_us = monotime_usec();
	wdmd_round(st, now_us);   /* the first keepalive when the loop starts */
	next_us = (now_us / USEC + 1) * USEC;

	while (!st->quit) {
		n = 0;
		for (ci = 0; ci < WDMD_CLIENT_MAX; ci++) {
			const struct wdmd_client *c = &st->clients.c[ci];

			if (!c->used || c->fd < 0)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n] = ci;
			n++;
		}
		now_us = monotime_usec();
		timeout_ms = now_us >= next_us ? 0 :
			     (int)((next_us - now_us + 999) / 1000);
		if (poll(pfd, (nfds_t)n, timeout_ms) < 0) {
			if (errno != EINTR)
				wdmd_log("poll error %d", errno);
		} else {
			handle_events(st, pfd, map, n);
		}
		now_us = monotime_usec();
		if (now_us >= next_us) {
			wdmd_round(st, now_us);
			next_us = (now_us / USEC + 1) * USEC;
		}
	}
	return 0;
}
