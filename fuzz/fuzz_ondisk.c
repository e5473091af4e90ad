/*
 * fuzz_ondisk.c - libFuzzer harness for every decode / verify path of
 * ondisk/ (ondisk/ondisk.h): leader, dblock, mode block, request, rindex
 * header and entries, host-message record, host_id bitmap, sizes from a
 * leader / from API flags, positions.
 *
 * The input is an area prefix (at most FZ_AREA_MAX bytes, zero-padded)
 * read once with 512-byte and once with 4096-byte sectors; every sector
 * is decoded as each record kind.  The last FZ_PARAM_LEN bytes of the
 * input also serve as parameters (host_ids, offsets, flags, init-time
 * values); the names in sector 0 seed the init records and (one input in
 * 16) the whole 1 MiB lockspace and resource images.
 *
 * Findings are crashes, sanitizer reports AND violated invariants:
 *  - encode(decode(b)) reproduces the record bytes exactly (padding: 0),
 *    decode(encode(decode(b))) gives the same struct;
 *  - the *_checksum functions equal ondisk_checksum over the raw bytes;
 *  - seal produces a record that verifies (checksum-wise);
 *  - verify results are one of the documented codes, in the documented
 *    order;
 *  - sizes, align flags, bitmap and position helpers are consistent.
 *
 * Single-threaded; no state between inputs.
 */
#include <errno.h>
#include <string.h>

#include "fuzz/fuzz_util.h"
#include "ondisk/ondisk.h"

#define FZ_AREA_MAX  8192
#define FZ_PARAM_LEN 64

/* ---- leader ---- */

static void fz_sizes_check(const struct ondisk_sizes *sz)
{
	struct ondisk_sizes again;
	uint32_t api;

	FZ_CHECK(sz->sector_size == 512 || sz->sector_size == 4096, "ss %u",
		 sz->sector_size);
	FZ_CHECK((uint64_t)sz->max_hosts * sz->sector_size <= sz->align_size,
		 "max_hosts %u does not fit", sz->max_hosts);
	FZ_CHECK(ondisk_sizes_from_pair(sz->sector_size, sz->align_size,
					&again) == 0 &&
		 memcmp(&again, sz, sizeof(again)) == 0, "pair table");
	FZ_CHECK(ondisk_lfl_align_flag(sz->align_size) != 0, "lfl flag");
	FZ_CHECK(ondisk_align_from_lfl(ondisk_lfl_align_flag(sz->align_size)) ==
		 sz->align_size, "lfl round trip");
	FZ_CHECK(ondisk_align_from_rhf(ondisk_rhf_align_flag(sz->align_size)) ==
		 sz->align_size, "rhf round trip");
	api = ondisk_api_flags(sz);
	FZ_CHECK(ondisk_sizes_from_api_flags(api, &again) == 1 &&
		 memcmp(&again, sz, sizeof(again)) == 0, "api flags round trip");
	FZ_CHECK(ondisk_rindex_capacity(sz) ==
		 sz->max_hosts * (sz->sector_size / ONDISK_RINDEX_ENTRY_SIZE),
		 "capacity");
}

