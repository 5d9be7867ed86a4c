// SPDX-License-Identifier: GPL-2.0
/*
 * Raw-ioctl binder library: see binder.h.
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "binder.h"

static int report(const char *what, const char *where, int err)
{
	fprintf(stderr, "# binder: %s on %s: %s\n", what, where, strerror(err));
	return -err;
}

/* Mount binderfs where the workbench would have, if nobody did. */
static int binderfs_mount(void)
{
	if (access(BINDERFS_PATH "/binder-control", F_OK) == 0)
		return 0;
	mkdir(BINDERFS_PATH, 0755);
	if (mount("binder", BINDERFS_PATH, "binder", 0, NULL)) {
		int err = errno;

		if (err == ENODEV)
			fprintf(stderr,
				"# binder: this kernel has no binderfs: set %s=binder,hwbinder,vndbinder to use the fixed nodes of binder_linux devices=...\n",
				BINDER_DEVICES_ENV);
		return report("mount binderfs", BINDERFS_PATH, err);
	}
	return 0;
}

/*
 * Fixed device nodes, for kernels without binderfs (Debian's binder_linux
 * module, loaded with devices=binder,hwbinder,vndbinder): with
 * BINDER_DEVICES_ENV set to a comma-separated list of names,
 * binder_device_add() hands out one of /dev/<name> instead of creating a
 * binderfs device, and binder_device_remove() gives it back.
 *
 * A test (or benchmark scenario) makes its server the context manager of
 * the device it gets, and a device has one context manager at a time:
 * BINDER_SET_CONTEXT_MGR fails with EBUSY while the last one's node is
 * still set. So a fixed node is leased to one user at a time:
 *  - an exclusive flock() on BINDER_LOCK_DIR/binder-lib-<name>.lock, held
 *    by the process that called binder_device_add() until it calls
 *    binder_device_remove() or exits (so a crashed test frees it too); the
 *    children it forks share it or, having closed it, do not matter;
 *  - and the node must be idle: no binder fd open on it, i.e. no "proc"
 *    section with "context <name>" in debugfs binder/stats. Closing a
 *    binder fd only queues its release (binder_deferred_release() on a
 *    workqueue), and that is where the context manager is cleared: the
 *    killed server of the previous test may still hold the role for a
 *    while after it was reaped. The release takes the proc off the list
 *    binder/stats prints and then, one mutex later, clears the context
 *    manager; the node must look idle twice, 20 ms apart, before it is
 *    handed out. Without debugfs this cannot be seen: we say so, wait the
 *    20 ms and go on.
 * A node that stays busy (another program, e.g. a real servicemanager, has
 * it open) is skipped for the next one in the list; if none frees up
 * within BINDER_LEASE_WAIT_MS, binder_device_add() fails with -EBUSY.
 * The context manager's uid is also fixed at the first BINDER_SET_CONTEXT_MGR
 * of a device: every user must run as the same uid (root, in the guest).
 *
 * The name asked for is remembered with the node (binder_device_context()),
 * so that debugfs lookups by that name (binder_debugfs.c) find the node's
 * "context <name>" sections.
 */
#define BINDER_LOCK_DIR		"/tmp"
#define BINDER_LEASE_WAIT_MS	30000
#define BINDER_LEASES		8

static struct binder_lease {
	char name[64];		/* what the caller asked for */
	char node[64];		/* the fixed node it got */
	char path[128];
	int lock_fd;
} leases[BINDER_LEASES];

