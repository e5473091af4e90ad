/*
 * recovery_res.c - recovery's view of the rest of the daemon (see
 * recovery.h): lease holders, resource counts, USED flags and orphans
 * come from the resource manager (daemon/res_ls.h); signals and killpath
 * runs go to the helper process (helper.h).
 *
 * No state of its own.  Any thread; the res_ls_* calls take only the
 * resource manager's own mutexes (callable with ls_mod.mutex held).
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>

#include "common/log.h"
#include "daemon/helper.h"
#include "daemon/recovery.h"
#include "daemon/res_ls.h"

static int rr_holders(void *arg, const char *name,
		      struct recovery_holder *out, int max)
{
	struct res_holder hs[RECOVERY_HOLDERS_MAX];
	int n, i;

	(void)arg;
	assert(max <= RECOVERY_HOLDERS_MAX);
	n = res_ls_holders(name, hs, max);
	if (n > max) {
		/* More registered holders than connection slots cannot
		 * be: report it rather than kill only some of them. */
		log_error("%.48s: %d lease holders listed, at most %d",
			  name, n, max);
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		out[i].ci = hs[i].ci;
		out[i].gen = hs[i].gen;
	}
	return n;
}

static int rr_send_kill(void *arg, int pid, int sig)
{
	(void)arg;
	return helper_send_kill(pid, sig);
}

static int rr_send_runpath(void *arg, int pid, const char *path,
			   const char *args, int append_pid)
{
	(void)arg;
	return helper_send_runpath(pid, path, args, append_pid);
}

static const struct recovery_ops rr_ops = {
	.holders = rr_holders,
	.send_kill = rr_send_kill,
	.send_runpath = rr_send_runpath,
	.arg = NULL,
};

const struct recovery_ops *recovery_res_ops(void)
{
	return &rr_ops;
}

int recovery_res_users(const char *name)
{
	return res_ls_users(name);
}

void recovery_res_space_dead(const char *name)
{
	res_ls_set_dead(name);
}

int recovery_res_done(const char *name, uint32_t space_id)
{
	return res_ls_done(name, space_id);
}

void recovery_res_gone(const char *name)
{
	res_ls_gone(name);
}
