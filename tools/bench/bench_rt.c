// SPDX-License-Identifier: GPL-2.0
/*
 * bench_rt.c - binder_bench's rt.* rows: steady-state round trips.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "binder_debugfs.h"

#include "bench.h"

/*
 * Round trips of 0 B and 4 KiB, pages installed: rows @prefix.0B.tput,
 * .p50, .p99 (and .max, the latency's DIST lines for the plots), the same
 * for 4KiB.
 */
void rt_measure(const char *prefix)
{
	static const size_t sizes[] = { 0, 4 * KiB };
	static const char *const names[] = { "0B", "4KiB" };
	struct series tput[2] = { 0 };
	struct lat_series lat[2] = { 0 };
	struct binder_alloc_pages before, after;
	struct samples round = { 0 };
	bool counted;
	char key[64];
	int rep;
	size_t i;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, 2, cpu_main(), 0) || !senders_start(1))
		goto out;
	/* ours counts installs: a page installed here was reclaimed while idle */
	counted = !binder_alloc_pages_read(&before) && before.installed >= 0;
	for (rep = 0; rep < opt.repeat; rep++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct sender_job job = {
				.size = sizes[i],
				.code = sizes[i],	/* reply as much */
				.count = opt.round_trips,
				.warmup = opt.round_trips / 10,
				.latencies = 1,
			};
			double seconds = senders_round(&job);

			if (seconds <= 0)
				goto out;
			series_add(&tput[i], job.count / seconds);
			samples_add(&round, shm->sender[0].lat_ns, job.count);
			snprintf(key, sizeof(key), "%s.%s", prefix, names[i]);
			lat_add(&lat[i], key, &round);
		}
	}
	printf("# %s: one sender, one server, request and reply of the same size, %d timed round trips per repetition\n",
	       prefix, opt.round_trips);
	if (counted && !binder_alloc_pages_read(&after))
		printf("# %s: meanwhile %ld pages installed and %ld reclaimed (the allocator's counters)\n",
		       prefix, after.installed - before.installed,
		       after.reclaimed - before.reclaimed);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(key, sizeof(key), "%s.%s.tput", prefix, names[i]);
		print_bench(key, "txn/s", "higher", &tput[i]);
		snprintf(key, sizeof(key), "%s.%s", prefix, names[i]);
		lat_print(key, &lat[i], true);
	}
out:
	free(round.v);
	senders_stop();
	server_stop();
	device_remove();
}

void bench_rt(void)
{
	rt_measure("rt");
}

