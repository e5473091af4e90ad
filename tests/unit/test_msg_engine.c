/*
 * test_msg_engine.c - unit tests of the host-message engine
 * (daemon/msg_engine.h; spec/messages.md §2-§5, §8): code checks, the
 * send queue and its sequence counter with every reject of §4, the
 * record, and whole exchanges between simulated hosts over one
 * lockspace area image: delivery exactly once, acks, retransmissions,
 * SEQ_DATA, generation mismatch, expiry (host gone / timeout),
 * restarted senders and destinations, ack rotation between several
 * senders, cancellation, HOST_STATE and fire-timeout mismatch reports.
 *
 * Test code; single-threaded.  Time is a plain counter (seconds).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/msg_engine.h"

#define SS       512u
#define MAXH     8u
#define IO       1u
#define W        60u
#define LSNAME   "msgls"

/* ---- a recorder for struct msg_ops ---- */

#define REC_MAX 512

struct rec {
	struct sanlk_callback cb[REC_MAX];
	int ncb;
	int wait_fd[REC_MAX];
	int wait_rv[REC_MAX];
	uint32_t wait_seq[REC_MAX];
	int nwait;
	int wd;
	uint64_t wd_from;
	int mismatch;
	uint32_t mismatch_w;
};

static void r_cb(void *arg, const struct sanlk_callback *cb)
{
	struct rec *r = arg;

	assert_true(r->ncb < REC_MAX);
	r->cb[r->ncb++] = *cb;
}

static void r_wait(void *arg, int fd, int rv, uint32_t seq)
{
	struct rec *r = arg;

	assert_true(r->nwait < REC_MAX);
	r->wait_fd[r->nwait] = fd;
	r->wait_rv[r->nwait] = rv;
	r->wait_seq[r->nwait] = seq;
	r->nwait++;
}

static void r_wd(void *arg, uint64_t from, uint64_t gen, uint32_t seq)
{
	struct rec *r = arg;

	(void)gen;
	(void)seq;
	r->wd++;
	r->wd_from = from;
}

static void r_mis(void *arg, uint64_t host_id, uint32_t w)
{
	struct rec *r = arg;

	(void)host_id;
	r->mismatch++;
	r->mismatch_w = w;
}

static struct msg_ops r_ops(struct rec *r)
{
	struct msg_ops o = { r_cb, r_wait, r_wd, r_mis, r };

	return o;
}

/* Callbacks of a type (and from/to a host when host != 0). */
static int r_count(const struct rec *r, uint32_t type, uint64_t host)
{
	int n = 0;

	for (int i = 0; i < r->ncb; i++) {
		if (r->cb[i].type == type && (!host || r->cb[i].host_id == host))
			n++;
	}
	return n;
}

/* The n-th (0-based) callback of a type. */
static const struct sanlk_callback *r_nth(const struct rec *r, uint32_t type,
					  int n)
{
	for (int i = 0; i < r->ncb; i++) {
		if (r->cb[i].type == type && n-- == 0)
			return &r->cb[i];
	}
	fail_msg("no callback %d of type %u", n, type);
	return NULL;
}

/* ---- a simulated lockspace: area image, hosts, clock ---- */

struct host {
	struct msg_engine e;
	struct rec r;
	uint64_t gen;
	uint64_t ts;
	int up;                      /* slot held */
	uint16_t w;
};

struct world {
	uint8_t area[MAXH * SS];
	struct host h[MAXH + 1];
	struct msg_host_view view[MAXH];
	uint64_t now;
	uint32_t message_timeout;
};

/* Write host id's slot: a valid delta leader, and rec (56 bytes) or a
 * zero message area (a 3.8.5 host). */
static void w_slot(struct world *w, uint64_t id, uint64_t gen, uint64_t ts,
		   const uint8_t *rec)
{
	struct ondisk_leader lr;
	uint8_t *s = w->area + (id - 1) * SS;

	memset(&lr, 0, sizeof(lr));
	lr.magic = DELTA_DISK_MAGIC;
	lr.version = DELTA_DISK_VERSION;
	lr.flags = LFL_ALIGN_1M;
	lr.sector_size = SS;
	lr.max_hosts = 1;
	lr.owner_id = id;
	lr.owner_generation = gen;
	lr.timestamp = ts;
	lr.io_timeout = IO;
	ondisk_name_set(lr.space_name, LSNAME);
	ondisk_name_set(lr.resource_name, "host");
	memset(s, 0, SS);
	ondisk_leader_seal(&lr, s);
	if (rec)
		memcpy(s + ONDISK_MSG_OFFSET, rec, ONDISK_MSG_SIZE);
}

