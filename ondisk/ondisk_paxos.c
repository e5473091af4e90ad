/*
 * ondisk_paxos.c - the records of a resource area other than the leader
 * (spec/ondisk.md sections 4.6-4.8): paxos dblock (56 bytes, checksum over
 * bytes 0..47, flags outside the checksum), mode block (generation at +8
 * after 4 padding bytes) and request record (20 bytes of fields + 4 bytes
 * of padding).  Padding is written as zero and ignored on read.
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"
#include "ondisk/ondisk_le.h"

enum {	/* dblock, section 4.7 */
	DB_MBAL = 0, DB_BAL = 8, DB_INP = 16, DB_INP2 = 24, DB_INP3 = 32,
	DB_LVER = 40, DB_CHECKSUM = 48, DB_FLAGS = 52,
};
enum {	/* mode block, section 4.8 */
	MB_FLAGS = 0, MB_PAD = 4, MB_GENERATION = 8,
};
enum {	/* request record, section 4.6 */
	RR_MAGIC = 0, RR_VERSION = 4, RR_LVER = 8, RR_FORCE_MODE = 16,
	RR_PAD = 20,
};

_Static_assert(DB_FLAGS + 4 == ONDISK_DBLOCK_SIZE, "dblock is 56 bytes");
_Static_assert(DB_CHECKSUM == ONDISK_DBLOCK_CHECKSUM_LEN, "dblock checksum range");
_Static_assert(MB_GENERATION + 8 == ONDISK_MBLOCK_SIZE, "mblock is 16 bytes");
_Static_assert(RR_PAD + 4 == ONDISK_REQUEST_SIZE, "request is 24 bytes");

void ondisk_dblock_encode(const struct ondisk_dblock *db, void *buf)
{
	uint8_t *p = buf;

	assert(db && buf);
	ondisk_put64(p + DB_MBAL, db->mbal);
	ondisk_put64(p + DB_BAL, db->bal);
	ondisk_put64(p + DB_INP, db->inp);
	ondisk_put64(p + DB_INP2, db->inp2);
	ondisk_put64(p + DB_INP3, db->inp3);
	ondisk_put64(p + DB_LVER, db->lver);
	ondisk_put32(p + DB_CHECKSUM, db->checksum);
	ondisk_put32(p + DB_FLAGS, db->flags);
}

void ondisk_dblock_decode(const void *buf, struct ondisk_dblock *db)
{
	const uint8_t *p = buf;

	assert(db && buf);
	db->mbal = ondisk_get64(p + DB_MBAL);
	db->bal = ondisk_get64(p + DB_BAL);
	db->inp = ondisk_get64(p + DB_INP);
	db->inp2 = ondisk_get64(p + DB_INP2);
	db->inp3 = ondisk_get64(p + DB_INP3);
	db->lver = ondisk_get64(p + DB_LVER);
	db->checksum = ondisk_get32(p + DB_CHECKSUM);
	db->flags = ondisk_get32(p + DB_FLAGS);
}

uint32_t ondisk_dblock_checksum(const struct ondisk_dblock *db)
{
	uint8_t b[ONDISK_DBLOCK_SIZE];

	ondisk_dblock_encode(db, b);
	return ondisk_checksum(b, ONDISK_DBLOCK_CHECKSUM_LEN);
}

void ondisk_dblock_seal(struct ondisk_dblock *db, void *buf)
{
	db->checksum = ondisk_dblock_checksum(db);
	ondisk_dblock_encode(db, buf);
}

void ondisk_mblock_encode(const struct ondisk_mblock *mb, void *buf)
{
	uint8_t *p = buf;

	assert(mb && buf);
	ondisk_put32(p + MB_FLAGS, mb->flags);
	ondisk_put32(p + MB_PAD, 0);
	ondisk_put64(p + MB_GENERATION, mb->generation);
}

void ondisk_mblock_decode(const void *buf, struct ondisk_mblock *mb)
{
	const uint8_t *p = buf;

	assert(mb && buf);
	mb->flags = ondisk_get32(p + MB_FLAGS);
	mb->generation = ondisk_get64(p + MB_GENERATION);
}

void ondisk_request_encode(const struct ondisk_request *rr, void *buf)
{
	uint8_t *p = buf;

	assert(rr && buf);
	ondisk_put32(p + RR_MAGIC, rr->magic);
	ondisk_put32(p + RR_VERSION, rr->version);
	ondisk_put64(p + RR_LVER, rr->lver);
	ondisk_put32(p + RR_FORCE_MODE, rr->force_mode);
	ondisk_put32(p + RR_PAD, 0);
}

void ondisk_request_decode(const void *buf, struct ondisk_request *rr)
{
	const uint8_t *p = buf;

	assert(rr && buf);
	rr->magic = ondisk_get32(p + RR_MAGIC);
	rr->version = ondisk_get32(p + RR_VERSION);
	rr->lver = ondisk_get64(p + RR_LVER);
	rr->force_mode = ondisk_get32(p + RR_FORCE_MODE);
}

void ondisk_request_init(struct ondisk_request *rr)
{
	assert(rr);
	memset(rr, 0, sizeof(*rr));
	rr->magic = REQ_DISK_MAGIC;
	rr->version = REQ_DISK_VERSION;
}
