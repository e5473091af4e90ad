/*
 * fuzz_cli_conf.c - libFuzzer harness for the configuration file parser
 * (cli/options.c cli_conf_read, spec/cli.md §2.12) and the `sanlock`
 * option parser that runs after it (cli_parse_options: -s lockspace, -r
 * resource, -x rindex strings, lenient numbers, the M suffix).
 *
 * Input: byte 0 = kind (client / direct / daemon) and action; then the
 * sanlock.conf text up to the first NUL; then argv tokens separated by
 * NULs (at most FZ_ARGV_MAX).  The conf text is written to a memfd that
 * both cli_conf_read and (through SANLOCK_CONF) cli_parse_options read.
 * stdout (the 3.8.5 error texts) goes to /dev/null; "-D" tokens are
 * replaced by "-Q" because -D turns on debug output to stderr.
 *
 * Findings: crashes, sanitizer reports, assertions, and violated
 * invariants of the parsed struct cli_conf / cli_args (strings terminated
 * inside their fields, exactly one max_sectors_kb mode, bounded counts,
 * valid resources, a valid sector/align pair when parsing succeeded).
 *
 * Single-threaded; the parser's statics are rewritten by every call.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_conf.h"
#include "common/log.h"
#include "fuzz/fuzz_util.h"
#include "ondisk/ondisk.h"

#define FZ_ARGV_MAX 64
#define FZ_IN_MAX   65536

static int fz_conf_fd = -1;
static char fz_conf_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_conf_fd = memfd_create("fuzz-sanlock.conf", MFD_CLOEXEC);
	FZ_CHECK(fz_conf_fd >= 0, "memfd_create");
	snprintf(fz_conf_path, sizeof(fz_conf_path), "/proc/self/fd/%d",
		 fz_conf_fd);
	setenv(CLI_CONF_ENV, fz_conf_path, 1);
	FZ_CHECK(freopen("/dev/null", "w", stdout) != NULL, "stdout");
	log_set_stderr(0);
	return 0;
}

static void fz_write_conf(const char *text, size_t len)
{
	FZ_CHECK(ftruncate(fz_conf_fd, 0) == 0, "ftruncate");
	FZ_CHECK(pwrite(fz_conf_fd, text, len, 0) == (ssize_t)len, "pwrite");
}

static void fz_check_conf(const struct cli_conf *c)
{
	int modes, i;

	FZ_CHECK(c->loaded, "conf not loaded");
	FZ_CHECK(memchr(c->uname, 0, sizeof(c->uname)) &&
		 memchr(c->gname, 0, sizeof(c->gname)) &&
		 memchr(c->our_host_name, 0, sizeof(c->our_host_name)),
		 "conf string not terminated");
	FZ_CHECK(c->debug_cmd_count >= 0 &&
		 c->debug_cmd_count <= CLI_CONF_DEBUG_CMD_MAX, "debug_cmd count");
	for (i = 0; i < c->debug_cmd_count; i++)
		FZ_CHECK(memchr(c->debug_cmd[i], 0, CLI_CONF_WORD_MAX),
			 "debug_cmd %d not terminated", i);
	modes = (c->max_sectors_kb_ignore != 0) + (c->max_sectors_kb_align != 0) +
		(c->max_sectors_kb_num != 0);
	FZ_CHECK(modes == 1, "max_sectors_kb modes %d", modes);
	FZ_CHECK(c->max_sectors_kb_num == 0 ||
		 (c->max_sectors_kb_num >= 2 && c->max_sectors_kb_num <= 8192 &&
		  c->max_sectors_kb_num % 2 == 0), "max_sectors_kb %d",
		 c->max_sectors_kb_num);
	FZ_CHECK(c->write_init_io_timeout > 0, "write_init_io_timeout");
	FZ_CHECK(!c->renewal_read_extend_sec_set || c->renewal_read_extend_sec >= 0,
		 "renewal_read_extend_sec");
}

static void fz_check_args(const struct cli_args *a, int rv)
{
	struct ondisk_sizes sz;
	int i;

	FZ_CHECK(rv == 0 || rv == 1, "cli_parse_options %d", rv);
	FZ_CHECK(a->res_count >= 0 && a->res_count <= CLI_MAX_RES, "res_count");
	for (i = 0; i < a->res_count; i++) {
		const struct sanlk_resource *r = a->res_args[i];

		FZ_CHECK(r && r->num_disks <= SANLK_MAX_DISKS, "resource %d", i);
		for (uint32_t d = 0; d < r->num_disks; d++)
			FZ_CHECK(memchr(r->disks[d].path, 0, SANLK_PATH_LEN),
				 "resource path not terminated");
	}
	if (a->lockspace_set)
		FZ_CHECK(memchr(a->lockspace.host_id_disk.path, 0, SANLK_PATH_LEN),
			 "lockspace path not terminated");
	if (a->rindex_set)
		FZ_CHECK(memchr(a->rindex.disk.path, 0, SANLK_PATH_LEN),
			 "rindex path not terminated");
	if (rv == 0 && a->align_size)
		FZ_CHECK(ondisk_sizes_from_pair(a->sector_size, a->align_size,
						&sz) == 0, "bad size pair accepted");
	FZ_CHECK(a->cmd_argc >= 0, "cmd_argc");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const actions[8] = {
		"status", "init", "dump", "next_free", "format", "gets", "read",
		"acquire_id",
	};
	static char buf[FZ_IN_MAX + 2];
	char *argv[FZ_ARGV_MAX + 1];
	struct cli_conf conf;
	struct cli_args a;
	size_t n, off, clen;
	int argc = 0, rv, i;
	uint8_t sel;

	if (size < 1)
		return 0;
	sel = data[0];
	n = size - 1 < FZ_IN_MAX ? size - 1 : FZ_IN_MAX;
	memcpy(buf, data + 1, n);
	buf[n] = buf[n + 1] = '\0';

	/* the configuration file */
	clen = strlen(buf);
	fz_write_conf(buf, clen);
	rv = cli_conf_read(&conf, fz_conf_path);
	FZ_CHECK(rv == 0, "cli_conf_read %d", rv);
	fz_check_conf(&conf);

	/* argv: the NUL-separated tokens after the conf text */
	argv[argc++] = (char *)"sanlock";
	for (off = clen + 1; off < n && argc < FZ_ARGV_MAX; ) {
		char *tok = buf + off;

		if (!strcmp(tok, "-D"))
			tok[1] = 'Q';
		argv[argc++] = tok;
		off += strlen(tok) + 1;
	}
	argv[argc] = NULL;

	memset(&a, 0, sizeof(a));
	a.kind = (enum cli_kind)((sel & 3) % 3);
	a.prog = "sanlock";
	a.action = actions[(sel >> 2) & 7];
	rv = cli_parse_options(argc, argv, 1, &a);
	fz_check_args(&a, rv);
	fz_check_conf(cli_conf_get());
	for (i = 0; i < a.res_count; i++)
		free(a.res_args[i]);
	log_set_stderr(0);
	return 0;
}
