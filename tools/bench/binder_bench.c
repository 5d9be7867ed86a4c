// SPDX-License-Identifier: GPL-2.0
/*
 * binder_bench - binder's buffer allocator measured from userspace.
 *
 * "make bench" boots the same program on a kernel with the stock 6.12
 * allocator and on one with ours (same config, same QEMU), and
 * tools/bench/bench_table.py puts the two logs side by side. Every
 * measurement is repeated (--repeat) so that the table can show spread.
 *
 *   install.*  fresh-page installation: the server holds every buffer of a
 *              round, and a shrinker scan empties the LRU before it, so
 *              every transaction lands on pages never installed: one
 *              sender; several senders; one sender while threads of the
 *              server churn mmap/munmap (stock takes the server's
 *              mmap_lock for write for every page it installs)
 *   fill.*     the same transactions into installed pages, for reference
 *   rt.*       steady-state round trips, pages installed: 0 B and 4 KiB,
 *              throughput and p50/p99 latency
 *   reclaim.*  the shrinker's debugfs scan: pages/s with and without churn
 *              in the owning process, pages it skips, pages left behind
 *              after munmap and a new mapping at the same address
 *   mem.*      allocator metadata per binder fd for 1 and 4 MiB mappings
 *              at 0, 25 and 100 % of pages installed: computed from the
 *              running allocator's structures, and measured from the slab
 *              counters (see slab_settle())
 *
 * Output on stdout, for bench_table.py:
 *   INFO <name> <value>
 *   BENCH <key> <unit> <higher|lower|none> <value per repetition>...
 *              (none: a count to read beside the others, not a ratio)
 *   # comments for humans
 *
 * Each scenario runs on a binderfs device of its own: a server process
 * (context manager, looper threads, optional churn threads) and sender
 * processes, driven by the parent through a shared control block. Threads
 * are pinned to CPUs (see cpu_main()). Needs root, binderfs at
 * /dev/binderfs (mounted if missing), debugfs with CONFIG_SHRINKER_DEBUG,
 * and for mem.* CONFIG_SLUB_DEBUG (/proc/slabinfo).
 *
 *   binder_bench --label=NAME [--repeat=N] [--quick] [--only=GROUPS] ...
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_metadata.h"
#include "bench_trace.h"
#include "binder.h"
#include "binder_debugfs.h"
#include "binder_hog.h"
#include "binder_proc.h"

#define KiB			1024UL
#define MiB			(1024 * KiB)
#define PAGE			4096UL

#define SERVER_MAP		(4 * MiB)
#define SENDER_MAP		(256 * KiB)
#define INSTALL_FILL		(3 * MiB + 512 * KiB)	/* per round */
#define RECLAIM_FILL_TXN	(1 * MiB)		/* x4: every page */
#define CHURN_SIZE		(64 * KiB)
#define CALL_TIMEOUT_MS		30000
#define CHURN_RECLAIM_MAX_NS	2000000000L	/* scanning under churn */
#define PROBE_SIZE		(16 * KiB)	/* the target's own mmap+touch+munmap */
#define PROBE_IDLE_US		20000		/* a round of target.idle */
#define MAX_PROBES		65536		/* target iterations per round */

#define MAX_SENDERS		8
#define MAX_CHURNERS		8
#define MAX_HELD		1024
#define MAX_ROUND_TRIPS		20000
#define MAX_ALLOCS		64
#define MAX_ROUNDS		16

/* A request's code says what the server does with it. */
#define REQ_HOLD		(1U << 31)	/* keep the buffer for CMD_FREE_HELD */
#define REQ_REPLY_MASK		0x7fffffU	/* bytes to reply with */

enum server_cmd { CMD_NONE, CMD_FREE_HELD, CMD_REMAP, CMD_MARK, CMD_STOP };
enum churn_state { CHURN_IDLE, CHURN_RUN };
enum allocator { ALLOC_UNKNOWN, ALLOC_STOCK, ALLOC_OURS };

enum group {
	GROUP_INSTALL = 1 << 0,
	GROUP_RT = 1 << 1,
	GROUP_RECLAIM = 1 << 2,
	GROUP_MEM = 1 << 3,
	GROUP_LOCK = 1 << 4,
	GROUP_TARGET = 1 << 5,
	GROUP_PRESSURE = 1 << 6,
	GROUP_ALL = 0x7f,
};

struct server_ctl {
	/* parent -> server, set before the fork */
	size_t map_size;
	int loopers;
	int churners;
	int looper_cpu;
	int churner_cpu;
	bool prober;		/* a thread timing its own mmap+touch+munmap */
	/* parent -> server */
	int cmd;
	int cmd_seq;
	int churn;
	int probe;		/* odd: probing; even: stop, see probe_begin() */
	/* server -> parent */
	int ready;		/* 1 serving, -1 failed */
	int cmd_done;		/* last cmd_seq carried out */
	int probe_ack;		/* the even probe value last seen */
	long probes;		/* iterations timed into probe_ns[] */
	long churn_ops;
	long failures;
	long held;
	binder_uintptr_t held_buf[MAX_HELD];
};

struct sender_job {
	size_t size;		/* payload bytes */
	uint32_t code;		/* REQ_ flags and reply size */
	int count;		/* timed transactions */
	int warmup;		/* untimed transactions first */
	int latencies;		/* summarise latencies into p50/p99 */
};

#define ROUND_STOP		INT_MAX

struct sender_ctl {
	int cpu;		/* parent -> sender, set before the fork */
	int ready;		/* 1 ready, -1 failed */
	int round;		/* parent -> sender: run round N */
	int done;		/* sender -> parent: round N finished */
	struct sender_job job;
	long start_ns, end_ns;
	long failed;
	double p50_us, p99_us;
	long lat_ns[MAX_ROUND_TRIPS];	/* of the last round's transactions, sorted */
};

struct bench_shm {
	char path[128];		/* the scenario's binder device */
	struct server_ctl server;
	struct sender_ctl sender[MAX_SENDERS];
};

struct options {
	const char *label;
	int repeat;
	int rounds;		/* install rounds per repetition */
	int round_trips;	/* timed round trips per repetition */
	int allocs;		/* binder fds per memory measurement */
	int senders;
	int churners;
	size_t install_size;
	bool verbose;		/* a comment line per round */
	bool pin;		/* pin threads to CPUs, see cpu_main() */
	unsigned int groups;
	enum allocator allocator;
};

static struct options opt = {
	.label = "unlabelled",
	.repeat = 9,
	.rounds = 5,
	.round_trips = 1000,
	.allocs = 32,
	.senders = 4,
	.churners = 3,
	.install_size = 128 * KiB,
	.pin = true,
	.groups = GROUP_ALL,
};

static struct bench_shm *shm;
static long *probe_ns;		/* shared: the target's iterations, MAX_PROBES */
static struct binder_hog *hog;	/* shared with the memory hog */
static int ncpus;
static pid_t server_pid, sender_pid[MAX_SENDERS];
static int nsenders;
static int device_serial;
static long failures;

/* ---- time, flags shared between processes ---- */

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void futex_wait(int *addr, int val, long timeout_ns)
{
	struct timespec ts = {
		.tv_sec = timeout_ns / 1000000000L,
		.tv_nsec = timeout_ns % 1000000000L,
	};

	syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0);
}

