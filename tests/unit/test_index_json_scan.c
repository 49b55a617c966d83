/*
 * test_index_json_scan.c - the pull JSON reader (index/json_scan.c) and
 * the PEP 691 page parser built on it, checked against jansson.
 */
#include "tests/unit/unit.h"

#include "index/internal.h"

#include <jansson.h>

/*
 * The tokens of a document, one word each ("{ K:a I:1 }"), ending with
 * "EOF" or "ERR(<message>)@line:column".
 */
static void tokens(struct strbuf *out, const char *body, size_t len)
{
	struct idx__json j;
	int tok, line, column;

	strbuf_reset(out);
	idx__json_init(&j, body, len);
	for (;;) {
		tok = idx__json_next(&j);
		if (out->len)
			strbuf_addch(out, ' ');
		switch (tok) {
		case IDX__JSON_ERROR:
			idx__json_position(&j, j.err_at, &line, &column);
			strbuf_addf(out, "ERR(%s)@%d:%d", j.errmsg, line, column);
			break;
		case IDX__JSON_EOF:
			strbuf_addstr(out, "EOF");
			break;
		case IDX__JSON_OBJECT:
			strbuf_addch(out, '{');
			break;
		case IDX__JSON_OBJECT_END:
			strbuf_addch(out, '}');
			break;
		case IDX__JSON_ARRAY:
			strbuf_addch(out, '[');
			break;
		case IDX__JSON_ARRAY_END:
			strbuf_addch(out, ']');
			break;
		case IDX__JSON_KEY:
		case IDX__JSON_STRING:
			strbuf_addstr(out, tok == IDX__JSON_KEY ? "K:" : "S:");
			strbuf_add(out, j.str, j.len);
			break;
		case IDX__JSON_INTEGER:
			strbuf_addf(out, "I:%lld", (long long)j.integer);
			break;
		case IDX__JSON_REAL:
			strbuf_addf(out, "R:%g", j.real);
			break;
		case IDX__JSON_TRUE:
			strbuf_addstr(out, "true");
			break;
		case IDX__JSON_FALSE:
			strbuf_addstr(out, "false");
			break;
		case IDX__JSON_NULL:
			strbuf_addstr(out, "null");
			break;
		}
		if (tok == IDX__JSON_ERROR || tok == IDX__JSON_EOF)
			break;
	}
	/* after an error, the reader stays failed */
	if (tok == IDX__JSON_ERROR)
		ck_assert_int_eq(idx__json_next(&j), IDX__JSON_ERROR);
	idx__json_release(&j);
}

static void check_tokens_n(const char *body, size_t len, const char *want)
{
	struct strbuf out = STRBUF_INIT;

	tokens(&out, body, len);
	ck_assert_str_eq(out.buf, want);
	strbuf_release(&out);
}

static void check_tokens(const char *body, const char *want)
{
	check_tokens_n(body, strlen(body), want);
}

/* Refused: the message starts with `what` (NULL: any). */
static void check_invalid(const char *body, const char *what)
{
	struct strbuf out = STRBUF_INIT;
	const char *err;

	tokens(&out, body, strlen(body));
	err = strstr(out.buf, "ERR(");
	if (!err)
		ck_abort_msg("accepted: '%s' gave '%s'", body, out.buf);
	if (what && strncmp(err + 4, what, strlen(what)))
		ck_abort_msg("'%s' gave '%s', expected ERR(%s...", body,
			     out.buf, what);
	/* jansson refuses it too */
	{
		json_error_t jerr;
		json_t *root = json_loadb(body, strlen(body), 0, &jerr);

		if (root)
			ck_abort_msg("jansson took '%s'", body);
	}
	strbuf_release(&out);
}

static void check_valid(const char *body)
{
	struct strbuf out = STRBUF_INIT;
	json_error_t jerr;
	json_t *root;

	tokens(&out, body, strlen(body));
	if (strstr(out.buf, "ERR("))
		ck_abort_msg("refused: '%s' gave '%s'", body, out.buf);
	root = json_loadb(body, strlen(body), 0, &jerr);
	if (!root)
		ck_abort_msg("jansson refused '%s': %s", body, jerr.text);
	json_decref(root);
	strbuf_release(&out);
}

