/* test_pep_inputs.c - the normalized input set and its hash (pep/inputs.c) */
#include "tests/unit/unit.h"
#include "pep/pep.h"

START_TEST(sha256_vectors)
{
	char hex[65];

	/* FIPS 180-2 examples */
	sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* Add requirements files (text) to `in`: requirements, then constraints. */
static void add_files(struct pep_inputs *in, const char *reqs,
		      const char *constraints)
{
	struct pep_reqfile rf = PEP_REQFILE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_msg(pep_reqfile_parse(&rf, reqs, strlen(reqs), NULL, NULL,
					&err) == 0, "%s", err.msg);
	pep_inputs_add_reqfile(in, &rf, "requirements.in", false);
	pep_reqfile_release(&rf);
	if (constraints) {
		ck_assert_msg(pep_reqfile_parse(&rf, constraints,
						strlen(constraints), NULL, NULL,
						&err) == 0, "%s", err.msg);
		pep_inputs_add_reqfile(in, &rf, "constraints.txt", true);
		pep_reqfile_release(&rf);
	}
}

static void hash_files(const char *reqs, const char *constraints,
		       char hex[65])
{
	struct pep_inputs in;

	pep_inputs_init(&in);
	add_files(&in, reqs, constraints);
	pep_inputs_hash(&in, hex);
	pep_inputs_release(&in);
}

static void hash_pyproject(const char *toml, char hex[65])
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;

	pep_inputs_init(&in);
	ck_assert_msg(pep_pyproject_parse(&in, toml, strlen(toml), "p", &err) == 0,
		      "%d:%d: %s", err.line, err.column, err.msg);
	pep_inputs_select_default_groups(&in);
	pep_inputs_hash(&in, hex);
	pep_inputs_release(&in);
}

START_TEST(serialize_exact)
{
	struct pep_inputs in;
	struct strbuf out = STRBUF_INIT;

	pep_inputs_init(&in);
	add_files(&in,
		  "--extra-index-url https://b.example/\n"
		  "--extra-index-url https://a.example/\n"
		  "Foo_Bar[Y,x] >= 1 ; python_version < '3.10'\n"
		  "a\n",
		  "-f ./w\nc<2\n");
	pep_inputs_serialize(&in, &out);
	ck_assert_str_eq(out.buf,
			 "cvlock-inputs 1\n"
			 "extra-index-url 18:https://b.example/\n"
			 "extra-index-url 18:https://a.example/\n"
			 "find-links 3:./w\n"
			 "prerelease 12:if-necessary\n"
			 "resolution 7:highest\n"
			 "requirement 1:a\n"
			 "requirement 40:foo-bar[x,y]>=1; python_version < \"3.10\"\n"
			 "constraint 3:c<2\n");
	strbuf_release(&out);
	pep_inputs_release(&in);
}
END_TEST

/* Formatting, comments, order, duplicates and name spelling do not count. */
START_TEST(hash_ignores_form)
{
	char a[65], b[65];

	hash_files("# project requirements\n"
		   "requests[socks,security]>=2.31,<3 ; python_version >= \"3.8\"\n"
		   "numpy>=1.26\n"
		   "-i https://pypi.example/simple\n"
		   "--extra-index-url https://x.example/\n"
		   "--pre\n",
		   "urllib3<3\nidna\n", a);
	hash_files("--pre\n"
		   "\n"
		   "NumPy >= 1.26   # arrays\n"
		   "--index-url=https://pypi.example/simple\n"
		   "Requests [ Security , SOCKS ] < 3 , >= 2.31;python_version>='3.8'\n"
		   "numpy>=1.26\n"
		   "--extra-index-url https://x.example/\n",
		   "# pins\nIDNA\n   urllib3 \\\n  <3\n", b);
	ck_assert_str_eq(a, b);
}
END_TEST

/* Every change of meaning changes the hash. */
START_TEST(hash_sees_meaning)
{
	static const char *const variants[] = {
		"a>=1\nb\n",
		"a>=1\nb\nc\n",             /* one more requirement */
		"a>=2\nb\n",                /* another version */
		"a>=1;python_version<'3'\nb\n", /* a marker */
		"a[x]>=1\nb\n",             /* an extra */
		"a>=1\nb\n--pre\n",         /* pre-releases */
		"a>=1\nb\n-i https://i.example/\n",
		"a>=1\nb\n--extra-index-url https://i.example/\n",
		"a>=1\nb\n--extra-index-url https://i.example/\n--extra-index-url https://j.example/\n",
		"a>=1\nb\n--extra-index-url https://j.example/\n--extra-index-url https://i.example/\n",
		"a>=1\nb\n-f ./w\n",
		"a>=1\nb\n--no-index\n",
		"a @ https://h.example/a-1.tar.gz\nb\n",
	};
	char hex[ARRAY_SIZE(variants)][65];
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(variants); i++)
		hash_files(variants[i], NULL, hex[i]);
	for (i = 0; i < ARRAY_SIZE(variants); i++)
		for (j = i + 1; j < ARRAY_SIZE(variants); j++)
			ck_assert_msg(strcmp(hex[i], hex[j]),
				      "same hash for '%s' and '%s'",
				      variants[i], variants[j]);

	/* a requirement is not a constraint */
	hash_files("a>=1\n", "b\n", hex[0]);
	hash_files("a>=1\nb\n", NULL, hex[1]);
	ck_assert_str_ne(hex[0], hex[1]);
}
END_TEST

