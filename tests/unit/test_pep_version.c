/*
 * test_pep_version.c - PEP 440 versions: ordering and canonical forms
 * from tests/unit/data/version*.data, error messages, huge numbers,
 * long release segments, memory ownership.
 */
#include "tests/unit/unit.h"
#include "pep/pep.h"

/* ---- helpers ------------------------------------------------------------ */

/* Decode \t \n \s (space) \\ and \xHH in place; returns the new length. */
static size_t unescape(char *s)
{
	char *o = s;
	const char *p = s;

	while (*p) {
		if (*p != '\\' || !p[1]) {
			*o++ = *p++;
			continue;
		}
		p++;
		if (*p == 't') {
			*o++ = '\t';
			p++;
		} else if (*p == 'n') {
			*o++ = '\n';
			p++;
		} else if (*p == 's') {
			*o++ = ' ';
			p++;
		} else if (*p == 'x' && p[1] && p[2]) {
			char hex[3] = { p[1], p[2], 0 };

			*o++ = (char)strtoul(hex, NULL, 16);
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return (size_t)(o - s);
}

/* Split `line` at " | " into at most max fields (in place). */
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

/* Next data line without comment or newline; NULL at the end. */
static char *next_line(FILE *f, char *buf, size_t sz, int *lineno)
{
	while (fgets(buf, (int)sz, f)) {
		size_t len = strlen(buf);

		(*lineno)++;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		if (!len || buf[0] == '#')
			continue;
		return buf;
	}
	return NULL;
}

static void parse_ok(struct pep_version *v, const char *s)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int r = pep_version_parse(v, s, strlen(s), &err);

	ck_assert_msg(r == 0, "'%s' rejected: %s", s, err.msg);
}

static char *fmt(const struct pep_version *v)
{
	struct strbuf sb = STRBUF_INIT;

	pep_version_format(v, &sb);
	return strbuf_detach(&sb, NULL);
}

/* ---- data-driven -------------------------------------------------------- */

static bool op_holds(const char *op, int c)
{
	if (!strcmp(op, "<"))
		return c < 0;
	if (!strcmp(op, "<="))
		return c <= 0;
	if (!strcmp(op, "=="))
		return c == 0;
	if (!strcmp(op, "!="))
		return c != 0;
	if (!strcmp(op, ">="))
		return c >= 0;
	if (!strcmp(op, ">"))
		return c > 0;
	ck_abort_msg("unknown operator '%s'", op);
	return false;
}

START_TEST(test_version_data_order)
{
	const char *path = unit_data_path("version.data");
	FILE *f = fopen(path, "r");
	char buf[1024], *line;
	int lineno = 0, cases = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	for (line = next_line(f, buf, sizeof(buf), &lineno); line;
	     line = next_line(f, buf, sizeof(buf), &lineno)) {
		char a[512], op[8], b[512];
		struct pep_version va = PEP_VERSION_INIT, vb = PEP_VERSION_INIT;
		int c, back;

		ck_assert_msg(sscanf(line, "%511s %7s %511s", a, op, b) == 3,
			      "%s:%d: expected 'A OP B'", path, lineno);
		parse_ok(&va, a);
		parse_ok(&vb, b);
		c = pep_version_cmp(&va, &vb);
		back = pep_version_cmp(&vb, &va);
		ck_assert_msg(op_holds(op, c), "%s:%d: %s %s %s, cmp gave %d",
			      path, lineno, a, op, b, c);
		ck_assert_msg(c == -back, "%s:%d: cmp not antisymmetric", path,
			      lineno);
		ck_assert_int_eq(pep_version_cmp(&va, &va), 0);
		/* public comparison agrees whenever locals are absent */
		if (!va.local && !vb.local)
			ck_assert_int_eq(pep_version_cmp_public(&va, &vb), c);
		pep_version_release(&va);
		pep_version_release(&vb);
		cases++;
	}
	fclose(f);
	ck_assert_int_gt(cases, 50);
}
END_TEST

START_TEST(test_version_data_format)
{
	const char *path = unit_data_path("version_format.data");
	FILE *f = fopen(path, "r");
	char buf[1024], *line;
	int lineno = 0, good = 0, bad = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	for (line = next_line(f, buf, sizeof(buf), &lineno); line;
	     line = next_line(f, buf, sizeof(buf), &lineno)) {
		struct pep_version v = PEP_VERSION_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		char *fl[5];
		size_t n, len;
		int r;

		if (line[0] == '!') {
			n = split_fields(line, fl, 3);
			ck_assert_msg(n == 3, "%s:%d: expected 3 fields", path,
				      lineno);
			/* "! INPUT", or "!" alone for the empty input */
			fl[0] += fl[0][1] ? 2 : 1;
			len = unescape(fl[0]);
			unescape(fl[2]);
			r = pep_version_parse(&v, fl[0], len, &err);
			ck_assert_msg(r == -CVL_EINVAL, "%s:%d: accepted", path,
				      lineno);
			ck_assert_int_eq(err.code, CVL_EINVAL);
			ck_assert_msg(!strcmp(err.msg, fl[2]),
				      "%s:%d: message\n  got:  %s\n  want: %s",
				      path, lineno, err.msg, fl[2]);
			ck_assert_int_eq(err.column, strtol(fl[1], NULL, 10));
			/* left empty, and releasable */
			ck_assert_uint_eq(v.nrelease, 0);
			pep_version_release(&v);
			bad++;
			continue;
		}
		n = split_fields(line, fl, 5);
		ck_assert_msg(n == 5, "%s:%d: expected 5 fields", path, lineno);
		len = unescape(fl[0]);
		r = pep_version_parse(&v, fl[0], len, &err);
		ck_assert_msg(r == 0, "%s:%d: rejected: %s", path, lineno,
			      err.msg);
		{
			struct strbuf sb = STRBUF_INIT;

			pep_version_format(&v, &sb);
			ck_assert_str_eq(sb.buf, fl[1]);
			strbuf_reset(&sb);
			pep_version_format_public(&v, &sb);
			ck_assert_str_eq(sb.buf, fl[2]);
			strbuf_reset(&sb);
			pep_version_format_base(&v, &sb);
			ck_assert_str_eq(sb.buf, fl[3]);
			strbuf_reset(&sb);
			pep_version_format_canonical(&v, true, &sb);
			ck_assert_str_eq(sb.buf, fl[4]);
			strbuf_reset(&sb);
			pep_version_format_canonical(&v, false, &sb);
			ck_assert_str_eq(sb.buf, fl[1]);
			strbuf_release(&sb);
		}
		pep_version_release(&v);
		good++;
	}
	fclose(f);
	ck_assert_int_gt(good, 10);
	ck_assert_int_gt(bad, 10);
}
END_TEST

/* ---- parts and attributes ----------------------------------------------- */

START_TEST(test_version_parts)
{
	struct pep_version v = PEP_VERSION_INIT;
	const struct pep_num *rel;

	parse_ok(&v, "3!1.2.3.rc4-post5_dev6+Local.007");
	rel = pep_version_segments(&v);
	ck_assert_uint_eq(v.epoch.value, 3);
	ck_assert_uint_eq(v.nrelease, 3);
	ck_assert_uint_eq(rel[0].value, 1);
	ck_assert_uint_eq(rel[2].value, 3);
	ck_assert_int_eq(v.pre_kind, PEP_PRE_RC);
	ck_assert_uint_eq(v.pre.value, 4);
	ck_assert(v.has_post);
	ck_assert_uint_eq(v.post.value, 5);
	ck_assert(v.has_dev);
	ck_assert_uint_eq(v.dev.value, 6);
	ck_assert_str_eq(v.local, "local.7");
	ck_assert(pep_version_is_prerelease(&v));
	ck_assert(pep_version_is_postrelease(&v));
	ck_assert(pep_version_is_devrelease(&v));
	pep_version_release(&v);

	parse_ok(&v, "1.0.dev1");
	ck_assert(pep_version_is_prerelease(&v));
	ck_assert(!pep_version_is_postrelease(&v));
	pep_version_release(&v);

	parse_ok(&v, "1.0.post1");
	ck_assert(!pep_version_is_prerelease(&v));
	ck_assert(pep_version_is_postrelease(&v));
	ck_assert(!pep_version_is_devrelease(&v));
	pep_version_release(&v);
}
END_TEST

START_TEST(test_version_not_nul_terminated)
{
	struct pep_version v = PEP_VERSION_INIT;
	const char buf[] = { '1', '.', '2', 'r', 'c', '1', '+', 'x' };
	char *s;

	/* only the first 6 bytes belong to the version */
	ck_assert_int_eq(pep_version_parse(&v, buf, 6, NULL), 0);
	s = fmt(&v);
	ck_assert_str_eq(s, "1.2rc1");
	free(s);
	pep_version_release(&v);
	/* a cut-off local label is an error, not a read past the end */
	ck_assert_int_eq(pep_version_parse(&v, buf, 7, NULL), -CVL_EINVAL);
	pep_version_release(&v);
}
END_TEST

/* ---- huge numbers and long releases -------------------------------------- */

START_TEST(test_version_huge_numbers)
{
	struct pep_version a = PEP_VERSION_INIT, b = PEP_VERSION_INIT;
	const char *d40 = "1234567890123456789012345678901234567890";
	const char *d39 = "999999999999999999999999999999999999999";
	struct pep_num n;
	char *s;

	parse_ok(&a, d40);
	parse_ok(&b, d39);
	ck_assert_int_gt(pep_version_cmp(&a, &b), 0);
	ck_assert_int_lt(pep_version_cmp(&b, &a), 0);
	n = pep_version_segments(&a)[0];
	ck_assert_ptr_nonnull(n.digits);
	ck_assert_uint_eq(n.ndigits, 40);
	ck_assert(n.value == UINT64_MAX);
	s = fmt(&a);
	ck_assert_str_eq(s, d40);
	free(s);
	pep_version_release(&a);
	pep_version_release(&b);

	/* the largest 64-bit value is kept as a value */
	parse_ok(&a, "18446744073709551615");
	n = pep_version_segments(&a)[0];
	ck_assert_ptr_null(n.digits);
	ck_assert(n.value == UINT64_MAX);
	parse_ok(&b, "18446744073709551616");
	ck_assert_ptr_nonnull(pep_version_segments(&b)[0].digits);
	ck_assert_int_lt(pep_version_cmp(&a, &b), 0);
	ck_assert_int_lt(pep_num_cmp(pep_version_segments(&a)[0],
				     pep_version_segments(&b)[0]), 0);
	pep_version_release(&a);
	pep_version_release(&b);

	/* leading zeros are not digits; every part can be huge */
	parse_ok(&a, "0000099999999999999999999999!00000099999999999999999999999"
		     "rc00099999999999999999999999.post099999999999999999999999"
		     ".dev99999999999999999999999+099999999999999999999999");
	s = fmt(&a);
	ck_assert_str_eq(s, "99999999999999999999999!99999999999999999999999"
			    "rc99999999999999999999999.post99999999999999999999999"
			    ".dev99999999999999999999999+99999999999999999999999");
	free(s);
	pep_version_copy(&b, &a);
	pep_version_release(&a);
	s = fmt(&b);
	ck_assert_str_eq(s, "99999999999999999999999!99999999999999999999999"
			    "rc99999999999999999999999.post99999999999999999999999"
			    ".dev99999999999999999999999+99999999999999999999999");
	free(s);
	pep_version_release(&b);
}
END_TEST

START_TEST(test_version_long_release)
{
	struct strbuf sb = STRBUF_INIT, out = STRBUF_INIT;
	struct pep_version a = PEP_VERSION_INIT, b = PEP_VERSION_INIT;
	size_t i;

	for (i = 0; i < 10000; i++)
		strbuf_addf(&sb, "%s%zu", i ? "." : "", i % 7);
	ck_assert_int_eq(pep_version_parse(&a, sb.buf, sb.len, NULL), 0);
	ck_assert_uint_eq(a.nrelease, 10000);
	ck_assert_uint_eq(pep_version_segments(&a)[9999].value, 9999 % 7);
	pep_version_format(&a, &out);
	ck_assert_str_eq(out.buf, sb.buf);

	/* one more non-zero number sorts after, one more zero is equal */
	strbuf_addstr(&sb, ".0");
	ck_assert_int_eq(pep_version_parse(&b, sb.buf, sb.len, NULL), 0);
	ck_assert_int_eq(pep_version_cmp(&a, &b), 0);
	pep_version_release(&b);
	strbuf_addstr(&sb, ".1");
	ck_assert_int_eq(pep_version_parse(&b, sb.buf, sb.len, NULL), 0);
	ck_assert_int_lt(pep_version_cmp(&a, &b), 0);
	pep_version_release(&b);

	/* 1.0.0...0 (10,000 zeros) == 1 and canonicalizes to "1" */
	strbuf_reset(&sb);
	strbuf_addch(&sb, '1');
	for (i = 0; i < 10000; i++)
		strbuf_addstr(&sb, ".0");
	ck_assert_int_eq(pep_version_parse(&b, sb.buf, sb.len, NULL), 0);
	pep_version_release(&a);
	parse_ok(&a, "1");
	ck_assert_int_eq(pep_version_cmp(&a, &b), 0);
	strbuf_reset(&out);
	pep_version_format_canonical(&b, true, &out);
	ck_assert_str_eq(out.buf, "1");
	pep_version_release(&a);
	pep_version_release(&b);
	strbuf_release(&sb);
	strbuf_release(&out);
}
END_TEST

/* ---- memory ---------------------------------------------------------------- */

START_TEST(test_version_no_allocation)
{
	struct pep_version v = PEP_VERSION_INIT;

	parse_ok(&v, "2024.10.1.5.3rc1.post2.dev3");
	ck_assert_ptr_eq(v.release, v.release_inline);
	ck_assert_ptr_null(v.big);
	pep_version_release(&v);

	parse_ok(&v, "1.2.3.4.5.6");
	ck_assert_ptr_ne(v.release, v.release_inline);
	ck_assert_uint_eq(pep_version_segments(&v)[5].value, 6);
	pep_version_release(&v);
	/* released twice is fine, and a released version is empty */
	pep_version_release(&v);
	ck_assert_uint_eq(v.nrelease, 0);
	ck_assert_ptr_null(v.local);
}
END_TEST

START_TEST(test_version_move_and_copy)
{
	struct pep_version *arr = NULL, moved, copy = PEP_VERSION_INIT;
	size_t nr = 0, alloc = 0, i;
	char *s;

	/* versions in an array that grows (and so moves) keep working */
	for (i = 0; i < 100; i++) {
		char buf[64];

		ALLOC_GROW(arr, nr + 1, alloc);
		memset(&arr[nr], 0, sizeof(arr[nr]));
		snprintf(buf, sizeof(buf), "%zu.%zu+l%zu", i, i + 1, i);
		parse_ok(&arr[nr], buf);
		nr++;
	}
	for (i = 0; i < nr; i++) {
		const struct pep_num *rel = pep_version_segments(&arr[i]);

		ck_assert_uint_eq(rel[0].value, i);
		ck_assert_uint_eq(rel[1].value, i + 1);
		if (i)
			ck_assert_int_lt(pep_version_cmp(&arr[i - 1], &arr[i]), 0);
	}
	memcpy(&moved, &arr[5], sizeof(moved));
	s = fmt(&moved);
	ck_assert_str_eq(s, "5.6+l5");
	free(s);
	pep_version_copy(&copy, &moved);
	for (i = 0; i < nr; i++)
		pep_version_release(&arr[i]);
	free(arr);
	s = fmt(&copy);
	ck_assert_str_eq(s, "5.6+l5");
	free(s);
	pep_version_copy(&copy, &copy);
	pep_version_release(&copy);

	/* copying a long release */
	parse_ok(&moved, "1.2.3.4.5.6.7.8");
	pep_version_copy(&copy, &moved);
	pep_version_release(&moved);
	s = fmt(&copy);
	ck_assert_str_eq(s, "1.2.3.4.5.6.7.8");
	free(s);
	pep_version_release(&copy);
}
END_TEST

START_TEST(test_version_error_null)
{
	struct pep_version v = PEP_VERSION_INIT;

	/* a NULL error is allowed */
	ck_assert_int_eq(pep_version_parse(&v, "1.0+", 4, NULL), -CVL_EINVAL);
	ck_assert_int_eq(pep_version_parse(&v, "", 0, NULL), -CVL_EINVAL);
	pep_version_release(&v);
}
END_TEST

START_TEST(test_version_long_message)
{
	struct pep_version v = PEP_VERSION_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "1.");
	ck_assert_int_eq(pep_version_parse(&v, sb.buf, sb.len, &err),
			 -CVL_EINVAL);
	/* the input is shortened in the message; the column is exact */
	ck_assert_int_eq(err.column, 2001);
	ck_assert_ptr_nonnull(strstr(err.msg, "...' at column 2001: "));
	ck_assert_uint_lt(strlen(err.msg), 300);
	strbuf_release(&sb);
}
END_TEST

Suite *suite_pep_version(void)
{
	Suite *s = suite_create("pep_version");
	TCase *tc = tcase_create("version");

	tcase_add_test(tc, test_version_data_order);
	tcase_add_test(tc, test_version_data_format);
	tcase_add_test(tc, test_version_parts);
	tcase_add_test(tc, test_version_not_nul_terminated);
	tcase_add_test(tc, test_version_huge_numbers);
	tcase_add_test(tc, test_version_long_release);
	tcase_add_test(tc, test_version_no_allocation);
	tcase_add_test(tc, test_version_move_and_copy);
	tcase_add_test(tc, test_version_error_null);
	tcase_add_test(tc, test_version_long_message);
	suite_add_tcase(s, tc);
	return s;
}
