/* test_pep_tags.c - PEP 425 tags: parsing, generation, targets */
#include "tests/unit/unit.h"
#include "pep/pep.h"

/* sv joined with spaces (for compact expectations). */
static char *joined(const struct strvec *sv)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < sv->nr; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", sv->v[i]);
	return strbuf_detach(&sb, NULL);
}

static void assert_list(const struct strvec *sv, const char *want)
{
	char *got = joined(sv);

	ck_assert_str_eq(got, want);
	free(got);
}

/* ---- parse_tag ---------------------------------------------------------- */

START_TEST(parse_tag_expands_sorts_lowercases)
{
	struct strvec out = STRVEC_INIT;
	const char *t = "PY3.py2.py3-None.abi3-Win32.ANY";

	ck_assert_int_eq(pep_tag_parse(t, strlen(t), &out, NULL), 0);
	assert_list(&out, "py2-abi3-any py2-abi3-win32 py2-none-any py2-none-win32 "
			  "py3-abi3-any py3-abi3-win32 py3-none-any py3-none-win32");
	/* Appends to what is there. */
	t = "_x-none-any";
	ck_assert_int_eq(pep_tag_parse(t, strlen(t), &out, NULL), 0);
	ck_assert_uint_eq(out.nr, 9);
	ck_assert_str_eq(out.v[8], "_x-none-any");
	strvec_clear(&out);
}
END_TEST

static const struct {
	const char *tag;
	const char *msg;
} bad_tags[] = {
	{ "py3-none-", "invalid tag 'py3-none-': empty component in tag 'py3-none-'" },
	{ "py3.-none-any", "invalid tag 'py3.-none-any': empty part in 'py3.'" },
	{ "--", "invalid tag '--': empty component in tag '--'" },
	{ "", "invalid tag '': empty component in tag ''" },
	{ "py3-none", "invalid tag 'py3-none': expected 3 dash-separated components, got 2" },
	{ "py3-none-any-x", "invalid tag 'py3-none-any-x': expected 3 dash-separated components, got 4" },
	{ "2.7-none-any", "invalid tag '2.7-none-any': interpreter '2' is not an identifier" },
	{ "p-y-none-any", "invalid tag 'p-y-none-any': expected 3 dash-separated components, got 4" },
	{ "py+3-none-any", "invalid tag 'py+3-none-any': interpreter 'py+3' is not an identifier" },
};

