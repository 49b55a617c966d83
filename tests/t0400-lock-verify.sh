#!/bin/sh
# cvlock lock verify: PEP 751 checks of a pylock.toml, every problem as
# FILE:LINE:COLUMN, on lockfiles of cvlock and of other tools.
# Fixtures and expected problems in tests/data/lockfmt/ (shared with the
# lockfmt unit suite).
. "$top_srcdir/tests/test-lib.sh"

D="$top_srcdir/tests/data/lockfmt"

test_expect_success 'a cvlock lockfile in the current directory is ok' '
	cp "$D/basic.expected.toml" pylock.toml &&
	cvlock lock verify >out 2>err &&
	echo "pylock.toml: ok, 5 packages" >expect &&
	test_cmp expect out &&
	test_cmp /dev/null err
'

for t in pep751-example pip-lock uv-export pdm-export sources; do
	test_expect_success "a lockfile like $t writes is ok" "
		cp '$D/$t.toml' pylock.$t.toml &&
		cvlock lock verify pylock.$t.toml >out &&
		tail -n 1 out >actual &&
		grep -q '^pylock.$t.toml: ok, [0-9]* packages\$' actual
	"
done

for t in invalid-fields invalid-sources invalid-major invalid-syntax invalid-duplicates; do
	test_expect_success "$t: every problem, exit status 2" "
		cp '$D/$t.toml' pylock.toml &&
		test_expect_code 2 cvlock lock verify >out &&
		sed '\$d' out >actual &&
		test_cmp '$D/$t.diags' actual
	"
done

test_expect_success 'the summary counts errors and warnings' '
	cp "$D/invalid-fields.toml" pylock.toml &&
	test_expect_code 2 cvlock lock verify pylock.toml >out &&
	tail -n 1 out >actual &&
	echo "pylock.toml: 21 errors, 3 warnings" >expect &&
	test_cmp expect actual &&
	test_expect_code 2 cvlock -q lock verify >out &&
	test_cmp "$D/invalid-fields.diags" out
'

test_expect_success 'warnings alone keep exit status 0' '
	printf "lock-version = \"1.1\"\ncreated-by = \"x\"\npackages = []\n" >pylock.toml &&
	cvlock lock verify >out &&
	cat >expect <<-\EOT &&
	pylock.toml:1:16: warning: unknown minor lock-version '"'"'1.1'"'"': read as 1.0
	pylock.toml: ok, 0 packages
	EOT
	test_cmp expect out
'

test_expect_success 'a file not named like a lockfile gets a warning' '
	cp "$D/basic.expected.toml" mylock.toml &&
	cvlock lock verify mylock.toml >out &&
	cat >expect <<-\EOT &&
	mylock.toml: warning: a lockfile is named pylock.toml or pylock.NAME.toml
	mylock.toml: ok, 5 packages
	EOT
	test_cmp expect out
'

test_expect_success 'a missing file, a bad subcommand, extra arguments' '
	test_expect_code 2 cvlock lock verify nosuch.toml 2>err &&
	echo "error: cannot read '"'"'nosuch.toml'"'"': No such file or directory" >expect &&
	test_cmp expect err &&
	test_expect_code 2 cvlock lock frobnicate 2>err &&
	grep -q "unknown lock subcommand" err &&
	test_expect_code 2 cvlock lock 2>err &&
	grep -q "expected a subcommand: verify" err &&
	test_expect_code 2 cvlock lock verify a b 2>err &&
	grep -q "takes one FILE" err
'

test_expect_success 'lock --help' '
	cvlock lock --help >out &&
	grep -q "verify \[FILE\]" out
'

test_done
