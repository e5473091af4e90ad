/*
 * test_msg_events.c - unit tests of the pure parts around host events and
 * callbacks: set_event's flag precedence and EBUSY rule and the renewal
 * bitmap (daemon/ev_out.c; algorithms.md §8.2, §9.1), receiver detection
 * in host tracking (daemon/hosts.c §4.1 steps 7-8, §9.2), and the bounded
 * callback queue with its lost count (daemon/cb_queue.c; messages.md §6).
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
#include "daemon/cb_queue.h"
#include "daemon/ev_out.h"
#include "daemon/hosts.h"

#define OUR   1u
#define SBS   6u        /* set_bitmap_seconds */
#define LSN   "evls"

static void t_table(struct hosts_table *t, uint32_t max)
{
	struct ondisk_sizes sz = { 512, ONDISK_ALIGN_1M, max };

	assert_int_equal(hosts_table_init(t, LSN, OUR, &sz), 0);
}

static struct sanlk_host_event t_he(uint64_t id, uint64_t gen, uint64_t ev,
				    uint64_t data)
{
	struct sanlk_host_event he = { id, gen, ev, data };

	return he;
}

/* ---- set_event (§9.1) ---- */

static void test_set_event_busy(void **state)
{
	struct hosts_table t;
	struct ev_out o;
	struct sanlk_host_event he;

	(void)state;
	t_table(&t, 16);
	memset(&o, 0, sizeof(o));
	he = t_he(2, 0, 5, 7);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 100, SBS), 0);
	assert_int_equal(o.he.event, 5);
	assert_int_equal(t.recs[1].set_bit_time, 100);
	/* a different event within set_bitmap_seconds: EBUSY, no change */
	he = t_he(3, 0, 6, 8);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 105, SBS), -EBUSY);
	assert_int_equal(o.he.event, 5);
	assert_int_equal(t.recs[2].set_bit_time, 0);
	/* the same event value (other target, data, generation): fine */
	he = t_he(3, 9, 5, 99);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 105, SBS), 0);
	assert_int_equal(o.he.host_id, 3);
	assert_int_equal(o.he.data, 99);
	assert_int_equal(t.recs[2].set_bit_time, 105);
	/* REPLACE_EVENT overrides the busy rule */
	he = t_he(4, 0, 6, 1);
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_REPLACE_EVENT, 106,
				    SBS), 0);
	assert_int_equal(o.he.event, 6);
	/* a zero event never is busy, nor against a zero one */
	he = t_he(4, 0, 0, 1);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 107, SBS), 0);
	he = t_he(4, 0, 8, 1);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 107, SBS), 0);
	/* after set_bitmap_seconds a different event is accepted */
	he = t_he(4, 0, 9, 1);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 107 + SBS - 1, SBS), -EBUSY);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 107 + SBS, SBS), 0);
	hosts_table_free(&t);
}

static void test_set_event_precedence(void **state)
{
	struct hosts_table t;
	struct ev_out o;
	struct sanlk_host_event he;

	(void)state;
	t_table(&t, 16);
	memset(&o, 0, sizeof(o));
	t.recs[4].owner_generation = 33;
	/* CUR_GENERATION first: generation 0 -> the recorded one */
	he = t_he(5, 0, 1, 2);
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_CUR_GENERATION, 10,
				    SBS), 0);
	assert_int_equal(o.he.generation, 33);
	he = t_he(5, 4, 1, 2);                   /* non-zero: kept */
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_CUR_GENERATION, 10,
				    SBS), 0);
	assert_int_equal(o.he.generation, 4);

	/* CLEAR_EVENT wins over CLEAR_HOSTID, REPLACE and ALL_HOSTS; bits
	 * untouched */
	t.recs[4].set_bit_time = 10;
	he = t_he(5, 0, 77, 0);
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_CLEAR_EVENT |
				    SANLK_SETEV_CLEAR_HOSTID |
				    SANLK_SETEV_ALL_HOSTS, 20, SBS), 0);
	assert_int_equal(o.he.event, 0);
	assert_int_equal(o.he.host_id, 0);
	assert_int_equal(o.set_event_time, 20);
	assert_int_equal(t.recs[4].set_bit_time, 10);
	assert_int_equal(t.recs[6].set_bit_time, 0);

	/* CLEAR_HOSTID wins over REPLACE / ALL_HOSTS: only the bit goes */
	he = t_he(5, 0, 1, 2);
	assert_int_equal(ev_out_set(&o, &t, &he, 0, 21, SBS), 0);
	he = t_he(5, 0, 99, 0);
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_CLEAR_HOSTID |
				    SANLK_SETEV_REPLACE_EVENT |
				    SANLK_SETEV_ALL_HOSTS, 22, SBS), 0);
	assert_int_equal(t.recs[4].set_bit_time, 0);
	assert_int_equal(o.he.event, 1);
	assert_int_equal(t.recs[6].set_bit_time, 0);

	/* ALL_HOSTS; unknown flag bits are accepted */
	he = t_he(5, 0, 1, 3);
	assert_int_equal(ev_out_set(&o, &t, &he, SANLK_SETEV_ALL_HOSTS | 0x100,
				    23, SBS), 0);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(t.recs[i].set_bit_time, 23);
	hosts_table_free(&t);
}

