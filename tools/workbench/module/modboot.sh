#!/bin/sh
# modboot.sh MODE WHICH LOG [PARAM...]: boot Debian's kernel ($DEB/image/vmlinuz)
# under QEMU with the module initramfs (initrd.sh), ba.mode=MODE
# (module-test or module-bench) and ba.module=WHICH (ours or debian), the
# console into LOG. The workbench's boot.sh does the booting; it takes the
# initramfs from $BA_CACHE/initramfs/, hence BA_CACHE=$DEB/boot for it.
. "$WB/module/common.sh"
mode=$1 which=$2 log=$3
shift 3
BA_CACHE=$DEB/boot exec "$WB/boot.sh" "$mode" "$DEB/image/vmlinuz" "$log" \
	ba.module="$which" ba.modver="$VERSION" "$@"
