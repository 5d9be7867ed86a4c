#!/bin/sh
# assemble.sh DEST: the out-of-tree source of binder_linux.ko in DEST:
#   binder.c binderfs.c binder_internal.h binder_trace.h dbitmap.h
#                          from $PRISTINE/drivers/android (linux-source-6.12)
#   Makefile binder_alloc.[ch] binder_shrinker.c binder_alloc_kunit.c
#                          ours, from $REPO (the kbuild Makefile as it is)
#   Kbuild                 includes that Makefile, adds the version object
#   binder_linux_version.c MODULE_VERSION("$VERSION") and a description
#   dkms.conf              from dkms.conf.in, PACKAGE_VERSION=$VERSION
# A file is rewritten only when its content changes, so a build in DEST
# stays incremental. Needs REPO, PRISTINE, WB and VERSION (common.sh).
set -e
dest=$1
here=$WB/module
stock="binder.c binderfs.c binder_internal.h binder_trace.h dbitmap.h"
. "$WB/files.sh"
ours="Makefile $driver_sources"
mkdir -p "$dest"

place() {	# place SRC NAME
	cmp -s "$1" "$dest/$2" || cp "$1" "$dest/$2"
}
for f in $stock; do
	[ -e "$PRISTINE/drivers/android/$f" ] ||
		{ echo "no $PRISTINE/drivers/android/$f: run make tree (linux-source-6.12 6.12.x has it)" >&2; exit 1; }
	place "$PRISTINE/drivers/android/$f" "$f"
done
for f in $ours; do
	if [ -e "$REPO/$f" ]; then
		place "$REPO/$f" "$f"
	elif [ -e "$PRISTINE/drivers/android/$f" ]; then
		place "$PRISTINE/drivers/android/$f" "$f"	# the stock one, as tree.sh does
	else
		rm -f "$dest/$f"
	fi
done

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat > "$tmp" <<KBUILD
# SPDX-License-Identifier: GPL-2.0-only
# binder_linux.ko out of tree: the driver's own Makefile, plus the object
# that carries the module's version. Written by
# tools/workbench/module/assemble.sh of binder-alloc.
# (make clean reads no kernel config: nothing to check then)
ifneq (\$(CONFIG_MODULES),)
ifneq (\$(CONFIG_ANDROID_BINDER_IPC),m)
\$(error this kernel has CONFIG_ANDROID_BINDER_IPC=\$(or \$(CONFIG_ANDROID_BINDER_IPC),(not set)): binder_linux.ko replaces a binder built as a module (=m), as in Debian's kernels)
endif
endif
include \$(src)/Makefile
binder_linux-y += binder_linux_version.o
KBUILD
place "$tmp" Kbuild
cat > "$tmp" <<C
// SPDX-License-Identifier: GPL-2.0-only
/* Written by tools/workbench/module/assemble.sh of binder-alloc. */
#include <linux/module.h>

MODULE_VERSION("$VERSION");
MODULE_DESCRIPTION("Android binder IPC, with the binder-alloc buffer allocator");
C
place "$tmp" binder_linux_version.c
sed "s/@VERSION@/$VERSION/" "$here/dkms.conf.in" > "$tmp"
place "$tmp" dkms.conf
