/*
 * lib/str_path.c - sanlock_path_export() / sanlock_path_import(): the
 * escaped form of a disk path used inside resource and lockspace strings,
 * where ' ' and ':' are written as "\ " and "\:" (spec/api.md 4.8).
 *
 * Owns no state; pure functions, thread-safe.
 */
#include <assert.h>
#include <string.h>

#include "sanlock.h"
#include "lib/lib.h"

/*
 * Escape ' ' and ':' with a backslash; an existing backslash escape is kept
 * as is (backslash + the next character).  dst is cleared first and always
 * ends NUL-terminated with dst[dstlen-1] untouched; truncation is silent and
 * never splits an escape pair.  Returns strlen(dst).
 *
 * 3.8.5 underflows for dstlen < 3; here the same room tests are written as
 * additions, which gives the 3.8.5 results for dstlen >= 3 and safe ones
 * below (dstlen 2 keeps one plain character, 1 and 0 keep nothing).
 */
SANLK_EXPORT size_t sanlock_path_export(char *dst, const char *src,
					size_t dstlen)
{
	size_t i, j = 0;

	if (dstlen == 0)
		return 0;
	memset(dst, 0, dstlen);

	/* Every pass writes at least one byte and stops before j + 2 > dstlen,
	 * so at most dstlen - 1 passes. */
	for (i = 0; src[i] != '\0'; i++) {
		char c = src[i];

		if (c == '\\') {
			if (j + 3 > dstlen)
				break;
			dst[j++] = '\\';
			i++;
			dst[j++] = src[i];	/* may be the NUL */
			if (src[i] == '\0')
				break;
		} else if (c == ' ' || c == ':') {
			if (j + 3 > dstlen)
				break;
			dst[j++] = '\\';
			dst[j++] = c;
		} else {
			if (j + 2 > dstlen)
				break;
			dst[j++] = c;
		}
		assert(j < dstlen);
	}

	assert(dst[dstlen - 1] == '\0');
	return strlen(dst);
}

/*
 * Copy src to dst dropping every backslash, until the NUL has been copied
 * or dstlen bytes were written.  Returns the length of the copied string if
 * its NUL fit, else 0 (dst then holds dstlen bytes and no NUL).  dst is not
 * cleared first.
 */
SANLK_EXPORT size_t sanlock_path_import(char *dst, const char *src,
					size_t dstlen)
{
	size_t i, j = 0;

	for (i = 0; j < dstlen; i++) {
		if (src[i] == '\\')
			continue;
		dst[j] = src[i];
		if (src[i] == '\0')
			return j;
		j++;
	}
	return 0;
}
