// SPDX-License-Identifier: GPL-2.0
/*
 * Readers for binder's and the shrinker's debugfs files: see binder_debugfs.h.
 * The formats are those of binder.c (print_binder_proc_stats(),
 * print_binder_proc()), binder_alloc.c (binder_alloc_print_pages(),
 * binder_alloc_print_allocated()) and mm/shrinker_debug.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "binder.h"
#include "binder_debugfs.h"

/* The whole of a (small, generated) debugfs file, NUL-terminated. */
static char *read_text(const char *path)
{
	size_t len = 0, size = 16384;
	char *text = malloc(size);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !text)
		goto fail;
	while ((n = read(fd, text + len, size - len - 1)) > 0) {
		len += n;
		if (size - len < 4096) {
			char *bigger = realloc(text, size * 2);

			if (!bigger)
				goto fail;
			text = bigger;
			size *= 2;
		}
	}
	if (n < 0)
		goto fail;
	close(fd);
	text[len] = '\0';
	return text;
fail:
	if (fd >= 0)
		close(fd);
	free(text);
	return NULL;
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

static bool is_proc_header(const char *line, int *pid)
{
	return !strncmp(line, "proc ", 5) && sscanf(line, "proc %d", pid) == 1;
}

static bool context_is(const char *line, const char *context)
{
	size_t len;

	context = binder_device_context(context);	/* a fixed node's name */
	len = context ? strlen(context) : 0;

	if (strncmp(line, "context ", 8))
		return false;
	return !context || (!strncmp(line + 8, context, len) &&
			    (line[8 + len] == '\n' || !line[8 + len]));
}

/*
 * The next "proc PID" section at or after @s for @pid (any if negative) on
 * @context (any if NULL). Returns its first line after "context", and sets
 * @end to the start of the next section.
 */
static const char *find_section(const char *s, int pid, const char *context,
				const char **end)
{
	int p;

	for (; *s; s = next_line(s)) {
		if (!is_proc_header(s, &p) || (pid >= 0 && p != pid))
			continue;
		if (!context_is(next_line(s), context))
			continue;
		s = next_line(next_line(s));
		for (*end = s; **end && !is_proc_header(*end, &p);)
			*end = next_line(*end);
		return s;
	}
	return NULL;
}

bool binder_debugfs_available(void)
{
	return access(BINDER_DEBUGFS_DIR "/stats", R_OK) == 0;
}

/* Lines the stock allocator does not print but a newer one may: keep them. */
static bool is_allocator_line(const char *line)
{
	static const char *const words[] = {
		"page", "reclaim", "skip", "shrink", "lru", "metadata",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcasestr(line, words[i]))
			return true;
	return false;
}

static void parse_stats_line(const char *text, struct binder_proc_stats *st)
{
	char line[sizeof(st->extra[0])];
	size_t len = strcspn(text, "\n");

	if (len >= sizeof(line))
		len = sizeof(line) - 1;
	memcpy(line, text, len);
	line[len] = '\0';

	if (sscanf(line, " threads: %d", &st->threads) == 1 ||
	    sscanf(line, " buffers: %d", &st->buffers) == 1 ||
	    sscanf(line, " pending transactions: %d", &st->pending) == 1 ||
	    sscanf(line, " free async space %ld", &st->free_async_space) == 1 ||
	    sscanf(line, " pages high watermark: %ld", &st->pages_high) == 1 ||
	    sscanf(line, " pages: %d:%d:%d", &st->pages_active, &st->pages_lru,
		   &st->pages_free) == 3)
		return;
	if (is_allocator_line(line) && st->nextra < BINDER_STATS_EXTRA)
		snprintf(st->extra[st->nextra++], sizeof(st->extra[0]), "%s",
			 line + strspn(line, " "));
}

/**
 * binder_stats_find() - one binder fd's section of binder/stats
 * @pid: the process
 * @context: the device name it opened
 * @st: receives the numbers
 *
 * Return: 1 if found, 0 if no such section (e.g. released), -errno.
 */
int binder_stats_find(int pid, const char *context,
		      struct binder_proc_stats *st)
{
	char *text = read_text(BINDER_DEBUGFS_DIR "/stats");
	const char *line, *end;

