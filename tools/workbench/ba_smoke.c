// SPDX-License-Identifier: GPL-2.0
/*
 * ba_smoke: a small binder workload for `make run`, until the full demo
 * (tools/bench/binder_demo) exists. A server process becomes context
 * manager of a fresh binderfs device; the client sends it transactions of
 * 0 B to 1 MiB and checks each reply. Then the shrinker is asked to reclaim
 * the server's idle pages, and the allocator's page counts are printed
 * before and after, from binder's and the shrinker's debugfs files.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/android/binder.h>
#include <linux/android/binderfs.h>

#define MAP_SIZE	(4 << 20)
#define QUIT_CODE	0xdead

static const size_t sizes[] = { 0, 8, 100, 4096, 5000, 65536, 300000, 1 << 20 };
static char path[64];

static void die(const char *what)
{
	fprintf(stderr, "ba_smoke: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_binder(void)
{
	struct binder_version v;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(path);
	if (mmap(NULL, MAP_SIZE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED)
		die("mmap");
	if (ioctl(fd, BINDER_VERSION, &v) < 0)
		die("BINDER_VERSION");
	if (v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
		errno = EPROTO, die("protocol version");
	return fd;
}

static void write_read(int fd, void *wbuf, size_t wsize, void *rbuf, size_t rsize,
		       size_t *consumed)
{
	struct binder_write_read bwr = {
		.write_buffer = (uintptr_t)wbuf, .write_size = wsize,
		.read_buffer = (uintptr_t)rbuf, .read_size = rsize,
	};

	if (ioctl(fd, BINDER_WRITE_READ, &bwr) < 0)
		die("BINDER_WRITE_READ");
	*consumed = bwr.read_consumed;
}

/* Read until one of @want arrives; return it with its transaction data. */
static uint32_t wait_for(int fd, uint32_t want1, uint32_t want2,
			 struct binder_transaction_data *tr)
{
	uint32_t buf[128];
	size_t n, pos;

	for (;;) {
		write_read(fd, NULL, 0, buf, sizeof(buf), &n);
		for (pos = 0; pos < n;) {
			uint32_t cmd = *(uint32_t *)((char *)buf + pos);

			pos += sizeof(cmd);
			if (cmd == BR_TRANSACTION || cmd == BR_REPLY)
				memcpy(tr, (char *)buf + pos, sizeof(*tr));
			if (cmd == BR_FAILED_REPLY || cmd == BR_DEAD_REPLY)
				errno = EIO, die("transaction failed");
			pos += _IOC_SIZE(cmd);
			if (cmd == want1 || cmd == want2)
				return cmd;
		}
	}
}

static void free_buffer(int fd, binder_uintptr_t buffer)
{
	struct {
		uint32_t cmd;
		binder_uintptr_t buffer;
	} __attribute__((packed)) w = { BC_FREE_BUFFER, buffer };
	size_t n;

	write_read(fd, &w, sizeof(w), NULL, 0, &n);
}

/* BC_TRANSACTION to the context manager, or BC_REPLY */
static void send(int fd, uint32_t bc, uint32_t code, const void *data, size_t size)
{
	struct {
		uint32_t cmd;
		struct binder_transaction_data tr;
	} __attribute__((packed)) w = {
		.cmd = bc,
		.tr = { .code = code, .data_size = size,
			.data.ptr.buffer = (uintptr_t)data },
	};
	size_t n;

	write_read(fd, &w, sizeof(w), NULL, 0, &n);
}

