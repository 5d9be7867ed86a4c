// SPDX-License-Identifier: GPL-2.0
/*
 * Memory pressure for the binder tools: see binder_hog.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "binder.h"
#include "binder_hog.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_FREE
#define MADV_FREE		8
#endif

#define HOG_CHUNK	(256UL << 10)
#define HOG_MAX_STEP	(64UL << 20)	/* the largest mapping it takes at once */
#define HOG_CHUNKS	(64 * 1024)	/* 16 GiB in chunks at least */
#define HOG_PIECE	(1024UL << 10)	/* the lazy pool is refilled by pieces */

/* The last figure of a "protection: (a, b, ...)" line: for the highest zone. */
static long last_protection(const char *line)
{
	const char *comma = strrchr(line, ',');
	long v;

	if (sscanf(comma ? comma + 1 : strchr(line, '(') + 1, " %ld", &v) != 1)
		return 0;
	return v;
}

static void add_zone(struct binder_zone *best, const struct binder_zone *z,
		     long prot)
{
	if (!z->managed)
		return;
	if (z->free > z->low + prot)
		best->room += z->free - z->low - prot;
	if (z->managed > best->managed) {
		long room = best->room;

		*best = *z;
		best->room = room;
	}
}

bool binder_zone_read(struct binder_zone *best)
{
	struct binder_zone z = { 0 };
	char line[256];
	long v, prot = 0, unreclaimable = -1;
	bool in = false;
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return false;
	memset(best, 0, sizeof(*best));
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			if (in)
				add_zone(best, &z, prot);
			memset(&z, 0, sizeof(z));
			prot = 0;
			in = true;
		} else if (sscanf(line, " pages free %ld", &v) == 1) {
			z.free = v;
		} else if (sscanf(line, " min %ld", &v) == 1) {
			z.min = v;
		} else if (sscanf(line, " low %ld", &v) == 1) {
			z.low = v;
		} else if (sscanf(line, " high %ld", &v) == 1) {
			z.high = v;
		} else if (sscanf(line, " managed %ld", &v) == 1) {
			z.managed = v;
		} else if (strstr(line, "protection: (")) {
			prot = last_protection(line);
		} else if (sscanf(line, " node_unreclaimable: %ld", &v) == 1) {
			unreclaimable = unreclaimable == 1 ? 1 : v;
		}
	}
	if (in)
		add_zone(best, &z, prot);
	fclose(f);
	best->unreclaimable = unreclaimable;
	return best->managed > 0 && best->low > best->min;
}

void binder_zone_describe(char *out, size_t size)
{
	char line[256], name[32] = "", prot[96];
	size_t len = 0;
	long v;
	FILE *f = fopen("/proc/zoneinfo", "re");

	*out = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && len < size) {
		if (sscanf(line, "Node %*d, zone %31s", name) == 1)
			len += snprintf(out + len, size - len, "%s%s:", len ? "; " : "", name);
		else if (sscanf(line, " pages free %ld", &v) == 1)
			len += snprintf(out + len, size - len, " free %ld", v);
		else if (sscanf(line, " min %ld", &v) == 1)
			len += snprintf(out + len, size - len, " min %ld", v);
		else if (sscanf(line, " low %ld", &v) == 1)
			len += snprintf(out + len, size - len, " low %ld", v);
		else if (sscanf(line, " protection: (%95[^)])", prot) == 1)
			len += snprintf(out + len, size - len, " prot (%s)", prot);
		else if (sscanf(line, " node_unreclaimable: %ld", &v) == 1)
			len += snprintf(out + len, size - len, " unreclaimable %ld", v);
	}
	fclose(f);
}

long binder_vmstat(const char *prefix)
{
	size_t n = strlen(prefix);
	char line[128];
	long sum = 0, v;
	bool found = false;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, n) &&
		    sscanf(line + strcspn(line, " "), " %ld", &v) == 1) {
			sum += v;
			found = true;
		}
	fclose(f);
	return found ? sum : -1;
}

/* Write @text to a procfs file; 0 or -errno. */
static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;
	ssize_t len = strlen(text);

	if (fd < 0)
		return -errno;
	ret = write(fd, text, len) == len ? 0 : -errno;
	close(fd);
	return ret;
}

