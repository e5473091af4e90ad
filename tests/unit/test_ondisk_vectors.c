/*
 * test_ondisk_vectors.c - the checksums of spec/ondisk.md section 5.3 and
 * the test vectors TV1..TV8 of section 10, reproduced byte for byte from
 * ondisk_lockspace_image / ondisk_resource_image and the record encoders
 * (fields marked VARIES are set to the values shown).  Single-threaded.
 */
#include "ondisk_test_util.h"

#define M1 ONDISK_ALIGN_1M
#define M2 ONDISK_ALIGN_2M
#define M4 ONDISK_ALIGN_4M
#define M8 ONDISK_ALIGN_8M
#define NLINES(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct { uint32_t ss, align; } combos[5] = {
	{ 512, M1 }, { 4096, M1 }, { 4096, M2 }, { 4096, M4 }, { 4096, M8 },
};

/* ---- 5.3 table ---- */

static void checksums_delta_init(void **state)
{
	static const uint32_t exp[5] = {
		0xb0f174c0, 0xd0d8841f, 0x0f697e4d, 0xb5e6fc18, 0xc5158e43,
	};
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		t_sizes(combos[i].ss, combos[i].align, &sz);
		ondisk_delta_leader_init(&lr, &sz, "LS", 10);
		assert_int_equal(lr.checksum, exp[i]);
		/* io_timeout is outside the checksum */
		ondisk_delta_leader_init(&lr, &sz, "LS", 1);
		assert_int_equal(lr.checksum, exp[i]);
	}
}

static void checksums_paxos_init(void **state)
{
	static const uint32_t init[5] = {
		0x2073a773, 0x9a0823b4, 0xd9ae4d53, 0x5ee2909d, 0x55975df0,
	};
	static const uint32_t cleared[5] = {
		0xcf47cb8b, 0x753c4f4c, 0x369a21ab, 0xb1d6fc65, 0xbaa33108,
	};
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	uint8_t *buf;
	int i;

	(void)state;
	buf = malloc(M8);
	assert_non_null(buf);
	for (i = 0; i < 5; i++) {
		t_sizes(combos[i].ss, combos[i].align, &sz);
		ondisk_paxos_leader_init(&lr, &sz, "LS", "R1", 0);
		assert_int_equal(lr.checksum, init[i]);
		ondisk_resource_image(buf, &sz, "LS", "R1", 0, 0, 0);
		assert_int_equal(t_le32(buf + 168), init[i]);
		ondisk_resource_image(buf, &sz, "LS", "R1", 0, 1, 12345);
		assert_int_equal(t_le32(buf + 168), cleared[i]);
		ondisk_resource_image(buf, &sz, "LS", "R1", 0, 1, 1);
		assert_int_equal(t_le32(buf + 168), cleared[i]);
	}
	free(buf);
}

/* rindex internal lease "rindex_lease": 512/1M from the spec; the other
 * four combos observed from `sanlock direct format -x` of 3.8.5. */
static void checksums_rindex_lease(void **state)
{
	static const uint32_t exp[5] = {
		0xfa0043ec, 0x407bc72b, 0x03dda9cc, 0x84917402, 0x8fe4b96f,
	};
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		t_sizes(combos[i].ss, combos[i].align, &sz);
		ondisk_paxos_leader_init(&lr, &sz, "LS", ONDISK_RINDEX_LEASE_NAME, 0);
		assert_int_equal(lr.checksum, exp[i]);
	}
}

