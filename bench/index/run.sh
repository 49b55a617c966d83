#!/usr/bin/env bash
# bench/index/run.sh - the index client on a loopback index built from the
# real PyPI corpus: the pages and the PEP 658 metadata of every version of
# 500 projects, cold, warm (fresh cache: no request at all) and stale
# (--refresh: every page revalidated, 304s), against a plain sequential
# curl loop over the same URLs in the same run.
#
#   bench/index/run.sh [BUILD_DIR]      (default: the current directory)
#
# Needs ../shared next to the repository (the corpus and the bench scripts
# that build and serve the index), python3, curl, and bench/index-fetch
# built in BUILD_DIR (`make bench/index-fetch`).  Environment:
#   NPROJECTS=500   projects (evenly spaced in name order)
#   REPEAT=3        runs per measurement; the median is reported
#   CURL_REPEAT=1   runs of each curl baseline (minutes for 500 projects)
#   BENCH_SERVER=tests  tests/lib/server.py (threaded, TCP_NODELAY, logs every
#                   request); BENCH_SERVER=shared: ../shared/bench/serve.sh
#                   (nginx when installed; its Python fallback answers a
#                   keep-alive client only after a 40 ms delayed ACK,
#                   which would flatter cvlock against one curl process)
#   WORK=DIR        where the index, caches and logs go (default: a
#                   temporary directory, removed at the end)
#   CONCURRENCY=50  transfers at once for cvlock
#   LATENCY_MS=0    with tests/lib/server.py: answer every request this
#                   much later (a round trip to a real index, which a
#                   loopback does not have)
#   CURL_LOOP=1     0 skips the curl-process-per-URL loop (slow)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-.}" && pwd)
SHARED=${SHARED:-$(cd "$TOP/../shared" 2>/dev/null && pwd || true)}
NPROJECTS=${NPROJECTS:-500}
REPEAT=${REPEAT:-3}
CONCURRENCY=${CONCURRENCY:-50}
FETCH="$BUILD/bench/index-fetch"
ACCEPT='application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01'

die() { echo "run.sh: $*" >&2; exit 2; }
[ -n "$SHARED" ] && [ -f "$SHARED/corpus/pypi-subset.json.gz" ] ||
	die "../shared/corpus/pypi-subset.json.gz not found (set SHARED=...)"
[ -x "$FETCH" ] || die "$FETCH not built (make bench/index-fetch in $BUILD)"
command -v curl >/dev/null || die "curl is needed for the baseline"

OWN_WORK=
if [ -n "${WORK:-}" ]; then
	mkdir -p "$WORK"
	WORK=$(cd "$WORK" && pwd)
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/cvlock-bench-index.XXXXXX")
	OWN_WORK=1
fi
cleanup() {
	stop_server
	if [ -n "$OWN_WORK" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
BENCH=${BENCH_SERVER:-tests}
export SERVE_STATE_DIR="$WORK/serve"
mkdir -p "$SERVE_STATE_DIR"
PORT=

stop_server() {
	if [ "$BENCH" = shared ]; then
		[ -z "$PORT" ] || "$SHARED/bench/serve.sh" stop "$PORT" >/dev/null 2>&1 || true
	elif [ -f "$SERVE_STATE_DIR/server.pid" ]; then
		kill "$(cat "$SERVE_STATE_DIR/server.pid")" 2>/dev/null || true
	fi
}

# 1. A sub-corpus of NPROJECTS projects and its index.
python3 - "$SHARED/corpus/pypi-subset.json.gz" "$NPROJECTS" "$WORK" <<'EOF'
import gzip, json, sys
corpus = json.load(gzip.open(sys.argv[1]))
n = int(sys.argv[2])
names = sorted(k for k, v in corpus["packages"].items() if v)
step = len(names) / n
pick = [names[int(i * step)] for i in range(min(n, len(names)))]
sub = {"packages": {k: corpus["packages"][k] for k in pick}}
json.dump(sub, open(sys.argv[3] + "/corpus.json", "w"))
open(sys.argv[3] + "/names.txt", "w").write("".join(k + "\n" for k in pick))
EOF
t=$(date +%s.%N)
# a kept WORK directory keeps its index (the build takes a while)
if ! cmp -s "$WORK/names.txt" "$WORK/index/names.txt" 2>/dev/null; then
	python3 "$SHARED/bench/mkindex.py" "$WORK/corpus.json" "$WORK/index" --force -q -j 2 \
		2>"$WORK/mkindex.err" || { cat "$WORK/mkindex.err" >&2; exit 1; }
	cp "$WORK/names.txt" "$WORK/index/names.txt"
fi
echo "index: $(wc -l <"$WORK/names.txt") projects, $(find "$WORK/index/files" -name '*.whl' | wc -l) wheels, built in $(echo "$(date +%s.%N) - $t" | bc | cut -c1-5) s" >&2

# 2. Serve it on loopback.
LOG="$SERVE_STATE_DIR/access.log"
if [ "$BENCH" = shared ]; then
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	SERVER=${SERVE_KIND:-auto} "$SHARED/bench/serve.sh" "$WORK/index" "$PORT" >/dev/null 2>"$WORK/serve.err"
	kind="$(cat "$SERVE_STATE_DIR/server.kind" 2>/dev/null) (../shared/bench/serve.sh)"
else
	rules='{}'
	if [ "${LATENCY_MS:-0}" != 0 ]; then
		rules="{\"rules\": [{\"fault\": \"slow\", \"delay\": $(awk "BEGIN { print ${LATENCY_MS} / 1000 }")}]}"
	fi
	echo "$rules" >"$SERVE_STATE_DIR/rules.json"
	rm -f "$SERVE_STATE_DIR/port"
	python3 "$TOP/tests/lib/server.py" --root "$WORK/index" \
		--port-file "$SERVE_STATE_DIR/port" --pid-file "$SERVE_STATE_DIR/server.pid" \
		--log "$LOG" --rules "$SERVE_STATE_DIR/rules.json" \
		--max-age 600 --idle-timeout 3600 --parent $$ \
		</dev/null >"$WORK/serve.err" 2>&1 &
	for _ in $(seq 100); do [ -s "$SERVE_STATE_DIR/port" ] && break; sleep 0.1; done
	PORT=$(cat "$SERVE_STATE_DIR/port")
	kind="tests/lib/server.py, ${LATENCY_MS:-0} ms added to every answer"
fi
URL="http://127.0.0.1:$PORT/simple/"

requests() { sleep 0.3; wc -l <"$LOG" | tr -d ' '; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
field() { sed -n "s/^\(.* \)*$1 \([0-9.]*\).*/\2/p"; }

# run_fetch MODE: one index-fetch run; prints "wall requests_seen_by_server"
run_fetch() {
	local mode=$1 args=() out
	case $mode in
	cold) rm -rf "$WORK/cache"; args=(--cache-dir "$WORK/cache" --urls "$WORK/urls.txt") ;;
	warm) args=(--cache-dir "$WORK/cache") ;;
	stale) args=(--cache-dir "$WORK/cache" --refresh) ;;
	esac
	: >"$LOG"
	out=$("$FETCH" --index-url "$URL" --concurrency "$CONCURRENCY" "${args[@]}" "$WORK/names.txt")
	echo "$mode: $out" >>"$WORK/fetch.log"
	echo "$(echo "$out" | field wall_s) $(requests) $(echo "$out" | field metadata) $(echo "$out" | field pages)"
}

