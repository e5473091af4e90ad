/*
 * delta.h - the delta lease (host_id lease) of a lockspace: acquire,
 * renewal and release of one host_id slot, as spec/algorithms.md §3 and
 * spec/ondisk.md §4.3 describe, plus the timeout formulas of §2.1 that the
 * daemon, wdmd glue and tests share.
 *
 * Pure algorithm: storage and time are reached only through the caller's
 * struct lease_env (lease/lease_env.h).  No threads, no globals, no logging.
 *
 * Ownership: a struct delta_lease belongs to one thread at a time (the
 * lockspace's renewal thread, or a `sanlock direct` command).  Other
 * threads that want its fields (last_success for the watchdog expiry, last
 * for status) must copy them under the caller's own lock; this module takes
 * none.
 *
 * Results: 0 on success, else a negative SANLK_* code (include/sanlock_rv.h)
 * or a negative errno, exactly as algorithms.md §3 gives them:
 *   SANLK_LEADER_MAGIC / _VERSION / _LOCKSPACE / _CHECKSUM  bad record (§9.1)
 *   SANLK_LEADER_SECTORSIZE / SANLK_ADDLS_SIZES             bad sizes (probe)
 *   SANLK_ADDLS_INVALID_HOSTID                               host_id > max_hosts
 *   SANLK_HOSTID_BUSY      the slot is used by another host (acquire)
 *   SANLK_RENEW_OWNER      our slot has another owner_id/generation/name
 *   SANLK_RENEW_DIFF       our slot differs from our last successful write
 *   SANLK_AIO_TIMEOUT      an I/O timed out (a write may still land later)
 *   DELTA_ABORTED          env->sleep_usec asked us to stop waiting
 *   -ETIMEDOUT             the env clock did not advance while we slept
 *   DELTA_RELEASE_SKIPPED  release not written: latest renewal failed
 *   -EOVERFLOW             the slot's owner_generation cannot be incremented
 *   -EINVAL                bad parameters; -errno from the env's I/O.
 */
#ifndef LEASE_DELTA_H
#define LEASE_DELTA_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "sanlock_rv.h"
#include "ondisk/ondisk.h"
#include "lease/lease_env.h"

/* ---- limits ---- */

#define DELTA_IO_TIMEOUT_MAX    255   /* stored in 8 bits (algorithms.md §2.2) */
#define DELTA_FIRE_TIMEOUT_MAX  3600  /* sanity bound on W */
#define DELTA_HOST_NAME_MAX     48    /* SANLK_NAME_LEN; 47 fit on disk + NUL */
#define DELTA_SLEEP_STEP_USEC   1000000u /* waits are loops of 1 s sleeps */
/* A wait of S seconds gives up (-ETIMEDOUT) after 2*S + this many sleeps
 * if the clock has still not advanced S seconds (broken env clock). */
#define DELTA_WAIT_EXTRA_STEPS  60

/* Abort of a wait (lockspace removal, shutdown): algorithms.md §3.3 steps
 * 5 and 8 say -201. */
#define DELTA_ABORTED           SANLK_ERROR
/* delta_lease_release did not write: the latest renewal (or the acquire)
 * failed, so our slot may belong to someone else now (algorithms.md §3.5). */
#define DELTA_RELEASE_SKIPPED   (-ESTALE)

/* ---- timeouts (algorithms.md §2.1): one definition for everyone ---- */

struct delta_timeouts {
	uint32_t io;              /* input: io_timeout of the host concerned */
	uint32_t w;               /* input: watchdog fire timeout W */
	uint32_t renewal;         /* id_renewal_seconds        2*io */
	uint32_t renewal_warn;    /* id_renewal_warn_seconds   6*io */
	uint32_t renewal_fail;    /* id_renewal_fail_seconds   8*io (wdmd expiry offset) */
	uint32_t host_dead;       /* host_dead_seconds         8*io + W */
	uint32_t short_delay;     /* delta_short_delay         2*io */
	uint32_t held_wait;       /* max(8*io, 8*io + W)       = 8*io + W */
	uint32_t set_bitmap;      /* set_bitmap_seconds        6*io (default; -b overrides) */
	uint32_t renew_write_io;  /* renewal write I/O timeout = host_dead */
	uint32_t read_extend_ms;  /* renewal read extension, default io seconds */
};

