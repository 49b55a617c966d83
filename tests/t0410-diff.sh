#!/bin/sh
# cvlock diff end to end: two lockfiles resolved by cvlock from the test
# index (tests/data/diff/index.json served by tests/lib/server.py) between
# which requirements changed, a package with only an sdist came in, one
# wheel was rebuilt (same version, another hash), one package moved to a
# second index and the target Python changed; the three formats compared
# whole with tests/data/diff/expect.*; --exit-code and --color; --git in a
# real repository (REV, REV1..REV2, REV1...REV2, a subdirectory, a file
# missing at a revision or in the work tree); bad input.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/diff"
make_index "$DATA/index.json" idx-old || exit 1
# the new index: delta's wheel rebuilt with padding (same version)
sed 's/"pad": 0/"pad": 100/' "$DATA/index.json" >new.json &&
	make_index new.json idx-new || exit 1
make_index "$DATA/theta-index.json" idx-theta || exit 1
cp -R idx-old idx || exit 1
start_index_server idx || exit 1
start_index_server --name theta idx-theta || exit 1
URL=$(index_url)
TARGET="--platform manylinux_2_28_x86_64 --no-cache --retries 0"
DELTA=delta/delta-1.0-py3-none-any.whl

# expand <IN >OUT: the expected output with this run's ports and hashes
expand() {
	sed -e "s|@URL@|$(server_url)|g" -e "s|@URL2@|$(server_url theta)|g" \
		-e "s|@OLDHASH@|$(sha256sum <"idx-old/files/$DELTA" | cut -d" " -f1)|g" \
		-e "s|@NEWHASH@|$(sha256sum <"idx-new/files/$DELTA" | cut -d" " -f1)|g"
}

test_expect_success 'two lockfiles resolved from the test index' '
	mkdir old new &&
	cp "$DATA/old.pyproject.toml" old/pyproject.toml &&
	cp "$DATA/new.pyproject.toml" new/pyproject.toml &&
	cvlock resolve old --index-url "$URL" --python-version 3.11 \
		$TARGET 2>err &&
	rm -rf idx && cp -R idx-new idx &&
	cvlock resolve new --index-url "$(index_url theta)" \
		--extra-index-url "$URL" --python-version 3.12 $TARGET 2>err &&
	grep -q "^name = \"zeta\"" new/pylock.toml &&
	! cmp -s "idx-old/files/$DELTA" "idx-new/files/$DELTA"
'

test_expect_success 'text: every kind of change, via, risks, summary' '
	cvlock diff old/pylock.toml new/pylock.toml >out &&
	expand <"$DATA/expect.txt" >expect &&
	test_cmp expect out
'

test_expect_success 'markdown: the table and the risks, ready to post' '
	cvlock diff --format markdown old/pylock.toml new/pylock.toml >out &&
	expand <"$DATA/expect.md" >expect &&
	test_cmp expect out
'

test_expect_success 'json: stable keys, hashes of the changed file' '
	cvlock diff --format=json old/pylock.toml new/pylock.toml >out &&
	expand <"$DATA/expect.json" >expect &&
	test_cmp expect out &&
	"$PYTHON" -c "import json,sys; json.load(open(sys.argv[1]))" out
'

test_expect_success 'reversed: the same changes the other way' '
	cvlock diff new/pylock.toml old/pylock.toml >out &&
	grep "^  downgraded  alpha  1.1 -> 1.0 " out &&
	grep "^  added       eps    1.0 " out &&
	grep "^  removed     zeta   1.0 " out &&
	grep "^  upgraded    kappa  1.2.2 -> 1.2.3  patch " out &&
	! grep "sdist" out &&
	tail -n 1 out >last &&
	echo "1 added, 2 removed, 1 upgraded, 3 downgraded, 2 changed, 0 unchanged; 4 risks" >expect &&
	test_cmp expect last
'

test_expect_success 'no changes: exit 0, also with --exit-code' '
	cvlock diff old/pylock.toml old/pylock.toml >out &&
	printf "%s\n" "--- old/pylock.toml" "+++ old/pylock.toml" "no changes" >expect &&
	test_cmp expect out &&
	cvlock diff --exit-code old/pylock.toml old/pylock.toml >out &&
	test_cmp expect out &&
	cvlock diff --exit-code --format markdown old/pylock.toml old/pylock.toml >out &&
	echo "**cvlock diff** \`old/pylock.toml\` -> \`old/pylock.toml\`: no changes" >expect &&
	test_cmp expect out
'

test_expect_success '--exit-code: 1 when the lockfiles differ, output unchanged' '
	cvlock diff old/pylock.toml new/pylock.toml >plain &&
	test_expect_code 1 cvlock diff --exit-code old/pylock.toml new/pylock.toml >out &&
	test_cmp plain out &&
	test_expect_code 1 cvlock diff --exit-code --format json \
		old/pylock.toml new/pylock.toml >/dev/null
'

