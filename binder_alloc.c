// SPDX-License-Identifier: GPL-2.0-only
/*
 * Binder buffer allocator.
 *
 * Every process that opens binder maps one read-only region (at most 4 MiB
 * used) and receives its transactions there: the sender's thread copies the
 * payload straight into pages of the receiver's mapping. This file carves
 * buffers out of that region and installs pages into it on demand; pages
 * no buffer uses go on a list_lru, binder_freelist, and are reclaimed from
 * there under memory pressure (binder_alloc_free_page(); binder_shrinker.c
 * registers the shrinker that walks the list). This file owns a page's
 * whole life: its metadata, its slot, its freelist membership and its
 * reclaim.
 *
 * Page states
 * ===========
 *
 * A page of the buffer space is in exactly one of these states:
 *
 *  absent:  alloc->pages[i] is NULL and no PTE of ours maps it;
 *  claimed: alloc->pages[i] is BINDER_PAGE_CLAIMED: an installer for an
 *           allocated buffer that overlaps the page is putting one there;
 *  in use:  alloc->pages[i] is a page, some allocated buffer overlaps it
 *           and it is not on the freelist;
 *  unused:  alloc->pages[i] is a page, no allocated buffer overlaps it and
 *           it is on the freelist, still mapped to userspace.
 *
 * absent -> claimed:  binder_install_buffer_pages(), after the buffer was
 *                     carved, with cmpxchg(); one installer wins.
 * claimed -> in use:  binder_publish_slot() publishes the inserted page.
 * claimed -> absent:  binder_publish_slot(), when installation failed.
 * in use -> unused:   binder_free_buf_locked(), through
 *                     binder_update_own_pages_locked().
 * unused -> in use:   binder_alloc_new_buf_locked() takes the page off the
 *                     freelist (binder_update_own_pages_locked()); no
 *                     installation is needed.
 * unused -> absent:   the shrinker, binder_alloc_free_page().
 * any -> absent:      binder_alloc_deferred_release(), when no buffer and
 *                     no installer is left.
 *
 * So the slot of a page that an allocated buffer overlaps never changes
 * once it holds the page, whatever happens to the PTE: the kernel always
 * reads and writes a buffer through the pages it installed for it.
 *
 * The locking rules are "DOC: Locking" below; what reclaim does, and why
 * it is safe against reuse and teardown, "DOC: Reclaim", "DOC: Reclaim
 * versus reuse" and "DOC: Reclaim versus teardown" further down.
 * Documentation/binder_alloc.rst includes them.
 */

/**
 * DOC: Locking
 *
 * .. list-table:: The allocator's locks, outermost first
 *    :header-rows: 1
 *    :widths: 22 43 35
 *
 *    * - Lock
 *      - Protects
 *      - Order, and who takes it
 *    * - ``mmap_lock`` for write
 *      - The mm's VMAs; the mm core holds it around mmap, munmap and
 *        mremap (munmap downgrades it to read before it calls
 *        ``close()``).
 *      - Outermost. binder_alloc_mmap_handler() and ``close()``
 *        (binder_alloc_vma_close()) run under it; the allocator never
 *        takes it for write.
 *    * - The binder VMA for read: its per-VMA lock, or ``mmap_lock`` for
 *        read (``BINDER_PER_VMA_LOCK`` says which)
 *      - The VMA at an address while a page is inserted into it or zapped
 *        from it: munmap cannot detach and zap it meanwhile. Not the
 *        mapped flag, which ``close()`` of another piece of the VMA can
 *        clear. binder_vma_assert_locked() states it.
 *      - Outermost, in place of the above. Installers take it with
 *        binder_vma_lock_read(), without the alloc lock; the shrinker
 *        only with binder_vma_trylock_read().
 *    * - ``alloc->mutex``, the alloc lock
 *      - The buffer space (``buffers``, both rb-trees,
 *        ``free_async_space``, ``oneway_spam_detected``, ``pages_high``),
 *        the one-time mmap claim (``buffer_size``), and every change of a
 *        page's state except a claim's: freelist membership and emptying
 *        a slot. Every function whose name ends in ``_locked`` is
 *        called with it held and asserts it (binder_vma_assert_locked()
 *        is an assertion of the VMA lock, as mmap_assert_locked() is).
 *      - Inside the VMA lock. Everything in binder_alloc.c but page
 *        installation and the copy helpers; the shrinker only by
 *        mutex_trylock(), and holds it across the zap.
 *    * - ``list_lru`` node spinlock
 *      - The freelist of one NUMA node.
 *      - Innermost. list_lru_add() and list_lru_del() under the alloc
 *        lock; list_lru_walk() holds it around binder_alloc_free_page().
 *    * - None: the page slot, ``alloc->pages[i]``
 *      - Which installer installs a page: cmpxchg() claims an empty
 *        slot, xchg() publishes the page (or gives the claim up).
 *      - Installers, without the alloc lock; see "Installing pages".
 *
 * Order, outermost first::
 *
 *   mmap_lock (write: mmap, munmap) or binder VMA lock (read)
 *     alloc->mutex
 *       list_lru node spinlock
 *
 * The shrinker's callback enters with the list_lru spinlock held, the
 * wrong end of this order, and reclaim must never wait anyway: it only
 * trylocks the VMA and the alloc lock, and skips the page when either is
 * busy. It drops the list_lru lock before the zap (which may sleep, hence
 * a mutex for the alloc lock) and takes it again before returning
 * ``LRU_REMOVED_RETRY``. Page installation takes the VMA lock but never
 * the alloc lock. Memory is never allocated under the alloc lock: buffer
 * structs, the page array and pages are all allocated before it is
 * taken. A page fault in the binder VMA takes nothing of ours: binder's
 * ``fault()`` returns ``VM_FAULT_SIGBUS``.
 *
 * ``close()`` of the binder VMA runs with ``mmap_lock`` held for write or,
 * in munmap, already downgraded to read. It only clears ``alloc->mapped``
 * (for a VMA of our own mm: binder_alloc_vma_close()); nothing relies on
 * the flag staying put under the VMA lock, and once clear it stays clear.
 *
 * Release and acquire pairs:
 *
 * .. list-table::
 *    :header-rows: 1
 *    :widths: 22 43 35
 *
 *    * - Variable
 *      - Written (release)
 *      - Read (acquire)
 *    * - ``alloc->mapped``
 *      - End of binder_alloc_mmap_handler(), after the space is
 *        initialised
 *      - binder_alloc_is_mapped()
 *    * - ``alloc->pages``
 *      - binder_alloc_ensure_page_array(), once
 *      - binder_alloc_ensure_page_array(), binder_alloc_installed_page()
 *    * - ``alloc->pages[i]``
 *      - binder_publish_slot(), by xchg(), after the page and its
 *        metadata are set up
 *      - binder_alloc_slot()
 *    * - ``alloc->reclaimers``
 *      - binder_alloc_reclaim_end(), by atomic_dec_and_test(), its last
 *        access to the alloc
 *      - binder_alloc_deferred_release(), by wait_var_event()
 *
 * Emptying a slot needs no barrier: it happens under the alloc lock, and
 * only while no buffer uses the page and no installer claims it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "binder_alloc.h"
#include "binder_trace.h"

enum {
	BINDER_DEBUG_USER_ERROR             = 1U << 0,
	BINDER_DEBUG_OPEN_CLOSE             = 1U << 1,
	BINDER_DEBUG_BUFFER_ALLOC           = 1U << 2,
	BINDER_DEBUG_BUFFER_ALLOC_ASYNC     = 1U << 3,
};

static u32 binder_alloc_debug_mask = BINDER_DEBUG_USER_ERROR;

module_param_named(alloc_debug_mask, binder_alloc_debug_mask,
		   uint, 0644);

#define binder_alloc_debug(mask, x...) \
	do { \
		if (binder_alloc_debug_mask & (mask)) \
			pr_info_ratelimited(x); \
	} while (0)

/* Async transactions may use at most this fraction of the buffer space. */
#define BINDER_ASYNC_SPACE_DIVISOR	2

/* Oneway spam: checked below this fraction of the buffer space left... */
#define BINDER_SPAM_CHECK_DIVISOR	10
/* ...and reported for a sender holding more buffers or bytes than this. */
#define BINDER_SPAM_MAX_BUFFERS		50
#define BINDER_SPAM_MAX_BYTES_DIVISOR	4

/* ---------------------------------------------------------------------
 * The buffer space
 */

static struct binder_buffer *binder_buffer_next(struct binder_buffer *buffer)
{
	return list_next_entry(buffer, entry);
}

static struct binder_buffer *binder_buffer_prev(struct binder_buffer *buffer)
{
	return list_prev_entry(buffer, entry);
}

static unsigned long binder_alloc_space_end(struct binder_alloc *alloc)
{
	return alloc->buffer + alloc->buffer_size;
}

/* A buffer extends to the next buffer, or to the end of the space. */
static size_t binder_alloc_buffer_size(struct binder_alloc *alloc,
				       struct binder_buffer *buffer)
{
	if (list_is_last(&buffer->entry, &alloc->buffers))
		return binder_alloc_space_end(alloc) - buffer->user_data;
	return binder_buffer_next(buffer)->user_data - buffer->user_data;
}

static void binder_insert_free_buffer(struct binder_alloc *alloc,
				      struct binder_buffer *new_buffer)
{
	size_t size = binder_alloc_buffer_size(alloc, new_buffer);
	struct rb_node **p = &alloc->free_buffers.rb_node;
	struct rb_node *parent = NULL;

	lockdep_assert_held(&alloc->mutex);

	while (*p) {
		struct binder_buffer *buffer;

		parent = *p;
		buffer = rb_entry(parent, struct binder_buffer, rb_node);
		if (size < binder_alloc_buffer_size(alloc, buffer))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new_buffer->rb_node, parent, p);
	rb_insert_color(&new_buffer->rb_node, &alloc->free_buffers);
}

