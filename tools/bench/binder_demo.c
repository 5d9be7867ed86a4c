// SPDX-License-Identifier: GPL-2.0
/*
 * binder_demo - what binder's buffer allocator does, in half a minute.
 *
 * A server and a few clients on a binderfs device of their own run a mixed
 * workload (0 B to 1 MiB, sync and oneway, every byte checked), then the
 * binder shrinker is asked to reclaim, then a second round shows pages
 * coming back. The report gives transactions, bytes, latencies and the
 * pages as binder/stats and the shrinker's debugfs files count them.
 *
 *   binder_demo [-c clients] [-n transactions per client]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_metadata.h"
#include "binder.h"
#include "binder_debugfs.h"
#include "binder_payload.h"

#define KiB		1024UL
#define MiB		(1024 * KiB)
#define SERVER_MAP	(4 * MiB)
#define CLIENT_MAP	(1 * MiB)
#define MAX_CLIENTS	8
#define MAX_TXNS	2000
#define ECHO_MAX	(64 * KiB)	/* larger requests get a short reply */
#define ONEWAY_MAX	(16 * KiB)

enum { OP_CHECK = 1, OP_ECHO };

struct client_stats {
	long sync, oneway, failed, dead, bad;
	long bytes;
	long nlat;
	uint32_t lat_us[MAX_TXNS];
};

/* Shared by all processes of the demo. */
struct demo {
	char path[128];
	int clients;
	int txns;
	int phase;			/* parent -> clients */
	int done[MAX_CLIENTS];		/* clients -> parent */
	pid_t server, client[MAX_CLIENTS];
	int server_ready, server_stop;
	int server_remap;		/* parent -> server: 1 asks, 2 done */
	long server_received, server_bad;
	struct client_stats cs[MAX_CLIENTS];
};

static struct demo *demo;

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void wait_for(const int *flag, int value)
{
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < value)
		usleep(1000);
}

