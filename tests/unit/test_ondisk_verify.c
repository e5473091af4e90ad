/*
 * test_ondisk_verify.c - unit tests of the ondisk/ validation functions:
 * every error code and its precedence (spec/ondisk.md sections 4.7, 7.6,
 * 9.1-9.3; messages.md section 2).  Single-threaded test code.
 */
#include <errno.h>

#include "ondisk_test_util.h"

static void delta_good(struct ondisk_leader *lr)
{
	struct ondisk_sizes sz;

	t_sizes(512, ONDISK_ALIGN_1M, &sz);
	ondisk_delta_leader_init(lr, &sz, "LS", 10);
}

static void paxos_good(struct ondisk_leader *lr)
{
	struct ondisk_sizes sz;

	t_sizes(512, ONDISK_ALIGN_1M, &sz);
	ondisk_paxos_leader_init(lr, &sz, "LS", "R1", 0);
}

/* ---- 9.1 delta ---- */

static void delta_ok(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	delta_good(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	assert_int_equal(ondisk_delta_verify(&lr, NULL), 0);
	/* minor version is not checked (but is checksummed) */
	lr.version = DELTA_DISK_VERSION_MAJOR | 0x7;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
	/* fields outside the checksum are not checked */
	lr.io_timeout = 7;
	lr.write_timestamp = 99;
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
}

static void delta_each_error(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	delta_good(&lr);
	lr.magic = PAXOS_DISK_MAGIC;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), SANLK_LEADER_MAGIC);

	delta_good(&lr);
	lr.version = 0x00050004;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), SANLK_LEADER_VERSION);

	delta_good(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LX"), SANLK_LEADER_LOCKSPACE);
	assert_int_equal(ondisk_delta_verify(&lr, "LS2"), SANLK_LEADER_LOCKSPACE);
	assert_int_equal(ondisk_delta_verify(&lr, "L"), SANLK_LEADER_LOCKSPACE);

	delta_good(&lr);
	lr.checksum ^= 1;
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), SANLK_LEADER_CHECKSUM);
	delta_good(&lr);
	lr.timestamp = 5;       /* inside the checksum, not re-sealed */
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), SANLK_LEADER_CHECKSUM);
}

static void delta_precedence(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	/* everything wrong: magic wins */
	delta_good(&lr);
	lr.magic = 0;
	lr.version = 0;
	lr.checksum ^= 1;
	assert_int_equal(ondisk_delta_verify(&lr, "XX"), SANLK_LEADER_MAGIC);
	/* version before name and checksum */
	delta_good(&lr);
	lr.version = 0x00040004;
	assert_int_equal(ondisk_delta_verify(&lr, "XX"), SANLK_LEADER_VERSION);
	/* name before checksum */
	delta_good(&lr);
	lr.checksum ^= 1;
	assert_int_equal(ondisk_delta_verify(&lr, "XX"), SANLK_LEADER_LOCKSPACE);
	/* no name given: checksum */
	assert_int_equal(ondisk_delta_verify(&lr, NULL), SANLK_LEADER_CHECKSUM);
}

static void delta_ignores_unchecked_fields(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	/* 9.1: sector_size, flags, num/max_hosts, owner_id not checked */
	delta_good(&lr);
	lr.sector_size = 1000;
	lr.flags = 0xFFFF;
	lr.num_hosts = 5;
	lr.max_hosts = 0;
	lr.owner_id = 9999;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
}

static void delta_name_48_strncmp(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	char n48[49], n60[61];

	(void)state;
	memset(n48, 'x', 48);
	n48[48] = 0;
	memset(n60, 'x', 60);
	n60[60] = 0;
	t_sizes(512, ONDISK_ALIGN_1M, &sz);
	ondisk_delta_leader_init(&lr, &sz, n48, 10);
	assert_int_equal(ondisk_delta_verify(&lr, n48), 0);
	/* at most 48 bytes compared */
	assert_int_equal(ondisk_delta_verify(&lr, n60), 0);
	n48[47] = 'y';
	assert_int_equal(ondisk_delta_verify(&lr, n48), SANLK_LEADER_LOCKSPACE);
	/* residue after a NUL is ignored */
	delta_good(&lr);
	lr.space_name[3] = 'Q';
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
}

/* ---- 9.2 paxos ---- */

static void paxos_ok(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	paxos_good(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), 0);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 2000), 0);
	assert_int_equal(ondisk_paxos_verify(&lr, NULL, NULL, 0), 0);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", NULL, 0), 0);
	assert_int_equal(ondisk_paxos_verify(&lr, NULL, "R1", 0), 0);
}

