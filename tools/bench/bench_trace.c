// SPDX-License-Identifier: GPL-2.0
/*
 * bench_trace.c - one mm's mmap_lock traffic from the kernel's mmap_lock
 * tracepoints, for binder_bench's lock.* rows.
 *
 * The three events (include/trace/events/mmap_lock.h) carry the mm, its
 * memcg path and the mode: start_locking before a blocking acquisition,
 * acquire_returned after any acquisition (trylocks too, with success), and
 * released. The text of the ring buffer is parsed after the window; the
 * mm is printed as a (hashed) pointer, so the target's mm is found as the
 * one a marker thread of the target locked itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_trace.h"

#define BUFFER_KB	"8192"	/* per CPU; a window records a few thousand */

static char tracefs[64];

static bool trace_write(const char *file, const char *text)
{
	char path[128];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "# open %s: %s\n", path, strerror(errno));
		return false;
	}
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (!ok)
		fprintf(stderr, "# write \"%s\" to %s: %s\n", text, path,
			strerror(errno));
	close(fd);
	return ok;
}

static bool trace_has(const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	return access(path, F_OK) == 0;
}

static bool has_events(const char *dir, const char *events)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/events/%s/enable", dir, events);
	return access(path, W_OK) == 0;
}

/* Find (mounting it if need be) the tracefs that has @events. */
static bool trace_open(const char *events)
{
	static const char *const dirs[] = { "/sys/kernel/tracing",
					    "/sys/kernel/debug/tracing" };
	size_t i;

	if (tracefs[0])
		return has_events(tracefs, events);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!has_events(dirs[i], events) && i == 0)
			mount("tracefs", dirs[i], "tracefs", 0, NULL);
		if (has_events(dirs[i], events)) {
			snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
			/*
			 * Real pointers where the option exists: hashing
			 * needs the crng, which a fresh guest may lack.
			 */
			if (trace_has("options/hash-ptr"))
				trace_write("options/hash-ptr", "0");
			return trace_write("tracing_on", "0") &&
			       trace_write("buffer_size_kb", BUFFER_KB);
		}
	}
	return false;
}

bool mmap_lock_trace_open(void)
{
	return trace_open("mmap_lock");
}

bool mmap_lock_trace_start(void)
{
	return trace_write("trace", "") &&
	       trace_write("events/mmap_lock/enable", "1") &&
	       trace_write("tracing_on", "1");
}

void mmap_lock_trace_stop(void)
{
	trace_write("tracing_on", "0");
	trace_write("events/mmap_lock/enable", "0");
}

enum lock_event_type { EV_START, EV_ACQUIRED, EV_RELEASED };

struct lock_event {
	unsigned long mm;
	long ts_ns;
	int pid;
	enum lock_event_type type;
	bool write;
	bool success;
};

/*
 * "  comm-PID  [CPU] flags  SEC.USEC: mmap_lock_NAME: mm=PTR memcg_path=P
 * write=true|false[ success=true|false]"; comm may hold spaces and dashes,
 * so the pid is read backwards from the CPU's bracket.
 */
static bool parse_event(const char *line, struct lock_event *e)
{
	const char *name = strstr(line, ": mmap_lock_");
	const char *p, *cpu, *mm;

	if (!name)
		return false;
	cpu = NULL;
	for (p = strchr(line, '['); p && p < name; p = strchr(p + 1, '['))
		if (p[1] >= '0' && p[1] <= '9') {
			cpu = p;
			break;
		}
	if (!cpu)
		return false;
	p = cpu;
	while (p > line && p[-1] == ' ')
		p--;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == line || p[-1] != '-')
		return false;
	e->pid = atoi(p);
	for (p = name; p > line && p[-1] != ' '; p--)
		;
	e->ts_ns = (long)(strtod(p, NULL) * 1e9 + 0.5);
	name += strlen(": mmap_lock_");
	if (!strncmp(name, "start_locking:", 14))
		e->type = EV_START;
	else if (!strncmp(name, "acquire_returned:", 17))
		e->type = EV_ACQUIRED;
	else if (!strncmp(name, "released:", 9))
		e->type = EV_RELEASED;
	else
		return false;
	mm = strstr(name, " mm=");
	if (!mm)
		return false;
	e->mm = strtoul(mm + 4, NULL, 16);
	e->write = strstr(name, " write=true") != NULL;
	e->success = e->type != EV_ACQUIRED || strstr(name, " success=true");
	return true;
}

