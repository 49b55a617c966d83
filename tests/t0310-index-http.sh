#!/bin/sh
# cvlock index versions / metadata against a real HTTP index on 127.0.0.1
# (tests/lib/server.py serving an index built by tests/lib/mkindex.py from
# tests/lib/basic-index.json): PEP 691 JSON and PEP 503 HTML pages, PEP 700
# fields, yanked and pre-releases, name spelling, file:// indexes and
# directories, --find-links, redirects, two indexes and their strategies,
# PEP 658 metadata, range requests into wheels, sdists, credentials.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/lib/basic-index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
SRV=$(server_url)
# The cache is tested in t0330; here every run asks the server.
ix() {
	cvlock index "$@" --no-cache
}

test_expect_success 'versions from the JSON page: newest first, marked' '
	ix versions foo-bar --index-url "$URL" >out 2>err &&
	cat >expect <<-\EOF &&
	2.0rc1 (pre-release)
	1.2 (yanked: broken build)
	1.1
	1.0
	0.9
	EOF
	test_cmp expect out &&
	test_cmp /dev/null err &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 accept=json .* ua=cvlock/")" = 1 &&
	test "$(wc -l <"$(server_log)")" = 1
'

test_expect_success 'yanked without a reason; a development release' '
	ix versions qux --index-url "$URL" >out &&
	printf "%s\n" "1.5 (yanked)" "1.0" >expect &&
	test_cmp expect out &&
	ix versions baz --index-url "$URL" >out &&
	printf "%s\n" "3.0.dev1 (pre-release)" "2.0" "1.0" >expect &&
	test_cmp expect out
'

test_expect_success 'any spelling of a name asks for the canonical page' '
	clear_requests &&
	ix versions A_B.C --index-url "$URL" >out &&
	echo 1.0 >expect &&
	test_cmp expect out &&
	test "$(count_requests "^GET /simple/a-b-c/ 200 ")" = 1
'

cat >expect-v.in <<\EOF
2.0rc1 (pre-release)
    foo_bar-2.0rc1-py3-none-any.whl
      sha256 @sha256:foo_bar-2.0rc1-py3-none-any.whl@
      requires-python >=3.10
      metadata available (sha256 @sha256:foo_bar-2.0rc1-py3-none-any.whl.metadata@)
      uploaded 2023-01-01T12:00:00Z
      size @size:foo_bar-2.0rc1-py3-none-any.whl@
1.2 (yanked: broken build)
    foo_bar-1.2-py3-none-any.whl
      sha256 @sha256:foo_bar-1.2-py3-none-any.whl@
      metadata available (sha256 @sha256:foo_bar-1.2-py3-none-any.whl.metadata@)
      uploaded 2022-06-01T00:00:00Z
      size @size:foo_bar-1.2-py3-none-any.whl@
      yanked: broken build
1.1
    foo_bar-1.1-py3-none-any.whl
      sha256 @sha256:foo_bar-1.1-py3-none-any.whl@
      requires-python >=3.8
      metadata available (sha256 @sha256:foo_bar-1.1-py3-none-any.whl.metadata@)
      uploaded 2022-05-06T07:08:09Z
      size @size:foo_bar-1.1-py3-none-any.whl@
    foo_bar-1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
      sha256 @sha256:foo_bar-1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl@
      requires-python >=3.8
      metadata available (sha256 @sha256:foo_bar-1.1-py3-none-any.whl.metadata@)
      uploaded 2022-05-06T07:08:09Z
      size @size:foo_bar-1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl@
1.0
    foo_bar-1.0-py3-none-any.whl
      sha256 @sha256:foo_bar-1.0-py3-none-any.whl@
      requires-python >=3.8
      metadata available (sha256 @sha256:foo_bar-1.0-py3-none-any.whl.metadata@)
      uploaded 2021-03-04T05:06:07Z
      size @size:foo_bar-1.0-py3-none-any.whl@
    foo_bar-1.0.tar.gz
      sha256 @sha256:foo_bar-1.0.tar.gz@
      requires-python >=3.8
      metadata not available
      uploaded 2021-03-04T05:06:07Z
      size @size:foo_bar-1.0.tar.gz@
0.9
    foo_bar-0.9.tar.gz
      sha256 @sha256:foo_bar-0.9.tar.gz@
      metadata not available
      size @size:foo_bar-0.9.tar.gz@
EOF