test_expect_success '--color: always colours, never and a pipe do not' '
	cvlock diff --color always old/pylock.toml new/pylock.toml >out &&
	grep -q "$(printf "\033")\[36mupgraded$(printf "\033")\[m" out &&
	NO_COLOR=1 cvlock diff --color=always old/pylock.toml new/pylock.toml >out2 &&
	test_cmp out out2 &&
	cvlock diff --color never old/pylock.toml new/pylock.toml >out &&
	! grep -q "$(printf "\033")" out &&
	cvlock diff old/pylock.toml new/pylock.toml >out &&
	! grep -q "$(printf "\033")" out &&
	cvlock diff --color always --format markdown old/pylock.toml new/pylock.toml >out &&
	! grep -q "$(printf "\033")" out
'

if command -v script >/dev/null 2>&1; then
test_expect_success '--color auto: colours on a terminal, not with NO_COLOR or --no-color' '
	script -qec "\"$CVLOCK\" diff old/pylock.toml new/pylock.toml" tty.log \
		</dev/null >/dev/null &&
	grep -q "$(printf "\033")\[32madded" tty.log &&
	NO_COLOR=1 script -qec "\"$CVLOCK\" diff old/pylock.toml new/pylock.toml" \
		tty2.log </dev/null >/dev/null &&
	grep -q "^  added" tty2.log &&
	! grep -q "$(printf "\033")\[32m" tty2.log &&
	script -qec "\"$CVLOCK\" --no-color diff old/pylock.toml new/pylock.toml" \
		tty3.log </dev/null >/dev/null &&
	grep -q "^  added" tty3.log &&
	! grep -q "$(printf "\033")\[32m" tty3.log
'
fi

if command -v git >/dev/null 2>&1; then
# git finds no repository above the trash directory (a build directory
# may sit inside cvlock's own work tree)
GIT_CEILING_DIRECTORIES=$(dirname "$TRASH")
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com \
	GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES

# rev_labels OLD NEW <expect.txt: the text expectation with other labels
rev_labels() {
	sed -e "1s|.*|--- $1|" -e "2s|.*|+++ $2|"
}

test_expect_success '--git: a repository with two commits of the lockfile' '
	git init -q repo &&
	mkdir repo/app &&
	echo "# project" >repo/README &&
	git -C repo add README &&
	git -C repo commit -q -m "no lockfile yet" &&
	cp old/pylock.toml repo/app/pylock.toml &&
	git -C repo add app/pylock.toml &&
	git -C repo commit -q -m old &&
	git -C repo branch base &&
	cp new/pylock.toml repo/app/pylock.toml &&
	git -C repo commit -q -a -m new
'

test_expect_success '--git REV1..REV2 FILE, from the top of the work tree' '
	(cd repo && cvlock diff --git HEAD~1..HEAD app/pylock.toml) >out &&
	expand <"$DATA/expect.txt" |
		rev_labels HEAD~1:app/pylock.toml HEAD:app/pylock.toml >expect &&
	test_cmp expect out
'

test_expect_success '--git REV from a subdirectory: FILE defaults to pylock.toml' '
	(cd repo/app && cvlock diff --git HEAD~1) >out &&
	expand <"$DATA/expect.txt" |
		rev_labels HEAD~1:pylock.toml pylock.toml >expect &&
	test_cmp expect out &&
	(cd repo/app && cvlock diff --git HEAD --exit-code) >out &&
	printf "%s\n" "--- HEAD:pylock.toml" "+++ pylock.toml" "no changes" >expect &&
	test_cmp expect out
'

test_expect_success '--git: the work tree side, FILE through ..' '
	mkdir repo/docs &&
	cp old/pylock.toml repo/app/pylock.toml &&
	(cd repo/docs && test_expect_code 1 cvlock diff --git HEAD ../app/pylock.toml \
		--exit-code --format json) >out &&
	grep "\"old\": \"HEAD:../app/pylock.toml\"" out &&
	grep "\"new\": \"../app/pylock.toml\"" out &&
	grep -A2 "\"name\": \"zeta\"" out | grep "\"change\": \"removed\"" &&
	git -C repo checkout -q -- app/pylock.toml
'

test_expect_success '--git A...B: from the merge base (what a branch changes)' '
	(cd repo && cvlock diff --git base...HEAD app/pylock.toml) >out &&
	expand <"$DATA/expect.txt" |
		rev_labels base...HEAD:app/pylock.toml HEAD:app/pylock.toml >expect &&
	test_cmp expect out &&
	(cd repo && cvlock diff --git ..base app/pylock.toml --format markdown) >out &&
	grep "^\*\*cvlock diff\*\* \`HEAD:app/pylock.toml\` -> \`base:app/pylock.toml\`" out
'

test_expect_success '--git: a lockfile missing at a revision: everything added' '
	(cd repo && cvlock diff --git HEAD~2..HEAD~1 app/pylock.toml) >out &&
	sed -n "1,3p" out >head &&
	printf "%s\n" "--- HEAD~2:app/pylock.toml" "+++ HEAD~1:app/pylock.toml" \
		"requirements:" >expect &&
	test_cmp expect head &&
	tail -n 1 out >last &&
	echo "7 added, 0 removed, 0 upgraded, 0 downgraded, 0 changed, 0 unchanged; 0 risks" >expect &&
	test_cmp expect last
