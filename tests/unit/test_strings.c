/*
 * tests/unit/test_strings.c - unit tests of the library's local string
 * helpers: sanlock_path_export/import, res_to_str/str_to_res,
 * args_to_state/state_to_args, str_to_lockspace (lib/str_*.c),
 * sanlock_strerror (lib/strerror.c) and env_get/env_get_bool (lib/env.c).
 *
 * Expected values are those of spec/api.md 2.4 and 4.8, plus results
 * observed by running Debian's libsanlock 3.8.5 on the same inputs (marked
 * "observed").  Single-threaded; no shared state between tests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanlock.h"
#include "sanlock_resource.h"
#include "sanlock_rv.h"
#include "lib/env.h"

#define TEST_BUF 8192

/* ------------------------------------------------------------------ */
/* helpers                                                            */

static struct sanlk_resource *res_new(const char *ls, const char *name,
				      uint32_t num_disks)
{
	struct sanlk_resource *res;

	res = calloc(1, sizeof(*res) + num_disks * sizeof(struct sanlk_disk));
	assert_non_null(res);
	assert_true(strlen(ls) <= SANLK_NAME_LEN && strlen(name) <= SANLK_NAME_LEN);
	memcpy(res->lockspace_name, ls, strlen(ls));
	memcpy(res->name, name, strlen(name));
	res->num_disks = num_disks;
	return res;
}

static void disk_set(struct sanlk_resource *res, uint32_t d, const char *path,
		     uint64_t offset)
{
	assert_true(d < res->num_disks);
	assert_true(strlen(path) < SANLK_PATH_LEN);
	memcpy(res->disks[d].path, path, strlen(path) + 1);
	res->disks[d].offset = offset;
}

/* str_to_res on a private copy; also checks the input is not modified. */
static int parse_res(const char *str, struct sanlk_resource **res)
{
	char copy[TEST_BUF];
	int rv;

	assert_true(strlen(str) < sizeof(copy));
	strcpy(copy, str);
	*res = NULL;
	rv = sanlock_str_to_res(copy, res);
	assert_string_equal(copy, str);
	if (rv < 0)
		assert_null(*res);
	else
		assert_non_null(*res);
	return rv;
}

static void assert_res_to_str(struct sanlk_resource *res, const char *want)
{
	char *str = NULL;

	assert_int_equal(sanlock_res_to_str(res, &str), 0);
	assert_non_null(str);
	assert_string_equal(str, want);
	free(str);
}

/* parse then print again */
static void assert_round_trip(const char *in, const char *out)
{
	struct sanlk_resource *res;

	assert_int_equal(parse_res(in, &res), 0);
	assert_res_to_str(res, out);
	free(res);
}

static void free_args(struct sanlk_resource **args, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(args[i]);
	free(args);
}

/* ------------------------------------------------------------------ */
/* sanlock_path_export                                                */

static void check_export(const char *src, size_t dstlen, const char *want)
{
	char dst[TEST_BUF];

	assert_true(dstlen < sizeof(dst));
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_export(dst, src, dstlen), strlen(want));
	assert_string_equal(dst, want);
	/* all dstlen bytes cleared, last one never written, nothing past it */
	if (dstlen > 0)
		assert_int_equal(dst[dstlen - 1], 0);
	assert_int_equal(dst[dstlen], 'Z');
}

static void test_path_export(void **state)
{
	(void)state;
	/* spec examples (verified on 3.8.5) */
	check_export("abc", 3, "ab");
	check_export("a:c", 4, "a\\:");
	check_export("/dev/a:b c\\:d", 100, "/dev/a\\:b\\ c\\:d");
	/* plain */
	check_export("", 3, "");
	check_export("abc", 4, "abc");
	check_export("/dev/sda", 1024, "/dev/sda");
	check_export("tab\there", 20, "tab\there");
	/* escape pairs are never split (observed) */
	check_export("a b", 4, "a\\ ");
	check_export("a b", 5, "a\\ b");
	check_export("a:b", 4, "a\\:");
	check_export(":", 3, "\\:");
	check_export(":", 2, "");
	/* an existing backslash escape is copied with its character */
	check_export("\\\\x", 10, "\\\\x");
	check_export("a\\:b", 10, "a\\:b");
	check_export("a\\b", 10, "a\\b");
	/* trailing lone backslash: copied, then the NUL ends it (observed) */
	check_export("ab\\", 10, "ab\\");
	check_export("a\\", 4, "a\\");
	check_export("a\\", 3, "a");
	/* small sizes (3.8.5 underflows; ours is safe) */
	check_export("abc", 2, "a");
	check_export("abc", 1, "");
	{
		char dst[4] = "ZZZ";

		assert_int_equal(sanlock_path_export(dst, "abc", 0), 0);
		assert_string_equal(dst, "ZZZ");	/* untouched */
	}
}

static void test_path_export_long(void **state)
{
	char src[SANLK_PATH_LEN], dst[SANLK_PATH_LEN + 1];
	size_t n;

	(void)state;
	/* 1023 colons into the 1025-byte buffer of res_to_str: 512 pairs */
	memset(src, ':', sizeof(src) - 1);
	src[sizeof(src) - 1] = '\0';
	n = sanlock_path_export(dst, src, sizeof(dst));
	assert_int_equal(n, 1024);
	assert_int_equal(strlen(dst), 1024);

	/* 1023 plain characters fit exactly */
	memset(src, 'p', sizeof(src) - 1);
	n = sanlock_path_export(dst, src, sizeof(dst));
	assert_int_equal(n, 1023);
	n = sanlock_path_export(dst, src, 1023);
	assert_int_equal(n, 1022);
}

/* ------------------------------------------------------------------ */
/* sanlock_path_import                                                */

