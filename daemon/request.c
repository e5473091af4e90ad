/*
 * request.c - header checks, payload sizes, and how a request with a
 * resource of too many disks is answered (see request.h).  Pure.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "daemon/request.h"
#include "sanlock_resource.h"

int req_cmd_known(uint32_t cmd)
{
	return cmd >= 1 && cmd <= SM_CMD_LAST_385;
}

enum req_hdr_verdict req_check_header(const struct sm_header *h)
{
	if (h->magic != SM_MAGIC)
		return REQ_HDR_BAD_MAGIC;
	if ((h->version & 0xFFFF0000u) && h->cmd != SM_CMD_VERSION)
		return REQ_HDR_BAD_VERSION;
	if (!req_cmd_known(h->cmd))
		return REQ_HDR_UNKNOWN_CMD;
	return REQ_HDR_OK;
}

size_t req_res_wire_size(const struct sanlk_resource *res)
{
	return SIZE_RES + (size_t)res->num_disks * SIZE_DISK;
}

/* One resource (header + disks) starting at off: total end offset, or a
 * request for more bytes, or an error. */
static long req_one_res(const uint8_t *p, size_t have, size_t off)
{
	struct sanlk_resource res;

	if (have < off + SIZE_RES)
		return (long)(off + SIZE_RES);
	memcpy(&res, p + off, SIZE_RES);
	if (res.num_disks > SANLK_MAX_DISKS)
		return -ERANGE;
	return (long)(off + req_res_wire_size(&res));
}

long req_payload_need(const struct sm_header *h, const uint8_t *p,
		      size_t have)
{
	long off;

	switch (h->cmd) {
	case SM_CMD_REGISTER:
	case SM_CMD_SHUTDOWN:
	case SM_CMD_STATUS:
	case SM_CMD_LOG_DUMP:
	case SM_CMD_INQUIRE:
	case SM_CMD_RESTRICT:
	case SM_CMD_GET_LOCKSPACES:
	case SM_CMD_VERSION:
	case SM_CMD_SHUTDOWN_WAIT:
		return 0;

	case SM_CMD_ADD_LOCKSPACE:
	case SM_CMD_REM_LOCKSPACE:
	case SM_CMD_EXAMINE_LOCKSPACE:
	case SM_CMD_HOST_STATUS:
	case SM_CMD_INQ_LOCKSPACE:
	case SM_CMD_WRITE_LOCKSPACE:
	case SM_CMD_READ_LOCKSPACE:
	case SM_CMD_GET_HOSTS:
	case SM_CMD_END_EVENT:
	case SM_CMD_SET_CONFIG:
	case SM_CMD_RENEWAL:
		return SIZE_LOCKSPACE;

	case SM_CMD_REG_EVENT:
	case SM_CMD_SET_EVENT:
		return SIZE_LOCKSPACE + SIZE_HOST_EVENT;

	case SM_CMD_FORMAT_RINDEX:
	case SM_CMD_REBUILD_RINDEX:
		return SIZE_RINDEX;

	case SM_CMD_UPDATE_RINDEX:
	case SM_CMD_LOOKUP_RINDEX:
	case SM_CMD_CREATE_RESOURCE:
	case SM_CMD_DELETE_RESOURCE:
		return SIZE_RINDEX + SIZE_RENTRY;

	case SM_CMD_ALIGN:
		return SIZE_DISK;

	case SM_CMD_KILLPATH:
		return SIZE_KILLPATH;

	case SM_CMD_EXAMINE_RESOURCE:
	case SM_CMD_GET_LVB:
	case SM_CMD_CONVERT:
		return SIZE_RES;

	case SM_CMD_REQUEST:
	case SM_CMD_WRITE_RESOURCE:
	case SM_CMD_READ_RESOURCE:
	case SM_CMD_READ_RESOURCE_OWNERS:
		return req_one_res(p, have, 0);

	case SM_CMD_SET_LVB:
		/* The only command whose size comes from `length`. */
		if (h->length < SM_HDR_SIZE + SIZE_RES)
			return -EMSGSIZE;
		if (h->length - SM_HDR_SIZE - SIZE_RES > REQ_LVB_MAX)
			return -E2BIG;     /* as 3.8.5 (api.md §4.2) */
		return (long)(h->length - SM_HDR_SIZE);

	case SM_CMD_RELEASE:
		/* REL_ALL: 3.8.5 reads no resource structs (api.md §4.2). */
		if (h->cmd_flags & SANLK_REL_ALL)
			return 0;
		if (h->data > SANLK_MAX_RESOURCES)
			return -E2BIG;
		return (long)(h->data * SIZE_RES);

	case SM_CMD_ACQUIRE:
		if (h->data > SANLK_MAX_RESOURCES)
			return -E2BIG;
		off = 0;
		for (uint32_t i = 0; i < h->data; i++) {
			off = req_one_res(p, have, (size_t)off);
			if (off < 0 || (size_t)off > have)
				return off;
		}
		return off + SIZE_OPTIONS;

	default:
		/* Unknown command: its payload is whatever `length` says. */
		if (h->length < SM_HDR_SIZE ||
		    h->length - SM_HDR_SIZE > REQ_DISCARD_MAX)
			return -EMSGSIZE;
		return (long)(h->length - SM_HDR_SIZE);
	}
}

int req_range_keeps_conn(long need)
{
	return need == -ERANGE;
}

int req_refusal_keeps_conn(const struct sm_header *h, long need)
{
	return need == -E2BIG && h->cmd == SM_CMD_SET_LVB;
}

uint32_t req_refused_discard(const struct sm_header *h)
{
	assert(h->length >= SM_HDR_SIZE);
	return h->length - SM_HDR_SIZE;
}

size_t req_range_echo_len(const struct sm_header *h)
{
	if (h->cmd == SM_CMD_READ_RESOURCE ||
	    h->cmd == SM_CMD_READ_RESOURCE_OWNERS)
		return SIZE_RES;
	return 0;
}

size_t req_range_discard(const struct sm_header *h, size_t consumed)
{
	size_t left;

	if (h->cmd != SM_CMD_ACQUIRE || h->length < SM_HDR_SIZE ||
	    h->length - SM_HDR_SIZE <= consumed)
		return 0;
	left = h->length - SM_HDR_SIZE - consumed;
	return left < REQ_DISCARD_MAX ? left : REQ_DISCARD_MAX;
}

int req_name_empty(const char name[SANLK_NAME_LEN])
{
	return name[0] == '\0';
}

int req_path_terminated(const char path[SANLK_PATH_LEN])
{
	return memchr(path, '\0', SANLK_PATH_LEN) != NULL;
}
