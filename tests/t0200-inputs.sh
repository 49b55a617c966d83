#!/bin/sh
# cvlock inputs: the normalized inputs of pyproject.toml projects and pip
# requirements files, their hash, and exact errors for bad input.
# Fixtures in tests/data/inputs/, expected outputs in tests/data/inputs/expect/.
. "$top_srcdir/tests/test-lib.sh"

E="$top_srcdir/tests/data/inputs/expect"
for d in project project-reordered reqs reqs-reordered bad; do
	cp -R "$top_srcdir/tests/data/inputs/$d" . || exit 1
done
chmod -R u+w . 2>/dev/null
MIRROR_HOST=mirror.example.org
GUNICORN_VERSION=21.2.0
export MIRROR_HOST GUNICORN_VERSION

# hash_of FILE: the hash line of a text listing
hash_of() {
	sed -n 's/^hash: //p' "$1"
}

test_expect_success 'a project: optional dependencies, nested groups, [tool.cvlock]' '
	cvlock inputs project >out 2>err &&
	test_cmp "$E/project.txt" out &&
	test_cmp /dev/null err
'

test_expect_success 'a directory, its pyproject.toml and no argument agree' '
	cvlock inputs project/pyproject.toml >out &&
	test_cmp "$E/project.txt" out &&
	(cd project && cvlock inputs >../out2) &&
	sed "s|(project/|(|" "$E/project.txt" >expect &&
	test_cmp expect out2
'

test_expect_success 'the same project reordered, respelled and commented' '
	cvlock inputs project-reordered >out &&
	test_cmp "$E/project-reordered.txt" out
'

test_expect_success 'reordering, comments and whitespace keep the hash' '
	cvlock inputs project >a &&
	cvlock inputs project-reordered >b &&
	test -n "$(hash_of a)" &&
	test "$(hash_of a)" = "$(hash_of b)"
'

test_expect_success 'a change of meaning changes the hash' '
	mkdir -p changed &&
	sed "s/typer >= 0.9/typer >= 0.12/" project/pyproject.toml >changed/pyproject.toml &&
	cvlock inputs project >a &&
	cvlock inputs changed >b &&
	test "$(hash_of a)" != "$(hash_of b)" &&
	sed "s/extra-index-url = \[\"https/extra-index-url = [\"http/" project/pyproject.toml >changed/pyproject.toml &&
	cvlock inputs changed >c &&
	test "$(hash_of a)" != "$(hash_of c)"
'

test_expect_success 'JSON output' '
	cvlock inputs project --format json >out &&
	test_cmp "$E/project.json" out &&
	cvlock inputs project >text &&
	grep -q "\"hash\": \"$(hash_of text)\"" out
'

test_expect_success 'selecting extras and groups' '
	cvlock inputs project --no-default-groups --extra Fast_JSON --group lint >out &&
	test_cmp "$E/project-select.txt" out &&
	cvlock inputs project --all-extras --all-groups >out2 &&
	test_cmp "$E/project-all.txt" out2 &&
	test "$(hash_of out)" != "$(hash_of out2)"
'

test_expect_success 'an undefined extra or group: error, hint, exit 2' '
	test_expect_code 2 cvlock inputs project --extra nope >out 2>err &&
	test_cmp /dev/null out &&
	test_cmp "$E/err-extra.txt" err &&
	test_expect_code 2 cvlock inputs project --group nope 2>err &&
	test_cmp "$E/err-group.txt" err
'

test_expect_success 'requirements files: includes, constraints, continuations, ${VAR}, --hash' '
	cvlock inputs reqs/requirements.in >out 2>err &&
	test_cmp "$E/reqs.txt" out &&
	printf "warning: reqs/requirements.in:11: ignoring --hash (cvlock checks hashes from the index)\n" >expect &&
	test_cmp expect err
'

test_expect_success '-r and -c on the command line' '
	cvlock inputs -r reqs/requirements.in >out 2>/dev/null &&
	test_cmp "$E/reqs.txt" out &&
	cvlock inputs -r reqs/base/common.in -c reqs/constraints.txt >out &&
	test_cmp "$E/reqs-rc.txt" out
'

test_expect_success 'the same requirements reordered: same hash' '
	(cd reqs-reordered && cvlock inputs -r requirements.in >../out) &&
	test_cmp "$E/reqs-reordered.txt" out &&
	cvlock inputs reqs/requirements.in >a 2>/dev/null &&
	test "$(hash_of a)" = "$(hash_of out)"
'

test_expect_success 'requirements JSON output' '
	cvlock inputs reqs/requirements.in --format json >out 2>/dev/null &&
	test_cmp "$E/reqs.json" out
'

test_expect_success 'an unset variable: error with a hint, exit 2' '
	(unset GUNICORN_VERSION && test_expect_code 2 cvlock inputs reqs/requirements.in >out 2>err) &&
	test_cmp /dev/null out &&
	test_cmp "$E/err-unset-variable.txt" err
'

# Bad input: one error line "error: file:line:column: what is wrong" (and
# a hint where one helps), nothing on stdout, exit 2.
for c in malformed:bad/malformed \
	 invalid-requirement-toml:bad/invalid-requirement \
	 unknown-key:bad/unknown-key \
	 group-cycle:bad/group-cycle \
	 dynamic:bad/dynamic \
	 missing-include:bad/missing-include.in \
	 include-cycle:bad/cycle-a.in \
	 editable:bad/editable.in \
	 invalid-requirement:bad/invalid-requirement.in \
	 missing-file:bad/nonexistent.in
do
	name=${c%%:*}
	path=${c#*:}
	test_expect_success "bad input: $name" "
		test_expect_code 2 cvlock inputs $path >out 2>err &&
		test_cmp /dev/null out &&
		test_cmp \"\$E/err-$name.txt\" err
	"
done

test_expect_success 'a directory without pyproject.toml' '
	mkdir -p empty &&
	test_expect_code 2 cvlock inputs empty 2>err &&
	printf "error: no pyproject.toml in '\''empty'\''\nhint: give a project directory, a pyproject.toml, or requirements files with -r FILE\n" >expect &&
	test_cmp expect err
'

test_expect_success 'usage errors' '
	test_expect_code 2 cvlock inputs project reqs 2>err &&
	grep "^error: unexpected argument '\''reqs'\''$" err &&
	test_expect_code 2 cvlock inputs --format yaml 2>err &&
	grep "^error: unknown format '\''yaml'\''$" err &&
	cvlock inputs --help >out &&
	grep "^usage: cvlock inputs" out &&
	cvlock help | grep "^  inputs "
'

test_done
