/* test_pep_reqfile.c - pip requirements files (pep/reqfile.c) */
#include "tests/unit/unit.h"
#include "pep/pep.h"

static const char *const kind_names[] = {
	[PEP_REQFILE_REQUIREMENT] = "req",
	[PEP_REQFILE_INCLUDE] = "-r",
	[PEP_REQFILE_CONSTRAINT] = "-c",
	[PEP_REQFILE_INDEX_URL] = "-i",
	[PEP_REQFILE_EXTRA_INDEX_URL] = "--extra-index-url",
	[PEP_REQFILE_FIND_LINKS] = "-f",
	[PEP_REQFILE_NO_INDEX] = "--no-index",
	[PEP_REQFILE_PRE] = "--pre",
	[PEP_REQFILE_NO_BINARY] = "--no-binary",
	[PEP_REQFILE_ONLY_BINARY] = "--only-binary",
};

/* A fixed environment: FOO=foo-value, EMPTY="", VER=1.2. */
static const char *test_env(const char *name, void *data)
{
	(void)data;
	if (!strcmp(name, "FOO"))
		return "foo-value";
	if (!strcmp(name, "EMPTY"))
		return "";
	if (!strcmp(name, "VER"))
		return "1.2";
	return NULL;
}

/*
 * One line per entry, "L:C kind value", requirements as
 * pep_requirement_format() writes them; then "warning L:C msg" lines.
 */
static void render(const struct pep_reqfile *rf, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < rf->nr; i++) {
		const struct pep_reqfile_entry *e = &rf->items[i];

		strbuf_addf(out, "%d:%d %s", e->line, e->column,
			    kind_names[e->kind]);
		if (e->kind == PEP_REQFILE_REQUIREMENT) {
			strbuf_addch(out, ' ');
			pep_requirement_format(&e->req, out);
			/* the text as written must parse to the same requirement */
			strbuf_addf(out, " [%s]", e->value);
		} else if (e->value) {
			strbuf_addf(out, " %s", e->value);
		}
		strbuf_addch(out, '\n');
	}
	for (i = 0; i < rf->nwarnings; i++)
		strbuf_addf(out, "warning %d:%d %s\n", rf->warnings[i].line,
			    rf->warnings[i].column, rf->warnings[i].msg);
}

