/*
 * log.h - log lines in sanlock's common format
 *   "YYYY-MM-DD HH:MM:SS <monotonic-seconds> [<tid>]: <text>"
 * (spec/cli.md §2.7).  Where lines go is set by the program: the CLI sends
 * debug lines to stderr with -D; the daemon adds its log file, syslog and
 * the in-memory buffer read by `client log_dump`.
 *
 * Sinks are configured once at start-up (single-threaded); log_msg is safe
 * from any thread afterwards (one mutex inside log.c).
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_LINE_MAX 512

/* Optional sink for a whole formatted line (daemon: log file, buffer). */
typedef void (*log_sink_fn)(int level, const char *line, size_t len);

/* Levels are syslog priorities (LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG). */
void log_set_stderr(int enable);          /* copy every line to stderr */
/* Timestamps in UTC instead of local time (logfile_use_utc=1, cli.md
 * §2.7/§2.12).  3.8.5 applies it to every line it formats - log file,
 * stderr with -D and the log_dump buffer (observed) - and
 * so does log_format_line. */
void log_set_utc(int enable);
void log_set_sink(log_sink_fn fn);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/*
 * Failure reasons: code that fails because of bad input records one line
 * naming the problem (thread-local, the last one wins) and logs it at debug
 * level.  The CLI prints it on stderr when a command fails (cli_done()), so
 * stdout stays exactly as 3.8.5 prints it while the user still learns why.
 */
void log_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *log_last_reason(void);        /* "" when none was recorded */
void log_clear_reason(void);

/* Format the common prefix + text into buf; returns the length. */
int log_format_line(char *buf, size_t size, const char *text);

#endif /* COMMON_LOG_H */
