/*
 * test_lockspace_hosts.c - unit tests of the lockspace host table
 * (daemon/hosts.c): the get_hosts state table of algorithms.md §4.2 row
 * by row with its boundaries, host_live of §4.4 row by row, the §4.1
 * update procedure on whole-area images (changes, bad slots, new
 * incarnations, released slots), and the host_status text of cli.md §3.2.
 *
 * Test code; single-threaded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanlock_admin.h"
#include "daemon/hosts.h"

#define W 60u
#define OUR 1u

/* ---- §4.2 states ---- */

static struct host_rec t_rec(uint64_t first, uint64_t last_live, uint64_t ts,
			     uint64_t owner, uint32_t io)
{
	struct host_rec h;

	memset(&h, 0, sizeof(h));
	h.first_check = first;
	h.last_check = last_live > first ? last_live : first;
	h.last_live = last_live;
	h.timestamp = ts;
	h.owner_id = owner;
	h.owner_generation = 1;
	h.io_timeout = io;
	return h;
}

static void test_state_row1_free(void **st)
{
	struct host_rec h = t_rec(100, 100, 0, 2, 1);

	(void)st;
	assert_int_equal(hosts_state(&h, OUR, 100, W), SANLK_HOST_FREE);
	assert_int_equal(hosts_state(&h, OUR, 100000, W), SANLK_HOST_FREE);
	/* row 1 wins over row 2: our own released slot is FREE */
	h.owner_id = OUR;
	assert_int_equal(hosts_state(&h, OUR, 100, W), SANLK_HOST_FREE);
}

