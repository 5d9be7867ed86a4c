#!/bin/sh
# dkms-install.sh: make dkms, on a real system: the DKMS source tree in
# $DKMS_SOURCE_TREE/binder-alloc-$VERSION (default /usr/src), added to DKMS;
# then the user runs dkms install binder-alloc/$VERSION (README.md, "Using
# it on Debian 12").
set -e
. "$WB/module/common.sh"
src=${DKMS_SOURCE_TREE:-/usr/src}
command -v dkms > /dev/null || fail "no dkms: apt-get install dkms"
[ -w "$src" ] || fail "make dkms writes $src/binder-alloc-$VERSION: run it as root (sudo make dkms)"
# binder.c and the rest of the stock driver: from the extracted tree if
# there is one (make tree), else straight from the tarball, so that a user
# needs linux-source-6.12, dkms and the headers, not the workbench's packages
if [ ! -e "$PRISTINE/drivers/android/binder.c" ]; then
	[ -r "$BA_TARBALL" ] || fail "no kernel source at $BA_TARBALL: apt-get install linux-source-6.12 (or set BA_TARBALL)"
	PRISTINE=$BA_CACHE/dkms/stock
	if [ ! -e "$PRISTINE/drivers/android/binder.c" ]; then
		echo "extracting drivers/android from $BA_TARBALL"
		rm -rf "$PRISTINE"
		mkdir -p "$PRISTINE"
		tar -xf "$BA_TARBALL" -C "$PRISTINE" --strip-components=1 --wildcards '*/drivers/android/*'
	fi
	export PRISTINE
fi
"$WB/module/assemble.sh" "$src/binder-alloc-$VERSION"
echo "DKMS source tree: $src/binder-alloc-$VERSION"
if [ "$src" = /usr/src ] && [ -z "$(dkms status binder-alloc/"$VERSION" 2>/dev/null)" ]; then
	dkms add binder-alloc/"$VERSION"
fi
case $(uname -r) in
6.12.*) echo "next: dkms install binder-alloc/$VERSION (builds for the running kernel, $(uname -r); needs linux-headers-$(uname -r))" ;;
*) echo "next: dkms install binder-alloc/$VERSION -k <a 6.12 kernel, e.g. $KVER>: the running kernel, $(uname -r), is not 6.12 and DKMS skips it (dkms.conf BUILD_EXCLUSIVE_KERNEL)" ;;
esac
