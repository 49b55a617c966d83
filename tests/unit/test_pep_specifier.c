/*
 * test_pep_specifier.c - PEP 440 specifiers and sets: membership from
 * tests/unit/data/specifier.data, error messages with columns, canonical
 * strings, filter, satisfiability and set relations, huge numbers, memory.
 */
#include "tests/unit/unit.h"
#include "pep/pep.h"

/* ---- helpers ------------------------------------------------------------ */

static void set_ok(struct pep_specset *set, const char *s)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int r = pep_specset_parse(set, s, strlen(s), &err);

	ck_assert_msg(r == 0, "'%s' rejected: %s", s, err.msg);
}

static char *set_str(const struct pep_specset *set)
{
	struct strbuf sb = STRBUF_INIT;

	pep_specset_format(set, &sb);
	return strbuf_detach(&sb, NULL);
}

static size_t split_fields(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line, *sep;

	while (n < max) {
		fields[n++] = p;
		sep = strstr(p, " | ");
		if (!sep)
			break;
		*sep = '\0';
		p = sep + 3;
	}
	return n;
}

static enum pep_prereleases pre_arg(const char *s)
{
	if (!strcmp(s, "true"))
		return PEP_PRERELEASES_YES;
	if (!strcmp(s, "false"))
		return PEP_PRERELEASES_NO;
	ck_assert_msg(!strcmp(s, "none"), "bad prereleases '%s'", s);
	return PEP_PRERELEASES_UNSET;
}

/* ---- data-driven membership ---------------------------------------------- */

START_TEST(test_specifier_data_contains)
{
	const char *path = unit_data_path("specifier.data");
	FILE *f = fopen(path, "r");
	char buf[1024];
	int lineno = 0, cases = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(buf, sizeof(buf), f)) {
		struct pep_specset set = PEP_SPECSET_INIT;
		struct pep_version v = PEP_VERSION_INIT;
		enum pep_prereleases pre = PEP_PRERELEASES_UNSET;
		size_t len = strlen(buf), n;
		char *fl[4];
		bool want, got;

		lineno++;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (!len || buf[0] == '#')
			continue;
		/* a line starting with " | " has an empty set */
		if (!strncmp(buf, " | ", 3)) {
			fl[0] = "";
			n = 1 + split_fields(buf + 3, fl + 1, 3);
		} else {
			n = split_fields(buf, fl, 4);
		}
		ck_assert_msg(n >= 3, "%s:%d: expected SET | VERSION | yes/no",
			      path, lineno);
		if (n == 4)
			pre = pre_arg(fl[3]);
		want = !strcmp(fl[2], "yes");
		ck_assert_msg(want || !strcmp(fl[2], "no"), "%s:%d: yes or no",
			      path, lineno);
		set_ok(&set, fl[0]);
		got = pep_specset_contains_str(&set, fl[1], strlen(fl[1]), pre,
					       false);
		ck_assert_msg(got == want, "%s:%d: '%s' contains '%s': got %s",
			      path, lineno, fl[0], fl[1], got ? "yes" : "no");
		/* the parsed entry point agrees when '===' is not involved */
		if (!strstr(fl[0], "===") &&
		    !pep_version_parse(&v, fl[1], strlen(fl[1]), NULL))
			ck_assert_msg(pep_specset_contains(&set, &v, pre, false) ==
					      want,
				      "%s:%d: pep_specset_contains disagrees",
				      path, lineno);
		pep_version_release(&v);
		pep_specset_release(&set);
		cases++;
	}
	fclose(f);
	ck_assert_int_gt(cases, 50);
}
END_TEST

/* ---- errors --------------------------------------------------------------- */

