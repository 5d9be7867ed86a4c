#!/bin/bash
# boot.sh MODE KERNEL LOG: boot KERNEL with the workbench initramfs under
# QEMU (TCG unless BA_KVM=1), ba.mode=MODE, serial console into LOG.
# A boot still running after BA_TIMEOUT seconds is killed and marked so.
mode=$1 kernel=$2 log=$3
initrd=$BA_CACHE/initramfs/initramfs.cpio
append="console=ttyS0 ba.mode=$mode panic=-1 kasan_multi_shot"
# KUnit tests marked slow (the exhaustive layout test) take minutes on UML
# and hours under TCG with KASAN: here they are reported as skipped; UML
# KUnit runs them all.
append="$append kunit.filter=speed>slow kunit.filter_action=skip"
[ "$mode" = run ] && append="$append kunit.enable=0"
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
	if [ "$mode" = run ]; then cat; else
		grep --line-buffered -E '^BA-|^(\[[ 0-9.]+\] )?(not )?ok [0-9]|^# Totals'
	fi
status=${PIPESTATUS[0]}
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "BA-WORKBENCH: TIMEOUT: killed after ${BA_TIMEOUT}s (BA_TIMEOUT)" | tee -a "$log"
elif [ "$status" != 0 ]; then
	echo "BA-WORKBENCH: FAILED qemu exited with status $status" | tee -a "$log"
fi
echo "== boot took $((SECONDS - start))s"
