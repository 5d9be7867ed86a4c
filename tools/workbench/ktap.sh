# Sourced by the workbench scripts that write TAP: the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh ($KTAP_HELPERS, else
# that of $PRISTINE), and one function on top of it.
. "${KTAP_HELPERS:-$PRISTINE/tools/testing/selftests/kselftest/ktap_helpers.sh}"

# ktap_check STATUS DESCRIPTION [FINDINGS_FILE]: one result, ok if STATUS
# is 0 or "ok", with the findings under it as diagnostics.
ktap_check() {
	set -f	# ktap_helpers.sh echoes the description unquoted
	case $1 in
	0|ok) ktap_test_pass "$2" ;;
	*) ktap_test_fail "$2" ;;
	esac
	set +f
	if [ $# -gt 2 ] && [ -s "$3" ]; then
		sed 's/^/# /' "$3"
	fi
	return 0
}
