#!/usr/bin/env bash
# run.sh - cvlock sync next to pip 23 on the same ~40-package lock, served
# on 127.0.0.1: a new environment with cold and warm caches, and a no-op.
#
#   bench/sync/run.sh [--quick] CVLOCK [WORKDIR]
#
# Builds the index of bench/sync/gen_index.py (41 projects, 8,506 files,
# 255 MB unpacked, 64 MB of wheels) in WORKDIR/index, serves it (nginx
# when installed, else tests/lib/server.py), locks its requirements for
# the interpreter with `cvlock resolve` and exports the lock for pip with
# `cvlock export`.  Then ROUNDS rounds (5; --quick: 1), each timing, one
# after the other (cvlock first in odd rounds, pip first in even ones):
#   cvlock  venv        sync of an empty lock into a new directory: the
#                       venv creation alone
#           cold-into   sync into that (empty) environment, empty cache
#           cold        sync into a new directory, empty cache
#           warm-copy   sync into a new directory with the cache of cold,
#                       --link-mode copy
#           warm-into   the same (default link mode) into an empty
#                       environment (made as venv)
#           warm        sync into a new directory, the cache of cold
#           noop        sync again: nothing to do
#   pip     venv        python -m venv DIR (with pip, as users run it);
#                       venv2: the same for warm-into
#           cold-into   DIR/bin/python -m pip install --no-deps
#                       --require-hashes -r requirements.txt
#                       --index-url URL --cache-dir C, C empty
#           warm-into   the same into a new venv, C filled by cold-into
#           noop        the same again into that environment
# every cvlock command being `cvlock sync LOCK --python PY --venv DIR
# --cache-dir C`.  pip's "cold" and "warm" (a new environment, as cvlock's)
# are venv + cold-into and venv2 + warm-into of the same round.  After the
# first round both environments are checked (untimed): every module
# imports, a console script runs, and pip list shows exactly the lock's
# packages at the lock's versions, in both.
#
# Output in WORKDIR/results-TIMESTAMP (OUT): runs.csv (tool, mode, run,
# wall_s, cpu_s, rss_kb, exit, load1), summary.csv, table.md, sync.png,
# machine.txt and runs/TOOL/MODE-N/ (stdout, stderr, time).  Wall time is
# measured by bash ($EPOCHREALTIME, microseconds), CPU (user + system of
# the process tree) and peak RSS by /usr/bin/time.
#
# Nothing is deleted between the timed runs: the trees a run leaves are
# moved to WORKDIR/trash (about 1.5 GB a round), removed at the end.  On
# ext4 without a journal (this VM's disk) the inode allocator skips the
# inodes freed in the last 60 s (360 s while their table block is dirty),
# scanning them one by one for every new file: an rm -rf of the previous
# run's 17,000 files just before a timed run made that run's system time
# 2-4x (cvlock's "cold" after "cold-into" took 4.1 s where 2.7 s was its
# cost on fresh inodes).  Leave a few minutes between two runs of this
# script for the same reason.
#
# Environment: ROUNDS, PY (the interpreter; default: python3's
# sys.executable, not a pyenv shim), SERVER (auto|nginx|python), PORT
# (18780).  Needs /usr/bin/time, Debian's /usr/bin/python3 with
# python3-matplotlib for the chart, and PY with pip 23.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
bench_args sync 44 "$@"
ROUNDS=${ROUNDS:-5}
[ "$QUICK" = 1 ] && ROUNDS=1
PORT=${PORT:-18780}
SYS_PY=/usr/bin/python3
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
if [ -z "${PY:-}" ]; then
	PY=$(python3 -c 'import sys; print(sys.executable)') || die "no python3"
fi
"$PY" -m pip --version >/dev/null 2>&1 || die "$PY has no pip"

# ------------------------------------------------------------ index
if [ ! -f "$WORK/index/set.json" ]; then
	log "building the index (about a minute)"
	rm -rf "$WORK/index"
	python3 "$HERE/gen_index.py" "$WORK/index" || die "cannot build the index"
fi

# ------------------------------------------------------------ server
# static files only: both tools read the HTML pages (PEP 503)
bench_server_kind
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM
ST="$WORK/serve"
rm -rf "$ST"
bench_serve "$WORK/index" "$PORT" "$ST"
URL="http://127.0.0.1:$PORT/simple/"

