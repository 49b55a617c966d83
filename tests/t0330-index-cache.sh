#!/bin/sh
# The HTTP cache of the index client, counted on the server's request log:
# a warm run inside max-age makes no request at all; a stale entry is
# revalidated (304, no body); metadata is kept forever by hash; --refresh,
# --offline, --no-cache, --cache-dir / CVLOCK_CACHE_DIR / XDG_CACHE_HOME;
# parsed pages stored beside their responses; damaged entries, parallel
# processes, a killed process; cvlock cache clean.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/lib/basic-index.json" idx || exit 1
start_index_server idx || exit 1                         # max-age=600
start_index_server --name stale --max-age 0 idx || exit 1 # always stale
URL=$(index_url)
STALE=$(index_url stale)

# run CACHE URL: the versions of foo-bar and the metadata of two releases
# (one by PEP 658, one by range requests), as one output
run() {
	_c=$1 _u=$2
	shift 2
	cvlock index versions foo-bar --cache-dir "$_c" --index-url "$_u" "$@" &&
	cvlock index metadata foo-bar==1.1 --cache-dir "$_c" --index-url "$_u" "$@" &&
	cvlock index metadata baz==2.0 --cache-dir "$_c" --index-url "$_u" "$@"
}
nreq() {
	count_requests "^GET " "$1"
}

test_expect_success 'cold: the pages and the metadata are fetched' '
	clear_requests &&
	run c1 "$URL" >cold &&
	grep "^Requires-Dist: baz>=2.0$" cold &&
	grep "^Requires-Dist: qux$" cold &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 ")" = 1 &&
	test "$(count_requests "^GET /simple/baz/ 200 ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 ")" = 1 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 206 ")" -ge 1
'

test_expect_success 'warm inside max-age: the same answers and no request at all' '
	clear_requests &&
	run c1 "$URL" >warm &&
	test_cmp cold warm &&
	test "$(nreq)" = 0 &&
	cvlock index versions foo-bar -v --cache-dir c1 --index-url "$URL" >/dev/null 2>err &&
	echo "fetched 1 page and 0 metadata files: 0 requests, 1 from cache, 0 revalidated, 0 B" >expect &&
	test_cmp expect err &&
	test "$(nreq)" = 0
'

test_expect_success 'JSON output is the same from the cache' '
	cvlock index versions foo-bar --format json --no-cache --index-url "$URL" >a &&
	cvlock index versions foo-bar --format json --cache-dir c1 --index-url "$URL" >b &&
	test_cmp a b
'

test_expect_success '--refresh revalidates a fresh entry (304), output unchanged' '
	clear_requests &&
	cvlock index versions foo-bar --refresh --cache-dir c1 --index-url "$URL" >out &&
	cvlock index versions foo-bar --cache-dir c1 --index-url "$URL" >expect &&
	test_cmp expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ 304 .* inm=yes ")" = 1 &&
	test "$(nreq)" = 1
'

test_expect_success 'stale entries: conditional requests answered 304, metadata kept by hash' '
	clear_requests stale &&
	run c2 "$STALE" >cold2 &&
	test_cmp cold cold2 &&
	n=$(nreq stale) &&
	clear_requests stale &&
	run c2 "$STALE" >stale2 &&
	test_cmp cold2 stale2 &&
	test "$(count_requests "^GET /simple/foo-bar/ 304 .* inm=yes " stale)" = 2 &&
	test "$(count_requests "^GET /simple/baz/ 304 .* inm=yes " stale)" = 1 &&
	test "$(count_requests " 200 " stale)" = 0 &&
	test "$(count_requests "^GET /files/" stale)" = 0 &&
	test "$(nreq stale)" = 3 &&
	test "$n" -gt 3
'

