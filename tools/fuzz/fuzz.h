/* SPDX-License-Identifier: GPL-2.0 */
/*
 * binder_alloc_fuzz: a seeded multi-process binder fuzzer with oracles.
 *
 * One run = one binderfs device, FZ procs fuzz processes: process 0 is the
 * context manager (a looper thread serves, its main thread runs its own
 * program of mm and ioctl operations on itself), processes 1.. are clients
 * whose main thread runs a program of transactions, frees and mm operations.
 * Operation i of process p is drawn from a PRNG seeded by (seed, p, i)
 * alone, so dropping operations (--replay, shrinking) leaves the others as
 * they were.
 *
 * The processes share one struct fz_shared: each publishes the state of
 * its binder mapping (what its own program did to it), so that a peer can
 * tell which outcomes the API allows, and its counters and first failure.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "binder.h"

#define FZ_MAX_PROCS	8
#define FZ_PAGE		4096UL
#define FZ_KiB		1024UL
#define FZ_MiB		(1024 * FZ_KiB)
#define FZ_MAX_TXN	(5 * FZ_MiB + 64 * FZ_KiB)	/* largest payload sent */
#define FZ_MSG		320

/* What a process's own program did to its binder mapping (fz_pub.flags). */
#define FZ_MAY_FAULT	0x1	/* reads of received buffers may fault */
#define FZ_MAY_DIE	0x2	/* the allocator may see no mapping (-ESRCH) */
#define FZ_UNRELIABLE	0x4	/* a stranger may sit where buffers are */
#define FZ_RESTART	0x8	/* fd being closed and reopened */
#define FZ_SPLIT	0x10	/* the mapping may be split into several VMAs */

/* Failure classes, for the report and for shrinking. */
enum fz_fail {
	FZ_OK = 0,
	FZ_FAIL_PAYLOAD,	/* received bytes differ from the sent ones */
	FZ_FAIL_ERRNO,		/* an outcome the API does not allow */
	FZ_FAIL_FAULT,		/* a received buffer of an intact mapping faulted */
	FZ_FAIL_OVERLAP,	/* a buffer delivered over a live one / outside */
	FZ_FAIL_HANG,		/* a call or a process did not finish */
	FZ_FAIL_CRASH,		/* a fuzz process died of a signal */
	FZ_FAIL_LEAK,		/* pages, LRU or procs not back after the run */
	FZ_FAIL_SPLAT,		/* the kernel log shows a splat */
	FZ_FAIL_SETUP,		/* could not start */
	FZ_FAIL_NR,
};

extern const char *const fz_fail_names[FZ_FAIL_NR];

struct fz_pub {
	int pid;
	int ready;
	int done;
	unsigned int gen;	/* bumped around every change of flags */
	int flags;
	int spam;		/* oneway spam detection enabled */
	unsigned long map;	/* start of the current binder mapping */
	size_t space;		/* buffer space: min(map size, 4 MiB); 0 none */
	long last_op;		/* index of the op running now */
	long resume;		/* a new incarnation starts at this op */
	int killed;		/* SIGKILLed by a peer's program: respawn it */
	int incarnation;
	uint32_t last_seen[FZ_MAX_PROCS];	/* server: last code per client */
	/* counters */
	long ops, txns, oneways, replies, checked_bytes, unreadable;
	long failed_txns, dead_txns, frees, reopens, forks, victims, scans;
	long scan_freed, freezes, hogs;
	long reclaimed;		/* our allocator's per-proc count, read at close */
	long quirks;		/* stock: -ENOMEM into a split VMA */
	/* first failure */
	int fail;
	long fail_op;
	char fail_msg[FZ_MSG];
};

struct fz_shared {
	uint64_t seed;
	int procs;
	long ops;		/* per process */
	int freezers;		/* processes freezing process 0 right now */
	unsigned int freeze_gen;	/* bumped when one starts or ends */
	int stop;		/* server: stop serving; all: abort */
	int abort;
	char device[128];
	char devname[64];
	struct fz_pub pub[FZ_MAX_PROCS];
	/* ops to run: a bitmap per process; NULL-free: all of them */
	int replay;
	int trace;		/* log every operation on stderr */
	int stock;		/* the stock allocator: allow its known failures */
	uint8_t keep[];		/* procs * ((ops + 7) / 8) bytes */
};

/* splitmix64 */
static inline uint64_t fz_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

struct fz_rng {
	uint64_t s;
};

static inline uint64_t fz_next(struct fz_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return fz_mix(r->s);
}

static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return n ? fz_next(r) % n : 0;
}

static inline bool fz_chance(struct fz_rng *r, uint32_t one_in)
{
	return fz_below(r, one_in) == 0;
}

/* The PRNG of operation @op of process @proc. */
static inline void fz_op_rng(struct fz_rng *r, uint64_t seed, int proc,
			     long op)
{
	r->s = fz_mix(fz_mix(seed ^ fz_mix(proc + 1)) + (uint64_t)op * 0x2545f4914f6cdd1dULL);
}

static inline bool fz_keep(const struct fz_shared *sh, int proc, long op)
{
	size_t row = (sh->ops + 7) / 8;

	if (!sh->replay)
		return true;
	return sh->keep[proc * row + op / 8] & (1 << (op % 8));
}

static inline size_t fz_shared_size(int procs, long ops)
{
	return sizeof(struct fz_shared) + procs * ((ops + 7) / 8);
}

/* fuzz_proc.c: the body of fuzz process @idx; returns its exit code. */
int fz_proc_main(struct fz_shared *sh, int idx);
/* The image an exec child runs (--exec-child=FD:CODE). */
int fz_exec_child(const char *arg, const char *device);

#endif /* FUZZ_H */
