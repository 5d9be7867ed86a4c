/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processes of the binder tools: memory shared with children and
 * flags in it, children that die with their parent, and reaping them
 * with a timeout. Compile binder_proc.c into the program.
 */
#ifndef BINDER_PROC_H
#define BINDER_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Anonymous memory shared with the children forked after; zeroed. */
void *binder_shared(size_t size);
void binder_shared_free(void *p, size_t size);

/* Flags in shared memory that only grow: wait until *flag >= value. */
bool binder_wait_flag(const int *flag, int value, int timeout_ms);
void binder_set_flag(int *flag, int value);

/*
 * fork(), with stdio flushed first; the child gets SIGKILL when its parent
 * dies (and exits at once if that happened already). It keeps every fd.
 */
pid_t binder_fork(void);

/*
 * waitpid() @pid for at most @timeout_ms, then SIGKILL it and wait.
 * Returns 0 with *status set, -ETIMEDOUT (killed; *status set), or -errno.
 */
int binder_wait_pid(pid_t pid, int timeout_ms, int *status);

#endif /* BINDER_PROC_H */