static void w_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->now = 1000;
	for (uint32_t i = 0; i < MAXH; i++)
		w->view[i].io_timeout = IO;
}

/* Host id joins with generation gen: fresh record in its slot. */
static void w_join(struct world *w, uint64_t id, uint64_t gen)
{
	struct host *h = &w->h[id];
	uint8_t rec[MSG_REC_SIZE];

	if (h->e.peers) {
		struct msg_ops o = r_ops(&h->r);

		msg_queue_cancel(&h->e, &o);
		msg_engine_free(&h->e);
	}
	memset(&h->r, 0, sizeof(h->r));
	assert_int_equal(msg_engine_init(&h->e, id, gen, MAXH, IO,
					 h->w ? h->w : W), 0);
	h->gen = gen;
	h->ts = w->now;
	h->up = 1;
	msg_record_fresh(gen, h->w ? h->w : W, rec);
	w_slot(w, id, gen, h->ts, rec);
	w->view[id - 1].state = SANLK_HOST_LIVE;
}

/* One renewal of host id: read (the area as it is), write its slot. */
static void w_renew(struct world *w, uint64_t id)
{
	struct host *h = &w->h[id];
	struct msg_renewal_in in;
	struct msg_ops o = r_ops(&h->r);
	uint8_t rec[MSG_REC_SIZE];

	assert_true(h->up);
	memset(&in, 0, sizeof(in));
	in.area = w->area;
	in.sector_size = SS;
	in.space_name = LSNAME;
	in.hosts = w->view;
	in.now = w->now;
	in.message_timeout = w->message_timeout;
	msg_engine_renewal(&h->e, &in, &o, rec);
	h->ts = w->now;
	w_slot(w, id, h->gen, h->ts, rec);
}

/* Every live host renews once, in host order, then the clock moves on
 * by the renewal interval. */
static void w_round(struct world *w)
{
	for (uint64_t id = 1; id <= MAXH; id++) {
		if (w->h[id].up)
			w_renew(w, id);
	}
	w->now += 2 * IO;
}

static void w_free(struct world *w)
{
	for (uint64_t id = 1; id <= MAXH; id++) {
		struct host *h = &w->h[id];

		if (h->e.peers) {
			struct msg_ops o = r_ops(&h->r);

			msg_queue_cancel(&h->e, &o);
			msg_engine_free(&h->e);
		}
	}
}

static int w_send(struct world *w, uint64_t from, uint64_t to, uint64_t gen,
		  uint32_t msg, uint32_t seq, uint32_t flags, int fd,
		  uint32_t *seq_out)
{
	struct msg_send_req r;

	memset(&r, 0, sizeof(r));
	r.dest = to;
	r.dest_gen = gen;
	r.msg = msg;
	r.seq = seq;
	r.flags = flags;
	r.wait_fd = fd;
	return msg_queue_submit(&w->h[from].e, &r, seq_out);
}

/* The decoded record in host id's slot. */
static struct ondisk_msg w_rec(const struct world *w, uint64_t id)
{
	struct ondisk_msg m;

	ondisk_msg_decode(w->area + (id - 1) * SS + ONDISK_MSG_OFFSET, &m);
	return m;
}

/* ---- code and flag checks (§3, §4) ---- */

static void test_check_code(void **state)
{
	(void)state;
	assert_int_equal(msg_check_code(0, 0), -EINVAL);
	for (uint32_t b = 1; b <= 7; b++)
		assert_int_equal(msg_check_code(1u << b, 0), -EINVAL);
	assert_int_equal(msg_check_code(SANLK_HM_WD_RESET | SANLK_HM_SEQ_DATA, 0),
			 -EINVAL);
	assert_int_equal(msg_check_code(SANLK_HM_SEQ_DATA, SANLK_HM_WAIT), -EINVAL);
	assert_int_equal(msg_check_code(0x100, 0x2), -EINVAL);
	assert_int_equal(msg_check_code(SANLK_HM_WD_RESET, SANLK_HM_WAIT), 0);
	assert_int_equal(msg_check_code(0x100 | SANLK_HM_WD_RESET, 0), 0);
	assert_int_equal(msg_check_code(0x40000000u | 0x100, 0), 0);
	assert_int_equal(msg_check_code(SANLK_HM_SEQ_DATA | 0x200, 0), 0);
	assert_int_equal(msg_check_code(SANLK_HM_SEQ_DATA, 0), 0);
}

