// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reclaim of unused binder pages.
 *
 * A page that no buffer uses stays installed in its process's mapping, on
 * binder_freelist, so that the next buffer there needs no new page. Under
 * memory pressure the "android-binder" shrinker walks the list and frees
 * such pages, zapping them from the binder VMA first.
 *
 * The walk calls binder_alloc_free_page() with the list_lru node lock held.
 * From there it only trylocks: the VMA at the page's address (per-VMA lock,
 * or mmap_lock where per-VMA locks are unavailable), then the alloc lock.
 * What it does next depends on what it found at the address and on
 * binder_alloc_is_mapped():
 *
 *   our VMA                 zap the PTE, free the page.
 *   another VMA             munmap and a new mmap put it there; our PTE
 *                           went with the old VMA. Free the page, never
 *                           touching the stranger.
 *   no VMA, not mapped      nothing of ours maps the page here: free it.
 *   no VMA, still mapped    the VMA lock failed transiently (a writer, or
 *                           a munmap that has not reached close() yet):
 *                           skip the page, a later walk will get it.
 *
 * The mapped flag can change under us (close() of another piece of our
 * VMA, or munmap after it downgraded mmap_lock); nothing here relies on
 * it staying put, only on these facts:
 *  - a binder_alloc is mapped once in its life: once clear, the flag
 *    stays clear and nothing is ever installed again;
 *  - "our VMA" is decided positively by binder_alloc_vma_is_ours(), and a
 *    VMA that has been closed has the mm's dummy vm_ops, so it is never
 *    ours: after a partial munmap the rest of our VMA still maps pages
 *    although the flag is clear, and zapping them there is right;
 *  - every PTE holds a reference of its own on its page: freeing the
 *    allocator's reference while some PTE we could not reach still maps
 *    the page (a moved or forked copy of our VMA) leaves the page to that
 *    PTE, and it is freed when the PTE goes.
 *
 * If the process has no mm users left, exit_mmap() is tearing the mapping
 * down and drops the PTEs' references itself; the page is freed without
 * looking for a VMA.
 */

#include <linux/debugfs.h>
#include <linux/list_lru.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>
#include <linux/swap.h>
#include <linux/wait_bit.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "binder_alloc.h"
#include "binder_trace.h"

struct list_lru binder_freelist;

static struct shrinker *binder_shrinker;
static struct dentry *binder_alloc_debugfs;
/* Pages the shrinker ever freed, all processes together. */
static atomic_long_t binder_reclaimed;

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
	KUNIT_STATIC_STUB_REDIRECT(binder_reclaim_zap_page, alloc, vma, index);

	trace_binder_unmap_user_start(alloc, index);
	zap_page_range_single(vma, alloc->buffer + index * PAGE_SIZE,
			      PAGE_SIZE, NULL);
	trace_binder_unmap_user_end(alloc, index);
}
EXPORT_SYMBOL_IF_KUNIT(binder_reclaim_zap_page);

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
 * @item:   &binder_shrinker_mdata.lru of an unused page
 * @lru:    the list @item is on
 * @lock:   the list's lock, held on entry and on return
 * @cb_arg: unused
 *
 * See the top of this file for what happens to the page. The alloc lock is
 * held from taking the page off the list until its PTE is zapped and its
 * slot cleared, so a new buffer cannot claim the page half-way (see
 * "Reclaim versus reuse" in binder_alloc.c).
 *
 * Return: %LRU_REMOVED_RETRY if the page was freed (@lock was dropped and
 * retaken), %LRU_SKIP if it was left on the list
 */
enum lru_status binder_alloc_free_page(struct list_head *item,
				       struct list_lru_one *lru,
				       spinlock_t *lock, void *cb_arg)
	__must_hold(lock)
{
	struct binder_shrinker_mdata *mdata =
		container_of(item, struct binder_shrinker_mdata, lru);
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

	if (action == BINDER_RECLAIM_ZAP_AND_FREE)
		binder_reclaim_zap_page(alloc, vl.vma, index);
	atomic_long_inc(&alloc->stats.reclaimed);
	atomic_long_inc(&binder_reclaimed);
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

static unsigned long binder_shrink_count(struct shrinker *shrink,
					 struct shrink_control *sc)
{
	return list_lru_shrink_count(&binder_freelist, sc);
}

static unsigned long binder_shrink_scan(struct shrinker *shrink,
					struct shrink_control *sc)
{
	return list_lru_shrink_walk(&binder_freelist, sc,
				    binder_alloc_free_page, NULL);
}

/*
 * /sys/kernel/debug/binder_alloc/pages: the allocator's pages in all
 * processes, how many of them are unused, on the freelist, and how many
 * were ever installed and reclaimed. binder.c's
 * own debugfs files (and their format) are not ours to extend; tests use
 * this to see that every page comes back once every binder process is
 * gone.
 */
static int binder_alloc_pages_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "pages_owned: %ld\n", binder_alloc_pages_owned());
	seq_printf(m, "pages_lru: %lu\n", list_lru_count(&binder_freelist));
	seq_printf(m, "pages_installed: %ld\n", binder_alloc_pages_installed());
	seq_printf(m, "pages_reclaimed: %ld\n", atomic_long_read(&binder_reclaimed));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(binder_alloc_pages);

/**
 * binder_alloc_shrinker_init() - set up the freelist and the shrinker
 *
 * Called once from binder_init().
 *
 * Return: 0, or -ENOMEM
 */
int binder_alloc_shrinker_init(void)
{
	int ret;

	ret = list_lru_init(&binder_freelist);
	if (ret)
		return ret;

	binder_shrinker = shrinker_alloc(SHRINKER_NUMA_AWARE, "android-binder");
	if (!binder_shrinker) {
		ret = -ENOMEM;
		goto err_destroy_freelist;
	}

	binder_shrinker->count_objects = binder_shrink_count;
	binder_shrinker->scan_objects = binder_shrink_scan;
	shrinker_register(binder_shrinker);

	binder_alloc_debugfs = debugfs_create_dir("binder_alloc", NULL);
	debugfs_create_file("pages", 0444, binder_alloc_debugfs, NULL,
			    &binder_alloc_pages_fops);
	return 0;

err_destroy_freelist:
	list_lru_destroy(&binder_freelist);
	return ret;
}

/**
 * binder_alloc_shrinker_exit() - undo binder_alloc_shrinker_init()
 *
 * Only for binder_init()'s error path: binder cannot be unloaded.
 */
void binder_alloc_shrinker_exit(void)
{
	debugfs_remove(binder_alloc_debugfs);
	shrinker_free(binder_shrinker);
	list_lru_destroy(&binder_freelist);
}
