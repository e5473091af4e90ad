/*
 * iocount.c - I/O operations and bytes per acquire+release, counted the
 * same way for both daemons: strace -f -y on the daemon pid while one
 * client does io_pairs acquire+release pairs of r0, then every I/O system
 * call (io_submit iocbs, pread64/pwrite64/preadv/pwritev and their v2
 * forms, read/write) whose file descriptor is the resource file (strace
 * -y prints the path of each fd) is added up.  Renewals of the "bench"
 * lockspace go to main.ls, so they are not counted.  Bytes are the
 * requested lengths (aio_nbytes) for io_submit and the return value for
 * the synchronous calls.  /proc/PID/io read_bytes/write_bytes deltas over
 * the same pairs are kept as a cross-check (they include renewals and, for
 * writes, file system metadata).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define IO_LINE_MAX      8192
#define IO_PENDING_MAX   64
#define IO_ATTACH_WAIT_S 10.0

struct io_count {
	double reads, writes, rbytes, wbytes;
};

struct io_arg {
	int pairs;
};

static int io_fn(struct side *s, void *arg, int out, int in)
{
	const struct io_arg *a = arg;
	char buf[sizeof(struct sanlk_resource) + sizeof(struct sanlk_disk)];
	struct sanlk_resource *r = (struct sanlk_resource *)buf;
	struct sanlk_resource *rr[1] = { r };
	int fd, i, rv = 0;

	setup_res(r, s, 0);
	fd = s->api.reg();
	if (fd < 0)
		rv = fd;
	for (i = 0; fd >= 0 && i < a->pairs && !rv; i++) {
		rv = s->api.acquire(fd, -1, 0, 1, rr, NULL);
		if (!rv)
			rv = s->api.release(fd, -1, 0, 1, rr);
	}
	if (fd >= 0)
		close(fd);
	return xwrite(out, &rv, sizeof(rv));
}

static pid_t strace_start(const struct side *s, const char *out,
			  const char *err)
{
	char pidbuf[16];
	pid_t pid;

	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)s->pid);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			dup2(fd, 2);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execlp("strace", "strace", "-f", "-y", "-s", "64", "-o", out,
		       "-e", "trace=io_submit,pread64,pwrite64,preadv,pwritev,"
		       "preadv2,pwritev2,read,write", "-p", pidbuf,
		       (char *)NULL);
		_exit(127);
	}
	pids_add(pid);
	return pid;
}

/* strace reports "Process N attached" on stderr once it traces. */
static int strace_attached(const char *err)
{
	char line[256];
	int found = 0, n = 0;
	FILE *f = fopen(err, "r");

	if (!f)
		return 0;
	while (!found && n++ < 1000 && fgets(line, sizeof(line), f))
		found = strstr(line, "attached") != NULL;
	fclose(f);
	return found;
}

/* Adds one complete strace line to c if it is I/O on path. */
static void io_line(const char *line, const char *tag, struct io_count *c)
{
	static const char *sync_read[] = { "pread64(", "preadv(", "preadv2(",
					   "read(" };
	static const char *sync_write[] = { "pwrite64(", "pwritev(",
					    "pwritev2(", "write(" };
	const char *p = line, *q;
	unsigned int i;
	int guard = 0;

	if (strstr(line, "io_submit(")) {
		while ((p = strstr(p, "aio_lio_opcode=IOCB_CMD_")) &&
		       guard++ < 1024) {
			int is_read = !strncmp(p + 24, "PREAD", 5);
			const char *fdp, *nb, *end;

			/* This iocb ends where the next one starts; do not
			 * look for '}': aio_buf may print one. */
			p += 24;
			end = strstr(p, "aio_lio_opcode=IOCB_CMD_");
			if (!end)
				end = p + strlen(p);
			fdp = strstr(p, "aio_fildes=");
			nb = strstr(p, "aio_nbytes=");
			if (!fdp || !nb || fdp > end || nb > end)
				continue;
			q = strstr(fdp, tag);
			if (!q || q > nb)
				continue;
			if (is_read) {
				c->reads++;
				c->rbytes += strtod(nb + 11, NULL);
			} else {
				c->writes++;
				c->wbytes += strtod(nb + 11, NULL);
			}
		}
		return;
	}
	/* "TID name(FD</path>, ...) = N" */
	p = strchr(line, ' ');
	if (!p)
		return;
	p++;
	q = strstr(p, tag);
	if (!q || !(q = strstr(q, ") = ")))
		return;
	/* the path must be the first argument's */
	if (!strchr(p, ',') || strstr(p, tag) > strchr(p, ','))
		return;
	for (i = 0; i < 4; i++) {
		if (!strncmp(p, sync_read[i], strlen(sync_read[i]))) {
			c->reads++;
			c->rbytes += strtod(q + 4, NULL);
		}
		if (!strncmp(p, sync_write[i], strlen(sync_write[i]))) {
			c->writes++;
			c->wbytes += strtod(q + 4, NULL);
		}
	}
}

