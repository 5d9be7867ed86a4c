#!/bin/sh
# kconfig.sh BUILD_DIR FRAGMENT...: configure an x86_64 kernel in BUILD_DIR
# as allnoconfig plus the fragments, merged by the tree's
# scripts/kconfig/merge_config.sh (a later fragment overrides an earlier
# one), then check that every symbol the merged fragment asks for really
# got its value: Kconfig silently drops a symbol whose dependencies are
# not met, and merge_config.sh only warns about it.
# Reconfigures only when the fragments or drivers/android/Kconfig changed.
set -e
out=$1; shift
mkdir -p "$out"
{ cat "$@"; echo "# drivers/android/Kconfig $(md5sum < "$WORK/drivers/android/Kconfig")"; } \
	> "$out/ba.fragment.new"
if [ -e "$out/.config" ] && cmp -s "$out/ba.fragment.new" "$out/ba.fragment"; then
	rm "$out/ba.fragment.new"
	exit 0
fi
mv "$out/ba.fragment.new" "$out/ba.fragment"
# merge_config.sh -m only merges (into $KCONFIG_CONFIG, its temporary
# files in the current directory); allnoconfig is ours, to pass CC.
merged=$out/ba.merged
(cd "$out" && KCONFIG_CONFIG=$merged "$WORK/scripts/kconfig/merge_config.sh" -m "$@") \
	> "$out/kconfig.log" 2>&1 &&
make -s -C "$WORK" O="$out" CC="ccache gcc" HOSTCC="ccache gcc" \
	KCONFIG_ALLCONFIG="$merged" allnoconfig >> "$out/kconfig.log" 2>&1 ||
	{ rm -f "$out/ba.fragment"; cat "$out/kconfig.log"; exit 1; }

bad=0
for line in $(grep -E '^CONFIG_[A-Z0-9_]+=' "$merged" | tr -d ' '); do
	sym=${line%%=*}
	grep -qxF -- "$line" "$out/.config" && continue
	if ! grep -rqsxE --include='Kconfig*' "(menu)?config ${sym#CONFIG_}" "$WORK"; then
		echo "kconfig: $sym is not in this tree (yet); ignored"
		continue
	fi
	echo "kconfig: wanted $line, got: $(grep -E "^(# )?$sym[= ]" "$out/.config" || echo unset)" >&2
	bad=1
done
for sym in $(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$merged"); do
	if grep -q "^$sym=" "$out/.config"; then
		echo "kconfig: wanted $sym off, got: $(grep "^$sym=" "$out/.config")" >&2
		bad=1
	fi
done
if [ $bad != 0 ]; then
	rm -f "$out/ba.fragment"	# try again next time
	echo "kconfig: $out/.config lacks what the fragments ask for: fix the dependencies in $*" >&2
	exit 1
fi
