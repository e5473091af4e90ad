/*
 * memdisk.c - in-memory struct lease_env for unit tests (see memdisk.h):
 * sector arrays, virtual clock, op log, fault rules, late-landing writes,
 * and a deterministic cooperative scheduler for several simulated hosts.
 *
 * Threads: without memdisk_run one thread uses the memdisk.  Under
 * memdisk_run exactly one host thread runs at a time (md->current, the
 * baton); the baton changes hands only under md->mu, which orders every
 * access to the state below.  Linked into every unit test binary: generic
 * and self-contained.
 */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock_rv.h"
#include "tests/unit/memdisk.h"

#define MEMDISK_BUF_ALIGN 4096
#define MEMDISK_GARBAGE   0xA5

enum { MH_IDLE, MH_RUNNABLE, MH_SLEEPING, MH_DONE };

struct memdisk_host {
	struct memdisk *md;
	int      idx;
	int64_t  off_sec;
	int      state;
	uint64_t wake_usec;
	pthread_t th;
	memdisk_host_fn fn;
	void    *arg;
};

struct memdisk_pending {
	int      used;
	int      disk;
	uint64_t offset;
	size_t   len;
	uint8_t *data;
	uint64_t land_io;    /* lands before I/O number land_io (0: n/a) */
	uint64_t land_usec;  /* lands when the clock reaches it (0: n/a) */
};

struct memdisk {
	uint32_t ss;
	uint64_t size;
	int      ndisks;
	uint8_t *data[MEMDISK_MAX_DISKS];
	uint64_t clock_usec;
	int      frozen;
	uint32_t rnd;
	struct memdisk_host hosts[MEMDISK_MAX_HOSTS];

	struct memdisk_rule rules[MEMDISK_MAX_RULES];
	uint64_t rule_matched[MEMDISK_MAX_RULES];
	uint64_t rule_fired[MEMDISK_MAX_RULES];
	int      nrules;

	struct memdisk_pending pend[MEMDISK_MAX_PENDING];

	struct memdisk_event *log;
	size_t   log_n;
	uint64_t seq;     /* all ops */
	uint64_t io_seq;  /* reads + writes */
	long     bufs;
	int      batch;   /* enum memdisk_batch for envs made from now on */

	/* scheduler */
	int      sched;
	int      nrun;
	int      ndone;
	int      current;
	uint32_t sched_seed;
	pthread_mutex_t mu;
	pthread_cond_t  cv;
};

static void md_die(const char *what)
{
	fprintf(stderr, "memdisk: %s\n", what);
	abort();
}

static uint32_t md_rand(struct memdisk *md)
{
	uint32_t x = md->rnd ? md->rnd : 0x9E3779B9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	md->rnd = x;
	return x;
}

/* ---- pending (late) writes ---- */

static void md_land(struct memdisk *md, struct memdisk_pending *p)
{
	assert(p->used);
	memcpy(md->data[p->disk] + p->offset, p->data, p->len);
	free(p->data);
	memset(p, 0, sizeof(*p));
}

/* Land every pending write whose time has come (io: before I/O io_seq). */
static void md_land_due(struct memdisk *md, uint64_t io_seq)
{
	int i;

	for (i = 0; i < MEMDISK_MAX_PENDING; i++) {
		struct memdisk_pending *p = &md->pend[i];

		if (!p->used)
			continue;
		if ((p->land_io && io_seq >= p->land_io) ||
		    (p->land_usec && md->clock_usec >= p->land_usec))
			md_land(md, p);
	}
}

static void md_set_clock(struct memdisk *md, uint64_t usec)
{
	if (usec > md->clock_usec)
		md->clock_usec = usec;
	md_land_due(md, 0);
}

static void md_add_pending(struct memdisk *md, const struct memdisk_rule *r,
			   int disk, uint64_t offset, const void *buf,
			   size_t len, uint64_t start_usec)
{
	struct memdisk_pending *p = NULL;
	int i;

	if (!r->lands)
		return;
	if (!r->land_after_ios && !r->land_after_usec) {
		memcpy(md->data[disk] + offset, buf, len);
		return;
	}
	for (i = 0; i < MEMDISK_MAX_PENDING && !p; i++)
		if (!md->pend[i].used)
			p = &md->pend[i];
	if (!p)
		md_die("too many pending writes");
	p->data = malloc(len);
	if (!p->data)
		md_die("out of memory");
	memcpy(p->data, buf, len);
	p->used = 1;
	p->disk = disk;
	p->offset = offset;
	p->len = len;
	p->land_io = r->land_after_ios ? md->io_seq + r->land_after_ios : 0;
	p->land_usec = r->land_after_usec ? start_usec + r->land_after_usec : 0;
}