/* ---- the queue and the counter (§4) ---- */

static void test_submit_rejects(void **state)
{
	struct world w;
	uint32_t seq = 77;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	/* host_id 0, above max_hosts, our own */
	assert_int_equal(w_send(&w, 1, 0, 0, 0x100, 0, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, MAXH + 1, 0, 0x100, 0, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 1, 0, 0x100, 0, 0, -1, &seq), -EINVAL);
	/* bad codes, WAIT with SEQ_DATA, WAIT without a descriptor */
	assert_int_equal(w_send(&w, 1, 2, 0, 0, 0, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x2, 0, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_SEQ_DATA | 1, 0, 0, -1, &seq),
			 -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_SEQ_DATA, 5, SANLK_HM_WAIT,
				9, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, -1, &seq),
			 -EINVAL);
	assert_int_equal(seq, 77);              /* untouched */
	assert_int_equal(w.h[1].e.q_len, 0);
	assert_int_equal(w.h[1].e.next_seq, 1); /* counter untouched */
	w_free(&w);
}

static void test_seq_counter(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	assert_int_equal(seq, 1);               /* starts at 1 */
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	assert_int_equal(seq, 2);
	/* a caller seq must be greater than every seq used */
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 2, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 1, 0, -1, &seq), -EINVAL);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 10, 0, -1, &seq), 0);
	assert_int_equal(seq, 10);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	assert_int_equal(seq, 11);              /* advanced by the caller's */
	/* SEQ_DATA: the seq is caller data, the counter does not move */
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_SEQ_DATA, 3, 0, -1, &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(w.h[1].e.next_seq, 12);
	/* the counter stops at 2^32-1 */
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0xFFFFFFFEu, 0, -1, &seq), 0);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	assert_int_equal(seq, 0xFFFFFFFFu);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), -EOVERFLOW);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0xFFFFFFFFu, 0, -1, &seq),
			 -EINVAL);
	assert_int_equal(w.h[1].e.q_len, 7);
	w_free(&w);
}

static void test_queue_full(void **state)
{
	struct world w;
	uint32_t seq;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	for (int i = 0; i < SANLK_HM_QUEUE_MAX; i++) {
		seq = 0;
		assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	}
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), -ENOSPC);
	assert_int_equal(w.h[1].e.next_seq, SANLK_HM_QUEUE_MAX + 1);
	w_free(&w);
}

static void test_legacy_destination(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	/* host 3 is a sanlock 3.x host: valid leader, zero bytes 200..255 */
	w_slot(&w, 3, 4, 555, NULL);
	w.view[2].state = SANLK_HOST_LIVE;
	/* before host 1 has seen the slot: not known yet */
	w_renew(&w, 1);
	assert_int_equal(w_send(&w, 1, 3, 0, 0x100, 0, 0, -1, &seq),
			 -EPROTONOSUPPORT);
	assert_int_equal(w.h[1].e.q_len, 0);
	/* 60 != 60: no mismatch; with W 30 it would be reported */
	assert_int_equal(w.h[1].r.mismatch, 0);
	w_free(&w);
}

/* ---- the record (§2) ---- */

static void test_record(void **state)
{
	struct world w;
	struct ondisk_msg m;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 7);
	m = w_rec(&w, 1);
	assert_int_equal(ondisk_msg_verify(&m, 7), 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.fire_timeout, W);
	assert_int_equal(m.send_no, 0);
	assert_int_equal(ondisk_msg_verify(&m, 8), -ESTALE);

	w_join(&w, 2, 3);
	assert_int_equal(w_send(&w, 1, 2, 3, 0x300, 0, 0, -1, &seq), 0);
	w_renew(&w, 1);
	m = w_rec(&w, 1);
	assert_int_equal(ondisk_msg_verify(&m, 7), 0);
	assert_int_equal(m.flags, ONDISK_MSG_F_MESSAGE);
	assert_int_equal(m.send_no, 1);
	assert_int_equal(m.dest_host_id, 2);
	assert_int_equal(m.dest_generation, 3);
	assert_int_equal(m.msg, 0x300);
	assert_int_equal(m.seq, 1);
	assert_int_equal(m.owner_generation, 7);
	w_free(&w);
}