test_expect_success 'versions -v: every file with hashes, metadata, PEP 700 fields' '
	ix versions foo-bar -v --index-url "$URL" >out 2>err &&
	index_expand idx <expect-v.in >expect &&
	! grep @ expect &&
	test_cmp expect out &&
	echo "fetched 1 page and 0 metadata files: 1 request, 0 from cache, 0 revalidated, @B@" >expect-err &&
	sed "s/, [0-9.]* [A-Za-z]*B$/, @B@/" err >err.s &&
	test_cmp expect-err err.s
'

test_expect_success 'versions --format json: the same facts, with absolute URLs' '
	ix versions foo-bar --format json --index-url "$URL" >out &&
	"$PYTHON" - "$PWD/idx" "$SRV" out <<-\EOF
	import hashlib, json, os, sys
	idx, srv, out = sys.argv[1:]
	got = json.load(open(out))
	exp = json.load(open(os.path.join(idx, "expect", "foo-bar.json")))
	assert got["name"] == "foo-bar", got["name"]
	assert [v["version"] for v in got["versions"]] == \
	    [v["version"] for v in exp["versions"]], got
	for gv, ev in zip(got["versions"], exp["versions"]):
	    assert gv["prerelease"] == ev["prerelease"], gv
	    assert gv["yanked"] == ev["yanked"], gv
	    assert sorted(f["filename"] for f in gv["files"]) == \
	        sorted(f["filename"] for f in ev["files"]), gv
	    for gf in gv["files"]:
	        ef = [f for f in ev["files"] if f["filename"] == gf["filename"]][0]
	        assert gf["hashes"] == {"sha256": ef["sha256"]}, gf
	        assert gf["size"] == ef["size"], gf
	        assert gf["url"] == "%s/files/foo-bar/%s" % (srv, gf["filename"]), gf
	        assert gf["kind"] == ("wheel" if gf["filename"].endswith(".whl")
	                              else "sdist"), gf
	        md = os.path.join(idx, "files", "foo-bar", gf["filename"] + ".metadata")
	        if os.path.exists(md):
	            h = hashlib.sha256(open(md, "rb").read()).hexdigest()
	            assert gf["metadata"] == {"available": True,
	                                      "hashes": {"sha256": h}}, gf
	        else:
	            assert gf["metadata"]["available"] is False, gf
	v12 = [v for v in got["versions"] if v["version"] == "1.2"][0]
	assert v12["yanked_reason"] == "broken build", v12
	v10 = [v for v in got["versions"] if v["version"] == "1.0"][0]
	f10 = [f for f in v10["files"] if f["kind"] == "wheel"][0]
	assert f10["requires_python"] == ">=3.8", f10
	assert f10["upload_time"] == "2021-03-04T05:06:07Z", f10
	v09 = got["versions"][-1]
	assert v09["files"][0]["upload_time"] is None, v09
	assert v09["files"][0]["requires_python"] is None, v09
	EOF
'