static const struct {
	const char *in;
	const char *out;
} good[] = {
	{ "", "" },
	{ "\n\n   \n\t\n", "" },
	{ "# only a comment\n  # indented comment\n", "" },
	{ "foo\n", "1:1 req foo [foo]\n" },
	{ "foo", "1:1 req foo [foo]\n" }, /* no final newline */
	{ "  foo>=1.0  \n", "1:3 req foo>=1.0 [foo>=1.0]\n" },
	{ "foo # comment\nbar\t# tab comment\n",
	  "1:1 req foo [foo]\n2:1 req bar [bar]\n" },
	/* '#' not after whitespace is not a comment (URL fragments) */
	{ "pkg @ https://h.example/pkg-1.0.tar.gz#sha256=ab # c\n",
	  "1:1 req pkg @ https://h.example/pkg-1.0.tar.gz#sha256=ab [pkg @ https://h.example/pkg-1.0.tar.gz#sha256=ab]\n" },
	/* continuation lines */
	{ "numpy>=1.26,\\\n  <2.0\nnext\n",
	  "1:1 req numpy<2.0,>=1.26 [numpy>=1.26,  <2.0]\n3:1 req next [next]\n" },
	{ "a\\\nb\\\nc\n", "1:1 req abc [abc]\n" },
	{ "foo\\", "1:1 req foo [foo]\n" }, /* backslash at end of file */
	/* a comment line ending in '\' does not continue */
	{ "# note \\\nfoo\n", "2:1 req foo [foo]\n" },
	/* ... and a comment line ends a continued line */
	{ "foo \\\n# comment \\\nbar\n",
	  "1:1 req foo [foo]\n3:1 req bar [bar]\n" },
	/* CRLF and CR line ends, byte order mark */
	{ "foo\r\nbar\rbaz\r\n", "1:1 req foo [foo]\n2:1 req bar [bar]\n3:1 req baz [baz]\n" },
	{ "\xEF\xBB\xBF" "foo\n", "1:1 req foo [foo]\n" },
	/* names, extras and markers as written; the format is pep's */
	{ "Requests[Socks,security] >= 2.31 ; python_version >= '3.8'\n",
	  "1:1 req Requests[Socks,security]>=2.31; python_version >= \"3.8\" [Requests[Socks,security] >= 2.31 ; python_version >= '3.8']\n" },
	/* options */
	{ "-r base.in\n--requirement=other.in\n-rthird.in\n--requirement  fourth.in\n",
	  "1:4 -r base.in\n2:15 -r other.in\n3:3 -r third.in\n4:16 -r fourth.in\n" },
	{ "-c constraints.txt\n--constraint c2.txt\n",
	  "1:4 -c constraints.txt\n2:14 -c c2.txt\n" },
	{ "-i https://a.example/simple\n--index-url=https://b.example/simple\n",
	  "1:4 -i https://a.example/simple\n2:13 -i https://b.example/simple\n" },
	{ "--extra-index-url https://x.example/simple\n",
	  "1:19 --extra-index-url https://x.example/simple\n" },
	{ "-f ./wheels\n--find-links=https://h.example/links/\n",
	  "1:4 -f ./wheels\n2:14 -f https://h.example/links/\n" },
	{ "--no-binary :all:\n--only-binary=Foo.Bar,:none:,baz\n",
	  "1:13 --no-binary :all:\n2:15 --only-binary Foo.Bar,:none:,baz\n" },
	{ "--pre\n--no-index\n", "1:1 --pre\n2:1 --no-index\n" },
	/* several options on one line */
	{ "--pre --index-url https://a.example/ -r x.in\n",
	  "1:1 --pre\n1:19 -i https://a.example/\n1:41 -r x.in\n" },
	/* shell-like quoting of option values */
	{ "-r 'my file.in'\n-r \"a \\\"b\\\".in\"\n-r a\\ b.in\n",
	  "1:4 -r my file.in\n2:4 -r a \"b\".in\n3:4 -r a b.in\n" },
	/* ${VAR} */
	{ "pkg==${VER}\n", "1:1 req pkg==1.2 [pkg==1.2]\n" },
	{ "-i https://${FOO}.example/simple\n",
	  "1:4 -i https://foo-value.example/simple\n" },
	{ "${EMPTY}\n", "" },
	{ "${EMPTY} foo\n", "1:10 req foo [foo]\n" },
	/* only ${UPPER_CASE_DIGITS_}: others stay as written */
	{ "-r ${lower}.in\n-r $FOO.in\n-r ${FOO\n",
	  "1:4 -r ${lower}.in\n2:4 -r $FOO.in\n3:4 -r ${FOO\n" },
	{ "-r ${UNSET}.in\n", "1:4 -r ${UNSET}.in\n" },
	/* hashes are ignored with one warning per line */
	{ "attrs==23.1 --hash=sha256:ab --hash sha256:cd\nsix\n",
	  "1:1 req attrs==23.1 [attrs==23.1]\n2:1 req six [six]\n"
	  "warning 1:13 ignoring --hash (cvlock checks hashes from the index)\n" },
	{ "attrs==23.1 \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd\n",
	  "1:1 req attrs==23.1 [attrs==23.1]\n"
	  "warning 2:5 ignoring --hash (cvlock checks hashes from the index)\n" },
	{ "--require-hashes\n",
	  "warning 1:1 ignoring --require-hashes (cvlock always checks hashes)\n" },
	/* direct references keep their URL */
	{ "foo @ https://h.example/foo-1.0-py3-none-any.whl\n",
	  "1:1 req foo @ https://h.example/foo-1.0-py3-none-any.whl [foo @ https://h.example/foo-1.0-py3-none-any.whl]\n" },
	/* a local wheel by file: URL too (resolve locks it) */
	{ "foo @ file:///w/foo-1.0-py3-none-any.whl#sha256=ab\n",
	  "1:1 req foo @ file:///w/foo-1.0-py3-none-any.whl#sha256=ab [foo @ file:///w/foo-1.0-py3-none-any.whl#sha256=ab]\n" },
};

START_TEST(reqfile_good)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf out = STRBUF_INIT;
	const char *in = good[_i].in;
	int r;

	r = pep_reqfile_parse(&rf, in, strlen(in), test_env, NULL, &err);
	ck_assert_msg(r == 0, "case %d: '%s' failed: %d:%d: %s", _i, in,
		      err.line, err.column, err.msg);
	render(&rf, &out);
	ck_assert_msg(!strcmp(out.buf, good[_i].out),
		      "case %d: '%s'\nexpected:\n%sgot:\n%s", _i, in,
		      good[_i].out, out.buf);
	strbuf_release(&out);
	pep_reqfile_release(&rf);
}
END_TEST

