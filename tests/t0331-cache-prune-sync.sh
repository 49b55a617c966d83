#!/bin/sh
# cvlock cache prune and what killed syncs leave in the cache: download
# temporary files (wheels-v1/xx/<sha>.whl.tmp-PID-N), unpack temporary
# directories (unpacked-v1/xx/<sha>.tmp-XXXXXX) and damaged trees moved
# aside (unpacked-v1/xx/<sha>.damaged-PID-N) are removed once not modified
# for an hour; fresh ones (a sync at work), the wheels, the unpacked trees,
# their .sealed marks and names that only look alike stay.
. "$top_srcdir/tests/test-lib.sh"

SHA=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
SHB=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210

# a cache as syncs leave it; OLD entries last modified two hours ago
make_cache() {
	_c=$1
	mkdir -p "$_c/wheels-v1/01" "$_c/wheels-v1/fe" \
		"$_c/unpacked-v1/01/$SHA/pkg" "$_c/unpacked-v1/fe" &&
	echo wheel >"$_c/wheels-v1/01/$SHA.whl" &&
	echo torn >"$_c/wheels-v1/01/$SHA.whl.tmp-4242-0" &&
	echo busy >"$_c/wheels-v1/fe/$SHB.whl.tmp-4343-1" &&
	echo x >"$_c/unpacked-v1/01/$SHA/pkg/__init__.py" &&
	: >"$_c/unpacked-v1/01/$SHA.sealed" &&
	mkdir -p "$_c/unpacked-v1/01/$SHA.tmp-Ab12Cd/pkg/sub" &&
	echo 12345 >"$_c/unpacked-v1/01/$SHA.tmp-Ab12Cd/pkg/sub/m.py" &&
	echo 1 >"$_c/unpacked-v1/01/$SHA.tmp-Ab12Cd/pkg/a.py" &&
	mkdir -p "$_c/unpacked-v1/01/$SHA.damaged-4242-0/pkg" &&
	echo 123 >"$_c/unpacked-v1/01/$SHA.damaged-4242-0/pkg/x.py" &&
	mkdir -p "$_c/unpacked-v1/fe/$SHB.tmp-Zz99Yy/pkg" &&
	echo busy >"$_c/unpacked-v1/fe/$SHB.tmp-Zz99Yy/pkg/y.py" &&
	mkdir -p "$_c/unpacked-v1/fe/notahash.tmp-Qq11Ww" &&
	echo keep >"$_c/wheels-v1/fe/$SHB.whl.tmp-" &&
	mkdir -p "$_c/other/01" &&
	echo mine >"$_c/other/01/$SHA.whl.tmp-1-1" &&
	for f in "$_c/wheels-v1/01/$SHA.whl" \
		"$_c/wheels-v1/01/$SHA.whl.tmp-4242-0" \
		"$_c/unpacked-v1/01/$SHA" "$_c/unpacked-v1/01/$SHA.sealed" \
		"$_c/unpacked-v1/01/$SHA.tmp-Ab12Cd" \
		"$_c/unpacked-v1/01/$SHA.damaged-4242-0" \
		"$_c/unpacked-v1/fe/notahash.tmp-Qq11Ww" \
		"$_c/wheels-v1/fe/$SHB.whl.tmp-" \
		"$_c/other/01/$SHA.whl.tmp-1-1"
	do
		touch -d "2 hours ago" "$f" || return 1
	done
}

test_expect_success 'prune removes the stale leftovers, and only them' '
	make_cache c &&
	cvlock cache prune --cache-dir c >out &&
	echo "removed 4 files (17 B) from c" >expect &&
	test_cmp expect out &&
	(cd c && find . | LC_ALL=C sort) >actual &&
	cat >expect <<-EOF &&
	.
	./other
	./other/01
	./other/01/$SHA.whl.tmp-1-1
	./unpacked-v1
	./unpacked-v1/01
	./unpacked-v1/01/$SHA
	./unpacked-v1/01/$SHA.sealed
	./unpacked-v1/01/$SHA/pkg
	./unpacked-v1/01/$SHA/pkg/__init__.py
	./unpacked-v1/fe
	./unpacked-v1/fe/$SHB.tmp-Zz99Yy
	./unpacked-v1/fe/$SHB.tmp-Zz99Yy/pkg
	./unpacked-v1/fe/$SHB.tmp-Zz99Yy/pkg/y.py
	./unpacked-v1/fe/notahash.tmp-Qq11Ww
	./wheels-v1
	./wheels-v1/01
	./wheels-v1/01/$SHA.whl
	./wheels-v1/fe
	./wheels-v1/fe/$SHB.whl.tmp-
	./wheels-v1/fe/$SHB.whl.tmp-4343-1
	EOF
	test_cmp expect actual
'

test_expect_success 'an hour later the other sync is dead too: all gone' '
	touch -d "2 hours ago" "c/wheels-v1/fe/$SHB.whl.tmp-4343-1" \
		"c/unpacked-v1/fe/$SHB.tmp-Zz99Yy" &&
	cvlock cache prune --cache-dir c >out &&
	echo "removed 2 files (10 B) from c" >expect &&
	test_cmp expect out &&
	test ! -e "c/wheels-v1/fe/$SHB.whl.tmp-4343-1" &&
	test ! -e "c/unpacked-v1/fe/$SHB.tmp-Zz99Yy" &&
	test -f "c/wheels-v1/01/$SHA.whl"
'

test_expect_success 'a symbolic link in a leftover is removed, not followed' '
	mkdir -p outside c/unpacked-v1/01/$SHA.tmp-Link11 &&
	echo precious >outside/file &&
	ln -s "$TRASH/outside" "c/unpacked-v1/01/$SHA.tmp-Link11/link" &&
	touch -d "2 hours ago" "c/unpacked-v1/01/$SHA.tmp-Link11" &&
	cvlock cache prune --cache-dir c >/dev/null &&
	test ! -e "c/unpacked-v1/01/$SHA.tmp-Link11" &&
	test -f outside/file
'

test_expect_success 'no sync directories, or none at all: nothing to do' '
	mkdir empty &&
	cvlock cache prune --cache-dir empty >out &&
	echo "removed 0 files (0 B) from empty" >expect &&
	test_cmp expect out &&
	cvlock cache prune --cache-dir nowhere >out &&
	test ! -e nowhere
'

test_expect_success 'an unreadable leftover: an error naming it' '
	test "$(id -u)" = 0 && exit 0
	make_cache d &&
	chmod 0 "d/unpacked-v1/01/$SHA.tmp-Ab12Cd" &&
	test_expect_code 3 cvlock cache prune --cache-dir d 2>err;
	s=$?
	chmod 755 "d/unpacked-v1/01/$SHA.tmp-Ab12Cd" &&
	test $s = 0 &&
	grep -q "^error: cannot remove .*$SHA.tmp-Ab12Cd" err
'

test_done
