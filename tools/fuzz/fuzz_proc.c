// SPDX-License-Identifier: GPL-2.0
/*
 * binder_alloc_fuzz: one fuzz process (see fuzz.h). Process 0 serves (a
 * looper thread) and runs its own program on itself; the others are
 * clients. Each process has exactly one thread that receives buffers at a
 * time (the looper, or the client's main thread, or a helper thread the
 * main thread waits for), so it knows every buffer of its own that is live,
 * and the frees it aims at addresses that are not buffers of its (double,
 * bogus, another process's) never hit one it still reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binder_debugfs.h"
#include "binder_payload.h"
#include "binder_proc.h"
#include "fuzz_txn.h"

#define CALL_TIMEOUT_MS	30000
#define FZ_LIVE		8	/* buffers a receiver holds at most */

struct live_buf {
	unsigned long addr;
	size_t len;
};

/* The receiving thread's view of its process's live buffers. */
struct receiver {
	struct binder_thread t;
	struct live_buf live[FZ_LIVE];
	int nlive;
};

struct fz {
	struct fz_shared *sh;
	struct fz_pub *me;
	int idx;
	long op;
	struct binder b;
	unsigned long map;	/* where the allocator's buffers are: mmap start */
	size_t map_len;		/* bytes mapped at @map originally */
	size_t space;		/* min(map_len, 4 MiB) */
	unsigned long moved;	/* mremap target to unmap at reopen */
	size_t moved_len;
	bool dofork;		/* MADV_DOFORK on the mapping */
	bool space_unknown;	/* something we do not track may hold space */
	bool map_lost;		/* a hole of the mapping's range was taken */
	int pipefd[2];
	uint8_t *tx;		/* payload to send */
	uint8_t *sg;		/* sg buffers to send */
	struct receiver rcv;	/* main thread (clients) */
	/* server */
	struct receiver srv;	/* the looper's */
	pthread_t looper;
	int looper_stop;
	bool looper_on;
	uint8_t *reply;
	uint8_t *reply_sg;	/* the server's sg buffers of replies */
};

static struct fz *F;	/* this process's */

/* ---- failures ------------------------------------------------------- */

static void failv(int kind, const char *fmt, va_list ap)
{
	struct fz_pub *me = F->me;
	char msg[FZ_MSG];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "# FAIL proc %d op %ld: %s: %s\n", F->idx, F->op,
		fz_fail_names[kind], msg);
	if (!__atomic_exchange_n(&me->fail, kind, __ATOMIC_SEQ_CST)) {
		me->fail_op = F->op;
		snprintf(me->fail_msg, sizeof(me->fail_msg), "%s", msg);
	}
	__atomic_store_n(&F->sh->abort, 1, __ATOMIC_RELEASE);
}

static void __attribute__((format(printf, 2, 3))) fail(int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	failv(kind, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 1, 2))) trace(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!F->sh->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "# [%d:%ld] %s\n", F->idx, F->op, msg);
}

static bool aborted(void)
{
	return __atomic_load_n(&F->sh->abort, __ATOMIC_ACQUIRE);
}

static void count(long *c, long n)
{
	__atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

/* ---- the mapping's published state ---------------------------------- */

struct snap {
	unsigned int gen;
	int flags;
};

static struct snap snap_of(const struct fz_pub *p)
{
	struct snap s;

	s.gen = __atomic_load_n(&p->gen, __ATOMIC_ACQUIRE);
	s.flags = __atomic_load_n(&p->flags, __ATOMIC_ACQUIRE);
	return s;
}

/* What may have happened to @p's mapping between two snapshots. */
static int flags_between(const struct fz_pub *p, struct snap before)
{
	struct snap after = snap_of(p);
	int f = before.flags | after.flags;

	if (before.gen != after.gen)
		f |= FZ_MAY_FAULT | FZ_MAY_DIE | FZ_RESTART;
	return f;
}

/* Publish before doing it: a peer that looks afterwards knows. */
static void set_flags_of(struct fz_pub *p, int set, int clear)
{
	__atomic_add_fetch(&p->gen, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&p->flags, set, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&p->flags, ~clear, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&p->gen, 1, __ATOMIC_SEQ_CST);
}

static void set_flags(int set, int clear)
{
	set_flags_of(F->me, set, clear);
}

static void publish_map(void)
{
	__atomic_store_n(&F->me->map, F->map, __ATOMIC_RELEASE);
	__atomic_store_n(&F->me->space, F->space, __ATOMIC_RELEASE);
}

/* ---- reading received buffers, faults allowed ------------------------ */

/* volatile: the stores around an inlined read loop must not be elided */
static __thread sigjmp_buf *volatile fault_jmp;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	char msg[160];
	int len;

	(void)uc;
	if (fault_jmp)
		siglongjmp(*fault_jmp, sig);
	/* a real crash: say where, fault again and die of it */
	len = snprintf(msg, sizeof(msg), "# proc %d op %ld: signal %d at %p (binder mapping %#lx+%zu)\n",
		       F->idx, F->op, sig, si->si_addr, F->map, F->map_len);
	if (write(2, msg, len) < 0)
		len = 0;
	signal(sig, SIG_DFL);
}

