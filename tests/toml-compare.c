/*
 * toml-compare - compare two toml-test tagged JSON documents the way
 * toml-test does.
 *
 *   toml-compare EXPECTED.json ACTUAL.json
 *
 * Exits 0 when they are equal and 1 (with the first difference and its
 * path on standard error) when not; 2 on unreadable input.
 *
 * Equal means: the same tables with the same keys, the same arrays in the
 * same order, and scalars of the same type whose values are equal as
 * values: integers by number (0xff = 255), floats by number with inf,
 * +inf, -inf and nan, and date-times after normalization ('T', 't' or a
 * space between date and time, 'z' = 'Z', fractions to the millisecond,
 * offset date-times as instants).  The date-time reader here is written
 * independently of toml/ so that the decoder is not judged by itself.
 */
#include "util/util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>

static int report(const char *path, const char *fmt, ...) CVL_PRINTF(2, 3);

static int report(const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "at '%s': ", *path ? path : "(root)");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* A scalar is an object of exactly {"type": string, "value": string}. */
static bool is_tagged(json_t *j)
{
	return json_is_object(j) && json_object_size(j) == 2 &&
	       json_is_string(json_object_get(j, "type")) &&
	       json_is_string(json_object_get(j, "value"));
}

static bool parse_int(const char *s, long long *out)
{
	char *end;

	errno = 0;
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0o", 2) || !strncmp(s, "0b", 2)) {
		int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;

		*out = strtoll(s + 2, &end, base);
	} else {
		*out = strtoll(s, &end, 10);
	}
	return !errno && end != s && !*end;
}

static bool parse_float(const char *s, double *out)
{
	char *end;
	const char *u = (*s == '+' || *s == '-') ? s + 1 : s;

	if (!strcmp(u, "nan")) {
		*out = NAN;
		return true;
	}
	if (!strcmp(u, "inf")) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return true;
	}
	*out = strtod(s, &end);
	return end != s && !*end;
}

/* A date-time's fields; the missing ones stay 0. */
struct dt {
	int y, mo, d, h, mi, s, ms;
	bool has_offset;
	int offset; /* minutes east */
};

static int num(const char **s, int digits)
{
	int v = 0, i;

	for (i = 0; i < digits; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += digits;
	return v;
}

static bool parse_time(const char **s, struct dt *t)
{
	int i;

	t->h = num(s, 2);
	if (t->h < 0 || *(*s)++ != ':')
		return false;
	t->mi = num(s, 2);
	if (t->mi < 0 || *(*s)++ != ':')
		return false;
	t->s = num(s, 2);
	if (t->s < 0)
		return false;
	if (**s == '.') {
		(*s)++;
		if (**s < '0' || **s > '9')
			return false;
		for (i = 0; **s >= '0' && **s <= '9'; i++, (*s)++)
			if (i < 3)
				t->ms = t->ms * 10 + (**s - '0');
		for (; i < 3; i++)
			t->ms *= 10;
	}
	return true;
}

static bool parse_dt(const char *type, const char *s, struct dt *t)
{
	memset(t, 0, sizeof(*t));
	if (strcmp(type, "time-local")) {
		t->y = num(&s, 4);
		if (t->y < 0 || *s++ != '-')
			return false;
		t->mo = num(&s, 2);
		if (t->mo < 0 || *s++ != '-')
			return false;
		t->d = num(&s, 2);
		if (t->d < 0)
			return false;
		if (!strcmp(type, "date-local"))
			return !*s;
		if (*s != 'T' && *s != 't' && *s != ' ')
			return false;
		s++;
	}
	if (!parse_time(&s, t))
		return false;
	if (!strcmp(type, "datetime")) {
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s++ == '-' ? -1 : 1;
			int oh = num(&s, 2), om;

			if (oh < 0 || *s++ != ':')
				return false;
			om = num(&s, 2);
			if (om < 0)
				return false;
			t->offset = sign * (oh * 60 + om);
		} else {
			return false;
		}
		t->has_offset = true;
	}
	return !*s;
}

