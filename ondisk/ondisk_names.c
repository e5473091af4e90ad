/*
 * ondisk_names.c - fixed 48-byte name fields (spec/ondisk.md section 1
 * item 4): set with zero fill (a 48-character name has no NUL), compare
 * with strncmp(a, b, 48) semantics, convert to a NUL-terminated string.
 *
 * Pure and stateless; safe from any thread.
 */
#include <assert.h>
#include <string.h>

#include "ondisk/ondisk.h"

void ondisk_name_set(char dst[ONDISK_NAME_LEN], const char *src)
{
	size_t len;

	assert(dst && src);
	len = strnlen(src, ONDISK_NAME_LEN);
	memcpy(dst, src, len);
	memset(dst + len, 0, ONDISK_NAME_LEN - len);
}

int ondisk_name_eq(const char *a, const char *b)
{
	assert(a && b);
	return strncmp(a, b, ONDISK_NAME_LEN) == 0;
}

void ondisk_name_str(char dst[ONDISK_NAME_LEN + 1], const char src[ONDISK_NAME_LEN])
{
	size_t len;

	assert(dst && src);
	len = strnlen(src, ONDISK_NAME_LEN);
	memset(dst, 0, ONDISK_NAME_LEN + 1);
	memcpy(dst, src, len);
}
