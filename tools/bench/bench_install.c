// SPDX-License-Identifier: GPL-2.0
/*
 * bench_install.c - binder_bench's install.* and fill.* rows: fresh-page
 * installation with one sender, several, and churn in the target; and
 * the install round that the lock.*, target.* and pressure.* rows time
 * too.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "bench_trace.h"
#include "binder_debugfs.h"
#include "binder_hog.h"

#include "bench.h"

/* per-VMA lock counters, CONFIG_PER_VMA_LOCK_STATS */
static const char *const vma_lock_names[] = {
	"vma_lock_success", "vma_lock_abort", "vma_lock_retry", "vma_lock_miss",
};
static long vma_lock_before[4];

static void vma_lock_read(long *v)
{
	int i;

	for (i = 0; i < 4; i++)
		v[i] = binder_vmstat(vma_lock_names[i]);
}

static bool lock_window_open(void)
{
	vma_lock_read(vma_lock_before);
	return mmap_lock_trace_start() && server_command(CMD_MARK);
}

static void lock_window_close(struct install_round *r)
{
	int i;

	mmap_lock_trace_stop();
	vma_lock_read(r->vma_lock);
	for (i = 0; i < 4; i++)
		r->vma_lock[i] = vma_lock_before[i] < 0 || r->vma_lock[i] < 0 ? -1 :
				 r->vma_lock[i] - vma_lock_before[i];
}

/*
 * One round: the senders fill INSTALL_FILL of the server's space with held
 * buffers, then the server frees them. A fresh round empties the LRU
 * first, so that every page the senders touch must be installed.
 */
bool install_round(const struct install_case *c,
			  struct install_round *r)
{
	int per_sender = INSTALL_FILL / opt.install_size / c->senders;
	struct sender_job job = {
		.size = opt.install_size,
		.code = REQ_HOLD,
		.count = per_sender,
		.latencies = 1,
	};
	long expected = (long)per_sender * c->senders * (opt.install_size / PAGE);
	long before, after, ops;
	double elapsed;

	if (c->fresh && shrink_all() != 0)
		printf("# %s: the shrinker left pages on the LRU\n", c->key);
	before = server_installed_pages();
	if (c->churn)
		set_churn(true);
	ops = shm->server.churn_ops;
	if (c->traced && !lock_window_open())
		return false;
	if (c->probed)
		probe_begin();
	elapsed = senders_round(&job);
	r->probes = c->probed ? probe_end() : 0;
	if (c->traced)
		lock_window_close(r);
	r->churn_ops = shm->server.churn_ops - ops;
	if (c->churn)
		set_churn(false);
	after = server_installed_pages();
	if (!server_command(CMD_FREE_HELD) || elapsed <= 0 || r->probes < 0)
		return false;
	if (c->fresh && after - before != expected)
		printf("# %s: %ld pages installed, %ld expected\n", c->key,
		       after - before, expected);
	if (opt.verbose)
		printf("#   %s round: %ld pages in %.1f ms, %.0f pages/s, transactions p50 %.0f us p99 %.0f us\n",
		       c->key, expected, elapsed * 1e3, expected / elapsed,
		       shm->sender[0].p50_us, shm->sender[0].p99_us);
	r->pages = expected;
	r->seconds = elapsed;
	return true;
}

/*
 * A round is short (tens of ms), and under TCG on a busy host one stall
 * of the emulator can multiply its time: a repetition reports the median
 * of its rounds' rates.
 */
static void install_measure(const struct install_case *c)
{
	double round_rate[MAX_ROUNDS], churn_seconds = 0;
	struct series rate = { 0 };
	struct install_round r;
	long churn_ops = 0;
	int rep, round;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, c->senders + 1,
			  c->senders == 1 ? cpu_main() : CPU_ANY,
			  c->churn ? opt.churners : 0) ||
	    !senders_start(c->senders))
		goto out;
	if (!c->fresh && !install_round(c, &r))
		goto out;	/* installs the pages the timed rounds reuse */
	for (rep = 0; rep < opt.repeat; rep++) {
		for (round = 0; round < opt.rounds; round++) {
			if (!install_round(c, &r))
				goto out;
			round_rate[round] = r.pages / r.seconds;
			churn_ops += r.churn_ops;
			churn_seconds += r.seconds;
		}
		series_add(&rate, median(round_rate, opt.rounds));
	}
	printf("# %s: %s (%d sender%s); rounds of %d x %zu KiB, median of %d rounds per repetition\n",
	       c->key, c->what, c->senders, c->senders > 1 ? "s" : "",
	       (int)(INSTALL_FILL / opt.install_size), opt.install_size / KiB,
	       opt.rounds);
	if (c->churn)
		printf("# %s: %d churn threads did %.0f mmap+munmap/s meanwhile\n",
		       c->key, opt.churners, churn_ops / churn_seconds);
	print_bench(c->key, "pages/s", "higher", &rate);
out:
	senders_stop();
	server_stop();
	device_remove();
}

void bench_install(void)
{
	const struct install_case cases[] = {
		{ "install.fresh.1sender", "one sender, fresh pages", 1, false, true,
		  false, false },
		{ "install.fresh.senders", "concurrent senders, fresh pages",
		  opt.senders, false, true, false, false },
		{ "install.fresh.churn", "one sender, fresh pages, server threads churn mmap/munmap",
		  1, true, true, false, false },
		{ "fill.warm.1sender", "one sender, pages already installed (reference)",
		  1, false, false, false, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		install_measure(&cases[i]);
}

