#!/bin/sh
# mkpatch.sh OUTDIR: write the patch series that turns drivers/android/ of
# the pristine tree into ours and adds our documentation, as
# `git format-patch --cover-letter` mbox files in OUTDIR.
#
# The series is made from the files as they are in the checkout (not from
# its history) in a throw-away git repository seeded with the pristine
# versions of the files the series touches, one commit per patch:
#   1  the allocator: binder_alloc.[ch], binder_shrinker.c, Kconfig and
#      Makefile without the KUnit option, binder_alloc_selftest.c deleted
#   2  the KUnit suite: binder_alloc_kunit.c, .kunitconfig, Kconfig and
#      Makefile as they are
#   3  the documentation, in Documentation/driver-api/, with its toctree
#      entry and a MAINTAINERS line
#   4  the kselftests and the binder library they link (tools_dirs of
#      files.sh, at the same paths), their TARGETS line in
#      tools/testing/selftests/Makefile and their MAINTAINERS lines
# Messages are tools/workbench/series/*.txt (first line: the subject).
# Author, committer and Signed-off-by: see author() below. Every date is
# that of the checkout's HEAD commit (or $SOURCE_DATE_EPOCH), so the same
# files give the same series.
#
# mkpatch.sh --check OUTDIR is what make test runs: the author is always the
# HEAD commit's, whatever identity (if any) the machine has, so the check
# passes on a machine with no git identity and gives the same series on
# every machine.
set -eu
mode=mail
if [ "${1:-}" = --check ]; then
	mode=check
	shift
fi
out=${1:?usage: mkpatch.sh [--check] OUTDIR}
android=drivers/android
msgs=$WB/series
. "$WB/files.sh"
die() { echo "mkpatch: $*" >&2; exit 1; }

git -C "$REPO" rev-parse --verify -q HEAD >/dev/null 2>&1 ||
	die "$REPO is not a git checkout with a commit: the series takes its dates and fallback author from HEAD; clone the repository with git"

# author: sets $name and $email, and says where they came from when that is
# not the user's own identity. BA_PATCH_AUTHOR="Name <email>" overrides.
author() {
	if [ -n "${BA_PATCH_AUTHOR:-}" ]; then
		name=${BA_PATCH_AUTHOR% <*}
		email=${BA_PATCH_AUTHOR##*<}
		email=${email%>}
		[ "$name" != "$BA_PATCH_AUTHOR" ] && [ -n "$email" ] ||
			die "BA_PATCH_AUTHOR='$BA_PATCH_AUTHOR': want 'Name <email>'"
		return
	fi
	if [ "$mode" = mail ] &&
	   name=$(git -C "$REPO" config user.name) &&
	   email=$(git -C "$REPO" config user.email); then
		return
	fi
	name=$(git -C "$REPO" log -1 --format=%an)
	email=$(git -C "$REPO" log -1 --format=%ae)
	[ "$mode" = check ] ||
		echo "mkpatch: no git identity (user.name/user.email); author taken from the HEAD commit: $name <$email>; to sign as yourself: git config --global user.name 'Your Name'; git config --global user.email you@example.org (or BA_PATCH_AUTHOR='Name <email>')" >&2
}
author
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct)}
# No global or system git configuration: it could change the output.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email"
export GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email"
export GIT_AUTHOR_DATE="$epoch +0000" GIT_COMMITTER_DATE="$epoch +0000"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/repo

# --- the kunit option, found from the Makefile line that builds the suite
kunit_sym=$(sed -n 's/.*\$(CONFIG_\([A-Z0-9_]*\)).*binder_alloc_kunit\.o.*/\1/p' "$REPO/Makefile")
[ "$(echo "$kunit_sym" | wc -w)" = 1 ] ||
	die "Makefile: expected one line building binder_alloc_kunit.o under \$(CONFIG_...), found: '$kunit_sym'"
grep -qx "CONFIG_$kunit_sym=y" "$REPO/.kunitconfig" ||
	die ".kunitconfig does not enable CONFIG_$kunit_sym"

