#!/bin/sh
# cvlock resolve: the lockfile of extras and dependency groups (markers
# and [tool.cvlock] requirements), --upgrade-package NAME==VERSION,
# [tool.cvlock] settings against the command line, --no-binary /
# --only-binary, -v, and direct URL requirements; over a file:// index
# built from tests/data/resolve-options/index.json (and over HTTP where
# URLs matter).
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/resolve-options"
make_index "$DATA/index.json" idx || exit 1
IDX="file://$TRASH/idx/simple/"
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

# res [DIR] [options]: resolve for the test target, no cache
res() {
	# shellcheck disable=SC2086
	cvlock resolve "$@" --index-url "$IDX" $TARGET --no-cache
}

# summary LOCKFILE: "name version [marker]" per package, then the
# requirements line
summary() {
	awk '
	/^\[\[packages\]\]/ { if (n != "") print n, v, m; n = ""; v = ""; m = "" }
	/^name = / && n == "" && !f { n = $3 }
	/^version = / && v == "" { v = $3 }
	/^marker = / { sub(/^marker = /, ""); m = $0 }
	/^\[packages\./ { f = 1 }
	/^\[\[packages\]\]/ { f = 0 }
	/^\[tool\.cvlock\]/ { if (n != "") print n, v, m; n = "" }
	/^requirements = / { print }
	' "$1"
}

# project DIR FILE: DIR/pyproject.toml from tests/data/resolve-options/FILE
project() {
	mkdir -p "$1" && cp "$DATA/$2" "$1/pyproject.toml"
}

test_expect_success 'extras and groups: markers on what only they reach' '
	project x extras.toml &&
	res x --extra cli 2>err &&
	summary x/pylock.toml >actual &&
	cat >expect <<-\EOF &&
	"alpha" "1.0" 
	"beta" "1.0" 
	"click" "8.1" "\"cli\" in extras"
	"colorama" "0.4" "\"cli\" in extras"
	"pluggy" "1.0" "\"dev\" in dependency_groups"
	"pytest" "8.0" "\"dev\" in dependency_groups"
	"shared" "1.0" "\"cli\" in extras or \"dev\" in dependency_groups"
	requirements = ["alpha", "click>=8; \"cli\" in extras", "pytest; \"dev\" in dependency_groups", "shared; \"dev\" in dependency_groups", "shared; python_version >= \"3\" and \"cli\" in extras"]
	EOF
	test_cmp expect actual &&
	grep -q "^extras = \[\"cli\"\]$" x/pylock.toml &&
	grep -q "^dependency-groups = \[\"dev\"\]$" x/pylock.toml &&
	cvlock lock verify x/pylock.toml
'

test_expect_success 'a group alone: its marker; --no-default-groups: no marker, no requirement' '
	project g extras.toml &&
	res g 2>err &&
	summary g/pylock.toml >actual &&
	cat >expect <<-\EOF &&
	"alpha" "1.0" 
	"beta" "1.0" 
	"pluggy" "1.0" "\"dev\" in dependency_groups"
	"pytest" "8.0" "\"dev\" in dependency_groups"
	"shared" "1.0" "\"dev\" in dependency_groups"
	requirements = ["alpha", "pytest; \"dev\" in dependency_groups", "shared; \"dev\" in dependency_groups"]
	EOF
	test_cmp expect actual &&
	res g --no-default-groups 2>err &&
	summary g/pylock.toml >actual &&
	cat >expect <<-\EOF &&
	"alpha" "1.0" 
	"beta" "1.0" 
	requirements = ["alpha"]
	EOF
	test_cmp expect actual &&
	! grep -q "^marker" g/pylock.toml
'

# the "Resolved N packages in X ms" line without its time
strip_time() {
	sed 's/^\(Resolved [0-9]* packages\{0,1\}\) in [0-9]* ms$/\1/'
}

test_expect_success '--upgrade-package NAME==VERSION requires that version' '
	mkdir u && echo pinme >u/req.in &&
	res -r u/req.in -o u/pylock.toml -P pinme==1.0 2>err &&
	strip_time <err >actual &&
	printf "%s\n" "Resolved 1 package" "Added pinme 1.0" >expect &&
	test_cmp expect actual &&
	res -r u/req.in -o u/pylock.toml 2>err &&
	grep -q "^version = \"1.0\"$" u/pylock.toml &&
	res -r u/req.in -o u/pylock.toml --upgrade-package "PinMe == 1.1" 2>err &&
	strip_time <err >actual &&
	printf "%s\n" "Resolved 1 package" "Updated pinme 1.0 -> 1.1" >expect &&
	test_cmp expect actual &&
	res -r u/req.in -o u/pylock.toml -P pinme 2>err &&
	strip_time <err >actual &&
	printf "%s\n" "Resolved 1 package" "Updated pinme 1.1 -> 1.2" >expect &&
	test_cmp expect actual
'

test_expect_success '--upgrade-package: a package nothing needs is not added' '
	res -r u/req.in -o u/pylock.toml -P alpha==1.0 2>err &&
	! grep -q "alpha" u/pylock.toml &&
	! grep -q "alpha" err
'

test_expect_success '--upgrade-package: an unsatisfiable pin is explained, nothing written' '
	cp u/pylock.toml before &&
	test_expect_code 1 res -r u/req.in -o u/pylock.toml -P pinme==9.0 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires pinme, but no version of pinme matches within the constraint pinme==9.0
	EOF
	test_cmp expect err &&
	cmp before u/pylock.toml
'

test_expect_success '--upgrade-package: extras, markers and URLs are refused' '
	test_expect_code 2 res -r u/req.in -o u/pylock.toml -P "pinme[x]==1.0" 2>err &&
	cat >expect <<-\EOF &&
	error: invalid --upgrade-package '"'"'pinme[x]==1.0'"'"': expected NAME or NAME==VERSION
	hint: e.g. --upgrade-package requests or --upgrade-package requests==2.32.3
	EOF
	test_cmp expect err &&
	test_expect_code 2 res -r u/req.in -o u/pylock.toml -P "==1.0" 2>err &&
	grep -q "^error: invalid --upgrade-package '"'"'==1.0'"'"': " err &&
	test_expect_code 2 res -r u/req.in -o u/pylock.toml -P "pinme; os_name == \"nt\"" 2>err &&
	grep -q "expected NAME or NAME==VERSION" err
'

test_done
