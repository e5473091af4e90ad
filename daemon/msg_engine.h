/*
 * msg_engine.h - host messages of one lockspace (spec/messages.md §2-§5,
 * §8 after-join check): the FIFO send queue and its sequence counter, the
 * message currently in our record and when it leaves (acked, expired:
 * host gone / timeout), receiving from the other hosts' records
 * (de-duplication per sender incarnation, SEQ_DATA once per send_no, owed
 * acks and their round-robin rotation), HOST_STATE changes, and building
 * the 56-byte record (bytes 200..255) that our next write carries.
 *
 * Pure: no locks, no I/O, no clock, no logging.  The caller passes the
 * renewal's read of the whole lockspace area, a per-host view of the
 * host table and `now`; effects come back through struct msg_ops, called
 * synchronously.  In the daemon one engine belongs to one lockspace and
 * msg_space.c guards it with msg_mutex (see msg_space.h).
 *
 * Bounds: SANLK_HM_QUEUE_MAX queued messages per lockspace; one peer
 * record per host_id 1..max_hosts (<= MSG_MAX_HOSTS).
 */
#ifndef DAEMON_MSG_ENGINE_H
#define DAEMON_MSG_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "sanlock_admin.h"
#include "ondisk/ondisk.h"

#define SANLK_HM_QUEUE_MAX   32      /* messages queued per lockspace */
#define MSG_MAX_HOSTS        2000u   /* largest max_hosts (ondisk.md §6.1) */
#define MSG_SEQ_DATA_EXTRA   6       /* SEQ_DATA stays 2*(2io_S+2io_D)+6 s */
#define MSG_REC_SIZE         ONDISK_MSG_SIZE

/* Reserved code bits 1..7 (messages.md §3). */
#define MSG_CODE_RESERVED    0x000000FEu

/* What a slot held at the last examination. */
enum msg_rec_kind {
	MSG_REC_NONE = 0,    /* leader invalid (or never read) */
	MSG_REC_FREE,        /* valid free leader, no valid message record */
	MSG_REC_LEGACY,      /* held, valid leader, no valid message record (3.x) */
	MSG_REC_OURS,        /* valid leader and valid message record */
};

/* One queued message. */
struct msg_item {
	uint64_t dest_gen;       /* 0 = any incarnation */
	uint64_t first_write;    /* local time it entered our record, 0 = not yet */
	uint32_t dest;           /* host_id */
	uint32_t msg;
	uint32_t seq;
	int      wait_fd;        /* SANLK_HM_WAIT reply descriptor, -1 none */
	uint8_t  send_no;        /* given when it enters the record */
};

/* The caller's view of one host at this renewal (from the host table). */
struct msg_host_view {
	uint32_t state;          /* SANLK_HOST_*; 0 = not reportable yet */
	uint32_t io_timeout;     /* from its lease, 0 = unknown */
};

/* Receive-side and bookkeeping state per other host. */
struct msg_peer {
	uint64_t num_gen;        /* sender incarnation of last_seq */
	uint64_t sd_gen;         /* sender incarnation of sd_send_no */
	uint64_t owed_gen;       /* ack owed this renewal: its generation */
	uint64_t leader_gen;     /* owner_generation seen in the slot */
	uint32_t last_seq;       /* highest numbered seq delivered */
	uint32_t owed_seq;
	uint16_t fire_timeout;   /* W it publishes, 0 = none */
	uint8_t  num_have;
	uint8_t  sd_have;
	uint8_t  sd_send_no;
	uint8_t  owed;
	uint8_t  rec_kind;       /* enum msg_rec_kind */
	uint8_t  w_mismatch;     /* a mismatch was reported */
	uint8_t  last_state;     /* last HOST_STATE reported, 0 = none */
};

struct msg_engine {
	uint64_t our_id;
	uint64_t our_gen;
	uint32_t max_hosts;
	uint32_t our_io;
	uint32_t our_w;

	/* sender: FIFO ring, head = q[q_first] */
	struct msg_item q[SANLK_HM_QUEUE_MAX];
	uint32_t q_first;
	uint32_t q_len;
	uint32_t next_seq;       /* next number to assign; 0 = counter stopped */
	uint8_t  send_no;        /* of the latest message that entered */
	int      cancelled;      /* lockspace going away: nothing more queued */

	/* the ack our record carries */
	uint64_t ack_gen;
	uint64_t ack_since;      /* local time it was first written */
	uint32_t ack_host;       /* 0 = none yet */
	uint32_t ack_seq;

	struct msg_peer *peers;  /* [max_hosts], host_id N at N-1 */
};

