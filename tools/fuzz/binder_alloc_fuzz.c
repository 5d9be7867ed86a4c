// SPDX-License-Identifier: GPL-2.0
/*
 * binder_alloc_fuzz: a seeded multi-process binder fuzzer with oracles.
 *
 *   binder_alloc_fuzz [--seed=S] [--seeds=K] [--ops=N] [--procs=P]
 *                     [--seconds=T] [--replay=LIST] [--no-shrink]
 *                     [--shrink-seconds=T] [--trace]
 *
 * Runs K seeds (S, S+1, ...; or as many as fit in T seconds), each a fresh
 * set of P processes on a fresh binderfs device, N operations each (see
 * fuzz.h, fuzz_proc.c). One TAP result per seed. Oracles: what every
 * receiver reads is what was sent, every outcome is one the API allows for
 * that input (fuzz_proc.c), no process crashes or hangs, and after the
 * processes are gone: no binder proc of the run left in binder/stats, the
 * binder LRU and the allocator's global page count (debugfs
 * binder_alloc/pages, where the kernel has it) back at their values before
 * the run, and no splat in the kernel log.
 *
 * On a failure the run is shrunk: rerun, fresh processes each time, with
 * operations left out while the failure persists; the minimal list is
 * printed with the command that replays it (--replay=LIST, "P:I" or
 * "P:I-J" items, comma-separated: the operations of process P to run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binder_debugfs.h"
#include "binder_proc.h"
#include "fuzz.h"

#define PAGES_FILE	"/sys/kernel/debug/binder_alloc/pages"
#define SETTLE_MS	10000

const char *const fz_fail_names[FZ_FAIL_NR] = {
	[FZ_OK] = "ok", [FZ_FAIL_PAYLOAD] = "payload", [FZ_FAIL_ERRNO] = "errno",
	[FZ_FAIL_FAULT] = "fault", [FZ_FAIL_OVERLAP] = "overlap",
	[FZ_FAIL_HANG] = "hang", [FZ_FAIL_CRASH] = "crash",
	[FZ_FAIL_LEAK] = "leak", [FZ_FAIL_SPLAT] = "splat",
	[FZ_FAIL_SETUP] = "setup",
};

static struct {
	uint64_t seed;
	long seeds;
	long ops;
	int procs;
	long seconds;
	bool shrink;
	bool trace;
	bool stock;
	long shrink_seconds;
	char *replay;
} opt = { .seeds = 1, .ops = 200, .procs = 4, .shrink = true,
	  .shrink_seconds = 300 };

struct result {
	int fail;
	int fail_proc;
	long fail_op;
	char msg[FZ_MSG + 64];
	long last_op[FZ_MAX_PROCS];
	long ops, txns, replies, unreadable, failed_txns, dead_txns, frees;
	long reopens, forks, victims, scans, scan_freed, freezes, hogs;
	long reclaimed_stats, splats, quirks;
	long long bytes;
	long leaked;		/* pages not back after the run */
	bool pages_known;
	bool counted;		/* the pages file counts installs and reclaims */
	long installed, reclaimed;	/* from the pages file, if it counts them */
	double secs;
};

static void __attribute__((format(printf, 3, 4)))
set_fail(struct result *res, int kind, const char *fmt, ...)
{
	va_list ap;

	if (res->fail)
		return;
	res->fail = kind;
	res->fail_proc = -1;
	res->fail_op = -1;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
}

/* ---- the allocator's global page count (debugfs, where it exists) ---- */

struct pages {
	bool ok;
	long owned, lru, installed, reclaimed;
};

static struct pages read_pages(void)
{
	struct pages p = { 0 };
	char line[256], name[128];
	long v;
	FILE *f = fopen(PAGES_FILE, "re");