static const struct {
	const char *in;
	int code;
	int line, column;
	const char *msg; /* exact, or a prefix when it ends in '*' */
} bad[] = {
	{ "ok\n-e ./pkg\n", CVL_EUNSUPPORTED, 2, 1,
	  "editable requirement '-e ./pkg' is not supported" },
	{ "--editable=git+https://h.example/r.git#egg=r\n", CVL_EUNSUPPORTED, 1, 1,
	  "editable requirement '--editable git+https://h.example/r.git#egg=r' is not supported" },
	{ "./pkg\n", CVL_EUNSUPPORTED, 1, 1,
	  "local path requirement './pkg' is not supported" },
	{ "  /abs/dist/foo-1.0.tar.gz\n", CVL_EUNSUPPORTED, 1, 3,
	  "local path requirement '/abs/dist/foo-1.0.tar.gz' is not supported" },
	{ "foo-1.0-py3-none-any.whl\n", CVL_EUNSUPPORTED, 1, 1,
	  "local path requirement 'foo-1.0-py3-none-any.whl' is not supported" },
	{ "sub/dir\n", CVL_EUNSUPPORTED, 1, 1,
	  "local path requirement 'sub/dir' is not supported" },
	{ "foo @ file:///tmp/foo\n", CVL_EUNSUPPORTED, 1, 7,
	  "local path requirement 'foo @ file:///tmp/foo' is not supported" },
	{ "https://h.example/foo-1.0.tar.gz\n", CVL_EUNSUPPORTED, 1, 1,
	  "requirement 'https://h.example/foo-1.0.tar.gz' has no name" },
	{ "git+https://h.example/r.git#egg=r\n", CVL_EUNSUPPORTED, 1, 1,
	  "requirement 'git+https://h.example/r.git#egg=r' has no name" },
	{ "--no-binary a,-b\n", CVL_EINVAL, 1, 13,
	  "invalid value of option '--no-binary': invalid project name '-b' in 'a,-b'" },
	{ "--only-binary=a,,b\n", CVL_EINVAL, 1, 15,
	  "invalid value of option '--only-binary': invalid project name '' in 'a,,b'" },
	{ "--only-binary\n", CVL_EINVAL, 1, 1,
	  "option '--only-binary' needs a value" },
	{ "foo --no-binary :all:\n", CVL_EINVAL, 1, 5,
	  "option '--no-binary' must be on a line of its own, not after a requirement" },
	{ "--trusted-host h.example\n", CVL_EUNSUPPORTED, 1, 1,
	  "option '--trusted-host' is not supported" },
	{ "--frobnicate\n", CVL_EINVAL, 1, 1, "unknown option '--frobnicate'" },
	{ "-x foo\n", CVL_EINVAL, 1, 1, "unknown option '-x'" },
	{ "-r\n", CVL_EINVAL, 1, 1, "option '-r' needs a value" },
	{ "--index-url=\n", CVL_EINVAL, 1, 1,
	  "option '--index-url' needs a value" },
	{ "--pre=1\n", CVL_EINVAL, 1, 1, "option '--pre' takes no value" },
	{ "-r a.in b.in\n", CVL_EINVAL, 1, 9, "unexpected 'b.in' after options" },
	{ "foo -r x.in\n", CVL_EINVAL, 1, 5,
	  "option '-r' must be on a line of its own, not after a requirement" },
	{ "foo --global-option=x\n", CVL_EUNSUPPORTED, 1, 5,
	  "option '--global-option' is not supported" },
	{ "-r 'a.in\n", CVL_EINVAL, 1, 4, "missing closing quote" },
	/* requirement errors point at the character pep/ names */
	{ "foo>=\n", CVL_EINVAL, 1, 6, "invalid requirement: *" },
	{ "ok\n  foo>=\n", CVL_EINVAL, 2, 8, "invalid requirement: *" },
	/* ... on the right physical line after joining */
	{ "numpy>=1.0,\\\n  <2 junk\n", CVL_EINVAL, 2, 6,
	  "invalid requirement: *" },
	/* ... and at the '$' of an expanded variable */
	{ "foo==${FOO}\n", CVL_EINVAL, 1, 6, "invalid requirement: *" },
	{ "foo==${UNSET}\n", CVL_EINVAL, 1, 6, "invalid requirement: *" },
};

START_TEST(reqfile_bad)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *in = bad[_i].in;
	const char *want = bad[_i].msg;
	size_t wl = strlen(want);
	int r;

	r = pep_reqfile_parse(&rf, in, strlen(in), test_env, NULL, &err);
	ck_assert_msg(r == -bad[_i].code, "case %d: '%s': got %d (%s)", _i,
		      in, r, err.msg);
	ck_assert_int_eq(err.code, bad[_i].code);
	ck_assert_msg(err.line == bad[_i].line && err.column == bad[_i].column,
		      "case %d: '%s': at %d:%d, expected %d:%d (%s)", _i, in,
		      err.line, err.column, bad[_i].line, bad[_i].column,
		      err.msg);
	if (want[wl - 1] == '*')
		ck_assert_msg(!strncmp(err.msg, want, wl - 1),
			      "case %d: message '%s'", _i, err.msg);
	else
		ck_assert_str_eq(err.msg, want);
	ck_assert_str_eq(err.file, ""); /* the caller names the file */
	pep_reqfile_release(&rf);
}
END_TEST