static void binder_insert_allocated_buffer(struct binder_alloc *alloc,
					   struct binder_buffer *new_buffer)
{
	struct rb_node **p = &alloc->allocated_buffers.rb_node;
	struct rb_node *parent = NULL;

	lockdep_assert_held(&alloc->mutex);

	while (*p) {
		struct binder_buffer *buffer;

		parent = *p;
		buffer = rb_entry(parent, struct binder_buffer, rb_node);
		if (new_buffer->user_data < buffer->user_data)
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&new_buffer->rb_node, parent, p);
	rb_insert_color(&new_buffer->rb_node, &alloc->allocated_buffers);
}

static struct binder_buffer *
binder_find_allocated_buffer_locked(struct binder_alloc *alloc,
				    unsigned long user_ptr)
{
	struct rb_node *n = alloc->allocated_buffers.rb_node;

	lockdep_assert_held(&alloc->mutex);

	while (n) {
		struct binder_buffer *buffer;

		buffer = rb_entry(n, struct binder_buffer, rb_node);
		if (user_ptr < buffer->user_data)
			n = n->rb_left;
		else if (user_ptr > buffer->user_data)
			n = n->rb_right;
		else
			return buffer;
	}
	return NULL;
}

/* The smallest free buffer of at least @size bytes, or NULL. */
static struct binder_buffer *
binder_find_best_fit_locked(struct binder_alloc *alloc, size_t size)
{
	struct rb_node *n = alloc->free_buffers.rb_node;
	struct binder_buffer *best = NULL;

	lockdep_assert_held(&alloc->mutex);

	while (n) {
		struct binder_buffer *buffer;
		size_t buffer_size;

		buffer = rb_entry(n, struct binder_buffer, rb_node);
		buffer_size = binder_alloc_buffer_size(alloc, buffer);
		if (size > buffer_size) {
			n = n->rb_right;
		} else {
			best = buffer;
			if (size == buffer_size)
				break;
			n = n->rb_left;
		}
	}
	return best;
}

/* ---------------------------------------------------------------------
 * Pages and their metadata
 */

/*
 * Unused pages of every process; the shrinker walks it. KUnit cases give
 * their binder_alloc a private list instead (__binder_alloc_init()).
 * Initialised with the shrinker, in binder_alloc_shrinker_init().
 */
struct list_lru binder_freelist;

/**
 * struct binder_page_mdata - what reclaim needs to know of a page
 * @lru:        link in the freelist while the page is installed but unused
 * @alloc:      the binder_alloc the page belongs to
 * @page_index: index of the page in &binder_alloc.pages
 *
 * Hung from page->private of every installed page; allocated and freed
 * together with the page, so pages that were never installed cost nothing.
 */
struct binder_page_mdata {
	struct list_head lru;
	struct binder_alloc *alloc;
	unsigned long page_index;
};

static unsigned long binder_alloc_page_index(struct binder_alloc *alloc,
					     unsigned long addr)
{
	return (addr - alloc->buffer) >> PAGE_SHIFT;
}

static struct binder_page_mdata *binder_page_mdata(struct page *page)
{
	return (struct binder_page_mdata *)page_private(page);
}

static struct list_head *binder_page_lru(struct page *page)
{
	return &binder_page_mdata(page)->lru;
}

/*
 * A page slot holds NULL (absent), a page, or BINDER_PAGE_CLAIMED while
 * one installer owns it (see "Installing pages" below).
 */
#define BINDER_PAGE_CLAIMED	((struct page *)1UL)