START_TEST(scan_tokens)
{
	check_tokens("{\"a\":[1,-2,0.5,true,false,null,\"x\"],\"b\":{},\"c\":[]}",
		     "{ K:a [ I:1 I:-2 R:0.5 true false null S:x ] K:b { } K:c [ ] } EOF");
	check_tokens(" \t\r\n[ 1 , { \"k\" : \"v\" } ]\n ", "[ I:1 { K:k S:v } ] EOF");
	check_tokens("[]", "[ ] EOF");
	check_tokens("{\"\":\"\"}", "{ K: S: } EOF");
	/* a scalar at the top level is refused, as jansson without
	 * JSON_DECODE_ANY does */
	check_tokens("\"x\"", "ERR('{' or '[' expected)@1:1");
	check_tokens("1", "ERR('{' or '[' expected)@1:1");
	check_tokens("", "ERR(unexpected end of input)@1:1");
	check_tokens("  ", "ERR(unexpected end of input)@1:3");
}
END_TEST

START_TEST(scan_escapes)
{
	struct idx__json j;
	static const char body[] =
		"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\uD83D\\uDE00x\",\"plain\"]";
	static const char want[] = "\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80x";

	idx__json_init(&j, body, strlen(body));
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_ARRAY);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_STRING);
	ck_assert_uint_eq(j.len, strlen(want));
	ck_assert(!memcmp(j.str, want, j.len));
	/* decoded into the scratch buffer */
	ck_assert(j.str < body || j.str >= body + sizeof(body));
	/* without escapes: a pointer into the body */
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_STRING);
	ck_assert_ptr_eq(j.str, strstr(body, "plain"));
	ck_assert_uint_eq(j.len, 5);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_ARRAY_END);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_EOF);
	idx__json_release(&j);

	check_valid("[\"\\u0001\\u001f\\u007f\\uFFFF\\uDBFF\\uDFFF\"]");
	check_invalid("[\"\\x\"]", "invalid escape");
	check_invalid("[\"\\U0041\"]", "invalid escape");
	check_invalid("[\"\\u12g4\"]", "invalid \\u");
	check_invalid("[\"\\u12\"]", "invalid \\u");
	check_invalid("[\"\\", "unterminated");
	check_invalid("[\"abc", "unterminated");
	check_invalid("[\"\\u0000\"]", "\\u0000");
	check_invalid("{\"\\u0000\":1}", "\\u0000");
	/* lone and misordered surrogates */
	check_invalid("[\"\\uDC00\"]", "lone low surrogate");
	check_invalid("[\"\\uD800\"]", "high surrogate");
	check_invalid("[\"\\uD800x\"]", "high surrogate");
	check_invalid("[\"\\uD800\\u0041\"]", "high surrogate");
	check_invalid("[\"\\uD800\\uD800\"]", "high surrogate");
	check_invalid("[\"\\uDE00\\uD83D\"]", "lone low surrogate");
}
END_TEST

START_TEST(scan_utf8)
{
	check_valid("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \x7f\"]");
	check_valid("{\"\xc3\xa9\":\"\xed\x9f\xbf\xee\x80\x80\"}");
	check_invalid("[\"caf\xe9\"]", "invalid UTF-8 byte 0xe9");
	check_invalid("[\"\x80\"]", "invalid UTF-8");
	check_invalid("[\"\xff\"]", "invalid UTF-8");
	check_invalid("[\"\xc0\xaf\"]", "invalid UTF-8");	/* overlong '/' */
	check_invalid("[\"\xc1\xbf\"]", "invalid UTF-8");
	check_invalid("[\"\xe0\x9f\xbf\"]", "invalid UTF-8");	/* overlong */
	check_invalid("[\"\xf0\x8f\xbf\xbf\"]", "invalid UTF-8"); /* overlong */
	check_invalid("[\"\xed\xa0\x80\"]", "invalid UTF-8");	/* U+D800 */
	check_invalid("[\"\xed\xbf\xbf\"]", "invalid UTF-8");	/* U+DFFF */
	check_invalid("[\"\xf4\x90\x80\x80\"]", "invalid UTF-8"); /* > U+10FFFF */
	check_invalid("[\"\xf5\x80\x80\x80\"]", "invalid UTF-8");
	check_invalid("[\"\xe2\x82\"]", "invalid UTF-8");	/* cut short */
	check_invalid("[\"\xe2\x82", "invalid UTF-8");
	check_invalid("[\"\xc3\"]", "invalid UTF-8");
	check_invalid("[\"\xc3\xc3\"]", "invalid UTF-8");
	check_invalid("[] \xc3\xa9", "end of file expected");
	/* control characters must be escaped */
	check_invalid("[\"a\x01\"]", "control character 0x01");
	check_invalid("[\"a\tb\"]", "control character 0x09");
	check_invalid("[\"a\nb\"]", "control character 0x0a");
	check_invalid("[\"a\x1f\"]", "control character 0x1f");
	check_tokens_n("[\"a\0\"]", 6, "[ ERR(control character 0x00 in a string)@1:4");
	check_tokens_n("[]\0", 3, "[ ] ERR(end of file expected)@1:3");
	/* jansson 2.14 skips this NUL (a bug): we refuse it */
	check_tokens_n("[4\0]", 4, "[ I:4 ERR(',' or ']' expected)@1:3");
}
END_TEST

