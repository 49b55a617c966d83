#!/bin/sh
# cvlock tree and cvlock why: the dependency graph of a lockfile, on a
# hand-written one (tests/data/export/pylock.graph.toml: a diamond, a
# cycle, a marker, a package nothing requires), on one another tool wrote
# (no [tool.cvlock] requirements), and on a resolve of the test index;
# every output compared in full.
. "$top_srcdir/tests/test-lib.sh"

D="$top_srcdir/tests/data/export"
: "${PYTHON:=python3}"

test_expect_success 'tree: roots from the requirements, (*) for a subtree shown above' '
	cp "$D/pylock.graph.toml" pylock.toml &&
	cvlock tree >out 2>err &&
	cat >expect <<-\EOF &&
	app 1.0
	├── lib-a 1.0
	│   └── core 2.0
	│       └── cyc 1.0
	│           └── core 2.0 (*)
	└── lib-b 1.0
	    ├── core 2.0 (*)
	    └── lib-a 1.0 (*)
	colorama 0.4.6 ; sys_platform == "win32"
	lib-b 1.0 (*)
	stray 1.0
	EOF
	test_cmp expect out &&
	test_cmp /dev/null err
'

test_expect_success 'tree --depth, --package (any spelling, repeatable)' '
	cvlock tree --depth 1 >out &&
	cat >expect <<-\EOF &&
	app 1.0
	├── lib-a 1.0
	└── lib-b 1.0
	colorama 0.4.6 ; sys_platform == "win32"
	lib-b 1.0
	├── core 2.0
	└── lib-a 1.0
	stray 1.0
	EOF
	test_cmp expect out &&
	cvlock tree -d 0 pylock.toml >out &&
	printf "%s\n" "app 1.0" "colorama 0.4.6 ; sys_platform == \"win32\"" \
		"lib-b 1.0" "stray 1.0" >expect &&
	test_cmp expect out &&
	cvlock tree --package Lib_A -p CORE >out &&
	cat >expect <<-\EOF &&
	lib-a 1.0
	└── core 2.0
	    └── cyc 1.0
	        └── core 2.0 (*)
	core 2.0 (*)
	EOF
	test_cmp expect out
'

test_expect_success 'tree --invert: who depends on a package' '
	cvlock tree --invert --package core >out &&
	cat >expect <<-\EOF &&
	core 2.0
	├── cyc 1.0
	│   └── core 2.0 (*)
	├── lib-a 1.0
	│   ├── app 1.0
	│   └── lib-b 1.0
	│       └── app 1.0
	└── lib-b 1.0 (*)
	EOF
	test_cmp expect out &&
	cvlock tree --invert -d 0 >out &&
	head -n 2 out >got &&
	printf "%s\n" "colorama 0.4.6 ; sys_platform == \"win32\"" "stray 1.0" >expect &&
	test_cmp expect got
'

test_expect_success 'tree --format json' '
	cvlock tree --format json -p lib-b -d 1 >out &&
	cat >expect <<-\EOF &&
	[
	  {
	    "name": "lib-b",
	    "version": "1.0",
	    "marker": null,
	    "dependencies": [
	      {
	        "name": "core",
	        "version": "2.0",
	        "marker": null
	      },
	      {
	        "name": "lib-a",
	        "version": "1.0",
	        "marker": null
	      }
	    ]
	  }
	]
	EOF
	test_cmp expect out &&
	cvlock tree --format json -p core >out &&
	"$PYTHON" -c "import json,sys; t=json.load(open(\"out\")); c=t[0][\"dependencies\"][0][\"dependencies\"][0]; assert c == {\"name\": \"core\", \"version\": \"2.0\", \"marker\": None, \"shown_above\": True}, c" &&
	cvlock tree --invert --format json -p cyc >out &&
	grep -q "\"dependents\"" out
'

test_expect_success 'why: every shortest path from each root, with its requirements' '
	cvlock why core >out &&
	cat >expect <<-\EOF &&
	app 1.0 -> lib-a 1.0 -> core 2.0  (from '"'"'app>=1'"'"')
	app 1.0 -> lib-b 1.0 -> core 2.0  (from '"'"'app>=1'"'"')
	lib-b 1.0 -> core 2.0  (from '"'"'lib-b; "dev" in dependency_groups'"'"')
	EOF
	test_cmp expect out &&
	cvlock why APP pylock.toml >out &&
	echo "app 1.0  (from '"'"'app>=1'"'"')" >expect &&
	test_cmp expect out &&
	cvlock why stray >out &&
	echo "stray 1.0: no requirement of the project leads to it" >expect &&
	test_cmp expect out &&
	cvlock why --format json cyc >out &&
	"$PYTHON" -c "import json; w=json.load(open(\"out\")); assert [[n[\"name\"] for n in p[\"path\"]] for p in w] == [[\"app\",\"lib-a\",\"core\",\"cyc\"],[\"app\",\"lib-b\",\"core\",\"cyc\"],[\"lib-b\",\"core\",\"cyc\"]], w; assert w[0][\"requirements\"] == [\"app>=1\"]"
