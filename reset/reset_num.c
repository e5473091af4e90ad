/*
 * reset_num.c - strict parsing of option values and lockspace names, and
 * the monotonic clock (see reset_common.h).  No state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reset_common.h"

int reset_parse_u64(const char *s, int base, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int reset_parse_bool(const char *s, int *out)
{
	if (s && !strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	if (s && !strcmp(s, "1")) {
		*out = 1;
		return 0;
	}
	return -EINVAL;
}

int reset_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n >= 1 && n <= RESET_NAME_MAX;
}

uint64_t reset_monotime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}
