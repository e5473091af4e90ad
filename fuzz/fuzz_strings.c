/*
 * fuzz_strings.c - libFuzzer harness for the library's string parsers
 * (spec/api.md 4.8): sanlock_str_to_res, sanlock_res_to_str,
 * sanlock_state_to_args, sanlock_args_to_state, sanlock_str_to_lockspace,
 * sanlock_path_export and sanlock_path_import.
 *
 * Input: byte 0 = a destination length for the path functions, byte 1 =
 * mode bits, the rest = the string (cut at its first NUL by C semantics)
 * or, for res_to_str, the raw bytes of a struct sanlk_resource with up to
 * four disks.
 *
 * Round trips checked where the string form can represent the value
 * ("representable": at least one disk, names without ':' or '\', paths
 * without '\', not empty, whose escaped form fits the 1024-byte export
 * buffer):
 *   str_to_res -> res_to_str -> str_to_res gives the same resource, and
 *   res_to_str is then a fixed point; state_to_args -> args_to_state ->
 *   state_to_args gives the same list; path_import(path_export(p)) == p.
 * Always checked: results are documented codes, outputs NUL-terminated
 * within their buffers, untouched fields stay untouched, truncated
 * exports are prefixes of the full one that never split an escape.
 *
 * Single-threaded; no state between inputs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_util.h"
#include "sanlock.h"
#include "sanlock_resource.h"

#define FZ_STR_MAX   16384
#define FZ_EXPORT_BIG (4 * SANLK_PATH_LEN)

static char fz_str[FZ_STR_MAX + 1];

/* ---- representable values ---- */

static int fz_name_ok(const char name[SANLK_NAME_LEN])
{
	size_t n = strnlen(name, SANLK_NAME_LEN);

	return !memchr(name, ':', n) && !memchr(name, '\\', n);
}

static int fz_path_ok(const char *path)
{
	char big[FZ_EXPORT_BIG + 1];

	if (!path[0] || strchr(path, '\\'))
		return 0;
	return sanlock_path_export(big, path, sizeof(big)) <= SANLK_PATH_LEN - 1;
}

static int fz_res_ok(const struct sanlk_resource *res)
{
	uint32_t d;

	/* "<ls>:<name>:<lver>" (0 disks) has 2 colons: not a resource */
	if (res->num_disks < 1)
		return 0;
	if (!fz_name_ok(res->lockspace_name) || !fz_name_ok(res->name))
		return 0;
	for (d = 0; d < res->num_disks; d++)
		if (!memchr(res->disks[d].path, 0, SANLK_PATH_LEN) ||
		    !fz_path_ok(res->disks[d].path))
			return 0;
	return 1;
}

static void fz_res_same(const struct sanlk_resource *a,
			const struct sanlk_resource *b, const char *what)
{
	uint32_t d;

	FZ_CHECK(strncmp(a->lockspace_name, b->lockspace_name, SANLK_NAME_LEN) == 0,
		 "%s: lockspace name", what);
	FZ_CHECK(strncmp(a->name, b->name, SANLK_NAME_LEN) == 0, "%s: name", what);
	FZ_CHECK(a->num_disks == b->num_disks, "%s: num_disks %u vs %u", what,
		 a->num_disks, b->num_disks);
	for (d = 0; d < a->num_disks; d++) {
		FZ_CHECK(strcmp(a->disks[d].path, b->disks[d].path) == 0,
			 "%s: path %u '%s' vs '%s'", what, d, a->disks[d].path,
			 b->disks[d].path);
		FZ_CHECK(a->disks[d].offset == b->disks[d].offset,
			 "%s: offset %u", what, d);
	}
	FZ_CHECK((a->flags & SANLK_RES_SHARED) == (b->flags & SANLK_RES_SHARED),
		 "%s: shared", what);
	if (!(a->flags & SANLK_RES_SHARED))
		FZ_CHECK(a->lver == b->lver, "%s: lver", what);
}

/* A parsed resource is well formed. */
static void fz_res_valid(const struct sanlk_resource *res)
{
	uint32_t d;

	FZ_CHECK(res->num_disks <= SANLK_MAX_DISKS, "num_disks %u", res->num_disks);
	for (d = 0; d < res->num_disks; d++) {
		size_t n = strnlen(res->disks[d].path, SANLK_PATH_LEN);

		FZ_CHECK(n >= 1 && n < SANLK_PATH_LEN, "path %u length %zu", d, n);
	}
	FZ_CHECK((res->flags & ~(SANLK_RES_SHARED | SANLK_RES_LVER)) == 0,
		 "flags %x", res->flags);
}

