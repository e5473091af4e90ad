/*
 * tests/unit/test_res_table.c - the resource manager's tables and the
 * things built from them without disk I/O (daemon/res_table.c,
 * res_release.c, res_status.c, res_ls.c): name matching (api.md §3:
 * exact 48 bytes for release/convert, strncmp elsewhere), per-client
 * slot order and its reuse (cli.md §3.6), the per-client limit, process
 * exit (algorithms.md §10.3, §11.1: orphan / background release / other
 * shared holders), the RESOURCE status records (cli.md §3.1, api.md
 * §8.7) and the inquire state string (api.md §4.2).
 *
 * Single-threaded: the tests take res_mod.mutex like the daemon does but
 * no other thread runs (res_bg is not started).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/wire.h"
#include "daemon/res_internal.h"
#include "daemon/res_ls.h"

static struct ls_info test_li = {
	.space_id = 7, .host_id = 3, .host_generation = 2, .io_timeout = 1,
	.fire_timeout = 60, .sector_size = 512, .align_size = 1048576,
	.max_hosts = 2000,
};

/* A HELD resource "LS:<name>" at /p:<offset>, lver 5. */
static struct res_resource *mk_res(const char *name, uint64_t offset,
				   int shared)
{
	struct sanlk_resource h;
	struct sanlk_disk d;
	struct res_resource *r;

	memset(&h, 0, sizeof(h));
	memset(&d, 0, sizeof(d));
	strcpy(h.lockspace_name, "LS");
	memcpy(h.name, name, strnlen(name, sizeof(h.name)));
	h.num_disks = 1;
	strcpy(d.path, "/p");
	d.offset = offset;
	r = res_new(&h, &d, &test_li);
	assert_non_null(r);
	r->state = RES_HELD;
	r->op_busy = 0;
	r->lver = 5;
	r->shared = shared;
	return r;
}

/* Free every resource and client left (test cleanup). */
static void clear_all(void)
{
	int i;

	res_lock();
	while (res_mod.all)
		res_free(res_mod.all);
	for (i = 0; i < RES_CLIENTS_MAX; i++) {
		free(res_mod.clients[i].slots);
		memset(&res_mod.clients[i], 0, sizeof(res_mod.clients[i]));
	}
	assert_int_equal(res_mod.nres, 0);
	assert_int_equal(res_mod.ntokens, 0);
	res_unlock();
}

static void test_names(void **state)
{
	char a[SANLK_NAME_LEN], b[SANLK_NAME_LEN];

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	strcpy(a, "r1");
	strcpy(b, "r1");
	b[10] = 'x';                 /* garbage after the NUL */
	assert_true(res_names_eq(a, b, 0));
	assert_false(res_names_eq(a, b, 1));
	memset(a, 'n', sizeof(a));   /* 48 bytes, no NUL */
	memcpy(b, a, sizeof(b));
	assert_true(res_names_eq(a, b, 0));
	assert_true(res_names_eq(a, b, 1));
}

static void test_find_and_slots(void **state)
{
	struct res_resource *r1, *r2, *r3, *r4;
	struct res_token *t1, *t2, *t3, *t4;
	struct res_client *cl;

	(void)state;
	res_lock();
	cl = res_client_get(5, 1, 1234);
	assert_non_null(cl);
	assert_ptr_equal(res_client_find(5, 1), cl);
	assert_null(res_client_find(5, 2));   /* another generation */
	r1 = mk_res("R1", 0, 0);
	r2 = mk_res("R2", 1048576, 0);
	r3 = mk_res("R3", 2097152, 0);
	t1 = res_token_new(r1, cl, 1234, 0);
	t2 = res_token_new(r2, cl, 1234, 0);
	t3 = res_token_new(r3, cl, 1234, 0);
	assert_int_equal(t1->slot, 0);
	assert_int_equal(t2->slot, 1);
	assert_int_equal(t3->slot, 2);
	assert_int_equal(cl->count, 3);
	assert_ptr_equal(res_find("LS", "R2", 0), r2);
	assert_ptr_equal(res_client_token(cl, r3->space_name, r3->name, 1), t3);
	assert_null(res_client_token(cl, "LS", "R9", 0));

	/* cli.md §3.6: a slot freed by a release is reused next. */
	res_token_free(t2);
	res_free(r2);
	r4 = mk_res("R4", 3145728, 0);
	t4 = res_token_new(r4, cl, 1234, 0);
	assert_int_equal(t4->slot, 1);
	assert_int_equal(cl->count, 3);
	res_unlock();

	{
		char *st = NULL;
		int count = 0;

		assert_int_equal(res_inquire_state(cl, &count, &st), 0);
		assert_int_equal(count, 3);
		assert_string_equal(st, "LS:R1:/p:0:5 LS:R4:/p:3145728:5 "
					"LS:R3:/p:2097152:5");
		free(st);
	}
	clear_all();
}

