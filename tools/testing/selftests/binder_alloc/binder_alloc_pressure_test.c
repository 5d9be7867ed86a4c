// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim under real memory pressure: the binder shrinker must give back
 * the pages of freed buffers when the kernel itself runs short, through
 * kswapd and direct reclaim, never through debugfs or drop_caches.
 *
 *   fill      a server and its clients pass large echoes, so pages are
 *             installed in every process's mapping (the server's buffers,
 *             the clients' replies); all buffers are freed: the pages sit
 *             on the binder LRU
 *   pressure  a memory hog (oom_score_adj 1000: the OOM killer's first
 *             choice, and the test's processes are -1000) grows until the
 *             largest zone's free pages lie between its min and low
 *             watermarks and no zone has room above its low watermark
 *             and protection, and stays there, so that every allocation
 *             wakes kswapd; the clients keep sending small transactions all the
 *             while. The binder LRU must drain.
 *   refill    the hog lets go; large echoes again, into pages reclaimed a
 *             moment ago
 * Every payload in every phase must come back intact; the fixture's
 * teardown checks that no page outlives the processes. Holds on the stock
 * allocator too; where the allocator has per-process reclaim counters
 * ("pages reclaimed:" in binder/stats), they must account for the drain.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ba_fixture.h"
#include "binder_hog.h"

#define PR_CLIENTS	3
#define PR_SERVER_MAP	(4 * MiB)
#define PR_CLIENT_MAP	(2 * MiB)
#define PR_BIG		(1 * MiB)	/* largest echo in fill and refill */
#define PR_FILL_TXNS	24		/* echoes per client per fill */
#define PR_DRAIN_MS	240000		/* how long the hog and the drain may take */

enum pr_phase { PR_FILL = 1, PR_IDLE, PR_PRESSURE, PR_REFILL, PR_STOP };

/* Shared between the test, its clients and the hog. */
struct pr_run {
	char path[128];
	int phase;		/* enum pr_phase, set by the test */
	int filled[PR_CLIENTS];	/* fill phase n done: n */
	struct binder_hog hog;	/* tools/lib/binder/binder_hog.c */
	struct ba_outcomes out[PR_CLIENTS];
};

static struct pr_run *run;

/* The hog: binder_hog.c's, holding the band until the test sets hog.stop. */
static int hog_main(void *arg)
{
	(void)arg;
	return binder_hog_run(&run->hog);
}

/* A client: large echoes in the fill phases, small ones under pressure. */
static int client_main(void *arg)
{
	int idx = (int)(long)arg, phase;
	struct ba_outcomes *out = &run->out[idx];
	unsigned int rnd = 77 + idx;
	struct binder_thread t;
	struct binder b;
	uint32_t seed = idx << 20;
	uint8_t *buf = malloc(PR_BIG);

	if (!buf || binder_open(&b, run->path, PR_CLIENT_MAP))
		return 1;
	binder_thread_init(&t, &b);
	while ((phase = __atomic_load_n(&run->phase, __ATOMIC_ACQUIRE)) != PR_STOP) {
		size_t size;
		int i;

		switch (phase) {
		case PR_FILL:
		case PR_REFILL:
			if (run->filled[idx] == phase) {
				binder_sleep_ms(10);
				break;
			}
			for (i = 0; i < PR_FILL_TXNS; i++) {
				size = PR_BIG / 4 + rand_r(&rnd) % (PR_BIG * 3 / 4);
				ba_client_send(&t, out, 0, BA_ECHO, buf, size,
					       seed++, true);
			}
			binder_set_flag(&run->filled[idx], phase);
			break;
		case PR_PRESSURE:
			/* mostly a page or two, now and then a large one */
			size = rand_r(&rnd) % 8 ? ba_pick_size(&rnd, 8 * KiB) :
			       ba_pick_size(&rnd, 64 * KiB);
			ba_client_send(&t, out, rand_r(&rnd) % 4 ? 0 : TF_ONE_WAY,
				       BA_ECHO, buf, size, seed++, true);
			break;
		default:
			binder_sleep_ms(10);
			break;
		}
		if (out->timeouts || out->other || out->bad_data)
			break;
	}
	binder_close(&b);
	free(buf);
	return 0;
}

/* Pages the shrinker has taken from live processes, where the allocator counts. */
static long reclaimed_from(const pid_t *pids, int n, const char *context)
{
	struct binder_proc_stats st;
	long sum = 0, v;
	bool any = false;
	int i, j;

	for (i = 0; i < n; i++) {
		if (binder_stats_find(pids[i], context, &st) != 1)
			continue;
		for (j = 0; j < st.nextra; j++)
			if (sscanf(st.extra[j], " pages reclaimed: %ld", &v) == 1) {
				sum += v;
				any = true;
			}
	}
	return any ? sum : -1;
}

static bool clients_filled(int phase)
{
	int i;

	for (i = 0; i < PR_CLIENTS; i++)
		if (!binder_wait_flag(&run->filled[i], phase, 120000))
			return false;
	return true;
}

TEST_F_TIMEOUT(binder_alloc, reclaim_under_memory_pressure, 600)
{
	long lru_filled, lru_drained, lru, scanned0, stalls0, kswapd0;
	long reclaimed0, reclaimed1, deadline, runs, scanned;
	pid_t pids[PR_CLIENTS + 1], hog;
	struct ba_server *srv;
	struct binder_zone z;
	char zones[1024];
	int i;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	ASSERT_TRUE(binder_zone_read(&z)) TH_LOG("no zone with watermarks in /proc/zoneinfo");
	ASSERT_GE(binder_vmstat("slabs_scanned"), 0) TH_LOG("no slabs_scanned in /proc/vmstat");
	/* the OOM killer, should it run, takes the hog and not us */
	ASSERT_EQ(binder_set_oom_score_adj(-1000), 0)
		TH_LOG("cannot set oom_score_adj (needs CAP_SYS_RESOURCE)");

	run = binder_shared(sizeof(*run));
	ASSERT_NE(run, NULL) TH_LOG("no shared memory for the run's state");
	snprintf(run->path, sizeof(run->path), "%s", self->dev.path);
	srv = ba_server_new(self->dev.path, PR_SERVER_MAP);
	ASSERT_NE(srv, NULL) TH_LOG("cannot set up a server on %s", self->dev.path);
	srv->threads = 2;
	ASSERT_EQ(ba_server_start(srv), 0) TH_LOG("server did not start");
	pids[0] = srv->pid;

	__atomic_store_n(&run->phase, PR_FILL, __ATOMIC_RELEASE);
	for (i = 0; i < PR_CLIENTS; i++) {
		pids[i + 1] = ba_spawn(client_main, (void *)(long)i);
		ASSERT_GT(pids[i + 1], 0) TH_LOG("cannot start client %d", i);
	}
	ASSERT_TRUE(clients_filled(PR_FILL)) TH_LOG("the clients did not fill their mappings");
	binder_set_flag(&run->phase, PR_IDLE);
	lru_filled = binder_shrinker_count();
	/* a page or so per 1 MiB echo at least, in each of 4 processes */
	ASSERT_GE(lru_filled, 4 * 128)
		TH_LOG("only %ld pages on the binder LRU after the fill", lru_filled);

	scanned0 = binder_vmstat("slabs_scanned");
	stalls0 = binder_vmstat("allocstall_");
	kswapd0 = binder_vmstat("pageoutrun");
	reclaimed0 = reclaimed_from(pids, PR_CLIENTS + 1, self->dev.name);
	binder_zone_describe(zones, sizeof(zones));
	TH_LOG("zones before: %s", zones);
	hog = ba_spawn(hog_main, NULL);
	ASSERT_GT(hog, 0) TH_LOG("cannot start the memory hog");
	binder_set_flag(&run->phase, PR_PRESSURE);

	/* the clients' small echoes keep a few pages busy: a tenth may stay */
	deadline = binder_now_ms() + PR_DRAIN_MS;
	do {
		binder_sleep_ms(50);
		lru = binder_shrinker_count();
	} while (lru > lru_filled / 10 && binder_now_ms() < deadline &&
		 kill(hog, 0) == 0);
	lru_drained = lru;
	binder_zone_describe(zones, sizeof(zones));
	/* drained: let go at once, before the OOM killer has to */
	binder_set_flag(&run->hog.stop, 1);
	TH_LOG("zones under pressure: %s", zones);
	reclaimed1 = reclaimed_from(pids, PR_CLIENTS + 1, self->dev.name);
	runs = binder_vmstat("pageoutrun") - kswapd0 + binder_vmstat("allocstall_") - stalls0;

	TH_LOG("LRU %ld -> %ld pages; hog %ld MiB (in band: %s)",
	       lru_filled, lru_drained, ba_get(&run->hog.held_kib) / 1024,
	       run->hog.in_band ? "yes" : "no");
	TH_LOG("slabs_scanned +%ld, kswapd runs +%ld, direct reclaim stalls +%ld",
	       binder_vmstat("slabs_scanned") - scanned0,
	       binder_vmstat("pageoutrun") - kswapd0, binder_vmstat("allocstall_") - stalls0);
	TH_LOG("pages reclaimed (per proc counters): %ld",
	       reclaimed0 >= 0 ? reclaimed1 - reclaimed0 : -1);

	/* the hog lets go: large echoes into pages that were just reclaimed */
	EXPECT_EQ(ba_reap(hog, 60000), 0) TH_LOG("the memory hog failed or was OOM-killed");
	binder_hog_restore(&run->hog);
	binder_set_flag(&run->phase, PR_REFILL);
	EXPECT_TRUE(clients_filled(PR_REFILL)) TH_LOG("the clients did not refill");
	binder_set_flag(&run->phase, PR_STOP);
	for (i = 0; i < PR_CLIENTS; i++)
		EXPECT_EQ(ba_reap(pids[i + 1], 60000), 0) TH_LOG("client %d failed", i);
	EXPECT_EQ(srv->bad_data, 0) TH_LOG("the server received corrupt payloads");
	ba_server_stop(srv);
	ba_server_free(srv);

	for (i = 0; i < PR_CLIENTS; i++) {
		struct ba_outcomes *o = &run->out[i];

		EXPECT_EQ(o->bad_data, 0) TH_LOG("client %d: corrupt replies", i);
		EXPECT_EQ(o->timeouts + o->other, 0)
			TH_LOG("client %d: %ld timeouts, %ld other outcomes (last error %d)",
			       i, o->timeouts, o->other, o->last_error);
		EXPECT_GT(o->replies, 0) TH_LOG("client %d: no reply", i);
		TH_LOG("client %d: %ld sent, %ld replies, %ld oneway, %ld failed, %ld dead",
		       i, o->sent, o->replies, o->completes + o->spam, o->failed, o->dead);
	}
	scanned = binder_vmstat("slabs_scanned") - scanned0;
	binder_shared_free(run, sizeof(*run));
	EXPECT_GT(runs, 0) TH_LOG("neither kswapd nor direct reclaim ran");
	EXPECT_GT(scanned, 0) TH_LOG("no shrinker was called");
	EXPECT_LE(lru_drained, lru_filled / 10)
		TH_LOG("the binder LRU kept %ld of %ld pages under memory pressure",
		       lru_drained, lru_filled);
	if (reclaimed0 >= 0)
		EXPECT_GE(reclaimed1 - reclaimed0, (lru_filled - lru_drained) / 2)
			TH_LOG("the allocator counted %ld pages reclaimed for an LRU drop of %ld",
			       reclaimed1 - reclaimed0, lru_filled - lru_drained);
	/* The fixture's teardown checks that no page is left on the LRU. */
}

TEST_HARNESS_MAIN
