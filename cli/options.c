/*
 * options.c - the `sanlock` option parser (spec/cli.md §1.2-§1.4, §1.7)
 * and the configuration file it reads first (§2.12, cli_conf.h).
 *
 * Owns two statics, written only by cli_parse_options() during the
 * single-threaded start-up and read-only afterwards: the parsed config
 * (cli_conf_get) and the set of option letters seen (cli_option_given).
 *
 * Everything printed here goes to stdout as 3.8.5 prints it (tests compare
 * it); -D debug lines go to stderr through common/log.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_conf.h"
#include "common/log.h"
#include "ondisk/ondisk.h"
#include "sanlock.h"
#include "sanlock_resource.h"

#define CLI_MIB            1048576ULL
#define CLI_MAX_ARGS       100000      /* bound on argv elements parsed */
#define CLI_LETTERS        128

static struct cli_conf cli_conf_cur;
static int cli_conf_init_done;
static unsigned char cli_seen[CLI_LETTERS];

/* ------------------------------------------------------------------ */
/* lenient numbers (§1.2)                                              */

/* "decimal": sign and digits, junk after ignored, no digits -> 0 (atoi). */
static int cli_dec(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

/* "C-integer": strtoull base 0. */
static uint64_t cli_cint(const char *s)
{
	return strtoull(s, NULL, 0);
}

/* A decimal count that may carry the MiB suffix: "2M" -> 2097152. */
static uint64_t cli_dec_m(const char *s, size_t len)
{
	char buf[64];
	uint64_t v;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoull(buf, NULL, 10);
	if (memchr(buf, 'M', len))
		v *= CLI_MIB;
	return v;
}

/* ------------------------------------------------------------------ */
/* fields split at colons not preceded by a backslash                  */

/* Start and length of field k (0-based) of s; 0 if s has fewer fields. */
int cli_field(const char *s, int k, const char **start, size_t *len)
{
	const char *p = s, *f = s;
	int n = 0;

	for (; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				break;
			p++;
			continue;
		}
		if (*p != ':')
			continue;
		if (n == k)
			break;
		n++;
		f = p + 1;
	}
	if (n != k)
		return 0;
	*start = f;
	*len = (size_t)(p - f);
	if (*p == '\\')		/* trailing lone backslash: keep it */
		*len = strlen(f);
	return 1;
}

/* ------------------------------------------------------------------ */
/* -s LOCKSPACE (§1.4.1)                                               */

static int cli_parse_lockspace(struct cli_args *a, const char *arg)
{
	struct sanlk_lockspace *ls = &a->lockspace;
	const char *f;
	size_t flen;
	char *copy;

	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	/* Library rules: name = first 48 bytes (escapes kept), host_id and
	 * offset atoll, path unescaped; absent fields leave *ls unchanged. */
	sanlock_str_to_lockspace(copy, ls);
	free(copy);
	/* path_import leaves an over-long path unterminated */
	ls->host_id_disk.path[SANLK_PATH_LEN - 1] = '\0';

	/* The M suffix on the offset: MiB.  3.8.5 finds the offset field by
	 * counting raw colons, which breaks escaped-colon paths; we honour
	 * escapes (README compatibility table). */
	if (cli_field(arg, 3, &f, &flen) && memchr(f, 'M', flen))
		ls->host_id_disk.offset = cli_dec_m(f, flen);

	a->lockspace_set = 1;
	log_debug("lockspace %.48s host_id %llu path %s offset %llu",
		  ls->name, (unsigned long long)ls->host_id,
		  ls->host_id_disk.path,
		  (unsigned long long)ls->host_id_disk.offset);
	return 0;
}

/* ------------------------------------------------------------------ */
/* -r RESOURCE (§1.4.2)                                                */

/*
 * Parse one resource string with the library's sanlock_str_to_res after
 * turning an "M" first offset into bytes.  Returns 0 or the parse error
 * (-1, -2, -6, -ENOMEM).
 */
