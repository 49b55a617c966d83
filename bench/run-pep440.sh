#!/bin/sh
# run-pep440.sh - bench/pep440 next to Python's packaging on the same corpus.
#
#   bench/run-pep440.sh [CORPUS.json.gz] [BUILD_DIR]
#
# Needs python3-packaging (scripts/install-deps --bench); PYTHON picks the
# interpreter (default /usr/bin/python3, Debian's, which has it).  Prints both
# result lines and the speed ratios.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus/pypi-subset.json.gz}
build=${2:-$top/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

case "$corpus" in
*.gz) gzip -dc "$corpus" >"$tmp/corpus.json" ;;
*) cp "$corpus" "$tmp/corpus.json" ;;
esac
[ -x "$build/bench/pep440" ] || make -C "$build" bench/pep440 >/dev/null

"$build/bench/pep440" "$tmp/corpus.json" 5 >"$tmp/c.txt"
"${PYTHON:-/usr/bin/python3}" "$top/bench/pep440_packaging.py" "$tmp/corpus.json" 1 >"$tmp/py.txt"
echo "cvlock:";    cat "$tmp/c.txt"
echo "packaging:"; cat "$tmp/py.txt"
awk '
	FNR == NR && /^versions/ { cv = $NF } FNR == NR && /^requirements/ { cr = $NF }
	FNR != NR && /^versions/ { pv = $NF } FNR != NR && /^requirements/ { pr = $NF }
	END { printf "ratio: versions %.0fx, requirements %.0fx\n", cv / pv, cr / pr }
' "$tmp/c.txt" "$tmp/py.txt"
