#!/bin/sh
# Build the guest's userspace and pack it into $BA_CACHE/initramfs/initramfs.cpio:
#   /init                     tools/workbench/init
#   /bin/busybox              from busybox-static
#   /ksft/<suite>/<prog>      the tree's binderfs test and the repo's kselftests
#   /ksft/list                "<suite name> <program>" in the order init runs them
#   /bin/<prog>               tools/bench and tools/fuzz programs, and ba_smoke
# Programs are built static; a dynamic one gets its libraries copied (ldd).
# The archive is rewritten only when its content changed.
set -e
hdr=$BA_CACHE/hdr
out=$BUILD/userspace
stage=$BA_CACHE/initramfs/root
cpio=$BA_CACHE/initramfs/initramfs.cpio
log=$LOGS/userspace-build.log
mkdir -p "$out" "$LOGS"
: > "$log"
run() { "$WB/logrun" "$log" "$@"; }

echo "== guest userspace: $cpio (log: $log)"
run make -s -C "$WORK" O="$BUILD/headers" headers_install INSTALL_HDR_PATH="$hdr"

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/ksft" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp"
cp "$WB/init" "$stage/init"
# init writes TAP with the kernel's helpers (tools/workbench/ktap.sh)
mkdir -p "$stage/lib"
cp "$PRISTINE/tools/testing/selftests/kselftest/ktap_helpers.sh" "$WB/ktap.sh" "$stage/lib/"
cp /bin/busybox "$stage/bin/busybox"

# add PROG into the stage at DEST, with its shared libraries if it has any
add() {
	mkdir -p "$stage/${2%/*}"
	cp "$1" "$stage/$2"
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$stage${lib%/*}"
		cp -L "$lib" "$stage$lib"
	done
}

# ksft_make SRCDIR OUTDIR [VAR=VALUE...]: the contract with tools/ Makefiles
ksft_make() {
	src=$1 o=$2; shift 2
	mkdir -p "$o"
	run make -s -C "$src" OUTPUT="$o" KSFT_INC="$WORK/tools/testing/selftests" \
		KHDR_INCLUDES="-isystem $hdr/include" CC=gcc "$@"
}
progs() {
	make -s --no-print-directory -C "$1" OUTPUT="$2" \
		KSFT_INC="$WORK/tools/testing/selftests" print-progs ||
	{ echo "$1/Makefile: 'make print-progs' failed; it must print the programs to run, one a line" >&2
	  exit 1; }
}

: > "$stage/ksft/list"
binderfs=tools/testing/selftests/filesystems/binderfs
ksft_make "$WORK/$binderfs" "$out/binderfs" LDFLAGS=-static
add "$out/binderfs/binderfs_test" ksft/binderfs/binderfs_test
echo "binderfs /ksft/binderfs/binderfs_test" >> "$stage/ksft/list"

for mk in "$REPO"/tools/testing/selftests/*/Makefile; do
	[ -e "$mk" ] || continue
	dir=$(dirname "$mk"); name=${dir##*/}
	ksft_make "$dir" "$out/$name"
	list=$(progs "$dir" "$out/$name")
	for p in $list; do
		add "$out/$name/$p" "ksft/$name/$p"
		echo "$name/$p /ksft/$name/$p" >> "$stage/ksft/list"
	done
done

if [ -e "$REPO/tools/bench/Makefile" ]; then
	ksft_make "$REPO/tools/bench" "$out/bench"
	list=$(progs "$REPO/tools/bench" "$out/bench")
	for p in $list; do
		add "$out/bench/$p" "bin/$p"
	done
fi

if [ -e "$REPO/tools/fuzz/Makefile" ]; then
	ksft_make "$REPO/tools/fuzz" "$out/fuzz"
	for p in $(progs "$REPO/tools/fuzz" "$out/fuzz"); do
		add "$out/fuzz/$p" "bin/$p"
	done
fi

if [ ! "$out/ba_smoke" -nt "$WB/ba_smoke.c" ]; then
	run gcc -static -O2 -Wall -isystem "$hdr/include" -o "$out/ba_smoke" "$WB/ba_smoke.c"
fi
add "$out/ba_smoke" bin/ba_smoke

sums=$BA_CACHE/initramfs/content.md5
(cd "$stage" && find . | sort | while read -r f; do
	[ -f "$f" ] && md5sum "$f" || echo "$f"
done) > "$sums.new"
if [ -e "$cpio" ] && cmp -s "$sums.new" "$sums"; then
	rm "$sums.new"
else
	(cd "$stage" && find . | sort | cpio -o -H newc --quiet) > "$cpio"
	mv "$sums.new" "$sums"
fi
