/*
 * paxos_internal.h - helpers shared by the lease/paxos*.c files only:
 * sector I/O on the resource's disks with the majority rule, the shape of
 * a dblock sector, the reads of §5.2, the ballot of §5.7, the owner wait of
 * §5.4, the shared-holder check of §6.3 and the leader release of §7.2.
 * The public interface is lease/paxos.h.
 *
 * Same threading rule as paxos.h: the caller's thread owns the struct
 * paxos_lease; nothing here keeps state of its own.
 */
#ifndef LEASE_PAXOS_INTERNAL_H
#define LEASE_PAXOS_INTERNAL_H

#include "lease/paxos.h"

/* Internal results (never returned by the public functions). */
#define PAXOS_GO_BALLOT  1          /* owner wait: the lease may be taken */
#define PAXOS_RESTART    2          /* the leader changed: start again */
#define PAXOS_FULL_READ  3          /* a guessed ballot (paxos_acquire.c)
				     * found what only the full lease read
				     * of §5.2 may judge: start again with
				     * it */

/* struct paxos_acq.retract values */
#define PAXOS_RETRACT_ZERO 1        /* §5.9: our ballot did not complete */
#define PAXOS_RETRACT_KEEP 2        /* our ballot completed, the commit did
				     * not: keep the decided values */

/* Shared holders seen in the mode blocks of a phase-1 read (§5.7 3b). */
struct paxos_holders {
	uint8_t  bits[ONDISK_BITMAP_SIZE];  /* host_id bitmap (ondisk_bitmap_*) */
	uint32_t count;             /* shared_count: one per holder per disk */
	uint32_t distinct;          /* distinct host_ids in bits */
};

/* ---- sector I/O (paxos_io.c) ---- */

/* Successful I/Os needed out of num_disks (algorithms.md §0). */
int paxos_majority(int num_disks);

/* env->now(), never 0. */
uint64_t paxos_now(const struct lease_env *env);

/* Allocate len bytes and read them from offsets[disk] + rel.  On success
 * *buf is the data (caller frees with env->buf_free); on error *buf is
 * NULL and the buffer was already released (a timed-out read buffer is
 * never reused, lease_env.h). */
int paxos_read_area(const struct lease_env *env, const struct paxos_lease *pl,
		    int disk, uint64_t rel, size_t len, uint8_t **buf);

/* paxos_read_area into *buf, allocated (len bytes) when NULL: a buffer
 * whose read succeeded is reused without being zeroed again (the read
 * filled all of it).  On error *buf is released and set to NULL. */
int paxos_read_into(const struct lease_env *env, const struct paxos_lease *pl,
		    int disk, uint64_t rel, size_t len, uint8_t **buf);

/* Outcome of writing one sector to several disks. */
struct paxos_wres {
	int ok;                     /* writes that succeeded */
	int tried;                  /* writes issued */
	int timeouts;               /* of which SANLK_AIO_TIMEOUT */
	int last_err;               /* last error (0 if none) */
};

/* Write `sector` (one whole sector) at offsets[d] + rel on disks
 * 0..num_disks-1 in order; stop_first: stop at the first failure. */
void paxos_write_all(const struct lease_env *env, const struct paxos_lease *pl,
		     uint64_t rel, const uint8_t *sector, int stop_first,
		     struct paxos_wres *wr);

/* Leader write result for the majority rule of §5.8 step 2 / §7.2 step 8:
 * 0, -202 if any write timed out, else the last error, else -221. */
int paxos_leader_write_result(const struct paxos_lease *pl,
			      const struct paxos_wres *wr);

/* Write leader *lr (sealed here) as sector 0 of every disk. */
int paxos_write_leader(const struct lease_env *env, const struct paxos_lease *pl,
		       struct ondisk_leader *lr);

/* Build our dblock sector: *db sealed into bytes 0..55, *mb (NULL = zero)
 * at 128, the rest zero.  sector is pl->sizes.sector_size bytes. */
void paxos_dblock_sector(const struct paxos_lease *pl, struct ondisk_dblock *db,
			 const struct ondisk_mblock *mb, uint8_t *sector);

/* Write our dblock sector (paxos_dblock_sector) on every disk. */
void paxos_write_own(const struct lease_env *env, const struct paxos_lease *pl,
		     struct ondisk_dblock *db, const struct ondisk_mblock *mb,
		     int stop_first, struct paxos_wres *wr);

/* 1 when all 200 encoded bytes are equal. */
int paxos_leader_equal(const struct ondisk_leader *a, const struct ondisk_leader *b);

/* 1 when a dblock sector holds no dblock and no mode block (all bytes of
 * both records zero): an "empty" dblock (§5.2, valid, lver 0, mbal 0)
 * without the SHARED flag, which every scan ignores. */
int paxos_sector_blank(const uint8_t *sector);

/* Byte offset of host_id's dblock sector inside the paxos area. */
uint64_t paxos_dblock_rel(const struct paxos_lease *pl, uint64_t host_id);

/* The leader's sizes are sane for this area: max_hosts != 0 and num_hosts
 * fits (else SANLK_LEADER_NUMHOSTS); the size pair is valid (else
 * ondisk_sizes_from_leader's code).  *sz receives the leader's sizes. */
int paxos_leader_sizes(const struct ondisk_leader *lr, struct ondisk_sizes *sz);

/* ---- reads (paxos_read.c) ---- */

/* Called for every disk whose whole area read and verified (lease read). */
typedef void (*paxos_scan_fn)(void *arg, int disk, const uint8_t *area,
			      const struct ondisk_leader *lr);

/* §5.2 full lease read with leader check against host_id. */
int paxos_read_lease(const struct lease_env *env, struct paxos_lease *pl,
		     uint64_t host_id, struct ondisk_leader *out,
		     uint64_t *max_mbal, paxos_scan_fn scan, void *scan_arg);

