/*
 * paxos_read.c - the reads of algorithms.md §5.2: the full lease read
 * (whole area of every disk, leader and dblock verification, max_mbal,
 * majority leader across disks, adoption of the leader's sizes, §5.1), the
 * leader-only read, and the read of one host's dblock sector.
 *
 * Multi-disk rule (spec): a disk that fails to read or verify is skipped;
 * no disk -> -210 (full read) / fewer than a majority -> -220 (leader-only
 * read); no leader copy (first 152 bytes) on a majority -> -222.  A single
 * disk returns its own error.  Note: 3.8.5 was observed (black box) to
 * return the LAST disk's verify error even when a majority of the others
 * agree; we follow the spec and skip the disk.
 *
 * No state; the caller's thread owns the struct paxos_lease (whose sizes a
 * full read may update).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* Per-disk outcome of one read pass. */
struct paxos_disk_read {
	int      rv;                /* 0, an error, or PAXOS_RESTART (sizes) */
	struct ondisk_leader lr;
	uint64_t max_mbal;
	struct ondisk_sizes sizes;  /* the leader's (when rv is 0/RESTART) */
};

/* An empty name (read-only use) accepts any name on disk. */
static const char *paxos_name_check(const char *name)
{
	return name[0] ? name : NULL;
}

/* Verify a leader as §5.2 / ondisk.md §9.2 and take its sizes. */
static int paxos_check_leader(const struct paxos_lease *pl, uint64_t host_id,
			      const struct ondisk_leader *lr,
			      struct ondisk_sizes *sz)
{
	int rv = ondisk_paxos_verify(lr, paxos_name_check(pl->space_name),
				     paxos_name_check(pl->res_name),
				     host_id);

	if (rv < 0)
		return rv;
	rv = paxos_leader_sizes(lr, sz);
	if (rv < 0)
		return rv;
	if (sz->sector_size != pl->sizes.sector_size ||
	    sz->align_size != pl->sizes.align_size)
		return PAXOS_RESTART;
	return 0;
}

/* Read and verify the whole area of one disk. */
static void paxos_read_disk(const struct lease_env *env,
			    const struct paxos_lease *pl, int disk,
			    uint64_t host_id, struct paxos_disk_read *dr,
			    paxos_scan_fn scan, void *scan_arg)
{
	uint32_t ss = pl->sizes.sector_size;
	uint8_t *area;
	uint64_t q;

	memset(dr, 0, sizeof(*dr));
	dr->rv = paxos_read_area(env, pl, disk, 0, pl->sizes.align_size, &area);
	if (dr->rv < 0)
		return;
	ondisk_leader_decode(area, &dr->lr);
	dr->rv = paxos_check_leader(pl, host_id, &dr->lr, &dr->sizes);
	if (dr->rv != 0)
		goto out;

	assert(dr->lr.num_hosts <= pl->sizes.max_hosts);
	for (q = 0; q < dr->lr.num_hosts; q++) {
		struct ondisk_dblock db;

		if (paxos_sector_blank(area + (2 + q) * ss))
			continue;       /* empty dblock: valid, mbal 0 */
		ondisk_dblock_decode(area + (2 + q) * ss, &db);
		if (ondisk_dblock_verify(&db) < 0) {
			dr->rv = SANLK_DBLOCK_CHECKSUM;
			goto out;
		}
		if (db.mbal > dr->max_mbal)
			dr->max_mbal = db.mbal;
	}
	if (scan)
		scan(scan_arg, disk, area, &dr->lr);
out:
	env->buf_free(env->ctx, area);
}

/* Index of a leader copy found on a majority of the verified disks
 * (compare range: first 152 bytes), or -1.
 *
 * Deviation from 3.8.5 (F9 of sim/README.md): the copies of the majority
 * group can still differ in `timestamp` (owned vs free: a commit or a
 * release that has landed on some disks only).  We use the copy with the
 * largest timestamp, i.e. an "owned" copy over a "free" one, never simply
 * the first disk's.  Taking a stale free copy of a version someone holds
 * again lets a reader ballot the next version beside the holder; taking
 * an owned copy of a version that is being released only makes the reader
 * check the owner (§5.4), which is safe and at worst slower. */
static int paxos_majority_leader(const struct paxos_lease *pl,
				 const struct ondisk_leader *lr, const int *ok)
{
	int need = paxos_majority(pl->num_disks);
	int i, j;

	for (i = 0; i < pl->num_disks; i++) {
		int n = 0, best = i;

		if (!ok[i])
			continue;
		for (j = 0; j < pl->num_disks; j++) {
			if (!ok[j] || !ondisk_leader_same(&lr[i], &lr[j]))
				continue;
			n++;
			if (lr[j].timestamp > lr[best].timestamp)
				best = j;
		}
		if (n >= need)
			return best;
	}
	return -1;
}

