// SPDX-License-Identifier: GPL-2.0
/*
 * Shared pieces of the binder_alloc kselftests: see ba_common.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ba_common.h"

#define BA_CALL_TIMEOUT_MS	30000
#define BA_POLL_MS		50

int ba_dev_create(struct ba_dev *dev, const char *tag)
{
	snprintf(dev->name, sizeof(dev->name), "ba-%s-%d", tag, getpid());
	return binder_device_add(dev->name, dev->path, sizeof(dev->path));
}

void ba_dev_remove(struct ba_dev *dev)
{
	if (dev->path[0])
		binder_device_remove(dev->path);
	dev->path[0] = '\0';
}

/* Children not reaped yet, for ba_kill_children(). */
static pid_t children[64];

static void replace_child(pid_t old, pid_t new)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(children); i++) {
		if (children[i] == old) {
			children[i] = new;
			return;
		}
	}
}

pid_t ba_spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid = binder_fork();

	if (pid > 0)
		replace_child(0, pid);
	if (pid)
		return pid;
	memset(children, 0, sizeof(children));
	/* Keep no binder fd of the test process open. */
	close_range(3, ~0U, 0);
	_exit(fn(arg));
}

int ba_reap(pid_t pid, int timeout_ms)
{
	int status, ret;

	ret = binder_wait_pid(pid, timeout_ms, &status);
	replace_child(pid, 0);
	if (ret == -ETIMEDOUT)
		fprintf(stderr, "# pid %d still running after %d ms: killed it\n",
			pid, timeout_ms);
	if (ret)
		return ret;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void ba_kill_children(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(children); i++) {
		if (!children[i])
			continue;
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
		children[i] = 0;
	}
}

size_t ba_pick_size(unsigned int *rnd, size_t max)
{
	int bits = 0;
	size_t limit;

	while (bits < 62 && (1UL << bits) <= max)
		bits++;
	limit = 1UL << (rand_r(rnd) % (bits + 1));
	if (limit > max + 1)
		limit = max + 1;
	return ((size_t)rand_r(rnd) << 16 ^ rand_r(rnd)) % limit;
}

bool ba_wait_procs_gone(const char *context, int timeout_ms)
{
	long deadline = binder_now_ms() + timeout_ms;

	while (binder_stats_count_procs(context) > 0) {
		if (binder_now_ms() > deadline)
			return false;
		binder_sleep_ms(20);
	}
	return true;
}

void ba_log_outcomes(int i, const struct ba_outcomes *o)
{
	fprintf(stderr,
		"# client %d: %ld sent, %ld replies, %ld oneways, %ld unmapped, %ld failed, %ld dead, %ld timeouts, %ld bad, %ld other\n",
		i, o->sent, o->replies, o->completes, o->unmapped, o->failed,
		o->dead, o->timeouts, o->bad_data, o->other);
}

void ba_log_buffers(pid_t pid, const char *context)
{
	struct binder_buffer_info bufs[16];
	int i, n = binder_proc_buffers(pid, context, bufs, 16);

	for (i = 0; i < n && i < 16; i++)
		fprintf(stderr, "# pid %d buffer at %#lx: %zu data, %zu offsets, %zu extra, %s\n",
			pid, bufs[i].offset, bufs[i].data_size,
			bufs[i].offsets_size, bufs[i].extra_size,
			bufs[i].active ? "in flight" : "delivered");
}

long ba_wait_lru_at_most(long limit, int timeout_ms)
{
	long deadline = binder_now_ms() + timeout_ms;
	long count;

	while ((count = binder_shrinker_count()) > limit &&
	       binder_now_ms() < deadline)
		binder_sleep_ms(20);
	return count;
}

/*
 * Payloads with objects carry them first (flat_binder_objects, rewritten by
 * the driver on the way): only the bytes after them are patterned.
 */
static size_t patterned_from(const struct binder_event *ev)
{
	return ev->tr.offsets_size / sizeof(binder_size_t) *
	       sizeof(struct flat_binder_object);
}

