#!/bin/sh
# The index transport itself (index/http.c through tests/http-get), for
# what the client commands do not show: a retry waits on a timer while
# other transfers go on, Retry-After as a date, how many attempts, shared
# and bounded connections, credentials that stay with their host across
# redirects, callbacks that add work or reject a response, 304s that
# renew an entry, the cap, and the User-Agent.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/lib/basic-index.json" idx || exit 1
start_index_server idx || exit 1
start_index_server --name b idx || exit 1
SRV=$(server_url)
PORT=$(server_port)

hg() {
	"$top_builddir/tests/http-get" --retry-base-ms 100 "$@"
}

rules() {
	set_index_rules "$1" && clear_requests
}

# ms_between N M PATTERN: milliseconds between the Nth and the Mth logged
# request matching PATTERN
ms_between() {
	grep -E -e "$3" "$(server_log)" |
		sed -n "s/.* t=\([0-9.]*\)$/\1/p" |
		awk -v a="$1" -v b="$2" 'NR == a { x = $1 } NR == b { y = $1 }
			END { printf "%d\n", (y - x) * 1000 }'
}

# field NAME FILE: the values of NAME=... on the "done" lines, in order
field() {
	sed -n "s/^done .* $1=\([^ ]*\).*/\1/p" "$2"
}

test_expect_success 'the User-Agent is cvlock/VERSION' '
	rules "{}" &&
	hg "$SRV/simple/foo-bar/" >out &&
	version=$(cvlock --version | sed "s/^cvlock //") &&
	test "$(count_requests " ua=cvlock/$version ")" = 1 &&
	test "$(field rc out)" = OK
'

test_expect_success 'a retry waits on a timer while the other transfers go on' '
	rules "{\"rules\": [{\"exact\": \"/simple/foo-bar/\", \"status\": 429, \"retry_after\": 2, \"times\": 1}]}" &&
	hg "$SRV/simple/foo-bar/" "$SRV/simple/baz/" "$SRV/simple/qux/" \
		"$SRV/simple/a-b-c/" "$SRV/simple/sdist-only/" >out &&
	# all five succeed, and the one that waited comes last
	test "$(field rc out | sort -u)" = OK &&
	test "$(grep -c "^done" out)" = 5 &&
	grep "^done" out | tail -n 1 | grep -q "^done $SRV/simple/foo-bar/ " &&
	grep -q "retries=1" out &&
	# Retry-After: 2 was honoured ...
	test "$(ms_between 1 2 "^GET /simple/foo-bar/ ")" -ge 1900 &&
	# ... and the others did not wait for it
	test "$(ms_between 1 1 "^GET /simple/(baz|qux|a-b-c|sdist-only)/ ")" -lt 1000 &&
	grep -E "^GET /simple/(baz|qux|a-b-c|sdist-only)/ " "$(server_log)" |
		sed -n "s/.* t=\([0-9.]*\)$/\1/p" >t.others &&
	first=$(grep "^GET /simple/foo-bar/ " "$(server_log)" | head -n 1 |
		sed -n "s/.* t=\([0-9.]*\)$/\1/p") &&
	awk -v f="$first" "\$1 - f > 1.0 { bad = 1 } END { exit bad }" t.others
'

test_expect_success 'Retry-After as an HTTP date' '
	when=$(date -u -d "@$(($(date +%s) + 3))" "+%a, %d %b %Y %H:%M:%S GMT") &&
	rules "{\"rules\": [{\"exact\": \"/simple/foo-bar/\", \"status\": 503, \"headers\": {\"Retry-After\": \"$when\"}, \"times\": 1}]}" &&
	hg "$SRV/simple/foo-bar/" >out &&
	test "$(field rc out)" = OK &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 2 &&
	test "$(ms_between 1 2 "^GET /simple/foo-bar/ ")" -ge 1000
'

test_expect_success 'backoff grows between attempts; the error says how many' '
	rules "{\"rules\": [{\"exact\": \"/simple/foo-bar/\", \"status\": 500}]}" &&
	hg --retries 3 "$SRV/simple/foo-bar/" >out &&
	test "$(field rc out)" = NETWORK &&
	grep -qx "error: cannot fetch .$SRV/simple/foo-bar/.: HTTP 500 Internal Server Error after 4 attempts" out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 4 &&
	# 100 ms, then 200, then 400 (each plus up to half again)
	a=$(ms_between 1 2 "^GET /simple/foo-bar/ ") &&
	c=$(ms_between 3 4 "^GET /simple/foo-bar/ ") &&
	test "$a" -ge 90 && test "$a" -lt 400 &&
	test "$c" -ge 390 && test "$c" -lt 1000
