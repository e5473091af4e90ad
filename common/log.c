/*
 * log.c - log lines in sanlock's common format (see log.h, spec/cli.md
 * §2.7): "YYYY-MM-DD HH:MM:SS <monotonic seconds> [<tid>]: <text>".
 *
 * Owns the sink configuration (stderr copy on/off, one optional sink
 * function), the time zone of the timestamps (local, or UTC with
 * logfile_use_utc=1) and the per-thread last failure reason (log_reason).
 * The configuration is set at start-up before threads exist; log_msg takes
 * log_mutex around formatting and delivery so that lines from different
 * threads never interleave and a sink sees one line at a time.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/monotime.h"

static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread char log_reason_buf[LOG_LINE_MAX];
static int log_to_stderr;
static int log_use_utc;
static log_sink_fn log_sink;

void log_set_stderr(int enable)
{
	log_to_stderr = enable ? 1 : 0;
}

void log_set_utc(int enable)
{
	log_use_utc = enable ? 1 : 0;
}

void log_set_sink(log_sink_fn fn)
{
	log_sink = fn;
}

/* The prefix plus text, never longer than size-1; returns the length. */
int log_format_line(char *buf, size_t size, const char *text)
{
	struct tm tm;
	time_t now;
	int n, m;

	if (!buf || size == 0)
		return 0;
	now = time(NULL);
	if (log_use_utc)
		gmtime_r(&now, &tm);
	else
		localtime_r(&now, &tm);
	n = snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d %llu [%ld]: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		     tm.tm_hour, tm.tm_min, tm.tm_sec,
		     (unsigned long long)monotime(), (long)syscall(SYS_gettid));
	if (n < 0)
		n = 0;
	if ((size_t)n >= size)
		return (int)size - 1;
	m = snprintf(buf + n, size - (size_t)n, "%s", text ? text : "");
	if (m < 0)
		m = 0;
	if ((size_t)(n + m) >= size)
		return (int)size - 1;
	return n + m;
}

/*
 * Format one message and deliver it: to stderr when enabled, and to the
 * sink.  The line handed out is NUL-terminated and ends with '\n'; len
 * counts the '\n'.  Text longer than the line is cut (LOG_LINE_MAX).
 */
void log_msg(int level, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	char line[LOG_LINE_MAX + 64];
	va_list ap;
	int len;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&log_mutex);
	if (!log_to_stderr && !log_sink) {
		pthread_mutex_unlock(&log_mutex);
		return;
	}
	len = log_format_line(line, sizeof(line) - 1, text);
	line[len++] = '\n';
	line[len] = '\0';
	if (log_to_stderr) {
		fputs(line, stderr);
		fflush(stderr);
	}
	if (log_sink)
		log_sink(level, line, (size_t)len);
	pthread_mutex_unlock(&log_mutex);
}

void log_reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_reason_buf, sizeof(log_reason_buf), fmt, ap);
	va_end(ap);
	log_msg(LOG_DEBUG, "%s", log_reason_buf);
}

const char *log_last_reason(void)
{
	return log_reason_buf;
}

void log_clear_reason(void)
{
	log_reason_buf[0] = '\0';
}
