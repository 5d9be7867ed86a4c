/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_hog.h - a bounded memory hog for binder_bench's pressure.* rows:
 * a process that holds anonymous memory so that the guest's free memory
 * stays between its min and low watermarks.
 */
#ifndef BENCH_HOG_H
#define BENCH_HOG_H

#include <stdbool.h>
#include <sys/types.h>

/* Lives in memory shared with the parent. */
struct hog_ctl {
	int stop;		/* parent -> hog */
	int ready;		/* hog -> parent: 1 holding, -1 failed */
	long min_bytes;		/* free bytes at the min watermarks */
	long low_bytes;		/* free bytes at the low watermarks */
	long target_bytes;	/* free bytes the hog keeps */
	long held_bytes;	/* what it holds now */
	long held_max_bytes;
	long free_min_bytes;	/* the lowest free memory it saw */
	long gave_back;		/* times it gave memory back */
};

/*
 * Widen the watermark gaps, measure them, fork the hog, and wait until it
 * holds its share; false (and no hog) on failure.
 */
bool hog_start(struct hog_ctl *ctl, pid_t *pid);
/* Stop and reap the hog; restores the watermarks. */
void hog_stop(struct hog_ctl *ctl, pid_t pid);

/* binder_bench.c's: write @text to a procfs or sysfs file */
bool write_text(const char *path, const char *text);

#endif /* BENCH_HOG_H */