static int serve(int ready)
{
	struct binder_transaction_data tr;
	uint32_t looper = BC_ENTER_LOOPER, sum;
	int fd = open_binder();
	size_t n, i;

	if (ioctl(fd, BINDER_SET_CONTEXT_MGR, 0) < 0)
		die("BINDER_SET_CONTEXT_MGR");
	write_read(fd, &looper, sizeof(looper), NULL, 0, &n);
	if (write(ready, "x", 1) != 1)
		die("ready pipe");
	do {
		const unsigned char *p;

		wait_for(fd, BR_TRANSACTION, BR_TRANSACTION, &tr);
		p = (const void *)(uintptr_t)tr.data.ptr.buffer;
		for (sum = 0, i = 0; i < tr.data_size; i++)
			sum += p[i];
		free_buffer(fd, tr.data.ptr.buffer);
		send(fd, BC_REPLY, 0, &sum, sizeof(sum));
		wait_for(fd, BR_TRANSACTION_COMPLETE, BR_TRANSACTION_COMPLETE, &tr);
	} while (tr.code != QUIT_CODE);
	return 0;
}

/* print the lines of @file that contain one of @words (all if none given) */
static void show(const char *file, const char *const *words)
{
	char line[256];
	FILE *f = fopen(file, "r");
	int i;

	if (!f) {
		printf("  (no %s)\n", file);
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (i = 0; !words || words[i]; i++)
			if (!words || strstr(line, words[i])) {
				printf("  %s: %s", file, line);
				break;
			}
	fclose(f);
}

/* binder's per-process page counts, and what the shrinker can reclaim */
static void show_allocator(void)
{
	static const char *const words[] = { "proc ", "pages", NULL };
	glob_t g;
	size_t i;

	show("/sys/kernel/debug/binder/stats", words);
	if (glob("/sys/kernel/debug/shrinker/android-binder*/count", 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc; i++)
			show(g.gl_pathv[i], NULL);
		globfree(&g);
	}
	printf("  (an empty shrinker count means nothing to reclaim)\n");
}

static void reclaim(void)
{
	glob_t g;
	size_t i;

	if (glob("/sys/kernel/debug/shrinker/android-binder*/scan", 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "w");

		if (f) {
			fputs("0 0 100000\n", f);	/* memcg ino, node, pages */
			fclose(f);
		}
	}
	globfree(&g);
}

int main(void)
{
	struct binderfs_device dev = { .name = "ba-smoke" };
	struct binder_transaction_data tr;
	unsigned long long bytes = 0;
	unsigned int count = 0;
	int ctl, fd, ready[2], status;
	unsigned char *data;
	char c;
	pid_t server;
	size_t i, j;

	ctl = open("/dev/binderfs/binder-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0 || ioctl(ctl, BINDER_CTL_ADD, &dev) < 0)
		die("binderfs binder-control");
	snprintf(path, sizeof(path), "/dev/binderfs/%s", dev.name);
	if (pipe(ready) < 0)
		die("pipe");
	server = fork();
	if (server < 0)
		die("fork");
	if (server == 0)
		return serve(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		die("server did not start");

	fd = open_binder();
	data = malloc(1 << 20);
	for (i = 0; i < (1 << 20); i++)
		data[i] = i * 7;
	for (j = 0; j < 3; j++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint32_t sum = 0, want = 0;
			size_t k;

			for (k = 0; k < sizes[i]; k++)
				want += data[k];
			send(fd, BC_TRANSACTION, 1, data, sizes[i]);
			wait_for(fd, BR_REPLY, BR_REPLY, &tr);
			memcpy(&sum, (void *)(uintptr_t)tr.data.ptr.buffer, sizeof(sum));
			free_buffer(fd, tr.data.ptr.buffer);
			if (sum != want) {
				fprintf(stderr, "ba_smoke: %zu-byte transaction: checksum %u, want %u\n",
					sizes[i], sum, want);
				return 1;
			}
			count++;
			bytes += sizes[i];
		}
	}
	printf("ba_smoke: %u transactions, %llu bytes, all replies checked\n", count, bytes);
	printf("ba_smoke: allocator before reclaim:\n");
	show_allocator();
	reclaim();
	printf("ba_smoke: after a shrinker scan:\n");
	show_allocator();

	send(fd, BC_TRANSACTION, QUIT_CODE, NULL, 0);
	wait_for(fd, BR_REPLY, BR_REPLY, &tr);
	if (waitpid(server, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		errno = ECHILD, die("server");
	return 0;
}