static void set_flag(int *flag, int value)
{
	__atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

/* ---- server: check every payload, reply, free ---- */

static void serve(struct binder_thread *t, const struct binder_event *ev)
{
	const void *data = binder_event_data(ev);
	uint32_t seed = ev->tr.code & 0xffffff;
	int64_t bad = payload_check(data, ev->tr.data_size, seed);
	struct binder_msg reply = { .code = ev->tr.code };

	__atomic_add_fetch(&demo->server_received, 1, __ATOMIC_RELAXED);
	if (bad >= 0)
		__atomic_add_fetch(&demo->server_bad, 1, __ATOMIC_RELAXED);
	if (ev->tr.flags & TF_ONE_WAY) {
		binder_free_buffer(t, ev->tr.data.ptr.buffer);
		return;
	}
	if (ev->tr.code >> 24 == OP_ECHO) {
		reply.data = data;
		reply.size = ev->tr.data_size;
	} else {
		reply.data = &bad;
		reply.size = sizeof(bad);
	}
	binder_reply(t, &reply, ev->tr.data.ptr.buffer);
}

/*
 * Drop the buffer mapping and put other memory where it was, as a process
 * reusing its address space would: the binder pages that were there can
 * no longer be zapped through a binder VMA.
 */
static void remap_buffers(struct binder *b)
{
	void *addr = (void *)b->map;
	size_t size = b->map_size;

	binder_unmap(b);
	if (mmap(addr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED)
		perror("# remap");
	set_flag(&demo->server_remap, 2);
}

static pthread_t server_main_thread;

static void *looper(void *arg)
{
	struct binder *b = arg;
	struct binder_thread t;
	struct binder_event ev;

	binder_thread_init(&t, b);
	if (binder_enter_looper(&t))
		return NULL;
	while (!__atomic_load_n(&demo->server_stop, __ATOMIC_ACQUIRE)) {
		if (binder_read(&t, &ev, 50) == 1 && ev.cmd == BR_TRANSACTION)
			serve(&t, &ev);
		/* asked when there is no traffic left */
		if (pthread_equal(pthread_self(), server_main_thread) &&
		    __atomic_load_n(&demo->server_remap, __ATOMIC_ACQUIRE) == 1)
			remap_buffers(b);
	}
	return NULL;
}

static int server_main(void)
{
	struct binder b;
	pthread_t second;

	if (binder_open(&b, demo->path, SERVER_MAP) ||
	    binder_become_context_manager(&b))
		return 1;
	server_main_thread = pthread_self();
	pthread_create(&second, NULL, looper, &b);
	set_flag(&demo->server_ready, 1);
	looper(&b);
	pthread_join(second, NULL);
	binder_close(&b);
	return 0;
}

/* ---- clients: a mixed workload, latencies of sync calls ---- */

/* Mostly small, some medium, a few large and very large (up to 1 MiB). */
static size_t pick_size(unsigned int *rnd)
{
	unsigned int r = rand_r(rnd) % 100;

	if (r < 55)
		return rand_r(rnd) % 257;
	if (r < 85)
		return 257 + rand_r(rnd) % (16 * KiB - 257);
	if (r < 97)
		return 16 * KiB + rand_r(rnd) % (240 * KiB);
	return 256 * KiB + rand_r(rnd) % (768 * KiB + 1);
}

static void one_transaction(struct binder_thread *t, struct client_stats *cs,
			    void *buf, unsigned int *rnd, uint32_t seed)
{
	bool oneway = rand_r(rnd) % 100 < 30;
	size_t size = pick_size(rnd);
	struct binder_msg m = { .data = buf, .flags = oneway ? TF_ONE_WAY : 0 };
	struct binder_event ev;
	long start;

	if (oneway && size > ONEWAY_MAX)
		size = size % ONEWAY_MAX;
	m.size = size;
	m.code = (size <= ECHO_MAX ? OP_ECHO : OP_CHECK) << 24 | seed;
	payload_fill(buf, size, seed);

	start = now_us();
	if (binder_call(t, 0, &m, &ev, 60000)) {
		cs->failed++;
		return;
	}
	if (ev.cmd == BR_DEAD_REPLY) {
		cs->dead++;
	} else if (ev.cmd == BR_TRANSACTION_COMPLETE ||
		   ev.cmd == BR_ONEWAY_SPAM_SUSPECT) {
		cs->oneway++;
		cs->bytes += size;
	} else if (ev.cmd == BR_REPLY) {
		const void *data = binder_event_data(&ev);
		int64_t result;

		if (cs->nlat < MAX_TXNS)
			cs->lat_us[cs->nlat++] = now_us() - start;
		if (m.code >> 24 == OP_ECHO) {
			result = ev.tr.data_size == size ?
				 payload_check(data, size, seed) : 0;
		} else {
			memcpy(&result, data, sizeof(result));
		}
		cs->bad += result >= 0;
		cs->sync++;
		cs->bytes += size + ev.tr.data_size;
		binder_free_buffer(t, ev.tr.data.ptr.buffer);
	} else {
		cs->failed++;
	}
}

static int client_main(int id)
{
	struct client_stats *cs = &demo->cs[id];
	unsigned int rnd = id + 1;
	struct binder_thread t;
	struct binder b;
	int phase, i, n;
	void *buf;

	buf = malloc(MiB + 1);
	if (!buf || binder_open(&b, demo->path, CLIENT_MAP))
		return 1;
	binder_thread_init(&t, &b);
	for (phase = 1; phase <= 2; phase++) {
		wait_for(&demo->phase, phase);
		n = phase == 1 ? demo->txns : demo->txns / 4;
		for (i = 0; i < n; i++)
			one_transaction(&t, cs, buf, &rnd,
					(id << 16 | phase << 12 | i) & 0xffffff);
		set_flag(&demo->done[id], phase);
	}
	wait_for(&demo->phase, 3);
	binder_close(&b);
	return 0;
}

static pid_t spawn(int (*fn)(int), int arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(arg));
	}
	return pid;
}

static int server_trampoline(int unused)
{
	(void)unused;
	return server_main();
}