/* Section 4.3 / 4.8 daemon observations. */
static void checksums_daemon_records(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;

	(void)state;
	t_sizes(512, M1, &sz);
	/* released delta lease after set_event 0/5/7 */
	ondisk_delta_leader_init(&lr, &sz, "LS", 1);
	lr.owner_id = 1;
	lr.owner_generation = 1;
	ondisk_name_set(lr.resource_name, "testhost1");
	lr.write_generation = 5;
	lr.write_timestamp = 7;
	assert_int_equal(ondisk_leader_checksum(&lr), 0x78d3707bu);
	/* released exclusive paxos lease R2 */
	ondisk_paxos_leader_init(&lr, &sz, "LS", "R2", 0);
	lr.owner_id = 1;
	lr.owner_generation = 1;
	lr.lver = 1;
	lr.write_id = 1;
	lr.write_generation = 1;
	lr.write_timestamp = 661;
	assert_int_equal(ondisk_leader_checksum(&lr), 0x057164bdu);
}

/* ---- TV1, TV2: lockspace images ---- */

static const char *const tv1_sector0[] = {
	"00000000: 10 20 21 12 04 00 03 00 10 00 00 00 00 02 00 00",
	"00000010: 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00000030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"000000a0: 00 00 00 00 00 00 00 00 c0 74 f1 b0 00 00 0a 00",
};

static const char *const tv2_sector0[] = {
	"00000000: 10 20 21 12 04 00 03 00 80 00 00 00 00 10 00 00",
	"00000010: 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00000030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"000000a0: 00 00 00 00 00 00 00 00 43 8e 15 c5 00 00 0a 00",
};

/* sector 0 equals exp; sectors 1..K-1 identical to it; the rest zero. */
static void check_lockspace(const uint8_t *img, const struct ondisk_sizes *sz,
			    const uint8_t *exp)
{
	uint32_t i;

	assert_memory_equal(img, exp, sz->sector_size);
	for (i = 1; i < sz->max_hosts; i++)
		assert_memory_equal(img + (size_t)i * sz->sector_size, exp, sz->sector_size);
	assert_true(t_all_zero(img + (size_t)sz->max_hosts * sz->sector_size,
			       sz->align_size - (size_t)sz->max_hosts * sz->sector_size));
}

static void tv1_lockspace_512_1m(void **state)
{
	struct ondisk_sizes sz;
	uint8_t *img = malloc(M1);
	uint8_t exp[512];

	(void)state;
	assert_non_null(img);
	/* regular file: default sizes for 512 */
	assert_int_equal(ondisk_sizes_default(512, &sz), 0);
	memset(img, 0xFF, M1);
	ondisk_lockspace_image(img, &sz, "LS", ONDISK_DEFAULT_IO_TIMEOUT, 1);
	t_xxd_expect(img, 0, 512, tv1_sector0, NLINES(tv1_sector0));
	t_xxd_fill(exp, 0, sizeof(exp), tv1_sector0, NLINES(tv1_sector0));
	check_lockspace(img, &sz, exp);
	assert_true(1024000 == (size_t)sz.max_hosts * sz.sector_size);
	free(img);
}

static void tv2_lockspace_4096(void **state)
{
	static const struct { uint32_t align; uint8_t flag; uint32_t cks, k; } v[4] = {
		{ M1, 0x10, 0xd0d8841f, 250 }, { M2, 0x20, 0x0f697e4d, 500 },
		{ M4, 0x40, 0xb5e6fc18, 1000 }, { M8, 0x80, 0xc5158e43, 2000 },
	};
	struct ondisk_sizes sz;
	uint8_t *img = malloc(M8);
	uint8_t exp[4096];
	int i;

	(void)state;
	assert_non_null(img);
	t_sizes(4096, M8, &sz);
	memset(img, 0xFF, M8);
	ondisk_lockspace_image(img, &sz, "LS", 10, 1);
	t_xxd_expect(img, 0, 4096, tv2_sector0, NLINES(tv2_sector0));
	assert_true(8192000 == (size_t)sz.max_hosts * sz.sector_size);

	/* -A 1M/2M/4M/8M: flag byte and checksum change, K records */
	for (i = 0; i < 4; i++) {
		t_sizes(4096, v[i].align, &sz);
		memset(img, 0xFF, M8);
		ondisk_lockspace_image(img, &sz, "LS", 10, 1);
		assert_int_equal(sz.max_hosts, v[i].k);
		t_xxd_fill(exp, 0, sizeof(exp), tv2_sector0, NLINES(tv2_sector0));
		exp[8] = v[i].flag;
		exp[0xa8] = (uint8_t)v[i].cks;
		exp[0xa9] = (uint8_t)(v[i].cks >> 8);
		exp[0xaa] = (uint8_t)(v[i].cks >> 16);
		exp[0xab] = (uint8_t)(v[i].cks >> 24);
		check_lockspace(img, &sz, exp);
		/* nothing written beyond the area */
		if (v[i].align < M8)
			assert_int_equal(img[v[i].align], 0xFF);
	}
	free(img);
}

