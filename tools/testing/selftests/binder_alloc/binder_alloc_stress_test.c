// SPDX-License-Identifier: GPL-2.0
/*
 * Race stress, bounded in time: generations of a server and its clients,
 * with everything that can race in binder_alloc at once:
 *   installers   clients sending transactions of all sizes, so pages are
 *                installed in the server while it runs
 *   munmap       the server drops its buffer mapping mid-traffic, while its
 *                churn thread maps unrelated memory, sometimes right where
 *                the binder mapping was
 *   reclaim      a thread of the test scans the binder shrinker without pause
 *   exit         servers and clients are killed at random points
 * Afterwards every payload must have been intact and no page may be left.
 *
 * BA_STRESS_SECONDS sets the duration (default 5).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ba_fixture.h"

#define CLIENTS		3

static int stress_seconds(void)
{
	const char *s = getenv("BA_STRESS_SECONDS");

	return s && atoi(s) > 0 ? atoi(s) : 5;
}

struct reclaimer {
	pthread_t tid;
	int stop;
	long scans;
	long reclaimed;		/* LRU count drops seen across scans */
};

static void *reclaimer_main(void *arg)
{
	struct reclaimer *r = arg;
	unsigned int rnd = 1;
	long before, after;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		before = binder_shrinker_count();
		binder_shrinker_scan(1 + rand_r(&rnd) % 64);
		after = binder_shrinker_count();
		r->scans++;
		if (before > after)
			r->reclaimed += before - after;
		binder_sleep_ms(rand_r(&rnd) % 3);
	}
	return NULL;
}

struct totals {
	long generations;
	long sent;
	long replies;
	long dead;
	long bad;
	long lost;		/* timeouts and unexpected outcomes */
	long server_kills;
	long client_kills;
	long munmaps;
};

static void add_outcomes(struct totals *tot, const struct ba_outcomes *o)
{
	tot->sent += o->sent;
	tot->replies += o->replies + o->completes + o->spam;
	tot->dead += o->dead;
	tot->bad += o->bad_data;
	tot->lost += o->timeouts + o->other;
}

/* One server and its clients, ended at a random point in a random way. */
static void run_generation(const char *path, unsigned int *rnd,
			   struct totals *tot)
{
	struct ba_client *c[CLIENTS] = { 0 };
	struct ba_server *srv;
	int *stop, i;

	stop = binder_shared(sizeof(*stop));
	srv = ba_server_new(path, 256 * KiB);
	if (!stop || !srv)
		goto out;
	srv->threads = 2;
	srv->churn = true;
	srv->munmap_after = rand_r(rnd) % 2 ? 5 + rand_r(rnd) % 30 : 0;
	if (ba_server_start(srv))
		goto out;

	for (i = 0; i < CLIENTS; i++) {
		c[i] = ba_client_new(path, 256 * KiB, 1L << 30, rand_r(rnd));
		if (!c[i])
			break;
		c[i]->max_size = 64 * KiB;
		c[i]->oneway_max = 4 * KiB;
		c[i]->oneway_pct = 30;
		c[i]->stop_on_dead = true;
		c[i]->stop = stop;
		if (i == 0) {
			/* exits early, holding every reply it got */
			c[i]->hold_replies = true;
			c[i]->count = 10;
			c[i]->max_size = 16 * KiB;
		}
		ba_client_start(c[i]);
	}

	binder_sleep_ms(50 + rand_r(rnd) % 400);
	if (c[CLIENTS - 1] && rand_r(rnd) % 3 == 0) {
		kill(c[CLIENTS - 1]->pid, SIGKILL);
		tot->client_kills++;
		binder_sleep_ms(rand_r(rnd) % 100);
	}
	if (rand_r(rnd) % 2) {
		kill(srv->pid, SIGKILL);
		tot->server_kills++;
	}
	binder_set_flag(stop, 1);

	for (i = 0; i < CLIENTS && c[i]; i++) {
		ba_reap(c[i]->pid, 60000);
		add_outcomes(tot, &c[i]->out);
		ba_client_free(c[i]);
	}
	tot->munmaps += srv->unmapped;
	tot->bad += srv->bad_data;
	ba_server_stop(srv);
	tot->generations++;
out:
	ba_server_free(srv);
	binder_shared_free(stop, sizeof(*stop));
}

/* A generation's binder fds must all be released once its processes are. */
static bool retire_device(struct ba_dev *dev)
{
	bool gone = ba_wait_procs_gone(dev->name, 10000);

	if (!gone)
		fprintf(stderr, "# binder fds of %s outlived their processes\n",
			dev->name);
	ba_dev_remove(dev);
	return gone;
}

/*
 * It runs as long as BA_STRESS_SECONDS says, so no fixed alarm of the
 * harness (0: none) fits it: the runner's timeout bounds it, from this
 * directory's settings file or run_kselftest.sh -o for longer runs.
 */
TEST_F_TIMEOUT(binder_alloc, race_stress, 0)
{
	long deadline = binder_now_ms() + stress_seconds() * 1000L;
	struct ba_dev dev[2] = { 0 };
	struct totals tot = { 0 };
	unsigned int rnd = getpid();
	struct reclaimer *r;
	long unreleased = 0;
	int n, ret;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	r = calloc(1, sizeof(*r));
	ASSERT_NE(r, NULL)
		TH_LOG("no memory for the reclaimer thread's state");
	ret = pthread_create(&r->tid, NULL, reclaimer_main, r);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot start the reclaimer thread", strerror(ret));

	/* A device per generation: no waiting for the last context manager. */
	for (n = 0; binder_now_ms() < deadline; n++) {
		struct ba_dev *cur = &dev[n % 2], *prev = &dev[(n + 1) % 2];
		char tag[32];

		snprintf(tag, sizeof(tag), "stress%d", n);
		if (ba_dev_create(cur, tag))
			break;
		run_generation(cur->path, &rnd, &tot);
		if (prev->path[0] && !retire_device(prev))
			unreleased++;
	}
	binder_set_flag(&r->stop, 1);
	pthread_join(r->tid, NULL);
	if (dev[(n + 1) % 2].path[0] && !retire_device(&dev[(n + 1) % 2]))
		unreleased++;

	TH_LOG("%ld generations, %ld transactions (%ld answered, %ld dead)",
	       tot.generations, tot.sent, tot.replies, tot.dead);
	TH_LOG("%ld munmaps, %ld server kills, %ld client kills, %ld scans reclaiming %ld pages",
	       tot.munmaps, tot.server_kills, tot.client_kills, r->scans, r->reclaimed);
	EXPECT_GT(tot.generations, 0)
		TH_LOG("no generation of processes ran");
	EXPECT_GT(tot.replies, 0)
		TH_LOG("no transaction was answered");
	EXPECT_EQ(tot.bad, 0)
		TH_LOG("%ld payloads came back corrupt", tot.bad);
	EXPECT_EQ(tot.lost, 0)
		TH_LOG("%ld transactions timed out or ended unexpectedly", tot.lost);
	EXPECT_EQ(unreleased, 0)
		TH_LOG("%ld binder devices kept fds of dead processes", unreleased);
	/* The fixture's teardown checks that no page is left on the LRU. */
	free(r);
}

TEST_HARNESS_MAIN
