#!/bin/sh
# The index client against a misbehaving server (tests/lib/server.py fault
# rules): retries with backoff on 5xx, 429 (Retry-After), resets, truncated
# bodies and closed connections; no retry on other 4xx; timeouts; wrong
# hashes; malformed, non-UTF-8 and oversized pages; redirect loops;
# 401 and credentials from netrc.  Every error names the URL (credentials
# hidden) and nothing bad is cached.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

make_index "$top_srcdir/tests/lib/basic-index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
SRV=$(server_url)
PAGE="$URL"foo-bar/

# rules JSON: replace the server's fault rules
rules() {
	set_index_rules "$1" && clear_requests
}

# ix ARGS...: the client with a cache of its own per test and short
# retries, so that a fault left in the cache would show
ix() {
	cvlock index "$@" --index-url "$URL" --cache-dir cache
}

# seconds_between N M PATTERN: time between the Nth and the Mth logged
# request matching PATTERN, in milliseconds
ms_between() {
	grep -E -e "$3" "$(server_log)" |
		sed -n "s/.* t=\([0-9.]*\)$/\1/p" |
		awk -v a="$1" -v b="$2" 'NR == a { x = $1 } NR == b { y = $1 }
			END { printf "%d\n", (y - x) * 1000 }'
}

printf "%s\n" "2.0rc1 (pre-release)" "1.2 (yanked: broken build)" 1.1 1.0 0.9 >versions.expect

test_expect_success '500 twice, then the page: retried with backoff' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 500, \"times\": 2}]}" &&
	rm -rf cache &&
	ix versions foo-bar >out 2>err &&
	test_cmp versions.expect out &&
	test_cmp /dev/null err &&
	test "$(count_requests "^GET /simple/foo-bar/ 500 ")" = 2 &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 ")" = 1 &&
	test "$(count_requests "^GET ")" = 3 &&
	test "$(ms_between 1 2 "^GET /simple/foo-bar/")" -ge 200
'
set_index_rules '{}'

test_expect_success '503 for good: an error after the retries, naming the URL' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 503}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar --retries 2 >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': HTTP 503 Service Unavailable after 3 attempts" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET /simple/foo-bar/ 503 ")" = 3 &&
	test "$(count_requests "^GET ")" = 3
'
set_index_rules '{}'

test_expect_success '--retries 0 and CVLOCK_RETRIES: one attempt' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 502}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar --retries 0 2>err &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': HTTP 502 Bad Gateway" >expect &&
	test_cmp expect err &&
	CVLOCK_RETRIES=1 test_expect_code 3 ix versions foo-bar 2>err &&
	test "$(count_requests "^GET /simple/foo-bar/ 502 ")" = 3
'
set_index_rules '{}'

test_expect_success '429 with Retry-After: 1 is honoured' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 429, \"retry_after\": 1, \"times\": 1}]}" &&
	rm -rf cache &&
	ix versions foo-bar >out 2>err &&
	test_cmp versions.expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ 429 ")" = 1 &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 ")" = 1 &&
	test "$(ms_between 1 2 "^GET /simple/foo-bar/")" -ge 950
'
set_index_rules '{}'

test_expect_success '404 and 403: no retry' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 403}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar 2>err &&
	grep "^error: cannot fetch '"'"'${PAGE}'"'"': HTTP 403 Forbidden" err &&
	test "$(count_requests "^GET ")" = 1 &&
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 404}]}" &&
	test_expect_code 1 ix versions foo-bar 2>err &&
	echo "error: project '"'"'foo-bar'"'"' was not found in any index" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET ")" = 1
'
set_index_rules '{}'

test_expect_success 'a connection reset in the middle of the body: retried' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"reset\", \"after\": 200, \"times\": 1}]}" &&
	rm -rf cache &&
	ix versions foo-bar >out &&
	test_cmp versions.expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* fault=reset ")" = 1 &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* fault=- ")" = 1
'
set_index_rules '{}'

