/*
 * fuzz_memenv.h - a minimal in-memory struct lease_env for the lease/
 * harnesses (fuzz_delta_scan, fuzz_paxos_scan): FZ_ENV_DISKS zeroed disks
 * of FZ_ENV_DISK_SIZE bytes, a virtual clock that only sleeps advance,
 * xorshift randomness, and simple fault injection (the Nth I/O fails with
 * a given result; a timed-out write may or may not land; the Nth sleep is
 * aborted).  Much lighter than tests/unit/memdisk.c: no log, no
 * scheduler, and a reset only clears the bytes that were touched, so one
 * input costs little more than the I/O the code under test does.
 *
 * Single-threaded: one env per harness process, reused for every input.
 */
#ifndef FUZZ_MEMENV_H
#define FUZZ_MEMENV_H

#include <stddef.h>
#include <stdint.h>

#include "lease/lease_env.h"

#define FZ_ENV_DISKS      LEASE_MAX_DISKS
/* 8 MiB areas at offsets up to 3 MiB, and the LVB sector of a 4096-byte
 * sector lease (2002 * 4096 bytes past the area start). */
#define FZ_ENV_DISK_SIZE  (12u << 20)
#define FZ_ENV_START_SEC  1000

struct fz_env {
	struct lease_env env;           /* env.ctx == this */
	uint8_t *disk[FZ_ENV_DISKS];
	uint64_t lo[FZ_ENV_DISKS];      /* touched range [lo, hi) */
	uint64_t hi[FZ_ENV_DISKS];
	uint64_t clock_usec;
	uint32_t rnd;
	int      frozen;                /* sleeps do not advance the clock */
	/* counters */
	uint64_t ios, reads, writes, sleeps;
	long     bufs_live;
	/* faults: I/O number fail_io (1-based, 0 = none) returns fail_rv;
	 * a failed write lands when fail_lands; sleep number abort_sleep
	 * (1-based, 0 = none) returns 1 */
	uint64_t fail_io;
	int      fail_rv;
	int      fail_lands;
	uint64_t abort_sleep;
	/* limits: give up (abort the input as "too slow") past these */
	uint64_t max_sleeps;
};

/* Allocate the disks once. */
void fz_env_init(struct fz_env *e);
/* Zero what the last input touched, reset clock, counters and faults. */
void fz_env_reset(struct fz_env *e);
/* Put bytes on a disk (not counted as I/O). */
void fz_env_load(struct fz_env *e, int disk, uint64_t off, const void *p,
		 size_t len);
uint8_t *fz_env_bytes(struct fz_env *e, int disk, uint64_t off, size_t len);

#endif /* FUZZ_MEMENV_H */
