/*
 * memdisk.h - an in-memory struct lease_env for unit tests of lease/:
 * up to MEMDISK_MAX_DISKS sector arrays, a virtual monotonic clock that
 * only sleeps (and timed-out I/O) advance, an I/O log, and fault rules:
 * fail / time out / delay the Nth matching I/O, let a timed-out or failed
 * write land later (after N more I/Os or at a virtual time) or never, abort
 * a sleep, or call a test function at a chosen step (e.g. to inject another
 * host's write with memdisk_poke).
 *
 * Several simulated hosts share one memdisk: each gets its own env
 * (memdisk_env) with its own clock offset.  Used from one thread, sleeps
 * just advance the clock.  memdisk_run() runs one thread per host under a
 * deterministic cooperative scheduler: only one host runs at a time, every
 * read/write/sleep is a switch point (round-robin, or seeded random), and
 * the clock jumps to the earliest wake-up when every live host sleeps.
 *
 * Threads: all state is guarded by the baton of the scheduler (one host
 * runs at a time; hand-over under md->mu) or, without memdisk_run, used by
 * one thread only.  Generic: knows nothing about lease formats.
 */
#ifndef TESTS_MEMDISK_H
#define TESTS_MEMDISK_H

#include <stddef.h>
#include <stdint.h>

#include "lease/lease_env.h"

#define MEMDISK_MAX_DISKS   LEASE_MAX_DISKS
#define MEMDISK_MAX_HOSTS   8
#define MEMDISK_MAX_RULES   32
#define MEMDISK_MAX_PENDING 32        /* late writes waiting to land */
#define MEMDISK_LOG_MAX     8192      /* ops recorded (older ones kept) */
#define MEMDISK_MAX_STEPS   10000000u /* ops before memdisk aborts the test */
#define MEMDISK_START_SEC   1000      /* the virtual clock starts here */

/* ops (bit mask for rules) */
#define MEMDISK_OP_READ   0x1u
#define MEMDISK_OP_WRITE  0x2u
#define MEMDISK_OP_SLEEP  0x4u
#define MEMDISK_OP_IO     (MEMDISK_OP_READ | MEMDISK_OP_WRITE)
#define MEMDISK_OP_ANY    (MEMDISK_OP_IO | MEMDISK_OP_SLEEP)

enum memdisk_action {
	MEMDISK_ACT_NONE = 0,
	MEMDISK_ACT_FAIL,     /* I/O returns rule.rv at once; a read fills
			       * the buffer with garbage; a write lands only
			       * as rule.lands says */
	MEMDISK_ACT_TIMEOUT,  /* the caller waits timeout_sec of virtual time
			       * and gets SANLK_AIO_TIMEOUT; read buffer =
			       * garbage; a write lands as rule.lands says */
	MEMDISK_ACT_DELAY,    /* the I/O takes delay_usec (>= its timeout:
			       * behaves as TIMEOUT) */
	MEMDISK_ACT_ABORT,    /* sleep returns 1 at once (abort the wait) */
	MEMDISK_ACT_CALL,     /* call fn before the op, then do it normally */
};

struct memdisk;

struct memdisk_event {
	uint64_t seq;        /* 1-based, all ops of all hosts */
	int      host;
	unsigned op;         /* MEMDISK_OP_READ / _WRITE / _SLEEP */
	int      disk;
	uint64_t offset;
	size_t   len;
	int      timeout_sec;
	uint64_t usec;       /* sleep length */
	uint64_t start_usec; /* virtual clock at the start of the op */
	uint64_t end_usec;   /* ... and at its end (log only) */
	int      rv;         /* result (log only) */
	int      fault;      /* enum memdisk_action applied (log only) */
};

typedef void (*memdisk_call_fn)(struct memdisk *md, void *arg,
				const struct memdisk_event *ev);

