/* test_toml.c - toml/: lookup, positions, values, errors, writer helpers */
#include "tests/unit/unit.h"
#include "toml/toml.h"

#include <math.h>

/*
 * Parse a copy of `text` in a buffer of exactly its length (no NUL after
 * it), so that ASan catches any read past the end.
 */
static int parse_exact(const char *text, size_t len, struct toml_doc *doc,
		       struct cvl_error *err)
{
	char *copy = xmalloc(len ? len : 1);
	int ret;

	memcpy(copy, text, len);
	ret = toml_parse(copy, len, doc, err);
	free(copy);
	return ret;
}

static void parse_ok(const char *text, struct toml_doc *doc)
{
	struct cvl_error err = CVL_ERROR_INIT;
	int ret = parse_exact(text, strlen(text), doc, &err);

	ck_assert_msg(ret == 0, "parse failed at %d:%d: %s", err.line,
		      err.column, err.msg);
	ck_assert_ptr_nonnull(doc->root);
}

/* ---- lookup ------------------------------------------------------------ */

START_TEST(lookup)
{
	struct toml_doc doc;
	const struct toml_value *tool, *arr, *v;
	const struct toml_keyval *kv;
	struct cvl_str s;
	int64_t i;
	double d;
	bool b;

	parse_ok("title = \"x\"\n"
		 "n = 42\n"
		 "f = 1.5\n"
		 "yes = true\n"
		 "\"nul\\u0000key\" = 1\n"
		 "[tool.cvlock]\n"
		 "list = [1, \"two\", [3]]\n"
		 "[[pkg]]\nname = \"a\"\n"
		 "[[pkg]]\nname = \"b\"\n", &doc);

	ck_assert_uint_eq(toml_table_size(doc.root), 7);
	kv = toml_table_at(doc.root, 0);
	ck_assert_str_eq(kv->key.p, "title");
	kv = toml_table_at(doc.root, 5);
	ck_assert_str_eq(kv->key.p, "tool");
	ck_assert_ptr_null(toml_table_at(doc.root, 7));

	ck_assert(toml_table_get_string(doc.root, "title", &s));
	ck_assert_str_eq(s.p, "x");
	ck_assert_uint_eq(s.len, 1);
	ck_assert(toml_table_get_integer(doc.root, "n", &i));
	ck_assert_int_eq(i, 42);
	ck_assert(toml_table_get_float(doc.root, "f", &d));
	ck_assert(d == 1.5);
	ck_assert(toml_table_get_bool(doc.root, "yes", &b));
	ck_assert(b);
	/* Wrong type or absent: false, output untouched. */
	i = 7;
	ck_assert(!toml_table_get_integer(doc.root, "title", &i));
	ck_assert(!toml_table_get_integer(doc.root, "missing", &i));
	ck_assert_int_eq(i, 7);
	ck_assert(!toml_table_get_string(doc.root, "n", &s));

	/* A key holding NUL is found by length, not by C string. */
	v = toml_table_getn(doc.root, "nul\0key", 7);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->u.integer, 1);
	ck_assert_ptr_null(toml_table_get(doc.root, "nul"));

	tool = toml_table_get_table(toml_table_get(doc.root, "tool"), "cvlock");
	ck_assert_ptr_nonnull(tool);
	arr = toml_table_get_array(tool, "list");
	ck_assert_uint_eq(toml_array_size(arr), 3);
	ck_assert_int_eq(toml_array_at(arr, 0)->u.integer, 1);
	ck_assert_str_eq(toml_array_at(arr, 1)->u.string.p, "two");
	ck_assert_int_eq(toml_array_at(toml_array_at(arr, 2), 0)->u.integer, 3);
	ck_assert_ptr_null(toml_array_at(arr, 3));

	/* Chains through NULL and through the wrong kinds. */
	ck_assert_ptr_null(toml_table_get(toml_table_get(doc.root, "nope"), "x"));
	ck_assert_ptr_null(toml_table_get(arr, "x"));
	ck_assert_ptr_null(toml_array_at(tool, 0));
	ck_assert_uint_eq(toml_table_size(arr), 0);
	ck_assert_uint_eq(toml_array_size(NULL), 0);
	ck_assert_ptr_null(toml_table_get_table(doc.root, "title"));

	arr = toml_table_get_array(doc.root, "pkg");
	ck_assert_uint_eq(toml_array_size(arr), 2);
	ck_assert(toml_table_get_string(toml_array_at(arr, 1), "name", &s));
	ck_assert_str_eq(s.p, "b");

	toml_doc_release(&doc);
	ck_assert_ptr_null(doc.root);
	toml_doc_release(&doc);
}
END_TEST

