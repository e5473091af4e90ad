/*
 * request.h - serving client requests (spec/cli.md §4.4, §4.10).
 *
 * Requests 1-7 must carry magic 0 (3.8.5's library sends 0), request 41
 * (FIRE_NOW) must carry WDMD_MAGIC_EXT.  A record with a wrong magic or
 * an unknown cmd, a read error, or EOF in the middle of a record closes
 * that connection with a log line (3.8.5 ignores unknown cmds; closing
 * lets a client waiting for a reply see EOF instead of hanging).  As for
 * any close, an armed connection becomes a dead one (clients.h).  Partial
 * records are kept per connection and never block the main loop.
 *
 * Main thread only.
 */
#ifndef WDMD_REQUEST_H
#define WDMD_REQUEST_H

#include "libwdmd/wdmd_wire.h"
#include "wdmd/state.h"

/* Results of wdmd_request_handle besides 0 (keep the connection). */
#define WDMD_REQ_CLOSE 1   /* done (dump sent): close quietly */

/* Handle one whole record from slot ci: 0, WDMD_REQ_CLOSE, or -errno
 * (protocol error, logged: close the connection). */
int wdmd_request_handle(struct wdmd_state *st, int ci,
			const struct wdmd_record *rec);

/* Slot ci's socket is readable (or hung up): read, handle, close. */
void wdmd_request_readable(struct wdmd_state *st, int ci);

#endif /* WDMD_REQUEST_H */
