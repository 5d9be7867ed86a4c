#!/bin/sh
# Install the Debian packages the workbench needs, if any are missing.
set -e
pkgs="linux-source-6.12 gcc make libc6-dev flex bison bc libelf-dev libssl-dev
      python3 qemu-system-x86 busybox-static cpio sparse ccache perl xz-utils
      python3-docutils git patch rsync dkms kmod dwarves spin python3-matplotlib"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages:$missing; install them with: sudo apt-get install -y$missing" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
if [ ! -r "$BA_TARBALL" ]; then
	echo "no kernel source at $BA_TARBALL: install linux-source-6.12 (apt-get install linux-source-6.12) or set BA_TARBALL" >&2
	exit 1
fi
