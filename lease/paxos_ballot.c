/*
 * paxos_ballot.c - one ballot of Disk Paxos as sanlock 3.8.5 runs it
 * (algorithms.md §5.7): phase 1 (write our dblock with mbal and lver only,
 * read every host's dblock, abort on a newer lver or a larger mbal, adopt
 * the value of the highest bal, count SHARED mode blocks), then phase 2
 * (write the chosen value with bal = mbal, read again, same aborts).  A
 * majority of disks must take each write and each read.
 *
 * No state; the caller's thread owns the struct paxos_lease and the
 * struct paxos_ballot.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "lease/paxos_internal.h"

/* Ballot read length: P sectors, P = smallest power of two >= n + 2. */
static size_t paxos_ballot_len(const struct paxos_lease *pl, uint64_t num_hosts)
{
	uint64_t len;

	assert(num_hosts >= 1 && num_hosts <= pl->sizes.max_hosts);
	len = (uint64_t)ondisk_pow2_at_least((uint32_t)num_hosts + 2) *
	      pl->sizes.sector_size;
	assert(len <= pl->sizes.align_size);
	return (size_t)len;
}

static void paxos_holder_add(struct paxos_holders *h, uint64_t host_id)
{
	if (!ondisk_bitmap_test(h->bits, host_id)) {
		ondisk_bitmap_set(h->bits, host_id);
		h->distinct++;
	}
	h->count++;
}

/* What the reads of one ballot phase found, over every disk read. */
struct paxos_scan {
	int      phase1;
	int      guessed;           /* phase 1 of a guessed ballot */
	struct ondisk_dblock bk_max;/* phase 1: highest-bal accepted value */
	int      have_max;
	int      abort_rv;          /* guessed: first abort seen (0: none) */
	int      bad_sum;           /* guessed: a dblock failed its checksum */
};

/* Scan the dblocks of one disk's ballot read.  Phase 1 also counts mode
 * blocks and keeps the highest-bal value in sc->bk_max.  A plain ballot
 * returns the first abort code (§5.7 3: block by block).  A guessed one
 * scans everything: it must see every checksum the lease read of §5.2
 * would have checked, and every mbal for the next ballot number; its
 * abort code is kept in sc->abort_rv. */
static int paxos_ballot_scan(const struct paxos_lease *pl,
			     struct paxos_ballot *b, const uint8_t *area,
			     struct paxos_scan *sc)
{
	uint32_t ss = pl->sizes.sector_size;
	uint64_t q;

	for (q = 0; q < b->num_hosts; q++) {
		const uint8_t *sector = area + (2 + q) * ss;
		struct ondisk_dblock bk;
		int abort_rv = 0;

		/* Empty and no SHARED flag: ignored by every rule below
		 * (lver 0 < b->lver), so skip the decoding. */
		if (paxos_sector_blank(sector))
			continue;
		ondisk_dblock_decode(sector, &bk);
		if (ondisk_dblock_verify(&bk) < 0) {
			if (sc->guessed)
				sc->bad_sum = 1;        /* §5.2: -214 */
			continue;                       /* 3a */
		}
		if (sc->guessed && bk.mbal > b->seen_mbal)
			b->seen_mbal = bk.mbal;
		if (sc->phase1) {
			struct ondisk_mblock mb;

			ondisk_mblock_decode(sector + ONDISK_MBLOCK_OFFSET, &mb);
			if (mb.flags & MBLOCK_SHARED)   /* 3b */
				paxos_holder_add(&b->holders, q + 1);
		}
		if (bk.lver < b->lver)
			continue;                       /* 3c */
		if (bk.lver > b->lver)
			abort_rv = SANLK_DBLOCK_LVER;   /* 3d */
#ifndef SIM_MUTANT_PAXOS_NO_MBAL_ABORT   /* planted bug for the simulator */
		else if (bk.mbal > b->mbal)
			abort_rv = SANLK_DBLOCK_MBAL;   /* 3e */
#endif
		if (abort_rv) {
			if (!sc->guessed)
				return abort_rv;
			if (!sc->abort_rv)
				sc->abort_rv = abort_rv;
			continue;
		}
		if (!sc->phase1)
			continue;
		if (bk.inp == 0 || bk.bal == 0)
			continue;                       /* 3f */
		if (!sc->have_max || bk.bal > sc->bk_max.bal) {   /* 3g */
			sc->bk_max = bk;
			sc->have_max = 1;
		}
	}
	return 0;
}

/* Read every eligible disk and scan it.  Returns 0, an abort code, or
 * -210 when fewer than a majority of disks were read; for the phase 1 of
 * a guessed ballot PAXOS_FULL_READ first (a bad checksum), then its
 * abort code. */
static int paxos_ballot_read(const struct lease_env *env,
			     const struct paxos_lease *pl,
			     struct paxos_ballot *b, int *timed_out,
			     struct paxos_scan *sc, uint8_t **area)
{
	size_t len = paxos_ballot_len(pl, b->num_hosts);
	int d, reads = 0;

