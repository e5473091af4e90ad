/*
 * ev_ls.h - the 3.8 event API on the daemon side, glue between the
 * commands (cmd_event.c) and the lockspace manager: SET_EVENT on a joined
 * lockspace (algorithms.md §9.1), the joined-lockspace lookup REG_EVENT /
 * END_EVENT need (api.md §8.6).  The renewal-side hooks are declared in
 * ls_internal.h (ev_ls_prepare, ev_ls_hosts_cb, ev_ls_after_examine).
 *
 * Any thread; takes ls_mod.mutex, then the lockspace's mutex.
 */
#ifndef DAEMON_EV_LS_H
#define DAEMON_EV_LS_H

#include <stdint.h>

#include "sanlock.h"

#define EV_HOST_ID_MAX 2000   /* set_event host_id range (algorithms.md §9.1) */

/* SET_EVENT: 0, -EINVAL (empty name, host_id 0 / > 2000 / > max_hosts),
 * -ENOENT (not joined), -EBUSY. */
int ev_ls_set_event(const char *name, const struct sanlk_host_event *he,
		    uint32_t flags);

/* The space_id of a joined lockspace (list "spaces"): 0 or -ENOENT. */
int ev_ls_joined(const char *name, uint32_t *space_id);

#endif /* DAEMON_EV_LS_H */
