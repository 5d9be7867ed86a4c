// SPDX-License-Identifier: GPL-2.0
/*
 * bench_pressure.c - binder_bench's pressure.* rows: fresh installs and
 * round trips while the guest reclaims, and what reclaim did meanwhile.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "bench_trace.h"
#include "binder_hog.h"
#include "binder_proc.h"

#include "bench.h"

static struct binder_hog *hog;	/* shared with the memory hog */

/*
 * The hog's lazy pool: memory reclaim can take without swap, as it takes
 * page cache on a phone, so that kswapd keeps running, and with it the
 * shrinkers (see binder_hog.c).
 */
#define PRESSURE_LAZY_KIB	(64L << 10)

static const char *const reclaim_names[] = {
	"allocstall_", "pageoutrun", "pgscan_kswapd", "slabs_scanned", "oom_kill",
};

enum { RC_STALLS, RC_KSWAPD, RC_PGSCAN, RC_SLABS, RC_OOM, RC_N };

static void reclaim_read(long *v)
{
	int i;

	for (i = 0; i < RC_N; i++)
		v[i] = binder_vmstat(reclaim_names[i]);
}

static int hog_main(int unused)
{
	(void)unused;
	pin_to(CPU_ANY);	/* the parent is pinned; the hog goes where there is room */
	return binder_hog_run(hog);
}

/* Start the hog; true once it holds the zone in its band. */
static bool hog_begin(pid_t *pid)
{
	*pid = spawn(hog_main, 0);
	if (*pid < 0)
		return false;
	if (binder_wait_flag(&hog->in_band, 1, 60000))
		return true;
	fprintf(stderr, "# hog: did not reach the band in 60 s\n");
	binder_set_flag(&hog->stop, 1);
	binder_wait_pid(*pid, 60000, &(int){ 0 });
	binder_hog_restore(hog);
	return false;
}

static void hog_end(pid_t pid)
{
	int status = 0;

	binder_set_flag(&hog->stop, 1);
	if (binder_wait_pid(pid, 60000, &status)) {
		fprintf(stderr, "# hog: did not stop\n");
		failures++;
	} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		/* the OOM killer's choice: the rows say so (oom_kills) */
		printf("# pressure: the hog was killed (the OOM killer's choice): the rest of the phase ran without it\n");
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "# hog: failed (status 0x%x)\n", status);
		failures++;
	}
	binder_hog_restore(hog);
}

/*
 * Once kswapd's runs freed nothing 16 times in a row it leaves the node
 * alone until a direct reclaim makes progress. Reclaim counts the pages
 * taken from the LRUs and those a shrinker reports: in this guest (no
 * swap, no page cache) only binder pages, and only ours reports them.
 */
static const char *kswapd_state(const struct binder_zone *zone)
{
	switch (zone->unreclaimable) {
	case 1:
		return "had given up on the node (node_unreclaimable 1)";
	case 0:
		return "had not given up on the node";
	default:
		return "state unknown (no node_unreclaimable in /proc/zoneinfo)";
	}
}

/* One value for the phase: BENCH @key @unit none @v, if known. */
static void print_count(const char *key, const char *unit, long v)
{
	struct series s = { 0 };

	if (v >= 0)
		series_add(&s, v);
	print_bench(key, unit, "none", &s);
}

/*
 * Fresh installs with the target probed, and round trips, while a hog
 * (tools/lib/binder/binder_hog.c) holds the largest zone's free pages
 * between its min and low watermarks: allocations leave their fast path
 * and wake kswapd, which runs the shrinkers, binder's among them. Rows of
 * what reclaim did meanwhile, the same on both kernels: kswapd runs and
 * direct reclaim stalls (/proc/vmstat), and the binder shrinker's calls
 * from reclaim and the pages they freed (mm_shrink_slab_end). Our
 * processes are never the OOM killer's choice.
 */
