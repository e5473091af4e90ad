/*
 * main.c - daemon_main: start-up in the order of spec/cli.md §2.9, the
 * poll-based main loop, signals (§2.8) and shutdown (§2.10, §2.11).
 *
 * Threads of the daemon:
 *  - main thread (this file): owns the connection table's I/O, runs the
 *    inline requests and the shutdown state machine;
 *  - worker threads (worker.c): blocking requests;
 *  - log writer (dlog.c): log file and syslog;
 *  - one short-lived thread for a forced shutdown (ls_stop_all);
 *  - the lockspace module's own threads (daemon/lockspace*.c).
 * The helper is a separate process (helper.c).
 *
 * State here (loop_*) belongs to the main thread.  daemon_cfg_g is written
 * before any thread starts and read-only afterwards.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"
#include "common/wire.h"
#include "daemon/client.h"
#include "daemon/conn.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"
#include "daemon/helper.h"
#include "daemon/hostname.h"
#include "daemon/lockspace.h"
#include "daemon/loop.h"
#include "daemon/priv.h"
#include "daemon/res.h"
#include "daemon/runfile.h"
#include "daemon/worker.h"

/* The loop has no periodic duty: it sleeps until a descriptor is ready.
 * Every change it acts on arrives on one (client sockets, the helper's
 * pipe, signals, the workers' eventfd, the forced stop's eventfd), and
 * loop_state changes only in this thread, while handling one of them.
 * An idle daemon's main thread so costs nothing. */
#define LOOP_POLL_TIMEOUT_MS (-1)
/* poll set: the fixed descriptors first, then client slot i at
 * LOOP_PFD_CLIENT0 + i for the slots up to the last one in use. */
#define LOOP_PFD_SIGNAL     0
#define LOOP_PFD_WORKER     1
#define LOOP_PFD_STOP       2
#define LOOP_PFD_CLIENT0    3
#define LOOP_PFD_COUNT      (LOOP_PFD_CLIENT0 + CLIENT_SLOTS_MAX)

enum loop_state { LOOP_RUN, LOOP_FORCING, LOOP_EXIT };

static struct daemon_cfg daemon_cfg_g;
static enum loop_state loop_state = LOOP_RUN;
static int loop_sig_fd = -1;
static int loop_stop_fd = -1;       /* eventfd: forced stop finished */
static pthread_t loop_stop_thread;
static int loop_stop_started;
static struct pollfd loop_pfds[LOOP_PFD_COUNT];
static int loop_nslots;             /* client slots in loop_pfds */

const struct daemon_cfg *daemon_cfg(void)
{
	return &daemon_cfg_g;
}

/* ---------------- shutdown ---------------- */

static void *loop_stop_main(void *arg)
{
	uint64_t one = 1;
	ssize_t rv;

	(void)arg;
	/* Lease holders are killed (and their leases dropped without disk
	 * I/O) before their lockspaces go (res.h). */
	res_shutdown_kill();
	ls_stop_all();
	rv = write(loop_stop_fd, &one, sizeof(one));
	(void)rv;
	return NULL;
}

void loop_shutdown(int force)
{
	if (loop_state == LOOP_EXIT)
		return;
	if (!force) {
		if (loop_state == LOOP_RUN)
			loop_state = LOOP_EXIT;
		return;
	}
	if (loop_state == LOOP_FORCING)
		return;
	log_warn("forced shutdown: stopping lockspaces");
	/* loop_stop_main kills lease holders first (res_shutdown_kill). */
	if (pthread_create(&loop_stop_thread, NULL, loop_stop_main, NULL)) {
		log_error("cannot start shutdown thread, stopping inline");
		res_shutdown_kill();
		ls_stop_all();
		loop_state = LOOP_EXIT;
		return;
	}
	loop_stop_started = 1;
	loop_state = LOOP_FORCING;
}

int loop_shutting_down(void)
{
	return loop_state != LOOP_RUN;
}

