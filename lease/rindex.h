/*
 * rindex.h - the resource index of sanlock 3.8.5 (spec/ondisk.md §7,
 * api.md §4.5): reading and verifying an index, lookup by name / offset /
 * first free slot, update (add or remove one entry), rebuild from the
 * resource leases on disk, and create / delete of a resource under the
 * index's internal paxos lease "rindex_lease".  Format is
 * lease_init_rindex() (lease/lease_init.h).
 *
 * Pure lease/ code: storage and time only through struct lease_env (disk
 * number 0 holds the index, its internal lease and every indexed resource),
 * other hosts only through struct paxos_host_ops (for the internal lease).
 * No threads, no globals, no logging.  A struct rindex belongs to the one
 * thread running the operation (a daemon worker or the CLI); callers
 * serialise operations of one host on one index (the daemon allows one
 * create/delete/rebuild per lockspace at a time, as 3.8.5: -EBUSY).
 *
 * Crash safety: every change of an entry is ONE sector write of the sector
 * holding it (built from the in-memory copy of the index with only that
 * entry changed), so the index is never half-updated; rebuild writes the
 * whole index area in one write.  A resource is initialised before its
 * entry is written (a crash in between leaves an unindexed lease that
 * rebuild finds) and its entry is zeroed before the lease is cleared.
 *
 * Results: 0, SANLK_RINDEX_MAGIC/VERSION/LOCKSPACE/OFFSET (-274..-277)
 * from the header checks (in that order, §7.6), SANLK_RINDEX_OFFSET for a
 * resource offset that is not a multiple of the align size or outside the
 * entry slots, SANLK_RINDEX_DIFF (-278) for a name that disagrees with the
 * entry at the given offset, -ENOENT (name not found), -ENOSPC (no free
 * entry), -EEXIST (create of a name already indexed), -EINVAL (bad
 * arguments, or a header whose sizes are not in the size table), an I/O
 * error (negative errno or SANLK_AIO_TIMEOUT), -ENOMEM, or a paxos acquire
 * error of the internal lease (e.g. SANLK_ACQUIRE_IDLIVE while another
 * host holds it).
 */
#ifndef LEASE_RINDEX_H
#define LEASE_RINDEX_H

#include <stdint.h>

#include "lease/lease_env.h"
#include "lease/paxos.h"
#include "ondisk/ondisk.h"

/* Header read size when the caller knows no sector size (3.8.5's direct
 * tools; the daemon uses the lockspace's sector size). */
#define RINDEX_PROBE_SIZE      4096u
/* Attempts to release the internal lease when a release times out. */
#define RINDEX_RELEASE_TRIES   3

/* Where the index is and how to do its I/O. */
struct rindex_params {
	const char *space_name;     /* lockspace the caller names; must equal
				     * the header's (exact C string, §7.6) */
	uint64_t    rx_offset;      /* byte offset of the index header */
	uint32_t    probe_size;     /* bytes of the header read (512 or 4096,
				     * a multiple of the device sector size);
				     * 0 = RINDEX_PROBE_SIZE */
	int         io_timeout;     /* seconds, every read and write */
};

/* The internal lease ("rindex_lease", §7.4): who we are in the lockspace.
 * A NULL struct rindex_lease means "no lease" (3.8.5's direct rebuild). */
struct rindex_lease {
	const struct paxos_host_ops *ops;
	uint64_t host_id;           /* ours, 1..PAXOS_MAX_HOST_ID */
	uint64_t generation;        /* our delta-lease generation */
	uint32_t io_timeout;        /* ours (paxos I/O timeout) */
	uint32_t fire_timeout;      /* W */
};

/* An entry as the API sees it (struct sanlk_rentry without the padding):
 * a NUL-terminated name (at most 48 bytes used) and a resource offset. */
struct rindex_rentry {
	char     name[ONDISK_NAME_LEN + 1];
	uint64_t offset;
};

/* An index read from disk: header, sizes and the whole index area. */
struct rindex {
	uint64_t rx_offset;
	struct ondisk_rindex_header hdr;
	struct ondisk_sizes sizes;  /* from the header */
	uint32_t capacity;          /* entry slots in the area (§7.3) */
	uint32_t max_resources;     /* slots searched: header value, 0 or
				     * above capacity -> capacity */
	int      io_timeout;
	uint8_t *area;              /* align_size bytes (env buffer) or NULL */
};

/* ---- reading (rindex_io.c) ---- */

/* Read the header (probe_size bytes at rx_offset), verify it (§7.6) and
 * take the sizes from it.  rx->area stays NULL. */
int  rindex_read_header(struct lease_env *env,
			const struct rindex_params *p, struct rindex *rx);
/* Read the whole index area (one align-size read) into rx->area. */
int  rindex_read_area(struct lease_env *env, struct rindex *rx);
/* Both of the above. */
int  rindex_open(struct lease_env *env, const struct rindex_params *p,
		 struct rindex *rx);
/* Give the area buffer back (safe on a failed / partial open). */
void rindex_close(struct lease_env *env, struct rindex *rx);

/* Write entry slot i (< capacity) as *e: one write of the sector holding
 * it.  On failure the in-memory copy is restored. */