/* Joins "<unfinished ...>" / "<... resumed>" halves per thread id. */
static int io_parse(const char *file, const char *path, struct io_count *c)
{
	static char pend[IO_PENDING_MAX][IO_LINE_MAX];
	static int pend_tid[IO_PENDING_MAX];
	char *line = malloc(IO_LINE_MAX), *full = malloc(2 * IO_LINE_MAX);
	char tag[PATH_MAX + 4];
	FILE *f = fopen(file, "r");
	int n = 0, i;

	memset(c, 0, sizeof(*c));
	memset(pend_tid, 0, sizeof(pend_tid));
	if (!f || !line || !full) {
		if (f)
			fclose(f);
		free(line);
		free(full);
		return -1;
	}
	snprintf(tag, sizeof(tag), "<%s>", path);
	while (n++ < 50000000 && fgets(line, IO_LINE_MAX, f)) {
		int tid = atoi(line);
		char *u = strstr(line, " <unfinished ...>");
		char *rs = strstr(line, " resumed>");

		if (u) {
			for (i = 0; i < IO_PENDING_MAX; i++)
				if (!pend_tid[i] || pend_tid[i] == tid)
					break;
			if (i < IO_PENDING_MAX) {
				*u = 0;
				pend_tid[i] = tid;
				snprintf(pend[i], IO_LINE_MAX, "%s", line);
			}
			continue;
		}
		if (rs && strstr(line, "<... ")) {
			for (i = 0; i < IO_PENDING_MAX; i++)
				if (pend_tid[i] == tid)
					break;
			if (i == IO_PENDING_MAX)
				continue;
			snprintf(full, 2 * IO_LINE_MAX, "%s%s", pend[i],
				 rs + 9);
			pend_tid[i] = 0;
			io_line(full, tag, c);
			continue;
		}
		io_line(line, tag, c);
	}
	fclose(f);
	free(line);
	free(full);
	return 0;
}

static int io_side(struct side *s, const struct opts *o, struct results *r,
		   int k)
{
	char out[400], err[400], real[PATH_MAX];
	struct io_arg a = { .pairs = o->io_pairs };
	uint64_t rb0 = 0, wb0 = 0, rb1 = 0, wb1 = 0;
	struct io_count c;
	double end;
	pid_t st;
	int rv = -1, i;

	snprintf(out, sizeof(out), "%s/strace.out", s->dir);
	snprintf(err, sizeof(err), "%s/strace.err", s->dir);
	if (!realpath(s->res_path, real))
		return -1;
	st = strace_start(s, out, err);
	if (st < 0)
		return -1;
	end = now_s() + IO_ATTACH_WAIT_S;
	for (i = 0; i < 1000 && !strace_attached(err) && now_s() < end; i++)
		sleep_s(0.02);
	sleep_s(0.3);                 /* let it attach every thread */
	proc_io(s->pid, &rb0, &wb0);
	if (child_call(s, io_fn, &a, &rv, sizeof(rv), 300.0) < 0)
		rv = -1;
	proc_io(s->pid, &rb1, &wb1);
	sleep_s(0.3);
	kill(st, SIGINT);
	if (pids_wait(st, 10.0) < 0) {
		kill(st, SIGKILL);
		pids_wait(st, 5.0);
	}
	if (rv) {
		report_note(r, "%s: I/O count run failed: %d", s->label, rv);
		return -1;
	}
	if (io_parse(out, real, &c) < 0 || c.reads + c.writes == 0) {
		report_note(r, "%s: strace saw no I/O on %s (is strace "
			    "installed and allowed to attach?)", s->label, real);
		return -1;
	}
	r->io_reads[k] = c.reads / a.pairs;
	r->io_writes[k] = c.writes / a.pairs;
	r->io_ops[k] = (c.reads + c.writes) / a.pairs;
	r->io_rbytes[k] = c.rbytes / a.pairs;
	r->io_wbytes[k] = c.wbytes / a.pairs;
	r->io_bytes[k] = (c.rbytes + c.wbytes) / a.pairs;
	report_note(r, "%s: /proc/PID/io per pair (cross-check, includes "
		    "renewals and fs metadata): read %.0f B, write %.0f B",
		    s->label, (double)(rb1 - rb0) / a.pairs,
		    (double)(wb1 - wb0) / a.pairs);
	fprintf(stderr, "bench: io %s: %.1f reads %.1f writes %.0f bytes "
		"per pair\n", s->label, r->io_reads[k], r->io_writes[k],
		r->io_bytes[k]);
	return 0;
}

int phase_io(struct side *sides, const struct opts *o, struct results *r)
{
	int k;

	for (k = 0; k < BENCH_SIDES; k++)
		if (sides[k].joined && !r->lat_first_err[k])
			io_side(&sides[k], o, r, k);
	return 0;
}
