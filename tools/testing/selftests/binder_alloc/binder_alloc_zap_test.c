// SPDX-License-Identifier: GPL-2.0
/*
 * What the receiver does to its own binder mapping must not change the
 * kernel's view of its buffers or lose a page:
 *   user_zap.pages_stay_put (variants dontneed, dontunmap)
 *                two sender threads race to install pages that their
 *                buffers share, while the receiver keeps zapping its
 *                mapping (MADV_DONTNEED, or mremap(MREMAP_DONTUNMAP)) and
 *                the shrinker keeps reclaiming. Every transaction carries
 *                an object at offset 0, which binder reads back through
 *                the allocator's pages when the buffer is freed: had it
 *                read another page, the node's reference counts would not
 *                come back. Afterwards the allocator owns exactly the pages
 *                it did before.
 *   dofork_child_exit
 *                a forked child inherits a copy of the mapping
 *                (MADV_DOFORK): its exit must not end the parent's.
 * The receiver never reads its zapped mapping (that is SIGBUS, as stock).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ba_fixture.h"

#define ZAP_MAP		(256 * KiB)
#define ZAP_SENDERS	2
#define ZAP_MS		3000
#define ZAP_COPIES	64	/* mremap(MREMAP_DONTUNMAP) copies kept */

enum zap_mode { ZAP_DONTNEED, ZAP_DONTUNMAP };

/* Shared between the test and its two children. */
struct zap_run {
	char path[128];
	enum zap_mode mode;
	int ready;		/* the receiver is looping */
	int stop;		/* senders: stop sending */
	int senders_done;
	int drained;		/* receiver: every buffer freed */
	int exit;		/* receiver: exit now */
	long sent;
	long nospc;		/* oneway space full: allowed */
	long failed;		/* any other failure */
	int last_error;
	long received;
	long zaps;
	long zap_errors;
};

struct zapper {
	struct zap_run *run;
	void *map;
	pthread_t tid;
	int stop;
};

/* The receiver's own thread, zapping its binder mapping over and over. */
static void *zapper_main(void *arg)
{
	struct zapper *z = arg;
	void *copies[ZAP_COPIES];
	int ncopies = 0;

	while (!__atomic_load_n(&z->stop, __ATOMIC_ACQUIRE)) {
		if (z->run->mode == ZAP_DONTNEED) {
			if (madvise(z->map, ZAP_MAP, MADV_DONTNEED))
				ba_add(&z->run->zap_errors, 1);
		} else if (ncopies < ZAP_COPIES) {
			/* The PTEs move to a copy; ours stays, empty. */
			void *p = mremap(z->map, ZAP_MAP, ZAP_MAP,
					 MREMAP_MAYMOVE | MREMAP_DONTUNMAP);

			if (p == MAP_FAILED)
				ba_add(&z->run->zap_errors, 1);
			else
				copies[ncopies++] = p;
		}
		ba_add(&z->run->zaps, 1);
		sched_yield();
	}
	/* Unmapping a copy closes it, which ends our mapping: only now. */
	while (ncopies)
		munmap(copies[--ncopies], ZAP_MAP);
	return NULL;
}

static int receiver_main(void *arg)
{
	struct zap_run *run = arg;
	struct zapper z = { .run = run };
	struct binder_thread t;
	struct binder_event ev;
	struct binder b;

	if (ba_become_server(&b, &t, run->path, ZAP_MAP))
		return 1;
	z.map = (void *)b.map;
	if (pthread_create(&z.tid, NULL, zapper_main, &z))
		return 1;
	binder_set_flag(&run->ready, 1);

	for (;;) {
		if (ba_next_transaction(&t, &ev, 100)) {
			ba_add(&run->received, 1);
			binder_free_buffer(&t, ev.tr.data.ptr.buffer);
			continue;
		}
		if (__atomic_load_n(&run->senders_done, __ATOMIC_ACQUIRE) ==
		    ZAP_SENDERS)
			break;
	}
	/* A read flushes what the driver has not taken yet. */
	binder_read(&t, &ev, 50);
	__atomic_store_n(&z.stop, 1, __ATOMIC_RELEASE);
	pthread_join(z.tid, NULL);
	binder_set_flag(&run->drained, 1);
	binder_wait_flag(&run->exit, 1, 60000);
	return 0;
}