static void test_path_import(void **state)
{
	char dst[64];

	(void)state;
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "abc", 4), 3);
	assert_string_equal(dst, "abc");

	/* dstlen reached before the NUL: 0, dst not terminated */
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "abc", 3), 0);
	assert_memory_equal(dst, "abcZ", 4);

	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "/dev/a\\:b\\ c", 100), 10);
	assert_string_equal(dst, "/dev/a:b c");

	/* every backslash is dropped (observed) */
	assert_int_equal(sanlock_path_import(dst, "a\\\\b", 10), 2);
	assert_string_equal(dst, "ab");
	assert_int_equal(sanlock_path_import(dst, "a\\", 10), 1);
	assert_string_equal(dst, "a");
	assert_int_equal(sanlock_path_import(dst, "\\", 5), 0);
	assert_string_equal(dst, "");

	/* empty string, dstlen 1: the NUL fits */
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "", 1), 0);
	assert_int_equal(dst[0], 0);

	/* dstlen 0 writes nothing */
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "abc", 0), 0);
	assert_int_equal(dst[0], 'Z');

	/* backslashes do not count towards dstlen */
	memset(dst, 'Z', sizeof(dst));
	assert_int_equal(sanlock_path_import(dst, "\\a\\b\\c", 4), 3);
	assert_string_equal(dst, "abc");

	/* export then import restores the path */
	{
		char exp[128];
		const char *p = "/dev/mapper/a b:c";

		sanlock_path_export(exp, p, sizeof(exp));
		assert_int_equal(sanlock_path_import(dst, exp, sizeof(dst)),
				 strlen(p));
		assert_string_equal(dst, p);
	}
}

/* ------------------------------------------------------------------ */
/* sanlock_res_to_str                                                 */

static void test_res_to_str_basic(void **state)
{
	struct sanlk_resource *res;
	char *str = (char *)0x1;

	(void)state;
	assert_int_equal(sanlock_res_to_str(NULL, &str), -EINVAL);
	assert_ptr_equal(str, (char *)0x1);

	res = res_new("ls", "res", 1);
	disk_set(res, 0, "/dev/a", 0);
	assert_res_to_str(res, "ls:res:/dev/a:0:0");

	/* lver printed even without SANLK_RES_LVER */
	res->lver = 5;
	assert_res_to_str(res, "ls:res:/dev/a:0:5");
	res->flags = SANLK_RES_LVER;
	res->disks[0].offset = 1048576;
	assert_res_to_str(res, "ls:res:/dev/a:1048576:5");

	/* shared wins over lver */
	res->flags = SANLK_RES_SHARED | SANLK_RES_LVER;
	assert_res_to_str(res, "ls:res:/dev/a:1048576:SH");

	/* offsets are unsigned decimal */
	res->flags = 0;
	res->lver = UINT64_MAX;
	res->disks[0].offset = UINT64_MAX;
	assert_res_to_str(res,
		"ls:res:/dev/a:18446744073709551615:18446744073709551615");
	free(res);

	/* no disks */
	res = res_new("ls", "res", 0);
	assert_res_to_str(res, "ls:res:0");
	res->flags = SANLK_RES_SHARED;
	assert_res_to_str(res, "ls:res:SH");
	free(res);
}

static void test_res_to_str_disks(void **state)
{
	struct sanlk_resource *res;

	(void)state;
	res = res_new("ls", "res", 4);
	disk_set(res, 0, "/a", 1);
	disk_set(res, 1, "/b b", 2);
	disk_set(res, 2, "/c:c", 3);
	disk_set(res, 3, "/d\\d", 4);
	res->lver = 9;
	assert_res_to_str(res, "ls:res:/a:1:/b\\ b:2:/c\\:c:3:/d\\d:4:9");
	free(res);

	/* names are not escaped (observed) */
	res = res_new("ls", "a:b", 1);
	disk_set(res, 0, "/p", 0);
	assert_res_to_str(res, "ls:a:b:/p:0:0");
	free(res);

	/* empty names */
	res = res_new("", "", 1);
	disk_set(res, 0, "/p", 0);
	assert_res_to_str(res, "::/p:0:0");
	free(res);
}

static void test_res_to_str_full_names(void **state)
{
	struct sanlk_resource *res;
	char want[256];

	(void)state;
	/* 48-byte names with no NUL: at most 48 bytes of each are printed
	 * (3.8.5 runs on into the next field) */
	res = res_new("", "", 1);
	memset(res->lockspace_name, 'L', SANLK_NAME_LEN);
	memset(res->name, 'N', SANLK_NAME_LEN);
	disk_set(res, 0, "/p", 0);
	snprintf(want, sizeof(want), "%.48s:%.48s:/p:0:0",
		 "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
		 "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN");
	assert_res_to_str(res, want);
	free(res);
}

static void test_res_to_str_limits(void **state)
{
	struct sanlk_resource *res;
	char *str;
	uint32_t d;

	(void)state;
	/* worst case of a valid resource: 4 disks of 1023 colons -> 4302 */
	res = res_new("LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL",
		      "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN", 4);
	memset(res->lockspace_name, 'L', SANLK_NAME_LEN);
	memset(res->name, 'N', SANLK_NAME_LEN);
	for (d = 0; d < 4; d++) {
		memset(res->disks[d].path, ':', SANLK_PATH_LEN - 1);
		res->disks[d].offset = UINT64_MAX;
	}
	res->lver = UINT64_MAX;
	assert_int_equal(sanlock_res_to_str(res, &str), 0);
	assert_int_equal(strlen(str), 4302);
	free(str);
	free(res);

	/* more than 4 disks is printed while it fits in 4400 characters:
	 * "ls:r" + 5 x ":<path>:0" + ":0" (observed boundary 4400/4401) */
	res = res_new("ls", "r", 5);
	for (d = 0; d < 5; d++)
		memset(res->disks[d].path, 'p', 1000);
	memset(res->disks[4].path, 'q', SANLK_PATH_LEN - 1);
	res->disks[4].path[379] = '\0';
	assert_int_equal(sanlock_res_to_str(res, &str), 0);
	assert_int_equal(strlen(str), SANLK_MAX_RES_STR);
	free(str);

	res->disks[4].path[379] = 'q';
	res->disks[4].path[380] = '\0';
	str = (char *)0x1;
	assert_int_equal(sanlock_res_to_str(res, &str), -EINVAL);
	assert_ptr_equal(str, (char *)0x1);
	free(res);

	/* an unterminated 1024-byte path is read up to its 1024 bytes */
	res = res_new("ls", "r", 1);
	memset(res->disks[0].path, 'p', SANLK_PATH_LEN);
	res->disks[0].offset = 7;
	assert_int_equal(sanlock_res_to_str(res, &str), 0);
	assert_int_equal(strlen(str), strlen("ls:r::7:0") + SANLK_PATH_LEN);
	free(str);
	free(res);
}