static void test_state_row2_ours(void **st)
{
	struct host_rec h = t_rec(100, 100, 555, OUR, 1);

	(void)st;
	/* our own slot is LIVE however old the examination */
	assert_int_equal(hosts_state(&h, OUR, 100, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(&h, OUR, 100 + 8 + W + 1000, W),
			 SANLK_HOST_LIVE);
}

static void test_state_row3_unknown(void **st)
{
	struct host_rec h = t_rec(100, 100, 555, 2, 1);

	(void)st;
	assert_int_equal(hosts_state(&h, OUR, 100, W), SANLK_HOST_UNKNOWN);
	/* boundary: now - last == fail is still "<= fail" */
	assert_int_equal(hosts_state(&h, OUR, 108, W), SANLK_HOST_UNKNOWN);
	/* a dead-at-join host: UNKNOWN -> FAIL -> DEAD */
	assert_int_equal(hosts_state(&h, OUR, 109, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 100 + 68, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 100 + 69, W), SANLK_HOST_DEAD);
}

static void test_state_row4_live(void **st)
{
	struct host_rec h = t_rec(100, 102, 557, 2, 1);

	(void)st;
	assert_int_equal(hosts_state(&h, OUR, 102, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(&h, OUR, 110, W), SANLK_HOST_LIVE);
	/* last_live 0 (never a change): last = first_check, not UNKNOWN */
	h = t_rec(100, 0, 557, 2, 1);
	assert_int_equal(hosts_state(&h, OUR, 108, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(&h, OUR, 109, W), SANLK_HOST_FAIL);
}

static void test_state_row5_row6_fail_dead(void **st)
{
	struct host_rec h = t_rec(100, 102, 557, 2, 10);

	(void)st;
	/* io 10: fail 80, dead 140, both strict */
	assert_int_equal(hosts_state(&h, OUR, 102 + 80, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(&h, OUR, 102 + 81, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 102 + 140, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 102 + 141, W), SANLK_HOST_DEAD);
	/* W enters the formula */
	assert_int_equal(hosts_state(&h, OUR, 102 + 91, 10), SANLK_HOST_DEAD);
	assert_int_equal(hosts_state(&h, OUR, 102 + 90, 10), SANLK_HOST_FAIL);
}

static void test_state_io_zero(void **st)
{
	/* remote io_timeout 0: no fallback, fail 0, dead W (§2.2) */
	struct host_rec h = t_rec(100, 100, 557, 2, 0);

	(void)st;
	assert_int_equal(hosts_state(&h, OUR, 100, W), SANLK_HOST_UNKNOWN);
	assert_int_equal(hosts_state(&h, OUR, 101, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 160, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(&h, OUR, 161, W), SANLK_HOST_DEAD);
}

static void test_state_clock_backwards(void **st)
{
	/* now < last never underflows into DEAD */
	struct host_rec h = t_rec(100, 102, 557, 2, 1);

	(void)st;
	assert_int_equal(hosts_state(&h, OUR, 50, W), SANLK_HOST_LIVE);
}

static void test_state_names(void **st)
{
	(void)st;
	assert_string_equal(hosts_state_name(SANLK_HOST_UNKNOWN), "UNKNOWN");
	assert_string_equal(hosts_state_name(SANLK_HOST_FREE), "FREE");
	assert_string_equal(hosts_state_name(SANLK_HOST_LIVE), "LIVE");
	assert_string_equal(hosts_state_name(SANLK_HOST_FAIL), "FAIL");
	assert_string_equal(hosts_state_name(SANLK_HOST_DEAD), "DEAD");
	assert_string_equal(hosts_state_name(0), "ERROR");
	assert_string_equal(hosts_state_name(9), "ERROR");
}

/* ---- host_live (§4.4 by evidence, F4 of sim/README.md) ---- */

static void test_live_rows(void **st)
{
	struct host_rec h;

	(void)st;
	/* never examined -> alive, whatever else */
	memset(&h, 0, sizeof(h));
	assert_int_equal(hosts_live(&h, 1, 1, W), 1);
	/* free at that generation: released -> dead */
	h = t_rec(100, 100, 0, 2, 1);
	assert_int_equal(hosts_live(&h, 1, 1, W), 0);
	/* free at an older generation (seen before the holder joined, or a
	 * late write): says nothing about the holder -> alive (3.8.5: dead) */
	assert_int_equal(hosts_live(&h, 2, 1, W), 1);
	/* a newer generation -> the holder's incarnation is gone */
	h = t_rec(100, 100, 557, 2, 1);
	h.owner_generation = 3;
	assert_int_equal(hosts_live(&h, 2, 1, W), 0);
	assert_int_equal(hosts_live(&h, 3, 1, W), 1);
	assert_int_equal(hosts_live(&h, 4, 1, W), 1);
	/* never a change: dead once our examinations span more than
	 * host_dead_seconds (8 * 1 + 60 = 68) since the first one */
	h = t_rec(100, 0, 557, 2, 1);
	h.last_check = 168;
	assert_int_equal(hosts_live(&h, 1, 1, W), 1);
	h.last_check = 169;
	assert_int_equal(hosts_live(&h, 1, 1, W), 0);
	/* last change seen at 110: dead when examined unchanged past 178 */
	h = t_rec(100, 110, 557, 2, 1);
	h.last_check = 178;
	assert_int_equal(hosts_live(&h, 1, 1, W), 1);
	h.last_check = 179;
	assert_int_equal(hosts_live(&h, 1, 1, W), 0);
	/* io 0 in the record: ours is used (io 10 -> 140) */
	h = t_rec(100, 110, 557, 2, 0);
	h.last_check = 250;
	assert_int_equal(hosts_live(&h, 1, 10, W), 1);
	h.last_check = 251;
	assert_int_equal(hosts_live(&h, 1, 10, W), 0);
	/* stale tracking (no examination since 110, e.g. our renewal is
	 * stuck): however late it is now, alive (3.8.5: dead by the clock) */
	h = t_rec(100, 110, 557, 2, 1);
	assert_int_equal(hosts_live(&h, 1, 1, W), 1);
}

/* ---- §4.1 update on area images ---- */

static const struct ondisk_sizes SZ = { 512, 1048576, 2000 };

static uint8_t *t_area(void)
{
	uint8_t *a = calloc(1, SZ.align_size);
	uint32_t i;

	assert_non_null(a);
	/* a formatted lockspace: every slot free */
	for (i = 0; i < SZ.max_hosts; i++) {
		struct ondisk_leader lr;

		ondisk_delta_leader_init(&lr, &SZ, "LS", 10);
		ondisk_leader_seal(&lr, a + i * SZ.sector_size);
	}
	return a;
}

static void t_slot(uint8_t *a, uint64_t host_id, uint64_t gen, uint64_t ts,
		   const char *name, uint16_t io)
{
	struct ondisk_leader lr;

	ondisk_delta_leader_init(&lr, &SZ, "LS", io);
	lr.owner_id = host_id;
	lr.owner_generation = gen;
	lr.timestamp = ts;
	ondisk_name_set(lr.resource_name, name);
	ondisk_leader_seal(&lr, a + (host_id - 1) * SZ.sector_size);
}

static int t_new_owners;
static int t_bad_slots;

static void t_new_owner(void *arg, uint64_t host_id, const struct host_rec *h)
{
	(void)arg;
	(void)host_id;
	(void)h;
	t_new_owners++;
}

static void t_bad_slot(void *arg, uint64_t host_id, uint32_t magic,
		       const char *space_name)
{
	(void)arg;
	(void)host_id;
	(void)magic;
	(void)space_name;
	t_bad_slots++;
}

static const struct hosts_update_cb T_CB = {
	.new_owner = t_new_owner, .bad_slot = t_bad_slot, .arg = NULL,
};

static void test_update_lifecycle(void **st)
{
	struct hosts_table t;
	const struct host_rec *h;
	uint8_t *a = t_area();

	(void)st;
	t_new_owners = t_bad_slots = 0;
	assert_int_equal(hosts_table_init(&t, "LS", OUR, &SZ), 0);
	assert_int_equal(t.examinations, 0);
	assert_null(hosts_get(&t, 0));
	assert_null(hosts_get(&t, 2001));

	t_slot(a, 1, 1, 500, "me", 1);
	t_slot(a, 2, 4, 700, "other", 1);
	/* first examination: two changes, both stamped now */
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1000, &T_CB), 2);
	assert_int_equal(t.examinations, 1);
	assert_int_equal(t_new_owners, 2);
	h = hosts_get(&t, 2);
	assert_int_equal(h->first_check, 1000);
	assert_int_equal(h->last_check, 1000);
	assert_int_equal(h->last_live, 1000);
	assert_int_equal(h->timestamp, 700);
	assert_int_equal(h->owner_id, 2);
	assert_int_equal(h->owner_generation, 4);
	assert_int_equal(h->io_timeout, 1);
	assert_string_equal(h->owner_name, "other");
	assert_int_equal(hosts_state(h, OUR, 1000, W), SANLK_HOST_UNKNOWN);
	assert_int_equal(hosts_state(hosts_get(&t, 1), OUR, 1000, W),
			 SANLK_HOST_LIVE);
	/* never-used slots: examined, never a change */
	h = hosts_get(&t, 3);
	assert_int_equal(h->first_check, 1000);
	assert_int_equal(h->last_live, 0);
	assert_int_equal(hosts_state(h, OUR, 1000, W), SANLK_HOST_FREE);
	assert_false(hosts_reportable(h));
	assert_true(hosts_reportable(hosts_get(&t, 2)));

	/* no change: still UNKNOWN, last_check moves */
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1002, &T_CB), 0);
	h = hosts_get(&t, 2);
	assert_int_equal(h->last_check, 1002);
	assert_int_equal(h->last_live, 1000);
	assert_int_equal(hosts_state(h, OUR, 1002, W), SANLK_HOST_UNKNOWN);

	/* it renewed: LIVE from now on */
	t_slot(a, 2, 4, 702, "other", 1);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1004, &T_CB), 1);
	assert_int_equal(h->last_live, 1004);
	assert_int_equal(hosts_state(h, OUR, 1004, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(h, OUR, 1012, W), SANLK_HOST_LIVE);
	assert_int_equal(hosts_state(h, OUR, 1013, W), SANLK_HOST_FAIL);
	assert_int_equal(hosts_state(h, OUR, 1004 + 69, W), SANLK_HOST_DEAD);

	/* a smaller timestamp (reboot) is a change too */
	t_slot(a, 2, 4, 3, "other", 1);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1006, &T_CB), 1);
	assert_int_equal(h->timestamp, 3);
	assert_int_equal(h->last_live, 1006);

	/* released: the transition to 0 is a change; FREE */
	t_slot(a, 2, 4, 0, "other", 1);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1008, &T_CB), 1);
	assert_int_equal(h->timestamp, 0);
	assert_int_equal(hosts_state(h, OUR, 1008, W), SANLK_HOST_FREE);
	assert_true(hosts_reportable(h));

	/* new incarnation under another name */
	t_new_owners = 0;
	t_slot(a, 2, 5, 900, "third", 2);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1010, &T_CB), 1);
	assert_int_equal(t_new_owners, 1);
	assert_int_equal(h->owner_generation, 5);
	assert_int_equal(h->io_timeout, 2);
	assert_string_equal(h->owner_name, "third");
	assert_int_equal(t_bad_slots, 0);

	hosts_table_free(&t);
	free(a);
}

