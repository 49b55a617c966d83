#!/bin/sh
# Command-line frame: help, version, option parsing, exit codes.
. "$top_srcdir/tests/test-lib.sh"

test_expect_success 'version prints the package version' '
	cvlock --version >out &&
	grep -E "^cvlock [0-9]+\.[0-9]+\.[0-9]+$" out &&
	cvlock version >out2 &&
	test_cmp out out2
'

test_expect_success 'version -v names the libraries' '
	cvlock version -v >out &&
	grep "^libsolv " out && grep "^libcurl " out && grep "^jansson " out &&
	grep "^libarchive " out && grep "^openssl " out
'

test_expect_success 'help lists only working commands' '
	cvlock --help >out &&
	grep "^usage: cvlock" out &&
	grep "^  help " out && grep "^  version " out
'

test_expect_success 'no command prints help and exits 2' '
	test_expect_code 2 cvlock >out &&
	grep "^usage: cvlock" out
'

test_expect_success 'unknown command: one error line, a hint, exit 2' '
	test_expect_code 2 cvlock frobnicate 2>err &&
	printf "error: unknown command '\''frobnicate'\''\nhint: see '\''cvlock --help'\'' for the list of commands\n" >expect &&
	test_cmp expect err
'

test_expect_success 'unknown global option exits 2' '
	test_expect_code 2 cvlock --frob 2>err &&
	grep "^error: unknown option '\''--frob'\''$" err
'

test_expect_success 'unknown command option: error plus usage hint, exit 2' '
	test_expect_code 2 cvlock version --frob 2>err &&
	printf "error: unknown option '\''--frob'\''\nhint: see '\''cvlock version --help'\''\n" >expect &&
	test_cmp expect err
'

test_expect_success 'command --help and help COMMAND agree' '
	cvlock version --help >a &&
	cvlock help version >b &&
	test_cmp a b &&
	grep "^usage: cvlock version" a
'

test_expect_success 'help for an unknown command exits 2' '
	test_expect_code 2 cvlock help nope 2>err &&
	grep "unknown command '\''nope'\''" err
'

test_expect_success 'unexpected positional argument exits 2' '
	test_expect_code 2 cvlock version extra 2>err &&
	grep "unexpected argument '\''extra'\''" err
'

test_expect_success '-- ends options' '
	test_expect_code 2 cvlock version -- --verbose 2>err &&
	grep "unexpected argument '\''--verbose'\''" err
'

test_done
