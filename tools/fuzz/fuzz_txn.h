/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transactions of binder_alloc_fuzz. A transaction code says everything
 * about it: who sent it, oneway or not, its kind, and a 22-bit seed; the
 * sender builds the transaction from the code alone (fz_spec()) and so can
 * the receiver, which checks every byte and every object it gets against
 * that. The payload seeds of payload_fill() derive from the code too.
 *
 *   code = proc << 29 | oneway << 28 | victim << 27 | kind << 22 | seed
 */
#ifndef FUZZ_TXN_H
#define FUZZ_TXN_H

#include "fuzz.h"

enum fz_kind {
	TK_PLAIN,	/* patterned data, 0 .. 2 MiB */
	TK_SMALL,	/* patterned data, 0 .. 4 KiB */
	TK_OBJS,	/* binder, weak binder and fd objects, then data */
	TK_SG,		/* BC_TRANSACTION_SG: ptr, fd array and child ptr */
	TK_BAD_OFFSET,	/* an offset unaligned or past the data: -EINVAL */
	TK_BAD_HANDLE,	/* a handle we do not have: -EINVAL */
	TK_BAD_FD,	/* an fd we do not have: -EBADF */
	TK_OVERSIZE,	/* more than any buffer space: -ENOSPC */
	TK_HUGE,	/* data_size 2^40: -ENOSPC */
	TK_BAD_PTR,	/* data pointer not mapped: -EFAULT */
	TK_NR,
};

extern const char *const fz_kind_names[TK_NR];

#define FZ_MAX_OBJS	6
#define FZ_OBJ_START	8	/* bytes of data before the first object */
#define FZ_SG_MAX	(64 * FZ_KiB)
/* TK_BAD_HANDLE's handles: FZ_BAD_HANDLE_BASE + 0 .. 999 */
#define FZ_BAD_HANDLE_BASE	(1u << 30)

/* What the server does with a received buffer. */
enum fz_srv_free {
	SF_FREE,	/* with the reply, or at once for oneway */
	SF_HOLD,	/* keep it a while (a FIFO of held buffers) */
	SF_DOUBLE,	/* free it twice in one write */
	SF_BOGUS,	/* free it, and free its address + 8 */
};

struct fz_spec {
	uint32_t code;
	int proc;
	bool oneway;
	bool victim;
	int kind;
	uint32_t flags;		/* TF_CLEAR_BUF, TF_ACCEPT_FDS (not TF_ONE_WAY) */
	uint64_t size;		/* data_size */
	int nobj;
	binder_size_t offs[FZ_MAX_OBJS];
	uint32_t type[FZ_MAX_OBJS];
	size_t objsize[FZ_MAX_OBJS];
	uint32_t handle;	/* TK_BAD_HANDLE */
	/* TK_SG: root buffer (object 0), fd array (1), child buffer (2) */
	size_t root_len, child_len, child_at;
	int nfds;
	uint64_t sg_size;	/* buffers_size */
	int expect;		/* the error the driver must give, or 0 */
	/* the server's side */
	size_t reply_size;
	bool reply_clear;
	int srv_free;
};

static inline uint32_t fz_code(int proc, bool oneway, bool victim, int kind,
			       uint32_t seed)
{
	return (uint32_t)proc << 29 | (uint32_t)oneway << 28 |
	       (uint32_t)victim << 27 | (uint32_t)kind << 22 |
	       (seed & 0x3fffff);
}

static inline uint64_t fz_align8(uint64_t n)
{
	return (n + 7) & ~7ULL;
}

/* Bytes the allocator must find for this transaction (sanitized_size()). */
static inline uint64_t fz_spec_total(const struct fz_spec *s)
{
	uint64_t t = fz_align8(s->size) + fz_align8(s->nobj * 8ULL) +
		     fz_align8(s->sg_size);

	return t < 8 ? 8 : t;
}


/* Payload seeds: data, sg buffer k (a reply's are those of ~code). */
static inline uint32_t fz_seed_data(uint32_t code)
{
	return code;
}

static inline uint32_t fz_seed_sg(uint32_t code, int k)
{
	return code ^ (0x01000193u * (k + 1));
}


void fz_spec(struct fz_spec *s, uint32_t code);
/* The reply to @s (server to client) as a spec; its total in the space. */
void fz_reply_spec(struct fz_spec *rs, const struct fz_spec *s);
uint64_t fz_reply_total(const struct fz_spec *s);
/* A size in [0, max], spread evenly over orders of magnitude. */
uint64_t fz_pick_size(struct fz_rng *r, uint64_t max);

#endif /* FUZZ_TXN_H */
