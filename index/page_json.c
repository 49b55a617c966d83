/*
 * page_json.c - PEP 691 JSON project pages (api-version 1.x) with the
 * PEP 700 fields (upload-time, size, versions) and PEP 714 core-metadata.
 *
 * Unknown keys are ignored (PEP 691 lets servers add them); a key we know
 * with the wrong type, a malformed hash or time is an error for the whole
 * page, named by its path ("files[3].hashes.sha256"), because a page we
 * misread could hand the resolver unverified files.
 */
#include "index/internal.h"

#include <jansson.h>

struct json_ctx {
	struct idx_page *page;
	const char *url;
	struct cvl_error *err;
	size_t fileno;
	const char *filename;
};

CVL_PRINTF(2, 3)
static int bad(struct json_ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int r;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r = idx__page_error(c->err, CVL_EINVAL, c->url, "%s", sb.buf);
	strbuf_release(&sb);
	return r;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "a value";
}

/* "1.0", "1.1", "1.4": major must be 1; any minor is fine (PEP 691). */
static int check_api_version(struct json_ctx *c, const json_t *root)
{
	const json_t *meta = json_object_get(root, "meta");
	const json_t *v;
	const char *s, *p;
	unsigned long major = 0;

	if (!meta)
		return bad(c, "missing 'meta'");
	if (!json_is_object(meta))
		return bad(c, "expected an object for 'meta', got %s",
			   type_name(meta));
	v = json_object_get(meta, "api-version");
	if (!v)
		return bad(c, "missing 'meta.api-version'");
	if (!json_is_string(v))
		return bad(c, "expected a string for 'meta.api-version', got %s",
			   type_name(v));
	s = json_string_value(v);
	for (p = s; *p >= '0' && *p <= '9' && major < 1000; p++)
		major = major * 10 + (unsigned long)(*p - '0');
	if (p == s || *p != '.' || p[1] < '0' || p[1] > '9') {
		struct strbuf q = STRBUF_INIT;
		int r;

		idx__msg_quote(&q, s, strlen(s));
		r = bad(c, "invalid api-version '%s': expected MAJOR.MINOR", q.buf);
		strbuf_release(&q);
		return r;
	}
	for (p++; *p >= '0' && *p <= '9'; p++)
		;
	if (*p) {
		struct strbuf q = STRBUF_INIT;
		int r;

		idx__msg_quote(&q, s, strlen(s));
		r = bad(c, "invalid api-version '%s': expected MAJOR.MINOR", q.buf);
		strbuf_release(&q);
		return r;
	}
	if (major != 1) {
		struct strbuf q = STRBUF_INIT;
		int r;

		idx__msg_quote(&q, s, strlen(s));
		r = idx__page_error(c->err, CVL_EUNSUPPORTED, c->url,
				    "unsupported api-version '%s': expected 1.x",
				    q.buf);
		strbuf_release(&q);
		return r;
	}
	return 0;
}

static int add_hash_dict(struct json_ctx *c, const json_t *dict,
			 const char *field, struct idx_hash *hashes,
			 size_t *nhashes)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)dict, key, val) {
		int alg = idx__hash_alg_from_name(key, strlen(key));
		struct cvl_error sub = CVL_ERROR_INIT;

		if (alg < 0)
			continue; /* blake2b and friends: not ours to check */
		if (!json_is_string(val))
			return bad(c, "files[%zu].%s.%s: expected a string, got %s",
				   c->fileno, field, key, type_name(val));
		if (idx__hash_add(&c->page->arena, hashes, nhashes,
				  (enum idx_hash_alg)alg,
				  json_string_value(val),
				  json_string_length(val), &sub) < 0)
			return bad(c, "files[%zu].%s.%s: %s", c->fileno, field,
				   key, sub.msg);
	}
	return 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n, int64_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * ISO 8601 "YYYY-MM-DDTHH:MM:SS[.frac][Z|+HH:MM|-HH:MM]" to Unix seconds
 * (fractions dropped; no zone means UTC, as PEP 700 writes UTC).  A ' '
 * may stand for the 'T' (RFC 3339 allows it).
 */
