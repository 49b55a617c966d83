/*
 * page_json.c - PEP 691 JSON project pages (api-version 1.x) with the
 * PEP 700 fields (upload-time, size, versions) and PEP 714 core-metadata.
 *
 * Unknown keys are ignored (PEP 691 lets servers add them); a key we know
 * with the wrong type, a malformed hash or time is an error for the whole
 * page, named by its path ("files[3].hashes.sha256"), because a page we
 * misread could hand the resolver unverified files.
 *
 * The page is read with the pull reader of json_scan.c, files added as
 * they come, and behaves as the jansson tree it replaces did: the last of
 * two equal keys wins, a syntax error anywhere beats any other error, then
 * come the errors of 'meta', of 'files' and of 'versions', and the
 * fields of a file are checked in one fixed order whatever the order of
 * its keys.  Only a page that is not valid JSON is read again by jansson,
 * to word the error as before.
 */
#include "index/internal.h"

#include <jansson.h>

/* The keys of a file we read, in the order they are checked. */
enum {
	K_FILENAME,
	K_URL,
	K_HASHES,
	K_REQUIRES_PYTHON,
	K_YANKED,
	K_CORE_METADATA,
	K_DIST_INFO_METADATA,
	K_UPLOAD_TIME,
	K_SIZE,
	K_COUNT
};

static const char *const file_keys[K_COUNT] = {
	"filename", "url", "hashes", "requires-python", "yanked",
	"core-metadata", "dist-info-metadata", "upload-time", "size",
};

/* The last value of a key: a scalar, or where to read it again. */
struct jval {
	int tok;		/* its first token; 0: no such key */
	const char *s;		/* a string's bytes (not NUL-terminated) */
	size_t len;
	size_t kept;		/* s is at keep.buf + kept (set when read) */
	bool in_keep;
	int64_t integer;
	struct idx__json_mark at; /* before the value */
};

/* A hash of a "hashes" dict: the last value of each distinct key. */
struct hash_ent {
	size_t key, klen;	/* in dict */
	size_t val, vlen;
	int tok;
	int alg;
};