void loop_status_rt(struct status_daemon_rt *rt)
{
	rt->helper_pid = helper_pid();
	rt->helper_kill_fd = helper_kill_fd();
	rt->helper_full_count = helper_full_count();
	rt->helper_last_status = helper_last_status();
	rt->monotime = monotime();
}

/* ---------------- start-up steps ---------------- */

static void daemon_env(struct daemon_cfg *cfg)
{
	const char *rd = getenv("SANLOCK_RUN_DIR");
	const char *pr = getenv("SANLOCK_PRIVILEGED");
	char cwd[PATH_MAX];
	size_t n = 0;

	if (!rd || !rd[0])
		rd = SANLK_RUN_DIR_DEFAULT;
	/* A relative run dir is made absolute before the chdir("/") of
	 * daemonizing (clients resolve it from their own cwd). */
	cfg->run_dir[0] = '\0';
	if (rd[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		n = strlen(cwd);
		if (n + 1 < sizeof(cfg->run_dir)) {
			memcpy(cfg->run_dir, cwd, n);
			cfg->run_dir[n++] = '/';
		}
	}
	snprintf(cfg->run_dir + n, sizeof(cfg->run_dir) - n, "%s", rd);
	/* Exactly "1" (or unset) is privileged (cli.md §2.1). */
	cfg->privileged = !pr || !strcmp(pr, "1");
}

static int daemon_daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);         /* the invoking process exits 0 (§2.11) */
	setsid();
	/* Descriptors inherited from the invoker (none of ours exist yet)
	 * must not keep its pipes or files open. */
	close_range(3, ~0u, 0);
	if (chdir("/") < 0)
		return -errno;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static int daemon_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* Blocked in every thread (they inherit the mask) and read from a
	 * signalfd by the main loop only. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL))
		return -EINVAL;
	loop_sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return loop_sig_fd < 0 ? -errno : 0;
}

static void daemon_ls_init(const struct daemon_cfg *cfg)
{
	struct ls_config lc;

	memset(&lc, 0, sizeof(lc));
	snprintf(lc.our_host_name, sizeof(lc.our_host_name), "%s",
		 cfg->our_host_name);
	lc.default_io_timeout = cfg->io_timeout;
	lc.watchdog_fire_timeout = cfg->watchdog_fire_timeout;
	lc.use_watchdog = cfg->use_watchdog;
	lc.renewal_history_size = cfg->renewal_history_size;
	lc.set_bitmap_seconds = cfg->set_bitmap_seconds;
	lc.debug_renew = cfg->debug_renew;
	lc.renewal_read_extend_sec = cfg->renewal_read_extend_sec < 0 ?
		0 : cfg->renewal_read_extend_sec;
	ls_init(&lc);
}

static void daemon_log_started(const struct daemon_cfg *cfg)
{
	if (cfg->io_timeout != DEF_IO_TIMEOUT ||
	    cfg->watchdog_fire_timeout != DEF_WATCHDOG_FIRE_TIMEOUT)
		log_warn("sanlock daemon started %s host %s (%s) io_timeout %d "
			 "watchdog_fire_timeout %d", SANLOCK_VERSION_STR,
			 cfg->our_host_name, cfg->node_name, cfg->io_timeout,
			 cfg->watchdog_fire_timeout);
	else
		log_warn("sanlock daemon started %s host %s (%s)",
			 SANLOCK_VERSION_STR, cfg->our_host_name,
			 cfg->node_name);
}

/* ---------------- main loop ---------------- */

/* Rebuilt before every poll (a connection's events change with its
 * state), but only over the slots up to the last one in use: this thread
 * alone takes and frees slots, so client_count() is exact and the scan
 * stops once it has seen them all.  An idle daemon polls 5 descriptors,
 * not CLIENT_SLOTS_MAX + 3. */