static void fz_leader(const uint8_t *b, uint64_t host_id)
{
	struct ondisk_leader a, c, s;
	struct ondisk_sizes sz;
	uint8_t enc[ONDISK_LEADER_SIZE], enc2[ONDISK_LEADER_SIZE];
	char space[ONDISK_NAME_LEN + 1], res[ONDISK_NAME_LEN + 1];
	char reset[ONDISK_NAME_LEN];
	int rv, magic_ok, version_ok, sum_ok;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_leader_decode(b, &a);
	ondisk_leader_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, ONDISK_LEADER_SIZE) == 0, "leader re-encode");
	ondisk_leader_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "leader decode(encode)");
	FZ_CHECK(ondisk_leader_same(&a, &c), "leader_same of equal records");

	/* checksum over the raw bytes 0..167 */
	FZ_CHECK(ondisk_leader_checksum(&a) ==
		 ondisk_checksum(b, ONDISK_LEADER_CHECKSUM_LEN), "leader crc");
	sum_ok = a.checksum == ondisk_checksum(b, ONDISK_LEADER_CHECKSUM_LEN);

	/* names */
	ondisk_name_str(space, a.space_name);
	ondisk_name_str(res, a.resource_name);
	FZ_CHECK(strlen(space) <= ONDISK_NAME_LEN && space[ONDISK_NAME_LEN] == 0,
		 "name_str terminated");
	ondisk_name_set(reset, space);
	FZ_CHECK(ondisk_name_eq(reset, a.space_name), "name_set(name_str)");

	/* 9.1 delta verify: order magic, version, name, checksum */
	magic_ok = a.magic == DELTA_DISK_MAGIC;
	version_ok = (a.version & ONDISK_VERSION_MAJOR_MASK) ==
		     DELTA_DISK_VERSION_MAJOR;
	rv = ondisk_delta_verify(&a, space);
	FZ_CHECK(rv == (!magic_ok ? SANLK_LEADER_MAGIC :
			!version_ok ? SANLK_LEADER_VERSION :
			!sum_ok ? SANLK_LEADER_CHECKSUM : 0),
		 "delta_verify own name %d", rv);
	FZ_CHECK(ondisk_delta_verify(&a, NULL) == rv, "delta_verify NULL name");
	rv = ondisk_delta_verify(&a, "\x01other");
	FZ_CHECK(rv == SANLK_LEADER_MAGIC || rv == SANLK_LEADER_VERSION ||
		 rv == SANLK_LEADER_LOCKSPACE || rv == SANLK_LEADER_CHECKSUM ||
		 rv == 0, "delta_verify code %d", rv);

	/* 9.2 paxos verify */
	rv = ondisk_paxos_verify(&a, space, res, host_id);
	if (a.magic == PAXOS_DISK_CLEAR || a.magic != PAXOS_DISK_MAGIC)
		FZ_CHECK(rv == SANLK_LEADER_MAGIC, "paxos magic %d", rv);
	else if ((a.version & ONDISK_VERSION_MAJOR_MASK) != PAXOS_DISK_VERSION_MAJOR)
		FZ_CHECK(rv == SANLK_LEADER_VERSION, "paxos version %d", rv);
	else if (a.num_hosts < host_id)
		FZ_CHECK(rv == SANLK_LEADER_NUMHOSTS, "paxos numhosts %d", rv);
	else
		FZ_CHECK(rv == (sum_ok ? 0 : SANLK_LEADER_CHECKSUM),
			 "paxos checksum %d", rv);
	FZ_CHECK(ondisk_paxos_verify(&a, NULL, NULL, host_id) == rv,
		 "paxos_verify NULL names");

	/* seal: the checksum field then matches the bytes */
	s = a;
	memset(enc2, 0, sizeof(enc2));
	ondisk_leader_seal(&s, enc2);
	FZ_CHECK(s.checksum == ondisk_checksum(enc2, ONDISK_LEADER_CHECKSUM_LEN),
		 "seal crc");
	s.magic = DELTA_DISK_MAGIC;
	s.version = DELTA_DISK_VERSION;
	ondisk_leader_seal(&s, enc2);
	FZ_CHECK(ondisk_delta_verify(&s, space) == 0, "sealed delta verifies");
	/* a change inside the compared range is seen */
	c = a;
	c.lver ^= 1;
	FZ_CHECK(!ondisk_leader_same(&a, &c), "leader_same sees lver");

	/* sizes from the record */
	memset(&sz, 0, sizeof(sz));
	rv = ondisk_sizes_from_leader(a.sector_size, a.flags, &sz);
	if (a.sector_size != 512 && a.sector_size != 4096) {
		FZ_CHECK(rv == SANLK_LEADER_SECTORSIZE, "sizes ss %d", rv);
	} else {
		FZ_CHECK(rv == 0 || rv == SANLK_ADDLS_SIZES, "sizes rv %d", rv);
		if (rv == 0) {
			uint32_t al = ondisk_align_from_lfl(a.flags);

			FZ_CHECK(sz.sector_size == a.sector_size, "sizes ss");
			FZ_CHECK(sz.align_size == (al ? al :
				 a.sector_size == 512 ? ONDISK_ALIGN_1M :
				 ONDISK_ALIGN_8M), "sizes align");
			fz_sizes_check(&sz);
		}
	}
}

