/*
 * sim_trace.c - a ring of the latest SIM_TRACE_RING trace records of the
 * running seed, formatted only when printed: all of them as they happen
 * with --trace, the tail after a violation.
 *
 * State: sim_w->trace; simulator thread only.
 */
#include <stdio.h>

#include "sim/sim.h"

static const char *sim_tk_name(int k)
{
	static const char *const names[] = {
		[SIM_T_READ] = "read", [SIM_T_WRITE] = "write",
		[SIM_T_LAND] = "land", [SIM_T_DROP] = "drop-write",
		[SIM_T_BOOT] = "boot", [SIM_T_CRASH] = "crash",
		[SIM_T_PAUSE] = "pause", [SIM_T_RESUME] = "resume",
		[SIM_T_STALL] = "stall", [SIM_T_OUTAGE] = "outage",
		[SIM_T_WD_ARM] = "wd-arm", [SIM_T_WD_DISARM] = "wd-disarm",
		[SIM_T_WD_FIRE] = "wd-FIRE", [SIM_T_JOIN] = "join",
		[SIM_T_JOINED] = "joined", [SIM_T_RENEW] = "renew",
		[SIM_T_LS_FAIL] = "ls-fail", [SIM_T_KILL] = "killed",
		[SIM_T_LEAVE] = "leave", [SIM_T_DELTA_REL] = "delta-rel",
		[SIM_T_ACQ] = "acquire", [SIM_T_ACQ_OK] = "ACQUIRED",
		[SIM_T_REL] = "release", [SIM_T_CONV] = "convert",
		[SIM_T_DROP_LEASE] = "drop-lease", [SIM_T_EXCL] = "EXCLUDED",
		[SIM_T_NOTE] = "note", [SIM_T_LEADER] = "=leader",
		[SIM_T_DBLOCK] = "=dblock",
	};

	if (k <= 0 || k >= (int)(sizeof(names) / sizeof(names[0])) || !names[k])
		return "?";
	return names[k];
}

static void sim_trace_print_rec(const struct sim_trace_rec *r)
{
	printf("  %12.6f #%-7llu m%-2d %-10s rv=%-5d %llu %llu %llu\n",
	       r->t / 1e6, (unsigned long long)r->step, r->host,
	       sim_tk_name(r->kind), r->rv, (unsigned long long)r->a,
	       (unsigned long long)r->b, (unsigned long long)r->c);
}

void sim_trace(int host, enum sim_tk kind, int rv, uint64_t a, uint64_t b,
	       uint64_t c)
{
	struct sim_trace_rec *r = &sim_w->trace[sim_w->ntrace % SIM_TRACE_RING];

	r->t = sim_w->now;
	r->step = sim_w->steps;
	r->host = (int16_t)host;
	r->kind = (int16_t)kind;
	r->rv = rv;
	r->a = a;
	r->b = b;
	r->c = c;
	sim_w->ntrace++;
	if (sim_w->cfg.trace)
		sim_trace_print_rec(r);
}

/* What a landing wrote, for the trace: "leader" (resource area sector 0:
 * lver, owner_id:generation, timestamp) or "dblock" (sector 2+: mbal,
 * lver:bal, inp:flags|mode-block SHARED<<8). */
void sim_trace_sector(int host, int dev, uint64_t sector, const uint8_t *data)
{
	uint64_t per = SIM_ALIGN / sim_w->ss, rel = sector % per;

	if (sector < per)
		return;
	if (rel == 0) {
		struct ondisk_leader lr;

		ondisk_leader_decode(data, &lr);
		sim_trace(host, SIM_T_LEADER, dev, lr.lver,
			  lr.owner_id << 32 | (lr.owner_generation & 0xFFFFFFFF),
			  lr.timestamp);
	} else if (rel >= 2) {
		struct ondisk_dblock db;
		struct ondisk_mblock mb;

		ondisk_dblock_decode(data, &db);
		ondisk_mblock_decode(data + ONDISK_MBLOCK_OFFSET, &mb);
		sim_trace(host, SIM_T_DBLOCK, dev, db.mbal,
			  db.lver << 32 | (db.bal & 0xFFFFFFFF),
			  db.inp << 32 | db.flags | (mb.flags & MBLOCK_SHARED) << 8);
	}
}

void sim_trace_print_tail(int n)
{
	uint64_t first = sim_w->ntrace > (uint64_t)n ? sim_w->ntrace - n : 0;
	uint64_t i;

	if (sim_w->ntrace - first > SIM_TRACE_RING)
		first = sim_w->ntrace - SIM_TRACE_RING;
	printf("sim: last %llu trace records (time s, step, host, what, rv, "
	       "args):\n", (unsigned long long)(sim_w->ntrace - first));
	for (i = first; i < sim_w->ntrace; i++)
		sim_trace_print_rec(&sim_w->trace[i % SIM_TRACE_RING]);
}
