// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the binder buffer allocator.
 *
 * Each case runs in its own mm (kunit_vm_mmap() attaches one to the test
 * thread), with a binder_alloc on a private freelist, mapped through a
 * file whose mmap does what binder_mmap() does: read-only, VM_DONTCOPY |
 * VM_MIXEDMAP, no VM_MAYWRITE, close() calling binder_alloc_vma_close().
 * Reclaim is driven by walking the private freelist with the real
 * shrinker callback, so the system's freelist and shrinker are never
 * involved.
 *
 * KUnit actions end every case: the allocator is released as binder
 * releases it, after its VMA is closed, and nothing may be left on the
 * private freelist then.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/swap.h>
#include <linux/uaccess.h>

#include "binder_alloc.h"

/* ---------------------------------------------------------------------
 * Fixture
 */

struct zap_check;
struct slot_race;
struct teardown_race;

struct binder_alloc_test {
	struct binder_alloc alloc;
	struct list_lru freelist;
	struct file *filp;
	unsigned long uaddr;
	size_t map_size;
	struct zap_check *zap;
	struct slot_race *slot_race;
	struct teardown_race *teardown;
};

static void binder_alloc_test_vma_close(struct vm_area_struct *vma)
{
	binder_alloc_vma_close(vma->vm_private_data);
}

static vm_fault_t binder_alloc_test_vm_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct binder_alloc_test_vm_ops = {
	.close = binder_alloc_test_vma_close,
	.fault = binder_alloc_test_vm_fault,
};

/* What binder_mmap() does, for a file whose private_data is the alloc. */
static int binder_alloc_test_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct binder_alloc *alloc = filp->private_data;

	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_mod(vma, VM_DONTCOPY | VM_MIXEDMAP, VM_MAYWRITE);
	vma->vm_ops = &binder_alloc_test_vm_ops;
	vma->vm_private_data = alloc;
	return binder_alloc_mmap_handler(alloc, vma);
}

static const struct file_operations binder_alloc_test_fops = {
	.mmap = binder_alloc_test_mmap,
};

/*
 * The end of every case (a KUnit action): tear the allocator down as
 * binder does, once its VMA is closed. At the end of a case this runs in
 * another thread than the case's, after the case's thread exited, and
 * that exit tears the case's mm down, closing the binder VMA; until it
 * has, close() could still run on the allocator. A case that tears down
 * itself runs it early with kunit_release_action(), in its own thread,
 * where an unmap comes first.
 */
static void binder_alloc_test_release(void *data)
{
	struct binder_alloc_test *priv = data;
	int i;

	if (current->mm && binder_alloc_is_mapped(&priv->alloc))
		vm_munmap(priv->uaddr, priv->map_size);
	for (i = 0; i < 500 && binder_alloc_is_mapped(&priv->alloc); i++)
		msleep(20);
	binder_alloc_deferred_release(&priv->alloc);
}

/* After the release (a KUnit action): the fixture's own resources. */
static void binder_alloc_test_free(void *data)
{
	struct binder_alloc_test *priv = data;

	KUNIT_EXPECT_EQ_MSG(kunit_get_current_test(),
			    list_lru_count(&priv->freelist), 0,
			    "pages left on the private freelist after release");
	list_lru_destroy(&priv->freelist);
	fput(priv->filp);
}

static int binder_alloc_test_init(struct kunit *test)
{
	struct binder_alloc_test *priv;
	unsigned long addr;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;

	/* The allocator records current->mm: give this thread one. */
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr) || !addr || !current->mm)
		return -ENOMEM;

	if (list_lru_init(&priv->freelist))
		return -ENOMEM;

	priv->filp = anon_inode_getfile("[binder_alloc_test]",
					&binder_alloc_test_fops, &priv->alloc,
					O_RDWR);
	if (IS_ERR(priv->filp)) {
		list_lru_destroy(&priv->freelist);
		return PTR_ERR(priv->filp);
	}
	if (kunit_add_action_or_reset(test, binder_alloc_test_free, priv))
		return -ENOMEM;

	/*
	 * The alloc holds a reference to the mm from here on, which only
	 * binder_alloc_deferred_release() drops: released at the end of
	 * every case, mapped or not (actions run last registered first).
	 */
	__binder_alloc_init(&priv->alloc, &priv->freelist);
	if (kunit_add_action_or_reset(test, binder_alloc_test_release, priv))
		return -ENOMEM;
	test->priv = priv;
	return 0;
}

static struct binder_alloc *test_alloc(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;

	return &priv->alloc;
}

static struct list_lru *test_freelist(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;

	return &priv->freelist;
}

/* mmap the test file like a binder client would; returns the address. */
static unsigned long binder_alloc_test_mmap_file(struct kunit *test,
						 struct file *filp,
						 unsigned long addr,
						 size_t size)
{
	unsigned long flags = MAP_PRIVATE | (addr ? MAP_FIXED : 0);

	return kunit_vm_mmap(test, filp, addr, size, PROT_READ, flags, 0);
}

static void binder_alloc_test_map(struct kunit *test, size_t size)
{
	struct binder_alloc_test *priv = test->priv;
	unsigned long addr;

	addr = binder_alloc_test_mmap_file(test, priv->filp, 0, size);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr),
			       "mmap of %zu bytes failed: %ld", size,
			       (long)addr);
	priv->uaddr = addr;
	priv->map_size = size;
}

static void binder_alloc_test_unmap(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;

	KUNIT_ASSERT_EQ(test, vm_munmap(priv->uaddr, priv->map_size), 0);
	KUNIT_EXPECT_FALSE_MSG(test, binder_alloc_is_mapped(&priv->alloc),
			       "munmap did not close the binder VMA");
}

/* Tear down now, in the case's thread, to look at what teardown did. */
static void binder_alloc_test_release_now(struct kunit *test)
{
	kunit_release_action(test, binder_alloc_test_release, test->priv);
}

static struct binder_buffer *test_new_buf(struct kunit *test, size_t size,
					  bool is_async)
{
	return binder_alloc_new_buf(test_alloc(test), size, 0, 0, is_async);
}

/* What the shrinker did to the test's alloc so far. */
static struct binder_alloc_reclaim_counts test_reclaim_counts(struct kunit *test)
{
	struct binder_alloc_reclaim_counts counts;

	binder_alloc_get_reclaim_counts(test_alloc(test), &counts);
	return counts;
}

static unsigned long test_reclaim_all(struct kunit *test)
{
	return list_lru_walk(test_freelist(test), binder_alloc_free_page,
			     NULL, ULONG_MAX);
}

/* ---------------------------------------------------------------------
 * Page state
 */

enum test_page_state {
	PAGE_ABSENT,
	PAGE_IN_USE,
	PAGE_ON_LRU,
};

static const char *const test_page_state_name[] = {
	[PAGE_ABSENT] = "absent",
	[PAGE_IN_USE] = "in use",
	[PAGE_ON_LRU] = "on the freelist",
};

static enum test_page_state test_page_state(struct binder_alloc *alloc,
					    unsigned long index)
{
	if (!binder_alloc_installed_page(alloc, index))
		return PAGE_ABSENT;
	return binder_alloc_page_on_freelist(alloc, index) ? PAGE_ON_LRU :
							     PAGE_IN_USE;
}

/* An installed page's metadata names its alloc and index; reports if not. */
static bool assert_page_mdata(struct kunit *test, unsigned long index)
{
	if (binder_alloc_page_mdata_matches(test_alloc(test), index))
		return true;
	KUNIT_FAIL(test, "page %lu: metadata does not name its alloc and index",
		   index);
	return false;
}

/* The page at @index is in state @want (and its metadata right); reports if not. */
static bool assert_page_state(struct kunit *test, unsigned long index,
			      enum test_page_state want, const char *when)
{
	enum test_page_state got = test_page_state(test_alloc(test), index);

	if (got == want)
		return assert_page_mdata(test, index);
	KUNIT_FAIL(test, "%s: page %lu is %s, expected %s", when, index,
		   test_page_state_name[got], test_page_state_name[want]);
	return false;
}

/* The page the user mapping has at @addr, or NULL if no PTE is there. */
static struct page *test_user_page(unsigned long addr)
{
	struct mm_struct *mm = current->mm;
	struct page *page;
	long got;

	mmap_read_lock(mm);
	got = get_user_pages_remote(mm, addr, 1, FOLL_NOFAULT, &page, NULL);
	mmap_read_unlock(mm);
	if (got != 1)
		return NULL;
	put_page(page);
	return page;
}

/* ---------------------------------------------------------------------
 * Other threads in the test's mm
 */

struct test_thread {
	struct mm_struct *mm;
	void (*fn)(struct test_thread *t);
	void *arg;
	long result;
	struct completion done;
};

/* A thread in @t->mm, or in no mm at all if that is NULL. */
static int test_thread_fn(void *data)
{
	struct test_thread *t = data;

	if (t->mm)
		kthread_use_mm(t->mm);
	t->fn(t);
	if (t->mm)
		kthread_unuse_mm(t->mm);
	complete(&t->done);
	return 0;
}

static void test_thread_start(struct kunit *test, struct test_thread *t,
			      struct mm_struct *mm,
			      void (*fn)(struct test_thread *t), void *arg)
{
	struct task_struct *task;

	t->mm = mm;
	t->fn = fn;
	t->arg = arg;
	init_completion(&t->done);
	task = kthread_run(test_thread_fn, t, "binder_alloc_test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
}

static void test_thread_wait(struct test_thread *t)
{
	wait_for_completion(&t->done);
}

/* Has @t finished within @ms? Leaves the completion for test_thread_wait(). */
static bool test_thread_done_within(struct test_thread *t, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; !completion_done(&t->done) && waited < ms; waited += 20)
		msleep(20);
	return completion_done(&t->done);
}

/* ---------------------------------------------------------------------
 * mmap
 */