START_TEST(scan_numbers)
{
	check_tokens("[0,-0,1e5,1E+5,1e-5,0.5,-0.0e0,10,-123]",
		     "[ I:0 I:0 R:100000 R:100000 R:1e-05 R:0.5 R:-0 I:10 I:-123 ] EOF");
	check_tokens("[9223372036854775807,-9223372036854775808]",
		     "[ I:9223372036854775807 I:-9223372036854775808 ] EOF");
	check_valid("[1.7976931348623157e308,1e-400,-1e-400,0.000001]");
	check_invalid("[9223372036854775808]", "integer too big");
	check_invalid("[-9223372036854775809]", "integer too big");
	check_invalid("[99999999999999999999999]", "integer too big");
	check_invalid("[1e400]", "real number too big");
	check_invalid("[-1.8e308]", "real number too big");
	check_invalid("[01]", "',' or ']' expected");
	check_invalid("[-01]", "',' or ']' expected");
	check_invalid("[-]", "invalid number");
	check_invalid("[-a]", "invalid number");
	check_invalid("[1.]", "invalid number");
	check_invalid("[1.e5]", "invalid number");
	check_invalid("[.5]", "invalid token");
	check_invalid("[1e]", "invalid number");
	check_invalid("[1e+]", "invalid number");
	check_invalid("[+1]", "invalid token");
	check_invalid("[0x10]", "',' or ']' expected");
	check_invalid("[Infinity]", "invalid token");
	check_invalid("[NaN]", "invalid token");
	check_invalid("[1", "unexpected end of input");
	check_invalid("[tru]", "invalid token");
	check_invalid("[True]", "invalid token");
	check_invalid("[nul", "invalid token");
	check_invalid("[falsey]", "',' or ']' expected");
}
END_TEST

START_TEST(scan_structure)
{
	check_invalid("[1,]", "invalid token");
	check_invalid("[,1]", "invalid token");
	check_invalid("[1,,2]", "invalid token");
	check_invalid("{\"a\":1,}", "string expected");
	check_invalid("{,}", "string expected");
	check_invalid("{\"a\" 1}", "':' expected");
	check_invalid("{\"a\":}", "invalid token");
	check_invalid("{\"a\":1 \"b\":2}", "',' or '}' expected");
	check_invalid("[1 2]", "',' or ']' expected");
	check_invalid("{1:2}", "string expected");
	check_invalid("{'a':1}", "string expected");
	check_invalid("[}", "invalid token");
	check_invalid("{]", "string expected");
	check_invalid("[1}", "',' or ']' expected");
	check_invalid("{\"a\":1]", "',' or '}' expected");
	check_invalid("[", "unexpected end of input");
	check_invalid("{", "string expected");
	check_invalid("{\"a\"", "':' expected");
	check_invalid("{\"a\":", "unexpected end of input");
	check_invalid("{} x", "end of file expected");
	check_invalid("{}{}", "end of file expected");
	check_invalid("[] []", "end of file expected");
	check_invalid("\xef\xbb\xbf{}", "'{' or '['"); /* the caller drops a BOM */
	check_invalid("<html></html>", "'{' or '['");
}
END_TEST