static void test_update_bad_slot(void **st)
{
	struct hosts_table t;
	const struct host_rec *h;
	uint8_t *a = t_area();
	uint8_t *s2 = a + SZ.sector_size;

	(void)st;
	t_bad_slots = 0;
	assert_int_equal(hosts_table_init(&t, "LS", OUR, &SZ), 0);
	t_slot(a, 2, 1, 700, "other", 1);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1000, &T_CB), 1);
	h = hosts_get(&t, 2);

	/* wrong magic with a new timestamp: a sign of life, but owner
	 * fields are not adopted; lease_bad counts */
	t_slot(a, 2, 9, 701, "evil", 7);
	s2[0] ^= 0xFF;
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1002, &T_CB), 1);
	assert_int_equal(h->lease_bad, 1);
	assert_int_equal(t_bad_slots, 1);
	assert_int_equal(h->timestamp, 701);
	assert_int_equal(h->last_live, 1002);
	assert_int_equal(h->owner_generation, 1);
	assert_int_equal(h->io_timeout, 1);
	assert_string_equal(h->owner_name, "other");
	/* §4.1 step 4 compares with the stored owner fields, which a bad
	 * slot never updates: its differing generation keeps counting as
	 * a change (it never looks dead - the safe direction). */
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1004, &T_CB), 1);
	assert_int_equal(h->last_live, 1004);
	assert_int_equal(h->lease_bad, 2);
	assert_int_equal(t_bad_slots, 1);   /* logged on the transition only */

	/* another lockspace's name is bad too */
	t_slot(a, 2, 1, 702, "other", 1);
	memcpy(s2 + 56, "XX", 3);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1006, &T_CB), 1);
	assert_int_equal(h->lease_bad, 3);

	/* the checksum is not checked: a bad checksum is still "good" */
	t_slot(a, 2, 1, 703, "other", 1);
	s2[168] ^= 0xFF;
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1008, &T_CB), 1);
	assert_int_equal(h->lease_bad, 0);
	assert_int_equal(h->timestamp, 703);

	/* an all-zero slot (never formatted) never changes */
	memset(a + 9 * SZ.sector_size, 0, SZ.sector_size);
	assert_int_equal(hosts_update(&t, a, SZ.align_size, 1010, &T_CB), 0);
	assert_int_equal(hosts_get(&t, 10)->last_live, 0);

	/* short buffer refused */
	assert_int_equal(hosts_update(&t, a, 1000, 1012, &T_CB), -EINVAL);
	hosts_table_free(&t);
	free(a);
}

