#!/bin/sh
# cvlock resolve: direct URL wheel requirements ("name @ URL.whl") over
# HTTP, file:// and relative paths: the wheel is the only candidate of its
# name, its sha256 is checked against #sha256=, its tags against the
# target; the lock gets [packages.archive].  sdist and VCS URLs stay
# refused.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/resolve-direct"
make_index "$DATA/index.json" idx || exit 1
make_index "$DATA/wheels.json" wh || exit 1
IDX="file://$TRASH/idx/simple/"
start_index_server wh || exit 1
BASE=$(server_url)
WHL=pinned-3.0-py3-none-any.whl
SHA=$(sha256sum "wh/files/pinned/$WHL" | cut -d" " -f1)
SIZE=$(wc -c <"wh/files/pinned/$WHL" | tr -d " ")
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

res() {
	# shellcheck disable=SC2086
	cvlock resolve "$@" --index-url "$IDX" $TARGET --no-cache
}

# expect_lock ARCHIVE_LINE REQUIREMENT: the whole lockfile of "dep" plus
# the direct "pinned" (its archive source line given)
expect_lock() {
	cat <<-EOF
	lock-version = "1.0"
	environments = ["sys_platform == \"linux\" and platform_machine == \"x86_64\" and implementation_name == \"cpython\""]
	requires-python = "==3.11.*"
	extras = []
	dependency-groups = []
	default-groups = []
	created-by = "cvlock"

	[[packages]]
	name = "dep"
	version = "1.0"
	dependencies = []

	[[packages.wheels]]
	name = "dep-1.0-py3-none-any.whl"
	path = "$3idx/files/dep/dep-1.0-py3-none-any.whl"
	hashes = {sha256 = "$(sha256sum idx/files/dep/dep-1.0-py3-none-any.whl | cut -d" " -f1)"}

	[[packages]]
	name = "pinned"
	version = "3.0"
	requires-python = ">=3.8"
	dependencies = [
	    {name = "dep"},
	]

	[packages.archive]
	$1
	size = $SIZE
	hashes = {sha256 = "$SHA"}

	[tool.cvlock]
	EOF
}

# lock_head FILE: the lockfile up to [tool.cvlock] (the rest holds the
# inputs hash and options, checked by t0500/t0501)
lock_head() {
	sed "/^\[tool\.cvlock\]/q" "$1"
}

test_expect_success 'an HTTP wheel URL: the only candidate of its name, locked as an archive' '
	mkdir h &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" dep >h/req.in &&
	res -r h/req.in -o h/pylock.toml 2>err &&
	expect_lock "url = \"$BASE/files/pinned/$WHL\"" "" "../" >expect &&
	lock_head h/pylock.toml >actual &&
	test_cmp expect actual &&
	grep -q "^requirements = \[\"dep\", \"pinned @ $BASE/files/pinned/$WHL\"\]$" h/pylock.toml &&
	cvlock lock verify h/pylock.toml &&
	test "$(count_requests "^GET /files/pinned/$WHL ")" = 1
'

test_expect_success 'the wheel is cached by URL: a second resolve does not fetch it' '
	mkdir c &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" dep >c/req.in &&
	clear_requests &&
	cvlock resolve -r c/req.in -o c/pylock.toml --index-url "$IDX" \
		$TARGET --cache-dir "$TRASH/cache" 2>err &&
	cvlock resolve -r c/req.in -o c/pylock.two.toml --index-url "$IDX" \
		$TARGET --cache-dir "$TRASH/cache" 2>err &&
	test "$(count_requests "^GET /files/pinned/$WHL ")" = 1 &&
	test_cmp c/pylock.toml c/pylock.two.toml
'

test_expect_success 'credentials are not written to the lockfile' '
	mkdir u &&
	printf "%s\n" "pinned @ http://me:secret@${BASE#http://}/files/pinned/$WHL" dep >u/req.in &&
	res -r u/req.in -o u/pylock.toml 2>err &&
	grep -q "^url = \"$BASE/files/pinned/$WHL\"$" u/pylock.toml &&
	! grep "secret" u/pylock.toml
'

test_expect_success 'a matching #sha256= fragment is accepted' '
	mkdir s &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL#sha256=$SHA" dep >s/req.in &&
	res -r s/req.in -o s/pylock.toml 2>err &&
	expect_lock "url = \"$BASE/files/pinned/$WHL\"" "" "../" >expect &&
	lock_head s/pylock.toml >actual &&
	test_cmp expect actual
