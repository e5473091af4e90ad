/*
 * faultfs_rules.h - the fault rule table, the hung-request table and the
 * per-file request counters of faultfs (see README.md).
 *
 * All state lives in faultfs_rules.c behind one mutex (faultfs_rules_lock
 * there); every function here may be called from any thread: FUSE worker
 * threads call faultfs_io_gate/faultfs_io_done around each read/write, the
 * control thread adds/clears rules and formats status, the signal thread
 * calls faultfs_rules_shutdown.
 */
#ifndef FAULTFS_RULES_H
#define FAULTFS_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FAULTFS_MAX_RULES 64     /* rules in the table at once */
#define FAULTFS_MAX_HUNG 32      /* requests blocked by `hang` at once */
#define FAULTFS_MAX_FILES 128    /* files with their own counters */
#define FAULTFS_NAME_MAX 1024    /* bytes in a file name incl. the NUL */
#define FAULTFS_MAX_DELAY_MS (10 * 60 * 1000)

/* Request kinds a rule applies to (bit set). */
#define FAULTFS_OP_READ 1u
#define FAULTFS_OP_WRITE 2u
#define FAULTFS_OP_BOTH (FAULTFS_OP_READ | FAULTFS_OP_WRITE)

enum faultfs_kind {
	FAULTFS_FAIL,   /* reply -err at once */
	FAULTFS_HANG,   /* block until the rule is cleared, then go on or -err */
	FAULTFS_DELAY,  /* sleep delay_ms, then go on */
};

struct faultfs_rule_spec {
	char name[FAULTFS_NAME_MAX]; /* relative to the mount, or "*" = all */
	unsigned ops;                /* FAULTFS_OP_* */
	enum faultfs_kind kind;
	int err;                     /* FAIL: errno; HANG: errno after release
	                                (0 = complete normally) */
	unsigned delay_ms;           /* DELAY */
	uint64_t off, len;           /* byte range; len 0 = to end of file */
	uint64_t count;              /* requests the rule applies to; 0 = all */
};

/* Set up the lock and condition variable; call once before any thread. */
int faultfs_rules_init(void);

/* Add a rule.  A rule with the same name, ops and range is replaced (its
 * hung requests are released as by clear).  Returns the rule id (> 0), or
 * -ENOSPC when the table is full. */
int faultfs_rules_add(const struct faultfs_rule_spec *spec);

/* Remove the rules for NAME whose op set intersects OPS; requests they hold
 * hung are released (continuing or failing per the rule's err).  Returns
 * the number of rules removed. */
int faultfs_rules_clear(const char *name, unsigned ops);

/* Remove every rule and release every hung request. */
void faultfs_rules_clear_all(void);

/* Zero the per-file counters (requests currently hung stay hung). */
void faultfs_rules_reset_stats(void);

/* Release every hung request with EIO and stop hanging/delaying new ones
 * (fail rules still apply).  Used on SIGTERM and at unmount. */
void faultfs_rules_shutdown(void);

/* Number of requests currently blocked by `hang`. */
int faultfs_rules_hung_now(void);

/* Called by a FUSE worker before touching the backing file: applies the
 * newest matching rule (may block for hang/delay).  NAME may be NULL for a
 * file without a name (unlinked while open): only "*" rules match then.
 * Returns 0 to go on with the I/O, or -errno to fail the request. */
int faultfs_io_gate(const char *name, unsigned op, uint64_t off, size_t size);

/* Count the outcome of one request (rv >= 0 served, < 0 failed). */
void faultfs_io_done(const char *name, unsigned op, long rv);

/* Write the status report (rule lines, file lines; README.md) to OUT.
 * NAME restricts the file lines to one file (NULL = all). */
void faultfs_rules_status(FILE *out, const char *name);

#endif
