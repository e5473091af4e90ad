/*
 * sim_hosts.c - host-status tracking of a simulated daemon
 * (spec/algorithms.md §4.1: one record per host_id, updated from each
 * successful renewal read of the whole lockspace area) and the struct
 * paxos_host_ops the resource workers pass to lease/paxos (§5.4, §4.4):
 * host_info from those records, read_delta as a real one-sector read of
 * the owner's delta lease through the worker's env, host_live by the rule
 * of §4.4 (paxos_host_live_eval).
 *
 * Tracking runs right after the read returns (the earliest the daemon's
 * main loop could process it, which is the least favourable moment for
 * safety: last_live is stamped as early as possible).
 *
 * State: h->hs; written by the host's lockspace thread, read by its
 * workers (simulated threads of one OS thread: no locking).
 */
#include <assert.h>
#include <string.h>

#include "sim/sim.h"

void sim_hs_reset(struct sim_host *h)
{
	memset(h->hs, 0, sizeof(h->hs));
}

void sim_hs_update(struct sim_host *h, const uint8_t *area, uint64_t now)
{
	uint32_t ss = sim_w->ss;
	int i;

	for (i = 1; i <= sim_w->cfg.nids; i++) {
		struct sim_hs *hs = &h->hs[i];
		struct ondisk_leader lr;
		int bad;

		ondisk_leader_decode(area + (size_t)(i - 1) * ss, &lr);
		hs->last_check = now;                                /* 1 */
		if (!hs->first_check)
			hs->first_check = now;
		bad = lr.magic != DELTA_DISK_MAGIC ||                /* 2 */
		      strncmp(lr.space_name, "LS", ONDISK_NAME_LEN) != 0;
		if (bad) {
			if (hs->lease_bad < UINT32_MAX)
				hs->lease_bad++;
		} else {
			hs->lease_bad = 0;
		}
		if (!bad && (memcmp(lr.resource_name, hs->owner_name,   /* 3 */
				    ONDISK_NAME_LEN) != 0 ||
			     lr.owner_generation != hs->owner_generation))
			memcpy(hs->owner_name, lr.resource_name,
			       ONDISK_NAME_LEN);
		if (lr.owner_id == hs->owner_id &&                   /* 4 */
		    lr.owner_generation == hs->owner_generation &&
		    lr.timestamp == hs->timestamp)
			continue;
		if (!bad) {                                          /* 5 */
			hs->owner_id = lr.owner_id;
			hs->owner_generation = lr.owner_generation;
			hs->io_timeout = lr.io_timeout;
		}
		hs->timestamp = lr.timestamp;
		hs->last_live = now;
	}
}

/* ---- paxos host ops: ctx is the worker's struct sim_thread ---- */

static int sim_ops_usable(const struct sim_host *h)
{
	return h->state == SIM_H_JOINED || h->state == SIM_H_LEAVING;
}

static int sim_ops_host_info(void *ctx, uint64_t host_id,
			     struct paxos_host_info *out)
{
	struct sim_thread *th = ctx;
	struct sim_host *h = th->host;
	const struct sim_hs *hs;

	memset(out, 0, sizeof(*out));
	if (!sim_ops_usable(h))
		return SANLK_ACQUIRE_LOCKSPACE;
	if (host_id < 1 || host_id > (uint64_t)sim_w->cfg.nids)
		return 0;   /* no record */
	hs = &h->hs[host_id];
	out->first_check = hs->first_check;
	out->last_check = hs->last_check;
	out->last_live = hs->last_live;
	out->timestamp = hs->timestamp;
	out->owner_id = hs->owner_id;
	out->owner_generation = hs->owner_generation;
	out->io_timeout = hs->io_timeout;
	/* note 4: host_id, last_live, io_timeout:owner_generation */
	sim_trace(h->idx, SIM_T_NOTE, 4, host_id, hs->last_live,
		  (uint64_t)hs->io_timeout << 32 | (hs->owner_generation & 0xFFFFFFFF));
	return 0;
}

static int sim_ops_read_delta(void *ctx, uint64_t host_id,
			      struct ondisk_leader *out)
{
	struct sim_thread *th = ctx;
	struct sim_host *h = th->host;
	const struct lease_env *env = &th->env;
	uint32_t ss = sim_w->ss;
	uint8_t *buf;
	int rv;

	assert(host_id >= 1);
	if (host_id > (uint64_t)sim_w->sizes.max_hosts)
		return -EINVAL;
	buf = env->buf_alloc(env->ctx, ss);
	rv = env->read(env->ctx, 0, ondisk_delta_offset(0, host_id, ss), buf,
		       ss, (int)h->io);
	if (rv == 0) {
		ondisk_leader_decode(buf, out);
		rv = ondisk_delta_verify(out, "LS");
	}
	env->buf_free(env->ctx, buf);
	return rv;
}

static int sim_ops_host_live(void *ctx, uint64_t host_id, uint64_t gen)
{
	struct sim_thread *th = ctx;
	struct sim_host *h = th->host;
	struct paxos_host_info hi;
	int have = sim_ops_host_info(ctx, host_id, &hi) == 0 &&
		   host_id >= 1 && host_id <= (uint64_t)sim_w->cfg.nids;

	int live = sim_w->cfg.fix_host_live ?
		   paxos_host_live_evidence(&hi, have, gen, h->io,
					    sim_w->cfg.w) :
		   paxos_host_live_eval(&hi, have, gen, sim_local_sec(h), h->io,
					sim_w->cfg.w);

	if (!live)   /* note 3: host_id, generation, tracked last_live */
		sim_trace(h->idx, SIM_T_NOTE, 3, host_id, gen,
			  hi.last_live | hi.timestamp << 32);
	return live;
}

void sim_host_ops(struct sim_thread *th, struct paxos_host_ops *ops)
{
	ops->ctx = th;
	ops->host_info = sim_ops_host_info;
	ops->read_delta = sim_ops_read_delta;
	ops->host_live = sim_ops_host_live;
}