'

test_expect_success '--retries 0: one attempt, and no "after N attempts"' '
	clear_requests &&
	hg --retries 0 "$SRV/simple/foo-bar/" >out &&
	grep -qx "error: cannot fetch .$SRV/simple/foo-bar/.: HTTP 500 Internal Server Error" out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 1
'

test_expect_success 'transfers share connections, at most --concurrency at once' '
	rules "{}" &&
	urls= && i=0 &&
	while test $i -lt 40; do
		urls="$urls $SRV/simple/baz/?n=$i" && i=$((i + 1))
	done &&
	hg --concurrency 3 $urls >out &&
	test "$(field rc out | sort -u)" = OK &&
	test "$(grep -c "^done" out)" = 40 &&
	peers=$(sed -n "s/.* peer=\([0-9]*\) .*/\1/p" "$(server_log)" | sort -u | wc -l) &&
	test "$peers" -ge 1 && test "$peers" -le 3
'

test_expect_success 'credentials stay with their host: a redirect elsewhere drops them' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"redirect\", \"location\": \"http://127.0.0.1:$(server_port b)/simple/foo-bar/\"}]}" &&
	clear_requests b &&
	hg "http://u:secret@127.0.0.1:$PORT/simple/foo-bar/" >out &&
	test "$(field rc out)" = OK &&
	test "$(count_requests "^GET /simple/foo-bar/ 302 .* auth=basic ")" = 1 &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* auth=- " b)" = 1 &&
	! grep secret out
'

test_expect_success 'credentials of an index URL apply to other URLs of its host' '
	rules "{\"rules\": [{\"fault\": \"auth\", \"user\": \"u\", \"password\": \"p\"}]}" &&
	hg --then "$SRV/files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata" \
		"http://u:p@127.0.0.1:$PORT/simple/foo-bar/" >out &&
	test "$(field rc out)" = "OK
OK" &&
	test "$(count_requests " 401 ")" = 0
'

test_expect_success '401 without credentials: a hint, no retry, nothing leaked' '
	clear_requests &&
	hg "$SRV/simple/foo-bar/" >out &&
	test "$(field rc out)" = NETWORK &&
	grep -qx "error: cannot fetch .$SRV/simple/foo-bar/.: HTTP 401 Unauthorized (no credentials for .127.0.0.1.)" out &&
	grep -qx "hint: add credentials for 127.0.0.1 to ~/.netrc or the index URL" out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 1 &&
	hg "http://u:wrong@127.0.0.1:$PORT/simple/foo-bar/" >out &&
	grep -q "^error: cannot fetch .http://u:\*\*\*@127.0.0.1:$PORT/simple/foo-bar/.: HTTP 401 Unauthorized (the credentials for .127.0.0.1. were refused)$" out &&
	! grep wrong out
'

test_expect_success 'a netrc file gives credentials by host' '
	printf "machine 127.0.0.1\n  login u\n  password p\n" >netrc &&
	hg --netrc netrc "$SRV/simple/foo-bar/" >out &&
	test "$(field rc out)" = OK &&
	printf "machine 127.0.0.1 login u password nope\n" >netrc &&
	hg --netrc netrc "$SRV/simple/foo-bar/" >out &&
	grep -q "HTTP 401 Unauthorized (the credentials for .127.0.0.1. were refused)" out &&
	! grep nope out
'

test_expect_success 'a callback may submit more work into the same run' '
	rules "{}" &&
	hg --then "$SRV/simple/baz/" "$SRV/simple/foo-bar/" >out &&
	test "$(grep -c "^done" out)" = 2 &&
	grep "^done" out | tail -n 1 | grep -q "^done $SRV/simple/baz/ "
'

test_expect_success 'fresh entries need no request; a rejected response is not kept' '
	rules "{}" &&
	hg --cache c1 --reject "$SRV/simple/foo-bar/" >out &&
	hg --cache c1 "$SRV/simple/foo-bar/" >out &&
	test "$(field cache out)" = 0 &&
	hg --cache c1 "$SRV/simple/foo-bar/" >out &&
	test "$(field cache out)" = 1 &&
	grep -q "stats requests=0 " out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 2 &&
	# rejecting a cached answer removes it
	hg --cache c1 --reject "$SRV/simple/foo-bar/" >out &&
	test "$(field cache out)" = 1 &&
	hg --cache c1 "$SRV/simple/foo-bar/" >out &&
	test "$(field cache out)" = 0