/* ---- the report ---- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static const char *fmt_us(char *s, size_t size, uint32_t us)
{
	if (us < 10000)
		snprintf(s, size, "%u us", us);
	else
		snprintf(s, size, "%.1f ms", us / 1000.0);
	return s;
}

static const char *fmt_bytes(char *s, size_t size, double bytes)
{
	if (bytes < 10 * KiB)
		snprintf(s, size, "%.0f B", bytes);
	else if (bytes < 10 * MiB)
		snprintf(s, size, "%.1f KiB", bytes / KiB);
	else
		snprintf(s, size, "%.1f MiB", bytes / MiB);
	return s;
}

static long corrupted_replies;

static void report_traffic(const char *title, long elapsed_us)
{
	static uint32_t lat[MAX_CLIENTS * MAX_TXNS];
	long sync = 0, oneway = 0, failed = 0, dead = 0, bad = 0, n = 0;
	double bytes = 0;
	char b1[32], b2[32], b3[32], b4[32];
	int i;

	for (i = 0; i < demo->clients; i++) {
		struct client_stats *cs = &demo->cs[i];

		sync += cs->sync;
		oneway += cs->oneway;
		failed += cs->failed;
		dead += cs->dead;
		bad += cs->bad;
		bytes += cs->bytes;
		memcpy(lat + n, cs->lat_us, cs->nlat * sizeof(lat[0]));
		n += cs->nlat;
	}
	corrupted_replies += bad;
	qsort(lat, n, sizeof(lat[0]), cmp_u32);
	printf("%-12s %ld transactions (%ld sync, %ld oneway), %s in %.2f s\n",
	       title, sync + oneway, sync, oneway,
	       fmt_bytes(b1, sizeof(b1), bytes), elapsed_us / 1e6);
	if (n)
		printf("%-12s sync round trip p50 %s, p99 %s, max %s\n", "",
		       fmt_us(b2, sizeof(b2), lat[n / 2]),
		       fmt_us(b3, sizeof(b3), lat[n * 99 / 100]),
		       fmt_us(b4, sizeof(b4), lat[n - 1]));
	printf("%-12s %s; %ld failed, %ld dead\n", "",
	       bad ? "PAYLOADS CORRUPTED" : "every payload intact, both ways",
	       failed, dead);
	for (i = 0; i < demo->clients; i++)
		memset(&demo->cs[i], 0, sizeof(demo->cs[i]));
}

static bool pages_of(pid_t pid, struct binder_proc_stats *st)
{
	return binder_stats_find(pid, strrchr(demo->path, '/') + 1, st) == 1;
}

/* Installed and LRU pages summed over the clients. */
static void client_pages(int *active, int *lru)
{
	struct binder_proc_stats st;
	int i;

	*active = *lru = 0;
	for (i = 0; i < demo->clients; i++) {
		if (pages_of(demo->client[i], &st)) {
			*active += st.pages_active;
			*lru += st.pages_lru;
		}
	}
}

static void report_pages(const char *title)
{
	struct binder_proc_stats st;
	int active, lru;

	if (!pages_of(demo->server, &st))
		return;
	printf("%-12s server: %d installed (%d in use, %d on LRU), %d never "
	       "installed, high watermark %ld\n", title,
	       st.pages_active + st.pages_lru, st.pages_active, st.pages_lru,
	       st.pages_free, st.pages_high);
	client_pages(&active, &lru);
	printf("%-12s clients: %d installed (%d in use, %d on LRU)\n", "",
	       active + lru, active, lru);
}

/* What the allocator itself says beyond the stock lines, if anything. */
static void report_allocator_lines(void)
{
	struct binder_proc_stats st;
	int i;

	if (!pages_of(demo->server, &st))
		return;
	for (i = 0; i < st.nextra; i++)
		printf("%-12s server allocator: %s\n", "", st.extra[i]);
}

static void report_reclaim(const char *title)
{
	long before, after, start, elapsed;

	before = binder_shrinker_count();
	start = now_us();
	binder_shrinker_scan(1UL << 30);
	elapsed = now_us() - start;
	after = binder_shrinker_count();
	printf("%-12s shrinker count %ld -> %ld: %ld reclaimed, %ld skipped "
	       "(left on LRU), %.1f ms", title, before, after,
	       before - after, after, elapsed / 1000.0);
	if (before > after && elapsed > 0)
		printf(", %.0f pages/s", (before - after) * 1e6 / elapsed);
	printf("\n");
	report_allocator_lines();
}

/* Neither allocator reports its metadata: compute it from what each keeps. */
static void report_metadata(void)
{
	struct binder_proc_stats st;
	bool ours;
	long installed;

	if (!pages_of(demo->server, &st))
		return;
	ours = binder_stats_show_ours(&st);
	installed = st.pages_active + st.pages_lru;
	printf("%-12s server, %s allocator: %zu B for %ld installed pages of %lu;"
	       " stock 6.12 keeps %zu B\n", "metadata", ours ? "our" : "stock",
	       binder_alloc_metadata_bytes(ours, SERVER_MAP, installed),
	       installed, SERVER_MAP / 4096,
	       binder_alloc_metadata_bytes(false, SERVER_MAP, installed));
}

