/*
 * paxos.h - the resource (paxos) lease of sanlock 3.8.5: lease read,
 * acquire (exclusive and shared), release, SH<->EX conversion, the request
 * record and the owner list (spec/algorithms.md §5-§8, spec/ondisk.md
 * §4.4-4.9, §9.2-9.3).
 *
 * Pure algorithm: storage and time only through struct lease_env (disk
 * number d = the resource's d-th disk, 0..num_disks-1; every offset used is
 * offsets[d] + a position inside the paxos area), knowledge of other hosts
 * only through struct paxos_host_ops (the daemon's host table and
 * lockspace disk, or test fakes).  No threads, no globals, no logging.
 *
 * Ownership: a struct paxos_lease belongs to one thread at a time (the
 * resource worker running the operation, or the background release
 * thread); this module takes no locks.  The host ops are called on that
 * same thread; the daemon's implementation locks its host table itself.
 * Clock: the times in struct paxos_host_info (first_check, last_check,
 * last_live) MUST come from the same clock as env->now().
 *
 * Results: 0 on success, else a negative SANLK_* code (sanlock_rv.h) or a
 * negative errno, exactly as algorithms.md §5.11 gives them; -212/-213 are
 * retried internally and never returned.  Module-specific results:
 *   PAXOS_ABORTED          env->sleep_usec asked us to stop (-1, §5.4 h)
 *   PAXOS_TOO_BUSY         the leader changed PAXOS_ACQUIRE_RESTARTS_MAX
 *                          times, or PAXOS_BALLOT_RETRIES_MAX ballots were
 *                          aborted, during one acquire (-EAGAIN)
 *   -ETIMEDOUT             the env clock did not advance during a wait
 *   -EOVERFLOW             acquire/convert: the leader's lver or a dblock's
 *                          mbal on disk is too close to 2^64 to take the
 *                          next ballot number / version (bad data)
 *   -EINVAL                bad parameters (found before any write)
 */
#ifndef LEASE_PAXOS_H
#define LEASE_PAXOS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "sanlock_rv.h"
#include "ondisk/ondisk.h"
#include "lease/lease_env.h"

/* ---- limits (every loop of this module is bounded by one of these) ---- */

#define PAXOS_MAX_DISKS            LEASE_MAX_DISKS   /* SANLK_MAX_DISKS */
#define PAXOS_MAX_HOST_ID          ONDISK_DEFAULT_MAX_HOSTS  /* 2000 */
#define PAXOS_IO_TIMEOUT_MAX       255   /* algorithms.md §2.2 */
#define PAXOS_FIRE_TIMEOUT_MAX     3600  /* sanity bound on W */
#define PAXOS_SH_RETRIES_DEFAULT   8     /* daemon's sh_retries (§6.2) */
#define PAXOS_SH_RETRIES_MAX       1000
/* Restarts of the whole acquire (§5.4 i, §5.6 steps 3-4) per call.  3.8.5
 * has no limit; hitting ours returns PAXOS_TOO_BUSY. */
#define PAXOS_ACQUIRE_RESTARTS_MAX 64
/* Ballots aborted by -212/-213 and retried (§5.6 step 6) per restart.
 * 3.8.5 has no limit (each retry sleeps up to 1 s). */
#define PAXOS_BALLOT_RETRIES_MAX   1000
/* Size adoptions (§5.1) per lease read. */
#define PAXOS_SIZE_RESTARTS_MAX    2
#define PAXOS_RETRY_DELAY_USEC_MAX 1000000u  /* ballot / SH retry delay */
#define PAXOS_SLEEP_STEP_USEC      1000000u  /* owner wait step (§5.4 h) */
/* A wait of S seconds gives up with -ETIMEDOUT after 2*S + this many
 * one-second sleeps if the env clock has not advanced S seconds. */
#define PAXOS_WAIT_EXTRA_STEPS     60
/* §6.4 step 6: leader release attempts after a failed SH->EX conversion. */
#define PAXOS_CONVERT_RELEASE_TRIES 3
/* read_owners: an exclusive owner plus one entry per dblock. */
#define PAXOS_MAX_OWNERS           (PAXOS_MAX_HOST_ID + 1)

#define PAXOS_ABORTED              (-1)       /* -EPERM, as 3.8.5 (§5.4 h) */
#define PAXOS_TOO_BUSY             (-EAGAIN)

/* ---- acquire flags ---- */

