/*
 * msg_record.c - the 56-byte message record our daemon writes at bytes
 * 200..255 of its delta lease sector (spec/messages.md §2): fresh at
 * acquire, head message + ack at every renewal, ack only at release.
 *
 * Pure; reads the engine only.
 */
#include <string.h>

#include "daemon/msg_engine.h"

void msg_record_fresh(uint64_t gen, uint32_t w, uint8_t rec[MSG_REC_SIZE])
{
	struct ondisk_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.fire_timeout = (uint16_t)w;
	m.owner_generation = gen;
	memset(rec, 0, MSG_REC_SIZE);
	ondisk_msg_seal(&m, rec);
}

void msg_record_build(const struct msg_engine *e, int with_message,
		      uint8_t rec[MSG_REC_SIZE])
{
	const struct msg_item *h = NULL;
	struct ondisk_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = ONDISK_MSG_MAGIC;
	m.version = ONDISK_MSG_VERSION;
	m.send_no = e->send_no;
	m.fire_timeout = (uint16_t)e->our_w;
	m.owner_generation = e->our_gen;
	if (e->q_len)
		h = &e->q[e->q_first];
	if (with_message && h && h->first_write) {
		m.flags |= ONDISK_MSG_F_MESSAGE;
		m.dest_host_id = (uint16_t)h->dest;
		m.msg = h->msg;
		m.dest_generation = h->dest_gen;
		m.seq = h->seq;
		m.send_no = h->send_no;
	}
	if (e->ack_host) {
		m.flags |= ONDISK_MSG_F_ACK;
		m.ack_host_id = (uint16_t)e->ack_host;
		m.ack_seq = e->ack_seq;
		m.ack_generation = e->ack_gen;
	}
	memset(rec, 0, MSG_REC_SIZE);
	ondisk_msg_seal(&m, rec);
}