int idx__parse_iso8601(const char *s, size_t len, int64_t *out)
{
	int64_t y, mo, d, h, mi, sec, oh = 0, om = 0, t;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	size_t i;

	if (len < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) ||
	    !digits(s + 8, 2, &d) || !digits(s + 11, 2, &h) ||
	    !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
		return -1;
	i = 19;
	if (i < len && s[i] == '.') {
		size_t start = ++i;

		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return -1;
	}
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i] == '-' ? -1 : 1;

		if (len - i != 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &oh) ||
		    !digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return -1;
		oh *= sign;
		om *= sign;
		i += 6;
	}
	if (i != len)
		return -1;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*out = t - oh * 3600 - om * 60;
	return 0;
}

/* bool, or a dict of hashes (PEP 714 "core-metadata", PEP 658 legacy). */
static int parse_metadata_field(struct json_ctx *c, struct idx_file *f,
				const json_t *v, const char *field)
{
	if (json_is_boolean(v)) {
		f->has_metadata = json_is_true(v);
		return 0;
	}
	if (json_is_object(v)) {
		f->has_metadata = true;
		return add_hash_dict(c, v, field, f->metadata_hashes,
				     &f->nmetadata_hashes);
	}
	return bad(c, "files[%zu].%s: expected a boolean or an object, got %s",
		   c->fileno, field, type_name(v));
}

static int parse_file(struct json_ctx *c, const json_t *obj)
{
	struct idx_page *page = c->page;
	const json_t *fn, *url, *v;
	struct strbuf abs = STRBUF_INIT;
	struct url_parts parts;
	struct idx_file *f;
	int r;

	if (!json_is_object(obj))
		return bad(c, "files[%zu]: expected an object, got %s",
			   c->fileno, type_name(obj));
	fn = json_object_get(obj, "filename");
	url = json_object_get(obj, "url");
	if (!fn || !json_is_string(fn))
		return bad(c, "files[%zu].filename: expected a string, got %s",
			   c->fileno, fn ? type_name(fn) : "nothing");
	if (!url || !json_is_string(url))
		return bad(c, "files[%zu].url: expected a string, got %s",
			   c->fileno, url ? type_name(url) : "nothing");
	url_resolve(page->url, json_string_value(url), &abs);
	url_split(abs.buf, abs.len, &parts);
	f = idx__page_add_file(page, json_string_value(fn),
			       json_string_length(fn), abs.buf, abs.len);
	c->filename = f->filename;

	v = json_object_get(obj, "hashes");
	if (v && !json_is_object(v)) {
		r = bad(c, "files[%zu].hashes: expected an object, got %s",
			c->fileno, type_name(v));
		goto out;
	}
	if (v) {
		r = add_hash_dict(c, v, "hashes", f->hashes, &f->nhashes);
		if (r < 0)
			goto out;
	}
	if (parts.has_fragment) {
		struct cvl_error sub = CVL_ERROR_INIT;

		r = idx__file_add_fragment_hashes(c->page, f, parts.fragment,
						  &sub);
		if (r < 0) {
			r = bad(c, "files[%zu].url: %s", c->fileno, sub.msg);
			goto out;
		}
	}

	v = json_object_get(obj, "requires-python");
	if (v && json_is_string(v)) {
		if (json_string_length(v))
			f->requires_python = arena_strndup(&page->arena,
							   json_string_value(v),
							   json_string_length(v));
	} else if (v && !json_is_null(v)) {
		r = bad(c, "files[%zu].requires-python: expected a string, got %s",
			c->fileno, type_name(v));
		goto out;
	}

	v = json_object_get(obj, "yanked");
	if (v && json_is_boolean(v)) {
		f->yanked = json_is_true(v);
	} else if (v && json_is_string(v)) {
		f->yanked = true;
		if (json_string_length(v))
			f->yanked_reason = arena_strndup(&page->arena,
							 json_string_value(v),
							 json_string_length(v));
	} else if (v && !json_is_null(v)) {
		r = bad(c, "files[%zu].yanked: expected a boolean or a string, got %s",
			c->fileno, type_name(v));
		goto out;
	}

	/* PEP 714: "core-metadata" wins over the older "dist-info-metadata" */
	v = json_object_get(obj, "core-metadata");
	if (v && !json_is_null(v)) {
		r = parse_metadata_field(c, f, v, "core-metadata");
		if (r < 0)
			goto out;
	} else {
		v = json_object_get(obj, "dist-info-metadata");
		if (v && !json_is_null(v)) {
			r = parse_metadata_field(c, f, v, "dist-info-metadata");
			if (r < 0)
				goto out;
		}
	}

	v = json_object_get(obj, "upload-time");
	if (v && json_is_string(v)) {
		if (idx__parse_iso8601(json_string_value(v),
				       json_string_length(v), &f->upload_time)) {
			struct strbuf q = STRBUF_INIT;

			idx__msg_quote(&q, json_string_value(v),
				       json_string_length(v));
			r = bad(c, "files[%zu].upload-time: expected an ISO 8601 time like '2024-01-31T12:00:00.123456Z', got '%s'",
				c->fileno, q.buf);
			strbuf_release(&q);
			goto out;
		}
	} else if (v && !json_is_null(v)) {
		r = bad(c, "files[%zu].upload-time: expected a string, got %s",
			c->fileno, type_name(v));
		goto out;
	}

	v = json_object_get(obj, "size");
	if (v && json_is_integer(v) && json_integer_value(v) >= 0) {
		f->size = (int64_t)json_integer_value(v);
	} else if (v && !json_is_null(v)) {
		r = bad(c, "files[%zu].size: expected a non-negative integer, got %s",
			c->fileno, type_name(v));
		goto out;
	}
	r = 0;
out:
	strbuf_release(&abs);
	return r;
}

