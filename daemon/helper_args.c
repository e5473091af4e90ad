/*
 * helper_args.c - splitting a kill-path argument string into an argv
 * (algorithms.md §10.2).  Pure function; used by the helper process and
 * the unit tests.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/helper.h"

static int helper_is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' ||
	       ch == '\f' || ch == '\r';
}

/* Letters, digits and ASCII punctuation. */
static int helper_is_plain(int ch)
{
	return ch > 0x20 && ch < 0x7f;
}

/* Append s to store; returns the stored copy or NULL when out of room. */
static char *helper_store(char *store, size_t size, size_t *used,
			  const char *s, size_t len)
{
	char *p;

	if (*used + len + 1 > size)
		return NULL;
	p = store + *used;
	memcpy(p, s, len);
	p[len] = '\0';
	*used += len + 1;
	return p;
}

int helper_build_argv(const char *path, const char *args, int append_pid,
		      int pid, char *store, size_t size,
		      char *argv[HELPER_ARGV_MAX + 1])
{
	char cur[SANLK_HELPER_ARGS_LEN + 1];
	size_t used = 0, clen = 0;
	size_t alen = strnlen(args, SANLK_HELPER_ARGS_LEN);
	int argc = 0, stop = 0;

	argv[0] = helper_store(store, size, &used, path,
			       strnlen(path, SANLK_HELPER_PATH_LEN));
	if (!argv[0])
		return 0;
	argc = 1;

	for (size_t i = 0; i < alen && !stop && argc < HELPER_ARGV_MAX; i++) {
		int ch = (unsigned char)args[i];

		if (helper_is_space(ch)) {
			if (clen) {
				argv[argc] = helper_store(store, size, &used,
							  cur, clen);
				if (!argv[argc])
					break;
				argc++;
				clen = 0;
			}
			continue;
		}
		if (ch == '\\') {
			int next = i + 1 < alen ? (unsigned char)args[i + 1] : 0;

			if (next == '\\' || (next && helper_is_space(next))) {
				cur[clen++] = (char)next;
				i++;
				continue;
			}
			stop = 1;       /* other escape or trailing backslash */
			break;
		}
		if (!helper_is_plain(ch)) {
			stop = 1;       /* control character or byte >= 0x80 */
			break;
		}
		cur[clen++] = (char)ch;
	}
	/* The argument collected so far is kept. */
	if (clen && argc < HELPER_ARGV_MAX) {
		argv[argc] = helper_store(store, size, &used, cur, clen);
		if (argv[argc])
			argc++;
	}
	if (append_pid && argc < HELPER_ARGV_MAX) {
		char pidstr[16];
		int n = snprintf(pidstr, sizeof(pidstr), "%d", pid);

		argv[argc] = helper_store(store, size, &used, pidstr, (size_t)n);
		if (argv[argc])
			argc++;
	}
	argv[argc] = NULL;
	return argc;
}