/* 1 if a binder fd is open on @node (from binder/stats), 0 if not, -1: unknown. */
static int node_in_use(const char *node)
{
	char want[80], *text = NULL, *bigger;
	size_t len = 0, size = 0;
	ssize_t n = 0;
	int fd, busy;

	fd = open("/sys/kernel/debug/binder/stats", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do {
		len += n;
		if (size - len < 4096) {
			size = size ? size * 2 : 65536;
			bigger = realloc(text, size);
			if (!bigger) {
				n = -1;
				break;
			}
			text = bigger;
		}
	} while ((n = read(fd, text + len, size - len - 1)) > 0);
	close(fd);
	if (n < 0) {
		free(text);
		return -1;
	}
	text[len] = '\0';
	snprintf(want, sizeof(want), "\ncontext %s\n", node);
	busy = !!strstr(text, want);
	free(text);
	return busy;
}

/* Take @node if nobody holds its lock and it is idle; the lock fd or -1. */
static int lease_try(const char *node)
{
	static bool warned;
	char lock[160];
	int fd, busy;

	snprintf(lock, sizeof(lock), BINDER_LOCK_DIR "/binder-lib-%s.lock", node);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		report("open", lock, errno);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		return -1;
	}
	busy = node_in_use(node);
	if (busy < 0 && !warned) {
		fprintf(stderr,
			"# binder: no debugfs binder/stats: cannot tell whether the last context manager of /dev/%s is gone\n",
			node);
		warned = true;
	}
	if (busy <= 0) {
		binder_sleep_ms(20);
		busy = node_in_use(node);
	}
	if (busy > 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int fixed_device_add(const char *list, const char *name, char *path,
			    size_t path_size)
{
	long deadline = binder_now_ms() + BINDER_LEASE_WAIT_MS;
	char nodes[256], *node, *save;
	struct binder_lease *l = NULL;
	struct stat st;
	size_t i;
	int fd, found = 0;

	for (i = 0; i < BINDER_LEASES && !l; i++)
		if (!leases[i].path[0])
			l = &leases[i];
	if (!l) {
		fprintf(stderr, "# binder: more than %d fixed devices at once\n",
			BINDER_LEASES);
		return -EMFILE;
	}
	for (;;) {
		snprintf(nodes, sizeof(nodes), "%s", list);
		for (node = strtok_r(nodes, ",", &save); node;
		     node = strtok_r(NULL, ",", &save)) {
			snprintf(l->path, sizeof(l->path), "/dev/%s", node);
			if (stat(l->path, &st) || !S_ISCHR(st.st_mode))
				continue;
			found++;
			fd = lease_try(node);
			if (fd < 0)
				continue;
			snprintf(l->name, sizeof(l->name), "%s", name);
			snprintf(l->node, sizeof(l->node), "%s", node);
			l->lock_fd = fd;
			snprintf(path, path_size, "%s", l->path);
			return 0;
		}
		l->path[0] = '\0';
		if (!found) {
			fprintf(stderr,
				"# binder: %s=%s: none of these is a device in /dev: load binder_linux with devices=%s\n",
				BINDER_DEVICES_ENV, list, list);
			return -ENOENT;
		}
		if (binder_now_ms() > deadline)
			break;
		found = 0;
		binder_sleep_ms(10);
	}
	fprintf(stderr,
		"# binder: %s=%s: every device stayed in use for %d s (binder/stats lists processes on it, or another test holds %s/binder-lib-NAME.lock)\n",
		BINDER_DEVICES_ENV, list, BINDER_LEASE_WAIT_MS / 1000, BINDER_LOCK_DIR);
	return -EBUSY;
}

static struct binder_lease *lease_of_path(const char *path)
{
	size_t i;

	for (i = 0; i < BINDER_LEASES; i++)
		if (leases[i].path[0] && !strcmp(leases[i].path, path))
			return &leases[i];
	return NULL;
}

/**
 * binder_device_context() - the context (device) name binder shows for a device
 * @name: a name given to binder_device_add()
 *
 * Return: the fixed node's name if @name got one (BINDER_DEVICES_ENV),
 * else @name, which is then the binderfs device's name.
 */
const char *binder_device_context(const char *name)
{
	size_t i;

	for (i = 0; name && i < BINDER_LEASES; i++)
		if (leases[i].path[0] && !strcmp(leases[i].name, name))
			return leases[i].node;
	return name;
}

/**
 * binder_device_add() - create a binder device in binderfs
 * @name: device name, unique per test so that tests never share a context
 * @path: receives the device path
 * @path_size: size of @path
 *
 * With BINDER_DEVICES_ENV set, lease a fixed node instead (see above).
 */
int binder_device_add(const char *name, char *path, size_t path_size)
{
	struct binderfs_device dev = { 0 };
	const char *control = BINDERFS_PATH "/binder-control";
	const char *fixed = getenv(BINDER_DEVICES_ENV);
	int fd, ret = 0;

	if (fixed && *fixed)
		return fixed_device_add(fixed, name, path, path_size);
	ret = binderfs_mount();
	if (ret)
		return ret;
	fd = open(control, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report("open", control, errno);
	snprintf(dev.name, sizeof(dev.name), "%s", name);
	if (ioctl(fd, BINDER_CTL_ADD, &dev) < 0)
		ret = report("BINDER_CTL_ADD", control, errno);
	else
		snprintf(path, path_size, BINDERFS_PATH "/%s", name);
	close(fd);
	return ret;
}

/* Remove a binderfs device, or give a leased fixed node back. */
int binder_device_remove(const char *path)
{
	struct binder_lease *l = lease_of_path(path);

	if (l) {
		close(l->lock_fd);
		memset(l, 0, sizeof(*l));
		return 0;
	}
	if (unlink(path))
		return report("unlink", path, errno);
	return 0;
}

int binder_ioctl(struct binder *b, unsigned long cmd, const char *name,
		 void *arg)
{
	if (ioctl(b->fd, cmd, arg) < 0)
		return report(name, b->path, errno);
	return 0;
}

/**
 * binder_open() - open a binder device, check its protocol, map its buffers
 * @b: receives the device
 * @path: device path
 * @map_size: bytes to map read-only, or 0 to leave mapping to the caller
 */
int binder_open(struct binder *b, const char *path, size_t map_size)
{
	struct binder_version version = { 0 };
	int ret;

	memset(b, 0, sizeof(*b));
	snprintf(b->path, sizeof(b->path), "%s", path);
	b->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (b->fd < 0)
		return report("open", path, errno);

	ret = binder_ioctl(b, BINDER_VERSION, "BINDER_VERSION", &version);
	if (!ret && version.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION) {
		fprintf(stderr, "# binder: %s speaks protocol %d, we speak %d\n",
			path, version.protocol_version,
			BINDER_CURRENT_PROTOCOL_VERSION);
		ret = -EPROTO;
	}
	if (!ret && map_size)
		ret = binder_map(b, map_size);
	if (ret)
		binder_close(b);
	return ret;
}

int binder_map(struct binder *b, size_t size)
{
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, b->fd, 0);

	if (map == MAP_FAILED)
		return report("mmap", b->path, errno);
	b->map = map;
	b->map_size = size;
	return 0;
}

int binder_unmap(struct binder *b)
{
	if (b->map && munmap((void *)b->map, b->map_size))
		return report("munmap", b->path, errno);
	b->map = NULL;
	b->map_size = 0;
	return 0;
}

void binder_close(struct binder *b)
{
	binder_unmap(b);
	if (b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

/*
 * As libbinder does it: the extended form (a zero object asks for no
 * security context), the old one where the driver does not know it.
 */
int binder_become_context_manager(struct binder *b)
{
	struct flat_binder_object obj = { .hdr.type = BINDER_TYPE_BINDER };
	int zero = 0;

	if (ioctl(b->fd, BINDER_SET_CONTEXT_MGR_EXT, &obj) == 0)
		return 0;
	if (errno != EINVAL)
		return report("BINDER_SET_CONTEXT_MGR_EXT", b->path, errno);
	return binder_ioctl(b, BINDER_SET_CONTEXT_MGR, "BINDER_SET_CONTEXT_MGR",
			    &zero);
}

int binder_enable_oneway_spam_detection(struct binder *b, bool enable)
{
	uint32_t on = enable;

	return binder_ioctl(b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION,
			    "BINDER_ENABLE_ONEWAY_SPAM_DETECTION", &on);
}

void binder_thread_init(struct binder_thread *t, struct binder *b)
{
	memset(t, 0, sizeof(*t));
	t->b = b;
}

/*
 * One BINDER_WRITE_READ: the thread's queued commands, and with @read its
 * next BR_ commands. The driver stops taking commands at a pending error
 * (a failed BC_REPLY, say) until that error is read: what it left stays
 * queued for the next call, as libbinder does. The fd is non-blocking, so
 * a read never sleeps here: several threads may be woken for one piece of
 * proc work, and the losers must get back to poll(), where timeouts hold.
 */
static int talk(struct binder_thread *t, bool read)
{
	struct binder_write_read bwr = {
		.write_size = t->out_len,
		.write_buffer = (binder_uintptr_t)(uintptr_t)t->out,
		.read_size = read ? sizeof(t->in) : 0,
		.read_buffer = (binder_uintptr_t)(uintptr_t)t->in,
	};
	int ret = 0;

	if (ioctl(t->b->fd, BINDER_WRITE_READ, &bwr) < 0 &&
	    errno != EAGAIN && errno != EINTR)
		ret = report("BINDER_WRITE_READ", t->b->path, errno);
	/* the driver reports what it consumed even when it fails */
	t->out_len -= bwr.write_consumed;
	memmove(t->out, t->out + bwr.write_consumed, t->out_len);
	if (read) {
		t->len = ret ? 0 : bwr.read_consumed;
		t->pos = 0;
	}
	return ret;
}

int binder_write(struct binder_thread *t, const void *cmds, size_t size)
{
	if (t->out_len + size > sizeof(t->out)) {
		fprintf(stderr, "# binder: %s: %zu bytes of commands queued, no room for %zu\n",
			t->b->path, t->out_len, size);
		return -ENOBUFS;
	}
	memcpy(t->out + t->out_len, cmds, size);
	t->out_len += size;
	return talk(t, false);
}

static int write_u32(struct binder_thread *t, uint32_t cmd)
{
	return binder_write(t, &cmd, sizeof(cmd));
}

int binder_enter_looper(struct binder_thread *t)
{
	return write_u32(t, BC_ENTER_LOOPER);
}

int binder_register_looper(struct binder_thread *t)
{
	return write_u32(t, BC_REGISTER_LOOPER);
}

/*
 * A command word followed by its payload, as the driver parses them: no
 * padding between the two (the structs of this file are packed).
 */
#pragma pack(push, 1)
struct cmd_free {
	uint32_t cmd;
	binder_uintptr_t buffer;
};

struct cmd_txn {
	uint32_t cmd;
	struct binder_transaction_data tr;
};

struct cmd_reply_free {
	struct cmd_txn reply;
	struct cmd_free free;
};

struct cmd_ptr_cookie {
	uint32_t cmd;
	struct binder_ptr_cookie pc;
};

#pragma pack(pop)

/* Commands are read from and written to these as 64-bit structs. */
static_assert(offsetof(struct binder_thread, in) % 8 == 0, "in is not 8-byte aligned");
static_assert(offsetof(struct binder_thread, out) % 8 == 0, "out is not 8-byte aligned");

int binder_free_buffer(struct binder_thread *t, binder_uintptr_t buffer)
{
	struct cmd_free c = { BC_FREE_BUFFER, buffer };

	return binder_write(t, &c, sizeof(c));
}

/*
 * Queue the free and let it go with the thread's next write or read, in
 * the same BINDER_WRITE_READ, as libbinder does: one ioctl less per call.
 */
int binder_free_buffer_deferred(struct binder_thread *t,
				binder_uintptr_t buffer)
{
	struct cmd_free c = { BC_FREE_BUFFER, buffer };

	if (t->out_len + sizeof(c) > sizeof(t->out)) {
		int ret = talk(t, false);

		if (ret)
			return ret;
	}
	if (t->out_len + sizeof(c) > sizeof(t->out))
		return binder_write(t, &c, sizeof(c));	/* reports it */
	memcpy(t->out + t->out_len, &c, sizeof(c));
	t->out_len += sizeof(c);
	return 0;
}

static void fill_txn(struct cmd_txn *c, uint32_t cmd, uint32_t handle,
		     const struct binder_msg *m)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->tr.target.handle = handle;
	c->tr.code = m->code;
	c->tr.flags = m->flags;
	c->tr.data_size = m->size;
	c->tr.offsets_size = m->offsets_size;
	c->tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)m->data;
	c->tr.data.ptr.offsets = (binder_uintptr_t)(uintptr_t)m->offsets;
}

int binder_transaction(struct binder_thread *t, uint32_t handle,
		       const struct binder_msg *m)
{
	struct cmd_txn c;

	fill_txn(&c, BC_TRANSACTION, handle, m);
	return binder_write(t, &c, sizeof(c));
}

/*
 * The reply goes first: its data may live in the very buffer being freed,
 * and a TF_CLEAR_BUF buffer is zeroed as soon as it is freed.
 */
int binder_reply(struct binder_thread *t, const struct binder_msg *m,
		 binder_uintptr_t free_after)
{
	struct cmd_reply_free c;

	fill_txn(&c.reply, BC_REPLY, 0, m);
	c.free.cmd = BC_FREE_BUFFER;
	c.free.buffer = free_after;
	return binder_write(t, &c, free_after ? sizeof(c) : sizeof(c.reply));
}

/* Reference counting requests on nodes we own: acknowledge, keep nothing. */
static int ack_ref(struct binder_thread *t, uint32_t cmd,
		   const struct binder_ptr_cookie *pc)
{
	struct cmd_ptr_cookie c = { 0, *pc };

	if (cmd == BR_INCREFS)
		c.cmd = BC_INCREFS_DONE;
	else if (cmd == BR_ACQUIRE)
		c.cmd = BC_ACQUIRE_DONE;
	else
		return 0;	/* BR_RELEASE, BR_DECREFS: nothing to do */
	return binder_write(t, &c, sizeof(c));
}

/*
 * Decode the next command of the stream into @ev. Returns 1 when @ev holds
 * one for the caller, 0 when the command was handled here, -errno on error.
 */
static int decode_one(struct binder_thread *t, struct binder_event *ev)
{
	const uint8_t *p = t->in + t->pos;
	size_t avail = t->len - t->pos;
	uint32_t cmd;
	size_t size;

	if (avail < sizeof(cmd))
		goto truncated;
	memcpy(&cmd, p, sizeof(cmd));
	size = _IOC_SIZE(cmd);
	if (avail < sizeof(cmd) + size)
		goto truncated;
	p += sizeof(cmd);
	t->pos += sizeof(cmd) + size;

	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	switch (cmd) {
	case BR_NOOP:
		t->noops++;
		return 0;
	case BR_SPAWN_LOOPER:
		t->spawn_loopers++;
		return 0;
	case BR_INCREFS:
	case BR_ACQUIRE:
	case BR_RELEASE:
	case BR_DECREFS: {
		struct binder_ptr_cookie pc;

		memcpy(&pc, p, sizeof(pc));
		return ack_ref(t, cmd, &pc);
	}
	case BR_ERROR:
		memcpy(&ev->error, p, sizeof(ev->error));
		return 1;
	case BR_TRANSACTION:
	case BR_TRANSACTION_SEC_CTX:
	case BR_REPLY:
		memcpy(&ev->tr, p, sizeof(ev->tr));
		return 1;
	default:
		return 1;
	}

truncated:
	fprintf(stderr, "# binder: %s: truncated command at %zu of %zu\n",
		t->b->path, t->pos, t->len);
	t->pos = t->len;
	return -EPROTO;
}

static int wait_readable(struct binder_thread *t, int timeout_ms)
{
	struct pollfd pfd = { .fd = t->b->fd, .events = POLLIN };
	int n;

	do {
		n = poll(&pfd, 1, timeout_ms);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return report("poll", t->b->path, errno);
	return n;
}

/**
 * binder_read() - next BR_ command for this thread
 * @t: the reading thread
 * @ev: receives the command
 * @timeout_ms: how long to wait for one; negative waits forever
 *
 * BR_NOOP and BR_SPAWN_LOOPER are counted, node reference requests are
 * acknowledged; everything else is returned.
 *
 * Return: 1 with @ev filled, 0 on timeout, -errno on error.
 */
int binder_read(struct binder_thread *t, struct binder_event *ev,
		int timeout_ms)
{
	bool flush = t->out_len > 0;
	int ret;

	for (;;) {
		while (t->pos < t->len) {
			ret = decode_one(t, ev);
			if (ret)
				return ret;
		}
		/* queued commands go first: they may be what others wait for */
		if (!flush) {
			ret = wait_readable(t, timeout_ms);
			if (ret <= 0)
				return ret;
		}
		flush = false;
		ret = talk(t, true);
		if (ret)
			return ret;
	}
}

/* Does @cmd end a transaction sent by this thread? */
bool binder_is_final(uint32_t cmd, bool oneway)
{
	switch (cmd) {
	case BR_REPLY:
	case BR_FAILED_REPLY:
	case BR_DEAD_REPLY:
	case BR_FROZEN_REPLY:
	case BR_ERROR:
		return true;
	case BR_TRANSACTION_COMPLETE:
	case BR_ONEWAY_SPAM_SUSPECT:
	case BR_TRANSACTION_PENDING_FROZEN:
		return oneway;
	default:
		return false;
	}
}

/* The monotonic clock in milliseconds, for timeouts. */
long binder_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Sleep @ms milliseconds, through signals. */
void binder_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Why did the driver fail our last transaction? (errno, e.g. -ENOSPC) */
static int32_t last_error(struct binder *b)
{
	struct binder_extended_error ee = { 0 };

	if (ioctl(b->fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0)
		return 0;
	return ee.param;
}

/**
 * binder_call() - send a transaction and wait for its outcome
 * @t: the sending thread; it must not be in the middle of serving one
 * @handle: target handle, 0 for the context manager
 * @m: the transaction
 * @result: receives the final command: BR_REPLY (free result->tr's buffer
 *	when done with it), BR_TRANSACTION_COMPLETE or BR_ONEWAY_SPAM_SUSPECT
 *	for a oneway, or a failure (BR_FAILED_REPLY, BR_DEAD_REPLY ...) with
 *	the driver's errno in result->error where it gives one
 * @timeout_ms: limit for the whole call; negative waits forever
 *
 * Return: 0 with @result filled, -ETIMEDOUT, or another -errno.
 */
int binder_call(struct binder_thread *t, uint32_t handle,
		const struct binder_msg *m, struct binder_event *result,
		int timeout_ms)
{
	bool oneway = m->flags & TF_ONE_WAY;
	long deadline = binder_now_ms() + timeout_ms;
	int ret, left = timeout_ms;

	ret = binder_transaction(t, handle, m);
	if (ret)
		return ret;
	for (;;) {
		ret = binder_read(t, result, left);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return -ETIMEDOUT;
		if (binder_is_final(result->cmd, oneway))
			break;
		if (result->cmd != BR_TRANSACTION_COMPLETE) {
			fprintf(stderr, "# binder: %s: unexpected %s during a call\n",
				t->b->path, binder_cmd_name(result->cmd));
			return -EPROTO;
		}
		if (timeout_ms >= 0) {
			left = deadline - binder_now_ms();
			if (left < 0)
				left = 0;
		}
	}
	if (result->cmd == BR_FAILED_REPLY || result->cmd == BR_DEAD_REPLY ||
	    result->cmd == BR_FROZEN_REPLY)
		result->error = last_error(t->b);
	return 0;
}

/* Every command this library sends or understands, by name. */
#define CMD_NAME(c) { c, #c }
static const struct {
	uint32_t cmd;
	const char *name;
} cmd_names[] = {
	CMD_NAME(BR_ERROR),
	CMD_NAME(BR_OK),
	CMD_NAME(BR_TRANSACTION_SEC_CTX),
	CMD_NAME(BR_TRANSACTION),
	CMD_NAME(BR_REPLY),
	CMD_NAME(BR_ACQUIRE_RESULT),
	CMD_NAME(BR_DEAD_REPLY),
	CMD_NAME(BR_TRANSACTION_COMPLETE),
	CMD_NAME(BR_INCREFS),
	CMD_NAME(BR_ACQUIRE),
	CMD_NAME(BR_RELEASE),
	CMD_NAME(BR_DECREFS),
	CMD_NAME(BR_ATTEMPT_ACQUIRE),
	CMD_NAME(BR_NOOP),
	CMD_NAME(BR_SPAWN_LOOPER),
	CMD_NAME(BR_FINISHED),
	CMD_NAME(BR_DEAD_BINDER),
	CMD_NAME(BR_CLEAR_DEATH_NOTIFICATION_DONE),
	CMD_NAME(BR_FAILED_REPLY),
	CMD_NAME(BR_FROZEN_REPLY),
	CMD_NAME(BR_ONEWAY_SPAM_SUSPECT),
	CMD_NAME(BR_TRANSACTION_PENDING_FROZEN),
	CMD_NAME(BC_TRANSACTION),
	CMD_NAME(BC_REPLY),
	CMD_NAME(BC_FREE_BUFFER),
	CMD_NAME(BC_INCREFS_DONE),
	CMD_NAME(BC_ACQUIRE_DONE),
	CMD_NAME(BC_REGISTER_LOOPER),
	CMD_NAME(BC_ENTER_LOOPER),
	CMD_NAME(BC_EXIT_LOOPER),
};

#undef CMD_NAME

const char *binder_cmd_name(uint32_t cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmd_names); i++)
		if (cmd_names[i].cmd == cmd)
			return cmd_names[i].name;
	return "unknown command";
}