/* A new mapping is one free buffer over the whole space, half of it for async. */
static void binder_alloc_test_mmap_one_free_buffer(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;

	binder_alloc_test_map(test, SZ_1M);

	KUNIT_EXPECT_TRUE(test, binder_alloc_is_mapped(alloc));
	KUNIT_EXPECT_EQ(test, alloc->buffer_size, SZ_1M);
	KUNIT_EXPECT_EQ(test, binder_alloc_get_free_async_space(alloc),
			SZ_1M / 2);
	KUNIT_ASSERT_TRUE_MSG(test, list_is_singular(&alloc->buffers),
			      "a new mapping must hold exactly one buffer");
	buffer = list_first_entry(&alloc->buffers, struct binder_buffer, entry);
	KUNIT_EXPECT_TRUE(test, buffer->free);
	KUNIT_EXPECT_EQ(test, buffer->user_data, alloc->buffer);
	KUNIT_EXPECT_EQ(test, alloc->buffer,
			((struct binder_alloc_test *)test->priv)->uaddr);
	KUNIT_EXPECT_EQ(test, binder_alloc_get_allocated_count(alloc), 0);
}

/* An 8 MiB mapping gives 4 MiB of buffer space, all of it and no more. */
static void binder_alloc_test_mmap_caps_size_at_4m(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;

	binder_alloc_test_map(test, SZ_8M);
	KUNIT_EXPECT_EQ_MSG(test, alloc->buffer_size, SZ_4M,
			    "usable size of an 8 MiB mapping");

	/* All of the 4 MiB can be allocated, not a byte more. */
	buffer = test_new_buf(test, SZ_4M, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, 8, false)), -ENOSPC);
	binder_alloc_free_buf(alloc, buffer);
}

/* A second mmap is -EBUSY, while mapped and after munmap. */
static void binder_alloc_test_mmap_twice_ebusy(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	unsigned long addr;

	binder_alloc_test_map(test, SZ_64K);

	addr = binder_alloc_test_mmap_file(test, priv->filp, 0, SZ_64K);
	KUNIT_EXPECT_EQ_MSG(test, (long)addr, -EBUSY,
			    "second mmap while mapped");

	binder_alloc_test_unmap(test);
	addr = binder_alloc_test_mmap_file(test, priv->filp, 0, SZ_64K);
	KUNIT_EXPECT_EQ_MSG(test, (long)addr, -EBUSY,
			    "second mmap after munmap");
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, 8, false)), -ESRCH);
}

struct init_ctx {
	struct binder_alloc *alloc;
	struct list_lru *freelist;
};

static void test_init_alloc_in_thread(struct test_thread *t)
{
	struct init_ctx *ctx = t->arg;

	__binder_alloc_init(ctx->alloc, ctx->freelist);
}

/* An alloc opened by another mm cannot be mapped into ours: -EINVAL. */
static void binder_alloc_test_mmap_foreign_mm_einval(struct kunit *test)
{
	struct binder_alloc_test *other;
	struct init_ctx ctx;
	struct test_thread t;
	struct mm_struct *mm;
	struct file *filp;
	unsigned long addr;

	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);

	/* A binder_alloc opened by a process with another mm... */
	ctx.alloc = &other->alloc;
	ctx.freelist = test_freelist(test);
	test_thread_start(test, &t, mm, test_init_alloc_in_thread, &ctx);
	test_thread_wait(&t);
	KUNIT_EXPECT_PTR_EQ(test, other->alloc.mm, mm);

	/* ...cannot be mapped into ours. */
	filp = anon_inode_getfile("[binder_alloc_test]",
				  &binder_alloc_test_fops, &other->alloc,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filp));
	addr = binder_alloc_test_mmap_file(test, filp, 0, SZ_64K);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);
	KUNIT_EXPECT_FALSE(test, binder_alloc_is_mapped(&other->alloc));
	KUNIT_EXPECT_EQ(test, other->alloc.buffer_size, 0);

	binder_alloc_deferred_release(&other->alloc);
	fput(filp);
	mmput(mm);
}

/* ---------------------------------------------------------------------
 * Buffer layouts: every page's state through allocation, free in every
 * order, reuse and reclaim.
 *
 * Five buffers are laid out back to back. Each ends in one of five places
 * relative to the page it starts in: in that page (not page aligned), at
 * its end, in the next page, at the next page's end, or in the page after
 * that. "Front" layouts start at the beginning of the space with the free
 * remainder after them; "back" layouts are mirrored against the end of
 * the space with the free remainder in front of them.
 */

#define LAYOUT_BUFFERS		5
#define LAYOUT_END_KINDS	5
#define LAYOUT_SPACE_PAGES	12
#define LAYOUT_SPACE		(LAYOUT_SPACE_PAGES * PAGE_SIZE)
#define LAYOUT_ORDERS		120	/* 5! */

struct test_layout {
	/* Offsets in the buffer space, in address order. */
	size_t start[LAYOUT_BUFFERS];
	size_t end[LAYOUT_BUFFERS];
	/* Filler allocated first and freed before the frees; may be 0. */
	size_t filler;
	bool back;
	int kinds[LAYOUT_BUFFERS];
};

static size_t layout_end(size_t start, int kind, int i)
{
	size_t page = ALIGN_DOWN(start, PAGE_SIZE);
	/* Larger than any unaligned offset before buffer i. */
	size_t unaligned = (i + 1) * 64;

	switch (kind) {
	case 0:
		return page + unaligned;
	case 1:
		return page + PAGE_SIZE;
	case 2:
		return page + PAGE_SIZE + unaligned;
	case 3:
		return page + 2 * PAGE_SIZE;
	default:
		return page + 2 * PAGE_SIZE + unaligned;
	}
}

static void layout_make(struct test_layout *l, const int kinds[], bool back)
{
	size_t start = 0;
	int i;

	for (i = 0; i < LAYOUT_BUFFERS; i++) {
		l->kinds[i] = kinds[i];
		l->start[i] = start;
		l->end[i] = layout_end(start, kinds[i], i);
		start = l->end[i];
	}
	l->back = back;
	l->filler = 0;
	if (!back)
		return;

	/* Mirror against the end of the space; PAGE alignment is kept. */
	for (i = 0; i < LAYOUT_BUFFERS; i++) {
		size_t s = LAYOUT_SPACE - l->end[i];

		l->end[i] = LAYOUT_SPACE - l->start[i];
		l->start[i] = s;
	}
	/* Keep address order: mirroring reversed it. */
	for (i = 0; i < LAYOUT_BUFFERS / 2; i++) {
		swap(l->start[i], l->start[LAYOUT_BUFFERS - 1 - i]);
		swap(l->end[i], l->end[LAYOUT_BUFFERS - 1 - i]);
	}
	l->filler = l->start[0];
}

static void layout_describe(const struct test_layout *l, const int *order,
			    char *buf, size_t len)
{
	snprintf(buf, len, "%s layout ends %d%d%d%d%d, free order %d%d%d%d%d",
		 l->back ? "back" : "front", l->kinds[0], l->kinds[1],
		 l->kinds[2], l->kinds[3], l->kinds[4], order[0], order[1],
		 order[2], order[3], order[4]);
}

/*
 * Check every page of the space against a model: a page is in use iff a
 * live buffer overlaps it, on the freelist iff it was installed and no
 * live buffer overlaps it, absent otherwise.
 */
static bool assert_layout_pages(struct kunit *test, const struct test_layout *l,
				const bool live[], bool filler_live,
				const bool installed[], const char *what)
{
	unsigned long index;

	for (index = 0; index < LAYOUT_SPACE_PAGES; index++) {
		size_t lo = index * PAGE_SIZE, hi = lo + PAGE_SIZE;
		enum test_page_state want;
		bool used = filler_live && lo < l->filler;
		int i;

		for (i = 0; i < LAYOUT_BUFFERS; i++)
			used |= live[i] && l->start[i] < hi && l->end[i] > lo;

		if (used)
			want = PAGE_IN_USE;
		else if (installed[index])
			want = PAGE_ON_LRU;
		else
			want = PAGE_ABSENT;
		if (!assert_page_state(test, index, want, what))
			return false;
	}
	return true;
}

static void layout_mark_installed(bool installed[], size_t start, size_t end)
{
	size_t addr;

	for (addr = ALIGN_DOWN(start, PAGE_SIZE); addr < end; addr += PAGE_SIZE)
		installed[addr / PAGE_SIZE] = true;
}

static struct binder_buffer *layout_alloc(struct kunit *test, size_t start,
					  size_t end)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;

	buffer = binder_alloc_new_buf(alloc, end - start, 0, 0, 0);
	if (IS_ERR(buffer)) {
		KUNIT_FAIL(test, "allocating [%zu, %zu) failed: %ld", start,
			   end, PTR_ERR(buffer));
		return NULL;
	}
	if (buffer->user_data != alloc->buffer + start) {
		KUNIT_FAIL(test, "buffer for [%zu, %zu) landed at %lu", start,
			   end, buffer->user_data - alloc->buffer);
		binder_alloc_free_buf(alloc, buffer);
		return NULL;
	}
	return buffer;
}

/* One layout, one free order. Returns false after reporting a failure. */
static bool layout_run(struct kunit *test, const struct test_layout *l,
		       const int *order)
{
	struct binder_buffer *buffers[LAYOUT_BUFFERS] = { }, *filler = NULL;
	bool installed[LAYOUT_SPACE_PAGES] = { };
	bool live[LAYOUT_BUFFERS] = { };
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *all;
	size_t reuse;
	char what[96];
	int i;

	layout_describe(l, order, what, sizeof(what));

	if (l->filler) {
		filler = layout_alloc(test, 0, l->filler);
		if (!filler)
			return false;
		layout_mark_installed(installed, 0, l->filler);
	}
	for (i = 0; i < LAYOUT_BUFFERS; i++) {
		buffers[i] = layout_alloc(test, l->start[i], l->end[i]);
		if (!buffers[i])
			goto fail;
		live[i] = true;
		layout_mark_installed(installed, l->start[i], l->end[i]);
	}
	if (!assert_layout_pages(test, l, live, !!filler, installed, what))
		goto fail;

	if (filler) {
		binder_alloc_free_buf(alloc, filler);
		filler = NULL;
		if (!assert_layout_pages(test, l, live, false, installed, what))
			goto fail;
	}
	for (i = 0; i < LAYOUT_BUFFERS; i++) {
		binder_alloc_free_buf(alloc, buffers[order[i]]);
		live[order[i]] = false;
		if (!assert_layout_pages(test, l, live, false, installed, what))
			goto fail;
	}

	/* One buffer over every installed page takes them all back. */
	reuse = l->back ? LAYOUT_SPACE : PAGE_ALIGN(l->end[LAYOUT_BUFFERS - 1]);
	all = layout_alloc(test, 0, reuse);
	if (!all)
		return false;
	if (list_lru_count(test_freelist(test))) {
		KUNIT_FAIL(test, "%s: %lu pages still on the freelist after reuse",
			   what, list_lru_count(test_freelist(test)));
		binder_alloc_free_buf(alloc, all);
		return false;
	}
	binder_alloc_free_buf(alloc, all);

	/* The shrinker frees every page. */
	test_reclaim_all(test);
	memset(installed, 0, sizeof(installed));
	return assert_layout_pages(test, l, live, false, installed, what);

fail:
	if (filler)
		binder_alloc_free_buf(alloc, filler);
	for (i = 0; i < LAYOUT_BUFFERS; i++)
		if (live[i])
			binder_alloc_free_buf(alloc, buffers[i]);
	return false;
}

