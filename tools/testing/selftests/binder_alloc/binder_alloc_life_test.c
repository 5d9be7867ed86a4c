// SPDX-License-Identifier: GPL-2.0
/*
 * binder_alloc over the life of a process: the mapping rules, the life of
 * a page (installed, on the LRU, reclaimed, installed again), and the ends
 * of mappings and processes in the middle of traffic, after which nothing
 * may be left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ba_fixture.h"

/*
 * Step 1 sends results[0] bytes for BA_CHECK, step 2 results[0] +
 * results[1]; step 3 ends the client. Until then it stays alive and idle,
 * so that reclaim never finds it exiting.
 */
static int check_script(struct ba_scripted *c, struct binder_thread *t,
			int step)
{
	size_t size = c->results[0] + (step > 1 ? c->results[1] : 0);
	void *buf;

	if (step == 3)
		return -1;
	buf = malloc(size + 1);
	if (!buf)
		return 1;
	ba_client_send(t, &c->out, 0, BA_CHECK, buf, size, step, true);
	free(buf);
	return 0;
}

static int mmap_errno(int fd, size_t size, int prot, int flags)
{
	void *p = mmap(NULL, size, prot, flags, fd, 0);

	if (p != MAP_FAILED) {
		munmap(p, size);
		return 0;
	}
	return errno;
}

/* A child mapping the parent's binder fd: only the opener's mm may. */
static int mmap_errno_in_child(int fd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(mmap_errno(fd, MiB, PROT_READ, MAP_PRIVATE));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int mprotect_errno(void *p, size_t size, int prot)
{
	return mprotect(p, size, prot) ? errno : 0;
}

/* @what was refused with @expected: @err is the errno it got, 0 if none. */
static void expect_refused(struct __test_metadata *_metadata, int err,
			   int expected, const char *what)
{
	EXPECT_EQ(err, expected)
		TH_LOG("%s: %s, expected %s", what,
		       err < 0 ? "no exit status" : strerror(err),
		       strerror(expected));
}

/*
 * The mapping rules seen from userspace: read-only, never made writable,
 * one mapping per fd for its whole life, larger than 4 MiB accepted with
 * 4 MiB of buffer space.
 */
TEST_F_TIMEOUT(binder_alloc, mmap_rules, 120)
{
	const size_t map_size = 2 * BINDER_VM_MAX;
	struct binder_proc_stats st;
	struct ba_scripted *c;
	struct binder_thread t;
	struct binder_event ev;
	struct binder b;
	void *p;
	int ret;

	ret = binder_open(&b, self->dev.path, 0);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot open %s", strerror(-ret), self->dev.path);
	expect_refused(_metadata,
		       mmap_errno(b.fd, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE),
		       EPERM, "a writable private mapping");
	expect_refused(_metadata,
		       mmap_errno(b.fd, MiB, PROT_READ | PROT_WRITE, MAP_SHARED),
		       EPERM, "a writable shared mapping");
	expect_refused(_metadata, mmap_errno_in_child(b.fd), EINVAL,
		       "a mapping by a forked child of the opener");

	/* The refusals used nothing up: the first real mapping works. */
	ret = binder_map(&b, map_size);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot map %zu bytes after the refused mappings",
		       strerror(-ret), map_size);
	p = (void *)b.map;
	expect_refused(_metadata,
		       mprotect_errno(p, BA_PAGE, PROT_READ | PROT_WRITE),
		       EACCES, "making a page of the mapping writable");
	EXPECT_NE(mprotect_errno(p, map_size, PROT_READ | PROT_WRITE | PROT_EXEC), 0)
		TH_LOG("the whole %zu-byte mapping was made writable and executable",
		       map_size);
	expect_refused(_metadata, mmap_errno(b.fd, MiB, PROT_READ, MAP_PRIVATE),
		       EBUSY, "a second mapping of the same fd");

	if (binder_debugfs_available()) {
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		EXPECT_EQ(st.pages_active + st.pages_lru + st.pages_free,
			  (int)(BINDER_VM_MAX / BA_PAGE))
			TH_LOG("%d pages of buffer space for a %zu-byte mapping, not %lu",
			       st.pages_active + st.pages_lru + st.pages_free,
			       map_size, BINDER_VM_MAX / BA_PAGE);
		EXPECT_EQ(st.free_async_space, (long)BINDER_VM_MAX / 2)
			TH_LOG("%ld bytes of async space: not half of %lu bytes of buffer space",
			       st.free_async_space, BINDER_VM_MAX);
	}

	/* 4 MiB usable: exactly that much fits, one byte more does not. */
	ret = binder_become_context_manager(&b);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot become the context manager of %s",
		       strerror(-ret), self->dev.path);
	binder_thread_init(&t, &b);
	ret = binder_enter_looper(&t);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot enter the looper", strerror(-ret));
	c = ba_scripted_start(self->dev.path, check_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");
	c->results[0] = BINDER_VM_MAX;
	c->results[1] = 1;
	binder_set_flag(&c->step, 1);
	ASSERT_TRUE(ba_next_transaction(&t, &ev, 30000))
		TH_LOG("no transaction within 30000 ms");
	EXPECT_EQ(ev.tr.data_size, BINDER_VM_MAX)
		TH_LOG("a %lu-byte payload arrived with %llu bytes", BINDER_VM_MAX,
		       (unsigned long long)ev.tr.data_size);
	EXPECT_TRUE(ba_serve(&t, &ev, false))
		TH_LOG("the transaction's payload was corrupt");
	ASSERT_TRUE(binder_wait_flag(&c->done, 1, 60000))
		TH_LOG("the scripted client did not finish step 1");
	EXPECT_EQ(c->out.replies, 1)
		TH_LOG("a payload of the whole %lu-byte buffer space got no reply, error %d",
		       BINDER_VM_MAX, c->out.last_error);
	ASSERT_TRUE(ba_scripted_step(c, 2))
		TH_LOG("the scripted client did not finish step 2");
	EXPECT_EQ(c->out.failed, 1)
		TH_LOG("one byte over the %lu-byte buffer space was not refused: %ld replies",
		       BINDER_VM_MAX, c->out.replies);
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	binder_set_flag(&c->step, 3);
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");

	/* Gone is gone: no second mapping even after the first is unmapped. */
	ret = binder_unmap(&b);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot unmap the buffer space", strerror(-ret));
	expect_refused(_metadata, mmap_errno(b.fd, MiB, PROT_READ, MAP_PRIVATE),
		       EBUSY, "a new mapping after the first was unmapped");
	binder_close(&b);
}

