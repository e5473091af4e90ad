/*
 * reset_log.h - sanlk-reset's progress lines (spec/cli.md §5.2): every
 * line goes to stderr as "<seconds since the epoch> <message>"; errors and
 * warnings also go to syslog.  State: the debug flag and the syslog ident,
 * set once by reset_log_init before any other call (single-threaded).
 */
#ifndef SANLK_RESET_LOG_H
#define SANLK_RESET_LOG_H

#include "reset_watch.h"

void reset_log_init(int debug);

__attribute__((format(printf, 1, 2)))
void reset_log(const char *fmt, ...);		/* progress */
__attribute__((format(printf, 1, 2)))
void reset_log_error(const char *fmt, ...);	/* + syslog LOG_ERR */
__attribute__((format(printf, 1, 2)))
void reset_log_debug(const char *fmt, ...);	/* only with -D */

/* A struct reset_say that writes through the functions above. */
extern const struct reset_say reset_log_say;

#endif /* SANLK_RESET_LOG_H */