/* The permutations of 0..4, in lexicographic order. */
static void layout_orders(int orders[LAYOUT_ORDERS][LAYOUT_BUFFERS])
{
	int perm[LAYOUT_BUFFERS] = { 0, 1, 2, 3, 4 };
	int n, i, j;

	for (n = 0; n < LAYOUT_ORDERS; n++) {
		memcpy(orders[n], perm, sizeof(perm));
		/* next_permutation() */
		for (i = LAYOUT_BUFFERS - 2; i >= 0 && perm[i] > perm[i + 1]; i--)
			;
		if (i < 0)
			break;
		for (j = LAYOUT_BUFFERS - 1; perm[j] < perm[i]; j--)
			;
		swap(perm[i], perm[j]);
		for (i++, j = LAYOUT_BUFFERS - 1; i < j; i++, j--)
			swap(perm[i], perm[j]);
	}
}

/*
 * Run the layouts whose first end kind is @first (or all if negative),
 * each with every free order. With @sample set, every other layout (the
 * even ones at the front, the odd ones at the back, so that a front and a
 * back pass together run each layout once) with one order only: the
 * orders rotate through the layouts so that every order is used.
 * Returns the number of cases run.
 */
static unsigned long layout_run_many(struct kunit *test, bool back, int first,
				     bool sample)
{
	int (*orders)[LAYOUT_BUFFERS];
	int kinds[LAYOUT_BUFFERS];
	unsigned long cases = 0;
	struct test_layout l;
	int combo, o, i;

	orders = kunit_kmalloc_array(test, LAYOUT_ORDERS, sizeof(*orders),
				     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orders);
	layout_orders(orders);

	for (combo = 0; combo < 3125; combo++) {	/* 5^5 */
		int c = combo;

		for (i = 0; i < LAYOUT_BUFFERS; i++, c /= LAYOUT_END_KINDS)
			kinds[i] = c % LAYOUT_END_KINDS;
		if (first >= 0 && kinds[0] != first)
			continue;
		if (sample && combo % 2 != back)
			continue;
		layout_make(&l, kinds, back);
		for (o = 0; o < LAYOUT_ORDERS; o++) {
			if (sample && o != (combo / 2) % LAYOUT_ORDERS)
				continue;
			if (!layout_run(test, &l, orders[o]))
				return cases;
			cases++;
		}
		cond_resched();
	}
	return cases;
}

struct layout_param {
	bool back;
	int first;
};

static const struct layout_param layout_params[] = {
	{ false, 0 }, { false, 1 }, { false, 2 }, { false, 3 }, { false, 4 },
	{ true, 0 }, { true, 1 }, { true, 2 }, { true, 3 }, { true, 4 },
};

static void layout_param_desc(const struct layout_param *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, first buffer end kind %d",
		 p->back ? "back" : "front", p->first);
}

KUNIT_ARRAY_PARAM(layout, layout_params, layout_param_desc);

/* All 750,000 cases, split in ten parameters of 75,000. */
static void binder_alloc_test_layouts_exhaustive(struct kunit *test)
{
	const struct layout_param *p = test->param_value;
	unsigned long cases;
	u64 start_ns;

	binder_alloc_test_map(test, LAYOUT_SPACE);
	start_ns = ktime_get_ns();
	cases = layout_run_many(test, p->back, p->first, false);
	kunit_info(test, "%lu layout cases in %llu ms\n", cases,
		   div_u64(ktime_get_ns() - start_ns, NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, cases, 3125 / LAYOUT_END_KINDS * LAYOUT_ORDERS);
}

/* Every layout once, front or back, each with one of the free orders. */
static void binder_alloc_test_layouts_sampled(struct kunit *test)
{
	unsigned long cases;
	u64 start_ns;

	binder_alloc_test_map(test, LAYOUT_SPACE);
	start_ns = ktime_get_ns();
	cases = layout_run_many(test, false, -1, true);
	cases += layout_run_many(test, true, -1, true);
	kunit_info(test, "%lu layout cases in %llu ms\n", cases,
		   div_u64(ktime_get_ns() - start_ns, NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, cases, 3125);
}

/* ---------------------------------------------------------------------
 * Reclaim outcomes
 */

/* One page-sized buffer at offset 0, installed and freed: on the list. */
static struct page *test_one_unused_page(struct kunit *test)
{
	struct binder_buffer *buffer;
	struct page *page;

	buffer = test_new_buf(test, PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	page = binder_alloc_installed_page(test_alloc(test), 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	binder_alloc_free_buf(test_alloc(test), buffer);
	KUNIT_ASSERT_EQ(test, list_lru_count(test_freelist(test)), 1);
	return page;
}

/* Reclaim of a page under binder's VMA zaps its PTE and frees it. */
static void binder_alloc_test_reclaim_mapped_zaps(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct page *page;

	binder_alloc_test_map(test, SZ_64K);
	page = test_one_unused_page(test);
	KUNIT_EXPECT_PTR_EQ_MSG(test, test_user_page(priv->uaddr), page,
				"installed page not mapped to userspace");

	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	assert_page_state(test, 0, PAGE_ABSENT, "after reclaim");
	KUNIT_EXPECT_NULL_MSG(test, test_user_page(priv->uaddr),
			      "reclaimed page still mapped: not zapped");
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).reclaimed, 1);
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).foreign_vma, 0);
}

/* Reclaim after munmap frees the page, with nothing to zap. */
static void binder_alloc_test_reclaim_unmapped_frees(struct kunit *test)
{
	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);
	binder_alloc_test_unmap(test);

	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	assert_page_state(test, 0, PAGE_ABSENT, "after reclaim");
	KUNIT_EXPECT_EQ(test, list_lru_count(test_freelist(test)), 0);
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).reclaimed, 1);
}

/*
 * Pages the shrinker frees count as reclaim progress: otherwise kswapd
 * takes a run that freed only binder pages for a failure, and gives up on
 * the node after a few.
 */
static void binder_alloc_test_reclaim_counts_as_progress(struct kunit *test)
{
	struct reclaim_state *saved = current->reclaim_state;
	struct reclaim_state rs = { };
	struct binder_buffer *buffer;
	unsigned long freed;

	binder_alloc_test_map(test, SZ_64K);
	buffer = test_new_buf(test, 3 * PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	binder_alloc_free_buf(test_alloc(test), buffer);
	KUNIT_ASSERT_EQ(test, list_lru_count(test_freelist(test)), 3);

	current->reclaim_state = &rs;
	freed = test_reclaim_all(test);
	current->reclaim_state = saved;

	KUNIT_EXPECT_EQ(test, freed, 3);
	KUNIT_EXPECT_EQ_MSG(test, rs.reclaimed, freed,
			    "reclaim was not told of the pages the shrinker freed");
}

static void test_fill_user(struct kunit *test, unsigned long addr, size_t len,
			   u8 value)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, value, len);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)addr, buf, len), 0);
}

static bool test_user_is(struct kunit *test, unsigned long addr, size_t len,
			 u8 value)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, copy_from_user(buf, (void __user *)addr, len), 0);
	return !memchr_inv(buf, value, len);
}

/* Reclaim under a VMA that replaced ours frees the page and leaves that VMA alone. */
static void binder_alloc_test_reclaim_foreign_vma_untouched(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct page *stranger;
	unsigned long addr;

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);
	binder_alloc_test_unmap(test);

	/* Someone else's memory now lives where our page was mapped. */
	addr = kunit_vm_mmap(test, NULL, priv->uaddr, PAGE_SIZE,
			     PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, addr, priv->uaddr);
	test_fill_user(test, addr, PAGE_SIZE, 0x5a);
	stranger = test_user_page(addr);
	KUNIT_ASSERT_NOT_NULL(test, stranger);

	KUNIT_EXPECT_EQ_MSG(test, test_reclaim_all(test), 1,
			    "page under a foreign VMA must be freed, not kept");
	assert_page_state(test, 0, PAGE_ABSENT, "after reclaim");
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).foreign_vma, 1);
	KUNIT_EXPECT_PTR_EQ_MSG(test, test_user_page(addr), stranger,
				"the foreign VMA's page was zapped");
	KUNIT_EXPECT_TRUE_MSG(test, test_user_is(test, addr, PAGE_SIZE, 0x5a),
			      "the foreign VMA's contents changed");

	KUNIT_EXPECT_EQ(test, vm_munmap(addr, PAGE_SIZE), 0);
}

/* Another binder mapping (same vm_ops, other alloc) is foreign as well. */
static void binder_alloc_test_reclaim_other_binder_vma(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc_test *other;
	struct binder_buffer *buffer;
	struct page *theirs;
	struct file *filp;
	unsigned long addr;

	other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other);
	__binder_alloc_init(&other->alloc, test_freelist(test));
	filp = anon_inode_getfile("[binder_alloc_test]",
				  &binder_alloc_test_fops, &other->alloc,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(filp));

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);
	binder_alloc_test_unmap(test);

	addr = binder_alloc_test_mmap_file(test, filp, priv->uaddr, SZ_64K);
	KUNIT_ASSERT_EQ(test, addr, priv->uaddr);
	buffer = binder_alloc_new_buf(&other->alloc, PAGE_SIZE, 0, 0, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	theirs = test_user_page(addr);
	KUNIT_ASSERT_NOT_NULL(test, theirs);

	/* Only our page is on the list: theirs is in use. */
	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).foreign_vma, 1);
	KUNIT_EXPECT_PTR_EQ_MSG(test, test_user_page(addr), theirs,
				"the other binder mapping's page was zapped");

	binder_alloc_free_buf(&other->alloc, buffer);
	KUNIT_EXPECT_EQ(test, vm_munmap(addr, SZ_64K), 0);
	binder_alloc_deferred_release(&other->alloc);
	fput(filp);
}