/* Wait until *flag != @old; returns the new value, or @old on timeout. */
static int flag_wait_change(int *flag, int old, long timeout_ns)
{
	long deadline = now_ns() + timeout_ns;
	int cur;

	while ((cur = __atomic_load_n(flag, __ATOMIC_ACQUIRE)) == old) {
		long left = deadline - now_ns();

		if (left <= 0)
			break;
		futex_wait(flag, old, left < 100000000L ? left : 100000000L);
	}
	return cur;
}

/* Wait until *flag >= @value; false on timeout. */
static bool flag_wait_at_least(int *flag, int value, long timeout_ns)
{
	long deadline = now_ns() + timeout_ns;
	int cur;

	while ((cur = __atomic_load_n(flag, __ATOMIC_ACQUIRE)) < value) {
		long left = deadline - now_ns();

		if (left <= 0)
			return false;
		futex_wait(flag, cur, left < 100000000L ? left : 100000000L);
	}
	return true;
}

static void flag_set(int *flag, int value)
{
	__atomic_store_n(flag, value, __ATOMIC_RELEASE);
	syscall(SYS_futex, flag, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void count_failure(long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/*
 * Where threads run. Under TCG, waking a task on another vCPU, halted
 * while idle, costs far more and far more erratically than on hardware,
 * and the scheduler's placement of a sender and its server changes from
 * one second to the next, and the round trip time with it. So pin: the
 * parent, a lone sender and the server's loopers share the first CPU;
 * churn threads get the last one, where they contend with the installer
 * for mmap_lock, not for the CPU; concurrent senders spread over all.
 */
#define CPU_ANY			-1

static int cpu_main(void)
{
	return opt.pin ? 0 : CPU_ANY;
}

static int cpu_churn(void)
{
	return opt.pin ? ncpus - 1 : CPU_ANY;
}

static int cpu_sender(int i, int n)
{
	return !opt.pin ? CPU_ANY : n == 1 ? cpu_main() : i % ncpus;
}

/* Pin the calling thread to @cpu, or let it run anywhere. */
static void pin_to(int cpu)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < ncpus; i++)
		if (cpu == CPU_ANY || cpu == i)
			CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "# sched_setaffinity(CPU %d): %s\n", cpu,
			strerror(errno));
}

static pid_t spawn(int (*fn)(int), int arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "# fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(fn(arg));
	}
	return pid;
}

