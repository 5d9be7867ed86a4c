#!/bin/sh
# patchcheck.sh FRAGMENT...: check the patch series, as TAP in
# $LOGS/patch.log (make test runs this as `make _patch`).
#  - regenerate it with mkpatch.sh, twice: the two must be identical;
#  - checkpatch --strict on each patch, run from the pristine tree;
#  - apply it with `git am` to a repository of the pristine files it
#    touches, and with `patch -p1`, one patch at a time, to a fresh
#    hard-linked copy of the whole pristine tree (GNU patch writes a new
#    file and renames it into place, so the pristine files stay as they
#    are: checked below);
#  - after each patch, compile drivers/android/ (W=1, binder built in, the
#    KUnit option on where it exists) in a persistent O= directory
#    configured from FRAGMENT..., one for each drivers/android/Kconfig the
#    series passes through, so that no run reconfigures and only what a
#    patch changed recompiles;
#  - the result: drivers/android/ byte-identical to the work tree's, the
#    documentation and our tools/ directories to ours, the documentation
#    listed in a toctree, `git am` and `patch` agreeing.
set -u
. "$WB/files.sh"
. "$WB/ktap.sh"
pc=$BA_CACHE/patch-check
series=$pc/series
tree=$pc/tree
outs=$BUILD/patch-check
log=$LOGS/patch.log
blog=$LOGS/patch-build.log
mkdir -p "$pc" "$LOGS"
# Before the O= directories were per Kconfig, there was one, right here.
[ -e "$outs/.config" ] && rm -rf "$outs"
mkdir -p "$outs"
: > "$blog"
rm -f "$log"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Results collect in $tmp/tap; the log is written at the end, with the plan
# first (the verdict reads a plan as the start of a level). A run that dies
# leaves no log, and the verdict counts that as a failure.
tap() { ktap_check "$@" >> "$tmp/tap"; }
finish() {
	{ ktap_print_header; ktap_set_plan $((KTAP_TESTNO - 1)); cat "$tmp/tap"; } > "$log"
	exit $((KTAP_CNT_FAIL > 0))
}
echo "== patch series: generate, checkpatch, apply to a fresh pristine tree, build after each patch (log: $log)"

# --- generate, twice. Always as on a machine with no git identity at all
# (no global or system config): the check must not depend on the user's.
noid() { GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 "$@"; }
rm -rf "$series" "$tmp/again"
if ! noid "$WB/mkpatch.sh" --check "$series" > "$tmp/mkpatch.log" 2>&1; then
	tap fail "make patch: mkpatch.sh failed" "$tmp/mkpatch.log"
	finish
fi
patches=$(for p in "$series"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "${p##*/}" = 0000-cover-letter.patch ] || echo "$p"
done)
tap ok "make patch: a cover letter and $(echo "$patches" | wc -l) patches"
noid "$WB/mkpatch.sh" --check "$tmp/again" > "$tmp/mkpatch.log" 2>&1
if diff -r "$series" "$tmp/again" > "$tmp/diff" 2>&1; then
	tap ok "the series is reproducible (generated twice, identical)"
else
	tap fail "the series is not reproducible (generated twice, differs)" "$tmp/diff"
fi

# make patch for real, from a clone whose config has no identity, on a
# machine with none: it must write the series and name the author it took.
clone=$tmp/clone
if noid git clone -q "$REPO" "$clone" 2>"$tmp/noid.log" &&
   ! noid git -C "$clone" config user.name >/dev/null &&
   noid env REPO="$clone" "$WB/mkpatch.sh" "$tmp/noid" >>"$tmp/noid.log" 2>&1 &&
   head_author=$(noid git -C "$clone" log -1 --format='Author: %an%nEmail: %ae') &&
   grep -qF "author taken from the HEAD commit: $(noid git -C "$clone" log -1 --format='%an <%ae>')" "$tmp/noid.log" &&
   [ "$(cat "$tmp/noid"/0001-*.patch | noid git mailinfo /dev/null /dev/null | head -n 2)" = "$head_author" ]; then
	tap ok "make patch with no git identity: series written, author from HEAD named"
else
	tap fail "make patch with no git identity" "$tmp/noid.log"
fi

