/*
 * env_disk.h - the real struct lease_env: lease algorithms running over
 * disk/ handles (files and block devices, O_DIRECT, libaio with timeouts),
 * the monotonic clock, nanosleep with an abort flag, and a per-env
 * xorshift random generator seeded from getrandom().
 *
 * This is the only lease/ code that knows about disk/ (env_disk.c includes
 * disk.h; this header only forward-declares the handle type).
 *
 * Threads: an env_disk, like any lease_env, is used by one thread at a time
 * (its owner); the abort flag it points to may be set from any thread and
 * is only read here.
 */
#ifndef LEASE_ENV_DISK_H
#define LEASE_ENV_DISK_H

#include <stdint.h>

#include "lease/lease_env.h"

struct disk_handle;

/* Sleeps are cut into slices this long so an abort is noticed quickly. */
#define ENV_DISK_SLEEP_SLICE_USEC 100000u

struct env_disk {
	struct lease_env env;                       /* env.ctx == this */
	struct disk_handle *disks[LEASE_MAX_DISKS]; /* disk numbers 0..num_disks-1 */
	int num_disks;
	int owns_disks;                             /* env_disk_close closes them */
	const volatile int *abort_flag;             /* non-zero: stop sleeping */
	uint64_t rng;                               /* xorshift64* state, never 0 */
};

/* Wrap handles the caller opened (and will close).  num_disks 1..4.
 * abort_flag may be NULL (sleeps then run to the end). */
void env_disk_init(struct env_disk *ed, struct disk_handle *const *disks,
		   int num_disks, const volatile int *abort_flag);

/* Open every path (disk_open flags, DISK_OPEN_*) and wrap the handles;
 * env_disk_close closes them.  On failure nothing stays open, *failed (if
 * not NULL) is the index of the path that failed, and the disk_open error
 * is returned (-ENOENT, -EACCES, -EISDIR, -EINVAL ...). */
int  env_disk_open(struct env_disk *ed, const char *const *paths, int num_disks,
		   uint32_t open_flags, const volatile int *abort_flag,
		   int *failed);
/* Close the handles if env_disk_open opened them; forget them either way. */
void env_disk_close(struct env_disk *ed);

/* The handle behind disk number i (NULL when out of range). */
struct disk_handle *env_disk_handle(struct env_disk *ed, int i);

#endif /* LEASE_ENV_DISK_H */