/* Per-thread state while walking the events: a few threads, a small table. */
#define THREADS		256

struct thread_state {
	int pid;
	long start_ns;		/* pending start_locking, or 0 */
	long write_ns;		/* write held since, or 0 */
};

static struct thread_state *thread_of(struct thread_state *tab, int pid)
{
	unsigned int i, h = (unsigned int)pid % THREADS;

	for (i = 0; i < THREADS; i++) {
		struct thread_state *s = &tab[(h + i) % THREADS];

		if (s->pid == pid || !s->pid) {
			s->pid = pid;
			return s;
		}
	}
	return NULL;
}

static void count_event(struct thread_state *tab, const struct lock_event *e,
			struct mmap_lock_traffic *t)
{
	struct thread_state *s = thread_of(tab, e->pid);

	if (!s)
		return;
	t->events++;
	switch (e->type) {
	case EV_START:
		s->start_ns = e->ts_ns;
		break;
	case EV_ACQUIRED:
		if (s->start_ns)
			t->wait_us += (e->ts_ns - s->start_ns) / 1e3;
		s->start_ns = 0;
		if (!e->success) {
			t->try_failed++;
		} else if (e->write) {
			t->write_acquired++;
			s->write_ns = e->ts_ns;
		} else {
			t->read_acquired++;
		}
		break;
	case EV_RELEASED:
		if (e->write && s->write_ns)
			t->write_hold_us += (e->ts_ns - s->write_ns) / 1e3;
		if (e->write)
			s->write_ns = 0;
		break;
	}
}

/*
 * Call @fn for every line of the ring buffer's text; false if it cannot
 * be read. *lost says whether the buffer overflowed meanwhile.
 */
static bool trace_read(void (*fn)(const char *line, void *arg), void *arg,
		       bool *lost)
{
	char path[128], *line = NULL;
	long in_buffer, written;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "# open %s: %s\n", path, strerror(errno));
		return false;
	}
	*lost = false;
	while (getline(&line, &len, f) > 0) {
		if (sscanf(line, "# entries-in-buffer/entries-written: %ld/%ld",
			   &in_buffer, &written) == 2)
			*lost = in_buffer != written;
		fn(line, arg);
	}
	free(line);
	fclose(f);
	return true;
}

struct lock_events {
	struct lock_event *ev;
	long n, cap;
};

static void add_lock_event(const char *line, void *arg)
{
	struct lock_events *le = arg;
	struct lock_event *grown;

	if (le->n == le->cap) {
		long cap = le->cap ? le->cap * 2 : 4096;

		grown = realloc(le->ev, cap * sizeof(*le->ev));
		if (!grown)
			return;
		le->ev = grown;
		le->cap = cap;
	}
	if (parse_event(line, &le->ev[le->n]))
		le->n++;
}

/* Read the ring buffer's events; *lost says whether it overflowed. */
static struct lock_event *read_events(long *n, bool *lost)
{
	struct lock_events le = { 0 };

	if (!trace_read(add_lock_event, &le, lost)) {
		free(le.ev);
		return NULL;
	}
	*n = le.n;
	return le.ev;
}