# The same index without its JSON pages: the server falls back to HTML.
cp -R idx idx-html && rm idx-html/simple/*/index.json || exit 1
start_index_server --name html idx-html || exit 1
HURL=$(index_url html)

test_expect_success 'HTML page: the same versions and hashes, no PEP 700 fields' '
	ix versions foo-bar -v --index-url "$HURL" >out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 accept=json " html)" = 1 &&
	grep -q "^<!DOCTYPE html>" idx-html/simple/foo-bar/index.html &&
	index_expand idx <expect-v.in | grep -v -e "^      uploaded " -e "^      size " >expect &&
	test_cmp expect out
'

test_expect_success 'HTML page: data-requires-python is HTML-unescaped' '
	grep -q "data-requires-python=\"&gt;=3.7, &lt;4 , !=3.9.\*\"" idx-html/simple/qux/index.html &&
	ix versions qux -v --index-url "$HURL" >out &&
	grep "^      requires-python >=3.7, <4 , !=3.9.\*$" out
'

test_expect_success 'a file:// index and an index directory give the HTML listing' '
	index_expand idx <expect-v.in | grep -v -e "^      uploaded " -e "^      size " >expect &&
	ix versions foo-bar -v --index-url "file://$PWD/idx-html/simple/" >out &&
	test_cmp expect out &&
	ix versions foo-bar -v --index-url idx-html/simple >out &&
	test_cmp expect out
'

test_expect_success 'a --find-links directory: versions from file names alone' '
	ix versions foo-bar --no-index --find-links idx/files/foo-bar >out &&
	printf "%s\n" "2.0rc1 (pre-release)" 1.2 1.1 1.0 0.9 >expect &&
	test_cmp expect out
'

test_expect_success 'a --find-links URL: a flat page of every project'"'"'s files' '
	clear_requests &&
	ix versions foo-bar --no-index --find-links "$SRV/links/" >out &&
	printf "%s\n" "2.0rc1 (pre-release)" "1.2 (yanked: broken build)" 1.1 1.0 0.9 >expect &&
	test_cmp expect out &&
	ix versions qux --no-index --find-links "$SRV/links/" >out &&
	printf "%s\n" "1.5 (yanked)" 1.0 >expect &&
	test_cmp expect out &&
	test "$(count_requests "^GET /links/ 200 ")" = 2 &&
	test "$(count_requests "^GET /simple/")" = 0
'

test_expect_success 'find-links are merged with the index' '
	mkdir -p local &&
	cp idx/files/baz/baz-1.0-py3-none-any.whl local/baz-9.0-py3-none-any.whl &&
	ix versions baz --index-url "$URL" --find-links local >out &&
	printf "%s\n" 9.0 "3.0.dev1 (pre-release)" 2.0 1.0 >expect &&
	test_cmp expect out
'

test_expect_success 'an invalid project name: exit 2, no request' '
	clear_requests &&
	test_expect_code 2 ix versions ../x --index-url "$URL" >out 2>err &&
	test_cmp /dev/null out &&
	cat >expect <<-\EOF &&
	error: invalid project name '"'"'../x'"'"'
	hint: a name has letters, digits, '"'"'.'"'"', '"'"'-'"'"' and '"'"'_'"'"', and starts and ends with a letter or digit
	EOF
	test_cmp expect err &&
	test "$(wc -l <"$(server_log)")" = 0
'

test_expect_success 'links of an http page to file:// are dropped' '
	set_index_rules "{\"rules\": [{\"exact\": \"/simple/foo-bar/\", \"fault\": \"body\", \"content_type\": \"text/html\", \"body\": \"<a href=\\\"file:///etc/foo_bar-9.0.tar.gz\\\">x</a><a href=\\\"../../files/foo-bar/foo_bar-1.0.tar.gz\\\">z</a>\"}]}" &&
	ix versions foo-bar --index-url "$URL" >out &&
	echo 1.0 >expect &&
	test_cmp expect out
'
set_index_rules '{}'

test_expect_success 'a project missing from every index: exit 1, one line' '
	clear_requests &&
	test_expect_code 1 ix versions nope --index-url "$URL" >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: project '"'"'nope'"'"' was not found in any index" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET /simple/nope/ 404 ")" = 1 &&
	test "$(wc -l <"$(server_log)")" = 1
'

# A redirect to another place: links resolve against the final URL.
mkdir -p idx/mirror && cp -R idx/simple idx/files idx/mirror/ || exit 1

test_expect_success 'relative links resolve against the URL after redirects' '
	set_index_rules "{\"rules\": [{\"path\": \"/simple/\", \"fault\": \"redirect\", \"status\": 301, \"location\": \"/mirror/simple/{rest}\"}]}" &&
	clear_requests &&
	ix versions baz --format json --index-url "$URL" >out &&
	grep "\"url\": \"$SRV/mirror/files/baz/baz-2.0-py3-none-any.whl\"" out &&
	! grep "\"url\": \"$SRV/files/" out &&
	test "$(count_requests "^GET /simple/baz/ 301 ")" = 1 &&
	test "$(count_requests "^GET /mirror/simple/baz/ 200 ")" = 1 &&
	ix metadata baz==1.0 --index-url "$URL" >out &&
	test "$(count_requests "^GET /mirror/files/baz/baz-1.0-py3-none-any.whl.metadata 200 ")" = 1
'
set_index_rules '{}'

# Two indexes: "extra" has foo-bar 3.0 (dependency confusion) and a
# project of its own.
cat >extra.json <<\EOF
{"projects": {
  "foo-bar": {"3.0": {}, "1.1": {}},
  "only-extra": {"0.1": {}}
}}
EOF
make_index extra.json extra || exit 1
start_index_server --name extra extra || exit 1
XURL=$(index_url extra)

test_expect_success 'first-index: a project comes only from the first index that has it' '
	clear_requests extra &&
	ix versions foo-bar --index-url "$URL" --extra-index-url "$XURL" >out &&
	printf "%s\n" "2.0rc1 (pre-release)" "1.2 (yanked: broken build)" 1.1 1.0 0.9 >expect &&
	test_cmp expect out &&
	ix versions foo-bar --index-url "$URL" --extra-index-url "$XURL" \
		--index-strategy first-index >out &&
	test_cmp expect out &&
	ix versions only-extra --index-url "$URL" --extra-index-url "$XURL" >out &&
	echo 0.1 >expect &&
	test_cmp expect out &&
	test "$(count_requests "^GET /simple/only-extra/ 200 " extra)" = 1
'

# As uv: a version offered by several indexes comes from the first of them.
test_expect_success 'unsafe-best-match: the union of every index, by version' '
	ix versions foo-bar --index-url "$URL" --extra-index-url "$XURL" \
		--index-strategy unsafe-best-match -v >out &&
	grep -v "^ " out >versions &&
	printf "%s\n" 3.0 "2.0rc1 (pre-release)" "1.2 (yanked: broken build)" 1.1 1.0 0.9 >expect &&
	test_cmp expect versions &&
	sed -n "/^1.1$/,/^1.0$/p" out | grep "^    [^ ]" >files &&
	printf "    %s\n" foo_bar-1.1-py3-none-any.whl \
		foo_bar-1.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl >expect-files &&
	test_cmp expect-files files &&
	grep "^      sha256 $(sha256sum <idx/files/foo-bar/foo_bar-1.1-py3-none-any.whl | cut -d" " -f1)$" out &&
	grep "^      sha256 $(sha256sum <extra/files/foo-bar/foo_bar-3.0-py3-none-any.whl | cut -d" " -f1)$" out &&
	! grep "^      sha256 $(sha256sum <extra/files/foo-bar/foo_bar-1.1-py3-none-any.whl | cut -d" " -f1)$" out &&
	CVLOCK_INDEX_STRATEGY=unsafe-best-match ix versions foo-bar \
		--index-url "$URL" --extra-index-url "$XURL" >out &&
	grep -v "^ " out >versions2 &&
	test_cmp expect versions2
'

test_expect_success 'indexes from the environment; the command line wins' '
	CVLOCK_INDEX_URL="$XURL" ix versions foo-bar >out &&
	printf "%s\n" 3.0 1.1 >expect &&
	test_cmp expect out &&
	CVLOCK_INDEX_URL="$XURL" ix versions foo-bar --index-url "$URL" >out &&
	test "$(head -n 1 out)" = "2.0rc1 (pre-release)" &&
	CVLOCK_INDEX_URL="$URL" CVLOCK_EXTRA_INDEX_URL="$XURL" \
		ix versions only-extra >out &&
	echo 0.1 >expect &&
	test_cmp expect out
'

test_expect_success 'an unknown strategy is a usage error' '
	test_expect_code 2 ix versions foo-bar --index-url "$URL" \
		--index-strategy best >out 2>err &&
	test_cmp /dev/null out &&
	grep "^error: .*'"'"'best'"'"'" err
'

test_expect_success '--concurrency: 1 works, nonsense is a usage error' '
	ix versions foo-bar --index-url "$URL" --concurrency 1 >out &&
	test "$(head -n 1 out)" = "2.0rc1 (pre-release)" &&
	test_expect_code 2 ix versions foo-bar --index-url "$URL" --concurrency 0 >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: expected a whole number from 1 to 1000 for --concurrency, got '"'"'0'"'"'" >expect &&
	test_cmp expect err &&
	test_expect_code 2 ix versions foo-bar --index-url "$URL" --http-timeout x 2>err &&
	echo "error: expected a whole number from 1 to 86400 for --http-timeout, got '"'"'x'"'"'" >expect &&
	test_cmp expect err
'

test_expect_success 'metadata from the PEP 658 file, never the wheel' '
	clear_requests &&
	ix metadata Foo.Bar==1.1 --index-url "$URL" >out &&
	cat >expect <<-\EOF &&
	Name: Foo_Bar
	Version: 1.1
	File: foo_bar-1.1-py3-none-any.whl
	Requires-Python: >=3.8
	Requires-Dist: baz>=2.0
	Requires-Dist: rich>=10; extra == "pretty"
	Provides-Extra: pretty
	EOF
	test_cmp expect out &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 ")" = 1 &&
	test "$(count_requests "^GET /files/.*\.whl ")" = 0
'

test_expect_success 'older pages: data-dist-info-metadata="true" without a hash' '
	set_index_rules "{\"rules\": [{\"exact\": \"/simple/qux/\", \"fault\": \"body\", \"content_type\": \"text/html\", \"body\": \"<a href=\\\"../../files/qux/qux-1.0-py3-none-any.whl\\\" data-dist-info-metadata=\\\"true\\\">qux-1.0-py3-none-any.whl</a>\"}]}" &&
	clear_requests &&
	ix versions qux -v --index-url "$URL" >out &&
	printf "%s\n" 1.0 "    qux-1.0-py3-none-any.whl" "      metadata available" >expect &&
	test_cmp expect out &&
	ix metadata qux==1.0 --index-url "$URL" >out &&
	grep "^Requires-Python: >=3.7, <4 , !=3.9.\*$" out &&
	test "$(count_requests "^GET /files/qux/qux-1.0-py3-none-any.whl.metadata 200 ")" = 1
'
set_index_rules '{}'

test_expect_success 'older JSON pages: the pre-PEP 714 dist-info-metadata key' '
	"$PYTHON" - idx/simple/qux/index.json >rules.json <<-\EOF &&
	import json, sys
	page = json.load(open(sys.argv[1]))
	for f in page["files"]:
	    f["dist-info-metadata"] = f.pop("core-metadata")
	print(json.dumps({"rules": [{"exact": "/simple/qux/", "fault": "body",
	    "content_type": "application/vnd.pypi.simple.v1+json",
	    "body": json.dumps(page)}]}))
	EOF
	set_index_rules "$(cat rules.json)" &&
	clear_requests &&
	ix versions qux -v --index-url "$URL" >out &&
	h=$(sha256sum <idx/files/qux/qux-1.0-py3-none-any.whl.metadata | cut -d" " -f1) &&
	grep "^      metadata available (sha256 $h)$" out &&
	ix metadata qux==1.0 --index-url "$URL" >out &&
	grep "^Requires-Python: >=3.7, <4 , !=3.9.\*$" out &&
	test "$(count_requests "^GET /simple/qux/ 200 .* fault=body ")" = 2 &&
	test "$(count_requests "^GET /files/qux/qux-1.0-py3-none-any.whl.metadata 200 ")" = 1
'
set_index_rules '{}'

test_expect_success 'metadata --format json' '
	ix metadata foo-bar==1.0 --format json --index-url "$URL" >out &&
	cat >expect <<-\EOF &&
	{
	  "name": "Foo_Bar",
	  "version": "1.0",
	  "file": "foo_bar-1.0-py3-none-any.whl",
	  "metadata_version": "2.1",
	  "requires_python": ">=3.8",
	  "requires_dist": [
	    "baz>=1.0",
	    "qux<2; python_version < \"3.10\""
	  ],
	  "provides_extra": []
	}
	EOF
	test_cmp expect out
'

test_expect_success 'metadata by range requests into a wheel without a PEP 658 file' '
	clear_requests &&
	ix metadata baz==2.0 --index-url "$URL" >out &&
	cat >expect <<-\EOF &&
	Name: baz
	Version: 2.0
	File: baz-2.0-py3-none-any.whl
	Requires-Dist: qux
	EOF
	test_cmp expect out &&
	size=$(wc -c <idx/files/baz/baz-2.0-py3-none-any.whl) &&
	test "$size" -gt 300000 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 206 ")" -ge 1 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 200 ")" = 0 &&
	got=$(sed -n "s|^GET /files/baz/baz-2.0-py3-none-any.whl 206 .* bytes=\([0-9]*\) .*|\1|p" "$(server_log)" |
		awk "{ s += \$1 } END { print s }") &&
	test "$got" -lt $((size / 2))
'

test_expect_success 'a server that ignores Range: one full download' '
	set_index_rules "{\"rules\": [{\"fault\": \"no_range\"}]}" &&
	clear_requests &&
	ix metadata baz==2.0 --index-url "$URL" >out &&
	grep "^Requires-Dist: qux$" out &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 200 ")" = 1 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl ")" = 1
'
set_index_rules '{}'

test_expect_success 'an sdist with static PKG-INFO 2.2 gives its dependencies' '
	ix metadata sdist-only==1.0 --index-url "$URL" >out &&
	cat >expect <<-\EOF &&
	Name: Sdist-Only
	Version: 1.0
	File: sdist_only-1.0.tar.gz
	Requires-Python: >=3.9
	Requires-Dist: foo-bar>=1.0
	Requires-Dist: colorama; sys_platform == "win32"
	EOF
	test_cmp expect out
'

test_expect_success 'an sdist with PKG-INFO 2.1 or dynamic dependencies needs a build' '
	test_expect_code 2 ix metadata foo-bar==0.9 --index-url "$URL" >out 2>err &&
	test_cmp /dev/null out &&
	cat >expect <<-\EOF &&
	error: sdist '"'"'foo_bar-0.9.tar.gz'"'"' needs a build to know its dependencies (building sdists is not supported yet)
	hint: its PKG-INFO has Metadata-Version 2.1; static dependencies need 2.2 or later
	EOF
	test_cmp expect err &&
	test_expect_code 2 ix metadata baz==3.0.dev1 --index-url "$URL" >out 2>err &&
	cat >expect <<-\EOF &&
	error: sdist '"'"'baz-3.0.dev1.tar.gz'"'"' needs a build to know its dependencies (building sdists is not supported yet)
	hint: its PKG-INFO lists Requires-Dist as dynamic
	EOF
	test_cmp expect err
'

test_expect_success 'metadata of a version that does not exist: exit 1' '
	test_expect_code 1 ix metadata foo-bar==9.9 --index-url "$URL" >out 2>err &&
	echo "error: version 9.9 of '"'"'foo-bar'"'"' was not found in any index" >expect &&
	test_cmp expect err
'

test_expect_success 'metadata from a local wheel (find-links), hash checked' '
	ix metadata a.b.c==1.0 --no-index --find-links idx/files/a-b-c >out &&
	grep "^Name: A.B-c$" out &&
	grep "^File: a_b_c-1.0-py2.py3-none-any.whl$" out
'

test_expect_success 'one connection for the page and the metadata (keep-alive)' '
	clear_requests &&
	ix metadata foo-bar==1.0 --index-url "$URL" >out &&
	test "$(wc -l <"$(server_log)")" = 2 &&
	test "$(sed -n "s/.* peer=\([0-9]*\) .*/\1/p" "$(server_log)" | sort -u | wc -l)" = 1
