// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "android-binder" shrinker: how memory pressure reaches the pages no
 * binder buffer uses.
 *
 * Those pages stay installed in their process's mapping, on binder_freelist,
 * so that the next buffer there needs no new page. binder_alloc.c owns a
 * page's whole life: its metadata, its freelist membership and what reclaim
 * does to it (binder_alloc_free_page(); "Reclaiming pages" and the DOC:
 * sections in binder_alloc.c). This file only registers the shrinker that
 * counts and walks the freelist, and the debugfs file that sums up the
 * pages of all processes.
 */

#include <linux/debugfs.h>
#include <linux/list_lru.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>

#include "binder_alloc.h"

static struct shrinker *binder_shrinker;
static struct dentry *binder_alloc_debugfs;

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
 * /sys/kernel/debug/binder_alloc/pages; binder_alloc_pages_show() prints
 * it. binder.c's own debugfs files (and their format) are not ours to
 * extend.
 */
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
