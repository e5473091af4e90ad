/*
 * tests/unit/test_recovery.c - the killing sequence of recovery
 * (daemon/recovery_kill.c; spec/algorithms.md §10.2-§10.3): the action
 * table with its substitutions, and passes over fake lease holders in
 * the real connection table with fake helper ops (signals and killpath
 * runs recorded, not sent): grace, killpath once, SIGKILL after grace,
 * one attempt per second, 100 attempts at most, pipe-full retries,
 * closed connections and reused slots, kill state reset when a client
 * holds no lease any more.  Single-threaded; time is passed in.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanlock_resource.h"
#include "daemon/client.h"
#include "daemon/recovery.h"

#define SEC 1000000ull

/* ---------------------------------------------------------- the table */

static enum recovery_action choose(int force, int in_grace, int grace,
				   int killpath, int done, uint32_t restricted)
{
	struct recovery_choice c = {
		.force_kill = force, .in_grace = in_grace, .kill_grace = grace,
		.has_killpath = killpath, .killpath_done = done,
		.restricted = restricted,
	};

	return recovery_choose(&c);
}

static void test_choose_rows(void **state)
{
	(void)state;
	/* removal / forced shutdown: SIGKILL whatever else holds */
	assert_int_equal(choose(1, 1, 40, 1, 0, 0), RECOVERY_SIGKILL);
	assert_int_equal(choose(1, 0, 0, 0, 0, 0), RECOVERY_SIGKILL);
	/* grace + killpath: run it once, then nothing while in grace */
	assert_int_equal(choose(0, 1, 40, 1, 0, 0), RECOVERY_KILLPATH);
	assert_int_equal(choose(0, 1, 40, 1, 1, 0), RECOVERY_NONE);
	/* grace 0 never runs the killpath */
	assert_int_equal(choose(0, 1, 0, 1, 0, 0), RECOVERY_SIGTERM);
	/* in grace without killpath: SIGTERM */
	assert_int_equal(choose(0, 1, 40, 0, 0, 0), RECOVERY_SIGTERM);
	/* after grace: SIGKILL, with or without killpath */
	assert_int_equal(choose(0, 0, 40, 1, 1, 0), RECOVERY_SIGKILL);
	assert_int_equal(choose(0, 0, 40, 0, 0, 0), RECOVERY_SIGKILL);
}

static void test_choose_restrictions(void **state)
{
	(void)state;
	/* SIGKILL restricted -> SIGTERM; SIGTERM restricted -> SIGKILL */
	assert_int_equal(choose(1, 0, 0, 0, 0, SANLK_RESTRICT_SIGKILL),
			 RECOVERY_SIGTERM);
	assert_int_equal(choose(0, 0, 40, 0, 0, SANLK_RESTRICT_SIGKILL),
			 RECOVERY_SIGTERM);
	assert_int_equal(choose(0, 1, 40, 0, 0, SANLK_RESTRICT_SIGTERM),
			 RECOVERY_SIGKILL);
	/* both restricted: the two substitutions apply in turn, so SIGKILL
	 * (observed with 3.8.5: rem_lockspace sent "sig 9") */
	assert_int_equal(choose(1, 0, 0, 0, 0, SANLK_RESTRICT_SIGKILL |
				SANLK_RESTRICT_SIGTERM), RECOVERY_SIGKILL);
	assert_int_equal(choose(0, 0, 40, 0, 0, SANLK_RESTRICT_SIGKILL |
				SANLK_RESTRICT_SIGTERM), RECOVERY_SIGKILL);
	assert_int_equal(choose(0, 1, 40, 0, 0, SANLK_RESTRICT_SIGKILL |
				SANLK_RESTRICT_SIGTERM), RECOVERY_SIGKILL);
	/* the killpath is not a signal: no substitution */
	assert_int_equal(choose(0, 1, 40, 1, 0, SANLK_RESTRICT_SIGTERM),
			 RECOVERY_KILLPATH);
	assert_string_equal(recovery_action_name(RECOVERY_KILLPATH), "killpath");
}

/* ---------------------------------------------------------- fake world */

#define FAKE_MAX 64

struct sent {
	int  pid;
	int  sig;            /* 0 for a killpath run */
	char path[SANLK_HELPER_PATH_LEN];
	char args[SANLK_HELPER_ARGS_LEN];
	int  append_pid;
};

