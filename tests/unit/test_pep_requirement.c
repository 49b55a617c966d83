/* test_pep_requirement.c - PEP 508 requirements */
#include "tests/unit/unit.h"
#include "pep/pep.h"

static int parse(struct pep_requirement *r, const char *s, struct cvl_error *err)
{
	return pep_requirement_parse(r, s, strlen(s), err);
}

/* input, name, extras (joined by ','), specifier, url, marker, str() */
static const struct {
	const char *in, *name, *extras, *spec, *url, *marker, *str;
} reqs[] = {
	{ "name", "name", "", "", NULL, NULL, "name" },
	{ "  Name.Dots_and-dashes  ", "Name.Dots_and-dashes", "", "", NULL, NULL,
	  "Name.Dots_and-dashes" },
	{ "name>=1.0", "name", "", ">=1.0", NULL, NULL, "name>=1.0" },
	{ "name >= 1.0 , < 2", "name", "", "<2,>=1.0", NULL, NULL, "name<2,>=1.0" },
	{ "name (>=1.0, <2)", "name", "", "<2,>=1.0", NULL, NULL, "name<2,>=1.0" },
	{ "name\t(\t==\t1.0\t)\t", "name", "", "==1.0", NULL, NULL, "name==1.0" },
	{ "name ()", "name", "", "", NULL, NULL, "name" },
	{ "name>=1.0,", "name", "", ">=1.0", NULL, NULL, "name>=1.0" },
	{ "name==1.0.*", "name", "", "==1.0.*", NULL, NULL, "name==1.0.*" },
	{ "name==1.0+Local.1", "name", "", "==1.0+Local.1", NULL, NULL, "name==1.0+Local.1" },
	{ "name===arbitrary", "name", "", "===arbitrary", NULL, NULL, "name===arbitrary" },
	{ "name===1.0,>=2", "name", "", "===1.0,>=2", NULL, NULL, "name===1.0,>=2" },
	{ "name~=1.0", "name", "", "~=1.0", NULL, NULL, "name~=1.0" },
	{ "name==v1.0", "name", "", "==v1.0", NULL, NULL, "name==v1.0" },
	{ "name[b,a,b]", "name", "a,b", "", NULL, NULL, "name[a,b]" },
	{ "name[ B , a ]", "name", "B,a", "", NULL, NULL, "name[B,a]" },
	{ "name[]", "name", "", "", NULL, NULL, "name" },
	{ "name[a.b-c_d]>=1", "name", "a.b-c_d", ">=1", NULL, NULL, "name[a.b-c_d]>=1" },
	{ "name; python_version>'3'", "name", "", "", NULL,
	  "python_version > \"3\"", "name; python_version > \"3\"" },
	{ "name;python_version>'3'", "name", "", "", NULL,
	  "python_version > \"3\"", "name; python_version > \"3\"" },
	{ "name>=1;(extra=='Foo_Bar')", "name", "", ">=1", NULL,
	  "extra == \"foo-bar\"", "name>=1; extra == \"foo-bar\"" },
	{ "name @ https://x/y.whl", "name", "", "", "https://x/y.whl", NULL,
	  "name @ https://x/y.whl" },
	{ "name@https://x/y.whl", "name", "", "", "https://x/y.whl", NULL,
	  "name @ https://x/y.whl" },
	{ "name[x] @ https://x/y.whl ; os_name == 'nt'", "name", "x", "",
	  "https://x/y.whl", "os_name == \"nt\"",
	  "name[x] @ https://x/y.whl ; os_name == \"nt\"" },
	{ "name @ https://x/a;b?c#d", "name", "", "", "https://x/a;b?c#d", NULL,
	  "name @ https://x/a;b?c#d" },
	{ "name @ https://x ", "name", "", "", "https://x", NULL, "name @ https://x" },
	{ "name @ file:///a\r", "name", "", "", "file:///a\r", NULL,
	  "name @ file:///a\r" },
	{ "name >= \xe2\x80\x83" "1.0", "name", "", ">=1.0", NULL, NULL, "name>=1.0" },
};

static void join(const struct strvec *sv, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < sv->nr; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addstr(out, sv->v[i]);
	}
}

