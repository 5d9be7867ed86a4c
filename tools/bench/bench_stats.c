// SPDX-License-Identifier: GPL-2.0
/*
 * bench_stats.c - binder_bench's results: series of one value a repetition,
 * latency samples and their quantiles, and the BENCH and DIST lines.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void series_add(struct series *s, double value)
{
	if (s->n < (int)ARRAY_SIZE(s->v))
		s->v[s->n++] = value;
}

void print_bench(const char *key, const char *unit, const char *better,
			const struct series *s)
{
	int i;

	if (!s->n) {
		printf("# %s: no result\n", key);
		return;
	}
	printf("BENCH %s %s %s", key, unit, better);
	for (i = 0; i < s->n; i++)
		printf(" %.6g", s->v[i]);
	printf("\n");
	fflush(stdout);
}

void samples_add(struct samples *s, const long *v, long n)
{
	long *grown;

	if (s->n + n > s->cap) {
		long cap = (s->n + n) * 2;

		grown = realloc(s->v, cap * sizeof(*s->v));
		if (!grown) {
			failures++;
			return;
		}
		s->v = grown;
		s->cap = cap;
	}
	memcpy(s->v + s->n, v, n * sizeof(*v));
	s->n += n;
}

/* The nearest-rank quantile @q (0..1) of sorted samples, in us. */
static double samples_quantile_us(const struct samples *s, double q)
{
	long i = (long)(q * s->n);

	return s->v[i < s->n ? i : s->n - 1] / 1000.0;
}

/*
 * A latency distribution for the plots (bench_plot.py), per repetition:
 * DIST <key> us <n> and the 101 quantiles 0, 0.01 ... 1 (min to max).
 */
static void print_dist(const char *key, const struct samples *s)
{
	int i;

	printf("DIST %s us %ld", key, s->n);
	for (i = 0; i <= 100; i++)
		printf(" %.4g", samples_quantile_us(s, i / 100.0));
	printf("\n");
}

/* Sort a repetition's samples, add its p50/p99/max, print its DIST line. */
void lat_add(struct lat_series *l, const char *key, struct samples *s)
{
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_long);
	series_add(&l->p50, samples_quantile_us(s, 0.5));
	series_add(&l->p99, samples_quantile_us(s, 0.99));
	series_add(&l->max, s->v[s->n - 1] / 1000.0);
	print_dist(key, s);
	s->n = 0;
}

/* BENCH <key>.p50, .p99 and, if @with_max, .max */
void lat_print(const char *key, const struct lat_series *l, bool with_max)
{
	char name[80];

	snprintf(name, sizeof(name), "%s.p50", key);
	print_bench(name, "us", "lower", &l->p50);
	snprintf(name, sizeof(name), "%s.p99", key);
	print_bench(name, "us", "lower", &l->p99);
	if (with_max) {
		snprintf(name, sizeof(name), "%s.max", key);
		print_bench(name, "us", "lower", &l->max);
	}
}

