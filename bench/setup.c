/*
 * setup.c - lease files of one side and lockspace membership, done through
 * that side's own daemon and library (write_lockspace, write_resource,
 * add/rem_lockspace), so each implementation formats its own files.
 *
 * Files per side (equal sizes on both sides), 512-byte sectors, 1 MiB
 * align, host_id 1 everywhere:
 *   join.ls   1 MiB   "bjoin"   add/rem timing (io_timeout 1)
 *   renew.ls  1 MiB   "brenew"  renewal cost, 2000 host slots
 *   main.ls   1 MiB   "bench"   the lockspace the leases belong to
 *   extra.ls  9 MiB   "bx1".."bx9" the RSS-with-10-lockspaces run
 *   res.img   N MiB   "bench":"r<i>" resource lease i at i MiB
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define SETUP_JOIN_WAIT_S 300.0
#define SETUP_EAGAIN_TRIES 50     /* io_setup can hit the system-wide
				     fs.aio-max-nr while other programs
				     use AIO: retry, 0.2 s apart */

struct setup_arg {
	const struct opts *o;
	int nres;
	const char *name, *file;
	int count, io_timeout, join;
};

void setup_ls(struct sanlk_lockspace *ls, const struct side *s,
	      const char *name, const char *file, uint64_t offset)
{
	memset(ls, 0, sizeof(*ls));
	snprintf(ls->name, sizeof(ls->name), "%s", name);
	ls->host_id = 1;
	snprintf(ls->host_id_disk.path, sizeof(ls->host_id_disk.path),
		 "%s/%s", s->dir, file);
	ls->host_id_disk.offset = offset;
}

/* r must have room for one disk. */
void setup_res(struct sanlk_resource *r, const struct side *s, int i)
{
	memset(r, 0, sizeof(*r) + sizeof(struct sanlk_disk));
	snprintf(r->lockspace_name, sizeof(r->lockspace_name), "%s",
		 BENCH_LS_NAME);
	snprintf(r->name, sizeof(r->name), "r%d", i);
	r->num_disks = 1;
	snprintf(r->disks[0].path, sizeof(r->disks[0].path), "%s",
		 s->res_path);
	r->disks[0].offset = (uint64_t)i * BENCH_ALIGN;
}

static int make_file(const struct side *s, const char *file, off_t size)
{
	char path[400];
	int fd, rv;

	snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	rv = ftruncate(fd, size);
	close(fd);
	return rv;
}

static int write_ls(struct side *s, const char *name, const char *file,
		    uint64_t offset, int io_timeout)
{
	struct sanlk_lockspace ls;
	int rv, n = 0;

	setup_ls(&ls, s, name, file, offset);
	do {
		if (n)
			sleep_s(0.2);
		rv = s->api.write_ls(&ls, 0, 0, (uint32_t)io_timeout);
	} while (rv == -EAGAIN && ++n < SETUP_EAGAIN_TRIES);
	if (rv < 0)
		fprintf(stderr, "bench: %s: write_lockspace %s: %d\n",
			s->label, name, rv);
	return rv;
}

static int setup_write_fn(struct side *s, void *arg, int out, int in)
{
	const struct setup_arg *a = arg;
	char buf[sizeof(struct sanlk_resource) + sizeof(struct sanlk_disk)];
	struct sanlk_resource *r = (struct sanlk_resource *)buf;
	char name[16];
	int rv = 0, i;

	rv |= write_ls(s, "bjoin", "join.ls", 0, 1);
	rv |= write_ls(s, "brenew", "renew.ls", 0, 1);
	rv |= write_ls(s, BENCH_LS_NAME, "main.ls", 0, a->o->io_timeout);
	for (i = 0; i < BENCH_EXTRA_LS; i++) {
		snprintf(name, sizeof(name), "bx%d", i + 1);
		rv |= write_ls(s, name, "extra.ls",
			       (uint64_t)i * BENCH_ALIGN, 1);
	}
	for (i = 0; i < a->nres && !rv; i++) {
		int n = 0;

		setup_res(r, s, i);
		do {
			if (n)
				sleep_s(0.2);
			rv = s->api.write_res(r, 0, 0, 0);
		} while (rv == -EAGAIN && ++n < SETUP_EAGAIN_TRIES);
		if (rv < 0)
			fprintf(stderr, "bench: %s: write_resource r%d: %d\n",
				s->label, i, rv);
	}
	return xwrite(out, &rv, sizeof(rv));
}

