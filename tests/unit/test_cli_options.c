/*
 * test_cli_options.c - unit tests of the `sanlock` option parser and the
 * configuration file reader (cli/options.c; spec/cli.md §1.2-§1.4, §2.12).
 *
 * The unit-test link leaves cli/ out (it holds main), so this file
 * includes cli/options.c itself.  stdout is redirected to a temporary file
 * around each parse so the exact messages can be checked.  Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/options.c"

#define T_MAX_ARGV 64
#define T_OUT_MAX  4096

static char t_out[T_OUT_MAX];
static char t_conf_path[64];

/* Parse "sanlock <kind> <action> args..." (kind "-" = bare client form);
 * returns the parser's result, stdout text in t_out. */
static int t_parse(struct cli_args *a, enum cli_kind kind, const char *action,
		   const char *const *args)
{
	char *argv[T_MAX_ARGV];
	int argc = 0, start, rv, saved;
	FILE *tmp;
	size_t n;

	argv[argc++] = (char *)"sanlock";
	if (kind != CLI_DAEMON)
		argv[argc++] = (char *)(kind == CLI_DIRECT ? "direct" : "client");
	argv[argc++] = (char *)action;
	start = argc;
	for (; args && *args; args++) {
		assert_true(argc < T_MAX_ARGV - 1);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->action = action;
	a->prog = "sanlock";

	fflush(stdout);
	tmp = tmpfile();
	assert_non_null(tmp);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	rv = cli_parse_options(argc, argv, start, a);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(t_out, 1, sizeof(t_out) - 1, tmp);
	t_out[n] = '\0';
	fclose(tmp);
	log_set_stderr(0);
	return rv;
}

static void t_free(struct cli_args *a)
{
	int i;

	for (i = 0; i < a->res_count; i++)
		free(a->res_args[i]);
	a->res_count = 0;
}

static void t_write_conf(const char *text)
{
	FILE *f = fopen(t_conf_path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	setenv(CLI_CONF_ENV, t_conf_path, 1);
}

static int t_setup(void **state)
{
	int fd;

	(void)state;
	snprintf(t_conf_path, sizeof(t_conf_path), "/tmp/test_cli_conf.XXXXXX");
	fd = mkstemp(t_conf_path);
	assert_true(fd >= 0);
	close(fd);
	t_write_conf("");
	return 0;
}

static int t_teardown(void **state)
{
	(void)state;
	unlink(t_conf_path);
	unsetenv(CLI_CONF_ENV);
	return 0;
}

/* ---- token rules (§1.2) ---- */

static void tokens(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-DD", NULL }), 1);
	assert_string_equal(t_out, "unknown option -DD\nspace required before option value\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-o1", NULL }), 1);
	assert_string_equal(t_out, "unknown option -o1\nspace required before option value\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "word", NULL }), 1);
	assert_string_equal(t_out, "unknown option word\nspace required before option value\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-", NULL }), 1);
	assert_string_equal(t_out, "unknown option -\nspace required before option value\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-s", NULL }), 1);
	assert_string_equal(t_out, "option 's' requires arg\n");
	/* the missing-value check comes before the letter check */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-y", NULL }), 1);
	assert_string_equal(t_out, "option 'y' requires arg\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "--", NULL }), 1);
	assert_string_equal(t_out, "option '-' requires arg\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-y", "1", NULL }), 1);
	assert_string_equal(t_out, "unknown option: y\n");
	/* -D takes no value; every other option takes the next element */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-D", "-L", "-1", NULL }), 0);
	assert_int_equal(a.debug, 1);
	assert_int_equal(a.log_logfile_priority, -1);
	assert_string_equal(t_out, "");
	assert_true(cli_option_given('L'));
	assert_false(cli_option_given('S'));
}

static void defaults(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", NULL), 0);
	assert_int_equal(a.quiet_fail, 1);
	assert_int_equal(a.debug_renew, 0);
	assert_int_equal(a.renewal_history_size, 180);
	assert_int_equal(a.log_logfile_priority, 4);
	assert_int_equal(a.log_syslog_priority, 3);
	assert_int_equal(a.max_worker_threads, 8);
	assert_int_equal(a.kill_grace_seconds, 40);
	assert_int_equal(a.use_watchdog, 1);
	assert_int_equal(a.high_priority, 0);
	assert_int_equal(a.mlock_level, 1);
	assert_int_equal(a.pid, -1);
	assert_int_equal(a.use_aio, 1);
	assert_null(a.uname);
	assert_null(a.local_host_name);
	assert_int_equal(a.sector_size, 0);
	assert_int_equal(a.align_size, 0);
	assert_int_equal(a.kind, CLI_DAEMON);
	assert_string_equal(a.action, "daemon");
}