static void read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, size, "unknown");
	if (f) {
		if (fgets(buf, size, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/* ---- the server: context manager, looper and churn threads ---- */

static struct binder server_binder;
static char reply_data[BINDER_VM_MAX];	/* zero pages, any reply size */

static int server_answer(struct binder_thread *t, const struct binder_event *ev)
{
	struct server_ctl *ctl = &shm->server;
	uint32_t code = ev->tr.code;
	struct binder_msg reply = {
		.data = reply_data,
		.size = code & REQ_REPLY_MASK,
	};
	binder_uintptr_t buffer = ev->tr.data.ptr.buffer;

	if (code & REQ_HOLD) {
		long slot = __atomic_fetch_add(&ctl->held, 1, __ATOMIC_ACQ_REL);

		if (slot < MAX_HELD) {
			ctl->held_buf[slot] = buffer;
			buffer = 0;
		} else {
			count_failure(&ctl->failures);
		}
	}
	return binder_reply(t, &reply, buffer);
}

static void *server_looper(void *arg)
{
	struct server_ctl *ctl = &shm->server;
	struct binder_thread *t = malloc(sizeof(*t));
	struct binder_event ev;
	int ret;

	(void)arg;
	if (!t)
		return NULL;
	pin_to(ctl->looper_cpu);
	binder_thread_init(t, &server_binder);
	if (binder_enter_looper(t)) {
		count_failure(&ctl->failures);
		return NULL;
	}
	for (;;) {
		ret = binder_read(t, &ev, -1);
		if (ret < 0) {
			count_failure(&ctl->failures);
			usleep(10000);
		} else if (ret == 1 && ev.cmd == BR_TRANSACTION &&
			   server_answer(t, &ev)) {
			count_failure(&ctl->failures);
		}
	}
	return NULL;
}

/*
 * Memory churn of the kind a busy app does: map, touch, unmap. Both mmap
 * and munmap take the process's mmap_lock for write.
 */
static void *server_churner(void *arg)
{
	struct server_ctl *ctl = &shm->server;
	char *p;

	(void)arg;
	pin_to(ctl->churner_cpu);
	for (;;) {
		if (__atomic_load_n(&ctl->churn, __ATOMIC_ACQUIRE) != CHURN_RUN) {
			flag_wait_change(&ctl->churn, CHURN_IDLE, 1000000000L);
			continue;
		}
		p = mmap(NULL, CHURN_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fprintf(stderr, "# churn: mmap: %s\n", strerror(errno));
			count_failure(&ctl->failures);
			usleep(10000);
			continue;
		}
		p[0] = 1;	/* a page to zap: munmap holds the lock longer */
		if (munmap(p, CHURN_SIZE))
			count_failure(&ctl->failures);
		__atomic_add_fetch(&ctl->churn_ops, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * The target's own work, timed: map a small region, touch every page,
 * unmap it, as malloc arenas and heaps do. Both mmap and munmap take the
 * process's mmap_lock for write, so every iteration waits for whoever
 * holds it; the page faults of the touch wait for a writer too. Runs while
 * the parent makes ctl->probe odd, and acknowledges each stop.
 */
static void *server_prober(void *arg)
{
	struct server_ctl *ctl = &shm->server;
	long start, n;
	size_t off;
	char *p;
	int gen;

	(void)arg;
	pin_to(ctl->churner_cpu);
	for (;;) {
		gen = __atomic_load_n(&ctl->probe, __ATOMIC_ACQUIRE);
		if (!(gen & 1)) {
			if (__atomic_load_n(&ctl->probe_ack, __ATOMIC_RELAXED) != gen)
				flag_set(&ctl->probe_ack, gen);
			flag_wait_change(&ctl->probe, gen, 1000000000L);
			continue;
		}
		start = now_ns();
		p = mmap(NULL, PROBE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			count_failure(&ctl->failures);
			usleep(10000);
			continue;
		}
		for (off = 0; off < PROBE_SIZE; off += PAGE)
			p[off] = 1;
		if (munmap(p, PROBE_SIZE))
			count_failure(&ctl->failures);
		n = __atomic_load_n(&ctl->probes, __ATOMIC_RELAXED);
		if (n < MAX_PROBES) {
			probe_ns[n] = now_ns() - start;
			__atomic_store_n(&ctl->probes, n + 1, __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

/* Take our own mmap_lock, so that a trace can tell which mm is ours. */
static void server_mark(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, PAGE))
		count_failure(&shm->server.failures);
}

static void server_free_held(struct binder_thread *t)
{
	struct server_ctl *ctl = &shm->server;
	long i, held = __atomic_load_n(&ctl->held, __ATOMIC_ACQUIRE);

	if (held > MAX_HELD)
		held = MAX_HELD;
	for (i = 0; i < held; i++)
		if (binder_free_buffer(t, ctl->held_buf[i]))
			count_failure(&ctl->failures);
	__atomic_store_n(&ctl->held, 0, __ATOMIC_RELEASE);
}

/*
 * Unmap the buffer space and put anonymous memory at the same address, as
 * a process reusing its address space would.
 */
static void server_remap(void)
{
	struct binder *b = &server_binder;
	void *addr = (void *)b->map;
	size_t size = b->map_size;

	if (binder_unmap(b) ||
	    mmap(addr, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != addr) {
		fprintf(stderr, "# server: remap at %p: %s\n", addr, strerror(errno));
		count_failure(&shm->server.failures);
	}
}

static bool server_start_threads(void)
{
	struct server_ctl *ctl = &shm->server;
	pthread_t thread;
	int i, err;

	for (i = 0; i < ctl->loopers + ctl->churners + ctl->prober; i++) {
		void *(*fn)(void *) = i < ctl->loopers ? server_looper :
				      i < ctl->loopers + ctl->churners ?
				      server_churner : server_prober;

		err = pthread_create(&thread, NULL, fn, NULL);
		if (err) {
			fprintf(stderr, "# server: pthread_create: %s\n", strerror(err));
			return false;
		}
	}
	return true;
}

/* Carry out the parent's commands until CMD_STOP. */
static int server_command_loop(void)
{
	struct server_ctl *ctl = &shm->server;
	struct binder_thread t;
	int seen = 0;

	binder_thread_init(&t, &server_binder);
	for (;;) {
		int seq = flag_wait_change(&ctl->cmd_seq, seen, 1000000000L);

		if (seq == seen)
			continue;
		seen = seq;
		switch (__atomic_load_n(&ctl->cmd, __ATOMIC_ACQUIRE)) {
		case CMD_FREE_HELD:
			server_free_held(&t);
			break;
		case CMD_REMAP:
			server_remap();
			break;
		case CMD_MARK:
			server_mark();
			break;
		case CMD_STOP:
			return 0;	/* the exit takes the threads along */
		}
		flag_set(&ctl->cmd_done, seq);
	}
}

static int server_main(int unused)
{
	struct server_ctl *ctl = &shm->server;

	(void)unused;
	if (binder_open(&server_binder, shm->path, ctl->map_size) ||
	    binder_become_context_manager(&server_binder) ||
	    !server_start_threads()) {
		flag_set(&ctl->ready, -1);
		return 1;
	}
	flag_set(&ctl->ready, 1);
	return server_command_loop();
}

/* ---- senders: timed sync transactions ---- */

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int send_one(struct binder_thread *t, const void *data,
		    const struct sender_job *job)
{
	struct binder_msg m = { .code = job->code, .data = data, .size = job->size };
	struct binder_event ev;
	int ret;

	ret = binder_call(t, 0, &m, &ev, CALL_TIMEOUT_MS);
	if (ret)
		return ret;
	if (ev.cmd != BR_REPLY) {
		fprintf(stderr, "# sender: %zu bytes: %s, error %d\n", job->size,
			binder_cmd_name(ev.cmd), ev.error);
		return -EIO;
	}
	/* goes with the next transaction, as libbinder does it */
	return binder_free_buffer_deferred(t, ev.tr.data.ptr.buffer);
}

static void sender_run(struct sender_ctl *sc, struct binder_thread *t,
		       const void *data)
{
	long *lat = sc->lat_ns;
	const struct sender_job *job = &sc->job;
	int i, n = job->count < MAX_ROUND_TRIPS ? job->count : MAX_ROUND_TRIPS;
	long start;

	for (i = 0; i < job->warmup; i++)
		if (send_one(t, data, job))
			sc->failed++;
	sc->start_ns = now_ns();
	for (i = 0; i < n; i++) {
		start = now_ns();
		if (send_one(t, data, job))
			sc->failed++;
		lat[i] = now_ns() - start;
	}
	sc->end_ns = now_ns();
	if (job->latencies && n) {
		qsort(lat, n, sizeof(lat[0]), cmp_long);
		sc->p50_us = lat[n / 2] / 1000.0;
		sc->p99_us = lat[(long)n * 99 / 100] / 1000.0;
	}
}

static int sender_main(int id)
{
	struct sender_ctl *sc = &shm->sender[id];
	struct binder_thread t;
	struct binder b;
	void *data = malloc(BINDER_VM_MAX);
	int round = 0;

	pin_to(sc->cpu);
	if (!data || binder_open(&b, shm->path, SENDER_MAP)) {
		flag_set(&sc->ready, -1);
		return 1;
	}
	memset(data, 0x5a, BINDER_VM_MAX);	/* no page faults while timed */
	binder_thread_init(&t, &b);
	flag_set(&sc->ready, 1);
	for (;;) {
		round = flag_wait_change(&sc->round, round, 1000000000L);
		if (round == ROUND_STOP)
			break;
		if (round == sc->done)
			continue;
		sender_run(sc, &t, data);
		flag_set(&sc->done, round);
	}
	binder_close(&b);
	return 0;
}

/* ---- driving servers and senders from the parent ---- */

static const char *device_name(void)
{
	return strrchr(shm->path, '/') + 1;
}

static bool device_create(void)
{
	char name[64];

	snprintf(name, sizeof(name), "bench-%d-%d", getpid(), ++device_serial);
	return binder_device_add(name, shm->path, sizeof(shm->path)) == 0;
}

/* Wait for binder to release every proc of the device, then remove it. */
static void device_remove(void)
{
	int i;

	for (i = 0; i < 1000 && binder_stats_count_procs(device_name()) > 0; i++)
		usleep(10000);
	binder_device_remove(shm->path);
}

/* A server with @loopers looper threads, @churners, and a prober if asked. */
static bool server_start_with(size_t map_size, int loopers, int looper_cpu,
			      int churners, bool prober)
{
	struct server_ctl *ctl = &shm->server;

	memset(ctl, 0, sizeof(*ctl));
	ctl->map_size = map_size;
	ctl->loopers = loopers;
	ctl->looper_cpu = looper_cpu;
	ctl->churners = churners;
	ctl->churner_cpu = cpu_churn();
	ctl->prober = prober;
	server_pid = spawn(server_main, 0);
	if (server_pid < 0)
		return false;
	if (!flag_wait_at_least(&ctl->ready, 1, 10000000000L)) {
		fprintf(stderr, "# server did not start\n");
		return false;
	}
	return true;
}

static bool server_start(size_t map_size, int loopers, int looper_cpu,
			 int churners)
{
	return server_start_with(map_size, loopers, looper_cpu, churners, false);
}

/* Start timing the prober's iterations into probe_ns[], from 0. */
static void probe_begin(void)
{
	struct server_ctl *ctl = &shm->server;

	__atomic_store_n(&ctl->probes, 0, __ATOMIC_RELEASE);
	flag_set(&ctl->probe, ctl->probe + 1);
}

/* Stop it; returns how many iterations it timed, or -1 if it hangs. */
static long probe_end(void)
{
	struct server_ctl *ctl = &shm->server;
	int gen = ctl->probe + 1;

	flag_set(&ctl->probe, gen);
	/* an iteration may wait seconds for the mmap_lock under stock */
	if (!flag_wait_at_least(&ctl->probe_ack, gen, 30000000000L)) {
		fprintf(stderr, "# the prober did not stop\n");
		failures++;
		return -1;
	}
	return __atomic_load_n(&ctl->probes, __ATOMIC_ACQUIRE);
}

static bool server_command(int cmd)
{
	struct server_ctl *ctl = &shm->server;
	int seq = ctl->cmd_seq + 1;

	__atomic_store_n(&ctl->cmd, cmd, __ATOMIC_RELEASE);
	flag_set(&ctl->cmd_seq, seq);
	if (cmd == CMD_STOP)
		return true;
	if (!flag_wait_at_least(&ctl->cmd_done, seq, 30000000000L)) {
		fprintf(stderr, "# server did not carry out command %d\n", cmd);
		failures++;
		return false;
	}
	return true;
}

static void server_stop(void)
{
	if (server_pid <= 0)
		return;
	server_command(CMD_STOP);
	waitpid(server_pid, NULL, 0);
	if (shm->server.failures) {
		fprintf(stderr, "# server: %ld failures\n", shm->server.failures);
		failures += shm->server.failures;
	}
	server_pid = 0;
}

static void set_churn(bool on)
{
	flag_set(&shm->server.churn, on ? CHURN_RUN : CHURN_IDLE);
	if (on)
		usleep(20000);	/* let the churners get going */
}

static bool senders_start(int n)
{
	int i;

	memset(shm->sender, 0, sizeof(shm->sender));
	for (nsenders = 0; nsenders < n; nsenders++) {
		shm->sender[nsenders].cpu = cpu_sender(nsenders, n);
		sender_pid[nsenders] = spawn(sender_main, nsenders);
		if (sender_pid[nsenders] < 0)
			return false;
	}
	for (i = 0; i < n; i++) {
		if (!flag_wait_at_least(&shm->sender[i].ready, 1, 10000000000L)) {
			fprintf(stderr, "# sender %d did not start\n", i);
			return false;
		}
	}
	return true;
}

static void senders_stop(void)
{
	int i;

	for (i = 0; i < nsenders; i++)
		flag_set(&shm->sender[i].round, ROUND_STOP);
	for (i = 0; i < nsenders; i++)
		waitpid(sender_pid[i], NULL, 0);
	nsenders = 0;
}

/*
 * One round: every sender runs @job; returns the seconds from the first
 * sender's start to the last one's end, or a negative value on failure.
 */
static double senders_round(const struct sender_job *job)
{
	long start = LONG_MAX, end = 0, failed = 0;
	int i, round;

	for (i = 0; i < nsenders; i++) {
		shm->sender[i].job = *job;
		shm->sender[i].failed = 0;
	}
	for (i = 0; i < nsenders; i++) {
		round = shm->sender[i].round + 1;
		flag_set(&shm->sender[i].round, round);
	}
	for (i = 0; i < nsenders; i++) {
		struct sender_ctl *sc = &shm->sender[i];

		if (!flag_wait_at_least(&sc->done, sc->round, 300000000000L)) {
			fprintf(stderr, "# sender %d did not finish its round\n", i);
			return -1;
		}
		start = sc->start_ns < start ? sc->start_ns : start;
		end = sc->end_ns > end ? sc->end_ns : end;
		failed += sc->failed;
	}
	if (failed) {
		fprintf(stderr, "# %ld transactions failed\n", failed);
		failures += failed;
		return -1;
	}
	return (end - start) / 1e9;
}

/* Pages of the server's buffer space that are installed. */
static long server_installed_pages(void)
{
	struct binder_proc_stats st;

	if (binder_stats_find(server_pid, device_name(), &st) != 1)
		return -1;
	return st.pages_active + st.pages_lru;
}

/* Scan the binder shrinker until its LRU is empty (or it stops shrinking). */
static long shrink_all(void)
{
	long count = binder_shrinker_count(), last;
	int i;

	for (i = 0; i < 100 && count > 0; i++) {
		if (binder_shrinker_scan(1UL << 30))
			return -1;
		last = count;
		count = binder_shrinker_count();
		if (count == last)
			usleep(1000);
	}
	return count;
}

/* ---- results ---- */

struct series {
	double v[64];
	int n;
};

static void series_add(struct series *s, double value)
{
	if (s->n < (int)ARRAY_SIZE(s->v))
		s->v[s->n++] = value;
}

static void print_bench(const char *key, const char *unit, const char *better,
			const struct series *s)
{
	int i;

	if (!s->n) {
		printf("# %s: no result\n", key);
		return;
	}
	printf("BENCH %s %s %s", key, unit, better);
	for (i = 0; i < s->n; i++)
		printf(" %.6g", s->v[i]);
	printf("\n");
	fflush(stdout);
}

/* Latencies in ns, pooled over the rounds of one repetition. */
struct samples {
	long *v;
	long n, cap;
};

static void samples_add(struct samples *s, const long *v, long n)
{
	long *grown;

	if (s->n + n > s->cap) {
		long cap = (s->n + n) * 2;

		grown = realloc(s->v, cap * sizeof(*s->v));
		if (!grown) {
			failures++;
			return;
		}
		s->v = grown;
		s->cap = cap;
	}
	memcpy(s->v + s->n, v, n * sizeof(*v));
	s->n += n;
}

/* The nearest-rank quantile @q (0..1) of sorted samples, in us. */
static double samples_quantile_us(const struct samples *s, double q)
{
	long i = (long)(q * s->n);

	return s->v[i < s->n ? i : s->n - 1] / 1000.0;
}

/*
 * A latency distribution for the plots (bench_plot.py), per repetition:
 * DIST <key> us <n> and the 101 quantiles 0, 0.01 ... 1 (min to max).
 */
static void print_dist(const char *key, const struct samples *s)
{
	int i;

	printf("DIST %s us %ld", key, s->n);
	for (i = 0; i <= 100; i++)
		printf(" %.4g", samples_quantile_us(s, i / 100.0));
	printf("\n");
}

/* Latency series of one row: p50, p99 and max over each repetition. */
struct lat_series {
	struct series p50, p99, max;
};

/* Sort a repetition's samples, add its p50/p99/max, print its DIST line. */
static void lat_add(struct lat_series *l, const char *key, struct samples *s)
{
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_long);
	series_add(&l->p50, samples_quantile_us(s, 0.5));
	series_add(&l->p99, samples_quantile_us(s, 0.99));
	series_add(&l->max, s->v[s->n - 1] / 1000.0);
	print_dist(key, s);
	s->n = 0;
}

/* BENCH <key>.p50, .p99 and, if @with_max, .max */
static void lat_print(const char *key, const struct lat_series *l, bool with_max)
{
	char name[80];

	snprintf(name, sizeof(name), "%s.p50", key);
	print_bench(name, "us", "lower", &l->p50);
	snprintf(name, sizeof(name), "%s.p99", key);
	print_bench(name, "us", "lower", &l->p99);
	if (with_max) {
		snprintf(name, sizeof(name), "%s.max", key);
		print_bench(name, "us", "lower", &l->max);
	}
}

/* ---- 1. fresh-page installation ---- */

struct install_case {
	const char *key;
	const char *what;
	int senders;
	bool churn;
	bool fresh;	/* empty the LRU before each round */
	bool traced;	/* record the mmap_lock events of the round */
	bool probed;	/* time the target's prober during the round */
};

/* What one round of an install case did. */
struct install_round {
	long pages;
	double seconds;
	long churn_ops;
	long probes;	/* iterations of the prober, in probe_ns[] */
};

/* per-VMA lock counters, CONFIG_PER_VMA_LOCK_STATS */
static const char *const vma_lock_names[] = {
	"vma_lock_success", "vma_lock_abort", "vma_lock_retry", "vma_lock_miss",
};
static long vma_lock_before[4], vma_lock_after[4];

static void vma_lock_read(long *v)
{
	int i;

	for (i = 0; i < 4; i++)
		v[i] = binder_vmstat(vma_lock_names[i]);
}

static bool lock_window_open(void)
{
	vma_lock_read(vma_lock_before);
	return mmap_lock_trace_start() && server_command(CMD_MARK);
}

static void lock_window_close(void)
{
	mmap_lock_trace_stop();
	vma_lock_read(vma_lock_after);
}

/*
 * One round: the senders fill INSTALL_FILL of the server's space with held
 * buffers, then the server frees them. A fresh round empties the LRU
 * first, so that every page the senders touch must be installed.
 */
static bool install_round(const struct install_case *c,
			  struct install_round *r)
{
	int per_sender = INSTALL_FILL / opt.install_size / c->senders;
	struct sender_job job = {
		.size = opt.install_size,
		.code = REQ_HOLD,
		.count = per_sender,
		.latencies = 1,
	};
	long expected = (long)per_sender * c->senders * (opt.install_size / PAGE);
	long before, after, ops;
	double elapsed;

	if (c->fresh && shrink_all() != 0)
		printf("# %s: the shrinker left pages on the LRU\n", c->key);
	before = server_installed_pages();
	if (c->churn)
		set_churn(true);
	ops = shm->server.churn_ops;
	if (c->traced && !lock_window_open())
		return false;
	if (c->probed)
		probe_begin();
	elapsed = senders_round(&job);
	r->probes = c->probed ? probe_end() : 0;
	if (c->traced)
		lock_window_close();
	r->churn_ops = shm->server.churn_ops - ops;
	if (c->churn)
		set_churn(false);
	after = server_installed_pages();
	if (!server_command(CMD_FREE_HELD) || elapsed <= 0 || r->probes < 0)
		return false;
	if (c->fresh && after - before != expected)
		printf("# %s: %ld pages installed, %ld expected\n", c->key,
		       after - before, expected);
	if (opt.verbose)
		printf("#   %s round: %ld pages in %.1f ms, %.0f pages/s, transactions p50 %.0f us p99 %.0f us\n",
		       c->key, expected, elapsed * 1e3, expected / elapsed,
		       shm->sender[0].p50_us, shm->sender[0].p99_us);
	r->pages = expected;
	r->seconds = elapsed;
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A round is short (tens of ms), and under TCG on a busy host one stall
 * of the emulator can multiply its time: a repetition reports the median
 * of its rounds' rates.
 */
static void install_measure(const struct install_case *c)
{
	double round_rate[MAX_ROUNDS], churn_seconds = 0;
	struct series rate = { 0 };
	struct install_round r;
	long churn_ops = 0;
	int rep, round;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, c->senders + 1,
			  c->senders == 1 ? cpu_main() : CPU_ANY,
			  c->churn ? opt.churners : 0) ||
	    !senders_start(c->senders))
		goto out;
	if (!c->fresh && !install_round(c, &r))
		goto out;	/* installs the pages the timed rounds reuse */
	for (rep = 0; rep < opt.repeat; rep++) {
		for (round = 0; round < opt.rounds; round++) {
			if (!install_round(c, &r))
				goto out;
			round_rate[round] = r.pages / r.seconds;
			churn_ops += r.churn_ops;
			churn_seconds += r.seconds;
		}
		series_add(&rate, median(round_rate, opt.rounds));
	}
	printf("# %s: %s (%d sender%s); rounds of %d x %zu KiB, median of %d rounds per repetition\n",
	       c->key, c->what, c->senders, c->senders > 1 ? "s" : "",
	       (int)(INSTALL_FILL / opt.install_size), opt.install_size / KiB,
	       opt.rounds);
	if (c->churn)
		printf("# %s: %d churn threads did %.0f mmap+munmap/s meanwhile\n",
		       c->key, opt.churners, churn_ops / churn_seconds);
	print_bench(c->key, "pages/s", "higher", &rate);
out:
	senders_stop();
	server_stop();
	device_remove();
}

static void bench_install(void)
{
	const struct install_case cases[] = {
		{ "install.fresh.1sender", "one sender, fresh pages", 1, false, true,
		  false, false },
		{ "install.fresh.senders", "concurrent senders, fresh pages",
		  opt.senders, false, true, false, false },
		{ "install.fresh.churn", "one sender, fresh pages, server threads churn mmap/munmap",
		  1, true, true, false, false },
		{ "fill.warm.1sender", "one sender, pages already installed (reference)",
		  1, false, false, false, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		install_measure(&cases[i]);
}

/* ---- 2. steady-state round trips ---- */

/*
 * Round trips of 0 B and 4 KiB, pages installed: rows @prefix.0B.tput,
 * .p50, .p99 (and .max, the latency's DIST lines for the plots), the same
 * for 4KiB.
 */
static void rt_measure(const char *prefix)
{
	static const size_t sizes[] = { 0, 4 * KiB };
	static const char *const names[] = { "0B", "4KiB" };
	struct series tput[2] = { 0 };
	struct lat_series lat[2] = { 0 };
	struct samples round = { 0 };
	char key[64];
	int rep;
	size_t i;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, 2, cpu_main(), 0) || !senders_start(1))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			struct sender_job job = {
				.size = sizes[i],
				.code = sizes[i],	/* reply as much */
				.count = opt.round_trips,
				.warmup = opt.round_trips / 10,
				.latencies = 1,
			};
			double seconds = senders_round(&job);

			if (seconds <= 0)
				goto out;
			series_add(&tput[i], job.count / seconds);
			samples_add(&round, shm->sender[0].lat_ns, job.count);
			snprintf(key, sizeof(key), "%s.%s", prefix, names[i]);
			lat_add(&lat[i], key, &round);
		}
	}
	printf("# %s: one sender, one server, request and reply of the same size, %d timed round trips per repetition\n",
	       prefix, opt.round_trips);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(key, sizeof(key), "%s.%s.tput", prefix, names[i]);
		print_bench(key, "txn/s", "higher", &tput[i]);
		snprintf(key, sizeof(key), "%s.%s", prefix, names[i]);
		lat_print(key, &lat[i], true);
	}
out:
	free(round.v);
	senders_stop();
	server_stop();
	device_remove();
}

static void bench_rt(void)
{
	rt_measure("rt");
}

/* ---- 3. reclaim ---- */

/* Every page of the server's space installed, then put on the LRU. */
static bool reclaim_fill(void)
{
	struct sender_job job = {
		.size = RECLAIM_FILL_TXN,
		.code = REQ_HOLD,
		.count = SERVER_MAP / RECLAIM_FILL_TXN,
	};

	if (shrink_all() != 0)
		printf("# reclaim: the shrinker left pages on the LRU before the fill\n");
	return senders_round(&job) > 0 && server_command(CMD_FREE_HELD);
}

struct reclaim_result {
	long reclaimed;
	long left_after_first;	/* skipped by the first scan */
	int scans;
	double seconds;
};

/* Scan until the LRU is empty or @max_ns have passed. */
static bool reclaim_scan(long max_ns, struct reclaim_result *r)
{
	long before = binder_shrinker_count(), count = before;
	long start = now_ns(), elapsed = 0;

	memset(r, 0, sizeof(*r));
	while (count > 0 && (r->scans == 0 || elapsed < max_ns)) {
		if (binder_shrinker_scan(1UL << 30))
			return false;
		elapsed = now_ns() - start;
		count = binder_shrinker_count();
		if (r->scans++ == 0)
			r->left_after_first = count;
	}
	r->reclaimed = before - count;
	r->seconds = elapsed / 1e9;
	return r->seconds > 0;
}

static void reclaim_rates(void)
{
	struct series rate = { 0 }, rate_churn = { 0 }, skipped = { 0 };
	struct reclaim_result r;
	long ops, churn_ops = 0, scans = 0, left = 0;
	double churn_seconds = 0;
	int rep;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, 2, cpu_main(), opt.churners) ||
	    !senders_start(1))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		if (!reclaim_fill() || !reclaim_scan(0, &r))
			goto out;
		series_add(&rate, r.reclaimed / r.seconds);

		if (!reclaim_fill())
			goto out;
		set_churn(true);
		ops = shm->server.churn_ops;
		if (!reclaim_scan(CHURN_RECLAIM_MAX_NS, &r))
			goto out;
		churn_ops += shm->server.churn_ops - ops;
		set_churn(false);
		series_add(&rate_churn, r.reclaimed / r.seconds);
		series_add(&skipped, r.left_after_first);
		scans += r.scans;
		left += binder_shrinker_count();
		churn_seconds += r.seconds;
		shrink_all();
	}
	printf("# reclaim: %lu pages on the LRU per scan; under churn (%d threads, %.0f mmap+munmap/s) %.1f scans were needed on average, %ld pages were still left after %.0f s in all\n",
	       SERVER_MAP / PAGE, opt.churners, churn_ops / churn_seconds,
	       (double)scans / opt.repeat, left, CHURN_RECLAIM_MAX_NS / 1e9);
	print_bench("reclaim.rate", "pages/s", "higher", &rate);
	print_bench("reclaim.rate.churn", "pages/s", "higher", &rate_churn);
	print_bench("reclaim.skipped.churn", "pages", "lower", &skipped);
out:
	set_churn(false);
	senders_stop();
	server_stop();
	device_remove();
}

/*
 * Install and free every page, unmap the space, map anonymous memory at
 * the same address, scan: the pages still on the LRU are left behind
 * until the process exits.
 */
static long reclaim_leftover_once(void)
{
	long left = -1;

	if (!device_create())
		return -1;
	if (!server_start(SERVER_MAP, 1, cpu_main(), 0) || !senders_start(1) ||
	    !reclaim_fill() || !server_command(CMD_REMAP))
		goto out;
	left = shrink_all();
out:
	senders_stop();
	server_stop();
	device_remove();
	return left;
}

static void reclaim_leftover(void)
{
	struct series left = { 0 };
	long n, after_exit = 0;
	int rep, i;

	for (rep = 0; rep < opt.repeat; rep++) {
		n = reclaim_leftover_once();
		if (n < 0)
			break;
		series_add(&left, n);
		/* binder frees them at release: nothing may stay */
		for (i = 0; i < 200 && (after_exit = binder_shrinker_count()) > 0; i++)
			usleep(10000);
	}
	printf("# reclaim.leftover.remap: %lu pages on the LRU, then munmap + anonymous mmap at the same address, then scan; %ld left after the process exited\n",
	       SERVER_MAP / PAGE, after_exit);
	print_bench("reclaim.leftover.remap", "pages", "lower", &left);
}

static void bench_reclaim(void)
{
	reclaim_rates();
	reclaim_leftover();
}

/* ---- 4. allocator metadata ---- */

/*
 * Unreclaimable kernel memory, as slab counters show it. SLUB keeps free
 * objects in per-CPU and partial slabs, RCU frees some objects and slabs
 * late, and vmstat folds per-CPU counter deltas lazily: slab_settle()
 * waits for RCU, shrinks every cache and folds the counters, so that what
 * is read next is exact. /proc/slabinfo then gives each cache's allocated
 * objects; what SUnreclaim holds beyond the slabs of unreclaimable caches
 * is large kmalloc()s (over 8 KiB: whole pages).
 *
 * sysfs files are opened once, in slab_init(): closing one frees kernfs
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

static void slab_init(void)
{
	slab.init_ns = now_ns();
	slab_open_shrink_files();
	slab_find_reclaimable();
}

/* kfree_rcu() batches for up to 5 s: let slab_init()'s go by. */
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

static void bench_mem(void)
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

/* ---- 5. mmap_lock traffic per installed page ---- */

/*
 * Counts that do not depend on how many CPUs run them: what installing
 * fresh pages does to the target's mmap_lock. Each repetition records one
 * install round into an idle target (nothing else of it runs) with the
 * mmap_lock tracepoints on; rows per installed page: write and read
 * acquisitions of the target's mmap_lock, the time the installers waited
 * for it and held it for write, and the per-VMA lock failures
 * (vma_lock_abort + vma_lock_miss of /proc/vmstat, for every mm).
 */
static void lock_measure(const char *key, int senders)
{
	struct install_case c = {
		.key = key, .what = "fresh pages, mmap_lock traced",
		.senders = senders, .fresh = true, .traced = true,
	};
	enum { WRITE, READ, WAIT, HOLD, VMA_FAIL, ROWS };
	static const char *const rows[ROWS][2] = {
		{ "write", "acq/page" }, { "read", "acq/page" },
		{ "wait", "us/page" }, { "hold", "us/page" },
		{ "vma_fail", "fails/page" },
	};
	struct series row[ROWS] = { 0 };
	struct mmap_lock_traffic t;
	struct install_round r;
	long vma[4] = { 0 }, try_failed = 0, events = 0, pages = 0;
	bool vma_stats = true;
	char name[80];
	int rep, i;

	if (!device_create())
		return;
	if (!server_start(SERVER_MAP, senders + 1,
			  senders == 1 ? cpu_main() : CPU_ANY, 0) ||
	    !senders_start(senders))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		if (!install_round(&c, &r))
			goto out;
		if (!mmap_lock_trace_count(server_pid, &t)) {
			failures++;
			goto out;
		}
		pages += r.pages;
		events += t.events;
		try_failed += t.try_failed;
		series_add(&row[WRITE], (double)t.write_acquired / r.pages);
		series_add(&row[READ], (double)t.read_acquired / r.pages);
		series_add(&row[WAIT], t.wait_us / r.pages);
		series_add(&row[HOLD], t.write_hold_us / r.pages);
		for (i = 0; i < 4; i++) {
			if (vma_lock_before[i] < 0)
				vma_stats = false;
			vma[i] += vma_lock_after[i] - vma_lock_before[i];
		}
		series_add(&row[VMA_FAIL], (double)(vma_lock_after[1] - vma_lock_before[1] +
					      vma_lock_after[3] - vma_lock_before[3]) /
			   r.pages);
	}
	printf("# %s: %d sender%s install %ld fresh pages in all into an idle target, mmap_lock traced: %ld events of the target's mm, %ld failed trylocks\n",
	       key, senders, senders > 1 ? "s" : "", pages, events, try_failed);
	if (vma_stats)
		printf("# %s: /proc/vmstat meanwhile: vma_lock_success %ld, vma_lock_abort %ld, vma_lock_retry %ld, vma_lock_miss %ld\n",
		       key, vma[0], vma[1], vma[2], vma[3]);
	else
		printf("# %s: no vma_lock_* in /proc/vmstat (CONFIG_PER_VMA_LOCK_STATS)\n", key);
	for (i = 0; i < (vma_stats ? ROWS : VMA_FAIL); i++) {
		snprintf(name, sizeof(name), "%s.%s", key, rows[i][0]);
		print_bench(name, rows[i][1], "lower", &row[i]);
	}
out:
	senders_stop();
	server_stop();
	device_remove();
}

