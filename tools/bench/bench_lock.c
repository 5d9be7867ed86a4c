// SPDX-License-Identifier: GPL-2.0
/*
 * bench_lock.c - binder_bench's lock.* rows: the target's mmap_lock traffic
 * per installed page.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "bench_trace.h"

#include "bench.h"

/*
 * Counts that do not depend on how many CPUs run them: what installing
 * fresh pages does to the target's mmap_lock. Each repetition records one
 * install round into an idle target (nothing else of it runs) with the
 * mmap_lock tracepoints on; rows per installed page: write and read
 * acquisitions of the target's mmap_lock, the time the installers waited
 * for it and held it for write, and the per-VMA lock failures
 * (vma_lock_abort + vma_lock_miss of /proc/vmstat, for every mm).
 */
static void lock_measure(const char *key, int senders)
{
	struct install_case c = {
		.key = key, .what = "fresh pages, mmap_lock traced",
		.senders = senders, .fresh = true, .traced = true,
	};
	enum { WRITE, READ, WAIT, HOLD, VMA_FAIL, ROWS };
	static const char *const rows[ROWS][2] = {
		{ "write", "acq/page" }, { "read", "acq/page" },
		{ "wait", "us/page" }, { "hold", "us/page" },
		{ "vma_fail", "fails/page" },
	};
	struct series row[ROWS] = { 0 };
	struct mmap_lock_traffic t;
	struct install_round r;
	long vma[4] = { 0 }, try_failed = 0, events = 0, pages = 0;
	bool vma_stats = true;
	char name[80];
	int rep, i;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, senders + 1,
			  senders == 1 ? cpu_main() : CPU_ANY, 0) ||
	    !senders_start(senders))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		if (!install_round(&c, &r))
			goto out;
		if (!mmap_lock_trace_count(server_pid, &t)) {
			failures++;
			goto out;
		}
		pages += r.pages;
		events += t.events;
		try_failed += t.try_failed;
		series_add(&row[WRITE], (double)t.write_acquired / r.pages);
		series_add(&row[READ], (double)t.read_acquired / r.pages);
		series_add(&row[WAIT], t.wait_us / r.pages);
		series_add(&row[HOLD], t.write_hold_us / r.pages);
		for (i = 0; i < 4; i++) {
			if (r.vma_lock[i] < 0)
				vma_stats = false;
			vma[i] += r.vma_lock[i];
		}
		series_add(&row[VMA_FAIL], (double)(r.vma_lock[1] + r.vma_lock[3]) /
			   r.pages);
	}
	printf("# %s: %d sender%s install %ld fresh pages in all into an idle target, mmap_lock traced: %ld events of the target's mm, %ld failed trylocks\n",
	       key, senders, senders > 1 ? "s" : "", pages, events, try_failed);
	if (vma_stats)
		printf("# %s: /proc/vmstat meanwhile: vma_lock_success %ld, vma_lock_abort %ld, vma_lock_retry %ld, vma_lock_miss %ld\n",
		       key, vma[0], vma[1], vma[2], vma[3]);
	else
		printf("# %s: no vma_lock_* in /proc/vmstat (CONFIG_PER_VMA_LOCK_STATS)\n", key);
	for (i = 0; i < (vma_stats ? ROWS : VMA_FAIL); i++) {
		snprintf(name, sizeof(name), "%s.%s", key, rows[i][0]);
		print_bench(name, rows[i][1], "lower", &row[i]);
	}
out:
	senders_stop();
	server_stop();
	device_remove();
}

void bench_lock(void)
{
	if (!mmap_lock_trace_open()) {
		printf("# lock: no mmap_lock events in tracefs (CONFIG_TRACING): no lock.* rows\n");
		return;
	}
	lock_measure("lock.1sender", 1);
	lock_measure("lock.senders", opt.senders);
}

