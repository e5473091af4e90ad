/*
 * tests/unit/test_daemon_request.c - the daemon's request framing rules
 * (daemon/request.c): header verdicts and payload sizes of every command
 * (spec/api.md §4.11, §8.4), including the incremental sizing of ACQUIRE
 * and the malformed cases that close a connection.  Pure functions;
 * single-threaded.
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

static struct sm_header hdr(uint32_t cmd)
{
	struct sm_header h;

	memset(&h, 0, sizeof(h));
	h.magic = SM_MAGIC;
	h.version = SM_PROTO;
	h.cmd = cmd;
	h.length = SM_HDR_SIZE;
	return h;
}

static void test_header_verdicts(void **state)
{
	struct sm_header h = hdr(SM_CMD_STATUS);

	(void)state;
	assert_int_equal(req_check_header(&h), REQ_HDR_OK);
	h.magic = 0x12345678;
	assert_int_equal(req_check_header(&h), REQ_HDR_BAD_MAGIC);
	h = hdr(SM_CMD_GET_LOCKSPACES);
	h.version = 0x00020001;          /* upper 16 bits set: ignored */
	assert_int_equal(req_check_header(&h), REQ_HDR_BAD_VERSION);
	h.version = 0;                   /* any value with upper bits 0 */
	assert_int_equal(req_check_header(&h), REQ_HDR_OK);
	h.version = 7;
	assert_int_equal(req_check_header(&h), REQ_HDR_OK);
	h = hdr(SM_CMD_VERSION);
	h.version = 0xFFFF0001;          /* VERSION accepts any version */
	assert_int_equal(req_check_header(&h), REQ_HDR_OK);
	h = hdr(0);
	assert_int_equal(req_check_header(&h), REQ_HDR_UNKNOWN_CMD);
	h = hdr(41);
	assert_int_equal(req_check_header(&h), REQ_HDR_UNKNOWN_CMD);
	for (uint32_t c = 1; c <= 40; c++) {
		h = hdr(c);
		assert_int_equal(req_check_header(&h), REQ_HDR_OK);
	}
}

