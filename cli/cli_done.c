/*
 * cli_done.c - the closing line of a command: `<label> done <rv>` on stdout
 * exactly as 3.8.5 prints it, and, when the command failed (rv < 0), one
 * line on stderr naming the problem: the reason recorded with log_reason()
 * by the code that refused, else the meaning of the code.  3.8.5 prints
 * nothing on stderr there; this is our addition (README compatibility).
 * Single-threaded CLI code; no state.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"
#include "sanlock.h"

const char *cli_rv_text(int rv)
{
	const char *s = sanlock_strerror(rv);

	if (rv <= -200 && strcmp(s, "Unknown error") != 0)
		return s;
	if (rv == -1)
		return "failed";	/* sanlock's generic -1, not EPERM */
	if (rv < 0 && rv > -200)
		return strerror(-rv);
	return "error";
}

int cli_done(const char *label, int rv)
{
	printf("%s done %d\n", label, rv);
	if (rv < 0) {
		const char *why = log_last_reason();

		fflush(stdout);
		fprintf(stderr, "sanlock %s: %s (%d)\n", label,
			why[0] ? why : cli_rv_text(rv), rv);
		log_clear_reason();
	}
	return rv == 0 ? 0 : 1;
}
