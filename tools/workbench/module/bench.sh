#!/bin/bash
# bench.sh: make module-bench. binder_bench on Debian's kernel, Debian's
# own binder_linux.ko ("stock") against ours, BA_BENCH_ROUNDS alternate
# boots of each (stock first), each judged like a test boot; then the table
# of tools/bench/bench_table.py under a heading of its own, and the plot of
# tools/bench/bench_plot.py (both by bench_report.sh).
# Logs: $LOGS/module-bench-{stock,ours}-N.log, module-bench-{stock,ours}.log,
# the table in module-bench-table.txt, the plot in module-bench-plot.png
# and module-bench-plot.svg.
set -e -o pipefail
. "$WB/module/common.sh"
. "$WB/bench_report.sh"
rounds=$(bench_rounds)
"$WB/module/build.sh"
"$WB/module/image.sh"
"$WB/module/initrd.sh"

params=()
for a in $BA_BENCH_ARGS; do params+=("ba.arg=$a"); done
echo "== module bench: $rounds round(s) of Debian's binder_linux.ko then ours on $KVER; binder_bench ${BA_BENCH_ARGS:-(defaults)}"
bench_clear module-bench
for round in $(seq "$rounds"); do
	for label in stock ours; do
		which=$label
		[ $label = stock ] && which=debian
		log=$LOGS/module-bench-$label-$round.log
		"$WB/module/modboot.sh" module-bench "$which" "$log" loglevel=4 \
			ba.label=$label "${params[@]}"
		if ! verdict=$(python3 "$WB/verdict.py" --boot "module-bench-$label-$round=$log"); then
			echo "$verdict" | grep -v '^== verdict' >&2
			fail "make module-bench: boot $round of $rounds with the $which module failed; read $log"
		fi
		grep -q '^BENCH ' "$log" || fail "make module-bench: boot $round with the $which module printed no BENCH line; read $log"
		found=$(sed -n 's/^INFO allocator //p' "$log" | head -n 1)
		[ "$found" = "$label" ] || fail "make module-bench: the $which module's boot $round ran the ${found:-unknown} allocator; read $log"
	done
done
heading="binder_linux.ko on Debian's own kernel $KVER: Debian's module (stock) vs ours ($VERSION)
ours runs its mmap_lock fallback: lock_vma_under_rcu() is not exported to modules, so it installs pages
under mmap_lock for read (not the per-VMA lock) and its shrinker needs mmap_read_trylock(), as stock's does:
the churn rows do not show what make bench's built-in kernel does. No SHRINKER_DEBUG: a scan is
echo 2 > /proc/sys/vm/drop_caches, LRU pages are counted from binder/stats; stock's binder/stats shows
no pages for an fd without its mapping, so 'pages left after munmap+remap+scan' reads 0 for stock here"
bench_report module-bench "$rounds" "$rounds boot(s) of each module, alternately" "$heading" \
	--kernel "$KVER"
