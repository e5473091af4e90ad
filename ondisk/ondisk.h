/*
 * ondisk.h - byte-exact encode/decode of every sanlock 3.8.5 on-disk record
 * (spec/ondisk.md): leader record, delta-lease sector (leader + host_id
 * bitmap), request record, paxos dblock, mode block, rindex header and
 * entries; the sanlock CRC-32C; the sector/align size table; record
 * positions, the host_id bitmap, init-time images; and this project's
 * host-message record in delta sector bytes 200..255 (spec/messages.md 2).
 *
 * Pure functions, no I/O, no global state, safe from any thread.  Records
 * are decoded into host-order structs and encoded back as little-endian
 * bytes; decode(encode(x)) == x and encode(decode(b)) == b for every field
 * that is part of the record (padding bytes are written as zero and ignored
 * on read, as the spec says).
 *
 * Errors are negative SANLK_* codes (sanlock_rv.h) or negative errno.
 */
#ifndef ONDISK_H
#define ONDISK_H

#include <stddef.h>
#include <stdint.h>

#include "sanlock_rv.h"

/* ---- constants (spec/ondisk.md section 2) ---- */

#define DELTA_DISK_MAGIC          0x12212010u
#define DELTA_DISK_VERSION_MAJOR  0x00030000u
#define DELTA_DISK_VERSION        0x00030004u
#define PAXOS_DISK_MAGIC          0x06152010u
#define PAXOS_DISK_CLEAR          0x11282016u
#define PAXOS_DISK_VERSION_MAJOR  0x00060000u
#define PAXOS_DISK_VERSION        0x00060004u
#define REQ_DISK_MAGIC            0x08292011u
#define REQ_DISK_VERSION_MAJOR    0x00010000u
#define REQ_DISK_VERSION          0x00010001u
#define RINDEX_DISK_MAGIC         0x01042018u
#define RINDEX_DISK_VERSION_MAJOR 0x00010000u
#define RINDEX_DISK_VERSION       0x00010002u
#define ONDISK_VERSION_MAJOR_MASK 0xFFFF0000u

#define ONDISK_NAME_LEN           48
#define ONDISK_LEADER_SIZE        200   /* bytes of the leader record */
#define ONDISK_LEADER_CHECKSUM_LEN 168  /* checksum covers bytes 0..167 */
#define ONDISK_LEADER_COMPARE_LEN 152   /* "same leader" across disks */
#define ONDISK_MSG_OFFSET         200   /* our message record: bytes 200..255 */
#define ONDISK_MSG_SIZE           56
#define ONDISK_BITMAP_OFFSET      256   /* host_id bitmap in a delta sector */
#define ONDISK_BITMAP_SIZE        256   /* 2048 bits */
#define ONDISK_DBLOCK_SIZE        56
#define ONDISK_DBLOCK_CHECKSUM_LEN 48
#define ONDISK_MBLOCK_OFFSET      128   /* mode block inside a dblock sector */
#define ONDISK_MBLOCK_SIZE        16
#define ONDISK_REQUEST_SIZE       24
#define ONDISK_RINDEX_HEADER_SIZE 80
#define ONDISK_RINDEX_ENTRY_SIZE  64
#define ONDISK_LVB_SECTOR         2002  /* sector index of the LVB in a resource area */
#define ONDISK_DEFAULT_MAX_HOSTS  2000
#define ONDISK_DEFAULT_IO_TIMEOUT 10
#define ONDISK_RINDEX_DEFAULT_MAX_RESOURCES 4096
#define ONDISK_RINDEX_LEASE_NAME  "rindex_lease"  /* internal lease, 7.4 */

#define LEASE_FREE                0

#define LFL_SHORT_HOLD            0x00000001u
#define LFL_ALIGN_1M              0x00000010u
#define LFL_ALIGN_2M              0x00000020u
#define LFL_ALIGN_4M              0x00000040u
#define LFL_ALIGN_8M              0x00000080u
#define LFL_ALIGN_MASK            0x000000F0u

