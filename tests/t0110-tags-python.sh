#!/bin/sh
# cvlock tags --python: the tags and marker environment of a real
# interpreter, probed once and cached, checked against what the
# interpreter itself (and packaging, when installed) says.
. "$top_srcdir/tests/test-lib.sh"

PY=/usr/bin/python3
if ! test -x "$PY"; then
	echo "1..0 # SKIP no $PY"
	exit 77
fi

# What the interpreter says about itself, without cvlock.
pysays() {
	"$PY" -I -c "$1"
}

test_expect_success 'the first tag is the most specific manylinux tag of this glibc' '
	cvlock tags --python "$PY" >out &&
	pysays "import os, platform, sys
v = os.confstr(\"CS_GNU_LIBC_VERSION\") or \"\"
m = platform.machine()
xy = \"%d%d\" % sys.version_info[:2]
if v.startswith(\"glibc \") and m in (\"x86_64\", \"aarch64\") and sys.maxsize > 2**32:
    major, minor = v.split()[1].split(\".\")[:2]
    print(\"cp%s-cp%s-manylinux_%s_%s_%s\" % (xy, xy, major, minor, m))
else:
    print(\"skip\")" >expect &&
	if test "$(cat expect)" != skip; then
		head -n 1 out >actual &&
		test_cmp expect actual
	fi &&
	tail -n 1 out >actual &&
	echo py30-none-any >expect &&
	test_cmp expect actual
'

# packaging >= 26.3 lists linux_ARCH before the manylinux tags on a real
# host; cvlock keeps uv's order (linux_ARCH last, as pep/tags.c), so those
# tags are compared as a set and everything else in order.
test_expect_success 'the whole list is packaging.tags.sys_tags() (when packaging is installed)' '
	if pysays "import packaging.tags" 2>/dev/null; then
		cvlock tags --python "$PY" >out &&
		pysays "import packaging.tags
for t in packaging.tags.sys_tags(): print(t)" >expect &&
		grep -v -- "-linux_[^-]*\$" expect >expect.ordered &&
		grep -v -- "-linux_[^-]*\$" out >actual.ordered &&
		test_cmp expect.ordered actual.ordered &&
		{ grep -- "-linux_[^-]*\$" expect || :; } | sort >expect.linux &&
		{ grep -- "-linux_[^-]*\$" out || :; } | sort >actual.linux &&
		test_cmp expect.linux actual.linux &&
		test $(wc -l <out) -eq $(wc -l <expect)
	fi
'

test_expect_success 'the marker environment is what the interpreter computes' '
	cvlock tags --python "$PY" --markers >out &&
	pysays "import os, platform, sys
i = sys.implementation.version
iv = \"%d.%d.%d\" % (i.major, i.minor, i.micro)
if i.releaselevel != \"final\":
    iv += i.releaselevel[0] + str(i.serial)
env = {
    \"implementation_name\": sys.implementation.name,
    \"implementation_version\": iv,
    \"os_name\": os.name,
    \"platform_machine\": platform.machine(),
    \"platform_python_implementation\": platform.python_implementation(),
    \"platform_release\": platform.release(),
    \"platform_system\": platform.system(),
    \"platform_version\": platform.version(),
    \"python_full_version\": platform.python_version(),
    \"python_version\": \".\".join(platform.python_version_tuple()[:2]),
    \"sys_platform\": sys.platform,
}
for k in sorted(env): print(\"%s = %s\" % (k, env[k]))" >expect &&
	test_cmp expect out
'

test_expect_success '--markers --format json: the same eleven variables' '
	cvlock tags --python "$PY" --markers --format json >out.json &&
	pysays "import json, sys
d = json.load(open(\"out.json\"))
for k in sorted(d): print(\"%s = %s\" % (k, d[k]))" >from-json &&
	cvlock tags --python "$PY" --markers >from-text &&
	test_cmp from-text from-json &&
	test $(wc -l <from-json) -eq 11
'

test_expect_success '--format json names the real interpreter and its version' '
	cvlock tags --python "$PY" --format json >out.json &&
	pysays "import json, os, platform, sys
d = json.load(open(\"out.json\"))
assert d[\"python\"] == os.path.realpath(sys.executable), d[\"python\"]
assert d[\"python_version\"] == \"%d.%d.%d\" % sys.version_info[:3]
assert d[\"implementation\"] == sys.implementation.name
print(len(d[\"tags\"]))" >n &&
	cvlock tags --python "$PY" >out &&
	test "$(cat n)" -eq $(wc -l <out)
'

test_expect_success 'a second run reads the cached probe' '
	rm -rf "$XDG_CACHE_HOME" &&
	cvlock -v tags --python "$PY" >first 2>err1 &&
	cvlock -v tags --python "$PY" >second 2>err2 &&
	test_cmp first second &&
	! grep "cached probe" err1 &&
	grep "^python interpreter .*(cached probe)\$" err2 &&
	ls "$XDG_CACHE_HOME"/cvlock/interpreters-v1/*.json >entries &&
	test $(wc -l <entries) -eq 1 &&
	cvlock -v tags --python "$PY" --no-cache >third 2>err3 &&
	test_cmp first third &&
	! grep "cached probe" err3 &&
	cvlock -v tags --python "$PY" --cache-dir "$TRASH/other" >fourth 2>err4 &&
	test_cmp first fourth &&
	ls "$TRASH"/other/interpreters-v1/*.json
'

test_expect_success 'without --python, python3 is looked up on PATH' '
	mkdir -p bin &&
	ln -sf "$PY" bin/python3 &&
	PATH="$TRASH/bin:$PATH" cvlock tags >out &&
	cvlock tags --python "$PY" >expect &&
	test_cmp expect out &&
	PATH="$TRASH/bin:$PATH" cvlock tags --format json >out.json &&
	grep "^  \"python\": \"$(readlink -f "$PY")\",\$" out.json
'

test_expect_success 'a missing interpreter: error, hint, exit 1' '
	test_expect_code 1 cvlock tags --python /usr/bin/python9 >out 2>err &&
	cat >expect <<-\EOT &&
	error: cannot run python interpreter '\''/usr/bin/python9'\'': No such file or directory
	hint: use --python PATH, or --python-version and --platform to resolve without an interpreter
	EOT
	test_cmp expect err &&
	test ! -s out &&
	test_expect_code 1 env PATH="$TRASH/nothing" "$CVLOCK" tags 2>err &&
	cat >expect <<-\EOT &&
	error: cannot run python interpreter '\''python3'\'': not found on PATH
	hint: use --python PATH, or --python-version and --platform to resolve without an interpreter
	EOT
	test_cmp expect err
'

test_expect_success 'an interpreter printing something else: error, exit 4' '
	printf "#!/bin/sh\necho Python 2.7.18\n" >py2 &&
	chmod +x py2 &&
	test_expect_code 4 cvlock tags --python ./py2 >out 2>err &&
	echo "error: unexpected output from python interpreter '\''./py2'\'': expected JSON, got '\''Python 2.7.18'\''" >expect &&
	test_cmp expect err &&
	test ! -s out
'

test_expect_success 'a failing interpreter: its last error line, exit 4' '
	printf "#!/bin/sh\necho Traceback >&2\necho \"ImportError: no sysconfig\" >&2\nexit 1\n" >broken &&
	chmod +x broken &&
	test_expect_code 4 cvlock tags --python ./broken --markers 2>err &&
	cat >expect <<-\EOT &&
	error: python interpreter '\''./broken'\'' failed (exit status 1: ImportError: no sysconfig)
	hint: use --python PATH, or --python-version and --platform to resolve without an interpreter
	EOT
	test_cmp expect err
'

test_done
