/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Binder buffer allocator: the per-process buffer space that binder
 * transactions are copied into, and the pages behind it.
 */

#ifndef _LINUX_BINDER_ALLOC_H
#define _LINUX_BINDER_ALLOC_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <uapi/linux/android/binder.h>

struct binder_transaction;
struct seq_file;

/**
 * struct binder_buffer - one buffer carved out of a process's buffer space
 * @entry:              link in &binder_alloc.buffers, ordered by address
 * @rb_node:            node in &binder_alloc.free_buffers (keyed by size)
 *                      while free, in &binder_alloc.allocated_buffers (keyed
 *                      by address) while allocated
 * @free:               %true while the buffer is free space
 * @clear_on_free:      %true if the contents must be zeroed when freed
 *                      (the sender asked for %TF_CLEAR_BUF)
 * @allow_user_free:    %true once userspace may release the buffer with
 *                      %BC_FREE_BUFFER
 * @async_transaction:  %true if the buffer is charged to the async space
 * @oneway_spam_suspect: %true if allocating this async buffer crossed the
 *                      oneway-spam threshold
 * @debug_id:           unique ID for debugging
 * @transaction:        binder transaction the buffer belongs to, if any
 * @target_node:        binder node the transaction is addressed to
 * @data_size:          bytes of transaction data
 * @offsets_size:       bytes of the object offsets array
 * @extra_buffers_size: bytes of scatter-gather and security context data
 * @user_data:          user address of the buffer's first byte
 * @pid:                thread group of the sender the buffer is charged to
 *
 * Every byte of the buffer space belongs to exactly one buffer: a buffer
 * extends from @user_data to the next buffer's @user_data (or to the end of
 * the space). The allocator keeps no metadata inside the user pages.
 */
struct binder_buffer {
	struct list_head entry;
	struct rb_node rb_node;
	unsigned free:1;
	unsigned clear_on_free:1;
	unsigned allow_user_free:1;
	unsigned async_transaction:1;
	unsigned oneway_spam_suspect:1;
	unsigned debug_id:27;
	struct binder_transaction *transaction;
	struct binder_node *target_node;
	size_t data_size;
	size_t offsets_size;
	size_t extra_buffers_size;
	unsigned long user_data;
	int pid;
};

/**
 * struct binder_reclaim_stats - what the shrinker did to one binder_alloc
 * @reclaimed:    pages freed by the shrinker
 * @skipped_busy: pages skipped because a lock was contended
 * @skipped_no_vma: pages skipped because the mapping was still marked
 *                mapped but its VMA could not be locked
 * @foreign_vma:  pages freed without a zap because another VMA had
 *                replaced the binder mapping at their address
 *
 * Counters only; updated without the alloc lock, read for debugfs.
 */
struct binder_reclaim_stats {
	atomic_long_t reclaimed;
	atomic_long_t skipped_busy;
	atomic_long_t skipped_no_vma;
	atomic_long_t foreign_vma;
};

/**
 * struct binder_alloc - per-process state of the binder allocator
 * @mutex:              the alloc lock; see "DOC: Locking" in binder_alloc.c
 * @mm:                 mm of the process that opened binder (grabbed for
 *                      the lifetime of the binder_alloc)
 * @buffer:             user address of the buffer space (start of the VMA)
 * @buffers:            all buffers, free and allocated, by address
 * @free_buffers:       free buffers by size, for best-fit allocation
 * @allocated_buffers:  allocated buffers by user address
 * @free_async_space:   bytes still available to async transactions: half
 *                      of the buffer space at mmap time
 * @pages:              installed pages of the buffer space by index, or
 *                      NULL before the first buffer is allocated
 * @freelist:           list_lru that unused installed pages are put on
 * @vm_ops:             vm_ops of the binder VMA, recorded at mmap time
 * @vm_private_data:    vm_private_data of the binder VMA, ditto: together
 *                      with @vm_ops they identify our VMA positively
 * @buffer_size:        size of the buffer space: the VMA size capped at
 *                      4 MiB; nonzero forever once mmap has succeeded
 * @pages_high:         highest number of pages ever in use at once
 * @stats:              reclaim counters
 * @reclaimers:         shrinker callbacks working on a page of this
 *                      binder_alloc right now; teardown waits for none
 * @pid:                pid of the process that opened binder
 * @mapped:             %true between a successful mmap and the close of
 *                      its VMA
 * @oneway_spam_detected: %true once oneway spam has been reported, until
 *                      async space is healthy again
 *
 * Set up by binder_alloc_init() at open and binder_alloc_mmap_handler() at
 * mmap, torn down by binder_alloc_deferred_release().
 */
struct binder_alloc {
	struct mutex mutex; /* see "DOC: Locking" in binder_alloc.c */
	struct mm_struct *mm;
	unsigned long buffer;
	struct list_head buffers;
	struct rb_root free_buffers;
	struct rb_root allocated_buffers;
	size_t free_async_space;
	struct page **pages;
	struct list_lru *freelist;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	size_t buffer_size;
	size_t pages_high;
	struct binder_reclaim_stats stats;
	atomic_t reclaimers;
	int pid;
	bool mapped;
	bool oneway_spam_detected;
};

/**
 * binder_selftest_alloc() - retired in-kernel selftest
 * @alloc: unused
 *
 * binder.c still calls this on every open; the allocator is tested by the
 * KUnit suite (CONFIG_ANDROID_BINDER_ALLOC_KUNIT_TEST) instead.
 */
static inline void binder_selftest_alloc(struct binder_alloc *alloc) {}

struct binder_buffer *binder_alloc_new_buf(struct binder_alloc *alloc,
					   size_t data_size,
					   size_t offsets_size,
					   size_t extra_buffers_size,
					   int is_async);
