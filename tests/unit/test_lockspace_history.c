/*
 * test_lockspace_history.c - unit tests of the renewal history ring
 * (daemon/ls_history.c, cli.md §3.5): disabled at size 0, order oldest
 * first, wrap-around, failure counters on the latest record, the size
 * bound, and the record text.
 *
 * Test code; single-threaded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/ls_history.h"

static void test_disabled(void **st)
{
	struct ls_history h;

	(void)st;
	assert_int_equal(ls_history_init(&h, 0), 0);
	ls_history_add(&h, 10, 1, 2);
	ls_history_fail(&h, 1);
	assert_int_equal(h.count, 0);
	assert_null(ls_history_get(&h, 0));
	ls_history_free(&h);
}

static void test_order_and_wrap(void **st)
{
	struct ls_history h;
	const struct ls_renewal *r;
	uint32_t i;

	(void)st;
	assert_int_equal(ls_history_init(&h, 3), 0);
	/* failures before any record are dropped */
	ls_history_fail(&h, 1);
	ls_history_add(&h, 100, 0, 0);          /* the acquisition */
	ls_history_add(&h, 102, 1, 2);
	assert_int_equal(h.count, 2);
	assert_int_equal(ls_history_get(&h, 0)->timestamp, 100);
	assert_int_equal(ls_history_get(&h, 1)->timestamp, 102);
	assert_null(ls_history_get(&h, 2));

	ls_history_add(&h, 104, 3, 4);
	ls_history_add(&h, 106, 5, 6);          /* overwrites 100 */
	assert_int_equal(h.count, 3);
	for (i = 0; i < 3; i++) {
		r = ls_history_get(&h, i);
		assert_non_null(r);
		assert_int_equal(r->timestamp, 102 + 2 * i);
		assert_int_equal(r->read_ms, 1 + 2 * i);
		assert_int_equal(r->write_ms, 2 + 2 * i);
	}
	/* many more: still the newest three, oldest first */
	for (i = 0; i < 1000; i++)
		ls_history_add(&h, 200 + i, 0, 0);
	assert_int_equal(ls_history_get(&h, 0)->timestamp, 1197);
	assert_int_equal(ls_history_get(&h, 2)->timestamp, 1199);
	ls_history_free(&h);
}

static void test_fail_counters(void **st)
{
	struct ls_history h;
	const struct ls_renewal *r;

	(void)st;
	assert_int_equal(ls_history_init(&h, 180), 0);
	ls_history_add(&h, 100, 0, 0);
	ls_history_fail(&h, 1);
	ls_history_fail(&h, 1);
	ls_history_fail(&h, 0);
	ls_history_add(&h, 108, 7, 9);
	r = ls_history_get(&h, 0);
	assert_int_equal(r->next_timeouts, 2);
	assert_int_equal(r->next_errors, 1);
	r = ls_history_get(&h, 1);
	assert_int_equal(r->next_timeouts, 0);
	assert_int_equal(r->next_errors, 0);
	ls_history_free(&h);
}

static void test_bound_and_text(void **st)
{
	struct ls_history h;
	char buf[128];

	(void)st;
	assert_int_equal(ls_history_init(&h, LS_HISTORY_MAX + 5), 0);
	assert_int_equal(h.size, LS_HISTORY_MAX);
	ls_history_add(&h, 584, 1, 0);
	ls_history_fail(&h, 0);
	ls_history_text(ls_history_get(&h, 0), buf, sizeof(buf));
	assert_string_equal(buf, "timestamp=584 read_ms=1 write_ms=0 "
			    "next_timeouts=0 next_errors=1");
	ls_history_free(&h);
	assert_null(h.recs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_order_and_wrap),
		cmocka_unit_test(test_fail_counters),
		cmocka_unit_test(test_bound_and_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