bool ba_serve(struct binder_thread *t, const struct binder_event *ev,
	      bool hold)
{
	const void *data = binder_event_data(ev);
	size_t size = ev->tr.data_size;
	uint32_t code = ev->tr.code;
	binder_uintptr_t buffer = hold ? 0 : ev->tr.data.ptr.buffer;
	struct binder_msg reply = { .code = code };
	int64_t result;

	result = payload_check_range(data, patterned_from(ev), size,
				     ba_code_seed(code));
	if (result >= 0)
		fprintf(stderr, "# server: %zu-byte payload (seed %u) wrong at byte %lld\n",
			size, ba_code_seed(code), (long long)result);

	if (ev->tr.flags & TF_ONE_WAY) {
		if (buffer)
			binder_free_buffer(t, buffer);
		return result < 0;
	}
	if (ba_code_op(code) == BA_SLOW)
		binder_sleep_ms(300);
	if (ba_code_op(code) == BA_ECHO) {
		reply.data = data;
		reply.size = size;
	} else {
		reply.data = &result;
		reply.size = sizeof(result);
	}
	binder_reply(t, &reply, buffer);
	return result < 0;
}

/* The standard server's state lives in its own process. */
static struct {
	pthread_rwlock_t map_lock;	/* readers use the mapping, munmap writes */
	unsigned long old_map;
} server_local = { .map_lock = PTHREAD_RWLOCK_INITIALIZER };

static void serve_unmapped(struct binder_thread *t,
			   const struct binder_event *ev,
			   bool hold)
{
	struct binder_msg reply = { .code = ba_code(BA_UNMAPPED, 0) };
	binder_uintptr_t buffer = hold ? 0 : ev->tr.data.ptr.buffer;

	if (ev->tr.flags & TF_ONE_WAY) {
		if (buffer)
			binder_free_buffer(t, buffer);
		return;
	}
	binder_reply(t, &reply, buffer);
}

static void unmap_server(struct ba_server *srv, struct binder *b)
{
	pthread_rwlock_wrlock(&server_local.map_lock);
	server_local.old_map = (unsigned long)b->map;
	binder_unmap(b);
	binder_set_flag(&srv->unmapped, 1);
	pthread_rwlock_unlock(&server_local.map_lock);
}

static void server_handle(struct ba_server *srv, struct binder_thread *t,
			  const struct binder_event *ev)
{
	long n = ba_add(&srv->received, 1);

	if (srv->exit_after && n >= srv->exit_after)
		_exit(0);
	if (ev->tr.flags & TF_ONE_WAY)
		ba_add(&srv->oneways, 1);

	pthread_rwlock_rdlock(&server_local.map_lock);
	if (srv->unmapped)
		serve_unmapped(t, ev, srv->hold);
	else if (!ba_serve(t, ev, srv->hold))
		ba_add(&srv->bad_data, 1);
	pthread_rwlock_unlock(&server_local.map_lock);

	if (srv->munmap_after && n == srv->munmap_after)
		unmap_server(srv, t->b);
}

struct looper {
	struct ba_server *srv;
	struct binder *b;
	pthread_t tid;
	int ret;
};

static void *looper_main(void *arg)
{
	struct looper *l = arg;
	struct binder_thread t;
	struct binder_event ev;
	int ret;

	binder_thread_init(&t, l->b);
	l->ret = 1;
	if (binder_enter_looper(&t))
		return NULL;
	while (!__atomic_load_n(&l->srv->stop, __ATOMIC_ACQUIRE)) {
		ret = binder_read(&t, &ev, BA_POLL_MS);
		if (ret < 0)
			return NULL;
		if (ret == 0)
			continue;
		switch (ev.cmd) {
		case BR_TRANSACTION:
			server_handle(l->srv, &t, &ev);
			break;
		case BR_TRANSACTION_COMPLETE:
			break;
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
			ba_add(&l->srv->reply_errors, 1);
			break;
		default:
			fprintf(stderr, "# server: unexpected %s\n",
				binder_cmd_name(ev.cmd));
			break;
		}
	}
	l->ret = 0;
	return NULL;
}

/*
 * Churn the server's address space as an app would: map and unmap memory,
 * and once the binder mapping is gone, map something else where it was.
 */
static void *churn_main(void *arg)
{
	struct ba_server *srv = arg;
	size_t size = 64 * KiB;
	void *hint, *p;

	while (!__atomic_load_n(&srv->stop, __ATOMIC_ACQUIRE)) {
		hint = NULL;
		if (__atomic_load_n(&srv->unmapped, __ATOMIC_ACQUIRE))
			hint = (void *)server_local.old_map;
		p = mmap(hint, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS |
			 (hint ? MAP_FIXED_NOREPLACE : 0), -1, 0);
		if (p != MAP_FAILED) {
			*(char *)p = 1;	/* fault a page in */
			/* now and then, leave a stranger where binder was */
			if (p != hint || rand() % 4)
				munmap(p, size);
		}
		binder_sleep_ms(1);
	}
	return NULL;
}