#define PAXOS_ACQ_SHARED           0x1u  /* SANLK_RES_SHARED (§6.2) */
#define PAXOS_ACQ_OWNER_NOWAIT     0x2u  /* SANLK_ACQUIRE_OWNER_NOWAIT (§5.4 g) */

/* ---- what the daemon's host table provides ---- */

/* Snapshot of the host-status record of one host_id in the lockspace of
 * the lease (algorithms.md §4).  All zero when there is no record. */
struct paxos_host_info {
	uint64_t first_check;       /* local time of the first examination */
	uint64_t last_check;        /* local time of the latest examination */
	uint64_t last_live;         /* local time a change was last seen */
	uint64_t timestamp;         /* delta timestamp last seen */
	uint64_t owner_id;
	uint64_t owner_generation;
	uint32_t io_timeout;        /* as advertised in the slot (0: unknown) */
};

struct paxos_host_ops {
	void *ctx;
	/* §5.4 steps 1-2: the lockspace of the lease must be joined locally
	 * (else SANLK_ACQUIRE_LOCKSPACE) and its disk open (else
	 * SANLK_ACQUIRE_IDDISK); fill *out with the record of host_id (all
	 * zero if none) and return 0. */
	int (*host_info)(void *ctx, uint64_t host_id,
			 struct paxos_host_info *out);
	/* §5.4 step 3a: read host_id's delta lease from the lockspace disk
	 * (one sector, the lockspace's sector size, I/O timeout = our
	 * io_timeout) and verify it fully (ondisk_delta_verify with the
	 * lockspace name).  Returns 0, the I/O error or the verify code;
	 * *out is the decoded record when 0. */
	int (*read_delta)(void *ctx, uint64_t host_id,
			  struct ondisk_leader *out);
	/* §4.4 host_live(host_id, gen): 1 alive, 0 dead.  Never waits.
	 * paxos_host_live_evidence() below is the rule we use. */
	int (*host_live)(void *ctx, uint64_t host_id, uint64_t generation);
};

/* §4.4 for a host-status record: 1 alive, 0 dead.  have_record = 0 means
 * "lockspace or host record unavailable" (alive).  host_dead_seconds uses
 * hs->io_timeout, or our_io when that is 0, and W. */
int paxos_host_live_eval(const struct paxos_host_info *hs, int have_record,
			 uint64_t generation, uint64_t now, uint32_t our_io,
			 uint32_t fire_timeout);

/* The rule our daemon and the simulator use instead (deviation from
 * 3.8.5's §4.4, finding F4 of sim/README.md): dead only on evidence about
 * that incarnation - a newer generation took the host_id, the incarnation
 * released it (timestamp 0 at that generation), or our own examinations
 * saw its record unchanged for longer than host_dead_seconds (last_check -
 * max(last_live, first_check)).  Never dead because our tracking is stale
 * (a slot seen free before the holder joined, or no examination since our
 * own renewal got stuck): that only makes the caller wait.  No clock. */
int paxos_host_live_evidence(const struct paxos_host_info *hs, int have_record,
			     uint64_t generation, uint32_t our_io,
			     uint32_t fire_timeout);

/* host_dead_seconds (§2.1): 8*io + W. */
uint64_t paxos_host_dead_seconds(uint32_t io, uint32_t fire_timeout);

/* ---- the lease ---- */

enum paxos_mode {
	PAXOS_MODE_NONE = 0,
	PAXOS_MODE_EX,              /* we own the leader (exclusive) */
	PAXOS_MODE_SH,              /* our mode block says SHARED */
};

/* What paxos_lease_release writes (set by acquire/convert; see there). */
enum paxos_release_kind {
	PAXOS_REL_NONE = 0,         /* nothing on disk to undo */
	PAXOS_REL_EX,               /* §7.1: dblock RELEASED + zero mode block,
				     * then leader release (§7.2) */
	PAXOS_REL_SH,               /* §7.3: dblock RELEASED + zero mode block */
	PAXOS_REL_ERASE,            /* SH "erase all" (§6.4): §7.3 + leader
				     * release */
	PAXOS_REL_RETRACT,          /* §5.9: zero dblock with RELEASED + zero
				     * mode block, leader release */
	PAXOS_REL_RETRACT_KEEP,     /* §5.9 after our ballot completed and the
				     * commit failed: our committed dblock
				     * (values kept) with RELEASED + zero mode
				     * block, leader release (deviation, see
				     * paxos_acquire.c) */
};