/* io may be 0 (a remote slot that advertises 0: get_hosts then uses fail 0,
 * dead W); io <= 0xFFFF and w <= DELTA_FIRE_TIMEOUT_MAX are asserted. */
struct delta_timeouts delta_timeouts(uint32_t io, uint32_t w);

/* Renewal read extension in ms from the config value renewal_read_extend_sec
 * (algorithms.md §2.1): < 0 = not configured -> io seconds; 0 -> 500 ms. */
uint32_t delta_read_extend_ms(int cfg_sec, uint32_t io);

/* 1 for the results that mean "our lease was overwritten, corrupted or
 * re-initialised" - the lockspace is lost at once (ondisk.md §9.1):
 * -260, -261, -223, -224, -225, -226, -229.  0 otherwise. */
int delta_is_corrupt_result(int rv);

/* ---- the lease ---- */

struct delta_lease_params {
	const char *space_name;   /* lockspace name, <= 48 bytes */
	const char *host_name;    /* our unique host name, 1..48 bytes */
	uint64_t    host_id;      /* 1..sizes.max_hosts */
	int         disk;         /* env disk number (delta leases use one disk) */
	uint64_t    offset;       /* lockspace area offset in bytes */
	struct ondisk_sizes sizes;/* from delta_lease_probe or the caller */
	uint32_t    io_timeout;   /* ours: 1..DELTA_IO_TIMEOUT_MAX */
	uint32_t    fire_timeout; /* W: 1..DELTA_FIRE_TIMEOUT_MAX (60 in 3.8.5) */
	int         read_extend_sec; /* < 0: default (io); 0: 0.5 s; else s */
};

struct delta_lease {
	/* configuration (delta_lease_init) */
	char     space_name[ONDISK_NAME_LEN + 1];
	char     host_name[DELTA_HOST_NAME_MAX + 1];
	uint64_t host_id;
	int      disk;
	uint64_t offset;            /* lockspace area */
	uint64_t sector_offset;     /* our sector: offset + (host_id-1)*ss */
	struct ondisk_sizes sizes;
	uint32_t io_timeout;
	uint32_t fire_timeout;
	uint32_t read_extend_ms;

	/* state, written only by acquire/renew/release/adopt */
	int      held;              /* acquired (or adopted) and not released */
	int      prev_ok;           /* latest acquire/renew write succeeded */
	int      prev_read_timeout; /* latest renewal read timed out */
	uint64_t last_success;      /* timestamp of the latest successful write */
	struct ondisk_leader last;  /* record of the latest successful write */
	uint8_t  last_rec[ONDISK_LEADER_SIZE]; /* ... as its 200 disk bytes */
};

/* Validate and copy the parameters, reset the state.  -EINVAL for a bad
 * name, io_timeout, W, offset (must be sector aligned) or host_id 0;
 * SANLK_ADDLS_INVALID_HOSTID for host_id > sizes.max_hosts. */
int delta_lease_init(struct delta_lease *dl, const struct delta_lease_params *p);

/* algorithms.md §3.3 (a)/(b): read 4096 bytes at the lockspace offset with
 * I/O timeout io, check the first record's magic and version major, and
 * take the sector/align sizes from it (sector_size not 512/4096 ->
 * SANLK_LEADER_SECTORSIZE; bad pair -> SANLK_ADDLS_SIZES). */
int delta_lease_probe(const struct lease_env *env, int disk, uint64_t offset,
		      uint32_t io_timeout, struct ondisk_sizes *out);

/* Fills our 56-byte message record (messages.md §2) for the acquire write,
 * once the new owner_generation is known. */
typedef void (*delta_msg_fill_fn)(void *arg, uint64_t owner_generation,
				  uint8_t msg[ONDISK_MSG_SIZE]);

