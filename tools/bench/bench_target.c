// SPDX-License-Identifier: GPL-2.0
/*
 * bench_target.c - binder_bench's target.* rows: the receiving process's
 * own latency while senders install into it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

/* A slow iteration of the prober: some ten times its idle median. */
#define PROBE_SLOW_NS	1000000L

/*
 * The iterations of a repetition over PROBE_SLOW_NS, per 1000 pages the
 * senders installed meanwhile. The p99 alone misleads when one kernel
 * installs faster: its window is shorter, so the same stalls are a larger
 * share of fewer iterations. This counts them against the work done.
 */
static double slow_per_kpage(const struct samples *s, long pages)
{
	long i, slow = 0;

	for (i = 0; i < s->n; i++)
		slow += s->v[i] > PROBE_SLOW_NS;
	return pages ? slow * 1000.0 / pages : 0;
}

/*
 * What installing into a process costs that process: its prober thread
 * (server_prober()) times mmap + touch + munmap while @senders send
 * fresh-page transactions to it, or, with no sender, for PROBE_IDLE_US a
 * round. Rows @target_key.p50/.p99/.max over each repetition's
 * iterations, with senders @target_key.slow too; with a @sender_key, the
 * senders' transaction latencies and their install rate too.
 */
void target_measure(const char *target_key, const char *sender_key,
			   int senders)
{
	struct install_case c = {
		.key = target_key, .what = "fresh pages, target probed",
		.senders = senders, .fresh = true, .probed = true,
	};
	struct lat_series target = { 0 }, sender = { 0 };
	struct samples tgt = { 0 }, snd = { 0 };
	double round_rate[MAX_ROUNDS];
	struct series rate = { 0 }, slow = { 0 };
	struct install_round r;
	char name[80];
	int rep, round, i;
	long pages;

	if (!device_create())
		return;
	if (!server_start_with(SERVER_MAP, senders + 1,
			       senders <= 1 ? cpu_main() : CPU_ANY, 0, true) ||
	    !senders_start(senders))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		pages = 0;
		for (round = 0; round < opt.rounds; round++) {
			if (senders && !install_round(&c, &r))
				goto out;
			if (!senders) {
				probe_begin();
				usleep(PROBE_IDLE_US);
				r.probes = probe_end();
				if (r.probes < 0)
					goto out;
			}
			samples_add(&tgt, probe_ns, r.probes);
			if (!senders)
				continue;
			round_rate[round] = r.pages / r.seconds;
			pages += r.pages;
			for (i = 0; i < senders; i++)
				samples_add(&snd, shm->sender[i].lat_ns,
					    shm->sender[i].job.count);
		}
		if (senders)
			series_add(&slow, slow_per_kpage(&tgt, pages));
		lat_add(&target, target_key, &tgt);
		if (sender_key) {
			lat_add(&sender, sender_key, &snd);
			series_add(&rate, median(round_rate, opt.rounds));
		}
		snd.n = 0;
	}
	printf("# %s: the target times mmap + touch + munmap of %lu KiB while %d sender%s install fresh pages into it (%d rounds per repetition)\n",
	       target_key, PROBE_SIZE / KiB, senders, senders == 1 ? "" : "s",
	       opt.rounds);
	lat_print(target_key, &target, true);
	if (senders) {
		snprintf(name, sizeof(name), "%s.slow", target_key);
		print_bench(name, "iter/kpage", "lower", &slow);
	}
	if (sender_key) {
		printf("# %s: the senders' %zu KiB transactions meanwhile\n",
		       sender_key, opt.install_size / KiB);
		lat_print(sender_key, &sender, true);
		snprintf(name, sizeof(name), "%s.rate", sender_key);
		print_bench(name, "pages/s", "higher", &rate);
	}
out:
	free(tgt.v);
	free(snd.v);
	senders_stop();
	server_stop();
	device_remove();
}

void bench_target(void)
{
	target_measure("target.idle", NULL, 0);
	target_measure("target.1sender", "install.lat.1sender", 1);
	target_measure("target.senders", NULL, opt.senders);
}