# checkpatch takes a few seconds a patch: run it while the tree is built.
for p in $patches; do
	(cd "$PRISTINE" && scripts/checkpatch.pl --strict --quiet --no-summary \
		--show-types "$p" > "$tmp/$(basename "$p").checkpatch" 2>&1
	 echo $? > "$tmp/$(basename "$p").status") &
done

# --- a fresh copy of the pristine tree; the old one is deleted meanwhile
rm -rf "$tree.tmp"
if [ -d "$tree" ]; then
	mv "$tree" "$pc/old.$$"
	(rm -rf "$pc/old.$$" &)
fi
cp -al "$PRISTINE" "$tree.tmp" && mv "$tree.tmp" "$tree"
touched=$(sed -n 's|^diff --git a/\(.*\) b/.*|\1|p' $patches | sort -u)
for f in $touched; do
	[ -e "$PRISTINE/$f" ] && md5sum "$PRISTINE/$f"
done > "$tmp/pristine.md5"

# --- git am, onto the pristine versions of the touched files
am=$tmp/am
git init -q -b pristine "$am"
for f in $touched; do
	[ -e "$PRISTINE/$f" ] || continue
	mkdir -p "$am/$(dirname "$f")"
	cp "$PRISTINE/$f" "$am/$f"
done
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=patchcheck GIT_AUTHOR_EMAIL=patchcheck@localhost
export GIT_COMMITTER_NAME=patchcheck GIT_COMMITTER_EMAIL=patchcheck@localhost
git -C "$am" add -A && git -C "$am" commit -q -m pristine
# shellcheck disable=SC2086
if git -C "$am" am -q $patches > "$tmp/am.log" 2>&1; then
	tap ok "git am applies the series to the pristine files"
	am_ok=1
else
	tap fail "git am does not apply the series to the pristine files" "$tmp/am.log"
	am_ok=0
fi

# --- patch -p1 and a build, patch by patch
kmake() { make -s -C "$tree" O="$out" -j"$JOBS" CC="ccache gcc" \
	HOSTCC="ccache gcc" W=1 "$@"; }
applied=1 used=
for p in $patches; do
	name=$(basename "$p" .patch)
	if [ $applied = 1 ] && patch -p1 -s --no-backup-if-mismatch -d "$tree" \
		-i "$p" > "$tmp/patch.log" 2>&1; then
		tap ok "patch -p1 applies $name"
	else
		if [ $applied = 1 ]; then
			tap fail "patch -p1 does not apply $name" "$tmp/patch.log"
		else
			tap fail "patch -p1 $name: not tried, an earlier patch failed"
		fi
		applied=0
		continue
	fi
	echo "== after $name" >> "$blog"
	out=$outs/kconfig-$(md5sum < "$tree/drivers/android/Kconfig" | cut -c1-12)
	used="$used $out"
	if WORK=$tree "$WB/kconfig.sh" "$out" "$@" > "$tmp/build.log" 2>&1 &&
		kmake drivers/android/ >> "$tmp/build.log" 2>&1; then
		grep -E "drivers/android/($driver_sources_re):[0-9]+(:[0-9]+)?: (warning|error)" \
			"$tmp/build.log" | sed "s|^.*drivers/android/|drivers/android/|" |
			sort -u > "$tmp/findings"
		if [ -s "$tmp/findings" ]; then
			tap fail "drivers/android/ builds after $name, with warnings in our files" "$tmp/findings"
		else
			tap ok "drivers/android/ builds after $name (W=1, no warnings in our files)"
		fi
	else
		tail -n 30 "$tmp/build.log" > "$tmp/findings"
		tap fail "drivers/android/ does not build after $name (see $blog)" "$tmp/findings"
	fi
	cat "$tmp/build.log" >> "$blog"
done

# O= directories of a Kconfig no patch has any more
for d in "$outs"/kconfig-*; do
	case " $used " in *" $d "*) ;; *) rm -rf "$d" ;; esac
done

