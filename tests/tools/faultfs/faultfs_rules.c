/*
 * faultfs_rules.c - owns the fault rule table, the hung-request table and
 * the per-file counters (interface and limits in faultfs_rules.h).
 *
 * Locking: every static below is guarded by faultfs_rules_lock.  Requests
 * blocked by `hang` or `delay` wait on faultfs_rules_cond (CLOCK_MONOTONIC)
 * with the lock released; clear/replace/shutdown broadcast it after marking
 * hung records released.  No function calls out of this file with the lock
 * held, except fprintf to the status stream (a memory stream, see
 * faultfs_ctl.c) and to stderr.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "faultfs_rules.h"

struct faultfs_rule {
	int id;
	struct faultfs_rule_spec spec;
	uint64_t hits;                   /* requests the rule was applied to */
};

struct faultfs_hung {
	bool used;
	bool released;
	int rule_id;
	int err;                         /* errno to fail with once released */
};

enum { FAULTFS_R = 0, FAULTFS_W = 1, FAULTFS_NOPS = 2 };

struct faultfs_counts {
	uint64_t served, failed, hung, delayed;
	unsigned hung_now;
};

struct faultfs_file {
	char name[FAULTFS_NAME_MAX];
	struct faultfs_counts c[FAULTFS_NOPS];
};

#define FAULTFS_OTHER_NAME "(other)"       /* counters past FAULTFS_MAX_FILES */
#define FAULTFS_UNNAMED_NAME "(unlinked)"  /* open files without a name */

static pthread_mutex_t faultfs_rules_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t faultfs_rules_cond;

/* Rules in insertion order; matching scans from the newest. */
static struct faultfs_rule faultfs_rules[FAULTFS_MAX_RULES];
static int faultfs_nrules;
static int faultfs_next_id = 1;

static struct faultfs_hung faultfs_hung[FAULTFS_MAX_HUNG];
static int faultfs_nhung;
static uint64_t faultfs_hang_overflow;   /* hangs refused: table full */

/* faultfs_files[0] is the overflow bucket. */
static struct faultfs_file faultfs_files[FAULTFS_MAX_FILES + 1];
static int faultfs_nfiles = 1;

static bool faultfs_shutting_down;

int faultfs_rules_init(void)
{
	pthread_condattr_t attr;
	int rv;

	rv = pthread_condattr_init(&attr);
	if (rv)
		return -rv;
	rv = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!rv)
		rv = pthread_cond_init(&faultfs_rules_cond, &attr);
	pthread_condattr_destroy(&attr);
	snprintf(faultfs_files[0].name, sizeof(faultfs_files[0].name), "%s",
		 FAULTFS_OTHER_NAME);
	return -rv;
}

/* ------------------------------------------------------------ lock held */

static struct faultfs_file *faultfs_file_get(const char *name)
{
	int i;

	if (!name)
		name = FAULTFS_UNNAMED_NAME;
	for (i = 1; i < faultfs_nfiles; i++)
		if (!strcmp(faultfs_files[i].name, name))
			return &faultfs_files[i];
	if (faultfs_nfiles > FAULTFS_MAX_FILES ||
	    strlen(name) >= FAULTFS_NAME_MAX)
		return &faultfs_files[0];
	i = faultfs_nfiles++;
	memset(&faultfs_files[i], 0, sizeof(faultfs_files[i]));
	memcpy(faultfs_files[i].name, name, strlen(name) + 1);
	return &faultfs_files[i];
}

static bool faultfs_range_hit(const struct faultfs_rule_spec *s, uint64_t off,
			      size_t size)
{
	uint64_t end = off + (size ? size : 1);

	if (end <= s->off)
		return false;
	return s->len == 0 || off < s->off + s->len;
}

static struct faultfs_rule *faultfs_rule_match(const char *name, unsigned op,
					       uint64_t off, size_t size)
{
	int i;

	for (i = faultfs_nrules - 1; i >= 0; i--) {
		struct faultfs_rule *r = &faultfs_rules[i];

		if (!(r->spec.ops & op))
			continue;
		if (strcmp(r->spec.name, "*") &&
		    (!name || strcmp(r->spec.name, name)))
			continue;
		if (r->spec.count && r->hits >= r->spec.count)
			continue;
		if (!faultfs_range_hit(&r->spec, off, size))
			continue;
		return r;
	}
	return NULL;
}

/* Release the requests hung by rule ID (err < 0: use the rule's err). */
static void faultfs_release_rule(int id, int err)
{
	int i;

	for (i = 0; i < FAULTFS_MAX_HUNG; i++) {
		struct faultfs_hung *h = &faultfs_hung[i];

		if (h->used && !h->released && (id == 0 || h->rule_id == id)) {
			h->released = true;
			if (err >= 0)
				h->err = err;
		}
	}
	pthread_cond_broadcast(&faultfs_rules_cond);
}