	for (d = 0; d < pl->num_disks; d++) {
		int rv;

		if (timed_out[d])
			continue;
		rv = paxos_read_into(env, pl, d, 0, len, area);
		if (rv == SANLK_AIO_TIMEOUT)
			timed_out[d] = 1;
		if (rv < 0)
			continue;
		reads++;
		rv = paxos_ballot_scan(pl, b, *area, sc);
		if (rv < 0)
			return rv;
	}
	if (sc->bad_sum)
		return PAXOS_FULL_READ;
	if (sc->abort_rv)
		return sc->abort_rv;
	if (reads < paxos_majority(pl->num_disks))
		return SANLK_DBLOCK_READ;
	return 0;
}

static int paxos_ballot_write(const struct lease_env *env,
			      const struct paxos_lease *pl,
			      struct paxos_ballot *b)
{
	struct paxos_wres wr;

	b->wrote = 1;
	paxos_write_own(env, pl, &b->dblock, b->mb, 0, &wr);
	if (wr.ok < paxos_majority(pl->num_disks))
		return SANLK_DBLOCK_WRITE;
	return 0;
}

/* One ballot; area is the read buffer of both phases (paxos_read_into). */
static int paxos_ballot_phases(const struct lease_env *env,
			       const struct paxos_lease *pl,
			       struct paxos_ballot *b, uint8_t **area)
{
	int timed_out[PAXOS_MAX_DISKS] = { 0 };
	struct paxos_scan sc;
	int rv;

	paxos_lease_check(pl);
	assert(pl->host_id >= 1 && pl->host_id <= b->num_hosts);
	assert(b->lver >= 1);
	/* Every mbal a host uses is congruent to its host_id (§5.5). */
	assert(b->mbal >= pl->host_id);
	memset(&b->dblock, 0, sizeof(b->dblock));
	memset(&b->holders, 0, sizeof(b->holders));
	memset(&sc, 0, sizeof(sc));
	b->wrote = 0;
	b->phase2 = 0;
	b->seen_mbal = 0;
	b->adopted_ours = 0;

	/* Phase 1: only mbal and lver set (steps 1-2). */
	b->dblock.mbal = b->mbal;
	b->dblock.lver = b->lver;
	rv = paxos_ballot_write(env, pl, b);
	if (rv < 0)
		return rv;
	sc.phase1 = 1;
	sc.guessed = b->guessed;
	rv = paxos_ballot_read(env, pl, b, timed_out, &sc, area);
	if (rv != 0)
		return rv;

	/* Choose the value (step 5). */
#ifdef SIM_MUTANT_PAXOS_NO_ADOPT
	sc.have_max = 0;   /* planted bug for the simulator: ignore accepted values */
#endif
	if (sc.have_max) {
		assert(sc.bk_max.bal != 0 && sc.bk_max.inp != 0);
		b->adopted_ours = sc.bk_max.inp == pl->host_id &&
				  sc.bk_max.inp2 == pl->generation;
		b->dblock.inp = sc.bk_max.inp;
		b->dblock.inp2 = sc.bk_max.inp2;
		b->dblock.inp3 = sc.bk_max.inp3;
	} else {
		b->dblock.inp = pl->host_id;
		b->dblock.inp2 = pl->generation;
		b->dblock.inp3 = paxos_now(env);
	}
	b->dblock.bal = b->dblock.mbal;

	/* Phase 2 (steps 6-8). */
	b->phase2 = 1;
	rv = paxos_ballot_write(env, pl, b);
	if (rv < 0)
		return rv;
#ifndef SIM_MUTANT_PAXOS_NO_PHASE2_READ   /* planted bug for the simulator */
	memset(&sc, 0, sizeof(sc));     /* phase 2: plain scan, no value */
	rv = paxos_ballot_read(env, pl, b, timed_out, &sc, area);
	if (rv < 0)
		return rv;
	assert(rv == 0);
#endif
	assert(b->dblock.bal == b->mbal && b->dblock.inp != 0);
	return 0;
}

int paxos_ballot_run(const struct lease_env *env, const struct paxos_lease *pl,
		     struct paxos_ballot *b)
{
	uint8_t *area = NULL;
	int rv = paxos_ballot_phases(env, pl, b, &area);

	if (area)
		env->buf_free(env->ctx, area);
	return rv;
}

int paxos_scan_holders(const struct lease_env *env, const struct paxos_lease *pl,
		       uint64_t num_hosts, struct paxos_holders *h)
{
	uint32_t ss = pl->sizes.sector_size;
	size_t len = paxos_ballot_len(pl, num_hosts);
	int d, reads = 0, last_rv = 0;

	memset(h, 0, sizeof(*h));
	for (d = 0; d < pl->num_disks; d++) {
		uint8_t *area;
		uint64_t q;
		int rv = paxos_read_area(env, pl, d, 0, len, &area);

		if (rv < 0) {
			last_rv = rv;
			continue;
		}
		reads++;
		for (q = 0; q < num_hosts; q++) {
			struct ondisk_mblock mb;

			ondisk_mblock_decode(area + (2 + q) * ss +
					     ONDISK_MBLOCK_OFFSET, &mb);
			if (mb.flags & MBLOCK_SHARED)
				paxos_holder_add(h, q + 1);
		}
		env->buf_free(env->ctx, area);
	}
	if (reads < paxos_majority(pl->num_disks))
		return last_rv ? last_rv : SANLK_DBLOCK_READ;
	return 0;
}
