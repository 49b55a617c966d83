#!/bin/sh
# cvlock resolve writes the lockfile before it prints anything about it:
# with stderr closed (2>&-) or a pipe whose reader is gone (SIGPIPE), the
# lockfile is still written whole, the same bytes as with a terminal.
. "$top_srcdir/tests/test-lib.sh"
. "$top_srcdir/tests/lib/index-lib.sh"

DATA="$top_srcdir/tests/data/resolve"
make_index "$DATA/index.json" idx || exit 1
start_index_server idx || exit 1
URL=$(index_url)

# a project with changes to report, and its lockfile from a normal run
new_project() {
	mkdir -p "$1" && cp "$DATA/pyproject.toml" "$1/"
}

cat >run-closed-pipe.py <<\EOF
# run-closed-pipe.py CMD...: run CMD with stderr a pipe nobody reads
# (SIGPIPE back to its default); print how it ended
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stderr=w, stdout=subprocess.DEVNULL)
print("signal %d" % -p.returncode if p.returncode < 0
      else "exit %d" % p.returncode)
EOF

test_expect_success 'the reference lockfile, and what stderr says' '
	new_project ref &&
	cvlock resolve ref --index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --no-cache 2>err &&
	grep -q "^Added alpha" err &&
	test -s ref/pylock.toml
'

test_expect_success 'stderr closed: exit 0, the lockfile whole' '
	new_project closed &&
	cvlock resolve closed --index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --no-cache 2>&- &&
	cmp ref/pylock.toml closed/pylock.toml
'

test_expect_success 'stderr closed and an update: the new lockfile whole' '
	sed "s/\"eps\"/\"eps\", \"beta<2\"/" closed/pyproject.toml >tmp &&
	mv tmp closed/pyproject.toml &&
	cvlock resolve closed --index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --no-cache 2>&- &&
	grep -q "^version = \"1.1\"" closed/pylock.toml &&
	cvlock lock verify closed/pylock.toml >out 2>&1 &&
	! ls closed | grep -v "^pylock.toml$" | grep -v "^pyproject.toml$"
'

test_expect_success 'stderr a closed pipe: SIGPIPE after the write' '
	new_project piped &&
	"$PYTHON" run-closed-pipe.py "$CVLOCK" resolve piped \
		--index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --no-cache >how &&
	echo "signal 13" >expect &&
	test_cmp expect how &&
	cmp ref/pylock.toml piped/pylock.toml &&
	! ls piped | grep -v "^pylock.toml$" | grep -v "^pyproject.toml$"
'

test_expect_success 'a closed pipe and an error: the error status, no file' '
	new_project bad &&
	printf "[project]\nname = \"b\"\nversion = \"0\"\n%s\n" \
		"dependencies = [\"nosuch\"]" >bad/pyproject.toml &&
	"$PYTHON" run-closed-pipe.py "$CVLOCK" resolve bad \
		--index-url "$URL" --python-version 3.11 \
		--platform manylinux_2_28_x86_64 --no-cache >how &&
	grep -q "^signal 13$\|^exit 1$" how &&
	test ! -e bad/pylock.toml
'

test_done
