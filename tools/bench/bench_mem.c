// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mem.c - binder_bench's mem.* rows: allocator metadata per binder fd,
 * computed (bench_metadata.c) and measured from the slab counters.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench_metadata.h"
#include "binder_debugfs.h"

#include "bench.h"

/*
 * Unreclaimable kernel memory, as slab counters show it. SLUB keeps free
 * objects in per-CPU and partial slabs, RCU frees some objects and slabs
 * late, and vmstat folds per-CPU counter deltas lazily: slab_settle()
 * waits for RCU, shrinks every cache and folds the counters, so that what
 * is read next is exact. /proc/slabinfo then gives each cache's allocated
 * objects; what SUnreclaim holds beyond the slabs of unreclaimable caches
 * is large kmalloc()s (over 8 KiB: whole pages).
 *
 * sysfs files are opened once, in bench_mem_init(): closing one frees kernfs
 * state with kfree_rcu(), which would come back seconds later as noise.
 */
#define SLAB_SYSFS		"/sys/kernel/slab"
#define MAX_CACHES		256

struct slab_cache {
	char name[40];
	long object_bytes;	/* allocated objects x object size */
	long slab_bytes;	/* slabs x slab size */
};

struct slab_snapshot {
	long sunreclaim;
	int n;			/* unreclaimable caches */
	struct slab_cache c[MAX_CACHES];
};

static struct {
	long init_ns;
	int nshrink;
	int shrink_fd[MAX_CACHES];
	int nreclaimable;
	char reclaimable[MAX_CACHES][40];
} slab;

/* Write @text to a sysctl, sysfs or procfs file; false with a message. */
static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(text, f) >= 0;

	if (f && fclose(f))
		ok = false;
	if (!ok)
		fprintf(stderr, "# write \"%s\" to %s: %s\n", text, path,
			strerror(errno));
	return ok;
}

static void slab_open_shrink_files(void)
{
	DIR *dir = opendir(SLAB_SYSFS);
	char path[300];
	struct dirent *e;
	int fd;

	if (!dir) {
		fprintf(stderr, "# open %s: %s\n", SLAB_SYSFS, strerror(errno));
		return;
	}
	while ((e = readdir(dir)) && slab.nshrink < MAX_CACHES) {
		/* real caches are directories, merged ones symlinks to them */
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SLAB_SYSFS "/%s/shrink", e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "# open %s: %s\n", path, strerror(errno));
		else
			slab.shrink_fd[slab.nshrink++] = fd;
	}
	closedir(dir);
}

/* Remember which caches /proc/slabinfo lists are reclaimable. */
static void slab_find_reclaimable(void)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512], name[40], path[300], value[16];

	while (f && fgets(line, sizeof(line), f) &&
	       slab.nreclaimable < MAX_CACHES) {
		if (sscanf(line, "%39s", name) != 1 || name[0] == '#')
			continue;
		snprintf(path, sizeof(path), SLAB_SYSFS "/%s/reclaim_account", name);
		read_first_line(path, value, sizeof(value));
		if (value[0] == '1')
			snprintf(slab.reclaimable[slab.nreclaimable++],
				 sizeof(slab.reclaimable[0]), "%s", name);
	}
	if (f)
		fclose(f);
}

/* Open what the measurements use, long before them: see slab_settle(). */
void bench_mem_init(void)
{
	slab.init_ns = now_ns();
	slab_open_shrink_files();
	slab_find_reclaimable();
}

/* kfree_rcu() batches for up to 5 s: let bench_mem_init()'s go by. */
static void slab_wait_for_init_noise(void)
{
	long left = slab.init_ns + 6000000000L - now_ns();

	if (left > 0)
		usleep(left / 1000);
}

static bool slab_is_reclaimable(const char *name)
{
	int i;

	for (i = 0; i < slab.nreclaimable; i++)
		if (!strcmp(slab.reclaimable[i], name))
			return true;
	return false;
}