# ------------------------------------------------------------ locks
LOCKS="$WORK/locks"
rm -rf "$LOCKS"
mkdir -p "$LOCKS"
: >"$LOCKS/empty.in"
"$CVLOCK" -q resolve -r "$WORK/index/requirements.in" --python "$PY" \
	--index-url "$URL" --cache-dir "$WORK/resolve-cache" \
	-o "$LOCKS/pylock.toml" || die "cvlock resolve failed"
"$CVLOCK" -q resolve -r "$LOCKS/empty.in" --python "$PY" \
	--index-url "$URL" --cache-dir "$WORK/resolve-cache" \
	-o "$LOCKS/pylock.empty.toml" || die "cvlock resolve (empty) failed"
"$CVLOCK" export "$LOCKS/pylock.toml" -o "$LOCKS/requirements.txt" ||
	die "cvlock export failed"
NPKG=$(grep -c '^\[\[packages\]\]' "$LOCKS/pylock.toml")
# name==version of the lock, for the checks
"$SYS_PY" -c '
import sys, tomllib, re
lock = tomllib.load(open(sys.argv[1], "rb"))
for p in sorted(lock["packages"], key=lambda p: p["name"]):
    print("%s==%s" % (re.sub(r"[-_.]+", "-", p["name"]).lower(), p["version"]))
' "$LOCKS/pylock.toml" | LC_ALL=C sort >"$LOCKS/pins.txt" ||
	die "cannot read the lock"

