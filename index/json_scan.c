/*
 * json_scan.c - a pull reader for JSON (RFC 8259) without a tree.
 *
 * Each call to idx__json_next() returns the next token of the document;
 * strings point into the body unless they hold escapes, which are decoded
 * into one scratch buffer reused from token to token, so reading a page
 * allocates nothing per token.  The reader refuses what jansson 2.14
 * refuses with the flags page_json.c gave it: invalid UTF-8 (overlong
 * forms, surrogates, beyond U+10FFFF), lone or misordered surrogate
 * escapes, raw control characters in strings, \u0000 (our strings end at
 * NUL), numbers outside the grammar, integers outside int64_t, reals too
 * large for a double, nesting deeper than IDX__JSON_MAX_DEPTH, a scalar at
 * the top level and anything after the top-level value.
 */
#include "index/internal.h"

#include <errno.h>
#include <math.h>

enum {
	ST_VALUE,	/* a value must come */
	ST_ARRAY_FIRST, /* after '[': a value or ']' */
	ST_OBJECT_FIRST, /* after '{': a key or '}' */
	ST_KEY,		/* after ',' in an object: a key */
	ST_AFTER,	/* after a value: ',', the closer or the end */
	ST_ERROR,
};

/* 1 for the bytes a string holds as they are: ASCII but '"', '\\', controls */
static const unsigned char plain[256] = {
#define R4(x) x, x, x, x
#define R16(x) R4(x), R4(x), R4(x), R4(x)
	R16(0), R16(0),				/* 0x00-0x1f */
	1, 1, 0, 1, R4(1), R4(1), R4(1),	/* 0x20-0x2f: '"' */
	R16(1),					/* 0x30-0x3f */
	R16(1),					/* 0x40-0x4f */
	R4(1), R4(1), R4(1), 0, 1, 1, 1,	/* 0x50-0x5f: '\\' */
	R4(1), R4(1), R4(1), R4(1), R4(1), R4(1), R4(1), R4(1), /* 0x60-0x7f */
	R16(0), R16(0), R16(0), R16(0),		/* 0x80-0xbf */
	R16(0), R16(0), R16(0), R16(0),		/* 0xc0-0xff */
#undef R16
#undef R4
};

void idx__json_init(struct idx__json *j, const char *body, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = j->tok = body;
	j->end = body + len;
	j->state = ST_VALUE;
	strbuf_init(&j->scratch, 0);
}

void idx__json_release(struct idx__json *j)
{
	strbuf_release(&j->scratch);
}

CVL_PRINTF(3, 4)
static int fail(struct idx__json *j, const char *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->errmsg, sizeof(j->errmsg), fmt, ap);
	va_end(ap);
	j->err_at = at;
	j->state = ST_ERROR;
	return IDX__JSON_ERROR;
}

void idx__json_position(const struct idx__json *j, const char *at, int *line,
			int *column)
{
	const unsigned char *s = (const unsigned char *)j->start;
	int l = 1, c = 1;

	for (; (const char *)s < at; s++) {
		if (*s == '\n') {
			l++;
			c = 1;
		} else if ((*s & 0xc0) != 0x80) {
			c++; /* a column is a character, not a byte */
		}
	}
	*line = l;
	*column = c;
}

static void skip_ws(struct idx__json *j)
{
	const char *p = j->p, *e = j->end;

	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	j->p = p;
}

/*
 * The length of the valid UTF-8 sequence at `s` whose first byte is not
 * ASCII, 0 when invalid (RFC 3629: no overlong forms, no surrogates,
 * nothing beyond U+10FFFF).
 */
