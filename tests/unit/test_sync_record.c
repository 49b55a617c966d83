/*
 * test_sync_record.c - RECORD files (sync/record.c): parsing as Python's
 * csv module reads them (quotes, "" escapes, CRLF, lone CR, short rows),
 * the errors with their line numbers, formatting as csv.writer with
 * lineterminator "\n" writes (checked byte for byte against
 * /usr/bin/python3 when it is there), and the sha256 hash field.
 */
#include "config.h"
#include "tests/unit/unit.h"
#include "sync/sync.h"

#include <unistd.h>

#define SYSTEM_PYTHON "/usr/bin/python3"

static void parse_ok(struct sync_record *r, const char *text)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int ret = sync_record_parse(r, text, strlen(text), &err);

	ck_assert_msg(ret == 0, "parse failed: %s", err.msg);
}

static void check_entry(const struct sync_record *r, size_t i,
			const char *path, const char *hash, int64_t size)
{
	ck_assert_uint_lt(i, r->n);
	ck_assert_str_eq(r->entries[i].path, path);
	if (hash)
		ck_assert_str_eq(r->entries[i].hash, hash);
	else
		ck_assert_ptr_null(r->entries[i].hash);
	ck_assert_int_eq(r->entries[i].size, size);
}

START_TEST(test_parse_plain)
{
	struct sync_record r = { 0 };

	parse_ok(&r,
		 "demo/__init__.py,sha256=AVTFPZpEKzuHr7OvQZmhaU3LvwKz06AJw8mT\\_pNh2yI,13\n"
		 "demo-1.0.dist-info/METADATA,sha256=abc,120\n"
		 "demo-1.0.dist-info/RECORD,,\n"
		 "demo/__pycache__/x.cpython-311.pyc,,\n");
	ck_assert_uint_eq(r.n, 4);
	check_entry(&r, 0, "demo/__init__.py",
		    "sha256=AVTFPZpEKzuHr7OvQZmhaU3LvwKz06AJw8mT\\_pNh2yI", 13);
	check_entry(&r, 1, "demo-1.0.dist-info/METADATA", "sha256=abc", 120);
	check_entry(&r, 2, "demo-1.0.dist-info/RECORD", NULL, -1);
	check_entry(&r, 3, "demo/__pycache__/x.cpython-311.pyc", NULL, -1);
	sync_record_release(&r);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_ptr_null(r.entries);
}
END_TEST

START_TEST(test_parse_csv_rules)
{
	struct sync_record r = { 0 };

	/* quotes, "" escapes, a comma and a newline inside quotes, CRLF,
	 * a lone CR, blank lines, no final newline, short and long rows */
	parse_ok(&r,
		 "\"a,b.py\",sha256=x,1\r\n"
		 "\"say \"\"hi\"\".txt\",,\r\n"
		 "\r\n"
		 "\"two\nlines\",sha256=y,2\r"
		 "only-path\n"
		 "\n"
		 "path-and-hash,sha256=z\n"
		 "extra,sha256=w,3,more,fields\n"
		 "\"\"\"q\",,0\n"
		 "mid\"quote,,\n"
		 "\"closed\"tail,,\n"
		 "last,,44");
	ck_assert_uint_eq(r.n, 10);
	check_entry(&r, 0, "a,b.py", "sha256=x", 1);
	check_entry(&r, 1, "say \"hi\".txt", NULL, -1);
	check_entry(&r, 2, "two\nlines", "sha256=y", 2);
	check_entry(&r, 3, "only-path", NULL, -1);
	check_entry(&r, 4, "path-and-hash", "sha256=z", -1);
	check_entry(&r, 5, "extra", "sha256=w", 3);
	check_entry(&r, 6, "\"q", NULL, 0);
	check_entry(&r, 7, "mid\"quote", NULL, -1);
	check_entry(&r, 8, "closedtail", NULL, -1);
	check_entry(&r, 9, "last", NULL, 44);
	sync_record_release(&r);

	/* empty input: no entries */
	parse_ok(&r, "");
	ck_assert_uint_eq(r.n, 0);
	parse_ok(&r, "\n\r\n");
	ck_assert_uint_eq(r.n, 0);
	sync_record_release(&r);
}
END_TEST

static void parse_fails(const char *text, size_t len, const char *msg)
{
	struct sync_record r = { 0 };
	struct cvl_error err = CVL_ERROR_INIT;

	sync_record_add(&r, "kept", NULL, -1);
	ck_assert_int_eq(sync_record_parse(&r, text, len, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, msg);
	/* what was there before stays, nothing is added */
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.entries[0].path, "kept");
	sync_record_release(&r);
}

