/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory pressure for the binder tools: a hog that holds the largest
 * zone's free pages between its min and low watermarks, so that the
 * kernel reclaims (kswapd, direct reclaim, the shrinkers: binder's among
 * them) while the caller's processes work; and the /proc readers that
 * show whether it did. Compile binder_hog.c into the program, with
 * binder.c (clock, sleep).
 *
 * Why a band and not "fill until low": in a guest with no swap and no
 * page cache, the LRU holds nothing kswapd can take, so a zone held below
 * min makes direct reclaim fail and the OOM killer run, and a zone that
 * merely touched low once makes kswapd give up after its retries. Held in
 * the band, with the hog itself allocating now and then, every allocation
 * misses the fast path, wakes kswapd, which runs the shrinkers, and still
 * succeeds above min.
 */
#ifndef BINDER_HOG_H
#define BINDER_HOG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The largest zone's free pages and watermarks, from /proc/zoneinfo, in
 * pages, and the fast path's room: what an allocation can still take from
 * any zone without dropping it below its low watermark plus the protection
 * it keeps from allocations that could have used a higher zone. While
 * there is room, allocations succeed at once and wake nobody; a small zone
 * (DMA: 16 MiB, most of it protected or free) can keep that up for a long
 * time after the largest zone is below its low watermark. @unreclaimable
 * is 1 if kswapd has given up on a node (its reclaim freed nothing 16 times
 * in a row: without swap or page cache nothing on the LRU can go), 0 if
 * not, -1 if /proc/zoneinfo does not say.
 */
struct binder_zone {
	long free, min, low, high, managed;
	long room;
	long unreclaimable;
};

/* The zone most allocations come from (most managed pages), and the room. */
bool binder_zone_read(struct binder_zone *zone);

/*
 * Every populated zone's free pages, watermarks and lowmem protection, and
 * whether kswapd has given up on the node, as one line for a log.
 */
void binder_zone_describe(char *out, size_t size);

/*
 * The sum of the /proc/vmstat counters whose names begin with @prefix
 * ("pageoutrun"; "allocstall_" sums every zone's); -1 if there is none.
 */
long binder_vmstat(const char *prefix);

/* Write @adj to /proc/self/oom_score_adj; 0 or -errno. */
int binder_set_oom_score_adj(int adj);

/* How many vm settings the hog changes (binder_hog.c says which, why). */
#define HOG_VM	3

/* Lives in memory shared between the hog and its owner (binder_shared()). */
struct binder_hog {
	int stop;		/* owner -> hog: let go and exit */
	long lazy_kib;		/* owner -> hog: the lazy pool, before it starts */
	long lazy_refills;	/* pages of the pool it wrote again */
	int in_band;		/* hog -> owner: 1 once it reached the band */
	long held_kib;		/* what it holds now */
	long held_max_kib;
	long free_min;		/* the fewest free pages it saw in the zone */
	long gave_back;		/* chunks it gave back near min */
	long band_allocs;	/* allocations it made in the band */
	long errors;		/* mmap failures */
	struct binder_zone zone;	/* as it read it last */
	char vm[HOG_VM][16];	/* the vm settings before the hog */
};

/*
 * The hog's body, for a child process (binder_fork(), ba_spawn()): makes
 * itself the OOM killer's first choice, changes three vm settings while it
 * runs (watermark boosting off, the watermarks spaced wider, the per-CPU
 * free lists small: binder_hog.c says why), keeps a pool of
 * @hog->lazy_kib of memory given MADV_FREE for reclaim to take (binder_hog.c
 * says why; none if 0) and refills it, grows until the largest
 * zone's free pages are halfway between min and low and the fast path has
 * no room left in any zone, holds that band until @hog->stop (grows when
 * kswapd has freed something, gives back when free falls within a quarter
 * of the band of min, keeps allocating a little), and lets go on exit.
 * Without the room rule the small zones can serve every allocation from
 * the fast path, and nothing wakes kswapd at all. Returns 0, 1 if
 * oom_score_adj cannot be set, 2 if /proc/zoneinfo shows no zone with
 * watermarks.
 */
int binder_hog_run(struct binder_hog *hog);

/*
 * Put the vm settings back as they were before binder_hog_run(): for the
 * owner, after reaping the hog (which does it itself unless killed).
 */
void binder_hog_restore(struct binder_hog *hog);

#endif /* BINDER_HOG_H */
