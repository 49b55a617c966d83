/* test_pep_metadata.c - core metadata (METADATA, PKG-INFO) */
#include "tests/unit/unit.h"
#include "pep/pep.h"

static int parse_str(struct pep_metadata *md, const char *s,
		     struct cvl_error *err)
{
	return pep_metadata_parse(md, s, strlen(s), err);
}

/* Read a data file whole. */
static char *slurp(const char *name, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(unit_data_path(name), "rb");

	ck_assert_msg(f != NULL, "cannot open %s", unit_data_path(name));
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

START_TEST(metadata_wheel_file)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	size_t len;
	char *buf = slurp("metadata/wheel-2.4.METADATA", &len);

	ck_assert_int_eq(pep_metadata_parse(&md, buf, len, &err), 0);
	ck_assert_str_eq(md.metadata_version, "2.4");
	ck_assert_str_eq(md.name, "Example_Pkg");
	ck_assert_str_eq(md.version, "2.31.0.post1");
	ck_assert_str_eq(md.summary, "An example distribution used by the cvlock tests");
	ck_assert_str_eq(md.requires_python, ">=3.8");
	ck_assert_uint_eq(md.requires_dist.nr, 6);
	ck_assert_str_eq(md.requires_dist.v[0], "charset_normalizer<4,>=2");
	ck_assert_str_eq(md.requires_dist.v[5], "chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"");
	ck_assert_uint_eq(md.provides_extra.nr, 2);
	/* Kept as written: PEP 685 normalization is the caller's. */
	ck_assert_str_eq(md.provides_extra.v[1], "use_chardet_on_py3");
	ck_assert_uint_eq(md.dynamic.nr, 1);
	ck_assert(pep_metadata_is_dynamic(&md, "License-File"));
	ck_assert(!pep_metadata_is_dynamic(&md, "Requires-Dist"));
	ck_assert_str_eq(md.description,
			 "# Example Pkg\n\nAn example long description, written in *Markdown*.\n"
			 "\n    indented code block\n\nThe end.\n");
	pep_metadata_release(&md);
	pep_metadata_release(&md);
	free(buf);
}
END_TEST

START_TEST(metadata_legacy_crlf_folded_description)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	size_t len;
	char *buf = slurp("metadata/legacy-1.1.PKG-INFO", &len);

	ck_assert_int_eq(pep_metadata_parse(&md, buf, len, NULL), 0);
	ck_assert_str_eq(md.metadata_version, "1.1");
	ck_assert_str_eq(md.name, "legacy");
	ck_assert_str_eq(md.version, "0.9");
	ck_assert_ptr_null(md.requires_python);
	ck_assert_uint_eq(md.requires_dist.nr, 0);
	ck_assert_str_eq(md.description,
			 "Legacy\n======\n\nThe description lives in a folded header,\n"
			 "indented by eight spaces.");
	pep_metadata_release(&md);
	free(buf);
}
END_TEST

START_TEST(metadata_case_pipes_folding)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	size_t len;
	char *buf = slurp("metadata/pipe-2.1.METADATA", &len);

	ck_assert_int_eq(pep_metadata_parse(&md, buf, len, NULL), 0);
	ck_assert_str_eq(md.metadata_version, "2.1");
	ck_assert_str_eq(md.name, "piped");
	ck_assert_str_eq(md.version, "1.0");
	ck_assert_uint_eq(md.requires_dist.nr, 1);
	ck_assert_str_eq(md.requires_dist.v[0], "a; python_version < \"3.9\"");
	ck_assert_str_eq(md.description, "First line\nsecond line\n\n  indented line");
	ck_assert_str_eq(md.provides_extra.v[0], "Dev.Tools");
	ck_assert(pep_metadata_is_dynamic(&md, "requires-dist"));
	ck_assert_ptr_null(md.summary);
	pep_metadata_release(&md);
	free(buf);
}
END_TEST

START_TEST(metadata_body_wins_over_header)
{
	struct pep_metadata md = PEP_METADATA_INIT;

	ck_assert_int_eq(parse_str(&md, "Metadata-Version: 2.1\nName: a\nVersion: 1\n"
				   "Description: header\n\nbody\r\ntext", NULL), 0);
	ck_assert_str_eq(md.description, "body\r\ntext");
	/* A blank body leaves the header. */
	ck_assert_int_eq(parse_str(&md, "Metadata-Version: 2.1\nName: a\nVersion: 1\n"
				   "Description: header\n\n \n\n", NULL), 0);
	ck_assert_str_eq(md.description, "header");
	/* No description at all, no blank line, a lone CR ending. */
	ck_assert_int_eq(parse_str(&md, "\xef\xbb\xbfMetadata-Version: 2.1\rName: a\rVersion: 1", NULL), 0);
	ck_assert_ptr_null(md.description);
	ck_assert_str_eq(md.version, "1");
	/* Repeated Summary keeps the first; unknown fields are ignored. */
	ck_assert_int_eq(parse_str(&md, "Metadata-Version: 2.1\nName: a\nVersion: 1\n"
				   "Summary: one\nX-Whatever: \xc3\xa9t\xc3\xa9\nsummary: two\n", NULL), 0);
	ck_assert_str_eq(md.summary, "one");
	pep_metadata_release(&md);
}
END_TEST