static struct {
	struct recovery_holder holders[FAKE_MAX];
	int    nholders;
	int    holders_rv;      /* < 0: the holders op fails */
	int    full;            /* sends fail with -EAGAIN while set */
	struct sent sent[4 * FAKE_MAX];
	int    nsent;
} fk;

static int fk_holders(void *arg, const char *name,
		      struct recovery_holder *out, int max)
{
	(void)arg;
	assert_string_equal(name, "ls1");
	if (fk.holders_rv < 0)
		return fk.holders_rv;
	assert_true(fk.nholders <= max);
	memcpy(out, fk.holders, sizeof(out[0]) * (size_t)fk.nholders);
	return fk.nholders;
}

static int fk_send_kill(void *arg, int pid, int sig)
{
	(void)arg;
	if (fk.full)
		return -EAGAIN;
	assert_true(fk.nsent < 4 * FAKE_MAX);
	memset(&fk.sent[fk.nsent], 0, sizeof(fk.sent[0]));
	fk.sent[fk.nsent].pid = pid;
	fk.sent[fk.nsent].sig = sig;
	fk.nsent++;
	return 0;
}

static int fk_send_runpath(void *arg, int pid, const char *path,
			   const char *args, int append_pid)
{
	struct sent *s;

	(void)arg;
	if (fk.full)
		return -EAGAIN;
	assert_true(fk.nsent < 4 * FAKE_MAX);
	s = &fk.sent[fk.nsent++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->args, sizeof(s->args), "%s", args);
	s->append_pid = append_pid;
	return 0;
}

static const struct recovery_ops fk_ops = {
	.holders = fk_holders,
	.send_kill = fk_send_kill,
	.send_runpath = fk_send_runpath,
};

static int setup(void **state)
{
	(void)state;
	memset(&fk, 0, sizeof(fk));
	client_table_init();
	recovery_reset();
	return 0;
}

/* A registered client with pid in a fresh slot; it holds a lease. */
static int add_holder(int pid, uint32_t restricted, const char *killpath,
		      uint32_t flags)
{
	int ci = client_alloc(CL_CONN, 1000 + pid, "test");
	struct client *c;

	assert_true(ci >= 2);
	c = client_get(ci);
	c->registered = 1;
	c->pid = pid;
	c->restricted = restricted;
	c->flags = flags;
	if (killpath) {
		snprintf(c->killpath, sizeof(c->killpath), "%s", killpath);
		snprintf(c->killargs, sizeof(c->killargs), "arg1 arg2");
	}
	fk.holders[fk.nholders].ci = ci;
	fk.holders[fk.nholders].gen = c->gen;
	fk.nholders++;
	return ci;
}

static void drop_holder(int ci)
{
	for (int i = 0; i < fk.nholders; i++) {
		if (fk.holders[i].ci != ci)
			continue;
		fk.holders[i] = fk.holders[--fk.nholders];
		return;
	}
	fail_msg("slot %d is not a holder", ci);
}

/* Fail at T = 100 with io 1: grace ends at 100 + 8 + grace. */
static struct recovery_space space(int force, int grace)
{
	struct recovery_space sp = {
		.space_id = 7, .name = "ls1", .force_kill = force,
		.grace_end = 100 + 8 + (uint64_t)grace, .kill_grace = grace,
	};

	return sp;
}

static struct recovery_pass_result pass_at(const struct recovery_space *sp,
					   uint64_t us)
{
	struct recovery_pass_result r;

	assert_int_equal(recovery_pass(sp, &fk_ops, us / SEC, us, &r), 0);
	return r;
}

/* ---------------------------------------------------------- passes */

static void test_no_holders_is_done(void **state)
{
	struct recovery_space sp = space(0, 40);
	struct recovery_pass_result r;

	(void)state;
	r = pass_at(&sp, 108 * SEC);
	assert_int_equal(r.holders, 0);
	assert_int_equal(r.live, 0);
	assert_int_equal(fk.nsent, 0);
	fk.holders_rv = -EIO;
	assert_int_equal(recovery_pass(&sp, &fk_ops, 108, 108 * SEC, &r), -EIO);
}