static int cli_str_to_res(const char *arg, struct sanlk_resource **res)
{
	const char *f;
	size_t flen, len = strlen(arg);
	char *buf;
	int rv;

	buf = malloc(len + 32);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, arg, len + 1);
	if (cli_field(arg, 3, &f, &flen) && memchr(f, 'M', flen)) {
		size_t pre = (size_t)(f - arg);
		int n = snprintf(buf + pre, 32, "%llu",
				 (unsigned long long)cli_dec_m(f, flen));

		assert(n > 0 && n < 32);
		memcpy(buf + pre + (size_t)n, f + flen, len - pre - flen + 1);
	}
	rv = sanlock_str_to_res(buf, res);
	free(buf);
	return rv;
}

static void cli_add_resource(struct cli_args *a, const char *arg)
{
	struct sanlk_resource *res = NULL;
	uint32_t d;
	int rv;

	if (a->res_count >= CLI_MAX_RES) {
		printf("resource args over max %d\n", CLI_MAX_RES);
		return;
	}
	rv = cli_str_to_res(arg, &res);
	if (rv < 0 || !res) {
		printf("resource arg parse error %d\n\n", rv);
		return;
	}
	assert(res->num_disks <= SANLK_MAX_DISKS);
	a->res_args[a->res_count++] = res;
	log_debug("resource %.48s %.48s num_disks %u flags %x lver %llu",
		  res->lockspace_name, res->name, res->num_disks, res->flags,
		  (unsigned long long)res->lver);
	for (d = 0; d < res->num_disks; d++)
		log_debug("resource disk %s %llu", res->disks[d].path,
			  (unsigned long long)res->disks[d].offset);
}

/* ------------------------------------------------------------------ */
/* -x RINDEX (§1.4.3)                                                  */

static void cli_parse_rindex(struct cli_args *a, const char *arg)
{
	struct sanlk_rindex *rx = &a->rindex;
	char tmp[SANLK_PATH_LEN + 1];
	const char *f;
	size_t flen;

	memset(rx, 0, sizeof(*rx));
	if (cli_field(arg, 0, &f, &flen))
		memcpy(rx->lockspace_name, f,
		       flen < SANLK_NAME_LEN ? flen : SANLK_NAME_LEN);
	if (cli_field(arg, 1, &f, &flen)) {
		if (flen > SANLK_PATH_LEN)
			flen = SANLK_PATH_LEN;
		memcpy(tmp, f, flen);
		tmp[flen] = '\0';
		sanlock_path_import(rx->disk.path, tmp, SANLK_PATH_LEN);
		rx->disk.path[SANLK_PATH_LEN - 1] = '\0';
	}
	if (cli_field(arg, 2, &f, &flen))
		rx->disk.offset = cli_dec_m(f, flen);
	a->rindex_set = 1;
}

/* ------------------------------------------------------------------ */
/* configuration file (§2.12)                                          */

static const char *const cli_cmd_names[] = {
	NULL, "register", "add_lockspace", "rem_lockspace", "shutdown",
	"status", "log_dump", "acquire", "release", "inquire", "restrict",
	"request", "align", "examine_lockspace", "examine_resource",
	"host_status", "inq_lockspace", "killpath", "write_lockspace",
	"write_resource", "read_lockspace", "read_resource", "get_lockspaces",
	"get_hosts", "read_resource_owners", "set_lvb", "get_lvb", "convert",
	"version", "shutdown_wait", "reg_event", "end_event", "set_event",
	"set_config", "renewal", "format_rindex", "update_rindex",
	"lookup_rindex", "create_resource", "delete_resource",
	"rebuild_rindex",
};
#define CLI_CMD_NAMES (int)(sizeof(cli_cmd_names) / sizeof(cli_cmd_names[0]))

/* Requests not logged by default (§2.12 debug_cmd). */
static const int cli_cmd_quiet[] = { 16, 19, 20, 21, 22, 23, 24 };

int cli_conf_cmd_number(const char *name)
{
	int i;

	for (i = 1; i < CLI_CMD_NAMES; i++) {
		if (!strcmp(name, cli_cmd_names[i]))
			return i;
	}
	return -1;
}