static void rcu_wait(void)
{
	/* MEMBARRIER_CMD_GLOBAL is synchronize_rcu(); callbacks run soon after */
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0);
	usleep(20000);
}

static bool slab_settle(void)
{
	int i;

	rcu_wait();
	for (i = 0; i < slab.nshrink; i++)
		if (pwrite(slab.shrink_fd[i], "1", 1, 0) != 1)
			return false;
	rcu_wait();		/* SLAB_TYPESAFE_BY_RCU slabs are freed late */
	return write_text("/proc/sys/vm/stat_refresh", "1");
}

static long meminfo_bytes(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(field);
	char line[128];
	long kb = -1;

	if (!f) {
		fprintf(stderr, "# open /proc/meminfo: %s\n", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			sscanf(line + len + 1, "%ld", &kb);
	fclose(f);
	return kb * 1024;
}

static bool slab_snapshot_take(struct slab_snapshot *snap)
{
	long active, total, size, per_slab, pages, slabs;
	FILE *f;
	char line[512], name[40];

	if (!slab_settle())
		return false;
	snap->sunreclaim = meminfo_bytes("SUnreclaim");
	f = fopen("/proc/slabinfo", "r");
	if (!f) {
		fprintf(stderr, "# open /proc/slabinfo (CONFIG_SLUB_DEBUG): %s\n",
			strerror(errno));
		return false;
	}
	snap->n = 0;
	while (fgets(line, sizeof(line), f) && snap->n < MAX_CACHES) {
		struct slab_cache *c = &snap->c[snap->n];

		if (sscanf(line, "%39s %ld %ld %ld %ld %ld : tunables %*d %*d %*d : slabdata %*d %ld",
			   name, &active, &total, &size, &per_slab, &pages,
			   &slabs) != 7 || slab_is_reclaimable(name))
			continue;
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->object_bytes = active * size;
		c->slab_bytes = slabs * pages * PAGE;
		snap->n++;
	}
	fclose(f);
	return snap->sunreclaim >= 0;
}

static long slab_large_kmalloc_bytes(const struct slab_snapshot *snap)
{
	long slabs = 0;
	int i;

	for (i = 0; i < snap->n; i++)
		slabs += snap->c[i].slab_bytes;
	return snap->sunreclaim - slabs;
}

/* Bytes in allocated unreclaimable objects, large kmalloc()s included. */
static long slab_live_bytes(const struct slab_snapshot *snap)
{
	long bytes = slab_large_kmalloc_bytes(snap);
	int i;

	for (i = 0; i < snap->n; i++)
		bytes += snap->c[i].object_bytes;
	return bytes;
}

static long slab_cache_growth(const struct slab_snapshot *before,
			      const struct slab_cache *c)
{
	int i;

	for (i = 0; i < before->n; i++)
		if (!strcmp(before->c[i].name, c->name))
			return c->object_bytes - before->c[i].object_bytes;
	return c->object_bytes;
}

/* Where the bytes of a step went, per fd: the caches that grew most. */
static void slab_print_growth(const char *what, const struct slab_snapshot *a,
			      const struct slab_snapshot *b, int per)
{
	long large = slab_large_kmalloc_bytes(b) - slab_large_kmalloc_bytes(a);
	long shown[4] = { 0 };
	int top[4] = { -1, -1, -1, -1 };
	int i, j, k;

	for (i = 0; i < b->n; i++) {
		long g = slab_cache_growth(a, &b->c[i]);

		for (j = 0; j < 4; j++) {
			if (g <= shown[j])
				continue;
			for (k = 3; k > j; k--) {
				shown[k] = shown[k - 1];
				top[k] = top[k - 1];
			}
			shown[j] = g;
			top[j] = i;
			break;
		}
	}
	printf("#   %s: %+ld large kmalloc", what, large / per);
	for (j = 0; j < 4 && top[j] >= 0; j++)
		printf(", %+ld %s", shown[j] / per, b->c[top[j]].name);
	printf(" (bytes per fd)\n");
}

struct mem_fds {
	struct binder b[MAX_ALLOCS];
	struct binder_thread t[MAX_ALLOCS];
	void *control[MAX_ALLOCS];	/* anonymous twins of the mappings */
	size_t control_size;
	int n;
};

static bool mem_open_all(struct mem_fds *m, int n)
{
	for (m->n = 0; m->n < n; m->n++) {
		if (binder_open(&m->b[m->n], shm->path, 0))
			return false;
		binder_thread_init(&m->t[m->n], &m->b[m->n]);
	}
	return true;
}

static void mem_close_all(struct mem_fds *m)
{
	while (m->n > 0)
		binder_close(&m->b[--m->n]);
}

static bool mem_map_all(struct mem_fds *m, size_t size)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (binder_map(&m->b[i], size))
			return false;
	return true;
}

/*
 * A mapping costs slab memory of its own (VMA, maple tree nodes) that is
 * not the allocator's: measure it on anonymous read-only mappings of the
 * same size, a page apart so that they do not merge, and subtract it.
 */
static bool mem_map_controls(struct mem_fds *m, size_t size)
{
	size_t stride = size + PAGE;
	char *area;
	int i;

	/* find room for all of them, then give it back and map into it */
	area = mmap(NULL, stride * m->n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED || munmap(area, stride * m->n))
		goto fail;
	m->control_size = size;
	for (i = 0; i < m->n; i++) {
		char *want = area + i * stride;

		if (mmap(want, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			 MAP_FIXED_NOREPLACE, -1, 0) != want)
			goto fail;
		m->control[i] = want;
	}
	return true;
fail:
	fprintf(stderr, "# mem: anonymous mmap of %zu bytes: %s\n", size,
		strerror(errno));
	return false;
}

static void mem_unmap_controls(struct mem_fds *m)
{
	int i;

	for (i = 0; i < m->n; i++) {
		if (m->control[i])
			munmap(m->control[i], m->control_size);
		m->control[i] = NULL;
	}
}

/* Have the server reply @bytes to every fd: they land at offset 0. */
static bool mem_fill_all(struct mem_fds *m, size_t bytes)
{
	int i;

	for (i = 0; i < m->n; i++) {
		struct binder_msg msg = { .code = bytes };
		struct binder_event ev;

		if (binder_call(&m->t[i], 0, &msg, &ev, CALL_TIMEOUT_MS) ||
		    ev.cmd != BR_REPLY) {
			fprintf(stderr, "# mem: reply of %zu bytes failed\n", bytes);
			return false;
		}
		if (binder_free_buffer(&m->t[i], ev.tr.data.ptr.buffer))
			return false;
	}
	return true;
}

struct mem_sample {
	long open;		/* bytes per fd: binder_proc and friends */
	long at[3];		/* bytes per fd at 0, 25, 100 % installed */
};

static const int mem_percent[3] = { 0, 25, 100 };

/*
 * Live unreclaimable bytes before and after each step, divided by the
 * number of fds: open, anonymous twins, binder mmap (0 %), replies
 * covering 25 % and 100 %. Buffers and transactions are freed by then:
 * what grows is what stays.
 */
enum mem_step { MEM_START, MEM_OPENED, MEM_TWINS, MEM_AT0, MEM_AT25, MEM_AT100,
		MEM_STEPS };

static bool mem_sample_once(size_t map_size, struct mem_sample *s,
			    bool breakdown)
{
	static const char *const names[] = { "", "open", "anonymous twins",
					     "binder mmap", "25 % installed",
					     "100 % installed" };
	static struct slab_snapshot snap[MEM_STEPS];
	static struct mem_fds m;
	long twins;
	bool ok = false;
	int i;

	if (!slab_snapshot_take(&snap[MEM_START]) ||
	    !mem_open_all(&m, opt.allocs) ||
	    !slab_snapshot_take(&snap[MEM_OPENED]) ||
	    !mem_map_controls(&m, map_size) ||
	    !slab_snapshot_take(&snap[MEM_TWINS]))
		goto out;
	for (i = 0; i < 3; i++) {
		bool done = i == 0 ? mem_map_all(&m, map_size) :
			    mem_fill_all(&m, map_size * mem_percent[i] / 100);

		if (!done || !slab_snapshot_take(&snap[MEM_AT0 + i]))
			goto out;
	}
	s->open = (slab_live_bytes(&snap[MEM_OPENED]) -
		   slab_live_bytes(&snap[MEM_START])) / m.n;
	twins = slab_live_bytes(&snap[MEM_TWINS]) - slab_live_bytes(&snap[MEM_OPENED]);
	for (i = 0; i < 3; i++)
		s->at[i] = (slab_live_bytes(&snap[MEM_AT0 + i]) -
			    slab_live_bytes(&snap[MEM_TWINS]) - twins) / m.n;
	if (breakdown) {
		printf("# mem: %zu MiB mapping, growth of each step:\n", map_size / MiB);
		for (i = MEM_OPENED; i < MEM_STEPS; i++)
			slab_print_growth(names[i], &snap[i - 1], &snap[i], m.n);
	}
	ok = true;
out:
	mem_unmap_controls(&m);
	mem_close_all(&m);
	/*
	 * binder releases procs from a workqueue, and a proc leaves
	 * binder/stats before its pages and buffers go: give those time.
	 * The server and the warm fd stay.
	 */
	for (i = 0; i < 500 && binder_stats_count_procs(device_name()) > 2; i++)
		usleep(10000);
	usleep(200000);
	return ok;
}

static void mem_measure(size_t map_size, enum allocator a,
			struct series *open_cost)
{
	struct series computed[3] = { 0 }, measured[3] = { 0 };
	struct mem_sample s = { 0 };
	char key[64];
	int rep, i;

	for (rep = 0; rep < opt.repeat; rep++) {
		if (!mem_sample_once(map_size, &s, rep == 0)) {
			failures++;
			return;
		}
		series_add(open_cost, s.open);
		for (i = 0; i < 3; i++) {
			long installed = map_size / PAGE * mem_percent[i] / 100;

			series_add(&computed[i],
				   binder_alloc_metadata_bytes(a == ALLOC_OURS,
							       map_size, installed));
			series_add(&measured[i], s.at[i]);
		}
	}
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "mem.%zuMiB.%dpct.computed",
			 map_size / MiB, mem_percent[i]);
		print_bench(key, "bytes", "lower", &computed[i]);
		snprintf(key, sizeof(key), "mem.%zuMiB.%dpct.measured",
			 map_size / MiB, mem_percent[i]);
		print_bench(key, "bytes", "lower", &measured[i]);
	}
}