# ------------------------------------------------------------ runs
OUT=${OUT:-$WORK/results-$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT/runs"
RUNS="$OUT/runs.csv"
echo "tool,mode,run,wall_s,cpu_s,rss_kb,exit,load1" >"$RUNS"
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
	echo "file system of WORKDIR: $(stat -f -c %T "$WORK")"
	echo "load at start: $(uptime)"
	echo "server: $SERVER_KIND$([ "$SERVER_KIND" = nginx ] && nginx -v 2>&1 | sed 's/^.*: / /')"
	echo "cvlock: $("$CVLOCK" --version 2>&1 | head -1) ($CVLOCK)"
	echo "pip: $("$PY" -m pip --version | cut -d' ' -f1,2) on $("$PY" --version 2>&1) ($PY)"
	echo "set: $NPKG packages; $("$SYS_PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("%d files, %.0f MB unpacked, %.0f MB of wheels" % (
    sum(p["files"] for p in s), sum(p["unpacked"] for p in s) / 2**20,
    sum(p["wheel_size"] for p in s) / 2**20))' "$WORK/index/set.json")"
	echo "rounds: $ROUNDS"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

BASE_ENV=(
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	"LANG=C.UTF-8" "LC_ALL=C.UTF-8" "TERM=dumb" "NO_COLOR=1"
	"http_proxy=http://127.0.0.1:9" "https_proxy=http://127.0.0.1:9"
	"no_proxy=127.0.0.1,localhost" "NO_PROXY=127.0.0.1,localhost"
	"PIP_CONFIG_FILE=/dev/null" "PIP_DISABLE_PIP_VERSION_CHECK=1"
	"PIP_NO_INPUT=1" "PIP_KEYRING_PROVIDER=disabled" "PIP_PROGRESS_BAR=off"
	"PIP_TRUSTED_HOST=127.0.0.1" "HOME=$WORK/home" "TMPDIR=$WORK/tmp"
	"XDG_CACHE_HOME=$WORK/home/.cache"
)
mkdir -p "$WORK/home" "$WORK/tmp"

# timed TOOL MODE N CMD...: one run, appended to runs.csv
timed() {
	local t=$1 m=$2 n=$3 rd load t0 t1 wall rss code usr sys cpu
	shift 3
	rd="$OUT/runs/$t/$m-$n"
	mkdir -p "$rd"
	load=$(cut -d' ' -f1 /proc/loadavg)
	t0=$EPOCHREALTIME
	env -i "${BASE_ENV[@]}" /usr/bin/time -f "%e %M %x %U %S" \
		-o "$rd/time.txt" "$@" >"$rd/stdout.txt" 2>"$rd/stderr.txt" \
		</dev/null
	t1=$EPOCHREALTIME
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
	read -r _ rss code usr sys < <(tail -1 "$rd/time.txt")
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	echo "$t,$m,$n,$wall,$cpu,$rss,$code,$load" >>"$RUNS"
	log "$t $m #$n: ${wall}s (cpu ${cpu}s) ${rss}KB exit $code (load $load)"
	[ "$code" = 0 ] || { cat "$rd/stderr.txt" >&2; die "$t $m failed"; }
}

E="$WORK/env"
C="$WORK/cache"
bench_trash_init
LOCK="$LOCKS/pylock.toml"

cv() {
	timed cvlock "$1" "$2" "$CVLOCK" sync "${3:-$LOCK}" --python "$PY" \
		--venv "$E" --cache-dir "$C" "${@:4}"
}

run_cvlock() {
	local n=$1
	discard "$E" "$C"
	cv venv "$n" "$LOCKS/pylock.empty.toml"
	cv cold-into "$n"
	discard "$E" "$C"
	cv cold "$n"
	discard "$E"
	cv warm-copy "$n" "$LOCK" --link-mode copy
	discard "$E"
	"$CVLOCK" -q sync "$LOCKS/pylock.empty.toml" --python "$PY" --venv "$E" \
		--cache-dir "$C" || die "cannot make an empty environment"
	cv warm-into "$n"
	discard "$E"
	cv warm "$n"
	cv noop "$n"
	if [ "$n" = 1 ]; then
		discard "$WORK/env-cvlock"
		mv "$E" "$WORK/env-cvlock"
	fi
	discard "$E" "$C"
}

PE="$WORK/pipenv"
PC="$WORK/pipcache"
pipi() {
	timed pip "$1" "$2" "$PE/bin/python" -m pip install --no-deps \
		--require-hashes -r "$LOCKS/requirements.txt" --index-url "$URL" \
		--cache-dir "$PC"
}

run_pip() {
	local n=$1
	discard "$PE" "$PC"
	timed pip venv "$n" "$PY" -m venv "$PE"
	pipi cold-into "$n"
	discard "$PE"
	timed pip venv2 "$n" "$PY" -m venv "$PE"
	pipi warm-into "$n"
	pipi noop "$n"
	if [ "$n" = 1 ]; then
		discard "$WORK/env-pip"
		cp -a "$PE" "$WORK/env-pip"
	fi
	discard "$PE" "$PC"
}

# check ENV: the lock's packages exactly, the modules import, scripts run
check_env() {
	local env=$1 mods
	"$PY" -m pip --python "$env/bin/python" list --format freeze \
		--disable-pip-version-check 2>/dev/null |
		"$SYS_PY" -c '
import re, sys
for line in sys.stdin:
    n, v = line.strip().split("==")
    n = re.sub(r"[-_.]+", "-", n).lower()
    if n not in ("pip", "setuptools"):
        print("%s==%s" % (n, v))' | LC_ALL=C sort >"$OUT/pins-$(basename "$env").txt"
	cmp -s "$LOCKS/pins.txt" "$OUT/pins-$(basename "$env").txt" || {
		diff "$LOCKS/pins.txt" "$OUT/pins-$(basename "$env").txt" >&2
		die "$env does not hold exactly the lock's packages"
	}
	mods=$("$SYS_PY" -c '
import json, re, sys
names = [p["name"] for p in json.load(open(sys.argv[1]))]
print(",".join(re.sub(r"[^0-9a-z_]", "_", re.sub(r"[-_.]+", "_", n).lower())
               for n in names) + ",numpy.core,dateutil,yaml,_pytest,attr")
' "$WORK/index/set.json")
	"$env/bin/python" -c "import $mods" ||
		die "$env: the modules do not import"
	[ "$("$env/bin/pytest")" = "pytest 7.4.1" ] ||
		die "$env: the pytest console script does not run"
}

for n in $(seq "$ROUNDS"); do
	if [ $((n % 2)) = 1 ]; then
		run_cvlock "$n"
		run_pip "$n"
	else
		run_pip "$n"
		run_cvlock "$n"
	fi
	if [ "$n" = 1 ]; then
		# the venv is not relocatable: check it where it was made
		discard "$E" && mv "$WORK/env-cvlock" "$E"
		check_env "$E" && log "check: $E ($NPKG packages)"
		discard "$E"
		discard "$PE" && mv "$WORK/env-pip" "$PE"
		check_env "$PE" && log "check: $PE ($NPKG packages)"
		discard "$PE"
	fi
done

bench_trash_empty
echo "load at end: $(uptime)" >>"$OUT/machine.txt"
"$SYS_PY" "$HERE/synclib.py" summarize "$OUT" || die "summarize failed"
"$SYS_PY" "$HERE/synclib.py" table "$OUT" >"$OUT/table.md"
"$SYS_PY" "$HERE/synclib.py" chart "$OUT" "$OUT/sync.png" ||
	log "no chart (apt-get install python3-matplotlib)"
cat "$OUT/machine.txt" "$OUT/table.md"
log "results in $OUT"