/* Reclaim skips a page whose VMA is write-locked, and takes it once unlocked. */
static void binder_alloc_test_reclaim_vma_locked_skips(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long walked;
	long skipped;

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);

	/* A writer holds the mapping: neither lock can be had for read. */
	mmap_write_lock(mm);
	vma = vma_lookup(mm, priv->uaddr);
	if (vma)
		vma_start_write(vma);
	walked = test_reclaim_all(test);
	mmap_write_unlock(mm);

	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, walked, 0);
	assert_page_state(test, 0, PAGE_ON_LRU, "while write-locked");
	skipped = test_reclaim_counts(test).skipped_no_vma +
		  test_reclaim_counts(test).skipped_busy;
	KUNIT_EXPECT_EQ(test, skipped, 1);
	if (binder_alloc_uses_per_vma_lock())
		KUNIT_EXPECT_EQ_MSG(test,
				    test_reclaim_counts(test).skipped_no_vma,
				    1, "per-VMA lock failure while mapped");
	else
		KUNIT_EXPECT_EQ_MSG(test,
				    test_reclaim_counts(test).skipped_busy,
				    1, "mmap_read_trylock() failure");

	/* Released: the next walk gets the page. */
	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	assert_page_state(test, 0, PAGE_ABSENT, "after unlock");
	KUNIT_EXPECT_NULL(test, test_user_page(priv->uaddr));
}

/* Reclaim skips a page while the alloc lock is held, and takes it afterwards. */
static void binder_alloc_test_reclaim_alloc_busy_skips(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	unsigned long walked;

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);

	mutex_lock(&alloc->mutex);
	walked = test_reclaim_all(test);
	mutex_unlock(&alloc->mutex);

	KUNIT_EXPECT_EQ(test, walked, 0);
	KUNIT_EXPECT_EQ(test, test_reclaim_counts(test).skipped_busy, 1);
	assert_page_state(test, 0, PAGE_ON_LRU, "while the alloc lock is held");
	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
}

/* After a partial munmap the rest of our VMA still maps pages: zap them. */
static void binder_alloc_test_reclaim_partial_munmap(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_buffer *buffer;
	unsigned long i;

	binder_alloc_test_map(test, 4 * PAGE_SIZE);
	buffer = test_new_buf(test, 4 * PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	binder_alloc_free_buf(test_alloc(test), buffer);

	KUNIT_ASSERT_EQ(test, vm_munmap(priv->uaddr + 3 * PAGE_SIZE, PAGE_SIZE),
			0);
	KUNIT_EXPECT_FALSE(test, binder_alloc_is_mapped(test_alloc(test)));
	KUNIT_EXPECT_NOT_NULL(test, test_user_page(priv->uaddr));

	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 4);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL_MSG(test,
				      test_user_page(priv->uaddr + i * PAGE_SIZE),
				      "page %lu left mapped in the rest of our VMA",
				      i);

	KUNIT_EXPECT_EQ(test, vm_munmap(priv->uaddr, 3 * PAGE_SIZE), 0);
}

/*
 * The race the alloc lock rules out: a new buffer claiming a page between
 * the shrinker emptying its slot and zapping its PTE would get -EBUSY,
 * adopt the dying page and lose it to the shrinker. While the shrinker
 * zaps, a claimant must wait.
 */
struct zap_check {
	struct test_thread claimant;
	bool started;
	bool lock_held;
	bool claimed_early;
};

static void claim_first_page(struct test_thread *t)
{
	t->result = (long)binder_alloc_new_buf(t->arg, PAGE_SIZE, 0, 0, 0);
}

/* Stands in for the shrinker's zap, with a claimant trying to get in. */
static void test_zap_while_claiming(struct binder_alloc *alloc,
				    struct vm_area_struct *vma,
				    unsigned long index)
{
	struct binder_alloc_test *priv = kunit_get_current_test()->priv;
	struct zap_check *zc = priv->zap;
	struct task_struct *task;

	zc->lock_held = mutex_is_locked(&alloc->mutex);

	zc->claimant.mm = alloc->mm;
	zc->claimant.fn = claim_first_page;
	zc->claimant.arg = alloc;
	init_completion(&zc->claimant.done);
	task = kthread_run(test_thread_fn, &zc->claimant, "binder_alloc_test");
	zc->started = !IS_ERR(task);

	/* Give the claimant every chance to slip in before the zap. */
	msleep(100);
	zc->claimed_early = completion_done(&zc->claimant.done);

	zap_page_range_single(vma, alloc->buffer + index * PAGE_SIZE,
			      PAGE_SIZE, NULL);
}

/* No buffer can claim a page while the shrinker zaps it (the alloc lock is held). */
static void binder_alloc_test_reclaim_zap_excludes_claim(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;
	struct zap_check zc = { };
	struct page *page;

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);

	priv->zap = &zc;
	kunit_activate_static_stub(test, binder_reclaim_zap_page,
				   test_zap_while_claiming);
	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	kunit_deactivate_static_stub(test, binder_reclaim_zap_page);
	KUNIT_ASSERT_TRUE(test, zc.started);
	test_thread_wait(&zc.claimant);

	KUNIT_EXPECT_TRUE_MSG(test, zc.lock_held,
			      "the shrinker zapped without the alloc lock");
	KUNIT_EXPECT_FALSE_MSG(test, zc.claimed_early,
			       "a buffer claimed the page during its zap");
	buffer = (struct binder_buffer *)zc.claimant.result;
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(buffer), "claim failed: %ld",
			       PTR_ERR(buffer));
	page = binder_alloc_installed_page(alloc, 0);
	KUNIT_EXPECT_NOT_NULL(test, page);
	KUNIT_EXPECT_PTR_EQ_MSG(test, test_user_page(priv->uaddr), page,
				"the claimant's page is not the one mapped");
	KUNIT_EXPECT_TRUE(test, test_user_is(test, priv->uaddr, PAGE_SIZE, 0));

	binder_alloc_free_buf(alloc, buffer);
}

/* ---------------------------------------------------------------------
 * Installation
 */

/* Map 64 KiB with the page array in place and page 0 absent. */
static void test_map_page0_absent(struct kunit *test)
{
	struct binder_buffer *first;

	binder_alloc_test_map(test, SZ_64K);
	first = test_new_buf(test, 0, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(first));
	binder_alloc_free_buf(test_alloc(test), first);
	test_reclaim_all(test);
}

/*
 * A PTE the allocator never installed sits where page 0 goes (nothing in
 * the kernel can put one there; this test does it by hand). The claim
 * rules out a PTE of ours, so the buffer fails with -EBUSY, and neither
 * the stranger's page nor anything of ours is lost or adopted.
 */
static void binder_alloc_test_install_stray_pte_fails_cleanly(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc *alloc = test_alloc(test);
	struct mm_struct *mm = current->mm;
	struct binder_buffer *buffer;
	struct vm_area_struct *vma;
	struct page *stray;
	long owned;
	int ret = -ESRCH;

	test_map_page0_absent(test);
	owned = binder_alloc_pages_owned();

	stray = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, stray);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, priv->uaddr);
	if (vma)
		ret = vm_insert_page(vma, priv->uaddr, stray);
	mmap_read_unlock(mm);
	if (ret)
		__free_page(stray);
	KUNIT_ASSERT_EQ(test, ret, 0);

	buffer = test_new_buf(test, 16, false);
	KUNIT_EXPECT_EQ(test, PTR_ERR(buffer), -EBUSY);
	KUNIT_EXPECT_NULL_MSG(test, binder_alloc_installed_page(alloc, 0),
			      "the allocator adopted a page it never installed");
	KUNIT_EXPECT_PTR_EQ(test, test_user_page(priv->uaddr), stray);
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_pages_owned(), owned,
			    "the failed install leaked its page");
	KUNIT_EXPECT_TRUE(test, list_is_singular(&alloc->buffers));

	binder_alloc_test_release_now(test);
	__free_page(stray);	/* the PTE's reference went with the munmap */
}

/*
 * The interleaving behind the slot overwrite: buffers A and B share page
 * 0, B's installer is slow to get its page, A's installs, and the user
 * zaps the PTE (MADV_DONTNEED) before B goes on. B must not install a
 * second page over the one A was filled through.
 */
struct slot_race {
	struct test_thread a;
	struct binder_buffer *buf_a;
	struct page *page_a;	/* slot 0 when A's allocation returned */
	u8 pattern[16];
	bool a_early;		/* A finished while B was still installing */
	bool stalled;
};

static void slot_race_alloc_a(struct test_thread *t)
{
	struct slot_race *sr = container_of(t, struct slot_race, a);
	struct binder_alloc *alloc = t->arg;

	sr->buf_a = binder_alloc_new_buf(alloc, 16, 0, 0, 0);
	if (IS_ERR(sr->buf_a))
		return;
	sr->page_a = binder_alloc_installed_page(alloc, 0);
	t->result = binder_alloc_copy_to_buffer(alloc, sr->buf_a, 0,
						sr->pattern,
						sizeof(sr->pattern));
}

/* The user zaps its own binder mapping, as MADV_DONTNEED does. */
static void test_user_zap(struct mm_struct *mm, unsigned long addr,
			  size_t size)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (vma)
		zap_page_range_single(vma, addr, size, NULL);
	mmap_read_unlock(mm);
}

/* B's page allocation: let A run and the user zap, then allocate. */
static struct page *slot_race_stall_b(struct binder_alloc *alloc,
				      unsigned long index)
{
	struct kunit *test = kunit_get_current_test();
	struct binder_alloc_test *priv = test->priv;
	struct slot_race *sr = priv->slot_race;

	kunit_deactivate_static_stub(test, binder_alloc_page_alloc);
	sr->stalled = true;
	test_thread_start(test, &sr->a, alloc->mm, slot_race_alloc_a, alloc);
	sr->a_early = test_thread_done_within(&sr->a, 300);
	test_user_zap(alloc->mm, priv->uaddr, PAGE_SIZE);
	return binder_alloc_page_alloc(alloc, index);
}

