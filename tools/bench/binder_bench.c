// SPDX-License-Identifier: GPL-2.0
/*
 * binder_bench - binder's buffer allocator measured from userspace.
 *
 * "make bench" boots the same program on a kernel with the stock 6.12
 * allocator and on one with ours (same config, same QEMU), and
 * tools/bench/bench_table.py puts the two logs side by side. Every
 * measurement is repeated (--repeat) so that the table can show spread.
 *
 *   install.*  fresh-page installation: the server holds every buffer of a
 *              round, and a shrinker scan empties the LRU before it, so
 *              every transaction lands on pages never installed: one
 *              sender; several senders; one sender while threads of the
 *              server churn mmap/munmap (stock takes the server's
 *              mmap_lock for write for every page it installs)
 *   fill.*     the same transactions into installed pages, for reference
 *   rt.*       steady-state round trips, pages installed: 0 B and 4 KiB,
 *              throughput and p50/p99 latency
 *   reclaim.*  the shrinker's debugfs scan: pages/s with and without churn
 *              in the owning process, pages it skips, pages left behind
 *              after munmap and a new mapping at the same address
 *   mem.*      allocator metadata per binder fd for 1 and 4 MiB mappings
 *              at 0, 25 and 100 % of pages installed: computed from the
 *              running allocator's structures, and measured from the slab
 *              counters (see slab_settle())
 *   lock.*     the target's mmap_lock traffic per installed page
 *   target.*   the target's own mmap+touch+munmap latency, idle and while
 *              senders install into it
 *   pressure.* installs and round trips while the guest reclaims, and
 *              what reclaim did meanwhile
 * One file a group (bench_<group>.c; see bench.h); this one has the
 * options, the environment and main().
 *
 * Output on stdout, for bench_table.py:
 *   INFO <name> <value>
 *   BENCH <key> <unit> <higher|lower|none> <value per repetition>...
 *              (none: a count to read beside the others, not a ratio)
 *   # comments for humans
 *
 * Each scenario runs on a binderfs device of its own: a server process
 * (context manager, looper threads, optional churn threads) and sender
 * processes, driven by the parent through a shared control block. Threads
 * are pinned to CPUs (see cpu_main()). Needs root, binderfs at
 * /dev/binderfs (mounted if missing), debugfs with CONFIG_SHRINKER_DEBUG,
 * and for mem.* CONFIG_SLUB_DEBUG (/proc/slabinfo).
 *
 *   binder_bench --label=NAME [--repeat=N] [--quick] [--only=GROUPS] ...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"
#include "binder_debugfs.h"

struct options opt;
unsigned long bench_page;
struct bench_shm *shm;
long *probe_ns;
int ncpus;
long failures;

static const struct options defaults = {
	.label = "unlabelled",
	.repeat = 9,
	.rounds = 5,
	.round_trips = 1000,
	.allocs = 32,
	.senders = 4,
	.churners = 3,
	.install_size = 128 * KiB,
	.pin = true,
	.groups = GROUP_ALL,
};

/* ---- the environment ---- */

/* Ours prints reclaim counters in binder/stats; stock does not. */
static enum allocator detect_allocator(void)
{
	enum allocator a = ALLOC_UNKNOWN;
	struct binder_proc_stats st;
	struct binder b;

	if (!device_create() || binder_open(&b, shm->path, 0))
		return ALLOC_UNKNOWN;
	if (binder_stats_find(getpid(), device_name(), &st) == 1)
		a = binder_stats_show_ours(&st) ? ALLOC_OURS : ALLOC_STOCK;
	binder_close(&b);
	device_remove();
	return a;
}

