/*
 * test_ondisk.c - unit tests of ondisk/: the sanlock CRC, round trips of
 * every record and every field at its documented offset (spec/ondisk.md
 * sections 3.1, 4.6-4.8, 5, 7.2, 7.3; messages.md section 2).
 * Single-threaded test code.
 */
#include "ondisk_test_util.h"

/* ---- checksum ---- */

static void crc_check_value(void **state)
{
	(void)state;
	assert_int_equal(ondisk_checksum("123456789", 9), 0xE8C7BB34u);
}

static void crc_zero_blocks(void **state)
{
	uint8_t z[ONDISK_LEADER_CHECKSUM_LEN] = { 0 };

	(void)state;
	assert_int_equal(ondisk_checksum(z, 168), 0x7E11FBD1u);
	assert_int_equal(ondisk_checksum(z, 48), 0xCB5AD842u);
	/* empty input leaves the initial register */
	assert_int_equal(ondisk_checksum(z, 0), 0xFFFFFFFEu);
}

/* Bit-by-bit reference (section 5.1), independent of the table. */
static uint32_t ref_crc(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xFFFFFFFEu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
	}
	return crc;
}

static void crc_matches_bitwise_reference(void **state)
{
	uint8_t buf[512];
	size_t i, len;

	(void)state;
	/* Single bytes exercise every table entry: T[b ^ 0xFE] etc. */
	for (i = 0; i < 256; i++) {
		uint8_t b = (uint8_t)i;

		assert_int_equal(ondisk_checksum(&b, 1), ref_crc(&b, 1));
	}
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (len = 0; len <= sizeof(buf); len += 37)
		assert_int_equal(ondisk_checksum(buf, len), ref_crc(buf, len));
}

/* T[1] = 0xF26B8303 and T[128] = 0x82F63B78 (section 5.1): a one-byte CRC
 * from init 0xFFFFFFFE with byte b gives T[(0xFE ^ b)] ^ 0x00FFFFFF. */
static void crc_table_entries(void **state)
{
	uint8_t b;

	(void)state;
	b = 0xFE ^ 1;
	assert_int_equal(ondisk_checksum(&b, 1), 0xF26B8303u ^ 0x00FFFFFFu);
	b = 0xFE ^ 128;
	assert_int_equal(ondisk_checksum(&b, 1), 0x82F63B78u ^ 0x00FFFFFFu);
}

/* ---- leader ---- */

static void fill_name(char *dst, char base)
{
	int i;

	for (i = 0; i < ONDISK_NAME_LEN; i++)
		dst[i] = (char)(base + i % 26);
}

static void leader_distinct(struct ondisk_leader *lr)
{
	memset(lr, 0, sizeof(*lr));
	lr->magic = 0x01020304u;
	lr->version = 0x05060708u;
	lr->flags = 0x090a0b0cu;
	lr->sector_size = 0x0d0e0f10u;
	lr->num_hosts = 0x1112131415161718ull;
	lr->max_hosts = 0x2122232425262728ull;
	lr->owner_id = 0x3132333435363738ull;
	lr->owner_generation = 0x4142434445464748ull;
	lr->lver = 0x5152535455565758ull;
	fill_name(lr->space_name, 'a');
	fill_name(lr->resource_name, 'A');
	lr->timestamp = 0x6162636465666768ull;
	lr->unused1 = 0x7172737475767778ull;
	lr->checksum = 0x81828384u;
	lr->unused2 = 0x9192u;
	lr->io_timeout = 0xa1a2u;
	lr->write_id = 0xb1b2b3b4b5b6b7b8ull;
	lr->write_generation = 0xc1c2c3c4c5c6c7c8ull;
	lr->write_timestamp = 0xd1d2d3d4d5d6d7d8ull;
}

