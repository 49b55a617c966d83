#!/usr/bin/env bash
# run.sh - cvlock sync next to pip 23 on the same loopback index.
#
#   bench/sync/run.sh CVLOCK [WORKDIR]
#
# Builds (tests/lib/mkindex.py) an index of NPKG (40) synthetic projects
# whose wheels look like small real ones: a package of FILES (20) modules
# of about 2 KiB, PAD (100 KiB) of data, a console script for every fifth;
# serves it on 127.0.0.1 (tests/lib/server.py); locks a project that
# needs all of them with cvlock resolve (url entries, sha256 hashes), and
# writes the same pins as a pip requirements file (name==version
# --hash=sha256:...).  Then, in ROUNDS (3) rounds, tool after tool so that
# the machine's load hits both alike:
#   cvlock cold   cvlock sync into a new environment, empty cache (the
#                 environment's creation included)
#   cvlock warm   the same with the cache that run filled
#   cvlock no-op  cvlock sync of the environment it just made
#   pip cold      pip install --no-deps --require-hashes -r REQS into a new
#                 `python -m venv --without-pip` environment (not timed),
#                 empty cache
#   pip warm      the same with the cache that run filled
#   pip no-op     pip install ... into the environment it just made
#   venv+pip      python -m venv (with pip) and pip install, warm cache
# Each figure is the median of the rounds: wall time and CPU time (user +
# system of the whole process tree, /usr/bin/time).  Every environment is
# checked afterwards: pip list shows the NPKG packages.
#
# Output: WORKDIR/results.csv (every run), WORKDIR/table.md (medians and
# ratios).  Environment: NPKG, FILES, PAD, ROUNDS, PY (the interpreter of
# every environment; default: python3's sys.executable, which has pip 23).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
die() { echo "run.sh: $*" >&2; exit 2; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

[ $# -ge 1 ] || { sed -n '2,31p' "$0" >&2; exit 2; }
CVLOCK=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$CVLOCK" ] || die "'$1' is not an executable"
WORK=${2:-$(mktemp -d "${TMPDIR:-/tmp}/cvlock-bench-sync.XXXXXX")}
mkdir -p "$WORK" && WORK=$(cd "$WORK" && pwd)
NPKG=${NPKG:-40}
FILES=${FILES:-20}
PAD=${PAD:-102400}
ROUNDS=${ROUNDS:-3}
PY=${PY:-$(python3 -c 'import sys; print(sys.executable)')}
"$PY" -m pip --version >/dev/null 2>&1 || die "'$PY' has no pip"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed"
log "work directory $WORK; $NPKG packages, $ROUNDS rounds; $("$PY" -m pip --version)"

# ---- the index ------------------------------------------------------------
if [ ! -d "$WORK/idx/simple" ]; then
	"$PY" - "$NPKG" "$FILES" "$PAD" >"$WORK/spec.json" <<'EOF'
import json, sys
n, files, pad = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
projects = {}
for i in range(n):
    name = "bench-pkg%02d" % i
    mod = "bench_pkg%02d" % i
    body = "".join("def f%d(x):\n    return x * %d + %d\n\n" % (j, j, i)
                   for j in range(60))
    info = {"module": "from .mod_0 import f0\nVERSION = '1.0'\n\n\ndef main():\n    print('%s', f0(1))\n" % name,
            "files": {"%s/mod_%d.py" % (mod, j): "# %s module %d\n%s" % (name, j, body)
                      for j in range(files)},
            "pad": pad}
    if i % 5 == 0:
        info["console_scripts"] = {"%s-run" % name: "%s:main" % mod}
    projects[name] = {"1.0": info}
json.dump({"projects": projects}, sys.stdout, indent=1)
EOF
	"$PY" "$TOP/tests/lib/mkindex.py" "$WORK/spec.json" "$WORK/idx" ||
		die "mkindex failed"
fi

# ---- the server -----------------------------------------------------------
rm -f "$WORK/port"
"$PY" "$TOP/tests/lib/server.py" --root "$WORK/idx" --port-file "$WORK/port" \
	--pid-file "$WORK/server.pid" --log "$WORK/server.log" \
	--parent $$ --idle-timeout 3600 </dev/null >"$WORK/server.err" 2>&1 &
trap 'kill $(cat "$WORK/server.pid" 2>/dev/null) 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || die "the index server did not start"
URL="http://127.0.0.1:$(cat "$WORK/port")/simple/"

# ---- the lock and the requirements file -------------------------------------
mkdir -p "$WORK/project"
{
	printf '[project]\nname = "bench"\nversion = "0"\ndependencies = [\n'
	for i in $(seq 0 $((NPKG - 1))); do printf '    "bench-pkg%02d",\n' "$i"; done
	printf ']\n'
} >"$WORK/project/pyproject.toml"
"$CVLOCK" resolve "$WORK/project" --python "$PY" --index-url "$URL" \
	--no-cache 2>"$WORK/resolve.err" || die "cvlock resolve failed"
"$PY" - "$WORK/project/pylock.toml" >"$WORK/requirements.txt" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    lock = tomllib.load(f)
for p in lock["packages"]:
    hashes = " ".join("--hash=sha256:%s" % w["hashes"]["sha256"]
                      for w in p["wheels"])
    print("%s==%s %s" % (p["name"], p["version"], hashes))
EOF
[ "$(wc -l <"$WORK/requirements.txt")" -eq "$NPKG" ] ||
	die "the lock does not hold $NPKG packages"

# ---- timing -----------------------------------------------------------------
RESULTS="$WORK/results.csv"
echo "round,tool,mode,wall_s,cpu_s,status" >"$RESULTS"

# run ROUND TOOL MODE CMD...: time CMD (wall and CPU of its tree)
run() {
	local round=$1 tool=$2 mode=$3 t0 t1 st
	shift 3
	t0=$(date +%s%N)
	/usr/bin/time -f "%U %S" -o "$WORK/time.txt" "$@" \
		>"$WORK/last.out" 2>"$WORK/last.err"
	st=$?
	t1=$(date +%s%N)
	cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$WORK/time.txt")
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	echo "$round,$tool,$mode,$wall,$cpu,$st" >>"$RESULTS"
	log "round $round: $tool $mode: $wall s (cpu $cpu s), status $st"
	[ $st -eq 0 ] || { cat "$WORK/last.err" >&2; return 1; }
}

# check ENV: pip sees the NPKG packages
check() {
	local n
	n=$("$PY" -m pip --python "$1/bin/python" list --format freeze \
		--disable-pip-version-check 2>/dev/null | grep -c "^bench-pkg")
	[ "$n" -eq "$NPKG" ] || die "$1 holds $n packages, not $NPKG"
}

PIP="$PY -m pip --disable-pip-version-check"
PIP_ARGS="install --no-deps --require-hashes -r $WORK/requirements.txt --index-url $URL -q"
for r in $(seq 1 "$ROUNDS"); do
	E="$WORK/envs/$r"
	rm -rf "$E" "$WORK/cache-cvlock" "$WORK/cache-pip"
	mkdir -p "$E"
	run "$r" cvlock cold "$CVLOCK" -q sync "$WORK/project/pylock.toml" \
		--python "$PY" --venv "$E/cv-cold" --cache-dir "$WORK/cache-cvlock" || exit 1
	run "$r" cvlock warm "$CVLOCK" -q sync "$WORK/project/pylock.toml" \
		--python "$PY" --venv "$E/cv-warm" --cache-dir "$WORK/cache-cvlock" || exit 1
	run "$r" cvlock noop "$CVLOCK" -q sync "$WORK/project/pylock.toml" \
		--python "$PY" --venv "$E/cv-warm" --cache-dir "$WORK/cache-cvlock" || exit 1
	"$PY" -m venv --without-pip "$E/pip-cold" || die "python -m venv failed"
	# shellcheck disable=SC2086
	run "$r" pip cold $PIP --python "$E/pip-cold/bin/python" $PIP_ARGS \
		--cache-dir "$WORK/cache-pip" || exit 1
	"$PY" -m venv --without-pip "$E/pip-warm" || die "python -m venv failed"
	# shellcheck disable=SC2086
	run "$r" pip warm $PIP --python "$E/pip-warm/bin/python" $PIP_ARGS \
		--cache-dir "$WORK/cache-pip" || exit 1
	# shellcheck disable=SC2086
	run "$r" pip noop $PIP --python "$E/pip-warm/bin/python" $PIP_ARGS \
		--cache-dir "$WORK/cache-pip" || exit 1
	run "$r" venv+pip warm sh -c "'$PY' -m venv '$E/venv-pip' && '$E/venv-pip/bin/python' -m pip --disable-pip-version-check $PIP_ARGS --cache-dir '$WORK/cache-pip'" || exit 1
	for e in cv-cold cv-warm pip-cold pip-warm venv-pip; do check "$E/$e"; done
done

# ---- the table ----------------------------------------------------------------
"$PY" - "$RESULTS" "$NPKG" >"$WORK/table.md" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = {}
for key in sorted({(r["tool"], r["mode"]) for r in rows}):
    sel = [r for r in rows if (r["tool"], r["mode"]) == key]
    med[key] = (statistics.median(float(r["wall_s"]) for r in sel),
                statistics.median(float(r["cpu_s"]) for r in sel), len(sel))
print("| %s packages | cvlock sync | pip 23 | ratio (wall) | ratio (CPU) |" % sys.argv[2])
print("|---|---|---|---|---|")
def cell(k):
    w, c, n = med[k]
    return "%.3f s (CPU %.3f s)" % (w, c)
for mode, pipkey in (("cold", ("pip", "cold")), ("warm", ("pip", "warm")),
                     ("noop", ("pip", "noop")), ("warm", ("venv+pip", "warm"))):
    a, b = med[("cvlock", mode)], med[pipkey]
    label = {"noop": "no-op"}.get(mode, mode) + (" vs python -m venv + pip" if pipkey[0] == "venv+pip" else "")
    print("| %s | %s | %s | **%.0f×** | %.0f× |" % (label, cell(("cvlock", mode)), cell(pipkey),
                                                b[0] / a[0], b[1] / max(a[1], 0.001)))
EOF
cat "$WORK/table.md"
log "results in $WORK (results.csv, table.md)"
