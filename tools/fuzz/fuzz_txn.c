// SPDX-License-Identifier: GPL-2.0
/*
 * binder_alloc_fuzz: transactions from their codes (see fuzz_txn.h).
 */
#include <errno.h>
#include <string.h>

#include "fuzz_txn.h"

const char *const fz_kind_names[TK_NR] = {
	[TK_PLAIN] = "plain", [TK_SMALL] = "small", [TK_OBJS] = "objects",
	[TK_SG] = "sg", [TK_BAD_OFFSET] = "bad-offset",
	[TK_BAD_HANDLE] = "bad-handle", [TK_BAD_FD] = "bad-fd",
	[TK_OVERSIZE] = "oversize", [TK_HUGE] = "huge",
	[TK_BAD_PTR] = "bad-ptr",
};

uint64_t fz_pick_size(struct fz_rng *r, uint64_t max)
{
	int bits = 0;
	uint64_t limit;

	while (bits < 62 && (1ULL << bits) <= max)
		bits++;
	limit = 1ULL << fz_below(r, bits + 1);
	if (limit > max + 1)
		limit = max + 1;
	return fz_next(r) % limit;
}

static void add_obj(struct fz_spec *s, uint32_t type, size_t size)
{
	binder_size_t at = s->nobj ? s->offs[s->nobj - 1] +
				     s->objsize[s->nobj - 1] : FZ_OBJ_START;

	s->offs[s->nobj] = at;
	s->type[s->nobj] = type;
	s->objsize[s->nobj] = size;
	s->nobj++;
}

static size_t objs_end(const struct fz_spec *s)
{
	return s->nobj ? s->offs[s->nobj - 1] + s->objsize[s->nobj - 1] : 0;
}

/* 1-4 binder, weak binder and (if @fds) fd objects */
static void spec_objs(struct fz_spec *s, struct fz_rng *r, bool fds)
{
	int i, n = 1 + fz_below(r, 4);

	for (i = 0; i < n; i++) {
		switch (fz_below(r, fds ? 3 : 2)) {
		case 0:
			add_obj(s, BINDER_TYPE_BINDER, sizeof(struct flat_binder_object));
			break;
		case 1:
			add_obj(s, BINDER_TYPE_WEAK_BINDER, sizeof(struct flat_binder_object));
			break;
		default:
			add_obj(s, BINDER_TYPE_FD, sizeof(struct binder_fd_object));
			break;
		}
	}
}

/* a root buffer, an fd array in it (empty unless @fds), a child buffer */
static void spec_sg(struct fz_spec *s, struct fz_rng *r, bool fds)
{
	s->nfds = fds ? fz_below(r, 4) : 0;
	s->child_at = fz_align8(8 + 4 * s->nfds);
	s->root_len = s->child_at + 8 + fz_pick_size(r, FZ_SG_MAX - 64);
	s->child_len = fz_pick_size(r, FZ_SG_MAX);
	add_obj(s, BINDER_TYPE_PTR, sizeof(struct binder_buffer_object));
	add_obj(s, BINDER_TYPE_FDA, sizeof(struct binder_fd_array_object));
	add_obj(s, BINDER_TYPE_PTR, sizeof(struct binder_buffer_object));
	if (fz_chance(r, 2))
		add_obj(s, BINDER_TYPE_BINDER, sizeof(struct flat_binder_object));
	s->sg_size = fz_align8(s->root_len) + fz_align8(s->child_len);
}

/*
 * The reply to @s, as a spec of its own: mostly plain data of
 * s->reply_size bytes; now and then objects or, with BC_REPLY_SG, buffers
 * and an fd array. Fds only where the request allows them (TF_ACCEPT_FDS:
 * else the reply fails -EPERM). Its seeds are those of ~code.
 */
void fz_reply_spec(struct fz_spec *rs, const struct fz_spec *s)
{
	struct fz_rng r = { fz_mix(s->code * 0x2545f491ULL + 777) };
	bool fds = s->flags & TF_ACCEPT_FDS;
	int n = fz_below(&r, 8);

	memset(rs, 0, sizeof(*rs));
	rs->code = ~s->code;
	rs->proc = 0;
	rs->flags = s->reply_clear ? TF_CLEAR_BUF : 0;
	rs->kind = TK_PLAIN;
	rs->size = s->reply_size;
	if (s->reply_size > BINDER_VM_MAX || n < 6)
		return;
	if (n == 6) {
		rs->kind = TK_OBJS;
		spec_objs(rs, &r, fds);
		rs->size = objs_end(rs) + fz_pick_size(&r, 16 * FZ_KiB);
	} else {
		rs->kind = TK_SG;
		spec_sg(rs, &r, fds);
		rs->size = objs_end(rs) + fz_pick_size(&r, 8 * FZ_KiB);
	}
}

