/*
 * msg_recv.c - the receive side of host messages (spec/messages.md §2,
 * §5.1-§5.2): reading a slot's leader and message record from the
 * renewal's area image (validity rules of §2), delivering messages
 * addressed to us exactly once per sender incarnation (numbered: seq
 * above the last one delivered; SEQ_DATA: once per send_no), WD_RESET,
 * and noting which senders are owed an ack.
 *
 * Cost: msg_recv_all runs on every renewal over every slot (2000 with
 * 512-byte sectors), so a slot is judged with one decode of its leader
 * and one CRC of the bytes as read; the message record is decoded only
 * behind its magic.  Every slot is still verified in full on every
 * renewal: nothing read is trusted without its checksum.
 *
 * Pure; serialised by the engine's owner (msg_space.c, msg_mutex).
 */
#include <assert.h>
#include <string.h>

#include "daemon/msg_engine.h"

/* ondisk.md §9.1 (ondisk_delta_verify's checks, in its order) on a
 * decoded leader, the checksum taken over the sector bytes as read: the
 * decode is a bijection on bytes 0..ONDISK_LEADER_CHECKSUM_LEN-1
 * (ondisk_leader.c), so this equals ondisk_leader_checksum(lr) without
 * re-encoding.  1 valid, 0 not. */
static int msg_leader_valid(const struct ondisk_leader *lr,
			    const uint8_t *sector, const char *space_name)
{
	if (lr->magic != DELTA_DISK_MAGIC)
		return 0;
	if ((lr->version & ONDISK_VERSION_MAJOR_MASK) != DELTA_DISK_VERSION_MAJOR)
		return 0;
	if (space_name && !ondisk_name_eq(lr->space_name, space_name))
		return 0;
	return lr->checksum == ondisk_checksum(sector, ONDISK_LEADER_CHECKSUM_LEN);
}

/* The record starts with ONDISK_MSG_MAGIC, little-endian (§2). */
static int msg_rec_magic(const uint8_t *rec)
{
	static const uint8_t magic[4] = {
		(uint8_t)ONDISK_MSG_MAGIC, (uint8_t)(ONDISK_MSG_MAGIC >> 8),
		(uint8_t)(ONDISK_MSG_MAGIC >> 16), (uint8_t)(ONDISK_MSG_MAGIC >> 24),
	};

	return memcmp(rec, magic, sizeof(magic)) == 0;
}

enum msg_rec_kind msg_slot_read(const struct msg_renewal_in *in,
				uint64_t host_id, struct ondisk_leader *lr,
				struct ondisk_msg *m)
{
	const uint8_t *sector;

	assert(host_id >= 1);
	sector = in->area + (host_id - 1) * in->sector_size;
	ondisk_leader_decode(sector, lr);
	memset(m, 0, sizeof(*m));
	if (!msg_leader_valid(lr, sector, in->space_name))
		return MSG_REC_NONE;
	/* Most slots carry no record at all (free, 3.x hosts): decode and
	 * verify only behind the magic, which ondisk_msg_verify checks
	 * first anyway. */
	if (msg_rec_magic(sector + ONDISK_MSG_OFFSET)) {
		ondisk_msg_decode(sector + ONDISK_MSG_OFFSET, m);
		if (ondisk_msg_verify(m, lr->owner_generation) == 0)
			return MSG_REC_OURS;
		memset(m, 0, sizeof(*m));
	}
	return lr->timestamp != LEASE_FREE ? MSG_REC_LEGACY : MSG_REC_FREE;
}

static void msg_deliver(const struct msg_ops *ops, uint64_t from,
			uint64_t gen, const struct ondisk_msg *m)
{
	struct sanlk_callback cb;

	if (!ops || !ops->callback)
		return;
	memset(&cb, 0, sizeof(cb));
	cb.type = SANLK_CB_HOST_MESSAGE;
	cb.flags = (m->msg & SANLK_HM_SEQ_DATA) ? SANLK_CB_SEQ_DATA :
						  SANLK_CB_NUMBERED;
	cb.host_id = from;
	cb.generation = gen;
	cb.msg = m->msg;
	cb.seq = m->seq;
	ops->callback(ops->arg, &cb);
}

/* A record from sender `from` (incarnation gen) addressed to us. */
static void msg_recv_one(struct msg_engine *e, uint64_t from, uint64_t gen,
			 const struct ondisk_msg *m, const struct msg_ops *ops)
{
	struct msg_peer *p = &e->peers[from - 1];

	if (m->msg & SANLK_HM_SEQ_DATA) {
		/* §5.2: once per (S, S's generation, send_no); no ack. */
		if (p->sd_have && p->sd_gen == gen &&
		    p->sd_send_no == m->send_no)
			return;
		p->sd_have = 1;
		p->sd_gen = gen;
		p->sd_send_no = m->send_no;
		msg_deliver(ops, from, gen, m);
		return;
	}

	/* §5.1: numbered, per (S, S's generation). */
	if (!p->num_have || p->num_gen != gen) {
		p->num_have = 1;
		p->num_gen = gen;
		p->last_seq = 0;
	}
	if (m->seq > p->last_seq) {
		msg_deliver(ops, from, gen, m);
		if ((m->msg & SANLK_HM_WD_RESET) && ops && ops->wd_reset)
			ops->wd_reset(ops->arg, from, gen, m->seq);
		p->last_seq = m->seq;
	}
	/* new or retransmitted: owe the ack */
	p->owed = 1;
	p->owed_seq = m->seq;
	p->owed_gen = gen;
}

void msg_recv_all(struct msg_engine *e, const struct msg_renewal_in *in,
		  const struct msg_ops *ops)
{
	struct ondisk_leader lr;
	struct ondisk_msg m;
	uint64_t id;

	assert(e->peers);
	for (id = 1; id <= e->max_hosts; id++) {
		struct msg_peer *p = &e->peers[id - 1];
		enum msg_rec_kind kind;

		p->owed = 0;
		if (id == e->our_id)
			continue;
		kind = msg_slot_read(in, id, &lr, &m);
		p->rec_kind = (uint8_t)kind;
		if (kind != MSG_REC_NONE)
			p->leader_gen = lr.owner_generation;
		p->fire_timeout = kind == MSG_REC_OURS ? m.fire_timeout : 0;
		if (kind != MSG_REC_OURS)
			continue;
		if (!(m.flags & ONDISK_MSG_F_MESSAGE) || m.msg == 0 ||
		    m.dest_host_id != e->our_id)
			continue;
		if (m.dest_generation && m.dest_generation != e->our_gen)
			continue;          /* for another incarnation of us */
		msg_recv_one(e, id, lr.owner_generation, &m, ops);
	}
}
