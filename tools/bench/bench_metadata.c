// SPDX-License-Identifier: GPL-2.0
/*
 * bench_metadata.c - the allocator metadata of one binder fd, computed: see
 * bench_metadata.h. binder_bench checks it against the slab counters
 * (mem.*.measured).
 */
#include <unistd.h>

#include "bench_metadata.h"

/*
 * The structures, from the 6.12 sources, in machine words (a pointer, a
 * long, a size_t: sizeof(long) on every 64-bit architecture):
 *   struct binder_buffer: list_head (2), rb_node (3), a word of bit
 *     fields, transaction and target_node (2), data, offsets and extra
 *     sizes and user_data (4), pid (an int, padded to a word): 13 words,
 *     104 bytes on x86_64; one in both allocators (it spans the whole
 *     space while no buffer is allocated, and after every free)
 *   stock's struct binder_lru_page: list_head, page and alloc pointers
 *     (4 words), for every page of the mapping, kvcalloc()ed at mmap
 *   ours: a struct page pointer per page (1 word), kvcalloc()ed with the
 *     first buffer, and a struct binder_shrinker_mdata per installed page:
 *     list_head, alloc pointer, page index (4 words)
 */
#define WORD			sizeof(long)
#define BINDER_BUFFER_SIZE	(13 * WORD)
#define STOCK_LRU_PAGE_SIZE	(4 * WORD)
#define OURS_PAGE_PTR_SIZE	(1 * WORD)
#define OURS_MDATA_SIZE		(4 * WORD)

/*
 * What kmalloc() really takes for @size bytes under SLUB: the caches are
 * the powers of two from 8 bytes to two pages, and 96 and 192 (the
 * kmalloc-96 and kmalloc-192 caches that every architecture with an
 * 8-byte minimum alignment has); larger requests are kmalloc_large(),
 * whole pages in a power-of-two order.
 */
static size_t kmalloc_bytes(size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE), bytes;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	bytes = size > 2 * page ? page : 8;
	while (bytes < size)
		bytes *= 2;
	return bytes;
}

size_t binder_alloc_metadata_bytes(bool ours, size_t map_size, long installed)
{
	size_t pages = map_size / sysconf(_SC_PAGESIZE);
	size_t bytes = kmalloc_bytes(BINDER_BUFFER_SIZE);

	if (!ours)
		return bytes + kmalloc_bytes(pages * STOCK_LRU_PAGE_SIZE);
	if (installed)
		bytes += kmalloc_bytes(pages * OURS_PAGE_PTR_SIZE) +
			 installed * kmalloc_bytes(OURS_MDATA_SIZE);
	return bytes;
}