/* 8.1: the first write has magic 0 in record 0, checksummed with magic 0. */
static void lockspace_first_write(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	uint8_t *img = malloc(M1), *fin = malloc(M1);

	(void)state;
	assert_non_null(img);
	assert_non_null(fin);
	t_sizes(512, M1, &sz);
	ondisk_lockspace_image(img, &sz, "LS", 10, 0);
	ondisk_lockspace_image(fin, &sz, "LS", 10, 1);
	assert_int_equal(t_le32(img), 0);
	ondisk_leader_decode(img, &lr);
	assert_int_equal(lr.checksum, ondisk_checksum(img, 168));
	assert_int_not_equal(lr.checksum, 0xb0f174c0u);
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), SANLK_LEADER_MAGIC);
	/* only record 0's magic and checksum differ from the final image */
	assert_memory_equal(img + 4, fin + 4, 164);
	assert_memory_equal(img + 172, fin + 172, M1 - 172);
	free(img);
	free(fin);
}

/* ---- TV3, TV4: resource images ---- */

static const char *const tv3[] = {
	"00100000: 10 20 15 06 04 00 06 00 10 00 00 00 00 02 00 00",
	"00100010: d0 07 00 00 00 00 00 00 d0 07 00 00 00 00 00 00",
	"00100030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00100060: 00 00 00 00 00 00 00 00 52 31 00 00 00 00 00 00",
	"001000a0: 00 00 00 00 00 00 00 00 73 a7 73 20 00 00 00 00",
	"00100200: 11 20 29 08 01 00 01 00 00 00 00 00 00 00 00 00",
	"00100210: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
};

static const char *const tv4[] = {
	"00100000: 16 20 28 11 04 00 06 00 10 00 00 00 00 02 00 00",
	"00100010: d0 07 00 00 00 00 00 00 d0 07 00 00 00 00 00 00",
	"00100030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00100060: 00 00 00 00 00 00 00 00 52 31 00 00 00 00 00 00",
	"001000a0: 00 00 00 00 00 00 00 00 8b cb 47 cf 00 00 00 00",
	"001000c0: 70 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00100200: 11 20 29 08 01 00 01 00 00 00 00 00 00 00 00 00",
};

static void tv3_resource(void **state)
{
	struct ondisk_sizes sz;
	uint8_t *img = malloc(M1);

	(void)state;
	assert_non_null(img);
	assert_int_equal(ondisk_sizes_default(512, &sz), 0);
	memset(img, 0xFF, M1);
	ondisk_resource_image(img, &sz, "LS", "R1", 0, 0, 0);
	/* whole 1 MiB area: only sectors 0 and 1 non-zero */
	t_xxd_expect(img, 0x100000, M1, tv3, NLINES(tv3));
	/* num_hosts above max_hosts also means max_hosts */
	ondisk_resource_image(img, &sz, "LS", "R1", 5000, 0, 0);
	t_xxd_expect(img, 0x100000, M1, tv3, NLINES(tv3));
	free(img);
}

