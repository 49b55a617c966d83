#!/bin/sh
# cvlock sync is idempotent and safe against interruption: a sync killed
# with SIGKILL at random moments (while it creates the environment,
# downloads, uninstalls or installs) is repaired by the next sync, after
# which the environment matches the lock exactly (cvlock sync --check,
# pip list); two syncs of one environment at once do not interleave.
# SYNC_KILL_ROUNDS (default 6) rounds; SYNC_KILL_SEED repeats a run.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/sync"
PY=$("$PYTHON" -c 'import sys; print(sys.executable)')
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null ||
   ! "$PY" -m pip --version >/dev/null 2>&1; then
	echo "1..0 # SKIP a python3 with pip is needed"
	exit 77
fi
ROUNDS=${SYNC_KILL_ROUNDS:-6}
SEED=${SYNC_KILL_SEED:-$$}
echo "# seed $SEED (SYNC_KILL_SEED=$SEED repeats this run)"
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
export CVLOCK_CACHE_DIR="$TRASH/cache"

# two locks that differ in every way: versions, packages, scripts
mkdir -p a b &&
cp "$DATA/pyproject.toml" a/ &&
printf '[project]\nname = "b"\nversion = "0"\ndependencies = ["beta", "alpha>=2", "delta"]\n' >b/pyproject.toml &&
cvlock resolve a --python "$PY" --index-url "$URL" --no-cache 2>/dev/null &&
cvlock resolve b --python "$PY" --index-url "$URL" --no-cache 2>/dev/null ||
	exit 1
printf 'alpha 1.0\nbeta 1.0\neps 1.0\ngamma 1.0\n' >expect-a
printf 'alpha 2.0\nbeta 1.0\ndelta 1.0\n' >expect-b

sync() {
	"$CVLOCK" sync --python "$PY" --venv "$TRASH/env" "$@"
}

# bg_sync LOCK: start a sync in the background; its pid in $pid (the
# process that gets the SIGKILL is cvlock itself, not a subshell)
bg_sync() {
	"$CVLOCK" sync --python "$PY" --venv "$TRASH/env" "$1" 2>/dev/null &
	pid=$!
}

pip_list() {
	"$PY" -m pip --python "$1/bin/python" list --format freeze \
		--disable-pip-version-check 2>/dev/null | tr '=' ' ' |
		sed 's/  */ /' | sort
}

# ms: a clock in milliseconds
ms() {
	echo $(($(date +%s%N) / 1000000))
}

# delay N: a random sleep for round N, up to 1.2 times what a whole sync
# from one lock to the other took ($SPAN ms), so that kills land
# anywhere in it: interpreter probe, downloads, unpacking, uninstall,
# install, the dist-info renames
delay() {
	awk -v s="$SEED" -v n="$1" -v span="$SPAN" \
		'BEGIN { srand(s + n); printf "%.3f\n", rand() * span * 1.2 / 1000 }'
}

# matches LOCK: the environment is exactly what LOCK says
matches() {
	sync "$1/pylock.toml" --check >out &&
	echo "Nothing to do: $(wc -l <"expect-$1" | tr -d " ") packages match the lock" >expect &&
	test_cmp expect out &&
	pip_list "$TRASH/env" >actual &&
	test_cmp "expect-$1" actual &&
	! ls -a "$TRASH"/env/lib/python*/site-packages | grep "^\.cvlock"
}

test_expect_success 'setup: how long a sync from one lock to the other takes' '
	sync a/pylock.toml 2>/dev/null &&
	t0=$(ms) && sync b/pylock.toml 2>/dev/null && t1=$(ms) &&
	echo $((t1 - t0)) >span &&
	rm -rf "$TRASH/env" &&
	echo "a sync takes $(cat span) ms"
'
SPAN=$(cat span 2>/dev/null || echo 250)

test_expect_success "SIGKILL at random points, $ROUNDS rounds: the next sync repairs" '
	i=0 &&
	while test $i -lt "$ROUNDS"; do
		if test $((i % 2)) = 0; then l=a; else l=b; fi &&
		d=$(delay $i) &&
		bg_sync "$l/pylock.toml" &&
		sleep "$d" &&
		kill -9 $pid 2>/dev/null
		wait $pid
		echo "round $i: lock $l, killed after $d s:" \
			$(ls -a "$TRASH"/env/lib/python*/site-packages 2>/dev/null) \
			>>rounds.log &&
		sync "$l/pylock.toml" 2>err &&
		matches $l || { cat rounds.log err; exit 1; }
		i=$((i + 1))
	done
'

test_expect_success 'a killed first sync of an empty cache is repaired too' '
	rm -rf "$TRASH/env" "$CVLOCK_CACHE_DIR" &&
	bg_sync a/pylock.toml &&
	sleep 0.05 && kill -9 $pid 2>/dev/null
	wait $pid
	sync a/pylock.toml 2>err &&
	matches a
'

test_expect_success 'two syncs at once: one installs, the other finds nothing to do' '
	rm -rf "$TRASH/env" &&
	{
		# "rm && sync &" would run rm in the background too: the
		# second sync could find a half-removed environment
		"$CVLOCK" sync --python "$PY" --venv "$TRASH/env" b/pylock.toml 2>err1 &
		p1=$!
		"$CVLOCK" sync --python "$PY" --venv "$TRASH/env" b/pylock.toml 2>err2 &
		p2=$!
		wait $p1; s1=$?
		wait $p2; s2=$?
	} &&
	cat err1 err2 >both &&
	{
		test "$s1 $s2" = "0 0" &&
		test "$(grep -c "^Installed 3 packages" both)" = 1 &&
		test "$(grep -c "^Checked 3 packages in [0-9]* ms, nothing to do" both)" = 1 ||
		{ echo "exit statuses $s1 $s2; their stderr:"; cat both; false; }
	} &&
	matches b
'

test_expect_success 'leftovers of a killed install or uninstall are removed' '
	sp=$(echo "$TRASH"/env/lib/python*/site-packages) &&
	mkdir "$sp/.cvlock-tmp-eps-1.0.dist-info.Ab12Cd" \
		"$sp/.cvlock-rm-gamma-1.0.dist-info.4242" &&
	echo "eps/__init__.py,," >"$sp/.cvlock-tmp-eps-1.0.dist-info.Ab12Cd/RECORD" &&
	sync b/pylock.toml 2>err &&
	matches b
'

test_done
