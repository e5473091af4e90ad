/*
 * reset_local.h - sanlk-reset reg|end|clear (spec/cli.md §5.2): tell the
 * local sanlk-resetd which lockspaces to watch.  No state.
 */
#ifndef SANLK_RESET_LOCAL_H
#define SANLK_RESET_LOCAL_H

#include "reset_opts.h"

/* Send one "<cmd> <name>" datagram to the local sanlk-resetd socket.
 * 0 or -errno (-ENOENT when no sanlk-resetd runs there). */
int reset_update_send(const char *cmd, const char *name);

/* One datagram per name of o, printing "Updated <cmd> <name>" for each;
 * at the first failure "Failed to update local sanlk-resetd: <strerror>".
 * Both on stdout.  Returns the exit status: 0, or 1 on failure. */
int reset_local_update(const struct reset_opts *o);

#endif /* SANLK_RESET_LOCAL_H */
