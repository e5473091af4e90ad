/*
 * direct_dump.c - `sanlock direct dump <path>[:offset[:size]] [-f N]
 * [-Z S -A A]` (spec/cli.md §3.8, ondisk.md §6.3 and Appendix B): list the
 * lease records found in consecutive align-size areas.
 *
 * Sizes come from -Z/-A, else from the first delta or paxos record found
 * probing every MiB from the start (1024 probes at most, or up to size).
 * Each area is read whole and classified by the magic of its first sector:
 * delta leases (one line per slot ever acquired), paxos lease (leader,
 * request, ballots with -f 2, shared holders), rindex (header, entries with
 * -f 1); anything else ends the dump unless a size was given (see
 * dump_areas for how a size counts).
 *
 * Unlike 3.8.5, ballot/mode blocks are only read inside the area (3.8.5
 * crashes when sizes given with -Z/-A do not match the records).
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "disk/disk.h"

#define DUMP_PROBE_STEP     1048576ULL
#define DUMP_PROBE_MAX      1024
#define DUMP_MAX_AREAS      (1u << 20)   /* bound when no size is given */
#define DUMP_SH_INDENT      106          /* SH line: under own/gen columns */
#define DUMP_BITMAP_HOSTS   2048

struct dump_ctx {
	struct disk_handle *disk;
	struct ondisk_sizes sz;
	uint32_t detail;             /* -f */
	int timeout;
};

static void dump_name(char out[ONDISK_NAME_LEN + 1], const char *field)
{
	ondisk_name_str(out, field);
}

/* Sizes from the first delta/paxos record at start + i MiB. */
static int dump_probe(struct dump_ctx *c, uint64_t start, uint64_t size)
{
	uint8_t *buf = disk_buf_alloc(DIRECT_PROBE_BYTES);
	int i, found = 0;

	if (!buf)
		return -1;
	for (i = 0; i < DUMP_PROBE_MAX && !found; i++) {
		uint64_t off = start + (uint64_t)i * DUMP_PROBE_STEP;

		if (size && off >= start + size)
			break;
		memset(buf, 0, DIRECT_PROBE_BYTES);
		if (disk_read(c->disk, off, buf, DIRECT_PROBE_BYTES, c->timeout) < 0)
			break;
		found = direct_sizes_from_record(buf, 0, &c->sz) == 0;
	}
	disk_buf_free(buf);
	return found ? 0 : -1;
}

static void dump_delta(const struct dump_ctx *c, uint64_t pos, const uint8_t *area)
{
	uint32_t ss = c->sz.sector_size, i, nsec = c->sz.align_size / ss;
	char ls[ONDISK_NAME_LEN + 1], host[ONDISK_NAME_LEN + 1];

	for (i = 0; i < nsec; i++) {	/* every sector, as 3.8.5 */
		const uint8_t *sec = area + (uint64_t)i * ss;
		struct ondisk_leader lr;
		uint64_t h;

		ondisk_leader_decode(sec, &lr);
		if (!lr.magic || (!lr.owner_id && !lr.owner_generation))
			continue;
		dump_name(ls, lr.space_name);
		dump_name(host, lr.resource_name);
		printf("%08llu %36s %48s %010llu %04llu %04llu",
		       (unsigned long long)(pos + (uint64_t)i * ss), ls, host,
		       (unsigned long long)lr.timestamp,
		       (unsigned long long)lr.owner_id,
		       (unsigned long long)lr.owner_generation);
		if (c->detail >= 1) {
			for (h = 1; h <= DUMP_BITMAP_HOSTS; h++) {
				if (ondisk_bitmap_test(sec + ONDISK_BITMAP_OFFSET, h))
					printf(" %llu", (unsigned long long)h);
			}
		}
		printf("\n");
	}
}

static void dump_paxos(const struct dump_ctx *c, uint64_t pos, const uint8_t *area)
{
	uint32_t ss = c->sz.sector_size, nsec = c->sz.align_size / ss;
	char ls[ONDISK_NAME_LEN + 1], res[ONDISK_NAME_LEN + 1];
	struct ondisk_leader lr;
	struct ondisk_request rr;
	uint64_t i, nhosts;

	ondisk_leader_decode(area, &lr);
	dump_name(ls, lr.space_name);
	dump_name(res, lr.resource_name);
	printf("%08llu %36s %48s %010llu %04llu %04llu %llu",
	       (unsigned long long)pos, ls, res,
	       (unsigned long long)lr.timestamp,
	       (unsigned long long)lr.owner_id,
	       (unsigned long long)lr.owner_generation,
	       (unsigned long long)lr.lver);
	if (c->detail >= 1) {
		ondisk_request_decode(area + ss, &rr);
		printf("/%llu/%u", (unsigned long long)rr.lver, rr.force_mode);
	}
	printf("\n");

	/* host slots 0..num_hosts-1, never past the area or the table */
	nhosts = lr.num_hosts;
	if (nhosts > c->sz.max_hosts)
		nhosts = c->sz.max_hosts;
	if (nhosts > nsec - 2)
		nhosts = nsec - 2;
	for (i = 0; i < nhosts; i++) {
		const uint8_t *sec = area + (i + 2) * ss;
		struct ondisk_dblock db;
		struct ondisk_mblock mb;

		ondisk_dblock_decode(sec, &db);
		if (c->detail >= 2 && (db.mbal || db.inp || db.lver))
			printf("dblock[%04d] mbal %llu bal %llu inp %llu inp2 %llu "
			       "inp3 %llu lver %llu sum %x\n", (int)i,
			       (unsigned long long)db.mbal,
			       (unsigned long long)db.bal,
			       (unsigned long long)db.inp,
			       (unsigned long long)db.inp2,
			       (unsigned long long)db.inp3,
			       (unsigned long long)db.lver, db.checksum);
		ondisk_mblock_decode(sec + ONDISK_MBLOCK_OFFSET, &mb);
		if (mb.flags & MBLOCK_SHARED)
			printf("%*s%04u %04llu SH\n", DUMP_SH_INDENT, "",
			       (unsigned)(i + 1),
			       (unsigned long long)mb.generation);
	}
}

