/*
 * msg_engine.c - one lockspace's host-message engine (see msg_engine.h):
 * set-up, and the renewal step that ties the pieces together in the
 * order of spec/messages.md: receive (§5), HOST_STATE changes and the
 * after-join fire-timeout check (§6, §8), the head message's fate (§4),
 * the next message entering the record, the ack rotation (§5.3), and the
 * record for the write that follows (§2).
 *
 * Pure; the owner (msg_space.c) holds msg_mutex around every call.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/msg_engine.h"

int msg_engine_init(struct msg_engine *e, uint64_t our_id, uint64_t our_gen,
		    uint32_t max_hosts, uint32_t our_io, uint32_t our_w)
{
	memset(e, 0, sizeof(*e));
	if (max_hosts == 0 || max_hosts > MSG_MAX_HOSTS || our_id == 0 ||
	    our_id > max_hosts || our_io == 0 || our_w == 0 || our_w > 0xFFFF)
		return -EINVAL;
	e->peers = calloc(max_hosts, sizeof(*e->peers));
	if (!e->peers)
		return -ENOMEM;
	e->our_id = our_id;
	e->our_gen = our_gen;
	e->max_hosts = max_hosts;
	e->our_io = our_io;
	e->our_w = our_w;
	e->next_seq = 1;          /* messages.md §4: starts at 1 */
	return 0;
}

void msg_engine_free(struct msg_engine *e)
{
	if (!e)
		return;
	/* Queued messages may own WAIT descriptors: cancel first. */
	assert(e->q_len == 0);
	free(e->peers);
	memset(e, 0, sizeof(*e));
}

/* §6 HOST_STATE and §8 (after join). */
static void msg_state_changes(struct msg_engine *e,
			      const struct msg_renewal_in *in,
			      const struct msg_ops *ops)
{
	struct sanlk_callback cb;
	uint64_t id;

	for (id = 1; id <= e->max_hosts; id++) {
		struct msg_peer *p = &e->peers[id - 1];
		uint32_t st = in->hosts[id - 1].state;
		int mismatch;

		if (id == e->our_id || st == 0)
			continue;
		memset(&cb, 0, sizeof(cb));
		cb.type = SANLK_CB_HOST_STATE;
		cb.host_id = id;
		cb.generation = p->leader_gen;
		cb.state = st;
		if (st != p->last_state) {
			p->last_state = (uint8_t)st;
			if (ops && ops->callback)
				ops->callback(ops->arg, &cb);
		}

		mismatch = st == SANLK_HOST_LIVE &&
			   ((p->rec_kind == MSG_REC_OURS &&
			     p->fire_timeout != e->our_w) ||
			    (p->rec_kind == MSG_REC_LEGACY && e->our_w != 60));
		if (!mismatch) {
			p->w_mismatch = 0;
			continue;
		}
		if (ops && ops->w_mismatch)
			ops->w_mismatch(ops->arg, id, p->fire_timeout);
		if (!p->w_mismatch) {
			p->w_mismatch = 1;
			cb.flags = SANLK_CB_FIRE_TIMEOUT;
			cb.msg = p->fire_timeout;
			if (ops && ops->callback)
				ops->callback(ops->arg, &cb);
		}
	}
}

void msg_engine_renewal(struct msg_engine *e, const struct msg_renewal_in *in,
			const struct msg_ops *ops, uint8_t rec[MSG_REC_SIZE])
{
	struct msg_item *h;
	int i;

	assert(e->peers && in && in->area && in->hosts && rec);
	assert(in->sector_size == 512 || in->sector_size == 4096);

	msg_recv_all(e, in, ops);
	msg_state_changes(e, in, ops);

	if (!e->cancelled) {
		/* Heads that leave now make room for the next at once. */
		for (i = 0; i <= SANLK_HM_QUEUE_MAX; i++) {
			if (!msg_queue_check_head(e, in, ops))
				break;
		}
		h = msg_queue_head(e);
		if (h && !h->first_write) {
			h->first_write = in->now;
			h->send_no = ++e->send_no;
		}
	}
	msg_ack_rotate(e, in);
	msg_record_build(e, !e->cancelled, rec);
}