test_expect_success 'resets every time: an error naming the URL and the cause' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"reset\", \"after\": 200}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar --retries 1 >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': connection reset while receiving the body after 2 attempts" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET ")" = 2
'
set_index_rules '{}'

test_expect_success 'a truncated body: retried, then an error when it persists' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"truncate\", \"after\": 100, \"times\": 1}]}" &&
	rm -rf cache &&
	ix versions foo-bar >out &&
	test_cmp versions.expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 2 &&
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"truncate\", \"after\": 100}]}" &&
	test_expect_code 3 ix versions foo-bar --retries 1 --no-cache >out 2>err &&
	test_cmp /dev/null out &&
	grep "^error: cannot fetch '"'"'${PAGE}'"'"': the connection closed after 100 of [0-9]* bytes of the body after 2 attempts$" err
'
set_index_rules '{}'

test_expect_success 'a connection closed without an answer: retried' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"close\", \"times\": 2}]}" &&
	rm -rf cache &&
	ix versions foo-bar >out &&
	test_cmp versions.expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ ")" = 3
'
set_index_rules '{}'

test_expect_success 'faults on range requests into a wheel: retried' '
	rules "{\"rules\": [{\"path\": \"/files/baz/\", \"fault\": \"reset\", \"after\": 10, \"times\": 1}, {\"path\": \"/files/baz/\", \"status\": 500, \"times\": 1}]}" &&
	rm -rf cache &&
	ix metadata baz==2.0 >out &&
	grep "^Requires-Dist: qux$" out &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 200 .*fault=reset")" = 1 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 500 ")" = 1 &&
	test "$(count_requests "^GET /files/baz/baz-2.0-py3-none-any.whl 206 ")" -ge 1
'
set_index_rules '{}'

test_expect_success 'a slow server: the timeout ends the wait, with the URL' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"slow\", \"delay\": 30}]}" &&
	rm -rf cache &&
	start=$(date +%s) &&
	test_expect_code 3 ix versions foo-bar --http-timeout 1 --retries 0 >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 15 &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': no data for 1 second" >expect &&
	test_cmp expect err &&
	CVLOCK_HTTP_TIMEOUT=1 test_expect_code 3 ix versions foo-bar --retries 0 2>err &&
	test_cmp expect err
'
set_index_rules '{}'

# --http-timeout counts from the last byte received, not from a speed
# averaged over the whole transfer.
test_expect_success 'a body that stalls half-way: the timeout ends it' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"stall\", \"after\": 100, \"delay\": 30}]}" &&
	rm -rf cache &&
	start=$(date +%s) &&
	test_expect_code 3 ix versions foo-bar --http-timeout 1 --retries 0 >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -le 15 &&
	grep "^error: cannot fetch '"'"'${PAGE}'"'"': " err
'
set_index_rules '{}'

test_expect_success 'a PEP 658 file that does not match its hash: exit 5, nothing cached' '
	rules "{\"rules\": [{\"suffix\": \".metadata\", \"fault\": \"corrupt\", \"append\": \"Requires-Dist: evil\\n\"}]}" &&
	rm -rf cache &&
	test_expect_code 5 ix metadata foo-bar==1.0 >out 2>err &&
	test_cmp /dev/null out &&
	good=$(sha256sum <idx/files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata | cut -d" " -f1) &&
	bad=$( (cat idx/files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata; echo "Requires-Dist: evil") | sha256sum | cut -d" " -f1) &&
	cat >expect <<-EOF &&
	error: metadata of '"'"'foo_bar-1.0-py3-none-any.whl'"'"' does not match its sha256 (expected $good, got $bad)
	hint: from '"'"'${SRV}/files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata'"'"'
	EOF
	test_cmp expect err &&
	! grep -r -l "evil" cache &&
	rules "{}" &&
	ix metadata foo-bar==1.0 >out &&
	! grep evil out &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata 200 ")" = 1
'
set_index_rules '{}'

