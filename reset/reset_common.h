/*
 * reset_common.h - what sanlk-resetd and sanlk-reset share (spec/cli.md
 * §5): the event bits, the limits, the update-socket message, where that
 * socket lives, event words for log lines and strict number parsing.
 *
 * Everything under reset/ uses only the public headers (include/:
 * sanlock.h, sanlock_admin.h, wdmd.h) and links against libsanlock_client
 * and libwdmd, as 3.8.5's tools do; the Makefile compiles reset/ without
 * the repository root on the include path so internal headers cannot be
 * used by mistake.  No state here.
 */
#ifndef SANLK_RESET_COMMON_H
#define SANLK_RESET_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Host event values (the `event` of a sanlk_host_event; data is 0). */
#define EVENT_RESET		1	/* sanlk-reset: reset with the watchdog */
#define EVENT_RESETTING		2	/* sanlk-resetd: my watchdog expires now */
#define EVENT_REBOOT		4	/* sanlk-reset: reboot with sysrq */
#define EVENT_REBOOTING		8	/* sanlk-resetd: sysrq reboot scheduled */
#define RESET_REQUEST_BITS	(EVENT_RESET | EVENT_REBOOT)
#define RESET_REPLY_BITS	(EVENT_RESETTING | EVENT_REBOOTING)

#define RESET_MAX_LS		64	/* lockspaces per command / daemon */
#define RESET_NAME_MAX		48	/* SANLK_NAME_LEN */
#define RESET_HOST_ID_MAX	2000
#define RESET_UPDATE_SIZE	256	/* one update datagram */
#define RESET_CMD_MAX		16	/* "reg", "end", "clear" + room */

/* The update socket: <run dir>/sanlk-resetd.sock.  The run dir is
 * $SANLK_RESETD_RUN_DIR (this project's, for tests and unprivileged
 * runs), else /run/sanlk-resetd. */
#define RESET_RUN_DIR_ENV	"SANLK_RESETD_RUN_DIR"
#define RESET_RUN_DIR_DEFAULT	"/run/sanlk-resetd"
#define RESET_SOCK_NAME		"sanlk-resetd.sock"

const char *reset_run_dir(void);

/* <run dir>/sanlk-resetd.sock into buf.  0, or -ENAMETOOLONG when it does
 * not fit buf (or a sockaddr_un). */
int reset_sock_path(char *buf, size_t size);

/* The words of the set bits, each followed by a space, in bit order:
 * "reset ", "resetting ", "reboot ", "rebooting " ("" when none), as in
 * "request to reset (1 0) ..." and "asked host to reset reboot in ...". */
void reset_event_words(uint64_t bits, char *buf, size_t size);

/*
 * Update message: "<cmd> <name>" NUL-padded to RESET_UPDATE_SIZE bytes.
 * format: -EINVAL for an empty cmd or name, -ENAMETOOLONG when it does not
 * fit (with its NUL).  parse: the message must be exactly
 * RESET_UPDATE_SIZE bytes and NUL-terminated within them; cmd is the text
 * before the first space, name all of the rest (it may be empty).  0 or
 * -EINVAL (wrong size, no NUL, no space, or a part too long for its
 * buffer).
 */
int reset_update_format(char *msg, const char *cmd, const char *name);
int reset_update_parse(const char *msg, size_t len, char *cmd, size_t cmdsize,
		       char *name, size_t namesize);

/* Strict numbers: the whole string, decimal (base 10) or C-style
 * (base 0: 0x.., 0..), within [min, max].  0 or -EINVAL. */
int reset_parse_u64(const char *s, int base, uint64_t min, uint64_t max,
		    uint64_t *out);
/* "0" or "1" only.  0 or -EINVAL. */
int reset_parse_bool(const char *s, int *out);

/* A usable lockspace name: 1..RESET_NAME_MAX bytes. */
int reset_name_ok(const char *name);

/* CLOCK_MONOTONIC in whole seconds (the clock of wdmd and sanlock). */
uint64_t reset_monotime(void);

#endif /* SANLK_RESET_COMMON_H */
