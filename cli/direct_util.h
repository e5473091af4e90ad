/*
 * direct_util.h - helpers shared by the `sanlock direct` actions
 * (cli/direct_*.c): sizes from -Z/-A, opening storage with 3.8.5's error
 * codes, reading the leader named by -s/-r, printing a leader record, and
 * the dump/next_free location syntax (spec/cli.md §1.4.5).
 *
 * Single-threaded (the CLI); no state.
 */
#ifndef CLI_DIRECT_UTIL_H
#define CLI_DIRECT_UTIL_H

#include <stdint.h>

#include "cli/cli.h"
#include "ondisk/ondisk.h"

struct disk_handle;

#define DIRECT_PROBE_BYTES 4096u   /* first read when sizes are unknown */

/* -Z/-A: 1 = both given (*sz set; the parser already checked the pair),
 * 0 = neither (detect), -1 = a sector size of 512/4096 without -A (init
 * then fails with -1; readers treat it as "detect"). */
int  direct_arg_sizes(const struct cli_args *a, struct ondisk_sizes *sz);

/* io timeout for direct I/O: -o seconds, 0 -> 10. */
int  direct_io_timeout(const struct cli_args *a);

/* The leader named by -s (host_id's delta lease) or by the first -r. */
struct direct_leader {
	struct ondisk_leader lr;     /* all zero unless a record was read */
	struct ondisk_sizes sz;      /* sizes used to read it (if have_sizes) */
	int have_sizes;
	int read_ok;                 /* lr holds the record read from disk */
	int is_lockspace;            /* -s (else -r) */
	uint64_t offset;             /* byte offset of the record's sector */
	struct disk_handle *disk;    /* open handle, caller closes (or NULL) */
};

/* Read and verify like `direct read_leader`.  Returns the result to print:
 * 0, a verification error (the record is still in *out), -1 (no -s/-r, or
 * -s sizes undetectable), -22 (-s host_id 0 or bad offset), -19 (-s open
 * failure), -errno (-r open failure), or an I/O error.  out->disk stays
 * open when the storage could be opened. */
int  direct_read_leader(const struct cli_args *a, struct direct_leader *out);
void direct_leader_close(struct direct_leader *dl);

/* The 17 field lines of spec/cli.md §3.9. */
void direct_print_leader(const struct ondisk_leader *lr, int is_lockspace);

/* "<path>[:<offset>[:<size>]]": path unescaped; numbers decimal with an
 * optional M (MiB). */
struct direct_location {
	char path[SANLK_PATH_LEN];
	uint64_t offset;
	uint64_t size;        /* 0 = not given */
};
void direct_parse_location(const char *arg, struct direct_location *loc);

/* Sizes from a record's first bytes: delta or paxos leader (sector_size +
 * align flags) or, when allow_rindex, an rindex header.  0 or -1. */
int  direct_sizes_from_record(const uint8_t *buf, int allow_rindex,
			      struct ondisk_sizes *sz);

/* Little-endian u32 at p. */
uint32_t direct_le32(const uint8_t *p);

#endif /* CLI_DIRECT_UTIL_H */