START_TEST(expect)
{
	struct cvl_error err = CVL_ERROR_INIT;
	const struct toml_value *v;
	struct toml_doc doc;

	parse_ok("[package]\nname = \"a\"\nversion = 1\n", &doc);
	v = toml_table_get(doc.root, "package");
	ck_assert_int_eq(toml_table_expect(v, "name", TOML_STRING, true, &v, &err), 0);
	ck_assert_str_eq(v->u.string.p, "a");

	v = toml_table_get(doc.root, "package");
	ck_assert_int_eq(toml_table_expect(v, "version", TOML_STRING, true, &v, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "key 'version' must be a string, not an integer");
	ck_assert_int_eq(err.line, 3);
	ck_assert_int_eq(err.column, 11);
	ck_assert_ptr_null(v);

	v = toml_table_get(doc.root, "package");
	ck_assert_int_eq(toml_table_expect(v, "extra", TOML_ARRAY, false, &v, &err), 0);
	ck_assert_ptr_null(v);

	v = toml_table_get(doc.root, "package");
	ck_assert_int_eq(toml_table_expect(v, "extra", TOML_ARRAY, true, &v, &err),
			 -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "missing key 'extra'");
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.column, 2);
	toml_doc_release(&doc);
}
END_TEST

/* Many keys in one table: the hash index must agree with the order. */
START_TEST(big_table)
{
	struct strbuf sb = STRBUF_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct toml_doc doc;
	char key[32];
	int i;

	for (i = 0; i < 5000; i++)
		strbuf_addf(&sb, "k%d = %d\n", i, i);
	parse_ok(sb.buf, &doc);
	ck_assert_uint_eq(toml_table_size(doc.root), 5000);
	for (i = 0; i < 5000; i += 7) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_int_eq(toml_table_get(doc.root, key)->u.integer, i);
		ck_assert_str_eq(toml_table_at(doc.root, (size_t)i)->key.p, key);
	}
	ck_assert_ptr_null(toml_table_get(doc.root, "k5000"));
	toml_doc_release(&doc);

	strbuf_addstr(&sb, "k4321 = 0\n");
	ck_assert_int_eq(parse_exact(sb.buf, sb.len, &doc, &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "duplicate key 'k4321'");
	ck_assert_int_eq(err.line, 5001);
	ck_assert_int_eq(err.column, 1);
	ck_assert_ptr_null(doc.root);
	toml_doc_release(&doc);
	strbuf_release(&sb);
}
END_TEST

/* ---- positions --------------------------------------------------------- */

static void assert_at(const struct toml_value *v, int line, int column)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_msg(v->line == line && v->column == column,
		      "value at %d:%d, expected %d:%d", v->line, v->column,
		      line, column);
}

