#!/bin/sh
# cvlock export: a lockfile resolved against the test index (HTTP and
# file://) exported byte for byte and installed by pip 23 with
# --require-hashes --no-deps into a throwaway venv (a tampered hash makes
# pip fail); extras and groups chosen against the PEP 751 markers, the
# environment part of a marker kept on the line; sources pip cannot
# check; usage errors.  Data in tests/data/export/.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

D="$top_srcdir/tests/data/export"
make_index "$D/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

# pip 23 of $PYTHON working on the venv ./venv (made without pip, which
# is slow to bootstrap; pip --python drives it from outside)
venv_pip() {
	"$PYTHON" -m pip --python venv/bin/python --disable-pip-version-check \
		--no-input "$@"
}

# the installed distributions of ./venv as "name==version" lines
venv_list() {
	venv_pip list --format freeze 2>/dev/null | sort
}

have_pip=
if "$PYTHON" -m pip --version 2>/dev/null | grep -q '^pip 2[3-9]'; then
	have_pip=yes
fi

test_expect_success 'resolve the test project over HTTP, export it byte for byte' '
	mkdir p && cp "$D/pyproject.toml" p/ &&
	cvlock resolve p --index-url "$URL" $TARGET --no-cache --all-extras \
		--all-groups 2>/dev/null &&
	(cd p && cvlock export >../out) &&
	index_expand "$TRASH/idx" <"$D/expect-http.txt" >expect &&
	test_cmp expect out &&
	! grep -q "$TRASH" out
'

test_expect_success '-o writes the same bytes atomically; runs are deterministic' '
	cvlock export p/pylock.toml -o p/req.txt &&
	cvlock export p/pylock.toml --format requirements.txt >again &&
	cmp out p/req.txt && cmp out again &&
	! test -e p/req.txt.lock &&
	test_expect_code 4 cvlock export p/pylock.toml -o p/nodir/x.txt 2>err &&
	grep -q "^error: " err && ! test -e p/nodir
'

test_expect_success 'extras and groups: the PEP 751 markers decide' '
	cvlock export p/pylock.toml --extra CLI --no-default-groups >o1 &&
	grep "^[a-z]" o1 | cut -d" " -f1 >got &&
	printf "%s\n" alpha==1.0 beta==2.0 gamma==1.0 >expect &&
	test_cmp expect got &&
	grep -q "^# extras: cli; dependency groups: (none)$" o1 &&
	cvlock export p/pylock.toml --group dev --no-default-groups \
		--no-hashes >o2 &&
	grep "^[a-z]" o2 >got &&
	printf "%s\n" alpha==1.0 beta==2.0 delta==1.0 zeta==1.0 >expect &&
	test_cmp expect got &&
	cvlock export p/pylock.toml --all-extras --all-groups >o3 &&
	grep "^[a-z]" o3 | cut -d" " -f1 >got &&
	printf "%s\n" alpha==1.0 beta==2.0 delta==1.0 eps==1.0 gamma==1.0 \
		zeta==1.0 >expect &&
	test_cmp expect got
'

test_expect_success 'no line of an export carries a PEP 751 set marker' '
	! grep -v "^ *#" o3 | grep -q "extras\|dependency_groups"
'

if test -n "$have_pip"; then
	test_expect_success 'pip --require-hashes --no-deps installs the export' '
		"$PYTHON" -m venv --without-pip venv &&
		venv_pip install --no-cache-dir --require-hashes --no-deps \
			--index-url "$URL" -r p/req.txt >pip.out 2>&1 &&
		venv_list >got &&
		printf "%s\n" alpha==1.0 beta==2.0 delta==1.0 eps==1.0 \
			zeta==1.0 >expect &&
		test_cmp expect got
	'

	test_expect_success 'a tampered hash makes pip refuse to install' '
		rm -rf venv && "$PYTHON" -m venv --without-pip venv &&
		sed "/^beta==/,/^[a-z]/s/--hash=sha256:[0-9a-f]\{4\}/--hash=sha256:0000/" \
			p/req.txt >bad.txt &&
		! cmp -s p/req.txt bad.txt &&
		! venv_pip install --no-cache-dir --require-hashes --no-deps \
			--index-url "$URL" -r bad.txt >pip.out 2>&1 &&
		grep -q "DO NOT MATCH THE HASHES" pip.out &&
		venv_list >got &&
		! grep -q "^beta==" got
	'

	test_expect_success 'a file:// index: --find-links relative to the export, pip offline' '
		mkdir -p f && cp -R "$TRASH/idx" f/idx && mkdir f/p &&
		cp "$D/pyproject.toml" f/p/ &&
		cvlock resolve f/p --index-url "file://$TRASH/f/idx/simple/" \
			$TARGET --no-cache --extra cli 2>/dev/null &&
		cvlock export f/p/pylock.toml -o f/p/req.txt --extra cli \
			--no-default-groups &&
		grep "^--find-links" f/p/req.txt >got &&
		printf -- "--find-links ../idx/files/%s\n" alpha beta gamma >expect &&
		test_cmp expect got &&
		! grep -q "$TRASH" f/p/req.txt &&
		cvlock export f/p/pylock.toml >f/req-top.txt &&
		grep -q "^--find-links f/idx/files/alpha$" f/req-top.txt &&
		rm -rf venv && "$PYTHON" -m venv --without-pip venv &&
		venv_pip install --no-cache-dir --require-hashes --no-deps \
			--no-index -r f/p/req.txt >pip.out 2>&1 &&
		venv_list >got &&
		printf "%s\n" alpha==1.0 beta==2.0 gamma==1.0 >expect &&
		test_cmp expect got
	'
