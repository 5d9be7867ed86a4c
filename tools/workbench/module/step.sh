#!/bin/bash
# step.sh [BOOT...]: the _module step of make test (step.sh ours) and
# make module-test (step.sh ours debian). TAP in $LOGS/module.log:
#   the module builds (build.sh), no compiler warning in our files,
#   modinfo shows our version and Debian's vermagic (that of Debian's own
#   binder_linux.ko), dkms build + install into the cache (dkms-build.sh)
#   give the same module;
# then for each BOOT (ours: our module, debian: Debian's) one boot of
# Debian's kernel running the kselftests and the demo on fixed devices,
# the console in $LOGS/module-test-BOOT.log (judged by verdict.py --boot).
. "$WB/module/common.sh"
. "$WB/files.sh"
. "$WB/ktap.sh"
tap=$LOGS/module.log
mkdir -p "$LOGS"
t() { ktap_check "$@" >> "$tap"; }
err=$(mktemp)
trap 'rm -f "$err"' EXIT
ktap_print_header > "$tap"
start=$SECONDS
printf '%s' "== binder_linux.ko for Debian's $KVER: build, modinfo, dkms (TAP: $tap): "

"$WB/module/build.sh" > /dev/null 2> "$err"	# what it prints is in the TAP
built=$?
cat "$err" >&2
t $built "make module: binder_linux.ko $VERSION for $KVER" "$err"
ko=$MOD/binder_linux.ko
if [ $built = 0 ]; then
	# our files only: binder.c is Debian's
	grep -E "(^|/)($driver_sources_re):[0-9]+:[0-9]+: (warning|error)" \
		"$LOGS/module-build.log" | sed 's|^.*/||' | sort -u > "$err"
	[ ! -s "$err" ]
	t $? "no compiler warnings in our files" "$err"
	: > "$err"
	v=$(modinfo -F version "$ko")
	[ "$v" = "$VERSION" ]
	t $? "modinfo version $v (git describe: $VERSION)"
fi
"$WB/module/image.sh" 2> "$err"
imaged=$?
cat "$err" >&2
t $imaged "Debian's kernel and binder_linux.ko extracted from linux-image-$KVER" "$err"
if [ $built = 0 ] && [ $imaged = 0 ]; then
	ours=$(modinfo -F vermagic "$ko") stock=$(modinfo -F vermagic "$DEB/image/binder_linux.ko")
	[ "$ours" = "$stock" ]
	t $? "vermagic '$ours' (Debian's binder_linux.ko: '$stock')"
fi
if [ $built = 0 ]; then
	dko=$("$WB/module/dkms-build.sh" 2> "$err")
	st=$?
	cat "$err" >&2
	t $st "dkms build and install into $BA_CACHE/dkms (log: $LOGS/module-dkms.log)" "$err"
	if [ -n "$dko" ]; then
		# (not srcversion: it sums the headers a .cmd file names by an
		# absolute path, and ccache's base_dir makes some relative)
		a="$(modinfo -F version "$dko") / $(modinfo -F vermagic "$dko")"
		b="$(modinfo -F version "$ko") / $(modinfo -F vermagic "$ko")"
		differ=
		for f in "$BA_CACHE/dkms/src/binder-alloc-$VERSION"/*.[ch]; do
			cmp -s "$f" "$MOD/${f##*/}" || differ="$differ ${f##*/}"
		done
		[ "$a" = "$b" ] && [ -z "$differ" ]
		same=$?
		[ "$a" = "$b" ] || a="$a (make module's: $b)"
		t $same "dkms's module is make module's: same sources${differ:+ but$differ}, version / vermagic $a"
	fi
fi
echo "took $((SECONDS - start))s"

[ $built = 0 ] && [ $imaged = 0 ] || exit 1
"$WB/module/initrd.sh" || exit 1
for which in "$@"; do
	"$WB/module/modboot.sh" module-test "$which" "$LOGS/module-test-$which.log"
done