START_TEST(positions)
{
	struct toml_doc doc;
	const struct toml_value *a, *t, *arr;
	const struct toml_keyval *kv;

	parse_ok("# comment\r\n"
		 "s = 'x'\r\n"
		 "  n   =  -12\n"
		 "arr = [\n"
		 "  1,\n"
		 "  { k = true },\n"
		 "]\n"
		 "x.y.z = 1\n"
		 "\n"
		 "[ a . b ]\n"
		 "ml = \"\"\"\n"
		 "two\n"
		 "lines\"\"\"\n"
		 "after = 1979-05-27\n"
		 "[[aot]]\n"
		 "[[aot]]\n"
		 "v = 0x10\n", &doc);

	assert_at(doc.root, 1, 1);
	assert_at(toml_table_get(doc.root, "s"), 2, 5);
	assert_at(toml_table_get(doc.root, "n"), 3, 10);
	kv = toml_table_at(doc.root, 1);
	ck_assert_str_eq(kv->key.p, "n");
	ck_assert_int_eq(kv->line, 3);
	ck_assert_int_eq(kv->column, 3);

	arr = toml_table_get(doc.root, "arr");
	assert_at(arr, 4, 7);
	assert_at(toml_array_at(arr, 0), 5, 3);
	assert_at(toml_array_at(arr, 1), 6, 3);
	assert_at(toml_table_get(toml_array_at(arr, 1), "k"), 6, 9);

	/* Implicit tables sit at the key that created them. */
	t = toml_table_get(doc.root, "x");
	assert_at(t, 8, 1);
	assert_at(toml_table_get(t, "y"), 8, 3);
	assert_at(toml_table_get(toml_table_get(t, "y"), "z"), 8, 9);

	a = toml_table_get(doc.root, "a");
	assert_at(a, 10, 3);
	t = toml_table_get(a, "b");
	assert_at(t, 10, 7);
	assert_at(toml_table_get(t, "ml"), 11, 6);
	assert_at(toml_table_get(t, "after"), 14, 9);

	arr = toml_table_get(doc.root, "aot");
	assert_at(arr, 15, 3);
	assert_at(toml_array_at(arr, 0), 15, 3);
	assert_at(toml_array_at(arr, 1), 16, 3);
	assert_at(toml_table_get(toml_array_at(arr, 1), "v"), 17, 5);
	toml_doc_release(&doc);

	/* A table implied by a later header moves to its own header. */
	parse_ok("[p.q]\n[p]\n", &doc);
	assert_at(toml_table_get(doc.root, "p"), 2, 2);
	toml_doc_release(&doc);

	/* The byte order mark is not counted in columns. */
	parse_ok("\xef\xbb\xbfk = 1\n", &doc);
	assert_at(toml_table_get(doc.root, "k"), 1, 5);
	toml_doc_release(&doc);
}
END_TEST

/* ---- values ------------------------------------------------------------ */

START_TEST(integers)
{
	static const struct {
		const char *text;
		int64_t value;
	} cases[] = {
		{ "0", 0 },
		{ "+0", 0 },
		{ "-0", 0 },
		{ "1_000_000", 1000000 },
		{ "9223372036854775807", INT64_MAX },
		{ "-9223372036854775808", INT64_MIN },
		{ "0x7FFF_ffff_FFFF_ffff", INT64_MAX },
		{ "0xdead_BEEF", 0xdeadbeefLL },
		{ "0o755", 0755 },
		{ "0b1010_0101", 0xa5 },
		{ "0x0", 0 },
	};
	struct toml_doc doc;
	struct strbuf sb = STRBUF_INIT;
	int64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "v = %s", cases[i].text);
		parse_ok(sb.buf, &doc);
		ck_assert_msg(toml_table_get_integer(doc.root, "v", &v), "%s",
			      cases[i].text);
		ck_assert_msg(v == cases[i].value, "%s", cases[i].text);
		toml_doc_release(&doc);
	}
	strbuf_release(&sb);
}
END_TEST

START_TEST(floats)
{
	static const struct {
		const char *text;
		double value;
	} cases[] = {
		{ "1.0", 1.0 },
		{ "-0.5e-3", -0.5e-3 },
		{ "6.626e-34", 6.626e-34 },
		{ "1e1_0", 1e10 },
		{ "224_617.445_991_228", 224617.445991228 },
		{ "1.7976931348623157e308", 1.7976931348623157e308 },
		{ "1e-400", 0.0 },
		{ "+inf", INFINITY },
		{ "-inf", -INFINITY },
	};
	struct toml_doc doc;
	struct strbuf sb = STRBUF_INIT;
	const struct toml_value *v;
	double d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "v = %s\n", cases[i].text);
		parse_ok(sb.buf, &doc);
		ck_assert_msg(toml_table_get_float(doc.root, "v", &d), "%s",
			      cases[i].text);
		ck_assert_msg(d == cases[i].value, "%s", cases[i].text);
		toml_doc_release(&doc);
	}
	strbuf_release(&sb);

	parse_ok("a = nan\nb = -nan\nc = -0.0\n", &doc);
	ck_assert(isnan(toml_table_get(doc.root, "a")->u.fp));
	ck_assert(isnan(toml_table_get(doc.root, "b")->u.fp));
	v = toml_table_get(doc.root, "c");
	ck_assert_int_eq(v->type, TOML_FLOAT);
	ck_assert(v->u.fp == 0.0 && signbit(v->u.fp));
	toml_doc_release(&doc);
}
END_TEST