/* ---- exchanges ---- */

/* §10: delivered exactly once, acked, WAIT result 0. */
static void test_deliver_ack_once(void **state)
{
	struct world w;
	struct ondisk_msg m;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 5);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 42, &seq), 0);
	w_renew(&w, 1);                          /* the message enters */
	assert_int_equal(w.h[1].r.nwait, 0);
	w_renew(&w, 2);                          /* delivered, acked */
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 1);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->generation, 1);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->msg, 0x100);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->seq, 1);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->flags,
			 SANLK_CB_NUMBERED);
	m = w_rec(&w, 2);
	assert_int_equal(m.flags & ONDISK_MSG_F_ACK, ONDISK_MSG_F_ACK);
	assert_int_equal(m.ack_host_id, 1);
	assert_int_equal(m.ack_seq, 1);
	assert_int_equal(m.ack_generation, 1);
	/* B renews again before A saw the ack: no second delivery */
	w.now++;
	w_renew(&w, 2);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0), 1);
	w_renew(&w, 1);                          /* A sees the ack */
	assert_int_equal(w.h[1].r.nwait, 1);
	assert_int_equal(w.h[1].r.wait_fd[0], 42);
	assert_int_equal(w.h[1].r.wait_rv[0], 0);
	assert_int_equal(w.h[1].r.wait_seq[0], 1);
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_MESSAGE_ACKED, 2), 1);
	assert_int_equal(w.h[1].e.q_len, 0);
	m = w_rec(&w, 1);
	assert_int_equal(m.flags & ONDISK_MSG_F_MESSAGE, 0);
	/* later renewals: nothing more, the ack stays in B's record */
	for (int i = 0; i < 5; i++)
		w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0), 1);
	assert_int_equal(w.h[1].r.nwait, 1);
	m = w_rec(&w, 2);
	assert_int_equal(m.ack_seq, 1);
	w_free(&w);
}

/* §10: 20 back to back arrive in order, none lost or duplicated; the next
 * message enters the renewal that sees the previous ack. */
static void test_twenty_in_order(void **state)
{
	struct world w;
	uint32_t seq;
	int i, rounds = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	for (i = 0; i < 20; i++) {
		seq = 0;
		assert_int_equal(w_send(&w, 1, 2, 0, 0x100 + ((uint32_t)i << 8),
					0, 0, -1, &seq), 0);
		assert_int_equal(seq, (uint32_t)i + 1);
	}
	while (w.h[1].e.q_len && rounds < 100) {
		w_round(&w);
		rounds++;
	}
	assert_int_equal(w.h[1].e.q_len, 0);
	assert_int_equal(rounds, 21);            /* one per round, +1 */
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 20);
	for (i = 0; i < 20; i++) {
		const struct sanlk_callback *cb =
			r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, i);

		assert_int_equal(cb->seq, (uint32_t)i + 1);
		assert_int_equal(cb->msg, 0x100 + ((uint32_t)i << 8));
		assert_int_equal(r_nth(&w.h[1].r, SANLK_CB_MESSAGE_ACKED,
				       i)->seq, (uint32_t)i + 1);
	}
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_MESSAGE_ACKED, 2), 20);
	w_free(&w);
}

/* A retransmission (B's ack not seen yet, or seen by another
 * incarnation) is acked again, never delivered again. */
static void test_retransmission(void **state)
{
	struct world w;
	uint8_t saved[SS];
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	w_renew(&w, 1);
	memcpy(saved, w.area, SS);               /* A's record with the message */
	w_renew(&w, 2);
	/* B's ack is lost (A's slot rewritten by an older image) */
	memcpy(w.area, saved, SS);
	w_renew(&w, 2);
	w_renew(&w, 2);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0), 1);
	assert_int_equal(w_rec(&w, 2).ack_seq, 1);
	w_free(&w);
}

/* §10: SEQ_DATA is not acknowledged; delivered once per send_no; it
 * leaves after 2*(2io_S + 2io_D) + 6 s with an EXPIRED callback, state 0. */
