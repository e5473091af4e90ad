/*
 * sim.h - the deterministic simulator of lease/ (DESIGN.md "Testing",
 * spec/algorithms.md §1A): N simulated hosts in one process run our real
 * delta and paxos lease code through a struct lease_env backed by a
 * simulated shared disk (§1A storage model) and per-host virtual
 * monotonic clocks, under a discrete-event scheduler driven by one seeded
 * PRNG.  A ghost view of who holds what is checked after every step.
 *
 * Threads: the whole simulation runs on ONE OS thread.  The scheduler
 * and the coroutines it resumes (sim_coro.h) take turns; all state below
 * lives in the single struct sim_world (sim_w) and is touched only by
 * whoever runs at the moment, so no locks exist anywhere in sim/.
 *
 * Time: `now` is virtual real time in microseconds, shared by all
 * hosts; each host converts it to its own monotonic clock (offset since
 * boot, rate 1 +- ppb, sim_clock.c).  Nothing reads the real clock except
 * sim_main.c for the run time it prints.
 *
 * Files: sim_main (CLI), sim_config (per-seed scenario), sim_run (one
 * seed: setup, event loop, chaos), sim_sched (event heap, blocking),
 * sim_clock, sim_disk (sectors, landings, in-flight reads), sim_io
 * (read/write with faults), sim_env (struct lease_env, buffers),
 * sim_watchdog, sim_hosts (host-status tracking, paxos host ops),
 * sim_daemon (host life: boot, join, renew, fail, kill, leave, crash),
 * sim_worker (resource leases), sim_ghost (invariants), sim_trace.
 */
#ifndef SIM_H
#define SIM_H

#include <stddef.h>
#include <stdint.h>

#include "lease/delta.h"
#include "lease/paxos.h"
#include "sim/sim_coro.h"
#include "sim/sim_rng.h"

/* ---- limits (every table and loop of sim/ is bounded by one) ---- */

#define SIM_MAX_HOSTS        16    /* simulated machines */
#define SIM_MIN_HOSTS        2
#define SIM_MAX_IDS          16    /* host_ids 1..n formatted and used */
#define SIM_MAX_RES          4     /* resources (paxos leases) */
#define SIM_MAX_DEVS         3     /* shared devices (paxos disks) */
#define SIM_MAX_WORKERS      3     /* resource worker threads per host */
#define SIM_THR_MAIN         0     /* thread slots of a host */
#define SIM_THR_LS           1
#define SIM_THR_WORKER0      2
#define SIM_THREADS_PER_HOST (SIM_THR_WORKER0 + SIM_MAX_WORKERS)
#define SIM_MAX_THREADS      (SIM_MAX_HOSTS * SIM_THREADS_PER_HOST)
#define SIM_MAX_EVENTS       8192  /* event heap */
#define SIM_MAX_WRITES       2048  /* sector writes issued, not yet landed */
#define SIM_MAX_READS        256   /* reads in flight */
#define SIM_MAX_BUFS         512   /* lease buffers allocated at once */
#define SIM_BUF_DIRTY_MAX    128   /* tracked sectors per large buffer */
#define SIM_MAX_LIVE_SECTORS 1024  /* non-zero sectors per device */
#define SIM_SECTOR_MAX       4096
#define SIM_ALIGN            1048576u   /* 1 MiB areas (ondisk size table) */
#define SIM_BIG_READ         65536u     /* reads above: sparse copy */
#define SIM_MAX_JOINS        64    /* joins per daemon incarnation */
#define SIM_MAX_INCARNATIONS 64    /* boots per machine per seed */
#define SIM_WAIT_POLLS_MAX   100000 /* 1 s polls of one wait loop */
#define SIM_RELEASE_RETRIES  16    /* background release attempts */
#define SIM_GHOST_LVERS      8192  /* lver agreement table per resource */
#define SIM_GHOST_GENS       1024  /* generation agreement per host_id */
#define SIM_TRACE_RING       4096  /* trace records kept */
#define SIM_TRACE_TAIL       60    /* printed with a violation */
#define SIM_NAME_MAX         48

#define SIM_USEC             1000000ull
#define SIM_NEVER            UINT64_MAX

/* ---- excluded faults (outside spec §1A; self-test only) ---- */