/* ---- paxos records ---- */

static void fz_dblock(const uint8_t *b)
{
	struct ondisk_dblock a, c;
	uint8_t enc[ONDISK_DBLOCK_SIZE];
	int rv;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_dblock_decode(b, &a);
	ondisk_dblock_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, sizeof(enc)) == 0, "dblock re-encode");
	ondisk_dblock_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "dblock decode(encode)");
	FZ_CHECK(ondisk_dblock_checksum(&a) ==
		 ondisk_checksum(b, ONDISK_DBLOCK_CHECKSUM_LEN), "dblock crc");
	rv = ondisk_dblock_verify(&a);
	if (ondisk_dblock_never_written(&a))
		FZ_CHECK(rv == 0, "never written dblock %d", rv);
	else
		FZ_CHECK(rv == (a.checksum == ondisk_dblock_checksum(&a) ? 0 :
				SANLK_DBLOCK_CHECKSUM), "dblock verify %d", rv);
	c = a;
	ondisk_dblock_seal(&c, enc);
	FZ_CHECK(ondisk_dblock_verify(&c) == 0, "sealed dblock verifies");
	FZ_CHECK(c.checksum == ondisk_checksum(enc, ONDISK_DBLOCK_CHECKSUM_LEN),
		 "dblock seal crc");
}

static void fz_mblock(const uint8_t *b)
{
	struct ondisk_mblock a, c;
	uint8_t enc[ONDISK_MBLOCK_SIZE];

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_mblock_decode(b, &a);
	memset(enc, 0xEE, sizeof(enc));
	ondisk_mblock_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, 4) == 0 && memcmp(enc + 8, b + 8, 8) == 0,
		 "mblock re-encode");
	FZ_CHECK(enc[4] == 0 && enc[5] == 0 && enc[6] == 0 && enc[7] == 0,
		 "mblock padding written as zero");
	ondisk_mblock_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "mblock decode(encode)");
}

static void fz_request(const uint8_t *b)
{
	struct ondisk_request a, c;
	uint8_t enc[ONDISK_REQUEST_SIZE];
	int rv;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_request_decode(b, &a);
	memset(enc, 0xEE, sizeof(enc));
	ondisk_request_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, 20) == 0, "request re-encode");
	FZ_CHECK(!enc[20] && !enc[21] && !enc[22] && !enc[23], "request pad");
	ondisk_request_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "request decode(encode)");
	rv = ondisk_request_verify(&a);
	FZ_CHECK(rv == (a.magic != REQ_DISK_MAGIC ? SANLK_REQUEST_MAGIC :
			(a.version & ONDISK_VERSION_MAJOR_MASK) !=
			REQ_DISK_VERSION_MAJOR ? SANLK_REQUEST_VERSION : 0),
		 "request verify %d", rv);
}

/* ---- rindex ---- */

static void fz_rindex_header(const uint8_t *b, const char *other_name)
{
	struct ondisk_rindex_header a, c;
	uint8_t enc[ONDISK_RINDEX_HEADER_SIZE];
	char name[ONDISK_NAME_LEN + 1];
	uint32_t al;
	size_t nlen;
	int rv;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_rindex_header_decode(b, &a);
	ondisk_rindex_header_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, sizeof(enc)) == 0, "rindex header re-encode");
	ondisk_rindex_header_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "rindex header decode(encode)");

	ondisk_name_str(name, a.lockspace_name);
	nlen = strnlen(a.lockspace_name, ONDISK_NAME_LEN);
	rv = ondisk_rindex_header_verify(&a, name, a.rx_offset);
	FZ_CHECK(rv == (a.magic != RINDEX_DISK_MAGIC ? SANLK_RINDEX_MAGIC :
			(a.version & ONDISK_VERSION_MAJOR_MASK) !=
			RINDEX_DISK_VERSION_MAJOR ? SANLK_RINDEX_VERSION :
			nlen == ONDISK_NAME_LEN ? SANLK_RINDEX_LOCKSPACE : 0),
		 "rindex header verify own name %d", rv);
	rv = ondisk_rindex_header_verify(&a, other_name, a.rx_offset + 1);
	FZ_CHECK(rv == SANLK_RINDEX_MAGIC || rv == SANLK_RINDEX_VERSION ||
		 rv == SANLK_RINDEX_LOCKSPACE || rv == SANLK_RINDEX_OFFSET,
		 "rindex header verify other %d", rv);
	al = ondisk_align_from_rhf(a.flags);
	FZ_CHECK(al == 0 || ondisk_align_from_rhf(ondisk_rhf_align_flag(al)) == al,
		 "rhf flags");
}

