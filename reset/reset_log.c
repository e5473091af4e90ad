/*
 * reset_log.c - sanlk-reset's log sinks (see reset_log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "reset_log.h"

static int reset_log_debug_on;

void reset_log_init(int debug)
{
	reset_log_debug_on = debug;
	openlog("sanlk-reset", LOG_PID, LOG_USER);
}

static void emit(int error, const char *fmt, va_list ap)
{
	char text[512];

	vsnprintf(text, sizeof(text), fmt, ap);
	fprintf(stderr, "%lld %s\n", (long long)time(NULL), text);
	fflush(stderr);
	if (error)
		syslog(LOG_ERR, "%s", text);
}

void reset_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(0, fmt, ap);
	va_end(ap);
}

void reset_log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
}

void reset_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!reset_log_debug_on)
		return;
	va_start(ap, fmt);
	emit(0, fmt, ap);
	va_end(ap);
}

static void say_fn(void *arg, int error, const char *text)
{
	(void)arg;
	if (error)
		reset_log_error("%s", text);
	else
		reset_log("%s", text);
}

const struct reset_say reset_log_say = { say_fn, NULL };