/* ---- numbers and per-action letters (§1.2, §1.3) ---- */

static void numbers(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_CLIENT, "set_event", (const char *[]){
		"-i", "0x10", "-g", "010", "-e", "0x20", "-d", "junk", "-p", "12abc",
		"-o", "x", "-n", "-3", "-f", "0x2", "-z", "0", "-a", "5", NULL }), 0);
	assert_int_equal(a.host_id, 16);
	assert_int_equal(a.host_generation, 8);
	assert_int_equal(a.event, 0x20);
	assert_string_equal(a.local_host_name, "0x20");
	assert_int_equal(a.event_data, 0);
	assert_int_equal(a.pid, 12);
	assert_int_equal(a.io_timeout, 0);
	assert_int_equal(a.io_timeout_set, 1);
	assert_int_equal(a.num_hosts, -3);
	assert_int_equal(a.force_mode, 2);
	assert_int_equal(a.clear, 1);      /* any value, even 0 */
	assert_int_equal(a.use_aio, 1);
}

static void per_action(void **state)
{
	struct cli_args a;
	(void)state;

	/* -o: sort order for client status, io timeout elsewhere */
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", (const char *[]){ "-o", "pid", NULL }), 0);
	assert_int_equal(a.sort_arg, 'p');
	assert_int_equal(a.io_timeout_set, 0);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "add_lockspace", (const char *[]){ "-o", "7s", NULL }), 0);
	assert_int_equal(a.io_timeout, 7);

	/* -g: kill grace (0..60) for the daemon, generation elsewhere */
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-g", "61", NULL }), 0);
	assert_int_equal(a.kill_grace_seconds, 40);
	assert_false(cli_option_given('g'));
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-g", "0", NULL }), 0);
	assert_int_equal(a.kill_grace_seconds, 0);
	assert_true(cli_option_given('g'));
	assert_int_equal(t_parse(&a, CLI_DIRECT, "acquire", (const char *[]){ "-g", "0x7", NULL }), 0);
	assert_int_equal(a.host_generation, 7);

	/* -w: watchdog for the daemon, wait for shutdown */
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-w", "0", NULL }), 0);
	assert_int_equal(a.use_watchdog, 0);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "shutdown", (const char *[]){ "-w", "1", NULL }), 0);
	assert_int_equal(a.wait, 1);
	assert_int_equal(a.use_watchdog, 1);

	/* -h: hosts for gets and client read, priority otherwise */
	assert_int_equal(t_parse(&a, CLI_CLIENT, "gets", (const char *[]){ "-h", "1", NULL }), 0);
	assert_int_equal(a.get_hosts, 1);
	assert_int_equal(a.high_priority, 0);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "read", (const char *[]){ "-h", "1", NULL }), 0);
	assert_int_equal(a.get_hosts, 1);
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-h", "1", NULL }), 0);
	assert_int_equal(a.high_priority, 1);

	/* -e: rindex entry for rindex actions, host name + event otherwise */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "update", (const char *[]){ "-e", "r1:2M", NULL }), 0);
	assert_string_equal(a.rentry_arg, "r1:2M");
	assert_null(a.local_host_name);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "create", (const char *[]){ "-e", "r2", NULL }), 0);
	assert_string_equal(a.rentry_arg, "r2");
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-e", "myhost", NULL }), 0);
	assert_string_equal(a.local_host_name, "myhost");
	assert_null(a.rentry_arg);

	/* -O / -u remember presence */
	assert_int_equal(t_parse(&a, CLI_CLIENT, "set_config", (const char *[]){ "-O", "0", NULL }), 0);
	assert_int_equal(a.orphan_set, 1);
	assert_int_equal(a.orphan, 0);
	assert_int_equal(a.used_set, 0);
}

static void command_args(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_CLIENT, "command", (const char *[]){
		"-r", "ls:r:/p:0", "-c", "/bin/prog", "-x", "-y", "arg", NULL }), 0);
	assert_int_equal(a.cmd_argc, 4);
	assert_string_equal(a.cmd_argv[0], "/bin/prog");
	assert_string_equal(a.cmd_argv[1], "-x");
	assert_string_equal(a.cmd_argv[3], "arg");
	assert_int_equal(a.res_count, 1);
	t_free(&a);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "command", (const char *[]){ "-c", NULL }), 1);
	assert_string_equal(t_out, "option 'c' requires arg\n");
}

