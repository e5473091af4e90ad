/*
 * wire.h - the client/daemon socket protocol of sanlock 3.8.5, adopted
 * unchanged (spec/api.md §3.9, §2.5, §4.11, §8).  Shared by the library
 * (client side) and the daemon.  Integers in host order; structures go on
 * the wire as raw x86-64 images.  Commands this project adds start at 41.
 */
#ifndef COMMON_WIRE_H
#define COMMON_WIRE_H

#include <stdint.h>

#include "sanlock.h"

#define SM_MAGIC          0x04282010u
#define SM_PROTO          0x00000001u
#define SM_CB_PROTO       0x00000001u
#define SM_CB_GET_EVENT   1u

#define SANLK_SOCK_NAME   "sanlock.sock"
#define SANLK_RUN_DIR_DEFAULT "/run/sanlock"
#define SANLK_SOCK_PATH_MAX 106   /* socket path is truncated to this */

/* VERSION request cmd_flags bit: "tell me your extensions" (§8.8); our
 * daemon answers with the set it supports in cmd_flags. */
#define SM_EXT_QUERY      0x1u
#define SM_EXT_MESSAGES   0x1u

enum sm_cmd {
	SM_CMD_REGISTER             = 1,
	SM_CMD_ADD_LOCKSPACE        = 2,
	SM_CMD_REM_LOCKSPACE        = 3,
	SM_CMD_SHUTDOWN             = 4,
	SM_CMD_STATUS               = 5,
	SM_CMD_LOG_DUMP             = 6,
	SM_CMD_ACQUIRE              = 7,
	SM_CMD_RELEASE              = 8,
	SM_CMD_INQUIRE              = 9,
	SM_CMD_RESTRICT             = 10,
	SM_CMD_REQUEST              = 11,
	SM_CMD_ALIGN                = 12,
	SM_CMD_EXAMINE_LOCKSPACE    = 13,
	SM_CMD_EXAMINE_RESOURCE     = 14,
	SM_CMD_HOST_STATUS          = 15,
	SM_CMD_INQ_LOCKSPACE        = 16,
	SM_CMD_KILLPATH             = 17,
	SM_CMD_WRITE_LOCKSPACE      = 18,
	SM_CMD_WRITE_RESOURCE       = 19,
	SM_CMD_READ_LOCKSPACE       = 20,
	SM_CMD_READ_RESOURCE        = 21,
	SM_CMD_GET_LOCKSPACES       = 22,
	SM_CMD_GET_HOSTS            = 23,
	SM_CMD_READ_RESOURCE_OWNERS = 24,
	SM_CMD_SET_LVB              = 25,
	SM_CMD_GET_LVB              = 26,
	SM_CMD_CONVERT              = 27,
	SM_CMD_VERSION              = 28,
	SM_CMD_SHUTDOWN_WAIT        = 29,
	SM_CMD_REG_EVENT            = 30,
	SM_CMD_END_EVENT            = 31,
	SM_CMD_SET_EVENT            = 32,
	SM_CMD_SET_CONFIG           = 33,
	SM_CMD_RENEWAL              = 34,
	SM_CMD_FORMAT_RINDEX        = 35,
	SM_CMD_UPDATE_RINDEX        = 36,
	SM_CMD_LOOKUP_RINDEX        = 37,
	SM_CMD_CREATE_RESOURCE      = 38,
	SM_CMD_DELETE_RESOURCE      = 39,
	SM_CMD_REBUILD_RINDEX       = 40,
	SM_CMD_LAST_385             = 40,  /* 1..40: 3.8.5's numbers, never changed */
	/* 41 and up: this project (spec/messages.md, api.md §8.8); sent only
	 * to a daemon whose VERSION reply advertises SM_EXT_MESSAGES. */
	SM_CMD_HOST_MESSAGE         = 41,
	SM_CMD_REG_LOCKSPACE        = 42,
	SM_CMD_LAST_EXT             = 42,
};

/* 32-byte header of every request and reply. */
struct sm_header {
	uint32_t magic;
	uint32_t version;
	uint32_t cmd;
	uint32_t cmd_flags;
	uint32_t length;
	uint32_t seq;
	uint32_t data;
	uint32_t data2;
};

/* 80-byte unit read from an event fd (§3.9). */
struct event_cb {
	struct sm_header h;
	struct sanlk_host_event he;
	uint64_t from_host_id;
	uint64_t from_generation;
};