static void tv4_cleared(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	uint8_t *img = malloc(M1);

	(void)state;
	assert_non_null(img);
	t_sizes(512, M1, &sz);
	ondisk_resource_image(img, &sz, "LS", "R1", 0, 1, 0x370);
	t_xxd_expect(img, 0x100000, M1, tv4, NLINES(tv4));
	ondisk_leader_decode(img, &lr);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 0), SANLK_LEADER_MAGIC);
	free(img);
}

/* 8.2: "-n 8 -Z 4096 -A 1M gave num_hosts 8, max_hosts 250". */
static void resource_num_hosts(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	struct ondisk_request rr;
	uint8_t *img = malloc(M1);

	(void)state;
	assert_non_null(img);
	t_sizes(4096, M1, &sz);
	ondisk_resource_image(img, &sz, "LS", "R1", 8, 0, 0);
	ondisk_leader_decode(img, &lr);
	assert_true(lr.num_hosts == 8);
	assert_true(lr.max_hosts == 250);
	assert_int_equal(lr.flags, LFL_ALIGN_1M);
	assert_int_equal(lr.sector_size, 4096);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 8), 0);
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 9), SANLK_LEADER_NUMHOSTS);
	ondisk_request_decode(img + 4096, &rr);
	assert_int_equal(ondisk_request_verify(&rr), 0);
	assert_true(t_all_zero(img + 200, 4096 - 200));
	assert_true(t_all_zero(img + 4096 + 24, M1 - 4096 - 24));
	free(img);
}

/* ---- TV5: acquired delta lease ---- */

static const char *const tv5[] = {
	"00000000: 10 20 21 12 04 00 03 00 10 00 00 00 00 02 00 00",
	"00000010: 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00000020: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00000030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00000060: 00 00 00 00 00 00 00 00 68 6f 73 74 31 00 00 00",
	"00000090: 00 00 00 00 00 00 00 00 70 03 00 00 00 00 00 00",
	"000000a0: 00 00 00 00 00 00 00 00 17 a0 de ac 00 00 01 00",
};

static void tv5_acquired_delta(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	uint8_t sector[512];

	(void)state;
	t_sizes(512, M1, &sz);
	ondisk_delta_leader_init(&lr, &sz, "LS", 1);
	lr.owner_id = 1;
	lr.owner_generation = 1;
	ondisk_name_set(lr.resource_name, "host1");
	lr.timestamp = 0x370;
	memset(sector, 0, sizeof(sector));
	ondisk_leader_seal(&lr, sector);
	assert_int_equal(lr.checksum, 0xacdea017u);
	t_xxd_expect(sector, 0, sizeof(sector), tv5, NLINES(tv5));
	assert_int_equal(ondisk_delta_verify(&lr, "LS"), 0);
}

/* ---- TV6: acquired paxos lease, 4096/1M ---- */

static const char *const tv6[] = {
	"00100000: 10 20 15 06 04 00 06 00 10 00 00 00 00 10 00 00",
	"00100010: fa 00 00 00 00 00 00 00 fa 00 00 00 00 00 00 00",
	"00100020: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100030: 01 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00100060: 00 00 00 00 00 00 00 00 52 31 00 00 00 00 00 00",
	"00100090: 00 00 00 00 00 00 00 00 72 03 00 00 00 00 00 00",
	"001000a0: 00 00 00 00 00 00 00 00 77 c1 58 1c 00 00 00 00",
	"001000b0: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"001000c0: 72 03 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00102000: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102010: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102020: 72 03 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00102030: 3c 0e f3 ef 00 00 00 00 00 00 00 00 00 00 00 00",
};