struct paxos_lease_params {
	const char *space_name;     /* lockspace name, 1..48 bytes */
	const char *res_name;       /* resource name, 1..48 bytes ("" only for
				     * paxos_lease_read / paxos_read_owners:
				     * any name accepted) */
	int         num_disks;      /* 1..PAXOS_MAX_DISKS */
	uint64_t    offsets[PAXOS_MAX_DISKS]; /* paxos area of each disk */
	struct ondisk_sizes sizes;  /* start values (the lockspace's); the
				     * leader's sizes are adopted (§5.1) */
	uint64_t    host_id;        /* ours, 1..PAXOS_MAX_HOST_ID; 0 = read-only
				     * use (read, read_owners, request) */
	uint64_t    generation;     /* our delta-lease generation */
	uint32_t    io_timeout;     /* ours: 1..PAXOS_IO_TIMEOUT_MAX; the I/O
				     * timeout of every paxos read and write */
	uint32_t    fire_timeout;   /* W: 1..PAXOS_FIRE_TIMEOUT_MAX (60) */
	int         full_read_first;/* acquire: 1 = the full lease read of
				     * §5.2 before the first ballot, 3.8.5's
				     * exact I/O; 0 = on a one-disk lease a
				     * leader-only read and a guessed first
				     * ballot (paxos_acquire.c) */
};

struct paxos_lease {
	/* configuration (paxos_lease_setup); sizes may be adopted later */
	char     space_name[ONDISK_NAME_LEN + 1];
	char     res_name[ONDISK_NAME_LEN + 1];
	int      num_disks;
	uint64_t offsets[PAXOS_MAX_DISKS];
	struct ondisk_sizes sizes;
	uint64_t host_id;
	uint64_t generation;
	uint32_t io_timeout;
	uint32_t fire_timeout;
	int      full_read_first;   /* see struct paxos_lease_params */

	/* state, written only by this module */
	enum paxos_mode mode;       /* what we hold */
	enum paxos_release_kind release; /* what paxos_lease_release does;
				     * non-NONE while mode is NONE: an
				     * acquire/convert failed and left disk
				     * state to undo (call release, retry
				     * in the background on -202) */
	uint64_t lver;              /* lver we hold (0: never committed) */
	int      have_leader;       /* leader below is meaningful */
	struct ondisk_leader leader;/* leader we committed / tried to commit
				     * (the `last` of §7.2) */
	struct ondisk_dblock dblock;/* our dblock as last written by a ballot
				     * (the "committed dblock" of §7.1) */
};

/* Validate and copy the parameters, reset the state.  -EINVAL for a bad
 * name, disk count, offset (must be a multiple of the sector size), size
 * pair, host_id > PAXOS_MAX_HOST_ID, io_timeout or W. */
int paxos_lease_setup(struct paxos_lease *pl, const struct paxos_lease_params *p);

/* 1 when a failed acquire/convert, or a release that timed out, left disk
 * state that paxos_lease_release must still write. */
int paxos_release_pending(const struct paxos_lease *pl);

/* ---- lease read (§5.2) ---- */

/* Full lease read: whole area of every disk, leader verification (host_id
 * check with pl->host_id), dblock checksums (-214), majority (-210 no disk,
 * -222 no majority leader on several disks; a single disk returns its own
 * error).  Adopts the leader's sector/align sizes (§5.1).  max_mbal may be
 * NULL. */
int paxos_lease_read(const struct lease_env *env, struct paxos_lease *pl,
		     struct ondisk_leader *out, uint64_t *max_mbal);

/* Leader-only read (sector 0 of every disk): -220 without a majority of
 * readable verified copies, -222 without a majority agreeing; a single
 * disk returns its own error. */
int paxos_leader_read(const struct lease_env *env, struct paxos_lease *pl,
		      struct ondisk_leader *out);

/* ---- acquire (§5, §6.2, §6.3) ---- */

struct paxos_acquire_args {
	uint32_t flags;             /* PAXOS_ACQ_* */
	uint64_t acquire_lver;      /* SANLK_RES_LVER: required leader lver; 0 any */
	uint64_t new_num_hosts;     /* SANLK_RES_NUM_HOSTS: 0 keep; else
				     * 1..leader.max_hosts (-EINVAL) */
	uint32_t sh_retries;        /* §6.2 retries; 0 -> the default 8 */
};

