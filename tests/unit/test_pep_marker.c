/* test_pep_marker.c - PEP 508 markers: parse, format, evaluate */
#include "tests/unit/unit.h"
#include "pep/internal.h"

static int parse(struct pep_marker **m, const char *s, struct cvl_error *err)
{
	return pep_marker_parse(m, s, strlen(s), err);
}

/* input, packaging's str(Marker(input)) */
static const struct {
	const char *in, *out;
} formats[] = {
	{ "python_version>'3.8'", "python_version > \"3.8\"" },
	{ "python_version\t>=\t'3.8'\t", "python_version >= \"3.8\"" },
	{ "  os_name  ==  \"nt\"  ", "os_name == \"nt\"" },
	{ "os.name=='nt'", "os_name == \"nt\"" },
	{ "sys.platform == 'x'", "sys_platform == \"x\"" },
	{ "platform.version == 'x'", "platform_version == \"x\"" },
	{ "platform.machine == 'x'", "platform_machine == \"x\"" },
	{ "platform.python_implementation=='x'",
	  "platform_python_implementation == \"x\"" },
	{ "python_implementation=='x'", "platform_python_implementation == \"x\"" },
	{ "os_name not  in 'x'", "os_name not in \"x\"" },
	{ "os_name not\tin 'x'", "os_name not in \"x\"" },
	{ "'a'in os_name", "\"a\" in os_name" },
	{ "python_version === 'x'", "python_version === \"x\"" },
	{ "python_version ~= '3.8'", "python_version ~= \"3.8\"" },
	/* redundant parentheses go, as in packaging's _format_marker */
	{ "(os_name == 'a')", "os_name == \"a\"" },
	{ "((os_name == 'a' or os_name == 'b'))", "os_name == \"a\" or os_name == \"b\"" },
	{ "(os_name == 'a') and (os_name == 'b')", "os_name == \"a\" and os_name == \"b\"" },
	{ "os_name == 'a' and ((os_name == 'b' or os_name == 'c'))",
	  "os_name == \"a\" and (os_name == \"b\" or os_name == \"c\")" },
	{ "(os_name == 'a' and os_name == 'b') or os_name == 'c'",
	  "(os_name == \"a\" and os_name == \"b\") or os_name == \"c\"" },
	{ "python_version>='3'and(os_name=='a'or os_name=='b')",
	  "python_version >= \"3\" and (os_name == \"a\" or os_name == \"b\")" },
	{ "os_name == 'a' or (os_name == 'b')", "os_name == \"a\" or os_name == \"b\"" },
	/* PEP 685: values compared with extra are normalized */
	{ "extra == 'Foo.Bar'", "extra == \"foo-bar\"" },
	{ "'Foo_Bar' == extra", "\"foo-bar\" == extra" },
	{ "extra in 'Foo_Bar'", "extra in \"foo-bar\"" },
	{ "'Foo_Bar' == 'extra'", "\"Foo_Bar\" == \"extra\"" },
	{ "extra == python_version", "extra == python_version" },
	{ "'x' in extras", "\"x\" in extras" },
	{ "'x' not in dependency_groups", "\"x\" not in dependency_groups" },
	/* quoting: single quotes when the value holds a double quote */
	{ "os_name == 'a\"b'", "os_name == 'a\"b'" },
	{ "os_name == \"it's\"", "os_name == \"it's\"" },
	/* Python string escapes are decoded */
	{ "os_name == '\\x41'", "os_name == \"A\"" },
	{ "os_name == '\\101\\u00e9\\U0001F600'", "os_name == \"A\xc3\xa9\xf0\x9f\x98\x80\"" },
	{ "os_name == 'a\\\nb'", "os_name == \"ab\"" },
	/* values packaging cannot print back are written with escapes */
	{ "os_name == 'C:\\\\temp'", "os_name == \"C:\\\\temp\"" },
	{ "os_name == 'a\\qb'", "os_name == \"a\\\\qb\"" },
	{ "os_name == 'a\\nb'", "os_name == \"a\\nb\"" },
	{ "os_name == 'a\\x00b'", "os_name == \"a\\x00b\"" },
	{ "os_name == 'a\\x22\\x27'", "os_name == 'a\"\\x27'" },
	/* word boundaries are Unicode-aware, as Python's \b */
	{ "os_name=='\xc3\xa9'and os_name=='x'",
	  "os_name == \"\xc3\xa9\" and os_name == \"x\"" },
};