static void test_force_kill_once_per_second(void **state)
{
	struct recovery_space sp = space(1, 40);
	struct recovery_pass_result r;
	struct client_info ci_info;
	int ci = add_holder(501, 0, "/bin/kp", 0);
	uint64_t t = 108 * SEC;

	(void)state;
	/* passes every 0.2 s for 3 s: one SIGKILL per second, no killpath */
	for (int i = 0; i < 15; i++, t += SEC / 5) {
		r = pass_at(&sp, t);
		assert_int_equal(r.live, 1);
	}
	assert_int_equal(fk.nsent, 3);
	for (int i = 0; i < fk.nsent; i++) {
		assert_int_equal(fk.sent[i].pid, 501);
		assert_int_equal(fk.sent[i].sig, SIGKILL);
	}
	assert_int_equal(client_snapshot(ci, &ci_info), 0);
	assert_int_equal(ci_info.kill_count, 3);
	assert_true(ci_info.kill_last >= 110);
	/* the process exits: its connection closes -> not live, done */
	client_get(ci)->pid_dead = 1;
	r = pass_at(&sp, t);
	assert_int_equal(r.holders, 1);
	assert_int_equal(r.live, 0);
	assert_int_equal(fk.nsent, 3);
}

static void test_grace_killpath_then_sigkill(void **state)
{
	struct recovery_space sp = space(0, 40);
	int kp = add_holder(601, 0, "/usr/bin/kp", SANLK_KILLPATH_PID);
	int plain = add_holder(602, 0, NULL, 0);
	uint64_t t;
	int kills_601 = 0, terms_602 = 0, runs = 0, kills_602 = 0;

	(void)state;
	(void)kp;
	(void)plain;
	/* from the failure (T+8 = 108) to the end of grace (148) */
	for (t = 108 * SEC; t < 148 * SEC; t += SEC / 5)
		pass_at(&sp, t);
	for (int i = 0; i < fk.nsent; i++) {
		if (fk.sent[i].pid == 601) {
			assert_int_equal(fk.sent[i].sig, 0);
			assert_string_equal(fk.sent[i].path, "/usr/bin/kp");
			assert_string_equal(fk.sent[i].args, "arg1 arg2");
			assert_int_equal(fk.sent[i].append_pid, 1);
			runs++;
		} else {
			assert_int_equal(fk.sent[i].pid, 602);
			assert_int_equal(fk.sent[i].sig, SIGTERM);
			terms_602++;
		}
	}
	assert_int_equal(runs, 1);            /* killpath only the first time */
	assert_true(terms_602 >= 39 && terms_602 <= 40);
	/* attempts counted while nothing is sent */
	assert_true(client_get(kp)->kill_count >= 39);
	fk.nsent = 0;
	for (t = 148 * SEC; t < 151 * SEC; t += SEC / 5)
		pass_at(&sp, t);
	for (int i = 0; i < fk.nsent; i++) {
		assert_int_equal(fk.sent[i].sig, SIGKILL);
		if (fk.sent[i].pid == 601)
			kills_601++;
		else
			kills_602++;
	}
	assert_int_equal(kills_601, 3);
	assert_int_equal(kills_602, 3);
}

static void test_late_renewal_extends_grace(void **state)
{
	struct recovery_space sp = space(0, 10);
	int ci = add_holder(701, 0, NULL, 0);

	(void)state;
	(void)ci;
	pass_at(&sp, 119 * SEC);              /* grace ended at 118 */
	assert_int_equal(fk.sent[0].sig, SIGKILL);
	sp.grace_end += 5;                    /* a renewal succeeded late */
	pass_at(&sp, 120 * SEC);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk.sent[1].sig, SIGTERM);
}

static void test_restricted_substitution_in_pass(void **state)
{
	struct recovery_space sp = space(1, 40);

	(void)state;
	add_holder(801, SANLK_RESTRICT_SIGKILL, NULL, 0);
	add_holder(802, SANLK_RESTRICT_SIGTERM, NULL, 0);
	pass_at(&sp, 108 * SEC);
	assert_int_equal(fk.nsent, 2);
	for (int i = 0; i < 2; i++)
		assert_int_equal(fk.sent[i].sig, fk.sent[i].pid == 801 ?
				 SIGTERM : SIGKILL);
	sp = space(0, 40);
	fk.nsent = 0;
	pass_at(&sp, 110 * SEC);               /* in grace */
	for (int i = 0; i < 2; i++)
		assert_int_equal(fk.sent[i].sig, fk.sent[i].pid == 801 ?
				 SIGTERM : SIGKILL);
}