/* ------------------------------------------------------------------ */
/* sanlock_str_to_res                                                 */

static void test_str_to_res_spec_examples(void **state)
{
	struct sanlk_resource *res;

	(void)state;
	assert_int_equal(parse_res("ls:res:/dev/a:1048576:5", &res), 0);
	assert_string_equal(res->lockspace_name, "ls");
	assert_string_equal(res->name, "res");
	assert_int_equal(res->num_disks, 1);
	assert_string_equal(res->disks[0].path, "/dev/a");
	assert_int_equal(res->disks[0].offset, 1048576);
	assert_int_equal(res->lver, 5);
	assert_int_equal(res->flags, SANLK_RES_LVER);
	assert_int_equal(res->disks[0].pad1, 0);
	assert_int_equal(res->disks[0].pad2, 0);
	assert_int_equal(res->data64, 0);
	assert_int_equal(res->data32, 0);
	free(res);

	assert_int_equal(parse_res("ls:res:/dev/a:1048576:SH", &res), 0);
	assert_int_equal(res->flags, SANLK_RES_SHARED);
	assert_int_equal(res->lver, 0);
	free(res);

	assert_int_equal(parse_res("ls:res", &res), 0);
	assert_int_equal(res->num_disks, 0);
	assert_int_equal(res->flags, 0);
	free(res);

	assert_int_equal(parse_res("ls:", &res), 0);
	assert_string_equal(res->lockspace_name, "ls");
	assert_string_equal(res->name, "");
	free(res);

	assert_int_equal(parse_res("ls:res:/dev/a\\:x:512", &res), 0);
	assert_string_equal(res->disks[0].path, "/dev/a:x");
	assert_int_equal(res->disks[0].offset, 512);
	assert_int_equal(res->flags, 0);
	free(res);

	assert_int_equal(parse_res("ls:res:x", &res), -1);
	assert_int_equal(parse_res("ab", &res), -ENXIO);
	assert_int_equal(parse_res("a:b:/1:1:/2:2:/3:3:/4:4:/5:5", &res), -2);
}

static void test_str_to_res_errors(void **state)
{
	static const struct {
		const char *str;
		int rv;
	} cases[] = {
		/* shorter than 3 characters */
		{ "", -ENXIO }, { "a", -ENXIO }, { "::", -ENXIO },
		{ "a:", -ENXIO },
		/* 0 or 2 colons */
		{ "abc", -1 }, { "a:b:c", -1 }, { "a\\:b\\:c", -1 },
		/* more than 4 disks */
		{ "l:r:/1:1:/2:2:/3:3:/4:4:/5:5:7", -2 },
		{ "l:r:a:b:c:d:e:f:g:h:i:j:k:l", -2 },
		/* empty later fields */
		{ ":::", -1 }, { "ls:res:/p::0", -1 }, { "ls:res::0:0", -1 },
		{ "ls:res:/p:0:", -1 },
		/* offset without digits */
		{ "ls:r:/p:x5:1", -1 }, { "ls:r:/p: :1", -1 },
		{ "ls:r:/p:-:1", -1 },
		{ "a:b:c:d:e:f:g:h:i:j:k", -1 },
		/* a backslash as the last character */
		{ "ls:res:/p\\", -1 }, { "ls:res:/p:0\\", -1 },
		{ "l\\:r\\", -1 }, { "l:r\\", -1 },
	};
	struct sanlk_resource *res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rv = parse_res(cases[i].str, &res);

		if (rv != cases[i].rv)
			fail_msg("str_to_res(\"%s\") = %d, want %d",
				 cases[i].str, rv, cases[i].rv);
	}
}

static void test_str_to_res_numbers(void **state)
{
	struct sanlk_resource *res;

	(void)state;
	/* lver: strtoull base 0; offset: %llu (observed) */
	assert_int_equal(parse_res("ls:res:/p:0x10:0x10", &res), 0);
	assert_int_equal(res->disks[0].offset, 0);
	assert_int_equal(res->lver, 16);
	free(res);

	assert_int_equal(parse_res("ls:res:/p: -1:010", &res), 0);
	assert_int_equal(res->disks[0].offset, UINT64_MAX);
	assert_int_equal(res->lver, 8);
	free(res);

	assert_int_equal(parse_res("ls:res:/p:+5:1", &res), 0);
	assert_int_equal(res->disks[0].offset, 5);
	free(res);

	assert_int_equal(parse_res("ls:res:/p:12abc:1x", &res), 0);
	assert_int_equal(res->disks[0].offset, 12);
	assert_int_equal(res->lver, 1);
	free(res);

	/* lver junk: 0, still flagged */
	assert_int_equal(parse_res("ls:res:/p:0:abc", &res), 0);
	assert_int_equal(res->flags, SANLK_RES_LVER);
	assert_int_equal(res->lver, 0);
	free(res);

	/* SH prefix is enough; "S" is an lver */
	assert_int_equal(parse_res("ls:res:/p:0:SHX", &res), 0);
	assert_int_equal(res->flags, SANLK_RES_SHARED);
	free(res);
	assert_int_equal(parse_res("ls:res:/p:0:S", &res), 0);
	assert_int_equal(res->flags, SANLK_RES_LVER);
	free(res);
	assert_int_equal(parse_res("ls:res:/p:0:\\S\\H", &res), 0);
	assert_int_equal(res->flags, SANLK_RES_SHARED);
	free(res);

	/* no lver field: no flag */
	assert_int_equal(parse_res("ls:res:/p:0", &res), 0);
	assert_int_equal(res->flags, 0);
	free(res);
}