static void fault_setup(void)
{
	struct sigaction sa = { .sa_sigaction = fault_handler,
				.sa_flags = SA_NODEFER | SA_SIGINFO };

	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- the binder thread helpers --------------------------------------- */

static int32_t extended_error(struct binder *b)
{
	struct binder_extended_error ee = { 0 };

	if (ioctl(b->fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0)
		return 0;
	return ee.param;
}

static bool live_overlaps(const struct receiver *r, unsigned long a, size_t len,
			  int *which)
{
	int i;

	for (i = 0; i < r->nlive; i++) {
		if (a < r->live[i].addr + r->live[i].len && r->live[i].addr < a + len) {
			*which = i;
			return true;
		}
	}
	return false;
}

static bool live_start(const struct receiver *r, unsigned long a)
{
	int i;

	for (i = 0; i < r->nlive; i++)
		if (r->live[i].addr == a)
			return true;
	return false;
}

static void live_add(struct receiver *r, unsigned long a, size_t len)
{
	r->live[r->nlive].addr = a;
	r->live[r->nlive].len = len;
	r->nlive++;
}

static void live_del(struct receiver *r, int i)
{
	r->live[i] = r->live[--r->nlive];
}

static void free_cmds(struct receiver *r, const binder_uintptr_t *bufs, int n)
{
	struct {
		uint32_t cmd;
		binder_uintptr_t buf;
	} __attribute__((packed)) c[3];
	int i, ret;

	for (i = 0; i < n; i++) {
		c[i].cmd = BC_FREE_BUFFER;
		c[i].buf = bufs[i];
	}
	ret = binder_write(&r->t, c, n * sizeof(c[0]));
	trace("free %#llx%s%s", (unsigned long long)bufs[0], n > 1 ? " then " : "",
	      n > 1 ? (bufs[1] == bufs[0] ? "again" : "+8") : "");
	count(&F->me->frees, n);
	/* BC_FREE_BUFFER of anything never fails the ioctl */
	if (ret && ret != -EBADF)
		fail(FZ_FAIL_ERRNO, "BC_FREE_BUFFER x%d: %s", n, strerror(-ret));
}

/* Free live buffer @i of @r, the way @mode says. */
static void live_free(struct receiver *r, int i, int mode)
{
	binder_uintptr_t b[2] = { r->live[i].addr, r->live[i].addr + 8 };

	live_del(r, i);
	if (mode == SF_DOUBLE) {
		b[1] = b[0];
		free_cmds(r, b, 2);
	}
	/* no other buffer of ours may start there, and none unread pending */
	else if (mode == SF_BOGUS && !live_start(r, b[1]) && r->t.pos >= r->t.len)
		free_cmds(r, b, 2);
	else
		free_cmds(r, b, 1);
}

static void live_free_all(struct receiver *r)
{
	while (r->nlive)
		live_free(r, 0, SF_FREE);
}

/* ---- checking a received buffer -------------------------------------- */

struct check {
	const struct fz_spec *s;
	const struct binder_event *ev;
	/* results */
	int sig;
	char what[160];
	int fds[FZ_MAX_OBJS];
	int nfds;
};

static void mismatch(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->what[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->what, sizeof(c->what), fmt, ap);
	va_end(ap);
}

/* Pattern check of [from, to) of @buf, skipping [skip, skip + skip_len). */
static void check_range(struct check *c, const char *name, const uint8_t *buf,
			size_t from, size_t to, uint32_t seed, size_t skip,
			size_t skip_len)
{
	ssize_t bad;

	if (skip_len && skip < to && skip + skip_len > from) {
		check_range(c, name, buf, from, skip, seed, 0, 0);
		check_range(c, name, buf, skip + skip_len, to, seed, 0, 0);
		return;
	}
	if (from >= to)
		return;
	bad = payload_check_range(buf, from, to, seed);
	if (bad >= 0)
		mismatch(c, "%s byte %zd of %zu is %#x, sent %#x", name, bad, to,
			 buf[bad], payload_byte(seed, bad));
}

/* Runs with faults caught: everything that reads the buffer. */
static void check_contents(struct check *c)
{
	const struct fz_spec *s = c->s;
	const uint8_t *data = (const void *)(uintptr_t)c->ev->tr.data.ptr.buffer;
	const binder_size_t *offs = (const void *)(uintptr_t)c->ev->tr.data.ptr.offsets;
	const struct binder_buffer_object *root = NULL, *child = NULL;
	size_t at = 0;
	int i;

	for (i = 0; i < s->nobj; i++) {
		if (offs[i] != s->offs[i])
			mismatch(c, "offset %d is %llu, sent %llu", i,
				 (unsigned long long)offs[i],
				 (unsigned long long)s->offs[i]);
	}
	if (c->what[0])
		return;
	/* data: the pattern everywhere but in the objects */
	for (i = 0; i < s->nobj; i++) {
		check_range(c, "data", data, at, s->offs[i], fz_seed_data(s->code), 0, 0);
		at = s->offs[i] + s->objsize[i];
	}
	check_range(c, "data", data, at, s->size, fz_seed_data(s->code), 0, 0);

	for (i = 0; i < s->nobj; i++) {
		const void *o = data + s->offs[i];
		const struct binder_object_header *h = o;
		const struct flat_binder_object *fbo = o;
		const struct binder_fd_object *fdo = o;
		const struct binder_buffer_object *bbo = o;
		const struct binder_fd_array_object *fda = o;
		uint32_t want = s->type[i];

		/* nodes arrive as references to them */
		if (want == BINDER_TYPE_BINDER)
			want = BINDER_TYPE_HANDLE;
		else if (want == BINDER_TYPE_WEAK_BINDER)
			want = BINDER_TYPE_WEAK_HANDLE;
		if (h->type != want) {
			mismatch(c, "object %d has type %#x, want %#x", i, h->type, want);
			return;
		}
		switch (want) {
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			if (fbo->cookie)
				mismatch(c, "object %d: handle with cookie %llx", i,
					 (unsigned long long)fbo->cookie);
			break;
		case BINDER_TYPE_FD:
			if ((int)fdo->fd < 0)
				mismatch(c, "object %d: fd %d", i, (int)fdo->fd);
			else
				c->fds[c->nfds++] = fdo->fd;
			break;
		case BINDER_TYPE_PTR: {
			size_t len = i ? s->child_len : s->root_len;

			if (bbo->length != len)
				mismatch(c, "buffer object %d: length %llu, sent %zu", i,
					 (unsigned long long)bbo->length, len);
			if (i == 0)
				root = bbo;
			else
				child = bbo;
			break;
		}
		case BINDER_TYPE_FDA:
			if (fda->num_fds != (binder_size_t)s->nfds || fda->parent != 0 ||
			    fda->parent_offset != 8)
				mismatch(c, "fd array object: %llu fds at %llu of %llu",
					 (unsigned long long)fda->num_fds,
					 (unsigned long long)fda->parent_offset,
					 (unsigned long long)fda->parent);
			break;
		}
	}
	if (c->what[0] || s->kind != TK_SG || !root || !child)
		return;
	/* the sg buffers follow the offsets, in order, inside the buffer */
	{
		unsigned long base = c->ev->tr.data.ptr.buffer;
		unsigned long sg0 = base + fz_align8(s->size) + fz_align8(s->nobj * 8);
		const uint8_t *rb = (const void *)(uintptr_t)root->buffer;
		const uint8_t *cb = (const void *)(uintptr_t)child->buffer;
		binder_uintptr_t fixup;

		if (root->buffer != sg0 ||
		    child->buffer != sg0 + fz_align8(s->root_len)) {
			mismatch(c, "sg buffers at +%#lx and +%#lx, want +%#lx and +%#lx",
				 (unsigned long)(root->buffer - base),
				 (unsigned long)(child->buffer - base), sg0 - base,
				 (unsigned long)(sg0 + fz_align8(s->root_len) - base));
			return;
		}
		memcpy(&fixup, rb + s->child_at, sizeof(fixup));
		if (fixup != child->buffer)
			mismatch(c, "child pointer in the root buffer is %#llx, want %#llx",
				 (unsigned long long)fixup,
				 (unsigned long long)child->buffer);
		/* root: pattern but the fds at 8 and the child pointer */
		check_range(c, "root buffer", rb, 0, 8, fz_seed_sg(s->code, 0), 0, 0);
		check_range(c, "root buffer", rb, 8 + 4 * s->nfds, s->root_len,
			    fz_seed_sg(s->code, 0), s->child_at, 8);
		check_range(c, "child buffer", cb, 0, s->child_len,
			    fz_seed_sg(s->code, 1), 0, 0);
	}
}

/* check_contents() with SIGBUS and SIGSEGV caught: the signal, or 0. */
static int __attribute__((noinline)) check_protected(struct check *c)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);

	if (!sig) {
		fault_jmp = &jb;
		check_contents(c);
	}
	fault_jmp = NULL;
	return sig;
}

/*
 * Check a received transaction, or with @reply the reply to it, against
 * the spec @s of the transaction. @before is a snapshot of the receiver's
 * own published state taken before the read. Adds the buffer to @r's
 * live ones (the caller frees it).
 */
static void check_received(struct receiver *r, const struct binder_event *ev,
			   const struct fz_spec *s, bool reply, struct snap before)
{
	unsigned long a = ev->tr.data.ptr.buffer;
	size_t len = fz_align8(ev->tr.data_size) + fz_align8(ev->tr.offsets_size);
	const char *what = reply ? "reply" : "transaction";
	struct fz_spec rs;
	struct check c;
	int i, flags, sig;

	if (reply) {
		fz_reply_spec(&rs, s);
		s = &rs;
	}
	c = (struct check){ .s = s, .ev = ev };
	len += fz_align8(s->sg_size);
	if (len < 8)
		len = 8;
	/* what the kernel says, before reading anything */
	if (ev->tr.data_size != s->size || ev->tr.offsets_size != s->nobj * 8ULL) {
		fail(FZ_FAIL_PAYLOAD, "%s %#x (%s): %llu+%llu bytes, sent %llu+%u",
		     what, s->code, fz_kind_names[s->kind],
		     (unsigned long long)ev->tr.data_size,
		     (unsigned long long)ev->tr.offsets_size,
		     (unsigned long long)s->size, s->nobj * 8);
	}
	if (a < F->map || a + len > F->map + F->space) {
		fail(FZ_FAIL_OVERLAP, "%s %#x: buffer %#lx+%zu outside the buffer space %#lx+%zu",
		     what, s->code, a, len, F->map, F->space);
		return;
	}
	if (live_overlaps(r, a, len, &i)) {
		fail(FZ_FAIL_OVERLAP, "%s %#x: buffer %#lx+%zu overlaps live buffer %#lx+%zu",
		     what, s->code, a, len, r->live[i].addr, r->live[i].len);
		return;
	}
	live_add(r, a, len);
	if (ev->tr.data_size != s->size)
		return;

	sig = check_protected(&c);
	flags = flags_between(F->me, before);
	if (sig) {
		count(&F->me->unreadable, 1);
		if (!(flags & FZ_MAY_FAULT))
			fail(FZ_FAIL_FAULT, "signal %d reading %s %#x (%s, %llu bytes) at %#lx of an intact mapping",
			     sig, what, s->code, fz_kind_names[s->kind],
			     (unsigned long long)ev->tr.data_size, a);
		return;
	}
	for (i = 0; i < c.nfds; i++)
		close(c.fds[i]);
	if (c.what[0] && !(flags & FZ_UNRELIABLE))
		fail(FZ_FAIL_PAYLOAD, "%s %#x (%s, %llu bytes at +%#lx) from proc %d: %s",
		     what, s->code, fz_kind_names[s->kind],
		     (unsigned long long)ev->tr.data_size, a - F->map, s->proc,
		     c.what);
	else if (!c.what[0])
		count(&F->me->checked_bytes, ev->tr.data_size);
}

/* ---- sending ---------------------------------------------------------- */

/*
 * Build the transaction or reply of @s: its data in @d, its sg buffers in
 * @sgbuf (2 * FZ_SG_MAX bytes); returns the offsets, in @offs.
 */