static void leader_field_offsets(void **state)
{
	struct ondisk_leader lr;
	uint8_t b[ONDISK_LEADER_SIZE + 8];

	(void)state;
	leader_distinct(&lr);
	memset(b, 0xEE, sizeof(b));
	ondisk_leader_encode(&lr, b);
	assert_int_equal(t_le32(b + 0), lr.magic);
	assert_int_equal(t_le32(b + 4), lr.version);
	assert_int_equal(t_le32(b + 8), lr.flags);
	assert_int_equal(t_le32(b + 12), lr.sector_size);
	assert_true(t_le64(b + 16) == lr.num_hosts);
	assert_true(t_le64(b + 24) == lr.max_hosts);
	assert_true(t_le64(b + 32) == lr.owner_id);
	assert_true(t_le64(b + 40) == lr.owner_generation);
	assert_true(t_le64(b + 48) == lr.lver);
	assert_memory_equal(b + 56, lr.space_name, 48);
	assert_memory_equal(b + 104, lr.resource_name, 48);
	assert_true(t_le64(b + 152) == lr.timestamp);
	assert_true(t_le64(b + 160) == lr.unused1);
	assert_int_equal(t_le32(b + 168), lr.checksum);
	assert_int_equal(t_le16(b + 172), lr.unused2);
	assert_int_equal(t_le16(b + 174), lr.io_timeout);
	assert_true(t_le64(b + 176) == lr.write_id);
	assert_true(t_le64(b + 184) == lr.write_generation);
	assert_true(t_le64(b + 192) == lr.write_timestamp);
	/* exactly 200 bytes written */
	assert_int_equal(b[200], 0xEE);
	/* explicit little-endian byte order */
	assert_int_equal(b[0], 0x04);
	assert_int_equal(b[3], 0x01);
	assert_int_equal(b[16], 0x18);
	assert_int_equal(b[23], 0x11);
}

