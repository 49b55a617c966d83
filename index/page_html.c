/*
 * page_html.c - PEP 503 project pages and flat --find-links listings.
 *
 * A small tokenizer in the spirit of the HTML5 one, enough for what index
 * servers and directory listings produce: start tags with their
 * attributes (quoted with " or ', or unquoted; names in any case; the
 * first of duplicate attributes wins), end tags, comments, doctypes and
 * processing instructions skipped, the content of <script> and <style>
 * skipped, character references decoded in attribute values.  Only <a>
 * and <base> matter; text is not needed because, like pip, the file name
 * is the last segment of the link's path (percent-decoded), not the
 * anchor's text.  Links ending in '/' (directories, "../") are not files.
 *
 * The page must be UTF-8 (an error names the first bad byte).  Every
 * loop moves forward; a truncated tag at the end of the body is dropped.
 */
#include "index/internal.h"

struct html_attr {
	struct cvl_str name;
	struct cvl_str value; /* raw, character references not decoded */
	bool has_value;
};

#define HTML_MAX_ATTRS 32

struct html_tag {
	char name[16]; /* lowercased, truncated (only "a" and "base" matter) */
	struct html_attr attrs[HTML_MAX_ATTRS];
	size_t nattrs;
	size_t offset; /* of the '<' */
};

/* One link found, kept until the whole page (and its <base>) is read. */
struct html_anchor {
	size_t offset;
	char *href;
	char *requires_python;
	bool yanked;
	char *yanked_reason;
	char *core_metadata; /* value of data-core-metadata, or NULL */
	char *dist_info_metadata;
};

struct html_ctx {
	struct idx_page *page;
	const char *url;
	const char *body;
	size_t len;
	struct cvl_error *err;
	struct arena scratch;
	struct html_anchor *anchors;
	size_t nanchors, alloc_anchors;
	char *base_href; /* first <base href>, or NULL */
};

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool eq_nocase(struct cvl_str s, const char *lit)
{
	size_t i, n = strlen(lit);

	if (s.len != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s.p[i]) != lit[i])
			return false;
	return true;
}

static bool same_name(struct cvl_str a, struct cvl_str b)
{
	size_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++)
		if (lower((unsigned char)a.p[i]) != lower((unsigned char)b.p[i]))
			return false;
	return true;
}

/*
 * Offset of the first byte that is not part of well-formed UTF-8
 * (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF), or
 * `len` when all of it is.
 */
