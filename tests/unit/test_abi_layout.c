/*
 * tests/unit/test_abi_layout.c - ABI checks of the public headers: size,
 * alignment and member offsets of every public structure (spec/api.md 3)
 * and the value of every public constant (api.md 2; 115 macros, the same
 * set 3.8.5's headers define).  The layout checks are done twice: as
 * _Static_asserts (the build fails) and at run time (the test reports
 * which one).  Also checks that the prototypes of api.md 4.1a are declared
 * with the exact types.  Single-threaded; no state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sanlock.h"
#include "sanlock_rv.h"
#include "sanlock_resource.h"
#include "sanlock_admin.h"
#include "sanlock_direct.h"

/* ---- compile-time layout (x86_64) ---- */

#define MEMBER_SIZE(t, m) sizeof(((struct t *)0)->m)

#define LAYOUT(t, m, off, size)						\
	_Static_assert(offsetof(struct t, m) == (off), #t "." #m " offset"); \
	_Static_assert(MEMBER_SIZE(t, m) == (size), #t "." #m " size")

_Static_assert(sizeof(struct sanlk_disk) == 1040, "sanlk_disk size");
_Static_assert(_Alignof(struct sanlk_disk) == 8, "sanlk_disk align");
LAYOUT(sanlk_disk, path, 0, 1024);
LAYOUT(sanlk_disk, offset, 1024, 8);
LAYOUT(sanlk_disk, pad1, 1032, 4);
LAYOUT(sanlk_disk, pad2, 1036, 4);

_Static_assert(sizeof(struct sanlk_resource) == 128, "sanlk_resource size");
_Static_assert(_Alignof(struct sanlk_resource) == 8, "sanlk_resource align");
LAYOUT(sanlk_resource, lockspace_name, 0, 48);
LAYOUT(sanlk_resource, name, 48, 48);
LAYOUT(sanlk_resource, lver, 96, 8);
LAYOUT(sanlk_resource, data64, 104, 8);
LAYOUT(sanlk_resource, data32, 112, 4);
LAYOUT(sanlk_resource, unused, 116, 4);
LAYOUT(sanlk_resource, flags, 120, 4);
LAYOUT(sanlk_resource, num_disks, 124, 4);
_Static_assert(offsetof(struct sanlk_resource, disks) == 128, "disks");

_Static_assert(sizeof(struct sanlk_rindex) == 1104, "sanlk_rindex size");
_Static_assert(_Alignof(struct sanlk_rindex) == 8, "sanlk_rindex align");
LAYOUT(sanlk_rindex, flags, 0, 4);
LAYOUT(sanlk_rindex, max_resources, 4, 4);
LAYOUT(sanlk_rindex, unused, 8, 8);
LAYOUT(sanlk_rindex, lockspace_name, 16, 48);
LAYOUT(sanlk_rindex, disk, 64, 1040);

_Static_assert(sizeof(struct sanlk_rentry) == 64, "sanlk_rentry size");
_Static_assert(_Alignof(struct sanlk_rentry) == 8, "sanlk_rentry align");
LAYOUT(sanlk_rentry, name, 0, 48);
LAYOUT(sanlk_rentry, offset, 48, 8);
LAYOUT(sanlk_rentry, flags, 56, 4);
LAYOUT(sanlk_rentry, unused, 60, 4);

_Static_assert(sizeof(struct sanlk_options) == 56, "sanlk_options size");
_Static_assert(_Alignof(struct sanlk_options) == 4, "sanlk_options align");
LAYOUT(sanlk_options, owner_name, 0, 48);
LAYOUT(sanlk_options, flags, 48, 4);
LAYOUT(sanlk_options, len, 52, 4);
_Static_assert(offsetof(struct sanlk_options, str) == 56, "str");

_Static_assert(sizeof(struct sanlk_lockspace) == 1104, "sanlk_lockspace size");
_Static_assert(_Alignof(struct sanlk_lockspace) == 8, "sanlk_lockspace align");
LAYOUT(sanlk_lockspace, name, 0, 48);
LAYOUT(sanlk_lockspace, host_id, 48, 8);
LAYOUT(sanlk_lockspace, flags, 56, 4);
LAYOUT(sanlk_lockspace, host_id_disk, 64, 1040);

_Static_assert(sizeof(struct sanlk_host) == 32, "sanlk_host size");
_Static_assert(_Alignof(struct sanlk_host) == 8, "sanlk_host align");
LAYOUT(sanlk_host, host_id, 0, 8);
LAYOUT(sanlk_host, generation, 8, 8);
LAYOUT(sanlk_host, timestamp, 16, 8);
LAYOUT(sanlk_host, io_timeout, 24, 4);
LAYOUT(sanlk_host, flags, 28, 4);

_Static_assert(sizeof(struct sanlk_host_event) == 32, "sanlk_host_event size");
_Static_assert(_Alignof(struct sanlk_host_event) == 8, "sanlk_host_event align");
LAYOUT(sanlk_host_event, host_id, 0, 8);
LAYOUT(sanlk_host_event, generation, 8, 8);
LAYOUT(sanlk_host_event, event, 16, 8);
LAYOUT(sanlk_host_event, data, 24, 8);

/* ---- run-time layout ---- */

struct layout_row {
	const char *what;
	size_t got;
	size_t want;
};

#define ROW_SIZE(t, size)  { "sizeof " #t, sizeof(struct t), size }
#define ROW_ALIGN(t, al)   { "alignof " #t, _Alignof(struct t), al }
#define ROW(t, m, off, size)						\
	{ #t "." #m " offset", offsetof(struct t, m), off },		\
	{ #t "." #m " size", MEMBER_SIZE(t, m), size }

static const struct layout_row layout_rows[] = {
	ROW_SIZE(sanlk_disk, 1040), ROW_ALIGN(sanlk_disk, 8),
	ROW(sanlk_disk, path, 0, 1024), ROW(sanlk_disk, offset, 1024, 8),
	ROW(sanlk_disk, pad1, 1032, 4), ROW(sanlk_disk, pad2, 1036, 4),

	ROW_SIZE(sanlk_resource, 128), ROW_ALIGN(sanlk_resource, 8),
	ROW(sanlk_resource, lockspace_name, 0, 48),
	ROW(sanlk_resource, name, 48, 48), ROW(sanlk_resource, lver, 96, 8),
	ROW(sanlk_resource, data64, 104, 8),
	ROW(sanlk_resource, data32, 112, 4),
	ROW(sanlk_resource, unused, 116, 4),
	ROW(sanlk_resource, flags, 120, 4),
	ROW(sanlk_resource, num_disks, 124, 4),
	{ "sanlk_resource.disks offset",
	  offsetof(struct sanlk_resource, disks), 128 },

	ROW_SIZE(sanlk_rindex, 1104), ROW_ALIGN(sanlk_rindex, 8),
	ROW(sanlk_rindex, flags, 0, 4), ROW(sanlk_rindex, max_resources, 4, 4),
	ROW(sanlk_rindex, unused, 8, 8),
	ROW(sanlk_rindex, lockspace_name, 16, 48),
	ROW(sanlk_rindex, disk, 64, 1040),

	ROW_SIZE(sanlk_rentry, 64), ROW_ALIGN(sanlk_rentry, 8),
	ROW(sanlk_rentry, name, 0, 48), ROW(sanlk_rentry, offset, 48, 8),
	ROW(sanlk_rentry, flags, 56, 4), ROW(sanlk_rentry, unused, 60, 4),

	ROW_SIZE(sanlk_options, 56), ROW_ALIGN(sanlk_options, 4),
	ROW(sanlk_options, owner_name, 0, 48), ROW(sanlk_options, flags, 48, 4),
	ROW(sanlk_options, len, 52, 4),
	{ "sanlk_options.str offset", offsetof(struct sanlk_options, str), 56 },

	ROW_SIZE(sanlk_lockspace, 1104), ROW_ALIGN(sanlk_lockspace, 8),
	ROW(sanlk_lockspace, name, 0, 48), ROW(sanlk_lockspace, host_id, 48, 8),
	ROW(sanlk_lockspace, flags, 56, 4),
	ROW(sanlk_lockspace, host_id_disk, 64, 1040),

	ROW_SIZE(sanlk_host, 32), ROW_ALIGN(sanlk_host, 8),
	ROW(sanlk_host, host_id, 0, 8), ROW(sanlk_host, generation, 8, 8),
	ROW(sanlk_host, timestamp, 16, 8), ROW(sanlk_host, io_timeout, 24, 4),
	ROW(sanlk_host, flags, 28, 4),

	ROW_SIZE(sanlk_host_event, 32), ROW_ALIGN(sanlk_host_event, 8),
	ROW(sanlk_host_event, host_id, 0, 8),
	ROW(sanlk_host_event, generation, 8, 8),
	ROW(sanlk_host_event, event, 16, 8), ROW(sanlk_host_event, data, 24, 8),
};

static void test_struct_layout(void **state)
{
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(layout_rows) / sizeof(layout_rows[0]); i++) {
		if (layout_rows[i].got != layout_rows[i].want) {
			print_error("%s: %zu, want %zu\n", layout_rows[i].what,
				    layout_rows[i].got, layout_rows[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_resource_variable_layout(void **state)
{
	/* disk i of a resource starts at byte 128 + i * 1040 */
	union {
		struct sanlk_resource res;
		char bytes[128 + SANLK_MAX_DISKS * 1040];
	} u;
	int i;

	(void)state;
	memset(&u, 0, sizeof(u));
	for (i = 0; i < SANLK_MAX_DISKS; i++) {
		char *p = (char *)&u.res.disks[i];

		assert_int_equal(p - u.bytes, 128 + i * 1040);
	}
	assert_int_equal(sizeof(u), 4288);
}

/* ---- constants ---- */

struct const_row {
	const char *name;
	long long got;
	long long want;
};

/* Each constant is a plain int macro (api.md 1.4). */
#define CONST(name, want)						\
	{ #name, _Generic((name), int: (long long)(name), default: 0x7fffffffLL << 8), want }

static const struct const_row const_rows[] = {
	CONST(SANLK_MAX_RESOURCES, 8),
	CONST(SANLK_NAME_LEN, 48),
	CONST(SANLK_PATH_LEN, 1024),
	CONST(SANLK_HELPER_PATH_LEN, 128),
	CONST(SANLK_HELPER_ARGS_LEN, 128),
	CONST(SANLK_MAX_DISKS, 4),
	CONST(SANLK_MAX_RES_STR, 4400),
	CONST(SANLK_RES_LVER, 0x1),
	CONST(SANLK_RES_NUM_HOSTS, 0x2),
	CONST(SANLK_RES_SHARED, 0x4),
	CONST(SANLK_RES_PERSISTENT, 0x8),
	CONST(SANLK_RES_ALIGN1M, 0x10),
	CONST(SANLK_RES_ALIGN2M, 0x20),
	CONST(SANLK_RES_ALIGN4M, 0x40),
	CONST(SANLK_RES_ALIGN8M, 0x80),
	CONST(SANLK_RES_SECTOR512, 0x100),
	CONST(SANLK_RES_SECTOR4K, 0x200),
	CONST(SANLK_RIF_ALIGN1M, 0x10),
	CONST(SANLK_RIF_ALIGN2M, 0x20),
	CONST(SANLK_RIF_ALIGN4M, 0x40),
	CONST(SANLK_RIF_ALIGN8M, 0x80),
	CONST(SANLK_RIF_SECTOR512, 0x100),
	CONST(SANLK_RIF_SECTOR4K, 0x200),
	CONST(SANLK_LSF_ADD, 0x1),
	CONST(SANLK_LSF_REM, 0x2),
	CONST(SANLK_LSF_ALIGN1M, 0x10),
	CONST(SANLK_LSF_ALIGN2M, 0x20),
	CONST(SANLK_LSF_ALIGN4M, 0x40),
	CONST(SANLK_LSF_ALIGN8M, 0x80),
	CONST(SANLK_LSF_SECTOR512, 0x100),
	CONST(SANLK_LSF_SECTOR4K, 0x200),
	CONST(SANLK_RESTRICT_ALL, 0x1),
	CONST(SANLK_RESTRICT_SIGKILL, 0x2),
	CONST(SANLK_RESTRICT_SIGTERM, 0x4),
	CONST(SANLK_KILLPATH_PID, 0x1),
	CONST(SANLK_ACQUIRE_LVB, 0x1),
	CONST(SANLK_ACQUIRE_ORPHAN, 0x2),
	CONST(SANLK_ACQUIRE_ORPHAN_ONLY, 0x4),
	CONST(SANLK_ACQUIRE_OWNER_NOWAIT, 0x8),
	CONST(SANLK_REL_ALL, 0x1),
	CONST(SANLK_REL_RENAME, 0x2),
	CONST(SANLK_REL_ORPHAN, 0x4),
	CONST(SANLK_CONVERT_OWNER_NOWAIT, 0x8),
	CONST(SANLK_REQUEST_NEXT_LVER, 0x1),
	CONST(SANLK_REQ_FORCE, 0x1),
	CONST(SANLK_REQ_GRACEFUL, 0x2),
	CONST(SANLK_REQ_KILL_PID, 0x1),
	CONST(SANLK_ADD_ASYNC, 0x1),
	CONST(SANLK_REM_ASYNC, 0x1),
	CONST(SANLK_REM_UNUSED, 0x2),
	CONST(SANLK_INQ_WAIT, 0x1),
	CONST(SANLK_WRITE_CLEAR, 0x1),
	CONST(SANLK_HOST_UNKNOWN, 0x1),
	CONST(SANLK_HOST_FREE, 0x2),
	CONST(SANLK_HOST_LIVE, 0x3),
	CONST(SANLK_HOST_FAIL, 0x4),
	CONST(SANLK_HOST_DEAD, 0x5),
	CONST(SANLK_HOST_MASK, 0xf),
	CONST(SANLK_CONFIG_USED, 0x1),
	CONST(SANLK_CONFIG_UNUSED, 0x2),
	CONST(SANLK_CONFIG_USED_BY_ORPHANS, 0x4),
	CONST(SANLK_CONFIG_UNUSED_BY_ORPHANS, 0x8),
	CONST(SANLK_TRF_FAIL, 0x1),
	CONST(SANLK_RX_NO_LOCKSPACE, 0x1),
	CONST(SANLK_RXUP_ADD, 0x10000),
	CONST(SANLK_RXUP_REM, 0x20000),
	CONST(SANLK_SETEV_CUR_GENERATION, 0x1),
	CONST(SANLK_SETEV_CLEAR_HOSTID, 0x2),
	CONST(SANLK_SETEV_CLEAR_EVENT, 0x4),
	CONST(SANLK_SETEV_REPLACE_EVENT, 0x8),
	CONST(SANLK_SETEV_ALL_HOSTS, 0x10),
	CONST(SANLK_OK, 1),
	CONST(SANLK_NONE, 0),
	CONST(SANLK_ERROR, -201),
	CONST(SANLK_AIO_TIMEOUT, -202),
	CONST(SANLK_WD_ERROR, -203),
	CONST(SANLK_DBLOCK_READ, -210),
	CONST(SANLK_DBLOCK_WRITE, -211),
	CONST(SANLK_DBLOCK_LVER, -212),
	CONST(SANLK_DBLOCK_MBAL, -213),
	CONST(SANLK_DBLOCK_CHECKSUM, -214),
	CONST(SANLK_LEADER_READ, -220),
	CONST(SANLK_LEADER_WRITE, -221),
	CONST(SANLK_LEADER_DIFF, -222),
	CONST(SANLK_LEADER_MAGIC, -223),
	CONST(SANLK_LEADER_VERSION, -224),
	CONST(SANLK_LEADER_SECTORSIZE, -225),
	CONST(SANLK_LEADER_LOCKSPACE, -226),
	CONST(SANLK_LEADER_RESOURCE, -227),
	CONST(SANLK_LEADER_NUMHOSTS, -228),
	CONST(SANLK_LEADER_CHECKSUM, -229),
	CONST(SANLK_ADDLS_SIZES, -230),
	CONST(SANLK_ADDLS_INVALID_HOSTID, -231),
	CONST(SANLK_ACQUIRE_LVER, -240),
	CONST(SANLK_ACQUIRE_LOCKSPACE, -241),
	CONST(SANLK_ACQUIRE_IDDISK, -242),
	CONST(SANLK_ACQUIRE_IDLIVE, -243),
	CONST(SANLK_ACQUIRE_OWNED, -244),
	CONST(SANLK_ACQUIRE_OTHER, -245),
	CONST(SANLK_ACQUIRE_SHRETRY, -246),
	CONST(SANLK_ACQUIRE_OWNED_RETRY, -247),
	CONST(SANLK_RELEASE_LVER, -250),
	CONST(SANLK_RELEASE_OWNER, -251),
	CONST(SANLK_RENEW_OWNER, -260),
	CONST(SANLK_RENEW_DIFF, -261),
	CONST(SANLK_HOSTID_BUSY, -262),
	CONST(SANLK_REQUEST_MAGIC, -270),
	CONST(SANLK_REQUEST_VERSION, -271),
	CONST(SANLK_REQUEST_OLD, -272),
	CONST(SANLK_REQUEST_LVER, -273),
	CONST(SANLK_RINDEX_MAGIC, -274),
	CONST(SANLK_RINDEX_VERSION, -275),
	CONST(SANLK_RINDEX_LOCKSPACE, -276),
	CONST(SANLK_RINDEX_OFFSET, -277),
	CONST(SANLK_RINDEX_DIFF, -278),
};

static void test_constants(void **state)
{
	size_t i, bad = 0;

	(void)state;
	assert_int_equal(sizeof(const_rows) / sizeof(const_rows[0]), 115);
	for (i = 0; i < sizeof(const_rows) / sizeof(const_rows[0]); i++) {
		if (const_rows[i].got != const_rows[i].want) {
			print_error("%s = %lld, want %lld\n", const_rows[i].name,
				    const_rows[i].got, const_rows[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_constant_groups(void **state)
{
	(void)state;
	/* RES, RIF and LSF alignment / sector flags share their values */
	assert_int_equal(SANLK_RES_ALIGN1M, SANLK_LSF_ALIGN1M);
	assert_int_equal(SANLK_RES_ALIGN8M, SANLK_RIF_ALIGN8M);
	assert_int_equal(SANLK_RES_SECTOR4K, SANLK_LSF_SECTOR4K);
	assert_int_equal(SANLK_RIF_SECTOR512, SANLK_LSF_SECTOR512);
	/* aliases */
	assert_int_equal(SANLK_REQ_KILL_PID, SANLK_REQ_FORCE);
	assert_int_equal(SANLK_CONVERT_OWNER_NOWAIT, SANLK_ACQUIRE_OWNER_NOWAIT);
	/* generic rindex flags low, per-function ones high */
	assert_int_equal(SANLK_RX_NO_LOCKSPACE & 0xFFFF0000, 0);
	assert_int_equal(SANLK_RXUP_ADD & 0x0000FFFF, 0);
	assert_int_equal(SANLK_RXUP_REM & 0x0000FFFF, 0);
	/* host states fit the mask */
	assert_int_equal(SANLK_HOST_DEAD & ~SANLK_HOST_MASK, 0);
	/* SANLK error codes are <= -200, OK/NONE are not errors */
	assert_true(SANLK_ERROR <= -200 && SANLK_RINDEX_DIFF <= -200);
	assert_true(SANLK_OK > 0 && SANLK_NONE == 0);
}

/* ---- prototypes (api.md 4.1a): exact types ---- */

#define PROTO(fn, type)							\
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn), type), \
		       #fn " prototype")

PROTO(sanlock_path_export, size_t (*)(char *, const char *, size_t));
PROTO(sanlock_path_import, size_t (*)(char *, const char *, size_t));
PROTO(sanlock_strerror, const char *(*)(int));

PROTO(sanlock_register, int (*)(void));
PROTO(sanlock_restrict, int (*)(int, uint32_t));
PROTO(sanlock_killpath, int (*)(int, uint32_t, const char *, char *));
PROTO(sanlock_acquire, int (*)(int, int, uint32_t, int,
			       struct sanlk_resource **,
			       struct sanlk_options *));
PROTO(sanlock_release, int (*)(int, int, uint32_t, int,
			       struct sanlk_resource **));
PROTO(sanlock_inquire, int (*)(int, int, uint32_t, int *, char **));
PROTO(sanlock_convert, int (*)(int, int, uint32_t, struct sanlk_resource *));
PROTO(sanlock_request, int (*)(uint32_t, uint32_t, struct sanlk_resource *));
PROTO(sanlock_examine, int (*)(uint32_t, struct sanlk_lockspace *,
			       struct sanlk_resource *));
PROTO(sanlock_set_lvb, int (*)(uint32_t, struct sanlk_resource *, char *, int));
PROTO(sanlock_get_lvb, int (*)(uint32_t, struct sanlk_resource *, char *, int));
PROTO(sanlock_res_to_str, int (*)(struct sanlk_resource *, char **));
PROTO(sanlock_str_to_res, int (*)(char *, struct sanlk_resource **));
PROTO(sanlock_args_to_state, int (*)(int, struct sanlk_resource **, char **));
PROTO(sanlock_state_to_args, int (*)(char *, int *, struct sanlk_resource ***));
PROTO(sanlock_str_to_lockspace, int (*)(char *, struct sanlk_lockspace *));

PROTO(sanlock_add_lockspace, int (*)(struct sanlk_lockspace *, uint32_t));
PROTO(sanlock_add_lockspace_timeout, int (*)(struct sanlk_lockspace *,
					     uint32_t, uint32_t));
PROTO(sanlock_inq_lockspace, int (*)(struct sanlk_lockspace *, uint32_t));
PROTO(sanlock_rem_lockspace, int (*)(struct sanlk_lockspace *, uint32_t));
PROTO(sanlock_get_lockspaces, int (*)(struct sanlk_lockspace **, int *,
				      uint32_t));
PROTO(sanlock_get_hosts, int (*)(const char *, uint64_t, struct sanlk_host **,
				 int *, uint32_t));
PROTO(sanlock_set_config, int (*)(const char *, uint32_t, uint32_t, void *));
PROTO(sanlock_align, int (*)(struct sanlk_disk *));
PROTO(sanlock_init, int (*)(struct sanlk_lockspace *, struct sanlk_resource *,
			    int, int));
PROTO(sanlock_write_lockspace, int (*)(struct sanlk_lockspace *, int, uint32_t,
				       uint32_t));
PROTO(sanlock_read_lockspace, int (*)(struct sanlk_lockspace *, uint32_t,
				      uint32_t *));
PROTO(sanlock_write_resource, int (*)(struct sanlk_resource *, int, int,
				      uint32_t));
PROTO(sanlock_read_resource, int (*)(struct sanlk_resource *, uint32_t));
PROTO(sanlock_read_resource_owners, int (*)(struct sanlk_resource *, uint32_t,
					    struct sanlk_host **, int *));
PROTO(sanlock_test_resource_owners, int (*)(struct sanlk_resource *, uint32_t,
					    struct sanlk_host *, int,
					    struct sanlk_host *, int,
					    uint32_t *));
PROTO(sanlock_format_rindex, int (*)(struct sanlk_rindex *, uint32_t));
PROTO(sanlock_update_rindex, int (*)(struct sanlk_rindex *, uint32_t,
				     struct sanlk_rentry *));
PROTO(sanlock_lookup_rindex, int (*)(struct sanlk_rindex *, uint32_t,
				     struct sanlk_rentry *));
PROTO(sanlock_rebuild_rindex, int (*)(struct sanlk_rindex *, uint32_t));
PROTO(sanlock_create_resource, int (*)(struct sanlk_rindex *, uint32_t,
				       struct sanlk_rentry *, int, int));
PROTO(sanlock_delete_resource, int (*)(struct sanlk_rindex *, uint32_t,
				       struct sanlk_rentry *));
PROTO(sanlock_version, int (*)(uint32_t, uint32_t *, uint32_t *));
PROTO(sanlock_reg_event, int (*)(const char *, struct sanlk_host_event *,
				 uint32_t));
PROTO(sanlock_end_event, int (*)(int, const char *, uint32_t));
PROTO(sanlock_set_event, int (*)(const char *, struct sanlk_host_event *,
				 uint32_t));
PROTO(sanlock_get_event, int (*)(int, uint32_t, struct sanlk_host_event *,
				 uint64_t *, uint64_t *));

PROTO(sanlock_direct_init, int (*)(struct sanlk_lockspace *,
				   struct sanlk_resource *, int, int, int));
PROTO(sanlock_direct_write_lockspace, int (*)(struct sanlk_lockspace *, int,
					      uint32_t, uint32_t));
PROTO(sanlock_direct_write_resource, int (*)(struct sanlk_resource *, int, int,
					     uint32_t));
PROTO(sanlock_direct_align, int (*)(struct sanlk_disk *));

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_layout),
		cmocka_unit_test(test_resource_variable_layout),
		cmocka_unit_test(test_constants),
		cmocka_unit_test(test_constant_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
