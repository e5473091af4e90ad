/*
 * lib/str_res.c - sanlock_res_to_str() / sanlock_str_to_res(): the string
 * form of one resource,
 *     <lockspace>:<name>{:<path>:<offset>}*num_disks[:<lver>|:SH]
 * with paths escaped by sanlock_path_export (spec/api.md 4.8).  Results
 * are malloc'ed; the caller frees them (api.md 3.10).
 *
 * Owns no state; pure functions, thread-safe.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock.h"
#include "sanlock_resource.h"
#include "lib/lib.h"
#include "lib/str_res.h"

/* An exported path takes at most this many characters (buffer 1025). */
#define STR_RES_EXPORT_BUF	(SANLK_PATH_LEN + 1)

/* Longest field str_to_res accepts before the per-field checks. */
#define STR_RES_FIELD_MAX	1024

/* 3.8.5 returns this literal value when a string names more than
 * SANLK_MAX_DISKS disks. */
#define STR_RES_TOO_MANY_DISKS	(-2)

/* Parse failures of str_to_res are reported as a plain -1 (as 3.8.5). */
#define STR_RES_PARSE_ERROR	(-1)

/*
 * Append printf output at *len in buf (size STR_RES_BUF_SIZE).
 * Returns 0, or -EINVAL when the text no longer fits in SANLK_MAX_RES_STR
 * characters.
 */