static void test_str_to_res_disks(void **state)
{
	struct sanlk_resource *res;

	(void)state;
	assert_int_equal(parse_res("ls:res:/p:0:/q:1", &res), 0);
	assert_int_equal(res->num_disks, 2);
	assert_string_equal(res->disks[0].path, "/p");
	assert_string_equal(res->disks[1].path, "/q");
	assert_int_equal(res->disks[1].offset, 1);
	assert_int_equal(res->flags, 0);
	free(res);

	assert_int_equal(parse_res("l:r:/a:1:/b:2:/c:3:/d:4:77", &res), 0);
	assert_int_equal(res->num_disks, 4);
	assert_string_equal(res->disks[3].path, "/d");
	assert_int_equal(res->disks[3].offset, 4);
	assert_int_equal(res->lver, 77);
	assert_int_equal(res->flags, SANLK_RES_LVER);
	free(res);

	/* escapes: colon, space, backslash are literal after '\' */
	assert_int_equal(parse_res("a\\:b:c", &res), 0);
	assert_string_equal(res->lockspace_name, "a:b");
	assert_string_equal(res->name, "c");
	free(res);
	assert_int_equal(parse_res("ls:r\\ x:/p a:5:1", &res), 0);
	assert_string_equal(res->name, "r x");
	assert_string_equal(res->disks[0].path, "/p a");
	free(res);
	assert_int_equal(parse_res("l:r:/p\\\\:0:0", &res), 0);
	assert_string_equal(res->disks[0].path, "/p\\");
	free(res);
	assert_int_equal(parse_res("l\\\\:r", &res), 0);
	assert_string_equal(res->lockspace_name, "l\\");
	free(res);
}

static void test_str_to_res_lengths(void **state)
{
	char str[3 * SANLK_PATH_LEN];
	struct sanlk_resource *res;
	size_t i;

	(void)state;
	/* names: 48 accepted (unterminated), 49 refused */
	memset(str, 'x', 48);
	strcpy(str + 48, ":r");
	assert_int_equal(parse_res(str, &res), 0);
	assert_memory_equal(res->lockspace_name, str, 48);
	assert_string_equal(res->name, "r");
	free(res);
	memset(str, 'x', 49);
	strcpy(str + 49, ":r");
	assert_int_equal(parse_res(str, &res), -1);
	strcpy(str, "l:");
	memset(str + 2, 'n', 49);
	str[51] = '\0';
	assert_int_equal(parse_res(str, &res), -1);
	str[50] = '\0';
	assert_int_equal(parse_res(str, &res), 0);
	assert_memory_equal(res->name, str + 2, 48);
	free(res);

	/* the limit applies after escapes are removed (observed) */
	strcpy(str, "a\\:");
	memset(str + 3, 'x', 46);
	strcpy(str + 49, ":r");
	assert_int_equal(parse_res(str, &res), 0);
	free(res);
	strcpy(str, "a\\:");
	memset(str + 3, 'x', 47);
	strcpy(str + 50, ":r");
	assert_int_equal(parse_res(str, &res), -1);

	/* paths: 1023 accepted, 1024 refused */
	strcpy(str, "l:r:");
	memset(str + 4, 'p', 1023);
	strcpy(str + 4 + 1023, ":0");
	assert_int_equal(parse_res(str, &res), 0);
	assert_int_equal(strlen(res->disks[0].path), 1023);
	free(res);
	memset(str + 4, 'p', 1024);
	strcpy(str + 4 + 1024, ":0");
	assert_int_equal(parse_res(str, &res), -1);

	/* 1023 escaped characters (2046 in the string) */
	strcpy(str, "l:r:");
	for (i = 0; i < 1023; i++) {
		str[4 + 2 * i] = '\\';
		str[5 + 2 * i] = ':';
	}
	strcpy(str + 4 + 2046, ":0");
	assert_int_equal(parse_res(str, &res), 0);
	assert_int_equal(strlen(res->disks[0].path), 1023);
	free(res);

	/* offset and lver fields: 1023 characters, not 1024 */
	strcpy(str, "l:r:/p:");
	memset(str + 7, '0', 1023);
	strcpy(str + 7 + 1023, ":5");
	assert_int_equal(parse_res(str, &res), 0);
	assert_int_equal(res->lver, 5);
	free(res);
	memset(str + 7, '0', 1024);
	strcpy(str + 7 + 1024, ":5");
	assert_int_equal(parse_res(str, &res), -1);

	strcpy(str, "l:r:/p:0:");
	memset(str + 9, '0', 1023);
	str[9 + 1023] = '\0';
	assert_int_equal(parse_res(str, &res), 0);
	free(res);
	memset(str + 9, '0', 1024);
	str[9 + 1024] = '\0';
	assert_int_equal(parse_res(str, &res), -1);
}

static void test_res_round_trip(void **state)
{
	(void)state;
	assert_round_trip("ls:res:/dev/a:1048576:5", "ls:res:/dev/a:1048576:5");
	assert_round_trip("ls:res:/dev/a:1048576:SH",
			  "ls:res:/dev/a:1048576:SH");
	assert_round_trip("ls:res", "ls:res:0");
	assert_round_trip("ls:", "ls::0");
	assert_round_trip("ls:res:/dev/a\\:x:512", "ls:res:/dev/a\\:x:512:0");
	assert_round_trip("ls:res:/p:0x10:0x10", "ls:res:/p:0:16");
	assert_round_trip("ls:res:/p: -1:010",
			  "ls:res:/p:18446744073709551615:8");
	assert_round_trip("ls:r\\ x:/p a:5:1", "ls:r x:/p\\ a:5:1");
	assert_round_trip("a\\:b:c", "a:b:c:0");
	assert_round_trip("l:r:/a:1:/b\\ b:2:/c\\:c:3:/d:4:SH",
			  "l:r:/a:1:/b\\ b:2:/c\\:c:3:/d:4:SH");
	assert_round_trip("ls:res:/p:0:/q:1", "ls:res:/p:0:/q:1:0");

	/* resource -> string -> resource keeps every field */
	{
		struct sanlk_resource *res = res_new("lockspace", "resource", 3);
		struct sanlk_resource *back;
		char *str;

		disk_set(res, 0, "/dev/mapper/vg-lv a", 0);
		disk_set(res, 1, "/x:y", 1048576);
		disk_set(res, 2, "/z", 8388608);
		res->lver = 12345;
		res->flags = SANLK_RES_LVER;
		assert_int_equal(sanlock_res_to_str(res, &str), 0);
		assert_int_equal(parse_res(str, &back), 0);
		assert_memory_equal(res, back,
				    sizeof(*res) + 3 * sizeof(struct sanlk_disk));
		free(str);
		free(back);
		free(res);
	}
}

