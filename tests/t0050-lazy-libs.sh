#!/bin/sh
# cvlock loads libcurl, libarchive and libcrypto on first use
# (util/lazylib.c): which libraries a run maps, seen with glibc's
# LD_DEBUG=files.  Nothing for --help, a warm resolve whose pages are fresh
# (max-age) or a no-op sync; libcurl for a cold resolve over HTTP, all
# three for a sync that downloads and unpacks.  A library that cannot be
# loaded (CVLOCK_LIBCURL, CVLOCK_LIBARCHIVE, CVLOCK_LIBCRYPTO) is one clear
# error; so is one without a function that cvlock calls.  Skipped when
# cvlock is linked with them (--disable-lazy-libs) or the dynamic loader
# has no LD_DEBUG.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/sync"

# mapped CMD...: run CMD; the file names of the libraries that it and its
# children loaded, one a line, in libs (the status is CMD's)
mapped() {
	rm -rf "$TRASH/ld" && mkdir "$TRASH/ld" &&
	LD_DEBUG=files LD_DEBUG_OUTPUT="$TRASH/ld/ld" "$@"
	_rc=$?
	cat "$TRASH"/ld/ld.* 2>/dev/null |
		sed -n 's/^ *[0-9]*:[[:space:]]*file=\([^ ]*\) .*/\1/p' |
		sed 's|.*/||' | sort -u >libs
	return $_rc
}

# maps_none: none of libcurl, libarchive and libcrypto in libs, which is
# not empty
maps_none() {
	grep -q "^libsolv" libs &&
	! grep -E "^lib(curl|archive|crypto)" libs
}

mapped cvlock --help >/dev/null
if ! grep -q "^libsolv" libs; then
	echo "1..0 # SKIP the dynamic loader has no LD_DEBUG=files (not glibc)"
	exit 77
fi
if grep -q -E "^lib(curl|crypto)" libs; then
	echo "1..0 # SKIP cvlock is linked with libcurl (--disable-lazy-libs)"
	exit 77
fi

PY=$("$PYTHON" -c 'import sys; print(sys.executable)' 2>/dev/null)
if test -n "$PY" && "$PY" -c 'import venv' 2>/dev/null; then
	HAVE_PY=yes
fi

make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1 # pages with max-age=600
URL=$(index_url)
mkdir p && cp "$DATA/pyproject.toml" p/ || exit 1

# resolve [options]: p, for Python 3.11 on x86_64 Linux, over HTTP
resolve() {
	cvlock resolve p --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --all-extras \
		--index-url "$URL" "$@"
}

test_expect_success '--help and version map none of the three' '
	mapped cvlock --help >/dev/null &&
	maps_none &&
	mapped cvlock version >/dev/null &&
	maps_none
'

test_expect_success 'version -v loads both to print their versions' '
	mapped cvlock version -v >out &&
	grep "^libcurl [0-9]" out &&
	grep "^libarchive [0-9]" out &&
	grep "^libcurl" libs &&
	grep "^libarchive" libs
'

test_expect_success 'a cold resolve over HTTP loads libcurl' '
	clear_requests &&
	mapped resolve --cache-dir c 2>err &&
	grep "^Resolved 5 packages" err &&
	test "$(count_requests "^GET ")" -gt 0 &&
	grep "^libcurl" libs
'

test_expect_success 'a warm resolve, its pages fresh, maps none' '
	clear_requests &&
	mapped resolve --cache-dir c 2>err &&
	grep "^Resolved 5 packages" err &&
	test "$(count_requests "^GET ")" -eq 0 &&
	maps_none
'

test_expect_success 'a resolve without libcurl fails clearly' '
	CVLOCK_LIBCURL="$TRASH/no-libcurl.so" &&
	export CVLOCK_LIBCURL &&
	test_expect_code 70 resolve --cache-dir c2 2>err &&
	sed "s|'\''${URL}[a-z]*/'\''|PAGE|" err >actual &&
	cat >expect <<-EOF &&
	error: cannot fetch PAGE: cannot load libcurl ($TRASH/no-libcurl.so): cannot open shared object file: No such file or directory
	hint: install libcurl'\''s package (Debian: apt-get install libcurl4)
	EOF
	test_cmp expect actual
