/*
 * test_crc_scan.c - the every-renewal scan of all slots keeps its meaning
 * after being made cheap:
 *  - msg_slot_read (daemon/msg_recv.c) checks the leader checksum over the
 *    bytes as read and decodes the message record only behind its magic;
 *    on randomly damaged / re-sealed sectors it must classify exactly as
 *    the plain definition does (ondisk_delta_verify, then ondisk_msg_decode
 *    + ondisk_msg_verify; spec/ondisk.md §9.1, messages.md §2);
 *  - hosts_update (daemon/hosts.c) compares the space and owner names
 *    with memcmp first: names equal only up to their NUL (bytes after it
 *    differ) still count as equal, as strncmp says (algorithms.md §4.1).
 * Every slot is verified on every call; a slot damaged after it was seen
 * valid is NONE at once.
 *
 * Test code; single-threaded.  Deterministic pseudo-random input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/hosts.h"
#include "daemon/msg_engine.h"
#include "ondisk/ondisk.h"

#define SS        512u
#define NAME      "scanls"
#define ROUNDS    40000          /* random sectors per test */
#define MAX_FLIPS 3              /* damaged bytes per sector */

static uint32_t t_rand_state = 0x9E3779B9u;

static uint32_t t_rand(void)
{
	t_rand_state ^= t_rand_state << 13;
	t_rand_state ^= t_rand_state >> 17;
	t_rand_state ^= t_rand_state << 5;
	return t_rand_state;
}

/* A held slot with a valid message record addressed to host 1. */
static void t_good_sector(uint8_t *s, uint64_t gen)
{
	struct ondisk_sizes sz = { SS, 1048576, 2000 };
	struct ondisk_leader lr;
	struct ondisk_msg m;

	memset(s, 0, SS);
	ondisk_delta_leader_init(&lr, &sz, NAME, 1);
	lr.owner_id = 2;
	lr.owner_generation = gen;
	lr.timestamp = 12345;
	ondisk_name_set(lr.resource_name, "host-two");
	ondisk_leader_seal(&lr, s);
	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.flags = ONDISK_MSG_F_MESSAGE;
	m.fire_timeout = 60;
	m.dest_host_id = 1;
	m.msg = 0x100;
	m.seq = 7;
	m.owner_generation = gen;
	ondisk_msg_seal(&m, s + ONDISK_MSG_OFFSET);
}

/* The definition, written the plain way. */
static enum msg_rec_kind t_ref_kind(const uint8_t *s, const char *space,
				    struct ondisk_leader *lr,
				    struct ondisk_msg *m)
{
	ondisk_leader_decode(s, lr);
	memset(m, 0, sizeof(*m));
	if (ondisk_delta_verify(lr, space) != 0)
		return MSG_REC_NONE;
	ondisk_msg_decode(s + ONDISK_MSG_OFFSET, m);
	if (ondisk_msg_verify(m, lr->owner_generation) == 0)
		return MSG_REC_OURS;
	memset(m, 0, sizeof(*m));
	return lr->timestamp != LEASE_FREE ? MSG_REC_LEGACY : MSG_REC_FREE;
}

/* Re-seal the leader and/or the record over whatever bytes are there, so
 * that damage behind a good checksum (bad magic, version, name, stale
 * generation) is exercised too. */
static void t_reseal(uint8_t *s, uint32_t how)
{
	struct ondisk_leader lr;
	struct ondisk_msg m;

	if (how & 1) {
		ondisk_leader_decode(s, &lr);
		ondisk_leader_seal(&lr, s);
	}
	if (how & 2) {
		ondisk_msg_decode(s + ONDISK_MSG_OFFSET, &m);
		ondisk_msg_seal(&m, s + ONDISK_MSG_OFFSET);
	}
}

