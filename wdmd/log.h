/*
 * log.h - wdmd's logging (spec/cli.md §4.3): every message is an
 * error-level syslog message (ident "wdmd", facility daemon); with -D it
 * is also printed to stderr as "<seconds since epoch> <message>", and
 * debug-only messages go to stderr alone.
 *
 * Configured once by wdmd_log_init() before any thread starts; the
 * functions are safe from any thread afterwards (syslog and one stdio
 * write per line).  Until configured, nothing is printed (unit tests).
 */
#ifndef WDMD_LOG_H
#define WDMD_LOG_H

void wdmd_log_init(int to_stderr, int to_syslog);
void wdmd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void wdmd_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* WDMD_LOG_H */
