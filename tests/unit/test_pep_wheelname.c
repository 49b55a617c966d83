/* test_pep_wheelname.c - wheel and sdist file names */
#include "tests/unit/unit.h"
#include "pep/pep.h"

static int parse(struct pep_wheelname *w, const char *fn, bool order,
		 struct cvl_error *err)
{
	return pep_wheelname_parse(w, fn, strlen(fn), order, err);
}

START_TEST(wheel_basic)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(parse(&w, "Foo.Bar_baz-1.0.POST1-7abc-CP311.py3-none-Any.whl",
			       false, NULL), 0);
	ck_assert_str_eq(w.name, "foo-bar-baz");
	pep_version_format(&w.version, &sb);
	ck_assert_str_eq(sb.buf, "1.0.post1");
	ck_assert(w.has_build);
	ck_assert_uint_eq(w.build_num.value, 7);
	ck_assert_ptr_null(w.build_num.digits);
	ck_assert_str_eq(w.build_tag, "abc");
	ck_assert_uint_eq(w.tags.nr, 2);
	ck_assert_str_eq(w.tags.v[0], "cp311-none-any");
	ck_assert_str_eq(w.tags.v[1], "py3-none-any");

	/* Parsing again into the same struct replaces everything. */
	ck_assert_int_eq(parse(&w, "x-2-py3-none-any.whl", false, NULL), 0);
	ck_assert_str_eq(w.name, "x");
	ck_assert(!w.has_build);
	ck_assert_str_eq(w.build_tag, "");
	ck_assert_uint_eq(w.tags.nr, 1);
	strbuf_release(&sb);
	pep_wheelname_release(&w);
	pep_wheelname_release(&w);
}
END_TEST

START_TEST(wheel_build_numbers)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(parse(&w, "a-1-000123-py3-none-any.whl", false, NULL), 0);
	ck_assert_uint_eq(w.build_num.value, 123);
	ck_assert_str_eq(w.build_tag, "");

	ck_assert_int_eq(parse(&w, "a-1-18446744073709551615x-py3-none-any.whl",
			       false, NULL), 0);
	ck_assert_ptr_null(w.build_num.digits);
	ck_assert_uint_eq(w.build_num.value, UINT64_MAX);
	ck_assert_str_eq(w.build_tag, "x");

	ck_assert_int_eq(parse(&w, "a-1-0018446744073709551616_y-py3-none-any.whl",
			       false, NULL), 0);
	ck_assert_ptr_nonnull(w.build_num.digits);
	pep_num_format(w.build_num, &sb);
	ck_assert_str_eq(sb.buf, "18446744073709551616");
	ck_assert_str_eq(w.build_tag, "_y");
	strbuf_release(&sb);
	pep_wheelname_release(&w);
}
END_TEST

/* Exact messages: the file, then what is wrong. */
static const struct {
	const char *fn;
	bool order;
	const char *msg;
} bad_wheels[] = {
	{ "foo-1.0.whl", false,
	  "invalid wheel filename 'foo-1.0.whl': expected 5 or 6 dash-separated parts, got 2" },
	{ "foo-1.0-py3-none-any.zip", false,
	  "invalid wheel filename 'foo-1.0-py3-none-any.zip': expected the extension '.whl'" },
	{ "foo-1.0-py3-none-any.WHL", false,
	  "invalid wheel filename 'foo-1.0-py3-none-any.WHL': expected the extension '.whl'" },
	{ "foo__bar-1.0-py3-none-any.whl", false,
	  "invalid wheel filename 'foo__bar-1.0-py3-none-any.whl': invalid project name 'foo__bar'" },
	{ "-1.0-py3-none-any.whl", false,
	  "invalid wheel filename '-1.0-py3-none-any.whl': invalid project name ''" },
	{ "foo-1.x-py3-none-any.whl", false,
	  "invalid wheel filename 'foo-1.x-py3-none-any.whl': invalid version '1.x'" },
	{ "foo-1.0-abc-py3-none-any.whl", false,
	  "invalid wheel filename 'foo-1.0-abc-py3-none-any.whl': invalid build number 'abc' (it must start with a digit)" },
	{ "foo-1.0-py3-none-.whl", false,
	  "invalid wheel filename 'foo-1.0-py3-none-.whl': empty component in tag 'py3-none-'" },
	{ "foo-1.0-py3-none.-.whl", false,
	  "invalid wheel filename 'foo-1.0-py3-none.-.whl': empty part in 'none.'" },
	{ "foo-1.0-2.7-none-any.whl", false,
	  "invalid wheel filename 'foo-1.0-2.7-none-any.whl': interpreter '2' is not an identifier" },
	{ "foo-1.0-py3.py2-none-any.whl", true,
	  "invalid wheel filename 'foo-1.0-py3.py2-none-any.whl': parts of 'py3.py2' are not in sorted order (PEP 425)" },
	{ "f\x01o-1.0-py3-none-any.whl", false,
	  "invalid wheel filename 'f\\x01o-1.0-py3-none-any.whl': invalid project name 'f\\x01o'" },
};

