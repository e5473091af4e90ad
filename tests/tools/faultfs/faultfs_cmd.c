/*
 * faultfs_cmd.c - parses one control command line and runs it against the
 * rule table (faultfs_rules.c).  Owns no shared state: the errno table is
 * constant and the static scratch buffers (names and rule specs are too
 * big for the stack of a small thread) belong to the control thread, the
 * only caller.
 *
 * Grammar (README.md has the full description):
 *   ping
 *   fail  NAME OP ERRNO [off=N] [len=N] [count=N]
 *   hang  NAME OP [err=ERRNO] [off=N] [len=N] [count=N]
 *   delay NAME OP MS [off=N] [len=N] [count=N]
 *   clear NAME [OP]
 *   clear-all
 *   reset-stats
 *   status [NAME]
 * OP is read, write or rw (alias both); NAME is relative to the mount
 * ("/" prefix optional) or "*" for every file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faultfs_cmd.h"
#include "faultfs_rules.h"

#define FAULTFS_ERRNO_MAX 4095   /* largest errno a FUSE reply can carry */

static const struct {
	const char *name;
	int value;
} faultfs_errnos[] = {
	{ "EPERM", EPERM },   { "ENOENT", ENOENT },   { "EINTR", EINTR },
	{ "EIO", EIO },       { "ENXIO", ENXIO },     { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES },   { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY },   { "EEXIST", EEXIST },   { "ENODEV", ENODEV },
	{ "EINVAL", EINVAL }, { "EFBIG", EFBIG },     { "ENOSPC", ENOSPC },
	{ "EROFS", EROFS },   { "ENODATA", ENODATA }, { "ETIME", ETIME },
	{ "ENOLINK", ENOLINK }, { "EOVERFLOW", EOVERFLOW },
	{ "ENOTCONN", ENOTCONN }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ESTALE", ESTALE }, { "EDQUOT", EDQUOT },   { "ECANCELED", ECANCELED },
	{ "EREMOTEIO", EREMOTEIO }, { "ENOTSUP", ENOTSUP },
};

static int faultfs_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);   /* decimal, or hex with 0x */
	return (errno || *end) ? -1 : 0;
}

/* "EIO", "eio" or "5" -> 5; -1 if not a usable errno. */
static int faultfs_parse_errno(const char *s)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(faultfs_errnos) / sizeof(faultfs_errnos[0]); i++)
		if (!strcasecmp(s, faultfs_errnos[i].name))
			return faultfs_errnos[i].value;
	if (faultfs_parse_u64(s, &v) || v < 1 || v > FAULTFS_ERRNO_MAX)
		return -1;
	return (int)v;
}

static int faultfs_parse_ops(const char *s, unsigned *ops)
{
	if (!strcmp(s, "read"))
		*ops = FAULTFS_OP_READ;
	else if (!strcmp(s, "write"))
		*ops = FAULTFS_OP_WRITE;
	else if (!strcmp(s, "rw") || !strcmp(s, "both"))
		*ops = FAULTFS_OP_BOTH;
	else
		return -1;
	return 0;
}

/* Write "error <message>" to OUT; returns -1. */
__attribute__((format(printf, 2, 3)))
static int faultfs_err(FILE *out, const char *fmt, ...)
{
	va_list ap;

	fputs("error ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	return -1;
}

static int faultfs_parse_name(const char *s, char *name, FILE *out)
{
	while (*s == '/')
		s++;
	if (!*s)
		return faultfs_err(out, "empty file name");
	if (strlen(s) >= FAULTFS_NAME_MAX)
		return faultfs_err(out, "file name too long: %.64s...", s);
	strcpy(name, s);
	return 0;
}

/* key=value options after the fixed arguments. */
static int faultfs_parse_opts(char **argv, int argc, bool allow_err,
			      struct faultfs_rule_spec *spec, FILE *out)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		uint64_t v;

		if (!eq)
			return faultfs_err(out, "expected key=value: %s",
					   argv[i]);
		*eq = '\0';
		if (!strcmp(argv[i], "err")) {
			int e = faultfs_parse_errno(eq + 1);

			if (!allow_err)
				return faultfs_err(out, "err= is for hang only");
			if (e < 0)
				return faultfs_err(out, "bad errno: %s", eq + 1);
			spec->err = e;
			continue;
		}
		if (faultfs_parse_u64(eq + 1, &v))
			return faultfs_err(out, "bad number: %s", eq + 1);
		if (!strcmp(argv[i], "off"))
			spec->off = v;
		else if (!strcmp(argv[i], "len"))
			spec->len = v;
		else if (!strcmp(argv[i], "count"))
			spec->count = v;
		else
			return faultfs_err(out, "unknown option: %s", argv[i]);
	}
	if (spec->len && spec->off + spec->len < spec->off)
		return faultfs_err(out, "range wraps around");
	return 0;
}

