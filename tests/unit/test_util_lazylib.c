/*
 * test_util_lazylib.c - util/lazylib.c: the IMF-fixdate parser that keeps
 * the curl_getdate() shim from loading libcurl gives libcurl's own answer
 * for every date it takes, and refuses the rest; cvl_lib_load().  (This
 * program links libcurl and libcrypto itself: libcurl is what it compares
 * with.)
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "util/lazylib.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <time.h>

static void fmt_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	ck_assert_uint_gt(strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm),
			  0);
}

START_TEST(imf_fixdate_as_curl)
{
	/* 1970 to 2200 in steps that walk through every hour, minute, second */
	const int64_t step = 86400 * 3 + 3600 * 7 + 60 * 13 + 17;
	const time_t fixed[] = {
		0, 59, 951782400 /* 2000-02-29 */, 4107542400 /* 2100-03-01 */,
		1709164800 /* 2024-02-29 */, 2147483647, 2147483648,
		253402300799 /* 9999-12-31 23:59:59 */,
	};
	char buf[64];
	time_t t, got;
	size_t i, n = 0;
	int64_t s;

	for (s = 0; s < (int64_t)7258118400; s += step) {
		t = (time_t)s;
		fmt_date(t, buf, sizeof(buf));
		ck_assert_msg(cvl_imf_fixdate(buf, &got), "refused '%s'", buf);
		ck_assert_msg(got == t, "'%s': %lld, not %lld", buf,
			      (long long)got, (long long)t);
		ck_assert_msg(curl_getdate(buf, NULL) == t, "curl: '%s'", buf);
		n++;
	}
	ck_assert_uint_gt(n, 20000);
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		fmt_date(fixed[i], buf, sizeof(buf));
		ck_assert_msg(cvl_imf_fixdate(buf, &got) && got == fixed[i],
			      "'%s'", buf);
		ck_assert_msg(curl_getdate(buf, NULL) == fixed[i], "curl: '%s'",
			      buf);
	}
}
END_TEST

START_TEST(imf_fixdate_refuses)
{
	/* other formats and impossible dates: left to curl_getdate() */
	static const char *const bad[] = {
		"",
		"0",
		"Sun, 06 Nov 1994 08:49:37 GMT ",
		"Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 6 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994",
		"sun, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 nov 1994 08:49:37 GMT",
		"Xyz, 06 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nox 1994 08:49:37 GMT",
		"Sun, 00 Nov 1994 08:49:37 GMT",
		"Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 29 Feb 1900 08:49:37 GMT",
		"Sun, 29 Feb 2023 08:49:37 GMT",
		"Sun, 06 Nov 1969 08:49:37 GMT",
		"Sun, 06 Nov 1994 24:00:00 GMT",
		"Sun, 06 Nov 1994 08:60:37 GMT",
		"Sun, 06 Nov 1994 08:49:60 GMT",
		"Sun, 06 Nov 1994 08:49:3x GMT",
		"Sun, 06 Nov 199a 08:49:37 GMT",
		"Sun,_06 Nov 1994 08:49:37 GMT",
	};
	time_t got = 12345;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(!cvl_imf_fixdate(bad[i], &got), "took '%s'", bad[i]);
	ck_assert_int_eq(got, 12345);
	/* the weekday is not checked against the date, as by curl */
	ck_assert(cvl_imf_fixdate("Mon, 06 Nov 1994 08:49:37 GMT", &got));
	ck_assert_int_eq(got, 784111777);
	ck_assert_int_eq(curl_getdate("Mon, 06 Nov 1994 08:49:37 GMT", NULL),
			 784111777);
}
END_TEST

START_TEST(lib_load)
{
	struct cvl_error err = CVL_ERROR_INIT;

	/* linked here: loading finds the same library, or is not needed */
	ck_assert_int_eq(cvl_lib_load(CVL_LIB_CURL, &err), 0);
	ck_assert(cvl_lib_loaded(CVL_LIB_CURL));
	ck_assert_int_eq(cvl_lib_load(CVL_LIB_CURL, &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_int_eq(cvl_lib_load(CVL_LIB_CRYPTO, &err), 0);
	ck_assert(cvl_lib_loaded(CVL_LIB_CRYPTO));
	ck_assert_int_eq(err.code, 0);
#if CVL_LAZY_LIBS
	ck_assert_ptr_nonnull(cvl_lib_table(CVL_LIB_CURL));
	ck_assert_ptr_eq(cvl_lib_table(CVL_LIB_CURL)[CVL_SYM_curl_easy_init],
			 (void *)curl_easy_init);
	ck_assert_ptr_eq(cvl_lib_table(CVL_LIB_CRYPTO)[CVL_SYM_EVP_sha256],
			 (void *)EVP_sha256);
	ck_assert_ptr_eq(cvl_lib_table(CVL_LIB_CRYPTO)[CVL_SYM_EVP_Digest],
			 (void *)EVP_Digest);
#endif
}
END_TEST

Suite *suite_util_lazylib(void)
{
	Suite *s = suite_create("util_lazylib");
	TCase *tc = tcase_create("lazylib");

	tcase_add_test(tc, imf_fixdate_as_curl);
	tcase_add_test(tc, imf_fixdate_refuses);
	tcase_add_test(tc, lib_load);
	suite_add_tcase(s, tc);
	return s;
}