	if (!f)
		return p;
	p.installed = p.reclaimed = -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %127[^:]: %ld", name, &v) != 2)
			continue;
		if (!strcmp(name, "pages_owned"))
			p.owned = v, p.ok = true;
		else if (!strcmp(name, "pages_lru"))
			p.lru = v;
		else if (strstr(name, "install"))
			p.installed = v;
		else if (strstr(name, "reclaim"))
			p.reclaimed = v;
	}
	fclose(f);
	return p;
}

/* ---- the kernel log: splats of the run ---------------------------------- */

static const char *const splat_words[] = {
	"BUG: ", "WARNING: ", "Oops", "general protection fault",
	"Kernel panic", "UBSAN: ", "kernel BUG at", "INFO: task ",
	"rcu: INFO: ", "unreferenced object", "possible circular locking",
};

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Splat lines logged since kmsg_open(); the first into @out. */
static int kmsg_splat(int fd, char *out, size_t size)
{
	char rec[2048];
	int found = 0;
	ssize_t n;
	size_t i;

	if (fd < 0)
		return false;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		for (i = 0; i < ARRAY_SIZE(splat_words); i++) {
			char *msg = strchr(rec, ';');

			if (msg && strstr(msg, splat_words[i])) {
				msg[strcspn(msg, "\n")] = '\0';
				if (!found++)
					snprintf(out, size, "%s", msg + 1);
				break;
			}
		}
	}
	close(fd);
	return found;
}

/* ---- one run ------------------------------------------------------------- */

static pid_t spawn(struct fz_shared *sh, int idx)
{
	pid_t pid = binder_fork();

	if (pid)
		return pid;
	_exit(fz_proc_main(sh, idx));
}

static void sum(struct result *res, const struct fz_shared *sh)
{
	int i;

	for (i = 0; i < sh->procs; i++) {
		const struct fz_pub *p = &sh->pub[i];

		res->ops += p->ops;
		res->txns += p->txns + (i ? p->oneways : 0);
		if (i == 0)	/* what the server received: counted by the clients */
			res->txns -= p->txns;
		res->replies += p->replies;
		res->unreadable += p->unreadable;
		res->failed_txns += p->failed_txns;
		res->dead_txns += p->dead_txns;
		res->frees += p->frees;
		res->reopens += p->reopens;
		res->forks += p->forks;
		res->victims += p->victims;
		res->scans += p->scans;
		res->scan_freed += p->scan_freed;
		res->freezes += p->freezes;
		res->reclaimed_stats += p->reclaimed;
		res->quirks += p->quirks;
		res->hogs += p->hogs;
		res->bytes += p->checked_bytes;
		res->last_op[i] = p->last_op;
	}
}

static long run_counter;

/*
 * Run @procs processes of @ops operations each (those in @keep, if not
 * NULL: procs rows of (ops + 7) / 8 bytes) on seed @seed.
 */
static void run_once(uint64_t seed, long ops, int procs, const uint8_t *keep,
		     struct result *res)
{
	size_t size = fz_shared_size(procs, ops);
	long start = binder_now_ms(), deadline, abort_deadline = 0;
	pid_t pid[FZ_MAX_PROCS] = { 0 };
	int alive = 0, i, kmsg, st;
	struct fz_shared *sh;
	struct pages p0, p1;
	long lru0 = -1, lru1;
	char splat[512];
	bool stopped = false;

