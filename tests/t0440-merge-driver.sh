#!/bin/sh
# cvlock merge-driver in a real git repository: two branches that both
# change pylock.toml merge into a valid lockfile holding both changes;
# inputs that no longer resolve together leave git's conflict; bad
# arguments and lockfiles that are not cvlock's are refused.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

if ! command -v git >/dev/null 2>&1; then
	echo "1..0 # SKIP git is needed"
	exit 77
fi

DATA="$top_srcdir/tests/data/resolve"
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)
TARGET="--python-version 3.11 --platform manylinux_2_28_x86_64"

export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid \
	GIT_CONFIG_NOSYSTEM=1

# res [options]: resolve the repository's project
res() {
	# shellcheck disable=SC2086
	cvlock resolve . --index-url "$URL" $TARGET --no-cache --retries 0 "$@"
}

# version NAME: the locked version of NAME in pylock.toml
version() {
	sed -n "/^name = \"$1\"\$/{n;s/^version = \"\(.*\)\"\$/\1/p;}" pylock.toml
}

test_expect_success 'setup: a repository whose lockfile pins old versions' '
	git init -q -b main repo && cd repo &&
	git config merge.cvlock.name "cvlock lockfile merge" &&
	git config merge.cvlock.driver \
		"\"$CVLOCK\" merge-driver --no-cache --retries 0 %O %A %B %P" &&
	echo "pylock.toml merge=cvlock" >.gitattributes &&
	cp "$DATA/pyproject.toml" . &&
	printf "beta==1.0\ngamma==1.0\n" >../pins.txt &&
	res -c ../pins.txt 2>/dev/null &&
	res 2>/dev/null &&
	test "$(version beta)" = 1.0 && test "$(version gamma)" = 1.0 &&
	grep -q "^requirements = " pylock.toml &&
	git add . && git commit -q -m base
'

test_expect_success 'both branches upgrade a different package: both kept' '
	cd repo &&
	git checkout -q -b up-gamma &&
	res --upgrade-package gamma 2>/dev/null &&
	test "$(version gamma)" = 2.0 &&
	git commit -q -am "upgrade gamma" &&
	git checkout -q -b up-beta main &&
	res --upgrade-package beta 2>/dev/null &&
	test "$(version beta)" = 2.0 && test "$(version gamma)" = 1.0 &&
	git commit -q -am "upgrade beta" &&
	git merge -q --no-edit up-gamma 2>err &&
	cat err &&
	grep "merged pylock.toml" err &&
	! grep -q "^<<<<<<<" pylock.toml &&
	test "$(version beta)" = 2.0 && test "$(version gamma)" = 2.0 &&
	cvlock lock verify pylock.toml &&
	git diff --quiet HEAD -- pylock.toml
'

test_expect_success 'the merged lock is what resolving the merged inputs gives' '
	cd repo &&
	cp pylock.toml ../merged.toml &&
	res 2>/dev/null &&
	cmp ../merged.toml pylock.toml
'

test_expect_success 'a requirement added on each side: the union is resolved' '
	cd repo &&
	git checkout -q -b add-delta main &&
	sed -i "s/\"alpha\", /\"alpha\", \"delta\", /" pyproject.toml &&
	res 2>/dev/null && git commit -q -am "add delta" &&
	git checkout -q -b add-dev main &&
	sed -i "s/\"gamma<2.1\"/\"gamma<2.1\", \"zeta\"/" pyproject.toml &&
	res 2>/dev/null && git commit -q -am "add zeta to dev" &&
	git merge -q --no-edit add-delta 2>err &&
	grep -q "\"delta\"" pylock.toml &&
	test -n "$(version delta)" &&
	grep "^requirements = .*\"delta\"" pylock.toml &&
	cvlock lock verify pylock.toml
'

test_expect_success 'merged inputs without a solution: git conflict, exit 1' '
	cd repo &&
	git checkout -q -b need-delta main &&
	sed -i "s/\"alpha\", /\"alpha\", \"delta\", /" pyproject.toml &&
	res 2>/dev/null && git commit -q -am "add delta" &&
	git checkout -q -b need-beta2 main &&
	sed -i "s/\"zeta\"\]/\"zeta\", \"beta>=2\"]/" pyproject.toml &&
	res 2>/dev/null && git commit -q -am "need beta>=2" &&
	test_expect_code 1 git merge -q --no-edit need-delta >out 2>err;
	cat out err &&
	grep "cvlock merge-driver: cannot merge pylock.toml: the merged requirements do not resolve" err &&
	grep -q "^<<<<<<< ours" pylock.toml &&
	git merge --abort
'

test_expect_success 'run by hand: usage errors and a foreign lockfile' '
	test_expect_code 2 cvlock merge-driver a b 2>err &&
	grep "takes BASE OURS THEIRS" err &&
	cd repo && git checkout -q main &&
	cp pylock.toml o.toml && cp pylock.toml a.toml &&
	sed "/^requirements = /d" pylock.toml >b.toml &&
	test_expect_code 1 cvlock merge-driver o.toml a.toml b.toml 2>err &&
	grep "records no requirements" err &&
	echo "[[packages]" >bad.toml &&
	test_expect_code 1 cvlock merge-driver o.toml bad.toml b.toml 2>err &&
	grep "cannot merge pylock.toml" err
'

test_done