void binder_alloc_init(struct binder_alloc *alloc);
int binder_alloc_shrinker_init(void);
void binder_alloc_shrinker_exit(void);
void binder_alloc_vma_close(struct binder_alloc *alloc);
struct binder_buffer *
binder_alloc_prepare_to_free(struct binder_alloc *alloc,
			     unsigned long user_ptr);
void binder_alloc_free_buf(struct binder_alloc *alloc,
			   struct binder_buffer *buffer);
int binder_alloc_mmap_handler(struct binder_alloc *alloc,
			      struct vm_area_struct *vma);
void binder_alloc_deferred_release(struct binder_alloc *alloc);
int binder_alloc_get_allocated_count(struct binder_alloc *alloc);
void binder_alloc_print_allocated(struct seq_file *m,
				  struct binder_alloc *alloc);
void binder_alloc_print_pages(struct seq_file *m,
			      struct binder_alloc *alloc);

/**
 * binder_alloc_get_free_async_space() - bytes left for async transactions
 * @alloc: binder_alloc of the receiving process
 *
 * Return: the async space not charged to any buffer right now
 */
static inline size_t
binder_alloc_get_free_async_space(struct binder_alloc *alloc)
{
	size_t free_async_space;

	mutex_lock(&alloc->mutex);
	free_async_space = alloc->free_async_space;
	mutex_unlock(&alloc->mutex);
	return free_async_space;
}

unsigned long
binder_alloc_copy_user_to_buffer(struct binder_alloc *alloc,
				 struct binder_buffer *buffer,
				 binder_size_t buffer_offset,
				 const void __user *from,
				 size_t bytes);

int binder_alloc_copy_to_buffer(struct binder_alloc *alloc,
				struct binder_buffer *buffer,
				binder_size_t buffer_offset,
				void *src,
				size_t bytes);

int binder_alloc_copy_from_buffer(struct binder_alloc *alloc,
				  void *dest,
				  struct binder_buffer *buffer,
				  binder_size_t buffer_offset,
				  size_t bytes);

/*
 * Not for binder.c: what binder_shrinker.c uses of binder_alloc.c (the
 * freelist, the walk callback, the debugfs summary), and the mapped flag,
 * which the KUnit suite reads too.
 */

extern struct list_lru binder_freelist;

enum lru_status binder_alloc_free_page(struct list_head *item,
				       struct list_lru_one *lru,
				       spinlock_t *lock, void *cb_arg);
int binder_alloc_pages_show(struct seq_file *m, void *unused);

/**
 * binder_alloc_is_mapped() - is the buffer space mapped right now?
 * @alloc: binder_alloc to check
 *
 * Pairs with the release store at the end of binder_alloc_mmap_handler():
 * a caller that sees %true also sees the whole initialised buffer space.
 *
 * Return: %true between a successful mmap and the close of its VMA
 */
static inline bool binder_alloc_is_mapped(struct binder_alloc *alloc)
{
	/* Pairs with the release in binder_alloc_mmap_handler() */
	return smp_load_acquire(&alloc->mapped);
}

/*
 * The lock that holds the binder VMA for read: its per-VMA lock where the
 * kernel has them and binder is built in, mmap_lock otherwise (UML has no
 * per-VMA locks; 6.12 does not export lock_vma_under_rcu() to modules).
 * The one place this is decided; see "Locking the binder VMA for read" in
 * binder_alloc.c.
 */
#if defined(CONFIG_PER_VMA_LOCK) && !defined(MODULE)
#define BINDER_PER_VMA_LOCK	1
#else
#define BINDER_PER_VMA_LOCK	0
#endif

/**
 * binder_alloc_uses_per_vma_lock() - which lock holds the binder VMA?
 *
 * For tests whose expectations differ between the two builds.
 *
 * Return: %true if the per-VMA lock, %false if mmap_lock
 */
static inline bool binder_alloc_uses_per_vma_lock(void)
{
	return BINDER_PER_VMA_LOCK;
}

/*
 * For the KUnit suite only (VISIBLE_IF_KUNIT in binder_alloc.c). The suite
 * is linked into the binder module, so nothing needs exporting.
 */
#if IS_ENABLED(CONFIG_KUNIT)
void __binder_alloc_init(struct binder_alloc *alloc,
			 struct list_lru *freelist);
struct page *binder_alloc_page_alloc(struct binder_alloc *alloc,
				     unsigned long index);
struct page *binder_alloc_installed_page(struct binder_alloc *alloc,
					 unsigned long index);
void binder_reclaim_zap_page(struct binder_alloc *alloc,
			     struct vm_area_struct *vma, unsigned long index);
void binder_alloc_free_page_and_mdata(struct page *page);
long binder_alloc_pages_owned(void);

/**
 * struct binder_alloc_reclaim_counts - &binder_alloc.stats, read at once
 * @reclaimed:      pages freed by the shrinker
 * @skipped_busy:   pages skipped because a lock was contended
 * @skipped_no_vma: pages skipped: mapped, but no VMA could be locked
 * @foreign_vma:    pages freed under a VMA that is not binder's
 */
struct binder_alloc_reclaim_counts {
	long reclaimed;
	long skipped_busy;
	long skipped_no_vma;
	long foreign_vma;
};

bool binder_alloc_page_on_freelist(struct binder_alloc *alloc,
				   unsigned long index);
bool binder_alloc_page_mdata_matches(struct binder_alloc *alloc,
				     unsigned long index);
void binder_alloc_get_reclaim_counts(struct binder_alloc *alloc,
				     struct binder_alloc_reclaim_counts *counts);
#endif

#endif /* _LINUX_BINDER_ALLOC_H */
