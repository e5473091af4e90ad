/*
 * sanlock_admin.h - administrative part of the sanlock client API:
 * lockspaces, host status, configuration, disk initialisation and reading
 * through the daemon, resource indexes, version and host events.
 *
 * Written for this project from spec/api.md sections 1.4, 2.2 and 4.1a;
 * values and prototypes are those of sanlock 3.8.5.  Holds no state.
 */
#ifndef __SANLOCK_ADMIN_H__
#define __SANLOCK_ADMIN_H__

#include <stdint.h>

#include "sanlock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* sanlock_add_lockspace() flags */
#define SANLK_ADD_ASYNC			0x00000001

/* sanlock_rem_lockspace() flags */
#define SANLK_REM_ASYNC			0x00000001
#define SANLK_REM_UNUSED		0x00000002

/* sanlock_inq_lockspace() flags */
#define SANLK_INQ_WAIT			0x00000001

/* sanlock_write_resource() / sanlock_direct_write_resource() flags */
#define SANLK_WRITE_CLEAR		0x00000001

/* host state: sanlk_host.flags & SANLK_HOST_MASK */
#define SANLK_HOST_UNKNOWN		0x00000001
#define SANLK_HOST_FREE			0x00000002
#define SANLK_HOST_LIVE			0x00000003
#define SANLK_HOST_FAIL			0x00000004
#define SANLK_HOST_DEAD			0x00000005
#define SANLK_HOST_MASK			0x0000000F

/* sanlock_set_config() cmd */
#define SANLK_CONFIG_USED		0x00000001
#define SANLK_CONFIG_UNUSED		0x00000002
#define SANLK_CONFIG_USED_BY_ORPHANS	0x00000004
#define SANLK_CONFIG_UNUSED_BY_ORPHANS	0x00000008

/* sanlock_test_resource_owners() test_flags output */
#define SANLK_TRF_FAIL			0x00000001

/* rindex flags: generic ones in the low 16 bits ... */
#define SANLK_RX_NO_LOCKSPACE		0x000000001

/* ... per-function ones (sanlock_update_rindex) in the high 16 bits */
#define SANLK_RXUP_ADD			0x00010000
#define SANLK_RXUP_REM			0x00020000

/* sanlock_set_event() flags */
#define SANLK_SETEV_CUR_GENERATION	0x00000001
#define SANLK_SETEV_CLEAR_HOSTID	0x00000002
#define SANLK_SETEV_CLEAR_EVENT		0x00000004
#define SANLK_SETEV_REPLACE_EVENT	0x00000008
#define SANLK_SETEV_ALL_HOSTS		0x00000010

/* ---- lockspaces ---- */

int sanlock_add_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

int sanlock_add_lockspace_timeout(struct sanlk_lockspace *ls, uint32_t flags,
				  uint32_t io_timeout);

int sanlock_inq_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

int sanlock_rem_lockspace(struct sanlk_lockspace *ls, uint32_t flags);

/* *lss is malloc'ed (*lss_count entries); the caller frees it. */
int sanlock_get_lockspaces(struct sanlk_lockspace **lss, int *lss_count,
			   uint32_t flags);

/* *hss is malloc'ed (*hss_count entries); the caller frees it. */
int sanlock_get_hosts(const char *ls_name, uint64_t host_id,
		      struct sanlk_host **hss, int *hss_count, uint32_t flags);

int sanlock_set_config(const char *ls_name, uint32_t flags, uint32_t cmd,
		       void *data);

/* ---- disk initialisation and reading, done by the daemon ---- */

int sanlock_align(struct sanlk_disk *disk);

int sanlock_init(struct sanlk_lockspace *ls, struct sanlk_resource *res,
		 int max_hosts, int num_hosts);

int sanlock_write_lockspace(struct sanlk_lockspace *ls, int max_hosts,
			    uint32_t flags, uint32_t io_timeout);

int sanlock_read_lockspace(struct sanlk_lockspace *ls, uint32_t flags,
			   uint32_t *io_timeout);

int sanlock_write_resource(struct sanlk_resource *res, int max_hosts,
			   int num_hosts, uint32_t flags);

int sanlock_read_resource(struct sanlk_resource *res, uint32_t flags);

/* *hss is malloc'ed (*hss_count entries); the caller frees it. */
int sanlock_read_resource_owners(struct sanlk_resource *res, uint32_t flags,
				 struct sanlk_host **hss, int *hss_count);

int sanlock_test_resource_owners(struct sanlk_resource *res, uint32_t flags,
				 struct sanlk_host *owners, int owners_count,
				 struct sanlk_host *hosts, int hosts_count,
				 uint32_t *test_flags);

/* ---- resource index ---- */

int sanlock_format_rindex(struct sanlk_rindex *rx, uint32_t flags);

int sanlock_update_rindex(struct sanlk_rindex *rx, uint32_t flags,
			  struct sanlk_rentry *re);

int sanlock_lookup_rindex(struct sanlk_rindex *rx, uint32_t flags,
			  struct sanlk_rentry *re);

int sanlock_rebuild_rindex(struct sanlk_rindex *rx, uint32_t flags);

int sanlock_create_resource(struct sanlk_rindex *rx, uint32_t flags,
			    struct sanlk_rentry *re, int max_hosts,
			    int num_hosts);

