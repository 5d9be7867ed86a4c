// SPDX-License-Identifier: GPL-2.0
/*
 * bench_proc.c - binder_bench's processes: the clock and flags they share,
 * where they run, the server (context manager, looper, churn and prober
 * threads), the senders, and the parent's side of driving them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binder_debugfs.h"

#include "bench.h"

pid_t server_pid;
static pid_t sender_pid[MAX_SENDERS];
static int nsenders;
static int device_serial;

long now_ns(void)
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

void count_failure(long *counter)
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
int cpu_main(void)
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
void pin_to(int cpu)
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

pid_t spawn(int (*fn)(int), int arg)
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

void read_first_line(const char *path, char *buf, size_t size)
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

const char *device_name(void)
{
	return strrchr(shm->path, '/') + 1;
}

bool device_create(void)
{
	char name[64];

	snprintf(name, sizeof(name), "bench-%d-%d", getpid(), ++device_serial);
	return binder_device_add(name, shm->path, sizeof(shm->path)) == 0;
}

/* Wait for binder to release every proc of the device, then remove it. */
void device_remove(void)
{
	int i;

	for (i = 0; i < 1000 && binder_stats_count_procs(device_name()) > 0; i++)
		usleep(10000);
	binder_device_remove(shm->path);
}

/* A server with @loopers looper threads, @churners, and a prober if asked. */
bool server_start_with(size_t map_size, int loopers, int looper_cpu,
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

bool server_start(size_t map_size, int loopers, int looper_cpu,
			 int churners)
{
	return server_start_with(map_size, loopers, looper_cpu, churners, false);
}

/* Start timing the prober's iterations into probe_ns[], from 0. */
void probe_begin(void)
{
	struct server_ctl *ctl = &shm->server;

	__atomic_store_n(&ctl->probes, 0, __ATOMIC_RELEASE);
	flag_set(&ctl->probe, ctl->probe + 1);
}

/* Stop it; returns how many iterations it timed, or -1 if it hangs. */
long probe_end(void)
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

bool server_command(int cmd)
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

void server_stop(void)
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

void set_churn(bool on)
{
	flag_set(&shm->server.churn, on ? CHURN_RUN : CHURN_IDLE);
	if (on)
		usleep(20000);	/* let the churners get going */
}

bool senders_start(int n)
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

void senders_stop(void)
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
double senders_round(const struct sender_job *job)
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
long server_installed_pages(void)
{
	struct binder_proc_stats st;

	if (binder_stats_find(server_pid, device_name(), &st) != 1)
		return -1;
	return st.pages_active + st.pages_lru;
}

/* Scan the binder shrinker until its LRU is empty (or it stops shrinking). */
long shrink_all(void)
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

