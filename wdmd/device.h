/*
 * device.h - the watchdog wdmd pets: the real kernel device or the
 * software test backend (spec/cli.md §4.5, §4.10; this project's
 * --test-backend).
 *
 * Real device (device_real.c): the first of -w PATH, /dev/watchdog0,
 * /dev/watchdog1, /dev/watchdog that opens and runs with the fire timeout
 * W (WDIOC_SETTIMEOUT if needed, re-checked); stays open for wdmd's whole
 * life; pet = WDIOC_KEEPALIVE; a failing round just skips the pet (the
 * device is never closed unclean, which would ping it); clean quit = write
 * 'V' (magic close).  Fire now = WDIOC_SETTIMEOUT 1 (Linux pings while
 * setting it, so the reset follows about 1 s later; a driver with a
 * larger minimum fires after its minimum) and never pet again; if the
 * driver refuses, it fires W seconds after the last pet.
 * $WDMD_TEST_NO_DEVICE (non-empty) makes every open of a real device fail
 * with EPERM, a guard for test environments.
 *
 * Test backend (device_test.c): a timer thread that fires W seconds after
 * the last pet; firing appends "fired <monotonic-seconds> <reason>\n" to
 * the file and SIGKILLs wdmd's process group (kill(0, SIGKILL)).  Reason:
 * "expired <name>", "dead <name>", "script <name>" for the failure seen in
 * the last failing round, "fire-now <text>", or "no-keepalive" when no
 * round failed (wdmd's main loop stopped running rounds).
 *
 * Ownership: struct wdmd_dev belongs to the main thread, except the test
 * backend's timer fields (deadline_us, reason, stop), guarded by lock and
 * shared with the timer thread.
 */
#ifndef WDMD_DEVICE_H
#define WDMD_DEVICE_H

#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "wdmd/bounds.h"
#include "wdmd/options.h"

enum wdmd_dev_kind { WDMD_DEV_NONE = 0, WDMD_DEV_REAL, WDMD_DEV_TEST };

struct wdmd_dev {
	int kind;
	int fire_timeout;          /* W, seconds */
	int fd;                    /* device fd, or the test backend's file */
	int fired;                 /* FIRE_NOW latched: never pet again */
	char path[PATH_MAX];
	/* test backend */
	int no_kill;               /* unit tests: write the line, do not kill */
	int thread_started;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t deadline_us;      /* lock: last pet + W */
	int stop;                  /* lock: clean quit */
	int fired_line;            /* lock: the fired line was written */
	char reason[WDMD_REASON_MAX]; /* lock */
};

#define WDMD_NO_DEVICE_ENV "WDMD_TEST_NO_DEVICE"

/* Open the backend chosen by the options; the device is armed (and
 * counts as petted now) on success.  Logs; 0 or -errno. */
int wdmd_dev_open(struct wdmd_dev *d, const struct wdmd_opts *o);

/* Pet the device.  checked_us: the monotonic time at which the round
 * decided to pet (the test backend's timer restarts from it, never from a
 * later time).  Refused (-EPERM) once fired. */
int wdmd_dev_pet(struct wdmd_dev *d, uint64_t checked_us);

/* A round failed: no pet; remember why (test backend's fired line). */
void wdmd_dev_failing(struct wdmd_dev *d, const char *reason);

/* Fire as soon as possible and latch it (see above).  The test backend
 * does not return unless no_kill is set. */
int wdmd_dev_fire_now(struct wdmd_dev *d, const char *reason);

/* Clean quit: magic close / stop the timer without firing. */
void wdmd_dev_close_clean(struct wdmd_dev *d);

/* --- backend entry points (device_real.c, device_test.c) --- */

/* Try one real device path with fire timeout W.  On failure returns
 * -errno and sets *step to "stat", "open", "ioctl gettimeout",
 * "ioctl settimeout" or "invalid timeout".  On success returns the open,
 * armed fd. */
int wdmd_realdev_try(const char *path, int fire_timeout, const char **step);

/* The candidate list: -w path (may be NULL), then the fixed paths.
 * Returns the number of entries written to out (at most 4). */
int wdmd_realdev_candidates(const char *wpath, const char *out[4]);

int wdmd_realdev_open(struct wdmd_dev *d, const char *wpath, int fire_timeout);
int wdmd_realdev_pet(struct wdmd_dev *d);
int wdmd_realdev_fire_now(struct wdmd_dev *d);
void wdmd_realdev_magic_close(int fd, const char *path);

int wdmd_testdev_open(struct wdmd_dev *d, const char *file, int fire_timeout);
int wdmd_testdev_pet(struct wdmd_dev *d, uint64_t checked_us);
void wdmd_testdev_failing(struct wdmd_dev *d, const char *reason);
int wdmd_testdev_fire_now(struct wdmd_dev *d, const char *reason);
void wdmd_testdev_close(struct wdmd_dev *d);

#endif /* WDMD_DEVICE_H */