static void tv6_acquired_paxos(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	struct ondisk_dblock db = { 1, 1, 1, 1, 0x372, 1, 0, 0 };
	uint8_t *img = malloc(M1);
	uint64_t dbo;

	(void)state;
	assert_non_null(img);
	t_sizes(4096, M1, &sz);
	ondisk_resource_image(img, &sz, "LS", "R1", 0, 0, 0);
	ondisk_leader_decode(img, &lr);
	lr.owner_id = 1;
	lr.owner_generation = 1;
	lr.lver = 1;
	lr.timestamp = 0x372;
	lr.write_id = 1;
	lr.write_generation = 1;
	lr.write_timestamp = 0x372;
	memset(img, 0, 4096);                 /* full-sector leader write */
	ondisk_leader_seal(&lr, img);
	assert_int_equal(lr.checksum, 0x1c58c177u);
	dbo = ondisk_dblock_offset(0, 1, 4096);
	assert_true(dbo == 0x2000);
	memset(img + dbo, 0, 4096);           /* full-sector dblock write */
	ondisk_dblock_seal(&db, img + dbo);
	assert_int_equal(db.checksum, 0xeff30e3cu);
	/* leader sector and host 1's dblock sector */
	t_xxd_expect(img, 0x100000, 4096, tv6, NLINES(tv6));
	t_xxd_expect(img + dbo, 0x100000 + dbo, 4096, tv6, NLINES(tv6));
	assert_int_equal(ondisk_paxos_verify(&lr, "LS", "R1", 1), 0);
	assert_int_equal(ondisk_dblock_verify(&db), 0);
	free(img);
}

/* ---- TV7: rindex ---- */

static const char *const tv7[] = {
	"00100000: 18 20 04 01 02 00 01 00 01 00 00 00 00 02 00 00",
	"00100010: 00 10 00 00 00 00 00 00 00 00 10 00 00 00 00 00",
	"00100020: 4c 53 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00100200: 00 00 30 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00100210: 52 31 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	"00200000: 10 20 15 06 04 00 06 00 10 00 00 00 00 02 00 00",
	"00200010: d0 07 00 00 00 00 00 00 d0 07 00 00 00 00 00 00",
	"00200030: 00 00 00 00 00 00 00 00 4c 53 00 00 00 00 00 00",
	"00200060: 00 00 00 00 00 00 00 00 72 69 6e 64 65 78 5f 6c",
	"00200070: 65 61 73 65 00 00 00 00 00 00 00 00 00 00 00 00",
	"002000a0: 00 00 00 00 00 00 00 00 ec 43 00 fa 00 00 00 00",
	"00200200: 11 20 29 08 01 00 01 00 00 00 00 00 00 00 00 00",
	"00200210: 00 00 00 00 67 55 00 00 00 00 00 00 00 00 00 00",
};

static void tv7_rindex(void **state)
{
	const uint64_t X = 0x100000;
	struct ondisk_sizes sz;
	struct ondisk_rindex_header rh, d;
	struct ondisk_rindex_entry re;
	uint8_t *img = malloc(2 * (size_t)M1);
	uint8_t *lease;
	uint32_t i;

	(void)state;
	assert_non_null(img);
	assert_int_equal(ondisk_sizes_default(512, &sz), 0);
	/* format: header + zeros, then the internal lease */
	memset(img, 0, M1);
	ondisk_rindex_header_init(&rh, &sz, "LS", X, ONDISK_RINDEX_DEFAULT_MAX_RESOURCES);
	ondisk_rindex_header_encode(&rh, img);
	lease = img + (ondisk_rindex_lease_offset(X, sz.align_size) - X);
	ondisk_resource_image(lease, &sz, "LS", ONDISK_RINDEX_LEASE_NAME, 0, 0, 0);
	/* update -e R1:3145728 */
	assert_int_equal(ondisk_rindex_res_index(X, sz.align_size, 3145728, &i), 0);
	assert_int_equal(i, 0);
	memset(&re, 0, sizeof(re));
	re.res_offset = 3145728;
	ondisk_name_set(re.name, "R1");
	ondisk_rindex_entry_encode(&re, img + (ondisk_rindex_entry_offset(X, 512, i) - X));
	/* request padding is undefined in 3.8.5: mask the VARIES bytes */
	lease[512 + 20] = 0x67;
	lease[512 + 21] = 0x55;
	t_xxd_expect(img, X, 2 * (size_t)M1, tv7, NLINES(tv7));
	ondisk_rindex_header_decode(img, &d);
	assert_int_equal(ondisk_rindex_header_verify(&d, "LS", X), 0);
	assert_int_equal(ondisk_align_from_rhf(d.flags), M1);
	free(img);
}