uint64_t fz_reply_total(const struct fz_spec *s)
{
	struct fz_spec rs;

	fz_reply_spec(&rs, s);
	return fz_spec_total(&rs);
}

void fz_spec(struct fz_spec *s, uint32_t code)
{
	static const int unaligned[] = { 1, 2, 3, 5, 6, 7 };
	struct fz_rng r = { fz_mix(code * 0x9e3779b1ULL + 12345) };
	struct fz_spec rs;
	int n;

	memset(s, 0, sizeof(*s));
	s->code = code;
	s->proc = code >> 29;
	s->oneway = code >> 28 & 1;
	s->victim = code >> 27 & 1;
	s->kind = (code >> 22 & 0x1f) % TK_NR;
	if (fz_chance(&r, 4))
		s->flags |= TF_CLEAR_BUF;
	if (fz_chance(&r, 2))
		s->flags |= TF_ACCEPT_FDS;

	switch (s->kind) {
	case TK_PLAIN:
		s->size = fz_pick_size(&r, 2 * FZ_MiB);
		break;
	case TK_SMALL:
		s->size = fz_pick_size(&r, 4 * FZ_KiB);
		break;
	case TK_OBJS:
		spec_objs(s, &r, true);
		s->size = objs_end(s) + fz_pick_size(&r, 64 * FZ_KiB);
		break;
	case TK_SG:
		spec_sg(s, &r, true);
		s->size = objs_end(s) + fz_pick_size(&r, 16 * FZ_KiB);
		break;
	case TK_BAD_OFFSET:
		add_obj(s, BINDER_TYPE_BINDER, sizeof(struct flat_binder_object));
		s->size = objs_end(s) + fz_pick_size(&r, 4 * FZ_KiB);
		/*
		 * not 32-bit aligned (what binder_get_object() wants; 4 more
		 * is a valid offset), or an object that does not fit in the data
		 */
		if (fz_chance(&r, 2))
			s->offs[0] += unaligned[fz_below(&r, 6)];
		else
			s->offs[0] = s->size - fz_below(&r, 16) / 8 * 8;
		s->expect = -EINVAL;
		break;
	case TK_BAD_HANDLE:
		add_obj(s, fz_chance(&r, 2) ? BINDER_TYPE_HANDLE :
			BINDER_TYPE_WEAK_HANDLE, sizeof(struct flat_binder_object));
		/*
		 * Far above any descriptor a process can hold: the smallest
		 * free one is given out, and a small number may well be a
		 * reference this process received in an earlier reply (which
		 * binder.c then translates, for the node's own process, into
		 * a binder object: no error at all).
		 */
		s->handle = FZ_BAD_HANDLE_BASE + fz_below(&r, 1000);
		s->size = objs_end(s) + fz_pick_size(&r, 4 * FZ_KiB);
		s->expect = -EINVAL;
		break;
	case TK_BAD_FD:
		add_obj(s, BINDER_TYPE_FD, sizeof(struct binder_fd_object));
		s->size = objs_end(s) + fz_pick_size(&r, 4 * FZ_KiB);
		s->expect = -EBADF;
		break;
	case TK_OVERSIZE:
		s->size = BINDER_VM_MAX + 1 + fz_below(&r, FZ_MiB);
		s->expect = -ENOSPC;
		break;
	case TK_HUGE:
		s->size = 1ULL << 40;
		s->expect = -ENOSPC;
		break;
	case TK_BAD_PTR:
		s->size = 8 + fz_pick_size(&r, 8 * FZ_KiB);
		s->expect = -EFAULT;
		break;
	}

	if (fz_chance(&r, 64))
		s->reply_size = BINDER_VM_MAX + fz_below(&r, FZ_MiB);
	else
		s->reply_size = fz_pick_size(&r, FZ_MiB);
	s->reply_clear = fz_chance(&r, 4);
	fz_reply_spec(&rs, s);
	s->reply_size = rs.size;
	n = fz_below(&r, 16);
	s->srv_free = n < 11 ? SF_FREE : n < 13 ? SF_HOLD : n < 15 ? SF_DOUBLE : SF_BOGUS;
}