START_TEST(hash_pyproject_form)
{
	char a[65], b[65], c[65];

	hash_pyproject("[project]\n"
		       "name = \"demo\"\n"
		       "requires-python = \">=3.9\"\n"
		       "dependencies = [\"b>=1\", \"a\"]\n"
		       "[project.optional-dependencies]\n"
		       "x = [\"c\", \"d\"]\n"
		       "y = [\"e\"]\n"
		       "[dependency-groups]\n"
		       "dev = [\"f\", {include-group = \"lint\"}]\n"
		       "lint = [\"g\"]\n"
		       "[tool.cvlock]\n"
		       "constraint-dependencies = [\"h<2\", \"i\"]\n"
		       "resolution = \"highest\"\n",
		       a);
	/* tables and keys reordered, spelled differently, commented */
	hash_pyproject("# reordered\n"
		       "[tool.cvlock]\n"
		       "constraint-dependencies = [\"I\", \"h <2\"]\n"
		       "[dependency-groups]\n"
		       "Lint = [\"g\"]  # lint\n"
		       "dev = [{include-group = \"LINT\"}, \"f\"]\n"
		       "[project]\n"
		       "dependencies = [\n  \"a\",\n  \"B >= 1\",\n]\n"
		       "name = \"Demo\"\n"
		       "requires-python = \">= 3.9\"\n"
		       "optional-dependencies = { y = [\"e\"], X = [\"d\", \"c\"] }\n",
		       b);
	ck_assert_str_eq(a, b);
	/* the default resolution need not be written */
	hash_pyproject("[project]\n"
		       "name = \"demo\"\n"
		       "requires-python = \">=3.9\"\n"
		       "dependencies = [\"b>=1\", \"a\"]\n"
		       "[project.optional-dependencies]\n"
		       "x = [\"c\", \"d\"]\n"
		       "y = [\"e\"]\n"
		       "[dependency-groups]\n"
		       "dev = [\"f\", {include-group = \"lint\"}]\n"
		       "lint = [\"g\"]\n"
		       "[tool.cvlock]\n"
		       "constraint-dependencies = [\"h<2\", \"i\"]\n",
		       c);
	ck_assert_str_eq(a, c);
	/* but moving a requirement from one extra to another counts */
	hash_pyproject("[project]\n"
		       "name = \"demo\"\n"
		       "requires-python = \">=3.9\"\n"
		       "dependencies = [\"b>=1\", \"a\"]\n"
		       "[project.optional-dependencies]\n"
		       "x = [\"c\"]\n"
		       "y = [\"d\", \"e\"]\n"
		       "[dependency-groups]\n"
		       "dev = [\"f\", {include-group = \"lint\"}]\n"
		       "lint = [\"g\"]\n"
		       "[tool.cvlock]\n"
		       "constraint-dependencies = [\"h<2\", \"i\"]\n",
		       c);
	ck_assert_str_ne(a, c);
}
END_TEST

START_TEST(canonical_requirements)
{
	struct pep_inputs in;
	const struct pep_input_req **v;
	size_t n;

	pep_inputs_init(&in);
	add_files(&in, "Foo.Bar[B,a,A]\nfoo-bar[a,b]\nzope.interface\nfoo_bar[b, a]\n",
		  NULL);
	ck_assert_uint_eq(in.requirements.nr, 4);
	ck_assert_str_eq(in.requirements.items[0].req.name, "foo-bar");
	ck_assert_uint_eq(in.requirements.items[0].req.extras.nr, 2);
	ck_assert_str_eq(in.requirements.items[0].text, "foo-bar[a,b]");
	n = pep_input_list_sorted(&in.requirements, &v);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0]->text, "foo-bar[a,b]");
	ck_assert_int_eq(v[0]->line, 1); /* the first origin is kept */
	ck_assert_str_eq(v[1]->text, "zope-interface");
	free(v);
	pep_inputs_release(&in);
}
END_TEST

