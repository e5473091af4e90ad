/*
 * request.h - one request as the daemon receives it, and the pure rules
 * for reading it (spec/api.md §8.2, §8.4, §4.11): header checks and the
 * payload size of every command, computed from the command and from
 * fields inside the payload (res_count, num_disks), never from `length`
 * except for SET_LVB and unknown commands.
 *
 * Pure functions, no state; used by the main thread (daemon/conn.c) and
 * the unit tests.
 */
#ifndef DAEMON_REQUEST_H
#define DAEMON_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire.h"
#include "sanlock.h"

#define SM_HDR_SIZE        32u
#define SIZE_LOCKSPACE     1104u          /* struct sanlk_lockspace */
#define SIZE_RES           128u           /* struct sanlk_resource header */
#define SIZE_DISK          1040u          /* struct sanlk_disk */
#define SIZE_OPTIONS       56u            /* struct sanlk_options fixed part */
#define SIZE_RINDEX        1104u
#define SIZE_RENTRY        64u
#define SIZE_HOST_EVENT    32u
#define SIZE_KILLPATH      (SANLK_HELPER_PATH_LEN + SANLK_HELPER_ARGS_LEN)
#define REQ_LVB_MAX        4096u          /* set_lvb data limit */
/* Largest payload of any known request: 8 resources of 4 disks + options. */
#define REQ_PAYLOAD_MAX    (SANLK_MAX_RESOURCES * (SIZE_RES + SANLK_MAX_DISKS * SIZE_DISK) + SIZE_OPTIONS)
/* Most payload bytes discarded for an unknown command before the
 * connection is treated as malformed and closed. */
#define REQ_DISCARD_MAX    (64u * 1024u)

/* A complete request: header plus payload (owned buffer). */
struct request {
	struct sm_header h;
	uint8_t *payload;
	size_t   len;
};

/* Header verdicts (api.md §8.4). */
enum req_hdr_verdict {
	REQ_HDR_OK = 0,
	REQ_HDR_BAD_MAGIC,       /* magic != SM_MAGIC */
	REQ_HDR_BAD_VERSION,     /* upper 16 bits of version set, cmd != VERSION */
	REQ_HDR_UNKNOWN_CMD,     /* cmd outside the known set */
};
enum req_hdr_verdict req_check_header(const struct sm_header *h);

/* Is cmd one this daemon knows (1..40, plus our own 41+ when added)? */
int req_cmd_known(uint32_t cmd);

/*
 * Total payload bytes the request needs, given the `have` bytes of it
 * received so far.  Returns:
 *   n >= 0 and n <= have : the payload is complete at n bytes;
 *   n > have             : read up to n bytes and ask again;
 *   negative             : malformed (the size cannot be determined):
 *                          -E2BIG res_count or LVB size over the limit,
 *                          -ERANGE num_disks over the limit, -EMSGSIZE
 *                          length field unusable.  The caller replies with
 *                          it and closes the connection, except for
 *                          -ERANGE (req_range_* below).
 * For -ERANGE, `have` ends exactly at the end of the offending resource's
 * 128-byte header when the caller reads no more than it was asked for.
 */
long req_payload_need(const struct sm_header *h, const uint8_t *payload,
		      size_t have);

/*
 * A resource with more than SANLK_MAX_DISKS disks (-ERANGE above) is
 * answered and the connection kept, as 3.8.5 does (observed):
 *  - the reply carries result -ERANGE; READ_RESOURCE and
 *    READ_RESOURCE_OWNERS echo the 128-byte resource header just read
 *    as the reply payload (req_range_echo_len), the others have none;
 *  - the request is consumed up to the end of that header.  ACQUIRE then
 *    also discards whatever has already arrived of the rest of the
 *    request, up to its `length` (req_range_discard; bounded by
 *    REQ_DISCARD_MAX here); the other commands leave the bytes after
 *    the header to be read as the next request.  (3.8.5 also waits a
 *    few ms for the rest of an ACQUIRE; we never block the main thread.)
 */
int    req_range_keeps_conn(long need);
/*
 * set_lvb with more than REQ_LVB_MAX bytes (-E2BIG from the header alone)
 * is answered and the connection kept, as 3.8.5 does (observed): the
 * client is still sending the lvb, and a close would fail its send with
 * EPIPE instead of giving it the answer.  The rest of the request
 * (req_refused_discard bytes, from `length`) is skipped as it arrives;
 * 3.8.5 reads it as garbage headers instead, which ends the same way.
 */
int      req_refusal_keeps_conn(const struct sm_header *h, long need);
uint32_t req_refused_discard(const struct sm_header *h);
size_t req_range_echo_len(const struct sm_header *h);
/* Bytes of the request still to discard after `consumed` payload bytes. */
size_t req_range_discard(const struct sm_header *h, size_t consumed);

/* Bytes of one resource on the wire, from its 128-byte header. */
size_t req_res_wire_size(const struct sanlk_resource *res);

/* Field checks shared by the command handlers. */
int req_name_empty(const char name[SANLK_NAME_LEN]);
/* A path field must hold a NUL inside its SANLK_PATH_LEN bytes. */
int req_path_terminated(const char path[SANLK_PATH_LEN]);

#endif /* DAEMON_REQUEST_H */
