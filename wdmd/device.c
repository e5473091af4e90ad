/*
 * device.c - dispatch to the real watchdog device or the test backend
 * (see device.h).  Main thread only.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "wdmd/device.h"
#include "wdmd/log.h"

int wdmd_dev_open(struct wdmd_dev *d, const struct wdmd_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->fire_timeout = o->fire_timeout;
	assert(d->fire_timeout >= WDMD_FIRE_TIMEOUT_MIN &&
	       d->fire_timeout <= WDMD_FIRE_TIMEOUT_MAX);
	if (o->test_backend) {
		if (o->watchdog)
			wdmd_log("test backend in use, ignoring -w %s", o->watchdog);
		return wdmd_testdev_open(d, o->test_backend, o->fire_timeout);
	}
	return wdmd_realdev_open(d, o->watchdog, o->fire_timeout);
}

int wdmd_dev_pet(struct wdmd_dev *d, uint64_t checked_us)
{
	if (d->fired)
		return -EPERM;
	switch (d->kind) {
	case WDMD_DEV_REAL:
		return wdmd_realdev_pet(d);
	case WDMD_DEV_TEST:
		return wdmd_testdev_pet(d, checked_us);
	default:
		return -ENODEV;
	}
}

void wdmd_dev_failing(struct wdmd_dev *d, const char *reason)
{
	if (d->kind == WDMD_DEV_TEST)
		wdmd_testdev_failing(d, reason);
}

int wdmd_dev_fire_now(struct wdmd_dev *d, const char *reason)
{
	d->fired = 1;
	wdmd_log("fire now: %s", reason);
	switch (d->kind) {
	case WDMD_DEV_REAL:
		return wdmd_realdev_fire_now(d);
	case WDMD_DEV_TEST:
		return wdmd_testdev_fire_now(d, reason);
	default:
		return -ENODEV;
	}
}

void wdmd_dev_close_clean(struct wdmd_dev *d)
{
	switch (d->kind) {
	case WDMD_DEV_REAL:
		if (d->fired) {
			/* never disarm a device that was told to fire */
			wdmd_log("%s fire pending, not disarmed", d->path);
			return;
		}
		wdmd_realdev_magic_close(d->fd, d->path);
		d->fd = -1;
		break;
	case WDMD_DEV_TEST:
		wdmd_testdev_close(d);
		break;
	default:
		break;
	}
	d->kind = WDMD_DEV_NONE;
}