static void test_client_limit(void **state)
{
	struct res_resource *r;
	struct res_client *cl;
	int i;

	(void)state;
	res_lock();
	cl = res_client_get(6, 1, 99);
	r = mk_res("R", 0, 1);
	for (i = 0; i < RES_CLIENT_TOKENS_MAX; i++)
		assert_non_null(res_token_new(r, cl, 99, SANLK_RES_SHARED));
	assert_int_equal(cl->count, RES_CLIENT_TOKENS_MAX);
	/* One more holding for this client is refused, with no side effect. */
	assert_null(res_token_new(r, cl, 99, SANLK_RES_SHARED));
	assert_int_equal(cl->count, RES_CLIENT_TOKENS_MAX);
	assert_int_equal(r->ntokens, RES_CLIENT_TOKENS_MAX);
	res_unlock();
	clear_all();
}

static void test_client_exit(void **state)
{
	struct res_resource *rp, *rs, *rn, *rsh;
	struct res_client *a, *b;
	struct res_token *tp, *ts, *tsh_b;

	(void)state;
	res_lock();
	a = res_client_get(7, 1, 100);
	b = res_client_get(8, 1, 200);
	rp = mk_res("PERS", 0, 0);          /* persistent EX */
	rs = mk_res("PSH", 1048576, 1);     /* persistent SH */
	rn = mk_res("PLAIN", 2097152, 0);   /* ordinary EX */
	rsh = mk_res("BOTH", 3145728, 1);   /* SH held by a and b */
	tp = res_token_new(rp, a, 100, SANLK_RES_PERSISTENT);
	ts = res_token_new(rs, a, 100, SANLK_RES_PERSISTENT | SANLK_RES_SHARED);
	res_token_new(rn, a, 100, 0);
	res_token_new(rsh, a, 100, SANLK_RES_SHARED);
	tsh_b = res_token_new(rsh, b, 200, SANLK_RES_SHARED);

	res_client_exit_locked(a);
	assert_int_equal(a->count, 0);
	/* §11.1: persistent leases stay, as orphans; EX keeps the pid,
	 * SH shows pid 0 (3.8.5). */
	assert_int_equal(rp->state, RES_ORPHAN);
	assert_null(tp->cl);
	assert_int_equal(tp->pid, 100);
	assert_int_equal(rs->state, RES_ORPHAN);
	assert_int_equal(ts->pid, 0);
	/* §10.3: the others go to the background release, no I/O here. */
	assert_int_equal(rn->state, RES_REM);
	assert_true(rn->bg_queued);
	assert_false(rn->op_busy);
	/* §7.3: a shared lease another local process holds stays held. */
	assert_int_equal(rsh->state, RES_HELD);
	assert_int_equal(rsh->ntokens, 1);
	assert_ptr_equal(res_client_token(b, rsh->space_name, rsh->name, 1),
			 tsh_b);

	res_client_put_if_idle(a);
	assert_false(a->used);
	/* users of the lockspace: every resource in any state */
	res_unlock();
	assert_int_equal(res_ls_users("LS"), 4);
	assert_int_equal(res_ls_users("OTHER"), 0);
	{
		struct res_holder h[4];

		assert_int_equal(res_ls_holders("LS", h, 4), 1);
		assert_int_equal(h[0].pid, 200);
	}
	clear_all();
}

/* One record of a STATUS reply body, copied out (records are packed, so
 * the structures inside are not aligned). */
struct rec {
	struct sanlk_state st;
	char text[SANLK_STATE_MAXSTR];
	struct sanlk_resource res;
	struct sanlk_disk disk;
};