static size_t utf8_len(const unsigned char *s, const unsigned char *e)
{
	unsigned char c = s[0];
	size_t n = (size_t)(e - s);

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

static int hex4(const char *p, const char *e, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (e - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

/* A string from j->p (its opening quote) into j->str/j->len. */
static int scan_string(struct idx__json *j)
{
	const unsigned char *s = (const unsigned char *)j->p + 1;
	const unsigned char *e = (const unsigned char *)j->end;
	const unsigned char *begin = s;
	struct strbuf *sb = &j->scratch;
	bool esc = false;

	for (;;) {
		const unsigned char *run = s;

		while (s < e && plain[*s])
			s++;
		if (esc)
			strbuf_add(sb, run, (size_t)(s - run));
		if (s >= e)
			return fail(j, j->p, "unterminated string");
		if (*s == '"')
			break;
		if (*s >= 0x80) {
			size_t n = utf8_len(s, e);

			if (!n)
				return fail(j, (const char *)s,
					    "invalid UTF-8 byte 0x%02x in a string",
					    *s);
			if (esc)
				strbuf_add(sb, s, n);
			s += n;
			continue;
		}
		if (*s < 0x20)
			return fail(j, (const char *)s,
				    "control character 0x%02x in a string", *s);
		/* a backslash */
		if (!esc) {
			esc = true;
			strbuf_reset(sb);
			strbuf_add(sb, begin, (size_t)(s - begin));
		}
		if (e - s < 2)
			return fail(j, (const char *)s, "unterminated string");
		switch (s[1]) {
		case '"':
		case '\\':
		case '/':
			strbuf_addch(sb, (char)s[1]);
			break;
		case 'b':
			strbuf_addch(sb, '\b');
			break;
		case 'f':
			strbuf_addch(sb, '\f');
			break;
		case 'n':
			strbuf_addch(sb, '\n');
			break;
		case 'r':
			strbuf_addch(sb, '\r');
			break;
		case 't':
			strbuf_addch(sb, '\t');
			break;
		case 'u': {
			unsigned cp, lo;

			if (hex4((const char *)s + 2, (const char *)e, &cp))
				return fail(j, (const char *)s,
					    "invalid \\u escape");
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return fail(j, (const char *)s,
					    "lone low surrogate \\u%04X", cp);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (e - s < 12 || s[6] != '\\' || s[7] != 'u' ||
				    hex4((const char *)s + 8, (const char *)e,
					 &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return fail(j, (const char *)s,
						    "high surrogate \\u%04X without a low one",
						    cp);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				s += 6;
			}
			if (!cp)
				return fail(j, (const char *)s,
					    "\\u0000 is not allowed");
			add_utf8(sb, cp);
			s += 4;
			break;
		}
		default:
			return fail(j, (const char *)s, "invalid escape");
		}
		s += 2;
	}
	if (esc) {
		j->str = sb->buf;
		j->len = sb->len;
	} else {
		j->str = (const char *)begin;
		j->len = (size_t)(s - begin);
	}
	j->p = (const char *)s + 1;
	return 0;
}

static bool is_digit(const char *p, const char *e)
{
	return p < e && *p >= '0' && *p <= '9';
}

static int scan_number(struct idx__json *j)
{
	const char *p = j->p, *e = j->end, *num = p;
	bool neg = false, real = false;
	uint64_t v = 0, max;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!is_digit(p, e))
		return fail(j, num, "invalid number");
	if (*p == '0') {
		p++;
	} else {
		max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		while (is_digit(p, e)) {
			unsigned d = (unsigned)(*p - '0');

			if (v > (max - d) / 10)
				return fail(j, num, "integer too big");
			v = v * 10 + d;
			p++;
		}
	}
	if (p < e && *p == '.') {
		real = true;
		if (!is_digit(++p, e))
			return fail(j, num, "invalid number");
		while (is_digit(p, e))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, e))
			return fail(j, num, "invalid number");
		while (is_digit(p, e))
			p++;
	}
	if (real) {
		/*
		 * Its value is never needed, but one beyond a double
		 * (1e400) is refused like jansson does.
		 */
		double d;

		strbuf_reset(&j->scratch);
		strbuf_add(&j->scratch, num, (size_t)(p - num));
		errno = 0;
		d = strtod(j->scratch.buf, NULL);
		if (errno == ERANGE && isinf(d))
			return fail(j, num, "real number too big");
		j->real = d;
		j->p = p;
		return IDX__JSON_REAL;
	}
	j->integer = neg ? (int64_t)(0 - v) : (int64_t)v;
	j->p = p;
	return IDX__JSON_INTEGER;
}

static int literal(struct idx__json *j, const char *word, size_t n, int tok)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return fail(j, j->p, "invalid token");
	j->p += n;
	return tok;
}

static int open_container(struct idx__json *j, bool object)
{
	if (object)
		j->kind[j->depth / 8] |= (unsigned char)(1u << (j->depth % 8));
	else
		j->kind[j->depth / 8] &= (unsigned char)~(1u << (j->depth % 8));
	j->depth++;
	j->p++;
	j->state = object ? ST_OBJECT_FIRST : ST_ARRAY_FIRST;
	return object ? IDX__JSON_OBJECT : IDX__JSON_ARRAY;
}

static bool in_object(const struct idx__json *j)
{
	unsigned d = j->depth - 1;

	return j->kind[d / 8] & (1u << (d % 8));
}