static void fz_rindex_entry(const uint8_t *b)
{
	struct ondisk_rindex_entry a, c;
	uint8_t enc[ONDISK_RINDEX_ENTRY_SIZE];

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_rindex_entry_decode(b, &a);
	ondisk_rindex_entry_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, sizeof(enc)) == 0, "rindex entry re-encode");
	ondisk_rindex_entry_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "rindex entry decode(encode)");
	FZ_CHECK(ondisk_rindex_entry_free(&a) ==
		 (a.res_offset == 0 && a.name[0] == 0), "entry_free");
}

/* ---- message record (bytes 200..255) ---- */

static void fz_msg(const uint8_t *b, uint64_t gen)
{
	struct ondisk_msg a, c;
	uint8_t enc[ONDISK_MSG_SIZE];
	int rv;

	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	ondisk_msg_decode(b, &a);
	ondisk_msg_encode(&a, enc);
	FZ_CHECK(memcmp(enc, b, sizeof(enc)) == 0, "msg re-encode");
	ondisk_msg_decode(enc, &c);
	FZ_CHECK(memcmp(&a, &c, sizeof(a)) == 0, "msg decode(encode)");
	FZ_CHECK(ondisk_msg_checksum(&a) ==
		 ondisk_checksum(b, ONDISK_MSG_CHECKSUM_LEN), "msg crc");
	rv = ondisk_msg_verify(&a, gen);
	if (a.magic != ONDISK_MSG_MAGIC || a.version != ONDISK_MSG_VERSION)
		FZ_CHECK(rv == -ENOMSG, "msg verify magic %d", rv);
	else if (a.checksum != ondisk_msg_checksum(&a))
		FZ_CHECK(rv == -EBADMSG, "msg verify crc %d", rv);
	else
		FZ_CHECK(rv == (a.owner_generation == gen ? 0 : -ESTALE),
			 "msg verify gen %d", rv);
	c = a;
	c.magic = ONDISK_MSG_MAGIC;
	c.version = ONDISK_MSG_VERSION;
	ondisk_msg_seal(&c, enc);
	FZ_CHECK(ondisk_msg_verify(&c, c.owner_generation) == 0,
		 "sealed msg verifies");
}

/* ---- bitmap (bytes 256..511) ---- */

static void fz_bitmap(const uint8_t *b, uint64_t host_id)
{
	uint8_t bm[ONDISK_BITMAP_SIZE], orig[ONDISK_BITMAP_SIZE];
	int valid = host_id >= 1 && host_id <= ONDISK_BITMAP_SIZE * 8;
	int was;

	memcpy(bm, b, sizeof(bm));
	memcpy(orig, b, sizeof(orig));
	was = ondisk_bitmap_test(bm, host_id);
	if (valid)
		FZ_CHECK(was == ((bm[(host_id - 1) / 8] >>
				  ((host_id - 1) % 8)) & 1), "bitmap test");
	else
		FZ_CHECK(was == 0, "bitmap test out of range");
	ondisk_bitmap_set(bm, host_id);
	FZ_CHECK(ondisk_bitmap_test(bm, host_id) == valid, "bitmap set");
	ondisk_bitmap_clear(bm, host_id);
	FZ_CHECK(ondisk_bitmap_test(bm, host_id) == 0, "bitmap clear");
	if (was)
		ondisk_bitmap_set(bm, host_id);
	FZ_CHECK(memcmp(bm, orig, sizeof(bm)) == 0,
		 "bitmap ops touched other bits");
}

/* ---- sizes and positions from parameters ---- */