/* Effects of a renewal step / submit / cancel; any may be NULL. */
struct msg_ops {
	/* A callback for the lockspace's callback fds (ls_name left empty). */
	void (*callback)(void *arg, const struct sanlk_callback *cb);
	/* The final result of a SANLK_HM_WAIT message: send it on fd (the
	 * callee owns fd from now on). */
	void (*wait_done)(void *arg, int fd, int result, uint32_t seq);
	/* A WD_RESET message was delivered (first delivery only). */
	void (*wd_reset)(void *arg, uint64_t from_id, uint64_t from_gen,
			 uint32_t seq);
	/* Host host_id publishes fire timeout w (0 = none) other than ours;
	 * called every renewal while it is live. */
	void (*w_mismatch)(void *arg, uint64_t host_id, uint32_t w);
	void *arg;
};

/* One renewal's input. */
struct msg_renewal_in {
	const uint8_t *area;              /* max_hosts * sector_size bytes */
	uint32_t sector_size;
	const char *space_name;
	const struct msg_host_view *hosts; /* [max_hosts] */
	uint64_t now;
	uint32_t message_timeout;         /* conf, 0 = dest host_dead_seconds */
};

/* What a send asks for. */
struct msg_send_req {
	uint64_t dest;
	uint64_t dest_gen;
	uint32_t msg;
	uint32_t seq;             /* 0 = assign */
	uint32_t flags;           /* SANLK_HM_WAIT */
	int      wait_fd;         /* with WAIT: the reply descriptor */
};

/* ---- msg_engine.c ---- */
/* -EINVAL bad parameters, -ENOMEM. */
int  msg_engine_init(struct msg_engine *e, uint64_t our_id, uint64_t our_gen,
		     uint32_t max_hosts, uint32_t our_io, uint32_t our_w);
void msg_engine_free(struct msg_engine *e);
/* One renewal: receive, check our head message, HOST_STATE, rotate the
 * ack, and build the record for the write that follows into rec. */
void msg_engine_renewal(struct msg_engine *e, const struct msg_renewal_in *in,
			const struct msg_ops *ops, uint8_t rec[MSG_REC_SIZE]);

/* ---- msg_queue.c ---- */
/* messages.md §3-§4 checks of a code and flags: 0 or -EINVAL. */
int  msg_check_code(uint32_t msg, uint32_t flags);
/* Validate and queue (messages.md §4).  On 0, *seq_out is the seq used.
 * Errors, nothing queued: -EINVAL, -ENOSPC, -EOVERFLOW,
 * -EPROTONOSUPPORT, -ENOENT (cancelled). */
int  msg_queue_submit(struct msg_engine *e, const struct msg_send_req *r,
		      uint32_t *seq_out);
/* The head, or NULL. */
struct msg_item *msg_queue_head(struct msg_engine *e);
/* Remove the head (it left): callbacks/wait reply with result (0 acked,
 * else -errno), dest_gen_seen = the destination's generation. */
void msg_queue_pop(struct msg_engine *e, int result, uint64_t dest_gen_seen,
		   const struct msg_ops *ops);
/* Lockspace removed / failed / daemon stopping: drop everything with
 * -ECANCELED; later submits get -ENOENT. */
void msg_queue_cancel(struct msg_engine *e, const struct msg_ops *ops);
/* The head's fate at this renewal: 1 = it left (popped), 0 = stays. */
int  msg_queue_check_head(struct msg_engine *e, const struct msg_renewal_in *in,
			  const struct msg_ops *ops);

/* ---- msg_recv.c ---- */
/* Decode slot host_id's leader and record from the area: the kind, and
 * *m / *lr filled.  Pure helper shared with the guard. */
enum msg_rec_kind msg_slot_read(const struct msg_renewal_in *in,
				uint64_t host_id, struct ondisk_leader *lr,
				struct ondisk_msg *m);
/* Receive from every other host's record (messages.md §5.1-§5.2) and
 * record who is owed an ack. */
void msg_recv_all(struct msg_engine *e, const struct msg_renewal_in *in,
		  const struct msg_ops *ops);

/* ---- msg_ack.c ---- */
/* messages.md §5.3: choose the ack the next write carries. */
void msg_ack_rotate(struct msg_engine *e, const struct msg_renewal_in *in);

/* ---- msg_record.c ---- */
/* The 56 bytes for our next write: head (if it entered), ack, W, gen.
 * with_message 0 drops the message (release). */
void msg_record_build(const struct msg_engine *e, int with_message,
		      uint8_t rec[MSG_REC_SIZE]);
/* A fresh record: no message, no ack (acquire, messages.md §2). */
void msg_record_fresh(uint64_t gen, uint32_t w, uint8_t rec[MSG_REC_SIZE]);

#endif /* DAEMON_MSG_ENGINE_H */