void cli_conf_defaults(struct cli_conf *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->quiet_fail = 1;
	c->use_aio = 1;
	c->logfile_priority = LOG_WARNING;
	c->syslog_priority = LOG_ERR;
	c->names_log_priority = LOG_WARNING;
	c->use_watchdog = 1;
	c->mlock_level = 1;
	c->sh_retries = CLI_CONF_DEF_SH_RETRIES;
	c->write_init_io_timeout = CLI_CONF_DEF_WRITE_INIT_IO_TIMEOUT;
	c->renewal_history_size = CLI_CONF_DEF_RENEWAL_HISTORY;
	c->debug_cmds = ~0ULL;
	for (i = 0; i < sizeof(cli_cmd_quiet) / sizeof(cli_cmd_quiet[0]); i++)
		c->debug_cmds &= ~(1ULL << cli_cmd_quiet[i]);
	c->max_sectors_kb_num = CLI_CONF_DEF_MAX_SECTORS_KB;
	c->max_worker_threads = CLI_CONF_DEF_MAX_WORKER_THREADS;
	c->watchdog_fire_timeout = CLI_CONF_DEF_WATCHDOG_FIRE_TIMEOUT;
	c->accept_wd_reset = 1;
}

/* Copy a value, cut to the field (e.g. our_host_name keeps 48 bytes). */
static void cli_conf_word(char *dst, size_t size, const char *val)
{
	size_t n = strlen(val);

	assert(size > 0);
	if (n >= size)
		n = size - 1;
	memcpy(dst, val, n);
	dst[n] = '\0';
}

static void cli_conf_debug_cmd(struct cli_conf *c, const char *val)
{
	int on, n;

	if (c->debug_cmd_count < CLI_CONF_DEBUG_CMD_MAX)
		cli_conf_word(c->debug_cmd[c->debug_cmd_count++],
			      CLI_CONF_WORD_MAX, val);
	if (val[0] != '+' && val[0] != '-')
		return;
	on = val[0] == '+';
	if (!strcmp(val + 1, "all")) {
		c->debug_cmds = on ? ~0ULL : 0;
		return;
	}
	n = cli_conf_cmd_number(val + 1);
	if (n < 0)
		return;
	if (on)
		c->debug_cmds |= 1ULL << n;
	else
		c->debug_cmds &= ~(1ULL << n);
}

static void cli_conf_max_sectors(struct cli_conf *c, const char *val)
{
	int n;

	if (!strcmp(val, "ignore")) {
		c->max_sectors_kb_ignore = 1;
		c->max_sectors_kb_align = 0;
		c->max_sectors_kb_num = 0;
	} else if (!strcmp(val, "align")) {
		c->max_sectors_kb_ignore = 0;
		c->max_sectors_kb_align = 1;
		c->max_sectors_kb_num = 0;
	} else if (isdigit((unsigned char)val[0])) {
		n = cli_dec(val);
		if (n < 2 || n > 8192 || (n % 2)) {
			log_warn("ignore invalid num max_sectors_kb %s", val);
			return;
		}
		c->max_sectors_kb_ignore = 0;
		c->max_sectors_kb_align = 0;
		c->max_sectors_kb_num = n;
	} else {
		log_warn("ignore unknown max_sectors_kb %s", val);
	}
}