int  rindex_entry_write(struct lease_env *env, struct rindex *rx,
			uint32_t i, const struct ondisk_rindex_entry *e);

/* ---- the in-memory index (rindex_find.c; rx->area must be read) ---- */

/* Resource offset of entry slot i: rx + 2*align + i*align (64-bit). */
uint64_t rindex_slot_offset(const struct rindex *rx, uint32_t i);
/* Slot of a resource offset: SANLK_RINDEX_OFFSET when it is not a
 * multiple of the align size, lies before the first slot (3.8.5 then
 * reads or writes the index header sector: refused here), or at or past
 * the capacity of the index area (3.8.5 then reads memory past the area,
 * or writes into the internal lease). */
int  rindex_slot_of(const struct rindex *rx, uint64_t offset, uint32_t *i);
void rindex_entry_get(const struct rindex *rx, uint32_t i,
		      struct ondisk_rindex_entry *e);
/* First slot < max_resources whose name equals name (48-byte compare);
 * -ENOENT.  An empty name never matches. */
int  rindex_find_name(const struct rindex *rx, const char *name, uint32_t *i);
/* First free slot < max_resources (res_offset 0 and empty name); -ENOSPC. */
int  rindex_find_free(const struct rindex *rx, uint32_t *i);

/* ---- operations (one call each; open, work, close) ---- */

/* lookup (rindex_ops.c), never takes the lease:
 *   name, offset 0   -> first entry with that name: {name, its slot offset}
 *   offset, no name  -> the entry at offset: {its name (may be ""), offset}
 *   name and offset  -> the entry at offset, whose name must equal name
 *                       (else SANLK_RINDEX_DIFF; *out = that entry)
 *   neither          -> the first free slot: {"", its offset}
 * name may be NULL (= ""). */
int rindex_lookup(struct lease_env *env, const struct rindex_params *p,
		  const char *name, uint64_t offset, struct rindex_rentry *out);

#define RINDEX_UPDATE_ADD 0x1u      /* SANLK_RXUP_ADD */
#define RINDEX_UPDATE_REM 0x2u      /* SANLK_RXUP_REM (wins over ADD) */

/* update (rindex_ops.c), no lease, as 3.8.5: ADD writes {offset, name} at
 * the slot of offset (name and offset required, else -EINVAL; an entry
 * already there is overwritten, a name indexed elsewhere is not checked);
 * REM zeroes the slot of offset (offset required; the name is ignored).
 * Neither flag: -EINVAL.  *out = the entry now on disk ({name, offset} or
 * all zero); all zero on error. */
int rindex_update(struct lease_env *env, const struct rindex_params *p,
		  uint32_t flags, const char *name, uint64_t offset,
		  struct rindex_rentry *out);

/* create (rindex_create.c): under the internal lease, first free slot,
 * paxos-init the resource `name` there (index sizes, num_hosts outside
 * 1..max_hosts = max_hosts, I/O timeout write_timeout), write the entry.
 * -EINVAL for an empty name, -EEXIST if the name is already indexed,
 * -ENOSPC when full.  *offset = the new resource's offset. */
int rindex_create(struct lease_env *env, const struct rindex_params *p,
		  const struct rindex_lease *lease, const char *name,
		  uint64_t num_hosts, int write_timeout, uint64_t *offset);

/* delete (rindex_create.c): under the internal lease, find the entry (by
 * name; with a non-zero offset, the entry at that offset, whose name must
 * equal name: SANLK_RINDEX_DIFF), zero it, then write a cleared resource
 * (magic PAXOS_DISK_CLEAR, write_timestamp = env->now()) at its offset.
 * Empty name or not found: -ENOENT. */
int rindex_delete(struct lease_env *env, const struct rindex_params *p,
		  const struct rindex_lease *lease, const char *name,
		  uint64_t offset, int write_timeout);

/* rebuild (rindex_rebuild.c): under the internal lease when lease is not
 * NULL; probe slot i < max_resources for a paxos leader (magic only, one
 * sector read at its offset), stopping at dev_size (0 = unknown: stop at
 * the first read that fails), record {offset, resource_name} of each one
 * found, and write the whole index area back in one write (sector 0 as
 * read, everything after it rebuilt).  A read error before dev_size aborts
 * without writing.  *found (may be NULL) = entries written. */
int rindex_rebuild(struct lease_env *env, const struct rindex_params *p,
		   const struct rindex_lease *lease, uint64_t dev_size,
		   uint32_t *found);

/* ---- the internal lease (rindex_lease.c) ---- */

/* Acquire "rindex_lease" at rx + align_size exclusively without waiting
 * for a live owner (PAXOS_ACQ_OWNER_NOWAIT), as (host_id, generation). */
int  rindex_lease_acquire(struct lease_env *env, const struct rindex *rx,
			  const struct rindex_lease *lease, struct paxos_lease *pl);
/* Release it (retried RINDEX_RELEASE_TRIES times on SANLK_AIO_TIMEOUT);
 * also cleans up after a failed acquire.  Returns the release result. */
int  rindex_lease_release(struct lease_env *env, struct paxos_lease *pl);

#endif /* LEASE_RINDEX_H */