	memset(res, 0, sizeof(*res));
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		set_fail(res, FZ_FAIL_SETUP, "no memory for %zu shared bytes", size);
		return;
	}
	sh->seed = seed;
	sh->trace = opt.trace;
	sh->stock = opt.stock;
	sh->procs = procs;
	sh->ops = ops;
	if (keep) {
		sh->replay = 1;
		memcpy(sh->keep, keep, procs * ((ops + 7) / 8));
	}
	snprintf(sh->devname, sizeof(sh->devname), "fz-%d-%ld", getpid(), run_counter++);
	if (binder_device_add(sh->devname, sh->device, sizeof(sh->device))) {
		set_fail(res, FZ_FAIL_SETUP, "cannot create binder device %s", sh->devname);
		munmap(sh, size);
		return;
	}
	if (binder_shrinker_available())
		lru0 = binder_shrinker_count();
	p0 = read_pages();
	kmsg = kmsg_open();

	/* the server first: the clients' first calls must find it */
	pid[0] = spawn(sh, 0);
	alive = pid[0] > 0;
	for (i = 0; i < 1000 && !sh->pub[0].ready && !sh->abort; i++)
		binder_sleep_ms(10);
	for (i = 1; i < procs; i++) {
		pid[i] = spawn(sh, i);
		alive += pid[i] > 0;
	}
	/* calls time out after 30 s; a run gets a minute plus 0.5 s an op */
	deadline = start + 60000 + ops * 500;
	while (alive) {
		int clients = 0;
		pid_t w = waitpid(-1, &st, WNOHANG);

		for (i = 0; w > 0 && i < procs; i++) {
			if (pid[i] != w)
				continue;
			pid[i] = 0;
			alive--;
			/* killed by a peer's program: the next incarnation goes on */
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && sh->pub[i].killed &&
			    !sh->stop && !sh->abort) {
				sh->pub[i].killed = 0;
				sh->pub[i].resume = sh->pub[i].last_op + 1;
				sh->pub[i].incarnation++;
				pid[i] = spawn(sh, i);
				alive += pid[i] > 0;
				continue;
			}
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && sh->pub[i].killed)
				continue;
			if ((WIFSIGNALED(st) || WEXITSTATUS(st)) && !sh->pub[i].fail) {
				if (WIFSIGNALED(st))
					set_fail(res, FZ_FAIL_CRASH, "proc %d died of signal %d at op %ld",
						 i, WTERMSIG(st), sh->pub[i].last_op);
				else
					set_fail(res, FZ_FAIL_SETUP, "proc %d exited with %d",
						 i, WEXITSTATUS(st));
				sh->abort = 1;
			}
		}
		if (w > 0)
			continue;
		for (i = 1; i < procs; i++)
			clients += pid[i] > 0;
		if (!clients && !stopped) {
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
			stopped = true;
		}
		if (sh->abort && !abort_deadline)
			abort_deadline = binder_now_ms() + 40000;
		if (binder_now_ms() > deadline || (abort_deadline && binder_now_ms() > abort_deadline)) {
			if (!res->fail)
				set_fail(res, FZ_FAIL_HANG, "the run did not finish in %ld s",
					 (binder_now_ms() - start) / 1000);
			for (i = 0; i < procs; i++) {
				if (pid[i] > 0) {
					fprintf(stderr, "# proc %d (pid %d) still at op %ld: killed\n",
						i, pid[i], sh->pub[i].last_op);
					kill(pid[i], SIGKILL);
				}
			}
			deadline = abort_deadline = binder_now_ms() + 10000;
		}
		binder_sleep_ms(5);
	}
	sum(res, sh);
	for (i = 0; i < procs; i++) {
		if (sh->pub[i].fail && !res->fail) {
			res->fail = sh->pub[i].fail;
			res->fail_proc = i;
			res->fail_op = sh->pub[i].fail_op;
			snprintf(res->msg, sizeof(res->msg), "proc %d op %ld: %s", i,
				 sh->pub[i].fail_op, sh->pub[i].fail_msg);
		}
	}

	/* after the processes: the deferred release runs in a workqueue */
	deadline = binder_now_ms() + SETTLE_MS;
	while ((i = binder_stats_count_procs(sh->devname)) > 0 && binder_now_ms() < deadline)
		binder_sleep_ms(20);
	if (i > 0)
		set_fail(res, FZ_FAIL_LEAK, "%d binder procs of %s still in binder/stats after the run",
			 i, sh->devname);
	if (lru0 >= 0) {
		while ((lru1 = binder_shrinker_count()) > lru0 && binder_now_ms() < deadline)
			binder_sleep_ms(20);
		if (lru1 > lru0) {
			res->leaked += lru1 - lru0;
			set_fail(res, FZ_FAIL_LEAK, "binder LRU at %ld pages after the run, %ld before",
				 lru1, lru0);
		}
	}
	if (p0.ok) {
		res->pages_known = true;
		do {
			p1 = read_pages();
			if (p1.owned <= p0.owned && p1.lru <= p0.lru)
				break;
			binder_sleep_ms(20);
		} while (binder_now_ms() < deadline);
		if (p1.owned > p0.owned || p1.lru > p0.lru) {
			res->leaked += p1.owned - p0.owned;
			set_fail(res, FZ_FAIL_LEAK,
				 "allocator owns %ld pages (%ld on the LRU) after the run, %ld (%ld) before",
				 p1.owned, p1.lru, p0.owned, p0.lru);
		}
		res->counted = p0.installed >= 0 && p1.installed >= 0;
		if (p0.installed >= 0 && p1.installed >= 0)
			res->installed = p1.installed - p0.installed;
		if (p0.reclaimed >= 0 && p1.reclaimed >= 0)
			res->reclaimed = p1.reclaimed - p0.reclaimed;
	}
	binder_device_remove(sh->device);
	res->splats = kmsg_splat(kmsg, splat, sizeof(splat));
	if (res->splats) {
		if (res->fail != FZ_FAIL_SPLAT)
			fprintf(stderr, "# kernel: %s\n", splat);
		set_fail(res, FZ_FAIL_SPLAT, "kernel: %s", splat);
	}
	res->secs = (binder_now_ms() - start) / 1000.0;
	munmap(sh, size);
}

