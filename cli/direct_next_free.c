/*
 * direct_next_free.c - `sanlock direct next_free <path>[:<offset>]
 * [-Z S -A A]` (spec/cli.md §1.9, ondisk.md Appendix B): print the offset,
 * relative to the given one, of the first align-size area whose first
 * sector holds no delta, paxos or rindex record (a cleared resource counts
 * as free; the end of the storage counts as free).
 *
 * Sizes come from -Z/-A, else from the record at the offset itself (if
 * there is none, that area is free: 0).  3.8.5 only works with -Z/-A and
 * does not accept the M suffix here; we do both (README).  A read error
 * before the end of the storage exits 1 without output, as 3.8.5 does.
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/direct_action.h"
#include "cli/direct_util.h"
#include "disk/disk.h"

#define NEXT_FREE_MAX_AREAS (1u << 24)   /* bound on areas examined */

static int next_free_is_record(uint32_t magic)
{
	return magic == DELTA_DISK_MAGIC || magic == PAXOS_DISK_MAGIC ||
	       magic == RINDEX_DISK_MAGIC;
}

int direct_action_next_free(struct cli_args *a)
{
	struct direct_location loc;
	struct disk_handle *h = NULL;
	struct ondisk_sizes sz;
	uint64_t dev_size = 0, i;
	int timeout = direct_io_timeout(a), rv = 1, have;
	uint8_t *buf;

	direct_parse_location(a->dump_path, &loc);
	if (disk_open(loc.path, 0, &h) < 0)
		return 1;
	if (disk_size(h, &dev_size) < 0)
		dev_size = UINT64_MAX;
	buf = disk_buf_alloc(DIRECT_PROBE_BYTES);
	if (!buf)
		goto out_close;

	have = direct_arg_sizes(a, &sz) == 1;
	if (!have) {
		memset(buf, 0, DIRECT_PROBE_BYTES);
		if (loc.offset >= dev_size ||
		    disk_read(h, loc.offset, buf, DIRECT_PROBE_BYTES, timeout) < 0 ||
		    direct_sizes_from_record(buf, 1, &sz) < 0) {
			printf("0\n");
			rv = 0;
			goto out_free;
		}
	}

	for (i = 0; i < NEXT_FREE_MAX_AREAS; i++) {
		uint64_t pos = loc.offset + i * sz.align_size;

		memset(buf, 0, sz.sector_size);
		if (pos >= dev_size) {
			printf("%llu\n", (unsigned long long)(pos - loc.offset));
			rv = 0;
			break;
		}
		if (disk_read(h, pos, buf, sz.sector_size, timeout) < 0)
			break;
		if (!next_free_is_record(direct_le32(buf))) {
			printf("%llu\n", (unsigned long long)(pos - loc.offset));
			rv = 0;
			break;
		}
	}
out_free:
	disk_buf_free(buf);
out_close:
	disk_close(h);
	return rv;
}