START_TEST(parse_fields)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT, r2 = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;

	if (parse(&r, reqs[_i].in, &err))
		ck_abort_msg("'%s' rejected: %s", reqs[_i].in, err.msg);
	ck_assert_str_eq(r.name, reqs[_i].name);
	join(&r.extras, &sb);
	ck_assert_str_eq(sb.buf, reqs[_i].extras);
	strbuf_reset(&sb);
	pep_specset_format(&r.spec, &sb);
	ck_assert_str_eq(sb.buf, reqs[_i].spec);
	if (reqs[_i].url)
		ck_assert_str_eq(r.url, reqs[_i].url);
	else
		ck_assert_ptr_null(r.url);
	strbuf_reset(&sb);
	if (reqs[_i].marker) {
		ck_assert_ptr_nonnull(r.marker);
		pep_marker_format(r.marker, &sb);
		ck_assert_str_eq(sb.buf, reqs[_i].marker);
	} else {
		ck_assert_ptr_null(r.marker);
	}
	strbuf_reset(&sb);
	pep_requirement_format(&r, &sb);
	ck_assert_str_eq(sb.buf, reqs[_i].str);

	/* str() parses back to an equal requirement with the same str() */
	ck_assert_int_eq(pep_requirement_parse(&r2, sb.buf, sb.len, &err), 0);
	ck_assert(pep_requirement_equal(&r, &r2));
	strbuf_reset(&sb);
	pep_requirement_format(&r2, &sb);
	ck_assert_str_eq(sb.buf, reqs[_i].str);

	pep_requirement_release(&r);
	pep_requirement_release(&r2);
	pep_requirement_release(&r2);
	strbuf_release(&sb);
}
END_TEST

/* input, exact message, column */
static const struct {
	const char *in, *msg;
	int column;
} errors[] = {
	{ "", "expected package name at column 1 in ''", 1 },
	{ "  ", "expected package name at column 3 in '  '", 3 },
	{ "==0.0", "expected package name at column 1 in '==0.0'", 1 },
	{ "-name", "expected package name at column 1 in '-name'", 1 },
	{ "name-", "expected version specifier, '@', ';' or end at column 5 in 'name-'", 5 },
	{ "na me", "expected version specifier, '@', ';' or end at column 4 in 'na me'", 4 },
	{ "foo>=", "expected version after '>=' at column 6 in 'foo>='", 6 },
	{ "foo >= ", "expected version after '>=' at column 8 in 'foo >= '", 8 },
	{ "name==", "expected version after '==' at column 7 in 'name=='", 7 },
	{ "name~=1", "expected version with at least two release numbers after '~=' at column 7 in 'name~=1'", 7 },
	{ "name>=1.0,<", "expected version after '<' at column 12 in 'name>=1.0,<'", 12 },
	{ "name>=1,,", "expected version specifier after ',' at column 9 in 'name>=1,,'", 9 },
	{ "name 1.0", "expected version specifier, '@', ';' or end at column 6 in 'name 1.0'", 6 },
	{ "name >= 1.0 <= 2.0", "expected ',', ';' or end after version specifier at column 13 in 'name >= 1.0 <= 2.0'", 13 },
	{ "name >= 1.0 #", "expected ',', ';' or end after version specifier at column 13 in 'name >= 1.0 #'", 13 },
	{ "name>=1\r", "expected ',', ';' or end after version specifier at column 8 in 'name>=1\\x0d'", 8 },
	{ "name>=1\r\n", "expected ',', ';' or end after version specifier at column 8 in 'name>=1\\x0d\\x0a'", 8 },
	{ "name>=1\n", "expected ',', ';' or end after version specifier at column 8 in 'name>=1\\x0a'", 8 },
	{ "name (>=1.0", "expected ')' at column 12 in 'name (>=1.0'", 12 },
	{ "name (", "expected version specifier or ')' at column 7 in 'name ('", 7 },
	{ "name == 1.2.3.post4.*", "'.*' suffix cannot follow a pre-release, post-release, developmental release or local version label at column 20 in 'name == 1.2.3.post4.*'", 20 },
	{ "name >= 1.0.*", "'.*' suffix can only be used with '==' or '!=' at column 12 in 'name >= 1.0.*'", 12 },
	{ "name > 1.0+local", "local version label can only be used with '==' or '!=' at column 11 in 'name > 1.0+local'", 11 },
	{ "name[", "expected extra name or ']' at column 6 in 'name['", 6 },
	{ "name[,a]", "expected extra name or ']' at column 6 in 'name[,a]'", 6 },
	{ "name[a,]", "expected extra name after ',' at column 8 in 'name[a,]'", 8 },
	{ "name[a", "expected ',' or ']' after extra name at column 7 in 'name[a'", 7 },
	{ "name[a b]", "expected ',' between extra names at column 8 in 'name[a b]'", 8 },
	{ "name]", "expected version specifier, '@', ';' or end at column 5 in 'name]'", 5 },
	{ "name @ ", "expected URL after '@' at column 8 in 'name @ '", 8 },
	{ "name @ https://x extra", "expected ';' or end after URL at column 18 in 'name @ https://x extra'", 18 },
	{ "name; ", "expected marker after ';' at column 7 in 'name; '", 7 },
	{ "name==1.0 ;", "expected marker after ';' at column 12 in 'name==1.0 ;'", 12 },
	{ "name; invalid_name", "unknown marker variable 'invalid_name' at column 7 in 'name; invalid_name'", 7 },
	{ "name; (os_name == 'a'", "expected ')' at column 22 in 'name; (os_name == 'a''", 22 },
	{ "name; os_name == 'a' foo", "expected 'and', 'or' or end of requirement at column 22 in 'name; os_name == 'a' foo'", 22 },
	{ "name; python_version >= \"3\"\r", "expected 'and', 'or' or end of requirement at column 28 in 'name; python_version >= \"3\"\\x0d'", 28 },
	{ "demo===x,y", "invalid version specifier '===x,y' at column 5 in 'demo===x,y'", 5 },
};