/* The slot of page @index; the page array exists. Lockless. */
static struct page *binder_alloc_slot(struct binder_alloc *alloc,
				      unsigned long index)
{
	/* Pairs with the full barrier of the xchg() that publishes it */
	return smp_load_acquire(&alloc->pages[index]);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suite, which sees pages, not claims. */
/**
 * binder_alloc_installed_page() - the page installed at an index, if any
 * @alloc: binder_alloc of the buffer space
 * @index: page index in the buffer space
 *
 * Lockless. A page returned stays installed while an allocated buffer
 * overlaps it.
 *
 * Return: the page, or NULL if the page is absent or being installed
 */
VISIBLE_IF_KUNIT struct page *
binder_alloc_installed_page(struct binder_alloc *alloc, unsigned long index)
{
	/* Pairs with the release in binder_alloc_ensure_page_array() */
	struct page *page = smp_load_acquire(&alloc->pages) ?
			    binder_alloc_slot(alloc, index) : NULL;

	return page == BINDER_PAGE_CLAIMED ? NULL : page;
}

/*
 * What else the suite asks of an allocator, so that it does not read the
 * representation (page->private, the counters) itself.
 */

/* The metadata of the page installed at @index, or NULL if there is none. */
static struct binder_page_mdata *
binder_alloc_installed_mdata(struct binder_alloc *alloc, unsigned long index)
{
	struct page *page = binder_alloc_installed_page(alloc, index);

	return page ? (struct binder_page_mdata *)page_private(page) : NULL;
}

/**
 * binder_alloc_page_on_freelist() - is the page at an index unused?
 * @alloc: binder_alloc of the buffer space
 * @index: page index in the buffer space
 *
 * Lockless, for a test that holds the allocator still.
 *
 * Return: %true if the page is installed and on the freelist
 */
VISIBLE_IF_KUNIT bool binder_alloc_page_on_freelist(struct binder_alloc *alloc,
						    unsigned long index)
{
	struct binder_page_mdata *mdata = binder_alloc_installed_mdata(alloc, index);

	return mdata && !list_empty(&mdata->lru);
}

/**
 * binder_alloc_page_mdata_matches() - does a page's metadata name it?
 * @alloc: binder_alloc of the buffer space
 * @index: page index in the buffer space
 *
 * Return: %true if the page at @index is absent, or its metadata names
 * @alloc and @index
 */
VISIBLE_IF_KUNIT bool binder_alloc_page_mdata_matches(struct binder_alloc *alloc,
						      unsigned long index)
{
	struct binder_page_mdata *mdata = binder_alloc_installed_mdata(alloc, index);

	if (!binder_alloc_installed_page(alloc, index))
		return true;
	return mdata && mdata->alloc == alloc && mdata->page_index == index;
}

/**
 * binder_alloc_get_reclaim_counts() - what the shrinker did to @alloc
 * @alloc:  binder_alloc to read
 * @counts: filled in with the counters, as debugfs prints them
 */
VISIBLE_IF_KUNIT void
binder_alloc_get_reclaim_counts(struct binder_alloc *alloc,
				struct binder_alloc_reclaim_counts *counts)
{
	counts->reclaimed = atomic_long_read(&alloc->stats.reclaimed);
	counts->skipped_busy = atomic_long_read(&alloc->stats.skipped_busy);
	counts->skipped_no_vma = atomic_long_read(&alloc->stats.skipped_no_vma);
	counts->foreign_vma = atomic_long_read(&alloc->stats.foreign_vma);
}
#endif

/* Pages allocated by binder_alloc_page_alloc() and not freed yet. */
static atomic_long_t binder_alloc_pages;
/* Pages ever installed, for the rate tests and benchmarks report. */
static atomic_long_t binder_alloc_installs;
/* Pages the shrinker ever freed, all processes together. */
static atomic_long_t binder_alloc_reclaims;

/**
 * binder_alloc_pages_owned() - pages the allocator owns, in all processes
 *
 * Every page binder_alloc_page_alloc() returned and
 * binder_alloc_free_page_and_mdata() has not freed: installed pages, in
 * use or unused. Once every binder process is gone it is back to 0.
 *
 * Return: the number of pages
 */
VISIBLE_IF_KUNIT long binder_alloc_pages_owned(void)
{
	return atomic_long_read(&binder_alloc_pages);
}

/**
 * binder_alloc_page_alloc() - allocate a zeroed page and its metadata
 * @alloc: binder_alloc the page will belong to
 * @index: index the page will be installed at
 *
 * Called without locks: the allocation may enter reclaim.
 *
 * Return: the page, with its &struct binder_page_mdata in
 * page->private, or NULL if memory ran out
 */
VISIBLE_IF_KUNIT struct page *binder_alloc_page_alloc(struct binder_alloc *alloc,
						      unsigned long index)
{
	struct binder_page_mdata *mdata;
	struct page *page;

	KUNIT_STATIC_STUB_REDIRECT(binder_alloc_page_alloc, alloc, index);

	page = alloc_page(GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO);
	if (!page)
		return NULL;

	mdata = kmalloc(sizeof(*mdata), GFP_KERNEL);
	if (!mdata) {
		__free_page(page);
		return NULL;
	}
	INIT_LIST_HEAD(&mdata->lru);
	mdata->alloc = alloc;
	mdata->page_index = index;
	set_page_private(page, (unsigned long)mdata);
	atomic_long_inc(&binder_alloc_pages);

	return page;
}

/**
 * binder_alloc_free_page_and_mdata() - free a page and its metadata
 * @page: a page from binder_alloc_page_alloc(), off the freelist
 *
 * Drops the allocator's reference. A PTE that still maps the page (in a
 * VMA that is no longer ours) holds its own reference and keeps the page
 * alive until that VMA goes away.
 */
VISIBLE_IF_KUNIT void binder_alloc_free_page_and_mdata(struct page *page)
{
	KUNIT_STATIC_STUB_REDIRECT(binder_alloc_free_page_and_mdata, page);

	kfree(binder_page_mdata(page));
	set_page_private(page, 0);
	__free_page(page);
	atomic_long_dec(&binder_alloc_pages);
}

/*
 * Empty the slot of page @index for reclaim; the caller has taken the page
 * off the freelist. Return: the page, now owned by the caller.
 */
static struct page *binder_alloc_take_page_locked(struct binder_alloc *alloc,
						  unsigned long index)
{
	struct page *page = binder_alloc_slot(alloc, index);

	lockdep_assert_held(&alloc->mutex);
	/* Only an unused page is reclaimed: nobody installs at @index. */
	WARN_ON_ONCE(!page || page == BINDER_PAGE_CLAIMED);

	trace_binder_unmap_kernel_start(alloc, index);
	WRITE_ONCE(alloc->pages[index], NULL);
	trace_binder_unmap_kernel_end(alloc, index);

	return page;
}

/*
 * A page is in use while an allocated buffer overlaps it. The pages that
 * only @buffer uses lie between the end of the closest allocated buffer
 * before it and the start of the closest allocated buffer after it; since
 * free buffers are never adjacent, those are at most two list steps away.
 */
static unsigned long binder_prev_used_end(struct binder_alloc *alloc,
					  struct binder_buffer *buffer)
{
	struct binder_buffer *prev;

	if (buffer->entry.prev == &alloc->buffers)
		return alloc->buffer;
	prev = binder_buffer_prev(buffer);
	return prev->free ? prev->user_data : buffer->user_data;
}

static unsigned long binder_next_used_start(struct binder_alloc *alloc,
					    struct binder_buffer *buffer)
{
	struct binder_buffer *next;

	if (list_is_last(&buffer->entry, &alloc->buffers))
		return binder_alloc_space_end(alloc);
	next = binder_buffer_next(buffer);
	if (!next->free)
		return next->user_data;
	return next->user_data + binder_alloc_buffer_size(alloc, next);
}

static void binder_buffer_own_pages(struct binder_alloc *alloc,
				    struct binder_buffer *buffer,
				    unsigned long *first, unsigned long *last)
{
	unsigned long start = buffer->user_data;
	unsigned long end = start + binder_alloc_buffer_size(alloc, buffer);

	*first = max(PAGE_ALIGN_DOWN(start),
		     PAGE_ALIGN(binder_prev_used_end(alloc, buffer)));
	*last = min(PAGE_ALIGN(end),
		    PAGE_ALIGN_DOWN(binder_next_used_start(alloc, buffer)));
}

/*
 * The page of an index in a buffer's own pages: no other allocated buffer
 * overlaps it, so no installer can hold its slot.
 */
static struct page *binder_alloc_own_page_locked(struct binder_alloc *alloc,
						 unsigned long index)
{
	struct page *page = binder_alloc_slot(alloc, index);

	lockdep_assert_held(&alloc->mutex);
	return WARN_ON_ONCE(page == BINDER_PAGE_CLAIMED) ? NULL : page;
}

/*
 * @buffer has just been allocated (@in_use) or is being freed: its own
 * pages come off the freelist, or go on the freelist of their node. A
 * page whose installation failed or never got this far has nothing to
 * move.
 */
static void binder_update_own_pages_locked(struct binder_alloc *alloc,
					   struct binder_buffer *buffer,
					   bool in_use)
{
	unsigned long first, last, addr;

	lockdep_assert_held(&alloc->mutex);

	binder_buffer_own_pages(alloc, buffer, &first, &last);
	if (first >= last)
		return;

	trace_binder_update_page_range(alloc, in_use, first, last);

	for (addr = first; addr < last; addr += PAGE_SIZE) {
		unsigned long index = binder_alloc_page_index(alloc, addr);
		struct page *page = binder_alloc_own_page_locked(alloc, index);
		struct list_head *lru;

		if (in_use)
			alloc->pages_high = max(alloc->pages_high, index + 1);
		if (!page)
			continue;
		lru = binder_page_lru(page);

		if (in_use) {
			trace_binder_alloc_lru_start(alloc, index);
			WARN_ON_ONCE(!list_lru_del(alloc->freelist, lru,
						   page_to_nid(page), NULL));
			trace_binder_alloc_lru_end(alloc, index);
		} else {
			trace_binder_free_lru_start(alloc, index);
			WARN_ON_ONCE(!list_lru_add(alloc->freelist, lru,
						   page_to_nid(page), NULL));
			trace_binder_free_lru_end(alloc, index);
		}
	}
}

/* ---------------------------------------------------------------------
 * Locking the binder VMA for read
 *
 * One contract, two bodies side by side: the per-VMA lock where the kernel
 * has one and binder is built in, mmap_lock for read otherwise (UML has no
 * per-VMA locks; 6.12 does not export lock_vma_under_rcu() to modules).
 * BINDER_PER_VMA_LOCK in binder_alloc.h says which.
 *
 * binder_vma_lock_read() may sleep, binder_vma_trylock_read() never does
 * (reclaim). Either leaves in @vl the VMA at the address, held for read,
 * or NULL if there is no VMA there that could be had without waiting; a
 * caller that finds NULL inserts and zaps nothing. Only
 * binder_vma_trylock_read() can fail: %false means the lock was
 * contended, nothing is held and the caller should come back later.
 * After %true (and always after binder_vma_lock_read()), @vl goes to
 * binder_vma_unlock_read().
 *
 * How sure NULL is depends on the lock: under mmap_lock, vma_lookup() is
 * exact, so NULL means no VMA; lock_vma_under_rcu() also fails while a
 * writer holds the VMA, so for the per-VMA trylock NULL means "no VMA, or
 * one being changed" (the blocking lock then asks mmap_lock; the trylock
 * cannot, as the only remedy is to wait).
 */

/**
 * struct binder_vma_lock - how the VMA at an address is held for read
 * @vma:         the VMA found, or NULL
 * @mmap_locked: %true if mmap_lock is held for read, %false if @vma's
 *               per-VMA lock is (or nothing, when @vma is NULL)
 */
struct binder_vma_lock {
	struct vm_area_struct *vma;
	bool mmap_locked;
};

/*
 * Is @vma, locked for read and found at an address of the buffer space,
 * the binder mapping of @alloc? Checked positively: binder.c sets vm_ops
 * and vm_private_data before calling binder_alloc_mmap_handler(), which
 * records them. A VMA that another mmap put in place of ours after munmap
 * (anonymous memory, or another binder_proc's mapping) fails the check.
 */
static bool binder_alloc_vma_is_ours(struct binder_alloc *alloc,
				     struct vm_area_struct *vma)
{
	return vma->vm_ops == alloc->vm_ops &&
	       vma->vm_private_data == alloc->vm_private_data;
}

/*
 * What inserting into or zapping from @vl->vma relies on: it is held for
 * read, by whichever lock @vl says. Like assert_fault_locked().
 */
static void binder_vma_assert_locked(const struct binder_vma_lock *vl)
{
	if (vl->mmap_locked)
		mmap_assert_locked(vl->vma->vm_mm);
	else
		vma_assert_locked(vl->vma);
}

/* Under mmap_lock for read, the lookup is exact. */
static void binder_vma_lookup(struct mm_struct *mm, unsigned long addr,
			      struct binder_vma_lock *vl)
{
	mmap_assert_locked(mm);
	vl->vma = vma_lookup(mm, addr);
	vl->mmap_locked = true;
}

#if BINDER_PER_VMA_LOCK

static void binder_vma_lock_read(struct mm_struct *mm, unsigned long addr,
				 struct binder_vma_lock *vl)
{
	vl->vma = lock_vma_under_rcu(mm, addr);
	vl->mmap_locked = false;
	if (vl->vma)
		return;

	/* No VMA, or one being changed: mmap_lock tells which. */
	mmap_read_lock(mm);
	binder_vma_lookup(mm, addr, vl);
}

/* lock_vma_under_rcu() is itself the trylock: never contended, maybe NULL. */
static bool binder_vma_trylock_read(struct mm_struct *mm, unsigned long addr,
				    struct binder_vma_lock *vl)
{
	vl->vma = lock_vma_under_rcu(mm, addr);
	vl->mmap_locked = false;
	return true;
}

#else /* mmap_lock only */

static void binder_vma_lock_read(struct mm_struct *mm, unsigned long addr,
				 struct binder_vma_lock *vl)
{
	mmap_read_lock(mm);
	binder_vma_lookup(mm, addr, vl);
}

static bool binder_vma_trylock_read(struct mm_struct *mm, unsigned long addr,
				    struct binder_vma_lock *vl)
{
	if (!mmap_read_trylock(mm))
		return false;
	binder_vma_lookup(mm, addr, vl);
	return true;
}

#endif

static void binder_vma_unlock_read(struct mm_struct *mm,
				   struct binder_vma_lock *vl)
{
	if (vl->mmap_locked)
		mmap_read_unlock(mm);
	else if (vl->vma)
		vma_end_read(vl->vma);
}

/* ---------------------------------------------------------------------
 * Installing pages
 *
 * A page is installed for a buffer after the buffer is carved and the
 * alloc lock dropped, by the thread that carved it. Two buffers can share
 * a page, and so can their installers: the slot decides between them. An
 * installer claims an empty slot with cmpxchg(NULL -> BINDER_PAGE_CLAIMED),
 * inserts its page and publishes it in the slot with xchg(); one that
 * finds the slot claimed waits for that outcome, and one that finds a page
 * uses it.
 *
 * Nothing but the claim keeps two installers apart. -EBUSY from
 * vm_insert_page() would only say that a PTE is there now; our PTEs can
 * vanish under mmap_lock for read (MADV_DONTNEED, the OOM reaper) while the
 * slot still holds the page, and an installer that took -EBUSY or its
 * absence as "nobody installed this page" could publish a second page over
 * one that a buffer in use is still filled through. With the claim, a slot
 * that holds a page keeps it while any allocated buffer overlaps the page;
 * only the shrinker (the page unused, under the alloc lock) and teardown
 * empty it.
 */

/*
 * An installer claims the slots it finds empty, in ascending order, up to
 * BINDER_INSTALL_BATCH of them, then installs them together: one mm
 * reference and one VMA lock for the batch (the pages are allocated before
 * the lock is taken, so that allocation may reclaim freely), the slots
 * published one by one afterwards. It never waits for another installer's
 * claim while it holds claims of its own: it installs and publishes its
 * batch first, so installers cannot wait for each other in a cycle.
 */
#define BINDER_INSTALL_BATCH	16

/**
 * struct binder_install_batch - slots claimed by one installer
 * @index: the claimed slots, ascending
 * @page:  the page allocated for each, or NULL
 * @nr:    number of claims held
 */
struct binder_install_batch {
	unsigned long index[BINDER_INSTALL_BATCH];
	struct page *page[BINDER_INSTALL_BATCH];
	unsigned int nr;
};

/*
 * Insert the batch's pages in order, stopping at the first failure. A VMA
 * found for one page is kept locked for the next ones it spans: its end
 * cannot move while it is held for read. Return: 0 or the error, and in
 * *@inserted the number of pages inserted.
 */
static int binder_insert_batch(struct binder_alloc *alloc,
			       struct binder_install_batch *b,
			       unsigned int *inserted)
{
	struct mm_struct *mm = alloc->mm;
	struct binder_vma_lock vl = { };
	bool locked = false;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < b->nr; i++) {
		unsigned long addr = alloc->buffer + b->index[i] * PAGE_SIZE;

		if (!locked || addr >= vl.vma->vm_end) {
			if (locked)
				binder_vma_unlock_read(mm, &vl);
			binder_vma_lock_read(mm, addr, &vl);
			locked = true;
		}
		/*
		 * Once mapped is clear (close() of a piece of our VMA, after a
		 * partial munmap or an mremap), it stays clear, and an
		 * installer that sees it so inserts nothing. One that saw it
		 * set may still insert while close() of another, split-off
		 * piece runs: harmless, the VMA we hold is ours and munmap
		 * cannot get past its lock, so the page is zapped with it
		 * (the model in tools/model checks this).
		 */
		if (!vl.vma || !binder_alloc_vma_is_ours(alloc, vl.vma) ||
		    !binder_alloc_is_mapped(alloc)) {
			ret = -ESRCH;
			break;
		}
		binder_vma_assert_locked(&vl);
		ret = vm_insert_page(vl.vma, addr, b->page[i]);
		if (ret)
			break;
	}
	if (locked)
		binder_vma_unlock_read(mm, &vl);
	*inserted = i;
	return ret;
}

