/*
 * resetd_loop.c - sanlk-resetd's main loop (spec/cli.md §5.1): poll the
 * signalfd (SIGTERM/SIGINT quit, SIGHUP does nothing), the update socket
 * and the event fds of the lockspaces not yet replied to; run the sysrq
 * reboot when its delay has passed.  Single-threaded.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "resetd.h"
#include "resetd_log.h"

uint64_t resetd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int resetd_signals_open(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void read_signals(struct resetd *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			resetd_debug("daemon_quit signal %u", si.ssi_signo);
			d->quit = 1;
		} else {
			resetd_debug("ignore signal %u", si.ssi_signo);
		}
	}
}

static void process_updates(struct resetd *d)
{
	char cmd[RESET_CMD_MAX], name[RESET_UPDATE_SIZE];
	int rv;

	while ((rv = resetd_sock_recv(d->sock_fd, cmd, sizeof(cmd), name,
				      sizeof(name))) > 0) {
		resetd_debug("process_update %s %s", cmd, name);
		if (!strcmp(cmd, "clear")) {
			resetd_ls_clear(d);
		} else if (strcmp(cmd, "reg") && strcmp(cmd, "end")) {
			resetd_error("process_update unknown command %s", cmd);
		} else if (!reset_name_ok(name)) {
			resetd_error("process_update %s invalid lockspace_name",
				     cmd);
		} else if (!strcmp(cmd, "reg")) {
			resetd_ls_reg(d, name);
		} else {
			resetd_ls_end(d, name);
		}
	}
	if (rv < 0)
		resetd_error("update socket error %d", rv);
}

static void sysrq_due(struct resetd *d)
{
	int rv;

	if (!d->reboot_scheduled || d->reboot_done ||
	    resetd_now_ms() < d->reboot_at_ms)
		return;
	d->reboot_done = 1;
	resetd_notice("Rebooting host with sysrq");
	rv = resetd_sysrq_reboot();
	if (rv < 0)
		resetd_error("sysrq reboot %s error %d", resetd_sysrq_path(),
			     rv);
}

int resetd_loop(struct resetd *d)
{
	struct pollfd pfd[2 + RESET_MAX_LS];
	int slot[2 + RESET_MAX_LS];
	uint64_t now;
	int i, n, timeout;

	while (!d->quit) {
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = d->sig_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->sock_fd, .events = POLLIN };
		for (i = 0; i < RESET_MAX_LS; i++) {
			if (!d->ls[i].used || d->ls[i].replied ||
			    d->ls[i].fd < 0)
				continue;
			slot[n] = i;
			pfd[n++] = (struct pollfd){ .fd = d->ls[i].fd,
						    .events = POLLIN };
		}
		timeout = -1;
		if (d->reboot_scheduled && !d->reboot_done) {
			now = resetd_now_ms();
			timeout = now >= d->reboot_at_ms ? 0 :
				  (int)(d->reboot_at_ms - now);
		}
		if (poll(pfd, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			resetd_error("poll error %d", -errno);
			return 1;
		}
		/* event fds first: an update below may replace a slot */
		for (i = 2; i < n; i++) {
			struct resetd_ls *ls = &d->ls[slot[i]];

			if (pfd[i].revents && ls->used && ls->fd == pfd[i].fd)
				resetd_ls_readable(d, slot[i]);
		}
		if (pfd[1].revents)
			process_updates(d);
		if (pfd[0].revents)
			read_signals(d);
		sysrq_due(d);
	}
	return 0;
}

void resetd_quit(struct resetd *d)
{
	resetd_debug("unregister daemon_quit=%d ls_count=%d", d->quit,
		     resetd_ls_count(d));
	resetd_ls_clear(d);
	resetd_wd_close(d);
	resetd_sock_close(d->sock_fd);
	d->sock_fd = -1;
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	d->sig_fd = -1;
}