enum sim_excluded {
	SIM_EXCL_NONE = 0,
	SIM_EXCL_LOST_WRITE,    /* a write reported successful never lands */
	SIM_EXCL_OVERTAKE,      /* a timed-out write lands after a later
				 * completed write of the same host (rule 6) */
	SIM_EXCL_WRONG_SECTOR,  /* a write lands on the neighbouring sector */
	SIM_EXCL_TORN,          /* a sector lands half old, half new */
	SIM_EXCL_CLOCK_RATE,    /* clocks run at rates 1 +- 2 % */
	SIM_EXCL_JOIN_STALL,    /* a joining host stalls between read and
				 * write of its delta lease */
	SIM_EXCL_COUNT
};

/* ---- fault and event counters ---- */

enum sim_stat {
	/* injected faults (summed into `faults`) */
	SIM_F_READ_ERR = 0,
	SIM_F_READ_TIMEOUT,
	SIM_F_WRITE_ERR,
	SIM_F_WRITE_TIMEOUT,
	SIM_F_WRITE_CANCEL,
	SIM_F_LATE_LAND,        /* failed/timed-out write landed later */
	SIM_F_NEVER_LAND,       /* failed/timed-out write never landed */
	SIM_F_RULE6_EARLY,      /* pending stale write landed just before a
				 * completed write of the same host */
	SIM_F_RULE6_DROP,       /* ... or was dropped */
	SIM_F_SLOW_IO,          /* latency above 100 ms */
	SIM_F_OUTAGE,           /* storage unavailable to a host / all */
	SIM_F_CRASH,            /* host reset at a random point */
	SIM_F_PAUSE,            /* whole host stopped executing */
	SIM_F_STALL,            /* one thread stopped executing */
	SIM_F_KILL_SLOW,        /* processes slow to die after a failure */
	SIM_F_DAEMON_CRASH,     /* daemon died, machine and processes live */
	SIM_F_EXCLUDED,         /* excluded-fault injections */
	SIM_F_COUNT_FAULTS,
	/* consequences and activity (not faults) */
	SIM_S_RACY_READ = SIM_F_COUNT_FAULTS, /* read took a mid-read landing */
	SIM_S_WD_FIRE,
	SIM_S_LS_FAIL,
	SIM_S_JOIN_OK,
	SIM_S_JOIN_FAIL,
	SIM_S_RENEW_OK,
	SIM_S_RENEW_FAIL,
	SIM_S_ACQ_EX,
	SIM_S_ACQ_SH,
	SIM_S_ACQ_FAIL,
	SIM_S_CONVERT,
	SIM_S_RELEASE,
	SIM_S_TAKEOVER,         /* acquire of a lease whose owner was another
				 * host (dead-owner path) */
	SIM_S_LEAVE,
	SIM_S_GEN_REUSE,        /* a host_id generation taken twice */
	SIM_S_LVER_REUSE,       /* a resource lver granted twice */
	SIM_STAT_COUNT
};

/* ---- per-seed scenario (sim_config.c) ---- */

struct sim_config {
	uint64_t seed;
	int      nhosts;        /* machines */
	int      nids;          /* host_ids 1..nids; < nhosts = contention */
	int      nres;
	int      res_disks[SIM_MAX_RES];  /* paxos disks of each resource */
	int      ndevs;         /* max of res_disks */
	uint32_t ss;            /* sector size: 512 or 4096 */
	uint32_t w;             /* watchdog fire timeout W (all hosts) */
	uint32_t io;            /* io_timeout of every join ... */
	uint32_t io_max;        /* ... or, with mixed_io, drawn from 1..io_max */
	int      mixed_io;      /* hosts may use different io_timeouts */
	int      fix_host_live; /* evidence-based host_live (sim_hosts.c) */
	int      convert;       /* held leases are sometimes converted */
	int      late_foreign;  /* zeroing writes may land late */
	int      late_commit;   /* failed leader writes may land late */
	int      workers;       /* resource threads per host */
	uint32_t home_id_ppm;   /* a join uses its home host_id */
	int64_t  clock_ppb;     /* host clock rates within 1 +- this */
	uint64_t max_steps;
	uint64_t max_time;      /* virtual µs */
	/* storage faults, per I/O, in ppm */
	uint32_t p_read_err, p_read_timeout, p_write_err, p_write_timeout;
	uint32_t p_cancel, p_slow;
	uint32_t p_never_land;  /* of failed writes */
	uint64_t late_max;      /* failed writes land up to this late (µs) */
	uint32_t p_racy;        /* a read takes a mid-read landing */
	/* host faults: mean virtual time between injections (µs), 0 = off */
	uint64_t crash_mean, pause_mean, stall_mean, outage_mean;
	uint64_t dcrash_mean;   /* daemon crashes */
	uint64_t pause_max;     /* longest pause */
	uint32_t p_kill_slow;   /* processes slow to die (ppm) */
	uint32_t p_leave;       /* per second of membership (ppm) */
	uint32_t p_shared;      /* resource acquires in SH mode (ppm) */
	uint32_t p_convert;     /* a held lease is converted (ppm) */
	uint32_t p_nowait;      /* OWNER_NOWAIT acquires (ppm) */
	uint32_t p_our_msg;     /* joins writing our message record */
	uint64_t hold_mean;     /* how long a lease is held */
	enum sim_excluded excluded;
	int      trace;         /* print every trace record */
};