/* Give slot @index its page, or back to NULL; wake who waits for it. */
static void binder_publish_slot(struct binder_alloc *alloc,
				unsigned long index, struct page *page)
{
	struct page **slot = &alloc->pages[index];

	/*
	 * xchg() is a full barrier: it orders the page's initialisation
	 * before the slot store (the release that binder_alloc_slot() pairs
	 * with), and the store before wake_up_var()'s look for waiters.
	 */
	WARN_ON_ONCE(xchg(slot, page) != BINDER_PAGE_CLAIMED);
	wake_up_var(slot);
}

/*
 * Install the pages of the claims in @b and give up every claim: a slot
 * gets its page if the page was inserted, NULL otherwise (a waiter then
 * tries itself). Return: 0, or the first error.
 */
static int binder_install_batch(struct binder_alloc *alloc,
				struct binder_install_batch *b)
{
	struct mm_struct *mm = alloc->mm;
	unsigned int i, inserted = 0;
	bool mm_held;
	int ret = 0;

	if (!b->nr)
		return 0;

	mm_held = mmget_not_zero(mm);
	if (!mm_held)
		ret = -ESRCH;
	for (i = 0; i < b->nr && !ret; i++) {
		trace_binder_alloc_page_start(alloc, b->index[i]);
		b->page[i] = binder_alloc_page_alloc(alloc, b->index[i]);
		if (!b->page[i])
			ret = -ENOMEM;
	}
	if (!ret)
		ret = binder_insert_batch(alloc, b, &inserted);
	if (mm_held)
		mmput_async(mm);

	/* The claim rules out a PTE of ours: say so if one is there. */
	if (ret == -EBUSY)
		pr_warn_ratelimited("%d: a PTE the allocator never installed at offset %lx\n",
				    alloc->pid, b->index[inserted] * PAGE_SIZE);
	if (ret)
		binder_alloc_debug(BINDER_DEBUG_USER_ERROR,
				   "%d: failed to install page at offset %lx: %d\n",
				   alloc->pid, b->index[inserted] * PAGE_SIZE, ret);

	for (i = 0; i < b->nr; i++) {
		if (i < inserted) {
			binder_publish_slot(alloc, b->index[i], b->page[i]);
			atomic_long_inc(&binder_alloc_installs);
			trace_binder_alloc_page_end(alloc, b->index[i]);
			continue;
		}
		if (b->page[i])
			binder_alloc_free_page_and_mdata(b->page[i]);
		binder_publish_slot(alloc, b->index[i], NULL);
	}
	b->nr = 0;
	return ret;
}

/* Make sure every page @buffer's first @size bytes touch is installed. */
static int binder_install_buffer_pages(struct binder_alloc *alloc,
				       struct binder_buffer *buffer,
				       size_t size)
{
	unsigned long index = binder_alloc_page_index(alloc,
				PAGE_ALIGN_DOWN(buffer->user_data));
	unsigned long end = binder_alloc_page_index(alloc,
				PAGE_ALIGN(buffer->user_data + size));
	struct binder_install_batch b = { .nr = 0 };
	int ret = 0;

	while (index < end && !ret) {
		struct page **slot = &alloc->pages[index];
		struct page *page = binder_alloc_slot(alloc, index);

		if (page == BINDER_PAGE_CLAIMED) {
			ret = binder_install_batch(alloc, &b);
			if (!ret)
				wait_var_event(slot, READ_ONCE(*slot) !=
						     BINDER_PAGE_CLAIMED);
			continue;	/* a page, or NULL to claim */
		}
		if (!page) {
			if (cmpxchg(slot, NULL, BINDER_PAGE_CLAIMED))
				continue;	/* somebody else's claim */
			b.index[b.nr] = index;
			b.page[b.nr] = NULL;
			if (++b.nr == BINDER_INSTALL_BATCH)
				ret = binder_install_batch(alloc, &b);
		}
		index++;
	}
	if (!ret)
		ret = binder_install_batch(alloc, &b);
	return ret;
}

/*
 * The page array costs 8 bytes per page of the mapping; allocate it when
 * the first buffer is, so that a mapping never used costs nothing.
 */