static const struct {
	const char *text;
	const char *msg;
	int line;
} bad_metadata[] = {
	{ "Name: a\nVersion: 1\n", "missing required field 'Metadata-Version'", 0 },
	{ "Metadata-Version: 2.1\nVersion: 1\n", "missing required field 'Name'", 0 },
	{ "Metadata-Version: 2.1\nName: a\n\nVersion: 1\n", "missing required field 'Version'", 0 },
	{ "", "missing required field 'Metadata-Version'", 0 },
	{ "Metadata-Version: 2.1\nName:\nVersion: 1\n", "empty field 'Name' at line 2", 2 },
	{ "Metadata-Version: 2.1\nName: a\nthis is not a header\n",
	  "expected 'Field: value' at line 3, column 5", 3 },
	{ "Metadata-Version: 2.1\nName a\n", "expected 'Field: value' at line 2, column 5", 2 },
	{ "Metadata-Version: 2.1\nNameless\n", "expected ':' after the field name at line 2", 2 },
	{ "Metadata-Version: 2.1\n: a\n", "empty field name at line 2", 2 },
	{ " Name: a\n", "continuation line without a field at line 1", 1 },
	{ "Metadata-Version: 2.1\r\nName: a\r\nVersion: 1\r\nVersion: 2\r\n",
	  "duplicate field 'Version' at line 4 (first at line 3)", 4 },
	{ "Metadata-Version: 2.1\nName: a\nVersion: 1\nrequires-python: >=3\nRequires-Python: <4\n",
	  "duplicate field 'Requires-Python' at line 5 (first at line 4)", 5 },
	{ "Metadata-Version: 2.1\nName: \xff\n", "invalid UTF-8 at line 2, column 7", 2 },
	{ "Metadata-Version: 2.1\r\nName: a\r\n\r\nbody \xc3\x28\n", "invalid UTF-8 at line 4, column 6", 4 },
	{ "Metadata-Version: 2.1\nName: \xed\xa0\x80\n", "invalid UTF-8 at line 2, column 7", 2 },
	{ "M\xc3\xa9tadata: 2.1\n", "expected 'Field: value' at line 1, column 2", 1 },
};

START_TEST(metadata_errors)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse_str(&md, bad_metadata[_i].text, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, bad_metadata[_i].msg);
	ck_assert_int_eq(err.line, bad_metadata[_i].line);
	/* Nothing is left behind on failure. */
	ck_assert_ptr_null(md.name);
	ck_assert_ptr_null(md.metadata_version);
	ck_assert_uint_eq(md.requires_dist.nr, 0);
	pep_metadata_release(&md);
}
END_TEST

START_TEST(metadata_nul_and_size)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	const char text[] = "Metadata-Version: 2.1\nName: a\0b\nVersion: 1\n";
	char one = 'M';

	ck_assert_int_eq(pep_metadata_parse(&md, text, sizeof(text) - 1, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "NUL byte at line 2, column 8");
	/* The size is checked before a byte is read. */
	ck_assert_int_eq(pep_metadata_parse(&md, &one, (16u << 20) + 1, &err), -CVL_ETOOBIG);
	ck_assert_str_eq(err.msg, "metadata too large (16777217 bytes, at most 16777216)");
}
END_TEST

START_TEST(metadata_not_nul_terminated)
{
	struct pep_metadata md = PEP_METADATA_INIT;
	const char *text = "Metadata-Version: 2.1\nName: a\nVersion: 1.0";
	size_t len = strlen(text);
	char *copy = xmemdup0(text, len);

	copy[len] = '9'; /* one byte past the end: must not be read */
	ck_assert_int_eq(pep_metadata_parse(&md, copy, len, NULL), 0);
	ck_assert_str_eq(md.version, "1.0");
	pep_metadata_release(&md);
	free(copy);
}
END_TEST

Suite *suite_pep_metadata(void)
{
	Suite *s = suite_create("pep_metadata");
	TCase *tc = tcase_create("metadata");

	tcase_add_test(tc, metadata_wheel_file);
	tcase_add_test(tc, metadata_legacy_crlf_folded_description);
	tcase_add_test(tc, metadata_case_pipes_folding);
	tcase_add_test(tc, metadata_body_wins_over_header);
	tcase_add_loop_test(tc, metadata_errors, 0, (int)ARRAY_SIZE(bad_metadata));
	tcase_add_test(tc, metadata_nul_and_size);
	tcase_add_test(tc, metadata_not_nul_terminated);
	suite_add_tcase(s, tc);
	return s;
}