/* ---- events ---- */

enum sim_ev_kind {
	SIM_EV_WAKE = 1,        /* a = thread index, b = its wait token */
	SIM_EV_LAND,            /* a = write slot, b = write id */
	SIM_EV_WD_FIRE,         /* host, b = watchdog epoch */
	SIM_EV_BOOT,            /* host; b = 1 machine power-on, 0 daemon */
	SIM_EV_CHAOS,           /* next host-level fault injection */
	SIM_EV_RESUME,          /* host, b = pause epoch: end of a pause */
	SIM_EV_OUTAGE_END,      /* host (-1 = all) */
};

struct sim_event {
	uint64_t t;
	uint64_t seq;           /* insertion order breaks time ties */
	int      kind;
	int      host;
	uint32_t a;
	uint64_t b;
};

/* ---- disk ---- */

struct sim_dev {
	uint64_t  nsec;
	uint8_t **sec;          /* NULL = all-zero sector */
	uint32_t  live[SIM_MAX_LIVE_SECTORS];  /* sector numbers in use */
	uint32_t  nlive;
	uint8_t  *slab;         /* SIM_MAX_LIVE_SECTORS sectors */
};

/* One sector of a write on its way to the disk. */
struct sim_write {
	int      used;
	uint32_t live_pos;      /* index in sim_w->wlive */
	uint64_t id;
	int      dev;
	uint64_t sector;
	int      host;          /* issuer machine and incarnation (rule 6) */
	uint32_t inc;
	uint64_t issued;        /* µs */
	int      acked_ok;      /* the issuer sees (or saw) success */
	uint64_t land_at;       /* scheduled landing */
	uint8_t  data[SIM_SECTOR_MAX];
};

/* A read in flight: landings inside its window may be taken into buf. */
struct sim_read {
	int      used;
	int      host;          /* issuer machine */
	int      dev;
	uint64_t sector;        /* first */
	uint64_t nsec;
	uint8_t *buf;
	uint64_t end;           /* completion time (µs) */
	int      big;           /* sparse copy into a tracked buffer */
	int      buf_idx;
};

/* Buffers handed to lease code by env->buf_alloc. */
struct sim_buf {
	int      used;
	int      host;          /* owner machine (freed when it crashes) */
	uint8_t *p;
	size_t   len;
	int      big;
	int      all_dirty;
	uint32_t ndirty;
	uint32_t dirty[SIM_BUF_DIRTY_MAX];  /* sector indexes written */
};

/* ---- hosts ---- */

enum sim_host_state {
	SIM_H_DOWN = 0,         /* not running (before boot, after crash) */
	SIM_H_IDLE,             /* daemon up, not in the lockspace */
	SIM_H_JOINING,          /* delta acquire running */
	SIM_H_JOINED,           /* host_id held, watchdog armed */
	SIM_H_KILLING,          /* lockspace failed: killing processes */
	SIM_H_LEAVING,          /* voluntary leave: releasing leases */
	SIM_H_STOPPING,         /* watchdog disarmed, renewal stopping */
};