START_TEST(format)
{
	struct pep_marker *m = NULL, *m2 = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT, sb2 = STRBUF_INIT;

	if (parse(&m, formats[_i].in, &err))
		ck_abort_msg("'%s' rejected: %s", formats[_i].in, err.msg);
	pep_marker_format(m, &sb);
	ck_assert_str_eq(sb.buf, formats[_i].out);
	/* the output reads back as itself */
	ck_assert_int_eq(pep_marker_parse(&m2, sb.buf, sb.len, &err), 0);
	pep_marker_format(m2, &sb2);
	ck_assert_str_eq(sb2.buf, sb.buf);
	ck_assert(pep__marker_equal(m, m2));
	pep_marker_free(m);
	pep_marker_free(m2);
	strbuf_release(&sb);
	strbuf_release(&sb2);
}
END_TEST

/* input, exact message */
static const struct {
	const char *in, *msg;
	int column;
} errors[] = {
	{ "", "expected marker variable or quoted string at column 1 in ''", 1 },
	{ " ", "expected marker variable or quoted string at column 2 in ' '", 2 },
	{ "python_version", "expected marker operator (one of <=, <, !=, ==, >=, >, ~=, ===, in, not in) at column 15 in 'python_version'", 15 },
	{ "python_version = \"3.8\"", "expected marker operator (one of <=, <, !=, ==, >=, >, ~=, ===, in, not in) at column 16 in 'python_version = \"3.8\"'", 16 },
	{ "python_version >= 3.8", "expected marker variable or quoted string at column 19 in 'python_version >= 3.8'", 19 },
	{ "Python_Version == \"3.8\"", "unknown marker variable 'Python_Version' at column 1 in 'Python_Version == \"3.8\"'", 1 },
	{ "platform.release == \"x\"", "unknown marker variable 'platform.release' at column 1 in 'platform.release == \"x\"'", 1 },
	{ "python_versions == \"x\"", "unknown marker variable 'python_versions' at column 1 in 'python_versions == \"x\"'", 1 },
	{ "and os_name == \"x\"", "expected marker variable or quoted string at column 1 in 'and os_name == \"x\"'", 1 },
	{ "python_version >= \"3.8\" andd os_name == \"nt\"", "expected 'and', 'or' or end of marker at column 25 in 'python_version >= \"3.8\" andd os_name == \"nt\"'", 25 },
	{ "python_version >= \"3.8\" or", "expected marker variable or quoted string at column 27 in 'python_version >= \"3.8\" or'", 27 },
	{ "(python_version >= \"3.8\"", "expected ')' at column 25 in '(python_version >= \"3.8\"'", 25 },
	{ "python_version >= \"3.8\" )", "expected 'and', 'or' or end of marker at column 25 in 'python_version >= \"3.8\" )'", 25 },
	{ "python_version >= '3.8", "unterminated quoted string at column 19 in 'python_version >= '3.8'", 19 },
	{ "os_name not\"x\"", "expected whitespace after 'not' at column 12 in 'os_name not\"x\"'", 12 },
	{ "os_name not x", "expected 'in' after 'not' at column 13 in 'os_name not x'", 13 },
	{ "os_name notin \"x\"", "expected marker operator (one of <=, <, !=, ==, >=, >, ~=, ===, in, not in) at column 9 in 'os_name notin \"x\"'", 9 },
	{ "os_name == \"C:\\\"", "invalid quoted string at column 12 in 'os_name == \"C:\\\"'", 12 },
	{ "os_name == \"\\x4\"", "invalid quoted string at column 12 in 'os_name == \"\\x4\"'", 12 },
	{ "os_name == 'a\\'b'", "invalid quoted string at column 12 in 'os_name == 'a\\'b''", 12 },
	{ "os_name == \"\\N{DASH}\"", "invalid quoted string at column 12 in 'os_name == \"\\N{DASH}\"'", 12 },
	{ "os_name == \"\\U00110000\"", "invalid quoted string at column 12 in 'os_name == \"\\U00110000\"'", 12 },
	{ "os_name == \"a\nb\"", "invalid quoted string at column 12 in 'os_name == \"a\\x0ab\"'", 12 },
	{ "python_version >= \"3\"\n", "expected 'and', 'or' or end of marker at column 22 in 'python_version >= \"3\"\\x0a'", 22 },
	{ "python_version >= \"3\"\r", "expected 'and', 'or' or end of marker at column 22 in 'python_version >= \"3\"\\x0d'", 22 },
	{ "os_name == \"a\" and and", "expected marker variable or quoted string at column 20 in 'os_name == \"a\" and and'", 20 },
	{ "os_name==\"a\"andos_name==\"b\"", "expected 'and', 'or' or end of marker at column 13 in 'os_name==\"a\"andos_name==\"b\"'", 13 },
	{ "os_name\xc3\xa9 == \"a\"", "unknown marker variable 'os_name\xc3\xa9' at column 1 in 'os_name\xc3\xa9 == \"a\"'", 1 },
};