bool mmap_lock_trace_count(pid_t marker, struct mmap_lock_traffic *t)
{
	struct thread_state *tab = calloc(THREADS, sizeof(*tab));
	struct lock_event *ev;
	unsigned long mm = 0;
	bool lost, found = false;
	long i, n;

	memset(t, 0, sizeof(*t));
	ev = read_events(&n, &lost);
	if (!ev || !tab)
		goto out;
	if (lost) {
		fprintf(stderr, "# mmap_lock trace: the ring buffer overflowed\n");
		goto out;
	}
	for (i = 0; i < n && !found; i++) {
		if (ev[i].pid == marker) {
			mm = ev[i].mm;
			found = true;
		}
	}
	if (!found) {
		fprintf(stderr, "# mmap_lock trace: no event of marker thread %d among %ld\n",
			marker, n);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (ev[i].mm == mm && ev[i].pid != marker)
			count_event(tab, &ev[i], t);
out:
	free(tab);
	free(ev);
	return found && !lost;
}

/*
 * The binder shrinker under reclaim: mm_shrink_slab_end (include/trace/
 * events/vmscan.h), which do_shrink_slab() fires for every shrinker with
 * objects that kswapd or an allocation's direct reclaim calls, and prints
 * "SYMBOL+off/len PTR: nid: N unused scan count ... last shrinker return
 * val FREED". A debugfs scan calls the shrinker directly, without the
 * event: what is counted is the kernel's own reclaim. Both allocators
 * name their scan function binder_shrink_scan.
 */
#define SHRINK_EVENT	"vmscan/mm_shrink_slab_end"
#define SHRINK_SYMBOL	"binder_shrink_scan"

/* The address of @symbol in /proc/kallsyms, or 0 (unknown, or hidden). */
static unsigned long kallsyms_lookup(const char *symbol)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], name[128];
	unsigned long addr, found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %*s %127s", &addr, name) == 2 &&
		    !strcmp(name, symbol))
			found = addr;
	if (f)
		fclose(f);
	return found;
}

bool shrink_trace_open(void)
{
	unsigned long addr;
	char filter[64];

	if (!trace_open(SHRINK_EVENT))
		return false;
	/*
	 * The binder shrinker's events only, where its address shows; else
	 * every shrinker's, told apart by the symbol when counted.
	 */
	addr = kallsyms_lookup(SHRINK_SYMBOL);
	snprintf(filter, sizeof(filter), "shrink == 0x%lx", addr);
	if (addr && trace_write("events/" SHRINK_EVENT "/filter", filter))
		return true;
	return trace_write("events/" SHRINK_EVENT "/filter", "0");
}

bool shrink_trace_start(void)
{
	return trace_write("trace", "") &&
	       trace_write("events/" SHRINK_EVENT "/enable", "1") &&
	       trace_write("tracing_on", "1");
}

void shrink_trace_stop(void)
{
	trace_write("tracing_on", "0");
	trace_write("events/" SHRINK_EVENT "/enable", "0");
}

static void count_shrink_event(const char *line, void *arg)
{
	struct shrink_traffic *t = arg;
	const char *ev = strstr(line, ": mm_shrink_slab_end: ");
	const char *val;
	int freed;

	if (!ev)
		return;
	ev += strlen(": mm_shrink_slab_end: ");
	val = strstr(ev, "last shrinker return val ");
	if (strncmp(ev, SHRINK_SYMBOL "+", strlen(SHRINK_SYMBOL) + 1) || !val ||
	    sscanf(val, "last shrinker return val %d", &freed) != 1)
		return;
	/* the task is "comm-PID" before the CPU: kswapdN, or an allocator */
	if (strstr(line, "kswapd") && strstr(line, "kswapd") < ev)
		t->kswapd_calls++;
	else
		t->direct_calls++;
	if (freed > 0)
		t->freed += freed;
}

bool shrink_trace_count(struct shrink_traffic *t)
{
	bool lost;

	memset(t, 0, sizeof(*t));
	if (!trace_read(count_shrink_event, t, &lost))
		return false;
	if (lost)
		fprintf(stderr, "# shrinker trace: the ring buffer overflowed\n");
	return !lost;
}