static const struct {
	bool set;
	const char *input;
	int column;
	const char *msg;
	const char *hint;
} bad[] = {
	{ false, ">=", 3, "expected version after '>=' at column 3 in '>='", "" },
	{ false, "", 1, "expected a version specifier at column 1 in ''", "" },
	{ false, "1.0", 1, "expected a comparison operator (~=, ==, !=, <=, >=, <, >, ===) at column 1 in '1.0'", "" },
	{ false, "=>2.0", 1, "expected a comparison operator (~=, ==, !=, <=, >=, <, >, ===) at column 1 in '=>2.0'", "did you mean '>='?" },
	{ false, "=1.0", 1, "expected a comparison operator (~=, ==, !=, <=, >=, <, >, ===) at column 1 in '=1.0'", "did you mean '=='?" },
	{ false, ">=1.0+local", 6, "local version label not allowed with '>=' at column 6 in '>=1.0+local'", "" },
	{ false, "~=1", 3, "'~=' needs a version with at least two release numbers at column 3 in '~=1'", "" },
	{ false, "~= 1!1", 4, "'~=' needs a version with at least two release numbers at column 4 in '~= 1!1'", "" },
	{ false, "~=1.0.*", 6, "wildcard '.*' not allowed with '~=' at column 6 in '~=1.0.*'", "" },
	{ false, "<1.0.*", 5, "wildcard '.*' not allowed with '<' at column 5 in '<1.0.*'", "" },
	{ false, "==1.0a1.*", 8, "wildcard '.*' must follow release numbers only at column 8 in '==1.0a1.*'", "" },
	{ false, "==1.0+", 7, "invalid version '1.0+' after '==': expected local version label after '+' at column 7 in '==1.0+'", "" },
	{ false, "== 1 .0", 5, "unexpected whitespace in version at column 5 in '== 1 .0'", "" },
	{ false, "===a;b", 5, "unexpected ';' in arbitrary version at column 5 in '===a;b'", "" },
	{ true, ">=1.0,<", 8, "expected version after '<' at column 8 in '>=1.0,<'", "" },
	{ true, ">=1.0 , ~=1", 11, "'~=' needs a version with at least two release numbers at column 11 in '>=1.0 , ~=1'", "" },
	{ true, ">=1.0 <2", 6, "unexpected whitespace in version at column 6 in '>=1.0 <2'", "" },
	{ true, "1.0,2.0", 1, "expected a comparison operator (~=, ==, !=, <=, >=, <, >, ===) at column 1 in '1.0,2.0'", "" },
};

START_TEST(test_specifier_errors)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cvl_error err = CVL_ERROR_INIT;
		const char *s = bad[i].input;
		int r;

		if (bad[i].set) {
			struct pep_specset set = PEP_SPECSET_INIT;

			r = pep_specset_parse(&set, s, strlen(s), &err);
			ck_assert_uint_eq(set.nr, 0);
			pep_specset_release(&set);
		} else {
			struct pep_specifier spec;

			r = pep_specifier_parse(&spec, s, strlen(s), &err);
			if (!r)
				pep_specifier_release(&spec);
		}
		ck_assert_msg(r == -CVL_EINVAL, "'%s' accepted", s);
		ck_assert_str_eq(err.msg, bad[i].msg);
		ck_assert_int_eq(err.column, bad[i].column);
		ck_assert_str_eq(err.hint, bad[i].hint);
	}
}
END_TEST

/* ---- parsing and strings -------------------------------------------------- */

