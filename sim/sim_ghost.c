/*
 * sim_ghost.c - the ghost: a global, omniscient record of who believes it
 * holds what, in virtual real time, and the safety invariants checked
 * against it (DESIGN.md "The seam that matters most"):
 *  1. never two exclusive holders of one resource at the same time;
 *  2. never an exclusive holder beside a shared one;
 *  3. a host_id (delta lease) is never held by two live hosts at once;
 * Agreement (one owner per resource version, one host name per host_id
 * generation) is only counted, not enforced: a late write may revert a
 * leader or a delta slot to older content (§1A.3), after which the same
 * lver or generation can legitimately be taken again once every holder
 * of the earlier one is gone; what must never happen is covered by 1-3.
 * A resource holding runs from the moment the acquire returns success
 * until the holder starts its release, or its processes are killed, or
 * the machine dies (watchdog reset or crash).  A delta holding runs from
 * the join until the lockspace fails, the host starts leaving, or the
 * machine dies.  Holders are (machine, daemon incarnation): when only the
 * daemon crashes, its processes keep their leases (and its host_id
 * stays theirs) until the watchdog resets the machine.
 *
 * State: sim_w->ghost; simulator thread only.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

static const char *sim_mode_name(enum sim_mode m)
{
	return m == SIM_MODE_EX ? "EX" : m == SIM_MODE_SH ? "SH" : "-";
}

void sim_violation(const char *fmt, ...)
{
	va_list ap;

	if (sim_w->violation)
		return;   /* the first one is reported */
	sim_w->violation = 1;
	va_start(ap, fmt);
	vsnprintf(sim_w->vmsg, sizeof(sim_w->vmsg), fmt, ap);
	va_end(ap);
	sim_trace(-1, SIM_T_NOTE, -1, 0, 0, 0);   /* -1: the violation */
}

void sim_ghost_reset(void)
{
	int r;

	memset(&sim_w->ghost, 0, sizeof(sim_w->ghost));
	for (r = 0; r < SIM_MAX_RES; r++)
		sim_w->ghost.res[r].last_host = -1;
}

void sim_ghost_delta_start(struct sim_host *h)
{
	struct sim_gslot *s;

	assert(h->host_id >= 1 && h->host_id <= (uint64_t)sim_w->cfg.nids);
	assert(!h->delta_holding);
	s = &sim_w->ghost.slot[h->host_id];
	if (s->active)
		sim_violation("host_id %llu held by two live hosts: m%d daemon "
			      "%u (gen %llu, since %.6f s) and m%d %s (gen %llu)",
			      (unsigned long long)h->host_id, s->host, s->inc,
			      (unsigned long long)s->gen, s->since / 1e6,
			      h->idx, h->name, (unsigned long long)h->gen);
	if (h->gen < SIM_GHOST_GENS) {
		char *n = s->gen_name[h->gen];

		if (n[0] && strncmp(n, h->name, SIM_NAME_MAX) != 0) {
			sim_stat(SIM_S_GEN_REUSE);
			sim_trace(h->idx, SIM_T_NOTE, 1, h->host_id, h->gen, 0);
		}
		snprintf(n, SIM_NAME_MAX, "%s", h->name);
	}
	s->active = 1;
	s->host = h->idx;
	s->inc = h->inc;
	s->gen = h->gen;
	s->since = sim_w->now;
	h->delta_holding = 1;
}

void sim_ghost_delta_end(struct sim_host *h)
{
	struct sim_gslot *s;

	if (!h->delta_holding)
		return;
	s = &sim_w->ghost.slot[h->host_id];
	assert(s->active && s->host == h->idx && s->inc == h->inc);
	s->active = 0;
	h->delta_holding = 0;
}

static struct sim_ghold *sim_ghost_find(int r, int machine, uint32_t inc)
{
	struct sim_gres *g = &sim_w->ghost.res[r];
	int i;

	for (i = 0; i < (int)g->hwm; i++)
		if (g->h[i].active && g->h[i].machine == machine &&
		    g->h[i].inc == inc)
			return &g->h[i];
	return NULL;
}

/* Invariants 1 and 2 for host h taking `mode` on resource r. */
static void sim_ghost_conflicts(struct sim_host *h, int r, enum sim_mode mode)
{
	struct sim_gres *g = &sim_w->ghost.res[r];
	int i;

	for (i = 0; i < (int)g->hwm; i++) {
		const struct sim_ghold *o = &g->h[i];

		if (!o->active || (o->machine == h->idx && o->inc == h->inc))
			continue;
		if (mode == SIM_MODE_EX || o->mode == SIM_MODE_EX)
			sim_violation("resource R%d: %s granted to m%d "
				      "(host_id %llu gen %llu lver %llu) while "
				      "m%d daemon %u holds it %s (host_id %llu "
				      "gen %llu lver %llu, since %.6f s)",
				      r, sim_mode_name(mode), h->idx,
				      (unsigned long long)h->host_id,
				      (unsigned long long)h->gen,
				      (unsigned long long)h->res[r].pl.lver,
				      o->machine, o->inc, sim_mode_name(o->mode),
				      (unsigned long long)o->host_id,
				      (unsigned long long)o->gen,
				      (unsigned long long)o->lver,
				      o->since / 1e6);
	}
}