/* ------------------------------------------------------------------ */
/* sanlock_args_to_state                                              */

static void test_args_to_state(void **state)
{
	struct sanlk_resource *args[3];
	char *st;

	(void)state;
	args[0] = res_new("ls", "r1", 1);
	disk_set(args[0], 0, "/p", 0);
	args[1] = res_new("ls", "r2", 1);
	disk_set(args[1], 0, "/p:q", 1048576);
	args[1]->flags = SANLK_RES_SHARED;
	args[2] = res_new("ls", "r3", 2);
	disk_set(args[2], 0, "/a b", 1);
	disk_set(args[2], 1, "/c", 2);
	args[2]->lver = 77;

	assert_int_equal(sanlock_args_to_state(3, args, &st), 0);
	assert_string_equal(st,
		"ls:r1:/p:0:0 ls:r2:/p\\:q:1048576:SH ls:r3:/a\\ b:1:/c:2:77");
	free(st);

	assert_int_equal(sanlock_args_to_state(1, args, &st), 0);
	assert_string_equal(st, "ls:r1:/p:0:0");
	free(st);

	/* no resources: an empty string (3.8.5: malloc(0)) */
	st = NULL;
	assert_int_equal(sanlock_args_to_state(0, NULL, &st), 0);
	assert_non_null(st);
	assert_string_equal(st, "");
	free(st);

	/* 3.8.5: malloc of a negative size fails */
	st = (char *)0x1;
	assert_int_equal(sanlock_args_to_state(-1, NULL, &st), -ENOMEM);
	assert_ptr_equal(st, (char *)0x1);

	/* a conversion error is returned as is */
	{
		struct sanlk_resource *bad[2] = { args[0], NULL };

		assert_int_equal(sanlock_args_to_state(2, bad, &st), -EINVAL);
		assert_ptr_equal(st, (char *)0x1);
	}

	free(args[0]);
	free(args[1]);
	free(args[2]);
}

static void test_args_to_state_long(void **state)
{
	struct sanlk_resource *args[2];
	char *st = (char *)0x1;
	uint32_t d;

	(void)state;
	/* a 4400-character resource string (5 disks): 3.8.5 keeps 4399
	 * characters of it, silently; we refuse */
	args[0] = res_new("ls", "r", 5);
	for (d = 0; d < 5; d++)
		memset(args[0]->disks[d].path, 'p', 1000);
	args[0]->disks[4].path[379] = '\0';
	args[1] = res_new("ls", "r", 1);
	disk_set(args[1], 0, "/q", 0);
	assert_int_equal(sanlock_args_to_state(2, args, &st), -EINVAL);
	assert_ptr_equal(st, (char *)0x1);

	/* 4399 characters are fine */
	args[0]->disks[4].path[378] = '\0';
	assert_int_equal(sanlock_args_to_state(2, args, &st), 0);
	assert_int_equal(strlen(st), 4399 + 1 + strlen("ls:r:/q:0:0"));
	free(st);

	/* the worst case of valid resources, 8 of them */
	{
		struct sanlk_resource *big[SANLK_MAX_RESOURCES];
		int i;

		for (i = 0; i < SANLK_MAX_RESOURCES; i++) {
			big[i] = res_new("ls", "r", SANLK_MAX_DISKS);
			memset(big[i]->lockspace_name, 'L', SANLK_NAME_LEN);
			memset(big[i]->name, 'N', SANLK_NAME_LEN);
			for (d = 0; d < SANLK_MAX_DISKS; d++) {
				memset(big[i]->disks[d].path, ':',
				       SANLK_PATH_LEN - 1);
				big[i]->disks[d].offset = UINT64_MAX;
			}
			big[i]->lver = UINT64_MAX;
		}
		assert_int_equal(sanlock_args_to_state(SANLK_MAX_RESOURCES, big,
						       &st), 0);
		assert_int_equal(strlen(st), 8 * 4302 + 7);
		free(st);
		for (i = 0; i < SANLK_MAX_RESOURCES; i++)
			free(big[i]);
	}

	free(args[0]);
	free(args[1]);
}

/* ------------------------------------------------------------------ */
/* sanlock_state_to_args                                              */

static int parse_state(const char *str, int *count,
		       struct sanlk_resource ***args)
{
	char copy[TEST_BUF];
	int rv;

	assert_true(strlen(str) < sizeof(copy));
	strcpy(copy, str);
	*args = NULL;
	*count = -99;
	rv = sanlock_state_to_args(copy, count, args);
	assert_string_equal(copy, str);
	if (rv < 0)
		assert_null(*args);
	return rv;
}

static void test_state_to_args_spec(void **state)
{
	struct sanlk_resource **args;
	int count;

	(void)state;
	assert_int_equal(parse_state("ls:r1:/p:0:0 ls:r2:/p\\:q:1048576:SH",
				     &count, &args), 0);
	assert_int_equal(count, 2);
	assert_string_equal(args[0]->name, "r1");
	assert_int_equal(args[0]->flags, SANLK_RES_LVER);
	assert_string_equal(args[1]->name, "r2");
	assert_string_equal(args[1]->disks[0].path, "/p:q");
	assert_int_equal(args[1]->disks[0].offset, 1048576);
	assert_int_equal(args[1]->flags, SANLK_RES_SHARED);
	free_args(args, count);

	/* a space before the third colon belongs to the item */
	assert_int_equal(parse_state("ls:r1:/p a:0:0", &count, &args), 0);
	assert_int_equal(count, 1);
	assert_string_equal(args[0]->disks[0].path, "/p a");
	free_args(args, count);

	assert_int_equal(parse_state("ls:r1 x:/p:0:0", &count, &args), 0);
	assert_int_equal(count, 1);
	assert_string_equal(args[0]->name, "r1 x");
	free_args(args, count);

	/* errors; *res_count keeps the first count */
	assert_int_equal(parse_state("", &count, &args), -ENXIO);
	assert_int_equal(count, 1);
	assert_int_equal(parse_state("bad", &count, &args), -1);
	assert_int_equal(count, 1);
	assert_int_equal(parse_state("a b c", &count, &args), -1);
	assert_int_equal(count, 3);
	assert_int_equal(parse_state("ls:r:/p:0:0 ", &count, &args), -ENXIO);
	assert_int_equal(count, 2);
	assert_int_equal(parse_state("ls:r:/a b:/c d:0", &count, &args), -1);
	assert_int_equal(count, 3);
	assert_int_equal(parse_state("l:r:/1:1:/2:2:/3:3:/4:4:/5:5:1", &count,
				     &args), -2);
}