static void leader_round_trip(void **state)
{
	struct ondisk_leader a, c;
	uint8_t b[ONDISK_LEADER_SIZE], b2[ONDISK_LEADER_SIZE];
	int i;

	(void)state;
	leader_distinct(&a);
	ondisk_leader_encode(&a, b);
	memset(&c, 0x55, sizeof(c));
	ondisk_leader_decode(b, &c);
	assert_memory_equal(&a, &c, sizeof(a)); /* struct has no padding holes */
	/* encode(decode(bytes)) == bytes for arbitrary bytes */
	for (i = 0; i < ONDISK_LEADER_SIZE; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	ondisk_leader_decode(b, &c);
	ondisk_leader_encode(&c, b2);
	assert_memory_equal(b, b2, sizeof(b));
}

static void leader_checksum_range(void **state)
{
	struct ondisk_leader lr;
	uint8_t b[ONDISK_LEADER_SIZE];
	uint32_t c0;

	(void)state;
	leader_distinct(&lr);
	c0 = ondisk_leader_checksum(&lr);
	ondisk_leader_encode(&lr, b);
	assert_int_equal(c0, ondisk_checksum(b, 168));
	/* fields outside bytes 0..167 do not change it */
	lr.checksum ^= 1;
	lr.unused2 ^= 1;
	lr.io_timeout ^= 1;
	lr.write_id ^= 1;
	lr.write_generation ^= 1;
	lr.write_timestamp ^= 1;
	assert_int_equal(ondisk_leader_checksum(&lr), c0);
	/* timestamp and unused1 are inside */
	lr.unused1 ^= 1;
	assert_int_not_equal(ondisk_leader_checksum(&lr), c0);
	lr.unused1 ^= 1;
	lr.timestamp ^= 1;
	assert_int_not_equal(ondisk_leader_checksum(&lr), c0);
}

static void leader_seal(void **state)
{
	struct ondisk_leader lr, d;
	uint8_t b[ONDISK_LEADER_SIZE];

	(void)state;
	leader_distinct(&lr);
	ondisk_leader_seal(&lr, b);
	assert_int_equal(lr.checksum, ondisk_checksum(b, 168));
	assert_int_equal(t_le32(b + 168), lr.checksum);
	ondisk_leader_decode(b, &d);
	assert_int_equal(d.checksum, ondisk_leader_checksum(&d));
}

static void leader_same_compares_152(void **state)
{
	struct ondisk_leader a, c;

	(void)state;
	leader_distinct(&a);
	c = a;
	assert_true(ondisk_leader_same(&a, &c));
	c.timestamp++;          /* byte 152: outside the compare range */
	c.checksum++;
	c.write_timestamp++;
	assert_true(ondisk_leader_same(&a, &c));
	c.resource_name[47] ^= 1; /* byte 151: inside */
	assert_false(ondisk_leader_same(&a, &c));
}

/* ---- dblock / mblock / request ---- */

static void dblock_offsets_round_trip(void **state)
{
	struct ondisk_dblock db = {
		.mbal = 0x0102030405060708ull, .bal = 0x1112131415161718ull,
		.inp = 0x2122232425262728ull, .inp2 = 0x3132333435363738ull,
		.inp3 = 0x4142434445464748ull, .lver = 0x5152535455565758ull,
		.checksum = 0x61626364u, .flags = 0x71727374u,
	}, d;
	uint8_t b[ONDISK_DBLOCK_SIZE + 4], b2[ONDISK_DBLOCK_SIZE];
	int i;

	(void)state;
	memset(b, 0xEE, sizeof(b));
	ondisk_dblock_encode(&db, b);
	assert_true(t_le64(b + 0) == db.mbal);
	assert_true(t_le64(b + 8) == db.bal);
	assert_true(t_le64(b + 16) == db.inp);
	assert_true(t_le64(b + 24) == db.inp2);
	assert_true(t_le64(b + 32) == db.inp3);
	assert_true(t_le64(b + 40) == db.lver);
	assert_int_equal(t_le32(b + 48), db.checksum);
	assert_int_equal(t_le32(b + 52), db.flags);
	assert_int_equal(b[56], 0xEE);
	ondisk_dblock_decode(b, &d);
	assert_memory_equal(&d, &db, sizeof(d));
	for (i = 0; i < ONDISK_DBLOCK_SIZE; i++)
		b[i] = (uint8_t)(255 - i * 3);
	ondisk_dblock_decode(b, &d);
	ondisk_dblock_encode(&d, b2);
	assert_memory_equal(b, b2, ONDISK_DBLOCK_SIZE);
}

static void dblock_checksum_range(void **state)
{
	struct ondisk_dblock db = { 1, 1, 1, 1, 649, 1, 0, 0 };
	uint8_t b[ONDISK_DBLOCK_SIZE];
	uint32_t c;

	(void)state;
	ondisk_dblock_seal(&db, b);
	c = db.checksum;
	assert_int_equal(c, 0xc1a3222cu);  /* section 4.7 */
	assert_int_equal(t_le32(b + 48), c);
	assert_int_equal(c, ondisk_checksum(b, 48));
	db.flags = DBLOCK_FL_RELEASED;     /* flags not covered */
	assert_int_equal(ondisk_dblock_checksum(&db), c);
	db.lver = 2;
	assert_int_not_equal(ondisk_dblock_checksum(&db), c);
}

static void mblock_offsets_padding(void **state)
{
	struct ondisk_mblock mb = { .flags = 0x01020304u,
				    .generation = 0x1112131415161718ull }, d;
	uint8_t b[ONDISK_MBLOCK_SIZE + 2];

	(void)state;
	memset(b, 0xEE, sizeof(b));
	ondisk_mblock_encode(&mb, b);
	assert_int_equal(t_le32(b + 0), mb.flags);
	assert_int_equal(t_le32(b + 4), 0);        /* padding written 0 */
	assert_true(t_le64(b + 8) == mb.generation); /* generation at +8 */
	assert_int_equal(b[16], 0xEE);
	/* padding ignored on read */
	b[4] = 0xAA; b[5] = 0xBB; b[6] = 0xCC; b[7] = 0xDD;
	memset(&d, 0, sizeof(d));
	ondisk_mblock_decode(b, &d);
	assert_int_equal(d.flags, mb.flags);
	assert_true(d.generation == mb.generation);
}

static void request_offsets_padding(void **state)
{
	struct ondisk_request rr = { .magic = 0x01020304u, .version = 0x05060708u,
				     .lver = 0x1112131415161718ull,
				     .force_mode = 0x21222324u }, d;
	uint8_t b[ONDISK_REQUEST_SIZE + 2];

	(void)state;
	memset(b, 0xEE, sizeof(b));
	ondisk_request_encode(&rr, b);
	assert_int_equal(t_le32(b + 0), rr.magic);
	assert_int_equal(t_le32(b + 4), rr.version);
	assert_true(t_le64(b + 8) == rr.lver);
	assert_int_equal(t_le32(b + 16), rr.force_mode);
	assert_int_equal(t_le32(b + 20), 0);       /* padding written 0 */
	assert_int_equal(b[24], 0xEE);
	/* garbage padding (observed 67 55 00 00) is ignored */
	b[20] = 0x67; b[21] = 0x55;
	ondisk_request_decode(b, &d);
	assert_int_equal(d.magic, rr.magic);
	assert_int_equal(d.version, rr.version);
	assert_true(d.lver == rr.lver);
	assert_int_equal(d.force_mode, rr.force_mode);
}

static void request_init(void **state)
{
	struct ondisk_request rr;
	uint8_t b[ONDISK_REQUEST_SIZE];
	static const uint8_t exp[ONDISK_REQUEST_SIZE] = {
		0x11, 0x20, 0x29, 0x08, 0x01, 0x00, 0x01, 0x00,
	};

	(void)state;
	ondisk_request_init(&rr);
	ondisk_request_encode(&rr, b);
	assert_memory_equal(b, exp, sizeof(exp));
}

/* ---- rindex ---- */

static void rindex_header_offsets_round_trip(void **state)
{
	struct ondisk_rindex_header rh = {
		.magic = 0x01020304u, .version = 0x05060708u, .flags = 0x090a0b0cu,
		.sector_size = 0x0d0e0f10u, .max_resources = 0x11121314u,
		.unused = 0x15161718u, .rx_offset = 0x2122232425262728ull,
	}, d;
	uint8_t b[ONDISK_RINDEX_HEADER_SIZE + 2];

	(void)state;
	fill_name(rh.lockspace_name, 'k');
	memset(b, 0xEE, sizeof(b));
	ondisk_rindex_header_encode(&rh, b);
	assert_int_equal(t_le32(b + 0), rh.magic);
	assert_int_equal(t_le32(b + 4), rh.version);
	assert_int_equal(t_le32(b + 8), rh.flags);
	assert_int_equal(t_le32(b + 12), rh.sector_size);
	assert_int_equal(t_le32(b + 16), rh.max_resources);
	assert_int_equal(t_le32(b + 20), rh.unused);
	assert_true(t_le64(b + 24) == rh.rx_offset);
	assert_memory_equal(b + 32, rh.lockspace_name, 48);
	assert_int_equal(b[80], 0xEE);
	ondisk_rindex_header_decode(b, &d);
	assert_memory_equal(&d, &rh, sizeof(d));
}

static void rindex_entry_offsets_round_trip(void **state)
{
	struct ondisk_rindex_entry re = {
		.res_offset = 0x0102030405060708ull, .flags = 0x11121314u,
		.unused = 0x21222324u,
	}, d;
	uint8_t b[ONDISK_RINDEX_ENTRY_SIZE + 2];

	(void)state;
	fill_name(re.name, 'n');
	memset(b, 0xEE, sizeof(b));
	ondisk_rindex_entry_encode(&re, b);
	assert_true(t_le64(b + 0) == re.res_offset);
	assert_int_equal(t_le32(b + 8), re.flags);
	assert_int_equal(t_le32(b + 12), re.unused);
	assert_memory_equal(b + 16, re.name, 48);
	assert_int_equal(b[64], 0xEE);
	ondisk_rindex_entry_decode(b, &d);
	assert_memory_equal(&d, &re, sizeof(d));
}

static void rindex_header_init_entry_free(void **state)
{
	struct ondisk_sizes sz;
	struct ondisk_rindex_header rh;
	struct ondisk_rindex_entry re;

	(void)state;
	t_sizes(4096, ONDISK_ALIGN_2M, &sz);
	ondisk_rindex_header_init(&rh, &sz, "LS", 2097152, 4096);
	assert_int_equal(rh.magic, RINDEX_DISK_MAGIC);
	assert_int_equal(rh.version, RINDEX_DISK_VERSION);
	assert_int_equal(rh.flags, RHF_ALIGN_2M);
	assert_int_equal(rh.sector_size, 4096);
	assert_int_equal(rh.max_resources, 4096);
	assert_int_equal(rh.unused, 0);
	assert_true(rh.rx_offset == 2097152);
	assert_string_equal(rh.lockspace_name, "LS");
	ondisk_rindex_header_init(&rh, &sz, "LS", 0, 0);
	assert_int_equal(rh.max_resources, 32000);
	ondisk_rindex_header_init(&rh, &sz, "LS", 0, 99999);
	assert_int_equal(rh.max_resources, 32000);

	memset(&re, 0, sizeof(re));
	assert_true(ondisk_rindex_entry_free(&re));
	re.name[1] = 'x';           /* only name[0] counts */
	assert_true(ondisk_rindex_entry_free(&re));
	re.name[0] = 'x';
	assert_false(ondisk_rindex_entry_free(&re));
	re.name[0] = 0;
	re.res_offset = 1;
	assert_false(ondisk_rindex_entry_free(&re));
}

/* ---- message record (messages.md section 2) ---- */

static void msg_offsets_round_trip(void **state)
{
	struct ondisk_msg m = {
		.magic = ONDISK_MSG_MAGIC, .version = 0x0102, .flags = 0x03,
		.send_no = 0x04, .fire_timeout = 0x0506, .dest_host_id = 0x0708,
		.msg = 0x090a0b0cu, .dest_generation = 0x1112131415161718ull,
		.seq = 0x21222324u, .ack_host_id = 0x2526, .reserved = 0x2728,
		.ack_seq = 0x31323334u, .ack_generation = 0x4142434445464748ull,
		.owner_generation = 0x5152535455565758ull, .checksum = 0x61626364u,
	}, d;
	uint8_t sector[512];
	uint8_t *b = sector + ONDISK_MSG_OFFSET;

	(void)state;
	memset(sector, 0xEE, sizeof(sector));
	ondisk_msg_encode(&m, b);
	/* absolute sector offsets from the table */
	assert_int_equal(t_le32(sector + 200), ONDISK_MSG_MAGIC);
	assert_memory_equal(sector + 200, "HMSG", 4);
	assert_int_equal(t_le16(sector + 204), m.version);
	assert_int_equal(sector[206], m.flags);
	assert_int_equal(sector[207], m.send_no);
	assert_int_equal(t_le16(sector + 208), m.fire_timeout);
	assert_int_equal(t_le16(sector + 210), m.dest_host_id);
	assert_int_equal(t_le32(sector + 212), m.msg);
	assert_true(t_le64(sector + 216) == m.dest_generation);
	assert_int_equal(t_le32(sector + 224), m.seq);
	assert_int_equal(t_le16(sector + 228), m.ack_host_id);
	assert_int_equal(t_le16(sector + 230), m.reserved);
	assert_int_equal(t_le32(sector + 232), m.ack_seq);
	assert_true(t_le64(sector + 236) == m.ack_generation);
	assert_true(t_le64(sector + 244) == m.owner_generation);
	assert_int_equal(t_le32(sector + 252), m.checksum);
	assert_int_equal(sector[199], 0xEE);
	assert_int_equal(sector[256], 0xEE);
	ondisk_msg_decode(b, &d);
	assert_int_equal(d.magic, m.magic);
	assert_int_equal(d.version, m.version);
	assert_int_equal(d.flags, m.flags);
	assert_int_equal(d.send_no, m.send_no);
	assert_int_equal(d.fire_timeout, m.fire_timeout);
	assert_int_equal(d.dest_host_id, m.dest_host_id);
	assert_int_equal(d.msg, m.msg);
	assert_true(d.dest_generation == m.dest_generation);
	assert_int_equal(d.seq, m.seq);
	assert_int_equal(d.ack_host_id, m.ack_host_id);
	assert_int_equal(d.reserved, m.reserved);
	assert_int_equal(d.ack_seq, m.ack_seq);
	assert_true(d.ack_generation == m.ack_generation);
	assert_true(d.owner_generation == m.owner_generation);
	assert_int_equal(d.checksum, m.checksum);
}

static void msg_seal_checksum_range(void **state)
{
	struct ondisk_msg m;
	uint8_t sector[512];
	uint8_t *b = sector + ONDISK_MSG_OFFSET;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.flags = ONDISK_MSG_F_MESSAGE;
	m.dest_host_id = 2;
	m.msg = 0x100;
	m.seq = 1;
	m.owner_generation = 3;
	memset(sector, 0, sizeof(sector));
	ondisk_msg_seal(&m, b);
	assert_int_equal(m.checksum, ondisk_checksum(sector + 200, 52));
	assert_int_equal(t_le32(sector + 252), m.checksum);
	/* checksum covers every byte 200..251, including reserved */
	m.reserved = 1;
	assert_int_not_equal(ondisk_msg_checksum(&m), t_le32(sector + 252));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_check_value),
		cmocka_unit_test(crc_zero_blocks),
		cmocka_unit_test(crc_matches_bitwise_reference),
		cmocka_unit_test(crc_table_entries),
		cmocka_unit_test(leader_field_offsets),
		cmocka_unit_test(leader_round_trip),
		cmocka_unit_test(leader_checksum_range),
		cmocka_unit_test(leader_seal),
		cmocka_unit_test(leader_same_compares_152),
		cmocka_unit_test(dblock_offsets_round_trip),
		cmocka_unit_test(dblock_checksum_range),
		cmocka_unit_test(mblock_offsets_padding),
		cmocka_unit_test(request_offsets_padding),
		cmocka_unit_test(request_init),
		cmocka_unit_test(rindex_header_offsets_round_trip),
		cmocka_unit_test(rindex_entry_offsets_round_trip),
		cmocka_unit_test(rindex_header_init_entry_free),
		cmocka_unit_test(msg_offsets_round_trip),
		cmocka_unit_test(msg_seal_checksum_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