START_TEST(error_messages)
{
	struct pep_marker *m = (struct pep_marker *)1;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&m, errors[_i].in, &err), -CVL_EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(err.code, CVL_EINVAL);
	ck_assert_str_eq(err.msg, errors[_i].msg);
	ck_assert_int_eq(err.column, errors[_i].column);
	/* a NULL error is fine too */
	ck_assert_int_eq(parse(&m, errors[_i].in, NULL), -CVL_EINVAL);
}
END_TEST

START_TEST(deep_nesting)
{
	struct pep_marker *m = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	const struct pep_env env = { .var = { [PEP_ENV_OS_NAME] = "posix" } };
	size_t i;
	bool res = false;

	/* 100 levels are fine */
	for (i = 0; i < 100; i++)
		strbuf_addch(&sb, '(');
	strbuf_addstr(&sb, "os_name == 'posix'");
	for (i = 0; i < 100; i++)
		strbuf_addch(&sb, ')');
	ck_assert_int_eq(pep_marker_parse(&m, sb.buf, sb.len, &err), 0);
	pep_marker_format(m, &out);
	ck_assert_str_eq(out.buf, "os_name == \"posix\"");
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), 0);
	ck_assert(res);
	pep_marker_free(m);

	/* 100,000 are refused without recursing that deep */
	strbuf_reset(&sb);
	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, '(');
	ck_assert_int_eq(pep_marker_parse(&m, sb.buf, sb.len, &err), -CVL_EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(err.column, 101);
	ck_assert(!strncmp(err.msg, "marker nested too deeply (more than 100 "
			   "parentheses) at column 101 in '(((", 71));
	ck_assert(strlen(err.msg) < 400);
	strbuf_release(&sb);
	strbuf_release(&out);
}
END_TEST

START_TEST(long_chain)
{
	struct pep_marker *m = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	const struct pep_env env = { .var = { [PEP_ENV_OS_NAME] = "posix" } };
	size_t i;
	bool res = false;

	/* a flat list is a loop, not recursion */
	for (i = 0; i < 20000; i++)
		strbuf_addstr(&sb, i ? " or os_name == 'nt'" : "os_name == 'nt'");
	strbuf_addstr(&sb, " or (os_name == 'posix' and 'z' not in os_name)");
	ck_assert_int_eq(pep_marker_parse(&m, sb.buf, sb.len, &err), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), 0);
	ck_assert(res);
	pep_marker_free(m);
	strbuf_release(&sb);
}
END_TEST

