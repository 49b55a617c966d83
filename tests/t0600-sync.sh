#!/bin/sh
# cvlock sync end to end: a lock made by cvlock resolve over the test index
# of real wheels (tests/data/sync/index.json: modules, a console script,
# .data scripts, a purelib/platlib split), synced into a new environment
# from a file:// index and over HTTP; the modules import, the scripts run,
# pip 23 lists exactly the lock's packages, a second sync does nothing;
# upgrade, downgrade, removal (exact) and --inexact; extras and groups;
# --dry-run and --check; a damaged installation is repaired; a lock for
# another Python, an sdist-only package and unknown extras fail clearly.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/sync"
PY=$("$PYTHON" -c 'import sys; print(sys.executable)')
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null ||
   ! "$PY" -m pip --version >/dev/null 2>&1; then
	echo "1..0 # SKIP a python3 with pip is needed"
	exit 77
fi
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
export CVLOCK_CACHE_DIR="$TRASH/cache"

# lock DIR [resolve options]: a project like tests/data/sync's, locked for
# $PY against the file:// index, with its extra (delta) and its default
# group (eps)
lock() {
	_d=$1
	shift
	mkdir -p "$_d" && cp "$DATA/pyproject.toml" "$_d/" &&
	cvlock resolve "$_d" --python "$PY" --all-extras \
		--index-url "file://$TRASH/idx/simple/" "$@" 2>/dev/null
}

# sync [options]: cvlock sync with $PY
sync() {
	cvlock sync --python "$PY" "$@"
}

# the "... in X ms" of the summary lines without the time
strip_time() {
	sed -e 's/ in [0-9]* ms/ in X ms/' -e 's/ (\([0-9.]*\) [KMG]*i*B)/ (SIZE)/'
}

# pip's view of an environment: "name version" lines
pip_list() {
	"$PY" -m pip --python "$1/bin/python" list --format freeze \
		--disable-pip-version-check 2>/dev/null | tr '=' ' ' |
		sed 's/  */ /' | sort
}

test_expect_success 'sync a new environment from a file:// index' '
	lock p &&
	(cd p && sync) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Downloaded 4 wheels (SIZE) in X ms
	Installed 4 packages in X ms
	+ alpha==1.0
	+ beta==1.0
	+ eps==1.0
	+ gamma==1.0
	EOF
	test_cmp expect actual &&
	test -f p/.venv/pyvenv.cfg &&
	test -x p/.venv/bin/python
'

test_expect_success 'the modules import, purelib and platlib both land' '
	p/.venv/bin/python -c "import alpha, beta, gamma, gamma_pure, eps; print(alpha.hello(), gamma.PLAT, gamma.PURE)" >out &&
	echo "alpha 1.0 platlib purelib" >expect &&
	test_cmp expect out
'

test_expect_success 'the console script and the .data script run' '
	p/.venv/bin/beta-hello >out &&
	echo "beta says alpha 1.0" >expect &&
	test_cmp expect out &&
	p/.venv/bin/gamma-run >out &&
	echo "gamma platlib purelib" >expect &&
	test_cmp expect out &&
	head -n 1 p/.venv/bin/gamma-run >shebang &&
	! grep -q "^#!python" shebang
'