/* A user zap between two installers of one page does not let the second replace it. */
static void binder_alloc_test_install_claim_survives_user_zap(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buf_b;
	struct slot_race sr = { };
	u8 check[16];
	long owned;

	test_map_page0_absent(test);
	owned = binder_alloc_pages_owned();
	memset(sr.pattern, 0x5a, sizeof(sr.pattern));

	priv->slot_race = &sr;
	kunit_activate_static_stub(test, binder_alloc_page_alloc,
				   slot_race_stall_b);
	buf_b = test_new_buf(test, 16, false);
	KUNIT_ASSERT_TRUE(test, sr.stalled);
	test_thread_wait(&sr.a);

	KUNIT_ASSERT_FALSE(test, IS_ERR(buf_b));
	KUNIT_ASSERT_FALSE(test, IS_ERR(sr.buf_a));
	KUNIT_ASSERT_EQ(test, sr.a.result, 0);
	kunit_info(test, "A %s B's install\n",
		   sr.a_early ? "finished before" : "waited for");
	KUNIT_EXPECT_PTR_EQ_MSG(test, binder_alloc_installed_page(alloc, 0),
				sr.page_a,
				"slot of an in-use page was overwritten");
	KUNIT_EXPECT_EQ(test, binder_alloc_copy_from_buffer(alloc, check,
							    sr.buf_a, 0,
							    sizeof(check)), 0);
	KUNIT_EXPECT_MEMEQ_MSG(test, check, sr.pattern, sizeof(check),
			       "the kernel's view of buffer A changed");

	binder_alloc_free_buf(alloc, sr.buf_a);
	binder_alloc_free_buf(alloc, buf_b);
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_pages_owned(), owned + 1,
			    "pages owned: one page for A and B, no more");
	binder_alloc_test_release_now(test);
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_pages_owned(), owned,
			    "pages left behind after teardown");
}

/*
 * B holds the claim on page 0 and fails to get a page while A waits for
 * it: A must then install the page itself, not fail or hang.
 */
static struct page *slot_race_fail_b(struct binder_alloc *alloc,
				     unsigned long index)
{
	struct kunit *test = kunit_get_current_test();
	struct binder_alloc_test *priv = test->priv;
	struct slot_race *sr = priv->slot_race;

	sr->stalled = true;
	test_thread_start(test, &sr->a, alloc->mm, slot_race_alloc_a, alloc);
	sr->a_early = test_thread_done_within(&sr->a, 300);
	return NULL;
}

/* An installer waiting on another's claim installs the page itself when that claim fails. */
static void binder_alloc_test_install_waiter_retries_failed_claim(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buf_b;
	struct slot_race sr = { };

	binder_alloc_test_map(test, SZ_64K);
	priv->slot_race = &sr;
	kunit_activate_static_stub(test, binder_alloc_page_alloc,
				   slot_race_fail_b);
	buf_b = test_new_buf(test, 16, false);
	kunit_deactivate_static_stub(test, binder_alloc_page_alloc);
	test_thread_wait(&sr.a);

	KUNIT_EXPECT_EQ(test, PTR_ERR(buf_b), -ENOMEM);
	KUNIT_EXPECT_FALSE_MSG(test, sr.a_early,
			       "A did not wait for B's claim on the page");
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(sr.buf_a),
			       "A failed after B's claim failed: %ld",
			       PTR_ERR(sr.buf_a));
	KUNIT_EXPECT_NOT_NULL(test, sr.page_a);
	KUNIT_EXPECT_PTR_EQ(test, test_user_page(priv->uaddr), sr.page_a);

	binder_alloc_free_buf(alloc, sr.buf_a);
}

static struct page *test_page_alloc_fails(struct binder_alloc *alloc,
					  unsigned long index)
{
	return NULL;
}

/* A page that cannot be had fails the allocation with -ENOMEM and undoes all of it. */
static void binder_alloc_test_install_failure_frees_buffer(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;
	unsigned long i;

	binder_alloc_test_map(test, SZ_64K);

	/* Pages 0 and 1 installed and unused. */
	buffer = test_new_buf(test, 2 * PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	binder_alloc_free_buf(alloc, buffer);

	/* Pages 0 and 1 are reused, page 2 cannot be had. */
	kunit_activate_static_stub(test, binder_alloc_page_alloc,
				   test_page_alloc_fails);
	buffer = test_new_buf(test, 4 * PAGE_SIZE, true);
	kunit_deactivate_static_stub(test, binder_alloc_page_alloc);
	KUNIT_EXPECT_EQ(test, PTR_ERR(buffer), -ENOMEM);

	/* The buffer is gone, and so is everything it claimed. */
	KUNIT_EXPECT_TRUE(test, list_is_singular(&alloc->buffers));
	KUNIT_EXPECT_EQ(test, binder_alloc_get_allocated_count(alloc), 0);
	KUNIT_EXPECT_EQ(test, binder_alloc_get_free_async_space(alloc),
			SZ_64K / 2);
	for (i = 0; i < 2; i++)
		assert_page_state(test, i, PAGE_ON_LRU, "after failure");
	for (i = 2; i < SZ_64K / PAGE_SIZE; i++)
		assert_page_state(test, i, PAGE_ABSENT, "after failure");

	buffer = test_new_buf(test, 4 * PAGE_SIZE, true);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(buffer),
			       "allocation after a failure: %ld",
			       PTR_ERR(buffer));
	binder_alloc_free_buf(alloc, buffer);
}

/* A buffer of three install batches: each page is the one the user maps. */
static void binder_alloc_test_install_beyond_one_batch(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_alloc *alloc = test_alloc(test);
	const unsigned long pages = 40;
	struct binder_buffer *buffer;
	unsigned long i;

	binder_alloc_test_map(test, SZ_256K);
	buffer = test_new_buf(test, pages * PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	for (i = 0; i < pages; i++) {
		assert_page_state(test, i, PAGE_IN_USE, "after install");
		KUNIT_EXPECT_PTR_EQ_MSG(test,
					test_user_page(priv->uaddr + i * PAGE_SIZE),
					binder_alloc_installed_page(alloc, i),
					"page %lu: the user maps another page", i);
	}
	assert_page_state(test, pages, PAGE_ABSENT, "past the buffer");

	binder_alloc_free_buf(alloc, buffer);
}

/* After munmap, allocations fail with -ESRCH. */
static void binder_alloc_test_no_alloc_after_munmap(struct kunit *test)
{
	binder_alloc_test_map(test, SZ_64K);
	binder_alloc_test_unmap(test);
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, 8, false)), -ESRCH);
}

static void close_in_thread(struct test_thread *t)
{
	binder_alloc_vma_close(t->arg);
}

/*
 * After fork with MADV_DOFORK the child's copy of the VMA calls close()
 * on the parent's alloc when the child unmaps it or exits (from a task
 * with another mm, or none). That must not end the parent's mapping; the
 * parent's own munmap still does.
 */
static void binder_alloc_test_close_of_copy_keeps_mapping(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;
	struct test_thread t;

	binder_alloc_test_map(test, SZ_64K);
	test_thread_start(test, &t, NULL, close_in_thread, alloc);
	test_thread_wait(&t);
	KUNIT_EXPECT_TRUE_MSG(test, binder_alloc_is_mapped(alloc),
			      "close() of a VMA in another mm unmapped the alloc");
	buffer = test_new_buf(test, 16, false);
	KUNIT_EXPECT_FALSE(test, IS_ERR(buffer));
	if (!IS_ERR(buffer))
		binder_alloc_free_buf(alloc, buffer);

	binder_alloc_test_unmap(test);
}

/* ---------------------------------------------------------------------
 * Concurrency
 */

#define CONCURRENT_INSTALLERS	4
#define CONCURRENT_ROUNDS	300

struct concurrent_ctx {
	struct binder_alloc *alloc;
	struct list_lru *freelist;
	atomic_t installers_left;
	atomic_long_t errors;
	atomic_long_t reclaimed;
};

/*
 * Buffers of a few hundred bytes to a few pages, so that neighbours share
 * pages and installers race for the same page.
 */
static void concurrent_installer(struct test_thread *t)
{
	struct concurrent_ctx *ctx = t->arg;
	u32 seed = (u32)(unsigned long)t, pattern, check;
	int round;

	for (round = 0; round < CONCURRENT_ROUNDS; round++) {
		struct binder_buffer *buffer;
		size_t size, off;

		seed = seed * 1103515245 + 12345;
		size = 8 + (seed >> 8) % (3 * PAGE_SIZE);
		buffer = binder_alloc_new_buf(ctx->alloc, size, 0, 0, 0);
		if (IS_ERR(buffer)) {
			/* Space may be short with four of us: not an error. */
			if (PTR_ERR(buffer) != -ENOSPC)
				atomic_long_inc(&ctx->errors);
			continue;
		}
		pattern = seed;
		for (off = 0; off + 4 <= size; off += 4)
			binder_alloc_copy_to_buffer(ctx->alloc, buffer, off,
						    &pattern, 4);
		for (off = 0; off + 4 <= size; off += 4) {
			binder_alloc_copy_from_buffer(ctx->alloc, &check,
						      buffer, off, 4);
			if (check != pattern) {
				atomic_long_inc(&ctx->errors);
				break;
			}
		}
		binder_alloc_free_buf(ctx->alloc, buffer);
		cond_resched();
	}
	atomic_dec(&ctx->installers_left);
}

static void concurrent_reclaimer(struct test_thread *t)
{
	struct concurrent_ctx *ctx = t->arg;

	while (atomic_read(&ctx->installers_left)) {
		atomic_long_add(list_lru_walk(ctx->freelist,
					      binder_alloc_free_page, NULL, 8),
				&ctx->reclaimed);
		cond_resched();
	}
}