/* §8.2 */
static void test_bitmap(void **state)
{
	struct hosts_table t;
	uint8_t bm[ONDISK_BITMAP_SIZE];

	(void)state;
	t_table(&t, 16);
	t.recs[0].set_bit_time = 100;            /* our own: never */
	t.recs[1].set_bit_time = 100;
	t.recs[8].set_bit_time = 104;
	ev_bitmap_build(&t, 106, SBS, bm);
	assert_int_equal(bm[0], 0x02);
	assert_int_equal(bm[1], 0x01);
	assert_int_equal(t.recs[1].set_bit_time, 100);
	ev_bitmap_build(&t, 107, SBS, bm);       /* 7 > 6: expired */
	assert_int_equal(bm[0], 0x00);
	assert_int_equal(bm[1], 0x01);
	assert_int_equal(t.recs[1].set_bit_time, 0);
	hosts_table_free(&t);
}

/* ---- receiver detection (§4.1 steps 7-8, §9.2) ---- */

struct ev_seen {
	struct sanlk_host_event he[16];
	uint64_t from[16], from_gen[16];
	int n;
	int examine;
};

static void t_event(void *arg, const struct sanlk_host_event *he,
		    uint64_t from, uint64_t gen)
{
	struct ev_seen *s = arg;

	assert_true(s->n < 16);
	s->he[s->n] = *he;
	s->from[s->n] = from;
	s->from_gen[s->n] = gen;
	s->n++;
}

static void t_examine(void *arg)
{
	struct ev_seen *s = arg;

	s->examine++;
}

static void t_slot(uint8_t *area, uint64_t id, uint64_t gen, uint64_t ts,
		   uint64_t ev, uint64_t data, uint64_t ev_gen, int bit_for_us)
{
	struct ondisk_leader lr;
	uint8_t *s = area + (id - 1) * 512;

	memset(&lr, 0, sizeof(lr));
	lr.magic = DELTA_DISK_MAGIC;
	lr.version = DELTA_DISK_VERSION;
	lr.sector_size = 512;
	lr.owner_id = id;
	lr.owner_generation = gen;
	lr.timestamp = ts;
	lr.io_timeout = 1;
	lr.write_id = ev_gen;
	lr.write_generation = ev;
	lr.write_timestamp = data;
	ondisk_name_set(lr.space_name, LSN);
	memset(s, 0, 512);
	ondisk_leader_seal(&lr, s);
	if (bit_for_us)
		ondisk_bitmap_set(s + ONDISK_BITMAP_OFFSET, OUR);
}