static void paxos_each_error(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	paxos_good(&lr);
	lr.magic = PAXOS_DISK_CLEAR;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_MAGIC);

	paxos_good(&lr);
	lr.magic = DELTA_DISK_MAGIC;
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_MAGIC);

	paxos_good(&lr);
	lr.version = 0x00050004;    /* "version major 5 -> -224" */
	lr.checksum = ondisk_leader_checksum(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_VERSION);

	paxos_good(&lr);
	lr.version = PAXOS_DISK_VERSION_MAJOR | 5; /* changed minor -> checksum */
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_CHECKSUM);

	paxos_good(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LX", "R1", 1), SANLK_LEADER_LOCKSPACE);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R2", 1), SANLK_LEADER_RESOURCE);
	/* acquire as host_id 2001 on a 2000-host lease */
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 2001), SANLK_LEADER_NUMHOSTS);

	paxos_good(&lr);
	lr.resource_name[0] ^= 1;   /* flipped name byte with no name check */
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", NULL, 1), SANLK_LEADER_CHECKSUM);
}

static void paxos_precedence(void **state)
{
	struct ondisk_leader lr;

	(void)state;
	/* cleared magic with everything else wrong: -223 */
	paxos_good(&lr);
	lr.magic = PAXOS_DISK_CLEAR;
	lr.version = 0;
	lr.num_hosts = 0;
	lr.checksum ^= 1;
	assert_int_equal(ondisk_paxos_verify(&lr, "XX", "YY", 5), SANLK_LEADER_MAGIC);
	/* wrong magic and bad checksum: magic wins */
	paxos_good(&lr);
	lr.magic ^= 0x100;
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_MAGIC);
	/* version before names */
	paxos_good(&lr);
	lr.version = 0x00070004;
	assert_int_equal(ondisk_paxos_verify(&lr, "XX", "YY", 1), SANLK_LEADER_VERSION);
	/* lockspace before resource */
	paxos_good(&lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "XX", "YY", 1), SANLK_LEADER_LOCKSPACE);
	/* resource before num_hosts */
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "YY", 5000), SANLK_LEADER_RESOURCE);
	/* num_hosts patched to 0 (checksum now wrong), acquire as host 1: -228 */
	paxos_good(&lr);
	lr.num_hosts = 0;
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), SANLK_LEADER_NUMHOSTS);
	/* the same record read with host_id 0 reaches the checksum */
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 0), SANLK_LEADER_CHECKSUM);
}

/* ---- 4.7 dblock ---- */

static void dblock_never_written(void **state)
{
	struct ondisk_dblock db;

	(void)state;
	memset(&db, 0, sizeof(db));
	assert_true(ondisk_dblock_never_written(&db));
	assert_int_equal(ondisk_dblock_verify(&db), 0);
	/* inp2, inp3 and flags are not part of the test */
	db.inp2 = 7;
	db.inp3 = 8;
	db.flags = DBLOCK_FL_RELEASED;
	assert_true(ondisk_dblock_never_written(&db));
	assert_int_equal(ondisk_dblock_verify(&db), 0);
}

static void dblock_checksum_errors(void **state)
{
	struct ondisk_dblock db;
	uint8_t b[ONDISK_DBLOCK_SIZE];
	int k;

	(void)state;
	/* each of mbal, bal, inp, lver non-zero with checksum 0: -214 */
	for (k = 0; k < 4; k++) {
		memset(&db, 0, sizeof(db));
		if (k == 0) db.mbal = 1;
		if (k == 1) db.bal = 1;
		if (k == 2) db.inp = 1;
		if (k == 3) db.lver = 1;
		assert_false(ondisk_dblock_never_written(&db));
		assert_int_equal(ondisk_dblock_verify(&db), SANLK_DBLOCK_CHECKSUM);
	}
	/* a non-zero checksum over zero fields must still match */
	memset(&db, 0, sizeof(db));
	db.checksum = 1;
	assert_int_equal(ondisk_dblock_verify(&db), SANLK_DBLOCK_CHECKSUM);
	db.checksum = 0xCB5AD842u;  /* CRC of 48 zero bytes */
	assert_int_equal(ondisk_dblock_verify(&db), 0);

	memset(&db, 0, sizeof(db));
	db.mbal = 1; db.lver = 1;
	ondisk_dblock_seal(&db, b);
	assert_int_equal(ondisk_dblock_verify(&db), 0);
	db.flags = DBLOCK_FL_RELEASED;  /* flags outside the checksum */
	assert_int_equal(ondisk_dblock_verify(&db), 0);
	db.inp3 = 5;
	assert_int_equal(ondisk_dblock_verify(&db), SANLK_DBLOCK_CHECKSUM);
}

/* ---- 9.3 request ---- */

static void request_errors(void **state)
{
	struct ondisk_request rr;

	(void)state;
	ondisk_request_init(&rr);
	assert_int_equal(ondisk_request_verify(&rr), 0);
	rr.version = REQ_DISK_VERSION_MAJOR | 0x55;
	assert_int_equal(ondisk_request_verify(&rr), 0);
	rr.version = 0x00020001;
	assert_int_equal(ondisk_request_verify(&rr), SANLK_REQUEST_VERSION);
	rr.magic = 0;   /* magic first */
	assert_int_equal(ondisk_request_verify(&rr), SANLK_REQUEST_MAGIC);
}