#define DBLOCK_FL_RELEASED        0x00000001u
#define MBLOCK_SHARED             0x00000001u

#define RHF_ALIGN_1M              0x00000001u
#define RHF_ALIGN_2M              0x00000002u
#define RHF_ALIGN_4M              0x00000004u
#define RHF_ALIGN_8M              0x00000008u

#define ONDISK_ALIGN_1M           1048576u
#define ONDISK_ALIGN_2M           2097152u
#define ONDISK_ALIGN_4M           4194304u
#define ONDISK_ALIGN_8M           8388608u

/* ---- records (host order) ---- */

/* The 200-byte leader record (section 3.1).  Names are fixed 48-byte fields,
 * not necessarily NUL-terminated. */
struct ondisk_leader {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t sector_size;
	uint64_t num_hosts;
	uint64_t max_hosts;
	uint64_t owner_id;
	uint64_t owner_generation;
	uint64_t lver;
	char     space_name[ONDISK_NAME_LEN];
	char     resource_name[ONDISK_NAME_LEN];
	uint64_t timestamp;
	uint64_t unused1;
	uint32_t checksum;
	uint16_t unused2;
	uint16_t io_timeout;
	uint64_t write_id;          /* delta: event generation ("extra1") */
	uint64_t write_generation;  /* delta: event code ("extra2") */
	uint64_t write_timestamp;   /* delta: event data ("extra3") */
};

/* Request record, sector 1 of a resource area (section 4.6). */
struct ondisk_request {
	uint32_t magic;
	uint32_t version;
	uint64_t lver;
	uint32_t force_mode;
};

/* Ballot block, bytes 0..55 of host N's sector (section 4.7). */
struct ondisk_dblock {
	uint64_t mbal;
	uint64_t bal;
	uint64_t inp;
	uint64_t inp2;
	uint64_t inp3;
	uint64_t lver;
	uint32_t checksum;
	uint32_t flags;
};

/* Mode block, bytes 128..143 of host N's sector (section 4.8). */
struct ondisk_mblock {
	uint32_t flags;
	uint64_t generation;        /* at +8: there are 4 padding bytes before it */
};

/* rindex header, sector 0 of the index area (section 7.2). */
struct ondisk_rindex_header {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;             /* RHF_ALIGN_* */
	uint32_t sector_size;
	uint32_t max_resources;
	uint32_t unused;
	uint64_t rx_offset;
	char     lockspace_name[ONDISK_NAME_LEN];
};

/* rindex entry, 64 bytes (section 7.3). */
struct ondisk_rindex_entry {
	uint64_t res_offset;
	uint32_t flags;
	uint32_t unused;
	char     name[ONDISK_NAME_LEN];
};

/* One row of the sector/align size table (section 6.1). */
struct ondisk_sizes {
	uint32_t sector_size;   /* 512 or 4096 */
	uint32_t align_size;    /* 1M, 2M, 4M or 8M */
	uint32_t max_hosts;     /* from the table: 2000/250/500/1000/2000 */
};

/* Host-message record, bytes 200..255 of a delta lease sector
 * (spec/messages.md section 2).  Our extension; 3.8.5 writes zeros there. */
#define ONDISK_MSG_MAGIC          0x47534D48u
#define ONDISK_MSG_VERSION        1
#define ONDISK_MSG_F_MESSAGE      0x01      /* a message is present */
#define ONDISK_MSG_F_ACK          0x02      /* an ack is present */
#define ONDISK_MSG_CHECKSUM_LEN   52        /* CRC over sector bytes 200..251 */