static int binder_alloc_ensure_page_array(struct binder_alloc *alloc)
{
	struct page **pages;

	/* Pairs with the release below */
	if (smp_load_acquire(&alloc->pages))
		return 0;

	pages = kvcalloc(alloc->buffer_size / PAGE_SIZE, sizeof(*pages),
			 GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	mutex_lock(&alloc->mutex);
	if (!alloc->pages) {
		/* Pairs with the acquire in binder_alloc_installed_page() */
		smp_store_release(&alloc->pages, pages);
		pages = NULL;
	}
	mutex_unlock(&alloc->mutex);

	kvfree(pages);
	return 0;
}

/* ---------------------------------------------------------------------
 * Reclaiming pages
 */

/**
 * DOC: Reclaim
 *
 * The ``android-binder`` shrinker (``binder_shrinker.c``) counts and walks
 * the freelist per NUMA node. list_lru_walk() calls binder_alloc_free_page()
 * (in ``binder_alloc.c``) for each page with the list's spinlock held. The
 * callback cannot block, so it only trylocks: first the VMA at the page's
 * address (see below), then the alloc lock. What it does next depends on
 * what it found at the address and on binder_alloc_is_mapped():
 *
 * ================== ====== ============================
 * found at address   mapped outcome
 * ================== ====== ============================
 * our VMA            either zap the PTE, free
 * another VMA        either free, VMA untouched
 * no VMA             no     free
 * no VMA             yes    skip (``LRU_SKIP``)
 * ================== ====== ============================
 *
 * *Our VMA.* binder_alloc_vma_is_ours() compares the VMA's ``vm_ops`` and
 * ``vm_private_data`` with what binder_alloc_mmap_handler() recorded
 * (binder.c sets both before calling it). The PTE is zapped with
 * zap_page_range_single() and the page freed. This also covers what is left
 * of our VMA after a partial munmap, where the mapped flag is already clear
 * but our pages are still mapped.
 *
 * *Another VMA.* The process unmapped the buffer space and mapped something
 * else there: anonymous memory, or another binder device's mapping. Our PTE
 * went away with our VMA at munmap time. The page is freed; the stranger's
 * VMA is not touched. Stock 6.12 and later upstream kernels skip such pages
 * and so keep them until the process exits.
 *
 * *No VMA, not mapped.* Nothing maps the page: free it.
 *
 * *No VMA, still mapped.* ``lock_vma_under_rcu()`` fails while a writer
 * holds the VMA, and a munmap detaches the VMA before it calls ``close()``.
 * Either way our PTE may still be there, so the page is skipped and a later
 * walk will get it.
 *
 * The mapped flag only ever goes from set to clear, so a page judged
 * unmapped stays so. Where per-VMA locks are unavailable,
 * mmap_read_trylock() is used instead and vma_lookup() under it is exact:
 * "no VMA" really means none, and a busy ``mmap_lock`` is a skip of its own.
 *
 * The flag can change while the callback holds the VMA lock: ``close()`` of
 * another piece of our VMA (after a partial munmap, or an mremap that
 * shrinks it) runs under that piece's locks, and munmap calls ``close()``
 * after it has downgraded ``mmap_lock`` to read. Nothing relies on the flag
 * staying put; each outcome is safe for these reasons:
 *
 * - a binder_alloc is mapped once in its life, so once the flag is clear it
 *   stays clear, and an installer that sees it clear installs nothing (one
 *   that saw it set may still insert into the piece of our VMA it holds
 *   locked while another piece closes; that page is ours and is zapped with
 *   its piece);
 * - our VMA is recognised positively, and a VMA that has been closed has the
 *   mm's dummy ``vm_ops`` (vma_close() sets them), so it is never taken for
 *   ours;
 * - every PTE holds a reference of its own on its page, so freeing the
 *   allocator's reference while some PTE the callback did not reach still
 *   maps the page (the rest of a partially unmapped VMA that was
 *   write-locked when the callback looked, a copy made by
 *   ``MREMAP_DONTUNMAP`` or by fork) leaves the page to that PTE: it is
 *   freed when the PTE goes.
 *
 * A forked copy of our VMA (the process cleared ``VM_DONTCOPY`` with
 * ``MADV_DOFORK``) calls ``close()`` on our alloc when the child unmaps it
 * or exits. ``close()`` is not told which VMA closes, so
 * binder_alloc_vma_close() tells them apart by context: a VMA of the alloc's
 * own mm is closed by a task of that mm, or by exit_mmap() once the mm has
 * no users; any other ``close()`` is of a copy in another mm and leaves the
 * mapping alone.
 *
 * If the process has no mm users left, exit_mmap() is tearing the mapping
 * down and drops the PTEs' page references itself; the callback frees the
 * page without looking for a VMA. Dropping the allocator's reference is
 * always safe even while a PTE still maps the page, because every PTE holds
 * its own reference: the page lives until the last one goes.
 */

/**
 * DOC: Reclaim versus reuse
 *
 * Installation runs without the alloc lock, and so the shrinker must not let
 * a new buffer see a page half reclaimed. Suppose the shrinker cleared
 * ``alloc->pages[i]`` and dropped the alloc lock before zapping the PTE. A
 * new buffer could claim page *i* in that window and find the old PTE still
 * there: its vm_insert_page() fails with ``-EBUSY``, and with it the
 * transaction; or, had the user zapped the old PTE first, the new page is
 * inserted and the shrinker's late zap takes its PTE away. (Before slots
 * were claimed, the installer adopted the page behind such a PTE and lost it
 * to the shrinker's free a moment later: a use after free of a page mapped
 * into userspace.)
 *
 * So binder_alloc_free_page() holds the alloc lock from taking the page off
 * the freelist until the PTE is zapped and the slot is cleared. Claiming a
 * page also takes the alloc lock (binder_alloc_new_buf_locked() takes pages
 * off the freelist under it). A claimant therefore either comes first, takes
 * the page off the freelist and keeps it (the shrinker never sees it), or
 * comes after, and then finds the slot empty and no PTE, so its own
 * vm_insert_page() succeeds. This is why the alloc lock is a mutex:
 * zap_page_range_single() may sleep.
 */

/**
 * DOC: Reclaim versus teardown
 *
 * binder.c frees the binder_alloc, inside its ``binder_proc``, right after
 * binder_alloc_deferred_release() returns. A reclaimer that found one of its
 * pages on the freelist may still be at work then: in the outcomes that free
 * without a zap nothing else pins the alloc, and ``mutex_unlock()`` may
 * still touch the mutex after a waiter has taken it (its slow path takes
 * ``wait_lock`` after releasing ownership; ``kernel/locking/mutex.c`` says
 * it cannot end the life of the object that holds it). So the callback
 * counts itself in ``alloc->reclaimers`` while it holds the list_lru lock
 * with the page still on the list, where teardown cannot have passed the
 * page yet, and counts itself out as its very last access to the alloc.
 * binder_alloc_deferred_release() waits with wait_var_event() for the count
 * to reach zero after the last page is off the list. The cost is an atomic
 * increment and decrement per page reclaimed.
 */

enum binder_reclaim_action {
	BINDER_RECLAIM_SKIP,
	BINDER_RECLAIM_FREE,
	BINDER_RECLAIM_ZAP_AND_FREE,
};

/* Called with the VMA (if any) and the alloc lock held. */
static enum binder_reclaim_action
binder_reclaim_action(struct binder_alloc *alloc, struct vm_area_struct *vma,
		      bool mm_alive)
{
	lockdep_assert_held(&alloc->mutex);

	if (vma && binder_alloc_vma_is_ours(alloc, vma))
		return BINDER_RECLAIM_ZAP_AND_FREE;

	if (vma) {
		atomic_long_inc(&alloc->stats.foreign_vma);
		return BINDER_RECLAIM_FREE;
	}

	if (mm_alive && binder_alloc_is_mapped(alloc)) {
		atomic_long_inc(&alloc->stats.skipped_no_vma);
		return BINDER_RECLAIM_SKIP;
	}

	return BINDER_RECLAIM_FREE;
}

/**
 * binder_reclaim_zap_page() - remove a page from our VMA
 * @alloc: binder_alloc the page belongs to; its lock is held
 * @vma:   our VMA, locked for read
 * @index: index of the page
 *
 * A function of its own so that KUnit can check what is held around it.
 */
VISIBLE_IF_KUNIT void binder_reclaim_zap_page(struct binder_alloc *alloc,
					      struct vm_area_struct *vma,
					      unsigned long index)
{
	lockdep_assert_held(&alloc->mutex);
	KUNIT_STATIC_STUB_REDIRECT(binder_reclaim_zap_page, alloc, vma, index);

	trace_binder_unmap_user_start(alloc, index);
	zap_page_range_single(vma, alloc->buffer + index * PAGE_SIZE,
			      PAGE_SIZE, NULL);
	trace_binder_unmap_user_end(alloc, index);
}

/*
 * A reclaimer pins the binder_alloc of the page it found from then until
 * it returns: binder_alloc_deferred_release() waits for reclaimers to
 * drain before binder.c frees the alloc. Holding the alloc lock is not
 * enough, because mutex_unlock() may still touch the mutex after a waiter
 * (teardown) has taken it, and so cannot end the life of its container.
 */
static void binder_alloc_reclaim_begin(struct binder_alloc *alloc)
{
	atomic_inc(&alloc->reclaimers);
}

static void binder_alloc_reclaim_end(struct binder_alloc *alloc)
{
	/* Pairs with wait_var_event() in binder_alloc_deferred_release() */
	if (atomic_dec_and_test(&alloc->reclaimers))
		wake_up_var(&alloc->reclaimers);
	/* @alloc may be gone from here on. */
}

/**
 * binder_alloc_free_page() - list_lru walk callback: reclaim one page
 * @item:   &binder_page_mdata.lru of an unused page
 * @lru:    the list @item is on
 * @lock:   the list's lock, held on entry and on return
 * @cb_arg: unused
 *
 * "DOC: Reclaim" says what happens to the page; "DOC: Locking", "DOC:
 * Reclaim versus reuse" and "DOC: Reclaim versus teardown" say which locks
 * it takes and why.
 *
 * Return: %LRU_REMOVED_RETRY if the page was freed (@lock was dropped and
 * retaken), %LRU_SKIP if it was left on the list
 */
enum lru_status binder_alloc_free_page(struct list_head *item,
				       struct list_lru_one *lru,
				       spinlock_t *lock, void *cb_arg)
	__must_hold(lock)
{
	struct binder_page_mdata *mdata =
		container_of(item, struct binder_page_mdata, lru);
	struct binder_alloc *alloc = mdata->alloc;
	unsigned long index = mdata->page_index;
	unsigned long addr = alloc->buffer + index * PAGE_SIZE;
	struct mm_struct *mm = alloc->mm;
	struct binder_vma_lock vl = { };
	enum binder_reclaim_action action;
	struct page *page;
	bool mm_alive, sole;

	/*
	 * While @item is on the list, binder_alloc_deferred_release() has
	 * not freed @alloc: it needs @lock to take the page off. Pin it
	 * for what follows, where @lock is dropped.
	 */
	binder_alloc_reclaim_begin(alloc);
	mm_alive = mmget_not_zero(mm);
	if (mm_alive && !binder_vma_trylock_read(mm, addr, &vl)) {
		atomic_long_inc(&alloc->stats.skipped_busy);
		goto out_mmput;
	}
	if (!mutex_trylock(&alloc->mutex)) {
		atomic_long_inc(&alloc->stats.skipped_busy);
		goto out_unlock_vma;
	}

	action = binder_reclaim_action(alloc, vl.vma, mm_alive);
	if (action == BINDER_RECLAIM_SKIP) {
		mutex_unlock(&alloc->mutex);
		goto out_unlock_vma;
	}

	list_lru_isolate(lru, item);
	page = binder_alloc_take_page_locked(alloc, index);
	spin_unlock(lock);

	if (action == BINDER_RECLAIM_ZAP_AND_FREE) {
		binder_vma_assert_locked(&vl);
		binder_reclaim_zap_page(alloc, vl.vma, index);
	}
	atomic_long_inc(&alloc->stats.reclaimed);
	atomic_long_inc(&binder_alloc_reclaims);
	mutex_unlock(&alloc->mutex);

	binder_vma_unlock_read(mm, &vl);
	if (mm_alive)
		mmput_async(mm);
	/* a PTE we could not reach keeps the page: it is not freed yet */
	sole = page_ref_count(page) == 1;
	binder_alloc_free_page_and_mdata(page);
	binder_alloc_reclaim_end(alloc);
	/*
	 * Tell the reclaimer what it got. kswapd counts a run that freed
	 * nothing it knows of as a failure and, after MAX_RECLAIM_RETRIES
	 * of them, stops waking for the node; direct reclaim without
	 * progress heads for the OOM killer. Neither sees pages a shrinker
	 * frees unless they are accounted here.
	 */
	if (sole)
		mm_account_reclaimed_pages(1);

	spin_lock(lock);
	return LRU_REMOVED_RETRY;

out_unlock_vma:
	binder_vma_unlock_read(mm, &vl);
out_mmput:
	if (mm_alive)
		mmput_async(mm);
	binder_alloc_reclaim_end(alloc);
	return LRU_SKIP;
}

/* ---------------------------------------------------------------------
 * Allocating and freeing buffers
 */

static void binder_alloc_debug_no_space_locked(struct binder_alloc *alloc,
					       size_t size)
{
	size_t allocated = 0, allocated_bytes = 0, largest_allocated = 0;
	size_t free = 0, free_bytes = 0, largest_free = 0;
	struct binder_buffer *buffer;

	lockdep_assert_held(&alloc->mutex);

	if (!(binder_alloc_debug_mask & BINDER_DEBUG_USER_ERROR))
		return;

	list_for_each_entry(buffer, &alloc->buffers, entry) {
		size_t buffer_size = binder_alloc_buffer_size(alloc, buffer);

		if (buffer->free) {
			free++;
			free_bytes += buffer_size;
			largest_free = max(largest_free, buffer_size);
		} else {
			allocated++;
			allocated_bytes += buffer_size;
			largest_allocated = max(largest_allocated, buffer_size);
		}
	}
	pr_info_ratelimited("%d: no space for %zu bytes: allocated %zu in %zu buffers (largest %zu), free %zu in %zu (largest %zu)\n",
			    alloc->pid, size, allocated_bytes, allocated,
			    largest_allocated, free_bytes, free, largest_free);
}

/*
 * Once async space runs low, whoever drains it will probably send again:
 * look at what the current sender already holds (not counting @new) and
 * flag it once. This is cheaper than tracking every sender.
 */
static bool binder_alloc_oneway_spam_locked(struct binder_alloc *alloc,
					    struct binder_buffer *new)
{
	size_t buffers = 0, bytes = 0;
	struct binder_buffer *buffer;
	int pid = current->tgid;
	struct rb_node *n;

	lockdep_assert_held(&alloc->mutex);

	if (alloc->free_async_space >=
	    alloc->buffer_size / BINDER_SPAM_CHECK_DIVISOR) {
		alloc->oneway_spam_detected = false;
		return false;
	}

	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n)) {
		buffer = rb_entry(n, struct binder_buffer, rb_node);
		if (buffer == new || buffer->pid != pid ||
		    !buffer->async_transaction)
			continue;
		buffers++;
		bytes += binder_alloc_buffer_size(alloc, buffer);
	}

	if (buffers <= BINDER_SPAM_MAX_BUFFERS &&
	    bytes <= alloc->buffer_size / BINDER_SPAM_MAX_BYTES_DIVISOR)
		return false;

	binder_alloc_debug(BINDER_DEBUG_USER_ERROR,
			   "%d: pid %d spamming oneway? %zu buffers allocated for a total size of %zu\n",
			   alloc->pid, pid, buffers, bytes);
	if (alloc->oneway_spam_detected)
		return false;
	alloc->oneway_spam_detected = true;
	return true;
}