static int faultfs_cmd_rule(char **argv, int argc, enum faultfs_kind kind,
			    FILE *out)
{
	static const char *const usage[] = {
		[FAULTFS_FAIL] = "fail NAME OP ERRNO",
		[FAULTFS_HANG] = "hang NAME OP [err=ERRNO]",
		[FAULTFS_DELAY] = "delay NAME OP MS",
	};
	static struct faultfs_rule_spec spec;   /* big; control thread only */
	int fixed = kind == FAULTFS_HANG ? 3 : 4;
	uint64_t v;
	int id;

	if (argc < fixed)
		return faultfs_err(out, "usage: %s [off=N] [len=N] [count=N]",
				   usage[kind]);
	memset(&spec, 0, sizeof(spec));
	spec.kind = kind;
	if (faultfs_parse_name(argv[1], spec.name, out))
		return -1;
	if (faultfs_parse_ops(argv[2], &spec.ops))
		return faultfs_err(out, "bad op (read, write or rw): %s",
				   argv[2]);
	if (kind == FAULTFS_FAIL) {
		spec.err = faultfs_parse_errno(argv[3]);
		if (spec.err < 0)
			return faultfs_err(out, "bad errno: %s", argv[3]);
	} else if (kind == FAULTFS_DELAY) {
		if (faultfs_parse_u64(argv[3], &v) || v > FAULTFS_MAX_DELAY_MS)
			return faultfs_err(out, "bad delay in ms: %s", argv[3]);
		spec.delay_ms = (unsigned)v;
	}
	if (faultfs_parse_opts(argv + fixed, argc - fixed,
			       kind == FAULTFS_HANG, &spec, out))
		return -1;
	id = faultfs_rules_add(&spec);
	if (id == -ENOSPC) {
		fprintf(out, "error rule table full (%d rules): clear some "
			"first\n", FAULTFS_MAX_RULES);
		return -1;
	}
	fprintf(out, "ok %d\n", id);
	return 0;
}

static int faultfs_cmd_clear(char **argv, int argc, FILE *out)
{
	static char name[FAULTFS_NAME_MAX];
	unsigned ops = FAULTFS_OP_BOTH;

	if (argc < 2 || argc > 3)
		return faultfs_err(out, "usage: clear NAME [OP]");
	if (faultfs_parse_name(argv[1], name, out))
		return -1;
	if (argc == 3 && faultfs_parse_ops(argv[2], &ops))
		return faultfs_err(out, "bad op (read, write or rw): %s",
				   argv[2]);
	fprintf(out, "ok %d\n", faultfs_rules_clear(name, ops));
	return 0;
}

static int faultfs_cmd_status(char **argv, int argc, FILE *out)
{
	static char name[FAULTFS_NAME_MAX];

	if (argc > 2)
		return faultfs_err(out, "usage: status [NAME]");
	if (argc == 2 && faultfs_parse_name(argv[1], name, out))
		return -1;
	faultfs_rules_status(out, argc == 2 ? name : NULL);
	fputs("ok\n", out);
	return 0;
}

int faultfs_cmd_exec(char *line, FILE *out)
{
	char *argv[FAULTFS_CMD_ARGS];
	char *save = NULL, *w;
	int argc = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == FAULTFS_CMD_ARGS)
			return faultfs_err(out, "too many words (max %d)",
					   FAULTFS_CMD_ARGS);
		argv[argc++] = w;
	}
	if (argc == 0)
		return faultfs_err(out, "empty command");
	if (!strcmp(argv[0], "ping")) {
		fputs("ok pong\n", out);
		return 0;
	}
	if (!strcmp(argv[0], "fail"))
		return faultfs_cmd_rule(argv, argc, FAULTFS_FAIL, out);
	if (!strcmp(argv[0], "hang"))
		return faultfs_cmd_rule(argv, argc, FAULTFS_HANG, out);
	if (!strcmp(argv[0], "delay"))
		return faultfs_cmd_rule(argv, argc, FAULTFS_DELAY, out);
	if (!strcmp(argv[0], "clear"))
		return faultfs_cmd_clear(argv, argc, out);
	if (!strcmp(argv[0], "clear-all") && argc == 1) {
		faultfs_rules_clear_all();
		fputs("ok\n", out);
		return 0;
	}
	if (!strcmp(argv[0], "reset-stats") && argc == 1) {
		faultfs_rules_reset_stats();
		fputs("ok\n", out);
		return 0;
	}
	if (!strcmp(argv[0], "status"))
		return faultfs_cmd_status(argv, argc, out);
	return faultfs_err(out, "unknown command (ping fail hang delay clear "
			   "clear-all reset-stats status): %s", argv[0]);
}