static void fz_params(struct fz_in *in)
{
	struct ondisk_sizes sz;
	uint32_t flags = fz_u32(in), n = fz_u32(in), i = 0;
	uint64_t off = fz_u64(in), rx = fz_u64(in), ro = fz_u64(in);
	uint64_t hid = fz_u64(in);
	uint32_t ss = (fz_u8(in) & 1) ? 4096 : 512, p;
	int rv;

	rv = ondisk_sizes_from_api_flags(flags, &sz);
	FZ_CHECK(rv == 0 || rv == 1 || rv == -EINVAL, "api flags %d", rv);
	if (rv == 1) {
		fz_sizes_check(&sz);
		FZ_CHECK((ondisk_api_flags(&sz) & flags) != 0, "api flags subset");
	}
	if (rv == 0)
		FZ_CHECK(!(flags & 0x3F0u), "api flags none given");

	p = ondisk_pow2_at_least(n);
	if (n > 0x80000000u) {
		FZ_CHECK(p == 0, "pow2 of %u", n);
	} else {
		FZ_CHECK(p >= n && (p & (p - 1)) == 0, "pow2 %u -> %u", n, p);
		FZ_CHECK(p == 1 || p / 2 < n, "pow2 not minimal %u -> %u", n, p);
	}

	if (hid >= 1) {
		FZ_CHECK(ondisk_delta_offset(off, hid, ss) ==
			 off + (hid - 1) * ss, "delta offset");
		FZ_CHECK(ondisk_mblock_offset(off, hid, ss) ==
			 ondisk_dblock_offset(off, hid, ss) + ONDISK_MBLOCK_OFFSET,
			 "mblock offset");
	}
	FZ_CHECK(ondisk_lvb_offset(off, ss) == off + 2002ull * ss, "lvb offset");

	if (ondisk_sizes_default(ss, &sz) == 0) {
		rv = ondisk_rindex_res_index(rx, sz.align_size, ro, &i);
		FZ_CHECK(rv == 0 || rv == SANLK_RINDEX_OFFSET, "res_index %d", rv);
		/* entry i's resource lies at the offset asked about, when
		 * the index itself is aligned (as rindex_create requires) */
		if (rv == 0 && rx % sz.align_size == 0 &&
		    rx <= UINT64_MAX - 2ull * sz.align_size)
			FZ_CHECK(ondisk_rindex_res_offset(rx, sz.align_size, i) ==
				 ro, "res_index round trip");
		FZ_CHECK(ondisk_rindex_lease_offset(rx, sz.align_size) ==
			 rx + sz.align_size, "rindex lease offset");
		FZ_CHECK(ondisk_rindex_entry_offset(rx, ss, n) ==
			 rx + ss + (uint64_t)n * ONDISK_RINDEX_ENTRY_SIZE,
			 "entry offset");
	}
}

/* ---- init-time contents (sections 4.3, 8) from input names ---- */