/* Agreement on resource versions (counted, see the top). */
static void sim_ghost_agree(struct sim_host *h, int r, uint64_t lver)
{
	struct sim_gres *g = &sim_w->ghost.res[r];

	if (lver >= SIM_GHOST_LVERS)
		return;
	if (g->lver_host[lver] &&
	    (g->lver_host[lver] != h->host_id + 1 ||
	     g->lver_gen[lver] != (uint32_t)h->gen)) {
		sim_stat(SIM_S_LVER_REUSE);
		sim_trace(h->idx, SIM_T_NOTE, 2, (uint64_t)r, lver, 0);
	}
	g->lver_host[lver] = (uint16_t)(h->host_id + 1);
	g->lver_gen[lver] = (uint32_t)h->gen;
}

void sim_ghost_res_grant(struct sim_host *h, int r, enum sim_mode mode,
			 uint64_t lver)
{
	struct sim_gres *g = &sim_w->ghost.res[r];
	struct sim_ghold *me = NULL;
	int i;

	assert(r >= 0 && r < sim_w->cfg.nres);
	assert(mode == SIM_MODE_EX || mode == SIM_MODE_SH);
	assert(!sim_ghost_find(r, h->idx, h->inc));
	assert(h->delta_holding && "granted outside lockspace membership");
	sim_ghost_conflicts(h, r, mode);
	sim_ghost_agree(h, r, lver);
	if (g->last_host >= 0 && g->last_host != h->idx && !g->last_released)
		sim_stat(SIM_S_TAKEOVER);
	for (i = 0; i < SIM_GHOST_HOLDERS && !me; i++)
		if (!g->h[i].active)
			me = &g->h[i];
	assert(me && "ghost holder table full");
	if ((uint32_t)(me - g->h) + 1 > g->hwm)
		g->hwm = (uint32_t)(me - g->h) + 1;
	me->active = 1;
	me->machine = h->idx;
	me->mode = mode;
	me->inc = h->inc;
	me->host_id = h->host_id;
	me->gen = h->gen;
	me->lver = lver;
	me->since = sim_w->now;
	g->last_host = h->idx;
	g->last_released = 0;
}

void sim_ghost_res_convert(struct sim_host *h, int r, enum sim_mode mode,
			   uint64_t lver)
{
	struct sim_ghold *me = sim_ghost_find(r, h->idx, h->inc);

	if (!me)
		return;   /* killed meanwhile */
	if (mode == SIM_MODE_EX && me->mode != SIM_MODE_EX) {
		sim_ghost_conflicts(h, r, mode);
		if (lver != me->lver)
			sim_ghost_agree(h, r, lver);
	}
	me->mode = mode;
	me->lver = lver;
}

void sim_ghost_res_end(struct sim_host *h, int r, int released)
{
	struct sim_gres *g = &sim_w->ghost.res[r];
	struct sim_ghold *me = sim_ghost_find(r, h->idx, h->inc);

	if (!me)
		return;
	me->active = 0;
	if (g->last_host == h->idx)
		g->last_released = released;
}

/* The machine reset: every holding of every daemon incarnation ends. */
void sim_ghost_host_end(struct sim_host *h)
{
	int r, i;

	for (r = 0; r < sim_w->cfg.nres; r++) {
		struct sim_gres *g = &sim_w->ghost.res[r];

		for (i = 0; i < (int)g->hwm; i++)
			if (g->h[i].active && g->h[i].machine == h->idx)
				g->h[i].active = 0;
		h->res[r].holding = 0;
	}
	for (i = 1; i <= sim_w->cfg.nids; i++) {
		struct sim_gslot *s = &sim_w->ghost.slot[i];

		if (s->active && s->host == h->idx)
			s->active = 0;
	}
	h->delta_holding = 0;
}

/* Only the daemon died: its holdings (kept under its incarnation) stay
 * active until the machine resets; the host struct forgets them. */
void sim_ghost_daemon_gone(struct sim_host *h)
{
	int r;

	for (r = 0; r < sim_w->cfg.nres; r++)
		h->res[r].holding = 0;
	h->delta_holding = 0;
}

/* Cheap consistency of the ghost with the hosts, after every step. */
void sim_ghost_check_step(void)
{
	int r, i;

	for (r = 0; r < sim_w->cfg.nres; r++) {
		const struct sim_gres *g = &sim_w->ghost.res[r];

		for (i = 0; i < (int)g->hwm; i++) {
			const struct sim_ghold *o = &g->h[i];
			const struct sim_host *h;

			if (!o->active)
				continue;
			h = &sim_w->hosts[o->machine];
			assert(h->state != SIM_H_DOWN);
			if (o->inc == h->inc && !h->daemon_down)
				assert(h->res[r].holding);
			else
				assert(h->wd.doomed && o->inc <= h->inc);
		}
	}
	for (i = 1; i <= sim_w->cfg.nids; i++) {
		const struct sim_gslot *s = &sim_w->ghost.slot[i];
		const struct sim_host *h;

		if (!s->active)
			continue;
		h = &sim_w->hosts[s->host];
		assert(h->state != SIM_H_DOWN);
		assert(s->inc == h->inc && !h->daemon_down ? h->delta_holding
							       : h->wd.doomed);
	}
}