/* Host-status record of one host_id (algorithms.md §4.1). */
struct sim_hs {
	uint64_t first_check, last_check, last_live;
	uint64_t timestamp, owner_id, owner_generation;
	char     owner_name[ONDISK_NAME_LEN];
	uint32_t io_timeout;
	uint32_t lease_bad;
};

struct sim_watchdog {
	int      armed;         /* lockspace connection with expiry E */
	uint64_t expiry;        /* E, local seconds */
	uint64_t phase;         /* wdmd round phase, local µs in [0, 1 s) */
	uint64_t last_pet;      /* local µs of the latest pet so far */
	uint64_t fire_local;    /* scheduled fire, local µs (armed only) */
	uint64_t epoch;         /* invalidates stale fire events */
	int      doomed;        /* a crashed daemon's armed connection stays
				 * in wdmd: the fire can no longer move */
};

struct sim_host;

struct sim_thread {
	struct sim_coro   coro;
	struct sim_host  *host;
	int               idx;      /* global thread index */
	int               slot;     /* SIM_THR_* */
	int               live;     /* started and not finished/abandoned */
	uint64_t          token;    /* current wait token */
	int               waiting;  /* a WAKE with token is scheduled */
	uint64_t          stall_until;
	int               deferred; /* woke while stalled: resume later */
	int               in_join;  /* inside delta_lease_acquire */
	int               wres;     /* worker: resource in use (-1 none) */
	struct lease_env  env;
};

/* A host's view of one resource. */
struct sim_hres {
	struct paxos_lease pl;
	int      ready;         /* pl set up for the current join */
	int      busy;          /* a worker owns it */
	int      holding;       /* ghost holding active (mode in ghost) */
};

struct sim_host {
	int      idx;
	enum sim_host_state state;
	uint32_t inc;           /* incarnation (daemon start) number */
	char     name[SIM_NAME_MAX];
	/* clock: local µs = local0 + (now - real0) * (1 + ppb / 1e9) */
	uint64_t real0, local0;
	int64_t  ppb;
	/* lockspace membership */
	uint32_t io;            /* our io_timeout for this join */
	uint64_t host_id;
	uint64_t gen;
	struct delta_lease dl;
	int      ls_result;     /* 1 pending, 0 joined, < 0 failed */
	int      ls_stop;
	int      ls_done;
	int      corrupt;       /* first corrupt renewal result */
	int      delta_holding; /* ghost delta holding active */
	struct sim_hs hs[SIM_MAX_IDS + 1];
	struct sim_watchdog wd;
	struct sim_hres res[SIM_MAX_RES];
	struct sim_thread *thr[SIM_THREADS_PER_HOST];
	int      killed;        /* processes killed for this join */
	int      daemon_down;   /* daemon crashed, restart pending */
	uint64_t outage_until;  /* storage unavailable to this host */
	int      outage_hang;   /* 1: I/O hangs; 0: I/O errors */
	int      joins;
};

/* ---- ghost (sim_ghost.c) ---- */

enum sim_mode { SIM_MODE_NONE = 0, SIM_MODE_EX, SIM_MODE_SH };

struct sim_ghold {
	int      active;
	int      machine;
	enum sim_mode mode;
	uint32_t inc;           /* daemon incarnation that acquired it */
	uint64_t host_id, gen, lver;
	uint64_t since;
};

/* Holders of one resource: at most one per (machine, daemon
 * incarnation); a crashed daemon's holdings stay until the machine
 * resets, beside its successor's. */
#define SIM_GHOST_HOLDERS (SIM_MAX_HOSTS * 3)

struct sim_gres {
	struct sim_ghold h[SIM_GHOST_HOLDERS];
	uint32_t hwm;           /* h[] entries ever used (scan bound) */
	int      last_host;     /* machine of the latest grant, -1 none */
	int      last_released; /* ... which ended by a release */
	uint16_t lver_host[SIM_GHOST_LVERS];      /* host_id + 1, 0 = none */
	uint32_t lver_gen[SIM_GHOST_LVERS];
};

struct sim_gslot {
	int      active;
	int      host;          /* machine holding it */
	uint32_t inc;
	uint64_t gen;
	uint64_t since;
	char     gen_name[SIM_GHOST_GENS][SIM_NAME_MAX]; /* gen -> name */
};

struct sim_ghost {
	struct sim_gres  res[SIM_MAX_RES];
	struct sim_gslot slot[SIM_MAX_IDS + 1];
};

