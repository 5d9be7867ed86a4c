// SPDX-License-Identifier: GPL-2.0
/*
 * binder_alloc seen through transactions: payload sizes up to the exact
 * limit of the buffer space, many clients at once, BC_FREE_BUFFER misuse,
 * oneway (async) space accounting and spam detection, TF_CLEAR_BUF.
 * Every payload is patterned and checked byte for byte on both sides.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ba_fixture.h"

/* Echo @size bytes with a flat_binder_object at their start. */
static uint32_t echo_with_object(struct binder_thread *t, void *buf,
				 size_t size, uint32_t seed, int *error)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = 0x1000,
		.cookie = 0x2000,
	};
	binder_size_t offsets[] = { 0 };
	struct binder_msg m = {
		.code = ba_code(BA_ECHO, seed),
		.data = buf,
		.size = size,
		.offsets = offsets,
		.offsets_size = sizeof(offsets),
	};
	struct binder_event ev;

	payload_fill(buf, size, seed);
	memcpy(buf, &obj, sizeof(obj));
	if (binder_call(t, 0, &m, &ev, 30000))
		return 0;
	*error = ev.error;
	if (ev.cmd != BR_REPLY)
		return ev.cmd;
	if (ev.tr.data_size != size ||
	    payload_check_range(binder_event_data(&ev), sizeof(obj), size,
				seed) >= 0)
		ev.cmd = 0;
	binder_free_buffer(t, ev.tr.data.ptr.buffer);
	return ev.cmd;
}

/*
 * Echo payloads of every interesting size, then the largest that fits: the
 * whole buffer space of an idle allocator (data, offsets and extra space
 * each rounded up to 8 bytes). One byte more must fail cleanly and leave
 * the allocator as good as before.
 */