static void test_state_to_args_observed(void **state)
{
	struct sanlk_resource **args;
	int count;

	(void)state;
	/* a leading space goes into the lockspace name */
	assert_int_equal(parse_state(" ls:r:/p:0:0", &count, &args), 0);
	assert_int_equal(count, 1);
	assert_string_equal(args[0]->lockspace_name, " ls");
	free_args(args, count);

	/* two spaces: the second starts the next item's name */
	assert_int_equal(parse_state("ls:r1:/p:0:0  ls:r2:/p:0:0", &count,
				     &args), 0);
	assert_int_equal(count, 2);
	assert_string_equal(args[1]->lockspace_name, " ls");
	free_args(args, count);

	/* items without disks */
	assert_int_equal(parse_state("l:r:/p:0:1 l:s", &count, &args), 0);
	assert_int_equal(count, 2);
	assert_int_equal(args[1]->num_disks, 0);
	assert_int_equal(args[1]->flags, 0);
	free_args(args, count);
	assert_int_equal(parse_state("l:r", &count, &args), 0);
	assert_int_equal(count, 1);
	free_args(args, count);
	assert_int_equal(parse_state("l:r:/p:0 l:s:/q:5", &count, &args), 0);
	assert_int_equal(count, 2);
	assert_int_equal(args[0]->flags, 0);
	assert_int_equal(args[1]->disks[0].offset, 5);
	free_args(args, count);

	/* a character after any backslash is copied as is, even after an
	 * escaped backslash (observed) */
	assert_int_equal(parse_state("l:r:/p\\\\:0 m:n", &count, &args), 0);
	assert_int_equal(count, 1);
	assert_string_equal(args[0]->disks[0].path, "/p\\");
	assert_int_equal(args[0]->flags, SANLK_RES_LVER);
	free_args(args, count);
	assert_int_equal(parse_state("l:r:/p:0:1\\\\\\\\ m:n", &count, &args),
			 -1);
	assert_int_equal(count, 2);
	assert_int_equal(parse_state("l:r:/p:0:0\\ l:s:/q:0:0", &count, &args),
			 -1);
	assert_int_equal(count, 1);
	assert_int_equal(parse_state("l:r:/p\\\\\\:0:1 m:n", &count, &args), 0);
	assert_int_equal(count, 2);
	assert_string_equal(args[0]->disks[0].path, "/p\\:0");
	free_args(args, count);
	assert_int_equal(parse_state("l:r:/p:0:1 \\\\m:n", &count, &args), 0);
	assert_string_equal(args[1]->lockspace_name, "\\m");
	free_args(args, count);
	assert_int_equal(parse_state("l\\ a:r:/p:0:1", &count, &args), 0);
	assert_string_equal(args[0]->lockspace_name, "l a");
	free_args(args, count);
}

static void test_state_to_args_long(void **state)
{
	char str[2 * SANLK_MAX_RES_STR];
	struct sanlk_resource **args;
	int count;
	size_t j;

	(void)state;
	/* an item longer than 4400 characters: clean -1 (3.8.5 smashes its
	 * stack) */
	strcpy(str, "l:r:");
	j = 4;
	while (j < SANLK_MAX_RES_STR + 10)
		str[j++] = 'p';
	strcpy(str + j, ":0:0");
	assert_int_equal(parse_state(str, &count, &args), -1);
	assert_int_equal(count, 1);

	/* the same with spaces escaped inside the item */
	strcpy(str, "l:r ");
	j = 4;
	while (j < SANLK_MAX_RES_STR + 10)
		str[j++] = ' ';
	strcpy(str + j, ":/p:0:0");
	assert_int_equal(parse_state(str, &count, &args), -1);
}

static void test_state_round_trip(void **state)
{
	struct sanlk_resource *in[SANLK_MAX_RESOURCES];
	struct sanlk_resource **out;
	char *st;
	int count, i;

	(void)state;
	for (i = 0; i < SANLK_MAX_RESOURCES; i++) {
		char name[16];
		uint32_t d, nd = (uint32_t)(i % SANLK_MAX_DISKS) + 1;

		snprintf(name, sizeof(name), "res %d", i);
		in[i] = res_new("lsx", name, nd);
		for (d = 0; d < nd; d++) {
			char path[32];

			snprintf(path, sizeof(path), "/dev/d %d:%u", i, d);
			disk_set(in[i], d, path, (uint64_t)d * 1048576);
		}
		if (i % 2) {
			in[i]->flags = SANLK_RES_SHARED;
		} else {
			in[i]->flags = SANLK_RES_LVER;
			in[i]->lver = (uint64_t)i + 100;
		}
	}

	assert_int_equal(sanlock_args_to_state(SANLK_MAX_RESOURCES, in, &st), 0);
	assert_int_equal(sanlock_state_to_args(st, &count, &out), 0);
	assert_int_equal(count, SANLK_MAX_RESOURCES);
	for (i = 0; i < SANLK_MAX_RESOURCES; i++) {
		size_t size = sizeof(struct sanlk_resource) +
			      in[i]->num_disks * sizeof(struct sanlk_disk);

		assert_memory_equal(in[i], out[i], size);
		free(in[i]);
	}
	free_args(out, count);
	free(st);
}