/* One "key = value" setting; unknown keys are ignored. */
static void cli_conf_set(struct cli_conf *c, const char *key, const char *val)
{
	int v = cli_dec(val);

	if (!strcmp(key, "quiet_fail"))
		c->quiet_fail = v;
	else if (!strcmp(key, "debug_renew"))
		c->debug_renew = v;
	else if (!strcmp(key, "use_aio"))
		c->use_aio = v;
	else if (!strcmp(key, "logfile_priority"))
		c->logfile_priority = v;
	else if (!strcmp(key, "logfile_use_utc"))
		c->logfile_use_utc = v;
	else if (!strcmp(key, "syslog_priority"))
		c->syslog_priority = v;
	else if (!strcmp(key, "names_log_priority"))
		c->names_log_priority = v;
	else if (!strcmp(key, "use_watchdog"))
		c->use_watchdog = v;
	else if (!strcmp(key, "high_priority"))
		c->high_priority = v;
	else if (!strcmp(key, "mlock_level"))
		c->mlock_level = v;
	else if (!strcmp(key, "sh_retries"))
		c->sh_retries = v;
	else if (!strcmp(key, "uname")) {
		cli_conf_word(c->uname, sizeof(c->uname), val);
		c->uname_set = 1;
	} else if (!strcmp(key, "gname")) {
		cli_conf_word(c->gname, sizeof(c->gname), val);
		c->gname_set = 1;
	} else if (!strcmp(key, "our_host_name")) {
		cli_conf_word(c->our_host_name, sizeof(c->our_host_name), val);
		c->our_host_name_set = 1;
	} else if (!strcmp(key, "renewal_read_extend_sec")) {
		if (v >= 0) {
			c->renewal_read_extend_sec = v;
			c->renewal_read_extend_sec_set = 1;
		}
	} else if (!strcmp(key, "write_init_io_timeout")) {
		if (v > 0)
			c->write_init_io_timeout = v;
	} else if (!strcmp(key, "renewal_history_size"))
		c->renewal_history_size = v;
	else if (!strcmp(key, "paxos_debug_all"))
		c->paxos_debug_all = v;
	else if (!strcmp(key, "debug_io")) {
		c->debug_io_submit = strstr(val, "submit") != NULL;
		c->debug_io_complete = strstr(val, "complete") != NULL;
	} else if (!strcmp(key, "debug_clients"))
		c->debug_clients = v;
	else if (!strcmp(key, "debug_cmd"))
		cli_conf_debug_cmd(c, val);
	else if (!strcmp(key, "max_sectors_kb"))
		cli_conf_max_sectors(c, val);
	else if (!strcmp(key, "max_worker_threads"))
		c->max_worker_threads = v;
	else if (!strcmp(key, "io_timeout")) {
		c->io_timeout = v;
		c->io_timeout_set = 1;
	} else if (!strcmp(key, "watchdog_fire_timeout")) {
		c->watchdog_fire_timeout = v;
		c->watchdog_fire_timeout_set = 1;
	} else if (!strcmp(key, "kill_grace_seconds")) {
		c->kill_grace_seconds = v;
		c->kill_grace_seconds_set = 1;
	} else if (!strcmp(key, "accept_wd_reset"))
		c->accept_wd_reset = v ? 1 : 0;
	else if (!strcmp(key, "message_timeout"))
		c->message_timeout = v > 0 ? v : 0;
}

/*
 * One line (without its newline).  The key runs from column 1 to the
 * first space, tab or '='; a line must contain '='; the value is the first
 * whitespace-delimited word after it.  Comments, empty lines and lines
 * starting with whitespace are skipped.
 */
static void cli_conf_line(struct cli_conf *c, char *line)
{
	char key[CLI_CONF_LINE_MAX], val[CLI_CONF_LINE_MAX];
	char *eq, *p;
	size_t klen, vlen;

	if (line[0] == '#' || line[0] == '\0' || isspace((unsigned char)line[0]) ||
	    line[0] == '=')
		return;
	eq = strchr(line, '=');
	if (!eq)
		return;
	klen = strcspn(line, " \t=");
	assert(klen < sizeof(key));
	memcpy(key, line, klen);
	key[klen] = '\0';
	p = eq + 1;
	while (*p && isspace((unsigned char)*p))
		p++;
	vlen = strcspn(p, " \t\r\n");
	assert(vlen < sizeof(val));
	memcpy(val, p, vlen);
	val[vlen] = '\0';
	cli_conf_set(c, key, val);
}

int cli_conf_read(struct cli_conf *c, const char *path)
{
	char line[CLI_CONF_LINE_MAX];
	int skipping = 0, n;
	FILE *f;

	cli_conf_defaults(c);
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	for (n = 0; n < CLI_CONF_MAX_LINES && fgets(line, sizeof(line), f); n++) {
		size_t len = strlen(line);
		int whole = len > 0 && line[len - 1] == '\n';

		if (whole)
			line[--len] = '\0';
		/* The tail of an over-long line is dropped, not parsed. */
		if (!skipping)
			cli_conf_line(c, line);
		skipping = !whole && !feof(f);
	}
	fclose(f);
	c->loaded = 1;
	return 0;
}