static void loop_fill_pfds(void)
{
	int used = client_count(), seen = 0, i;

	assert(used >= 0 && used <= CLIENT_SLOTS_MAX);
	loop_pfds[LOOP_PFD_SIGNAL] = (struct pollfd){ loop_sig_fd, POLLIN, 0 };
	loop_pfds[LOOP_PFD_WORKER] =
		(struct pollfd){ worker_event_fd(), POLLIN, 0 };
	loop_pfds[LOOP_PFD_STOP] = (struct pollfd){ loop_stop_fd, POLLIN, 0 };
	for (i = 0; i < CLIENT_SLOTS_MAX && seen < used; i++) {
		struct client *c = client_get(i);
		struct pollfd *p = &loop_pfds[LOOP_PFD_CLIENT0 + i];
		int ev;

		if (c->kind != CL_FREE)
			seen++;
		p->revents = 0;
		switch (c->kind) {
		case CL_HELPER:
		case CL_LISTENER:
			p->fd = c->fd;
			p->events = POLLIN;
			break;
		case CL_CONN:
			ev = conn_poll_events(c);
			p->fd = ev < 0 ? -1 : c->fd;
			p->events = (short)(ev < 0 ? 0 : ev);
			break;
		default:
			p->fd = -1;
			p->events = 0;
			break;
		}
	}
	assert(seen == used);
	loop_nslots = i;
}

static void loop_signals(void)
{
	struct signalfd_siginfo si;

	for (int i = 0; i < 16; i++) {
		ssize_t n = read(loop_sig_fd, &si, sizeof(si));

		if (n != (ssize_t)sizeof(si))
			return;
		/* SIGTERM, SIGINT, SIGHUP: a non-forced shutdown request. */
		if (ls_count() > 0) {
			log_debug("ignore shutdown, lockspace exists");
			continue;
		}
		log_debug("signal %u: shutdown", si.ssi_signo);
		loop_shutdown(0);
	}
}

static void loop_jobs_done(void)
{
	struct job *j = worker_take_done();

	while (j) {
		struct job *next = j->next;

		j->next = NULL;
		conn_job_done(j);
		j = next;
	}
}

static void loop_helper_event(struct client *c)
{
	if (helper_status_readable() == -EPIPE) {
		log_error("helper process exited");
		helper_gone();
		pthread_mutex_lock(&c->mutex);
		c->fd = -1;
		pthread_mutex_unlock(&c->mutex);
		client_release_slot(c);
	}
}

static void loop_run(void)
{
	while (loop_state != LOOP_EXIT) {
		int n;

		loop_fill_pfds();
		n = poll(loop_pfds, (nfds_t)(LOOP_PFD_CLIENT0 + loop_nslots),
			 LOOP_POLL_TIMEOUT_MS);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_error("poll error %d", errno);
			break;
		}
		if (loop_pfds[LOOP_PFD_SIGNAL].revents)
			loop_signals();
		if (loop_pfds[LOOP_PFD_WORKER].revents)
			loop_jobs_done();
		if (loop_pfds[LOOP_PFD_STOP].revents) {
			uint64_t v;
			ssize_t rv = read(loop_stop_fd, &v, sizeof(v));

			(void)rv;
			loop_state = LOOP_EXIT;
		}
		for (int i = 0; i < loop_nslots; i++) {
			const struct pollfd *p = &loop_pfds[LOOP_PFD_CLIENT0 + i];
			struct client *c;
			short re = p->revents;

			if (!re || p->fd < 0)
				continue;
			c = client_get(i);
			/* The slot may have changed since the fill. */
			if (c->fd != p->fd)
				continue;
			if (c->kind == CL_LISTENER)
				conn_accept(c->fd);
			else if (c->kind == CL_HELPER)
				loop_helper_event(c);
			else if (c->kind == CL_CONN)
				conn_event(c, re);
		}
	}
}