void bench_pressure(void)
{
	long before[RC_N], after[RC_N], d[RC_N];
	struct shrink_traffic st = { -1, -1, -1 };
	struct binder_zone zone = { .unreclaimable = -1 };
	bool traced;
	pid_t pid;
	int i;

	hog = binder_shared(sizeof(*hog));
	if (!hog) {
		printf("# pressure: no shared memory for the hog: no pressure.* rows\n");
		failures++;
		return;
	}
	hog->lazy_kib = PRESSURE_LAZY_KIB;
	binder_set_oom_score_adj(-1000);
	traced = shrink_trace_open();
	if (!traced)
		printf("# pressure: no mm_shrink_slab_end in tracefs: no binder shrinker rows\n");
	if (!hog_begin(&pid)) {
		/* a hog the OOM killer took is no failure of the allocator */
		printf("# pressure: the memory hog did not reach its band: no pressure.* rows\n");
		goto out;
	}
	/* our own read: the hog's copy may be half-written as we look */
	binder_zone_read(&zone);
	printf("# pressure: a hog holds %ld MiB, keeping the largest zone's free pages between min %ld and low %ld (%ld managed); kswapd %s\n",
	       hog->held_kib >> 10, zone.min, zone.low, zone.managed,
	       kswapd_state(&zone));
	reclaim_read(before);
	if (traced && !shrink_trace_start())
		traced = false;
	/*
	 * Round trips first: the installs leave reclaim work behind them
	 * (pages for kswapd to take from the pool, for the hog to write
	 * again), more of it the faster a kernel installed, and the round
	 * trips after them would pay for it.
	 */
	rt_measure("pressure.rt");
	target_measure("pressure.target", "pressure.install", 1);
	if (traced) {
		shrink_trace_stop();
		traced = shrink_trace_count(&st);
	}
	reclaim_read(after);
	for (i = 0; i < RC_N; i++)
		d[i] = before[i] < 0 || after[i] < 0 ? -1 : after[i] - before[i];
	printf("# pressure: meanwhile %ld direct reclaim stalls, %ld kswapd runs, %ld pages scanned by kswapd, %ld shrinker objects scanned, %ld OOM kills; the zone's free pages were at least %ld; the hog allocated %ld times in the band, gave memory back %ld times, held up to %ld MiB and wrote %ld pages of its %ld MiB lazy pool again\n",
	       d[RC_STALLS], d[RC_KSWAPD], d[RC_PGSCAN], d[RC_SLABS], d[RC_OOM],
	       hog->free_min, hog->band_allocs, hog->gave_back,
	       hog->held_max_kib >> 10, hog->lazy_refills, hog->lazy_kib >> 10);
	if (traced)
		printf("# pressure: the binder shrinker was called %ld times by kswapd and %ld by direct reclaim, and freed %ld pages\n",
		       st.kswapd_calls, st.direct_calls, st.freed);
	binder_zone_read(&zone);
	printf("# pressure: at the end kswapd %s\n", kswapd_state(&zone));
	hog_end(pid);
	print_count("pressure.reclaim.kswapd", "runs", d[RC_KSWAPD]);
	print_count("pressure.reclaim.direct", "stalls", d[RC_STALLS]);
	print_count("pressure.reclaim.slabs", "objects", d[RC_SLABS]);
	if (traced) {
		print_count("pressure.reclaim.binder_calls", "calls",
			    st.kswapd_calls + st.direct_calls);
		print_count("pressure.reclaim.binder_pages", "pages", st.freed);
	}
	print_count("pressure.reclaim.oom_kills", "kills", d[RC_OOM]);
	/* not "WARNING:": the verdict would take it for a kernel splat */
	if (d[RC_OOM] > 0)
		printf("# pressure: the OOM killer ran: the pressure rows are not comparable\n");
out:
	binder_set_oom_score_adj(0);
	binder_shared_free(hog, sizeof(*hog));
}