/* Installers and a reclaimer racing on shared pages: no failure, no corrupt byte. */
static void binder_alloc_test_concurrent_install_reclaim(struct kunit *test)
{
	struct test_thread threads[CONCURRENT_INSTALLERS + 1];
	struct binder_alloc *alloc = test_alloc(test);
	struct concurrent_ctx ctx = {
		.alloc = alloc,
		.freelist = test_freelist(test),
		.installers_left = ATOMIC_INIT(CONCURRENT_INSTALLERS),
	};
	unsigned long index;
	int i;

	binder_alloc_test_map(test, 16 * PAGE_SIZE);

	for (i = 0; i < CONCURRENT_INSTALLERS; i++)
		test_thread_start(test, &threads[i], current->mm,
				  concurrent_installer, &ctx);
	test_thread_start(test, &threads[i], current->mm, concurrent_reclaimer,
			  &ctx);
	for (i = 0; i <= CONCURRENT_INSTALLERS; i++)
		test_thread_wait(&threads[i]);

	kunit_info(test, "reclaimed %ld pages while installing\n",
		   atomic_long_read(&ctx.reclaimed));
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&ctx.errors), 0,
			    "failed allocations or corrupted buffers");
	KUNIT_EXPECT_TRUE(test, list_is_singular(&alloc->buffers));

	/* Nothing is in use: every page is unused or absent, consistently. */
	for (index = 0; index < 16; index++) {
		enum test_page_state state = test_page_state(alloc, index);

		KUNIT_EXPECT_NE_MSG(test, state, PAGE_IN_USE,
				    "page %lu in use with no buffer", index);
		assert_page_mdata(test, index);
	}
	test_reclaim_all(test);
	for (index = 0; index < 16; index++)
		assert_page_state(test, index, PAGE_ABSENT, "after reclaim");
}

/* ---------------------------------------------------------------------
 * Buffer space
 */

/* A buffer goes into the smallest free hole it fits. */
static void binder_alloc_test_best_fit(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *b[6], *fit;
	static const size_t sizes[] = { 256, 64, 1024, 64, 512, 64 };
	int i;

	binder_alloc_test_map(test, SZ_64K);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		b[i] = test_new_buf(test, sizes[i], false);
		KUNIT_ASSERT_FALSE(test, IS_ERR(b[i]));
	}
	/* Holes of 256, 1024 and 512 bytes, then the free tail. */
	binder_alloc_free_buf(alloc, b[0]);
	binder_alloc_free_buf(alloc, b[2]);
	binder_alloc_free_buf(alloc, b[4]);

	fit = test_new_buf(test, 300, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fit));
	KUNIT_EXPECT_EQ_MSG(test, fit->user_data, b[4]->user_data,
			    "304 bytes belong in the 512-byte hole");
	binder_alloc_free_buf(alloc, fit);

	fit = test_new_buf(test, 256, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(fit));
	KUNIT_EXPECT_EQ_MSG(test, fit->user_data, b[0]->user_data,
			    "an exact fit beats every larger hole");
	binder_alloc_free_buf(alloc, fit);

	for (i = 1; i < ARRAY_SIZE(sizes); i += 2)
		binder_alloc_free_buf(alloc, b[i]);
}

static int test_count_buffers(struct binder_alloc *alloc, bool free)
{
	struct binder_buffer *buffer;
	int n = 0;

	list_for_each_entry(buffer, &alloc->buffers, entry)
		n += buffer->free == free;
	return n;
}

/* Allocation splits free buffers; freeing merges neighbours back into one. */
static void binder_alloc_test_split_and_merge(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *a, *b, *c;

	binder_alloc_test_map(test, SZ_64K);
	a = test_new_buf(test, 100, false);
	b = test_new_buf(test, 200, false);
	c = test_new_buf(test, 300, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a) || IS_ERR(b) || IS_ERR(c));

	KUNIT_EXPECT_EQ(test, b->user_data, a->user_data + 104);
	KUNIT_EXPECT_EQ(test, c->user_data, b->user_data + 200);
	KUNIT_EXPECT_EQ(test, test_count_buffers(alloc, true), 1);

	binder_alloc_free_buf(alloc, b);
	KUNIT_EXPECT_EQ_MSG(test, test_count_buffers(alloc, true), 2,
			    "a hole and the tail");
	binder_alloc_free_buf(alloc, a);
	KUNIT_EXPECT_EQ_MSG(test, test_count_buffers(alloc, true), 2,
			    "freeing next to a hole merges with it");
	binder_alloc_free_buf(alloc, c);
	KUNIT_EXPECT_TRUE_MSG(test, list_is_singular(&alloc->buffers),
			      "all free: one buffer spanning the space");
}

/* A request larger than the largest free buffer is -ENOSPC. */
static void binder_alloc_test_enospc_when_full(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *all, *half;

	binder_alloc_test_map(test, SZ_64K);
	all = test_new_buf(test, SZ_64K, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(all));
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, 0, false)), -ENOSPC);
	binder_alloc_free_buf(alloc, all);

	half = test_new_buf(test, SZ_32K, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(half));
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, SZ_32K + 8, false)),
			-ENOSPC);
	binder_alloc_free_buf(alloc, half);
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, SZ_64K + 8, false)),
			-ENOSPC);
}

/* Sizes whose sum overflows are -EINVAL and allocate nothing. */
static void binder_alloc_test_size_overflow_einval(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);

	binder_alloc_test_map(test, SZ_64K);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(binder_alloc_new_buf(alloc, SIZE_MAX, 0, 0, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(binder_alloc_new_buf(alloc, SIZE_MAX / 2 + 8,
						     SIZE_MAX / 2 + 8, 0, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(binder_alloc_new_buf(alloc, 8, 8,
						     SIZE_MAX - 8, 0)),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&alloc->buffers));
}

/* Empty buffers are padded to 8 bytes: each has an address of its own. */
static void binder_alloc_test_zero_size_padded(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *a, *b;

	binder_alloc_test_map(test, SZ_64K);
	a = test_new_buf(test, 0, false);
	b = test_new_buf(test, 0, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a) || IS_ERR(b));
	KUNIT_EXPECT_NE_MSG(test, a->user_data, b->user_data,
			    "empty buffers must have their own addresses");
	KUNIT_EXPECT_EQ(test, b->user_data - a->user_data, 8);
	binder_alloc_free_buf(alloc, a);
	binder_alloc_free_buf(alloc, b);
}

/* Async space is charged exactly the padded size of each buffer, and given back. */
static void binder_alloc_test_async_space_accounting(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	const size_t space = 4 * PAGE_SIZE;
	const int fits = space / 2 / 8;
	struct binder_buffer **buffers;
	int i, n;

	buffers = kunit_kcalloc(test, fits + 1, sizeof(*buffers), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buffers);
	binder_alloc_test_map(test, space);

	/* 0- and 8-byte buffers alternately: each costs exactly 8 bytes. */
	for (n = 0; n < fits; n++) {
		buffers[n] = test_new_buf(test, (n & 1) * 8, true);
		if (IS_ERR(buffers[n]))
			break;
	}
	KUNIT_EXPECT_EQ_MSG(test, n, fits, "async buffers of 8 bytes in %zu",
			    space / 2);
	KUNIT_EXPECT_EQ(test, binder_alloc_get_free_async_space(alloc), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(test_new_buf(test, 0, true)), -ENOSPC);

	/* Sync buffers may still use the other half. */
	buffers[n] = test_new_buf(test, space / 2, false);
	KUNIT_EXPECT_FALSE(test, IS_ERR(buffers[n]));
	if (!IS_ERR(buffers[n]))
		binder_alloc_free_buf(alloc, buffers[n]);

	for (i = 0; i < n; i++)
		binder_alloc_free_buf(alloc, buffers[i]);
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_get_free_async_space(alloc),
			    space / 2, "async space not fully restored");
}

struct spam_ctx {
	struct binder_alloc *alloc;
	struct binder_buffer *buffers[8];
	int count;
	size_t size;
};

static void spam_alloc_in_thread(struct test_thread *t)
{
	struct spam_ctx *ctx = t->arg;
	int i;

	for (i = 0; i < ctx->count; i++)
		ctx->buffers[i] = binder_alloc_new_buf(ctx->alloc, ctx->size,
						       0, 0, 1);
}

/* Another sender (its own thread group) takes @count async buffers. */
static void spam_other_sender(struct kunit *test, struct spam_ctx *ctx,
			      int count, size_t size)
{
	struct test_thread t;
	int i;

	ctx->alloc = test_alloc(test);
	ctx->count = count;
	ctx->size = size;
	test_thread_start(test, &t, current->mm, spam_alloc_in_thread, ctx);
	test_thread_wait(&t);
	for (i = 0; i < count; i++) {
		KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->buffers[i]));
		KUNIT_EXPECT_FALSE_MSG(test, ctx->buffers[i]->oneway_spam_suspect,
				       "%d buffers, %zu bytes is no spam",
				       count, count * size);
	}
}

static void spam_free(struct kunit *test, struct binder_buffer **buffers,
		      int count)
{
	while (count--)
		binder_alloc_free_buf(test_alloc(test), buffers[count]);
}

/*
 * With less than a tenth of the space left for async buffers, a sender
 * already holding more than 50 of them, or more than a quarter of the
 * space, is reported; once, until async space is healthy again.
 */
static void binder_alloc_test_oneway_spam_by_bytes(struct kunit *test)
{
	const size_t space = 16 * PAGE_SIZE, big = space / 16;
	struct binder_buffer *mine[8];
	int i;

	binder_alloc_test_map(test, space);

	/* The 7th buffer of space/16 leaves space/16 < space/10. */
	for (i = 0; i < 8; i++) {
		mine[i] = test_new_buf(test, big, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(mine[i]));
		KUNIT_EXPECT_EQ_MSG(test, (bool)mine[i]->oneway_spam_suspect, i == 6,
				    "async buffer %d of %zu bytes", i, big);
	}

	/* Healthy again (3/16 left): the report re-arms. */
	spam_free(test, &mine[5], 3);
	mine[5] = test_new_buf(test, 8, true);
	mine[6] = test_new_buf(test, big, true);
	mine[7] = test_new_buf(test, big, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mine[5]) || IS_ERR(mine[6]) ||
			   IS_ERR(mine[7]));
	KUNIT_EXPECT_FALSE(test, mine[5]->oneway_spam_suspect);
	KUNIT_EXPECT_FALSE(test, mine[6]->oneway_spam_suspect);
	KUNIT_EXPECT_TRUE_MSG(test, mine[7]->oneway_spam_suspect,
			      "crossing the threshold again reports again");

	spam_free(test, mine, 8);
}