/* ---- 7.6 rindex header ---- */

static void rindex_header_errors(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_rindex_header rh, bad;

	(void)state;
	t_sizes(512, ONDISK_ALIGN_1M, &sz);
	ondisk_rindex_header_init(&rh, &sz, "LS", 1048576, 4096);
	assert_int_equal(ondisk_rindex_header_verify(&rh, "LS", 1048576), 0);

	bad = rh;
	bad.version = RINDEX_DISK_VERSION_MAJOR | 9;
	assert_int_equal(ondisk_rindex_header_verify(&bad, "LS", 1048576), 0);

	assert_int_equal(ondisk_rindex_header_verify(&rh, "LS", 2097152),
			 SANLK_RINDEX_OFFSET);
	assert_int_equal(ondisk_rindex_header_verify(&rh, "LX", 2097152),
			 SANLK_RINDEX_LOCKSPACE);
	/* exact C-string comparison: a prefix or an extension differs */
	assert_int_equal(ondisk_rindex_header_verify(&rh, "L", 1048576),
			 SANLK_RINDEX_LOCKSPACE);
	assert_int_equal(ondisk_rindex_header_verify(&rh, "LSX", 1048576),
			 SANLK_RINDEX_LOCKSPACE);
	bad = rh;
	bad.version = 0x00020002;
	assert_int_equal(ondisk_rindex_header_verify(&bad, "LX", 0),
			 SANLK_RINDEX_VERSION);
	bad.magic = 0;
	assert_int_equal(ondisk_rindex_header_verify(&bad, "LX", 0),
			 SANLK_RINDEX_MAGIC);
}

static void rindex_header_name_48(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_rindex_header rh;
	char n47[48], n48[49], n60[61];

	(void)state;
	memset(n47, 'a', 47); n47[47] = 0;
	memset(n48, 'a', 48); n48[48] = 0;
	memset(n60, 'a', 60); n60[60] = 0;
	t_sizes(512, ONDISK_ALIGN_1M, &sz);
	ondisk_rindex_header_init(&rh, &sz, n47, 1048576, 0);
	assert_int_equal(ondisk_rindex_header_verify(&rh, n47, 1048576), 0);
	assert_int_equal(ondisk_rindex_header_verify(&rh, n48, 1048576),
			 SANLK_RINDEX_LOCKSPACE);
	/* 48-character name: no NUL in the field; 3.8.5 fails it (observed
	 * "update done -276" and "lookup done -276"), deterministically here */
	ondisk_rindex_header_init(&rh, &sz, n48, 1048576, 0);
	assert_int_equal(ondisk_rindex_header_verify(&rh, n48, 1048576),
			 SANLK_RINDEX_LOCKSPACE);
	assert_int_equal(ondisk_rindex_header_verify(&rh, n60, 1048576),
			 SANLK_RINDEX_LOCKSPACE);
}

/* ---- message record ---- */

static void msg_good(struct ondisk_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->magic = ONDISK_MSG_MAGIC;
	m->version = ONDISK_MSG_VERSION;
	m->owner_generation = 4;
	m->checksum = ondisk_msg_checksum(m);
}

static void msg_verify(void **state)
{
	struct ondisk_msg m;

	(void)state;
	msg_good(&m);
	assert_int_equal(ondisk_msg_verify(&m, 4), 0);
	assert_int_equal(ondisk_msg_verify(&m, 5), -ESTALE);
	m.checksum ^= 1;
	assert_int_equal(ondisk_msg_verify(&m, 4), -EBADMSG);
	msg_good(&m);
	m.version = 2;
	m.checksum = ondisk_msg_checksum(&m);
	assert_int_equal(ondisk_msg_verify(&m, 4), -ENOMSG);
	/* all-zero bytes (3.8.5 wrote the sector) are "no record" */
	memset(&m, 0, sizeof(m));
	assert_int_equal(ondisk_msg_verify(&m, 0), -ENOMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_ok),
		cmocka_unit_test(delta_each_error),
		cmocka_unit_test(delta_precedence),
		cmocka_unit_test(delta_ignores_unchecked_fields),
		cmocka_unit_test(delta_name_48_strncmp),
		cmocka_unit_test(paxos_ok),
		cmocka_unit_test(paxos_each_error),
		cmocka_unit_test(paxos_precedence),
		cmocka_unit_test(dblock_never_written),
		cmocka_unit_test(dblock_checksum_errors),
		cmocka_unit_test(request_errors),
		cmocka_unit_test(rindex_header_errors),
		cmocka_unit_test(rindex_header_name_48),
		cmocka_unit_test(msg_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
