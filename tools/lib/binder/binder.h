/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small userspace binder library speaking raw ioctls, for the binder_alloc
 * kselftests, the demo and the benchmark. Plain C, no dependencies: compile
 * binder.c into the program.
 *
 * One struct binder is one open binder device of this process (fd and
 * read-only buffer mapping), shared by its threads. Every thread that talks
 * to the driver owns a struct binder_thread: the driver keeps per-thread
 * state (transaction stack, replies) and a read can return several BR_
 * commands, which binder_read() hands out one at a time. The fd is opened
 * O_NONBLOCK and reads wait in poll(), so every wait can have a timeout.
 *
 * Functions return 0 (or a count) on success and -errno on failure. Every
 * failing ioctl is reported on stderr, with the command name and errno
 * string, as a '#' line so TAP output stays valid.
 */
#ifndef BINDER_LIB_H
#define BINDER_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/android/binder.h>
#include <linux/android/binderfs.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define BINDERFS_PATH		"/dev/binderfs"
#define BINDER_VM_MAX		(4UL << 20)	/* buffer space cap of binder_alloc */

struct binder {
	int fd;
	const void *map;	/* PROT_READ, MAP_PRIVATE, as libbinder maps it */
	size_t map_size;
	char path[128];
};

struct binder_thread {
	struct binder *b;
	size_t len;		/* bytes of BR_ stream in @in */
	size_t pos;		/* next unread byte */
	size_t out_len;		/* BC_ bytes in @out not taken by the driver yet */
	unsigned long noops;
	unsigned long spawn_loopers;
	/* 8-byte aligned, after six 8-byte members: binder.c checks that */
	uint8_t in[1024];
	uint8_t out[256];
};

/* One decoded BR_ command. */
struct binder_event {
	uint32_t cmd;
	int32_t error;		/* BR_ERROR value; errno of a failed transaction */
	struct binder_transaction_data tr;	/* BR_TRANSACTION, BR_REPLY */
};

/* An outgoing transaction or reply. */
struct binder_msg {
	uint32_t code;
	uint32_t flags;		/* TF_ONE_WAY, TF_CLEAR_BUF, TF_ACCEPT_FDS ... */
	const void *data;
	size_t size;
	const binder_size_t *offsets;
	size_t offsets_size;	/* in bytes, like the driver */
};

/*
 * binderfs devices; or, with BINDER_DEVICES_ENV set to a comma-separated
 * list of names (a kernel without binderfs, binder_linux devices=...), one
 * of the fixed nodes /dev/<name>, leased to one user at a time.
 */
#define BINDER_DEVICES_ENV	"BA_BINDER_DEVICES"
int binder_device_add(const char *name, char *path, size_t path_size);
int binder_device_remove(const char *path);
/* The device name binder's debugfs shows for a name given to binder_device_add(). */
const char *binder_device_context(const char *name);

/* open, map, close */
int binder_open(struct binder *b, const char *path, size_t map_size);
int binder_map(struct binder *b, size_t size);
int binder_unmap(struct binder *b);
void binder_close(struct binder *b);
int binder_become_context_manager(struct binder *b);
int binder_enable_oneway_spam_detection(struct binder *b, bool enable);
int binder_ioctl(struct binder *b, unsigned long cmd, const char *name, void *arg);

/*
 * BC_ commands, written at once; what the driver does not take yet (it
 * waits until the thread has read an error) goes with the next read.
 */
void binder_thread_init(struct binder_thread *t, struct binder *b);
int binder_write(struct binder_thread *t, const void *cmds, size_t size);
int binder_enter_looper(struct binder_thread *t);
int binder_register_looper(struct binder_thread *t);
int binder_free_buffer(struct binder_thread *t, binder_uintptr_t buffer);
int binder_free_buffer_deferred(struct binder_thread *t,
				binder_uintptr_t buffer);
int binder_transaction(struct binder_thread *t, uint32_t handle,
		       const struct binder_msg *m);
int binder_reply(struct binder_thread *t, const struct binder_msg *m,
		 binder_uintptr_t free_after);

/* The monotonic clock in milliseconds; a sleep that signals do not cut short. */
long binder_now_ms(void);
void binder_sleep_ms(long ms);

/* BR_ commands */
int binder_read(struct binder_thread *t, struct binder_event *ev,
		int timeout_ms);
int binder_call(struct binder_thread *t, uint32_t handle,
		const struct binder_msg *m, struct binder_event *result,
		int timeout_ms);
bool binder_is_final(uint32_t cmd, bool oneway);
const char *binder_cmd_name(uint32_t cmd);

/* Where the driver put a received buffer, as a pointer into b->map. */
static inline const void *binder_event_data(const struct binder_event *ev)
{
	return (const void *)(uintptr_t)ev->tr.data.ptr.buffer;
}

#endif /* BINDER_LIB_H */