static void faultfs_rule_remove(int idx)
{
	faultfs_release_rule(faultfs_rules[idx].id, -1);
	memmove(&faultfs_rules[idx], &faultfs_rules[idx + 1],
		(size_t)(faultfs_nrules - idx - 1) * sizeof(faultfs_rules[0]));
	faultfs_nrules--;
}

/* ------------------------------------------------------------- control */

int faultfs_rules_add(const struct faultfs_rule_spec *spec)
{
	struct faultfs_rule *r;
	int i, id;

	pthread_mutex_lock(&faultfs_rules_lock);
	for (i = 0; i < faultfs_nrules; i++) {
		const struct faultfs_rule_spec *o = &faultfs_rules[i].spec;

		if (!strcmp(o->name, spec->name) && o->ops == spec->ops &&
		    o->off == spec->off && o->len == spec->len) {
			faultfs_rule_remove(i);
			break;
		}
	}
	if (faultfs_nrules >= FAULTFS_MAX_RULES) {
		pthread_mutex_unlock(&faultfs_rules_lock);
		return -ENOSPC;
	}
	r = &faultfs_rules[faultfs_nrules++];
	memset(r, 0, sizeof(*r));
	r->spec = *spec;
	id = r->id = faultfs_next_id++;
	pthread_mutex_unlock(&faultfs_rules_lock);
	return id;
}

int faultfs_rules_clear(const char *name, unsigned ops)
{
	int i, n = 0;

	pthread_mutex_lock(&faultfs_rules_lock);
	for (i = faultfs_nrules - 1; i >= 0; i--) {
		if (strcmp(faultfs_rules[i].spec.name, name) ||
		    !(faultfs_rules[i].spec.ops & ops))
			continue;
		faultfs_rule_remove(i);
		n++;
	}
	pthread_mutex_unlock(&faultfs_rules_lock);
	return n;
}

void faultfs_rules_clear_all(void)
{
	pthread_mutex_lock(&faultfs_rules_lock);
	while (faultfs_nrules > 0)
		faultfs_rule_remove(faultfs_nrules - 1);
	faultfs_release_rule(0, -1);   /* hangs whose rule was replaced */
	pthread_mutex_unlock(&faultfs_rules_lock);
}

void faultfs_rules_reset_stats(void)
{
	int i, k;

	pthread_mutex_lock(&faultfs_rules_lock);
	for (i = 0; i < faultfs_nfiles; i++)
		for (k = 0; k < FAULTFS_NOPS; k++) {
			unsigned now = faultfs_files[i].c[k].hung_now;

			memset(&faultfs_files[i].c[k], 0,
			       sizeof(faultfs_files[i].c[k]));
			faultfs_files[i].c[k].hung_now = now;
		}
	for (i = 0; i < faultfs_nrules; i++)
		faultfs_rules[i].hits = 0;
	faultfs_hang_overflow = 0;
	pthread_mutex_unlock(&faultfs_rules_lock);
}

void faultfs_rules_shutdown(void)
{
	pthread_mutex_lock(&faultfs_rules_lock);
	faultfs_shutting_down = true;
	faultfs_release_rule(0, EIO);
	pthread_mutex_unlock(&faultfs_rules_lock);
}

int faultfs_rules_hung_now(void)
{
	int n;

	pthread_mutex_lock(&faultfs_rules_lock);
	n = faultfs_nhung;
	pthread_mutex_unlock(&faultfs_rules_lock);
	return n;
}

/* ------------------------------------------------------------ I/O path */