static bool dt_equal(const struct dt *a, const struct dt *b)
{
	if (a->has_offset) {
		long long ma = cvl_days_from_civil(a->y, a->mo, a->d) * 1440LL +
			       a->h * 60 + a->mi - a->offset;
		long long mb = cvl_days_from_civil(b->y, b->mo, b->d) * 1440LL +
			       b->h * 60 + b->mi - b->offset;

		return ma == mb && a->s == b->s && a->ms == b->ms;
	}
	return a->y == b->y && a->mo == b->mo && a->d == b->d &&
	       a->h == b->h && a->mi == b->mi && a->s == b->s &&
	       a->ms == b->ms;
}

static int cmp_scalar(const char *path, json_t *want, json_t *have)
{
	const char *wt = json_string_value(json_object_get(want, "type"));
	const char *ht = json_string_value(json_object_get(have, "type"));
	json_t *wvj = json_object_get(want, "value");
	json_t *hvj = json_object_get(have, "value");
	const char *wv = json_string_value(wvj);
	const char *hv = json_string_value(hvj);

	if (strcmp(wt, ht))
		return report(path, "expected type %s, got %s", wt, ht);
	if (!strcmp(wt, "string")) {
		if (json_string_length(wvj) != json_string_length(hvj) ||
		    memcmp(wv, hv, json_string_length(wvj)))
			return report(path, "expected string \"%s\", got \"%s\"",
				      wv, hv);
		return 0;
	}
	if (!strcmp(wt, "integer")) {
		long long a, b;

		if (!parse_int(wv, &a) || !parse_int(hv, &b) || a != b)
			return report(path, "expected integer %s, got %s", wv, hv);
		return 0;
	}
	if (!strcmp(wt, "float")) {
		double a, b;

		if (!parse_float(wv, &a) || !parse_float(hv, &b))
			return report(path, "expected float %s, got %s", wv, hv);
		if (isnan(a) && isnan(b))
			return 0;
		if (a != b || signbit(a) != signbit(b))
			return report(path, "expected float %s, got %s", wv, hv);
		return 0;
	}
	if (!strcmp(wt, "bool")) {
		if (strcmp(wv, hv) || (strcmp(wv, "true") && strcmp(wv, "false")))
			return report(path, "expected bool %s, got %s", wv, hv);
		return 0;
	}
	if (!strcmp(wt, "datetime") || !strcmp(wt, "datetime-local") ||
	    !strcmp(wt, "date-local") || !strcmp(wt, "time-local")) {
		struct dt a, b;

		if (!parse_dt(wt, wv, &a))
			return report(path, "bad expected %s '%s'", wt, wv);
		if (!parse_dt(wt, hv, &b) || !dt_equal(&a, &b))
			return report(path, "expected %s %s, got %s", wt, wv, hv);
		return 0;
	}
	return report(path, "unknown type '%s'", wt);
}