static void test_stuck_after_100_attempts(void **state)
{
	struct recovery_space sp = space(1, 0);
	struct recovery_pass_result r;
	uint64_t t = 108 * SEC;

	(void)state;
	add_holder(901, 0, NULL, 0);
	for (int i = 0; i < 150; i++, t += SEC)
		r = pass_at(&sp, t);
	assert_int_equal(fk.nsent, RECOVERY_KILL_ATTEMPTS_MAX);
	assert_int_equal(r.live, 1);
	assert_int_equal(r.stuck, 1);         /* not done: the watchdog fires */
}

static void test_pipe_full_is_retried(void **state)
{
	struct recovery_space sp = space(1, 0);
	int ci;

	(void)state;
	ci = add_holder(1001, 0, NULL, 0);
	fk.full = 1;
	pass_at(&sp, 108 * SEC);
	assert_int_equal(fk.nsent, 0);
	assert_int_equal(client_get(ci)->kill_count, 0);
	fk.full = 0;
	pass_at(&sp, 108 * SEC + SEC / 5);    /* not held back a second */
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(client_get(ci)->kill_count, 1);
}

static void test_released_leases_reset_state(void **state)
{
	struct recovery_space sp = space(0, 40);
	struct recovery_pass_result r;
	int a, b;

	(void)state;
	a = add_holder(1101, 0, "/bin/kp", 0);
	b = add_holder(1102, 0, NULL, 0);
	pass_at(&sp, 108 * SEC);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(client_get(a)->kill_count, 1);
	/* a releases its leases from its killpath handler and lives on */
	drop_holder(a);
	r = pass_at(&sp, 109 * SEC + SEC / 2);
	assert_int_equal(r.live, 1);
	assert_int_equal(client_get(a)->kill_count, 0);
	assert_int_equal(client_get(a)->kill_last, 0);
	assert_int_equal(client_get(b)->kill_count, 2);
	/* acquiring again later starts a fresh sequence (killpath again) */
	fk.holders[fk.nholders].ci = a;
	fk.holders[fk.nholders].gen = client_get(a)->gen;
	fk.nholders++;
	fk.nsent = 0;
	pass_at(&sp, 111 * SEC);
	assert_int_equal(fk.nsent, 2);
	for (int i = 0; i < 2; i++)
		if (fk.sent[i].pid == 1101)
			assert_int_equal(fk.sent[i].sig, 0);
}

static void test_reused_slot_is_another_client(void **state)
{
	struct recovery_space sp = space(1, 0);
	struct recovery_pass_result r;
	struct client *c;
	int ci;

	(void)state;
	ci = add_holder(1201, 0, NULL, 0);
	c = client_get(ci);
	pass_at(&sp, 108 * SEC);
	/* a stale holder entry (old generation) is not the client now */
	fk.holders[0].gen = c->gen + 1;
	r = pass_at(&sp, 110 * SEC);
	assert_int_equal(r.live, 0);
	assert_int_equal(fk.nsent, 1);
	/* unregistered / pid-less connections are never signalled */
	fk.holders[0].gen = c->gen;
	c->registered = 0;
	r = pass_at(&sp, 112 * SEC);
	assert_int_equal(r.live, 0);
	c->registered = 1;
	c->pid = 0;
	r = pass_at(&sp, 114 * SEC);
	assert_int_equal(r.live, 0);
	assert_int_equal(fk.nsent, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_rows),
		cmocka_unit_test(test_choose_restrictions),
		cmocka_unit_test_setup(test_no_holders_is_done, setup),
		cmocka_unit_test_setup(test_force_kill_once_per_second, setup),
		cmocka_unit_test_setup(test_grace_killpath_then_sigkill, setup),
		cmocka_unit_test_setup(test_late_renewal_extends_grace, setup),
		cmocka_unit_test_setup(test_restricted_substitution_in_pass, setup),
		cmocka_unit_test_setup(test_stuck_after_100_attempts, setup),
		cmocka_unit_test_setup(test_pipe_full_is_retried, setup),
		cmocka_unit_test_setup(test_released_leases_reset_state, setup),
		cmocka_unit_test_setup(test_reused_slot_is_another_client, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
