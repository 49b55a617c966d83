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
# upload times (--exclude-newer) need the JSON pages of an HTTP index
start_index_server idx || exit 1
URL=$(index_url)
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

# options FILE: the [tool.cvlock] table of a lockfile without inputs-hash
# and requirements
options() {
	sed -n "/^\[tool\.cvlock\]/,\$p" "$1" | grep -v "^inputs-hash\|^requirements"
}

test_expect_success '[tool.cvlock] python-version, platform, implementation, exclude-newer' '
	project t target.toml &&
	cvlock resolve t --index-url "$URL" --no-cache 2>err &&
	options t/pylock.toml >actual &&
	cat >expect <<-\EOF &&
	[tool.cvlock]
	exclude-newer = "2020-01-15T00:00:00Z"
	implementation = "pp"
	platform = "win_amd64"
	prerelease = "if-necessary"
	python-version = "3.12.0"
	resolution = "highest"
	EOF
	test_cmp expect actual &&
	grep -q "^environments = \[\"sys_platform == \\\\\"win32\\\\\" and platform_machine == \\\\\"AMD64\\\\\" and implementation_name == \\\\\"pypy\\\\\"\"\]$" t/pylock.toml &&
	grep -q "^requires-python = \"==3.12.\*\"$" t/pylock.toml &&
	grep -q "^version = \"1.0\"$" t/pylock.toml
'

test_expect_success 'the command line overrides [tool.cvlock]' '
	cvlock resolve t --index-url "$URL" --no-cache --python-version 3.11 \
		--exclude-newer 2020-02-15 --implementation cp -U 2>err &&
	options t/pylock.toml >actual &&
	cat >expect <<-\EOF &&
	[tool.cvlock]
	exclude-newer = "2020-02-15T00:00:00Z"
	implementation = "cp"
	platform = "win_amd64"
	prerelease = "if-necessary"
	python-version = "3.11.0"
	resolution = "highest"
	EOF
	test_cmp expect actual &&
	grep -q "^version = \"1.1\"$" t/pylock.toml &&
	cvlock resolve t --index-url "$URL" --no-cache \
		--platform manylinux_2_28_x86_64 2>err &&
	grep -q "^platform = \"manylinux_2_28_x86_64\"$" t/pylock.toml &&
	grep -q "^python-version = \"3.12.0\"$" t/pylock.toml
'

test_expect_success '[tool.cvlock] python-version without a platform: exit 2' '
	project t2 target.toml &&
	sed -i "/^platform/d" t2/pyproject.toml &&
	test_expect_code 2 cvlock resolve t2 --index-url "$URL" --no-cache 2>err &&
	cat >expect <<-\EOF &&
	error: missing the platform: [tool.cvlock] sets python-version
	hint: set both python-version and platform in [tool.cvlock], give the other with --python-version or --platform, or probe an interpreter with --python PATH
	EOF
	test_cmp expect err &&
	test ! -e t2/pylock.toml &&
	sed -i "s/^exclude-newer = .*/exclude-newer = \"yesterday\"/" t2/pyproject.toml &&
	test_expect_code 2 cvlock resolve t2 --index-url "$URL" --no-cache 2>err &&
	grep -q "^error: t2/pyproject.toml:9:17: invalid exclude-newer '"'"'yesterday'"'"' in \[tool.cvlock\]$" err
'

test_expect_success 'exclude-newer applies to a file:// index too (no upload times: nothing)' '
	mkdir fe && echo pinme >fe/req.in &&
	test_expect_code 1 res -r fe/req.in -o fe/pylock.toml \
		--exclude-newer 2030-01-01 2>err &&
	grep -q "^hint: pinme 1.2 was uploaded after the --exclude-newer date$" err
'

# files PKG LOCKFILE: the file names a package entry lists
files() {
	awk -v p="\"$1\"" '
	/^\[\[packages\]\]/ { cur = "" }
	/^name = / && cur == "" { cur = $3; next }
	/^name = / && cur == p { print $3 }
	' "$2"
}

test_expect_success '--only-binary NAME: a wheel-only version, and no sdist in the lock' '
	mkdir b && printf "sonly\nwonly\nboth\n" >b/req.in &&
	res -r b/req.in -o b/pylock.toml 2>err &&
	grep -A1 "^name = \"both\"" b/pylock.toml | grep -q "^version = \"2.0\"$" &&
	files both b/pylock.toml >actual &&
	echo "\"both-2.0.tar.gz\"" >expect &&
	test_cmp expect actual &&
	! grep -q "binary" b/pylock.toml &&
	grep "^inputs-hash" b/pylock.toml >hash-plain &&
	res -r b/req.in -o b/pylock.toml --only-binary both 2>err &&
	grep -A1 "^name = \"both\"" b/pylock.toml | grep -q "^version = \"1.0\"$" &&
	files both b/pylock.toml >actual &&
	echo "\"both-1.0-py3-none-any.whl\"" >expect &&
	test_cmp expect actual &&
	grep -q "^only-binary = \"both\"$" b/pylock.toml &&
	grep "^inputs-hash" b/pylock.toml >hash-only &&
	! cmp -s hash-plain hash-only
'