static const binder_size_t *build(const struct fz_spec *s, binder_size_t *offs,
				  uint8_t *d, uint8_t *sgbuf)
{
	/* what must not fit is never read: spare the fill */
	size_t fill = s->size < FZ_MAX_TXN && s->expect != -ENOSPC ? s->size : 0;
	int i;

	payload_fill(d, fill, fz_seed_data(s->code));
	for (i = 0; i < s->nobj; i++) {
		void *o = d + s->offs[i];

		offs[i] = s->offs[i];
		if (s->offs[i] + s->objsize[i] > fill)
			continue;	/* TK_BAD_OFFSET past the data */
		switch (s->type[i]) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER: {
			struct flat_binder_object *f = o;

			memset(f, 0, sizeof(*f));
			f->hdr.type = s->type[i];
			f->flags = 0x7f | FLAT_BINDER_FLAG_ACCEPTS_FDS;
			f->binder = 0x1000 * (F->idx + 1) + 0x10 * i;
			f->cookie = f->binder ^ 0xc00c1e;
			break;
		}
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE: {
			struct flat_binder_object *f = o;

			memset(f, 0, sizeof(*f));
			f->hdr.type = s->type[i];
			f->handle = s->handle;
			break;
		}
		case BINDER_TYPE_FD: {
			struct binder_fd_object *f = o;

			memset(f, 0, sizeof(*f));
			f->hdr.type = BINDER_TYPE_FD;
			f->fd = s->kind == TK_BAD_FD ? 100000 + (s->code & 0xfff) :
				(uint32_t)F->pipefd[i & 1];
			break;
		}
		case BINDER_TYPE_PTR: {
			struct binder_buffer_object *b = o;
			uint8_t *sg = sgbuf + (i ? FZ_SG_MAX : 0);

			memset(b, 0, sizeof(*b));
			b->hdr.type = BINDER_TYPE_PTR;
			b->buffer = (uintptr_t)sg;
			b->length = i ? s->child_len : s->root_len;
			payload_fill(sg, b->length, fz_seed_sg(s->code, i ? 1 : 0));
			if (i) {
				b->flags = BINDER_BUFFER_FLAG_HAS_PARENT;
				b->parent = 0;
				b->parent_offset = s->child_at;
			} else {
				uint32_t fds[3] = { F->pipefd[0], F->pipefd[1], F->pipefd[0] };

				memcpy(sg + 8, fds, 4 * s->nfds);
			}
			break;
		}
		case BINDER_TYPE_FDA: {
			struct binder_fd_array_object *f = o;

			memset(f, 0, sizeof(*f));
			f->hdr.type = BINDER_TYPE_FDA;
			f->num_fds = s->nfds;
			f->parent = 0;
			f->parent_offset = 8;
			break;
		}
		}
	}
	return offs;
}

struct call {
	uint32_t cmd;		/* final BR_ command, 0 on an error */
	int32_t error;		/* extended error of a failure */
	int ret;		/* -errno of the library, -ETIMEDOUT */
	struct binder_event ev;
};

/*
 * Write @s: BC_TRANSACTION or, for a @reply, BC_REPLY; their _SG forms
 * where @s has buffers. Built in @data and @sgbuf, sent with @code and
 * @flags. Returns what binder_write() returns.
 */
static int write_txn(struct binder_thread *t, const struct fz_spec *s,
		     bool reply, uint32_t code, uint32_t flags, uint8_t *data,
		     uint8_t *sgbuf)
{
	binder_size_t offs[FZ_MAX_OBJS];
	struct {
		uint32_t cmd;
		struct binder_transaction_data_sg sg;
	} __attribute__((packed)) c;
	struct binder_transaction_data trd, *tr = &trd;
	bool sg = s->kind == TK_SG;

	memset(&c, 0, sizeof(c));
	memset(&trd, 0, sizeof(trd));
	if (reply)
		c.cmd = sg ? BC_REPLY_SG : BC_REPLY;
	else
		c.cmd = sg ? BC_TRANSACTION_SG : BC_TRANSACTION;
	tr->target.handle = 0;
	tr->code = code;
	tr->flags = flags;
	tr->data_size = s->size;
	tr->offsets_size = s->nobj * 8;
	tr->data.ptr.buffer = (uintptr_t)data;
	tr->data.ptr.offsets = (uintptr_t)build(s, offs, data, sgbuf);
	if (s->kind == TK_BAD_PTR)
		tr->data.ptr.buffer = 4096;	/* never mapped (mmap_min_addr) */
	c.sg.buffers_size = s->sg_size;
	memcpy(&c.sg.transaction_data, &trd, sizeof(trd));
	return binder_write(t, &c, sg ? sizeof(c) : sizeof(c.cmd) + sizeof(*tr));
}

static void transact(struct binder_thread *t, const struct fz_spec *s,
		     struct call *res)
{
	long deadline = binder_now_ms() + CALL_TIMEOUT_MS;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = write_txn(t, s, false, s->code,
			s->flags | (s->oneway ? TF_ONE_WAY : 0), F->tx, F->sg);
	if (ret) {
		res->ret = ret;
		return;
	}
	for (;;) {
		int left = deadline - binder_now_ms();

		ret = binder_read(t, &res->ev, left < 0 ? 0 : left);
		if (ret <= 0) {
			res->ret = ret ? ret : -ETIMEDOUT;
			return;
		}
		if (binder_is_final(res->ev.cmd, s->oneway))
			break;
		if (res->ev.cmd != BR_TRANSACTION_COMPLETE) {
			res->ret = -EPROTO;
			return;
		}
	}
	res->cmd = res->ev.cmd;
	if (res->cmd == BR_FAILED_REPLY || res->cmd == BR_DEAD_REPLY ||
	    res->cmd == BR_FROZEN_REPLY)
		res->error = extended_error(t->b);
}

/*
 * The errno table of a transaction to process 0: is this outcome one the
 * API allows for this input, in the state the target and we were in?
 * Returns NULL if allowed, else why not.
 */
static const char *outcome_allowed(const struct fz_spec *s, const struct call *res,
				   int target, int mine, bool delivered,
				   size_t target_space, bool spam, bool frozen)
{
	bool dead_ok = (target | mine) & (FZ_MAY_DIE | FZ_RESTART);
	bool reply_must_fit = !s->oneway && !(mine & (FZ_MAY_DIE | FZ_RESTART)) &&
			      !F->space_unknown && F->rcv.nlive == 0 &&
			      fz_reply_total(s) <= F->space;

	if (res->ret == -ETIMEDOUT)
		return "no answer in 30 s";
	if (res->ret)
		return "the ioctl failed";
	switch (res->cmd) {
	case BR_REPLY:
	case BR_TRANSACTION_COMPLETE:
	case BR_ONEWAY_SPAM_SUSPECT:
		if (res->cmd == BR_ONEWAY_SPAM_SUSPECT && !spam)
			return "spam suspect without spam detection";
		if (s->expect)
			return "succeeded, must fail";
		if (target_space && fz_spec_total(s) > target_space &&
		    !(target & FZ_RESTART))
			return "succeeded though larger than the target's buffer space";
		if (res->cmd == BR_REPLY && fz_reply_total(s) > F->space)
			return "reply delivered though larger than our buffer space";
		return NULL;
	case BR_DEAD_REPLY:
		return dead_ok ? NULL : "dead reply from a live target";
	case BR_FAILED_REPLY:
		break;
	case BR_FROZEN_REPLY:		/* sync to a frozen target */
		return frozen && !s->oneway ? NULL : "frozen reply from a target not frozen";
	case BR_TRANSACTION_PENDING_FROZEN:	/* oneway queued at a frozen target */
		if (!frozen || !s->oneway)
			return "pending frozen from a target not frozen";
		return s->expect ? "succeeded, must fail" : NULL;
	default:
		return "unexpected";
	}
	/*
	 * Stock 6.12 installs pages into the VMA it saw at mmap time: once
	 * mprotect() or madvise() split the mapping, pages past that first
	 * piece fail vm_insert_page() and the transaction -ENOMEM.
	 */
	if (res->error == -ENOMEM && F->sh->stock &&
	    (delivered ? mine : target | mine) & FZ_SPLIT) {
		count(&F->me->quirks, 1);
		return NULL;
	}
	/* BR_FAILED_REPLY */
	if (delivered) {	/* the reply failed, to be allocated in our space */
		if (res->error == -ENOSPC || res->error == 0)
			return reply_must_fit ? "reply failed though it fits in our empty space" : NULL;
		if (res->error == -ESRCH)
			return dead_ok ? NULL : "reply failed -ESRCH into a live mapping";
		return "reply failed";
	}
	/* the buffer is allocated before the input is checked */
	if (s->expect && res->error != s->expect && res->error != -ENOSPC &&
	    !(dead_ok && (res->error == -ESRCH || res->error == -EINVAL)))
		return "failed with the wrong error";
	if (s->expect)
		return NULL;
	switch (res->error) {
	case -ENOSPC:		/* the target's space is shared */
		return NULL;
	case -ESRCH:
		return dead_ok ? NULL : "-ESRCH from a live target";
	case -EINVAL:		/* no context manager in a restart */
		return dead_ok ? NULL : "-EINVAL for a valid transaction";
	default:
		return "error not allowed for this input";
	}
}

