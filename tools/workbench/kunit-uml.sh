#!/bin/sh
# KUnit on UML through the tree's kunit.py, with our drivers/android/.kunitconfig.
# UML has no per-VMA locks: this runs the mmap_lock fallback path.
# Leaves the kernel's raw output in $LOGS/uml-kunit.log for the verdict.
# kunit.py's UML defaults enable PCI over virtio with no device ID, and the
# kernel WARNs about that at boot: we need no PCI, so it is off.
log=$LOGS/uml-kunit.log
mkdir -p "$LOGS"
rm -f "$log"
kunitconfig=${BA_KUNITCONFIG:-drivers/android}
if [ ! -f "$WORK/$kunitconfig" ] && [ ! -f "$WORK/$kunitconfig/.kunitconfig" ]; then
	echo "== UML KUnit: skipped, no $kunitconfig/.kunitconfig yet"
	echo "ok 1 uml-kunit # SKIP no .kunitconfig in the repo yet" > "$log"
	exit 0
fi
echo "== UML KUnit ($kunitconfig)"
out=$BUILD/uml-kunit
mkdir -p "$BUILD"
rm -f "$out/test.log"
cd "$WORK" &&
$WB/logrun "$LOGS/uml-kunit-build.log" python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$kunitconfig" --build_dir="$out" --jobs="$JOBS" \
	--make_options "CC=ccache gcc" --make_options "HOSTCC=ccache gcc" \
	--kconfig_add CONFIG_UML_PCI_OVER_VIRTIO=n \
	--timeout="$BA_TIMEOUT"
status=$?
if [ -e "$out/test.log" ]; then
	cp "$out/test.log" "$log"	# failures in it speak for themselves
else
	echo "BA-WORKBENCH: FAILED kunit.py (exit $status), see $LOGS/uml-kunit-build.log" > "$log"
fi
exit $status
