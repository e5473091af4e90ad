/*
 * direct_paxos.h - `sanlock direct acquire` and `direct release`
 * (spec/cli.md §1.9): a resource (paxos) lease taken or given back by the
 * sanlock process itself, without a daemon and without a lockspace.
 *
 *   direct_paxos.c    the storage of the first -r: open every disk, probe
 *                     disk 0 for the lease's sizes, size checks giving
 *                     3.8.5's -EMSGSIZE, struct paxos_lease setup
 *   direct_acquire.c  acquire with lease/paxos and the host ops of a
 *                     process that has no lockspace
 *   direct_release.c  release exactly as 3.8.5's direct release does it
 *
 * Single-threaded CLI code; a struct direct_paxos lives on the stack of
 * one action.
 */
#ifndef CLI_DIRECT_PAXOS_H
#define CLI_DIRECT_PAXOS_H

#include <stdint.h>

#include "cli/cli.h"
#include "lease/env_disk.h"
#include "lease/paxos.h"
#include "ondisk/ondisk.h"

#define DIRECT_PAXOS_FIRE_TIMEOUT 60   /* W of 3.8.5 (algorithms.md §2.4) */

struct direct_paxos {
	const struct sanlk_resource *res;   /* a->res_args[0] */
	struct env_disk ed;
	int opened;                         /* ed holds open handles */
	char space[ONDISK_NAME_LEN + 1];    /* names as C strings */
	char name[ONDISK_NAME_LEN + 1];
	struct ondisk_sizes arg_sizes;      /* -Z/-A, when have_arg */
	int have_arg;
	struct ondisk_sizes rec_sizes;      /* from disk 0's record (a paxos or
					     * delta leader), when have_rec */
	int have_rec;
};

/* Check the first -r (none: -EINVAL; no disk: -1, as 3.8.5), open every
 * disk (the open error, e.g. -ENOENT; nothing stays open), and probe
 * DIRECT_PROBE_BYTES at disk 0's offset (unaligned offset -EINVAL, past
 * the end -EMSGSIZE, or the read error).  A failure records its reason
 * with log_reason().  dp->opened says whether direct_paxos_close must
 * run; it is safe to call either way. */
int  direct_paxos_open(const struct cli_args *a, struct direct_paxos *dp);
void direct_paxos_close(struct direct_paxos *dp);

/* Every disk holds len bytes at its offset, else -EMSGSIZE (3.8.5's result
 * for a lease that ends past the end of its file or device). */
int  direct_paxos_check_len(struct direct_paxos *dp, uint64_t len);

/* paxos_lease_setup for dp's resource as (host_id, generation) with the
 * given sizes and -o io timeout; -EINVAL (with a reason) when refused. */
int  direct_paxos_setup(const struct cli_args *a, const struct direct_paxos *dp,
			const struct ondisk_sizes *sz, uint64_t host_id,
			uint64_t generation, struct paxos_lease *pl);

/* "acquire" / "release" to syslog as 3.8.5 records them (cli.md §1.9). */
void direct_paxos_syslog(const char *what);

int direct_action_acquire(struct cli_args *a);   /* direct_acquire.c */
int direct_action_release(struct cli_args *a);   /* direct_release.c */

#endif /* CLI_DIRECT_PAXOS_H */