declare -A WALL REQ
for mode in cold warm stale; do
	: >"$WORK/$mode.runs"
	for i in $(seq "$REPEAT"); do
		if [ "$mode" != cold ]; then
			run_fetch cold >/dev/null # the state each mode starts from
		fi
		run_fetch "$mode" >>"$WORK/$mode.runs"
	done
	WALL[$mode]=$(cut -d' ' -f1 "$WORK/$mode.runs" | median)
	REQ[$mode]=$(cut -d' ' -f2 "$WORK/$mode.runs" | median)
done
read -r _ _ NMETA NPAGES <"$WORK/cold.runs"
NURLS=$(wc -l <"$WORK/urls.txt")

# 3. The baseline: the same URLs, one after the other, with curl.
curl_loop() {
	local t u
	t=$(date +%s.%N)
	while read -r u; do
		curl -sS --fail -o /dev/null --compressed -H "Accept: $ACCEPT" "$u"
	done <"$WORK/urls.txt"
	echo "$(date +%s.%N) - $t" | bc
}
curl_one() {
	local t
	sed "s/.*/url = \"&\"\noutput = \"\/dev\/null\"/" "$WORK/urls.txt" >"$WORK/curl.cfg"
	t=$(date +%s.%N)
	curl -sS --fail --compressed -H "Accept: $ACCEPT" -K "$WORK/curl.cfg"
	echo "$(date +%s.%N) - $t" | bc
}
if [ "${CURL_LOOP:-1}" = 1 ]; then
	for i in $(seq "${CURL_REPEAT:-1}"); do curl_loop; done | median >"$WORK/curl_loop"
else
	echo 0 >"$WORK/curl_loop"
fi
for i in $(seq "${CURL_REPEAT:-1}"); do curl_one; done | median >"$WORK/curl_one"
CURL_LOOP=$(cat "$WORK/curl_loop")
CURL_ONE=$(cat "$WORK/curl_one")

ratio() { if [ "$1" = 0 ]; then echo "-"; else echo "$(echo "scale=1; $1 / $2" | bc)x"; fi; }
CURL_LOOP_SHOWN=$CURL_LOOP
[ "$CURL_LOOP" != 0 ] || CURL_LOOP_SHOWN="not run"
cat <<EOF
server: $kind, $(nproc) cores; $NPAGES pages + $NMETA metadata files = $NURLS URLs; median of $REPEAT (curl: ${CURL_REPEAT:-1})
| run | wall s | requests seen by the server | vs curl loop | vs one curl process |
|---|---|---|---|---|
| cvlock cold (concurrency $CONCURRENCY) | ${WALL[cold]} | ${REQ[cold]} | $(ratio "$CURL_LOOP" "${WALL[cold]}") | $(ratio "$CURL_ONE" "${WALL[cold]}") |
| cvlock warm, fresh cache | ${WALL[warm]} | ${REQ[warm]} | $(ratio "$CURL_LOOP" "${WALL[warm]}") | $(ratio "$CURL_ONE" "${WALL[warm]}") |
| cvlock stale (--refresh: 304s) | ${WALL[stale]} | ${REQ[stale]} | $(ratio "$CURL_LOOP" "${WALL[stale]}") | $(ratio "$CURL_ONE" "${WALL[stale]}") |
| curl, one process per URL, sequential | $CURL_LOOP_SHOWN | $NURLS | 1.0x | |
| curl, one process, sequential keep-alive | $CURL_ONE | $NURLS | | 1.0x |
EOF