struct delta_acquire_info {
	struct ondisk_leader prev;    /* record found before writing */
	struct ondisk_leader written; /* record written (valid on success) */
	int      fast;                /* free slot or our own name: no held wait */
	uint32_t held_wait_sec;       /* 8*oio + W waited (0 on the fast path) */
	uint32_t short_delay_sec;     /* 2*oio waited after the write */
};

/* algorithms.md §3.3 steps 1-9.  msg_fill == NULL writes like 3.8.5
 * (`sanlock direct acquire_id`): unused1/unused2 carried from the record
 * read, bytes 200..255 zero, host name over the old field keeping the
 * bytes after its NUL.  msg_fill != NULL is our daemon (messages.md §2):
 * unused1 = unused2 = 0, the message record at byte 200, and the name
 * field zero-filled after the NUL (ondisk.md §3.6 allows it).
 * On success dl is held, dl->last is the record written and
 * dl->last_success its timestamp (the caller arms the watchdog with
 * last_success + 8*io).  info may be NULL.
 * On failure dl is not held.  A failure after our write (abort of the
 * short delay, re-read error, SANLK_HOSTID_BUSY) may leave our record in
 * the slot; it is not released (the slot may be someone else's by then)
 * and simply looks dead to others after host_dead_seconds.  Waits are
 * 1 s sleeps; an abort returns DELTA_ABORTED (-201, §3.3 steps 5 and 8). */
int delta_lease_acquire(const struct lease_env *env, struct delta_lease *dl,
			delta_msg_fill_fn msg_fill, void *msg_arg,
			struct delta_acquire_info *info);

/* What a renewal publishes besides the timestamp (algorithms.md §3.4,
 * §8, §9; messages.md §2). */
struct delta_renew_extra {
	int      keep_event;        /* 1: keep write_* as read (direct renew_id) */
	uint64_t event_generation;  /* -> write_id         ("extra1") */
	uint64_t event_event;       /* -> write_generation ("extra2") */
	uint64_t event_data;        /* -> write_timestamp  ("extra3") */
	const uint8_t *bitmap;      /* ONDISK_BITMAP_SIZE bytes; NULL = zero */
	const uint8_t *msg;         /* ONDISK_MSG_SIZE bytes; NULL = zero */
};

struct delta_renew_result {
	int      read_rv;       /* 0: area_buf holds the whole area as read
				 * (hand it to host tracking even if rv != 0);
				 * SANLK_AIO_TIMEOUT: area_buf must be dropped
				 * (env->buf_free) and never reused */
	int      read_extended; /* the read used the read-extension timeout */
	int      read_timeout;  /* I/O timeout the read was given (s) */
	uint64_t read_time;     /* env->now() when the read returned */
	uint64_t timestamp;     /* timestamp written; 0 if nothing written */
};

/* One renewal attempt, algorithms.md §3.4 steps 1-9.  area_buf: at least
 * sizes.align_size bytes from env->buf_alloc, owned by the caller.
 * extra == NULL renews like `sanlock direct renew_id` (write_* kept,
 * bitmap and bytes 200..255 zero).  res may be NULL. */
int delta_lease_renew(const struct lease_env *env, struct delta_lease *dl,
		      void *area_buf, const struct delta_renew_extra *extra,
		      struct delta_renew_result *res);

/* algorithms.md §3.5: write dl->last with timestamp 0 (every other field
 * kept), msg at byte 200 (NULL = zero), bitmap zero.  Only if the latest
 * acquire/renewal succeeded, else DELTA_RELEASE_SKIPPED and nothing is
 * written.  dl is no longer held afterwards, whatever the result. */
int delta_lease_release(const struct lease_env *env, struct delta_lease *dl,
			const uint8_t *msg);

/* For `sanlock direct renew_id / release_id`: read and verify our sector
 * and take it as our last write (held, prev_ok), as 3.8.5's direct tools
 * do (they check no owner name; a free slot is renewed too).  -EINVAL
 * when the slot's owner_id is not our host_id (3.8.5 returns -22 too). */
int delta_lease_adopt(const struct lease_env *env, struct delta_lease *dl);

#endif /* LEASE_DELTA_H */