static void test_seq_data(void **state)
{
	struct world w;
	uint32_t seq = 0;
	uint64_t t0;
	int i;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_SEQ_DATA | 0x100, 1234, 0,
				-1, &seq), 0);
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_SEQ_DATA | 0x100, 1234, 0,
				-1, &seq), 0);
	t0 = w.now;
	for (i = 0; i < 5; i++)
		w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 1);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->flags,
			 SANLK_CB_SEQ_DATA);
	assert_int_equal(r_nth(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0)->seq, 1234);
	assert_int_equal(w_rec(&w, 2).flags & ONDISK_MSG_F_ACK, 0);
	while (w.now < t0 + 2 * (2 * IO + 2 * IO) + 6)
		w_round(&w);
	w_round(&w);
	/* the first left, the second entered (same data, new send_no) */
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 2), 1);
	assert_int_equal(r_nth(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 0)->state, 0);
	assert_int_equal(r_nth(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 0)->flags,
			 SANLK_CB_SEQ_DATA);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 2);
	assert_int_equal(w_rec(&w, 2).flags & ONDISK_MSG_F_ACK, 0);
	w_free(&w);
}

/* §10: a generation mismatch is not delivered; the sender sees another
 * generation in the slot: -EHOSTDOWN. */
static void test_generation_mismatch(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 4);
	w_round(&w);
	assert_int_equal(w_send(&w, 1, 2, 3, 0x100, 0, SANLK_HM_WAIT, 9, &seq), 0);
	w_round(&w);
	w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0), 0);
	assert_int_equal(w.h[1].r.nwait, 1);
	assert_int_equal(w.h[1].r.wait_rv[0], -EHOSTDOWN);
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 2), 1);
	w_free(&w);
}

/* §10 extra: a restarted destination with dest_generation set never gets
 * the old message; the sender sees -EHOSTDOWN. */
static void test_restarted_destination(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	w_round(&w);
	w.h[2].up = 0;                           /* B crashes */
	assert_int_equal(w_send(&w, 1, 2, 1, 0x100, 0, SANLK_HM_WAIT, 9, &seq), 0);
	w_renew(&w, 1);                          /* written for gen 1 */
	w_join(&w, 2, 2);                        /* B comes back: gen 2 */
	w_renew(&w, 2);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 0), 0);
	w_renew(&w, 1);
	assert_int_equal(w.h[1].r.nwait, 1);
	assert_int_equal(w.h[1].r.wait_rv[0], -EHOSTDOWN);
	/* with dest_generation 0 it may reach the new incarnation */
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x200, 0, 0, -1, &seq), 0);
	w_round(&w);
	w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 1);
	w_free(&w);
}

/* §10 extra: a restarted sender starts a new sequence at 1 that the
 * receiver accepts. */
static void test_restarted_sender(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	for (int i = 0; i < 3; i++) {
		seq = 0;
		assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	}
	for (int i = 0; i < 6; i++)
		w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 3);
	w_join(&w, 1, 2);                        /* A restarts */
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 5, &seq), 0);
	assert_int_equal(seq, 1);
	w_round(&w);
	w_round(&w);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 4);
	assert_int_equal(w.h[2].r.cb[w.h[2].r.ncb - 1].generation, 2);
	assert_int_equal(w.h[1].r.nwait, 1);
	assert_int_equal(w.h[1].r.wait_rv[0], 0);
	w_free(&w);
}

/* §4: DEAD / FREE destinations -> -EHOSTDOWN; no ack within the timeout
 * (default host_dead_seconds 8*io_D + W, or message_timeout) ->
 * -ETIMEDOUT, measured from the first write. */