/*
 * Carve @size bytes out of the best-fitting free buffer. @spare is a
 * preallocated buffer struct for the remainder of a split; it is set to
 * NULL if used.
 */
static struct binder_buffer *
binder_alloc_new_buf_locked(struct binder_alloc *alloc, size_t size,
			    bool is_async, struct binder_buffer **spare)
{
	struct binder_buffer *buffer;

	lockdep_assert_held(&alloc->mutex);

	if (is_async && alloc->free_async_space < size) {
		binder_alloc_debug(BINDER_DEBUG_BUFFER_ALLOC,
				   "%d: no async space left for %zu bytes\n",
				   alloc->pid, size);
		return ERR_PTR(-ENOSPC);
	}

	buffer = binder_find_best_fit_locked(alloc, size);
	if (!buffer) {
		binder_alloc_debug_no_space_locked(alloc, size);
		return ERR_PTR(-ENOSPC);
	}

	rb_erase(&buffer->rb_node, &alloc->free_buffers);
	if (binder_alloc_buffer_size(alloc, buffer) > size) {
		struct binder_buffer *rest = *spare;

		rest->user_data = buffer->user_data + size;
		rest->free = 1;
		list_add(&rest->entry, &buffer->entry);
		binder_insert_free_buffer(alloc, rest);
		*spare = NULL;
	}

	buffer->free = 0;
	buffer->allow_user_free = 0;
	buffer->async_transaction = is_async;
	buffer->oneway_spam_suspect = 0;
	binder_insert_allocated_buffer(alloc, buffer);
	binder_update_own_pages_locked(alloc, buffer, true);

	if (is_async) {
		alloc->free_async_space -= size;
		binder_alloc_debug(BINDER_DEBUG_BUFFER_ALLOC_ASYNC,
				   "%d: async buffer of %zu bytes, %zu left\n",
				   alloc->pid, size, alloc->free_async_space);
		if (binder_alloc_oneway_spam_locked(alloc, buffer))
			buffer->oneway_spam_suspect = 1;
	}

	return buffer;
}

/*
 * Total size of a request, each part rounded up to pointer size, and a
 * zero-byte request padded so that every buffer has its own address.
 * Returns 0 if the sum overflows.
 */
static size_t sanitized_size(size_t data_size, size_t offsets_size,
			     size_t extra_buffers_size)
{
	size_t parts[] = { data_size, offsets_size, extra_buffers_size };
	size_t total = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		size_t part = ALIGN(parts[i], sizeof(void *));

		if (part < parts[i] || check_add_overflow(total, part, &total))
			return 0;
	}
	return max(total, sizeof(void *));
}

/**
 * binder_alloc_new_buf() - allocate a buffer for a transaction
 * @alloc:              binder_alloc of the receiving process
 * @data_size:          bytes of transaction data
 * @offsets_size:       bytes of the offsets array
 * @extra_buffers_size: bytes of extra data (scatter-gather, security context)
 * @is_async:           nonzero to charge the buffer to the async space
 *
 * The buffer is as large as the three sizes, each rounded up to pointer
 * size, together (at least 8 bytes). It is carved out under the alloc
 * lock; its pages are installed after the lock is dropped.
 *
 * Return: the buffer, or ERR_PTR(): -ESRCH if the space is not mapped,
 * -EINVAL if the sizes overflow, -ENOSPC if no free buffer (or not enough
 * async space) is large enough, -ENOMEM, or whatever installing a page
 * failed with
 */
struct binder_buffer *binder_alloc_new_buf(struct binder_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   int is_async)
{
	struct binder_buffer *buffer, *spare;
	size_t size;
	int ret;

	if (!binder_alloc_is_mapped(alloc)) {
		binder_alloc_debug(BINDER_DEBUG_USER_ERROR,
				   "%d: buffer allocation without a mapping\n",
				   alloc->pid);
		return ERR_PTR(-ESRCH);
	}

	size = sanitized_size(data_size, offsets_size, extra_buffers_size);
	if (unlikely(!size)) {
		binder_alloc_debug(BINDER_DEBUG_BUFFER_ALLOC,
				   "%d: invalid size %zu-%zu-%zu\n",
				   alloc->pid, data_size, offsets_size,
				   extra_buffers_size);
		return ERR_PTR(-EINVAL);
	}

	ret = binder_alloc_ensure_page_array(alloc);
	if (ret)
		return ERR_PTR(ret);

	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (!spare)
		return ERR_PTR(-ENOMEM);

	mutex_lock(&alloc->mutex);
	buffer = binder_alloc_new_buf_locked(alloc, size, is_async, &spare);
	if (!IS_ERR(buffer)) {
		buffer->data_size = data_size;
		buffer->offsets_size = offsets_size;
		buffer->extra_buffers_size = extra_buffers_size;
		buffer->pid = current->tgid;
	}
	mutex_unlock(&alloc->mutex);
	kfree(spare);

	if (IS_ERR(buffer))
		return buffer;

	ret = binder_install_buffer_pages(alloc, buffer, size);
	if (ret) {
		binder_alloc_free_buf(alloc, buffer);
		return ERR_PTR(ret);
	}
	return buffer;
}

/* Free neighbours merge: the extent of a buffer ends where the next begins. */
static void binder_merge_free_buffers(struct binder_alloc *alloc,
				      struct binder_buffer *buffer)
{
	struct binder_buffer *neighbour;

	lockdep_assert_held(&alloc->mutex);

	if (!list_is_last(&buffer->entry, &alloc->buffers)) {
		neighbour = binder_buffer_next(buffer);
		if (neighbour->free) {
			rb_erase(&neighbour->rb_node, &alloc->free_buffers);
			list_del(&neighbour->entry);
			kfree(neighbour);
		}
	}

	if (buffer->entry.prev != &alloc->buffers) {
		neighbour = binder_buffer_prev(buffer);
		if (neighbour->free) {
			rb_erase(&neighbour->rb_node, &alloc->free_buffers);
			list_del(&buffer->entry);
			kfree(buffer);
			buffer = neighbour;
		}
	}

	binder_insert_free_buffer(alloc, buffer);
}

static void binder_free_buf_locked(struct binder_alloc *alloc,
				   struct binder_buffer *buffer)
{
	size_t buffer_size = binder_alloc_buffer_size(alloc, buffer);

	lockdep_assert_held(&alloc->mutex);

	if (WARN_ON_ONCE(buffer->free))
		return;
	WARN_ON_ONCE(buffer->transaction);

	binder_alloc_debug(BINDER_DEBUG_BUFFER_ALLOC,
			   "%d: free buffer at offset %lx, %zu bytes\n",
			   alloc->pid, buffer->user_data - alloc->buffer,
			   buffer_size);

	if (buffer->async_transaction) {
		alloc->free_async_space += buffer_size;
		binder_alloc_debug(BINDER_DEBUG_BUFFER_ALLOC_ASYNC,
				   "%d: async buffer of %zu bytes freed, %zu left\n",
				   alloc->pid, buffer_size,
				   alloc->free_async_space);
	}