START_TEST(not_nul_terminated)
{
	struct pep_marker *m = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char buf[] = "os_name == 'a' and os_name == 'b'";
	char *exact;

	/* Only the first 14 bytes. */
	ck_assert_int_eq(pep_marker_parse(&m, buf, 14, &err), 0);
	pep_marker_format(m, &sb);
	ck_assert_str_eq(sb.buf, "os_name == \"a\"");
	pep_marker_free(m);
	/* The string ends inside the quotes. */
	ck_assert_int_eq(pep_marker_parse(&m, buf, 13, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "unterminated quoted string at column 12 in 'os_name == 'a'");

	/* A heap copy without a terminator (checked by ASan). */
	exact = xmalloc(14);
	memcpy(exact, buf, 14);
	ck_assert_int_eq(pep_marker_parse(&m, exact, 14, &err), 0);
	pep_marker_free(m);
	ck_assert_int_eq(pep_marker_parse(&m, exact, 11, &err), -CVL_EINVAL);
	free(exact);

	/* NUL bytes are data, and refused inside a quoted string */
	ck_assert_int_eq(pep_marker_parse(&m, "os_name == 'a\0b'", 16, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid quoted string at column 12 in 'os_name == 'a\\x00b''");
	ck_assert_int_eq(pep_marker_parse(&m, "os_name == 'a'\0", 15, &err), -CVL_EINVAL);
	strbuf_release(&sb);
}
END_TEST

/* ---- evaluation ------------------------------------------------------- */

static const char *const linux311[PEP_ENV_NSTRVARS] = {
	[PEP_ENV_IMPLEMENTATION_NAME] = "cpython",
	[PEP_ENV_IMPLEMENTATION_VERSION] = "3.11.7",
	[PEP_ENV_OS_NAME] = "posix",
	[PEP_ENV_PLATFORM_MACHINE] = "x86_64",
	[PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION] = "CPython",
	[PEP_ENV_PLATFORM_RELEASE] = "6.5.0-1025-azure",
	[PEP_ENV_PLATFORM_SYSTEM] = "Linux",
	[PEP_ENV_PLATFORM_VERSION] = "#26~22.04.1-Ubuntu SMP",
	[PEP_ENV_PYTHON_FULL_VERSION] = "3.11.7",
	[PEP_ENV_PYTHON_VERSION] = "3.11",
	[PEP_ENV_SYS_PLATFORM] = "linux",
	[PEP_ENV_EXTRA] = "",
};

static const char *const win38[PEP_ENV_NSTRVARS] = {
	"cpython", "3.8.10", "nt", "AMD64", "CPython", "10", "Windows",
	"10.0.19045", "3.8.10", "3.8", "win32", "",
};

static const char *const pypy[PEP_ENV_NSTRVARS] = {
	"pypy", "7.3.13", "posix", "aarch64", "PyPy", "5.15.0", "Linux",
	"#1 SMP", "3.10.13", "3.10", "linux", "",
};

static const char *const devbuild[PEP_ENV_NSTRVARS] = {
	"cpython", "3.13.0a2", "posix", "x86_64", "CPython", "6.1.0", "Linux",
	"#1 SMP", "3.13.0a2+", "3.13", "linux", "",
};

static const char *const lock_extras[] = { "bar", "Foo_Bar" };
static const char *const lock_groups[] = { "dev" };

static bool make_env(const char *name, struct pep_env *env)
{
	const char *const *vars = NULL;
	int i;

	memset(env, 0, sizeof(*env));
	if (!strcmp(name, "linux311") || !strcmp(name, "extra") ||
	    !strcmp(name, "noextra"))
		vars = linux311;
	else if (!strcmp(name, "win38"))
		vars = win38;
	else if (!strcmp(name, "pypy"))
		vars = pypy;
	else if (!strcmp(name, "devbuild"))
		vars = devbuild;
	else if (strcmp(name, "lock"))
		return false;
	for (i = 0; vars && i < PEP_ENV_NSTRVARS; i++)
		env->var[i] = vars[i];
	if (!strcmp(name, "extra"))
		env->var[PEP_ENV_EXTRA] = "Test_X";
	if (!strcmp(name, "noextra"))
		env->var[PEP_ENV_EXTRA] = NULL;
	if (!strcmp(name, "lock")) {
		env->has_extras = true;
		env->extras = lock_extras;
		env->nextras = ARRAY_SIZE(lock_extras);
		env->has_dependency_groups = true;
		env->dependency_groups = lock_groups;
		env->ndependency_groups = ARRAY_SIZE(lock_groups);
	}
	return true;
}

START_TEST(evaluate_table)
{
	FILE *f = fopen(unit_data_path("marker_eval.data"), "r");
	char line[1024];
	int lineno = 0, cases = 0;

	ck_assert_msg(f != NULL, "cannot open %s", unit_data_path("marker_eval.data"));
	while (fgets(line, sizeof(line), f)) {
		char envname[32], want[32];
		struct pep_marker *m = NULL, *d;
		struct cvl_error err = CVL_ERROR_INIT;
		struct pep_env env;
		const char *marker;
		int n = 0, ret;
		bool res = false, res2 = false;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (sscanf(line, "%31s %31s %n", envname, want, &n) != 2 || !n)
			ck_abort_msg("marker_eval.data:%d: malformed line", lineno);
		marker = line + n;
		ck_assert_msg(make_env(envname, &env),
			      "marker_eval.data:%d: unknown env '%s'", lineno, envname);
		if (parse(&m, marker, &err))
			ck_abort_msg("marker_eval.data:%d: '%s' rejected: %s",
				     lineno, marker, err.msg);
		ret = pep_marker_evaluate(m, &env, &res, &err);
		if (!strcmp(want, "true") || !strcmp(want, "false")) {
			ck_assert_msg(ret == 0, "marker_eval.data:%d: %s", lineno, err.msg);
			ck_assert_msg(res == !strcmp(want, "true"),
				      "marker_eval.data:%d: '%s' is %s", lineno,
				      marker, res ? "true" : "false");
		} else if (!strcmp(want, "undefined-comparison") ||
			   !strcmp(want, "undefined-name")) {
			const char *prefix = want[10] == 'c' ? "undefined comparison "
							      : "undefined environment name ";

			ck_assert_msg(ret == -CVL_EUNDEFINED,
				      "marker_eval.data:%d: '%s' gave %d (%s)",
				      lineno, marker, ret, res ? "true" : "false");
			ck_assert_int_eq(err.code, CVL_EUNDEFINED);
			ck_assert_msg(!strncmp(err.msg, prefix, strlen(prefix)),
				      "marker_eval.data:%d: message '%s'", lineno,
				      err.msg);
		} else {
			ck_abort_msg("marker_eval.data:%d: bad result '%s'", lineno, want);
		}
		/* a copy evaluates the same */
		d = pep_marker_dup(m);
		pep_marker_free(m);
		ck_assert_msg(pep_marker_evaluate(d, &env, &res2, NULL) == ret &&
			      res2 == res, "marker_eval.data:%d: the copy differs",
			      lineno);
		pep_marker_free(d);
		cases++;
	}
	fclose(f);
	ck_assert_int_gt(cases, 80);
}
END_TEST

START_TEST(evaluate_messages)
{
	struct pep_marker *m = NULL;
	struct cvl_error err = CVL_ERROR_INIT;
	struct pep_env env;
	bool res = true;

	make_env("linux311", &env);
	ck_assert_int_eq(parse(&m, "os_name ~= 'x'", NULL), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), -CVL_EUNDEFINED);
	ck_assert(!res);
	ck_assert_str_eq(err.msg, "undefined comparison 'posix' ~= 'x' in marker 'os_name ~= \"x\"'");
	pep_marker_free(m);

	ck_assert_int_eq(parse(&m, "python_version < '3' or 'foo' in extras", NULL), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), -CVL_EUNDEFINED);
	ck_assert_str_eq(err.msg, "undefined environment name 'extras' in marker '\"foo\" in extras'");
	pep_marker_free(m);

	ck_assert_int_eq(parse(&m, "'a' == 'b'", NULL), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), -CVL_EUNDEFINED);
	ck_assert_str_eq(err.msg, "undefined environment name 'b' in marker '\"a\" == \"b\"'");
	pep_marker_free(m);

	make_env("lock", &env);
	ck_assert_int_eq(parse(&m, "extras == 'a'", NULL), 0);
	ck_assert_int_eq(pep_marker_evaluate(m, &env, &res, &err), -CVL_EUNDEFINED);
	ck_assert_str_eq(err.msg, "undefined comparison 'extras' == 'a' in marker 'extras == \"a\"' (a set can only be on the right of 'in' or 'not in')");
	pep_marker_free(m);
}
END_TEST

