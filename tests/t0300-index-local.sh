#!/bin/sh
# cvlock index versions / metadata against local sources only: a file://
# index (and the same directory given as a path), --find-links
# directories, both merged, the two index strategies, --offline, and the
# errors.  The index is the shared test index (tests/lib/basic-index.json)
# built by tests/lib/mkindex.py; no server is involved.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/lib/basic-index.json" idx >/dev/null || exit 1
IDX="$TRASH/idx"
URL="file://$IDX/simple/"

# a second index with only qux 9.0 (its files stand in for a mirror)
cat >other.json <<'EOF'
{"projects": {"qux": {"9.0": {}}, "Foo_Bar": {"7.0": {}}}}
EOF
make_index other.json other >/dev/null || exit 1
OTHER="file://$TRASH/other/simple/"

# hashes stand out as HASH in listings; they are checked apart
nohash() {
	sed -E 's/[0-9a-f]{64}/HASH/g' "$@"
}

test_expect_success 'versions from a file:// index, newest first, marked' '
	cat >expect <<-\EOF &&
	2.0rc1 (pre-release)
	1.2 (yanked: broken build)
	1.1
	1.0
	0.9
	EOF
	cvlock index versions Foo.Bar --index-url "$URL" >out 2>err &&
	test_cmp expect out &&
	test_cmp /dev/null err
'

test_expect_success 'the index directory as a path, without the slash' '
	cvlock index versions foo_bar --index-url "$IDX/simple" >out &&
	test_cmp expect out
'

test_expect_success 'a yanked version without a reason, a dev release' '
	cat >expect <<-\EOF &&
	1.5 (yanked)
	1.0
	EOF
	cvlock index versions qux --index-url "$URL" >out &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	3.0.dev1 (pre-release)
	2.0
	1.0
	EOF
	cvlock index versions baz --index-url "$URL" >out &&
	test_cmp expect out
'

test_expect_success '-v lists the files of each version' '
	cat >expect <<-\EOF &&
	2.0rc1 (pre-release)
	    foo_bar-2.0rc1-py3-none-any.whl
	      sha256 HASH
	      requires-python >=3.10
	      metadata available (sha256 HASH)
	1.2 (yanked: broken build)
	    foo_bar-1.2-py3-none-any.whl
	      sha256 HASH
	      metadata available (sha256 HASH)
	      yanked: broken build
	1.1
	    foo_bar-1.1-py3-none-any.whl
	      sha256 HASH
	      requires-python >=3.8
	      metadata available (sha256 HASH)
	    foo_bar-1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
	      sha256 HASH
	      requires-python >=3.8
	      metadata available (sha256 HASH)
	1.0
	    foo_bar-1.0-py3-none-any.whl
	      sha256 HASH
	      requires-python >=3.8
	      metadata available (sha256 HASH)
	    foo_bar-1.0.tar.gz
	      sha256 HASH
	      requires-python >=3.8
	      metadata not available
	0.9
	    foo_bar-0.9.tar.gz
	      sha256 HASH
	      metadata not available
	EOF
	cvlock index versions foo-bar -v --index-url "$URL" >out 2>err &&
	nohash out >actual &&
	test_cmp expect actual &&
	grep -E "^fetched 1 page and 0 metadata files: 0 requests, [0-9]+ from cache, 0 revalidated, " err &&
	test "$(wc -l <err)" = 1
'