static void test_table_init_bounds(void **st)
{
	struct hosts_table t;
	struct ondisk_sizes bad = { 512, 1048576, 2001 };
	struct ondisk_sizes k4 = { 4096, 1048576, 250 };

	(void)st;
	assert_int_equal(hosts_table_init(&t, "LS", 0, &SZ), -EINVAL);
	assert_int_equal(hosts_table_init(&t, "LS", 2001, &SZ), -EINVAL);
	assert_int_equal(hosts_table_init(&t, "LS", 1, &bad), -EINVAL);
	assert_int_equal(hosts_table_init(&t, "LS", 251, &k4), -EINVAL);
	assert_int_equal(hosts_table_init(&t, "LS", 250, &k4), 0);
	assert_int_equal(t.max_hosts, 250);
	assert_non_null(hosts_get(&t, 250));
	assert_null(hosts_get(&t, 251));
	hosts_table_free(&t);
}

static void test_status_text(void **st)
{
	struct host_rec h;
	char buf[512];

	(void)st;
	memset(&h, 0, sizeof(h));
	h.last_check = 826;
	h.last_live = 804;
	h.owner_id = 2;
	h.owner_generation = 1;
	h.timestamp = 803;
	h.io_timeout = 1;
	snprintf(h.owner_name, sizeof(h.owner_name), "%s",
		 "4af61207-2df7-4472-b31d-dd3039e2f7a4.vm");
	hosts_status_text(&h, buf, sizeof(buf));
	assert_string_equal(buf,
		"last_check=826 last_live=804 last_req=0 owner_id=2 "
		"owner_generation=1 timestamp=803 io_timeout=1 "
		"owner_name=4af61207-2df7-4472-b31d-dd3039e2f7a4.vm");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_row1_free),
		cmocka_unit_test(test_state_row2_ours),
		cmocka_unit_test(test_state_row3_unknown),
		cmocka_unit_test(test_state_row4_live),
		cmocka_unit_test(test_state_row5_row6_fail_dead),
		cmocka_unit_test(test_state_io_zero),
		cmocka_unit_test(test_state_clock_backwards),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_live_rows),
		cmocka_unit_test(test_update_lifecycle),
		cmocka_unit_test(test_update_bad_slot),
		cmocka_unit_test(test_table_init_bounds),
		cmocka_unit_test(test_status_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