START_TEST(test_parse_errors)
{
	parse_fails("a,,\n,sha256=x,1\n", 16, "RECORD line 2 has an empty path");
	parse_fails("a,,\nb,,\n\"c\nd,,\n", 15,
		    "RECORD line 3 has a quote that is never closed");
	parse_fails("a,,\nb,x,1\n", 10,
		    "RECORD line 2 has the hash 'x' instead of ALGORITHM=DIGEST");
	parse_fails("a,=x,1\n", 7,
		    "RECORD line 1 has the hash '=x' instead of ALGORITHM=DIGEST");
	parse_fails("a,sha256=,1\n", 12,
		    "RECORD line 1 has the hash 'sha256=' instead of ALGORITHM=DIGEST");
	parse_fails("\"q\nq\",,1\nb,,-1\n", 15,
		    "RECORD line 3 has the size '-1' instead of a number of bytes");
	parse_fails("a,,12a\n", 7,
		    "RECORD line 1 has the size '12a' instead of a number of bytes");
	parse_fails("a,,99999999999999999999999\n", 27,
		    "RECORD line 1 has the size '99999999999999999999999' instead of a number of bytes");
	parse_fails("a,,\nb\0,,\n", 9, "RECORD line 2 contains a NUL byte");
}
END_TEST

START_TEST(test_format)
{
	struct sync_record r = { 0 };
	struct sync_record back = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t i;

	sync_record_add(&r, "demo/__init__.py", "sha256=abc", 13);
	sync_record_add(&r, "a,b.py", NULL, 0);
	sync_record_add(&r, "say \"hi\".txt", "sha256=d", 7);
	sync_record_add(&r, "two\nlines", NULL, -1);
	sync_record_add(&r, "cr\rhere", NULL, -5);
	sync_record_add(&r, "demo-1.0.dist-info/RECORD", NULL, -1);
	sync_record_format(&r, &out);
	ck_assert_str_eq(out.buf,
			 "demo/__init__.py,sha256=abc,13\n"
			 "\"a,b.py\",,0\n"
			 "\"say \"\"hi\"\".txt\",sha256=d,7\n"
			 "\"two\nlines\",,\n"
			 "\"cr\rhere\",,\n"
			 "demo-1.0.dist-info/RECORD,,\n");

	/* what is written reads back the same */
	parse_ok(&back, out.buf);
	ck_assert_uint_eq(back.n, r.n);
	for (i = 0; i < r.n; i++)
		check_entry(&back, i, r.entries[i].path, r.entries[i].hash,
			    r.entries[i].size);
	sync_record_release(&back);
	sync_record_release(&r);
	strbuf_release(&out);
}
END_TEST

/* The bytes csv.writer(f, lineterminator="\n") writes for the rows. */
START_TEST(test_format_matches_python)
{
	static const char script[] =
		"import csv, sys\n"
		"w = csv.writer(sys.stdout, lineterminator='\\n')\n"
		"w.writerow(['x/a b.py', 'sha256=q', 5])\n"
		"w.writerow(['c,d', '', ''])\n"
		"w.writerow(['e\"f', 'sha256=r', 0])\n"
		"w.writerow([' lead', '', ''])\n";
	struct sync_record r = { 0 };
	struct strbuf out = STRBUF_INIT, cmd = STRBUF_INIT;
	char buf[1024];
	size_t n;
	FILE *p;
	char tmp[256], path[300];
	FILE *f;

	if (access(SYSTEM_PYTHON, X_OK) != 0)
		return;
	unit_tmpdir(tmp, sizeof(tmp), "record");
	snprintf(path, sizeof(path), "%s/w.py", tmp);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(script, f);
	ck_assert_int_eq(fclose(f), 0);
	strbuf_addf(&cmd, "%s -I %s", SYSTEM_PYTHON, path);
	p = popen(cmd.buf, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);

	sync_record_add(&r, "x/a b.py", "sha256=q", 5);
	sync_record_add(&r, "c,d", NULL, -1);
	sync_record_add(&r, "e\"f", "sha256=r", 0);
	sync_record_add(&r, " lead", NULL, -1);
	sync_record_format(&r, &out);
	ck_assert_str_eq(out.buf, buf);
	sync_record_release(&r);
	strbuf_release(&out);
	strbuf_release(&cmd);
	unit_rm_rf(tmp);
}
END_TEST

START_TEST(test_hash)
{
	struct strbuf out = STRBUF_INIT;

	/* hashlib.sha256(b"").digest(), urlsafe_b64encode, rstrip("=") */
	sync_record_hash("", 0, &out);
	ck_assert_str_eq(out.buf,
			 "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
	strbuf_reset(&out);
	sync_record_hash("hello\n", 6, &out);
	ck_assert_str_eq(out.buf,
			 "sha256=WJG1tSLV3whtD_CxEPvZ0hu0_HFjrzTQgoai6Eb2vgM");
	strbuf_release(&out);
}
END_TEST

Suite *suite_sync_record(void)
{
	Suite *s = suite_create("sync_record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_parse_plain);
	tcase_add_test(tc, test_parse_csv_rules);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_matches_python);
	tcase_add_test(tc, test_hash);
	suite_add_tcase(s, tc);
	return s;
}