static void dump_location(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_DIRECT, "dump", NULL), 1);
	assert_string_equal(t_out, "");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "dump", (const char *[]){ "/dev/x:1M", "-f", "2", NULL }), 0);
	assert_string_equal(a.dump_path, "/dev/x:1M");
	assert_int_equal(a.force_mode, 2);
	/* the element after the action is the location, whatever it is */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "next_free", (const char *[]){ "-f", "1", NULL }), 1);
	assert_string_equal(t_out, "unknown option 1\nspace required before option value\n");
}

/* ---- sector / align (§1.3) ---- */

static void sizes(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-Z", "4096", "-A", "8M", NULL }), 0);
	assert_int_equal(a.sector_size, 4096);
	assert_int_equal(a.align_size, 8388608);
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-A", "2M", NULL }), 1);
	assert_string_equal(t_out, "Invalid sector_size/align_size combination (0/2097152)\n"
			    "Use one of: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M.\n");
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-Z", "512", "-A", "2M", NULL }), 1);
	assert_string_equal(t_out, "Invalid sector_size/align_size combination (512/2097152)\n"
			    "Use one of: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M.\n");
	/* unknown -A strings are ignored; -Z alone is not checked here */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-Z", "512", "-A", "1M", "-A", "3M", NULL }), 0);
	assert_int_equal(a.align_size, 1048576);
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){ "-Z", "0512x", "-A", "1m", NULL }), 0);
	assert_int_equal(a.sector_size, 512);
	assert_int_equal(a.align_size, 0);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", (const char *[]){ "-Z", "-1", "-A", "4M", NULL }), 1);
	assert_string_equal(t_out, "Invalid sector_size/align_size combination (-1/4194304)\n"
			    "Use one of: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M.\n");
}

/* ---- -s LOCKSPACE (§1.4.1) ---- */

static void lockspace_arg(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_CLIENT, "add_lockspace", (const char *[]){
		"-s", "ls1:3:/dev/a\\:b\\ c:2M", NULL }), 0);
	assert_int_equal(a.lockspace_set, 1);
	assert_string_equal(a.lockspace.name, "ls1");
	assert_int_equal(a.lockspace.host_id, 3);
	assert_string_equal(a.lockspace.host_id_disk.path, "/dev/a:b c");
	/* M honours escaped colons (3.8.5 does not; README) */
	assert_int_equal(a.lockspace.host_id_disk.offset, 2097152);

	assert_int_equal(t_parse(&a, CLI_CLIENT, "add_lockspace", (const char *[]){
		"-s", "ls:0x10:/p:0x200", NULL }), 0);
	assert_int_equal(a.lockspace.host_id, 0);
	assert_int_equal(a.lockspace.host_id_disk.offset, 0);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "add_lockspace", (const char *[]){
		"-s", "ls:1:/p:4K", NULL }), 0);
	assert_int_equal(a.lockspace.host_id_disk.offset, 4);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "add_lockspace", (const char *[]){
		"-s", "ls:1:/p:010M", NULL }), 0);
	assert_int_equal(a.lockspace.host_id_disk.offset, 10485760);

	/* a name over 48 bytes is cut silently */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){
		"-s", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij:0:/p:0", NULL }), 0);
	assert_memory_equal(a.lockspace.name, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh", 48);
	assert_int_equal(a.lockspace.host_id, 0);
	assert_string_equal(a.lockspace.host_id_disk.path, "/p");
	assert_string_equal(t_out, "");

	/* a name alone */
	assert_int_equal(t_parse(&a, CLI_CLIENT, "renewal", (const char *[]){ "-s", "ls1", NULL }), 0);
	assert_string_equal(a.lockspace.name, "ls1");
	assert_string_equal(a.lockspace.host_id_disk.path, "");
}

/* ---- -r RESOURCE (§1.4.2) ---- */

static void resource_arg(void **state)
{
	struct cli_args a;
	struct sanlk_resource *r;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_CLIENT, "acquire", (const char *[]){
		"-r", "ls:r1:/p:1M:/q:2M:SH", "-r", "ls:r2:/a\\:b:512:0x10", "-r", "ls:r3", NULL }), 0);
	assert_int_equal(a.res_count, 3);
	r = a.res_args[0];
	assert_string_equal(r->lockspace_name, "ls");
	assert_string_equal(r->name, "r1");
	assert_int_equal(r->num_disks, 2);
	assert_int_equal(r->disks[0].offset, 1048576);
	assert_int_equal(r->disks[1].offset, 2);     /* M only on the first */
	assert_int_equal(r->flags, SANLK_RES_SHARED);
	r = a.res_args[1];
	assert_string_equal(r->disks[0].path, "/a:b");
	assert_int_equal(r->disks[0].offset, 512);
	assert_int_equal(r->lver, 16);
	assert_int_equal(r->flags, SANLK_RES_LVER);
	assert_int_equal(a.res_args[2]->num_disks, 0);
	assert_string_equal(t_out, "");
	t_free(&a);

	/* parse errors are printed and skipped, the command goes on */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){
		"-r", "ab", "-r", "a:b:c", "-r", "a:b:c:1:2:3:4:5:6:7:8:9",
		"-r", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij:r:/p:0",
		"-r", "ls:r::0", "-r", "ls:r:/p:1M:/a\\:b:5", NULL }), 0);
	assert_string_equal(t_out,
		"resource arg parse error -6\n\n"
		"resource arg parse error -1\n\n"
		"resource arg parse error -2\n\n"
		"resource arg parse error -1\n\n"
		"resource arg parse error -1\n\n");
	assert_int_equal(a.res_count, 1);
	assert_string_equal(a.res_args[0]->disks[1].path, "/a:b");
	t_free(&a);

	/* at most 8 */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){
		"-r", "a:b:c:1", "-r", "a:b:c:1", "-r", "a:b:c:1", "-r", "a:b:c:1",
		"-r", "a:b:c:1", "-r", "a:b:c:1", "-r", "a:b:c:1", "-r", "a:b:c:1",
		"-r", "a:b:c:1", "-r", "a:b:c:1", NULL }), 0);
	assert_int_equal(a.res_count, 8);
	assert_string_equal(t_out, "resource args over max 8\nresource args over max 8\n");
	t_free(&a);

	/* an escaped colon in the path with an M offset works here */
	assert_int_equal(t_parse(&a, CLI_DIRECT, "init", (const char *[]){
		"-r", "ls:r:/x\\:y z:3M", NULL }), 0);
	assert_int_equal(a.res_count, 1);
	assert_string_equal(a.res_args[0]->disks[0].path, "/x:y z");
	assert_int_equal(a.res_args[0]->disks[0].offset, 3145728);
	t_free(&a);
}

