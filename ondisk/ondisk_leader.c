/*
 * ondisk_leader.c - the 200-byte leader record (spec/ondisk.md section 3):
 * encode/decode at the documented offsets, checksum over bytes 0..167,
 * seal, the "same leader" comparison over bytes 0..151, and the init-time
 * contents of delta and paxos leaders (sections 4.3, 8.1, 8.2).
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"
#include "ondisk/ondisk_le.h"

/* Field offsets, section 3.1. */
enum {
	LR_MAGIC = 0, LR_VERSION = 4, LR_FLAGS = 8, LR_SECTOR_SIZE = 12,
	LR_NUM_HOSTS = 16, LR_MAX_HOSTS = 24, LR_OWNER_ID = 32,
	LR_OWNER_GEN = 40, LR_LVER = 48, LR_SPACE_NAME = 56,
	LR_RESOURCE_NAME = 104, LR_TIMESTAMP = 152, LR_UNUSED1 = 160,
	LR_CHECKSUM = 168, LR_UNUSED2 = 172, LR_IO_TIMEOUT = 174,
	LR_WRITE_ID = 176, LR_WRITE_GEN = 184, LR_WRITE_TS = 192,
};

_Static_assert(LR_WRITE_TS + 8 == ONDISK_LEADER_SIZE, "leader is 200 bytes");
_Static_assert(LR_CHECKSUM == ONDISK_LEADER_CHECKSUM_LEN, "checksum after range");
_Static_assert(LR_TIMESTAMP == ONDISK_LEADER_COMPARE_LEN, "compare range");

void ondisk_leader_encode(const struct ondisk_leader *lr, void *buf)
{
	uint8_t *p = buf;

	assert(lr && buf);
	ondisk_put32(p + LR_MAGIC, lr->magic);
	ondisk_put32(p + LR_VERSION, lr->version);
	ondisk_put32(p + LR_FLAGS, lr->flags);
	ondisk_put32(p + LR_SECTOR_SIZE, lr->sector_size);
	ondisk_put64(p + LR_NUM_HOSTS, lr->num_hosts);
	ondisk_put64(p + LR_MAX_HOSTS, lr->max_hosts);
	ondisk_put64(p + LR_OWNER_ID, lr->owner_id);
	ondisk_put64(p + LR_OWNER_GEN, lr->owner_generation);
	ondisk_put64(p + LR_LVER, lr->lver);
	ondisk_put_name(p + LR_SPACE_NAME, lr->space_name, ONDISK_NAME_LEN);
	ondisk_put_name(p + LR_RESOURCE_NAME, lr->resource_name, ONDISK_NAME_LEN);
	ondisk_put64(p + LR_TIMESTAMP, lr->timestamp);
	ondisk_put64(p + LR_UNUSED1, lr->unused1);
	ondisk_put32(p + LR_CHECKSUM, lr->checksum);
	ondisk_put16(p + LR_UNUSED2, lr->unused2);
	ondisk_put16(p + LR_IO_TIMEOUT, lr->io_timeout);
	ondisk_put64(p + LR_WRITE_ID, lr->write_id);
	ondisk_put64(p + LR_WRITE_GEN, lr->write_generation);
	ondisk_put64(p + LR_WRITE_TS, lr->write_timestamp);
}

void ondisk_leader_decode(const void *buf, struct ondisk_leader *lr)
{
	const uint8_t *p = buf;

	assert(lr && buf);
	lr->magic = ondisk_get32(p + LR_MAGIC);
	lr->version = ondisk_get32(p + LR_VERSION);
	lr->flags = ondisk_get32(p + LR_FLAGS);
	lr->sector_size = ondisk_get32(p + LR_SECTOR_SIZE);
	lr->num_hosts = ondisk_get64(p + LR_NUM_HOSTS);
	lr->max_hosts = ondisk_get64(p + LR_MAX_HOSTS);
	lr->owner_id = ondisk_get64(p + LR_OWNER_ID);
	lr->owner_generation = ondisk_get64(p + LR_OWNER_GEN);
	lr->lver = ondisk_get64(p + LR_LVER);
	ondisk_get_name(p + LR_SPACE_NAME, lr->space_name, ONDISK_NAME_LEN);
	ondisk_get_name(p + LR_RESOURCE_NAME, lr->resource_name, ONDISK_NAME_LEN);
	lr->timestamp = ondisk_get64(p + LR_TIMESTAMP);
	lr->unused1 = ondisk_get64(p + LR_UNUSED1);
	lr->checksum = ondisk_get32(p + LR_CHECKSUM);
	lr->unused2 = ondisk_get16(p + LR_UNUSED2);
	lr->io_timeout = ondisk_get16(p + LR_IO_TIMEOUT);
	lr->write_id = ondisk_get64(p + LR_WRITE_ID);
	lr->write_generation = ondisk_get64(p + LR_WRITE_GEN);
	lr->write_timestamp = ondisk_get64(p + LR_WRITE_TS);
}

/* Bytes 0..167 are a bijection of the struct fields magic..unused1, so the
 * CRC of the re-encoded struct equals the CRC of the bytes as read. */
uint32_t ondisk_leader_checksum(const struct ondisk_leader *lr)
{
	uint8_t b[ONDISK_LEADER_SIZE];

	ondisk_leader_encode(lr, b);
	return ondisk_checksum(b, ONDISK_LEADER_CHECKSUM_LEN);
}

void ondisk_leader_seal(struct ondisk_leader *lr, void *buf)
{
	lr->checksum = ondisk_leader_checksum(lr);
	ondisk_leader_encode(lr, buf);
}

int ondisk_leader_same(const struct ondisk_leader *a, const struct ondisk_leader *b)
{
	uint8_t ba[ONDISK_LEADER_SIZE], bb[ONDISK_LEADER_SIZE];

	ondisk_leader_encode(a, ba);
	ondisk_leader_encode(b, bb);
	return memcmp(ba, bb, ONDISK_LEADER_COMPARE_LEN) == 0;
}

void ondisk_delta_leader_init(struct ondisk_leader *lr, const struct ondisk_sizes *sz,
			      const char *ls_name, uint16_t io_timeout)
{
	assert(lr && sz && ls_name);
	memset(lr, 0, sizeof(*lr));
	lr->magic = DELTA_DISK_MAGIC;
	lr->version = DELTA_DISK_VERSION;
	lr->flags = ondisk_lfl_align_flag(sz->align_size);
	lr->sector_size = sz->sector_size;
	lr->num_hosts = 0;
	lr->max_hosts = 1;
	ondisk_name_set(lr->space_name, ls_name);
	lr->io_timeout = io_timeout;
	lr->checksum = ondisk_leader_checksum(lr);
}

void ondisk_paxos_leader_init(struct ondisk_leader *lr, const struct ondisk_sizes *sz,
			      const char *ls_name, const char *res_name,
			      uint64_t num_hosts)
{
	assert(lr && sz && ls_name && res_name);
	memset(lr, 0, sizeof(*lr));
	lr->magic = PAXOS_DISK_MAGIC;
	lr->version = PAXOS_DISK_VERSION;
	lr->flags = ondisk_lfl_align_flag(sz->align_size);
	lr->sector_size = sz->sector_size;
	lr->max_hosts = sz->max_hosts;
	lr->num_hosts = (num_hosts >= 1 && num_hosts <= sz->max_hosts) ?
			num_hosts : sz->max_hosts;
	ondisk_name_set(lr->space_name, ls_name);
	ondisk_name_set(lr->resource_name, res_name);
	lr->checksum = ondisk_leader_checksum(lr);
}
