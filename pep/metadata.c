/*
 * metadata.c - core metadata (METADATA, PKG-INFO): RFC 822 style headers
 * and a body, as described in the PyPA core metadata specification.
 *
 * What is accepted:
 *   - lines end in LF, CRLF or a lone CR (as Python's email parser);
 *   - "Field: value" header lines; field names are printable ASCII without
 *     ':' and compare case-insensitively; a line starting with a space or a
 *     tab continues the previous header (unfolded: joined with one space,
 *     or for Description with a newline, dropping the 8-column indent or
 *     the "       |" prefix older tools wrote);
 *   - the first empty line ends the headers; everything after it is the
 *     body, which is the description (the Description header is used only
 *     when the body is empty or only white space);
 *   - a UTF-8 byte order mark at the start is skipped.
 * What is rejected (with the line and column):
 *   - input above PEP_METADATA_MAX bytes, bytes that are not UTF-8, NUL;
 *   - a header line without a colon or with a bad field name, and a
 *     continuation line before any header;
 *   - Metadata-Version, Name or Version missing or empty, and any of them
 *     or Requires-Python given twice.  A repeated Summary or Description
 *     header keeps the first value (real files sometimes repeat them and
 *     nothing depends on them).
 * Values are stored as written (trimmed): Provides-Extra is not normalized
 * (PEP 685 comparison is the caller's business through
 * pep_name_canonicalize), and Requires-Dist / Requires-Python are not
 * parsed here.
 */
#include "pep/internal.h"

#define PEP_METADATA_MAX (16u << 20)

enum md_field {
	F_OTHER,
	F_METADATA_VERSION,
	F_NAME,
	F_VERSION,
	F_SUMMARY,
	F_DESCRIPTION,
	F_REQUIRES_PYTHON,
	F_REQUIRES_DIST,
	F_PROVIDES_EXTRA,
	F_DYNAMIC,
};