START_TEST(datetimes)
{
	struct toml_doc doc;
	const struct toml_value *v;
	const struct toml_datetime *dt;

	parse_ok("odt = 1979-05-27 00:32:00.999999999123-07:00\n"
		 "z = 1979-05-27t07:32:00z\n"
		 "ldt = 2000-02-29T23:59:60\n"
		 "ld = 0001-01-01\n"
		 "lt = 07:32:00.5\n", &doc);

	v = toml_table_get(doc.root, "odt");
	ck_assert_int_eq(v->type, TOML_DATETIME);
	dt = &v->u.datetime;
	ck_assert_int_eq(dt->year, 1979);
	ck_assert_int_eq(dt->month, 5);
	ck_assert_int_eq(dt->day, 27);
	ck_assert_int_eq(dt->hour, 0);
	ck_assert_int_eq(dt->minute, 32);
	ck_assert_int_eq(dt->second, 0);
	ck_assert_uint_eq(dt->nanosecond, 999999999);
	ck_assert_int_eq(dt->offset_minutes, -420);
	ck_assert(!dt->offset_z);
	ck_assert_str_eq(dt->text.p, "1979-05-27T00:32:00.999999999123-07:00");
	ck_assert_uint_eq(dt->text.len, strlen(dt->text.p));

	v = toml_table_get(doc.root, "z");
	ck_assert_int_eq(v->type, TOML_DATETIME);
	ck_assert(v->u.datetime.offset_z);
	ck_assert_int_eq(v->u.datetime.offset_minutes, 0);
	ck_assert_str_eq(v->u.datetime.text.p, "1979-05-27T07:32:00Z");

	v = toml_table_get(doc.root, "ldt");
	ck_assert_int_eq(v->type, TOML_DATETIME_LOCAL);
	ck_assert_int_eq(v->u.datetime.second, 60);
	ck_assert_str_eq(v->u.datetime.text.p, "2000-02-29T23:59:60");

	v = toml_table_get(doc.root, "ld");
	ck_assert_int_eq(v->type, TOML_DATE_LOCAL);
	ck_assert_int_eq(v->u.datetime.year, 1);
	ck_assert_int_eq(v->u.datetime.hour, 0);
	ck_assert_str_eq(v->u.datetime.text.p, "0001-01-01");

	v = toml_table_get(doc.root, "lt");
	ck_assert_int_eq(v->type, TOML_TIME_LOCAL);
	ck_assert_int_eq(v->u.datetime.year, 0);
	ck_assert_int_eq(v->u.datetime.hour, 7);
	ck_assert_uint_eq(v->u.datetime.nanosecond, 500000000);
	ck_assert_str_eq(v->u.datetime.text.p, "07:32:00.5");
	ck_assert_str_eq(toml_type_name(v->type), "time-local");
	toml_doc_release(&doc);
}
END_TEST