/* Run a round of the workload; returns how long it took, in us. */
static long run_phase(int phase)
{
	long start = now_us(), received = demo->server_received, sent = 0;
	int i;

	set_flag(&demo->phase, phase);
	for (i = 0; i < demo->clients; i++) {
		wait_for(&demo->done[i], phase);
		sent += demo->cs[i].sync + demo->cs[i].oneway;
	}
	/* Oneways may still be queued at the server: let it take them. */
	for (i = 0; i < 10000; i++) {
		if (__atomic_load_n(&demo->server_received, __ATOMIC_ACQUIRE) >=
		    received + sent)
			break;
		usleep(1000);
	}
	return now_us() - start;
}

static bool procs_gone(const char *context, int timeout_ms)
{
	while (binder_stats_count_procs(context) > 0 && timeout_ms-- > 0)
		usleep(1000);
	return timeout_ms > 0;
}

int main(int argc, char **argv)
{
	long lru_at_start = 0, lru_at_end, bad;
	const char *context;
	struct utsname u;
	char name[64];
	bool debugfs;
	int opt, i;

	demo = mmap(NULL, sizeof(*demo), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (demo == MAP_FAILED)
		return 1;
	demo->clients = 4;
	demo->txns = 100;
	while ((opt = getopt(argc, argv, "c:n:")) != -1) {
		if (opt == 'c')
			demo->clients = atoi(optarg);
		else if (opt == 'n')
			demo->txns = atoi(optarg);
		else
			return 2;
	}
	if (demo->clients < 1 || demo->clients > MAX_CLIENTS ||
	    demo->txns < 4 || demo->txns > MAX_TXNS) {
		fprintf(stderr, "usage: %s [-c 1-%d clients] [-n 4-%d transactions each]\n",
			argv[0], MAX_CLIENTS, MAX_TXNS);
		return 2;
	}

	uname(&u);
	snprintf(name, sizeof(name), "binder-demo-%d", getpid());
	if (binder_device_add(name, demo->path, sizeof(demo->path)))
		return 1;
	context = name;
	debugfs = binder_debugfs_available() && binder_shrinker_available();
	if (debugfs)
		lru_at_start = binder_shrinker_count();
	printf("binder_demo on Linux %s: %s, a server (2 threads, %lu MiB "
	       "mapped), %d clients (%lu MiB each)\n", u.release, demo->path,
	       SERVER_MAP / MiB, demo->clients, CLIENT_MAP / MiB);
	if (!debugfs)
		printf("(no debugfs or no CONFIG_SHRINKER_DEBUG: no page figures)\n");

	demo->server = spawn(server_trampoline, 0);
	wait_for(&demo->server_ready, 1);
	for (i = 0; i < demo->clients; i++)
		demo->client[i] = spawn(client_main, i);

	report_traffic("workload", run_phase(1));
	if (debugfs) {
		report_pages("pages");
		report_reclaim("reclaim");
		report_pages("after");
	}
	report_traffic("again", run_phase(2));
	if (debugfs) {
		report_pages("pages");
		report_metadata();
		set_flag(&demo->server_remap, 1);
		wait_for(&demo->server_remap, 2);
		printf("%-12s the server unmaps its buffer space and maps other "
		       "memory at that address\n", "remap");
		report_reclaim("reclaim");
	}

	set_flag(&demo->phase, 3);
	for (i = 0; i < demo->clients; i++)
		waitpid(demo->client[i], NULL, 0);
	set_flag(&demo->server_stop, 1);
	waitpid(demo->server, NULL, 0);
	if (debugfs) {
		procs_gone(context, 10000);
		/* a released proc leaves binder/stats before its pages go */
		for (i = 0; i < 200; i++) {
			lru_at_end = binder_shrinker_count();
			if (lru_at_end <= lru_at_start)
				break;
			usleep(10000);
		}
		printf("%-12s all processes gone: %ld pages on the binder LRU, "
		       "%ld before the demo\n", "exit", lru_at_end, lru_at_start);
	}
	binder_device_remove(demo->path);
	bad = demo->server_bad + corrupted_replies;
	if (bad)
		printf("FAILED: %ld payloads corrupted\n", bad);
	return bad ? 1 : 0;
}