START_TEST(wheel_errors)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&w, bad_wheels[_i].fn, bad_wheels[_i].order, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, bad_wheels[_i].msg);
	ck_assert_ptr_null(w.name);
	ck_assert_uint_eq(w.tags.nr, 0);
	pep_wheelname_release(&w);
}
END_TEST

START_TEST(nul_bytes_are_refused)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct pep_version v = PEP_VERSION_INIT;
	struct strbuf name = STRBUF_INIT;
	struct strvec tags = STRVEC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char wheel[] = "a-1-1x\0y-py3-none-any.whl";
	const char sdist[] = "a\0b-1.zip";
	const char tag[] = "py3-no\0ne-any";

	ck_assert_int_eq(pep_wheelname_parse(&w, wheel, sizeof(wheel) - 1, false, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid wheel filename 'a-1-1x\\x00y-py3-none-any.whl': NUL byte at column 7");
	ck_assert_int_eq(pep_sdistname_parse(sdist, sizeof(sdist) - 1, &name, &v, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid sdist filename 'a\\x00b-1.zip': NUL byte at column 2");
	ck_assert_int_eq(pep_tag_parse(tag, sizeof(tag) - 1, &tags, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid tag 'py3-no\\x00ne-any': NUL byte at column 7 in tag");
	ck_assert_uint_eq(tags.nr, 0);
	ck_assert_uint_eq(name.len, 0);
}
END_TEST

START_TEST(wheel_order_only_when_asked)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;

	ck_assert_int_eq(parse(&w, "foo-1.0-py3.py2-none-any.whl", false, NULL), 0);
	ck_assert_uint_eq(w.tags.nr, 2);
	/* Sorted means non-decreasing: repeats are fine. */
	ck_assert_int_eq(parse(&w, "foo-1.0-py3.py3-none-any.whl", true, NULL), 0);
	ck_assert_uint_eq(w.tags.nr, 1);
	pep_wheelname_release(&w);
}
END_TEST

START_TEST(wheel_not_nul_terminated)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	const char buf[] = "foo-1.0-py3-none-any.whlXXXX";
	char *copy = xmemdup0(buf, 24);

	/* Only the first 24 bytes count; the copy has no slack at all. */
	copy[24] = 'X';
	ck_assert_int_eq(pep_wheelname_parse(&w, copy, 24, false, NULL), 0);
	ck_assert_str_eq(w.tags.v[0], "py3-none-any");
	free(copy);
	pep_wheelname_release(&w);
}
END_TEST

START_TEST(wheel_long_names_are_cut_in_messages)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf fn = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 1000; i++)
		strbuf_addch(&fn, 'a');
	strbuf_addstr(&fn, ".whl");
	ck_assert_int_eq(pep_wheelname_parse(&w, fn.buf, fn.len, false, &err),
			 -CVL_EINVAL);
	ck_assert(strstr(err.msg, "aaa...': expected 5 or 6 dash-separated parts, got 1"));
	ck_assert_uint_lt(strlen(err.msg), 300);
	strbuf_release(&fn);
}
END_TEST

START_TEST(wheel_huge_tag_sets_are_refused)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf fn = STRBUF_INIT;
	int i, c;

	/* 40 x 40 x 40 = 64000 tags from a 600-byte name. */
	strbuf_addstr(&fn, "a-1");
	for (c = 0; c < 3; c++) {
		strbuf_addch(&fn, '-');
		for (i = 0; i < 40; i++)
			strbuf_addf(&fn, "%sx%d", i ? "." : "", i);
	}
	strbuf_addstr(&fn, ".whl");
	ck_assert_int_eq(pep_wheelname_parse(&w, fn.buf, fn.len, false, &err),
			 -CVL_EINVAL);
	ck_assert(strstr(err.msg, ": compressed tag set expands to more than 4096 tags"));
	strbuf_release(&fn);
}
END_TEST