static void t_damage(uint8_t *s)
{
	/* mostly in the checked ranges (leader 0..171, record 200..255) */
	static const uint16_t hot[] = { 0, 3, 4, 6, 7, 40, 56, 60, 103, 104,
					152, 168, 200, 203, 204, 206, 244,
					252 };
	int n = 1 + (int)(t_rand() % MAX_FLIPS), i;

	for (i = 0; i < n; i++) {
		uint32_t r = t_rand();
		uint32_t off = (r & 1) ? hot[(r >> 1) % (sizeof(hot) / sizeof(hot[0]))]
				       : (r >> 8) % 256;

		if (r & 0x10000)
			s[off] ^= (uint8_t)(1u << ((r >> 20) & 7));
		else
			s[off] = (uint8_t)(r >> 24);
	}
}

static void scan_matches_definition(void **state)
{
	uint8_t *area;
	struct msg_renewal_in in;
	int kinds[4] = { 0, 0, 0, 0 };
	int i;

	(void)state;
	area = malloc(2 * SS);
	assert_non_null(area);
	memset(&in, 0, sizeof(in));
	in.area = area;
	in.sector_size = SS;
	for (i = 0; i < ROUNDS; i++) {
		struct ondisk_leader lr, rlr;
		struct ondisk_msg m, rm;
		enum msg_rec_kind k, rk;
		uint8_t *s = area + SS;          /* host_id 2 */

		t_good_sector(s, 1 + (t_rand() & 1));
		if (i % 8 != 0)
			t_damage(s);
		if (i % 3 == 0)
			t_reseal(s, t_rand() % 4);
		if (i % 5 == 0) {                /* a free slot */
			memset(s + 152, 0, 8);
			t_reseal(s, 1);
		}
		in.space_name = (i % 11 == 0) ? NULL : NAME;
		/* struct padding compares equal below */
		memset(&lr, 0, sizeof(lr));
		memset(&rlr, 0, sizeof(rlr));

		k = msg_slot_read(&in, 2, &lr, &m);
		rk = t_ref_kind(s, in.space_name, &rlr, &rm);
		assert_int_equal(k, rk);
		assert_memory_equal(&lr, &rlr, sizeof(lr));
		assert_memory_equal(&m, &rm, sizeof(m));
		kinds[k]++;
	}
	/* the random input reached every outcome */
	for (i = 0; i < 4; i++)
		assert_true(kinds[i] > 100);
	free(area);
}

/* Valid, then one byte of its leader damaged with the same everything
 * else: NONE on the very next scan (nothing is remembered). */
static void scan_damage_after_valid(void **state)
{
	uint8_t *area = malloc(2 * SS);
	struct msg_renewal_in in;
	struct ondisk_leader lr;
	struct ondisk_msg m;
	int off;

	(void)state;
	assert_non_null(area);
	memset(&in, 0, sizeof(in));
	in.area = area;
	in.sector_size = SS;
	in.space_name = NAME;
	for (off = 0; off < ONDISK_LEADER_CHECKSUM_LEN + 4; off++) {
		t_good_sector(area + SS, 3);
		assert_int_equal(msg_slot_read(&in, 2, &lr, &m), MSG_REC_OURS);
		area[SS + off] ^= 0x40;
		assert_int_equal(msg_slot_read(&in, 2, &lr, &m), MSG_REC_NONE);
	}
	/* the record's checksummed bytes: the slot stays valid, the record
	 * does not */
	for (off = ONDISK_MSG_OFFSET; off < ONDISK_MSG_OFFSET + ONDISK_MSG_SIZE;
	     off++) {
		t_good_sector(area + SS, 3);
		area[SS + off] ^= 0x01;
		assert_int_equal(msg_slot_read(&in, 2, &lr, &m), MSG_REC_LEGACY);
	}
	free(area);
}

/* ---- hosts_update: names equal up to their NUL ---- */

static int t_new_owner_calls;

static void t_new_owner(void *arg, uint64_t host_id, const struct host_rec *h)
{
	(void)arg;
	(void)host_id;
	(void)h;
	t_new_owner_calls++;
}