# qux 2.0 appears on an index whose pages are always stale
"$PYTHON" - "$top_srcdir/tests/lib/basic-index.json" >changed.json <<\EOF || exit 1
import json, sys
spec = json.load(open(sys.argv[1]))
spec["projects"]["qux"]["2.0"] = {"requires_python": ">=3.8"}
print(json.dumps(spec))
EOF
make_index changed.json idx-new || exit 1
cp -R idx idx-changing || exit 1
start_index_server --name changing --max-age 0 idx-changing || exit 1

test_expect_success 'a changed page after max-age: 200 and the new versions' '
	CURL=$(index_url changing) &&
	cvlock index versions qux --cache-dir c3 --index-url "$CURL" >before &&
	printf "%s\n" "1.5 (yanked)" 1.0 >expect &&
	test_cmp expect before &&
	rm -rf idx-changing/simple/qux idx-changing/files/qux &&
	cp -R idx-new/simple/qux idx-changing/simple/ &&
	cp -R idx-new/files/qux idx-changing/files/ &&
	clear_requests changing &&
	cvlock index versions qux --cache-dir c3 --index-url "$CURL" >after &&
	printf "%s\n" 2.0 "1.5 (yanked)" 1.0 >expect &&
	test_cmp expect after &&
	test "$(count_requests "^GET /simple/qux/ 200 .* inm=yes " changing)" = 1 &&
	test "$(count_requests "^GET " changing)" = 1 &&
	clear_requests changing &&
	cvlock index versions qux --cache-dir c3 --index-url "$CURL" >again &&
	test_cmp expect again &&
	test "$(count_requests "^GET /simple/qux/ 304 " changing)" = 1
'

test_expect_success '--offline with a warm cache: no request, even when stale' '
	clear_requests && clear_requests stale &&
	run c1 "$URL" --offline >out &&
	cvlock index versions foo-bar --offline --cache-dir c1 --index-url "$URL" >out1 &&
	cvlock index metadata baz==2.0 --offline --cache-dir c2 --index-url "$STALE" >out2 &&
	grep "^Requires-Dist: qux$" out2 &&
	test "$(nreq)" = 0 &&
	test "$(nreq stale)" = 0
'

test_expect_success '--offline with a cold cache: a clear error, no request' '
	clear_requests &&
	test_expect_code 3 cvlock index versions foo-bar --offline --cache-dir empty \
		--index-url "$URL" >out 2>err &&
	test_cmp /dev/null out &&
	cat >expect <<-EOF &&
	error: cannot fetch '"'"'${URL}foo-bar/'"'"': it is not in the cache and --offline forbids the network
	hint: run once without --offline to fill the cache
	EOF
	test_cmp expect err &&
	test "$(nreq)" = 0
'

test_expect_success '--offline: metadata missing from a warm page cache is an error' '
	cvlock index versions qux --cache-dir c4 --index-url "$URL" >/dev/null &&
	clear_requests &&
	test_expect_code 3 cvlock index metadata qux==1.0 --offline --cache-dir c4 \
		--index-url "$URL" >out 2>err &&
	grep "^error: cannot fetch '"'"'$(server_url)/files/qux/qux-1.0-py3-none-any.whl.metadata'"'"': it is not in the cache and --offline forbids the network$" err &&
	test "$(nreq)" = 0
'

test_expect_success '--offline: local indexes and find-links need no cache' '
	cvlock index versions foo-bar --offline --cache-dir empty \
		--index-url "file://$PWD/idx/simple/" >a &&
	cvlock index versions foo-bar --offline --cache-dir empty \
		--no-index --find-links idx/files/foo-bar >b &&
	printf "%s\n" "2.0rc1 (pre-release)" "1.2 (yanked: broken build)" 1.1 1.0 0.9 >expect &&
	test_cmp expect a &&
	sed "s/ (yanked: broken build)//" expect >expect-b &&
	test_cmp expect-b b &&
	cvlock index metadata a-b-c==1.0 --offline --cache-dir empty \
		--no-index --find-links idx/files/a-b-c >c &&
	grep "^Name: A.B-c$" c