static int pages_spanned(unsigned long offset, size_t size)
{
	return (offset + size - 1) / BA_PAGE - offset / BA_PAGE + 1;
}

static void expect_pages(struct __test_metadata *_metadata,
			 const struct binder_proc_stats *st, long active, long lru)
{
	EXPECT_EQ(st->pages_active, active)
		TH_LOG("pages in use: %ld, expected %ld", (long)st->pages_active, active);
	EXPECT_EQ(st->pages_lru, lru)
		TH_LOG("pages on the LRU: %ld, expected %ld", (long)st->pages_lru, lru);
}

/*
 * A page's life as binder/stats tells it: not installed until a buffer
 * needs it, on the LRU once that buffer is freed, reclaimed by a shrinker
 * scan, installed again when needed, with the payload intact each time.
 */
TEST_F(binder_alloc, page_lifecycle)
{
	const size_t space = 16 * BA_PAGE, size = 3 * BA_PAGE;
	struct binder_proc_stats st;
	struct ba_scripted *c;
	struct binder_thread t;
	struct binder_event ev;
	struct binder b;
	int step, pages, ret;
	long lru;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	ASSERT_EQ(ba_become_server(&b, &t, self->dev.path, space), 0)
		TH_LOG("cannot become the context manager of %s", self->dev.path);
	ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
		TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
	EXPECT_EQ(st.pages_active + st.pages_lru + st.pages_free, 16)
		TH_LOG("%d pages of buffer space for a %zu-byte mapping",
		       st.pages_active + st.pages_lru + st.pages_free, space);
	expect_pages(_metadata, &st, 0, 0);

	c = ba_scripted_start(self->dev.path, check_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");
	c->results[0] = size;
	for (step = 1; step <= 2; step++) {
		binder_set_flag(&c->step, step);
		ASSERT_TRUE(ba_next_transaction(&t, &ev, 10000))
			TH_LOG("no transaction within 10000 ms");
		pages = pages_spanned(ev.tr.data.ptr.buffer - (uintptr_t)b.map,
				      size);
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		expect_pages(_metadata, &st, pages, 0);
		EXPECT_GE(st.pages_high, pages)
			TH_LOG("step %d: high watermark of %ld pages, below the %d in use",
			       step, st.pages_high, pages);

		EXPECT_TRUE(ba_serve(&t, &ev, false))
			TH_LOG("the transaction's payload was corrupt");
		ASSERT_TRUE(binder_wait_flag(&c->done, step, 30000))
			TH_LOG("the scripted client did not finish step %d", step);
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		expect_pages(_metadata, &st, 0, pages);
		lru = binder_shrinker_count();
		EXPECT_GE(lru, self->lru_before + pages)
			TH_LOG("step %d: %ld pages on the LRU, %ld before: the %d freed not there",
			       step, lru, self->lru_before, pages);

		ret = binder_shrinker_scan(1UL << 20);
		EXPECT_EQ(ret, 0)
			TH_LOG("%s - cannot scan the binder shrinker", strerror(-ret));
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		expect_pages(_metadata, &st, 0, 0);
		EXPECT_EQ(st.pages_free, 16)
			TH_LOG("step %d: only %d of 16 pages uninstalled after a full scan",
			       step, st.pages_free);
		lru = binder_shrinker_count();
		EXPECT_LE(lru, self->lru_before)
			TH_LOG("step %d: %ld pages on the LRU after a full scan, %ld at the start",
			       step, lru, self->lru_before);
	}
	EXPECT_EQ(c->out.replies, 2)
		TH_LOG("%ld of 2 transactions of %zu bytes got a reply, error %d",
		       c->out.replies, size, c->out.last_error);
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	binder_set_flag(&c->step, 3);
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");
	binder_close(&b);
}

/* Start @n standard clients on @dev; returns false if any did not start. */
static bool start_clients(struct ba_client **c, int n, const char *path,
			  long count)
{
	int i;

	for (i = 0; i < n; i++) {
		c[i] = ba_client_new(path, 256 * KiB, count, 100 + i);
		if (!c[i])
			return false;
		c[i]->max_size = 16 * KiB;
		c[i]->oneway_max = KiB;
		c[i]->oneway_pct = 20;
		c[i]->stop_on_dead = true;
		if (ba_client_start(c[i]))
			return false;
	}
	return true;
}

/*
 * Every client of a server that went away mid-traffic got only intact
 * replies, then BR_DEAD_REPLY; nothing failed otherwise or hung.
 */
static void expect_clients_saw_death(struct __test_metadata *_metadata,
				     struct ba_client **c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct ba_outcomes *o = &c[i]->out;

		EXPECT_EQ(ba_reap(c[i]->pid, 60000), 0)
			TH_LOG("client %d did not exit cleanly", i);
		EXPECT_EQ(o->dead, 1)
			ba_log_outcomes(i, o);
		EXPECT_EQ(o->bad_data, 0)
			ba_log_outcomes(i, o);
		EXPECT_EQ(o->failed, 0)
			ba_log_outcomes(i, o);
		EXPECT_EQ(o->timeouts + o->other, 0)
			ba_log_outcomes(i, o);
		ba_client_free(c[i]);
	}
}

