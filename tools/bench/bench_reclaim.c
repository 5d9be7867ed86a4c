// SPDX-License-Identifier: GPL-2.0
/*
 * bench_reclaim.c - binder_bench's reclaim.* rows: the shrinker's debugfs
 * scan with and without churn in the owner, and pages left behind.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binder_debugfs.h"

#include "bench.h"

/* Every page of the server's space installed, then put on the LRU. */
static bool reclaim_fill(void)
{
	struct sender_job job = {
		.size = RECLAIM_FILL_TXN,
		.code = REQ_HOLD,
		.count = SERVER_MAP / RECLAIM_FILL_TXN,
	};

	if (shrink_all() != 0)
		printf("# reclaim: the shrinker left pages on the LRU before the fill\n");
	return senders_round(&job) > 0 && server_command(CMD_FREE_HELD);
}

struct reclaim_result {
	long reclaimed;
	long left_after_first;	/* skipped by the first scan */
	int scans;
	double seconds;
};

/* Scan until the LRU is empty or @max_ns have passed. */
static bool reclaim_scan(long max_ns, struct reclaim_result *r)
{
	long before = binder_shrinker_count(), count = before;
	long start = now_ns(), elapsed = 0;

	memset(r, 0, sizeof(*r));
	while (count > 0 && (r->scans == 0 || elapsed < max_ns)) {
		if (binder_shrinker_scan(1UL << 30))
			return false;
		elapsed = now_ns() - start;
		count = binder_shrinker_count();
		if (r->scans++ == 0)
			r->left_after_first = count;
	}
	r->reclaimed = before - count;
	r->seconds = elapsed / 1e9;
	return r->seconds > 0;
}

static void reclaim_rates(void)
{
	struct series rate = { 0 }, rate_churn = { 0 }, skipped = { 0 };
	struct reclaim_result r;
	long ops, churn_ops = 0, scans = 0, left = 0;
	double churn_seconds = 0;
	int rep;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, 2, cpu_main(), opt.churners) ||
	    !senders_start(1))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		if (!reclaim_fill() || !reclaim_scan(0, &r))
			goto out;
		series_add(&rate, r.reclaimed / r.seconds);

		if (!reclaim_fill())
			goto out;
		set_churn(true);
		ops = shm->server.churn_ops;
		if (!reclaim_scan(CHURN_RECLAIM_MAX_NS, &r))
			goto out;
		churn_ops += shm->server.churn_ops - ops;
		set_churn(false);
		series_add(&rate_churn, r.reclaimed / r.seconds);
		series_add(&skipped, r.left_after_first);
		scans += r.scans;
		left += binder_shrinker_count();
		churn_seconds += r.seconds;
		shrink_all();
	}
	printf("# reclaim: %lu pages on the LRU per scan; under churn (%d threads, %.0f mmap+munmap/s) %.1f scans were needed on average, %ld pages were still left after %.0f s in all\n",
	       SERVER_MAP / PAGE, opt.churners, churn_ops / churn_seconds,
	       (double)scans / opt.repeat, left, CHURN_RECLAIM_MAX_NS / 1e9);
	print_bench("reclaim.rate", "pages/s", "higher", &rate);
	print_bench("reclaim.rate.churn", "pages/s", "higher", &rate_churn);
	print_bench("reclaim.skipped.churn", "pages", "lower", &skipped);
out:
	set_churn(false);
	senders_stop();
	server_stop();
	device_remove();
}

/*
 * Install and free every page, unmap the space, map anonymous memory at
 * the same address, scan: the pages still on the LRU are left behind
 * until the process exits.
 */
static long reclaim_leftover_once(void)
{
	long left = -1;

	if (!device_create())
		return -1;
	if (!server_start(SERVER_MAP, 1, cpu_main(), 0) || !senders_start(1) ||
	    !reclaim_fill() || !server_command(CMD_REMAP))
		goto out;
	left = shrink_all();
out:
	senders_stop();
	server_stop();
	device_remove();
	return left;
}

static void reclaim_leftover(void)
{
	struct series left = { 0 };
	long n, after_exit = 0;
	int rep, i;

	for (rep = 0; rep < opt.repeat; rep++) {
		n = reclaim_leftover_once();
		if (n < 0)
			break;
		series_add(&left, n);
		/* binder frees them at release: nothing may stay */
		for (i = 0; i < 200 && (after_exit = binder_shrinker_count()) > 0; i++)
			usleep(10000);
	}
	printf("# reclaim.leftover.remap: %lu pages on the LRU, then munmap + anonymous mmap at the same address, then scan; %ld left after the process exited\n",
	       SERVER_MAP / PAGE, after_exit);
	print_bench("reclaim.leftover.remap", "pages", "lower", &left);
}

void bench_reclaim(void)
{
	reclaim_rates();
	reclaim_leftover();
}