static int __attribute__((noinline)) zero_protected(const uint8_t *p, size_t len,
						    ssize_t *bad)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);

	if (!sig) {
		fault_jmp = &jb;
		*bad = payload_check_zero(p, len);
	}
	fault_jmp = NULL;
	return sig;
}

/*
 * A TF_CLEAR_BUF buffer is zeroed when freed: where the pages of the reply
 * to @s are still mapped, we read zeros. Nothing else allocates in a
 * client's space meanwhile; the shrinker may have taken the pages (a
 * fault) since.
 */
static void check_cleared(const struct binder_event *ev, const struct fz_spec *s,
			  struct snap before)
{
	const uint8_t *p = (const void *)(uintptr_t)ev->tr.data.ptr.buffer;
	ssize_t bad = -1;
	int sig;

	if (F->me->flags & (FZ_UNRELIABLE | FZ_MAY_DIE) || !s->reply_size)
		return;
	sig = zero_protected(p, s->reply_size, &bad);
	if (!sig && bad >= 0 && !(flags_between(F->me, before) & FZ_UNRELIABLE))
		fail(FZ_FAIL_PAYLOAD, "TF_CLEAR_BUF reply %#x (%zu bytes at +%#lx) freed: byte %zd is not 0",
		     s->code, s->reply_size, (unsigned long)ev->tr.data.ptr.buffer - F->map,
		     bad);
}

/* ---- the client's reply handling -------------------------------------- */

enum { CF_FREE, CF_HOLD, CF_DOUBLE, CF_BOGUS };

static void client_txn(struct fz_rng *r, int kind, bool oneway)
{
	struct fz_pub *srv = &F->sh->pub[0];
	uint32_t code = fz_code(F->idx, oneway, false, kind, fz_next(r));
	struct snap tsnap, msnap;
	size_t tspace;
	struct fz_spec s;
	struct call res;
	const char *why;
	int tflags, mflags, n = fz_below(r, 32), mode;
	unsigned int frozen;
	bool delivered, freezing;

	mode = n < 24 ? CF_FREE : n < 28 ? CF_HOLD : n < 30 ? CF_DOUBLE : CF_BOGUS;
	fz_spec(&s, code);
	frozen = __atomic_load_n(&F->sh->freeze_gen, __ATOMIC_ACQUIRE);
	freezing = __atomic_load_n(&F->sh->freezers, __ATOMIC_ACQUIRE) > 0;
	tsnap = snap_of(srv);
	msnap = snap_of(F->me);
	tspace = __atomic_load_n(&srv->space, __ATOMIC_ACQUIRE);
	count(oneway ? &F->me->oneways : &F->me->txns, 1);
	transact(&F->rcv.t, &s, &res);
	tflags = flags_between(srv, tsnap);
	mflags = flags_between(F->me, msnap);
	if (tspace != __atomic_load_n(&srv->space, __ATOMIC_ACQUIRE))
		tflags |= FZ_RESTART;
	delivered = __atomic_load_n(&srv->last_seen[F->idx], __ATOMIC_ACQUIRE) == code;
	/* a freeze before, during or after the call: any of them may show */
	freezing |= __atomic_load_n(&F->sh->freezers, __ATOMIC_ACQUIRE) > 0 ||
		    frozen != __atomic_load_n(&F->sh->freeze_gen, __ATOMIC_ACQUIRE);
	why = outcome_allowed(&s, &res, tflags, mflags, delivered, tspace,
			      F->me->spam, freezing);
	trace("%s %s %#x %llu bytes reply %zu: %s %d%s%#llx+%llu", oneway ? "oneway" : "sync",
	      fz_kind_names[s.kind], code, (unsigned long long)s.size, s.reply_size,
	      res.cmd ? binder_cmd_name(res.cmd) : "error", res.cmd ? res.error : res.ret,
	      res.cmd == BR_REPLY ? " at " : " ",
	      res.cmd == BR_REPLY ? (unsigned long long)res.ev.tr.data.ptr.buffer : 0ULL,
	      res.cmd == BR_REPLY ? (unsigned long long)res.ev.tr.data_size : 0ULL);
	if (why) {
		fail(FZ_FAIL_ERRNO, "%s %s %#x (%llu+%d bytes, reply %zu): %s %d (%s): %s",
		     oneway ? "oneway" : "sync", fz_kind_names[s.kind], code,
		     (unsigned long long)s.size, s.nobj * 8, s.reply_size,
		     res.cmd ? binder_cmd_name(res.cmd) : "error",
		     res.cmd ? res.error : res.ret,
		     strerror(abs(res.cmd ? res.error : res.ret)), why);
		if (res.cmd != BR_REPLY)
			return;
	}
	if (res.cmd == BR_FAILED_REPLY)
		count(&F->me->failed_txns, 1);
	else if (res.cmd == BR_DEAD_REPLY)
		count(&F->me->dead_txns, 1);
	/* the server is coming back: wait for it rather than burn operations */
	if (res.cmd == BR_DEAD_REPLY && tflags & (FZ_MAY_DIE | FZ_RESTART)) {
		long deadline = binder_now_ms() + 5000;

		while (binder_now_ms() < deadline && !aborted() &&
		       (!__atomic_load_n(&srv->ready, __ATOMIC_ACQUIRE) ||
			snap_of(srv).flags & (FZ_MAY_DIE | FZ_RESTART)))
			binder_sleep_ms(5);
	}
	if (res.cmd != BR_REPLY)
		return;
	count(&F->me->replies, 1);
	check_received(&F->rcv, &res.ev, &s, true, msnap);
	n = F->rcv.nlive - 1;
	if (n < 0 || F->rcv.live[n].addr != res.ev.tr.data.ptr.buffer) {
		/* not taken into the live ones (a failure): free it anyway */
		binder_uintptr_t b = res.ev.tr.data.ptr.buffer;

		free_cmds(&F->rcv, &b, 1);
		return;
	}
	if (mode == CF_HOLD && F->rcv.nlive < FZ_LIVE)
		return;
	live_free(&F->rcv, n, mode == CF_HOLD ? CF_FREE : mode);
	if (s.reply_clear)
		check_cleared(&res.ev, &s, msnap);
}

/* ---- mm operations on our own binder mapping --------------------------- */

/*
 * The mapping's range stays ours to the end: a hole that munmap or mremap
 * leaves in it is covered at once by a PROT_NONE placeholder, so that no
 * thread stack, malloc arena or hog lands there, to be unmapped by
 * unmap_all() or overwritten by a MAP_FIXED stranger while still in use.
 * Where another thread got there first, the range is left alone at close.
 */
static void reserve_hole(unsigned long addr, size_t len)
{
	void *m = mmap((void *)addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (m == MAP_FAILED || (unsigned long)m != addr) {
		if (m != MAP_FAILED)
			munmap(m, len);
		F->map_lost = true;
	}
}

static void unmap_all(void)
{
	if (F->map && !F->map_lost)
		munmap((void *)F->map, F->map_len);
	F->map_lost = false;
	if (F->moved)
		munmap((void *)F->moved, F->moved_len);
	F->moved = 0;
	F->moved_len = 0;
}

static size_t pick_map_size(struct fz_rng *r, bool server)
{
	static const size_t client[] = {
		4 * FZ_KiB, 16 * FZ_KiB, 64 * FZ_KiB, 256 * FZ_KiB, 1 * FZ_MiB,
		1 * FZ_MiB, 4 * FZ_MiB, 4 * FZ_MiB + 128 * FZ_KiB, 8 * FZ_MiB,
	};
	static const size_t server_sizes[] = {
		256 * FZ_KiB, 1 * FZ_MiB, 2 * FZ_MiB, 4 * FZ_MiB, 8 * FZ_MiB,
	};

	if (server)
		return server_sizes[fz_below(r, ARRAY_SIZE(server_sizes))];
	return client[fz_below(r, ARRAY_SIZE(client))];
}

static int map_binder(size_t size)
{
	void *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, F->b.fd, 0);

	if (m == MAP_FAILED)
		return -errno;
	F->map = (unsigned long)m;
	F->map_len = size;
	F->space = size < BINDER_VM_MAX ? size : BINDER_VM_MAX;
	return 0;
}

static void check_errno(const char *what, int ret, const int *allowed, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (ret == allowed[i])
			return;
	fail(FZ_FAIL_ERRNO, "%s: %s", what, ret ? strerror(-ret) : "succeeded");
}

#define CHECK_ERRNO(what, ret, ...) do {				\
	const int _ok[] = { __VA_ARGS__ };				\
	check_errno(what, ret, _ok, ARRAY_SIZE(_ok));			\
} while (0)

static int sys(long ret)
{
	return ret < 0 ? -errno : 0;
}