/* ---- operation lists ------------------------------------------------------ */

struct item {
	int proc;
	long op;
};

static size_t row_bytes(long ops)
{
	return (ops + 7) / 8;
}

static uint8_t *keep_of(const struct item *it, long n, long ops, int procs)
{
	uint8_t *keep = calloc(procs, row_bytes(ops));
	long i;

	for (i = 0; keep && i < n; i++)
		keep[it[i].proc * row_bytes(ops) + it[i].op / 8] |= 1 << (it[i].op % 8);
	return keep;
}

/* "P:I-J,..." of @it (sorted by proc then op) */
static char *list_of(const struct item *it, long n)
{
	size_t size = 64 + n * 24, len = 0;
	char *s = malloc(size);
	long i, j;

	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n; i = j + 1) {
		for (j = i; j + 1 < n && it[j + 1].proc == it[i].proc &&
		     it[j + 1].op == it[j].op + 1; j++)
			;
		if (j > i)
			len += snprintf(s + len, size - len, "%s%d:%ld-%ld", i ? "," : "",
					it[i].proc, it[i].op, it[j].op);
		else
			len += snprintf(s + len, size - len, "%s%d:%ld", i ? "," : "",
					it[i].proc, it[i].op);
	}
	return s;
}

static int parse_list(const char *list, int procs, long ops, uint8_t **keep)
{
	const char *s = list;
	char *end;
	long a, b;
	int p;

	*keep = calloc(procs, row_bytes(ops));
	if (!*keep)
		return -ENOMEM;
	while (*s) {
		p = strtol(s, &end, 10);
		if (end == s || *end != ':' || p < 0 || p >= procs)
			return -EINVAL;
		s = end + 1;
		a = b = strtol(s, &end, 10);
		if (end == s || a < 0)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return -EINVAL;
			s = end;
		}
		if (b >= ops)
			return -EINVAL;
		for (; a <= b; a++)
			(*keep)[p * row_bytes(ops) + a / 8] |= 1 << (a % 8);
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return 0;
}