test_expect_success 'a wheel downloaded whole that does not match its hash: exit 5' '
	rules "{\"rules\": [{\"path\": \"/files/baz/\", \"fault\": \"corrupt\"}]}" &&
	test_expect_code 5 ix metadata baz==2.0 --no-cache >out 2>err &&
	test_cmp /dev/null out &&
	good=$(sha256sum <idx/files/baz/baz-2.0-py3-none-any.whl | cut -d" " -f1) &&
	bad=$( (cat idx/files/baz/baz-2.0-py3-none-any.whl; echo) | sha256sum | cut -d" " -f1) &&
	echo "error: '"'"'baz-2.0-py3-none-any.whl'"'"' does not match its sha256 (expected $good, got $bad)" >expect &&
	test_cmp expect err
'
set_index_rules '{}'

test_expect_success 'a PEP 658 file that is missing: range requests instead' '
	rules "{\"rules\": [{\"suffix\": \".metadata\", \"status\": 404}]}" &&
	ix metadata foo-bar==1.0 --no-cache >out &&
	grep "^Requires-Dist: baz>=1.0$" out &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.0-py3-none-any.whl.metadata 404 ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.0-py3-none-any.whl 206 ")" -ge 1
'
set_index_rules '{}'

test_expect_success 'a range response cut short: retried, then an error' '
	rules "{\"rules\": [{\"path\": \"/files/baz/\", \"fault\": \"truncate\", \"after\": 1000}]}" &&
	test_expect_code 3 ix metadata baz==2.0 --no-cache --retries 1 >out 2>err &&
	test_cmp /dev/null out &&
	grep "^error: cannot fetch '"'"'${SRV}/files/baz/baz-2.0-py3-none-any.whl'"'"': the connection closed after 1000 of [0-9]* bytes of the body after 2 attempts$" err &&
	test "$(count_requests "^GET /files/baz/")" = 2
'
set_index_rules '{}'

test_expect_success 'a file the page lists but the server does not have: exit 3' '
	rules "{\"rules\": [{\"path\": \"/files/\", \"status\": 404}]}" &&
	test_expect_code 3 ix metadata baz==2.0 --no-cache >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${SRV}/files/baz/baz-2.0-py3-none-any.whl'"'"': HTTP 404 Not Found" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET /files/")" = 1
'
set_index_rules '{}'

# An index whose page announces a wrong hash for a metadata file.
cat >badhash.json <<\EOF
{"projects": {"liar": {"1.0": {"bad_metadata_hash": true}}}}
EOF
make_index badhash.json badhash || exit 1
start_index_server --name bad badhash || exit 1

test_expect_success 'a page announcing a wrong metadata hash: exit 5' '
	test_expect_code 5 cvlock index metadata liar==1.0 --no-cache \
		--index-url "$(index_url bad)" >out 2>err &&
	test_cmp /dev/null out &&
	grep "^error: metadata of '"'"'liar-1.0-py3-none-any.whl'"'"' does not match its sha256 (expected [0-9a-f]\{64\}, got $(sha256sum <badhash/files/liar/liar-1.0-py3-none-any.whl.metadata | cut -d" " -f1))$" err
'

# body_rule CONTENT-TYPE BODY: serve BODY as every project page
body_rule() {
	"$PYTHON" -c '
import json, sys
print(json.dumps({"rules": [{"path": "/simple/", "fault": "body",
    "content_type": sys.argv[1], "body": sys.argv[2]}]}))' "$1" "$2"
}

test_expect_success 'malformed JSON page: exit 3, the URL, nothing cached' '
	rules "$(body_rule application/vnd.pypi.simple.v1+json "{\"meta\": {\"api-version\": \"1.0\"}, \"name\": \"foo-bar\", \"files\": [}")" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	test_cmp /dev/null out &&
	grep "^error: invalid project page '"'"'${PAGE}'"'"': not valid JSON: .* at line 1, column [0-9]*$" err &&
	test "$(wc -l <err)" = 1 &&
	rules "{}" &&
	ix versions foo-bar >out &&
	test_cmp versions.expect out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* inm=- ")" = 1
'
set_index_rules '{}'

