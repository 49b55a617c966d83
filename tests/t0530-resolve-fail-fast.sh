#!/bin/sh
# cvlock resolve fails fast: a root requirement that nothing on the index
# can satisfy (an unknown project, no version matching for the target) is
# explained as soon as it and the roots before it are listed, without the
# metadata or the pages of the rest; the explanation is the usual one, and
# it is about the first such root in input order, whatever the order of
# the replies.  Requirements that can be satisfied (a pinned yanked
# version) and conflicts deeper down still take the normal path.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/data/resolve/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)

# res REQ...: resolve those requirements for the test target, no cache
res() {
	printf "%s\n" "$@" >r.in &&
	clear_requests &&
	cvlock resolve -r r.in -o pylock.toml --index-url "$URL" \
		--python-version 3.11 --platform manylinux_2_28_x86_64 \
		--no-cache --retries 0
}

# no_closure: only root pages were asked for, no metadata, no other page
no_closure() {
	test "$(count_requests '[.]metadata ')" = 0 &&
	test "$(count_requests '^GET /simple/beta/ ')" = 0
}

test_expect_success 'a version that does not exist: explained at once' '
	test_expect_code 1 res alpha "gamma==2.1.5" 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires gamma==2.1.5, but no version of gamma matches
	EOF
	test_cmp expect err &&
	no_closure &&
	test "$(count_requests "^GET /simple/alpha/ ")" = 1 &&
	test ! -e pylock.toml
'

test_expect_success 'an unknown project: explained at once' '
	test_expect_code 1 res alpha no-such-thing 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires no-such-thing, but no package no-such-thing exists
	EOF
	test_cmp expect err &&
	no_closure
'

test_expect_success 'no version for the target Python: explained at once, with the hint' '
	test_expect_code 1 res alpha "zeta>=2" 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires zeta>=2, but no version of zeta matches
	hint: zeta 2.0 requires Python >=3.13, but the target is Python 3.11.0
	EOF
	test_cmp expect err &&
	no_closure
'

test_expect_success 'two dead roots: the first in input order is explained' '
	test_expect_code 1 res no-such-thing alpha "gamma==2.1.5" 2>err1 &&
	test_expect_code 1 res "gamma==2.1.5" alpha no-such-thing 2>err2 &&
	cat >expect1 <<-\EOF &&
	error: no solution:
	  * the project requires no-such-thing, but no package no-such-thing exists
	EOF
	cat >expect2 <<-\EOF &&
	error: no solution:
	  * the project requires gamma==2.1.5, but no version of gamma matches
	EOF
	test_cmp expect1 err1 &&
	test_cmp expect2 err2 &&
	for c in 1 2 64; do
		CVLOCK_CONCURRENCY=$c test_expect_code 1 \
			res no-such-thing alpha "gamma==2.1.5" 2>err &&
		test_cmp expect1 err || return 1
	done
'

test_expect_success 'one request at a time: nothing is asked after the dead root' '
	CVLOCK_CONCURRENCY=1 test_expect_code 1 res "gamma==2.1.5" alpha delta eps 2>err &&
	test_cmp expect2 err &&
	test "$(count_requests "^GET ")" = 1 &&
	test "$(count_requests "^GET /simple/gamma/ ")" = 1
'

test_expect_success 'warm: only the pages up to the dead root are read from the cache' '
	printf "%s\n" alpha delta eps >ok.in &&
	cvlock resolve -r ok.in -o pylock.ok.toml --index-url "$URL" \
		--python-version 3.11 --platform manylinux_2_28_x86_64 \
		--cache-dir c1 &&
	cvlock resolve -r ok.in -o pylock.ok.toml --index-url "$URL" \
		--python-version 3.11 --platform manylinux_2_28_x86_64 \
		--cache-dir c1 --upgrade &&
	printf "%s\n" alpha "eps>=99" delta gamma >bad.in &&
	clear_requests &&
	test_expect_code 1 cvlock resolve -r bad.in -o pylock.toml -v \
		--index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --cache-dir c1 2>err &&
	grep "^  \* the project requires eps>=99, but no version of eps matches$" err &&
	test "$(count_requests "^GET ")" = 0 &&
	grep "^fetched 2 pages and 0 metadata files: 0 requests, 2 from cache" err
'

test_expect_success 'a root requirement that can be met still resolves' '
	res alpha 2>err &&
	test "$(count_requests "^GET /simple/beta/ ")" = 1 &&
	grep -q "^name = \"beta\"" pylock.toml
'

test_expect_success 'a pinned yanked version is a candidate, not a dead root' '
	res "gamma==2.1" 2>err &&
	grep -A1 "^name = \"gamma\"" pylock.toml | grep -q "version = \"2.1\""
'

test_expect_success 'a conflict below the roots: the normal path and text' '
	rm -f pylock.toml &&
	test_expect_code 1 res delta "beta>=2" 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires beta>=2
	  * the project requires delta
	  * delta 1.0 requires beta<1.1
	  * only one version of beta can be installed
	EOF
	test_cmp expect err &&
	test "$(count_requests "[.]metadata ")" -ge 1
'

test_done