static size_t utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, k;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static void add_utf8(struct strbuf *out, uint32_t cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		strbuf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(out, (int)(0xc0 | (cp >> 6)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(out, (int)(0xe0 | (cp >> 12)));
		strbuf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(out, (int)(0xf0 | (cp >> 18)));
		strbuf_addch(out, (int)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(out, (int)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Named references: the ones pages use.  `legacy` ones are also decoded
 * without their ';' (HTML5 keeps that for old pages), unless an
 * alphanumeric or '=' follows, as in an attribute value "?a=1&ltx=2".
 */
static const struct {
	const char *name;
	uint32_t cp;
	bool legacy;
} named_refs[] = {
	{ "amp", '&', true },     { "lt", '<', true },
	{ "gt", '>', true },      { "quot", '"', true },
	{ "apos", '\'', false },  { "nbsp", 0xa0, true },
	{ "copy", 0xa9, true },   { "reg", 0xae, true },
	{ "sol", '/', false },    { "num", '#', false },
	{ "equals", '=', false }, { "colon", ':', false },
	{ "excl", '!', false },   { "percnt", '%', false },
	{ "plus", '+', false },   { "comma", ',', false },
	{ "period", '.', false }, { "lpar", '(', false },
	{ "rpar", ')', false },   { "tilde", '~', false },
	{ "lowbar", '_', false }, { "hyphen", '-', false },
	{ "ast", '*', false },    { "semi", ';', false },
	{ "quest", '?', false },  { "commat", '@', false },
	{ "dollar", '$', false }, { "Tab", '\t', false },
	{ "NewLine", '\n', false },
};

/* Decode one character reference at s[0] == '&'; returns bytes used, 0 if none. */
static size_t decode_ref(const char *s, size_t len, struct strbuf *out)
{
	size_t i, n, k;

	if (len >= 3 && s[1] == '#') {
		bool hex = s[2] == 'x' || s[2] == 'X';
		uint32_t cp = 0;
		bool big = false;

		i = hex ? 3 : 2;
		n = i;
		for (; i < len; i++) {
			int c = (unsigned char)s[i], d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			if (cp > 0x10ffff)
				big = true;
			else
				cp = cp * (hex ? 16 : 10) + (uint32_t)d;
		}
		if (i == n)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		add_utf8(out, big ? 0xfffd : cp);
		return i;
	}
	for (i = 1; i < len && is_alnum((unsigned char)s[i]); i++)
		;
	n = i - 1;
	for (k = 0; k < ARRAY_SIZE(named_refs); k++) {
		if (strlen(named_refs[k].name) != n ||
		    memcmp(named_refs[k].name, s + 1, n))
			continue;
		if (i < len && s[i] == ';') {
			add_utf8(out, named_refs[k].cp);
			return i + 1;
		}
		if (named_refs[k].legacy && !(i < len && s[i] == '=')) {
			add_utf8(out, named_refs[k].cp);
			return i;
		}
		return 0;
	}
	return 0;
}

/* The attribute value with its character references decoded, in the scratch arena. */
static char *attr_value(struct html_ctx *c, const struct html_attr *a)
{
	struct strbuf sb = STRBUF_INIT;
	const char *v = a->value.p;
	size_t i = 0, len = a->value.len;
	char *r;

	if (!len || !memchr(v, '&', len))
		return arena_strndup(&c->scratch, v ? v : "", len);
	while (i < len) {
		const char *amp = memchr(v + i, '&', len - i);
		size_t run = amp ? (size_t)(amp - (v + i)) : len - i;
		size_t used;

		strbuf_add(&sb, v + i, run);
		i += run;
		if (i == len)
			break;
		used = decode_ref(v + i, len - i, &sb);
		if (!used) {
			strbuf_addch(&sb, '&');
			used = 1;
		}
		i += used;
	}
	r = arena_strndup(&c->scratch, sb.buf, sb.len);
	strbuf_release(&sb);
	return r;
}

static const struct html_attr *find_attr(const struct html_tag *t,
					 const char *name)
{
	size_t i;

	for (i = 0; i < t->nattrs; i++)
		if (eq_nocase(t->attrs[i].name, name))
			return &t->attrs[i];
	return NULL;
}

/* Skip to just past the first `end` (ASCII case-insensitive) at or after i. */
static size_t skip_past(const char *s, size_t len, size_t i, const char *end)
{
	size_t n = strlen(end);

	for (; i + n <= len; i++) {
		size_t k;

		for (k = 0; k < n; k++)
			if (lower((unsigned char)s[i + k]) != end[k])
				break;
		if (k == n)
			return i + n;
	}
	return len;
}

/*
 * Read a start tag at s[i] == '<' (a letter follows).  Returns the index
 * after it, or `len` (and t->name "" ) for a tag cut off by the end.
 */
static size_t read_tag(const char *s, size_t len, size_t i,
		       struct html_tag *t)
{
	size_t n = 0;

	t->offset = i;
	t->nattrs = 0;
	i++;
	while (i < len && !is_space((unsigned char)s[i]) && s[i] != '/' &&
	       s[i] != '>') {
		if (n < sizeof(t->name) - 1)
			t->name[n++] = (char)lower((unsigned char)s[i]);
		i++;
	}
	t->name[n] = '\0';
	for (;;) {
		struct html_attr a = { { NULL, 0 }, { NULL, 0 }, false };
		size_t start;

		while (i < len && (is_space((unsigned char)s[i]) || s[i] == '/'))
			i++;
		if (i >= len)
			break;
		if (s[i] == '>')
			return i + 1;
		/* name: up to space, '/', '>' or '=' (a leading '=' is part of it) */
		start = i++;
		while (i < len && !is_space((unsigned char)s[i]) &&
		       s[i] != '/' && s[i] != '>' && s[i] != '=')
			i++;
		a.name = cvl_str_of(s + start, i - start);
		while (i < len && is_space((unsigned char)s[i]))
			i++;
		if (i < len && s[i] == '=') {
			i++;
			while (i < len && is_space((unsigned char)s[i]))
				i++;
			if (i >= len)
				break;
			a.has_value = true;
			if (s[i] == '"' || s[i] == '\'') {
				char q = s[i++];
				const char *e = memchr(s + i, q, len - i);

				if (!e)
					break;
				a.value = cvl_str_of(s + i, (size_t)(e - (s + i)));
				i = (size_t)(e - s) + 1;
			} else {
				start = i;
				while (i < len && !is_space((unsigned char)s[i]) &&
				       s[i] != '>')
					i++;
				a.value = cvl_str_of(s + start, i - start);
			}
		}
		/* the first of duplicate attributes wins; extra ones are dropped */
		if (t->nattrs < HTML_MAX_ATTRS) {
			size_t k;
			bool dup = false;

			for (k = 0; k < t->nattrs && !dup; k++)
				dup = same_name(t->attrs[k].name, a.name);
			if (!dup)
				t->attrs[t->nattrs++] = a;
		}
	}
	t->name[0] = '\0';
	return len;
}

static void on_tag(struct html_ctx *c, const struct html_tag *t)
{
	const struct html_attr *a;
	struct html_anchor *an;

	if (!strcmp(t->name, "base")) {
		a = find_attr(t, "href");
		if (a && !c->base_href)
			c->base_href = attr_value(c, a);
		return;
	}
	if (strcmp(t->name, "a"))
		return;
	a = find_attr(t, "href");
	if (!a)
		return;
	ALLOC_GROW(c->anchors, c->nanchors + 1, c->alloc_anchors);
	an = &c->anchors[c->nanchors++];
	memset(an, 0, sizeof(*an));
	an->offset = t->offset;
	an->href = attr_value(c, a);
	a = find_attr(t, "data-requires-python");
	if (a)
		an->requires_python = attr_value(c, a);
	a = find_attr(t, "data-yanked");
	if (a) {
		an->yanked = true;
		an->yanked_reason = attr_value(c, a);
	}
	a = find_attr(t, "data-core-metadata");
	if (a)
		an->core_metadata = attr_value(c, a);
	a = find_attr(t, "data-dist-info-metadata");
	if (a)
		an->dist_info_metadata = attr_value(c, a);
}

static void tokenize(struct html_ctx *c)
{
	const char *s = c->body;
	size_t len = c->len;
	size_t i = 0;
	struct html_tag t;

	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);

		if (!lt)
			break;
		i = (size_t)(lt - s);
		if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			i = skip_past(s, len, i + 4, "-->");
		} else if (len - i >= 2 && (s[i + 1] == '!' || s[i + 1] == '?')) {
			i = skip_past(s, len, i + 2, ">");
		} else if (len - i >= 2 && s[i + 1] == '/') {
			i = skip_past(s, len, i + 2, ">");
		} else if (len - i >= 2 && is_alpha((unsigned char)s[i + 1])) {
			i = read_tag(s, len, i, &t);
			if (!t.name[0])
				break;
			on_tag(c, &t);
			if (!strcmp(t.name, "script"))
				i = skip_past(s, len, i, "</script");
			else if (!strcmp(t.name, "style"))
				i = skip_past(s, len, i, "</style");
		} else {
			i++;
		}
	}
}

static int line_of(const char *s, size_t off)
{
	int line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (s[i] == '\n' && line < INT_MAX)
			line++;
	return line;
}

/* "true", or "<alg>=<hex>" (PEP 658); anything else: no metadata file. */
static int parse_metadata_attr(struct html_ctx *c, struct idx_file *f,
			       const char *v, const struct html_anchor *an)
{
	const char *eq = strchr(v, '=');
	struct cvl_error sub = CVL_ERROR_INIT;
	int alg;

	if (!strcmp(v, "true")) {
		f->has_metadata = true;
		return 0;
	}
	if (!eq)
		return 0;
	f->has_metadata = true;
	alg = idx__hash_alg_from_name(v, (size_t)(eq - v));
	if (alg < 0)
		return 0; /* an algorithm we do not check */
	if (idx__hash_add(&c->page->arena, f->metadata_hashes,
			  &f->nmetadata_hashes,
			  (enum idx_hash_alg)alg, eq + 1, strlen(eq + 1),
			  &sub) < 0)
		return idx__page_error(c->err, CVL_EINVAL, c->url,
				       "line %d: metadata of '%s': %s",
				       line_of(c->body, an->offset),
				       f->filename, sub.msg);
	return 0;
}

/* Make a file of an anchor (or nothing for a directory link). */
static int add_anchor(struct html_ctx *c, const char *base,
		      const struct html_anchor *an)
{
	struct strbuf href = STRBUF_INIT, clean = STRBUF_INIT;
	struct strbuf abs = STRBUF_INIT, fn = STRBUF_INIT;
	struct url_parts parts;
	struct idx_file *f;
	const char *p, *e;
	size_t k;
	int r = 0;

	/* leading and trailing whitespace and inner tabs and newlines go */
	p = an->href;
	e = p + strlen(p);
	while (p < e && is_space((unsigned char)*p))
		p++;
	while (e > p && is_space((unsigned char)e[-1]))
		e--;
	while (p < e) {
		const char *q = p;

		while (q < e && *q != '\t' && *q != '\n' && *q != '\r')
			q++;
		strbuf_add(&href, p, (size_t)(q - p));
		p = q < e ? q + 1 : e;
	}
	url_encode_unsafe(href.buf, href.len, &clean);
	url_resolve(base, clean.buf, &abs);
	url_split(abs.buf, abs.len, &parts);
	if (!parts.path.len || parts.path.p[parts.path.len - 1] == '/')
		goto out;
	for (k = parts.path.len; k > 0 && parts.path.p[k - 1] != '/'; k--)
		;
	if (url_percent_decode(parts.path.p + k, parts.path.len - k, &fn,
			       NULL) < 0)
		goto out;
	f = idx__page_add_file(c->page, fn.buf, fn.len, abs.buf, abs.len);
	if (parts.has_fragment) {
		struct cvl_error sub = CVL_ERROR_INIT;

		r = idx__file_add_fragment_hashes(c->page, f, parts.fragment,
						  &sub);
		if (r < 0) {
			r = idx__page_error(c->err, CVL_EINVAL, c->url,
					    "line %d: link to '%s': %s",
					    line_of(c->body, an->offset),
					    f->filename, sub.msg);
			goto out;
		}
	}
	if (an->requires_python && an->requires_python[0])
		f->requires_python = arena_strndup(&c->page->arena,
						   an->requires_python,
						   strlen(an->requires_python));
	f->yanked = an->yanked;
	if (an->yanked_reason && an->yanked_reason[0])
		f->yanked_reason = arena_strndup(&c->page->arena,
						 an->yanked_reason,
						 strlen(an->yanked_reason));
	/* PEP 714: data-core-metadata wins over data-dist-info-metadata */
	if (an->core_metadata)
		r = parse_metadata_attr(c, f, an->core_metadata, an);
	else if (an->dist_info_metadata)
		r = parse_metadata_attr(c, f, an->dist_info_metadata, an);
out:
	strbuf_release(&href);
	strbuf_release(&clean);
	strbuf_release(&abs);
	strbuf_release(&fn);
	return r;
}

int idx_page_parse_html(struct idx_page *page, const char *name,
			const char *base_url, const char *body, size_t len,
			struct cvl_error *err)
{
	struct html_ctx c;
	struct strbuf base = STRBUF_INIT;
	size_t i, bad;
	int r = 0;

	idx__page_begin(page, name, base_url);
	if (len > IDX_PAGE_MAX_SIZE) {
		idx_page_release(page);
		return idx__page_error(err, CVL_ETOOBIG, base_url,
				       "%zu bytes, more than the %zu MiB allowed",
				       len, IDX_PAGE_MAX_SIZE >> 20);
	}
	bad = utf8_check((const unsigned char *)body, len);
	if (bad < len) {
		idx_page_release(page);
		return idx__page_error(err, CVL_EINVAL, base_url,
				       "not valid UTF-8 at byte %zu (0x%02x)",
				       bad, (unsigned char)body[bad]);
	}
	memset(&c, 0, sizeof(c));
	c.page = page;
	c.url = base_url;
	c.body = body;
	c.len = len;
	c.err = err;
	tokenize(&c);
	/* a <base href> counts wherever it is, itself relative to the page */
	if (c.base_href) {
		struct strbuf clean = STRBUF_INIT;
		const char *p = c.base_href, *e = p + strlen(p);

		while (p < e && is_space((unsigned char)*p))
			p++;
		while (e > p && is_space((unsigned char)e[-1]))
			e--;
		url_encode_unsafe(p, (size_t)(e - p), &clean);
		url_resolve(base_url, clean.buf, &base);
		strbuf_release(&clean);
	} else {
		strbuf_addstr(&base, base_url);
	}
	idx__page_reserve(page, c.nanchors);
	for (i = 0; i < c.nanchors && r == 0; i++)
		r = add_anchor(&c, base.buf, &c.anchors[i]);
	strbuf_release(&base);
	free(c.anchors);
	arena_release(&c.scratch);
	if (r < 0)
		idx_page_release(page);
	return r;
}