/* ------------------------------------------------------------------ */
/* sanlock_str_to_lockspace                                           */

static void ls_fill(struct sanlk_lockspace *ls)
{
	memset(ls, 0xAA, sizeof(*ls));
}

static void test_str_to_lockspace(void **state)
{
	struct sanlk_lockspace ls;
	char str[256];

	(void)state;
	assert_int_equal(sanlock_str_to_lockspace(NULL, &ls), -EINVAL);

	ls_fill(&ls);
	strcpy(str, "name:5:/dev/x\\:y:1024");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "name");
	assert_int_equal(ls.host_id, 5);
	assert_string_equal(ls.host_id_disk.path, "/dev/x:y");
	assert_int_equal(ls.host_id_disk.offset, 1024);
	assert_int_equal(ls.flags, 0xAAAAAAAA);	/* never touched */
	/* the first three unescaped colons became NULs */
	assert_memory_equal(str, "name\0" "5\0" "/dev/x\\:y\0" "1024", 22);

	/* the name is zero padded like strncpy */
	{
		char want[SANLK_NAME_LEN] = "name";

		assert_memory_equal(ls.name, want, SANLK_NAME_LEN);
	}
}

static void test_str_to_lockspace_partial(void **state)
{
	struct sanlk_lockspace ls, fill;
	char str[256];

	(void)state;
	ls_fill(&fill);

	/* absent fields leave *ls unchanged */
	ls_fill(&ls);
	strcpy(str, "name");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "name");
	assert_memory_equal(&ls.host_id, &fill.host_id,
			    sizeof(ls) - offsetof(struct sanlk_lockspace, host_id));

	ls_fill(&ls);
	strcpy(str, "name:7");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, 7);
	assert_memory_equal(&ls.host_id_disk, &fill.host_id_disk,
			    sizeof(ls.host_id_disk));

	ls_fill(&ls);
	strcpy(str, "na\\:me:7:/p");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "na\\:me");	/* escapes kept */
	assert_string_equal(ls.host_id_disk.path, "/p");
	assert_int_equal(ls.host_id_disk.offset, 0xAAAAAAAAAAAAAAAAULL);

	/* empty string: empty name only */
	ls_fill(&ls);
	strcpy(str, "");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.name[0], 0);
	assert_int_equal(ls.host_id, 0xAAAAAAAAAAAAAAAAULL);

	/* empty but present fields are zero */
	ls_fill(&ls);
	strcpy(str, ":::");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, 0);
	assert_int_equal(ls.host_id_disk.path[0], 0);
	assert_int_equal(ls.host_id_disk.offset, 0);
}

static void test_str_to_lockspace_numbers(void **state)
{
	struct sanlk_lockspace ls;
	char str[256];

	(void)state;
	/* atoll: junk -> 0, negative wraps, huge saturates, base 10 */
	ls_fill(&ls);
	strcpy(str, "n:abc:/p:12:34");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, 0);
	assert_int_equal(ls.host_id_disk.offset, 12);	/* ":34" ignored */

	strcpy(str, "n:-1:/p:-5");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, UINT64_MAX);
	assert_int_equal(ls.host_id_disk.offset, (uint64_t)-5);

	strcpy(str, "a:99999999999999999999:/p:12abc");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, INT64_MAX);
	assert_int_equal(ls.host_id_disk.offset, 12);

	strcpy(str, "a:0x10:/p: 12");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_int_equal(ls.host_id, 0);
	assert_int_equal(ls.host_id_disk.offset, 12);
}

static void test_str_to_lockspace_escapes(void **state)
{
	struct sanlk_lockspace ls;
	char str[256];

	(void)state;
	/* an escaped backslash does not escape the colon after it */
	ls_fill(&ls);
	strcpy(str, "a\\\\:5:/p:1");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "a\\\\");
	assert_int_equal(ls.host_id, 5);

	ls_fill(&ls);
	strcpy(str, "a\\\\\\:5:/p:1");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "a\\\\\\:5");
	assert_int_equal(ls.host_id, 0);
	assert_string_equal(ls.host_id_disk.path, "1");

	/* the path loses every backslash */
	ls_fill(&ls);
	strcpy(str, "a:5:/p\\ q\\\\r\\:s:7:8:9");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.host_id_disk.path, "/p qr:s");
	assert_int_equal(ls.host_id_disk.offset, 7);

	/* trailing backslash */
	ls_fill(&ls);
	strcpy(str, "x\\");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_string_equal(ls.name, "x\\");

	/* long name: first 48 bytes, unterminated */
	ls_fill(&ls);
	strcpy(str, "0123456789012345678901234567890123456789012345678901:1");
	assert_int_equal(sanlock_str_to_lockspace(str, &ls), 0);
	assert_memory_equal(ls.name,
		"012345678901234567890123456789012345678901234567", 48);
	assert_int_equal(ls.host_id, 1);
}

/* ------------------------------------------------------------------ */
/* sanlock_strerror                                                   */