struct ondisk_msg {
	uint32_t magic;             /* sector byte 200 */
	uint16_t version;           /* 204 */
	uint8_t  flags;             /* 206: ONDISK_MSG_F_* */
	uint8_t  send_no;           /* 207 */
	uint16_t fire_timeout;      /* 208 */
	uint16_t dest_host_id;      /* 210 */
	uint32_t msg;               /* 212 */
	uint64_t dest_generation;   /* 216 */
	uint32_t seq;               /* 224 */
	uint16_t ack_host_id;       /* 228 */
	uint16_t reserved;          /* 230: written 0, inside the checksum */
	uint32_t ack_seq;           /* 232 */
	uint64_t ack_generation;    /* 236 */
	uint64_t owner_generation;  /* 244 */
	uint32_t checksum;          /* 252 */
};

/* ---- checksum (section 5) ---- */

/* sanlock's CRC: reflected CRC-32C, register starts at 0xFFFFFFFE, no final
 * xor.  ondisk_checksum("123456789", 9) == 0xE8C7BB34. */
uint32_t ondisk_checksum(const void *data, size_t len);

/* ---- encode / decode ----
 * encode writes exactly the record's bytes (padding as zero) at buf and
 * stores the checksum field as given in the struct; *_seal computes the
 * checksum, stores it in the struct, and encodes.  decode never fails; use
 * the verify functions for validation. */
void     ondisk_leader_encode(const struct ondisk_leader *lr, void *buf);
void     ondisk_leader_decode(const void *buf, struct ondisk_leader *lr);
uint32_t ondisk_leader_checksum(const struct ondisk_leader *lr);
void     ondisk_leader_seal(struct ondisk_leader *lr, void *buf);
/* Bytes 0..151 (LEADER_COMPARE_LEN) of the two encoded records are equal. */
int      ondisk_leader_same(const struct ondisk_leader *a, const struct ondisk_leader *b);

void     ondisk_dblock_encode(const struct ondisk_dblock *db, void *buf);
void     ondisk_dblock_decode(const void *buf, struct ondisk_dblock *db);
uint32_t ondisk_dblock_checksum(const struct ondisk_dblock *db);
void     ondisk_dblock_seal(struct ondisk_dblock *db, void *buf);

void ondisk_mblock_encode(const struct ondisk_mblock *mb, void *buf);
void ondisk_mblock_decode(const void *buf, struct ondisk_mblock *mb);
void ondisk_request_encode(const struct ondisk_request *rr, void *buf);
void ondisk_request_decode(const void *buf, struct ondisk_request *rr);
void ondisk_rindex_header_encode(const struct ondisk_rindex_header *rh, void *buf);
void ondisk_rindex_header_decode(const void *buf, struct ondisk_rindex_header *rh);
void ondisk_rindex_entry_encode(const struct ondisk_rindex_entry *re, void *buf);
void ondisk_rindex_entry_decode(const void *buf, struct ondisk_rindex_entry *re);

/* Message record: buf points at the record (sector + ONDISK_MSG_OFFSET). */
void     ondisk_msg_encode(const struct ondisk_msg *m, void *buf);
void     ondisk_msg_decode(const void *buf, struct ondisk_msg *m);
uint32_t ondisk_msg_checksum(const struct ondisk_msg *m);
void     ondisk_msg_seal(struct ondisk_msg *m, void *buf);
/* 0 when magic, version and checksum match and the record's
 * owner_generation equals the leader's; else -ENOMSG (not a record),
 * -EBADMSG (checksum) or -ESTALE (previous incarnation).  Any failure
 * means "no record" (messages.md section 2); the caller must also have
 * verified the leader itself. */
int      ondisk_msg_verify(const struct ondisk_msg *m, uint64_t owner_generation);

/* ---- init-time record contents (sections 4.3, 8.1, 8.2, 7.2) ----
 * Fill the struct completely (checksum included) as init writes it. */
/* Free delta lease: magic/version, align flag, sector_size, max_hosts 1,
 * space_name, io_timeout; everything else 0. */
void ondisk_delta_leader_init(struct ondisk_leader *lr, const struct ondisk_sizes *sz,
			      const char *ls_name, uint16_t io_timeout);
