/*
 * msg_ack.c - which acknowledgement our record carries (spec/messages.md
 * §5.3): one owed ack at a time; it stays at least 2*io_S + 1 seconds
 * (the sender's renewal interval plus one, io_S from its lease) before
 * another owed ack may replace it; owed acks take turns round-robin by
 * host_id; with none owed the last ack written stays.
 *
 * Pure; serialised by the engine's owner (msg_space.c, msg_mutex).
 */
#include <assert.h>

#include "daemon/msg_engine.h"

/* The current ack is still owed, unchanged. */
static int msg_ack_cur_owed(const struct msg_engine *e)
{
	const struct msg_peer *p;

	if (!e->ack_host)
		return 0;
	p = &e->peers[e->ack_host - 1];
	return p->owed && p->owed_seq == e->ack_seq &&
	       p->owed_gen == e->ack_gen;
}

void msg_ack_rotate(struct msg_engine *e, const struct msg_renewal_in *in)
{
	uint32_t start = e->ack_host, k, id;

	assert(e->peers && e->max_hosts >= 1);
	if (msg_ack_cur_owed(e)) {
		uint32_t io = in->hosts[e->ack_host - 1].io_timeout;
		uint64_t stay = 2ull * (io ? io : e->our_io) + 1;

		if (in->now < e->ack_since + stay)
			return;                 /* not seen long enough yet */
	}

	/* Round-robin: the first owed ack after the current host, i.e.
	 * host_ids start+1..max_hosts, then 1..start (no division per step:
	 * this runs over every slot on every renewal). */
	assert(start <= e->max_hosts);
	id = start;
	for (k = 1; k <= e->max_hosts; k++) {
		const struct msg_peer *p;

		id = id == e->max_hosts ? 1 : id + 1;
		if (id == e->our_id)
			continue;
		p = &e->peers[id - 1];
		if (!p->owed)
			continue;
		if (id == e->ack_host && p->owed_seq == e->ack_seq &&
		    p->owed_gen == e->ack_gen)
			continue;               /* that is the current one */
		e->ack_host = id;
		e->ack_seq = p->owed_seq;
		e->ack_gen = p->owed_gen;
		e->ack_since = in->now;
		return;
	}
	/* none other owed: the current ack (if any) stays */
}