int sanlock_delete_resource(struct sanlk_rindex *rx, uint32_t flags,
			    struct sanlk_rentry *re);

/* ---- daemon version ---- */

int sanlock_version(uint32_t flags, uint32_t *version, uint32_t *proto);

/* ---- host events ---- */

int sanlock_reg_event(const char *ls_name, struct sanlk_host_event *he,
		      uint32_t flags);

int sanlock_end_event(int fd, const char *ls_name, uint32_t flags);

int sanlock_set_event(const char *ls_name, struct sanlk_host_event *he,
		      uint32_t flags);

int sanlock_get_event(int fd, uint32_t flags, struct sanlk_host_event *he,
		      uint64_t *from_host_id, uint64_t *from_generation);

/*
 * ==== extension, not in sanlock 3.8.5 ====
 * Host messages, lockspace callbacks and reading a host's message record
 * (this project's spec/messages.md).  They work only with this project's
 * daemon; against a sanlock 3.8.5 daemon the daemon-talking calls return
 * -EPROTONOSUPPORT.  Nothing above this line differs from 3.8.5.
 */

/* sanlock_host_message() msg codes (a bitfield, messages.md §3).  Bits
 * 8..30 are application codes; bits 1..7 are reserved. */
#define SANLK_HM_WD_RESET		0x00000001
#define SANLK_HM_SEQ_DATA		0x80000000
#define SANLK_HM_APP_MASK		0x7FFFFF00

/* sanlock_host_message() flags */
#define SANLK_HM_WAIT			0x00000001

/* Send msg to host_id (generation 0 = any incarnation) through lockspace
 * ls_name.  *seq == 0: the daemon assigns the next number and stores it
 * in *seq (seq may be NULL: assign, do not report).  Returns 0 once
 * queued, or with SANLK_HM_WAIT once acknowledged; -ETIMEDOUT,
 * -EHOSTDOWN, -ECANCELED (WAIT); -ENOENT, -EINVAL, -ENOSPC, -EOVERFLOW,
 * -EPROTONOSUPPORT (messages.md §4). */
int sanlock_host_message(const char *ls_name, uint64_t host_id,
			 uint64_t generation, uint32_t msg, uint32_t *seq,
			 uint32_t flags);

/* struct sanlk_callback types */
#define SANLK_CB_HOST_MESSAGE		1
#define SANLK_CB_MESSAGE_ACKED		2
#define SANLK_CB_MESSAGE_EXPIRED	3
#define SANLK_CB_HOST_STATE		4
#define SANLK_CB_LOCKSPACE_FAIL		5
#define SANLK_CB_HOST_EVENT		6

/* struct sanlk_callback flags */
#define SANLK_CB_NUMBERED		0x00000001
#define SANLK_CB_SEQ_DATA		0x00000002
/* HOST_STATE only: the host publishes another watchdog fire timeout than
 * ours, or none while ours is not 60 (messages.md §8); msg = its value,
 * 0 = none published. */
#define SANLK_CB_FIRE_TIMEOUT		0x00000004

/* 104 bytes; may grow at its end (get_callback copies at most cb_size). */
struct sanlk_callback {
	uint32_t type;
	uint32_t flags;
	char ls_name[SANLK_NAME_LEN];
	uint64_t host_id;	/* the other host */
	uint64_t generation;	/* its generation */
	uint32_t msg;
	uint32_t seq;
	uint64_t event;		/* HOST_EVENT */
	uint64_t data;		/* HOST_EVENT */
	uint32_t state;		/* HOST_STATE: SANLK_HOST_*; EXPIRED: errno */
	uint32_t lost;		/* callbacks dropped before this one */
};

/* fd >= 0 (non-blocking, pollable), or -EINVAL, -ENOENT, -ENOSPC. */
int sanlock_reg_lockspace(const char *ls_name, uint32_t flags);
/* 0 with one callback in *cb, -EAGAIN none pending, -ENOTCONN the
 * lockspace is gone and everything was read. */
int sanlock_get_callback(int fd, uint32_t flags, struct sanlk_callback *cb,
			 size_t cb_size);
/* Unregister and close fd. */
int sanlock_end_lockspace(int fd, uint32_t flags);

/* struct sanlk_host_message flags */
#define SANLK_HMF_VALID			0x00000001	/* message record valid */
#define SANLK_HMF_MESSAGE		0x00000002	/* a message is present */
#define SANLK_HMF_ACK			0x00000004	/* an ack is present */

/* 80 bytes */
struct sanlk_host_message {
	uint64_t host_id;
	uint64_t generation;
	uint64_t timestamp;
	uint64_t dest_host_id;
	uint64_t dest_generation;
	uint32_t msg;
	uint32_t seq;
	uint64_t ack_host_id;
	uint64_t ack_generation;
	uint32_t ack_seq;
	uint32_t flags;
	uint32_t fire_timeout;
	uint32_t pad;
};

/* libsanlock only (reads the disk, no daemon): the message record of
 * host_id's delta lease in the lockspace ls (name, path, offset; sizes
 * from ls->flags or discovered).  0, or the SANLK_LEADER_* / I/O error. */
int sanlock_read_lockspace_message(struct sanlk_lockspace *ls,
				   uint64_t host_id,
				   struct sanlk_host_message *hm,
				   uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* __SANLOCK_ADMIN_H__ */
