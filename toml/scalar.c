/*
 * scalar.c - the leaves of a TOML document: the four string forms (with
 * escapes and line-ending backslashes), integers in every base, floats,
 * booleans, and (through datetime.c) dates and times.
 *
 * The whole document has already been checked to be valid UTF-8, so only
 * control characters need checking here.
 */
#include "toml/internal.h"

#include <locale.h>
#include <math.h>

/* Longest token quoted in a message. */
#define TOKEN_SHOWN 64

static bool is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static bool is_newline_at(const struct toml_parser *p, size_t pos)
{
	if (pos >= p->len)
		return false;
	if (p->buf[pos] == '\n')
		return true;
	return p->buf[pos] == '\r' && pos + 1 < p->len &&
	       p->buf[pos + 1] == '\n';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX at p->pos (the backslash). */
static int parse_unicode_escape(struct toml_parser *p)
{
	size_t at = p->pos;
	size_t want = p->buf[at + 1] == 'u' ? 4 : 8;
	size_t i;
	uint32_t c = 0;

	for (i = 0; i < want; i++) {
		int h;

		if (at + 2 + i >= p->len)
			break;
		h = hex_value(p->buf[at + 2 + i]);
		if (h < 0)
			break;
		c = c * 16 + (uint32_t)h;
	}
	if (i < want)
		return toml_parser_fail(p, at,
					"invalid unicode escape '%.*s' in string",
					(int)(i + 2), p->buf + at);
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return toml_parser_fail(p, at,
					"unicode escape '%.*s' is not a unicode scalar value",
					(int)(want + 2), p->buf + at);
	toml_utf8_put(&p->scratch, c);
	p->pos = at + 2 + want;
	return 0;
}

/*
 * A backslash at the end of a line in a multi-line basic string: it eats
 * the newline and all whitespace and newlines after it.  p->pos is at the
 * backslash; returns 1 when this was not one.
 */
static int skip_line_ending_backslash(struct toml_parser *p)
{
	size_t i = p->pos + 1;

	while (i < p->len && (p->buf[i] == ' ' || p->buf[i] == '\t'))
		i++;
	if (!is_newline_at(p, i))
		return 1;
	while (i < p->len) {
		if (p->buf[i] == ' ' || p->buf[i] == '\t' || p->buf[i] == '\n')
			i++;
		else if (is_newline_at(p, i))
			i += 2;
		else
			break;
	}
	p->pos = i;
	return 0;
}

static int parse_escape(struct toml_parser *p, bool multiline, size_t start)
{
	size_t at = p->pos;
	unsigned char c;
	size_t clen;

	if (at + 1 >= p->len)
		return toml_parser_fail(p, start, "unterminated string");
	c = (unsigned char)p->buf[at + 1];
	switch (c) {
	case 'b':
		strbuf_addch(&p->scratch, '\b');
		break;
	case 't':
		strbuf_addch(&p->scratch, '\t');
		break;
	case 'n':
		strbuf_addch(&p->scratch, '\n');
		break;
	case 'f':
		strbuf_addch(&p->scratch, '\f');
		break;
	case 'r':
		strbuf_addch(&p->scratch, '\r');
		break;
	case '"':
		strbuf_addch(&p->scratch, '"');
		break;
	case '\\':
		strbuf_addch(&p->scratch, '\\');
		break;
	case 'u':
	case 'U':
		return parse_unicode_escape(p);
	default:
		if (multiline && !skip_line_ending_backslash(p))
			return 0;
		if (is_control(c) || c == ' ')
			return toml_parser_fail(p, at,
						"invalid escape: '\\' followed by U+%04X in string",
						c);
		clen = toml_utf8_len(p->buf + at + 1, p->len - at - 1);
		return toml_parser_fail(p, at, "invalid escape '\\%.*s' in string",
					(int)(clen ? clen : 1), p->buf + at + 1);
	}
	p->pos = at + 2;
	return 0;
}

int toml_parse_string(struct toml_parser *p, bool multiline_ok,
		      struct cvl_str *out)
{
	size_t start = p->pos;
	char quote = p->buf[start];
	bool basic = quote == '"';
	bool multiline = p->len - start >= 3 && p->buf[start + 1] == quote &&
			 p->buf[start + 2] == quote;

	if (multiline && !multiline_ok)
		return toml_parser_fail(p, start,
					"multi-line string cannot be a key");
	strbuf_reset(&p->scratch);
	if (multiline) {
		p->pos += 3;
		/* A newline right after the opening quotes is trimmed. */
		if (is_newline_at(p, p->pos))
			p->pos += p->buf[p->pos] == '\r' ? 2 : 1;
	} else {
		p->pos++;
	}

	for (;;) {
		unsigned char c;

		if (p->pos >= p->len)
			return toml_parser_fail(p, start, "unterminated string");
		c = (unsigned char)p->buf[p->pos];
		if (c == (unsigned char)quote) {
			size_t run = 0;

			if (!multiline) {
				p->pos++;
				break;
			}
			while (p->pos + run < p->len &&
			       p->buf[p->pos + run] == quote && run < 6)
				run++;
			if (run < 3) {
				strbuf_add(&p->scratch, p->buf + p->pos, run);
				p->pos += run;
				continue;
			}
			/* Up to two quotes may end the content. */
			if (run == 6)
				return toml_parser_fail(p, p->pos,
							"too many quotes in a row in multi-line string");
			strbuf_add(&p->scratch, p->buf + p->pos, run - 3);
			p->pos += run;
			break;
		}
		if (c == '\\' && basic) {
			int ret = parse_escape(p, multiline, start);

			if (ret)
				return ret;
			continue;
		}
		if (is_newline_at(p, p->pos)) {
			if (!multiline)
				return toml_parser_fail(p, start,
							"unterminated string");
			/* CRLF becomes LF, so values do not depend on the platform. */
			strbuf_addch(&p->scratch, '\n');
			p->pos += c == '\r' ? 2 : 1;
			continue;
		}
		if (is_control(c))
			return toml_parser_fail(p, p->pos,
						"control character U+%04X in string",
						c);
		strbuf_addch(&p->scratch, c);
		p->pos++;
	}
	out->p = arena_strndup(p->arena, p->scratch.buf, p->scratch.len);
	out->len = p->scratch.len;
	return 0;
}

/* ---- numbers ----------------------------------------------------------- */

static bool is_digit_in(char c, int base)
{
	switch (base) {
	case 2:
		return c == '0' || c == '1';
	case 8:
		return c >= '0' && c <= '7';
	case 16:
		return hex_value(c) >= 0;
	default:
		return c >= '0' && c <= '9';
	}
}

/*
 * Digits of `base` from s[*i], each underscore between two digits.
 * Returns how many digits were read, or -1 for a misplaced underscore.
 */
static long scan_digits(const char *s, size_t n, size_t *i, int base)
{
	long count = 0;
	bool after_digit = false;

	while (*i < n) {
		if (s[*i] == '_') {
			if (!after_digit)
				return -1;
			after_digit = false;
		} else if (is_digit_in(s[*i], base)) {
			count++;
			after_digit = true;
		} else {
			break;
		}
		(*i)++;
	}
	if (count && !after_digit)
		return -1;
	return count;
}

/* Magnitude of the digits (underscores skipped) if it is at most `limit`. */
static bool digits_value(const char *s, size_t n, int base, uint64_t limit,
			 uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t d;

		if (s[i] == '_')
			continue;
		d = (uint64_t)hex_value(s[i]);
		if (v > (limit - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return true;
}

static int fail_token(struct toml_parser *p, const char *s, size_t n,
		      const char *what)
{
	return toml_parser_fail(p, p->pos, "%s '%.*s%s'", what,
				(int)(n > TOKEN_SHOWN ? TOKEN_SHOWN : n), s,
				n > TOKEN_SHOWN ? "..." : "");
}

static int parse_prefixed_integer(struct toml_parser *p, const char *s,
				  size_t n, struct toml_value *v)
{
	int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
	size_t i = 2;
	long count = scan_digits(s, n, &i, base);
	uint64_t mag;

	if (count < 0)
		return fail_token(p, s, n, "misplaced underscore in integer");
	if (!count || i != n)
		return fail_token(p, s, n, "invalid integer");
	if (!digits_value(s + 2, n - 2, base, INT64_MAX, &mag))
		return fail_token(p, s, n, "out of range integer");
	v->type = TOML_INTEGER;
	v->u.integer = (int64_t)mag;
	return 0;
}

/*
 * strtod() reads the locale's decimal point; the process may have set a
 * locale where it is not '.', so the TOML text is adapted to it.
 */
static double c_strtod(struct strbuf *sb)
{
	const char *dp = localeconv()->decimal_point;
	char *dot = strchr(sb->buf, '.');

	if (dot && dp && strcmp(dp, ".")) {
		size_t at = (size_t)(dot - sb->buf);
		struct strbuf tmp = STRBUF_INIT;
		double d;

		strbuf_add(&tmp, sb->buf, at);
		strbuf_addstr(&tmp, dp);
		strbuf_addstr(&tmp, dot + 1);
		d = strtod(tmp.buf, NULL);
		strbuf_release(&tmp);
		return d;
	}
	return strtod(sb->buf, NULL);
}

static int parse_number(struct toml_parser *p, const char *s, size_t n,
			struct toml_value *v)
{
	size_t i = 0, int_start, j;
	long count;
	bool neg = false, is_float = false;
	uint64_t mag;

	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		i = 1;
	}
	if (n - i >= 2 && s[i] == '0' &&
	    (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		if (i)
			return fail_token(p, s, n, "sign not allowed in integer");
		return parse_prefixed_integer(p, s, n, v);
	}

	int_start = i;
	count = scan_digits(s, n, &i, 10);
	if (count < 0)
		return fail_token(p, s, n, "misplaced underscore in number");
	if (!count)
		return fail_token(p, s, n, "invalid value");
	if (count > 1 && s[int_start] == '0')
		return fail_token(p, s, n, "leading zero in number");
	if (i < n && s[i] == '.') {
		is_float = true;
		i++;
		count = scan_digits(s, n, &i, 10);
		if (count < 0)
			return fail_token(p, s, n,
					  "misplaced underscore in float");
		if (!count)
			return fail_token(p, s, n,
					  "missing digits after '.' in float");
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		is_float = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		count = scan_digits(s, n, &i, 10);
		if (count < 0)
			return fail_token(p, s, n,
					  "misplaced underscore in float");
		if (!count)
			return fail_token(p, s, n,
					  "missing exponent digits in float");
	}
	if (i != n)
		return fail_token(p, s, n, "invalid number");

	if (is_float) {
		double d;

		strbuf_reset(&p->scratch);
		for (j = 0; j < n; j++)
			if (s[j] != '_')
				strbuf_addch(&p->scratch, s[j]);
		d = c_strtod(&p->scratch);
		if (isinf(d))
			return fail_token(p, s, n, "out of range float");
		v->type = TOML_FLOAT;
		v->u.fp = d;
		return 0;
	}
	if (!digits_value(s + int_start, n - int_start, 10,
			  neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX,
			  &mag))
		return fail_token(p, s, n, "out of range integer");
	v->type = TOML_INTEGER;
	if (!neg)
		v->u.integer = (int64_t)mag;
	else if (mag == (uint64_t)INT64_MAX + 1)
		v->u.integer = INT64_MIN;
	else
		v->u.integer = -(int64_t)mag;
	return 0;
}

static bool token_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

static bool is_token_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_' || c == '+' || c == '-' ||
	       c == '.';
}

int toml_parse_bare_value(struct toml_parser *p, struct toml_value *v)
{
	const char *s = p->buf + p->pos;
	size_t n = p->len - p->pos, tok = 0;
	const char *unsigned_part;
	int ret;

	if (toml_datetime_starts(s, n)) {
		const char *why;
		size_t used;

		if (toml_datetime_parse(s, n, p->arena, v, &used, &why))
			return toml_parser_fail(p, p->pos, "%s in date-time '%.*s'",
						why,
						(int)(used > TOKEN_SHOWN ? TOKEN_SHOWN : used),
						s);
		p->pos += used;
		return 0;
	}

	while (tok < n && is_token_char(s[tok]))
		tok++;
	if (!tok) {
		char what[24];

		toml_parser_describe(p, p->pos, what);
		return toml_parser_fail(p, p->pos, "expected value, found %s",
					what);
	}
	if (token_is(s, tok, "true") || token_is(s, tok, "false")) {
		v->type = TOML_BOOL;
		v->u.boolean = s[0] == 't';
		p->pos += tok;
		return 0;
	}
	unsigned_part = s[0] == '+' || s[0] == '-' ? s + 1 : s;
	if (token_is(unsigned_part, tok - (size_t)(unsigned_part - s), "inf") ||
	    token_is(unsigned_part, tok - (size_t)(unsigned_part - s), "nan")) {
		v->type = TOML_FLOAT;
		if (unsigned_part[0] == 'i')
			v->u.fp = s[0] == '-' ? -INFINITY : INFINITY;
		else
			v->u.fp = s[0] == '-' ? -NAN : NAN;
		p->pos += tok;
		return 0;
	}
	ret = parse_number(p, s, tok, v);
	if (ret)
		return ret;
	p->pos += tok;
	return 0;
}
