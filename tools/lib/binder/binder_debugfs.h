/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readers for what binder and the shrinker show in debugfs:
 *   /sys/kernel/debug/binder/stats       one "proc PID" section per binder
 *                                         fd, with "pages: active:lru:free"
 *   /sys/kernel/debug/binder/proc/PID    the buffers of PID's binder fds
 *   /sys/kernel/debug/shrinker/android-binder-N/{count,scan}
 * A process has one section per open binder fd; "context NAME" (the device
 * name) tells them apart, so callers pass the device name they opened.
 */
#ifndef BINDER_DEBUGFS_H
#define BINDER_DEBUGFS_H

#include <stdbool.h>
#include <stddef.h>

#define BINDER_DEBUGFS_DIR	"/sys/kernel/debug/binder"
#define SHRINKER_DEBUGFS_DIR	"/sys/kernel/debug/shrinker"

#define BINDER_STATS_EXTRA	8

struct binder_proc_stats {
	int pid;
	char context[64];
	int threads;
	int buffers;
	int pending;
	long free_async_space;
	int pages_active;	/* installed, in an allocated buffer */
	int pages_lru;		/* installed, free, reclaimable */
	int pages_free;		/* not installed */
	long pages_high;	/* high watermark of installed pages */
	/* allocator lines this reader does not know (e.g. reclaim counters) */
	int nextra;
	char extra[BINDER_STATS_EXTRA][128];
};

struct binder_buffer_info {
	unsigned long offset;	/* from the start of the mapping */
	size_t data_size;
	size_t offsets_size;
	size_t extra_size;
	bool active;		/* still attached to a transaction */
};

bool binder_debugfs_available(void);
int binder_stats_find(int pid, const char *context,
		      struct binder_proc_stats *st);
int binder_stats_count_procs(const char *context);
int binder_proc_buffers(int pid, const char *context,
			struct binder_buffer_info *bufs, int max);
bool binder_stats_show_ours(const struct binder_proc_stats *st);

bool binder_shrinker_available(void);
long binder_shrinker_count(void);
int binder_shrinker_scan(unsigned long nr_to_scan);

/*
 * /sys/kernel/debug/binder_alloc/pages (our allocator only): pages the
 * allocator owns in all processes, those of them on the binder LRU, and
 * how many were ever installed and reclaimed (-1 if not shown).
 */
#define BINDER_ALLOC_PAGES	"/sys/kernel/debug/binder_alloc/pages"

struct binder_alloc_pages {
	long owned;
	long lru;
	long installed;
	long reclaimed;
};

int binder_alloc_pages_read(struct binder_alloc_pages *p);
/* Poll until the pages owned are at most @limit; returns the last count. */
long binder_alloc_pages_wait_at_most(long limit, int timeout_ms);

#endif /* BINDER_DEBUGFS_H */
