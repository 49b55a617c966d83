/* test_url.c - util/url.c: RFC 3986 resolution, splitting, redaction, file URLs */
#include "tests/unit/unit.h"

/* RFC 3986 section 5.4, base "http://a/b/c/d;p?q", verbatim. */
static const char *const rfc_base = "http://a/b/c/d;p?q";
static const char *const rfc_normal[][2] = {
	{ "g:h", "g:h" },
	{ "g", "http://a/b/c/g" },
	{ "./g", "http://a/b/c/g" },
	{ "g/", "http://a/b/c/g/" },
	{ "/g", "http://a/g" },
	{ "//g", "http://g" },
	{ "?y", "http://a/b/c/d;p?y" },
	{ "g?y", "http://a/b/c/g?y" },
	{ "#s", "http://a/b/c/d;p?q#s" },
	{ "g#s", "http://a/b/c/g#s" },
	{ "g?y#s", "http://a/b/c/g?y#s" },
	{ ";x", "http://a/b/c/;x" },
	{ "g;x", "http://a/b/c/g;x" },
	{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
	{ "", "http://a/b/c/d;p?q" },
	{ ".", "http://a/b/c/" },
	{ "./", "http://a/b/c/" },
	{ "..", "http://a/b/" },
	{ "../", "http://a/b/" },
	{ "../g", "http://a/b/g" },
	{ "../..", "http://a/" },
	{ "../../", "http://a/" },
	{ "../../g", "http://a/g" },
};
static const char *const rfc_abnormal[][2] = {
	{ "../../../g", "http://a/g" },
	{ "../../../../g", "http://a/g" },
	{ "/./g", "http://a/g" },
	{ "/../g", "http://a/g" },
	{ "g.", "http://a/b/c/g." },
	{ ".g", "http://a/b/c/.g" },
	{ "g..", "http://a/b/c/g.." },
	{ "..g", "http://a/b/c/..g" },
	{ "./../g", "http://a/b/g" },
	{ "./g/.", "http://a/b/c/g/" },
	{ "g/./h", "http://a/b/c/g/h" },
	{ "g/../h", "http://a/b/c/h" },
	{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
	{ "g;x=1/../y", "http://a/b/c/y" },
	{ "g?y/./x", "http://a/b/c/g?y/./x" },
	{ "g?y/../x", "http://a/b/c/g?y/../x" },
	{ "g#s/./x", "http://a/b/c/g#s/./x" },
	{ "g#s/../x", "http://a/b/c/g#s/../x" },
	{ "http:g", "http:g" }, /* strict parsers */
};

static void check_resolve(const char *base, const char *ref, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	url_resolve(base, ref, &sb);
	ck_assert_msg(!strcmp(sb.buf, want), "resolve('%s', '%s') = '%s', want '%s'",
		      base, ref, sb.buf, want);
	strbuf_release(&sb);
}

START_TEST(resolve_rfc_normal)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rfc_normal); i++)
		check_resolve(rfc_base, rfc_normal[i][0], rfc_normal[i][1]);
}
END_TEST

START_TEST(resolve_rfc_abnormal)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rfc_abnormal); i++)
		check_resolve(rfc_base, rfc_abnormal[i][0], rfc_abnormal[i][1]);
}
END_TEST

START_TEST(resolve_index_links)
{
	const char *page = "https://pypi.org/simple/foo/";

	check_resolve(page, "../../packages/ab/cd/foo-1.0.tar.gz#sha256=00",
		      "https://pypi.org/packages/ab/cd/foo-1.0.tar.gz#sha256=00");
	check_resolve(page, "foo-1.0.tar.gz", "https://pypi.org/simple/foo/foo-1.0.tar.gz");
	check_resolve(page, "//files.example/x.whl", "https://files.example/x.whl");
	check_resolve(page, "/a/%2e%2e/b%20c", "https://pypi.org/a/%2e%2e/b%20c");
	check_resolve("https://u:p@h:8080/simple/foo", "bar",
		      "https://u:p@h:8080/simple/bar");
	check_resolve("http://h", "x", "http://h/x");
	check_resolve("file:///srv/wheels/", "foo-1.0-py3-none-any.whl",
		      "file:///srv/wheels/foo-1.0-py3-none-any.whl");
	check_resolve("file:///srv/wheels/index.html", "../other/a.whl",
		      "file:///srv/other/a.whl");
	check_resolve(page, "HTTPS://X/./y/../z?q#f", "HTTPS://X/z?q#f");
	check_resolve("https://[::1]:8000/simple/", "../p", "https://[::1]:8000/p");
}
END_TEST

START_TEST(split_parts)
{
	struct url_parts p;
	const char *u = "https://us:pa@ss@host.example:8443/a/b?c=d#e";

	url_split(u, strlen(u), &p);
	ck_assert(p.has_scheme && cvl_str_eq_cstr(p.scheme, "https"));
	ck_assert(p.has_userinfo && cvl_str_eq_cstr(p.userinfo, "us:pa@ss"));
	ck_assert(cvl_str_eq_cstr(p.host, "host.example"));
	ck_assert(p.has_port && cvl_str_eq_cstr(p.port, "8443"));
	ck_assert(cvl_str_eq_cstr(p.path, "/a/b"));
	ck_assert(p.has_query && cvl_str_eq_cstr(p.query, "c=d"));
	ck_assert(p.has_fragment && cvl_str_eq_cstr(p.fragment, "e"));

	u = "http://[::1]:80/";
	url_split(u, strlen(u), &p);
	ck_assert(cvl_str_eq_cstr(p.host, "[::1]"));
	ck_assert(cvl_str_eq_cstr(p.port, "80"));

	u = "a?";
	url_split(u, strlen(u), &p);
	ck_assert(!p.has_scheme && !p.has_authority);
	ck_assert(cvl_str_eq_cstr(p.path, "a"));
	ck_assert(p.has_query && p.query.len == 0 && !p.has_fragment);

	u = "1ab:c"; /* not a scheme: must start with a letter */
	url_split(u, strlen(u), &p);
	ck_assert(!p.has_scheme);
	ck_assert(url_is_absolute("file:/x"));
	ck_assert(!url_is_absolute("/x:y"));
}
END_TEST

