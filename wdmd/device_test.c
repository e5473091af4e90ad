/*
 * device_test.c - the software test watchdog (see device.h): a timer
 * thread that fires W seconds after the last pet, appends
 * "fired <monotonic-seconds> <reason>" to the backend file and SIGKILLs
 * wdmd's process group.
 *
 * Threads: the main thread pets (moves deadline_us), records failure
 * reasons and may fire at once; the timer thread waits for the deadline.
 * deadline_us, reason, stop and fired_line are guarded by d->lock; the
 * condition variable runs on CLOCK_MONOTONIC.  The timer keeps running
 * even if the main loop stops (a hung wdmd still fires, like hardware);
 * only stopping the whole process (SIGSTOP) defeats it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/monotime.h"
#include "wdmd/device.h"
#include "wdmd/log.h"

#define USEC 1000000u

/* Called with d->lock held.  Returns only when no_kill is set. */
static void testdev_fire_locked(struct wdmd_dev *d, const char *reason)
{
	char line[WDMD_REASON_MAX + 64];
	ssize_t n;
	int len;

	len = snprintf(line, sizeof(line), "fired %llu %s\n",
		       (unsigned long long)monotime(), reason);
	if (len < 0 || (size_t)len >= sizeof(line)) {
		len = (int)sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	n = write(d->fd, line, (size_t)len);
	d->fired_line = 1;
	wdmd_log("test backend fired: %s%s", reason,
		 n == len ? "" : " (write to backend file failed)");
	if (d->no_kill)
		return;
	kill(0, SIGKILL);
	/* not reached unless kill failed: the process must still die */
	raise(SIGKILL);
	_exit(137);
}

static void *testdev_timer(void *arg)
{
	struct wdmd_dev *d = arg;
	struct timespec ts;
	uint64_t now;

	pthread_mutex_lock(&d->lock);
	/* Each pass either fires, stops, or sleeps until the deadline or a
	 * change of it; the loop ends with the process or with stop. */
	while (!d->stop && !d->fired_line) {
		now = monotime_usec();
		if (now >= d->deadline_us) {
			testdev_fire_locked(d, d->reason);
			break;
		}
		ts.tv_sec = (time_t)(d->deadline_us / USEC);
		ts.tv_nsec = (long)(d->deadline_us % USEC) * 1000;
		pthread_cond_timedwait(&d->cond, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int wdmd_testdev_open(struct wdmd_dev *d, const char *file, int fire_timeout)
{
	pthread_condattr_t ca;
	int rv;

	d->fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (d->fd < 0) {
		rv = -errno;
		wdmd_log("test backend %s open error %d", file, -rv);
		return rv;
	}
	snprintf(d->path, sizeof(d->path), "%s", file);
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	d->deadline_us = monotime_usec() + (uint64_t)fire_timeout * USEC;
	snprintf(d->reason, sizeof(d->reason), "no-keepalive");
	d->kind = WDMD_DEV_TEST;

	rv = pthread_create(&d->thread, NULL, testdev_timer, d);
	if (rv) {
		wdmd_log("test backend timer thread error %d", rv);
		close(d->fd);
		d->fd = -1;
		d->kind = WDMD_DEV_NONE;
		return -rv;
	}
	d->thread_started = 1;
	wdmd_log("test backend %s armed with fire_timeout %d", file, fire_timeout);
	return 0;
}

int wdmd_testdev_pet(struct wdmd_dev *d, uint64_t checked_us)
{
	uint64_t deadline = checked_us + (uint64_t)d->fire_timeout * USEC;

	pthread_mutex_lock(&d->lock);
	if (d->fired_line) {
		pthread_mutex_unlock(&d->lock);
		return -EPERM;
	}
	if (deadline > d->deadline_us)
		d->deadline_us = deadline;
	snprintf(d->reason, sizeof(d->reason), "no-keepalive");
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void wdmd_testdev_failing(struct wdmd_dev *d, const char *reason)
{
	pthread_mutex_lock(&d->lock);
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
	pthread_mutex_unlock(&d->lock);
}

int wdmd_testdev_fire_now(struct wdmd_dev *d, const char *reason)
{
	pthread_mutex_lock(&d->lock);
	if (!d->fired_line)
		testdev_fire_locked(d, reason);
	pthread_cond_signal(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void wdmd_testdev_close(struct wdmd_dev *d)
{
	if (d->thread_started) {
		pthread_mutex_lock(&d->lock);
		d->stop = 1;
		pthread_cond_signal(&d->cond);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
		d->thread_started = 0;
		pthread_cond_destroy(&d->cond);
		pthread_mutex_destroy(&d->lock);
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	wdmd_log("test backend %s disarmed", d->path);
}