void bench_mem(void)
{
	static const size_t sizes[] = { 1 * MiB, 4 * MiB };
	struct series open_cost = { 0 };
	struct mem_fds *warm;
	size_t i;

	if (opt.allocator == ALLOC_UNKNOWN) {
		printf("# mem: allocator unknown, no computed metadata\n");
		return;
	}
	warm = calloc(1, sizeof(*warm));
	if (!warm || !device_create())
		goto out_free;
	/*
	 * The server's own metadata appears with its first buffer: make that
	 * happen before anything is measured.
	 */
	if (!server_start(64 * KiB, 1, cpu_main(), 0) || !mem_open_all(warm, 1) ||
	    !mem_map_all(warm, 16 * KiB) || !mem_fill_all(warm, 8))
		goto out;
	slab_wait_for_init_noise();
	printf("# mem: %d binder fds of one process map, then get replies covering 25 %% and 100 %% of their space; measured: growth of allocated unreclaimable slab objects and large kmallocs per fd, less that of as many anonymous mappings; computed: from the %s allocator's structures\n",
	       opt.allocs, opt.allocator == ALLOC_OURS ? "ours" : "stock");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		mem_measure(sizes[i], opt.allocator, &open_cost);
	print_bench("mem.open.measured", "bytes", "lower", &open_cost);
out:
	mem_close_all(warm);
	server_stop();
	device_remove();
out_free:
	free(warm);
}

