/*
 * proc.c - what the benchmark reads about a daemon from /proc: resident
 * memory (VmRSS), CPU time (the sum of every thread's schedstat run time,
 * nanosecond resolution; and utime+stime in clock ticks as a cross-check),
 * block I/O bytes (/proc/PID/io) and the load average.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"

#define PROC_MAX_THREADS 4096

long proc_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n++ < 256 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* Sum of the run time (ns) of the live threads of pid; *sig identifies
 * the set of thread ids (threads that exit take their time with them). */
static int proc_sched_ns(pid_t pid, double *ns, uint64_t *sig)
{
	char path[96];
	struct dirent *de;
	DIR *d;
	int n = 0;

	*ns = 0;
	*sig = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (n++ < PROC_MAX_THREADS && (de = readdir(d))) {
		unsigned long long run = 0;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		*sig += (uint64_t)strtoull(de->d_name, NULL, 10) *
			0x9E3779B97F4A7C15ull;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/schedstat",
			 (int)pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &run) == 1)
			*ns += (double)run;
		fclose(f);
	}
	closedir(d);
	return 0;
}

/* utime + stime of the whole process (exited threads included), in s. */
static int proc_ticks(pid_t pid, double *s)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = 0;
	p = strrchr(buf, ')');       /* comm may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu", &ut, &st) != 2)
		return -1;
	*s = (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

int proc_cpu(pid_t pid, double *sched_s, double *ticks_s)
{
	uint64_t sig;

	return proc_cpu_sig(pid, sched_s, ticks_s, &sig);
}

int proc_cpu_sig(pid_t pid, double *sched_s, double *ticks_s, uint64_t *sig)
{
	double ns;

	if (proc_sched_ns(pid, &ns, sig) < 0 || proc_ticks(pid, ticks_s) < 0)
		return -1;
	*sched_s = ns / 1e9;
	return 0;
}

int proc_io(pid_t pid, uint64_t *rbytes, uint64_t *wbytes)
{
	char path[64], line[128];
	unsigned long long v;
	FILE *f;
	int n = 0, got = 0;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n++ < 32 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "read_bytes: %llu", &v) == 1) {
			*rbytes = v;
			got++;
		} else if (sscanf(line, "write_bytes: %llu", &v) == 1) {
			*wbytes = v;
			got++;
		}
	}
	fclose(f);
	return got == 2 ? 0 : -1;
}

void proc_loadavg(double la[3])
{
	FILE *f = fopen("/proc/loadavg", "r");

	la[0] = la[1] = la[2] = -1;
	if (!f)
		return;
	if (fscanf(f, "%lf %lf %lf", &la[0], &la[1], &la[2]) != 3)
		la[0] = la[1] = la[2] = -1;
	fclose(f);
}
