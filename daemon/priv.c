/*
 * priv.c - privileges and limits (see priv.h).  No state.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/priv.h"

void priv_lookup_ids(struct daemon_cfg *cfg)
{
	struct passwd *pw;
	struct group *gr;

	if (!cfg->uname[0] && !cfg->gname[0]) {
		/* Default: sanlock:sanlock when both exist (cli.md §2.4). */
		if (getpwnam("sanlock") && getgrnam("sanlock")) {
			snprintf(cfg->uname, sizeof(cfg->uname), "sanlock");
			snprintf(cfg->gname, sizeof(cfg->gname), "sanlock");
		}
	}
	cfg->uid = 0;
	cfg->gid = 0;
	if (cfg->uname[0]) {
		pw = getpwnam(cfg->uname);
		if (pw)
			cfg->uid = pw->pw_uid;
		else
			log_error("user '%s' not found, using uid: 0", cfg->uname);
	}
	if (cfg->gname[0]) {
		gr = getgrnam(cfg->gname);
		if (gr)
			cfg->gid = gr->gr_gid;
		else   /* sic: 3.8.5 says uid here too */
			log_error("group '%s' not found, using uid: 0", cfg->gname);
	}
}

int priv_raise_rlimits(void)
{
	static const struct { int res; const char *what; } lims[] = {
		{ RLIMIT_MEMLOCK, "memlock" },
		{ RLIMIT_RTPRIO, "rtprio" },
		{ RLIMIT_CORE, "core dumps" },
	};
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	for (size_t i = 0; i < sizeof(lims) / sizeof(lims[0]); i++) {
		if (setrlimit(lims[i].res, &rl) < 0) {
			int e = errno;

			log_error("cannot set the limits for %s %d",
				  lims[i].what, e);
			return -e;
		}
	}
	return 0;
}

long priv_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur < PRIV_NOFILE_WANT) {
		rlim_t want = PRIV_NOFILE_WANT;

		if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
			want = rl.rlim_max;
		if (want > rl.rlim_cur) {
			rl.rlim_cur = want;
			if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
				log_error("cannot raise open file limit to %lu: %s",
					  (unsigned long)want, strerror(errno));
			getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	return (long)rl.rlim_cur;
}

void priv_switch_user(const struct daemon_cfg *cfg)
{
	if (!cfg->uname[0] || !cfg->gname[0])
		return;
	if (initgroups(cfg->uname, cfg->gid) < 0)
		log_error("initgroups %s failed: %s", cfg->uname, strerror(errno));
	if (setgid(cfg->gid) < 0)
		log_error("setgid %u failed: %s", (unsigned)cfg->gid,
			  strerror(errno));
	if (setuid(cfg->uid) < 0)
		log_error("setuid %u failed: %s", (unsigned)cfg->uid,
			  strerror(errno));
	/* setuid clears "dumpable"; core dumps are wanted (cli.md §2.3). */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

void priv_mlock(int level)
{
	int flags;

	if (level <= 0)
		return;
	flags = level == 1 ? MCL_CURRENT : MCL_CURRENT | MCL_FUTURE;
	if (mlockall(flags) < 0)
		log_error("mlockall %d failed: %s", flags, strerror(errno));
}

void priv_sched(int high_priority)
{
	struct sched_param sp;
	int prio;

	if (!high_priority)
		return;
	prio = sched_get_priority_max(SCHED_RR);
	if (prio < 0) {
		log_error("could not get max scheduler priority err %d", errno);
		return;
	}
	memset(&sp, 0, sizeof(sp));
	sp.sched_priority = prio;
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		log_error("set scheduler RR|RESET_ON_FORK priority %d failed: %s",
			  prio, strerror(errno));
}
