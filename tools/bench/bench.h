/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what the files of binder_bench share: the scenario's server
 * and senders and the parent driving them (bench_proc.c), the results it
 * prints (bench_stats.c), and one file a benchmark group:
 *   bench_install.c   install.*, fill.*     bench_lock.c      lock.*
 *   bench_rt.c        rt.*                  bench_target.c    target.*
 *   bench_reclaim.c   reclaim.*             bench_pressure.c  pressure.*
 *   bench_mem.c       mem.*
 * binder_bench.c has the options, the environment and main().
 */
#ifndef BENCH_H
#define BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "binder.h"

#define KiB			1024UL
#define MiB			(1024 * KiB)
/* the page size, from sysconf() at start */
#define PAGE			bench_page

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

extern struct options opt;
extern unsigned long bench_page;
extern struct bench_shm *shm;
extern long *probe_ns;		/* shared: the target's iterations, MAX_PROBES */
extern int ncpus;
extern pid_t server_pid;	/* the scenario's server */
extern long failures;		/* binder_bench exits 1 if any */

/* ---- bench_proc.c: processes, the server, senders ---- */

#define CPU_ANY			-1

long now_ns(void);
void count_failure(long *counter);
int cpu_main(void);
void pin_to(int cpu);
pid_t spawn(int (*fn)(int), int arg);
void read_first_line(const char *path, char *buf, size_t size);

const char *device_name(void);
bool device_create(void);
void device_remove(void);
bool server_start_with(size_t map_size, int loopers, int looper_cpu,
		       int churners, bool prober);
bool server_start(size_t map_size, int loopers, int looper_cpu, int churners);
void probe_begin(void);
long probe_end(void);
bool server_command(int cmd);
void server_stop(void);
void set_churn(bool on);
bool senders_start(int n);
void senders_stop(void);
double senders_round(const struct sender_job *job);
long server_installed_pages(void);
long shrink_all(void);

/* ---- bench_stats.c: results ---- */

struct series {
	double v[64];
	int n;
};

/* Latencies in ns, pooled over the rounds of one repetition. */
struct samples {
	long *v;
	long n, cap;
};

/* Latency series of one row: p50, p99 and max over each repetition. */
struct lat_series {
	struct series p50, p99, max;
};

int cmp_long(const void *a, const void *b);
double median(double *v, int n);
void series_add(struct series *s, double value);
void print_bench(const char *key, const char *unit, const char *better,
		 const struct series *s);
void samples_add(struct samples *s, const long *v, long n);
void lat_add(struct lat_series *l, const char *key, struct samples *s);
void lat_print(const char *key, const struct lat_series *l, bool with_max);

/* ---- bench_install.c: one install round, for install, lock, target ---- */

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
	long vma_lock[4];	/* the per-VMA lock counters' growth, if traced */
};

bool install_round(const struct install_case *c, struct install_round *r);

/* ---- the groups ---- */

void bench_install(void);
void bench_rt(void);
void rt_measure(const char *prefix);
void bench_reclaim(void);
void bench_mem_init(void);
void bench_mem(void);
void bench_lock(void);
void bench_target(void);
void target_measure(const char *target_key, const char *sender_key,
		    int senders);
void bench_pressure(void);

#endif /* BENCH_H */
