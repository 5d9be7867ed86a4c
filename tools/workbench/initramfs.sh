#!/bin/sh
# Build the guest's userspace and pack it into $BA_CACHE/initramfs/initramfs.cpio:
#   /init                     tools/workbench/init
#   /bin/busybox              from busybox-static
#   /ksft/                    the tree's binderfs test and the repo's kselftests,
#                             installed the kselftest way (run_kselftest.sh)
#   /ksft/list                "<suite name> <collection>:<test>" in the order
#                             init runs them
#   /bin/<prog>               tools/bench and tools/fuzz programs
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

# Every checkout builds into the one $BUILD: make -B, since a program
# built there from another checkout may be newer than this one's sources
# and would otherwise be taken as up to date (the programs build in
# seconds; the archive is rewritten only if its content changed).
# ksft_make SRCDIR OUTDIR [VAR=VALUE...]: the contract with tools/ Makefiles
ksft_make() {
	src=$1 o=$2; shift 2
	mkdir -p "$o"
	run make -B -s -C "$src" OUTPUT="$o" KSFT_INC="$WORK/tools/testing/selftests" \
		KHDR_INCLUDES="-isystem $hdr/include" CC=gcc "$@"
}
progs() {
	make -s --no-print-directory -C "$1" OUTPUT="$2" \
		KSFT_INC="$WORK/tools/testing/selftests" print-progs ||
	{ echo "$1/Makefile: 'make print-progs' failed; it must print the programs to run, one a line" >&2
	  exit 1; }
}

# The kselftests, the kernel's way: the tree's binderfs test and ours
# (tree.sh put them into $WORK), built and installed into /ksft by
# tools/testing/selftests/Makefile, run there by run_kselftest.sh (init).
# /ksft/list: "<suite name> <collection>:<test>", in the order init runs
# them; the binderfs test keeps its short name.
. "$WB/files.sh"
targets=filesystems/binderfs
for d in $tools_dirs; do
	case $d in tools/testing/selftests/*) targets="$targets ${d#tools/testing/selftests/}" ;; esac
done
run make -B -s -C "$WORK/tools/testing/selftests" O="$BUILD/kselftest" \
	KHDR_INCLUDES="-isystem $hdr/include" USERLDFLAGS=-static \
	TARGETS="$targets" KSFT_INSTALL_PATH="$stage/ksft" install
# That install goes on past a program that fails to build (it only skips
# its directory): every test we ship must be in the list, or no boot.
missing=
grep -qx 'filesystems/binderfs:binderfs_test' "$stage/ksft/kselftest-list.txt" ||
	missing=" filesystems/binderfs/binderfs_test"
for d in $tools_dirs; do
	case $d in tools/testing/selftests/*) ;; *) continue ;; esac
	for src in "$REPO/$d"/*_test.c; do
		p=$(basename "$src" .c)
		grep -qx "${d#tools/testing/selftests/}:$p" "$stage/ksft/kselftest-list.txt" ||
			missing="$missing ${d#tools/testing/selftests/}/$p"
	done
done
if [ -n "$missing" ]; then
	echo "initramfs: kselftests that did not build:$missing; the compiler's messages are in $log" >&2
	exit 1
fi
# run_kselftest.sh's runner enforces the settings files' timeouts with
# coreutils' timeout (busybox's has no --foreground)
add "$(command -v timeout)" usr/bin/timeout
sed 's|^filesystems/binderfs:binderfs_test$|binderfs &|; t; s|^\(.*\):\(.*\)$|\1/\2 &|' \
	"$stage/ksft/kselftest-list.txt" > "$stage/ksft/list"

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