struct sender {
	struct zap_run *run;
	struct binder *b;
	unsigned int seed;
	pthread_t tid;
};

/*
 * Oneway transactions of 24 bytes to 3 pages, so that neighbours share
 * pages; each carries handle 0 (the receiver's own node) at offset 0.
 */
static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct zap_run *run = s->run;
	static const binder_size_t offsets[] = { 0 };
	struct binder_event ev;
	struct binder_thread t;
	uint8_t *data;

	data = calloc(1, 3 * BA_PAGE);
	if (!data)
		return NULL;
	binder_thread_init(&t, s->b);
	while (!__atomic_load_n(&run->stop, __ATOMIC_ACQUIRE)) {
		struct flat_binder_object obj = {
			.hdr.type = BINDER_TYPE_HANDLE,
			.handle = 0,
		};
		struct binder_msg m = {
			.code = 1,
			.flags = TF_ONE_WAY,
			.data = data,
			.size = sizeof(obj) + rand_r(&s->seed) % (3 * BA_PAGE -
								 sizeof(obj)),
			.offsets = offsets,
			.offsets_size = sizeof(offsets),
		};

		memcpy(data, &obj, sizeof(obj));
		ba_add(&run->sent, 1);
		if (binder_call(&t, 0, &m, &ev, 10000)) {
			ba_add(&run->failed, 1);
			break;
		}
		if (ev.cmd == BR_TRANSACTION_COMPLETE)
			continue;
		if (ev.cmd == BR_FAILED_REPLY && ev.error == -ENOSPC) {
			ba_add(&run->nospc, 1);
			binder_sleep_ms(1);
			continue;
		}
		run->last_error = ev.error;
		ba_add(&run->failed, 1);
	}
	free(data);
	return NULL;
}

static int senders_main(void *arg)
{
	/* A reference of ours to the context manager: handle 0 */
	static const uint32_t acquire[] = { BC_INCREFS, 0, BC_ACQUIRE, 0 };
	struct sender s[ZAP_SENDERS];
	struct zap_run *run = arg;
	struct binder_thread t;
	struct binder b;
	int i;

	if (binder_open(&b, run->path, 64 * KiB))
		return 1;
	binder_thread_init(&t, &b);
	if (binder_write(&t, acquire, sizeof(acquire)))
		return 1;
	for (i = 0; i < ZAP_SENDERS; i++) {
		s[i] = (struct sender){ .run = run, .b = &b, .seed = i + 1 };
		pthread_create(&s[i].tid, NULL, sender_main, &s[i]);
	}
	for (i = 0; i < ZAP_SENDERS; i++) {
		pthread_join(s[i].tid, NULL);
		__atomic_add_fetch(&run->senders_done, 1, __ATOMIC_SEQ_CST);
	}
	binder_close(&b);
	return 0;
}

/*
 * The receiver's node as binder/proc/PID shows it: its local strong and
 * weak references (what the objects in buffers hold). 0 on success.
 */