START_TEST(scan_depth)
{
	struct strbuf sb = STRBUF_INIT;
	struct strbuf out = STRBUF_INIT;
	int i;

	/* 2048 levels of containers: fine */
	for (i = 0; i < IDX__JSON_MAX_DEPTH; i++)
		strbuf_addch(&sb, '[');
	for (i = 0; i < IDX__JSON_MAX_DEPTH; i++)
		strbuf_addch(&sb, ']');
	check_valid(sb.buf);
	/* 2049: refused */
	strbuf_reset(&sb);
	for (i = 0; i <= IDX__JSON_MAX_DEPTH; i++)
		strbuf_addch(&sb, '[');
	for (i = 0; i <= IDX__JSON_MAX_DEPTH; i++)
		strbuf_addch(&sb, ']');
	check_invalid(sb.buf, "nested deeper than 2048 levels");
	/* a scalar is a level too (as jansson counts) */
	strbuf_reset(&sb);
	for (i = 0; i < IDX__JSON_MAX_DEPTH; i++)
		strbuf_addstr(&sb, "{\"a\":");
	strbuf_addch(&sb, '1');
	for (i = 0; i < IDX__JSON_MAX_DEPTH; i++)
		strbuf_addch(&sb, '}');
	check_invalid(sb.buf, "nested deeper");
	strbuf_reset(&sb);
	for (i = 0; i < IDX__JSON_MAX_DEPTH - 1; i++)
		strbuf_addch(&sb, '[');
	strbuf_addstr(&sb, "1");
	for (i = 0; i < IDX__JSON_MAX_DEPTH - 1; i++)
		strbuf_addch(&sb, ']');
	check_valid(sb.buf);
	/* far deeper: refused without using the stack */
	strbuf_reset(&sb);
	for (i = 0; i < 100000; i++)
		strbuf_addch(&sb, '[');
	tokens(&out, sb.buf, sb.len);
	ck_assert_ptr_nonnull(strstr(out.buf, "ERR(nested deeper"));
	strbuf_release(&sb);
	strbuf_release(&out);
}
END_TEST

START_TEST(scan_positions)
{
	/* lines count from 1; columns are characters, from 1 */
	check_tokens("{\n  \"a\": [1,\n   2,, 3]}",
		     "{ K:a [ I:1 I:2 ERR(invalid token)@3:6");
	check_tokens("[\"\xc3\xa9\xc3\xa9\", x]",
		     "[ S:\xc3\xa9\xc3\xa9 ERR(invalid token)@1:8");
	check_tokens("[\r\n\"\\q\"]", "[ ERR(invalid escape)@2:2");
}
END_TEST

START_TEST(scan_skip_mark_seek)
{
	static const char body[] =
		"{\"a\":{\"b\":[1,{\"c\":\"\\u0041\"}],\"d\":[]},\"e\":\"x\\ty\",\"f\":3}";
	struct idx__json j;
	struct idx__json_mark m;
	int tok;

	idx__json_init(&j, body, strlen(body));
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_OBJECT);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_KEY);
	ck_assert_int_eq(idx__json_skip(&j, idx__json_next(&j)), 0);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_KEY);
	ck_assert_uint_eq(j.len, 1);
	ck_assert_int_eq(j.str[0], 'e');
	idx__json_mark(&j, &m);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_STRING);
	ck_assert_uint_eq(j.len, 3);
	ck_assert(!memcmp(j.str, "x\ty", 3));
	/* a scalar: skipping it reads nothing */
	ck_assert_int_eq(idx__json_skip(&j, IDX__JSON_STRING), 0);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_KEY);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_INTEGER);
	ck_assert_int_eq(j.integer, 3);
	/* back to 'e' and read again */
	idx__json_seek(&j, &m);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_STRING);
	ck_assert(!memcmp(j.str, "x\ty", 3));
	ck_assert_int_eq(idx__json_finish(&j), 0);
	idx__json_release(&j);

	/* finish() reads the rest: an error there is reported */
	idx__json_init(&j, "{\"a\":[1,2,{\"b\":3}]} x", 21);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_OBJECT);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_KEY);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_ARRAY);
	ck_assert_int_eq(idx__json_finish(&j), -1);
	ck_assert_str_eq(j.errmsg, "end of file expected");
	idx__json_release(&j);

	/* skip() of a broken value fails */
	idx__json_init(&j, "[[1,{]]", 7);
	ck_assert_int_eq(idx__json_next(&j), IDX__JSON_ARRAY);
	tok = idx__json_next(&j);
	ck_assert_int_eq(tok, IDX__JSON_ARRAY);
	ck_assert_int_eq(idx__json_skip(&j, tok), -1);
	idx__json_release(&j);
}
END_TEST