test_expect_success 'JSON of the wrong shape: exit 3, says what was expected' '
	rules "$(body_rule application/vnd.pypi.simple.v1+json "{\"meta\": {\"api-version\": \"1.0\"}, \"name\": \"foo-bar\", \"files\": {}}")" &&
	test_expect_code 3 ix versions foo-bar --no-cache 2>err &&
	echo "error: invalid project page '"'"'${PAGE}'"'"': expected an array for '"'"'files'"'"', got an object" >expect &&
	test_cmp expect err &&
	rules "$(body_rule application/vnd.pypi.simple.v1+json "{\"meta\": {\"api-version\": \"2.0\"}, \"name\": \"foo-bar\", \"files\": []}")" &&
	test_expect_code 3 ix versions foo-bar --no-cache 2>err &&
	grep "^error: invalid project page '"'"'${PAGE}'"'"': unsupported api-version '"'"'2.0'"'"'" err
'
set_index_rules '{}'

test_expect_success 'malformed HTML page (a bad hash fragment): exit 3, the URL' '
	rules "$(body_rule text/html "<a href=\"foo_bar-1.0.tar.gz#sha256=nothex\">foo_bar-1.0.tar.gz</a>")" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: invalid project page '"'"'${PAGE}'"'"': line 1: link to '"'"'foo_bar-1.0.tar.gz'"'"': expected 64 hex digits for sha256, got '"'"'nothex'"'"'" >expect &&
	test_cmp expect err &&
	rules "{}" &&
	ix versions foo-bar >out &&
	test_cmp versions.expect out
'
set_index_rules '{}'

test_expect_success 'a non-UTF-8 page: exit 3, the URL and the byte' '
	rules "{\"rules\": [{\"path\": \"/simple/\", \"fault\": \"body\", \"content_type\": \"text/html\", \"body_hex\": \"3c6120687265663d22666f6f5f6261722d312e302e7461722e677a223efffe3c2f613e\"}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: invalid project page '"'"'${PAGE}'"'"': not valid UTF-8 at byte 29 (0xff)" >expect &&
	test_cmp expect err &&
	rules "{\"rules\": [{\"path\": \"/simple/\", \"fault\": \"body\", \"content_type\": \"application/vnd.pypi.simple.v1+json\", \"body_hex\": \"7b226d657461223a7b226170692d76657273696f6e223a22312e30227d2c226e616d65223a22666f6f2d626172222c2266696c6573223a5b5d2c2278223a22ff227d\"}]}" &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	grep "^error: invalid project page '"'"'${PAGE}'"'"': .*0xff" err
'
set_index_rules '{}'

test_expect_success 'an oversized page (65 MiB): capped, exit 3, nothing cached' '
	rules "{\"rules\": [{\"path\": \"/simple/\", \"fault\": \"huge\", \"size\": 68157441}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': the response exceeds 64 MiB" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET ")" = 1 &&
	test -z "$(find cache -type f -size +1M 2>/dev/null)"
'
set_index_rules '{}'

test_expect_success 'an oversized page without Content-Length (chunked): capped' '
	rules "{\"rules\": [{\"path\": \"/simple/\", \"fault\": \"huge\", \"size\": 68157441, \"chunked\": true}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': the response exceeds 64 MiB" >expect &&
	test_cmp expect err &&
	test -z "$(find cache -type f -size +1M 2>/dev/null)"
'
set_index_rules '{}'

test_expect_success 'a redirect loop: exit 3, a clear error' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"fault\": \"redirect\", \"location\": \"{self}\"}]}" &&
	rm -rf cache &&
	test_expect_code 3 ix versions foo-bar >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': more than 10 redirects (a redirect loop?)" >expect &&
	test_cmp expect err &&
	test "$(count_requests "^GET /simple/foo-bar/ 302 ")" = 11
'
set_index_rules '{}'

