#!/bin/sh
# cvlock resolve on real PyPI metadata: every root set of
# tests/corpus/requirements/ resolved for CPython 3.11 on
# manylinux_2_28_x86_64 against the index of tests/corpus/pypi-subset.json.gz
# (built by tests/lib/mkindex-corpus.py, served as file:// and, for one set,
# by tests/lib/server.py), each lockfile checked by tests/corpus/verify.py
# (packaging, not cvlock).  The sets this 2023 snapshot cannot satisfy are
# listed in tests/corpus/expected-unsat.txt with the explanation cvlock must
# give; pip 23's answers (tests/corpus/pip-results.txt, written by
# tests/corpus/pip-compare.sh) must agree on which sets have a solution.
#
# Building the index takes ~30 s of CPU; CVLOCK_CORPUS_INDEX=DIR keeps it in
# DIR between runs (rebuilt when the corpus changes).
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

CORPUS="$top_srcdir/tests/corpus"
DATA="$CORPUS/pypi-subset.json.gz"
: "${VERIFY_PYTHON:=/usr/bin/python3}"
if ! "$VERIFY_PYTHON" -c 'import tomllib, packaging.requirements' \
	2>/dev/null; then
	echo "1..0 # SKIP $VERIFY_PYTHON with tomllib and packaging is needed (VERIFY_PYTHON)"
	exit 77