/* ---- resource strings ---- */

static int fz_parse_rv_ok(int rv)
{
	return rv == 0 || rv == -1 || rv == -2 || rv == -ENXIO || rv == -ENOMEM;
}

static void fz_res_roundtrip(const struct sanlk_resource *res)
{
	struct sanlk_resource *res2 = NULL;
	char *s = NULL, *s2 = NULL;
	int rv;

	rv = sanlock_res_to_str((struct sanlk_resource *)res, &s);
	FZ_CHECK(rv == 0, "res_to_str of <= 4 disks: %d", rv);
	FZ_CHECK(strlen(s) <= SANLK_MAX_RES_STR, "res string too long");
	if (fz_res_ok(res)) {
		rv = sanlock_str_to_res(s, &res2);
		FZ_CHECK(rv == 0, "str_to_res(res_to_str(r)) = %d for '%s'", rv, s);
		fz_res_same(res, res2, "res round trip");
		rv = sanlock_res_to_str(res2, &s2);
		FZ_CHECK(rv == 0 && strcmp(s, s2) == 0,
			 "res_to_str not a fixed point: '%s' vs '%s'", s, s2);
		free(s2);
		free(res2);
	}
	free(s);
}

static void fz_str_to_res(const char *in)
{
	struct sanlk_resource *res = NULL;
	char *copy = strdup(in);
	int rv;

	FZ_CHECK(copy, "strdup");
	rv = sanlock_str_to_res(copy, &res);
	FZ_CHECK(fz_parse_rv_ok(rv), "str_to_res %d", rv);
	FZ_CHECK(strcmp(copy, in) == 0, "str_to_res modified its input");
	free(copy);
	if (rv < 0)
		return;
	fz_res_valid(res);
	fz_res_roundtrip(res);
	free(res);
}

/* Raw struct bytes (up to 4 disks) through res_to_str. */
static void fz_res_to_str(const uint8_t *p, size_t n)
{
	size_t size = sizeof(struct sanlk_resource) +
		      SANLK_MAX_DISKS * sizeof(struct sanlk_disk);
	struct sanlk_resource *res = calloc(1, size);

	FZ_CHECK(res, "calloc");
	memcpy(res, p, n < size ? n : size);
	res->num_disks %= SANLK_MAX_DISKS + 1;
	fz_res_roundtrip(res);
	free(res);
}

/* ---- state strings ---- */

static void fz_free_args(struct sanlk_resource **args, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(args[i]);
	free(args);
}

static void fz_state(const char *in)
{
	struct sanlk_resource **args = NULL, **args2 = NULL;
	char *copy = strdup(in), *state = NULL;
	int count = -1, count2 = -1, rv, i, ok = 1;

	FZ_CHECK(copy, "strdup");
	rv = sanlock_state_to_args(copy, &count, &args);
	FZ_CHECK(fz_parse_rv_ok(rv), "state_to_args %d", rv);
	FZ_CHECK(strcmp(copy, in) == 0, "state_to_args modified its input");
	free(copy);
	if (rv < 0)
		return;
	FZ_CHECK(count >= 1 && args, "state_to_args count %d", count);
	for (i = 0; i < count; i++) {
		FZ_CHECK(args[i], "state_to_args arg %d NULL", i);
		fz_res_valid(args[i]);
		ok = ok && fz_res_ok(args[i]);
	}
	rv = sanlock_args_to_state(count, args, &state);
	FZ_CHECK(rv == 0, "args_to_state %d", rv);
	if (ok) {
		rv = sanlock_state_to_args(state, &count2, &args2);
		FZ_CHECK(rv == 0, "state round trip parse %d: '%s'", rv, state);
		FZ_CHECK(count2 == count, "state round trip: %d vs %d items",
			 count2, count);
		for (i = 0; i < count; i++)
			fz_res_same(args[i], args2[i], "state round trip");
		fz_free_args(args2, count2);
	}
	free(state);
	fz_free_args(args, count);
}

/* ---- lockspace strings ---- */