/* Paxos leader at init: num_hosts = the given value when 1..max_hosts,
 * else max_hosts; max_hosts from sz; names; everything else 0. */
void ondisk_paxos_leader_init(struct ondisk_leader *lr, const struct ondisk_sizes *sz,
			      const char *ls_name, const char *res_name,
			      uint64_t num_hosts);
/* Request record at init: magic, version, lver 0, force_mode 0. */
void ondisk_request_init(struct ondisk_request *rr);
/* rindex header: max_resources 0 or above the capacity -> the capacity. */
void ondisk_rindex_header_init(struct ondisk_rindex_header *rh,
			       const struct ondisk_sizes *sz, const char *ls_name,
			       uint64_t rx_offset, uint32_t max_resources);
/* A free rindex entry: res_offset 0 and name[0] 0 (7.3). */
int  ondisk_rindex_entry_free(const struct ondisk_rindex_entry *re);

/* ---- validation (section 9); return 0 or the SANLK_* code ---- */

/* 9.1 delta lease: magic, major version, space name (skipped when
 * space_name is NULL), checksum - first failure wins. */
int ondisk_delta_verify(const struct ondisk_leader *lr, const char *space_name);
/* 9.2 paxos leader: cleared, magic, major version, space name, resource
 * name (NULL skips a name check), num_hosts >= host_id, checksum. */
int ondisk_paxos_verify(const struct ondisk_leader *lr, const char *space_name,
			const char *res_name, uint64_t host_id);
/* 4.7: all-zero (checksum,mbal,bal,inp,lver) is accepted; else checksum. */
int ondisk_dblock_verify(const struct ondisk_dblock *db);
/* 4.7: 1 when checksum, mbal, bal, inp and lver are all zero. */
int ondisk_dblock_never_written(const struct ondisk_dblock *db);
/* 9.3: magic then major version. */
int ondisk_request_verify(const struct ondisk_request *rr);
/* 7.6: magic, version, lockspace name (exact C string), rx_offset.
 * A stored name filling all 48 bytes (no NUL) never matches: 3.8.5 compares
 * past the field and was observed to fail with SANLK_RINDEX_LOCKSPACE. */
int ondisk_rindex_header_verify(const struct ondisk_rindex_header *rh,
				const char *ls_name, uint64_t rx_offset);

/* ---- names (section 1 item 4) ---- */

/* Copy at most 48 bytes, zero-fill the rest (strncpy semantics). */
void ondisk_name_set(char dst[ONDISK_NAME_LEN], const char *src);
/* strncmp(a, b, 48) == 0 */
int  ondisk_name_eq(const char *a, const char *b);
/* Copy a 48-byte field up to its first NUL into a 49-byte NUL-terminated
 * C string (bytes after the NUL, e.g. host-name residue, are dropped). */
void ondisk_name_str(char dst[ONDISK_NAME_LEN + 1], const char src[ONDISK_NAME_LEN]);

/* ---- sizes (section 6) ---- */

/* The pair must be one of the five in the table, else -EINVAL. */
int ondisk_sizes_from_pair(uint32_t sector_size, uint32_t align_size,
			   struct ondisk_sizes *out);
/* Legacy default for a discovered sector size: 512 -> 512/1M, 4096 -> 4096/8M,
 * max_hosts 2000; anything else -EINVAL. */
int ondisk_sizes_default(uint32_t sector_size, struct ondisk_sizes *out);
/* From a record: sector_size and LFL_ALIGN_* flags (first set bit of 1M, 2M,
 * 4M, 8M; none -> legacy default).  sector_size not 512/4096 ->
 * SANLK_LEADER_SECTORSIZE; pair not in the table -> SANLK_ADDLS_SIZES. */
int ondisk_sizes_from_leader(uint32_t sector_size, uint32_t lfl_flags,
			     struct ondisk_sizes *out);
/* From API flags (SANLK_RES/LSF/RIF_ALIGN* and *_SECTOR*): returns 1 and
 * fills *out when both are given and valid, 0 when neither is given,
 * -EINVAL for one without the other or a bad pair. */
