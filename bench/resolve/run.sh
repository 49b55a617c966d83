#!/usr/bin/env bash
# run.sh - cvlock resolve next to pip 23, pdm and poetry, side by side on
# the same loopback indexes, cold (empty cache) and warm.
#
#   bench/resolve/run.sh [--quick] CVLOCK [WORKDIR]
#
# Builds two indexes with tests/lib/mkindex-corpus.py: the real PyPI corpus
# (tests/corpus/pypi-subset.json.gz, 2023-09-07 snapshot) and the synthetic
# boto3/botocore/urllib3 backtracking corpus (gen_synthetic.py --seed 1),
# serves each on 127.0.0.1 (nginx when installed, else tests/lib/server.py)
# and resolves every requirement set with every tool, in rounds: each round
# runs each tool cold (a new, empty cache directory) and then warm (the
# cache that cold run filled), tool after tool, so the machine's load hits
# all of them alike.  Every tool resolves for CPython 3.11 on Linux x86_64:
#   cvlock  cvlock resolve -r SET --python-version 3.11
#           --platform manylinux_2_28_x86_64 --cache-dir C
#   pip     pip install --dry-run --ignore-installed --report --target T
#           --python-version 3.11 --platform manylinux_2_28_x86_64
#           --only-binary=:all: --cache-dir C -r SET   (a venv of PIP_PYTHON;
#           pip 23.2 takes --platform only together with --target)
#   pdm     pdm lock      (pyproject.toml, requires-python ==3.11.*; Debian)
#   poetry  poetry lock   (pyproject.toml, python ~3.11; Debian)
# pdm and poetry write universal locks (every marker branch), so they may
# lock a few more packages than cvlock and pip.
#
# Rounds: REPS_FAST (5) for a tool whose first cold run took at most SLOW_S
# (20) seconds, REPS_SLOW (3) for the others, one only when the first run
# took more than ONCE_S (150) seconds, timed out (TIMEOUT_S, 600) or
# failed.  --quick: one round of everything (a smoke run).
#
# Output in WORKDIR/results-TIMESTAMP (OUT): runs.csv (one line per run),
# summary.csv (medians), table.md, resolve.png, machine.txt (CPU, load,
# versions), runs/SET/TOOL/MODE-N/ (stdout, stderr, lock or report,
# pins.txt).  WORKDIR (default: a new directory under $TMPDIR) keeps the
# indexes for the next run.  Wall time is measured by bash
# ($EPOCHREALTIME, microseconds) less what the measuring costs by itself
# (calibrated at the start on /bin/true, as hyperfine does; written to
# machine.txt).  Peak RSS is /usr/bin/time's %M: the largest process of
# the tool's tree; CPU is user + system time of the whole tree (%U + %S,
# 10 ms steps), which a loaded machine inflates less than wall time.
# Caches are moved to WORKDIR/trash between runs, never deleted (see
# bench/lib.sh: deleting slows the next run's file creation).
#
# Environment: SETS (default "trio black jupyter boto3 home-assistant
# boto": names of tests/corpus/requirements/*.in, or boto / boto-unsat of the
# synthetic corpus), TOOLS (cvlock pip pdm poetry), REPS_FAST, REPS_SLOW,
# SLOW_S, ONCE_S, TIMEOUT_S, PIP_PYTHON (python3 on PATH), SERVER
# (auto|nginx|python), PORT (18760; PORT+1 for the second index), NETNS
# (auto: re-run inside `unshare -n`, a network namespace with only a
# loopback, when that works; 1: insist; 0: never).  Needs /usr/bin/time,
# Debian's python3 with python3-packaging (and python3-matplotlib for the
# chart), and for the peers python3-pdm and python3-poetry.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
# shellcheck source=bench/lib.sh
. "$TOP/bench/lib.sh"
bench_args resolve 48 "$@"

SETS=${SETS:-trio black jupyter boto3 home-assistant boto}
TOOLS=${TOOLS:-cvlock pip pdm poetry}
REPS_FAST=${REPS_FAST:-5}
REPS_SLOW=${REPS_SLOW:-3}
SLOW_S=${SLOW_S:-20}
ONCE_S=${ONCE_S:-150}
TIMEOUT_S=${TIMEOUT_S:-600}
PORT=${PORT:-18760}
PYVER=3.11
PLATFORM=manylinux_2_28_x86_64
if [ "$QUICK" = 1 ]; then
	REPS_FAST=1
	REPS_SLOW=1
fi
SYS_PY=/usr/bin/python3
[ -x "$SYS_PY" ] || die "/usr/bin/python3 (Debian's, with python3-packaging) is needed"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"
if [ -z "${PIP_PYTHON:-}" ]; then
	PIP_PYTHON=$(python3 -c 'import sys; print(sys.executable)') || die "no python3"