/* ---- scheduler ---- */

/* Next host to run after `from`, with md->mu held; -1 when all are done.
 * Advances the clock when every live host sleeps. */
static int md_pick(struct memdisk *md, int from)
{
	int cand[MEMDISK_MAX_HOSTS];
	int round, i, n;

	for (round = 0; round < 2; round++) {
		uint64_t wake = UINT64_MAX;

		n = 0;
		for (i = 1; i <= md->nrun; i++) {
			int j = (from + i) % md->nrun;

			if (md->hosts[j].state == MH_RUNNABLE)
				cand[n++] = j;
		}
		if (n)
			return md->sched_seed ? cand[md_rand(md) % (uint32_t)n]
					      : cand[0];
		for (i = 0; i < md->nrun; i++)
			if (md->hosts[i].state == MH_SLEEPING &&
			    md->hosts[i].wake_usec < wake)
				wake = md->hosts[i].wake_usec;
		if (wake == UINT64_MAX)
			return -1;
		md_set_clock(md, wake);
		for (i = 0; i < md->nrun; i++)
			if (md->hosts[i].state == MH_SLEEPING &&
			    md->hosts[i].wake_usec <= md->clock_usec)
				md->hosts[i].state = MH_RUNNABLE;
	}
	md_die("scheduler found no host to run");
	return -1;
}

static void md_wait_turn(struct memdisk *md, int idx)
{
	uint64_t waits = 0;

	while (md->current != idx) {
		if (++waits > MEMDISK_MAX_STEPS)
			md_die("host starved");
		pthread_cond_wait(&md->cv, &md->mu);
	}
}

/* Give up the baton (state: MH_RUNNABLE or MH_SLEEPING until wake) and
 * wait to get it back. */
static void md_switch(struct memdisk_host *h, int state, uint64_t wake)
{
	struct memdisk *md = h->md;

	pthread_mutex_lock(&md->mu);
	assert(md->current == h->idx);
	h->state = state;
	h->wake_usec = wake;
	md->current = md_pick(md, h->idx);
	assert(md->current >= 0);
	pthread_cond_broadcast(&md->cv);
	md_wait_turn(md, h->idx);
	assert(h->state == MH_RUNNABLE);
	pthread_mutex_unlock(&md->mu);
}

/* Let `usec` of virtual time pass for host h. */
static void md_pass_time(struct memdisk_host *h, uint64_t usec)
{
	struct memdisk *md = h->md;

	if (md->frozen || !usec)
		return;
	if (md->sched)
		md_switch(h, MH_SLEEPING, md->clock_usec + usec);
	else
		md_set_clock(md, md->clock_usec + usec);
}

static void *md_thread(void *arg)
{
	struct memdisk_host *h = arg;
	struct memdisk *md = h->md;

	pthread_mutex_lock(&md->mu);
	md_wait_turn(md, h->idx);
	pthread_mutex_unlock(&md->mu);

	h->fn(h->arg);

	pthread_mutex_lock(&md->mu);
	h->state = MH_DONE;
	md->ndone++;
	md->current = md_pick(md, h->idx);
	pthread_cond_broadcast(&md->cv);
	pthread_mutex_unlock(&md->mu);
	return NULL;
}

void memdisk_run(struct memdisk *md, int nhosts, memdisk_host_fn fns[],
		 void *args[], uint32_t random_seed)
{
	int i;

	assert(nhosts >= 1 && nhosts <= MEMDISK_MAX_HOSTS);
	assert(!md->sched);
	pthread_mutex_lock(&md->mu);
	md->sched = 1;
	md->nrun = nhosts;
	md->ndone = 0;
	md->sched_seed = random_seed;
	if (random_seed)
		md->rnd = random_seed;
	for (i = 0; i < nhosts; i++) {
		md->hosts[i].state = MH_RUNNABLE;
		md->hosts[i].fn = fns[i];
		md->hosts[i].arg = args[i];
	}
	md->current = md_pick(md, nhosts - 1);
	pthread_mutex_unlock(&md->mu);

	for (i = 0; i < nhosts; i++)
		if (pthread_create(&md->hosts[i].th, NULL, md_thread,
				   &md->hosts[i]))
			md_die("pthread_create");

	pthread_mutex_lock(&md->mu);
	while (md->ndone < nhosts)
		pthread_cond_wait(&md->cv, &md->mu);
	pthread_mutex_unlock(&md->mu);
	for (i = 0; i < nhosts; i++)
		pthread_join(md->hosts[i].th, NULL);

	pthread_mutex_lock(&md->mu);
	for (i = 0; i < nhosts; i++)
		md->hosts[i].state = MH_IDLE;
	md->sched = 0;
	md->nrun = 0;
	pthread_mutex_unlock(&md->mu);
}

