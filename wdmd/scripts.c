/*
 * scripts.c - running the test scripts (see scripts.h for the rules).
 * Main thread only.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wdmd/log.h"
#include "wdmd/scripts.h"

extern char **environ;

/* Bound of one reap pass: our scripts plus orphans of a rescan. */
#define SCRIPTS_REAP_MAX (2 * WDMD_SCRIPT_MAX + 8)

void wdmd_scripts_init(struct wdmd_scripts *ss, int enabled, const char *dir,
		       int kill_sec)
{
	memset(ss, 0, sizeof(*ss));
	ss->enabled = enabled ? 1 : 0;
	ss->kill_sec = kill_sec > 0 ? kill_sec : 0;
	snprintf(ss->dir, sizeof(ss->dir), "%s", dir ? dir : "");
}

static int script_path(const struct wdmd_scripts *ss, const char *name,
		       char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", ss->dir, name);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/* 0 if dir/name is a regular, owner-executable file, else -errno. */
static int script_usable(const struct wdmd_scripts *ss, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int rv;

	rv = script_path(ss, name, path, sizeof(path));
	if (rv < 0)
		return rv;
	if (stat(path, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (!(st.st_mode & S_IXUSR))
		return -EACCES;
	return 0;
}

static int scan_filter(const struct dirent *de)
{
	return de->d_name[0] != '.' &&
	       strlen(de->d_name) <= WDMD_SCRIPT_NAME_MAX;
}

int wdmd_scripts_scan(struct wdmd_scripts *ss)
{
	struct wdmd_script next[WDMD_SCRIPT_MAX];
	struct dirent **list = NULL;
	int n, i, j, count = 0;

	if (!ss->enabled)
		return 0;
	n = scandir(ss->dir, &list, scan_filter, alphasort);
	if (n < 0) {
		int rv = -errno;

		wdmd_log("scripts dir %s error %d", ss->dir, -rv);
		return rv;
	}
	memset(next, 0, sizeof(next));
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;

		if (count < WDMD_SCRIPT_MAX && script_usable(ss, name) == 0) {
			for (j = 0; j < ss->count; j++)
				if (!strcmp(ss->s[j].name, name))
					break;
			if (j < ss->count)
				next[count] = ss->s[j];
			else
				snprintf(next[count].name,
					 sizeof(next[count].name), "%s", name);
			count++;
		} else if (count >= WDMD_SCRIPT_MAX && script_usable(ss, name) == 0) {
			wdmd_log("script %s ignored, more than %d scripts",
				 name, WDMD_SCRIPT_MAX);
		}
		free(list[i]);
	}
	free(list);
	memcpy(ss->s, next, sizeof(next));
	ss->count = count;
	for (i = 0; i < count; i++)
		wdmd_log("script %d %s", i, ss->s[i].name);
	return count;
}

static void script_remove(struct wdmd_scripts *ss, int i, int err)
{
	assert(i >= 0 && i < ss->count);
	wdmd_log("script %s removed %d", ss->s[i].name, err);
	memmove(&ss->s[i], &ss->s[i + 1],
		(size_t)(ss->count - i - 1) * sizeof(ss->s[0]));
	ss->count--;
	memset(&ss->s[ss->count], 0, sizeof(ss->s[0]));
}

static int script_start(struct wdmd_scripts *ss, struct wdmd_script *sc,
			uint64_t now)
{
	char path[PATH_MAX];
	char *argv[2];
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	pid_t pid;
	int rv;

	rv = script_usable(ss, sc->name);
	if (rv < 0)
		return rv;
	rv = script_path(ss, sc->name, path, sizeof(path));
	if (rv < 0)
		return rv;
	argv[0] = path;
	argv[1] = NULL;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGHUP);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	rv = posix_spawn(&pid, path, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (rv)
		return -rv;
	sc->pid = pid;
	sc->start = now;
	sc->long_counted = 0;
	sc->run++;
	return 0;
}

static struct wdmd_script *script_by_pid(struct wdmd_scripts *ss, pid_t pid)
{
	int i;

	for (i = 0; i < ss->count; i++)
		if (ss->s[i].pid == pid)
			return &ss->s[i];
	return NULL;
}

void wdmd_scripts_reap(struct wdmd_scripts *ss)
{
	struct wdmd_script *sc;
	pid_t pid;
	int i, st;

	for (i = 0; i < SCRIPTS_REAP_MAX; i++) {
		pid = waitpid(-1, &st, WNOHANG);
		if (pid <= 0)
			return;
		sc = script_by_pid(ss, pid);
		if (!sc)
			continue;   /* orphan of a rescan */
		sc->pid = 0;
		sc->have_result = 1;
		if (WIFEXITED(st))
			sc->last_result = WEXITSTATUS(st);
		else if (WIFSIGNALED(st))
			sc->last_result = 128 + WTERMSIG(st);
		else
			sc->last_result = 255;
		if (sc->last_result) {
			sc->fail++;
			if (WIFSIGNALED(st))
				wdmd_log("script %s pid %d killed by signal %d",
					 sc->name, (int)pid, WTERMSIG(st));
			else
				wdmd_log("script %s pid %d exit status %d",
					 sc->name, (int)pid, sc->last_result);
		} else {
			sc->good++;
		}
	}
}

int wdmd_scripts_round(struct wdmd_scripts *ss, uint64_t now, char *reason,
		       size_t size)
{
	struct wdmd_script *sc;
	int i, rv, failed = 0, bad;

	if (!ss->enabled)
		return 0;
	for (i = 0; i < ss->count; i++) {
		sc = &ss->s[i];
		bad = 0;
		if (sc->pid) {
			uint64_t ran = now - sc->start;

			if (ss->kill_sec && ran >= (uint64_t)ss->kill_sec &&
			    kill(sc->pid, SIGKILL) == 0) {
				sc->kill++;
				wdmd_log("script %s pid %d killed after %llu s",
					 sc->name, (int)sc->pid,
					 (unsigned long long)ran);
			}
			if (ran >= WDMD_SCRIPT_INTERVAL - 1) {
				bad = 1;
				if (!sc->long_counted) {
					sc->longrun++;
					sc->long_counted = 1;
				}
				wdmd_log("script %s pid %d taking too long",
					 sc->name, (int)sc->pid);
			} else if (sc->have_result && sc->last_result) {
				bad = 1;
			}
		} else {
			if (!sc->have_result || sc->last_result ||
			    now - sc->start >= WDMD_SCRIPT_INTERVAL - 1) {
				rv = script_start(ss, sc, now);
				if (rv < 0) {
					script_remove(ss, i, -rv);
					i--;
					continue;
				}
			}
			if (sc->have_result && sc->last_result)
				bad = 1;
		}
		if (bad) {
			if (!failed && reason && size)
				snprintf(reason, size, "script %s", sc->name);
			failed++;
		}
	}
	return failed;
}
