/*
 * resetd_log.c - sanlk-resetd's log sinks (see resetd_log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "resetd_log.h"

static int resetd_log_stderr;		/* every line */
static int resetd_log_stderr_err;	/* error lines */
static int resetd_log_syslog;

void resetd_log_init(int all_to_stderr, int errors_to_stderr, int to_syslog)
{
	resetd_log_stderr = all_to_stderr;
	resetd_log_stderr_err = errors_to_stderr;
	resetd_log_syslog = to_syslog;
	if (to_syslog)
		openlog("sanlk-resetd", LOG_PID, LOG_DAEMON);
}

static void emit(int prio, const char *fmt, va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof(text), fmt, ap);
	if (resetd_log_syslog && prio != LOG_DEBUG)
		syslog(prio, "%s", text);
	if (resetd_log_stderr ||
	    (resetd_log_stderr_err && prio == LOG_ERR)) {
		fprintf(stderr, "%lld %s\n", (long long)time(NULL), text);
		fflush(stderr);
	}
}

void resetd_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

void resetd_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_ERR, fmt, ap);
	va_end(ap);
}

void resetd_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_DEBUG, fmt, ap);
	va_end(ap);
}