START_TEST(reqfile_settings)
{
	struct pep_inputs in;

	pep_inputs_init(&in);
	add_files(&in,
		  "-i https://first.example/\n"
		  "--extra-index-url https://x.example/\n"
		  "-i https://second.example/\n"
		  "--extra-index-url https://x.example/\n"
		  "-f ./a\n-f ./a\n",
		  "--pre\n--no-index\n");
	ck_assert_str_eq(in.index_url, "https://second.example/");
	ck_assert_uint_eq(in.extra_index_urls.nr, 1);
	ck_assert_uint_eq(in.find_links.nr, 1);
	ck_assert_int_eq(in.prerelease, PEP_PRERELEASE_ALLOW);
	ck_assert(in.no_index);
	pep_inputs_release(&in);
	/* released inputs are empty and reusable */
	ck_assert_ptr_null(in.index_url);
	ck_assert_int_eq(in.prerelease, PEP_PRERELEASE_IF_NECESSARY);
	pep_inputs_release(&in);
}
END_TEST

/*
 * pip's format control: options applied in order, then the formats
 * allowed for a few names ("b" binary only, "s" source only, "bs" both).
 */
static const struct {
	const char *ops; /* "n:VALUE" (--no-binary) or "o:VALUE", ';'-separated */
	const char *want; /* "name=formats ..." for a, b and c */
} format_cases[] = {
	{ "", "a=bs b=bs c=bs" },
	{ "n:a", "a=s b=bs c=bs" },
	{ "o:B", "a=bs b=b c=bs" },
	{ "o:A", "a=b b=bs c=bs" },
	{ "n:a;o:a", "a=b b=bs c=bs" },
	{ "o:a;n:a", "a=s b=bs c=bs" },
	{ "n::all:", "a=s b=s c=s" },
	{ "n::all:;o:b", "a=s b=b c=s" },
	/* a name wins over :all:, only-binary :all: over no-binary :all: */
	{ "o:b;n::all:", "a=s b=s c=s" },
	{ "n::all:,b", "a=s b=s c=s" },
	{ "o::all:;n:c", "a=b b=b c=s" },
	{ "n:a,b;n::none:", "a=bs b=bs c=bs" },
	{ "n:a,b;n::none:,c", "a=bs b=bs c=s" },
	{ "n:a;o::all:,:none:,b", "a=bs b=b c=bs" },
	{ "n:x,:all:,a", "a=s b=s c=s" },
	{ "n::all:,:none:,a", "a=s b=bs c=bs" },
};

START_TEST(format_control)
{
	struct strvec no = STRVEC_INIT, only = STRVEC_INIT;
	struct strbuf got = STRBUF_INIT;
	char *ops = xstrdup(format_cases[_i].ops), *op, *save = ops;
	static const char *const names[] = { "a", "b", "c" };
	size_t i;

	for (op = ops; *op; ) {
		char *semi = strchr(op, ';');

		if (semi)
			*semi = '\0';
		ck_assert_int_eq(pep_format_control_check(op + 2, strlen(op + 2),
							  NULL), 0);
		if (op[0] == 'n')
			pep_format_control_apply(&no, &only, op + 2);
		else
			pep_format_control_apply(&only, &no, op + 2);
		op = semi ? semi + 1 : op + strlen(op);
	}
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bool binary, source;

		pep_format_control_allowed(&no, &only, names[i], &binary, &source);
		strbuf_addf(&got, "%s%s=%s%s", i ? " " : "", names[i],
			    binary ? "b" : "", source ? "s" : "");
	}
	ck_assert_msg(!strcmp(got.buf, format_cases[_i].want),
		      "case %d (%s): got %s", _i, format_cases[_i].ops, got.buf);
	free(save);
	strvec_clear(&no);
	strvec_clear(&only);
	strbuf_release(&got);
}
END_TEST

START_TEST(format_control_check)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct strvec set = STRVEC_INIT;

	ck_assert_int_eq(pep_format_control_check("a,B.c,:all:,:none:", 18,
						  &err), 0);
	ck_assert_int_eq(pep_format_control_check("a,", 2, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "invalid project name '' in 'a,'");
	ck_assert_int_eq(pep_format_control_check(":ALL:", 5, &err),
			 -CVL_EINVAL);
	ck_assert_int_eq(pep_format_control_check("a b", 3, &err), -CVL_EINVAL);
	strvec_push(&set, "b");
	strvec_push(&set, "a");
	strvec_push(&set, "b");
	pep_format_control_format(&set, &sb);
	ck_assert_str_eq(sb.buf, "a,b");
	strvec_clear(&set);
	strbuf_release(&sb);
}
END_TEST

