/*
 * lib/str_state.c - sanlock_args_to_state() / sanlock_state_to_args(): a
 * list of resources as one string, the resource strings of
 * lib/str_res.c joined by single spaces (the inquire "state" format,
 * spec/api.md 4.8).  Results are malloc'ed; the caller frees them.
 *
 * Owns no state; pure functions, thread-safe.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sanlock.h"
#include "sanlock_resource.h"
#include "lib/lib.h"
#include "lib/str_res.h"

/* state_to_args: an item longer than this cannot be a resource string
 * (3.8.5 overflows its stack buffer here; we fail with -1). */
#define STR_STATE_ITEM_MAX	SANLK_MAX_RES_STR

/* A space inside an item is unescaped while fewer than this many colons
 * have been seen: it can only belong to a name or the first path. */
#define STR_STATE_SEP_COLONS	3

#define STR_STATE_PARSE_ERROR	(-1)

SANLK_EXPORT int sanlock_args_to_state(int res_count,
				       struct sanlk_resource *res_args[],
				       char **res_state)
{
	size_t len = 0, size;
	char *state;
	int i;

	/* 3.8.5: malloc(negative * 4401) fails */
	if (res_count < 0)
		return -ENOMEM;

	/* res_count 0: an empty string (3.8.5 returns malloc(0)) */
	size = res_count ? (size_t)res_count * STR_RES_BUF_SIZE : 1;
	state = calloc(1, size);
	if (!state)
		return -ENOMEM;

	for (i = 0; i < res_count; i++) {
		char *str = NULL;
		size_t slen;
		int rv;

		rv = sanlock_res_to_str(res_args[i], &str);
		if (rv < 0) {
			free(state);
			return rv;
		}
		slen = strlen(str);
		/* 3.8.5 silently keeps 4399 characters of a 4400-character
		 * string (possible only with more than 4 disks); refuse. */
		if (slen > SANLK_MAX_RES_STR - 1) {
			free(str);
			free(state);
			return -EINVAL;
		}
		if (i > 0)
			state[len++] = ' ';
		memcpy(state + len, str, slen);
		len += slen;
		free(str);
		assert(len < (size_t)(i + 1) * STR_RES_BUF_SIZE);
	}

	state[len] = '\0';
	*res_state = state;
	return 0;
}

/* 1 + the number of spaces not escaped by a backslash (a backslash makes
 * the next character literal). */
static int str_state_count(const char *state)
{
	size_t i;
	int count = 1;

	for (i = 0; state[i] != '\0'; i++) {
		if (state[i] == '\\') {
			if (state[i + 1] == '\0')
				break;
			i++;
		} else if (state[i] == ' ') {
			count++;
		}
	}
	return count;
}

static void str_state_free(struct sanlk_resource **args, int count)
{
	int i;

	for (i = 0; i < count; i++)
		free(args[i]);
	free(args);
}

SANLK_EXPORT int sanlock_state_to_args(char *res_state, int *res_count,
				       struct sanlk_resource ***res_args)
{
	char item[STR_STATE_ITEM_MAX + 1];
	struct sanlk_resource **args;
	size_t i, len = 0, colons = 0;
	int count, parsed = 0, rv;

	count = str_state_count(res_state);
	*res_count = count;

	args = calloc((size_t)count, sizeof(*args));
	if (!args)
		return -ENOMEM;

	/*
	 * One pass over the string (ends at its NUL).  As in 3.8.5, a
	 * character that follows a backslash in the input is copied as is
	 * (it neither counts as a colon nor ends an item), even when that
	 * backslash was itself escaped.
	 */
	for (i = 0;; i++) {
		char c = res_state[i];
		int escaped = i > 0 && res_state[i - 1] == '\\';
		int end = c == '\0' ||
			  (c == ' ' && !escaped && colons >= STR_STATE_SEP_COLONS);

		if (end) {
			item[len] = '\0';
			/* items end only at counted spaces and the NUL */
			assert(parsed < count);
			rv = sanlock_str_to_res(item, &args[parsed]);
			if (rv < 0) {
				str_state_free(args, parsed);
				return rv;
			}
			parsed++;
			if (c == '\0')
				break;
			len = 0;
			colons = 0;
			continue;
		}

		if (c == ' ' && !escaped) {
			/* a space in a name or path: keep it, escaped */
			if (len + 2 > STR_STATE_ITEM_MAX)
				goto too_long;
			item[len++] = '\\';
			item[len++] = ' ';
			continue;
		}

		if (c == ':' && !escaped)
			colons++;
		if (len + 1 > STR_STATE_ITEM_MAX)
			goto too_long;
		item[len++] = c;
	}

	*res_count = parsed;
	*res_args = args;
	return 0;

too_long:
	str_state_free(args, parsed);
	return STR_STATE_PARSE_ERROR;
}