START_TEST(reqfile_unset_variable_hint)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *in = "foo==${UNSET}\n";

	ck_assert_int_eq(pep_reqfile_parse(&rf, in, strlen(in), test_env, NULL,
					   &err), -CVL_EINVAL);
	ck_assert_str_eq(err.hint, "environment variable 'UNSET' is not set");
	pep_reqfile_release(&rf);

	/* without a lookup function nothing is expanded */
	in = "pkg==${VER}\n";
	ck_assert_int_eq(pep_reqfile_parse(&rf, in, strlen(in), NULL, NULL,
					   &err), -CVL_EINVAL);
	pep_reqfile_release(&rf);
}
END_TEST

START_TEST(reqfile_entries_before_error_kept)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *in = "a\nb\n-e .\nc\n";

	ck_assert_int_eq(pep_reqfile_parse(&rf, in, strlen(in), NULL, NULL,
					   &err), -CVL_EUNSUPPORTED);
	ck_assert_uint_eq(rf.nr, 2);
	ck_assert_str_eq(rf.items[1].value, "b");
	pep_reqfile_release(&rf);
	ck_assert_uint_eq(rf.nr, 0);
	/* NULL err is allowed */
	ck_assert_int_eq(pep_reqfile_parse(&rf, in, strlen(in), NULL, NULL,
					   NULL), -CVL_EUNSUPPORTED);
	pep_reqfile_release(&rf);
}
END_TEST

START_TEST(reqfile_nul_byte)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char in[] = "a\nb\0c\n";

	ck_assert_int_eq(pep_reqfile_parse(&rf, in, sizeof(in) - 1, NULL, NULL,
					   &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "NUL byte in the file");
	ck_assert_int_eq(err.line, 2);
	ck_assert_int_eq(err.column, 2);
	pep_reqfile_release(&rf);
}
END_TEST

/* Input need not be NUL-terminated: parse a prefix of a larger buffer. */
START_TEST(reqfile_not_nul_terminated)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char buf[] = "foo\nbar>=1\\";
	char *copy = xmalloc(sizeof(buf) - 1);

	memcpy(copy, buf, sizeof(buf) - 1);
	ck_assert_int_eq(pep_reqfile_parse(&rf, copy, 7, NULL, NULL, &err), 0);
	ck_assert_uint_eq(rf.nr, 2);
	ck_assert_str_eq(rf.items[1].value, "bar");
	pep_reqfile_release(&rf);
	ck_assert_int_eq(pep_reqfile_parse(&rf, copy, sizeof(buf) - 1, NULL,
					   NULL, &err), 0);
	ck_assert_str_eq(rf.items[1].value, "bar>=1");
	pep_reqfile_release(&rf);
	free(copy);
}
END_TEST

/* A variable may not grow a line without bound. */
static const char *huge_env(const char *name, void *data)
{
	(void)name;
	return data;
}

START_TEST(reqfile_expansion_bounded)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf line = STRBUF_INIT;
	char *big = xmalloc(300001);
	int i;

	memset(big, 'a', 300000);
	big[300000] = '\0';
	for (i = 0; i < 8; i++)
		strbuf_addstr(&line, "${X}");
	ck_assert_int_eq(pep_reqfile_parse(&rf, line.buf, line.len, huge_env,
					   big, &err), -CVL_ETOOBIG);
	ck_assert_int_eq(err.line, 1);
	pep_reqfile_release(&rf);
	strbuf_release(&line);
	free(big);
}
END_TEST

Suite *suite_pep_reqfile(void)
{
	Suite *s = suite_create("pep_reqfile");
	TCase *tc = tcase_create("reqfile");

	tcase_add_loop_test(tc, reqfile_good, 0, (int)ARRAY_SIZE(good));
	tcase_add_loop_test(tc, reqfile_bad, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, reqfile_unset_variable_hint);
	tcase_add_test(tc, reqfile_entries_before_error_kept);
	tcase_add_test(tc, reqfile_nul_byte);
	tcase_add_test(tc, reqfile_not_nul_terminated);
	tcase_add_test(tc, reqfile_expansion_bounded);
	suite_add_tcase(s, tc);
	return s;
}