static void fz_init_records(const uint8_t *b, struct fz_in *in)
{
	static uint8_t img[ONDISK_ALIGN_1M];
	struct ondisk_sizes sz;
	struct ondisk_leader lr;
	struct ondisk_request rq;
	struct ondisk_rindex_header rh;
	char ls[ONDISK_NAME_LEN + 1], res[ONDISK_NAME_LEN + 1];
	uint64_t num_hosts = fz_u16(in);
	uint32_t maxres = fz_u32(in), k;
	uint16_t io = fz_u16(in);
	uint8_t sel = fz_u8(in);
	int rv;

	ondisk_name_str(ls, (const char *)b + 56);
	ondisk_name_str(res, (const char *)b + 104);
	rv = ondisk_sizes_from_pair(sel & 1 ? 4096 : 512,
				    ONDISK_ALIGN_1M << ((sel >> 1) & 3), &sz);
	if (rv < 0)
		ondisk_sizes_default(512, &sz);

	ondisk_delta_leader_init(&lr, &sz, ls, io);
	FZ_CHECK(ondisk_delta_verify(&lr, ls) == 0, "delta init verifies");
	ondisk_paxos_leader_init(&lr, &sz, ls, res, num_hosts);
	FZ_CHECK(lr.num_hosts >= 1 && lr.num_hosts <= sz.max_hosts,
		 "paxos init num_hosts %llu", (unsigned long long)lr.num_hosts);
	FZ_CHECK(ondisk_paxos_verify(&lr, ls, res, lr.num_hosts) == 0,
		 "paxos init verifies");
	ondisk_request_init(&rq);
	FZ_CHECK(ondisk_request_verify(&rq) == 0, "request init verifies");
	ondisk_rindex_header_init(&rh, &sz, ls, 0, maxres);
	FZ_CHECK(rh.max_resources >= 1 &&
		 rh.max_resources <= ondisk_rindex_capacity(&sz),
		 "rindex init max_resources %u", rh.max_resources);
	FZ_CHECK(ondisk_rindex_header_verify(&rh, ls, 0) ==
		 (strlen(ls) == ONDISK_NAME_LEN ? SANLK_RINDEX_LOCKSPACE : 0),
		 "rindex init verifies");

	/* whole-area images: 1 MiB areas, one input in 16 (not the all-zero
	 * parameter tail of most inputs: an image costs milliseconds) */
	if ((sel & 0xF0) != 0x50 || sz.align_size != ONDISK_ALIGN_1M)
		return;
	ondisk_lockspace_image(img, &sz, ls, io, (sel >> 3) & 1);
	for (k = 0; k < sz.max_hosts; k += k < 3 ? 1 : sz.max_hosts - 4) {
		ondisk_leader_decode(img + (uint64_t)k * sz.sector_size, &lr);
		if (k == 0 && !((sel >> 3) & 1))
			FZ_CHECK(lr.magic == 0, "first write has magic 0");
		else
			FZ_CHECK(ondisk_delta_verify(&lr, ls) == 0,
				 "image slot %u does not verify", k);
	}
	ondisk_resource_image(img, &sz, ls, res, num_hosts, (sel >> 2) & 1, io);
	ondisk_leader_decode(img, &lr);
	if ((sel >> 2) & 1)
		FZ_CHECK(lr.magic == PAXOS_DISK_CLEAR && lr.write_timestamp == io,
			 "cleared image");
	else
		FZ_CHECK(ondisk_paxos_verify(&lr, ls, res, 1) == 0,
			 "resource image leader");
	ondisk_request_decode(img + sz.sector_size, &rq);
	FZ_CHECK(ondisk_request_verify(&rq) == 0 && rq.lver == 0,
		 "resource image request");
}

static void fz_sector(const uint8_t *sec, uint32_t ss, uint64_t host_id,
		      uint64_t gen)
{
	uint32_t off;

	fz_leader(sec, host_id);
	fz_msg(sec + ONDISK_MSG_OFFSET, gen);
	fz_bitmap(sec + ONDISK_BITMAP_OFFSET, host_id);
	fz_bitmap(sec + ONDISK_BITMAP_OFFSET, (host_id % 2050));
	fz_dblock(sec);
	fz_mblock(sec + ONDISK_MBLOCK_OFFSET);
	fz_request(sec);
	fz_rindex_header(sec, "x");
	for (off = 0; off + ONDISK_RINDEX_ENTRY_SIZE <= ss; off += ONDISK_RINDEX_ENTRY_SIZE)
		fz_rindex_entry(sec + off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t area[FZ_AREA_MAX];
	struct fz_in in;
	size_t len = size < FZ_AREA_MAX ? size : FZ_AREA_MAX;
	uint64_t host_id, gen;
	uint32_t ss, off;

	memset(area, 0, sizeof(area));
	memcpy(area, data, len);
	if (size >= FZ_PARAM_LEN)
		fz_in_init(&in, data + size - FZ_PARAM_LEN, FZ_PARAM_LEN);
	else
		fz_in_init(&in, data, size);
	host_id = fz_u16(&in);
	gen = fz_u64(&in);
	fz_params(&in);
	fz_init_records(area, &in);

	/* the crc's published check value, every time (cheap) */
	FZ_CHECK(ondisk_checksum("123456789", 9) == 0xE8C7BB34u, "crc check");
	FZ_CHECK(ondisk_checksum(data, size) == ondisk_checksum(data, size),
		 "crc deterministic");

	for (ss = 512; ss <= 4096; ss *= 8) {
		/* sectors that hold input bytes; always at least one */
		for (off = 0; off == 0 || (off < len && off + ss <= FZ_AREA_MAX);
		     off += ss)
			fz_sector(area + off, ss, host_id, gen);
	}
	return 0;
}