START_TEST(parse_tag_errors)
{
	struct strvec out = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *t = bad_tags[_i].tag;

	ck_assert_int_eq(pep_tag_parse(t, strlen(t), &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, bad_tags[_i].msg);
	ck_assert_uint_eq(out.nr, 0);
}
END_TEST

/* ---- generation --------------------------------------------------------- */

START_TEST(mac_formats)
{
	struct strvec out = STRVEC_INIT;

	pep_mac_binary_formats(10, 5, "ppc64", &out);
	assert_list(&out, "ppc64 fat64 universal");
	strvec_clear(&out);
	pep_mac_binary_formats(10, 6, "ppc64", &out);
	ck_assert_uint_eq(out.nr, 0);
	pep_mac_binary_formats(11, 0, "intel", &out);
	assert_list(&out, "intel universal");
	strvec_clear(&out);
}
END_TEST

START_TEST(cpython_free_threaded)
{
	struct strvec out = STRVEC_INIT;
	const int ver[2] = { 3, 4 };
	const char *abis[] = { "cp34t", "abi3t", "none" };
	const char *plats[] = { "p" };

	pep_tags_cpython(ver, 2, abis, 3, plats, 1, &out);
	assert_list(&out, "cp34-cp34t-p cp34-abi3t-p cp34-none-p cp33-abi3t-p cp32-abi3t-p");
	strvec_clear(&out);
}
END_TEST

START_TEST(cpython_major_only_and_duplicates)
{
	struct strvec out = STRVEC_INIT;
	const int ver[1] = { 3 };
	const char *abis[] = { "X", "none", "none", "abi3" };
	const char *plats[] = { "P1", "p2" };

	/* No abi3 without a minor; list.remove() drops one 'none' only. */
	pep_tags_cpython(ver, 1, abis, 4, plats, 2, &out);
	assert_list(&out, "cp3-x-p1 cp3-x-p2 cp3-none-p1 cp3-none-p2 cp3-none-p1 cp3-none-p2");
	strvec_clear(&out);
}
END_TEST

START_TEST(compatible_and_generic)
{
	struct strvec out = STRVEC_INIT;
	const int ver[2] = { 3, 1 };
	const char *plats[] = { "plat" };
	const char *abis[] = { "a", "none" };

	pep_tags_compatible(ver, 2, NULL, plats, 1, &out);
	assert_list(&out, "py31-none-plat py3-none-plat py30-none-plat "
			  "py31-none-any py3-none-any py30-none-any");
	strvec_clear(&out);
	pep_tags_compatible(ver, 1, "xy", plats, 1, &out);
	assert_list(&out, "py3-none-plat xy-none-any py3-none-any");
	strvec_clear(&out);
	pep_tags_generic("gp1", abis, 1, plats, 1, &out);
	assert_list(&out, "gp1-a-plat gp1-none-plat");
	strvec_clear(&out);
	pep_tags_generic("gp1", abis, 2, plats, 1, &out);
	assert_list(&out, "gp1-a-plat gp1-none-plat");
	strvec_clear(&out);
}
END_TEST

/* ---- targets ------------------------------------------------------------ */

static struct pep_target target(const char *impl, int minor, const char *plat)
{
	struct pep_target t;

	memset(&t, 0, sizeof(t));
	snprintf(t.implementation, sizeof(t.implementation), "%s", impl);
	t.python[0] = 3;
	t.python[1] = minor;
	t.python[2] = 4;
	snprintf(t.platform, sizeof(t.platform), "%s", plat);
	return t;
}

static const struct {
	const char *plat;
	const char *want;
} target_plats[] = {
	{ "win32", "win32" },
	{ "win_arm64", "win_arm64" },
	{ "linux_armv7l", "linux_armv7l" },
	{ "manylinux1_i686", "manylinux_2_5_i686 manylinux1_i686 linux_i686" },
	{ "manylinux_2_6_x86_64",
	  "manylinux_2_6_x86_64 manylinux_2_5_x86_64 manylinux1_x86_64 linux_x86_64" },
	{ "manylinux_2_18_s390x",
	  "manylinux_2_18_s390x manylinux_2_17_s390x manylinux2014_s390x linux_s390x" },
	{ "manylinux2010_x86_64",
	  "manylinux_2_12_x86_64 manylinux2010_x86_64 manylinux_2_11_x86_64 "
	  "manylinux_2_10_x86_64 manylinux_2_9_x86_64 manylinux_2_8_x86_64 "
	  "manylinux_2_7_x86_64 manylinux_2_6_x86_64 manylinux_2_5_x86_64 "
	  "manylinux1_x86_64 linux_x86_64" },
	{ "musllinux_1_1_riscv64",
	  "musllinux_1_1_riscv64 musllinux_1_0_riscv64 linux_riscv64" },
	{ "macosx_12_3_arm64",
	  "macosx_12_0_arm64 macosx_12_0_universal2 macosx_11_0_arm64 "
	  "macosx_11_0_universal2 macosx_10_16_universal2 macosx_10_15_universal2 "
	  "macosx_10_14_universal2 macosx_10_13_universal2 macosx_10_12_universal2 "
	  "macosx_10_11_universal2 macosx_10_10_universal2 macosx_10_9_universal2 "
	  "macosx_10_8_universal2 macosx_10_7_universal2 macosx_10_6_universal2 "
	  "macosx_10_5_universal2 macosx_10_4_universal2" },
	{ "macosx_10_5_x86_64",
	  "macosx_10_5_x86_64 macosx_10_5_intel macosx_10_5_fat64 macosx_10_5_fat3 "
	  "macosx_10_5_universal2 macosx_10_5_universal macosx_10_4_x86_64 "
	  "macosx_10_4_intel macosx_10_4_fat64 macosx_10_4_fat3 "
	  "macosx_10_4_universal2 macosx_10_4_universal" },
};

START_TEST(target_platforms)
{
	struct pep_target t = target("cp", 12, target_plats[_i].plat);
	struct strvec out = STRVEC_INIT;

	ck_assert_int_eq(pep_target_platforms(&t, &out, NULL), 0);
	assert_list(&out, target_plats[_i].want);
	strvec_clear(&out);
}
END_TEST

static const struct {
	const char *plat;
	const char *msg;
	const char *hint; /* prefix */
} bad_plats[] = {
	{ "", "empty platform tag", "" },
	{ "any", "unsupported platform 'any'", "expected linux_ARCH, " },
	{ "linux", "unsupported platform 'linux'", "expected linux_ARCH, " },
	{ "linux_", "unsupported architecture '' in platform 'linux_'", "expected one of x86_64" },
	{ "linux_X86_64", "unsupported architecture 'X86_64' in platform 'linux_X86_64'", "expected one of" },
	{ "WIN32", "unsupported platform 'WIN32'", "expected linux_ARCH" },
	{ "win_amd", "unsupported platform 'win_amd'", "expected linux_ARCH" },
	{ "manylinux_3_1_x86_64", "unsupported platform 'manylinux_3_1_x86_64'", "expected manylinux_2_X_ARCH" },
	{ "manylinux_2_x86_64", "unsupported platform 'manylinux_2_x86_64'", "expected manylinux_2_X_ARCH" },
	{ "manylinux_2_017_x86_64", "unsupported platform 'manylinux_2_017_x86_64'", "expected manylinux_2_X_ARCH" },
	{ "manylinux_2_100_x86_64", "unsupported platform 'manylinux_2_100_x86_64'", "expected manylinux_2_X_ARCH" },
	{ "manylinux_2_4_x86_64", "unsupported platform 'manylinux_2_4_x86_64'", "manylinux starts at glibc 2.5" },
	{ "manylinux_2_16_ppc64le", "unsupported platform 'manylinux_2_16_ppc64le'", "manylinux starts at glibc 2.17" },
	{ "manylinux2010_aarch64", "unsupported platform 'manylinux2010_aarch64'", "manylinux1 and manylinux2010" },
	{ "manylinux", "unsupported platform 'manylinux'", "expected linux_ARCH" },
	{ "musllinux_2_1_x86_64", "unsupported platform 'musllinux_2_1_x86_64'", "expected musllinux_1_X_ARCH" },
	{ "musllinux_1_x86_64", "unsupported platform 'musllinux_1_x86_64'", "expected musllinux_1_X_ARCH" },
	{ "macosx_10_3_x86_64", "unsupported platform 'macosx_10_3_x86_64'", "expected macosx_X_Y_ARCH" },
	{ "macosx_10_17_x86_64", "unsupported platform 'macosx_10_17_x86_64'", "expected macosx_X_Y_ARCH" },
	{ "macosx_9_0_x86_64", "unsupported platform 'macosx_9_0_x86_64'", "expected macosx_X_Y_ARCH" },
	{ "macosx_11_arm64", "unsupported platform 'macosx_11_arm64'", "expected macosx_X_Y_ARCH" },
	{ "macosx_11_0_universal2", "unsupported platform 'macosx_11_0_universal2'", "expected macosx_X_Y_x86_64" },
	{ "macosx_11_0_", "unsupported platform 'macosx_11_0_'", "expected macosx_X_Y_x86_64" },
	{ "linux_x86_64\n", "unsupported architecture 'x86_64\\x0a' in platform 'linux_x86_64\\x0a'", "expected one of" },
};

START_TEST(target_bad_platforms)
{
	struct pep_target t = target("cp", 12, bad_plats[_i].plat);
	struct strvec out = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(pep_target_tags(&t, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, bad_plats[_i].msg);
	ck_assert_msg(!strncmp(err.hint, bad_plats[_i].hint, strlen(bad_plats[_i].hint)),
		      "hint '%s'", err.hint);
	ck_assert_uint_eq(out.nr, 0);
}
END_TEST

START_TEST(target_bad_fields)
{
	struct pep_target t = target("cp", 12, "win32");
	struct strvec out = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	memset(t.platform, 'a', sizeof(t.platform)); /* no NUL at all */
	ck_assert_int_eq(pep_target_platforms(&t, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "platform tag too long (at most 63 bytes)");

	t = target("ip", 12, "win32");
	ck_assert_int_eq(pep_target_tags(&t, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "unsupported implementation 'ip'");
	memset(t.implementation, 'c', sizeof(t.implementation));
	ck_assert_int_eq(pep_target_tags(&t, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "unsupported implementation 'cccccccc'");

	t = target("cp", 12, "win32");
	t.python[0] = 2;
	ck_assert_int_eq(pep_target_tags(&t, &out, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "unsupported python version 2.12.4");
	t.python[0] = 3;
	t.python[2] = -1;
	ck_assert_int_eq(pep_target_tags(&t, &out, &err), -CVL_EINVAL);
	ck_assert_uint_eq(out.nr, 0);
}
END_TEST

START_TEST(target_tags_old_cpython_abis)
{
	struct pep_target t = target("cp", 2, "linux_x86_64");
	struct strvec out = STRVEC_INIT;

	ck_assert_int_eq(pep_target_tags(&t, &out, NULL), 0);
	assert_list(&out, "cp32-cp32mu-linux_x86_64 cp32-abi3-linux_x86_64 "
			  "cp32-none-linux_x86_64 py32-none-linux_x86_64 "
			  "py3-none-linux_x86_64 py31-none-linux_x86_64 "
			  "py30-none-linux_x86_64 cp32-none-any py32-none-any "
			  "py3-none-any py31-none-any py30-none-any");
	strvec_clear(&out);
	t = target("cp", 7, "win32");
	ck_assert_int_eq(pep_target_tags(&t, &out, NULL), 0);
	ck_assert_str_eq(out.v[0], "cp37-cp37m-win32");
	strvec_clear(&out);
}
END_TEST

static const char *envvar(const struct pep_env *env, enum pep_env_var v)
{
	return env->var[v];
}

START_TEST(target_env_values)
{
	struct pep_target t = target("cp", 12, "manylinux_2_28_aarch64");
	struct pep_env env;
	struct arena a = ARENA_INIT;

	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), 0);
	ck_assert_str_eq(envvar(&env, PEP_ENV_OS_NAME), "posix");
	ck_assert_str_eq(envvar(&env, PEP_ENV_SYS_PLATFORM), "linux");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_SYSTEM), "Linux");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_MACHINE), "aarch64");
	ck_assert_str_eq(envvar(&env, PEP_ENV_IMPLEMENTATION_NAME), "cpython");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION), "CPython");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PYTHON_VERSION), "3.12");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PYTHON_FULL_VERSION), "3.12.4");
	ck_assert_str_eq(envvar(&env, PEP_ENV_IMPLEMENTATION_VERSION), "3.12.4");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_RELEASE), "");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_VERSION), "");
	ck_assert_str_eq(envvar(&env, PEP_ENV_EXTRA), "");
	ck_assert(!env.has_extras);
	ck_assert(!env.has_dependency_groups);

	t = target("pp", 10, "win_amd64");
	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), 0);
	ck_assert_str_eq(envvar(&env, PEP_ENV_OS_NAME), "nt");
	ck_assert_str_eq(envvar(&env, PEP_ENV_SYS_PLATFORM), "win32");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_SYSTEM), "Windows");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_MACHINE), "AMD64");
	ck_assert_str_eq(envvar(&env, PEP_ENV_IMPLEMENTATION_NAME), "pypy");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION), "PyPy");
	ck_assert_str_eq(envvar(&env, PEP_ENV_IMPLEMENTATION_VERSION), "7.3.0");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PYTHON_FULL_VERSION), "3.10.4");

	t = target("cp", 13, "win32");
	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), 0);
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_MACHINE), "x86");
	t = target("cp", 13, "win_arm64");
	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), 0);
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_MACHINE), "ARM64");

	t = target("cp", 11, "macosx_14_0_arm64");
	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), 0);
	ck_assert_str_eq(envvar(&env, PEP_ENV_OS_NAME), "posix");
	ck_assert_str_eq(envvar(&env, PEP_ENV_SYS_PLATFORM), "darwin");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_SYSTEM), "Darwin");
	ck_assert_str_eq(envvar(&env, PEP_ENV_PLATFORM_MACHINE), "arm64");

	t = target("cp", 11, "bogus");
	ck_assert_int_eq(pep_target_env(&t, &env, &a, NULL), -CVL_EINVAL);
	arena_release(&a);
}
END_TEST

