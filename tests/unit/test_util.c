/* test_util.c - strbuf, strvec, arena, errors */
#include "tests/unit/unit.h"

START_TEST(strbuf_basic)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_str_eq(sb.buf, "");
	strbuf_addstr(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_addf(&sb, "%d/%s", 42, "x");
	strbuf_add_u64(&sb, UINT64_MAX);
	ck_assert_str_eq(sb.buf, "abc-42/x18446744073709551615");
	strbuf_setlen(&sb, 3);
	ck_assert_str_eq(sb.buf, "abc");
	strbuf_release(&sb);
	ck_assert_str_eq(sb.buf, "");
}
END_TEST

START_TEST(strbuf_limit)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t n;

	sb.limit = 4;
	ck_assert_int_eq(strbuf_add_checked(&sb, "abcd", 4), 0);
	ck_assert_int_eq(strbuf_add_checked(&sb, "e", 1), -CVL_ETOOBIG);
	ck_assert_str_eq(sb.buf, "abcd");
	s = strbuf_detach(&sb, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(s, "abcd");
	free(s);
	s = strbuf_detach(&sb, &n);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(strvec_basic)
{
	struct strvec sv = STRVEC_INIT;

	ck_assert_ptr_null(sv.v[0]);
	strvec_push(&sv, "b");
	strvec_pushn(&sv, "abc", 1);
	strvec_pushf(&sv, "c%d", 1);
	strvec_sort(&sv);
	ck_assert_uint_eq(sv.nr, 3);
	ck_assert_str_eq(sv.v[0], "a");
	ck_assert_str_eq(sv.v[1], "b");
	ck_assert_str_eq(sv.v[2], "c1");
	ck_assert_ptr_null(sv.v[3]);
	strvec_clear(&sv);
	ck_assert_uint_eq(sv.nr, 0);
}
END_TEST

START_TEST(arena_basic)
{
	struct arena a = ARENA_INIT;
	char *big, *s;
	int i;

	for (i = 0; i < 1000; i++) {
		s = arena_strndup(&a, "hello world", 5);
		ck_assert_str_eq(s, "hello");
		ck_assert_uint_eq((uintptr_t)s % 16, 0);
	}
	big = arena_alloc(&a, 1 << 21);
	memset(big, 1, 1 << 21);
	arena_release(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(error_basic)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int r = cvl_error_set(&err, CVL_EINVAL, "bad '%s'", "x");

	ck_assert_int_eq(r, -CVL_EINVAL);
	ck_assert_int_eq(err.code, CVL_EINVAL);
	ck_assert_str_eq(err.msg, "bad 'x'");
	cvl_error_at(&err, 3, 7);
	cvl_error_hint(&err, "try %s", "y");
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 7);
	ck_assert_str_eq(err.hint, "try y");
	ck_assert_int_eq(cvl_errcode_exit_status(r), 2);
	ck_assert_str_eq(cvl_errcode_text(-CVL_ENETWORK), "network error");
	ck_assert_int_eq(cvl_error_set(NULL, CVL_EIO, "x"), -CVL_EIO);
}
END_TEST

START_TEST(path_parts)
{
	static const struct { const char *in, *dir, *base; } cases[] = {
		{ "a/b/c", "a/b", "c" },
		{ "c", ".", "c" },
		{ "/c", "/", "c" },
		{ "a/", "a", "" },
		{ "../x.toml", "..", "x.toml" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *d = path_dirname_dup(cases[i].in);

		ck_assert_str_eq(d, cases[i].dir);
		ck_assert_str_eq(path_basename(cases[i].in), cases[i].base);
		free(d);
	}
}
END_TEST

START_TEST(run_basic)
{
	const char *echo[] = { "sh", "-c", "printf out; printf err >&2; exit 3",
			       NULL };
	const char *pwd[] = { "pwd", NULL };
	const char *cat[] = { "cat", NULL };
	const char *none[] = { "cvlock-no-such-program", NULL };
	const char *slow[] = { "sleep", "10", NULL };
	const char *big[] = { "head", "-c", "5000", "/dev/zero", NULL };
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct cvl_run r = { .argv = echo, .out = &out, .errout = &errout };

	ck_assert_int_eq(cvl_run(&r, &err), 0);
	ck_assert_int_eq(r.status, 3);
	ck_assert_str_eq(out.buf, "out");
	ck_assert_str_eq(errout.buf, "err");

	strbuf_reset(&out);
	r = (struct cvl_run){ .argv = pwd, .out = &out, .dir = "/" };
	ck_assert_int_eq(cvl_run(&r, &err), 0);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(out.buf, "/\n");

	/* stdin is /dev/null unless given */
	strbuf_reset(&out);
	r = (struct cvl_run){ .argv = cat, .out = &out };
	ck_assert_int_eq(cvl_run(&r, &err), 0);
	ck_assert_str_eq(out.buf, "");

	r = (struct cvl_run){ .argv = none };
	ck_assert_int_eq(cvl_run(&r, &err), -CVL_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "cvlock-no-such-program"));

	r = (struct cvl_run){ .argv = slow, .timeout_ms = 100 };
	ck_assert_int_eq(cvl_run(&r, &err), -CVL_EIO);
	ck_assert_ptr_nonnull(strstr(err.msg, "did not finish"));

	strbuf_reset(&out);
	r = (struct cvl_run){ .argv = big, .out = &out, .max_output = 4096 };
	ck_assert_int_eq(cvl_run(&r, &err), -CVL_EIO);
	ck_assert_uint_le(out.len, 4096);

	strbuf_release(&out);
	strbuf_release(&errout);
}
END_TEST

Suite *suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, strbuf_basic);
	tcase_add_test(tc, strbuf_limit);
	tcase_add_test(tc, strvec_basic);
	tcase_add_test(tc, arena_basic);
	tcase_add_test(tc, error_basic);
	tcase_add_test(tc, run_basic);
	tcase_add_test(tc, path_parts);
	suite_add_tcase(s, tc);
	return s;
}