fi
CORPUS=${CORPUS:-$TOP/tests/corpus/pypi-subset.json.gz}
REQDIR=${REQDIR:-$TOP/tests/corpus/requirements}
MKINDEX="$TOP/tests/lib/mkindex-corpus.py"

# ------------------------------------------------------------ offline
if [ -z "${_BENCH_IN_NETNS:-}" ] && [ "${NETNS:-auto}" != 0 ]; then
	if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
		export _BENCH_IN_NETNS=1
		[ "$QUICK" = 1 ] && set -- --quick "$CVLOCK" "$WORK" || set -- "$CVLOCK" "$WORK"
		exec unshare -n -- bash -c 'ip link set lo up && exec bash "$0" "$@"' "$0" "$@"
	elif [ "${NETNS:-auto}" = 1 ]; then
		die "NETNS=1 but 'unshare -n' does not work here"
	fi
	log "warning: no network namespace; only the proxy variables keep the peers offline"
fi

# ------------------------------------------------------------ indexes
need_corpus=0
need_boto=0
for s in $SETS; do
	case $s in
	boto | boto-unsat) need_boto=1 ;;
	*)
		[ -f "$REQDIR/$s.in" ] || die "no requirement set $REQDIR/$s.in"
		need_corpus=1
		;;
	esac
done
if [ "$need_boto" = 1 ] && [ ! -f "$WORK/index-boto/manifest.json" ]; then
	log "building the synthetic boto corpus and its index"
	python3 "$HERE/gen_synthetic.py" "$WORK/corpora" --seed 1 --only boto >/dev/null &&
		python3 "$MKINDEX" "$WORK/corpora/boto.json" "$WORK/index-boto" --force -q -j 2 ||
		die "cannot build the boto index"
fi
if [ "$need_corpus" = 1 ] && [ ! -f "$WORK/index-corpus/manifest.json" ]; then
	log "building the corpus index (81,073 wheels; a few minutes)"
	python3 "$MKINDEX" "$CORPUS" "$WORK/index-corpus" --force -q -j 2 ||
		die "cannot build the corpus index"
fi

# ------------------------------------------------------------ servers
bench_server_kind
trap bench_stop_servers EXIT
trap 'exit 130' INT TERM
[ "$need_corpus" = 1 ] &&
	bench_serve --json "$WORK/index-corpus" "$PORT" "$WORK/serve-corpus"
[ "$need_boto" = 1 ] &&
	bench_serve --json "$WORK/index-boto" "$((PORT + 1))" "$WORK/serve-boto"

set_reqs() {
	case $1 in
	boto | boto-unsat) echo "$WORK/corpora/$1.txt" ;;
	*) echo "$REQDIR/$1.in" ;;
	esac
}
set_url() {
	case $1 in
	boto | boto-unsat) echo "http://127.0.0.1:$((PORT + 1))/simple/" ;;
	*) echo "http://127.0.0.1:$PORT/simple/" ;;
	esac
}

# ------------------------------------------------------------ tools
OUT=${OUT:-$WORK/results-$(date +%Y%m%dT%H%M%S)}
mkdir -p "$OUT/runs"
RUNS="$OUT/runs.csv"
echo "set,tool,mode,run,wall_s,cpu_s,rss_kb,exit,outcome,packages,reason,load1" >"$RUNS"

# Every tool runs under env -i, with its own HOME and caches; the proxy
# variables point at a closed port so a proxy-aware client that tries to
# leave 127.0.0.1 fails at once (inside the namespace nothing else exists).
BASE_ENV=(
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	"LANG=C.UTF-8" "LC_ALL=C.UTF-8" "TERM=dumb" "NO_COLOR=1"
	"http_proxy=http://127.0.0.1:9" "https_proxy=http://127.0.0.1:9"
	"HTTP_PROXY=http://127.0.0.1:9" "HTTPS_PROXY=http://127.0.0.1:9"
	"no_proxy=127.0.0.1,localhost" "NO_PROXY=127.0.0.1,localhost"
	"PIP_CONFIG_FILE=/dev/null" "PIP_DISABLE_PIP_VERSION_CHECK=1"
	"PIP_NO_INPUT=1" "PIP_KEYRING_PROVIDER=disabled" "PIP_PROGRESS_BAR=off"
	"PIP_TRUSTED_HOST=127.0.0.1"
	"PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring"
	"PDM_CHECK_UPDATE=false" "PDM_PYTHON=$SYS_PY" "PDM_USE_VENV=false"
	"POETRY_VIRTUALENVS_CREATE=false" "POETRY_NO_INTERACTION=1"
)