/*
 * The server goes away while clients keep sending: it unmaps its buffer
 * space (buffers already allocated are delivered and freed unread, every
 * later transaction finds the target dead), or its process exits in the
 * middle of a transaction.
 */
FIXTURE(server_death) {
	BA_FIXTURE_MEMBERS;
};

FIXTURE_VARIANT(server_death) {
	bool munmap;	/* else the process exits */
	int after;	/* transactions served first */
};

FIXTURE_VARIANT_ADD(server_death, munmap) {
	.munmap = true,
	.after = 20,
};

FIXTURE_VARIANT_ADD(server_death, exit) {
	.munmap = false,
	.after = 30,
};

FIXTURE_SETUP(server_death)
{
	ba_fixture_setup(_metadata, &self->dev, &self->lru_before);
}

FIXTURE_TEARDOWN(server_death)
{
	ba_fixture_teardown(_metadata, &self->dev, self->lru_before);
}

TEST_F_TIMEOUT(server_death, during_traffic, 120)
{
	enum { CLIENTS = 4 };
	struct ba_client *c[CLIENTS];
	struct ba_server *srv;

	srv = ba_server_new(self->dev.path, MiB);
	ASSERT_NE(srv, NULL)
		TH_LOG("cannot set up the server");
	if (variant->munmap)
		srv->munmap_after = variant->after;
	else
		srv->exit_after = variant->after;
	ASSERT_EQ(ba_server_start(srv), 0)
		TH_LOG("the server did not come up");
	ASSERT_TRUE(start_clients(c, CLIENTS, self->dev.path, 200))
		TH_LOG("cannot start the clients");
	expect_clients_saw_death(_metadata, c, CLIENTS);

	if (variant->munmap) {
		EXPECT_EQ(srv->unmapped, 1)
			TH_LOG("the server did not unmap its buffer space");
		EXPECT_EQ(ba_server_stop(srv), 0)
			TH_LOG("the server did not exit cleanly");
	} else {
		EXPECT_EQ(ba_reap(srv->pid, 30000), 0)
			TH_LOG("the server did not exit cleanly");
	}
	EXPECT_EQ(srv->bad_data, 0)
		TH_LOG("the server got %ld corrupt payloads", srv->bad_data);
	ba_server_free(srv);
}

static int slow_script(struct ba_scripted *c, struct binder_thread *t,
		       int step)
{
	ba_client_send(t, &c->out, 0, BA_SLOW, c->buf, 1000, step, true);
	return 0;
}

/*
 * Run a standard client of @count transactions to its end: every one
 * answered, with intact bytes. @who names it in the messages.
 */
