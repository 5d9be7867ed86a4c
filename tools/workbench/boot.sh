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
echo "== boot ($mode): $kernel, $accel, timeout ${BA_TIMEOUT}s (console: $log)"
start=$SECONDS
# Show the suite markers and the top-level results as they come; all of the
# console goes to the log. panic=-1 and -no-reboot end QEMU on a panic.
timeout --foreground -k 10 "$BA_TIMEOUT" qemu-system-x86_64 -accel "$accel" -smp 2 -m "$BA_MEM" \
	"${bios[@]}" -kernel "$kernel" -initrd "$initrd" -append "$append" \
	-nographic -monitor none -serial stdio -no-reboot < /dev/null |
	sed -u 's/\r$//' | tee "$log" |
	case $mode in
	run)	cat ;;
	bench)	grep --line-buffered -E '^BA-|^# (binder_bench|WARNING)' ;;
	*)	grep --line-buffered -E '^BA-|^(\[[ 0-9.]+\] )?(not )?ok [0-9]|^# Totals' ;;
	esac
status=${PIPESTATUS[0]}
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "BA-WORKBENCH: TIMEOUT: killed after ${BA_TIMEOUT}s (BA_TIMEOUT)" | tee -a "$log"
elif [ "$status" != 0 ]; then
	echo "BA-WORKBENCH: FAILED qemu exited with status $status" | tee -a "$log"
fi
echo "== boot took $((SECONDS - start))s"