int paxos_read_lease(const struct lease_env *env, struct paxos_lease *pl,
		     uint64_t host_id, struct ondisk_leader *out,
		     uint64_t *max_mbal, paxos_scan_fn scan, void *scan_arg)
{
	struct paxos_disk_read dr[PAXOS_MAX_DISKS];
	struct ondisk_leader lrs[PAXOS_MAX_DISKS];
	int ok[PAXOS_MAX_DISKS];
	int pass, d;

	paxos_lease_check(pl);
	for (pass = 0; pass <= PAXOS_SIZE_RESTARTS_MAX; pass++) {
		int restart = -1, good = 0, m;
		uint64_t mm = 0;

		for (d = 0; d < pl->num_disks; d++) {
			paxos_read_disk(env, pl, d, host_id, &dr[d], scan,
					scan_arg);
			if (dr[d].rv == PAXOS_RESTART && restart < 0)
				restart = d;
		}
		if (restart >= 0) {
			/* §5.1: adopt the leader's sizes and read again. */
			pl->sizes = dr[restart].sizes;
			paxos_lease_check(pl);
			continue;
		}
		if (pl->num_disks == 1) {
			if (dr[0].rv < 0)
				return dr[0].rv;
			*out = dr[0].lr;
			if (max_mbal)
				*max_mbal = dr[0].max_mbal;
			return 0;
		}
		for (d = 0; d < pl->num_disks; d++) {
			ok[d] = dr[d].rv == 0;
			lrs[d] = dr[d].lr;
			if (ok[d]) {
				good++;
				if (dr[d].max_mbal > mm)
					mm = dr[d].max_mbal;
			}
		}
		if (!good)
			return SANLK_DBLOCK_READ;
		m = paxos_majority_leader(pl, lrs, ok);
		if (m < 0)
			return SANLK_LEADER_DIFF;
		*out = lrs[m];
		if (max_mbal)
			*max_mbal = mm;
		return 0;
	}
	/* The disks keep disagreeing about the sizes. */
	return SANLK_LEADER_DIFF;
}

/* One pass of the leader-only read.  *adopt_sizes receives the sizes of
 * the first leader whose sizes differ from ours (rv PAXOS_RESTART). */
static int paxos_read_leader_once(const struct lease_env *env,
				  const struct paxos_lease *pl, uint64_t host_id,
				  struct ondisk_leader *out,
				  struct ondisk_sizes *adopt_sizes)
{
	struct ondisk_leader lrs[PAXOS_MAX_DISKS];
	int ok[PAXOS_MAX_DISKS];
	int d, good = 0, last_rv = 0, m;

	for (d = 0; d < pl->num_disks; d++) {
		struct ondisk_sizes sz;
		uint8_t *buf;
		int rv;

		ok[d] = 0;
		memset(&lrs[d], 0, sizeof(lrs[d]));
		rv = paxos_read_area(env, pl, d, 0, pl->sizes.sector_size, &buf);
		if (rv == 0) {
			ondisk_leader_decode(buf, &lrs[d]);
			env->buf_free(env->ctx, buf);
			rv = paxos_check_leader(pl, host_id, &lrs[d], &sz);
			if (rv == PAXOS_RESTART) {
				*adopt_sizes = sz;
				return PAXOS_RESTART;
			}
		}
		if (rv == 0) {
			ok[d] = 1;
			good++;
		} else {
			last_rv = rv;
		}
	}
	if (pl->num_disks == 1) {
		if (!ok[0])
			return last_rv;
		*out = lrs[0];
		return 0;
	}
	if (good < paxos_majority(pl->num_disks))
		return SANLK_LEADER_READ;
	m = paxos_majority_leader(pl, lrs, ok);
	if (m < 0)
		return SANLK_LEADER_DIFF;
	*out = lrs[m];
	return 0;
}

int paxos_read_leader(const struct lease_env *env, struct paxos_lease *pl,
		      uint64_t host_id, int adopt, struct ondisk_leader *out)
{
	int pass;

	paxos_lease_check(pl);
	for (pass = 0; pass <= PAXOS_SIZE_RESTARTS_MAX; pass++) {
		struct ondisk_sizes sz;
		int rv = paxos_read_leader_once(env, pl, host_id, out, &sz);

		if (rv != PAXOS_RESTART)
			return rv;
		/* Sizes were settled by a full read before every use but
		 * the request (§8.1); a change otherwise means another
		 * lease. */
		if (!adopt)
			return SANLK_LEADER_DIFF;
		pl->sizes = sz;
		paxos_lease_check(pl);
	}
	return SANLK_LEADER_DIFF;
}

int paxos_read_host_sector(const struct lease_env *env,
			   const struct paxos_lease *pl, uint64_t host_id,
			   struct ondisk_dblock *db, struct ondisk_mblock *mb)
{
	uint8_t *buf;
	int rv;

	rv = paxos_read_area(env, pl, 0, paxos_dblock_rel(pl, host_id),
			     pl->sizes.sector_size, &buf);
	if (rv < 0)
		return rv;
	if (db)
		ondisk_dblock_decode(buf, db);
	if (mb)
		ondisk_mblock_decode(buf + ONDISK_MBLOCK_OFFSET, mb);
	env->buf_free(env->ctx, buf);
	return 0;
}

int paxos_lease_read(const struct lease_env *env, struct paxos_lease *pl,
		     struct ondisk_leader *out, uint64_t *max_mbal)
{
	return paxos_read_lease(env, pl, pl->host_id, out, max_mbal, NULL, NULL);
}

int paxos_leader_read(const struct lease_env *env, struct paxos_lease *pl,
		      struct ondisk_leader *out)
{
	return paxos_read_leader(env, pl, pl->host_id, 0, out);
}
