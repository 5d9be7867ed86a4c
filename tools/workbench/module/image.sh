#!/bin/sh
# image.sh: Debian's kernel $KVER and its own binder_linux.ko, for the boots
# of make module-test and make module-bench: the linux-image package is
# downloaded (never installed) into $DEB/debs and only these two files are
# taken out of it, into $DEB/image/: vmlinuz and binder_linux.ko
# (decompressed if the package has it as .ko.xz).
set -e
. "$WB/module/common.sh"
out=$DEB/image
[ -e "$out/.extracted" ] && exit 0
pkg=$(ls "$DEB/debs/linux-image-$KVER-unsigned"_*.deb "$DEB/debs/linux-image-$KVER"_*.deb 2>/dev/null | head -n 1)
if [ -z "$pkg" ]; then
	# the -unsigned package is the plain one; the signed one is the same kernel
	pkg=$(debian_pkg "linux-image-$KVER-unsigned" 2>/dev/null) ||
		pkg=$(debian_pkg "linux-image-$KVER" 2>/dev/null) ||
		fail "no package linux-image-$KVER-unsigned nor linux-image-$KVER: run apt-get update, or give make KVER= an ABI that apt-cache search linux-image-6.12 lists"
fi
echo "== Debian's kernel and binder_linux.ko from ${pkg##*/}"
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
dpkg-deb --fsys-tarfile "$pkg" | tar -x -C "$out.tmp" --wildcards \
	"./boot/vmlinuz-$KVER" "./lib/modules/$KVER/kernel/drivers/android/binder_linux.ko*" ||
	fail "${pkg##*/} has no boot/vmlinuz-$KVER or binder_linux.ko: is binder a module (CONFIG_ANDROID_BINDER_IPC=m) in $KVER?"
mv "$out.tmp/boot/vmlinuz-$KVER" "$out.tmp/vmlinuz"
ko=$(ls "$out.tmp/lib/modules/$KVER/kernel/drivers/android/"binder_linux.ko*)
case $ko in
*.xz) xz -dc "$ko" > "$out.tmp/binder_linux.ko" ;;
*.zst) zstd -dcq "$ko" > "$out.tmp/binder_linux.ko" ;;
*.gz) gzip -dc "$ko" > "$out.tmp/binder_linux.ko" ;;
*) cp "$ko" "$out.tmp/binder_linux.ko" ;;
esac
rm -rf "$out.tmp/boot" "$out.tmp/lib"
touch "$out.tmp/.extracted"
mv "$out.tmp" "$out"
