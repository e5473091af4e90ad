/*
 * dlog.c - the daemon's log sink (see dlog.h).
 *
 * State: the ring, the queue and the counters are guarded by dlog_mutex;
 * dlog_cond wakes the writer thread.  The writer thread alone touches
 * dlog_fd and syslog.  Configuration (priorities) is copied at init and
 * read-only afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/dlog.h"
#include "daemon/logring.h"

struct dlog_entry {
	int  level;
	int  len;
	char line[LOG_LINE_MAX];
};

static pthread_mutex_t dlog_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dlog_cond = PTHREAD_COND_INITIALIZER;
static struct logring dlog_ring;
static struct dlog_entry dlog_queue[DLOG_QUEUE_MAX];
static unsigned dlog_qhead, dlog_qcount;    /* ring of queued entries */
static unsigned long dlog_dropped;
static int dlog_stopping;
static int dlog_queueing;        /* entries are queued (from dlog_init) */
static int dlog_running;         /* the writer thread exists */
static pthread_t dlog_thread;
static int dlog_fd = -1;
static int dlog_file_pri = DEF_LOGFILE_PRIORITY;
static int dlog_syslog_pri = DEF_SYSLOG_PRIORITY;

void dlog_file_path(const char *run_dir, char *out, size_t size)
{
	if (!strcmp(run_dir, SANLK_RUN_DIR_DEFAULT))
		snprintf(out, size, "%s", DLOG_FILE_SYSTEM);
	else
		snprintf(out, size, "%s/%s", run_dir, DLOG_FILE_NAME);
}

static void dlog_sink(int level, const char *line, size_t len)
{
	if (len && line[len - 1] == '\n')
		len--;
	if (len >= LOG_LINE_MAX)
		len = LOG_LINE_MAX - 1;

	pthread_mutex_lock(&dlog_mutex);
	logring_append(&dlog_ring, line, len);
	if (dlog_queueing && !dlog_stopping &&
	    (level <= dlog_file_pri || level <= dlog_syslog_pri)) {
		if (dlog_qcount == DLOG_QUEUE_MAX) {
			dlog_dropped++;
		} else {
			struct dlog_entry *e =
				&dlog_queue[(dlog_qhead + dlog_qcount) % DLOG_QUEUE_MAX];

			e->level = level;
			e->len = (int)len;
			memcpy(e->line, line, len);
			e->line[len] = '\0';
			dlog_qcount++;
			pthread_cond_signal(&dlog_cond);
		}
	}
	pthread_mutex_unlock(&dlog_mutex);
}

int dlog_init(const struct daemon_cfg *cfg)
{
	int rv;

	dlog_file_pri = cfg->logfile_priority;
	dlog_syslog_pri = cfg->syslog_priority;
	rv = logring_init(&dlog_ring, LOGRING_SIZE);
	if (rv < 0)
		return rv;
	/* Lines are queued from now on; the writer started by dlog_start
	 * (once the run dir, which may hold the log file, exists) writes
	 * them out. */
	dlog_queueing = 1;
	log_set_sink(dlog_sink);
	return 0;
}

static void dlog_write_file(const char *line, int len)
{
	char buf[LOG_LINE_MAX + 1];
	ssize_t rv;

	if (dlog_fd < 0)
		return;
	memcpy(buf, line, (size_t)len);
	buf[len] = '\n';
	rv = write(dlog_fd, buf, (size_t)len + 1);
	(void)rv;                 /* a failing log disk is not fatal */
}

static void *dlog_thread_main(void *arg)
{
	struct dlog_entry e;
	unsigned long dropped;

	(void)arg;
	pthread_mutex_lock(&dlog_mutex);
	for (;;) {
		while (!dlog_qcount && !dlog_dropped && !dlog_stopping)
			pthread_cond_wait(&dlog_cond, &dlog_mutex);
		if (!dlog_qcount && !dlog_dropped && dlog_stopping)
			break;
		dropped = dlog_dropped;
		dlog_dropped = 0;
		if (dlog_qcount) {
			e = dlog_queue[dlog_qhead];
			dlog_qhead = (dlog_qhead + 1) % DLOG_QUEUE_MAX;
			dlog_qcount--;
		} else {
			e.len = -1;
		}
		pthread_mutex_unlock(&dlog_mutex);

		if (e.len >= 0) {
			if (e.level <= dlog_file_pri)
				dlog_write_file(e.line, e.len);
			if (e.level <= dlog_syslog_pri)
				syslog(e.level, "%s", e.line);
		}
		if (dropped) {
			char text[64], line[LOG_LINE_MAX];
			int n;

			snprintf(text, sizeof(text), "dropped %lu entries", dropped);
			n = log_format_line(line, sizeof(line), text);
			if (n > 0 && n < (int)sizeof(line))
				dlog_write_file(line, n);
			syslog(LOG_ERR, "%s", text);
		}
		pthread_mutex_lock(&dlog_mutex);
	}
	pthread_mutex_unlock(&dlog_mutex);
	return NULL;
}

int dlog_start(const struct daemon_cfg *cfg)
{
	char path[DAEMON_RUN_DIR_MAX + 32];
	int rv;

	if (cfg->logfile_priority >= 0) {
		dlog_file_path(cfg->run_dir, path, sizeof(path));
		/* Cannot open: file logging silently skipped (cli.md §2.7). */
		dlog_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			       0644);
	}
	if (cfg->syslog_priority >= 0)
		openlog("sanlock", LOG_CONS | LOG_PID, LOG_DAEMON);

	pthread_mutex_lock(&dlog_mutex);
	if (dlog_running) {
		pthread_mutex_unlock(&dlog_mutex);
		return 0;
	}
	rv = pthread_create(&dlog_thread, NULL, dlog_thread_main, NULL);
	if (!rv)
		dlog_running = 1;
	else
		dlog_queueing = 0;
	pthread_mutex_unlock(&dlog_mutex);
	return -rv;
}

void dlog_stop(void)
{
	pthread_mutex_lock(&dlog_mutex);
	if (!dlog_running) {
		dlog_queueing = 0;
		pthread_mutex_unlock(&dlog_mutex);
		return;
	}
	dlog_stopping = 1;
	pthread_cond_signal(&dlog_cond);
	pthread_mutex_unlock(&dlog_mutex);
	pthread_join(dlog_thread, NULL);

	pthread_mutex_lock(&dlog_mutex);
	dlog_running = 0;
	dlog_queueing = 0;
	pthread_mutex_unlock(&dlog_mutex);
	if (dlog_fd >= 0) {
		fsync(dlog_fd);
		close(dlog_fd);
		dlog_fd = -1;
	}
	closelog();
}

size_t dlog_dump(char *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&dlog_mutex);
	n = logring_dump(&dlog_ring, out, max);
	pthread_mutex_unlock(&dlog_mutex);
	return n;
}