static void check_redact(const char *url, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	url_redact(url, &sb);
	ck_assert_str_eq(sb.buf, want);
	strbuf_release(&sb);
}

static void check_strip(const char *url, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	url_strip_credentials(url, &sb);
	ck_assert_str_eq(sb.buf, want);
	strbuf_release(&sb);
}

START_TEST(redact_and_strip)
{
	check_redact("https://user:secret@host/simple/", "https://user:***@host/simple/");
	check_redact("https://user:p@ss:w@host:81/x", "https://user:***@host:81/x");
	check_redact("https://token@host/simple/", "https://***@host/simple/");
	check_redact("https://user:@host/", "https://user:***@host/");
	check_redact("https://host/a@b", "https://host/a@b");
	check_redact("https://host/?u=a:b@c", "https://host/?u=a:b@c");
	check_redact("not a url", "not a url");
	check_strip("https://user:secret@host/simple/#frag", "https://host/simple/#frag");
	check_strip("https://host/x", "https://host/x");
	check_strip("https://@host/x", "https://host/x");
}
END_TEST

START_TEST(fragments)
{
	struct strbuf sb = STRBUF_INIT;
	struct url_parts p;
	struct cvl_str v;
	const char *u = "https://h/f.whl#egg=x&sha256=ABCD&md5=";

	url_split(u, strlen(u), &p);
	ck_assert(url_fragment_get(p.fragment, "sha256", &v));
	ck_assert(cvl_str_eq_cstr(v, "ABCD"));
	ck_assert(url_fragment_get(p.fragment, "md5", &v));
	ck_assert_uint_eq(v.len, 0);
	ck_assert(url_fragment_get(p.fragment, "egg", &v));
	ck_assert(cvl_str_eq_cstr(v, "x"));
	ck_assert(!url_fragment_get(p.fragment, "sha512", &v));
	ck_assert(!url_fragment_get(p.fragment, "sha", &v));
	url_strip_fragment(u, &sb);
	ck_assert_str_eq(sb.buf, "https://h/f.whl");
	strbuf_release(&sb);
}
END_TEST

START_TEST(percent_decode)
{
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(url_percent_decode("a%20b%2Bc%2bd%zz%4", 18, &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "a b+c+d%zz%4");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_percent_decode("%e2%82%ac%", 10, &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "\xe2\x82\xac%");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_percent_decode("a%00b", 5, &sb, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "percent-encoded NUL byte in 'a%00b'");
	strbuf_release(&sb);
}
END_TEST

START_TEST(file_urls)
{
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(url_to_path("file:///srv/my%20wheels/a.whl?x#y", &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "/srv/my wheels/a.whl");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_to_path("file://localhost/tmp/x", &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "/tmp/x");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_to_path("FILE:/tmp/y", &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "/tmp/y");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_to_path("file://server/share/x", &sb, &err),
			 -CVL_EUNSUPPORTED);
	ck_assert_str_eq(err.msg,
			 "file URL 'file://server/share/x' names a remote host 'server'");
	ck_assert_int_eq(url_to_path("https://h/x", &sb, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "expected a file:// URL, got 'https://h/x'");
	ck_assert_int_eq(url_to_path("file:x", &sb, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "file URL 'file:x' has no absolute path");
	ck_assert_int_eq(url_to_path("file:///a%00b", &sb, &err), -CVL_EINVAL);
	ck_assert_uint_eq(sb.len, 0);

	ck_assert_int_eq(url_from_path("/srv/my wheels/a+b%#?.whl", &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "file:///srv/my%20wheels/a+b%25%23%3F.whl");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_to_path("file:///srv/my%20wheels/a+b%25%23%3F.whl", &sb, &err), 0);
	ck_assert_str_eq(sb.buf, "/srv/my wheels/a+b%#?.whl");
	strbuf_reset(&sb);
	ck_assert_int_eq(url_from_path("rel/x", &sb, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "expected an absolute path, got 'rel/x'");

	url_encode_unsafe("https://h/a b\"<\xc3\xa9>%41", 21, &sb);
	ck_assert_str_eq(sb.buf, "https://h/a%20b%22%3C%C3%A9%3E%41");
	strbuf_release(&sb);
}
END_TEST

Suite *suite_url(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, resolve_rfc_normal);
	tcase_add_test(tc, resolve_rfc_abnormal);
	tcase_add_test(tc, resolve_index_links);
	tcase_add_test(tc, split_parts);
	tcase_add_test(tc, redact_and_strip);
	tcase_add_test(tc, fragments);
	tcase_add_test(tc, percent_decode);
	tcase_add_test(tc, file_urls);
	suite_add_tcase(s, tc);
	return s;
}
