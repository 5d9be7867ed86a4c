// SPDX-License-Identifier: GPL-2.0
/*
 * bench_hog.c - a bounded memory hog for binder_bench's pressure.* rows.
 *
 * The guest has no swap: its anonymous and tmpfs memory cannot be
 * reclaimed, so once free memory falls below the min watermarks an
 * allocation's direct reclaim finds almost nothing and the OOM killer
 * runs. The hog therefore keeps free memory between the min and the low
 * watermarks, where every allocation misses the fast path (low), wakes
 * kswapd, which runs the shrinkers (binder's among them), and still
 * succeeds above min. It watches free memory every HOG_PERIOD_US and takes
 * or gives back memory in 1 MiB mappings.
 *
 * The default gap between min and low on a 2 GiB guest is 2 MiB, less
 * than one install round: the hog raises vm.watermark_scale_factor for
 * its lifetime so that the gap is tens of MiB and its reaction is never
 * late. It turns watermark boosting off meanwhile (a fragmenting
 * allocation would raise every watermark by tens of MiB at once, over
 * the hog's target). It also makes itself the OOM killer's first choice
 * (oom_score_adj 1000), should it ever be late anyway.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_hog.h"

#define MiB			(1024L * 1024)
#define HOG_CHUNK		MiB
#define HOG_MAX_CHUNKS		8192		/* 8 GiB: more than any guest here */
#define HOG_PERIOD_US		500
#define HOG_SCALE_FACTOR	"100"		/* gaps of 1 % of memory */
#define WSF_PATH		"/proc/sys/vm/watermark_scale_factor"
#define BOOST_PATH		"/proc/sys/vm/watermark_boost_factor"
/* allocations binder makes: GFP_KERNEL, so zones up to ZONE_NORMAL */
#define ZONE_NORMAL_IDX		2

static char saved_wsf[16], saved_boost[16];

static void read_sysctl(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (f) {
		if (fgets(buf, size, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void restore_sysctls(void)
{
	write_text(WSF_PATH, saved_wsf);
	write_text(BOOST_PATH, saved_boost);
}

/*
 * Sum over the populated zones of (watermark + the zone's reserve against
 * GFP_KERNEL allocations), for min and low: below those totals of free
 * memory, no zone serves such an allocation at that watermark.
 */
static bool read_watermarks(long *min_bytes, long *low_bytes)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	long min = 0, low = 0, v, prot[5], page = sysconf(_SC_PAGESIZE);
	long zmin = 0, zlow = 0;
	char line[256], word[32];

	if (!f) {
		fprintf(stderr, "# hog: open /proc/zoneinfo: %s\n", strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " protection: (%ld, %ld, %ld, %ld, %ld)", &prot[0],
			   &prot[1], &prot[2], &prot[3], &prot[4]) >= ZONE_NORMAL_IDX + 1) {
			/* the last line of a zone's watermarks */
			if (zlow) {
				min += zmin + prot[ZONE_NORMAL_IDX];
				low += zlow + prot[ZONE_NORMAL_IDX];
			}
			zmin = zlow = 0;
		} else if (sscanf(line, " %31s %ld", word, &v) == 2) {
			if (!strcmp(word, "min"))
				zmin = v;
			else if (!strcmp(word, "low"))
				zlow = v;
		}
	}
	fclose(f);
	*min_bytes = min * page;
	*low_bytes = low * page;
	return low > min;
}

static long free_bytes(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		return -1;
	return (long)si.freeram * si.mem_unit;
}

static void *chunks[HOG_MAX_CHUNKS];

static bool hog_take(struct hog_ctl *ctl, int *n)
{
	void *p;

	if (*n == HOG_MAX_CHUNKS)
		return false;
	p = mmap(NULL, HOG_CHUNK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	chunks[(*n)++] = p;
	ctl->held_bytes += HOG_CHUNK;
	if (ctl->held_bytes > ctl->held_max_bytes)
		ctl->held_max_bytes = ctl->held_bytes;
	return true;
}

static void hog_give_back(struct hog_ctl *ctl, int *n)
{
	munmap(chunks[--(*n)], HOG_CHUNK);
	ctl->held_bytes -= HOG_CHUNK;
}

static int hog_main(struct hog_ctl *ctl)
{
	struct timespec period = { .tv_nsec = HOG_PERIOD_US * 1000L };
	long free, cpu;
	cpu_set_t all;
	int n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	write_text("/proc/self/oom_score_adj", "1000");
	/* the parent is pinned; the hog goes where there is room */
	CPU_ZERO(&all);
	for (cpu = 0; cpu < sysconf(_SC_NPROCESSORS_ONLN) && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &all);
	sched_setaffinity(0, sizeof(all), &all);
	ctl->free_min_bytes = free_bytes();
	while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE)) {
		free = free_bytes();
		if (free < 0)
			return 1;
		if (free < ctl->free_min_bytes)
			ctl->free_min_bytes = free;
		if (free < ctl->target_bytes - HOG_CHUNK) {
			/* late: give back all that is missing at once */
			while (n && free < ctl->target_bytes) {
				hog_give_back(ctl, &n);
				free += HOG_CHUNK;
			}
			ctl->gave_back++;
		} else if (free > ctl->target_bytes + 2 * HOG_CHUNK) {
			/* fill up fast at first, then a chunk per period */
			do {
				if (!hog_take(ctl, &n))
					break;
				free = free_bytes();
			} while (!ctl->ready && free > ctl->target_bytes + 2 * HOG_CHUNK);
		} else if (!ctl->ready) {
			__atomic_store_n(&ctl->ready, 1, __ATOMIC_RELEASE);
		}
		nanosleep(&period, NULL);
	}
	return 0;
}

bool hog_start(struct hog_ctl *ctl, pid_t *pid)
{
	int i;

	memset(ctl, 0, sizeof(*ctl));
	snprintf(saved_wsf, sizeof(saved_wsf), "10");
	snprintf(saved_boost, sizeof(saved_boost), "15000");
	read_sysctl(WSF_PATH, saved_wsf, sizeof(saved_wsf));
	read_sysctl(BOOST_PATH, saved_boost, sizeof(saved_boost));
	/* boosting off first: the new watermarks then clear any boost */
	if (!write_text(BOOST_PATH, "0") ||
	    !write_text(WSF_PATH, HOG_SCALE_FACTOR) ||
	    !read_watermarks(&ctl->min_bytes, &ctl->low_bytes)) {
		restore_sysctls();
		return false;
	}
	/* half way up from min: half the gap as margin */
	ctl->target_bytes = ctl->min_bytes + (ctl->low_bytes - ctl->min_bytes) / 2;
	fflush(stdout);
	fflush(stderr);
	*pid = fork();
	if (*pid < 0) {
		restore_sysctls();
		return false;
	}
	if (*pid == 0)
		_exit(hog_main(ctl));
	for (i = 0; i < 1200 && !__atomic_load_n(&ctl->ready, __ATOMIC_ACQUIRE); i++)
		usleep(50000);
	if (!ctl->ready) {
		fprintf(stderr, "# hog: did not reach its target in 60 s\n");
		hog_stop(ctl, *pid);
		return false;
	}
	return true;
}

void hog_stop(struct hog_ctl *ctl, pid_t pid)
{
	int status;

	__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
	if (waitpid(pid, &status, 0) == pid && WIFSIGNALED(status))
		fprintf(stderr, "# hog: killed by signal %d\n", WTERMSIG(status));
	restore_sysctls();
}