/* The operations the failed run got to: to the failure, or where aborted. */
static struct item *items_of(const struct result *res, const uint8_t *keep,
			     long ops, int procs, long *n)
{
	struct item *it = calloc(procs * ops, sizeof(*it));
	long i, last;
	int p;

	*n = 0;
	for (p = 0; it && p < procs; p++) {
		last = res->fail_proc == p && res->fail_op >= 0 ? res->fail_op : res->last_op[p];
		if (last >= ops)
			last = ops - 1;
		for (i = 0; i <= last; i++) {
			if (keep && !(keep[p * row_bytes(ops) + i / 8] & (1 << (i % 8))))
				continue;
			it[*n].proc = p;
			it[*n].op = i;
			(*n)++;
		}
	}
	return it;
}

static void print_replay(uint64_t seed, const struct item *it, long n)
{
	char *list = it ? list_of(it, n) : NULL;

	printf("# replay: binder_alloc_fuzz --seed=%llu --procs=%d --ops=%ld%s%s\n",
	       (unsigned long long)seed, opt.procs, opt.ops, list ? " --replay=" : "",
	       list ? list : "");
	free(list);
}

static bool fails_alike(uint64_t seed, const struct item *it, long n, int kind,
			long *tries)
{
	uint8_t *keep = keep_of(it, n, opt.ops, opt.procs);
	struct result r;

	if (!keep)
		return false;
	(*tries)++;
	run_once(seed, opt.ops, opt.procs, keep, &r);
	free(keep);
	return r.fail == kind;
}

/* Drop operations while the failure persists (ddmin, budgeted). */
static void shrink(uint64_t seed, const struct result *res, const uint8_t *keep)
{
	long deadline = binder_now_ms() + opt.shrink_seconds * 1000, n, m, start, chunk;
	long tries = 0, parts = 2;
	struct item *it = items_of(res, keep, opt.ops, opt.procs, &n), *cand;
	bool reproduced = false;
	int i;

	if (!it)
		return;
	printf("# shrinking %ld operations (at most %ld s)\n", n, opt.shrink_seconds);
	fflush(stdout);
	for (i = 0; i < 3 && !reproduced; i++)
		reproduced = fails_alike(seed, it, n, res->fail, &tries);
	if (!reproduced) {
		printf("# the failure did not come back in 3 reruns of the same operations (a race?)\n");
		print_replay(seed, it, n);
		free(it);
		return;
	}
	cand = calloc(n, sizeof(*cand));
	while (cand && n > 1 && binder_now_ms() < deadline) {
		bool reduced = false;

		chunk = (n + parts - 1) / parts;
		for (start = 0; start < n && binder_now_ms() < deadline; start += chunk) {
			m = 0;
			for (i = 0; i < n; i++)
				if (i < start || i >= start + chunk)
					cand[m++] = it[i];
			if (m && fails_alike(seed, cand, m, res->fail, &tries)) {
				memcpy(it, cand, m * sizeof(*it));
				n = m;
				parts = parts > 2 ? parts - 1 : 2;
				reduced = true;
				break;
			}
		}
		if (!reduced) {
			if (parts >= n)
				break;
			parts = parts * 2 < n ? parts * 2 : n;
		}
	}
	printf("# shrunk to %ld operations in %ld reruns%s\n", n, tries,
	       binder_now_ms() >= deadline ? " (time budget spent)" : "");
	print_replay(seed, it, n);
	free(cand);
	free(it);
}

static bool binder_available(void)
{
	char name[64], path[128];

	snprintf(name, sizeof(name), "fz-probe-%d", getpid());
	if (binder_device_add(name, path, sizeof(path)))
		return false;
	binder_device_remove(path);
	return true;
}

/* Our allocator shows reclaim counters in binder/stats; stock does not. */
static bool allocator_is_stock(void)
{
	struct binder_proc_stats st;
	char name[64], path[128];
	struct binder b;
	int found = 0;

	snprintf(name, sizeof(name), "fz-probe-%d", getpid());
	if (binder_device_add(name, path, sizeof(path)))
		return false;
	if (!binder_open(&b, path, 64 * 1024)) {
		found = binder_stats_find(getpid(), name, &st);
		binder_close(&b);
	}
	binder_device_remove(path);
	return found == 1 && !binder_stats_show_ours(&st);
}

