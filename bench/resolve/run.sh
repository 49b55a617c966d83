#!/bin/sh
# run.sh - cvlock resolve next to pip 23's resolver, on one loopback index.
#
#   bench/resolve/run.sh CVLOCK [WORKDIR] [REPS]
#
# Builds the synthetic corpora of ../shared/bench (gen_synthetic.py, seed 1)
# and their indexes (../shared/bench/mkindex.py), serves each on 127.0.0.1
# (serve_py.py), and times, REPS times each (default 3), for every
# requirement set: cvlock resolve cold (empty cache) and warm (the cache of
# the previous run), and `pip install --dry-run --ignore-installed --report`
# cold (--no-cache-dir) and warm (its own cache).  Both resolve for the
# python3 on PATH (pip cannot target another interpreter without --target).
# Prints one line per (set, tool, mode) with the median wall time and peak
# RSS, then the ratios; nothing touches the network beyond 127.0.0.1.
# SETS="boto" limits the requirement sets (pip needs ~1 minute a run on boto).
set -eu
cvlock=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cvlock-bench.XXXXXX")}
reps=${3:-3}
shared=${SHARED_BENCH:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/bench}
port=${PORT:-18732}
mkdir -p "$work"
cd "$work"

[ -d corpora ] || python3 "$shared/gen_synthetic.py" corpora --seed 1 >/dev/null

# median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed OUTFILE CMD...: append "seconds kilobytes" of one run
timed() {
	_out=$1
	shift
	/usr/bin/time -f "%e %M" -o "$_out.t" "$@" >/dev/null 2>&1 || true
	cat "$_out.t" >>"$_out"
}

for set in ${SETS:-boto boto-unsat unsat}; do
	corpus=$(sed -n '1s/^# [^:]*: corpus \(.*\)$/\1/p' "corpora/$set.txt")
	[ -n "$corpus" ] || corpus=$set.json
	idx=index-${corpus%.json}
	[ -d "$idx" ] || python3 "$shared/mkindex.py" "corpora/$corpus" "$idx" >/dev/null
	python3 "$shared/serve_py.py" "$idx" "$port" >/dev/null 2>&1 &
	srv=$!
	sleep 1
	url="http://127.0.0.1:$port/simple/"
	rm -f "$set".*.times
	i=0
	while [ "$i" -lt "$reps" ]; do
		rm -rf cache pipcache out && mkdir out
		timed "$set.cvlock-cold.times" "$cvlock" resolve -r "corpora/$set.txt" \
			-o out/pylock.toml --index-url "$url" --cache-dir cache
		timed "$set.cvlock-warm.times" "$cvlock" resolve -r "corpora/$set.txt" \
			-o out/pylock.toml --index-url "$url" --cache-dir cache --upgrade
		timed "$set.pip-cold.times" python3 -m pip install --dry-run \
			--ignore-installed --quiet --report out/pip.json --no-cache-dir \
			--disable-pip-version-check --index-url "$url" -r "corpora/$set.txt"
		# fill pip's cache (not timed), then the timed warm run
		python3 -m pip install --dry-run --ignore-installed --quiet \
			--report out/pip.json --cache-dir pipcache \
			--disable-pip-version-check --index-url "$url" \
			-r "corpora/$set.txt" >/dev/null 2>&1 || true
		timed "$set.pip-warm.times" python3 -m pip install --dry-run \
			--ignore-installed --quiet --report out/pip.json --cache-dir pipcache \
			--disable-pip-version-check --index-url "$url" -r "corpora/$set.txt"
		i=$((i + 1))
	done
	kill "$srv"
	for mode in cold warm; do
		c=$(cut -d" " -f1 <"$set.cvlock-$mode.times" | median)
		cm=$(cut -d" " -f2 <"$set.cvlock-$mode.times" | median)
		p=$(cut -d" " -f1 <"$set.pip-$mode.times" | median)
		pm=$(cut -d" " -f2 <"$set.pip-$mode.times" | median)
		echo "$set $mode: cvlock ${c}s ${cm}KB, pip ${p}s ${pm}KB, pip/cvlock $(awk "BEGIN { if ($c > 0) printf \"%.1f\", $p / $c; else print \"inf\" }")"
	done
done