START_TEST(strings)
{
	struct toml_doc doc;
	struct cvl_str s;

	parse_ok("a = \"tab\\there \\u00e9 \\U0001F600 \\\"q\\\" \\\\\"\n"
		 "b = 'C:\\path'\n"
		 "c = \"\"\"\r\nline1\r\nline2 \\\r\n    \t  joined\"\"\"\n"
		 "d = '''\n''two quotes at the end'''''\n"
		 "e = \"\"\"\"quoted\"\"\"\"\n"
		 "f = \"nul\\u0000inside\"\n", &doc);
	ck_assert(toml_table_get_string(doc.root, "a", &s));
	ck_assert_str_eq(s.p, "tab\there \xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\");
	ck_assert(toml_table_get_string(doc.root, "b", &s));
	ck_assert_str_eq(s.p, "C:\\path");
	/* CRLF becomes LF; the first newline is trimmed. */
	ck_assert(toml_table_get_string(doc.root, "c", &s));
	ck_assert_str_eq(s.p, "line1\nline2 joined");
	ck_assert(toml_table_get_string(doc.root, "d", &s));
	ck_assert_str_eq(s.p, "''two quotes at the end''");
	ck_assert(toml_table_get_string(doc.root, "e", &s));
	ck_assert_str_eq(s.p, "\"quoted\"");
	ck_assert(toml_table_get_string(doc.root, "f", &s));
	ck_assert_uint_eq(s.len, 10);
	ck_assert(!memcmp(s.p, "nul\0inside", 11));
	toml_doc_release(&doc);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

static const struct {
	const char *text;
	int line, column;
	const char *msg;
} bad[] = {
	{ "a = 1\na = 2\n", 2, 1, "duplicate key 'a'" },
	{ "a b = 1\n", 1, 3, "expected '=' after key" },
	{ "a = \"x\\qy\"\n", 1, 7, "invalid escape '\\q' in string" },
	{ "a = \"x\\ y\"\n", 1, 7,
	  "invalid escape: '\\' followed by U+0020 in string" },
	{ "a = \"\\uD800\"\n", 1, 6,
	  "unicode escape '\\uD800' is not a unicode scalar value" },
	{ "a = \"\\u12\"\n", 1, 6, "invalid unicode escape '\\u12' in string" },
	{ "\n\na = \"abc\n", 3, 5, "unterminated string" },
	{ "a = \"\"\"abc", 1, 5, "unterminated string" },
	{ "a = '''x''''''\n", 1, 9,
	  "too many quotes in a row in multi-line string" },
	{ "a = \"x\x01\"\n", 1, 7, "control character U+0001 in string" },
	{ "a = 1 # x\x7f\n", 1, 10, "control character U+007F in comment" },
	{ "a = 1\rb = 2\n", 1, 6, "expected newline after value, found U+000D" },
	{ "a = \"\xc3\x28\"\n", 1, 6, "invalid UTF-8 byte 0xc3" },
	{ "a = \"\xed\xa0\x80\"\n", 1, 6, "invalid UTF-8 byte 0xed" },
	{ "a = \"\xc0\xaf\"\n", 1, 6, "invalid UTF-8 byte 0xc0" },
	{ "a = 1 2\n", 1, 7, "expected newline after value, found '2'" },
	{ "a =\n", 1, 4, "expected value, found newline" },
	{ "a = 9223372036854775808\n", 1, 5,
	  "out of range integer '9223372036854775808'" },
	{ "a = -9223372036854775809\n", 1, 5,
	  "out of range integer '-9223372036854775809'" },
	{ "a = 0x8000000000000000\n", 1, 5,
	  "out of range integer '0x8000000000000000'" },
	{ "a = 1e400\n", 1, 5, "out of range float '1e400'" },
	{ "a = 012\n", 1, 5, "leading zero in number '012'" },
	{ "a = 1__2\n", 1, 5, "misplaced underscore in number '1__2'" },
	{ "a = -0x1\n", 1, 5, "sign not allowed in integer '-0x1'" },
	{ "a = 1.\n", 1, 5, "missing digits after '.' in float '1.'" },
	{ "a = True\n", 1, 5, "invalid value 'True'" },
	{ "a = 2021-02-29\n", 1, 5, "day out of range in date-time '2021-02-29'" },
	{ "a = 12:60:00\n", 1, 5, "minute out of range in date-time '12:60:00'" },
	{ "a = 1979-05-27T07:32\n", 1, 5,
	  "invalid time in date-time '1979-05-27T07:32'" },
	{ "[a]\n[a]\n", 2, 2, "table 'a' already defined" },
	{ "[a.b]\n[a]\n[a]\n", 3, 2, "table 'a' already defined" },
	{ "[a]\nb.c = 1\n[a.b]\n", 3, 4, "table 'a.b' already defined by dotted keys" },
	{ "[a.b.c]\n[a]\nb.c.d = 1\n", 3, 3,
	  "cannot add with dotted keys to table 'b.c' defined by a header" },
	{ "a = {b = 1}\na.c = 2\n", 2, 1, "cannot add to inline table 'a'" },
	{ "a = {b = 1}\n[a.c]\n", 2, 2, "cannot add to inline table 'a'" },
	{ "a = [1]\n[[a]]\n", 2, 3, "key 'a' is an array, not an array of tables" },
	{ "[[a]]\n[a]\n", 2, 2, "table 'a' already defined as an array of tables" },
	{ "a = 1\na.b = 2\n", 2, 1, "key 'a' is an integer, not a table" },
	{ "a = 1\n[a.b]\n", 2, 2, "key 'a' is an integer, not a table" },
	{ "\"key with space\" = 1\n\"key with space\" = 2\n", 2, 1,
	  "duplicate key '\"key with space\"'" },
	{ "a = {b = 1,}\n", 1, 11, "trailing comma in inline table" },
	{ "a = {b = 1\n}\n", 1, 11, "newline in inline table" },
	{ "a = [1 2]\n", 1, 8, "expected ',' or ']' after array element, found '2'" },
	{ "a = [1,\n", 1, 5, "unterminated array" },
	{ "[a\n", 1, 3, "expected ']' after table name" },
	{ "[[a]\n", 1, 4, "expected ']]' after array of tables name" },
	{ "[a] x\n", 1, 5, "expected newline after table header, found 'x'" },
	{ "= 1\n", 1, 1, "expected key, found '='" },
	{ "a. = 1\n", 1, 4, "expected key after '.', found '='" },
	{ "\"\"\"a\"\"\" = 1\n", 1, 1, "multi-line string cannot be a key" },
	{ "\xef\xbb\xbf\xef\xbb\xbf", 1, 1, "expected key, found '\xef\xbb\xbf'" },
	{ "a = \"x\"\n\x00", 2, 1, "expected key, found U+0000" },
};

START_TEST(errors)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct toml_doc doc;
	size_t i = (size_t)_i;
	size_t len = strlen(bad[i].text);
	int ret;

	/* The last case ends in a NUL byte of its own. */
	if (i == ARRAY_SIZE(bad) - 1)
		len++;
	ret = parse_exact(bad[i].text, len, &doc, &err);
	ck_assert_msg(ret == -CVL_EINVAL, "accepted: %s", bad[i].text);
	ck_assert_ptr_null(doc.root);
	ck_assert_str_eq(err.msg, bad[i].msg);
	ck_assert_msg(err.line == bad[i].line && err.column == bad[i].column,
		      "'%s' at %d:%d, expected %d:%d", err.msg, err.line,
		      err.column, bad[i].line, bad[i].column);
	ck_assert_int_eq(err.code, CVL_EINVAL);
	toml_doc_release(&doc);
}
END_TEST

START_TEST(empty_and_null)
{
	struct cvl_error err = CVL_ERROR_INIT;
	struct toml_doc doc;

	ck_assert_int_eq(toml_parse(NULL, 0, &doc, &err), 0);
	ck_assert_uint_eq(toml_table_size(doc.root), 0);
	toml_doc_release(&doc);
	ck_assert_int_eq(toml_parse("\xef\xbb\xbf", 3, &doc, NULL), 0);
	toml_doc_release(&doc);
	/* No error struct: still fails cleanly. */
	ck_assert_int_eq(toml_parse("a", 1, &doc, NULL), -CVL_EINVAL);
	toml_doc_release(&doc);
}
END_TEST

/* ---- depth ------------------------------------------------------------- */

static int parse_repeated(const char *pre, const char *unit, int n,
			  const char *mid, const char *close, const char *post,
			  struct cvl_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct toml_doc doc;
	int i, ret;

	strbuf_addstr(&sb, pre);
	for (i = 0; i < n; i++)
		strbuf_addstr(&sb, unit);
	strbuf_addstr(&sb, mid);
	for (i = 0; i < n; i++)
		strbuf_addstr(&sb, close);
	strbuf_addstr(&sb, post);
	ret = parse_exact(sb.buf, sb.len, &doc, err);
	toml_doc_release(&doc);
	strbuf_release(&sb);
	return ret;
}

START_TEST(depth_limit)
{
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse_repeated("a = ", "[", TOML_MAX_DEPTH, "",
					"]", "\n", &err), 0);
	ck_assert_int_eq(parse_repeated("a = ", "[", TOML_MAX_DEPTH + 1, "",
					"]", "\n", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "nesting too deep (more than 256 levels)");
	ck_assert_int_eq(err.line, 1);
	ck_assert_int_eq(err.column, 5 + TOML_MAX_DEPTH);

	ck_assert_int_eq(parse_repeated("a = ", "{b = ", TOML_MAX_DEPTH, "1",
					"}", "\n", &err), 0);
	ck_assert_int_eq(parse_repeated("a = ", "{b = ", TOML_MAX_DEPTH + 1, "1",
					"}", "\n", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "nesting too deep (more than 256 levels)");

	/* Depth through keys counts as well: dotted keys and headers. */
	ck_assert_int_eq(parse_repeated("", "a.", TOML_MAX_DEPTH, "b = 1", "",
					"\n", &err), 0);
	ck_assert_int_eq(parse_repeated("", "a.", TOML_MAX_DEPTH + 1, "b = 1", "",
					"\n", &err), -CVL_EINVAL);
	ck_assert_str_eq(err.msg, "nesting too deep (more than 256 levels)");
	ck_assert_int_eq(parse_repeated("[", "a.", TOML_MAX_DEPTH, "b]", "",
					"\n", &err), -CVL_EINVAL);
	ck_assert_int_eq(parse_repeated("[", "a.", TOML_MAX_DEPTH - 1, "b]", "",
					"\n", &err), 0);
	/* Mixed: 200 tables deep, then 100 arrays. */
	ck_assert_int_eq(parse_repeated("", "a.", 200, "b = ", "",
					"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
					"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
					"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
					"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
					&err), -CVL_EINVAL);
	/* Very deep input fails without exhausting the stack. */
	ck_assert_int_eq(parse_repeated("a = ", "[", 1000000, "", "]", "\n", &err),
			 -CVL_EINVAL);
}
END_TEST

/* ---- writer helpers ---------------------------------------------------- */

static void roundtrip_string(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	struct toml_doc doc;
	struct cvl_str got;

	strbuf_addstr(&sb, "v = ");
	toml_write_string(&sb, s, len);
	strbuf_addch(&sb, '\n');
	toml_write_key(&sb, s, len);
	strbuf_addstr(&sb, " = 1\n");
	parse_ok(sb.buf, &doc);
	ck_assert(toml_table_get_string(doc.root, "v", &got));
	ck_assert_uint_eq(got.len, len);
	ck_assert(!memcmp(got.p, s, len));
	ck_assert_ptr_nonnull(toml_table_getn(doc.root, s, len));
	toml_doc_release(&doc);
	strbuf_release(&sb);
}

START_TEST(write_string)
{
	static const char special[] = "a\"b\\c\b\t\n\f\r\x01\x1f\x7f \xc3\xa9 ~";
	struct strbuf sb = STRBUF_INIT;
	char all[128];
	int i;

	toml_write_string(&sb, special, sizeof(special) - 1);
	ck_assert_str_eq(sb.buf,
			 "\"a\\\"b\\\\c\\b\\t\\n\\f\\r\\u0001\\u001F\\u007F \xc3\xa9 ~\"");
	strbuf_reset(&sb);
	toml_write_string(&sb, "\0", 1);
	ck_assert_str_eq(sb.buf, "\"\\u0000\"");
	strbuf_reset(&sb);
	/* Not UTF-8: replaced so that the output still parses. */
	toml_write_string(&sb, "x\xff\xc3", 3);
	ck_assert_str_eq(sb.buf, "\"x\xef\xbf\xbd\xef\xbf\xbd\"");
	strbuf_reset(&sb);
	toml_write_string(&sb, "", 0);
	ck_assert_str_eq(sb.buf, "\"\"");
	strbuf_release(&sb);

	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	roundtrip_string(all, sizeof(all));
	roundtrip_string("", 0);
	roundtrip_string("\xf4\x8f\xbf\xbf \xe2\x82\xac '''\"\"\"", 14);
}
END_TEST

START_TEST(write_key)
{
	struct strbuf sb = STRBUF_INIT;

	toml_write_key(&sb, "Bare_key-09", 11);
	ck_assert_str_eq(sb.buf, "Bare_key-09");
	strbuf_reset(&sb);
	toml_write_key(&sb, "a.b", 3);
	ck_assert_str_eq(sb.buf, "\"a.b\"");
	strbuf_reset(&sb);
	toml_write_key(&sb, "", 0);
	ck_assert_str_eq(sb.buf, "\"\"");
	strbuf_reset(&sb);
	toml_write_key(&sb, "caf\xc3\xa9", 5);
	ck_assert_str_eq(sb.buf, "\"caf\xc3\xa9\"");
	strbuf_release(&sb);
	ck_assert(toml_key_is_bare("x", 1));
	ck_assert(!toml_key_is_bare("x y", 3));
	ck_assert(!toml_key_is_bare("", 0));

	roundtrip_string("a.b", 3);
	roundtrip_string("plain", 5);
	roundtrip_string("with \"quote\"", 12);
}
END_TEST

Suite *suite_toml(void)
{
	Suite *s = suite_create("toml");
	TCase *tc = tcase_create("toml");

	tcase_add_test(tc, lookup);
	tcase_add_test(tc, expect);
	tcase_add_test(tc, big_table);
	tcase_add_test(tc, positions);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, floats);
	tcase_add_test(tc, datetimes);
	tcase_add_test(tc, strings);
	tcase_add_loop_test(tc, errors, 0, (int)ARRAY_SIZE(bad));
	tcase_add_test(tc, empty_and_null);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, write_string);
	tcase_add_test(tc, write_key);
	suite_add_tcase(s, tc);
	return s;
}
