/*
 * helper.h - the `sanlock-helper` child process (spec/cli.md §2.5,
 * algorithms.md §10.2): forked at start-up before any thread exists and
 * before the user switch, it sends signals to lease holders and runs
 * their kill-path programs on the daemon's behalf, and reports a
 * heartbeat on a status pipe.  It exits when the daemon closes its pipe.
 *
 * Daemon side state (pipe fds, counters) is owned by the main thread,
 * except helper_send_* which any thread may call: they serialise on the
 * helper mutex (writes of one message are atomic on the pipe anyway).
 */
#ifndef DAEMON_HELPER_H
#define DAEMON_HELPER_H

#include <stdint.h>
#include <sys/types.h>

#include "sanlock.h"

#define HELPER_ARGV_MAX      8      /* argv entries incl. argv[0] */
#define HELPER_STOP_WAIT_MS  2000   /* wait for the helper at exit */

/* Request record on the daemon -> helper pipe (fixed size, < PIPE_BUF). */
enum helper_msg_type { HELPER_MSG_KILLPID = 1, HELPER_MSG_RUNPATH = 2 };
struct helper_msg {
	uint32_t type;
	int32_t  pid;
	int32_t  sig;
	uint32_t append_pid;                    /* RUNPATH: add pid argument */
	char     path[SANLK_HELPER_PATH_LEN];
	char     args[SANLK_HELPER_ARGS_LEN];
};

/* Status record on the helper -> daemon pipe. */
struct helper_status {
	uint32_t magic;
	uint32_t seq;
};
#define HELPER_STATUS_MAGIC 0x68656c70u

/* Fork the helper.  privileged: drop its supplementary groups.  Returns 0
 * or -errno; fills the daemon-side fds. */
int  helper_start(int privileged);
int  helper_status_fd(void);          /* read end, polled by the main loop */
/* Main thread: drain the status pipe; returns -EPIPE when the helper has
 * gone away (pipe closed). */
int  helper_status_readable(void);
/* Close the pipe, wait for the helper (bounded), SIGKILL if needed. */
void helper_stop(void);
/* Main thread: the helper closed its status pipe (it died): close our
 * end and reap it if it has exited.  Kill requests then fail. */
void helper_gone(void);

/* Queue "kill(pid, sig)" / "run path args [pid]" (non-blocking; -EAGAIN
 * when the pipe is full, counted as helper_full_count). */
int  helper_send_kill(int pid, int sig);
int  helper_send_runpath(int pid, const char *path, const char *args,
			 int append_pid);

/* Values for `client status -D`. */
int      helper_pid(void);
int      helper_kill_fd(void);
int      helper_full_count(void);
uint64_t helper_last_status(void);

/*
 * Split a kill-path argument string (algorithms.md §10.2): argv[0] = path,
 * then arguments split at unescaped white space; "\\" and "\<space>" are
 * escapes; any other backslash sequence or a non-printable byte stops
 * parsing.  At most HELPER_ARGV_MAX entries; if append_pid and there is
 * room the pid is appended.  Strings are stored in store (size bytes);
 * argv is NULL-terminated.  Returns the argc.  Pure.
 */
int helper_build_argv(const char *path, const char *args, int append_pid,
		      int pid, char *store, size_t size,
		      char *argv[HELPER_ARGV_MAX + 1]);

#endif /* DAEMON_HELPER_H */