test_expect_success 'an error on the first index is not hidden by the next one' '
	cat >other.json <<-\EOF &&
	{"projects": {"foo-bar": {"6.6.6": {}}}}
	EOF
	make_index other.json other &&
	start_index_server --name other other &&
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 500}]}" &&
	test_expect_code 3 cvlock index versions foo-bar --no-cache --retries 0 \
		--index-url "$URL" --extra-index-url "$(index_url other)" >out 2>err &&
	test_cmp /dev/null out &&
	echo "error: cannot fetch '"'"'${PAGE}'"'"': HTTP 500 Internal Server Error" >expect &&
	test_cmp expect err
'
set_index_rules '{}'

AUTH_RULES='{"rules": [{"fault": "auth", "user": "alice", "password": "s3cr3t"}]}'
HOSTPORT="127.0.0.1:$(server_port)"

test_expect_success '401 without credentials: exit 3 with a hint, no retry' '
	rules "$AUTH_RULES" &&
	test_expect_code 3 ix versions foo-bar --no-cache >out 2>err &&
	test_cmp /dev/null out &&
	cat >expect <<-EOF &&
	error: cannot fetch '"'"'${PAGE}'"'"': HTTP 401 Unauthorized (no credentials for '"'"'127.0.0.1'"'"')
	hint: add credentials for 127.0.0.1 to ~/.netrc or the index URL
	EOF
	test_cmp expect err &&
	test "$(count_requests "^GET ")" = 1
'

test_expect_success 'credentials from the netrc file named by NETRC' '
	rules "$AUTH_RULES" &&
	printf "machine 127.0.0.1\n  login alice\n  password s3cr3t\n" >netrc &&
	NETRC="$PWD/netrc" ix metadata foo-bar==1.1 -v >out 2>err &&
	grep "^Requires-Dist: baz>=2.0$" out &&
	test "$(count_requests "^GET /simple/foo-bar/ 200 .* auth=basic ")" = 1 &&
	test "$(count_requests "^GET /files/foo-bar/foo_bar-1.1-py3-none-any.whl.metadata 200 .* auth=basic ")" = 1 &&
	! grep -r s3cr3t out err cache
'

test_expect_success 'credentials from ~/.netrc' '
	rules "$AUTH_RULES" &&
	printf "machine 127.0.0.1 login alice password s3cr3t\n" >"$HOME/.netrc" &&
	chmod 600 "$HOME/.netrc" &&
	ix versions foo-bar --no-cache >out &&
	rm "$HOME/.netrc" &&
	test_cmp versions.expect out
'

test_expect_success 'wrong credentials: exit 3, the password never shown' '
	rules "$AUTH_RULES" &&
	printf "machine 127.0.0.1 login alice password wr0ng\n" >netrc &&
	NETRC="$PWD/netrc" test_expect_code 3 ix versions foo-bar --no-cache >out 2>err &&
	grep "^error: cannot fetch '"'"'${PAGE}'"'"': HTTP 401 Unauthorized" err &&
	! grep wr0ng err &&
	test_expect_code 3 cvlock index versions foo-bar --no-cache \
		--index-url "http://bob:hunter2@$HOSTPORT/simple/" >out 2>err &&
	grep "^error: cannot fetch '"'"'http://bob:\*\*\*@$HOSTPORT/simple/foo-bar/'"'"': HTTP 401 Unauthorized" err &&
	! grep hunter2 err
'
set_index_rules '{}'

test_expect_success 'errors hide the credentials of the URL' '
	rules "{\"rules\": [{\"path\": \"/simple/foo-bar/\", \"status\": 503}]}" &&
	test_expect_code 3 cvlock index versions foo-bar --no-cache --retries 0 \
		--index-url "http://alice:s3cr3t@$HOSTPORT/simple/" >out 2>err &&
	echo "error: cannot fetch '"'"'http://alice:***@$HOSTPORT/simple/foo-bar/'"'"': HTTP 503 Service Unavailable" >expect &&
	test_cmp expect err
'
set_index_rules '{}'

test_expect_success 'the server is still healthy after all that' '
	ix versions foo-bar --no-cache >out &&
	test_cmp versions.expect out
'

test_done