test_expect_success '-v shows the real hashes of the files and metadata files' '
	cvlock index versions foo-bar -v --index-url "$URL" >out &&
	for f in "$IDX"/files/foo-bar/*; do
		h=$(sha256sum "$f" | cut -d" " -f1) &&
		grep -q "$h" out || { echo "no hash of $f"; return 1; }
	done
'

test_expect_success 'JSON agrees with what the index builder expects' '
	cvlock index versions foo-bar --format json --index-url "$URL" >out.json &&
	"$PYTHON" - "$IDX/expect/foo-bar.json" out.json <<-\EOF
	import json, sys
	want = json.load(open(sys.argv[1]))
	got = json.load(open(sys.argv[2]))
	assert got["name"] == want["name"], (got["name"], want["name"])
	def files(v):
	    return [(f["filename"], f.get("sha256") or f["hashes"]["sha256"])
	            for f in v["files"]]
	w = [(v["version"], v["prerelease"], v["yanked"], files(v))
	     for v in want["versions"]]
	g = [(v["version"], v["prerelease"], v["yanked"], files(v))
	     for v in got["versions"]]
	assert g == w, (g, w)
	v12 = [v for v in got["versions"] if v["version"] == "1.2"][0]
	assert v12["yanked_reason"] == "broken build", v12
	f = got["versions"][0]["files"][0]
	assert f["kind"] == "wheel" and f["requires_python"] == ">=3.10", f
	assert f["metadata"]["available"] is True, f
	assert f["url"].startswith("file:///") and f["url"].endswith(
	    "/files/foo-bar/foo_bar-2.0rc1-py3-none-any.whl"), f
	EOF
'

test_expect_success 'a --find-links directory alone (--no-index)' '
	cat >expect <<-\EOF &&
	2.0rc1 (pre-release)
	1.2
	1.1
	1.0
	0.9
	EOF
	cvlock index versions foo-bar --no-index \
		--find-links "$IDX/files/foo-bar" >out 2>err &&
	test_cmp expect out &&
	test_cmp /dev/null err
'

test_expect_success 'a --find-links directory as a file:// URL, with files of several projects' '
	mkdir -p mixed &&
	cp "$IDX"/files/baz/*.whl "$IDX"/files/qux/*.whl mixed/ &&
	echo "not a distribution" >mixed/README &&
	cat >expect <<-\EOF &&
	2.0
	1.0
	EOF
	cvlock index versions baz --no-index --find-links "file://$TRASH/mixed" >out &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	1.5
	1.0
	EOF
	cvlock index versions qux --no-index --find-links "file://$TRASH/mixed/" >out &&
	test_cmp expect out
'

test_expect_success 'find-links are merged with the index' '
	mkdir -p extra &&
	cp "$TRASH"/other/files/foo-bar/* extra/ &&
	cvlock index versions foo-bar --index-url "$URL" --find-links extra >out &&
	head -n 1 out >first &&
	echo 7.0 >expect &&
	test_cmp expect first &&
	test "$(wc -l <out)" = 6
'

test_expect_success 'first-index: the first index that has a project wins' '
	cvlock index versions qux --index-url "$URL" --extra-index-url "$OTHER" >out &&
	printf "1.5 (yanked)\n1.0\n" >expect &&
	test_cmp expect out &&
	cvlock index versions qux --index-url "$OTHER" --extra-index-url "$URL" >out &&
	echo 9.0 >expect &&
	test_cmp expect out &&
	cvlock index versions baz --index-url "$OTHER" --extra-index-url "$URL" >out &&
	printf "3.0.dev1 (pre-release)\n2.0\n1.0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'unsafe-best-match: every index counts' '
	cvlock index versions qux --index-url "$URL" --extra-index-url "$OTHER" \
		--index-strategy unsafe-best-match >out &&
	printf "9.0\n1.5 (yanked)\n1.0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a project in no index: exit 1 and one line' '
	test_expect_code 1 cvlock index versions nope --index-url "$URL" \
		--extra-index-url "$OTHER" >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: project '\''nope'\'' was not found in any index" >expect &&
	test_cmp expect err
'

test_expect_success 'local indexes work --offline and leave no cache behind' '
	cvlock index versions foo-bar --index-url "$URL" --offline \
		--cache-dir "$TRASH/c1" >out &&
	test "$(wc -l <out)" = 5 &&
	test ! -e "$TRASH/c1"
'

test_expect_success 'metadata: the PEP 658 file of the best wheel' '
	cat >expect <<-\EOF &&
	Name: Foo_Bar
	Version: 1.1
	File: foo_bar-1.1-py3-none-any.whl
	Requires-Python: >=3.8
	Requires-Dist: baz>=2.0
	Requires-Dist: rich>=10; extra == "pretty"
	Provides-Extra: pretty
	EOF
	cvlock index metadata foo-bar==1.1 --index-url "$URL" >out 2>err &&
	test_cmp expect out &&
	test_cmp /dev/null err
'

test_expect_success 'metadata: from inside a wheel without a PEP 658 file' '
	cat >expect <<-\EOF &&
	Name: baz
	Version: 2.0
	File: baz-2.0-py3-none-any.whl
	Requires-Dist: qux
	EOF
	cvlock index metadata baz==2.0 --index-url "$URL" >out &&
	test_cmp expect out &&
	cvlock index metadata baz==2.0 --no-index --find-links "$IDX/files/baz" >out &&
	test_cmp expect out
'

test_expect_success 'metadata: an sdist with PKG-INFO 2.2' '
	mkdir -p sd &&
	cp "$IDX"/files/foo-bar/foo_bar-1.0.tar.gz sd/ &&
	cat >expect <<-\EOF &&
	Name: Foo_Bar
	Version: 1.0
	File: foo_bar-1.0.tar.gz
	Requires-Python: >=3.8
	Requires-Dist: baz>=1.0
	Requires-Dist: qux<2; python_version < "3.10"
	EOF
	cvlock index metadata Foo_Bar==1.0 --no-index --find-links sd >out &&
	test_cmp expect out &&
	cvlock index metadata Foo_Bar==1.0 --format json --no-index --find-links sd >out.json &&
	"$PYTHON" -c "import json,sys; d=json.load(open(\"out.json\")); assert d[\"requires_dist\"] == [\"baz>=1.0\", \"qux<2; python_version < \\\"3.10\\\"\"], d; assert d[\"metadata_version\"] == \"2.2\", d"
'

test_expect_success 'metadata: sdists that need a build' '
	test_expect_code 2 cvlock index metadata foo-bar==0.9 --index-url "$URL" >out 2>err &&
	cat >expect <<-\EOF &&
	error: sdist '\''foo_bar-0.9.tar.gz'\'' needs a build to know its dependencies (building sdists is not supported yet)
	hint: its PKG-INFO has Metadata-Version 2.1; static dependencies need 2.2 or later
	EOF
	test_cmp expect err &&
	test_expect_code 2 cvlock index metadata baz==3.0.dev1 --index-url "$URL" 2>err &&
	grep "^hint: its PKG-INFO lists Requires-Dist as dynamic$" err
'

test_expect_success 'metadata: a version that does not exist' '
	test_expect_code 1 cvlock index metadata baz==9 --index-url "$URL" 2>err &&
	echo "error: version 9 of '\''baz'\'' was not found in any index" >expect &&
	test_cmp expect err
'

test_expect_success 'metadata is cached by hash: a second run needs no file' '
	cp -R "$IDX" idx2 &&
	cvlock index metadata qux==1.0 --index-url "file://$TRASH/idx2/simple/" \
		--cache-dir "$TRASH/c2" >first &&
	rm idx2/files/qux/qux-1.0-py3-none-any.whl.metadata &&
	cvlock -v index metadata qux==1.0 --index-url "file://$TRASH/idx2/simple/" \
		--cache-dir "$TRASH/c2" >second 2>err &&
	test_cmp first second &&
	grep "^fetched 1 page and 1 metadata file: " err
'

test_expect_success 'usage errors' '
	test_expect_code 2 cvlock index versions >out 2>err &&
	grep "^error: expected a project name$" err &&
	test_expect_code 2 cvlock index versions a b 2>err &&
	grep "^error: unexpected argument '\''b'\''$" err &&
	test_expect_code 2 cvlock index versions foo --format xml 2>err &&
	test_expect_code 2 cvlock index frobnicate 2>err &&
	grep "^error: unknown index command '\''frobnicate'\''$" err &&
	test_expect_code 2 cvlock index metadata foo --index-url "$URL" 2>err &&
	grep "^error: expected NAME==VERSION, got '\''foo'\''$" err &&
	test_expect_code 2 cvlock index versions foo --no-index --find-links nowhere 2>err &&
	grep "^error: find-links location '\''nowhere'\'' does not exist$" err &&
	test_expect_code 2 cvlock index versions foo --index-url ftp://x/simple/ 2>err &&
	grep "^error: unsupported index URL '\''ftp://x/simple/'\'': expected http://, https:// or file://$" err
'

test_expect_success '--quiet: nothing on stderr' '
	cvlock -q -v index versions foo-bar --index-url "$URL" >out 2>err &&
	test_cmp /dev/null err
'

test_done
