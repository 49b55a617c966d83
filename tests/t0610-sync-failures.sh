#!/bin/sh
# cvlock sync failures: a wheel whose hash is not the lock's (a wrong
# lock, a corrupted or truncated download), and malicious archives (an
# absolute path, '..', a symlink out of the environment, names that
# collide): each fails with its exit status and a message naming the file,
# and the environment is left exactly as it was (a new one is not even
# created), the cache holds nothing unchecked, nothing is written outside.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/sync"
PY=$("$PYTHON" -c 'import sys; print(sys.executable)')
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
	echo "1..0 # SKIP python3 >= 3.8 is needed"
	exit 77
fi
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
export CVLOCK_CACHE_DIR="$TRASH/cache"

# project DIR REQ...: a project depending on REQ..., locked over HTTP
project() {
	_d=$1
	shift
	mkdir -p "$_d" &&
	{
		printf "[project]\nname = \"t\"\nversion = \"0\"\ndependencies = ["
		_sep=
		for _r in "$@"; do
			printf '%s"%s"' "$_sep" "$_r"
			_sep=", "
		done
		printf "]\n"
	} >"$_d/pyproject.toml" &&
	cvlock resolve "$_d" --python "$PY" --index-url "$URL" --no-cache \
		2>/dev/null
}

sync() {
	cvlock sync --python "$PY" --retries 0 "$@"
}

# snapshot DIR: every path, type, size and link target under DIR
snapshot() {
	find "$1" -path "*/__pycache__" -prune -o \
		-printf "%p %y %s %l\n" | grep -v "\.cvlock-sync\.lock" | sort
}

test_expect_success 'setup: an environment with alpha and beta' '
	project base alpha beta &&
	(cd base && sync) 2>err &&
	snapshot base/.venv >before
'

test_expect_success 'a lock with a wrong hash: exit 5, nothing created' '
	project w alpha &&
	good=$(sed -n "s/.*sha256 = \"\([0-9a-f]*\)\".*/\1/p" w/pylock.toml) &&
	sed "s/$good/$(printf "%064d" 0)/" w/pylock.toml >w/pylock.bad &&
	mv w/pylock.bad w/pylock.toml &&
	(cd w && test_expect_code 5 sync) 2>err &&
	cat >expect <<-EOF &&
	error: hash mismatch for '"'"'alpha-2.0-py3-none-any.whl'"'"': expected sha256 $(printf "%064d" 0), got $good
	hint: the file changed since it was locked, or the download was altered; nothing was installed
	EOF
	test_cmp expect err &&
	! test -e w/.venv &&
	! test -e "$CVLOCK_CACHE_DIR/wheels-v1/00"
'

test_expect_success 'a wrong hash for an existing environment changes nothing' '
	project base-bad alpha beta gamma &&
	good=$(grep -A3 "^name = \"gamma-" base-bad/pylock.toml |
		sed -n "s/.*sha256 = \"\([0-9a-f]*\)\".*/\1/p") &&
	test -n "$good" &&
	sed "s/$good/$(printf "%064d" 1)/" base-bad/pylock.toml \
		>base/pylock.bad.toml &&
	(cd base && test_expect_code 5 sync pylock.bad.toml) 2>err &&
	grep "^error: hash mismatch for '"'"'gamma-1.0-py3-none-any.whl'"'"'" err &&
	snapshot base/.venv >after &&
	test_cmp before after
'

test_expect_success 'a corrupted download (other bytes): exit 5' '
	project c gamma &&
	set_index_rules "{\"rules\": [{\"path\": \"/files/gamma/\", \"fault\": \"corrupt\", \"append\": \"x\"}]}" &&
	(cd c && test_expect_code 5 sync --cache-dir "$TRASH/c-cache") 2>err &&
	grep "^error: \(hash\|size\) mismatch for '"'"'gamma-1.0-py3-none-any.whl'"'"'" err &&
	! test -e c/.venv &&
	! find "$TRASH/c-cache" -name "*.whl*" | grep .
'

test_expect_success 'a truncated download: exit 3, nothing cached, the next sync works' '
	set_index_rules "{\"rules\": [{\"path\": \"/files/gamma/\", \"fault\": \"truncate\", \"after\": 100}]}" &&
	(cd c && test_expect_code 3 sync --cache-dir "$TRASH/c-cache") 2>err &&
	grep "^error: .*gamma-1.0-py3-none-any.whl" err &&
	! test -e c/.venv &&
	! find "$TRASH/c-cache" -name "*.whl*" | grep . &&
	set_index_rules "{}" &&
	(cd c && sync --cache-dir "$TRASH/c-cache") 2>err &&
	c/.venv/bin/gamma-run >out &&
	echo "gamma platlib purelib" >expect &&
	test_cmp expect out
'

test_expect_success 'a truncated download once: the retry gets it' '
	project c2 gamma &&
	set_index_rules "{\"rules\": [{\"path\": \"/files/gamma/\", \"fault\": \"truncate\", \"after\": 100, \"times\": 1}]}" &&
	(cd c2 && cvlock sync --python "$PY" --retries 2 --cache-dir "$TRASH/c2-cache") 2>err &&
	set_index_rules "{}" &&
	test -x c2/.venv/bin/gamma-run
'

# malicious PACKAGE WHAT: its wheel is refused, the environment unchanged
malicious() {
	project "m-$1" alpha beta "$1" &&
	(cd "m-$1" && test_expect_code 2 sync --venv ../base/.venv) 2>err &&
	grep "^error: " err >msg &&
	grep "$2" msg &&
	snapshot base/.venv >after &&
	test_cmp before after
}

test_expect_success 'an absolute path in a wheel is refused' '
	malicious evil-abs "/tmp/cvlock-evil-abs.py" &&
	! test -e /tmp/cvlock-evil-abs.py
'

test_expect_success 'a ".." path in a wheel is refused' '
	malicious evil-dotdot "cvlock-evil.py" &&
	! test -e "$TRASH/cvlock-evil.py" &&
	! find "$TRASH" -name cvlock-evil.py | grep .
'

test_expect_success 'a symlink in a wheel is refused' '
	malicious evil-link "evil_link/passwd"
'

test_expect_success 'names that collide (case folding) are refused' '
	malicious evil-collide "__init__.py"
'

test_expect_success 'after all that, the environment still matches its lock' '
	(cd base && sync --check) >out &&
	echo "Nothing to do: 2 packages match the lock" >expect &&
	test_cmp expect out
'

test_done