static void dump_rindex(const struct dump_ctx *c, uint64_t pos, const uint8_t *area)
{
	struct ondisk_rindex_header rh;
	char ls[ONDISK_NAME_LEN + 1], name[ONDISK_NAME_LEN + 1];
	uint32_t i, cap, fit;

	ondisk_rindex_header_decode(area, &rh);
	dump_name(ls, rh.lockspace_name);
	printf("%08llu %36s rindex_header 0x%x %d %u %llu\n",
	       (unsigned long long)pos, ls, rh.flags, (int)rh.sector_size,
	       rh.max_resources, (unsigned long long)rh.rx_offset);
	if (c->detail < 1)
		return;

	/* entries are packed from sector 1 (the dump's sector size, as 3.8.5) */
	cap = ondisk_rindex_capacity(&c->sz);
	fit = (c->sz.align_size - c->sz.sector_size) / ONDISK_RINDEX_ENTRY_SIZE;
	if (cap > fit)
		cap = fit;
	for (i = 0; i < cap; i++) {
		uint64_t rel = c->sz.sector_size + (uint64_t)i * ONDISK_RINDEX_ENTRY_SIZE;
		struct ondisk_rindex_entry re;

		ondisk_rindex_entry_decode(area + rel, &re);
		if (!re.res_offset && !re.name[0])
			continue;
		dump_name(name, re.name);
		printf("%08llu %36s rentry %s %llu\n",
		       (unsigned long long)(pos + rel), ls, name,
		       (unsigned long long)re.res_offset);
	}
}

/*
 * Areas from start while pos < start + size rounded down to whole sectors
 * (as 3.8.5 counts: 1.5 MiB covers two areas, 1 MiB + 1 byte one); a size
 * below one sector counts as no size: continue until the first area
 * without a recognised record.
 */
static void dump_areas(struct dump_ctx *c, uint64_t start, uint64_t size)
{
	uint32_t align = c->sz.align_size, ss = c->sz.sector_size;
	uint64_t i, end = start + (size / ss) * ss;
	int bounded = size / ss != 0;
	uint8_t *area;

	area = disk_buf_alloc(align);
	if (!area)
		return;
	for (i = 0; i < DUMP_MAX_AREAS; i++) {
		uint64_t pos = start + i * align;
		uint32_t magic;

		if (bounded && pos >= end)
			break;
		memset(area, 0, align);
		if (disk_read(c->disk, pos, area, align, c->timeout) < 0)
			break;
		magic = direct_le32(area);
		if (magic == DELTA_DISK_MAGIC)
			dump_delta(c, pos, area);
		else if (magic == PAXOS_DISK_MAGIC)
			dump_paxos(c, pos, area);
		else if (magic == RINDEX_DISK_MAGIC)
			dump_rindex(c, pos, area);
		else if (!bounded)
			break;
	}
	disk_buf_free(area);
}

int direct_action_dump(struct cli_args *a)
{
	struct direct_location loc;
	struct dump_ctx c;

	memset(&c, 0, sizeof(c));
	direct_parse_location(a->dump_path, &loc);
	c.detail = a->force_mode;
	c.timeout = direct_io_timeout(a);

	if (loc.offset % DUMP_PROBE_STEP)
		printf("WARNING: dump offset should be a multiple of 1048576 bytes.\n");
	if (disk_open(loc.path, 0, &c.disk) < 0) {
		printf("Device %s not found.\n", loc.path);
		return 1;
	}
	if (direct_arg_sizes(a, &c.sz) != 1 && dump_probe(&c, loc.offset, loc.size) < 0) {
		printf("Cannot find sector_size and align_size, set with -A and -Z.\n");
		disk_close(c.disk);
		return 1;
	}
	printf("%8s %36s %48s %10s %4s %4s %s%s\n", "offset", "lockspace",
	       "resource", "timestamp", "own", "gen", "lver",
	       c.detail >= 1 ? "/req/mode" : "");
	dump_areas(&c, loc.offset, loc.size);
	disk_close(c.disk);
	return 0;
}