test_expect_success '--no-binary: no wheel in the lock; later options win' '
	res -r b/req.in -o b/pylock.toml --only-binary both --no-binary both \
		-P both==1.0 2>err &&
	grep -A1 "^name = \"both\"" b/pylock.toml | grep -q "^version = \"1.0\"$" &&
	files both b/pylock.toml >actual &&
	echo "\"both-1.0.tar.gz\"" >expect &&
	test_cmp expect actual &&
	grep -q "^no-binary = \"both\"$" b/pylock.toml &&
	! grep -q "^only-binary" b/pylock.toml &&
	res -r b/req.in -o b/pylock.toml --no-binary :all: --only-binary wonly \
		-P both==1.0 2>err &&
	files sonly b/pylock.toml >actual &&
	files wonly b/pylock.toml >>actual &&
	files both b/pylock.toml >>actual &&
	cat >expect <<-\EOF &&
	"sonly-1.0.tar.gz"
	"wonly-1.0-py3-none-any.whl"
	"both-1.0.tar.gz"
	EOF
	test_cmp expect actual &&
	grep -q "^no-binary = \":all:\"$" b/pylock.toml &&
	grep -q "^only-binary = \"wonly\"$" b/pylock.toml
'

test_expect_success '--only-binary :all: / --no-binary :all: with no usable file: the hint' '
	test_expect_code 1 res -r b/req.in -o b/pylock.x.toml --only-binary :all: 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires sonly, but no version of sonly is usable
	hint: sonly 1.0 has only an sdist and --only-binary :all: is set
	EOF
	test_cmp expect err &&
	test_expect_code 1 res -r b/req.in -o b/pylock.x.toml --no-binary wonly 2>err &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires wonly, but no version of wonly is usable
	hint: wonly 1.0 has only wheels and --no-binary wonly is set
	EOF
	test_cmp expect err &&
	test ! -e b/pylock.x.toml
'

test_expect_success 'format control from a requirements file and [tool.cvlock]' '
	mkdir rf && printf "%s\n" "--only-binary=both" "-r ../b/req.in" >rf/req.in &&
	res -r rf/req.in -o rf/pylock.toml 2>err &&
	grep -A1 "^name = \"both\"" rf/pylock.toml | grep -q "^version = \"1.0\"$" &&
	res -r rf/req.in -o rf/pylock.toml --no-binary both -U 2>err &&
	grep -A1 "^name = \"both\"" rf/pylock.toml | grep -q "^version = \"2.0\"$" &&
	project pb binary.toml &&
	res pb 2>err &&
	grep -A1 "^name = \"both\"" pb/pylock.toml | grep -q "^version = \"1.0\"$" &&
	grep -q "^only-binary = \"both\"$" pb/pylock.toml &&
	cvlock inputs pb --no-binary wonly >inputs &&
	grep -q "^only-binary: both$" inputs &&
	grep -q "^no-binary: wonly$" inputs
'

test_expect_success 'invalid --no-binary / --only-binary values: exit 2' '
	test_expect_code 2 res -r b/req.in -o b/pylock.x.toml --no-binary "a,,b" 2>err &&
	cat >expect <<-\EOF &&
	error: invalid --no-binary: invalid project name '"''"' in '"'"'a,,b'"'"'
	hint: expected project names separated by commas, :all: or :none:
	EOF
	test_cmp expect err &&
	echo "--no-binary -x" >bad.in &&
	test_expect_code 2 res -r bad.in -o b/pylock.x.toml 2>err &&
	grep -q "^error: bad.in:1:13: invalid value of option '"'"'--no-binary'"'"': invalid project name '"'"'-x'"'"' in '"'"'-x'"'"'$" err &&
	test ! -e b/pylock.x.toml
'

test_expect_success 'direct references to sdists and VCS: refused with their origin, nothing written' '
	mkdir d &&
	printf "%s\n" alpha "beta @ https://h.example/beta-1.0.tar.gz" >d/req.in &&
	test_expect_code 2 res -r d/req.in -o d/pylock.toml 2>err &&
	cat >expect <<-\EOF &&
	error: d/req.in:2:1: direct reference '"'"'beta @ https://h.example/beta-1.0.tar.gz'"'"' is not supported yet
	hint: only wheel URLs (.whl) are supported; require the version from an index, or serve the file in a --find-links directory
	EOF
	test_cmp expect err &&
	echo "alpha @ git+https://h.example/alpha.git" >d/git.in &&
	test_expect_code 2 res -r d/git.in -o d/pylock.toml 2>err &&
	grep -q "^error: d/git.in:1:1: version control reference '"'"'alpha @ git+https://h.example/alpha.git'"'"' is not supported yet$" err &&
	test ! -e d/pylock.toml
'

test_expect_success '-v: statistics per round' '
	mkdir v && printf "%s\n" alpha pinme >v/req.in &&
	cvlock -v resolve -r v/req.in -o v/pylock.toml --index-url "$IDX" \
		$TARGET --no-cache 2>err &&
	grep "^round\|^[0-9]* round" err >actual &&
	cat >expect <<-\EOF &&
	round 1: 3 packages listed, 4 metadata loaded, 4 candidates
	1 round, 3 packages listed, 4 metadata loaded
	EOF
	test_cmp expect actual
'

test_expect_success '-v on a failure: the full derivation after the explanation' '
	printf "%s\n" "alpha" "beta>=2" >v/bad.in &&
	test_expect_code 1 cvlock resolve -v -r v/bad.in -o v/pylock.x.toml \
		--index-url "$IDX" $TARGET --no-cache 2>err &&
	sed -n "/^error:/,\$p" err >actual &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires beta>=2, but no version of beta matches
	derivation (problem 1, 1 rule):
	  - the project requires beta>=2, but no version of beta matches
	EOF
	test_cmp expect actual &&
	grep -q "^round 1: 2 packages listed, 0 metadata loaded, 0 candidates$" err &&
	test_expect_code 1 cvlock resolve -r v/bad.in -o v/pylock.x.toml \
		--index-url "$IDX" $TARGET --no-cache 2>err &&
	! grep -q "derivation\|^round" err &&
	test ! -e v/pylock.x.toml
'

test_done
