/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_trace.h - one mm's mmap_lock traffic, counted from the kernel's
 * mmap_lock tracepoints (CONFIG_TRACING; tracefs), for binder_bench.
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

#endif /* BENCH_TRACE_H */
