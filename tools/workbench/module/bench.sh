#!/bin/bash
# bench.sh: make module-bench. binder_bench on Debian's kernel, Debian's
# own binder_linux.ko ("stock") against ours, BA_BENCH_ROUNDS alternate
# boots of each (stock first), each judged like a test boot; then the table
# of tools/bench/bench_table.py under a heading of its own.
# Logs: $LOGS/module-bench-{stock,ours}-N.log, module-bench-{stock,ours}.log,
# the table in module-bench-table.txt.
set -e -o pipefail
. "$WB/module/common.sh"
rounds=${BA_BENCH_ROUNDS:-2}
case $rounds in
''|*[!0-9]*|0) fail "make module-bench: BA_BENCH_ROUNDS=$rounds: want a number >= 1" ;;
esac
"$WB/module/build.sh"
"$WB/module/image.sh"
"$WB/module/initrd.sh"

params=()
for a in $BA_BENCH_ARGS; do params+=("ba.arg=$a"); done
echo "== module bench: $rounds round(s) of Debian's binder_linux.ko then ours on $KVER; binder_bench ${BA_BENCH_ARGS:-(defaults)}"
rm -f "$LOGS"/module-bench-{stock,ours}{,-[0-9]*}.log "$LOGS/module-bench-table.txt"
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
for label in stock ours; do
	for round in $(seq "$rounds"); do cat "$LOGS/module-bench-$label-$round.log"; done \
		> "$LOGS/module-bench-$label.log"
done
accel=TCG
[ "$BA_KVM" = 1 ] && accel=KVM
{
	echo "binder_linux.ko on Debian's own kernel $KVER: Debian's module (stock) vs ours ($VERSION)"
	echo "ours runs its mmap_lock fallback: lock_vma_under_rcu() is not exported to modules, so it installs pages"
	echo "under mmap_lock for read (not the per-VMA lock) and its shrinker needs mmap_read_trylock(), as stock's does:"
	echo "the churn rows do not show what make bench's built-in kernel does. No SHRINKER_DEBUG: a scan is"
	echo "echo 2 > /proc/sys/vm/drop_caches, LRU pages are counted from binder/stats; stock's binder/stats shows"
	echo "no pages for an fd without its mapping, so 'pages left after munmap+remap+scan' reads 0 for stock here"
	echo
	python3 "$REPO/tools/bench/bench_table.py" --qemu "$accel" --kernel "$KVER" \
		"$LOGS/module-bench-stock.log" "$LOGS/module-bench-ours.log"
	echo
	echo "qemu-system-x86_64 -accel ${accel,,} -smp 2 -m $BA_MEM; $rounds boot(s) of each module, alternately;" \
		"binder_bench ${BA_BENCH_ARGS:-(defaults)}; host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
	echo "logs: $LOGS/module-bench-stock.log, $LOGS/module-bench-ours.log"
} | tee "$LOGS/module-bench-table.txt"