'

test_expect_success 'pages and metadata are fetched compressed' '
	clear_requests &&
	ix metadata qux==1.0 --index-url "$URL" >out &&
	test "$(count_requests "^GET /simple/qux/ 200 .* gzip=yes ")" = 1 &&
	test "$(count_requests "^GET /files/qux/qux-1.0-py3-none-any.whl.metadata 200 .* gzip=yes ")" = 1
'

# A progress line only on a terminal (script(1) from bsdutils gives one),
# rewritten with carriage returns and cleared at the end; never with -q.
if command -v script >/dev/null 2>&1; then
test_expect_success 'a progress line on a terminal, cleared at the end' '
	set_index_rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"slow\", \"delay\": 0.6}]}" &&
	script -qec "\"$CVLOCK\" index versions foo-bar --index-url $URL --no-cache >tty.out" tty.log </dev/null >/dev/null &&
	test "$(head -n 1 tty.out)" = "2.0rc1 (pre-release)" &&
	tr "\r" "\n" <tty.log >tty.lines &&
	grep "^fetching: 0/1 pages, 1 request, 0 B$" tty.lines &&
	grep -e "^  *$" -e "$(printf "\033")\[K" tty.lines &&
	script -qec "\"$CVLOCK\" -q index versions foo-bar --index-url $URL --no-cache >tty.out" tty.log </dev/null >/dev/null &&
	! grep fetching tty.log
'
set_index_rules '{}'
fi

test_expect_success 'credentials in the URL: used, never shown' '
	set_index_rules "{\"rules\": [{\"fault\": \"auth\", \"user\": \"alice\", \"password\": \"s3cr3t\"}]}" &&
	clear_requests &&
	AURL="http://alice:s3cr3t@127.0.0.1:$(server_port)/simple/" &&
	cvlock index metadata foo-bar==1.1 -v --index-url "$AURL" \
		--cache-dir cache-auth >out 2>err &&
	grep "^Requires-Dist: baz>=2.0$" out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* auth=basic ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 .* auth=basic ")" = 1 &&
	test "$(count_requests " 401 ")" = 0 &&
	! grep -r s3cr3t out err cache-auth &&
	cvlock index versions foo-bar -v --format json --index-url "$AURL" \
		--cache-dir cache-auth >out &&
	! grep s3cr3t out
'
set_index_rules '{}'

test_done