/*
 * ---- this project's commands (messages.md §4, §6); extension, not in
 * sanlock 3.8.5 ----
 *
 * HOST_MESSAGE (41): cmd_flags = SANLK_HM_* flags, payload = struct
 * sm_host_message (80 bytes).  Reply: a plain header, data = result,
 * data2 = the seq used (assigned when the request's seq was 0).  With
 * SANLK_HM_WAIT and result 0 a SECOND header follows on the same
 * connection once the message has left our record: data = 0 (acked),
 * -ETIMEDOUT, -EHOSTDOWN or -ECANCELED, data2 = seq.  The daemon then
 * closes the connection (the first reply of a WAIT request is sent on a
 * descriptor the daemon keeps for the second one, so nothing else can be
 * asked on that connection).  Without WAIT, or on an error, the
 * connection stays open like any worker command's.
 *
 * REG_LOCKSPACE (42): cmd_flags = flags (must be 0), payload = struct
 * sanlk_lockspace (1104 bytes; only name is used).  Reply: a plain
 * header, data = 0 or -EINVAL / -ENOENT / -ENOSPC.  On 0 the connection
 * becomes the lockspace's callback fd (like REG_EVENT's event fd): the
 * daemon never reads commands from it again.
 *
 * Callback fd framing.  Daemon -> client: records of SM_CB_RECORD_SIZE
 * bytes, each a struct sm_header (magic SM_MAGIC, version SM_CB_PROTO,
 * cmd SM_CB_CALLBACK, length SM_CB_RECORD_SIZE, other fields 0) followed
 * by one struct sanlk_callback (104 bytes).  Each record is written with
 * one send, so a recv of SM_CB_RECORD_SIZE bytes returns exactly one
 * record.  Client -> daemon: 4-byte tokens, SM_CB_TOKEN_READ after each
 * record consumed (flow control: the daemon keeps at most
 * SM_CB_INFLIGHT_MAX unread records in the socket and holds the rest of
 * the fd's queue, up to 64, itself) and SM_CB_TOKEN_END before the client
 * closes (the daemon then forgets the fd; EOF does the same).  When the
 * lockspace is gone the daemon writes whatever is still queued and closes
 * its end: the client reads the rest, then end-of-file (POLLHUP).
 */
#define SM_CB_CALLBACK      2u
#define SM_CB_RECORD_SIZE   (32u + 104u)
#define SM_CB_TOKEN_END     1u
#define SM_CB_TOKEN_READ    2u
#define SM_CB_INFLIGHT_MAX  8u

struct sm_host_message {
	char     ls_name[SANLK_NAME_LEN];  /* 0: lockspace name */
	uint64_t host_id;                  /* 48: destination */
	uint64_t generation;               /* 56: destination generation, 0 = any */
	uint32_t msg;                      /* 64: SANLK_HM_* code bits */
	uint32_t seq;                      /* 68: 0 = assign */
	uint64_t reserved;                 /* 72: 0 */
};

/* Status record types (§2.5). */
enum sanlk_state_type {
	SANLK_STATE_DAEMON    = 1,
	SANLK_STATE_CLIENT    = 2,
	SANLK_STATE_LOCKSPACE = 3,
	SANLK_STATE_RESOURCE  = 4,
	SANLK_STATE_HOST      = 5,
	SANLK_STATE_RENEWAL   = 6,
};
#define SANLK_STATE_MAXSTR 4096

/* 80-byte status record followed by str_len bytes of text (§3.9, §8.7). */
struct sanlk_state {
	uint32_t type;
	uint32_t flags;
	uint32_t data32;
	uint32_t pad0;
	uint64_t data64;
	char     name[SANLK_NAME_LEN];
	uint32_t str_len;
	uint32_t pad1;
};

/* STATUS request `data` filter values (§8.7). */
#define SANLK_STATUS_ALL        0
#define SANLK_STATUS_DAEMON     1
#define SANLK_STATUS_CLIENTS    2
#define SANLK_STATUS_LOCKSPACES 3

_Static_assert(sizeof(struct sm_header) == 32, "sm_header is 32 bytes");
_Static_assert(sizeof(struct event_cb) == 80, "event_cb is 80 bytes");
_Static_assert(sizeof(struct sanlk_state) == 80, "sanlk_state is 80 bytes");
_Static_assert(sizeof(struct sm_host_message) == 80, "sm_host_message is 80 bytes");

#endif /* COMMON_WIRE_H */
