#!/bin/sh
# check.sh FRAGMENT...: static checks, as TAP in $LOGS/check.log.
#  - a full x86_64 build with W=1 where binder is a module (=m): compiles
#    our files as module code and lets modpost catch unexported symbols;
#  - sparse (C=2) over drivers/android/;
#  - checkpatch --strict and kernel-doc on our files.
# Findings count only in our files (the stock binder.c is not ours).
set -u
. "$WB/files.sh"
. "$WB/ktap.sh"
ours=
for f in $driver_sources; do
	[ -e "$REPO/$f" ] && ours="$ours $f"
done
out=$BUILD/x86-check
log=$LOGS/check.log
blog=$LOGS/check-build.log
mkdir -p "$LOGS"
: > "$blog"
tap() { ktap_check "$@" >> "$log"; }
ktap_print_header > "$log"
echo "== static checks:${ours:- none of our files in the repo yet} (log: $log)"

kmake() { "$WB/logrun" "$blog" make -s -C "$WORK" O="$out" -j"$JOBS" \
	CC="ccache gcc" HOSTCC="ccache gcc" W=1 "$@"; }
# Rebuild our objects every time, so their warnings show up again (from ccache).
for f in $ours; do rm -f "$out/drivers/android/${f%.c}.o"; done
if "$WB/kconfig.sh" "$out" "$@" >> "$blog" 2>&1 && kmake && kmake C=2 drivers/android/; then
	tap ok "build with W=1, binder as a module"
else
	tap fail "build with W=1, binder as a module (see $blog)"
fi

if [ -z "$ours" ]; then
	ktap_test_skip "W=1, sparse, checkpatch, kernel-doc: no driver files of ours yet" >> "$log"
	exit $((KTAP_CNT_FAIL > 0))
fi
findings=$(mktemp)
trap 'rm -f "$findings"' EXIT
pattern=$(echo $ours | sed 's/\./\\./g; s/ /|/g')
grep -E "drivers/android/($pattern):[0-9]+(:[0-9]+)?: (warning|error|note)" "$blog" |
	sed "s|^.*drivers/android/|drivers/android/|" | sort -u > "$findings"
if [ -s "$findings" ]; then
	tap fail "W=1 and sparse: findings in our files" "$findings"
else
	tap ok "W=1 and sparse: no findings in our files"
fi

cd "$WORK"
for f in $ours; do
	if scripts/checkpatch.pl --strict --no-summary --quiet -f \
		"drivers/android/$f" > "$findings" 2>&1; then
		tap ok "checkpatch --strict $f"
	else
		tap fail "checkpatch --strict $f" "$findings"
	fi
	scripts/kernel-doc -none "drivers/android/$f" > "$findings" 2>&1
	if [ -s "$findings" ]; then
		tap fail "kernel-doc $f" "$findings"
	else
		tap ok "kernel-doc $f"
	fi
done
exit $((KTAP_CNT_FAIL > 0))