static const struct {
	const char *name;
	enum md_field field;
} fields[] = {
	{ "Metadata-Version", F_METADATA_VERSION },
	{ "Name", F_NAME },
	{ "Version", F_VERSION },
	{ "Summary", F_SUMMARY },
	{ "Description", F_DESCRIPTION },
	{ "Requires-Python", F_REQUIRES_PYTHON },
	{ "Requires-Dist", F_REQUIRES_DIST },
	{ "Provides-Extra", F_PROVIDES_EXTRA },
	{ "Dynamic", F_DYNAMIC },
};

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool name_eq(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (alen != strlen(b))
		return false;
	for (i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

static enum md_field field_of(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (name_eq(name, len, fields[i].name))
			return fields[i].field;
	return F_OTHER;
}

void pep_metadata_release(struct pep_metadata *md)
{
	free(md->metadata_version);
	free(md->name);
	free(md->version);
	free(md->requires_python);
	strvec_clear(&md->requires_dist);
	strvec_clear(&md->provides_extra);
	strvec_clear(&md->dynamic);
	free(md->summary);
	free(md->description);
	md->metadata_version = NULL;
	md->name = NULL;
	md->version = NULL;
	md->requires_python = NULL;
	md->summary = NULL;
	md->description = NULL;
}

bool pep_metadata_is_dynamic(const struct pep_metadata *md, const char *field)
{
	size_t i;

	for (i = 0; i < md->dynamic.nr; i++)
		if (name_eq(md->dynamic.v[i], strlen(md->dynamic.v[i]), field))
			return true;
	return false;
}

/* ---- parsing ------------------------------------------------------------ */

struct md_parser {
	const char *buf;
	size_t len;
	size_t pos;  /* start of the next line */
	int lineno;  /* of the line last read */
	struct pep_metadata *md;
	struct cvl_error *err;
	/* the header being collected */
	bool in_header;
	enum md_field field;
	const char *hname;
	size_t hnamelen;
	int hline;
	struct strbuf value;
	/* lines where single-use fields were first seen */
	int seen[F_DYNAMIC + 1];
};

/* Read the next line into [*s, *s + *n) without its ending; false at EOF. */
static bool next_line(struct md_parser *p, const char **s, size_t *n)
{
	size_t i = p->pos;

	if (p->pos >= p->len)
		return false;
	while (i < p->len && p->buf[i] != '\n' && p->buf[i] != '\r')
		i++;
	*s = p->buf + p->pos;
	*n = i - p->pos;
	if (i < p->len && p->buf[i] == '\r' && i + 1 < p->len &&
	    p->buf[i + 1] == '\n')
		i += 2;
	else if (i < p->len)
		i++;
	p->pos = i;
	p->lineno++;
	return true;
}

static int md_error_at(struct md_parser *p, int line, int column,
		       const char *fmt, ...) CVL_PRINTF(4, 5);

static int md_error_at(struct md_parser *p, int line, int column,
		       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cvl_error_setv(p->err, CVL_EINVAL, fmt, ap);
	va_end(ap);
	cvl_error_at(p->err, line, column);
	return r;
}

static void trim_end(struct strbuf *sb)
{
	size_t n = sb->len;

	/* A folded Description may end in empty continuation lines. */
	while (n && (sb->buf[n - 1] == ' ' || sb->buf[n - 1] == '\t' ||
		     sb->buf[n - 1] == '\n'))
		n--;
	strbuf_setlen(sb, n);
}

static char *take_value(struct md_parser *p)
{
	return strbuf_detach(&p->value, NULL);
}

/* The collected header is complete: store it. */
static int finish_header(struct md_parser *p)
{
	struct pep_metadata *md = p->md;
	char **single = NULL;
	bool strict = false;

	if (!p->in_header)
		return 0;
	p->in_header = false;
	trim_end(&p->value);
	switch (p->field) {
	case F_METADATA_VERSION:
		single = &md->metadata_version;
		strict = true;
		break;
	case F_NAME:
		single = &md->name;
		strict = true;
		break;
	case F_VERSION:
		single = &md->version;
		strict = true;
		break;
	case F_REQUIRES_PYTHON:
		single = &md->requires_python;
		strict = true;
		break;
	case F_SUMMARY:
		single = &md->summary;
		break;
	case F_DESCRIPTION:
		single = &md->description;
		break;
	case F_REQUIRES_DIST:
		strvec_pushn(&md->requires_dist, p->value.buf, p->value.len);
		break;
	case F_PROVIDES_EXTRA:
		strvec_pushn(&md->provides_extra, p->value.buf, p->value.len);
		break;
	case F_DYNAMIC:
		strvec_pushn(&md->dynamic, p->value.buf, p->value.len);
		break;
	case F_OTHER:
		break;
	}
	if (single) {
		if (p->seen[p->field]) {
			if (strict)
				return md_error_at(p, p->hline, 1,
						   "duplicate field '%.*s' at line %d (first at line %d)",
						   (int)p->hnamelen, p->hname,
						   p->hline, p->seen[p->field]);
		} else {
			p->seen[p->field] = p->hline;
			*single = take_value(p);
		}
	}
	strbuf_reset(&p->value);
	return 0;
}

/* Append a continuation line to the collected value (unfolding). */
static void add_continuation(struct md_parser *p, const char *s, size_t n)
{
	size_t skip = 0;

	if (p->field == F_DESCRIPTION) {
		if (n >= 8 && !memcmp(s, "       |", 8))
			skip = 8;
		else
			while (skip < n && skip < 8 && (s[skip] == ' ' || s[skip] == '\t'))
				skip++;
		strbuf_addch(&p->value, '\n');
		strbuf_add(&p->value, s + skip, n - skip);
		return;
	}
	while (skip < n && (s[skip] == ' ' || s[skip] == '\t'))
		skip++;
	if (skip == n)
		return;
	if (p->value.len)
		strbuf_addch(&p->value, ' ');
	strbuf_add(&p->value, s + skip, n - skip);
}

static int start_header(struct md_parser *p, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ':') {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f)
			return md_error_at(p, p->lineno, (int)i + 1,
					   "expected 'Field: value' at line %d, column %zu",
					   p->lineno, i + 1);
		i++;
	}
	if (i == n)
		return md_error_at(p, p->lineno, (int)n + 1,
				   "expected ':' after the field name at line %d",
				   p->lineno);
	if (i == 0)
		return md_error_at(p, p->lineno, 1,
				   "empty field name at line %d", p->lineno);
	p->in_header = true;
	p->hname = s;
	p->hnamelen = i;
	p->hline = p->lineno;
	p->field = field_of(s, i);
	strbuf_reset(&p->value);
	i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	strbuf_add(&p->value, s + i, n - i);
	return 0;
}

