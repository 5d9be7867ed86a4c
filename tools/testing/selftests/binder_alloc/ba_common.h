/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the binder_alloc kselftests: a fresh binderfs device per
 * test, child processes, a standard server and client speaking the payload
 * protocol below, and the leak check every test ends with.
 *
 * Children never use the harness macros (an ASSERT would longjmp into the
 * test process's frame): they count what they saw in shared memory and the
 * test body asserts on the counts.
 */
#ifndef BA_COMMON_H
#define BA_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "binder.h"
#include "binder_debugfs.h"
#include "binder_payload.h"
#include "binder_proc.h"

#define KiB		1024UL
#define MiB		(1024 * KiB)
#define BA_PAGE		4096UL

/*
 * Transaction codes: an operation in the top byte, the payload seed below.
 * The payload of every transaction is payload_fill(data, size, seed).
 */
enum ba_op {
	BA_ECHO = 1,	/* check the payload, reply with the same bytes */
	BA_CHECK,	/* check the payload, reply with the check result */
	BA_SLOW,	/* like BA_CHECK, but take 300 ms to reply */
	BA_UNMAPPED,	/* reply code: the server could not read the buffer */
};

static inline uint32_t ba_code(enum ba_op op, uint32_t seed)
{
	return (uint32_t)op << 24 | (seed & 0xffffff);
}

static inline enum ba_op ba_code_op(uint32_t code)
{
	return code >> 24;
}

static inline uint32_t ba_code_seed(uint32_t code)
{
	return code & 0xffffff;
}

/* A binderfs device of our own, so tests never share a context manager. */
struct ba_dev {
	char name[64];
	char path[128];
};

int ba_dev_create(struct ba_dev *dev, const char *tag);
void ba_dev_remove(struct ba_dev *dev);

/* Run @fn(@arg) in a child that dies with us and holds none of our fds. */
pid_t ba_spawn(int (*fn)(void *arg), void *arg);
/* Exit code of @pid, 128 + signal if killed, -ETIMEDOUT (then killed). */
int ba_reap(pid_t pid, int timeout_ms);
/* Kill and reap every child not reaped yet. */
void ba_kill_children(void);

static inline long ba_add(long *counter, long n)
{
	return __atomic_add_fetch(counter, n, __ATOMIC_SEQ_CST);
}

static inline long ba_get(const long *counter)
{
	return __atomic_load_n(counter, __ATOMIC_SEQ_CST);
}

/* What a client saw, in shared memory. */
struct ba_outcomes {
	long sent;
	long replies;		/* sync, echo intact */
	long unmapped;		/* sync, server could not read it (munmap) */
	long completes;		/* oneway accepted */
	long spam;		/* oneway accepted, BR_ONEWAY_SPAM_SUSPECT */
	long failed;		/* BR_FAILED_REPLY */
	long dead;		/* BR_DEAD_REPLY */
	long other;		/* any other outcome, or an error */
	long bad_data;		/* reply bytes differ from what was sent */
	long timeouts;
	long bytes;
	int last_error;		/* driver errno of the last failure, or -errno */
};

/*
 * The standard server: a child process, context manager of the device,
 * @threads loopers. It checks every payload, echoes or checks as asked,
 * frees every buffer (unless @hold), and optionally munmaps its mapping or
 * dies in the middle of traffic.
 */
struct ba_server {
	/* set before ba_server_start() */
	const char *path;
	size_t map_size;
	int threads;
	bool hold;		/* never free received buffers */
	long munmap_after;	/* munmap after serving this many (0: never) */
	long exit_after;	/* _exit() on receiving this many (0: never) */
	bool churn;		/* a thread mmaps/munmaps unrelated memory */
	/* shared state */
	pid_t pid;
	int ready;
	int stop;
	int unmapped;
	long received;
	long oneways;
	long bad_data;
	long reply_errors;	/* our reply was refused: the client is gone */
};

struct ba_server *ba_server_new(const char *path, size_t map_size);
int ba_server_start(struct ba_server *srv);
int ba_server_stop(struct ba_server *srv);
void ba_server_free(struct ba_server *srv);

/* The standard client: a child sending a random mix of payloads. */
struct ba_client {
	/* set before ba_client_start() */
	const char *path;
	size_t map_size;
	long count;		/* transactions to send */
	size_t max_size;	/* sync payloads: 0 .. max_size bytes */
	size_t oneway_max;	/* oneway payloads: 0 .. oneway_max bytes */
	int oneway_pct;
	uint32_t seed;
	bool stop_on_dead;	/* finish at the first BR_DEAD_REPLY */
	bool hold_replies;	/* never free replies, exit with them */
	int *stop;		/* optional: finish when *stop is set */
	/* shared state */
	pid_t pid;
	struct ba_outcomes out;
};

struct ba_client *ba_client_new(const char *path, size_t map_size,
				long count, uint32_t seed);
int ba_client_start(struct ba_client *c);
void ba_client_free(struct ba_client *c);

/*
 * One transaction of the standard client: fill @buf with @size bytes of
 * payload @seed, send, check the reply, count the outcome in @out.
 * Returns the final BR_ command, 0 on timeout or error.
 */
uint32_t ba_client_send(struct binder_thread *t, struct ba_outcomes *out,
			uint32_t flags, enum ba_op op, void *buf, size_t size,
			uint32_t seed, bool free_reply);

/*
 * Serve one received transaction the standard way: check, reply (sync),
 * free. Returns false if the payload was corrupt.
 */
bool ba_serve(struct binder_thread *t, const struct binder_event *ev,
	      bool hold);

/*
 * A client run step by step, for tests whose body is the server: the test
 * sets @step to n, the client runs script(c, t, n) and sets @done to n. A
 * script returns 0 to wait for the next step, -1 when finished, or an exit
 * code > 0 on error.
 */
struct ba_scripted;
typedef int (*ba_script_fn)(struct ba_scripted *c, struct binder_thread *t,
			    int step);

struct ba_scripted {
	const char *path;
	int step;
	int done;
	ba_script_fn script;
	pid_t pid;
	struct ba_outcomes out;
	long results[8];
	char buf[64 * 1024];
};

struct ba_scripted *ba_scripted_start(const char *path, ba_script_fn script);
/* Run step @step and wait until it is done. */
bool ba_scripted_step(struct ba_scripted *c, int step);
/* Wait for the client's exit; returns its code (see ba_reap()). */
int ba_scripted_finish(struct ba_scripted *c);

/* Be the server: open, map, become context manager, enter the looper. */
int ba_become_server(struct binder *b, struct binder_thread *t,
		     const char *path, size_t map_size);
/* The next BR_TRANSACTION, skipping completions of our own replies. */
bool ba_next_transaction(struct binder_thread *t, struct binder_event *ev,
			 int timeout_ms);

/* Pick a size in [0, max], spread evenly over orders of magnitude. */
size_t ba_pick_size(unsigned int *rnd, size_t max);

/* Print the buffers @pid holds on @context, from binder/proc/PID. */
void ba_log_buffers(pid_t pid, const char *context);
/* Print what client @i saw (after a check on its outcomes failed). */
void ba_log_outcomes(int i, const struct ba_outcomes *o);
/* Wait until no binder fd is open on @context. */
bool ba_wait_procs_gone(const char *context, int timeout_ms);
/*
 * Wait until the binder LRU holds at most @limit pages; returns the count.
 * A released proc leaves binder/stats before its pages are freed.
 */
long ba_wait_lru_at_most(long limit, int timeout_ms);

#endif /* BA_COMMON_H */
