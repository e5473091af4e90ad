/*
 * faultfs_main.c - the faultfs program: argument parsing, mount, the
 * multi-threaded FUSE loop and the orderly exit (README.md describes the
 * file system and its control protocol).
 *
 *   faultfs BACKING_DIR MOUNTPOINT [-f] [-d] [--ctl PATH] [-o OPT[,OPT]]
 *
 * Threads: main (this file; runs the FUSE loop), up to FAULTFS_MAX_THREADS
 * libfuse workers (faultfs_ops.c), the control thread (faultfs_ctl.c) and
 * the signal thread (faultfs_teardown.c).  State here is local to main().
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faultfs_ctl.h"
#include "faultfs_ops.h"
#include "faultfs_rules.h"
#include "faultfs_teardown.h"

/* Every hung request holds a worker thread; the rest serve other files. */
#define FAULTFS_MAX_THREADS (FAULTFS_MAX_HUNG + 32)
#define FAULTFS_IDLE_THREADS 8
#define FAULTFS_MAX_FUSE_ARGS 32

struct faultfs_args {
	const char *backing, *mnt, *ctl;
	int foreground;
	int fuse_argc;
	char *fuse_argv[FAULTFS_MAX_FUSE_ARGS];
};

static void faultfs_usage(FILE *out)
{
	fprintf(out,
		"usage: faultfs BACKING_DIR MOUNTPOINT [-f] [-d] [--ctl PATH] "
		"[-o OPT[,OPT...]]\n"
		"  Pass-through FUSE file system over BACKING_DIR with fault "
		"injection.\n"
		"  -f          stay in the foreground\n"
		"  -d          FUSE debug output (implies -f)\n"
		"  --ctl PATH  control socket (unix stream, one command per "
		"connection;\n"
		"              see tests/tools/faultfs/README.md)\n"
		"  -o OPT      extra FUSE mount/library options "
		"(default_permissions is always set)\n");
}

static int faultfs_add_fuse_arg(struct faultfs_args *a, char *arg)
{
	if (a->fuse_argc >= FAULTFS_MAX_FUSE_ARGS - 1) {
		fprintf(stderr, "faultfs: too many options (max %d)\n",
			FAULTFS_MAX_FUSE_ARGS);
		return -1;
	}
	a->fuse_argv[a->fuse_argc++] = arg;
	return 0;
}

static int faultfs_parse_args(int argc, char **argv, struct faultfs_args *a)
{
	int i, npos = 0;

	memset(a, 0, sizeof(*a));
	faultfs_add_fuse_arg(a, argv[0]);
	faultfs_add_fuse_arg(a, "-o");
	faultfs_add_fuse_arg(a, "default_permissions,fsname=faultfs,"
			     "subtype=faultfs");
	for (i = 1; i < argc; i++) {
		char *s = argv[i];

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			faultfs_usage(stdout);
			exit(0);
		} else if (!strcmp(s, "-f")) {
			a->foreground = 1;
		} else if (!strcmp(s, "-d") || !strcmp(s, "--debug")) {
			a->foreground = 1;
			if (faultfs_add_fuse_arg(a, "-d"))
				return -1;
		} else if (!strcmp(s, "--ctl") && i + 1 < argc) {
			a->ctl = argv[++i];
		} else if (!strncmp(s, "--ctl=", 6)) {
			a->ctl = s + 6;
		} else if (!strcmp(s, "-o") && i + 1 < argc) {
			if (faultfs_add_fuse_arg(a, "-o") ||
			    faultfs_add_fuse_arg(a, argv[++i]))
				return -1;
		} else if (!strncmp(s, "-o", 2) && s[2]) {
			if (faultfs_add_fuse_arg(a, s))
				return -1;
		} else if (s[0] == '-') {
			fprintf(stderr, "faultfs: unknown option %s\n", s);
			return -1;
		} else if (npos == 0) {
			a->backing = s;
			npos++;
		} else if (npos == 1) {
			a->mnt = s;
			npos++;
		} else {
			fprintf(stderr, "faultfs: unexpected argument %s\n", s);
			return -1;
		}
	}
	if (npos != 2) {
		faultfs_usage(stderr);
		return -1;
	}
	a->fuse_argv[a->fuse_argc] = NULL;
	return 0;
}

/* fuse_daemonize changes to "/": make a relative --ctl path absolute. */
static const char *faultfs_abs_ctl(const char *ctl, char *buf, size_t size)
{
	char cwd[PATH_MAX];

	if (!ctl || ctl[0] == '/')
		return ctl;
	if (!getcwd(cwd, sizeof(cwd)) ||
	    (size_t)snprintf(buf, size, "%s/%s", cwd, ctl) >= size)
		return NULL;
	return buf;
}

int main(int argc, char **argv)
{
	static char mnt[PATH_MAX], ctl[PATH_MAX];
	struct fuse_loop_config *cfg = NULL;
	struct faultfs_args a;
	struct fuse_args fargs = FUSE_ARGS_INIT(0, NULL);
	struct fuse *f = NULL;
	int dirfd = -1, mounted = 0, rv = 1;

	if (faultfs_parse_args(argc, argv, &a))
		return 2;
	faultfs_teardown_block_signals();
	if (faultfs_rules_init()) {
		fprintf(stderr, "faultfs: cannot initialise the rule table\n");
		return 1;
	}
	if (a.ctl && !(a.ctl = faultfs_abs_ctl(a.ctl, ctl, sizeof(ctl)))) {
		fprintf(stderr, "faultfs: control socket path too long\n");
		return 1;
	}
	if (!realpath(a.mnt, mnt)) {
		fprintf(stderr, "faultfs: mount point %s: %s\n", a.mnt,
			strerror(errno));
		return 1;
	}
	/* Opened before mounting, so BACKING_DIR may even be MOUNTPOINT. */
	dirfd = open(a.backing, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "faultfs: backing directory %s: %s\n",
			a.backing, strerror(errno));
		return 1;
	}
	faultfs_ops_set_backing(dirfd);
	if (a.ctl && faultfs_ctl_open(a.ctl) != 0)
		goto out;

	fargs = (struct fuse_args)FUSE_ARGS_INIT(a.fuse_argc, a.fuse_argv);
	f = fuse_new(&fargs, &faultfs_ops, sizeof(faultfs_ops), NULL);
	if (!f)
		goto out;
	if (fuse_mount(f, mnt) != 0)
		goto out;
	mounted = 1;
	if (fuse_daemonize(a.foreground) != 0)
		goto out;
	if (faultfs_ctl_start() != 0)
		goto out;
	if (faultfs_teardown_start(mnt) != 0)
		goto out;

	cfg = fuse_loop_cfg_create();
	if (!cfg)
		goto out;
	fuse_loop_cfg_set_max_threads(cfg, FAULTFS_MAX_THREADS);
	fuse_loop_cfg_set_idle_threads(cfg, FAULTFS_IDLE_THREADS);
	fuse_loop_cfg_set_clone_fd(cfg, 0);
	rv = fuse_loop_mt(f, cfg) ? 1 : 0;
out:
	/* Nothing may stay blocked once the loop is gone. */
	faultfs_rules_shutdown();
	faultfs_teardown_stop();
	faultfs_ctl_stop();
	if (cfg)
		fuse_loop_cfg_destroy(cfg);
	if (mounted)
		faultfs_teardown_unmount(f);
	if (f)
		fuse_destroy(f);
	faultfs_ops_cleanup();
	fuse_opt_free_args(&fargs);
	close(dirfd);
	return rv;
}
