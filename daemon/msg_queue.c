/*
 * msg_queue.c - the send side of host messages (spec/messages.md §3-§4):
 * code and flag checks, the per-lockspace sequence counter, the bounded
 * FIFO (SANLK_HM_QUEUE_MAX), the head message's fate at each renewal
 * (acked / expired: host gone / timeout / SEQ_DATA lifetime) and
 * cancellation when the lockspace goes away.
 *
 * Pure; the engine's owner (msg_space.c, under msg_mutex) serialises calls.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "daemon/msg_engine.h"

/* msg_queue_pop result of a SEQ_DATA message whose lifetime ended: it is
 * never acked, so this is its normal end (EXPIRED callback, state 0). */
#define MSG_SEQ_DATA_DONE 1

int msg_check_code(uint32_t msg, uint32_t flags)
{
	if (msg == 0 || (msg & MSG_CODE_RESERVED))
		return -EINVAL;
	if ((msg & SANLK_HM_WD_RESET) && (msg & SANLK_HM_SEQ_DATA))
		return -EINVAL;
	if (flags & ~(uint32_t)SANLK_HM_WAIT)
		return -EINVAL;
	if ((flags & SANLK_HM_WAIT) && (msg & SANLK_HM_SEQ_DATA))
		return -EINVAL;
	return 0;
}

static struct msg_item *msg_queue_at(struct msg_engine *e, uint32_t i)
{
	assert(i < e->q_len);
	return &e->q[(e->q_first + i) % SANLK_HM_QUEUE_MAX];
}

struct msg_item *msg_queue_head(struct msg_engine *e)
{
	return e->q_len ? msg_queue_at(e, 0) : NULL;
}

/* The seq for a numbered message, advancing the counter; 0 or -errno. */
static int msg_queue_take_seq(struct msg_engine *e, uint32_t want,
			      uint32_t *seq)
{
	if (want == 0) {
		if (e->next_seq == 0)
			return -EOVERFLOW;      /* 2^32-1 was used: stopped */
		*seq = e->next_seq;
	} else {
		/* greater than every seq used so far in this incarnation */
		if (e->next_seq == 0 || want < e->next_seq)
			return -EINVAL;
		*seq = want;
	}
	e->next_seq = *seq + 1;          /* 0 after 0xFFFFFFFF: stopped */
	return 0;
}

int msg_queue_submit(struct msg_engine *e, const struct msg_send_req *r,
		     uint32_t *seq_out)
{
	const struct msg_peer *p;
	struct msg_item *it;
	uint32_t seq;
	int rv;

	assert(e->peers && r && seq_out);
	if (e->cancelled)
		return -ENOENT;
	if (r->dest == 0 || r->dest > e->max_hosts || r->dest == e->our_id)
		return -EINVAL;
	rv = msg_check_code(r->msg, r->flags);
	if (rv < 0)
		return rv;
	if ((r->flags & SANLK_HM_WAIT) && r->wait_fd < 0)
		return -EINVAL;
	/* A sanlock 3.x host holds the slot: it would never see it. */
	p = &e->peers[r->dest - 1];
	if (p->rec_kind == MSG_REC_LEGACY)
		return -EPROTONOSUPPORT;
	if (e->q_len >= SANLK_HM_QUEUE_MAX)
		return -ENOSPC;

	if (r->msg & SANLK_HM_SEQ_DATA) {
		seq = r->seq;                   /* caller data, not ordered */
	} else {
		rv = msg_queue_take_seq(e, r->seq, &seq);
		if (rv < 0)
			return rv;
	}

	it = &e->q[(e->q_first + e->q_len) % SANLK_HM_QUEUE_MAX];
	memset(it, 0, sizeof(*it));
	it->dest = (uint32_t)r->dest;
	it->dest_gen = r->dest_gen;
	it->msg = r->msg;
	it->seq = seq;
	it->wait_fd = (r->flags & SANLK_HM_WAIT) ? r->wait_fd : -1;
	e->q_len++;
	assert(e->q_len <= SANLK_HM_QUEUE_MAX);
	*seq_out = seq;
	return 0;
}

static void msg_queue_report(struct msg_engine *e, const struct msg_item *it,
			     int result, uint64_t dest_gen_seen,
			     const struct msg_ops *ops)
{
	struct sanlk_callback cb;

	if (ops && ops->callback) {
		memset(&cb, 0, sizeof(cb));
		cb.type = result == 0 ? SANLK_CB_MESSAGE_ACKED :
					SANLK_CB_MESSAGE_EXPIRED;
		cb.flags = (it->msg & SANLK_HM_SEQ_DATA) ? SANLK_CB_SEQ_DATA :
							   SANLK_CB_NUMBERED;
		cb.host_id = it->dest;
		cb.generation = it->dest_gen ? it->dest_gen : dest_gen_seen;
		cb.msg = it->msg;
		cb.seq = it->seq;
		cb.state = result < 0 ? (uint32_t)-result : 0;
		ops->callback(ops->arg, &cb);
	}
	if (it->wait_fd >= 0) {
		if (ops && ops->wait_done)
			ops->wait_done(ops->arg, it->wait_fd, result, it->seq);
	}
	(void)e;
}

