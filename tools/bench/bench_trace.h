/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_trace.h - for binder_bench, from the kernel's tracepoints
 * (CONFIG_TRACING; tracefs): one mm's mmap_lock traffic, and what the
 * binder shrinker did when the kernel's reclaim called it.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stdbool.h>
#include <sys/types.h>

/* What the threads of a window did to one mm's mmap_lock. */
struct mmap_lock_traffic {
	long write_acquired;	/* successful write acquisitions, try or not */
	long read_acquired;	/* successful read acquisitions, try or not */
	long try_failed;	/* failed trylocks, either mode */
	double wait_us;		/* start_locking -> acquire_returned, summed */
	double write_hold_us;	/* write acquired -> released, summed */
	long events;		/* events of that mm that were counted */
};

/* Mount tracefs if need be; true if the mmap_lock events are there. */
bool mmap_lock_trace_open(void);
/* Empty the ring buffer and start recording the mmap_lock events. */
bool mmap_lock_trace_start(void);
/* Stop recording (the buffer keeps what was recorded). */
void mmap_lock_trace_stop(void);
/*
 * Count the recorded traffic of the mm that thread @marker locked (it must
 * have taken its own mmap_lock while recording), leaving out @marker's own
 * events. False if the marker is not found or events were lost.
 */
bool mmap_lock_trace_count(pid_t marker, struct mmap_lock_traffic *t);

/* The binder shrinker's calls from reclaim (mm_shrink_slab_end). */
struct shrink_traffic {
	long kswapd_calls;	/* from kswapd */
	long direct_calls;	/* from an allocation's direct reclaim */
	long freed;		/* objects (binder pages) those calls freed */
};

/* Mount tracefs if need be; true if mm_shrink_slab_end is there. */
bool shrink_trace_open(void);
/* Empty the ring buffer and start recording the shrinker's events. */
bool shrink_trace_start(void);
void shrink_trace_stop(void);
/* Count what was recorded; false if it cannot be read or events were lost. */
bool shrink_trace_count(struct shrink_traffic *t);

#endif /* BENCH_TRACE_H */
