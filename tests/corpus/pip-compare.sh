#!/bin/sh
# pip-compare.sh - what pip 23 makes of every root set of the corpus.
#
#   tests/corpus/pip-compare.sh [INDEXDIR] [SET...]
#
# Serves the corpus index (INDEXDIR, built by tests/lib/mkindex-corpus.py;
# built into a temporary directory when not given) on 127.0.0.1 with
# tests/lib/server.py and runs, for every set (default: all of
# tests/corpus/requirements/*.in),
#
#   python3 -m pip install --dry-run --ignore-installed --target T --report R \
#       --python-version 3.11 --platform manylinux_2_28_x86_64 \
#       --platform manylinux_2_27_x86_64 ... --platform manylinux1_x86_64 \
#       --implementation cp --only-binary=:all: -r SET.in
#
# (pip 23 takes a --platform literally, without the older glibc versions a
# manylinux_2_28 system accepts, so they are all listed, as packaging's
# tags give them on a glibc 2.28 machine.)
# offline (proxies point at a closed port, no cache, no config file), then
# writes tests/corpus/pip-results.txt (or $PIP_RESULTS): one line per set,
# tab-separated: set, outcome (solved | failed | timeout), seconds, the
# number of packages, and pip's pins (name==version, sorted) or the reason
# it failed.  When SETs are given only their lines are replaced.
# Slow (minutes): run by hand, not by `make check`.  PIP_PYTHON chooses the
# interpreter (default python3, pip 23.2.1 from pyenv), PIP_TIMEOUT the
# limit per set in seconds (default 1800).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PY=${PIP_PYTHON:-python3}
LIMIT=${PIP_TIMEOUT:-1800}
OUT=${PIP_RESULTS:-$here/pip-results.txt}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pip-compare.XXXXXX") || exit 1
srv_pid=
cleanup() {
	test -n "$srv_pid" && kill "$srv_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if test $# -gt 0 && test -d "$1"; then
	idx=$(cd "$1" && pwd)
	shift
else
	idx=$tmp/index
	"$PY" "$top/tests/lib/mkindex-corpus.py" -q \
		"$here/pypi-subset.json.gz" "$idx" 2>"$tmp/mkindex.err" || {
		cat "$tmp/mkindex.err" >&2
		exit 1
	}
fi
if test $# -gt 0; then
	sets="$*"
else
	sets=$(cd "$here/requirements" && ls ./*.in | sed 's|^\./||; s|\.in$||')
fi

"$PY" "$top/tests/lib/server.py" --root "$idx" --port-file "$tmp/port" \
	--pid-file "$tmp/pid" --log "$tmp/log" --parent $$ \
	--idle-timeout 3600 </dev/null >"$tmp/server.err" 2>&1 &
srv_pid=$!
i=0
while ! test -s "$tmp/port"; do
	i=$((i + 1))
	if test $i -gt 400; then
		cat "$tmp/server.err" >&2
		exit 1
	fi
	sleep 0.05
done
url="http://127.0.0.1:$(cat "$tmp/port")/simple/"
plats=
for m in $(seq 28 -1 5); do
	plats="$plats --platform manylinux_2_${m}_x86_64"
	case $m in
	17) plats="$plats --platform manylinux2014_x86_64" ;;
	12) plats="$plats --platform manylinux2010_x86_64" ;;
	5) plats="$plats --platform manylinux1_x86_64" ;;
	esac
done
"$PY" -m pip --version >&2

mkdir -p "$tmp/home"
: >"$tmp/new"
for s in $sets; do
	rm -f "$tmp/report.json"
	t0=$(date +%s.%N)
	env HOME="$tmp/home" PIP_CONFIG_FILE=/dev/null \
		PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
		PIP_KEYRING_PROVIDER=disabled \
		http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 \
		HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 \
		ALL_PROXY=http://127.0.0.1:9 no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 \
		timeout -k 10 "$LIMIT" "$PY" -m pip install --dry-run \
		--ignore-installed --target "$tmp/target" --quiet --no-cache-dir \
		--report "$tmp/report.json" --index-url "$url" \
		--python-version 3.11 $plats \
		--implementation cp --only-binary=:all: \
		-r "$here/requirements/$s.in" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc | sed 's/^\./0./')
	secs=$(printf '%.1f' "$secs")
	if test $rc = 0; then
		"$PY" - "$tmp/report.json" "$s" "$secs" >>"$tmp/new" <<-\EOF
		import json, re, sys
		rep = json.load(open(sys.argv[1]))
		pins = sorted("%s==%s" % (re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower(),
		                          i["metadata"]["version"]) for i in rep["install"])
		print("\t".join([sys.argv[2], "solved", sys.argv[3], str(len(pins)), " ".join(pins)]))
		EOF
	else
		if test $rc = 124 || test $rc = 137; then
			outcome=timeout
			why="no answer within ${LIMIT} s"
		else
			outcome=failed
			# pip's own sentence: the first ERROR line, or the
			# resolver's summary
			why=$(grep -m1 '^ERROR' "$tmp/err" |
				sed 's/^ERROR: //' | cut -c1-300)
			test -n "$why" || why=$(tail -1 "$tmp/err" | cut -c1-300)
		fi
		printf '%s\t%s\t%s\t-\t%s\n' "$s" "$outcome" "$secs" "$why" \
			>>"$tmp/new"
	fi
	tail -1 "$tmp/new" | cut -c1-150 >&2
done

{
	echo "# pip $("$PY" -m pip --version | cut -d' ' -f2) on the corpus index, written by tests/corpus/pip-compare.sh"
	echo "# set	outcome	seconds	packages	pins or reason"
	if test -f "$OUT"; then
		grep -v '^#' "$OUT" | while IFS='	' read -r name rest; do
			grep -q "^$name	" "$tmp/new" || printf '%s\t%s\n' "$name" "$rest"
		done
	fi
	cat "$tmp/new"
} | { read -r a; read -r b; echo "$a"; echo "$b"; sort; } >"$tmp/out.txt"
mv "$tmp/out.txt" "$OUT"