static void test_strerror_codes(void **state)
{
	static const struct {
		int rv;
		const char *text;
	} cases[] = {
		{ SANLK_ERROR, "General error" },
		{ SANLK_AIO_TIMEOUT, "IO timeout" },
		{ SANLK_WD_ERROR, "Watchdog device error" },
		{ SANLK_DBLOCK_READ, "Lease read error in dblock" },
		{ SANLK_DBLOCK_WRITE, "Lease write error in dblock" },
		{ SANLK_DBLOCK_LVER,
		  "Lease was acquired by another host in new ballot" },
		{ SANLK_DBLOCK_MBAL,
		  "Lease was acquired by another host in current ballot" },
		{ SANLK_DBLOCK_CHECKSUM, "Lease checksum error in dblock" },
		{ SANLK_LEADER_READ, "Lease read error in leader" },
		{ SANLK_LEADER_WRITE, "Lease write error in leader" },
		{ SANLK_LEADER_DIFF, "Lease read inconsistent" },
		{ SANLK_LEADER_MAGIC, "Lease does not exist on storage" },
		{ SANLK_LEADER_VERSION,
		  "Lease format version on storage is not recognized" },
		{ SANLK_LEADER_SECTORSIZE, "Lease sector size is inconsistent" },
		{ SANLK_LEADER_LOCKSPACE, "Lease lockspace name is incorrect" },
		{ SANLK_LEADER_RESOURCE, "Lease resource name is incorrect" },
		{ SANLK_LEADER_NUMHOSTS, "Lease num_hosts is incorrect" },
		{ SANLK_LEADER_CHECKSUM, "Lease checksum error in leader" },
		{ SANLK_ADDLS_SIZES, "Unknown error" },
		{ SANLK_ADDLS_INVALID_HOSTID, "Unknown error" },
		{ SANLK_ACQUIRE_LVER, "Unknown error" },
		{ SANLK_ACQUIRE_LOCKSPACE, "Lease lockspace is not found" },
		{ SANLK_ACQUIRE_IDDISK, "Lease lockspace disk cannot be opened" },
		{ SANLK_ACQUIRE_IDLIVE, "Lease is held by another host" },
		{ SANLK_ACQUIRE_OWNED,
		  "Lease was acquired by another host in other ballot" },
		{ SANLK_ACQUIRE_OTHER,
		  "Lease was acquired by another host in local commit" },
		{ SANLK_ACQUIRE_SHRETRY,
		  "Lease is held by another host for shared acquire" },
		{ SANLK_ACQUIRE_OWNED_RETRY, "Lease is owned by another host" },
		{ SANLK_RELEASE_LVER, "Lease release version is incorrect" },
		{ SANLK_RELEASE_OWNER, "Lease release owner is incorrect" },
		{ SANLK_RENEW_OWNER, "Lease renew owner is incorrect" },
		{ SANLK_RENEW_DIFF, "Lease renew data has changed" },
		{ SANLK_HOSTID_BUSY, "Lease host ID is being used by another host" },
		{ SANLK_REQUEST_MAGIC, "Lease request block has invalid data" },
		{ SANLK_REQUEST_VERSION, "Lease request block has invalid version" },
		{ SANLK_REQUEST_OLD, "Lease request has newer lease version" },
		{ SANLK_REQUEST_LVER, "Lease request block has newer version" },
		{ SANLK_RINDEX_MAGIC, "Unknown error" },
		{ SANLK_RINDEX_VERSION, "Unknown error" },
		{ SANLK_RINDEX_LOCKSPACE, "Unknown error" },
		{ SANLK_RINDEX_OFFSET, "Unknown error" },
		{ SANLK_RINDEX_DIFF, "Unknown error" },
		{ SANLK_OK, "Unknown error" },
		{ SANLK_NONE, "Unknown error" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *text = sanlock_strerror(cases[i].rv);

		assert_non_null(text);
		if (strcmp(text, cases[i].text) != 0)
			fail_msg("sanlock_strerror(%d) = \"%s\", want \"%s\"",
				 cases[i].rv, text, cases[i].text);
	}
}

static void test_strerror_unknown(void **state)
{
	static const int others[] = {
		0, 1, 2, 100, -1, -2, -22, -199, -200, -204, -209, -215,
		-219, -232, -239, -248, -249, -252, -259, -263, -269, -279,
		-300, 201, 223, INT32_MIN, INT32_MAX,
	};
	size_t i;
	int rv;

	(void)state;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_string_equal(sanlock_strerror(others[i]), "Unknown error");

	/* every value of the SANLK range maps to something non-NULL, and
	 * the result is a static string (same pointer each time) */
	for (rv = -300; rv <= 0; rv++) {
		const char *a = sanlock_strerror(rv);

		assert_non_null(a);
		assert_ptr_equal(a, sanlock_strerror(rv));
	}
}

/* ------------------------------------------------------------------ */
/* env_get / env_get_bool                                             */

static void test_env(void **state)
{
	(void)state;
	unsetenv("SANLK_TEST_ENV");
	assert_string_equal(env_get("SANLK_TEST_ENV", "def"), "def");
	assert_null(env_get("SANLK_TEST_ENV", NULL));
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 7), 7);

	setenv("SANLK_TEST_ENV", "1", 1);
	assert_string_equal(env_get("SANLK_TEST_ENV", "def"), "1");
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 0), 1);

	setenv("SANLK_TEST_ENV", "0", 1);
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 1), 0);
	setenv("SANLK_TEST_ENV", "yes", 1);
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 1), 0);
	setenv("SANLK_TEST_ENV", "11", 1);
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 1), 0);
	setenv("SANLK_TEST_ENV", "", 1);
	assert_string_equal(env_get("SANLK_TEST_ENV", "def"), "");
	assert_int_equal(env_get_bool("SANLK_TEST_ENV", 1), 0);
	unsetenv("SANLK_TEST_ENV");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_export),
		cmocka_unit_test(test_path_export_long),
		cmocka_unit_test(test_path_import),
		cmocka_unit_test(test_res_to_str_basic),
		cmocka_unit_test(test_res_to_str_disks),
		cmocka_unit_test(test_res_to_str_full_names),
		cmocka_unit_test(test_res_to_str_limits),
		cmocka_unit_test(test_str_to_res_spec_examples),
		cmocka_unit_test(test_str_to_res_errors),
		cmocka_unit_test(test_str_to_res_numbers),
		cmocka_unit_test(test_str_to_res_disks),
		cmocka_unit_test(test_str_to_res_lengths),
		cmocka_unit_test(test_res_round_trip),
		cmocka_unit_test(test_args_to_state),
		cmocka_unit_test(test_args_to_state_long),
		cmocka_unit_test(test_state_to_args_spec),
		cmocka_unit_test(test_state_to_args_observed),
		cmocka_unit_test(test_state_to_args_long),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_str_to_lockspace),
		cmocka_unit_test(test_str_to_lockspace_partial),
		cmocka_unit_test(test_str_to_lockspace_numbers),
		cmocka_unit_test(test_str_to_lockspace_escapes),
		cmocka_unit_test(test_strerror_codes),
		cmocka_unit_test(test_strerror_unknown),
		cmocka_unit_test(test_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