/* ---- the page parser ---------------------------------------------------- */

#define URL "https://pypi.org/simple/foo/"
#define PFX "invalid project page '" URL "': "
#define META "{\"meta\":{\"api-version\":\"1.0\"},"
#define SHA_A "4a6f1b4e4f7d8c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3"
#define SHA_B "0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0"

static int parse(struct idx_page *p, const char *body, struct cvl_error *err)
{
	return idx_page_parse_json(p, "foo", URL, body, strlen(body), err);
}

static void check_error(const char *body, const char *msg)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_lt(parse(&p, body, &err), 0);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(p.nfiles, 0);
	idx_page_release(&p);
}

/* Equal keys: the last one wins, as in jansson's tree. */
START_TEST(page_duplicate_keys)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&p,
		"{\"meta\":{\"api-version\":\"2.0\",\"api-version\":\"1.1\"},"
		"\"files\":[{\"filename\":\"x\",\"url\":\"x\"}],"
		"\"files\":[{\"filename\":5,\"filename\":\"foo-1.0.tar.gz\","
		"\"url\":\"a/foo-1.0.tar.gz\",\"size\":\"big\",\"size\":12,"
		"\"hashes\":{\"sha256\":7,\"md5\":\"D41D8CD98F00B204E9800998ECF8427E\","
		"\"sha256\":\"" SHA_A "\"},\"hashes\":{\"sha256\":\"" SHA_B "\","
		"\"md5\":\"d41d8cd98f00b204e9800998ecf8427e\",\"sha256\":\"" SHA_A "\"}}],"
		"\"versions\":[1],\"versions\":[\"1.0\"]}", &err), 0);
	ck_assert_uint_eq(p.nfiles, 1);
	ck_assert_str_eq(p.files[0].filename, "foo-1.0.tar.gz");
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/simple/foo/a/foo-1.0.tar.gz");
	ck_assert_int_eq(p.files[0].size, 12);
	/* the order of the first sha256 key, the value of the last */
	ck_assert_uint_eq(p.files[0].nhashes, 2);
	ck_assert_int_eq(p.files[0].hashes[0].alg, IDX_HASH_SHA256);
	ck_assert_str_eq(p.files[0].hashes[0].hex, SHA_A);
	ck_assert_int_eq(p.files[0].hashes[1].alg, IDX_HASH_MD5);
	ck_assert_uint_eq(p.nversions, 1);
	ck_assert_str_eq(p.versions[0], "1.0");
	idx_page_release(&p);

	/* "sha256" and "SHA256" are two keys, both checked */
	check_error(META "\"files\":[{\"filename\":\"x\",\"url\":\"x\",\"hashes\":"
		    "{\"sha256\":\"" SHA_A "\",\"SHA256\":\"" SHA_B "\"}}]}",
		    PFX "files[0].hashes.SHA256: two different sha256 hashes '"
		    SHA_A "' and '" SHA_B "'");
	check_error("{\"meta\":{\"api-version\":\"1.0\"},\"files\":[],"
		    "\"meta\":{\"api-version\":\"3.0\"}}",
		    "invalid project page '" URL "': unsupported api-version '3.0': expected 1.x");
	check_error(META "\"files\":[],\"files\":{}}",
		    PFX "expected an array for 'files', got an object");
}
END_TEST

