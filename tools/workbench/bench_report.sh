# bench_report.sh: what make bench (bench.sh) and make module-bench
# (module/bench.sh) do with their boots' logs, sourced by both. NAME is the
# logs' prefix in $LOGS: NAME-{stock,ours}-N.log, one a boot.

# bench_rounds: BA_BENCH_ROUNDS (default 2), checked; exits on anything
# but a number >= 1
bench_rounds() {
	local rounds=${BA_BENCH_ROUNDS:-2}
	case $rounds in
	''|*[!0-9]*|0) echo "BA_BENCH_ROUNDS=$rounds: want a number >= 1" >&2; exit 2 ;;
	esac
	echo "$rounds"
}

# bench_clear NAME: remove the logs, table and plot of an earlier run
bench_clear() {
	rm -f "$LOGS/$1"-{stock,ours}{,-[0-9]*}.log "$LOGS/$1-table.txt" "$LOGS/$1"-plot.{png,svg}
}

# bench_report NAME ROUNDS RUN HEADING [BENCH_TABLE_OPTION...]: join each
# kernel's boots into NAME-stock.log and NAME-ours.log; print HEADING (if
# any), the table of tools/bench/bench_table.py over them and a line on
# the run (RUN: config, boots), also into NAME-table.txt; draw the plot of
# tools/bench/bench_plot.py into NAME-plot.png and NAME-plot.svg.
bench_report() {
	local name=$1 rounds=$2 run=$3 heading=$4 label round accel=TCG py=python3
	local args="binder_bench ${BA_BENCH_ARGS:-(defaults)}"
	shift 4
	for label in stock ours; do
		for round in $(seq "$rounds"); do cat "$LOGS/$name-$label-$round.log"; done \
			> "$LOGS/$name-$label.log"
	done
	[ "$BA_KVM" = 1 ] && accel=KVM
	{
		[ -z "$heading" ] || printf '%s\n\n' "$heading"
		python3 "$REPO/tools/bench/bench_table.py" --qemu "$accel" "$@" \
			"$LOGS/$name-stock.log" "$LOGS/$name-ours.log"
		echo
		echo "qemu-system-x86_64 -accel ${accel,,} -smp 2 -m $BA_MEM; $run; $args;" \
			"host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
		echo "logs: $LOGS/$name-stock.log, $LOGS/$name-ours.log"
	} | tee "$LOGS/$name-table.txt"
	# Debian's matplotlib is in the system python3, which a python3
	# earlier in PATH (a virtualenv, pyenv) may not see.
	python3 -c 'import matplotlib' 2>/dev/null || py=/usr/bin/python3
	"$py" "$REPO/tools/bench/bench_plot.py" --title "$run; $args" \
		"$LOGS/$name-stock.log" "$LOGS/$name-ours.log" "$LOGS/$name-plot"
}