static void test_expiry(void **state)
{
	struct world w;
	uint32_t seq = 0;
	uint64_t t0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	w_join(&w, 3, 1);
	w_round(&w);
	w.h[2].up = 0;                           /* alive on paper, silent */
	w.h[3].up = 0;
	w.view[2].state = SANLK_HOST_DEAD;
	assert_int_equal(w_send(&w, 1, 3, 0, 0x100, 0, SANLK_HM_WAIT, 3, &seq), 0);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 2, &seq), 0);
	w_renew(&w, 1);                          /* 3 dead: leaves at once */
	assert_int_equal(w.h[1].r.nwait, 1);
	assert_int_equal(w.h[1].r.wait_fd[0], 3);
	assert_int_equal(w.h[1].r.wait_rv[0], -EHOSTDOWN);
	t0 = w.now;                              /* the one for 2 entered */
	while (w.now < t0 + 8 * IO + W - 1) {
		w.now++;
		w_renew(&w, 1);
	}
	assert_int_equal(w.h[1].r.nwait, 1);
	w.now++;
	w_renew(&w, 1);
	assert_int_equal(w.h[1].r.nwait, 2);
	assert_int_equal(w.h[1].r.wait_rv[1], -ETIMEDOUT);
	assert_int_equal(w.now - t0, 8 * IO + W);

	/* message_timeout */
	w.message_timeout = 5;
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 4, &seq), 0);
	w_renew(&w, 1);
	t0 = w.now;
	while (w.h[1].r.nwait < 3) {
		w.now++;
		w_renew(&w, 1);
	}
	assert_int_equal(w.now - t0, 5);
	assert_int_equal(w.h[1].r.wait_rv[2], -ETIMEDOUT);

	/* FREE */
	w.view[1].state = SANLK_HOST_FREE;
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 5, &seq), 0);
	w_renew(&w, 1);
	assert_int_equal(w.h[1].r.nwait, 4);
	assert_int_equal(w.h[1].r.wait_rv[3], -EHOSTDOWN);
	/* a slot never used (no state, no leader) */
	seq = 0;
	assert_int_equal(w_send(&w, 1, 7, 0, 0x100, 0, SANLK_HM_WAIT, 6, &seq), 0);
	w_renew(&w, 1);
	assert_int_equal(w.h[1].r.nwait, 5);
	assert_int_equal(w.h[1].r.wait_rv[4], -EHOSTDOWN);
	w_free(&w);
}

/* §4: cancellation (rem_lockspace, failure, shutdown). */
static void test_cancel(void **state)
{
	struct world w;
	struct msg_ops o;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 11, &seq), 0);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, SANLK_HM_WAIT, 12, &seq), 0);
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), 0);
	w_renew(&w, 1);
	o = r_ops(&w.h[1].r);
	msg_queue_cancel(&w.h[1].e, &o);
	assert_int_equal(w.h[1].r.nwait, 2);
	assert_int_equal(w.h[1].r.wait_rv[0], -ECANCELED);
	assert_int_equal(w.h[1].r.wait_rv[1], -ECANCELED);
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 2), 3);
	assert_int_equal(r_nth(&w.h[1].r, SANLK_CB_MESSAGE_EXPIRED, 0)->state,
			 ECANCELED);
	seq = 0;
	assert_int_equal(w_send(&w, 1, 2, 0, 0x100, 0, 0, -1, &seq), -ENOENT);
	/* the record no longer carries the message */
	w_renew(&w, 1);
	assert_int_equal(w_rec(&w, 1).flags & ONDISK_MSG_F_MESSAGE, 0);
	w_free(&w);
}

/* §5.5: WD_RESET, numbered, first delivery only. */
static void test_wd_reset(void **state)
{
	struct world w;
	uint32_t seq = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	assert_int_equal(w_send(&w, 1, 2, 0, SANLK_HM_WD_RESET, 0, 0, -1, &seq), 0);
	w_renew(&w, 1);
	w_renew(&w, 2);
	w_renew(&w, 2);
	assert_int_equal(w.h[2].r.wd, 1);
	assert_int_equal(w.h[2].r.wd_from, 1);
	assert_int_equal(r_count(&w.h[2].r, SANLK_CB_HOST_MESSAGE, 1), 1);
	w_free(&w);
}

/* §5.3: three senders to one destination; every message acked; an owed
 * ack stays >= 2*io_S + 1 s; turns are round robin. */
static void test_three_senders(void **state)
{
	struct world w;
	uint32_t seq;
	int rounds = 0, n, switches = 0;
	uint32_t last_host = 0;

	(void)state;
	w_init(&w);
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	w_join(&w, 3, 1);
	w_join(&w, 4, 1);
	for (uint64_t s = 2; s <= 4; s++) {
		for (int i = 0; i < 3; i++) {
			seq = 0;
			assert_int_equal(w_send(&w, s, 1, 0, 0x100, 0, 0, -1,
						&seq), 0);
		}
	}
	while ((w.h[2].e.q_len || w.h[3].e.q_len || w.h[4].e.q_len) &&
	       rounds < 200) {
		w_round(&w);
		rounds++;
		if (w_rec(&w, 1).ack_host_id != last_host) {
			last_host = w_rec(&w, 1).ack_host_id;
			switches++;
		}
	}
	assert_true(rounds < 200);
	assert_true(switches >= 9);              /* every ack had its turn */
	n = r_count(&w.h[1].r, SANLK_CB_HOST_MESSAGE, 0);
	assert_int_equal(n, 9);
	for (uint64_t s = 2; s <= 4; s++) {
		assert_int_equal(r_count(&w.h[1].r, SANLK_CB_HOST_MESSAGE, s), 3);
		assert_int_equal(r_count(&w.h[s].r, SANLK_CB_MESSAGE_ACKED, 1), 3);
	}
	w_free(&w);
}