int binder_set_oom_score_adj(int adj)
{
	char s[16];

	snprintf(s, sizeof(s), "%d", adj);
	return write_file("/proc/self/oom_score_adj", s);
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * The vm settings the hog changes while it runs, in this order, and puts
 * back in the reverse one (binder_hog_restore()):
 *
 * - Watermark boosting off: a fragmenting allocation would raise min by
 *   tens of MiB at once (a bench boot: DMA32's min from 5.7 to 20 MiB),
 *   to above what the hog just left free, and the hog would be OOM-killed
 *   on its own page fault.
 *
 * - The watermarks' spacing, 1 % of memory instead of 0.1 %: the band
 *   between min and low is then about 20 MiB in a 2 GiB guest instead of
 *   2 MiB, which a burst of the benchmark's allocations (a 1 MiB
 *   transaction; a per-CPU list's refill) crossed before the hog could give
 *   memory back: the OOM killer ran in the first second. Writing it also
 *   recomputes the watermarks, which clears a boost already in force.
 *
 * - The per-CPU free lists at the kernel's floor. Pages on them are not
 *   free to the watermarks: an order-0 allocation checks the zone's free
 *   count, which leaves them out, and a refill moves a batch from the zone
 *   to a list without a check. Auto-tuned (fraction 0), a list may grow to
 *   an eighth of the zone split over the CPUs and a refill's batch is
 *   scaled up to 32 times: a bench boot was OOM-killed with DMA32 at 816
 *   KiB free, min 5700, and 15.8 MiB on one CPU's list (direct reclaim
 *   drains the lists only after it made progress; with no swap and no
 *   page cache it makes none). A fraction as large as this gives each list
 *   four batches (about 1 MiB) and turns the auto-tuning off, which keeps
 *   a refill within three batches: what the zone counts as free is then
 *   nearly all that is.
 */
static const struct {
	const char *path, *value;
} hog_vm[HOG_VM] = {
	{ "/proc/sys/vm/watermark_boost_factor", "0" },
	{ "/proc/sys/vm/watermark_scale_factor", "100" },
	{ "/proc/sys/vm/percpu_pagelist_high_fraction", "1000000" },
};

/* Each setting's old value kept in @hog (nothing kept if it failed). */
static void hog_vm_set(struct binder_hog *hog)
{
	int i;

	for (i = 0; i < HOG_VM; i++) {
		read_line(hog_vm[i].path, hog->vm[i], sizeof(hog->vm[i]));
		if (hog->vm[i][0] && write_file(hog_vm[i].path, hog_vm[i].value))
			hog->vm[i][0] = '\0';
	}
}

void binder_hog_restore(struct binder_hog *hog)
{
	int i;

	for (i = HOG_VM - 1; i >= 0; i--) {
		if (hog->vm[i][0])
			write_file(hog_vm[i].path, hog->vm[i]);
		hog->vm[i][0] = '\0';
	}
}

/* Fault in @len bytes at @p; MADV_POPULATE_WRITE where the kernel has it. */
static void populate(uint8_t *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t i;

	if (!madvise(p, len, MADV_POPULATE_WRITE))
		return;
	for (i = 0; i < len; i += page)
		p[i] = 1;
}

static void hog_count(long *counter, long n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

/*
 * Far above the band, or room left in the fast path (@over pages): one
 * mapping of half of it (at most HOG_MAX_STEP), so that few zoneinfo reads
 * are needed to get there. Its length is kept in its first word.
 */
static bool hog_grow(struct binder_hog *hog, void **chunk, long over)
{
	long page = sysconf(_SC_PAGESIZE);
	long steps = over * page / HOG_CHUNK / 2;
	size_t len = (steps > 1 ? steps : 1) * HOG_CHUNK;

	if (len > HOG_MAX_STEP)
		len = HOG_MAX_STEP;
	*chunk = mmap(NULL, len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*chunk == MAP_FAILED) {
		hog_count(&hog->errors, 1);
		return false;
	}
	populate(*chunk, len);
	*(size_t *)*chunk = len;
	hog_count(&hog->held_kib, len >> 10);
	if (hog->held_kib > hog->held_max_kib)
		hog->held_max_kib = hog->held_kib;
	return true;
}

/* Give back the last chunks; returns the pages given back. */
static long hog_shrink(struct binder_hog *hog, void *chunk)
{
	size_t len = *(size_t *)chunk;

	munmap(chunk, len);
	hog_count(&hog->held_kib, -(long)(len >> 10));
	hog_count(&hog->gave_back, 1);
	return len / sysconf(_SC_PAGESIZE);
}

/*
 * The lazy pool (@hog->lazy_kib, none if 0): memory the hog has written and
 * then given MADV_FREE. Reclaim may take such pages without swap, as it
 * takes clean page cache on a phone, and counts them as progress. In a
 * guest with no swap and no page cache there is nothing else for it to
 * take but the shrinkers' objects, and stock's binder shrinker does not
 * report its pages: kswapd gives up on the node after 16 runs that freed
 * nothing, while the hog is still growing, and the window the owner
 * measures then has no reclaim at all. With the pool kswapd keeps
 * running, and every run calls the shrinkers, binder's among them. The
 * hog refills what reclaim took, a piece at a time, where it would
 * otherwise grow.
 */
struct hog_pool {
	uint8_t *base;
	size_t pieces, next;
	unsigned char vec[HOG_PIECE / 4096];
};

static void pool_free_piece(struct hog_pool *pool, size_t k)
{
	uint8_t *p = pool->base + k * HOG_PIECE;

	populate(p, HOG_PIECE);
	madvise(p, HOG_PIECE, MADV_FREE);
}

static bool pool_init(struct binder_hog *hog, struct hog_pool *pool)
{
	size_t k;

	pool->pieces = (hog->lazy_kib << 10) / HOG_PIECE;
	pool->next = 0;
	pool->base = NULL;
	if (!pool->pieces || sysconf(_SC_PAGESIZE) != 4096)
		return !pool->pieces;
	pool->base = mmap(NULL, pool->pieces * HOG_PIECE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pool->base == MAP_FAILED) {
		pool->base = NULL;
		return false;
	}
	for (k = 0; k < pool->pieces; k++)
		pool_free_piece(pool, k);
	return true;
}

/* Refill the next piece reclaim took pages of; false if none had any. */
static bool pool_refill(struct binder_hog *hog, struct hog_pool *pool)
{
	size_t i, j, k, pages = HOG_PIECE / 4096;

	for (i = 0; pool->base && i < pool->pieces; i++) {
		k = (pool->next + i) % pool->pieces;
		if (mincore(pool->base + k * HOG_PIECE, HOG_PIECE, pool->vec))
			return false;
		for (j = 0; j < pages && (pool->vec[j] & 1); j++)
			;
		if (j == pages)
			continue;
		pool_free_piece(pool, k);
		hog_count(&hog->lazy_refills, pages - j);
		pool->next = k + 1;
		return true;
	}
	return false;
}

/*
 * In the band: allocate half of what lies above min and give it back at
 * once. Without this, on a kernel where nothing else allocates, free
 * memory sits in the band and kswapd is never woken.
 */
static void hog_touch(struct binder_hog *hog)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (hog->zone.free - hog->zone.min) / 2 * page;
	void *p;

	if (len > HOG_CHUNK)
		len = HOG_CHUNK;
	p = len ? mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
	if (p != MAP_FAILED) {
		populate(p, len);
		munmap(p, len);
		hog_count(&hog->band_allocs, 1);
	}
}

int binder_hog_run(struct binder_hog *hog)
{
	static void *chunk[HOG_CHUNKS];
	static struct hog_pool pool;
	long page = sysconf(_SC_PAGESIZE), step = HOG_CHUNK / page;
	long n = 0, target, margin, over;

	if (binder_set_oom_score_adj(1000))
		return 1;
	hog_vm_set(hog);
	if (!pool_init(hog, &pool))
		hog_count(&hog->errors, 1);
	hog->free_min = -1;
	while (!__atomic_load_n(&hog->stop, __ATOMIC_ACQUIRE)) {
		if (!binder_zone_read(&hog->zone)) {
			binder_hog_restore(hog);
			return 2;
		}
		if (hog->free_min < 0 || hog->zone.free < hog->free_min)
			hog->free_min = hog->zone.free;
		/* the watermarks move (min_free_kbytes, boosts): read each time */
		target = hog->zone.min + (hog->zone.low - hog->zone.min) / 2;
		margin = (hog->zone.low - hog->zone.min) / 4;
		/* the largest zone too high, or room left in the fast path */
		over = hog->zone.free > target + step ? hog->zone.free - target : 0;
		/*
		 * The room in the small zones goes a chunk at a time: past
		 * it, allocations fall back to the largest zone, already in
		 * the band, and a large step would take it below min.
		 */
		if (!over && hog->zone.room > step && hog->zone.free > target)
			over = 2 * step;
		if (over && pool_refill(hog, &pool)) {
			/* reclaim took some of the pool: the pressure is on */
			__atomic_store_n(&hog->in_band, 1, __ATOMIC_RELEASE);
		} else if (over && n < HOG_CHUNKS) {
			if (hog_grow(hog, &chunk[n], over))
				n++;
			else
				binder_sleep_ms(10);
		} else if (hog->zone.free < hog->zone.min + margin && n > 0) {
			/*
			 * Late (a burst of allocations took the zone near
			 * min): give back at once all that is missing up to
			 * the target, or direct reclaim, finding nothing,
			 * would call the OOM killer.
			 */
			long free = hog->zone.free;

			while (n > 0 && free < target)
				free += hog_shrink(hog, chunk[--n]);
		} else {
			hog_touch(hog);
			__atomic_store_n(&hog->in_band, 1, __ATOMIC_RELEASE);
			binder_sleep_ms(1);
		}
	}
	binder_hog_restore(hog);
	return 0;
}