/* Reject NUL and bytes that are not UTF-8, naming the line and column. */
static int check_text(struct md_parser *p)
{
	size_t i = 0, linestart = 0;
	int line = 1;

	while (i < p->len) {
		unsigned char c = (unsigned char)p->buf[i];
		uint32_t cp;
		size_t n;

		if (c == '\n' || (c == '\r' && !(i + 1 < p->len && p->buf[i + 1] == '\n'))) {
			line++;
			linestart = i + 1;
			i++;
			continue;
		}
		if (c == 0)
			return md_error_at(p, line, (int)(i - linestart + 1),
					   "NUL byte at line %d, column %zu", line,
					   i - linestart + 1);
		if (c < 0x80) {
			i++;
			continue;
		}
		n = pep__utf8_decode(p->buf + i, p->len - i, &cp);
		if (!n)
			return md_error_at(p, line, (int)(i - linestart + 1),
					   "invalid UTF-8 at line %d, column %zu", line,
					   i - linestart + 1);
		i += n;
	}
	return 0;
}

static int check_required(struct md_parser *p)
{
	static const struct {
		enum md_field field;
		const char *name;
	} required[] = {
		{ F_METADATA_VERSION, "Metadata-Version" },
		{ F_NAME, "Name" },
		{ F_VERSION, "Version" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		const char *v = NULL;

		switch (required[i].field) {
		case F_METADATA_VERSION:
			v = p->md->metadata_version;
			break;
		case F_NAME:
			v = p->md->name;
			break;
		default:
			v = p->md->version;
			break;
		}
		if (!v)
			return cvl_error_set(p->err, CVL_EINVAL,
					     "missing required field '%s'",
					     required[i].name);
		if (!*v)
			return md_error_at(p, p->seen[required[i].field], 1,
					   "empty field '%s' at line %d",
					   required[i].name,
					   p->seen[required[i].field]);
	}
	return 0;
}

static bool has_text(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return true;
	return false;
}

int pep_metadata_parse(struct pep_metadata *md, const char *buf, size_t len,
		       struct cvl_error *err)
{
	struct md_parser p;
	const char *s;
	size_t n;
	int r;

	pep_metadata_release(md);
	if (len > PEP_METADATA_MAX)
		return cvl_error_set(err, CVL_ETOOBIG,
				     "metadata too large (%zu bytes, at most %u)",
				     len, PEP_METADATA_MAX);
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	p.len = len;
	p.md = md;
	p.err = err;
	strbuf_init(&p.value, 0);

	r = check_text(&p);
	if (r)
		goto out;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		p.pos = 3;

	while (next_line(&p, &s, &n)) {
		if (!n) {
			/* The blank line: the body follows. */
			r = finish_header(&p);
			if (r)
				goto out;
			if (has_text(p.buf + p.pos, p.len - p.pos)) {
				free(md->description);
				md->description = xmemdup0(p.buf + p.pos, p.len - p.pos);
			}
			p.pos = p.len;
			break;
		}
		if (s[0] == ' ' || s[0] == '\t') {
			if (!p.in_header) {
				r = md_error_at(&p, p.lineno, 1,
						"continuation line without a field at line %d",
						p.lineno);
				goto out;
			}
			add_continuation(&p, s, n);
			continue;
		}
		r = finish_header(&p);
		if (!r)
			r = start_header(&p, s, n);
		if (r)
			goto out;
	}
	r = finish_header(&p);
	if (!r)
		r = check_required(&p);
out:
	strbuf_release(&p.value);
	if (r)
		pep_metadata_release(md);
	return r;
}