/* The expected lists under data/target_tags, generated by packaging. */
static const struct {
	const char *impl;
	int minor;
	const char *plat;
} packaging_targets[] = {
	{ "cp", 12, "manylinux_2_17_x86_64" },
	{ "cp", 11, "manylinux_2_28_aarch64" },
	{ "cp", 9, "musllinux_1_2_x86_64" },
	{ "cp", 12, "macosx_14_0_arm64" },
	{ "cp", 8, "macosx_10_9_x86_64" },
	{ "cp", 12, "win_amd64" },
	{ "cp", 7, "win32" },
	{ "pp", 10, "manylinux_2_17_x86_64" },
	{ "pp", 9, "win_amd64" },
};

START_TEST(target_tags_match_packaging)
{
	struct pep_target t = target(packaging_targets[_i].impl,
				     packaging_targets[_i].minor,
				     packaging_targets[_i].plat);
	struct strvec out = STRVEC_INIT;
	char name[128], line[256];
	size_t n = 0;
	FILE *f;

	snprintf(name, sizeof(name), "target_tags/%s-3.%d-%s.txt", t.implementation,
		 t.python[1], t.platform);
	f = fopen(unit_data_path(name), "r");
	ck_assert_msg(f != NULL, "cannot open %s", unit_data_path(name));
	ck_assert_int_eq(pep_target_tags(&t, &out, NULL), 0);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		ck_assert_uint_lt(n, out.nr);
		ck_assert_str_eq(out.v[n], line);
		n++;
	}
	fclose(f);
	ck_assert_uint_eq(n, out.nr);
	strvec_clear(&out);
}
END_TEST

Suite *suite_pep_tags(void)
{
	Suite *s = suite_create("pep_tags");
	TCase *tc = tcase_create("tags");

	tcase_add_test(tc, parse_tag_expands_sorts_lowercases);
	tcase_add_loop_test(tc, parse_tag_errors, 0, (int)ARRAY_SIZE(bad_tags));
	tcase_add_test(tc, mac_formats);
	tcase_add_test(tc, cpython_free_threaded);
	tcase_add_test(tc, cpython_major_only_and_duplicates);
	tcase_add_test(tc, compatible_and_generic);
	tcase_add_loop_test(tc, target_platforms, 0, (int)ARRAY_SIZE(target_plats));
	tcase_add_loop_test(tc, target_bad_platforms, 0, (int)ARRAY_SIZE(bad_plats));
	tcase_add_test(tc, target_bad_fields);
	tcase_add_test(tc, target_tags_old_cpython_abis);
	tcase_add_test(tc, target_env_values);
	tcase_add_loop_test(tc, target_tags_match_packaging, 0,
			    (int)ARRAY_SIZE(packaging_targets));
	suite_add_tcase(s, tc);
	return s;
}