declare -A AVAILABLE
for t in $TOOLS; do
	case $t in
	cvlock) AVAILABLE[$t]=1 ;;
	pip)
		if [ ! -x "$WORK/pipvenv/bin/python" ]; then
			"$PIP_PYTHON" -m venv "$WORK/pipvenv" >/dev/null 2>&1 ||
				die "cannot make a venv with $PIP_PYTHON"
		fi
		AVAILABLE[$t]=1
		;;
	pdm | poetry)
		if command -v "$t" >/dev/null; then
			AVAILABLE[$t]=1
		else
			log "$t is not installed (apt-get install python3-$t): recorded as failed"
			AVAILABLE[$t]=0
		fi
		;;
	*) die "unknown tool $t" ;;
	esac
done

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
	echo "load at start: $(uptime)"
	echo "server: $SERVER_KIND$([ "$SERVER_KIND" = nginx ] && nginx -v 2>&1 | sed 's/^.*: / /')"
	echo "netns: ${_BENCH_IN_NETNS:-0}"
	echo "cvlock: $("$CVLOCK" --version 2>&1 | head -1) ($CVLOCK)"
	[ -x "$WORK/pipvenv/bin/python" ] &&
		echo "pip: $("$WORK/pipvenv/bin/python" -m pip --version | cut -d' ' -f1,2) on $("$PIP_PYTHON" --version 2>&1)"
	command -v pdm >/dev/null && echo "pdm: $(pdm --version 2>/dev/null) on $("$SYS_PY" --version 2>&1)"
	command -v poetry >/dev/null && echo "poetry: $(poetry --version 2>/dev/null) on $("$SYS_PY" --version 2>&1)"
	echo "sets: $SETS"
	echo "rounds: REPS_FAST=$REPS_FAST REPS_SLOW=$REPS_SLOW SLOW_S=$SLOW_S ONCE_S=$ONCE_S TIMEOUT_S=$TIMEOUT_S"
} >"$OUT/machine.txt"
cat "$OUT/machine.txt" >&2

# run_one SET TOOL MODE N CACHE: one timed run, appended to runs.csv;
# sets LAST_WALL and LAST_OUTCOME
run_one() {
	local s=$1 t=$2 m=$3 n=$4 c=$5 reqs url rd proj load code wall rss cnt outcome reason
	local usr sys cpu
	reqs=$(set_reqs "$s")
	url=$(set_url "$s")
	rd="$OUT/runs/$s/$t/$m-$n"
	proj="$WORK/proj/$s/$t"
	mkdir -p "$rd" "$c" "$c/home" "$c/tmp"
	local env=("HOME=$c/home" "XDG_CACHE_HOME=$c/xdg" "TMPDIR=$c/tmp"
		"XDG_CONFIG_HOME=$c/home/.config" "XDG_DATA_HOME=$c/home/.local/share")
	local cmd=()
	case $t in
	cvlock)
		cmd=("$CVLOCK" resolve -r "$reqs" -o "$rd/pylock.toml"
			--index-url "$url" --cache-dir "$c/cvlock"
			--python-version "$PYVER" --platform "$PLATFORM")
		;;
	pip)
		cmd=("$WORK/pipvenv/bin/python" -m pip install --dry-run
			--ignore-installed --quiet --report "$rd/report.json"
			--target "$c/target" --index-url "$url" --cache-dir "$c/pip"
			--python-version "$PYVER" --platform "$PLATFORM"
			--only-binary=:all: -r "$reqs")
		;;
	pdm)
		cmd=(pdm lock)
		rm -f "$proj/pdm.lock"
		;;
	poetry)
		cmd=(poetry lock -n)
		env+=("POETRY_CACHE_DIR=$c/poetry")
		rm -f "$proj/poetry.lock"
		;;
	esac
	load=$(cut -d' ' -f1 /proc/loadavg)
	if [ "${AVAILABLE[$t]}" = 1 ]; then
		t0=$EPOCHREALTIME
		(cd "$proj" && env -i "${BASE_ENV[@]}" "${env[@]}" \
			/usr/bin/time -f "%e %M %x %U %S" -o "$rd/time.txt" \
			timeout -k 10 "$TIMEOUT_S" "${cmd[@]}" \
			>"$rd/stdout.txt" 2>"$rd/stderr.txt" </dev/null)
		t1=$EPOCHREALTIME
		# the last line (after "Command exited with non-zero status N")
		read -r _ rss code usr sys < <(tail -1 "$rd/time.txt")
		wall=$(awk -v a="$t0" -v b="$t1" -v o="$OVERHEAD" \
			'BEGIN { w = b - a - o; printf "%.4f", (w > 0.0001 ? w : 0.0001) }')
		cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	else
		echo "$t is not installed" >"$rd/stderr.txt"
		: >"$rd/stdout.txt"
		wall=0
		cpu=0
		rss=0
		code=127
	fi
	case $t in
	pdm) cp "$proj/pdm.lock" "$rd/" 2>/dev/null ;;
	poetry) cp "$proj/poetry.lock" "$rd/" 2>/dev/null ;;
	esac
	cnt=$("$SYS_PY" "$HERE/benchlib.py" pins "$t" "$rd")
	IFS=$'\t' read -r outcome reason < <("$SYS_PY" "$HERE/benchlib.py" \
		classify "$t" "$rd" "$code" "$cnt")
	[ "$outcome" = timeout ] && reason="killed after $TIMEOUT_S s"
	echo "$s,$t,$m,$n,$wall,$cpu,$rss,$code,$outcome,$cnt,\"$reason\",$load" >>"$RUNS"
	log "$s $t $m #$n: ${wall}s (cpu ${cpu}s) ${rss}KB $outcome ($cnt packages, exit $code, load $load)"
	LAST_WALL=$wall
	LAST_OUTCOME=$outcome
}