/* ---- trace ---- */

struct sim_trace_rec {
	uint64_t t;
	uint64_t step;
	int16_t  host;
	int16_t  kind;
	int32_t  rv;
	uint64_t a, b, c;
};

/* ---- the world ---- */

struct sim_world {
	struct sim_config cfg;
	struct sim_rng    rng;
	uint64_t now;
	uint64_t steps;
	uint64_t seq;
	struct sim_event heap[SIM_MAX_EVENTS];
	uint32_t nheap;

	uint32_t ss;
	struct ondisk_sizes sizes;
	struct sim_dev  dev[SIM_MAX_DEVS];
	struct sim_write writes[SIM_MAX_WRITES];
	uint16_t wlive[SIM_MAX_WRITES];   /* slots in use, any order */
	uint32_t nwlive;
	uint16_t wfree[SIM_MAX_WRITES];   /* free slots (stack) */
	uint32_t nwfree;
	uint64_t write_ids;
	struct sim_read reads[SIM_MAX_READS];
	uint32_t nreads;                  /* reads[] in use */
	struct sim_buf  bufs[SIM_MAX_BUFS];

	struct sim_host   hosts[SIM_MAX_HOSTS];
	struct sim_thread threads[SIM_MAX_THREADS];
	uint64_t outage_all_until;
	int      outage_all_hang;

	struct sim_ghost ghost;
	uint64_t stats[SIM_STAT_COUNT];

	struct sim_trace_rec trace[SIM_TRACE_RING];
	uint64_t ntrace;

	int      violation;
	char     vmsg[512];
};

extern struct sim_world *sim_w;

/* ---- sim_config.c ---- */
void sim_config_make(struct sim_config *c, uint64_t seed, int hosts,
		     uint64_t steps, enum sim_excluded excl, int contention);
const char *sim_excluded_name(enum sim_excluded e);
enum sim_excluded sim_excluded_parse(const char *name);

/* ---- sim_run.c ---- */
/* Run one seed in the (already allocated) world.  0, or 1 on violation. */
int  sim_run_seed(const struct sim_config *cfg);
int  sim_world_alloc(void);
void sim_world_free(void);

/* ---- sim_sched.c ---- */
void sim_ev_push(uint64_t t, int kind, int host, uint32_t a, uint64_t b);
int  sim_ev_pop(struct sim_event *ev);
/* Current thread blocks until real time t (>= now). */
void sim_block_until(uint64_t t);
struct sim_thread *sim_self(void);
void sim_thread_spawn(struct sim_host *h, int slot, sim_coro_fn fn);
void sim_thread_wake(struct sim_thread *th, uint64_t token);
void sim_thread_kill(struct sim_thread *th);
/* Stall th (or, with th NULL, every thread of h) until t. */
void sim_stall(struct sim_host *h, struct sim_thread *th, uint64_t until);
void sim_host_resume_deferred(struct sim_host *h);

/* ---- sim_clock.c ---- */
uint64_t sim_local_us(const struct sim_host *h, uint64_t t);
uint64_t sim_local_sec(const struct sim_host *h);   /* env->now() */
/* Real µs it takes h's clock to advance local_us. */
uint64_t sim_real_span(const struct sim_host *h, uint64_t local_us);
/* Real time at which h's clock reads local_us (>= now). */
uint64_t sim_real_at(const struct sim_host *h, uint64_t local_us);
/* Sleep in local µs (thread context). */
void sim_sleep_local(uint64_t local_us);

/* ---- sim_disk.c ---- */
void sim_disk_setup(void);
void sim_disk_free(void);
const uint8_t *sim_disk_sector(int dev, uint64_t sector);  /* NULL = zero */
void sim_disk_put(int dev, uint64_t sector, const uint8_t *data);
/* Snapshot [sector, sector+nsec) into buf (read issue). */
void sim_disk_copy(int dev, uint64_t sector, uint64_t nsec, uint8_t *buf,
		   int big, int buf_idx);
int  sim_write_alloc(void);      /* slot index or -1 */
void sim_write_land(int slot, uint64_t id);
void sim_write_schedule(int slot, uint64_t at);
/* The issuer's in-flight I/O after its death: reads end; each pending
 * write lands within land_within µs or never. */