'

test_expect_success 'why: a name not in the lockfile exits 1, with a near name' '
	test_expect_code 1 cvlock why lib-c >out 2>err &&
	cat >expect <<-\EOF &&
	error: package '"'"'lib-c'"'"' is not in '"'"'pylock.toml'"'"'
	hint: did you mean '"'"'lib-a'"'"'?
	EOF
	test_cmp expect err &&
	test_cmp /dev/null out &&
	test_expect_code 1 cvlock why requests 2>err &&
	echo "error: package '"'"'requests'"'"' is not in '"'"'pylock.toml'"'"'" >expect &&
	test_cmp expect err &&
	test_expect_code 1 cvlock tree -p nope 2>err &&
	grep -q "^error: package '"'"'nope'"'"' is not in" err
'

test_expect_success 'another tool'"'"'s lockfile: the roots are what nothing depends on' '
	sed "/^\[tool.cvlock\]/,\$d" "$D/pylock.graph.toml" >pylock.other.toml &&
	cvlock tree pylock.other.toml -d 1 >out &&
	cat >expect <<-\EOF &&
	app 1.0
	├── lib-a 1.0
	└── lib-b 1.0
	colorama 0.4.6 ; sys_platform == "win32"
	stray 1.0
	EOF
	test_cmp expect out &&
	cvlock why core pylock.other.toml >out &&
	printf "%s\n" "app 1.0 -> lib-a 1.0 -> core 2.0" \
		"app 1.0 -> lib-b 1.0 -> core 2.0" >expect &&
	test_cmp expect out
'

test_expect_success 'why: at most 100 paths unless --all' '
	"$PYTHON" - <<-\EOF &&
	import hashlib
	out = ["lock-version = \"1.0\"", "created-by = \"t\"", ""]
	def pkg(name, deps):
	    f = name.replace("-", "_") + "-1.0-py3-none-any.whl"
	    out.extend(["[[packages]]", "name = \"%s\"" % name, "version = \"1.0\"",
	                "dependencies = [%s]" % ", ".join("{name = \"%s\"}" % d for d in deps), "",
	                "[[packages.wheels]]", "url = \"https://files.example/%s\"" % f,
	                "hashes = {sha256 = \"%s\"}" % hashlib.sha256(f.encode()).hexdigest(), ""])
	pkg("root", ["l0-%d" % k for k in range(4)])
	for layer in range(4):
	    for k in range(4):
	        pkg("l%d-%d" % (layer, k), ["end"] if layer == 3 else ["l%d-%d" % (layer + 1, j) for j in range(4)])
	pkg("end", [])
	open("pylock.wide.toml", "w").write("\n".join(out))
	EOF
	cvlock why end pylock.wide.toml >out 2>err &&
	test $(wc -l <out) = 100 &&
	echo "note: only the first 100 paths are shown; --all shows every one" >expect &&
	test_cmp expect err &&
	head -n 1 out >got &&
	echo "root 1.0 -> l0-0 1.0 -> l1-0 1.0 -> l2-0 1.0 -> l3-0 1.0 -> end 1.0" >expect &&
	test_cmp expect got &&
	cvlock why --all end pylock.wide.toml >out 2>err &&
	test $(wc -l <out) = 256 &&
	test $(sort -u out | wc -l) = 256 &&
	test_cmp /dev/null err &&
	cvlock why --format json end pylock.wide.toml >out 2>/dev/null &&
	"$PYTHON" -c "import json; assert len(json.load(open(\"out\"))) == 100"
'

test_expect_success 'usage errors and help' '
	test_expect_code 2 cvlock tree --depth -1 2>err &&
	grep -q "^error: invalid --depth '"'"'-1'"'"'" err &&
	test_expect_code 2 cvlock tree --format yaml 2>err &&
	test_expect_code 2 cvlock tree a.toml b.toml 2>err &&
	grep -q "takes one LOCKFILE" err &&
	test_expect_code 2 cvlock why 2>err &&
	grep -q "needs the NAME" err &&
	test_expect_code 2 cvlock why a b c 2>err &&
	test_expect_code 2 cvlock tree nosuch.toml 2>err &&
	grep -q "nosuch.toml" err &&
	cvlock tree --help >out && grep -q -- "--invert" out &&
	cvlock why --help >out && grep -q -- "--all" out
'

test_done