test_expect_success 'pip lists exactly the lock'"'"'s packages' '
	pip_list p/.venv >actual &&
	cat >expect <<-\EOF &&
	alpha 1.0
	beta 1.0
	eps 1.0
	gamma 1.0
	EOF
	test_cmp expect actual &&
	for d in p/.venv/lib/python*/site-packages/*.dist-info; do
		echo "$(basename "$d") $(cat "$d/INSTALLER")"
	done >installers &&
	! grep -v " cvlock$" installers
'

test_expect_success 'a second sync does nothing' '
	find p/.venv -newer p/pylock.toml -print | sort >before &&
	(cd p && sync) 2>err &&
	strip_time <err >actual &&
	echo "Checked 4 packages in X ms, nothing to do" >expect &&
	test_cmp expect actual &&
	(cd p && sync --check) >out &&
	echo "Nothing to do: 4 packages match the lock" >expect &&
	test_cmp expect out
'

test_expect_success 'the lockfile as an argument, the venv elsewhere (--venv)' '
	sync p/pylock.toml --venv v2 2>err &&
	pip_list v2 >actual &&
	pip_list p/.venv >expect &&
	test_cmp expect actual &&
	CVLOCK_VENV=v3 cvlock sync --python "$PY" p/pylock.toml 2>err &&
	test -f v3/pyvenv.cfg
'

test_expect_success 'extras and groups: --extra, --no-default-groups, --all-extras' '
	(cd p && sync --extra fast) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Downloaded 1 wheel (SIZE) in X ms
	Installed 1 package in X ms
	+ delta==1.0
	EOF
	test_cmp expect actual &&
	(cd p && sync --no-default-groups --all-extras) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Removed 1 package in X ms
	- eps==1.0
	EOF
	test_cmp expect actual &&
	pip_list p/.venv >actual &&
	printf "alpha 1.0\nbeta 1.0\ndelta 1.0\ngamma 1.0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'unknown extra or group: usage error naming what the lock has' '
	(cd p && test_expect_code 2 sync --extra nope) 2>err &&
	cat >expect <<-\EOF &&
	error: extra '"'"'nope'"'"' is not in '"'"'pylock.toml'"'"'
	hint: the lock has: '"'"'fast'"'"'
	EOF
	test_cmp expect err &&
	(cd p && test_expect_code 2 sync --group nope) 2>err &&
	grep "dependency group '"'"'nope'"'"' is not in" err
'

test_expect_success 'exact: a package the lock does not list is removed; --inexact keeps it' '
	lock q --no-default-groups &&
	sync p/pylock.toml --venv q/.venv --extra fast --no-default-groups \
		2>err &&
	(cd q && sync --inexact --dry-run) >out &&
	echo "Nothing to do: 3 packages match the lock" >expect &&
	test_cmp expect out &&
	(cd q && sync --dry-run) >out &&
	cat >expect <<-\EOF &&
	Would remove 1 package
	- delta==1.0
	EOF
	test_cmp expect out &&
	(cd q && test_expect_code 1 sync --check) >out &&
	test_cmp expect out &&
	(cd q && sync --inexact) 2>err &&
	pip_list q/.venv >actual &&
	printf "alpha 1.0\nbeta 1.0\ndelta 1.0\ngamma 1.0\n" >expect &&
	test_cmp expect actual &&
	(cd q && sync) 2>err &&
	pip_list q/.venv >actual &&
	printf "alpha 1.0\nbeta 1.0\ngamma 1.0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'upgrade and downgrade' '
	sed "s/\"alpha<2\"/\"alpha>=2\"/" "$DATA/pyproject.toml" >q/pyproject.toml &&
	cvlock resolve q --python "$PY" --no-default-groups --all-extras \
		--index-url "file://$TRASH/idx/simple/" 2>/dev/null &&
	(cd q && sync) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Downloaded 1 wheel (SIZE) in X ms
	Installed 1 package in X ms
	~ alpha 1.0 -> 2.0
	EOF
	test_cmp expect actual &&
	q/.venv/bin/beta-hello >out &&
	echo "beta says alpha 2.0" >expect &&
	test_cmp expect out &&
	cp "$DATA/pyproject.toml" q/ &&
	cvlock resolve q --python "$PY" --no-default-groups --all-extras \
		--index-url "file://$TRASH/idx/simple/" 2>/dev/null &&
	(cd q && sync) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Installed 1 package in X ms
	~ alpha 2.0 -> 1.0
	EOF
	test_cmp expect actual &&
	! ls q/.venv/lib/python*/site-packages | grep "alpha-2.0"
'