/* ---- -x RINDEX (§1.4.3) ---- */

static void rindex_arg(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(t_parse(&a, CLI_DIRECT, "format", (const char *[]){
		"-x", "lsx:/dev/a\\:b:1M", NULL }), 0);
	assert_int_equal(a.rindex_set, 1);
	assert_string_equal(a.rindex.lockspace_name, "lsx");
	assert_string_equal(a.rindex.disk.path, "/dev/a:b");
	assert_int_equal(a.rindex.disk.offset, 1048576);
	assert_int_equal(t_parse(&a, CLI_DIRECT, "format", (const char *[]){
		"-x", "lsx:/p:4096", NULL }), 0);
	assert_int_equal(a.rindex.disk.offset, 4096);
}

/* ---- configuration file (§2.12) ---- */

static void conf_file(void **state)
{
	const struct cli_conf *c;
	struct cli_args a;
	(void)state;

	t_write_conf(
		"# comment\n"
		"\n"
		"renewal_history_size = 5\n"
		"quiet_fail=0\n"
		"debug_clients =1\n"
		"max_worker_threads = 1\n"
		"our_host_name = abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijXYZ\n"
		"sh_retries = 3\n"
		"write_init_io_timeout = 7\n"
		"debug_cmd = -status\n"
		"max_sectors_kb = align\n"
		"  use_aio = 0\n"
		"mlock_level 2\n"
		"unknown_key = 9\n"
		"logfile_priority = 7 trailing words\n"
		"uname = sanlockuser\n"
		"watchdog_fire_timeout = 30\n"
		"debug_io = submit,complete\n");
	assert_int_equal(t_parse(&a, CLI_DAEMON, "daemon", (const char *[]){ "-Q", "1", NULL }), 0);
	c = cli_conf_get();
	assert_int_equal(c->loaded, 1);
	assert_int_equal(c->renewal_history_size, 5);
	assert_int_equal(c->quiet_fail, 0);
	assert_int_equal(c->debug_clients, 1);
	assert_int_equal(c->max_worker_threads, 1);
	assert_string_equal(c->our_host_name, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefgh");
	assert_int_equal(c->sh_retries, 3);
	assert_int_equal(c->write_init_io_timeout, 7);
	assert_true(c->debug_cmds == 0xfffffffffe06ffdfULL);
	assert_int_equal(c->debug_cmd_count, 1);
	assert_string_equal(c->debug_cmd[0], "-status");
	assert_int_equal(c->max_sectors_kb_ignore, 0);
	assert_int_equal(c->max_sectors_kb_align, 1);
	assert_int_equal(c->max_sectors_kb_num, 0);
	assert_int_equal(c->use_aio, 1);          /* leading blank: ignored */
	assert_int_equal(c->mlock_level, 1);      /* no '=': ignored */
	assert_int_equal(c->logfile_priority, 7);
	assert_int_equal(c->watchdog_fire_timeout_set, 1);
	assert_int_equal(c->watchdog_fire_timeout, 30);
	assert_int_equal(c->debug_io_submit, 1);
	assert_int_equal(c->debug_io_complete, 1);

	/* config values are the defaults, the command line overrides */
	assert_int_equal(a.renewal_history_size, 5);
	assert_int_equal(a.quiet_fail, 1);
	assert_int_equal(a.log_logfile_priority, 7);
	assert_string_equal(a.uname, "sanlockuser");
	assert_string_equal(a.local_host_name, c->our_host_name);

	/* numbers, ignore, bad values */
	t_write_conf("max_sectors_kb = 512\nsyslog_priority=-1\n");
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", NULL), 0);
	c = cli_conf_get();
	assert_int_equal(c->max_sectors_kb_num, 512);
	assert_int_equal(a.log_syslog_priority, -1);
	t_write_conf("max_sectors_kb = ignore\nmax_sectors_kb = 7\nmax_sectors_kb = foo\n"
		     "debug_cmd = -all\ndebug_cmd = +acquire\n");
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", NULL), 0);
	c = cli_conf_get();
	assert_int_equal(c->max_sectors_kb_ignore, 1);
	assert_int_equal(c->max_sectors_kb_num, 0);
	assert_true(c->debug_cmds == (1ULL << 7));

	/* of a line over 127 characters only the first 127 count */
	{
		char text[512];
		int n;

		n = snprintf(text, sizeof(text), "debug_renew = 1 ");
		memset(text + n, 'x', (size_t)(CLI_CONF_LINE_MAX - 1 - n));
		snprintf(text + CLI_CONF_LINE_MAX - 1, sizeof(text) - CLI_CONF_LINE_MAX + 1,
			 "sh_retries = 9\nquiet_fail = 0\n");
		t_write_conf(text);
	}
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", NULL), 0);
	c = cli_conf_get();
	assert_int_equal(c->debug_renew, 1);
	assert_int_equal(c->sh_retries, 8);
	assert_int_equal(c->quiet_fail, 0);

	/* no file: defaults */
	setenv(CLI_CONF_ENV, "/nonexistent/sanlock.conf", 1);
	assert_int_equal(t_parse(&a, CLI_CLIENT, "status", NULL), 0);
	c = cli_conf_get();
	assert_int_equal(c->loaded, 0);
	assert_int_equal(c->write_init_io_timeout, 60);
	assert_int_equal(c->max_sectors_kb_num, 1024);
	assert_true(c->debug_cmds == ~((1ULL << 16) | (1ULL << 19) | (1ULL << 20) |
				       (1ULL << 21) | (1ULL << 22) | (1ULL << 23) |
				       (1ULL << 24)));
	t_write_conf("");
}

static void conf_cmd_names(void **state)
{
	(void)state;
	assert_int_equal(cli_conf_cmd_number("register"), 1);
	assert_int_equal(cli_conf_cmd_number("rebuild_rindex"), 40);
	assert_int_equal(cli_conf_cmd_number("read_resource_owners"), 24);
	assert_int_equal(cli_conf_cmd_number("nope"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens),
		cmocka_unit_test(defaults),
		cmocka_unit_test(numbers),
		cmocka_unit_test(per_action),
		cmocka_unit_test(command_args),
		cmocka_unit_test(dump_location),
		cmocka_unit_test(sizes),
		cmocka_unit_test(lockspace_arg),
		cmocka_unit_test(resource_arg),
		cmocka_unit_test(rindex_arg),
		cmocka_unit_test(conf_file),
		cmocka_unit_test(conf_cmd_names),
	};

	return cmocka_run_group_tests(tests, t_setup, t_teardown);
}