struct json_ctx {
	struct idx_page *page;
	const char *url;
	struct cvl_error *err;
	size_t fileno;
	struct idx__json j;
	struct strbuf keep;	/* the escaped strings of one object */
	struct strbuf dict;	/* the keys and strings of one hashes dict */
	struct strbuf tmp;
	struct strbuf abs;
	struct hash_ent *ents;
	size_t nents, alloc_ents;
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

static const char *type_name(int tok)
{
	switch (tok) {
	case IDX__JSON_OBJECT:
		return "an object";
	case IDX__JSON_ARRAY:
		return "an array";
	case IDX__JSON_STRING:
		return "a string";
	case IDX__JSON_INTEGER:
		return "an integer";
	case IDX__JSON_REAL:
		return "a number";
	case IDX__JSON_TRUE:
	case IDX__JSON_FALSE:
		return "a boolean";
	case IDX__JSON_NULL:
		return "null";
	}
	return "a value";
}

/*
 * The value whose first token `tok` just came, into `v` (strings with
 * escapes copied to c->keep), read to its end.
 */
static int take_value(struct json_ctx *c, struct jval *v, int tok)
{
	struct idx__json *j = &c->j;

	v->tok = tok;
	switch (tok) {
	case IDX__JSON_STRING:
		v->len = j->len;
		if (j->str >= j->start && j->str < j->end) {
			v->s = j->str;
			v->in_keep = false;
		} else {
			v->kept = c->keep.len;
			v->in_keep = true;
			strbuf_add(&c->keep, j->str, j->len);
		}
		return 0;
	case IDX__JSON_INTEGER:
		v->integer = j->integer;
		return 0;
	default:
		return idx__json_skip(j, tok);
	}
}

/* Point the strings of `vals` copied to c->keep at their copies. */
static void fix_kept(struct json_ctx *c, struct jval *vals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (vals[i].tok == IDX__JSON_STRING && vals[i].in_keep)
			vals[i].s = c->keep.buf + vals[i].kept;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int bad_api_version(struct json_ctx *c, int code, const char *fmt,
			   const struct jval *v)
{
	struct strbuf q = STRBUF_INIT;
	int r;

	idx__msg_quote(&q, v->s, v->len);
	if (code == CVL_EINVAL)
		r = bad(c, fmt, q.buf);
	else
		r = idx__page_error(c->err, code, c->url, fmt, q.buf);
	strbuf_release(&q);
	return r;
}

/* "1.0", "1.1", "1.4": major must be 1; any minor is fine (PEP 691). */
static int check_api_version(struct json_ctx *c, int meta_tok,
			     const struct idx__json_mark *meta_at)
{
	static const char invalid[] =
		"invalid api-version '%s': expected MAJOR.MINOR";
	struct idx__json *j = &c->j;
	struct jval v = { 0 };
	size_t i, n;
	unsigned long major = 0;
	int tok;

	if (!meta_tok)
		return bad(c, "missing 'meta'");
	if (meta_tok != IDX__JSON_OBJECT)
		return bad(c, "expected an object for 'meta', got %s",
			   type_name(meta_tok));
	strbuf_reset(&c->keep);
	idx__json_seek(j, meta_at);
	idx__json_next(j); /* '{' */
	while ((tok = idx__json_next(j)) == IDX__JSON_KEY) {
		bool ours = j->len == 11 && !memcmp(j->str, "api-version", 11);

		if (ours)
			idx__json_mark(j, &v.at);
		tok = idx__json_next(j);
		if (ours && take_value(c, &v, tok) < 0)
			return -1;
		if (!ours && idx__json_skip(j, tok) < 0)
			return -1;
	}
	fix_kept(c, &v, 1);
	if (!v.tok)
		return bad(c, "missing 'meta.api-version'");
	if (v.tok != IDX__JSON_STRING)
		return bad(c, "expected a string for 'meta.api-version', got %s",
			   type_name(v.tok));
	n = v.len;
	for (i = 0; i < n && is_digit(v.s[i]) && major < 1000; i++)
		major = major * 10 + (unsigned long)(v.s[i] - '0');
	if (i == 0 || i + 1 >= n || v.s[i] != '.' || !is_digit(v.s[i + 1]))
		return bad_api_version(c, CVL_EINVAL, invalid, &v);
	for (i++; i < n && is_digit(v.s[i]); i++)
		;
	if (i < n)
		return bad_api_version(c, CVL_EINVAL, invalid, &v);
	if (major != 1)
		return bad_api_version(c, CVL_EUNSUPPORTED,
				       "unsupported api-version '%s': expected 1.x",
				       &v);
	return 0;
}

/*
 * A dict of hashes read again from `at`: the last value of each key an
 * algorithm of ours, in the order the keys first came (jansson's order).
 */
static int add_hash_dict(struct json_ctx *c, const struct idx__json_mark *at,
			 const char *field, struct idx_hash *hashes,
			 size_t *nhashes)
{
	struct idx__json *j = &c->j;
	size_t i;
	int tok;

	strbuf_reset(&c->dict);
	c->nents = 0;
	idx__json_seek(j, at);
	idx__json_next(j); /* '{' */
	while ((tok = idx__json_next(j)) == IDX__JSON_KEY) {
		int alg = idx__hash_alg_from_name(j->str, j->len);
		struct hash_ent *h = NULL;

		if (alg < 0) {
			/* blake2b and friends: not ours to check */
			if (idx__json_skip(j, idx__json_next(j)) < 0)
				return -1;
			continue;
		}
		for (i = 0; i < c->nents; i++)
			if (c->ents[i].klen == j->len &&
			    !memcmp(c->dict.buf + c->ents[i].key, j->str,
				    j->len))
				h = &c->ents[i];
		if (!h) {
			ALLOC_GROW(c->ents, c->nents + 1, c->alloc_ents);
			h = &c->ents[c->nents++];
			h->key = c->dict.len;
			h->klen = j->len;
			h->alg = alg;
			strbuf_add(&c->dict, j->str, j->len);
		}
		h->tok = tok = idx__json_next(j);
		if (tok == IDX__JSON_STRING) {
			h->val = c->dict.len;
			h->vlen = j->len;
			strbuf_add(&c->dict, j->str, j->len);
		} else if (idx__json_skip(j, tok) < 0) {
			return -1;
		}
	}
	if (tok == IDX__JSON_ERROR)
		return -1;
	for (i = 0; i < c->nents; i++) {
		const struct hash_ent *h = &c->ents[i];
		const char *key = c->dict.buf + h->key;
		struct cvl_error sub = CVL_ERROR_INIT;

		if (h->tok != IDX__JSON_STRING)
			return bad(c, "files[%zu].%s.%.*s: expected a string, got %s",
				   c->fileno, field, (int)h->klen, key,
				   type_name(h->tok));
		if (idx__hash_add(&c->page->arena, hashes, nhashes,
				  (enum idx_hash_alg)h->alg,
				  c->dict.buf + h->val, h->vlen, &sub) < 0)
			return bad(c, "files[%zu].%s.%.*s: %s", c->fileno, field,
				   (int)h->klen, key, sub.msg);
	}
	return 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
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
	t = cvl_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	*out = t - oh * 3600 - om * 60;
	return 0;
}

/* bool, or a dict of hashes (PEP 714 "core-metadata", PEP 658 legacy). */
static int parse_metadata_field(struct json_ctx *c, struct idx_file *f,
				const struct jval *v, const char *field)
{
	if (v->tok == IDX__JSON_TRUE || v->tok == IDX__JSON_FALSE) {
		f->has_metadata = v->tok == IDX__JSON_TRUE;
		return 0;
	}
	if (v->tok == IDX__JSON_OBJECT) {
		f->has_metadata = true;
		return add_hash_dict(c, &v->at, field, f->metadata_hashes,
				     &f->nmetadata_hashes);
	}
	return bad(c, "files[%zu].%s: expected a boolean or an object, got %s",
		   c->fileno, field, type_name(v->tok));
}

static int key_index(const char *key, size_t len)
{
	int i;

	for (i = 0; i < K_COUNT; i++)
		if (!strncmp(file_keys[i], key, len) && !file_keys[i][len])
			return i;
	return -1;
}

/* The fields of a file read (the object is behind us), checked in order. */
static int add_file(struct json_ctx *c, struct jval *vals)
{
	struct idx_page *page = c->page;
	const struct jval *fn = &vals[K_FILENAME], *url = &vals[K_URL], *v;
	struct url_parts parts;
	struct idx_file *f;
	int r;

	if (fn->tok != IDX__JSON_STRING)
		return bad(c, "files[%zu].filename: expected a string, got %s",
			   c->fileno, fn->tok ? type_name(fn->tok) : "nothing");
	if (url->tok != IDX__JSON_STRING)
		return bad(c, "files[%zu].url: expected a string, got %s",
			   c->fileno, url->tok ? type_name(url->tok) : "nothing");
	strbuf_reset(&c->tmp);
	strbuf_add(&c->tmp, url->s, url->len);
	strbuf_reset(&c->abs);
	url_resolve(page->url, c->tmp.buf, &c->abs);
	url_split(c->abs.buf, c->abs.len, &parts);
	f = idx__page_add_file(page, fn->s, fn->len, c->abs.buf, c->abs.len);

	v = &vals[K_HASHES];
	if (v->tok && v->tok != IDX__JSON_OBJECT)
		return bad(c, "files[%zu].hashes: expected an object, got %s",
			   c->fileno, type_name(v->tok));
	if (v->tok) {
		r = add_hash_dict(c, &v->at, "hashes", f->hashes, &f->nhashes);
		if (r < 0)
			return r;
	}
	if (parts.has_fragment) {
		struct cvl_error sub = CVL_ERROR_INIT;

		r = idx__file_add_fragment_hashes(c->page, f, parts.fragment,
						  &sub);
		if (r < 0)
			return bad(c, "files[%zu].url: %s", c->fileno, sub.msg);
	}

	v = &vals[K_REQUIRES_PYTHON];
	if (v->tok == IDX__JSON_STRING) {
		if (v->len)
			f->requires_python = arena_strndup(&page->arena, v->s,
							   v->len);
	} else if (v->tok && v->tok != IDX__JSON_NULL) {
		return bad(c, "files[%zu].requires-python: expected a string, got %s",
			   c->fileno, type_name(v->tok));
	}

	v = &vals[K_YANKED];
	if (v->tok == IDX__JSON_TRUE || v->tok == IDX__JSON_FALSE) {
		f->yanked = v->tok == IDX__JSON_TRUE;
	} else if (v->tok == IDX__JSON_STRING) {
		f->yanked = true;
		if (v->len)
			f->yanked_reason = arena_strndup(&page->arena, v->s,
							 v->len);
	} else if (v->tok && v->tok != IDX__JSON_NULL) {
		return bad(c, "files[%zu].yanked: expected a boolean or a string, got %s",
			   c->fileno, type_name(v->tok));
	}

	/* PEP 714: "core-metadata" wins over the older "dist-info-metadata" */
	v = &vals[K_CORE_METADATA];
	if (v->tok && v->tok != IDX__JSON_NULL) {
		r = parse_metadata_field(c, f, v, "core-metadata");
		if (r < 0)
			return r;
	} else {
		v = &vals[K_DIST_INFO_METADATA];
		if (v->tok && v->tok != IDX__JSON_NULL) {
			r = parse_metadata_field(c, f, v, "dist-info-metadata");
			if (r < 0)
				return r;
		}
	}

	v = &vals[K_UPLOAD_TIME];
	if (v->tok == IDX__JSON_STRING) {
		if (idx__parse_iso8601(v->s, v->len, &f->upload_time)) {
			struct strbuf q = STRBUF_INIT;

			idx__msg_quote(&q, v->s, v->len);
			r = bad(c, "files[%zu].upload-time: expected an ISO 8601 time like '2024-01-31T12:00:00.123456Z', got '%s'",
				c->fileno, q.buf);
			strbuf_release(&q);
			return r;
		}
	} else if (v->tok && v->tok != IDX__JSON_NULL) {
		return bad(c, "files[%zu].upload-time: expected a string, got %s",
			   c->fileno, type_name(v->tok));
	}

	v = &vals[K_SIZE];
	if (v->tok == IDX__JSON_INTEGER && v->integer >= 0) {
		f->size = v->integer;
	} else if (v->tok && v->tok != IDX__JSON_NULL) {
		return bad(c, "files[%zu].size: expected a non-negative integer, got %s",
			   c->fileno, type_name(v->tok));
	}
	return 0;
}

/*
 * One element of 'files' whose first token `tok` just came, read to its
 * end.  Returns 0, -1 on a syntax error, or the (negative) error code of
 * a bad file, with c->err filled.
 */
static int parse_file(struct json_ctx *c, int tok)
{
	struct idx__json *j = &c->j;
	struct jval vals[K_COUNT];
	struct idx__json_mark end;
	int r;

	if (tok != IDX__JSON_OBJECT) {
		if (idx__json_skip(j, tok) < 0)
			return -1;
		return bad(c, "files[%zu]: expected an object, got %s",
			   c->fileno, type_name(tok));
	}
	memset(vals, 0, sizeof(vals));
	strbuf_reset(&c->keep);
	while ((tok = idx__json_next(j)) == IDX__JSON_KEY) {
		int k = key_index(j->str, j->len);

		if (k < 0) {
			if (idx__json_skip(j, idx__json_next(j)) < 0)
				return -1;
			continue;
		}
		idx__json_mark(j, &vals[k].at);
		if (take_value(c, &vals[k], idx__json_next(j)) < 0)
			return -1;
	}
	if (tok == IDX__JSON_ERROR)
		return -1;
	fix_kept(c, vals, K_COUNT);
	idx__json_mark(j, &end);
	r = add_file(c, vals);
	idx__json_seek(j, &end);
	return r;
}

/* Give back the room reserved for files beyond those added. */
static void page_shrink(struct idx_page *page)
{
	if (page->alloc_files == page->nfiles)
		return;
	if (!page->nfiles) {
		free(page->files);
		page->files = NULL;
	} else {
		page->files = xrealloc(page->files,
				       page->nfiles * sizeof(*page->files));
	}
	page->alloc_files = page->nfiles;
}

/*
 * The array 'files' (its '[' just came) into the page.  After a bad
 * file, the rest is only read through; its error is in `ferr`, *frc.
 */
static int parse_files(struct json_ctx *c, struct cvl_error *ferr, int *frc)
{
	struct idx__json *j = &c->j;
	struct cvl_error *err = c->err;
	int tok, r;

	c->err = ferr;
	c->fileno = 0;
	/*
	 * Room for the files the rest of the body can hold (a file takes
	 * 300 bytes or more on real pages), given back when done: the
	 * array does not move while it fills, and keeps no slack.
	 */
	idx__page_reserve(c->page, (size_t)(j->end - j->p) / 256 + 1);
	while ((tok = idx__json_next(j)) != IDX__JSON_ARRAY_END) {
		if (tok == IDX__JSON_ERROR)
			goto syntax;
		if (*frc) {
			if (idx__json_skip(j, tok) < 0)
				goto syntax;
			continue;
		}
		r = parse_file(c, tok);
		if (j->err_at)
			goto syntax;
		if (r < 0)
			*frc = r;
		c->fileno++;
	}
	c->err = err;
	page_shrink(c->page);
	return 0;
syntax:
	c->err = err;
	return -1;
}

/* 'versions': strings, counted first, then copied to the page's arena. */
static int parse_versions(struct json_ctx *c, int tok,
			  const struct idx__json_mark *at)
{
	struct idx_page *page = c->page;
	struct idx__json *j = &c->j;
	size_t i, n = 0;

	if (tok != IDX__JSON_ARRAY)
		return bad(c, "versions: expected an array, got %s",
			   type_name(tok));
	idx__json_seek(j, at);
	idx__json_next(j); /* '[' */
	while ((tok = idx__json_next(j)) != IDX__JSON_ARRAY_END) {
		if (tok != IDX__JSON_STRING)
			return bad(c, "versions[%zu]: expected a string, got %s",
				   n, type_name(tok));
		n++;
	}
	page->versions = arena_alloc(&page->arena,
				     (n ? n : 1) * sizeof(*page->versions));
	idx__json_seek(j, at);
	idx__json_next(j);
	for (i = 0; i < n; i++) {
		idx__json_next(j);
		page->versions[i] = arena_strndup(&page->arena, j->str, j->len);
	}
	page->nversions = n;
	return 0;
}

/*
 * Not valid JSON: jansson words it as before ("... near 'x' at line 1,
 * column 5"); our reader's own words if jansson took it (a bug of ours).
 */
static int syntax_error(struct json_ctx *c, const char *body, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, 0, &jerr);
	int line, column;

	if (!root)
		return idx__page_error(c->err, CVL_EINVAL, c->url,
				       "not valid JSON: %s at line %d, column %d",
				       jerr.text, jerr.line, jerr.column);
	json_decref(root);
	idx__json_position(&c->j, c->j.err_at, &line, &column);
	return idx__page_error(c->err, CVL_EINVAL, c->url,
			       "not valid JSON: %s at line %d, column %d",
			       c->j.errmsg, line, column);
}

static int parse_page(struct json_ctx *c, const char *name, const char *body,
		      size_t len)
{
	struct idx__json *j = &c->j;
	struct idx__json_mark meta_at, versions_at;
	struct cvl_error ferr = CVL_ERROR_INIT;
	int tok, meta_tok = 0, files_tok = 0, versions_tok = 0, frc = 0, r;

	tok = idx__json_next(j);
	if (tok == IDX__JSON_ERROR)
		return syntax_error(c, body, len);
	if (tok != IDX__JSON_OBJECT) {
		if (idx__json_finish(j) < 0)
			return syntax_error(c, body, len);
		return bad(c, "expected an object at the top level, got %s",
			   type_name(tok));
	}
	while ((tok = idx__json_next(j)) == IDX__JSON_KEY) {
		if (j->len == 5 && !memcmp(j->str, "files", 5)) {
			tok = idx__json_next(j);
			if (files_tok) {
				/* the last 'files' wins */
				idx__page_begin(c->page, name, c->url);
				cvl_error_clear(&ferr);
				frc = 0;
			}
			files_tok = tok;
			if (tok == IDX__JSON_ARRAY) {
				if (parse_files(c, &ferr, &frc) < 0)
					return syntax_error(c, body, len);
			} else if (idx__json_skip(j, tok) < 0) {
				return syntax_error(c, body, len);
			}
		} else if (j->len == 4 && !memcmp(j->str, "meta", 4)) {
			idx__json_mark(j, &meta_at);
			meta_tok = idx__json_next(j);
			if (idx__json_skip(j, meta_tok) < 0)
				return syntax_error(c, body, len);
		} else if (j->len == 8 && !memcmp(j->str, "versions", 8)) {
			idx__json_mark(j, &versions_at);
			versions_tok = idx__json_next(j);
			if (idx__json_skip(j, versions_tok) < 0)
				return syntax_error(c, body, len);
		} else if (idx__json_skip(j, idx__json_next(j)) < 0) {
			return syntax_error(c, body, len);
		}
	}
	if (tok == IDX__JSON_ERROR || idx__json_finish(j) < 0)
		return syntax_error(c, body, len);

	r = check_api_version(c, meta_tok, &meta_at);
	if (r < 0)
		return r;
	if (!files_tok)
		return bad(c, "missing 'files'");
	if (files_tok != IDX__JSON_ARRAY)
		return bad(c, "expected an array for 'files', got %s",
			   type_name(files_tok));
	if (frc) {
		if (c->err)
			*c->err = ferr;
		return frc;
	}
	if (versions_tok && versions_tok != IDX__JSON_NULL)
		return parse_versions(c, versions_tok, &versions_at);
	return 0;
}

int idx_page_parse_json(struct idx_page *page, const char *name,
			const char *base_url, const char *body, size_t len,
			struct cvl_error *err)
{
	struct json_ctx c;
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
	memset(&c, 0, sizeof(c));
	c.page = page;
	c.url = base_url;
	c.err = err;
	idx__json_init(&c.j, body, len);
	strbuf_init(&c.keep, 0);
	strbuf_init(&c.dict, 0);
	strbuf_init(&c.tmp, 0);
	strbuf_init(&c.abs, 0);
	r = parse_page(&c, name, body, len);
	idx__json_release(&c.j);
	strbuf_release(&c.keep);
	strbuf_release(&c.dict);
	strbuf_release(&c.tmp);
	strbuf_release(&c.abs);
	free(c.ents);
	if (r < 0)
		idx_page_release(page);
	return r;
}
