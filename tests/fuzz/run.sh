#!/bin/sh
# run.sh - run libFuzzer targets built by 'make fuzz' (from the build directory).
#
#   tests/fuzz/run.sh TARGET|all [SECONDS] [JOBS]
#
# Prints one summary line per target:
#   fuzz-TARGET: N runs in S s, corpus C files: ok | CRASH (see FILE)
set -u
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?usage: run.sh TARGET|all [SECONDS] [JOBS]}
secs=${2:-60}
jobs=${3:-2}
status=0

run_one() {
	t=$1
	bin=tests/fuzz/fuzz-$t
	if [ ! -x "$bin" ]; then
		echo "fuzz-$t: not built (run 'make fuzz')"
		return 1
	fi
	corpus=tests/fuzz/corpus-$t
	mkdir -p "$corpus"
	if [ -d "$here/seeds/$t" ]; then
		cp -n "$here/seeds/$t"/* "$corpus"/ 2>/dev/null
	fi
	log=tests/fuzz/fuzz-$t.log
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -artifact_prefix="tests/fuzz/crash-$t-" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	n=$(ls "$corpus" | wc -l)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz-$t: ${runs:-?} runs in $secs s, corpus $n files: ok"
	else
		echo "fuzz-$t: ${runs:-?} runs, exit $rc: CRASH (see $log)"
		grep -m 5 -E 'ERROR|runtime error|SUMMARY' "$log"
		return 1
	fi
}

if [ "$target" = all ]; then
	targets=$(ls tests/fuzz/ | sed -n 's/^fuzz-\([a-z0-9_]*\)$/\1/p')
	# run JOBS targets at a time
	set -- $targets
	while [ $# -gt 0 ]; do
		pids=""
		i=0
		while [ $i -lt "$jobs" ] && [ $# -gt 0 ]; do
			(run_one "$1") >"tests/fuzz/.summary-$1" &
			pids="$pids $!"
			shift
			i=$((i + 1))
		done
		for p in $pids; do
			wait "$p" || status=1
		done
	done
	cat tests/fuzz/.summary-*
	rm -f tests/fuzz/.summary-*
else
	run_one "$target" || status=1
fi
exit $status