/* Open, map, and for process 0 become the context manager. */
static int fz_open(struct fz_rng *r)
{
	struct flat_binder_object cm = {
		.hdr.type = BINDER_TYPE_BINDER,
		.flags = 0x7f | FLAT_BINDER_FLAG_ACCEPTS_FDS,
	};
	long deadline = binder_now_ms() + 10000;
	int ret;

	ret = binder_open(&F->b, F->sh->device, 0);
	if (ret)
		return ret;
	/* a writable mapping is refused and does not count as one */
	if (fz_chance(r, 8)) {
		void *m = mmap(NULL, 64 * FZ_KiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, F->b.fd, 0);

		CHECK_ERRNO("writable mmap of binder", m == MAP_FAILED ? -errno : 0, -EPERM);
		if (m != MAP_FAILED)
			munmap(m, 64 * FZ_KiB);
	}
	ret = map_binder(pick_map_size(r, F->idx == 0));
	if (ret)
		return ret;
	if (F->idx == 0) {
		while (ioctl(F->b.fd, BINDER_SET_CONTEXT_MGR_EXT, &cm) < 0) {
			/* the last context manager is released in a workqueue */
			if (errno != EBUSY || binder_now_ms() > deadline)
				return -errno;
			binder_sleep_ms(10);
		}
	}
	F->dofork = false;
	F->space_unknown = false;
	publish_map();
	return 0;
}

static void *looper_main(void *arg);

static void looper_start(void)
{
	F->looper_stop = 0;
	binder_thread_init(&F->srv.t, &F->b);
	F->srv.nlive = 0;
	pthread_create(&F->looper, NULL, looper_main, NULL);
	F->looper_on = true;
}

static void looper_end(void)
{
	if (!F->looper_on)
		return;
	__atomic_store_n(&F->looper_stop, 1, __ATOMIC_RELEASE);
	pthread_join(F->looper, NULL);
	F->looper_on = false;
	live_free_all(&F->srv);
}

/* What the shrinker took from this binder fd (our allocator says). */
static void count_reclaimed(void)
{
	struct binder_proc_stats st;
	long n;
	int i;

	if (binder_stats_find(getpid(), F->sh->devname, &st) != 1)
		return;
	for (i = 0; i < st.nextra; i++)
		if (sscanf(st.extra[i], "pages reclaimed: %ld", &n) == 1)
			count(&F->me->reclaimed, n);
}

static void fz_close(void)
{
	count_reclaimed();
	if (F->idx == 0)
		looper_end();
	else
		live_free_all(&F->rcv);
	unmap_all();
	F->map = 0;
	F->map_len = 0;
	F->space = 0;
	publish_map();
	F->b.map = NULL;	/* ours to unmap, done */
	binder_close(&F->b);
}

static void op_reopen(struct fz_rng *r)
{
	int ret;

	set_flags(FZ_MAY_DIE | FZ_MAY_FAULT | FZ_RESTART, 0);
	fz_close();
	ret = fz_open(r);
	if (ret) {
		fail(FZ_FAIL_SETUP, "reopen: %s", strerror(-ret));
		return;
	}
	binder_thread_init(&F->rcv.t, &F->b);
	F->rcv.nlive = 0;
	if (F->idx == 0)
		looper_start();
	set_flags(0, FZ_MAY_DIE | FZ_MAY_FAULT | FZ_UNRELIABLE | FZ_RESTART | FZ_SPLIT);
	count(&F->me->reopens, 1);
}

/*
 * The range an operation on the binder mapping works on: a page-aligned
 * piece [*addr, *addr + *len) of it, at least a page (head, tail or
 * middle), or one time in three the whole mapping. False, with nothing
 * drawn, if there is no mapping. The draws (first page, length, whole)
 * are part of the program a seed replays: keep their number and order.
 */
static bool op_range(struct fz_rng *r, void **addr, size_t *len)
{
	size_t pages, first, off;

	if (!F->map)
		return false;
	pages = F->map_len / FZ_PAGE;
	first = fz_below(r, pages);
	off = first * FZ_PAGE;
	*len = (1 + fz_below(r, pages - first)) * FZ_PAGE;
	if (fz_chance(r, 3)) {
		off = 0;
		*len = F->map_len;
	}
	*addr = (void *)(F->map + off);
	return true;
}

static void op_madvise(struct fz_rng *r, int advice)
{
	/* munmapped, moved or replaced: what is there may not be binder's */
	bool replaced = F->me->flags & FZ_MAY_DIE;
	size_t len;
	void *p;
	int ret;

	if (!op_range(r, &p, &len))
		return;
	if (advice == MADV_DONTNEED || advice == MADV_PAGEOUT)
		set_flags(FZ_MAY_FAULT, 0);
	/* advice that changes vm_flags splits the VMA at the range */
	if ((advice == MADV_DOFORK || advice == MADV_DONTFORK) && len < F->map_len)
		set_flags(FZ_SPLIT, 0);
	ret = sys(madvise(p, len, advice));
	switch (advice) {
	case MADV_WIPEONFORK:	/* private anonymous memory only: a stranger's */
		if (replaced)
			CHECK_ERRNO("MADV_WIPEONFORK", ret, 0, -EINVAL, -ENOMEM);
		else
			CHECK_ERRNO("MADV_WIPEONFORK", ret, -EINVAL);
		break;
	case MADV_DOFORK:
		CHECK_ERRNO("MADV_DOFORK", ret, 0, -ENOMEM);
		if (!ret)
			F->dofork = true;
		break;
	case MADV_WILLNEED:	/* readahead of a file binder is not */
		CHECK_ERRNO("MADV_WILLNEED", ret, 0, -ENOMEM, -EINVAL, -EBADF, -ESPIPE);
		break;
	default:	/* -ENOMEM: a hole (after a partial munmap) */
		CHECK_ERRNO("madvise", ret, 0, -ENOMEM, -EINVAL);
		break;
	}
	if (advice == MADV_DONTFORK && !ret)
		F->dofork = false;
}

static void op_mprotect(struct fz_rng *r)
{
	size_t len;
	void *p;
	int ret;

	if (!op_range(r, &p, &len))
		return;
	/*
	 * Where binder's mapping was moved or unmapped, a PROT_NONE
	 * placeholder (reserve_hole()) or a stranger sits in the range, and
	 * the calls below make it readable: a buffer handed out before the
	 * move then reads as that memory, not as what was sent.
	 */
	if (F->me->flags & FZ_MAY_DIE)
		set_flags(FZ_UNRELIABLE, 0);
	/* binder takes VM_MAYWRITE away; a stranger where it was may write */
	ret = sys(mprotect(p, len, PROT_READ | PROT_WRITE));
	if (F->me->flags & FZ_MAY_DIE)
		CHECK_ERRNO("mprotect(PROT_WRITE)", ret, 0, -EACCES, -ENOMEM);
	else
		CHECK_ERRNO("mprotect(PROT_WRITE) of binder", ret, -EACCES);
	if (!ret && F->me->flags & FZ_MAY_DIE)
		mprotect(p, len, PROT_READ);
	if (fz_chance(r, 2)) {
		/* VMAs with a close() are never merged: split for good */
		set_flags(FZ_MAY_FAULT | (len < F->map_len ? FZ_SPLIT : 0), 0);
		ret = sys(mprotect(p, len, PROT_NONE));
		CHECK_ERRNO("mprotect(PROT_NONE)", ret, 0, -ENOMEM);
		ret = sys(mprotect(p, len, PROT_READ));
		CHECK_ERRNO("mprotect(PROT_READ)", ret, 0, -ENOMEM);
	}
}

static void op_mlock(struct fz_rng *r)
{
	size_t len;
	void *p;
	int ret;

	if (!op_range(r, &p, &len))
		return;
	/* populating faults on pages binder has not installed */
	ret = sys(mlock(p, len));
	CHECK_ERRNO("mlock", ret, 0, -ENOMEM, -EAGAIN, -EFAULT);
	ret = sys(munlock(p, len));
	CHECK_ERRNO("munlock", ret, 0, -ENOMEM);
}

static void op_munmap(struct fz_rng *r)
{
	size_t len;
	void *p;
	int ret;

	if (!op_range(r, &p, &len))
		return;
	set_flags(FZ_MAY_FAULT | FZ_MAY_DIE, 0);
	ret = sys(munmap(p, len));
	CHECK_ERRNO("munmap", ret, 0);
	if (!ret)
		reserve_hole((unsigned long)p, len);
}

