/*
 * time.c - monotonic clock helpers for the benchmark.
 */
#include <errno.h>
#include <time.h>

#include "bench/bench.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sleep_s(double s)
{
	struct timespec ts;
	int n = 0;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	/* EINTR resumes with the time left; bounded all the same */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && n++ < 1000)
		;
}
