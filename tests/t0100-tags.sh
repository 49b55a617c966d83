#!/bin/sh
# cvlock tags: the wheel tags of an explicit target, in packaging's order.
. "$top_srcdir/tests/test-lib.sh"

data="$top_srcdir/tests/unit/data/target_tags"

# Every IMPL-X.Y-PLATFORM.txt there was generated with packaging.tags
# (see generate.py beside them); compare whole outputs.
for f in "$data"/*.txt; do
	b=$(basename "$f" .txt)
	impl=${b%%-*}
	rest=${b#*-}
	ver=${rest%%-*}
	plat=${rest#*-}
	test_expect_success "tags for $impl $ver $plat match packaging" "
		cvlock tags --implementation $impl --python-version $ver --platform $plat >out &&
		test_cmp '$f' out
	"
done

test_expect_success 'cp312 manylinux_2_17_x86_64 starts as packaging orders it' '
	cvlock tags --python-version 3.12 --platform manylinux_2_17_x86_64 >out &&
	head -n 3 out >actual &&
	cat >expect <<-\EOT &&
	cp312-cp312-manylinux_2_17_x86_64
	cp312-cp312-manylinux2014_x86_64
	cp312-cp312-manylinux_2_16_x86_64
	EOT
	test_cmp expect actual &&
	grep -n "^cp312-abi3-manylinux_2_17_x86_64$" out >actual &&
	echo "18:cp312-abi3-manylinux_2_17_x86_64" >expect &&
	test_cmp expect actual &&
	cat >expect <<-\EOT &&
	py31-none-any
	py30-none-any
	EOT
	tail -n 2 out >actual &&
	test_cmp expect actual &&
	test $(wc -l <out) -eq 474
'

test_expect_success 'manylinux2014 is the same target as manylinux_2_17' '
	cvlock tags --python-version 3.12 --platform manylinux2014_x86_64 >a &&
	cvlock tags --python-version 3.12 --platform manylinux_2_17_x86_64 >b &&
	test_cmp a b
'

test_expect_success 'a micro version is accepted and does not change tags' '
	cvlock tags --python-version 3.12.4 --platform win_amd64 >a &&
	cvlock tags --python-version 3.12 --platform win_amd64 >b &&
	test_cmp a b
'

test_expect_success 'linux_ARCH alone accepts only linux_ARCH wheels' '
	cvlock tags --python-version 3.11 --platform linux_x86_64 >out &&
	head -n 4 out >actual &&
	cat >expect <<-\EOT &&
	cp311-cp311-linux_x86_64
	cp311-abi3-linux_x86_64
	cp311-none-linux_x86_64
	cp310-abi3-linux_x86_64
	EOT
	test_cmp expect actual &&
	! grep manylinux out
'

test_expect_success 'PyPy: pp73 ABI first, pp3-none-any before py*-none-any' '
	cvlock tags --implementation pp --python-version 3.10 --platform win_amd64 >out &&
	head -n 2 out >actual &&
	cat >expect <<-\EOT &&
	pp310-pypy310_pp73-win_amd64
	pp310-none-win_amd64
	EOT
	test_cmp expect actual &&
	grep -n "^pp3-none-any$" out >actual &&
	echo "15:pp3-none-any" >expect &&
	test_cmp expect actual
'

test_expect_success '--format json lists the same tags in the same order' '
	cvlock tags --python-version 3.12 --platform win_amd64 --format json >out.json &&
	head -n 5 out.json >actual &&
	cat >expect <<-\EOT &&
	{
	  "implementation": "cp",
	  "python_version": "3.12",
	  "platform": "win_amd64",
	  "tags": [
	EOT
	test_cmp expect actual &&
	sed -n "s/^    \"\(.*\)\",\{0,1\}$/\1/p" out.json >from-json &&
	cvlock tags --python-version 3.12 --platform win_amd64 >from-text &&
	test_cmp from-text from-json &&
	tail -n 2 out.json >actual &&
	printf "  ]\n}\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'missing --python-version: error, hint, exit 2' '
	test_expect_code 2 cvlock tags --platform win_amd64 >out 2>err &&
	cat >expect <<-\EOT &&
	error: missing --python-version
	hint: give both --python-version and --platform, e.g. --python-version 3.12 --platform manylinux_2_28_x86_64, or --python PATH
	EOT
	test_cmp expect err &&
	test ! -s out
'

test_expect_success 'a target marker environment: kernel and build unknown' '
	cvlock tags --python-version 3.12.4 --platform manylinux_2_28_aarch64 --markers >out &&
	cat >expect <<-\EOT &&
	implementation_name = cpython
	implementation_version = 3.12.4
	os_name = posix
	platform_machine = aarch64
	platform_python_implementation = CPython
	platform_release = 
	platform_system = Linux
	platform_version = 
	python_full_version = 3.12.4
	python_version = 3.12
	sys_platform = linux
	EOT
	test_cmp expect out &&
	cvlock tags --python-version 3.12 --platform win_amd64 --markers --format json >out.json &&
	grep "^  \"platform_machine\": \"AMD64\",$" out.json &&
	grep "^  \"sys_platform\": \"win32\"$" out.json
'

test_expect_success '--python with --python-version: error, exit 2' '
	test_expect_code 2 cvlock tags --python /usr/bin/python3 --python-version 3.12 >out 2>err &&
	cat >expect <<-\EOT &&
	error: --python cannot be combined with --python-version or --platform
	hint: probe an interpreter, or describe a target without one
	EOT
	test_cmp expect err &&
	test ! -s out
'

test_expect_success 'missing --platform: error, exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 2>err &&
	head -n 1 err >actual &&
	echo "error: missing --platform" >expect &&
	test_cmp expect actual
'

test_expect_success 'option without its value: error, exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform 2>err &&
	cat >expect <<-\EOT &&
	error: option '\''--platform'\'' needs a value
	hint: see '\''cvlock tags --help'\''
	EOT
	test_cmp expect err
'

test_expect_success 'unknown platform: error listing the accepted forms, exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform freebsd_14_amd64 >out 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported platform '\''freebsd_14_amd64'\''
	hint: expected linux_ARCH, manylinux_2_X_ARCH, manylinux2014_ARCH, manylinux2010_ARCH, manylinux1_ARCH, musllinux_1_X_ARCH, macosx_X_Y_ARCH, win_amd64, win32 or win_arm64
	EOT
	test_cmp expect err &&
	test ! -s out
'

test_expect_success 'unknown architecture: error listing the architectures, exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform manylinux_2_28_sparc 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported architecture '\''sparc'\'' in platform '\''manylinux_2_28_sparc'\''
	hint: expected one of x86_64, i686, aarch64, armv7l, ppc64, ppc64le, s390x, riscv64 or loongarch64
	EOT
	test_cmp expect err
'

test_expect_success 'manylinux below the oldest glibc of the architecture: exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform manylinux_2_12_aarch64 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported platform '\''manylinux_2_12_aarch64'\''
	hint: manylinux starts at glibc 2.17 outside x86_64 and i686
	EOT
	test_cmp expect err
'

test_expect_success 'macOS arm64 before 11: exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform macosx_10_15_arm64 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported platform '\''macosx_10_15_arm64'\''
	hint: arm64 needs macOS 11 or later
	EOT
	test_cmp expect err
'

test_expect_success 'malformed python version: exit 2' '
	test_expect_code 2 cvlock tags --python-version 3 --platform win32 2>err &&
	cat >expect <<-\EOT &&
	error: invalid --python-version '\''3'\''
	hint: expected 3.X or 3.X.Y, e.g. 3.12
	EOT
	test_cmp expect err
'

test_expect_success 'python 2 is not a supported target: exit 2' '
	test_expect_code 2 cvlock tags --python-version 2.7 --platform win32 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported python version 2.7.0
	hint: expected 3.X or 3.X.Y
	EOT
	test_cmp expect err
'

test_expect_success 'unknown implementation: exit 2' '
	test_expect_code 2 cvlock tags --implementation jy --python-version 3.12 --platform win32 2>err &&
	cat >expect <<-\EOT &&
	error: unsupported implementation '\''jy'\''
	hint: expected '\''cp'\'' (CPython) or '\''pp'\'' (PyPy)
	EOT
	test_cmp expect err
'

test_expect_success 'unknown format: exit 2' '
	test_expect_code 2 cvlock tags --python-version 3.12 --platform win32 --format yaml 2>err &&
	cat >expect <<-\EOT &&
	error: unknown format '\''yaml'\''
	hint: expected '\''text'\'' or '\''json'\''
	EOT
	test_cmp expect err
'

test_expect_success 'help names the command and both kinds of target' '
	cvlock tags --help >out &&
	head -n 1 out >actual &&
	echo "usage: cvlock tags [--python PATH | --python-version 3.X[.Y] --platform PLAT [--implementation cp|pp]] [--markers] [--format text|json]" >expect &&
	test_cmp expect actual &&
	grep "interpreter, probed" out &&
	grep -e "--python PATH  *probe this interpreter" out &&
	cvlock --help >main &&
	grep "^  tags " main
'

test_done
