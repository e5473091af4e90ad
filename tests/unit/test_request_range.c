/*
 * tests/unit/test_request_range.c - how the daemon answers a request
 * naming a resource with more than SANLK_MAX_DISKS disks
 * (daemon/request.c req_range_*, spec/api.md §8.4; 3.8.5 behaviour
 * observed as a black box): the -ERANGE from req_payload_need keeps the
 * connection, READ_RESOURCE / READ_RESOURCE_OWNERS echo the resource
 * header, and only ACQUIRE discards the rest of the request, bounded by
 * its length and by REQ_DISCARD_MAX.  Pure functions; single-threaded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/request.h"
#include "sanlock_resource.h"

static struct sm_header hdr(uint32_t cmd, uint32_t length)
{
	struct sm_header h;

	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_PROTO;
	h.cmd = cmd;
	h.length = length;
	return h;
}

static void put_res(uint8_t *buf, uint32_t num_disks)
{
	struct sanlk_resource res;

	memset(&res, 0, sizeof(res));
	memcpy(res.lockspace_name, "ls", 2);
	memcpy(res.name, "r", 1);
	res.num_disks = num_disks;
	memcpy(buf, &res, SIZE_RES);
}

static void test_keeps_conn_only_for_erange(void **state)
{
	(void)state;
	assert_true(req_range_keeps_conn(-ERANGE));
	assert_false(req_range_keeps_conn(-E2BIG));
	assert_false(req_range_keeps_conn(-EMSGSIZE));
	assert_false(req_range_keeps_conn(0));
	assert_false(req_range_keeps_conn(SIZE_RES));
}

/* The -ERANGE a caller sees ends exactly at the bad resource header. */
static void test_erange_at_header_end(void **state)
{
	static const uint32_t cmds[] = {
		SM_CMD_REQUEST, SM_CMD_WRITE_RESOURCE, SM_CMD_READ_RESOURCE,
		SM_CMD_READ_RESOURCE_OWNERS,
	};
	uint8_t buf[2 * SIZE_RES + SIZE_DISK];
	struct sm_header h;

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		h = hdr(cmds[i], SM_HDR_SIZE + SIZE_RES);
		assert_int_equal(req_payload_need(&h, NULL, 0), SIZE_RES);
		put_res(buf, SANLK_MAX_DISKS + 1);
		assert_int_equal(req_payload_need(&h, buf, SIZE_RES), -ERANGE);
	}
	/* ACQUIRE: second resource bad, after a good one of one disk */
	h = hdr(SM_CMD_ACQUIRE, 0);
	h.data = 2;
	put_res(buf, 1);
	assert_int_equal(req_payload_need(&h, buf, SIZE_RES), SIZE_RES + SIZE_DISK);
	put_res(buf + SIZE_RES + SIZE_DISK, 5);
	assert_int_equal(req_payload_need(&h, buf, SIZE_RES + SIZE_DISK),
			 2 * SIZE_RES + SIZE_DISK);
	assert_int_equal(req_payload_need(&h, buf, 2 * SIZE_RES + SIZE_DISK),
			 -ERANGE);
}

static void test_echo(void **state)
{
	struct sm_header h;

	(void)state;
	h = hdr(SM_CMD_READ_RESOURCE, 0);
	assert_int_equal(req_range_echo_len(&h), SIZE_RES);
	h = hdr(SM_CMD_READ_RESOURCE_OWNERS, 0);
	assert_int_equal(req_range_echo_len(&h), SIZE_RES);
	h = hdr(SM_CMD_REQUEST, 0);
	assert_int_equal(req_range_echo_len(&h), 0);
	h = hdr(SM_CMD_WRITE_RESOURCE, 0);
	assert_int_equal(req_range_echo_len(&h), 0);
	h = hdr(SM_CMD_ACQUIRE, 0);
	assert_int_equal(req_range_echo_len(&h), 0);
}

static void test_discard(void **state)
{
	size_t full = SIZE_RES + 5 * SIZE_DISK + SIZE_OPTIONS;
	struct sm_header h;

	(void)state;
	/* ACQUIRE: the rest of the request as its length says */
	h = hdr(SM_CMD_ACQUIRE, SM_HDR_SIZE + (uint32_t)full);
	assert_int_equal(req_range_discard(&h, SIZE_RES), full - SIZE_RES);
	/* nothing beyond what was read, or a length shorter than that */
	h.length = SM_HDR_SIZE + SIZE_RES;
	assert_int_equal(req_range_discard(&h, SIZE_RES), 0);
	h.length = 0;
	assert_int_equal(req_range_discard(&h, SIZE_RES), 0);
	h.length = 7;
	assert_int_equal(req_range_discard(&h, SIZE_RES), 0);
	/* bounded */
	h.length = UINT32_MAX;
	assert_int_equal(req_range_discard(&h, SIZE_RES), REQ_DISCARD_MAX);
	/* the other commands leave the rest to be read as the next request */
	h = hdr(SM_CMD_READ_RESOURCE, SM_HDR_SIZE + (uint32_t)full);
	assert_int_equal(req_range_discard(&h, SIZE_RES), 0);
	h = hdr(SM_CMD_REQUEST, SM_HDR_SIZE + (uint32_t)full);
	assert_int_equal(req_range_discard(&h, SIZE_RES), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keeps_conn_only_for_erange),
		cmocka_unit_test(test_erange_at_header_end),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_discard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
