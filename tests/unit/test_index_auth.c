/*
 * test_index_auth.c - netrc parsing (Python's netrc rules), URL parts for
 * the transport, and which credentials a request gets (index/auth.c).
 */
#include "tests/unit/unit.h"
#include "index/transport.h"

static void parse_ok(struct idx_netrc *n, const char *text)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int rc = idx_netrc_parse(n, text, strlen(text), "netrc", &err);

	ck_assert_msg(rc == 0, "netrc rejected: %s", err.msg);
}

static void expect(const struct idx_netrc *n, const char *host,
		   const char *login, const char *password)
{
	const struct idx_netrc_entry *e = idx_netrc_lookup(n, host);

	if (!login && !password) {
		ck_assert_msg(e == NULL, "unexpected entry for %s", host);
		return;
	}
	ck_assert_msg(e != NULL, "no entry for %s", host);
	if (login)
		ck_assert_str_eq(e->login, login);
	else
		ck_assert_ptr_null(e->login);
	if (password)
		ck_assert_str_eq(e->password, password);
	else
		ck_assert_ptr_null(e->password);
}

START_TEST(netrc_basic)
{
	struct idx_netrc n = IDX_NETRC_INIT;

	parse_ok(&n,
		 "machine pypi.example.com login alice password s3cret\n"
		 "machine other.example.com\n"
		 "    login bob\n"
		 "    account ignored\n"
		 "    password 'p'\n");
	expect(&n, "pypi.example.com", "alice", "s3cret");
	expect(&n, "PyPI.Example.COM", "alice", "s3cret");
	expect(&n, "other.example.com", "bob", "'p'");
	expect(&n, "unknown.example.com", NULL, NULL);
	idx_netrc_release(&n);
}
END_TEST

START_TEST(netrc_default_and_override)
{
	struct idx_netrc n = IDX_NETRC_INIT;

	parse_ok(&n,
		 "default login anon password guest\n"
		 "machine a login first password 1\n"
		 "machine a login second password 2\n");
	/* a later entry for the same machine replaces the earlier one */
	expect(&n, "a", "second", "2");
	expect(&n, "b", "anon", "guest");
	ck_assert_uint_eq(n.nr, 2);
	idx_netrc_release(&n);
}
END_TEST

START_TEST(netrc_quotes_comments_macdef)
{
	struct idx_netrc n = IDX_NETRC_INIT;

	parse_ok(&n,
		 "# a comment line with machine words: machine evil login x\n"
		 "machine q login \"user name\" password \"pa ss\\\"word\" # trailing\n"
		 "macdef init\n"
		 "cd /pub\n"
		 "machine notreal login no password no\n"
		 "\n"
		 "machine after\tlogin\tu\tpassword\tp\n"
		 "machine esc login a\\ b password x\\\\y\n"
		 "machine onlylogin login l\n");
	expect(&n, "q", "user name", "pa ss\"word");
	expect(&n, "evil", NULL, NULL);
	expect(&n, "notreal", NULL, NULL);
	expect(&n, "after", "u", "p");
	expect(&n, "esc", "a b", "x\\y");
	expect(&n, "onlylogin", "l", NULL);
	idx_netrc_release(&n);
}
END_TEST

START_TEST(netrc_empty)
{
	struct idx_netrc n = IDX_NETRC_INIT;

	parse_ok(&n, "");
	parse_ok(&n, "  \n\t\n# only a comment\n");
	ck_assert_uint_eq(n.nr, 0);
	expect(&n, "x", NULL, NULL);
	idx_netrc_release(&n);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;
	int line;
} netrc_errors[] = {
	{ "machine", "expected a host name after 'machine'", 1 },
	{ "machine a login", "expected a value after 'login'", 1 },
	{ "machine a\npassword", "expected a value after 'password'", 2 },
	{ "machine a login b\nport 21\n", "expected 'login', 'password' or 'account', got 'port'", 2 },
	{ "login b", "expected 'machine', 'default' or 'macdef', got 'login'", 1 },
	{ "\n\nhost a", "expected 'machine', 'default' or 'macdef', got 'host'", 3 },
};

START_TEST(netrc_bad)
{
	struct idx_netrc n = IDX_NETRC_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t i = (size_t)_i;
	int rc;

	rc = idx_netrc_parse(&n, netrc_errors[i].text, strlen(netrc_errors[i].text),
			     "/home/u/.netrc", &err);
	ck_assert_int_eq(rc, -CVL_EINVAL);
	ck_assert_str_eq(err.msg, netrc_errors[i].msg);
	ck_assert_str_eq(err.file, "/home/u/.netrc");
	ck_assert_int_eq(err.line, netrc_errors[i].line);
	idx_netrc_release(&n);
}
END_TEST

START_TEST(netrc_not_nul_terminated)
{
	struct idx_netrc n = IDX_NETRC_INIT;
	const char text[] = "machine a login b password cXXXX";

	/* the length ends the text, not a NUL */
	ck_assert_int_eq(idx_netrc_parse(&n, text, sizeof(text) - 5, "netrc", NULL), 0);
	expect(&n, "a", "b", "c");
	idx_netrc_release(&n);
}
END_TEST