static void cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(buf, size, "%s", strchr(line, ':') + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static void print_environment(void)
{
	static const char *const names[] = { "unknown", "stock", "ours" };
	char clocksource[64], model[128];
	struct utsname u;

	uname(&u);
	read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			clocksource, sizeof(clocksource));
	cpu_model(model, sizeof(model));
	printf("# binder_bench %s: Linux %s, %s allocator, %ld CPUs (%s), clocksource %s\n",
	       opt.label, u.release, names[opt.allocator],
	       sysconf(_SC_NPROCESSORS_ONLN), model, clocksource);
	printf("INFO label %s\n", opt.label);
	printf("INFO kernel %s\n", u.release);
	printf("INFO allocator %s\n", names[opt.allocator]);
	printf("INFO cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	printf("INFO cpu_model %s\n", model);
	printf("INFO clocksource %s\n", clocksource);
	printf("INFO repeat %d\n", opt.repeat);
	printf("INFO senders %d\n", opt.senders);
	printf("INFO churners %d\n", opt.churners);
	printf("INFO install_kib %zu\n", opt.install_size / KiB);
	printf("INFO pinned %s\n", opt.pin ? "yes" : "no");
	if (strstr(clocksource, "jiffies"))
		printf("# WARNING: clocksource %s: timings are in 1/HZ steps\n",
		       clocksource);
	fflush(stdout);
}

/* ---- options ---- */

/* The groups in the order of enum group. */
static const char *const group_names[] = {
	"install", "rt", "reclaim", "mem", "lock", "target", "pressure",
};

static void (*const benches[])(void) = {
	bench_install, bench_rt, bench_reclaim, bench_mem, bench_lock,
	bench_target, bench_pressure,
};

static bool set_label(const char *arg)
{
	opt.label = arg;
	return true;
}

static bool set_groups(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	size_t i;

	opt.groups = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(group_names) && strcmp(tok, group_names[i]); i++)
			;
		if (i == ARRAY_SIZE(group_names)) {
			fprintf(stderr, "binder_bench: --only: no group %s\n", tok);
			exit(2);
		}
		opt.groups |= 1U << i;
	}
	free(copy);
	return opt.groups != 0;
}

static bool set_quick(const char *unused)
{
	(void)unused;
	opt.repeat = 3;
	opt.rounds = 3;
	opt.round_trips = 500;
	opt.allocs = 16;
	return true;
}

static bool set_install_kib(const char *arg)
{
	char *end;
	long kib = strtol(arg, &end, 10);

	opt.install_size = kib * KiB;
	return !*end && kib >= 4 && kib <= 1024 && opt.install_size % PAGE == 0;
}

static bool set_allocator(const char *arg)
{
	opt.allocator = !strcmp(arg, "stock") ? ALLOC_STOCK :
			!strcmp(arg, "ours") ? ALLOC_OURS : ALLOC_UNKNOWN;
	return opt.allocator != ALLOC_UNKNOWN;
}

static bool set_no_pin(const char *unused)
{
	(void)unused;
	opt.pin = false;
	return true;
}

static bool set_verbose(const char *unused)
{
	(void)unused;
	opt.verbose = true;
	return true;
}

/*
 * One row an option: a number with @value and its bounds (its default,
 * from defaults, shown in the usage), or a @set that takes the argument
 * (NULL for a flag) and says whether it is good.
 */
struct option_row {
	const char *name;
	const char *arg;	/* the argument's name in the usage; NULL: a flag */
	const char *help;
	int *value;
	int min, max;
	bool (*set)(const char *arg);
};

static const struct option_row options[] = {
	{ "label", "NAME", "names the run in its INFO lines", .set = set_label },
	{ "repeat", "N", "repetitions of every measurement",
	  .value = &opt.repeat, .min = 1, .max = 64 },
	{ "quick", NULL, "3 repetitions, shorter rounds: a smoke test",
	  .set = set_quick },
	{ "only", "GROUPS", "comma list of install,rt,reclaim,mem,lock,target,\n"
	  "                    pressure (all)", .set = set_groups },
	{ "senders", "N", "concurrent senders for install.fresh.senders",
	  .value = &opt.senders, .min = 1, .max = MAX_SENDERS },
	{ "churners", "N", "mmap/munmap threads in the server",
	  .value = &opt.churners, .min = 1, .max = MAX_CHURNERS },
	{ "install-size", "K", "KiB per install transaction (128)",
	  .set = set_install_kib },
	{ "rounds", "N", "install rounds per repetition",
	  .value = &opt.rounds, .min = 1, .max = MAX_ROUNDS },
	{ "allocs", "N", "binder fds per memory measurement",
	  .value = &opt.allocs, .min = 1, .max = MAX_ALLOCS },
	{ "allocator", "stock|ours", "skip detection", .set = set_allocator },
	{ "no-pin", NULL, "let the scheduler place threads", .set = set_no_pin },
	{ "verbose", NULL, "a comment line per round", .set = set_verbose },
};