'

test_expect_success '--exclude-newer leaves a direct wheel alone (it has no upload time)' '
	start_index_server --name i idx &&
	mkdir x &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" dep >x/req.in &&
	cvlock resolve -r x/req.in -o x/pylock.toml \
		--index-url "$(index_url i)" $TARGET --no-cache \
		--exclude-newer 2021-01-01 2>err &&
	grep -q "^url = \"$BASE/files/pinned/$WHL\"$" x/pylock.toml &&
	grep -q "^name = \"dep-1.0-py3-none-any.whl\"$" x/pylock.toml
'

test_expect_success 'a wrong #sha256= fragment: exit 5, expected and actual named, nothing written' '
	mkdir bad &&
	BAD=0000000000000000000000000000000000000000000000000000000000000000 &&
	printf "%s\n" dep "pinned @ $BASE/files/pinned/$WHL#sha256=$BAD" >bad/req.in &&
	test_expect_code 5 res -r bad/req.in -o bad/pylock.toml 2>err &&
	echo "error: bad/req.in:2:1: hash mismatch for '"'"'$WHL'"'"': expected sha256 $BAD, got $SHA" >expect &&
	test_cmp expect err &&
	test ! -e bad/pylock.toml
'

test_expect_success 'a file:// URL in pyproject.toml: the path relative to the lockfile' '
	mkdir -p f/sub &&
	cat >f/sub/pyproject.toml <<-EOF &&
	[project]
	name = "f"
	version = "0"
	dependencies = ["pinned @ file://$TRASH/wh/files/pinned/$WHL", "dep"]
	EOF
	res f/sub 2>err &&
	expect_lock "path = \"../../wh/files/pinned/$WHL\"" "" "../../" >expect &&
	lock_head f/sub/pylock.toml >actual &&
	test_cmp expect actual &&
	cvlock lock verify f/sub/pylock.toml
'

test_expect_success 'a file:// URL in a requirements file' '
	mkdir fr &&
	printf "%s\n" "pinned @ file://$TRASH/wh/files/pinned/$WHL" dep >fr/req.in &&
	res -r fr/req.in -o fr/pylock.toml 2>err &&
	expect_lock "path = \"../wh/files/pinned/$WHL\"" "" "../" >expect &&
	lock_head fr/pylock.toml >actual &&
	test_cmp expect actual
'

test_expect_success 'a relative path in a requirements file: from the file'"'"'s directory' '
	mkdir -p rel/wheels rel/out &&
	cp "wh/files/pinned/$WHL" rel/wheels/ &&
	printf "%s\n" "pinned @ ./wheels/$WHL" dep >rel/req.in &&
	res -r rel/req.in -o rel/out/pylock.toml 2>err &&
	expect_lock "path = \"../wheels/$WHL\"" "" "../../" >expect &&
	lock_head rel/out/pylock.toml >actual &&
	test_cmp expect actual
'

test_expect_success 'a missing local wheel: exit 4, named' '
	printf "%s\n" "pinned @ ./nowhere/$WHL" >rel/missing.in &&
	test_expect_code 4 res -r rel/missing.in -o rel/out/pylock.x.toml 2>err &&
	grep -q "^error: rel/missing.in:1:1: cannot read '"'"'rel/nowhere/$WHL'"'"': No such file or directory$" err
'

test_expect_success 'a wheel the target cannot install: exit 2, named' '
	mkdir n &&
	echo "native @ $BASE/files/native/native-1.0-cp39-cp39-win_amd64.whl" >n/req.in &&
	test_expect_code 2 res -r n/req.in -o n/pylock.toml 2>err &&
	cat >expect <<-EOF &&
	error: n/req.in:1:1: wheel '"'"'native-1.0-cp39-cp39-win_amd64.whl'"'"' of direct reference '"'"'native @ $BASE/files/native/native-1.0-cp39-cp39-win_amd64.whl'"'"' is not compatible with the target environment
	hint: see '"'"'cvlock tags'"'"' for the tags the target accepts
	EOF
	test_cmp expect err &&
	test ! -e n/pylock.toml
'

test_expect_success 'a wheel of another project than the name: exit 2' '
	echo "dep @ $BASE/files/pinned/$WHL" >n/other.in &&
	test_expect_code 2 res -r n/other.in -o n/pylock.toml 2>err &&
	grep -q "names a wheel of '"'"'pinned'"'"', not '"'"'dep'"'"'$" err
