/*
 * monotime.c - CLOCK_MONOTONIC helpers (see monotime.h).  No state.
 */
#include <time.h>

#include "common/monotime.h"

uint64_t monotime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec ? (uint64_t)ts.tv_sec : 1;
}

uint64_t monotime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
