/*
 * resetd_decide.c - sanlk-resetd's event decisions (see resetd_decide.h).
 *
 * Generations: the sender addresses an incarnation of this host
 * (algorithms.md §9.3: the daemon does not filter by generation).  A
 * request whose generation is non-zero and differs from ours is left
 * alone: it is a stale event of an earlier incarnation (a sender's event
 * stays in its delta lease and is delivered again with any later bit for
 * us) and must not reset this one.  When our generation could not be
 * read (0) the request is honoured.
 */
#include <string.h>

#include "reset_common.h"
#include "resetd_decide.h"

void resetd_decide(const struct resetd_decide_in *in, struct resetd_plan *p)
{
	memset(p, 0, sizeof(*p));
	if (!(in->event & RESET_REQUEST_BITS)) {
		p->kind = in->event & RESET_REPLY_BITS ? RESETD_NOTICE :
			  RESETD_OTHER;
		return;
	}
	if (in->generation && in->own_generation &&
	    in->generation != in->own_generation) {
		p->kind = RESETD_OLD_GENERATION;
		return;
	}
	p->kind = RESETD_REQUEST;
	p->want_reset = !!(in->event & EVENT_RESET);
	p->want_reboot = !!(in->event & EVENT_REBOOT);

	if (p->want_reset && !in->use_watchdog)
		p->ignore_reset = 1;
	if (p->want_reboot && !in->sysrq_reboot)
		p->ignore_reboot = 1;

	if (p->want_reset && !p->ignore_reset) {
		p->set_used = !in->resource_mode;
		p->arm_watchdog = !in->wd_armed;
	}
	if (p->want_reboot && !p->ignore_reboot)
		p->schedule_reboot = !in->reboot_scheduled;
}

uint64_t resetd_reply_bits(const struct resetd_plan *p, int wd_armed,
			   int reboot_scheduled)
{
	uint64_t bits = 0;

	if (p->kind != RESETD_REQUEST)
		return 0;
	if (p->want_reset && !p->ignore_reset && wd_armed)
		bits |= EVENT_RESETTING;
	if (p->want_reboot && !p->ignore_reboot && reboot_scheduled)
		bits |= EVENT_REBOOTING;
	return bits;
}