'

test_expect_success 'another requirement that refuses the direct version: no solution' '
	mkdir k &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" other >k/req.in &&
	test_expect_code 1 res -r k/req.in -o k/pylock.toml 2>err &&
	cat >expect <<-EOF &&
	error: no solution:
	  * the project requires other
	  * other 1.0 requires pinned<2, but no version of pinned matches
	hint: pinned has only version 3.0, from its direct reference '"'"'pinned @ $BASE/files/pinned/$WHL'"'"'
	EOF
	test_cmp expect err &&
	test ! -e k/pylock.toml &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" "pinned<3" >k/req2.in &&
	test_expect_code 1 res -r k/req2.in -o k/pylock.toml 2>err &&
	test ! -e k/pylock.toml
'

test_expect_success 'two different URLs for one name: exit 2' '
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" \
		"pinned @ file://$TRASH/wh/files/pinned/$WHL" >k/two.in &&
	test_expect_code 2 res -r k/two.in -o k/pylock.toml 2>err &&
	grep -q "has two direct references" err
'

test_expect_success 'one wheel named twice (relative path and file:// URL): fine' '
	printf "%s\n" "pinned @ ./wheels/$WHL" \
		"pinned @ file://$TRASH/rel/wheels/$WHL" dep >rel/twice.in &&
	res -r rel/twice.in -o rel/out/pylock.twice.toml 2>err &&
	grep -q "^path = \"../wheels/$WHL\"$" rel/out/pylock.twice.toml
'

test_expect_success 'a direct reference whose marker is false for the target: not fetched' '
	mkdir m &&
	printf "%s\n" "native @ $BASE/files/native/native-1.0-cp39-cp39-win_amd64.whl ; sys_platform == \"win32\"" \
		dep >m/req.in &&
	clear_requests &&
	res -r m/req.in -o m/pylock.toml 2>err &&
	test "$(count_requests "^GET /files/native/")" = 0 &&
	! grep -q "^name = \"native\"" m/pylock.toml
'

test_expect_success 'sdist and VCS URLs: still refused (exit 2)' '
	mkdir r &&
	echo "srconly @ $BASE/files/srconly/srconly-1.0.tar.gz" >r/sdist.in &&
	test_expect_code 2 res -r r/sdist.in -o r/pylock.toml 2>err &&
	grep -q "^error: r/sdist.in:1:1: direct reference '"'"'srconly @ $BASE/files/srconly/srconly-1.0.tar.gz'"'"' is not supported yet$" err &&
	grep -q "^hint: only wheel URLs (.whl) are supported" err &&
	echo "pinned @ git+https://h.example/pinned.git" >r/git.in &&
	test_expect_code 2 res -r r/git.in -o r/pylock.toml 2>err &&
	grep -q "version control reference" err &&
	test ! -e r/pylock.toml
'

test_expect_success 'a URL in a constraint: refused (exit 2)' '
	echo "pinned @ $BASE/files/pinned/$WHL" >r/c.txt &&
	echo dep >r/req.in &&
	test_expect_code 2 res -r r/req.in -c r/c.txt -o r/pylock.toml 2>err &&
	grep -q "is not supported yet" err
'

test_expect_success 'cvlock sync installs a direct URL wheel, with its direct_url.json' '
	PY=$("$PYTHON" -c "import sys; print(sys.executable)") &&
	mkdir y &&
	printf "%s\n" "pinned @ $BASE/files/pinned/$WHL" dep >y/req.in &&
	cvlock resolve -r y/req.in -o y/pylock.toml --index-url "$IDX" \
		--python "$PY" --no-cache 2>err &&
	grep -q "^\[packages.archive\]" y/pylock.toml &&
	cvlock sync --python "$PY" --venv y/venv --no-cache y/pylock.toml 2>err &&
	cat err &&
	grep -q "+ pinned==3.0" err &&
	du=$(ls -d y/venv/lib/python*/site-packages/pinned-3.0.dist-info)/direct_url.json &&
	"$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); \
assert d[\"url\"] == sys.argv[2], d; \
assert d[\"archive_info\"][\"hashes\"] == {\"sha256\": sys.argv[3]}, d" \
		"$du" "$BASE/files/pinned/$WHL" "$SHA" &&
	y/venv/bin/python -c "import pinned" &&
	cvlock sync --python "$PY" --venv y/venv --no-cache --check y/pylock.toml
'

test_done