fi
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"
SETS=$(cd "$CORPUS/requirements" && ls ./*.in | sed 's|^\./||; s|\.in$||')

# the index: built once (the stamp holds the corpus's and the builder's
# hashes, and is written last)
IDX=${CVLOCK_CORPUS_INDEX:-$TRASH/idx}
stamp=$(cat "$DATA" "$INDEX_LIB_DIR/mkindex-corpus.py" | sha256sum | cut -c1-64)
if test "$(cat "$IDX/.stamp" 2>/dev/null)" != "$stamp"; then
	rm -rf "$IDX"
	"$PYTHON" "$INDEX_LIB_DIR/mkindex-corpus.py" -q --no-wheel-files \
		"$DATA" "$IDX" 2>"$TRASH/mkindex.err" || {
		cat "$TRASH/mkindex.err"
		echo "cannot build the corpus index" >&2
		exit 1
	}
	echo "$stamp" >"$IDX/.stamp"
fi
IDX=$(cd "$IDX" && pwd)
mkdir -p "$TRASH/locks"

# the expected failures: SET<TAB>EXIT<TAB>ERE<TAB>why
expected_unsat() {
	grep -v '^#' "$CORPUS/expected-unsat.txt" | cut -f1
}
unsat_status() {
	grep "^$1	" "$CORPUS/expected-unsat.txt" | cut -f2
}
unsat_pattern() {
	grep "^$1	" "$CORPUS/expected-unsat.txt" | cut -f3
}
# pip's outcome of a set (solved, failed, timeout) and pins
pip_outcome() {
	grep "^$1	" "$CORPUS/pip-results.txt" | cut -f2
}
pip_pins() {
	grep "^$1	" "$CORPUS/pip-results.txt" | cut -f5 | tr ' ' '\n'
}
# lock_pins LOCK: name==version, sorted
lock_pins() {
	"$VERIFY_PYTHON" -c '
import sys, tomllib
lock = tomllib.load(open(sys.argv[1], "rb"))
for p in sorted(lock["packages"], key=lambda p: p["name"]):
    print("%s==%s" % (p["name"], p["version"]))' "$1"
}

# resolve SET: resolve one set over file://, note the time and outcome
resolve() {
	_t0=$(date +%s%N)
	cvlock resolve -r "$CORPUS/requirements/$1.in" \
		-o "$TRASH/locks/pylock.$1.toml" \
		--index-url "file://$IDX/simple/" $TARGET --no-cache \
		2>"$TRASH/err.$1"
	_rc=$?
	_t1=$(date +%s%N)
	echo "$_rc $(((_t1 - _t0) / 1000000))" >"$TRASH/time.$1"
	return $_rc
}

test_expect_success 'the corpus index has every project' '
	grep -q "\"projects\": 2101," "$IDX/manifest.json" &&
	test -f "$IDX/simple/numpy/index.json" &&
	test -f "$IDX/files/numpy/numpy-1.25.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.metadata"
'

# test_expect_known_bug DESC BODY: a check cvlock fails today because of a
# known bug (the bug report is next to KNOWN_BUGS).  Printed as TAP's
# "not ok ... # TODO" and not counted as a failure while it fails; once it
# passes it counts as a failure, so the marker is removed with the fix.
test_expect_known_bug() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.out.$test_count" 2>&1; then
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1 (known bug fixed? remove it from KNOWN_BUGS)"
	else
		echo "not ok $test_count - $1 # TODO known bug"
		sed 's/^/#   /' "$TRASH/.out.$test_count" | head -n 10
	fi
}
# KNOWN_BUGS: the sets checked with test_expect_known_bug, space-separated,
# each with a comment saying what is wrong and where.  None today (all-kinds
# was here until resolve refused direct references instead of resolving them
# from the index, 0171ee6).
KNOWN_BUGS=" "

unsat=" $(expected_unsat | tr '\n' ' ') "
for s in $SETS; do
	t=test_expect_success
	case "$KNOWN_BUGS" in *" $s "*) t=test_expect_known_bug ;; esac
	case "$unsat" in
	*" $s "*)
		$t "$s: no solution, explained" '
			st=$(unsat_status "$s") &&
			test_expect_code "$st" resolve "$s" &&
			test ! -e "$TRASH/locks/pylock.$s.toml" &&
			if test "$st" = 1; then
				head -n 1 "$TRASH/err.$s" |
					grep -qx "error: no solution:"
			fi &&
			grep -E -e "$(unsat_pattern "$s")" "$TRASH/err.$s"
		'
		;;
	*)
		$t "$s: resolves" '
			resolve "$s" &&
			grep "^Resolved [0-9]* packages\{0,1\} in" "$TRASH/err.$s"
		'
		;;
	esac
done

test_expect_success 'every lockfile passes the independent check (verify.py)' '
	pairs= &&
	for s in $SETS; do
		case "$KNOWN_BUGS" in *" $s "*) continue ;; esac
		if test -f "$TRASH/locks/pylock.$s.toml"; then
			pairs="$pairs $CORPUS/requirements/$s.in $TRASH/locks/pylock.$s.toml"
		fi
	done &&
	test -n "$pairs" &&
	"$VERIFY_PYTHON" "$CORPUS/verify.py" -v "$DATA" $pairs >problems &&
	test_cmp /dev/null problems
'

test_expect_success 'pip-results.txt and expected-unsat.txt cover the sets' '
	for s in $SETS; do
		test -n "$(pip_outcome "$s")" ||
			{ echo "pip-results.txt has no line for $s"; exit 1; }
	done &&
	for s in $(expected_unsat); do
		test -f "$CORPUS/requirements/$s.in" ||
			{ echo "expected-unsat.txt names no set: $s"; exit 1; }
	done
'

test_expect_success 'where pip finds a solution, cvlock finds one' '
	for s in $SETS; do
		if test "$(pip_outcome "$s")" = solved &&
			! test -f "$TRASH/locks/pylock.$s.toml"; then
			echo "pip solves $s, cvlock does not:" && cat "$TRASH/err.$s"
			exit 1
		fi
	done
'

test_expect_success 'the sets cvlock cannot solve, pip cannot either' '
	for s in $(expected_unsat); do
		test "$(pip_outcome "$s")" = failed ||
			{ echo "pip: $s $(pip_outcome "$s")"; exit 1; }
	done
'

# the versions that differ from pip's: reported, not failed
for s in $SETS; do
	test "$(pip_outcome "$s")" = solved || continue
	test -f "$TRASH/locks/pylock.$s.toml" || continue
	pip_pins "$s" | sort >"$TRASH/pip.$s"
	lock_pins "$TRASH/locks/pylock.$s.toml" | sort >"$TRASH/cvl.$s"
	if ! cmp -s "$TRASH/pip.$s" "$TRASH/cvl.$s"; then
		echo "# $s: cvlock and pip differ (- pip, + cvlock):"
		diff "$TRASH/pip.$s" "$TRASH/cvl.$s" | grep '^[<>]' |
			sed 's/^</#   -/; s/^>/#   +/'
	fi
done

test_expect_success 'over HTTP (server.py) the same versions as over file://' '
	start_index_server "$IDX" &&
	cvlock resolve -r "$CORPUS/requirements/jupyter.in" -o pylock.toml \
		--index-url "$(index_url)" $TARGET --no-cache --retries 0 \
		2>err &&
	lock_pins pylock.toml >http &&
	lock_pins "$TRASH/locks/pylock.jupyter.toml" >file &&
	test_cmp file http &&
	"$VERIFY_PYTHON" "$CORPUS/verify.py" "$DATA" \
		"$CORPUS/requirements/jupyter.in" pylock.toml
'

# The verifier itself: a hand-written lock, then one fault at a time.
write_good_lock() {
	cat >"$1" <<-\EOF
	lock-version = "1.0"
	created-by = "hand"

	[[packages]]
	name = "certifi"
	version = "2023.7.22"

	[[packages]]
	name = "charset-normalizer"
	version = "3.2.0"

	[[packages]]
	name = "idna"
	version = "3.4"

	[[packages]]
	name = "requests"
	version = "2.31.0"

	[[packages]]
	name = "urllib3"
	version = "1.26.16"
	EOF
}
verify_one() {
	"$VERIFY_PYTHON" "$CORPUS/verify.py" "$DATA" "$1" "$2" >problems
}

test_expect_success 'verify.py: a correct lock passes' '
	echo "requests>=2" >r.in &&
	write_good_lock good.toml &&
	verify_one r.in good.toml &&
	test_cmp /dev/null problems
'

test_expect_success 'verify.py: unsatisfied, missing, twice, unreachable, unknown' '
	write_good_lock bad.toml &&
	sed -i "/^name = \"idna\"/{n;s/3.4/2.0/}" bad.toml &&
	test_expect_code 1 verify_one r.in bad.toml &&
	grep -x "r: requests 2.31.0 requires .idna<4,>=2.5., but idna 2.0 is locked" problems &&
	write_good_lock bad.toml &&
	sed -i "/^\[\[packages\]\]\$/{N;/idna/{N;d}}" bad.toml &&
	! grep idna bad.toml &&
	test_expect_code 1 verify_one r.in bad.toml &&
	grep -x "r: requests 2.31.0 requires .idna<4,>=2.5., but idna is not locked" problems &&
	write_good_lock bad.toml &&
	printf "[[packages]]\nname = \"certifi\"\nversion = \"2022.12.7\"\n" >>bad.toml &&
	test_expect_code 1 verify_one r.in bad.toml &&
	grep -x "r: certifi is locked twice: 2023.7.22 and 2022.12.7" problems &&
	write_good_lock bad.toml &&
	printf "[[packages]]\nname = \"six\"\nversion = \"1.16.0\"\n" >>bad.toml &&
	test_expect_code 1 verify_one r.in bad.toml &&
	grep -x "r: six 1.16.0 is locked but nothing requires it" problems &&
	write_good_lock bad.toml &&
	sed -i "s/2023.7.22/2099.1.1/" bad.toml &&
	test_expect_code 1 verify_one r.in bad.toml &&
	grep -x "r: certifi 2099.1.1 is locked but the corpus has no such version" problems
'

test_expect_success 'verify.py: roots, markers, extras, Requires-Python, wheels' '
	write_good_lock good.toml &&
	echo "requests<2" >old.in &&
	test_expect_code 1 verify_one old.in good.toml &&
	grep -x "old: the root (old.in:1) requires .requests<2., but requests 2.31.0 is locked" problems &&
	printf "requests>=2\nsix; sys_platform == \"win32\"\n" >m.in &&
	verify_one m.in good.toml &&
	echo "requests[socks]" >x.in &&
	test_expect_code 1 verify_one x.in good.toml &&
	grep "^x: requests\[socks\] 2.31.0 requires .PySocks!=1.5.7,>=1.5.6; extra == .socks.., but pysocks is not locked" problems &&
	echo "requests @ https://example.invalid/requests-2.31.0-py3-none-any.whl" >u.in &&
	test_expect_code 1 verify_one u.in good.toml &&
	grep "^u: the root (u.in:1) requires .requests@ https://example.invalid/requests-2.31.0-py3-none-any.whl., but requests 2.31.0 is not locked from that url" problems &&
	write_good_lock bad.toml &&
	printf "[[packages]]\nname = \"numpy\"\nversion = \"1.21.6\"\n" >>bad.toml &&
	printf "requests\nnumpy\n" >p.in &&
	test_expect_code 1 verify_one p.in bad.toml &&
	grep -x "p: numpy 1.21.6 requires Python >=3.7,<3.11, not 3.11.0" problems &&
	grep -x "p: numpy 1.21.6 has no wheel for the target (of 30)" problems &&
	test "$(wc -l <problems)" -eq 2
'

# the table: set, outcome, packages, milliseconds, pip's outcome
echo "# set                  cvlock   packages     ms  pip"
for s in $SETS; do
	read -r rc ms <"$TRASH/time.$s" 2>/dev/null || { rc=-; ms=-; }
	n=$(sed -n 's/^Resolved \([0-9]*\) package.*/\1/p' "$TRASH/err.$s" 2>/dev/null)
	case $rc in 0) o=solved ;; 1) o=no-sol ;; *) o="exit$rc" ;; esac
	printf '# %-22s %-8s %8s %6s  %s\n' "$s" "$o" "${n:--}" "$ms" \
		"$(pip_outcome "$s")"
done

test_done
