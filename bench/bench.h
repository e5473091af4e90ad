/*
 * bench.h - shared declarations of the side-by-side benchmark (bench/):
 * one program that drives our daemon and Debian's sanlock 3.8.5 daemon
 * through their own client libraries (loaded with dlopen in child
 * processes), alternating runs, and prints a table of ours vs 3.8.5.
 *
 * Process model: the parent never calls a sanlock library itself.  It
 * starts both daemons, reads /proc of their pids, and forks children; a
 * child belongs to one side, sets SANLOCK_RUN_DIR to that side's run dir,
 * dlopens that side's libsanlock.so.1 and makes the API calls.  So both
 * libraries are used exactly as a real client would use them and neither
 * sees the other's environment.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sanlock.h"
#include "sanlock_admin.h"
#include "sanlock_resource.h"

#define BENCH_SIDES          2         /* 0 = ours, 1 = 3.8.5 */
#define BENCH_MAX_ITERS      5000      /* latency samples per side */
#define BENCH_MAX_ROUNDS     16        /* alternating rounds per metric */
#define BENCH_MAX_CLIENTS    64        /* concurrent throughput clients */
#define BENCH_MAX_HELD       4000      /* leases held in the RSS run */
#define BENCH_MAX_PIDS       (BENCH_MAX_CLIENTS + 16) /* started processes */
#define BENCH_LIVE_HOSTS     99        /* other live hosts in renewal run */
#define BENCH_RENEW_HOSTS    2000      /* host slots of the renewal ls */
#define BENCH_EXTRA_LS       9         /* lockspaces joined besides "bench" */
#define BENCH_LS_NAME        "bench"
#define BENCH_ALIGN          (1024 * 1024)

/* The API functions a child uses, resolved with dlsym. */
struct api {
	void *handle;
	typeof(sanlock_register) *reg;
	typeof(sanlock_acquire) *acquire;
	typeof(sanlock_release) *release;
	typeof(sanlock_add_lockspace_timeout) *add_ls;
	typeof(sanlock_rem_lockspace) *rem_ls;
	typeof(sanlock_inq_lockspace) *inq_ls;
	typeof(sanlock_write_lockspace) *write_ls;
	typeof(sanlock_write_resource) *write_res;
	typeof(sanlock_version) *version;
};

/* One daemon under test with its library and files. */
struct side {
	const char *label;        /* "ours" or "3.8.5" */
	const char *daemon;       /* daemon program */
	const char *lib;          /* libsanlock.so.1 to dlopen */
	char dir[256];            /* work dir of this side */
	char run_dir[300];        /* SANLOCK_RUN_DIR */
	char res_path[300];       /* resource leases, one per MiB */
	pid_t pid;                /* daemon pid, 0 when not running */
	int ok;                   /* daemon up and files formatted */
	int joined;               /* member of the "bench" lockspace */
	struct api api;           /* loaded in children only */
};

/* Command-line settings (opts.c). */
struct opts {
	const char *ours_daemon, *ours_lib, *peer_daemon, *peer_lib;
	const char *workdir;
	const char *phases;       /* comma list; "all" */
	int iters;                /* latency pairs per side */
	int rounds;               /* alternating rounds for latency */
	int io_pairs;             /* pairs traced for the I/O count */
	int tput_clients[3];      /* client counts */
	double tput_secs;         /* throughput interval */
	int tput_rounds;
	int tput_res;             /* resources the clients share */
	int join_rounds;          /* add/rem rounds per side */
	int renew_secs;           /* one renewal measurement window */
	int renew_rounds;
	int held;                 /* leases held in the RSS run */
	int io_timeout;           /* of the "bench" lockspace */
	int argc;
	char **argv;
};

/* Everything measured; NAN = not measured, see report.c. */
struct results {
	double acq_p50[2], acq_p99[2], rel_p50[2], rel_p99[2];
	int lat_n[2], lat_err[2], lat_first_err[2];
	double io_ops[2], io_reads[2], io_writes[2], io_bytes[2];
	double io_rbytes[2], io_wbytes[2];
	double tput[3][2];
	double tput_cpu[3][2];     /* daemon CPU ms per pair */
	int tput_err[3][2], tput_first_err[3][2];
	double add_s[2], add_max[2], rem_s[2], rem_max[2];
	int join_err[2];
	double renew_cpu_ms[2], renew_ticks_ms[2], renew_io[2], renew_n[2];
	double rss_idle[2], rss_ls[2], rss_held[2], held_acq_s[2];
	double idle_cpu[2];       /* ms of CPU per s, no lockspace */
	int held_n[2], held_clients[2];
	double load_start[3], load_end[3];
	char notes[2048];
};

/* api.c */
int api_load(struct api *a, const char *path);

/* time.c */
double now_s(void);
void sleep_s(double s);

/* stats.c */
double stat_pct(double *v, int n, double pct);

/* proc.c */
long proc_rss_kb(pid_t pid);
int proc_cpu(pid_t pid, double *sched_s, double *ticks_s);
int proc_cpu_sig(pid_t pid, double *sched_s, double *ticks_s, uint64_t *sig);
int proc_io(pid_t pid, uint64_t *rbytes, uint64_t *wbytes);
void proc_loadavg(double la[3]);

/* pids.c: every process we start, stopped by pid at exit */
void pids_add(pid_t pid);
void pids_del(pid_t pid);
void pids_kill_all(void);
int pids_wait(pid_t pid, double timeout_s);

/* child.c */
struct child {
	pid_t pid;
	int rfd;                  /* child -> parent */
	int wfd;                  /* parent -> child */
};
typedef int (*child_fn)(struct side *s, void *arg, int out_fd, int in_fd);
int child_spawn(struct child *c, struct side *s, child_fn fn, void *arg);
int child_read(struct child *c, void *buf, size_t len, double timeout_s);
int child_finish(struct child *c, double timeout_s);
int child_call(struct side *s, child_fn fn, void *arg, void *out,
	       size_t len, double timeout_s);
int xwrite(int fd, const void *buf, size_t len);
int xread(int fd, void *buf, size_t len);

/* daemon.c */
int daemon_start(struct side *s);
void daemon_stop(struct side *s);

/* setup.c: lease files and lockspaces, through the side's daemon */
void setup_ls(struct sanlk_lockspace *ls, const struct side *s,
	      const char *name, const char *file, uint64_t offset);
void setup_res(struct sanlk_resource *r, const struct side *s, int i);
int setup_files(struct side *sides, const struct opts *o);
int setup_join(struct side *sides, const char *name, const char *file,
	       int count, int io_timeout, int join);

/* phases */
int phase_join(struct side *sides, const struct opts *o, struct results *r);
int phase_renew(struct side *sides, const struct opts *o, struct results *r);
int phase_latency(struct side *sides, const struct opts *o, struct results *r);
int phase_io(struct side *sides, const struct opts *o, struct results *r);
int phase_tput(struct side *sides, const struct opts *o, struct results *r);
int phase_rss_ls(struct side *sides, const struct opts *o, struct results *r);
int phase_rss_held(struct side *sides, const struct opts *o,
		   struct results *r);

/* delta.c: writes delta lease records of simulated live hosts */
int delta_live_start(struct side *sides, const char *file, int first,
		     int count, pid_t *writer);

/* opts.c */
int opts_parse(struct opts *o, int argc, char **argv);
int opts_phase(const struct opts *o, const char *name);

/* report.c */
void report_note(struct results *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void report_print(const struct opts *o, const struct results *r);

#endif