START_TEST(uses_extra_and_dup)
{
	static const struct {
		const char *in;
		bool uses;
	} cases[] = {
		{ "extra == 'a'", true },
		{ "'a' == extra", true },
		{ "'a' == 'extra'", true },
		{ "os_name == 'extra'", false },
		{ "'a' in extras", false },
		{ "python_version > '3' and (os_name == 'nt' or extra == 'x')", true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pep_marker *m = NULL, *d;
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		ck_assert_int_eq(parse(&m, cases[i].in, NULL), 0);
		ck_assert_int_eq(pep_marker_uses_extra(m), cases[i].uses);
		d = pep_marker_dup(m);
		pep_marker_free(m);
		ck_assert_int_eq(pep_marker_uses_extra(d), cases[i].uses);
		pep_marker_format(d, &a);
		ck_assert_int_eq(parse(&m, a.buf, NULL), 0);
		pep_marker_format(m, &b);
		ck_assert_str_eq(a.buf, b.buf);
		pep_marker_free(m);
		pep_marker_free(d);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	ck_assert_ptr_null(pep_marker_dup(NULL));
	pep_marker_free(NULL);
	ck_assert_str_eq(pep_env_var_name(PEP_ENV_PLATFORM_PYTHON_IMPLEMENTATION),
			 "platform_python_implementation");
	ck_assert_str_eq(pep_env_var_name(PEP_ENV_EXTRA), "extra");
}
END_TEST

Suite *suite_pep_marker(void)
{
	Suite *s = suite_create("pep_marker");
	TCase *tc = tcase_create("markers");

	tcase_add_loop_test(tc, format, 0, (int)ARRAY_SIZE(formats));
	tcase_add_loop_test(tc, error_messages, 0, (int)ARRAY_SIZE(errors));
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, long_chain);
	tcase_add_test(tc, not_nul_terminated);
	tcase_add_test(tc, evaluate_table);
	tcase_add_test(tc, evaluate_messages);
	tcase_add_test(tc, uses_extra_and_dup);
	suite_add_tcase(s, tc);
	return s;
}