static void t_slot(uint8_t *a, uint64_t host_id, const char *owner,
		   uint64_t ts, uint8_t junk)
{
	struct ondisk_sizes sz = { SS, 1048576, 2000 };
	struct ondisk_leader lr;
	uint8_t *s = a + (host_id - 1) * SS;
	size_t n;

	ondisk_delta_leader_init(&lr, &sz, NAME, 1);
	lr.owner_id = host_id;
	lr.owner_generation = 1;
	lr.timestamp = ts;
	ondisk_name_set(lr.resource_name, owner);
	/* bytes after the NULs: ignored by strncmp, seen by memcmp */
	n = strlen(NAME) + 1;
	memset(lr.space_name + n, junk, ONDISK_NAME_LEN - n);
	n = strnlen(owner, ONDISK_NAME_LEN);
	if (n + 1 < ONDISK_NAME_LEN)
		memset(lr.resource_name + n + 1, junk, ONDISK_NAME_LEN - n - 1);
	ondisk_leader_seal(&lr, s);
}

static void hosts_names_after_nul(void **state)
{
	static const struct hosts_update_cb cb = { .new_owner = t_new_owner };
	struct ondisk_sizes sz = { SS, 1048576, 2000 };
	struct hosts_table t;
	const struct host_rec *h;
	char full[ONDISK_NAME_LEN + 1];
	uint8_t *a = malloc(sz.align_size);

	(void)state;
	assert_non_null(a);
	memset(a, 0, sz.align_size);
	assert_int_equal(hosts_table_init(&t, NAME, 1, &sz), 0);

	t_slot(a, 2, "two", 100, 0xAA);
	t_new_owner_calls = 0;
	assert_int_equal(hosts_update(&t, a, sz.align_size, 10, &cb), 1);
	h = hosts_get(&t, 2);
	assert_int_equal(h->lease_bad, 0);           /* space name matched */
	assert_string_equal(h->owner_name, "two");
	assert_int_equal(t_new_owner_calls, 1);

	/* same names, other junk after the NULs, same timestamp: nothing */
	t_slot(a, 2, "two", 100, 0x55);
	assert_int_equal(hosts_update(&t, a, sz.align_size, 12, &cb), 0);
	assert_int_equal(h->lease_bad, 0);
	assert_int_equal(t_new_owner_calls, 1);
	assert_int_equal(h->last_check, 12);
	assert_int_equal(h->last_live, 10);

	/* a name differing in its last byte only (no NUL at all) */
	memset(full, 'x', ONDISK_NAME_LEN);
	full[ONDISK_NAME_LEN] = '\0';
	t_slot(a, 2, full, 100, 0);
	assert_int_equal(hosts_update(&t, a, sz.align_size, 14, &cb), 0);
	assert_int_equal(t_new_owner_calls, 2);
	assert_string_equal(h->owner_name, full);
	full[ONDISK_NAME_LEN - 1] = 'y';
	t_slot(a, 2, full, 100, 0);
	assert_int_equal(hosts_update(&t, a, sz.align_size, 16, &cb), 0);
	assert_int_equal(t_new_owner_calls, 3);
	assert_string_equal(h->owner_name, full);

	/* a space name differing before its NUL is a bad slot (slot 3 was
	 * all zeros, bad, in the four updates above) */
	assert_int_equal(hosts_get(&t, 3)->lease_bad, 4);
	t_slot(a, 3, "three", 100, 0);
	a[2 * SS + 56] = 'S';                        /* space name byte 0 */
	assert_int_equal(hosts_update(&t, a, sz.align_size, 18, &cb), 1);
	assert_int_equal(hosts_get(&t, 3)->lease_bad, 5);
	a[2 * SS + 56] = NAME[0];    /* repaired: its owner is taken now */
	assert_int_equal(hosts_update(&t, a, sz.align_size, 20, &cb), 1);
	assert_int_equal(hosts_get(&t, 3)->lease_bad, 0);
	assert_int_equal(hosts_get(&t, 3)->owner_id, 3);
	assert_string_equal(hosts_get(&t, 3)->owner_name, "three");

	hosts_table_free(&t);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_matches_definition),
		cmocka_unit_test(scan_damage_after_valid),
		cmocka_unit_test(hosts_names_after_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