# Kconfig of patch 1: ours without the entry of the KUnit option. An entry
# runs from its "config" line to the next line that starts an entry or a
# menu/if block (help text is indented, so it never matches).
kconfig_without_kunit() {
	awk -v sym="$kunit_sym" '
	/^(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|comment|mainmenu)([ \t]|$)/ {
		skip = ($1 == "config" || $1 == "menuconfig") && $2 == sym
	}
	!skip' "$REPO/Kconfig"
}
# Makefile of patch 1: ours without the line that builds the suite.
makefile_without_kunit() {
	grep -v "CONFIG_$kunit_sym)" "$REPO/Makefile" || true
}
# Check that patch 2's Kconfig and Makefile changes are pure additions of
# the option and its line, and that patch 1 keeps no trace of either.
check_intermediate() {	# FILE_OF_PATCH_1 OURS WHAT
	if grep -n -e "$kunit_sym" -e binder_alloc_kunit "$1" >&2; then
		die "$3 of patch 1 still mentions the KUnit suite (above)"
	fi
	if diff "$1" "$2" | grep '^[<|]' >&2; then
		die "$3: patch 2 would have to remove or change lines (above), not only add them"
	fi
	if [ "$3" = Makefile ] && grep -B1 "CONFIG_$kunit_sym)" "$2" | grep -q '\\$'; then
		die "Makefile: the KUnit line is part of a continued line; patch 1 cannot drop it alone"
	fi
}
mkdir -p "$tmp/mid"
kconfig_without_kunit > "$tmp/mid/Kconfig"
makefile_without_kunit > "$tmp/mid/Makefile"
check_intermediate "$tmp/mid/Kconfig" "$REPO/Kconfig" Kconfig
check_intermediate "$tmp/mid/Makefile" "$REPO/Makefile" Makefile

# --- the documentation: Documentation/binder_alloc.rst, or a directory
# Documentation/binder_alloc/ with an index.rst, goes to driver-api/.
docdir=Documentation/driver-api
if [ -f "$REPO/Documentation/binder_alloc.rst" ]; then
	doc_entry=binder_alloc
elif [ -f "$REPO/Documentation/binder_alloc/index.rst" ]; then
	doc_entry=binder_alloc/index
else
	die "no Documentation/binder_alloc.rst or Documentation/binder_alloc/index.rst"
fi
# The entry goes into the "Subsystem-specific APIs" toctree, before the
# first entry that sorts after it.
index_with_entry() {	# INDEX_RST
	awk -v entry="$doc_entry" '
	/^Subsystem-specific APIs$/ { section = 1 }
	section == 1 && /^\.\. toctree::/ { section = 2 }
	section == 2 && /^   [^ :]/ {
		e = substr($0, 4)
		if (e == entry) { dup = 1 }
		if (!done && e > entry) { print "   " entry; done = 1 }
	}
	section == 2 && !done && /^[^ ]/ && !/^\.\. toctree::/ { print "   " entry; done = 1 }
	{ print }
	END { if (!done || dup) exit 1 }' "$1"
}
# MAINTAINERS: the document belongs to ANDROID DRIVERS, listed before its
# F: drivers/android/ line.
if [ "$doc_entry" = binder_alloc ]; then
	doc_path=$docdir/binder_alloc.rst
else
	doc_path=$docdir/binder_alloc/
fi
maintainers_with_doc() {	# MAINTAINERS
	awk -v path="$doc_path" '
	/^ANDROID DRIVERS$/ { section = 1 }
	section && /^$/ { section = 0 }
	section && $0 == "F:\tdrivers/android/" && !done { print "F:\t" path; done = 1 }
	{ print }
	END { if (!done) exit 1 }' "$1"
}

# --- the repository: pristine versions of every file the series changes
git init -q -b binder-alloc "$r"
seed="$android/Kconfig $android/Makefile $android/binder_alloc.c
      $android/binder_alloc.h $android/binder_alloc_selftest.c
      $docdir/index.rst MAINTAINERS tools/testing/selftests/Makefile"
for f in $seed; do
	[ -f "$PRISTINE/$f" ] || die "the pristine tree has no $f"
	mkdir -p "$r/$(dirname "$f")"
	cp "$PRISTINE/$f" "$r/$f"
