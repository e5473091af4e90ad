/*
 * device_real.c - the kernel watchdog device (see device.h): candidate
 * list, open + timeout check, keepalive, fire now, magic close.
 *
 * State: the fd and path in struct wdmd_dev, main thread only.  Opening a
 * watchdog device arms it: every failure path after a successful open
 * disarms it again with the magic close before returning.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wdmd/device.h"
#include "wdmd/log.h"

static const char *const realdev_fixed[] = {
	"/dev/watchdog0", "/dev/watchdog1", "/dev/watchdog",
};

int wdmd_realdev_candidates(const char *wpath, const char *out[4])
{
	int n = 0;
	size_t i;

	if (wpath && wpath[0])
		out[n++] = wpath;
	for (i = 0; i < sizeof(realdev_fixed) / sizeof(realdev_fixed[0]); i++)
		out[n++] = realdev_fixed[i];
	return n;
}

/* Write the magic character and close: the driver disarms (unless it was
 * built with nowayout).  Quiet when path is NULL. */
void wdmd_realdev_magic_close(int fd, const char *path)
{
	ssize_t n;

	if (fd < 0)
		return;
	n = write(fd, "V", 1);
	if (n != 1 && path)
		wdmd_log("%s magic close write error %d: the device stays armed",
			 path, n < 0 ? errno : EIO);
	close(fd);
	if (n == 1 && path)
		wdmd_log("%s disarmed", path);
}

int wdmd_realdev_try(const char *path, int fire_timeout, const char **step)
{
	const char *forbid = getenv(WDMD_NO_DEVICE_ENV);
	struct stat st;
	int fd, t, rv;

	if (stat(path, &st) < 0) {
		*step = "stat";
		return -errno;
	}
	/* Never open (and so never arm) anything but a character device,
	 * nor anything at all where the test guard is set. */
	if (!S_ISCHR(st.st_mode) || (forbid && forbid[0])) {
		*step = "open";
		return S_ISCHR(st.st_mode) ? -EPERM : -ENOTTY;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		*step = "open";
		return -errno;
	}
	t = 0;
	if (ioctl(fd, WDIOC_GETTIMEOUT, &t) < 0) {
		*step = "ioctl gettimeout";
		goto fail_errno;
	}
	if (t != fire_timeout) {
		t = fire_timeout;
		if (ioctl(fd, WDIOC_SETTIMEOUT, &t) < 0) {
			*step = "ioctl settimeout";
			goto fail_errno;
		}
		t = 0;
		if (ioctl(fd, WDIOC_GETTIMEOUT, &t) < 0) {
			*step = "ioctl gettimeout";
			goto fail_errno;
		}
		if (t != fire_timeout) {
			*step = "invalid timeout";
			wdmd_realdev_magic_close(fd, NULL);
			return -EINVAL;
		}
	}
	return fd;

fail_errno:
	rv = -errno;
	wdmd_realdev_magic_close(fd, NULL);
	return rv;
}

int wdmd_realdev_open(struct wdmd_dev *d, const char *wpath, int fire_timeout)
{
	const char *cand[4];
	const char *step = "";
	int n, i, fd;

	n = wdmd_realdev_candidates(wpath, cand);
	for (i = 0; i < n; i++) {
		fd = wdmd_realdev_try(cand[i], fire_timeout, &step);
		if (fd < 0) {
			wdmd_debug("error %d %s %s", -fd, step, cand[i]);
			continue;
		}
		d->kind = WDMD_DEV_REAL;
		d->fd = fd;
		snprintf(d->path, sizeof(d->path), "%s", cand[i]);
		wdmd_log("%s armed with fire_timeout %d", d->path, fire_timeout);
		return 0;
	}
	wdmd_log("no watchdog device, load a watchdog driver");
	return -ENODEV;
}

int wdmd_realdev_pet(struct wdmd_dev *d)
{
	int dummy = 0;

	if (ioctl(d->fd, WDIOC_KEEPALIVE, &dummy) < 0) {
		int rv = -errno;

		wdmd_log("%s keepalive error %d", d->path, -rv);
		return rv;
	}
	return 0;
}

int wdmd_realdev_fire_now(struct wdmd_dev *d)
{
	int t = 1;

	if (ioctl(d->fd, WDIOC_SETTIMEOUT, &t) < 0) {
		int rv = -errno;

		wdmd_log("%s fire now: settimeout 1 error %d, reset within %d s of the last keepalive",
			 d->path, -rv, d->fire_timeout);
		return rv;
	}
	wdmd_log("%s fire now: timeout set to %d s, no more keepalives",
		 d->path, t);
	return 0;
}
