/*
 * ev_out.h - the sender side of sanlock 3.8 host events and the
 * notification bitmap (spec/algorithms.md §8.2, §9.1): the one outgoing
 * event of a lockspace with set_event's flag precedence and EBUSY rule,
 * and the bitmap each renewal writes, rebuilt from the host table's
 * set_bit_time.
 *
 * Pure: no locks, no clock.  In the daemon the state lives in struct
 * lspace and the host table, both guarded by the lockspace's mutex
 * (ls_internal.h), which the caller (ev_ls.c) holds.
 */
#ifndef DAEMON_EV_OUT_H
#define DAEMON_EV_OUT_H

#include <stdint.h>

#include "sanlock.h"
#include "daemon/hosts.h"

/* The stored outgoing event (§9.1). */
struct ev_out {
	struct sanlk_host_event he;   /* host_id, generation, event, data */
	uint64_t set_event_time;      /* local time of the last set/clear */
};

/* set_event steps 1-6 of algorithms.md §9.1 (the host_id range checks
 * are the caller's).  t: the host table (set_bit_time, and the recorded
 * generations for CUR_GENERATION); sbs: set_bitmap_seconds.  0 or
 * -EBUSY (nothing changed). */
int  ev_out_set(struct ev_out *o, struct hosts_table *t,
		const struct sanlk_host_event *he, uint32_t flags,
		uint64_t now, uint32_t sbs);

/* §8.2: the 256-byte bitmap for this renewal; expired set_bit_time
 * entries are cleared.  Our own bit is never set. */
void ev_bitmap_build(struct hosts_table *t, uint64_t now, uint32_t sbs,
		     uint8_t bitmap[ONDISK_BITMAP_SIZE]);

#endif /* DAEMON_EV_OUT_H */