/* Holding more than 50 async buffers marks the sender as a oneway spam suspect. */
static void binder_alloc_test_oneway_spam_by_count(struct kunit *test)
{
	const size_t space = 16 * PAGE_SIZE, big = space / 16;
	struct spam_ctx first = { }, second = { };
	struct binder_buffer *mine[52];
	int i;

	binder_alloc_test_map(test, space);

	/* Two others leave space/16 for async, each under both limits. */
	spam_other_sender(test, &first, 4, big);
	spam_other_sender(test, &second, 3, big);

	/* Small buffers: only holding more than 50 makes us a suspect. */
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		mine[i] = test_new_buf(test, 8, true);
		KUNIT_ASSERT_FALSE(test, IS_ERR(mine[i]));
		KUNIT_EXPECT_EQ_MSG(test, (bool)mine[i]->oneway_spam_suspect, i == 51,
				    "async buffer %d of 8 bytes", i);
	}

	spam_free(test, mine, ARRAY_SIZE(mine));
	spam_free(test, second.buffers, second.count);
	spam_free(test, first.buffers, first.count);
	KUNIT_EXPECT_EQ(test,
			binder_alloc_get_free_async_space(test_alloc(test)),
			space / 2);
}

/* ---------------------------------------------------------------------
 * Copies, frees, clearing, teardown
 */

/* Copies into and out of a buffer that spans pages give back every byte. */
static void binder_alloc_test_copy_round_trip(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	const size_t size = 3 * PAGE_SIZE;
	struct binder_buffer *head, *buffer;
	unsigned long uaddr, left;
	u8 *src, *dst;
	size_t i;
	int ret;

	src = kunit_kmalloc(test, size, GFP_KERNEL);
	dst = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	for (i = 0; i < size; i++)
		src[i] = i * 7 + 3;

	binder_alloc_test_map(test, SZ_64K);
	/* Start mid-page so every copy crosses page boundaries. */
	head = test_new_buf(test, 200, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(head));
	buffer = test_new_buf(test, size, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	KUNIT_EXPECT_EQ(test, offset_in_page(buffer->user_data), 200);

	KUNIT_EXPECT_EQ(test, binder_alloc_copy_to_buffer(alloc, buffer, 0,
							  src, size), 0);
	KUNIT_EXPECT_EQ(test, binder_alloc_copy_from_buffer(alloc, dst, buffer,
							    0, size), 0);
	KUNIT_EXPECT_MEMEQ(test, dst, src, size);

	/* The receiver sees the same bytes in its mapping. */
	KUNIT_EXPECT_EQ(test, copy_from_user(dst, (void __user *)
					     buffer->user_data, size), 0);
	KUNIT_EXPECT_MEMEQ(test, dst, src, size);

	/* From userspace, at an offset inside a page. */
	uaddr = kunit_vm_mmap(test, NULL, 0, size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(uaddr));
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)uaddr, src, size), 0);
	left = binder_alloc_copy_user_to_buffer(alloc, buffer, PAGE_SIZE - 4,
						(void __user *)uaddr, 8);
	KUNIT_EXPECT_EQ(test, left, 0);
	ret = binder_alloc_copy_from_buffer(alloc, dst, buffer, PAGE_SIZE - 4,
					    8);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_MEMEQ(test, dst, src, 8);

	binder_alloc_free_buf(alloc, buffer);
	binder_alloc_free_buf(alloc, head);
}

/* Copies at misaligned, out-of-range or wrapping offsets are -EINVAL. */
static void binder_alloc_test_copy_rejects_bad_ranges(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;
	unsigned long left;
	u32 word = 0;
	int ret;

	binder_alloc_test_map(test, SZ_64K);
	buffer = test_new_buf(test, 64, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));

	ret = binder_alloc_copy_to_buffer(alloc, buffer, 2, &word, 4);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "misaligned offset");
	ret = binder_alloc_copy_to_buffer(alloc, buffer, 64, &word, 4);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "offset at the end");
	ret = binder_alloc_copy_from_buffer(alloc, &word, buffer, 60, 8);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "length past the end");
	ret = binder_alloc_copy_from_buffer(alloc, &word, buffer,
					    (binder_size_t)-4, 4);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "offset wrapping around");
	left = binder_alloc_copy_user_to_buffer(alloc, buffer, 64,
						(void __user *)8, 4);
	KUNIT_EXPECT_EQ_MSG(test, left, 4, "user copy past the end");
	ret = binder_alloc_copy_to_buffer(alloc, buffer, 60, &word, 4);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "last word of the buffer");

	binder_alloc_free_buf(alloc, buffer);
}

/* No copy into a free buffer, nor into one userspace may free. */
static void binder_alloc_test_copy_rejects_free_and_user_freeable(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer, *spare;
	u32 word = 0;

	binder_alloc_test_map(test, SZ_64K);
	buffer = test_new_buf(test, 64, false);
	spare = test_new_buf(test, 64, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer) || IS_ERR(spare));

	/* Delivered to userspace, transaction still attached. */
	buffer->allow_user_free = 1;
	buffer->transaction = (struct binder_transaction *)buffer;
	KUNIT_EXPECT_EQ(test, binder_alloc_copy_to_buffer(alloc, buffer, 0,
							  &word, 4), -EINVAL);
	/* Being torn down: the transaction is gone, the kernel may look. */
	buffer->transaction = NULL;
	KUNIT_EXPECT_EQ(test, binder_alloc_copy_from_buffer(alloc, &word,
							    buffer, 0, 4), 0);

	/* Free: never. (Its struct stays valid: the next buffer is live.) */
	binder_alloc_free_buf(alloc, buffer);
	KUNIT_EXPECT_EQ(test, binder_alloc_copy_to_buffer(alloc, buffer, 0,
							  &word, 4), -EINVAL);

	binder_alloc_free_buf(alloc, spare);
}

/* BC_FREE_BUFFER lookups: unknown, inside, undelivered and double frees are refused. */
static void binder_alloc_test_prepare_to_free(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer, *found;

	binder_alloc_test_map(test, SZ_64K);
	buffer = test_new_buf(test, 64, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));

	found = binder_alloc_prepare_to_free(alloc, 0x1000);
	KUNIT_EXPECT_NULL_MSG(test, found, "unknown pointer");
	found = binder_alloc_prepare_to_free(alloc, buffer->user_data + 8);
	KUNIT_EXPECT_NULL_MSG(test, found, "pointer inside a buffer");
	found = binder_alloc_prepare_to_free(alloc, buffer->user_data);
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(found), -EPERM,
			    "buffer not yet delivered");

	buffer->allow_user_free = 1;
	found = binder_alloc_prepare_to_free(alloc, buffer->user_data);
	KUNIT_EXPECT_PTR_EQ(test, found, buffer);
	found = binder_alloc_prepare_to_free(alloc, buffer->user_data);
	KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(found), -EPERM, "double free");

	binder_alloc_free_buf(alloc, buffer);
	found = binder_alloc_prepare_to_free(alloc, buffer->user_data);
	KUNIT_EXPECT_NULL_MSG(test, found, "already freed");
}

static bool test_page_is(struct page *page, size_t off, size_t len, u8 value)
{
	u8 *p = kmap_local_page(page);
	bool ok = !memchr_inv(p + off, value, len);

	kunmap_local(p);
	return ok;
}

/*
 * A TF_CLEAR_BUF buffer is zeroed when freed, in the kernel and in userspace.
 */
static void binder_alloc_test_clear_on_free(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *buffer;
	struct page *page;
	u8 *junk;

	junk = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, junk);
	memset(junk, 0xa5, PAGE_SIZE);
	binder_alloc_test_map(test, SZ_64K);

	buffer = test_new_buf(test, 256, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	binder_alloc_copy_to_buffer(alloc, buffer, 0, junk, 256);
	binder_alloc_free_buf(alloc, buffer);
	page = binder_alloc_installed_page(alloc, 0);
	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_TRUE_MSG(test, test_page_is(page, 0, 256, 0xa5),
			      "without TF_CLEAR_BUF the data may stay");

	buffer = test_new_buf(test, 256, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buffer));
	binder_alloc_copy_to_buffer(alloc, buffer, 0, junk, 256);
	buffer->clear_on_free = 1;
	binder_alloc_free_buf(alloc, buffer);
	KUNIT_EXPECT_TRUE_MSG(test, test_page_is(page, 0, 256, 0),
			      "TF_CLEAR_BUF buffer not zeroed on free");
	KUNIT_EXPECT_TRUE(test, test_user_is(test, alloc->buffer, 256, 0));
}

/* Teardown frees every buffer and page, zeroing TF_CLEAR_BUF ones, and drops its references. */
static void binder_alloc_test_teardown_frees_everything(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	long owned = binder_alloc_pages_owned();
	struct binder_buffer *a, *b, *c;
	struct page *page;
	u8 *junk;

	junk = kunit_kmalloc(test, 64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, junk);
	memset(junk, 0xa5, 64);

	binder_alloc_test_map(test, SZ_64K);
	a = test_new_buf(test, PAGE_SIZE, false);
	b = test_new_buf(test, 2 * PAGE_SIZE, true);
	c = test_new_buf(test, 64, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a) || IS_ERR(b) || IS_ERR(c));
	binder_alloc_copy_to_buffer(alloc, c, 0, junk, 64);
	c->clear_on_free = 1;
	binder_alloc_free_buf(alloc, a);
	KUNIT_ASSERT_EQ(test, list_lru_count(test_freelist(test)), 1);

	/* Keep a reference to see the allocator drop its own. */
	page = binder_alloc_installed_page(alloc, 3);
	KUNIT_ASSERT_NOT_NULL(test, page);
	get_page(page);

	binder_alloc_test_unmap(test);
	KUNIT_EXPECT_EQ(test, page_count(page), 2);
	binder_alloc_test_release_now(test);

	KUNIT_EXPECT_EQ(test, list_lru_count(test_freelist(test)), 0);
	KUNIT_EXPECT_EQ_MSG(test, page_count(page), 1,
			    "the allocator kept its page reference");
	KUNIT_EXPECT_TRUE_MSG(test, test_page_is(page, 0, 64, 0),
			      "TF_CLEAR_BUF buffer not zeroed at teardown");
	KUNIT_EXPECT_NULL(test, alloc->pages);
	KUNIT_EXPECT_TRUE(test, list_empty(&alloc->buffers));
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_pages_owned(), owned,
			    "pages owned did not come back after teardown");
	put_page(page);
}

/*
 * A reclaimer that freed a page without a zap (the mapping is gone) has
 * dropped every lock but is still in its callback when teardown starts.
 * binder.c frees the alloc as soon as teardown returns, so teardown must
 * wait for the reclaimer to leave.
 */
struct teardown_race {
	struct test_thread teardown;
	bool stalled;
	bool early;	/* teardown returned while the reclaimer was inside */
};

static void teardown_in_thread(struct test_thread *t)
{
	binder_alloc_deferred_release(t->arg);
}