static int str_res_append(char *buf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int str_res_append(char *buf, size_t *len, const char *fmt, ...)
{
	size_t room = STR_RES_BUF_SIZE - *len;
	va_list ap;
	int n;

	assert(*len <= SANLK_MAX_RES_STR);
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -EINVAL;
	*len += (size_t)n;
	return 0;
}

SANLK_EXPORT int sanlock_res_to_str(struct sanlk_resource *res, char **str_ret)
{
	char path[SANLK_PATH_LEN + 1];
	char exported[STR_RES_EXPORT_BUF];
	size_t len = 0;
	uint32_t d;
	char *buf;
	int rv;

	if (!res)
		return -EINVAL;

	buf = calloc(1, STR_RES_BUF_SIZE);
	if (!buf)
		return -ENOMEM;

	/* Names may fill all 48 bytes without a NUL; print at most 48 (3.8.5
	 * would run on into the next field). */
	rv = str_res_append(buf, &len, "%.*s:%.*s",
			    SANLK_NAME_LEN, res->lockspace_name,
			    SANLK_NAME_LEN, res->name);

	/* num_disks is not bounded here (3.8.5 prints what it is given); each
	 * disk adds at least 4 characters, so the length check ends the loop
	 * after at most SANLK_MAX_RES_STR / 4 passes. */
	for (d = 0; rv == 0 && d < res->num_disks; d++) {
		size_t plen = strnlen(res->disks[d].path, SANLK_PATH_LEN);

		memcpy(path, res->disks[d].path, plen);
		path[plen] = '\0';
		sanlock_path_export(exported, path, sizeof(exported));
		rv = str_res_append(buf, &len, ":%s:%llu", exported,
				    (unsigned long long)res->disks[d].offset);
	}

	if (rv == 0) {
		if (res->flags & SANLK_RES_SHARED)
			rv = str_res_append(buf, &len, ":SH");
		else
			rv = str_res_append(buf, &len, ":%llu",
					    (unsigned long long)res->lver);
	}

	if (rv < 0) {
		free(buf);
		return rv;
	}
	assert(strlen(buf) == len && len <= SANLK_MAX_RES_STR);
	*str_ret = buf;
	return 0;
}

/* Number of colons in str, a backslash making the next character literal. */
static size_t str_res_count_colons(const char *str)
{
	size_t i, colons = 0;

	for (i = 0; str[i] != '\0'; i++) {
		if (str[i] == '\\') {
			if (str[i + 1] == '\0')
				break;
			i++;
		} else if (str[i] == ':') {
			colons++;
		}
	}
	return colons;
}

/*
 * Copy the field starting at *pos into field (escapes removed), leaving
 * *pos on the ':' or NUL that ends it.  Returns the field length, or -1 for
 * a trailing lone backslash or a field longer than STR_RES_FIELD_MAX.
 */
static int str_res_next_field(const char *str, size_t *pos,
			      char field[STR_RES_FIELD_MAX + 1])
{
	size_t i = *pos, len = 0;

	for (; str[i] != '\0' && str[i] != ':'; i++) {
		char c = str[i];

		if (c == '\\') {
			if (str[i + 1] == '\0')
				return -1;
			c = str[++i];
		}
		if (len >= STR_RES_FIELD_MAX)
			return -1;
		field[len++] = c;
	}
	field[len] = '\0';
	*pos = i;
	return (int)len;
}

/* Offset field: like sscanf("%llu"): leading space and a sign are
 * accepted, at least one digit is needed, trailing junk is ignored. */
static int str_res_parse_offset(const char *field, uint64_t *offset)
{
	unsigned long long val;
	char *end;

	val = strtoull(field, &end, 10);
	if (end == field)
		return -1;
	*offset = val;
	return 0;
}

/* Store field k of a resource string with num_disks disks into res. */
static int str_res_store_field(struct sanlk_resource *res, size_t k,
			       int is_last_lver, const char *field, int flen,
			       uint32_t *disk)
{
	if (k < 2) {
		if (flen > SANLK_NAME_LEN)
			return -1;
		/* exactly 48 bytes is allowed and stays unterminated; the
		 * rest of the (zeroed) name stays zero */
		memcpy(k == 0 ? res->lockspace_name : res->name, field,
		       (size_t)flen);
		return 0;
	}

	if (flen < 1 || flen > SANLK_PATH_LEN - 1)
		return -1;

	if (k % 2 == 0) {
		if (is_last_lver) {
			if (strncmp(field, "SH", 2) == 0) {
				res->flags |= SANLK_RES_SHARED;
			} else {
				res->flags |= SANLK_RES_LVER;
				res->lver = strtoull(field, NULL, 0);
			}
			return 0;
		}
		assert(*disk < res->num_disks);
		memcpy(res->disks[*disk].path, field, (size_t)flen + 1);
		return 0;
	}

	assert(*disk < res->num_disks);
	if (str_res_parse_offset(field, &res->disks[*disk].offset) < 0)
		return -1;
	(*disk)++;
	return 0;
}

SANLK_EXPORT int sanlock_str_to_res(char *str, struct sanlk_resource **res_ret)
{
	char field[STR_RES_FIELD_MAX + 1];
	struct sanlk_resource *res;
	size_t colons, num_disks, has_last, k, pos = 0;
	uint32_t disk = 0;

	if (strlen(str) < 3)
		return -ENXIO;

	colons = str_res_count_colons(str);
	if (colons == 0 || colons == 2)
		return STR_RES_PARSE_ERROR;

	num_disks = (colons - 1) / 2;
	has_last = (colons - 1) % 2;
	if (num_disks > SANLK_MAX_DISKS)
		return STR_RES_TOO_MANY_DISKS;

	res = calloc(1, sizeof(*res) + num_disks * sizeof(struct sanlk_disk));
	if (!res)
		return -ENOMEM;
	res->num_disks = (uint32_t)num_disks;

	/* fields 0..colons; colons <= 2 * SANLK_MAX_DISKS + 2 */
	for (k = 0; k <= colons; k++) {
		int flen = str_res_next_field(str, &pos, field);

		if (flen < 0 ||
		    str_res_store_field(res, k, has_last && k == colons,
					field, flen, &disk) < 0) {
			free(res);
			return STR_RES_PARSE_ERROR;
		}
		assert(str[pos] == (k == colons ? '\0' : ':'));
		if (str[pos] == ':')
			pos++;
	}

	assert(disk == res->num_disks);
	*res_ret = res;
	return 0;
}