static void bench_lock(void)
{
	if (!mmap_lock_trace_open()) {
		printf("# lock: no mmap_lock events in tracefs (CONFIG_TRACING): no lock.* rows\n");
		return;
	}
	lock_measure("lock.1sender", 1);
	lock_measure("lock.senders", opt.senders);
}

/* ---- 6. the target's own latency ---- */

/*
 * What installing into a process costs that process: its prober thread
 * (server_prober()) times mmap + touch + munmap while @senders send
 * fresh-page transactions to it, or, with no sender, for PROBE_IDLE_US a
 * round. Rows @target_key.p50/.p99/.max over each repetition's
 * iterations; with a @sender_key, the senders' transaction latencies and
 * their install rate too.
 */
static void target_measure(const char *target_key, const char *sender_key,
			   int senders)
{
	struct install_case c = {
		.key = target_key, .what = "fresh pages, target probed",
		.senders = senders, .fresh = true, .probed = true,
	};
	struct lat_series target = { 0 }, sender = { 0 };
	struct samples tgt = { 0 }, snd = { 0 };
	double round_rate[MAX_ROUNDS];
	struct series rate = { 0 };
	struct install_round r;
	char name[80];
	int rep, round, i;

	if (!device_create())
		return;
	if (!server_start_with(SERVER_MAP, senders + 1,
			       senders <= 1 ? cpu_main() : CPU_ANY, 0, true) ||
	    !senders_start(senders))
		goto out;
	for (rep = 0; rep < opt.repeat; rep++) {
		for (round = 0; round < opt.rounds; round++) {
			if (senders && !install_round(&c, &r))
				goto out;
			if (!senders) {
				probe_begin();
				usleep(PROBE_IDLE_US);
				r.probes = probe_end();
				if (r.probes < 0)
					goto out;
			}
			samples_add(&tgt, probe_ns, r.probes);
			if (!senders)
				continue;
			round_rate[round] = r.pages / r.seconds;
			for (i = 0; i < senders; i++)
				samples_add(&snd, shm->sender[i].lat_ns,
					    shm->sender[i].job.count);
		}
		lat_add(&target, target_key, &tgt);
		if (sender_key) {
			lat_add(&sender, sender_key, &snd);
			series_add(&rate, median(round_rate, opt.rounds));
		}
		snd.n = 0;
	}
	printf("# %s: the target times mmap + touch + munmap of %lu KiB while %d sender%s install fresh pages into it (%d rounds per repetition)\n",
	       target_key, PROBE_SIZE / KiB, senders, senders == 1 ? "" : "s",
	       opt.rounds);
	lat_print(target_key, &target, true);
	if (sender_key) {
		printf("# %s: the senders' %zu KiB transactions meanwhile\n",
		       sender_key, opt.install_size / KiB);
		lat_print(sender_key, &sender, true);
		snprintf(name, sizeof(name), "%s.rate", sender_key);
		print_bench(name, "pages/s", "higher", &rate);
	}
out:
	free(tgt.v);
	free(snd.v);
	senders_stop();
	server_stop();
	device_remove();
}

