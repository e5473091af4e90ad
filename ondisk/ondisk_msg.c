/*
 * ondisk_msg.c - this project's host-message record, bytes 200..255 of a
 * delta lease sector (spec/messages.md section 2): encode/decode at the
 * documented offsets, checksum (sanlock CRC over record bytes 0..51, i.e.
 * sector bytes 200..251), seal and validity check.
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <errno.h>

#include "ondisk/ondisk.h"
#include "ondisk/ondisk_le.h"

/* Offsets inside the record (sector offset minus ONDISK_MSG_OFFSET). */
enum {
	MR_MAGIC = 0, MR_VERSION = 4, MR_FLAGS = 6, MR_SEND_NO = 7,
	MR_FIRE_TIMEOUT = 8, MR_DEST_HOST_ID = 10, MR_MSG = 12,
	MR_DEST_GEN = 16, MR_SEQ = 24, MR_ACK_HOST_ID = 28, MR_RESERVED = 30,
	MR_ACK_SEQ = 32, MR_ACK_GEN = 36, MR_OWNER_GEN = 44, MR_CHECKSUM = 52,
};

_Static_assert(MR_CHECKSUM + 4 == ONDISK_MSG_SIZE, "message record is 56 bytes");
_Static_assert(MR_CHECKSUM == ONDISK_MSG_CHECKSUM_LEN, "msg checksum range");
_Static_assert(ONDISK_MSG_OFFSET + ONDISK_MSG_SIZE == ONDISK_BITMAP_OFFSET,
	       "message record ends where the bitmap starts");

void ondisk_msg_encode(const struct ondisk_msg *m, void *buf)
{
	uint8_t *p = buf;

	assert(m && buf);
	ondisk_put32(p + MR_MAGIC, m->magic);
	ondisk_put16(p + MR_VERSION, m->version);
	p[MR_FLAGS] = m->flags;
	p[MR_SEND_NO] = m->send_no;
	ondisk_put16(p + MR_FIRE_TIMEOUT, m->fire_timeout);
	ondisk_put16(p + MR_DEST_HOST_ID, m->dest_host_id);
	ondisk_put32(p + MR_MSG, m->msg);
	ondisk_put64(p + MR_DEST_GEN, m->dest_generation);
	ondisk_put32(p + MR_SEQ, m->seq);
	ondisk_put16(p + MR_ACK_HOST_ID, m->ack_host_id);
	ondisk_put16(p + MR_RESERVED, m->reserved);
	ondisk_put32(p + MR_ACK_SEQ, m->ack_seq);
	ondisk_put64(p + MR_ACK_GEN, m->ack_generation);
	ondisk_put64(p + MR_OWNER_GEN, m->owner_generation);
	ondisk_put32(p + MR_CHECKSUM, m->checksum);
}

void ondisk_msg_decode(const void *buf, struct ondisk_msg *m)
{
	const uint8_t *p = buf;

	assert(m && buf);
	m->magic = ondisk_get32(p + MR_MAGIC);
	m->version = ondisk_get16(p + MR_VERSION);
	m->flags = p[MR_FLAGS];
	m->send_no = p[MR_SEND_NO];
	m->fire_timeout = ondisk_get16(p + MR_FIRE_TIMEOUT);
	m->dest_host_id = ondisk_get16(p + MR_DEST_HOST_ID);
	m->msg = ondisk_get32(p + MR_MSG);
	m->dest_generation = ondisk_get64(p + MR_DEST_GEN);
	m->seq = ondisk_get32(p + MR_SEQ);
	m->ack_host_id = ondisk_get16(p + MR_ACK_HOST_ID);
	m->reserved = ondisk_get16(p + MR_RESERVED);
	m->ack_seq = ondisk_get32(p + MR_ACK_SEQ);
	m->ack_generation = ondisk_get64(p + MR_ACK_GEN);
	m->owner_generation = ondisk_get64(p + MR_OWNER_GEN);
	m->checksum = ondisk_get32(p + MR_CHECKSUM);
}

/* Every byte 0..51 is a struct field, so re-encoding reproduces the bytes
 * as read and this equals the CRC of the raw record. */
uint32_t ondisk_msg_checksum(const struct ondisk_msg *m)
{
	uint8_t b[ONDISK_MSG_SIZE];

	ondisk_msg_encode(m, b);
	return ondisk_checksum(b, ONDISK_MSG_CHECKSUM_LEN);
}

void ondisk_msg_seal(struct ondisk_msg *m, void *buf)
{
	m->checksum = ondisk_msg_checksum(m);
	ondisk_msg_encode(m, buf);
}

int ondisk_msg_verify(const struct ondisk_msg *m, uint64_t owner_generation)
{
	assert(m);
	if (m->magic != ONDISK_MSG_MAGIC || m->version != ONDISK_MSG_VERSION)
		return -ENOMSG;
	if (m->checksum != ondisk_msg_checksum(m))
		return -EBADMSG;
	if (m->owner_generation != owner_generation)
		return -ESTALE;
	return 0;
}