static int cmp(struct strbuf *path, json_t *want, json_t *have)
{
	size_t len = path->len, i, klen;
	const char *key;
	json_t *wv;
	int ret = 0;

	if (is_tagged(want)) {
		if (!is_tagged(have))
			return report(path->buf, "expected a %s value, got a table or array",
				      json_string_value(json_object_get(want, "type")));
		return cmp_scalar(path->buf, want, have);
	}
	if (json_is_array(want)) {
		if (!json_is_array(have))
			return report(path->buf, "expected an array");
		if (json_array_size(want) != json_array_size(have))
			return report(path->buf, "expected %zu array elements, got %zu",
				      json_array_size(want), json_array_size(have));
		json_array_foreach(want, i, wv) {
			strbuf_addf(path, "[%zu]", i);
			ret = cmp(path, wv, json_array_get(have, i));
			strbuf_setlen(path, len);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (!json_is_object(want))
		return report(path->buf, "expected JSON is neither table, array nor value");
	if (!json_is_object(have) || is_tagged(have))
		return report(path->buf, "expected a table");
	json_object_keylen_foreach(want, key, klen, wv) {
		json_t *hv = json_object_getn(have, key, klen);

		if (len)
			strbuf_addch(path, '.');
		strbuf_add(path, key, klen);
		if (!hv)
			ret = report(path->buf, "missing key");
		else
			ret = cmp(path, wv, hv);
		strbuf_setlen(path, len);
		if (ret)
			return ret;
	}
	json_object_keylen_foreach(have, key, klen, wv) {
		if (!json_object_getn(want, key, klen)) {
			if (len)
				strbuf_addch(path, '.');
			strbuf_add(path, key, klen);
			return report(path->buf, "unexpected key");
		}
	}
	return 0;
}

/*
 * jansson refuses NUL in object keys, and TOML keys may hold it ("\u0000"
 * = 1).  So both documents get every \u0000 escape replaced by one code
 * point that neither of them contains (raw or escaped), taken from a
 * private use plane; equality is unchanged.
 */
static bool read_file(const char *file, struct strbuf *sb)
{
	char chunk[65536];
	FILE *f;
	size_t n;

	f = fopen(file, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return false;
	}
	for (;;) {
		n = fread(chunk, 1, sizeof(chunk), f);
		if (!n)
			break;
		strbuf_add(sb, chunk, n);
	}
	fclose(f);
	return true;
}

static bool contains_nocase(const struct strbuf *sb, const char *needle)
{
	size_t n = strlen(needle), i, k;

	for (i = 0; i + n <= sb->len; i++) {
		for (k = 0; k < n; k++)
			if (tolower((unsigned char)sb->buf[i + k]) !=
			    tolower((unsigned char)needle[k]))
				break;
		if (k == n)
			return true;
	}
	return false;
}

/* The UTF-8 and the JSON escape of plane-15 code point U+F0000 + k. */
static void standin(unsigned k, char utf8[5], char esc[13])
{
	unsigned c = 0xf0000 + k, v = c - 0x10000;

	utf8[0] = (char)(0xf0 | (c >> 18));
	utf8[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	utf8[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	utf8[3] = (char)(0x80 | (c & 0x3f));
	utf8[4] = '\0';
	snprintf(esc, 13, "\\u%04X\\u%04X", 0xd800 + (v >> 10),
		 0xdc00 + (v & 0x3ff));
}

static json_t *load(const char *file, const struct strbuf *raw,
		    const char *esc)
{
	struct strbuf text = STRBUF_INIT;
	bool in_string = false;
	json_error_t jerr;
	json_t *j;
	size_t i;

	for (i = 0; i < raw->len; i++) {
		char c = raw->buf[i];

		if (!in_string) {
			in_string = c == '"';
			strbuf_addch(&text, c);
		} else if (c == '"') {
			in_string = false;
			strbuf_addch(&text, c);
		} else if (c == '\\' && i + 1 < raw->len) {
			if (raw->len - i >= 6 && !memcmp(raw->buf + i, "\\u0000", 6)) {
				strbuf_addstr(&text, esc);
				i += 5;
			} else {
				strbuf_add(&text, raw->buf + i, 2);
				i++;
			}
		} else {
			strbuf_addch(&text, c);
		}
	}
	j = json_loadb(text.buf, text.len, JSON_ALLOW_NUL, &jerr);
	if (!j)
		fprintf(stderr, "%s:%d: %s\n", file, jerr.line, jerr.text);
	strbuf_release(&text);
	return j;
}

int main(int argc, char **argv)
{
	struct strbuf path = STRBUF_INIT;
	struct strbuf raw[2] = { STRBUF_INIT, STRBUF_INIT };
	json_t *want = NULL, *have = NULL;
	char utf8[5], esc[13];
	unsigned k;
	int ret = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: toml-compare EXPECTED.json ACTUAL.json\n");
		return 2;
	}
	if (!read_file(argv[1], &raw[0]) || !read_file(argv[2], &raw[1]))
		goto out;
	for (k = 0; k < 0xfffe; k++) {
		standin(k, utf8, esc);
		if (!contains_nocase(&raw[0], utf8) && !contains_nocase(&raw[1], utf8) &&
		    !contains_nocase(&raw[0], esc) && !contains_nocase(&raw[1], esc))
			break;
	}
	want = load(argv[1], &raw[0], esc);
	have = want ? load(argv[2], &raw[1], esc) : NULL;
	if (want && have)
		ret = cmp(&path, want, have);
out:
	json_decref(want);
	json_decref(have);
	strbuf_release(&raw[0]);
	strbuf_release(&raw[1]);
	strbuf_release(&path);
	return ret;
}
