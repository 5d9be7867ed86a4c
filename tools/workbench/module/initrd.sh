#!/bin/sh
# initrd.sh: the initramfs the module boots use, $DEB/boot/initramfs/initramfs.cpio
# (boot.sh finds it there when run with BA_CACHE=$DEB/boot): the workbench's
# own initramfs (initramfs.sh: busybox, init, kselftests, demo, bench) with
# a second archive appended, which the kernel unpacks over the first:
#   /lib/modules/ba/ours/binder_linux.ko     make module's
#   /lib/modules/ba/debian/binder_linux.ko   Debian's, from image.sh
# Debian's kernel needs no module of its own to get there: serial console,
# devtmpfs, debugfs and the initramfs are built in.
set -e
. "$WB/module/common.sh"
"$WB/initramfs.sh"
base=$BA_CACHE/initramfs/initramfs.cpio
stage=$DEB/boot/modules
cpio=$DEB/boot/initramfs/initramfs.cpio
mkdir -p "$stage/lib/modules/ba/ours" "$stage/lib/modules/ba/debian" "${cpio%/*}"
cp "$MOD/binder_linux.ko" "$stage/lib/modules/ba/ours/binder_linux.ko"
cp "$DEB/image/binder_linux.ko" "$stage/lib/modules/ba/debian/binder_linux.ko"
{
	cat "$base"
	(cd "$stage" && find . | sort | cpio -o -H newc --quiet)
} > "$cpio.tmp"
mv "$cpio.tmp" "$cpio"
