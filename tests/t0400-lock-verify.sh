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

# project DIR: a project whose lockfile (basic.expected.toml, extras
# socks, group dev) records the hash of its inputs (cvlock inputs)
project() {
	mkdir -p "$1" &&
	cat >"$1/pyproject.toml" <<-\EOT &&
	[project]
	name = "app"
	version = "1"
	dependencies = ["requests>=2"]

	[project.optional-dependencies]
	socks = ["urllib3[socks]"]
	fast = ["ujson"]

	[dependency-groups]
	dev = ["pytest"]
	docs = ["sphinx"]
	EOT
	_h=$(cvlock inputs "$1" --extra socks --group dev --no-default-groups \
		--format json | sed -n "s/^  \"hash\": \"\(.*\)\",\{0,1\}\$/\1/p") &&
	test -n "$_h" &&
	sed "s/^inputs-hash = .*/inputs-hash = \"$_h\"/" \
		"$D/basic.expected.toml" >"$1/pylock.toml"
}

test_expect_success 'with the project: its inputs are those of the lockfile' '
	project p &&
	cvlock lock verify p/pylock.toml >out 2>err &&
	echo "p/pylock.toml: ok, 5 packages" >expect &&
	test_cmp expect out &&
	test_cmp /dev/null err &&
	(cd p && cvlock lock verify >../out 2>../err) &&
	echo "pylock.toml: ok, 5 packages" >expect &&
	test_cmp expect out &&
	test_cmp /dev/null err &&
	echo "# a comment changes no input" >>p/pyproject.toml &&
	cvlock lock verify p/pylock.toml >out
'

test_expect_success 'changed inputs: out of date, exit status 1' '
	project p &&
	sed "s/requests>=2/requests>=2.1/" p/pyproject.toml >p/new &&
	mv p/new p/pyproject.toml &&
	test_expect_code 1 cvlock lock verify p/pylock.toml >out 2>err &&
	cat >expect <<-\EOT &&
	error: p/pylock.toml: the lockfile is out of date: the project'"'"'s inputs changed since it was written
	hint: run '"'"'cvlock resolve'"'"'
	EOT
	test_cmp expect err &&
	test_cmp /dev/null out &&
	project q &&
	sed "/^socks = /d" q/pyproject.toml >q/new && mv q/new q/pyproject.toml &&
	test_expect_code 1 cvlock lock verify q/pylock.toml 2>err &&
	grep -q "^error: q/pylock.toml: the lockfile is out of date" err &&
	project r &&
	echo "lint = [\"ruff\"]" >>r/pyproject.toml &&
	test_expect_code 1 cvlock lock verify r/pylock.toml 2>err &&
	grep -q "out of date" err
'

test_expect_success 'extras and groups from the command line, as resolve takes them' '
	project p &&
	cvlock lock verify p/pylock.toml --extra socks >out &&
	echo "p/pylock.toml: ok, 5 packages" >expect &&
	test_cmp expect out &&
	test_expect_code 1 cvlock lock verify p/pylock.toml --all-extras 2>err &&
	grep -q "out of date" err &&
	test_expect_code 1 cvlock lock verify p/pylock.toml --extra socks \
		--group docs 2>err &&
	grep -q "out of date" err
'

test_expect_success 'requirements files as the project (-r)' '
	mkdir rq && printf "requests>=2\n" >rq/requirements.in &&
	_h=$(cvlock inputs -r rq/requirements.in --format json |
		sed -n "s/^  \"hash\": \"\(.*\)\",\{0,1\}\$/\1/p") &&
	sed -e "s/^inputs-hash = .*/inputs-hash = \"$_h\"/" \
		-e "s/^extras = .*/extras = []/" \
		-e "s/^dependency-groups = .*/dependency-groups = []/" \
		-e "s/^default-groups = .*/default-groups = []/" \
		"$D/basic.expected.toml" >rq/pylock.toml &&
	cvlock lock verify rq/pylock.toml -r rq/requirements.in >out &&
	echo "rq/pylock.toml: ok, 5 packages" >expect &&
	test_cmp expect out &&
	printf "requests>=3\n" >rq/requirements.in &&
	test_expect_code 1 cvlock lock verify rq/pylock.toml \
		-r rq/requirements.in 2>err &&
	grep -q "^error: rq/pylock.toml: the lockfile is out of date" err
'

test_expect_success 'no inputs hash, an invalid lockfile, an unreadable project' '
	project p &&
	sed "/^inputs-hash = /d" p/pylock.toml >p/new && mv p/new p/pylock.toml &&
	cvlock lock verify p/pylock.toml >out 2>err &&
	test_cmp /dev/null err &&
	cvlock -v lock verify p/pylock.toml >out 2>err &&
	echo "note: '"'"'p/pylock.toml'"'"' records no inputs hash: the project'"'"'s inputs are not compared" >expect &&
	test_cmp expect err &&
	project q &&
	echo "dependencies = [\"other\"]" >>q/pyproject.toml &&
	sed "s/^name = \"idna\"/name = \"IDNA\"/" q/pylock.toml >q/new &&
	mv q/new q/pylock.toml &&
	test_expect_code 2 cvlock lock verify q/pylock.toml >out 2>err &&
	! grep -q "out of date" err &&
	project s &&
	echo "[project" >>s/pyproject.toml &&
	test_expect_code 2 cvlock lock verify s/pylock.toml 2>err &&
	grep -q "^error: .*pyproject.toml" err
'

test_expect_success 'lock --help' '
	cvlock lock --help >out &&
	grep -q "verify \[FILE\]" out
'

test_done