/* §5.2 leader-only read with leader check against host_id.  adopt: the
 * leader's sizes are adopted (§8.1 step 3) and the read repeated; else a
 * size change is SANLK_LEADER_DIFF (sizes were settled by the full read). */
int paxos_read_leader(const struct lease_env *env, struct paxos_lease *pl,
		      uint64_t host_id, int adopt, struct ondisk_leader *out);

/* One whole dblock sector of host_id from disk 0: dblock and mode block. */
int paxos_read_host_sector(const struct lease_env *env,
			   const struct paxos_lease *pl, uint64_t host_id,
			   struct ondisk_dblock *db, struct ondisk_mblock *mb);

/* ---- ballot (paxos_ballot.c) ---- */

struct paxos_ballot {
	/* in */
	uint64_t lver;              /* next_lver */
	uint64_t mbal;              /* our ballot number */
	uint64_t num_hosts;         /* cur.num_hosts */
	const struct ondisk_mblock *mb; /* mode block written with our dblock
				     * (SH->EX conversion), NULL = zero */
	int      guessed;           /* mbal was chosen without a full lease
				     * read (paxos_acquire.c): phase 1
				     * scans every dblock, checks checksums
				     * as §5.2 would, and reports seen_mbal */
	/* out */
	struct ondisk_dblock dblock;/* D as last written */
	int      wrote;             /* a dblock write was issued */
	int      phase2;            /* phase 2 began */
	uint64_t seen_mbal;         /* guessed: largest mbal of the valid
				     * dblocks of the phase-1 read */
	int      adopted_ours;      /* phase 1 adopted an accepted value that
				     * names us (host_id and generation):
				     * one of our earlier ballots' */
	struct paxos_holders holders;
};

/* §5.7 phases 1 and 2.  0 or -210, -211, -212, -213, -ENOMEM; for a
 * guessed ballot also PAXOS_FULL_READ (a dblock failed its checksum in
 * phase 1: nothing decided, phase 2 not begun). */
int paxos_ballot_run(const struct lease_env *env, const struct paxos_lease *pl,
		     struct paxos_ballot *b);

/* Scan the mode blocks of the ballot area (P sectors) of every disk into
 * *h (used when we were made owner without finishing phase 1 here). */
int paxos_scan_holders(const struct lease_env *env, const struct paxos_lease *pl,
		       uint64_t num_hosts, struct paxos_holders *h);

/* ---- owner liveness (paxos_owner.c) ---- */

/* §5.4: PAXOS_GO_BALLOT, PAXOS_RESTART, or an error (-243, -247,
 * PAXOS_ABORTED, a read error ...). */
int paxos_owner_wait(const struct lease_env *env, const struct paxos_host_ops *ops,
		     struct paxos_lease *pl, const struct ondisk_leader *cur,
		     uint32_t flags);

/* Sleep a uniformly random 0..PAXOS_RETRY_DELAY_USEC_MAX µs; non-zero if
 * the sleep was aborted. */
int paxos_random_delay(const struct lease_env *env);

/* ---- acquire core (paxos_acquire.c) ---- */

struct paxos_acq {
	/* in */
	uint32_t flags;             /* PAXOS_ACQ_* */
	uint64_t acquire_lver;
	uint64_t new_num_hosts;
	int      convert;           /* SH->EX: ballot writes carry our
				     * SHARED mode block (§6.4) */
	/* out */
	struct ondisk_leader leader;/* the leader returned with the result */
	int      have_leader;
	struct ondisk_leader tried; /* the leader we wrote or tried to write */
	int      tried_commit;
	struct ondisk_dblock dblock;/* our last dblock written */
	int      wrote_dblock;
	int      retract;           /* §5.9: we may have become owner
				     * (0 or PAXOS_RETRACT_*) */
	uint64_t retract_lver;      /* PAXOS_RETRACT_ZERO: the version we
				     * may have been made owner of */
	uint64_t named_lver;        /* a commit of another host named us
				     * owner of this version (§5.6 step 2);
				     * we balloted again instead */
	uint64_t num_hosts;         /* cur.num_hosts of the final attempt */
	uint32_t stale_leader;      /* lease reads whose leader was older
				     * than our own dblock (F11) */
	struct paxos_holders holders;
};

/* One acquire (§5.2-§5.9 minus the retract writes): 0 = we own the
 * leader; on failure ac->retract says whether §5.9 applies. */
int paxos_acquire_core(const struct lease_env *env, const struct paxos_host_ops *ops,
		       struct paxos_lease *pl, struct paxos_acq *ac);

/* ---- shared holders (paxos_shared.c) ---- */

/* §6.3 step 2 for every holder other than us: number of live holders, or
 * a read/write error.  Dead holders' sectors are zeroed. */
int paxos_shared_check(const struct lease_env *env, const struct paxos_host_ops *ops,
		       const struct paxos_lease *pl, const struct paxos_holders *h,
		       uint64_t num_hosts);

/* ---- release (paxos_release.c) ---- */

/* §7.2 leader release: `last` NULL = the leader just read. */
int paxos_release_leader(const struct lease_env *env, struct paxos_lease *pl,
			 const struct ondisk_leader *last, const char *rename_to);

/* Write our dblock sector as pl->dblock with RELEASED and the given mode
 * block (NULL = zero) on every disk (stop_first as paxos_write_all).
 * Returns 0 or the first error. */
int paxos_write_released(const struct lease_env *env, const struct paxos_lease *pl,
			 const struct ondisk_mblock *mb, int stop_first);

/* Invariants of a struct paxos_lease (asserts). */
void paxos_lease_check(const struct paxos_lease *pl);

#endif /* LEASE_PAXOS_INTERNAL_H */