static int next_rec(const struct reply *r, size_t *off, struct rec *out)
{
	const uint8_t *p = r->buf + *off;

	if (*off >= r->len)
		return 0;
	memset(out, 0, sizeof(*out));
	memcpy(&out->st, p, sizeof(out->st));
	p += sizeof(out->st);
	assert_true(out->st.str_len <= sizeof(out->text));
	memcpy(out->text, p, out->st.str_len);
	p += out->st.str_len;
	memcpy(&out->res, p, sizeof(out->res));
	p += sizeof(out->res);
	assert_true(out->res.num_disks == 1);
	memcpy(&out->disk, p, sizeof(out->disk));
	*off += sizeof(out->st) + out->st.str_len + sizeof(out->res) +
		sizeof(out->disk);
	return 1;
}

static void test_status_records(void **state)
{
	struct res_resource *r1, *r2, *r3;
	struct res_client *cl;
	struct reply rep;
	struct rec x;
	size_t off = 0;
	const char *want = "list=held flags=1 sector_size=512 "
			   "align_size=1048576 lver=5 reused=0 res_id=";

	(void)state;
	res_lock();
	cl = res_client_get(9, 1, 4242);
	r1 = mk_res("OLD", 0, 0);
	r2 = mk_res("NEW", 1048576, 1);
	r3 = mk_res("ORPH", 2097152, 0);
	res_token_new(r1, cl, 4242, 0);
	res_token_new(r2, cl, 4242, SANLK_RES_SHARED);
	res_token_new(r3, NULL, 77, SANLK_RES_PERSISTENT);
	r3->state = RES_ORPHAN;
	res_unlock();

	reply_init(&rep, REPLY_STREAM_MAX);
	res_status_build(&rep);

	/* held, most recently acquired first; then orphans */
	assert_true(next_rec(&rep, &off, &x));
	assert_int_equal(x.st.type, SANLK_STATE_RESOURCE);
	assert_int_equal(x.st.data32, 4242);
	assert_int_equal(x.st.data64, 5);
	assert_string_equal(x.st.name, "NEW");
	assert_true(x.res.flags & SANLK_RES_SHARED);
	assert_string_equal(x.disk.path, "/p");
	assert_int_equal(x.disk.offset, 1048576);
	assert_int_equal(strncmp(x.text, want, strlen(want)), 0);
	assert_non_null(strstr(x.text, " token_id="));

	assert_true(next_rec(&rep, &off, &x));
	assert_string_equal(x.st.name, "OLD");
	assert_false(x.res.flags & SANLK_RES_SHARED);
	assert_non_null(strstr(x.text, "list=held flags=0 "));

	assert_true(next_rec(&rep, &off, &x));
	assert_string_equal(x.st.name, "ORPH");
	assert_int_equal(x.st.data32, 77);
	assert_non_null(strstr(x.text, "list=orphan "));
	assert_false(next_rec(&rep, &off, &x));
	reply_free(&rep);
	clear_all();
}

static void test_examine_marks(void **state)
{
	struct res_resource *r1, *r2;

	(void)state;
	res_lock();
	r1 = mk_res("A", 0, 0);
	r2 = mk_res("B", 1048576, 0);
	r2->state = RES_ORPHAN;
	res_unlock();
	/* §8.3: only leases held by a process are examined */
	assert_int_equal(res_examine_lockspace("LS"), 1);
	assert_true(r1->examine);
	assert_false(r2->examine);
	assert_int_equal(res_examine_lockspace("NONE"), 0);
	res_ls_set_dead("LS");
	assert_true(r1->space_dead && r2->space_dead);
	/* the lockspace went away: its orphans are dropped */
	res_ls_gone("LS");
	assert_int_equal(res_ls_users("LS"), 1);
	clear_all();
}

/* A failed assertion leaves the test through longjmp, maybe with the
 * mutex held: release it and clear the tables for the next test. */
static int teardown(void **state)
{
	(void)state;
	if (pthread_mutex_trylock(&res_mod.mutex) == 0)
		res_unlock();
	else
		res_unlock();          /* held by this thread */
	clear_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_names, teardown),
		cmocka_unit_test_teardown(test_find_and_slots, teardown),
		cmocka_unit_test_teardown(test_client_limit, teardown),
		cmocka_unit_test_teardown(test_client_exit, teardown),
		cmocka_unit_test_teardown(test_status_records, teardown),
		cmocka_unit_test_teardown(test_examine_marks, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