const struct cli_conf *cli_conf_get(void)
{
	if (!cli_conf_init_done) {
		cli_conf_defaults(&cli_conf_cur);
		cli_conf_init_done = 1;
	}
	return &cli_conf_cur;
}

int cli_option_given(char letter)
{
	unsigned char u = (unsigned char)letter;

	return u < CLI_LETTERS ? cli_seen[u] : 0;
}

/* ------------------------------------------------------------------ */
/* defaults                                                            */

static void cli_defaults(struct cli_args *a, const struct cli_conf *c)
{
	enum cli_kind kind = a->kind;
	const char *prog = a->prog, *action = a->action;

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->prog = prog;
	a->action = action;

	a->quiet_fail = c->quiet_fail;
	a->debug_renew = c->debug_renew;
	a->renewal_history_size = c->renewal_history_size;
	a->log_logfile_priority = c->logfile_priority;
	a->log_syslog_priority = c->syslog_priority;
	a->uname = c->uname_set ? c->uname : NULL;
	a->gname = c->gname_set ? c->gname : NULL;
	a->max_worker_threads = c->max_worker_threads;
	a->kill_grace_seconds = 40;
	a->use_watchdog = c->use_watchdog;
	a->high_priority = c->high_priority;
	a->mlock_level = c->mlock_level;
	a->local_host_name = c->our_host_name_set ? c->our_host_name : NULL;
	a->pid = -1;
	a->use_aio = c->use_aio ? 1 : 0;
}

static int cli_is(const struct cli_args *a, const char *action)
{
	return a->action && !strcmp(a->action, action);
}

static int cli_is_rindex_action(const struct cli_args *a)
{
	static const char *const names[] = {
		"format", "rebuild", "create", "delete", "lookup", "update",
	};
	size_t i;

	if (a->kind == CLI_DAEMON)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (cli_is(a, names[i]))
			return 1;
	}
	return 0;
}

static uint32_t cli_align_arg(const char *v, uint32_t cur)
{
	if (!strcmp(v, "1M"))
		return ONDISK_ALIGN_1M;
	if (!strcmp(v, "2M"))
		return ONDISK_ALIGN_2M;
	if (!strcmp(v, "4M"))
		return ONDISK_ALIGN_4M;
	if (!strcmp(v, "8M"))
		return ONDISK_ALIGN_8M;
	return cur;	/* anything else is silently ignored */
}

/* ------------------------------------------------------------------ */
/* one option letter with its value                                    */

