#!/bin/sh
# cvlock resolve end to end: a project resolved against a real HTTP index
# (tests/lib/server.py serving tests/data/resolve/index.json built by
# tests/lib/mkindex.py) and against the same index as a file:// directory;
# the pylock.toml compared byte for byte; determinism across directories,
# locales, time zones and --concurrency; stability (preferences from the
# existing lockfile, --upgrade-package, --check); failures (no solution,
# an unknown package, a corrupted lockfile, an index failing mid-way).
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/resolve"
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
SRV=$(server_url)
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

# new_project DIR: a copy of the test project
new_project() {
	mkdir -p "$1" && cp "$DATA/pyproject.toml" "$1/"
}

# res DIR [options]: resolve DIR for the test target over HTTP, no cache
res() {
	_d=$1
	shift
	# shellcheck disable=SC2086
	cvlock resolve "$_d" --index-url "$URL" $TARGET --no-cache --retries 0 "$@"
}

# the "Resolved N packages in X ms" line without its time
strip_time() {
	sed 's/^\(Resolved [0-9]* packages\{0,1\}\) in [0-9]* ms$/\1/'
}

test_expect_success 'resolve over HTTP: pylock.toml byte for byte' '
	new_project p &&
	res p 2>err &&
	index_expand "$TRASH/idx" "$SRV" <"$DATA/expect-http.toml" >expect &&
	test_cmp expect p/pylock.toml &&
	strip_time <err >err2 &&
	cat >expect-err <<-\EOF &&
	Resolved 5 packages
	Added alpha 1.1
	Added beta 2.0
	Added eps 1.0
	Added gamma 2.0
	Added zeta 1.0
	EOF
	test_cmp expect-err err2
'

test_expect_success 'resolve a file:// index: relative paths, byte for byte' '
	mkdir -p f && cp -R "$TRASH/idx" f/idx && new_project f/p &&
	cvlock resolve f/p --index-url "file://$TRASH/f/idx/simple/" $TARGET \
		--extra fast --no-cache 2>err &&
	index_expand "$TRASH/idx" <"$DATA/expect-file.toml" >expect &&
	test_cmp expect f/p/pylock.toml &&
	! grep -q "$TRASH" f/p/pylock.toml
'

test_expect_success 'deterministic: other directory, locale, time zone, concurrency' '
	new_project d1 && new_project d2 &&
	LC_ALL=C TZ=UTC res d1 --concurrency 1 2>/dev/null &&
	LC_ALL=C.UTF-8 TZ=Asia/Kolkata res d2 --concurrency 64 2>/dev/null &&
	cmp d1/pylock.toml d2/pylock.toml &&
	cmp d1/pylock.toml p/pylock.toml
'

test_expect_success 'unchanged inputs: nothing changes, --check exits 0' '
	cp p/pylock.toml before &&
	res p 2>err &&
	cmp before p/pylock.toml &&
	strip_time <err >err2 &&
	echo "Resolved 5 packages" >expect &&
	test_cmp expect err2 &&
	res p --check 2>err &&
	cmp before p/pylock.toml
'

test_expect_success '--check: a missing lockfile exits 1 and writes nothing' '
	new_project c &&
	test_expect_code 1 res c --check 2>err &&
	grep "error: .c/pylock.toml. does not exist" err &&
	test ! -e c/pylock.toml
'

test_expect_success 'old pins are kept; a tightened requirement moves only its own' '
	new_project s &&
	printf "beta==1.0\ngamma==1.0\n" >s/pins.txt &&
	res s -c s/pins.txt 2>/dev/null &&
	grep -A1 "^name = \"beta\"" s/pylock.toml | grep -q "version = \"1.0\"" &&
	res s 2>err &&
	strip_time <err >err2 &&
	echo "Resolved 5 packages" >expect &&
	test_cmp expect err2 &&
	sed -i "s/\"alpha\", /\"alpha\", \"beta>=1.1\", /" s/pyproject.toml &&
	cp s/pylock.toml stale.toml &&
	test_expect_code 1 res s --check 2>err &&
	grep "out of date" err &&
	cmp stale.toml s/pylock.toml &&
	res s 2>err &&
	strip_time <err >err2 &&
	printf "%s\n" "Resolved 5 packages" "Updated beta 1.0 -> 2.0" >expect &&
	test_cmp expect err2 &&
	res s --upgrade-package gamma 2>err &&
	strip_time <err >err2 &&
	printf "%s\n" "Resolved 5 packages" "Updated gamma 1.0 -> 2.0" >expect &&
	test_cmp expect err2
'

test_expect_success '--dry-run prints the changes and writes nothing' '
	new_project n &&
	res n --dry-run 2>err &&
	test ! -e n/pylock.toml &&
	grep "^Added alpha 1.1$" err
'

test_expect_success 'no solution: the explanation, exit 1, nothing written' '
	new_project u &&
	sed -i "s/\"alpha\", /\"delta\", \"beta>=2\", /" u/pyproject.toml &&
	test_expect_code 1 res u 2>err &&
	test ! -e u/pylock.toml &&
	cat >expect <<-\EOF &&
	error: no solution:
	  * the project requires beta>=2
	  * the project requires delta
	  * delta 1.0 requires beta<1.1
	  * only one version of beta can be installed
	EOF
	test_cmp expect err
'

test_expect_success 'an unknown package: exit 1, nothing written' '
	mkdir k && echo "no-such-thing>=1" >k/req.in &&
	test_expect_code 1 cvlock resolve -r k/req.in -o k/pylock.toml \
		--index-url "$URL" $TARGET --no-cache 2>err &&
	test ! -e k/pylock.toml &&
	grep "no-such-thing" err
'

test_expect_success 'a corrupted lockfile: clear error, not overwritten' '
	new_project b &&
	printf "lock-version = \"1.0\"\n[[packages]\n" >b/pylock.toml &&
	cp b/pylock.toml bad.toml &&
	test_expect_code 2 res b 2>err &&
	grep "^error: existing lockfile .b/pylock.toml. is not valid; nothing was written" err &&
	cmp bad.toml b/pylock.toml
'

test_expect_success 'an index failing mid-resolution: exit 3, nothing written' '
	new_project x &&
	set_index_rules "{\"rules\": [{\"path\": \"/simple/gamma/\", \"fault\": \"status\", \"status\": 500}]}" &&
	test_expect_code 3 res x 2>err &&
	set_index_rules "{}" &&
	grep "^error: .*simple/gamma/.*500" err &&
	test ! -e x/pylock.toml
'

# Lazy widening: a package with 1,000 versions whose newest works costs a
# handful of metadata requests, not 1,000.
"$PYTHON" -c '
import json
v = {"%d.0" % i: {"upload_time": "2020-01-01T00:00:00Z"} for i in range(1, 1001)}
json.dump({"projects": {"many": v}}, open("big.json", "w"))
' && make_index big.json big || exit 1
start_index_server --name big big || exit 1

test_expect_success '1,000 versions: a handful of metadata requests' '
	mkdir -p m && echo "many" >m/req.in &&
	cvlock resolve -r m/req.in -o m/pylock.toml --index-url "$(index_url big)" \
		$TARGET --no-cache 2>err &&
	grep -A1 "^name = \"many\"" m/pylock.toml | grep -q "version = \"1000.0\"" &&
	n=$(count_requests "^GET /files/many/.*[.]metadata " big) &&
	echo "$n metadata requests" &&
	test "$n" -ge 1 && test "$n" -le 10
'

test_done