START_TEST(error_messages)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&r, errors[_i].in, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, errors[_i].msg);
	ck_assert_int_eq(err.column, errors[_i].column);
	/* left empty */
	ck_assert_ptr_null(r.name);
	ck_assert_uint_eq(r.extras.nr, 0);
	ck_assert_uint_eq(r.spec.nr, 0);
	ck_assert_ptr_null(r.url);
	ck_assert_ptr_null(r.marker);
	ck_assert_int_eq(parse(&r, errors[_i].in, NULL), -CVL_EINVAL);
	pep_requirement_release(&r);
}
END_TEST

START_TEST(hints)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&r, "name @ https://x; extra == 'a'", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "expected ';' or end after URL at column 19 in 'name @ https://x; extra == 'a''");
	ck_assert_str_eq(err.hint, "a ';' right after a URL is part of the URL: put a space before it");
	ck_assert_int_eq(parse(&r, "a @ https://x/a b.whl", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "expected ';' or end after URL at column 17 in 'a @ https://x/a b.whl'");
	ck_assert_str_eq(err.hint, "a URL ends at the first space (write spaces in it as %20)");
	ck_assert_int_eq(parse(&r, "demo===x,y", &err), -CVL_EINVAL);
	ck_assert(strstr(err.hint, "'===x,y'") != NULL);
	/* a later error does not keep an old hint */
	ck_assert_int_eq(parse(&r, "name[", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.hint, "");
}
END_TEST

static const struct {
	const char *a, *b;
	bool equal;
} equals[] = {
	{ "packaging>20.1", "packaging>20.1", true },
	{ "scikit-learn==1.0.1", "scikit_learn==1.0.1", true },
	{ "Foo.Bar", "foo-bar", true },
	{ "foo==1.0.0", "foo==1.0.0.0", true },
	{ "foo>=1,<2", "foo<2,>=1", true },
	{ "urllib3[secure]", "urllib3[SECURE]", true },
	{ "x[all-blue]", "x[all___blue]", true },
	{ "x[a_b,a-b]", "x[a.b]", true },
	{ "x[a]", "x[a,b]", false },
	{ "x[a]", "x", false },
	{ "x; os_name=='a'", "x ; os_name == \"a\"", true },
	{ "x; (os_name=='a')", "x; os_name == 'a'", true },
	{ "x; extra=='Foo'", "x; extra == 'foo'", true },
	{ "x; os_name=='a'", "x", false },
	{ "x; os_name=='a'", "x; os_name=='b'", false },
	{ "x @ https://a", "x @ https://a", true },
	{ "x @ https://a", "x @ https://b", false },
	{ "x @ https://a", "x", false },
	{ "packaging>20.1", "packaging>=20.1", false },
	{ "package_one", "package_two", false },
};

START_TEST(equality)
{
	struct pep_requirement a = PEP_REQUIREMENT_INIT, b = PEP_REQUIREMENT_INIT;

	ck_assert_int_eq(parse(&a, equals[_i].a, NULL), 0);
	ck_assert_int_eq(parse(&b, equals[_i].b, NULL), 0);
	ck_assert_int_eq(pep_requirement_equal(&a, &b), equals[_i].equal);
	ck_assert_int_eq(pep_requirement_equal(&b, &a), equals[_i].equal);
	ck_assert(pep_requirement_equal(&a, &a));
	pep_requirement_release(&a);
	pep_requirement_release(&b);
}
END_TEST

START_TEST(reuse_and_lengths)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	const char buf[] = "name[x]>=1.0; os_name == 'nt' and extra == 'x'";
	char *exact;
	size_t n;

	ck_assert_int_eq(parse(&r, buf, NULL), 0);
	/* Parsing again replaces everything. */
	ck_assert_int_eq(parse(&r, "other", NULL), 0);
	pep_requirement_format(&r, &sb);
	ck_assert_str_eq(sb.buf, "other");
	ck_assert_uint_eq(r.extras.nr, 0);
	ck_assert_ptr_null(r.marker);

	/* Only the first 12 bytes: "name[x]>=1.0". */
	ck_assert_int_eq(pep_requirement_parse(&r, buf, 12, NULL), 0);
	strbuf_reset(&sb);
	pep_requirement_format(&r, &sb);
	ck_assert_str_eq(sb.buf, "name[x]>=1.0");

	/* A heap copy with no terminator (checked by ASan). */
	n = strlen(buf);
	exact = xmalloc(n);
	memcpy(exact, buf, n);
	ck_assert_int_eq(pep_requirement_parse(&r, exact, n, NULL), 0);
	ck_assert(pep_marker_uses_extra(r.marker));
	ck_assert_int_eq(pep_requirement_parse(&r, exact, n - 1, NULL), -CVL_EINVAL);
	free(exact);

	/* A NUL byte is a character like any other, and not valid here. */
	ck_assert_int_eq(pep_requirement_parse(&r, "name\0", 5, NULL), -CVL_EINVAL);
	ck_assert_int_eq(pep_requirement_parse(&r, "name @ x\0y", 10, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "unexpected NUL byte in URL at column 9 in 'name @ x\\x00y'");
	pep_requirement_release(&r);
	strbuf_release(&sb);
}
END_TEST

START_TEST(deep_marker)
{
	struct pep_requirement r = PEP_REQUIREMENT_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&sb, "name; ");
	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, '(');
	ck_assert_int_eq(pep_requirement_parse(&r, sb.buf, sb.len, &err), -CVL_EINVAL);
	ck_assert_int_eq(err.column, 107);
	ck_assert(!strncmp(err.msg, "marker nested too deeply", 24));
	strbuf_release(&sb);
	pep_requirement_release(&r);
}
END_TEST

Suite *suite_pep_requirement(void)
{
	Suite *s = suite_create("pep_requirement");
	TCase *tc = tcase_create("requirements");

	tcase_add_loop_test(tc, parse_fields, 0, (int)ARRAY_SIZE(reqs));
	tcase_add_loop_test(tc, error_messages, 0, (int)ARRAY_SIZE(errors));
	tcase_add_test(tc, hints);
	tcase_add_loop_test(tc, equality, 0, (int)ARRAY_SIZE(equals));
	tcase_add_test(tc, reuse_and_lengths);
	tcase_add_test(tc, deep_marker);
	suite_add_tcase(s, tc);
	return s;
}