void msg_queue_pop(struct msg_engine *e, int result, uint64_t dest_gen_seen,
		   const struct msg_ops *ops)
{
	struct msg_item it;

	assert(e->q_len > 0);
	it = *msg_queue_at(e, 0);
	e->q_first = (e->q_first + 1) % SANLK_HM_QUEUE_MAX;
	e->q_len--;
	msg_queue_report(e, &it, result, dest_gen_seen, ops);
}

void msg_queue_cancel(struct msg_engine *e, const struct msg_ops *ops)
{
	e->cancelled = 1;
	while (e->q_len) {
		const struct msg_item *h = msg_queue_at(e, 0);
		uint64_t g = e->peers[h->dest - 1].leader_gen;

		msg_queue_pop(e, -ECANCELED, g, ops);
	}
}

/* io_timeout of host h for the formulas (0 = unknown: ours). */
static uint32_t msg_io_of(const struct msg_engine *e,
			  const struct msg_renewal_in *in, uint32_t h)
{
	uint32_t io = in->hosts[h - 1].io_timeout;

	return io ? io : e->our_io;
}

/* messages.md §4: has the destination gone away? */
static int msg_dest_gone(const struct msg_engine *e,
			 const struct msg_renewal_in *in,
			 const struct msg_item *h)
{
	const struct msg_peer *p = &e->peers[h->dest - 1];
	uint32_t st = in->hosts[h->dest - 1].state;

	if (st == SANLK_HOST_DEAD || st == SANLK_HOST_FREE)
		return 1;
	/* A slot never held shows no state yet: nobody will ever ack. */
	if (st == 0 && p->rec_kind <= MSG_REC_FREE && p->leader_gen == 0)
		return 1;
	if (h->dest_gen && p->rec_kind != MSG_REC_NONE &&
	    p->leader_gen != h->dest_gen)
		return 1;
	return 0;
}

/* The destination's record acknowledges the head. */
static int msg_head_acked(const struct msg_engine *e,
			  const struct msg_renewal_in *in,
			  const struct msg_item *h)
{
	struct ondisk_leader lr;
	struct ondisk_msg m;

	if (msg_slot_read(in, h->dest, &lr, &m) != MSG_REC_OURS)
		return 0;
	return (m.flags & ONDISK_MSG_F_ACK) && m.ack_host_id == e->our_id &&
	       m.ack_generation == e->our_gen && m.ack_seq == h->seq;
}

int msg_queue_check_head(struct msg_engine *e, const struct msg_renewal_in *in,
			 const struct msg_ops *ops)
{
	struct msg_item *h = msg_queue_head(e);
	uint64_t gen_seen, age, limit;
	uint32_t io_s, io_d;

	if (!h)
		return 0;
	assert(h->dest >= 1 && h->dest <= e->max_hosts);
	gen_seen = e->peers[h->dest - 1].leader_gen;
	io_s = e->our_io;
	io_d = msg_io_of(e, in, h->dest);

	if (h->first_write && !(h->msg & SANLK_HM_SEQ_DATA) &&
	    msg_head_acked(e, in, h)) {
		msg_queue_pop(e, 0, gen_seen, ops);
		return 1;
	}
	if (!(h->msg & SANLK_HM_SEQ_DATA) && msg_dest_gone(e, in, h)) {
		msg_queue_pop(e, -EHOSTDOWN, gen_seen, ops);
		return 1;
	}
	if (!h->first_write)
		return 0;
	age = in->now > h->first_write ? in->now - h->first_write : 0;
	if (h->msg & SANLK_HM_SEQ_DATA)
		limit = 2ull * (2ull * io_s + 2ull * io_d) + MSG_SEQ_DATA_EXTRA;
	else if (in->message_timeout)
		limit = in->message_timeout;
	else
		limit = 8ull * io_d + e->our_w;   /* dest host_dead_seconds */
	if (age >= limit) {
		/* SEQ_DATA is never acked: its normal end, reported as 0. */
		msg_queue_pop(e, (h->msg & SANLK_HM_SEQ_DATA) ?
			      MSG_SEQ_DATA_DONE : -ETIMEDOUT,
			      gen_seen, ops);
		return 1;
	}
	return 0;
}
