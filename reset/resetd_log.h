/*
 * resetd_log.h - sanlk-resetd's log (spec/cli.md §5.1): syslog, ident
 * "sanlk-resetd", facility daemon, for notices and errors; with -D every
 * line (debug lines too) is also printed on stderr as "<seconds since the
 * epoch> <message>".  With -f alone, errors are also printed on stderr
 * (ours: a foreground start-up failure names its cause there).  State:
 * three flags set once by resetd_log_init before any other call (the
 * daemon is single-threaded).
 */
#ifndef SANLK_RESETD_LOG_H
#define SANLK_RESETD_LOG_H

void resetd_log_init(int all_to_stderr, int errors_to_stderr, int to_syslog);

__attribute__((format(printf, 1, 2)))
void resetd_notice(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void resetd_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
void resetd_debug(const char *fmt, ...);

#endif /* SANLK_RESETD_LOG_H */