static struct ba_client *run_client(struct __test_metadata *_metadata,
				    const char *path, long count, uint32_t seed,
				    bool hold_replies, const char *who)
{
	struct ba_client *c = ba_client_new(path, MiB, count, seed);
	struct ba_outcomes *o;
	int ret;

	if (!c) {
		TH_LOG("no shared memory for the %s", who);
		return NULL;
	}
	c->hold_replies = hold_replies;
	ret = ba_client_start(c);
	if (ret) {
		TH_LOG("%s - cannot fork the %s", strerror(-ret), who);
		ba_client_free(c);
		return NULL;
	}
	o = &c->out;
	EXPECT_EQ(ba_reap(c->pid, 60000), 0)
		TH_LOG("the %s (pid %d) did not exit cleanly", who, c->pid);
	EXPECT_EQ(o->replies + o->completes, count)
		TH_LOG("the %s: %ld of %ld answered; %ld failed, %ld dead, %ld timeouts, %ld other",
		       who, o->replies + o->completes, count, o->failed,
		       o->dead, o->timeouts, o->other);
	EXPECT_EQ(o->bad_data, 0)
		TH_LOG("the %s got %ld corrupt replies", who, o->bad_data);
	return c;
}

/*
 * Clients die with buffers outstanding: one exits holding all its replies,
 * one is killed while the server works on its transaction. Their binder
 * state goes with them, pages included, and the server carries on.
 */
TEST_F_TIMEOUT(binder_alloc, client_exit_with_buffers, 120)
{
	struct ba_client *holder, *after;
	struct binder_proc_stats st;
	struct ba_scripted *victim;
	struct ba_server *srv;
	long received, lru;
	int i;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	srv = ba_server_new(self->dev.path, MiB);
	ASSERT_NE(srv, NULL)
		TH_LOG("cannot set up the server");
	srv->threads = 2;
	ASSERT_EQ(ba_server_start(srv), 0)
		TH_LOG("the server did not come up");

	holder = run_client(_metadata, self->dev.path, 30, 1, true,
			    "client holding its replies");
	ASSERT_NE(holder, NULL)
		TH_LOG("the client holding its replies did not run");

	received = ba_get(&srv->received);
	victim = ba_scripted_start(self->dev.path, slow_script);
	ASSERT_NE(victim, NULL)
		TH_LOG("cannot start the client to be killed");
	binder_set_flag(&victim->step, 1);
	for (i = 0; i < 1000 && ba_get(&srv->received) == received; i++)
		binder_sleep_ms(10);
	EXPECT_EQ(ba_get(&srv->received), received + 1)
		TH_LOG("the server got %ld transactions of the client to be killed in 10 s, not 1",
		       ba_get(&srv->received) - received);
	kill(victim->pid, SIGKILL);
	EXPECT_EQ(ba_scripted_finish(victim), 128 + SIGKILL)
		TH_LOG("the client killed in the middle of a transaction did not die of SIGKILL");

	after = run_client(_metadata, self->dev.path, 30, 2, false,
			   "client after the deaths");
	ASSERT_NE(after, NULL)
		TH_LOG("the client after the deaths did not run");

	/*
	 * Only the server is left, holding no buffer once it is done with
	 * the victim's (300 ms); the LRU holds only its pages.
	 */
	for (i = 0; i < 500 && binder_stats_count_procs(self->dev.name) > 1; i++)
		binder_sleep_ms(20);
	EXPECT_EQ(binder_stats_count_procs(self->dev.name), 1)
		TH_LOG("binder/stats lists %d procs on %s, expected the server only",
		       binder_stats_count_procs(self->dev.name), self->dev.name);
	EXPECT_EQ(binder_stats_find(holder->pid, self->dev.name, &st), 0)
		TH_LOG("the client that exited holding replies (pid %d) is still in binder/stats",
		       holder->pid);
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(binder_stats_find(srv->pid, self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of the server on %s", self->dev.name);
		if (!st.buffers)
			break;
		binder_sleep_ms(20);
	}
	EXPECT_EQ(st.buffers, 0)
		ba_log_buffers(srv->pid, self->dev.name);
	lru = ba_wait_lru_at_most(self->lru_before + st.pages_lru, 5000);
	EXPECT_EQ(lru, self->lru_before + st.pages_lru)
		TH_LOG("LRU pages beyond the server's: dead clients left pages");

	EXPECT_EQ(ba_server_stop(srv), 0)
		TH_LOG("the server did not exit cleanly");
	EXPECT_EQ(srv->bad_data, 0)
		TH_LOG("the server got %ld corrupt payloads", srv->bad_data);
	ba_client_free(holder);
	ba_client_free(after);
	ba_server_free(srv);
}

TEST_HARNESS_MAIN
