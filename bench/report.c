/*
 * report.c - the result table (Markdown, metric | ours | 3.8.5 | ratio |
 * target), the run's context (date, machine, load, command), notes on
 * anything that failed, and, last, the one-line summary:
 *   bench: acquire_p50=R acquire_p99=R release_p50=R throughput32=R
 *          io_bytes=R rss=R
 * (one line), each R = ours/3.8.5 with 2 decimals or n/a.  rss is the
 * RSS with the held leases.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"

void report_note(struct results *r, const char *fmt, ...)
{
	size_t len = strlen(r->notes);
	va_list ap;

	if (len + 2 >= sizeof(r->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes + len, sizeof(r->notes) - len - 1, fmt, ap);
	va_end(ap);
	len = strlen(r->notes);
	if (len + 1 < sizeof(r->notes)) {
		r->notes[len] = '\n';
		r->notes[len + 1] = 0;
	}
}

static double ratio(const double v[2])
{
	if (isnan(v[0]) || isnan(v[1]) || v[1] == 0)
		return NAN;
	return v[0] / v[1];
}

static void fmt_val(char *buf, size_t len, double v, const char *f)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, f, v);
}

/* target: "<=X" or ">=X" on the ratio, or NULL.  A row whose two values
 * were not measured under the same conditions gets no ratio. */
static void row_cmp(const char *metric, const double v[2], const char *f,
		    const char *target, int comparable)
{
	char a[32], b[32], q[32], t[48] = "";
	double r = comparable ? ratio(v) : NAN;

	fmt_val(a, sizeof(a), v[0], f);
	fmt_val(b, sizeof(b), v[1], f);
	fmt_val(q, sizeof(q), r, "%.2f");
	if (target && target[0] != '<' && target[0] != '>') {
		snprintf(t, sizeof(t), "%s", target);     /* free text */
	} else if (target) {
		double x = 0;
		int ge = target[0] == '>';

		sscanf(target + 2, "%lf", &x);
		snprintf(t, sizeof(t), "%s %s", target,
			 isnan(r) ? "n/a" :
			 (ge ? r >= x : r <= x) ? "met" : "MISSED");
	}
	printf("| %-46s | %10s | %10s | %6s | %-13s |\n", metric, a, b, q, t);
}

static void row(const char *metric, const double v[2], const char *f,
		const char *target)
{
	row_cmp(metric, v, f, target, 1);
}

static void row2(const char *metric, double o, double p, const char *f,
		 const char *target)
{
	double v[2] = { o, p };

	row(metric, v, f, target);
}