static void fz_lockspace(const char *in)
{
	struct sanlk_lockspace ls, before;
	char *copy = strdup(in);
	size_t n;
	int rv, colons = 0;
	const char *q;

	FZ_CHECK(copy, "strdup");
	memset(&ls, 0xAB, sizeof(ls));
	before = ls;
	rv = sanlock_str_to_lockspace(copy, &ls);
	FZ_CHECK(rv == 0, "str_to_lockspace %d", rv);
	free(copy);
	n = strnlen(ls.name, SANLK_NAME_LEN);
	for (size_t i = n; i < SANLK_NAME_LEN; i++)
		FZ_CHECK(ls.name[i] == 0, "name not zero-filled");
	for (q = in; *q; q++) {            /* unescaped colons */
		if (*q == '\\' && q[1]) {
			q++;
			continue;
		}
		if (*q == ':')
			colons++;
	}
	if (colons < 1)
		FZ_CHECK(ls.host_id == before.host_id, "host_id set without field");
	if (colons < 2)
		FZ_CHECK(memcmp(ls.host_id_disk.path, before.host_id_disk.path,
				SANLK_PATH_LEN) == 0, "path set without field");
	if (colons < 3)
		FZ_CHECK(ls.host_id_disk.offset == before.host_id_disk.offset,
			 "offset set without field");
	FZ_CHECK(ls.flags == before.flags,
		 "fields outside the string changed");
	FZ_CHECK(sanlock_str_to_lockspace(NULL, &ls) == -EINVAL, "NULL string");
}

/* ---- paths ---- */

static void fz_paths(const char *src, size_t dstlen)
{
	static char full[2 * FZ_STR_MAX + 2], dst[2 * FZ_STR_MAX + 2];
	static char back[FZ_STR_MAX + 2];
	size_t flen, n, i, j;

	flen = sanlock_path_export(full, src, sizeof(full));
	FZ_CHECK(flen == strlen(full) && flen < sizeof(full), "export length");

	/* a bounded export is a prefix of the full one, cut between escapes */
	memset(dst, 0x55, sizeof(dst));
	n = sanlock_path_export(dst, src, dstlen);
	if (dstlen == 0) {
		FZ_CHECK(n == 0 && dst[0] == 0x55, "export into 0 bytes");
	} else {
		FZ_CHECK(n < dstlen && dst[n] == 0 && n == strlen(dst),
			 "bounded export %zu in %zu", n, dstlen);
		FZ_CHECK(dst[dstlen - 1] == 0, "last byte not NUL");
		FZ_CHECK(dst[dstlen] == 0x55, "export wrote past dstlen");
		FZ_CHECK(strncmp(dst, full, n) == 0, "bounded export not a prefix");
		for (i = 0; i < n; i++) {          /* no escape split */
			if (dst[i] == '\\')
				i++;
		}
		FZ_CHECK(i == n || (i == n + 1 && dst[n - 1] == '\\' &&
				    full[n] == 0),
			 "bounded export split an escape");
	}

	/* import drops every backslash; round trip when src has none */
	memset(back, 0x55, sizeof(back));
	n = sanlock_path_import(back, full, sizeof(back));
	if (!strchr(src, '\\'))
		FZ_CHECK(n == strlen(src) && strcmp(back, src) == 0,
			 "import(export(p)) != p");
	memset(back, 0x55, sizeof(back));
	n = sanlock_path_import(back, src, dstlen < sizeof(back) ? dstlen : sizeof(back));
	for (i = 0, j = 0; src[i]; i++)
		if (src[i] != '\\')
			j++;
	if (n)
		FZ_CHECK(n == j && back[n] == 0 && strlen(back) == n,
			 "import %zu, expected %zu", n, j);
	else
		FZ_CHECK(j == 0 || j >= dstlen, "import gave 0 for %zu chars", j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in;
	size_t dstlen, len;
	const uint8_t *rest;
	uint8_t mode;

	fz_in_init(&in, data, size);
	dstlen = fz_u16(&in) % 1100;
	mode = fz_u8(&in);
	rest = fz_bytes(&in, FZ_STR_MAX, &len);
	memcpy(fz_str, rest, len);
	fz_str[len] = '\0';

	if (mode & 0x80) {
		fz_res_to_str(rest, len);
		return 0;
	}
	fz_str_to_res(fz_str);
	fz_state(fz_str);
	fz_lockspace(fz_str);
	fz_paths(fz_str, dstlen);
	return 0;
}