/* The SHUTDOWN_WAIT reply: a fresh header (api.md §8.2). */
static void loop_reply_waiters(void)
{
	struct sm_header h;

	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_PROTO;
	h.length = sizeof(h);
	for (int i = 0; i < client_slots_hwm(); i++) {
		struct client *c = client_get(i);

		if (c->kind == CL_CONN && c->io.waiting_shutdown)
			conn_send_now(c, &h, sizeof(h));
	}
}

static int loop_exit(void)
{
	int busy;

	busy = worker_stop();
	loop_jobs_done();
	res_stop();
	if (loop_stop_started)
		pthread_join(loop_stop_thread, NULL);
	/* A lockspace added while we were deciding to exit. */
	if (ls_count() > 0)
		ls_stop_all();
	loop_reply_waiters();
	helper_stop();
	dlog_stop();
	if (busy)
		_exit(0);      /* workers stuck on storage: leave now */
	return 0;
}

/* ---------------- entry ---------------- */

int daemon_main(const struct daemon_cfg *in)
{
	struct daemon_cfg *cfg = &daemon_cfg_g;
	int rv, fd, ci;

	*cfg = *in;
	daemon_env(cfg);
	daemon_cfg_finish(cfg);

	if (!cfg->debug && daemon_daemonize() < 0)
		return 1;
	log_set_stderr(cfg->debug);
	log_set_utc(cfg->logfile_use_utc);

	if (cfg->privileged && priv_raise_rlimits() < 0)
		return 1;
	priv_raise_nofile();

	rv = helper_start(cfg->privileged);
	if (rv < 0) {
		log_error("cannot start helper process: %s", strerror(-rv));
		return 1;
	}

	if (daemon_signals() < 0) {
		log_error("cannot set up signals");
		return 1;
	}
	if (dlog_init(cfg) < 0) {
		log_error("cannot start logging");
		return 1;
	}

	if (strcmp(cfg->run_dir, SANLK_RUN_DIR_DEFAULT))
		log_warn("Using non-standard run directory '%s'", cfg->run_dir);
	if (!cfg->privileged)
		log_warn("Running in unprivileged mode");

	priv_lookup_ids(cfg);
	rv = runfile_setup_dir(cfg);
	/* The log file may live in the run dir (dlog_file_path). */
	if (dlog_start(cfg) < 0)
		log_error("cannot start the log writer thread");
	if (rv < 0)
		goto fail;
	if (runfile_lock(cfg) < 0)
		goto fail;            /* the lock fd stays open until exit */

	rv = hostname_choose(cfg->our_host_name, cfg->our_host_name_cfg,
			     cfg->node_name);
	if (rv < 0) {
		log_error("cannot generate host name: %s", strerror(-rv));
		goto fail;
	}
	if (cfg->privileged)
		priv_switch_user(cfg);

	daemon_log_started(cfg);
	priv_mlock(cfg->mlock_level);
	priv_sched(cfg->high_priority);

	daemon_ls_init(cfg);
	client_table_init();
	if (res_init() < 0)
		goto fail;
	conn_init();
	loop_stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (loop_stop_fd < 0) {
		log_error("eventfd error %d", errno);
		goto fail;
	}
	ci = client_alloc(CL_HELPER, helper_status_fd(), "helper");
	if (ci != CLIENT_SLOT_HELPER) {
		log_error("helper slot error %d", ci);
		goto fail;
	}
	rv = worker_init(cfg->max_worker_threads);
	if (rv < 0) {
		log_error("cannot start worker threads: %s", strerror(-rv));
		goto fail;
	}
	fd = runfile_listen(cfg);
	if (fd < 0)
		goto fail;
	ci = client_alloc(CL_LISTENER, fd, "listener");
	if (ci != CLIENT_SLOT_LISTENER) {
		log_error("listener slot error %d", ci);
		goto fail;
	}

	loop_run();
	return loop_exit();

fail:
	helper_stop();
	dlog_stop();
	return 1;
}
