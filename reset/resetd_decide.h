/*
 * resetd_decide.h - what sanlk-resetd does with one host event (spec/cli.md
 * §5.1, algorithms.md §9.3).  Pure: the caller performs the plan (sanlock
 * and wdmd calls, the sysrq timer) and then asks which reply to send.
 */
#ifndef SANLK_RESETD_DECIDE_H
#define SANLK_RESETD_DECIDE_H

#include <stdint.h>

enum resetd_kind {
	RESETD_OTHER = 0,	/* neither request nor reply bits: not ours */
	RESETD_NOTICE,		/* a reply (RESETTING/REBOOTING) of another
				 * host: only logged */
	RESETD_OLD_GENERATION,	/* a request for another incarnation of this
				 * host: ignored */
	RESETD_REQUEST,		/* RESET and/or REBOOT for us */
};

struct resetd_decide_in {
	uint64_t event;		/* the event value */
	uint64_t generation;	/* the generation the event is for (0: any) */
	uint64_t own_generation;/* ours in that lockspace (0: unknown) */
	/* options */
	int use_watchdog, sysrq_reboot, resource_mode;
	/* what this daemon has done already */
	int wd_armed, reboot_scheduled;
};

struct resetd_plan {
	enum resetd_kind kind;
	int want_reset, want_reboot;	/* requested */
	int ignore_reset;		/* RESET without -w 1 */
	int ignore_reboot;		/* REBOOT without -b 1 */
	int set_used;			/* set_config USED first; on failure
					 * nothing else is done, no reply */
	int arm_watchdog;		/* first RESET: TEST_LIVE(now, now) */
	int schedule_reboot;		/* first REBOOT: sysrq after -d s */
};

void resetd_decide(const struct resetd_decide_in *in, struct resetd_plan *p);

/* The reply for a request after the plan ran: RESETTING if a reset was
 * requested and the watchdog is armed, REBOOTING if a reboot was
 * requested and is scheduled.  0: no reply. */
uint64_t resetd_reply_bits(const struct resetd_plan *p, int wd_armed,
			   int reboot_scheduled);

#endif /* SANLK_RESETD_DECIDE_H */
