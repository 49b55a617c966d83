#!/bin/sh
# cvlock resolve and yanked versions (PEP 592): a version pinned with ==
# or === whose files are all yanked is locked with [packages.tool.cvlock]
# yanked = "reason" (or true without one) and a warning on stderr, also
# with -q; an unpinned requirement never chooses it; the lockfile reads
# back (lock verify, --check) and cvlock diff reports the risk.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

cat >spec.json <<\EOF
{"projects": {
  "good": {
    "1.0": {"upload_time": "2020-01-01T00:00:00Z"},
    "1.1": {"yanked": "broken \"build\"", "upload_time": "2020-02-01T00:00:00Z"}
  },
  "other": {
    "1.0": {"yanked": true, "upload_time": "2020-01-01T00:00:00Z"}
  },
  "mixed": {
    "1.0": {"wheels": ["py3-none-any"], "sdist": "2.2",
            "upload_time": "2020-01-01T00:00:00Z"}
  }
}}
EOF
make_index spec.json idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

# res REQ OUT [options]: resolve the requirements file REQ into OUT
res() {
	_req=$1 _out=$2
	shift 2
	# shellcheck disable=SC2086
	cvlock resolve -r "$_req" -o "$_out" --index-url "$URL" $TARGET \
		--no-cache --retries 0 "$@"
}

# the [packages.tool.cvlock] tables of a lockfile, with their package
tool_tables() {
	awk '/^\[\[packages\]\]/{h=1} h && /^name = /{n=$0; h=0}
	     /^\[packages.tool.cvlock\]/{t=1; print n; print; next}
	     /^\[/{t=0} t && NF{print}' "$1"
}

strip_time() {
	sed 's/^\(Resolved [0-9]* packages\{0,1\}\) in [0-9]* ms$/\1/'
}

test_expect_success 'unpinned: the newest version that is not yanked' '
	echo good >a.in &&
	res a.in pylock.a.toml 2>err &&
	grep -q "^version = \"1.0\"" pylock.a.toml &&
	! grep -q yanked pylock.a.toml &&
	! grep -q "^warning" err
'

test_expect_success 'pinned with == and ===: yanked written, a warning each' '
	printf "%s\n" "good==1.1" "other===1.0" >b.in &&
	res b.in pylock.b.toml 2>err &&
	tool_tables pylock.b.toml >actual &&
	cat >expect <<-\EOF &&
	name = "good"
	[packages.tool.cvlock]
	yanked = "broken \"build\""
	name = "other"
	[packages.tool.cvlock]
	yanked = true
	EOF
	test_cmp expect actual &&
	strip_time <err >err2 &&
	cat >expect <<-\EOF &&
	Resolved 2 packages
	Added good 1.1
	Added other 1.0
	warning: good 1.1 is yanked: broken "build"
	warning: other 1.0 is yanked
	EOF
	test_cmp expect err2
'

test_expect_success 'the table is the last of its package, after the wheels' '
	awk "/^\\[\\[packages\\]\\]/{p=0} /^name = \"good\"/{p=1} p" \
		pylock.b.toml | grep "^\\[" >actual &&
	cat >expect <<-\EOF &&
	[[packages.wheels]]
	[packages.tool.cvlock]
	EOF
	test_cmp expect actual
'

test_expect_success '-q: no summary, the warnings still' '
	rm pylock.b.toml &&
	# shellcheck disable=SC2086
	cvlock -q resolve -r b.in -o pylock.b.toml --index-url "$URL" \
		$TARGET --no-cache --retries 0 2>err &&
	cat >expect <<-\EOF &&
	warning: good 1.1 is yanked: broken "build"
	warning: other 1.0 is yanked
	EOF
	test_cmp expect err
'

test_expect_success 'the lockfile reads back: lock verify, --check, no rewrite' '
	cvlock lock verify pylock.b.toml >out 2>err &&
	! grep -q "warning\|error" out err &&
	cp pylock.b.toml before &&
	res b.in pylock.b.toml --check 2>err &&
	res b.in pylock.b.toml 2>err &&
	cmp before pylock.b.toml
'

test_expect_success 'lock verify warns about other [packages.tool.cvlock] keys' '
	sed "s/^yanked = true$/yanked = true\nfuture = 1/" pylock.b.toml \
		>pylock.c.toml &&
	cvlock lock verify pylock.c.toml >out 2>&1;
	grep -q "unknown key .future. in \[packages.tool.cvlock\] (ignored)" out
'

test_expect_success 'cvlock diff: the yanked version is a risk, with its reason' '
	printf "%s\n" "good" "other===1.0" >d.in &&
	res d.in pylock.d.toml 2>/dev/null &&
	test_expect_code 0 cvlock diff pylock.d.toml pylock.b.toml >out &&
	grep -q "good.*1.0.*1.1" out &&
	grep -q "yanked" out &&
	grep -q "broken \"build\"" out &&
	cvlock diff --format json pylock.d.toml pylock.b.toml >out.json &&
	"$PYTHON" - out.json >actual <<-\EOF &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	for r in d["risks"]:
	    print(r["kind"], r["package"], r.get("new"))
	EOF
	echo "yanked good broken \"build\"" >expect &&
	test_cmp expect actual
'

test_expect_success 'pinned, not yanked: no table, no warning' '
	echo "mixed==1.0" >e.in &&
	res e.in pylock.e.toml 2>err &&
	grep -q "^name = \"mixed-1.0-py3-none-any.whl\"" pylock.e.toml &&
	! grep -q "packages.tool" pylock.e.toml &&
	! grep -q "^warning" err
'

test_expect_success 'unpinned and only yanked versions: no solution' '
	echo other >f.in &&
	test_expect_code 1 res f.in pylock.f.toml 2>err &&
	grep -q "yanked" err &&
	test ! -e pylock.f.toml
'

test_done
