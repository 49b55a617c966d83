#!/bin/sh
# Run toml-test's TOML 1.0.0 cases (tests/toml-test, copied byte-exact)
# through tests/toml-decoder, the way toml-test drives a decoder:
#   valid/**/*.toml    must decode to JSON equal to the .json beside it
#                      (compared by tests/toml-compare: by value, not text)
#   invalid/**/*.toml  must be rejected: exit status 1 and exactly one line
#                      "-:LINE:COLUMN: message" on standard error
# Prints one FAIL line per failing case and ends with "N passed, N failed".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"

decoder="$top_builddir/tests/toml-decoder"
compare="$top_builddir/tests/toml-compare"
cases="$top_srcdir/tests/toml-test"

for prog in "$decoder" "$compare"; do
	if [ ! -x "$prog" ]; then
		echo "toml-test: $prog is not built" >&2
		exit 1
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/toml-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

passed=0
failed=0

fail() {
	failed=$((failed + 1))
	echo "FAIL: $1"
}

(cd "$cases" && find valid invalid -name '*.toml' | LC_ALL=C sort) >"$tmp/list"
if [ ! -s "$tmp/list" ]; then
	echo "toml-test: no cases under $cases" >&2
	exit 1
fi

while read -r f; do
	case $f in
	valid/*)
		if ! "$decoder" <"$cases/$f" >"$tmp/out.json" 2>"$tmp/err"; then
			fail "$f: rejected: $(head -n 1 "$tmp/err")"
		elif ! "$compare" "$cases/${f%.toml}.json" "$tmp/out.json" 2>"$tmp/err"; then
			fail "$f: $(head -n 1 "$tmp/err")"
		else
			passed=$((passed + 1))
		fi
		;;
	invalid/*)
		"$decoder" <"$cases/$f" >"$tmp/out.json" 2>"$tmp/err"
		status=$?
		if [ "$status" -ne 1 ]; then
			fail "$f: accepted or crashed (exit status $status)"
		elif [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
		     ! grep -Eq '^-:[0-9]+:[0-9]+: .' "$tmp/err"; then
			fail "$f: error is not one line '-:LINE:COLUMN: message': $(head -n 1 "$tmp/err")"
		else
			passed=$((passed + 1))
		fi
		;;
	esac
done <"$tmp/list"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
