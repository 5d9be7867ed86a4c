#!/bin/sh
# Prepare the kernel trees in the cache:
#   $PRISTINE  the Debian tarball, extracted once and never modified
#   $WORK      a hard-linked copy of it with our driver files overlaid
# Overlaid files are copied only when their content changed, so kbuild
# rebuilds only what we touched. A file never written in place: $WORK shares
# inodes with $PRISTINE, so every change replaces the link.
set -e
. "$WB/files.sh"
android=drivers/android

# The stamp names the tarball it came from: a new linux-source-6.12
# package gets extracted afresh.
stamp="$BA_TARBALL $(stat -c '%s %Y' "$BA_TARBALL")"
if [ "$(cat "$PRISTINE/.ba-extracted" 2>/dev/null)" != "$stamp" ]; then
	echo "extracting $BA_TARBALL into $PRISTINE"
	rm -rf "$PRISTINE" "$PRISTINE.tmp" "$WORK"
	mkdir -p "$PRISTINE.tmp"
	tar -xf "$BA_TARBALL" -C "$PRISTINE.tmp" --strip-components=1
	echo "$stamp" > "$PRISTINE.tmp/.ba-extracted"
	mv "$PRISTINE.tmp" "$PRISTINE"
fi
if [ ! -e "$WORK/.ba-extracted" ]; then
	rm -rf "$WORK" "$WORK.tmp"
	cp -al "$PRISTINE" "$WORK.tmp"
	mv "$WORK.tmp" "$WORK"
fi

# put SRC at $WORK/$android/NAME unless it is already there
place() {
	if ! cmp -s "$1" "$WORK/$android/$2"; then
		echo "overlay: $android/$2"
		rm -f "$WORK/$android/$2"
		cp "$1" "$WORK/$android/$2"
	fi
}
for f in $driver_files; do
	if [ -e "$REPO/$f" ]; then
		place "$REPO/$f" "$f"
	elif [ -e "$PRISTINE/$android/$f" ]; then
		place "$PRISTINE/$android/$f" "$f"
	elif [ -e "$WORK/$android/$f" ]; then
		echo "overlay: removing $android/$f"
		rm -f "$WORK/$android/$f"
	fi
done
# Our directories in tools/ are not in the stock tree: copied whole (rsync
# replaces a changed file, never writes into it), so the kselftests build
# there, against the tree's lib.mk.
for d in $tools_dirs; do
	if [ -d "$REPO/$d" ]; then
		mkdir -p "$WORK/$d"
		rsync -a --delete "$REPO/$d/" "$WORK/$d/"
	else
		rm -rf "$WORK/$d"
	fi
done
# Our Makefile retires the stock selftest (KUnit replaces it).
if [ -e "$REPO/Makefile" ]; then
	rm -f "$WORK/$android/binder_alloc_selftest.c"
else
	place "$PRISTINE/$android/binder_alloc_selftest.c" binder_alloc_selftest.c
fi
echo "kernel $(make -s -C "$WORK" kernelversion) from $BA_TARBALL"