static void test_receiver_detection(void **state)
{
	static uint8_t area[8 * 512];
	struct hosts_table t;
	struct ev_seen seen;
	struct hosts_update_cb cb;

	(void)state;
	t_table(&t, 8);
	memset(&seen, 0, sizeof(seen));
	memset(&cb, 0, sizeof(cb));
	cb.event = t_event;
	cb.examine = t_examine;
	cb.set_bitmap_seconds = SBS;
	cb.arg = &seen;
	memset(area, 0, sizeof(area));
	t_slot(area, 1, 1, 50, 0, 0, 0, 0);                /* us */
	t_slot(area, 2, 4, 70, 0x10, 0x20, 1, 1);          /* event for us */
	t_slot(area, 3, 2, 80, 0x11, 0x21, 0, 0);          /* bit not ours */
	t_slot(area, 4, 2, 90, 0, 0, 0, 1);                /* bit, no event */
	assert_true(hosts_update(&t, area, sizeof(area), 100, &cb) > 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.he[0].host_id, OUR);
	assert_int_equal(seen.he[0].generation, 1);
	assert_int_equal(seen.he[0].event, 0x10);
	assert_int_equal(seen.he[0].data, 0x20);
	assert_int_equal(seen.from[0], 2);
	assert_int_equal(seen.from_gen[0], 4);
	assert_int_equal(seen.examine, 1);                 /* once */

	/* unchanged slots: nothing, even with the bit set */
	assert_int_equal(hosts_update(&t, area, sizeof(area), 101, &cb), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.examine, 1);

	/* host 2 renews: the event again (duplicates are normal); the
	 * request examination is throttled per set_bitmap_seconds */
	t_slot(area, 2, 4, 72, 0x10, 0x20, 1, 1);
	hosts_update(&t, area, sizeof(area), 102, &cb);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.examine, 1);
	t_slot(area, 2, 4, 74, 0x10, 0x20, 1, 1);
	hosts_update(&t, area, sizeof(area), 100 + SBS, &cb);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.examine, 2);
	assert_int_equal(t.recs[1].last_req, 100 + SBS);

	/* no callbacks set: fine */
	t_slot(area, 2, 4, 76, 0x10, 0x20, 1, 1);
	assert_int_equal(hosts_update(&t, area, sizeof(area), 200, NULL), 1);
	hosts_table_free(&t);
}

/* ---- callback queue (messages.md §6) ---- */

static void test_cb_queue(void **state)
{
	struct cb_queue q;
	struct sanlk_callback cb, out;
	int dropped = 0;

	(void)state;
	cb_queue_init(&q);
	memset(&cb, 0, sizeof(cb));
	assert_int_equal(cb_queue_pop(&q, &out), -ENOENT);
	for (uint32_t i = 1; i <= CB_QUEUE_MAX + 6; i++) {
		cb.seq = i;
		dropped += cb_queue_push(&q, &cb);
	}
	assert_int_equal(dropped, 6);
	assert_int_equal(cb_queue_len(&q), CB_QUEUE_MAX);
	/* the oldest went; the next taken out carries the count */
	assert_int_equal(cb_queue_pop(&q, &out), 0);
	assert_int_equal(out.seq, 7);
	assert_int_equal(out.lost, 6);
	/* put back (could not be sent): keeps its count */
	cb_queue_unpop(&q, &out);
	assert_int_equal(cb_queue_pop(&q, &out), 0);
	assert_int_equal(out.seq, 7);
	assert_int_equal(out.lost, 6);
	assert_int_equal(cb_queue_pop(&q, &out), 0);
	assert_int_equal(out.seq, 8);
	assert_int_equal(out.lost, 0);
	/* an unpopped head with a count that is then dropped: counts add */
	assert_int_equal(cb_queue_pop(&q, &out), 0);   /* seq 9 */
	out.lost = 3;
	cb_queue_unpop(&q, &out);
	for (uint32_t i = 0; i < 3; i++)
		cb_queue_push(&q, &cb);      /* 64 again, then 1 drop */
	assert_int_equal(cb_queue_pop(&q, &out), 0);
	assert_int_equal(out.seq, 10);
	assert_int_equal(out.lost, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_event_busy),
		cmocka_unit_test(test_set_event_precedence),
		cmocka_unit_test(test_bitmap),
		cmocka_unit_test(test_receiver_detection),
		cmocka_unit_test(test_cb_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