/* ---- ops ---- */

static void md_log(struct memdisk *md, const struct memdisk_event *ev)
{
	if (md->log_n < MEMDISK_LOG_MAX)
		md->log[md->log_n++] = *ev;
}

/* Start an op: switch point, counters, due late writes, rule matching.
 * Returns the index of the fault rule to apply, or -1. */
static int md_begin(struct memdisk_host *h, struct memdisk_event *ev)
{
	struct memdisk *md = h->md;
	int i, fault = -1;

	if (md->sched)
		md_switch(h, MH_RUNNABLE, 0);
	if (++md->seq > MEMDISK_MAX_STEPS)
		md_die("too many steps");
	ev->seq = md->seq;
	ev->host = h->idx;
	ev->start_usec = md->clock_usec;
	md_land_due(md, 0);
	if (ev->op & MEMDISK_OP_IO)
		md_land_due(md, ++md->io_seq);

	for (i = 0; i < md->nrules; i++) {
		struct memdisk_rule *r = &md->rules[i];
		uint64_t nth = r->nth ? r->nth : 1;
		uint64_t count = r->count ? r->count : 1;

		if (r->host >= 0 && r->host != h->idx)
			continue;
		if (!(r->ops & ev->op))
			continue;
		if ((ev->op & MEMDISK_OP_IO) && r->disk >= 0 && r->disk != ev->disk)
			continue;
		if (++md->rule_matched[i] < nth || md->rule_fired[i] >= count)
			continue;
		if (r->action == MEMDISK_ACT_CALL) {
			md->rule_fired[i]++;
			r->fn(md, r->arg, ev);
			continue;
		}
		if (fault < 0) {
			md->rule_fired[i]++;
			fault = i;
		}
	}
	return fault;
}

static int md_check_io(struct memdisk *md, int disk, uint64_t offset,
		       const void *buf, size_t len)
{
	if (disk < 0 || disk >= md->ndisks || !buf || !len)
		return -EINVAL;
	if (offset % md->ss || len % md->ss)
		return -EINVAL;
	if (offset > md->size || len > md->size - offset)
		return -EINVAL;
	return 0;
}

static int md_io(void *ctx, unsigned op, int disk, uint64_t offset,
		 void *rbuf, const void *wbuf, size_t len, int timeout_sec)
{
	struct memdisk_host *h = ctx;
	struct memdisk *md = h->md;
	struct memdisk_event ev;
	const struct memdisk_rule *r = NULL;
	uint64_t tmo_usec = timeout_sec > 0 ? (uint64_t)timeout_sec * 1000000u : 0;
	int idx, rv, act = MEMDISK_ACT_NONE;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.disk = disk;
	ev.offset = offset;
	ev.len = len;
	ev.timeout_sec = timeout_sec;
	idx = md_begin(h, &ev);
	rv = md_check_io(md, disk, offset, rbuf ? rbuf : wbuf, len);
	if (rv < 0)
		goto out;
	if (idx >= 0) {
		r = &md->rules[idx];
		act = r->action;
	}

	if (act == MEMDISK_ACT_DELAY) {
		if (!tmo_usec || r->delay_usec < tmo_usec) {
			md_pass_time(h, r->delay_usec);
			act = MEMDISK_ACT_NONE;
		} else {
			act = MEMDISK_ACT_TIMEOUT;
		}
	}

	switch (act) {
	case MEMDISK_ACT_FAIL:
	case MEMDISK_ACT_TIMEOUT:
		rv = act == MEMDISK_ACT_FAIL ? r->rv : SANLK_AIO_TIMEOUT;
		if (op == MEMDISK_OP_READ)
			memset(rbuf, MEMDISK_GARBAGE, len);
		else
			md_add_pending(md, r, disk, offset, wbuf, len,
				       ev.start_usec);
		if (act == MEMDISK_ACT_TIMEOUT)
			md_pass_time(h, tmo_usec);
		break;
	default:
		if (op == MEMDISK_OP_READ)
			memcpy(rbuf, md->data[disk] + offset, len);
		else
			memcpy(md->data[disk] + offset, wbuf, len);
		rv = 0;
		break;
	}
out:
	ev.rv = rv;
	ev.fault = act;
	ev.end_usec = md->clock_usec;
	md_log(md, &ev);
	return rv;
}