static void bench_target(void)
{
	target_measure("target.idle", NULL, 0);
	target_measure("target.1sender", "install.lat.1sender", 1);
	target_measure("target.senders", NULL, opt.senders);
}

/* ---- 7. under memory pressure ---- */

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

/*
 * 1 if kswapd has given up on a node (its reclaim freed nothing 16 times
 * in a row: without swap or page cache nothing on the LRU can go), 0 if
 * not, -1 if /proc/zoneinfo does not say.
 */
static int node_unreclaimable(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	int v, found = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " node_unreclaimable: %d", &v) == 1)
			found = found == 1 ? 1 : v;
	if (f)
		fclose(f);
	return found;
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
	memset(hog, 0, sizeof(*hog));
	*pid = spawn(hog_main, 0);
	if (*pid < 0)
		return false;
	if (binder_wait_flag(&hog->in_band, 1, 60000))
		return true;
	fprintf(stderr, "# hog: did not reach the band in 60 s\n");
	binder_set_flag(&hog->stop, 1);
	binder_wait_pid(*pid, 60000, &(int){ 0 });
	return false;
}

static void hog_end(pid_t pid)
{
	int status = 0;

	binder_set_flag(&hog->stop, 1);
	if (binder_wait_pid(pid, 60000, &status) || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "# hog: failed, was killed or hung (status 0x%x)\n", status);
		failures++;
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
static void bench_pressure(void)
{
	long before[RC_N], after[RC_N], d[RC_N];
	struct shrink_traffic st = { -1, -1, -1 };
	bool traced;
	pid_t pid;
	int i;

	binder_set_oom_score_adj(-1000);
	traced = shrink_trace_open();
	if (!traced)
		printf("# pressure: no mm_shrink_slab_end in tracefs: no binder shrinker rows\n");
	if (!hog_begin(&pid)) {
		printf("# pressure: the memory hog did not start: no pressure.* rows\n");
		failures++;
		goto out;
	}
	printf("# pressure: a hog holds %ld MiB, keeping the largest zone's free pages between min %ld and low %ld (%ld managed)\n",
	       hog->held_kib >> 10, hog->zone.min, hog->zone.low, hog->zone.managed);
	reclaim_read(before);
	if (traced && !shrink_trace_start())
		traced = false;
	target_measure("pressure.target", "pressure.install", 1);
	rt_measure("pressure.rt");
	if (traced) {
		shrink_trace_stop();
		traced = shrink_trace_count(&st);
	}
	reclaim_read(after);
	for (i = 0; i < RC_N; i++)
		d[i] = before[i] < 0 || after[i] < 0 ? -1 : after[i] - before[i];
	printf("# pressure: meanwhile %ld direct reclaim stalls, %ld kswapd runs, %ld pages scanned by kswapd, %ld shrinker objects scanned, %ld OOM kills; the zone's free pages were at least %ld; the hog allocated %ld times in the band, gave memory back %ld times and held up to %ld MiB\n",
	       d[RC_STALLS], d[RC_KSWAPD], d[RC_PGSCAN], d[RC_SLABS], d[RC_OOM],
	       hog->free_min, hog->band_allocs, hog->gave_back,
	       hog->held_max_kib >> 10);
	if (traced)
		printf("# pressure: the binder shrinker was called %ld times by kswapd and %ld by direct reclaim, and freed %ld pages\n",
		       st.kswapd_calls, st.direct_calls, st.freed);
	printf("# pressure: kswapd %s (node_unreclaimable %d)\n",
	       node_unreclaimable() == 1 ? "had given up on the node" : "had not given up",
	       node_unreclaimable());
	hog_end(pid);
	print_count("pressure.reclaim.kswapd", "runs", d[RC_KSWAPD]);
	print_count("pressure.reclaim.direct", "stalls", d[RC_STALLS]);
	print_count("pressure.reclaim.slabs", "objects", d[RC_SLABS]);
	if (traced) {
		print_count("pressure.reclaim.binder_calls", "calls",
			    st.kswapd_calls + st.direct_calls);
		print_count("pressure.reclaim.binder_pages", "pages", st.freed);
	}
	if (d[RC_OOM] > 0)
		printf("# WARNING: pressure: the OOM killer ran: the pressure rows are not comparable\n");
out:
	binder_set_oom_score_adj(0);
}

/* ---- the environment ---- */

/* Ours prints reclaim counters in binder/stats; stock does not. */
static enum allocator detect_allocator(void)
{
	enum allocator a = ALLOC_UNKNOWN;
	struct binder_proc_stats st;
	struct binder b;

	if (!device_create() || binder_open(&b, shm->path, 0))
		return ALLOC_UNKNOWN;
	if (binder_stats_find(getpid(), device_name(), &st) == 1)
		a = binder_stats_show_ours(&st) ? ALLOC_OURS : ALLOC_STOCK;
	binder_close(&b);
	device_remove();
	return a;
}

static void cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(buf, size, "%s", strchr(line, ':') + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static void print_environment(void)
{
	static const char *const names[] = { "unknown", "stock", "ours" };
	char clocksource[64], model[128];
	struct utsname u;

	uname(&u);
	read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			clocksource, sizeof(clocksource));
	cpu_model(model, sizeof(model));
	printf("# binder_bench %s: Linux %s, %s allocator, %ld CPUs (%s), clocksource %s\n",
	       opt.label, u.release, names[opt.allocator],
	       sysconf(_SC_NPROCESSORS_ONLN), model, clocksource);
	printf("INFO label %s\n", opt.label);
	printf("INFO kernel %s\n", u.release);
	printf("INFO allocator %s\n", names[opt.allocator]);
	printf("INFO cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	printf("INFO cpu_model %s\n", model);
	printf("INFO clocksource %s\n", clocksource);
	printf("INFO repeat %d\n", opt.repeat);
	printf("INFO senders %d\n", opt.senders);
	printf("INFO churners %d\n", opt.churners);
	printf("INFO install_kib %zu\n", opt.install_size / KiB);
	printf("INFO pinned %s\n", opt.pin ? "yes" : "no");
	if (strstr(clocksource, "jiffies"))
		printf("# WARNING: clocksource %s: timings are in 1/HZ steps\n",
		       clocksource);
	fflush(stdout);
}

/* ---- options ---- */

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s --label=NAME [options]\n"
		"  --repeat=N        repetitions of every measurement (9)\n"
		"  --quick           3 repetitions, shorter rounds: a smoke test\n"
		"  --only=GROUPS     comma list of install,rt,reclaim,mem,lock,target,\n"
		"                    pressure (all)\n"
		"  --senders=N       concurrent senders for install.fresh.senders (4)\n"
		"  --churners=N      mmap/munmap threads in the server (3)\n"
		"  --install-size=K  KiB per install transaction (128)\n"
		"  --rounds=N        install rounds per repetition (5)\n"
		"  --allocs=N        binder fds per memory measurement (32)\n"
		"  --allocator=stock|ours  skip detection\n"
		"  --no-pin          let the scheduler place threads\n"
		"  --verbose         a comment line per round\n", prog);
	exit(2);
}