static void op_mremap(struct fz_rng *r)
{
	void *to, *m;
	size_t len, to_len;
	int how = fz_below(r, 3), ret;

	if (!F->map || F->moved)
		return;
	len = F->map_len;
	set_flags(FZ_MAY_FAULT | FZ_MAY_DIE, 0);
	switch (how) {
	case 0:		/* move */
		to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (to == MAP_FAILED)
			return;
		m = mremap((void *)F->map, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		ret = m == MAP_FAILED ? -errno : 0;
		CHECK_ERRNO("mremap move", ret, 0, -EINVAL, -EFAULT, -ENOMEM);
		/*
		 * A failed MREMAP_FIXED may already have unmapped @to (it
		 * does so before it looks at the old range: -EFAULT when the
		 * old range is no longer one VMA), and a thread's stack may
		 * land there next: never remember or unmap @to then. Where
		 * it is still mapped, its PROT_NONE address space is left.
		 */
		if (!ret) {
			F->moved = (unsigned long)to;
			F->moved_len = len;
			reserve_hole(F->map, len);
		}
		break;
	case 1:		/* shrink in place */
		if (len <= FZ_PAGE)
			return;
		to_len = (1 + fz_below(r, len / FZ_PAGE - 1)) * FZ_PAGE;
		m = mremap((void *)F->map, len, to_len, 0);
		ret = m == MAP_FAILED ? -errno : 0;
		CHECK_ERRNO("mremap shrink", ret, 0, -EINVAL, -EFAULT, -ENOMEM);
		if (!ret)
			reserve_hole(F->map + to_len, len - to_len);
		break;
	default:	/* the pages move, the old range stays mapped */
		m = mremap((void *)F->map, len, len, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
		ret = m == MAP_FAILED ? -errno : 0;
		if (!ret) {
			F->moved = (unsigned long)m;
			F->moved_len = len;
		}
		CHECK_ERRNO("mremap MREMAP_DONTUNMAP", ret, 0, -EINVAL, -EFAULT, -ENOMEM);
		break;
	}
}

/* Anonymous memory right where binder's buffers are (or were). */
static void op_stranger(struct fz_rng *r)
{
	size_t len;
	void *p, *m;

	if (!op_range(r, &p, &len))
		return;
	set_flags(FZ_MAY_FAULT | FZ_MAY_DIE | FZ_UNRELIABLE, 0);
	m = mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (m == MAP_FAILED) {
		fail(FZ_FAIL_ERRNO, "MAP_FIXED stranger: %s", strerror(errno));
		return;
	}
	memset(m, 0xa5, len < 64 * FZ_KiB ? len : 64 * FZ_KiB);
}

static void op_second_mmap(void)
{
	void *m = mmap(NULL, 64 * FZ_KiB, PROT_READ, MAP_PRIVATE, F->b.fd, 0);

	/* one mapping per binder fd and lifetime */
	CHECK_ERRNO("second mmap of a binder fd", m == MAP_FAILED ? -errno : 0, -EBUSY);
	if (m != MAP_FAILED)
		munmap(m, 64 * FZ_KiB);
}

/* ---- other processes and threads -------------------------------------- */

/*
 * A child on our binder fd (it is our proc): one call, whose reply lands
 * in our buffer space at our addresses, which the child may or may not
 * have (MADV_DOFORK); it frees the reply unread and exits.
 */
static void op_fork(struct fz_rng *r)
{
	uint32_t code = fz_code(F->idx, false, true, TK_SMALL, fz_next(r));
	int status, ret;
	pid_t pid;

	if (F->dofork)	/* the child's exit closes a copy of our VMA */
		set_flags(FZ_MAY_DIE | FZ_MAY_FAULT, 0);
	count(&F->me->forks, 1);
	pid = binder_fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		struct binder_thread t;
		struct fz_spec s;
		struct call res;

		binder_thread_init(&t, &F->b);
		fz_spec(&s, code);
		transact(&t, &s, &res);
		if (res.cmd == BR_REPLY)
			binder_free_buffer(&t, res.ev.tr.data.ptr.buffer);
		ioctl(F->b.fd, BINDER_THREAD_EXIT, 0);
		_exit(0);
	}
	ret = binder_wait_pid(pid, CALL_TIMEOUT_MS + 5000, &status);
	if (ret || !WIFEXITED(status)) {
		F->space_unknown = true;
		if (ret == -ETIMEDOUT)
			fail(FZ_FAIL_HANG, "fork child on our fd did not finish");
		else if (WIFSIGNALED(status))
			fail(FZ_FAIL_CRASH, "fork child died of signal %d", WTERMSIG(status));
	}
}

/*
 * A process of its own (a binder proc of its own), in the middle of
 * traffic with buffers held, killed with SIGKILL at a random point.
 */
static void op_victim(struct fz_rng *r)
{
	uint32_t seed = fz_next(r);
	int delay = fz_below(r, 30), status;
	pid_t pid;

	count(&F->me->victims, 1);
	pid = binder_fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		struct binder_thread t;
		struct fz_spec s;
		struct call res;
		int i;

		if (F->idx == 0)
			_exit(0);
		F->b.map = NULL;
		close(F->b.fd);		/* not the parent's proc */
		if (binder_open(&F->b, F->sh->device, 0) || map_binder(256 * FZ_KiB))
			_exit(0);
		binder_thread_init(&t, &F->b);
		for (i = 0; i < 50; i++) {
			fz_spec(&s, fz_code(F->idx, i % 3 == 0, true,
					    i % 2 ? TK_SMALL : TK_OBJS, seed + i));
			transact(&t, &s, &res);	/* replies held */
		}
		pause();
		_exit(0);
	}
	binder_sleep_ms(delay);
	kill(pid, SIGKILL);
	binder_wait_pid(pid, 10000, &status);
}

/*
 * A process of its own that opens binder, has a reply in flight or held,
 * and execve()s: its binder mapping goes with the old mm. Half the time the
 * fd survives the exec (no FD_CLOEXEC) and the new image makes a call on
 * it, whose reply the allocator must place with the old mm gone.
 */
static void op_exec(struct fz_rng *r)
{
	uint32_t code = fz_code(F->idx, false, true, TK_SMALL, fz_next(r));
	bool keep_fd = fz_chance(r, 2);
	int status;
	pid_t pid;

	count(&F->me->forks, 1);
	pid = binder_fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		struct binder_thread t;
		struct fz_spec s;
		struct call res;
		char a1[64], a2[160];

		F->b.map = NULL;
		close(F->b.fd);
		if (binder_open(&F->b, F->sh->device, 0) || map_binder(128 * FZ_KiB))
			_exit(0);
		binder_thread_init(&t, &F->b);
		fz_spec(&s, code);
		transact(&t, &s, &res);		/* the reply stays held */
		if (keep_fd)
			fcntl(F->b.fd, F_SETFD, 0);
		snprintf(a1, sizeof(a1), "--exec-child=%d:%u", keep_fd ? F->b.fd : -1, code + 1);
		snprintf(a2, sizeof(a2), "--exec-device=%s", F->sh->device);
		execl("/proc/self/exe", "binder_alloc_fuzz", a1, a2, (char *)NULL);
		_exit(0);
	}
	if (binder_wait_pid(pid, CALL_TIMEOUT_MS + 5000, &status) == -ETIMEDOUT)
		fail(FZ_FAIL_HANG, "exec child did not finish");
	else if (WIFSIGNALED(status))
		fail(FZ_FAIL_CRASH, "exec child died of signal %d", WTERMSIG(status));
}

/* The image an exec child runs: one call on the fd it kept, then exit. */
int fz_exec_child(const char *arg, const char *device)
{
	static struct fz_shared sh;
	static struct fz_pub pub;
	struct binder_thread t;
	struct fz_spec s;
	struct call res;
	static struct fz pf;
	unsigned int code;
	int fd;

	if (sscanf(arg, "%d:%u", &fd, &code) != 2 || fd < 0)
		return 0;
	snprintf(sh.device, sizeof(sh.device), "%s", device ? device : "");
	pf.sh = &sh;
	pf.me = &pub;
	pf.tx = malloc(FZ_MAX_TXN);
	pf.sg = malloc(2 * FZ_SG_MAX);
	F = &pf;
	if (!pf.tx || !pf.sg || pipe(pf.pipefd))
		return 0;
	pf.b.fd = fd;
	snprintf(pf.b.path, sizeof(pf.b.path), "%s", sh.device);
	binder_thread_init(&t, &pf.b);
	fz_spec(&s, code);
	transact(&t, &s, &res);
	return 0;
}

struct helper {
	struct fz_spec s;
	struct snap msnap;
	struct call res;
};

/* A thread of ours makes one call, then leaves the driver. */
static void *helper_main(void *arg)
{
	struct helper *h = arg;
	struct receiver rcv = { 0 };

	binder_thread_init(&rcv.t, &F->b);
	transact(&rcv.t, &h->s, &h->res);
	if (h->res.cmd == BR_REPLY) {
		check_received(&rcv, &h->res.ev, &h->s, true, h->msnap);
		live_free_all(&rcv);
	}
	CHECK_ERRNO("BINDER_THREAD_EXIT", sys(ioctl(F->b.fd, BINDER_THREAD_EXIT, 0)), 0);
	return NULL;
}