# What the measuring costs by itself (a subshell, env, /usr/bin/time and
# timeout around a program that does nothing), subtracted from every wall
# time, as hyperfine subtracts its shell's start-up: the median of 21.
calibrate() {
	local i t0 t1
	for i in $(seq 21); do
		t0=$EPOCHREALTIME
		(cd "$WORK" && env -i "${BASE_ENV[@]}" \
			/usr/bin/time -f "%e %M %x %U %S" -o /dev/null \
			timeout -k 10 "$TIMEOUT_S" /bin/true >/dev/null 2>&1 </dev/null)
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
	done | sort -n | sed -n 11p
}
OVERHEAD=0
OVERHEAD=$(calibrate)
echo "measuring overhead subtracted from wall times: ${OVERHEAD}s (median of 21)" >>"$OUT/machine.txt"
log "measuring overhead: ${OVERHEAD}s, subtracted from every wall time"
bench_trash_init

for s in $SETS; do
	declare -A ROUNDS=()
	for t in $TOOLS; do
		ROUNDS[$t]=$REPS_FAST
		mkdir -p "$WORK/proj/$s/$t"
		case $t in
		pdm | poetry)
			"$SYS_PY" "$HERE/benchlib.py" project "$t" "$(set_reqs "$s")" \
				"$(set_url "$s")" "$PYVER" "$WORK/proj/$s/$t" ||
				die "cannot write the $t project of $s"
			;;
		esac
	done
	r=1
	while [ "$r" -le "$REPS_FAST" ]; do
		for t in $TOOLS; do
			[ "$r" -le "${ROUNDS[$t]}" ] || continue
			c="$WORK/cache/$s-$t-$r"
			discard "$c"
			run_one "$s" "$t" cold "$r" "$c"
			cold=$LAST_WALL
			cold_outcome=$LAST_OUTCOME
			if [ "$cold_outcome" = timeout ]; then
				echo "$s,$t,warm,$r,0,0,0,-1,failed,-1,\"not run: the cold run timed out\",$(cut -d' ' -f1 /proc/loadavg)" >>"$RUNS"
			else
				run_one "$s" "$t" warm "$r" "$c"
			fi
			discard "$c"
			if [ "$r" = 1 ]; then
				if [ "$cold_outcome" = failed ] || [ "$cold_outcome" = timeout ] ||
					awk -v w="$cold" -v o="$ONCE_S" 'BEGIN { exit !(w > o) }'; then
					ROUNDS[$t]=1
				elif awk -v w="$cold" -v o="$SLOW_S" 'BEGIN { exit !(w > o) }'; then
					ROUNDS[$t]=$REPS_SLOW
				fi
			fi
		done
		r=$((r + 1))
	done
	unset ROUNDS
done

bench_trash_empty
echo "load at end: $(uptime)" >>"$OUT/machine.txt"
"$SYS_PY" "$HERE/benchlib.py" summarize "$OUT" || die "summarize failed"
"$SYS_PY" "$HERE/benchlib.py" table "$OUT" >"$OUT/table.md"
"$SYS_PY" "$HERE/benchlib.py" chart "$OUT" "$OUT/resolve.png" ||
	log "no chart (apt-get install python3-matplotlib)"
cat "$OUT/machine.txt" "$OUT/table.md"
log "results in $OUT"