START_TEST(wheel_unicode_names)
{
	struct pep_wheelname w = PEP_WHEELNAME_INIT;

	ck_assert_int_eq(parse(&w, "foo_b\xc3\xa1r-1.0-py3-none-any.whl", false, NULL), 0);
	ck_assert_str_eq(w.name, "foo-b\xc3\xa1r");
	/* U+2014 EM DASH is not a word character; invalid UTF-8 is refused. */
	ck_assert_int_lt(parse(&w, "foo\xe2\x80\x94-1.0-py3-none-any.whl", false, NULL), 0);
	ck_assert_int_lt(parse(&w, "foo\xc3-1.0-py3-none-any.whl", false, NULL), 0);
	pep_wheelname_release(&w);
}
END_TEST

START_TEST(sdist_names)
{
	struct pep_version v = PEP_VERSION_INIT;
	struct strbuf name = STRBUF_INIT, ver = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *fn;

	fn = "Zope.Interface-01.0rc1.tar.gz";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), 0);
	ck_assert_str_eq(name.buf, "zope-interface");
	pep_version_format(&v, &ver);
	ck_assert_str_eq(ver.buf, "1.0rc1");

	/* The last dash splits: names may hold dashes. */
	strbuf_reset(&name);
	strbuf_reset(&ver);
	fn = "foo-bar-2.zip";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), 0);
	ck_assert_str_eq(name.buf, "foo-bar");

	fn = "foo-1.0.tgz";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid sdist filename 'foo-1.0.tgz': expected the extension '.tar.gz' or '.zip'");
	fn = "foo.tar.gz";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid sdist filename 'foo.tar.gz': expected a dash between name and version");
	fn = "-1.0.tar.gz";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid sdist filename '-1.0.tar.gz': empty project name");
	fn = "foo-1.x.zip";
	ck_assert_int_eq(pep_sdistname_parse(fn, strlen(fn), &name, &v, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid sdist filename 'foo-1.x.zip': invalid version '1.x'");
	strbuf_release(&name);
	strbuf_release(&ver);
	pep_version_release(&v);
}
END_TEST

Suite *suite_pep_wheelname(void)
{
	Suite *s = suite_create("pep_wheelname");
	TCase *tc = tcase_create("wheelname");

	tcase_add_test(tc, wheel_basic);
	tcase_add_test(tc, wheel_build_numbers);
	tcase_add_loop_test(tc, wheel_errors, 0, (int)ARRAY_SIZE(bad_wheels));
	tcase_add_test(tc, nul_bytes_are_refused);
	tcase_add_test(tc, wheel_order_only_when_asked);
	tcase_add_test(tc, wheel_not_nul_terminated);
	tcase_add_test(tc, wheel_long_names_are_cut_in_messages);
	tcase_add_test(tc, wheel_huge_tag_sets_are_refused);
	tcase_add_test(tc, wheel_unicode_names);
	tcase_add_test(tc, sdist_names);
	suite_add_tcase(s, tc);
	return s;
}