'

test_expect_success '--git: missing in the work tree: everything removed' '
	rm repo/app/pylock.toml &&
	(cd repo && cvlock diff --git HEAD app/pylock.toml) >out &&
	tail -n 1 out >last &&
	echo "0 added, 8 removed, 0 upgraded, 0 downgraded, 0 changed, 0 unchanged; 0 risks" >expect &&
	test_cmp expect last &&
	git -C repo checkout -q -- app/pylock.toml
'

test_expect_success '--git: bad revisions and files' '
	(cd repo && test_expect_code 2 cvlock diff --git nosuchrev app/pylock.toml) 2>err &&
	printf "%s\n" "error: unknown revision '\''nosuchrev'\''" \
		"hint: name a commit, a branch or a tag ('\''git log'\'' lists them)" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD~1..nosuch app/pylock.toml) 2>err &&
	grep "^error: unknown revision '\''nosuch'\''$" err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD nothere.toml) 2>err &&
	printf "%s\n" "error: '\''nothere.toml'\'' is neither in '\''HEAD:nothere.toml'\'' nor in the work tree" \
		"hint: name the lockfile: cvlock diff --git HEAD FILE" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD ../x.toml) 2>err &&
	echo "error: '\''../x.toml'\'' is outside the repository" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD app) 2>err &&
	echo "error: '\''HEAD:app'\'' is not a file (git has a tree there)" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD a b) 2>err &&
	grep "takes one FILE, got '\''b'\'' too" err &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD /abs/pylock.toml) 2>err &&
	grep "relative to the current directory" err &&
	test_expect_code 2 cvlock diff --git HEAD 2>err &&
	grep "^error: cannot use --git here: not a git repository" err &&
	grep "^hint: run it inside a git work tree, or name two files$" err
'

test_expect_success '--git: a lockfile that does not read at a revision' '
	echo "lock-version = 1" >repo/app/pylock.toml &&
	git -C repo commit -q -a -m broken &&
	(cd repo && test_expect_code 2 cvlock diff --git HEAD~1..HEAD app/pylock.toml) >out 2>err &&
	test ! -s out &&
	echo "error: lockfile '\''HEAD:app/pylock.toml'\'' is not valid: 3 errors" >expect &&
	printf "%s\n" \
		"HEAD:app/pylock.toml:1:1: missing key '\''created-by'\'' in the lockfile" \
		"HEAD:app/pylock.toml:1:1: missing key '\''packages'\'' in the lockfile" \
		"HEAD:app/pylock.toml:1:16: '\''lock-version'\'' must be a string, not an integer" \
		>>expect &&
	test_cmp expect err
'
else
	echo "# skipping the --git tests: no git"
fi

test_expect_success 'bad input: a lockfile that does not read, exit 2' '
	printf "lock-version = \"1.0\"\ncreated-by = \"x\"\n[[packages]]\nname = \"Foo_Bar\"\n" >bad.toml &&
	test_expect_code 2 cvlock diff old/pylock.toml bad.toml >out 2>err &&
	test ! -s out &&
	grep "^error: lockfile '\''bad.toml'\'' is not valid: " err &&
	grep "^bad.toml:4:8: package name '\''Foo_Bar'\'' is not normalized" err &&
	grep "^hint: '\''cvlock lock verify bad.toml'\'' checks it$" err
'

test_expect_success 'bad input: missing files, usage errors' '
	test_expect_code 2 cvlock diff old/pylock.toml nosuch.toml 2>err &&
	grep "nosuch.toml" err &&
	test_expect_code 2 cvlock diff old/pylock.toml 2>err &&
	printf "%s\n" "error: '\''cvlock diff'\'' takes two lockfiles (OLD NEW), got 1" \
		"hint: or compare with a git revision: cvlock diff --git HEAD [FILE]" >expect &&
	test_cmp expect err &&
	test_expect_code 2 cvlock diff --format yaml old/pylock.toml new/pylock.toml 2>err &&
	printf "%s\n" "error: unknown format '\''yaml'\''" \
		"hint: expected '\''text'\'', '\''markdown'\'' or '\''json'\''" >expect &&
	test_cmp expect err &&
	test_expect_code 2 cvlock diff --color sometimes a b 2>err &&
	grep "^error: unknown --color value '\''sometimes'\''" err &&
	test_expect_code 2 cvlock diff --git "" 2>err &&
	grep "^error: '\''--git'\'' needs a revision" err &&
	test_expect_code 2 cvlock diff --nope 2>err &&
	grep "^error: unknown option '\''--nope'\''" err
'

test_expect_success 'help' '
	cvlock diff --help >out &&
	grep "^usage: cvlock diff OLD NEW | --git REV \[FILE\]" out &&
	grep -- "--exit-code" out &&
	cvlock --help >out &&
	grep "diff" out
'

test_done