static double per(double n, double secs)
{
	return secs > 0 ? n / secs : 0;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
		"usage: binder_alloc_fuzz [--seed=S] [--seeds=K] [--ops=N] [--procs=P]\n"
		"                         [--seconds=T] [--replay=LIST] [--no-shrink]\n"
		"                         [--shrink-seconds=T] [--trace]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seeds", required_argument, NULL, 'k' },
		{ "ops", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 't' },
		{ "replay", required_argument, NULL, 'r' },
		{ "no-shrink", no_argument, NULL, 'S' },
		{ "shrink-seconds", required_argument, NULL, 'T' },
		{ "trace", no_argument, NULL, 'v' },
		{ "exec-child", required_argument, NULL, 'x' },
		{ "exec-device", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exec_child = NULL, *exec_device = NULL;
	struct result res, tot = { 0 };
	long start = binder_now_ms(), n, failed = 0, pages_skipped = 0, pages_failed = 0;
	uint8_t *keep = NULL;
	bool seeded = false, counted = true;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'k':
			opt.seeds = atol(optarg);
			break;
		case 'n':
			opt.ops = atol(optarg);
			break;
		case 'p':
			opt.procs = atoi(optarg);
			break;
		case 't':
			opt.seconds = atol(optarg);
			break;
		case 'r':
			opt.replay = optarg;
			break;
		case 'S':
			opt.shrink = false;
			break;
		case 'T':
			opt.shrink_seconds = atol(optarg);
			break;
		case 'v':
			opt.trace = true;
			break;
		case 'x':
			exec_child = optarg;
			break;
		case 'd':
			exec_device = optarg;
			break;
		default:
			usage();
		}
	}
	if (exec_child)		/* op_exec()'s new image */
		return fz_exec_child(exec_child, exec_device);
	if (optind < argc || opt.ops < 1 || opt.procs < 2 ||
	    opt.procs > FZ_MAX_PROCS || opt.seeds < 1)
		usage();
	if (!seeded)
		opt.seed = (uint64_t)time(NULL) % 1000000;
	if (opt.replay && parse_list(opt.replay, opt.procs, opt.ops, &keep)) {
		fprintf(stderr, "binder_alloc_fuzz: bad --replay list %s\n", opt.replay);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	printf("TAP version 13\n");
	if (!binder_available()) {
		printf("1..1\nok 1 binder_alloc_fuzz # SKIP cannot create a binder device\n");
		return 0;
	}
	opt.stock = allocator_is_stock();
	if (!opt.seconds)
		printf("1..%ld\n", opt.seeds + 1);
	if (opt.stock)
		printf("# the stock allocator: -ENOMEM into a VMA split by mprotect/madvise is its known failure, counted\n");
	printf("# binder_alloc_fuzz: seed %llu, %ld seed(s)%s, %d processes, %ld operations each%s\n",
	       (unsigned long long)opt.seed, opt.seeds, opt.seconds ? " at most" : "",
	       opt.procs, opt.ops, opt.replay ? ", replaying a list" : "");
	if (opt.seconds)
		printf("# for %ld s\n", opt.seconds);
	if (!binder_debugfs_available() || !binder_shrinker_available())
		printf("# no binder debugfs or shrinker debugfs: the LRU and proc oracles are off\n");

	for (n = 0; n < opt.seeds; n++) {
		uint64_t seed = opt.seed + n;

		if (opt.seconds && (binder_now_ms() - start) / 1000 >= opt.seconds)
			break;
		run_once(seed, opt.ops, opt.procs, keep, &res);
		tot.ops += res.ops;
		tot.txns += res.txns;
		tot.replies += res.replies;
		tot.unreadable += res.unreadable;
		tot.failed_txns += res.failed_txns;
		tot.dead_txns += res.dead_txns;
		tot.reopens += res.reopens;
		tot.forks += res.forks;
		tot.victims += res.victims;
		tot.scans += res.scans;
		tot.scan_freed += res.scan_freed;
		tot.bytes += res.bytes;
		tot.leaked += res.leaked;
		tot.installed += res.installed;
		tot.reclaimed += res.reclaimed;
		tot.reclaimed_stats += res.reclaimed_stats;
		tot.splats += res.splats;
		tot.quirks += res.quirks;
		tot.secs += res.secs;
		counted &= res.counted;
		if (res.pages_known)
			pages_failed += res.leaked > 0;
		else
			pages_skipped++;
		printf("# seed %llu: %ld ops (%.1f/s per process) in %.1f s: %ld transactions"
		       " (%ld failed, %ld dead), %ld replies, %lld bytes checked, %ld unreadable,"
		       " %ld reopens, %ld forks, %ld kills, %ld scans, %ld freezes, %ld hogs\n",
		       (unsigned long long)seed, res.ops, per(res.ops, res.secs) / opt.procs, res.secs,
		       res.txns, res.failed_txns, res.dead_txns, res.replies, res.bytes,
		       res.unreadable, res.reopens, res.forks, res.victims, res.scans,
		       res.freezes, res.hogs);
		if (!res.fail) {
			printf("ok %ld seed %llu\n", n + 1, (unsigned long long)seed);
			continue;
		}
		failed++;
		printf("# FAILED seed %llu: %s: %s\n", (unsigned long long)seed,
		       fz_fail_names[res.fail], res.msg);
		print_replay(seed, NULL, 0);
		if (opt.shrink && res.fail != FZ_FAIL_SETUP)
			shrink(seed, &res, keep);
		printf("not ok %ld seed %llu: %s: %s\n", n + 1, (unsigned long long)seed,
		       fz_fail_names[res.fail], res.msg);
	}
	if (pages_skipped)
		printf("ok %ld allocator page count back after every run # SKIP no %s\n",
		       n + 1, PAGES_FILE);
	else
		printf("%sok %ld allocator page count back after every run\n",
		       pages_failed ? "not " : "", n + 1);
	printf("# binder_alloc_fuzz: %ld seeds, %ld failed; %ld ops in %.0f s (%.1f ops/s, %.1f per process),"
	       " %ld transactions (%.1f/s), %lld bytes checked\n",
	       n, failed, tot.ops, tot.secs, per(tot.ops, tot.secs), per(tot.ops, tot.secs) / opt.procs,
	       tot.txns, per(tot.txns, tot.secs), tot.bytes);
	if (opt.stock)
		printf("# binder_alloc_fuzz: stock: %ld transactions failed -ENOMEM into a split VMA\n",
		       tot.quirks);
	printf("# binder_alloc_fuzz: %.1f ops/s, %.1f transactions/s, pages installed %s, reclaimed %.1f/s;"
	       " %ld splats, %ld leaked pages\n",
	       per(tot.ops, tot.secs), per(tot.txns, tot.secs),
	       counted && !pages_skipped ? "counted below" : "n/a (no counter)",
	       per(counted && !pages_skipped ? tot.reclaimed :
		   tot.reclaimed_stats ? tot.reclaimed_stats : tot.scan_freed, tot.secs),
	       tot.splats, tot.leaked);
	if (pages_skipped || !counted)
		printf("# binder_alloc_fuzz: pages installed n/a, reclaimed %ld (binder/stats of our allocator),"
		       " LRU drops around scans %ld (%.1f/s), leaked %ld\n",
		       tot.reclaimed_stats, tot.scan_freed, per(tot.scan_freed, tot.secs), tot.leaked);
	else
		printf("# binder_alloc_fuzz: pages installed %ld (%.1f/s), reclaimed %ld (%.1f/s), %ld by scans, leaked %ld\n",
		       tot.installed, per(tot.installed, tot.secs), tot.reclaimed,
		       per(tot.reclaimed, tot.secs), tot.scan_freed, tot.leaked);
	free(keep);
	return failed || pages_failed ? 1 : 0;
}