START_TEST(test_specifier_parts)
{
	struct pep_specifier spec;
	struct strbuf sb = STRBUF_INIT;
	const char in[] = { ' ', '=', '=', ' ', 'v', '1', '.', '2', '.', '*', ' ', ',' };

	/* not NUL-terminated: the ',' is outside the given length */
	ck_assert_int_eq(pep_specifier_parse(&spec, in, sizeof(in) - 1, NULL), 0);
	ck_assert_int_eq(spec.op, PEP_OP_EQ);
	ck_assert(spec.wildcard);
	ck_assert_str_eq(spec.text, "v1.2.*");
	ck_assert_uint_eq(spec.version.nrelease, 2);
	pep_specifier_format(&spec, &sb);
	ck_assert_str_eq(sb.buf, "==v1.2.*");
	ck_assert(!pep_specifier_admits_prereleases(&spec));
	pep_specifier_release(&spec);

	ck_assert_int_eq(pep_specifier_parse(&spec, ">=1.0a1", 7, NULL), 0);
	ck_assert(pep_specifier_admits_prereleases(&spec));
	pep_specifier_release(&spec);
	ck_assert_int_eq(pep_specifier_parse(&spec, "!=1.0a1", 7, NULL), 0);
	ck_assert(!pep_specifier_admits_prereleases(&spec));
	pep_specifier_release(&spec);
	ck_assert_int_eq(pep_specifier_parse(&spec, "===wat", 6, NULL), 0);
	ck_assert_int_eq(pep_specifier_prereleases(&spec), PEP_PRERELEASES_UNSET);
	pep_specifier_release(&spec);
	/* '===' takes anything but whitespace, ';' and ')', even nothing */
	ck_assert_int_eq(pep_specifier_parse(&spec, "====1", 5, NULL), 0);
	ck_assert_str_eq(spec.text, "=1");
	pep_specifier_release(&spec);
	ck_assert_int_eq(pep_specifier_parse(&spec, "===", 3, NULL), 0);
	ck_assert_str_eq(spec.text, "");
	pep_specifier_release(&spec);

	ck_assert_str_eq(pep_op_str(PEP_OP_COMPATIBLE), "~=");
	ck_assert_str_eq(pep_op_str(PEP_OP_ARBITRARY), "===");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_specset_format_equal)
{
	static const struct {
		const char *in, *canonical;
		size_t nr;
	} cases[] = {
		{ "", "", 0 },
		{ " , ,", "", 0 },
		{ ">=1.0, <2.0 ,!=1.5", "!=1.5,<2.0,>=1.0", 3 },
		{ "==1.0.0,==1.0", "==1.0", 2 },
		{ "~=1.0,~=1.0.0", "~=1.0,~=1.0.0", 2 },
		{ ">=1.0,>=1.0,", ">=1.0", 2 },
		{ "\xe2\x80\x83>= 1.0\t", ">=1.0", 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;
		char *s;

		set_ok(&a, cases[i].in);
		ck_assert_uint_eq(a.nr, cases[i].nr);
		s = set_str(&a);
		ck_assert_str_eq(s, cases[i].canonical);
		set_ok(&b, s);
		ck_assert(pep_specset_equal(&a, &b));
		free(s);
		pep_specset_release(&a);
		pep_specset_release(&b);
	}
	{
		struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;

		set_ok(&a, ">=1.0,!=2.0");
		set_ok(&b, "!=2.0.0,>=1");
		ck_assert(pep_specset_equal(&a, &b));
		pep_specset_release(&b);
		set_ok(&b, ">=1.0");
		ck_assert(!pep_specset_equal(&a, &b));
		pep_specset_release(&b);
		set_ok(&b, "==1.*");
		pep_specset_release(&a);
		set_ok(&a, "==1.0.*");
		ck_assert(!pep_specset_equal(&a, &b)); /* wildcards as written */
		pep_specset_release(&a);
		pep_specset_release(&b);
	}
}
END_TEST

/* ---- filter, satisfiability, relations ----------------------------------- */

static size_t run_filter(const char *spec, enum pep_prereleases set_pre,
			 enum pep_prereleases pre, const char *const *in,
			 size_t n, struct strbuf *out)
{
	struct pep_specset set = PEP_SPECSET_INIT;
	struct pep_version vs[16];
	const struct pep_version *vp[16];
	size_t idx[16], k, nout;

	ck_assert_uint_le(n, 16);
	set_ok(&set, spec);
	set.prereleases = set_pre;
	for (k = 0; k < n; k++) {
		memset(&vs[k], 0, sizeof(vs[k]));
		vp[k] = pep_version_parse(&vs[k], in[k], strlen(in[k]), NULL) ?
				NULL : &vs[k];
	}
	nout = pep_specset_filter(&set, vp, in, n, pre, idx);
	strbuf_reset(out);
	for (k = 0; k < nout; k++)
		strbuf_addf(out, "%s%s", k ? " " : "", in[idx[k]]);
	for (k = 0; k < n; k++)
		pep_version_release(&vs[k]);
	pep_specset_release(&set);
	return nout;
}

START_TEST(test_specset_filter)
{
	static const char *const in[] = { "1.0", "2.0a1", "1.5", "junk", "3.0.dev1" };
	static const char *const pre_only[] = { "2.0a1", "3.0.dev1", "junk" };
	struct strbuf out = STRBUF_INIT;

	run_filter(">=1.0", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_UNSET, in, 5, &out);
	ck_assert_str_eq(out.buf, "1.0 1.5");
	run_filter(">=1.0", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_YES, in, 5, &out);
	ck_assert_str_eq(out.buf, "1.0 2.0a1 1.5 3.0.dev1");
	run_filter(">=1.0", PEP_PRERELEASES_YES, PEP_PRERELEASES_UNSET, in, 5, &out);
	ck_assert_str_eq(out.buf, "1.0 2.0a1 1.5 3.0.dev1");
	run_filter(">=1.0", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_UNSET, pre_only, 3, &out);
	ck_assert_str_eq(out.buf, "2.0a1 3.0.dev1");
	run_filter(">=1.0", PEP_PRERELEASES_NO, PEP_PRERELEASES_UNSET, pre_only, 3, &out);
	ck_assert_str_eq(out.buf, "");
	/* a pre-release in the set admits pre-releases */
	run_filter(">=2.0a1", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_UNSET, in, 5, &out);
	ck_assert_str_eq(out.buf, "2.0a1 3.0.dev1");
	/* the empty set lets unparsable strings through, as packaging */
	run_filter("", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_UNSET, in, 5, &out);
	ck_assert_str_eq(out.buf, "1.0 1.5 junk");
	run_filter("===junk", PEP_PRERELEASES_UNSET, PEP_PRERELEASES_UNSET, in, 5, &out);
	ck_assert_str_eq(out.buf, "junk");
	strbuf_release(&out);
}
END_TEST

START_TEST(test_specset_unsatisfiable)
{
	static const struct {
		const char *set;
		enum pep_prereleases pre;
		bool unsat;
	} cases[] = {
		{ "", PEP_PRERELEASES_UNSET, false },
		{ ">=2.0,<1.0", PEP_PRERELEASES_UNSET, true },
		{ "==1.0,!=1.0", PEP_PRERELEASES_UNSET, true },
		{ ">1.0,<1.0.post0.dev0", PEP_PRERELEASES_UNSET, true },
		{ ">1.0,<1.0.0.1", PEP_PRERELEASES_UNSET, false },
		{ ">1.0a1,<1.0a2.dev0", PEP_PRERELEASES_UNSET, true },
		{ "<0.dev0", PEP_PRERELEASES_UNSET, true },
		/* '<1.0' excludes 1.0's pre-releases */
		{ ">=1.0a1,<1.0", PEP_PRERELEASES_UNSET, true },
		{ ">=0.9a1,<1.0", PEP_PRERELEASES_NO, false },
		{ ">=1.0a1,<1.0a5", PEP_PRERELEASES_UNSET, false },
		{ ">=1.0a1,<1.0a5", PEP_PRERELEASES_NO, true },
		{ "===a,===A", PEP_PRERELEASES_UNSET, false },
		{ "===a,===b", PEP_PRERELEASES_UNSET, true },
		{ "===1.0,>=2", PEP_PRERELEASES_UNSET, true },
		/* huge numbers: the next prefix is computed exactly */
		{ "==99999999999999999999.*,>=100000000000000000000.dev0", PEP_PRERELEASES_UNSET, true },
		{ "==99999999999999999999.*,>=99999999999999999999.99", PEP_PRERELEASES_UNSET, false },
		{ "~=1.18446744073709551615,>=2.dev0", PEP_PRERELEASES_UNSET, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct pep_specset set = PEP_SPECSET_INIT;

		set_ok(&set, cases[i].set);
		ck_assert_msg(pep_specset_is_unsatisfiable(&set, cases[i].pre) ==
				      cases[i].unsat,
			      "'%s': expected %s", cases[i].set,
			      cases[i].unsat ? "unsatisfiable" : "satisfiable");
		pep_specset_release(&set);
	}
}
END_TEST

START_TEST(test_specset_relations)
{
	struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;

	set_ok(&a, ">=3.12,<3.13");
	set_ok(&b, ">=3.12");
	ck_assert(pep_specset_is_subset(&a, &b));
	ck_assert(!pep_specset_is_subset(&b, &a));
	ck_assert(pep_specset_is_superset(&b, &a));
	ck_assert(!pep_specset_is_disjoint(&a, &b));
	pep_specset_release(&b);
	set_ok(&b, "<3.12");
	ck_assert(pep_specset_is_disjoint(&a, &b));
	pep_specset_release(&b);
	set_ok(&b, "==3.12.*");
	ck_assert(pep_specset_is_subset(&a, &b));
	/* 3.12.dev0 matches ==3.12.* but not >=3.12 */
	ck_assert(!pep_specset_is_subset(&b, &a));
	pep_specset_release(&b);
	set_ok(&b, "!=3.12.5");
	ck_assert(!pep_specset_is_subset(&a, &b));
	ck_assert(!pep_specset_is_disjoint(&a, &b));
	pep_specset_release(&b);
	/* '===' is refused by packaging: false here */
	set_ok(&b, "===3.12");
	ck_assert(!pep_specset_is_subset(&b, &a));
	ck_assert(!pep_specset_is_disjoint(&a, &b));
	pep_specset_release(&a);
	pep_specset_release(&b);
}
END_TEST

/* ---- memory ---------------------------------------------------------------- */

START_TEST(test_specset_copy_release)
{
	struct pep_specset a = PEP_SPECSET_INIT, b = PEP_SPECSET_INIT;
	char *s1, *s2;

	set_ok(&a, "==1.0+local.7,~=1.2.3.4.5.6.7,>=99999999999999999999999,===x");
	a.prereleases = PEP_PRERELEASES_YES;
	pep_specset_copy(&b, &a);
	s1 = set_str(&a);
	pep_specset_release(&a);
	s2 = set_str(&b);
	ck_assert_str_eq(s1, s2);
	ck_assert_int_eq(b.prereleases, PEP_PRERELEASES_YES);
	ck_assert(pep_specset_contains_str(&b, "x", 1, PEP_PRERELEASES_UNSET,
					   false) == false);
	pep_specset_copy(&b, &b);
	pep_specset_release(&b);
	pep_specset_release(&b);
	ck_assert_uint_eq(b.nr, 0);
	free(s1);
	free(s2);

	/* parsing again into a used set releases the old clauses */
	set_ok(&a, ">=1");
	set_ok(&a, ">=2,<3");
	ck_assert_uint_eq(a.nr, 2);
	pep_specset_release(&a);
}
END_TEST

START_TEST(test_specset_installed)
{
	struct pep_specset set = PEP_SPECSET_INIT;

	set_ok(&set, ">=1.0");
	ck_assert(!pep_specset_contains_str(&set, "2.0b1", 5, PEP_PRERELEASES_NO,
					    false));
	ck_assert(pep_specset_contains_str(&set, "2.0b1", 5, PEP_PRERELEASES_NO,
					   true));
	ck_assert(!pep_specset_contains_str(&set, "0.9b1", 5, PEP_PRERELEASES_NO,
					    true));
	pep_specset_release(&set);
}
END_TEST

Suite *suite_pep_specifier(void)
{
	Suite *s = suite_create("pep_specifier");
	TCase *tc = tcase_create("specifier");

	tcase_add_test(tc, test_specifier_data_contains);
	tcase_add_test(tc, test_specifier_errors);
	tcase_add_test(tc, test_specifier_parts);
	tcase_add_test(tc, test_specset_format_equal);
	tcase_add_test(tc, test_specset_filter);
	tcase_add_test(tc, test_specset_unsatisfiable);
	tcase_add_test(tc, test_specset_relations);
	tcase_add_test(tc, test_specset_copy_release);
	tcase_add_test(tc, test_specset_installed);
	suite_add_tcase(s, tc);
	return s;
}