int ondisk_sizes_from_api_flags(uint32_t flags, struct ondisk_sizes *out);
uint32_t ondisk_lfl_align_flag(uint32_t align_size);   /* LFL_ALIGN_* or 0 */
uint32_t ondisk_rhf_align_flag(uint32_t align_size);   /* RHF_ALIGN_* or 0 */
uint32_t ondisk_align_from_rhf(uint32_t rhf_flags);    /* bytes or 0 */
/* First LFL_ALIGN_* bit set in the order 1M, 2M, 4M, 8M -> bytes, or 0. */
uint32_t ondisk_align_from_lfl(uint32_t lfl_flags);
/* The API ALIGN|SECTOR flag pair (SANLK_RES/LSF/RIF values) for sizes. */
uint32_t ondisk_api_flags(const struct ondisk_sizes *sz);
/* Smallest power of two >= n (ballot read size in sectors, section 4.4). */
uint32_t ondisk_pow2_at_least(uint32_t n);

/* ---- positions (section 6.1) ---- */

uint64_t ondisk_delta_offset(uint64_t ls_offset, uint64_t host_id, uint32_t ss);
uint64_t ondisk_dblock_offset(uint64_t res_offset, uint64_t host_id, uint32_t ss);
uint64_t ondisk_request_offset(uint64_t res_offset, uint32_t ss);
uint64_t ondisk_lvb_offset(uint64_t res_offset, uint32_t ss);
uint64_t ondisk_mblock_offset(uint64_t res_offset, uint64_t host_id, uint32_t ss);

/* rindex geometry (section 7): entries packed from the index's sector 1,
 * internal lease in the next align area, entry i's resource after it. */
uint32_t ondisk_rindex_capacity(const struct ondisk_sizes *sz); /* 16000.. */
uint64_t ondisk_rindex_entry_offset(uint64_t rx_offset, uint32_t ss, uint32_t i);
uint64_t ondisk_rindex_lease_offset(uint64_t rx_offset, uint32_t align_size);
uint64_t ondisk_rindex_res_offset(uint64_t rx_offset, uint32_t align_size, uint32_t i);
/* Entry index for a resource offset; SANLK_RINDEX_OFFSET when the offset
 * is not a multiple of align_size or lies before the first resource. */
int      ondisk_rindex_res_index(uint64_t rx_offset, uint32_t align_size,
				 uint64_t res_offset, uint32_t *i);

/* ---- host_id bitmap (section 4.2); bitmap = sector bytes 256..511 ----
 * host_id N -> byte (N-1)/8, mask 1 << ((N-1)%8).  host_ids outside
 * 1..2048 have no bit: set/clear do nothing, test returns 0. */

void ondisk_bitmap_set(uint8_t *bitmap, uint64_t host_id);
void ondisk_bitmap_clear(uint8_t *bitmap, uint64_t host_id);
int  ondisk_bitmap_test(const uint8_t *bitmap, uint64_t host_id);

/* ---- whole-area images (section 8) ----
 * buf is sz->align_size bytes.  The lockspace image holds max_hosts delta
 * records; with first_magic == 0, record 0 has magic 0 (the first write of
 * the two-step init, 8.1).  The resource image holds the paxos leader
 * (magic PAXOS_DISK_CLEAR and write_timestamp = clear_ts when clear != 0)
 * and the request record; everything else zero.  num_hosts outside
 * 1..max_hosts means max_hosts (8.2).  Request padding is written as 0. */
void ondisk_lockspace_image(void *buf, const struct ondisk_sizes *sz,
			    const char *ls_name, uint16_t io_timeout,
			    int first_magic);
void ondisk_resource_image(void *buf, const struct ondisk_sizes *sz,
			   const char *ls_name, const char *res_name,
			   uint64_t num_hosts, int clear, uint64_t clear_ts);

#endif /* ONDISK_H */
