# Sourced by the tools/workbench/module/ scripts (sh). What they share:
#   KVER      Debian's kernel ABI the module is for (make KVER=...); by default
#             derived from linux-source-6.12's version: 6.12.117-1~deb12u1
#             gives 6.12.117+deb12-amd64
#   VERSION   the module's version: git describe --always --dirty of $REPO
#   DEB       $BA_CACHE/debian/$KVER: Debian's packages and what we extract
#   MOD       $BA_CACHE/module/$KVER: the assembled source, built in place
# and the functions fail, debian_pkg (fetch a package into $DEB/debs) and
# headers_dir (the kbuild directory to build against).

fail() {
	echo "$*" >&2
	exit 1
}

if [ -z "$KVER" ]; then
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
		fail "no linux-source-6.12 package to take the kernel version from: apt-get install linux-source-6.12, or give make KVER=<ABI> (e.g. KVER=6.12.117+deb12-amd64)"
	upstream=${srcver%%-*}
	case $srcver in
	*~deb[0-9]*) deb=${srcver##*~deb}; deb=${deb%%[!0-9]*} ;;
	*) deb=$(cut -d. -f1 /etc/debian_version 2>/dev/null) ;;
	esac
	case $deb in
	''|*[!0-9]*) fail "cannot tell the Debian release of linux-source-6.12 $srcver: give make KVER=<ABI> (e.g. KVER=6.12.117+deb12-amd64)" ;;
	esac
	KVER=$upstream+deb$deb-$(dpkg --print-architecture)
fi
case $KVER in
6.12.*-*) ;;
*) fail "KVER=$KVER: want a Debian 6.12 kernel ABI such as 6.12.117+deb12-amd64 (binder.c and binderfs.c come from linux-source-6.12)" ;;
esac

VERSION=$(git -C "$REPO" describe --always --dirty 2>/dev/null) ||
	fail "cannot run git describe in $REPO: the module's version comes from it; run from a git checkout"
DEB=$BA_CACHE/debian/$KVER
MOD=$BA_CACHE/module/$KVER
export KVER VERSION DEB MOD

# debian_pkg NAME: NAME's .deb in $DEB/debs, downloaded (never installed) if
# missing; prints its path.
debian_pkg() {
	mkdir -p "$DEB/debs"
	set -- "$1" "$(ls "$DEB/debs/$1"_*.deb 2>/dev/null | head -n 1)"
	if [ -z "$2" ]; then
		# as root, apt's sandbox user could not write into the cache
		(cd "$DEB/debs" && apt-get download -q -o APT::Sandbox::User=root "$1") \
			> "$DEB/debs/apt.log" 2>&1 ||
			fail "no package $1 in the apt lists: run apt-get update; apt-cache search linux-headers-6.12 lists the ABIs to give as KVER= (now $KVER)"
		set -- "$1" "$(ls "$DEB/debs/$1"_*.deb | head -n 1)"
	fi
	echo "$2"
}

# headers_dir: /lib/modules/$KVER/build when it is there (headers
# installed), else Debian's headers extracted into $DEB/root: the
# linux-headers-$KVER package and the two it depends on (-common, kbuild).
# Their symlinks are relative, but the arch Makefile includes the common
# one by its absolute path under /usr/src: pointed at the extracted one.
headers_dir() {
	if [ -e "/lib/modules/$KVER/build/Makefile" ]; then
		echo "/lib/modules/$KVER/build"
		return
	fi
	dir=$DEB/root/usr/src/linux-headers-$KVER
	if [ ! -e "$DEB/root/.extracted" ]; then
		main=$(debian_pkg "linux-headers-$KVER") || exit 1
		deps=$(dpkg-deb -f "$main" Depends | tr ',' '\n' |
			sed -n 's/^ *\(linux-\(headers\|kbuild\)-[^ ]*\).*/\1/p')
		debs=$main
		for d in $deps; do
			debs="$debs $(debian_pkg "$d")" || exit 1
		done
		rm -rf "$DEB/root"
		mkdir -p "$DEB/root"
		for p in $debs; do
			dpkg-deb -x "$p" "$DEB/root" || fail "cannot extract $p: delete it and run again"
		done
		[ -e "$dir/Makefile" ] || fail "linux-headers-$KVER has no $dir/Makefile: not a kernel headers package?"
		sed -i "s|^include /usr/src/|include $DEB/root/usr/src/|" "$dir/Makefile"
		touch "$DEB/root/.extracted"
	fi
	echo "$dir"
}
