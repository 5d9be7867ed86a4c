#!/bin/sh
# build.sh: make module. binder_linux.ko for Debian's kernel $KVER, out of
# tree in $MOD (assembled by assemble.sh), against /lib/modules/$KVER/build
# or Debian's headers packages extracted into the cache (common.sh); then
# what modinfo says of it. Log: $LOGS/module-build.log.
set -e
. "$WB/module/common.sh"
log=$LOGS/module-build.log
mkdir -p "$LOGS"
: > "$log"
hdr=$(headers_dir)
"$WB/module/assemble.sh" "$MOD"
echo "== binder_linux.ko $VERSION for $KVER (headers $hdr; log: $log)"
# Debian's headers name their compiler (CROSS_COMPILE + gcc-12) and use
# ccache when asked to (DEBIAN_KERNEL_USE_CCACHE)
if [ -e "$hdr/.kernelvariables" ]; then
	cc=$(sed -n 's/^override CROSS_COMPILE = //p' "$hdr/.kernelvariables")gcc-12
	command -v "$cc" > /dev/null || fail "Debian's $KVER headers compile with $cc: apt-get install gcc-12"
fi
# our objects are compiled every time (from ccache) so that their warnings
# are in the log for step.sh to find
for f in binder_alloc binder_shrinker; do rm -f "$MOD/$f.o"; done
"$WB/logrun" "$log" make -C "$hdr" M="$MOD" -j"${JOBS:-2}" DEBIAN_KERNEL_USE_CCACHE=1 modules
ko=$MOD/binder_linux.ko
echo "module: $ko"
modinfo -F version "$ko" | sed 's/^/  version:  /'
modinfo -F vermagic "$ko" | sed 's/^/  vermagic: /'