START_TEST(url_parts)
{
	struct tr_url u;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(tr_url_parse(&u, "HTTPS://us%40er:p%3Ass@Files.Example.com:8443/a/b?q=1#sha256=ab", &err), 0);
	ck_assert_str_eq(u.scheme, "https");
	ck_assert_str_eq(u.user, "us@er");
	ck_assert_str_eq(u.password, "p:ss");
	ck_assert_str_eq(u.host, "files.example.com");
	ck_assert_int_eq(u.port, 8443);
	ck_assert_str_eq(u.clean, "HTTPS://Files.Example.com:8443/a/b?q=1");
	tr_url_release(&u);

	ck_assert_int_eq(tr_url_parse(&u, "http://token@[::1]/simple/", &err), 0);
	ck_assert_str_eq(u.user, "token");
	ck_assert_ptr_null(u.password);
	ck_assert_str_eq(u.host, "::1");
	ck_assert_int_eq(u.port, -1);
	ck_assert_str_eq(u.clean, "http://[::1]/simple/");
	tr_url_release(&u);

	ck_assert_int_eq(tr_url_parse(&u, "file:///srv/index/", &err), 0);
	ck_assert_str_eq(u.scheme, "file");
	ck_assert_str_eq(u.host, "");
	tr_url_release(&u);

	ck_assert_int_eq(tr_url_parse(&u, "/not/a/url", &err), -CVL_EINVAL);
	ck_assert_int_eq(tr_url_parse(&u, "http://h:99999/", &err), -CVL_EINVAL);
	ck_assert_int_eq(tr_url_parse(&u, "http://h:8x/", &err), -CVL_EINVAL);
}
END_TEST

START_TEST(credentials_per_host)
{
	struct tr_auth a;
	struct tr_url u;
	const char *user, *pass;
	const char *text = "machine netrc.example login nu password np\n"
			   "machine learned.example login wrong password wrong\n";

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(idx_netrc_parse(&a.netrc, text, strlen(text), "netrc", NULL), 0);

	/* the URL's own credentials win */
	ck_assert_int_eq(tr_url_parse(&u, "https://me:pw@netrc.example/simple/", NULL), 0);
	ck_assert(tr_auth_lookup(&a, &u, &user, &pass));
	ck_assert_str_eq(user, "me");
	ck_assert_str_eq(pass, "pw");
	tr_url_release(&u);

	/* netrc by host */
	ck_assert_int_eq(tr_url_parse(&u, "https://netrc.example/files/x.whl", NULL), 0);
	ck_assert(tr_auth_lookup(&a, &u, &user, &pass));
	ck_assert_str_eq(user, "nu");
	ck_assert_str_eq(pass, "np");
	tr_url_release(&u);

	/* credentials learned from an index URL apply to its host and port */
	ck_assert_int_eq(tr_url_parse(&u, "https://ix:ipw@learned.example:8443/simple/", NULL), 0);
	tr_auth_learn(&a, &u);
	tr_url_release(&u);
	ck_assert_int_eq(tr_url_parse(&u, "https://learned.example:8443/files/x.whl", NULL), 0);
	ck_assert(tr_auth_lookup(&a, &u, &user, &pass));
	ck_assert_str_eq(user, "ix");
	ck_assert_str_eq(pass, "ipw");
	tr_url_release(&u);
	/* ... not to another port of the host (netrc then) */
	ck_assert_int_eq(tr_url_parse(&u, "https://learned.example/files/x.whl", NULL), 0);
	ck_assert(tr_auth_lookup(&a, &u, &user, &pass));
	ck_assert_str_eq(user, "wrong");
	tr_url_release(&u);
	/* ... and nothing for another host */
	ck_assert_int_eq(tr_url_parse(&u, "https://files.example/x.whl", NULL), 0);
	ck_assert(!tr_auth_lookup(&a, &u, &user, &pass));
	tr_url_release(&u);

	tr_auth_release(&a);
}
END_TEST

START_TEST(netrc_file)
{
	struct tr_auth a;
	struct cvl_error err = CVL_ERROR_INIT;

	/* no path, a missing file: no credentials, no error */
	ck_assert_int_eq(tr_auth_init(&a, NULL, &err), 0);
	tr_auth_release(&a);
	ck_assert_int_eq(tr_auth_init(&a, "/nonexistent/.netrc", &err), 0);
	ck_assert_uint_eq(a.netrc.nr, 0);
	tr_auth_release(&a);
	/* a directory is an error that names it */
	ck_assert_int_eq(tr_auth_init(&a, "/", &err), -CVL_EIO);
	ck_assert_str_eq(err.msg, "cannot read netrc file '/': it is a directory");
}
END_TEST

Suite *suite_index_auth(void)
{
	Suite *s = suite_create("index_auth");
	TCase *tc = tcase_create("auth");

	tcase_add_test(tc, netrc_basic);
	tcase_add_test(tc, netrc_default_and_override);
	tcase_add_test(tc, netrc_quotes_comments_macdef);
	tcase_add_test(tc, netrc_empty);
	tcase_add_loop_test(tc, netrc_bad, 0, (int)ARRAY_SIZE(netrc_errors));
	tcase_add_test(tc, netrc_not_nul_terminated);
	tcase_add_test(tc, url_parts);
	tcase_add_test(tc, credentials_per_host);
	tcase_add_test(tc, netrc_file);
	suite_add_tcase(s, tc);
	return s;
}