/* The reclaimer's free of the page, after its unlocks: tear down now. */
static void teardown_race_free_page(struct page *page)
{
	struct kunit *test = kunit_get_current_test();
	struct binder_alloc_test *priv = test->priv;
	struct teardown_race *tr = priv->teardown;

	kunit_deactivate_static_stub(test, binder_alloc_free_page_and_mdata);
	tr->stalled = true;
	test_thread_start(test, &tr->teardown, current->mm, teardown_in_thread,
			  &priv->alloc);
	tr->early = test_thread_done_within(&tr->teardown, 300);
	binder_alloc_free_page_and_mdata(page);
}

/* Teardown waits for a reclaimer still inside its callback before returning. */
static void binder_alloc_test_teardown_waits_for_reclaimer(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct teardown_race tr = { };

	binder_alloc_test_map(test, SZ_64K);
	test_one_unused_page(test);
	binder_alloc_test_unmap(test);

	priv->teardown = &tr;
	kunit_activate_static_stub(test, binder_alloc_free_page_and_mdata,
				   teardown_race_free_page);
	KUNIT_EXPECT_EQ(test, test_reclaim_all(test), 1);
	KUNIT_ASSERT_TRUE(test, tr.stalled);
	test_thread_wait(&tr.teardown);
	/* The thread released the allocator. */
	kunit_remove_action(test, binder_alloc_test_release, priv);

	KUNIT_EXPECT_FALSE_MSG(test, tr.early,
			       "teardown returned while a reclaimer still used the alloc");
}

/*
 * The same race for real, under KASAN: allocs in memory of their own,
 * freed right after teardown, as binder_free_proc() does, while several
 * threads walk the freelist.
 */
#define TEARDOWN_ROUNDS		100
#define TEARDOWN_PAGES		4
#define TEARDOWN_RECLAIMERS	3

struct teardown_stress {
	struct list_lru *freelist;
	atomic_t stop;
	atomic_long_t reclaimed;
};

static void teardown_stress_reclaimer(struct test_thread *t)
{
	struct teardown_stress *ts = t->arg;

	while (!atomic_read(&ts->stop)) {
		atomic_long_add(list_lru_walk(ts->freelist,
					      binder_alloc_free_page, NULL, 1),
				&ts->reclaimed);
		cond_resched();
	}
}

/* One alloc with TEARDOWN_PAGES unused pages, unmapped; or NULL. */
static struct binder_alloc *teardown_stress_alloc(struct kunit *test)
{
	struct binder_alloc_test *priv = test->priv;
	struct binder_buffer *buffers[TEARDOWN_PAGES];
	struct binder_alloc *alloc;
	unsigned long addr;
	struct file *filp;
	int i;

	alloc = kzalloc(sizeof(*alloc), GFP_KERNEL);
	if (!alloc)
		return NULL;
	__binder_alloc_init(alloc, &priv->freelist);
	filp = anon_inode_getfile("[binder_alloc_test]",
				  &binder_alloc_test_fops, alloc, O_RDWR);
	if (IS_ERR(filp))
		goto err_release;
	addr = vm_mmap(filp, 0, SZ_64K, PROT_READ, MAP_PRIVATE, 0);
	fput(filp);	/* the VMA holds its own reference */
	if (IS_ERR_VALUE(addr))
		goto err_release;
	for (i = 0; i < TEARDOWN_PAGES; i++) {
		buffers[i] = binder_alloc_new_buf(alloc, PAGE_SIZE, 0, 0, 0);
		if (IS_ERR(buffers[i]))
			break;
	}
	while (--i >= 0)
		binder_alloc_free_buf(alloc, buffers[i]);
	vm_munmap(addr, SZ_64K);
	return alloc;

err_release:
	binder_alloc_deferred_release(alloc);
	kfree(alloc);
	return NULL;
}

/*
 * Allocs torn down and freed while reclaimers walk the freelist: nothing
 * left, no use after free.
 */
static void binder_alloc_test_teardown_races_reclaimers(struct kunit *test)
{
	struct test_thread threads[TEARDOWN_RECLAIMERS];
	struct teardown_stress ts = { .freelist = test_freelist(test) };
	long owned = binder_alloc_pages_owned();
	int round, i, made = 0;

	for (i = 0; i < TEARDOWN_RECLAIMERS; i++)
		test_thread_start(test, &threads[i], current->mm,
				  teardown_stress_reclaimer, &ts);
	for (round = 0; round < TEARDOWN_ROUNDS; round++) {
		struct binder_alloc *alloc = teardown_stress_alloc(test);

		if (!alloc)
			continue;
		made++;
		/* A different moment each round for the reclaimers to be in. */
		fsleep(round % 20);
		binder_alloc_deferred_release(alloc);
		kfree(alloc);
		cond_resched();
	}
	atomic_set(&ts.stop, 1);
	for (i = 0; i < TEARDOWN_RECLAIMERS; i++)
		test_thread_wait(&threads[i]);

	kunit_info(test, "%d allocs torn down, %ld pages reclaimed meanwhile\n",
		   made, atomic_long_read(&ts.reclaimed));
	KUNIT_EXPECT_EQ(test, made, TEARDOWN_ROUNDS);
	KUNIT_EXPECT_EQ(test, list_lru_count(test_freelist(test)), 0);
	KUNIT_EXPECT_EQ_MSG(test, binder_alloc_pages_owned(), owned,
			    "pages left behind after teardown");
}

/* debugfs' page counts: active:lru:free, the high watermark and the reclaim counters. */
static void binder_alloc_test_print_pages(struct kunit *test)
{
	struct binder_alloc *alloc = test_alloc(test);
	struct binder_buffer *a, *b;
	struct seq_file m = { };
	char *buf;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	m.buf = buf;
	m.size = PAGE_SIZE;

	binder_alloc_test_map(test, 16 * PAGE_SIZE);
	a = test_new_buf(test, 2 * PAGE_SIZE, false);
	b = test_new_buf(test, PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a) || IS_ERR(b));
	binder_alloc_free_buf(alloc, a);
	test_reclaim_all(test);
	a = test_new_buf(test, PAGE_SIZE, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	binder_alloc_free_buf(alloc, a);

	binder_alloc_print_pages(&m, alloc);
	KUNIT_EXPECT_STREQ(test, buf,
			   "  pages: 1:1:14\n"
			   "  pages high watermark: 3\n"
			   "  pages reclaimed: 2 skipped busy: 0 skipped no vma: 0 foreign vma: 0\n");

	binder_alloc_free_buf(alloc, b);
}

static struct kunit_case binder_alloc_test_cases[] = {
	KUNIT_CASE(binder_alloc_test_mmap_one_free_buffer),
	KUNIT_CASE(binder_alloc_test_mmap_caps_size_at_4m),
	KUNIT_CASE(binder_alloc_test_mmap_twice_ebusy),
	KUNIT_CASE(binder_alloc_test_mmap_foreign_mm_einval),
	KUNIT_CASE(binder_alloc_test_layouts_sampled),
	KUNIT_CASE_PARAM_ATTR(binder_alloc_test_layouts_exhaustive,
			      layout_gen_params, { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(binder_alloc_test_reclaim_mapped_zaps),
	KUNIT_CASE(binder_alloc_test_reclaim_unmapped_frees),
	KUNIT_CASE(binder_alloc_test_reclaim_counts_as_progress),
	KUNIT_CASE(binder_alloc_test_reclaim_foreign_vma_untouched),
	KUNIT_CASE(binder_alloc_test_reclaim_other_binder_vma),
	KUNIT_CASE(binder_alloc_test_reclaim_vma_locked_skips),
	KUNIT_CASE(binder_alloc_test_reclaim_alloc_busy_skips),
	KUNIT_CASE(binder_alloc_test_reclaim_partial_munmap),
	KUNIT_CASE(binder_alloc_test_reclaim_zap_excludes_claim),
	KUNIT_CASE(binder_alloc_test_install_stray_pte_fails_cleanly),
	KUNIT_CASE(binder_alloc_test_install_claim_survives_user_zap),
	KUNIT_CASE(binder_alloc_test_install_waiter_retries_failed_claim),
	KUNIT_CASE(binder_alloc_test_install_failure_frees_buffer),
	KUNIT_CASE(binder_alloc_test_install_beyond_one_batch),
	KUNIT_CASE(binder_alloc_test_no_alloc_after_munmap),
	KUNIT_CASE(binder_alloc_test_close_of_copy_keeps_mapping),
	KUNIT_CASE(binder_alloc_test_concurrent_install_reclaim),
	KUNIT_CASE(binder_alloc_test_best_fit),
	KUNIT_CASE(binder_alloc_test_split_and_merge),
	KUNIT_CASE(binder_alloc_test_enospc_when_full),
	KUNIT_CASE(binder_alloc_test_size_overflow_einval),
	KUNIT_CASE(binder_alloc_test_zero_size_padded),
	KUNIT_CASE(binder_alloc_test_async_space_accounting),
	KUNIT_CASE(binder_alloc_test_oneway_spam_by_bytes),
	KUNIT_CASE(binder_alloc_test_oneway_spam_by_count),
	KUNIT_CASE(binder_alloc_test_copy_round_trip),
	KUNIT_CASE(binder_alloc_test_copy_rejects_bad_ranges),
	KUNIT_CASE(binder_alloc_test_copy_rejects_free_and_user_freeable),
	KUNIT_CASE(binder_alloc_test_prepare_to_free),
	KUNIT_CASE(binder_alloc_test_clear_on_free),
	KUNIT_CASE(binder_alloc_test_teardown_frees_everything),
	KUNIT_CASE(binder_alloc_test_teardown_waits_for_reclaimer),
	KUNIT_CASE(binder_alloc_test_teardown_races_reclaimers),
	KUNIT_CASE(binder_alloc_test_print_pages),
	{}
};

static struct kunit_suite binder_alloc_test_suite = {
	.name = "binder_alloc",
	.init = binder_alloc_test_init,
	.test_cases = binder_alloc_test_cases,
};

kunit_test_suite(binder_alloc_test_suite);

/*
 * mm_alloc(), for the foreign-mm case, is exported to modules only in
 * this namespace (EXPORT_SYMBOL_IF_KUNIT() in kernel/fork.c): modpost
 * refuses binder_linux.ko with KUnit otherwise.
 */
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