# --- the result
if [ $applied = 1 ]; then
	if md5sum --quiet -c "$tmp/pristine.md5" > "$tmp/md5.log" 2>&1; then
		linked=
		for f in $touched; do
			[ -e "$PRISTINE/$f" ] && [ -e "$tree/$f" ] &&
				[ "$(stat -c %i "$PRISTINE/$f")" = "$(stat -c %i "$tree/$f")" ] &&
				linked="$linked $f"
		done
		if [ -z "$linked" ]; then
			tap ok "the pristine tree is untouched (patched files are new files, not links into it)"
		else
			echo "still hard links into the pristine tree:$linked" > "$tmp/md5.log"
			tap fail "patched files still share their inode with the pristine tree" "$tmp/md5.log"
		fi
	else
		tap fail "patching the copy changed the pristine tree" "$tmp/md5.log"
	fi
	if diff -r "$WORK/drivers/android" "$tree/drivers/android" > "$tmp/diff" 2>&1; then
		tap ok "drivers/android/ after the series is identical to the work tree's"
	else
		tap fail "drivers/android/ after the series differs from the work tree's" "$tmp/diff"
	fi
	: > "$tmp/diff"
	for f in $(cd "$REPO/Documentation" && find binder_alloc* -type f); do
		cmp "$REPO/Documentation/$f" "$tree/Documentation/driver-api/$f" >> "$tmp/diff" 2>&1
	done
	entry=binder_alloc
	[ -f "$REPO/Documentation/binder_alloc.rst" ] || entry=binder_alloc/index
	grep -qx "   $entry" "$tree/Documentation/driver-api/index.rst" ||
		echo "Documentation/driver-api/index.rst lists no '$entry'" >> "$tmp/diff"
	if [ -s "$tmp/diff" ]; then
		tap fail "Documentation/driver-api/ after the series" "$tmp/diff"
	else
		tap ok "Documentation/driver-api/binder_alloc* identical to ours and in the driver-api toctree"
	fi
	: > "$tmp/diff"
	for d in $tools_dirs; do
		diff -r "$REPO/$d" "$tree/$d" >> "$tmp/diff" 2>&1
	done
	if [ -s "$tmp/diff" ]; then
		tap fail "tools/ after the series differs from ours ($(echo $tools_dirs))" "$tmp/diff"
	else
		tap ok "tools/ after the series: $(echo $tools_dirs) identical to ours"
	fi
	if [ $am_ok = 1 ]; then
		: > "$tmp/diff"
		for f in $touched; do
			if [ -e "$tree/$f" ] || [ -e "$am/$f" ]; then
				cmp "$am/$f" "$tree/$f" >> "$tmp/diff" 2>&1
			fi
		done
		if [ -s "$tmp/diff" ]; then
			tap fail "git am and patch -p1 give different files" "$tmp/diff"
		else
			tap ok "git am and patch -p1 give the same files"
		fi
	fi
fi

# --- checkpatch results. It warns FILE_PATH_CHANGES ("does MAINTAINERS
# need updating?") on any patch that adds or deletes a file and does not
# touch MAINTAINERS; that warning is accepted when a MAINTAINERS section
# other than THE REST covers each such file (get_maintainer.pl).
wait
covered() {	# FILE: is FILE (in the patched tree, or the pristine one) maintained?
	for t in "$tree" "$PRISTINE"; do
		[ -e "$t/$1" ] || continue
		(cd "$t" && scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats --no-email --no-l --subsystem -f "$1" 2>/dev/null) |
			grep -v -x 'THE REST' | grep -q .
		return
	done
	return 1
}
for p in $patches; do
	name=$(basename "$p" .patch)
	cpo="$tmp/$name.patch.checkpatch"
	types=$(sed -n 's/^\(ERROR\|WARNING\|CHECK\):\([A-Z_]*\):.*/\2/p' "$cpo" | sort -u)
	if [ "$(cat "$tmp/$name.patch.status")" = 0 ] && [ ! -s "$cpo" ]; then
		tap ok "checkpatch --strict $name: clean"
	elif [ "$types" = FILE_PATH_CHANGES ]; then
		files=$(awk '/^diff --git /{f=$3} /^(new|deleted) file mode/{print substr(f, 3)}' "$p")
		sections=
		for f in $files; do
			if ! covered "$f"; then
				sections="$sections $f"
			fi
		done
		if [ -z "$sections" ]; then
			tap ok "checkpatch --strict $name: clean but for FILE_PATH_CHANGES; MAINTAINERS covers the added or deleted files ($(echo $files))"
		else
			echo "not covered by any MAINTAINERS section:$sections" >> "$cpo"
			tap fail "checkpatch --strict $name" "$cpo"
		fi
	else
		tap fail "checkpatch --strict $name" "$cpo"
	fi
done
finish