static int parse_versions(struct json_ctx *c, const json_t *arr)
{
	struct idx_page *page = c->page;
	size_t i, n;

	if (!json_is_array(arr))
		return bad(c, "versions: expected an array, got %s",
			   type_name(arr));
	n = json_array_size(arr);
	page->versions = arena_alloc(&page->arena,
				     (n ? n : 1) * sizeof(*page->versions));
	for (i = 0; i < n; i++) {
		const json_t *v = json_array_get(arr, i);

		if (!json_is_string(v))
			return bad(c, "versions[%zu]: expected a string, got %s",
				   i, type_name(v));
		page->versions[i] = arena_strndup(&page->arena,
						  json_string_value(v),
						  json_string_length(v));
	}
	page->nversions = n;
	return 0;
}

int idx_page_parse_json(struct idx_page *page, const char *name,
			const char *base_url, const char *body, size_t len,
			struct cvl_error *err)
{
	struct json_ctx c = { page, base_url, err, 0, NULL };
	json_error_t jerr;
	json_t *root;
	const json_t *files, *v;
	size_t i;
	int r;

	idx__page_begin(page, name, base_url);
	if (len > IDX_PAGE_MAX_SIZE) {
		idx_page_release(page);
		return idx__page_error(err, CVL_ETOOBIG, base_url,
				       "%zu bytes, more than the %zu MiB allowed",
				       len, IDX_PAGE_MAX_SIZE >> 20);
	}
	/* a byte order mark is allowed (RFC 8259 lets parsers ignore it) */
	if (len >= 3 && !memcmp(body, "\xef\xbb\xbf", 3)) {
		body += 3;
		len -= 3;
	}
	/* jansson checks UTF-8 and refuses \u0000 (our strings end at NUL) */
	root = json_loadb(body, len, 0, &jerr);
	if (!root) {
		idx_page_release(page);
		return idx__page_error(err, CVL_EINVAL, base_url,
				       "not valid JSON: %s at line %d, column %d",
				       jerr.text, jerr.line, jerr.column);
	}
	if (!json_is_object(root)) {
		r = bad(&c, "expected an object at the top level, got %s",
			type_name(root));
		goto out;
	}
	r = check_api_version(&c, root);
	if (r < 0)
		goto out;
	files = json_object_get(root, "files");
	if (!files) {
		r = bad(&c, "missing 'files'");
		goto out;
	}
	if (!json_is_array(files)) {
		r = bad(&c, "expected an array for 'files', got %s",
			type_name(files));
		goto out;
	}
	idx__page_reserve(page, json_array_size(files));
	for (i = 0; i < json_array_size(files); i++) {
		c.fileno = i;
		r = parse_file(&c, json_array_get(files, i));
		if (r < 0)
			goto out;
	}
	v = json_object_get(root, "versions");
	if (v && !json_is_null(v)) {
		r = parse_versions(&c, v);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	json_decref(root);
	if (r < 0)
		idx_page_release(page);
	return r;
}
