#!/bin/bash
# bench.sh: boot the two bench kernels (built by bench.mk) in turn, stock
# then ours, BA_BENCH_ROUNDS times, each running binder_bench with
# BA_BENCH_ARGS; judge every boot; print the table of
# tools/bench/bench_table.py over all the boots of each kernel.
# Logs: $LOGS/bench-{stock,ours}-ROUND.log, each kernel's boots concatenated
# in bench-{stock,ours}.log, the table in bench-table.txt, the plot of
# tools/bench/bench_plot.py in bench-plot.png and bench-plot.svg (all by
# bench_report.sh); with BA_BENCH_CONFIG=debug (BA_BENCH_DIR=bench-debug)
# bench-debug-*.
set -e -o pipefail
. "$WB/bench_report.sh"
dir=${BA_BENCH_DIR:-bench}
rounds=$(bench_rounds)

# Kconfig of the two trees differs (ours adds the KUnit suite's symbol),
# the configs must not: the ratios would measure the difference.
configs() { grep '^CONFIG_' "$BUILD/$dir-$1/.config" | sort; }
if ! diff <(configs stock) <(configs ours) > "$LOGS/$dir-config.diff"; then
	echo "make bench: the stock and our kernels are not configured alike:" >&2
	cat "$LOGS/$dir-config.diff" >&2
	exit 1
fi

# judge LABEL ROUND LOG: the boot finished, binder_bench exited 0, no splat,
# the allocator found is the one meant
judge() {
	local what="the $1 kernel's boot $2 of $rounds" verdict found
	if ! verdict=$(python3 "$WB/verdict.py" --boot "$dir-$1-$2=$3"); then
		echo "$verdict" | grep -v '^== verdict' >&2
		echo "make bench: $what failed; read $3" >&2
		exit 1
	fi
	if ! grep -q '^BENCH ' "$3"; then
		echo "make bench: $what printed no BENCH line; read $3" >&2
		exit 1
	fi
	found=$(sed -n 's/^INFO allocator //p' "$3" | head -n 1)
	case $found in
	"$1") ;;
	stock|ours) echo "make bench: $what ran the $found allocator; read $3" >&2; exit 1 ;;
	*) echo "make bench: warning: binder_bench could not tell the allocator in $3" >&2 ;;
	esac
	# tsc-early is the TSC before its final calibration: just as fine
	if sed -n 's/^INFO clocksource //p' "$3" | grep -qv '^tsc'; then
		echo "make bench: warning: clocksource $(sed -n 's/^INFO clocksource //p' "$3" |
			sort -u | tr '\n' ' ')in $3: timings are coarse" >&2
	fi
}

params=("ba.label=stock")
for a in $BA_BENCH_ARGS; do params+=("ba.arg=$a"); done
echo "== bench (${BA_BENCH_CONFIG:-normal} config): $rounds round(s) of stock then ours; binder_bench ${BA_BENCH_ARGS:-(defaults)}; load $(cut -d' ' -f1-3 /proc/loadavg)"
bench_clear "$dir"
for round in $(seq "$rounds"); do
	for label in stock ours; do
		log=$LOGS/$dir-$label-$round.log
		params[0]=ba.label=$label
		"$WB/boot.sh" bench "$BUILD/$dir-$label/arch/x86/boot/bzImage" "$log" "${params[@]}"
		judge "$label" "$round" "$log"
	done
done

bench_report "$dir" "$rounds" \
	"${BA_BENCH_CONFIG:-normal} config; $rounds boot(s) of each kernel, alternately" ""