START_TEST(selection)
{
	struct pep_inputs in;
	struct cvl_error err = CVL_ERROR_INIT;
	const char *toml = "[project]\nname = \"x\"\n"
			   "[project.optional-dependencies]\nFast_IO = []\nb = []\n"
			   "[dependency-groups]\ndev = []\nDocs = []\n";
	char h1[65], h2[65];

	pep_inputs_init(&in);
	ck_assert_int_eq(pep_pyproject_parse(&in, toml, strlen(toml), "p", &err), 0);
	pep_inputs_hash(&in, h1);
	ck_assert_int_eq(pep_inputs_select_extra(&in, "fast-io", &err), 0);
	ck_assert_int_eq(pep_inputs_select_extra(&in, "FAST.IO", &err), 0);
	ck_assert_uint_eq(in.selected_extras.nr, 1);
	ck_assert_str_eq(in.selected_extras.v[0], "fast-io");
	pep_inputs_hash(&in, h2);
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(pep_inputs_select_extra(&in, "nope", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "extra 'nope' is not defined");
	ck_assert_int_eq(pep_inputs_select_group(&in, "nope", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "dependency group 'nope' is not defined");
	ck_assert_int_eq(pep_inputs_select_group(&in, "docs", &err), 0);
	pep_inputs_select_all_extras(&in);
	pep_inputs_select_all_groups(&in);
	ck_assert_uint_eq(in.selected_extras.nr, 2);
	ck_assert_uint_eq(in.selected_groups.nr, 2);
	pep_inputs_release(&in);

	/* requirements files define no extras */
	pep_inputs_init(&in);
	ck_assert_int_eq(pep_inputs_select_extra(&in, "x", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.hint, "the project defines no extras");
	pep_inputs_release(&in);
}
END_TEST

START_TEST(mode_names)
{
	enum pep_prerelease_mode p;
	enum pep_resolution_mode r;

	ck_assert(pep_prerelease_mode_parse("disallow", 8, &p));
	ck_assert_int_eq(p, PEP_PRERELEASE_DISALLOW);
	ck_assert_str_eq(pep_prerelease_mode_name(p), "disallow");
	/* the length counts, not a NUL */
	ck_assert(pep_prerelease_mode_parse("allowx", 5, &p));
	ck_assert_int_eq(p, PEP_PRERELEASE_ALLOW);
	ck_assert(!pep_prerelease_mode_parse("Allow", 5, &p));
	ck_assert(pep_resolution_mode_parse("lowest-direct", 13, &r));
	ck_assert_int_eq(r, PEP_RESOLUTION_LOWEST_DIRECT);
	ck_assert_str_eq(pep_resolution_mode_name(PEP_RESOLUTION_LOWEST), "lowest");
	ck_assert(!pep_resolution_mode_parse("lowest-", 7, &r));
}
END_TEST

START_TEST(text_listing)
{
	struct pep_inputs in;
	struct strbuf out = STRBUF_INIT;
	char hex[65], *expect;
	struct strbuf want = STRBUF_INIT;

	pep_inputs_init(&in);
	add_files(&in, "b\na>=1\nb\n", "c<2\n");
	pep_inputs_format_text(&in, &out);
	pep_inputs_hash(&in, hex);
	strbuf_addf(&want,
		    "prerelease: if-necessary\n"
		    "resolution: highest\n"
		    "requirements:\n"
		    "  a>=1  (requirements.in:2)\n"
		    "  b  (requirements.in:1)\n"
		    "constraints:\n"
		    "  c<2  (constraints.txt:1)\n"
		    "hash: sha256:%s\n", hex);
	expect = want.buf;
	ck_assert_str_eq(out.buf, expect);
	strbuf_release(&want);
	strbuf_release(&out);
	pep_inputs_release(&in);
}
END_TEST

Suite *suite_pep_inputs(void)
{
	Suite *s = suite_create("pep_inputs");
	TCase *tc = tcase_create("inputs");

	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, serialize_exact);
	tcase_add_test(tc, hash_ignores_form);
	tcase_add_test(tc, hash_sees_meaning);
	tcase_add_test(tc, hash_pyproject_form);
	tcase_add_test(tc, canonical_requirements);
	tcase_add_test(tc, reqfile_settings);
	tcase_add_test(tc, selection);
	tcase_add_loop_test(tc, format_control, 0,
			    (int)ARRAY_SIZE(format_cases));
	tcase_add_test(tc, format_control_check);
	tcase_add_test(tc, mode_names);
	tcase_add_test(tc, text_listing);
	suite_add_tcase(s, tc);
	return s;
}