/* Returns a mask of the sides that failed (bit k = sides[k]). */
int setup_files(struct side *sides, const struct opts *o)
{
	struct setup_arg a = { .o = o };
	int k, rv, mask = 0;

	a.nres = o->held > o->tput_res ? o->held : o->tput_res;
	for (k = 0; k < BENCH_SIDES; k++) {
		struct side *s = &sides[k];

		if (make_file(s, "join.ls", BENCH_ALIGN) ||
		    make_file(s, "renew.ls", BENCH_ALIGN) ||
		    make_file(s, "main.ls", BENCH_ALIGN) ||
		    make_file(s, "extra.ls",
			      (off_t)BENCH_EXTRA_LS * BENCH_ALIGN) ||
		    make_file(s, "res.img", (off_t)a.nres * BENCH_ALIGN)) {
			mask |= 1 << k;
			continue;
		}
		if (child_call(s, setup_write_fn, &a, &rv, sizeof(rv),
			       600.0) < 0 || rv < 0) {
			fprintf(stderr, "bench: %s: formatting failed\n",
				s->label);
			mask |= 1 << k;
		}
	}
	return mask;
}

static void ls_name(char *buf, size_t len, const struct setup_arg *a, int i)
{
	if (a->count == 1)
		snprintf(buf, len, "%s", a->name);
	else
		snprintf(buf, len, "%s%d", a->name, i + 1);
}

/* Adds (or removes) every lockspace asynchronously, then polls until all
 * are joined (or gone). */
static int setup_join_fn(struct side *s, void *arg, int out, int in)
{
	const struct setup_arg *a = arg;
	struct sanlk_lockspace ls;
	double end = now_s() + SETUP_JOIN_WAIT_S;
	char name[48];
	int rv = 0, i, pending = 1, n = 0;

	for (i = 0; i < a->count && !rv; i++) {
		ls_name(name, sizeof(name), a, i);
		setup_ls(&ls, s, name, a->file, (uint64_t)i * BENCH_ALIGN);
		rv = a->join ? s->api.add_ls(&ls, SANLK_ADD_ASYNC,
					     (uint32_t)a->io_timeout)
			     : s->api.rem_ls(&ls, SANLK_REM_ASYNC);
		if (rv < 0)
			fprintf(stderr, "bench: %s: %s_lockspace %s: %d\n",
				s->label, a->join ? "add" : "rem", name, rv);
	}
	while (!rv && pending && n++ < 100000 && now_s() < end) {
		pending = 0;
		for (i = 0; i < a->count && !rv; i++) {
			int q;

			ls_name(name, sizeof(name), a, i);
			setup_ls(&ls, s, name, a->file,
				 (uint64_t)i * BENCH_ALIGN);
			q = s->api.inq_ls(&ls, 0);
			if (q == -EINPROGRESS)
				pending = 1;
			else if (a->join && q != 0)
				rv = q;
			else if (!a->join && q != -ENOENT)
				pending = 1;
		}
		if (pending)
			sleep_s(0.05);
	}
	if (!rv && pending)
		rv = -ETIMEDOUT;
	return xwrite(out, &rv, sizeof(rv));
}

/* Joins (join=1) or leaves count lockspaces on both sides in parallel.
 * Returns a mask of the sides that failed (bit k = sides[k]). */
int setup_join(struct side *sides, const char *name, const char *file,
	       int count, int io_timeout, int join)
{
	struct setup_arg a = { .name = name, .file = file, .count = count,
			       .io_timeout = io_timeout, .join = join };
	struct child c[BENCH_SIDES];
	int k, mask = 0, res[BENCH_SIDES] = { -1, -1 };

	for (k = 0; k < BENCH_SIDES; k++)
		c[k].pid = 0;
	for (k = 0; k < BENCH_SIDES; k++)
		if (!sides[k].ok ||
		    child_spawn(&c[k], &sides[k], setup_join_fn, &a) < 0)
			c[k].pid = 0;
	for (k = 0; k < BENCH_SIDES; k++) {
		if (!c[k].pid) {
			mask |= 1 << k;
			continue;
		}
		if (child_read(&c[k], &res[k], sizeof(int),
			       SETUP_JOIN_WAIT_S + 30) < 0)
			res[k] = -1;
		if (child_finish(&c[k], 10.0) != 0 && res[k] == 0)
			res[k] = -1;
		if (res[k] != 0) {
			fprintf(stderr, "bench: %s: %s %s x%d: %d\n",
				sides[k].label, join ? "join" : "leave", name,
				count, res[k]);
			mask |= 1 << k;
		}
	}
	return mask;
}