'

test_expect_success 'a 304 renews a stale entry, which is then fresh again' '
	rules "{\"max_age\": 2}" &&
	hg --cache c2 "$SRV/simple/baz/" >out1 &&
	sleep 3 &&
	hg --cache c2 "$SRV/simple/baz/" >out2 &&
	test "$(field revalidated out2)" = 1 &&
	test "$(field sha256 out1)" = "$(field sha256 out2)" &&
	test "$(count_requests "^GET /simple/baz/ 304 .* inm=yes ")" = 1 &&
	hg --cache c2 "$SRV/simple/baz/" >out3 &&
	test "$(field cache out3)" = 1 &&
	test "$(count_requests "^GET /simple/baz/ ")" = 2
'

test_expect_success 'the Accept header picks the cache entry' '
	rules "{}" &&
	hg --cache c3 --accept "application/vnd.pypi.simple.v1+json" "$SRV/simple/qux/" >json &&
	hg --cache c3 --accept "text/html" "$SRV/simple/qux/" >html &&
	test "$(field cache html)" = 0 &&
	test "$(field sha256 json)" != "$(field sha256 html)" &&
	hg --cache c3 --accept "text/html" "$SRV/simple/qux/" >html2 &&
	test "$(field cache html2)" = 1 &&
	test "$(field sha256 html)" = "$(field sha256 html2)"
'

test_expect_success 'range requests: 206 with the total size; never cached' '
	rules "{}" &&
	f=files/foo-bar/foo_bar-1.0-py3-none-any.whl &&
	size=$(wc -c <idx/$f | tr -d " ") &&
	hg --cache c4 --range -22 "$SRV/$f" >out &&
	test "$(field status out)" = 206 &&
	test "$(field len out)" = 22 &&
	test "$(field total out)" = "$size" &&
	test "$(field range out)" = 1 &&
	test "$(count_requests "^GET /$f 206 .* range=bytes=-22 .* gzip=- ")" = 1 &&
	hg --cache c4 --range -22 "$SRV/$f" >out &&
	test "$(field cache out)" = 0 &&
	test "$(count_requests "^GET /$f ")" = 2 &&
	hg --cache c4 --range 0-3 "$SRV/$f" >out &&
	test "$(field sha256 out)" = "$(head -c 4 idx/$f | sha256sum | cut -c1-8)"
'

test_expect_success 'a server that ignores Range: 200 with the whole file' '
	rules "{\"rules\": [{\"fault\": \"no_range\"}]}" &&
	f=files/foo-bar/foo_bar-1.0-py3-none-any.whl &&
	hg --range -22 "$SRV/$f" >out &&
	test "$(field status out)" = 200 &&
	test "$(field range out)" = 0 &&
	test "$(field len out)" = "$(wc -c <idx/$f | tr -d " ")"
'

test_expect_success 'the body cap, with and without Content-Length' '
	rules "{}" &&
	hg --max-size 100 "$SRV/simple/foo-bar/" >out &&
	test "$(field rc out)" = TOOBIG &&
	grep -qx "error: cannot fetch .$SRV/simple/foo-bar/.: the response exceeds 100 bytes" out &&
	rules "{\"rules\": [{\"fault\": \"huge\", \"size\": 3000000, \"chunked\": true}]}" &&
	hg --max-size 1048576 "$SRV/x" >out &&
	grep -qx "error: cannot fetch .$SRV/x.: the response exceeds 1 MiB" out &&
	test "$(count_requests "^GET /x ")" = 1
'

test_expect_success '--offline: the cache or an error, never a request' '
	rules "{}" &&
	hg --cache c5 --offline "$SRV/simple/a-b-c/" >out &&
	grep -qx "error: cannot fetch .$SRV/simple/a-b-c/.: it is not in the cache and --offline forbids the network" out &&
	test "$(count_requests .)" = 0 &&
	hg --cache c5 "$SRV/simple/a-b-c/" >/dev/null &&
	clear_requests &&
	hg --cache c5 --offline --refresh "$SRV/simple/a-b-c/" >out &&
	test "$(field cache out)" = 1 &&
	test "$(count_requests .)" = 0
'

test_done
