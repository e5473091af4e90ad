/*
 * runfile.c - run dir, pid lock file, listening socket (see runfile.h).
 * No state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/wire.h"
#include "daemon/runfile.h"

int runfile_setup_dir(const struct daemon_cfg *cfg)
{
	gid_t g = cfg->privileged ? 0 : cfg->gid;

	umask(0002);
	if (mkdir(cfg->run_dir, 0775) < 0 && errno != EEXIST) {
		int e = errno;

		log_error("cannot create run dir %s: %s", cfg->run_dir,
			  strerror(e));
		return -e;
	}
	if (chown(cfg->run_dir, cfg->uid, g) < 0) {
		int e = errno;

		log_error("lockfile chown error %s: %s", cfg->run_dir,
			  strerror(e));
		return -e;
	}
	return 0;
}

int runfile_lock(const struct daemon_cfg *cfg)
{
	char path[DAEMON_RUN_DIR_MAX + 32];
	char buf[32];
	struct flock lk;
	int fd, n, e;

	snprintf(path, sizeof(path), "%s/%s", cfg->run_dir, RUNFILE_PID_NAME);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		log_error("lockfile open error %s: %s", path, strerror(e));
		return -e;
	}
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &lk) < 0) {
		e = errno;
		log_error("lockfile setlk error %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	if (ftruncate(fd, 0) < 0) {
		e = errno;
		log_error("lockfile truncate error %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		e = errno ? errno : EIO;
		log_error("lockfile write error %s: %s", path, strerror(e));
		close(fd);
		return -e;
	}
	return fd;
}

void runfile_sock_path(const char *run_dir, char *out, size_t size)
{
	char full[DAEMON_RUN_DIR_MAX + 32];

	snprintf(full, sizeof(full), "%s/%s", run_dir, SANLK_SOCK_NAME);
	/* The library truncates to 106 characters (api.md §4.10). */
	if (strlen(full) > SANLK_SOCK_PATH_MAX)
		full[SANLK_SOCK_PATH_MAX] = '\0';
	snprintf(out, size, "%s", full);
}

int runfile_listen(const struct daemon_cfg *cfg)
{
	struct sockaddr_un addr;
	int fd, e;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	runfile_sock_path(cfg->run_dir, addr.sun_path, sizeof(addr.sun_path));

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		log_error("socket error: %s", strerror(e));
		return -e;
	}
	unlink(addr.sun_path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		e = errno;
		log_error("bind error %s: %s", addr.sun_path, strerror(e));
		goto fail;
	}
	if (chmod(addr.sun_path, 0660) < 0) {
		e = errno;
		log_error("chmod error %s: %s", addr.sun_path, strerror(e));
		goto fail;
	}
	if (chown(addr.sun_path, cfg->uid, cfg->gid) < 0) {
		e = errno;
		log_error("chown error %s: %s", addr.sun_path, strerror(e));
		goto fail;
	}
	if (listen(fd, RUNFILE_LISTEN_BACKLOG) < 0) {
		e = errno;
		log_error("listen error %s: %s", addr.sun_path, strerror(e));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -e;
}
