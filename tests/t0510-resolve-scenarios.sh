#!/bin/sh
# The packse scenarios through the real pipeline: each scenario's index
# built by tests/lib/mkindex.py, resolved by cvlock resolve over file://
# (tests/run-scenarios-index; tests/run-scenarios does the same in memory).
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

if ! "$PYTHON" -c 'import tomllib' 2>/dev/null; then
	echo "1..0 # SKIP python3 >= 3.11 (tomllib) is needed"
	exit 77
fi

test_expect_success 'every applicable packse scenario resolves as expected' '
	"$PYTHON" "$top_srcdir/tests/run-scenarios-index" "$CVLOCK" \
		"$top_srcdir/tests/scenarios/packse_scenarios.json" >out &&
	tail -n 1 out &&
	! grep "^FAIL" out &&
	grep -q "^[1-9][0-9]* passed, 0 failed" out
'

test_done
