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

	ASSERT_EQ(binder_open(&b, self->dev.path, 0), 0);
	EXPECT_EQ(mmap_errno(b.fd, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE),
		  EPERM);
	EXPECT_EQ(mmap_errno(b.fd, MiB, PROT_READ | PROT_WRITE, MAP_SHARED),
		  EPERM);
	EXPECT_EQ(mmap_errno_in_child(b.fd), EINVAL);

	/* The refusals used nothing up: the first real mapping works. */
	ASSERT_EQ(binder_map(&b, map_size), 0);
	p = (void *)b.map;
	EXPECT_EQ(mprotect(p, BA_PAGE, PROT_READ | PROT_WRITE), -1);
	EXPECT_EQ(errno, EACCES);
	EXPECT_EQ(mprotect(p, map_size, PROT_READ | PROT_WRITE | PROT_EXEC), -1);
	EXPECT_EQ(mmap_errno(b.fd, MiB, PROT_READ, MAP_PRIVATE), EBUSY);

	if (binder_debugfs_available()) {
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		EXPECT_EQ(st.pages_active + st.pages_lru + st.pages_free,
			  (int)(BINDER_VM_MAX / BA_PAGE));
		EXPECT_EQ(st.free_async_space, (long)BINDER_VM_MAX / 2);
	}

	/* 4 MiB usable: exactly that much fits, one byte more does not. */
	ASSERT_EQ(binder_become_context_manager(&b), 0);
	binder_thread_init(&t, &b);
	ASSERT_EQ(binder_enter_looper(&t), 0);
	c = ba_scripted_start(self->dev.path, check_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");
	c->results[0] = BINDER_VM_MAX;
	c->results[1] = 1;
	binder_set_flag(&c->step, 1);
	ASSERT_TRUE(ba_next_transaction(&t, &ev, 30000))
		TH_LOG("no transaction within 30000 ms");
	EXPECT_EQ(ev.tr.data_size, BINDER_VM_MAX);
	EXPECT_TRUE(ba_serve(&t, &ev, false))
		TH_LOG("the transaction's payload was corrupt");
	ASSERT_TRUE(binder_wait_flag(&c->done, 1, 60000))
		TH_LOG("the scripted client did not finish step 1");
	EXPECT_EQ(c->out.replies, 1);
	ASSERT_TRUE(ba_scripted_step(c, 2));
	EXPECT_EQ(c->out.failed, 1);
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	binder_set_flag(&c->step, 3);
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");

	/* Gone is gone: no second mapping even after the first is unmapped. */
	ASSERT_EQ(binder_unmap(&b), 0);
	EXPECT_EQ(mmap_errno(b.fd, MiB, PROT_READ, MAP_PRIVATE), EBUSY);
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
	int step, pages;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	ASSERT_EQ(ba_become_server(&b, &t, self->dev.path, space), 0)
		TH_LOG("cannot become the context manager of %s", self->dev.path);
	ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
		TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
	EXPECT_EQ(st.pages_active + st.pages_lru + st.pages_free, 16);
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
		EXPECT_GE(st.pages_high, pages);

		EXPECT_TRUE(ba_serve(&t, &ev, false))
			TH_LOG("the transaction's payload was corrupt");
		ASSERT_TRUE(binder_wait_flag(&c->done, step, 30000));
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		expect_pages(_metadata, &st, 0, pages);
		EXPECT_GE(binder_shrinker_count(), self->lru_before + pages);

		EXPECT_EQ(binder_shrinker_scan(1UL << 20), 0);
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		expect_pages(_metadata, &st, 0, 0);
		EXPECT_EQ(st.pages_free, 16);
		EXPECT_LE(binder_shrinker_count(), self->lru_before);
	}
	EXPECT_EQ(c->out.replies, 2);
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

	holder = ba_client_new(self->dev.path, MiB, 30, 1);
	ASSERT_NE(holder, NULL);
	holder->hold_replies = true;
	ASSERT_EQ(ba_client_start(holder), 0);
	EXPECT_EQ(ba_reap(holder->pid, 60000), 0);
	EXPECT_EQ(holder->out.replies + holder->out.completes, 30);
	EXPECT_EQ(holder->out.bad_data, 0);

	received = ba_get(&srv->received);
	victim = ba_scripted_start(self->dev.path, slow_script);
	ASSERT_NE(victim, NULL);
	binder_set_flag(&victim->step, 1);
	for (i = 0; i < 1000 && ba_get(&srv->received) == received; i++)
		binder_sleep_ms(10);
	EXPECT_EQ(ba_get(&srv->received), received + 1);
	kill(victim->pid, SIGKILL);
	EXPECT_EQ(ba_scripted_finish(victim), 128 + SIGKILL);

	after = ba_client_new(self->dev.path, MiB, 30, 2);
	ASSERT_NE(after, NULL);
	ASSERT_EQ(ba_client_start(after), 0);
	EXPECT_EQ(ba_reap(after->pid, 60000), 0);
	EXPECT_EQ(after->out.replies + after->out.completes, 30);
	EXPECT_EQ(after->out.bad_data, 0);

	/*
	 * Only the server is left, holding no buffer once it is done with
	 * the victim's (300 ms); the LRU holds only its pages.
	 */
	for (i = 0; i < 500 && binder_stats_count_procs(self->dev.name) > 1; i++)
		binder_sleep_ms(20);
	EXPECT_EQ(binder_stats_count_procs(self->dev.name), 1);
	EXPECT_EQ(binder_stats_find(holder->pid, self->dev.name, &st), 0);
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