test_expect_success 'a damaged installation: --check finds it, --verify reinstalls it' '
	rm q/.venv/lib/python*/site-packages/gamma_pure.py &&
	(cd q && test_expect_code 1 sync --check) >out &&
	cat >expect <<-\EOF &&
	Would install 1 package
	~ gamma 1.0 (reinstalled: '"'"'gamma_pure.py'"'"' is missing)
	EOF
	test_cmp expect out &&
	(cd q && sync) 2>err &&
	strip_time <err >actual &&
	echo "Checked 3 packages in X ms, nothing to do" >expect &&
	test_cmp expect actual &&
	(cd q && sync --verify) 2>err &&
	strip_time <err >actual &&
	cat >expect <<-\EOF &&
	Installed 1 package in X ms
	~ gamma 1.0 (reinstalled: '"'"'gamma_pure.py'"'"' is missing)
	EOF
	test_cmp expect actual &&
	q/.venv/bin/gamma-run >out &&
	echo "gamma platlib purelib" >expect &&
	test_cmp expect out
'

test_expect_success '--check reads every file: an edit of the same size is found' '
	f=$(echo q/.venv/lib/python*/site-packages/alpha/__init__.py) &&
	sed "s/alpha 1.0/alpha 6.6/" "$f" >tmp && cat tmp >"$f" &&
	(cd q && sync --dry-run) >out &&
	echo "Nothing to do: 3 packages match the lock" >expect &&
	test_cmp expect out &&
	(cd q && test_expect_code 1 sync --check) >out &&
	grep "~ alpha 1.0 (reinstalled: '"'"'alpha/__init__.py'"'"' has changed)" out
'

test_expect_success 'that edit (through a hard link into the cache) does not spread' '
	sync p/pylock.toml --venv fresh 2>err &&
	fresh/bin/python -c "import alpha; print(alpha.hello())" >out &&
	echo "alpha 1.0" >expect &&
	test_cmp expect out &&
	(cd q && sync --check) >/dev/null;
	test $? = 1
'

test_expect_success 'sync over HTTP (url entries), then offline from the cache' '
	mkdir -p h && cp "$DATA/pyproject.toml" h/ &&
	cvlock resolve h --python "$PY" --index-url "$URL" --no-cache 2>/dev/null &&
	grep -q "^url = \"http://127.0.0.1" h/pylock.toml &&
	clear_requests &&
	(cd h && sync --cache-dir "$TRASH/hcache") 2>err &&
	test "$(count_requests "^GET /files/.*\\.whl ")" = 4 &&
	pip_list h/.venv >actual &&
	printf "alpha 1.0\nbeta 1.0\neps 1.0\ngamma 1.0\n" >expect &&
	test_cmp expect actual &&
	rm -rf h/.venv && clear_requests &&
	(cd h && sync --cache-dir "$TRASH/hcache" --offline) 2>err &&
	test "$(count_requests .)" = 0 &&
	pip_list h/.venv >actual &&
	test_cmp expect actual
'

test_expect_success '--offline without the wheels in the cache: exit 3, nothing created' '
	(cd h && test_expect_code 3 sync --cache-dir "$TRASH/empty" --offline --venv off) 2>err &&
	grep "is not in the cache, and --offline forbids downloading it" err &&
	! test -e h/off
'

test_expect_success 'a URL that is gone: the package'"'"'s index is the fallback' '
	sed "s|^url = \"http://127.0.0.1:[0-9]*/files/|url = \"$(server_url)/gone/|" \
		h/pylock.toml >h/pylock.gone.toml &&
	grep -q "/gone/" h/pylock.gone.toml &&
	grep -q "^index = " h/pylock.gone.toml &&
	clear_requests &&
	(cd h && sync pylock.gone.toml --venv gone --cache-dir "$TRASH/gcache") 2>err &&
	test "$(count_requests "^GET /gone/.* 404 ")" = 4 &&
	test "$(count_requests "^GET /simple/[a-z]*/ 200 ")" = 4 &&
	pip_list h/gone >actual &&
	test_cmp expect actual
'

test_expect_success '--dry-run of a new environment creates nothing' '
	(cd p && sync --venv dry --dry-run) >out &&
	cat >expect <<-\EOF &&
	Would install 4 packages
	+ alpha==1.0
	+ beta==1.0
	+ eps==1.0
	+ gamma==1.0
	EOF
	test_cmp expect out &&
	! test -e p/dry