static int md_read(void *ctx, int disk, uint64_t offset, void *buf,
		   size_t len, int timeout_sec)
{
	return md_io(ctx, MEMDISK_OP_READ, disk, offset, buf, NULL, len,
		     timeout_sec);
}

static int md_write(void *ctx, int disk, uint64_t offset, const void *buf,
		    size_t len, int timeout_sec)
{
	return md_io(ctx, MEMDISK_OP_WRITE, disk, offset, NULL, buf, len,
		     timeout_sec);
}

/* env->write_batch: the writes one after another, in the order the
 * memdisk was told (memdisk_set_batch), each a logged op of its own. */
static void md_write_batch(void *ctx, int disk, struct lease_wreq *w, int n,
			   int timeout_sec)
{
	struct memdisk_host *h = ctx;
	int i;

	if (n < 1 || n > LEASE_BATCH_MAX)
		md_die("write_batch: bad count");
	for (i = 0; i < n; i++) {
		int k = h->md->batch == MEMDISK_BATCH_REVERSED ? n - 1 - i : i;

		w[k].rv = md_write(ctx, disk, w[k].offset, w[k].buf, w[k].len,
				   timeout_sec);
	}
}

void memdisk_set_batch(struct memdisk *md, enum memdisk_batch mode)
{
	md->batch = mode;
}

static int md_sleep(void *ctx, uint64_t usec)
{
	struct memdisk_host *h = ctx;
	struct memdisk *md = h->md;
	struct memdisk_event ev;
	int idx, rv = 0;

	memset(&ev, 0, sizeof(ev));
	ev.op = MEMDISK_OP_SLEEP;
	ev.disk = -1;
	ev.usec = usec;
	idx = md_begin(h, &ev);
	if (idx >= 0 && md->rules[idx].action == MEMDISK_ACT_ABORT) {
		ev.fault = MEMDISK_ACT_ABORT;
		rv = 1;
	} else {
		md_pass_time(h, usec);
	}
	ev.rv = rv;
	ev.end_usec = md->clock_usec;
	md_log(md, &ev);
	return rv;
}

static uint64_t md_now(void *ctx)
{
	struct memdisk_host *h = ctx;

	return memdisk_now(h->md, h->idx);
}

static void *md_buf_alloc(void *ctx, size_t len)
{
	struct memdisk_host *h = ctx;
	size_t n = (len + MEMDISK_BUF_ALIGN - 1) / MEMDISK_BUF_ALIGN *
		   MEMDISK_BUF_ALIGN;
	void *p;

	if (!n || posix_memalign(&p, MEMDISK_BUF_ALIGN, n))
		return NULL;
	memset(p, 0, n);
	h->md->bufs++;
	return p;
}

static void md_buf_free(void *ctx, void *buf)
{
	struct memdisk_host *h = ctx;

	if (!buf)
		return;
	h->md->bufs--;
	free(buf);
}

static uint32_t md_random(void *ctx)
{
	struct memdisk_host *h = ctx;

	return md_rand(h->md);
}

/* ---- setup and inspection ---- */

struct memdisk *memdisk_create(uint32_t sector_size, uint64_t size, int num_disks)
{
	struct memdisk *md;
	int i;

	assert(sector_size && size % sector_size == 0);
	assert(num_disks >= 1 && num_disks <= MEMDISK_MAX_DISKS);
	md = calloc(1, sizeof(*md));
	if (!md)
		md_die("out of memory");
	md->ss = sector_size;
	md->size = size;
	md->ndisks = num_disks;
	for (i = 0; i < num_disks; i++) {
		md->data[i] = calloc(1, size);
		if (!md->data[i])
			md_die("out of memory");
	}
	md->log = calloc(MEMDISK_LOG_MAX, sizeof(*md->log));
	if (!md->log)
		md_die("out of memory");
	md->clock_usec = (uint64_t)MEMDISK_START_SEC * 1000000u;
	md->rnd = 1;
	for (i = 0; i < MEMDISK_MAX_HOSTS; i++) {
		md->hosts[i].md = md;
		md->hosts[i].idx = i;
	}
	pthread_mutex_init(&md->mu, NULL);
	pthread_cond_init(&md->cv, NULL);
	return md;
}

