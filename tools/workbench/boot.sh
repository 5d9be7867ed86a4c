#!/bin/bash
# boot.sh MODE KERNEL LOG [PARAM...]: boot KERNEL with the workbench
# initramfs under QEMU (TCG unless BA_KVM=1), ba.mode=MODE and the PARAMs on
# the command line, serial console into LOG.
# A boot still running after BA_TIMEOUT seconds is killed and marked so.
mode=$1 kernel=$2 log=$3
shift 3
initrd=$BA_CACHE/initramfs/initramfs.cpio
append="console=ttyS0 ba.mode=$mode panic=-1"
if [ "$mode" = bench ]; then
	# no KUnit nor KASAN in the bench kernels; only errors and worse on
	# the console, so that kernel messages do not cut into BENCH lines
	append="$append loglevel=4"
else
	append="$append kasan_multi_shot"
	# KUnit tests marked slow (the exhaustive layout test) take minutes on
	# UML and hours under TCG with KASAN: here they are reported as
	# skipped; UML KUnit runs them all.
	append="$append kunit.filter=speed>slow kunit.filter_action=skip"
fi
[ "$mode" = run ] && append="$append kunit.enable=0"
[ $# -gt 0 ] && append="$append $*"
accel=tcg
[ "$BA_KVM" = 1 ] && accel=kvm
bios=()
[ -e /usr/share/qemu/qboot.rom ] && bios=(-bios qboot.rom)	# boots faster than SeaBIOS

mkdir -p "${log%/*}"
# One progress line, finished with the time the boot took. The console
# goes to the log only: the verdict reads it and shows what failed. The
# long runs (bench, fuzz) show their suite markers and results as they
# come.
line="== boot ($mode): $kernel, $accel, timeout ${BA_TIMEOUT}s"
case $mode in
test|module-test|run) show= ;;
bench|module-bench) show='^BA-|^# (binder_bench|WARNING)' ;;
*) show='^BA-|^(\[[ 0-9.]+\] )?(not )?ok [0-9]|^# Totals' ;;
esac
if [ -n "$show" ]; then echo "$line (console: $log)"; else printf '%s: ' "$line"; fi
start=$SECONDS
# panic=-1 and -no-reboot end QEMU on a panic.
timeout --foreground -k 10 "$BA_TIMEOUT" qemu-system-x86_64 -accel "$accel" -smp 2 -m "$BA_MEM" \
	"${bios[@]}" -kernel "$kernel" -initrd "$initrd" -append "$append" \
	-nographic -monitor none -serial stdio -no-reboot < /dev/null |
	sed -u 's/\r$//' | tee "$log" |
	if [ -n "$show" ]; then grep --line-buffered -E "$show"; else cat > /dev/null; fi
status=${PIPESTATUS[0]}
if [ -n "$show" ]; then
	echo "== boot took $((SECONDS - start))s"
else
	echo "took $((SECONDS - start))s (console: $log)"
fi
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "BA-WORKBENCH: TIMEOUT: killed after ${BA_TIMEOUT}s (BA_TIMEOUT)" | tee -a "$log"
elif [ "$status" != 0 ]; then
	echo "BA-WORKBENCH: FAILED qemu exited with status $status" | tee -a "$log"
fi
# make run: what the workload printed (its lines in its suites, without
# the kernel's), which is its summary
if [ "$mode" = run ]; then
	awk '/^BA-SUITE-BEGIN / { print "== workload: " $2; on = 1; next }
	     /^BA-SUITE-END / { on = 0; next }
	     on && !/^\[ *[0-9]+\.[0-9]+\]/' "$log"
fi
