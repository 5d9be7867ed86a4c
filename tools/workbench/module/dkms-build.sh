#!/bin/sh
# dkms-build.sh: prove dkms.conf: the DKMS source tree assembled under
# $BA_CACHE/dkms/src, then dkms build and dkms install against the headers
# build.sh uses, with DKMS's trees all in the cache (--sourcetree,
# --dkmstree, --installtree, --no-depmod): nothing in /usr/src,
# /var/lib/dkms or /lib/modules is touched. Modules are not signed here
# (sign_file points nowhere). Prints the installed module's path.
# Log: $LOGS/module-dkms.log.
set -e
. "$WB/module/common.sh"
command -v dkms > /dev/null || fail "no dkms: apt-get install dkms (make deps does)"
log=$LOGS/module-dkms.log
: > "$log"
hdr=$(headers_dir)
top=$BA_CACHE/dkms
rm -rf "$top/tree/binder-alloc" "$top/install"
# older versions' source trees go; the current one is kept, for ccache
for d in "$top"/src/binder-alloc-*; do
	[ "$d" = "$top/src/binder-alloc-$VERSION" ] || rm -rf "$d"
done
"$WB/module/assemble.sh" "$top/src/binder-alloc-$VERSION"
mkdir -p "$top/tree" "$top/install/$KVER"
run() { "$WB/logrun" "$log" env sign_file="$top/no-signing" DEBIAN_KERNEL_USE_CCACHE=1 dkms "$@" \
	-m binder-alloc -v "$VERSION" -k "$KVER" --kernelsourcedir "$hdr" \
	--sourcetree "$top/src" --dkmstree "$top/tree" --installtree "$top/install"; }
run build -j "${JOBS:-2}"
run install --no-depmod
ko=$(ls "$top/install/$KVER/updates/dkms/binder_linux.ko"* 2>/dev/null | head -n 1)
[ -n "$ko" ] || fail "dkms install put no binder_linux.ko in $top/install/$KVER/updates/dkms (log: $log)"
echo "$ko"