/* Which error wins does not depend on where the keys are. */
START_TEST(page_error_order)
{
	/* a file's fields are checked in one order */
	check_error(META "\"files\":[{\"size\":-1,\"url\":5,\"filename\":\"x\"}]}",
		    PFX "files[0].url: expected a string, got an integer");
	check_error(META "\"files\":[{\"upload-time\":\"x\",\"hashes\":[],\"filename\":\"x\",\"url\":\"x\"}]}",
		    PFX "files[0].hashes: expected an object, got an array");
	/* meta before files, even when it comes after them */
	check_error("{\"files\":[{\"url\":1}],\"meta\":{\"api-version\":\"1.x\"}}",
		    PFX "invalid api-version '1.x': expected MAJOR.MINOR");
	check_error("{\"files\":[{\"url\":1}]}", PFX "missing 'meta'");
	/* files before versions */
	check_error(META "\"versions\":[1],\"files\":[{\"url\":1}]}",
		    PFX "files[0].filename: expected a string, got nothing");
	/* the first bad file */
	check_error(META "\"files\":[{\"filename\":\"a\",\"url\":\"a\"},7,{\"url\":1}]}",
		    PFX "files[1]: expected an object, got an integer");
	/* not JSON beats everything, even after a bad file */
	check_error(META "\"files\":[{\"url\":1},{\"filename\":tru}]}",
		    PFX "not valid JSON: invalid token near 'tru' at line 1, column 64");
	/* a NUL jansson would skip: our reader words the error */
	{
		struct idx_page p = IDX_PAGE_INIT;
		struct cvl_error err = CVL_ERROR_INIT;
		static const char body[] = META "\"files\":[],\"x\":[4\0]}";

		ck_assert_int_eq(idx_page_parse_json(&p, "foo", URL, body,
						     sizeof(body) - 1, &err),
				 -CVL_EINVAL);
		ck_assert_str_eq(err.msg, PFX "not valid JSON: ',' or ']' expected at line 1, column 48");
	}
	check_error("{\"meta\":{},\"files\":[],}",
		    PFX "not valid JSON: string or '}' expected near '}' at line 1, column 23");
}
END_TEST

/* Escaped strings are used decoded everywhere. */
START_TEST(page_escaped_strings)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;

	ck_assert_int_eq(parse(&p,
		"{\"m\\u0065ta\":{\"api-\\u0076ersion\":\"1.\\u0031\"},\"fil\\u0065s\":["
		"{\"file\\u006eame\":\"foo-1.0-py3-none-any.wh\\u006c\","
		"\"url\":\"..\\/..\\/f\\/foo-1.0-py3-none-any.whl#sha256=" SHA_A "\","
		"\"hashes\":{\"sh\\u0061256\":\"\\u0034"
		"a6f1b4e4f7d8c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3\"},"
		"\"requires-python\":\"\\u003e=3.8\",\"yanked\":\"\\u00e9\\n\","
		"\"upload-time\":\"2024-01-31T12:00:00\\u005a\"}],"
		"\"versions\":[\"1.\\u0030\"]}", &err), 0);
	ck_assert_uint_eq(p.nfiles, 1);
	ck_assert_str_eq(p.files[0].filename, "foo-1.0-py3-none-any.whl");
	ck_assert_str_eq(p.files[0].url, "https://pypi.org/f/foo-1.0-py3-none-any.whl");
	ck_assert_int_eq(p.files[0].kind, IDX_FILE_WHEEL);
	ck_assert_uint_eq(p.files[0].nhashes, 1);
	ck_assert_str_eq(p.files[0].hashes[0].hex, SHA_A);
	ck_assert_str_eq(p.files[0].requires_python, ">=3.8");
	ck_assert(p.files[0].yanked);
	ck_assert_str_eq(p.files[0].yanked_reason, "\xc3\xa9\n");
	ck_assert_int_eq(p.files[0].upload_time, 1706702400);
	ck_assert_str_eq(p.versions[0], "1.0");
	idx_page_release(&p);
}
END_TEST

/* ---- real pages against a reading of jansson's tree ---------------------- */

static void expect_hashes(const json_t *dict, const struct idx_hash *h,
			  size_t n)
{
	const char *key;
	json_t *val;
	size_t i = 0;

	json_object_foreach((json_t *)dict, key, val) {
		int alg = idx__hash_alg_from_name(key, strlen(key));
		char lower[256];
		size_t k, len = json_string_length(val);

		if (alg < 0)
			continue;
		ck_assert_uint_lt(i, n);
		ck_assert_int_eq(h[i].alg, alg);
		ck_assert_uint_lt(len, sizeof(lower));
		for (k = 0; k < len; k++) {
			char ch = json_string_value(val)[k];

			lower[k] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
		}
		lower[len] = '\0';
		ck_assert_str_eq(h[i].hex, lower);
		i++;
	}
	ck_assert_uint_eq(i, n);
}