else
	echo "# pip 23 not found for $PYTHON: the pip tests are skipped"
fi

test_expect_success 'environment markers stay on the line, group markers go' '
	cp "$D/pylock.markers.toml" . &&
	cvlock export pylock.markers.toml >out &&
	test_cmp "$D/expect-markers.txt" out &&
	cvlock export pylock.markers.toml --no-hashes --all-extras \
		--group docs --no-default-groups >out &&
	test_cmp "$D/expect-markers-all.txt" out
'

test_expect_success 'vcs and directory sources: only without hashes' '
	cp "$top_srcdir/tests/data/lockfmt/sources.toml" pylock.sources.toml &&
	test_expect_code 2 cvlock export pylock.sources.toml >out 2>err &&
	cat >expect <<-\EOF &&
	error: cannot export package '"'"'from-dir'"'"': it is a local directory, which pip cannot check against a hash
	hint: export with --no-hashes
	EOF
	test_cmp expect err &&
	test_cmp /dev/null out &&
	cvlock export pylock.sources.toml --no-hashes >out &&
	grep -v "^#" out >got &&
	cat >expect <<-\EOF &&
	from-archive @ https://example.org/from_archive-1.0.tar.gz#subdirectory=src
	    # via from-git
	../from-dir
	    # via from-git
	from-git @ git+https://github.com/example/from-git.git@0123456789abcdef0123456789abcdef01234567#subdirectory=python
	    # via from-git
	EOF
	test_cmp expect got
'

test_expect_success 'a file without a hash pip knows is refused' '
	sed "s/hashes = {sha256 = \"63c1[0-9a-f]*\"}/hashes = {sha3_256 = \"$(printf x | sha256sum | cut -c1-64)\"}/" \
		pylock.markers.toml >pylock.nohash.toml &&
	! cmp -s pylock.markers.toml pylock.nohash.toml &&
	test_expect_code 2 cvlock export pylock.nohash.toml --extra cli 2>err &&
	cat >expect <<-\EOF &&
	error: cannot export package '"'"'click'"'"': file '"'"'click-8.1.8-py3-none-any.whl'"'"' has no sha256, sha384 or sha512 hash for pip to check
	hint: export with --no-hashes, or lock again
	EOF
	test_cmp expect err &&
	cvlock export pylock.nohash.toml --extra cli --no-hashes >out &&
	grep -q "^click==8.1.8$" out
'

test_expect_success 'unknown extras and groups, bad format, missing lockfile' '
	test_expect_code 2 cvlock export p/pylock.toml --extra nope 2>err &&
	cat >expect <<-\EOF &&
	error: extra '"'"'nope'"'"' is not in the lockfile
	hint: the lockfile'"'"'s extras: cli
	EOF
	test_cmp expect err &&
	test_expect_code 2 cvlock export p/pylock.toml --group Nope 2>err &&
	cat >expect <<-\EOF &&
	error: group '"'"'nope'"'"' is not in the lockfile
	hint: the lockfile'"'"'s dependency-groups: dev, test
	EOF
	test_cmp expect err &&
	test_expect_code 2 cvlock export p/pylock.toml --format json 2>err &&
	grep -q "^error: unknown export format '"'"'json'"'"'$" err &&
	test_expect_code 2 cvlock export nosuch.toml 2>err &&
	grep -q "^error: .*nosuch.toml" err &&
	test_expect_code 2 cvlock export a.toml b.toml 2>err &&
	grep -q "takes one LOCKFILE" err &&
	printf "lock-version = 2\n" >pylock.bad.toml &&
	test_expect_code 2 cvlock export pylock.bad.toml 2>err &&
	grep -q "^error: lockfile '"'"'pylock.bad.toml'"'"' is not valid" err
'

test_expect_success 'export --help' '
	cvlock export --help >out &&
	grep -q "require-hashes" out &&
	grep -q -- "--no-default-groups" out
'

test_done