/* The default of a number option: its field in defaults. */
static int default_of(const int *value)
{
	return *(const int *)((const char *)&defaults +
			      ((const char *)value - (const char *)&opt));
}

static void usage(const char *prog)
{
	char left[40];
	size_t i;

	fprintf(stderr, "usage: %s --label=NAME [options]\n", prog);
	for (i = 0; i < ARRAY_SIZE(options); i++) {
		const struct option_row *o = &options[i];

		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? "=" : "",
			 o->arg ? o->arg : "");
		fprintf(stderr, "  %-17s %s", left, o->help);
		if (o->value)
			fprintf(stderr, " (%d)", default_of(o->value));
		fprintf(stderr, "\n");
	}
	exit(2);
}

static bool parse_int(const char *s, const struct option_row *o)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || end == s || v < o->min || v > o->max)
		return false;
	*o->value = v;
	return true;
}

/* One line on a bad value, and exit. */
static void bad_value(const struct option_row *o, const char *arg)
{
	if (o->value)
		fprintf(stderr, "binder_bench: --%s=%s: want a number from %d to %d\n",
			o->name, arg, o->min, o->max);
	else
		fprintf(stderr, "binder_bench: --%s=%s: not a good %s (see --help)\n",
			o->name, arg, o->arg);
	exit(2);
}

static void parse_options(int argc, char **argv)
{
	struct option longopts[ARRAY_SIZE(options) + 2] = { { 0 } };
	const struct option_row *o;
	int i, n = ARRAY_SIZE(options);

	for (i = 0; i < n; i++)
		longopts[i] = (struct option){
			options[i].name,
			options[i].arg ? required_argument : no_argument, NULL, i,
		};
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	while ((i = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (i < 0 || i >= n)	/* --help, or getopt_long() said why */
			usage(argv[0]);
		o = &options[i];
		if (!(o->value ? parse_int(optarg, o) : o->set(optarg)))
			bad_value(o, optarg);
	}
	if (optind != argc || !opt.groups ||
	    INSTALL_FILL / opt.install_size < (size_t)opt.senders)
		usage(argv[0]);
}

int main(int argc, char **argv)
{
	long start = now_ns();
	char clocksource[64];
	size_t i;

	bench_page = sysconf(_SC_PAGESIZE);
	opt = defaults;
	parse_options(argc, argv);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus < 2 || ncpus > CPU_SETSIZE)
		opt.pin = false;
	pin_to(cpu_main());
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	probe_ns = mmap(NULL, MAX_PROBES * sizeof(*probe_ns), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED || probe_ns == MAP_FAILED) {
		fprintf(stderr, "binder_bench: mmap of the control block: %s\n",
			strerror(errno));
		return 1;
	}
	if (!binder_debugfs_available() || !binder_shrinker_available()) {
		fprintf(stderr, "binder_bench: needs debugfs at /sys/kernel/debug with binder and CONFIG_SHRINKER_DEBUG\n");
		return 1;
	}
	if (opt.allocator == ALLOC_UNKNOWN)
		opt.allocator = detect_allocator();
	print_environment();
	if (opt.groups & GROUP_MEM)
		bench_mem_init();	/* long before measuring: see slab_settle() */

	for (i = 0; i < ARRAY_SIZE(benches); i++)
		if (opt.groups & (1U << i))
			benches[i]();

	/* tsc-early at boot becomes tsc; anything else would be news */
	read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			clocksource, sizeof(clocksource));
	printf("INFO clocksource %s\n", clocksource);
	printf("# binder_bench %s: done in %.1f s, %ld failures\n", opt.label,
	       (now_ns() - start) / 1e9, failures);
	return failures ? 1 : 0;
}