static void op_thread(struct fz_rng *r)
{
	struct helper h = { 0 };
	pthread_t tid;

	fz_spec(&h.s, fz_code(F->idx, false, true, TK_SMALL, fz_next(r)));
	h.msnap = snap_of(F->me);
	if (pthread_create(&tid, NULL, helper_main, &h))
		return;
	pthread_join(tid, NULL);
	if (h.res.ret == -ETIMEDOUT)
		fail(FZ_FAIL_HANG, "helper thread's call: no answer");
}

/* ---- reclaim ------------------------------------------------------------ */

static void op_scan(struct fz_rng *r)
{
	long before = binder_shrinker_count(), after;
	int ret;

	if (before < 0)
		return;
	ret = binder_shrinker_scan(1 + fz_below(r, 256));
	/* -ENOENT: the memcg went away between count and scan */
	CHECK_ERRNO("shrinker scan", ret, 0, -ENOENT);
	after = binder_shrinker_count();
	count(&F->me->scans, 1);
	if (after >= 0 && after < before)
		count(&F->me->scan_freed, before - after);
}

static void op_drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	CHECK_ERRNO("drop_caches", sys(write(fd, "2\n", 2)), 0);
	close(fd);
	count(&F->me->scans, 1);
}

/* Freeze process 0 for a moment (BINDER_FREEZE), then thaw it. */
static void op_freeze(struct fz_rng *r)
{
	struct binder_freeze_info info = {
		.pid = __atomic_load_n(&F->sh->pub[0].pid, __ATOMIC_ACQUIRE),
		.enable = 1,
		.timeout_ms = fz_chance(r, 2) ? 0 : fz_below(r, 50),
	};
	int ret;

	__atomic_add_fetch(&F->sh->freezers, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&F->sh->freeze_gen, 1, __ATOMIC_SEQ_CST);
	ret = sys(ioctl(F->b.fd, BINDER_FREEZE, &info));
	/* -EAGAIN: sync transactions pending; -EINVAL: no proc (restarting) */
	CHECK_ERRNO("BINDER_FREEZE", ret, 0, -EAGAIN, -EINVAL);
	binder_sleep_ms(fz_below(r, 20));
	info.enable = 0;
	ret = sys(ioctl(F->b.fd, BINDER_FREEZE, &info));
	CHECK_ERRNO("BINDER_FREEZE thaw", ret, 0, -EINVAL);
	__atomic_add_fetch(&F->sh->freeze_gen, 1, __ATOMIC_SEQ_CST);
	__atomic_sub_fetch(&F->sh->freezers, 1, __ATOMIC_SEQ_CST);
	count(&F->me->freezes, 1);
}

/* A burst of anonymous memory, a quarter of what is available at most. */
static void op_hog(struct fz_rng *r)
{
	size_t want = (8 + fz_below(r, 32)) * FZ_MiB, avail = 0, i;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");
	uint8_t *m;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %zu kB", &avail) == 1)
			break;
	if (f)
		fclose(f);
	if (want > avail * 1024 / 4)
		want = avail * 1024 / 4;
	m = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return;
	for (i = 0; i < want; i += FZ_PAGE)
		m[i] = i;
	munmap(m, want);
	count(&F->me->hogs, 1);
}

/*
 * SIGKILL process 0 with everything in flight; the run respawns it, and
 * the new incarnation goes on with its next operation.
 */
static void op_kill(struct fz_rng *r)
{
	struct fz_pub *srv = &F->sh->pub[0];
	pid_t pid = __atomic_load_n(&srv->pid, __ATOMIC_ACQUIRE);

	if (!fz_chance(r, 4) || !__atomic_load_n(&srv->ready, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&F->sh->stop, __ATOMIC_ACQUIRE) || pid <= 0)
		return;
	set_flags_of(srv, FZ_MAY_DIE | FZ_MAY_FAULT | FZ_RESTART, 0);
	__atomic_store_n(&srv->ready, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&srv->killed, 1, __ATOMIC_RELEASE);
	kill(pid, SIGKILL);
	count(&F->me->victims, 1);
}

/* ---- ioctls ------------------------------------------------------------- */

static void op_ioctl(struct fz_rng *r)
{
	uint32_t n;

	switch (fz_below(r, 3)) {
	case 0:
		if (F->idx)	/* the looper is not ours to end */
			CHECK_ERRNO("BINDER_THREAD_EXIT",
				    sys(ioctl(F->b.fd, BINDER_THREAD_EXIT, 0)), 0);
		break;
	case 1:
		n = fz_below(r, 16);
		CHECK_ERRNO("BINDER_SET_MAX_THREADS",
			    sys(ioctl(F->b.fd, BINDER_SET_MAX_THREADS, &n)), 0);
		break;
	default:
		n = fz_below(r, 2);
		CHECK_ERRNO("BINDER_ENABLE_ONEWAY_SPAM_DETECTION",
			    sys(ioctl(F->b.fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &n)), 0);
		/* suspects already queued may still come: only ever turn it on */
		if (n)
			F->me->spam = 1;
		break;
	}
}

/* Free a live buffer in an unusual way. */
static void op_free(struct fz_rng *r, struct receiver *rc)
{
	binder_uintptr_t b;
	int how = fz_below(r, 4), i;

	switch (how) {
	case 0:
	case 1:
		if (rc->nlive)
			live_free(rc, fz_below(r, rc->nlive), how ? SF_DOUBLE : SF_FREE);
		break;
	case 2:		/* an address in or near our space that is no buffer */
		b = F->map + fz_below(r, F->map_len + 2 * FZ_PAGE) - FZ_PAGE;
		if (fz_chance(r, 4))
			b = fz_chance(r, 2) ? 0 : ~0ULL;
		if (!live_start(rc, b) && rc->t.pos >= rc->t.len)
			free_cmds(rc, &b, 1);
		break;
	default:	/* another process's buffer */
		i = fz_below(r, F->sh->procs);
		b = __atomic_load_n(&F->sh->pub[i].map, __ATOMIC_ACQUIRE);
		if (b && !live_start(rc, b) && rc->t.pos >= rc->t.len)
			free_cmds(rc, &b, 1);
		break;
	}
}

/* ---- the programs ------------------------------------------------------- */

enum {
	OP_SYNC, OP_ONEWAY, OP_SMALL, OP_OBJS, OP_SG, OP_BAD, OP_FREE,
	OP_DONTNEED, OP_MADV, OP_MPROTECT, OP_MLOCK, OP_MUNMAP, OP_MREMAP,
	OP_STRANGER, OP_REOPEN, OP_MMAP2, OP_FORK, OP_THREAD, OP_VICTIM,
	OP_SCAN, OP_DROP, OP_IOCTL, OP_FREEZE, OP_HOG, OP_KILL, OP_EXEC, OP_IDLE,
	OP_NR,
};

static const char *const op_names[OP_NR] = {
	"sync", "oneway", "small", "objects", "sg", "bad", "free", "dontneed",
	"madvise", "mprotect", "mlock", "munmap", "mremap", "stranger",
	"reopen", "mmap2", "fork", "thread", "victim", "scan", "drop_caches",
	"ioctl", "freeze", "hog", "kill", "exec", "idle",
};

static const int client_weights[OP_NR] = {
	[OP_SYNC] = 20, [OP_ONEWAY] = 8, [OP_SMALL] = 14, [OP_OBJS] = 6,
	[OP_SG] = 6, [OP_BAD] = 5, [OP_FREE] = 6, [OP_DONTNEED] = 4,
	[OP_MADV] = 3, [OP_MPROTECT] = 2, [OP_MLOCK] = 1, [OP_MUNMAP] = 1,
	[OP_MREMAP] = 1, [OP_STRANGER] = 1, [OP_REOPEN] = 1, [OP_MMAP2] = 1,
	[OP_FORK] = 2, [OP_THREAD] = 2, [OP_VICTIM] = 1, [OP_SCAN] = 3,
	[OP_DROP] = 1, [OP_IOCTL] = 2, [OP_FREEZE] = 1, [OP_HOG] = 1,
	[OP_KILL] = 1, [OP_EXEC] = 1,
};

/* Process 0 mostly serves: its own program is sparse and mostly mild. */
static const int server_weights[OP_NR] = {
	[OP_DONTNEED] = 6, [OP_MADV] = 3, [OP_MPROTECT] = 2, [OP_MLOCK] = 1,
	[OP_MUNMAP] = 1, [OP_MREMAP] = 1, [OP_STRANGER] = 1, [OP_REOPEN] = 1,
	[OP_MMAP2] = 1, [OP_SCAN] = 6, [OP_DROP] = 1, [OP_IOCTL] = 2,
	[OP_IDLE] = 80,
};

static int pick_op(struct fz_rng *r, const int *w)
{
	int total = 0, i, n;

	for (i = 0; i < OP_NR; i++)
		total += w[i];
	n = fz_below(r, total);
	for (i = 0; n >= w[i]; i++)
		n -= w[i];
	return i;
}