static int server_main(void *arg)
{
	struct ba_server *srv = arg;
	struct looper loopers[16] = { 0 };
	pthread_t churn;
	struct binder b;
	int i, ret = 0;

	if (binder_open(&b, srv->path, srv->map_size) ||
	    binder_become_context_manager(&b))
		return 1;
	for (i = 0; i < srv->threads && i < 16; i++) {
		loopers[i].srv = srv;
		loopers[i].b = &b;
		if (i > 0)
			pthread_create(&loopers[i].tid, NULL, looper_main,
				       &loopers[i]);
	}
	if (srv->churn)
		pthread_create(&churn, NULL, churn_main, srv);
	binder_set_flag(&srv->ready, 1);

	looper_main(&loopers[0]);
	for (i = 0; i < srv->threads && i < 16; i++) {
		if (i > 0)
			pthread_join(loopers[i].tid, NULL);
		ret |= loopers[i].ret;
	}
	if (srv->churn)
		pthread_join(churn, NULL);
	binder_close(&b);
	return ret;
}

struct ba_server *ba_server_new(const char *path, size_t map_size)
{
	struct ba_server *srv = binder_shared(sizeof(*srv));

	if (srv) {
		srv->path = path;
		srv->map_size = map_size;
		srv->threads = 1;
	}
	return srv;
}

int ba_server_start(struct ba_server *srv)
{
	srv->pid = ba_spawn(server_main, srv);
	if (srv->pid < 0)
		return -errno;
	if (!binder_wait_flag(&srv->ready, 1, 10000)) {
		fprintf(stderr, "# server on %s did not start\n", srv->path);
		ba_reap(srv->pid, 0);
		srv->pid = 0;
		return -ETIMEDOUT;
	}
	return 0;
}

/* Returns the server's exit code (see ba_reap()). */
int ba_server_stop(struct ba_server *srv)
{
	int ret;

	if (!srv->pid)
		return -ESRCH;
	binder_set_flag(&srv->stop, 1);
	ret = ba_reap(srv->pid, 10000);
	srv->pid = 0;
	return ret;
}

void ba_server_free(struct ba_server *srv)
{
	binder_shared_free(srv, sizeof(*srv));
}

static void note_reply(struct ba_outcomes *out, const struct binder_event *ev,
		       enum ba_op op, size_t size, uint32_t seed)
{
	const void *data = binder_event_data(ev);
	ssize_t bad = -1;

	if (ba_code_op(ev->tr.code) == BA_UNMAPPED) {
		out->unmapped++;
		return;
	}
	if (op == BA_ECHO && ev->tr.data_size != size)
		bad = ev->tr.data_size;
	else if (op == BA_ECHO)
		bad = payload_check(data, size, seed);
	else if (ev->tr.data_size != sizeof(int64_t))
		bad = 0;
	else
		memcpy(&bad, data, sizeof(int64_t));
	if (bad >= 0) {
		fprintf(stderr,
			"# client %d: %zu-byte payload (seed %u) came back wrong at byte %zd\n",
			getpid(), size, seed, bad);
		out->bad_data++;
		return;
	}
	out->replies++;
	out->bytes += size;
}

uint32_t ba_client_send(struct binder_thread *t, struct ba_outcomes *out,
			uint32_t flags, enum ba_op op, void *buf, size_t size,
			uint32_t seed, bool free_reply)
{
	struct binder_msg m = {
		.code = ba_code(op, seed),
		.flags = flags,
		.data = buf,
		.size = size,
	};
	struct binder_event ev;
	int ret;

	seed = ba_code_seed(m.code);	/* what the other side will see */
	payload_fill(buf, size, seed);
	out->sent++;
	ret = binder_call(t, 0, &m, &ev, BA_CALL_TIMEOUT_MS);
	if (ret) {
		if (ret == -ETIMEDOUT)
			out->timeouts++;
		else
			out->other++;
		out->last_error = ret;
		return 0;
	}
	out->last_error = ev.error;
	switch (ev.cmd) {
	case BR_REPLY:
		note_reply(out, &ev, op, size, seed);
		if (free_reply)
			binder_free_buffer(t, ev.tr.data.ptr.buffer);
		break;
	case BR_TRANSACTION_COMPLETE:
		out->completes++;
		out->bytes += size;
		break;
	case BR_ONEWAY_SPAM_SUSPECT:
		out->spam++;
		out->bytes += size;
		break;
	case BR_FAILED_REPLY:
		out->failed++;
		break;
	case BR_DEAD_REPLY:
		out->dead++;
		break;
	default:
		fprintf(stderr, "# client %d: %s\n", getpid(),
			binder_cmd_name(ev.cmd));
		out->other++;
		break;
	}
	return ev.cmd;
}