'

test_expect_success '--compile-bytecode writes __pycache__' '
	(cd p && sync --venv cb --compile-bytecode) 2>err &&
	ls p/cb/lib/python*/site-packages/alpha/__pycache__/*.pyc
'

test_expect_success 'a lockfile for another Python: exit 2, nothing created' '
	mkdir -p o && cp "$DATA/pyproject.toml" o/ &&
	cvlock resolve o --python-version 3.12 --platform manylinux_2_28_x86_64 \
		--index-url "file://$TRASH/idx/simple/" 2>/dev/null &&
	(cd o && test_expect_code 2 sync) 2>err &&
	grep "^error: '"'"'pylock.toml'"'"' requires Python ==3.12.\*, and '"'"'.*'"'"' is Python 3\." err &&
	grep "^hint: " err &&
	! test -e o/.venv
'

test_expect_success 'a package with only an sdist: exit 2, clear error' '
	mkdir -p s &&
	printf "[project]\nname = \"s\"\nversion = \"0\"\ndependencies = [\"sdonly\"]\n" >s/pyproject.toml &&
	cvlock resolve s --python "$PY" \
		--index-url "file://$TRASH/idx/simple/" 2>/dev/null &&
	(cd s && test_expect_code 2 sync) 2>err &&
	grep "^error: '"'"'sdonly'"'"' 1.0 in '"'"'pylock.toml'"'"' has only a source distribution" err &&
	! test -e s/.venv
'

# another CPython than $PY's minor version, if this machine has one
OTHER_PY=
for c in python3.12 python3.10 python3.13 python3.9 \
	"$(pyenv root 2>/dev/null)"/versions/3.1[0-3]*/bin/python3.1[0-3]; do
	c=$(command -v "$c" 2>/dev/null) || continue
	if "$c" -c "import sys; sys.exit(sys.version_info[:2] == tuple(map(int, '$("$PY" -c 'import sys; print("%d,%d" % sys.version_info[:2])')'.split(','))) or sys.version_info < (3, 8))" 2>/dev/null; then
		OTHER_PY=$c
		break
	fi
done

test_expect_success 'an environment of another Python: exit 2 with a hint, --recreate replaces it' '
	if test -z "$OTHER_PY"; then echo "no other python3.X: skipped"; exit 0; fi &&
	mkdir -p x && cp "$DATA/pyproject.toml" x/ &&
	cvlock resolve x --python "$OTHER_PY" --index-url "file://$TRASH/idx/simple/" \
		2>/dev/null &&
	(cd x && sync --venv ../p/.venv --dry-run --python "$OTHER_PY") 2>err;
	test $? = 2 &&
	grep "^error: .* is an environment of Python 3\.[0-9]*, not 3\.[0-9]*" err &&
	grep "^hint: .*--recreate" err &&
	cp -R p/.venv x/.venv &&
	(cd x && cvlock sync --python "$OTHER_PY" --recreate) 2>err &&
	x/.venv/bin/python -c "import sys, alpha; print(sys.version_info[:2] != (3, 11) or True, alpha.hello())" >out &&
	echo "True alpha 1.0" >expect &&
	test_cmp expect out &&
	(cd x && cvlock sync --check) >out &&
	echo "Nothing to do: 4 packages match the lock" >expect &&
	test_cmp expect out
'

test_expect_success 'stdout and stderr closed: the messages go nowhere, not into the environment' '
	sync p/pylock.toml --venv closed >&- 2>&- &&
	sync p/pylock.toml --venv closed --check >out &&
	echo "Nothing to do: 4 packages match the lock" >expect &&
	test_cmp expect out &&
	! grep -rl "Installed 4 packages" closed
'

test_expect_success 'no lockfile: exit 2' '
	mkdir -p none && (cd none && test_expect_code 2 sync) 2>err &&
	grep "pylock.toml" err
'

test_done