static void check_real_page(const char *name)
{
	struct idx_page p = IDX_PAGE_INIT;
	struct cvl_error err = CVL_ERROR_INIT;
	struct strbuf body = STRBUF_INIT, abs = STRBUF_INIT;
	const char *page_url = "https://example.org/simple/x/sub/";
	json_error_t jerr;
	json_t *root, *files, *vers;
	size_t i;

	unit_read_file(unit_data_path(name), &body);

	ck_assert_int_eq(idx_page_parse_json(&p, "x", page_url, body.buf,
					     body.len, &err), 0);
	root = json_loadb(body.buf, body.len, 0, &jerr);
	ck_assert_ptr_nonnull(root);
	files = json_object_get(root, "files");
	ck_assert_uint_gt(json_array_size(files), 0);
	ck_assert_uint_eq(p.nfiles, json_array_size(files));
	ck_assert_uint_eq(p.alloc_files, p.nfiles);
	for (i = 0; i < p.nfiles; i++) {
		const struct idx_file *pf = &p.files[i];
		const json_t *jf = json_array_get(files, i), *v;
		const char *hash;

		ck_assert_str_eq(pf->filename,
				 json_string_value(json_object_get(jf, "filename")));
		strbuf_reset(&abs);
		url_resolve(page_url,
			    json_string_value(json_object_get(jf, "url")), &abs);
		hash = strchr(abs.buf, '#');
		if (hash)
			strbuf_setlen(&abs, (size_t)(hash - abs.buf));
		ck_assert_str_eq(pf->url, abs.buf);
		v = json_object_get(jf, "hashes");
		if (v && !hash)
			expect_hashes(v, pf->hashes, pf->nhashes);
		v = json_object_get(jf, "requires-python");
		if (json_is_string(v) && json_string_length(v))
			ck_assert_str_eq(pf->requires_python,
					 json_string_value(v));
		else
			ck_assert_ptr_null(pf->requires_python);
		v = json_object_get(jf, "yanked");
		ck_assert_int_eq(pf->yanked,
				 json_is_true(v) || json_is_string(v));
		if (json_is_string(v) && json_string_length(v))
			ck_assert_str_eq(pf->yanked_reason, json_string_value(v));
		v = json_object_get(jf, "core-metadata");
		if (json_is_object(v)) {
			ck_assert(pf->has_metadata);
			expect_hashes(v, pf->metadata_hashes,
				      pf->nmetadata_hashes);
		}
		v = json_object_get(jf, "upload-time");
		if (json_is_string(v)) {
			int64_t t;

			ck_assert_int_eq(idx__parse_iso8601(json_string_value(v),
							    json_string_length(v),
							    &t), 0);
			ck_assert_int_eq(pf->upload_time, t);
		} else {
			ck_assert_int_eq(pf->upload_time, -1);
		}
		v = json_object_get(jf, "size");
		ck_assert_int_eq(pf->size, json_is_integer(v) ?
				 (int64_t)json_integer_value(v) : -1);
	}
	vers = json_object_get(root, "versions");
	ck_assert_uint_eq(p.nversions, json_array_size(vers));
	for (i = 0; i < p.nversions; i++)
		ck_assert_str_eq(p.versions[i],
				 json_string_value(json_array_get(vers, i)));
	json_decref(root);
	idx_page_release(&p);
	strbuf_release(&body);
	strbuf_release(&abs);
}

START_TEST(page_real_pages)
{
	check_real_page("pages/absl-py.json");
	check_real_page("pages/arrow.json");
	/* pretty-printed, keys reordered, "\/" in URLs, yanked reasons,
	 * md5 in capitals, an unknown key holding every kind of value */
	check_real_page("pages/aenum-pretty.json");
}
END_TEST

Suite *suite_index_json_scan(void)
{
	Suite *s = suite_create("index_json_scan");
	TCase *tc = tcase_create("scan");

	tcase_add_test(tc, scan_tokens);
	tcase_add_test(tc, scan_escapes);
	tcase_add_test(tc, scan_utf8);
	tcase_add_test(tc, scan_numbers);
	tcase_add_test(tc, scan_structure);
	tcase_add_test(tc, scan_depth);
	tcase_add_test(tc, scan_positions);
	tcase_add_test(tc, scan_skip_mark_seek);
	suite_add_tcase(s, tc);
	tc = tcase_create("page");
	tcase_add_test(tc, page_duplicate_keys);
	tcase_add_test(tc, page_error_order);
	tcase_add_test(tc, page_escaped_strings);
	tcase_add_test(tc, page_real_pages);
	suite_add_tcase(s, tc);
	return s;
}