'

test_expect_success '--no-cache: every run fetches, nothing is written' '
	clear_requests &&
	cvlock index versions foo-bar --no-cache --cache-dir nc --index-url "$URL" >a &&
	cvlock index versions foo-bar --no-cache --cache-dir nc --index-url "$URL" >b &&
	test_cmp a b &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* inm=- ")" = 2 &&
	test ! -e nc
'

test_expect_success 'the default cache: $XDG_CACHE_HOME/cvlock, CVLOCK_CACHE_DIR, --cache-dir' '
	test "$(cvlock cache dir)" = "$XDG_CACHE_HOME/cvlock" &&
	clear_requests &&
	cvlock index versions qux --index-url "$URL" >a &&
	cvlock index versions qux --index-url "$URL" >b &&
	test_cmp a b &&
	test "$(nreq)" = 1 &&
	test -n "$(find "$XDG_CACHE_HOME/cvlock" -type f)" &&
	CVLOCK_CACHE_DIR="$PWD/envcache" cvlock index versions qux --index-url "$URL" >c &&
	test_cmp a c &&
	test "$(nreq)" = 2 &&
	test -n "$(find envcache -type f)" &&
	CVLOCK_CACHE_DIR="$PWD/envcache" cvlock index versions qux --index-url "$URL" \
		--cache-dir optcache >d &&
	test_cmp a d &&
	test "$(nreq)" = 3 &&
	test -n "$(find optcache -type f)"
'

test_expect_success 'one cache, two indexes: entries are kept apart' '
	clear_requests && clear_requests stale &&
	cvlock index versions qux --cache-dir c5 --index-url "$URL" >a &&
	cvlock index versions qux --cache-dir c5 --index-url "$STALE" >b &&
	test_cmp a b &&
	test "$(nreq)" = 1 &&
	test "$(count_requests "^GET /simple/qux/ 200 .* inm=- " stale)" = 1
'

# the entry files of parsed pages (index/page_codec.c), and of responses
parsed_entries() {
	grep -l "^key parsed-page-v1" $(find "$1" -type f -path "*/http-v1/*")
}
page_responses() {
	grep -l "^key GET .*/simple/" $(find "$1" -type f -path "*/http-v1/*")
}

test_expect_success 'a warm run reads the parsed page stored beside the response' '
	run c11 "$URL" >expect &&
	test "$(parsed_entries c11 | wc -l)" = 2 &&
	grep -l "^url .*/simple/foo-bar/$" $(parsed_entries c11) &&
	grep -l "^url .*/simple/baz/$" $(parsed_entries c11) &&
	rm $(page_responses c11) &&
	clear_requests &&
	run c11 "$URL" >out &&
	test_cmp expect out &&
	test "$(nreq)" = 0
'

test_expect_success 'a parsed page of another format is parsed again from its response' '
	run c12 "$URL" >expect &&
	for f in $(parsed_entries c12); do
		"$PYTHON" -c "import sys; p = sys.argv[1]; b = open(p, \"rb\").read(); i = b.index(b\"CVLPAGE\\x01\"); open(p, \"wb\").write(b[:i + 7] + b\"\\x09\" + b[i + 8:])" "$f" || exit 1
	done &&
	test "$(grep -c -a "CVLPAGE" $(parsed_entries c12) | grep -c ":1$")" = 2 &&
	clear_requests &&
	run c12 "$URL" >out &&
	test_cmp expect out &&
	test "$(nreq)" = 0 &&
	for f in $(parsed_entries c12); do
		"$PYTHON" -c "import sys; sys.exit(b\"CVLPAGE\\x01\" not in open(sys.argv[1], \"rb\").read())" "$f" || exit 1
	done
'