static int node_local_refs(pid_t pid, const char *context, int *ls, int *lw)
{
	char path[64], want[96], *text, *at;
	size_t size = 1 << 16, len = 0;
	FILE *f;

	snprintf(path, sizeof(path), BINDER_DEBUGFS_DIR "/proc/%d", pid);
	f = fopen(path, "r");
	text = calloc(1, size);
	if (!f || !text) {
		if (f)
			fclose(f);
		free(text);
		return -1;
	}
	len = fread(text, 1, size - 1, f);
	fclose(f);
	text[len] = '\0';
	snprintf(want, sizeof(want), "context %s\n", context);
	at = strstr(text, want);
	at = at ? strstr(at, "  node ") : NULL;
	at = at ? strstr(at, " ls ") : NULL;
	if (!at || sscanf(at, " ls %d lw %d", ls, lw) != 2) {
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static void *reclaim_main(void *arg)
{
	int *stop = arg;

	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		binder_shrinker_scan(64);
		binder_sleep_ms(2);
	}
	return NULL;
}

static void user_zap(struct __test_metadata *_metadata, const char *path,
		     const char *context, enum zap_mode mode)
{
	struct binder_alloc_pages before;
	struct zap_run *run;
	pthread_t reclaimer;
	pid_t receiver, senders;
	int stop_reclaim = 0, ls = -1, lw = -1, ls0 = -1, lw0 = -1, ret;
	bool counted;
	long owned;

	counted = binder_alloc_pages_read(&before) == 0;
	if (!counted)
		TH_LOG("no %s (the stock allocator?): page count not checked",
		       BINDER_ALLOC_PAGES);
	run = binder_shared(sizeof(*run));
	ASSERT_NE(run, NULL)
		TH_LOG("no shared memory for the run");
	snprintf(run->path, sizeof(run->path), "%s", path);
	run->mode = mode;

	receiver = ba_spawn(receiver_main, run);
	ASSERT_GT(receiver, 0)
		TH_LOG("cannot fork the receiver");
	ASSERT_TRUE(binder_wait_flag(&run->ready, 1, 10000))
		TH_LOG("the receiver did not come up");
	ASSERT_EQ(node_local_refs(receiver, context, &ls0, &lw0), 0)
		TH_LOG("no node of the receiver in binder/proc/%d", receiver);
	senders = ba_spawn(senders_main, run);
	ASSERT_GT(senders, 0)
		TH_LOG("%s - cannot fork the senders", strerror(errno));
	ret = pthread_create(&reclaimer, NULL, reclaim_main, &stop_reclaim);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot start the reclaimer thread", strerror(ret));

	binder_sleep_ms(ZAP_MS);
	binder_set_flag(&run->stop, 1);
	EXPECT_EQ(ba_reap(senders, 30000), 0)
		TH_LOG("the senders did not finish");
	EXPECT_TRUE(binder_wait_flag(&run->drained, 1, 30000))
		TH_LOG("the receiver did not drain its buffers");
	__atomic_store_n(&stop_reclaim, 1, __ATOMIC_RELEASE);
	pthread_join(reclaimer, NULL);

	EXPECT_EQ(node_local_refs(receiver, context, &ls, &lw), 0)
		TH_LOG("no node of the receiver in binder/proc/%d", receiver);
	EXPECT_EQ(ls, ls0) TH_LOG("node local strong refs %d after every free, %d before",
				  ls, ls0);
	EXPECT_EQ(lw, lw0) TH_LOG("node local weak refs %d after every free, %d before",
				  lw, lw0);
	binder_set_flag(&run->exit, 1);
	EXPECT_EQ(ba_reap(receiver, 30000), 0)
		TH_LOG("the receiver did not exit cleanly");

	TH_LOG("%ld sent, %ld received, %ld oneway-full, %ld zaps",
	       run->sent, run->received, run->nospc, run->zaps);
	EXPECT_GT(run->received, 0)
		TH_LOG("the receiver got no transaction");
	EXPECT_EQ(run->failed, 0)
		TH_LOG("%ld transactions failed, last with %d", run->failed,
		       run->last_error);
	EXPECT_EQ(run->zap_errors, 0) TH_LOG("the receiver could not zap");
	EXPECT_EQ(run->sent, run->received + run->nospc)
		TH_LOG("transactions lost: %ld sent, %ld received, %ld refused",
		       run->sent, run->received, run->nospc);

	if (counted) {
		EXPECT_TRUE(ba_wait_procs_gone(context, 10000))
			TH_LOG("binder fds of the receiver or senders still listed on %s",
			       context);
		owned = binder_alloc_pages_wait_at_most(before.owned, 10000);
		EXPECT_EQ(owned, before.owned)
			TH_LOG("the allocator owns %ld pages after the test, %ld before",
			       owned, before.owned);
	}
	binder_shared_free(run, sizeof(*run));
}

/* The binder_alloc fixture, once for each way the receiver zaps. */
FIXTURE(user_zap) {
	BA_FIXTURE_MEMBERS;
};

FIXTURE_VARIANT(user_zap) {
	enum zap_mode mode;
};

FIXTURE_VARIANT_ADD(user_zap, dontneed) {
	.mode = ZAP_DONTNEED,
};

FIXTURE_VARIANT_ADD(user_zap, dontunmap) {
	.mode = ZAP_DONTUNMAP,
};

FIXTURE_SETUP(user_zap)
{
	ba_fixture_setup(_metadata, &self->dev, &self->lru_before);
}

FIXTURE_TEARDOWN(user_zap)
{
	ba_fixture_teardown(_metadata, &self->dev, self->lru_before);
}

TEST_F_TIMEOUT(user_zap, pages_stay_put, 120)
{
	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	user_zap(_metadata, self->dev.path, binder_device_context(self->dev.name),
		 variant->mode);
}

/*
 * The receiver serves one transaction (so a page is installed), marks its
 * mapping MADV_DOFORK and forks a child that reads the inherited copy and
 * exits; then it serves a second transaction.
 */
struct dofork_run {
	char path[128];
	int ready;
	int child_status;
	long served;
};

static int dofork_receiver_main(void *arg)
{
	struct dofork_run *run = arg;
	struct binder_thread t;
	struct binder_event ev;
	struct binder b;
	int status, i;
	pid_t child;

	if (ba_become_server(&b, &t, run->path, ZAP_MAP))
		return 1;
	binder_set_flag(&run->ready, 1);
	for (i = 0; i < 2; i++) {
		if (!ba_next_transaction(&t, &ev, 10000))
			return 4;
		if (ba_serve(&t, &ev, false))
			ba_add(&run->served, 1);
		if (i)
			break;
		if (madvise((void *)b.map, ZAP_MAP, MADV_DOFORK))
			return 2;
		child = fork();
		if (child == 0)
			_exit(__atomic_load_n((const char *)b.map, __ATOMIC_RELAXED) == 0 ? 0 : 1);
		if (child < 0 || waitpid(child, &status, 0) != child)
			return 3;
		run->child_status = status;
		binder_set_flag(&run->ready, 2);
	}
	binder_read(&t, &ev, 100);
	return 0;
}

TEST_F_TIMEOUT(binder_alloc, dofork_child_exit, 60)
{
	struct binder_alloc_pages pages;
	struct ba_outcomes out = { 0 };
	struct binder_thread t;
	struct dofork_run *run;
	char payload[256];
	struct binder b;
	pid_t receiver;
	int ret;

	run = binder_shared(sizeof(*run));
	ASSERT_NE(run, NULL)
		TH_LOG("no shared memory for the run");
	snprintf(run->path, sizeof(run->path), "%s", self->dev.path);
	receiver = ba_spawn(dofork_receiver_main, run);
	ASSERT_GT(receiver, 0)
		TH_LOG("cannot fork the receiver");
	ASSERT_TRUE(binder_wait_flag(&run->ready, 1, 10000))
		TH_LOG("the receiver did not come up");
	ret = binder_open(&b, self->dev.path, 64 * KiB);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot open %s for the client", strerror(-ret),
		       self->dev.path);
	binder_thread_init(&t, &b);

	ba_client_send(&t, &out, 0, BA_CHECK, payload, sizeof(payload), 7,
		       true);
	ASSERT_TRUE(binder_wait_flag(&run->ready, 2, 10000))
		TH_LOG("the receiver did not fork");
	EXPECT_TRUE(WIFEXITED(run->child_status) &&
		    WEXITSTATUS(run->child_status) < 2)
		TH_LOG("the child could not read its copy: status %#x",
		       run->child_status);
	ba_client_send(&t, &out, 0, BA_CHECK, payload, sizeof(payload), 8,
		       true);
	/* Stock 6.12 (no binder_alloc/pages) ends it: known, not ours. */
	if (out.replies < 2 && binder_alloc_pages_read(&pages)) {
		binder_close(&b);
		binder_shared_free(run, sizeof(*run));
		SKIP(return,
		     "the stock allocator ends the parent's mapping when a forked copy closes (fixed in binder_alloc)");
	}
	EXPECT_EQ(out.replies, 2)
		TH_LOG("child's exit ended the parent's mapping: %ld failed, %ld dead (errno %d)",
		       out.failed, out.dead, out.last_error);
	binder_close(&b);
	EXPECT_EQ(ba_reap(receiver, 10000), 0)
		TH_LOG("the receiver did not exit cleanly");
	EXPECT_EQ(run->served, 2) TH_LOG("a payload was corrupt");
	binder_shared_free(run, sizeof(*run));
}

TEST_HARNESS_MAIN