static int client_main(void *arg)
{
	struct ba_client *c = arg;
	size_t max = c->max_size > c->oneway_max ? c->max_size : c->oneway_max;
	unsigned int rnd = c->seed;
	struct binder_thread t;
	struct binder b;
	bool oneway;
	size_t size;
	void *buf;
	long i;

	buf = malloc(max + 1);
	if (!buf || binder_open(&b, c->path, c->map_size))
		return 1;
	binder_thread_init(&t, &b);
	for (i = 0; i < c->count; i++) {
		if (c->stop && __atomic_load_n(c->stop, __ATOMIC_ACQUIRE))
			break;
		oneway = rand_r(&rnd) % 100 < c->oneway_pct;
		size = ba_pick_size(&rnd, oneway ? c->oneway_max : c->max_size);
		ba_client_send(&t, &c->out, oneway ? TF_ONE_WAY : 0, BA_ECHO,
			       buf, size, c->seed * 7919 + i,
			       !c->hold_replies);
		if (c->out.timeouts || c->out.other ||
		    (c->stop_on_dead && c->out.dead))
			break;
	}
	if (!c->hold_replies)
		binder_close(&b);
	free(buf);
	return 0;
}

struct ba_client *ba_client_new(const char *path, size_t map_size,
				long count, uint32_t seed)
{
	struct ba_client *c = binder_shared(sizeof(*c));

	if (c) {
		c->path = path;
		c->map_size = map_size;
		c->count = count;
		c->seed = seed;
		c->max_size = 16 * KiB;
	}
	return c;
}

int ba_client_start(struct ba_client *c)
{
	c->pid = ba_spawn(client_main, c);
	return c->pid < 0 ? -errno : 0;
}

void ba_client_free(struct ba_client *c)
{
	binder_shared_free(c, sizeof(*c));
}

static int scripted_main(void *arg)
{
	struct ba_scripted *c = arg;
	struct binder_thread t;
	struct binder b;
	int step, ret = 0;

	if (binder_open(&b, c->path, 256 * KiB))
		return 1;
	binder_thread_init(&t, &b);
	for (step = 1; !ret; step++) {
		if (!binder_wait_flag(&c->step, step, 60000))
			return 2;
		ret = c->script(c, &t, step);
		binder_set_flag(&c->done, step);
	}
	binder_close(&b);
	return ret < 0 ? 0 : ret;
}

struct ba_scripted *ba_scripted_start(const char *path, ba_script_fn script)
{
	struct ba_scripted *c = binder_shared(sizeof(*c));

	if (!c)
		return NULL;
	c->path = path;
	c->script = script;
	c->pid = ba_spawn(scripted_main, c);
	if (c->pid < 0) {
		binder_shared_free(c, sizeof(*c));
		return NULL;
	}
	return c;
}

bool ba_scripted_step(struct ba_scripted *c, int step)
{
	binder_set_flag(&c->step, step);
	return binder_wait_flag(&c->done, step, 60000);
}

int ba_scripted_finish(struct ba_scripted *c)
{
	int ret = ba_reap(c->pid, 30000);

	binder_shared_free(c, sizeof(*c));
	return ret;
}

int ba_become_server(struct binder *b, struct binder_thread *t,
		     const char *path, size_t map_size)
{
	int ret = binder_open(b, path, map_size);

	if (!ret)
		ret = binder_become_context_manager(b);
	binder_thread_init(t, b);
	if (!ret)
		ret = binder_enter_looper(t);
	return ret;
}

bool ba_next_transaction(struct binder_thread *t, struct binder_event *ev,
			 int timeout_ms)
{
	while (binder_read(t, ev, timeout_ms) == 1) {
		if (ev->cmd == BR_TRANSACTION)
			return true;
		if (ev->cmd != BR_TRANSACTION_COMPLETE)
			fprintf(stderr, "# server: unexpected %s\n",
				binder_cmd_name(ev->cmd));
	}
	return false;
}