	binder_update_own_pages_locked(alloc, buffer, false);
	rb_erase(&buffer->rb_node, &alloc->allocated_buffers);
	buffer->free = 1;
	binder_merge_free_buffers(alloc, buffer);
}

/*
 * The page behind @offset in @buffer, and the offset within it. The caller
 * makes sure @buffer is in use, so its pages stay installed.
 */
static struct page *binder_alloc_get_page(struct binder_alloc *alloc,
					  struct binder_buffer *buffer,
					  binder_size_t offset,
					  pgoff_t *pgoffp)
{
	unsigned long addr = buffer->user_data + offset;

	*pgoffp = offset_in_page(addr);
	return binder_alloc_slot(alloc, binder_alloc_page_index(alloc, addr));
}

static void binder_alloc_clear_buf(struct binder_alloc *alloc,
				   struct binder_buffer *buffer)
{
	size_t bytes = binder_alloc_buffer_size(alloc, buffer);
	binder_size_t offset = 0;

	while (bytes) {
		struct page *page;
		pgoff_t pgoff;
		size_t size;

		page = binder_alloc_get_page(alloc, buffer, offset, &pgoff);
		size = min_t(size_t, bytes, PAGE_SIZE - pgoff);
		memset_page(page, pgoff, 0, size);
		bytes -= size;
		offset += size;
	}
}

/**
 * binder_alloc_free_buf() - free a buffer
 * @alloc:  binder_alloc of the process the buffer belongs to
 * @buffer: buffer from binder_alloc_new_buf()
 *
 * Zeroes the buffer first if it was sent with %TF_CLEAR_BUF. That happens
 * outside the alloc lock: the buffer is still allocated, so nothing else
 * touches its pages.
 */
void binder_alloc_free_buf(struct binder_alloc *alloc,
			   struct binder_buffer *buffer)
{
	if (buffer->clear_on_free) {
		binder_alloc_clear_buf(alloc, buffer);
		buffer->clear_on_free = false;
	}
	mutex_lock(&alloc->mutex);
	binder_free_buf_locked(alloc, buffer);
	mutex_unlock(&alloc->mutex);
}

/**
 * binder_alloc_prepare_to_free() - find the buffer userspace wants to free
 * @alloc:    binder_alloc of the calling process
 * @user_ptr: user address of the buffer, from %BC_FREE_BUFFER
 *
 * A buffer found is no longer freeable by userspace afterwards, so a
 * second %BC_FREE_BUFFER for it fails.
 *
 * Return: the buffer; ERR_PTR(-EPERM) if it exists but userspace may not
 * free it (not yet delivered, or already being freed); NULL if no
 * allocated buffer starts at @user_ptr
 */
struct binder_buffer *binder_alloc_prepare_to_free(struct binder_alloc *alloc,
						   unsigned long user_ptr)
{
	struct binder_buffer *buffer;

	mutex_lock(&alloc->mutex);
	buffer = binder_find_allocated_buffer_locked(alloc, user_ptr);
	if (buffer) {
		if (buffer->allow_user_free)
			buffer->allow_user_free = 0;
		else
			buffer = ERR_PTR(-EPERM);
	}
	mutex_unlock(&alloc->mutex);
	return buffer;
}

/* ---------------------------------------------------------------------
 * Copying into and out of buffers
 */

/*
 * The kernel may touch a buffer while it is being built (not yet freeable
 * by userspace) and while it is being torn down (its transaction gone).
 * Offsets are 32-bit aligned.
 */
static bool check_buffer(struct binder_alloc *alloc,
			 struct binder_buffer *buffer,
			 binder_size_t offset, size_t bytes)
{
	size_t buffer_size = binder_alloc_buffer_size(alloc, buffer);

	return buffer_size >= bytes &&
	       offset <= buffer_size - bytes &&
	       IS_ALIGNED(offset, sizeof(u32)) &&
	       !buffer->free &&
	       (!buffer->allow_user_free || !buffer->transaction);
}

/**
 * binder_alloc_copy_user_to_buffer() - copy from userspace into a buffer
 * @alloc:         binder_alloc of the process the buffer belongs to
 * @buffer:        destination buffer
 * @buffer_offset: offset in @buffer to copy to
 * @from:          user source address
 * @bytes:         bytes to copy
 *
 * Return: bytes not copied (all of them if the range is invalid)
 */
unsigned long
binder_alloc_copy_user_to_buffer(struct binder_alloc *alloc,
				 struct binder_buffer *buffer,
				 binder_size_t buffer_offset,
				 const void __user *from,
				 size_t bytes)
{
	if (!check_buffer(alloc, buffer, buffer_offset, bytes))
		return bytes;

	while (bytes) {
		unsigned long size, left;
		struct page *page;
		pgoff_t pgoff;
		void *kptr;

		page = binder_alloc_get_page(alloc, buffer, buffer_offset,
					     &pgoff);
		size = min_t(size_t, bytes, PAGE_SIZE - pgoff);
		kptr = kmap_local_page(page) + pgoff;
		left = copy_from_user(kptr, from, size);
		kunmap_local(kptr);
		if (left)
			return bytes - size + left;
		bytes -= size;
		from += size;
		buffer_offset += size;
	}
	return 0;
}

static int binder_alloc_do_buffer_copy(struct binder_alloc *alloc,
				       bool to_buffer,
				       struct binder_buffer *buffer,
				       binder_size_t buffer_offset,
				       void *ptr, size_t bytes)
{
	if (!check_buffer(alloc, buffer, buffer_offset, bytes))
		return -EINVAL;

	while (bytes) {
		struct page *page;
		pgoff_t pgoff;
		size_t size;

		page = binder_alloc_get_page(alloc, buffer, buffer_offset,
					     &pgoff);
		size = min_t(size_t, bytes, PAGE_SIZE - pgoff);
		if (to_buffer)
			memcpy_to_page(page, pgoff, ptr, size);
		else
			memcpy_from_page(ptr, page, pgoff, size);
		bytes -= size;
		ptr += size;
		buffer_offset += size;
	}
	return 0;
}

/**
 * binder_alloc_copy_to_buffer() - copy kernel memory into a buffer
 * @alloc:         binder_alloc of the process the buffer belongs to
 * @buffer:        destination buffer
 * @buffer_offset: offset in @buffer to copy to, 32-bit aligned
 * @src:           kernel source address
 * @bytes:         bytes to copy
 *
 * Return: 0, or -EINVAL if the range is not inside a buffer the kernel
 * may write
 */
int binder_alloc_copy_to_buffer(struct binder_alloc *alloc,
				struct binder_buffer *buffer,
				binder_size_t buffer_offset,
				void *src,
				size_t bytes)
{
	return binder_alloc_do_buffer_copy(alloc, true, buffer, buffer_offset,
					   src, bytes);
}

/**
 * binder_alloc_copy_from_buffer() - copy from a buffer into kernel memory
 * @alloc:         binder_alloc of the process the buffer belongs to
 * @dest:          kernel destination address
 * @buffer:        source buffer
 * @buffer_offset: offset in @buffer to copy from, 32-bit aligned
 * @bytes:         bytes to copy
 *
 * Return: 0, or -EINVAL if the range is not inside a buffer the kernel
 * may read
 */
int binder_alloc_copy_from_buffer(struct binder_alloc *alloc,
				  void *dest,
				  struct binder_buffer *buffer,
				  binder_size_t buffer_offset,
				  size_t bytes)
{
	return binder_alloc_do_buffer_copy(alloc, false, buffer, buffer_offset,
					   dest, bytes);
}

/* ---------------------------------------------------------------------
 * Life cycle
 */

/**
 * binder_alloc_mmap_handler() - set up the buffer space in a new mapping
 * @alloc: binder_alloc of the process mapping binder
 * @vma:   the new VMA, with binder's vm_ops and vm_private_data already set
 *
 * Called by binder_mmap() with the owner's mmap_lock held for write. The
 * space is the VMA capped at 4 MiB; the VMA itself is not changed. A
 * binder_alloc is mapped at most once in its lifetime.
 *
 * Return: 0; -EINVAL if @vma is not in the mm that opened binder; -EBUSY
 * if the binder_alloc has been mapped before; -ENOMEM
 */
int binder_alloc_mmap_handler(struct binder_alloc *alloc,
			      struct vm_area_struct *vma)
{
	struct binder_buffer *buffer;
	const char *why;
	int ret;

	if (unlikely(vma->vm_mm != alloc->mm)) {
		ret = -EINVAL;
		why = "mapped from a foreign mm";
		goto err;
	}

	buffer = kzalloc(sizeof(*buffer), GFP_KERNEL);
	if (!buffer) {
		ret = -ENOMEM;
		why = "no memory for the first buffer";
		goto err;
	}

	mutex_lock(&alloc->mutex);
	if (alloc->buffer_size) {
		mutex_unlock(&alloc->mutex);
		kfree(buffer);
		ret = -EBUSY;
		why = "already mapped once";
		goto err;
	}

	alloc->buffer = vma->vm_start;
	alloc->buffer_size = min_t(unsigned long, vma->vm_end - vma->vm_start,
				   SZ_4M);
	alloc->vm_ops = vma->vm_ops;
	alloc->vm_private_data = vma->vm_private_data;
	alloc->free_async_space = alloc->buffer_size /
				  BINDER_ASYNC_SPACE_DIVISOR;

	buffer->user_data = alloc->buffer;
	buffer->free = 1;
	list_add(&buffer->entry, &alloc->buffers);
	binder_insert_free_buffer(alloc, buffer);

