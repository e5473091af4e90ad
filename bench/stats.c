/*
 * stats.c - percentiles of measured samples (nearest-rank method).
 */
#include <math.h>
#include <stdlib.h>

#include "bench/bench.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* pct in 0..100; sorts v in place; NAN when there are no samples. */
double stat_pct(double *v, int n, double pct)
{
	int k;

	if (n <= 0)
		return NAN;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	k = (int)ceil(pct / 100.0 * n) - 1;
	if (k < 0)
		k = 0;
	if (k >= n)
		k = n - 1;
	return v[k];
}