'

test_expect_success 'a libcurl without a function cvlock calls is refused' '
	CVLOCK_LIBCURL=libarchive.so.13 &&
	export CVLOCK_LIBCURL &&
	test_expect_code 70 resolve --cache-dir c2 2>err &&
	grep "^error: cannot fetch .*: cannot load libcurl (libarchive.so.13): .*undefined symbol: curl_" err &&
	grep "^hint: install libcurl" err
'

test_expect_success 'the warm resolve still works without libcurl' '
	CVLOCK_LIBCURL="$TRASH/no-libcurl.so" &&
	export CVLOCK_LIBCURL &&
	resolve --cache-dir c 2>err &&
	grep "^Resolved 5 packages" err
'

test_expect_success 'version -v without libarchive' '
	CVLOCK_LIBARCHIVE="$TRASH/no-libarchive.so" &&
	export CVLOCK_LIBARCHIVE &&
	test_expect_code 70 cvlock version -v >out 2>err &&
	grep "^libcurl [0-9]" out &&
	grep "^libarchive unavailable$" out &&
	cat >expect <<-EOF &&
	error: cannot load libarchive ($TRASH/no-libarchive.so): cannot open shared object file: No such file or directory
	hint: install libarchive'\''s package (Debian: apt-get install libarchive13)
	EOF
	test_cmp expect err
'

if test "$HAVE_PY" = yes; then
	test_expect_success 'lock p for this Python' '
		cvlock resolve p --python "$PY" --all-extras \
			--index-url "$URL" --cache-dir c 2>err
	'

	test_expect_success 'a sync without libarchive fails clearly' '
		CVLOCK_LIBARCHIVE="$TRASH/no-libarchive.so" &&
		export CVLOCK_LIBARCHIVE &&
		(cd p && test_expect_code 2 cvlock sync --python "$PY" \
			--cache-dir ../c3) 2>err &&
		grep "^error: cannot unpack .*: cannot load libarchive ($TRASH/no-libarchive.so): cannot open shared object file" err &&
		! test -d p/.venv/lib/python*/site-packages/alpha
	'

	test_expect_success 'a sync without libcrypto fails clearly' '
		CVLOCK_LIBCRYPTO="$TRASH/no-libcrypto.so" &&
		export CVLOCK_LIBCRYPTO &&
		(cd p && test_expect_code 70 cvlock sync --python "$PY" \
			--cache-dir ../c4) 2>err &&
		cat >expect <<-EOF &&
		error: cannot load libcrypto ($TRASH/no-libcrypto.so): cannot open shared object file: No such file or directory
		hint: install libcrypto'\''s package (Debian: apt-get install libssl3)
		EOF
		test_cmp expect err &&
		! test -d p/.venv/lib/python*/site-packages/alpha
	'

	test_expect_success 'a sync that downloads and unpacks loads all three' '
		rm -rf p/.venv &&
		(cd p && mapped cvlock sync --python "$PY" --cache-dir ../c) 2>err &&
		grep "^Installed 4 packages" err &&
		grep "^libcurl" p/libs &&
		grep "^libarchive" p/libs &&
		grep "^libcrypto" p/libs
	'

	test_expect_success 'a sync from the cache loads libcrypto, not libcurl' '
		rm -rf p/.venv c/unpacked-v1 &&
		(cd p && mapped cvlock sync --python "$PY" --cache-dir ../c) 2>err &&
		grep "^Installed 4 packages" err &&
		grep "^libarchive" p/libs &&
		grep "^libcrypto" p/libs &&
		! grep "^libcurl" p/libs
	'

	test_expect_success 'a no-op sync maps none' '
		(cd p && mapped cvlock sync --python "$PY" --cache-dir ../c &&
		 maps_none) 2>err &&
		grep "nothing to do" err
	'
fi

test_done