struct memdisk_rule {
	int      host;        /* -1: any host */
	unsigned ops;         /* MEMDISK_OP_* mask */
	int      disk;        /* -1: any disk */
	uint64_t nth;         /* first firing on the nth matching op (1-based; 0 = 1) */
	uint64_t count;       /* number of firings (0 = 1) */
	int      action;      /* enum memdisk_action */
	int      rv;          /* FAIL: the result */
	uint64_t delay_usec;  /* DELAY */
	/* FAIL/TIMEOUT/DELAY writes: 0 = never lands; 1 = lands before the
	 * land_after_ios-th later I/O (0: at once, before the caller sees the
	 * error) or once the clock reaches the op's end + land_after_usec
	 * (if non-zero), whichever comes first. */
	int      lands;
	uint64_t land_after_ios;
	uint64_t land_after_usec;
	memdisk_call_fn fn;   /* CALL */
	void    *arg;
};

/* A rule matching every op of every host and disk, action NONE: set the
 * fields you need after this. */
void memdisk_rule_init(struct memdisk_rule *rule);

/* num_disks disks of size bytes each (multiple of sector_size), zeroed. */
struct memdisk *memdisk_create(uint32_t sector_size, uint64_t size, int num_disks);
void memdisk_destroy(struct memdisk *md);

/* env for simulated host `host` (0..MEMDISK_MAX_HOSTS-1). */
void memdisk_env(struct memdisk *md, int host, struct lease_env *env);

/* Whether envs made by later memdisk_env calls offer write_batch, and in
 * which order its writes then land (each is an ordinary logged write). */
enum memdisk_batch {
	MEMDISK_BATCH_NONE = 0,      /* env->write_batch NULL (default) */
	MEMDISK_BATCH_IN_ORDER,
	MEMDISK_BATCH_REVERSED,
};
void memdisk_set_batch(struct memdisk *md, enum memdisk_batch mode);

/* Virtual clock (µs) shared by all hosts; a host's now() is
 * clock/1e6 + its offset (seconds; monotonic clocks of hosts differ). */
uint64_t memdisk_clock_usec(const struct memdisk *md);
uint64_t memdisk_now(const struct memdisk *md, int host);
void memdisk_advance(struct memdisk *md, uint64_t usec);
void memdisk_set_clock_offset(struct memdisk *md, int host, int64_t sec);
/* 1: sleeps no longer advance the clock (tests of broken clocks). */
void memdisk_freeze_clock(struct memdisk *md, int frozen);
void memdisk_seed(struct memdisk *md, uint32_t seed);

/* Direct access to the bytes, bypassing rules and the log. */
uint8_t *memdisk_data(struct memdisk *md, int disk);
void memdisk_poke(struct memdisk *md, int disk, uint64_t offset,
		  const void *data, size_t len);
void memdisk_peek(struct memdisk *md, int disk, uint64_t offset,
		  void *data, size_t len);

/* Returns the rule index, or -1 when full. */
int  memdisk_add_rule(struct memdisk *md, const struct memdisk_rule *rule);
void memdisk_clear_rules(struct memdisk *md);
/* Times rule `idx` fired. */
uint64_t memdisk_rule_fired(const struct memdisk *md, int idx);

/* Late writes: number pending; land all now; drop all (they never land). */
int  memdisk_pending(const struct memdisk *md);
void memdisk_land_pending(struct memdisk *md);
void memdisk_drop_pending(struct memdisk *md);

/* Op log (oldest first), total ops, buffers allocated and not freed. */
const struct memdisk_event *memdisk_log(const struct memdisk *md, size_t *n);
void memdisk_log_clear(struct memdisk *md);
uint64_t memdisk_ops(const struct memdisk *md);
long memdisk_bufs_live(const struct memdisk *md);

/* Scheduled multi-host run: fns[i](args[i]) is host i's program, run with
 * memdisk_env(md, i, ...).  Returns when every host's function returned.
 * random_seed 0: round-robin switching at every op; else a seeded random
 * choice among the runnable hosts. */
typedef void (*memdisk_host_fn)(void *arg);
void memdisk_run(struct memdisk *md, int nhosts, memdisk_host_fn fns[],
		 void *args[], uint32_t random_seed);

#endif /* TESTS_MEMDISK_H */
