/*
 * log.c - wdmd's log sinks (see log.h).  Owns two flags set once at
 * start-up (single-threaded); read-only afterwards.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "wdmd/bounds.h"
#include "wdmd/log.h"

static int log_stderr;
static int log_syslog;

void wdmd_log_init(int to_stderr, int to_syslog)
{
	log_stderr = to_stderr ? 1 : 0;
	log_syslog = to_syslog ? 1 : 0;
	if (log_syslog)
		openlog("wdmd", LOG_CONS | LOG_PID, LOG_DAEMON);
}

static void log_emit(int to_syslog, const char *fmt, va_list ap)
{
	char text[WDMD_LOG_LINE_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (to_syslog && log_syslog)
		syslog(LOG_ERR, "%s", text);
	if (log_stderr)
		fprintf(stderr, "%lld %s\n", (long long)time(NULL), text);
}

void wdmd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(1, fmt, ap);
	va_end(ap);
}

void wdmd_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(0, fmt, ap);
	va_end(ap);
}
