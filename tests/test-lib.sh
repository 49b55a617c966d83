# test-lib.sh - tiny TAP-style harness for end-to-end CLI tests (after git's t/test-lib.sh).
#
#   . "$top_srcdir/tests/test-lib.sh"
#   test_expect_success 'what it checks' '
#       cvlock --version >out &&
#       test_cmp expect out
#   '
#   test_done
#
# Each test runs in a fresh trash directory's subshell with set -e off;
# a test passes when its body's last command (of an && chain) succeeds.
# test_done prints "N passed, N failed" and exits non-zero on any failure.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${CVLOCK:=$top_builddir/cvlock}"
export top_srcdir top_builddir CVLOCK

test_name=$(basename "$0" .sh)
TRASH="$top_builddir/tests/trash.$test_name"
rm -rf "$TRASH"
mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1

# Keep users' settings out of the tests.
unset CVLOCK_CACHE_DIR CVLOCK_VENV NO_COLOR
export LC_ALL=C TZ=UTC HOME="$TRASH/home" XDG_CACHE_HOME="$TRASH/cache"
mkdir -p "$HOME"

test_count=0
test_passed=0
test_failed=0

cvlock() {
	"$CVLOCK" "$@"
}

test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out.$test_count" 2>&1; then
		test_passed=$((test_passed + 1))
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out.$test_count"
		printf '#   test body:%s\n' "$(echo "$2" | sed 's/^/#     /')"
	fi
}

# test_expect_code CODE CMD...: run CMD, require exit status CODE.
test_expect_code() {
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "expected exit status $want, got $got: $*" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL: compare files byte for byte, showing a diff.
test_cmp() {
	diff -u "$1" "$2"
}

# test_atexit CMD: run CMD (e.g. stop a server) when the script ends, from
# test_done or on any other exit.
test_atexit_cmds=
test_atexit() {
	test_atexit_cmds="$test_atexit_cmds
$1"
}
test_run_atexit() {
	cmds=$test_atexit_cmds
	test_atexit_cmds=
	eval "$cmds"
}
trap 'test_run_atexit' EXIT

test_done() {
	test_run_atexit
	echo "1..$test_count"
	echo "$test_passed passed, $test_failed failed"
	if [ "$test_failed" -eq 0 ]; then
		cd "$top_builddir" && rm -rf "$TRASH"
		exit 0
	fi
	exit 1
}
