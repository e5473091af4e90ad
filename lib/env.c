/*
 * lib/env.c - env_get() and env_get_bool(): environment lookups with a
 * default (spec/api.md 4.10).  Exported undeclared by both libraries, as in
 * 3.8.5; also used internally (SANLOCK_RUN_DIR, SANLOCK_PRIVILEGED).
 *
 * Owns no state; as thread-safe as getenv(3).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "lib/env.h"

SANLK_EXPORT const char *env_get(const char *key, const char *defval)
{
	const char *val = getenv(key);

	return val ? val : defval;
}

SANLK_EXPORT int env_get_bool(const char *key, int defval)
{
	const char *val = getenv(key);

	if (!val)
		return defval;
	return strcmp(val, "1") == 0 ? 1 : 0;
}
