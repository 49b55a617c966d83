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

# res DIR-OR-FILE [options]: resolve for the test target, no cache
res() {
	_d=$1
	shift
	# shellcheck disable=SC2086
	cvlock resolve "$_d" --index-url "$IDX" $TARGET --no-cache "$@"
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

test_done