done
git -C "$r" add -A
git -C "$r" commit -q -m "linux $(MAKEFLAGS='' make -s -C "$PRISTINE" kernelversion) (Debian linux-source-6.12)"
git -C "$r" tag pristine

commit() {	# MESSAGE_FILE
	[ -s "$msgs/$1" ] || die "no commit message $msgs/$1"
	git -C "$r" add -A
	git -C "$r" commit -q -s -F "$msgs/$1"
}
ours() {	# NAME...: our driver files into drivers/android/
	for f; do
		[ -f "$REPO/$f" ] || die "the checkout has no $f"
		cp "$REPO/$f" "$r/$android/$f"
	done
}

# 1: the allocator: every source but the suite's
ours $(for f in $driver_sources; do
	case " $kunit_files " in *" $f "*) ;; *) echo "$f" ;; esac
done)
cp "$tmp/mid/Kconfig" "$tmp/mid/Makefile" "$r/$android/"
rm "$r/$android/binder_alloc_selftest.c"
commit 1-alloc.txt

# 2: the KUnit suite
ours $kunit_files Kconfig Makefile
commit 2-kunit.txt

# 3: the documentation
(cd "$REPO/Documentation" && find binder_alloc* -type f) | while read -r f; do
	mkdir -p "$r/$docdir/$(dirname "$f")"
	cp "$REPO/Documentation/$f" "$r/$docdir/$f"
done
index_with_entry "$PRISTINE/$docdir/index.rst" > "$r/$docdir/index.rst" ||
	die "$docdir/index.rst: no 'Subsystem-specific APIs' toctree to add $doc_entry to, or it is there already"
maintainers_with_doc "$PRISTINE/MAINTAINERS" > "$r/MAINTAINERS" ||
	die "MAINTAINERS: no 'F:	drivers/android/' line in ANDROID DRIVERS"
commit 3-docs.txt

# 4: the kselftests. The kselftest Makefile lists its TARGETS in
# order: ours goes before the first that sorts after it. MAINTAINERS:
# our directories after drivers/android/, where the documentation's
# line went in patch 3.
ksft_targets=
for d in $tools_dirs; do
	[ -d "$REPO/$d" ] || die "the checkout has no $d"
	mkdir -p "$r/$d"
	cp -R "$REPO/$d/." "$r/$d/"
	case $d in tools/testing/selftests/*) ksft_targets="$ksft_targets ${d#tools/testing/selftests/}" ;; esac
done
ksft_mk=tools/testing/selftests/Makefile
for t in $ksft_targets; do
	awk -v t="$t" '
	/^TARGETS \+= / && !done && $3 > t { print "TARGETS += " t; done = 1 }
	/^TARGETS \+= / && $3 == t { exit 1 }
	{ print }
	END { if (!done) exit 1 }' "$r/$ksft_mk" > "$tmp/ksft.mk" ||
		die "$ksft_mk: no place for TARGETS += $t, or it is there already"
	mv "$tmp/ksft.mk" "$r/$ksft_mk"
done
awk -v dirs="$(printf '%s\n' $tools_dirs | sort | tr '\n' ' ')" '
BEGIN { n = split(dirs, d, " ") }
/^ANDROID DRIVERS$/ { section = 1 }
section && /^$/ { section = 0 }
{ print }
section && $0 == "F:\tdrivers/android/" { for (i = 1; i <= n; i++) print "F:\t" d[i] "/"; done = 1 }
END { if (!done) exit 1 }' "$r/MAINTAINERS" > "$tmp/MAINTAINERS" ||
	die "MAINTAINERS: no 'F:	drivers/android/' line in ANDROID DRIVERS"
mv "$tmp/MAINTAINERS" "$r/MAINTAINERS"
commit 4-selftests.txt

# --- the series; the cover letter's subject and text are the branch
# description (its first paragraph is the subject).
git -C "$r" config branch.binder-alloc.description "$(cat "$msgs/0-cover.txt")"
git -C "$r" format-patch -q --cover-letter --cover-from-description=subject \
	--numbered --no-renames -o "$tmp/series" pristine..binder-alloc
mkdir -p "$out"
rm -f "$out"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp/series"/*.patch "$out/"