	if (!text)
		return -errno;
	memset(st, 0, sizeof(*st));
	line = find_section(text, pid, context, &end);
	if (line) {
		st->pid = pid;
		snprintf(st->context, sizeof(st->context), "%s", context);
		for (; line < end; line = next_line(line))
			parse_stats_line(line, st);
	}
	free(text);
	return !!line;
}

/* How many binder fds are open on @context (all devices if NULL). */
int binder_stats_count_procs(const char *context)
{
	char *text = read_text(BINDER_DEBUGFS_DIR "/stats");
	const char *s, *end;
	int count = 0;

	if (!text)
		return -errno;
	for (s = text; (s = find_section(s, -1, context, &end)); s = end)
		count++;
	free(text);
	return count;
}

/**
 * binder_proc_buffers() - allocated buffers of one binder fd, from proc/PID
 * @pid: the process
 * @context: the device name it opened
 * @bufs: receives up to @max buffers
 * @max: size of @bufs
 *
 * Return: number of buffers (may exceed @max), -errno.
 */
int binder_proc_buffers(int pid, const char *context,
			struct binder_buffer_info *bufs, int max)
{
	const char *line, *end;
	char path[128], state[16];
	struct binder_buffer_info b;
	int id, count = 0;
	char *text;

	snprintf(path, sizeof(path), BINDER_DEBUGFS_DIR "/proc/%d", pid);
	text = read_text(path);
	if (!text)
		return -errno;
	line = find_section(text, pid, context, &end);
	for (; line && line < end; line = next_line(line)) {
		if (sscanf(line, " buffer %d: %lx size %zu:%zu:%zu %15s", &id,
			   &b.offset, &b.data_size, &b.offsets_size,
			   &b.extra_size, state) != 6)
			continue;
		b.active = !strcmp(state, "active");
		if (count < max)
			bufs[count] = b;
		count++;
	}
	free(text);
	return count;
}

/* The "android-binder-N" directory: N is given at registration. */
/**
 * binder_stats_show_ours() - does this proc section come from our allocator?
 * @st: a section read by binder_stats_find()
 *
 * Ours prints per-process reclaim counters in binder/stats; stock does not.
 */
bool binder_stats_show_ours(const struct binder_proc_stats *st)
{
	int i;

	for (i = 0; i < st->nextra; i++)
		if (strstr(st->extra[i], "reclaimed"))
			return true;
	return false;
}

static const char *shrinker_dir(void)
{
	static char dir[256];
	glob_t g;

	if (dir[0])
		return dir;
	if (glob(SHRINKER_DEBUGFS_DIR "/android-binder-*", 0, NULL, &g))
		return NULL;
	snprintf(dir, sizeof(dir), "%s", g.gl_pathv[0]);
	globfree(&g);
	return dir;
}

/*
 * Without CONFIG_SHRINKER_DEBUG (Debian's kernels) there is no shrinker
 * directory: count the pages from binder/stats (each binder fd's
 * "pages: active:lru:free", summed over the fds listed) and reclaim
 * through /proc/sys/vm/drop_caches ("2": every slab shrinker, binder's
 * included, until they free next to nothing) instead. The differences:
 * pages of an fd already released but not yet freed are not counted, and
 * a scan reclaims everything it can, whatever nr_to_scan says.
 */
#define DROP_CACHES	"/proc/sys/vm/drop_caches"

static bool shrinker_fallback(void)
{
	static bool said;

	if (!binder_debugfs_available() || access(DROP_CACHES, W_OK))
		return false;
	if (!said)
		fprintf(stderr,
			"# binder: no shrinker debugfs (CONFIG_SHRINKER_DEBUG): LRU pages counted from binder/stats, reclaim by %s\n",
			DROP_CACHES);
	said = true;
	return true;
}

static long fallback_count(void)
{
	char *text = read_text(BINDER_DEBUGFS_DIR "/stats");
	const char *s;
	int active, lru, free_pages;
	long total = 0;

	if (!text)
		return -errno;
	for (s = text; *s; s = next_line(s))
		if (sscanf(s, " pages: %d:%d:%d", &active, &lru, &free_pages) == 3)
			total += lru;
	free(text);
	return total;
}