/* ---- TV8: shared hold ---- */

static const char *const tv8[] = {
	"00100400: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100410: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100420: 89 02 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
	"00100430: 2c 22 a3 c1 01 00 00 00 00 00 00 00 00 00 00 00",
	"00100480: 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00",
};

static void tv8_shared(void **state)
{
	struct ondisk_dblock db = { 1, 1, 1, 1, 0x289, 1, 0, DBLOCK_FL_RELEASED }, d;
	struct ondisk_mblock mb = { MBLOCK_SHARED, 1 }, m;
	uint8_t sector[512];

	(void)state;
	assert_true(ondisk_dblock_offset(0x100000, 1, 512) == 0x100400);
	memset(sector, 0, sizeof(sector));
	ondisk_dblock_seal(&db, sector);
	ondisk_mblock_encode(&mb, sector + ONDISK_MBLOCK_OFFSET);
	assert_int_equal(db.checksum, 0xc1a3222cu);
	t_xxd_expect(sector, 0x100400, sizeof(sector), tv8, NLINES(tv8));
	ondisk_dblock_decode(sector, &d);
	ondisk_mblock_decode(sector + ONDISK_MBLOCK_OFFSET, &m);
	assert_int_equal(ondisk_dblock_verify(&d), 0);
	assert_int_equal(d.flags, DBLOCK_FL_RELEASED);
	assert_int_equal(m.flags, MBLOCK_SHARED);
	assert_true(m.generation == 1);
	/* after the shared release the mode block line is zero */
	memset(&mb, 0, sizeof(mb));
	ondisk_mblock_encode(&mb, sector + ONDISK_MBLOCK_OFFSET);
	t_xxd_expect(sector, 0x100400, 128, tv8, NLINES(tv8));
	assert_true(t_all_zero(sector + 128, 512 - 128));
}

/* 48-character names fill the field with no NUL (section 1 item 4);
 * images checked against 3.8.5 `direct init` with such names. */
static void names_48_in_images(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	char n48[49], m48[49];
	uint8_t *img = malloc(M1);

	(void)state;
	assert_non_null(img);
	memset(n48, 'x', 48); n48[48] = 0;
	memset(m48, 'y', 48); m48[48] = 0;
	t_sizes(512, M1, &sz);
	ondisk_resource_image(img, &sz, n48, m48, 0, 0, 0);
	assert_memory_equal(img + 56, n48, 48);
	assert_memory_equal(img + 104, m48, 48);
	assert_int_equal(t_le32(img + 168), 0xaf849acbu);
	ondisk_leader_decode(img, &lr);
	assert_int_equal(ondisk_paxos_verify(&lr, n48, m48, 1), 0);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksums_delta_init),
		cmocka_unit_test(checksums_paxos_init),
		cmocka_unit_test(checksums_rindex_lease),
		cmocka_unit_test(checksums_daemon_records),
		cmocka_unit_test(tv1_lockspace_512_1m),
		cmocka_unit_test(tv2_lockspace_4096),
		cmocka_unit_test(lockspace_first_write),
		cmocka_unit_test(tv3_resource),
		cmocka_unit_test(tv4_cleared),
		cmocka_unit_test(resource_num_hosts),
		cmocka_unit_test(tv5_acquired_delta),
		cmocka_unit_test(tv6_acquired_paxos),
		cmocka_unit_test(tv7_rindex),
		cmocka_unit_test(tv8_shared),
		cmocka_unit_test(names_48_in_images),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