static int cli_option(struct cli_args *a, char c, const char *v)
{
	int daemon = a->kind == CLI_DAEMON;

	switch (c) {
	case 'Q': a->quiet_fail = cli_dec(v); break;
	case 'R': a->debug_renew = cli_dec(v); break;
	case 'H': a->renewal_history_size = cli_dec(v); break;
	case 'L': a->log_logfile_priority = cli_dec(v); break;
	case 'S': a->log_syslog_priority = cli_dec(v); break;
	case 'U': a->uname = v; break;
	case 'G': a->gname = v; break;
	case 't': a->max_worker_threads = cli_dec(v); break;
	case 'g':
		if (daemon) {
			int g = cli_dec(v);

			if (g >= 0 && g <= 60)
				a->kill_grace_seconds = g;
			else	/* ignored: not "given" either */
				cli_seen['g'] = 0;
		} else {
			a->host_generation = cli_cint(v);
		}
		break;
	case 'w':
		if (daemon)
			a->use_watchdog = cli_dec(v);
		else
			a->wait = cli_dec(v);
		break;
	case 'h':
		if (a->kind == CLI_CLIENT && (cli_is(a, "gets") || cli_is(a, "read")))
			a->get_hosts = cli_dec(v);
		else
			a->high_priority = cli_dec(v);
		break;
	case 'l': a->mlock_level = cli_dec(v); break;
	case 'o':
		if (a->kind == CLI_CLIENT && cli_is(a, "status")) {
			a->sort_arg = v[0];
		} else {
			a->io_timeout = cli_dec(v);
			a->io_timeout_set = 1;
		}
		break;
	case 'b': a->set_bitmap_seconds = cli_dec(v); break;
	case 'e':
		if (cli_is_rindex_action(a)) {
			a->rentry_arg = v;
		} else {
			a->local_host_name = v;
			a->event = cli_cint(v);
		}
		break;
	case 'i': a->host_id = cli_cint(v); break;
	case 'd': a->event_data = cli_cint(v); break;
	case 'f': a->force_mode = (uint32_t)strtoul(v, NULL, 0); break;
	case 's':
		if (cli_parse_lockspace(a, v) < 0)
			return -ENOMEM;
		break;
	case 'r': cli_add_resource(a, v); break;
	case 'x': cli_parse_rindex(a, v); break;
	case 'p': a->pid = cli_dec(v); break;
	case 'n': a->num_hosts = cli_dec(v); a->n_arg = v; break;
	case 'm': a->max_hosts = cli_dec(v); a->m_arg = v; break;
	case 'P': a->persistent = cli_dec(v); break;
	case 'O': a->orphan = cli_dec(v); a->orphan_set = 1; break;
	case 'u': a->used = cli_dec(v); a->used_set = 1; break;
	case 'z': a->clear = 1; break;
	case 'Z': a->sector_size = (uint32_t)cli_dec(v); break;
	case 'A': a->align_size = cli_align_arg(v, a->align_size); break;
	case 'a': a->use_aio = cli_dec(v) ? 1 : 0; break;
	case 'F': a->leader_file = v; break;
	default:
		printf("unknown option: %c\n", c);
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

int cli_parse_options(int argc, char **argv, int start, struct cli_args *a)
{
	const char *conf_path = getenv(CLI_CONF_ENV);
	struct ondisk_sizes sz;
	int i, rv;

	assert(a && argv && start >= 0);
	cli_conf_read(&cli_conf_cur, conf_path && conf_path[0] ?
		      conf_path : CLI_CONF_PATH);
	cli_conf_init_done = 1;
	memset(cli_seen, 0, sizeof(cli_seen));
	cli_defaults(a, &cli_conf_cur);

	/* direct dump / next_free: the location comes first, verbatim. */
	if (a->kind == CLI_DIRECT && (cli_is(a, "dump") || cli_is(a, "next_free"))) {
		if (start >= argc)
			return 1;
		a->dump_path = argv[start++];
	}

	for (i = start; i < argc && i - start < CLI_MAX_ARGS; i++) {
		const char *tok = argv[i];
		char c;

		if (strlen(tok) != 2 || tok[0] != '-') {
			printf("unknown option %s\n", tok);
			printf("space required before option value\n");
			return 1;
		}
		c = tok[1];
		if ((unsigned char)c < CLI_LETTERS)
			cli_seen[(unsigned char)c] = 1;
		if (c == 'D') {
			a->debug = 1;
			log_set_stderr(1);
			continue;
		}
		if (i + 1 >= argc) {
			printf("option '%c' requires arg\n", c);
			return 1;
		}
		if (c == 'c') {	/* program and its arguments: never options */
			a->cmd_argv = &argv[i + 1];
			a->cmd_argc = argc - (i + 1);
			break;
		}
		rv = cli_option(a, c, argv[++i]);
		if (rv < 0) {
			printf("out of memory\n");
			return 1;
		}
		if (rv)
			return 1;
	}

	if (a->align_size &&
	    ondisk_sizes_from_pair(a->sector_size, a->align_size, &sz) < 0) {
		printf("Invalid sector_size/align_size combination (%d/%u)\n",
		       (int)a->sector_size, a->align_size);
		printf("Use one of: 512/1M, 4096/1M, 4096/2M, 4096/4M, 4096/8M.\n");
		return 1;
	}
	return 0;
}