TEST_F_TIMEOUT(binder_alloc, sizes, 120)
{
	static const size_t sizes[] = {
		0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
		100, 255, 256, 257, 1000, 4088, 4095, 4096, 4097, 8191, 8192,
		8193, 12345, 65535, 65536, 65537, 262144, MiB - 1, MiB,
	};
	const size_t space = 2 * MiB;
	struct ba_outcomes out = { 0 };
	struct binder_proc_stats st = { 0 };
	struct binder_thread t;
	struct ba_server *srv;
	struct binder b;
	uint32_t cmd;
	int error = 0, ret;
	size_t i;
	char *buf;

	srv = ba_server_new(self->dev.path, space);
	ASSERT_NE(srv, NULL)
		TH_LOG("cannot set up the server");
	ASSERT_EQ(ba_server_start(srv), 0)
		TH_LOG("the server did not come up");
	ret = binder_open(&b, self->dev.path, space);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot open %s with a %zu-byte mapping",
		       strerror(-ret), self->dev.path, space);
	binder_thread_init(&t, &b);
	buf = malloc(space + 8);
	ASSERT_NE(buf, NULL)
		TH_LOG("no memory for a %zu-byte payload", space + 8);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		cmd = ba_client_send(&t, &out, 0, BA_ECHO, buf, sizes[i], i + 1,
				     true);
		EXPECT_CMD(cmd, BR_REPLY) TH_LOG("%zu bytes: %s, error %d",
						 sizes[i], binder_cmd_name(cmd), out.last_error);
	}
	EXPECT_EQ(out.bad_data, 0)
		TH_LOG("%ld replies came back corrupt", out.bad_data);

	cmd = ba_client_send(&t, &out, 0, BA_ECHO, buf, space, 100, true);
	EXPECT_CMD(cmd, BR_REPLY) TH_LOG("largest payload (%zu bytes): %s",
					 space, binder_cmd_name(cmd));
	cmd = ba_client_send(&t, &out, 0, BA_ECHO, buf, space + 1, 101, true);
	EXPECT_CMD(cmd, BR_FAILED_REPLY) TH_LOG("%zu bytes: %s", space + 1,
						binder_cmd_name(cmd));
	EXPECT_EQ(out.last_error, -ENOSPC)
		TH_LOG("%s - %zu bytes refused, but not for lack of space",
		       strerror(-out.last_error), space + 1);

	/* With offsets: 8 bytes of them, so 8 bytes less of data. */
	cmd = echo_with_object(&t, buf, space - 8, 102, &error);
	EXPECT_CMD(cmd, BR_REPLY) TH_LOG("%zu + 8 bytes with an object: %s",
					 space - 8, binder_cmd_name(cmd));
	cmd = echo_with_object(&t, buf, space - 7, 103, &error);
	EXPECT_CMD(cmd, BR_FAILED_REPLY) TH_LOG("%zu + 8 bytes: %s",
						space - 7, binder_cmd_name(cmd));
	EXPECT_EQ(error, -ENOSPC)
		TH_LOG("%s - %zu + 8 bytes refused, but not for lack of space",
		       strerror(-error), space - 7);

	/* The failures changed nothing: the same traffic still works. */
	for (i = 0; i < 3; i++) {
		cmd = ba_client_send(&t, &out, 0, BA_ECHO, buf, space >> i,
				     200 + i, true);
		EXPECT_CMD(cmd, BR_REPLY) TH_LOG("%zu bytes after the failures: %s",
						 space >> i, binder_cmd_name(cmd));
	}
	EXPECT_EQ(out.bad_data, 0)
		TH_LOG("%ld replies came back corrupt", out.bad_data);
	/* The server frees right after replying: give it that moment. */
	for (i = 0; binder_debugfs_available() && i < 100; i++) {
		ASSERT_EQ(binder_stats_find(srv->pid, self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of the server on %s", self->dev.name);
		if (!st.buffers)
			break;
		binder_sleep_ms(20);
	}
	EXPECT_EQ(st.buffers, 0) ba_log_buffers(srv->pid, self->dev.name);

	binder_close(&b);
	EXPECT_EQ(ba_server_stop(srv), 0)
		TH_LOG("the server did not exit cleanly");
	EXPECT_EQ(srv->bad_data, 0)
		TH_LOG("the server got %ld corrupt payloads", srv->bad_data);
	ba_server_free(srv);
	free(buf);
}

/* Eight clients at once, sync and oneway, every byte checked both ways. */
TEST_F_TIMEOUT(binder_alloc, many_clients, 180)
{
	enum { CLIENTS = 8, COUNT = 40 };
	struct ba_client *c[CLIENTS];
	struct ba_server *srv;
	long sent = 0;
	int i, ret;

	srv = ba_server_new(self->dev.path, BINDER_VM_MAX);
	ASSERT_NE(srv, NULL)
		TH_LOG("cannot set up the server");
	srv->threads = 2;
	ASSERT_EQ(ba_server_start(srv), 0)
		TH_LOG("the server did not come up");

	for (i = 0; i < CLIENTS; i++) {
		c[i] = ba_client_new(self->dev.path, MiB, COUNT, i + 1);
		ASSERT_NE(c[i], NULL)
			TH_LOG("no shared memory for client %d", i);
		c[i]->max_size = 64 * KiB;
		/* bounded so oneways can never exhaust the async space */
		c[i]->oneway_max = KiB;
		c[i]->oneway_pct = 25;
		ret = ba_client_start(c[i]);
		ASSERT_EQ(ret, 0)
			TH_LOG("%s - cannot fork client %d", strerror(-ret), i);
	}
	for (i = 0; i < CLIENTS; i++) {
		struct ba_outcomes *o = &c[i]->out;

		EXPECT_EQ(ba_reap(c[i]->pid, 150000), 0)
			TH_LOG("client %d did not exit cleanly", i);
		EXPECT_EQ(o->replies + o->completes, COUNT)
			ba_log_outcomes(i, o);
		EXPECT_EQ(o->bad_data, 0)
			ba_log_outcomes(i, o);
		sent += o->sent;
	}
	/* Oneways may still be queued at the server: let it drain them. */
	for (i = 0; i < 1000 && ba_get(&srv->received) < sent; i++)
		binder_sleep_ms(10);
	EXPECT_EQ(ba_get(&srv->received), sent)
		TH_LOG("the server got %ld of the %ld transactions the clients sent",
		       ba_get(&srv->received), sent);
	EXPECT_EQ(ba_server_stop(srv), 0)
		TH_LOG("the server did not exit cleanly");
	EXPECT_EQ(srv->bad_data, 0)
		TH_LOG("the server got %ld corrupt payloads", srv->bad_data);
	for (i = 0; i < CLIENTS; i++)
		ba_client_free(c[i]);
	ba_server_free(srv);
}

static int misuse_script(struct ba_scripted *c, struct binder_thread *t,
			 int step)
{
	if (step == 1) {
		/* A is delivered; B waits behind it in the node's async queue. */
		ba_client_send(t, &c->out, TF_ONE_WAY, BA_ECHO, c->buf, 100, 11,
			       true);
		ba_client_send(t, &c->out, TF_ONE_WAY, BA_ECHO, c->buf, 300, 12,
			       true);
	} else {
		ba_client_send(t, &c->out, 0, BA_ECHO, c->buf, sizeof(c->buf),
			       13, true);
	}
	return step == 2 ? -1 : 0;
}

static int count_buffers(const char *context, struct binder_buffer_info *bufs,
			 int max)
{
	return binder_proc_buffers(getpid(), context, bufs, max);
}

/* We hold @expected buffers on @context @when; else list those we hold. */
static void expect_buffers(struct __test_metadata *_metadata,
			   const char *context, int expected, const char *when)
{
	struct binder_buffer_info bufs[4];
	int n = count_buffers(context, bufs, 4);

	EXPECT_EQ(n, expected) {
		TH_LOG("%d buffers %s, expected %d", n, when, expected);
		ba_log_buffers(getpid(), context);
	}
}

/* @ev still holds payload @seed of @size bytes, checked @when. */
static void expect_intact(struct __test_metadata *_metadata,
			  const struct binder_event *ev, size_t size,
			  unsigned int seed, const char *when)
{
	ssize_t bad = payload_check(binder_event_data(ev), size, seed);

	EXPECT_EQ(bad, -1)
		TH_LOG("%zu-byte payload %u %s: byte %zd is wrong", size, seed,
		       when, bad);
}

/*
 * BC_FREE_BUFFER of a buffer still in flight, of pointers that are no
 * buffer, and of a buffer already freed: the driver must ignore each, and
 * every buffer must keep its bytes.
 */
TEST_F(binder_alloc, free_buffer_misuse)
{
	const size_t map_size = 64 * KiB;
	struct binder_buffer_info bufs[4];
	struct ba_scripted *c;
	struct binder_event a, ev;
	binder_uintptr_t in_flight = 0, base;
	struct binder_thread t;
	struct binder b;
	int i, n;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	ASSERT_EQ(ba_become_server(&b, &t, self->dev.path, map_size), 0)
		TH_LOG("cannot become the context manager of %s", self->dev.path);
	base = (uintptr_t)b.map;
	c = ba_scripted_start(self->dev.path, misuse_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");
	ASSERT_TRUE(ba_scripted_step(c, 1))
		TH_LOG("the client did not send its oneways A and B");
	ASSERT_EQ(c->out.completes, 2)
		TH_LOG("%ld of the oneways A and B accepted, error %d",
		       c->out.completes, c->out.last_error);

	ASSERT_TRUE(ba_next_transaction(&t, &a, 10000))
		TH_LOG("oneway A not delivered within 10000 ms");
	ASSERT_EQ(a.tr.data_size, 100U)
		TH_LOG("the first delivery has %llu bytes: not A (100 bytes)",
		       (unsigned long long)a.tr.data_size);
	n = count_buffers(self->dev.name, bufs, 4);
	ASSERT_EQ(n, 2) TH_LOG("expected buffers A (delivered), B (in flight)");
	for (i = 0; i < n; i++)
		if (bufs[i].active)
			in_flight = base + bufs[i].offset;
	ASSERT_NE(in_flight, 0U)
		TH_LOG("binder/proc shows no buffer in flight: B is not queued");

	binder_free_buffer(&t, in_flight);
	binder_free_buffer(&t, a.tr.data.ptr.buffer + 8);
	binder_free_buffer(&t, base + map_size);
	binder_free_buffer(&t, base - BA_PAGE);
	binder_free_buffer(&t, 0);
	binder_free_buffer(&t, ~(binder_uintptr_t)0);
	expect_buffers(_metadata, self->dev.name, 2,
		       "after freeing B in flight and pointers to no buffer");
	expect_intact(_metadata, &a, 100, 11, "(A) after the bad frees");
	EXPECT_EQ(binder_read(&t, &ev, 200), 0)
		TH_LOG("B delivered before A was freed: %s",
		       binder_cmd_name(ev.cmd));

	/* Freeing A releases B, intact and where it was all along. */
	binder_free_buffer(&t, a.tr.data.ptr.buffer);
	ASSERT_TRUE(ba_next_transaction(&t, &ev, 10000))
		TH_LOG("no transaction within 10000 ms");
	EXPECT_EQ(ev.tr.data.ptr.buffer, in_flight)
		TH_LOG("B delivered at offset %#llx, not where it was in flight (%#llx)",
		       (unsigned long long)(ev.tr.data.ptr.buffer - base),
		       (unsigned long long)(in_flight - base));
	EXPECT_EQ(ev.tr.data_size, 300U)
		TH_LOG("the delivery after A's free has %llu bytes: not B (300 bytes)",
		       (unsigned long long)ev.tr.data_size);
	expect_intact(_metadata, &ev, 300, 12, "(B) on delivery");

	binder_free_buffer(&t, a.tr.data.ptr.buffer);
	expect_buffers(_metadata, self->dev.name, 1, "after freeing A twice");
	expect_intact(_metadata, &ev, 300, 12, "(B) after freeing A twice");
	binder_free_buffer(&t, ev.tr.data.ptr.buffer);
	binder_free_buffer(&t, ev.tr.data.ptr.buffer);
	expect_buffers(_metadata, self->dev.name, 0, "after freeing B twice");

	/* Later traffic is unharmed. */
	binder_set_flag(&c->step, 2);
	ASSERT_TRUE(ba_next_transaction(&t, &ev, 10000))
		TH_LOG("no transaction within 10000 ms");
	EXPECT_TRUE(ba_serve(&t, &ev, false))
		TH_LOG("the transaction's payload was corrupt");
	ASSERT_TRUE(binder_wait_flag(&c->done, 2, 30000))
		TH_LOG("the scripted client did not finish step 2");
	EXPECT_EQ(c->out.replies, 1)
		TH_LOG("the transaction after the misuse got no reply, error %d",
		       c->out.last_error);
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	expect_buffers(_metadata, self->dev.name, 0,
		       "after the transaction that followed the misuse");
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");
	binder_close(&b);
}

/*
 * What stock 6.12 does with oneway buffers: half the buffer space is for
 * them; each is charged its size rounded up to 8 bytes, and a 0-byte one
 * 8 bytes; nothing else. The sender is told it looks like a spammer
 * (BR_ONEWAY_SPAM_SUSPECT, once) by the transaction that leaves less than
 * a tenth of the buffer space free for async, if the sender then holds
 * more than 50 of them or more than a quarter of the space.
 */
static long oneway_charge(size_t size)
{
	return size < 8 ? 8 : (size + 7) & ~7UL;
}

static long oneway_capacity(long space, size_t size)
{
	return space / 2 / oneway_charge(size);
}

static long expected_spam_index(long space, size_t size)
{
	long charge = oneway_charge(size);
	long free = space / 2;
	long n;

	/*
	 * Stock counts the sender's buffers before or after the new one
	 * depending on which buffer struct it reuses; the sizes tested here
	 * are far enough from the 50-buffer and 25% edges for both to agree.
	 */
	for (n = 1; n <= oneway_capacity(space, size); n++) {
		free -= charge;
		if (free < space / 10 &&
		    (n > 50 || n * charge > space / 4))
			return n;
	}
	return 0;
}

struct oneway_round {
	size_t size;
	bool detect;
	long count;		/* sent */
	long accepted;
	long spam_at;		/* 1-based index of the BR_ONEWAY_SPAM_SUSPECT */
	long spams;
	long failed_at;
	uint32_t failed_cmd;
	int failed_error;
};

static const struct oneway_round rounds[] = {
	{ .size = 0, .detect = true },
	{ .size = 0, .detect = false },
	{ .size = 100, .detect = true },
};

/* The rounds as the client fills them in, in memory shared with it. */
static struct oneway_round *shared_rounds;

static int oneway_script(struct ba_scripted *c, struct binder_thread *t,
			 int step)
{
	struct oneway_round *r = &shared_rounds[step - 1];
	uint32_t cmd;
	long i;

	if (binder_enable_oneway_spam_detection(t->b, r->detect))
		return 1;
	for (i = 1; i <= r->count; i++) {
		cmd = ba_client_send(t, &c->out, TF_ONE_WAY, BA_ECHO, c->buf,
				     r->size, step << 16 | i, true);
		if (cmd == BR_TRANSACTION_COMPLETE) {
			r->accepted++;
		} else if (cmd == BR_ONEWAY_SPAM_SUSPECT) {
			r->accepted++;
			r->spams++;
			r->spam_at = i;
		} else if (!r->failed_at) {
			r->failed_at = i;
			r->failed_cmd = cmd;
			r->failed_error = c->out.last_error;
		}
	}
	return step == 3 ? -1 : 0;
}

/*
 * Take the queued oneways, checking each: @expect of them, then any extra
 * that shows up within 200 ms. Returns how many.
 */
static long drain_oneways(struct binder_thread *t, size_t size, long expect,
			  long *bad)
{
	struct binder_event ev;
	long n = 0;

	while (ba_next_transaction(t, &ev, n < expect ? 10000 : 200)) {
		if (ev.tr.data_size != size ||
		    payload_check(binder_event_data(&ev), size,
				  ba_code_seed(ev.tr.code)) >= 0)
			(*bad)++;
		binder_free_buffer(t, ev.tr.data.ptr.buffer);
		n++;
	}
	return n;
}

TEST_F_TIMEOUT(binder_alloc, oneway_space, 120)
{
	const long space = 16 * KiB;
	struct binder_proc_stats st;
	struct ba_scripted *c;
	struct binder_thread t;
	struct binder b;
	long bad = 0, expect, spam_at, drained;
	int i;

	if (!ba_debugfs_present())
		SKIP(return, BA_NO_DEBUGFS);
	shared_rounds = binder_shared(sizeof(rounds));
	ASSERT_NE(shared_rounds, NULL)
		TH_LOG("no shared memory for the rounds");
	memcpy(shared_rounds, rounds, sizeof(rounds));
	ASSERT_EQ(ba_become_server(&b, &t, self->dev.path, space), 0)
		TH_LOG("cannot become the context manager of %s", self->dev.path);
	c = ba_scripted_start(self->dev.path, oneway_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");

	for (i = 0; i < 3; i++) {
		struct oneway_round *r = &shared_rounds[i];

		expect = oneway_capacity(space, r->size);
		r->count = expect + 1;
		/* The server takes nothing while the client fills the space. */
		ASSERT_TRUE(ba_scripted_step(c, i + 1))
			TH_LOG("round %d: the client did not finish sending %ld oneways",
			       i + 1, r->count);
		EXPECT_EQ(r->accepted, expect)
			TH_LOG("round %d: %zu-byte oneways", i + 1, r->size);
		EXPECT_EQ(r->failed_at, expect + 1)
			TH_LOG("round %d: first failure at oneway %ld (0: none), expected %ld",
			       i + 1, r->failed_at, expect + 1);
		EXPECT_CMD(r->failed_cmd, BR_FAILED_REPLY)
			TH_LOG("round %d: oneway %ld, over the async space", i + 1,
			       r->failed_at);
		EXPECT_EQ(r->failed_error, -ENOSPC)
			TH_LOG("%s - round %d: oneway %ld refused, but not for lack of space",
			       strerror(-r->failed_error), i + 1, r->failed_at);
		EXPECT_EQ(r->spams, r->detect ? 1 : 0)
			TH_LOG("round %d: %ld spam suspects with detection %s",
			       i + 1, r->spams, r->detect ? "on" : "off");
		spam_at = expected_spam_index(space, r->size);
		if (r->detect) {
			EXPECT_EQ(r->spam_at, spam_at)
				TH_LOG("round %d: spam suspected at %zu-byte oneway %ld, not %ld",
				       i + 1, r->size, r->spam_at, spam_at);
		}
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		EXPECT_EQ(st.free_async_space,
			  space / 2 - expect * oneway_charge(r->size))
			TH_LOG("round %d: %ld async bytes free with %ld %zu-byte oneways queued",
			       i + 1, st.free_async_space, expect, r->size);

		/* Taking and freeing them all gives all the space back. */
		drained = drain_oneways(&t, r->size, expect, &bad);
		EXPECT_EQ(drained, expect)
			TH_LOG("round %d: %ld of %ld queued oneways delivered",
			       i + 1, drained, expect);
		EXPECT_EQ(bad, 0)
			TH_LOG("round %d: %ld delivered oneways corrupt so far",
			       i + 1, bad);
		ASSERT_EQ(binder_stats_find(getpid(), self->dev.name, &st), 1)
			TH_LOG("no binder/stats entry of this process on %s", self->dev.name);
		EXPECT_EQ(st.free_async_space, space / 2)
			TH_LOG("round %d: %ld async bytes free after every oneway was freed",
			       i + 1, st.free_async_space);
		EXPECT_EQ(st.buffers, 0) {
			TH_LOG("round %d: %d buffers left after every oneway was freed",
			       i + 1, st.buffers);
			ba_log_buffers(getpid(), self->dev.name);
		}
	}
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");
	binder_close(&b);
	binder_shared_free(shared_rounds, sizeof(rounds));
}

/* Sizes that straddle pages, so clearing must cover several. */
#define CLEAR_SIZE	(3 * BA_PAGE + 100)

static int clear_script(struct ba_scripted *c, struct binder_thread *t,
			int step)
{
	struct binder_msg m = { .code = ba_code(BA_ECHO, 4), .data = c->buf,
				.size = CLEAR_SIZE };
	struct binder_event ev;

	switch (step) {
	case 1:
		ba_client_send(t, &c->out, TF_CLEAR_BUF, BA_CHECK, c->buf,
			       CLEAR_SIZE, 1, true);
		break;
	case 2:
		ba_client_send(t, &c->out, 0, BA_CHECK, c->buf, CLEAR_SIZE, 2,
			       true);
		break;
	case 3:
		ba_client_send(t, &c->out, TF_ONE_WAY | TF_CLEAR_BUF, BA_ECHO,
			       c->buf, CLEAR_SIZE, 3, true);
		break;
	case 4:
		/* The server replies with TF_CLEAR_BUF: check our own copy. */
		payload_fill(c->buf, CLEAR_SIZE, 4);
		if (binder_call(t, 0, &m, &ev, 30000) || ev.cmd != BR_REPLY)
			return 1;
		c->results[0] = payload_check(binder_event_data(&ev),
					      CLEAR_SIZE, 4);
		binder_free_buffer(t, ev.tr.data.ptr.buffer);
		c->results[1] = payload_check_zero(binder_event_data(&ev),
						   CLEAR_SIZE);
		return -1;
	}
	return 0;
}

/* Receive one transaction, free it, and look at what is left in our mapping. */
static ssize_t receive_free_and_look(struct binder_thread *t, uint32_t seed,
				     bool *intact)
{
	struct binder_msg reply = { .code = ba_code(BA_CHECK, 0) };
	struct binder_event ev;
	int64_t result;
	ssize_t nonzero;

	if (!ba_next_transaction(t, &ev, 10000))
		return -2;
	result = payload_check(binder_event_data(&ev), ev.tr.data_size, seed);
	*intact = ev.tr.data_size == CLEAR_SIZE && result < 0;
	binder_free_buffer(t, ev.tr.data.ptr.buffer);
	nonzero = payload_check_zero(binder_event_data(&ev), CLEAR_SIZE);
	if (!(ev.tr.flags & TF_ONE_WAY)) {
		reply.data = &result;
		reply.size = sizeof(result);
		binder_reply(t, &reply, 0);
	}
	return nonzero;
}

static void echo_clear_buf(struct binder_thread *t,
			   const struct binder_event *ev)
{
	struct binder_msg reply = {
		.code = ev->tr.code,
		.flags = TF_CLEAR_BUF,
		.data = binder_event_data(ev),
		.size = ev->tr.data_size,
	};

	binder_reply(t, &reply, ev->tr.data.ptr.buffer);
}

/*
 * A TF_CLEAR_BUF buffer reads back as zeroes from its owner's mapping once
 * freed: requests (sync and oneway) in the server, replies in the client.
 */
TEST_F(binder_alloc, clear_buf)
{
	struct ba_scripted *c;
	struct binder_thread t;
	struct binder_event ev;
	struct binder b;
	ssize_t nonzero;
	bool intact;
	int ret;

	ret = ba_become_server(&b, &t, self->dev.path, 64 * KiB);
	ASSERT_EQ(ret, 0)
		TH_LOG("%s - cannot become the context manager of %s",
		       strerror(-ret), self->dev.path);
	c = ba_scripted_start(self->dev.path, clear_script);
	ASSERT_NE(c, NULL)
		TH_LOG("cannot start the client");

	binder_set_flag(&c->step, 1);
	nonzero = receive_free_and_look(&t, 1, &intact);
	EXPECT_TRUE(intact)
		TH_LOG("the payload changed");
	EXPECT_EQ(nonzero, -1) TH_LOG("sync TF_CLEAR_BUF: byte %zd not cleared",
				      nonzero);
	ASSERT_TRUE(binder_wait_flag(&c->done, 1, 30000))
		TH_LOG("the scripted client did not finish step 1");

	binder_set_flag(&c->step, 2);
	nonzero = receive_free_and_look(&t, 2, &intact);
	EXPECT_TRUE(intact)
		TH_LOG("the payload changed");
	TH_LOG("without TF_CLEAR_BUF the freed buffer %s",
	       nonzero >= 0 ? "keeps its bytes" : "reads as zeroes");
	ASSERT_TRUE(binder_wait_flag(&c->done, 2, 30000))
		TH_LOG("the scripted client did not finish step 2");

	binder_set_flag(&c->step, 3);
	nonzero = receive_free_and_look(&t, 3, &intact);
	EXPECT_TRUE(intact)
		TH_LOG("the payload changed");
	EXPECT_EQ(nonzero, -1) TH_LOG("oneway TF_CLEAR_BUF: byte %zd not cleared",
				      nonzero);
	ASSERT_TRUE(binder_wait_flag(&c->done, 3, 30000))
		TH_LOG("the scripted client did not finish step 3");

	binder_set_flag(&c->step, 4);
	ASSERT_TRUE(ba_next_transaction(&t, &ev, 10000))
		TH_LOG("no transaction within 10000 ms");
	echo_clear_buf(&t, &ev);
	ASSERT_TRUE(binder_wait_flag(&c->done, 4, 30000))
		TH_LOG("the scripted client did not finish step 4");
	EXPECT_EQ(c->results[0], -1) TH_LOG("reply payload wrong");
	EXPECT_EQ(c->results[1], -1) TH_LOG("reply TF_CLEAR_BUF: byte %ld not cleared",
					    c->results[1]);
	EXPECT_EQ(c->out.bad_data, 0)
		TH_LOG("the client got %ld corrupt replies", c->out.bad_data);
	EXPECT_EQ(c->out.replies, 2)
		TH_LOG("%ld of the 2 sync transactions (steps 1 and 2) got a reply, error %d",
		       c->out.replies, c->out.last_error);
	EXPECT_EQ(c->out.completes, 1)
		TH_LOG("the oneway TF_CLEAR_BUF transaction was not accepted, error %d",
		       c->out.last_error);
	EXPECT_EQ(ba_scripted_finish(c), 0)
		TH_LOG("the scripted client failed");
	binder_close(&b);
}

TEST_HARNESS_MAIN