static void run_op(struct fz_rng *r, int op)
{
	static const int advices[] = {
		MADV_COLD, MADV_PAGEOUT, MADV_DOFORK, MADV_DONTFORK,
		MADV_WIPEONFORK, MADV_NORMAL, MADV_WILLNEED,
	};
	static const int bad[] = {
		TK_BAD_OFFSET, TK_BAD_HANDLE, TK_BAD_FD, TK_OVERSIZE, TK_HUGE,
		TK_BAD_PTR,
	};

	switch (op) {
	case OP_SYNC:
		client_txn(r, TK_PLAIN, false);
		break;
	case OP_ONEWAY:
		client_txn(r, fz_chance(r, 2) ? TK_PLAIN : TK_SMALL, true);
		break;
	case OP_SMALL:
		client_txn(r, TK_SMALL, fz_chance(r, 4));
		break;
	case OP_OBJS:
		client_txn(r, TK_OBJS, fz_chance(r, 3));
		break;
	case OP_SG:
		client_txn(r, TK_SG, fz_chance(r, 3));
		break;
	case OP_BAD:
		client_txn(r, bad[fz_below(r, ARRAY_SIZE(bad))], fz_chance(r, 3));
		break;
	case OP_FREE:
		if (F->idx)
			op_free(r, &F->rcv);
		break;
	case OP_DONTNEED:
		op_madvise(r, MADV_DONTNEED);
		break;
	case OP_MADV:
		op_madvise(r, advices[fz_below(r, ARRAY_SIZE(advices))]);
		break;
	case OP_MPROTECT:
		op_mprotect(r);
		break;
	case OP_MLOCK:
		op_mlock(r);
		break;
	case OP_MUNMAP:
		op_munmap(r);
		break;
	case OP_MREMAP:
		op_mremap(r);
		break;
	case OP_STRANGER:
		op_stranger(r);
		break;
	case OP_REOPEN:
		op_reopen(r);
		break;
	case OP_MMAP2:
		op_second_mmap();
		break;
	case OP_FORK:
		op_fork(r);
		break;
	case OP_THREAD:
		op_thread(r);
		break;
	case OP_VICTIM:
		op_victim(r);
		break;
	case OP_SCAN:
		op_scan(r);
		break;
	case OP_DROP:
		op_drop_caches();
		break;
	case OP_IOCTL:
		op_ioctl(r);
		break;
	case OP_FREEZE:
		op_freeze(r);
		break;
	case OP_HOG:
		op_hog(r);
		break;
	case OP_KILL:
		op_kill(r);
		break;
	case OP_EXEC:
		op_exec(r);
		break;
	case OP_IDLE:
		binder_sleep_ms(1 + fz_below(r, 30));
		break;
	}
}

/* ---- process 0: the looper ----------------------------------------------- */

/*
 * BC_REPLY, or BC_REPLY_SG for a reply with buffers, of the reply to @s:
 * built like a transaction, in the server's own reply buffers.
 */
static void send_reply(struct binder_thread *t, const struct fz_spec *s)
{
	struct fz_spec rs;

	fz_reply_spec(&rs, s);
	write_txn(t, &rs, true, s->code, rs.flags, F->reply, F->reply_sg);
}

static void serve(struct receiver *rc, const struct binder_event *ev,
		  struct snap before)
{
	uint32_t code = ev->tr.code;
	struct fz_spec s;
	int n;

	fz_spec(&s, code);
	trace("served %#x from %d: %#llx+%llu, free mode %d", code, s.proc,
	      (unsigned long long)ev->tr.data.ptr.buffer,
	      (unsigned long long)ev->tr.data_size, s.srv_free);
	if (s.proc < F->sh->procs && !s.victim && !s.oneway)
		__atomic_store_n(&F->me->last_seen[s.proc], code, __ATOMIC_RELEASE);
	if (!!(ev->tr.flags & TF_ONE_WAY) != s.oneway)
		fail(FZ_FAIL_PAYLOAD, "transaction %#x: flags %#x", code, ev->tr.flags);
	count(&F->me->txns, 1);
	check_received(rc, ev, &s, false, before);
	n = rc->nlive - 1;
	if (n < 0 || rc->live[n].addr != ev->tr.data.ptr.buffer) {
		binder_uintptr_t b = ev->tr.data.ptr.buffer;

		n = -1;
		free_cmds(rc, &b, 1);
	}
	/* a failed reply shows on the client's side only */
	if (!s.oneway)
		send_reply(&rc->t, &s);
	if (n < 0)
		return;
	if (s.srv_free == SF_HOLD) {
		if (rc->nlive > FZ_LIVE / 2)
			live_free(rc, 0, SF_FREE);
		return;
	}
	live_free(rc, n, s.srv_free);
}

static void *looper_main(void *arg)
{
	struct receiver *rc = &F->srv;
	struct binder_event ev;
	struct snap before;
	int ret;

	(void)arg;
	if (binder_enter_looper(&rc->t)) {
		fail(FZ_FAIL_ERRNO, "BC_ENTER_LOOPER failed");
		return NULL;
	}
	while (!__atomic_load_n(&F->looper_stop, __ATOMIC_ACQUIRE)) {
		before = snap_of(F->me);
		ret = binder_read(&rc->t, &ev, 50);
		if (ret < 0) {
			fail(FZ_FAIL_ERRNO, "server read: %s", strerror(-ret));
			return NULL;
		}
		if (ret == 0) {
			/* idle: let go of what it holds, oneways wait for it */
			if (rc->nlive)
				live_free(rc, 0, SF_FREE);
			continue;
		}
		switch (ev.cmd) {
		case BR_TRANSACTION:
			serve(rc, &ev, before);
			break;
		case BR_TRANSACTION_COMPLETE:
			break;
		default:
			fail(FZ_FAIL_ERRNO, "server got %s", binder_cmd_name(ev.cmd));
			break;
		}
	}
	return NULL;
}

/* ---- the process --------------------------------------------------------- */

static int setup(struct fz_shared *sh, int idx)
{
	struct fz_rng r;

	F = calloc(1, sizeof(*F));
	if (!F)
		return -ENOMEM;
	F->sh = sh;
	F->idx = idx;
	F->me = &sh->pub[idx];
	F->me->pid = getpid();
	F->op = -1;
	F->tx = malloc(FZ_MAX_TXN);
	F->sg = malloc(2 * FZ_SG_MAX);
	F->reply = idx == 0 ? malloc(FZ_MAX_TXN) : NULL;
	F->reply_sg = idx == 0 ? malloc(2 * FZ_SG_MAX) : NULL;
	if (!F->tx || !F->sg || (idx == 0 && (!F->reply || !F->reply_sg)) ||
	    pipe(F->pipefd))
		return -ENOMEM;
	fault_setup();
	fz_op_rng(&r, sh->seed, idx, -1);	/* the mapping at start */
	return fz_open(&r);
}

int fz_proc_main(struct fz_shared *sh, int idx)
{
	struct fz_rng r;
	int ret, op;
	long i;

	ret = setup(sh, idx);
	if (ret) {
		fail(FZ_FAIL_SETUP, "open %s: %s", sh->device, strerror(-ret));
		return 1;
	}
	binder_thread_init(&F->rcv.t, &F->b);
	if (idx == 0) {
		looper_start();
		set_flags(0, FZ_MAY_DIE | FZ_MAY_FAULT | FZ_UNRELIABLE | FZ_RESTART | FZ_SPLIT);
	} else {	/* everyone's first transaction must find the server */
		while (!__atomic_load_n(&sh->pub[0].ready, __ATOMIC_ACQUIRE) && !aborted())
			binder_sleep_ms(5);
	}
	__atomic_store_n(&F->me->ready, 1, __ATOMIC_RELEASE);

	for (i = F->me->resume; i < sh->ops && !aborted(); i++) {
		if (!fz_keep(sh, idx, i))
			continue;
		F->op = i;
		__atomic_store_n(&F->me->last_op, i, __ATOMIC_RELAXED);
		fz_op_rng(&r, sh->seed, idx, i);
		op = pick_op(&r, idx ? client_weights : server_weights);
		/* after losing the mapping, mostly come back soon */
		if (!F->map || (F->me->flags & FZ_MAY_DIE && fz_chance(&r, 3)))
			op = OP_REOPEN;
		trace("%s (map %#lx+%zu, flags %#x, %d live)", op_names[op], F->map,
		      F->map_len, F->me->flags, F->rcv.nlive);
		run_op(&r, op);
		count(&F->me->ops, 1);
	}
	F->op = sh->ops;
	/* the server serves on: not from a mapping its program broke */
	if (idx == 0 && !aborted() && F->me->flags & (FZ_MAY_DIE | FZ_UNRELIABLE))
		op_reopen(&r);
	__atomic_store_n(&F->me->done, 1, __ATOMIC_RELEASE);
	if (idx == 0)	/* serve until every client is done */
		while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE))
			binder_sleep_ms(10);
	fz_close();
	return 0;
}