/* §5.3 directly: minimum stay and round-robin order of msg_ack_rotate. */
static void test_ack_rotation(void **state)
{
	struct msg_engine e;
	struct msg_renewal_in in;
	struct msg_host_view view[MAXH];

	(void)state;
	assert_int_equal(msg_engine_init(&e, 1, 1, MAXH, 1, W), 0);
	memset(view, 0, sizeof(view));
	for (uint32_t i = 0; i < MAXH; i++)
		view[i].io_timeout = 2;          /* io_S 2: stay >= 5 s */
	memset(&in, 0, sizeof(in));
	in.hosts = view;
	in.now = 100;
	/* 3, 5 and 7 are owed */
	for (uint32_t id = 3; id <= 7; id += 2) {
		e.peers[id - 1].owed = 1;
		e.peers[id - 1].owed_seq = id * 10;
		e.peers[id - 1].owed_gen = 1;
	}
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 3);
	assert_int_equal(e.ack_seq, 30);
	in.now = 104;                            /* < 100 + 5: stays */
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 3);
	in.now = 105;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 5);
	in.now = 110;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 7);
	in.now = 115;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 3);         /* wraps round */
	/* 3 no longer owed (its sender moved on): replaced at once */
	e.peers[2].owed = 0;
	in.now = 116;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 5);
	/* nothing owed: the last ack stays */
	for (uint32_t i = 0; i < MAXH; i++)
		e.peers[i].owed = 0;
	in.now = 200;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 5);
	assert_int_equal(e.ack_seq, 50);
	/* only the current one owed, past its stay: it stays */
	e.peers[4].owed = 1;
	in.now = 300;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_host, 5);
	assert_int_equal(e.ack_since, 116);
	/* the same sender now owes a newer seq: switch */
	e.peers[4].owed_seq = 51;
	msg_ack_rotate(&e, &in);
	assert_int_equal(e.ack_seq, 51);
	assert_int_equal(e.ack_since, 300);
	msg_engine_free(&e);
}

/* §6 HOST_STATE and §8 after join. */
static void test_host_state_and_w(void **state)
{
	struct world w;

	(void)state;
	w_init(&w);
	w.h[2].w = 30;                           /* host 2 publishes W 30 */
	w_join(&w, 1, 1);
	w_join(&w, 2, 1);
	w.view[1].state = SANLK_HOST_UNKNOWN;
	w_renew(&w, 1);
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_HOST_STATE, 2), 1);
	assert_int_equal(w.h[1].r.mismatch, 0);  /* not live yet */
	w.view[1].state = SANLK_HOST_LIVE;
	w_renew(&w, 1);
	w_renew(&w, 1);
	/* LIVE reported once, the mismatch once, logged every renewal */
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_HOST_STATE, 2), 3);
	assert_int_equal(w.h[1].r.mismatch, 2);
	assert_int_equal(w.h[1].r.mismatch_w, 30);
	assert_int_equal(w.h[1].r.cb[2].flags, SANLK_CB_FIRE_TIMEOUT);
	assert_int_equal(w.h[1].r.cb[2].msg, 30);
	/* hosts without a state (never seen) report nothing */
	assert_int_equal(r_count(&w.h[1].r, SANLK_CB_HOST_STATE, 5), 0);
	w_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_code),
		cmocka_unit_test(test_submit_rejects),
		cmocka_unit_test(test_seq_counter),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_legacy_destination),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_deliver_ack_once),
		cmocka_unit_test(test_twenty_in_order),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_seq_data),
		cmocka_unit_test(test_generation_mismatch),
		cmocka_unit_test(test_restarted_destination),
		cmocka_unit_test(test_restarted_sender),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_wd_reset),
		cmocka_unit_test(test_three_senders),
		cmocka_unit_test(test_ack_rotation),
		cmocka_unit_test(test_host_state_and_w),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