static void faultfs_deadline(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int faultfs_wait_delay(unsigned ms)
{
	struct timespec dl;

	faultfs_deadline(&dl, ms);
	while (!faultfs_shutting_down) {
		int rv = pthread_cond_timedwait(&faultfs_rules_cond,
						&faultfs_rules_lock, &dl);
		if (rv == ETIMEDOUT)
			return 0;
	}
	return 0;    /* shutting down: stop delaying, go on */
}

/* Block until released; returns the errno to fail with (0 = go on). */
static int faultfs_wait_hang(struct faultfs_rule *r, struct faultfs_counts *c,
			     const char *name)
{
	struct faultfs_hung *h = NULL;
	int i, err;

	if (faultfs_shutting_down)
		return EIO;
	for (i = 0; i < FAULTFS_MAX_HUNG; i++)
		if (!faultfs_hung[i].used) {
			h = &faultfs_hung[i];
			break;
		}
	if (!h) {
		faultfs_hang_overflow++;
		fprintf(stderr, "faultfs: hung-request table full (%d), "
			"failing a request to %s with EIO\n", FAULTFS_MAX_HUNG,
			name ? name : FAULTFS_UNNAMED_NAME);
		return EIO;
	}
	h->used = true;
	h->released = false;
	h->rule_id = r->id;
	h->err = r->spec.err;
	faultfs_nhung++;
	c->hung++;
	c->hung_now++;
	while (!h->released)
		pthread_cond_wait(&faultfs_rules_cond, &faultfs_rules_lock);
	err = h->err;
	h->used = false;
	faultfs_nhung--;
	c->hung_now--;
	return err;
}

int faultfs_io_gate(const char *name, unsigned op, uint64_t off, size_t size)
{
	struct faultfs_counts *c;
	struct faultfs_rule *r;
	int err = 0;

	pthread_mutex_lock(&faultfs_rules_lock);
	c = &faultfs_file_get(name)->c[op == FAULTFS_OP_READ ? FAULTFS_R
							      : FAULTFS_W];
	r = faultfs_rule_match(name, op, off, size);
	if (r) {
		r->hits++;
		switch (r->spec.kind) {
		case FAULTFS_FAIL:
			err = r->spec.err;
			break;
		case FAULTFS_DELAY:
			c->delayed++;
			/* r is not used after the lock is dropped */
			err = faultfs_wait_delay(r->spec.delay_ms);
			break;
		case FAULTFS_HANG:
			err = faultfs_wait_hang(r, c, name);
			break;
		}
	}
	pthread_mutex_unlock(&faultfs_rules_lock);
	return -err;
}

void faultfs_io_done(const char *name, unsigned op, long rv)
{
	struct faultfs_counts *c;

	pthread_mutex_lock(&faultfs_rules_lock);
	c = &faultfs_file_get(name)->c[op == FAULTFS_OP_READ ? FAULTFS_R
							      : FAULTFS_W];
	if (rv < 0)
		c->failed++;
	else
		c->served++;
	pthread_mutex_unlock(&faultfs_rules_lock);
}

/* ---------------------------------------------------------------- status */

/* Names are printed with whitespace, '\\' and control bytes as \xHH so a
 * status line always splits into fields at spaces. */
static void faultfs_put_name(FILE *out, const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if (*p <= ' ' || *p == '\\' || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
}

static const char *faultfs_ops_name(unsigned ops)
{
	return ops == FAULTFS_OP_BOTH ? "rw" :
	       ops == FAULTFS_OP_READ ? "read" : "write";
}

static const char *faultfs_kind_name(enum faultfs_kind k)
{
	return k == FAULTFS_FAIL ? "fail" : k == FAULTFS_HANG ? "hang" : "delay";
}

void faultfs_rules_status(FILE *out, const char *name)
{
	static const char *const opname[FAULTFS_NOPS] = { "read", "write" };
	int i, k;

	pthread_mutex_lock(&faultfs_rules_lock);
	fprintf(out, "rules %d %d\n", faultfs_nrules, FAULTFS_MAX_RULES);
	fprintf(out, "hung %d %d\n", faultfs_nhung, FAULTFS_MAX_HUNG);
	fprintf(out, "hang_overflow %llu\n",
		(unsigned long long)faultfs_hang_overflow);
	fprintf(out, "shutdown %d\n", faultfs_shutting_down ? 1 : 0);
	for (i = 0; i < faultfs_nrules; i++) {
		const struct faultfs_rule *r = &faultfs_rules[i];

		if (name && strcmp(r->spec.name, name))
			continue;
		fprintf(out, "rule %d ", r->id);
		faultfs_put_name(out, r->spec.name);
		fprintf(out, " %s %s err=%d ms=%u off=%llu len=%llu "
			"count=%llu hits=%llu\n",
			faultfs_ops_name(r->spec.ops),
			faultfs_kind_name(r->spec.kind), r->spec.err,
			r->spec.delay_ms, (unsigned long long)r->spec.off,
			(unsigned long long)r->spec.len,
			(unsigned long long)r->spec.count,
			(unsigned long long)r->hits);
	}
	for (i = 0; i < faultfs_nfiles; i++) {
		const struct faultfs_file *f = &faultfs_files[i];

		if (name && strcmp(f->name, name))
			continue;
		for (k = 0; k < FAULTFS_NOPS; k++) {
			const struct faultfs_counts *c = &f->c[k];

			if (i == 0 && !c->served && !c->failed && !c->hung_now)
				continue;   /* empty overflow bucket */
			fputs("file ", out);
			faultfs_put_name(out, f->name);
			fprintf(out, " %s served=%llu failed=%llu hung=%llu "
				"delayed=%llu hung_now=%u\n", opname[k],
				(unsigned long long)c->served,
				(unsigned long long)c->failed,
				(unsigned long long)c->hung,
				(unsigned long long)c->delayed, c->hung_now);
		}
	}
	pthread_mutex_unlock(&faultfs_rules_lock);
}