static int fallback_scan(void)
{
	int fd = open(DROP_CACHES, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0 || write(fd, "2", 1) != 1) {
		fprintf(stderr, "# binder: write 2 to " DROP_CACHES ": %s\n",
			strerror(errno));
		ret = -errno;
	}
	if (fd >= 0)
		close(fd);
	return ret;
}

bool binder_shrinker_available(void)
{
	return shrinker_dir() || shrinker_fallback();
}

typedef void (*count_fn)(unsigned long ino, int nid, unsigned long count,
			 void *arg);

/*
 * Calls @fn for every non-zero count in the shrinker's count file: one line
 * per memcg ("ino count-node0 count-node1 ..."), nothing when all are zero.
 * Returns the sum of the counts.
 */
static long walk_counts(count_fn fn, void *arg)
{
	const char *dir = shrinker_dir();
	unsigned long ino, count;
	char path[300], *text, *s, *next;
	long total = 0;
	int nid;

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/count", dir);
	text = read_text(path);
	if (!text)
		return -errno;
	for (s = text; *s; s = (char *)next_line(s)) {
		ino = strtoul(s, &next, 10);
		for (nid = 0; next != s && *next == ' '; nid++) {
			s = next;
			count = strtoul(s, &next, 10);
			total += count;
			if (count && fn)
				fn(ino, nid, count, arg);
		}
	}
	free(text);
	return total;
}

/* Pages on the binder shrinker's LRU, all processes together. */
long binder_shrinker_count(void)
{
	if (!shrinker_dir() && shrinker_fallback())
		return fallback_count();
	return walk_counts(NULL, NULL);
}

struct scan_req {
	const char *dir;
	unsigned long nr;
	int ret;
};

static void scan_one(unsigned long ino, int nid, unsigned long count,
		     void *arg)
{
	struct scan_req *req = arg;
	char path[300], cmd[72];
	int fd, len;

	(void)count;
	snprintf(path, sizeof(path), "%s/scan", req->dir);
	len = snprintf(cmd, sizeof(cmd), "%lu %d %lu", ino, nid, req->nr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, cmd, len) != len) {
		fprintf(stderr, "# binder: write \"%s\" to %s: %s\n", cmd, path,
			strerror(errno));
		req->ret = -errno;
	}
	if (fd >= 0)
		close(fd);
}

/**
 * binder_shrinker_scan() - ask the shrinker to reclaim, as memory pressure would
 * @nr_to_scan: LRU entries to walk on each node and memcg that has some
 *
 * Return: 0 or -errno. Measure the effect with binder_shrinker_count().
 */
int binder_shrinker_scan(unsigned long nr_to_scan)
{
	struct scan_req req = { shrinker_dir(), nr_to_scan, 0 };
	long ret;

	if (!req.dir)
		return shrinker_fallback() ? fallback_scan() : -ENOENT;
	ret = walk_counts(scan_one, &req);
	return ret < 0 ? ret : req.ret;
}

/* The number after @tag in @text, -1 if there is none. */
static long read_count(const char *text, const char *tag)
{
	const char *at = strstr(text, tag);
	long v;

	return at && sscanf(at + strlen(tag), "%ld", &v) == 1 ? v : -1;
}

/**
 * binder_alloc_pages_read() - read the allocator's global page counts
 * @p: receives them
 *
 * Return: 0, or -ENOENT where the file is absent (the stock allocator,
 * or no debugfs), -EIO if it does not parse
 */
int binder_alloc_pages_read(struct binder_alloc_pages *p)
{
	char *text = read_text(BINDER_ALLOC_PAGES);

	if (!text)
		return -ENOENT;
	p->owned = read_count(text, "pages_owned: ");
	p->lru = read_count(text, "pages_lru: ");
	p->installed = read_count(text, "pages_installed: ");
	p->reclaimed = read_count(text, "pages_reclaimed: ");
	free(text);
	return p->owned >= 0 && p->lru >= 0 ? 0 : -EIO;
}

long binder_alloc_pages_wait_at_most(long limit, int timeout_ms)
{
	struct binder_alloc_pages p = { -1, -1, -1, -1 };
	struct timespec ts = { 0, 20 * 1000000 };
	int waited;

	for (waited = 0; ; waited += 20) {
		if (binder_alloc_pages_read(&p))
			return -1;
		if (p.owned <= limit || waited >= timeout_ms)
			return p.owned;
		nanosleep(&ts, NULL);
	}
}