static unsigned int parse_groups(const char *list)
{
	static const char *const names[] = { "install", "rt", "reclaim", "mem",
					     "lock", "target", "pressure" };
	unsigned int groups = 0;
	char *copy = strdup(list), *tok, *save = NULL;
	size_t i;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(names) && strcmp(tok, names[i]); i++)
			;
		if (i == ARRAY_SIZE(names)) {
			fprintf(stderr, "binder_bench: --only: no group %s\n", tok);
			exit(2);
		}
		groups |= 1U << i;
	}
	free(copy);
	return groups;
}

static int parse_int(const char *s, int min, int max, const char *prog)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < min || v > max)
		usage(prog);
	return v;
}

static void parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "only", required_argument, NULL, 'o' },
		{ "senders", required_argument, NULL, 's' },
		{ "churners", required_argument, NULL, 'c' },
		{ "install-size", required_argument, NULL, 'i' },
		{ "allocs", required_argument, NULL, 'a' },
		{ "allocator", required_argument, NULL, 'A' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "no-pin", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int o;

	while ((o = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (o) {
		case 'l':
			opt.label = optarg;
			break;
		case 'r':
			opt.repeat = parse_int(optarg, 1, 64, argv[0]);
			break;
		case 'q':
			opt.repeat = 3;
			opt.rounds = 3;
			opt.round_trips = 500;
			opt.allocs = 16;
			break;
		case 'o':
			opt.groups = parse_groups(optarg);
			break;
		case 's':
			opt.senders = parse_int(optarg, 1, MAX_SENDERS, argv[0]);
			break;
		case 'c':
			opt.churners = parse_int(optarg, 1, MAX_CHURNERS, argv[0]);
			break;
		case 'i':
			opt.install_size = parse_int(optarg, 4, 1024, argv[0]) * KiB;
			if (opt.install_size % PAGE)
				usage(argv[0]);
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'P':
			opt.pin = false;
			break;
		case 'R':
			opt.rounds = parse_int(optarg, 1, MAX_ROUNDS, argv[0]);
			break;
		case 'a':
			opt.allocs = parse_int(optarg, 1, MAX_ALLOCS, argv[0]);
			break;
		case 'A':
			if (!strcmp(optarg, "stock"))
				opt.allocator = ALLOC_STOCK;
			else if (!strcmp(optarg, "ours"))
				opt.allocator = ALLOC_OURS;
			else
				usage(argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc || !opt.groups ||
	    INSTALL_FILL / opt.install_size < (size_t)opt.senders)
		usage(argv[0]);
}

/* The groups in the order of enum group and of parse_groups()'s names. */
static void (*const benches[])(void) = {
	bench_install, bench_rt, bench_reclaim, bench_mem, bench_lock,
	bench_target, bench_pressure,
};

int main(int argc, char **argv)
{
	long start = now_ns();
	char clocksource[64];
	size_t i;

	parse_options(argc, argv);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 2 || ncpus > CPU_SETSIZE)
		opt.pin = false;
	pin_to(cpu_main());
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	probe_ns = mmap(NULL, MAX_PROBES * sizeof(*probe_ns), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	hog = mmap(NULL, sizeof(*hog), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || probe_ns == MAP_FAILED || hog == MAP_FAILED) {
		fprintf(stderr, "binder_bench: mmap of the control block: %s\n",
			strerror(errno));
		return 1;
	}
	if (!binder_debugfs_available() || !binder_shrinker_available()) {
		fprintf(stderr, "binder_bench: needs debugfs at /sys/kernel/debug with binder and CONFIG_SHRINKER_DEBUG\n");
		return 1;
	}
	if (opt.allocator == ALLOC_UNKNOWN)
		opt.allocator = detect_allocator();
	print_environment();
	if (opt.groups & GROUP_MEM)
		slab_init();	/* long before measuring: see slab_settle() */

	for (i = 0; i < ARRAY_SIZE(benches); i++)
		if (opt.groups & (1U << i))
			benches[i]();

	/* tsc-early at boot becomes tsc; anything else would be news */
	read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			clocksource, sizeof(clocksource));
	printf("INFO clocksource %s\n", clocksource);
	printf("# binder_bench %s: done in %.1f s, %ld failures\n", opt.label,
	       (now_ns() - start) / 1e9, failures);
	return failures ? 1 : 0;
}