static void machine(void)
{
	char line[256], model[200] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");
	int n = 0;

	while (f && n++ < 10000 && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && p) {
			snprintf(model, sizeof(model), "%s", p + 2);
			model[strcspn(model, "\n")] = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	printf("machine: %ld CPUs (nproc), %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       model);
}

static void context(const struct opts *o, const struct results *r)
{
	char date[64];
	time_t t = time(NULL);
	int i;

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", localtime(&t));
	printf("\n## sanlock-bench: ours vs sanlock 3.8.5\n\n");
	printf("date: %s\n", date);
	machine();
	printf("load average (1/5/15 min): start %.2f %.2f %.2f, end %.2f "
	       "%.2f %.2f%s\n", r->load_start[0], r->load_start[1],
	       r->load_start[2], r->load_end[0], r->load_end[1],
	       r->load_end[2],
	       r->load_start[0] > 1 || r->load_end[0] > 1 ?
	       " (machine busy: numbers are indicative)" : "");
	printf("ours:  %s + %s\n3.8.5: %s + %s\n", o->ours_daemon,
	       o->ours_lib, o->peer_daemon, o->peer_lib);
	printf("command:");
	for (i = 0; i < o->argc; i++)
		printf(" %s", o->argv[i]);
	printf("\n\n");
}

void report_print(const struct opts *o, const struct results *r)
{
	int held_same = r->held_n[0] == r->held_n[1];
	char m[64];
	int c;

	context(o, r);
	printf("| %-46s | %10s | %10s | %6s | %-13s |\n", "metric", "ours",
	       "3.8.5", "ratio", "target");
	printf("|%s|%s|%s|%s|%s|\n", "------------------------------------------------",
	       "------------", "------------", "--------", "---------------");
	row2("acquire latency p50 (ms)", r->acq_p50[0] * 1e3,
	     r->acq_p50[1] * 1e3, "%.3f", "<=0.5");
	row2("acquire latency p99 (ms)", r->acq_p99[0] * 1e3,
	     r->acq_p99[1] * 1e3, "%.3f", "<=0.5");
	row2("release latency p50 (ms)", r->rel_p50[0] * 1e3,
	     r->rel_p50[1] * 1e3, "%.3f", "<=1.0");
	row2("release latency p99 (ms)", r->rel_p99[0] * 1e3,
	     r->rel_p99[1] * 1e3, "%.3f", "<=1.0");
	row("I/O ops per acquire+release", r->io_ops, "%.1f", NULL);
	row("  reads per acquire+release", r->io_reads, "%.1f", NULL);
	row("  writes per acquire+release", r->io_writes, "%.1f", NULL);
	row("I/O bytes per acquire+release", r->io_bytes, "%.0f", "<=1.0");
	row("  bytes read", r->io_rbytes, "%.0f", NULL);
	row("  bytes written", r->io_wbytes, "%.0f", NULL);
	for (c = 0; c < 3; c++) {
		snprintf(m, sizeof(m), "throughput, %d clients (pairs/s)",
			 o->tput_clients[c]);
		row(m, r->tput[c], "%.1f", c == 2 ? ">=2.0" : NULL);
	}
	snprintf(m, sizeof(m), "  daemon CPU per pair, %d clients (ms)",
		 o->tput_clients[2]);
	row(m, r->tput_cpu[2], "%.3f", NULL);
	row("add_lockspace io_timeout 1, median (s)", r->add_s, "%.2f",
	    "protocol 2 s");
	row("add_lockspace io_timeout 1, max (s)", r->add_max, "%.2f", NULL);
	row("rem_lockspace, median (s)", r->rem_s, "%.2f", "protocol 0 s");
	row("rem_lockspace, max (s)", r->rem_max, "%.2f", NULL);
	row("renewal CPU, 2000 hosts/100 live (ms/renewal)", r->renew_cpu_ms,
	    "%.3f", "<=1.0");
	row("  same from utime+stime ticks (ms/renewal)", r->renew_ticks_ms,
	    "%.2f", NULL);
	row("renewal I/O bytes per renewal", r->renew_io, "%.0f", NULL);
	row("renewals counted", r->renew_n, "%.0f", NULL);
	row("daemon CPU idle, no lockspace (ms/s)", r->idle_cpu, "%.3f", NULL);
	row("RSS idle (KiB)", r->rss_idle, "%.0f", "<=1.0");
	row("RSS 10 lockspaces (KiB)", r->rss_ls, "%.0f", "<=1.0");
	snprintf(m, sizeof(m), "RSS %d held leases (KiB)", r->held_n[0]);
	if (!held_same)
		snprintf(m, sizeof(m), "RSS held leases %d/%d (KiB)",
			 r->held_n[0], r->held_n[1]);
	row_cmp(m, r->rss_held, "%.0f", "<=1.0", held_same);
	snprintf(m, sizeof(m), "time to acquire %d leases (s)", r->held_n[0]);
	if (!held_same)
		snprintf(m, sizeof(m), "time to acquire %d/%d leases (s)",
			 r->held_n[0], r->held_n[1]);
	row_cmp(m, r->held_acq_s, "%.2f", NULL, held_same);
	printf("\nlatency: %d/%d pairs (ours/3.8.5) in %d alternating rounds; "
	       "I/O: strace -f -y of the daemon, calls on the resource file, "
	       "%d pairs\n", r->lat_n[0], r->lat_n[1], o->rounds, o->io_pairs);
	if (r->notes[0])
		printf("\nnotes:\n%s", r->notes);
	printf("\n");
	{
		double v[6] = {
			ratio((double[2]){ r->acq_p50[0], r->acq_p50[1] }),
			ratio((double[2]){ r->acq_p99[0], r->acq_p99[1] }),
			ratio((double[2]){ r->rel_p50[0], r->rel_p50[1] }),
			ratio(r->tput[2]),
			ratio(r->io_bytes),
			held_same ? ratio(r->rss_held) : NAN,
		};
		static const char *k[6] = { "acquire_p50", "acquire_p99",
					    "release_p50", "throughput32",
					    "io_bytes", "rss" };
		int i;

		printf("bench:");
		for (i = 0; i < 6; i++) {
			if (isnan(v[i]))
				printf(" %s=n/a", k[i]);
			else
				printf(" %s=%.2f", k[i], v[i]);
		}
		printf("\n");
	}
	fflush(stdout);
}
