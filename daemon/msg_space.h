/*
 * msg_space.h - the host-message engines of the joined lockspaces
 * (msg_engine.h), keyed by space_id, and everything that happens to them
 * from outside: opening at join, the per-renewal step, HOST_MESSAGE
 * submissions, cancellation when the lockspace is removed / fails / the
 * daemon stops, LOCKSPACE_FAIL, closing.  Effects go to the callback fds
 * (cb_table.h) and to the WAIT reply descriptors.
 *
 * Threads: renewal threads (open, renewal, release record, close), the
 * main thread (submit), the cb thread (state).  msg_mutex guards the
 * table and every engine.  Lock order: ls_mod.mutex, lspace.mutex,
 * msg_mutex, then the leaf locks (cb_mutex, ev_mutex).  Nothing under
 * msg_mutex blocks: socket writes are non-blocking.
 */
#ifndef DAEMON_MSG_SPACE_H
#define DAEMON_MSG_SPACE_H

#include <stdint.h>

#include "common/wire.h"
#include "daemon/msg_engine.h"

#define MSG_SPACES_MAX 256    /* = LS_MAX_LOCKSPACES */

/* What a renewal step asks the caller to do outside the lock. */
struct msg_renewal_out {
	int      wd_reset;        /* a WD_RESET was delivered */
	uint64_t wd_from;
	uint64_t wd_gen;
	uint32_t wd_seq;
};

int  msg_space_open(uint32_t space_id, const char *name, uint64_t our_id,
		    uint64_t our_gen, uint32_t max_hosts, uint32_t our_io,
		    uint32_t our_w);
/* Cancel (-ECANCELED to waiters) and free. */
void msg_space_close(uint32_t space_id);
/* One renewal (see msg_engine_renewal); rec receives the record.
 * -ENOENT when the space is not open (rec untouched). */
int  msg_space_renewal(uint32_t space_id, const struct msg_renewal_in *in,
		       uint8_t rec[MSG_REC_SIZE], struct msg_renewal_out *out);
/* The record for the release write (no message). */
int  msg_space_release_record(uint32_t space_id, uint8_t rec[MSG_REC_SIZE]);
/* The lockspace is dead (removed, failed, shutdown): drop the queue;
 * failed: also one LOCKSPACE_FAIL callback.  Idempotent. */
void msg_space_state(uint32_t space_id, int space_dead, int renew_fail);

/* HOST_MESSAGE in lockspace `name`.  With SANLK_HM_WAIT, r->wait_fd is a
 * descriptor of the requesting connection: on 0 the first reply (data 0,
 * data2 = seq) has been written on it and the space owns it until the
 * final reply; on error it stays the caller's.  0 or -errno. */
int  msg_space_submit(const char *name, const struct msg_send_req *r,
		      uint32_t *seq);

/* A HOST_MESSAGE reply header (api.md §8.2 conventions, cmd 41). */
void msg_reply_header(struct sm_header *h, int result, uint32_t seq);

#endif /* DAEMON_MSG_SPACE_H */