void sim_disk_host_died(int host, uint32_t inc, uint64_t land_within);
int  sim_read_register(int host, int dev, uint64_t sector, uint64_t nsec,
		       uint8_t *buf, uint64_t end, int big, int buf_idx);
void sim_read_unregister(int idx);
void sim_disk_format(void);

/* ---- sim_io.c ---- */
int sim_io_read(struct sim_thread *th, int disk, uint64_t offset, void *buf,
		size_t len, int timeout_sec);
int sim_io_write(struct sim_thread *th, int disk, uint64_t offset,
		 const void *buf, size_t len, int timeout_sec);
void sim_io_write_batch(struct sim_thread *th, int disk, struct lease_wreq *w,
			int n, int timeout_sec);

/* ---- sim_env.c ---- */
void  sim_env_init(struct sim_thread *th);
int   sim_buf_find(const void *p);
void  sim_buf_dirty(int idx, uint64_t sec_index);
void  sim_buf_clean(int idx);
void  sim_bufs_free_host(int host);
void  sim_bufs_free_all(void);

/* ---- sim_watchdog.c ---- */
void sim_wd_boot(struct sim_host *h);
void sim_wd_set_expiry(struct sim_host *h, uint64_t expiry_sec);
void sim_wd_disarm(struct sim_host *h);
void sim_wd_fire_event(struct sim_host *h, uint64_t epoch);

/* ---- sim_hosts.c ---- */
void sim_hs_reset(struct sim_host *h);
void sim_hs_update(struct sim_host *h, const uint8_t *area, uint64_t now_sec);
void sim_host_ops(struct sim_thread *th, struct paxos_host_ops *ops);

/* ---- sim_daemon.c ---- */
/* machine = 1: power-on (new clock, new wdmd); 0: daemon restart. */
void sim_host_boot(struct sim_host *h, int machine);
void sim_host_die(struct sim_host *h, const char *why);
void sim_daemon_crash(struct sim_host *h);
void sim_host_pause(struct sim_host *h, uint64_t dur);
int  sim_host_stallable(const struct sim_host *h);

/* ---- sim_worker.c ---- */
void sim_worker_fn(void *arg);
void sim_res_setup(struct sim_host *h);
void sim_host_kill_processes(struct sim_host *h);

/* ---- sim_ghost.c ---- */
void sim_ghost_reset(void);
void sim_ghost_delta_start(struct sim_host *h);
void sim_ghost_delta_end(struct sim_host *h);
void sim_ghost_res_grant(struct sim_host *h, int r, enum sim_mode mode,
			 uint64_t lver);
void sim_ghost_res_convert(struct sim_host *h, int r, enum sim_mode mode,
			   uint64_t lver);
void sim_ghost_res_end(struct sim_host *h, int r, int released);
void sim_ghost_host_end(struct sim_host *h);      /* machine reset */
void sim_ghost_daemon_gone(struct sim_host *h);   /* daemon crash */
void sim_ghost_check_step(void);
void sim_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- sim_trace.c ---- */
enum sim_tk {
	SIM_T_READ = 1, SIM_T_WRITE, SIM_T_LAND, SIM_T_DROP, SIM_T_BOOT,
	SIM_T_CRASH, SIM_T_PAUSE, SIM_T_RESUME, SIM_T_STALL, SIM_T_OUTAGE,
	SIM_T_WD_ARM, SIM_T_WD_DISARM, SIM_T_WD_FIRE, SIM_T_JOIN,
	SIM_T_JOINED, SIM_T_RENEW, SIM_T_LS_FAIL, SIM_T_KILL, SIM_T_LEAVE,
	SIM_T_DELTA_REL, SIM_T_ACQ, SIM_T_ACQ_OK, SIM_T_REL, SIM_T_CONV,
	SIM_T_DROP_LEASE, SIM_T_EXCL, SIM_T_NOTE, SIM_T_LEADER, SIM_T_DBLOCK,
};
void sim_trace(int host, enum sim_tk kind, int rv, uint64_t a, uint64_t b,
	       uint64_t c);
void sim_trace_print_tail(int n);
void sim_trace_sector(int host, int dev, uint64_t sector, const uint8_t *data);

static inline void sim_stat(enum sim_stat s)
{
	sim_w->stats[s]++;
}

#endif /* SIM_H */