	/* Pairs with the acquire in binder_alloc_is_mapped() */
	smp_store_release(&alloc->mapped, true);
	mutex_unlock(&alloc->mutex);
	return 0;

err:
	binder_alloc_debug(BINDER_DEBUG_USER_ERROR,
			   "%s: %d %lx-%lx %s: %d\n", __func__, alloc->pid,
			   vma->vm_start, vma->vm_end, why, ret);
	return ret;
}

/*
 * close() is not told which VMA is closing, and after fork with
 * MADV_DOFORK a copy of our VMA lives in the child's mm: its munmap or the
 * child's exit must not end the parent's mapping. A VMA of @alloc's mm is
 * closed either by a task of that mm (munmap, mremap, a mapping over it)
 * or by exit_mmap() once the mm has no users left; any other close() is of
 * a VMA in another mm. (A parent thread that drops the last reference to
 * its child's mm and so runs the child's exit_mmap() passes this test: it
 * can only end its own mapping.)
 */
static bool binder_alloc_close_is_ours(struct binder_alloc *alloc)
{
	return current->mm == alloc->mm ||
	       !atomic_read(&alloc->mm->mm_users);
}

/**
 * binder_alloc_vma_close() - the binder mapping is going away
 * @alloc: binder_alloc whose VMA, or a copy of it, is being closed
 *
 * Called from the VMA's close() (munmap, mremap, exit), with mmap_lock of
 * the VMA's mm held for write or, for munmap, downgraded to read. For our
 * own mm no buffer can be allocated afterwards, ever; pages still
 * installed stay until reclaimed or released. The close of a copy in
 * another mm (fork after MADV_DOFORK) changes nothing.
 */
void binder_alloc_vma_close(struct binder_alloc *alloc)
{
	if (binder_alloc_close_is_ours(alloc))
		WRITE_ONCE(alloc->mapped, false);
}

/**
 * __binder_alloc_init() - binder_alloc_init() with a freelist of choice
 * @alloc:    binder_alloc to initialise, zeroed
 * @freelist: list_lru that unused pages go on
 *
 * The KUnit suite passes a private freelist so that it never touches the
 * system's shrinker.
 */
VISIBLE_IF_KUNIT void __binder_alloc_init(struct binder_alloc *alloc,
					  struct list_lru *freelist)
{
	alloc->pid = current->group_leader->pid;
	alloc->mm = current->mm;
	mmgrab(alloc->mm);
	mutex_init(&alloc->mutex);
	atomic_set(&alloc->reclaimers, 0);
	INIT_LIST_HEAD(&alloc->buffers);
	alloc->freelist = freelist;
}

/**
 * binder_alloc_init() - initialise a binder_alloc at open
 * @alloc: binder_alloc of the opening process, zeroed
 *
 * Records the opening process and its mm, which a later mmap must come
 * from.
 */
void binder_alloc_init(struct binder_alloc *alloc)
{
	__binder_alloc_init(alloc, &binder_freelist);
}

static int binder_alloc_free_all_buffers(struct binder_alloc *alloc)
{
	struct binder_buffer *buffer, *next;
	struct rb_node *n;
	int count = 0;

	lockdep_assert_held(&alloc->mutex);

	while ((n = rb_first(&alloc->allocated_buffers))) {
		buffer = rb_entry(n, struct binder_buffer, rb_node);
		/* binder.c has released every transaction by now. */
		WARN_ON_ONCE(buffer->transaction);
		buffer->transaction = NULL;
		if (buffer->clear_on_free) {
			binder_alloc_clear_buf(alloc, buffer);
			buffer->clear_on_free = false;
		}
		binder_free_buf_locked(alloc, buffer);
		count++;
	}

	/* One free buffer spanning the space is left, if it was mapped. */
	list_for_each_entry_safe(buffer, next, &alloc->buffers, entry) {
		WARN_ON_ONCE(!buffer->free);
		list_del(&buffer->entry);
		kfree(buffer);
	}
	alloc->free_buffers = RB_ROOT;
	return count;
}

static int binder_alloc_free_all_pages(struct binder_alloc *alloc)
{
	unsigned long index;
	int count = 0;

	lockdep_assert_held(&alloc->mutex);

	if (!alloc->pages)
		return 0;

	for (index = 0; index < alloc->buffer_size / PAGE_SIZE; index++) {
		struct page *page = binder_alloc_own_page_locked(alloc, index);

		if (!page)
			continue;
		/* Every buffer is free, so every page must be on the list. */
		WARN_ON_ONCE(!list_lru_del(alloc->freelist,
					   binder_page_lru(page),
					   page_to_nid(page), NULL));
		WRITE_ONCE(alloc->pages[index], NULL);
		binder_alloc_free_page_and_mdata(page);
		count++;
	}
	return count;
}

/**
 * binder_alloc_deferred_release() - free everything at process teardown
 * @alloc: binder_alloc of a binder_proc that is going away
 *
 * Called once binder.c has released every transaction and the mapping is
 * gone. Frees all buffers (zeroing %TF_CLEAR_BUF ones), all pages and
 * their metadata, and drops the mm. binder.c frees @alloc afterwards, so
 * this returns only once no reclaimer can touch it any more: the last
 * page is off the freelist, and every reclaimer that found one of them
 * has left binder_alloc_free_page() (see "Reclaim versus teardown").
 */
void binder_alloc_deferred_release(struct binder_alloc *alloc)
{
	int buffers, pages;

	mutex_lock(&alloc->mutex);
	WARN_ON_ONCE(alloc->mapped);
	buffers = binder_alloc_free_all_buffers(alloc);
	pages = binder_alloc_free_all_pages(alloc);
	mutex_unlock(&alloc->mutex);

	/* Pairs with the decrement in binder_alloc_reclaim_end() */
	wait_var_event(&alloc->reclaimers, !atomic_read(&alloc->reclaimers));

	kvfree(alloc->pages);
	alloc->pages = NULL;
	if (alloc->mm)
		mmdrop(alloc->mm);

	binder_alloc_debug(BINDER_DEBUG_OPEN_CLOSE,
			   "%s: %d buffers %d, pages %d\n",
			   __func__, alloc->pid, buffers, pages);
}

/* ---------------------------------------------------------------------
 * debugfs
 */

/**
 * binder_alloc_print_allocated() - print the allocated buffers
 * @m:     seq_file to print to
 * @alloc: binder_alloc to print
 */
void binder_alloc_print_allocated(struct seq_file *m,
				  struct binder_alloc *alloc)
{
	struct binder_buffer *buffer;
	struct rb_node *n;

	mutex_lock(&alloc->mutex);
	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n)) {
		buffer = rb_entry(n, struct binder_buffer, rb_node);
		seq_printf(m, "  buffer %d: %lx size %zd:%zd:%zd %s\n",
			   buffer->debug_id,
			   buffer->user_data - alloc->buffer,
			   buffer->data_size, buffer->offsets_size,
			   buffer->extra_buffers_size,
			   buffer->transaction ? "active" : "delivered");
	}
	mutex_unlock(&alloc->mutex);
}

/**
 * binder_alloc_print_pages() - print page usage and reclaim counters
 * @m:     seq_file to print to
 * @alloc: binder_alloc to print
 *
 * Pages are counted as active (in use), lru (unused, reclaimable) and
 * free (not installed).
 */
void binder_alloc_print_pages(struct seq_file *m,
			      struct binder_alloc *alloc)
{
	struct binder_reclaim_stats *stats = &alloc->stats;
	int active = 0, lru = 0, free = 0;
	unsigned long index;
	size_t pages_high;

	mutex_lock(&alloc->mutex);
	for (index = 0; index < alloc->buffer_size / PAGE_SIZE; index++) {
		struct page *page = alloc->pages ?
				    binder_alloc_slot(alloc, index) : NULL;

		/* A claimed page is being installed for a buffer in use. */
		if (!page)
			free++;
		else if (page == BINDER_PAGE_CLAIMED ||
			 list_empty(binder_page_lru(page)))
			active++;
		else
			lru++;
	}
	pages_high = alloc->pages_high;
	mutex_unlock(&alloc->mutex);

	seq_printf(m, "  pages: %d:%d:%d\n", active, lru, free);
	seq_printf(m, "  pages high watermark: %zu\n", pages_high);
	seq_printf(m, "  pages reclaimed: %ld skipped busy: %ld skipped no vma: %ld foreign vma: %ld\n",
		   atomic_long_read(&stats->reclaimed),
		   atomic_long_read(&stats->skipped_busy),
		   atomic_long_read(&stats->skipped_no_vma),
		   atomic_long_read(&stats->foreign_vma));
}

/**
 * binder_alloc_pages_show() - the pages of all processes, for debugfs
 * @m:      seq_file of /sys/kernel/debug/binder_alloc/pages
 * @unused: unused
 *
 * The pages the allocator owns, how many of them are unused (on the
 * freelist), and how many were ever installed and reclaimed. Tests use it
 * to see that every page comes back once every binder process is gone.
 *
 * Return: 0
 */
int binder_alloc_pages_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "pages_owned: %ld\n", binder_alloc_pages_owned());
	seq_printf(m, "pages_lru: %lu\n", list_lru_count(&binder_freelist));
	seq_printf(m, "pages_installed: %ld\n",
		   atomic_long_read(&binder_alloc_installs));
	seq_printf(m, "pages_reclaimed: %ld\n",
		   atomic_long_read(&binder_alloc_reclaims));
	return 0;
}

/**
 * binder_alloc_get_allocated_count() - count the allocated buffers
 * @alloc: binder_alloc to count in
 *
 * Return: the number of allocated buffers
 */
int binder_alloc_get_allocated_count(struct binder_alloc *alloc)
{
	struct rb_node *n;
	int count = 0;

	mutex_lock(&alloc->mutex);
	for (n = rb_first(&alloc->allocated_buffers); n; n = rb_next(n))
		count++;
	mutex_unlock(&alloc->mutex);
	return count;
}
