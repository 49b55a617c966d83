/* test_pep_name.c - PEP 503 / PEP 685 names */
#include "tests/unit/unit.h"
#include "pep/internal.h"

/* name, canonical form, valid, already normalized */
static const struct {
	const char *name, *canon;
	bool valid, normalized;
} names[] = {
	{ "foo", "foo", true, true },
	{ "Foo", "foo", true, false },
	{ "foo.bar", "foo-bar", true, false },
	{ "Foo.....Bar", "foo-bar", true, false },
	{ "foo_-_bar", "foo-bar", true, false },
	{ "a-b-c", "a-b-c", true, true },
	{ "a--b", "a-b", true, false },
	{ "1", "1", true, true },
	{ "0.0.1", "0-0-1", true, false },
	{ "ruamel.yaml", "ruamel-yaml", true, false },
	{ "", "", false, false },
	{ "-", "-", false, false },
	{ "_", "-", false, false },
	{ "-a", "-a", false, false },
	{ "a-", "a-", false, false },
	{ "a.", "a-", false, false },
	{ "_not_legal", "-not-legal", false, false },
	{ "foo bar", "foo bar", false, false },
	{ "hi\n", "hi\n", false, false },
	{ "foo\tbar", "foo\tbar", false, false },
	/* str.lower() is Unicode-aware */
	{ "ÄÖ", "äö", false, false },
	{ "Ωmega", "ωmega", false, false },
	{ "ПРИВЕТ", "привет", false, false },
	{ "\xc4\xb0", "i\xcc\x87", true, false },   /* U+0130 lowers to two code points */
	{ "\xe2\x84\xaa", "k", true, false },       /* Kelvin sign: [A-Z] under IGNORECASE */
	{ "\xc5\xbf", "\xc5\xbf", true, false },    /* long s */
	{ "a\xff", "a\xff", false, false },          /* bad UTF-8 is kept */
};

START_TEST(canonicalize)
{
	struct strbuf sb = STRBUF_INIT;
	const char *n = names[_i].name;
	size_t len = strlen(n);

	pep_name_canonicalize(n, len, &sb);
	ck_assert_str_eq(sb.buf, names[_i].canon);
	ck_assert_int_eq(pep_name_is_valid(n, len), names[_i].valid);
	ck_assert_int_eq(pep_name_is_normalized(n, len), names[_i].normalized);
	ck_assert(pep__name_canon_equal(n, len, names[_i].canon,
					strlen(names[_i].canon)));
	ck_assert_int_eq(pep__name_is_canonical(n, len), !strcmp(n, names[_i].canon));
	/* canonicalize appends */
	pep_name_canonicalize("X", 1, &sb);
	ck_assert_uint_eq(sb.len, strlen(names[_i].canon) + 1);
	strbuf_release(&sb);
}
END_TEST

START_TEST(lengths_not_nul)
{
	struct strbuf sb = STRBUF_INIT;
	const char buf[] = "Foo_Bar.baz";

	/* Only the first 7 bytes count. */
	pep_name_canonicalize(buf, 7, &sb);
	ck_assert_str_eq(sb.buf, "foo-bar");
	ck_assert(pep_name_is_valid(buf, 7));
	ck_assert(!pep_name_is_valid(buf, 8)); /* "Foo_Bar." ends in '.' */
	ck_assert(pep_name_is_normalized("abc", 2));
	ck_assert(!pep_name_is_normalized("a-", 2));
	ck_assert(!pep_name_is_normalized("a\0b", 3));
	ck_assert(!pep_name_is_valid("a\0b", 3));
	strbuf_release(&sb);
}
END_TEST

START_TEST(canon_equal)
{
	ck_assert(pep__name_canon_equal("Foo_Bar", 7, "foo-bar", 7));
	ck_assert(pep__name_canon_equal("foo...bar", 9, "FOO_BAR", 7));
	ck_assert(!pep__name_canon_equal("foobar", 6, "foo-bar", 7));
	ck_assert(!pep__name_canon_equal("foo", 3, "foo-", 4));
	ck_assert(pep__name_canon_equal("", 0, "", 0));
	ck_assert(pep__name_canon_equal("ÄÖ", strlen("ÄÖ"), "äö", strlen("äö")));
	ck_assert(pep__lower_equal("CPython", 7, "cpython", 7));
	ck_assert(!pep__lower_equal("CPython", 7, "cpytho", 6));
	ck_assert(pep__lower_equal("ÄB", strlen("ÄB"), "äb", strlen("äb")));
	ck_assert(!pep__lower_equal("a-b", 3, "a_b", 3));
}
END_TEST

Suite *suite_pep_name(void)
{
	Suite *s = suite_create("pep_name");
	TCase *tc = tcase_create("names");

	tcase_add_loop_test(tc, canonicalize, 0, (int)ARRAY_SIZE(names));
	tcase_add_test(tc, lengths_not_nul);
	tcase_add_test(tc, canon_equal);
	suite_add_tcase(s, tc);
	return s;
}
