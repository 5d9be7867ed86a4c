/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_metadata.h - the allocator metadata of one binder fd, computed
 * from the structures each allocator keeps: binder_bench's mem.*.computed
 * rows and binder_demo's metadata line. Compile bench_metadata.c in.
 */
#ifndef BENCH_METADATA_H
#define BENCH_METADATA_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Bytes for a mapping of @map_size with @installed pages installed and one
 * free buffer spanning the space: @ours, or stock 6.12.
 */
size_t binder_alloc_metadata_bytes(bool ours, size_t map_size, long installed);

#endif /* BENCH_METADATA_H */