test_expect_success 'no parsed page is stored for a file:// index' '
	cvlock index versions foo-bar --cache-dir c13 \
		--index-url "file://$PWD/idx/simple/" >/dev/null &&
	test -z "$(find c13 -type f -path "*/http-v1/*" 2>/dev/null)"
'

test_expect_success 'damaged cache entries count as misses' '
	run c6 "$URL" >expect &&
	for f in $(find c6 -type f -path "*/http-v1/*"); do
		head -c 20 "$f" >"$f.cut" && mv "$f.cut" "$f" || exit 1
	done &&
	clear_requests &&
	run c6 "$URL" >out &&
	test_cmp expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* inm=- ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 ")" = 1 &&
	clear_requests &&
	run c6 "$URL" >out &&
	test_cmp expect out &&
	test "$(nreq)" = 0
'

test_expect_success 'garbage in every entry: misses, then a good cache again' '
	run c7 "$URL" >expect &&
	for f in $(find c7 -type f -path "*/http-v1/*"); do
		printf "garbage\n" >"$f" || exit 1
	done &&
	run c7 "$URL" >out &&
	test_cmp expect out &&
	clear_requests &&
	run c7 "$URL" >out &&
	test_cmp expect out &&
	test "$(nreq)" = 0
'

test_expect_success 'parallel processes share one cache' '
	clear_requests &&
	for i in 1 2 3 4 5 6; do
		run c8 "$URL" >par.$i 2>par.$i.err &
	done &&
	wait &&
	for i in 1 2 3 4 5 6; do
		test_cmp cold par.$i && test_cmp /dev/null par.$i.err || exit 1
	done &&
	test -z "$(find c8 -name ".tmp-*")" &&
	clear_requests &&
	run c8 "$URL" >out &&
	test_cmp cold out &&
	test "$(nreq)" = 0
'

test_expect_success 'a process killed in the middle leaves a usable cache' '
	set_index_rules "{\"rules\": [{\"path\": \"/simple/qux/\", \"fault\": \"stall\", \"after\": 50, \"delay\": 30}]}" &&
	cvlock index versions foo-bar --cache-dir c9 --index-url "$URL" >/dev/null || exit 1
	"$CVLOCK" index versions qux --cache-dir c9 --index-url "$URL" >/dev/null 2>&1 &
	pid=$!
	i=0
	while test "$(count_requests "^GET /simple/qux/ ")" = 0 && test $i -lt 100; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
	kill -9 $pid && wait $pid
	test $? = 137 &&
	set_index_rules "{}" &&
	clear_requests &&
	cvlock index versions qux --cache-dir c9 --index-url "$URL" >out &&
	printf "%s\n" "1.5 (yanked)" 1.0 >expect &&
	test_cmp expect out &&
	cvlock index versions foo-bar --cache-dir c9 --index-url "$URL" >/dev/null &&
	test "$(count_requests "^GET /simple/qux/ 200 ")" = 1 &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 0 &&
	mkdir -p c9/http-v1/00 &&
	echo torn >c9/http-v1/00/.tmp-0000000000000000-00000000 &&
	touch -d "2 days ago" c9/http-v1/00/.tmp-0000000000000000-00000000 &&
	cvlock cache prune --cache-dir c9 >/dev/null &&
	test -z "$(find c9 -name ".tmp-*")" &&
	cvlock index versions foo-bar --cache-dir c9 --index-url "$URL" >/dev/null &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 0
'
set_index_rules '{}'

test_expect_success 'cvlock cache clean NAME forgets one project' '
	run c10 "$URL" >/dev/null &&
	cvlock cache clean foo-bar --cache-dir c10 >out &&
	clear_requests &&
	run c10 "$URL" >out &&
	test_cmp cold out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 ")" = 1 &&
	test "$(count_requests "^GET /simple/baz/ ")" = 0
'

test_expect_success 'cvlock cache clean: the next run is cold' '
	cvlock cache clean --cache-dir c10 >out &&
	clear_requests &&
	run c10 "$URL" >out &&
	test_cmp cold out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* inm=- ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 ")" = 1
'

test_done