static void test_fixed_sizes(void **state)
{
	static const struct { uint32_t cmd; long size; } t[] = {
		{ SM_CMD_REGISTER, 0 }, { SM_CMD_SHUTDOWN, 0 },
		{ SM_CMD_STATUS, 0 }, { SM_CMD_LOG_DUMP, 0 },
		{ SM_CMD_INQUIRE, 0 }, { SM_CMD_RESTRICT, 0 },
		{ SM_CMD_GET_LOCKSPACES, 0 }, { SM_CMD_VERSION, 0 },
		{ SM_CMD_SHUTDOWN_WAIT, 0 },
		{ SM_CMD_ADD_LOCKSPACE, 1104 }, { SM_CMD_REM_LOCKSPACE, 1104 },
		{ SM_CMD_EXAMINE_LOCKSPACE, 1104 }, { SM_CMD_HOST_STATUS, 1104 },
		{ SM_CMD_INQ_LOCKSPACE, 1104 }, { SM_CMD_WRITE_LOCKSPACE, 1104 },
		{ SM_CMD_READ_LOCKSPACE, 1104 }, { SM_CMD_GET_HOSTS, 1104 },
		{ SM_CMD_END_EVENT, 1104 }, { SM_CMD_SET_CONFIG, 1104 },
		{ SM_CMD_RENEWAL, 1104 },
		{ SM_CMD_REG_EVENT, 1136 }, { SM_CMD_SET_EVENT, 1136 },
		{ SM_CMD_FORMAT_RINDEX, 1104 }, { SM_CMD_REBUILD_RINDEX, 1104 },
		{ SM_CMD_UPDATE_RINDEX, 1168 }, { SM_CMD_LOOKUP_RINDEX, 1168 },
		{ SM_CMD_CREATE_RESOURCE, 1168 }, { SM_CMD_DELETE_RESOURCE, 1168 },
		{ SM_CMD_ALIGN, 1040 }, { SM_CMD_KILLPATH, 256 },
		{ SM_CMD_EXAMINE_RESOURCE, 128 }, { SM_CMD_GET_LVB, 128 },
		{ SM_CMD_CONVERT, 128 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sm_header h = hdr(t[i].cmd);

		/* `length` is not trusted (host_status/renewal send 32). */
		h.length = 99999;
		assert_int_equal(req_payload_need(&h, NULL, 0), t[i].size);
	}
}

static void put_res(uint8_t *p, uint32_t num_disks)
{
	struct sanlk_resource r;

	memset(&r, 0, sizeof(r));
	r.num_disks = num_disks;
	memcpy(p, &r, sizeof(r));
}

static void test_one_resource(void **state)
{
	uint8_t buf[128 + 4 * 1040] = { 0 };
	struct sm_header h = hdr(SM_CMD_READ_RESOURCE);

	(void)state;
	/* The header must arrive first to know num_disks. */
	assert_int_equal(req_payload_need(&h, buf, 0), 128);
	put_res(buf, 2);
	assert_int_equal(req_payload_need(&h, buf, 128), 128 + 2 * 1040);
	put_res(buf, 0);
	assert_int_equal(req_payload_need(&h, buf, 128), 128);
	put_res(buf, 5);
	assert_int_equal(req_payload_need(&h, buf, 128), -ERANGE);
}

static void test_acquire_incremental(void **state)
{
	uint8_t buf[REQ_PAYLOAD_MAX] = { 0 };
	struct sm_header h = hdr(SM_CMD_ACQUIRE);
	long need;

	(void)state;
	h.data = 0;
	assert_int_equal(req_payload_need(&h, buf, 0), 56);   /* options */
	h.data = 9;
	assert_int_equal(req_payload_need(&h, buf, 0), -E2BIG);

	h.data = 2;
	need = req_payload_need(&h, buf, 0);
	assert_int_equal(need, 128);
	put_res(buf, 1);
	need = req_payload_need(&h, buf, 128);
	assert_int_equal(need, 128 + 1040);        /* its disk */
	need = req_payload_need(&h, buf, (size_t)need);
	assert_int_equal(need, 128 + 1040 + 128);  /* next header */
	put_res(buf + 128 + 1040, 3);
	need = req_payload_need(&h, buf, (size_t)need);
	assert_int_equal(need, 128 + 1040 + 128 + 3 * 1040);
	need = req_payload_need(&h, buf, (size_t)need);
	assert_int_equal(need, 128 + 1040 + 128 + 3 * 1040 + 56);
	assert_int_equal(req_payload_need(&h, buf, (size_t)need), need);

	/* Largest acquire: 8 resources of 4 disks. */
	h.data = 8;
	for (int i = 0; i < 8; i++)
		put_res(buf + i * (128 + 4 * 1040), 4);
	assert_int_equal(req_payload_need(&h, buf, sizeof(buf)),
			 REQ_PAYLOAD_MAX);
}

static void test_release(void **state)
{
	struct sm_header h = hdr(SM_CMD_RELEASE);

	(void)state;
	h.data = 3;
	assert_int_equal(req_payload_need(&h, NULL, 0), 3 * 128);
	h.cmd_flags = SANLK_REL_ALL;     /* no resource structs are read */
	assert_int_equal(req_payload_need(&h, NULL, 0), 0);
	h.cmd_flags = 0;
	h.data = 9;
	assert_int_equal(req_payload_need(&h, NULL, 0), -E2BIG);
}

static void test_set_lvb_and_unknown(void **state)
{
	struct sm_header h = hdr(SM_CMD_SET_LVB);

	(void)state;
	h.length = 32 + 128 + 512;
	assert_int_equal(req_payload_need(&h, NULL, 0), 128 + 512);
	h.length = 32 + 128 + 4096;
	assert_int_equal(req_payload_need(&h, NULL, 0), 128 + 4096);
	h.length = 32 + 128 + 4097;
	assert_int_equal(req_payload_need(&h, NULL, 0), -E2BIG);
	/* answered, connection kept, the lvb skipped (3.8.5 keeps it too) */
	assert_true(req_refusal_keeps_conn(&h, -E2BIG));
	assert_int_equal(req_refused_discard(&h), 128 + 4097);
	h.length = 0xFFFFFFFFu;
	assert_int_equal(req_refused_discard(&h), 0xFFFFFFFFu - 32);
	h.length = 32 + 100;
	assert_false(req_refusal_keeps_conn(&h, -EMSGSIZE));
	assert_int_equal(req_payload_need(&h, NULL, 0), -EMSGSIZE);

	h = hdr(SM_CMD_ACQUIRE);
	assert_false(req_refusal_keeps_conn(&h, -E2BIG));

	h = hdr(41);
	h.length = 32 + 16;
	assert_int_equal(req_payload_need(&h, NULL, 0), 16);
	h.length = 10;
	assert_int_equal(req_payload_need(&h, NULL, 0), -EMSGSIZE);
	h.length = 32 + REQ_DISCARD_MAX + 1;
	assert_int_equal(req_payload_need(&h, NULL, 0), -EMSGSIZE);
}

static void test_field_checks(void **state)
{
	char path[SANLK_PATH_LEN];
	char name[SANLK_NAME_LEN];

	(void)state;
	memset(path, 'a', sizeof(path));
	assert_false(req_path_terminated(path));
	path[SANLK_PATH_LEN - 1] = '\0';
	assert_true(req_path_terminated(path));
	memset(name, 0, sizeof(name));
	assert_true(req_name_empty(name));
	memset(name, 'n', sizeof(name));    /* 48 bytes, no NUL: valid */
	assert_false(req_name_empty(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_verdicts),
		cmocka_unit_test(test_fixed_sizes),
		cmocka_unit_test(test_one_resource),
		cmocka_unit_test(test_acquire_incremental),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_set_lvb_and_unknown),
		cmocka_unit_test(test_field_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
