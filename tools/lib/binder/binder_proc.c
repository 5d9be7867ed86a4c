// SPDX-License-Identifier: GPL-2.0
/*
 * The processes of the binder tools: see binder_proc.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binder.h"
#include "binder_proc.h"

void *binder_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void binder_shared_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

bool binder_wait_flag(const int *flag, int value, int timeout_ms)
{
	long deadline = binder_now_ms() + timeout_ms;

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) < value) {
		if (binder_now_ms() > deadline)
			return false;
		binder_sleep_ms(1);
	}
	return true;
}

void binder_set_flag(int *flag, int value)
{
	__atomic_store_n(flag, value, __ATOMIC_RELEASE);
}

pid_t binder_fork(void)
{
	pid_t parent = getpid();
	pid_t pid;

	/* or the child would print what the parent had buffered, again */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* the parent died before prctl(): nobody would kill us */
	if (getppid() != parent)
		_exit(1);
	return 0;
}

int binder_wait_pid(pid_t pid, int timeout_ms, int *status)
{
	long deadline = binder_now_ms() + timeout_ms;
	pid_t ret;

	while ((ret = waitpid(pid, status, WNOHANG)) == 0) {
		if (binder_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return -ETIMEDOUT;
		}
		binder_sleep_ms(1);
	}
	return ret < 0 ? -errno : 0;
}