/* Acquire the lease as (pl->host_id, pl->generation).  args NULL = all
 * zero.  Needs mode NONE and nothing pending (-EINVAL).  On success pl->mode is EX or SH and pl->lver
 * the version held.  *out (may be NULL) is the leader returned with the
 * result: the committed leader on success, `cur` for -240/-243/-247, the
 * leader that beat us for -244, the leader we committed for -245.
 * Failures after the ballot started retract (§5.9); if that retract could
 * not be completed, paxos_release_pending() is 1 afterwards.
 * Exclusive acquire with live shared holders: -EAGAIN (§6.3). */
int paxos_lease_acquire(const struct lease_env *env,
			const struct paxos_host_ops *ops,
			struct paxos_lease *pl,
			const struct paxos_acquire_args *args,
			struct ondisk_leader *out);

/* ---- release (§7) ---- */

/* Write what pl->release says (§7.1 exclusive, §7.3 shared, §5.9 retract,
 * §6.4 erase-all).  rename_to (may be NULL; exclusive only) becomes the
 * leader's resource_name (rename on release).  Returns 0; -202
 * (SANLK_AIO_TIMEOUT): state kept, call again later (§7.4); any other
 * error: the release is over (state reset) and the error is reported
 * (-250/-251 from §7.2, or an I/O / verify error).  Nothing to do: 0
 * without I/O. */
int paxos_lease_release(const struct lease_env *env, struct paxos_lease *pl,
			const char *rename_to);

/* Forget the lease without disk I/O (§7.5: the lockspace failed). */
void paxos_lease_drop(struct paxos_lease *pl);

/* ---- conversion (§6.4) ---- */

/* to_shared: EX -> SH; else SH -> EX (flags: PAXOS_ACQ_OWNER_NOWAIT).
 * Same mode: -EALREADY; not held: -ENOENT.  SH -> EX with other live
 * shared holders: -EAGAIN, still SH.  Other failures leave the mode as it
 * was (and may leave an "erase all" release pending, §6.4). */
int paxos_lease_convert(const struct lease_env *env,
			const struct paxos_host_ops *ops,
			struct paxos_lease *pl, int to_shared, uint32_t flags,
			struct ondisk_leader *out);

/* ---- request record (§8) ---- */

#define PAXOS_REQ_NEXT_LVER        0x1u   /* SANLK_REQUEST_NEXT_LVER */

/* §8.1 steps 2-6.  force_mode 0/1/2.  *owner (may be NULL) receives the
 * leader's owner_id the caller must notify (§8.1 step 7), 0 for none (free
 * lease, or the clear case).  Returns 0, -272, -270, -271, -273, or a read
 * / write error.  A free lease returns 0 without writing. */
int paxos_request_write(const struct lease_env *env, struct paxos_lease *pl,
			uint64_t lver, uint32_t force_mode, uint32_t flags,
			uint64_t *owner);

/* Read and verify the request record (sector 1, disk 0): 0, -270, -271 or
 * the read error. */
int paxos_request_read(const struct lease_env *env, const struct paxos_lease *pl,
		       struct ondisk_request *out);

/* §8.3 step 3: the force_mode the holder of held_lver must act on, or 0
 * when the request is to be ignored. */
uint32_t paxos_request_action(const struct ondisk_request *req,
			      uint64_t held_lver);

/* ---- owners (read_resource_owners) ---- */

struct paxos_owner {
	uint64_t host_id;
	uint64_t generation;
	uint64_t timestamp;         /* exclusive owner only; 0 for shared */
	int      shared;
};

/* Full lease read, then the exclusive owner (leader timestamp != 0) first,
 * then every host whose mode block says SHARED, by host_id (from the first
 * disk that read and verified).  *count <= max; more owners than max:
 * -ENOSPC.  out may also be NULL with max 0 to count (then -ENOSPC is not
 * returned and *count is the total). */
int paxos_read_owners(const struct lease_env *env, struct paxos_lease *pl,
		      struct ondisk_leader *leader, struct paxos_owner *out,
		      uint32_t max, uint32_t *count);

/* ---- lock value block (§5.10; sector 2002 of the area, disk 0) ---- */

/* Read the first len (<= sector size) bytes of the LVB sector. */
int paxos_lvb_read(const struct lease_env *env, const struct paxos_lease *pl,
		   void *buf, size_t len);
/* Write len (<= sector size) bytes, zero-padded to a whole sector. */
int paxos_lvb_write(const struct lease_env *env, const struct paxos_lease *pl,
		    const void *buf, size_t len);

#endif /* LEASE_PAXOS_H */