void memdisk_destroy(struct memdisk *md)
{
	int i;

	if (!md)
		return;
	memdisk_drop_pending(md);
	for (i = 0; i < md->ndisks; i++)
		free(md->data[i]);
	free(md->log);
	pthread_mutex_destroy(&md->mu);
	pthread_cond_destroy(&md->cv);
	free(md);
}

void memdisk_env(struct memdisk *md, int host, struct lease_env *env)
{
	assert(host >= 0 && host < MEMDISK_MAX_HOSTS);
	memset(env, 0, sizeof(*env));
	env->ctx = &md->hosts[host];
	env->read = md_read;
	env->write = md_write;
	if (md->batch != MEMDISK_BATCH_NONE)
		env->write_batch = md_write_batch;
	env->buf_alloc = md_buf_alloc;
	env->buf_free = md_buf_free;
	env->now = md_now;
	env->sleep_usec = md_sleep;
	env->random = md_random;
}

uint64_t memdisk_clock_usec(const struct memdisk *md)
{
	return md->clock_usec;
}

uint64_t memdisk_now(const struct memdisk *md, int host)
{
	int64_t t;

	assert(host >= 0 && host < MEMDISK_MAX_HOSTS);
	t = (int64_t)(md->clock_usec / 1000000u) + md->hosts[host].off_sec;
	return t > 0 ? (uint64_t)t : 0;
}

void memdisk_advance(struct memdisk *md, uint64_t usec)
{
	md_set_clock(md, md->clock_usec + usec);
}

void memdisk_set_clock_offset(struct memdisk *md, int host, int64_t sec)
{
	assert(host >= 0 && host < MEMDISK_MAX_HOSTS);
	md->hosts[host].off_sec = sec;
}

void memdisk_freeze_clock(struct memdisk *md, int frozen)
{
	md->frozen = frozen;
}

void memdisk_seed(struct memdisk *md, uint32_t seed)
{
	md->rnd = seed ? seed : 1;
}

uint8_t *memdisk_data(struct memdisk *md, int disk)
{
	assert(disk >= 0 && disk < md->ndisks);
	return md->data[disk];
}

void memdisk_poke(struct memdisk *md, int disk, uint64_t offset,
		  const void *data, size_t len)
{
	assert(disk >= 0 && disk < md->ndisks);
	assert(offset <= md->size && len <= md->size - offset);
	memcpy(md->data[disk] + offset, data, len);
}

void memdisk_peek(struct memdisk *md, int disk, uint64_t offset,
		  void *data, size_t len)
{
	assert(disk >= 0 && disk < md->ndisks);
	assert(offset <= md->size && len <= md->size - offset);
	memcpy(data, md->data[disk] + offset, len);
}

void memdisk_rule_init(struct memdisk_rule *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->host = -1;
	rule->disk = -1;
	rule->ops = MEMDISK_OP_ANY;
}

int memdisk_add_rule(struct memdisk *md, const struct memdisk_rule *rule)
{
	int i = md->nrules;

	if (i >= MEMDISK_MAX_RULES)
		return -1;
	assert(rule->action != MEMDISK_ACT_CALL || rule->fn);
	md->rules[i] = *rule;
	md->rule_matched[i] = 0;
	md->rule_fired[i] = 0;
	md->nrules++;
	return i;
}

void memdisk_clear_rules(struct memdisk *md)
{
	md->nrules = 0;
}

uint64_t memdisk_rule_fired(const struct memdisk *md, int idx)
{
	assert(idx >= 0 && idx < md->nrules);
	return md->rule_fired[idx];
}

int memdisk_pending(const struct memdisk *md)
{
	int i, n = 0;

	for (i = 0; i < MEMDISK_MAX_PENDING; i++)
		n += md->pend[i].used;
	return n;
}

void memdisk_land_pending(struct memdisk *md)
{
	int i;

	for (i = 0; i < MEMDISK_MAX_PENDING; i++)
		if (md->pend[i].used)
			md_land(md, &md->pend[i]);
}

void memdisk_drop_pending(struct memdisk *md)
{
	int i;

	for (i = 0; i < MEMDISK_MAX_PENDING; i++) {
		free(md->pend[i].data);
		memset(&md->pend[i], 0, sizeof(md->pend[i]));
	}
}

const struct memdisk_event *memdisk_log(const struct memdisk *md, size_t *n)
{
	*n = md->log_n;
	return md->log;
}

void memdisk_log_clear(struct memdisk *md)
{
	md->log_n = 0;
}

uint64_t memdisk_ops(const struct memdisk *md)
{
	return md->seq;
}

long memdisk_bufs_live(const struct memdisk *md)
{
	return md->bufs;
}