static int close_container(struct idx__json *j, int tok)
{
	j->depth--;
	j->p++;
	j->state = ST_AFTER;
	return tok;
}

static int value(struct idx__json *j)
{
	int tok;

	if (j->p >= j->end)
		return fail(j, j->p, "unexpected end of input");
	/* jansson's count: the value itself, scalar or not, is a level */
	if (j->depth >= IDX__JSON_MAX_DEPTH)
		return fail(j, j->p, "nested deeper than %d levels",
			    IDX__JSON_MAX_DEPTH);
	switch (*j->p) {
	case '{':
		return open_container(j, true);
	case '[':
		return open_container(j, false);
	default:
		break;
	}
	if (!j->depth)
		return fail(j, j->p, "'{' or '[' expected");
	switch (*j->p) {
	case '"':
		if (scan_string(j) < 0)
			return IDX__JSON_ERROR;
		tok = IDX__JSON_STRING;
		break;
	case 't':
		tok = literal(j, "true", 4, IDX__JSON_TRUE);
		break;
	case 'f':
		tok = literal(j, "false", 5, IDX__JSON_FALSE);
		break;
	case 'n':
		tok = literal(j, "null", 4, IDX__JSON_NULL);
		break;
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			tok = scan_number(j);
		else
			return fail(j, j->p, "invalid token");
		break;
	}
	if (tok != IDX__JSON_ERROR)
		j->state = ST_AFTER;
	return tok;
}

/* An object's key, its ':' and the blanks after it. */
static int key(struct idx__json *j)
{
	if (j->p >= j->end || *j->p != '"')
		return fail(j, j->p, "string expected as an object key");
	if (scan_string(j) < 0)
		return IDX__JSON_ERROR;
	skip_ws(j);
	if (j->p >= j->end || *j->p != ':')
		return fail(j, j->p, "':' expected after an object key");
	j->p++;
	j->state = ST_VALUE;
	return IDX__JSON_KEY;
}

int idx__json_next(struct idx__json *j)
{
	skip_ws(j);
	j->tok = j->p;
	switch (j->state) {
	case ST_VALUE:
		return value(j);
	case ST_ARRAY_FIRST:
		if (j->p < j->end && *j->p == ']')
			return close_container(j, IDX__JSON_ARRAY_END);
		return value(j);
	case ST_OBJECT_FIRST:
		if (j->p < j->end && *j->p == '}')
			return close_container(j, IDX__JSON_OBJECT_END);
		return key(j);
	case ST_KEY:
		return key(j);
	case ST_AFTER:
		if (!j->depth) {
			if (j->p < j->end)
				return fail(j, j->p, "end of file expected");
			return IDX__JSON_EOF;
		}
		if (j->p >= j->end)
			return fail(j, j->p, "unexpected end of input");
		if (in_object(j)) {
			if (*j->p == '}')
				return close_container(j, IDX__JSON_OBJECT_END);
			if (*j->p != ',')
				return fail(j, j->p, "',' or '}' expected");
			j->p++;
			skip_ws(j);
			j->tok = j->p;
			return key(j);
		}
		if (*j->p == ']')
			return close_container(j, IDX__JSON_ARRAY_END);
		if (*j->p != ',')
			return fail(j, j->p, "',' or ']' expected");
		j->p++;
		skip_ws(j);
		j->tok = j->p;
		return value(j);
	default:
		return IDX__JSON_ERROR;
	}
}

int idx__json_skip(struct idx__json *j, int tok)
{
	unsigned depth;

	if (tok != IDX__JSON_OBJECT && tok != IDX__JSON_ARRAY)
		return tok == IDX__JSON_ERROR ? -1 : 0;
	depth = j->depth - 1;
	do {
		tok = idx__json_next(j);
		if (tok == IDX__JSON_ERROR)
			return -1;
	} while (j->depth > depth);
	return 0;
}

void idx__json_mark(const struct idx__json *j, struct idx__json_mark *m)
{
	m->p = j->p;
	m->tok = j->tok;
	m->depth = j->depth;
	m->state = j->state;
}

void idx__json_seek(struct idx__json *j, const struct idx__json_mark *m)
{
	j->p = m->p;
	j->tok = m->tok;
	j->depth = m->depth;
	j->state = m->state;
}

int idx__json_finish(struct idx__json *j)
{
	int tok;

	while (j->depth)
		if (idx__json_next(j) == IDX__JSON_ERROR)
			return -1;
	tok = idx__json_next(j);
	return tok == IDX__JSON_EOF ? 0 : -1;
}
